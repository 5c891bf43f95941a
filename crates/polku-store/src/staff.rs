//! Staff of an employment area: coaches (with the languages they work in)
//! and managers, and their caseloads.

use chrono::{DateTime, Utc};
use polku_domain::Lang;
use uuid::Uuid;

use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Staff {
    pub id: Uuid,
    pub subject: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_coach: bool,
    pub languages: Vec<Lang>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Active customers assigned to this person.
    pub caseload: i64,
}

#[derive(Clone, Debug)]
pub struct StaffInput {
    pub subject: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_coach: bool,
    pub languages: Vec<Lang>,
}

#[derive(sqlx::FromRow)]
struct Row {
    staff_id: Uuid,
    subject: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    is_coach: bool,
    languages: Vec<String>,
    active: bool,
    created_at: DateTime<Utc>,
    caseload: i64,
}

impl From<Row> for Staff {
    fn from(r: Row) -> Self {
        Staff {
            id: r.staff_id,
            subject: r.subject,
            name: r.name,
            email: r.email,
            phone: r.phone,
            is_coach: r.is_coach,
            languages: r.languages.iter().filter_map(|l| Lang::parse(l).ok()).collect(),
            active: r.active,
            created_at: r.created_at,
            caseload: r.caseload,
        }
    }
}

const SELECT: &str = "SELECT s.staff_id, s.subject, s.name, s.email, s.phone, s.is_coach, s.languages, s.active, \
     s.created_at, (SELECT count(*) FROM customers c WHERE c.tenant_id = s.tenant_id AND c.coach_id = s.staff_id \
     AND c.status = 'active') AS caseload FROM staff s";

pub async fn create(tx: &mut Tx, input: StaffInput) -> Result<Staff, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO staff (tenant_id, staff_id, subject, name, email, phone, is_coach, languages) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant)
    .bind(id)
    .bind(&input.subject)
    .bind(&input.name)
    .bind(&input.email)
    .bind(&input.phone)
    .bind(input.is_coach)
    .bind(input.languages.iter().map(|l| l.code()).collect::<Vec<_>>())
    .execute(tx.conn())
    .await?;
    get(tx, id).await
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Staff, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE s.staff_id = $1")).bind(id).fetch_optional(tx.conn()).await?;
    row.map(Staff::from).ok_or(StoreError::NotFound)
}

/// The staff row of the calling user, if they have one.
pub async fn me(tx: &mut Tx) -> Result<Option<Staff>, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE s.subject = app_user()")).fetch_optional(tx.conn()).await?;
    Ok(row.map(Staff::from))
}

pub async fn by_ids(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<Staff>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE s.staff_id = ANY($1)"))
        .bind(ids)
        .fetch_all(tx.conn())
        .await?;
    Ok(rows.into_iter().map(Staff::from).collect())
}

/// Everyone, coaches first by name.
pub async fn list(tx: &mut Tx, coaches_only: bool) -> Result<Vec<Staff>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.active AND (NOT $1 OR s.is_coach) ORDER BY s.is_coach DESC, s.name"
    ))
    .bind(coaches_only)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Staff::from).collect())
}

/// Serialises caseload changes within the area for the rest of the
/// transaction, so two concurrent assignments (on any replica) cannot both
/// see room for one more customer. An advisory lock rather than row locks:
/// a coach assigning a customer has no right to update staff rows, and
/// `SELECT ... FOR UPDATE` would need it.
pub(crate) async fn lock_caseloads(tx: &mut Tx) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('polku.caseload.' || $1::text, 0))")
        .bind(tenant)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An active coach of the area, with their current caseload.
pub(crate) async fn coach(tx: &mut Tx, id: Uuid) -> Result<Staff, StoreError> {
    let staff = get(tx, id).await?;
    if staff.is_coach && staff.active {
        Ok(staff)
    } else {
        Err(StoreError::NotFound)
    }
}
