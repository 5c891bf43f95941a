-- The personal data's life cycle: retention periods per area, legal holds,
-- erasure (by retention or on the customer's request) that leaves only a
-- pseudonymous tombstone in the logs, corrections with their history, the
-- legal basis of every referral, and a log of every disclosure outside the
-- area's staff. See docs/privacy.md.
--
-- Erasure runs as its own database role, `polku_retention`. It is the only
-- role that may delete a customer, and its policies let it delete only a
-- customer the database itself finds erasable: no active legal hold, and
-- either the retention periods have run out since the relationship ended,
-- or a manager recorded an erasure request. Staff still cannot delete case
-- data at all.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'polku_retention') THEN
        CREATE ROLE polku_retention NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT polku_retention TO polku_app;
GRANT USAGE ON SCHEMA public TO polku_retention;

-- Retention periods of an area, one per kind of record. The defaults and
-- the legal minimums come from the rule file
-- crates/polku-domain/rules/retention.toml (with their sources); the
-- gateway writes them for each area, and a tenant administrator may set a
-- longer time, never a shorter one than the minimum.
CREATE TABLE retention_periods (
    tenant_id     uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN (
        'case_records', 'letters', 'grants', 'import_reports', 'audit_log', 'disclosure_log')),
    years         smallint NOT NULL,
    minimum_years smallint NOT NULL CHECK (minimum_years >= 0),
    -- The rule version the minimum and default came from.
    rule_id       text NOT NULL,
    set_by        text,
    set_at        timestamptz,
    PRIMARY KEY (tenant_id, kind),
    CONSTRAINT retention_periods_minimum CHECK (years >= minimum_years AND years <= 100)
);

