-- Partners report back on the referrals they run: attendance by day or
-- hours by week, deviations at once, and a closing assessment when the
-- referral ends. A partner reaches only rows of its own
-- referrals (the referrals policy decides, through EXISTS); staff of the
-- area see all.

-- How a service's attendance is reported, and after how many unexplained
-- absent days in a row a deviation is raised by itself.
ALTER TABLE services ADD COLUMN attendance_unit text NOT NULL DEFAULT 'day'
    CHECK (attendance_unit IN ('day', 'week'));
ALTER TABLE services ADD COLUMN absence_alert_days smallint NOT NULL DEFAULT 3
    CHECK (absence_alert_days BETWEEN 1 AND 30);

-- One row per report of a day (unit 'day') or a week from its Monday
-- (unit 'week'). A correction adds a row and marks the one it replaces, so
-- the history stays; the current report is the one not replaced.
CREATE TABLE attendance (
    tenant_id     uuid NOT NULL,
    attendance_id uuid NOT NULL DEFAULT gen_random_uuid(),
    referral_id   uuid NOT NULL,
    on_date       date NOT NULL,
    unit          text NOT NULL CHECK (unit IN ('day', 'week')),
    status        text NOT NULL CHECK (status IN ('present', 'absent_sick', 'absent_agreed', 'absent_unexplained')),
    hours         numeric(5, 2) CHECK (hours >= 0 AND hours <= 168),
    reported_by   text NOT NULL,
    reported_at   timestamptz NOT NULL DEFAULT now(),
    replaced_at   timestamptz,
    PRIMARY KEY (tenant_id, attendance_id),
    CHECK (unit = 'day' OR extract(isodow FROM on_date) = 1),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals ON DELETE CASCADE
);
CREATE UNIQUE INDEX attendance_current_idx ON attendance (tenant_id, referral_id, on_date)
    WHERE replaced_at IS NULL;

-- Months the area has closed for attendance: no report or correction after.
CREATE TABLE attendance_months_closed (
    tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
    month     date NOT NULL CHECK (extract(day FROM month) = 1),
    closed_by text NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, month)
);

-- A deviation a partner reports at once (or Polku raises from unexplained
-- absences). `matter` is what the rules make of it for the coach to decide
-- (a neglect or a labour-policy matter); the coach's decision is recorded,
-- never made by Polku.
CREATE TABLE deviations (
    tenant_id     uuid NOT NULL,
    deviation_id  uuid NOT NULL DEFAULT gen_random_uuid(),
    referral_id   uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN (
        'unexplained_absence', 'wants_to_stop', 'safety_concern', 'ends_early')),
    occurred_on   date NOT NULL,
    description   text CHECK (length(description) <= 2000),
    matter        text CHECK (matter IN ('neglect', 'labour_policy')),
    reported_by   text NOT NULL,
    reported_at   timestamptz NOT NULL DEFAULT now(),
    decision      text CHECK (decision IN ('no_action', 'matter_opened', 'service_continues', 'service_ended')),
    decision_note text CHECK (length(decision_note) <= 2000),
    decided_by    text,
    decided_at    timestamptz,
    PRIMARY KEY (tenant_id, deviation_id),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals ON DELETE CASCADE
);
CREATE INDEX deviations_referral_idx ON deviations (tenant_id, referral_id, reported_at);

