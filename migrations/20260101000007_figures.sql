-- Key figures for oversight: per area and month, precomputed from the case
-- data and published with small numbers suppressed.
--
-- Oversight users (role `oversight`, region in `polku.region`, `all` for the
-- whole country) read the areas of their region and these figures, nothing
-- else: every customer table keeps its case-staff-only policy, so no
-- resolver can hand them a person. The figures are written only under the
-- internal role `figures_refresh`, which no token can carry; the gateway's
-- refresher takes it, together with `manager`, to read an area's case data.
--
-- Any write to the data the figures come from leaves a row in
-- `figure_changes` (one per statement, not per row), so the refresher knows
-- which areas to compute again; appending rather than upserting one row per
-- area keeps concurrent writers of an area from queueing on each other.

CREATE FUNCTION app_region() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('polku.region', true), '') $$;

-- Whether the request may see figures of areas in `region`.
CREATE FUNCTION app_oversees(region text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT app_has_role('oversight') AND (app_region() = 'all' OR app_region() = region) $$;

-- Oversight sees which areas its region has (names and region, no more).
CREATE POLICY oversight_read ON tenants FOR SELECT USING (app_oversees(region_code));

CREATE TABLE area_month_figures (
    tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    -- The first day of the month.
    month     date NOT NULL CHECK (extract(day FROM month) = 1),
    -- The raw counts, sums and bases of the month, before suppression; the
    -- gateway publishes them through polku_domain::disclosure.
    figures   jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'object'),
    PRIMARY KEY (tenant_id, month)
);

-- One row per area: when its figures were last computed, and from what.
CREATE TABLE figure_runs (
    tenant_id   uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    computed_at timestamptz NOT NULL,
    -- The day the current month's figures run to.
    as_of       date NOT NULL,
    first_month date,
    -- The last change the computation is known to include.
    change_seq  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id)
);

CREATE TABLE figure_changes (
    tenant_id  uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    change_seq bigint GENERATED ALWAYS AS IDENTITY,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, change_seq)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['area_month_figures', 'figure_runs', 'figure_changes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
    -- Figures: read by the area's managers and administrators and by
    -- oversight of its region; written only by the refresher.
    FOREACH t IN ARRAY ARRAY['area_month_figures', 'figure_runs'] LOOP
        EXECUTE format(
            'CREATE POLICY own_area ON %I FOR SELECT USING (tenant_id = (SELECT app_tenant()) AND ('
            '(SELECT app_has_role(''manager'')) OR (SELECT app_has_role(''tenant_admin'')) '
            'OR (SELECT app_has_role(''figures_refresh''))))', t);
        EXECUTE format(
            'CREATE POLICY oversight ON %I FOR SELECT USING (EXISTS ('
            'SELECT 1 FROM tenants x WHERE x.tenant_id = %I.tenant_id AND app_oversees(x.region_code)))', t, t);
        EXECUTE format(
            'CREATE POLICY refresher_insert ON %I FOR INSERT WITH CHECK ('
            'tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role(''figures_refresh'')))', t);
        EXECUTE format(
            'CREATE POLICY refresher_update ON %I FOR UPDATE USING ('
            'tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role(''figures_refresh'')))', t);
        EXECUTE format(
            'CREATE POLICY refresher_delete ON %I FOR DELETE USING ('
            'tenant_id = (SELECT app_tenant()) AND (SELECT app_has_role(''figures_refresh'')))', t);
    END LOOP;
END
$$;

-- Anyone writing in an area notes the change; only the refresher reads or
-- clears the notes.
CREATE POLICY tenant_isolation ON figure_changes USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
CREATE POLICY refresher_read ON figure_changes AS RESTRICTIVE FOR SELECT
    USING ((SELECT app_has_role('figures_refresh')));
CREATE POLICY refresher_delete ON figure_changes AS RESTRICTIVE FOR DELETE
    USING ((SELECT app_has_role('figures_refresh')));

CREATE FUNCTION note_figure_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- Writes always run in an area's transaction; bulk loads by the owner
    -- outside one refresh every area afterwards.
    IF app_tenant() IS NOT NULL THEN
        INSERT INTO figure_changes (tenant_id) VALUES (app_tenant());
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['customers', 'customer_status_history', 'meetings', 'employment_plans',
                             'plan_versions', 'path_episodes', 'referrals', 'services'] LOOP
        EXECUTE format(
            'CREATE TRIGGER figures_stale AFTER INSERT OR UPDATE OR DELETE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION note_figure_change()', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON area_month_figures, figure_runs TO polku_app;
GRANT SELECT, INSERT, DELETE ON figure_changes TO polku_app;
GRANT EXECUTE ON FUNCTION app_region(), app_oversees(text), note_figure_change() TO polku_app;
