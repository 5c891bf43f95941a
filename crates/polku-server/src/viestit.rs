//! Suomi.fi-viestit (Suomi.fi Messages, run by DVV): the sender of the
//! outbox's letters. For each claimed letter it reads the customer's
//! identity code (here only, audited), asks the REST interface whether the
//! customer has an active Suomi.fi mailbox, and if so sends the letter as
//! an electronic message; if not, the letter is left for the area's own
//! print (`Outcome::ToPrint`). Every request that carried the customer's
//! data is a disclosure to DVV, recorded with the attempt
//! (`polku_store::viestit::record`). See docs/suomifi-viestit.md.
//!
//! The interface, as published at <https://api.messages.suomi.fi/api-docs>
//! (OpenAPI `https://api.messages.suomi.fi/docs/messages-api.yaml`) and as
//! used by public clients (City of Espoo's eVaka, City of Helsinki's
//! `django-helsinki-suomifi-messages`):
//! - `POST /v1/token` with `{"username", "password"}` (the organisation's
//!   system credentials) answers `{"access_token", "token_type",
//!   "expires_in"}`; later requests carry `Authorization: Bearer <token>`.
//! - `POST /v1/mailboxes/active` with `{"endUsers": [{"id"}]}` answers
//!   `{"endUsersWithActiveMailbox": [{"id"}]}`.
//! - `POST /v2/messages/electronic` with `{"externalId", "recipient": {"id"},
//!   "sender": {"serviceId"}, "electronic": {...}}` answers
//!   `{"messageId"}`; a repeated `externalId` answers 409.
//! - Errors are `{"reason", "validationErrors": [{"error"}]}`.
//!
//! Not confirmed from DVV's own page (the OpenAPI file could not be read
//! here; the details come from the two clients above, which agree): whether
//! `Authorization` wants the `Bearer` prefix (eVaka sends it, Helsinki's
//! client sends the bare token), what `expires_in` is when absent, and
//! that 409 means "this externalId was already accepted".
//!
//! The paper route the interface offers (`POST /v2/messages` with a
//! `paperMail` part) needs the letter as a PDF uploaded to
//! `/v2/attachments`, the area's printing contract with Posti and postal
//! addresses for both ends: not built. Nothing of a message, and never
//! the identity code, is logged; a refusal's reason is kept with the
//! identity code masked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use polku_domain::{Hetu, Slug};
use polku_store::outbox::{Claimed, Outcome};
use polku_store::pii::HetuVault;
use polku_store::{Store, StoreError};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

/// What the disclosure log says was sent, by how far the attempt got.
pub const DISCLOSED_CHECK: &str = "identity code (Suomi.fi mailbox check)";
pub const DISCLOSED_MESSAGE: &str = "identity code, title and text of a letter (Suomi.fi electronic message)";

/// The reason a letter is left for the area's print.
const NO_MAILBOX: &str = "the customer has no active Suomi.fi mailbox: left for the area's own print";

/// A client of the Suomi.fi-viestit REST interface.
#[derive(Clone)]
pub struct Viestit {
    client: reqwest::Client,
    base: String,
    username: String,
    password: SecretString,
    service_id: String,
    vault: HetuVault,
    token: Arc<tokio::sync::Mutex<Option<Token>>>,
}

struct Token {
    value: SecretString,
    until: Instant,
}

impl std::fmt::Debug for Viestit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Viestit").field("base", &self.base).finish_non_exhaustive()
    }
}

/// What an attempt did: its outcome, and what of the customer's data went
/// to DVV on the way (`None`: nothing left Polku).
#[derive(Debug)]
pub struct Delivery {
    pub outcome: Outcome,
    pub disclosed: Option<&'static str>,
}

impl Delivery {
    fn kept(outcome: Outcome) -> Delivery {
        Delivery { outcome, disclosed: None }
    }
}

/// An answer in the interface's error shape.
#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "validationErrors")]
    validation_errors: Vec<ValidationError>,
}

