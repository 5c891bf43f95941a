//! Partner organisations of an employment area: vocational schools,
//! development companies, third-sector organisations, employers.

use chrono::{DateTime, Utc};
use polku_domain::{BusinessId, Lang, PartnerKind};
use uuid::Uuid;

use crate::{Page, PageRequest, StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
    pub business_id: Option<String>,
    pub languages: Vec<Lang>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A partner as written: every field already parsed.
#[derive(Clone, Debug)]
pub struct PartnerInput {
    pub name: String,
    pub kind: PartnerKind,
    pub business_id: Option<BusinessId>,
    pub languages: Vec<Lang>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    partner_id: Uuid,
    name: String,
    kind: String,
    business_id: Option<String>,
    languages: Vec<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    website: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "partner_id, name, kind, business_id, languages, contact_name, contact_email, \
     contact_phone, website, created_at, updated_at";

impl From<Row> for Partner {
    fn from(r: Row) -> Self {
        Partner {
            id: r.partner_id,
            name: r.name,
            kind: PartnerKind::from_code(&r.kind).unwrap_or(PartnerKind::Other),
            business_id: r.business_id,
            languages: r.languages.iter().filter_map(|l| Lang::parse(l).ok()).collect(),
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            website: r.website,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn langs(v: &[Lang]) -> Vec<&'static str> {
    v.iter().map(|l| l.code()).collect()
}

pub async fn create(tx: &mut Tx, input: PartnerInput) -> Result<Partner, StoreError> {
    let tenant_id = tx.require_tenant()?.id;
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO partners (tenant_id, partner_id, name, kind, business_id, languages, contact_name, \
         contact_email, contact_phone, website) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(Uuid::now_v7())
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(input.business_id.as_ref().map(BusinessId::as_str))
    .bind(langs(&input.languages))
    .bind(&input.contact_name)
    .bind(&input.contact_email)
    .bind(&input.contact_phone)
    .bind(&input.website)
    .fetch_one(tx.conn())
    .await?;
    Ok(row.into())
}

pub async fn update(tx: &mut Tx, id: Uuid, input: PartnerInput) -> Result<Partner, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE partners SET name = $2, kind = $3, business_id = $4, languages = $5, contact_name = $6, \
         contact_email = $7, contact_phone = $8, website = $9, updated_at = now() \
         WHERE partner_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(input.business_id.as_ref().map(BusinessId::as_str))
    .bind(langs(&input.languages))
    .bind(&input.contact_name)
    .bind(&input.contact_email)
    .bind(&input.contact_phone)
    .bind(&input.website)
    .fetch_optional(tx.conn())
    .await?;
    row.map(Partner::from).ok_or(StoreError::NotFound)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Partner, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM partners WHERE partner_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    row.map(Partner::from).ok_or(StoreError::NotFound)
}

/// One query for many ids: the DataLoader's batch.
pub async fn by_ids(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<Partner>, StoreError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM partners WHERE partner_id = ANY($1)"))
            .bind(ids)
            .fetch_all(tx.conn())
            .await?;
    Ok(rows.into_iter().map(Partner::from).collect())
}

pub async fn list(tx: &mut Tx, page: PageRequest) -> Result<Page<Partner>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM partners WHERE $1::uuid IS NULL OR partner_id > $1 ORDER BY partner_id LIMIT $2"
    ))
    .bind(page.after)
    .bind(i64::from(page.first) + 1)
    .fetch_all(tx.conn())
    .await?;
    // Counted only when the caller asks for the total.
    let total: i64 = if page.with_total {
        sqlx::query_scalar("SELECT count(*) FROM partners").fetch_one(tx.conn()).await?
    } else {
        0
    };
    Ok(Page::from_rows(rows.into_iter().map(Partner::from).collect(), page, total))
}
