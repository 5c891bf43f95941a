-- Database roles per kind of caller. Until now every request ran as
-- `polku_app` itself, and only the row policies (which read the request's
-- `polku.roles` setting) kept a partner or an oversight user from customer
-- rows; which COLUMNS a partner read was up to the Rust code. Now each
-- request's transaction takes a role that fits its caller with
-- `set_config('role', ..., true)`, and that role's grants are the second
-- wall: a partner's role can read six columns of a referred customer and no
-- more, oversight's role has no grant on any case table at all.
--
-- `polku_app`, the login role, keeps nothing of its own but the schema: it
-- is NOINHERIT, so being a member of the caller roles gives it their rights
-- only while it has switched to one of them, inside a transaction.
--
--   polku_staff      coaches, managers, tenant and platform administrators
--   polku_partner    a partner organisation's staff and API keys
--   polku_oversight  regional oversight: areas and their published figures
--   polku_keycheck   the gateway looking up an API key, before it knows whose
--   polku_system     imports, seeding, the generator and the figures refresher
--   polku_anonymous  a caller with no role at all: reference data only

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['polku_staff', 'polku_partner', 'polku_oversight', 'polku_keycheck',
                             'polku_system', 'polku_anonymous'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
        END IF;
    END LOOP;
END
$$;

-- NOINHERIT before the grants: on PostgreSQL 16 and later a grant takes its
-- inherit option from the member's attribute at the time of the grant.
ALTER ROLE polku_app NOINHERIT;
GRANT polku_staff, polku_partner, polku_oversight, polku_keycheck, polku_system, polku_anonymous TO polku_app;
-- The system role does everything staff may, and a little more.
GRANT polku_staff TO polku_system;

-- The application role itself: nothing but the right to look up names.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM polku_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO polku_staff, polku_partner, polku_oversight, polku_keycheck, polku_anonymous;

-- Reference data and the areas themselves (row policies decide which areas).
GRANT SELECT ON regions, municipalities TO polku_staff, polku_partner, polku_oversight, polku_keycheck,
    polku_anonymous;
GRANT SELECT ON tenants TO polku_staff, polku_partner, polku_oversight, polku_keycheck;

-- Staff: what the application role had.
GRANT INSERT, UPDATE ON tenants TO polku_staff;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_municipalities TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON partners, services TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON staff, customers, employment_plans TO polku_staff;
GRANT SELECT, INSERT ON customer_status_history, coach_assignments, plan_versions, meetings, letters,
    import_runs, audit_log TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON service_promises, path_episodes TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON referrals TO polku_staff;
GRANT SELECT, INSERT ON referral_events TO polku_staff;
GRANT SELECT ON referred_customers TO polku_staff;
GRANT SELECT, INSERT, UPDATE (last_used_at, revoked_at) ON partner_api_keys TO polku_staff;
GRANT SELECT, INSERT ON employment_grants TO polku_staff;
-- Managers read their own area's figures; every write to the figures'
-- sources leaves a change note (the trigger runs as the writer).
GRANT SELECT ON area_month_figures, figure_runs TO polku_staff;
GRANT INSERT ON figure_changes TO polku_staff;

-- The figures refresher and other bootstrap work.
GRANT INSERT, UPDATE, DELETE ON area_month_figures, figure_runs TO polku_system;
GRANT SELECT, DELETE ON figure_changes TO polku_system;

-- Partners: the catalogue, their referrals, and of a referred customer the
-- columns `docs/referrals.md` lists (through `referred_customers`, a
-- security-invoker view, so these column grants are what it can reach).
GRANT SELECT ON tenant_municipalities, partners, services TO polku_partner;
GRANT SELECT ON referrals TO polku_partner;
GRANT UPDATE (state, queued_at, started_on, ended_on, reason, outcome, updated_at) ON referrals TO polku_partner;
GRANT SELECT, INSERT ON referral_events TO polku_partner;
GRANT SELECT (tenant_id, customer_id, first_names, last_name, service_language, phone, email)
    ON customers TO polku_partner;
GRANT SELECT ON referred_customers TO polku_partner;
GRANT INSERT ON audit_log TO polku_partner;
GRANT INSERT ON figure_changes TO polku_partner;

-- Oversight: areas and figures, no case table.
GRANT SELECT ON area_month_figures, figure_runs TO polku_oversight;

-- The API-key check: the key table, and the area it belongs to.
GRANT SELECT, UPDATE (last_used_at) ON partner_api_keys TO polku_keycheck;

-- Temporary tables only for the bulk generator (system work); no request
-- role may create anything.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO polku_system', current_database());
END
$$;

-- A referral the partner may see is one that was sent. Until now the policy
-- looked at the state alone, so a draft withdrawn before it was ever sent
-- (proposed → interrupted) became visible to the provider.
ALTER TABLE referrals ADD COLUMN sent_at timestamptz;
UPDATE referrals r SET sent_at = e.at
    FROM (SELECT tenant_id, referral_id, min(at) AS at FROM referral_events WHERE state = 'sent'
          GROUP BY tenant_id, referral_id) e
    WHERE r.tenant_id = e.tenant_id AND r.referral_id = e.referral_id;
UPDATE referrals SET sent_at = coalesce(updated_at, created_at)
    WHERE sent_at IS NULL AND state NOT IN ('proposed', 'interrupted');

CREATE FUNCTION note_referral_sent() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF NEW.state = 'sent' AND NEW.sent_at IS NULL THEN
        NEW.sent_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER referral_sent BEFORE INSERT OR UPDATE OF state ON referrals
    FOR EACH ROW EXECUTE FUNCTION note_referral_sent();

DROP POLICY staff_or_own_partner ON referrals;
CREATE POLICY staff_or_own_partner ON referrals AS RESTRICTIVE
    USING ((SELECT app_is_case_staff()) OR (app_is_partner_of(partner_id) AND sent_at IS NOT NULL))
    WITH CHECK ((SELECT app_is_case_staff()) OR (app_is_partner_of(partner_id) AND sent_at IS NOT NULL));

-- The helper functions the policies call run with a fixed search path, so a
-- caller's search_path cannot swap in another `current_setting`.
ALTER FUNCTION app_tenant() SET search_path = pg_catalog, public;
ALTER FUNCTION app_roles() SET search_path = pg_catalog, public;
ALTER FUNCTION app_has_role(text) SET search_path = pg_catalog, public;
ALTER FUNCTION app_user() SET search_path = pg_catalog, public;
ALTER FUNCTION app_is_case_staff() SET search_path = pg_catalog, public;
ALTER FUNCTION app_partner() SET search_path = pg_catalog, public;
ALTER FUNCTION app_is_partner_of(uuid) SET search_path = pg_catalog, public;
ALTER FUNCTION app_region() SET search_path = pg_catalog, public;
ALTER FUNCTION app_oversees(text) SET search_path = pg_catalog, public;
ALTER FUNCTION note_figure_change() SET search_path = pg_catalog, public;

-- Audit: refused reveals are kept too, and a reveal by someone other than
-- the assigned coach keeps the reason they gave.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('read', 'create', 'change', 'reveal_identity_code', 'reveal_refused', 'export'));
ALTER TABLE audit_log ADD COLUMN reason text CHECK (length(reason) <= 500);
