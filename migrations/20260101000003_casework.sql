-- Case management: staff, customers (jobseekers) with their encrypted
-- identity codes, coach assignments, employment plans with versions,
-- meetings, personal letters, transfer-import reports and the audit log.
--
-- Customer data is visible only to the area's own staff roles (coach,
-- manager, tenant administrator): partners and oversight users get no
-- customer rows from the database itself, whatever the resolvers do.

CREATE FUNCTION app_is_case_staff() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT app_has_role('coach') OR app_has_role('manager') OR app_has_role('tenant_admin') $$;

CREATE TABLE staff (
    tenant_id  uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    staff_id   uuid NOT NULL,
    -- The identity provider's subject, so a token finds its staff row.
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    email      text,
    phone      text,
    is_coach   boolean NOT NULL DEFAULT true,
    languages  text[] NOT NULL CHECK (cardinality(languages) >= 1 AND languages <@ ARRAY['fi', 'sv', 'en']),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, staff_id),
    CONSTRAINT staff_subject_key UNIQUE (tenant_id, subject)
);

CREATE TABLE customers (
    tenant_id             uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    customer_id           uuid NOT NULL,
    -- AES-256-GCM of the identity code (nonce || ciphertext), bound to the
    -- tenant as associated data; the plain code is never stored.
    hetu_ciphertext       bytea NOT NULL,
    -- HMAC-SHA-256 of the identity code under a separate key: finds a
    -- person and keeps them unique within the area without decrypting.
    hetu_hash             bytea NOT NULL,
    key_version           smallint NOT NULL DEFAULT 1,
    birth_date            date NOT NULL,
    last_name             text NOT NULL CHECK (length(btrim(last_name)) BETWEEN 1 AND 100),
    first_names           text NOT NULL CHECK (length(btrim(first_names)) BETWEEN 1 AND 100),
    mother_tongue         text NOT NULL CHECK (mother_tongue ~ '^[a-z]{2}$'),
    service_language      text NOT NULL CHECK (service_language IN ('fi', 'sv', 'en')),
    home_municipality     char(3) NOT NULL,
    street_address        text,
    postal_code           text CHECK (postal_code ~ '^[0-9]{5}$'),
    post_office           text,
    phone                 text,
    email                 text,
    benefit               text CHECK (benefit IN (
        'labour_market_subsidy', 'basic_daily_allowance', 'earnings_related_allowance', 'none')),
    in_service            boolean NOT NULL DEFAULT false,
    unemployed_since      date,
    job_search_started_on date,
    status                text NOT NULL DEFAULT 'active' CHECK (status IN (
        'active', 'employed', 'in_education', 'moved_away', 'closed')),
    coach_id              uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id),
    CONSTRAINT customers_hetu_key UNIQUE (tenant_id, hetu_hash),
    CONSTRAINT customers_home_municipality_fkey FOREIGN KEY (tenant_id, home_municipality)
        REFERENCES tenant_municipalities (tenant_id, code),
    CONSTRAINT customers_coach_fkey FOREIGN KEY (tenant_id, coach_id) REFERENCES staff (tenant_id, staff_id)
);
CREATE INDEX customers_coach_idx ON customers (tenant_id, coach_id);

CREATE TABLE customer_status_history (
    tenant_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    status      text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  text NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, seq),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);

CREATE TABLE coach_assignments (
    tenant_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    coach_id    uuid,
    assigned_by text NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    -- Set when a manager assigned past the caseload limit.
    overrode_limit boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, customer_id, seq),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, coach_id) REFERENCES staff (tenant_id, staff_id)
);

