//! The jobseeker's duties as case records: vacancies assigned to be applied
//! for, neglects with the consequence the rule of their day stated, and the
//! job-search profile. Every read and change is audited.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::neglect::{self, Consequence, NeglectKind, NeglectRules};
use polku_domain::{DomainError, ErrorCode};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Vacancy {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub title: String,
    pub reference: Option<String>,
    pub assigned_on: NaiveDate,
    pub apply_by: NaiveDate,
    pub applied_on: Option<NaiveDate>,
    pub assigned_by: String,
}

type VacancyRow = (Uuid, Uuid, String, Option<String>, NaiveDate, NaiveDate, Option<NaiveDate>, String);

const VACANCY: &str =
    "assignment_id, customer_id, title, reference, assigned_on, apply_by, applied_on, assigned_by";

fn vacancy(
    (id, customer_id, title, reference, assigned_on, apply_by, applied_on, assigned_by): VacancyRow,
) -> Vacancy {
    Vacancy { id, customer_id, title, reference, assigned_on, apply_by, applied_on, assigned_by }
}

/// A vacancy as the coach assigns it; `title` and `reference` are trimmed
/// and bounded by the caller's input parsing.
#[derive(Clone, Debug)]
pub struct NewVacancy {
    pub customer_id: Uuid,
    pub title: String,
    pub reference: Option<String>,
    pub assigned_on: NaiveDate,
    pub apply_by: NaiveDate,
}

/// The customer's job-search start, or NO_JOB_SEARCH: duties belong to a
/// job search.
async fn job_search_start(tx: &mut Tx, customer: Uuid) -> Result<NaiveDate, StoreError> {
    let start: Option<Option<NaiveDate>> =
        sqlx::query_scalar("SELECT job_search_started_on FROM customers WHERE customer_id = $1")
            .bind(customer)
            .fetch_optional(tx.conn())
            .await?;
    start
        .ok_or(StoreError::NotFound)?
        .ok_or_else(|| DomainError::field(ErrorCode::NoJobSearch, "customerId").into())
}

pub async fn assign_vacancy(tx: &mut Tx, v: NewVacancy) -> Result<Vacancy, StoreError> {
    if v.apply_by < v.assigned_on {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "input.applyBy").into());
    }
    job_search_start(tx, v.customer_id).await?;
    let row: VacancyRow = sqlx::query_as(&format!(
        "INSERT INTO vacancy_assignments (tenant_id, assignment_id, customer_id, title, reference, assigned_on, \
         apply_by, assigned_by) VALUES (app_tenant(), $1, $2, $3, $4, $5, $6, app_user()) RETURNING {VACANCY}"
    ))
    .bind(Uuid::now_v7())
    .bind(v.customer_id)
    .bind(&v.title)
    .bind(&v.reference)
    .bind(v.assigned_on)
    .bind(v.apply_by)
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[v.customer_id], AuditAction::Create, "vacancy assignment").await?;
    Ok(vacancy(row))
}

/// Records the day the customer applied; not before the assignment, not in
/// the future.
pub async fn record_application(
    tx: &mut Tx,
    id: Uuid,
    applied_on: NaiveDate,
    today: NaiveDate,
) -> Result<Vacancy, StoreError> {
    if applied_on > today {
        return Err(DomainError::field(ErrorCode::DateInFuture, "appliedOn").into());
    }
    let row: Option<VacancyRow> = sqlx::query_as(&format!(
        "UPDATE vacancy_assignments SET applied_on = $2 WHERE assignment_id = $1 AND $2 >= assigned_on \
         RETURNING {VACANCY}"
    ))
    .bind(id)
    .bind(applied_on)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM vacancy_assignments WHERE assignment_id = $1)")
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
        return Err(if exists {
            DomainError::field(ErrorCode::InvalidDateRange, "appliedOn").into()
        } else {
            StoreError::NotFound
        });
    };
    let v = vacancy(row);
    audit::record(tx, &[v.customer_id], AuditAction::Change, "vacancy assignment").await?;
    Ok(v)
}

/// The vacancies assigned to these customers, oldest first. The caller
/// audits the read.
pub async fn vacancies_for(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<Vacancy>, StoreError> {
    let rows: Vec<VacancyRow> = sqlx::query_as(&format!(
        "SELECT {VACANCY} FROM vacancy_assignments WHERE customer_id = ANY($1) ORDER BY assigned_on, assignment_id"
    ))
    .bind(customers)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(vacancy).collect())
}

