//! Runs the retention of personal data (`polku_store::retention`): on a
//! schedule in the gateway, like the figures refresher, and once from the
//! command line (`polku retention run`). A run is safe to repeat and to
//! stop: each batch is its own transaction, and the next run picks up what
//! is still due. Replicas may run at once; a customer is erased once (the
//! batch locks its rows and deletes only what the database still finds
//! erasable).

use std::time::Duration;

use polku_domain::retention::RetentionRules;
use polku_domain::Slug;
use polku_store::retention::{AreaReport, RunOptions};
use polku_store::Store;

/// Customers per transaction: small enough to hold locks briefly.
pub const BATCH: usize = 500;

/// One run over every area, or one; the reports, one per area.
pub async fn run_once(
    store: &Store,
    only: Option<&Slug>,
    dry_run: bool,
    progress: &mut (dyn FnMut(&AreaReport) + Send),
) -> Result<Vec<AreaReport>, polku_store::StoreError> {
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    let options = RunOptions { dry_run, batch: BATCH, today };
    let reports =
        polku_store::retention::run(store, RetentionRules::embedded(), only, options, progress).await?;
    for r in &reports {
        // Counts only: no person is named in a log line.
        tracing::info!(
            retention.area = %r.area,
            retention.dry_run = r.dry_run,
            retention.due = r.customers_due,
            retention.erased = r.customers_erased,
            retention.held = r.customers_held,
            retention.letters = r.letters_deleted,
            retention.audit_rows = r.audit_rows_deleted,
            "retention run"
        );
    }
    Ok(reports)
}

/// Runs until `stop` resolves (see `jobs::every`).
pub async fn run_every(store: Store, every: Duration, stop: impl std::future::Future<Output = ()>) {
    crate::jobs::every("retention run", every, stop, || async {
        run_once(&store, None, false, &mut |_| {}).await
    })
    .await;
}