-- A legal hold stops erasure of one customer (a pending appeal, a claim,
-- a request of the authorities), with its reason.
CREATE TABLE legal_holds (
    tenant_id   uuid NOT NULL,
    hold_id     uuid NOT NULL,
    customer_id uuid NOT NULL,
    reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    placed_by   text NOT NULL,
    placed_at   timestamptz NOT NULL DEFAULT now(),
    released_by text,
    released_at timestamptz,
    PRIMARY KEY (tenant_id, hold_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX legal_holds_customer_idx ON legal_holds (tenant_id, customer_id) WHERE released_at IS NULL;

-- A customer's request to be erased, recorded by a manager after checking
-- that the law does not require the record to be kept. The retention run
-- carries it out.
CREATE TABLE erasure_requests (
    tenant_id    uuid NOT NULL,
    customer_id  uuid NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);

-- What is left of an erased customer: a random id that replaced the
-- customer's id in the audit and disclosure logs, and dates. Nothing links
-- it back to the person.
CREATE TABLE erasures (
    tenant_id    uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    tombstone_id uuid NOT NULL,
    basis        text NOT NULL CHECK (basis IN ('retention', 'request')),
    ended_on     date,
    erased_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, tombstone_id)
);

-- Corrections of a customer's data (rectification): the old value, who,
-- when and why. Erased with the customer.
CREATE TABLE customer_corrections (
    tenant_id    uuid NOT NULL,
    correction_id uuid NOT NULL,
    customer_id  uuid NOT NULL,
    field        text NOT NULL,
    old_value    text,
    new_value    text,
    reason       text CHECK (length(reason) <= 500),
    corrected_by text NOT NULL,
    corrected_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, correction_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX customer_corrections_customer_idx ON customer_corrections (tenant_id, customer_id, corrected_at);

-- The legal bases a referral may disclose a customer's data on, as data:
-- the customer's consent, or the statutory ground of a kind of service.
-- `default_for` names the service categories whose referrals take the
-- ground when the coach records no other. `unrecorded` marks referrals
-- sent before bases were kept; it cannot be chosen.
CREATE TABLE legal_bases (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
    names       jsonb NOT NULL,
    statute     text NOT NULL,
    is_consent  boolean NOT NULL DEFAULT false,
    selectable  boolean NOT NULL DEFAULT true,
    default_for text[] NOT NULL DEFAULT '{}'
);
INSERT INTO legal_bases (code, names, statute, is_consent, selectable, default_for) VALUES
    ('consent',
     '{"fi": "Asiakkaan suostumus", "sv": "Kundens samtycke", "en": "The customer''s consent"}',
     'EU 2016/679 art. 6(1)(a); laki työvoimapalvelujen järjestämisestä 380/2023 (tietojen luovutus asiakkaan suostumuksella)',
     true, true, '{}'),
    ('employment_services',
     '{"fi": "Työvoimapalvelun järjestäminen", "sv": "Ordnande av arbetskraftsservice", "en": "Organising an employment service"}',
     'Laki työvoimapalvelujen järjestämisestä 380/2023; EU 2016/679 art. 6(1)(c) and (e)',
     false, true, '{personal_coaching,workshop,training,work_trial,pay_subsidised_employment,apprenticeship,skills_demonstration,employment_grant}'),
    ('rehabilitative_work',
     '{"fi": "Kuntouttava työtoiminta", "sv": "Arbetsverksamhet i rehabiliteringssyfte", "en": "Rehabilitative work activity"}',
     'Laki kuntouttavasta työtoiminnasta 189/2001; EU 2016/679 art. 6(1)(c) and (e)',
     false, true, '{rehabilitative_work}'),
    ('unrecorded',
     '{"fi": "Ei kirjattu (ennen perusteiden kirjaamista)", "sv": "Inte registrerad (före grunderna registrerades)", "en": "Not recorded (sent before bases were kept)"}',
     'None recorded: the referral was sent before Polku kept legal bases.',
     false, false, '{}');

ALTER TABLE referrals
    ADD COLUMN legal_basis text REFERENCES legal_bases,
    ADD COLUMN consent_given_on date,
    ADD COLUMN consent_how text CHECK (consent_how IN ('in_person', 'phone', 'written', 'electronic')),
    ADD COLUMN consent_recorded_by text,
    ADD COLUMN consent_withdrawn_at timestamptz,
    ADD COLUMN consent_withdrawn_by text;
-- The owner is itself subject to the forced row security, and a migration
-- runs in no area: without lifting it for this statement the backfill would
-- see no rows, and the constraint below would refuse every area's data.
ALTER TABLE referrals NO FORCE ROW LEVEL SECURITY;
UPDATE referrals SET legal_basis = 'unrecorded' WHERE sent_at IS NOT NULL;
ALTER TABLE referrals FORCE ROW LEVEL SECURITY;
-- A referral is not sent without a basis, and consent is dated and says how.
ALTER TABLE referrals ADD CONSTRAINT referrals_sent_with_basis CHECK (sent_at IS NULL OR legal_basis IS NOT NULL);
ALTER TABLE referrals ADD CONSTRAINT referrals_consent_recorded CHECK (
    legal_basis IS DISTINCT FROM 'consent' OR (consent_given_on IS NOT NULL AND consent_how IS NOT NULL));

-- Withdrawn consent stops disclosure: the partner no longer sees the
-- referral, nor through it the customer.
DROP POLICY staff_or_own_partner ON referrals;
CREATE POLICY staff_or_own_partner ON referrals AS RESTRICTIVE
    USING ((SELECT app_is_case_staff())
           OR (app_is_partner_of(partner_id) AND sent_at IS NOT NULL AND consent_withdrawn_at IS NULL))
    WITH CHECK ((SELECT app_is_case_staff())
           OR (app_is_partner_of(partner_id) AND sent_at IS NOT NULL AND consent_withdrawn_at IS NULL));

-- Every disclosure of a customer's data outside the area's staff: to whom,
-- what, when, on which basis, through which referral. Append-only for the
-- gateway; the retention role replaces the customer id with a tombstone.
CREATE TABLE disclosures (
    tenant_id     uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    disclosure_id bigint GENERATED ALWAYS AS IDENTITY,
    at            timestamptz NOT NULL DEFAULT now(),
    customer_id   uuid NOT NULL,
    recipient     text NOT NULL CHECK (recipient IN ('partner', 'letter', 'export')),
    partner_id    uuid,
    referral_id   uuid,
    actor         text NOT NULL,
    what          text NOT NULL,
    legal_basis   text NOT NULL,
    request_id    text,
    PRIMARY KEY (tenant_id, disclosure_id)
);
CREATE INDEX disclosures_customer_idx ON disclosures (tenant_id, customer_id, at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['retention_periods', 'legal_holds', 'erasure_requests', 'erasures',
                             'customer_corrections', 'disclosures'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['legal_holds', 'erasure_requests', 'customer_corrections'] LOOP
        EXECUTE format(
            'CREATE POLICY case_staff_only ON %I AS RESTRICTIVE USING ((SELECT app_is_case_staff())) '
            'WITH CHECK ((SELECT app_is_case_staff()))', t);
    END LOOP;
END
$$;
-- Holds and erasure requests are a manager's or an administrator's.
CREATE POLICY managers_write ON legal_holds AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('manager')) OR (SELECT app_has_role('tenant_admin')));
CREATE POLICY managers_release ON legal_holds AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('manager')) OR (SELECT app_has_role('tenant_admin')));
CREATE POLICY managers_write ON erasure_requests AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('manager')) OR (SELECT app_has_role('tenant_admin')));
-- Retention periods: every area's staff may read them; administrators set them.
CREATE POLICY admins_write ON retention_periods AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('retention')));
CREATE POLICY admins_insert ON retention_periods AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('retention')));
-- The disclosure log: administrators and managers read it (the access report).
CREATE POLICY disclosures_read ON disclosures AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager'))
           OR (SELECT app_has_role('retention')));

