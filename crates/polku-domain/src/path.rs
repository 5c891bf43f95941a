//! The service path (palvelupolku / servicestig): rehabilitative work
//! activity → work trial → pay-subsidised employment → the open labour
//! market, recorded as episodes, with the legal limits of each stage kept as
//! effective-dated data in `rules/service-path.toml`.

use chrono::{Days, Months, NaiveDate};
use serde::Deserialize;

use crate::rules::{deadline_status, parse_versions, version_in_force, Obligation, ObligationKind};
use crate::{DomainError, ErrorCode, Euros, PartnerKind, ServiceCategory};

const SOURCE: &str = include_str!("../rules/service-path.toml");

code_enum! {
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

/// The pay-subsidy percentage of a decision. Which of them a decision may
/// have depends on the rules in force on its start: 30 and 40 % until
/// 30.6.2023, 70 % from 1.7.2023.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubsidyRate {
    Thirty,
    Forty,
    Fifty,
    Seventy,
    Hundred,
}

impl SubsidyRate {
    pub const ALL: &'static [SubsidyRate] = &[
        SubsidyRate::Thirty,
        SubsidyRate::Forty,
        SubsidyRate::Fifty,
        SubsidyRate::Seventy,
        SubsidyRate::Hundred,
    ];

    pub fn percent(self) -> u8 {
        match self {
            SubsidyRate::Thirty => 30,
            SubsidyRate::Forty => 40,
            SubsidyRate::Fifty => 50,
            SubsidyRate::Seventy => 70,
            SubsidyRate::Hundred => 100,
        }
    }

    /// A rate some version of the rules has; whether the version in force
    /// on a given day has it is [`check`]'s question.
    pub fn from_percent(p: i64) -> Result<SubsidyRate, DomainError> {
        SubsidyRate::ALL
            .iter()
            .copied()
            .find(|r| i64::from(r.percent()) == p)
            .ok_or_else(|| DomainError::new(ErrorCode::InvalidSubsidyRate).with_arg("value", p))
    }
}

code_enum! {
    /// The ground of a pay-subsidy decision, and the employment subsidy for
    /// those aged 55 or over, which is a subsidy of its own kind
    /// (työllistämistuki, from 1.7.2023).
    SubsidyBasis {
        /// Puutteet ammatillisessa osaamisessa / brister i yrkeskunnandet.
        ReducedSkills => "reduced_skills",
        /// Alentunut työkyky (before 1.7.2023: vamma tai sairaus).
        ReducedWorkAbility => "reduced_work_ability",
        /// 60 vuotta täyttänyt pitkään työttömänä ollut.
        LongTermUnemployed60 => "long_term_unemployed_60",
        /// 100 %: yhdistys, säätiö tai rekisteröity uskonnollinen yhdyskunta,
        /// muut kuin elinkeinotoiminnaksi katsottavat tehtävät.
        NonProfit => "non_profit",
        /// Työllistämistuki 55 vuotta täyttäneille / sysselsättningsstöd
        /// för personer som fyllt 55 år.
        EmploymentSubsidy55 => "employment_subsidy_55",
    }
}

/// Months of unemployment within a window of months before the decision,
/// as the rules count it: `[12, 14]` is at least 12 of the last 14.
pub type UnemploymentCondition = [u8; 2];

/// A longer period the rules allow on a condition (10 months instead of 5
/// when unemployed 12 of the last 14).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LongerPeriod {
    pub months: u32,
    pub unemployed: UnemploymentCondition,
}

/// What one ground of pay subsidy gives in one version of the rules.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SubsidyRule {
    #[serde(deserialize_with = "de_basis")]
    pub basis: SubsidyBasis,
    /// Per cent of pay costs.
    pub rate: u8,
    /// Euros a month at most.
    pub cap: i64,
    /// Months at a time.
    pub max_months: u32,
    #[serde(default)]
    pub longer: Option<LongerPeriod>,
    /// The unemployment the ground requires.
    #[serde(default)]
    pub unemployed: Option<UnemploymentCondition>,
    /// Age on the first day, in full years.
    #[serde(default)]
    pub min_age: Option<u32>,
    /// Only these employer kinds (empty: any).
    #[serde(default, deserialize_with = "de_kinds")]
    pub employers: Vec<PartnerKind>,
    /// Never these employer kinds.
    #[serde(default, deserialize_with = "de_kinds")]
    pub not_employers: Vec<PartnerKind>,
    /// The tasks must not be business activity.
    #[serde(default)]
    pub non_business_tasks: bool,
    /// Working time at most this percentage of full time.
    #[serde(default)]
    pub max_working_time: Option<u8>,
    /// Not again with the same employer for the same person until this many
    /// years after the last pay subsidy ended.
    #[serde(default)]
    pub same_employer_wait_years: Option<u32>,
    pub source: String,
    /// What the sources did not confirm; never to be quoted as the law.
    #[serde(default)]
    pub unverified: Option<String>,
}

impl SubsidyRule {
    pub fn cap(&self) -> Euros {
        Euros::from_cents(self.cap * 100)
    }
}

fn de_basis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SubsidyBasis, D::Error> {
    let s = String::deserialize(d)?;
    SubsidyBasis::from_code(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown subsidy basis {s:?}")))
}

fn de_kinds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PartnerKind>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|s| {
            PartnerKind::from_code(s)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown partner kind {s:?}")))
        })
        .collect()
}

