//! How long an area keeps each kind of personal data after a customer's
//! relationship with it ends (`rules/retention.toml`, each value with its
//! source and whether it is confirmed), and the checks on an area's own
//! choices: never shorter than the legal minimum. Deciding which customers
//! are due is the database's (`customer_erasable`), so that a defect here
//! cannot erase anyone early; this module gives the numbers it decides by.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::rules::parse_versions;
use crate::{DomainError, ErrorCode};

const SOURCE: &str = include_str!("../rules/retention.toml");

code_enum! {
    /// A kind of record with a retention period of its own.
    RecordKind {
        /// The customer's data, plans, meetings, status history, referrals,
        /// service path, duties: from the end of the relationship.
        CaseRecords => "case_records",
        /// Letters sent to the customer: from the letter's date.
        Letters => "letters",
        /// Employment grants and pay subsidies with their payment
        /// schedules (accounting records): from the end of the last grant.
        Grants => "grants",
        /// Reports of transfer-file imports: from the import.
        ImportReports => "import_reports",
        /// The log of use: from the row's time.
        AuditLog => "audit_log",
        /// The log of disclosures: from the row's time.
        DisclosureLog => "disclosure_log",
    }
}

/// One kind's period in a version of the rules.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    #[serde(deserialize_with = "record_kind")]
    pub kind: RecordKind,
    pub default_years: u16,
    pub minimum_years: u16,
    /// Whether a source found states this value for this kind of record;
    /// `false` marks Polku's default pending the registrar's decision.
    pub verified: bool,
    pub source: String,
    pub note: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionVersion {
    pub id: String,
    #[serde(deserialize_with = "date")]
    pub effective_from: NaiveDate,
    pub source: String,
    pub kind: Vec<KindRule>,
}

fn record_kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RecordKind, D::Error> {
    let code = String::deserialize(d)?;
    RecordKind::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown kind {code}")))
}

/// A date written as a TOML date (`2025-01-01`) or as a string.
fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Written::deserialize(d)? {
        Written::Text(s) => s,
        Written::Toml(t) => t.to_string(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
}

/// The longest period an area may set: a typing error, not a policy, above it.
pub const MAX_YEARS: u16 = 100;

#[derive(Clone, Debug)]
pub struct RetentionRules {
    versions: Vec<RetentionVersion>,
}

impl RetentionRules {
    /// The compiled-in rules, parsed once for the process: the gateway asks
    /// for them on every request about periods and on every run.
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> &'static RetentionRules {
        static RULES: std::sync::OnceLock<RetentionRules> = std::sync::OnceLock::new();
        RULES.get_or_init(|| RetentionRules::parse(SOURCE).expect("rules/retention.toml is valid"))
    }

    pub fn parse(source: &str) -> Result<RetentionRules, String> {
        let versions: Vec<RetentionVersion> =
            parse_versions(source, |v: &RetentionVersion| v.effective_from, |v| &v.id)?;
        for v in &versions {
            for kind in RecordKind::ALL {
                let n = v.kind.iter().filter(|k| k.kind == *kind).count();
                if n != 1 {
                    return Err(format!("{}: {} has {n} entries, not one", v.id, kind.code()));
                }
            }
            if let Some(k) =
                v.kind.iter().find(|k| k.default_years < k.minimum_years || k.default_years > MAX_YEARS)
            {
                return Err(format!(
                    "{}: {} default outside its minimum and {MAX_YEARS}",
                    v.id,
                    k.kind.code()
                ));
            }
        }
        Ok(RetentionRules { versions })
    }

    /// The version in force on `date`; the first one before it (retention
    /// concerns records older than any version).
    pub fn in_force(&self, date: NaiveDate) -> &RetentionVersion {
        let mut current = &self.versions[0];
        for v in &self.versions {
            if v.effective_from <= date {
                current = v;
            }
        }
        current
    }

    pub fn versions(&self) -> &[RetentionVersion] {
        &self.versions
    }
}

impl RetentionVersion {
    pub fn rule(&self, kind: RecordKind) -> Option<&KindRule> {
        self.kind.iter().find(|k| k.kind == kind)
    }

    /// An area's choice of years for `kind`, checked against the minimum:
    /// `RETENTION_BELOW_MINIMUM` on `years`, naming the minimum and its source.
    pub fn check_years(&self, kind: RecordKind, years: i32) -> Result<u16, DomainError> {
        let rule = self.rule(kind).ok_or_else(|| DomainError::field(ErrorCode::Validation, "kind"))?;
        let years = u16::try_from(years).unwrap_or(0);
        if years > MAX_YEARS {
            return Err(DomainError::field(ErrorCode::OutOfRange, "years")
                .with_arg("min", rule.minimum_years)
                .with_arg("max", MAX_YEARS));
        }
        if years < rule.minimum_years || years == 0 {
            return Err(DomainError::field(ErrorCode::RetentionBelowMinimum, "years")
                .with_arg("min", rule.minimum_years.max(1))
                .with_arg("value", &rule.source));
        }
        Ok(years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_give_every_kind_once_with_a_source() {
        let rules = RetentionRules::embedded();
        for v in rules.versions() {
            for kind in RecordKind::ALL {
                let rule = v.rule(*kind).unwrap();
                assert!(!rule.source.trim().is_empty(), "{} {}", v.id, kind.code());
                assert!(rule.default_years >= rule.minimum_years);
            }
        }
    }

    #[test]
    fn an_area_may_keep_longer_but_not_shorter() {
        let rules = RetentionRules::embedded();
        let v = rules.in_force(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let min = v.rule(RecordKind::CaseRecords).unwrap().minimum_years;
        assert_eq!(v.check_years(RecordKind::CaseRecords, i32::from(min) + 1).unwrap(), min + 1);
        let short = v.check_years(RecordKind::CaseRecords, i32::from(min) - 1).unwrap_err();
        assert_eq!((short.code, short.field.as_deref()), (ErrorCode::RetentionBelowMinimum, Some("years")));
        assert_eq!(
            v.check_years(RecordKind::CaseRecords, 0).unwrap_err().code,
            ErrorCode::RetentionBelowMinimum
        );
        assert_eq!(v.check_years(RecordKind::CaseRecords, 101).unwrap_err().code, ErrorCode::OutOfRange);
    }

    #[test]
    fn a_file_missing_a_kind_is_refused() {
        let one = "[[version]]\nid = \"x\"\neffective_from = 2025-01-01\nsource = \"s\"\n\
                   [[version.kind]]\nkind = \"letters\"\ndefault_years = 5\nminimum_years = 0\nverified = false\n\
                   source = \"s\"\nnote = \"n\"\n";
        assert!(RetentionRules::parse(one).unwrap_err().contains("case_records"));
    }
}
