//! Arguments and input fields, checked the same way in every mutation: ids,
//! and free text trimmed, bounded in length and refused by field name.

use async_graphql::ID;
use polku_domain::contact::{ContactError, Email};
use polku_domain::{DomainError, ErrorCode};
use uuid::Uuid;

use crate::ApiError;

pub(crate) fn parse_id(id: &ID) -> Result<Uuid, ApiError> {
    // An id that is not even a UUID cannot exist: the same NOT_FOUND as any
    // other id of another tenant.
    Uuid::parse_str(id.as_str()).map_err(|_| DomainError::new(ErrorCode::NotFound).into())
}

/// A required text, trimmed, at most `max` characters.
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, field).into());
    }
    if v.chars().count() > max {
        return Err(DomainError::field(ErrorCode::TooLong, field).with_arg("max", max).into());
    }
    Ok(v.to_string())
}

/// An optional text: blank is none.
pub(crate) fn opt_text(field: &str, v: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => text(field, s, max).map(Some),
    }
}

/// A required field, by its domain type's parser: the one the transfer
/// import uses too, so both give the same answer for the same value.
pub(crate) fn parsed<T>(
    field: &str,
    v: &str,
    parse: fn(&str) -> Result<T, ContactError>,
) -> Result<T, ApiError> {
    parse(v).map_err(|e| e.at(field).into())
}

/// An optional field by its domain type's parser (`contact::optional`):
/// blank is none, anything else must parse.
pub(crate) fn parsed_opt<T>(
    field: &str,
    v: Option<&str>,
    parse: fn(&str) -> Result<T, ContactError>,
) -> Result<Option<T>, ApiError> {
    polku_domain::contact::optional(v, parse).map_err(|e| e.at(field).into())
}

/// An optional e-mail address (`Email::parse`).
pub(crate) fn email(field: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    Ok(parsed_opt(field, v.as_deref(), Email::parse)?.map(Email::into_string))
}

/// An optional phone number (`Phone::parse`), for staff and partners'
/// contacts as for customers.
pub(crate) fn phone(field: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    Ok(parsed_opt(field, v.as_deref(), polku_domain::contact::Phone::parse)?
        .map(polku_domain::contact::Phone::into_string))
}

/// Checks a date argument or input field as it is parsed, before any
/// resolver runs: `#[graphql(validator(custom = "UsableDate(\"from\")"))]`.
/// The refusal carries the code, the field and the range of
/// `calendar::usable_date`.
pub(crate) struct UsableDate(pub &'static str);

impl async_graphql::CustomValidator<chrono::NaiveDate> for UsableDate {
    fn check(
        &self,
        value: &chrono::NaiveDate,
    ) -> Result<(), async_graphql::InputValueError<chrono::NaiveDate>> {
        polku_domain::calendar::usable_date(*value).map(|_| ()).map_err(|e| {
            let args: async_graphql::indexmap::IndexMap<async_graphql::Name, async_graphql::Value> = e
                .args
                .iter()
                .map(|(k, v)| (async_graphql::Name::new(*k), async_graphql::Value::from(v.as_str())))
                .collect();
            async_graphql::InputValueError::custom(e.code.as_str())
                .with_extension("code", e.code.as_str())
                .with_extension("field", self.0)
                .with_extension("args", async_graphql::Value::Object(args))
        })
    }
}
