//! The HTTP edge: `POST /graphql`, GraphiQL on `GET /graphql`, `/healthz` and
//! `/readyz`. A request goes: token → identity → tenant transaction →
//! negotiated language → schema → commit → localised errors.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use polku_domain::{DomainError, ErrorCode, Lang};
use polku_graphql::{ApiError, EventBus, Limits, PolkuSchema, RequestContext, Session, Subscriber};
use polku_i18n::{negotiate, Localizer};
use polku_store::pii::HetuVault;
use polku_store::Store;
use tracing::Instrument;

use crate::auth::{Identity, Verifier};
use crate::ratelimit::{Rate, RateLimiter};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: PolkuSchema,
    pub store: Store,
    pub verifier: Verifier,
    pub localizer: Arc<Localizer>,
    pub limits: Limits,
    pub rate_limiter: RateLimiter,
    pub events: EventBus,
    pub persisted_queries: crate::apq::QueryStore,
    pub metrics: crate::metrics::Metrics,
    /// Redis, when configured: its availability is a metric.
    redis: Option<redis::aio::ConnectionManager>,
    /// Set once the gateway is draining: readiness fails and WebSockets close.
    shutdown: Arc<tokio::sync::watch::Sender<bool>>,
    vault: HetuVault,
}

impl AppState {
    pub fn new(store: Store, verifier: Verifier, limits: Limits, vault: HetuVault) -> AppState {
        let events = EventBus::in_process();
        AppState {
            schema: polku_graphql::build_schema(limits, vault.clone(), events.clone()),
            events,
            persisted_queries: crate::apq::QueryStore::default(),
            metrics: crate::metrics::Metrics::new(),
            redis: None,
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
            vault,
            store,
            verifier,
            localizer: Arc::new(Localizer::new()),
            limits,
            rate_limiter: RateLimiter::local(Rate::default()),
        }
    }

    /// Limits API-key requests with this limiter (shared through Redis when
    /// it has a connection).
    pub fn with_rate_limiter(mut self, limiter: RateLimiter) -> AppState {
        self.rate_limiter = limiter;
        self
    }

    /// Starts draining: `/readyz` turns not-ready so no new traffic comes,
    /// and open WebSockets are closed with a close frame.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Resolves once draining has begun.
    pub fn draining(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown.subscribe();
        async move {
            let _ = rx.wait_for(|draining| *draining).await;
        }
    }

    fn is_draining(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Reports Redis's availability on `/metrics`.
    pub fn with_redis(mut self, redis: redis::aio::ConnectionManager) -> AppState {
        self.redis = Some(redis);
        self
    }

    /// Whether Redis answers a ping within half a second; `None` without Redis.
    pub async fn redis_up(&self) -> Option<bool> {
        let mut redis = self.redis.clone()?;
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut redis);
        Some(matches!(tokio::time::timeout(std::time::Duration::from_millis(500), ping).await, Ok(Ok(_))))
    }

    /// Keeps persisted queries in `store` (Redis-backed when it has it).
    pub fn with_persisted_queries(mut self, store: crate::apq::QueryStore) -> AppState {
        self.persisted_queries = store;
        self
    }

    /// Uses `vault` for identity codes (after a key rotation, say).
    pub fn with_vault(mut self, vault: HetuVault) -> AppState {
        self.schema = polku_graphql::build_schema(self.limits, vault.clone(), self.events.clone());
        self.vault = vault;
        self
    }

    /// Publishes committed changes on `events` (relayed through Redis when
    /// the server has it).
    pub fn with_event_bus(mut self, events: EventBus) -> AppState {
        self.schema = polku_graphql::build_schema(self.limits, self.vault.clone(), events.clone());
        self.events = events;
        self
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/graphql") }))
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(subscriptions))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/letters/{id}", get(letter))
        .route("/dashboard", get(dashboard))
        .with_state(state)
}

const DASHBOARD: &str = include_str!("../assets/dashboard.html");

