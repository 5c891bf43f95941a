//! A person's contact and language details as Polku keeps them: the
//! mother tongue, an e-mail address, a postal code. One parser each, used by
//! every way a customer comes in (the API, the transfer import, the data
//! generator), so the same value gets the same answer everywhere. The errors
//! carry nothing of the input, so they can be logged as they are.

use std::fmt;

/// Why a value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("not a known language code")]
    InvalidLanguage,
    #[error("not an e-mail address")]
    InvalidEmail,
    #[error("not a five-digit postal code")]
    InvalidPostalCode,
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("empty")]
    Empty,
    #[error("contains a control character")]
    ControlCharacter,
    #[error("not a phone number")]
    InvalidPhone,
}

impl ContactError {
    /// The request error it is, for the API.
    pub fn code(self) -> crate::ErrorCode {
        match self {
            ContactError::InvalidLanguage => crate::ErrorCode::InvalidLanguage,
            ContactError::InvalidEmail => crate::ErrorCode::InvalidEmail,
            ContactError::InvalidPostalCode => crate::ErrorCode::InvalidPostalCode,
            ContactError::TooLong { .. } => crate::ErrorCode::TooLong,
            ContactError::Empty => crate::ErrorCode::Required,
            ContactError::ControlCharacter => crate::ErrorCode::InvalidCharacters,
            ContactError::InvalidPhone => crate::ErrorCode::InvalidPhone,
        }
    }

    /// The request error, for the field it was found in, with its argument.
    pub fn at(self, field: &str) -> crate::DomainError {
        let error = crate::DomainError::field(self.code(), field);
        match self {
            ContactError::TooLong { max } => error.with_arg("max", max),
            _ => error,
        }
    }
}

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
pub const SAMI: &str = "se";

/// A mother tongue, as Polku stores it: a two-letter ISO 639-1 code, lower
/// case. Given as the two-letter code or a three-letter ISO 639-2 or
/// ISO 639-3 code (`fin`, `swe`, `fre`/`fra`, `sme`); the three-letter code of
/// a language with a two-letter one is read as that. Every Sámi language is
/// read as `se`, so that `smn` (Inari) and `sms` (Skolt Sámi) count as Sámi,
/// not as foreign languages (customers store two letters; keeping the variety
/// is a schema change of its own). Any other code, a made-up one or a
/// three-letter code of a language without a two-letter code, is refused
/// rather than guessed: a made-up code would otherwise count the person as
/// a foreign-language speaker.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MotherTongue(String);

impl MotherTongue {
    pub fn parse(s: &str) -> Result<MotherTongue, ContactError> {
        let code = s.trim().to_ascii_lowercase();
        let found = match code.len() {
            2 => ISO_639.binary_search_by_key(&code.as_str(), |(two, _, _)| two).ok().map(|i| ISO_639[i].0),
            3 if SAMI_WITHOUT_TWO_LETTERS.contains(&code.as_str()) => Some(SAMI),
            3 => {
                ISO_639.iter().find(|(_, three, bib)| *three == code || *bib == code).map(|(two, _, _)| *two)
            }
            _ => None,
        };
        found.map(|c| MotherTongue(c.to_string())).ok_or(ContactError::InvalidLanguage)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for MotherTongue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address: a shape check, not RFC 5322. One `@`, a non-empty local
/// part of at most 64 characters, a domain of at least two non-empty labels,
/// and nothing that cannot appear unquoted (space, comma, brackets, quotes).
/// Whether the mailbox exists only sending can tell.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

impl Email {
    pub fn parse(s: &str) -> Result<Email, ContactError> {
        let s = s.trim();
        if s.chars().count() > MAX_EMAIL {
            return Err(ContactError::TooLong { max: MAX_EMAIL });
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
            Ok(Email(s.to_string()))
        } else {
            Err(ContactError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An optional field: blank (or only spaces) is none, anything else must
/// parse. The API and the transfer import read optional contact details
/// through this, so a blank e-mail is "no e-mail" in both.
pub fn optional<T>(
    s: Option<&str>,
    parse: fn(&str) -> Result<T, ContactError>,
) -> Result<Option<T>, ContactError> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(parse).transpose()
}

/// A Finnish postal code: five digits. Not padded when a spreadsheet has
/// dropped leading zeros (`140` for `00140`): a letter to a guessed address is
/// worse than a refusal someone can fix.
#[derive(Clone, PartialEq, Eq)]
pub struct PostalCode(String);

// Part of an address, so personal data in a log line.
impl fmt::Debug for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PostalCode(<redacted>)")
    }
}

impl PostalCode {
    pub fn parse(s: &str) -> Result<PostalCode, ContactError> {
        let s = s.trim();
        if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PostalCode(s.to_string()))
        } else {
            Err(ContactError::InvalidPostalCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Free text of a person's record, trimmed, never empty, at most `MAX`
/// characters, with no control characters other than line breaks and tabs:
/// the transfer file's format allows line breaks in quoted fields (an
/// address on two lines), but a NUL or an escape sequence is never part of
/// a name and would corrupt letters and exports.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn parse(s: &str) -> Result<$name, ContactError> {
                bounded(s, Self::MAX).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        // Personal data: a `{:?}` in a log line must not print it.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

fn bounded(s: &str, max: usize) -> Result<String, ContactError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ContactError::Empty);
    }
    if s.chars().count() > max {
        return Err(ContactError::TooLong { max });
    }
    if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ContactError::ControlCharacter);
    }
    Ok(s.to_string())
}