-- The day a customer's relationship with the area ended: the customer has
-- left (closed, moved away, employed, in education) and nothing is open (no
-- referral under way, no service-path period or grant running today); the
-- later of the last status change and the end of the last such item. Null
-- while the relationship goes on.
CREATE FUNCTION customer_relationship_ended_on(p_tenant uuid, p_customer uuid) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
    AS $$
    SELECT greatest(
            (SELECT max(h.changed_at)::date FROM customer_status_history h
             WHERE h.tenant_id = c.tenant_id AND h.customer_id = c.customer_id),
            (SELECT max(r.ended_on) FROM referrals r
             WHERE r.tenant_id = c.tenant_id AND r.customer_id = c.customer_id),
            (SELECT max(coalesce(e.ends_on, e.starts_on)) FROM path_episodes e
             WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.customer_id),
            (SELECT max(g.ends_on) FROM employment_grants g
             WHERE g.tenant_id = c.tenant_id AND g.customer_id = c.customer_id))
    FROM customers c
    WHERE c.tenant_id = p_tenant AND c.customer_id = p_customer
      AND c.status IN ('closed', 'moved_away', 'employed', 'in_education')
      AND NOT EXISTS (SELECT 1 FROM referrals r
                      WHERE r.tenant_id = c.tenant_id AND r.customer_id = c.customer_id
                        AND r.state NOT IN ('declined', 'completed', 'interrupted'))
      AND NOT EXISTS (SELECT 1 FROM path_episodes e
                      WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.customer_id
                        AND e.ends_on >= current_date)
      AND NOT EXISTS (SELECT 1 FROM employment_grants g
                      WHERE g.tenant_id = c.tenant_id AND g.customer_id = c.customer_id
                        AND g.ends_on >= current_date)
    $$;

-- Whether the database lets this customer be erased today: no active legal
-- hold, and either an erasure request, or every retention period of the
-- customer's records has run out (case records from the end of the
-- relationship; grants, which are accounting records, from the end of the
-- last grant). Without the area's periods nothing is erasable.
CREATE FUNCTION customer_erasable(p_tenant uuid, p_customer uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
    AS $$
    SELECT NOT EXISTS (SELECT 1 FROM legal_holds l
                       WHERE l.tenant_id = p_tenant AND l.customer_id = p_customer AND l.released_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM employment_grants g
                       WHERE g.tenant_id = p_tenant AND g.customer_id = p_customer AND g.ends_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM path_episodes e
                       WHERE e.tenant_id = p_tenant AND e.customer_id = p_customer AND e.ends_on >= current_date)
       AND (EXISTS (SELECT 1 FROM erasure_requests q WHERE q.tenant_id = p_tenant AND q.customer_id = p_customer)
            OR coalesce((
                SELECT ended + make_interval(years => cr.years) <= current_date
                   AND coalesce((SELECT max(g.ends_on) FROM employment_grants g
                                 WHERE g.tenant_id = p_tenant AND g.customer_id = p_customer)
                                + make_interval(years => gr.years) <= current_date, true)
                FROM (SELECT customer_relationship_ended_on(p_tenant, p_customer) AS ended) x,
                     retention_periods cr, retention_periods gr
                WHERE cr.tenant_id = p_tenant AND cr.kind = 'case_records'
                  AND gr.tenant_id = p_tenant AND gr.kind = 'grants'), false))
    $$;

-- The retention role: it reads what deciding needs, deletes customers the
-- function above allows (the cascade takes every row of theirs), rewrites
-- the logs' customer ids to tombstones, and deletes log rows, letters and
-- import reports older than their periods.
GRANT SELECT ON tenants, customers, customer_status_history, referrals, path_episodes, employment_grants,
    legal_holds, erasure_requests, retention_periods, letters, import_runs, audit_log, disclosures,
    erasures TO polku_retention;
GRANT INSERT, UPDATE (years, minimum_years, rule_id) ON retention_periods TO polku_retention;
GRANT DELETE ON customers, letters, import_runs TO polku_retention;
-- Locking a batch's rows (SELECT ... FOR UPDATE) needs an update right on
-- some column; this one is harmless.
GRANT UPDATE (updated_at) ON customers TO polku_retention;
GRANT UPDATE (customer_id, reason) ON audit_log TO polku_retention;
GRANT DELETE ON audit_log TO polku_retention;
GRANT UPDATE (customer_id), DELETE ON disclosures TO polku_retention;
GRANT INSERT ON erasures, audit_log TO polku_retention;
GRANT INSERT ON figure_changes TO polku_retention;

CREATE POLICY retention_erases ON customers AS RESTRICTIVE FOR DELETE
    USING ((SELECT app_has_role('retention')) AND customer_erasable(tenant_id, customer_id));
-- Whether a row written at `p_at` has outlived the area's period for
-- `p_kind`: the one rule for letters, import reports and log rows, which the
-- policies below and the retention run both ask. Without the area's period,
-- nothing has expired.
CREATE FUNCTION retention_expired(p_tenant uuid, p_kind text, p_at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
    AS $$
    SELECT coalesce((SELECT p_at + make_interval(years => p.years) <= now() FROM retention_periods p
                     WHERE p.tenant_id = p_tenant AND p.kind = p_kind), false)
    $$;

DO $$
DECLARE
    r record;
    t text;
BEGIN
    FOR r IN SELECT * FROM (VALUES ('letters', 'created_at', 'letters'),
                                   ('import_runs', 'started_at', 'import_reports'),
                                   ('audit_log', 'at', 'audit_log'),
                                   ('disclosures', 'at', 'disclosure_log')) AS v(tbl, col, kind) LOOP
        EXECUTE format(
            'CREATE POLICY retention_expires ON %I AS RESTRICTIVE FOR DELETE '
            'USING ((SELECT app_has_role(''retention'')) AND retention_expired(tenant_id, %L, %I))',
            r.tbl, r.kind, r.col);
    END LOOP;
    -- A log row's customer id is replaced only while that customer is being
    -- erased, and only by an id no customer has.
    FOREACH t IN ARRAY ARRAY['audit_log', 'disclosures'] LOOP
        EXECUTE format(
            'CREATE POLICY retention_tombstones ON %1$I AS RESTRICTIVE FOR UPDATE '
            'USING ((SELECT app_has_role(''retention'')) AND customer_erasable(tenant_id, customer_id)) '
            'WITH CHECK (NOT EXISTS (SELECT 1 FROM customers c '
            'WHERE c.tenant_id = %1$I.tenant_id AND c.customer_id = %1$I.customer_id))', t);
    END LOOP;
END
$$;
-- An erasure leaves its own trace, under the tombstone.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('read', 'create', 'change', 'reveal_identity_code', 'reveal_refused', 'export', 'erase'));
-- Managers read the log too: they answer a customer's access request,
-- which lists who read the customer's data. The retention role reads it
-- only to rewrite it.
DROP POLICY audit_read ON audit_log;
CREATE POLICY audit_read ON audit_log AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager'))
           OR (SELECT app_has_role('retention')));

