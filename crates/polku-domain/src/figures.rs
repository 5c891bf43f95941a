//! Key figures (tunnusluvut / nyckeltal) of an employment area per calendar
//! month, for oversight and the area's own managers: computed here from the
//! area's case data as raw counts, sums and bases ([`MonthRaw`]), kept
//! precomputed, and published only through [`publish`], which applies the
//! disclosure rules. The definitions are those of `docs/figures.md`.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::working_days_between;
use crate::customer::{age_on, MeetingType};
use crate::disclosure::{breakdown, rate, Count};
use crate::partner_report::NextStep;
use crate::path::PathStage;
use crate::rules::{plan_review_due, HeldMeeting, Rules};
use crate::{DomainError, ErrorCode, ServiceCategory};

/// A calendar month, written `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(NaiveDate);

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month(date - chrono::Days::new(u64::from(date.day0())))
    }

    /// Parses `YYYY-MM`; anything else is `INVALID_MONTH`.
    pub fn parse(s: &str) -> Result<Month, DomainError> {
        let bad = || DomainError::new(ErrorCode::InvalidMonth).with_arg("value", s);
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let (y, m) = (y.parse::<i32>().map_err(|_| bad())?, m.parse::<u32>().map_err(|_| bad())?);
        NaiveDate::from_ymd_opt(y, m, 1).map(Month).ok_or_else(bad)
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().0 - Days::new(1)
    }

    pub fn next(self) -> Month {
        Month(self.0 + Months::new(1))
    }

    /// Whole months from `earlier` to `self`; `self` must not be earlier.
    pub fn months_since(self, earlier: Month) -> usize {
        let ordinal = |m: Month| i64::from(m.0.year()) * 12 + i64::from(m.0.month0());
        usize::try_from(ordinal(self) - ordinal(earlier)).unwrap_or(0)
    }

    pub fn minus(self, months: u32) -> Month {
        Month(self.0 - Months::new(months))
    }

    /// Every month from `self` to `to`, both included.
    pub fn through(self, to: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self), |m| Some(m.next())).take_while(move |m| *m <= to)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

/// Age bands of the figures, by age on the month's last day.
pub const AGE_BANDS: [(&str, u32, u32); 5] =
    [("15-24", 0, 24), ("25-29", 25, 29), ("30-54", 30, 54), ("55-64", 55, 64), ("65+", 65, u32::MAX)];

/// The benefit groups, with `unknown` for a customer whose benefit is not recorded.
pub const GROUPS: [&str; 5] =
    ["labour_market_subsidy", "basic_daily_allowance", "earnings_related_allowance", "none", "unknown"];

pub const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];

/// The exits counted: to the open labour market, to pay-subsidised work, to education.
pub const EXITS: [PathStage; 3] = [PathStage::OpenMarket, PathStage::PaySubsidisedWork, PathStage::Education];

/// A meeting as the figures need it; ratings are totals of 0–40.
#[derive(Clone, Copy, Debug)]
pub struct MeetingFacts {
    pub on: NaiveDate,
    pub kind: MeetingType,
    pub ors: Option<u8>,
    pub srs: Option<u8>,
}

