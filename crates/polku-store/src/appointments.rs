//! Appointments: booked in one step with the messages that tell the
//! customer (the outbox, written in the same transaction), moved, cancelled,
//! and closed as held (a recorded meeting) or missed. The one way in for an
//! appointment: the API, the demo data and the tests all book through
//! [`book`].

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use polku_domain::appointment::{
    self, AppointmentAction, AppointmentState, Compose, LetterAddress, MeetsObligation, MessageFacts,
    MessagePurpose, SendBy, Slot, SummonsConsequence, Venue, WorkingPeriod,
};
use polku_domain::customer::{MeetingChannel, MeetingType};
use polku_domain::neglect::{self, NeglectRules};
use polku_domain::{DomainError, ErrorCode, Lang};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::meetings;
use crate::{StoreError, Tx};

/// An appointment asked for, parsed: the API builds it from its input.
#[derive(Clone, Debug)]
pub struct NewAppointment {
    pub customer_id: Uuid,
    pub coach_id: Uuid,
    pub kind: MeetingType,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub venue: Venue,
    pub language: Lang,
    /// How the customer hears of it; by default e-mail, else SMS, else a letter.
    pub send_by: Option<SendBy>,
    pub meets: Option<MeetsObligation>,
    /// A manager's reason to book outside working hours or over another
    /// appointment; `None` keeps both checks.
    pub override_reason: Option<String>,
    /// Summon rather than invite: a formal letter stating what not coming
    /// may lead to, and a summons message in place of the invitation.
    pub summons: bool,
}

#[derive(Clone, Debug)]
pub struct Appointment {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub coach_id: Uuid,
    pub kind: MeetingType,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub venue: Venue,
    pub language: Lang,
    pub send_by: SendBy,
    pub meets: Option<MeetsObligation>,
    pub state: AppointmentState,
    pub sequence: i32,
    pub override_reason: Option<String>,
    pub meeting_id: Option<Uuid>,
    pub created_by: String,
}

impl Appointment {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(i64::from(self.minutes))
    }
}

const COLUMNS: &str =
    "appointment_id, customer_id, coach_id, kind, starts_at, duration_minutes, channel, place, \
     video_link, language, send_by, meets, state, sequence, override_reason, meeting_id, created_by";

#[derive(sqlx::FromRow)]
struct Row {
    appointment_id: Uuid,
    customer_id: Uuid,
    coach_id: Uuid,
    kind: String,
    starts_at: DateTime<Utc>,
    duration_minutes: i16,
    channel: String,
    place: Option<String>,
    video_link: Option<String>,
    language: String,
    send_by: String,
    meets: Option<String>,
    state: String,
    sequence: i32,
    override_reason: Option<String>,
    meeting_id: Option<Uuid>,
    created_by: String,
}

impl From<Row> for Appointment {
    fn from(r: Row) -> Self {
        let venue = match (MeetingChannel::from_code(&r.channel), r.place, r.video_link) {
            (Some(MeetingChannel::InPerson), Some(place), _) => Venue::InPerson { place },
            (Some(MeetingChannel::Video), _, Some(link)) => Venue::Video { link },
            _ => Venue::Phone,
        };
        Appointment {
            id: r.appointment_id,
            customer_id: r.customer_id,
            coach_id: r.coach_id,
            kind: MeetingType::from_code(&r.kind).unwrap_or(MeetingType::CoachingSession),
            starts_at: r.starts_at,
            minutes: u32::try_from(r.duration_minutes).unwrap_or(0),
            venue,
            language: Lang::parse(&r.language).unwrap_or(Lang::Fi),
            send_by: SendBy::from_code(&r.send_by).unwrap_or(SendBy::Letter),
            meets: r.meets.as_deref().and_then(MeetsObligation::from_code),
            state: AppointmentState::from_code(&r.state).unwrap_or(AppointmentState::Cancelled),
            sequence: r.sequence,
            override_reason: r.override_reason,
            meeting_id: r.meeting_id,
            created_by: r.created_by,
        }
    }
}

/// What a message needs of the customer.
#[derive(sqlx::FromRow)]
struct Recipient {
    status: String,
    first_names: String,
    email: Option<String>,
    phone: Option<String>,
    reminders_opt_out: bool,
}

