//! Budget control: appropriations per year and purpose, and commitments
//! reserving money month by month in the transaction of what caused them
//! (an employment grant, a bought place, a manager by hand). The one way in
//! for a commitment is [`commit`]: it takes the year's and purpose's lock,
//! so two commitments racing for the last euros take turns and the second
//! sees the first.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use polku_domain::budget::{self, BudgetPurpose, MonthAmount, Standing};
use polku_domain::{DomainError, ErrorCode, Euros};
use uuid::Uuid;

use crate::{StoreError, Tx};

/// Where a commitment comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Grant,
    Referral,
    Manual,
}

impl Source {
    fn code(self) -> &'static str {
        match self {
            Source::Grant => "grant",
            Source::Referral => "referral",
            Source::Manual => "manual",
        }
    }
}

/// A commitment asked for.
#[derive(Clone, Debug)]
pub struct NewCommitment {
    pub purpose: BudgetPurpose,
    pub source: Source,
    pub source_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub description: Option<String>,
    pub months: Vec<MonthAmount>,
    /// A manager's reason to go past the appropriation.
    pub override_reason: Option<String>,
}

/// A commitment made: its id, and the warning thresholds it crossed, by year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    pub id: Uuid,
    pub warnings: Vec<(i32, u32)>,
    pub overridden: bool,
}

/// Whether a commitment's month still reserves money: the commitment is
/// open and, for a referral's place, the referral has not been declined or
/// cancelled, nor ended before that month.
const LIVE: &str = "c.state = 'open' AND NOT (c.source = 'referral' AND EXISTS ( \
     SELECT 1 FROM referrals r WHERE r.tenant_id = c.tenant_id AND r.referral_id = c.source_id \
       AND r.state IN ('declined', 'interrupted', 'completed') \
       AND (r.ended_on IS NULL OR m.month > date_trunc('month', r.ended_on)::date)))";

/// Serialises the commitments of one year and purpose in the area.
async fn lock(tx: &mut Tx, year: i32, purpose: BudgetPurpose) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended('budget:' || $1::text || ':' || $2 || ':' || $3, 0))",
    )
    .bind(tenant)
    .bind(year)
    .bind(purpose.code())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What is used of a year and purpose: open commitments' reservations (or
/// their spending where it went past), and released ones' spending.
async fn used(tx: &mut Tx, year: i32, purpose: BudgetPurpose) -> Result<Euros, StoreError> {
    let cents: i64 = sqlx::query_scalar(&format!(
        "SELECT coalesce(sum(CASE WHEN {LIVE} THEN greatest(m.reserved_cents, m.spent_cents) \
                                  ELSE m.spent_cents END), 0)::bigint \
         FROM commitment_months m JOIN commitments c USING (tenant_id, commitment_id) \
         WHERE c.purpose = $2 AND m.month >= make_date($1, 1, 1) AND m.month < make_date($1 + 1, 1, 1)"
    ))
    .bind(year)
    .bind(purpose.code())
    .fetch_one(tx.conn())
    .await?;
    Ok(Euros::from_cents(cents))
}

async fn closed(tx: &mut Tx, year: i32) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM budget_years_closed WHERE year = $1)")
        .bind(i16::try_from(year).unwrap_or(0))
        .fetch_one(tx.conn())
        .await?)
}