#[derive(Clone, Copy, Debug)]
pub struct EpisodeFacts {
    pub stage: PathStage,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct ReferralFacts {
    pub made_on: NaiveDate,
    /// `Some(true)` once accepted (queued, started and ended included),
    /// `Some(false)` when declined, `None` while unanswered.
    pub accepted: Option<bool>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// Index into [`AreaFacts::services`].
    pub service: usize,
    /// The partner's current attendance reports: the day (a week's Monday)
    /// and the working days it was attended (1 or 0 for a day; a week's
    /// hours as days of eight hours, at most five).
    pub attendance: Vec<(NaiveDate, f64)>,
    /// The closing assessment: the day filed and the next step recommended.
    pub assessed: Option<(NaiveDate, NextStep)>,
}

#[derive(Clone, Debug)]
pub struct CustomerFacts {
    pub registered_on: NaiveDate,
    pub birth_date: NaiveDate,
    pub language: &'static str,
    /// One of [`GROUPS`].
    pub group: &'static str,
    pub job_search_started_on: Option<NaiveDate>,
    /// Status changes, oldest first: the day and whether the customer is active from it.
    pub status: Vec<(NaiveDate, bool)>,
    /// Oldest first.
    pub meetings: Vec<MeetingFacts>,
    /// Days the plan was drawn up or revised, oldest first.
    pub plan_revisions: Vec<NaiveDate>,
    /// Oldest first.
    pub path: Vec<EpisodeFacts>,
    pub referrals: Vec<ReferralFacts>,
}

#[derive(Clone, Copy, Debug)]
pub struct ServiceFacts {
    pub category: ServiceCategory,
    pub capacity: Option<i32>,
    pub cost_cents: i64,
    pub active_from: NaiveDate,
    /// The last day it ran: its end date or the day before retirement.
    pub active_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
pub struct AreaFacts {
    pub customers: Vec<CustomerFacts>,
    pub services: Vec<ServiceFacts>,
}

/// Place use of one service category in a month.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UseRaw {
    pub filled_place_days: i64,
    /// Referrals in use during the month (the people behind the figure).
    pub people: i64,
    /// Of capacity-limited services only.
    pub offered_place_days: i64,
    pub limited_filled_place_days: i64,
    pub limited_people: i64,
    /// Of referrals whose partner reported attendance in the month: the
    /// working days attended, the working days they were in the service,
    /// the people, and what their places cost.
    #[serde(default)]
    pub attended_days: f64,
    #[serde(default)]
    pub reported_working_days: i64,
    #[serde(default)]
    pub reported_people: i64,
    #[serde(default)]
    pub reported_cost_cents: f64,
}

/// One month of an area before suppression: what is kept precomputed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthRaw {
    /// The days the month's figures cover (fewer for the current month).
    pub days: i64,
    pub customers: i64,
    pub new_customers: i64,
    pub by_group: BTreeMap<String, i64>,
    pub by_language: BTreeMap<String, i64>,
    pub by_age_band: BTreeMap<String, i64>,
    pub in_service: i64,
    pub initial_interviews: i64,
    pub interview_median_days: Option<f64>,
    pub interviews_within_deadline: i64,
    pub plan_base: i64,
    pub plans_up_to_date: i64,
    pub meetings: i64,
    pub ors_people: i64,
    pub ors_change_sum: i64,
    pub srs_people: i64,
    pub srs_sum: f64,
    pub service_use: BTreeMap<String, UseRaw>,
    pub referrals: i64,
    pub referrals_answered: i64,
    pub referrals_accepted: i64,
    /// `from>to` stage pairs.
    pub transitions: BTreeMap<String, i64>,
    pub exits: BTreeMap<String, i64>,
    pub cost_cents: f64,
    /// Closing assessments filed in the month, as `category>next_step`.
    #[serde(default)]
    pub outcomes: BTreeMap<String, i64>,
}

fn is_active_on(c: &CustomerFacts, day: NaiveDate) -> bool {
    if c.registered_on > day {
        return false;
    }
    c.status.iter().rev().find(|(on, _)| *on <= day).map(|(_, active)| *active).unwrap_or(true)
}

fn overlap_days(from: NaiveDate, until: Option<NaiveDate>, start: NaiveDate, end: NaiveDate) -> i64 {
    let a = from.max(start);
    let b = until.map_or(end, |u| u.min(end));
    if b < a {
        0
    } else {
        (b - a).num_days() + 1
    }
}

fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] as f64 } else { (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0 })
}

