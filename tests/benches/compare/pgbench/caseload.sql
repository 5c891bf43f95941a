-- caseload::load (crates/polku-store/src/caseload.rs) for one coach, with
-- customers::COLUMNS (crates/polku-store/src/customers.rs).
SELECT customer_id, birth_date, last_name, first_names, mother_tongue, service_language,
       home_municipality::text AS home_municipality, street_address, postal_code, post_office, phone, email, benefit,
       in_service, unemployed_since, job_search_started_on, status, coach_id, created_at, updated_at,
       p.plan_id, p.current_version AS plan_version, m.next_meeting_at, coalesce(t.open_tasks, 0) AS open_tasks
FROM (SELECT * FROM customers WHERE coach_id = :coach_id AND status = 'active') c
LEFT JOIN LATERAL (SELECT plan_id, current_version FROM employment_plans ep
    WHERE ep.tenant_id = c.tenant_id AND ep.customer_id = c.customer_id
    ORDER BY ep.created_at DESC LIMIT 1) p ON true
LEFT JOIN LATERAL (SELECT min(starts_at) AS next_meeting_at FROM meetings mt
    WHERE mt.tenant_id = c.tenant_id AND mt.customer_id = c.customer_id AND mt.starts_at > :now) m ON true
LEFT JOIN LATERAL (SELECT count(*) AS open_tasks FROM plan_versions v, jsonb_array_elements(v.tasks) task
    WHERE v.tenant_id = c.tenant_id AND v.plan_id = p.plan_id AND v.version = p.current_version
    AND task->>'done_on' IS NULL) t ON true
ORDER BY c.last_name, c.first_names, c.customer_id;
