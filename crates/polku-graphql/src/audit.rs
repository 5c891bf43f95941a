//! The audit log on the API, for the area's tenant administrators.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use polku_domain::{DomainError, ErrorCode, Role as DomainRole};
use polku_store::audit::{self, AuditFilter};

use crate::context::require;
use crate::error::ApiResult;
use crate::input::parse_id;
use crate::pagination::page_request;
use crate::ApiError;

#[derive(SimpleObject)]
pub struct AuditEntry {
    id: ID,
    at: DateTime<Utc>,
    actor: String,
    actor_roles: String,
    /// The customers the action touched: a page read is one entry naming
    /// every customer on it. Empty for work that names no customer.
    customer_ids: Vec<ID>,
    /// read, create, change, reveal_identity_code, reveal_refused, export or
    /// erase (under the tombstone that replaced an erased customer's id).
    action: String,
    what: String,
    request_id: Option<String>,
    /// The reason the actor gave, where the rule asks for one (a reveal of
    /// the identity code by someone other than the customer's settled
    /// coach or a manager).
    reason: Option<String>,
}

/// Which audit rows to list; every part is optional.
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Entries that name this customer (among others, for a page read).
    customer_id: Option<ID>,
    /// The staff user's subject.
    actor: Option<String>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first (tenant administrators).
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] filter: AuditLogFilter,
    ) -> async_graphql::Result<Vec<AuditEntry>> {
        let AuditLogFilter { customer_id, actor, from, until } = filter;
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let first = page_request(ctx, first, None).api()?.first;
        let after = after
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| ApiError::from(DomainError::field(ErrorCode::InvalidCursor, "after")))
            })
            .transpose()
            .api()?;
        let filter = AuditFilter {
            customer_id: customer_id.as_ref().map(parse_id).transpose().api()?,
            actor,
            from,
            until,
        };
        let mut tx = s.tx().await.api()?;
        let page = audit::list(&mut tx, &filter, first, after).await.api()?;
        Ok(page
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: ID(e.id.to_string()),
                at: e.at,
                actor: e.actor,
                actor_roles: e.actor_roles,
                customer_ids: e.customer_ids.into_iter().map(|c| ID(c.to_string())).collect(),
                action: e.action.code().to_string(),
                what: e.what,
                request_id: e.request_id,
                reason: e.reason,
            })
            .collect())
    }
}
