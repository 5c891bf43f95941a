//! The jobseeker's duties of 2026 on the API: vacancies assigned to be
//! applied for, neglects with the consequence the rule of their day states,
//! and the job-search profile. Polku records and states; the coach decides
//! and writes the labour-policy statement.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::neglect::{Consequence, NeglectKind as DomainKind, NeglectRules};
use polku_store::duties::{self, NewNeglect, NewVacancy};

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id, text};

#[expect(
    clippy::expect_used,
    reason = "the schema is built with it attached (lib.rs); its absence is a wiring defect every test shows"
)]
fn obligation_rules<'a>(ctx: &Context<'a>) -> &'a polku_domain::job_search::ObligationRules {
    ctx.data::<polku_domain::job_search::ObligationRules>()
        .expect("job-search obligation rules attached to the schema")
}

#[expect(
    clippy::expect_used,
    reason = "the schema is built with it attached (lib.rs); its absence is a wiring defect every test shows"
)]
pub(crate) fn neglect_rules<'a>(ctx: &Context<'a>) -> &'a NeglectRules {
    ctx.data::<NeglectRules>().expect("neglect rules attached to the schema")
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::neglect::NeglectKind")]
pub enum NeglectKind {
    MissedDiscussion,
    MissedVacancy,
    MissingProfile,
    InsufficientJobSearch,
    RefusedService,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ConsequenceKind {
    /// A reminder only (to February 2026, the first neglect of a period).
    Reminder,
    /// Days without benefit (korvaukseton määräaika).
    WaitingPeriod,
    /// No benefit until the person has worked or taken part in a service
    /// for the given weeks (työssäolovelvoite).
    WorkRequirement,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_store::duties::ProfileBy")]
pub enum ProfilePublisher {
    Customer,
    /// The employment authority, after the customer's deadline passed.
    Authority,
}

pub struct Vacancy(pub duties::Vacancy);

#[Object]
impl Vacancy {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn assigned_on(&self) -> NaiveDate {
        self.0.assigned_on
    }
    /// Apply by this day; it counts towards the job-search obligation.
    async fn apply_by(&self) -> NaiveDate {
        self.0.apply_by
    }
    async fn applied_on(&self) -> Option<NaiveDate> {
        self.0.applied_on
    }
    async fn assigned_by(&self) -> &str {
        &self.0.assigned_by
    }
}

/// What the rule of the neglect's day states as its consequence.
#[derive(SimpleObject)]
pub struct NeglectConsequence {
    kind: ConsequenceKind,
    /// Days without benefit, for a waiting period.
    days: Option<i32>,
    /// Weeks of work or service required, for a work requirement.
    weeks: Option<i32>,
    /// The rule version, e.g. "neglect-2026".
    rule_version: String,
    /// Which neglect of the review period this is (1 for the first).
    ordinal: i32,
    period_from: NaiveDate,
    period_until: NaiveDate,
}

pub struct Neglect(pub duties::Neglect);

#[Object]
impl Neglect {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> NeglectKind {
        self.0.kind.into()
    }
    async fn occurred_on(&self) -> NaiveDate {
        self.0.occurred_on
    }
    async fn vacancy_id(&self) -> Option<ID> {
        self.0.assignment_id.map(|id| ID(id.to_string()))
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn consequence(&self) -> NeglectConsequence {
        let a = &self.0.assessment;
        let (kind, days, weeks) = match a.consequence {
            Consequence::Reminder => (ConsequenceKind::Reminder, None, None),
            Consequence::WaitingPeriod { days } => {
                (ConsequenceKind::WaitingPeriod, Some(i32::try_from(days).unwrap_or(i32::MAX)), None)
            }
            Consequence::WorkRequirement { weeks } => {
                (ConsequenceKind::WorkRequirement, None, Some(i32::try_from(weeks).unwrap_or(i32::MAX)))
            }
        };
        NeglectConsequence {
            kind,
            days,
            weeks,
            rule_version: a.rule.clone(),
            ordinal: i32::try_from(a.ordinal).unwrap_or(i32::MAX),
            period_from: a.period_from,
            period_until: a.period_until,
        }
    }
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

#[derive(SimpleObject)]
pub struct JobSearchProfile {
    published_on: NaiveDate,
    published_by: ProfilePublisher,
}

#[derive(InputObject)]
pub struct VacancyInput {
    /// The vacancy as the coach names it: title and employer.
    title: String,
    /// A reference to the advertisement, e.g. its Työmarkkinatori number.
    reference: Option<String>,
    /// Defaults to today.
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.assignedOn\")"))]
    assigned_on: Option<NaiveDate>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.applyBy\")"))]
    apply_by: NaiveDate,
}

#[derive(InputObject)]
pub struct NeglectInput {
    kind: NeglectKind,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.occurredOn\")"))]
    occurred_on: NaiveDate,
    /// The vacancy not applied for, for `MISSED_VACANCY`.
    vacancy_id: Option<ID>,
    note: Option<String>,
}

/// The duties' fields of a customer (see `customers::Customer`).
pub(crate) async fn vacancies_of(
    ctx: &Context<'_>,
    customer: uuid::Uuid,
) -> async_graphql::Result<Vec<Vacancy>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    let list = duties::vacancies_for(&mut tx, &[customer]).await.api()?;
    polku_store::audit::record(
        &mut tx,
        &[customer],
        polku_store::audit::AuditAction::Read,
        "vacancy assignments",
    )
    .await
    .api()?;
    Ok(list.into_iter().map(Vacancy).collect())
}