#[derive(Deserialize)]
struct ValidationError {
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct ActiveMailboxes {
    #[serde(default, rename = "endUsersWithActiveMailbox")]
    end_users: Vec<EndUser>,
}

#[derive(Deserialize)]
struct EndUser {
    id: String,
}

/// A request that got no answer, and whether it may still have reached DVV.
struct NoAnswer {
    reason: String,
    maybe_sent: bool,
}

impl Viestit {
    /// `base`: the interface's address (`https://api.messages.suomi.fi`,
    /// the test environment `https://api.messages-qa.suomi.fi`);
    /// `username`, `password`: the system credentials DVV gave the
    /// organisation; `service_id`: the sending service's id.
    pub fn new(
        base: &str,
        username: &str,
        password: SecretString,
        service_id: &str,
        vault: HetuVault,
    ) -> anyhow::Result<Viestit> {
        anyhow::ensure!(base.starts_with("https://") || base.starts_with("http://"), "not an http(s) URL");
        anyhow::ensure!(!username.is_empty() && !service_id.is_empty(), "username and service id are needed");
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
        Ok(Viestit {
            client,
            base: base.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password,
            service_id: service_id.to_string(),
            vault,
            token: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    /// Sends a claimed letter. Errors of the store other than a missing
    /// customer are the round's errors (the claim's lease brings the letter
    /// back); everything the interface answers is an outcome.
    pub async fn send(&self, store: &Store, slug: &Slug, m: &Claimed) -> Result<Delivery, StoreError> {
        let Some(customer) = m.customer_id else {
            return Ok(Delivery::kept(Outcome::Bounced("a letter names no customer".into())));
        };
        let hetu = match polku_store::viestit::identity_code(store, slug, &self.vault, customer).await {
            Ok(hetu) => hetu,
            Err(StoreError::NotFound) => {
                return Ok(Delivery::kept(Outcome::Bounced("the customer is no longer on record".into())))
            }
            Err(e) => return Err(e),
        };
        // The mailbox check already tells DVV the identity code.
        let check = json!({ "endUsers": [{ "id": hetu.expose_secret() }] });
        let active = match self.post("/v1/mailboxes/active", &check).await {
            Err(e) => return Ok(self.unanswered(e, DISCLOSED_CHECK)),
            Ok((status, body)) if status.is_success() => {
                match serde_json::from_slice::<ActiveMailboxes>(&body) {
                    Ok(a) => a.end_users.iter().any(|u| u.id == hetu.expose_secret()),
                    Err(_) => {
                        return Ok(Delivery {
                            outcome: Outcome::Failed(
                                "the mailbox check answered something unreadable".into(),
                            ),
                            disclosed: Some(DISCLOSED_CHECK),
                        })
                    }
                }
            }
            Ok((status, body)) => {
                return Ok(Delivery {
                    outcome: refused("mailbox check", status, &body, &hetu),
                    disclosed: Some(DISCLOSED_CHECK),
                })
            }
        };
        if !active {
            return Ok(Delivery {
                outcome: Outcome::ToPrint(NO_MAILBOX.into()),
                disclosed: Some(DISCLOSED_CHECK),
            });
        }
        let message = json!({
            // The outbox's id: an attempt repeated after a sender stopped
            // mid-send is refused as a duplicate (409), not delivered twice.
            "externalId": m.message_id.to_string(),
            "recipient": { "id": hetu.expose_secret() },
            "sender": { "serviceId": self.service_id },
            "electronic": {
                "title": m.subject,
                "body": m.body,
                "bodyFormat": "Text",
                "messageServiceType": "Normal",
                // Only the customer, not those acting for them by mandate:
                // an employment-service matter is the customer's own.
                "visibility": "Recipient only",
                "replyAllowedBy": "No one",
                "attachments": [],
                "notifications": {
                    "senderDetailsInNotifications": "Organisation and service name",
                    "unreadMessageNotification": { "reminder": "Default reminder" },
                },
            },
        });
        let outcome = match self.post("/v2/messages/electronic", &message).await {
            Err(e) => return Ok(self.unanswered(e, DISCLOSED_MESSAGE)),
            Ok((status, _)) if status.is_success() => Outcome::Sent,
            // Accepted by an earlier attempt whose outcome was not recorded.
            Ok((reqwest::StatusCode::CONFLICT, _)) => Outcome::Sent,
            Ok((status, body)) => refused("message", status, &body, &hetu),
        };
        Ok(Delivery { outcome, disclosed: Some(DISCLOSED_MESSAGE) })
    }

    fn unanswered(&self, e: NoAnswer, disclosed: &'static str) -> Delivery {
        Delivery { outcome: Outcome::Failed(e.reason), disclosed: e.maybe_sent.then_some(disclosed) }
    }

    /// POSTs JSON with the access token; a 401 drops the token and tries
    /// once more with a fresh one (tokens expire).
    async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), NoAnswer> {
        let mut retried = false;
        loop {
            let token = self.token().await?;
            let answer = self
                .client
                .post(format!("{}{path}", self.base))
                .header(reqwest::header::AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
                .json(body)
                .send()
                .await
                .map_err(|e| NoAnswer {
                    // A refused connection carried nothing; anything later
                    // (a timeout) may have.
                    maybe_sent: !e.is_connect(),
                    reason: format!("Suomi.fi-viestit did not answer: {}", e.without_url()),
                })?;
            let status = answer.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && !retried {
                retried = true;
                *self.token.lock().await = None;
                continue;
            }
            let bytes = answer.bytes().await.map_err(|e| NoAnswer {
                reason: format!("Suomi.fi-viestit's answer broke off: {}", e.without_url()),
                maybe_sent: true,
            })?;
            return Ok((status, bytes.to_vec()));
        }
    }

    /// The access token, fetched from `/v1/token` when there is none or it
    /// is about to expire.
    async fn token(&self) -> Result<SecretString, NoAnswer> {
        let mut held = self.token.lock().await;
        if let Some(t) = held.as_ref().filter(|t| t.until > Instant::now()) {
            return Ok(t.value.clone());
        }
        let failed = |reason: String| NoAnswer { reason, maybe_sent: false };
        let answer = self
            .client
            .post(format!("{}/v1/token", self.base))
            .json(&json!({ "username": self.username, "password": self.password.expose_secret() }))
            .send()
            .await
            .map_err(|e| failed(format!("Suomi.fi-viestit's token did not answer: {}", e.without_url())))?;
        let status = answer.status();
        if !status.is_success() {
            // Wrong or expired credentials are the operator's to fix; the
            // letters wait (failed attempts are tried again).
            return Err(failed(format!("Suomi.fi-viestit refused the system credentials ({status})")));
        }
        let t: TokenAnswer = answer
            .json()
            .await
            .map_err(|_| failed("Suomi.fi-viestit's token answer is unreadable".into()))?;
        // Renewed a little before it runs out. When the answer gives no
        // lifetime, ten minutes (an assumption; a 401 renews it anyway).
        let life = Duration::from_secs(t.expires_in.unwrap_or(600)).saturating_sub(Duration::from_secs(30));
        let value = SecretString::from(t.access_token);
        *held = Some(Token { value: value.clone(), until: Instant::now() + life });
        tracing::debug!("suomifi access token renewed");
        Ok(value)
    }
}

/// A refusal: 429 and 5xx (and a 401 that a fresh token did not cure) are
/// tried again; any other 4xx is final. The reason keeps the interface's
/// own words, with the identity code masked should they quote it.
fn refused(what: &str, status: reqwest::StatusCode, body: &[u8], hetu: &Hetu) -> Outcome {
    let said = serde_json::from_slice::<ApiError>(body)
        .map(|e| {
            let mut words = vec![e.reason];
            words.extend(e.validation_errors.into_iter().map(|v| v.error));
            words.retain(|w| !w.is_empty());
            words.join("; ")
        })
        .unwrap_or_default()
        .replace(hetu.expose_secret(), "***");
    let reason = format!(
        "Suomi.fi-viestit refused the {what} ({status}){}{said}",
        if said.is_empty() { "" } else { ": " }
    );
    let again = status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status == reqwest::StatusCode::UNAUTHORIZED;
    if again {
        Outcome::Failed(reason)
    } else {
        Outcome::Bounced(reason)
    }
}
