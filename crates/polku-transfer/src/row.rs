//! One valid row of the transfer file, and the validation that turns a
//! record into a row (with the reasons it is eligible for, under the rules
//! of its transfer date) or into the list of everything wrong with it.

use std::fmt;

use chrono::NaiveDate;
use csv::ByteRecord;
use polku_domain::{Hetu, Lang, MunicipalityCode};

use crate::eligibility::{EligibilityReason, EligibilityRules};
use crate::field::{self, MAX_NAME, MAX_PHONE, MAX_POST_OFFICE, MAX_STREET_ADDRESS};
use crate::header::{Column, Layout};
use crate::{Rejection, RejectionCode, TransferOptions};

pub use polku_domain::customer::Benefit;

/// The benefit's value in the transfer file (`ei` says explicitly that there
/// is none; an empty field is `Option::None`, not known).
pub fn benefit_in_file(b: Benefit) -> &'static str {
    match b {
        Benefit::LabourMarketSubsidy => "tyomarkkinatuki",
        Benefit::BasicDailyAllowance => "peruspaivaraha",
        Benefit::EarningsRelatedAllowance => "ansiopaivaraha",
        Benefit::None => "ei",
    }
}

/// A row that passed validation: every field trimmed, every code parsed, the
/// service language resolved, the eligibility worked out on the transfer date
/// by the rules in force on it.
///
/// `Debug` is written by hand and redacts the personal data: the identity
/// code shows its birth-date part only, and names, address, phone and e-mail
/// show as `<redacted>`. There is no `Serialize`, for the same reason.
#[derive(Clone, PartialEq, Eq)]
pub struct TransferRow {
    pub hetu: Hetu,
    pub last_name: String,
    pub first_names: String,
    /// ISO 639-1, lower case, as stored: a three-letter code in the file is
    /// read as its two-letter one, and every Sámi language as `se`.
    pub mother_tongue: String,
    pub service_language: Lang,
    pub home_municipality: MunicipalityCode,
    pub unemployed_since: Option<NaiveDate>,
    pub benefit: Option<Benefit>,
    pub in_service: Option<bool>,
    /// `ansiosidonnainen`: whether the person has a right to
    /// earnings-related allowance; `None` when the file does not say.
    pub earnings_related: Option<bool>,
    pub street_address: Option<String>,
    /// Five digits.
    pub postal_code: Option<String>,
    pub post_office: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Empty for a row that is valid but not eligible.
    pub eligibility: Vec<EligibilityReason>,
}