/// One version of the limits.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PathVersion {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    #[serde(default)]
    pub unverified: Option<String>,
    pub rehabilitative_min_months: u32,
    pub rehabilitative_max_months: u32,
    pub rehabilitative_days_per_week: [u8; 2],
    pub rehabilitative_hours_per_day: [u8; 2],
    pub work_trial_max_months_same_organiser: u32,
    pub work_trial_max_months_total: u32,
    /// With a municipality as organiser the same-organiser limit is per
    /// task: 12 months with the municipality, 6 in one task.
    #[serde(default)]
    pub work_trial_municipality_per_task: bool,
    pub work_trial_days_per_week: [u8; 2],
    pub work_trial_hours_per_day: [u8; 2],
    /// Regular working time: the most hours a day and a week a service's
    /// attendance and an agreement may have where no agreement says less.
    pub regular_hours_per_day: u8,
    pub regular_hours_per_week: u8,
    /// The grounds of pay subsidy, in the order the default ground of a
    /// rate is taken from.
    pub subsidy: Vec<SubsidyRule>,
}

impl PathVersion {
    /// The rates this version has, lowest first.
    pub fn rates(&self) -> Vec<u8> {
        let mut rates: Vec<u8> = self.subsidy.iter().map(|r| r.rate).collect();
        rates.sort_unstable();
        rates.dedup();
        rates
    }

    /// The rule for a ground at a rate.
    pub fn subsidy_rule(&self, basis: SubsidyBasis, rate: SubsidyRate) -> Option<&SubsidyRule> {
        self.subsidy.iter().find(|r| r.basis == basis && r.rate == rate.percent())
    }

    /// The ground a decision at `rate` has when none is named: the first
    /// listed with that rate (30/40/50 → reduced skills, 70 → reduced work
    /// ability, 100 → non-profit).
    pub fn default_basis(&self, rate: SubsidyRate) -> Option<SubsidyBasis> {
        self.subsidy.iter().find(|r| r.rate == rate.percent()).map(|r| r.basis)
    }

    /// The most a month of pay subsidy at `rate` may be on its default ground.
    pub fn cap(&self, rate: SubsidyRate) -> Option<Euros> {
        let basis = self.default_basis(rate)?;
        self.subsidy_rule(basis, rate).map(SubsidyRule::cap)
    }
}

/// Every version of the limits, oldest first.
#[derive(Clone, Debug)]
pub struct PathRules {
    versions: Vec<PathVersion>,
}

impl PathRules {
    /// The embedded limits; tests check them, so a parse failure is a build defect.
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> PathRules {
        PathRules::parse(SOURCE).expect("rules/service-path.toml is valid")
    }

    pub fn parse(source: &str) -> Result<PathRules, String> {
        let versions = parse_versions(source, |v: &PathVersion| v.effective_from, |v| &v.id)?;
        for v in &versions {
            let mut seen = std::collections::HashSet::new();
            for r in &v.subsidy {
                let at = format!("{} {} {} %", v.id, r.basis.code(), r.rate);
                if SubsidyRate::from_percent(i64::from(r.rate)).is_err() {
                    return Err(format!("{at}: not a rate"));
                }
                if !seen.insert((r.basis, r.rate)) {
                    return Err(format!("{at}: listed twice"));
                }
                let windows = r.unemployed.iter().chain(r.longer.as_ref().map(|l| &l.unemployed));
                for &[months, window] in windows {
                    if !WINDOWS.contains(&window) || months > window {
                        return Err(format!("{at}: unemployment {months} of {window} months"));
                    }
                }
                if r.longer.as_ref().is_some_and(|l| l.months <= r.max_months) || r.cap <= 0 {
                    return Err(format!("{at}: a longer period must be longer, a cap positive"));
                }
            }
        }
        Ok(PathRules { versions })
    }

    pub fn versions(&self) -> &[PathVersion] {
        &self.versions
    }

    /// The limits in force on `date`.
    pub fn in_force(&self, date: NaiveDate, today: NaiveDate) -> Result<&PathVersion, DomainError> {
        version_in_force(&self.versions, |v| v.effective_from, date, today, ErrorCode::NoPathRuleForDate)
    }
}

/// The windows of months the rules count unemployment in.
pub const WINDOWS: [u8; 2] = [14, 28];

/// Months of unemployment before the decision, as the coach recorded them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unemployment {
    /// Of the last 14 months.
    pub of_last_14: Option<u8>,
    /// Of the last 28 months.
    pub of_last_28: Option<u8>,
}

impl Unemployment {
    /// Checks the counts fit their windows; fields relative to the subsidy.
    pub fn parse(of_last_14: Option<i64>, of_last_28: Option<i64>) -> Result<Unemployment, DomainError> {
        let count = |v: Option<i64>, window: u8| -> Result<Option<u8>, DomainError> {
            v.map(|v| {
                u8::try_from(v).ok().filter(|v| *v <= window).ok_or_else(|| {
                    DomainError::field(ErrorCode::OutOfRange, Unemployment::field(window))
                        .with_arg("min", 0)
                        .with_arg("max", window)
                })
            })
            .transpose()
        };
        let u = Unemployment { of_last_14: count(of_last_14, 14)?, of_last_28: count(of_last_28, 28)? };
        // The 28 months contain the 14: fewer in the longer window is a typo.
        if let (Some(a), Some(b)) = (u.of_last_14, u.of_last_28) {
            if b < a {
                return Err(DomainError::field(ErrorCode::OutOfRange, Unemployment::field(28))
                    .with_arg("min", a)
                    .with_arg("max", 28));
            }
        }
        Ok(u)
    }

    /// The input field of a window.
    pub fn field(window: u8) -> &'static str {
        if window == 14 {
            "subsidy.unemployedMonthsOfLast14"
        } else {
            "subsidy.unemployedMonthsOfLast28"
        }
    }

    fn months(&self, window: u8) -> Option<u8> {
        if window == 14 {
            self.of_last_14
        } else {
            self.of_last_28
        }
    }

    /// Whether `[months, window]` is met: `None` when the count is missing.
    pub fn meets(&self, [months, window]: UnemploymentCondition) -> Option<bool> {
        self.months(window).map(|m| m >= months)
    }
}

