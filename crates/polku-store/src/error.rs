//! The store's one error type. Constraint violations become domain errors
//! here, keyed on the constraint's name, so callers see SLUG_TAKEN rather than
//! a Postgres message.

use polku_domain::{DomainError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A refusal the caller can act on.
    #[error("{0}")]
    Domain(#[from] DomainError),
    /// The row does not exist, or exists in another tenant: the two are
    /// indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// The database could not be reached in time.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A statement of the transaction failed, so it could only roll back:
    /// nothing in it was kept, and nothing it read may be sent.
    #[error("transaction failed before commit")]
    NotCommitted,
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// Constraint name → the refusal it means, and the input field it concerns.
const CONSTRAINTS: &[(&str, ErrorCode, &str)] = &[
    ("tenants_slug_key", ErrorCode::SlugTaken, "slug"),
    ("tenants_region_code_fkey", ErrorCode::UnknownRegion, "region"),
    ("tenant_municipalities_code_key", ErrorCode::MunicipalityTaken, "municipalities"),
    ("tenant_municipalities_code_fkey", ErrorCode::UnknownMunicipality, "municipalities"),
    ("partners_business_id_key", ErrorCode::BusinessIdTaken, "businessId"),
    ("services_tenant_id_provider_partner_id_fkey", ErrorCode::UnknownPartner, "providerId"),
    ("tenants_caseload_limit_check", ErrorCode::OutOfRange, "caseloadLimit"),
    ("customers_hetu_key", ErrorCode::CustomerExists, "identityCode"),
    ("customers_home_municipality_fkey", ErrorCode::MunicipalityNotInArea, "homeMunicipality"),
    ("customers_coach_fkey", ErrorCode::UnknownCoach, "coachId"),
    ("staff_subject_key", ErrorCode::Validation, "subject"),
    ("service_promises_label_key", ErrorCode::LabelTaken, "label"),
    ("path_episodes_service_fkey", ErrorCode::UnknownService, "serviceId"),
    ("path_episodes_organiser_fkey", ErrorCode::UnknownPartner, "organiserId"),
    ("referrals_service_fkey", ErrorCode::UnknownService, "serviceId"),
];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => return StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                return StoreError::Unavailable(e)
            }
            sqlx::Error::Database(db) => {
                if let Some(name) = db.constraint() {
                    if let Some((_, code, field)) = CONSTRAINTS.iter().find(|(c, _, _)| *c == name) {
                        return StoreError::Domain(DomainError::field(*code, *field));
                    }
                }
                // 42501: row-level security refused the write.
                if db.code().as_deref() == Some("42501") {
                    return StoreError::Domain(DomainError::new(ErrorCode::Forbidden));
                }
                // 57P01..57P03, 08xxx: the server is going away or gone.
                if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) {
                    return StoreError::Unavailable(e);
                }
            }
            _ => {}
        }
        StoreError::Database(e)
    }
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Domain(d) => d.code,
            StoreError::NotFound => ErrorCode::NotFound,
            StoreError::Unavailable(_) => ErrorCode::Unavailable,
            StoreError::NotCommitted => ErrorCode::NotCommitted,
            StoreError::Database(_) | StoreError::Migration(_) => ErrorCode::Internal,
        }
    }
}

impl StoreError {
    /// A description safe to log. Database messages can quote input values
    /// (personal data among them), so only SQLSTATE and constraint are kept.
    pub fn safe_description(&self) -> String {
        fn describe(e: &sqlx::Error) -> String {
            match e {
                sqlx::Error::Database(db) => format!(
                    "database error sqlstate={} constraint={}",
                    db.code().unwrap_or_default(),
                    db.constraint().unwrap_or("-")
                ),
                sqlx::Error::PoolTimedOut => "connection pool timed out".into(),
                sqlx::Error::Io(io) => format!("io error: {}", io.kind()),
                other => format!("{other}"),
            }
        }
        match self {
            StoreError::Domain(d) => d.to_string(),
            StoreError::NotFound => "not found".into(),
            StoreError::Unavailable(e) | StoreError::Database(e) => describe(e),
            StoreError::Migration(e) => e.to_string(),
            StoreError::NotCommitted => "transaction failed before commit".into(),
        }
    }
}
