//! Employment plans. A plan is a series of versions: every change, marking a
//! task done included, writes a new version and earlier ones stay readable.
//! A change names the version it was made from, so two coaches editing at
//! once cannot overwrite each other silently.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::customer::{PlanType, Responsible};
use polku_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Task {
    pub id: Uuid,
    pub what: String,
    pub responsible: Responsible,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanContent {
    pub goals: Vec<String>,
    pub tasks: Vec<Task>,
    /// Job applications a month, 0–4.
    pub job_search_obligation: i16,
}

#[derive(Clone, Debug)]
pub struct PlanVersion {
    pub plan_id: Uuid,
    pub version: i32,
    pub content: PlanContent,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub plan_type: PlanType,
    pub current: PlanVersion,
}

#[derive(sqlx::FromRow)]
struct Row {
    plan_id: Uuid,
    customer_id: Uuid,
    plan_type: String,
    version: i32,
    goals: Json<Vec<String>>,
    tasks: Json<Vec<Task>>,
    job_search_obligation: i16,
    created_at: DateTime<Utc>,
    created_by: String,
}

impl From<Row> for Plan {
    fn from(r: Row) -> Self {
        Plan {
            id: r.plan_id,
            customer_id: r.customer_id,
            plan_type: PlanType::from_code(&r.plan_type).unwrap_or(PlanType::EmploymentPlan),
            current: PlanVersion {
                plan_id: r.plan_id,
                version: r.version,
                content: PlanContent {
                    goals: r.goals.0,
                    tasks: r.tasks.0,
                    job_search_obligation: r.job_search_obligation,
                },
                created_at: r.created_at,
                created_by: r.created_by,
            },
        }
    }
}

const SELECT: &str = "SELECT p.plan_id, p.customer_id, p.plan_type, v.version, v.goals, v.tasks, \
     v.job_search_obligation, v.created_at, v.created_by FROM employment_plans p \
     JOIN plan_versions v ON v.tenant_id = p.tenant_id AND v.plan_id = p.plan_id AND v.version = p.current_version";

fn check(content: &PlanContent) -> Result<(), StoreError> {
    if !(0..=4).contains(&content.job_search_obligation) {
        return Err(DomainError::field(ErrorCode::OutOfRange, "jobSearchObligation")
            .with_arg("min", 0)
            .with_arg("max", 4)
            .into());
    }
    Ok(())
}

async fn insert_version(
    tx: &mut Tx,
    plan: Uuid,
    version: i32,
    content: &PlanContent,
) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    sqlx::query(
        "INSERT INTO plan_versions (tenant_id, plan_id, version, goals, tasks, job_search_obligation, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, coalesce(app_user(), 'system'))",
    )
    .bind(tenant)
    .bind(plan)
    .bind(version)
    .bind(Json(&content.goals))
    .bind(Json(&content.tasks))
    .bind(content.job_search_obligation)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn create(
    tx: &mut Tx,
    customer: Uuid,
    plan_type: PlanType,
    content: PlanContent,
) -> Result<Plan, StoreError> {
    check(&content)?;
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)")
        .bind(customer)
        .fetch_one(tx.conn())
        .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant)
    .bind(id)
    .bind(customer)
    .bind(plan_type.code())
    .execute(tx.conn())
    .await?;
    insert_version(tx, id, 1, &content).await?;
    audit::record(tx, &[customer], AuditAction::Create, "employment plan").await?;
    get_unaudited(tx, id).await
}

async fn get_unaudited(tx: &mut Tx, id: Uuid) -> Result<Plan, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE p.plan_id = $1")).bind(id).fetch_optional(tx.conn()).await?;
    row.map(Plan::from).ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Plan, StoreError> {
    let plan = get_unaudited(tx, id).await?;
    audit::record(tx, &[plan.customer_id], AuditAction::Read, "employment plan").await?;
    Ok(plan)
}

/// Writes `content` as the next version, if `from_version` is still current.
pub async fn revise(
    tx: &mut Tx,
    id: Uuid,
    from_version: i32,
    content: PlanContent,
) -> Result<Plan, StoreError> {
    check(&content)?;
    let current: Option<(i32, Uuid)> = sqlx::query_as(
        "SELECT current_version, customer_id FROM employment_plans WHERE plan_id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let (current, customer) = current.ok_or(StoreError::NotFound)?;
    if current != from_version {
        return Err(DomainError::new(ErrorCode::StalePlanVersion).with_arg("value", current).into());
    }
    insert_version(tx, id, current + 1, &content).await?;
    sqlx::query("UPDATE employment_plans SET current_version = $2 WHERE plan_id = $1")
        .bind(id)
        .bind(current + 1)
        .execute(tx.conn())
        .await?;
    audit::record(tx, &[customer], AuditAction::Change, "employment plan").await?;
    get_unaudited(tx, id).await
}

/// Marks a task done (today) as a new version.
pub async fn mark_task_done(tx: &mut Tx, id: Uuid, task: Uuid, on: NaiveDate) -> Result<Plan, StoreError> {
    let plan = get_unaudited(tx, id).await?;
    let mut content = plan.current.content.clone();
    let t = content
        .tasks
        .iter_mut()
        .find(|t| t.id == task)
        .ok_or(DomainError::field(ErrorCode::UnknownTask, "taskId"))?;
    t.done_on = Some(on);
    revise(tx, id, plan.current.version, content).await
}

pub async fn versions(tx: &mut Tx, id: Uuid) -> Result<Vec<PlanVersion>, StoreError> {
    type VersionRow = (i32, Json<Vec<String>>, Json<Vec<Task>>, i16, DateTime<Utc>, String);
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT version, goals, tasks, job_search_obligation, created_at, created_by FROM plan_versions \
         WHERE plan_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(version, goals, tasks, job_search_obligation, created_at, created_by)| PlanVersion {
            plan_id: id,
            version,
            content: PlanContent { goals: goals.0, tasks: tasks.0, job_search_obligation },
            created_at,
            created_by,
        })
        .collect())
}

/// Every plan of the given customers in one query (for lists), newest first.
pub async fn for_customers(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<Plan>, StoreError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE p.customer_id = ANY($1) ORDER BY p.created_at DESC"))
            .bind(customers)
            .fetch_all(tx.conn())
            .await?;
    Ok(rows.into_iter().map(Plan::from).collect())
}
