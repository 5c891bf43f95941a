//! Finnish business IDs (Y-tunnus), parsed into the seven-digit form the
//! Business Information System shows, so one company has one spelling.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

/// A business ID with a valid check digit, always `NNNNNNN-C`, e.g. `0112038-9`.
///
/// Unlike a personal identity code this is public information, so `Debug`
/// shows it whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessId(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BusinessIdError {
    #[error("a business ID is seven digits, a hyphen and a check digit, e.g. 1234567-1")]
    Format,
    #[error("the check digit of the business ID does not match")]
    Checksum,
}

impl BusinessId {
    /// Parses `NNNNNNN-C`, ignoring surrounding whitespace.
    ///
    /// A six-digit body is padded with a leading zero: old IDs were issued
    /// with six digits and are still written that way, and the registry pads
    /// them in the same way. The hyphen is required; without it a business ID
    /// is easily taken for some other eight-digit number.
    pub fn parse(s: &str) -> Result<BusinessId, BusinessIdError> {
        let (body, check) = s.trim().split_once('-').ok_or(BusinessIdError::Format)?;
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !matches!(body.len(), 6 | 7) || !digits(body) || check.len() != 1 || !digits(check) {
            return Err(BusinessIdError::Format);
        }
        let body = format!("{body:0>7}");
        match check_digit(&body) {
            Some(expected) if expected == check.as_bytes()[0] => Ok(BusinessId(format!("{body}-{check}"))),
            _ => Err(BusinessIdError::Checksum),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check digit for a seven-digit body, or `None` for the bodies whose
/// weighted sum leaves remainder 1: no check digit makes them valid, so the
/// registry never issues them.
fn check_digit(body: &str) -> Option<u8> {
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(digit, weight)| u32::from(digit - b'0') * weight).sum();
    match sum % 11 {
        0 => Some(b'0'),
        1 => None,
        // 2..=10, so the check digit is 1..=9.
        r => u8::try_from(11 - r).ok().map(|d| b'0' + d),
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BusinessId {
    type Err = BusinessIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BusinessId::parse(s)
    }
}

impl Serialize for BusinessId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserializing goes through `parse`, so a stored or received value cannot
/// skip the check digit.
impl<'de> Deserialize<'de> for BusinessId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        BusinessId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::de::IntoDeserializer;

    #[test]
    fn parses_real_ids() {
        for id in ["0112038-9", "1572860-0", "0201256-6", "2617416-4"] {
            assert_eq!(BusinessId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn pads_six_digit_bodies_and_trims() {
        assert_eq!(BusinessId::parse("112038-9").unwrap().as_str(), "0112038-9");
        assert_eq!(BusinessId::parse(" 0112038-9\t").unwrap().as_str(), "0112038-9");
        assert_eq!("201256-6".parse::<BusinessId>().unwrap(), BusinessId::parse("0201256-6").unwrap());
    }

    #[test]
    fn refuses_wrong_shapes_as_format() {
        for bad in [
            "",
            "0112038",
            "01120389",
            "0112038-",
            "0112038-99",
            "12038-9",
            "00112038-9",
            "0112038-X",
            "011203a-9",
            "0112038 -9",
            "0112038–9",
            "-0112038-9",
            "０１１２０３８-９",
        ] {
            assert_eq!(BusinessId::parse(bad), Err(BusinessIdError::Format), "{bad:?}");
        }
    }

    #[test]
    fn refuses_wrong_check_digits() {
        for bad in ["0112038-8", "1572860-1", "0201256-5", "2617416-7", "112038-0"] {
            assert_eq!(BusinessId::parse(bad), Err(BusinessIdError::Checksum), "{bad}");
        }
    }

    #[test]
    fn bodies_with_remainder_one_have_no_valid_check_digit() {
        // 3 * 4 = 12, which leaves 1 when divided by 11.
        for check in 0..=9 {
            let id = format!("0000030-{check}");
            assert_eq!(BusinessId::parse(&id), Err(BusinessIdError::Checksum), "{id}");
        }
    }

    #[test]
    fn serializes_as_the_canonical_string_and_deserializes_through_parse() {
        let de: StrDeserializer<'_, ValueError> = "112038-9".into_deserializer();
        let id = BusinessId::deserialize(de).unwrap();
        assert_eq!(id.to_string(), "0112038-9");

        let de: StrDeserializer<'_, ValueError> = "0112038-8".into_deserializer();
        assert!(BusinessId::deserialize(de).is_err());
    }

    proptest! {
        #[test]
        fn generated_ids_parse_and_other_check_digits_fail(body in 0u32..10_000_000) {
            let body = format!("{body:07}");
            match check_digit(&body) {
                Some(right) => {
                    let id = format!("{body}-{}", right as char);
                    let parsed = BusinessId::parse(&id).unwrap();
                    prop_assert_eq!(parsed.as_str(), id.as_str());
                    for wrong in (b'0'..=b'9').filter(|&d| d != right) {
                        let id = format!("{body}-{}", wrong as char);
                        prop_assert_eq!(BusinessId::parse(&id), Err(BusinessIdError::Checksum));
                    }
                }
                None => {
                    for any in b'0'..=b'9' {
                        let id = format!("{body}-{}", any as char);
                        prop_assert_eq!(BusinessId::parse(&id), Err(BusinessIdError::Checksum));
                    }
                }
            }
        }

        #[test]
        fn six_digit_bodies_mean_the_same_as_padded_ones(body in 0u32..1_000_000, check in 0u8..=9) {
            let short = BusinessId::parse(&format!("{body:06}-{check}"));
            let long = BusinessId::parse(&format!("{body:07}-{check}"));
            prop_assert_eq!(short, long);
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in any::<String>()) {
            let _ = BusinessId::parse(&s);
        }
    }
}
