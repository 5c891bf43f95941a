//! Who the transfer file makes a customer of the area: the rules of
//! `rules/transfer-eligibility.toml`, one version per change in the law,
//! chosen by the transfer date with [`eligibility_rules`], and applied to a
//! valid row by [`EligibilityRules::reasons`]. The dates and the statutory
//! values live in the file; this module only knows what each condition means.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::row::{Benefit, TransferRow};
use crate::TransferError;

const SOURCE: &str = include_str!("../rules/transfer-eligibility.toml");

/// Why a row makes the person a customer of the area: the `reason` of a rule
/// that holds. A row may meet several rules of its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityReason {
    /// Unemployed or in an employment-promoting service, without a right to
    /// earnings-related allowance (the municipal experiment).
    NoEarningsRelatedRight,
    /// Under 30 on the transfer date (the municipal experiment).
    #[serde(rename = "under_30")]
    Under30,
    /// Mother tongue other than Finnish, Swedish or Sámi (the municipal
    /// experiment).
    ForeignLanguage,
    /// A jobseeker whose home municipality is in the area (from 1.1.2025).
    Resident,
}

impl EligibilityReason {
    pub const ALL: [EligibilityReason; 4] = [
        EligibilityReason::NoEarningsRelatedRight,
        EligibilityReason::Under30,
        EligibilityReason::ForeignLanguage,
        EligibilityReason::Resident,
    ];

    /// The stable code, as the rule file and the stored report write it.
    pub fn as_str(self) -> &'static str {
        match self {
            EligibilityReason::NoEarningsRelatedRight => "no_earnings_related_right",
            EligibilityReason::Under30 => "under_30",
            EligibilityReason::ForeignLanguage => "foreign_language",
            EligibilityReason::Resident => "resident",
        }
    }

    /// The Fluent message naming the reason, e.g.
    /// `transfer-eligibility-resident`.
    pub fn message_id(self) -> String {
        format!("transfer-eligibility-{}", self.as_str().replace('_', "-"))
    }
}

/// One version of the rules: in force from `effective_from` until the next
/// version's date.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    pub id: String,
    pub effective_from: NaiveDate,
    /// The statute the version follows.
    pub source: String,
    /// What of the source could not be confirmed, where anything.
    #[serde(default)]
    pub unverified: Option<String>,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// A rule holds when every condition it gives holds.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Rule {
    reason: EligibilityReason,
    #[serde(default)]
    younger_than: Option<u32>,
    #[serde(default)]
    mother_tongue_not_in: Option<Vec<String>>,
    #[serde(default)]
    unemployed_or_in_service: Option<bool>,
    #[serde(default)]
    earnings_related_right: Option<bool>,
}

impl Rule {
    fn holds(&self, row: &TransferRow, on: NaiveDate) -> bool {
        self.younger_than.is_none_or(|age| row.customer.hetu.age_on(on) < age)
            && self
                .mother_tongue_not_in
                .as_ref()
                .is_none_or(|codes| !codes.iter().any(|c| c == row.customer.mother_tongue.as_str()))
            && self.unemployed_or_in_service.is_none_or(|b| unemployed_or_in_service(row, on) == b)
            && self.earnings_related_right.is_none_or(|b| earnings_related_right(row) == b)
    }
}

/// Whether the file shows the person as unemployed or in an
/// employment-promoting service on `on`: in service, drawing an
/// unemployment benefit (paid only to the unemployed and to people in
/// services), or unemployed since a day no later than `on`.
fn unemployed_or_in_service(row: &TransferRow, on: NaiveDate) -> bool {
    row.in_service == Some(true)
        || row.customer.benefit.is_some_and(|b| b != Benefit::None)
        || row.customer.unemployed_since.is_some_and(|since| since <= on)
}

/// The `ansiosidonnainen` column where the file has it; without it, drawing
/// earnings-related allowance shows the right and anything else its absence.
/// (The reader rejects a row whose column contradicts its benefit.)
fn earnings_related_right(row: &TransferRow) -> bool {
    row.earnings_related.unwrap_or(row.customer.benefit == Some(Benefit::EarningsRelatedAllowance))
}

impl EligibilityRules {
    /// The reasons, in the order of the file, for which `row` is eligible on
    /// the transfer date `on`; empty when it is not.
    pub fn reasons(&self, row: &TransferRow, on: NaiveDate) -> Vec<EligibilityReason> {
        self.rule.iter().filter(|r| r.holds(row, on)).map(|r| r.reason).collect()
    }

    /// The reasons this version can give, in the order of the file.
    pub fn possible_reasons(&self) -> Vec<EligibilityReason> {
        self.rule.iter().map(|r| r.reason).collect()
    }

