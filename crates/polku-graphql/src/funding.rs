//! The municipality's share of unemployment benefits on the API: a
//! customer's funding-liability clock, the benefit periods staff record,
//! Kela's invoice specification imported, and the month's reconciliation
//! (what Kela billed against what Polku expected, by municipality).

use async_graphql::{Context, InputObject, Object, SimpleObject, Upload, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::disclosure;
use polku_domain::figures::Measure as DomainMeasure;
use polku_domain::figures::Month;
use polku_domain::municipal_share::{self, ShareRules};
use polku_domain::{DomainError, ErrorCode, Euros, MunicipalityCode, Role};
use polku_store::figures as figure_store;
use polku_store::funding;
use uuid::Uuid;

use crate::context::{request, require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::figures::{figure_area, held_region, Count, FigureArea, Measure, FIGURE_READERS};
use crate::input::parse_id;
use crate::reference::Municipality;
use crate::shared::{remote_enum, vault};
use crate::ApiError;

remote_enum!(
    BenefitKind,
    "polku_domain::municipal_share::Benefit",
    [LabourMarketSubsidy, BasicAllowance, EarningsRelatedAllowance]
);

const MANAGERS: &[Role] = &[Role::Manager, Role::TenantAdmin];

pub(crate) fn share_rules<'a>(ctx: &Context<'a>) -> &'a ShareRules {
    ctx.data_unchecked::<ShareRules>()
}

/// Where a customer's funding liability stands.
#[derive(SimpleObject)]
pub struct FundingClock {
    /// The rule version (see `rules/municipal-share.toml`).
    rule: String,
    /// Counted benefit days so far.
    days: u32,
    /// The municipality's percentage now; 0 before the first step.
    percent: u32,
    /// False where the percentage is not confirmed from the statute.
    verified: bool,
    next_step_from_day: Option<u32>,
    next_step_percent: Option<u32>,
    /// The day the next step starts if the benefit goes on (five benefit days a week).
    next_step_starts_on: Option<NaiveDate>,
    /// What the municipality pays for this month at today's step.
    /// Euros, exact to the cent.
    monthly_share: String,
    /// What the days rest on: INVOICE (Kela's latest specification, counted
    /// on from its month's end as if the benefit went on) or BENEFIT_PERIOD.
    based_on: String,
    /// The month of the invoice it rests on.
    invoice_month: Option<String>,
}

/// A customer's clock, or none when neither an invoice nor a recorded
/// period tells of their benefit.
pub(crate) async fn clock_of(
    ctx: &Context<'_>,
    customer: Uuid,
) -> async_graphql::Result<Option<FundingClock>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let today = today(ctx);
    let mut tx = s.tx().await.api()?;
    let facts = funding::clock_facts(&mut tx, customer).await.api()?;
    let (days, benefit, based_on, month) = match (&facts.latest_line, &facts.latest_period) {
        (Some((month, benefit, days, cumulative, paid)), _) => {
            let daily = Euros::from_cents(paid.cents() / i64::from((*days).max(1)));
            (
                municipal_share::days_by(*month, *cumulative, today),
                Some((*benefit, daily)),
                "INVOICE",
                Some(month.to_string()),
            )
        }
        (None, Some(p)) => {
            let end = p.ends_on.map_or(today, |e| e.min(today));
            let since =
                if end >= p.starts_on { municipal_share::benefit_days_between(p.starts_on, end) } else { 0 };
            let going = p.ends_on.is_none_or(|e| e >= today);
            (p.days_before + since, going.then_some((p.benefit, p.daily)), "BENEFIT_PERIOD", None)
        }
        (None, None) => return Ok(None),
    };
    let c = municipal_share::clock(share_rules(ctx), days, benefit, today).api()?;
    Ok(Some(FundingClock {
        rule: c.rule,
        days: c.days,
        percent: c.percent,
        verified: c.verified,
        next_step_from_day: c.next.as_ref().map(|n| n.from_day),
        next_step_percent: c.next.as_ref().map(|n| n.percent),
        next_step_starts_on: c.next.as_ref().map(|n| n.starts_on),
        monthly_share: c.monthly.to_string(),
        based_on: based_on.into(),
        invoice_month: month,
    }))
}

#[derive(InputObject)]
pub struct BenefitPeriodInput {
    customer_id: ID,
    benefit: BenefitKind,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    /// The daily amount, e.g. "37.21".
    daily_amount: String,
    /// Counted days before this period, as the decision says.
    #[graphql(default)]
    days_before: u32,
}

#[derive(SimpleObject)]
pub struct BenefitPeriod {
    id: ID,
    benefit: BenefitKind,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    /// Euros, exact to the cent.
    daily_amount: String,
    days_before: u32,
}

