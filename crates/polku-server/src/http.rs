//! The HTTP edge: `POST /graphql`, GraphiQL on `GET /graphql`, `/healthz` and
//! `/readyz`. A request goes: token → identity → tenant transaction →
//! negotiated language → schema → commit → localised errors.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use polku_domain::{DomainError, ErrorCode, Lang, Role};
use polku_graphql::{ApiError, Limits, PolkuSchema, RequestContext, Session};
use polku_i18n::{negotiate, Localizer};
use polku_store::pii::HetuVault;
use polku_store::Store;
use tracing::Instrument;

use crate::auth::{Identity, Verifier};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: PolkuSchema,
    pub store: Store,
    pub verifier: Verifier,
    pub localizer: Arc<Localizer>,
    pub limits: Limits,
}

impl AppState {
    pub fn new(store: Store, verifier: Verifier, limits: Limits, vault: HetuVault) -> AppState {
        AppState {
            schema: polku_graphql::build_schema(limits, vault),
            store,
            verifier,
            localizer: Arc::new(Localizer::new()),
            limits,
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/graphql") }))
        .route("/graphql", get(graphiql).post(graphql))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/letters/{id}", get(letter))
        .with_state(state)
}

async fn graphiql() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").title("Polku").finish())
}

/// A stored letter as printable HTML, for the same bearer token as the API.
/// Refusals are plain text in the caller's language.
async fn letter(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let lang = negotiate(None, header(&headers, "accept-language"), &Lang::ALL, Lang::Fi);
    let refuse = |status: StatusCode, e: ApiError| {
        let domain = match e {
            ApiError::Domain(d) => d,
            ApiError::Unavailable => DomainError::new(ErrorCode::Unavailable),
            ApiError::Internal(_) => {
                DomainError::new(ErrorCode::Internal).with_arg("trace", trace_id(&headers))
            }
        };
        (status, state.localizer.error(lang, &domain)).into_response()
    };
    let Some(token) = bearer(&headers) else {
        return refuse(StatusCode::UNAUTHORIZED, DomainError::new(ErrorCode::Unauthenticated).into());
    };
    let request_id = trace_id(&headers);
    let (_, session) = match authenticate(&state, token, &request_id).await {
        Ok(ok) => ok,
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, e),
    };
    let staff = [Role::Coach, Role::Manager, Role::TenantAdmin];
    if !staff.iter().any(|r| session.actor.has(*r)) {
        return refuse(StatusCode::FORBIDDEN, DomainError::new(ErrorCode::Forbidden).into());
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return refuse(StatusCode::NOT_FOUND, DomainError::new(ErrorCode::NotFound).into());
    };
    let result = async {
        let mut tx = session.tx().await?;
        let (_, html) = polku_store::letters::html(&mut tx, id).await?;
        Ok::<_, ApiError>(html)
    }
    .await;
    match result {
        Ok(html) => match session.commit_now().await {
            Ok(()) => Html(html).into_response(),
            Err(e) => refuse(StatusCode::SERVICE_UNAVAILABLE, e),
        },
        Err(e) => {
            let status = match e.code() {
                ErrorCode::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            refuse(status, e)
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    header(headers, "authorization")
        .map(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).unwrap_or(v).trim())
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// The W3C trace id from `traceparent`, or a fresh one, so an error message's
/// trace id always finds the log line.
fn trace_id(headers: &HeaderMap) -> String {
    headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split('-').nth(1))
        .filter(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let request = request.into_inner();
    let trace_id = trace_id(&headers);
    let request_id = header(&headers, "x-request-id").map(str::to_string).unwrap_or_else(|| trace_id.clone());
    let accept_language = header(&headers, "accept-language");

    // Before the tenant is known, any of the three languages may answer.
    let mut context = RequestContext {
        session: None,
        lang: negotiate(None, accept_language, &Lang::ALL, Lang::Fi),
        localizer: state.localizer.clone(),
        request_id,
        trace_id,
        limits: state.limits,
    };

    let token = bearer(&headers);
    if let Some(token) = token {
        match authenticate(&state, token, &context.request_id).await {
            Ok((identity, session)) => {
                let (enabled, default) = match &session.tenant {
                    Some(t) => (t.enabled_languages.clone(), t.default_language),
                    None => (Lang::ALL.to_vec(), Lang::Fi),
                };
                context.lang = negotiate(identity.lang, accept_language, &enabled, default);
                context.session = Some(Arc::new(session));
            }
            Err(error) => return refuse(&context, error),
        }
    }

    let context = Arc::new(context);
    let tenant_id = context
        .session
        .as_ref()
        .and_then(|s| s.tenant.as_ref())
        .map(|t| t.id.to_string())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "graphql",
        otel.name = request.operation_name.as_deref().unwrap_or("anonymous"),
        graphql.operation.name = request.operation_name.as_deref().unwrap_or(""),
        tenant.id = %tenant_id,
        trace_id = %context.trace_id,
    );
    let request = context.clone().attach(request);
    let response = state.schema.execute(request).instrument(span).await;
    polku_graphql::finish(&context, response).await.into()
}

async fn authenticate(
    state: &AppState,
    token: &str,
    request_id: &str,
) -> Result<(Identity, Session), ApiError> {
    let mut identity = state.verifier.verify(token)?;
    identity.actor.request_id = Some(request_id.to_string());
    let tx = state.store.begin(&identity.actor).await?;
    Ok((identity, Session::new(tx)))
}

fn refuse(context: &RequestContext, error: ApiError) -> GraphQLResponse {
    let response = async_graphql::Response::from_errors(vec![error.into_request_error()]);
    polku_graphql::localize_response(response, context).into()
}
