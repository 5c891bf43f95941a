//! The `polku` binary's library half: configuration, authentication, the
//! HTTP router and telemetry, kept in a library so tests can drive the real
//! router in process.

pub mod apq;
pub mod auth;
pub mod config;
pub mod dev;
pub mod figures;
pub mod http;
pub mod metrics;
pub mod ratelimit;
pub mod relay;
pub mod seed;
pub mod telemetry;
pub mod ws;

pub use http::{router, serve_until, AppState};

/// A Redis connection that fails fast while Redis is away (half a second
/// to connect or answer, one retry) and reconnects on later use, so callers
/// fall back at once instead of queueing behind a dead server.
pub async fn redis_connection(client: &redis::Client) -> redis::RedisResult<redis::aio::ConnectionManager> {
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(std::time::Duration::from_millis(500))
        .set_response_timeout(std::time::Duration::from_millis(500))
        .set_number_of_retries(1)
        .set_max_delay(1_000);
    redis::aio::ConnectionManager::new_with_config(client.clone(), config).await
}
