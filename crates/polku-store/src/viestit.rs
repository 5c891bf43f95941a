//! What the Suomi.fi-viestit sender (`polku_server::viestit`) needs of the
//! database: a letter's recipient's identity code, read only by the sender
//! and audited, and the outcome of an attempt recorded together with the
//! disclosure to DVV it made, in one transaction.

use chrono::{DateTime, Utc};
use polku_domain::{Hetu, Slug};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::outbox::{self, Claimed, Outcome, SendPolicy};
use crate::pii::HetuVault;
use crate::{Store, StoreError};

/// The `disclosures.recipient` of a send to Suomi.fi-viestit.
pub const RECIPIENT: &str = "suomifi_viestit";
/// The `legal_bases` code such a disclosure is made on (migration 0017).
pub const LEGAL_BASIS: &str = "suomifi_messages";

/// The identity code of a letter's customer, decrypted for the sender.
/// The read is audited (`reveal_identity_code`, reason "Suomi.fi-viestit");
/// the code itself never leaves this call but in the returned `Hetu`,
/// whose `Debug` and `Display` mask it. A customer no longer on record
/// (erased since the letter was queued) is `NotFound`.
pub async fn identity_code(
    store: &Store,
    slug: &Slug,
    vault: &HetuVault,
    customer: Uuid,
) -> Result<Hetu, StoreError> {
    let mut tx = store.begin(&outbox::actor(slug)).await?;
    let tenant = tx.require_tenant()?.id;
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT hetu_ciphertext FROM customers WHERE customer_id = $1")
        .bind(customer)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let hetu = crate::customers::decrypt(vault, tenant, &sealed)?;
    audit::record_with_reason(
        &mut tx,
        customer,
        AuditAction::RevealIdentityCode,
        "identity code",
        Some("Suomi.fi-viestit"),
    )
    .await?;
    tx.commit().await?;
    Ok(hetu)
}

/// Records an attempt's outcome like `outbox::record` and, when the attempt
/// sent the customer's data to DVV (`disclosed` says what), the disclosure
/// with its legal basis, in the same transaction: the log never misses a
/// send that was recorded.
pub async fn record(
    store: &Store,
    slug: &Slug,
    message: &Claimed,
    outcome: &Outcome,
    disclosed: Option<&str>,
    now: DateTime<Utc>,
    policy: SendPolicy,
) -> Result<(), StoreError> {
    let mut tx = store.begin(&outbox::actor(slug)).await?;
    outbox::record_in(&mut tx, message, outcome, now, policy).await?;
    if let Some(what) = disclosed {
        sqlx::query(
            "INSERT INTO disclosures (tenant_id, at, customer_id, recipient, actor, what, legal_basis, request_id) \
             VALUES (app_tenant(), $1, $2, $3, coalesce(app_user(), 'unknown'), $4, $5, $6)",
        )
        .bind(now)
        .bind(message.customer_id)
        .bind(RECIPIENT)
        .bind(what)
        .bind(LEGAL_BASIS)
        // The outbox message the disclosure was made for, so the log and
        // the message's attempts can be read side by side.
        .bind(format!("outbox:{}", message.message_id))
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await
}
