//! Key figures on the API: the oversight view of a region's areas side by
//! side and an area manager's view of their own, month by month. Figures
//! come precomputed from `polku_store::figures` and leave here only through
//! `polku_domain::figures::publish`, so no resolver can show a small number.
//! The dashboard at `/dashboard` and outside BI tools use these same fields.

use std::collections::HashMap;

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use polku_domain::disclosure::Count as DomainCount;
use polku_domain::figures::{self as domain, Measure as DomainMeasure, Month, MonthRaw, Published};
use polku_domain::{Lang, RegionCode, Role};
use polku_store::figures::{self as store, FigureArea as StoredArea};
use uuid::Uuid;

use crate::catalogue::ServiceCategory;
use crate::context::{request, require, today};
use crate::error::ApiResult;
use crate::path::PathStage;
use crate::reference::Region;
use crate::ApiError;

pub(crate) const FIGURE_READERS: &[Role] = &[Role::Oversight, Role::Manager, Role::TenantAdmin];

/// A count as published: `value` is null when it is suppressed (1–4).
#[derive(SimpleObject, Clone, Copy)]
pub struct Count {
    value: Option<i64>,
    suppressed: bool,
}

impl From<DomainCount> for Count {
    fn from(c: DomainCount) -> Self {
        Count { value: c.shown(), suppressed: c == DomainCount::Suppressed }
    }
}

/// A rate or mean as published: suppressed when fewer than five people are
/// behind it; `value` null and not suppressed when there is nothing to measure.
#[derive(SimpleObject, Clone, Copy)]
pub struct Measure {
    value: Option<f64>,
    suppressed: bool,
}

impl From<DomainMeasure> for Measure {
    fn from(m: DomainMeasure) -> Self {
        match m {
            DomainMeasure::Value(v) => Measure { value: Some(v), suppressed: false },
            DomainMeasure::Suppressed => Measure { value: None, suppressed: true },
            DomainMeasure::None => Measure { value: None, suppressed: false },
        }
    }
}

/// One cell of a breakdown, with its label in the caller's language.
#[derive(SimpleObject)]
pub struct Cell {
    key: String,
    label: String,
    count: Count,
}

/// Places of one service category in a month.
#[derive(SimpleObject)]
pub struct ServiceUse {
    category: ServiceCategory,
    label: String,
    /// Places in use on an average day of the month.
    places_filled: Measure,
    /// Places offered by capacity-limited services on an average day; null
    /// when the category has only unlimited services.
    places_offered: Option<f64>,
    /// Filled / offered, over the capacity-limited services.
    fill_rate: Measure,
    /// Working days attended per working day in the service, over the
    /// referrals whose partner reports attendance.
    attendance_rate: Measure,
    /// What a day attended cost in euros, over the same referrals.
    cost_per_attended_day: Measure,
}

/// Closing assessments filed: a service kind and the next step its
/// organisers recommended.
#[derive(SimpleObject)]
pub struct Outcome {
    category: ServiceCategory,
    next_step: crate::partner_reports::NextStep,
    count: Count,
}

/// Customers moving from one stage of the service path to the next.
#[derive(SimpleObject)]
pub struct PathFlow {
    from: PathStage,
    to: PathStage,
    count: Count,
}

/// One month of an area. Definitions: `docs/figures.md`.
#[derive(SimpleObject)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    month: String,
    /// Customers on the last day of the month (today, for the current month).
    customers: Count,
    new_customers: Count,
    /// By benefit group.
    by_group: Vec<Cell>,
    /// By service language.
    by_language: Vec<Cell>,
    /// By age on the last day.
    by_age_band: Vec<Cell>,
    /// Share of customers in an employment-promoting service on the last day.
    activation_rate: Measure,
    /// First initial interviews held in the month.
    initial_interviews: Count,
    /// Median working days from the start of the job search to the initial interview.
    initial_interview_median_days: Measure,
    /// Share of initial interviews held by the deadline in force.
    initial_interviews_within_deadline: Measure,
    /// Share of interviewed customers whose plan is up to date on the last day.
    plan_up_to_date_rate: Measure,
    meetings: Count,
    meetings_per_customer: Measure,
    /// Mean change of the Outcome Rating Scale (0–40) from first to latest.
    ors_change_mean: Measure,
    /// Mean Session Rating Scale (0–40).
    srs_mean: Measure,
    service_use: Vec<ServiceUse>,
    /// Referrals made in the month.
    referrals: Count,
    /// Of the month's referrals answered, the share accepted.
    referral_acceptance_rate: Measure,
    transitions: Vec<PathFlow>,
    /// Exits to the open labour market, to pay-subsidised work and to education.
    exits: Vec<Cell>,
    /// Service cost per customer in euros, from the catalogue's place prices.
    cost_per_customer: Measure,
    /// Closing assessments filed in the month, by service kind and next step.
    outcomes: Vec<Outcome>,
}

