//! Keeps the precomputed key figures fresh: every interval, each area with
//! changes noted since its last computation (or computed before today) is
//! computed again. Replicas share the work through a per-area advisory
//! lock, so one area is never computed twice at once.

use std::time::Duration;

use polku_domain::rules::Rules;
use polku_store::Store;

/// Refreshes what is stale once; returns the number of areas computed.
pub async fn refresh_once(store: &Store, force: bool) -> Result<usize, polku_store::StoreError> {
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    let done = polku_store::figures::refresh_stale(store, &Rules::embedded(), today, force).await?;
    for area in &done {
        tracing::info!(
            figures.area = %area.slug,
            figures.customers = area.customers,
            figures.months = area.months,
            figures.millis = u64::try_from(area.millis).unwrap_or(u64::MAX),
            "figures refreshed"
        );
    }
    Ok(done.len())
}

/// Runs until `stop` resolves (see `jobs::every`): stale figures say when
/// they were computed, so a failed round only waits for the next tick.
pub async fn refresh_every(store: Store, every: Duration, stop: impl std::future::Future<Output = ()>) {
    crate::jobs::every("figures refresh", every, stop, || refresh_once(&store, false)).await;
}