/// One refused line of an invoice file, in the caller's language.
#[derive(SimpleObject)]
pub struct InvoiceRejection {
    line: u32,
    code: String,
    field: Option<String>,
    message: String,
}

#[derive(SimpleObject)]
pub struct InvoiceReport {
    month: Option<String>,
    lines: u32,
    /// Lines of the area's own customers.
    matched: u32,
    /// Whether the invoice was written: only when no line was refused.
    imported: bool,
    rejected: Vec<InvoiceRejection>,
}

/// One municipality's part of the month's reconciliation.
#[derive(SimpleObject)]
pub struct MunicipalityReconciliation {
    municipality: String,
    lines: u32,
    /// What Kela billed, in euros exact to the cent.
    billed: String,
    /// What the rules of the month give for the same lines.
    expected: String,
    /// billed − expected.
    difference: String,
}

#[derive(SimpleObject)]
pub struct Reconciliation {
    month: String,
    imported: bool,
    billed: String,
    expected: String,
    municipalities: Vec<MunicipalityReconciliation>,
}

/// One month ahead of the area's liability.
#[derive(SimpleObject)]
pub struct LiabilityMonth {
    month: String,
    /// If every benefit on the latest invoice goes on, in euros.
    continuing: String,
    /// If people leave benefit at the area's recent rate.
    with_exits: String,
}

/// One municipality's liability.
#[derive(SimpleObject)]
pub struct MunicipalityLiability {
    municipality: String,
    /// People on the latest invoice.
    people: u32,
    /// Billed for the latest invoice's month.
    billed: String,
    /// Forecast for the next month, the next 3 and the next 12 (benefits continuing).
    next_month: String,
    next3_months: String,
    next12_months: String,
}

/// The area's funding liability: what the latest invoice billed, and the
/// months ahead under the stated assumptions.
#[derive(SimpleObject)]
pub struct FundingLiability {
    /// The latest imported invoice's month; null before any.
    based_on_month: Option<String>,
    billed: String,
    /// The share leaving benefit each month, from the last two invoices
    /// (people on the earlier not on the later); null with one invoice.
    exit_rate_percent: Option<f64>,
    /// The forecast's assumptions, in the caller's language: `continuing`,
    /// every benefit on the latest invoice goes on at the same daily amount,
    /// five days a week, its days counting into the steps; `withExits`, as
    /// that, thinned each month by the exit rate.
    assumptions: String,
    months: Vec<LiabilityMonth>,
    municipalities: Vec<MunicipalityLiability>,
}

/// Euros as published: null and suppressed where fewer than five people
/// are behind them (or where they would give such a cell away).
#[derive(SimpleObject, Clone)]
pub struct Amount {
    /// Euros, exact to the cent.
    value: Option<String>,
    suppressed: bool,
}

/// The published funding figures of one cell (an area or a municipality).
#[derive(SimpleObject)]
pub struct FundingCell {
    /// People on the latest invoice.
    people: Count,
    billed: Amount,
    /// What the rules of the month give for the same lines.
    expected: Amount,
    next_month: Amount,
    next3_months: Amount,
    next12_months: Amount,
}

/// One municipality of an area in the published funding figures.
#[derive(SimpleObject)]
pub struct MunicipalityFunding {
    municipality: Municipality,
    figures: FundingCell,
}

/// One area's published funding liability: no person, small numbers suppressed.
#[derive(SimpleObject)]
pub struct AreaFunding {
    area: FigureArea,
    /// The latest invoice's month; null before any.
    based_on_month: Option<String>,
    computed_at: Option<DateTime<Utc>>,
    total: FundingCell,
    /// People leaving benefit a month, percent, from the last two invoices.
    exit_rate_percent: Measure,
    municipalities: Vec<MunicipalityFunding>,
}

#[derive(SimpleObject)]
pub struct FundingFigures {
    /// The forecast's assumptions, in the caller's language.
    assumptions: String,
    areas: Vec<AreaFunding>,
}

fn funding_cell(people: Count, amounts: Option<Vec<i64>>) -> FundingCell {
    let at = |i: usize| Amount {
        value: amounts.as_ref().and_then(|a| a.get(i)).map(|c| Euros::from_cents(*c).to_string()),
        suppressed: amounts.is_none(),
    };
    FundingCell {
        people,
        billed: at(0),
        expected: at(1),
        next_month: at(2),
        next3_months: at(3),
        next12_months: at(4),
    }
}

#[derive(Default)]
pub struct FundingQuery;

