//! Budget control (määrärahaseuranta / anslagsuppföljning): an area's
//! appropriations per year and purpose, and commitments that reserve money
//! month by month when they are made. A commitment that would take a
//! purpose past its appropriation is refused unless a manager overrides
//! with a reason; crossing one of the area's warning thresholds is said.

use chrono::{Datelike, NaiveDate};

use crate::{DomainError, ErrorCode, Euros};

code_enum! {
    /// What an appropriation is for.
    BudgetPurpose {
        /// Työllisyysavustus / sysselsättningsunderstöd.
        EmploymentGrants => "employment_grants",
        /// The municipality's own top-ups to pay subsidy.
        PaySubsidyTopUps => "pay_subsidy_top_ups",
        /// Service places bought from partners (per service).
        BoughtPlaces => "bought_places",
        Other => "other",
    }
}

/// One month of a commitment: what it reserves of that month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthAmount {
    /// The first day of the month.
    pub month: NaiveDate,
    pub amount: Euros,
}

/// Where one year and purpose stand before a new commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub appropriation: Euros,
    /// Reserved and not released (spent included: spending uses a reservation).
    pub reserved: Euros,
}

/// The outcome of checking a commitment against a year's appropriation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The warning thresholds (percent of the appropriation) the commitment
    /// crosses.
    pub warnings: Vec<u32>,
    /// It goes past the appropriation, by a manager's override.
    pub overridden: bool,
}

/// Checks `amount` more for a year against its standing: past the
/// appropriation is `BUDGET_EXCEEDED` on `field` (with what is free) unless
/// `override_reason` is given.
pub fn check(
    standing: Standing,
    amount: Euros,
    thresholds: &[u32],
    override_reason: Option<&str>,
    field: &str,
) -> Result<Checked, DomainError> {
    let after = standing.reserved.cents() + amount.cents();
    let over = after > standing.appropriation.cents();
    if over && override_reason.is_none() {
        let free = (standing.appropriation.cents() - standing.reserved.cents()).max(0);
        return Err(DomainError::field(ErrorCode::BudgetExceeded, field)
            .with_arg("value", amount)
            .with_arg("max", Euros::from_cents(free)));
    }
    let pct = |cents: i64| {
        if standing.appropriation.cents() <= 0 {
            return u128::MAX;
        }
        u128::try_from(cents.max(0)).unwrap_or(0) * 100
            / u128::try_from(standing.appropriation.cents()).unwrap_or(1)
    };
    let (before, now) = (pct(standing.reserved.cents()), pct(after));
    let warnings =
        thresholds.iter().copied().filter(|t| before < u128::from(*t) && now >= u128::from(*t)).collect();
    Ok(Checked { warnings, overridden: over })
}

/// A bought place's cost reserved month by month for its planned length:
/// the first month from `start`, whole months after, each at `monthly`.
pub fn place_months(monthly: Euros, start: NaiveDate, months: u32) -> Vec<MonthAmount> {
    let Some(first) = start.with_day(1) else { return Vec::new() };
    (0..months)
        .filter_map(|i| first.checked_add_months(chrono::Months::new(i)))
        .map(|month| MonthAmount { month, amount: monthly })
        .collect()
}

/// The years a commitment's months fall in, each with its sum, in order.
pub fn by_year(months: &[MonthAmount]) -> Vec<(i32, Euros)> {
    let mut out: Vec<(i32, Euros)> = Vec::new();
    for m in months {
        match out.last_mut() {
            Some((y, sum)) if *y == m.month.year() => {
                *sum = Euros::from_cents(sum.cents() + m.amount.cents())
            }
            _ => out.push((m.month.year(), m.amount)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(cents: i64) -> Euros {
        Euros::from_cents(cents)
    }

    #[test]
    fn the_last_euros_go_once_and_a_manager_may_override() {
        let s = Standing { appropriation: e(100_000), reserved: e(90_000) };
        assert!(check(s, e(10_000), &[], None, "x").is_ok(), "exactly what is free");
        let err = check(s, e(10_001), &[], None, "input").unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::BudgetExceeded, Some("input")));
        let over = check(s, e(50_000), &[], Some("council decision 12/2026"), "x").unwrap();
        assert!(over.overridden);
    }

    #[test]
    fn crossing_a_threshold_warns_once() {
        let s = Standing { appropriation: e(100_000), reserved: e(70_000) };
        assert_eq!(check(s, e(6_000), &[75, 90], None, "x").unwrap().warnings, [75]);
        assert_eq!(check(s, e(25_000), &[75, 90], None, "x").unwrap().warnings, [75, 90]);
        let s = Standing { appropriation: e(100_000), reserved: e(80_000) };
        assert_eq!(check(s, e(1_000), &[75, 90], None, "x").unwrap().warnings, Vec::<u32>::new());
    }

    #[test]
    fn a_place_reserves_its_months_and_years_split() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let m = place_months(e(90_000), d(2026, 11, 15), 4);
        assert_eq!(
            m.iter().map(|x| x.month).collect::<Vec<_>>(),
            [d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1), d(2027, 2, 1)]
        );
        assert_eq!(by_year(&m), [(2026, e(180_000)), (2027, e(180_000))]);
    }
}
