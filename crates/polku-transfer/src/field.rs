//! Parsers for single fields of a row: dates, booleans, benefits, languages,
//! municipality and postal codes, e-mail addresses and lengths. Each takes a
//! trimmed, non-empty value and answers with the value or the reason.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use polku_domain::contact::ContactError;
#[cfg(test)]
use polku_domain::contact::{Email, MotherTongue, PostalCode};
use polku_domain::{Lang, MunicipalityCode};

use crate::header::folded_eq;
use crate::row::Benefit;
use crate::RejectionCode;

/// Longest accepted values, in characters, as the domain's types have them.
pub const MAX_NAME: usize = polku_domain::contact::PersonName::MAX;
pub const MAX_STREET_ADDRESS: usize = polku_domain::contact::StreetAddress::MAX;
pub const MAX_POST_OFFICE: usize = polku_domain::contact::PostOffice::MAX;
pub const MAX_PHONE: usize = polku_domain::contact::Phone::MAX;
pub use polku_domain::contact::MAX_EMAIL;

/// The domain's parse errors as the file's rejection reasons.
fn rejection(e: ContactError) -> RejectionCode {
    match e {
        ContactError::InvalidLanguage => RejectionCode::InvalidLanguage,
        ContactError::InvalidEmail => RejectionCode::InvalidEmail,
        ContactError::InvalidPostalCode => RejectionCode::InvalidPostalCode,
        ContactError::TooLong { max } => RejectionCode::TooLong { max },
        // Fields are trimmed and checked for emptiness before they are parsed.
        ContactError::Empty => RejectionCode::Missing,
        ContactError::ControlCharacter => RejectionCode::InvalidCharacters,
        ContactError::InvalidPhone => RejectionCode::InvalidPhone,
    }
}

/// A field by its domain type's parser, the one the API uses too (e.g.
/// `MotherTongue::parse`, `PersonName::parse`), so the same value gets the
/// same answer in both.
pub(crate) fn domain<T>(
    parse: fn(&str) -> Result<T, ContactError>,
) -> impl Fn(&str) -> Result<T, RejectionCode> {
    move |s| parse(s).map_err(rejection)
}

/// A mother tongue (`MotherTongue::parse`), as stored.
#[cfg(test)]
pub(crate) fn mother_tongue(s: &str) -> Result<String, RejectionCode> {
    domain(MotherTongue::parse)(s).map(MotherTongue::into_string)
}

pub(crate) fn service_language(s: &str) -> Result<Lang, RejectionCode> {
    Lang::parse(s).map_err(|_| RejectionCode::InvalidServiceLanguage)
}

/// A home municipality. Spreadsheets drop leading zeros from codes like
/// `098` (Hollola), so one or two digits are padded back to three. That is
/// safe where padding a postal code would not be: the code must also be one
/// of the area's, so a truncated typo is still rejected.
pub(crate) fn municipality(s: &str, area: &[MunicipalityCode]) -> Result<MunicipalityCode, RejectionCode> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RejectionCode::InvalidMunicipality);
    }
    let code =
        MunicipalityCode::parse(&format!("{s:0>3}")).map_err(|_| RejectionCode::InvalidMunicipality)?;
    if area.contains(&code) {
        Ok(code)
    } else {
        Err(RejectionCode::MunicipalityNotInArea)
    }
}

/// `2021-03-01` (ISO) or `1.3.2021` / `01.03.2021` (Finnish). The year has
/// four digits: a two-digit year would need a century guess.
pub(crate) fn date(s: &str) -> Result<NaiveDate, RejectionCode> {
    fn number(part: &str, digits: RangeInclusive<usize>) -> Option<u32> {
        if digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    }
    fn split3(s: &str, sep: char) -> Option<(&str, &str, &str)> {
        let mut it = s.split(sep);
        let parts = (it.next()?, it.next()?, it.next()?);
        it.next().is_none().then_some(parts)
    }
    fn parse(s: &str) -> Option<NaiveDate> {
        let (y, m, d) = if let Some((y, m, d)) = split3(s, '-') {
            (y, m, d)
        } else {
            let (d, m, y) = split3(s, '.')?;
            (y, m, d)
        };
        let year = i32::try_from(number(y, 4..=4)?).ok()?;
        NaiveDate::from_ymd_opt(year, number(m, 1..=2)?, number(d, 1..=2)?)
    }
    parse(s).ok_or(RejectionCode::InvalidDate)
}

