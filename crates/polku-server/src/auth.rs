//! Bearer-token authentication. Production verifies RS256 tokens from the
//! municipality's identity provider against its published keys (a JWKS file
//! or URL); development mints HS256 tokens with `polku token`. Every failure
//! maps to a coded error; nothing here panics on bad input.

use std::collections::HashMap;
use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use polku_domain::{DomainError, ErrorCode, Lang, RegionCode, Role, Slug};
use polku_store::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Identity {
    pub actor: Actor,
    pub lang: Option<Lang>,
}

/// How tokens are verified.
#[derive(Clone)]
pub struct Verifier {
    hs256: Option<DecodingKey>,
    rs256: Arc<HashMap<String, DecodingKey>>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("hs256", &self.hs256.is_some())
            .field("rs256_keys", &self.rs256.len())
            .finish()
    }
}

impl Verifier {
    pub fn new(
        hs256_secret: Option<&[u8]>,
        jwks: Option<JwkSet>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> anyhow::Result<Verifier> {
        let mut rs256 = HashMap::new();
        if let Some(set) = jwks {
            for jwk in &set.keys {
                let kid = jwk.common.key_id.clone().unwrap_or_default();
                rs256.insert(kid, DecodingKey::from_jwk(jwk)?);
            }
        }
        if hs256_secret.is_none() && rs256.is_empty() {
            anyhow::bail!("no way to verify tokens: configure JWKS (--jwks-file/--jwks-url) or a development HS256 secret");
        }
        Ok(Verifier {
            hs256: hs256_secret.map(DecodingKey::from_secret),
            rs256: Arc::new(rs256),
            issuer,
            audience,
        })
    }

    pub fn verify(&self, token: &str) -> Result<Identity, DomainError> {
        let invalid = || DomainError::new(ErrorCode::InvalidToken);
        let header = decode_header(token).map_err(|_| invalid())?;
        let (key, alg) = match header.alg {
            Algorithm::HS256 => (self.hs256.as_ref().ok_or_else(invalid)?, Algorithm::HS256),
            Algorithm::RS256 => {
                let kid = header.kid.unwrap_or_default();
                let key = self
                    .rs256
                    .get(&kid)
                    .or_else(|| (self.rs256.len() == 1).then(|| self.rs256.values().next()).flatten())
                    .ok_or_else(invalid)?;
                (key, Algorithm::RS256)
            }
            _ => return Err(invalid()),
        };
        let mut validation = Validation::new(alg);
        validation.leeway = 30;
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
        }
        let data = decode::<Claims>(token, key, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => DomainError::new(ErrorCode::TokenExpired),
            _ => invalid(),
        })?;
        identity(data.claims)
    }
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
        actor: Actor { subject: claims.sub, roles, tenant, partner_id, region, request_id: None },
        lang: claims.lang.as_deref().and_then(|l| Lang::parse(l).ok()),
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

    #[test]
    fn round_trips_a_dev_token() {
        let claims = dev_claims("u1", Some("porvoo"), &[Role::Coach], None, None, Some(Lang::Sv), 1);
        let token = mint_hs256(b"secret", &claims).unwrap();
        let id = verifier().verify(&token).unwrap();
        assert_eq!(id.actor.tenant.unwrap().as_str(), "porvoo");
        assert_eq!(id.lang, Some(Lang::Sv));
    }

    #[test]
    fn refuses_bad_tokens_with_codes() {
        assert_eq!(verifier().verify("garbage").unwrap_err().code, ErrorCode::InvalidToken);
        let claims = dev_claims("u1", Some("porvoo"), &[Role::Coach], None, None, None, -2);
        let token = mint_hs256(b"secret", &claims).unwrap();
        assert_eq!(verifier().verify(&token).unwrap_err().code, ErrorCode::TokenExpired);
        let other =
            mint_hs256(b"other", &dev_claims("u", Some("porvoo"), &[Role::Coach], None, None, None, 1))
                .unwrap();
        assert_eq!(verifier().verify(&other).unwrap_err().code, ErrorCode::InvalidToken);
        let no_tenant =
            mint_hs256(b"secret", &dev_claims("u", None, &[Role::Coach], None, None, None, 1)).unwrap();
        assert_eq!(verifier().verify(&no_tenant).unwrap_err().code, ErrorCode::InvalidToken);
    }
}