-- Staff: holds, requests, corrections, the bases, the disclosure log.
GRANT SELECT ON legal_bases TO polku_staff, polku_partner, polku_retention;
GRANT SELECT, INSERT ON legal_holds, erasure_requests, customer_corrections TO polku_staff;
GRANT UPDATE (released_by, released_at) ON legal_holds TO polku_staff;
-- Staff change the years only; the minimum comes from the rules (the
-- gateway writes it with an area's first setting, the retention run keeps it
-- current).
GRANT SELECT, INSERT, UPDATE (years, set_by, set_at) ON retention_periods TO polku_staff;
GRANT SELECT ON erasures TO polku_staff;
GRANT SELECT, INSERT ON disclosures TO polku_staff, polku_partner;
GRANT UPDATE (legal_basis, consent_given_on, consent_how, consent_recorded_by, consent_withdrawn_at,
    consent_withdrawn_by) ON referrals TO polku_staff;

-- Rectification: every change of a customer's personal details keeps the
-- old value, who changed it, when and why (the reason the caller gave in
-- `polku.correction_reason`, else none). The access report shows them.
CREATE FUNCTION note_customer_correction() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
DECLARE
    f text;
    old_value text;
    new_value text;
BEGIN
    FOREACH f IN ARRAY ARRAY['last_name', 'first_names', 'mother_tongue', 'service_language',
                             'home_municipality', 'street_address', 'postal_code', 'post_office',
                             'phone', 'email'] LOOP
        EXECUTE format('SELECT ($1).%I::text, ($2).%I::text', f, f) INTO old_value, new_value USING OLD, NEW;
        IF old_value IS DISTINCT FROM new_value THEN
            INSERT INTO customer_corrections (tenant_id, correction_id, customer_id, field, old_value, new_value,
                                              reason, corrected_by)
            VALUES (NEW.tenant_id, gen_random_uuid(), NEW.customer_id, f, old_value, new_value,
                    nullif(current_setting('polku.correction_reason', true), ''), coalesce(app_user(), 'system'));
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER customer_corrections AFTER UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION note_customer_correction();
