//! The TE office's customer transfer file (`docs/transfer-csv.md`, the TE
//! office's format `shared/specs/te-transfer-csv.md` with Polku's extension),
//! read as a stream of per-line outcomes: a customer, a valid row that is not
//! eligible, or the list of everything wrong with the line. Who is eligible
//! depends on the transfer date: the rules are data, one version per change
//! in the law (`rules/transfer-eligibility.toml`, [`eligibility_rules`]).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use polku_domain::{Lang, MunicipalityCode};
//! use polku_transfer::{Outcome, TransferOptions};
//!
//! let options = TransferOptions {
//!     transfer_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
//!     default_language: Lang::Fi,
//!     municipalities: vec![MunicipalityCode::parse("638")?],
//! };
//! let file = std::fs::File::open("siirto.csv")?;
//! let lines = polku_transfer::read(file, &options)?;
//! for line in lines {
//!     match line.outcome {
//!         Outcome::Customer(row) => { /* import, letter in row.service_language */ }
//!         Outcome::NotEligible(_) => { /* count, with line.number */ }
//!         Outcome::Rejected(why) => { /* report line.number and each why[i].code */ }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! What this crate deliberately does not do: IO beyond the `Read` it is
//! given, async, SQL, deciding what a second row for the same person means
//! (the importer treats it as an update), or localising messages (each code
//! has a Fluent message id for `polku-i18n`). The identity code and other
//! field values never appear in an error, a rejection or a `Debug` output.

mod eligibility;
mod error;
mod field;
mod header;
mod reader;
mod row;
pub mod synthetic;

use chrono::NaiveDate;
use polku_domain::{Lang, MunicipalityCode};

pub use eligibility::{eligibility_rules, EligibilityReason, EligibilityRules, RuleBook};
pub use error::{Rejection, RejectionCode, TransferError};
pub use field::{MAX_EMAIL, MAX_NAME, MAX_PHONE, MAX_POST_OFFICE, MAX_STREET_ADDRESS};
pub use header::Column;
pub use reader::{read, Line, Outcome, TransferReader, MAX_HEADER_BYTES, MAX_RECORD_BYTES};
pub use row::{Benefit, TransferRow};

/// What the reader needs to know about the area the file is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferOptions {
    /// The day the area starts: ages and eligibility are worked out on it,
    /// under the rules in force on it.
    pub transfer_date: NaiveDate,
    /// The service language for a row with no `asiointikieli` and a mother
    /// tongue other than Finnish or Swedish.
    pub default_language: Lang,
    /// The area's municipalities; a row living elsewhere is rejected.
    pub municipalities: Vec<MunicipalityCode>,
}

#[cfg(test)]
mod tests;
