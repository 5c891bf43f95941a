//! Personal letters to customers, stored as the printable HTML they were
//! rendered as, so a reprint shows exactly what was sent.

use chrono::{DateTime, Utc};
use polku_domain::Lang;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Letter {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: String,
    pub language: Lang,
    pub created_at: DateTime<Utc>,
}

/// Stores many transfer letters in one statement.
pub async fn insert_transfer_letters(
    tx: &mut Tx,
    letters: &[(Uuid, Lang, String)],
) -> Result<(), StoreError> {
    if letters.is_empty() {
        return Ok(());
    }
    let tenant = tx.require_tenant()?.id;
    let ids: Vec<Uuid> = letters.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query(
        "INSERT INTO letters (tenant_id, letter_id, customer_id, kind, language, html) \
         SELECT $1, l, c, 'transfer', g, h FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS t(l, c, g, h)",
    )
    .bind(tenant)
    .bind(&ids)
    .bind(letters.iter().map(|l| l.0).collect::<Vec<_>>())
    .bind(letters.iter().map(|l| l.1.code()).collect::<Vec<_>>())
    .bind(letters.iter().map(|l| l.2.as_str()).collect::<Vec<_>>())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Stores a summons letter for an appointment; returns its id.
pub async fn insert_summons(
    tx: &mut Tx,
    customer: Uuid,
    appointment: Uuid,
    language: Lang,
    html: &str,
) -> Result<Uuid, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO letters (tenant_id, letter_id, customer_id, kind, language, html, appointment_id) \
         VALUES ($1, $2, $3, 'summons', $4, $5, $6)",
    )
    .bind(tenant)
    .bind(id)
    .bind(customer)
    .bind(language.code())
    .bind(html)
    .bind(appointment)
    .execute(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Create, "letter").await?;
    Ok(id)
}

/// The letters printed for an appointment (its summonses), oldest first.
pub async fn for_appointment(tx: &mut Tx, appointment: Uuid) -> Result<Vec<Letter>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT letter_id, customer_id, kind, language, created_at FROM letters WHERE appointment_id = $1 \
         ORDER BY created_at, letter_id",
    )
    .bind(appointment)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Letter::from).collect())
}

#[derive(sqlx::FromRow)]
struct Row {
    letter_id: Uuid,
    customer_id: Uuid,
    kind: String,
    language: String,
    created_at: DateTime<Utc>,
}

impl From<Row> for Letter {
    fn from(r: Row) -> Self {
        Letter {
            id: r.letter_id,
            customer_id: r.customer_id,
            kind: r.kind,
            language: Lang::parse(&r.language).unwrap_or(Lang::Fi),
            created_at: r.created_at,
        }
    }
}

pub async fn for_customers(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<Letter>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT letter_id, customer_id, kind, language, created_at FROM letters WHERE customer_id = ANY($1) \
         ORDER BY created_at",
    )
    .bind(customers)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Letter::from).collect())
}

/// The letter's HTML, audited as an export of the customer's data.
pub async fn html(tx: &mut Tx, id: Uuid) -> Result<(Letter, String), StoreError> {
    let row: Option<(Uuid, Uuid, String, String, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT letter_id, customer_id, kind, language, created_at, html FROM letters WHERE letter_id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let (letter_id, customer_id, kind, language, created_at, html) = row.ok_or(StoreError::NotFound)?;
    audit::record(tx, &[customer_id], AuditAction::Export, "letter").await?;
    let letter = Letter::from(Row { letter_id, customer_id, kind, language, created_at });
    Ok((letter, html))
}
