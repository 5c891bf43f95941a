//! Parsers for single fields of a row: dates, booleans, benefits, languages,
//! municipality and postal codes, e-mail addresses and lengths. Each takes a
//! trimmed, non-empty value and answers with the value or the reason.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use polku_domain::{Lang, MunicipalityCode};

use crate::header::folded_eq;
use crate::row::Benefit;
use crate::RejectionCode;

/// Longest accepted values, in characters. Generous for real data, tight
/// enough that a shifted or garbage column is caught.
pub const MAX_NAME: usize = 100;
pub const MAX_STREET_ADDRESS: usize = 200;
pub const MAX_POST_OFFICE: usize = 100;
pub const MAX_PHONE: usize = 40;
/// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
pub const MAX_EMAIL: usize = 254;

/// The languages that have a two-letter ISO 639-1 code: the 183 current codes
/// and `sh` (Serbo-Croatian), withdrawn from the standard but still used in
/// Finnish population data. Each with its three-letter code, which ISO 639-2/T
/// and ISO 639-3 share, and the ISO 639-2/B code where that differs (`fre`
/// beside `fra`). Taken from the ISO 639-3 code table (SIL, as the `isolang`
/// crate 2.4 ships it). Sorted by the two-letter code, for a binary search.
#[rustfmt::skip]
const ISO_639: &[(&str, &str, &str)] = &[
    ("aa", "aar", ""), ("ab", "abk", ""), ("ae", "ave", ""), ("af", "afr", ""),
    ("ak", "aka", ""), ("am", "amh", ""), ("an", "arg", ""), ("ar", "ara", ""),
    ("as", "asm", ""), ("av", "ava", ""), ("ay", "aym", ""), ("az", "aze", ""),
    ("ba", "bak", ""), ("be", "bel", ""), ("bg", "bul", ""), ("bi", "bis", ""),
    ("bm", "bam", ""), ("bn", "ben", ""), ("bo", "bod", "tib"), ("br", "bre", ""),
    ("bs", "bos", ""), ("ca", "cat", ""), ("ce", "che", ""), ("ch", "cha", ""),
    ("co", "cos", ""), ("cr", "cre", ""), ("cs", "ces", "cze"), ("cu", "chu", ""),
    ("cv", "chv", ""), ("cy", "cym", "wel"), ("da", "dan", ""), ("de", "deu", "ger"),
    ("dv", "div", ""), ("dz", "dzo", ""), ("ee", "ewe", ""), ("el", "ell", "gre"),
    ("en", "eng", ""), ("eo", "epo", ""), ("es", "spa", ""), ("et", "est", ""),
    ("eu", "eus", "baq"), ("fa", "fas", "per"), ("ff", "ful", ""), ("fi", "fin", ""),
    ("fj", "fij", ""), ("fo", "fao", ""), ("fr", "fra", "fre"), ("fy", "fry", ""),
    ("ga", "gle", ""), ("gd", "gla", ""), ("gl", "glg", ""), ("gn", "grn", ""),
    ("gu", "guj", ""), ("gv", "glv", ""), ("ha", "hau", ""), ("he", "heb", ""),
    ("hi", "hin", ""), ("ho", "hmo", ""), ("hr", "hrv", ""), ("ht", "hat", ""),
    ("hu", "hun", ""), ("hy", "hye", "arm"), ("hz", "her", ""), ("ia", "ina", ""),
    ("id", "ind", ""), ("ie", "ile", ""), ("ig", "ibo", ""), ("ii", "iii", ""),
    ("ik", "ipk", ""), ("io", "ido", ""), ("is", "isl", "ice"), ("it", "ita", ""),
    ("iu", "iku", ""), ("ja", "jpn", ""), ("jv", "jav", ""), ("ka", "kat", "geo"),
    ("kg", "kon", ""), ("ki", "kik", ""), ("kj", "kua", ""), ("kk", "kaz", ""),
    ("kl", "kal", ""), ("km", "khm", ""), ("kn", "kan", ""), ("ko", "kor", ""),
    ("kr", "kau", ""), ("ks", "kas", ""), ("ku", "kur", ""), ("kv", "kom", ""),
    ("kw", "cor", ""), ("ky", "kir", ""), ("la", "lat", ""), ("lb", "ltz", ""),
    ("lg", "lug", ""), ("li", "lim", ""), ("ln", "lin", ""), ("lo", "lao", ""),
    ("lt", "lit", ""), ("lu", "lub", ""), ("lv", "lav", ""), ("mg", "mlg", ""),
    ("mh", "mah", ""), ("mi", "mri", "mao"), ("mk", "mkd", "mac"), ("ml", "mal", ""),
    ("mn", "mon", ""), ("mr", "mar", ""), ("ms", "msa", "may"), ("mt", "mlt", ""),
    ("my", "mya", "bur"), ("na", "nau", ""), ("nb", "nob", ""), ("nd", "nde", ""),
    ("ne", "nep", ""), ("ng", "ndo", ""), ("nl", "nld", "dut"), ("nn", "nno", ""),
    ("no", "nor", ""), ("nr", "nbl", ""), ("nv", "nav", ""), ("ny", "nya", ""),
    ("oc", "oci", ""), ("oj", "oji", ""), ("om", "orm", ""), ("or", "ori", ""),
    ("os", "oss", ""), ("pa", "pan", ""), ("pi", "pli", ""), ("pl", "pol", ""),
    ("ps", "pus", ""), ("pt", "por", ""), ("qu", "que", ""), ("rm", "roh", ""),
    ("rn", "run", ""), ("ro", "ron", "rum"), ("ru", "rus", ""), ("rw", "kin", ""),
    ("sa", "san", ""), ("sc", "srd", ""), ("sd", "snd", ""), ("se", "sme", ""),
    ("sg", "sag", ""), ("sh", "hbs", ""), ("si", "sin", ""), ("sk", "slk", "slo"),
    ("sl", "slv", ""), ("sm", "smo", ""), ("sn", "sna", ""), ("so", "som", ""),
    ("sq", "sqi", "alb"), ("sr", "srp", ""), ("ss", "ssw", ""), ("st", "sot", ""),
    ("su", "sun", ""), ("sv", "swe", ""), ("sw", "swa", ""), ("ta", "tam", ""),
    ("te", "tel", ""), ("tg", "tgk", ""), ("th", "tha", ""), ("ti", "tir", ""),
    ("tk", "tuk", ""), ("tl", "tgl", ""), ("tn", "tsn", ""), ("to", "ton", ""),
    ("tr", "tur", ""), ("ts", "tso", ""), ("tt", "tat", ""), ("tw", "twi", ""),
    ("ty", "tah", ""), ("ug", "uig", ""), ("uk", "ukr", ""), ("ur", "urd", ""),
    ("uz", "uzb", ""), ("ve", "ven", ""), ("vi", "vie", ""), ("vo", "vol", ""),
    ("wa", "wln", ""), ("wo", "wol", ""), ("xh", "xho", ""), ("yi", "yid", ""),
    ("yo", "yor", ""), ("za", "zha", ""), ("zh", "zho", "chi"), ("zu", "zul", ""),
];

