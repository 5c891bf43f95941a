//! The use case "a set of customers' case facts → their obligations → the
//! work that is open", with no GraphQL in it, so the API's worklists, a
//! command or a job (reminders, appointments) compute the same thing.
//! Facts are read in a constant number of statements and grouped by
//! customer, so the work is linear in the data whatever the caseload.
//!
//! A worklist over a whole area reads every meeting of tens of thousands of
//! customers (two million at 70,000), so [`CaseData::for_work`] reads them
//! already grouped by customer, one row per customer from a covering index,
//! and without the meetings' ids: a worklist lists only what is open, never
//! the meeting that met an obligation.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::customer::{MeetingType, PlanType};
use polku_domain::path::{Episode, PathRules};
use polku_domain::rules::{
    self, CaseFacts, HeldMeeting, LocalPromise, Obligation, ObligationKind, ObligationStatus, Rules,
    ServicePromise,
};
use polku_domain::Lang;
use sqlx::types::Json;
use sqlx::Row;
use uuid::Uuid;

use crate::customers::Customer;
use crate::{duties, meetings, path, plans, promises, StoreError, Tx};

/// What the case facts and a worklist need of a customer.
#[derive(Clone)]
pub struct CaseCustomer {
    pub id: Uuid,
    pub first_names: String,
    pub last_name: String,
    pub service_language: Lang,
    pub birth_date: NaiveDate,
    pub job_search_started_on: Option<NaiveDate>,
    pub coach_id: Option<Uuid>,
}

impl From<&Customer> for CaseCustomer {
    fn from(c: &Customer) -> Self {
        CaseCustomer {
            id: c.id,
            first_names: c.first_names.clone(),
            last_name: c.last_name.clone(),
            service_language: c.service_language,
            birth_date: c.birth_date,
            job_search_started_on: c.job_search_started_on,
            coach_id: c.coach_id,
        }
    }
}

/// Whose facts to read: the customers whose ids are given, and how to
/// find them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// By the list of ids (a coach's caseload).
    Listed,
    /// The ids are every active customer of the area: found by a join
    /// rather than by a list of tens of thousands of ids that each
    /// statement would carry and plan.
    ActiveInArea,
}

impl Scope {
    /// The condition on a table's `customer_id`; `$1` is the list.
    fn filter(self) -> &'static str {
        match self {
            Scope::Listed => "customer_id = ANY($1)",
            Scope::ActiveInArea => {
                "customer_id IN (SELECT customer_id FROM customers WHERE status = 'active')"
            }
        }
    }
}

/// What the deadlines of a set of customers rest on. `M` identifies a
/// meeting: its id where an obligation names the meeting that met it, `()`
/// for a worklist.
pub struct CaseData<M = Uuid> {
    meetings: HashMap<Uuid, Vec<HeldMeeting<M>>>,
    plans: HashMap<Uuid, PlanFacts>,
    episodes: HashMap<Uuid, Vec<Episode<Uuid>>>,
    promises: Vec<ServicePromise>,
    /// Per customer: the days earlier job searches ended.
    search_ends: HashMap<Uuid, Vec<NaiveDate>>,
    /// Per customer: the vacancies assigned to be applied for.
    vacancies: HashMap<Uuid, Vec<VacancyFacts>>,
    /// Per customer: open appointments booked to meet an obligation.
    booked: HashMap<Uuid, Vec<Booked>>,
    /// Per customer: their latest invoice's month and their counted
    /// benefit days at its end.
    funding: HashMap<Uuid, (polku_domain::figures::Month, u32)>,
}

/// How far ahead, in benefit days, a customer nearing a step of the
/// municipality's share is put on the worklist: four weeks, time for the
/// coach to act before it costs more.
pub const FUNDING_STEP_HORIZON: u32 = 20;

/// An appointment booked (or confirmed) to meet an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Booked {
    pub appointment_id: Uuid,
    pub starts_at: DateTime<Utc>,
    /// Its day in the area's time, compared with the obligation's due day.
    day: NaiveDate,
    meets: ObligationKind,
}

/// What a deadline needs of an assigned vacancy.
struct VacancyFacts {
    assigned_on: NaiveDate,
    apply_by: NaiveDate,
    applied: bool,
}

