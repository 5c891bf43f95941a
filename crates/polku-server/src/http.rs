//! The HTTP edge: `POST /graphql`, GraphiQL on `GET /graphql`, `/healthz` and
//! `/readyz`. A request goes: edge limits (size, time, rate) → token →
//! identity → tenant transaction → negotiated language → schema → commit →
//! localised errors.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::MultipartOptions;
use async_graphql::ParseRequestError;
use async_graphql_axum::GraphQLResponse;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use polku_domain::{DomainError, ErrorCode, Lang};
use polku_graphql::{ApiError, Clock, EventBus, Limits, PolkuSchema, RequestContext, Session};
use polku_i18n::{negotiate, Localizer};
use polku_store::pii::HetuVault;
use polku_store::Store;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

use crate::auth::{Identity, Verifier};
use crate::ratelimit::{Rate, RateLimiter};

/// What the edge refuses before any work is done: request sizes, time, and
/// request rates per signed-in user and per client address. API keys have
/// their own rate (`AppState::with_rate_limiter`), checked with the key.
#[derive(Clone, Copy, Debug)]
pub struct EdgeLimits {
    /// Largest body of any request but an upload.
    pub body_bytes: usize,
    /// Largest uploaded file; a multipart request may be this plus `body_bytes`.
    pub upload_bytes: usize,
    /// Time for a request, reading its body included.
    pub timeout: Duration,
    /// Time for an upload (multipart) request, the import included.
    pub upload_timeout: Duration,
    /// Requests per token subject; `None`: unlimited.
    pub user_rate: Option<Rate>,
    /// Requests per client address without a valid token; `None`: unlimited.
    pub anonymous_rate: Option<Rate>,
    /// Client address from the last `X-Forwarded-For` entry, not the peer.
    pub client_ip_from_forwarded: bool,
}

impl Default for EdgeLimits {
    /// The server's default sizes and times, without per-user or per-address
    /// rates: tests and benches drive one gateway as one user as fast as they
    /// can. The server sets the rates from its configuration.
    fn default() -> Self {
        EdgeLimits {
            body_bytes: 4 * 1024 * 1024,
            upload_bytes: 64 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            user_rate: None,
            anonymous_rate: None,
            client_ip_from_forwarded: false,
        }
    }
}

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
    /// WebSocket limits, the clock for their expiry, and open connections per caller.
    pub sockets: crate::ws::Sockets,
    /// Redis, when configured: its availability is a metric.
    redis: Option<redis::aio::ConnectionManager>,
    /// Set once the gateway is draining: readiness fails and WebSockets close.
    shutdown: Arc<tokio::sync::watch::Sender<bool>>,
    vault: HetuVault,
    edge: EdgeLimits,
    user_limiter: Option<RateLimiter>,
    anonymous_limiter: Option<RateLimiter>,
    /// Whether the main router serves `/metrics` (not when it has an address of its own).
    metrics_on_main: bool,
    /// Where "now" (and so each area's "today") comes from.
    pub clock: Clock,
}

impl AppState {
    pub fn new(store: Store, verifier: Verifier, limits: Limits, vault: HetuVault) -> AppState {
        let events = EventBus::in_process();
        AppState {
            schema: polku_graphql::build_schema(limits, vault.clone(), events.clone()),
            events,
            persisted_queries: crate::apq::QueryStore::default(),
            metrics: crate::metrics::Metrics::new(),
            sockets: crate::ws::Sockets::default(),
            redis: None,
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
            vault,
            store,
            verifier,
            localizer: Arc::new(Localizer::new()),
            limits,
            rate_limiter: RateLimiter::local(Rate::default()),
            edge: EdgeLimits::default(),
            user_limiter: None,
            anonymous_limiter: None,
            metrics_on_main: true,
            clock: Clock::system(),
        }
    }

    /// Reads the time from `clock` (a test's settable one) instead of the system's.
    pub fn with_clock(mut self, clock: Clock) -> AppState {
        self.clock = clock;
        self
    }

    /// Applies `edge`'s limits; its rates are kept in Redis when the state
    /// has it (`with_redis`), else per replica.
    pub fn with_edge_limits(mut self, edge: EdgeLimits) -> AppState {
        self.edge = edge;
        self.user_limiter = self.edge_limiter(edge.user_rate);
        self.anonymous_limiter = self.edge_limiter(edge.anonymous_rate);
        self
    }

    fn edge_limiter(&self, rate: Option<Rate>) -> Option<RateLimiter> {
        rate.map(|rate| match &self.redis {
            Some(redis) => RateLimiter::with_redis(rate, redis.clone()),
            None => RateLimiter::local(rate),
        })
    }

