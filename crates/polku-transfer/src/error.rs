//! What can go wrong: `TransferError` for a file that cannot be read at all
//! (no header, a required column missing), and `Rejection` for one line that
//! fails, with a stable code per reason. Neither ever carries a field value.

use std::io;

use chrono::NaiveDate;
use polku_domain::hetu::HetuError;
use serde::{Serialize, Serializer};

/// Why a line was rejected. `as_str` is the stable code the report and the
/// API show; `message_id` is the Fluent message the operator reads.
///
/// The variants carry nothing of the input (a `HetuError` says which check
/// failed, not what the code was), so a rejection can be logged, stored in an
/// import report or shown as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectionCode {
    /// A required field is empty. (A required column absent from the header
    /// is a [`TransferError`] for the whole file.)
    Missing,
    InvalidHetu(HetuError),
    /// `aidinkieli` is not a language code Polku can store: a two-letter ISO
    /// 639-1 code, or a three-letter ISO 639-2/639-3 code of a language that
    /// has one or of a Sámi language.
    InvalidLanguage,
    /// `asiointikieli` is not `fi`, `sv` or `en`.
    InvalidServiceLanguage,
    /// `kotikunta` is not a three-digit Statistics Finland code.
    InvalidMunicipality,
    /// `kotikunta` is a municipality code, but not one of the area's.
    MunicipalityNotInArea,
    InvalidDate,
    InvalidBenefit,
    InvalidBoolean,
    /// `ansiosidonnainen` says there is no right to earnings-related
    /// allowance, but `etuus` says the person draws it. Refused rather than
    /// one of the two believed: the answer decides eligibility before 2025.
    ContradictsBenefit,
    InvalidPostalCode,
    InvalidEmail,
    /// A name, address or post office with a line break or another
    /// control character.
    InvalidCharacters,
    /// `puhelin` has letters or other characters no phone number has.
    InvalidPhone,
    /// The field has more than `max` characters.
    TooLong {
        max: usize,
    },
    /// The field is not UTF-8 (typically a file saved as Latin-1 or
    /// Windows-1252 by a spreadsheet).
    InvalidEncoding,
    /// The record does not have as many fields as the header, e.g. an
    /// unquoted delimiter or line break inside a field.
    MalformedRecord,
    /// A record longer than [`crate::MAX_RECORD_BYTES`], in practice a quote
    /// that is never closed. Reading stops here: there is no way to tell
    /// where the next record would begin.
    RecordTooLarge,
    /// The underlying reader failed. Always the last line of the stream.
    Io,
}

impl RejectionCode {
    /// The stable SCREAMING_SNAKE code, e.g. `INVALID_HETU`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectionCode::Missing => "MISSING",
            RejectionCode::InvalidHetu(_) => "INVALID_HETU",
            RejectionCode::InvalidLanguage => "INVALID_LANGUAGE",
            RejectionCode::InvalidServiceLanguage => "INVALID_SERVICE_LANGUAGE",
            RejectionCode::InvalidMunicipality => "INVALID_MUNICIPALITY",
            RejectionCode::MunicipalityNotInArea => "MUNICIPALITY_NOT_IN_AREA",
            RejectionCode::InvalidDate => "INVALID_DATE",
            RejectionCode::InvalidBenefit => "INVALID_BENEFIT",
            RejectionCode::InvalidBoolean => "INVALID_BOOLEAN",
            RejectionCode::ContradictsBenefit => "CONTRADICTS_BENEFIT",
            RejectionCode::InvalidPostalCode => "INVALID_POSTAL_CODE",
            RejectionCode::InvalidEmail => "INVALID_EMAIL",
            RejectionCode::InvalidCharacters => "INVALID_CHARACTERS",
            RejectionCode::InvalidPhone => "INVALID_PHONE",
            RejectionCode::TooLong { .. } => "TOO_LONG",
            RejectionCode::InvalidEncoding => "INVALID_ENCODING",
            RejectionCode::MalformedRecord => "MALFORMED_RECORD",
            RejectionCode::RecordTooLarge => "RECORD_TOO_LARGE",
            RejectionCode::Io => "IO",
        }
    }

    /// The Fluent message id: `transfer-` and the code in kebab case, e.g.
    /// `transfer-invalid-hetu`. For `InvalidHetu` the caller may pick a more
    /// precise message from the `HetuError`; for `TooLong` it passes `max`.
    pub fn message_id(&self) -> String {
        message_id(self.as_str())
    }
}

impl Serialize for RejectionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One reason a line was rejected, and the column it concerns (the header
/// name as in the spec, e.g. `henkilotunnus`), or `None` when the record as a
/// whole is at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub column: Option<&'static str>,
    pub code: RejectionCode,
}

impl Rejection {
    pub fn record(code: RejectionCode) -> Self {
        Rejection { column: None, code }
    }
}

