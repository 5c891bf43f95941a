//! `/metrics` in the Prometheus text format. Labels are operation names,
//! outcomes and fixed states: never a tenant's data, never a person's. An
//! operation name is the client's choice, so only well-formed names are
//! kept as labels, and at most `MAX_OPERATIONS` of them; the rest count as
//! `other`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

const MAX_OPERATIONS: usize = 200;

/// Referral events delivered on this replica only, because Redis could not
/// take them: the warning that live updates no longer reach the others.
pub static RELAY_FALLBACKS: std::sync::LazyLock<IntCounter> = std::sync::LazyLock::new(|| {
    must(IntCounter::new(
        "polku_events_local_fallback_total",
        "Referral events delivered on this replica only because Redis could not take them.",
    ))
});

/// API-key requests limited by this replica's own bucket because Redis
/// was unavailable.
pub static RATE_LIMIT_FALLBACKS: std::sync::LazyLock<IntCounter> = std::sync::LazyLock::new(|| {
    must(IntCounter::new(
        "polku_rate_limit_local_fallback_total",
        "API-key requests limited by this replica's own bucket because Redis was unavailable.",
    ))
});

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: prometheus::IntGaugeVec,
    statements: IntCounter,
    subscriptions: IntGauge,
    import_rows: IntCounter,
    imports_running: IntGauge,
    redis_up: Gauge,
    operations: Arc<Mutex<HashSet<String>>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

#[expect(
    clippy::expect_used,
    reason = "the metric names and labels are constants: a failure is a defect every test shows"
)]
fn must<T>(r: prometheus::Result<T>) -> T {
    // The names and labels below are constants: a failure is a defect
    // every test would show.
    r.expect("metric definitions are valid")
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = must(IntCounterVec::new(
            Opts::new(
                "polku_graphql_requests_total",
                "GraphQL requests by operation name and outcome (ok, error).",
            ),
            &["operation", "outcome"],
        ));
        let latency = must(HistogramVec::new(
            HistogramOpts::new(
                "polku_graphql_request_duration_seconds",
                "GraphQL request latency by operation name.",
            )
            .buckets(vec![0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["operation"],
        ));
        let pool_connections = must(prometheus::IntGaugeVec::new(
            Opts::new(
                "polku_db_pool_connections",
                "Database connections of this replica by state (idle, in_use).",
            ),
            &["state"],
        ));
        let statements =
            must(IntCounter::new("polku_db_statements_total", "Statements issued in request transactions."));
        let subscriptions =
            must(IntGauge::new("polku_subscriptions", "Open referral-event subscriptions on this replica."));
        let import_rows = must(IntCounter::new(
            "polku_import_rows_written_total",
            "Customers written by transfer imports.",
        ));
        let imports_running = must(IntGauge::new("polku_imports_running", "Transfer imports under way."));
        let redis_up = must(Gauge::new(
            "polku_redis_up",
            "1 when Redis answered the last scrape's ping, 0 when not; absent without Redis.",
        ));
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool_connections.clone()),
            Box::new(statements.clone()),
            Box::new(subscriptions.clone()),
            Box::new(import_rows.clone()),
            Box::new(imports_running.clone()),
            Box::new(RELAY_FALLBACKS.clone()),
            Box::new(RATE_LIMIT_FALLBACKS.clone()),
        ] {
            must(registry.register(c));
        }
        Metrics {
            registry,
            requests,
            latency,
            pool_connections,
            statements,
            subscriptions,
            import_rows,
            imports_running,
            redis_up,
            operations: Arc::default(),
        }
    }

    /// The label for a client-chosen operation name.
    fn operation(&self, name: Option<&str>) -> String {
        let Some(name) = name else { return "anonymous".into() };
        let well_formed = name.len() <= 64
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return "other".into();
        }
        let mut known = self.operations.lock().unwrap_or_else(|p| p.into_inner());
        if known.contains(name) || known.len() < MAX_OPERATIONS {
            known.insert(name.to_string());
            name.to_string()
        } else {
            "other".into()
        }
    }

    pub fn observe(&self, operation: Option<&str>, ok: bool, elapsed: Duration) {
        let operation = self.operation(operation);
        self.requests.with_label_values(&[operation.as_str(), if ok { "ok" } else { "error" }]).inc();
        self.latency.with_label_values(&[operation.as_str()]).observe(elapsed.as_secs_f64());
    }

    /// The text exposition, with the gauges read now.
    pub async fn render(&self, state: &crate::AppState) -> String {
        let pool = state.store.pool();
        let (size, idle) = (i64::from(pool.size()), i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.pool_connections.with_label_values(&["in_use"]).set(size - idle);
        let counted = state.store.statement_count();
        self.statements.inc_by(counted.saturating_sub(self.statements.get()));
        self.subscriptions.set(i64::try_from(state.events.subscribers()).unwrap_or(i64::MAX));
        let written = polku_import::ROWS_WRITTEN.load(std::sync::atomic::Ordering::Relaxed);
        self.import_rows.inc_by(written.saturating_sub(self.import_rows.get()));
        self.imports_running.set(polku_import::RUNNING.load(std::sync::atomic::Ordering::Relaxed));
        let mut families = self.registry.gather();
        if let Some(up) = state.redis_up().await {
            self.redis_up.set(if up { 1.0 } else { 0.0 });
            families.extend(prometheus::core::Collector::collect(&self.redis_up));
        }
        let mut out = Vec::new();
        let _ = prometheus::TextEncoder::new().encode(&families, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