    /// The Fluent message summing the version up for the report, e.g.
    /// `transfer-rules-employment-services-2025`.
    pub fn message_id(&self) -> String {
        format!("transfer-rules-{}", self.id)
    }
}

/// Every version, oldest first.
#[derive(Clone, Debug)]
pub struct RuleBook {
    versions: Vec<EligibilityRules>,
}

impl RuleBook {
    /// The rules compiled in. They are checked by tests, so a parse failure
    /// is a build defect.
    #[expect(
        clippy::expect_used,
        reason = "compiled-in rules, checked by tests: a failure is a build defect"
    )]
    pub fn embedded() -> &'static RuleBook {
        static BOOK: OnceLock<RuleBook> = OnceLock::new();
        BOOK.get_or_init(|| RuleBook::parse(SOURCE).expect("rules/transfer-eligibility.toml is valid"))
    }

    pub fn parse(source: &str) -> Result<RuleBook, String> {
        let versions =
            polku_domain::rules::parse_versions(source, |v: &EligibilityRules| v.effective_from, |v| &v.id)?;
        for v in &versions {
            if v.rule.is_empty() {
                return Err(format!("{}: no rules, so nobody would be eligible", v.id));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(r) = v.rule.iter().find(|r| !seen.insert(r.reason)) {
                return Err(format!("{}: the reason {} is given twice", v.id, r.reason.as_str()));
            }
            // A code as the reader stores it, or the condition could never
            // (or would always) hold.
            for code in v.rule.iter().flat_map(|r| r.mother_tongue_not_in.iter().flatten()) {
                if polku_domain::contact::MotherTongue::parse(code).ok().map(|t| t.into_string()).as_ref()
                    != Some(code)
                {
                    return Err(format!("{}: {code} is not a mother tongue as stored", v.id));
                }
            }
        }
        Ok(RuleBook { versions })
    }

    pub fn versions(&self) -> &[EligibilityRules] {
        &self.versions
    }

    /// The version in force on `date`, or `None` before the first.
    pub fn in_force(&self, date: NaiveDate) -> Option<&EligibilityRules> {
        self.versions.iter().rev().find(|v| v.effective_from <= date)
    }
}

/// The rules a transfer dated `transfer_date` is judged by: the one function
/// the reader, and so the import, uses. A date before the first version is
/// an error for the whole file, naming the first date rules exist for.
pub fn eligibility_rules(transfer_date: NaiveDate) -> Result<&'static EligibilityRules, TransferError> {
    let book = RuleBook::embedded();
    book.in_force(transfer_date).ok_or_else(|| TransferError::NoRulesForDate {
        date: transfer_date,
        first: book.versions[0].effective_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_parse_and_every_version_cites_its_source() {
        let book = RuleBook::embedded();
        assert!(book.versions().len() >= 2);
        for v in book.versions() {
            assert!(!v.source.trim().is_empty(), "{}", v.id);
            assert!(!v.possible_reasons().is_empty(), "{}", v.id);
        }
        assert!(book.versions().windows(2).all(|w| w[0].effective_from < w[1].effective_from));
    }

    #[test]
    fn reasons_round_trip_through_their_codes() {
        for r in EligibilityReason::ALL {
            let parsed: EligibilityReason = serde_json::from_value(serde_json::json!(r.as_str())).unwrap();
            assert_eq!(parsed, r);
        }
        assert_eq!(EligibilityReason::Under30.message_id(), "transfer-eligibility-under-30");
    }

    #[test]
    fn a_rule_file_with_mistakes_is_refused() {
        let one = |extra: &str| {
            format!("[[version]]\nid = \"a\"\neffective_from = \"2021-01-01\"\nsource = \"s\"\n{extra}")
        };
        assert!(RuleBook::parse(&one("[[version.rule]]\nreason = \"resident\"\n")).is_ok());
        assert!(RuleBook::parse(&one("")).unwrap_err().contains("no rules"));
        assert!(RuleBook::parse(&one("[[version.rule]]\nreason = \"lottery\"\n")).is_err());
        assert!(RuleBook::parse(&one("[[version.rule]]\nreason = \"resident\"\nolder_than = 50\n")).is_err());
        let sami = one(
            "[[version.rule]]\nreason = \"foreign_language\"\nmother_tongue_not_in = [\"fi\", \"smn\"]\n",
        );
        assert!(RuleBook::parse(&sami).unwrap_err().contains("smn"));
        let twice = one("[[version.rule]]\nreason = \"resident\"\n[[version.rule]]\nreason = \"resident\"\n");
        assert!(RuleBook::parse(&twice).unwrap_err().contains("twice"));
        assert!(RuleBook::parse("").is_err());
    }
}
