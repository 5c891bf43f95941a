//! The statutory service-model rules as data, versioned by the date they took
//! effect (`rules/service-model.toml`), and the obligations they put on an
//! area for each customer: the initial interview, job-search discussions,
//! supplementary discussions and the intensive periods, each with its due
//! date, the rule version that set it, and whether a meeting has met it.

use chrono::{Days, Months, NaiveDate};
use serde::Deserialize;

use crate::calendar::{add_working_days, working_days_between};
use crate::customer::MeetingType;
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/service-model.toml");

/// One version of the rules.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleVersion {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    /// What of this version could not be confirmed from its sources.
    #[serde(default)]
    pub unverified: Option<String>,
    pub initial_interview_working_days: u32,
    pub job_search_discussion_interval_months: u32,
    /// Supplementary discussions in the first months (2022–2025 only).
    #[serde(default)]
    pub supplementary_interval_days: Option<u32>,
    #[serde(default)]
    pub supplementary_phase_months: Option<u32>,
    /// Intensive periods (2022–2025 only).
    #[serde(default)]
    pub intensive_after_months: Option<u32>,
    #[serde(default)]
    pub intensive_extra_discussions: Option<u32>,
    #[serde(default)]
    pub intensive_repeat_months: Option<u32>,
    pub new_interview_after_gap_months: u32,
    pub default_job_search_obligation: u8,
}

impl RuleVersion {
    /// The two-weekly supplementary discussions of the first months, if this
    /// version has them: (interval in days, phase in months).
    fn supplementary(&self) -> Option<(u32, u32)> {
        Some((self.supplementary_interval_days?, self.supplementary_phase_months?))
    }

    /// The intensive periods, if this version has them: (first after months,
    /// discussions in each, repeated every months).
    fn intensive(&self) -> Option<(u32, u32, u32)> {
        Some((self.intensive_after_months?, self.intensive_extra_discussions?, self.intensive_repeat_months?))
    }
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
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> Rules {
        Rules::parse(SOURCE).expect("rules/service-model.toml is valid")
    }

