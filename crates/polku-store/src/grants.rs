//! Employment grants and the area's monthly grant amount.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::budget::{BudgetPurpose, MonthAmount};
use polku_domain::grant;
use polku_domain::path::PathRules;
use polku_domain::{DomainError, ErrorCode, Euros, PartnerKind};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct NewGrant {
    pub customer_id: Uuid,
    pub employer_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub working_time_percent: u8,
    pub subsidy_percent: u8,
    pub employer_support: String,
    /// A manager's reason to commit past the year's appropriation.
    pub budget_override: Option<String>,
}

/// A grant made: the grant, and the budget warnings its commitment crossed
/// (year, percent of the appropriation).
#[derive(Clone, Debug)]
pub struct Recorded {
    pub grant: Grant,
    pub warnings: Vec<(i32, u32)>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Grant {
    pub grant_id: Uuid,
    pub customer_id: Uuid,
    pub employer_partner_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub working_time_percent: i16,
    pub subsidy_percent: i16,
    pub employer_support: String,
    pub monthly_cents: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Grant {
    pub fn schedule(&self) -> Vec<grant::Payment> {
        grant::schedule(Euros::from_cents(self.monthly_cents), self.starts_on, self.ends_on)
    }
}

const COLUMNS: &str =
    "grant_id, customer_id, employer_partner_id, starts_on, ends_on, working_time_percent, \
    subsidy_percent, employer_support, monthly_cents, created_by, created_at";

/// Records a grant at the area's current monthly amount, after checking
/// its terms, the employer's kind, and that its pay-subsidy percent is one
/// the rules in force on its start have; its whole payment schedule is
/// committed against the employment-grant appropriation in the same
/// transaction, or the grant is not made.
pub async fn record(
    tx: &mut Tx,
    rules: &PathRules,
    g: NewGrant,
    today: NaiveDate,
) -> Result<Recorded, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM partners WHERE partner_id = $1")
        .bind(g.employer_id)
        .fetch_optional(tx.conn())
        .await?;
    let kind = kind
        .as_deref()
        .and_then(PartnerKind::from_code)
        .ok_or_else(|| DomainError::field(ErrorCode::UnknownPartner, "employerId"))?;
    let in_force = rules.in_force(g.starts_on, today).map_err(|e| e.at("startsOn"))?;
    grant::check(in_force, kind, g.working_time_percent, g.subsidy_percent, g.starts_on, g.ends_on)?;
    let row: Option<Grant> = sqlx::query_as(&format!(
        "INSERT INTO employment_grants (tenant_id, grant_id, customer_id, employer_partner_id, starts_on, ends_on, \
            working_time_percent, subsidy_percent, employer_support, monthly_cents, created_by) \
         SELECT $1, $2, c.customer_id, $4, $5, $6, $7, $8, $9, t.employment_grant_cents, coalesce(app_user(), 'system') \
         FROM customers c, tenants t WHERE c.customer_id = $3 AND t.tenant_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(g.customer_id)
    .bind(g.employer_id)
    .bind(g.starts_on)
    .bind(g.ends_on)
    .bind(i16::from(g.working_time_percent))
    .bind(i16::from(g.subsidy_percent))
    .bind(&g.employer_support)
    .fetch_optional(tx.conn())
    .await?;
    let grant = row.ok_or(StoreError::NotFound)?;
    let committed = crate::budget::commit(
        tx,
        crate::budget::NewCommitment {
            purpose: BudgetPurpose::EmploymentGrants,
            source: crate::budget::Source::Grant,
            source_id: Some(grant.grant_id),
            customer_id: Some(grant.customer_id),
            description: None,
            months: grant
                .schedule()
                .iter()
                .map(|p| MonthAmount { month: p.month, amount: p.amount })
                .collect(),
            override_reason: g.budget_override,
        },
        "budgetOverrideReason",
    )
    .await?;
    audit::record(tx, &[grant.customer_id], AuditAction::Create, "employment grant").await?;
    Ok(Recorded { grant, warnings: committed.warnings })
}

/// A customer's grants; NOT_FOUND for a customer the caller cannot see.
pub async fn for_customer(tx: &mut Tx, customer: Uuid) -> Result<Vec<Grant>, StoreError> {
    crate::customers::must_exist(tx, customer).await?;
    let list: Vec<Grant> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM employment_grants WHERE customer_id = $1 ORDER BY starts_on"
    ))
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "employment grant").await?;
    Ok(list)
}

pub async fn monthly_amount(tx: &mut Tx) -> Result<Euros, StoreError> {
    let cents: i64 =
        sqlx::query_scalar("SELECT employment_grant_cents FROM tenants WHERE tenant_id = app_tenant()")
            .fetch_one(tx.conn())
            .await?;
    Ok(Euros::from_cents(cents))
}

/// Sets the area's monthly amount for grants made from now on.
pub async fn set_monthly_amount(tx: &mut Tx, amount: Euros) -> Result<Euros, StoreError> {
    if amount <= Euros::ZERO {
        return Err(DomainError::field(ErrorCode::InvalidAmount, "amount").with_arg("value", amount).into());
    }
    let cents: i64 = sqlx::query_scalar(
        "UPDATE tenants SET employment_grant_cents = $1, updated_at = now() WHERE tenant_id = app_tenant() \
         RETURNING employment_grant_cents",
    )
    .bind(amount.cents())
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Euros::from_cents(cents))
}
