//! An area's service promises: deadlines stricter than the statute for
//! the customers they cover.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::rules::ServicePromise;
use polku_domain::LocalizedText;
use sqlx::types::Json;
use uuid::Uuid;

use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct NewPromise {
    pub label: String,
    pub descriptions: LocalizedText,
    pub min_age: Option<i16>,
    pub max_age: Option<i16>,
    pub interview_working_days: Option<i16>,
    pub discussion_interval_days: Option<i16>,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Promise {
    pub promise_id: Uuid,
    pub label: String,
    pub descriptions: Json<LocalizedText>,
    pub min_age: Option<i16>,
    pub max_age: Option<i16>,
    pub interview_working_days: Option<i16>,
    pub discussion_interval_days: Option<i16>,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Promise {
    /// The promise as the rules take it.
    pub fn rule(&self) -> ServicePromise {
        let n = |v: Option<i16>| v.and_then(|v| u32::try_from(v).ok());
        ServicePromise {
            id: format!("promise:{}", self.label),
            min_age: n(self.min_age),
            max_age: n(self.max_age),
            interview_working_days: n(self.interview_working_days),
            discussion_interval_days: n(self.discussion_interval_days),
            effective_from: self.effective_from,
            effective_until: self.effective_until,
        }
    }
}

const COLUMNS: &str = "promise_id, label, descriptions, min_age, max_age, interview_working_days, \
    discussion_interval_days, effective_from, effective_until, created_by, created_at";

pub async fn create(tx: &mut Tx, p: NewPromise) -> Result<Promise, StoreError> {
    let tenant = tx.require_tenant()?.id;
    Ok(sqlx::query_as(&format!(
        "INSERT INTO service_promises (tenant_id, promise_id, label, descriptions, min_age, max_age, \
         interview_working_days, discussion_interval_days, effective_from, effective_until, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce(app_user(), 'system')) RETURNING {COLUMNS}"
    ))
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(&p.label)
    .bind(Json(&p.descriptions))
    .bind(p.min_age)
    .bind(p.max_age)
    .bind(p.interview_working_days)
    .bind(p.discussion_interval_days)
    .bind(p.effective_from)
    .bind(p.effective_until)
    .fetch_one(tx.conn())
    .await?)
}

/// Ends a promise on `until` (promises are never deleted: obligations
/// computed under them must stay explainable).
pub async fn end(tx: &mut Tx, id: Uuid, until: NaiveDate) -> Result<Promise, StoreError> {
    sqlx::query_as(&format!(
        "UPDATE service_promises SET effective_until = $2 WHERE promise_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(until)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)
}

/// Every promise of the area, newest first.
pub async fn list(tx: &mut Tx) -> Result<Vec<Promise>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM service_promises ORDER BY effective_from DESC, label"))
        .fetch_all(tx.conn())
        .await?)
}
