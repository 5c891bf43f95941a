//! The municipality's share of its residents' unemployment benefits
//! (kunnan rahoitusosuus / kommunens finansieringsandel): after a number of
//! benefit days the home municipality pays a percentage of the benefit,
//! rising in steps (`rules/municipal-share.toml`, by effective date, with
//! what is not confirmed marked). The funding-liability clock tells, for
//! one customer, where they stand: days so far, the step, when the next
//! step starts if the benefit goes on, and what the municipality pays a
//! month now.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::Deserialize;

use crate::money::Euros;
use crate::rules::{parse_versions, version_in_force};
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/municipal-share.toml");

code_enum! {
    /// An unemployment benefit the municipality may pay a share of.
    Benefit {
        /// Työmarkkinatuki / arbetsmarknadsstöd (Kela).
        LabourMarketSubsidy => "labour_market_subsidy",
        /// Peruspäiväraha / grunddagpenning (Kela).
        BasicAllowance => "basic_allowance",
        /// Ansiopäiväraha / inkomstrelaterad dagpenning (a fund).
        EarningsRelatedAllowance => "earnings_related_allowance",
    }
}

/// When a new step's percentage applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStarts {
    /// From the threshold day itself.
    Day,
    /// From the payment period after the one in which the threshold was reached.
    NextPaymentPeriod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// From this counted benefit day on (the 101st: 101).
    pub from_day: u32,
    pub percent: u32,
    /// False where the value was not confirmed from the statute.
    #[serde(default = "yes")]
    pub verified: bool,
}

fn yes() -> bool {
    true
}

/// The benefits by their codes, as the rule file writes them.
fn benefit_codes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Benefit>, D::Error> {
    let codes = Vec::<String>::deserialize(d)?;
    codes
        .iter()
        .map(|c| {
            Benefit::from_code(c).ok_or_else(|| serde::de::Error::custom(format!("unknown benefit {c}")))
        })
        .collect()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRule {
    pub id: String,
    pub effective_from: NaiveDate,
    pub source: String,
    #[serde(default)]
    pub unverified: Option<String>,
    /// Whose home municipality pays: the one on the payment day.
    pub home_municipality_on: String,
    #[serde(deserialize_with = "benefit_codes")]
    pub counted_benefits: Vec<Benefit>,
    pub counts_service_days: bool,
    pub step_starts: StepStarts,
    pub steps: Vec<Step>,
    pub invoice_due_day: u32,
    /// The base of the share of an earnings-related allowance.
    #[serde(default)]
    pub basic_allowance_daily: Option<Euros>,
}

/// All versions, oldest first.
#[derive(Clone, Debug)]
pub struct ShareRules {
    versions: Vec<ShareRule>,
}

impl ShareRules {
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> ShareRules {
        ShareRules::parse(SOURCE).expect("rules/municipal-share.toml is valid")
    }

    pub fn parse(source: &str) -> Result<ShareRules, String> {
        let versions = parse_versions(source, |v: &ShareRule| v.effective_from, |v| &v.id)?;
        for v in &versions {
            if v.steps.is_empty() || v.source.trim().is_empty() || v.counted_benefits.is_empty() {
                return Err(format!("{}: no steps, benefits or source", v.id));
            }
            if !v.steps.windows(2).all(|w| w[0].from_day < w[1].from_day && w[0].percent < w[1].percent) {
                return Err(format!("{}: steps must rise", v.id));
            }
            if v.steps.iter().any(|s| s.from_day == 0 || s.percent > 100) {
                return Err(format!("{}: a step from day 0 or over 100 %", v.id));
            }
        }
        Ok(ShareRules { versions })
    }

    pub fn versions(&self) -> &[ShareRule] {
        &self.versions
    }

    /// The rule for benefit paid for `day`.
    pub fn in_force(&self, day: NaiveDate, today: NaiveDate) -> Result<&ShareRule, DomainError> {
        version_in_force(&self.versions, |v| v.effective_from, day, today, ErrorCode::NoRuleForDate)
    }
}

impl ShareRule {
    /// The step the `day`-th counted benefit day falls in; `None` before the
    /// first (the state pays all).
    pub fn step_of(&self, day: u32) -> Option<&Step> {
        self.steps.iter().rev().find(|s| day >= s.from_day)
    }

    /// The municipality's share of one day's benefit of `benefit` at
    /// `daily`, on the `day`-th counted day: of an earnings-related
    /// allowance, only of its basic part.
    pub fn share_of_day(&self, benefit: Benefit, daily: Euros, day: u32) -> Euros {
        if !self.counted_benefits.contains(&benefit) {
            return Euros::ZERO;
        }
        let Some(step) = self.step_of(day) else { return Euros::ZERO };
        let base = match (benefit, self.basic_allowance_daily) {
            (Benefit::EarningsRelatedAllowance, Some(basic)) => daily.min(basic),
            _ => daily,
        };
        percent_of(base, step.percent)
    }
}

/// `percent` % of `amount`, rounded to the cent half away from zero.
pub fn percent_of(amount: Euros, percent: u32) -> Euros {
    let cents = i128::from(amount.cents()) * i128::from(percent);
    let rounded = (cents + if cents >= 0 { 50 } else { -50 }) / 100;
    Euros::from_cents(i64::try_from(rounded).unwrap_or(i64::MAX))
}

/// Benefit is paid for five days of each calendar week, Monday to Friday
/// (public holidays included): the days in `[from, to]` it is paid for.
pub fn benefit_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d <= to {
        if d.weekday().number_from_monday() <= 5 {
            n += 1;
        }
        let Some(next) = d.succ_opt() else { break };
        d = next;
    }
    n
}