/// Serialises the bookings of one coach: two bookings racing for the same
/// hour take turns, so the overlap check below sees the other's row.
async fn lock_coach(tx: &mut Tx, coach: Uuid) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('appointments:' || $1::text, 0))")
        .bind(coach)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The coach's working week: their own where recorded, else the default.
pub async fn working_week(tx: &mut Tx, coach: Uuid) -> Result<Vec<WorkingPeriod>, StoreError> {
    let rows: Vec<(i16, NaiveTime, NaiveTime)> = sqlx::query_as(
        "SELECT weekday, starts, ends FROM working_hours WHERE staff_id = $1 ORDER BY weekday, starts",
    )
    .bind(coach)
    .fetch_all(tx.conn())
    .await?;
    if rows.is_empty() {
        return Ok(appointment::default_week());
    }
    Ok(rows
        .into_iter()
        .filter_map(|(day, starts, ends)| {
            let weekday = Weekday::try_from(u8::try_from(day - 1).ok()?).ok()?;
            Some(WorkingPeriod { weekday, starts, ends })
        })
        .collect())
}

/// A coach named by an id argument: not found, like any other id the area
/// does not have.
async fn known_coach(tx: &mut Tx, coach: Uuid) -> Result<(), StoreError> {
    coach_name(tx, coach).await.map(drop).map_err(|_| StoreError::NotFound)
}

/// A coach's working week, as the API shows it.
pub async fn week_of(tx: &mut Tx, coach: Uuid) -> Result<Vec<WorkingPeriod>, StoreError> {
    known_coach(tx, coach).await?;
    working_week(tx, coach).await
}

/// Replaces a coach's working week (managers and administrators, by policy).
pub async fn set_working_week(tx: &mut Tx, coach: Uuid, week: &[WorkingPeriod]) -> Result<(), StoreError> {
    known_coach(tx, coach).await?;
    sqlx::query("DELETE FROM working_hours WHERE staff_id = $1").bind(coach).execute(tx.conn()).await?;
    let tenant = tx.require_tenant()?.id;
    for p in week {
        sqlx::query("INSERT INTO working_hours (tenant_id, staff_id, weekday, starts, ends) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant)
            .bind(coach)
            .bind(i16::try_from(p.weekday.number_from_monday()).unwrap_or(1))
            .bind(p.starts)
            .bind(p.ends)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

async fn coach_name(tx: &mut Tx, coach: Uuid) -> Result<String, StoreError> {
    sqlx::query_scalar("SELECT name FROM staff WHERE staff_id = $1 AND active AND is_coach")
        .bind(coach)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| DomainError::field(ErrorCode::UnknownCoach, "input.coachId").into())
}

/// The area's reminder hours before an appointment.
pub async fn reminder_hours(tx: &mut Tx) -> Result<Vec<u32>, StoreError> {
    let hours: Option<Vec<i16>> = sqlx::query_scalar("SELECT reminder_hours FROM appointment_settings")
        .fetch_optional(tx.conn())
        .await?;
    Ok(hours.map_or_else(|| vec![72, 24], |h| h.into_iter().filter_map(|x| u32::try_from(x).ok()).collect()))
}

/// Books an appointment and queues its invitation and reminders, all in the
/// caller's transaction: if the booking does not commit, nothing is sent.
pub async fn book(
    tx: &mut Tx,
    new: NewAppointment,
    now: DateTime<Utc>,
    composer: &dyn Compose,
    rules: &NeglectRules,
) -> Result<Appointment, StoreError> {
    let tenant = tx.require_tenant()?.clone();
    if !tenant.enabled_languages.contains(&new.language) {
        return Err(DomainError::field(ErrorCode::LanguageNotEnabled, "input.language").into());
    }
    lock_coach(tx, new.coach_id).await?;
    let coach = coach_name(tx, new.coach_id).await?;
    let customer = recipient(tx, new.customer_id).await?;
    if customer.status != "active" {
        return Err(DomainError::field(ErrorCode::CustomerNotActive, "input.customerId").into());
    }
    let send_by = match new.send_by {
        Some(s) => s,
        None if customer.email.is_some() => SendBy::Email,
        None if customer.phone.is_some() => SendBy::Sms,
        None => SendBy::Letter,
    };
    address(&customer, send_by)?;
    if new.override_reason.is_none() {
        let week = working_week(tx, new.coach_id).await?;
        appointment::check_time(
            new.starts_at,
            new.minutes,
            now,
            &week,
            &tenant.time_zone,
            "input.startsAt",
            "input.durationMinutes",
        )?;
        check_free(tx, new.coach_id, None, new.starts_at, new.minutes).await?;
    } else if new.starts_at <= now {
        return Err(DomainError::field(ErrorCode::AppointmentInPast, "input.startsAt").into());
    }
    let (place, link) = venue_columns(&new.venue);
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO appointments (tenant_id, appointment_id, customer_id, coach_id, kind, starts_at, \
         duration_minutes, ends_at, channel, place, video_link, language, send_by, meets, override_reason, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6 + make_interval(mins => $7::int), $8, $9, $10, $11, $12, $13, $14, \
                 coalesce(app_user(), 'system')) \
         RETURNING {COLUMNS}"
    ))
    .bind(tenant.id)
    .bind(Uuid::now_v7())
    .bind(new.customer_id)
    .bind(new.coach_id)
    .bind(new.kind.code())
    .bind(new.starts_at)
    .bind(i16::try_from(new.minutes).unwrap_or(i16::MAX))
    .bind(new.venue.channel().code())
    .bind(place)
    .bind(link)
    .bind(new.language.code())
    .bind(send_by.code())
    .bind(new.meets.map(MeetsObligation::code))
    .bind(&new.override_reason)
    .fetch_one(tx.conn())
    .await?;
    let a = Appointment::from(row);
    event(tx, a.id, AppointmentAction::Book, Some(a.starts_at), new.override_reason.as_deref()).await?;
    if new.summons {
        summon_to(tx, &a, &coach, &customer, now, composer, rules).await?;
    } else {
        queue_for(tx, &a, &coach, &customer, MessagePurpose::Invitation, None, now, composer).await?;
    }
    audit::record(tx, &[a.customer_id], AuditAction::Create, "appointment").await?;
    Ok(a)
}

