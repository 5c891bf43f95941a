-- The caseload page for PostGraphile, created in the bench's own database
-- only: a custom query (`benchCaseload(coach)`), PostGraphile's way to serve
-- a shape that its relations alone cannot. The body is the gateway's own
-- caseload statement (`polku_store::caseload::load`) with the customer's
-- columns the page shows. A set-returning SQL function is inlined into
-- PostGraphile's query, so PostgreSQL plans it as the gateway's statement;
-- computed columns per customer were tried and are not inlined, costing
-- PostgreSQL fifteen times more. SECURITY INVOKER (the default): it reads
-- under the caller's role and row policies, as the gateway's statement does.
CREATE TYPE bench_caseload_entry AS (
    customer_id uuid,
    last_name text,
    first_names text,
    current_plan_id uuid,
    current_plan_version integer,
    next_meeting_at timestamptz,
    open_tasks bigint
);

CREATE FUNCTION bench_caseload(coach uuid) RETURNS SETOF bench_caseload_entry
    LANGUAGE sql STABLE
    AS $$
    SELECT c.customer_id, c.last_name, c.first_names, p.plan_id, p.current_version, m.next_meeting_at,
           coalesce(t.open_tasks, 0)
    FROM (SELECT * FROM customers WHERE coach_id = coach AND status = 'active') c
    LEFT JOIN LATERAL (SELECT plan_id, current_version FROM employment_plans ep
        WHERE ep.tenant_id = c.tenant_id AND ep.customer_id = c.customer_id
        ORDER BY ep.created_at DESC LIMIT 1) p ON true
    LEFT JOIN LATERAL (SELECT min(starts_at) AS next_meeting_at FROM meetings mt
        WHERE mt.tenant_id = c.tenant_id AND mt.customer_id = c.customer_id AND mt.starts_at > now()) m ON true
    LEFT JOIN LATERAL (SELECT count(*) AS open_tasks FROM plan_versions v, jsonb_array_elements(v.tasks) task
        WHERE v.tenant_id = c.tenant_id AND v.plan_id = p.plan_id AND v.version = p.current_version
        AND task->>'done_on' IS NULL) t ON true
    ORDER BY c.last_name, c.first_names, c.customer_id
    $$;

GRANT EXECUTE ON FUNCTION bench_caseload(uuid) TO polku_staff;
