//! Errors at the GraphQL edge. Resolvers return [`ApiError`]; it becomes an
//! `async_graphql::Error` with a stable `extensions.code` (and `field`), and
//! [`localize_response`] writes the message in the caller's language once the
//! operation is done. Internal failures are logged once, here, with their
//! trace id, and the caller sees a generic message quoting that id.

use async_graphql::{ErrorExtensionValues, Response, Value};
use polku_domain::{DomainError, ErrorCode};
use polku_store::StoreError;

use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Domain(DomainError),
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::Domain(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => ApiError::Domain(d),
            StoreError::NotFound => ApiError::Domain(DomainError::new(ErrorCode::NotFound)),
            StoreError::NotCommitted => ApiError::Domain(DomainError::new(ErrorCode::NotCommitted)),
            e @ StoreError::Unavailable(_) => {
                tracing::warn!(error.message = %e.safe_description(), "database unavailable");
                ApiError::Unavailable
            }
            e @ (StoreError::Database(_) | StoreError::Migration(_)) => {
                ApiError::Internal(e.safe_description())
            }
        }
    }
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Domain(d) => d.code,
            ApiError::Unavailable => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Carries the code, field and message arguments in extensions; the
    /// message is filled in by [`localize_response`].
    pub fn into_graphql(self) -> async_graphql::Error {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error.message = %detail, "request failed");
        }
        let mut error = async_graphql::Error::new(self.code().as_str());
        let mut ext = ErrorExtensionValues::default();
        ext.set("code", self.code().as_str());
        if let ApiError::Domain(d) = &self {
            if let Some(field) = &d.field {
                ext.set("field", field.as_str());
            }
            if !d.args.is_empty() {
                let args: async_graphql::indexmap::IndexMap<async_graphql::Name, Value> = d
                    .args
                    .iter()
                    .map(|(k, v)| (async_graphql::Name::new(*k), Value::from(v.as_str())))
                    .collect();
                ext.set("args", Value::Object(args));
            }
        }
        error.extensions = Some(ext);
        error
    }
}

impl ApiError {
    /// Puts a refusal's field under `input` (a store error names `slug`, the
    /// client sent `input.slug`); fields already under it stay as they are.
    pub(crate) fn under_input(self) -> ApiError {
        match self {
            ApiError::Domain(d) if d.field.as_deref().is_some_and(|f| !f.starts_with("input")) => {
                ApiError::Domain(d.at("input"))
            }
            other => other,
        }
    }

    /// For refusals outside any field (bad token, failed commit): no
    /// position in the query to point at.
    pub fn into_request_error(self) -> async_graphql::ServerError {
        let mut e = self.into_graphql().into_server_error(async_graphql::Pos::default());
        e.locations.clear();
        e
    }
}

/// `result.api()?` in resolvers: converts any error the store or domain
/// raises into a coded GraphQL error.
pub(crate) trait ApiResult<T> {
    fn api(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<ApiError>> ApiResult<T> for Result<T, E> {
    fn api(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().into_graphql())
    }
}

/// Errors async-graphql raises itself (parsing, validation, limits) carry no
/// code; this gives them one from their text.
fn classify(message: &str) -> (ErrorCode, Vec<(&'static str, String)>) {
    if message.contains("nested too deep") {
        (ErrorCode::QueryTooDeep, vec![])
    } else if message.contains("too complex") {
        (ErrorCode::QueryTooComplex, vec![])
    } else {
        (ErrorCode::BadRequest, vec![("value", message.to_string())])
    }
}

/// Rewrites every error's message in the request's language, keeping its
/// code, field and a trace id in extensions.
pub fn localize_response(mut response: Response, ctx: &RequestContext) -> Response {
    for error in &mut response.errors {
        let ext = error.extensions.get_or_insert_with(Default::default);
        let code = match ext.get("code") {
            Some(Value::String(code)) => {
                ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code).unwrap_or(ErrorCode::Internal)
            }
            _ => {
                let (code, args) = classify(&error.message);
                ext.set("code", code.as_str());
                let args: async_graphql::indexmap::IndexMap<async_graphql::Name, Value> =
                    args.into_iter().map(|(k, v)| (async_graphql::Name::new(k), Value::from(v))).collect();
                ext.set("args", Value::Object(args));
                code
            }
        };
        let mut domain = DomainError::new(code);
        if let Some(Value::String(field)) = ext.get("field") {
            domain.field = Some(field.clone());
        }
        if let Some(Value::Object(args)) = ext.get("args") {
            for (k, v) in args {
                if let Value::String(v) = v {
                    // Message arguments are a closed set of names.
                    if let Some(name) = polku_i18n::ARG_NAMES.iter().find(|n| **n == k.as_str()) {
                        domain.args.push((name, v.clone()));
                    }
                }
            }
        }
        match code {
            ErrorCode::Internal | ErrorCode::NotCommitted => {
                domain.args.push(("trace", ctx.trace_id.clone()))
            }
            ErrorCode::QueryTooDeep => domain.args.push(("max", ctx.limits.max_depth.to_string())),
            ErrorCode::QueryTooComplex => domain.args.push(("max", ctx.limits.max_complexity.to_string())),
            _ => {}
        }
        error.message = ctx.localizer.error(ctx.lang, &domain);
        ext.unset("args");
        ext.set("traceId", ctx.trace_id.as_str());
    }
    response
}
