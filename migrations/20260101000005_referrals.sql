-- Referrals of customers to the catalogue's services, with every
-- transition kept, and what partner organisations may see of them.
--
-- A partner (role `partner`, organisation in `polku.partner_id`) sees the
-- referrals to its own organisation's services once they are sent, and of
-- those customers only the rows the referrals name; plans, meetings,
-- letters and other referrals stay closed to it by their own policies.

CREATE FUNCTION app_partner() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('polku.partner_id', true), '')::uuid $$;

CREATE TABLE referrals (
    tenant_id   uuid NOT NULL,
    referral_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    service_id  uuid NOT NULL,
    -- The service's provider when the referral was made; null for the
    -- area's own services. Partner policies key on it.
    partner_id  uuid,
    state       text NOT NULL CHECK (state IN (
        'proposed', 'sent', 'accepted', 'declined', 'queued', 'started', 'completed', 'interrupted')),
    -- Queue order for a full service.
    queued_at   timestamptz,
    started_on  date,
    ended_on    date,
    reason      text CHECK (length(reason) <= 2000),
    outcome     text CHECK (outcome IN ('employed', 'education', 'other_service', 'health', 'dropped_out', 'other')),
    referred_by text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, referral_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    CONSTRAINT referrals_service_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, service_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, partner_id)
);
CREATE INDEX referrals_service_idx ON referrals (tenant_id, service_id, state);
CREATE INDEX referrals_partner_idx ON referrals (tenant_id, partner_id, state);
CREATE INDEX referrals_customer_idx ON referrals (tenant_id, customer_id);

CREATE TABLE referral_events (
    tenant_id   uuid NOT NULL,
    referral_id uuid NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    state       text NOT NULL,
    actor       text NOT NULL,
    actor_roles text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    note        text,
    PRIMARY KEY (tenant_id, referral_id, seq),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals ON DELETE CASCADE
);

ALTER TABLE path_episodes ADD CONSTRAINT path_episodes_referral_fkey
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, referral_id);

CREATE FUNCTION app_is_partner_of(partner uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT app_has_role('partner') AND partner IS NOT NULL AND partner = app_partner() $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['referrals', 'referral_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
    END LOOP;
END
$$;

-- Staff see every referral of the area; a partner those sent to its own
-- organisation. Only staff make new ones.
CREATE POLICY staff_or_own_partner ON referrals AS RESTRICTIVE
    USING ((SELECT app_is_case_staff()) OR (app_is_partner_of(partner_id) AND state <> 'proposed'))
    WITH CHECK ((SELECT app_is_case_staff()) OR app_is_partner_of(partner_id));
CREATE POLICY staff_create ON referrals AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_is_case_staff()));
CREATE POLICY staff_or_own_partner ON referral_events AS RESTRICTIVE
    USING ((SELECT app_is_case_staff()) OR EXISTS (
        SELECT 1 FROM referrals r
        WHERE r.tenant_id = referral_events.tenant_id AND r.referral_id = referral_events.referral_id))
    WITH CHECK ((SELECT app_is_case_staff()) OR EXISTS (
        SELECT 1 FROM referrals r
        WHERE r.tenant_id = referral_events.tenant_id AND r.referral_id = referral_events.referral_id));

-- Customers: besides the area's staff, a partner reaches the customers of
-- the referrals it can see (the EXISTS runs under the referrals policy).
-- Which columns it reads is narrowed further by the view below.
DROP POLICY case_staff_only ON customers;
CREATE POLICY case_staff_or_referred ON customers AS RESTRICTIVE
    USING ((SELECT app_is_case_staff()) OR (app_has_role('partner') AND EXISTS (
        SELECT 1 FROM referrals r
        WHERE r.tenant_id = customers.tenant_id AND r.customer_id = customers.customer_id)))
    WITH CHECK ((SELECT app_is_case_staff()));
CREATE POLICY customers_staff_update ON customers AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_is_case_staff()));

-- What a partner needs of a referred customer: name, service language and
-- contact details, never the identity code, birth date or benefit.
CREATE VIEW referred_customers WITH (security_invoker = true, security_barrier = true) AS
    SELECT tenant_id, customer_id, first_names, last_name, service_language, phone, email
    FROM customers;

GRANT SELECT, INSERT, UPDATE ON referrals TO polku_app;
GRANT SELECT, INSERT ON referral_events TO polku_app;
GRANT SELECT ON referred_customers TO polku_app;
GRANT EXECUTE ON FUNCTION app_partner(), app_is_partner_of(uuid) TO polku_app;

-- API keys of partner organisations: only a hash is kept. Looking a key up
-- happens before the request knows its partner, under the role
-- `api_key_check`, which may read keys and stamp their last use, nothing else.
CREATE TABLE partner_api_keys (
    tenant_id    uuid NOT NULL,
    key_id       uuid NOT NULL,
    partner_id   uuid NOT NULL,
    label        text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
    -- SHA-256 of the secret part; the secret has 256 random bits, so a
    -- plain hash is enough (nothing to guess, no need for a slow hash).
    secret_hash  bytea NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, key_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, partner_id)
);
ALTER TABLE partner_api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE partner_api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON partner_api_keys USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
CREATE POLICY admins_or_check ON partner_api_keys AS RESTRICTIVE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('api_key_check')))
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('api_key_check')));
GRANT SELECT, INSERT, UPDATE (last_used_at, revoked_at) ON partner_api_keys TO polku_app;
