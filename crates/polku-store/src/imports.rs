//! Reports of transfer imports, kept so they can be read again later.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct ImportRun {
    pub id: Uuid,
    pub file_name: Option<String>,
    pub dry_run: bool,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    /// The report as JSON (see the import crate's `ImportReport`).
    pub report: serde_json::Value,
}

pub async fn save(
    tx: &mut Tx,
    file_name: Option<&str>,
    dry_run: bool,
    report: &serde_json::Value,
) -> Result<Uuid, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO import_runs (tenant_id, import_id, file_name, dry_run, started_by, report) \
         VALUES ($1, $2, $3, $4, coalesce(app_user(), 'system'), $5)",
    )
    .bind(tenant)
    .bind(id)
    .bind(file_name)
    .bind(dry_run)
    .bind(report)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

type Row = (Uuid, Option<String>, bool, String, DateTime<Utc>, serde_json::Value);

fn run(r: Row) -> ImportRun {
    ImportRun { id: r.0, file_name: r.1, dry_run: r.2, started_by: r.3, started_at: r.4, report: r.5 }
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<ImportRun, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT import_id, file_name, dry_run, started_by, started_at, report FROM import_runs WHERE import_id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    row.map(run).ok_or(StoreError::NotFound)
}

pub async fn list(tx: &mut Tx, limit: i64) -> Result<Vec<ImportRun>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT import_id, file_name, dry_run, started_by, started_at, report FROM import_runs \
         ORDER BY import_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(run).collect())
}
