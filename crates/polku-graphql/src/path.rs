//! The service path and the area's service promises on the API: episodes
//! checked against the legal limits in force on their start, a customer's
//! path as one timeline, transitions between stages per month, and the
//! promises that make deadlines stricter than the statute.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::path::{SubsidyRate, Unemployment};
use polku_domain::{DomainError, ErrorCode, Euros, Role};
use polku_store::{path, promises};

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id};
use crate::reference::{all_texts, parse_texts, pick, LocalizedString, LocalizedStringInput};
use crate::ApiError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::path::PathStage")]
pub enum PathStage {
    RehabilitativeWork,
    WorkTrial,
    PaySubsidisedWork,
    OpenMarket,
    Education,
    OtherExit,
}

/// The ground of a pay-subsidy decision (palkkatuen peruste / grund för
/// lönesubvention), and the employment subsidy for those aged 55 or over,
/// a subsidy of its own kind. Which grounds and rates exist depends on the
/// rules in force on the start (docs/path.md).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::path::SubsidyBasis")]
pub enum SubsidyBasis {
    /// Reduced professional skills: 50 % (30, 40 or 50 % before 1.7.2023);
    /// from 1.1.2025 not for a municipality as employer.
    ReducedSkills,
    /// Reduced work ability: 70 % (50 % before 1.7.2023), 24 months at a time.
    ReducedWorkAbility,
    /// A long-term unemployed person aged 60 or over, 24 months at a time.
    LongTermUnemployed60,
    /// 100 %: an association, foundation or registered religious community,
    /// non-business tasks, work of at most 65 % of full time.
    NonProfit,
    /// Työllistämistuki 55 vuotta täyttäneille (from 1.7.2023): 70 %, 10 months.
    EmploymentSubsidy55,
}

/// A pay-subsidy decision.
#[derive(SimpleObject)]
pub struct SubsidyDecision {
    /// 30, 40, 50, 70 or 100, as the rules of the start day allow.
    rate_percent: i32,
    /// The ground; null on episodes recorded before grounds were kept.
    basis: Option<SubsidyBasis>,
    working_time_percent: i32,
    /// Euros a month, e.g. "1260.00".
    monthly_amount: String,
    unemployed_months_of_last14: Option<i32>,
    unemployed_months_of_last28: Option<i32>,
    non_business_tasks: Option<bool>,
}

pub struct PathEpisode(pub path::StoredEpisode);

