//! The service catalogue of an employment area. Services are retired, never
//! deleted, so history (referrals, costs) keeps pointing at what existed.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::{DomainError, ErrorCode, Euros, Lang, LocalizedText, ServiceCategory};
use sqlx::types::Json;
use uuid::Uuid;

use crate::{Page, PageRequest, StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Service {
    pub id: Uuid,
    pub names: LocalizedText,
    pub descriptions: LocalizedText,
    pub eligibility: LocalizedText,
    pub category: ServiceCategory,
    pub provider_id: Option<Uuid>,
    pub languages: Vec<Lang>,
    pub capacity: Option<i32>,
    pub cost_per_place_month: Euros,
    pub active_from: NaiveDate,
    pub active_until: Option<NaiveDate>,
    pub retired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A service as written: every field already parsed and checked against the
/// tenant's languages by the caller.
#[derive(Clone, Debug)]
pub struct ServiceInput {
    pub names: LocalizedText,
    pub descriptions: LocalizedText,
    pub eligibility: LocalizedText,
    pub category: ServiceCategory,
    pub provider_id: Option<Uuid>,
    pub languages: Vec<Lang>,
    /// `None` is unlimited.
    pub capacity: Option<u32>,
    pub cost_per_place_month: Euros,
    pub active_from: NaiveDate,
    pub active_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
pub struct ServiceFilter {
    pub include_retired: bool,
    pub category: Option<ServiceCategory>,
    pub provider_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct Row {
    service_id: Uuid,
    names: Json<LocalizedText>,
    descriptions: Json<LocalizedText>,
    eligibility: Json<LocalizedText>,
    category: String,
    provider_partner_id: Option<Uuid>,
    languages: Vec<String>,
    capacity: Option<i32>,
    cost_cents: i64,
    active_from: NaiveDate,
    active_until: Option<NaiveDate>,
    retired_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "service_id, names, descriptions, eligibility, category, provider_partner_id, \
     languages, capacity, cost_cents, active_from, active_until, retired_at, created_at, updated_at";

impl From<Row> for Service {
    fn from(r: Row) -> Self {
        Service {
            id: r.service_id,
            names: r.names.0,
            descriptions: r.descriptions.0,
            eligibility: r.eligibility.0,
            category: ServiceCategory::from_code(&r.category).unwrap_or(ServiceCategory::Other),
            provider_id: r.provider_partner_id,
            languages: r.languages.iter().filter_map(|l| Lang::parse(l).ok()).collect(),
            capacity: r.capacity,
            cost_per_place_month: Euros::from_cents(r.cost_cents),
            active_from: r.active_from,
            active_until: r.active_until,
            retired_at: r.retired_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn capacity(input: &ServiceInput) -> Result<Option<i32>, StoreError> {
    input
        .capacity
        .map(|c| i32::try_from(c).map_err(|_| DomainError::field(ErrorCode::OutOfRange, "capacity")))
        .transpose()
        .map_err(StoreError::from)
}

fn check(input: &ServiceInput) -> Result<(), StoreError> {
    if input.names.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, "names").into());
    }
    if input.active_until.is_some_and(|until| until < input.active_from) {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "activeUntil").into());
    }
    if input.cost_per_place_month.cents() < 0 {
        return Err(DomainError::field(ErrorCode::InvalidAmount, "costPerPlaceMonth")
            .with_arg("value", input.cost_per_place_month)
            .into());
    }
    Ok(())
}

pub async fn create(tx: &mut Tx, input: ServiceInput) -> Result<Service, StoreError> {
    check(&input)?;
    let tenant_id = tx.require_tenant()?.id;
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO services (tenant_id, service_id, names, descriptions, eligibility, category, \
         provider_partner_id, languages, capacity, cost_cents, active_from, active_until) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(Uuid::now_v7())
    .bind(Json(&input.names))
    .bind(Json(&input.descriptions))
    .bind(Json(&input.eligibility))
    .bind(input.category.code())
    .bind(input.provider_id)
    .bind(input.languages.iter().map(|l| l.code()).collect::<Vec<_>>())
    .bind(capacity(&input)?)
    .bind(input.cost_per_place_month.cents())
    .bind(input.active_from)
    .bind(input.active_until)
    .fetch_one(tx.conn())
    .await?;
    Ok(row.into())
}

pub async fn update(tx: &mut Tx, id: Uuid, input: ServiceInput) -> Result<Service, StoreError> {
    check(&input)?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE services SET names = $2, descriptions = $3, eligibility = $4, category = $5, \
         provider_partner_id = $6, languages = $7, capacity = $8, cost_cents = $9, active_from = $10, \
         active_until = $11, updated_at = now() WHERE service_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(Json(&input.names))
    .bind(Json(&input.descriptions))
    .bind(Json(&input.eligibility))
    .bind(input.category.code())
    .bind(input.provider_id)
    .bind(input.languages.iter().map(|l| l.code()).collect::<Vec<_>>())
    .bind(capacity(&input)?)
    .bind(input.cost_per_place_month.cents())
    .bind(input.active_from)
    .bind(input.active_until)
    .fetch_optional(tx.conn())
    .await?;
    row.map(Service::from).ok_or(StoreError::NotFound)
}

/// Retires a service from today on; it stays readable for history.
pub async fn retire(tx: &mut Tx, id: Uuid) -> Result<Service, StoreError> {
    let existing = get(tx, id).await?;
    if existing.retired_at.is_some() {
        return Err(DomainError::new(ErrorCode::AlreadyRetired).into());
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE services SET retired_at = now(), updated_at = now(), \
         active_until = CASE WHEN active_until IS NULL OR active_until > current_date \
                             THEN greatest(current_date, active_from) ELSE active_until END \
         WHERE service_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    row.map(Service::from).ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Service, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM services WHERE service_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    row.map(Service::from).ok_or(StoreError::NotFound)
}

pub async fn list(
    tx: &mut Tx,
    filter: &ServiceFilter,
    page: PageRequest,
) -> Result<Page<Service>, StoreError> {
    const WHERE: &str = "($1 OR retired_at IS NULL) AND ($2::text IS NULL OR category = $2) \
                         AND ($3::uuid IS NULL OR provider_partner_id = $3)";
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM services WHERE {WHERE} AND ($4::uuid IS NULL OR service_id > $4) \
         ORDER BY service_id LIMIT $5"
    ))
    .bind(filter.include_retired)
    .bind(filter.category.map(ServiceCategory::code))
    .bind(filter.provider_id)
    .bind(page.after)
    .bind(i64::from(page.first) + 1)
    .fetch_all(tx.conn())
    .await?;
    // Counted only when the caller asks for the total.
    let total: i64 = if page.with_total {
        sqlx::query_scalar(&format!("SELECT count(*) FROM services WHERE {WHERE}"))
            .bind(filter.include_retired)
            .bind(filter.category.map(ServiceCategory::code))
            .bind(filter.provider_id)
            .fetch_one(tx.conn())
            .await?
    } else {
        0
    };
    Ok(Page::from_rows(rows.into_iter().map(Service::from).collect(), page, total))
}
