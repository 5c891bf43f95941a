-- The municipality's share of unemployment benefits: the benefit periods
-- staff record of a customer's own history, and Kela's monthly municipal
-- invoice specifications as imported, line by line. Customer data: the
-- area's case staff only; only managers and administrators import invoices.

-- A customer's benefit as staff recorded it (from Kela's or the fund's
-- decision the customer showed): which benefit, from when, at what daily
-- amount, and how many counted days the decision said had gone before.
CREATE TABLE benefit_periods (
    tenant_id     uuid NOT NULL,
    period_id     uuid NOT NULL,
    customer_id   uuid NOT NULL,
    benefit       text NOT NULL CHECK (benefit IN (
        'labour_market_subsidy', 'basic_allowance', 'earnings_related_allowance')),
    starts_on     date NOT NULL,
    ends_on       date CHECK (ends_on >= starts_on),
    daily_cents   bigint NOT NULL CHECK (daily_cents > 0 AND daily_cents < 100000),
    days_before   integer NOT NULL DEFAULT 0 CHECK (days_before BETWEEN 0 AND 5000),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, period_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX benefit_periods_customer_idx ON benefit_periods (tenant_id, customer_id, starts_on);

-- One imported specification of Kela's invoices to the area's
-- municipalities for one month.
CREATE TABLE kela_invoices (
    tenant_id   uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    invoice_id  uuid NOT NULL,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    file_name   text CHECK (length(file_name) <= 300),
    lines       integer NOT NULL,
    billed_cents bigint NOT NULL,
    -- Of the people on the previous month's invoice, the share not on this
    -- one (left benefit or moved away), in per mille; kept when either
    -- month is imported, since the forecast reads it every time.
    exit_per_mille smallint CHECK (exit_per_mille BETWEEN 0 AND 1000),
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, invoice_id),
    -- A month is imported once: a second file for it is refused.
    CONSTRAINT kela_invoices_month_key UNIQUE (tenant_id, month)
);

-- Each line: one person, one benefit, one municipality, one month. The
-- customer when the identity code is one of the area's (by its keyed hash,
-- never the code itself); the hash alone otherwise, so the line still adds
-- up in the reconciliation.
CREATE TABLE kela_invoice_lines (
    tenant_id         uuid NOT NULL,
    invoice_id        uuid NOT NULL,
    line_no           integer NOT NULL,
    customer_id       uuid,
    hetu_hash         bytea NOT NULL,
    municipality_code char(3) NOT NULL REFERENCES municipalities,
    benefit           text NOT NULL CHECK (benefit IN (
        'labour_market_subsidy', 'basic_allowance', 'earnings_related_allowance')),
    days              integer NOT NULL CHECK (days BETWEEN 1 AND 23),
    -- Counted benefit days at the end of the month, this month's included.
    cumulative_days   integer NOT NULL CHECK (cumulative_days >= days),
    paid_cents        bigint NOT NULL CHECK (paid_cents >= 0),
    share_cents       bigint NOT NULL CHECK (share_cents >= 0 AND share_cents <= paid_cents),
    PRIMARY KEY (tenant_id, invoice_id, line_no),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES kela_invoices ON DELETE CASCADE,
    -- An erased customer's lines go with them; the invoice keeps its total.
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    CONSTRAINT kela_invoice_lines_once UNIQUE (tenant_id, invoice_id, hetu_hash, benefit, municipality_code)
);
CREATE INDEX kela_invoice_lines_customer_idx ON kela_invoice_lines (tenant_id, customer_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['benefit_periods', 'kela_invoices', 'kela_invoice_lines'] LOOP
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
-- Invoices are the area's money: imported by managers and administrators.
CREATE POLICY managers_import ON kela_invoices AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('manager') OR app_has_role('tenant_admin')));
CREATE POLICY managers_update ON kela_invoices AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('manager') OR app_has_role('tenant_admin')));
CREATE POLICY managers_import ON kela_invoice_lines AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('manager') OR app_has_role('tenant_admin')));

GRANT SELECT, INSERT, UPDATE ON benefit_periods TO polku_staff;
GRANT SELECT, INSERT ON kela_invoices, kela_invoice_lines TO polku_staff;
GRANT UPDATE (exit_per_mille) ON kela_invoices TO polku_staff;