/// An area whose figures the caller may see.
#[derive(SimpleObject, Clone)]
pub struct FigureArea {
    slug: String,
    /// The area's name in the caller's language, else its default language.
    name: String,
    region_code: String,
}

/// One area's months.
#[derive(SimpleObject)]
pub struct AreaFigures {
    #[graphql(flatten)]
    area: FigureArea,
    /// When the area's figures were computed.
    computed_at: Option<DateTime<Utc>>,
    months: Vec<MonthFigures>,
}

/// Figures of several areas over a period.
#[derive(SimpleObject)]
pub struct Figures {
    from: String,
    to: String,
    /// Every month of the period, `YYYY-MM`.
    months: Vec<String>,
    /// The oldest computation among the areas.
    computed_at: Option<DateTime<Utc>>,
    areas: Vec<AreaFigures>,
}

/// What the caller may ask figures for.
#[derive(SimpleObject)]
pub struct FigureScope {
    /// An oversight user of the whole country.
    whole_country: bool,
    /// Regions the caller may name: its own, every one for the whole
    /// country, none for an area's own staff.
    regions: Vec<Region>,
    areas: Vec<FigureArea>,
    /// The first month with figures, `YYYY-MM`; null before any are computed.
    first_month: Option<String>,
    /// The current month, whose figures run to today.
    last_month: Option<String>,
}

fn label(ctx: &Context<'_>, prefix: &str, key: &str) -> String {
    let r = request(ctx);
    let id = format!("figures-{prefix}-{}", key.replace('_', "-").replace('+', "-plus"));
    r.localizer.message(r.lang, &id, &[])
}

fn cells(ctx: &Context<'_>, prefix: &str, cells: Vec<domain::Cell>) -> Vec<Cell> {
    cells
        .into_iter()
        .map(|c| Cell { label: label(ctx, prefix, &c.key), key: c.key, count: c.count.into() })
        .collect()
}

fn month_figures(ctx: &Context<'_>, month: Month, p: Published) -> MonthFigures {
    MonthFigures {
        month: month.to_string(),
        customers: p.customers.into(),
        new_customers: p.new_customers.into(),
        by_group: cells(ctx, "group", p.by_group),
        by_language: cells(ctx, "lang", p.by_language),
        by_age_band: cells(ctx, "age", p.by_age_band),
        activation_rate: p.activation_rate.into(),
        initial_interviews: p.initial_interviews.into(),
        initial_interview_median_days: p.interview_median_days.into(),
        initial_interviews_within_deadline: p.interviews_within_deadline.into(),
        plan_up_to_date_rate: p.plan_up_to_date_rate.into(),
        meetings: p.meetings.into(),
        meetings_per_customer: p.meetings_per_customer.into(),
        ors_change_mean: p.ors_change_mean.into(),
        srs_mean: p.srs_mean.into(),
        service_use: p
            .service_use
            .into_iter()
            .map(|u| ServiceUse {
                category: u.category.into(),
                label: label(ctx, "category", u.category.code()),
                places_filled: u.places_filled.into(),
                places_offered: u.places_offered,
                fill_rate: u.fill_rate.into(),
                attendance_rate: u.attendance_rate.into(),
                cost_per_attended_day: u.cost_per_attended_day_euros.into(),
            })
            .collect(),
        referrals: p.referrals.into(),
        referral_acceptance_rate: p.referral_acceptance_rate.into(),
        transitions: p
            .transitions
            .into_iter()
            .map(|(from, to, count)| PathFlow { from: from.into(), to: to.into(), count: count.into() })
            .collect(),
        exits: cells(ctx, "exit", p.exits),
        cost_per_customer: p.cost_per_customer_euros.into(),
        outcomes: p
            .outcomes
            .into_iter()
            .map(|(category, step, count)| Outcome {
                category: category.into(),
                next_step: step.into(),
                count: count.into(),
            })
            .collect(),
    }
}