/// Counted days by `today` of someone whose latest invoice, for `month`,
/// ended at `cumulative` days: their benefit assumed to go on since.
pub fn days_by(month: crate::figures::Month, cumulative: u32, today: NaiveDate) -> u32 {
    cumulative + benefit_days_between(month.last_day() + chrono::Days::new(1), today)
}

/// The day the `n`-th benefit day after `after` falls on (n ≥ 1).
pub fn nth_benefit_day_after(after: NaiveDate, n: u32) -> NaiveDate {
    // Whole weeks first: five benefit days each.
    let weeks = n.saturating_sub(1) / 5;
    let mut d = after + chrono::Duration::weeks(i64::from(weeks));
    let mut left = n - weeks * 5;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

/// The next step the clock reaches if the benefit goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    pub from_day: u32,
    pub percent: u32,
    /// The day it starts, counting five benefit days a week from today.
    pub starts_on: NaiveDate,
    pub verified: bool,
}

/// Where one customer's funding liability stands today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    pub rule: String,
    /// Counted benefit days so far.
    pub days: u32,
    /// The municipality's percentage now (0 before the first step).
    pub percent: u32,
    /// Whether the current percentage is confirmed from the statute.
    pub verified: bool,
    pub next: Option<NextStep>,
    /// What the municipality pays for this calendar month at today's step
    /// and daily amount, if the benefit goes on all month.
    pub monthly: Euros,
}

