//! Live updates: referral events to the coach who made the referral and to
//! the partner organisation concerned, and to no one else.
//!
//! A change is published only after its transaction commits (the session
//! keeps it until then), so nobody hears of a change that was rolled back.
//! Within one gateway the events go through a broadcast channel; with
//! several, the server relays them through Redis pub/sub and every replica
//! delivers what it receives to its own subscribers.

use std::sync::Arc;

use async_graphql::{Context, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use polku_domain::Role;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

use crate::referrals::ReferralState;

/// A referral's new state, with only what routing needs: ids, never
/// personal data (events cross Redis).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralChanged {
    pub tenant: String,
    pub referral_id: Uuid,
    pub service_id: Uuid,
    pub partner_id: Option<Uuid>,
    /// The subject of the coach who made the referral.
    pub referred_by: String,
    pub state: String,
    pub at: DateTime<Utc>,
    /// Whether the referral was ever sent to the provider. A draft withdrawn
    /// unsent ends `interrupted` without the partner ever having seen it.
    #[serde(default)]
    pub sent: bool,
}

/// Where events go: this gateway's subscribers, or first a relay that
/// shares them with every replica.
#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<ReferralChanged>,
    relay: Option<mpsc::UnboundedSender<ReferralChanged>>,
    /// New notifications, as the database announced them to this gateway
    /// (each replica listens itself, so these are not relayed).
    notifications: broadcast::Sender<polku_store::notifications::Announced>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus").field("relayed", &self.relay.is_some()).finish()
    }
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::in_process()
    }
}

impl EventBus {
    /// Delivery within this process only.
    pub fn in_process() -> EventBus {
        EventBus { local: broadcast::channel(1024).0, relay: None, notifications: broadcast::channel(1024).0 }
    }

    /// Publishing goes to `relay` (which must come back through
    /// [`EventBus::deliver`] on every replica, this one included).
    pub fn relayed(&self, relay: mpsc::UnboundedSender<ReferralChanged>) -> EventBus {
        EventBus { local: self.local.clone(), relay: Some(relay), notifications: self.notifications.clone() }
    }

    pub fn publish(&self, event: ReferralChanged) {
        let event = match &self.relay {
            Some(relay) => match relay.send(event) {
                Ok(()) => return,
                Err(mpsc::error::SendError(event)) => event,
            },
            None => event,
        };
        self.deliver(event);
    }

    /// Hands an event to this gateway's subscribers.
    pub fn deliver(&self, event: ReferralChanged) {
        // No subscribers is not an error.
        let _ = self.local.send(event);
    }

    /// Hands a new notification to this gateway's subscribers.
    pub fn deliver_notification(&self, n: polku_store::notifications::Announced) {
        let _ = self.notifications.send(n);
    }

    pub fn subscribers(&self) -> usize {
        self.local.receiver_count()
    }

    fn subscribe(&self) -> broadcast::Receiver<ReferralChanged> {
        self.local.subscribe()
    }
}

/// Who holds a subscription, from the token given at connection.
#[derive(Clone, Debug)]
pub struct Subscriber {
    pub subject: String,
    pub roles: Vec<Role>,
    pub tenant: Option<String>,
    pub partner_id: Option<Uuid>,
}

impl Subscriber {
    /// The coach who made the referral, or the partner it concerns (once
    /// sent); nobody else, not even the coach's manager.
    pub fn may_see(&self, e: &ReferralChanged) -> bool {
        if self.tenant.as_deref() != Some(e.tenant.as_str()) {
            return false;
        }
        let staff = self.roles.iter().any(|r| r.is_case_staff());
        let partner = self.roles.contains(&Role::Partner)
            && self.partner_id.is_some()
            && self.partner_id == e.partner_id
            && e.sent;
        (staff && self.subject == e.referred_by) || partner
    }
}

/// A new notification for the caller: fetch it with `notification(id)`.
#[derive(SimpleObject, Clone)]
pub struct NotificationEventMessage {
    notification_id: ID,
    kind: crate::notifications::NotificationKind,
}

