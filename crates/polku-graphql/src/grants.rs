//! The employment grant on the API: recording a grant, its monthly payment
//! schedule, the tripartite discussions held during it, and the area's
//! monthly amount.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::customer::MeetingType;
use polku_domain::{DomainError, ErrorCode, Euros, Role};
use polku_store::{grants, meetings};

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{parse_id, text};
use crate::meetings::Meeting;
use crate::ApiError;

#[derive(SimpleObject)]
pub struct GrantPayment {
    /// The first day of the month.
    month: NaiveDate,
    /// Days of the month the employment covers.
    days: i32,
    days_in_month: i32,
    /// Euros, exact to the cent, e.g. "219.35".
    amount: String,
}

pub struct EmploymentGrant(grants::Grant, Vec<(i32, u32)>);

/// A budget threshold a commitment crossed: the year and the percentage of
/// its appropriation now committed past.
#[derive(SimpleObject)]
pub struct BudgetWarning {
    year: i32,
    percent: u32,
}

impl BudgetWarning {
    pub(crate) fn new(year: i32, percent: u32) -> BudgetWarning {
        BudgetWarning { year, percent }
    }
}

#[Object]
impl EmploymentGrant {
    async fn id(&self) -> ID {
        ID(self.0.grant_id.to_string())
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    async fn employer_id(&self) -> ID {
        ID(self.0.employer_partner_id.to_string())
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    async fn ends_on(&self) -> NaiveDate {
        self.0.ends_on
    }
    async fn working_time_percent(&self) -> i32 {
        self.0.working_time_percent.into()
    }
    /// The pay-subsidy decision: 50, 70 or 100 from 1.7.2023; 30, 40, 50
    /// or 100 before.
    async fn subsidy_percent(&self) -> i32 {
        self.0.subsidy_percent.into()
    }
    async fn employer_support(&self) -> &str {
        &self.0.employer_support
    }
    async fn monthly_amount(&self) -> String {
        Euros::from_cents(self.0.monthly_cents).to_string()
    }
    /// Month by month; partial months pro rata by calendar days.
    async fn schedule(&self) -> Vec<GrantPayment> {
        self.0
            .schedule()
            .into_iter()
            .map(|p| GrantPayment {
                month: p.month,
                days: i32::try_from(p.days).unwrap_or(i32::MAX),
                days_in_month: i32::try_from(p.days_in_month).unwrap_or(i32::MAX),
                amount: p.amount.to_string(),
            })
            .collect()
    }
    /// When just made: the warning thresholds of the employment-grant
    /// appropriation its commitment crossed.
    async fn budget_warnings(&self) -> Vec<BudgetWarning> {
        self.1.iter().map(|(year, percent)| BudgetWarning { year: *year, percent: *percent }).collect()
    }
    async fn total(&self) -> String {
        Euros::from_cents(self.0.schedule().iter().map(|p| p.amount.cents()).sum()).to_string()
    }
    /// The tripartite discussions (employer, employee, job coach) held
    /// during the employment, recorded as meetings.
    async fn discussions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Meeting>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let (from, to) = (self.0.starts_on, self.0.ends_on);
        let meetings = meetings::for_customers(&mut tx, &[self.0.customer_id]).await.api()?;
        polku_store::audit::record(
            &mut tx,
            &[self.0.customer_id],
            polku_store::audit::AuditAction::Read,
            "meetings and notes",
        )
        .await
        .api()?;
        Ok(meetings
            .into_iter()
            .filter(|m| m.meeting_type == MeetingType::TripartiteDiscussion)
            .filter(|m| (from..=to).contains(&m.starts_at.date_naive()))
            .map(Meeting)
            .collect())
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(InputObject)]
pub struct EmploymentGrantInput {
    customer_id: ID,
    /// A partner organisation of kind COMPANY or THIRD_SECTOR.
    employer_id: ID,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.startsOn\")"))]
    starts_on: NaiveDate,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.endsOn\")"))]
    ends_on: NaiveDate,
    /// Over 80.
    working_time_percent: i32,
    /// The pay-subsidy decision, a rate the rules in force on `startsOn`
    /// have: 50, 70 or 100 from 1.7.2023; 30, 40, 50 or 100 before.
    subsidy_percent: i32,
    /// What the employer promises: induction, a mentor, training.
    employer_support: String,
    /// Managers only: commit past the year's employment-grant appropriation.
    budget_override_reason: Option<String>,
}

fn percent(field: &str, v: i32) -> Result<u8, ApiError> {
    u8::try_from(v).map_err(|_| {
        DomainError::field(ErrorCode::OutOfRange, field).with_arg("min", 0).with_arg("max", 100).into()
    })
}

#[derive(Default)]
pub struct GrantQuery;

#[Object]
impl GrantQuery {
    async fn employment_grants(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
    ) -> async_graphql::Result<Vec<EmploymentGrant>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let customer = parse_id(&customer_id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(grants::for_customer(&mut tx, customer)
            .await
            .api()?
            .into_iter()
            .map(|g| EmploymentGrant(g, Vec::new()))
            .collect())
    }

    /// The area's monthly grant amount for grants made now.
    async fn employment_grant_amount(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(grants::monthly_amount(&mut tx).await.api()?.to_string())
    }
}

#[derive(Default)]
pub struct GrantMutation;

#[Object]
impl GrantMutation {
    /// Records an employment grant; refused at a working time of 80 % or
    /// less, for an employer that is not a company or an association, or
    /// with a subsidy percent the rules of its start day do not have.
    async fn record_employment_grant(
        &self,
        ctx: &Context<'_>,
        input: EmploymentGrantInput,
    ) -> async_graphql::Result<EmploymentGrant> {
        let s = require(ctx, CASE_STAFF).api()?;
        let grant = (|| -> Result<grants::NewGrant, ApiError> {
            Ok(grants::NewGrant {
                customer_id: parse_id(&input.customer_id)?,
                employer_id: parse_id(&input.employer_id).map_err(|_| {
                    ApiError::from(DomainError::field(ErrorCode::UnknownPartner, "employerId"))
                })?,
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                working_time_percent: percent("workingTimePercent", input.working_time_percent)?,
                subsidy_percent: percent("subsidyPercent", input.subsidy_percent)?,
                employer_support: text("employerSupport", &input.employer_support, 4_000)?,
                budget_override: crate::budget::override_reason(
                    ctx,
                    "budgetOverrideReason",
                    input.budget_override_reason,
                )?,
            })
        })()
        .map_err(ApiError::under_input)
        .api()?;
        let rules = crate::deadlines::path_rules(ctx);
        let mut tx = s.tx().await.api()?;
        let stored = grants::record(&mut tx, rules, grant, today(ctx))
            .await
            .map_err(|e| ApiError::from(e).under_input())
            .api()?;
        Ok(EmploymentGrant(stored.grant, stored.warnings))
    }

    /// Sets the area's monthly amount (tenant administrators), e.g. "400".
    async fn set_employment_grant_amount(
        &self,
        ctx: &Context<'_>,
        amount: String,
    ) -> async_graphql::Result<String> {
        let s = require(ctx, &[Role::TenantAdmin]).api()?;
        let euros = Euros::parse(&amount)
            .map_err(|_| {
                ApiError::from(
                    DomainError::field(ErrorCode::InvalidAmount, "amount").with_arg("value", &amount),
                )
            })
            .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(grants::set_monthly_amount(&mut tx, euros).await.api()?.to_string())
    }
}