/// The months `from..=Month::of(today)` of an area, computed from its facts.
/// The current month runs to `today`.
pub fn compute(rules: &Rules, area: &AreaFacts, from: Month, today: NaiveDate) -> Vec<(Month, MonthRaw)> {
    let months: Vec<Month> = from.through(Month::of(today)).collect();
    // The month a day falls in, as an index into `months`.
    let index = |d: NaiveDate| -> Option<usize> {
        let m = Month::of(d);
        (m >= from && d <= today).then(|| m.months_since(from))
    };
    let mut out: Vec<MonthRaw> = months
        .iter()
        .map(|m| MonthRaw {
            days: (m.last_day().min(today) - m.first_day()).num_days() + 1,
            ..Default::default()
        })
        .collect();
    let mut interview_days: Vec<Vec<i64>> = vec![Vec::new(); months.len()];

    // Services offered, per category and month.
    for s in &area.services {
        for (i, m) in months.iter().enumerate() {
            let end = m.last_day().min(today);
            let days = overlap_days(s.active_from, s.active_until, m.first_day(), end);
            if let (Some(capacity), true) = (s.capacity, days > 0) {
                out[i].service_use.entry(s.category.code().to_string()).or_default().offered_place_days +=
                    i64::from(capacity) * days;
            }
        }
    }

    for c in &area.customers {
        if let Some(i) = index(c.registered_on) {
            out[i].new_customers += 1;
        }
        let held: Vec<HeldMeeting<()>> =
            c.meetings.iter().map(|m| HeldMeeting { id: (), on: m.on, kind: m.kind }).collect();
        for m in &c.meetings {
            if let Some(i) = index(m.on) {
                out[i].meetings += 1;
            }
        }
        // The first initial interview after the job search started.
        if let Some(start) = c.job_search_started_on {
            let first = c.meetings.iter().find(|m| m.kind == MeetingType::InitialInterview && m.on >= start);
            if let Some(m) = first {
                if let (Some(i), Ok((deadline, _))) =
                    (index(m.on), rules.initial_interview_deadline(start, today))
                {
                    out[i].initial_interviews += 1;
                    interview_days[i].push(working_days_between(start, m.on));
                    if m.on <= deadline {
                        out[i].interviews_within_deadline += 1;
                    }
                }
            }
        }
        for r in &c.referrals {
            if let Some(i) = index(r.made_on) {
                out[i].referrals += 1;
                if let Some(accepted) = r.accepted {
                    out[i].referrals_answered += 1;
                    out[i].referrals_accepted += i64::from(accepted);
                }
            }
        }
        for pair in c.path.windows(2) {
            if let Some(i) = index(pair[1].starts_on) {
                *out[i]
                    .transitions
                    .entry(format!("{}>{}", pair[0].stage.code(), pair[1].stage.code()))
                    .or_default() += 1;
            }
        }
        for e in &c.path {
            if let (true, Some(i)) = (EXITS.contains(&e.stage), index(e.starts_on)) {
                *out[i].exits.entry(e.stage.code().to_string()).or_default() += 1;
            }
        }

        for (i, m) in months.iter().enumerate() {
            let last = m.last_day().min(today);
            let first = m.first_day();
            let raw = &mut out[i];
            // Place use and its cost count whoever was in the service.
            for r in &c.referrals {
                let Some(started) = r.started_on else { continue };
                let days = overlap_days(started, r.ended_on, first, last);
                if days == 0 {
                    continue;
                }
                let service = &area.services[r.service];
                let used = raw.service_use.entry(service.category.code().to_string()).or_default();
                used.filled_place_days += days;
                used.people += 1;
                if service.capacity.is_some() {
                    used.limited_filled_place_days += days;
                    used.limited_people += 1;
                }
                let month_days = (m.last_day() - first).num_days() + 1;
                let cost = service.cost_cents as f64 * days as f64 / month_days as f64;
                raw.cost_cents += cost;
                // Where the partner reports attendance, use is the days attended.
                let mut reported = r.attendance.iter().filter(|(d, _)| *d >= first && *d <= last).peekable();
                if reported.peek().is_some() {
                    used.attended_days += reported.map(|(_, worth)| worth).sum::<f64>();
                    let from = started.max(first);
                    let to = r.ended_on.map_or(last, |e| e.min(last));
                    used.reported_working_days += working_days_between(from - Days::new(1), to).max(0);
                    used.reported_people += 1;
                    used.reported_cost_cents += cost;
                }
            }
            for r in &c.referrals {
                if let Some((_, step)) = r.assessed.filter(|(on, _)| *on >= first && *on <= last) {
                    let category = area.services[r.service].category.code();
                    *raw.outcomes.entry(format!("{category}>{}", step.code())).or_default() += 1;
                }
            }
            let rated: Vec<u8> =
                c.meetings.iter().filter(|x| x.on >= first && x.on <= last).filter_map(|x| x.srs).collect();
            if !rated.is_empty() {
                raw.srs_people += 1;
                raw.srs_sum += rated.iter().map(|&v| f64::from(v)).sum::<f64>() / rated.len() as f64;
            }

            if !is_active_on(c, last) {
                continue;
            }
            raw.customers += 1;
            *raw.by_group.entry(c.group.to_string()).or_default() += 1;
            *raw.by_language.entry(c.language.to_string()).or_default() += 1;
            let age = age_on(c.birth_date, last);
            let band =
                AGE_BANDS.iter().find(|(_, lo, hi)| (*lo..=*hi).contains(&age)).map_or("15-24", |b| b.0);
            *raw.by_age_band.entry(band.to_string()).or_default() += 1;

            let in_period = c.path.iter().any(|e| {
                e.stage.is_period() && e.starts_on <= last && e.ends_on.is_none_or(|end| end >= last)
            });
            let in_referral = c
                .referrals
                .iter()
                .any(|r| r.started_on.is_some_and(|s| s <= last) && r.ended_on.is_none_or(|end| end >= last));
            raw.in_service += i64::from(in_period || in_referral);

            let interviewed = c
                .job_search_started_on
                .map(|start| {
                    held.iter()
                        .any(|h| h.kind == MeetingType::InitialInterview && h.on >= start && h.on <= last)
                })
                .unwrap_or(false);
            if interviewed {
                let since_start: Vec<&HeldMeeting<()>> =
                    held.iter().filter(|h| c.job_search_started_on.is_some_and(|s| h.on >= s)).collect();
                if let Some(due) = plan_review_due(since_start, last) {
                    raw.plan_base += 1;
                    let revised = c.plan_revisions.iter().rev().find(|d| **d <= last);
                    raw.plans_up_to_date += i64::from(revised.is_some_and(|r| *r >= due));
                }
            }

            let mut ors = c.meetings.iter().filter(|x| x.on <= last).filter_map(|x| x.ors);
            if let Some(first_ors) = ors.next() {
                if let Some(latest) = ors.next_back() {
                    raw.ors_people += 1;
                    raw.ors_change_sum += i64::from(latest) - i64::from(first_ors);
                }
            }
        }
    }
    for (raw, days) in out.iter_mut().zip(interview_days.iter_mut()) {
        raw.interview_median_days = median(days);
    }
    months.into_iter().zip(out).collect()
}

