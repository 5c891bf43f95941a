//! Names of employment areas (tenants) and the oversight regions above them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DomainError, ErrorCode};

/// The stable, URL-safe name of an employment area, e.g. `porvoo`. Tokens name
/// their tenant by slug, so it never changes once created.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let ok = (2..=63).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err(DomainError::new(ErrorCode::InvalidSlug).with_arg("value", s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ELY/TE oversight region, e.g. `uusimaa`, `hame`. The `all` region stands
/// for the whole country (the ministry).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub const WHOLE_COUNTRY: &'static str = "all";

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let ok = (2..=40).contains(&s.len()) && s.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if ok {
            Ok(RegionCode(s.to_string()))
        } else {
            Err(DomainError::new(ErrorCode::UnknownRegion).with_arg("value", s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_whole_country(&self) -> bool {
        self.0 == Self::WHOLE_COUNTRY
    }
}

impl TryFrom<String> for RegionCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(s: RegionCode) -> String {
        s.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("porvoo").is_ok());
        assert!(Slug::parse("lahden-seutu").is_ok());
        for bad in ["", "P", "Porvoo", "1abc", "a b", "åland"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}
