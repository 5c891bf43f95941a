//! Automatic persisted queries (the Apollo APQ protocol): a client on a
//! slow municipal network sends the SHA-256 of a query instead of the
//! query; the first time the gateway does not know it, the client sends
//! both, and from then on every replica does. The texts live in Redis,
//! with a bounded copy per replica that serves alone while Redis is away.
//!
//! Only an authenticated caller's text is kept (the call site registers it
//! after authentication), so an anonymous client cannot fill the store;
//! anyone may use a kept hash, as a query text holds no data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use redis::AsyncCommands;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Queries kept per replica; past it the oldest half goes.
const LOCAL_CAPACITY: usize = 5_000;
/// A query text kept in Redis for a month after its last registration.
const TTL_SECONDS: u64 = 30 * 24 * 3600;
/// Longer texts are not kept: no real query of this schema comes near.
const MAX_QUERY_BYTES: usize = 100_000;

#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

/// A query text sent with its hash, to keep once the caller is known to
/// be authenticated.
#[derive(Debug, PartialEq, Eq)]
pub struct Registration {
    hash: String,
    text: String,
}

/// Why a persisted-query request cannot go on.
#[derive(Debug, PartialEq, Eq)]
pub enum ApqError {
    /// The hash is unknown: the client should send the query with it.
    NotFound,
    /// The extension is malformed, of another version, or its hash does
    /// not match the query sent with it.
    Invalid(&'static str),
}

#[derive(Clone, Default)]
pub struct QueryStore {
    redis: Option<redis::aio::ConnectionManager>,
    local: Arc<Mutex<HashMap<String, (u64, String)>>>,
    clock: Arc<std::sync::atomic::AtomicU64>,
}

impl QueryStore {
    pub fn with_redis(redis: redis::aio::ConnectionManager) -> QueryStore {
        QueryStore { redis: Some(redis), ..QueryStore::default() }
    }

    /// Resolves the request's persisted query, if it has one: fills in the
    /// query text from a hash, or checks a text sent with its hash and
    /// returns it for [`QueryStore::register`].
    pub async fn resolve(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Option<Registration>, ApqError> {
        let Some(value) = request.extensions.remove("persistedQuery") else { return Ok(None) };
        let persisted: PersistedQuery = async_graphql::from_value(value)
            .map_err(|_| ApqError::Invalid("persistedQuery: expected { version, sha256Hash }"))?;
        if persisted.version != 1 {
            return Err(ApqError::Invalid("persistedQuery: only version 1 is supported"));
        }
        let hash = persisted.sha256_hash.to_ascii_lowercase();
        if request.query.is_empty() {
            request.query = self.get(&hash).await.ok_or(ApqError::NotFound)?;
            return Ok(None);
        }
        if format!("{:x}", Sha256::digest(request.query.as_bytes())) != hash {
            return Err(ApqError::Invalid("persistedQuery: the hash does not match the query"));
        }
        if request.query.len() > MAX_QUERY_BYTES {
            return Ok(None);
        }
        Ok(Some(Registration { hash, text: request.query.clone() }))
    }

    /// Keeps a text resolved with its hash: call it only for an
    /// authenticated caller.
    pub async fn register(&self, registration: Registration) {
        self.set(&registration.hash, &registration.text).await;
    }

    async fn get(&self, hash: &str) -> Option<String> {
        if let Some(text) = self.local_get(hash) {
            return Some(text);
        }
        let mut redis = self.redis.clone()?;
        match redis.get::<_, Option<String>>(format!("polku:apq:{hash}")).await {
            Ok(Some(text)) => {
                self.local_set(hash, &text);
                Some(text)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "persisted queries: Redis unavailable, this replica's copy only");
                None
            }
        }
    }

    async fn set(&self, hash: &str, text: &str) {
        self.local_set(hash, text);
        if let Some(mut redis) = self.redis.clone() {
            let stored: redis::RedisResult<()> =
                redis.set_ex(format!("polku:apq:{hash}"), text, TTL_SECONDS).await;
            if let Err(e) = stored {
                tracing::warn!(error = %e, "persisted queries: Redis unavailable, kept on this replica only");
            }
        }
    }

    fn local_get(&self, hash: &str) -> Option<String> {
        let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
        let tick = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        local.get_mut(hash).map(|(used, text)| {
            *used = tick;
            text.clone()
        })
    }

    fn local_set(&self, hash: &str, text: &str) {
        let mut local = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if local.len() >= LOCAL_CAPACITY {
            // Drop the least recently used half in one go, rather than
            // paying for an ordered structure on every read.
            let mut ages: Vec<u64> = local.values().map(|(used, _)| *used).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            local.retain(|_, (used, _)| *used > cut);
        }
        let tick = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        local.insert(hash.to_string(), (tick, text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, hash: &str) -> async_graphql::Request {
        let mut r = async_graphql::Request::new(query);
        r.extensions.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash })).unwrap(),
        );
        r
    }

    #[tokio::test]
    async fn a_hash_is_unknown_until_sent_with_its_query() {
        let store = QueryStore::default();
        let query = "{ viewer { subject } }";
        let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
        assert_eq!(store.resolve(&mut request("", &hash)).await, Err(ApqError::NotFound));
        let mut wrong = request(query, &"0".repeat(64));
        assert!(matches!(store.resolve(&mut wrong).await, Err(ApqError::Invalid(_))));
        // Checked but not kept until registered.
        let registration = store.resolve(&mut request(query, &hash)).await.unwrap().unwrap();
        assert_eq!(store.resolve(&mut request("", &hash)).await, Err(ApqError::NotFound));
        store.register(registration).await;
        let mut by_hash = request("", &hash);
        store.resolve(&mut by_hash).await.unwrap();
        assert_eq!(by_hash.query, query);
    }
}
