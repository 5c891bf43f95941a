//! The edge's own refusals: tokens (required claims, `nbf`, key ids and the
//! JWKS refresh, the development secret next to a JWKS), WebSockets (token
//! expiry, key revocation, `connection_init` time, caps, queries sent over
//! the socket) and who may register a persisted query. No test sleeps:
//! socket expiry runs on a clock the test sets, the one time limit is tiny.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use polku_domain::Role;
use polku_server::auth::{dev_claims, mint_hs256, Verifier};
use polku_server::config::AuthConfig;
use polku_server::ws::{Clock, SocketLimits, Sockets};
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{data, error_code, error_message, TestApp};

/// A throwaway RSA key made for these tests, and its public half as a JWK.
const RSA_PEM: &str = include_str!("fixtures/jwt-test-rsa.pem");
const RSA_JWK: &str = include_str!("fixtures/jwt-test-rsa.jwk.json");
const SECRET: &[u8] = b"edge-auth-test-secret";
/// Long enough for a loaded machine; a test that waits this long has failed.
const PATIENCE: Duration = Duration::from_secs(60);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A coach's claims in Porvoo, valid for an hour, changed by `adjust`.
fn claims(adjust: impl FnOnce(&mut Value)) -> Value {
    let mut claims =
        serde_json::to_value(dev_claims("edge-user", Some("porvoo"), &[Role::Coach], None, None, None, 1))
            .unwrap();
    adjust(&mut claims);
    claims
}

fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(SECRET)).unwrap()
}

fn rs256(kid: Option<&str>, claims: &Value) -> String {
    let header = Header { kid: kid.map(str::to_string), ..Header::new(Algorithm::RS256) };
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap()).unwrap()
}

/// A JWKS with the test key under each of `kids`.
fn jwks(kids: &[&str]) -> Value {
    let jwk: Value = serde_json::from_str(RSA_JWK).unwrap();
    let keys: Vec<Value> = kids
        .iter()
        .map(|kid| {
            let mut key = jwk.clone();
            key["kid"] = json!(kid);
            key
        })
        .collect();
    json!({ "keys": keys })
}

/// An identity provider's JWKS endpoint on a loopback port, counting fetches.
struct JwksServer {
    url: String,
    keys: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
}