/// A breakdown cell as published.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub key: String,
    pub count: Count,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceUse {
    pub category: ServiceCategory,
    /// Average places in use over the month.
    pub places_filled: Measure,
    /// Average places offered by capacity-limited services; a capacity,
    /// not people, so never suppressed.
    pub places_offered: Option<f64>,
    pub fill_rate: Measure,
    /// Working days attended per working day in the service, where the
    /// partner reports attendance.
    pub attendance_rate: Measure,
    /// What a day attended cost, where the partner reports attendance.
    pub cost_per_attended_day_euros: Measure,
}

/// A measure as published: a value, suppressed, or nothing to measure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Measure {
    Value(f64),
    Suppressed,
    None,
}

impl Measure {
    /// `sum / people`, suppressed on fewer than the threshold, none on nobody.
    fn mean(sum: f64, people: i64) -> Measure {
        if people == 0 {
            Measure::None
        } else {
            rate(sum, people).map_or(Measure::Suppressed, Measure::Value)
        }
    }

    /// `value`, which `people` are behind: suppressed when they are as few
    /// as a count would be; none when there is no value.
    fn over(value: Option<f64>, people: i64) -> Measure {
        match (value, Count::of(people)) {
            (None, _) => Measure::None,
            (Some(_), Count::Suppressed) => Measure::Suppressed,
            (Some(v), Count::Shown(_)) => Measure::Value(v),
        }
    }
}

