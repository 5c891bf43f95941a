//! The service path (palvelupolku / servicestig): rehabilitative work
//! activity → work trial → pay-subsidised employment → the open labour
//! market, recorded as episodes, with the legal limits of each stage kept as
//! effective-dated data in `rules/service-path.toml`.

use chrono::{Days, Months, NaiveDate};
use serde::Deserialize;

use crate::rules::{deadline_status, version_in_force, Obligation, ObligationKind};
use crate::{DomainError, ErrorCode, Euros, PartnerKind, ServiceCategory};

const SOURCE: &str = include_str!("../rules/service-path.toml");

db_enum! {
    /// A stage of the service path. The first three are periods with an
    /// end; the rest are exits, each on one day.
    PathStage {
        /// Kuntouttava työtoiminta / arbetsverksamhet i rehabiliteringssyfte.
        RehabilitativeWork => "rehabilitative_work",
        /// Työkokeilu / arbetsprövning.
        WorkTrial => "work_trial",
        /// Palkkatuettu työ / lönesubventionerat arbete.
        PaySubsidisedWork => "pay_subsidised_work",
        /// Avoimet työmarkkinat / öppna arbetsmarknaden.
        OpenMarket => "open_market",
        Education => "education",
        OtherExit => "other_exit",
    }
}

impl PathStage {
    /// A period runs from a start to an end; an exit happens on one day.
    pub fn is_period(self) -> bool {
        matches!(self, PathStage::RehabilitativeWork | PathStage::WorkTrial | PathStage::PaySubsidisedWork)
    }

    /// The catalogue category a service linked to this stage must have.
    pub fn service_category(self) -> Option<ServiceCategory> {
        match self {
            PathStage::RehabilitativeWork => Some(ServiceCategory::RehabilitativeWork),
            PathStage::WorkTrial => Some(ServiceCategory::WorkTrial),
            PathStage::PaySubsidisedWork => Some(ServiceCategory::PaySubsidisedEmployment),
            _ => None,
        }
    }
}

/// The pay-subsidy percentage of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubsidyRate {
    /// Reduced skills (alentunut osaaminen).
    Fifty,
    /// Reduced work ability (alentunut työkyky).
    Seventy,
    /// Associations and foundations, work of up to 65 % of full time.
    Hundred,
}

impl SubsidyRate {
    pub fn percent(self) -> u8 {
        match self {
            SubsidyRate::Fifty => 50,
            SubsidyRate::Seventy => 70,
            SubsidyRate::Hundred => 100,
        }
    }

    pub fn from_percent(p: i64) -> Result<SubsidyRate, DomainError> {
        match p {
            50 => Ok(SubsidyRate::Fifty),
            70 => Ok(SubsidyRate::Seventy),
            100 => Ok(SubsidyRate::Hundred),
            _ => Err(DomainError::new(ErrorCode::InvalidSubsidyRate).with_arg("value", p)),
        }
    }
}

/// One version of the limits.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PathVersion {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    pub rehabilitative_min_months: u32,
    pub rehabilitative_max_months: u32,
    pub rehabilitative_days_per_week: [u8; 2],
    pub rehabilitative_hours_per_day: [u8; 2],
    pub work_trial_max_months_same_organiser: u32,
    pub work_trial_max_months_total: u32,
    pub work_trial_days_per_week: [u8; 2],
    pub work_trial_hours_per_day: [u8; 2],
    pub pay_subsidy_cap_50: i64,
    pub pay_subsidy_cap_70: i64,
    pub pay_subsidy_cap_100: i64,
    pub pay_subsidy_100_max_working_time: u8,
}

impl PathVersion {
    /// The most a month of pay subsidy at `rate` may be.
    pub fn cap(&self, rate: SubsidyRate) -> Euros {
        let euros = match rate {
            SubsidyRate::Fifty => self.pay_subsidy_cap_50,
            SubsidyRate::Seventy => self.pay_subsidy_cap_70,
            SubsidyRate::Hundred => self.pay_subsidy_cap_100,
        };
        Euros::from_cents(euros * 100)
    }
}

#[derive(Deserialize)]
struct File {
    version: Vec<PathVersion>,
}

