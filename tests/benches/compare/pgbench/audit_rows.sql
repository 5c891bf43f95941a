-- audit::record as it was (crates/polku-store/src/audit.rs): one row per customer.
INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_id, action, what, request_id)
SELECT app_tenant(), coalesce(app_user(), 'unknown'), coalesce(current_setting('polku.roles', true), ''),
       c, 'read', 'caseload', nullif(current_setting('polku.request_id', true), '')
FROM unnest(:customer_ids::uuid[]) AS c;
