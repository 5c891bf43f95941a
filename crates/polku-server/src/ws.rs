//! Subscriptions over WebSocket (`graphql-transport-ws`, and the older
//! `graphql-ws`): the rules around async-graphql's protocol handling.
//!
//! - `connection_init` must come within a time limit (else close 4408).
//! - A connection with a token ends when the token expires (4401,
//!   `TOKEN_EXPIRED`); one with a partner's API key ends once the key is
//!   found revoked, checked at an interval (4403, `API_KEY_REVOKED`).
//! - A caller (token subject or API key) may hold a limited number of
//!   connections on a replica; a refused `connection_init` closes 4403 with
//!   the error code first in the reason.
//! - A connection may hold a limited number of subscriptions; one more is
//!   answered with an `error` message (`TOO_MANY_SUBSCRIPTIONS`), as is a
//!   query or mutation (`SUBSCRIPTIONS_ONLY`): those go to `POST /graphql`.
//!
//! Expiry and key checks run on a [`Clock`] that tests set by hand.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::http::WebSocketProtocols;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{SinkExt, StreamExt};
use polku_domain::{DomainError, ErrorCode, Lang};
use polku_graphql::{PolkuSchema, Subscriber};
use polku_i18n::Localizer;
use polku_store::api_keys::PresentedKey;
use polku_store::{Store, StoreError};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::auth::Verifier;

/// Close codes, as `graphql-transport-ws` names them.
const CLOSE_UNAUTHORIZED: u16 = 4401;
const CLOSE_FORBIDDEN: u16 = 4403;
const CLOSE_INIT_TIMEOUT: u16 = 4408;
/// A close frame's reason may hold at most this many bytes.
const MAX_REASON_BYTES: usize = 123;

/// Limits of WebSocket connections.
#[derive(Debug, Clone, Copy)]
pub struct SocketLimits {
    /// Time from opening the socket to `connection_init`.
    pub init_timeout: Duration,
    /// Subscriptions one connection may hold at once; 0: no limit.
    pub max_subscriptions: usize,
    /// Connections one caller (token subject or API key) may hold on this
    /// replica at once; 0: no limit.
    pub max_connections_per_caller: usize,
    /// How often a connection opened with an API key checks that the key
    /// has not been revoked.
    pub api_key_check: Duration,
}

impl Default for SocketLimits {
    fn default() -> Self {
        SocketLimits {
            init_timeout: Duration::from_secs(10),
            max_subscriptions: 20,
            max_connections_per_caller: 10,
            api_key_check: Duration::from_secs(60),
        }
    }
}

/// The command line's WebSocket settings.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct SocketConfig {
    /// Seconds a new WebSocket has to send `connection_init`.
    #[arg(long, env = "POLKU_WS_INIT_TIMEOUT_SECONDS", default_value_t = 10)]
    pub ws_init_timeout_seconds: u64,
    /// Subscriptions per WebSocket connection; 0: no limit.
    #[arg(long, env = "POLKU_WS_MAX_SUBSCRIPTIONS", default_value_t = 20)]
    pub ws_max_subscriptions: usize,
    /// WebSocket connections per caller (token subject or API key) on each
    /// replica; 0: no limit.
    #[arg(long, env = "POLKU_WS_MAX_CONNECTIONS_PER_CALLER", default_value_t = 10)]
    pub ws_max_connections_per_caller: usize,
    /// Seconds between checks that an open connection's API key is not revoked.
    #[arg(long, env = "POLKU_WS_API_KEY_CHECK_SECONDS", default_value_t = 60)]
    pub ws_api_key_check_seconds: u64,
}

impl Default for SocketConfig {
    /// The command line's defaults, which are `SocketLimits::default()`.
    fn default() -> Self {
        let limits = SocketLimits::default();
        SocketConfig {
            ws_init_timeout_seconds: limits.init_timeout.as_secs(),
            ws_max_subscriptions: limits.max_subscriptions,
            ws_max_connections_per_caller: limits.max_connections_per_caller,
            ws_api_key_check_seconds: limits.api_key_check.as_secs(),
        }
    }
}

