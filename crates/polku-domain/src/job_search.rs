//! The default job-search obligation by the jobseeker's situation
//! (`rules/job-search-obligation.toml`): so many applications in a review
//! period of one or three months, unless the plan sets it individually.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::rules::{parse_versions, version_in_force};
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/job-search-obligation.toml");

code_enum! {
    /// The jobseeker's situation the obligation depends on.
    JobSearchSituation {
        Unemployed => "unemployed",
        FullyLaidOff => "fully_laid_off",
        PartlyLaidOff => "partly_laid_off",
        PartTime => "part_time",
        SelfMotivatedStudies => "self_motivated_studies",
    }
}

/// So many applications in so many months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub count: u8,
    pub months: u8,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationRule {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    #[serde(default)]
    pub unverified: Option<String>,
    unemployed: Obligation,
    fully_laid_off: Obligation,
    partly_laid_off: Obligation,
    part_time: Obligation,
    self_motivated_studies: Obligation,
}

impl ObligationRule {
    pub fn for_situation(&self, s: JobSearchSituation) -> Obligation {
        match s {
            JobSearchSituation::Unemployed => self.unemployed,
            JobSearchSituation::FullyLaidOff => self.fully_laid_off,
            JobSearchSituation::PartlyLaidOff => self.partly_laid_off,
            JobSearchSituation::PartTime => self.part_time,
            JobSearchSituation::SelfMotivatedStudies => self.self_motivated_studies,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ObligationRules {
    versions: Vec<ObligationRule>,
}

impl ObligationRules {
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> ObligationRules {
        let versions = parse_versions(SOURCE, |v: &ObligationRule| v.effective_from, |v| &v.id)
            .expect("rules/job-search-obligation.toml is valid");
        ObligationRules { versions }
    }

    pub fn versions(&self) -> &[ObligationRule] {
        &self.versions
    }

    /// The rule in force on `on`, for a plan drawn up or revised that day.
    pub fn in_force(&self, on: NaiveDate, today: NaiveDate) -> Result<&ObligationRule, DomainError> {
        version_in_force(&self.versions, |v| v.effective_from, on, today, ErrorCode::NoRuleForDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_version_parses_with_a_source_and_sane_values() {
        let rules = ObligationRules::embedded();
        assert_eq!(rules.versions().len(), 2);
        for v in rules.versions() {
            assert!(!v.source.is_empty());
            for s in JobSearchSituation::ALL {
                let o = v.for_situation(*s);
                assert!(o.count <= 4 && (o.months == 1 || o.months == 3), "{}: {s:?}", v.id);
            }
        }
    }

    #[test]
    fn part_time_workers_apply_monthly_from_2026() {
        let rules = ObligationRules::embedded();
        let today = d(2026, 11, 1);
        let at = |on| rules.in_force(on, today).unwrap().for_situation(JobSearchSituation::PartTime);
        assert_eq!(at(d(2025, 12, 31)), Obligation { count: 1, months: 3 });
        assert_eq!(at(d(2026, 1, 1)), Obligation { count: 4, months: 1 });
        let studies = rules
            .in_force(d(2026, 1, 1), today)
            .unwrap()
            .for_situation(JobSearchSituation::SelfMotivatedStudies);
        assert_eq!(studies, Obligation { count: 3, months: 3 });
        assert_eq!(rules.in_force(d(2022, 5, 1), today).unwrap_err().code, ErrorCode::NoRuleForDate);
    }
}