CREATE TABLE employment_plans (
    tenant_id       uuid NOT NULL,
    plan_id         uuid NOT NULL,
    customer_id     uuid NOT NULL,
    plan_type       text NOT NULL CHECK (plan_type IN (
        'employment_plan', 'activation_plan', 'integration_plan', 'multi_sector_plan')),
    current_version integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, plan_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX employment_plans_customer_idx ON employment_plans (tenant_id, customer_id);

-- Every change to a plan is a new version; versions are never updated.
CREATE TABLE plan_versions (
    tenant_id              uuid NOT NULL,
    plan_id                uuid NOT NULL,
    version                integer NOT NULL CHECK (version >= 1),
    goals                  jsonb NOT NULL CHECK (jsonb_typeof(goals) = 'array'),
    tasks                  jsonb NOT NULL CHECK (jsonb_typeof(tasks) = 'array'),
    job_search_obligation  smallint NOT NULL CHECK (job_search_obligation BETWEEN 0 AND 4),
    created_at             timestamptz NOT NULL DEFAULT now(),
    created_by             text NOT NULL,
    PRIMARY KEY (tenant_id, plan_id, version),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES employment_plans ON DELETE CASCADE
);

CREATE TABLE meetings (
    tenant_id     uuid NOT NULL,
    meeting_id    uuid NOT NULL,
    customer_id   uuid NOT NULL,
    meeting_type  text NOT NULL CHECK (meeting_type IN (
        'initial_interview', 'job_search_discussion', 'supplementary_discussion',
        'tripartite_discussion', 'coaching_session')),
    channel       text NOT NULL CHECK (channel IN ('in_person', 'phone', 'video')),
    starts_at     timestamptz NOT NULL,
    language      text NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    staff_present text[] NOT NULL DEFAULT '{}',
    notes         text,
    -- Outcome and Session Rating Scales: four items of 0..10 each.
    ors           smallint[] CHECK (ors IS NULL OR (cardinality(ors) = 4 AND 0 <= ALL (ors) AND 10 >= ALL (ors))),
    srs           smallint[] CHECK (srs IS NULL OR (cardinality(srs) = 4 AND 0 <= ALL (srs) AND 10 >= ALL (srs))),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, meeting_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX meetings_customer_idx ON meetings (tenant_id, customer_id, starts_at);

CREATE TABLE letters (
    tenant_id   uuid NOT NULL,
    letter_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('transfer')),
    language    text NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    -- lz4: letters are a few kilobytes each and written by the hundred thousand
    -- in a national transfer; lz4 compresses them about eight times faster than pglz.
    html        text COMPRESSION lz4 NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, letter_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX letters_customer_idx ON letters (tenant_id, customer_id);

CREATE TABLE import_runs (
    tenant_id  uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    import_id  uuid NOT NULL,
    file_name  text,
    dry_run    boolean NOT NULL,
    started_by text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    report     jsonb NOT NULL,
    PRIMARY KEY (tenant_id, import_id)
);

-- Append-only: the application role may insert and read, never change.
CREATE TABLE audit_log (
    tenant_id   uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    audit_id    bigint GENERATED ALWAYS AS IDENTITY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    actor_roles text NOT NULL,
    customer_id uuid,
    action      text NOT NULL CHECK (action IN ('read', 'create', 'change', 'reveal_identity_code', 'export')),
    what        text NOT NULL,
    request_id  text,
    PRIMARY KEY (tenant_id, audit_id)
);
CREATE INDEX audit_log_customer_idx ON audit_log (tenant_id, customer_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (tenant_id, actor, at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['staff', 'customers', 'customer_status_history', 'coach_assignments',
                             'employment_plans', 'plan_versions', 'meetings', 'letters', 'import_runs',
                             'audit_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
    END LOOP;
    -- Customer data: the area's case staff only.
    FOREACH t IN ARRAY ARRAY['customers', 'customer_status_history', 'coach_assignments',
                             'employment_plans', 'plan_versions', 'meetings', 'letters', 'import_runs'] LOOP
        EXECUTE format(
            'CREATE POLICY case_staff_only ON %I AS RESTRICTIVE USING ((SELECT app_is_case_staff())) '
            'WITH CHECK ((SELECT app_is_case_staff()))', t);
    END LOOP;
END
$$;

-- Staff of the area may see the area's staff (to find coaches); only
-- administrators and managers change it.
CREATE POLICY staff_write ON staff AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
CREATE POLICY staff_update ON staff AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
-- Anyone acting in the area leaves a trace; only administrators read it.
CREATE POLICY audit_read ON audit_log AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_has_role('tenant_admin')));

GRANT SELECT, INSERT, UPDATE ON staff, customers, employment_plans TO polku_app;
GRANT SELECT, INSERT ON customer_status_history, coach_assignments, plan_versions, meetings, letters,
    import_runs, audit_log TO polku_app;
GRANT EXECUTE ON FUNCTION app_is_case_staff() TO polku_app;
