//! Referrals of customers to services, their transitions, the queue of a
//! full service, and its utilisation over time.
//!
//! Capacity holds across gateway replicas: every change that can take or
//! free a place first takes the service's advisory lock in Postgres, so the
//! count of started referrals and the decision to start or queue happen as
//! one step for the whole platform.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::referral::{self, ConsentHow, ReferralAction, ReferralOutcome, ReferralState};
use polku_domain::{DomainError, ErrorCode, Euros, Lang, LocalizedText, Role};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

/// A referral with what its readers need of the customer and the service.
#[derive(Clone, Debug)]
pub struct Referral {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_first_names: String,
    pub customer_last_name: String,
    pub customer_language: Lang,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub service_id: Uuid,
    pub service_names: LocalizedText,
    pub partner_id: Option<Uuid>,
    pub state: ReferralState,
    pub queued_at: Option<DateTime<Utc>>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub reason: Option<String>,
    pub outcome: Option<ReferralOutcome>,
    pub referred_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it was first sent to the provider; a partner sees only
    /// referrals that were.
    pub sent_at: Option<DateTime<Utc>>,
    /// The basis the customer's data is disclosed to the provider on (a
    /// code of `legal_bases`); none yet for a draft of a service whose kind
    /// has no statutory ground.
    pub legal_basis: Option<String>,
    pub consent_given_on: Option<NaiveDate>,
    pub consent_how: Option<String>,
    pub consent_withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    referral_id: Uuid,
    customer_id: Uuid,
    first_names: String,
    last_name: String,
    service_language: String,
    phone: Option<String>,
    email: Option<String>,
    service_id: Uuid,
    names: Json<LocalizedText>,
    partner_id: Option<Uuid>,
    state: String,
    queued_at: Option<DateTime<Utc>>,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    reason: Option<String>,
    outcome: Option<String>,
    referred_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    legal_basis: Option<String>,
    consent_given_on: Option<NaiveDate>,
    consent_how: Option<String>,
    consent_withdrawn_at: Option<DateTime<Utc>>,
}

impl From<Row> for Referral {
    fn from(r: Row) -> Self {
        Referral {
            id: r.referral_id,
            customer_id: r.customer_id,
            customer_first_names: r.first_names,
            customer_last_name: r.last_name,
            customer_language: Lang::parse(&r.service_language).unwrap_or(Lang::Fi),
            customer_phone: r.phone,
            customer_email: r.email,
            service_id: r.service_id,
            service_names: r.names.0,
            partner_id: r.partner_id,
            state: ReferralState::from_code(&r.state).unwrap_or(ReferralState::Proposed),
            queued_at: r.queued_at,
            started_on: r.started_on,
            ended_on: r.ended_on,
            reason: r.reason,
            outcome: r.outcome.as_deref().and_then(ReferralOutcome::from_code),
            referred_by: r.referred_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            sent_at: r.sent_at,
            legal_basis: r.legal_basis,
            consent_given_on: r.consent_given_on,
            consent_how: r.consent_how,
            consent_withdrawn_at: r.consent_withdrawn_at,
        }
    }
}

/// The customer's columns come through `referred_customers`, the view that
/// holds only what a partner may read.
const SELECT: &str = "SELECT r.referral_id, r.customer_id, c.first_names, c.last_name, c.service_language, \
    c.phone, c.email, r.service_id, s.names, r.partner_id, r.state, r.queued_at, r.started_on, r.ended_on, \
    r.reason, r.outcome, r.referred_by, r.created_at, r.updated_at, r.sent_at, r.legal_basis, r.consent_given_on, \
    r.consent_how, r.consent_withdrawn_at \
    FROM referrals r JOIN referred_customers c USING (tenant_id, customer_id) \
    JOIN services s USING (tenant_id, service_id)";

#[derive(Clone, Debug, Default)]
pub struct ReferralFilter {
    pub states: Vec<ReferralState>,
    pub service_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
}

/// The most a list returns; a partner's open referrals are in the hundreds.
pub const MAX_LIST: i64 = 2_000;

