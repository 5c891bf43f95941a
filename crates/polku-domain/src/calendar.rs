//! The Finnish working-day calendar, for statutory deadlines counted in
//! working days. It is computed from the rules rather than read from a table,
//! so it never runs out of years and needs no yearly update.
//!
//! The days off are those § 5 of the Act on the Computation of Statutory Time
//! Limits (150/1930) moves a deadline past: Saturdays, Sundays and the church
//! holidays, Independence Day, May Day, and Christmas and Midsummer Eve. The
//! holidays that always fall on a Saturday or a Sunday (Easter Sunday,
//! Whitsunday, Midsummer Day, All Saints' Day) need no rule of their own.

use chrono::{Datelike, NaiveDate, Weekday};

/// A weekday that is not a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holiday {
    NewYear,
    Epiphany,
    GoodFriday,
    EasterMonday,
    MayDay,
    Ascension,
    MidsummerEve,
    IndependenceDay,
    ChristmasEve,
    ChristmasDay,
    BoxingDay,
}

/// Easter Sunday of `year` in the Gregorian calendar, by the anonymous
/// Gregorian computus (Meeus/Jones/Butcher). The Orthodox Church of Finland
/// keeps the same Easter, so there is no second date to reckon with.
///
/// Panics only for years outside `NaiveDate`'s range.
pub fn easter_sunday(year: i32) -> NaiveDate {
    // Euclidean division keeps every intermediate in range for years before
    // 1 CE too, so the result is always a date from 22 March to 25 April.
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // The computus gives a day in March or April by construction; the
    // fallbacks are never reached (a test walks centuries of Easters).
    let (month, day) = (u32::try_from(n / 31).unwrap_or(3), u32::try_from(n % 31 + 1).unwrap_or(22));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The holidays of `year` that are days off, sorted by date, including those
/// that fall on a weekend this year.
///
/// Ascension Day can fall on May Day (it did in 2008): both are listed, May
/// Day first, and [`holiday_on`] names May Day.
pub fn holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    holiday_dates(year).to_vec()
}

/// Which holiday `date` is, if any. Weekends are not holidays here; see
/// [`is_working_day`].
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some(Holiday::NewYear),
        (1, 6) => Some(Holiday::Epiphany),
        (5, 1) => Some(Holiday::MayDay),
        (12, 6) => Some(Holiday::IndependenceDay),
        (12, 24) => Some(Holiday::ChristmasEve),
        (12, 25) => Some(Holiday::ChristmasDay),
        (12, 26) => Some(Holiday::BoxingDay),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    // The movable holidays all fall from March to June.
    if !(3..=6).contains(&date.month()) {
        return None;
    }
    if date.month() == 6 && (19..=25).contains(&date.day()) && date.weekday() == Weekday::Fri {
        return Some(Holiday::MidsummerEve);
    }
    match date.signed_duration_since(easter_sunday(date.year())).num_days() {
        -2 => Some(Holiday::GoodFriday),
        1 => Some(Holiday::EasterMonday),
        39 => Some(Holiday::Ascension),
        _ => None,
    }
}

pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holiday_on(date).is_none()
}

/// The `n`-th working day strictly after `date`.
///
/// The day a period is counted from is not part of it (150/1930 § 2), so a
/// deadline "within 5 working days of D" is `add_working_days(D, 5)`: from
/// Monday 22 December 2025 that is Friday 2 January 2026.
///
/// With `n = 0` the result is `date` itself if it is a working day and
/// otherwise the next working day: the day by which something due on `date`
/// may still be done (150/1930 § 5).
///
/// Panics only past the end of `NaiveDate`'s range.
pub fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    if n == 0 {
        while !is_working_day(day) {
            day = next_day(day);
        }
        return day;
    }
    let mut left = n;
    while left > 0 {
        day = next_day(day);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// The number of working days `d` with `from < d <= to`, so that
/// `working_days_between(d, add_working_days(d, n)) == n` for `n >= 1`.
/// When `to` is before `from` the count is negative:
/// `working_days_between(a, b) == -working_days_between(b, a)`.
///
/// Counted without walking the days, so long spans cost one holiday list per
/// year rather than one step per day.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -working_days_between(to, from);
    }
    let mut count = weekdays_through(to) - weekdays_through(from);
    for year in from.year()..=to.year() {
        let dates = holiday_dates(year);
        for (i, &(day, _)) in dates.iter().enumerate() {
            // A day that is two holidays at once is one day off.
            let repeated = i > 0 && dates[i - 1].0 == day;
            let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            if !repeated && weekday && from < day && day <= to {
                count -= 1;
            }
        }
    }
    count
}

