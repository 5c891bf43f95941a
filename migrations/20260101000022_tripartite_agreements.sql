-- The tripartite agreement (kolmikantasopimus / trepartsavtal) of a work
-- trial, a pay-subsidised job or an employer placement: the customer, the
-- organiser (the referral's partner) and the area agree on the tasks, the
-- place, the working time, the dates and the people. The coach drafts it;
-- the partner and the customer confirm it (who, when and how); it may be
-- renewed once with only its dates changed (a new agreement that `renews`
-- the first); the closing assessment closes it. A draft drafted wrong is
-- withdrawn by the area (its terms are fixed) and then counts for nothing.
CREATE TABLE agreements (
    tenant_id              uuid NOT NULL,
    agreement_id           uuid NOT NULL,
    referral_id            uuid NOT NULL,
    kind                   text NOT NULL CHECK (kind IN ('work_trial', 'pay_subsidised_job', 'employer_placement')),
    renews                 uuid,
    tasks                  text NOT NULL CHECK (length(btrim(tasks)) BETWEEN 1 AND 4000),
    place                  text NOT NULL CHECK (length(btrim(place)) BETWEEN 1 AND 500),
    starts_on              date NOT NULL,
    ends_on                date NOT NULL CHECK (ends_on >= starts_on),
    days_per_week          smallint NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
    hours_per_day          numeric(4, 2) NOT NULL CHECK (hours_per_day > 0 AND hours_per_day <= 24),
    supervisor_name        text NOT NULL CHECK (length(btrim(supervisor_name)) BETWEEN 1 AND 200),
    supervisor_phone       text CHECK (length(supervisor_phone) <= 50),
    supervisor_email       text CHECK (length(supervisor_email) <= 254),
    coach_contact          text NOT NULL CHECK (length(btrim(coach_contact)) BETWEEN 1 AND 500),
    insurance              text CHECK (length(insurance) <= 2000),
    subsidy_terms          text CHECK (length(subsidy_terms) <= 2000),
    state                  text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'in_force', 'closed', 'withdrawn')),
    drafted_by             text NOT NULL,
    drafted_at             timestamptz NOT NULL DEFAULT now(),
    partner_confirmed_by   text,
    partner_confirmed_at   timestamptz,
    partner_confirmed_how  text CHECK (partner_confirmed_how IN (
        'electronic', 'signature', 'strong_identification', 'in_person', 'phone')),
    customer_confirmed_how text CHECK (customer_confirmed_how IN (
        'electronic', 'signature', 'strong_identification', 'in_person', 'phone')),
    customer_confirmed_at  timestamptz,
    customer_recorded_by   text,
    closed_at              timestamptz,
    withdrawn_at           timestamptz,
    withdrawn_by           text,
    withdrawn_reason       text CHECK (length(withdrawn_reason) <= 2000),
    PRIMARY KEY (tenant_id, agreement_id),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, renews) REFERENCES agreements ON DELETE CASCADE,
    CHECK ((partner_confirmed_at IS NULL) = (partner_confirmed_how IS NULL)),
    CHECK ((customer_confirmed_at IS NULL) = (customer_confirmed_how IS NULL)),
    CHECK (state IN ('draft', 'withdrawn') OR (partner_confirmed_at IS NOT NULL AND customer_confirmed_at IS NOT NULL)),
    CHECK ((state = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX agreements_referral_idx ON agreements (tenant_id, referral_id, starts_on);
-- Renewed once: one renewal per agreement (a renewal itself is refused by the store).
CREATE UNIQUE INDEX agreements_renewed_once_idx ON agreements (tenant_id, renews)
    WHERE renews IS NOT NULL AND state <> 'withdrawn';

-- What the database keeps true whoever writes: the terms are fixed once
-- drafted (a renewal is a new agreement), a confirmation once given stays
-- as given, the state follows the confirmations, and only a filed closing
-- assessment closes an agreement.
CREATE FUNCTION agreements_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF (NEW.kind, NEW.renews, NEW.tasks, NEW.place, NEW.starts_on, NEW.ends_on, NEW.days_per_week,
        NEW.hours_per_day, NEW.supervisor_name, NEW.supervisor_phone, NEW.supervisor_email,
        NEW.coach_contact, NEW.insurance, NEW.subsidy_terms, NEW.referral_id, NEW.drafted_by, NEW.drafted_at)
       IS DISTINCT FROM
       (OLD.kind, OLD.renews, OLD.tasks, OLD.place, OLD.starts_on, OLD.ends_on, OLD.days_per_week,
        OLD.hours_per_day, OLD.supervisor_name, OLD.supervisor_phone, OLD.supervisor_email,
        OLD.coach_contact, OLD.insurance, OLD.subsidy_terms, OLD.referral_id, OLD.drafted_by, OLD.drafted_at) THEN
        RAISE EXCEPTION 'the terms of an agreement are fixed once drafted' USING ERRCODE = 'check_violation';
    END IF;
    IF (OLD.partner_confirmed_at IS NOT NULL AND (NEW.partner_confirmed_by, NEW.partner_confirmed_at, NEW.partner_confirmed_how)
            IS DISTINCT FROM (OLD.partner_confirmed_by, OLD.partner_confirmed_at, OLD.partner_confirmed_how))
       OR (OLD.customer_confirmed_at IS NOT NULL AND (NEW.customer_confirmed_how, NEW.customer_confirmed_at, NEW.customer_recorded_by)
            IS DISTINCT FROM (OLD.customer_confirmed_how, OLD.customer_confirmed_at, OLD.customer_recorded_by)) THEN
        RAISE EXCEPTION 'a confirmation stays as given' USING ERRCODE = 'check_violation';
    END IF;
    IF (OLD.state IN ('closed', 'withdrawn') AND NEW.state <> OLD.state)
       OR (OLD.state <> 'draft' AND NEW.state = 'draft') THEN
        RAISE EXCEPTION 'an agreement does not go back' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'withdrawn' AND OLD.state <> 'withdrawn'
       AND (OLD.state <> 'draft' OR NOT app_is_case_staff()) THEN
        RAISE EXCEPTION 'only the area withdraws, and only a draft' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'closed' AND OLD.state <> 'closed' AND NOT EXISTS (
        SELECT 1 FROM closing_assessments a WHERE a.tenant_id = NEW.tenant_id AND a.referral_id = NEW.referral_id) THEN
        RAISE EXCEPTION 'an agreement closes with the closing assessment' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'draft' AND NEW.partner_confirmed_at IS NOT NULL AND NEW.customer_confirmed_at IS NOT NULL THEN
        NEW.state := 'in_force';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agreements_guard BEFORE UPDATE ON agreements
    FOR EACH ROW EXECUTE FUNCTION agreements_guard();

ALTER TABLE agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agreements USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
-- Staff, or the partner of the referral (the EXISTS runs under the
-- referrals policy, which shows a partner only its own).
CREATE POLICY staff_or_own_partner ON agreements AS RESTRICTIVE
    USING ((SELECT app_is_case_staff()) OR (app_has_role('partner') AND EXISTS (
        SELECT 1 FROM referrals r WHERE r.tenant_id = agreements.tenant_id AND r.referral_id = agreements.referral_id)))
    WITH CHECK ((SELECT app_is_case_staff()) OR (app_has_role('partner') AND EXISTS (
        SELECT 1 FROM referrals r WHERE r.tenant_id = agreements.tenant_id AND r.referral_id = agreements.referral_id)));

GRANT SELECT, INSERT, UPDATE ON agreements TO polku_staff;
-- A partner reads its agreements, confirms them, and closes them by filing
-- the closing assessment; it drafts nothing and changes no term.
GRANT SELECT, UPDATE (partner_confirmed_by, partner_confirmed_at, partner_confirmed_how, state, closed_at)
    ON agreements TO polku_partner;

-- Attendance and closing assessments feed the figures (use from days
-- attended; outcomes by service): a change marks the area's figures stale.
CREATE TRIGGER figures_stale AFTER INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH STATEMENT EXECUTE FUNCTION note_figure_change();
CREATE TRIGGER figures_stale AFTER INSERT OR UPDATE OR DELETE ON closing_assessments
    FOR EACH STATEMENT EXECUTE FUNCTION note_figure_change();

-- A partner's referrals are found by comparing with its id, taken once per
-- statement, not by a function call per row (a function with its own
-- search path is never inlined). The rows are the same as before; what
-- changes is that a partner's month of 2,000 referrals' attendance, checked
-- row by row through these policies, costs an index lookup a row.
CREATE FUNCTION app_partner_acting() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, public
    AS $$ SELECT CASE WHEN app_has_role('partner') THEN app_partner() END $$;
GRANT EXECUTE ON FUNCTION app_partner_acting() TO polku_app;
DROP POLICY staff_or_own_partner ON referrals;
CREATE POLICY staff_or_own_partner ON referrals AS RESTRICTIVE
    USING ((SELECT app_is_case_staff())
           OR (partner_id = (SELECT app_partner_acting()) AND sent_at IS NOT NULL AND consent_withdrawn_at IS NULL))
    WITH CHECK ((SELECT app_is_case_staff())
           OR (partner_id = (SELECT app_partner_acting()) AND sent_at IS NOT NULL AND consent_withdrawn_at IS NULL));

-- The corrections of a referral's days, counted beside its current reports.
CREATE INDEX attendance_replaced_idx ON attendance (tenant_id, referral_id, on_date)
    WHERE replaced_at IS NOT NULL;
