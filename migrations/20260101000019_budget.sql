-- Budget control: appropriations per year and purpose, and commitments
-- that reserve money month by month when they are made (an employment
-- grant its whole payment schedule, a bought place its cost for its
-- planned length). Spent and committed are kept apart: spending is
-- recorded against a commitment's month. The area's money: case staff
-- read it, only tenant administrators set appropriations, and commitments
-- are made by the actions that cause them.

CREATE TABLE appropriations (
    tenant_id     uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    year          smallint NOT NULL CHECK (year BETWEEN 2020 AND 2100),
    purpose       text NOT NULL CHECK (purpose IN (
        'employment_grants', 'pay_subsidy_top_ups', 'bought_places', 'other')),
    amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
    -- Percentages of the appropriation at which a commitment is warned of.
    warn_percents smallint[] NOT NULL DEFAULT '{75,90}'
        CHECK (cardinality(warn_percents) <= 5 AND 1 <= ALL (warn_percents) AND 100 >= ALL (warn_percents)),
    set_by        text NOT NULL,
    set_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, year, purpose)
);

-- A year closed by the area: no commitment may reserve money in it.
CREATE TABLE budget_years_closed (
    tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    year      smallint NOT NULL,
    closed_by text NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE commitments (
    tenant_id       uuid NOT NULL,
    commitment_id   uuid NOT NULL,
    purpose         text NOT NULL CHECK (purpose IN (
        'employment_grants', 'pay_subsidy_top_ups', 'bought_places', 'other')),
    -- What made it: an employment grant, a referral, or a manager by hand.
    source          text NOT NULL CHECK (source IN ('grant', 'referral', 'manual')),
    source_id       uuid,
    customer_id     uuid,
    description     text CHECK (length(description) <= 500),
    -- open: reserving; released: cancelled or ended, what was not spent freed.
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'released')),
    -- A manager's reason to go past the appropriation.
    override_reason text CHECK (length(override_reason) BETWEEN 1 AND 1000),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    released_at     timestamptz,
    PRIMARY KEY (tenant_id, commitment_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE SET NULL (customer_id)
);
CREATE INDEX commitments_source_idx ON commitments (tenant_id, source, source_id);

-- A referral to a bought place says for how long the place is planned, so
-- sending it reserves the place's cost month by month.
ALTER TABLE referrals ADD COLUMN planned_months smallint CHECK (planned_months BETWEEN 1 AND 36);

-- Each month a commitment reserves, and what was spent of it.
CREATE TABLE commitment_months (
    tenant_id      uuid NOT NULL,
    commitment_id  uuid NOT NULL,
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    reserved_cents bigint NOT NULL CHECK (reserved_cents >= 0),
    spent_cents    bigint NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
    PRIMARY KEY (tenant_id, commitment_id, month),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES commitments ON DELETE CASCADE
);
CREATE INDEX commitment_months_month_idx ON commitment_months (tenant_id, month);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['appropriations', 'budget_years_closed', 'commitments', 'commitment_months'] LOOP
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
-- Appropriations and closed years are the tenant administrator's to set.
CREATE POLICY admins_set ON appropriations AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')));
CREATE POLICY admins_change ON appropriations AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('tenant_admin'))) WITH CHECK ((SELECT app_has_role('tenant_admin')));
CREATE POLICY admins_close ON budget_years_closed AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')));

GRANT SELECT, INSERT, UPDATE ON appropriations TO polku_staff;
GRANT SELECT, INSERT ON budget_years_closed TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON commitments, commitment_months TO polku_staff;