/// The number of Mondays to Fridays from an arbitrary epoch through `date`;
/// only differences mean anything. Day 1 of the common era, 1 January 1 CE,
/// was a Monday, so each run of seven days counted from it starts on Monday.
fn weekdays_through(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce());
    days.div_euclid(7) * 5 + days.rem_euclid(7).min(5)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    // Dates are bounded by `usable_date` long before NaiveDate's end.
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// The holidays of `year`, sorted, without allocating.
fn holiday_dates(year: i32) -> [(NaiveDate, Holiday); 11] {
    let on = |month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    let easter = easter_sunday(year);
    let from_easter = |days: i64| easter + chrono::Duration::days(days);
    let june_19 = on(6, 19);
    let to_friday = (Weekday::Fri.num_days_from_monday() + 7 - june_19.weekday().num_days_from_monday()) % 7;
    let mut dates = [
        (on(1, 1), Holiday::NewYear),
        (on(1, 6), Holiday::Epiphany),
        (from_easter(-2), Holiday::GoodFriday),
        (from_easter(1), Holiday::EasterMonday),
        (on(5, 1), Holiday::MayDay),
        (from_easter(39), Holiday::Ascension),
        (june_19 + chrono::Duration::days(i64::from(to_friday)), Holiday::MidsummerEve),
        (on(12, 6), Holiday::IndependenceDay),
        (on(12, 24), Holiday::ChristmasEve),
        (on(12, 25), Holiday::ChristmasDay),
        (on(12, 26), Holiday::BoxingDay),
    ];
    dates.sort_unstable();
    dates
}

/// The time zone an area keeps when its own cannot be read: every
/// employment area is in mainland Finland.
pub const DEFAULT_TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Helsinki;

/// The date in an area's time zone at instant `at`: "today" for deadlines,
/// worklists and statuses is the area's date, not UTC's (at 00:30 in
/// Helsinki it is already tomorrow there, and still yesterday in UTC).
pub fn local_date(at: chrono::DateTime<chrono::Utc>, time_zone: &str) -> NaiveDate {
    let zone = time_zone.parse::<chrono_tz::Tz>().unwrap_or(DEFAULT_TIME_ZONE);
    at.with_timezone(&zone).date_naive()
}

/// The wall-clock time in an area's time zone at instant `at`.
pub fn local_time(at: chrono::DateTime<chrono::Utc>, time_zone: &str) -> chrono::NaiveDateTime {
    let zone = time_zone.parse::<chrono_tz::Tz>().unwrap_or(DEFAULT_TIME_ZONE);
    at.with_timezone(&zone).naive_local()
}

/// The instant of a wall-clock time in an area's time zone; `None` for a
/// time the clock skips (the hour lost in spring).
pub fn from_local(local: chrono::NaiveDateTime, time_zone: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let zone = time_zone.parse::<chrono_tz::Tz>().unwrap_or(DEFAULT_TIME_ZONE);
    zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&chrono::Utc))
}

/// The date in Finland at `at`: "today" for work not done for one area
/// (the figures refresher, seeding, the command line), which every area
/// shares since all are in mainland Finland.
pub fn finnish_date(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    at.with_timezone(&DEFAULT_TIME_ZONE).date_naive()
}

