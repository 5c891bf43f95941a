//! Neglects (laiminlyönti / försummelse) of job search or of taking part in
//! services, and the consequence the unemployment-security act sets for
//! them (`rules/neglect-consequences.toml`). The coach decides whether a
//! neglect happened and writes the labour-policy statement; Polku records
//! the neglect and states what the rule of the day says, and why.

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::rules::{parse_versions, version_in_force};
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/neglect-consequences.toml");

code_enum! {
    /// What the jobseeker neglected.
    NeglectKind {
        /// A job-search discussion or other meeting not attended.
        MissedDiscussion => "missed_discussion",
        /// An assigned vacancy not applied for by its deadline.
        MissedVacancy => "missed_vacancy",
        /// The job-search profile not published in time.
        MissingProfile => "missing_profile",
        /// Fewer applications than the plan's job-search obligation.
        InsufficientJobSearch => "insufficient_job_search",
        /// A service of the plan refused or left.
        RefusedService => "refused_service",
        Other => "other",
    }
}

/// What a neglect leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Consequence {
    /// A reminder only (2022 to February 2026, the first neglect).
    Reminder,
    /// Days without benefit (korvaukseton määräaika, "karenssi").
    WaitingPeriod { days: u32 },
    /// No benefit until the person has worked or taken part in an
    /// employment-promoting service for this many weeks (työssäolovelvoite).
    WorkRequirement { weeks: u32 },
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeglectRule {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    #[serde(default)]
    pub unverified: Option<String>,
    pub review_period_months: u32,
    pub ladder: Vec<Consequence>,
}

/// All versions, oldest first.
#[derive(Clone, Debug)]
pub struct NeglectRules {
    versions: Vec<NeglectRule>,
}

impl NeglectRules {
    /// The embedded rules, checked by the tests below.
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> NeglectRules {
        NeglectRules::parse(SOURCE).expect("rules/neglect-consequences.toml is valid")
    }

    pub fn parse(source: &str) -> Result<NeglectRules, String> {
        let versions = parse_versions(source, |v: &NeglectRule| v.effective_from, |v| &v.id)?;
        for v in &versions {
            if v.ladder.is_empty() || v.review_period_months == 0 || v.source.trim().is_empty() {
                return Err(format!("{}: empty ladder, period or source", v.id));
            }
        }
        Ok(NeglectRules { versions })
    }

    pub fn versions(&self) -> &[NeglectRule] {
        &self.versions
    }
}

/// A neglect assessed under the rule in force on its day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The rule version that sets the consequence.
    pub rule: String,
    /// Which neglect of the review period this is (1 for the first).
    pub ordinal: u32,
    pub consequence: Consequence,
    /// The review period this neglect counts in: from its first neglect.
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
}

/// The consequence of a neglect on `on`, given the days of the customer's
/// earlier recorded neglects. Neglects count within a review period that
/// begins with the first one; a neglect after the period has run out begins
/// a new one. The ladder is the one in force on the day of this neglect,
/// counting the earlier neglects of the same period whatever rule they fell
/// under (the act's transitional provisions are not modelled; see the rule
/// file).
pub fn assess(
    rules: &NeglectRules,
    earlier: &[NaiveDate],
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Assessment, DomainError> {
    if on > today {
        return Err(DomainError::field(ErrorCode::DateInFuture, "occurredOn"));
    }
    let rule = version_in_force(&rules.versions, |v| v.effective_from, on, today, ErrorCode::NoRuleForDate)
        .map_err(|e| e.at("occurredOn"))?;
    let mut days: Vec<NaiveDate> = earlier.iter().copied().filter(|d| *d <= on).collect();
    days.push(on);
    days.sort_unstable();
    let months = Months::new(rule.review_period_months);
    let (mut from, mut ordinal) = (days[0], 0u32);
    for d in &days {
        if *d >= from.checked_add_months(months).unwrap_or(NaiveDate::MAX) {
            from = *d;
            ordinal = 0;
        }
        ordinal += 1;
    }
    let step = (ordinal as usize).min(rule.ladder.len()) - 1;
    Ok(Assessment {
        rule: rule.id.clone(),
        ordinal,
        consequence: rule.ladder[step],
        period_from: from,
        period_until: from.checked_add_months(months).unwrap_or(NaiveDate::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_rules_parse_and_take_effect_on_their_day() {
        let rules = NeglectRules::embedded();
        let ids: Vec<_> = rules.versions().iter().map(|v| (v.id.as_str(), v.effective_from)).collect();
        assert_eq!(ids, [("neglect-2022", d(2022, 5, 2)), ("neglect-2026", d(2026, 3, 1))]);
        let today = d(2026, 11, 1);
        // The day before and the day the 2026 ladder takes effect.
        let before = assess(&rules, &[], d(2026, 2, 28), today).unwrap();
        assert_eq!((before.rule.as_str(), before.consequence), ("neglect-2022", Consequence::Reminder));
        let after = assess(&rules, &[], d(2026, 3, 1), today).unwrap();
        assert_eq!(
            (after.rule.as_str(), after.consequence),
            ("neglect-2026", Consequence::WaitingPeriod { days: 7 })
        );
        assert_eq!(assess(&rules, &[], d(2022, 5, 1), today).unwrap_err().code, ErrorCode::NoRuleForDate);
    }

    #[test]
    fn neglects_climb_the_ladder_within_a_review_period() {
        let rules = NeglectRules::embedded();
        let today = d(2026, 11, 1);
        let old = |earlier: &[NaiveDate], on| assess(&rules, earlier, on, today).unwrap();
        let e = [d(2025, 1, 10), d(2025, 3, 1), d(2025, 6, 1)];
        assert_eq!(old(&e[..1], d(2025, 2, 1)).consequence, Consequence::WaitingPeriod { days: 7 });
        assert_eq!(old(&e[..2], d(2025, 4, 1)).consequence, Consequence::WaitingPeriod { days: 14 });
        let fourth = old(&e, d(2025, 9, 1));
        assert_eq!((fourth.ordinal, fourth.consequence), (4, Consequence::WorkRequirement { weeks: 12 }));
        assert_eq!((fourth.period_from, fourth.period_until), (d(2025, 1, 10), d(2026, 1, 10)));
        // A year after the first, the count begins again.
        let fresh = old(&e, d(2026, 1, 10));
        assert_eq!((fresh.ordinal, fresh.consequence), (1, Consequence::Reminder));
        // From 1.3.2026: the second neglect of the period is a work requirement of six weeks.
        let new = assess(&rules, &[d(2026, 3, 2)], d(2026, 4, 1), today).unwrap();
        assert_eq!((new.ordinal, new.consequence), (2, Consequence::WorkRequirement { weeks: 6 }));
        let third = assess(&rules, &[d(2026, 3, 2), d(2026, 4, 1)], d(2026, 5, 1), today).unwrap();
        assert_eq!(third.consequence, Consequence::WorkRequirement { weeks: 6 }, "the last step repeats");
    }

    #[test]
    fn a_neglect_in_the_future_is_refused() {
        let rules = NeglectRules::embedded();
        let err = assess(&rules, &[], d(2026, 11, 2), d(2026, 11, 1)).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::DateInFuture, Some("occurredOn")));
    }
}
