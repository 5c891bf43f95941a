-- Appointments booked ahead with a customer, the coaches' working weeks,
-- and the outbox: every message to a customer is written in the same
-- transaction as what caused it, and a sender delivers it afterwards,
-- recording each attempt. Customer data: the area's case staff only.

-- A coach's own working week, in the area's local time. A coach with none
-- recorded works the default week (Monday to Friday, 8:00 to 16:00).
CREATE TABLE working_hours (
    tenant_id uuid NOT NULL,
    staff_id  uuid NOT NULL,
    weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts    time NOT NULL,
    ends      time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (tenant_id, staff_id, weekday, starts),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff ON DELETE CASCADE
);

-- The area's reminders: hours before an appointment. Areas without a row
-- remind 72 and 24 hours before.
CREATE TABLE appointment_settings (
    tenant_id      uuid PRIMARY KEY REFERENCES tenants ON DELETE CASCADE,
    reminder_hours smallint[] NOT NULL CHECK (
        cardinality(reminder_hours) <= 5 AND 1 <= ALL (reminder_hours) AND 336 >= ALL (reminder_hours))
);

-- A customer may ask not to be reminded (invitations and changes still go).
ALTER TABLE customers ADD COLUMN reminders_opt_out boolean NOT NULL DEFAULT false;

CREATE TABLE appointments (
    tenant_id        uuid NOT NULL,
    appointment_id   uuid NOT NULL,
    customer_id      uuid NOT NULL,
    coach_id         uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN (
        'initial_interview', 'job_search_discussion', 'supplementary_discussion',
        'tripartite_discussion', 'coaching_session')),
    starts_at        timestamptz NOT NULL,
    duration_minutes smallint NOT NULL CHECK (duration_minutes BETWEEN 10 AND 240),
    -- Kept with the start (timestamptz arithmetic is not immutable, so it
    -- cannot be a generated column); the CHECK keeps the two in step.
    ends_at          timestamptz NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('in_person', 'phone', 'video')),
    place            text CHECK (length(place) <= 300),
    video_link       text CHECK (video_link ~ '^https://'),
    language         text NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    -- How the customer hears of it.
    send_by          text NOT NULL CHECK (send_by IN ('email', 'sms', 'letter')),
    meets            text CHECK (meets IN (
        'initial_interview', 'job_search_discussion', 'supplementary_discussion', 'intensive_discussion')),
    state            text NOT NULL DEFAULT 'booked' CHECK (state IN (
        'booked', 'confirmed', 'cancelled', 'held', 'no_show')),
    -- The calendar file's SEQUENCE: one more at each change the customer is told of.
    sequence         integer NOT NULL DEFAULT 0,
    -- A manager's booking outside working hours or over another appointment.
    override_reason  text CHECK (length(override_reason) BETWEEN 1 AND 1000),
    meeting_id       uuid,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, appointment_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, coach_id) REFERENCES staff,
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings,
    CHECK ((channel = 'in_person') = (place IS NOT NULL)),
    CHECK ((channel = 'video') = (video_link IS NOT NULL)),
    CHECK ((state = 'held') = (meeting_id IS NOT NULL)),
    CHECK (ends_at = starts_at + make_interval(mins => duration_minutes))
);
CREATE INDEX appointments_coach_idx ON appointments (tenant_id, coach_id, starts_at);
CREATE INDEX appointments_customer_idx ON appointments (tenant_id, customer_id, starts_at);

-- Every change, with who made it and why.
CREATE TABLE appointment_events (
    tenant_id      uuid NOT NULL,
    appointment_id uuid NOT NULL,
    seq            bigint GENERATED ALWAYS AS IDENTITY,
    action         text NOT NULL CHECK (action IN (
        'booked', 'confirmed', 'rescheduled', 'cancelled', 'held', 'no_show')),
    -- The time it was booked or moved to.
    starts_at      timestamptz,
    reason         text CHECK (length(reason) <= 1000),
    by_user        text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, appointment_id, seq),
    FOREIGN KEY (tenant_id, appointment_id) REFERENCES appointments ON DELETE CASCADE
);

-- Messages to customers, written with what caused them and sent later.
-- Rendered when written, in the customer's language: what was sent is what
-- the area decided to send, whatever the templates say later.
CREATE TABLE outbox (
    tenant_id       uuid NOT NULL,
    message_id      uuid NOT NULL,
    customer_id     uuid NOT NULL,
    appointment_id  uuid,
    purpose         text NOT NULL CHECK (purpose IN (
        'invitation', 'reminder', 'rescheduled', 'cancelled', 'summons')),
    channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    recipient       text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 320),
    language        text NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    subject         text NOT NULL,
    body            text NOT NULL,
    -- An iCalendar file for e-mail, when the message is about an appointment.
    calendar        text,
    -- Not before: a reminder waits for its hour.
    due_at          timestamptz NOT NULL,
    -- pending: to send; sending: an attempt is under way (until lease_until);
    -- sent; failed: given up after the last attempt; cancelled: no longer
    -- true (the appointment moved); printed: a letter, handed to staff.
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN (
        'pending', 'sending', 'sent', 'failed', 'cancelled', 'printed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    sent_at         timestamptz,
    last_error      text,
    -- One message per appointment, purpose and change: a repeated request
    -- never queues a second.
    dedupe_key      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id),
    CONSTRAINT outbox_dedupe_key UNIQUE (tenant_id, dedupe_key),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, appointment_id) REFERENCES appointments ON DELETE CASCADE
);
CREATE INDEX outbox_due_idx ON outbox (tenant_id, next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_appointment_idx ON outbox (tenant_id, appointment_id);

-- Each attempt to deliver a message. An attempt with no outcome is one the
-- sender began and never finished (it stopped between sending and
-- recording): the next attempt closes it as 'unknown'.
CREATE TABLE outbox_attempts (
    tenant_id   uuid NOT NULL,
    message_id  uuid NOT NULL,
    attempt     integer NOT NULL CHECK (attempt >= 1),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    outcome     text CHECK (outcome IN ('sent', 'failed', 'bounced', 'unknown')),
    reason      text CHECK (length(reason) <= 1000),
    PRIMARY KEY (tenant_id, message_id, attempt),
    FOREIGN KEY (tenant_id, message_id) REFERENCES outbox ON DELETE CASCADE
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['working_hours', 'appointment_settings', 'appointments', 'appointment_events',
                             'outbox', 'outbox_attempts'] LOOP
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

-- Only administrators and managers set a coach's week or the area's reminders.
CREATE POLICY working_hours_write ON working_hours AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
CREATE POLICY working_hours_delete ON working_hours AS RESTRICTIVE FOR DELETE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
CREATE POLICY appointment_settings_write ON appointment_settings AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));
CREATE POLICY appointment_settings_update ON appointment_settings AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('tenant_admin')) OR (SELECT app_has_role('manager')));

GRANT SELECT, INSERT, DELETE ON working_hours TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON appointment_settings TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON appointments TO polku_staff;
GRANT SELECT, INSERT ON appointment_events TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON outbox TO polku_staff;
GRANT SELECT, INSERT, UPDATE ON outbox_attempts TO polku_staff;