#[Object]
impl PathEpisode {
    async fn id(&self) -> ID {
        ID(self.0.episode_id.to_string())
    }
    async fn stage(&self) -> PathStage {
        self.0.stage().into()
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// The planned or actual end of a period; null for an exit.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// The period ended before its planned end.
    async fn ended_early(&self) -> bool {
        self.0.ended_early
    }
    async fn service_id(&self) -> Option<ID> {
        self.0.service_id.map(|s| ID(s.to_string()))
    }
    async fn referral_id(&self) -> Option<ID> {
        self.0.referral_id.map(|s| ID(s.to_string()))
    }
    /// A work trial's organiser or a subsidised job's employer; null when
    /// the area itself organises.
    async fn organiser_id(&self) -> Option<ID> {
        self.0.organiser_partner_id.map(|s| ID(s.to_string()))
    }
    async fn days_per_week(&self) -> Option<i32> {
        self.0.days_per_week.map(i32::from)
    }
    async fn hours_per_day(&self) -> Option<i32> {
        self.0.hours_per_day.map(i32::from)
    }
    async fn subsidy(&self) -> Option<SubsidyDecision> {
        let e = &self.0;
        Some(SubsidyDecision {
            rate_percent: e.subsidy_percent?.into(),
            basis: e.subsidy_basis().map(Into::into),
            working_time_percent: e.working_time_percent?.into(),
            monthly_amount: Euros::from_cents(e.subsidy_cents?).to_string(),
            unemployed_months_of_last14: e.unemployed_months_14.map(i32::from),
            unemployed_months_of_last28: e.unemployed_months_28.map(i32::from),
            non_business_tasks: e.non_business_tasks,
        })
    }
    /// A work trial's task (työtehtävä / arbetsuppgift): with a municipality
    /// as organiser the 6-month limit is counted per task.
    async fn task(&self) -> Option<&str> {
        self.0.work_trial_task.as_deref()
    }
    /// The version of the legal limits it was checked against.
    async fn rule_version(&self) -> &str {
        &self.0.rule_version
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A customer's service path, oldest first (audited as a read).
pub(crate) async fn timeline(
    ctx: &Context<'_>,
    customer: uuid::Uuid,
) -> async_graphql::Result<Vec<PathEpisode>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(path::timeline(&mut tx, customer).await.api()?.into_iter().map(PathEpisode).collect())
}

#[derive(InputObject)]
pub struct SubsidyInput {
    /// A rate the rules in force on `startsOn` have: 50, 70 or 100 from
    /// 1.7.2023; 30, 40, 50 or 100 from 1.1.2017 to 30.6.2023.
    rate_percent: i32,
    /// The ground; when absent, the rate's usual one (30/40/50 % reduced
    /// skills, 70 % reduced work ability, 100 % non-profit).
    basis: Option<SubsidyBasis>,
    working_time_percent: i32,
    /// Euros a month, e.g. "1260" or "1 260,00".
    monthly_amount: String,
    /// Months of unemployment in the 14 months before the decision: 12 or
    /// more give the 10-month reduced-skills subsidy (and, before 1.7.2023,
    /// the 40 %); the long-term unemployed 60+ ground needs 12.
    unemployed_months_of_last14: Option<i32>,
    /// Months of unemployment in the 28 months before the decision: the 100 %
    /// subsidy and the 55+ employment subsidy need 24.
    unemployed_months_of_last28: Option<i32>,
    /// For the 100 % subsidy: the tasks are not business activity.
    non_business_tasks: Option<bool>,
}

#[derive(InputObject)]
pub struct PathEpisodeInput {
    customer_id: ID,
    stage: PathStage,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.startsOn\")"))]
    starts_on: NaiveDate,
    /// Required for a period (rehabilitative work, work trial, subsidised
    /// work); absent for an exit.
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.endsOn\")"))]
    ends_on: Option<NaiveDate>,
    /// The catalogue service; its category must match the stage.
    service_id: Option<ID>,
    /// A work trial's organiser or a subsidised job's employer (a partner);
    /// defaults to the service's provider. None for a work trial the area
    /// (a municipality) organises itself.
    organiser_id: Option<ID>,
    /// A work trial's task. With a municipality as organiser (the area, or
    /// a MUNICIPAL_UNIT partner) the 6-month limit is per task; a trial
    /// without a task counts as being in every task. Ignored for other stages.
    task: Option<String>,
    days_per_week: Option<i32>,
    hours_per_day: Option<i32>,
    subsidy: Option<SubsidyInput>,
}

fn small(field: &str, v: Option<i32>) -> Result<Option<u8>, ApiError> {
    v.map(|v| {
        u8::try_from(v).map_err(|_| {
            DomainError::field(ErrorCode::OutOfRange, field).with_arg("min", 0).with_arg("max", 255).into()
        })
    })
    .transpose()
}

