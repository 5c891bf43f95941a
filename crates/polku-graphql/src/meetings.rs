//! Meetings on the API: the meeting with its ORS and SRS rating scores,
//! and recording one.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use polku_domain::customer::Rating;
use polku_store::meetings;

use crate::context::{require, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id};
use crate::reference::Language;
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    MeetingType,
    "polku_domain::customer::MeetingType",
    [InitialInterview, JobSearchDiscussion, SupplementaryDiscussion, TripartiteDiscussion, CoachingSession]
);
remote_enum!(MeetingChannel, "polku_domain::customer::MeetingChannel", [InPerson, Phone, Video]);

#[derive(SimpleObject)]
pub struct RatingScore {
    items: Vec<i32>,
    total: i32,
    /// ORS: in the clinical range (25 or below). SRS: below 36, the working
    /// relationship needs attention.
    flagged: bool,
}

pub struct Meeting(pub meetings::Meeting);

#[Object]
impl Meeting {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn meeting_type(&self) -> MeetingType {
        self.0.meeting_type.into()
    }
    async fn channel(&self) -> MeetingChannel {
        self.0.channel.into()
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn language(&self) -> Language {
        self.0.language.into()
    }
    async fn staff_present(&self) -> &[String] {
        &self.0.staff_present
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Outcome Rating Scale, at the start.
    async fn ors(&self) -> Option<RatingScore> {
        self.0.ors.map(|r| score(r, r.ors_clinical()))
    }
    /// Session Rating Scale, at the end.
    async fn srs(&self) -> Option<RatingScore> {
        self.0.srs.map(|r| score(r, r.srs_flagged()))
    }
}

fn score(r: Rating, flagged: bool) -> RatingScore {
    RatingScore {
        items: r.items().iter().map(|x| i32::from(*x)).collect(),
        total: i32::from(r.total()),
        flagged,
    }
}

#[derive(InputObject)]
pub struct MeetingInput {
    customer_id: ID,
    meeting_type: MeetingType,
    channel: MeetingChannel,
    starts_at: DateTime<Utc>,
    language: Language,
    #[graphql(default)]
    staff_present: Vec<String>,
    notes: Option<String>,
    /// Outcome Rating Scale: four items, 0–10 each.
    ors: Option<Vec<i32>>,
    /// Session Rating Scale: four items, 0–10 each.
    srs: Option<Vec<i32>>,
}

pub(crate) fn rating(field: &str, v: Option<Vec<i32>>) -> Result<Option<Rating>, ApiError> {
    v.map(|items| Rating::parse(&items).map_err(|e| e.at(field).into())).transpose()
}

#[derive(Default)]
pub struct MeetingMutation;

#[Object]
impl MeetingMutation {
    async fn record_meeting(&self, ctx: &Context<'_>, input: MeetingInput) -> async_graphql::Result<Meeting> {
        let s = require(ctx, CASE_STAFF).api()?;
        let meeting = (|| -> Result<meetings::NewMeeting, ApiError> {
            Ok(meetings::NewMeeting {
                customer_id: parse_id(&input.customer_id)?,
                meeting_type: input.meeting_type.into(),
                channel: input.channel.into(),
                starts_at: input.starts_at,
                language: input.language.into(),
                staff_present: input.staff_present,
                notes: opt_text("input.notes", input.notes, 20_000)?,
                ors: rating("input.ors", input.ors)?,
                srs: rating("input.srs", input.srs)?,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Meeting(meetings::record(&mut tx, meeting).await.api()?))
    }
}