#[derive(Clone, Debug)]
pub struct Neglect {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: NeglectKind,
    pub occurred_on: NaiveDate,
    pub assignment_id: Option<Uuid>,
    pub note: Option<String>,
    pub assessment: neglect::Assessment,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewNeglect {
    pub customer_id: Uuid,
    pub kind: NeglectKind,
    pub occurred_on: NaiveDate,
    pub assignment_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NeglectRow {
    neglect_id: Uuid,
    customer_id: Uuid,
    kind: String,
    occurred_on: NaiveDate,
    assignment_id: Option<Uuid>,
    note: Option<String>,
    rule: String,
    ordinal: i32,
    consequence: String,
    consequence_days: Option<i32>,
    consequence_weeks: Option<i32>,
    period_from: NaiveDate,
    period_until: NaiveDate,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

const NEGLECT: &str =
    "neglect_id, customer_id, kind, occurred_on, assignment_id, note, rule, ordinal, consequence, \
     consequence_days, consequence_weeks, period_from, period_until, recorded_by, recorded_at";

impl From<NeglectRow> for Neglect {
    fn from(r: NeglectRow) -> Self {
        // The CHECK constraints admit only these values.
        let consequence = match r.consequence.as_str() {
            "waiting_period" => Consequence::WaitingPeriod {
                days: u32::try_from(r.consequence_days.unwrap_or(0)).unwrap_or(0),
            },
            "work_requirement" => Consequence::WorkRequirement {
                weeks: u32::try_from(r.consequence_weeks.unwrap_or(0)).unwrap_or(0),
            },
            _ => Consequence::Reminder,
        };
        Neglect {
            id: r.neglect_id,
            customer_id: r.customer_id,
            kind: NeglectKind::from_code(&r.kind).unwrap_or(NeglectKind::Other),
            occurred_on: r.occurred_on,
            assignment_id: r.assignment_id,
            note: r.note,
            assessment: neglect::Assessment {
                rule: r.rule,
                ordinal: u32::try_from(r.ordinal).unwrap_or(0).max(1),
                consequence,
                period_from: r.period_from,
                period_until: r.period_until,
            },
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        }
    }
}

/// Records a neglect with the consequence the rule of its day states,
/// counted with the customer's earlier neglects. A neglect belongs to a job
/// search: none before it began, none for a customer without one.
pub async fn record_neglect(
    tx: &mut Tx,
    rules: &NeglectRules,
    n: NewNeglect,
    today: NaiveDate,
) -> Result<Neglect, StoreError> {
    let start = job_search_start(tx, n.customer_id).await?;
    if n.occurred_on < start {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "input.occurredOn").into());
    }
    let earlier: Vec<NaiveDate> =
        sqlx::query_scalar("SELECT occurred_on FROM neglects WHERE customer_id = $1")
            .bind(n.customer_id)
            .fetch_all(tx.conn())
            .await?;
    // The domain names the field `occurredOn`; the caller gave it in `input`.
    let a = neglect::assess(rules, &earlier, n.occurred_on, today)
        .map_err(|e| StoreError::Domain(e.at("input")))?;
    let (kind, days, weeks) = match a.consequence {
        Consequence::Reminder => ("reminder", None, None),
        Consequence::WaitingPeriod { days } => {
            ("waiting_period", Some(i32::try_from(days).unwrap_or(i32::MAX)), None)
        }
        Consequence::WorkRequirement { weeks } => {
            ("work_requirement", None, Some(i32::try_from(weeks).unwrap_or(i32::MAX)))
        }
    };
    let row: NeglectRow = sqlx::query_as(&format!(
        "INSERT INTO neglects (tenant_id, neglect_id, customer_id, kind, occurred_on, assignment_id, note, rule, \
         ordinal, consequence, consequence_days, consequence_weeks, period_from, period_until, recorded_by) \
         VALUES (app_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, app_user()) RETURNING {NEGLECT}"
    ))
    .bind(Uuid::now_v7())
    .bind(n.customer_id)
    .bind(n.kind.code())
    .bind(n.occurred_on)
    .bind(n.assignment_id)
    .bind(&n.note)
    .bind(&a.rule)
    .bind(i32::try_from(a.ordinal).unwrap_or(i32::MAX))
    .bind(kind)
    .bind(days)
    .bind(weeks)
    .bind(a.period_from)
    .bind(a.period_until)
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[n.customer_id], AuditAction::Create, "neglect").await?;
    Ok(Neglect::from(row))
}

/// A customer's neglects, oldest first; audited as a read.
pub async fn neglects_of(tx: &mut Tx, customer: Uuid) -> Result<Vec<Neglect>, StoreError> {
    let rows: Vec<NeglectRow> = sqlx::query_as(&format!(
        "SELECT {NEGLECT} FROM neglects WHERE customer_id = $1 ORDER BY occurred_on, neglect_id"
    ))
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "neglects").await?;
    Ok(rows.into_iter().map(Neglect::from).collect())
}

/// Who published the job-search profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileBy {
    Customer,
    Authority,
}

impl ProfileBy {
    fn code(self) -> &'static str {
        match self {
            ProfileBy::Customer => "customer",
            ProfileBy::Authority => "authority",
        }
    }
}

/// Records the day the customer's job-search profile was published.
pub async fn record_profile(
    tx: &mut Tx,
    customer: Uuid,
    published_on: NaiveDate,
    by: ProfileBy,
    today: NaiveDate,
) -> Result<(), StoreError> {
    if published_on > today {
        return Err(DomainError::field(ErrorCode::DateInFuture, "publishedOn").into());
    }
    job_search_start(tx, customer).await?;
    sqlx::query(
        "UPDATE customers SET profile_published_on = $2, profile_published_by = $3 WHERE customer_id = $1",
    )
    .bind(customer)
    .bind(published_on)
    .bind(by.code())
    .execute(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Change, "job-search profile").await?;
    Ok(())
}

/// When the customer's profile was published, and by whom.
pub async fn profile_of(tx: &mut Tx, customer: Uuid) -> Result<Option<(NaiveDate, ProfileBy)>, StoreError> {
    let row: Option<(Option<NaiveDate>, Option<String>)> = sqlx::query_as(
        "SELECT profile_published_on, profile_published_by FROM customers WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.and_then(|(on, by)| {
        let by = if by.as_deref() == Some("authority") { ProfileBy::Authority } else { ProfileBy::Customer };
        on.map(|on| (on, by))
    }))
}
