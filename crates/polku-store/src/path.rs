//! Each customer's service path as episodes, checked against the legal
//! limits in force on their start, and the transitions between stages.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::customer::age_on;
use polku_domain::path::{
    self, Check, Episode, PathRules, PathStage, Subsidy, SubsidyBasis, SubsidyRate, Unemployment,
};
use polku_domain::{DomainError, ErrorCode, Euros, PartnerKind};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct NewEpisode {
    pub customer_id: Uuid,
    pub stage: PathStage,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub service_id: Option<Uuid>,
    pub organiser_partner_id: Option<Uuid>,
    pub days_per_week: Option<u8>,
    pub hours_per_day: Option<u8>,
    pub subsidy_rate: Option<SubsidyRate>,
    /// The ground; none takes the rate's default ground in the rules of the start.
    pub subsidy_basis: Option<SubsidyBasis>,
    pub working_time_percent: Option<u8>,
    pub monthly_subsidy: Option<Euros>,
    pub unemployment: Unemployment,
    pub non_business_tasks: Option<bool>,
    /// A work trial's task, trimmed; kept only for work trials.
    pub task: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredEpisode {
    pub episode_id: Uuid,
    pub customer_id: Uuid,
    pub stage: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub ended_early: bool,
    pub service_id: Option<Uuid>,
    pub referral_id: Option<Uuid>,
    pub organiser_partner_id: Option<Uuid>,
    pub days_per_week: Option<i16>,
    pub hours_per_day: Option<i16>,
    pub subsidy_percent: Option<i16>,
    pub working_time_percent: Option<i16>,
    pub subsidy_cents: Option<i64>,
    pub subsidy_basis: Option<String>,
    pub unemployed_months_14: Option<i16>,
    pub unemployed_months_28: Option<i16>,
    pub non_business_tasks: Option<bool>,
    pub work_trial_task: Option<String>,
    /// The organiser's or employer's partner kind; none when the area itself organises.
    pub organiser_kind: Option<String>,
    pub rule_version: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl StoredEpisode {
    pub fn stage(&self) -> PathStage {
        PathStage::from_code(&self.stage).unwrap_or(PathStage::OtherExit)
    }

    pub fn subsidy_basis(&self) -> Option<SubsidyBasis> {
        self.subsidy_basis.as_deref().and_then(SubsidyBasis::from_code)
    }

    fn organiser_kind(&self) -> Option<PartnerKind> {
        self.organiser_kind.as_deref().and_then(PartnerKind::from_code)
    }

    /// The episode as the limits see it. The area itself organises when no
    /// partner does, so its trials count together as one organiser's, and
    /// it is a municipality (an employment area is run by its municipalities).
    pub fn as_domain(&self) -> Episode<Uuid> {
        let small = |v: Option<i16>| v.and_then(|v| u8::try_from(v).ok());
        let kind = self.organiser_kind();
        let subsidy = (|| {
            Some(Subsidy {
                rate: SubsidyRate::from_percent(i64::from(self.subsidy_percent?)).ok()?,
                basis: self.subsidy_basis(),
                working_time_percent: small(self.working_time_percent)?,
                monthly_amount: Euros::from_cents(self.subsidy_cents?),
                employer_kind: kind?,
                unemployment: Unemployment {
                    of_last_14: small(self.unemployed_months_14),
                    of_last_28: small(self.unemployed_months_28),
                },
                non_business_tasks: self.non_business_tasks,
                age: None,
            })
        })();
        Episode {
            stage: self.stage(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            organiser: Some(self.organiser_partner_id.unwrap_or_default()),
            organiser_is_municipality: self.organiser_partner_id.is_none()
                || kind == Some(PartnerKind::MunicipalUnit),
            task: self.work_trial_task.clone(),
            days_per_week: small(self.days_per_week),
            hours_per_day: small(self.hours_per_day),
            subsidy,
        }
    }
}

/// Every column, and the organiser's partner kind (a subquery, so the list
/// also serves INSERT … RETURNING and UPDATE … RETURNING).
const COLUMNS: &str = "episode_id, customer_id, stage, starts_on, ends_on, ended_early, service_id, referral_id, \
    organiser_partner_id, days_per_week, hours_per_day, subsidy_percent, working_time_percent, subsidy_cents, \
    subsidy_basis, unemployed_months_14, unemployed_months_28, non_business_tasks, work_trial_task, \
    (SELECT p.kind FROM partners p WHERE p.partner_id = path_episodes.organiser_partner_id) AS organiser_kind, \
    rule_version, created_by, created_at";

/// One writer per customer's path at a time, so two concurrent additions
/// cannot both pass the overlap check (agreements, which count with the
/// path's episodes, take the same lock).
pub(crate) async fn lock_path(tx: &mut Tx, customer: Uuid) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('polku.path.' || $1::text, 0))")
        .bind(customer)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The paths of the given customers in one statement, each oldest first.
/// Callers that show them audit the read; the worklist reads them only to
/// compute deadlines.
pub async fn for_customers(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<StoredEpisode>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM path_episodes WHERE customer_id = ANY($1) ORDER BY customer_id, starts_on, created_at"
    ))
    .bind(customers)
    .fetch_all(tx.conn())
    .await?)
}