/// One month of an area as anyone outside the case staff may see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub customers: Count,
    pub new_customers: Count,
    pub by_group: Vec<Cell>,
    pub by_language: Vec<Cell>,
    pub by_age_band: Vec<Cell>,
    pub activation_rate: Measure,
    pub initial_interviews: Count,
    pub interview_median_days: Measure,
    pub interviews_within_deadline: Measure,
    pub plan_up_to_date_rate: Measure,
    pub meetings: Count,
    pub meetings_per_customer: Measure,
    pub ors_change_mean: Measure,
    pub srs_mean: Measure,
    pub service_use: Vec<ServiceUse>,
    pub referrals: Count,
    pub referral_acceptance_rate: Measure,
    pub transitions: Vec<(PathStage, PathStage, Count)>,
    pub exits: Vec<Cell>,
    pub cost_per_customer_euros: Measure,
    /// Closing assessments by service kind and the next step recommended.
    pub outcomes: Vec<(ServiceCategory, NextStep, Count)>,
}

fn cells(keys: &[&str], counts: &BTreeMap<String, i64>) -> (Count, Vec<Cell>) {
    let b = breakdown(keys.iter().map(|k| (k.to_string(), counts.get(*k).copied().unwrap_or(0))).collect());
    (b.total, b.cells.into_iter().map(|(key, count)| Cell { key, count }).collect())
}

