//! The outbox: messages to customers written in the same transaction as
//! what caused them, and delivered afterwards by a sender that records each
//! attempt. A message is claimed before it is sent (state `sending`, with a
//! lease), so two senders never send it at once; a sender that stops between
//! sending and recording leaves the attempt open, and the next claim closes
//! it as `unknown` and sends once more. So a message goes at most once more
//! than it should, and the record says when that may have happened.

use chrono::{DateTime, Duration, Utc};
use polku_domain::appointment::{Composed, MessagePurpose, SendBy};
use polku_domain::{Lang, Role, Slug};
use uuid::Uuid;

use crate::{Actor, Store, StoreError, Tx};

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub customer_id: Uuid,
    pub appointment_id: Option<Uuid>,
    pub purpose: MessagePurpose,
    pub send_by: SendBy,
    pub recipient: String,
    pub language: Lang,
    pub text: Composed,
    pub due_at: DateTime<Utc>,
    /// One message per key: queueing it again does nothing.
    pub dedupe_key: String,
}

/// Queues a message in the caller's transaction.
pub async fn queue(tx: &mut Tx, m: NewMessage) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    // A letter waits for staff to print it, unless Suomi.fi-viestit is
    // configured (`polku_server::viestit`).
    sqlx::query(
        "INSERT INTO outbox (tenant_id, message_id, customer_id, appointment_id, purpose, channel, recipient, \
         language, subject, body, calendar, due_at, next_attempt_at, dedupe_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) \
         ON CONFLICT (tenant_id, dedupe_key) DO NOTHING",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(m.customer_id)
    .bind(m.appointment_id)
    .bind(m.purpose.code())
    .bind(m.send_by.code())
    .bind(&m.recipient)
    .bind(m.language.code())
    .bind(&m.text.subject)
    .bind(&m.text.body)
    .bind(&m.text.calendar)
    .bind(m.due_at)
    .bind(&m.dedupe_key)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Withdraws an appointment's messages not yet sent (it moved, was
/// cancelled or has taken place); says whether the invitation was among
/// them, i.e. the customer has not heard of the appointment yet.
pub async fn withdraw_for(tx: &mut Tx, appointment: Uuid) -> Result<bool, StoreError> {
    let purposes: Vec<String> = sqlx::query_scalar(
        "UPDATE outbox SET state = 'cancelled' WHERE appointment_id = $1 AND state = 'pending' RETURNING purpose",
    )
    .bind(appointment)
    .fetch_all(tx.conn())
    .await?;
    Ok(purposes.iter().any(|p| p == MessagePurpose::Invitation.code()))
}

/// A message as the API shows it: what and when, never its text.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageStatus {
    pub message_id: Uuid,
    pub purpose: String,
    pub channel: String,
    pub state: String,
    pub due_at: DateTime<Utc>,
    pub attempts: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// The messages of an appointment, in the order they fall due.
pub async fn for_appointment(tx: &mut Tx, appointment: Uuid) -> Result<Vec<MessageStatus>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT message_id, purpose, channel, state, due_at, attempts, sent_at, last_error FROM outbox \
         WHERE appointment_id = $1 ORDER BY due_at, message_id",
    )
    .bind(appointment)
    .fetch_all(tx.conn())
    .await?)
}

/// A message claimed for sending.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub message_id: Uuid,
    /// Whom it is for: a letter's sender finds the identity code by it.
    /// `None` for a staff member's digest.
    pub customer_id: Option<Uuid>,
    pub channel: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
    pub attempts: i32,
}

/// The sender's settings: how long a claim holds, how many attempts, and
/// the wait after each failure (doubling from `first_retry`).
#[derive(Clone, Copy, Debug)]
pub struct SendPolicy {
    pub lease: Duration,
    pub max_attempts: i32,
    pub first_retry: Duration,
}

impl Default for SendPolicy {
    fn default() -> Self {
        SendPolicy { lease: Duration::minutes(5), max_attempts: 8, first_retry: Duration::minutes(1) }
    }
}

/// The sender's actor in an area.
pub(crate) fn actor(slug: &Slug) -> Actor {
    Actor::task(crate::SystemTask::Outbox, Some(slug.clone()), vec![Role::Coach])
}