/// One customer's path as a timeline, oldest first.
pub async fn timeline(tx: &mut Tx, customer: Uuid) -> Result<Vec<StoredEpisode>, StoreError> {
    let list = for_customers(tx, &[customer]).await?;
    audit::record(tx, &[customer], AuditAction::Read, "service path").await?;
    Ok(list)
}

/// Where the linked service and the organiser come from, and the
/// customer's birth date (for the age a subsidy ground may require), as the
/// checks need them.
struct Links {
    service_category: Option<String>,
    service_provider: Option<Uuid>,
    partner_kind: Option<String>,
    /// `None` when the customer does not exist (or is another area's).
    birth_date: Option<NaiveDate>,
}

async fn links(tx: &mut Tx, e: &NewEpisode, organiser: Option<Uuid>) -> Result<Links, StoreError> {
    let row: (Option<String>, Option<Uuid>, Option<String>, Option<NaiveDate>) = sqlx::query_as(
        "SELECT (SELECT category FROM services WHERE service_id = $1), \
                (SELECT provider_partner_id FROM services WHERE service_id = $1), \
                (SELECT kind FROM partners WHERE partner_id = $2), \
                (SELECT birth_date FROM customers WHERE customer_id = $3)",
    )
    .bind(e.service_id)
    .bind(organiser)
    .bind(e.customer_id)
    .fetch_one(tx.conn())
    .await?;
    Ok(Links { service_category: row.0, service_provider: row.1, partner_kind: row.2, birth_date: row.3 })
}