#[Object]
impl FundingQuery {
    /// The area's liability: the latest invoice and the 12 months ahead, by
    /// municipality (managers).
    async fn funding_liability(&self, ctx: &Context<'_>) -> async_graphql::Result<FundingLiability> {
        let s = require(ctx, MANAGERS).api()?;
        let mut tx = s.tx().await.api()?;
        let assumptions = request(ctx).localizer.message(request(ctx).lang, "funding-assumptions", &[]);
        let Some(l) = funding::liability(&mut tx, share_rules(ctx), today(ctx)).await.api()? else {
            return Ok(FundingLiability {
                based_on_month: None,
                billed: Euros::ZERO.to_string(),
                exit_rate_percent: None,
                assumptions,
                months: Vec::new(),
                municipalities: Vec::new(),
            });
        };
        Ok(FundingLiability {
            based_on_month: Some(l.month.to_string()),
            billed: l.billed.to_string(),
            exit_rate_percent: l.exit_per_mille.map(|e| f64::from(e) / 10.0),
            assumptions,
            months: l
                .ahead
                .iter()
                .map(|m| LiabilityMonth {
                    month: m.month.to_string(),
                    continuing: m.continuing.to_string(),
                    with_exits: m.with_exits.to_string(),
                })
                .collect(),
            municipalities: l
                .municipalities
                .iter()
                .map(|m| MunicipalityLiability {
                    municipality: m.code.clone(),
                    people: m.people,
                    billed: m.billed.to_string(),
                    next_month: m.next(1).to_string(),
                    next3_months: m.next(3).to_string(),
                    next12_months: m.next(12).to_string(),
                })
                .collect(),
        })
    }

