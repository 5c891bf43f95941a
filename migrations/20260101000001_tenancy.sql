-- Tenancy core: employment areas (tenants), their municipalities, partner
-- organisations and service catalogues, all under forced row-level security.
--
-- Two roles take part. The role that runs migrations owns every table. The
-- gateway connects as `polku_app`, which owns nothing, is no superuser and
-- cannot bypass row security, so a forgotten WHERE clause in Rust can never
-- reach another area's rows: the database filters them first.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'polku_app') THEN
        CREATE ROLE polku_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

-- The request context. Each request's transaction fills these with
-- set_config(..., true), so they vanish at commit or rollback and can never
-- leak to the next user of a pooled connection. Unset means "nobody": the
-- policies then match no rows.
CREATE FUNCTION app_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('polku.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_roles() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT string_to_array(nullif(current_setting('polku.roles', true), ''), ',') $$;

CREATE FUNCTION app_has_role(wanted text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(wanted = ANY (app_roles()), false) $$;

CREATE FUNCTION app_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('polku.user_id', true), '') $$;

-- Reference data (not tenant-owned): readable by everyone who can log in.
CREATE TABLE regions (
    region_code text PRIMARY KEY CHECK (region_code ~ '^[a-z][a-z-]{1,40}$'),
    name_fi     text NOT NULL,
    name_sv     text NOT NULL,
    name_en     text NOT NULL
);

CREATE TABLE municipalities (
    code            char(3) PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
    name_fi         text NOT NULL,
    name_sv         text NOT NULL,
    language_status text NOT NULL CHECK (language_status IN ('fi', 'sv', 'fi_sv', 'sv_fi')),
    region_code     text NOT NULL REFERENCES regions
);

CREATE TABLE tenants (
    tenant_id         uuid PRIMARY KEY,
    slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
    names             jsonb NOT NULL CHECK (jsonb_typeof(names) = 'object'),
    region_code       text NOT NULL REFERENCES regions,
    enabled_languages text[] NOT NULL CHECK (
        cardinality(enabled_languages) >= 1 AND enabled_languages <@ ARRAY['fi', 'sv', 'en']
    ),
    default_language  text NOT NULL CHECK (default_language = ANY (enabled_languages)),
    caseload_limit    integer NOT NULL DEFAULT 60 CHECK (caseload_limit BETWEEN 1 AND 1000),
    time_zone         text NOT NULL DEFAULT 'Europe/Helsinki',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_region_idx ON tenants (region_code);

CREATE TABLE tenant_municipalities (
    tenant_id       uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    code            char(3) NOT NULL REFERENCES municipalities,
    language_status text NOT NULL CHECK (language_status IN ('fi', 'sv', 'fi_sv', 'sv_fi')),
    PRIMARY KEY (tenant_id, code),
    -- A municipality belongs to one employment area at a time.
    CONSTRAINT tenant_municipalities_code_key UNIQUE (code)
);

CREATE TABLE partners (
    tenant_id     uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    partner_id    uuid NOT NULL,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind          text NOT NULL CHECK (kind IN (
        'vocational_school', 'development_company', 'third_sector', 'company',
        'municipal_unit', 'other')),
    business_id   text CHECK (business_id ~ '^[0-9]{7}-[0-9]$'),
    languages     text[] NOT NULL CHECK (languages <@ ARRAY['fi', 'sv', 'en']),
    contact_name  text,
    contact_email text,
    contact_phone text,
    website       text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, partner_id),
    CONSTRAINT partners_business_id_key UNIQUE (tenant_id, business_id)
);

CREATE TABLE services (
    tenant_id           uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    service_id          uuid NOT NULL,
    names               jsonb NOT NULL CHECK (jsonb_typeof(names) = 'object'),
    descriptions        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(descriptions) = 'object'),
    eligibility         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(eligibility) = 'object'),
    category            text NOT NULL CHECK (category IN (
        'personal_coaching', 'workshop', 'training', 'rehabilitative_work', 'work_trial',
        'pay_subsidised_employment', 'apprenticeship', 'skills_demonstration',
        'employment_grant', 'other')),
    provider_partner_id uuid,
    languages           text[] NOT NULL CHECK (
        cardinality(languages) >= 1 AND languages <@ ARRAY['fi', 'sv', 'en']),
    capacity            integer CHECK (capacity >= 0),
    cost_cents          bigint NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
    active_from         date NOT NULL,
    active_until        date CHECK (active_until >= active_from),
    retired_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, service_id),
    FOREIGN KEY (tenant_id, provider_partner_id) REFERENCES partners (tenant_id, partner_id)
);
CREATE INDEX services_provider_idx ON services (tenant_id, provider_partner_id);

-- Row-level security. `(SELECT app_tenant())` is written as a subquery so the
-- planner evaluates it once per statement instead of once per row.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
-- A request may read its own area, and find the area its token names by slug
-- (that is how the request learns its tenant id); platform administrators see all.
CREATE POLICY tenants_read ON tenants FOR SELECT USING (
    tenant_id = (SELECT app_tenant())
    OR slug = (SELECT nullif(current_setting('polku.tenant_slug', true), ''))
    OR (SELECT app_has_role('platform_admin'))
);
CREATE POLICY tenants_create ON tenants FOR INSERT
    WITH CHECK ((SELECT app_has_role('platform_admin')));
CREATE POLICY tenants_configure ON tenants FOR UPDATE
    USING (
        (tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role('tenant_admin')))
        OR (SELECT app_has_role('platform_admin')))
    WITH CHECK (
        (tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role('tenant_admin')))
        OR (SELECT app_has_role('platform_admin')));

-- The tenant-owned tables share one shape of policy: rows of the request's
-- tenant only, for every command, and writes only by its administrators.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_municipalities', 'partners', 'services'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
        EXECUTE format(
            'CREATE POLICY admin_insert ON %I AS RESTRICTIVE FOR INSERT WITH CHECK ('
            '(SELECT app_has_role(''tenant_admin'')) OR (SELECT app_has_role(''platform_admin'')))', t);
        EXECUTE format(
            'CREATE POLICY admin_update ON %I AS RESTRICTIVE FOR UPDATE USING ('
            '(SELECT app_has_role(''tenant_admin'')) OR (SELECT app_has_role(''platform_admin'')))', t);
        EXECUTE format(
            'CREATE POLICY admin_delete ON %I AS RESTRICTIVE FOR DELETE USING ('
            '(SELECT app_has_role(''tenant_admin'')) OR (SELECT app_has_role(''platform_admin'')))', t);
    END LOOP;
END
$$;

-- Which municipalities form which area is public knowledge; the platform
-- administrator who creates areas reads it for all of them.
CREATE POLICY platform_read ON tenant_municipalities FOR SELECT
    USING ((SELECT app_has_role('platform_admin')));

GRANT USAGE ON SCHEMA public TO polku_app;
GRANT SELECT ON regions, municipalities TO polku_app;
GRANT SELECT, INSERT, UPDATE ON tenants TO polku_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_municipalities TO polku_app;
-- Services and partners are retired, never deleted: history refers to them.
GRANT SELECT, INSERT, UPDATE ON partners, services TO polku_app;
GRANT EXECUTE ON FUNCTION app_tenant(), app_roles(), app_has_role(text), app_user() TO polku_app;