/// The clock of a customer with `days` counted benefit days by `today`,
/// receiving `benefit` at `daily` (when known).
pub fn clock(
    rules: &ShareRules,
    days: u32,
    benefit: Option<(Benefit, Euros)>,
    today: NaiveDate,
) -> Result<Clock, DomainError> {
    let rule = rules.in_force(today, today)?;
    let step = rule.step_of(days);
    let next = rule.steps.iter().find(|s| s.from_day > days).map(|s| NextStep {
        from_day: s.from_day,
        percent: s.percent,
        starts_on: nth_benefit_day_after(today, s.from_day - days),
        verified: s.verified,
    });
    let month_start = today.with_day(1).unwrap_or(today);
    let month_end =
        month_start.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(today);
    let monthly = match benefit {
        Some((kind, daily)) => {
            let per_day = rule.share_of_day(kind, daily, days.max(1));
            Euros::from_cents(per_day.cents() * i64::from(benefit_days_between(month_start, month_end)))
        }
        None => Euros::ZERO,
    };
    Ok(Clock {
        rule: rule.id.clone(),
        days,
        percent: step.map_or(0, |s| s.percent),
        verified: step.is_none_or(|s| s.verified),
        next,
        monthly,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_rules_parse_with_their_sources_and_marks() {
        let rules = ShareRules::embedded();
        let ids: Vec<_> = rules.versions().iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["municipal-share-2015", "municipal-share-2025"]);
        let now = rules.in_force(d(2026, 11, 30), d(2026, 11, 30)).unwrap();
        assert_eq!(now.steps[0].from_day, 101, "invoiced from the 101st day (confirmed by Kela)");
        assert!(now.steps.iter().all(|s| !s.verified), "the 2025 percentages are not confirmed");
        assert!(now.unverified.as_deref().is_some_and(|u| u.contains("NOT")));
        let old = rules.in_force(d(2024, 12, 31), d(2026, 11, 30)).unwrap();
        assert_eq!((old.steps[0].from_day, old.steps[0].percent), (301, 50));
    }

    #[test]
    fn the_clock_at_every_step_edge() {
        let rules = ShareRules::embedded();
        let today = d(2026, 11, 30); // a Monday
        let at = |days| {
            clock(&rules, days, Some((Benefit::LabourMarketSubsidy, Euros::from_cents(3721))), today).unwrap()
        };
        for (days, percent, next) in [
            (0, 0, Some(101)),
            (100, 0, Some(101)),
            (101, 10, Some(201)),
            (200, 10, Some(201)),
            (201, 20, Some(301)),
            (300, 20, Some(301)),
            (301, 30, None),
            (5000, 30, None),
        ] {
            let c = at(days);
            assert_eq!((c.percent, c.next.as_ref().map(|n| n.from_day)), (percent, next), "day {days}");
            assert!(!c.verified || percent == 0, "day {days}");
        }
        // 100 days so far: the 101st is tomorrow; 96: five benefit days on, Monday next.
        assert_eq!(at(100).next.unwrap().starts_on, d(2026, 12, 1));
        assert_eq!(at(96).next.unwrap().starts_on, d(2026, 12, 7));
        // November 2026 has 21 weekdays: 21 × 10 % of 37.21 = 21 × 3.72.
        assert_eq!(at(150).monthly, Euros::from_cents(21 * 372));
        assert_eq!(at(50).monthly, Euros::ZERO);
    }

    #[test]
    fn an_earnings_related_allowance_is_shared_only_of_its_basic_part() {
        let rules = ShareRules::embedded();
        let rule = rules.in_force(d(2026, 1, 1), d(2026, 1, 1)).unwrap();
        let high = Euros::from_cents(9000);
        assert_eq!(rule.share_of_day(Benefit::EarningsRelatedAllowance, high, 150), Euros::from_cents(372));
        assert_eq!(rule.share_of_day(Benefit::LabourMarketSubsidy, high, 150), Euros::from_cents(900));
        // Before 2025 only the labour-market subsidy was shared, from day 301.
        let old = rules.in_force(d(2024, 6, 1), d(2026, 1, 1)).unwrap();
        assert_eq!(old.share_of_day(Benefit::BasicAllowance, high, 400), Euros::ZERO);
        assert_eq!(old.share_of_day(Benefit::LabourMarketSubsidy, high, 300), Euros::ZERO);
        assert_eq!(old.share_of_day(Benefit::LabourMarketSubsidy, high, 301), Euros::from_cents(4500));
    }

    #[test]
    fn benefit_days_are_five_a_week() {
        assert_eq!(benefit_days_between(d(2026, 11, 30), d(2026, 12, 6)), 5);
        assert_eq!(nth_benefit_day_after(d(2026, 12, 4), 1), d(2026, 12, 7), "Friday → Monday");
        for n in 1..40 {
            let day = nth_benefit_day_after(d(2026, 11, 30), n);
            assert_eq!(benefit_days_between(d(2026, 12, 1), day), n, "{n}");
        }
    }
}

/// Kela's municipal invoice specification as Polku accepts it (see
/// `docs/money.md`): UTF-8, `;`-separated, one header line, then one line
/// per person, benefit and municipality for one month.
pub mod invoice {
    use super::{percent_of, Benefit, ShareRules};
    use crate::figures::Month;
    use crate::money::Euros;
    use crate::{DomainError, ErrorCode, Hetu, MunicipalityCode};

    pub const HEADER: &str =
        "kuukausi;kunta;henkilotunnus;etuus;paivat;kertyneet_paivat;maksettu;kunnan_osuus";
    pub const COLUMNS: [&str; 8] = [
        "kuukausi",
        "kunta",
        "henkilotunnus",
        "etuus",
        "paivat",
        "kertyneet_paivat",
        "maksettu",
        "kunnan_osuus",
    ];

    /// One line, parsed. Deliberately not `Debug`: it holds an identity code.
    pub struct Line {
        pub month: Month,
        pub municipality: MunicipalityCode,
        pub hetu: Hetu,
        pub benefit: Benefit,
        /// Benefit days paid for this month.
        pub days: u32,
        /// Counted benefit days at the month's end, this month's included.
        pub cumulative_days: u32,
        pub paid: Euros,
        /// The municipality's share Kela billed.
        pub share: Euros,
    }

    /// The benefit's code in the file.
    pub fn benefit_code(b: Benefit) -> &'static str {
        match b {
            Benefit::LabourMarketSubsidy => "TMT",
            Benefit::BasicAllowance => "PPR",
            Benefit::EarningsRelatedAllowance => "APR",
        }
    }

    /// Checks the header line.
    pub fn header(line: &str) -> Result<(), DomainError> {
        if line.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(HEADER) {
            Ok(())
        } else {
            Err(DomainError::field(ErrorCode::InvoiceHeader, "line 1"))
        }
    }

    /// Parses one line; an error names its column.
    pub fn parse(line: &str) -> Result<Line, DomainError> {
        let cells: Vec<&str> = line.trim_end_matches(['\r', '\n']).split(';').map(str::trim).collect();
        if cells.len() != COLUMNS.len() {
            return Err(DomainError::field(ErrorCode::InvoiceColumns, "line").with_arg("value", cells.len()));
        }
        let at = |i: usize| move |e: DomainError| e.at(COLUMNS[i]);
        let month = Month::parse(cells[0]).map_err(at(0))?;
        let municipality = MunicipalityCode::parse(cells[1]).map_err(|_| {
            DomainError::field(ErrorCode::InvalidMunicipalityCode, COLUMNS[1]).with_arg("value", cells[1])
        })?;
        let hetu =
            Hetu::parse(cells[2]).map_err(|_| DomainError::field(ErrorCode::InvalidHetu, COLUMNS[2]))?;
        let benefit = match cells[3].to_ascii_uppercase().as_str() {
            "TMT" => Benefit::LabourMarketSubsidy,
            "PPR" => Benefit::BasicAllowance,
            "APR" => Benefit::EarningsRelatedAllowance,
            _ => {
                return Err(
                    DomainError::field(ErrorCode::InvalidBenefit, COLUMNS[3]).with_arg("value", cells[3])
                )
            }
        };
        let days_error = |i: usize| DomainError::field(ErrorCode::InvoiceDays, COLUMNS[i]);
        let days: u32 = cells[4].parse().map_err(|_| days_error(4))?;
        let cumulative_days: u32 = cells[5].parse().map_err(|_| days_error(5))?;
        if !(1..=23).contains(&days) {
            return Err(days_error(4));
        }
        if cumulative_days < days || cumulative_days > 20_000 {
            return Err(days_error(5));
        }
        let money = |i: usize| {
            Euros::parse(cells[i]).ok().filter(|e| *e >= Euros::ZERO).ok_or_else(|| {
                DomainError::field(ErrorCode::InvalidAmount, COLUMNS[i]).with_arg("value", cells[i])
            })
        };
        let (paid, share) = (money(6)?, money(7)?);
        if share > paid {
            return Err(DomainError::field(ErrorCode::InvoiceShareOverPaid, COLUMNS[7]));
        }
        Ok(Line { month, municipality, hetu, benefit, days, cumulative_days, paid, share })
    }

    /// What the municipality's share of a line should be under the rules of
    /// its month: each of the month's benefit days at the step its counted
    /// day falls in, the benefit spread evenly over the days (of an
    /// earnings-related allowance, only its basic part).
    pub fn expected_share(
        rules: &ShareRules,
        month: Month,
        benefit: Benefit,
        days: u32,
        cumulative_days: u32,
        paid: Euros,
        today: chrono::NaiveDate,
    ) -> Result<Euros, DomainError> {
        Ok(share_under(rules.in_force(month.first_day(), today)?, benefit, days, cumulative_days, paid))
    }

    /// As [`expected_share`], under a rule already chosen.
    pub fn share_under(
        rule: &super::ShareRule,
        benefit: Benefit,
        days: u32,
        cumulative_days: u32,
        paid: Euros,
    ) -> Euros {
        if !rule.counted_benefits.contains(&benefit) || days == 0 {
            return Euros::ZERO;
        }
        let base = match (benefit, rule.basic_allowance_daily) {
            (Benefit::EarningsRelatedAllowance, Some(basic)) => {
                paid.min(Euros::from_cents(basic.cents() * i64::from(days)))
            }
            _ => paid,
        };
        let first = cumulative_days + 1 - days;
        // Σ of the day's percent over first..=cumulative_days, step by step
        // rather than day by day: a forecast runs this for every person and month.
        let mut percents = 0u32;
        for (i, step) in rule.steps.iter().enumerate() {
            let until = rule.steps.get(i + 1).map_or(u32::MAX, |n| n.from_day - 1);
            let (lo, hi) = (first.max(step.from_day), cumulative_days.min(until));
            if lo <= hi {
                percents += (hi - lo + 1) * step.percent;
            }
        }
        // base × Σ percent / days, rounded once: exact to the cent however
        // the steps split the month.
        let whole = percent_of(base, percents);
        let cents = whole.cents();
        let d = i64::from(days);
        Euros::from_cents((cents + if cents >= 0 { d / 2 } else { -d / 2 }) / d)
    }
}