impl JwksServer {
    async fn start(kids: &[&str]) -> JwksServer {
        let keys = Arc::new(Mutex::new(jwks(kids)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get({
                let (keys, fetches) = (keys.clone(), fetches.clone());
                move || async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    axum::Json(keys.lock().unwrap().clone())
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        JwksServer { url, keys, fetches }
    }

    fn serve(&self, kids: &[&str]) {
        *self.keys.lock().unwrap() = jwks(kids);
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

/// A gateway on `app`'s database that verifies with `verifier`.
fn with_verifier(app: &TestApp, verifier: Verifier) -> TestApp {
    app.replica_with(move |mut state| {
        state.verifier = verifier;
        state
    })
}

const VIEWER: &str = "{ viewer { subject } }";

#[tokio::test]
async fn a_token_without_the_configured_audience_or_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let verifier =
        Verifier::new(Some(SECRET), None, Some("https://tunnistus.example.fi".into()), Some("polku".into()))
            .unwrap();
    let gateway = with_verifier(&app, verifier);
    let both = |c: &mut Value| {
        c["iss"] = json!("https://tunnistus.example.fi");
        c["aud"] = json!("polku");
    };

    let r = gateway.gql(Some(&hs256(&claims(both))), VIEWER, json!({})).await;
    assert_eq!(data(&r)["viewer"]["subject"], "edge-user");
    // Identity providers may give the audience as a list.
    let listed = claims(|c| {
        both(c);
        c["aud"] = json!(["polku", "another"]);
    });
    assert_eq!(
        data(&gateway.gql(Some(&hs256(&listed)), VIEWER, json!({})).await)["viewer"]["subject"],
        "edge-user"
    );

    for (what, token) in [
        ("no aud", hs256(&claims(|c| c["iss"] = json!("https://tunnistus.example.fi")))),
        ("no iss", hs256(&claims(|c| c["aud"] = json!("polku")))),
        (
            "another aud",
            hs256(&claims(|c| {
                both(c);
                c["aud"] = json!("someone-else");
            })),
        ),
    ] {
        let r = gateway.gql_lang(Some(&token), Some("fi"), VIEWER, json!({})).await;
        assert_eq!(error_code(&r), Some("INVALID_TOKEN"), "{what}: {r:#}");
        assert_eq!(error_message(&r), "Käyttöoikeustunniste ei kelpaa.", "{what}");
    }
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused_with_the_same_leeway_as_expiry() {
    let app = TestApp::spawn().await;
    let gateway = with_verifier(&app, Verifier::new(Some(SECRET), None, None, None).unwrap());
    let later = hs256(&claims(|c| c["nbf"] = json!(now() + 600)));
    let r = gateway.gql(Some(&later), VIEWER, json!({})).await;
    assert_eq!(error_code(&r), Some("INVALID_TOKEN"), "{r:#}");
    // A few seconds of clock skew pass, as they do for `exp`.
    let skewed = hs256(&claims(|c| c["nbf"] = json!(now() + 5)));
    assert_eq!(data(&gateway.gql(Some(&skewed), VIEWER, json!({})).await)["viewer"]["subject"], "edge-user");
}

#[tokio::test]
async fn a_token_must_name_a_known_key_and_an_unknown_one_refreshes_the_keys_at_most_so_often() {
    let idp = JwksServer::start(&["k1"]).await;
    let config = AuthConfig { jwks_url: Some(idp.url.clone()), ..AuthConfig::default() };
    let verifier = config.verifier().await.unwrap();
    assert_eq!(idp.fetches(), 1, "fetched at start-up");
    let token = |kid: Option<&str>| rs256(kid, &claims(|_| {}));

    assert_eq!(verifier.verify_latest(&token(Some("k1"))).await.unwrap().actor.subject, "edge-user");
    // No kid: refused, even though the set has a single key.
    assert_eq!(verifier.verify_latest(&token(None)).await.unwrap_err().code.as_str(), "INVALID_TOKEN");
    assert_eq!(idp.fetches(), 1);

    // The provider rotates, but made-up kids cannot make us fetch on every
    // request: within the interval (the start-up read counts) nothing is fetched.
    idp.serve(&["k1", "k2"]);
    for kid in ["k2", "k3", "k4"] {
        assert_eq!(
            verifier.verify_latest(&token(Some(kid))).await.unwrap_err().code.as_str(),
            "INVALID_TOKEN"
        );
    }
    assert_eq!(idp.fetches(), 1);
    // The scheduled refresh picks the new key up.
    verifier.refresh().await.unwrap();
    assert_eq!(idp.fetches(), 2);
    assert_eq!(verifier.verify_latest(&token(Some("k2"))).await.unwrap().actor.subject, "edge-user");

    // Past the interval (here none), an unknown kid makes one fetch, which
    // finds a rotated key; a kid still unknown after it is refused.
    let eager = AuthConfig { jwks_unknown_kid_interval_seconds: 0, ..config };
    let verifier = eager.verifier().await.unwrap();
    assert_eq!(idp.fetches(), 3);
    idp.serve(&["k5"]);
    assert_eq!(verifier.verify_latest(&token(Some("k5"))).await.unwrap().actor.subject, "edge-user");
    assert_eq!(idp.fetches(), 4);
    assert_eq!(verifier.verify_latest(&token(Some("k9"))).await.unwrap_err().code.as_str(), "INVALID_TOKEN");
    assert_eq!(idp.fetches(), 5);
    // A failed or empty read keeps the keys held.
    idp.serve(&[]);
    assert!(verifier.refresh().await.is_err());
    assert_eq!(verifier.verify_latest(&token(Some("k5"))).await.unwrap().actor.subject, "edge-user");

    // Through the gateway, a refused key is a coded, localised error.
    let app = TestApp::spawn().await;
    let gateway = with_verifier(&app, verifier);
    let r = gateway.gql_lang(Some(&token(Some("k9"))), Some("sv"), VIEWER, json!({})).await;
    assert_eq!(error_code(&r), Some("INVALID_TOKEN"));
    assert_eq!(error_message(&r), "Åtkomsttoken är inte giltig.");
}

#[tokio::test]
async fn a_jwks_with_the_development_secret_needs_an_explicit_flag() {
    let file = std::env::temp_dir().join(format!("polku-jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, jwks(&["k1"]).to_string()).unwrap();
    let config = AuthConfig {
        jwks_file: Some(file.clone()),
        dev_jwt_secret: Some(SecretString::from("dev-secret")),
        ..AuthConfig::default()
    };
    let refused = config.verifier().await.expect_err("JWKS and development secret without the flag");
    let message = format!("{refused:#}");
    assert!(message.contains("--allow-dev-secret-with-jwks"), "{message}");
    assert!(message.contains("POLKU_ALLOW_DEV_SECRET_WITH_JWKS"), "{message}");

    let allowed = AuthConfig { allow_dev_secret_with_jwks: true, ..config.clone() };
    let verifier = allowed.verifier().await.unwrap();
    let dev =
        mint_hs256(b"dev-secret", &dev_claims("dev", Some("porvoo"), &[Role::Coach], None, None, None, 1));
    assert_eq!(verifier.verify_latest(&dev.unwrap()).await.unwrap().actor.subject, "dev");
    assert_eq!(
        verifier.verify_latest(&rs256(Some("k1"), &claims(|_| {}))).await.unwrap().actor.subject,
        "edge-user"
    );

    // Either alone starts as before.
    AuthConfig { dev_jwt_secret: None, ..config.clone() }.verifier().await.unwrap();
    AuthConfig { jwks_file: None, ..config }.verifier().await.unwrap();
    let _ = std::fs::remove_file(file);
}

// ---- WebSockets ----

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A gateway with these socket limits and clock, taking this module's
/// tokens, served on a loopback port.
async fn socket_gateway(app: &TestApp, limits: SocketLimits, clock: &Clock) -> (TestApp, SocketAddr) {
    let sockets = Sockets::new(limits).with_clock(clock.clone());
    let verifier = Verifier::new(Some(SECRET), None, None, None).unwrap();
    let gateway = app.replica_with(move |mut state| {
        state.verifier = verifier;
        state.with_sockets(sockets)
    });
    let addr = gateway.serve().await;
    (gateway, addr)
}

async fn open(addr: SocketAddr) -> Socket {
    let mut request = format!("ws://{addr}/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    request.headers_mut().insert("accept-language", "en".parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.unwrap();
}

/// The next message: JSON, or the close frame's code and reason.
async fn next(socket: &mut Socket) -> Result<Value, (u16, String)> {
    let read = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(text.as_str()).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new())))
                }
                Some(Ok(_)) => continue,
                other => panic!("the socket ended without a close frame: {other:?}"),
            }
        }
    };
    tokio::time::timeout(PATIENCE, read).await.expect("an answer from the gateway")
}

/// Opens a socket and initialises it with `credential`.
async fn connect(addr: SocketAddr, credential: &str) -> Socket {
    let mut socket = open(addr).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {credential}") } }),
    )
    .await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    socket
}

/// Pings and reads up to the pong, checking nothing went wrong meanwhile.
async fn pong(socket: &mut Socket) {
    send(socket, json!({ "type": "ping" })).await;
    loop {
        let m = next(socket).await.expect("open");
        match m["type"].as_str() {
            Some("pong") => return,
            Some("complete") => continue,
            _ => panic!("expected a pong, got {m:#}"),
        }
    }
}

/// A token of this module for `subject`, a coach in Porvoo.
fn coach(subject: &str) -> String {
    hs256(&claims(|c| c["sub"] = json!(subject)))
}

fn subscribe(id: &str, query: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": { "query": query } })
}

const EVENTS: &str = "subscription { referralEvents { referralId state } }";

#[tokio::test]
async fn a_subscription_ends_when_its_token_expires() {
    let app = TestApp::spawn().await;
    let clock = Clock::manual(now());
    let (_gateway, addr) = socket_gateway(&app, SocketLimits::default(), &clock).await;
    let claims = claims(|c| c["sub"] = json!("coach-porvoo"));
    let exp = claims["exp"].as_i64().unwrap();
    let mut socket = connect(addr, &hs256(&claims)).await;
    send(&mut socket, subscribe("1", EVENTS)).await;

    // Still open a second before.
    clock.set(exp - 1);
    pong(&mut socket).await;
    clock.set(exp);
    let (code, reason) = next(&mut socket).await.expect_err("closed at expiry");
    assert_eq!(code, 4401);
    assert!(reason.starts_with("TOKEN_EXPIRED: The access token has expired."), "{reason}");
}

#[tokio::test]
async fn a_partners_socket_closes_once_its_api_key_is_revoked() {
    let app = TestApp::spawn().await;
    let start = now();
    let clock = Clock::manual(start);
    let limits = SocketLimits { api_key_check: Duration::from_secs(60), ..SocketLimits::default() };
    let (_gateway, addr) = socket_gateway(&app, limits, &clock).await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let samaria = app.partner_id(&admin, "Samaria rf").await;
    let r = app
        .gql(
            Some(&admin),
            "mutation($p: ID!) { issueApiKey(partnerId: $p, label: \"sockets\") { key { id } secret } }",
            json!({ "p": samaria }),
        )
        .await;
    let key = data(&r)["issueApiKey"]["secret"].as_str().unwrap().to_string();
    let key_id = data(&r)["issueApiKey"]["key"]["id"].clone();
    let mut socket = connect(addr, &key).await;
    send(&mut socket, subscribe("1", EVENTS)).await;

    // A check with the key still valid keeps the socket open.
    clock.set(start + 60);
    pong(&mut socket).await;

    data(
        &app.gql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
            json!({ "id": key_id }),
        )
        .await,
    );
    clock.set(start + 120);
    let (code, reason) = next(&mut socket).await.expect_err("closed after the revocation");
    assert_eq!(code, 4403);
    assert!(reason.starts_with("API_KEY_REVOKED: "), "{reason}");
}

