//! The use case "a set of customers' case facts → their obligations → the
//! work that is open", with no GraphQL in it, so the API's worklists, a
//! command or a job (reminders, appointments) compute the same thing.
//! Facts are read in a constant number of statements and grouped by
//! customer, so the work is linear in the data whatever the caseload.

use std::collections::HashMap;

use chrono::NaiveDate;
use polku_domain::customer::PlanType;
use polku_domain::path::{Episode, PathRules};
use polku_domain::rules::{
    self, CaseFacts, HeldMeeting, LocalPromise, Obligation, ObligationKind, ObligationStatus, Rules,
    ServicePromise,
};
use uuid::Uuid;

use crate::customers::Customer;
use crate::{duties, meetings, path, plans, promises, StoreError, Tx};

/// What the deadlines of a set of customers rest on.
pub struct CaseData {
    meetings: HashMap<Uuid, Vec<HeldMeeting<Uuid>>>,
    plans: HashMap<Uuid, PlanFacts>,
    episodes: HashMap<Uuid, Vec<Episode<Uuid>>>,
    promises: Vec<ServicePromise>,
    /// Per customer: the days earlier job searches ended.
    search_ends: HashMap<Uuid, Vec<NaiveDate>>,
    /// Per customer: the vacancies assigned to be applied for.
    vacancies: HashMap<Uuid, Vec<duties::Vacancy>>,
}

/// Per customer: the day any plan was last revised, the day an activation
/// plan was, and the open tasks of the current plan.
#[derive(Default)]
struct PlanFacts {
    revised_on: Option<NaiveDate>,
    activation_revised_on: Option<NaiveDate>,
    open_tasks: Vec<plans::Task>,
}

/// What is open for a customer: an obligation not met, or a plan task not
/// done.
#[derive(Clone, Debug)]
pub struct WorkEntry {
    pub customer_id: Uuid,
    /// `None` for a plan task.
    pub obligation: Option<ObligationKind>,
    /// Null for a plan task agreed without a date.
    pub due: Option<NaiveDate>,
    pub status: ObligationStatus,
    /// The rule version, for an obligation.
    pub rule_version: Option<String>,
    /// What was agreed, for a plan task.
    pub task: Option<String>,
}

impl CaseData {
    pub async fn load(tx: &mut Tx, ids: &[Uuid]) -> Result<CaseData, StoreError> {
        let mut data = CaseData {
            meetings: HashMap::new(),
            plans: HashMap::new(),
            episodes: HashMap::new(),
            promises: promises::list(tx).await?.iter().map(promises::Promise::rule).collect(),
            search_ends: HashMap::new(),
            vacancies: HashMap::new(),
        };
        for v in duties::vacancies_for(tx, ids).await? {
            data.vacancies.entry(v.customer_id).or_default().push(v);
        }
        for (customer, on) in crate::customers::job_search_ends(tx, ids).await? {
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
    /// promises), each assigned vacancy, and the activation-plan review of
    /// the service path.
    pub fn obligations(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        customer: &Customer,
        today: NaiveDate,
    ) -> Vec<Obligation<Uuid>> {
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
            out.extend(rules::obligations(rules, &facts, today).unwrap_or_default());
        }
        // Each assigned vacancy, under the rule in force the day it was assigned.
        for v in self.vacancies.get(&customer.id).map_or(&[][..], Vec::as_slice) {
            let rule = rules.in_force(v.assigned_on, today).map(|r| r.id.clone()).unwrap_or_default();
            out.push(rules::Obligation {
                kind: ObligationKind::VacancyApplication,
                due: v.apply_by,
                rule,
                status: rules::deadline_status(v.apply_by, v.applied_on.is_some(), today),
                met_by: None::<Uuid>,
            });
        }
        let episodes = self.episodes.get(&customer.id).map_or(&[][..], Vec::as_slice);
        let activation = plan.and_then(|p| p.activation_revised_on);
        out.extend(polku_domain::path::activation_plan_review(path_rules, episodes, activation, today));
        out
    }

    /// Everything open for the given customers: obligations not met and
    /// plan tasks not done; overdue first, then by due date, undated last.
    pub fn work<'c>(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        customers: impl Iterator<Item = &'c Customer>,
        today: NaiveDate,
    ) -> Vec<WorkEntry> {
        let mut items = Vec::new();
        for c in customers {
            for o in self.obligations(rules, path_rules, c, today) {
                if o.status != ObligationStatus::Met {
                    items.push(WorkEntry {
                        customer_id: c.id,
                        obligation: Some(o.kind),
                        due: Some(o.due),
                        status: o.status,
                        rule_version: Some(o.rule),
                        task: None,
                    });
                }
            }
            for t in self.plans.get(&c.id).map_or(&[][..], |p| p.open_tasks.as_slice()) {
                items.push(WorkEntry {
                    customer_id: c.id,
                    obligation: None,
                    due: t.due,
                    status: task_status(t.due, today),
                    rule_version: None,
                    task: Some(t.what.clone()),
                });
            }
        }
        items.sort_by(|a, b| {
            let overdue = |i: &WorkEntry| i.status != ObligationStatus::Overdue;
            (overdue(a), a.due.is_none(), a.due).cmp(&(overdue(b), b.due.is_none(), b.due))
        });
        items
    }
}

/// A plan task's status, by the same measure as the statutory deadlines; a
/// task agreed without a date is never late.
fn task_status(due: Option<NaiveDate>, today: NaiveDate) -> ObligationStatus {
    due.map_or(ObligationStatus::Upcoming, |due| rules::deadline_status(due, false, today))
}