/// Summons the customer to an appointment already booked (after a missed
/// one, or when the coach asks): the printable letter, and the summons on
/// the appointment's own channel. Returns the letter's id.
pub async fn summon(
    tx: &mut Tx,
    id: Uuid,
    now: DateTime<Utc>,
    composer: &dyn Compose,
    rules: &NeglectRules,
) -> Result<Uuid, StoreError> {
    let a = for_change(tx, id).await?;
    if !matches!(a.state, AppointmentState::Booked | AppointmentState::Confirmed) || a.starts_at <= now {
        return Err(DomainError::field(ErrorCode::AppointmentTransition, "id")
            .with_arg("action", "summon")
            .with_arg("value", a.state.code())
            .into());
    }
    let customer = recipient(tx, a.customer_id).await?;
    let coach = coach_name(tx, a.coach_id).await?;
    let letter = summon_to(tx, &a, &coach, &customer, now, composer, rules).await?;
    audit::record(tx, &[a.customer_id], AuditAction::Change, "appointment").await?;
    Ok(letter)
}

/// What not coming to `a` would lead to: the next step of the neglect
/// ladder in force on the appointment's day, counting the customer's
/// recorded neglects. `None` before the first rule.
async fn consequence_of(
    tx: &mut Tx,
    a: &Appointment,
    rules: &NeglectRules,
) -> Result<Option<SummonsConsequence>, StoreError> {
    let earlier: Vec<NaiveDate> =
        sqlx::query_scalar("SELECT occurred_on FROM neglects WHERE customer_id = $1")
            .bind(a.customer_id)
            .fetch_all(tx.conn())
            .await?;
    let on = polku_domain::calendar::local_date(a.starts_at, &tx.require_tenant()?.time_zone);
    let Ok(step) = neglect::assess(rules, &earlier, on, on) else { return Ok(None) };
    let source =
        rules.versions().iter().find(|v| v.id == step.rule).map(|v| v.source.clone()).unwrap_or_default();
    Ok(Some(SummonsConsequence {
        consequence: step.consequence,
        ordinal: step.ordinal,
        rule: step.rule,
        source,
    }))
}