/// Referrals the caller may see, oldest first, in one statement.
pub async fn list(tx: &mut Tx, filter: &ReferralFilter) -> Result<Vec<Referral>, StoreError> {
    let states: Vec<&str> = filter.states.iter().map(|s| s.code()).collect();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE (cardinality($1::text[]) = 0 OR r.state = ANY($1)) \
         AND ($2::uuid IS NULL OR r.service_id = $2) AND ($3::uuid IS NULL OR r.customer_id = $3) \
         ORDER BY r.created_at, r.referral_id LIMIT $4"
    ))
    .bind(&states)
    .bind(filter.service_id)
    .bind(filter.customer_id)
    .bind(MAX_LIST)
    .fetch_all(tx.conn())
    .await?;
    let list: Vec<Referral> = rows.into_iter().map(Referral::from).collect();
    let mut customers: Vec<Uuid> = list.iter().map(|r| r.customer_id).collect();
    customers.sort_unstable();
    customers.dedup();
    audit::record(tx, &customers, AuditAction::Read, "referral").await?;
    let ids: Vec<Uuid> = list.iter().map(|r| r.id).collect();
    disclose_to_partner(tx, &ids).await?;
    Ok(list)
}

/// What a partner reads of a referred customer (`referred_customers`).
const DISCLOSED: &str = "referral: name, service language, phone, e-mail";

/// When the caller is a partner, logs each referral's customer data read as
/// a disclosure, with the referral's legal basis, in one statement. Case
/// staff reading their own area's referrals disclose nothing.
pub(crate) async fn disclose_to_partner(tx: &mut Tx, referrals: &[Uuid]) -> Result<(), StoreError> {
    let actor = tx.actor();
    if referrals.is_empty() || !actor.has(Role::Partner) || actor.roles.iter().any(|r| r.is_case_staff()) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO disclosures (tenant_id, customer_id, recipient, partner_id, referral_id, actor, what,                                   legal_basis, request_id)          SELECT r.tenant_id, r.customer_id, 'partner', r.partner_id, r.referral_id, coalesce(app_user(), 'unknown'),                 $2, coalesce(r.legal_basis, 'unrecorded'), nullif(current_setting('polku.request_id', true), '')          FROM referrals r WHERE r.referral_id = ANY($1)",
    )
    .bind(referrals)
    .bind(DISCLOSED)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Referral, StoreError> {
    let row: Row = sqlx::query_as(&format!("{SELECT} WHERE r.referral_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let referral = Referral::from(row);
    audit::record(tx, &[referral.customer_id], AuditAction::Read, "referral").await?;
    disclose_to_partner(tx, &[referral.id]).await?;
    Ok(referral)
}

async fn lock_service(tx: &mut Tx, service: Uuid) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('polku.service.' || $1::text, 0))")
        .bind(service)
        .execute(tx.conn())
        .await?;
    Ok(())
}

async fn event(tx: &mut Tx, id: Uuid, state: ReferralState, note: Option<&str>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO referral_events (tenant_id, referral_id, state, actor, actor_roles, note) \
         VALUES (app_tenant(), $1, $2, coalesce(app_user(), 'system'), \
                 coalesce(current_setting('polku.roles', true), ''), $3)",
    )
    .bind(id)
    .bind(state.code())
    .bind(note)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Refers a customer to a service of the catalogue (proposed: the coach
/// sends it when ready).
pub async fn create(
    tx: &mut Tx,
    customer: Uuid,
    service: Uuid,
    planned_months: Option<u32>,
    today: NaiveDate,
) -> Result<Referral, StoreError> {
    let tenant = tx.require_tenant()?.id;
    crate::customers::must_exist(tx, customer).await?;
    // Provider, retirement, end of the active period.
    type ServiceRow = (Option<Uuid>, Option<DateTime<Utc>>, Option<NaiveDate>);
    let found: Option<ServiceRow> = sqlx::query_as(
        "SELECT provider_partner_id, retired_at, active_until FROM services WHERE service_id = $1",
    )
    .bind(service)
    .fetch_optional(tx.conn())
    .await?;
    let Some((provider, retired, until)) = found else {
        return Err(DomainError::field(ErrorCode::UnknownService, "serviceId").into());
    };
    if retired.is_some() || until.is_some_and(|u| u < today) {
        return Err(DomainError::field(ErrorCode::ServiceRetired, "serviceId").into());
    }
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        // The legal basis starts as the statutory ground of the service's
        // kind, where the list of bases names one; the coach may record
        // consent or another ground before sending.
        "INSERT INTO referrals (tenant_id, referral_id, customer_id, service_id, partner_id, state, referred_by, \
                                legal_basis, planned_months) \
         SELECT $1, $2, customer_id, $4, $5, 'proposed', coalesce(app_user(), 'system'), \
                (SELECT b.code FROM legal_bases b JOIN services s ON s.category = ANY(b.default_for) \
                 WHERE s.service_id = $4 AND b.selectable ORDER BY b.code LIMIT 1), $6 \
         FROM customers WHERE customer_id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(customer)
    .bind(service)
    .bind(provider)
    .bind(planned_months.and_then(|m| i16::try_from(m).ok()))
    .execute(tx.conn())
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    event(tx, id, ReferralState::Proposed, None).await?;
    audit::record(tx, &[customer], AuditAction::Create, "referral").await?;
    get(tx, id).await
}

/// The legal basis a coach records for a referral before it is sent.
#[derive(Clone, Debug)]
pub struct LegalBasisInput {
    pub code: String,
    /// For consent: the day it was given and how.
    pub consent_given_on: Option<NaiveDate>,
    pub consent_how: Option<ConsentHow>,
}

/// The legal bases a referral may be sent on: code, names, statute, and
/// whether it is the customer's consent.
pub async fn legal_bases(tx: &mut Tx) -> Result<Vec<(String, LocalizedText, String, bool)>, StoreError> {
    let rows: Vec<(String, Json<LocalizedText>, String, bool)> = sqlx::query_as(
        "SELECT code, names, statute, is_consent FROM legal_bases WHERE selectable ORDER BY is_consent DESC, code",
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|(c, n, s, i)| (c, n.0, s, i)).collect())
}