    /// `/metrics` is served by `metrics_router` on an address of its own,
    /// and no longer by the main router.
    pub fn with_metrics_apart(mut self) -> AppState {
        self.metrics_on_main = false;
        self
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
    /// The per-user and per-address rates are then shared through Redis too.
    pub fn with_redis(mut self, redis: redis::aio::ConnectionManager) -> AppState {
        self.redis = Some(redis);
        let edge = self.edge;
        self.with_edge_limits(edge)
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

    /// Applies these WebSocket limits (and clock).
    pub fn with_sockets(mut self, sockets: crate::ws::Sockets) -> AppState {
        self.sockets = sockets;
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

/// The gateway: its routes inside the edge's layers.
pub fn router(state: AppState) -> Router {
    with_edge(routes(state.metrics_on_main), state)
}

/// The gateway's routes, without the edge's layers (`with_edge` adds them).
pub fn routes(with_metrics: bool) -> Router<AppState> {
    let routes = Router::new()
        .route("/", get(|| async { Redirect::to("/graphql") }))
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(subscriptions))
        .route("/graphiql/assets/{file}", get(graphiql_asset))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/letters/{id}", get(letter))
        .route("/agreements/{id}", get(agreement))
        .route("/dashboard", get(dashboard))
        .route("/week", get(week));
    if with_metrics {
        routes.route("/metrics", get(metrics))
    } else {
        routes
    }
}

/// `/metrics` alone, for its own address (`POLKU_METRICS_ADDR`).
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(state)
}

/// Wraps `routes` in the edge's layers. From the outside in:
/// 1. refusals of the layers below become localised, coded errors;
/// 2. a panic becomes a 500 with the generic internal error (its text is
///    never sent);
/// 3. the rate per signed-in user, else per client address;
/// 4. the body limit (413 before reading past it; at once when the
///    `Content-Length` says so) and the timeout (408), both by kind of
///    request: uploads get their own, larger ones.
///
/// Tests wrap the real routes plus a route of their own with this same
/// function, so test-only routes never reach production.
pub fn with_edge(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(from_fn_with_state(state.clone(), limit_size_and_time))
        .layer(from_fn_with_state(state.clone(), rate_limit))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(from_fn_with_state(state.clone(), localise_refusals))
        .with_state(state)
}

/// A multipart request: the GraphQL upload of the transfer file.
fn is_upload(headers: &HeaderMap) -> bool {
    header(headers, "content-type")
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Applies the body limit and the timeout for this kind of request (tower-
/// http's layers, chosen per request because an upload's limits differ).
async fn limit_size_and_time(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let edge = state.edge;
    let (bytes, timeout) = if is_upload(request.headers()) {
        (edge.upload_bytes.saturating_add(edge.body_bytes), edge.upload_timeout)
    } else {
        (edge.body_bytes, edge.timeout)
    };
    let service = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .map_request(|r: Request<tower_http::body::Limited<Body>>| r.map(Body::new))
        .service(next);
    match service.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// Paths whose callers are rate-limited: the API, its WebSocket and the
/// letters. Static pages, probes and metrics are not.
fn is_rate_limited(path: &str) -> bool {
    path == "/graphql" || path == "/graphql/ws" || path.starts_with("/letters/")
}

/// Requests per signed-in user (the token's subject) or, without a valid
/// token, per client address; checked before the body is read. A partner's
/// API key is limited per key once the key is checked (`authenticate_key`).
async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_rate_limited(path) || api_key(request.headers()).is_some() {
        return next.run(request).await;
    }
    let (limiter, key) = match bearer(request.headers()).and_then(|t| state.verifier.verify(t).ok()) {
        Some(identity) => (&state.user_limiter, format!("user:{}", digest(&identity.actor.subject))),
        None => (
            &state.anonymous_limiter,
            format!("anon:{}", digest(&client_address(&request, state.edge.client_ip_from_forwarded))),
        ),
    };
    if let Some(limiter) = limiter {
        if let Err(wait_ms) = limiter.check(&key).await {
            let seconds = wait_ms.div_ceil(1000).max(1);
            let error = DomainError::new(ErrorCode::RateLimited).with_arg("value", seconds);
            let mut response = refusal(&state, request.headers(), path, StatusCode::TOO_MANY_REQUESTS, error);
            response.headers_mut().insert("retry-after", seconds.into());
            return response;
        }
    }
    next.run(request).await
}

/// A short hash, so Redis holds neither user ids nor addresses.
fn digest(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The caller's address for the anonymous rate: the peer (or the last
/// `X-Forwarded-For` entry, behind a proxy that appends it). An IPv6
/// address counts by its /64, which one host can hold whole.
fn client_address(request: &Request, from_forwarded: bool) -> String {
    let forwarded = from_forwarded
        .then(|| header(request.headers(), "x-forwarded-for"))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    let peer = || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match forwarded.or_else(peer) {
        Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Some(ip) => ip.to_string(),
        // Driven in process, with no connection.
        None => "unknown".to_string(),
    }
}

/// Marks the response `CatchPanicLayer` makes of a panic.
#[derive(Clone, Copy)]
struct Panicked;

fn panicked(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(Panicked);
    response
}

/// Gives the bare refusals of the layers below (413, 408, a panic's 500) a
/// localised, coded body: a GraphQL error on `/graphql`, plain text elsewhere.
async fn localise_refusals(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut headers = HeaderMap::new();
    for name in ["accept-language", "content-type", "traceparent", "x-request-id"] {
        if let Some(v) = request.headers().get(name) {
            headers.insert(name, v.clone());
        }
    }
    let response = next.run(request).await;
    let status = response.status();
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = if is_upload(&headers) { state.edge.upload_bytes } else { state.edge.body_bytes };
            DomainError::new(ErrorCode::PayloadTooLarge).with_arg("value", size(limit))
        }
        StatusCode::REQUEST_TIMEOUT => {
            let limit = if is_upload(&headers) { state.edge.upload_timeout } else { state.edge.timeout };
            DomainError::new(ErrorCode::RequestTimeout).with_arg("value", limit.as_secs())
        }
        StatusCode::INTERNAL_SERVER_ERROR if response.extensions().get::<Panicked>().is_some() => {
            let trace = trace_id(&headers);
            tracing::error!(trace_id = %trace, url.path = %path, "request handler panicked");
            DomainError::new(ErrorCode::Internal).with_arg("trace", trace)
        }
        _ => return response,
    };
    refusal(&state, &headers, &path, status, error)
}

/// `bytes` for people: "4 MiB", "512 KiB", "100 B".
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

/// A refusal at the edge in the caller's language (`Accept-Language`).
fn refusal(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    error: DomainError,
) -> Response {
    let lang = negotiate(None, header(headers, "accept-language"), &Lang::ALL, Lang::Fi);
    let mut response = if path.starts_with("/graphql") {
        let trace_id = trace_id(headers);
        let context = RequestContext {
            session: None,
            lang,
            localizer: state.localizer.clone(),
            request_id: request_id(headers, &trace_id),
            trace_id,
            limits: state.limits,
            now: state.clock.now(),
        };
        refuse(&context, error.into()).into_response()
    } else {
        (
            [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            state.localizer.error(lang, &error),
        )
            .into_response()
    };
    *response.status_mut() = status;
    response
}

const DASHBOARD: &str = include_str!("../assets/dashboard.html");
const WEEK: &str = include_str!("../assets/week.html");

/// The key-figure dashboard: a static page in the chosen language (`?lang=`,
/// else the browser's) that signs in with a token and reads the same
/// GraphQL API as any BI tool. It holds no data itself, so it is served
/// without authentication; everything it shows comes through `/graphql`.
async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    static_page(&state, &headers, &params, DASHBOARD, "dashboard-")
}

/// A coach's week (`?coach=<staff id>&week=2026-W49`): a static page like the
/// dashboard, reading `coachAppointments`, `workingHours` and the customers'
/// names through `/graphql` with the caller's own token. The server does not
/// read the coach or the week: the page does, so the API's checks (roles, the
/// area's rows) are the only ones.
async fn week(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    static_page(&state, &headers, &params, WEEK, "week-")
}

/// One of the gateway's own pages in the chosen language (`?lang=`, else the
/// browser's): `{{LANG}}` and `{{LABELS_JSON}}` (every message starting with
/// `prefix`) filled in. The page may run only its own inline script and
/// reach only this origin.
fn static_page(
    state: &AppState,
    headers: &HeaderMap,
    params: &std::collections::HashMap<String, String>,
    template: &str,
    prefix: &str,
) -> Response {
    let chosen = params.get("lang").and_then(|l| Lang::parse(l).ok());
    let lang = negotiate(chosen, header(headers, "accept-language"), &Lang::ALL, Lang::Fi);
    let labels = state.localizer.messages_with_prefix(lang, prefix);
    // JSON inside a <script>: `<` escaped so no label can close the element.
    let json = serde_json::to_string(&labels).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c");
    let page = template.replace("{{LANG}}", lang.code()).replace("{{LABELS_JSON}}", &json);
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

/// GraphiQL, from files embedded in the binary (`assets/graphiql`, see its
/// README): no public CDN, and scripts and styles only from this origin.
const GRAPHIQL_PAGE: &str = include_str!("../assets/graphiql/index.html");

/// GraphiQL's styles carry their fonts and icons as `data:` URLs.
const GRAPHIQL_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; font-src data:; \
                            img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
                            base-uri 'none'; form-action 'none'";

async fn graphiql() -> Response {
    (
        [
            (axum::http::header::CONTENT_SECURITY_POLICY, GRAPHIQL_CSP),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (axum::http::header::REFERRER_POLICY, "no-referrer"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        Html(GRAPHIQL_PAGE),
    )
        .into_response()
}

async fn graphiql_asset(Path(file): Path<String>) -> Response {
    const JS: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (include_bytes!("../assets/graphiql/graphiql.min.js"), JS),
        "graphiql.min.css" => (include_bytes!("../assets/graphiql/graphiql.min.css"), CSS),
        "react.production.min.js" => (include_bytes!("../assets/graphiql/react.production.min.js"), JS),
        "react-dom.production.min.js" => {
            (include_bytes!("../assets/graphiql/react-dom.production.min.js"), JS)
        }
        "init.js" => (include_bytes!("../assets/graphiql/init.js"), JS),
        "page.css" => (include_bytes!("../assets/graphiql/page.css"), CSS),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // The names carry no version: an hour, so an upgrade shows soon.
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A letter holds personal data: never cached, never sniffed, and its HTML
/// may use only its own inline `<style>` (no scripts, images or fetches).
const LETTER_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// A stored letter as printable HTML, for the same bearer token as the API.
/// Refusals are plain text in the caller's language.
/// A printable page of one record: a customer's letter (staff) or a
/// tripartite agreement (staff and the agreement's partner).
#[derive(Clone, Copy)]
enum Printable {
    Letter,
    Agreement,
}

async fn letter(state: State<AppState>, headers: HeaderMap, id: Path<String>) -> Response {
    printable(state, headers, id, Printable::Letter).await
}

async fn agreement(state: State<AppState>, headers: HeaderMap, id: Path<String>) -> Response {
    printable(state, headers, id, Printable::Agreement).await
}

async fn printable(
    state: State<AppState>,
    headers: HeaderMap,
    id: Path<String>,
    what: Printable,
) -> Response {
    let mut response = printable_page(state, headers, id, what).await;
    let headers = response.headers_mut();
    headers.insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    headers
        .insert(axum::http::header::X_CONTENT_TYPE_OPTIONS, axum::http::HeaderValue::from_static("nosniff"));
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(LETTER_CSP),
    );
    headers.insert(axum::http::header::REFERRER_POLICY, axum::http::HeaderValue::from_static("no-referrer"));
    response
}

async fn printable_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    what: Printable,
) -> Response {
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
    let request_id = request_id(&headers, &trace_id(&headers));
    let (_, session) = match authenticate(&state, token, &request_id).await {
        Ok(ok) => ok,
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, e),
    };
    let allowed = session.actor.roles.iter().any(|r| match what {
        Printable::Letter => r.is_case_staff(),
        Printable::Agreement => r.is_case_staff() || *r == polku_domain::Role::Partner,
    });
    if !allowed {
        return refuse(StatusCode::FORBIDDEN, DomainError::new(ErrorCode::Forbidden).into());
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return refuse(StatusCode::NOT_FOUND, DomainError::new(ErrorCode::NotFound).into());
    };
    let result = async {
        let mut tx = session.tx().await?;
        let html = match what {
            Printable::Letter => polku_store::letters::html(&mut tx, id).await?.1,
            Printable::Agreement => {
                let p = polku_store::agreements::printed(&mut tx, id).await?;
                crate::print::agreement_html(&state.localizer, &p)
            }
        };
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

/// The caller's `X-Request-Id` when it is 1–64 characters of `[A-Za-z0-9._-]`,
/// else the trace id: the id goes into logs and the audit trail, so it must
/// not carry line breaks, markup or unbounded text.
fn request_id(headers: &HeaderMap, trace_id: &str) -> String {
    header(headers, "x-request-id")
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .unwrap_or(trace_id)
        .to_string()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn graphql(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let started = std::time::Instant::now();
    let request = match read_request(&state, &headers, body).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let operation = request.operation_name.clone();
    let (response, ok) = execute(&state, &headers, request).await;
    state.metrics.observe(operation.as_deref(), ok, started.elapsed());
    response
}

/// Reads one GraphQL request. The body arrives cut at its limit
/// (`limit_size_and_time`); a JSON body is read whole (so the limit bounds
/// it), a multipart one is streamed, each file spooled to a temporary file
/// of at most the upload limit, which the import then reads from disk.
async fn read_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<async_graphql::Request, Response> {
    use futures::TryStreamExt;
    // Whether the body was cut at the limit: the parser sees only an I/O error.
    let cut = Arc::new(AtomicBool::new(false));
    let seen = cut.clone();
    let body = body
        .into_data_stream()
        .map_err(move |e| {
            if is_length_limit(&e) {
                seen.store(true, Ordering::Relaxed);
            }
            std::io::Error::other(e)
        })
        .into_async_read();
    let options = MultipartOptions::default().max_file_size(state.edge.upload_bytes);
    match async_graphql::http::receive_body(header(headers, "content-type"), body, options).await {
        Ok(request) => Ok(request),
        Err(ParseRequestError::PayloadTooLarge) => Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
        Err(_) if cut.load(Ordering::Relaxed) => Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
        Err(e) => {
            let error = DomainError::new(ErrorCode::BadRequest).with_arg("value", e);
            Err(refusal(state, headers, "/graphql", StatusCode::BAD_REQUEST, error))
        }
    }
}

/// Whether `error` is (or wraps) the body limit's.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// Runs one GraphQL request; says whether it went without errors.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    mut request: async_graphql::Request,
) -> (Response, bool) {
    let trace_id = trace_id(headers);
    let request_id = request_id(headers, &trace_id);
    let accept_language = header(headers, "accept-language");

    // Before the tenant is known, any of the three languages may answer.
    let mut context = RequestContext {
        session: None,
        lang: negotiate(None, accept_language, &Lang::ALL, Lang::Fi),
        localizer: state.localizer.clone(),
        request_id,
        trace_id,
        limits: state.limits,
        now: state.clock.now(),
    };

    let registration = match state.persisted_queries.resolve(&mut request).await {
        Ok(registration) => registration,
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
    };

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
    // Only an authenticated caller's query text is kept; anyone may use a kept one.
    if let Some(registration) = registration.filter(|_| context.session.is_some()) {
        state.persisted_queries.register(registration).await;
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

/// The read and write buffer of each WebSocket.
const WS_BUFFER: usize = 8 * 1024;

/// Subscriptions over WebSocket (`graphql-transport-ws`, and the older
/// `graphql-ws`). The client authenticates in `connection_init` with
/// `{"authorization": "Bearer …"}` (or `{"token": "…"}`): the same tokens
/// as queries; a connection without a valid one is closed. Time limits,
/// caps and expiry: `crate::ws`.
async fn subscriptions(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    // On shutdown the client's side of the conversation ends, the
    // subscriptions stop, and the client gets a proper close frame.
    let draining = state.draining();
    let kind = crate::ws::protocol(&headers);
    let connection = crate::ws::Connection {
        lang: negotiate(None, header(&headers, "accept-language"), &Lang::ALL, Lang::Fi),
        schema: state.schema,
        verifier: state.verifier,
        store: state.store,
        localizer: state.localizer,
        sockets: state.sockets,
    };
    // Subscription messages are small and rare: buffers of 8 KiB (the
    // default is 128 KiB each way) keep an idle socket cheap; a larger
    // message still arrives, read in more pieces.
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .read_buffer_size(WS_BUFFER)
        .write_buffer_size(WS_BUFFER)
        .on_upgrade(move |socket| crate::ws::serve(socket, protocol, kind, connection, draining))
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
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
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
    let mut identity = state.verifier.verify_latest(token).await?;
    identity.actor.request_id = Some(request_id.to_string());
    let tx = state.store.begin(&identity.actor).await?;
    Ok((identity, Session::new(tx)))
}

fn refuse(context: &RequestContext, error: ApiError) -> GraphQLResponse {
    let response = async_graphql::Response::from_errors(vec![error.into_request_error()]);
    polku_graphql::localize_response(response, context).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_safe_request_id_is_kept() {
        let with = |id: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-request-id", id.parse().unwrap());
            request_id(&headers, "trace")
        };
        assert_eq!(with("req-1.2_3"), "req-1.2_3");
        assert_eq!(with(&"a".repeat(64)), "a".repeat(64));
        for unsafe_id in ["", "has space", "<script>", "a\tb", "x;drop", &"a".repeat(65)] {
            assert_eq!(with(unsafe_id), "trace", "{unsafe_id:?}");
        }
        assert_eq!(request_id(&HeaderMap::new(), "trace"), "trace");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(4 * 1024 * 1024), "4 MiB");
        assert_eq!(size(1024), "1 KiB");
        assert_eq!(size(100), "100 B");
    }
}