/// The region a figure reader holds: oversight's claim, or its own area's.
pub(crate) fn held_region(s: &crate::context::Session) -> Option<&RegionCode> {
    s.actor.region.as_ref().filter(|_| s.actor.has(Role::Oversight)).or(s.tenant.as_ref().map(|t| &t.region))
}

pub(crate) fn figure_area(lang: Lang, a: &StoredArea) -> FigureArea {
    FigureArea {
        slug: a.slug.to_string(),
        name: a.names.get(lang, a.default_language).unwrap_or(a.slug.as_str()).to_string(),
        region_code: a.region.to_string(),
    }
}

#[derive(Default)]
pub struct FigureQuery;

#[Object]
impl FigureQuery {
    /// What the caller may ask figures for: regions, areas and months.
    async fn figure_scope(&self, ctx: &Context<'_>) -> async_graphql::Result<FigureScope> {
        let s = require(ctx, FIGURE_READERS).api()?;
        let lang = request(ctx).lang;
        let mut tx = s.tx().await.api()?;
        let areas = store::areas(&mut tx).await.api()?;
        let region = s.actor.region.clone().filter(|_| s.actor.has(Role::Oversight));
        let regions = match &region {
            Some(r) => polku_store::reference::regions(&mut tx)
                .await
                .api()?
                .into_iter()
                .filter(|x| r.is_whole_country() || x.region_code == r.as_str())
                .map(Region)
                .collect(),
            None => Vec::new(),
        };
        let first = areas.iter().filter_map(|a| a.first_month).min();
        Ok(FigureScope {
            whole_country: region.as_ref().is_some_and(RegionCode::is_whole_country),
            regions,
            areas: areas.iter().map(|a| figure_area(lang, a)).collect(),
            first_month: first.map(|m| m.to_string()),
            last_month: first.map(|_| Month::of(today(ctx)).to_string()),
        })
    }

    /// Key figures per area and month, `from` to `to` (`YYYY-MM`), with
    /// small numbers suppressed. Oversight sees the areas of its region (or
    /// of `region`, which must be its own unless it oversees the whole
    /// country); an area's managers and administrators see their own.
    /// `areas` narrows the result to some areas by slug.
    async fn figures(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        region: Option<String>,
        areas: Option<Vec<String>>,
    ) -> async_graphql::Result<Figures> {
        let s = require(ctx, FIGURE_READERS).api()?;
        let lang = request(ctx).lang;
        let from = Month::parse(&from).map_err(|e| e.at("from")).api()?;
        let to = Month::parse(&to).map_err(|e| e.at("to")).api()?;
        let mut tx = s.tx().await.api()?;
        let visible = store::areas(&mut tx).await.api()?;
        let held = held_region(s);
        let question = store::FigureQuestion { from, to, region: region.as_deref(), areas: areas.as_deref() };
        let chosen =
            store::choose_areas(visible, held, question, today(ctx)).map_err(ApiError::from).api()?;

        let ids: Vec<_> = chosen.iter().map(|a| a.id).collect();
        let rows: HashMap<(Uuid, Month), MonthRaw> = store::months(&mut tx, &ids, from, to)
            .await
            .api()?
            .into_iter()
            .map(|(id, month, raw)| ((id, month), raw))
            .collect();
        let empty = MonthRaw::default();
        let months: Vec<Month> = from.through(to).collect();
        let out = chosen
            .iter()
            .map(|a| AreaFigures {
                area: figure_area(lang, a),
                computed_at: a.computed_at,
                months: months
                    .iter()
                    .map(|m| month_figures(ctx, *m, domain::publish(rows.get(&(a.id, *m)).unwrap_or(&empty))))
                    .collect(),
            })
            .collect();
        Ok(Figures {
            from: from.to_string(),
            to: to.to_string(),
            months: months.iter().map(Month::to_string).collect(),
            computed_at: chosen.iter().filter_map(|a| a.computed_at).min(),
            areas: out,
        })
    }
}