/// Records the legal basis of a referral not yet sent: a basis from the
/// list (`UNKNOWN_LEGAL_BASIS` otherwise); consent needs its day, not in
/// the future, and how it was given (`CONSENT_NOT_RECORDED`).
pub async fn set_legal_basis(
    tx: &mut Tx,
    id: Uuid,
    basis: LegalBasisInput,
    today: NaiveDate,
) -> Result<Referral, StoreError> {
    let consent: Option<bool> =
        sqlx::query_scalar("SELECT is_consent FROM legal_bases WHERE code = $1 AND selectable")
            .bind(&basis.code)
            .fetch_optional(tx.conn())
            .await?;
    let Some(consent) = consent else {
        return Err(DomainError::field(ErrorCode::UnknownLegalBasis, "basis.code").into());
    };
    if consent {
        match basis.consent_given_on {
            Some(on) if on <= today => {}
            _ => return Err(DomainError::field(ErrorCode::ConsentNotRecorded, "basis.consentGivenOn").into()),
        }
        if basis.consent_how.is_none() {
            return Err(DomainError::field(ErrorCode::ConsentNotRecorded, "basis.consentHow").into());
        }
    }
    let done = sqlx::query(
        "UPDATE referrals SET legal_basis = $2, consent_given_on = $3, consent_how = $4, \
             consent_recorded_by = CASE WHEN $5 THEN coalesce(app_user(), 'system') END, updated_at = now() \
         WHERE referral_id = $1 AND state = 'proposed'",
    )
    .bind(id)
    .bind(&basis.code)
    .bind(basis.consent_given_on.filter(|_| consent))
    .bind(basis.consent_how.filter(|_| consent).map(ConsentHow::code))
    .bind(consent)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        // Not found, or already sent: the basis it was sent on stays.
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM referrals WHERE referral_id = $1)")
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
        return Err(if exists {
            DomainError::field(ErrorCode::IllegalTransition, "id").into()
        } else {
            StoreError::NotFound
        });
    }
    let referral = get(tx, id).await?;
    audit::record(tx, &[referral.customer_id], AuditAction::Change, "referral legal basis").await?;
    Ok(referral)
}