/// The Sámi languages that have no two-letter code: Southern, Lule, Inari,
/// Skolt, Kildin, Ter, Pite, Ume, Akkala and Kemi Sámi (ISO 639-3), and `smi`,
/// ISO 639-2's code for the Sámi languages as a group. Northern Sámi is
/// `se` / `sme` in the table above. Sorted.
const SAMI_WITHOUT_TWO_LETTERS: &[&str] =
    &["sia", "sjd", "sje", "sjk", "sjt", "sju", "sma", "smi", "smj", "smn", "sms"];

/// The code every Sámi language is stored as.
pub(crate) const SAMI: &str = "se";

/// A mother tongue, as Polku stores it: a two-letter ISO 639-1 code, lower
/// case. The file may give the two-letter code or a three-letter ISO 639-2
/// or ISO 639-3 code (`fin`, `swe`, `fre`/`fra`, `sme`); the three-letter code
/// of a language with a two-letter one is read as that. Every Sámi language
/// is read as `se`, so that `smn` (Inari) and `sms` (Skolt Sámi) count as
/// Sámi, not as foreign languages.
///
/// Why not keep `smn` as it is: customers store the mother tongue as two
/// letters (the schema checks it), the oversight groups count `se` as Sámi,
/// and a three-letter code there is a schema change of its own. Until then,
/// Inari and Skolt Sámi speakers are stored as Sámi without the variety.
/// Any other code, a made-up one or a three-letter code of a language
/// without a two-letter code, is refused rather than guessed: a made-up code
/// would otherwise make the row eligible under the foreign-language rule.
pub(crate) fn mother_tongue(s: &str) -> Result<String, RejectionCode> {
    let code = s.to_ascii_lowercase();
    let found = match code.len() {
        2 => ISO_639.binary_search_by_key(&code.as_str(), |(two, _, _)| two).ok().map(|i| ISO_639[i].0),
        3 if SAMI_WITHOUT_TWO_LETTERS.contains(&code.as_str()) => Some(SAMI),
        3 => ISO_639.iter().find(|(_, three, bib)| *three == code || *bib == code).map(|(two, _, _)| *two),
        _ => None,
    };
    found.map(str::to_string).ok_or(RejectionCode::InvalidLanguage)
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

/// Five digits. Not padded when a spreadsheet has dropped leading zeros
/// (`140` for `00140`): a letter to a guessed address is worse than a
/// rejected line the operator can fix.
pub(crate) fn postal_code(s: &str) -> Result<String, RejectionCode> {
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(RejectionCode::InvalidPostalCode)
    }
}

/// Free text of at most `max` characters.
pub(crate) fn text(max: usize) -> impl Fn(&str) -> Result<String, RejectionCode> {
    move |s| if s.chars().count() > max { Err(RejectionCode::TooLong { max }) } else { Ok(s.to_string()) }
}

/// A simple shape check, not RFC 5322: one `@`, a non-empty local part of at
/// most 64 characters, a domain of at least two non-empty labels, and nothing
/// that cannot appear unquoted (space, comma, brackets, quotes). Whether the
/// mailbox exists only sending can tell.
pub(crate) fn email(s: &str) -> Result<String, RejectionCode> {
    if s.chars().count() > MAX_EMAIL {
        return Err(RejectionCode::TooLong { max: MAX_EMAIL });
    }
    let shaped = s.split_once('@').is_some_and(|(local, domain)| {
        let forbidden = |c: char| c.is_whitespace() || c.is_control() || "@\",;:<>()[]\\".contains(c);
        !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(forbidden)
            && !domain.chars().any(forbidden)
            && domain.split('.').count() >= 2
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
    });
    if shaped {
        Ok(s.to_string())
    } else {
        Err(RejectionCode::InvalidEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn language_table_is_sorted_and_complete() {
        assert!(ISO_639.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ISO_639.len(), 184);
        assert!(ISO_639.iter().all(|(two, three, bib)| two.len() == 2
            && three.len() == 3
            && (bib.is_empty() || bib.len() == 3)));
        assert!(SAMI_WITHOUT_TWO_LETTERS.windows(2).all(|w| w[0] < w[1]));
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
        assert_eq!(text(3)("äää").unwrap(), "äää");
        assert_eq!(text(3)("ääää"), Err(RejectionCode::TooLong { max: 3 }));
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
