-- The jobseeker's duties of 2026 as case records: vacancies a coach assigns
-- to be applied for, neglects with the consequence the rule of their day
-- stated, and the job-search profile. Case data: the area's case staff only,
-- like every other customer table.

CREATE TABLE vacancy_assignments (
    tenant_id     uuid NOT NULL,
    assignment_id uuid NOT NULL,
    customer_id   uuid NOT NULL,
    -- The vacancy as the coach names it (title, employer, a reference in
    -- Työmarkkinatori); never the customer's application itself.
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    reference     text CHECK (length(reference) <= 300),
    assigned_on   date NOT NULL,
    apply_by      date NOT NULL,
    applied_on    date,
    assigned_by   text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, assignment_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    CONSTRAINT vacancy_apply_by_check CHECK (apply_by >= assigned_on),
    CONSTRAINT vacancy_applied_on_check CHECK (applied_on IS NULL OR applied_on >= assigned_on)
);
CREATE INDEX vacancy_assignments_customer_idx ON vacancy_assignments (tenant_id, customer_id);

CREATE TABLE neglects (
    tenant_id     uuid NOT NULL,
    neglect_id    uuid NOT NULL,
    customer_id   uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('missed_discussion', 'missed_vacancy', 'missing_profile',
                                                'insufficient_job_search', 'refused_service', 'other')),
    occurred_on   date NOT NULL,
    -- The vacancy it concerns, for a missed one.
    assignment_id uuid,
    note          text CHECK (length(note) <= 2000),
    -- What the rule in force on `occurred_on` stated when it was recorded:
    -- kept, so the statement made from it stays explainable.
    rule          text NOT NULL,
    ordinal       integer NOT NULL CHECK (ordinal >= 1),
    consequence   text NOT NULL CHECK (consequence IN ('reminder', 'waiting_period', 'work_requirement')),
    consequence_days  integer CHECK (consequence_days > 0),
    consequence_weeks integer CHECK (consequence_weeks > 0),
    period_from   date NOT NULL,
    period_until  date NOT NULL,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, neglect_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, assignment_id) REFERENCES vacancy_assignments (tenant_id, assignment_id)
);
CREATE INDEX neglects_customer_idx ON neglects (tenant_id, customer_id, occurred_on);

-- The job-search profile on the national platform: when it was published,
-- and whether by the jobseeker or by the authority after the deadline.
ALTER TABLE customers ADD COLUMN profile_published_on date,
    ADD COLUMN profile_published_by text CHECK (profile_published_by IN ('customer', 'authority'));

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['vacancy_assignments', 'neglects'] LOOP
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

-- Neglects are history: added, never changed. A vacancy gains the day it
-- was applied for.
GRANT SELECT, INSERT ON neglects TO polku_staff;
GRANT SELECT, INSERT, UPDATE (applied_on) ON vacancy_assignments TO polku_staff;
