//! Notifications for staff: listed and marked read by the one they are for
//! (row policies see to that), and gathered once a day into a digest
//! e-mail to their work address through the outbox. The database writes
//! most notifications itself (triggers of migration 0016); the daily round
//! adds the obligations about to fall due.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use polku_domain::appointment::{Compose, Composed, MessagePurpose};
use polku_domain::notification::{obligation_code, BudgetNote, Digest, DigestItem, NotificationKind};
use polku_domain::path::PathRules;
use polku_domain::rules::Rules;
use polku_domain::{Lang, Role, Slug};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::casefacts::{CaseData, Scope};
use crate::{caseload, Actor, Store, StoreError, SystemTask, Tx};

/// A notification as its recipient sees it.
#[derive(Clone, Debug)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub customer_id: Option<Uuid>,
    /// The customer's name: the list is the staff member's own.
    pub customer_name: Option<String>,
    /// The referral or appointment it is about.
    pub about_id: Option<Uuid>,
    pub obligation: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// For a budget warning or override: its year, purpose and threshold.
    pub budget: Option<BudgetNote>,
    /// For a deviation: its kind and the matter the rules make of it.
    pub deviation: Option<String>,
    pub matter: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    notification_id: Uuid,
    kind: String,
    customer_id: Option<Uuid>,
    customer_name: Option<String>,
    about_id: Option<Uuid>,
    obligation: Option<String>,
    due_on: Option<NaiveDate>,
    budget_year: Option<i32>,
    budget_purpose: Option<String>,
    percent: Option<i32>,
    deviation: Option<String>,
    matter: Option<String>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<Row> for Notification {
    fn from(r: Row) -> Self {
        Notification {
            id: r.notification_id,
            kind: NotificationKind::from_code(&r.kind).unwrap_or(NotificationKind::CustomerAssigned),
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            about_id: r.about_id,
            obligation: r.obligation,
            due_on: r.due_on,
            budget: BudgetNote::from_detail(r.budget_year, r.budget_purpose.as_deref(), r.percent),
            deviation: r.deviation,
            matter: r.matter,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

const SELECT: &str = "SELECT n.notification_id, n.kind, n.customer_id, \
     c.first_names || ' ' || c.last_name AS customer_name, n.about_id, n.obligation, n.due_on, \
     (n.detail->>'year')::int AS budget_year, n.detail->>'purpose' AS budget_purpose, \
     (n.detail->>'percent')::int AS percent, n.detail->>'deviation' AS deviation, n.detail->>'matter' AS matter, \
     n.created_at, n.read_at \
     FROM notifications n LEFT JOIN customers c ON c.tenant_id = n.tenant_id AND c.customer_id = n.customer_id";

/// The caller's own notifications, newest first; only unread ones if asked.
/// One audit entry names the customers on the page.
pub async fn mine(tx: &mut Tx, unread_only: bool, limit: i64) -> Result<Vec<Notification>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE n.recipient = app_user() AND ($1 = false OR n.read_at IS NULL) \
         ORDER BY n.created_at DESC, n.notification_id LIMIT $2"
    ))
    .bind(unread_only)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    let list: Vec<Notification> = rows.into_iter().map(Notification::from).collect();
    let customers: Vec<Uuid> = list.iter().filter_map(|n| n.customer_id).collect();
    audit::record(tx, &customers, AuditAction::Read, "notification").await?;
    Ok(list)
}

/// How many of the caller's notifications are unread.
pub async fn unread_count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE recipient = app_user() AND read_at IS NULL",
    )
    .fetch_one(tx.conn())
    .await?)
}

/// Marks the caller's notifications read (all unread ones when `ids` is
/// `None`); another's are not found. Returns how many changed.
pub async fn mark_read(tx: &mut Tx, ids: Option<&[Uuid]>, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE recipient = app_user() AND read_at IS NULL \
         AND ($1::uuid[] IS NULL OR notification_id = ANY($1))",
    )
    .bind(ids)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

/// One notification by id, for the live feed: the caller's own or none.
pub async fn one(tx: &mut Tx, id: Uuid) -> Result<Option<Notification>, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE n.notification_id = $1 AND n.recipient = app_user()"))
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    let n = row.map(Notification::from);
    if let Some(c) = n.as_ref().and_then(|n| n.customer_id) {
        audit::record(tx, &[c], AuditAction::Read, "notification").await?;
    }
    Ok(n)
}

