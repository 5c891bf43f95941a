-- Tx::begin (crates/polku-store/src/tx.rs), the area's id already known.
-- A coach has neither a partner nor a region: the gateway binds '' for
-- both, written here as literals (a pgbench variable cannot be empty).
\set request random(1, 1000000000)
BEGIN;
SELECT set_config('role', :role, true),
       set_config('polku.user_id', :user_id, true), set_config('polku.roles', :roles, true),
       set_config('polku.tenant_slug', :tenant_slug, true), set_config('polku.partner_id', '', true),
       set_config('polku.region', '', true), set_config('polku.tenant_id', :tenant_id, true),
       set_config('polku.request_id', :request, true);
