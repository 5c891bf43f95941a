-- Suomi.fi-viestit (Suomi.fi Messages, DVV): the outbox's letters go as
-- electronic messages to customers with an active Suomi.fi mailbox. A
-- customer without one gets the letter from the area's own print (the
-- service's paper route needs a PDF and a printing contract; see
-- docs/suomifi-viestit.md). Every send is a disclosure to DVV, logged with
-- its basis.

-- The disclosure log knows the new recipient.
ALTER TABLE disclosures DROP CONSTRAINT disclosures_recipient_check;
ALTER TABLE disclosures ADD CONSTRAINT disclosures_recipient_check
    CHECK (recipient IN ('partner', 'letter', 'export', 'suomifi_viestit'));

-- The basis of that disclosure. Not selectable for a referral.
INSERT INTO legal_bases (code, names, statute, is_consent, selectable, default_for) VALUES
    ('suomifi_messages',
     '{"fi": "Viestinvälitys Suomi.fi-viesteillä", "sv": "Meddelandeförmedling via Suomi.fi-meddelanden", "en": "Message delivery through Suomi.fi Messages"}',
     'Laki hallinnon yhteisistä sähköisen asioinnin tukipalveluista 571/2016 (viestinvälityspalvelu); '
     'laki sähköisestä asioinnista viranomaistoiminnassa 13/2003; '
     'laki työvoimapalvelujen järjestämisestä 380/2023; EU 2016/679 art. 6(1)(c) and (e)',
     false, false, '{}');

-- A letter the sender found no Suomi.fi mailbox for waits for the area's
-- own print: state 'to_print', never claimed again; its attempt says why.
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check CHECK (state IN (
    'pending', 'sending', 'sent', 'failed', 'cancelled', 'printed', 'to_print'));
ALTER TABLE outbox_attempts DROP CONSTRAINT outbox_attempts_outcome_check;
ALTER TABLE outbox_attempts ADD CONSTRAINT outbox_attempts_outcome_check
    CHECK (outcome IN ('sent', 'failed', 'bounced', 'unknown', 'to_print'));
