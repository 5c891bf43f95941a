//! The service languages (Finnish, Swedish, English) and text kept in several
//! of them at once, with the fallback rule every reader uses.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, ErrorCode};

/// A language Polku serves people in. Other mother tongues exist (a customer's
/// `aidinkieli` may be `so` or `ar`), but service happens in these three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fi,
    Sv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses `fi`, `sv` or `en`, ignoring case and region subtags (`sv-FI`).
    pub fn parse(s: &str) -> Result<Lang, DomainError> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "fi" => Ok(Lang::Fi),
            "sv" => Ok(Lang::Sv),
            "en" => Ok(Lang::En),
            _ => Err(DomainError::new(ErrorCode::InvalidLanguage).with_arg("value", s.trim())),
        }
    }

    /// Parses a list, refusing duplicates and empty lists.
    pub fn parse_set(values: &[String]) -> Result<Vec<Lang>, DomainError> {
        let mut out = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let lang = Lang::parse(v).map_err(|e| e.at(&format!("[{i}]")))?;
            if !out.contains(&lang) {
                out.push(lang);
            }
        }
        if out.is_empty() {
            return Err(DomainError::new(ErrorCode::Required));
        }
        Ok(out)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s)
    }
}

/// Text in one or more languages, e.g. a service name. Readers ask for their
/// language and fall back to the tenant's default, then to any text at all, so
/// a missing translation shows the original rather than nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(pub BTreeMap<Lang, String>);

impl LocalizedText {
    pub fn get(&self, wanted: Lang, fallback: Lang) -> Option<&str> {
        self.0
            .get(&wanted)
            .or_else(|| self.0.get(&fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
    }

    /// Builds from (language, text) pairs, trimming text and dropping empty
    /// entries. Every language must be among `enabled`.
    pub fn parse(
        pairs: impl IntoIterator<Item = (String, String)>,
        enabled: &[Lang],
        max_len: usize,
    ) -> Result<LocalizedText, DomainError> {
        let mut map = BTreeMap::new();
        for (i, (lang, text)) in pairs.into_iter().enumerate() {
            let lang = Lang::parse(&lang).map_err(|e| e.at(&format!("[{i}].lang")))?;
            if !enabled.contains(&lang) {
                return Err(DomainError::field(ErrorCode::LanguageNotEnabled, format!("[{i}].lang"))
                    .with_arg("lang", lang));
            }
            let text = text.trim();
            if text.chars().count() > max_len {
                return Err(
                    DomainError::field(ErrorCode::TooLong, format!("[{i}].text")).with_arg("max", max_len)
                );
            }
            if !text.is_empty() {
                map.insert(lang, text.to_string());
            }
        }
        Ok(LocalizedText(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_region_subtags() {
        assert_eq!(Lang::parse("sv-FI").unwrap(), Lang::Sv);
        assert_eq!(Lang::parse(" EN ").unwrap(), Lang::En);
        assert_eq!(Lang::parse("de").unwrap_err().code, ErrorCode::InvalidLanguage);
    }

    #[test]
    fn localized_text_falls_back_to_default_then_any() {
        let mut t = LocalizedText::default();
        t.0.insert(Lang::Sv, "Verkstad".into());
        assert_eq!(t.get(Lang::En, Lang::Sv), Some("Verkstad"));
        assert_eq!(t.get(Lang::En, Lang::Fi), Some("Verkstad"));
        t.0.insert(Lang::Fi, "Paja".into());
        assert_eq!(t.get(Lang::En, Lang::Fi), Some("Paja"));
    }

    #[test]
    fn localized_text_refuses_languages_not_enabled() {
        let err = LocalizedText::parse([("en".to_string(), "x".to_string())], &[Lang::Fi], 10).unwrap_err();
        assert_eq!(err.code, ErrorCode::LanguageNotEnabled);
        assert_eq!(err.field.as_deref(), Some("[0].lang"));
    }
}