/// Every version of the limits, oldest first.
#[derive(Clone, Debug)]
pub struct PathRules {
    versions: Vec<PathVersion>,
}

impl PathRules {
    /// The embedded limits; tests check them, so a parse failure is a build defect.
    pub fn embedded() -> PathRules {
        PathRules::parse(SOURCE).expect("rules/service-path.toml is valid")
    }

    pub fn parse(source: &str) -> Result<PathRules, String> {
        let mut file: File = toml::from_str(source).map_err(|e| e.to_string())?;
        file.version.sort_by_key(|v| v.effective_from);
        if file.version.is_empty() {
            return Err("no versions".into());
        }
        Ok(PathRules { versions: file.version })
    }

    pub fn versions(&self) -> &[PathVersion] {
        &self.versions
    }

    /// The limits in force on `date`.
    pub fn in_force(&self, date: NaiveDate, today: NaiveDate) -> Result<&PathVersion, DomainError> {
        version_in_force(&self.versions, |v| v.effective_from, date, today, ErrorCode::NoPathRuleForDate)
    }
}

/// The pay-subsidy decision of a pay-subsidised episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subsidy {
    pub rate: SubsidyRate,
    /// Working time as a percentage of full time.
    pub working_time_percent: u8,
    pub monthly_amount: Euros,
    pub employer_kind: PartnerKind,
}

/// An episode as recorded, or as proposed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Episode<Org> {
    pub stage: PathStage,
    pub starts_on: NaiveDate,
    /// The planned or actual end of a period; `None` for an exit.
    pub ends_on: Option<NaiveDate>,
    /// Who organises a work trial (a partner organisation or the area itself).
    pub organiser: Option<Org>,
    pub days_per_week: Option<u8>,
    pub hours_per_day: Option<u8>,
    pub subsidy: Option<Subsidy>,
}

impl<Org> Episode<Org> {
    /// The days it covers, both ends included.
    fn span(&self) -> (NaiveDate, NaiveDate) {
        (self.starts_on, self.ends_on.unwrap_or(self.starts_on))
    }

    fn days(&self) -> i64 {
        let (from, to) = self.span();
        (to - from).num_days() + 1
    }
}

/// Whether the episode is planned (every limit applies) or an existing one
/// is being ended early (an interrupted period may be shorter than the
/// minimum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Planned,
    EndedEarly,
}

fn plus_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

/// The length of `months` months from `from`, in days.
fn month_days(from: NaiveDate, months: u32) -> i64 {
    (plus_months(from, months) - from).num_days()
}

fn in_range(value: Option<u8>, [min, max]: [u8; 2], field: &str) -> Result<(), DomainError> {
    let value = value.ok_or_else(|| DomainError::field(ErrorCode::Required, field))?;
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(DomainError::field(ErrorCode::OutOfRange, field).with_arg("min", min).with_arg("max", max))
    }
}