/// Reserves a commitment's months, checked year by year against the
/// appropriation of its purpose (a year without one is not controlled).
/// `field` names the input the refusal is about.
pub async fn commit(tx: &mut Tx, c: NewCommitment, field: &str) -> Result<Committed, StoreError> {
    let mut warnings = Vec::new();
    let mut overridden = false;
    for (year, amount) in budget::by_year(&c.months) {
        if closed(tx, year).await? {
            return Err(DomainError::field(ErrorCode::BudgetYearClosed, field)
                .with_arg("value", year)
                .into());
        }
        lock(tx, year, c.purpose).await?;
        let row: Option<(i64, Vec<i16>)> = sqlx::query_as(
            "SELECT amount_cents, warn_percents FROM appropriations WHERE year = $1 AND purpose = $2",
        )
        .bind(i16::try_from(year).unwrap_or(0))
        .bind(c.purpose.code())
        .fetch_optional(tx.conn())
        .await?;
        let Some((appropriation, warn)) = row else { continue };
        let standing = Standing {
            appropriation: Euros::from_cents(appropriation),
            reserved: used(tx, year, c.purpose).await?,
        };
        let thresholds: Vec<u32> = warn.iter().filter_map(|w| u32::try_from(*w).ok()).collect();
        let checked = budget::check(standing, amount, &thresholds, c.override_reason.as_deref(), field)?;
        overridden |= checked.overridden;
        warnings.extend(checked.warnings.into_iter().map(|w| (year, w)));
    }
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO commitments (tenant_id, commitment_id, purpose, source, source_id, customer_id, description, \
             override_reason, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce(app_user(), 'system'))",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.purpose.code())
    .bind(c.source.code())
    .bind(c.source_id)
    .bind(c.customer_id)
    .bind(&c.description)
    // Kept only where it was needed.
    .bind(c.override_reason.as_deref().filter(|_| overridden))
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO commitment_months (tenant_id, commitment_id, month, reserved_cents) \
         SELECT $1, $2, m, a FROM unnest($3::date[], $4::bigint[]) AS t(m, a)",
    )
    .bind(tenant)
    .bind(id)
    .bind(c.months.iter().map(|m| m.month).collect::<Vec<_>>())
    .bind(c.months.iter().map(|m| m.amount.cents()).collect::<Vec<_>>())
    .execute(tx.conn())
    .await?;
    for (year, percent) in &warnings {
        notify_holders(tx, "budget_threshold", *year, c.purpose, Some(*percent), id).await?;
    }
    if overridden {
        for (year, _) in budget::by_year(&c.months) {
            notify_holders(tx, "budget_overridden", year, c.purpose, None, id).await?;
        }
    }
    Ok(Committed { id, warnings, overridden })
}

/// Tells the purpose's budget holders (the administrator who set the
/// appropriation and its watchers) of a threshold crossed or an override,
/// in the commitment's own transaction; not the one who made it, who was
/// told in the answer.
async fn notify_holders(
    tx: &mut Tx,
    kind: &str,
    year: i32,
    purpose: BudgetPurpose,
    percent: Option<u32>,
    commitment: Uuid,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notifications (tenant_id, recipient, kind, about_id, detail) \
         SELECT DISTINCT a.tenant_id, h.subject, $3, $4, \
                jsonb_strip_nulls(jsonb_build_object('year', $1::int, 'purpose', $2::text, 'percent', $5::int)) \
         FROM appropriations a \
         CROSS JOIN LATERAL (SELECT a.set_by AS subject UNION \
                             SELECT s.subject FROM staff s WHERE s.staff_id = ANY (a.watchers) AND s.active) h \
         WHERE a.year = $1 AND a.purpose = $2 AND h.subject IS DISTINCT FROM app_user()",
    )
    .bind(i16::try_from(year).unwrap_or(0))
    .bind(purpose.code())
    .bind(kind)
    .bind(commitment)
    .bind(percent.and_then(|p| i32::try_from(p).ok()))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Releases a commitment (cancelled or ended early): what was not spent is
/// free again. Releasing twice is the same as once.
pub async fn release(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE commitments SET state = 'released', released_at = coalesce(released_at, $2) WHERE commitment_id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Records what was paid of a commitment in a month (from the area's
/// finance system): spending, kept apart from the reservation.
pub async fn record_spending(
    tx: &mut Tx,
    id: Uuid,
    month: NaiveDate,
    amount: Euros,
) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM commitments WHERE commitment_id = $1)")
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO commitment_months (tenant_id, commitment_id, month, reserved_cents, spent_cents) \
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (tenant_id, commitment_id, month) \
         DO UPDATE SET spent_cents = commitment_months.spent_cents + excluded.spent_cents",
    )
    .bind(tenant)
    .bind(id)
    .bind(month.with_day(1).unwrap_or(month))
    .bind(amount.cents())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets a year's appropriation for a purpose (tenant administrators, by
