//! A coach's caseload page: each customer with their current plan, next
//! meeting and open tasks, in one statement whatever the caseload's size;
//! and the active customers of the whole area, for a manager's view.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::Lang;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::casefacts::CaseCustomer;
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
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, p.plan_id, p.current_version AS plan_version, m.next_meeting_at, \
                coalesce(t.open_tasks, 0) AS open_tasks \
         FROM (SELECT * FROM customers WHERE coach_id = $1 AND status = 'active') c \
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
    let ids: Vec<Uuid> = entries.iter().map(|e| e.customer.id).collect();
    audit::record(tx, &ids, AuditAction::Read, "caseload").await?;
    Ok(entries)
}

/// Every active customer of the area, assigned or not, with only what a
/// manager's view across coaches needs: no plan, next meeting or task count
/// per customer, which at 70,000 customers cost more than the rest of the
/// view. Not audited here: the caller audits the customers it actually
/// shows, since most of the area only adds to counts.
pub async fn of_area(tx: &mut Tx) -> Result<Vec<CaseCustomer>, StoreError> {
    let rows: Vec<AreaRow> = sqlx::query_as(
        "SELECT customer_id, first_names, last_name, service_language, birth_date, job_search_started_on, \
                coach_id \
         FROM customers WHERE status = 'active'",
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseCustomer {
            id: r.customer_id,
            first_names: r.first_names,
            last_name: r.last_name,
            service_language: Lang::parse(&r.service_language).unwrap_or(Lang::Fi),
            birth_date: r.birth_date,
            job_search_started_on: r.job_search_started_on,
            coach_id: r.coach_id,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct AreaRow {
    customer_id: Uuid,
    first_names: String,
    last_name: String,
    service_language: String,
    birth_date: NaiveDate,
    job_search_started_on: Option<NaiveDate>,
    coach_id: Option<Uuid>,
}