    pub fn parse(source: &str) -> Result<Rules, String> {
        let versions = parse_versions(source, |v: &RuleVersion| v.effective_from, |v| &v.id)?;
        for v in &versions {
            let partial = v.supplementary_interval_days.is_some() != v.supplementary_phase_months.is_some()
                || [v.intensive_after_months, v.intensive_extra_discussions, v.intensive_repeat_months]
                    .iter()
                    .filter(|x| x.is_some())
                    .count()
                    % 3
                    != 0;
            if v.default_job_search_obligation > 4
                || v.job_search_discussion_interval_months == 0
                || v.supplementary_interval_days == Some(0)
                || v.intensive_repeat_months == Some(0)
                || v.source.trim().is_empty()
                || partial
            {
                return Err(format!("{}: value out of range or incomplete", v.id));
            }
        }
        Ok(Rules { versions })
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

/// The `[[version]]`s of a rule file, oldest first. Refuses a file with none,
/// and two versions taking effect on the same day (the version in force
/// would be ambiguous). Each rule book checks its own values after this.
pub fn parse_versions<T: serde::de::DeserializeOwned>(
    source: &str,
    effective_from: impl Fn(&T) -> NaiveDate,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File<T> {
        version: Vec<T>,
    }
    let mut versions = toml::from_str::<File<T>>(source).map_err(|e| e.to_string())?.version;
    versions.sort_by_key(&effective_from);
    if versions.is_empty() {
        return Err("no rule versions".into());
    }
    if let Some(pair) = versions.windows(2).find(|p| effective_from(&p[0]) == effective_from(&p[1])) {
        return Err(format!("{} and {} take effect on the same day", id(&pair[0]), id(&pair[1])));
    }
    Ok(versions)
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
    /// A vacancy the coach assigned, to be applied for by its deadline.
    VacancyApplication,
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
    /// The day the customer's previous job search ended, if one did before
    /// this one began: within the gap the rules set, the job search
    /// continues and no new initial interview is owed.
    pub previous_job_search_ended_on: Option<NaiveDate>,
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

/// Whether a job search beginning on `start` continues the previous one
/// (which ended on `previous_end`): it does when the gap is shorter than the
/// rule in force on `start` sets, and then no new initial interview is owed.
pub fn continues_previous_search(
    rules: &Rules,
    start: NaiveDate,
    previous_end: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<bool, DomainError> {
    let rule = rules.in_force(start, today)?;
    Ok(previous_end
        .is_some_and(|end| end <= start && start < plus_months(end, rule.new_interview_after_gap_months)))
}

/// The obligations for a customer whose job search began on `start`, given
/// the meetings held, as of `today`.
///
/// Each obligation follows the rule version in force on the day it arose:
/// the initial interview on the day the job search began, a discussion on
/// the day of the meeting before it (or the day that one was due, when it was
/// missed), an intensive period on the day it begins. A chain whose next
/// obligation would arise under a version without it ends there: from
/// 1.1.2026 no new supplementary discussion or intensive period arises.
///
/// Each chain counts from the meeting that met the previous obligation (or
/// from the previous due date when it was missed), so a late meeting moves
/// the next deadline rather than leaving a trail of overdue ones; only the
/// next open obligation of each chain is listed beside those already met.
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
    let continuing = continues_previous_search(rules, start, facts.previous_job_search_ended_on, today)?;
    let mut all: Vec<&HeldMeeting<Id>> = facts.meetings.iter().collect();
    all.sort_by_key(|m| m.on);
    let held: Vec<&HeldMeeting<Id>> = all.iter().copied().filter(|m| m.on >= start).collect();
    let mut out = Vec::new();
    // The rule for an obligation arising on `on`: dates before the first
    // version (an old customer's history) fall back to the first.
    let at = |on: NaiveDate| rules.in_force(on, today).unwrap_or(&rules.versions[0]);

    // The initial interview, unless the job search continues the previous
    // one; then the chain counts from the last discussion of that one.
    let anchor = if continuing {
        let last =
            all.iter().filter(|m| m.on < start && m.kind != MeetingType::CoachingSession).map(|m| m.on).max();
        last.unwrap_or(start)
    } else {
        let (days, set_by) = match &facts.promise.interview_working_days {
            Some((days, id)) if *days < rule.initial_interview_working_days => (*days, id.clone()),
            _ => (rule.initial_interview_working_days, rule.id.clone()),
        };
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
        interview.on
    };

    // The plan, reviewed at the latest discussion held (the initial
    // interview drew it up).
    if let Some(on) = plan_review_due(held.iter().copied(), today) {
        let met = facts.plan_revised_on.is_some_and(|r| r >= on);
        out.push(Obligation {
            kind: ObligationKind::PlanReview,
            due: on,
            rule: at(on).id.clone(),
            status: deadline_status(on, met, today),
            met_by: None,
        });
    }

    let discussions: Vec<&HeldMeeting<Id>> = held
        .iter()
        .copied()
        .filter(|m| {
            matches!(
                m.kind,
                MeetingType::JobSearchDiscussion
                    | MeetingType::SupplementaryDiscussion
                    | MeetingType::TripartiteDiscussion
            )
        })
        .collect();
    // How far ahead to list: the next open obligation of every chain.
    let horizon = plus_months(today, 3);

    // Job-search discussions: every three months (or the promise's
    // interval, when stricter) from the interview, then from each one held.
    chain(
        &mut out,
        &discussions,
        today,
        ObligationKind::JobSearchDiscussion,
        true,
        anchor,
        horizon,
        |from| {
            let rule = at(from);
            let statute = plus_months(from, rule.job_search_discussion_interval_months);
            Some(match &facts.promise.discussion_interval_days {
                Some((days, id)) if from + Days::new(u64::from(*days)) < statute => {
                    (from + Days::new(u64::from(*days)), id.clone())
                }
                _ => (statute, rule.id.clone()),
            })
        },
    );

    // Supplementary discussions of the first months, under the versions
    // that have them, counted from the interview.
    if !continuing {
        chain(
            &mut out,
            &discussions,
            today,
            ObligationKind::SupplementaryDiscussion,
            false,
            anchor,
            horizon,
            |from| {
                let rule = at(from);
                let (days, months) = rule.supplementary()?;
                let due = from + Days::new(u64::from(days));
                (due <= plus_months(start, months)).then(|| (due, rule.id.clone()))
            },
        );
    }

    // Intensive periods: the first some months into the job search, then
    // at the same step, each under the version in force on the day it
    // begins; one that would begin under a version without them does not
    // arise (none does from 1.1.2026).
    if let Some((after, _, repeat)) = rule.intensive() {
        let mut mark = plus_months(start, after);
        while mark <= horizon {
            let rule = at(mark);
            if let Some((_, extra, _)) = rule.intensive() {
                let period_end = plus_months(mark, 1);
                for i in 0..extra {
                    let due = (mark + Days::new(u64::from((i + 1) * 30 / extra.max(1)))).min(period_end);
                    let met = discussions
                        .iter()
                        .filter(|m| m.on >= mark && m.on <= period_end)
                        .nth(i as usize)
                        .map(|m| m.id);
                    out.push(Obligation {
                        kind: ObligationKind::IntensiveDiscussion,
                        due,
                        rule: rule.id.clone(),
                        status: deadline_status(due, met.is_some(), today),
                        met_by: met,
                    });
                }
            }
            mark = plus_months(mark, repeat);
        }
    }
    Ok(out)
}

/// A chain of discussions from `anchor`: `next(from)` gives the next due
/// date and the rule (or promise) that sets it, or `None` when no such
/// obligation arises on `from`. A discussion after the anchor and by the due
/// date meets it (the first such for a chain of frequent meetings, the last
/// for one counted "since the previous discussion", `latest`); failing that,
/// a late one held by today does. The meeting that met it is the next anchor.
#[allow(clippy::too_many_arguments)]
fn chain<Id: Copy>(
    out: &mut Vec<Obligation<Id>>,
    discussions: &[&HeldMeeting<Id>],
    today: NaiveDate,
    kind: ObligationKind,
    latest: bool,
    mut anchor: NaiveDate,
    horizon: NaiveDate,
    next: impl Fn(NaiveDate) -> Option<(NaiveDate, String)>,
) {
    while let Some((due, set_by)) = next(anchor) {
        if due > horizon {
            return;
        }
        let mut in_time = discussions.iter().filter(|m| m.on > anchor && m.on <= due);
        let met = if latest { in_time.next_back() } else { in_time.next() }
            .or_else(|| discussions.iter().find(|m| m.on > due && m.on <= today));
        match met {
            Some(m) => {
                out.push(Obligation {
                    kind,
                    due,
                    rule: set_by,
                    status: ObligationStatus::Met,
                    met_by: Some(m.id),
                });
                anchor = m.on;
            }
            None => {
                out.push(Obligation {
                    kind,
                    due,
                    rule: set_by,
                    status: deadline_status(due, false, today),
                    met_by: None,
                });
                return;
            }
        }
    }
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
        CaseFacts {
            job_search_started_on: start,
            previous_job_search_ended_on: None,
            meetings,
            plan_revised_on: None,
            promise: NO_PROMISE,
        }
    }

    fn of(list: &[Obligation<u32>], kind: ObligationKind) -> Vec<&Obligation<u32>> {
        list.iter().filter(|o| o.kind == kind).collect()
    }

    #[test]
    fn the_embedded_rules_parse_are_ordered_and_name_their_sources() {
        let rules = Rules::embedded();
        let versions = rules.versions();
        let dates: Vec<_> = versions.iter().map(|v| (v.id.as_str(), v.effective_from)).collect();
        assert_eq!(
            dates,
            [
                ("nordic-2022", d(2022, 5, 2)),
                ("employment-services-2025", d(2025, 1, 1)),
                ("job-seeker-2026", d(2026, 1, 1))
            ]
        );
        assert!(versions.iter().all(|v| !v.source.is_empty()));
        // 2026: no statutory supplementary discussions, no intensive period.
        assert_eq!(versions[2].supplementary(), None);
        assert_eq!(versions[2].intensive(), None);
        assert_eq!(versions[1].supplementary(), Some((14, 3)));
        // A version with half a rule is refused.
        let broken = include_str!("../rules/service-model.toml")
            .replace("supplementary_phase_months = 3\nintensive_after_months = 6\nintensive_extra_discussions = 2\nintensive_repeat_months = 6\nnew_interview_after_gap_months = 6\ndefault_job_search_obligation = 4\n\n[[version]]\nid = \"job-seeker-2026\"", "intensive_after_months = 6\nnew_interview_after_gap_months = 6\ndefault_job_search_obligation = 4\n\n[[version]]\nid = \"job-seeker-2026\"");
        assert!(Rules::parse(&broken).is_err());
    }

    #[test]
    fn each_version_takes_effect_on_its_day() {
        let rules = Rules::embedded();
        let today = d(2026, 11, 24);
        let rule = |on| rules.in_force(on, today).map(|r| r.id.clone());
        assert_eq!(rules.in_force(d(2022, 5, 1), today).unwrap_err().code, ErrorCode::NoRuleForDate);
        assert_eq!(rule(d(2022, 5, 2)).unwrap(), "nordic-2022");
        assert_eq!(rule(d(2024, 12, 31)).unwrap(), "nordic-2022");
        assert_eq!(rule(d(2025, 1, 1)).unwrap(), "employment-services-2025");
        assert_eq!(rule(d(2025, 12, 31)).unwrap(), "employment-services-2025");
        assert_eq!(rule(d(2026, 1, 1)).unwrap(), "job-seeker-2026");
    }

    #[test]
    fn the_initial_interview_deadline_follows_the_rule_in_force_on_the_start_date() {
        let rules = Rules::embedded();
        let today = d(2026, 11, 24);
        // Before 1.1.2026: five working days (Monday + 5 = next Monday).
        let (due, rule) = rules.initial_interview_deadline(d(2025, 11, 24), today).unwrap();
        assert_eq!((due, rule.id.as_str()), (d(2025, 12, 1), "employment-services-2025"));
        // The day before and the day the 2026 rule takes effect.
        let (due, rule) = rules.initial_interview_deadline(d(2025, 12, 31), today).unwrap();
        assert_eq!(
            (due, rule.id.as_str()),
            (d(2026, 1, 9), "employment-services-2025"),
            "1.1. and 6.1. are holidays"
        );
        let (due, rule) = rules.initial_interview_deadline(d(2026, 1, 1), today).unwrap();
        assert_eq!((due, rule.id.as_str()), (d(2026, 1, 16), "job-seeker-2026"));
        // From 1.1.2026: ten working days.
        let (due, rule) = rules.initial_interview_deadline(d(2026, 11, 23), today).unwrap();
        assert_eq!((due, rule.id.as_str()), (d(2026, 12, 7), "job-seeker-2026"), "6.12.2026 is a Sunday");
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
    fn a_job_search_of_2026_owes_a_discussion_every_three_months_and_nothing_more() {
        // Job search from 2.2.2026, interviewed on 10.2.2026, plan drawn up then.
        let rules = Rules::embedded();
        let start = d(2026, 2, 2);
        let meetings = [meeting(1, d(2026, 2, 10), MeetingType::InitialInterview)];
        for today in [d(2026, 2, 24), d(2026, 8, 15), d(2026, 11, 1)] {
            let f = CaseFacts { plan_revised_on: Some(d(2026, 2, 10)), ..facts(start, &meetings) };
            let list = obligations(&rules, &f, today).unwrap();
            assert!(of(&list, ObligationKind::SupplementaryDiscussion).is_empty(), "{today}: {list:?}");
            assert!(of(&list, ObligationKind::IntensiveDiscussion).is_empty(), "{today}: {list:?}");
            assert!(list.iter().all(|o| o.rule == "job-seeker-2026"), "{list:?}");
            let js = of(&list, ObligationKind::JobSearchDiscussion);
            assert_eq!(js.len(), 1);
            assert_eq!(js[0].due, d(2026, 5, 10), "three months from the interview");
        }
        let on_24_2 = obligations(&rules, &facts(start, &meetings), d(2026, 2, 24)).unwrap();
        assert!(
            on_24_2
                .iter()
                .all(|o| o.status != ObligationStatus::Overdue || o.kind == ObligationKind::PlanReview),
            "nothing but the plan review can be late on 24.2.2026: {on_24_2:?}"
        );
        // The next one counts from the discussion held.
        let held = [
            meeting(1, d(2026, 2, 10), MeetingType::InitialInterview),
            meeting(2, d(2026, 5, 4), MeetingType::JobSearchDiscussion),
        ];
        let list = obligations(&rules, &facts(start, &held), d(2026, 5, 20)).unwrap();
        let js = of(&list, ObligationKind::JobSearchDiscussion);
        assert_eq!((js[0].status, js[0].met_by), (ObligationStatus::Met, Some(2)));
        assert_eq!(js[1].due, d(2026, 8, 4));
    }

    #[test]
    fn a_job_search_begun_in_2025_keeps_what_arose_before_2026_and_follows_2026_after() {
        let rules = Rules::embedded();
        let start = d(2025, 10, 20);
        let mut meetings = vec![meeting(1, d(2025, 10, 22), MeetingType::InitialInterview)];
        // Supplementary discussions every two weeks to the end of 2025.
        for (i, day) in [5, 19].iter().enumerate() {
            meetings.push(meeting(
                10 + u32::try_from(i).unwrap(),
                d(2025, 11, *day),
                MeetingType::SupplementaryDiscussion,
            ));
        }
        meetings.push(meeting(20, d(2025, 12, 3), MeetingType::SupplementaryDiscussion));
        meetings.push(meeting(21, d(2025, 12, 31), MeetingType::SupplementaryDiscussion));
        let list = obligations(&rules, &facts(start, &meetings), d(2026, 2, 1)).unwrap();
        let sup = of(&list, ObligationKind::SupplementaryDiscussion);
        // The one due 14.1.2026 arose on 31.12.2025, under the 2025 rule, and is late.
        let last = sup.last().unwrap();
        assert_eq!(
            (last.due, last.rule.as_str(), last.status),
            (d(2026, 1, 14), "employment-services-2025", ObligationStatus::Overdue)
        );
        // Once a discussion is held in 2026, no new supplementary one arises.
        meetings.push(meeting(30, d(2026, 1, 13), MeetingType::JobSearchDiscussion));
        let list = obligations(&rules, &facts(start, &meetings), d(2026, 2, 1)).unwrap();
        let sup = of(&list, ObligationKind::SupplementaryDiscussion);
        assert!(sup.iter().all(|o| o.status == ObligationStatus::Met), "{sup:?}");
        let js = of(&list, ObligationKind::JobSearchDiscussion);
        assert_eq!((js[0].due, js[0].rule.as_str()), (d(2026, 1, 22), "employment-services-2025"));
        assert_eq!(
            (js[0].met_by, js[1].due, js[1].rule.as_str()),
            (Some(30), d(2026, 4, 13), "job-seeker-2026")
        );
        // Six months in would be 20.4.2026: no intensive period then.
        let later = obligations(&rules, &facts(start, &meetings), d(2026, 5, 1)).unwrap();
        assert!(of(&later, ObligationKind::IntensiveDiscussion).is_empty());
    }

    #[test]
    fn before_2026_long_job_searches_get_intensive_periods() {
        let rules = Rules::embedded();
        let start = d(2025, 1, 6);
        let meetings = [meeting(1, d(2025, 1, 8), MeetingType::InitialInterview)];
        let list = obligations(&rules, &facts(start, &meetings), d(2025, 8, 1)).unwrap();
        let intensive = of(&list, ObligationKind::IntensiveDiscussion);
        assert_eq!(intensive.len(), 2, "two supplementary discussions after six months");
        assert!(intensive.iter().all(|o| o.due >= d(2025, 7, 6) && o.due <= d(2025, 8, 6)));
        assert!(intensive.iter().all(|o| o.rule == "employment-services-2025"));
        // The next period would begin on 6.1.2026: it does not arise.
        let list = obligations(&rules, &facts(start, &meetings), d(2026, 1, 20)).unwrap();
        assert!(of(&list, ObligationKind::IntensiveDiscussion).iter().all(|o| o.due < d(2026, 1, 1)));
    }

    #[test]
    fn a_new_initial_interview_is_owed_only_after_six_months_without_a_job_search() {
        let rules = Rules::embedded();
        let today = d(2026, 6, 1);
        let ended = d(2025, 10, 1);
        let earlier = [meeting(1, d(2025, 9, 15), MeetingType::JobSearchDiscussion)];
        let with_end =
            |start| CaseFacts { previous_job_search_ended_on: Some(ended), ..facts(start, &earlier) };
        // The day before six months: the job search continues.
        assert!(continues_previous_search(&rules, d(2026, 3, 31), Some(ended), today).unwrap());
        let list = obligations(&rules, &with_end(d(2026, 3, 31)), today).unwrap();
        assert!(of(&list, ObligationKind::InitialInterview).is_empty(), "{list:?}");
        let js = of(&list, ObligationKind::JobSearchDiscussion);
        assert_eq!(js[0].due, d(2025, 12, 15), "counted from the last discussion of the search it continues");
        // Six months to the day: a new job search, with its interview.
        assert!(!continues_previous_search(&rules, d(2026, 4, 1), Some(ended), today).unwrap());
        let list = obligations(&rules, &with_end(d(2026, 4, 1)), today).unwrap();
        assert_eq!(of(&list, ObligationKind::InitialInterview).len(), 1);
        // No previous search: always an interview.
        assert!(!continues_previous_search(&rules, d(2026, 4, 1), None, today).unwrap());
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
    fn the_stricter_of_statute_and_promise_applies() {
        let rules = Rules::embedded();
        let under_30 = ServicePromise {
            id: "promise:under-30".into(),
            min_age: None,
            max_age: Some(29),
            interview_working_days: Some(3),
            discussion_interval_days: Some(14),
            effective_from: d(2026, 1, 1),
            effective_until: None,
        };
        // A looser promise never loosens the statute.
        let loose = ServicePromise {
            id: "promise:loose".into(),
            max_age: None,
            interview_working_days: Some(20),
            discussion_interval_days: Some(120),
            ..under_30.clone()
        };
        let promises = [under_30, loose];
        let start = d(2026, 3, 2);
        let today = d(2026, 3, 20);
        let young = LocalPromise::strictest(&promises, d(2000, 1, 1), start, today);
        let old = LocalPromise::strictest(&promises, d(1970, 1, 1), start, today);
        assert_eq!(young.discussion_interval_days, Some((14, "promise:under-30".into())));
        assert_eq!(old.interview_working_days, Some((20, "promise:loose".into())));

        let meetings = [meeting(1, d(2026, 3, 4), MeetingType::InitialInterview)];
        let with = |promise: &LocalPromise| {
            let facts = CaseFacts { promise, ..facts(start, &meetings) };
            obligations(&rules, &facts, today).unwrap()
        };
        let list = with(&young);
        assert_eq!((list[0].due, list[0].rule.as_str()), (d(2026, 3, 5), "promise:under-30"));
        let next = list.iter().find(|o| o.kind == ObligationKind::JobSearchDiscussion).unwrap();
        assert_eq!((next.due, next.rule.as_str()), (d(2026, 3, 18), "promise:under-30"));
        let list = with(&old);
        assert_eq!((list[0].due, list[0].rule.as_str()), (d(2026, 3, 16), "job-seeker-2026"));
        let next = list.iter().find(|o| o.kind == ObligationKind::JobSearchDiscussion).unwrap();
        assert_eq!((next.due, next.rule.as_str()), (d(2026, 6, 4), "job-seeker-2026"));
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