#[derive(SimpleObject, Clone)]
pub struct ReferralEventMessage {
    referral_id: ID,
    service_id: ID,
    state: ReferralState,
    at: DateTime<Utc>,
}

/// Who holds the subscription (from the token given at connection), and
/// the bus its events come through.
fn caller(ctx: &Context<'_>) -> async_graphql::Result<(Arc<Subscriber>, EventBus)> {
    let subscriber = ctx.data_opt::<Subscriber>().cloned().ok_or_else(|| {
        crate::ApiError::from(polku_domain::DomainError::new(polku_domain::ErrorCode::Unauthenticated))
            .into_graphql()
    })?;
    Ok((Arc::new(subscriber), ctx.data::<EventBus>()?.clone()))
}

#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Referral state changes for the caller: the referrals they made (a
    /// coach) or those sent to their organisation (a partner). Fetch the
    /// referral by id for its details.
    async fn referral_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = ReferralEventMessage>> {
        let (subscriber, bus) = caller(ctx)?;
        Ok(BroadcastStream::new(bus.subscribe()).filter_map(move |e| {
            let subscriber = subscriber.clone();
            async move {
                let e = e.ok()?;
                if !subscriber.may_see(&e) {
                    return None;
                }
                Some(ReferralEventMessage {
                    referral_id: ID(e.referral_id.to_string()),
                    service_id: ID(e.service_id.to_string()),
                    state: polku_domain::referral::ReferralState::from_code(&e.state)?.into(),
                    at: e.at,
                })
            }
        }))
    }

    /// New notifications for the caller (a staff member's own only), as
    /// they commit.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = NotificationEventMessage>> {
        let (subscriber, bus) = caller(ctx)?;
        Ok(BroadcastStream::new(bus.notifications.subscribe()).filter_map(move |n| {
            let subscriber = subscriber.clone();
            async move {
                let n = n.ok()?;
                let staff = subscriber.roles.iter().any(|r| r.is_case_staff());
                if !staff
                    || subscriber.tenant.as_deref() != Some(n.tenant.as_str())
                    || subscriber.subject != n.recipient
                {
                    return None;
                }
                Some(NotificationEventMessage {
                    notification_id: ID(n.id.to_string()),
                    kind: polku_domain::notification::NotificationKind::from_code(&n.kind)?.into(),
                })
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(state: &str) -> ReferralChanged {
        ReferralChanged {
            tenant: "porvoo".into(),
            referral_id: Uuid::now_v7(),
            service_id: Uuid::now_v7(),
            partner_id: Some(Uuid::from_u128(7)),
            referred_by: "coach-a".into(),
            state: state.into(),
            at: Utc::now(),
            sent: state != "proposed",
        }
    }

    fn who(subject: &str, roles: &[Role], tenant: &str, partner: Option<u128>) -> Subscriber {
        Subscriber {
            subject: subject.into(),
            roles: roles.to_vec(),
            tenant: Some(tenant.into()),
            partner_id: partner.map(Uuid::from_u128),
        }
    }

    #[test]
    fn only_the_referring_coach_and_the_partner_concerned_see_an_event() {
        let sent = event("sent");
        assert!(who("coach-a", &[Role::Coach], "porvoo", None).may_see(&sent));
        assert!(who("x", &[Role::Partner], "porvoo", Some(7)).may_see(&sent));
        assert!(!who("coach-b", &[Role::Coach, Role::Manager], "porvoo", None).may_see(&sent));
        assert!(!who("x", &[Role::Partner], "porvoo", Some(8)).may_see(&sent));
        assert!(!who("coach-a", &[Role::Coach], "lahti", None).may_see(&sent), "same subject, other area");
        assert!(!who("x", &[Role::Partner], "porvoo", Some(7)).may_see(&event("proposed")), "a draft");
        let withdrawn = ReferralChanged { sent: false, ..event("interrupted") };
        assert!(!who("x", &[Role::Partner], "porvoo", Some(7)).may_see(&withdrawn), "withdrawn unsent");
    }
}