/// Applies the disclosure rules to a month's raw figures. The customer
/// total is shown only where every breakdown of it shows it too, so no
/// breakdown can be subtracted from a total another one hides.
pub fn publish(raw: &MonthRaw) -> Published {
    let (group_total, by_group) = cells(&GROUPS, &raw.by_group);
    let (language_total, by_language) = cells(&LANGUAGES, &raw.by_language);
    let bands: Vec<&str> = AGE_BANDS.iter().map(|b| b.0).collect();
    let (band_total, by_age_band) = cells(&bands, &raw.by_age_band);
    let customers = if [group_total, language_total, band_total].contains(&Count::Suppressed) {
        Count::Suppressed
    } else {
        Count::of(raw.customers)
    };
    let exit_keys: Vec<&str> = EXITS.iter().map(|s| s.code()).collect();
    let (_, exits) = cells(&exit_keys, &raw.exits);
    let per_customer = |sum: f64| Measure::mean(sum, raw.customers);
    let service_use = raw
        .service_use
        .iter()
        .filter_map(|(key, u)| {
            let category = ServiceCategory::from_code(key)?;
            let days = raw.days.max(1) as f64;
            let offered = (u.offered_place_days > 0).then_some(u.offered_place_days as f64);
            Some(ServiceUse {
                category,
                places_filled: Measure::over(Some(u.filled_place_days as f64 / days), u.people),
                places_offered: offered.map(|o| o / days),
                fill_rate: Measure::over(
                    offered.map(|o| u.limited_filled_place_days as f64 / o),
                    u.limited_people,
                ),
                attendance_rate: Measure::over(
                    (u.reported_working_days > 0).then(|| u.attended_days / u.reported_working_days as f64),
                    u.reported_people,
                ),
                cost_per_attended_day_euros: Measure::over(
                    (u.attended_days > 0.0).then(|| u.reported_cost_cents / 100.0 / u.attended_days),
                    u.reported_people,
                ),
            })
        })
        .collect();
    let transitions = raw
        .transitions
        .iter()
        .filter_map(|(key, n)| {
            let (from, to) = key.split_once('>')?;
            Some((PathStage::from_code(from)?, PathStage::from_code(to)?, Count::of(*n)))
        })
        .collect();
    Published {
        customers,
        new_customers: Count::of(raw.new_customers),
        by_group,
        by_language,
        by_age_band,
        activation_rate: per_customer(raw.in_service as f64),
        initial_interviews: Count::of(raw.initial_interviews),
        interview_median_days: Measure::over(raw.interview_median_days, raw.initial_interviews),
        interviews_within_deadline: Measure::mean(
            raw.interviews_within_deadline as f64,
            raw.initial_interviews,
        ),
        plan_up_to_date_rate: Measure::mean(raw.plans_up_to_date as f64, raw.plan_base),
        meetings: Count::of(raw.meetings),
        meetings_per_customer: per_customer(raw.meetings as f64),
        ors_change_mean: Measure::mean(raw.ors_change_sum as f64, raw.ors_people),
        srs_mean: Measure::mean(raw.srs_sum, raw.srs_people),
        service_use,
        referrals: Count::of(raw.referrals),
        referral_acceptance_rate: Measure::mean(raw.referrals_accepted as f64, raw.referrals_answered),
        transitions,
        exits,
        cost_per_customer_euros: per_customer(raw.cost_cents / 100.0),
        outcomes: raw
            .outcomes
            .iter()
            .filter_map(|(key, n)| {
                let (category, step) = key.split_once('>')?;
                Some((ServiceCategory::from_code(category)?, NextStep::from_code(step)?, Count::of(*n)))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn use_is_days_attended_where_partners_report_and_outcomes_count_by_service() {
        let rules = Rules::embedded();
        let customers = (0..6u32)
            .map(|i| {
                let mut c = customer(d(2026, 1, 5));
                // Present on the ten working days of 2–13 November but the
                // first `i` of them; in the service the whole month.
                let attendance = (0..14u32)
                    .map(|k| d(2026, 11, 2 + k))
                    .filter(|day| day.weekday().number_from_monday() <= 5)
                    .enumerate()
                    .map(|(k, day)| (day, if k < i as usize { 0.0 } else { 1.0 }))
                    .collect();
                c.referrals.push(ReferralFacts {
                    made_on: d(2026, 10, 20),
                    accepted: Some(true),
                    started_on: Some(d(2026, 11, 2)),
                    ended_on: Some(d(2026, 11, 13)),
                    service: 0,
                    attendance,
                    assessed: Some((d(2026, 11, 16), NextStep::OpenMarket)),
                });
                c
            })
            .collect();
        let area = AreaFacts {
            customers,
            services: vec![ServiceFacts {
                category: ServiceCategory::WorkTrial,
                capacity: None,
                cost_cents: 30_000,
                active_from: d(2025, 1, 1),
                active_until: None,
            }],
        };
        let out = compute(&rules, &area, Month::parse("2026-11").unwrap(), d(2026, 11, 30));
        let raw = &out[0].1;
        let trial = &raw.service_use["work_trial"];
        // 60 working days in the service, 60 - (0+1+…+5) = 45 attended.
        assert_eq!((trial.reported_working_days, trial.attended_days, trial.reported_people), (60, 45.0, 6));
        let p = publish(raw);
        assert_eq!(p.service_use[0].attendance_rate, Measure::Value(0.75));
        // Six places for 12 of November's 30 days at 300 € a month, over 45 days attended.
        let Measure::Value(per_day) = p.service_use[0].cost_per_attended_day_euros else { panic!() };
        assert!((per_day - 6.0 * 300.0 * 12.0 / 30.0 / 45.0).abs() < 1e-9, "{per_day}");
        assert_eq!(p.outcomes, [(ServiceCategory::WorkTrial, NextStep::OpenMarket, Count::Shown(6))]);
    }

    fn customer(registered: NaiveDate) -> CustomerFacts {
        CustomerFacts {
            registered_on: registered,
            birth_date: d(1990, 6, 1),
            language: "fi",
            group: "labour_market_subsidy",
            job_search_started_on: Some(registered),
            status: vec![(registered, true)],
            meetings: vec![],
            plan_revisions: vec![],
            path: vec![],
            referrals: vec![],
        }
    }

    #[test]
    fn months_parse_and_print_alike() {
        assert_eq!(Month::parse("2026-02").unwrap().to_string(), "2026-02");
        assert_eq!(Month::parse("2026-02").unwrap().last_day(), d(2026, 2, 28));
        for bad in ["2026-13", "2026-2", "26-02", "2026/02", ""] {
            assert_eq!(Month::parse(bad).unwrap_err().code, ErrorCode::InvalidMonth, "{bad}");
        }
        let m = Month::parse("2025-11").unwrap();
        assert_eq!(m.through(Month::parse("2026-02").unwrap()).count(), 4);
        assert_eq!(Month::parse("2026-02").unwrap().months_since(m), 3);
    }

    #[test]
    fn a_month_counts_customers_interviews_plans_and_service() {
        let rules = Rules::embedded();
        let mut customers = Vec::new();
        for i in 0..6u32 {
            let mut c = customer(d(2026, 3, 2 + i));
            // Interviews three days in: within the 10-working-day deadline of 2026.
            c.meetings.push(MeetingFacts {
                on: d(2026, 3, 5 + i),
                kind: MeetingType::InitialInterview,
                ors: Some(20),
                srs: Some(36),
            });
            c.meetings.push(MeetingFacts {
                on: d(2026, 4, 1),
                kind: MeetingType::JobSearchDiscussion,
                ors: Some(26),
                srs: None,
            });
            c.plan_revisions.push(d(2026, 3, 5 + i));
            if i < 3 {
                c.plan_revisions.push(d(2026, 4, 1));
            }
            if i == 0 {
                c.status.push((d(2026, 4, 20), false));
            }
            c.referrals.push(ReferralFacts {
                made_on: d(2026, 3, 10),
                accepted: Some(i != 5),
                started_on: (i < 4).then(|| d(2026, 4, 1)),
                ended_on: None,
                service: 0,
                attendance: Vec::new(),
                assessed: None,
            });
            customers.push(c);
        }
        let area = AreaFacts {
            customers,
            services: vec![ServiceFacts {
                category: ServiceCategory::Workshop,
                capacity: Some(10),
                cost_cents: 30_000,
                active_from: d(2025, 1, 1),
                active_until: None,
            }],
        };
        let out = compute(&rules, &area, Month::parse("2026-03").unwrap(), d(2026, 4, 30));
        assert_eq!(out.len(), 2);
        let (march, april) = (&out[0].1, &out[1].1);
        assert_eq!((march.customers, march.new_customers, march.initial_interviews), (6, 6, 6));
        // 3, 3, 2, 1, 1 and 2 working days (weekends between).
        assert_eq!(march.interview_median_days, Some(2.0));
        assert_eq!(march.interviews_within_deadline, 6);
        assert_eq!((march.referrals, march.referrals_answered, march.referrals_accepted), (6, 6, 5));
        assert_eq!(march.plans_up_to_date, 6);
        // In April one has left; of the five, two revised the plan at the discussion.
        assert_eq!(april.customers, 5);
        assert_eq!((april.plan_base, april.plans_up_to_date), (5, 2));
        assert_eq!(april.in_service, 3);
        assert_eq!((april.ors_people, april.ors_change_sum), (5, 30));
        let workshop = &april.service_use["workshop"];
        assert_eq!(
            (workshop.filled_place_days, workshop.offered_place_days, workshop.people),
            (4 * 30, 300, 4)
        );
        assert!((april.cost_cents - 4.0 * 30_000.0).abs() < 1e-6);

        let p = publish(april);
        assert_eq!(p.customers, Count::Shown(5));
        assert_eq!(p.activation_rate, Measure::Value(0.6));
        assert_eq!(p.plan_up_to_date_rate, Measure::Value(0.4));
        // Four people in the workshop: too few to show its use.
        assert_eq!(
            (p.service_use[0].places_filled, p.service_use[0].fill_rate),
            (Measure::Suppressed, Measure::Suppressed)
        );
        assert_eq!(p.service_use[0].places_offered, Some(10.0));
        assert_eq!(p.ors_change_mean, Measure::Value(6.0));
        assert_eq!(p.new_customers, Count::Shown(0));
        assert_eq!(publish(march).referral_acceptance_rate, Measure::Value(5.0 / 6.0));
    }

    #[test]
    fn a_lone_small_group_hides_the_total_only_through_its_breakdown() {
        let mut raw = MonthRaw { customers: 3, ..Default::default() };
        raw.by_group.insert("none".into(), 3);
        raw.by_language.insert("fi".into(), 3);
        raw.by_age_band.insert("30-54".into(), 3);
        let p = publish(&raw);
        assert_eq!(p.customers, Count::Suppressed);
        assert_eq!(p.activation_rate, Measure::Suppressed);
        assert_eq!(p.meetings_per_customer, Measure::Suppressed);
        let raw = MonthRaw::default();
        assert_eq!(publish(&raw).activation_rate, Measure::None);
    }
}