impl From<SocketConfig> for SocketLimits {
    fn from(c: SocketConfig) -> Self {
        SocketLimits {
            init_timeout: Duration::from_secs(c.ws_init_timeout_seconds),
            max_subscriptions: c.ws_max_subscriptions,
            max_connections_per_caller: c.ws_max_connections_per_caller,
            api_key_check: Duration::from_secs(c.ws_api_key_check_seconds.max(1)),
        }
    }
}

/// Wall-clock time in Unix seconds: the system's, or one set by hand.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<watch::Sender<i64>>>);

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

impl Clock {
    /// A clock that stands at `now` until [`Clock::set`].
    pub fn manual(now: i64) -> Clock {
        Clock(Some(Arc::new(watch::channel(now).0)))
    }

    /// Moves a manual clock to `now`; the system clock ignores it.
    pub fn set(&self, now: i64) {
        if let Some(clock) = &self.0 {
            clock.send_replace(now);
        }
    }

    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(clock) => *clock.borrow(),
            None => chrono::Utc::now().timestamp(),
        }
    }

    /// Resolves once the clock reads `at` or later.
    pub async fn until(&self, at: i64) {
        match &self.0 {
            Some(clock) => {
                let mut rx = clock.subscribe();
                let _ = rx.wait_for(|now| *now >= at).await.map(|_| ());
            }
            None => loop {
                let left = at - chrono::Utc::now().timestamp();
                if left <= 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(left.unsigned_abs())).await;
            },
        }
    }
}

/// The WebSocket rules of one gateway: limits, clock, and the connections
/// each caller holds.
#[derive(Clone, Default)]
pub struct Sockets {
    limits: SocketLimits,
    clock: Clock,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Sockets {
    pub fn new(limits: SocketLimits) -> Sockets {
        Sockets { limits, ..Sockets::default() }
    }

    /// Drives expiry and key checks by `clock` (tests set it by hand).
    pub fn with_clock(mut self, clock: Clock) -> Sockets {
        self.clock = clock;
        self
    }

    /// A place for one more connection of `caller`, held until dropped.
    fn admit(&self, caller: String) -> Option<Lease> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let held = open.get(&caller).copied().unwrap_or(0);
        let max = self.limits.max_connections_per_caller;
        if max > 0 && held >= max {
            return None;
        }
        open.insert(caller.clone(), held + 1);
        Some(Lease { caller, open: self.open.clone() })
    }
}

struct Lease {
    caller: String,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(held) = open.get_mut(&self.caller) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

/// A connection past `connection_init`.
struct Admitted {
    lang: Lang,
    ends: Ends,
    /// The clock's time at admission.
    at: i64,
    _lease: Lease,
}

enum Ends {
    /// The token's `exp`.
    At(i64),
    /// When the API key (its full text) is found revoked.
    WhenRevoked(String),
}

/// Why the server closes a connection.
struct Refusal {
    code: u16,
    reason: String,
}

/// What a connection needs from the gateway.
pub(crate) struct Connection {
    pub schema: PolkuSchema,
    pub verifier: Verifier,
    pub store: Store,
    pub localizer: Arc<Localizer>,
    pub sockets: Sockets,
    /// The language negotiated from the upgrade request, until the caller's is known.
    pub lang: Lang,
}

/// The protocol the client asked for, as async-graphql picks it.
pub(crate) fn protocol(headers: &axum::http::HeaderMap) -> WebSocketProtocols {
    headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|p| p.trim().parse::<WebSocketProtocols>().ok()))
        .unwrap_or(WebSocketProtocols::GraphQLWS)
}

