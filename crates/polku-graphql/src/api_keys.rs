//! Partner organisations' API keys, managed by the area's administrators:
//! issued (the secret shown once), listed with their last use, revoked.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use polku_domain::Role;
use polku_store::api_keys;

use crate::context::require;
use crate::error::ApiResult;
use crate::input::{parse_id, text};

const ADMINS: &[Role] = &[Role::TenantAdmin];

pub struct ApiKey(api_keys::ApiKey);

#[Object]
impl ApiKey {
    async fn id(&self) -> ID {
        ID(self.0.key_id.to_string())
    }
    async fn partner_id(&self) -> ID {
        ID(self.0.partner_id.to_string())
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

#[derive(SimpleObject)]
pub struct IssuedApiKey {
    key: ApiKey,
    /// The key itself, shown this once: only a hash of it is kept. Send it
    /// as `X-Api-Key` (or `Authorization: ApiKey …`).
    secret: String,
}

#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// The area's partner API keys, newest first.
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        partner_id: Option<ID>,
    ) -> async_graphql::Result<Vec<ApiKey>> {
        let s = require(ctx, ADMINS).api()?;
        let partner = partner_id.as_ref().map(parse_id).transpose().api()?;
        let mut tx = s.tx().await.api()?;
        Ok(api_keys::list(&mut tx, partner).await.api()?.into_iter().map(ApiKey).collect())
    }
}

#[derive(Default)]
pub struct ApiKeyMutation;

#[Object]
impl ApiKeyMutation {
    async fn issue_api_key(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        label: String,
    ) -> async_graphql::Result<IssuedApiKey> {
        let s = require(ctx, ADMINS).api()?;
        let label = text("label", &label, 100).api()?;
        let partner = parse_id(&partner_id).api()?;
        let mut tx = s.tx().await.api()?;
        let (key, secret) = api_keys::issue(&mut tx, partner, &label).await.api()?;
        Ok(IssuedApiKey { key: ApiKey(key), secret })
    }

    /// Revokes a key at once; requests with it are refused from now on.
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiKey> {
        let s = require(ctx, ADMINS).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(ApiKey(api_keys::revoke(&mut tx, id).await.api()?))
    }
}
