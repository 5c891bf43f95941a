//! Statutory deadlines on the API: the initial-interview deadline for any
//! start date, each customer's obligations under the rule version in force
//! when their job search began, and a coach's worklist of everything open.

use std::collections::HashMap;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::NaiveDate;
use polku_domain::path::PathRules;
use polku_domain::rules::{self, ObligationKind, Rules};
use polku_store::audit::{self, AuditAction};
use polku_store::casefacts::{CaseCustomer, CaseData, Scope};
use polku_store::{caseload, staff};
use uuid::Uuid;

use crate::context::{require, session, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::ApiError;

#[expect(
    clippy::expect_used,
    reason = "the schema is built with it attached (lib.rs); its absence is a wiring defect every test shows"
)]
pub(crate) fn rules_data<'a>(ctx: &Context<'a>) -> &'a Rules {
    ctx.data::<Rules>().expect("rules attached to the schema")
}

#[expect(
    clippy::expect_used,
    reason = "the schema is built with it attached (lib.rs); its absence is a wiring defect every test shows"
)]
pub(crate) fn path_rules<'a>(ctx: &Context<'a>) -> &'a PathRules {
    ctx.data::<PathRules>().expect("path rules attached to the schema")
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WorkKind {
    /// Alkuhaastattelu: within 5 (to 2025) or 10 (from 2026) working days
    /// of the job search starting.
    InitialInterview,
    /// Työnhakukeskustelu: every three months from the initial interview,
    /// then from the previous one.
    JobSearchDiscussion,
    /// Täydentävä työnhakukeskustelu: every two weeks in the first three
    /// months, only where it arose before 1.1.2026 (or by an area's promise).
    SupplementaryDiscussion,
    /// A supplementary discussion of an intensive period (six months into
    /// a job search), only where the period began before 1.1.2026.
    IntensiveDiscussion,
    /// The plan reviewed at the latest discussion.
    PlanReview,
    /// The activation plan reviewed before 24 months of rehabilitative work.
    ActivationPlanReview,
    /// An agreed task of the customer's current plan.
    PlanTask,
    /// A vacancy the coach assigned, to be applied for by its deadline.
    VacancyApplication,
    /// The customer nears a step of the municipality's share of their
    /// unemployment benefit (due: the day it starts if the benefit goes on).
    FundingStep,
}

