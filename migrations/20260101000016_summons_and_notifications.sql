-- Summons letters, and notifications for staff with their daily digest.
--
-- A summons (kutsu / kallelse) is a formal printable letter for a booked
-- appointment, kept like the transfer letter as the HTML it was printed as.
--
-- Notifications are written by the database itself, by triggers on the
-- rows they are about, in the same transaction: whatever path changes a
-- referral, an assignment or an appointment (the API, an import, the
-- generator), the notification cannot be forgotten, and a change rolled
-- back notifies nobody. Each goes to one staff member, named by the
-- identity provider's subject: the one thing a partner's own referral row
-- tells about its coach (a partner may read nothing of the staff table).
-- No foreign key to staff: a referral made by an administrator without a
-- staff row must still be answerable; such a notification is never read.
-- A notification holds ids and a kind, never text about the customer.

ALTER TABLE letters DROP CONSTRAINT letters_kind_check;
ALTER TABLE letters ADD CONSTRAINT letters_kind_check CHECK (kind IN ('transfer', 'summons'));
ALTER TABLE letters ADD COLUMN appointment_id uuid;
ALTER TABLE letters ADD CONSTRAINT letters_appointment_fkey
    FOREIGN KEY (tenant_id, appointment_id) REFERENCES appointments ON DELETE CASCADE;

CREATE TABLE notifications (
    tenant_id       uuid NOT NULL,
    notification_id uuid NOT NULL DEFAULT gen_random_uuid(),
    -- The staff member it is for (staff.subject).
    recipient       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN (
        'customer_assigned', 'referral_accepted', 'referral_declined', 'referral_interrupted',
        'appointment_confirmed', 'appointment_missed', 'obligation_due')),
    customer_id     uuid,
    -- The referral or appointment it is about.
    about_id        uuid,
    -- For an obligation about to fall due: which, and when.
    obligation      text,
    due_on          date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz,
    -- When it went out in a daily digest (or was found not to need one).
    digested_at     timestamptz,
    -- One notification per key and recipient: a job run twice adds nothing.
    dedupe_key      text,
    PRIMARY KEY (tenant_id, notification_id),
    CONSTRAINT notifications_dedupe UNIQUE (tenant_id, recipient, dedupe_key),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers ON DELETE CASCADE
);
CREATE INDEX notifications_recipient_idx ON notifications (tenant_id, recipient, created_at DESC);
CREATE INDEX notifications_undigested_idx ON notifications (tenant_id, recipient) WHERE digested_at IS NULL;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notifications USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
-- Read and marked read by the one it is for; the digest job (the system
-- role) reads every staff member's, and managers read a customer's for the
-- access report. Anyone acting in the area may cause one (a partner
-- accepting a referral does), so inserts need only the area.
CREATE POLICY own_only_read ON notifications AS RESTRICTIVE FOR SELECT
    USING (recipient = (SELECT app_user()) OR current_user = 'polku_system'
           OR (SELECT app_has_role('manager') OR app_has_role('tenant_admin')));
CREATE POLICY own_only_update ON notifications AS RESTRICTIVE FOR UPDATE
    USING (recipient = (SELECT app_user()) OR current_user = 'polku_system')
    WITH CHECK (recipient = (SELECT app_user()) OR current_user = 'polku_system');
GRANT SELECT, INSERT ON notifications TO polku_staff;
GRANT UPDATE (read_at, digested_at) ON notifications TO polku_staff;
GRANT INSERT ON notifications TO polku_partner;

-- Tells listening gateways (LISTEN polku_notifications) of a new
-- notification; PostgreSQL delivers it only when the transaction commits.
-- Ids only: the payload crosses no boundary the row could not.
CREATE FUNCTION notification_announce() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    PERFORM pg_notify('polku_notifications', json_build_object(
        'tenant', (SELECT slug FROM tenants WHERE tenant_id = NEW.tenant_id),
        'recipient', NEW.recipient, 'id', NEW.notification_id, 'kind', NEW.kind)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER notification_announce AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_announce();

-- A customer assigned to a coach by someone else (a coach taking a
-- customer on needs no telling), by a person's decision: the platform's own
-- seeding and command-line imports (subject 'system') assign whole
-- caseloads, which a list of hundreds would not help with. One statement
-- for a whole import.
CREATE FUNCTION notify_assignments() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    INSERT INTO notifications (tenant_id, recipient, kind, customer_id)
    SELECT n.tenant_id, s.subject, 'customer_assigned', n.customer_id
    FROM new_rows n JOIN staff s ON s.tenant_id = n.tenant_id AND s.staff_id = n.coach_id
    WHERE n.coach_id IS NOT NULL AND s.subject <> n.assigned_by AND n.assigned_by <> 'system';
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_assignments AFTER INSERT ON coach_assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_assignments();

-- A partner's answer to a referral, to the staff member who made it.
CREATE FUNCTION notify_referral() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('accepted', 'declined', 'interrupted')
       AND NEW.referred_by IS DISTINCT FROM app_user() AND NEW.referred_by <> 'system' THEN
        INSERT INTO notifications (tenant_id, recipient, kind, customer_id, about_id)
        VALUES (NEW.tenant_id, NEW.referred_by, 'referral_' || NEW.state, NEW.customer_id, NEW.referral_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_referral AFTER UPDATE OF state ON referrals
    FOR EACH ROW EXECUTE FUNCTION notify_referral();

-- An appointment confirmed or missed, to its coach (unless the coach
-- recorded it).
CREATE FUNCTION notify_appointment() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('confirmed', 'no_show') THEN
        INSERT INTO notifications (tenant_id, recipient, kind, customer_id, about_id)
        SELECT NEW.tenant_id, s.subject,
               CASE NEW.state WHEN 'confirmed' THEN 'appointment_confirmed' ELSE 'appointment_missed' END,
               NEW.customer_id, NEW.appointment_id
        FROM staff s WHERE s.tenant_id = NEW.tenant_id AND s.staff_id = NEW.coach_id
            AND s.subject IS DISTINCT FROM app_user();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_appointment AFTER UPDATE OF state ON appointments
    FOR EACH ROW EXECUTE FUNCTION notify_appointment();

-- The area's digest hour (local time); areas without a row send at 7.
CREATE TABLE notification_settings (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants ON DELETE CASCADE,
    digest_hour smallint NOT NULL CHECK (digest_hour BETWEEN 0 AND 23),
    -- How many working days ahead an obligation counts as about to fall due.
    due_working_days smallint NOT NULL DEFAULT 3 CHECK (due_working_days BETWEEN 1 AND 20)
);
ALTER TABLE notification_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notification_settings USING (tenant_id = (SELECT app_tenant()))
    WITH CHECK (tenant_id = (SELECT app_tenant()));
CREATE POLICY case_staff_only ON notification_settings AS RESTRICTIVE USING ((SELECT app_is_case_staff()))
    WITH CHECK ((SELECT app_is_case_staff()));
GRANT SELECT ON notification_settings TO polku_staff;

-- The digest is a message to a staff member's work mail, sent by the same
-- outbox sender as the customers' messages.
ALTER TABLE outbox ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN staff_recipient text;
ALTER TABLE outbox ADD CONSTRAINT outbox_to_someone CHECK ((customer_id IS NULL) <> (staff_recipient IS NULL));
ALTER TABLE outbox DROP CONSTRAINT outbox_purpose_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_purpose_check CHECK (purpose IN (
    'invitation', 'reminder', 'rescheduled', 'cancelled', 'summons', 'digest'));
