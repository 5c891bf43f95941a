-- staff::me (crates/polku-store/src/staff.rs): the calling coach.
SELECT s.staff_id, s.subject, s.name, s.email, s.phone, s.is_coach, s.languages, s.active, s.created_at,
       (SELECT count(*) FROM customers c WHERE c.tenant_id = s.tenant_id AND c.coach_id = s.staff_id
        AND c.status = 'active') AS caseload
FROM staff s WHERE s.subject = app_user();
