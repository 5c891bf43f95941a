-- Money seen from outside the case work: budget warnings reach the area's
-- budget holders as notifications, and the funding liability is published
-- for oversight by municipality, counts and euros only.

-- Notifications about something other than a customer carry their facts
-- as codes and numbers (never a name): a budget's year, purpose and the
-- threshold crossed.
ALTER TABLE notifications ADD COLUMN detail jsonb;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'customer_assigned', 'referral_accepted', 'referral_declined', 'referral_interrupted',
    'appointment_confirmed', 'appointment_missed', 'obligation_due',
    'budget_threshold', 'budget_overridden'));

-- Who hears of a purpose's warnings besides the administrator who set it.
ALTER TABLE appropriations ADD COLUMN watchers uuid[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(watchers) <= 20);

-- The liability and the latest reconciliation by municipality, as of the
-- latest invoice: written with each import, read by the area's managers
-- and by oversight of its region (suppressed in the API).
CREATE TABLE area_funding_figures (
    tenant_id         uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    municipality_code char(3) NOT NULL REFERENCES municipalities,
    -- The invoice month the figures rest on.
    month             date NOT NULL CHECK (extract(day FROM month) = 1),
    people            integer NOT NULL CHECK (people >= 0),
    billed_cents      bigint NOT NULL,
    expected_cents    bigint NOT NULL,
    next_month_cents  bigint NOT NULL,
    next3_cents       bigint NOT NULL,
    next12_cents      bigint NOT NULL,
    exit_per_mille    smallint,
    computed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, municipality_code)
);
ALTER TABLE area_funding_figures ENABLE ROW LEVEL SECURITY;
ALTER TABLE area_funding_figures FORCE ROW LEVEL SECURITY;
CREATE POLICY own_area ON area_funding_figures FOR SELECT USING (tenant_id = (SELECT app_tenant()) AND (
    (SELECT app_has_role('manager')) OR (SELECT app_has_role('tenant_admin'))));
CREATE POLICY oversight ON area_funding_figures FOR SELECT USING (EXISTS (
    SELECT 1 FROM tenants x WHERE x.tenant_id = area_funding_figures.tenant_id AND app_oversees(x.region_code)));
CREATE POLICY importer_insert ON area_funding_figures FOR INSERT WITH CHECK (
    tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role('manager') OR app_has_role('tenant_admin')));
CREATE POLICY importer_delete ON area_funding_figures FOR DELETE USING (
    tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role('manager') OR app_has_role('tenant_admin')));
GRANT SELECT, INSERT, DELETE ON area_funding_figures TO polku_staff;
GRANT SELECT ON area_funding_figures TO polku_oversight;
