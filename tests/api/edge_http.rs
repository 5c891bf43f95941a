//! The HTTP edge refuses before it works: bodies over the limit (declared,
//! chunked or lied about), uploads over theirs, panics, callers over their
//! rate; and it sends safe headers (letters, GraphiQL) and safe request ids.
//! Each test drives the real routes inside the real edge layers
//! (`polku_server::http::with_edge`), with limits made tiny.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use polku_domain::Role;
use polku_server::http::{routes, with_edge, EdgeLimits};
use polku_server::ratelimit::Rate;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::harness::{token_for, TestApp};

/// Limits small enough to cross in a test.
fn tiny() -> EdgeLimits {
    EdgeLimits {
        body_bytes: 1024,
        upload_bytes: 4096,
        timeout: Duration::from_secs(30),
        upload_timeout: Duration::from_secs(30),
        user_rate: None,
        anonymous_rate: None,
        client_ip_from_forwarded: false,
    }
}

async fn gateway(edge: EdgeLimits) -> (TestApp, Router) {
    let app = TestApp::spawn().await;
    let state = app.new_state().with_edge_limits(edge);
    let router = with_edge(routes(true), state);
    (app, router)
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).to_string())
}

fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_string()
}

/// A body of `total` spaces in chunks of `chunk` bytes, counting what the
/// gateway pulls from it; no size hint, so it goes as a chunked body.
fn counted(total: usize, chunk: usize, pulled: Arc<AtomicUsize>) -> Body {
    let chunks = total.div_ceil(chunk);
    Body::from_stream(futures::stream::iter((0..chunks).map(move |_| {
        pulled.fetch_add(chunk, Ordering::SeqCst);
        Ok::<_, std::io::Error>(Bytes::from(vec![b' '; chunk]))
    })))
}