#[cfg(test)]
mod invoice_tests {
    use super::invoice::{expected_share, parse};
    use super::*;
    use crate::figures::Month;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_line_parses_and_a_bad_one_names_its_column() {
        let l = parse("2026-10;638;131052-308T;TMT;22;120;818,62;38,99").unwrap();
        assert_eq!((l.days, l.cumulative_days, l.paid), (22, 120, Euros::from_cents(81862)));
        for (line, column) in [
            ("2026-13;638;131052-308T;TMT;22;120;818,62;38,99", "kuukausi"),
            ("2026-10;63;131052-308T;TMT;22;120;818,62;38,99", "kunta"),
            ("2026-10;638;131052-308X;TMT;22;120;818,62;38,99", "henkilotunnus"),
            ("2026-10;638;131052-308T;XYZ;22;120;818,62;38,99", "etuus"),
            ("2026-10;638;131052-308T;TMT;-1;120;818,62;38,99", "paivat"),
            ("2026-10;638;131052-308T;TMT;22;20;818,62;38,99", "kertyneet_paivat"),
            ("2026-10;638;131052-308T;TMT;22;120;-5;38,99", "maksettu"),
            ("2026-10;638;131052-308T;TMT;22;120;10;38,99", "kunnan_osuus"),
            ("2026-10;638;131052-308T;TMT;22;120", "line"),
        ] {
            assert_eq!(parse(line).err().and_then(|e| e.field).as_deref(), Some(column), "{line}");
        }
    }