/// The summons letter (kept as printed) and message for `a`.
async fn summon_to(
    tx: &mut Tx,
    a: &Appointment,
    coach: &str,
    customer: &Recipient,
    now: DateTime<Utc>,
    composer: &dyn Compose,
    rules: &NeglectRules,
) -> Result<Uuid, StoreError> {
    let consequence = consequence_of(tx, a, rules).await?;
    let postal: (String, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT last_name, street_address, postal_code, post_office FROM customers WHERE customer_id = $1",
    )
    .bind(a.customer_id)
    .fetch_one(tx.conn())
    .await?;
    let name = format!("{} {}", customer.first_names, postal.0);
    let town = [postal.2.as_deref(), postal.3.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let lines: Vec<&str> = [postal.1.as_deref(), Some(town.as_str())]
        .into_iter()
        .flatten()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let tenant = tx.require_tenant()?.clone();
    let area =
        tenant.names.get(a.language, tenant.default_language).unwrap_or(tenant.slug.as_str()).to_string();
    let mut facts = facts_of(a, coach, &area, customer, &tenant.time_zone, MessagePurpose::Summons, now);
    facts.consequence = consequence.as_ref();
    let html = composer.summons_letter(&facts, &LetterAddress { name: &name, lines });
    let letter = crate::letters::insert_summons(tx, a.customer_id, a.id, a.language, &html).await?;
    queue_for(tx, a, coach, customer, MessagePurpose::Summons, consequence.as_ref(), now, composer).await?;
    Ok(letter)
}

/// What a message about `a` says, before the composer words it.
fn facts_of<'a>(
    a: &'a Appointment,
    coach: &'a str,
    area: &'a str,
    customer: &'a Recipient,
    time_zone: &'a str,
    purpose: MessagePurpose,
    now: DateTime<Utc>,
) -> MessageFacts<'a> {
    MessageFacts {
        purpose,
        send_by: a.send_by,
        language: a.language,
        kind: a.kind,
        starts_at: a.starts_at,
        minutes: a.minutes,
        time_zone,
        venue: &a.venue,
        coach_name: coach,
        area_name: area,
        customer_first_names: &customer.first_names,
        appointment_id: a.id,
        sequence: a.sequence,
        written_at: now,
        consequence: None,
    }
}

/// Refuses a time over another open appointment of the coach's.
async fn check_free(
    tx: &mut Tx,
    coach: Uuid,
    except: Option<Uuid>,
    starts_at: DateTime<Utc>,
    minutes: u32,
) -> Result<(), StoreError> {
    let ends_at = starts_at + Duration::minutes(i64::from(minutes));
    let clash: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM appointments WHERE coach_id = $1 AND state IN ('booked', 'confirmed') \
         AND starts_at < $3 AND ends_at > $2 AND appointment_id IS DISTINCT FROM $4)",
    )
    .bind(coach)
    .bind(starts_at)
    .bind(ends_at)
    .bind(except)
    .fetch_one(tx.conn())
    .await?;
    if clash {
        return Err(DomainError::field(ErrorCode::AppointmentOverlap, "input.startsAt").into());
    }
    Ok(())
}

fn venue_columns(v: &Venue) -> (Option<&str>, Option<&str>) {
    match v {
        Venue::InPerson { place } => (Some(place.as_str()), None),
        Venue::Video { link } => (None, Some(link.as_str())),
        Venue::Phone => (None, None),
    }
}

