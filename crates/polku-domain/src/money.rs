//! Amounts of money in euros, held as whole cents so that sums, differences
//! and partial-month payments are exact and add up to the cent.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of euros, possibly negative (a correction or a repayment).
///
/// Floats are never involved: input is parsed digit by digit and serde uses
/// the string form `"1234.50"`, because a JSON number would reach most
/// clients as a binary float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Euros {
    cents: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount is digits with an optional sign and decimals, e.g. 1 234,50 or 1234.50")]
    Format,
    #[error("an amount has at most two decimals")]
    TooManyDecimals,
    #[error("the amount is too large")]
    Overflow,
}

/// Thousands separators: a space, or the no-break space that Finnish number
/// formatting (and so copying from a spreadsheet or a web page) produces.
const GROUP_SEPARATORS: [char; 2] = [' ', '\u{a0}'];

impl Euros {
    pub const ZERO: Euros = Euros { cents: 0 };

    pub const fn from_cents(cents: i64) -> Euros {
        Euros { cents }
    }

    pub const fn cents(self) -> i64 {
        self.cents
    }

    /// Parses `1234`, `1234.5`, `1234.50`, `1234,50`, `1 234,50` and the
    /// same with a leading `-`, ignoring surrounding whitespace.
    ///
    /// - The decimal separator is `.` or `,`, with one or two digits after it.
    ///   A third decimal is an error, never a rounding, even when it is `0`.
    /// - Thousands may be grouped by a space or a no-break space, in groups of
    ///   exactly three, and only before the decimal separator.
    /// - So `1,234` is refused (too many decimals) rather than read as either
    ///   1.234 or 1234, and `1,234.50` and `1.234,50` are refused as `Format`.
    pub fn parse(s: &str) -> Result<Euros, MoneyError> {
        let s = s.trim();
        let (negative, unsigned) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, fraction) = match unsigned.split_once(['.', ',']) {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let fraction_cents = match fraction {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(MoneyError::Format)
            }
            Some(f) if f.len() > 2 => return Err(MoneyError::TooManyDecimals),
            Some(f) => {
                let value = digits_value(f)?;
                if f.len() == 1 {
                    value * 10
                } else {
                    value
                }
            }
        };
        let cents = whole_value(whole)?
            .checked_mul(100)
            .and_then(|c| c.checked_add(fraction_cents))
            .ok_or(MoneyError::Overflow)?;
        // Going through i128 lets the most negative amount, whose magnitude
        // does not fit in an i64, parse too.
        let signed = if negative { -cents } else { cents };
        i64::try_from(signed).map(Euros::from_cents).map_err(|_| MoneyError::Overflow)
    }

    pub fn checked_add(self, other: Euros) -> Option<Euros> {
        self.cents.checked_add(other.cents).map(Euros::from_cents)
    }

    pub fn checked_sub(self, other: Euros) -> Option<Euros> {
        self.cents.checked_sub(other.cents).map(Euros::from_cents)
    }

    pub fn checked_mul(self, factor: i64) -> Option<Euros> {
        self.cents.checked_mul(factor).map(Euros::from_cents)
    }

    /// `self * numerator / denominator`, rounded to the nearest cent with
    /// halves rounded up, i.e. away from zero: 0.05 € × 1/2 is 0.03 € and
    /// −0.05 € × 1/2 is −0.03 €. Rounding halves away from zero rather than
    /// towards +∞ makes a reversal exactly the negation of the payment.
    ///
    /// Used for partial months: a monthly sum for 10 days of a 31-day month is
    /// `monthly.pro_rata(10, 31)`.
    ///
    /// Panics if `denominator` is 0 or the result does not fit; with inputs
    /// that are not known to be sane, use [`Euros::checked_pro_rata`].
    #[expect(clippy::expect_used, reason = "documented panic; checked_pro_rata is the fallible form")]
    pub fn pro_rata(self, numerator: i64, denominator: i64) -> Euros {
        self.checked_pro_rata(numerator, denominator)
            .expect("pro_rata needs a non-zero denominator and a result that fits")
    }

    /// [`Euros::pro_rata`], or `None` if `denominator` is 0 or the result
    /// does not fit.
    pub fn checked_pro_rata(self, numerator: i64, denominator: i64) -> Option<Euros> {
        if denominator == 0 {
            return None;
        }
        // i64 × i64 always fits in an i128, so nothing is lost before rounding.
        let product = i128::from(self.cents) * i128::from(numerator);
        let negative = (product < 0) != (denominator < 0);
        let (magnitude, divisor) = (product.unsigned_abs(), u128::from(denominator.unsigned_abs()));
        let mut quotient = magnitude / divisor;
        if 2 * (magnitude % divisor) >= divisor {
            quotient += 1;
        }
        let quotient = i128::try_from(quotient).ok()?;
        let signed = if negative { -quotient } else { quotient };
        i64::try_from(signed).ok().map(Euros::from_cents)
    }
}

