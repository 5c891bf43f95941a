//! Bearer-token authentication. Production verifies RS256 tokens from the
//! municipality's identity provider against its published keys (a JWKS file
//! or URL, read again on a schedule and when a token names a key we do not
//! have); development mints HS256 tokens with `polku token`. Every failure
//! maps to a coded error; nothing here panics on bad input.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use anyhow::Context;
use jsonwebtoken::jwk::{JwkSet, PublicKeyUse};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use polku_domain::{DomainError, ErrorCode, Lang, RegionCode, Role, Slug};
use polku_store::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Seconds of clock skew allowed between us and the identity provider, for
/// `exp` and `nbf` alike.
const LEEWAY_SECONDS: u64 = 30;

/// The claims Polku reads from a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The employment area's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// The partner organisation, for `partner` users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// The oversight region, or `all`, for `oversight` users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The user's preferred language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// One audience or a list of them, as identity providers differ; checked
    /// by the validation, not read here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Identity {
    pub actor: Actor,
    pub lang: Option<Lang>,
    /// The token's `exp` (Unix seconds): a WebSocket opened with it closes then.
    pub expires_at: i64,
}

/// How the identity provider's keys are fetched again.
#[derive(Debug, Clone, Copy)]
pub struct JwksRefresh {
    /// Longest wait for the JWKS URL to answer.
    pub timeout: Duration,
    /// Shortest time between two reads caused by unknown `kid`s, so that
    /// made-up key ids cannot make us fetch on every request.
    pub unknown_kid_interval: Duration,
}

impl Default for JwksRefresh {
    fn default() -> Self {
        JwksRefresh { timeout: Duration::from_secs(5), unknown_kid_interval: Duration::from_secs(30) }
    }
}

/// Where the RS256 keys come from.
enum Source {
    Url { url: String, client: reqwest::Client },
    File(PathBuf),
}

impl Source {
    async fn read(&self) -> anyhow::Result<JwkSet> {
        match self {
            Source::Url { url, client } => client
                .get(url)
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .with_context(|| format!("fetching JWKS from {url}"))?
                .json()
                .await
                .with_context(|| format!("parsing JWKS from {url}")),
            Source::File(path) => {
                let bytes =
                    tokio::fs::read(path).await.with_context(|| format!("reading {}", path.display()))?;
                serde_json::from_slice(&bytes).with_context(|| format!("parsing JWKS {}", path.display()))
            }
        }
    }
}

/// The RS256 keys by `kid`, and where to read them again.
struct Keys {
    by_kid: RwLock<Arc<HashMap<String, DecodingKey>>>,
    source: Option<Source>,
    refresh: JwksRefresh,
    /// When the keys were last read because of an unknown `kid`, or on schedule.
    last_read: tokio::sync::Mutex<Option<Instant>>,
}

impl Keys {
    fn get(&self, kid: &str) -> Option<DecodingKey> {
        self.by_kid.read().unwrap_or_else(|p| p.into_inner()).get(kid).cloned()
    }

    fn len(&self) -> usize {
        self.by_kid.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Reads the keys again; keeps the old ones if that fails or finds none.
    async fn reload(&self) -> anyhow::Result<()> {
        let Some(source) = &self.source else { return Ok(()) };
        let keys = usable_keys(&source.read().await?);
        if keys.is_empty() {
            anyhow::bail!("the JWKS has no usable RS256 key with a kid; keeping the keys we have");
        }
        *self.by_kid.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(keys);
        Ok(())
    }

    /// Reads the keys again for an unknown `kid`, unless that was done less
    /// than `unknown_kid_interval` ago. Concurrent callers wait for the one read.
    async fn reload_for_unknown_kid(&self) {
        if self.source.is_none() {
            return;
        }
        let mut last = self.last_read.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.refresh.unknown_kid_interval) {
            return;
        }
        *last = Some(Instant::now());
        if let Err(e) = self.reload().await {
            tracing::warn!(error = format!("{e:#}"), "JWKS refresh for an unknown key id failed");
        }
    }
}

/// The keys of a set that can verify RS256 signatures, by `kid`. Keys
/// without a `kid`, for encryption, or unreadable are left out (and logged):
/// a token must name its key.
fn usable_keys(set: &JwkSet) -> HashMap<String, DecodingKey> {
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone().filter(|k| !k.is_empty()) else {
            tracing::warn!("JWKS: a key without a kid is ignored");
            continue;
        };
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            continue;
        }
        if !matches!(jwk.algorithm, jsonwebtoken::jwk::AlgorithmParameters::RSA(_)) {
            continue;
        }
        match DecodingKey::from_jwk(jwk) {
            Ok(key) => {
                keys.insert(kid, key);
            }
            Err(e) => tracing::warn!(kid, error = %e, "JWKS: an unreadable key is ignored"),
        }
    }
    keys
}