/// The first and last dates Polku accepts from anyone. Every date the
/// service deals with (births since 1900, plans and deadlines decades ahead)
/// fits; values outside are typing errors or probes.
pub const FIRST_USABLE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};
pub const LAST_USABLE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// `d`, if it lies between [`FIRST_USABLE_DATE`] and [`LAST_USABLE_DATE`].
pub fn usable_date(d: NaiveDate) -> Result<NaiveDate, crate::DomainError> {
    if (FIRST_USABLE_DATE..=LAST_USABLE_DATE).contains(&d) {
        Ok(d)
    } else {
        Err(crate::DomainError::new(crate::ErrorCode::InvalidDate)
            .with_arg("min", FIRST_USABLE_DATE)
            .with_arg("max", LAST_USABLE_DATE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_areas_date_is_its_own_not_utcs() {
        use chrono::TimeZone;
        // 22:30 UTC on 31.1.2026 is 00:30 on 1.2.2026 in Helsinki (UTC+2).
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 31, 22, 30, 0).unwrap();
        assert_eq!(local_date(at, "Europe/Helsinki"), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        assert_eq!(at.date_naive(), NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        // Summer time: UTC+3.
        let at = chrono::Utc.with_ymd_and_hms(2026, 6, 30, 21, 30, 0).unwrap();
        assert_eq!(local_date(at, "Europe/Helsinki"), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(local_date(at, "not a zone"), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
    }
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn computes_easter() {
        for (year, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2000, 4, 23),
            (2038, 4, 25),
            // The earliest and latest possible dates.
            (1818, 3, 22),
            (2285, 3, 22),
            (1943, 4, 25),
            (2008, 3, 23),
        ] {
            assert_eq!(easter_sunday(year), date(year, m, d), "{year}");
        }
    }

    #[test]
    fn finds_midsummer_eve() {
        assert_eq!(holiday_on(date(2026, 6, 19)), Some(Holiday::MidsummerEve));
        assert_eq!(holiday_on(date(2025, 6, 20)), Some(Holiday::MidsummerEve));
        assert_eq!(holiday_on(date(2024, 6, 21)), Some(Holiday::MidsummerEve));
        assert_eq!(holiday_on(date(2025, 6, 27)), None);
        assert!(is_working_day(date(2026, 6, 18)));
    }

    #[test]
    fn lists_the_holidays_of_2026() {
        use Holiday::*;
        let expected = vec![
            (date(2026, 1, 1), NewYear),
            (date(2026, 1, 6), Epiphany),
            (date(2026, 4, 3), GoodFriday),
            (date(2026, 4, 6), EasterMonday),
            (date(2026, 5, 1), MayDay),
            (date(2026, 5, 14), Ascension),
            (date(2026, 6, 19), MidsummerEve),
            (date(2026, 12, 6), IndependenceDay),
            (date(2026, 12, 24), ChristmasEve),
            (date(2026, 12, 25), ChristmasDay),
            (date(2026, 12, 26), BoxingDay),
        ];
        assert_eq!(holidays(2026), expected);
        for (day, holiday) in expected {
            assert_eq!(holiday_on(day), Some(holiday), "{day}");
        }
    }

    #[test]
    fn ascension_on_may_day_counts_once() {
        let may_day = date(2008, 5, 1);
        let both: Vec<_> = holidays(2008).into_iter().filter(|(d, _)| *d == may_day).collect();
        assert_eq!(both, vec![(may_day, Holiday::MayDay), (may_day, Holiday::Ascension)]);
        assert_eq!(holiday_on(may_day), Some(Holiday::MayDay));
        // Mon 28 April to Fri 2 May 2008: four working days.
        assert_eq!(working_days_between(date(2008, 4, 27), date(2008, 5, 2)), 4);
    }

    #[test]
    fn weekends_are_not_working_days_but_not_holidays_either() {
        assert!(!is_working_day(date(2025, 12, 27)));
        assert_eq!(holiday_on(date(2025, 12, 27)), None);
        assert!(is_working_day(date(2025, 12, 22)));
        assert!(!is_working_day(date(2025, 12, 24)));
    }

    #[test]
    fn five_working_days_over_christmas() {
        // Tue 23 Dec (1), 24-26 Dec holidays, weekend, 29 (2), 30 (3), 31 (4),
        // 1 Jan holiday, Fri 2 Jan (5).
        let monday = date(2025, 12, 22);
        assert_eq!(add_working_days(monday, 5), date(2026, 1, 2));
        assert_eq!(add_working_days(monday, 4), date(2025, 12, 31));
        assert_eq!(working_days_between(monday, date(2026, 1, 2)), 5);
        assert_eq!(working_days_between(date(2026, 1, 2), monday), -5);
    }

    #[test]
    fn zero_working_days_is_today_or_the_next_working_day() {
        assert_eq!(add_working_days(date(2025, 12, 22), 0), date(2025, 12, 22));
        assert_eq!(add_working_days(date(2025, 12, 24), 0), date(2025, 12, 29));
        assert_eq!(add_working_days(date(2025, 12, 24), 1), date(2025, 12, 29));
        assert_eq!(working_days_between(date(2025, 12, 22), date(2025, 12, 22)), 0);
    }

    #[test]
    fn the_epoch_of_weekdays_through_is_a_monday() {
        assert_eq!(date(1, 1, 1).weekday(), Weekday::Mon);
        assert_eq!(date(1, 1, 1).num_days_from_ce(), 1);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let first = date(1990, 1, 1);
        let span = date(2100, 12, 31).signed_duration_since(first).num_days();
        (0..=span).prop_map(move |offset| first + chrono::Duration::days(offset))
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_from_22_march_to_25_april(year in 1583i32..=9999) {
            let easter = easter_sunday(year);
            prop_assert_eq!(easter.weekday(), Weekday::Sun);
            prop_assert!(easter >= date(year, 3, 22) && easter <= date(year, 4, 25));
        }

        #[test]
        fn adding_lands_on_a_working_day(d in any_date(), n in 0u32..400) {
            prop_assert!(is_working_day(add_working_days(d, n)));
        }

        #[test]
        fn adding_is_monotonic_in_n(d in any_date(), a in 1u32..400, b in 1u32..400) {
            let (n1, n2) = (a.min(b), a.max(b));
            prop_assume!(n1 < n2);
            prop_assert!(add_working_days(d, n1) < add_working_days(d, n2));
        }

        #[test]
        fn adding_is_monotonic_in_the_start(a in any_date(), b in any_date(), n in 0u32..400) {
            let (d1, d2) = (a.min(b), a.max(b));
            prop_assert!(add_working_days(d1, n) <= add_working_days(d2, n));
        }

        #[test]
        fn counting_undoes_adding(d in any_date(), n in 1u32..400) {
            prop_assert_eq!(working_days_between(d, add_working_days(d, n)), i64::from(n));
        }

        #[test]
        fn counting_matches_a_day_by_day_walk(a in any_date(), offset in 0i64..800) {
            let b = a + chrono::Duration::days(offset);
            let walked = a.iter_days().skip(1).take_while(|d| *d <= b)
                .filter(|d| is_working_day(*d)).count();
            prop_assert_eq!(working_days_between(a, b), i64::try_from(walked).unwrap());
        }

        #[test]
        fn counting_is_antisymmetric(a in any_date(), b in any_date()) {
            prop_assert_eq!(working_days_between(a, b), -working_days_between(b, a));
        }

        #[test]
        fn holiday_lists_are_sorted_and_agree_with_holiday_on(year in 1900i32..=2200) {
            let list = holidays(year);
            prop_assert_eq!(list.len(), 11);
            prop_assert!(list.windows(2).all(|w| w[0] <= w[1]));
            for (day, holiday) in list {
                let found = holiday_on(day);
                // Only Ascension can share its day, with May Day.
                prop_assert!(found == Some(holiday) || found == Some(Holiday::MayDay));
            }
        }
    }
}