#[tokio::test]
async fn connection_init_must_come_within_the_time_limit() {
    let app = TestApp::spawn().await;
    let limits = SocketLimits { init_timeout: Duration::from_millis(50), ..SocketLimits::default() };
    let (_gateway, addr) = socket_gateway(&app, limits, &Clock::manual(now())).await;
    let mut socket = open(addr).await;
    let (code, reason) = next(&mut socket).await.expect_err("closed without connection_init");
    assert_eq!(code, 4408);
    assert!(reason.starts_with("CONNECTION_INIT_TIMEOUT: "), "{reason}");
}

#[tokio::test]
async fn subscriptions_per_connection_and_connections_per_caller_are_capped() {
    let app = TestApp::spawn().await;
    let limits =
        SocketLimits { max_subscriptions: 2, max_connections_per_caller: 2, ..SocketLimits::default() };
    let (_gateway, addr) = socket_gateway(&app, limits, &Clock::manual(now())).await;
    let token = coach("coach-porvoo");
    let mut socket = connect(addr, &token).await;
    send(&mut socket, subscribe("1", EVENTS)).await;
    send(&mut socket, subscribe("2", EVENTS)).await;
    send(&mut socket, subscribe("3", EVENTS)).await;
    let m = next(&mut socket).await.unwrap();
    assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("error"), Some("3")), "{m:#}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS");
    assert_eq!(m["payload"][0]["message"], "At most 2 subscriptions may be open on one connection.");
    // Completing one makes room for another.
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    send(&mut socket, subscribe("4", EVENTS)).await;
    pong(&mut socket).await;

    let _second = connect(addr, &token).await;
    let mut third = open(addr).await;
    send(
        &mut third,
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
    )
    .await;
    let (code, reason) = next(&mut third).await.expect_err("a third connection is refused");
    assert_eq!(code, 4403);
    assert!(reason.starts_with("TOO_MANY_CONNECTIONS: You already have 2 open connections"), "{reason}");
    // Another caller is not affected.
    connect(addr, &coach("coach-porvoo-2")).await;
}

