//! Postgres access for Polku. All SQL lives in this crate. Every query runs in
//! a [`Tx`], a transaction that has first told the database who is asking
//! (tenant, user, roles) through transaction-local settings; row-level
//! security does the filtering, so a query here that forgets its tenant
//! still sees only its own tenant's rows.

pub mod access;
pub mod admin;
pub mod agreements;
pub mod api_keys;
pub mod appointments;
pub mod audit;
pub mod budget;
pub mod casefacts;
pub mod caseload;
pub mod customers;
pub mod duties;
pub mod employment_areas;
pub mod error;
pub mod figures;
pub mod funding;
pub mod generate;
pub mod grants;
pub mod imports;
pub mod letters;
pub mod meetings;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod partner_reports;
pub mod partners;
pub mod path;
pub mod pii;
pub mod plans;
pub mod promises;
pub mod reference;
pub mod referrals;
pub mod retention;
pub mod services;
pub mod staff;
pub mod tenants;
pub mod tx;
pub mod viestit;

pub use error::StoreError;
pub use page::{Page, PageRequest};
pub use tx::{Actor, SystemTask, TenantInfo, Tx};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

/// The schema migrations, embedded. Run them as the owner role, never as the
/// application role (which has no right to create anything).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The gateway's handle on the database: a pool of connections made as the
/// application role.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
    /// Statements issued through request transactions: the figure behind
    /// "no N+1" tests and a metric.
    statements: Arc<AtomicU64>,
    tenants: tx::TenantCache,
}

/// How long a pooled connection may sit idle and still be used without
/// being tested first.
const IDLE_BEFORE_TEST: Duration = Duration::from_secs(5);

/// Pool sizing and time limits. Timeouts are short on purpose: when the
/// database is away, requests fail fast with UNAVAILABLE instead of queueing.
#[derive(Clone, Debug)]
pub struct PoolConfig {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub statement_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

impl Store {
    /// Connects lazily: the gateway starts even while the database is down and
    /// reports not-ready until it answers.
    pub fn connect_lazy(url: &str, config: &PoolConfig) -> Result<Store, StoreError> {
        let options: PgConnectOptions = url.parse().map_err(StoreError::Database)?;
        let options = options
            .application_name("polku")
            .options([("statement_timeout", config.statement_timeout.as_millis().to_string())]);
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.acquire_timeout)
            // The pool already tests every connection as it is returned;
            // testing it again when it is taken costs every request a round
            // trip. Only a connection idle for a while (across a database
            // restart, say) is tested again before use.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_TEST {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        Ok(Store { pool, statements: Arc::default(), tenants: tx::TenantCache::default() })
    }

    pub fn from_pool(pool: PgPool) -> Store {
        Store { pool, statements: Arc::default(), tenants: tx::TenantCache::default() }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether the database answers; for `/readyz`.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Pool figures for metrics: (connections open, of which idle).
    pub fn pool_usage(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Begins a transaction on behalf of `actor`. See [`Tx`].
    pub async fn begin(&self, actor: &Actor) -> Result<Tx, StoreError> {
        Tx::begin(&self.pool, &self.tenants, actor, self.statements.clone(), false).await
    }

    /// Begins a transaction whose statements all see one snapshot: for
    /// work that reads several tables and must find them consistent.
    pub async fn begin_snapshot(&self, actor: &Actor) -> Result<Tx, StoreError> {
        Tx::begin(&self.pool, &self.tenants, actor, self.statements.clone(), true).await
    }

    /// How many statements request transactions have issued so far.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}