/// Checks `new` against the law in force on its start and against the
/// customer's `others` episodes. Field names are relative to the episode's
/// input (`startsOn`, `endsOn`, `subsidy.rate`…).
pub fn check<'r, Org: PartialEq>(
    rules: &'r PathRules,
    new: &Episode<Org>,
    others: &[Episode<Org>],
    today: NaiveDate,
    mode: Check,
) -> Result<&'r PathVersion, DomainError> {
    let limits = rules.in_force(new.starts_on, today).map_err(|e| e.at("startsOn"))?;
    let start = new.starts_on;
    match (new.stage.is_period(), new.ends_on) {
        (true, None) => return Err(DomainError::field(ErrorCode::Required, "endsOn")),
        (true, Some(end)) if end < start => {
            return Err(DomainError::field(ErrorCode::InvalidDateRange, "endsOn"))
        }
        (false, Some(_)) => return Err(DomainError::field(ErrorCode::NotAPeriod, "endsOn")),
        _ => {}
    }
    let length = |min: u32, max: u32| -> Result<(), DomainError> {
        let days = new.days();
        let too_short = mode == Check::Planned && days < month_days(start, min);
        if too_short || days > month_days(start, max) {
            return Err(DomainError::field(ErrorCode::PeriodLength, "endsOn")
                .with_arg("min", min)
                .with_arg("max", max));
        }
        Ok(())
    };
    match new.stage {
        PathStage::RehabilitativeWork => {
            length(limits.rehabilitative_min_months, limits.rehabilitative_max_months)?;
            in_range(new.days_per_week, limits.rehabilitative_days_per_week, "daysPerWeek")?;
            in_range(new.hours_per_day, limits.rehabilitative_hours_per_day, "hoursPerDay")?;
        }
        PathStage::WorkTrial => {
            in_range(new.days_per_week, limits.work_trial_days_per_week, "daysPerWeek")?;
            in_range(new.hours_per_day, limits.work_trial_hours_per_day, "hoursPerDay")?;
            let Some(organiser) = &new.organiser else {
                return Err(DomainError::field(ErrorCode::Required, "organiserId"));
            };
            let trials = || others.iter().filter(|e| e.stage == PathStage::WorkTrial);
            let same: i64 =
                trials().filter(|e| e.organiser.as_ref() == Some(organiser)).map(Episode::days).sum();
            let total: i64 = trials().map(Episode::days).sum();
            let months = limits.work_trial_max_months_same_organiser;
            if same + new.days() > month_days(start, months) {
                return Err(DomainError::field(ErrorCode::WorkTrialLimit, "endsOn")
                    .with_arg("months", months)
                    .with_arg("scope", "organiser"));
            }
            let months = limits.work_trial_max_months_total;
            if total + new.days() > month_days(start, months) {
                return Err(DomainError::field(ErrorCode::WorkTrialLimit, "endsOn")
                    .with_arg("months", months)
                    .with_arg("scope", "total"));
            }
        }
        PathStage::PaySubsidisedWork => {
            let s = new.subsidy.ok_or_else(|| DomainError::field(ErrorCode::Required, "subsidy"))?;
            if !(1..=100).contains(&s.working_time_percent) {
                return Err(DomainError::field(ErrorCode::OutOfRange, "subsidy.workingTimePercent")
                    .with_arg("min", 1)
                    .with_arg("max", 100));
            }
            let max_time = limits.pay_subsidy_100_max_working_time;
            if s.rate == SubsidyRate::Hundred
                && (s.employer_kind != PartnerKind::ThirdSector || s.working_time_percent > max_time)
            {
                return Err(DomainError::field(ErrorCode::SubsidyRateNotAllowed, "subsidy.rate")
                    .with_arg("percent", max_time));
            }
            if s.monthly_amount <= Euros::ZERO {
                return Err(DomainError::field(ErrorCode::InvalidAmount, "subsidy.monthlyAmount"));
            }
            let cap = limits.cap(s.rate);
            if s.monthly_amount > cap {
                return Err(DomainError::field(ErrorCode::SubsidyCapExceeded, "subsidy.monthlyAmount")
                    .with_arg("cap", cap)
                    .with_arg("rate", s.rate.percent()));
            }
        }
        PathStage::OpenMarket | PathStage::Education | PathStage::OtherExit => {}
    }
    // One period at a time, and no exit in the middle of a period.
    let (from, to) = new.span();
    for other in others.iter().filter(|o| new.stage.is_period() || o.stage.is_period()) {
        let (o_from, o_to) = other.span();
        if from <= o_to && o_from <= to {
            return Err(DomainError::field(ErrorCode::PathOverlap, "startsOn")
                .with_arg("from", o_from)
                .with_arg("to", o_to));
        }
    }
    Ok(limits)
}

