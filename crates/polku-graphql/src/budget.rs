//! Budget control on the API: the year's appropriations by purpose (set by
//! tenant administrators), commitments (made by grants and by managers),
//! spending recorded against them, and the manager's view by purpose and
//! month with a CSV for the area's finance system.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use polku_domain::budget::MonthAmount;
use polku_domain::figures::Month;
use polku_domain::{DomainError, ErrorCode, Euros, Role};
use polku_store::budget;
use uuid::Uuid;

use crate::context::{now, require};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id};
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    BudgetPurpose,
    "polku_domain::budget::BudgetPurpose",
    [EmploymentGrants, PaySubsidyTopUps, BoughtPlaces, Other]
);

const MANAGERS: &[Role] = &[Role::Manager, Role::TenantAdmin];
const ADMINS: &[Role] = &[Role::TenantAdmin];

/// A manager's reason to commit past an appropriation; anyone else who
/// gives one is refused on `field`.
pub(crate) fn override_reason(
    ctx: &Context<'_>,
    field: &str,
    v: Option<String>,
) -> Result<Option<String>, ApiError> {
    let reason = opt_text(field, v, 1000)?;
    if reason.is_some() && require(ctx, MANAGERS).is_err() {
        return Err(DomainError::field(ErrorCode::Forbidden, field).into());
    }
    Ok(reason)
}

fn euros(field: &str, v: &str) -> Result<Euros, ApiError> {
    Euros::parse(v)
        .ok()
        .filter(|e| *e >= Euros::ZERO)
        .ok_or_else(|| DomainError::field(ErrorCode::InvalidAmount, field).with_arg("value", v).into())
}

fn year_arg(year: i32) -> Result<i32, ApiError> {
    if (2020..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::field(ErrorCode::OutOfRange, "year")
            .with_arg("min", 2020)
            .with_arg("max", 2100)
            .into())
    }
}

#[derive(SimpleObject)]
pub struct BudgetMonth {
    /// YYYY-MM.
    month: String,
    /// Reserved and not yet spent, in euros.
    committed: String,
    spent: String,
}

#[derive(SimpleObject)]
pub struct PurposeYear {
    purpose: BudgetPurpose,
    /// Null where the area set none: the purpose is then not controlled.
    appropriation: Option<String>,
    warn_percents: Vec<u32>,
    committed: String,
    spent: String,
    /// appropriation − committed − spent.
    free: Option<String>,
    /// What the year comes to if every commitment is paid: spent + committed.
    forecast_year_end: String,
    /// committed + spent as a percentage of the appropriation.
    used_percent: Option<f64>,
    months: Vec<BudgetMonth>,
}

#[derive(SimpleObject)]
pub struct BudgetYear {
    year: i32,
    closed: bool,
    purposes: Vec<PurposeYear>,
    /// The same by purpose and month as `;`-separated text with a header,
    /// amounts with a decimal point: for the area's finance system.
    csv: String,
}

#[derive(Default)]
pub struct BudgetQuery;

#[Object]
impl BudgetQuery {
    /// The area's budget for a year: appropriation, committed, spent and
    /// free by purpose and month (managers and administrators).
    async fn budget(&self, ctx: &Context<'_>, year: i32) -> async_graphql::Result<BudgetYear> {
        let s = require(ctx, MANAGERS).api()?;
        let year = year_arg(year).api()?;
        let mut tx = s.tx().await.api()?;
        let (closed, views) = budget::overview(&mut tx, year).await.api()?;
        let mut csv = String::from("vuosi;tarkoitus;kuukausi;maararaha;sidottu;maksettu\n");
        let mut purposes = Vec::new();
        for v in views {
            let appropriation = v.appropriation.map(|a| a.to_string()).unwrap_or_default();
            for m in &v.months {
                csv.push_str(&format!(
                    "{year};{};{};{appropriation};{};{}\n",
                    v.purpose.code(),
                    Month::of(m.month),
                    m.committed,
                    m.spent
                ));
            }
            let used = v.committed.cents() + v.spent.cents();
            purposes.push(PurposeYear {
                purpose: v.purpose.into(),
                appropriation: v.appropriation.map(|a| a.to_string()),
                warn_percents: v.warn_percents.clone(),
                committed: v.committed.to_string(),
                spent: v.spent.to_string(),
                free: v.appropriation.map(|a| Euros::from_cents(a.cents() - used).to_string()),
                forecast_year_end: Euros::from_cents(used).to_string(),
                #[expect(clippy::cast_precision_loss, reason = "a percentage shown to one decimal")]
                used_percent: v
                    .appropriation
                    .filter(|a| a.cents() > 0)
                    .map(|a| (used as f64 * 1000.0 / a.cents() as f64).round() / 10.0),
                months: v
                    .months
                    .iter()
                    .map(|m| BudgetMonth {
                        month: Month::of(m.month).to_string(),
                        committed: m.committed.to_string(),
                        spent: m.spent.to_string(),
                    })
                    .collect(),
            });
        }
        Ok(BudgetYear { year, closed, purposes, csv })
    }
}

