//! The application, built in one place. `polku serve` and `polku dev` both
//! call [`Application::build`], and the tests build their state through
//! [`gateway_state`], the same function the application uses, so what the
//! tests drive is what production runs: the same layers, limiters and
//! sockets, differing only in the settings passed in.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use polku_store::pii::HetuVault;
use polku_store::{PoolConfig, Store};
use secrecy::ExposeSecret;

use crate::auth::Verifier;
use crate::config::ServeConfig;
use crate::http::{AppState, EdgeLimits};
use crate::ratelimit::{Rate, RateLimiter};
use crate::ws::{SocketLimits, Sockets};

/// The settings a gateway's state is made from, besides its store,
/// verifier and identity-code key. `Default` is the library's defaults
/// with no per-user or per-address rates (what the tests use);
/// [`GatewaySettings::from_config`] is what `serve` reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct GatewaySettings {
    /// Query depth, complexity, fields and page size.
    pub limits: polku_graphql::Limits,
    /// Body sizes, timeouts and the per-user and per-address rates at the edge.
    pub edge: EdgeLimits,
    /// WebSocket limits.
    pub sockets: SocketLimits,
    /// Requests a second per partner API key, and the burst allowed.
    pub api_key_rate: Rate,
}

impl GatewaySettings {
    pub fn from_config(config: &ServeConfig) -> GatewaySettings {
        GatewaySettings {
            limits: config.limits.into(),
            edge: config.limits.edge(),
            sockets: config.sockets.into(),
            api_key_rate: Rate { per_second: config.api_key_rate, burst: config.api_key_burst },
        }
    }
}

/// A gateway's state: the schema, limits, edge rates, sockets and API-key
/// limiter, each replica on its own. [`share_through_redis`] then moves
/// what the replicas share into Redis.
pub fn gateway_state(
    store: Store,
    verifier: Verifier,
    vault: HetuVault,
    settings: &GatewaySettings,
) -> AppState {
    AppState::new(store, verifier, settings.limits, vault)
        .with_edge_limits(settings.edge)
        .with_sockets(Sockets::new(settings.sockets))
        .with_rate_limiter(RateLimiter::local(settings.api_key_rate))
}

/// Shares the API-key, per-user and per-address rates, the persisted
/// queries and the live events through Redis. The connection fails fast
/// while Redis is away and reconnects by itself (`redis_connection`);
/// until Redis answers, each replica limits on its own.
pub async fn share_through_redis(
    state: AppState,
    client: redis::Client,
    api_key_rate: Rate,
) -> Result<AppState> {
    let redis = crate::redis_connection(&client).await.context("connecting to Redis")?;
    let state = state
        .with_rate_limiter(RateLimiter::with_redis(api_key_rate, redis.clone()))
        .with_persisted_queries(crate::apq::QueryStore::with_redis(redis.clone()))
        .with_redis(redis);
    let events = crate::relay::through_redis(client, &state.events).await.context("Redis pub/sub")?;
    Ok(state.with_event_bus(events))
}