fn post_json() -> axum::http::request::Builder {
    Request::post("/graphql").header("content-type", "application/json").header("accept-language", "en")
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_refused_without_being_read() {
    let (_app, router) = gateway(tiny()).await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = counted(1 << 20, 4096, pulled.clone());
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("content-length", 1 << 20)
        .header("accept-language", "en")
        .body(body)
        .unwrap();
    let (status, _, text) = send(&router, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert_eq!(code(&text), "PAYLOAD_TOO_LARGE", "{text}");
    assert!(text.contains("1 KiB"), "the message names the limit: {text}");
    assert_eq!(pulled.load(Ordering::SeqCst), 0, "not a byte of the body was read");
}

#[tokio::test]
async fn a_chunked_body_is_cut_at_the_limit() {
    let (_app, router) = gateway(tiny()).await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = counted(1 << 20, 100, pulled.clone());
    let (status, _, text) = send(&router, post_json().body(body).unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert_eq!(code(&text), "PAYLOAD_TOO_LARGE", "{text}");
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(pulled <= 1024 + 200, "read {pulled} bytes of a 1 MiB body with a 1 KiB limit");
}

#[tokio::test]
async fn a_body_longer_than_its_content_length_is_cut_at_the_limit() {
    let (_app, router) = gateway(tiny()).await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = counted(1 << 20, 100, pulled.clone());
    let request = post_json().header("content-length", 100).body(body).unwrap();
    let (status, _, text) = send(&router, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert!(pulled.load(Ordering::SeqCst) <= 1024 + 200);
}

#[tokio::test]
async fn a_body_under_the_limit_still_runs() {
    let (_app, router) = gateway(tiny()).await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    let (status, _, text) = send(&router, post_json().body(Body::from(body)).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("\"__typename\""), "{text}");
}

fn multipart(token: &str, file: &[u8]) -> Request<Body> {
    let query = "mutation($file: Upload!) { importCustomers(file: $file, dryRun: true) { lines } }";
    crate::harness::upload_request(token, Some("en"), query, json!({}), "siirto.csv", file)
}

#[tokio::test]
async fn an_upload_has_its_own_larger_limit() {
    let (_app, router) = gateway(tiny()).await;
    let admin = token_for("admin-porvoo", "porvoo", &[Role::TenantAdmin]);

    // Over the JSON limit but within the upload's: it reaches the import.
    let mut file = b"hetu;sukunimi;etunimet\n".to_vec();
    file.resize(3000, b'x');
    let (status, _, text) = send(&router, multipart(&admin, &file)).await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert_ne!(code(&text), "PAYLOAD_TOO_LARGE", "{text}");

    // Over the upload's limit: refused, naming that limit.
    let (status, _, text) = send(&router, multipart(&admin, &vec![b'x'; 10_000])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert_eq!(code(&text), "PAYLOAD_TOO_LARGE", "{text}");
    assert!(text.contains("4 KiB"), "the message names the upload limit: {text}");
}

#[tokio::test]
async fn a_panic_is_a_generic_internal_error() {
    let app = TestApp::spawn().await;
    let state = app.new_state().with_edge_limits(tiny());
    let routes = routes(true).route(
        "/graphql/boom",
        get(|| async {
            if true {
                panic!("secret panic text: 010101-123N");
            }
            "unreachable"
        }),
    );
    let router = with_edge(routes, state);
    let request = Request::get("/graphql/boom").header("accept-language", "en").body(Body::empty()).unwrap();
    let (status, _, text) = send(&router, request).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{text}");
    assert_eq!(code(&text), "INTERNAL", "{text}");
    assert!(!text.contains("secret") && !text.contains("010101"), "the panic's text leaked: {text}");
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_stopped_with_a_coded_error() {
    let app = TestApp::spawn().await;
    let limits = EdgeLimits { timeout: Duration::from_secs(5), ..tiny() };
    let state = app.new_state().with_edge_limits(limits);
    let routes = routes(true).route("/graphql/stall", get(std::future::pending::<&'static str>));
    let router = with_edge(routes, state);
    // With the clock paused, tokio jumps to the timeout as soon as all is idle:
    // no waiting, and nothing depends on how fast the machine is.
    tokio::time::pause();
    let request = Request::get("/graphql/stall").header("accept-language", "en").body(Body::empty()).unwrap();
    let (status, _, text) = send(&router, request).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{text}");
    assert_eq!(code(&text), "REQUEST_TIMEOUT", "{text}");
}

fn typename(token: Option<&str>, peer: Option<&str>) -> Request<Body> {
    let mut request = post_json();
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let mut request = request.body(Body::from(json!({ "query": "{ __typename }" }).to_string())).unwrap();
    if let Some(ip) = peer {
        let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    request
}

/// Two requests, then the bucket is empty for a long while.
fn two_then_wait() -> Option<Rate> {
    Some(Rate { per_second: 0.001, burst: 2.0 })
}

#[tokio::test]
async fn a_signed_in_user_is_rate_limited_per_subject() {
    let (_app, router) = gateway(EdgeLimits { user_rate: two_then_wait(), ..tiny() }).await;
    let coach = token_for("coach-a", "porvoo", &[Role::Coach]);
    let other = token_for("coach-b", "porvoo", &[Role::Coach]);
    for _ in 0..2 {
        let (status, _, text) = send(&router, typename(Some(&coach), None)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let (status, headers, text) = send(&router, typename(Some(&coach), None)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{text}");
    assert_eq!(code(&text), "RATE_LIMITED", "{text}");
    assert!(text.contains("Too many requests"), "localised: {text}");
    assert!(headers.get("retry-after").is_some());
    let (status, _, text) = send(&router, typename(Some(&other), None)).await;
    assert_eq!(status, StatusCode::OK, "another user has a bucket of their own: {text}");
}

#[tokio::test]
async fn anonymous_callers_are_rate_limited_per_address() {
    let (_app, router) = gateway(EdgeLimits { anonymous_rate: two_then_wait(), ..tiny() }).await;
    for _ in 0..2 {
        let (status, _, text) = send(&router, typename(None, Some("192.0.2.1"))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    let (status, _, text) = send(&router, typename(None, Some("192.0.2.1"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{text}");
    assert_eq!(code(&text), "RATE_LIMITED", "{text}");
    // A token that does not verify is no way around it.
    let (status, _, _) = send(&router, typename(Some("not-a-token"), Some("192.0.2.1"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, text) = send(&router, typename(None, Some("192.0.2.2"))).await;
    assert_eq!(status, StatusCode::OK, "another address has a bucket of its own: {text}");
    // An IPv6 host counts by its /64.
    for _ in 0..2 {
        send(&router, typename(None, Some("[2001:db8::1]"))).await;
    }
    let (status, _, _) = send(&router, typename(None, Some("[2001:db8::ffff]"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_letter_is_never_cached_sniffed_or_scripted() {
    let (_app, router) = gateway(tiny()).await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    for request in [
        Request::get(format!("/letters/{}", uuid::Uuid::new_v4()))
            .header("authorization", format!("Bearer {coach}"))
            .body(Body::empty())
            .unwrap(),
        Request::get(format!("/letters/{}", uuid::Uuid::new_v4())).body(Body::empty()).unwrap(),
    ] {
        let (status, headers, _) = send(&router, request).await;
        assert!(status.is_client_error(), "{status}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(!csp.contains("script-src"), "{csp}");
    }
}

#[tokio::test]
async fn graphiql_is_served_from_the_gateway_itself() {
    let (_app, router) = gateway(tiny()).await;
    let request = Request::get("/graphql").header("accept", "text/html").body(Body::empty()).unwrap();
    let (status, headers, page) = send(&router, request).await;
    assert_eq!(status, StatusCode::OK);
    for host in ["http:", "https:", "//unpkg", "//cdn", "jsdelivr"] {
        assert!(!page.contains(host), "the page loads from {host}: {page}");
    }
    assert!(!page.contains("<script>"), "no inline script: {page}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");

    let assets: Vec<&str> = page.split(['"', '\'']).filter(|s| s.starts_with("/graphiql/assets/")).collect();
    assert!(assets.len() >= 5, "{assets:?}");
    for asset in assets {
        let (status, headers, body) = send(&router, Request::get(asset).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(body.len() > 50, "{asset}");
        let kind = headers["content-type"].to_str().unwrap();
        let expected = if asset.ends_with(".js") { "text/javascript" } else { "text/css" };
        assert!(kind.starts_with(expected), "{asset}: {kind}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    let (status, _, _) =
        send(&router, Request::get("/graphiql/assets/..%2Fdashboard.html").body(Body::empty()).unwrap())
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_can_be_left_off_the_main_router() {
    let app = TestApp::spawn().await;
    let state = app.new_state().with_metrics_apart();
    let main = polku_server::router(state.clone());
    let (status, _, _) = send(&main, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let metrics = polku_server::http::metrics_router(state);
    let (status, _, _) = send(&metrics, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}