impl From<duties::Vacancy> for VacancyFacts {
    fn from(v: duties::Vacancy) -> Self {
        VacancyFacts { assigned_on: v.assigned_on, apply_by: v.apply_by, applied: v.applied_on.is_some() }
    }
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
    /// The appointment booked to meet the obligation by its due day: the
    /// obligation is planned, though not yet met.
    pub planned: Option<Booked>,
    /// For a customer nearing a step of the municipality's share: the
    /// step's percentage (due is the day it starts).
    pub funding_step: Option<u32>,
}

impl CaseData<Uuid> {
    /// Every fact of these customers, each meeting with its id: a
    /// customer's obligations name the meeting that met each.
    pub async fn load(tx: &mut Tx, ids: &[Uuid]) -> Result<CaseData<Uuid>, StoreError> {
        let mut data = CaseData::empty(tx).await?;
        for v in duties::vacancies_for(tx, ids).await? {
            data.vacancies.entry(v.customer_id).or_default().push(v.into());
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
            data.plans.entry(p.customer_id).or_default().add(
                p.plan_type,
                p.current.created_at,
                &p.current.content.tasks,
            );
        }
        data.add_episodes(tx, ids).await?;
        data.add_booked(tx, Scope::Listed, ids).await?;
        Ok(data)
    }
}

/// A plan's type, when its current version was made, and that version's tasks.
type PlanRow = (Uuid, String, DateTime<Utc>, Json<Vec<plans::Task>>);