#[tokio::test]
async fn a_query_or_mutation_over_the_websocket_gets_an_error_and_the_socket_stays_open() {
    let app = TestApp::spawn().await;
    let (_gateway, addr) = socket_gateway(&app, SocketLimits::default(), &Clock::manual(now())).await;
    let mut socket = connect(addr, &coach("coach-porvoo")).await;
    for (id, query) in [("q", VIEWER), ("m", "mutation { sendReferral(id: \"x\") { id } }")] {
        send(&mut socket, subscribe(id, query)).await;
        let m = next(&mut socket).await.unwrap();
        assert_eq!((m["type"].as_str(), m["id"].as_str()), (Some("error"), Some(id)), "{m:#}");
        assert_eq!(m["payload"][0]["extensions"]["code"], "SUBSCRIPTIONS_ONLY");
        assert!(m["payload"][0]["message"].as_str().unwrap().contains("POST /graphql"), "{m:#}");
    }
    send(&mut socket, subscribe("s", EVENTS)).await;
    pong(&mut socket).await;
}

// ---- Persisted queries ----

#[tokio::test]
async fn an_anonymous_caller_cannot_register_a_persisted_query_but_may_use_one() {
    let app = TestApp::spawn().await;
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let query = format!("{{ __typename }} # {}", uuid::Uuid::new_v4());
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let register = json!({ "query": query, "extensions": persisted });
    let by_hash = json!({ "extensions": persisted });

    app.post(None, None, register.clone()).await;
    let r = app.post(Some(&token), None, by_hash.clone()).await;
    assert_eq!(
        error_code(&r),
        Some("PERSISTED_QUERY_NOT_FOUND"),
        "an anonymous registration is not kept: {r:#}"
    );

    data(&app.post(Some(&token), None, register).await);
    assert_eq!(data(&app.post(None, None, by_hash).await)["__typename"], "Query");
}
