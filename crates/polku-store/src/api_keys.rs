//! API keys of partner organisations. A key is shown once, when issued;
//! only a SHA-256 of its secret part is kept. Its text names the area and
//! the key (`polku_<area>_<key id>_<secret>`), so a request can be placed in
//! its tenant before anything is looked up.

use base64::Engine;
use chrono::{DateTime, Utc};
use polku_domain::{DomainError, ErrorCode, Role, Slug};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Actor, Store, StoreError, SystemTask, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKey {
    pub key_id: Uuid,
    pub partner_id: Uuid,
    pub label: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "key_id, partner_id, label, created_by, created_at, last_used_at, revoked_at";

/// A key's parts, as parsed from what a client sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedKey {
    pub tenant: Slug,
    pub key_id: Uuid,
    secret: String,
}

impl PresentedKey {
    /// `None` for anything that is not shaped like a key: to the caller it is
    /// as invalid as a wrong one.
    pub fn parse(text: &str) -> Option<PresentedKey> {
        let rest = text.trim().strip_prefix("polku_")?;
        let (rest, secret) = rest.rsplit_once('_')?;
        let (tenant, key_id) = rest.rsplit_once('_')?;
        Some(PresentedKey {
            tenant: Slug::parse(tenant).ok()?,
            key_id: Uuid::parse_str(key_id).ok()?,
            secret: secret.to_string(),
        })
    }

    /// Who a request with this key acts as, once checked: its partner's staff.
    pub fn actor(self, partner: Uuid) -> Actor {
        Actor::request(
            format!("api-key:{}", self.key_id),
            vec![Role::Partner],
            Some(self.tenant),
            Some(partner),
            None,
        )
    }
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Issues a key for `partner` (tenant administrators). Returns the key and
/// its full text, which is never stored and never shown again.
pub async fn issue(tx: &mut Tx, partner: Uuid, label: &str) -> Result<(ApiKey, String), StoreError> {
    let tenant = tx.require_tenant()?;
    let (tenant_id, slug) = (tenant.id, tenant.slug.clone());
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM partners WHERE partner_id = $1)")
        .bind(partner)
        .fetch_one(tx.conn())
        .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes).replace('_', "~");
    let key_id = Uuid::now_v7();
    let key: ApiKey = sqlx::query_as(&format!(
        "INSERT INTO partner_api_keys (tenant_id, key_id, partner_id, label, secret_hash, created_by) \
         VALUES ($1, $2, $3, $4, $5, coalesce(app_user(), 'system')) RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(key_id)
    .bind(partner)
    .bind(label)
    .bind(digest(&secret))
    .fetch_one(tx.conn())
    .await?;
    Ok((key, format!("polku_{slug}_{}_{secret}", key_id.simple())))
}

pub async fn revoke(tx: &mut Tx, key: Uuid) -> Result<ApiKey, StoreError> {
    sqlx::query_as(&format!(
        "UPDATE partner_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(key)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn list(tx: &mut Tx, partner: Option<Uuid>) -> Result<Vec<ApiKey>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM partner_api_keys WHERE ($1::uuid IS NULL OR partner_id = $1) ORDER BY created_at DESC"
    ))
    .bind(partner)
    .fetch_all(tx.conn())
    .await?)
}

/// Checks a presented key in its own short transaction and stamps its use.
/// Returns the partner it belongs to. A wrong or unknown key is
/// INVALID_TOKEN, a revoked one API_KEY_REVOKED.
pub async fn check(store: &Store, key: &PresentedKey) -> Result<Uuid, StoreError> {
    let actor = Actor::task(SystemTask::KeyCheck, Some(key.tenant.clone()), Vec::new());
    let mut tx = store.begin(&actor).await.map_err(|e| match e {
        StoreError::Domain(_) => DomainError::new(ErrorCode::InvalidToken).into(),
        other => other,
    })?;
    let found: Option<(Uuid, Vec<u8>, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT partner_id, secret_hash, revoked_at FROM partner_api_keys WHERE key_id = $1")
            .bind(key.key_id)
            .fetch_optional(tx.conn())
            .await?;
    let Some((partner, hash, revoked)) = found else {
        return Err(DomainError::new(ErrorCode::InvalidToken).into());
    };
    // Constant time, so the comparison leaks nothing of the stored hash.
    let presented = digest(&key.secret);
    let same = hash.len() == presented.len()
        && hash.iter().zip(&presented).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        return Err(DomainError::new(ErrorCode::InvalidToken).into());
    }
    if revoked.is_some() {
        return Err(DomainError::new(ErrorCode::ApiKeyRevoked).into());
    }
    sqlx::query("UPDATE partner_api_keys SET last_used_at = now() WHERE key_id = $1")
        .bind(key.key_id)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(partner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_into_area_id_and_secret() {
        let id = Uuid::now_v7();
        let key = PresentedKey::parse(&format!("polku_porvoo_{}_abc~def-GHI", id.simple())).unwrap();
        assert_eq!((key.tenant.as_str(), key.key_id), ("porvoo", id));
        let key = PresentedKey::parse(&format!("polku_lahden-seutu_{}_x", id.simple())).unwrap();
        assert_eq!(key.tenant.as_str(), "lahden-seutu");
        for bad in ["", "polku_", "polku_porvoo_notauuid_x", "other_porvoo_x_y", "Bearer xyz"] {
            assert_eq!(PresentedKey::parse(bad), None, "{bad}");
        }
    }
}