/// Records that the customer withdrew consent: the partner no longer sees
/// the referral or, through it, the customer (the database's policy), and
/// the withdrawal is kept in the referral's history.
pub async fn withdraw_consent(tx: &mut Tx, id: Uuid) -> Result<Referral, StoreError> {
    let done = sqlx::query(
        "UPDATE referrals SET consent_withdrawn_at = now(), consent_withdrawn_by = coalesce(app_user(), 'system'), \
             updated_at = now() \
         WHERE referral_id = $1 AND legal_basis = 'consent' AND consent_withdrawn_at IS NULL",
    )
    .bind(id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let state: String = sqlx::query_scalar("SELECT state FROM referrals WHERE referral_id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    event(
        tx,
        id,
        ReferralState::from_code(&state).unwrap_or(ReferralState::Proposed),
        Some("consent withdrawn"),
    )
    .await?;
    let referral = get(tx, id).await?;
    audit::record(tx, &[referral.customer_id], AuditAction::Change, "referral consent withdrawn").await?;
    Ok(referral)
}

/// What a transition carries besides the action.
#[derive(Clone, Debug, Default)]
pub struct TransitionNote {
    pub reason: Option<String>,
    pub outcome: Option<ReferralOutcome>,
    /// On sending a bought place: a manager's reason to commit past the
    /// year's appropriation.
    pub budget_override: Option<String>,
}

/// A bought place's planned length when the coach gave none.
pub const DEFAULT_PLANNED_MONTHS: u32 = 6;

/// A referral whose state changed, for live updates: the referral and
/// anyone else the same step moved (a queued referral that got the place).
#[derive(Clone, Debug)]
pub struct Changed {
    pub referral: Referral,
    pub promoted: Vec<Referral>,
}

/// Moves a referral on. Starting a referral of a full service queues it;
/// ending a started one gives its place to the first in the queue.
pub async fn transition(
    tx: &mut Tx,
    id: Uuid,
    action: ReferralAction,
    note: TransitionNote,
    today: NaiveDate,
) -> Result<Changed, StoreError> {
    let (service, _) =
        sqlx::query_as::<_, (Uuid, String)>("SELECT service_id, state FROM referrals WHERE referral_id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
    // Take the place lock before reading the state the decision rests on.
    lock_service(tx, service).await?;
    let state: String = sqlx::query_scalar("SELECT state FROM referrals WHERE referral_id = $1")
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    let from = ReferralState::from_code(&state).unwrap_or(ReferralState::Proposed);
    let roles = tx.actor().roles.clone();
    let mut to = referral::next(from, action, &roles)?;
    if to == ReferralState::Sent {
        let basis: Option<String> =
            sqlx::query_scalar("SELECT legal_basis FROM referrals WHERE referral_id = $1")
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
        if basis.is_none() {
            return Err(DomainError::field(ErrorCode::LegalBasisRequired, "legalBasis").into());
        }
    }
    if to == ReferralState::Started && !has_place(tx, service).await? {
        to = ReferralState::Queued;
    }
    sqlx::query(
        "UPDATE referrals SET state = $2, updated_at = now(), \
            queued_at = CASE WHEN $2 = 'queued' THEN clock_timestamp() ELSE queued_at END, \
            started_on = CASE WHEN $2 = 'started' THEN $3 ELSE started_on END, \
            ended_on = CASE WHEN $2 IN ('completed', 'interrupted') AND started_on IS NOT NULL THEN $3 ELSE ended_on END, \
            reason = coalesce($4, reason), outcome = coalesce($5, outcome) \
         WHERE referral_id = $1",
    )
    .bind(id)
    .bind(to.code())
    .bind(today)
    .bind(&note.reason)
    .bind(note.outcome.map(|o| o.code()))
    .execute(tx.conn())
    .await?;
    event(tx, id, to, note.reason.as_deref()).await?;
    if to == ReferralState::Sent {
        commit_place(tx, id, today, note.budget_override).await?;
    }
    let promoted =
        if matches!(from, ReferralState::Started) { promote(tx, service, today).await? } else { Vec::new() };
    let referral = get(tx, id).await?;
    audit::record(tx, &[referral.customer_id], AuditAction::Change, "referral").await?;
    Ok(Changed { referral, promoted })
}

/// Sending a referral to a bought place (a service with a cost) reserves
/// the place's cost for its planned length against the bought-places
/// appropriation. What a declined, interrupted or completed referral no
/// longer needs is free again without a write of its own: the budget reads
/// the referral's state (see `budget::LIVE`), so a partner's answer frees
/// the money though the partner's role cannot touch the area's budget.
async fn commit_place(
    tx: &mut Tx,
    id: Uuid,
    today: NaiveDate,
    reason: Option<String>,
) -> Result<(), StoreError> {
    let (customer, cost, planned): (Uuid, i64, Option<i16>) = sqlx::query_as(
        "SELECT r.customer_id, s.cost_cents, r.planned_months FROM referrals r \
         JOIN services s ON s.tenant_id = r.tenant_id AND s.service_id = r.service_id WHERE r.referral_id = $1",
    )
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    if cost == 0 {
        return Ok(());
    }
    let months = planned.and_then(|m| u32::try_from(m).ok()).unwrap_or(DEFAULT_PLANNED_MONTHS);
    crate::budget::commit(
        tx,
        crate::budget::NewCommitment {
            purpose: polku_domain::budget::BudgetPurpose::BoughtPlaces,
            source: crate::budget::Source::Referral,
            source_id: Some(id),
            customer_id: Some(customer),
            description: None,
            months: polku_domain::budget::place_months(Euros::from_cents(cost), today, months),
            override_reason: reason,
        },
        "budgetOverrideReason",
    )
    .await?;
    Ok(())
}

async fn has_place(tx: &mut Tx, service: Uuid) -> Result<bool, StoreError> {
    let (capacity, started): (Option<i32>, i64) = sqlx::query_as(
        "SELECT s.capacity, (SELECT count(*) FROM referrals r WHERE r.service_id = s.service_id AND r.state = 'started') \
         FROM services s WHERE s.service_id = $1",
    )
    .bind(service)
    .fetch_one(tx.conn())
    .await?;
    Ok(capacity.is_none_or(|c| started < i64::from(c)))
}

/// Starts queued referrals, first come first served, while places are free.
async fn promote(tx: &mut Tx, service: Uuid, today: NaiveDate) -> Result<Vec<Referral>, StoreError> {
    let mut promoted = Vec::new();
    while has_place(tx, service).await? {
        let next: Option<Uuid> = sqlx::query_scalar(
            "UPDATE referrals SET state = 'started', started_on = $2, updated_at = now() \
             WHERE referral_id = (SELECT referral_id FROM referrals WHERE service_id = $1 AND state = 'queued' \
                                  ORDER BY queued_at, referral_id LIMIT 1) \
             RETURNING referral_id",
        )
        .bind(service)
        .bind(today)
        .fetch_optional(tx.conn())
        .await?;
        let Some(id) = next else { break };
        event(tx, id, ReferralState::Started, Some("place freed")).await?;
        promoted.push(get(tx, id).await?);
    }
    Ok(promoted)
}

/// Who moved a referral, and when.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Event {
    pub state: String,
    pub actor: String,
    pub actor_roles: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

pub async fn history(tx: &mut Tx, id: Uuid) -> Result<Vec<Event>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT state, actor, actor_roles, at, note FROM referral_events WHERE referral_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?)
}

