-- The employment grant (työllisyysavustus): an area's monthly payment to a
-- company or association employing a customer with pay subsidy at over
-- 80 % of full time. The amount is the area's own (400 € by default).

ALTER TABLE tenants ADD COLUMN employment_grant_cents bigint NOT NULL DEFAULT 40000
    CHECK (employment_grant_cents > 0);

CREATE TABLE employment_grants (
    tenant_id            uuid NOT NULL,
    grant_id             uuid NOT NULL,
    customer_id          uuid NOT NULL,
    employer_partner_id  uuid NOT NULL,
    starts_on            date NOT NULL,
    ends_on              date NOT NULL,
    working_time_percent smallint NOT NULL CHECK (working_time_percent > 80 AND working_time_percent <= 100),
    subsidy_percent      smallint NOT NULL CHECK (subsidy_percent IN (50, 70, 100)),
    -- What the employer promises: induction, a workplace mentor, training.
    employer_support     text NOT NULL CHECK (length(btrim(employer_support)) BETWEEN 1 AND 4000),
    -- The monthly amount when the grant was made; later changes to the
    -- area's amount do not touch grants already made.
    monthly_cents        bigint NOT NULL CHECK (monthly_cents > 0),
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, grant_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, employer_partner_id) REFERENCES partners (tenant_id, partner_id),
    CONSTRAINT employment_grants_dates_check CHECK (ends_on >= starts_on)
);
CREATE INDEX employment_grants_customer_idx ON employment_grants (tenant_id, customer_id);

ALTER TABLE employment_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE employment_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON employment_grants USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
CREATE POLICY case_staff_only ON employment_grants AS RESTRICTIVE USING ((SELECT app_is_case_staff()))
    WITH CHECK ((SELECT app_is_case_staff()));
GRANT SELECT, INSERT ON employment_grants TO polku_app;
