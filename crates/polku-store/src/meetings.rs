//! Meetings with a customer, with the client-reported ORS (at the start)
//! and SRS (at the end) where they were used.

use chrono::{DateTime, Utc};
use polku_domain::customer::{MeetingChannel, MeetingType, Rating};
use polku_domain::Lang;
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

#[derive(Clone, Debug)]
pub struct NewMeeting {
    pub customer_id: Uuid,
    pub meeting_type: MeetingType,
    pub channel: MeetingChannel,
    pub starts_at: DateTime<Utc>,
    pub language: Lang,
    pub staff_present: Vec<String>,
    pub notes: Option<String>,
    pub ors: Option<Rating>,
    pub srs: Option<Rating>,
}

#[derive(Clone, Debug)]
pub struct Meeting {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub meeting_type: MeetingType,
    pub channel: MeetingChannel,
    pub starts_at: DateTime<Utc>,
    pub language: Lang,
    pub staff_present: Vec<String>,
    pub notes: Option<String>,
    pub ors: Option<Rating>,
    pub srs: Option<Rating>,
    pub created_by: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    meeting_id: Uuid,
    customer_id: Uuid,
    meeting_type: String,
    channel: String,
    starts_at: DateTime<Utc>,
    language: String,
    staff_present: Vec<String>,
    notes: Option<String>,
    ors: Option<Vec<i16>>,
    srs: Option<Vec<i16>>,
    created_by: String,
}

fn rating(v: Option<Vec<i16>>) -> Option<Rating> {
    v.and_then(|v| Rating::parse(&v.iter().map(|x| i32::from(*x)).collect::<Vec<_>>()).ok())
}

impl From<Row> for Meeting {
    fn from(r: Row) -> Self {
        Meeting {
            id: r.meeting_id,
            customer_id: r.customer_id,
            meeting_type: MeetingType::from_code(&r.meeting_type).unwrap_or(MeetingType::CoachingSession),
            channel: MeetingChannel::from_code(&r.channel).unwrap_or(MeetingChannel::InPerson),
            starts_at: r.starts_at,
            language: Lang::parse(&r.language).unwrap_or(Lang::Fi),
            staff_present: r.staff_present,
            notes: r.notes,
            ors: rating(r.ors),
            srs: rating(r.srs),
            created_by: r.created_by,
        }
    }
}

const COLUMNS: &str =
    "meeting_id, customer_id, meeting_type, channel, starts_at, language, staff_present, notes, ors, srs, created_by";

fn items(r: Option<Rating>) -> Option<Vec<i16>> {
    r.map(|r| r.items().iter().map(|x| i16::from(*x)).collect())
}

pub async fn record(tx: &mut Tx, m: NewMeeting) -> Result<Meeting, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let row: Option<Row> = sqlx::query_as(&format!(
        "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, \
         staff_present, notes, ors, srs, created_by) \
         SELECT $1, $2, customer_id, $4, $5, $6, $7, $8, $9, $10, $11, coalesce(app_user(), 'system') \
         FROM customers WHERE customer_id = $3 RETURNING {COLUMNS}"
    ))
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(m.customer_id)
    .bind(m.meeting_type.code())
    .bind(m.channel.code())
    .bind(m.starts_at)
    .bind(m.language.code())
    .bind(&m.staff_present)
    .bind(&m.notes)
    .bind(items(m.ors))
    .bind(items(m.srs))
    .fetch_optional(tx.conn())
    .await?;
    let meeting = row.map(Meeting::from).ok_or(StoreError::NotFound)?;
    audit::record(tx, &[meeting.customer_id], AuditAction::Create, "meeting").await?;
    Ok(meeting)
}

/// Meetings of the given customers in one query, oldest first.
pub async fn for_customers(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<Meeting>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM meetings WHERE customer_id = ANY($1) ORDER BY starts_at, meeting_id"
    ))
    .bind(customers)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Meeting::from).collect())
}

/// A meeting as the deadlines see it: what kind, and on which day.
#[derive(Clone, Copy, Debug)]
pub struct MeetingDay {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub meeting_type: MeetingType,
    pub starts_at: DateTime<Utc>,
}

/// Only the columns deadlines need, for every meeting of the given
/// customers: a worklist over thousands of customers reads tens of
/// thousands of meetings, and notes and ratings are most of their bytes.
pub async fn days_for_customers(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<MeetingDay>, StoreError> {
    let rows: Vec<(Uuid, Uuid, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT meeting_id, customer_id, meeting_type, starts_at FROM meetings WHERE customer_id = ANY($1)",
    )
    .bind(customers)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, customer_id, kind, starts_at)| MeetingDay {
            id,
            customer_id,
            meeting_type: MeetingType::from_code(&kind).unwrap_or(MeetingType::CoachingSession),
            starts_at,
        })
        .collect())
}
