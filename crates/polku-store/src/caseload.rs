//! A coach's caseload page: each customer with their current plan, next
//! meeting and open tasks, in one statement whatever the caseload's size.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::customers::{Customer, Row as CustomerRow, COLUMNS};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct CaseloadEntry {
    pub customer: Customer,
    pub plan_id: Option<Uuid>,
    pub plan_version: Option<i32>,
    pub next_meeting_at: Option<DateTime<Utc>>,
    pub open_tasks: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    customer: CustomerRow,
    plan_id: Option<Uuid>,
    plan_version: Option<i32>,
    next_meeting_at: Option<DateTime<Utc>>,
    open_tasks: i64,
}

/// The active customers of `coach`, with plan, next meeting and open tasks.
pub async fn for_coach(
    tx: &mut Tx,
    coach: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<CaseloadEntry>, StoreError> {
    load(tx, Some(coach), now, Some("caseload")).await
}

/// Every active customer of the area, assigned or not, for a manager's
/// view across coaches. Not audited here: the caller audits the customers
/// it actually shows, since most of the area only adds to counts.
pub async fn for_area(tx: &mut Tx, now: DateTime<Utc>) -> Result<Vec<CaseloadEntry>, StoreError> {
    load(tx, None, now, None).await
}

async fn load(
    tx: &mut Tx,
    coach: Option<Uuid>,
    now: DateTime<Utc>,
    audited_as: Option<&str>,
) -> Result<Vec<CaseloadEntry>, StoreError> {
    // Two statements rather than one with `$1 IS NULL OR …`, so a coach's
    // caseload keeps its index under a cached generic plan.
    let filter = if coach.is_some() { "coach_id = $1" } else { "$1::uuid IS NULL" };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, p.plan_id, p.current_version AS plan_version, m.next_meeting_at, \
                coalesce(t.open_tasks, 0) AS open_tasks \
         FROM (SELECT * FROM customers WHERE {filter} AND status = 'active') c \
         LEFT JOIN LATERAL (SELECT plan_id, current_version FROM employment_plans ep \
             WHERE ep.tenant_id = c.tenant_id AND ep.customer_id = c.customer_id \
             ORDER BY ep.created_at DESC LIMIT 1) p ON true \
         LEFT JOIN LATERAL (SELECT min(starts_at) AS next_meeting_at FROM meetings mt \
             WHERE mt.tenant_id = c.tenant_id AND mt.customer_id = c.customer_id AND mt.starts_at > $2) m ON true \
         LEFT JOIN LATERAL (SELECT count(*) AS open_tasks FROM plan_versions v, jsonb_array_elements(v.tasks) task \
             WHERE v.tenant_id = c.tenant_id AND v.plan_id = p.plan_id AND v.version = p.current_version \
             AND task->>'done_on' IS NULL) t ON true \
         ORDER BY c.last_name, c.first_names, c.customer_id"
    ))
    .bind(coach)
    .bind(now)
    .fetch_all(tx.conn())
    .await?;
    let entries: Vec<CaseloadEntry> = rows
        .into_iter()
        .map(|r| CaseloadEntry {
            customer: Customer::from(r.customer),
            plan_id: r.plan_id,
            plan_version: r.plan_version,
            next_meeting_at: r.next_meeting_at,
            open_tasks: r.open_tasks,
        })
        .collect();
    if let Some(what) = audited_as {
        let ids: Vec<Uuid> = entries.iter().map(|e| e.customer.id).collect();
        audit::record(tx, &ids, AuditAction::Read, what).await?;
    }
    Ok(entries)
}