impl PathEpisodeInput {
    fn parse(self) -> Result<path::NewEpisode, ApiError> {
        let subsidy = self
            .subsidy
            .map(|s| -> Result<_, ApiError> {
                let rate = SubsidyRate::from_percent(i64::from(s.rate_percent))
                    .map_err(|e| e.at("subsidy.ratePercent"))?;
                let amount = Euros::parse(&s.monthly_amount).map_err(|_| {
                    DomainError::field(ErrorCode::InvalidAmount, "subsidy.monthlyAmount")
                        .with_arg("value", &s.monthly_amount)
                })?;
                let time = small("subsidy.workingTimePercent", Some(s.working_time_percent))?;
                let unemployment = Unemployment::parse(
                    s.unemployed_months_of_last14.map(i64::from),
                    s.unemployed_months_of_last28.map(i64::from),
                )?;
                Ok((rate, time, amount, s.basis.map(Into::into), unemployment, s.non_business_tasks))
            })
            .transpose()?;
        let task = opt_text("task", self.task, 200)?;
        Ok(path::NewEpisode {
            customer_id: parse_id(&self.customer_id)?,
            stage: self.stage.into(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            service_id: self
                .service_id
                .as_ref()
                .map(|id| {
                    parse_id(id).map_err(|_| {
                        ApiError::from(DomainError::field(ErrorCode::UnknownService, "serviceId"))
                    })
                })
                .transpose()?,
            organiser_partner_id: self
                .organiser_id
                .as_ref()
                .map(|id| {
                    parse_id(id).map_err(|_| {
                        ApiError::from(DomainError::field(ErrorCode::UnknownPartner, "organiserId"))
                    })
                })
                .transpose()?,
            days_per_week: small("daysPerWeek", self.days_per_week)?,
            hours_per_day: small("hoursPerDay", self.hours_per_day)?,
            subsidy_rate: subsidy.map(|s| s.0),
            subsidy_basis: subsidy.and_then(|s| s.3),
            working_time_percent: subsidy.and_then(|s| s.1),
            monthly_subsidy: subsidy.map(|s| s.2),
            unemployment: subsidy.map(|s| s.4).unwrap_or_default(),
            non_business_tasks: subsidy.and_then(|s| s.5),
            task,
        })
    }
}

/// An area's promise beyond the statute.
pub struct ServicePromise(pub promises::Promise);

#[Object]
impl ServicePromise {
    async fn id(&self) -> ID {
        ID(self.0.promise_id.to_string())
    }
    /// Obligations it sets name it "promise:<label>".
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn description(&self, ctx: &Context<'_>) -> Option<String> {
        pick(ctx, &self.0.descriptions)
    }
    async fn descriptions(&self) -> Vec<LocalizedString> {
        all_texts(&self.0.descriptions)
    }
    async fn min_age(&self) -> Option<i32> {
        self.0.min_age.map(i32::from)
    }
    async fn max_age(&self) -> Option<i32> {
        self.0.max_age.map(i32::from)
    }
    async fn interview_working_days(&self) -> Option<i32> {
        self.0.interview_working_days.map(i32::from)
    }
    async fn discussion_interval_days(&self) -> Option<i32> {
        self.0.discussion_interval_days.map(i32::from)
    }
    async fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }
    async fn effective_until(&self) -> Option<NaiveDate> {
        self.0.effective_until
    }
}

#[derive(InputObject)]
pub struct ServicePromiseInput {
    /// Lower-case letters, digits and dashes, e.g. "under-30".
    label: String,
    descriptions: Vec<LocalizedStringInput>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    /// The initial interview within this many working days (1–30).
    interview_working_days: Option<i32>,
    /// A discussion at least this often, in days (1–92).
    discussion_interval_days: Option<i32>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.effectiveFrom\")"))]
    effective_from: NaiveDate,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.effectiveUntil\")"))]
    effective_until: Option<NaiveDate>,
}

fn ranged(field: &str, v: Option<i32>, min: i32, max: i32) -> Result<Option<i16>, ApiError> {
    match v {
        Some(v) if !(min..=max).contains(&v) => Err(DomainError::field(ErrorCode::OutOfRange, field)
            .with_arg("min", min)
            .with_arg("max", max)
            .into()),
        v => Ok(v.map(|v| i16::try_from(v).unwrap_or(i16::MAX))),
    }
}

impl ServicePromiseInput {
    fn parse(self, ctx: &Context<'_>) -> Result<promises::NewPromise, ApiError> {
        let label_ok = {
            let mut chars = self.label.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && self.label.len() <= 63
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !label_ok {
            return Err(DomainError::field(ErrorCode::InvalidSlug, "label")
                .with_arg("value", &self.label)
                .into());
        }
        let min_age = ranged("minAge", self.min_age, 15, 99)?;
        let max_age = ranged("maxAge", self.max_age, 15, 99)?;
        if let (Some(min), Some(max)) = (min_age, max_age) {
            if max < min {
                return Err(DomainError::field(ErrorCode::OutOfRange, "maxAge")
                    .with_arg("min", min)
                    .with_arg("max", 99)
                    .into());
            }
        }
        let interview = ranged("interviewWorkingDays", self.interview_working_days, 1, 30)?;
        let interval = ranged("discussionIntervalDays", self.discussion_interval_days, 1, 92)?;
        if interview.is_none() && interval.is_none() {
            return Err(DomainError::field(ErrorCode::Required, "discussionIntervalDays").into());
        }
        if self.effective_until.is_some_and(|u| u < self.effective_from) {
            return Err(DomainError::field(ErrorCode::InvalidDateRange, "effectiveUntil").into());
        }
        let enabled = crate::catalogue::tenant_languages(ctx)?;
        Ok(promises::NewPromise {
            descriptions: parse_texts("descriptions", self.descriptions, &enabled, 2_000)?,
            label: self.label,
            min_age,
            max_age,
            interview_working_days: interview,
            discussion_interval_days: interval,
            effective_from: self.effective_from,
            effective_until: self.effective_until,
        })
    }
}

/// Customers moving between stages in a month (`from` null: onto the path).
#[derive(SimpleObject)]
pub struct PathTransition {
    /// The first day of the month.
    month: NaiveDate,
    from: Option<PathStage>,
    to: PathStage,
    customers: i32,
}

const MANAGERS: &[Role] = &[Role::Manager, Role::TenantAdmin];

#[derive(Default)]
pub struct PathQuery;

#[Object]
impl PathQuery {
    /// The area's service promises, newest first.
    async fn service_promises(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ServicePromise>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(promises::list(&mut tx).await.api()?.into_iter().map(ServicePromise).collect())
    }

