//! The statutory service-model rules as data, versioned by the date they took
//! effect (`rules/service-model.toml`), and the obligations they put on an
//! area for each customer: the initial interview, job-search discussions,
//! supplementary discussions and the intensive periods, each with its due
//! date, the rule version that set it, and whether a meeting has met it.

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::calendar::{add_working_days, working_days_between};
use crate::customer::MeetingType;
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/service-model.toml");

/// One version of the rules.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct RuleVersion {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    pub initial_interview_working_days: u32,
    pub job_search_interval_days: u32,
    pub job_search_phase_months: u32,
    pub supplementary_interval_months: u32,
    pub intensive_after_months: u32,
    pub intensive_extra_discussions: u32,
    pub intensive_repeat_months: u32,
    pub default_job_search_obligation: u8,
}

#[derive(Deserialize)]
struct File {
    version: Vec<RuleVersion>,
}

/// All versions, oldest first.
#[derive(Clone, Debug)]
pub struct Rules {
    versions: Vec<RuleVersion>,
}

/// The earliest start date rules exist for, and the latest one accepted
/// (a start date further ahead is a typing error, not planning).
const FAR_FUTURE_DAYS: i64 = 366;

impl Rules {
    /// The embedded rules. They are checked by tests, so a parse failure here
    /// is a build defect.
    pub fn embedded() -> Rules {
        Rules::parse(SOURCE).expect("rules/service-model.toml is valid")
    }

    pub fn parse(source: &str) -> Result<Rules, String> {
        let mut file: File = toml::from_str(source).map_err(|e| e.to_string())?;
        file.version.sort_by_key(|v| v.effective_from);
        if file.version.is_empty() {
            return Err("no rule versions".into());
        }
        for v in &file.version {
            if v.default_job_search_obligation > 4 || v.job_search_interval_days == 0 {
                return Err(format!("{}: value out of range", v.id));
            }
        }
        Ok(Rules { versions: file.version })
    }

    pub fn versions(&self) -> &[RuleVersion] {
        &self.versions
    }

    /// The version in force on `date`; refuses dates before the first
    /// version and more than a year ahead of `today`.
    pub fn in_force(&self, date: NaiveDate, today: NaiveDate) -> Result<&RuleVersion, DomainError> {
        version_in_force(&self.versions, |v| v.effective_from, date, today, ErrorCode::NoRuleForDate)
    }

    /// The initial-interview deadline for a job search starting on `start`.
    pub fn initial_interview_deadline(
        &self,
        start: NaiveDate,
        today: NaiveDate,
    ) -> Result<(NaiveDate, &RuleVersion), DomainError> {
        let rule = self.in_force(start, today)?;
        Ok((add_working_days(start, rule.initial_interview_working_days), rule))
    }
}