impl From<ObligationKind> for WorkKind {
    fn from(k: ObligationKind) -> Self {
        match k {
            ObligationKind::InitialInterview => WorkKind::InitialInterview,
            ObligationKind::JobSearchDiscussion => WorkKind::JobSearchDiscussion,
            ObligationKind::SupplementaryDiscussion => WorkKind::SupplementaryDiscussion,
            ObligationKind::IntensiveDiscussion => WorkKind::IntensiveDiscussion,
            ObligationKind::PlanReview => WorkKind::PlanReview,
            ObligationKind::ActivationPlanReview => WorkKind::ActivationPlanReview,
            ObligationKind::VacancyApplication => WorkKind::VacancyApplication,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, PartialOrd, Ord)]
#[graphql(remote = "polku_domain::rules::ObligationStatus")]
pub enum DeadlineStatus {
    Overdue,
    DueSoon,
    Upcoming,
    Met,
}

#[derive(SimpleObject)]
pub struct Deadline {
    due: NaiveDate,
    /// The rule version that set it, e.g. "job-seeker-2026".
    rule_version: String,
    working_days: u32,
}

#[derive(SimpleObject, Clone)]
pub struct Obligation {
    kind: WorkKind,
    due: NaiveDate,
    rule_version: String,
    status: DeadlineStatus,
    met_by_meeting_id: Option<ID>,
}

impl From<rules::Obligation<Uuid>> for Obligation {
    fn from(o: rules::Obligation<Uuid>) -> Self {
        Obligation {
            kind: o.kind.into(),
            due: o.due,
            rule_version: o.rule,
            status: o.status.into(),
            met_by_meeting_id: o.met_by.map(|m| ID(m.to_string())),
        }
    }
}

/// The open work of `customers`, most urgent first, counted whole and
/// listed up to `limit` items, with the names and languages of the
/// customers they concern. Only the listed items become GraphQL objects:
/// an area's view counts hundreds of thousands and lists a few thousand.
fn work_items(
    data: &CaseData<()>,
    rules: &Rules,
    path_rules: &PathRules,
    share: &polku_domain::municipal_share::ShareRules,
    customers: &[&CaseCustomer],
    today: NaiveDate,
    limit: usize,
) -> (Vec<WorkItem>, WorklistCounts) {
    let mut entries = data.work_with_funding(rules, path_rules, share, customers.iter().copied(), today);
    let counts = WorklistCounts::of(entries.iter().map(|e| e.status));
    entries.truncate(limit);
    let who: HashMap<Uuid, &CaseCustomer> = customers.iter().map(|c| (c.id, *c)).collect();
    let items = entries
        .into_iter()
        .filter_map(|e| {
            let c = who.get(&e.customer_id)?;
            Some(WorkItem {
                customer_id: ID(c.id.to_string()),
                customer_name: format!("{} {}", c.first_names, c.last_name),
                service_language: c.service_language.into(),
                kind: match (e.obligation, e.funding_step) {
                    (Some(o), _) => WorkKind::from(o),
                    (None, Some(_)) => WorkKind::FundingStep,
                    (None, None) => WorkKind::PlanTask,
                },
                funding_step_percent: e.funding_step,
                due: e.due,
                status: e.status.into(),
                rule_version: e.rule_version,
                task: e.task,
                planned_appointment_id: e.planned.map(|p| ID(p.appointment_id.to_string())),
                planned_for: e.planned.map(|p| p.starts_at),
            })
        })
        .collect();
    (items, counts)
}

#[derive(SimpleObject)]
pub struct WorkItem {
    customer_id: ID,
    customer_name: String,
    service_language: crate::reference::Language,
    kind: WorkKind,
    /// Null for a plan task agreed without a date.
    due: Option<NaiveDate>,
    status: DeadlineStatus,
    /// The rule version for an obligation; null for a plan task.
    rule_version: Option<String>,
    /// What was agreed, for a plan task.
    task: Option<String>,
    /// The appointment booked to meet the obligation by its due day, and
    /// when it is: the obligation is planned, though not yet met.
    planned_appointment_id: Option<ID>,
    planned_for: Option<chrono::DateTime<chrono::Utc>>,
    /// For FUNDING_STEP: the municipality's percentage from `due` on.
    funding_step_percent: Option<u32>,
}

#[derive(SimpleObject, Default, Clone, Copy)]
pub struct WorklistCounts {
    overdue: i32,
    due_soon: i32,
    upcoming: i32,
}

impl WorklistCounts {
    fn of(statuses: impl Iterator<Item = rules::ObligationStatus>) -> WorklistCounts {
        let mut counts = WorklistCounts::default();
        for status in statuses {
            match status {
                rules::ObligationStatus::Overdue => counts.overdue += 1,
                rules::ObligationStatus::DueSoon => counts.due_soon += 1,
                rules::ObligationStatus::Upcoming => counts.upcoming += 1,
                rules::ObligationStatus::Met => {}
            }
        }
        counts
    }
}

#[derive(SimpleObject)]
pub struct Worklist {
    /// Overdue first, then by due date.
    items: Vec<WorkItem>,
    counts: WorklistCounts,
}

/// One coach's share of the area's work, for a manager.
#[derive(SimpleObject)]
pub struct CoachWorkload {
    /// Null for the customers no coach has yet.
    coach: Option<crate::staff::Staff>,
    /// Active customers.
    caseload: i32,
    caseload_limit: i32,
    counts: WorklistCounts,
    /// The most urgent items, at most `itemsPerCoach` of them.
    items: Vec<WorkItem>,
}

#[derive(SimpleObject)]
pub struct AreaWorklist {
    /// Coaches with the most overdue work first.
    coaches: Vec<CoachWorkload>,
    counts: WorklistCounts,
}

#[derive(Default)]
pub struct DeadlineQuery;

#[derive(Default)]
pub struct AreaWorklistQuery;

#[Object]
impl DeadlineQuery {
    /// The initial-interview deadline for a job search starting on
    /// `jobSearchStartedOn`, under the rules in force that day, so a client
    /// can show it before the customer exists.
    async fn initial_interview_deadline(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(custom = "crate::input::UsableDate(\"jobSearchStartedOn\")"))]
        job_search_started_on: NaiveDate,
    ) -> async_graphql::Result<Deadline> {
        session(ctx).api()?;
        let (due, rule) = rules_data(ctx)
            .initial_interview_deadline(job_search_started_on, today(ctx))
            .map_err(|e| e.at("jobSearchStartedOn"))
            .api()?;
        Ok(Deadline { due, rule_version: rule.id.clone(), working_days: rule.initial_interview_working_days })
    }

    /// Every open obligation and plan task across a coach's caseload (the
    /// caller's own without `coachId`), in a constant number of statements.
    async fn worklist(&self, ctx: &Context<'_>, coach_id: Option<ID>) -> async_graphql::Result<Worklist> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let coach = crate::shared::resolve_coach(s, &mut tx, coach_id).await.api()?;
        let entries = caseload::for_coach(&mut tx, coach, crate::context::now(ctx)).await.api()?;
        let customers: Vec<CaseCustomer> = entries.iter().map(|e| CaseCustomer::from(&e.customer)).collect();
        let ids: Vec<Uuid> = customers.iter().map(|c| c.id).collect();
        let data = CaseData::for_work(&mut tx, Scope::Listed, &ids).await.api()?;
        drop(tx);
        let customers: Vec<&CaseCustomer> = customers.iter().collect();
        let (items, counts) = work_items(
            &data,
            rules_data(ctx),
            path_rules(ctx),
            crate::funding::share_rules(ctx),
            &customers,
            today(ctx),
            usize::MAX,
        );
        Ok(Worklist { items, counts })
    }
}