/// The area's digest settings: the local hour and how many working days
/// ahead an obligation counts as about to fall due.
async fn settings(tx: &mut Tx) -> Result<(u32, i64), StoreError> {
    let row: Option<(i16, i16)> =
        sqlx::query_as("SELECT digest_hour, due_working_days FROM notification_settings")
            .fetch_optional(tx.conn())
            .await?;
    let (hour, days) = row.unwrap_or((7, 3));
    Ok((u32::try_from(hour).unwrap_or(7), i64::from(days)))
}

/// What a digest round did in one area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestRound {
    /// Obligations about to fall due, newly notified.
    pub due_notified: u64,
    /// Digests queued in the outbox.
    pub digests: usize,
}

/// A notification as the digest reads it: id, kind, customer, the
/// customer's name, obligation, due day, and whether it is unread.
fn actor(slug: &Slug) -> Actor {
    Actor::task(SystemTask::Digest, Some(slug.clone()), vec![Role::Coach])
}

/// The daily round of one area at `now`: from the area's digest hour on,
/// notifies each coach of their customers' obligations about to fall due
/// (once per obligation), then queues one digest per staff member with
/// something unread and not yet digested, in their language, to their work
/// mail. A second round the same day adds nothing: a staff member gets one
/// digest a day, and what arrives after it waits for the next.
pub async fn digest_area(
    store: &Store,
    slug: &Slug,
    now: DateTime<Utc>,
    composer: &dyn Compose,
    rules: &Rules,
    path_rules: &PathRules,
) -> Result<DigestRound, StoreError> {
    let mut tx = store.begin(&actor(slug)).await?;
    let tenant = tx.require_tenant()?.clone();
    let (hour, due_days) = settings(&mut tx).await?;
    let local = polku_domain::calendar::local_time(now, &tenant.time_zone);
    if local.hour() < hour {
        return Ok(DigestRound::default());
    }
    let today = local.date();
    let mut round = DigestRound {
        due_notified: notify_due(&mut tx, rules, path_rules, today, due_days).await?,
        digests: 0,
    };

    let recipients: Vec<(String, String, Option<String>, Vec<String>)> = sqlx::query_as(
        "SELECT s.subject, s.name, s.email, s.languages FROM staff s WHERE s.active AND EXISTS ( \
             SELECT 1 FROM notifications n WHERE n.recipient = s.subject AND n.digested_at IS NULL)",
    )
    .fetch_all(tx.conn())
    .await?;
    for (subject, name, email, languages) in recipients {
        let items: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE n.recipient = $1 AND n.digested_at IS NULL ORDER BY n.created_at, n.notification_id"
        ))
        .bind(&subject)
        .fetch_all(tx.conn())
        .await?;
        let items: Vec<Notification> = items.into_iter().map(Notification::from).collect();
        let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
        let customers: Vec<Uuid> = items.iter().filter_map(|i| i.customer_id).collect();
        // What was already read in Polku needs no telling.
        let unread: Vec<DigestItem> = items
            .into_iter()
            .filter(|i| i.read_at.is_none())
            .map(|i| DigestItem {
                kind: i.kind,
                customer_name: i.customer_name,
                obligation: i.obligation,
                due_on: i.due_on,
                budget: i.budget,
                deviation: i.deviation,
            })
            .collect();
        let queued = match (&email, unread.is_empty()) {
            (Some(email), false) => {
                let language =
                    languages.first().and_then(|l| Lang::parse(l).ok()).unwrap_or(tenant.default_language);
                let area =
                    tenant.names.get(language, tenant.default_language).unwrap_or(tenant.slug.as_str());
                let text = composer.digest(&Digest {
                    language,
                    staff_name: &name,
                    area_name: area,
                    date: today,
                    items: &unread,
                });
                queue_digest(&mut tx, &subject, email, language, &text, now, today).await?
            }
            // No work address, or all read already: marked, nothing sent.
            _ => true,
        };
        if queued {
            sqlx::query("UPDATE notifications SET digested_at = $2 WHERE notification_id = ANY($1)")
                .bind(&ids)
                .bind(now)
                .execute(tx.conn())
                .await?;
            round.digests += usize::from(email.is_some() && !unread.is_empty());
            audit::record(&mut tx, &customers, AuditAction::Export, "digest").await?;
        }
    }
    tx.commit().await?;
    Ok(round)
}

