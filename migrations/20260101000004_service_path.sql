-- An area's own service promises, stricter than the statute, and each
-- customer's service path as episodes: rehabilitative work activity, work
-- trial, pay-subsidised work and the exits from them.

CREATE TABLE service_promises (
    tenant_id                uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    promise_id               uuid NOT NULL,
    -- How obligations name the promise that set them ("promise:<label>").
    label                    text NOT NULL CHECK (label ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    descriptions             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(descriptions) = 'object'),
    min_age                  smallint CHECK (min_age BETWEEN 15 AND 99),
    max_age                  smallint CHECK (max_age BETWEEN 15 AND 99),
    interview_working_days   smallint CHECK (interview_working_days BETWEEN 1 AND 30),
    discussion_interval_days smallint CHECK (discussion_interval_days BETWEEN 1 AND 92),
    effective_from           date NOT NULL,
    effective_until          date,
    created_by               text NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, promise_id),
    CONSTRAINT service_promises_label_key UNIQUE (tenant_id, label),
    CONSTRAINT service_promises_something_check
        CHECK (interview_working_days IS NOT NULL OR discussion_interval_days IS NOT NULL),
    CONSTRAINT service_promises_ages_check CHECK (min_age <= max_age),
    CONSTRAINT service_promises_dates_check CHECK (effective_until >= effective_from)
);

CREATE TABLE path_episodes (
    tenant_id            uuid NOT NULL,
    episode_id           uuid NOT NULL,
    customer_id          uuid NOT NULL,
    stage                text NOT NULL CHECK (stage IN (
        'rehabilitative_work', 'work_trial', 'pay_subsidised_work',
        'open_market', 'education', 'other_exit')),
    starts_on            date NOT NULL,
    -- The planned end of a period, moved earlier when it is interrupted;
    -- null for an exit.
    ends_on              date,
    ended_early          boolean NOT NULL DEFAULT false,
    service_id           uuid,
    -- The referral it came from, where there was one.
    referral_id          uuid,
    -- A work trial's organiser or a pay-subsidised job's employer; null
    -- when the area itself organises.
    organiser_partner_id uuid,
    days_per_week        smallint,
    hours_per_day        smallint,
    subsidy_percent      smallint CHECK (subsidy_percent IN (50, 70, 100)),
    working_time_percent smallint CHECK (working_time_percent BETWEEN 1 AND 100),
    subsidy_cents        bigint CHECK (subsidy_cents > 0),
    -- The version of the limits that the episode was checked against.
    rule_version         text NOT NULL,
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, episode_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    CONSTRAINT path_episodes_service_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, service_id),
    CONSTRAINT path_episodes_organiser_fkey FOREIGN KEY (tenant_id, organiser_partner_id)
        REFERENCES partners (tenant_id, partner_id),
    CONSTRAINT path_episodes_dates_check CHECK (ends_on >= starts_on)
);
CREATE INDEX path_episodes_customer_idx ON path_episodes (tenant_id, customer_id, starts_on);
CREATE INDEX path_episodes_month_idx ON path_episodes (tenant_id, starts_on);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['service_promises', 'path_episodes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
        EXECUTE format(
            'CREATE POLICY case_staff_only ON %I AS RESTRICTIVE USING ((SELECT app_is_case_staff())) '
            'WITH CHECK ((SELECT app_is_case_staff()))', t);
    END LOOP;
END
$$;

-- Promises are the area's policy: its managers and administrators set them.
CREATE POLICY promises_write ON service_promises AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
CREATE POLICY promises_update ON service_promises AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));

GRANT SELECT, INSERT, UPDATE ON service_promises, path_episodes TO polku_app;