/// The value of the digits before the decimal separator, in euros.
fn whole_value(whole: &str) -> Result<i128, MoneyError> {
    let mut groups = whole.split(GROUP_SEPARATORS);
    let first = groups.next().unwrap_or_default();
    let grouped = whole.contains(GROUP_SEPARATORS);
    if first.is_empty() || (grouped && first.len() > 3) {
        return Err(MoneyError::Format);
    }
    let mut value = digits_value(first)?;
    for group in groups {
        if group.len() != 3 {
            return Err(MoneyError::Format);
        }
        let group = digits_value(group)?;
        value = value.checked_mul(1000).and_then(|v| v.checked_add(group)).ok_or(MoneyError::Overflow)?;
    }
    Ok(value)
}

/// The value of a run of ASCII digits; anything else is a format error.
fn digits_value(digits: &str) -> Result<i128, MoneyError> {
    digits.bytes().try_fold(0i128, |value, b| {
        if !b.is_ascii_digit() {
            return Err(MoneyError::Format);
        }
        value.checked_mul(10).and_then(|v| v.checked_add(i128::from(b - b'0'))).ok_or(MoneyError::Overflow)
    })
}

impl fmt::Display for Euros {
    /// The plain machine form, `1234.50` or `-0.05`: no grouping, a point, and
    /// always two decimals. Formatting for people belongs to the locale.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let magnitude = self.cents.unsigned_abs();
        write!(f, "{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

impl FromStr for Euros {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Euros::parse(s)
    }
}

impl Serialize for Euros {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Only strings are accepted, through `parse`: a number would already have
/// been a float on its way here.
impl<'de> Deserialize<'de> for Euros {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Euros::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::value::{Error as ValueError, F64Deserializer, StrDeserializer};
    use serde::de::IntoDeserializer;

    fn cents(s: &str) -> i64 {
        Euros::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).cents()
    }

    #[test]
    fn parses_the_accepted_forms() {
        assert_eq!(cents("1234"), 123_400);
        assert_eq!(cents("1234.5"), 123_450);
        assert_eq!(cents("1234.50"), 123_450);
        assert_eq!(cents("1234,50"), 123_450);
        assert_eq!(cents("1 234,50"), 123_450);
        assert_eq!(cents("1\u{a0}234,50"), 123_450);
        assert_eq!(cents("12 345 678,90"), 1_234_567_890);
        assert_eq!(cents(" -1 234,50 "), -123_450);
        assert_eq!(cents("0.05"), 5);
        assert_eq!(cents("-0.05"), -5);
        assert_eq!(cents("-0"), 0);
        assert_eq!(cents("007"), 700);
    }

    #[test]
    fn refuses_malformed_amounts() {
        for bad in [
            "",
            "-",
            "--1",
            "+5",
            "abc",
            "12a",
            ".5",
            "5.",
            "-.5",
            "1.2.3",
            "1,234.50",
            "1.234,50",
            "12 34",
            "1234 567",
            "1  234",
            "1 2a4",
            " 1 234 ,50",
            "1 234,5 0",
            "1e3",
            "5 €",
            "1_000",
            "１２",
        ] {
            assert_eq!(Euros::parse(bad), Err(MoneyError::Format), "{bad:?}");
        }
    }

    #[test]
    fn refuses_a_third_decimal_instead_of_rounding() {
        for bad in ["1.234", "1,234", "1.500", "0.001", "-2,999"] {
            assert_eq!(Euros::parse(bad), Err(MoneyError::TooManyDecimals), "{bad}");
        }
    }

    #[test]
    fn refuses_amounts_that_do_not_fit() {
        assert_eq!(cents("92233720368547758.07"), i64::MAX);
        assert_eq!(cents("-92233720368547758.08"), i64::MIN);
        for bad in [
            "92233720368547758.08",
            "-92233720368547758.09",
            "92 233 720 368 547 759",
            "1000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(Euros::parse(bad), Err(MoneyError::Overflow), "{bad}");
        }
    }