/// The key-figure dashboard: a static page in the chosen language (`?lang=`,
/// else the browser's) that signs in with a token and reads the same
/// GraphQL API as any BI tool. It holds no data itself, so it is served
/// without authentication; everything it shows comes through `/graphql`.
async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let chosen = params.get("lang").and_then(|l| Lang::parse(l).ok());
    let lang = negotiate(chosen, header(&headers, "accept-language"), &Lang::ALL, Lang::Fi);
    let labels = state.localizer.messages_with_prefix(lang, "dashboard-");
    // JSON inside a <script>: `<` escaped so no label can close the element.
    let json = serde_json::to_string(&labels).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c");
    let page = DASHBOARD.replace("{{LANG}}", lang.code()).replace("{{LABELS_JSON}}", &json);
    (
        [
            (axum::http::header::CACHE_CONTROL, "no-store"),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (axum::http::header::REFERRER_POLICY, "no-referrer"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; \
                 form-action 'self'",
            ),
        ],
        Html(page),
    )
        .into_response()
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
    if !session.actor.roles.iter().any(|r| r.is_case_staff()) {
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

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state).await;
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.is_draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response()
    } else if state.store.ping().await {
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

async fn graphql(State(state): State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> Response {
    let started = std::time::Instant::now();
    let request = request.into_inner();
    let operation = request.operation_name.clone();
    let (response, ok) = execute(&state, &headers, request).await;
    state.metrics.observe(operation.as_deref(), ok, started.elapsed());
    response
}

/// Runs one GraphQL request; says whether it went without errors.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    mut request: async_graphql::Request,
) -> (Response, bool) {
    let trace_id = trace_id(headers);
    let request_id = header(headers, "x-request-id").map(str::to_string).unwrap_or_else(|| trace_id.clone());
    let accept_language = header(headers, "accept-language");

    // Before the tenant is known, any of the three languages may answer.
    let mut context = RequestContext {
        session: None,
        lang: negotiate(None, accept_language, &Lang::ALL, Lang::Fi),
        localizer: state.localizer.clone(),
        request_id,
        trace_id,
        limits: state.limits,
    };

    match state.persisted_queries.resolve(&mut request).await {
        Ok(()) => {}
        Err(crate::apq::ApqError::NotFound) => {
            return (
                refuse(&context, DomainError::new(ErrorCode::PersistedQueryNotFound).into()).into_response(),
                false,
            )
        }
        Err(crate::apq::ApqError::Invalid(why)) => {
            let error = DomainError::new(ErrorCode::BadRequest).with_arg("value", why);
            return (refuse(&context, error.into()).into_response(), false);
        }
    }

    if let Some(key) = api_key(headers) {
        match authenticate_key(state, key, &context.request_id).await {
            Ok(session) => enter(&mut context, session, None, accept_language),
            Err(KeyRefusal::Limited(wait_ms)) => {
                let seconds = wait_ms.div_ceil(1000).max(1);
                let error = DomainError::new(ErrorCode::RateLimited).with_arg("value", seconds);
                let mut response = refuse(&context, error.into()).into_response();
                *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                response.headers_mut().insert("retry-after", seconds.into());
                return (response, false);
            }
            Err(KeyRefusal::Error(e)) => return (refuse(&context, e).into_response(), false),
        }
    } else if let Some(token) = bearer(headers) {
        match authenticate(state, token, &context.request_id).await {
            Ok((identity, session)) => enter(&mut context, session, identity.lang, accept_language),
            Err(error) => return (refuse(&context, error).into_response(), false),
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
    crate::telemetry::continue_trace(&span, headers);
    let request = context.clone().attach(request);
    let response = state.schema.execute(request).instrument(span).await;
    let response = polku_graphql::finish(&context, &state.events, response).await;
    let ok = response.errors.is_empty();
    (GraphQLResponse::from(response).into_response(), ok)
}

/// Subscriptions over WebSocket (`graphql-transport-ws`, and the older
/// `graphql-ws`). The client authenticates in `connection_init` with
/// `{"authorization": "Bearer …"}` (or `{"token": "…"}`): the same tokens
/// as queries; a connection without a valid one is closed.
async fn subscriptions(
    State(state): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let draining = state.draining();
    let AppState { schema, verifier, store, .. } = state;
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        use futures::{SinkExt, StreamExt};
        let (mut sink, stream) = socket.split();
        // On shutdown the client's side of the conversation ends, the
        // subscriptions stop, and the client gets a proper close frame.
        let stream = stream.take_until(draining);
        async_graphql_axum::GraphQLWebSocket::new_with_pair(&mut sink, stream, schema, protocol)
            .on_connection_init(move |payload| async move {
                let token = payload
                    .get("authorization")
                    .or_else(|| payload.get("Authorization"))
                    .or_else(|| payload.get("token"))
                    .and_then(|v| v.as_str())
                    .map(|t| t.strip_prefix("Bearer ").unwrap_or(t).trim().to_string())
                    .ok_or_else(|| async_graphql::Error::new("UNAUTHENTICATED"))?;
                let actor = match polku_store::api_keys::PresentedKey::parse(&token) {
                    // A partner's API key serves subscriptions too.
                    Some(key) => {
                        let partner = polku_store::api_keys::check(&store, &key)
                            .await
                            .map_err(|e| async_graphql::Error::new(e.code().as_str()))?;
                        key.actor(partner)
                    }
                    None => {
                        verifier.verify(&token).map_err(|_| async_graphql::Error::new("INVALID_TOKEN"))?.actor
                    }
                };
                let mut data = async_graphql::Data::default();
                data.insert(Subscriber {
                    subject: actor.subject,
                    roles: actor.roles,
                    tenant: actor.tenant.map(|t| t.as_str().to_string()),
                    partner_id: actor.partner_id,
                });
                Ok(data)
            })
            .serve()
            .await;
        let close = axum::extract::ws::CloseFrame { code: 1001, reason: "server shutting down".into() };
        let _ = sink.send(axum::extract::ws::Message::Close(Some(close))).await;
    })
}

/// Serves until `signal`, then drains: stops accepting, lets open requests
/// finish for at most `grace`, closes WebSockets with a close frame. Returns
/// whether everything finished within the grace period.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
    grace: std::time::Duration,
) -> std::io::Result<bool> {
    let draining = state.draining();
    let trigger = state.clone();
    let server = axum::serve(listener, router(state)).with_graceful_shutdown(async move {
        signal.await;
        tracing::info!("draining: no new connections, open requests may finish");
        trigger.begin_shutdown();
    });
    let server = async move { server.await };
    tokio::select! {
        served = server => served.map(|()| true),
        () = async move { draining.await; tokio::time::sleep(grace).await } => {
            tracing::warn!(grace_seconds = grace.as_secs(), "grace period over with requests still open; exiting");
            Ok(false)
        }
    }
}