#[derive(InputObject)]
pub struct MonthAmountInput {
    /// YYYY-MM.
    month: String,
    amount: String,
}

#[derive(InputObject)]
pub struct CommitmentInput {
    purpose: BudgetPurpose,
    description: String,
    months: Vec<MonthAmountInput>,
    /// Go past the appropriation, with the reason kept.
    override_reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct CommitmentMade {
    id: ID,
    overridden: bool,
    /// The thresholds crossed, as (year, percent) pairs.
    warnings: Vec<crate::grants::BudgetWarning>,
}

#[derive(Default)]
pub struct BudgetMutation;

#[Object]
impl BudgetMutation {
    /// Sets a year's appropriation for a purpose (tenant administrators);
    /// never below what is already committed and spent.
    async fn set_appropriation(
        &self,
        ctx: &Context<'_>,
        year: i32,
        purpose: BudgetPurpose,
        amount: String,
        #[graphql(default_with = "vec![75, 90]")] warn_percents: Vec<u32>,
        #[graphql(desc = "Staff told of warnings and overrides besides the one setting it.")]
        watcher_ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<bool> {
        let s = require(ctx, ADMINS).api()?;
        let (year, amount) = (|| -> Result<_, ApiError> {
            if warn_percents.len() > 5 || warn_percents.iter().any(|w| !(1..=100).contains(w)) {
                return Err(DomainError::field(ErrorCode::OutOfRange, "warnPercents")
                    .with_arg("min", 1)
                    .with_arg("max", 100)
                    .into());
            }
            Ok((year_arg(year)?, euros("amount", &amount)?))
        })()
        .api()?;
        let watchers = watcher_ids
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Uuid::parse_str(w.as_str()).map_err(|_| {
                    ApiError::from(DomainError::field(ErrorCode::UnknownStaff, format!("watcherIds[{i}]")))
                })
            })
            .collect::<Result<Vec<Uuid>, ApiError>>()
            .api()?;
        let mut tx = s.tx().await.api()?;
        budget::set_appropriation(&mut tx, year, purpose.into(), amount, &warn_percents, &watchers)
            .await
            .api()?;
        Ok(true)
    }

    /// Closes a budget year: nothing more may be committed in it.
    async fn close_budget_year(&self, ctx: &Context<'_>, year: i32) -> async_graphql::Result<bool> {
        let s = require(ctx, ADMINS).api()?;
        let year = year_arg(year).api()?;
        let mut tx = s.tx().await.api()?;
        budget::close_year(&mut tx, year).await.api()?;
        Ok(true)
    }

    /// A manager's commitment by hand (a municipal top-up, another cost),
    /// month by month.
    async fn commit_budget(
        &self,
        ctx: &Context<'_>,
        input: CommitmentInput,
    ) -> async_graphql::Result<CommitmentMade> {
        let s = require(ctx, MANAGERS).api()?;
        let new = (|| -> Result<budget::NewCommitment, ApiError> {
            let mut months = Vec::new();
            for (i, m) in input.months.iter().enumerate() {
                let month = Month::parse(&m.month).map_err(|e| e.at(&format!("input.months[{i}].month")))?;
                let amount = euros(&format!("input.months[{i}].amount"), &m.amount)?;
                months.push(MonthAmount { month: month.first_day(), amount });
            }
            if months.is_empty() {
                return Err(DomainError::field(ErrorCode::Required, "input.months").into());
            }
            months.sort_by_key(|m| m.month);
            Ok(budget::NewCommitment {
                purpose: input.purpose.into(),
                source: budget::Source::Manual,
                source_id: None,
                customer_id: None,
                description: Some(crate::input::text("input.description", &input.description, 500)?),
                months,
                override_reason: override_reason(ctx, "input.overrideReason", input.override_reason)?,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let made = budget::commit(&mut tx, new, "input.months").await.api()?;
        Ok(CommitmentMade {
            id: ID(made.id.to_string()),
            overridden: made.overridden,
            warnings: made.warnings.iter().map(|(y, p)| crate::grants::BudgetWarning::new(*y, *p)).collect(),
        })
    }

    /// Releases a commitment: what was not spent is free again.
    async fn release_commitment(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        budget::release(&mut tx, id, now(ctx)).await.api()?;
        Ok(true)
    }

    /// Records what was paid of a commitment in a month.
    async fn record_spending(
        &self,
        ctx: &Context<'_>,
        commitment_id: ID,
        month: String,
        amount: String,
    ) -> async_graphql::Result<bool> {
        let s = require(ctx, MANAGERS).api()?;
        let (id, month, amount) = (|| -> Result<_, ApiError> {
            Ok((
                parse_id(&commitment_id)?,
                Month::parse(&month).map_err(|e| e.at("month"))?,
                euros("amount", &amount)?,
            ))
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        budget::record_spending(&mut tx, id, month.first_day(), amount).await.api()?;
        Ok(true)
    }
}