async fn recipient(tx: &mut Tx, customer: Uuid) -> Result<Recipient, StoreError> {
    sqlx::query_as(
        "SELECT status, first_names, email, phone, reminders_opt_out FROM customers WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| DomainError::field(ErrorCode::NotFound, "input.customerId").into())
}

/// Where a message by `send_by` goes: the address, or the customer's name
/// for a letter (staff print and post it with the address on file).
fn address(customer: &Recipient, send_by: SendBy) -> Result<String, StoreError> {
    let missing = || DomainError::field(ErrorCode::NoContactForChannel, "input.sendBy");
    Ok(match send_by {
        SendBy::Email => customer.email.clone().ok_or_else(missing)?,
        SendBy::Sms => customer.phone.clone().ok_or_else(missing)?,
        SendBy::Letter => customer.first_names.clone(),
    })
}

async fn event(
    tx: &mut Tx,
    id: Uuid,
    action: AppointmentAction,
    starts_at: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.id;
    sqlx::query(
        "INSERT INTO appointment_events (tenant_id, appointment_id, action, starts_at, reason, by_user) \
         VALUES ($1, $2, $3, $4, $5, coalesce(app_user(), 'system'))",
    )
    .bind(tenant)
    .bind(id)
    .bind(action.code())
    .bind(starts_at)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Queues the message of `purpose` and, for an appointment still to come,
/// its reminders (unless the customer asked for none).
#[expect(clippy::too_many_arguments, reason = "one call per purpose; a struct would only rename them")]
async fn queue_for(
    tx: &mut Tx,
    a: &Appointment,
    coach: &str,
    customer: &Recipient,
    purpose: MessagePurpose,
    consequence: Option<&SummonsConsequence>,
    now: DateTime<Utc>,
    composer: &dyn Compose,
) -> Result<(), StoreError> {
    let tenant = tx.require_tenant()?.clone();
    let area =
        tenant.names.get(a.language, tenant.default_language).unwrap_or(tenant.slug.as_str()).to_string();
    let to = address(customer, a.send_by)?;
    let facts = |purpose| {
        let mut f = facts_of(a, coach, &area, customer, &tenant.time_zone, purpose, now);
        // The consequence belongs to the summons, not to its reminders.
        f.consequence = consequence.filter(|_| purpose == MessagePurpose::Summons);
        f
    };
    let mut queued = vec![(purpose, now, format!("{}:{}:{}", a.id, purpose.code(), a.sequence))];
    let remind =
        purpose != MessagePurpose::Cancelled && !customer.reminders_opt_out && a.send_by != SendBy::Letter;
    if remind {
        for hours in reminder_hours(tx).await? {
            let due = a.starts_at - Duration::hours(i64::from(hours));
            // A reminder whose hour has passed says nothing the invitation
            // did not.
            if due > now {
                queued.push((
                    MessagePurpose::Reminder,
                    due,
                    format!("{}:reminder:{}:{hours}", a.id, a.sequence),
                ));
            }
        }
    }
    for (purpose, due, key) in queued {
        let text = composer.compose(&facts(purpose));
        crate::outbox::queue(
            tx,
            crate::outbox::NewMessage {
                customer_id: a.customer_id,
                appointment_id: Some(a.id),
                purpose,
                send_by: a.send_by,
                recipient: to.clone(),
                language: a.language,
                text,
                due_at: due,
                dedupe_key: key,
            },
        )
        .await?;
    }
    Ok(())
}

/// Locks and reads an appointment for a change.
async fn for_change(tx: &mut Tx, id: Uuid) -> Result<Appointment, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM appointments WHERE appointment_id = $1 FOR UPDATE"))
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    row.map(Appointment::from).ok_or(StoreError::NotFound)
}

async fn set_state(tx: &mut Tx, a: &mut Appointment, state: AppointmentState) -> Result<(), StoreError> {
    sqlx::query("UPDATE appointments SET state = $2, meeting_id = $3 WHERE appointment_id = $1")
        .bind(a.id)
        .bind(state.code())
        .bind(a.meeting_id)
        .execute(tx.conn())
        .await?;
    a.state = state;
    Ok(())
}

/// The customer said they will come.
pub async fn confirm(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<Appointment, StoreError> {
    let mut a = for_change(tx, id).await?;
    let state = a.state.after(AppointmentAction::Confirm, a.starts_at, now)?;
    set_state(tx, &mut a, state).await?;
    event(tx, id, AppointmentAction::Confirm, None, None).await?;
    audit::record(tx, &[a.customer_id], AuditAction::Change, "appointment").await?;
    Ok(a)
}

/// A new time for an appointment, parsed.
#[derive(Clone, Debug)]
pub struct Reschedule {
    pub starts_at: DateTime<Utc>,
    /// A new length; `None` keeps it.
    pub minutes: Option<u32>,
    pub reason: Option<String>,
    /// As in [`NewAppointment::override_reason`].
    pub override_reason: Option<String>,
}

/// Moves an appointment: the same checks as a booking, the messages not
/// yet sent withdrawn, and the customer told of the new time.
pub async fn reschedule(
    tx: &mut Tx,
    id: Uuid,
    change: Reschedule,
    now: DateTime<Utc>,
    composer: &dyn Compose,
) -> Result<Appointment, StoreError> {
    let Reschedule { starts_at, minutes, reason, override_reason } = change;
    let mut a = for_change(tx, id).await?;
    let state = a.state.after(AppointmentAction::Reschedule, a.starts_at, now)?;
    lock_coach(tx, a.coach_id).await?;
    let minutes = minutes.unwrap_or(a.minutes);
    let tz = tx.require_tenant()?.time_zone.clone();
    if override_reason.is_none() {
        let week = working_week(tx, a.coach_id).await?;
        appointment::check_time(
            starts_at,
            minutes,
            now,
            &week,
            &tz,
            "input.startsAt",
            "input.durationMinutes",
        )?;
        check_free(tx, a.coach_id, Some(a.id), starts_at, minutes).await?;
    } else if starts_at <= now {
        return Err(DomainError::field(ErrorCode::AppointmentInPast, "input.startsAt").into());
    }
    sqlx::query(
        "UPDATE appointments SET starts_at = $2, duration_minutes = $3, \
         ends_at = $2 + make_interval(mins => $3::int), sequence = sequence + 1, state = $4, \
         override_reason = coalesce($5, override_reason) WHERE appointment_id = $1",
    )
    .bind(id)
    .bind(starts_at)
    .bind(i16::try_from(minutes).unwrap_or(i16::MAX))
    .bind(state.code())
    .bind(&override_reason)
    .execute(tx.conn())
    .await?;
    a.starts_at = starts_at;
    a.minutes = minutes;
    a.sequence += 1;
    a.state = state;
    event(tx, id, AppointmentAction::Reschedule, Some(starts_at), reason.as_deref()).await?;
    // A customer not yet invited is invited to the new time; one who was
    // is told it moved.
    let unheard = crate::outbox::withdraw_for(tx, id).await?;
    let purpose = if unheard { MessagePurpose::Invitation } else { MessagePurpose::Rescheduled };
    let customer = recipient(tx, a.customer_id).await?;
    let coach = coach_name(tx, a.coach_id).await?;
    queue_for(tx, &a, &coach, &customer, purpose, None, now, composer).await?;
    audit::record(tx, &[a.customer_id], AuditAction::Change, "appointment").await?;
    Ok(a)
}

/// Cancels an appointment (by the coach or at the customer's wish; the
/// reason says which): reminders withdrawn, the customer told.
pub async fn cancel(
    tx: &mut Tx,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
    composer: &dyn Compose,
) -> Result<Appointment, StoreError> {
    let mut a = for_change(tx, id).await?;
    let state = a.state.after(AppointmentAction::Cancel, a.starts_at, now)?;
    sqlx::query("UPDATE appointments SET sequence = sequence + 1 WHERE appointment_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    a.sequence += 1;
    set_state(tx, &mut a, state).await?;
    event(tx, id, AppointmentAction::Cancel, None, Some(reason)).await?;
    // A customer who never heard of it is not told it is off.
    let unheard = crate::outbox::withdraw_for(tx, id).await?;
    if a.starts_at > now && !unheard {
        let customer = recipient(tx, a.customer_id).await?;
        let coach = coach_name(tx, a.coach_id).await?;
        queue_for(tx, &a, &coach, &customer, MessagePurpose::Cancelled, None, now, composer).await?;
    }
    audit::record(tx, &[a.customer_id], AuditAction::Change, "appointment").await?;
    Ok(a)
}

/// Records that the appointment took place: it becomes a meeting (with
/// what a meeting records), which meets the obligations it meets.
pub async fn hold(
    tx: &mut Tx,
    id: Uuid,
    meeting: HeldMeeting,
    now: DateTime<Utc>,
) -> Result<(Appointment, meetings::Meeting), StoreError> {
    let mut a = for_change(tx, id).await?;
    let state = a.state.after(AppointmentAction::Hold, a.starts_at, now)?;
    let m = meetings::record(
        tx,
        meetings::NewMeeting {
            customer_id: a.customer_id,
            meeting_type: a.kind,
            channel: a.venue.channel(),
            starts_at: a.starts_at,
            language: a.language,
            staff_present: meeting.staff_present,
            notes: meeting.notes,
            ors: meeting.ors,
            srs: meeting.srs,
        },
    )
    .await?;
    a.meeting_id = Some(m.id);
    set_state(tx, &mut a, state).await?;
    event(tx, id, AppointmentAction::Hold, None, None).await?;
    crate::outbox::withdraw_for(tx, id).await?;
    Ok((a, m))
}

/// What is recorded of a held appointment besides its time and kind.
#[derive(Clone, Debug, Default)]
pub struct HeldMeeting {
    pub staff_present: Vec<String>,
    pub notes: Option<String>,
    pub ors: Option<polku_domain::customer::Rating>,
    pub srs: Option<polku_domain::customer::Rating>,
}

/// Records that the customer did not come. Kept: a neglect is built on it.
pub async fn mark_no_show(
    tx: &mut Tx,
    id: Uuid,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Appointment, StoreError> {
    let mut a = for_change(tx, id).await?;
    let state = a.state.after(AppointmentAction::MarkNoShow, a.starts_at, now)?;
    set_state(tx, &mut a, state).await?;
    event(tx, id, AppointmentAction::MarkNoShow, None, reason.as_deref()).await?;
    crate::outbox::withdraw_for(tx, id).await?;
    audit::record(tx, &[a.customer_id], AuditAction::Change, "appointment").await?;
    Ok(a)
}

/// A coach's appointments from `from` to `to` (instants), any state, by
/// time; one audit entry for every customer on it.
pub async fn of_coach(
    tx: &mut Tx,
    coach: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Appointment>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointments WHERE coach_id = $1 AND starts_at < $3 AND ends_at > $2 \
         ORDER BY starts_at, appointment_id"
    ))
    .bind(coach)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?;
    let list: Vec<Appointment> = rows.into_iter().map(Appointment::from).collect();
    let customers: Vec<Uuid> = list.iter().map(|a| a.customer_id).collect();
    audit::record(tx, &customers, AuditAction::Read, "appointment").await?;
    Ok(list)
}

/// A customer's appointments, newest first.
pub async fn of_customer(tx: &mut Tx, customer: Uuid) -> Result<Vec<Appointment>, StoreError> {
    recipient(tx, customer).await.map_err(|_| StoreError::NotFound)?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointments WHERE customer_id = $1 ORDER BY starts_at DESC, appointment_id"
    ))
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "appointment").await?;
    Ok(rows.into_iter().map(Appointment::from).collect())
}

/// Whether the area has no appointments at all (the demo books a week only
/// into an empty calendar).
pub async fn none_yet(tx: &mut Tx) -> Result<bool, StoreError> {
    Ok(!sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM appointments)")
        .fetch_one(tx.conn())
        .await?)
}

/// The coach's free slots of `minutes` between two days (the area's time).
pub async fn free_slots(
    tx: &mut Tx,
    coach: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    minutes: u32,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>, StoreError> {
    if to < from || (to - from).num_days() > 92 {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "to").into());
    }
    appointment::check_minutes(minutes, "durationMinutes")?;
    known_coach(tx, coach).await?;
    let tz = tx.require_tenant()?.time_zone.clone();
    let week = working_week(tx, coach).await?;
    // A day's margin each side covers every time zone's local day.
    let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT starts_at, ends_at FROM appointments WHERE coach_id = $1 AND state IN ('booked', 'confirmed') \
         AND starts_at < ($3::date + 2)::timestamptz AND ends_at > ($2::date - 1)::timestamptz",
    )
    .bind(coach)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?;
    Ok(appointment::free_slots(&week, &busy, from, to, minutes, now, &tz))
}
