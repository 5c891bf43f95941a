//! Referral events across gateway replicas through Redis pub/sub. Each
//! replica publishes its committed changes to one channel and delivers
//! whatever arrives on it (its own included) to its subscribers. When
//! Redis cannot take an event, the replica delivers it to its own
//! subscribers rather than dropping it, and says so in the log.

use futures::StreamExt;
use polku_graphql::{EventBus, ReferralChanged};
use redis::AsyncCommands;
use tokio::sync::mpsc;

const CHANNEL: &str = "polku:referral-events";

/// Connects `bus` to Redis: returns the bus that publishes through it,
/// after this replica's subscription is in place (so nothing published
/// from now on is missed).
pub async fn through_redis(client: redis::Client, bus: &EventBus) -> redis::RedisResult<EventBus> {
    let mut publisher = crate::redis_connection(&client).await?;
    let mut first = Some(subscribe(&client).await?);

    let local = bus.clone();
    tokio::spawn(async move {
        loop {
            let pubsub = match first.take() {
                Some(p) => Ok(p),
                None => subscribe(&client).await,
            };
            match pubsub {
                Ok(pubsub) => {
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        let event = message
                            .get_payload::<String>()
                            .ok()
                            .and_then(|p| serde_json::from_str::<ReferralChanged>(&p).ok());
                        if let Some(event) = event {
                            local.deliver(event);
                        }
                    }
                    tracing::warn!("Redis subscription ended; resubscribing");
                }
                Err(e) => tracing::warn!(error = %e, "Redis subscription failed; retrying"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });

    let (relay, mut outgoing) = mpsc::unbounded_channel::<ReferralChanged>();
    let local = bus.clone();
    tokio::spawn(async move {
        while let Some(event) = outgoing.recv().await {
            let Ok(json) = serde_json::to_string(&event) else { continue };
            let sent: redis::RedisResult<i64> = publisher.publish(CHANNEL, json).await;
            match sent {
                Ok(0) => {
                    // No replica is subscribed, this one included (it is
                    // resubscribing): deliver here rather than to no one.
                    local.deliver(event);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "Redis unavailable: referral event delivered on this replica only");
                    crate::metrics::RELAY_FALLBACKS.inc();
                    local.deliver(event);
                }
            }
        }
    });
    Ok(bus.relayed(relay))
}

async fn subscribe(client: &redis::Client) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    Ok(pubsub)
}
