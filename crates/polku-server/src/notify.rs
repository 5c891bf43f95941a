//! Notifications for staff: the live feed (new notifications announced by
//! the database at commit, handed to this gateway's subscribers) and the
//! daily round (obligations about to fall due, then each staff member's
//! digest through the outbox). Nothing of a notification is logged but
//! counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use polku_domain::appointment::Compose;
use polku_domain::path::PathRules;
use polku_domain::rules::Rules;
use polku_domain::Role;
use polku_graphql::EventBus;
use polku_store::notifications::{self, DigestRound};
use polku_store::{Actor, Store, StoreError};

/// One daily round over every area at `now` (each area acts from its own
/// digest hour on, once a day). Tests call this with the clock they set.
pub async fn digest_due(
    store: &Store,
    composer: &dyn Compose,
    now: DateTime<Utc>,
) -> Result<DigestRound, StoreError> {
    let mut tx = store.begin(&Actor::system(None, vec![Role::PlatformAdmin])).await?;
    let slugs = polku_store::tenants::all_slugs(&mut tx).await?;
    tx.commit().await?;
    let (rules, path_rules) = (Rules::embedded(), PathRules::embedded());
    let mut total = DigestRound::default();
    for slug in &slugs {
        let round = notifications::digest_area(store, slug, now, composer, &rules, &path_rules).await?;
        total.due_notified += round.due_notified;
        total.digests += round.digests;
    }
    Ok(total)
}

/// Runs the daily round every `every` until `stop` resolves.
pub async fn digest_every(
    store: Store,
    composer: std::sync::Arc<polku_i18n::Localizer>,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::jobs::every("notification digest", every, stop, || async {
        let round = digest_due(&store, composer.as_ref(), Utc::now()).await?;
        if round.due_notified + u64::try_from(round.digests).unwrap_or(0) > 0 {
            tracing::info!(
                digest.due = round.due_notified,
                digest.queued = round.digests,
                "notification round"
            );
        }
        Ok(round)
    })
    .await;
}

/// Hands every notification the database announces to this gateway's
/// subscribers until `stop`; a lost connection is tried again after a
/// pause (the list in the API misses nothing meanwhile).
pub async fn feed(store: Store, events: EventBus, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let listen = notifications::listen(&store, |n| events.deliver_notification(n));
        tokio::select! {
            () = &mut stop => return,
            result = listen => {
                if let Err(e) = result {
                    tracing::warn!(error.message = %e.safe_description(), "notification feed lost; listening again");
                }
            }
        }
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}
