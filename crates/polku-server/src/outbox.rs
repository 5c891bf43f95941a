//! Delivers the outbox (`polku_store::outbox`): e-mail over SMTP with
//! lettre, SMS through an HTTP gateway, letters through Suomi.fi-viestit
//! (`crate::viestit`) when it is configured. Each round claims what is due area by
//! area, sends, and records the outcome of each attempt; a failure waits
//! longer each time, and a permanent refusal is not tried again. Nothing of
//! a message (address, text) is logged: only counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use polku_domain::appointment::SendBy;
use polku_domain::Role;
use polku_store::outbox::{self, Claimed, Outcome, SendPolicy};
use polku_store::{Actor, Store, StoreError};

/// Messages claimed per round and area.
const BATCH: i64 = 50;
/// Messages on their way at once.
const SENDING: usize = 8;

/// E-mail through an SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").finish_non_exhaustive()
    }
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://host:port` (plain, for a local
    /// server), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Mailer { transport, from: from.parse()? })
    }

    async fn send(&self, m: &Claimed) -> Outcome {
        let to: Mailbox = match m.recipient.parse() {
            Ok(to) => to,
            Err(_) => return Outcome::Bounced("the address does not parse".into()),
        };
        let text = SinglePart::plain(m.body.clone());
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            // The same Message-ID on every attempt: a mail system that got the
            // first copy can tell the second is the same message.
            .message_id(Some(format!("<{}@polku>", m.message_id)));
        let message = match &m.calendar {
            Some(ics) => {
                // Base64, so the file's CRLF line ends arrive as written.
                let body = match Body::new_with_encoding(ics.clone(), ContentTransferEncoding::Base64) {
                    Ok(body) => body,
                    Err(_) => Body::new(ics.clone()),
                };
                let calendar = Attachment::new("appointment.ics".into()).body(
                    body,
                    ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                        .unwrap_or(ContentType::TEXT_PLAIN),
                );
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(calendar))
            }
            None => builder.singlepart(text),
        };
        let message = match message {
            Ok(m) => m,
            Err(e) => return Outcome::Bounced(format!("the message could not be built: {e}")),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Bounced(e.to_string()),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}

/// SMS through an HTTP gateway: `POST {url}` with a bearer key and the JSON
/// body `{"to": "+358…", "text": "…", "reference": "<message id>"}`; any 2xx
/// is sent, 4xx refused for good, anything else tried again.
#[derive(Clone, Debug)]
pub struct SmsGateway {
    client: reqwest::Client,
    url: String,
    key: String,
}

impl SmsGateway {
    pub fn new(url: &str, key: &str) -> anyhow::Result<SmsGateway> {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
        Ok(SmsGateway { client, url: url.to_string(), key: key.to_string() })
    }

    async fn send(&self, m: &Claimed) -> Outcome {
        let body = serde_json::json!({ "to": m.recipient, "text": m.body, "reference": m.message_id });
        match self.client.post(&self.url).bearer_auth(&self.key).json(&body).send().await {
            Ok(r) if r.status().is_success() => Outcome::Sent,
            Ok(r) if r.status().is_client_error() => {
                Outcome::Bounced(format!("gateway answered {}", r.status()))
            }
            Ok(r) => Outcome::Failed(format!("gateway answered {}", r.status())),
            Err(e) => Outcome::Failed(format!("gateway unreachable: {}", e.without_url())),
        }
    }
}

/// The configured ways of sending. A channel without a sender stays
/// pending (nothing is lost) until one is configured.
#[derive(Clone, Debug, Default)]
pub struct Senders {
    pub mail: Option<Mailer>,
    pub sms: Option<SmsGateway>,
    /// Letters: without it they wait for staff to print them.
    pub viestit: Option<crate::viestit::Viestit>,
    pub policy: SendPolicy,
}

/// What a round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    /// Letters left for the area's own print (no Suomi.fi mailbox).
    pub to_print: usize,
}

/// One round over every area: everything due at `now` is sent or recorded
/// as failed. Tests call this with the clock they set.
pub async fn deliver_due(store: &Store, senders: &Senders, now: DateTime<Utc>) -> Result<Round, StoreError> {
    let mut tx = store.begin(&Actor::system(None, vec![Role::PlatformAdmin])).await?;
    let slugs = polku_store::tenants::all_slugs(&mut tx).await?;
    tx.commit().await?;
    let mut channels = Vec::new();
    if senders.mail.is_some() {
        channels.push(SendBy::Email);
    }
    if senders.sms.is_some() {
        channels.push(SendBy::Sms);
    }
    if senders.viestit.is_some() {
        channels.push(SendBy::Letter);
    }
    let mut round = Round::default();
    if channels.is_empty() {
        return Ok(round);
    }
    for slug in &slugs {
        loop {
            let claimed = outbox::claim(store, slug, now, BATCH, senders.policy, &channels).await?;
            if claimed.is_empty() {
                break;
            }
            // Up to SENDING messages on their way at once: an SMTP server or a
            // gateway answers one message in milliseconds but over a network
            // round trip, which one at a time would wait out in turn.
            // Boxed with their lifetime spelled out: a spawned job must be Send,
            // which the compiler cannot prove through a lazy iterator's closure.
            let sends: Vec<futures::future::BoxFuture<'_, Result<Outcome, StoreError>>> =
                claimed.iter().map(|m| Box::pin(deliver_one(store, slug, senders, m, now)) as _).collect();
            let outcomes: Vec<Result<Outcome, StoreError>> =
                futures::stream::iter(sends).buffer_unordered(SENDING).collect().await;
            for outcome in outcomes {
                match outcome? {
                    Outcome::Sent => round.sent += 1,
                    Outcome::ToPrint(_) => round.to_print += 1,
                    _ => round.failed += 1,
                }
            }
            if claimed.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
    }
    Ok(round)
}

/// Sends one claimed message and records how it went (with the
/// disclosure, for a letter through Suomi.fi-viestit, in one transaction).
async fn deliver_one(
    store: &Store,
    slug: &polku_domain::Slug,
    senders: &Senders,
    m: &Claimed,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let (outcome, disclosed) = match (m.channel.as_str(), &senders.mail, &senders.sms, &senders.viestit) {
        ("email", Some(mail), _, _) => (mail.send(m).await, None),
        ("sms", _, Some(sms), _) => (sms.send(m).await, None),
        ("letter", _, _, Some(viestit)) => {
            let d = viestit.send(store, slug, m).await?;
            (d.outcome, d.disclosed)
        }
        _ => (Outcome::Failed("no sender is configured for this channel".into()), None),
    };
    match disclosed {
        Some(what) => {
            polku_store::viestit::record(store, slug, m, &outcome, Some(what), now, senders.policy).await?
        }
        None => outbox::record(store, slug, m, &outcome, now, senders.policy).await?,
    }
    Ok(outcome)
}

/// Runs until `stop` resolves (see `jobs::every`).
pub async fn deliver_every(
    store: Store,
    senders: Senders,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::jobs::every("outbox", every, stop, || async {
        let round = deliver_due(&store, &senders, Utc::now()).await?;
        if round.sent + round.failed + round.to_print > 0 {
            tracing::info!(
                outbox.sent = round.sent,
                outbox.failed = round.failed,
                outbox.to_print = round.to_print,
                "outbox round"
            );
        }
        Ok(round)
    })
    .await;
}
