//! The `polku` binary's library half: configuration, authentication, the
//! HTTP router and telemetry, kept in a library so tests can drive the real
//! router in process. The application itself (state, sockets, background
//! jobs) is built by `app::Application::build`, which `serve` and `dev`
//! both call; the tests build their state with `app::gateway_state`.

pub mod app;
pub mod apq;
pub mod auth;
pub mod config;
#[cfg(feature = "dev")]
pub mod dev;
pub mod figures;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod notify;
pub mod outbox;
pub mod print;
pub mod ratelimit;
pub mod relay;
pub mod retention;
pub mod seed;
pub mod telemetry;
pub mod viestit;
pub mod ws;

pub use http::{router, serve_until, AppState};

/// Makes ring rustls's crypto provider for the whole process, once, before
/// any TLS connection (PostgreSQL, Redis, the JWKS fetch) is made. Only ring
/// is compiled in today, but a dependency enabling a second provider would
/// otherwise make every TLS client panic at its first handshake.
pub fn install_crypto_provider() {
    // An error only says a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The Redis client for `url`: `redis://` in the clear, `rediss://` over TLS
/// with the server's certificate and host name always verified. Without
/// `ca_file` the certificate must chain to Mozilla's roots compiled into the
/// binary; with it (PEM, one or more certificates) to those certificates only.
pub fn redis_client(url: &str, ca_file: Option<&std::path::Path>) -> anyhow::Result<redis::Client> {
    use anyhow::Context;
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let Some(ca_file) = ca_file else {
        return redis::Client::open(url).context("REDIS_URL");
    };
    let what = || format!("POLKU_REDIS_CA_FILE {}", ca_file.display());
    let root_cert = std::fs::read(ca_file).with_context(what)?;
    // An empty store would refuse every server, and say so only at connect time.
    if CertificateDer::pem_slice_iter(&root_cert).next().is_none() {
        anyhow::bail!("{} holds no PEM certificate", what());
    }
    redis::Client::build_with_tls(
        url,
        redis::TlsCertificates { client_tls: None, root_cert: Some(root_cert) },
    )
    .with_context(what)
}

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