/// How tokens are verified.
#[derive(Clone)]
pub struct Verifier {
    hs256: Option<DecodingKey>,
    keys: Arc<Keys>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("hs256", &self.hs256.is_some())
            .field("rs256_keys", &self.keys.len())
            .finish()
    }
}

impl Verifier {
    /// A verifier with a fixed key set (no refresh).
    pub fn new(
        hs256_secret: Option<&[u8]>,
        jwks: Option<JwkSet>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        let keys = jwks.as_ref().map(usable_keys).unwrap_or_default();
        Verifier::build(hs256_secret, keys, None, JwksRefresh::default(), issuer, audience)
    }

    /// A verifier whose keys are fetched from `url` now (start-up fails if
    /// that fails), then again on an unknown `kid` and by [`Verifier::refresh`].
    pub async fn from_jwks_url(
        url: &str,
        refresh: JwksRefresh,
        hs256_secret: Option<&[u8]>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        let client = reqwest::Client::builder().timeout(refresh.timeout).build()?;
        let source = Source::Url { url: url.to_string(), client };
        Verifier::from_source(source, refresh, hs256_secret, issuer, audience).await
    }

    /// A verifier whose keys are read from a JWKS file now, then again on an
    /// unknown `kid` and by [`Verifier::refresh`] (a mounted Secret changes in place).
    pub async fn from_jwks_file(
        path: PathBuf,
        refresh: JwksRefresh,
        hs256_secret: Option<&[u8]>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        Verifier::from_source(Source::File(path), refresh, hs256_secret, issuer, audience).await
    }

    async fn from_source(
        source: Source,
        refresh: JwksRefresh,
        hs256_secret: Option<&[u8]>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        let keys = usable_keys(&source.read().await?);
        if keys.is_empty() {
            anyhow::bail!("the JWKS has no usable RS256 key with a kid");
        }
        let verifier = Verifier::build(hs256_secret, keys, Some(source), refresh, issuer, audience)?;
        *verifier.keys.last_read.lock().await = Some(Instant::now());
        Ok(verifier)
    }

    fn build(
        hs256_secret: Option<&[u8]>,
        keys: HashMap<String, DecodingKey>,
        source: Option<Source>,
        refresh: JwksRefresh,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        if hs256_secret.is_none() && keys.is_empty() {
            anyhow::bail!("no way to verify tokens: configure JWKS (--jwks-file/--jwks-url) or a development HS256 secret");
        }
        Ok(Verifier {
            hs256: hs256_secret.map(DecodingKey::from_secret),
            keys: Arc::new(Keys {
                by_kid: RwLock::new(Arc::new(keys)),
                source,
                refresh,
                last_read: tokio::sync::Mutex::new(None),
            }),
            issuer,
            audience,
        })
    }

    /// Reads the keys again now (the schedule). On failure the old keys stay.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        let mut last = self.keys.last_read.lock().await;
        *last = Some(Instant::now());
        self.keys.reload().await
    }

    /// Refreshes the keys every `period` while any clone of this verifier
    /// lives; nothing to do without a JWKS source.
    pub fn spawn_refresh(&self, period: Duration) {
        if self.keys.source.is_none() || period.is_zero() {
            return;
        }
        let keys: Weak<Keys> = Arc::downgrade(&self.keys);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let Some(keys) = keys.upgrade() else { break };
                let verifier = Verifier { hs256: None, keys, issuer: None, audience: None };
                if let Err(e) = verifier.refresh().await {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "scheduled JWKS refresh failed; keeping the keys we have"
                    );
                }
            }
        });
    }

    /// Verifies a token against the keys held now (no fetch): for callers
    /// that cannot wait, such as choosing a rate-limit bucket.
    pub fn verify(&self, token: &str) -> Result<Identity, DomainError> {
        let header = decode_header(token).map_err(|_| invalid())?;
        let key = self.key(&header).ok_or_else(invalid)?;
        self.decode(token, &key, header.alg)
    }

    /// Verifies a token; an RS256 token naming a key we do not hold makes
    /// us read the JWKS again first (at most once per `unknown_kid_interval`).
    /// A token that names no key, or one still unknown, is INVALID_TOKEN.
    pub async fn verify_latest(&self, token: &str) -> Result<Identity, DomainError> {
        let header = decode_header(token).map_err(|_| invalid())?;
        let key = match self.key(&header) {
            Some(key) => key,
            None if header.alg == Algorithm::RS256
                && header.kid.as_deref().is_some_and(|k| !k.is_empty()) =>
            {
                self.keys.reload_for_unknown_kid().await;
                self.key(&header).ok_or_else(invalid)?
            }
            None => return Err(invalid()),
        };
        self.decode(token, &key, header.alg)
    }

    /// The key for a token's header: the HS256 secret, or the RS256 key its
    /// `kid` names (a token must name its key).
    fn key(&self, header: &Header) -> Option<DecodingKey> {
        match header.alg {
            Algorithm::HS256 => self.hs256.clone(),
            Algorithm::RS256 => self.keys.get(header.kid.as_deref().filter(|k| !k.is_empty())?),
            _ => None,
        }
    }

    fn decode(&self, token: &str, key: &DecodingKey, alg: Algorithm) -> Result<Identity, DomainError> {
        let data = decode::<Claims>(token, key, &self.validation(alg)).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => DomainError::new(ErrorCode::TokenExpired),
            _ => invalid(),
        })?;
        identity(data.claims)
    }

    /// `exp` and `nbf` checked with the same leeway; `iss` and `aud` required
    /// whenever they are configured (a token without them is refused).
    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        match &self.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}