/// policy); never below what is already used.
pub async fn set_appropriation(
    tx: &mut Tx,
    year: i32,
    purpose: BudgetPurpose,
    amount: Euros,
    warn_percents: &[u32],
    watchers: &[Uuid],
) -> Result<(), StoreError> {
    let known: Vec<Uuid> = sqlx::query_scalar("SELECT staff_id FROM staff WHERE staff_id = ANY($1)")
        .bind(watchers)
        .fetch_all(tx.conn())
        .await?;
    if let Some(i) = watchers.iter().position(|w| !known.contains(w)) {
        return Err(DomainError::field(ErrorCode::UnknownStaff, format!("watcherIds[{i}]")).into());
    }
    lock(tx, year, purpose).await?;
    let used = used(tx, year, purpose).await?;
    if amount < used {
        return Err(DomainError::field(ErrorCode::AppropriationBelowCommitted, "amount")
            .with_arg("min", used)
            .into());
    }
    let tenant = tx.require_tenant()?.id;
    sqlx::query(
        "INSERT INTO appropriations (tenant_id, year, purpose, amount_cents, warn_percents, watchers, set_by) \
         VALUES ($1, $2, $3, $4, $5, $6, coalesce(app_user(), 'system')) \
         ON CONFLICT (tenant_id, year, purpose) DO UPDATE SET amount_cents = excluded.amount_cents, \
             warn_percents = excluded.warn_percents, watchers = excluded.watchers, set_by = excluded.set_by, \
             set_at = now()",
    )
    .bind(tenant)
    .bind(i16::try_from(year).unwrap_or(0))
    .bind(purpose.code())
    .bind(amount.cents())
    .bind(warn_percents.iter().filter_map(|w| i16::try_from(*w).ok()).collect::<Vec<_>>())
    .bind(watchers)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Closes a budget year: no commitment may reserve money in it after.
pub async fn close_year(tx: &mut Tx, year: i32) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    sqlx::query(
        "INSERT INTO budget_years_closed (tenant_id, year, closed_by) VALUES ($1, $2, coalesce(app_user(), 'system')) \
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(i16::try_from(year).unwrap_or(0))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// One month of a purpose: committed (reserved, not yet spent) and spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthView {
    pub month: NaiveDate,
    pub committed: Euros,
    pub spent: Euros,
}

/// A purpose's year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurposeView {
    pub purpose: BudgetPurpose,
    pub appropriation: Option<Euros>,
    pub warn_percents: Vec<u32>,
    pub committed: Euros,
    pub spent: Euros,
    pub months: Vec<MonthView>,
}

/// The area's year by purpose and month; whether the year is closed.
pub async fn overview(tx: &mut Tx, year: i32) -> Result<(bool, Vec<PurposeView>), StoreError> {
    let appropriations: Vec<(String, i64, Vec<i16>)> =
        sqlx::query_as("SELECT purpose, amount_cents, warn_percents FROM appropriations WHERE year = $1")
            .bind(i16::try_from(year).unwrap_or(0))
            .fetch_all(tx.conn())
            .await?;
    let months: Vec<(String, NaiveDate, i64, i64)> = sqlx::query_as(&format!(
        "SELECT c.purpose, m.month, \
                sum(CASE WHEN {LIVE} THEN greatest(m.reserved_cents - m.spent_cents, 0) ELSE 0 END)::bigint, \
                sum(m.spent_cents)::bigint \
         FROM commitment_months m JOIN commitments c USING (tenant_id, commitment_id) \
         WHERE m.month >= make_date($1, 1, 1) AND m.month < make_date($1 + 1, 1, 1) \
         GROUP BY c.purpose, m.month ORDER BY c.purpose, m.month"
    ))
    .bind(year)
    .fetch_all(tx.conn())
    .await?;
    let mut out = Vec::new();
    for purpose in [
        BudgetPurpose::EmploymentGrants,
        BudgetPurpose::PaySubsidyTopUps,
        BudgetPurpose::BoughtPlaces,
        BudgetPurpose::Other,
    ] {
        let a = appropriations.iter().find(|a| a.0 == purpose.code());
        let mine: Vec<MonthView> = months
            .iter()
            .filter(|m| m.0 == purpose.code())
            .map(|m| MonthView {
                month: m.1,
                committed: Euros::from_cents(m.2),
                spent: Euros::from_cents(m.3),
            })
            .collect();
        out.push(PurposeView {
            purpose,
            appropriation: a.map(|a| Euros::from_cents(a.1)),
            warn_percents: a
                .map(|a| a.2.iter().filter_map(|w| u32::try_from(*w).ok()).collect())
                .unwrap_or_default(),
            committed: Euros::from_cents(mine.iter().map(|m| m.committed.cents()).sum()),
            spent: Euros::from_cents(mine.iter().map(|m| m.spent.cents()).sum()),
            months: mine,
        });
    }
    Ok((closed(tx, year).await?, out))
}