/// Claims up to `limit` messages of the area by the given channels that are
/// due at `now`: those pending, and those whose sender's lease ran out (its
/// open attempt is closed as `unknown`). Committed before anything is sent.
/// A channel with no sender is not claimed: its messages wait.
pub async fn claim(
    store: &Store,
    slug: &Slug,
    now: DateTime<Utc>,
    limit: i64,
    policy: SendPolicy,
    channels: &[SendBy],
) -> Result<Vec<Claimed>, StoreError> {
    let channels: Vec<&str> = channels.iter().map(|c| c.code()).collect();
    let mut tx = store.begin(&actor(slug)).await?;
    let tenant = tx.require_tenant()?.id;
    let claimed: Vec<Claimed> = sqlx::query_as(
        "WITH due AS ( \
             SELECT message_id FROM outbox \
             WHERE channel = ANY($4) AND next_attempt_at <= $1 \
               AND (state = 'pending' OR (state = 'sending' AND lease_until <= $1)) \
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED), \
         closed AS ( \
             UPDATE outbox_attempts a SET outcome = 'unknown', finished_at = $1, \
                 reason = 'the sender stopped before recording the outcome; the message may have been sent' \
             FROM due WHERE a.message_id = due.message_id AND a.outcome IS NULL) \
         UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1, lease_until = $1 + $3 \
         FROM due WHERE o.message_id = due.message_id \
         RETURNING o.message_id, o.customer_id, o.channel, o.recipient, o.language, o.subject, o.body, o.calendar, o.attempts",
    )
    .bind(now)
    .bind(limit)
    .bind(policy.lease)
    .bind(&channels)
    .fetch_all(tx.conn())
    .await?;
    for c in &claimed {
        sqlx::query(
            "INSERT INTO outbox_attempts (tenant_id, message_id, attempt, started_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(tenant)
        .bind(c.message_id)
        .bind(c.attempts)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    Ok(claimed)
}

/// How an attempt ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    Sent,
    /// Worth trying again (the server was away, a temporary refusal).
    Failed(String),
    /// Refused for good (the address does not exist): not tried again.
    Bounced(String),
    /// A letter the sender did not deliver, for a reason that is no fault
    /// (the customer has no Suomi.fi mailbox): it waits for the area's own
    /// print (state `to_print`) and is not claimed again.
    ToPrint(String),
}

/// Records the outcome of a claimed message's attempt.
pub async fn record(
    store: &Store,
    slug: &Slug,
    message: &Claimed,
    outcome: &Outcome,
    now: DateTime<Utc>,
    policy: SendPolicy,
) -> Result<(), StoreError> {
    let mut tx = store.begin(&actor(slug)).await?;
    record_in(&mut tx, message, outcome, now, policy).await?;
    tx.commit().await
}

/// `record` in the caller's transaction (the sender's, opened as `actor`),
/// so what else the attempt left behind (a disclosure) is kept with it or
/// not at all.
pub(crate) async fn record_in(
    tx: &mut Tx,
    message: &Claimed,
    outcome: &Outcome,
    now: DateTime<Utc>,
    policy: SendPolicy,
) -> Result<(), StoreError> {
    let (code, reason) = match outcome {
        Outcome::Sent => ("sent", None),
        Outcome::Failed(r) => ("failed", Some(r.as_str())),
        Outcome::Bounced(r) => ("bounced", Some(r.as_str())),
        Outcome::ToPrint(r) => ("to_print", Some(r.as_str())),
    };
    sqlx::query(
        "UPDATE outbox_attempts SET outcome = $3, reason = left($4, 1000), finished_at = $5 \
         WHERE message_id = $1 AND attempt = $2",
    )
    .bind(message.message_id)
    .bind(message.attempts)
    .bind(code)
    .bind(reason)
    .bind(now)
    .execute(tx.conn())
    .await?;
    match outcome {
        Outcome::Sent => {
            sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $2, lease_until = NULL WHERE message_id = $1",
            )
            .bind(message.message_id)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        Outcome::Failed(r) if message.attempts < policy.max_attempts => {
            let wait = policy.first_retry
                * 2_i32.saturating_pow(u32::try_from(message.attempts - 1).unwrap_or(0).min(16));
            sqlx::query(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $2, lease_until = NULL, last_error = left($3, 1000) \
                 WHERE message_id = $1",
            )
            .bind(message.message_id)
            .bind(now + wait)
            .bind(r)
            .execute(tx.conn())
            .await?;
        }
        Outcome::Failed(r) | Outcome::Bounced(r) => {
            sqlx::query(
                "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = left($2, 1000) WHERE message_id = $1",
            )
            .bind(message.message_id)
            .bind(r)
            .execute(tx.conn())
            .await?;
        }
        Outcome::ToPrint(r) => {
            sqlx::query(
                "UPDATE outbox SET state = 'to_print', lease_until = NULL, last_error = left($2, 1000) \
                 WHERE message_id = $1",
            )
            .bind(message.message_id)
            .bind(r)
            .execute(tx.conn())
            .await?;
        }
    }
    Ok(())
}

/// A message's attempts, oldest first: (attempt, outcome, reason).
pub async fn attempts(
    tx: &mut Tx,
    message: Uuid,
) -> Result<Vec<(i32, Option<String>, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT attempt, outcome, reason FROM outbox_attempts WHERE message_id = $1 ORDER BY attempt",
    )
    .bind(message)
    .fetch_all(tx.conn())
    .await?)
}
