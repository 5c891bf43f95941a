//! Finnish personal identity codes (henkilötunnus): made only by `Hetu::parse`,
//! which checks the date, the century sign and the check character, and kept
//! out of logs by a `Debug` and `Display` that show the birth date part alone.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// The check character is the nine-digit number DDMMYYNNN modulo 31, indexed
/// into this alphabet (G, I, O, Q and Z are left out as easy to misread).
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// A valid personal identity code in canonical (upper-case) form, e.g.
/// `131052-308T`.
///
/// The code is personal data: there is deliberately no `as_str`, no serde and
/// no `Default`, and `Debug` / `Display` print `131052*****`. Code that really
/// needs the whole value (storage, a registry query) asks for it by the name
/// [`Hetu::expose_secret`], which is easy to find in review.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Hetu(String);

/// Why a string is not a personal identity code. The variants carry nothing
/// of the input, so an error can be logged or shown as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HetuError {
    #[error("a personal identity code has 11 characters: DDMMYY, a century sign, three digits and a check character")]
    Format,
    #[error("the century sign of the personal identity code is not one of + - Y X W V U A B C D E F")]
    CenturySign,
    #[error("the birth date in the personal identity code does not exist")]
    Date,
    #[error("the individual number of the personal identity code must be between 002 and 899")]
    IndividualNumber,
    #[error("temporary identity codes (individual number 900-999) are not accepted")]
    TemporaryCode,
    #[error("the check character of the personal identity code does not match")]
    Checksum,
}

impl Hetu {
    /// Parses a code, ignoring surrounding whitespace and letter case.
    ///
    /// The checks run in the order format, century sign, date, check character,
    /// individual number. The check character comes before the individual
    /// number so that a typo in a real code (`076` typed as `976`) is reported
    /// as a typo, and `TemporaryCode` means a well-formed temporary code.
    /// A letter that can never be a check character (`G`, `I`, `O`, `Q`, `Z`)
    /// is a `Format` error.
    pub fn parse(s: &str) -> Result<Hetu, HetuError> {
        let code = s.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        // Checking ASCII first makes every byte index below a char boundary.
        if !code.is_ascii()
            || b.len() != 11
            || !b[..6].iter().all(u8::is_ascii_digit)
            || !b[7..10].iter().all(u8::is_ascii_digit)
            || !CHECK_CHARS.contains(&b[10])
        {
            return Err(HetuError::Format);
        }
        let century = century(b[6]).ok_or(HetuError::CenturySign)?;
        birth_date(b, century).ok_or(HetuError::Date)?;
        let individual = number(&b[7..10]);
        let checked = number(&b[..6]) * 1000 + individual;
        if CHECK_CHARS[(checked % 31) as usize] != b[10] {
            return Err(HetuError::Checksum);
        }
        match individual {
            0 | 1 => Err(HetuError::IndividualNumber),
            900.. => Err(HetuError::TemporaryCode),
            _ => Ok(Hetu(code)),
        }
    }

    #[expect(clippy::expect_used, reason = "a Hetu exists only once parse has checked its date")]
    pub fn birth_date(&self) -> NaiveDate {
        let b = self.0.as_bytes();
        century(b[6])
            .and_then(|century| birth_date(b, century))
            .expect("Hetu::parse checked the century sign and the date")
    }

    /// Age in full years on `on`, and 0 before the birth date.
    ///
    /// Someone born on 29 February turns a year older on 28 February in
    /// common years: a period in years ends on the last day of the month when
    /// the month has no matching day (Act on the Computation of Statutory Time
    /// Limits 150/1930, § 3). Counting from 1 March, as some countries do,
    /// would make such a person a day late for every age limit.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let born = self.birth_date();
        if on < born {
            return 0;
        }
        let birthday =
            if born.month() == 2 && born.day() == 29 && NaiveDate::from_ymd_opt(on.year(), 2, 29).is_none() {
                (2, 28)
            } else {
                (born.month(), born.day())
            };
        let mut years = on.year() - born.year();
        if (on.month(), on.day()) < birthday {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    /// The whole code. Never log it, put it in an error or send it anywhere
    /// that does not need it; the name is there to make each use stand out.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The birth date part, DDMMYY: the only part of the code that may be
    /// logged. Without the century sign it does not even give the year.
    pub fn birth_date_part(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Display for Hetu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}*****", self.birth_date_part())
    }
}

impl fmt::Debug for Hetu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hetu({self})")
    }
}

impl FromStr for Hetu {
    type Err = HetuError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hetu::parse(s)
    }
}

/// The first year of the century a sign stands for. The letters besides `-`
/// and `A` came in 2023, when the 1900s and 2000s ran short of codes.
fn century(sign: u8) -> Option<i32> {
    match sign {
        b'+' => Some(1800),
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => Some(1900),
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => Some(2000),
        _ => None,
    }
}

