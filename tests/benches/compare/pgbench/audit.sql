-- audit::record (crates/polku-store/src/audit.rs): one row naming the page's customers.
INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_ids, action, what, request_id)
VALUES (app_tenant(), coalesce(app_user(), 'unknown'), coalesce(current_setting('polku.roles', true), ''),
        :customer_ids, 'read', 'caseload', nullif(current_setting('polku.request_id', true), ''));