/// Of `versions` (oldest first), the one in force on `date`: refuses a
/// date more than a year ahead of `today` (a typing error, not planning)
/// and one before the first version (`missing`, naming the first date).
pub(crate) fn version_in_force<T>(
    versions: &[T],
    effective_from: impl Fn(&T) -> NaiveDate,
    date: NaiveDate,
    today: NaiveDate,
    missing: ErrorCode,
) -> Result<&T, DomainError> {
    if (date - today).num_days() > FAR_FUTURE_DAYS {
        return Err(DomainError::new(ErrorCode::DateTooFarAhead).with_arg("value", date));
    }
    versions.iter().rev().find(|v| effective_from(v) <= date).ok_or_else(|| {
        let first = versions.first().map(&effective_from).map(|d| d.to_string()).unwrap_or_default();
        DomainError::new(missing).with_arg("value", date).with_arg("first", first)
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObligationKind {
    InitialInterview,
    JobSearchDiscussion,
    SupplementaryDiscussion,
    IntensiveDiscussion,
    /// The plan is drawn up at the initial interview and reviewed at each
    /// discussion after it.
    PlanReview,
    /// The activation plan, reviewed before 24 months of rehabilitative
    /// work activity (from the service path).
    ActivationPlanReview,
}

/// A promise an area makes beyond the statute (palvelulupaus /
/// servicelöfte), e.g. "every customer under 30 meets a coach every two
/// weeks". It binds while in effect, for customers of its age range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePromise {
    /// How obligations it sets name it, e.g. "promise:under-30".
    pub id: String,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub interview_working_days: Option<u32>,
    pub discussion_interval_days: Option<u32>,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
}

impl ServicePromise {
    fn binds(&self, birth_date: NaiveDate, on: NaiveDate) -> bool {
        let age = crate::customer::age_on(birth_date, on);
        self.effective_from <= on
            && self.effective_until.is_none_or(|u| on <= u)
            && self.min_age.is_none_or(|a| age >= a)
            && self.max_age.is_none_or(|a| age <= a)
    }
}

/// The strictest of an area's promises for one customer, each value with
/// the promise that set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalPromise {
    pub interview_working_days: Option<(u32, String)>,
    pub discussion_interval_days: Option<(u32, String)>,
}

impl LocalPromise {
    /// The interview promise is the one binding on the day the job search
    /// began (when the obligation arose); the discussion promise the one
    /// binding today, since each discussion's deadline arises anew.
    pub fn strictest(
        promises: &[ServicePromise],
        birth_date: NaiveDate,
        start: NaiveDate,
        today: NaiveDate,
    ) -> LocalPromise {
        let pick = |on: NaiveDate, value: fn(&ServicePromise) -> Option<u32>| {
            promises
                .iter()
                .filter(|p| p.binds(birth_date, on))
                .filter_map(|p| value(p).map(|v| (v, p.id.clone())))
                .min()
        };
        LocalPromise {
            interview_working_days: pick(start, |p| p.interview_working_days),
            discussion_interval_days: pick(today, |p| p.discussion_interval_days),
        }
    }
}

/// What the rules need to know of one customer.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts<'a, Id> {
    pub job_search_started_on: NaiveDate,
    /// Every meeting, held or booked.
    pub meetings: &'a [HeldMeeting<Id>],
    /// The day the customer's plan was last drawn up or revised.
    pub plan_revised_on: Option<NaiveDate>,
    pub promise: &'a LocalPromise,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObligationStatus {
    /// Past due and not met: first on every worklist.
    Overdue,
    /// Due within three working days.
    DueSoon,
    Upcoming,
    Met,
}