/// The gateway, ready to serve: its state, its bound sockets and its
/// background jobs (started by [`Application::run_until`]).
pub struct Application {
    state: AppState,
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    figures_every: Option<Duration>,
    retention_every: Option<Duration>,
    outbox: Option<(crate::outbox::Senders, Duration)>,
    digest_every: Option<Duration>,
    grace: Duration,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("listen", &self.listener.local_addr().ok())
            .field("metrics", &self.metrics.as_ref().and_then(|m| m.local_addr().ok()))
            .field("figures_every", &self.figures_every)
            .field("retention_every", &self.retention_every)
            .field("outbox", &self.outbox)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects (the pool lazily), builds the verifier and the state, and
    /// binds the main address and, when set, the metrics address. Fails
    /// fast on anything missing or malformed.
    pub async fn build(config: &ServeConfig) -> Result<Application> {
        let pool = PoolConfig {
            max_connections: config.db_max_connections,
            acquire_timeout: Duration::from_secs(config.db_acquire_timeout_secs),
            statement_timeout: Duration::from_secs(config.db_statement_timeout_secs),
        };
        let store = Store::connect_lazy(config.database_url.expose_secret(), &pool)?;
        let settings = GatewaySettings::from_config(config);
        let mut state = gateway_state(store, config.auth.verifier().await?, config.hetu.vault()?, &settings);
        if let Some(url) = &config.redis_url {
            let client = crate::redis_client(url.expose_secret(), config.redis_ca_file.as_deref())?;
            state = share_through_redis(state, client, settings.api_key_rate).await?;
        }
        let metrics = match config.metrics_addr {
            // Metrics on an address of their own, reachable by the scraper
            // only; the main address then has no /metrics.
            Some(addr) => {
                state = state.with_metrics_apart();
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding metrics {addr}"))?;
                Some(listener)
            }
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let mail = match &config.smtp_url {
            Some(url) => Some(
                crate::outbox::Mailer::new(url.expose_secret(), &config.mail_from)
                    .context("POLKU_SMTP_URL or POLKU_MAIL_FROM")?,
            ),
            None => None,
        };
        let sms = match (&config.sms_url, &config.sms_key) {
            (Some(url), Some(key)) => {
                Some(crate::outbox::SmsGateway::new(url, key.expose_secret()).context("POLKU_SMS_URL")?)
            }
            _ => None,
        };
        let viestit = config
            .suomifi
            .viestit(config.hetu.vault()?)
            .context("POLKU_SUOMIFI_URL, _USERNAME, _PASSWORD or _SERVICE_ID")?;
        let senders = crate::outbox::Senders { mail, sms, viestit, policy: Default::default() };
        Ok(Application {
            state,
            listener,
            metrics,
            figures_every: (config.figures_refresh_seconds > 0)
                .then(|| Duration::from_secs(config.figures_refresh_seconds)),
            retention_every: (config.retention_seconds > 0)
                .then(|| Duration::from_secs(config.retention_seconds)),
            outbox: (config.outbox_seconds > 0)
                .then(|| (senders, Duration::from_secs(config.outbox_seconds))),
            digest_every: (config.digest_seconds > 0).then(|| Duration::from_secs(config.digest_seconds)),
            grace: Duration::from_secs(config.shutdown_grace_seconds),
        })
    }

    /// What every request handler shares.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The address the gateway listens on (the port chosen, for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The metrics address, when metrics have one of their own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|m| m.local_addr().ok())
    }

    /// Starts the background jobs (the metrics listener, the key-figure
    /// refresher) and serves until `shutdown` resolves, then drains for at
    /// most the grace period. `false`: requests were still open when the
    /// grace period ended.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<bool> {
        let Application {
            state,
            listener,
            metrics,
            figures_every,
            retention_every,
            outbox,
            digest_every,
            grace,
        } = self;
        if let Some(metrics) = metrics {
            if let Ok(addr) = metrics.local_addr() {
                tracing::info!(server.address = %addr, "polku metrics listening");
            }
            let router = crate::http::metrics_router(state.clone());
            tokio::spawn(async move { axum::serve(metrics, router).await });
        }
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(server.address = %addr, "polku listening");
        }
        if let Some(every) = figures_every {
            tokio::spawn(crate::figures::refresh_every(state.store.clone(), every, state.draining()));
        }
        if let Some(every) = retention_every {
            tokio::spawn(crate::retention::run_every(state.store.clone(), every, state.draining()));
        }
        if let Some((senders, every)) = outbox {
            tokio::spawn(crate::outbox::deliver_every(state.store.clone(), senders, every, state.draining()));
        }
        if let Some(every) = digest_every {
            let composer = state.localizer.clone();
            tokio::spawn(crate::notify::digest_every(state.store.clone(), composer, every, state.draining()));
        }
        tokio::spawn(crate::notify::feed(state.store.clone(), state.events.clone(), state.draining()));
        Ok(crate::serve_until(listener, state, shutdown, grace).await?)
    }
}