impl CaseData<()> {
    /// The facts a worklist needs of the customers `ids`, found as `scope`
    /// says: as [`CaseData::load`], without the meetings' ids, in the same
    /// number of statements whatever the number of customers.
    pub async fn for_work(tx: &mut Tx, scope: Scope, ids: &[Uuid]) -> Result<CaseData<()>, StoreError> {
        let filter = scope.filter();
        let list = (scope == Scope::Listed).then_some(ids);
        let mut data = CaseData::empty(tx).await?;
        let vacancies: Vec<(Uuid, NaiveDate, NaiveDate, bool)> = bind(
            sqlx::query_as(&format!(
                "SELECT customer_id, assigned_on, apply_by, applied_on IS NOT NULL FROM vacancy_assignments \
                 WHERE {filter}"
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        for (customer, assigned_on, apply_by, applied) in vacancies {
            data.vacancies.entry(customer).or_default().push(VacancyFacts { assigned_on, apply_by, applied });
        }
        let ends: Vec<(Uuid, DateTime<Utc>)> = bind(
            sqlx::query_as(&format!(
                "SELECT customer_id, changed_at FROM customer_status_history WHERE {filter} AND status <> 'active'"
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        for (customer, at) in ends {
            data.search_ends.entry(customer).or_default().push(at.date_naive());
        }
        // Grouped in the database (in the order of the covering index of
        // migration 0014, so without a sort): a row per customer rather
        // than per meeting is what makes an area of 70,000 readable. For
        // the whole area, every meeting of the area: a join with the active
        // customers probes the index once per customer and took twice as
        // long as reading the index through; the few groups of customers
        // no longer active are ignored below.
        let meetings_filter = match scope {
            Scope::Listed => filter,
            Scope::ActiveInArea => "true",
        };
        // Days rather than instants (the UTC day, as `date_naive` gives for
        // the listed customers), and the kinds read in place from the row
        // rather than copied out one string each (one text per customer,
        // split in place): at 70,000 customers these are millions of values.
        let meetings = bind_query(
            sqlx::query(&format!(
                "SELECT customer_id, array_agg((starts_at AT TIME ZONE 'UTC')::date), string_agg(meeting_type, ',') \
                 FROM meetings WHERE {meetings_filter} GROUP BY tenant_id, customer_id"
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        data.meetings.reserve(meetings.len());
        for row in &meetings {
            let customer: Uuid = row.try_get(0)?;
            let days: Vec<NaiveDate> = row.try_get(1)?;
            let kinds: &str = row.try_get(2)?;
            let held = days
                .into_iter()
                .zip(kinds.split(','))
                .map(|(on, kind)| HeldMeeting {
                    id: (),
                    on,
                    kind: MeetingType::from_code(kind).unwrap_or(MeetingType::CoachingSession),
                })
                .collect();
            data.meetings.insert(customer, held);
        }
        drop(meetings);
        // Only what the facts use of each plan: its current version's day
        // and tasks, newest plan first (the first seen is the current one).
        let plans: Vec<PlanRow> = bind(
            sqlx::query_as(&format!(
                "SELECT p.customer_id, p.plan_type, v.created_at, v.tasks FROM employment_plans p \
                 JOIN plan_versions v ON v.tenant_id = p.tenant_id AND v.plan_id = p.plan_id \
                     AND v.version = p.current_version \
                 WHERE p.{filter} ORDER BY p.created_at DESC"
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        data.plans.reserve(plans.len());
        for (customer, plan_type, created_at, tasks) in plans {
            let plan_type = PlanType::from_code(&plan_type).unwrap_or(PlanType::EmploymentPlan);
            data.plans.entry(customer).or_default().add(plan_type, created_at, &tasks.0);
        }
        data.add_episodes(tx, ids).await?;
        data.add_booked(tx, scope, ids).await?;
        data.add_funding(tx, scope, ids).await?;
        Ok(data)
    }
}

/// Binds the list of customers where the scope has one.
fn bind<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    list: Option<&'q [Uuid]>,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    match list {
        Some(ids) => query.bind(ids),
        None => query,
    }
}

/// As [`bind`], for rows read by position.
fn bind_query<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    list: Option<&'q [Uuid]>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    match list {
        Some(ids) => query.bind(ids),
        None => query,
    }
}

impl PlanFacts {
    /// Adds a plan, the newest first.
    fn add(&mut self, plan_type: PlanType, current_at: DateTime<Utc>, tasks: &[plans::Task]) {
        let on = current_at.date_naive();
        if self.revised_on.is_none() {
            self.open_tasks = tasks.iter().filter(|t| t.done_on.is_none()).cloned().collect();
        }
        self.revised_on = self.revised_on.max(Some(on));
        if plan_type == PlanType::ActivationPlan {
            self.activation_revised_on = self.activation_revised_on.max(Some(on));
        }
    }
}

impl<M: Copy> CaseData<M> {
    async fn empty(tx: &mut Tx) -> Result<CaseData<M>, StoreError> {
        Ok(CaseData {
            meetings: HashMap::new(),
            plans: HashMap::new(),
            episodes: HashMap::new(),
            promises: promises::list(tx).await?.iter().map(promises::Promise::rule).collect(),
            search_ends: HashMap::new(),
            vacancies: HashMap::new(),
            booked: HashMap::new(),
            funding: HashMap::new(),
        })
    }

    /// Each customer's latest invoice line: its month and the counted days
    /// at its end.
    async fn add_funding(&mut self, tx: &mut Tx, scope: Scope, ids: &[Uuid]) -> Result<(), StoreError> {
        let list = (scope == Scope::Listed).then_some(ids);
        let rows: Vec<(Uuid, NaiveDate, i32)> = bind(
            sqlx::query_as(&format!(
                "SELECT DISTINCT ON (l.customer_id) l.customer_id, i.month, l.cumulative_days \
                 FROM kela_invoice_lines l JOIN kela_invoices i USING (tenant_id, invoice_id) \
                 WHERE l.{} ORDER BY l.customer_id, i.month DESC, l.cumulative_days DESC",
                scope.filter()
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        for (customer, month, cumulative) in rows {
            self.funding.insert(
                customer,
                (polku_domain::figures::Month::of(month), u32::try_from(cumulative).unwrap_or(0)),
            );
        }
        Ok(())
    }

    /// Open appointments booked to meet an obligation: few per customer
    /// (none for most), read in one statement.
    async fn add_booked(&mut self, tx: &mut Tx, scope: Scope, ids: &[Uuid]) -> Result<(), StoreError> {
        let zone = tx.require_tenant()?.time_zone.clone();
        let list = (scope == Scope::Listed).then_some(ids);
        let rows: Vec<(Uuid, Uuid, DateTime<Utc>, String)> = bind(
            sqlx::query_as(&format!(
                "SELECT customer_id, appointment_id, starts_at, meets FROM appointments \
                 WHERE {} AND state IN ('booked', 'confirmed') AND meets IS NOT NULL",
                scope.filter()
            )),
            list,
        )
        .fetch_all(tx.conn())
        .await?;
        for (customer, appointment_id, starts_at, meets) in rows {
            let Some(meets) = polku_domain::appointment::MeetsObligation::from_code(&meets) else { continue };
            self.booked.entry(customer).or_default().push(Booked {
                appointment_id,
                starts_at,
                day: polku_domain::calendar::local_date(starts_at, &zone),
                meets: meets.kind(),
            });
        }
        Ok(())
    }

    /// The first appointment still to come that is booked to meet an
    /// obligation of `kind` by `due`.
    fn planned(
        &self,
        customer: Uuid,
        kind: ObligationKind,
        due: NaiveDate,
        today: NaiveDate,
    ) -> Option<Booked> {
        self.booked
            .get(&customer)?
            .iter()
            .filter(|b| b.meets == kind && b.day >= today && b.day <= due)
            .min_by_key(|b| b.starts_at)
            .copied()
    }

    /// Service-path periods are few (one customer in five has any), so the
    /// path's own query serves every scope.
    async fn add_episodes(&mut self, tx: &mut Tx, ids: &[Uuid]) -> Result<(), StoreError> {
        for e in path::for_customers(tx, ids).await? {
            self.episodes.entry(e.customer_id).or_default().push(e.as_domain());
        }
        Ok(())
    }

    /// The customer's obligations: statutory (with the area's stricter
    /// promises), each assigned vacancy, and the activation-plan review of
    /// the service path.
    pub fn obligations(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        customer: &CaseCustomer,
        today: NaiveDate,
    ) -> Vec<Obligation<M>> {
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
                status: rules::deadline_status(v.apply_by, v.applied, today),
                met_by: None,
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
        customers: impl Iterator<Item = &'c CaseCustomer>,
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
                        planned: self.planned(c.id, o.kind, o.due, today),
                        funding_step: None,
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
                    planned: None,
                    funding_step: None,
                });
            }
        }
        sort(&mut items);
        items
    }

    /// As [`CaseData::work`], with the customers nearing a step of the
    /// municipality's share of their benefit (within
    /// [`FUNDING_STEP_HORIZON`] benefit days, their benefit assumed to go on
    /// since their latest invoice).
    pub fn work_with_funding<'c>(
        &self,
        rules: &Rules,
        path_rules: &PathRules,
        share: &polku_domain::municipal_share::ShareRules,
        customers: impl Iterator<Item = &'c CaseCustomer> + Clone,
        today: NaiveDate,
    ) -> Vec<WorkEntry> {
        use polku_domain::municipal_share::{days_by, nth_benefit_day_after};
        let mut items = self.work(rules, path_rules, customers.clone(), today);
        let Ok(rule) = share.in_force(today, today) else { return items };
        for c in customers {
            let Some((month, cumulative)) = self.funding.get(&c.id) else { continue };
            let days = days_by(*month, *cumulative, today);
            let Some(step) = rule.steps.iter().find(|s| s.from_day > days) else { continue };
            let ahead = step.from_day - days;
            if ahead > FUNDING_STEP_HORIZON {
                continue;
            }
            let due = nth_benefit_day_after(today, ahead);
            items.push(WorkEntry {
                customer_id: c.id,
                obligation: None,
                due: Some(due),
                status: rules::deadline_status(due, false, today),
                rule_version: Some(rule.id.clone()),
                task: None,
                planned: None,
                funding_step: Some(step.percent),
            });
        }
        sort(&mut items);
        items
    }
}

/// Overdue first, then by due date, undated last.
fn sort(items: &mut [WorkEntry]) {
    items.sort_by(|a, b| {
        let overdue = |i: &WorkEntry| i.status != ObligationStatus::Overdue;
        (overdue(a), a.due.is_none(), a.due).cmp(&(overdue(b), b.due.is_none(), b.due))
    });
}

/// A plan task's status, by the same measure as the statutory deadlines; a
/// task agreed without a date is never late.
fn task_status(due: Option<NaiveDate>, today: NaiveDate) -> ObligationStatus {
    due.map_or(ObligationStatus::Upcoming, |due| rules::deadline_status(due, false, today))
}