/// A meeting as the rules see it.
#[derive(Clone, Copy, Debug)]
pub struct HeldMeeting<Id> {
    pub id: Id,
    pub on: NaiveDate,
    pub kind: MeetingType,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation<Id> {
    pub kind: ObligationKind,
    pub due: NaiveDate,
    /// The rule version that set it.
    pub rule: String,
    pub status: ObligationStatus,
    pub met_by: Option<Id>,
}

fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

/// Where something due on `due` stands on `today`: met, overdue, due within
/// three working days, or upcoming.
pub fn deadline_status(due: NaiveDate, met: bool, today: NaiveDate) -> ObligationStatus {
    if met {
        ObligationStatus::Met
    } else if today > due {
        ObligationStatus::Overdue
    } else if working_days_between(today, due) <= 3 {
        ObligationStatus::DueSoon
    } else {
        ObligationStatus::Upcoming
    }
}

/// The day the plan must have been revised by, as of `as_of`: the latest
/// discussion held (the initial interview drew the plan up, and every
/// discussion after it reviews it). Coaching sessions do not count. The
/// worklists and the oversight figures both use this one rule.
pub fn plan_review_due<'a, Id: 'a>(
    held: impl IntoIterator<Item = &'a HeldMeeting<Id>>,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    held.into_iter().filter(|m| m.on <= as_of && m.kind != MeetingType::CoachingSession).map(|m| m.on).max()
}

/// The obligations for a customer whose job search began on `start`, given
/// the meetings held, as of `today`. Each chain of discussions counts from
/// the meeting that met the previous one (or from the previous due date when
/// it was missed), so a late meeting moves the next deadline rather than
/// leaving a trail of overdue ones; only the next open obligation of each
/// chain is listed beside those already met.
///
/// Where an area's promise is stricter than the statute, the promise sets
/// the deadline and the obligation names it instead of the rule version.
pub fn obligations<Id: Copy>(
    rules: &Rules,
    facts: &CaseFacts<'_, Id>,
    today: NaiveDate,
) -> Result<Vec<Obligation<Id>>, DomainError> {
    let start = facts.job_search_started_on;
    let rule = rules.in_force(start, today)?;
    let mut held: Vec<&HeldMeeting<Id>> = facts.meetings.iter().filter(|m| m.on >= start).collect();
    held.sort_by_key(|m| m.on);
    let mut out = Vec::new();
    // The stricter of statute and promise, with whichever set it.
    let stricter = |statute: u32, promise: &Option<(u32, String)>| match promise {
        Some((days, id)) if *days < statute => (*days, id.clone()),
        _ => (statute, rule.id.clone()),
    };

    // The initial interview.
    let (days, set_by) = stricter(rule.initial_interview_working_days, &facts.promise.interview_working_days);
    let due = add_working_days(start, days);
    let interview = held.iter().find(|m| m.kind == MeetingType::InitialInterview);
    out.push(Obligation {
        kind: ObligationKind::InitialInterview,
        due,
        rule: set_by,
        status: deadline_status(due, interview.is_some(), today),
        met_by: interview.map(|m| m.id),
    });
    let Some(interview) = interview else { return Ok(out) };

    // The plan, reviewed at the latest discussion held (the initial
    // interview drew it up).
    if let Some(on) = plan_review_due(held.iter().copied(), today) {
        let met = facts.plan_revised_on.is_some_and(|r| r >= on);
        out.push(Obligation {
            kind: ObligationKind::PlanReview,
            due: on,
            rule: rule.id.clone(),
            status: deadline_status(on, met, today),
            met_by: None,
        });
    }

    let is_discussion = |m: &&&HeldMeeting<Id>| {
        matches!(
            m.kind,
            MeetingType::JobSearchDiscussion
                | MeetingType::SupplementaryDiscussion
                | MeetingType::TripartiteDiscussion
        )
    };
    // A chain: from `anchor`, every `step` until `until`, met by any discussion.
    let mut chain = |kind,
                     set_by: &str,
                     mut anchor: NaiveDate,
                     step: &dyn Fn(NaiveDate) -> NaiveDate,
                     until: NaiveDate| loop {
        let due = step(anchor);
        if due > until {
            return;
        }
        let met =
            held.iter().filter(is_discussion).find(|m| m.on > anchor && m.on <= due.max(today).min(until));
        match met {
            Some(m) => {
                out.push(Obligation {
                    kind,
                    due,
                    rule: set_by.to_owned(),
                    status: ObligationStatus::Met,
                    met_by: Some(m.id),
                });
                anchor = m.on;
            }
            None => {
                out.push(Obligation {
                    kind,
                    due,
                    rule: set_by.to_owned(),
                    status: deadline_status(due, false, today),
                    met_by: None,
                });
                return;
            }
        }
    };
    let phase_end = plus_months(start, rule.job_search_phase_months);
    let (interval, set_by) = stricter(rule.job_search_interval_days, &facts.promise.discussion_interval_days);
    chain(
        ObligationKind::JobSearchDiscussion,
        &set_by,
        interview.on,
        &|d| d + chrono::Days::new(u64::from(interval)),
        phase_end,
    );
    let horizon = plus_months(today, rule.supplementary_interval_months);
    let months = rule.supplementary_interval_months;
    let last_job_search = held.iter().filter(is_discussion).filter(|m| m.on <= phase_end).map(|m| m.on).max();
    let anchor = last_job_search.unwrap_or(phase_end).max(phase_end);
    // A promise in days is stricter than the statute's months when it comes
    // sooner from the same anchor.
    let by_statute = |d: NaiveDate| plus_months(d, months);
    match &facts.promise.discussion_interval_days {
        Some((days, id)) if anchor + chrono::Days::new(u64::from(*days)) < by_statute(anchor) => {
            let days = u64::from(*days);
            chain(
                ObligationKind::SupplementaryDiscussion,
                id,
                anchor,
                &|d| d + chrono::Days::new(days),
                horizon,
            )
        }
        _ => chain(ObligationKind::SupplementaryDiscussion, &rule.id, anchor, &by_statute, horizon),
    }

    // Intensive periods: at 6, 12, 18... months, extra discussions spread
    // over the following month each.
    let mut mark = plus_months(start, rule.intensive_after_months);
    while mark <= horizon {
        let period_end = plus_months(mark, 1);
        for i in 0..rule.intensive_extra_discussions {
            let due =
                mark + chrono::Days::new(u64::from((i + 1) * 30 / rule.intensive_extra_discussions.max(1)));
            let met = held
                .iter()
                .filter(is_discussion)
                .filter(|m| m.on >= mark && m.on <= period_end)
                .nth(i as usize)
                .map(|m| m.id);
            out.push(Obligation {
                kind: ObligationKind::IntensiveDiscussion,
                due: due.min(period_end),
                rule: rule.id.clone(),
                status: deadline_status(due.min(period_end), met.is_some(), today),
                met_by: met,
            });
        }
        mark = plus_months(mark, rule.intensive_repeat_months);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn meeting(id: u32, on: NaiveDate, kind: MeetingType) -> HeldMeeting<u32> {
        HeldMeeting { id, on, kind }
    }

    const NO_PROMISE: &LocalPromise =
        &LocalPromise { interview_working_days: None, discussion_interval_days: None };

    fn facts(start: NaiveDate, meetings: &[HeldMeeting<u32>]) -> CaseFacts<'_, u32> {
        CaseFacts { job_search_started_on: start, meetings, plan_revised_on: None, promise: NO_PROMISE }
    }

    #[test]
    fn the_embedded_rules_parse_and_are_ordered() {
        let rules = Rules::embedded();
        let versions = rules.versions();
        assert_eq!(versions.len(), 2);
        assert!(versions.windows(2).all(|w| w[0].effective_from < w[1].effective_from));
        assert_eq!(versions[0].effective_from, d(2022, 5, 2));
        assert_eq!(versions[1].effective_from, d(2026, 1, 1));
    }

    #[test]
    fn the_initial_interview_deadline_follows_the_rule_in_force_on_the_start_date() {
        let rules = Rules::embedded();
        let today = d(2026, 11, 24);
        // Before 1.1.2026: five working days (Monday + 5 = next Monday).
        let (due, rule) = rules.initial_interview_deadline(d(2025, 11, 24), today).unwrap();
        assert_eq!((due, rule.id.as_str()), (d(2025, 12, 1), "nordic-2022"));
        // From 1.1.2026: ten working days.
        let (due, rule) = rules.initial_interview_deadline(d(2026, 11, 23), today).unwrap();
        assert_eq!((due, rule.id.as_str()), (d(2026, 12, 7), "nordic-2026"), "6.12.2026 is a Sunday");
        // Across Christmas 2025 under the old rule: 22.12. + 5 = 2.1.2026.
        assert_eq!(rules.initial_interview_deadline(d(2025, 12, 22), today).unwrap().0, d(2026, 1, 2));
        assert_eq!(
            rules.initial_interview_deadline(d(2021, 1, 4), today).unwrap_err().code,
            ErrorCode::NoRuleForDate
        );
        assert_eq!(
            rules.initial_interview_deadline(d(2030, 1, 1), today).unwrap_err().code,
            ErrorCode::DateTooFarAhead
        );
    }

    #[test]
    fn obligations_are_met_by_meetings_and_chains_move_with_them() {
        let rules = Rules::embedded();
        let start = d(2026, 3, 2);
        let meetings = [
            meeting(1, d(2026, 3, 10), MeetingType::InitialInterview),
            meeting(2, d(2026, 3, 20), MeetingType::JobSearchDiscussion),
        ];
        let today = d(2026, 4, 10);
        let list = obligations(&rules, &facts(start, &meetings), today).unwrap();
        let interview = &list[0];
        assert_eq!(
            (interview.kind, interview.status, interview.met_by),
            (ObligationKind::InitialInterview, ObligationStatus::Met, Some(1))
        );
        assert_eq!(interview.due, d(2026, 3, 16), "ten working days from Monday 2.3.");
        let js: Vec<_> = list.iter().filter(|o| o.kind == ObligationKind::JobSearchDiscussion).collect();
        assert_eq!(js[0].met_by, Some(2));
        assert_eq!(js[1].due, d(2026, 4, 3), "two weeks from the last discussion");
        assert_eq!(js[1].status, ObligationStatus::Overdue);
        assert_eq!(js.len(), 2, "only the next open obligation of a chain is listed");
    }

    #[test]
    fn an_unmet_initial_interview_is_due_soon_then_overdue() {
        let rules = Rules::embedded();
        let start = d(2026, 11, 2);
        let due = rules.initial_interview_deadline(start, start).unwrap().0;
        assert_eq!(due, d(2026, 11, 16));
        let status = |today| obligations(&rules, &facts(start, &[]), today).unwrap()[0].status;
        assert_eq!(status(d(2026, 11, 3)), ObligationStatus::Upcoming);
        assert_eq!(status(d(2026, 11, 12)), ObligationStatus::DueSoon);
        assert_eq!(status(d(2026, 11, 17)), ObligationStatus::Overdue);
    }

    #[test]
    fn long_job_searches_get_supplementary_and_intensive_discussions() {
        let rules = Rules::embedded();
        let start = d(2026, 1, 5);
        let meetings = [meeting(1, d(2026, 1, 8), MeetingType::InitialInterview)];
        let list = obligations(&rules, &facts(start, &meetings), d(2026, 8, 1)).unwrap();
        assert!(list.iter().any(|o| o.kind == ObligationKind::SupplementaryDiscussion));
        let intensive: Vec<_> =
            list.iter().filter(|o| o.kind == ObligationKind::IntensiveDiscussion).collect();
        assert_eq!(intensive.len(), 2, "two extra discussions after six months");
        assert!(intensive.iter().all(|o| o.due >= d(2026, 7, 5) && o.due <= d(2026, 8, 5)));
    }

    #[test]
    fn the_stricter_of_statute_and_promise_applies() {
        let rules = Rules::embedded();
        let under_30 = ServicePromise {
            id: "promise:under-30".into(),
            min_age: None,
            max_age: Some(29),
            interview_working_days: Some(3),
            discussion_interval_days: Some(7),
            effective_from: d(2026, 1, 1),
            effective_until: None,
        };
        // A looser promise never loosens the statute.
        let loose = ServicePromise {
            id: "promise:loose".into(),
            max_age: None,
            interview_working_days: Some(20),
            discussion_interval_days: Some(60),
            ..under_30.clone()
        };
        let promises = [under_30, loose];
        let start = d(2026, 3, 2);
        let today = d(2026, 3, 20);
        let young = LocalPromise::strictest(&promises, d(2000, 1, 1), start, today);
        let old = LocalPromise::strictest(&promises, d(1970, 1, 1), start, today);
        assert_eq!(young.discussion_interval_days, Some((7, "promise:under-30".into())));
        assert_eq!(old.interview_working_days, Some((20, "promise:loose".into())));

        let meetings = [meeting(1, d(2026, 3, 4), MeetingType::InitialInterview)];
        let with = |promise: &LocalPromise| {
            let facts = CaseFacts { promise, ..facts(start, &meetings) };
            obligations(&rules, &facts, today).unwrap()
        };
        let list = with(&young);
        assert_eq!((list[0].due, list[0].rule.as_str()), (d(2026, 3, 5), "promise:under-30"));
        let next = list.iter().find(|o| o.kind == ObligationKind::JobSearchDiscussion).unwrap();
        assert_eq!((next.due, next.rule.as_str()), (d(2026, 3, 11), "promise:under-30"));
        let list = with(&old);
        assert_eq!((list[0].due, list[0].rule.as_str()), (d(2026, 3, 16), "nordic-2026"));
        let next = list.iter().find(|o| o.kind == ObligationKind::JobSearchDiscussion).unwrap();
        assert_eq!((next.due, next.rule.as_str()), (d(2026, 3, 18), "nordic-2026"));
    }

    #[test]
    fn the_plan_is_reviewed_at_the_latest_discussion() {
        let rules = Rules::embedded();
        let start = d(2026, 3, 2);
        let meetings = [
            meeting(1, d(2026, 3, 4), MeetingType::InitialInterview),
            meeting(2, d(2026, 3, 18), MeetingType::JobSearchDiscussion),
            // Booked, not held: does not yet ask for a review.
            meeting(3, d(2026, 4, 1), MeetingType::JobSearchDiscussion),
        ];
        let today = d(2026, 3, 20);
        let review = |revised| {
            let facts = CaseFacts { plan_revised_on: revised, ..facts(start, &meetings) };
            obligations(&rules, &facts, today)
                .unwrap()
                .into_iter()
                .find(|o| o.kind == ObligationKind::PlanReview)
                .unwrap()
        };
        let missing = review(None);
        assert_eq!((missing.due, missing.status), (d(2026, 3, 18), ObligationStatus::Overdue));
        assert_eq!(
            review(Some(d(2026, 3, 4))).status,
            ObligationStatus::Overdue,
            "reviewed before the discussion"
        );
        assert_eq!(review(Some(d(2026, 3, 18))).status, ObligationStatus::Met);
    }
}