pub(crate) fn benefit(s: &str) -> Result<Benefit, RejectionCode> {
    Benefit::ALL
        .iter()
        .copied()
        .find(|b| folded_eq(s, crate::row::benefit_in_file(*b)))
        .ok_or(RejectionCode::InvalidBenefit)
}

pub(crate) fn boolean(s: &str) -> Result<bool, RejectionCode> {
    const TRUE: [&str; 4] = ["1", "true", "kylla", "ja"];
    const FALSE: [&str; 4] = ["0", "false", "ei", "nej"];
    if TRUE.iter().any(|t| folded_eq(s, t)) {
        Ok(true)
    } else if FALSE.iter().any(|f| folded_eq(s, f)) {
        Ok(false)
    } else {
        Err(RejectionCode::InvalidBoolean)
    }
}

#[cfg(test)]
pub(crate) fn postal_code(s: &str) -> Result<String, RejectionCode> {
    domain(PostalCode::parse)(s).map(PostalCode::into_string)
}

#[cfg(test)]
pub(crate) fn email(s: &str) -> Result<String, RejectionCode> {
    domain(Email::parse)(s).map(Email::into_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polku_domain::contact::SAMI;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn language_table_is_sorted_and_complete() {
        for code in ["fi", "sv", "se", "ru", "et", "ar", "so", "en", "fa", "vi", "uk", "ku", "sh"] {
            assert_eq!(mother_tongue(code).unwrap(), code);
        }
        assert_eq!(mother_tongue("FI").unwrap(), "fi");
        for bad in ["xx", "f", "", "fi-FI", "äö", "zzz", "xxx", "fins", "qaa", "s e"] {
            assert_eq!(mother_tongue(bad), Err(RejectionCode::InvalidLanguage), "{bad}");
        }
    }

    #[test]
    fn three_letter_codes_are_read_as_their_two_letter_code() {
        for (three, two) in [
            ("fin", "fi"),
            ("swe", "sv"),
            ("SWE", "sv"),
            ("rus", "ru"),
            ("som", "so"),
            ("ara", "ar"),
            ("fas", "fa"),
            ("per", "fa"),
            ("fra", "fr"),
            ("fre", "fr"),
            ("deu", "de"),
            ("ger", "de"),
            ("zho", "zh"),
            ("chi", "zh"),
            ("hbs", "sh"),
        ] {
            assert_eq!(mother_tongue(three).as_deref(), Ok(two), "{three}");
        }
        // A real language without a two-letter code is not guessed at.
        for unstorable in ["krl", "fit", "fse", "cmn", "yue"] {
            assert_eq!(mother_tongue(unstorable), Err(RejectionCode::InvalidLanguage), "{unstorable}");
        }
    }

    #[test]
    fn every_sami_language_is_read_as_sami() {
        for code in ["se", "sme", "smn", "sms", "sma", "smj", "smi", "sjd", "SMN", "Sms"] {
            assert_eq!(mother_tongue(code).as_deref(), Ok(SAMI), "{code}");
        }
        // Samoan (sm / smo) is not a Sámi language.
        assert_eq!(mother_tongue("smo").as_deref(), Ok("sm"));
    }

    #[test]
    fn parses_both_date_forms() {
        assert_eq!(date("2021-03-01"), Ok(ymd(2021, 3, 1)));
        assert_eq!(date("1.3.2021"), Ok(ymd(2021, 3, 1)));
        assert_eq!(date("01.03.2021"), Ok(ymd(2021, 3, 1)));
        assert_eq!(date("2021-3-1"), Ok(ymd(2021, 3, 1)));
        for bad in [
            "2021-02-30",
            "31.4.2021",
            "1.3.21",
            "21-03-01",
            "2021/03/01",
            "2021-03-01T00:00",
            "1.3.2021.",
            "2021-003-01",
            "001.3.2021",
            "+2021-03-01",
            "x",
        ] {
            assert_eq!(date(bad), Err(RejectionCode::InvalidDate), "{bad}");
        }
    }

    #[test]
    fn parses_booleans_in_three_languages() {
        for yes in ["1", "true", "TRUE", "kyllä", "Kyllä", "kylla", "ja", "JA"] {
            assert_eq!(boolean(yes), Ok(true), "{yes}");
        }
        for no in ["0", "false", "ei", "EI", "nej", "Nej"] {
            assert_eq!(boolean(no), Ok(false), "{no}");
        }
        for bad in ["yes", "2", "k", "tosi"] {
            assert_eq!(boolean(bad), Err(RejectionCode::InvalidBoolean), "{bad}");
        }
    }

    #[test]
    fn parses_benefits_with_or_without_finnish_letters() {
        assert_eq!(benefit("tyomarkkinatuki"), Ok(Benefit::LabourMarketSubsidy));
        assert_eq!(benefit("Työmarkkinatuki"), Ok(Benefit::LabourMarketSubsidy));
        assert_eq!(benefit("PERUSPÄIVÄRAHA"), Ok(Benefit::BasicDailyAllowance));
        assert_eq!(benefit("ansiopaivaraha"), Ok(Benefit::EarningsRelatedAllowance));
        assert_eq!(benefit("ei"), Ok(Benefit::None));
        assert_eq!(benefit("asumistuki"), Err(RejectionCode::InvalidBenefit));
    }

    #[test]
    fn pads_municipality_codes_but_keeps_to_the_area() {
        let area = [MunicipalityCode::parse("098").unwrap(), MunicipalityCode::parse("638").unwrap()];
        assert_eq!(municipality("98", &area).unwrap().as_str(), "098");
        assert_eq!(municipality("638", &area).unwrap().as_str(), "638");
        assert_eq!(municipality("091", &area), Err(RejectionCode::MunicipalityNotInArea));
        assert_eq!(municipality("8", &area), Err(RejectionCode::MunicipalityNotInArea));
        for bad in ["6380", "63a", "-38", "６３８"] {
            assert_eq!(municipality(bad, &area), Err(RejectionCode::InvalidMunicipality), "{bad}");
        }
    }

    #[test]
    fn checks_postal_codes_and_lengths() {
        assert_eq!(postal_code("00140").unwrap(), "00140");
        for bad in ["140", "001400", "0014O", "00 140"] {
            assert_eq!(postal_code(bad), Err(RejectionCode::InvalidPostalCode), "{bad}");
        }
        let name = domain(polku_domain::contact::PersonName::parse);
        assert_eq!(name(&"ä".repeat(100)).unwrap().as_str(), "ä".repeat(100));
        assert_eq!(name(&"ä".repeat(101)), Err(RejectionCode::TooLong { max: 100 }));
    }

    #[test]
    fn checks_the_shape_of_email_addresses() {
        for good in ["aino.koskinen@example.fi", "a+b@mail.example.com", "Åsa@exempel.ax"] {
            assert_eq!(email(good).unwrap(), good);
        }
        for bad in [
            "aino",
            "@example.fi",
            "aino@",
            "aino@example",
            "aino@@example.fi",
            "aino koskinen@example.fi",
            "aino@example..fi",
            "aino@-example.fi",
            "<aino@example.fi>",
            "aino@example.fi,pekka@example.fi",
        ] {
            assert_eq!(email(bad), Err(RejectionCode::InvalidEmail), "{bad}");
        }
        let long = format!("{}@example.fi", "a".repeat(250));
        assert_eq!(email(&long), Err(RejectionCode::TooLong { max: MAX_EMAIL }));
    }
}