/// Puts the caller's session on the request, answering in their language
/// (the token's claim, then `Accept-Language`) among the tenant's.
fn enter(
    context: &mut RequestContext,
    session: Session,
    claimed: Option<Lang>,
    accept_language: Option<&str>,
) {
    let (enabled, default) = match &session.tenant {
        Some(t) => (t.enabled_languages.clone(), t.default_language),
        None => (Lang::ALL.to_vec(), Lang::Fi),
    };
    context.lang = negotiate(claimed, accept_language, &enabled, default);
    context.session = Some(Arc::new(session));
}

/// A partner's API key, from `X-Api-Key`, `Authorization: ApiKey …`, or a
/// bearer token shaped like a key.
fn api_key(headers: &HeaderMap) -> Option<&str> {
    header(headers, "x-api-key")
        .or_else(|| header(headers, "authorization").and_then(|v| v.strip_prefix("ApiKey ")))
        .or_else(|| bearer(headers).filter(|t| t.starts_with("polku_")))
        .map(str::trim)
}

enum KeyRefusal {
    /// Over the key's rate: milliseconds until the next request may pass.
    Limited(u64),
    Error(ApiError),
}

impl<E: Into<ApiError>> From<E> for KeyRefusal {
    fn from(e: E) -> Self {
        KeyRefusal::Error(e.into())
    }
}

/// A partner organisation's request by API key: the key is checked (and its
/// use stamped) in its own transaction, then rate-limited, then the request
/// runs as the key's partner.
async fn authenticate_key(state: &AppState, text: &str, request_id: &str) -> Result<Session, KeyRefusal> {
    let key = polku_store::api_keys::PresentedKey::parse(text)
        .ok_or_else(|| ApiError::from(DomainError::new(ErrorCode::InvalidToken)))?;
    let partner = polku_store::api_keys::check(&state.store, &key).await?;
    state.rate_limiter.check(&key.key_id.simple().to_string()).await.map_err(KeyRefusal::Limited)?;
    let actor = polku_store::Actor { request_id: Some(request_id.to_string()), ..key.actor(partner) };
    Ok(Session::new(state.store.begin(&actor).await?))
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
