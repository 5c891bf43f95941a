//! Small numbers identify people. Figures for oversight pass through here:
//! a count of 1 to 4 is suppressed (shown as suppressed, never as zero), a
//! rate or mean built on fewer than 5 people is suppressed, and where one
//! cell of a breakdown is suppressed a second one is too, so that the total
//! and the other cells cannot give it away.

/// The smallest count shown, and the fewest people a rate or mean needs.
pub const THRESHOLD: i64 = 5;

/// A count as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Shown(i64),
    Suppressed,
}

impl Count {
    pub fn of(n: i64) -> Count {
        if (1..THRESHOLD).contains(&n) {
            Count::Suppressed
        } else {
            Count::Shown(n)
        }
    }

    pub fn shown(self) -> Option<i64> {
        match self {
            Count::Shown(n) => Some(n),
            Count::Suppressed => None,
        }
    }
}

/// A rate (`numerator / denominator`) or mean as published: suppressed when
/// fewer than `THRESHOLD` people are behind it.
pub fn rate(numerator: f64, people: i64) -> Option<f64> {
    (people >= THRESHOLD).then(|| numerator / people as f64)
}

/// A breakdown (by group, language, age band…) with its total.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown<K> {
    pub total: Count,
    pub cells: Vec<(K, Count)>,
}

/// Publishes `cells` and their total. Primary suppression hides counts of
/// 1–4; when exactly one cell is hidden and the total is shown, the
/// smallest other non-zero cell is hidden too (secondary suppression), or,
/// if there is none, the total.
pub fn breakdown<K>(cells: Vec<(K, i64)>) -> Breakdown<K> {
    let total_raw: i64 = cells.iter().map(|(_, n)| *n).sum();
    let total = Count::of(total_raw);
    let mut out: Vec<(K, Count)> = cells.into_iter().map(|(k, n)| (k, Count::of(n))).collect();
    let raw: Vec<i64> = out.iter().map(|(_, c)| c.shown().unwrap_or(0)).collect();
    let hidden = out.iter().filter(|(_, c)| *c == Count::Suppressed).count();
    let mut total = total;
    if hidden == 1 && total != Count::Suppressed {
        let second = out
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| matches!(c, Count::Shown(n) if *n > 0))
            .min_by_key(|(i, _)| raw[*i])
            .map(|(i, _)| i);
        match second {
            Some(i) => out[i].1 = Count::Suppressed,
            None => total = Count::Suppressed,
        }
    }
    Breakdown { total, cells: out }
}

/// Amounts that belong to people (euros billed for them, forecast for
/// them), by cell with each cell's people. An amount is shown only where
/// its people's count is, after the breakdown's secondary suppression, so
/// one person's benefit can be neither read nor subtracted out.
#[derive(Clone, Debug, PartialEq)]
pub struct AmountCell<K> {
    pub key: K,
    pub people: Count,
    /// `None` where suppressed.
    pub amounts: Option<Vec<i64>>,
}

/// Publishes `cells` (key, people, amounts) and their total, as
/// [`breakdown`] does for the people.
pub fn amounts<K>(cells: Vec<(K, i64, Vec<i64>)>) -> (AmountCell<()>, Vec<AmountCell<K>>) {
    let width = cells.first().map_or(0, |c| c.2.len());
    let mut total = vec![0_i64; width];
    for (_, _, a) in &cells {
        for (t, v) in total.iter_mut().zip(a) {
            *t += v;
        }
    }
    let mut kept = Vec::with_capacity(cells.len());
    let mut people = Vec::with_capacity(cells.len());
    for (i, (key, n, a)) in cells.into_iter().enumerate() {
        people.push((i, n));
        kept.push((key, a));
    }
    let b = breakdown(people);
    let shown = |c: Count, a: Vec<i64>| AmountCell { key: (), people: c, amounts: c.shown().map(|_| a) };
    let out = kept
        .into_iter()
        .zip(b.cells)
        .map(|((key, a), (_, c))| AmountCell { key, people: c, amounts: c.shown().map(|_| a) })
        .collect();
    (shown(b.total, total), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_counts_are_suppressed_and_zero_is_zero() {
        assert_eq!(Count::of(0), Count::Shown(0));
        assert_eq!(Count::of(3), Count::Suppressed);
        assert_eq!(Count::of(5), Count::Shown(5));
        assert_eq!(rate(3.0, 4), None);
        assert_eq!(rate(3.0, 6), Some(0.5));
    }

    #[test]
    fn a_lone_suppressed_cell_takes_the_smallest_other_with_it() {
        let b = breakdown(vec![("fi", 40), ("sv", 12), ("en", 2)]);
        assert_eq!(b.total, Count::Shown(54));
        assert_eq!(
            b.cells,
            vec![("fi", Count::Shown(40)), ("sv", Count::Suppressed), ("en", Count::Suppressed)]
        );
        // A zero says nothing of the hidden cell, so it is not the one hidden.
        let b = breakdown(vec![("fi", 40), ("sv", 0), ("en", 2)]);
        assert_eq!(
            b.cells,
            vec![("fi", Count::Suppressed), ("sv", Count::Shown(0)), ("en", Count::Suppressed)]
        );
        assert_eq!(b.total, Count::Shown(42));
    }

    #[test]
    fn an_amount_goes_with_its_people() {
        let (total, cells) =
            amounts(vec![("091", 40, vec![4000]), ("092", 12, vec![1200]), ("235", 2, vec![210])]);
        assert_eq!(total.amounts, Some(vec![5410]));
        // Kauniainen's two people hide Vantaa's euros too, or Kauniainen's would be the rest.
        assert_eq!(cells[0].amounts, Some(vec![4000]));
        assert_eq!((cells[1].people, cells[1].amounts.as_ref()), (Count::Suppressed, None));
        assert_eq!((cells[2].people, cells[2].amounts.as_ref()), (Count::Suppressed, None));
        let (total, _) = amounts(vec![("091", 3, vec![300])]);
        assert_eq!(total.amounts, None);
    }

    proptest! {
        #[test]
        fn no_suppressed_cell_can_be_worked_out(cells in proptest::collection::vec(0i64..30, 1..8)) {
            let b = breakdown(cells.iter().copied().enumerate().collect());
            // Nothing from 1 to 4 is ever shown.
            for (_, c) in &b.cells {
                prop_assert!(!matches!(c, Count::Shown(n) if (1..THRESHOLD).contains(n)));
            }
            prop_assert!(!matches!(b.total, Count::Shown(n) if (1..THRESHOLD).contains(&n)));
            let hidden = b.cells.iter().filter(|(_, c)| *c == Count::Suppressed).count();
            // A shown total with exactly one hidden cell would reveal it.
            prop_assert!(!(hidden == 1 && b.total != Count::Suppressed));
            // What is shown is consistent: a shown total is the true sum,
            // and with nothing hidden the cells add up to it.
            if let Count::Shown(t) = b.total {
                prop_assert_eq!(t, cells.iter().sum::<i64>());
                if hidden == 0 {
                    prop_assert_eq!(b.cells.iter().filter_map(|(_, c)| c.shown()).sum::<i64>(), t);
                }
            }
        }
    }
}
