//! Statutory deadlines on the API: the initial-interview deadline for any
//! start date, each customer's obligations under the rule version in force
//! when their job search began, and a coach's worklist of everything open.

use std::collections::HashMap;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::NaiveDate;
use polku_domain::customer::PlanType;
use polku_domain::path::{Episode, PathRules};
use polku_domain::rules::{
    self, CaseFacts, HeldMeeting, LocalPromise, ObligationKind, ObligationStatus, Rules, ServicePromise,
};
use polku_store::audit::{self, AuditAction};
use polku_store::{caseload, meetings, path, plans, promises, staff};
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

/// What the deadlines of a set of customers rest on, read in a constant
/// number of statements and grouped by customer, so computing them is
/// linear in the data whatever the caseload's size.
pub(crate) struct CaseData {
    meetings: HashMap<Uuid, Vec<HeldMeeting<Uuid>>>,
    /// Per customer: the day any plan was last revised, the day an
    /// activation plan was, and the open tasks of the current plan.
    plans: HashMap<Uuid, PlanFacts>,
    episodes: HashMap<Uuid, Vec<Episode<Uuid>>>,
    promises: Vec<ServicePromise>,
    /// Per customer: the days earlier job searches ended.
    search_ends: HashMap<Uuid, Vec<NaiveDate>>,
    /// Per customer: the vacancies assigned to be applied for.
    vacancies: HashMap<Uuid, Vec<polku_store::duties::Vacancy>>,
}

#[derive(Default)]
struct PlanFacts {
    revised_on: Option<NaiveDate>,
    activation_revised_on: Option<NaiveDate>,
    open_tasks: Vec<plans::Task>,
}

impl CaseData {
    pub(crate) async fn load(tx: &mut polku_store::Tx, ids: &[Uuid]) -> Result<CaseData, ApiError> {
        let mut data = CaseData {
            meetings: HashMap::new(),
            plans: HashMap::new(),
            episodes: HashMap::new(),
            promises: promises::list(tx).await?.iter().map(promises::Promise::rule).collect(),
            search_ends: HashMap::new(),
            vacancies: HashMap::new(),
        };
        for v in polku_store::duties::vacancies_for(tx, ids).await? {
            data.vacancies.entry(v.customer_id).or_default().push(v);
        }
        for (customer, on) in polku_store::customers::job_search_ends(tx, ids).await? {
            data.search_ends.entry(customer).or_default().push(on);
        }
        for m in meetings::days_for_customers(tx, ids).await? {
            data.meetings.entry(m.customer_id).or_default().push(HeldMeeting {
                id: m.id,
                on: m.starts_at.date_naive(),
                kind: m.meeting_type,
            });
        }
        // Plans come newest first: the first seen is the current one.
        for p in plans::for_customers(tx, ids).await? {
            let facts = data.plans.entry(p.customer_id).or_default();
            let on = p.current.created_at.date_naive();
            if facts.revised_on.is_none() {
                facts.open_tasks =
                    p.current.content.tasks.iter().filter(|t| t.done_on.is_none()).cloned().collect();
            }
            facts.revised_on = facts.revised_on.max(Some(on));
            if p.plan_type == PlanType::ActivationPlan {
                facts.activation_revised_on = facts.activation_revised_on.max(Some(on));
            }
        }
        for e in path::for_customers(tx, ids).await? {
            data.episodes.entry(e.customer_id).or_default().push(e.as_domain());
        }
        Ok(data)
    }