fn birth_date(code: &[u8], century: i32) -> Option<NaiveDate> {
    let day = number(&code[0..2]);
    let month = number(&code[2..4]);
    let year = century + i32::try_from(number(&code[4..6])).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The value of a run of ASCII digits, which the caller has checked.
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID: &[&str] =
        &["180894-076S", "090868V128X", "050694V317J", "130101E156F", "121298W564W", "131052-308T"];

    /// Published examples of the 2023 century signs. They all use individual
    /// numbers 902-904, so they are well-formed temporary codes.
    const TEMPORARY: &[&str] = &[
        "010594Y9032",
        "010594Y9021",
        "020594X903P",
        "020594X902N",
        "030594W903B",
        "030694W9024",
        "040594V9030",
        "040594V902Y",
        "050594U903M",
        "050594U902L",
        "010516B903X",
        "010516B902W",
        "020516C903K",
        "020516C902J",
        "030516D9037",
        "030516D9026",
        "010501E9032",
        "020502E902X",
        "020503F9037",
        "020504A902E",
        "020504B904H",
    ];

    const SIGNS_1800: &[u8] = b"+";
    const SIGNS_1900: &[u8] = b"-YXWVU";
    const SIGNS_2000: &[u8] = b"ABCDEF";

    /// Completes `DDMMYYCNNN` with its check character.
    fn with_check(body: &str) -> String {
        let digits: u32 = format!("{}{}", &body[..6], &body[7..10]).parse().unwrap();
        format!("{body}{}", CHECK_CHARS[(digits % 31) as usize] as char)
    }

    fn build(born: NaiveDate, sign: u8, individual: u32) -> String {
        with_check(&format!(
            "{:02}{:02}{:02}{}{individual:03}",
            born.day(),
            born.month(),
            born.year() % 100,
            sign as char,
        ))
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_known_valid_codes() {
        for code in VALID {
            let hetu = Hetu::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(hetu.expose_secret(), *code);
            assert_eq!(hetu.birth_date_part(), &code[..6]);
        }
    }

    #[test]
    fn reads_the_birth_date_with_its_century() {
        let born = |code: &str| Hetu::parse(code).unwrap().birth_date();
        assert_eq!(born("180894-076S"), date(1994, 8, 18));
        assert_eq!(born("131052-308T"), date(1952, 10, 13));
        assert_eq!(born("090868V128X"), date(1968, 8, 9));
        assert_eq!(born("121298W564W"), date(1998, 12, 12));
        assert_eq!(born("130101E156F"), date(2001, 1, 13));
        assert_eq!(born(&with_check("010199+123")), date(1899, 1, 1));
    }

    #[test]
    fn trims_and_uppercases() {
        let hetu = Hetu::parse(" 130101e156f\n").unwrap();
        assert_eq!(hetu.expose_secret(), "130101E156F");
        assert_eq!(hetu, "130101E156F".parse().unwrap());
    }

    #[test]
    fn refuses_wrong_shapes_as_format() {
        for bad in [
            "",
            "131052-308",
            "131052-308TT",
            "13105a-308T",
            "131052-3O8T",
            // Letters that are never check characters.
            "131052-308G",
            "131052-308Z",
            // Non-ASCII: an en dash, full-width digits.
            "131052\u{2013}308T",
            "１３１０５２-308T",
        ] {
            assert_eq!(Hetu::parse(bad), Err(HetuError::Format), "{bad:?}");
        }
    }

    #[test]
    fn refuses_unknown_century_signs() {
        for bad in ["131052*308T", "1310520308T", "131052 308T", "131052G308T", "131052Z308T"] {
            assert_eq!(Hetu::parse(bad), Err(HetuError::CenturySign), "{bad}");
        }
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        for bad in ["320194-123", "001094-123", "011394-123", "290223A123", "290200-123"] {
            assert_eq!(Hetu::parse(&with_check(bad)), Err(HetuError::Date), "{bad}");
        }
        // 2000 was a leap year, 1900 was not.
        assert!(Hetu::parse(&with_check("290200A123")).is_ok());
    }

    #[test]
    fn refuses_individual_numbers_000_and_001() {
        for bad in ["131052-000", "131052-001"] {
            let code = with_check(bad);
            assert_eq!(Hetu::parse(&code), Err(HetuError::IndividualNumber), "{code}");
        }
        assert!(Hetu::parse(&with_check("131052-002")).is_ok());
        assert!(Hetu::parse(&with_check("131052-899")).is_ok());
    }

    #[test]
    fn refuses_temporary_codes_with_their_own_error() {
        for code in TEMPORARY {
            assert_eq!(Hetu::parse(code), Err(HetuError::TemporaryCode), "{code}");
        }
        let code = with_check("131052-999");
        assert_eq!(Hetu::parse(&code), Err(HetuError::TemporaryCode));
    }

    #[test]
    fn reports_a_typo_as_a_checksum_error_even_in_the_temporary_range() {
        assert_eq!(Hetu::parse("131052-308U"), Err(HetuError::Checksum));
        assert_eq!(Hetu::parse("180894-976S"), Err(HetuError::Checksum));
    }

    #[test]
    fn debug_and_display_redact() {
        let hetu = Hetu::parse("131052-308T").unwrap();
        assert_eq!(hetu.to_string(), "131052*****");
        assert_eq!(format!("{hetu:?}"), "Hetu(131052*****)");
        assert_eq!(format!("{hetu:#?}"), "Hetu(131052*****)");
        assert_eq!(format!("{:?}", Some(&hetu)), "Some(Hetu(131052*****))");
    }

    #[test]
    fn error_messages_do_not_echo_the_input() {
        let errors = [
            Hetu::parse("131052-308").unwrap_err(),
            Hetu::parse("131052*308T").unwrap_err(),
            Hetu::parse("320194-1234").unwrap_err(),
            Hetu::parse(&with_check("131052-001")).unwrap_err(),
            Hetu::parse("131052-9994").unwrap_err(),
            Hetu::parse("131052-308U").unwrap_err(),
        ];
        for error in errors {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("131052") && !shown.contains("320194"), "{shown}");
        }
    }

    #[test]
    fn counts_age_in_full_years() {
        let hetu = Hetu::parse("131052-308T").unwrap();
        assert_eq!(hetu.age_on(date(2025, 10, 12)), 72);
        assert_eq!(hetu.age_on(date(2025, 10, 13)), 73);
        assert_eq!(hetu.age_on(date(1952, 10, 13)), 0);
        assert_eq!(hetu.age_on(date(1950, 1, 1)), 0);
    }

    #[test]
    fn leap_day_births_age_on_28_february_in_common_years() {
        let hetu = Hetu::parse(&with_check("290200A123")).unwrap();
        assert_eq!(hetu.age_on(date(2001, 2, 27)), 0);
        assert_eq!(hetu.age_on(date(2001, 2, 28)), 1);
        assert_eq!(hetu.age_on(date(2004, 2, 28)), 3);
        assert_eq!(hetu.age_on(date(2004, 2, 29)), 4);
        assert_eq!(hetu.age_on(date(2018, 2, 28)), 18);
    }

    /// A valid code for a birth date between 1800 and 2099, any century sign
    /// that fits it, and an individual number 002-899.
    fn valid_code() -> impl Strategy<Value = (String, NaiveDate)> {
        let first = date(1800, 1, 1);
        let span = date(2099, 12, 31).signed_duration_since(first).num_days();
        (0..=span, any::<prop::sample::Index>(), 2u32..=899).prop_map(move |(offset, pick, individual)| {
            let born = first + chrono::Duration::days(offset);
            let signs = match born.year() {
                ..=1899 => SIGNS_1800,
                1900..=1999 => SIGNS_1900,
                _ => SIGNS_2000,
            };
            (build(born, *pick.get(signs), individual), born)
        })
    }

    proptest! {
        #[test]
        fn generated_valid_codes_parse((code, born) in valid_code()) {
            let hetu = Hetu::parse(&code).unwrap();
            prop_assert_eq!(hetu.birth_date(), born);
            prop_assert_eq!(hetu.expose_secret(), code.as_str());
        }

        #[test]
        fn any_other_check_character_is_a_checksum_error(
            (code, _) in valid_code(),
            pick in any::<prop::sample::Index>(),
        ) {
            let others: Vec<u8> =
                CHECK_CHARS.iter().copied().filter(|&c| c != code.as_bytes()[10]).collect();
            let wrong = format!("{}{}", &code[..10], *pick.get(&others) as char);
            prop_assert_eq!(Hetu::parse(&wrong), Err(HetuError::Checksum));
        }

        #[test]
        fn debug_and_display_never_show_the_individual_part((code, _) in valid_code()) {
            let hetu = Hetu::parse(&code).unwrap();
            for shown in [hetu.to_string(), format!("{hetu:?}")] {
                let rest = shown.replacen(&code[..6], "", 1);
                prop_assert!(!rest.contains(&code[7..10]), "{}", shown);
                prop_assert!(!rest.bytes().any(|b| b.is_ascii_digit()), "{}", shown);
                prop_assert!(!shown.contains(&code[6..]), "{}", shown);
            }
        }

        #[test]
        fn never_panics_on_arbitrary_input(s in any::<String>()) {
            let _ = Hetu::parse(&s);
        }
    }
}