    /// The municipal share as oversight may see it, by area and
    /// municipality, from each area's latest invoice: people counted,
    /// euros billed, expected and forecast, with small numbers suppressed.
    /// Oversight sees its region's areas (or `region`, as for `figures`);
    /// an area's managers see their own.
    async fn funding_figures(
        &self,
        ctx: &Context<'_>,
        region: Option<String>,
        areas: Option<Vec<String>>,
    ) -> async_graphql::Result<FundingFigures> {
        let s = require(ctx, FIGURE_READERS).api()?;
        let lang = request(ctx).lang;
        let mut tx = s.tx().await.api()?;
        let visible = figure_store::areas(&mut tx).await.api()?;
        let held = held_region(s);
        let chosen = figure_store::in_scope(visible, held, region.as_deref(), areas.as_deref())
            .map_err(ApiError::from)
            .api()?;
        let ids: Vec<Uuid> = chosen.iter().map(|a| a.id).collect();
        let rows = funding::published(&mut tx, &ids).await.api()?;
        let mut codes: Vec<MunicipalityCode> =
            rows.iter().filter_map(|r| MunicipalityCode::parse(&r.municipality_code).ok()).collect();
        codes.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        codes.dedup();
        let names = polku_store::reference::municipalities_by_codes(&mut tx, &codes).await.api()?;
        let areas = chosen
            .iter()
            .map(|a| {
                let mine: Vec<&funding::PublishedRow> = rows.iter().filter(|r| r.tenant_id == a.id).collect();
                let cells = mine
                    .iter()
                    .map(|r| {
                        let amounts = vec![
                            r.billed_cents,
                            r.expected_cents,
                            r.next_month_cents,
                            r.next3_cents,
                            r.next12_cents,
                        ];
                        (r.municipality_code.as_str(), i64::from(r.people), amounts)
                    })
                    .collect();
                let (total, cells) = disclosure::amounts(cells);
                let shown = total.people.shown().is_some_and(|n| n > 0);
                let exit = mine.first().and_then(|r| r.exit_per_mille).map(|e| f64::from(e) / 10.0);
                AreaFunding {
                    area: figure_area(lang, a),
                    based_on_month: mine.first().map(|r| Month::of(r.month).to_string()),
                    computed_at: mine.first().map(|r| r.computed_at),
                    exit_rate_percent: match (exit, shown) {
                        (None, _) => DomainMeasure::None,
                        (Some(_), false) => DomainMeasure::Suppressed,
                        (Some(e), true) => DomainMeasure::Value(e),
                    }
                    .into(),
                    total: funding_cell(total.people.into(), total.amounts),
                    municipalities: cells
                        .into_iter()
                        .filter_map(|c| {
                            let m = names.iter().find(|n| n.code.as_str() == c.key)?;
                            Some(MunicipalityFunding {
                                municipality: Municipality(m.clone()),
                                figures: funding_cell(c.people.into(), c.amounts),
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(FundingFigures {
            assumptions: request(ctx).localizer.message(lang, "funding-assumptions", &[]),
            areas,
        })
    }

    /// What Kela billed the area's municipalities for `month` against what
    /// the rules of that month give for the same lines (managers).
    async fn funding_reconciliation(
        &self,
        ctx: &Context<'_>,
        month: String,
    ) -> async_graphql::Result<Reconciliation> {
        let s = require(ctx, MANAGERS).api()?;
        let month = Month::parse(&month).map_err(|e| e.at("month")).map_err(ApiError::from).api()?;
        let mut tx = s.tx().await.api()?;
        let by = funding::reconcile(&mut tx, share_rules(ctx), month, today(ctx)).await.api()?;
        let imported = by.is_some();
        let by = by.unwrap_or_default();
        let sum =
            |f: fn(&funding::Reconciled) -> Euros| Euros::from_cents(by.iter().map(|r| f(r).cents()).sum());
        Ok(Reconciliation {
            month: month.to_string(),
            imported,
            billed: sum(|r| r.billed).to_string(),
            expected: sum(|r| r.expected).to_string(),
            municipalities: by
                .iter()
                .map(|r| MunicipalityReconciliation {
                    municipality: r.code.clone(),
                    lines: r.lines,
                    billed: r.billed.to_string(),
                    expected: r.expected.to_string(),
                    difference: Euros::from_cents(r.billed.cents() - r.expected.cents()).to_string(),
                })
                .collect(),
        })
    }
}

#[derive(Default)]
pub struct FundingMutation;

#[Object]
impl FundingMutation {
    /// Imports Kela's invoice specification for one month (the format in
    /// `docs/money.md`). Every line is accounted for; a file with any
    /// refused line, or for a month already imported, writes nothing.
    async fn import_kela_invoice(
        &self,
        ctx: &Context<'_>,
        file: Upload,
    ) -> async_graphql::Result<InvoiceReport> {
        let s = require(ctx, MANAGERS).api()?;
        let vault = vault(ctx).api()?;
        let upload = file.value(ctx)?;
        let name = upload.filename.clone();
        let reader = std::io::BufReader::new(upload.into_read());
        let mut tx = s.tx().await.api()?;
        let report = polku_import::kela::import_invoice(&mut tx, vault, reader, Some(&name)).await.api()?;
        if report.invoice_id.is_some() {
            funding::publish(&mut tx, share_rules(ctx), today(ctx)).await.api()?;
        }
        let (localizer, lang) = (&request(ctx).localizer, request(ctx).lang);
        Ok(InvoiceReport {
            month: report.month.map(|m| m.to_string()),
            lines: u32::try_from(report.lines).unwrap_or(u32::MAX),
            matched: u32::try_from(report.matched).unwrap_or(u32::MAX),
            imported: report.invoice_id.is_some(),
            rejected: report
                .rejected
                .iter()
                .map(|(line, e)| InvoiceRejection {
                    line: u32::try_from(*line).unwrap_or(u32::MAX),
                    code: e.code.as_str().to_string(),
                    field: e.field.clone(),
                    message: localizer.error(lang, e),
                })
                .collect(),
        })
    }

    /// Records a customer's benefit as their decision states it.
    async fn record_benefit_period(
        &self,
        ctx: &Context<'_>,
        input: BenefitPeriodInput,
    ) -> async_graphql::Result<BenefitPeriod> {
        let s = require(ctx, CASE_STAFF).api()?;
        let new = (|| -> Result<funding::NewBenefitPeriod, ApiError> {
            let daily = Euros::parse(&input.daily_amount)
                .ok()
                .filter(|d| *d > Euros::ZERO && d.cents() < 100_000)
                .ok_or_else(|| {
                    DomainError::field(ErrorCode::InvalidAmount, "input.dailyAmount")
                        .with_arg("value", &input.daily_amount)
                })?;
            if input.ends_on.is_some_and(|e| e < input.starts_on) {
                return Err(DomainError::field(ErrorCode::InvalidDateRange, "input.endsOn").into());
            }
            if input.days_before > 5000 {
                return Err(DomainError::field(ErrorCode::OutOfRange, "input.daysBefore")
                    .with_arg("min", 0)
                    .with_arg("max", 5000)
                    .into());
            }
            Ok(funding::NewBenefitPeriod {
                customer_id: parse_id(&input.customer_id)?,
                benefit: input.benefit.into(),
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                daily,
                days_before: input.days_before,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let p = funding::record_period(&mut tx, new).await.api()?;
        Ok(BenefitPeriod {
            id: ID(p.id.to_string()),
            benefit: p.benefit.into(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            daily_amount: p.daily.to_string(),
            days_before: p.days_before,
        })
    }
}