/// A file that cannot be read as a transfer file at all. Everything that is
/// wrong with one line is a [`Rejection`] instead, and the rest of the file
/// still goes in.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("the transfer file could not be read")]
    Io(#[from] io::Error),
    #[error("the transfer file is empty: it has no header line")]
    EmptyFile,
    #[error("the header line of the transfer file is longer than {max} bytes")]
    HeaderTooLong { max: usize },
    #[error("the transfer file lacks required columns: {}", .columns.join(", "))]
    MissingColumns { columns: Vec<&'static str> },
    #[error("the column {column} appears more than once in the transfer file")]
    DuplicateColumn { column: &'static str },
    /// The transfer date is before the first eligibility rules
    /// (`rules/transfer-eligibility.toml`): nobody could be judged.
    #[error("there are no transfer eligibility rules for {date}; the first apply from {first}")]
    NoRulesForDate { date: NaiveDate, first: NaiveDate },
}

impl TransferError {
    /// The stable SCREAMING_SNAKE code. These never coincide with a
    /// [`RejectionCode`], so the two can share one message namespace.
    pub fn code(&self) -> &'static str {
        match self {
            TransferError::Io(_) => "UNREADABLE_FILE",
            TransferError::EmptyFile => "EMPTY_FILE",
            TransferError::HeaderTooLong { .. } => "HEADER_TOO_LONG",
            TransferError::MissingColumns { .. } => "MISSING_COLUMNS",
            TransferError::DuplicateColumn { .. } => "DUPLICATE_COLUMN",
            TransferError::NoRulesForDate { .. } => "NO_RULES_FOR_DATE",
        }
    }

    /// The Fluent message id, e.g. `transfer-missing-columns`.
    pub fn message_id(&self) -> String {
        message_id(self.code())
    }
}

fn message_id(code: &str) -> String {
    format!("transfer-{}", code.to_ascii_lowercase().replace('_', "-"))
}

/// Every rejection code, for tests. The match is exhaustive, so a new
/// variant does not compile until it is listed here.
#[cfg(test)]
pub(crate) fn every_rejection() -> Vec<RejectionCode> {
    let all = vec![
        RejectionCode::Missing,
        RejectionCode::InvalidHetu(HetuError::Format),
        RejectionCode::InvalidLanguage,
        RejectionCode::InvalidServiceLanguage,
        RejectionCode::InvalidMunicipality,
        RejectionCode::MunicipalityNotInArea,
        RejectionCode::InvalidDate,
        RejectionCode::InvalidBenefit,
        RejectionCode::InvalidBoolean,
        RejectionCode::ContradictsBenefit,
        RejectionCode::InvalidPostalCode,
        RejectionCode::InvalidEmail,
        RejectionCode::InvalidCharacters,
        RejectionCode::InvalidPhone,
        RejectionCode::TooLong { max: 0 },
        RejectionCode::InvalidEncoding,
        RejectionCode::MalformedRecord,
        RejectionCode::RecordTooLarge,
        RejectionCode::Io,
    ];
    for code in &all {
        match code {
            RejectionCode::Missing
            | RejectionCode::InvalidHetu(_)
            | RejectionCode::InvalidLanguage
            | RejectionCode::InvalidServiceLanguage
            | RejectionCode::InvalidMunicipality
            | RejectionCode::MunicipalityNotInArea
            | RejectionCode::InvalidDate
            | RejectionCode::InvalidBenefit
            | RejectionCode::InvalidBoolean
            | RejectionCode::ContradictsBenefit
            | RejectionCode::InvalidPostalCode
            | RejectionCode::InvalidCharacters
            | RejectionCode::InvalidPhone
            | RejectionCode::InvalidEmail
            | RejectionCode::TooLong { .. }
            | RejectionCode::InvalidEncoding
            | RejectionCode::MalformedRecord
            | RejectionCode::RecordTooLarge
            | RejectionCode::Io => {}
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_kebab_case() {
        assert_eq!(RejectionCode::InvalidHetu(HetuError::Format).message_id(), "transfer-invalid-hetu");
        assert_eq!(RejectionCode::MunicipalityNotInArea.message_id(), "transfer-municipality-not-in-area");
        let missing = TransferError::MissingColumns { columns: vec!["kotikunta"] };
        assert_eq!(missing.message_id(), "transfer-missing-columns");
    }

    #[test]
    fn codes_are_unique_across_rejections_and_file_errors() {
        let files = [
            TransferError::Io(io::Error::other("x")),
            TransferError::EmptyFile,
            TransferError::HeaderTooLong { max: 1 },
            TransferError::MissingColumns { columns: vec![] },
            TransferError::DuplicateColumn { column: "sukunimi" },
            TransferError::NoRulesForDate { date: NaiveDate::MIN, first: NaiveDate::MAX },
        ];
        let mut seen = std::collections::HashSet::new();
        for code in
            every_rejection().iter().map(RejectionCode::as_str).chain(files.iter().map(TransferError::code))
        {
            assert!(seen.insert(code), "{code} twice");
            assert!(code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{code}");
        }
    }
}