/// The pay-subsidy decision of a pay-subsidised episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subsidy {
    pub rate: SubsidyRate,
    /// The ground; `None` takes the rate's default ground.
    pub basis: Option<SubsidyBasis>,
    /// Working time as a percentage of full time.
    pub working_time_percent: u8,
    pub monthly_amount: Euros,
    pub employer_kind: PartnerKind,
    pub unemployment: Unemployment,
    /// The tasks are not business activity (for the 100 % subsidy).
    pub non_business_tasks: Option<bool>,
    /// The customer's age on the first day; `None` when not known.
    pub age: Option<u32>,
}

/// An episode as recorded, or as proposed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Episode<Org> {
    pub stage: PathStage,
    pub starts_on: NaiveDate,
    /// The planned or actual end of a period; `None` for an exit.
    pub ends_on: Option<NaiveDate>,
    /// Who organises a work trial or employs with pay subsidy (a partner
    /// organisation or the area itself).
    pub organiser: Option<Org>,
    /// The organiser is a municipality (the area itself, or a partner of
    /// kind MUNICIPAL_UNIT).
    pub organiser_is_municipality: bool,
    /// A work trial's task (työtehtävä), for the per-task limit with a
    /// municipality.
    pub task: Option<String>,
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

/// Two work trials are in the same task unless both name a task and the
/// names differ: a trial recorded without one may have been in any task.
fn same_task(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |t: Option<&str>| {
        t.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).filter(|t| !t.is_empty())
    };
    match (norm(a), norm(b)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Checks `new` against the law in force on its start and against the
/// customer's `others` episodes. Field names are relative to the episode's
/// input (`startsOn`, `endsOn`, `subsidy.ratePercent`…).
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
        PathStage::WorkTrial => check_work_trial(limits, new, others)?,
        PathStage::PaySubsidisedWork => check_subsidy(limits, new, others)?,
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

fn check_work_trial<Org: PartialEq>(
    limits: &PathVersion,
    new: &Episode<Org>,
    others: &[Episode<Org>],
) -> Result<(), DomainError> {
    in_range(new.days_per_week, limits.work_trial_days_per_week, "daysPerWeek")?;
    in_range(new.hours_per_day, limits.work_trial_hours_per_day, "hoursPerDay")?;
    let Some(organiser) = &new.organiser else {
        return Err(DomainError::field(ErrorCode::Required, "organiserId"));
    };
    let start = new.starts_on;
    let per_task = new.organiser_is_municipality && limits.work_trial_municipality_per_task;
    let trials = || others.iter().filter(|e| e.stage == PathStage::WorkTrial);
    let same: i64 = trials()
        .filter(|e| e.organiser.as_ref() == Some(organiser))
        .filter(|e| !per_task || same_task(e.task.as_deref(), new.task.as_deref()))
        .map(Episode::days)
        .sum();
    let total: i64 = trials().map(Episode::days).sum();
    let months = limits.work_trial_max_months_same_organiser;
    if same + new.days() > month_days(start, months) {
        return Err(DomainError::field(ErrorCode::WorkTrialLimit, "endsOn")
            .with_arg("months", months)
            .with_arg("scope", if per_task { "task" } else { "organiser" }));
    }
    let months = limits.work_trial_max_months_total;
    if total + new.days() > month_days(start, months) {
        return Err(DomainError::field(ErrorCode::WorkTrialLimit, "endsOn")
            .with_arg("months", months)
            .with_arg("scope", "total"));
    }
    Ok(())
}

fn list(values: impl IntoIterator<Item = u8>) -> String {
    values.into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
}

fn check_subsidy<Org: PartialEq>(
    limits: &PathVersion,
    new: &Episode<Org>,
    others: &[Episode<Org>],
) -> Result<(), DomainError> {
    let s = new.subsidy.ok_or_else(|| DomainError::field(ErrorCode::Required, "subsidy"))?;
    let start = new.starts_on;
    if !(1..=100).contains(&s.working_time_percent) {
        return Err(DomainError::field(ErrorCode::OutOfRange, "subsidy.workingTimePercent")
            .with_arg("min", 1)
            .with_arg("max", 100));
    }
    // The ground and the rate, as the rules of the start day have them; a
    // ground named but not in force is the first thing to say.
    let in_force = |basis: SubsidyBasis| limits.subsidy.iter().any(|r| r.basis == basis);
    if let Some(basis) = s.basis.filter(|b| !in_force(*b)) {
        return Err(DomainError::field(ErrorCode::SubsidyBasisNotInForce, "subsidy.basis")
            .with_arg("value", basis.code())
            .with_arg("date", start));
    }
    let rate = s.rate.percent();
    if !limits.rates().contains(&rate) {
        return Err(DomainError::field(ErrorCode::SubsidyRateNotInForce, "subsidy.ratePercent")
            .with_arg("rate", rate)
            .with_arg("date", start)
            .with_arg("value", list(limits.rates())));
    }
    let basis = match s.basis {
        Some(b) => b,
        None => limits
            .default_basis(s.rate)
            .ok_or_else(|| DomainError::field(ErrorCode::Required, "subsidy.basis"))?,
    };
    let Some(rule) = limits.subsidy_rule(basis, s.rate) else {
        let rates = limits.subsidy.iter().filter(|r| r.basis == basis).map(|r| r.rate);
        return Err(DomainError::field(ErrorCode::SubsidyRateForBasis, "subsidy.ratePercent")
            .with_arg("rate", rate)
            .with_arg("value", list(rates))
            .with_arg("date", start));
    };
    // Who may employ on this ground.
    if !rule.employers.is_empty() && !rule.employers.contains(&s.employer_kind) {
        return Err(DomainError::field(ErrorCode::SubsidyRateNotAllowed, "subsidy.ratePercent")
            .with_arg("rate", rate)
            .with_arg("percent", rule.max_working_time.unwrap_or(100)));
    }
    if rule.not_employers.contains(&s.employer_kind) {
        return Err(DomainError::field(ErrorCode::SubsidyEmployerNotAllowed, "organiserId")
            .with_arg("name", s.employer_kind.code())
            .with_arg("value", basis.code())
            .with_arg("date", limits.effective_from));
    }
    if let Some(max) = rule.max_working_time {
        if s.working_time_percent > max {
            return Err(DomainError::field(ErrorCode::SubsidyRateNotAllowed, "subsidy.workingTimePercent")
                .with_arg("rate", rate)
                .with_arg("percent", max));
        }
    }
    // The person: tasks, unemployment, age.
    if rule.non_business_tasks {
        match s.non_business_tasks {
            None => return Err(DomainError::field(ErrorCode::Required, "subsidy.nonBusinessTasks")),
            Some(false) => {
                return Err(DomainError::field(ErrorCode::SubsidyConditionNotMet, "subsidy.nonBusinessTasks")
                    .with_arg("scope", "business"))
            }
            Some(true) => {}
        }
    }
    if let Some(condition @ [months, window]) = rule.unemployed {
        match s.unemployment.meets(condition) {
            None => return Err(DomainError::field(ErrorCode::Required, Unemployment::field(window))),
            Some(false) => {
                return Err(DomainError::field(
                    ErrorCode::SubsidyConditionNotMet,
                    Unemployment::field(window),
                )
                .with_arg("scope", "unemployment")
                .with_arg("min", months)
                .with_arg("max", window))
            }
            Some(true) => {}
        }
    }
    if let Some(min_age) = rule.min_age {
        if s.age.is_none_or(|age| age < min_age) {
            return Err(DomainError::field(ErrorCode::SubsidyConditionNotMet, "subsidy.basis")
                .with_arg("scope", "age")
                .with_arg("min", min_age));
        }
    }
    // The money.
    if s.monthly_amount <= Euros::ZERO {
        return Err(DomainError::field(ErrorCode::InvalidAmount, "subsidy.monthlyAmount"));
    }
    if s.monthly_amount > rule.cap() {
        return Err(DomainError::field(ErrorCode::SubsidyCapExceeded, "subsidy.monthlyAmount")
            .with_arg("cap", rule.cap())
            .with_arg("rate", rate));
    }
    // The length: the longer period only when its condition is shown.
    let longer = rule.longer.as_ref().filter(|l| s.unemployment.meets(l.unemployed) == Some(true));
    let max = longer.map_or(rule.max_months, |l| l.months);
    if new.days() > month_days(start, max) {
        let mut e = DomainError::field(ErrorCode::SubsidyPeriodTooLong, "endsOn").with_arg("months", max);
        e = match (&rule.longer, longer) {
            (Some(l), None) => e
                .with_arg("scope", "longer")
                .with_arg("value", l.months)
                .with_arg("min", l.unemployed[0])
                .with_arg("max", l.unemployed[1]),
            _ => e.with_arg("scope", "at_a_time"),
        };
        return Err(e);
    }
    // Not again with the same employer too soon (the 3-year rule).
    if let Some(years) = rule.same_employer_wait_years {
        let earlier = others.iter().filter(|o| {
            o.stage == PathStage::PaySubsidisedWork
                && o.organiser.is_some()
                && o.organiser == new.organiser
                && o.subsidy.and_then(|p| p.basis) != Some(SubsidyBasis::EmploymentSubsidy55)
                && o.span().1 < start
        });
        if let Some(last_end) = earlier.map(|o| o.span().1).max() {
            let from = plus_months(last_end, 12 * years) + Days::new(1);
            if start < from {
                return Err(DomainError::field(ErrorCode::SubsidySameEmployer, "organiserId")
                    .with_arg("to", last_end)
                    .with_arg("date", from)
                    .with_arg("value", years));
            }
        }
    }
    Ok(())
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
    use proptest::prelude::*;

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
            organiser_is_municipality: false,
            task: None,
            days_per_week: Some(3),
            hours_per_day: Some(6),
            subsidy: None,
        }
    }

    fn code(r: Result<&PathVersion, DomainError>) -> (ErrorCode, String) {
        let e = r.unwrap_err();
        (e.code, e.field.unwrap_or_default())
    }

    fn arg(e: &DomainError, name: &str) -> String {
        e.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// A subsidy that meets every condition, to be spoilt one field at a time.
    fn subsidy(rate: SubsidyRate, basis: Option<SubsidyBasis>, euros: i64, kind: PartnerKind) -> Subsidy {
        Subsidy {
            rate,
            basis,
            working_time_percent: 60,
            monthly_amount: Euros::from_cents(euros * 100),
            employer_kind: kind,
            unemployment: Unemployment { of_last_14: Some(14), of_last_28: Some(28) },
            non_business_tasks: Some(true),
            age: Some(61),
        }
    }

    fn job(from: NaiveDate, to: NaiveDate, employer: u32, s: Subsidy) -> Episode<u32> {
        Episode { subsidy: Some(s), ..period(PathStage::PaySubsidisedWork, from, to, employer) }
    }

    fn check_one(e: &Episode<u32>) -> Result<&'static PathVersion, DomainError> {
        static RULES: std::sync::OnceLock<PathRules> = std::sync::OnceLock::new();
        check(RULES.get_or_init(PathRules::embedded), e, &[], TODAY, Check::Planned)
    }

    #[test]
    fn the_embedded_limits_parse_with_a_source_for_every_ground() {
        let rules = PathRules::embedded();
        let ids: Vec<&str> = rules.versions().iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["path-2017", "path-2023", "path-2025"]);
        for v in rules.versions() {
            assert!(!v.source.trim().is_empty(), "{}", v.id);
            assert!(v.subsidy.iter().all(|r| !r.source.trim().is_empty()), "{}", v.id);
            assert!(!v.source.contains("1138/2022"), "{}: the reform of 1.7.2023 is 371/2023", v.id);
        }
        let v2025 = &rules.versions()[2];
        assert!(v2025.source.contains("380/2023") && !v2025.source.contains("916/2012"));
        assert_eq!(v2025.cap(SubsidyRate::Fifty), Some(Euros::from_cents(126_000)));
        assert_eq!(v2025.cap(SubsidyRate::Hundred), Some(Euros::from_cents(202_000)));
        assert_eq!(rules.versions()[0].rates(), [30, 40, 50, 100]);
        assert_eq!(rules.versions()[1].rates(), [50, 70, 100]);
        assert!(PathRules::parse("").is_err());
        let twice = SOURCE.replace("rate = 40", "rate = 30");
        assert!(PathRules::parse(&twice).unwrap_err().contains("listed twice"));
    }

    #[test]
    fn each_version_takes_effect_on_its_day_and_not_the_day_before() {
        let rules = PathRules::embedded();
        let id = |date| rules.in_force(date, TODAY).map(|v| v.id.as_str());
        assert_eq!(id(d(2016, 12, 31)).unwrap_err().code, ErrorCode::NoPathRuleForDate);
        assert_eq!(id(d(2017, 1, 1)), Ok("path-2017"));
        assert_eq!(id(d(2023, 6, 30)), Ok("path-2017"));
        assert_eq!(id(d(2023, 7, 1)), Ok("path-2023"));
        assert_eq!(id(d(2024, 12, 31)), Ok("path-2023"));
        assert_eq!(id(d(2025, 1, 1)), Ok("path-2025"));
        let e = rules.in_force(d(2016, 12, 31), TODAY).unwrap_err();
        assert_eq!(arg(&e, "first"), "2017-01-01");
    }

    #[test]
    fn rates_and_caps_change_on_1_july_2023() {
        let co = PartnerKind::Company;
        let on =
            |date: NaiveDate, rate, euros| job(date, date + Days::new(60), 1, subsidy(rate, None, euros, co));
        // 30 % until 30.6.2023, at most 1 400 € a month.
        assert_eq!(check_one(&on(d(2023, 6, 30), SubsidyRate::Thirty, 1400)).unwrap().id, "path-2017");
        assert_eq!(
            code(check_one(&on(d(2023, 6, 30), SubsidyRate::Thirty, 1401))),
            (ErrorCode::SubsidyCapExceeded, "subsidy.monthlyAmount".into())
        );
        let e = check_one(&on(d(2023, 7, 1), SubsidyRate::Thirty, 1000)).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::SubsidyRateNotInForce, Some("subsidy.ratePercent"))
        );
        assert_eq!((arg(&e, "value"), arg(&e, "date")), ("50, 70, 100".into(), "2023-07-01".into()));
        // 70 % from 1.7.2023 (1 770 €), not before.
        assert_eq!(
            code(check_one(&on(d(2023, 6, 30), SubsidyRate::Seventy, 1000))).0,
            ErrorCode::SubsidyRateNotInForce
        );
        assert!(check_one(&on(d(2023, 7, 1), SubsidyRate::Seventy, 1770)).is_ok());
        assert_eq!(
            code(check_one(&on(d(2023, 7, 1), SubsidyRate::Seventy, 1771))).0,
            ErrorCode::SubsidyCapExceeded
        );
        // 50 % caps: 1 400 € before, 1 260 € from 1.7.2023.
        let fifty = |date, euros| {
            let mut s = subsidy(SubsidyRate::Fifty, Some(SubsidyBasis::ReducedWorkAbility), euros, co);
            if date >= d(2023, 7, 1) {
                s.basis = Some(SubsidyBasis::ReducedSkills);
            }
            job(date, date + Days::new(60), 1, s)
        };
        assert!(check_one(&fifty(d(2023, 6, 30), 1400)).is_ok());
        assert!(check_one(&fifty(d(2023, 7, 1), 1260)).is_ok());
        assert_eq!(code(check_one(&fifty(d(2023, 7, 1), 1261))).0, ErrorCode::SubsidyCapExceeded);
        // Reduced work ability is 50 % before the reform and 70 % after it.
        let ability = |date| {
            job(
                date,
                date + Days::new(60),
                1,
                subsidy(SubsidyRate::Fifty, Some(SubsidyBasis::ReducedWorkAbility), 900, co),
            )
        };
        assert!(check_one(&ability(d(2023, 6, 30))).is_ok());
        let e = check_one(&ability(d(2023, 7, 1))).unwrap_err();
        assert_eq!((e.code, arg(&e, "value")), (ErrorCode::SubsidyRateForBasis, "70".into()));
    }

    #[test]
    fn a_municipality_gets_pay_subsidy_only_for_reduced_work_ability_or_the_long_term_unemployed_60_from_2025(
    ) {
        let m = PartnerKind::MunicipalUnit;
        let on = |date: NaiveDate, rate, basis| {
            job(date, date + Days::new(60), 1, subsidy(rate, Some(basis), 1000, m))
        };
        let skills = |date| on(date, SubsidyRate::Fifty, SubsidyBasis::ReducedSkills);
        assert!(check_one(&skills(d(2024, 12, 31))).is_ok());
        let e = check_one(&skills(d(2025, 1, 1))).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::SubsidyEmployerNotAllowed, Some("organiserId")));
        assert_eq!((arg(&e, "name"), arg(&e, "date")), ("municipal_unit".into(), "2025-01-01".into()));
        // With no ground named, 50 % is reduced skills: refused too.
        let plain = job(d(2025, 1, 1), d(2025, 3, 1), 1, subsidy(SubsidyRate::Fifty, None, 1000, m));
        assert_eq!(code(check_one(&plain)).0, ErrorCode::SubsidyEmployerNotAllowed);
        assert!(check_one(&on(d(2025, 1, 1), SubsidyRate::Seventy, SubsidyBasis::ReducedWorkAbility)).is_ok());
        assert!(check_one(&on(d(2025, 1, 1), SubsidyRate::Fifty, SubsidyBasis::LongTermUnemployed60)).is_ok());
        // Companies keep the 50 %.
        let company = job(
            d(2025, 1, 1),
            d(2025, 3, 1),
            1,
            subsidy(SubsidyRate::Fifty, None, 1000, PartnerKind::Company),
        );
        assert!(check_one(&company).is_ok());
    }

    #[test]
    fn the_long_term_unemployed_60_ground_needs_the_age_and_the_unemployment() {
        let base =
            subsidy(SubsidyRate::Fifty, Some(SubsidyBasis::LongTermUnemployed60), 1000, PartnerKind::Company);
        let on = |s| job(d(2025, 3, 1), d(2027, 2, 28), 1, s);
        assert!(check_one(&on(base)).is_ok(), "24 months at a time");
        let young = Subsidy { age: Some(59), ..base };
        let e = check_one(&on(young)).unwrap_err();
        assert_eq!(
            (e.code, arg(&e, "scope"), arg(&e, "min")),
            (ErrorCode::SubsidyConditionNotMet, "age".into(), "60".into())
        );
        let unknown = Subsidy { age: None, ..base };
        assert_eq!(code(check_one(&on(unknown))).0, ErrorCode::SubsidyConditionNotMet);
        let short =
            Subsidy { unemployment: Unemployment { of_last_14: Some(11), of_last_28: Some(11) }, ..base };
        assert_eq!(
            code(check_one(&on(short))),
            (ErrorCode::SubsidyConditionNotMet, "subsidy.unemployedMonthsOfLast14".into())
        );
        let missing = Subsidy { unemployment: Unemployment::default(), ..base };
        assert_eq!(
            code(check_one(&on(missing))),
            (ErrorCode::Required, "subsidy.unemployedMonthsOfLast14".into())
        );
        let long = job(d(2025, 3, 1), d(2027, 3, 1), 1, base);
        assert_eq!(code(check_one(&long)), (ErrorCode::SubsidyPeriodTooLong, "endsOn".into()));
    }

    #[test]
    fn reduced_skills_lasts_5_months_or_10_after_12_of_14_months_unemployed() {
        let co = PartnerKind::Company;
        let at = |to, of14| {
            let mut s = subsidy(SubsidyRate::Fifty, None, 1000, co);
            s.unemployment = Unemployment { of_last_14: of14, of_last_28: None };
            job(d(2025, 2, 1), to, 1, s)
        };
        assert!(check_one(&at(d(2025, 6, 30), None)).is_ok(), "five months");
        let e = check_one(&at(d(2025, 7, 1), None)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::SubsidyPeriodTooLong, Some("endsOn")));
        assert_eq!(
            (arg(&e, "months"), arg(&e, "scope"), arg(&e, "value"), arg(&e, "min"), arg(&e, "max")),
            ("5".into(), "longer".into(), "10".into(), "12".into(), "14".into())
        );
        assert_eq!(code(check_one(&at(d(2025, 7, 1), Some(11)))).0, ErrorCode::SubsidyPeriodTooLong);
        assert!(check_one(&at(d(2025, 11, 30), Some(12))).is_ok(), "ten months");
        let e = check_one(&at(d(2025, 12, 1), Some(12))).unwrap_err();
        assert_eq!((arg(&e, "months"), arg(&e, "scope")), ("10".into(), "at_a_time".into()));
        // Before 1.7.2023: 30 % for 6 months, 40 % for 12 after 12 of 14.
        let old = |rate, to, of14| {
            let mut s = subsidy(rate, None, 1000, co);
            s.unemployment = Unemployment { of_last_14: of14, of_last_28: None };
            job(d(2022, 1, 1), to, 1, s)
        };
        assert!(check_one(&old(SubsidyRate::Thirty, d(2022, 6, 30), None)).is_ok());
        assert_eq!(
            code(check_one(&old(SubsidyRate::Thirty, d(2022, 7, 1), None))).0,
            ErrorCode::SubsidyPeriodTooLong
        );
        assert_eq!(
            code(check_one(&old(SubsidyRate::Forty, d(2022, 6, 30), None))),
            (ErrorCode::Required, "subsidy.unemployedMonthsOfLast14".into())
        );
        assert!(check_one(&old(SubsidyRate::Forty, d(2022, 12, 31), Some(12))).is_ok());
    }

    #[test]
    fn reduced_work_ability_is_granted_24_months_at_a_time_and_escapes_the_three_year_rule() {
        let s = subsidy(SubsidyRate::Seventy, None, 1500, PartnerKind::Company);
        assert!(check_one(&job(d(2024, 1, 1), d(2025, 12, 31), 1, s)).is_ok());
        assert_eq!(
            code(check_one(&job(d(2024, 1, 1), d(2026, 1, 1), 1, s))).0,
            ErrorCode::SubsidyPeriodTooLong
        );
        let rules = PathRules::embedded();
        let first = job(d(2024, 1, 1), d(2025, 12, 31), 1, s);
        let next = job(d(2026, 1, 1), d(2027, 12, 31), 1, s);
        assert!(check(&rules, &next, &[first], TODAY, Check::Planned).is_ok());
    }

    #[test]
    fn the_same_employer_waits_three_years_after_a_pay_subsidy() {
        let rules = PathRules::embedded();
        let skills = subsidy(SubsidyRate::Fifty, None, 1000, PartnerKind::Company);
        let earlier = [job(d(2023, 8, 1), d(2023, 12, 31), 7, skills)];
        let again = |from: NaiveDate, employer| job(from, from + Days::new(100), employer, skills);
        let e = check(&rules, &again(d(2026, 12, 31), 7), &earlier, TODAY, Check::Planned).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::SubsidySameEmployer, Some("organiserId")));
        assert_eq!((arg(&e, "to"), arg(&e, "date")), ("2023-12-31".into(), "2027-01-01".into()));
        let far = |date| check(&rules, &again(date, 7), &earlier, date, Check::Planned);
        assert!(far(d(2027, 1, 1)).is_ok());
        assert!(
            check(&rules, &again(d(2024, 2, 1), 8), &earlier, TODAY, Check::Planned).is_ok(),
            "another employer"
        );
        // The rule came with the reform: before 1.7.2023 a new decision was possible.
        let old = [job(
            d(2022, 1, 1),
            d(2022, 6, 30),
            7,
            subsidy(SubsidyRate::Thirty, None, 900, PartnerKind::Company),
        )];
        let mut s = subsidy(SubsidyRate::Forty, None, 900, PartnerKind::Company);
        s.unemployment.of_last_14 = Some(12);
        assert!(check(&rules, &job(d(2023, 1, 1), d(2023, 6, 30), 7, s), &old, TODAY, Check::Planned).is_ok());
        // An earlier 55+ employment subsidy is another kind of support.
        let support = subsidy(
            SubsidyRate::Seventy,
            Some(SubsidyBasis::EmploymentSubsidy55),
            1000,
            PartnerKind::Company,
        );
        let earlier = [job(d(2024, 1, 1), d(2024, 10, 31), 7, support)];
        assert!(check(&rules, &again(d(2025, 1, 1), 7), &earlier, TODAY, Check::Planned).is_ok());
    }

    #[test]
    fn the_hundred_percent_subsidy_needs_a_non_profit_non_business_and_long_unemployment() {
        let ok = subsidy(SubsidyRate::Hundred, None, 2020, PartnerKind::ThirdSector);
        let on = |s| job(d(2026, 1, 1), d(2026, 12, 31), 1, s);
        assert!(check_one(&on(ok)).is_ok(), "12 months");
        assert_eq!(
            code(check_one(&on(Subsidy { monthly_amount: Euros::from_cents(202_001), ..ok }))).0,
            ErrorCode::SubsidyCapExceeded
        );
        let cases = [
            (
                Subsidy { employer_kind: PartnerKind::Company, ..ok },
                ErrorCode::SubsidyRateNotAllowed,
                "subsidy.ratePercent",
            ),
            (
                Subsidy { working_time_percent: 66, ..ok },
                ErrorCode::SubsidyRateNotAllowed,
                "subsidy.workingTimePercent",
            ),
            (Subsidy { non_business_tasks: None, ..ok }, ErrorCode::Required, "subsidy.nonBusinessTasks"),
            (
                Subsidy { non_business_tasks: Some(false), ..ok },
                ErrorCode::SubsidyConditionNotMet,
                "subsidy.nonBusinessTasks",
            ),
            (
                Subsidy { unemployment: Unemployment { of_last_14: Some(14), of_last_28: Some(23) }, ..ok },
                ErrorCode::SubsidyConditionNotMet,
                "subsidy.unemployedMonthsOfLast28",
            ),
        ];
        for (s, want, field) in cases {
            assert_eq!(code(check_one(&on(s))), (want, field.to_string()), "{s:?}");
        }
        assert!(check_one(&on(Subsidy { working_time_percent: 65, ..ok })).is_ok());
        // Before the reform, at most 1 800 € a month.
        let old = |euros: i64| {
            job(
                d(2023, 1, 1),
                d(2023, 6, 30),
                1,
                Subsidy { monthly_amount: Euros::from_cents(euros * 100), ..ok },
            )
        };
        assert!(check_one(&old(1800)).is_ok());
        assert_eq!(code(check_one(&old(1801))).0, ErrorCode::SubsidyCapExceeded);
    }

    #[test]
    fn the_55_plus_employment_subsidy_is_its_own_kind_from_1_july_2023() {
        let s = Subsidy {
            age: Some(55),
            ..subsidy(
                SubsidyRate::Seventy,
                Some(SubsidyBasis::EmploymentSubsidy55),
                1770,
                PartnerKind::Company,
            )
        };
        let on = |from: NaiveDate, s| job(from, plus_months(from, 10) - Days::new(1), 1, s);
        let e = check_one(&on(d(2023, 6, 30), s)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::SubsidyBasisNotInForce, Some("subsidy.basis")));
        assert!(check_one(&on(d(2023, 7, 1), s)).is_ok());
        assert_eq!(
            code(check_one(&on(d(2023, 7, 1), Subsidy { age: Some(54), ..s }))).0,
            ErrorCode::SubsidyConditionNotMet
        );
        let long = job(d(2023, 7, 1), d(2024, 5, 1), 1, s);
        assert_eq!(code(check_one(&long)).0, ErrorCode::SubsidyPeriodTooLong);
        let e = check_one(&on(d(2025, 1, 1), Subsidy { rate: SubsidyRate::Fifty, ..s })).unwrap_err();
        assert_eq!((e.code, arg(&e, "value")), (ErrorCode::SubsidyRateForBasis, "70".into()));
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
        assert_eq!((err.code, arg(&err, "scope")), (ErrorCode::WorkTrialLimit, "organiser".into()));
        // Another task does not help with a company.
        let task = |e: &Episode<u32>, t: &str| Episode { task: Some(t.into()), ..e.clone() };
        let (a, b) = (task(&first, "varasto"), task(&again, "myymälä"));
        assert_eq!(
            check(&rules, &b, std::slice::from_ref(&a), TODAY, Check::Planned).unwrap_err().code,
            ErrorCode::WorkTrialLimit
        );
        let elsewhere = Episode { organiser: Some(2), ..again.clone() };
        assert!(check(&rules, &elsewhere, std::slice::from_ref(&first), TODAY, Check::Planned).is_ok());
        let history = [first, elsewhere, period(PathStage::WorkTrial, d(2025, 10, 1), d(2026, 1, 31), 3)];
        let more = period(PathStage::WorkTrial, d(2026, 3, 1), d(2026, 4, 30), 4);
        let err = check(&rules, &more, &history, TODAY, Check::Planned).unwrap_err();
        assert_eq!((err.code, arg(&err, "scope")), (ErrorCode::WorkTrialLimit, "total".into()));
    }

    #[test]
    fn with_the_municipality_the_six_months_are_per_task() {
        let rules = PathRules::embedded();
        let trial = |from, to, task: Option<&str>| Episode {
            organiser_is_municipality: true,
            task: task.map(Into::into),
            ..period(PathStage::WorkTrial, from, to, 0)
        };
        let library = trial(d(2025, 1, 1), d(2025, 6, 30), Some("Kirjastoapulainen"));
        let kitchen = trial(d(2025, 7, 1), d(2025, 12, 31), Some("keittiöapulainen"));
        let others = std::slice::from_ref(&library);
        assert!(check(&rules, &kitchen, others, TODAY, Check::Planned).is_ok(), "six months in another task");
        let same = trial(d(2025, 7, 1), d(2025, 7, 31), Some("  kirjastoapulainen "));
        let err = check(&rules, &same, others, TODAY, Check::Planned).unwrap_err();
        assert_eq!(
            (err.code, arg(&err, "scope"), arg(&err, "months")),
            (ErrorCode::WorkTrialLimit, "task".into(), "6".into())
        );
        // A trial recorded without its task may have been in any task.
        let untold = trial(d(2025, 7, 1), d(2025, 7, 31), None);
        assert_eq!(
            check(&rules, &untold, others, TODAY, Check::Planned).unwrap_err().code,
            ErrorCode::WorkTrialLimit
        );
        // Twelve months in all still apply.
        let third = trial(d(2026, 1, 1), d(2026, 1, 31), Some("siivous"));
        let err = check(&rules, &third, &[library, kitchen], TODAY, Check::Planned).unwrap_err();
        assert_eq!(arg(&err, "scope"), "total");
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
            organiser_is_municipality: false,
            task: None,
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
    fn unemployment_counts_fit_their_windows() {
        assert!(Unemployment::parse(Some(12), Some(20)).is_ok());
        let e = Unemployment::parse(Some(15), None).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::OutOfRange, Some("subsidy.unemployedMonthsOfLast14"))
        );
        let e = Unemployment::parse(Some(12), Some(10)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("subsidy.unemployedMonthsOfLast28"));
        assert!(Unemployment::parse(Some(-1), None).is_err());
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

    proptest! {
        /// Whatever the day, the rules in force are the last version that
        /// took effect by then, and a rate is allowed exactly when that
        /// version lists it.
        #[test]
        fn the_version_and_its_rates_follow_the_start_day(offset in 0u64..4_000, rate in 0usize..5) {
            let rules = PathRules::embedded();
            let start = d(2016, 6, 1) + Days::new(offset);
            let rate = SubsidyRate::ALL[rate];
            let expected = rules.versions().iter().rev().find(|v| v.effective_from <= start);
            let e = job(start, start + Days::new(30), 1, subsidy(rate, None, 1, PartnerKind::ThirdSector));
            let got = check(&rules, &e, &[], start, Check::Planned);
            match expected {
                None => prop_assert_eq!(got.unwrap_err().code, ErrorCode::NoPathRuleForDate),
                Some(v) if !v.rates().contains(&rate.percent()) => {
                    prop_assert_eq!(got.unwrap_err().code, ErrorCode::SubsidyRateNotInForce)
                }
                Some(v) => prop_assert_eq!(&got.unwrap().id, &v.id),
            }
        }

        /// Reduced work ability: any period up to 24 months from its start
        /// passes, one day more does not.
        #[test]
        fn a_period_passes_exactly_when_it_fits_its_months(offset in 0u64..3_000, extra in 0i64..3) {
            let start = d(2017, 1, 1) + Days::new(offset);
            let rate = if start < d(2023, 7, 1) { SubsidyRate::Fifty } else { SubsidyRate::Seventy };
            let s = subsidy(rate, Some(SubsidyBasis::ReducedWorkAbility), 1000, PartnerKind::Company);
            let last = plus_months(start, 24) - Days::new(1);
            let end = last + chrono::Duration::days(extra - 1);
            let rules = PathRules::embedded();
            let got = check(&rules, &job(start, end, 1, s), &[], start, Check::Planned);
            if end <= last {
                prop_assert!(got.is_ok(), "{start}–{end}: {got:?}");
            } else {
                prop_assert_eq!(got.unwrap_err().code, ErrorCode::SubsidyPeriodTooLong);
            }
        }
    }
}
