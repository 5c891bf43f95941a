//! One valid row of the transfer file, and the validation that turns a
//! record into a row (with the reasons it is eligible for, under the rules
//! of its transfer date) or into the list of everything wrong with it.

use csv::ByteRecord;
use polku_domain::contact::{Email, MotherTongue, PersonName, Phone, PostOffice, PostalCode, StreetAddress};
use polku_domain::customer::{service_language_for, NewCustomer};
use polku_domain::Hetu;

use crate::eligibility::{EligibilityReason, EligibilityRules};
use crate::field;
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

/// A row that passed validation: the customer, parsed by the domain's one
/// way in ([`NewCustomer`], with the service language resolved), what the
/// file says beyond the record, and the eligibility worked out on the
/// transfer date by the rules in force on it.
///
/// `Debug` redacts the personal data (the customer's own `Debug` shows the
/// birth-date part of the identity code and the codes only). There is no
/// `Serialize`, for the same reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRow {
    pub customer: NewCustomer,
    /// `palvelussa` as the file has it; `None` when empty (the record then
    /// says not in service).
    pub in_service: Option<bool>,
    /// `ansiosidonnainen`: whether the person has a right to
    /// earnings-related allowance; `None` when the file does not say.
    pub earnings_related: Option<bool>,
    /// Empty for a row that is valid but not eligible.
    pub eligibility: Vec<EligibilityReason>,
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
    let last_name = check.required(Column::LastName, field::domain(PersonName::parse));
    let first_names = check.required(Column::FirstNames, field::domain(PersonName::parse));
    let mother_tongue = check.required(Column::MotherTongue, field::domain(MotherTongue::parse));
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
    let street_address = check.optional(Column::StreetAddress, field::domain(StreetAddress::parse));
    let postal_code = check.optional(Column::PostalCode, field::domain(PostalCode::parse));
    let post_office = check.optional(Column::PostOffice, field::domain(PostOffice::parse));
    let phone = check.optional(Column::Phone, field::domain(Phone::parse));
    let email = check.optional(Column::Email, field::domain(Email::parse));

    let service_language = match (service_language, &mother_tongue) {
        (Some(Some(lang)), _) => Some(lang),
        (Some(None), Some(tongue)) => Some(service_language_for(tongue, options.default_language)),
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
                customer: NewCustomer {
                    hetu,
                    last_name,
                    first_names,
                    mother_tongue,
                    service_language,
                    home_municipality,
                    street_address,
                    postal_code,
                    post_office,
                    phone,
                    email,
                    benefit,
                    in_service: in_service.unwrap_or(false),
                    unemployed_since,
                    // The file does not say; the coach records it.
                    job_search_started_on: None,
                },
                in_service,
                earnings_related,
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
            assert_eq!(Benefit::from_code(b.code()), Some(b));
        }
        assert_eq!(Benefit::LabourMarketSubsidy.code(), "labour_market_subsidy");
        assert_eq!(Benefit::from_code("tyomarkkinatuki"), None);
    }
}
