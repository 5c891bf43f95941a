//! The audit log: who read or changed which customer's data, when, in which
//! role, in which request. The actor, roles and request come from the
//! transaction's own settings, not from arguments, so callers cannot put
//! someone else's name on a row; the table is append-only for the gateway.
//!
//! A read of many customers is one row naming them all (`customer_ids`),
//! not one row each: a caseload page is one insert, and "who read this
//! customer" is a containment query on an indexed array.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Page, StoreError, Tx};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Read,
    Create,
    Change,
    RevealIdentityCode,
    /// A reveal that was refused: kept so that attempts are visible too.
    RevealRefused,
    Export,
    /// A customer erased (retention or request); the row carries the
    /// tombstone that replaced the customer's id.
    Erase,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Read => "read",
            AuditAction::Create => "create",
            AuditAction::Change => "change",
            AuditAction::RevealIdentityCode => "reveal_identity_code",
            AuditAction::RevealRefused => "reveal_refused",
            AuditAction::Export => "export",
            AuditAction::Erase => "erase",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "read" => AuditAction::Read,
            "create" => AuditAction::Create,
            "change" => AuditAction::Change,
            "reveal_identity_code" => AuditAction::RevealIdentityCode,
            "reveal_refused" => AuditAction::RevealRefused,
            "export" => AuditAction::Export,
            "erase" => AuditAction::Erase,
            _ => return None,
        })
    }
}

const INSERT: &str = "INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_ids, action, what, request_id) \
     VALUES (app_tenant(), coalesce(app_user(), 'unknown'), coalesce(current_setting('polku.roles', true), ''), \
             $1, $2, $3, nullif(current_setting('polku.request_id', true), ''))";

/// One row naming every customer in `customers`, in one statement. `what`
/// names the data touched (e.g. `customer`, `plan`), never its content.
pub async fn record(
    tx: &mut Tx,
    customers: &[Uuid],
    action: AuditAction,
    what: &str,
) -> Result<(), StoreError> {
    if customers.is_empty() {
        return Ok(());
    }
    sqlx::query(INSERT).bind(customers).bind(action.code()).bind(what).execute(tx.conn()).await?;
    tx.mark_good();
    Ok(())
}

/// One row with the reason the actor gave (a reveal by someone other than
/// the customer's own coach or a manager).
pub async fn record_with_reason(
    tx: &mut Tx,
    customer: Uuid,
    action: AuditAction,
    what: &str,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_ids, action, what, request_id, reason) \
         VALUES (app_tenant(), coalesce(app_user(), 'unknown'), coalesce(current_setting('polku.roles', true), ''), \
                 ARRAY[$1::uuid], $2, $3, nullif(current_setting('polku.request_id', true), ''), $4)",
    )
    .bind(customer)
    .bind(action.code())
    .bind(what)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    tx.mark_good();
    Ok(())
}

#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_roles: String,
    /// Every customer the action touched (none for work that names no
    /// customer, such as the figures' refresh).
    pub customer_ids: Vec<Uuid>,
    pub action: AuditAction,
    pub what: String,
    pub request_id: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub customer_id: Option<Uuid>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    audit_id: i64,
    at: DateTime<Utc>,
    actor: String,
    actor_roles: String,
    customer_ids: Vec<Uuid>,
    action: String,
    what: String,
    request_id: Option<String>,
    reason: Option<String>,
}

/// Newest first; `after` is the last id of the previous page. The log is
/// the largest table there is, so it is never counted whole (`total_count`
/// is 0).
pub async fn list(
    tx: &mut Tx,
    filter: &AuditFilter,
    first: u32,
    after: Option<i64>,
) -> Result<Page<AuditEntry>, StoreError> {
    // The customer and actor filters are written into the statement only
    // when given, so each combination is its own prepared statement whose
    // plan can use the index for it; `$1 IS NULL OR …` would get one
    // generic plan that scans the whole log.
    let customer =
        if filter.customer_id.is_some() { "customer_ids @> ARRAY[$1::uuid]" } else { "$1::uuid IS NULL" };
    let actor = if filter.actor.is_some() { "actor = $2" } else { "$2::text IS NULL" };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT audit_id, at, actor, actor_roles, customer_ids, action, what, request_id, reason FROM audit_log \
         WHERE {customer} AND {actor} AND ($3::timestamptz IS NULL OR at >= $3) \
         AND ($4::timestamptz IS NULL OR at < $4) AND ($5::bigint IS NULL OR audit_id < $5) \
         ORDER BY audit_id DESC LIMIT $6"
    ))
    // Planned for the customer asked about: a plan made for any customer
    // assumes a containment matches 0.5 % of the log, and walks the whole
    // log newest first looking for 21 entries that a customer may not have.
    .persistent(filter.customer_id.is_none())
    .bind(filter.customer_id)
    .bind(&filter.actor)
    .bind(filter.from)
    .bind(filter.until)
    .bind(after)
    .bind(i64::from(first) + 1)
    .fetch_all(tx.conn())
    .await?;
    let items = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.audit_id,
            at: r.at,
            actor: r.actor,
            actor_roles: r.actor_roles,
            customer_ids: r.customer_ids,
            action: AuditAction::from_code(&r.action).unwrap_or(AuditAction::Read),
            what: r.what,
            request_id: r.request_id,
            reason: r.reason,
        })
        .collect::<Vec<_>>();
    let has_next_page = items.len() > first as usize;
    let mut items = items;
    items.truncate(first as usize);
    Ok(Page { items, has_next_page, has_previous_page: after.is_some(), total_count: 0 })
}
