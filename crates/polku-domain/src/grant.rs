//! The employment grant (työllisyysavustus / sysselsättningsunderstöd): an
//! area pays a company or an association a monthly amount for employing a
//! long-term unemployed or partially able customer with pay subsidy, on
//! condition that the working time is over 80 % of full time. Partial months
//! are paid pro rata by calendar days, each to the cent.

use chrono::{Datelike, Months, NaiveDate};

use crate::path::{PathVersion, SubsidyRate};
use crate::{DomainError, ErrorCode, Euros, PartnerKind};

/// Working time must be over this percentage of full time.
pub const MIN_WORKING_TIME_EXCLUSIVE: u8 = 80;

/// The default monthly amount; each area may set its own.
pub const DEFAULT_MONTHLY: Euros = Euros::from_cents(40_000);

/// The employer kinds a grant may go to: companies and associations.
pub fn employer_may_receive(kind: PartnerKind) -> bool {
    matches!(kind, PartnerKind::Company | PartnerKind::ThirdSector)
}

/// Checks a grant's terms against the pay-subsidy rules in force on its
/// start (`rules`); fields are relative to its input.
pub fn check(
    rules: &PathVersion,
    employer: PartnerKind,
    working_time_percent: u8,
    subsidy_percent: u8,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), DomainError> {
    if !employer_may_receive(employer) {
        return Err(DomainError::field(ErrorCode::GrantEmployerKind, "employerId"));
    }
    if working_time_percent > 100 {
        return Err(DomainError::field(ErrorCode::OutOfRange, "workingTimePercent")
            .with_arg("min", MIN_WORKING_TIME_EXCLUSIVE + 1)
            .with_arg("max", 100));
    }
    if working_time_percent <= MIN_WORKING_TIME_EXCLUSIVE {
        return Err(DomainError::field(ErrorCode::GrantWorkingTime, "workingTimePercent")
            .with_arg("value", working_time_percent)
            .with_arg("min", MIN_WORKING_TIME_EXCLUSIVE));
    }
    // A pay-subsidy decision of that day: 30 and 40 % until 30.6.2023,
    // 70 % from 1.7.2023.
    SubsidyRate::from_percent(i64::from(subsidy_percent)).map_err(|e| e.at("subsidyPercent"))?;
    let rates = rules.rates();
    if !rates.contains(&subsidy_percent) {
        return Err(DomainError::field(ErrorCode::SubsidyRateNotInForce, "subsidyPercent")
            .with_arg("rate", subsidy_percent)
            .with_arg("date", starts_on)
            .with_arg("value", rates.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")));
    }
    if ends_on < starts_on {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "endsOn"));
    }
    Ok(())
}

/// One month's payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payment {
    /// The first day of the month.
    pub month: NaiveDate,
    /// Days of the month the employment covers.
    pub days: u32,
    pub days_in_month: u32,
    pub amount: Euros,
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    u32::try_from((next - first).num_days()).unwrap_or(0)
}

/// The payments for employment from `start` to `end` (both included):
/// `monthly` for every whole month, and `monthly × days ÷ days in the
/// month` for a partial one, rounded half up to the cent.
pub fn schedule(monthly: Euros, start: NaiveDate, end: NaiveDate) -> Vec<Payment> {
    let mut out = Vec::new();
    let Some(mut first) = start.with_day(1) else { return out };
    while first <= end {
        let dim = days_in_month(first);
        let last = first + chrono::Days::new(u64::from(dim) - 1);
        let days = u32::try_from((end.min(last) - start.max(first)).num_days() + 1).unwrap_or(0);
        let cents = if days == dim {
            monthly.cents()
        } else {
            // Integer arithmetic, half up: exact to the cent, never a float.
            (monthly.cents() * i64::from(days) * 2 + i64::from(dim)) / (2 * i64::from(dim))
        };
        out.push(Payment { month: first, days, days_in_month: dim, amount: Euros::from_cents(cents) });
        first = first.checked_add_months(Months::new(1)).unwrap_or(last + chrono::Days::new(1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn partial_months_are_paid_by_calendar_days_to_the_cent() {
        let s = schedule(DEFAULT_MONTHLY, d(2026, 1, 15), d(2026, 4, 10));
        let amounts: Vec<(u32, i64)> = s.iter().map(|p| (p.days, p.amount.cents())).collect();
        // January: 17 of 31 days = 219.354… → 219.35; April: 10 of 30 = 133.33.
        assert_eq!(amounts, [(17, 21_935), (28, 40_000), (31, 40_000), (10, 13_333)]);
        // February of a leap year has 29 days.
        let leap = schedule(DEFAULT_MONTHLY, d(2028, 2, 15), d(2028, 2, 29));
        assert_eq!((leap[0].days_in_month, leap[0].amount.cents()), (29, 20_690));
    }

    #[test]
    fn the_terms_are_checked() {
        let rules = crate::path::PathRules::embedded();
        let (a, b) = (d(2026, 1, 1), d(2026, 12, 31));
        let v = rules.in_force(a, a).unwrap();
        assert!(check(v, PartnerKind::Company, 81, 50, a, b).is_ok());
        assert_eq!(
            check(v, PartnerKind::Company, 80, 50, a, b).unwrap_err().code,
            ErrorCode::GrantWorkingTime
        );
        assert_eq!(
            check(v, PartnerKind::VocationalSchool, 100, 50, a, b).unwrap_err().code,
            ErrorCode::GrantEmployerKind
        );
        let e = check(v, PartnerKind::ThirdSector, 90, 60, a, b).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidSubsidyRate, Some("subsidyPercent")));
        assert_eq!(
            check(v, PartnerKind::ThirdSector, 90, 70, b, a).unwrap_err().code,
            ErrorCode::InvalidDateRange
        );
    }

    #[test]
    fn the_subsidy_percent_is_one_the_rules_of_the_start_day_have() {
        let rules = crate::path::PathRules::embedded();
        let on = |date: NaiveDate, percent| {
            let v = rules.in_force(date, date).unwrap();
            check(v, PartnerKind::Company, 100, percent, date, date + chrono::Days::new(90))
        };
        assert!(on(d(2023, 6, 30), 40).is_ok());
        let e = on(d(2023, 7, 1), 40).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::SubsidyRateNotInForce, Some("subsidyPercent")));
        assert_eq!(on(d(2023, 6, 30), 70).unwrap_err().code, ErrorCode::SubsidyRateNotInForce);
        assert!(on(d(2023, 7, 1), 70).is_ok());
    }

    proptest! {
        #[test]
        fn the_schedule_covers_every_day_once_and_never_pays_more_than_whole_months(
            start in 0u32..2000, len in 0u32..900, cents in 1i64..1_000_000
        ) {
            let start = d(2025, 1, 1) + chrono::Days::new(u64::from(start));
            let end = start + chrono::Days::new(u64::from(len));
            let s = schedule(Euros::from_cents(cents), start, end);
            prop_assert_eq!(s.iter().map(|p| i64::from(p.days)).sum::<i64>(), i64::from(len) + 1);
            prop_assert!(s.iter().all(|p| p.amount.cents() <= cents && p.amount.cents() >= 0));
            prop_assert!(s.windows(2).all(|w| w[0].month < w[1].month));
        }
    }
}