pub(crate) async fn neglects_of(
    ctx: &Context<'_>,
    customer: uuid::Uuid,
) -> async_graphql::Result<Vec<Neglect>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(duties::neglects_of(&mut tx, customer).await.api()?.into_iter().map(Neglect).collect())
}

pub(crate) async fn profile_of(
    ctx: &Context<'_>,
    customer: uuid::Uuid,
) -> async_graphql::Result<Option<JobSearchProfile>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(duties::profile_of(&mut tx, customer)
        .await
        .api()?
        .map(|(on, by)| JobSearchProfile { published_on: on, published_by: by.into() }))
}

#[derive(Default)]
pub struct DutiesMutation;

#[Object]
impl DutiesMutation {
    /// Assigns a vacancy for the customer to apply for by `applyBy`; it is
    /// on the coach's worklist until the application is recorded.
    async fn assign_vacancy(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        input: VacancyInput,
    ) -> async_graphql::Result<Vacancy> {
        let s = require(ctx, CASE_STAFF).api()?;
        let customer_id = parse_id(&customer_id).api()?;
        let today = today(ctx);
        let v = NewVacancy {
            customer_id,
            title: text("input.title", &input.title, 300).api()?,
            reference: opt_text("input.reference", input.reference, 300).api()?,
            assigned_on: input.assigned_on.unwrap_or(today),
            apply_by: input.apply_by,
        };
        let mut tx = s.tx().await.api()?;
        Ok(Vacancy(duties::assign_vacancy(&mut tx, v).await.api()?))
    }

    /// Records the day the customer applied for an assigned vacancy.
    async fn record_vacancy_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(validator(custom = "crate::input::UsableDate(\"appliedOn\")"))] applied_on: NaiveDate,
    ) -> async_graphql::Result<Vacancy> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let today = today(ctx);
        let mut tx = s.tx().await.api()?;
        Ok(Vacancy(duties::record_application(&mut tx, id, applied_on, today).await.api()?))
    }

    /// Records a neglect the coach has established, with the consequence
    /// the rule of its day states for it (counted with the customer's
    /// earlier neglects of the review period).
    async fn record_neglect(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        input: NeglectInput,
    ) -> async_graphql::Result<Neglect> {
        let s = require(ctx, CASE_STAFF).api()?;
        let n = NewNeglect {
            customer_id: parse_id(&customer_id).api()?,
            kind: DomainKind::from(input.kind),
            occurred_on: input.occurred_on,
            assignment_id: input.vacancy_id.as_ref().map(parse_id).transpose().api()?,
            note: opt_text("input.note", input.note, 2000).api()?,
        };
        let today = today(ctx);
        let rules = neglect_rules(ctx);
        let mut tx = s.tx().await.api()?;
        Ok(Neglect(duties::record_neglect(&mut tx, rules, n, today).await.api()?))
    }

    /// Records the day the customer's job-search profile was published.
    async fn record_job_search_profile(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        #[graphql(validator(custom = "crate::input::UsableDate(\"publishedOn\")"))] published_on: NaiveDate,
        published_by: ProfilePublisher,
    ) -> async_graphql::Result<JobSearchProfile> {
        let s = require(ctx, CASE_STAFF).api()?;
        let customer = parse_id(&customer_id).api()?;
        let today = today(ctx);
        let mut tx = s.tx().await.api()?;
        duties::record_profile(&mut tx, customer, published_on, published_by.into(), today).await.api()?;
        Ok(JobSearchProfile { published_on, published_by })
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::job_search::JobSearchSituation")]
pub enum JobSearchSituation {
    Unemployed,
    /// From three months into a full lay-off.
    FullyLaidOff,
    PartlyLaidOff,
    PartTime,
    SelfMotivatedStudies,
}

/// The default job-search obligation: `count` applications every `months`
/// months, unless the plan sets it individually, with the rule that says so.
#[derive(SimpleObject)]
pub struct DefaultJobSearchObligation {
    count: i32,
    months: i32,
    rule_version: String,
    source: String,
    /// What of the rule could not be confirmed from its sources.
    unverified: Option<String>,
}

#[derive(Default)]
pub struct DutiesQuery;

#[Object]
impl DutiesQuery {
    /// The job-search obligation the rules set for a situation, for a plan
    /// drawn up or revised on `on` (today when omitted).
    async fn default_job_search_obligation(
        &self,
        ctx: &Context<'_>,
        situation: JobSearchSituation,
        #[graphql(validator(custom = "crate::input::UsableDate(\"on\")"))] on: Option<NaiveDate>,
    ) -> async_graphql::Result<DefaultJobSearchObligation> {
        crate::context::session(ctx).api()?;
        let today = today(ctx);
        let rules = obligation_rules(ctx);
        let rule = rules.in_force(on.unwrap_or(today), today).map_err(|e| e.at("on")).api()?;
        let o = rule.for_situation(situation.into());
        Ok(DefaultJobSearchObligation {
            count: i32::from(o.count),
            months: i32::from(o.months),
            rule_version: rule.id.clone(),
            source: rule.source.clone(),
            unverified: rule.unverified.clone(),
        })
    }
}