-- The partner's closing assessment of an ended referral: a structured form
-- per service kind (answers by question code), and the customer's own view
-- as the coach enters it.
CREATE TABLE closing_assessments (
    tenant_id        uuid NOT NULL,
    referral_id      uuid NOT NULL,
    done             text NOT NULL CHECK (length(btrim(done)) BETWEEN 1 AND 4000),
    work_ability     text NOT NULL CHECK (work_ability IN ('full', 'partial', 'limited', 'not_observed')),
    next_step        text NOT NULL CHECK (next_step IN (
        'open_market', 'pay_subsidised_work', 'work_trial', 'education', 'rehabilitative_work',
        'continue_coaching', 'health_services', 'other')),
    answers          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
    filed_by         text NOT NULL,
    filed_at         timestamptz NOT NULL DEFAULT now(),
    customer_view    text CHECK (length(customer_view) <= 4000),
    customer_view_by text,
    customer_view_at timestamptz,
    PRIMARY KEY (tenant_id, referral_id),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals ON DELETE CASCADE
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['attendance', 'attendance_months_closed', 'deviations', 'closing_assessments'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant())) '
            'WITH CHECK (tenant_id = (SELECT app_tenant()))', t);
    END LOOP;
    -- Staff, or the partner of the referral (the EXISTS runs under the
    -- referrals policy, which shows a partner only its own).
    FOREACH t IN ARRAY ARRAY['attendance', 'deviations', 'closing_assessments'] LOOP
        EXECUTE format(
            'CREATE POLICY staff_or_own_partner ON %I AS RESTRICTIVE '
            'USING ((SELECT app_is_case_staff()) OR (app_has_role(''partner'') AND EXISTS ('
            'SELECT 1 FROM referrals r WHERE r.tenant_id = %I.tenant_id AND r.referral_id = %I.referral_id))) '
            'WITH CHECK ((SELECT app_is_case_staff()) OR (app_has_role(''partner'') AND EXISTS ('
            'SELECT 1 FROM referrals r WHERE r.tenant_id = %I.tenant_id AND r.referral_id = %I.referral_id)))',
            t, t, t, t, t);
    END LOOP;
END
$$;
-- Closing a month is the area's.
CREATE POLICY managers_close ON attendance_months_closed AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('manager') OR app_has_role('tenant_admin')));

GRANT SELECT, INSERT, UPDATE ON attendance, deviations, closing_assessments TO polku_staff;
GRANT SELECT, INSERT ON attendance_months_closed TO polku_staff;
-- A partner reports and corrects attendance, reports deviations, files the
-- assessment; it cannot decide a deviation or enter
-- the customer's view.
GRANT SELECT, INSERT, UPDATE (replaced_at) ON attendance TO polku_partner;
GRANT SELECT ON attendance_months_closed TO polku_partner;
GRANT SELECT, INSERT ON deviations TO polku_partner;
GRANT SELECT (tenant_id, referral_id, done, work_ability, next_step, answers, filed_by, filed_at),
      INSERT (tenant_id, referral_id, done, work_ability, next_step, answers, filed_by)
    ON closing_assessments TO polku_partner;

-- A deviation tells the coach who referred the customer, in the same
-- transaction, from the referral the report is on.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'customer_assigned', 'referral_accepted', 'referral_declined', 'referral_interrupted',
    'appointment_confirmed', 'appointment_missed', 'obligation_due',
    'budget_threshold', 'budget_overridden', 'partner_deviation', 'closing_assessment'));

CREATE FUNCTION notify_partner_report() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
DECLARE
    coach text;
    customer uuid;
BEGIN
    SELECT r.referred_by, r.customer_id INTO coach, customer
    FROM referrals r WHERE r.tenant_id = NEW.tenant_id AND r.referral_id = NEW.referral_id;
    IF coach IS NULL OR coach = 'system' OR coach = app_user() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'deviations' THEN
        INSERT INTO notifications (tenant_id, recipient, kind, customer_id, about_id, detail)
        VALUES (NEW.tenant_id, coach, 'partner_deviation', customer, NEW.referral_id,
                jsonb_strip_nulls(jsonb_build_object('deviation', NEW.kind, 'matter', NEW.matter)));
    ELSE
        INSERT INTO notifications (tenant_id, recipient, kind, customer_id, about_id)
        VALUES (NEW.tenant_id, coach, 'closing_assessment', customer, NEW.referral_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_deviation AFTER INSERT ON deviations
    FOR EACH ROW EXECUTE FUNCTION notify_partner_report();
CREATE TRIGGER notify_assessment AFTER INSERT ON closing_assessments
    FOR EACH ROW EXECUTE FUNCTION notify_partner_report();