    #[test]
    fn displays_the_machine_form() {
        assert_eq!(Euros::from_cents(123_450).to_string(), "1234.50");
        assert_eq!(Euros::from_cents(5).to_string(), "0.05");
        assert_eq!(Euros::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Euros::ZERO.to_string(), "0.00");
        assert_eq!(Euros::from_cents(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn checked_arithmetic() {
        let a = Euros::from_cents(150);
        assert_eq!(a.checked_add(Euros::from_cents(1)), Some(Euros::from_cents(151)));
        assert_eq!(a.checked_sub(Euros::from_cents(200)), Some(Euros::from_cents(-50)));
        assert_eq!(a.checked_mul(-3), Some(Euros::from_cents(-450)));
        assert_eq!(Euros::from_cents(i64::MAX).checked_add(Euros::from_cents(1)), None);
        assert_eq!(Euros::from_cents(i64::MIN).checked_sub(Euros::from_cents(1)), None);
        assert_eq!(Euros::from_cents(i64::MAX).checked_mul(2), None);
    }

    #[test]
    fn pro_rata_rounds_half_away_from_zero() {
        let monthly = Euros::from_cents(100_000);
        // 1000 € × 10/31 = 322.5806… €
        assert_eq!(monthly.pro_rata(10, 31), Euros::from_cents(32_258));
        assert_eq!(monthly.pro_rata(31, 31), monthly);
        assert_eq!(monthly.pro_rata(0, 31), Euros::ZERO);
        assert_eq!(Euros::from_cents(5).pro_rata(1, 2), Euros::from_cents(3));
        assert_eq!(Euros::from_cents(-5).pro_rata(1, 2), Euros::from_cents(-3));
        assert_eq!(Euros::from_cents(5).pro_rata(1, -2), Euros::from_cents(-3));
        assert_eq!(Euros::from_cents(5).pro_rata(-1, -2), Euros::from_cents(3));
        // 0.01 € × 1/3 is below half a cent.
        assert_eq!(Euros::from_cents(1).pro_rata(1, 3), Euros::ZERO);
        assert_eq!(Euros::from_cents(2).pro_rata(1, 3), Euros::from_cents(1));
    }

    #[test]
    fn checked_pro_rata_refuses_zero_denominators_and_overflow() {
        assert_eq!(Euros::from_cents(100).checked_pro_rata(1, 0), None);
        assert_eq!(Euros::from_cents(i64::MAX).checked_pro_rata(2, 1), None);
        assert_eq!(Euros::from_cents(i64::MIN).checked_pro_rata(-1, 1), None);
        assert_eq!(
            Euros::from_cents(i64::MIN).checked_pro_rata(i64::MIN, i64::MIN),
            Some(Euros::from_cents(i64::MIN))
        );
    }

    #[test]
    #[should_panic(expected = "non-zero denominator")]
    fn pro_rata_panics_on_a_zero_denominator() {
        let _ = Euros::from_cents(100).pro_rata(1, 0);
    }

    #[test]
    fn deserializes_strings_through_parse_and_refuses_numbers() {
        let de: StrDeserializer<'_, ValueError> = "1 234,50".into_deserializer();
        assert_eq!(Euros::deserialize(de).unwrap(), Euros::from_cents(123_450));
        let de: StrDeserializer<'_, ValueError> = "1.005".into_deserializer();
        assert!(Euros::deserialize(de).is_err());
        let de: F64Deserializer<ValueError> = 1234.5.into_deserializer();
        assert!(Euros::deserialize(de).is_err());
    }

    /// `1234567.89` in the Finnish form, `1 234 567,89`, with `separator`.
    fn finnish(amount: Euros, separator: char) -> String {
        let plain = amount.to_string();
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (whole, fraction) = rest.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        format!("{sign}{grouped},{fraction}")
    }

    proptest! {
        #[test]
        fn parse_undoes_display(c in any::<i64>()) {
            let amount = Euros::from_cents(c);
            prop_assert_eq!(Euros::parse(&amount.to_string()), Ok(amount));
        }

        #[test]
        fn parse_reads_the_finnish_form(c in any::<i64>(), nbsp in any::<bool>()) {
            let amount = Euros::from_cents(c);
            let text = finnish(amount, if nbsp { '\u{a0}' } else { ' ' });
            prop_assert_eq!(Euros::parse(&text), Ok(amount), "{}", text);
        }

        #[test]
        fn pro_rata_is_within_half_a_cent(
            c in -1_000_000_000i64..1_000_000_000,
            numerator in 0i64..=31,
            denominator in 1i64..=31,
        ) {
            let result = Euros::from_cents(c).pro_rata(numerator, denominator);
            let exact = i128::from(c) * i128::from(numerator);
            let error = (i128::from(result.cents()) * i128::from(denominator) - exact).abs();
            prop_assert!(2 * error <= i128::from(denominator));
        }

        #[test]
        fn pro_rata_of_a_negation_is_the_negation(
            c in -1_000_000_000i64..1_000_000_000,
            numerator in 0i64..=31,
            denominator in 1i64..=31,
        ) {
            let plus = Euros::from_cents(c).pro_rata(numerator, denominator);
            let minus = Euros::from_cents(-c).pro_rata(numerator, denominator);
            prop_assert_eq!(minus.cents(), -plus.cents());
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in any::<String>()) {
            let _ = Euros::parse(&s);
        }
    }
}