/// Queues a staff member's digest for today; false when today's has
/// already gone (what came after it waits for tomorrow's).
async fn queue_digest(
    tx: &mut Tx,
    subject: &str,
    email: &str,
    language: Lang,
    text: &Composed,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO outbox (tenant_id, message_id, staff_recipient, purpose, channel, recipient, language, \
             subject, body, due_at, next_attempt_at, dedupe_key) \
         VALUES ($1, $2, $3, $4, 'email', $5, $6, $7, $8, $9, $9, $10) \
         ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING message_id",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(subject)
    .bind(MessagePurpose::Digest.code())
    .bind(email)
    .bind(language.code())
    .bind(&text.subject)
    .bind(&text.body)
    .bind(now)
    .bind(format!("digest:{subject}:{today}"))
    .fetch_optional(tx.conn())
    .await?;
    Ok(id.is_some())
}

/// Notifies coaches of their customers' obligations falling due within
/// `days` working days and not yet planned by an appointment; once per
/// obligation and due day.
async fn notify_due(
    tx: &mut Tx,
    rules: &Rules,
    path_rules: &PathRules,
    today: NaiveDate,
    days: i64,
) -> Result<u64, StoreError> {
    let customers = caseload::of_area(tx).await?;
    let ids: Vec<Uuid> = customers.iter().map(|c| c.id).collect();
    let data = CaseData::for_work(tx, Scope::ActiveInArea, &ids).await?;
    let assigned = customers.iter().filter(|c| c.coach_id.is_some());
    let (mut who, mut what, mut due) = (Vec::new(), Vec::new(), Vec::new());
    for e in data.work(rules, path_rules, assigned, today) {
        let (Some(kind), Some(on)) = (e.obligation, e.due) else { continue };
        if on >= today
            && e.planned.is_none()
            && polku_domain::calendar::working_days_between(today, on) <= days
        {
            who.push(e.customer_id);
            what.push(obligation_code(kind));
            due.push(on);
        }
    }
    if who.is_empty() {
        return Ok(0);
    }
    let tenant = tx.require_tenant()?.id;
    let done = sqlx::query(
        "INSERT INTO notifications (tenant_id, recipient, kind, customer_id, obligation, due_on, dedupe_key) \
         SELECT $1, s.subject, 'obligation_due', t.c, t.o, t.d, 'due:' || t.c || ':' || t.o || ':' || t.d \
         FROM unnest($2::uuid[], $3::text[], $4::date[]) AS t(c, o, d) \
         JOIN customers c ON c.customer_id = t.c \
         JOIN staff s ON s.tenant_id = c.tenant_id AND s.staff_id = c.coach_id \
         ON CONFLICT (tenant_id, recipient, dedupe_key) DO NOTHING",
    )
    .bind(tenant)
    .bind(&who)
    .bind(&what)
    .bind(&due)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected())
}

/// A new notification as the database announces it at commit: where it
/// belongs and whose it is, never its content.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct Announced {
    /// The area's slug.
    pub tenant: String,
    pub recipient: String,
    pub id: Uuid,
    pub kind: String,
}

/// Listens for new notifications (committed ones only: PostgreSQL delivers
/// a NOTIFY at commit) and hands each to `deliver`, until the connection
/// cannot be had again. Each gateway listens itself, so a notification
/// written through any replica reaches the subscribers of all.
pub async fn listen(store: &Store, deliver: impl Fn(Announced)) -> Result<(), StoreError> {
    let mut listener = sqlx::postgres::PgListener::connect_with(store.pool()).await?;
    listener.listen("polku_notifications").await?;
    loop {
        // `recv` reconnects by itself; what was announced meanwhile is only
        // missed by the live feed, never by the list.
        let n = listener.recv().await?;
        if let Ok(a) = serde_json::from_str::<Announced>(n.payload()) {
            deliver(a);
        }
    }
}