impl fmt::Debug for TransferRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| Redacted);
        f.debug_struct("TransferRow")
            .field("hetu", &self.hetu)
            .field("last_name", &Redacted)
            .field("first_names", &Redacted)
            .field("mother_tongue", &self.mother_tongue)
            .field("service_language", &self.service_language)
            .field("home_municipality", &self.home_municipality)
            .field("unemployed_since", &self.unemployed_since)
            .field("benefit", &self.benefit)
            .field("in_service", &self.in_service)
            .field("earnings_related", &self.earnings_related)
            .field("street_address", &hidden(&self.street_address))
            .field("postal_code", &hidden(&self.postal_code))
            .field("post_office", &hidden(&self.post_office))
            .field("phone", &hidden(&self.phone))
            .field("email", &hidden(&self.email))
            .field("eligibility", &self.eligibility)
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Validates one record (already known to have as many fields as the
/// header). Every column is checked, so the operator learns everything that
/// is wrong with a line at once rather than one fix per import.
pub(crate) fn validate(
    record: &ByteRecord,
    layout: &Layout,
    options: &TransferOptions,
    rules: &EligibilityRules,
) -> Result<TransferRow, Vec<Rejection>> {
    let mut check = Check { record, layout, rejections: Vec::new() };
    let hetu = check.required(Column::Hetu, |s| Hetu::parse(s).map_err(RejectionCode::InvalidHetu));
    let last_name = check.required(Column::LastName, field::text(MAX_NAME));
    let first_names = check.required(Column::FirstNames, field::text(MAX_NAME));
    let mother_tongue = check.required(Column::MotherTongue, field::mother_tongue);
    let service_language = check.optional(Column::ServiceLanguage, field::service_language);
    let home_municipality =
        check.required(Column::HomeMunicipality, |s| field::municipality(s, &options.municipalities));
    let unemployed_since = check.optional(Column::UnemployedSince, field::date);
    let benefit = check.optional(Column::Benefit, field::benefit);
    let in_service = check.optional(Column::InService, field::boolean);
    let earnings_related = check.optional(Column::EarningsRelated, field::boolean);
    if let (Some(Some(Benefit::EarningsRelatedAllowance)), Some(Some(false))) = (benefit, earnings_related) {
        check.reject(Column::EarningsRelated, RejectionCode::ContradictsBenefit);
    }
    let street_address = check.optional(Column::StreetAddress, field::text(MAX_STREET_ADDRESS));
    let postal_code = check.optional(Column::PostalCode, field::postal_code);
    let post_office = check.optional(Column::PostOffice, field::text(MAX_POST_OFFICE));
    let phone = check.optional(Column::Phone, field::text(MAX_PHONE));
    let email = check.optional(Column::Email, field::email);

    let service_language = match (service_language, &mother_tongue) {
        (Some(Some(lang)), _) => Some(lang),
        (Some(None), Some(tongue)) => Some(match tongue.as_str() {
            "sv" => Lang::Sv,
            "fi" => Lang::Fi,
            _ => options.default_language,
        }),
        _ => None,
    };

    // Each `None` below has put its rejection in the list; matching them all
    // at once avoids an `unwrap` per field.
    match (
        hetu,
        last_name,
        first_names,
        mother_tongue,
        service_language,
        home_municipality,
        unemployed_since,
        benefit,
        (in_service, earnings_related),
        street_address,
        (postal_code, post_office, phone, email),
    ) {
        (
            Some(hetu),
            Some(last_name),
            Some(first_names),
            Some(mother_tongue),
            Some(service_language),
            Some(home_municipality),
            Some(unemployed_since),
            Some(benefit),
            (Some(in_service), Some(earnings_related)),
            Some(street_address),
            (Some(postal_code), Some(post_office), Some(phone), Some(email)),
        ) if check.rejections.is_empty() => {
            let mut row = TransferRow {
                hetu,
                last_name,
                first_names,
                mother_tongue,
                service_language,
                home_municipality,
                unemployed_since,
                benefit,
                in_service,
                earnings_related,
                street_address,
                postal_code,
                post_office,
                phone,
                email,
                eligibility: Vec::new(),
            };
            row.eligibility = rules.reasons(&row, options.transfer_date);
            Ok(row)
        }
        _ => Err(check.rejections),
    }
}

/// Reads fields of one record and collects what is wrong with them.
struct Check<'a> {
    record: &'a ByteRecord,
    layout: &'a Layout,
    rejections: Vec<Rejection>,
}

impl<'a> Check<'a> {
    /// The trimmed field; empty when the file has no such (optional) column;
    /// `None`, with the rejection noted, when it is not UTF-8.
    fn text(&mut self, column: Column) -> Option<&'a str> {
        let Some(bytes) = self.layout.position(column).and_then(|i| self.record.get(i)) else {
            return Some("");
        };
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.trim()),
            Err(_) => {
                self.reject(column, RejectionCode::InvalidEncoding);
                None
            }
        }
    }

    fn reject(&mut self, column: Column, code: RejectionCode) {
        self.rejections.push(Rejection { column: Some(column.header()), code });
    }

    fn required<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, RejectionCode>,
    ) -> Option<T> {
        match self.optional(column, parse)? {
            Some(value) => Some(value),
            None => {
                self.reject(column, RejectionCode::Missing);
                None
            }
        }
    }

    /// `Some(None)` for an empty field, `None` for an invalid one.
    fn optional<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, RejectionCode>,
    ) -> Option<Option<T>> {
        let s = self.text(column)?;
        if s.is_empty() {
            return Some(None);
        }
        match parse(s) {
            Ok(value) => Some(Some(value)),
            Err(code) => {
                self.reject(column, code);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benefits_round_trip_through_the_database_names() {
        for b in Benefit::ALL.iter().copied() {
            assert_eq!(Benefit::from_db(b.as_db()), Some(b));
        }
        assert_eq!(Benefit::LabourMarketSubsidy.as_db(), "labour_market_subsidy");
        assert_eq!(Benefit::from_db("tyomarkkinatuki"), None);
    }
}