/// The review of the activation plan that rehabilitative work activity
/// needs before 24 months: due the day before a run of back-to-back
/// periods reaches the maximum, met by a revision of the activation plan
/// after the run began. `None` when no run is under way.
pub fn activation_plan_review<Org, Id>(
    rules: &PathRules,
    episodes: &[Episode<Org>],
    activation_plan_revised_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Obligation<Id>> {
    let mut periods: Vec<&Episode<Org>> =
        episodes.iter().filter(|e| e.stage == PathStage::RehabilitativeWork).collect();
    periods.sort_by_key(|e| e.starts_on);
    let mut run: Option<(NaiveDate, NaiveDate)> = None;
    for p in periods {
        let (from, to) = p.span();
        run = match run {
            // A new period within a month of the last continues the run.
            Some((start, end)) if from <= end + Days::new(31) => Some((start, end.max(to))),
            _ => Some((from, to)),
        };
    }
    let (start, end) = run?;
    if end < today {
        return None;
    }
    let limits = rules.in_force(start, start).ok()?;
    let due = plus_months(start, limits.rehabilitative_max_months) - Days::new(1);
    let met = activation_plan_revised_on.is_some_and(|r| r > start);
    Some(Obligation {
        kind: ObligationKind::ActivationPlanReview,
        due,
        rule: limits.id.clone(),
        status: deadline_status(due, met, today),
        met_by: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();

    fn period(stage: PathStage, from: NaiveDate, to: NaiveDate, organiser: u32) -> Episode<u32> {
        Episode {
            stage,
            starts_on: from,
            ends_on: Some(to),
            organiser: Some(organiser),
            days_per_week: Some(3),
            hours_per_day: Some(6),
            subsidy: None,
        }
    }

    fn code(r: Result<&PathVersion, DomainError>) -> (ErrorCode, String) {
        let e = r.unwrap_err();
        (e.code, e.field.unwrap_or_default())
    }

    #[test]
    fn the_embedded_limits_parse() {
        let rules = PathRules::embedded();
        let v = &rules.versions()[0];
        assert_eq!(v.cap(SubsidyRate::Fifty), Euros::from_cents(126_000));
        assert_eq!(v.cap(SubsidyRate::Hundred), Euros::from_cents(202_000));
        assert_eq!(code(rules.in_force(d(2024, 6, 1), TODAY)), (ErrorCode::NoPathRuleForDate, String::new()));
    }

    #[test]
    fn rehabilitative_work_is_three_to_24_months_of_one_to_four_days() {
        let rules = PathRules::embedded();
        let check = |e: &Episode<u32>| check(&rules, e, &[], TODAY, Check::Planned);
        let ok = period(PathStage::RehabilitativeWork, d(2026, 1, 1), d(2026, 6, 30), 1);
        assert!(check(&ok).is_ok());
        let short = Episode { ends_on: Some(d(2026, 2, 28)), ..ok.clone() };
        assert_eq!(code(check(&short)), (ErrorCode::PeriodLength, "endsOn".into()));
        // Ending a period early is allowed.
        assert!(super::check(&rules, &short, &[], TODAY, Check::EndedEarly).is_ok());
        let long = Episode { ends_on: Some(d(2028, 1, 1)), ..ok.clone() };
        assert_eq!(code(check(&long)), (ErrorCode::PeriodLength, "endsOn".into()));
        let five_days = Episode { days_per_week: Some(5), ..ok.clone() };
        assert_eq!(code(check(&five_days)), (ErrorCode::OutOfRange, "daysPerWeek".into()));
        let long_days = Episode { hours_per_day: Some(9), ..ok };
        assert_eq!(code(check(&long_days)), (ErrorCode::OutOfRange, "hoursPerDay".into()));
    }

    #[test]
    fn work_trials_stop_at_six_months_per_organiser_and_twelve_in_all() {
        let rules = PathRules::embedded();
        let first = period(PathStage::WorkTrial, d(2025, 1, 1), d(2025, 4, 30), 1);
        let again = period(PathStage::WorkTrial, d(2025, 6, 1), d(2025, 8, 31), 1);
        let err = check(&rules, &again, std::slice::from_ref(&first), TODAY, Check::Planned).unwrap_err();
        assert_eq!((err.code, err.args[1].1.as_str()), (ErrorCode::WorkTrialLimit, "organiser"));
        let elsewhere = Episode { organiser: Some(2), ..again.clone() };
        assert!(check(&rules, &elsewhere, std::slice::from_ref(&first), TODAY, Check::Planned).is_ok());
        let history = [first, elsewhere, period(PathStage::WorkTrial, d(2025, 10, 1), d(2026, 1, 31), 3)];
        let more = period(PathStage::WorkTrial, d(2026, 3, 1), d(2026, 4, 30), 4);
        let err = check(&rules, &more, &history, TODAY, Check::Planned).unwrap_err();
        assert_eq!((err.code, err.args[1].1.as_str()), (ErrorCode::WorkTrialLimit, "total"));
    }

    #[test]
    fn pay_subsidy_follows_the_caps_and_the_hundred_percent_rule() {
        let rules = PathRules::embedded();
        let episode = |rate, time, euros: i64, kind| Episode {
            subsidy: Some(Subsidy {
                rate,
                working_time_percent: time,
                monthly_amount: Euros::from_cents(euros * 100),
                employer_kind: kind,
            }),
            ..period(PathStage::PaySubsidisedWork, d(2026, 1, 1), d(2026, 12, 31), 1)
        };
        let check = |e: &Episode<u32>| check(&rules, e, &[], TODAY, Check::Planned);
        assert!(check(&episode(SubsidyRate::Seventy, 100, 1770, PartnerKind::Company)).is_ok());
        assert_eq!(
            code(check(&episode(SubsidyRate::Seventy, 100, 1771, PartnerKind::Company))),
            (ErrorCode::SubsidyCapExceeded, "subsidy.monthlyAmount".into())
        );
        assert!(check(&episode(SubsidyRate::Hundred, 65, 2020, PartnerKind::ThirdSector)).is_ok());
        for (time, kind) in [(66, PartnerKind::ThirdSector), (60, PartnerKind::Company)] {
            assert_eq!(
                code(check(&episode(SubsidyRate::Hundred, time, 1000, kind))),
                (ErrorCode::SubsidyRateNotAllowed, "subsidy.rate".into())
            );
        }
    }

    #[test]
    fn periods_do_not_overlap_and_exits_do_not_fall_inside_them() {
        let rules = PathRules::embedded();
        let rehab = period(PathStage::RehabilitativeWork, d(2026, 1, 1), d(2026, 6, 30), 1);
        let trial = period(PathStage::WorkTrial, d(2026, 6, 30), d(2026, 8, 31), 1);
        let others = std::slice::from_ref(&rehab);
        assert_eq!(
            code(check(&rules, &trial, others, TODAY, Check::Planned)),
            (ErrorCode::PathOverlap, "startsOn".into())
        );
        let next_day = Episode { starts_on: d(2026, 7, 1), ..trial };
        assert!(check(&rules, &next_day, others, TODAY, Check::Planned).is_ok());
        let exit = Episode {
            stage: PathStage::OpenMarket,
            starts_on: d(2026, 3, 1),
            ends_on: None,
            organiser: None,
            days_per_week: None,
            hours_per_day: None,
            subsidy: None,
        };
        assert_eq!(code(check(&rules, &exit, others, TODAY, Check::Planned)).0, ErrorCode::PathOverlap);
        let after = Episode { starts_on: d(2026, 7, 1), ..exit };
        assert!(check(&rules, &after, others, TODAY, Check::Planned).is_ok());
        let far = Episode { starts_on: d(2028, 1, 1), ..after };
        assert_eq!(code(check(&rules, &far, others, TODAY, Check::Planned)).0, ErrorCode::DateTooFarAhead);
    }

    #[test]
    fn the_activation_plan_is_reviewed_before_24_months_of_back_to_back_periods() {
        let rules = PathRules::embedded();
        let runs = [
            period(PathStage::RehabilitativeWork, d(2025, 3, 1), d(2025, 12, 31), 1),
            period(PathStage::RehabilitativeWork, d(2026, 1, 15), d(2026, 12, 31), 1),
        ];
        let review = activation_plan_review::<_, ()>(&rules, &runs, Some(d(2025, 2, 20)), TODAY).unwrap();
        assert_eq!((review.due, review.status), (d(2027, 2, 28), crate::rules::ObligationStatus::Upcoming));
        let met = activation_plan_review::<_, ()>(&rules, &runs, Some(d(2026, 1, 10)), TODAY).unwrap();
        assert_eq!(met.status, crate::rules::ObligationStatus::Met);
        assert!(
            activation_plan_review::<_, ()>(&rules, &runs[..1], None, TODAY).is_none(),
            "the run has ended"
        );
    }
}
