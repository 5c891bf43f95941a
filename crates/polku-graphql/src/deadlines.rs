//! Statutory deadlines on the API: the initial-interview deadline for any
//! start date, each customer's obligations under the rule version in force
//! when their job search began, and a coach's worklist of everything open.

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{NaiveDate, Utc};
use polku_domain::rules::{self, HeldMeeting, ObligationKind, ObligationStatus, Rules};
use polku_store::{caseload, meetings, plans};
use uuid::Uuid;

use crate::context::{require, session, today, CASE_STAFF};
use crate::error::ApiResult;

fn rules_data<'a>(ctx: &Context<'a>) -> &'a Rules {
    ctx.data::<Rules>().expect("rules attached to the schema")
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WorkKind {
    InitialInterview,
    JobSearchDiscussion,
    SupplementaryDiscussion,
    IntensiveDiscussion,
    /// An agreed task of the customer's current plan.
    PlanTask,
}

impl From<ObligationKind> for WorkKind {
    fn from(k: ObligationKind) -> Self {
        match k {
            ObligationKind::InitialInterview => WorkKind::InitialInterview,
            ObligationKind::JobSearchDiscussion => WorkKind::JobSearchDiscussion,
            ObligationKind::SupplementaryDiscussion => WorkKind::SupplementaryDiscussion,
            ObligationKind::IntensiveDiscussion => WorkKind::IntensiveDiscussion,
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
    /// The rule version that set it, e.g. "nordic-2026".
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

pub(crate) fn customer_obligations(
    rules: &Rules,
    customer: &polku_store::customers::Customer,
    held: &[meetings::Meeting],
    today: NaiveDate,
) -> Vec<Obligation> {
    let Some(start) = customer.job_search_started_on else { return Vec::new() };
    let held: Vec<HeldMeeting<Uuid>> = held
        .iter()
        .filter(|m| m.customer_id == customer.id)
        .map(|m| HeldMeeting { id: m.id, on: m.starts_at.date_naive(), kind: m.meeting_type })
        .collect();
    // A start date before the first rules (an old TE-office customer) has
    // no statutory deadlines to show.
    rules::obligations(rules, start, &held, today)
        .unwrap_or_default()
        .into_iter()
        .map(|o| Obligation {
            kind: o.kind.into(),
            due: o.due,
            rule_version: o.rule,
            status: o.status.into(),
            met_by_meeting_id: o.met_by.map(|m| ID(m.to_string())),
        })
        .collect()
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

#[derive(SimpleObject, Default)]
pub struct WorklistCounts {
    overdue: i32,
    due_soon: i32,
    upcoming: i32,
}

#[derive(SimpleObject)]
pub struct Worklist {
    /// Overdue first, then by due date.
    items: Vec<WorkItem>,
    counts: WorklistCounts,
}

/// A plan task's status, by the same measure as the statutory deadlines; a
/// task agreed without a date is never late.
fn task_status(due: Option<NaiveDate>, today: NaiveDate) -> ObligationStatus {
    due.map_or(ObligationStatus::Upcoming, |due| rules::deadline_status(due, false, today))
}

#[derive(Default)]
pub struct DeadlineQuery;

#[Object]
impl DeadlineQuery {
    /// The initial-interview deadline for a job search starting on
    /// `jobSearchStartedOn`, under the rules in force that day, so a client
    /// can show it before the customer exists.
    async fn initial_interview_deadline(
        &self,
        ctx: &Context<'_>,
        job_search_started_on: NaiveDate,
    ) -> async_graphql::Result<Deadline> {
        session(ctx).api()?;
        let (due, rule) = rules_data(ctx)
            .initial_interview_deadline(job_search_started_on, today())
            .map_err(|e| e.at("jobSearchStartedOn"))
            .api()?;
        Ok(Deadline { due, rule_version: rule.id.clone(), working_days: rule.initial_interview_working_days })
    }

    /// Every open obligation and plan task across a coach's caseload (the
    /// caller's own without `coachId`), in a constant number of statements.
    async fn worklist(&self, ctx: &Context<'_>, coach_id: Option<ID>) -> async_graphql::Result<Worklist> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let coach = crate::casework::resolve_coach(s, &mut tx, coach_id).await.api()?;
        let today = today();
        let entries = caseload::for_coach(&mut tx, coach, Utc::now()).await.api()?;
        let ids: Vec<Uuid> = entries.iter().map(|e| e.customer.id).collect();
        let held = meetings::for_customers(&mut tx, &ids).await.api()?;
        let plans = plans::for_customers(&mut tx, &ids).await.api()?;
        drop(tx);

        let rules = rules_data(ctx);
        let mut items = Vec::new();
        for e in &entries {
            let c = &e.customer;
            let name = format!("{} {}", c.first_names, c.last_name);
            for o in customer_obligations(rules, c, &held, today)
                .into_iter()
                .filter(|o| o.status != DeadlineStatus::Met)
            {
                items.push(WorkItem {
                    customer_id: ID(c.id.to_string()),
                    customer_name: name.clone(),
                    service_language: c.service_language.into(),
                    kind: o.kind,
                    due: Some(o.due),
                    status: o.status,
                    rule_version: Some(o.rule_version),
                    task: None,
                });
            }
            // The newest plan is the current one (plans come newest first).
            if let Some(plan) = plans.iter().find(|p| p.customer_id == c.id) {
                for t in plan.current.content.tasks.iter().filter(|t| t.done_on.is_none()) {
                    items.push(WorkItem {
                        customer_id: ID(c.id.to_string()),
                        customer_name: name.clone(),
                        service_language: c.service_language.into(),
                        kind: WorkKind::PlanTask,
                        due: t.due,
                        status: task_status(t.due, today).into(),
                        rule_version: None,
                        task: Some(t.what.clone()),
                    });
                }
            }
        }
        items.sort_by(|a, b| {
            let overdue = |i: &WorkItem| i.status != DeadlineStatus::Overdue;
            (overdue(a), a.due.is_none(), a.due).cmp(&(overdue(b), b.due.is_none(), b.due))
        });
        let mut counts = WorklistCounts::default();
        for i in &items {
            match i.status {
                DeadlineStatus::Overdue => counts.overdue += 1,
                DeadlineStatus::DueSoon => counts.due_soon += 1,
                DeadlineStatus::Upcoming => counts.upcoming += 1,
                DeadlineStatus::Met => {}
            }
        }
        Ok(Worklist { items, counts })
    }
}

/// Obligations on a customer, read with the customer's meetings.
pub(crate) async fn obligations_of(
    ctx: &Context<'_>,
    customer: &polku_store::customers::Customer,
) -> async_graphql::Result<Vec<Obligation>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    let held = meetings::for_customers(&mut tx, &[customer.id]).await.api()?;
    Ok(customer_obligations(rules_data(ctx), customer, &held, today()))
}