    #[test]
    fn the_expected_share_follows_the_steps_inside_a_month() {
        let rules = ShareRules::embedded();
        let today = d(2026, 11, 30);
        let oct = Month::of(d(2026, 10, 1));
        let paid = Euros::from_cents(22 * 3721);
        // All 22 days before day 101: nothing.
        let none = expected_share(&rules, oct, Benefit::LabourMarketSubsidy, 22, 100, paid, today).unwrap();
        assert_eq!(none, Euros::ZERO);
        // Days 99..=120: 2 at 0 %, 20 at 10 % → 20 × 3.721 = 74.42.
        let split = expected_share(&rules, oct, Benefit::LabourMarketSubsidy, 22, 120, paid, today).unwrap();
        assert_eq!(split, Euros::from_cents(7442));
        // Days 190..=211: 11 at 10 %, 11 at 20 % → 11 × 3.721 + 11 × 7.442 = 122.79.
        let two = expected_share(&rules, oct, Benefit::LabourMarketSubsidy, 22, 211, paid, today).unwrap();
        assert_eq!(two, Euros::from_cents(12279));
        // An earnings-related allowance of 90 €/day is shared of its 37.21 basic part.
        let era = expected_share(
            &rules,
            oct,
            Benefit::EarningsRelatedAllowance,
            22,
            150,
            Euros::from_cents(22 * 9000),
            today,
        )
        .unwrap();
        assert_eq!(era, Euros::from_cents(8186));
    }
}

