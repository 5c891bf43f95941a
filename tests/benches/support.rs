//! Shared by the benches: a migrated, seeded database of its own, reached as
//! the application role, and a way to read the process's peak memory.

// Each bench uses only part of this module.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use polku_domain::Role;
use polku_server::auth::{dev_claims, mint_hs256, Verifier};
use polku_store::{admin, PoolConfig, Store};
use serde_json::json;

/// The development token secret of the benches' gateways, for a gateway
/// run as a process of its own (`POLKU_DEV_JWT_SECRET`).
pub const JWT_SECRET: &str = "polku-bench-secret";
const SECRET: &[u8] = JWT_SECRET.as_bytes();

pub struct BenchDb {
    pub store: Store,
    pub vault: polku_store::pii::HetuVault,
    /// The vault's key in base64, for a gateway run as a process of its own.
    pub hetu_key: String,
    admin_url: String,
    name: String,
}

impl BenchDb {
    /// Creates database `polku_bench_<what>_<pid>`, migrates it as the owner
    /// and loads the demo areas.
    pub async fn create(what: &str, pool_size: u32) -> anyhow::Result<BenchDb> {
        let admin_url = std::env::var("DATABASE_URL")?;
        let name = format!("polku_bench_{what}_{}", std::process::id());
        admin::bootstrap_owner(&admin_url, &name, "polku-bench-owner").await?;
        let owner = admin::with_user(
            &admin::with_database(&admin_url, &name)?,
            admin::DEV_OWNER_ROLE,
            "polku-bench-owner",
        )?;
        admin::migrate(&owner).await?;
        admin::enable_app_login(&owner, "polku-bench-app").await?;
        let pool = PoolConfig { max_connections: pool_size, ..PoolConfig::default() };
        let store = Store::connect_lazy(&admin::app_url(&owner, "polku-bench-app")?, &pool)?;
        let hetu_key = polku_store::pii::HetuVault::generate_key();
        let vault = polku_store::pii::HetuVault::from_base64(&hetu_key, 1)?;
        polku_server::seed::seed_demo(&store, &vault, &std::sync::Arc::new(polku_i18n::Localizer::new()))
            .await?;
        Ok(BenchDb { store, vault, hetu_key, admin_url, name })
    }

    /// The application role's URL for this database (what `polku serve`
    /// connects with).
    pub fn app_url(&self) -> anyhow::Result<String> {
        let owner = admin::with_user(
            &admin::with_database(&self.admin_url, &self.name)?,
            admin::DEV_OWNER_ROLE,
            "polku-bench-owner",
        )?;
        Ok(admin::app_url(&owner, "polku-bench-app")?)
    }

    /// The superuser's URL for this database.
    pub fn superuser_url(&self) -> anyhow::Result<String> {
        Ok(admin::with_database(&self.admin_url, &self.name)?)
    }

    /// A superuser connection to this database, for loading bulk data
    /// faster than the API could.
    pub async fn superuser(&self) -> anyhow::Result<sqlx::PgConnection> {
        use sqlx::Connection;
        Ok(sqlx::PgConnection::connect(&admin::with_database(&self.admin_url, &self.name)?).await?)
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        self.store.pool().close().await;
        admin::drop_database(&self.admin_url, &self.name).await?;
        Ok(())
    }
}

/// `cargo test --all-targets` runs bench targets too, without `--bench`:
/// they then do nothing.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Resets the peak resident set size (Linux `clear_refs` 5), so the next
/// reading covers only what follows.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A field of `/proc/<process>/status` (`VmRSS:`, `VmHWM:`) in MiB, for
/// `process` "self" or a process id.
pub fn status_mib(process: &str, field: &str) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// The value at fraction `p` (0.5 the median, 0.99 the 99th percentile) of
/// `sorted`; `None` when it is empty.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    sorted.get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1))).copied()
}

/// Posts a GraphQL request body with the token; the answer, which must
/// carry no errors.
pub async fn ask(client: &reqwest::Client, url: &str, token: &str, body: String) -> anyhow::Result<String> {
    let text = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?
        .text()
        .await?;
    anyhow::ensure!(!text.contains("\"errors\""), "{text}");
    Ok(text)
}

/// Peak resident set size in MiB since the last reset (`VmHWM`).
pub fn peak_memory_mib() -> f64 {
    status_mib("self", "VmHWM:").unwrap_or(f64::NAN)
}

/// Serves the gateway on a loopback port; returns its GraphQL URL.
pub async fn serve(store: &Store, vault: &polku_store::pii::HetuVault) -> anyhow::Result<String> {
    serve_with(store, vault, |state| state).await
}

/// Serves a gateway whose state is adjusted first (a second replica with
/// its own event relay, say).
pub async fn serve_with(
    store: &Store,
    vault: &polku_store::pii::HetuVault,
    adjust: impl FnOnce(polku_server::AppState) -> polku_server::AppState,
) -> anyhow::Result<String> {
    let verifier = Verifier::new(Some(SECRET), None, None, None)?;
    let state = adjust(polku_server::AppState::new(
        store.clone(),
        verifier,
        polku_graphql::Limits::default(),
        vault.clone(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, polku_server::router(state)).await });
    Ok(format!("http://{addr}/graphql"))
}

/// A token the served gateway accepts.
pub fn token(subject: &str, tenant: &str, roles: &[Role]) -> anyhow::Result<String> {
    mint_hs256(SECRET, &dev_claims(subject, Some(tenant), roles, None, None, None, 1))
}

/// Requests per second and latency of `query` from `concurrency` clients
/// for `length`, printed as one line.
pub async fn measure(
    url: &str,
    token: &str,
    label: &str,
    query: &str,
    concurrency: usize,
    length: Duration,
) -> anyhow::Result<()> {
    measure_with(url, token, label, query, &json!({}), concurrency, length).await
}

/// As [`measure`], with variables; also prints the response size.
pub async fn measure_with(
    url: &str,
    token: &str,
    label: &str,
    query: &str,
    variables: &serde_json::Value,
    concurrency: usize,
    length: Duration,
) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let body = json!({ "query": query, "variables": variables }).to_string();
    let text = ask(&client, url, token, body.clone()).await.map_err(|e| e.context(label.to_string()))?;
    print!("{:>5} KiB  ", text.len() / 1024);
    // Warm up connections and caches.
    for _ in 0..20 {
        client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
    }
    let start = Instant::now();
    let deadline = start + length;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, token, body) = (client.clone(), url.to_string(), token.to_string(), body.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let text = r.text().await.unwrap_or_default();
                        if text.contains("\"errors\"") {
                            errors += 1;
                        }
                    }
                    _ => errors += 1,
                }
                latencies.push(t.elapsed());
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| percentile(&latencies, p).unwrap().as_secs_f64() * 1000.0;
    println!(
        "{label:<28} concurrency {concurrency:>2}: {:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {errors} errors)",
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        latencies.len()
    );
    Ok(())
}

/// An oversight user's token for `region` (`all`: the whole country).
pub fn oversight_token(region: &str) -> anyhow::Result<String> {
    mint_hs256(SECRET, &dev_claims("bench-ely", None, &[Role::Oversight], None, Some(region), None, 1))
}

/// A partner organisation's user's token, for `partner` of `tenant`.
pub fn partner_token(subject: &str, tenant: &str, partner: uuid::Uuid) -> anyhow::Result<String> {
    mint_hs256(SECRET, &dev_claims(subject, Some(tenant), &[Role::Partner], Some(partner), None, None, 1))
}
