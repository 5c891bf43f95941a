//! Shared by the benches: a migrated, seeded database of its own, reached as
//! the application role, and a way to read the process's peak memory.

// Each bench uses only part of this module.
#![allow(dead_code)]

use polku_store::{admin, PoolConfig, Store};

pub struct BenchDb {
    pub store: Store,
    pub vault: polku_store::pii::HetuVault,
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
        let vault =
            polku_store::pii::HetuVault::from_base64(&polku_store::pii::HetuVault::generate_key(), 1)?;
        polku_server::seed::seed_demo(&store, &vault, &std::sync::Arc::new(polku_i18n::Localizer::new()))
            .await?;
        Ok(BenchDb { store, vault, admin_url, name })
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

/// Peak resident set size in MiB since the last reset (`VmHWM`).
pub fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}