    /// Transitions between service-path stages per month, for the area's
    /// managers (counts only).
    async fn path_transitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(custom = "crate::input::UsableDate(\"from\")"))] from: NaiveDate,
        #[graphql(validator(custom = "crate::input::UsableDate(\"to\")"))] to: NaiveDate,
    ) -> async_graphql::Result<Vec<PathTransition>> {
        let s = require(ctx, MANAGERS).api()?;
        if to < from {
            return Err(ApiError::from(DomainError::field(ErrorCode::InvalidDateRange, "to")).into_graphql());
        }
        let mut tx = s.tx().await.api()?;
        let stage = |s: &str| polku_domain::path::PathStage::from_code(s).map(PathStage::from);
        Ok(path::transitions(&mut tx, from, to)
            .await
            .api()?
            .into_iter()
            .filter_map(|t| {
                Some(PathTransition {
                    month: t.month,
                    from: t.from_stage.as_deref().and_then(stage),
                    to: stage(&t.to_stage)?,
                    customers: i32::try_from(t.customers).unwrap_or(i32::MAX),
                })
            })
            .collect())
    }
}

#[derive(Default)]
pub struct PathMutation;

#[Object]
impl PathMutation {
    /// Records an episode of a customer's service path, refused with a
    /// localised error naming the field when it breaks a legal limit or
    /// overlaps another period.
    async fn add_path_episode(
        &self,
        ctx: &Context<'_>,
        input: PathEpisodeInput,
    ) -> async_graphql::Result<PathEpisode> {
        let s = require(ctx, CASE_STAFF).api()?;
        let episode = input.parse().map_err(ApiError::under_input).api()?;
        let rules = crate::deadlines::path_rules(ctx);
        let mut tx = s.tx().await.api()?;
        let stored = path::add(&mut tx, rules, episode, today(ctx))
            .await
            .map_err(|e| ApiError::from(e).under_input())
            .api()?;
        Ok(PathEpisode(stored))
    }

    /// Ends a period before its planned end (an interruption, or an exit
    /// sooner than planned).
    async fn end_path_episode_early(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(validator(custom = "crate::input::UsableDate(\"endsOn\")"))] ends_on: NaiveDate,
    ) -> async_graphql::Result<PathEpisode> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(PathEpisode(path::end_early(&mut tx, id, ends_on).await.api()?))
    }

    /// Sets a promise stricter than the statute for some customers, e.g.
    /// every customer under 30 meets a coach every 14 days.
    async fn create_service_promise(
        &self,
        ctx: &Context<'_>,
        input: ServicePromiseInput,
    ) -> async_graphql::Result<ServicePromise> {
        let s = require(ctx, MANAGERS).api()?;
        let promise = input.parse(ctx).map_err(ApiError::under_input).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(ServicePromise(
            promises::create(&mut tx, promise).await.map_err(|e| ApiError::from(e).under_input()).api()?,
        ))
    }

    /// Ends a promise on `until`; promises are kept so that deadlines set
    /// under them stay explainable.
    async fn end_service_promise(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(validator(custom = "crate::input::UsableDate(\"until\")"))] until: NaiveDate,
    ) -> async_graphql::Result<ServicePromise> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(ServicePromise(promises::end(&mut tx, id, until).await.api()?))
    }
}