    /// The customer's obligations: statutory (with the area's stricter
    /// promises), the plan review, and the activation-plan review of the
    /// service path.
    pub(crate) fn obligations(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        customer: &polku_store::customers::Customer,
        today: NaiveDate,
    ) -> Vec<Obligation> {
        let plan = self.plans.get(&customer.id);
        let mut out = Vec::new();
        if let Some(start) = customer.job_search_started_on {
            let promise = LocalPromise::strictest(&self.promises, customer.birth_date, start, today);
            // The latest end of a job search before this one began.
            let previous_end = self
                .search_ends
                .get(&customer.id)
                .and_then(|ends| ends.iter().filter(|e| **e <= start).max().copied());
            let facts = CaseFacts {
                job_search_started_on: start,
                previous_job_search_ended_on: previous_end,
                meetings: self.meetings.get(&customer.id).map_or(&[], Vec::as_slice),
                plan_revised_on: plan.and_then(|p| p.revised_on),
                promise: &promise,
            };
            // A start date before the first rules (an old TE-office
            // customer) has no statutory deadlines to show.
            out.extend(
                rules::obligations(rules, &facts, today)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Obligation::from),
            );
        }
        // Each assigned vacancy, under the rule in force the day it was assigned.
        for v in self.vacancies.get(&customer.id).map_or(&[][..], Vec::as_slice) {
            let rule = rules.in_force(v.assigned_on, today).map(|r| r.id.clone()).unwrap_or_default();
            out.push(Obligation::from(rules::Obligation {
                kind: ObligationKind::VacancyApplication,
                due: v.apply_by,
                rule,
                status: rules::deadline_status(v.apply_by, v.applied_on.is_some(), today),
                met_by: None::<Uuid>,
            }));
        }
        let episodes = self.episodes.get(&customer.id).map_or(&[][..], Vec::as_slice);
        let activation = plan.and_then(|p| p.activation_revised_on);
        out.extend(
            polku_domain::path::activation_plan_review(path_rules, episodes, activation, today)
                .map(Obligation::from),
        );
        out
    }

    /// Every open obligation and plan task of the given customers.
    fn work_items<'c>(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        customers: impl Iterator<Item = &'c polku_store::customers::Customer>,
        today: NaiveDate,
    ) -> Vec<WorkItem> {
        let mut items = Vec::new();
        for c in customers {
            let name = format!("{} {}", c.first_names, c.last_name);
            let item = |kind, due, status, rule_version, task| WorkItem {
                customer_id: ID(c.id.to_string()),
                customer_name: name.clone(),
                service_language: c.service_language.into(),
                kind,
                due,
                status,
                rule_version,
                task,
            };
            for o in self.obligations(rules, path_rules, c, today) {
                if o.status != DeadlineStatus::Met {
                    items.push(item(o.kind, Some(o.due), o.status, Some(o.rule_version), None));
                }
            }
            for t in self.plans.get(&c.id).map_or(&[][..], |p| p.open_tasks.as_slice()) {
                let status = task_status(t.due, today).into();
                items.push(item(WorkKind::PlanTask, t.due, status, None, Some(t.what.clone())));
            }
        }
        items.sort_by(|a, b| {
            let overdue = |i: &WorkItem| i.status != DeadlineStatus::Overdue;
            (overdue(a), a.due.is_none(), a.due).cmp(&(overdue(b), b.due.is_none(), b.due))
        });
        items
    }
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
}

#[derive(SimpleObject, Default, Clone, Copy)]
pub struct WorklistCounts {
    overdue: i32,
    due_soon: i32,
    upcoming: i32,
}

impl WorklistCounts {
    fn of(items: &[WorkItem]) -> WorklistCounts {
        let mut counts = WorklistCounts::default();
        for i in items {
            match i.status {
                DeadlineStatus::Overdue => counts.overdue += 1,
                DeadlineStatus::DueSoon => counts.due_soon += 1,
                DeadlineStatus::Upcoming => counts.upcoming += 1,
                DeadlineStatus::Met => {}
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

/// A plan task's status, by the same measure as the statutory deadlines; a
/// task agreed without a date is never late.
fn task_status(due: Option<NaiveDate>, today: NaiveDate) -> ObligationStatus {
    due.map_or(ObligationStatus::Upcoming, |due| rules::deadline_status(due, false, today))
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
        let ids: Vec<Uuid> = entries.iter().map(|e| e.customer.id).collect();
        let data = CaseData::load(&mut tx, &ids).await.api()?;
        drop(tx);
        let items = data.work_items(
            rules_data(ctx),
            path_rules(ctx),
            entries.iter().map(|e| &e.customer),
            today(ctx),
        );
        let counts = WorklistCounts::of(&items);
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
        let entries = caseload::for_area(&mut tx, crate::context::now(ctx)).await.api()?;
        let ids: Vec<Uuid> = entries.iter().map(|e| e.customer.id).collect();
        let data = CaseData::load(&mut tx, &ids).await.api()?;
        let coaches = staff::list(&mut tx, true).await.api()?;

        let mut by_coach: HashMap<Option<Uuid>, Vec<&polku_store::customers::Customer>> = HashMap::new();
        for e in &entries {
            by_coach.entry(e.customer.coach_id).or_default().push(&e.customer);
        }
        let (rules, path_rules, today) = (rules_data(ctx), path_rules(ctx), today(ctx));
        let mut total = WorklistCounts::default();
        let mut workload = |coach: Option<crate::staff::Staff>,
                            customers: &[&polku_store::customers::Customer]| {
            let mut items = data.work_items(rules, path_rules, customers.iter().copied(), today);
            let counts = WorklistCounts::of(&items);
            total.overdue += counts.overdue;
            total.due_soon += counts.due_soon;
            total.upcoming += counts.upcoming;
            items.truncate(usize::try_from(per_coach).unwrap_or(0));
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
    Ok(data.obligations(rules_data(ctx), path_rules(ctx), customer, today(ctx)))
}