fn invalid() -> DomainError {
    DomainError::new(ErrorCode::InvalidToken)
}

fn identity(claims: Claims) -> Result<Identity, DomainError> {
    let bad = |claim: &str| DomainError::new(ErrorCode::InvalidToken).with_arg("claim", claim);
    let roles = claims
        .roles
        .iter()
        .map(|r| r.parse::<Role>().map_err(|_| bad("roles")))
        .collect::<Result<Vec<_>, _>>()?;
    if roles.is_empty() || claims.sub.is_empty() {
        return Err(bad("roles"));
    }
    let tenant = claims.tenant.as_deref().map(Slug::parse).transpose().map_err(|_| bad("tenant"))?;
    if roles.iter().any(|r| r.is_tenant_scoped()) && tenant.is_none() {
        return Err(bad("tenant"));
    }
    let partner_id =
        claims.partner.as_deref().map(Uuid::parse_str).transpose().map_err(|_| bad("partner"))?;
    if roles.contains(&Role::Partner) && partner_id.is_none() {
        return Err(bad("partner"));
    }
    let region = claims.region.as_deref().map(RegionCode::parse).transpose().map_err(|_| bad("region"))?;
    if roles.contains(&Role::Oversight) && region.is_none() {
        return Err(bad("region"));
    }
    Ok(Identity {
        actor: Actor::request(claims.sub, roles, tenant, partner_id, region),
        lang: claims.lang.as_deref().and_then(|l| Lang::parse(l).ok()),
        expires_at: claims.exp,
    })
}

/// Mints a development token signed with the HS256 secret.
pub fn mint_hs256(secret: &[u8], claims: &Claims) -> anyhow::Result<String> {
    Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret))?)
}

/// Claims for a development token valid for `hours`.
pub fn dev_claims(
    sub: &str,
    tenant: Option<&str>,
    roles: &[Role],
    partner: Option<Uuid>,
    region: Option<&str>,
    lang: Option<Lang>,
    hours: i64,
) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: sub.to_string(),
        exp: now + hours * 3600,
        iat: Some(now),
        tenant: tenant.map(str::to_string),
        roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
        partner: partner.map(|p| p.to_string()),
        region: region.map(str::to_string),
        lang: lang.map(|l| l.code().to_string()),
        iss: None,
        aud: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier() -> Verifier {
        Verifier::new(Some(b"secret"), None, None, None).unwrap()
    }

    #[tokio::test]
    async fn round_trips_a_dev_token() {
        let claims = dev_claims("u1", Some("porvoo"), &[Role::Coach], None, None, Some(Lang::Sv), 1);
        let token = mint_hs256(b"secret", &claims).unwrap();
        let id = verifier().verify_latest(&token).await.unwrap();
        assert_eq!(id.actor.tenant.unwrap().as_str(), "porvoo");
        assert_eq!(id.lang, Some(Lang::Sv));
    }

    #[tokio::test]
    async fn refuses_bad_tokens_with_codes() {
        assert_eq!(verifier().verify_latest("garbage").await.unwrap_err().code, ErrorCode::InvalidToken);
        let claims = dev_claims("u1", Some("porvoo"), &[Role::Coach], None, None, None, -2);
        let token = mint_hs256(b"secret", &claims).unwrap();
        assert_eq!(verifier().verify_latest(&token).await.unwrap_err().code, ErrorCode::TokenExpired);
        let other =
            mint_hs256(b"other", &dev_claims("u", Some("porvoo"), &[Role::Coach], None, None, None, 1))
                .unwrap();
        assert_eq!(verifier().verify_latest(&other).await.unwrap_err().code, ErrorCode::InvalidToken);
        let no_tenant =
            mint_hs256(b"secret", &dev_claims("u", None, &[Role::Coach], None, None, None, 1)).unwrap();
        assert_eq!(verifier().verify_latest(&no_tenant).await.unwrap_err().code, ErrorCode::InvalidToken);
    }
}