/// Records an episode after checking it against the limits in force on its
/// start and the customer's other episodes. Field names in refusals are
/// relative to the episode's input.
pub async fn add(
    tx: &mut Tx,
    rules: &PathRules,
    e: NewEpisode,
    today: NaiveDate,
) -> Result<StoredEpisode, StoreError> {
    let tenant = tx.require_tenant()?.id;
    lock_path(tx, e.customer_id).await?;
    let provider_first = e.organiser_partner_id;
    let mut l = links(tx, &e, provider_first).await?;
    let Some(birth_date) = l.birth_date else {
        return Err(StoreError::NotFound);
    };
    if e.service_id.is_some() {
        let Some(category) = &l.service_category else {
            return Err(DomainError::field(ErrorCode::UnknownService, "serviceId").into());
        };
        if e.stage.service_category().is_some_and(|c| c.code() != category) {
            return Err(DomainError::field(ErrorCode::ServiceCategoryMismatch, "serviceId").into());
        }
    }
    // A service's provider organises unless another organiser is named.
    let organiser = e.organiser_partner_id.or(l.service_provider);
    if organiser != provider_first {
        l = links(tx, &e, organiser).await?;
    }
    if organiser.is_some() && l.partner_kind.is_none() {
        return Err(DomainError::field(ErrorCode::UnknownPartner, "organiserId").into());
    }
    let partner_kind = l.partner_kind.as_deref().and_then(PartnerKind::from_code);
    let subsidy = match (e.stage, e.subsidy_rate) {
        (PathStage::PaySubsidisedWork, Some(rate)) => Some(Subsidy {
            rate,
            basis: e.subsidy_basis,
            working_time_percent: e
                .working_time_percent
                .ok_or_else(|| DomainError::field(ErrorCode::Required, "subsidy.workingTimePercent"))?,
            monthly_amount: e
                .monthly_subsidy
                .ok_or_else(|| DomainError::field(ErrorCode::Required, "subsidy.monthlyAmount"))?,
            employer_kind: partner_kind
                .ok_or_else(|| DomainError::field(ErrorCode::Required, "organiserId"))?,
            unemployment: e.unemployment,
            non_business_tasks: e.non_business_tasks,
            age: Some(age_on(birth_date, e.starts_on)),
        }),
        _ => None,
    };
    let task = e.task.clone().filter(|_| e.stage == PathStage::WorkTrial);
    let draft = Episode {
        stage: e.stage,
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        organiser: Some(organiser.unwrap_or_default()),
        organiser_is_municipality: organiser.is_none() || partner_kind == Some(PartnerKind::MunicipalUnit),
        task: task.clone(),
        days_per_week: e.days_per_week,
        hours_per_day: e.hours_per_day,
        subsidy,
    };
    let others: Vec<Episode<Uuid>> =
        for_customers(tx, &[e.customer_id]).await?.iter().map(|o| o.as_domain()).collect();
    let limits = path::check(rules, &draft, &others, today, Check::Planned)?;
    // The ground recorded is the one checked: the named one, or the
    // default of the rate in the rules of the start day.
    let basis = subsidy.and_then(|s| s.basis.or_else(|| limits.default_basis(s.rate)));
    let unemployment = subsidy.map(|s| s.unemployment).unwrap_or_default();
    let row: StoredEpisode = sqlx::query_as(&format!(
        "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, ends_on, service_id, \
         organiser_partner_id, days_per_week, hours_per_day, subsidy_percent, working_time_percent, subsidy_cents, \
         subsidy_basis, unemployed_months_14, unemployed_months_28, non_business_tasks, work_trial_task, \
         rule_version, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         coalesce(app_user(), 'system')) \
         RETURNING {COLUMNS}"
    ))
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(e.customer_id)
    .bind(e.stage.code())
    .bind(e.starts_on)
    .bind(e.ends_on)
    .bind(e.service_id)
    .bind(organiser)
    .bind(e.days_per_week.map(i16::from))
    .bind(e.hours_per_day.map(i16::from))
    .bind(subsidy.map(|s| i16::from(s.rate.percent())))
    .bind(subsidy.map(|s| i16::from(s.working_time_percent)))
    .bind(subsidy.map(|s| s.monthly_amount.cents()))
    .bind(basis.map(SubsidyBasis::code))
    .bind(unemployment.of_last_14.map(i16::from))
    .bind(unemployment.of_last_28.map(i16::from))
    .bind(subsidy.and(e.non_business_tasks))
    .bind(task)
    .bind(&limits.id)
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[e.customer_id], AuditAction::Change, "service path").await?;
    Ok(row)
}

/// Ends a period early (an interruption or an earlier exit). The new end
/// lies within the period; a period is never lengthened this way, since a
/// longer one is a new decision and a new episode.
pub async fn end_early(tx: &mut Tx, episode: Uuid, ends_on: NaiveDate) -> Result<StoredEpisode, StoreError> {
    let customer: Uuid = sqlx::query_scalar("SELECT customer_id FROM path_episodes WHERE episode_id = $1")
        .bind(episode)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    lock_path(tx, customer).await?;
    let current: StoredEpisode =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM path_episodes WHERE episode_id = $1"))
            .bind(episode)
            .fetch_one(tx.conn())
            .await?;
    let Some(planned) = current.ends_on else {
        return Err(DomainError::field(ErrorCode::NotAPeriod, "endsOn").into());
    };
    if ends_on < current.starts_on || ends_on > planned {
        return Err(DomainError::field(ErrorCode::OutOfRange, "endsOn")
            .with_arg("min", current.starts_on)
            .with_arg("max", planned)
            .into());
    }
    let row: StoredEpisode = sqlx::query_as(&format!(
        "UPDATE path_episodes SET ends_on = $2, ended_early = ($2 < $3), updated_at = now() \
         WHERE episode_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(episode)
    .bind(ends_on)
    .bind(planned)
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Change, "service path").await?;
    Ok(row)
}

/// Customers moving from one stage to the next (or onto the path, with no
/// `from`), counted by the month the new stage began.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Transition {
    pub month: NaiveDate,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub customers: i64,
}

pub async fn transitions(tx: &mut Tx, from: NaiveDate, to: NaiveDate) -> Result<Vec<Transition>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT date_trunc('month', starts_on)::date AS month, from_stage, stage AS to_stage, \
                count(*) AS customers \
         FROM (SELECT stage, starts_on, \
                      lag(stage) OVER (PARTITION BY customer_id ORDER BY starts_on, created_at) AS from_stage \
               FROM path_episodes) e \
         WHERE starts_on BETWEEN $1 AND $2 \
         GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS FIRST, 3",
    )
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?)
}
