//! Stable error codes. Each code is the GraphQL `extensions.code`, and its
//! kebab-case form prefixed with `error-` is the Fluent message id, so a code
//! is named once here and translated once in `i18n/`.

use std::fmt;

macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// A stable, documented reason for refusing a request.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// SCREAMING_SNAKE code as clients see it in `extensions.code`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The Fluent message id for this code.
            pub fn message_id(self) -> String {
                format!("error-{}", self.as_str().to_ascii_lowercase().replace('_', "-"))
            }
        }
    };
}

error_codes! {
    Unauthenticated => "UNAUTHENTICATED",
    InvalidToken => "INVALID_TOKEN",
    TokenExpired => "TOKEN_EXPIRED",
    Forbidden => "FORBIDDEN",
    NotFound => "NOT_FOUND",
    UnknownTenant => "UNKNOWN_TENANT",
    Validation => "VALIDATION",
    Required => "REQUIRED",
    TooLong => "TOO_LONG",
    InvalidSlug => "INVALID_SLUG",
    SlugTaken => "SLUG_TAKEN",
    InvalidMunicipalityCode => "INVALID_MUNICIPALITY_CODE",
    UnknownMunicipality => "UNKNOWN_MUNICIPALITY",
    MunicipalityTaken => "MUNICIPALITY_TAKEN",
    UnknownRegion => "UNKNOWN_REGION",
    InvalidBusinessId => "INVALID_BUSINESS_ID",
    BusinessIdTaken => "BUSINESS_ID_TAKEN",
    InvalidLanguage => "INVALID_LANGUAGE",
    LanguageNotEnabled => "LANGUAGE_NOT_ENABLED",
    DefaultLanguageNotEnabled => "DEFAULT_LANGUAGE_NOT_ENABLED",
    NegativeCapacity => "NEGATIVE_CAPACITY",
    InvalidAmount => "INVALID_AMOUNT",
    InvalidDateRange => "INVALID_DATE_RANGE",
    OutOfRange => "OUT_OF_RANGE",
    InvalidEmail => "INVALID_EMAIL",
    UnknownPartner => "UNKNOWN_PARTNER",
    AlreadyRetired => "ALREADY_RETIRED",
    InvalidCursor => "INVALID_CURSOR",
    PageSizeTooLarge => "PAGE_SIZE_TOO_LARGE",
    QueryTooDeep => "QUERY_TOO_DEEP",
    QueryTooComplex => "QUERY_TOO_COMPLEX",
    BadRequest => "BAD_REQUEST",
    Unavailable => "UNAVAILABLE",
    Internal => "INTERNAL",
    InvalidHetu => "INVALID_HETU",
    CustomerExists => "CUSTOMER_EXISTS",
    MunicipalityNotInArea => "MUNICIPALITY_NOT_IN_AREA",
    MunicipalityInUse => "MUNICIPALITY_IN_USE",
    UnknownCoach => "UNKNOWN_COACH",
    CaseloadFull => "CASELOAD_FULL",
    UnknownTask => "UNKNOWN_TASK",
    StalePlanVersion => "STALE_PLAN_VERSION",
    InvalidTransferFile => "INVALID_TRANSFER_FILE",
    NoRuleForDate => "NO_RULE_FOR_DATE",
    DateTooFarAhead => "DATE_TOO_FAR_AHEAD",
    NoPathRuleForDate => "NO_PATH_RULE_FOR_DATE",
    NotAPeriod => "NOT_A_PERIOD",
    PeriodLength => "PERIOD_LENGTH",
    WorkTrialLimit => "WORK_TRIAL_LIMIT",
    InvalidSubsidyRate => "INVALID_SUBSIDY_RATE",
    SubsidyRateNotAllowed => "SUBSIDY_RATE_NOT_ALLOWED",
    SubsidyCapExceeded => "SUBSIDY_CAP_EXCEEDED",
    PathOverlap => "PATH_OVERLAP",
    ServiceCategoryMismatch => "SERVICE_CATEGORY_MISMATCH",
    UnknownService => "UNKNOWN_SERVICE",
    LabelTaken => "LABEL_TAKEN",
    IllegalTransition => "ILLEGAL_TRANSITION",
    ServiceRetired => "SERVICE_RETIRED",
    ApiKeyRevoked => "API_KEY_REVOKED",
    RateLimited => "RATE_LIMITED",
    GrantWorkingTime => "GRANT_WORKING_TIME",
    GrantEmployerKind => "GRANT_EMPLOYER_KIND",
    PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
    InvalidMonth => "INVALID_MONTH",
    PeriodOutsideData => "PERIOD_OUTSIDE_DATA",
    RegionNotHeld => "REGION_NOT_HELD",
    AreaOutsideRegion => "AREA_OUTSIDE_REGION",
    InvalidDate => "INVALID_DATE",
    NotCommitted => "NOT_COMMITTED",
    RevealReasonRequired => "REVEAL_REASON_REQUIRED",
    TooManyFields => "TOO_MANY_FIELDS",
    PayloadTooLarge => "PAYLOAD_TOO_LARGE",
    RequestTimeout => "REQUEST_TIMEOUT",
    SubscriptionsOnly => "SUBSCRIPTIONS_ONLY",
    TooManySubscriptions => "TOO_MANY_SUBSCRIPTIONS",
    TooManyConnections => "TOO_MANY_CONNECTIONS",
    ConnectionInitTimeout => "CONNECTION_INIT_TIMEOUT",
    SubsidyRateNotInForce => "SUBSIDY_RATE_NOT_IN_FORCE",
    SubsidyBasisNotInForce => "SUBSIDY_BASIS_NOT_IN_FORCE",
    SubsidyRateForBasis => "SUBSIDY_RATE_FOR_BASIS",
    SubsidyEmployerNotAllowed => "SUBSIDY_EMPLOYER_NOT_ALLOWED",
    SubsidyConditionNotMet => "SUBSIDY_CONDITION_NOT_MET",
    SubsidyPeriodTooLong => "SUBSIDY_PERIOD_TOO_LONG",
    SubsidySameEmployer => "SUBSIDY_SAME_EMPLOYER",
    DateInFuture => "DATE_IN_FUTURE",
    NoJobSearch => "NO_JOB_SEARCH",
    InvalidPostalCode => "INVALID_POSTAL_CODE",
    InvalidCharacters => "INVALID_CHARACTERS",
    InvalidPhone => "INVALID_PHONE",
    RetentionBelowMinimum => "RETENTION_BELOW_MINIMUM",
    LegalHoldActive => "LEGAL_HOLD_ACTIVE",
    ErasureNotAllowed => "ERASURE_NOT_ALLOWED",
    LegalBasisRequired => "LEGAL_BASIS_REQUIRED",
    UnknownLegalBasis => "UNKNOWN_LEGAL_BASIS",
    ConsentNotRecorded => "CONSENT_NOT_RECORDED",
    AppointmentTransition => "APPOINTMENT_TRANSITION",
    AppointmentNotDue => "APPOINTMENT_NOT_DUE",
    AppointmentInPast => "APPOINTMENT_IN_PAST",
    OutsideWorkingHours => "OUTSIDE_WORKING_HOURS",
    AppointmentOverlap => "APPOINTMENT_OVERLAP",
    InvalidUrl => "INVALID_URL",
    CustomerNotActive => "CUSTOMER_NOT_ACTIVE",
    NoContactForChannel => "NO_CONTACT_FOR_CHANNEL",
    InvoiceHeader => "INVOICE_HEADER",
    InvoiceColumns => "INVOICE_COLUMNS",
    InvalidBenefit => "INVALID_BENEFIT",
    InvoiceMonthImported => "INVOICE_MONTH_IMPORTED",
    InvoiceMixedMonths => "INVOICE_MIXED_MONTHS",
    MunicipalityOutsideArea => "MUNICIPALITY_OUTSIDE_AREA",
    InvoiceDuplicateLine => "INVOICE_DUPLICATE_LINE",
    InvoiceDays => "INVOICE_DAYS",
    InvoiceShareOverPaid => "INVOICE_SHARE_OVER_PAID",
    BudgetExceeded => "BUDGET_EXCEEDED",
    BudgetYearClosed => "BUDGET_YEAR_CLOSED",
    AppropriationBelowCommitted => "APPROPRIATION_BELOW_COMMITTED",
    UnknownStaff => "UNKNOWN_STAFF",
    UnknownQuestion => "UNKNOWN_QUESTION",
    InvalidAnswer => "INVALID_ANSWER",
    AttendanceWeekStart => "ATTENDANCE_WEEK_START",
    AttendanceOutsideReferral => "ATTENDANCE_OUTSIDE_REFERRAL",
    AttendanceHoursOver => "ATTENDANCE_HOURS_OVER",
    AttendanceMonthClosed => "ATTENDANCE_MONTH_CLOSED",
    ReferralStillOpen => "REFERRAL_STILL_OPEN",
    AssessmentAlreadyFiled => "ASSESSMENT_ALREADY_FILED",
    AgreementTransition => "AGREEMENT_TRANSITION",
    AgreementRenewal => "AGREEMENT_RENEWAL",
    AttendanceDuplicateDay => "ATTENDANCE_DUPLICATE_DAY",
    AgreementOutsidePeriod => "AGREEMENT_OUTSIDE_PERIOD",
    AgreementReferralEnded => "AGREEMENT_REFERRAL_ENDED",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal with its code, the input field it concerns (as the client named
/// it, e.g. `input.capacity`), and named arguments for the localised message.
/// Arguments must never carry personal data: they end up in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainError {
    pub code: ErrorCode,
    pub field: Option<String>,
    pub args: Vec<(&'static str, String)>,
}

impl DomainError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, field: None, args: Vec::new() }
    }

    pub fn field(code: ErrorCode, field: impl Into<String>) -> Self {
        Self { code, field: Some(field.into()), args: Vec::new() }
    }

    pub fn with_arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Prefixes the field path, so a parser deep inside can say `code` and the
    /// caller can make it `input.municipalities[2].code`.
    pub fn at(mut self, prefix: &str) -> Self {
        self.field = Some(match self.field.take() {
            Some(inner) if inner.starts_with('[') => format!("{prefix}{inner}"),
            Some(inner) => format!("{prefix}.{inner}"),
            None => prefix.to_string(),
        });
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} ({field})", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for DomainError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_kebab_case() {
        assert_eq!(ErrorCode::PageSizeTooLarge.message_id(), "error-page-size-too-large");
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn field_paths_nest() {
        let e = DomainError::field(ErrorCode::InvalidMunicipalityCode, "code").at("input.municipalities[1]");
        assert_eq!(e.field.as_deref(), Some("input.municipalities[1].code"));
    }
}