const MAX_ITEMS_PER_COACH: i32 = 500;

#[Object]
impl AreaWorklistQuery {
    /// A manager's view: the worklist of the whole area grouped by coach,
    /// with caseloads and counts, in a constant number of statements.
    async fn area_worklist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items listed per coach, most urgent first (default 10, at most 500).")]
        items_per_coach: Option<i32>,
    ) -> async_graphql::Result<AreaWorklist> {
        let s = require(ctx, &[polku_domain::Role::Manager, polku_domain::Role::TenantAdmin]).api()?;
        let per_coach = items_per_coach.unwrap_or(10);
        if !(0..=MAX_ITEMS_PER_COACH).contains(&per_coach) {
            return Err(ApiError::from(
                polku_domain::DomainError::field(polku_domain::ErrorCode::OutOfRange, "itemsPerCoach")
                    .with_arg("min", 0)
                    .with_arg("max", MAX_ITEMS_PER_COACH),
            )
            .into_graphql());
        }
        let limit = s.tenant.as_ref().map_or(0, |t| t.caseload_limit);
        let mut tx = s.tx().await.api()?;
        let customers = caseload::of_area(&mut tx).await.api()?;
        let ids: Vec<Uuid> = customers.iter().map(|c| c.id).collect();
        let data = CaseData::for_work(&mut tx, Scope::ActiveInArea, &ids).await.api()?;
        let coaches = staff::list(&mut tx, true).await.api()?;

        let mut by_coach: HashMap<Option<Uuid>, Vec<&CaseCustomer>> = HashMap::new();
        for c in &customers {
            by_coach.entry(c.coach_id).or_default().push(c);
        }
        let (rules, path_rules, today) = (rules_data(ctx), path_rules(ctx), today(ctx));
        let per_coach = usize::try_from(per_coach).unwrap_or(0);
        let mut total = WorklistCounts::default();
        let mut workload = |coach: Option<crate::staff::Staff>, customers: &[&CaseCustomer]| {
            let (items, counts) = work_items(
                &data,
                rules,
                path_rules,
                crate::funding::share_rules(ctx),
                customers,
                today,
                per_coach,
            );
            total.overdue += counts.overdue;
            total.due_soon += counts.due_soon;
            total.upcoming += counts.upcoming;
            CoachWorkload {
                coach,
                caseload: i32::try_from(customers.len()).unwrap_or(i32::MAX),
                caseload_limit: limit,
                counts,
                items,
            }
        };
        let mut out: Vec<CoachWorkload> = coaches
            .into_iter()
            .map(|c| {
                let customers = by_coach.remove(&Some(c.id)).unwrap_or_default();
                workload(Some(crate::staff::Staff(c)), &customers)
            })
            .collect();
        // Customers of coaches who have left, and those with none.
        let rest: Vec<_> = by_coach.into_values().flatten().collect();
        if !rest.is_empty() {
            out.push(workload(None, &rest));
        }
        out.sort_by_key(|w| (std::cmp::Reverse(w.counts.overdue), w.coach.is_none()));
        // The customers named in the view are the ones read.
        let mut shown: Vec<Uuid> = out
            .iter()
            .flat_map(|w| &w.items)
            .filter_map(|i| Uuid::parse_str(i.customer_id.as_str()).ok())
            .collect();
        shown.sort_unstable();
        shown.dedup();
        audit::record(&mut tx, &shown, AuditAction::Read, "area worklist").await.api()?;
        Ok(AreaWorklist { coaches: out, counts: total })
    }
}

/// Obligations on a customer, read with the customer's meetings, plans
/// and service path.
pub(crate) async fn obligations_of(
    ctx: &Context<'_>,
    customer: &polku_store::customers::Customer,
) -> async_graphql::Result<Vec<Obligation>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    let data = CaseData::load(&mut tx, &[customer.id]).await.api()?;
    Ok(data
        .obligations(rules_data(ctx), path_rules(ctx), &CaseCustomer::from(customer), today(ctx))
        .into_iter()
        .map(Obligation::from)
        .collect())
}