/// `CODE: localised message`, cut to fit a close frame.
fn close_reason(localizer: &Localizer, lang: Lang, error: &DomainError) -> String {
    let mut text = format!("{}: {}", error.code.as_str(), localizer.error(lang, error));
    if text.len() > MAX_REASON_BYTES {
        let mut cut = MAX_REASON_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Serves one WebSocket until the client leaves, the gateway drains, or a
/// rule above closes it.
pub(crate) async fn serve(
    socket: WebSocket,
    protocol: async_graphql_axum::GraphQLProtocol,
    kind: WebSocketProtocols,
    connection: Connection,
    draining: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let Connection { schema, verifier, store, localizer, sockets, lang } = connection;
    let (mut sink, stream) = socket.split();
    // async-graphql writes to a channel; this task forwards it to the
    // socket, together with the gate's own answers.
    let (to_client, from_graphql) = futures::channel::mpsc::channel::<Message>(16);
    let (inject, injected) = futures::channel::mpsc::unbounded::<Message>();
    let subscriptions: Arc<Mutex<HashSet<String>>> = Arc::default();
    let (admit, admitted) = watch::channel::<Option<Arc<Admitted>>>(None);
    let refused: Arc<Mutex<Option<String>>> = Arc::default();
    let drained = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let gate = Gate {
        kind,
        subscriptions: subscriptions.clone(),
        admitted: admitted.clone(),
        inject,
        localizer: localizer.clone(),
        max: sockets.limits.max_subscriptions,
    };
    let draining = {
        let drained = drained.clone();
        async move {
            draining.await;
            drained.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let incoming = stream.take_until(draining).filter_map(move |m| futures::future::ready(gate.pass(m)));

    let on_init = {
        let (sockets, localizer, refused, store) =
            (sockets.clone(), localizer.clone(), refused.clone(), store.clone());
        move |payload: Value| async move {
            let refuse = |lang: Lang, error: DomainError| {
                let reason = close_reason(&localizer, lang, &error);
                *refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
                async_graphql::Error::new(reason)
            };
            let token = payload
                .get("authorization")
                .or_else(|| payload.get("Authorization"))
                .or_else(|| payload.get("token"))
                .and_then(|v| v.as_str())
                .map(|t| t.strip_prefix("Bearer ").unwrap_or(t).trim().to_string())
                .ok_or_else(|| refuse(lang, DomainError::new(ErrorCode::Unauthenticated)))?;
            let (actor, lang, ends, caller) = match PresentedKey::parse(&token) {
                // A partner's API key serves subscriptions too.
                Some(key) => {
                    let caller = format!("key:{}", key.key_id);
                    let partner = polku_store::api_keys::check(&store, &key)
                        .await
                        .map_err(|e| refuse(lang, store_refusal(e)))?;
                    (key.actor(partner), lang, Ends::WhenRevoked(token), caller)
                }
                None => {
                    let identity = verifier.verify_latest(&token).await.map_err(|e| refuse(lang, e))?;
                    let caller = format!("sub:{}", identity.actor.subject);
                    let lang = identity.lang.unwrap_or(lang);
                    (identity.actor, lang, Ends::At(identity.expires_at), caller)
                }
            };
            let lease = sockets.admit(caller).ok_or_else(|| {
                refuse(
                    lang,
                    DomainError::new(ErrorCode::TooManyConnections)
                        .with_arg("value", sockets.limits.max_connections_per_caller),
                )
            })?;
            admit.send_replace(Some(Arc::new(Admitted {
                lang,
                ends,
                at: sockets.clock.now(),
                _lease: lease,
            })));
            let mut data = async_graphql::Data::default();
            data.insert(Subscriber {
                subject: actor.subject,
                roles: actor.roles,
                tenant: actor.tenant.map(|t| t.as_str().to_string()),
                partner_id: actor.partner_id,
            });
            Ok(data)
        }
    };

    let graphql = async_graphql_axum::GraphQLWebSocket::new_with_pair(to_client, incoming, schema, protocol)
        .on_connection_init(on_init)
        .serve();
    let watchdog = watchdog(admitted, sockets, store, localizer, lang);
    let session = async move {
        tokio::select! {
            () = graphql => None,
            refusal = watchdog => Some(refusal),
        }
    };

    let mut server_closed = false;
    let forward = async {
        let mut out = futures::stream::select(from_graphql, injected);
        while let Some(message) = out.next().await {
            match &message {
                // A refused `connection_init` is closed below, with our code.
                Message::Close(_) if refused.lock().unwrap_or_else(|p| p.into_inner()).is_some() => continue,
                Message::Close(_) => server_closed = true,
                Message::Text(text) => ended_by_server(&subscriptions, text.as_str()),
                _ => {}
            }
            if sink.send(message).await.is_err() {
                break;
            }
        }
    };
    let (ending, ()) = futures::join!(session, forward);

    let refused = refused.lock().unwrap_or_else(|p| p.into_inner()).take();
    let frame = match (ending, refused) {
        (Some(refusal), _) => Some((refusal.code, refusal.reason)),
        (None, Some(reason)) => Some((CLOSE_FORBIDDEN, reason)),
        (None, None) if drained.load(std::sync::atomic::Ordering::SeqCst) && !server_closed => {
            Some((1001, "server shutting down".to_string()))
        }
        (None, None) => None,
    };
    if let Some((code, reason)) = frame {
        let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
    }
}

/// A refusal from checking an API key: the domain's code, or UNAVAILABLE.
fn store_refusal(e: StoreError) -> DomainError {
    match e {
        StoreError::Domain(d) => d,
        other => DomainError::new(other.code()),
    }
}

/// Waits for `connection_init` (or closes), then for the token's expiry or
/// the key's revocation.
async fn watchdog(
    mut admitted: watch::Receiver<Option<Arc<Admitted>>>,
    sockets: Sockets,
    store: Store,
    localizer: Arc<Localizer>,
    lang: Lang,
) -> Refusal {
    let ready = async { admitted.wait_for(Option::is_some).await.ok().and_then(|slot| slot.clone()) };
    let admitted = match tokio::time::timeout(sockets.limits.init_timeout, ready).await {
        Err(_) => {
            let error = DomainError::new(ErrorCode::ConnectionInitTimeout);
            return Refusal { code: CLOSE_INIT_TIMEOUT, reason: close_reason(&localizer, lang, &error) };
        }
        Ok(Some(admitted)) => admitted,
        // `connection_init` was refused: async-graphql ends the connection.
        Ok(None) => return std::future::pending().await,
    };
    let lang = admitted.lang;
    match &admitted.ends {
        Ends::At(expires_at) => {
            sockets.clock.until(*expires_at).await;
            let error = DomainError::new(ErrorCode::TokenExpired);
            Refusal { code: CLOSE_UNAUTHORIZED, reason: close_reason(&localizer, lang, &error) }
        }
        Ends::WhenRevoked(text) => {
            let Some(key) = PresentedKey::parse(text) else { return std::future::pending().await };
            let every = i64::try_from(sockets.limits.api_key_check.as_secs().max(1)).unwrap_or(60);
            let mut next = admitted.at;
            loop {
                next += every;
                sockets.clock.until(next).await;
                match polku_store::api_keys::check(&store, &key).await {
                    Ok(_) => {}
                    Err(StoreError::Domain(error)) => {
                        return Refusal {
                            code: CLOSE_FORBIDDEN,
                            reason: close_reason(&localizer, lang, &error),
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "checking an open WebSocket's API key failed; trying again later")
                    }
                }
            }
        }
    }
}

/// Notes subscriptions the server ended (`complete` or `error`).
fn ended_by_server(subscriptions: &Mutex<HashSet<String>>, text: &str) {
    let Ok(message) = serde_json::from_str::<Value>(text) else { return };
    if matches!(message["type"].as_str(), Some("complete" | "error")) {
        if let Some(id) = message["id"].as_str() {
            subscriptions.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        }
    }
}

/// Looks at what the client sends before async-graphql does: counts
/// subscriptions and answers what may not pass.
struct Gate {
    kind: WebSocketProtocols,
    subscriptions: Arc<Mutex<HashSet<String>>>,
    admitted: watch::Receiver<Option<Arc<Admitted>>>,
    inject: futures::channel::mpsc::UnboundedSender<Message>,
    localizer: Arc<Localizer>,
    max: usize,
}

impl Gate {
    fn pass(&self, message: Result<Message, axum::Error>) -> Option<Result<Message, axum::Error>> {
        let Ok(Message::Text(text)) = &message else { return Some(message) };
        let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else { return Some(message) };
        let id = value["id"].as_str().unwrap_or_default().to_string();
        match value["type"].as_str() {
            Some("subscribe" | "start") => {}
            Some("complete" | "stop") => {
                self.subscriptions.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                return Some(message);
            }
            _ => return Some(message),
        }
        // Before `connection_init` async-graphql refuses it itself.
        let Some(lang) = self.admitted.borrow().as_ref().map(|a| a.lang) else { return Some(message) };
        if is_subscription(&value["payload"]) == Some(false) {
            self.answer(&id, lang, DomainError::new(ErrorCode::SubscriptionsOnly));
            return None;
        }
        let mut subscriptions = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
        if self.max > 0 && !subscriptions.contains(&id) && subscriptions.len() >= self.max {
            drop(subscriptions);
            self.answer(
                &id,
                lang,
                DomainError::new(ErrorCode::TooManySubscriptions).with_arg("value", self.max),
            );
            return None;
        }
        subscriptions.insert(id);
        Some(message)
    }

    /// An `error` message for the operation `id`.
    fn answer(&self, id: &str, lang: Lang, error: DomainError) {
        let error = json!({
            "message": self.localizer.error(lang, &error),
            "extensions": { "code": error.code.as_str() },
        });
        let payload = match self.kind {
            WebSocketProtocols::GraphQLWS => json!([error]),
            WebSocketProtocols::SubscriptionsTransportWS => error,
        };
        let message = json!({ "id": id, "type": "error", "payload": payload });
        let _ = self.inject.unbounded_send(Message::Text(message.to_string().into()));
    }
}

/// Whether the request's operation is a subscription; `None` when that
/// cannot be told (async-graphql then answers the error itself).
fn is_subscription(payload: &Value) -> Option<bool> {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let query = payload.get("query")?.as_str()?;
    let document = async_graphql::parser::parse_query(query).ok()?;
    let name = payload.get("operationName").and_then(Value::as_str);
    let ty = match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => op.node.ty,
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| op.node.ty)?
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?.node.ty,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(ty == OperationType::Subscription)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_subscriptions_from_other_operations() {
        assert_eq!(
            is_subscription(&json!({ "query": "subscription { referralEvents { state } }" })),
            Some(true)
        );
        assert_eq!(is_subscription(&json!({ "query": "{ viewer { subject } }" })), Some(false));
        assert_eq!(is_subscription(&json!({ "query": "mutation { x }" })), Some(false));
        let two = "query A { a } subscription B { b }";
        assert_eq!(is_subscription(&json!({ "query": two, "operationName": "B" })), Some(true));
        assert_eq!(is_subscription(&json!({ "query": two })), None);
        assert_eq!(is_subscription(&json!({ "query": "{" })), None);
    }

    #[test]
    fn close_reasons_fit_a_frame() {
        let localizer = Localizer::new();
        let error = DomainError::new(ErrorCode::TooManyConnections).with_arg("value", 3);
        for lang in Lang::ALL {
            let reason = close_reason(&localizer, lang, &error);
            assert!(reason.len() <= MAX_REASON_BYTES && reason.starts_with("TOO_MANY_CONNECTIONS: "));
        }
    }

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_set() {
        let clock = Clock::manual(100);
        let waiting = tokio::spawn({
            let clock = clock.clone();
            async move { clock.until(160).await }
        });
        clock.set(159);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        clock.set(160);
        waiting.await.unwrap();
    }
}