/// Place-days filled against place-days offered, per month.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Utilisation {
    pub month: NaiveDate,
    pub capacity: Option<i32>,
    pub place_days_filled: i64,
    pub place_days_offered: Option<i64>,
    pub started: i64,
    pub queued: i64,
    /// Working days attended, as the partner reported them (a week's hours
    /// as days of regular working time, at most five).
    pub days_attended: f64,
    /// The month's last day counted (today in the current month).
    pub last: NaiveDate,
}

pub async fn utilisation(
    tx: &mut Tx,
    service: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Utilisation>, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM services WHERE service_id = $1)")
        .bind(service)
        .fetch_one(tx.conn())
        .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    Ok(sqlx::query_as(&format!(
        "WITH months AS ( \
            SELECT m::date AS month, (m + interval '1 month' - interval '1 day')::date AS last \
            FROM generate_series(date_trunc('month', $2::date), date_trunc('month', $3::date), interval '1 month') m) \
         SELECT m.month, s.capacity, \
            coalesce(sum(GREATEST(0, LEAST(m.last, coalesce(r.ended_on, $4)) - GREATEST(m.month, r.started_on) + 1)), 0)::bigint \
                AS place_days_filled, \
            (s.capacity * (m.last - m.month + 1))::bigint AS place_days_offered, \
            count(r.referral_id) FILTER (WHERE r.started_on BETWEEN m.month AND m.last) AS started, \
            (SELECT count(*) FROM referrals q WHERE q.service_id = s.service_id AND q.state = 'queued') AS queued, \
            (SELECT coalesce(sum({attended}), 0) \
             FROM attendance a JOIN referrals q ON q.tenant_id = a.tenant_id AND q.referral_id = a.referral_id \
             WHERE q.service_id = s.service_id AND a.replaced_at IS NULL \
               AND a.on_date BETWEEN m.month AND LEAST(m.last, $4))::float8 AS days_attended, \
            LEAST(m.last, $4) AS last \
         FROM months m CROSS JOIN services s \
         LEFT JOIN referrals r ON r.tenant_id = s.tenant_id AND r.service_id = s.service_id \
            AND r.started_on IS NOT NULL AND r.started_on <= m.last AND coalesce(r.ended_on, $4) >= m.month \
         WHERE s.service_id = $1 \
         GROUP BY m.month, m.last, s.capacity, s.service_id ORDER BY m.month",
        attended = crate::partner_reports::days_attended_sql("a")
    ))
    .bind(service)
    .bind(from)
    .bind(to)
    .bind(today)
    .fetch_all(tx.conn())
    .await?)
}
