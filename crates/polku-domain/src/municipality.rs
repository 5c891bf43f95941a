//! Municipalities by their Statistics Finland code, and the language status
//! that decides which languages an area must serve people in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DomainError, ErrorCode, Lang};

/// A Statistics Finland municipality code: exactly three digits, e.g. `638`
/// for Porvoo and `098` for Hollola (the leading zero matters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityCode([u8; 3]);

impl MunicipalityCode {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let bytes = s.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(DomainError::new(ErrorCode::InvalidMunicipalityCode).with_arg("value", s));
        }
        Ok(Self([bytes[0], bytes[1], bytes[2]]))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits get in through `parse`.
        std::str::from_utf8(&self.0).unwrap_or("000")
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A municipality's official language status (language act, status decree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LanguageStatus {
    Finnish,
    Swedish,
    /// Bilingual, Finnish majority (Porvoo, Helsinki).
    BilingualFinnishMajority,
    /// Bilingual, Swedish majority (Jakobstad, Pedersöre).
    BilingualSwedishMajority,
}

impl LanguageStatus {
    pub fn code(self) -> &'static str {
        match self {
            LanguageStatus::Finnish => "fi",
            LanguageStatus::Swedish => "sv",
            LanguageStatus::BilingualFinnishMajority => "fi_sv",
            LanguageStatus::BilingualSwedishMajority => "sv_fi",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "fi" => LanguageStatus::Finnish,
            "sv" => LanguageStatus::Swedish,
            "fi_sv" => LanguageStatus::BilingualFinnishMajority,
            "sv_fi" => LanguageStatus::BilingualSwedishMajority,
            _ => return None,
        })
    }

    /// The languages the municipality's residents are entitled to be served in.
    pub fn languages(self) -> &'static [Lang] {
        match self {
            LanguageStatus::Finnish => &[Lang::Fi],
            LanguageStatus::Swedish => &[Lang::Sv],
            LanguageStatus::BilingualFinnishMajority => &[Lang::Fi, Lang::Sv],
            LanguageStatus::BilingualSwedishMajority => &[Lang::Sv, Lang::Fi],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_leading_zeros() {
        assert_eq!(MunicipalityCode::parse("098").unwrap().as_str(), "098");
    }

    #[test]
    fn refuses_wrong_shapes() {
        for bad in ["98", "0980", "63a", "", "６３８"] {
            assert_eq!(
                MunicipalityCode::parse(bad).unwrap_err().code,
                ErrorCode::InvalidMunicipalityCode,
                "{bad}"
            );
        }
    }
}
