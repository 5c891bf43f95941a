//! Appointments on the API: booking one for a customer (with the messages
//! that tell them), moving, cancelling, closing it as held or missed, the
//! coach's week, free slots and the coaches' working hours.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use polku_domain::appointment::{self as domain, Venue, WorkingPeriod};
use polku_domain::{DomainError, ErrorCode, Role};
use polku_store::{appointments, letters, outbox};

use crate::context::{now, request, require, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id, text};
use crate::letters::Letter;
use crate::meetings::{rating, Meeting, MeetingChannel, MeetingType};
use crate::reference::Language;
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    AppointmentState,
    "polku_domain::appointment::AppointmentState",
    [Booked, Confirmed, Cancelled, Held, NoShow]
);
remote_enum!(SendBy, "polku_domain::appointment::SendBy", [Email, Sms, Letter]);
remote_enum!(
    MeetsObligation,
    "polku_domain::appointment::MeetsObligation",
    [InitialInterview, JobSearchDiscussion, SupplementaryDiscussion, IntensiveDiscussion]
);

/// Those who may book past working hours or over another appointment.
const OVERRIDERS: &[Role] = &[Role::Manager, Role::TenantAdmin];

pub struct Appointment(appointments::Appointment);

#[Object]
impl Appointment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    async fn coach_id(&self) -> ID {
        ID(self.0.coach_id.to_string())
    }
    async fn kind(&self) -> MeetingType {
        self.0.kind.into()
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at()
    }
    async fn duration_minutes(&self) -> u32 {
        self.0.minutes
    }
    async fn channel(&self) -> MeetingChannel {
        self.0.venue.channel().into()
    }
    async fn place(&self) -> Option<&str> {
        match &self.0.venue {
            Venue::InPerson { place } => Some(place),
            _ => None,
        }
    }
    async fn video_link(&self) -> Option<&str> {
        match &self.0.venue {
            Venue::Video { link } => Some(link),
            _ => None,
        }
    }
    async fn language(&self) -> Language {
        self.0.language.into()
    }
    async fn send_by(&self) -> SendBy {
        self.0.send_by.into()
    }
    async fn meets(&self) -> Option<MeetsObligation> {
        self.0.meets.map(Into::into)
    }
    async fn state(&self) -> AppointmentState {
        self.0.state.into()
    }
    /// Set when a manager booked past working hours or over another appointment.
    async fn override_reason(&self) -> Option<&str> {
        self.0.override_reason.as_deref()
    }
    /// The recorded meeting, once held.
    async fn meeting_id(&self) -> Option<ID> {
        self.0.meeting_id.map(|id| ID(id.to_string()))
    }
    /// Summons letters printed for it, oldest first.
    async fn letters(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Letter>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(letters::for_appointment(&mut tx, self.0.id).await.api()?.into_iter().map(Letter).collect())
    }
    /// The messages to the customer about it: what and when, not their text.
    async fn messages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MessageStatus>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(outbox::for_appointment(&mut tx, self.0.id)
            .await
            .api()?
            .into_iter()
            .map(MessageStatus::from)
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct MessageStatus {
    id: ID,
    /// invitation, reminder, rescheduled, cancelled or summons (a digest
    /// goes to staff, never about an appointment).
    purpose: String,
    /// email, sms or letter.
    channel: String,
    /// pending, sending, sent, failed, cancelled, printed, or to_print (a
    /// letter the customer has no Suomi.fi mailbox for: the area prints it).
    state: String,
    due_at: DateTime<Utc>,
    attempts: i32,
    sent_at: Option<DateTime<Utc>>,
}

impl From<outbox::MessageStatus> for MessageStatus {
    fn from(m: outbox::MessageStatus) -> Self {
        MessageStatus {
            id: ID(m.message_id.to_string()),
            purpose: m.purpose,
            channel: m.channel,
            state: m.state,
            due_at: m.due_at,
            attempts: m.attempts,
            sent_at: m.sent_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct FreeSlot {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Weekday> for chrono::Weekday {
    fn from(w: Weekday) -> Self {
        match w {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(w: chrono::Weekday) -> Self {
        match w {
            chrono::Weekday::Mon => Weekday::Monday,
            chrono::Weekday::Tue => Weekday::Tuesday,
            chrono::Weekday::Wed => Weekday::Wednesday,
            chrono::Weekday::Thu => Weekday::Thursday,
            chrono::Weekday::Fri => Weekday::Friday,
            chrono::Weekday::Sat => Weekday::Saturday,
            chrono::Weekday::Sun => Weekday::Sunday,
        }
    }
}

/// A period of a coach's working week, in the area's local time.
#[derive(InputObject, SimpleObject)]
#[graphql(input_name = "WorkingPeriodInput")]
pub struct WorkingPeriodValue {
    weekday: Weekday,
    starts: NaiveTime,
    ends: NaiveTime,
}

#[derive(InputObject)]
pub struct BookAppointmentInput {
    customer_id: ID,
    coach_id: ID,
    kind: MeetingType,
    starts_at: DateTime<Utc>,
    duration_minutes: u32,
    channel: MeetingChannel,
    /// Required in person: the address or room.
    place: Option<String>,
    /// Required for video: an https link.
    video_link: Option<String>,
    language: Language,
    /// How the customer hears of it; by default e-mail, else SMS, else a letter.
    send_by: Option<SendBy>,
    /// The obligation it is meant to meet.
    meets: Option<MeetsObligation>,
    /// Managers only: book outside working hours or over another appointment.
    override_reason: Option<String>,
    /// Summon rather than invite (after a missed appointment): a printable
    /// letter stating what not coming may lead to, and a summons message in
    /// place of the invitation.
    #[graphql(default)]
    summons: bool,
}

#[derive(InputObject)]
pub struct RescheduleAppointmentInput {
    id: ID,
    starts_at: DateTime<Utc>,
    duration_minutes: Option<u32>,
    reason: Option<String>,
    override_reason: Option<String>,
}

#[derive(InputObject)]
pub struct HeldAppointmentInput {
    id: ID,
    #[graphql(default)]
    staff_present: Vec<String>,
    notes: Option<String>,
    ors: Option<Vec<i32>>,
    srs: Option<Vec<i32>>,
}

#[derive(SimpleObject)]
pub struct HeldAppointment {
    appointment: Appointment,
    meeting: Meeting,
}

/// A manager's override reason, refused to anyone else.
fn override_reason(ctx: &Context<'_>, v: Option<String>) -> Result<Option<String>, ApiError> {
    let reason = opt_text("input.overrideReason", v, 1000)?;
    if reason.is_some() && require(ctx, OVERRIDERS).is_err() {
        return Err(DomainError::field(ErrorCode::Forbidden, "input.overrideReason").into());
    }
    Ok(reason)
}

fn minutes(field: &str, v: u32) -> Result<u32, ApiError> {
    Ok(domain::check_minutes(v, field)?)
}

#[derive(Default)]
pub struct AppointmentQuery;

#[Object]
impl AppointmentQuery {
    /// A coach's appointments overlapping the period, by time: their week.
    async fn coach_appointments(
        &self,
        ctx: &Context<'_>,
        coach_id: ID,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> async_graphql::Result<Vec<Appointment>> {
        let s = require(ctx, CASE_STAFF).api()?;
        if to <= from || to - from > chrono::Duration::days(92) {
            return Err(ApiError::from(DomainError::field(ErrorCode::InvalidDateRange, "to"))).api();
        }
        let coach = parse_id(&coach_id).api()?;
        let mut tx = s.tx().await.api()?;
        let list = appointments::of_coach(&mut tx, coach, from, to).await.api()?;
        Ok(list.into_iter().map(Appointment).collect())
    }

    /// A customer's appointments, newest first.
    async fn customer_appointments(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
    ) -> async_graphql::Result<Vec<Appointment>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let customer = parse_id(&customer_id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(appointments::of_customer(&mut tx, customer).await.api()?.into_iter().map(Appointment).collect())
    }

    /// The coach's free slots of the given length between two days (both
    /// included, the area's time; at most three months), from now on.
    async fn free_slots(
        &self,
        ctx: &Context<'_>,
        coach_id: ID,
        from: NaiveDate,
        to: NaiveDate,
        duration_minutes: u32,
    ) -> async_graphql::Result<Vec<FreeSlot>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let coach = parse_id(&coach_id).api()?;
        let mut tx = s.tx().await.api()?;
        let slots =
            appointments::free_slots(&mut tx, coach, from, to, duration_minutes, now(ctx)).await.api()?;
        Ok(slots.into_iter().map(|s| FreeSlot { starts_at: s.starts_at, ends_at: s.ends_at }).collect())
    }

    /// A coach's working week (the default week if none is recorded).
    async fn working_hours(
        &self,
        ctx: &Context<'_>,
        coach_id: ID,
    ) -> async_graphql::Result<Vec<WorkingPeriodValue>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let coach = parse_id(&coach_id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(appointments::week_of(&mut tx, coach)
            .await
            .api()?
            .into_iter()
            .map(|p| WorkingPeriodValue { weekday: p.weekday.into(), starts: p.starts, ends: p.ends })
            .collect())
    }
}

#[derive(Default)]
pub struct AppointmentMutation;

#[Object]
impl AppointmentMutation {
    /// Books an appointment and queues the invitation and reminders to the
    /// customer, in their language, in the same transaction.
    async fn book_appointment(
        &self,
        ctx: &Context<'_>,
        input: BookAppointmentInput,
    ) -> async_graphql::Result<Appointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let new = (|| -> Result<appointments::NewAppointment, ApiError> {
            Ok(appointments::NewAppointment {
                customer_id: parse_id(&input.customer_id)?,
                coach_id: parse_id(&input.coach_id).map_err(|_| {
                    ApiError::from(DomainError::field(ErrorCode::UnknownCoach, "input.coachId"))
                })?,
                kind: input.kind.into(),
                starts_at: input.starts_at,
                minutes: minutes("input.durationMinutes", input.duration_minutes)?,
                venue: Venue::parse(
                    input.channel.into(),
                    input.place.as_deref(),
                    input.video_link.as_deref(),
                    "input",
                )?,
                language: input.language.into(),
                send_by: input.send_by.map(Into::into),
                meets: input.meets.map(Into::into),
                override_reason: override_reason(ctx, input.override_reason)?,
                summons: input.summons,
            })
        })()
        .api()?;
        let composer = request(ctx).localizer.clone();
        let rules = crate::duties::neglect_rules(ctx);
        let mut tx = s.tx().await.api()?;
        Ok(Appointment(appointments::book(&mut tx, new, now(ctx), composer.as_ref(), rules).await.api()?))
    }

    /// Summons the customer to an appointment already booked: a printable
    /// letter (A4) stating what not coming may lead to under the rules of
    /// the appointment's day, and the summons on the appointment's channel.
    async fn summon_customer(&self, ctx: &Context<'_>, appointment_id: ID) -> async_graphql::Result<Letter> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&appointment_id).api()?;
        let composer = request(ctx).localizer.clone();
        let rules = crate::duties::neglect_rules(ctx);
        let mut tx = s.tx().await.api()?;
        let letter = appointments::summon(&mut tx, id, now(ctx), composer.as_ref(), rules).await.api()?;
        let letters = letters::for_appointment(&mut tx, id).await.api()?;
        letters
            .into_iter()
            .find(|l| l.id == letter)
            .map(Letter)
            .ok_or(polku_store::StoreError::NotFound)
            .api()
    }

    /// The customer said they will come.
    async fn confirm_appointment(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Appointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Appointment(appointments::confirm(&mut tx, id, now(ctx)).await.api()?))
    }

    /// Moves an appointment; the customer is told of the new time.
    async fn reschedule_appointment(
        &self,
        ctx: &Context<'_>,
        input: RescheduleAppointmentInput,
    ) -> async_graphql::Result<Appointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let (id, change) = (|| -> Result<_, ApiError> {
            Ok((
                parse_id(&input.id)?,
                appointments::Reschedule {
                    starts_at: input.starts_at,
                    minutes: input
                        .duration_minutes
                        .map(|m| minutes("input.durationMinutes", m))
                        .transpose()?,
                    reason: opt_text("input.reason", input.reason, 1000)?,
                    override_reason: override_reason(ctx, input.override_reason)?,
                },
            ))
        })()
        .api()?;
        let composer = request(ctx).localizer.clone();
        let mut tx = s.tx().await.api()?;
        let a = appointments::reschedule(&mut tx, id, change, now(ctx), composer.as_ref()).await.api()?;
        Ok(Appointment(a))
    }

    /// Cancels an appointment, saying why; the customer is told.
    async fn cancel_appointment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<Appointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let (id, reason) =
            (|| -> Result<_, ApiError> { Ok((parse_id(&id)?, text("reason", &reason, 1000)?)) })().api()?;
        let composer = request(ctx).localizer.clone();
        let mut tx = s.tx().await.api()?;
        Ok(Appointment(appointments::cancel(&mut tx, id, &reason, now(ctx), composer.as_ref()).await.api()?))
    }

    /// Records that the appointment took place: it becomes a meeting.
    async fn record_appointment_held(
        &self,
        ctx: &Context<'_>,
        input: HeldAppointmentInput,
    ) -> async_graphql::Result<HeldAppointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let (id, held) = (|| -> Result<_, ApiError> {
            Ok((
                parse_id(&input.id)?,
                appointments::HeldMeeting {
                    staff_present: input.staff_present,
                    notes: opt_text("input.notes", input.notes, 20_000)?,
                    ors: rating("input.ors", input.ors)?,
                    srs: rating("input.srs", input.srs)?,
                },
            ))
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let (a, m) = appointments::hold(&mut tx, id, held, now(ctx)).await.api()?;
        Ok(HeldAppointment { appointment: Appointment(a), meeting: Meeting(m) })
    }

    /// Records that the customer did not come. It is kept: a neglect is
    /// built on it.
    async fn record_no_show(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Appointment> {
        let s = require(ctx, CASE_STAFF).api()?;
        let (id, reason) =
            (|| -> Result<_, ApiError> { Ok((parse_id(&id)?, opt_text("reason", reason, 1000)?)) })()
                .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Appointment(appointments::mark_no_show(&mut tx, id, reason, now(ctx)).await.api()?))
    }

    /// Replaces a coach's working week (managers and administrators).
    async fn set_working_hours(
        &self,
        ctx: &Context<'_>,
        coach_id: ID,
        periods: Vec<WorkingPeriodValue>,
    ) -> async_graphql::Result<Vec<WorkingPeriodValue>> {
        let s = require(ctx, OVERRIDERS).api()?;
        let (coach, week) = (|| -> Result<_, ApiError> {
            let coach = parse_id(&coach_id)
                .map_err(|_| ApiError::from(DomainError::field(ErrorCode::UnknownCoach, "coachId")))?;
            let week = periods
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    WorkingPeriod::parse(p.weekday.into(), p.starts, p.ends, &format!("periods[{i}]"))
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            Ok((coach, week))
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        appointments::set_working_week(&mut tx, coach, &week).await.api()?;
        Ok(periods)
    }
}