bounded_text! {
    /// A last name or the first names, as the population register gives
    /// them (the register allows up to 100 characters for each).
    PersonName, 100
}

bounded_text! {
    /// A street address (lähiosoite), one line.
    StreetAddress, 200
}

bounded_text! {
    /// A post office (postitoimipaikka).
    PostOffice, 100
}

/// A phone number as people write it: digits with spaces, dashes, dots,
/// slashes or brackets, and a leading `+` for an international number
/// (`040 123 4567`, `+358 40 123 4567`, `(09) 310 1234`), at most 40
/// characters. The number of digits is not checked: an extension or a
/// service number can be short, and a foreign number long. Not normalised: the coach sees what was
/// written. Letters are refused, so an e-mail address or a note typed into
/// the phone field is caught where it is typed.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX: usize = 40;

    pub fn parse(s: &str) -> Result<Phone, ContactError> {
        let s = bounded(s, Self::MAX)?;
        let body = s.strip_prefix('+').unwrap_or(&s);
        let allowed = body.chars().all(|c| c.is_ascii_digit() || " -./()".contains(c));
        let digits = body.chars().filter(char::is_ascii_digit).count();
        if allowed && digits >= 1 {
            Ok(Phone(s))
        } else {
            Err(ContactError::InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mother_tongues_parse_to_two_letters_and_made_up_codes_are_refused() {
        for (given, stored) in [
            ("fi", "fi"),
            ("FI", "fi"),
            ("fin", "fi"),
            ("fre", "fr"),
            ("fra", "fr"),
            ("smn", "se"),
            ("sms", "se"),
            ("sme", "se"),
            ("so", "so"),
        ] {
            assert_eq!(MotherTongue::parse(given).unwrap().as_str(), stored, "{given}");
        }
        for bad in ["zz", "xx", "zzz", "krl", "", "finnish"] {
            assert_eq!(MotherTongue::parse(bad), Err(ContactError::InvalidLanguage), "{bad}");
        }
        assert!(ISO_639.windows(2).all(|w| w[0].0 < w[1].0), "sorted for the binary search");
        assert_eq!(ISO_639.len(), 184);
        assert!(ISO_639.iter().all(|(two, three, bib)| two.len() == 2
            && three.len() == 3
            && (bib.is_empty() || bib.len() == 3)));
        assert!(SAMI_WITHOUT_TWO_LETTERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn emails_and_postal_codes() {
        assert!(Email::parse("maija.meikalainen@example.fi").is_ok());
        for bad in
            ["maija", "@example.fi", "maija@fi", "maija@@example.fi", "maija @example.fi", "maija@-x.fi"]
        {
            assert_eq!(Email::parse(bad), Err(ContactError::InvalidEmail), "{bad}");
        }
        assert_eq!(PostalCode::parse("00140").unwrap().into_string(), "00140");
        for bad in ["140", "001400", "0014A"] {
            assert_eq!(PostalCode::parse(bad), Err(ContactError::InvalidPostalCode), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(PersonName::parse("  Järvinen ").unwrap().as_str(), "Järvinen");
        assert_eq!(PersonName::parse("   "), Err(ContactError::Empty));
        assert_eq!(PersonName::parse(&"ä".repeat(101)), Err(ContactError::TooLong { max: 100 }));
        assert!(PersonName::parse(&"ä".repeat(100)).is_ok());
        assert!(StreetAddress::parse("Kauppakatu 1\nc/o Virtanen").is_ok(), "two lines, as the file allows");
        assert_eq!(PersonName::parse("Maija\u{0}"), Err(ContactError::ControlCharacter));
        assert_eq!(PostOffice::parse("Porvoo\u{1b}[31m"), Err(ContactError::ControlCharacter));
        assert_eq!(format!("{:?}", PersonName::parse("Järvinen").unwrap()), "PersonName(<redacted>)");
    }

    #[test]
    fn phones_as_people_write_them() {
        for good in ["0401234567", "040 123 4567", "+358 40 123 4567", "(09) 310 1234", "040-123.45/67"] {
            assert_eq!(Phone::parse(good).unwrap().as_str(), good, "{good}");
        }
        for bad in ["maija@example.fi", "soita illalla", "++358401234567", "040 123 4567 ilta", "+", "- -"] {
            assert_eq!(Phone::parse(bad), Err(ContactError::InvalidPhone), "{bad}");
        }
        assert_eq!(Phone::parse(&"1".repeat(41)), Err(ContactError::TooLong { max: 40 }));
    }
}
