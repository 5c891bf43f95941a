//! The gateway's background jobs (the figures refresher, the retention run)
//! share one loop: a tick every interval until the gateway drains, a failed
//! round logged and tried again at the next tick while the gateway serves on.

use std::future::Future;
use std::time::Duration;

use polku_store::StoreError;

/// Runs `job` every `every` until `stop` resolves. `name` labels the log
/// line of a failed round; the error is reduced to its safe description,
/// which carries no data from the database's message.
pub async fn every<T, F, Fut>(name: &'static str, every: Duration, stop: impl Future<Output = ()>, mut job: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => {
                if let Err(e) = job().await {
                    tracing::warn!(job = name, error.message = %e.safe_description(), "background job failed; retrying at the next interval");
                }
            }
        }
    }
}