/// The municipality's liability ahead, from the people on the latest
/// invoice: each goes on receiving the same benefit at the same daily
/// amount, five days a week, their count of days rising into the steps.
pub mod forecast {
    use super::invoice::share_under;
    use super::{benefit_days_between, Benefit, ShareRules};
    use crate::figures::Month;
    use crate::money::Euros;
    use crate::DomainError;

    /// One person as the latest invoice left them.
    #[derive(Clone, Copy, Debug)]
    pub struct Person {
        pub benefit: Benefit,
        /// The daily amount (paid ÷ days on the invoice).
        pub daily: Euros,
        /// Counted days at the end of the invoice's month.
        pub cumulative_days: u32,
    }

    /// One month ahead.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Ahead {
        pub month: Month,
        /// If every benefit goes on.
        pub continuing: Euros,
        /// If people leave benefit at `exit_rate` a month.
        pub with_exits: Euros,
    }

    /// The `months` after `last` (the invoice's month). `exit_rate` is the
    /// share of people who leave benefit each month, in per mille.
    pub fn liability(
        rules: &ShareRules,
        people: &[Person],
        last: Month,
        months: u32,
        exit_per_mille: u32,
        today: chrono::NaiveDate,
    ) -> Result<Vec<Ahead>, DomainError> {
        Ok(grouped(rules, people, &vec![0; people.len()], 1, last, months, exit_per_mille, today)?.0)
    }

    /// As [`liability`], and the same months' continuing sums for each of
    /// `groups` groups (`group[i]` is person i's), computed in one pass.
    #[expect(clippy::too_many_arguments, reason = "the forecast's inputs, each used once")]
    pub fn grouped(
        rules: &ShareRules,
        people: &[Person],
        group: &[usize],
        groups: usize,
        last: Month,
        months: u32,
        exit_per_mille: u32,
        today: chrono::NaiveDate,
    ) -> Result<(Vec<Ahead>, Vec<Vec<Euros>>), DomainError> {
        let mut out = Vec::new();
        let mut by_group = vec![Vec::new(); groups];
        let mut cumulative: Vec<u32> = people.iter().map(|p| p.cumulative_days).collect();
        let mut month = last;
        let mut staying = 1000_i64;
        for _ in 0..months {
            month = month.next();
            let days = benefit_days_between(month.first_day(), month.last_day());
            // A month not yet in force is judged by the rule in force at its start.
            let rule = rules.in_force(month.first_day(), today.max(month.first_day()))?;
            let mut sums = vec![0_i64; groups];
            for ((p, c), g) in people.iter().zip(cumulative.iter_mut()).zip(group) {
                *c += days;
                let paid = Euros::from_cents(p.daily.cents() * i64::from(days));
                let share = share_under(rule, p.benefit, days, *c, paid);
                if let Some(sum) = sums.get_mut(*g) {
                    *sum += share.cents();
                }
            }
            let cents: i64 = sums.iter().sum();
            for (g, sum) in sums.into_iter().enumerate() {
                by_group[g].push(Euros::from_cents(sum));
            }
            staying = staying * (1000 - i64::from(exit_per_mille.min(1000))) / 1000;
            out.push(Ahead {
                month,
                continuing: Euros::from_cents(cents),
                with_exits: Euros::from_cents(cents * staying / 1000),
            });
        }
        Ok((out, by_group))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_person_climbs_the_steps_month_by_month_and_exits_thin_the_sum() {
            let rules = ShareRules::embedded();
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
            let last = Month::of(chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
            let people = [Person {
                benefit: Benefit::LabourMarketSubsidy,
                daily: Euros::from_cents(3721),
                cumulative_days: 90,
            }];
            let ahead = liability(&rules, &people, last, 3, 100, today).unwrap();
            // November (21 days: 91..=111, 11 at 10 %), December (23: 112..=134, all 10 %).
            assert_eq!(ahead[0].continuing, Euros::from_cents(4093));
            assert_eq!(ahead[1].continuing, Euros::from_cents(8558));
            assert!(ahead[1].with_exits < ahead[1].continuing);
            assert_eq!(ahead[0].with_exits, Euros::from_cents(4093 * 900 / 1000));
        }
    }
}
