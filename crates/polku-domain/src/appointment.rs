//! Appointments: a meeting with a customer booked ahead, its life from
//! booked to held or missed, and when a coach is free. Times are instants
//! (UTC); working hours are the area's local time, so a booking at 9:00 in
//! Helsinki stays at 9:00 across a change of daylight-saving time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use crate::calendar::{is_working_day, DEFAULT_TIME_ZONE};
use crate::customer::MeetingType;
use crate::rules::ObligationKind;
use crate::{DomainError, ErrorCode};

code_enum! {
    /// Where an appointment stands. Booked and confirmed are still to come;
    /// the other three are final.
    AppointmentState {
        Booked => "booked",
        /// The customer said they will come.
        Confirmed => "confirmed",
        Cancelled => "cancelled",
        /// It took place and became a recorded meeting.
        Held => "held",
        /// The customer did not come: what a neglect is built on, so it is kept.
        NoShow => "no_show",
    }
}

code_enum! {
    /// What is done to an appointment; each is one event in its history.
    AppointmentAction {
        Book => "booked",
        Confirm => "confirmed",
        Reschedule => "rescheduled",
        Cancel => "cancelled",
        Hold => "held",
        MarkNoShow => "no_show",
    }
}

impl AppointmentState {
    /// Still to come: it holds the coach's time and plans its obligation.
    pub fn is_open(self) -> bool {
        matches!(self, AppointmentState::Booked | AppointmentState::Confirmed)
    }

    /// The state after `action`, or why it cannot be done. Held and no-show
    /// are recorded only once the appointment's time has come.
    pub fn after(
        self,
        action: AppointmentAction,
        starts_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<AppointmentState, DomainError> {
        let refused = || {
            DomainError::new(ErrorCode::AppointmentTransition)
                .with_arg("from", self.code())
                .with_arg("action", action.code())
        };
        if !self.is_open() {
            return Err(refused());
        }
        match action {
            AppointmentAction::Book => Err(refused()),
            AppointmentAction::Confirm if self == AppointmentState::Booked => Ok(AppointmentState::Confirmed),
            AppointmentAction::Confirm => Err(refused()),
            // A new time needs the customer's confirmation again.
            AppointmentAction::Reschedule => Ok(AppointmentState::Booked),
            AppointmentAction::Cancel => Ok(AppointmentState::Cancelled),
            AppointmentAction::Hold | AppointmentAction::MarkNoShow if starts_at > now => {
                Err(DomainError::new(ErrorCode::AppointmentNotDue))
            }
            AppointmentAction::Hold => Ok(AppointmentState::Held),
            AppointmentAction::MarkNoShow => Ok(AppointmentState::NoShow),
        }
    }
}

code_enum! {
    /// The obligation an appointment is meant to meet: the statutory
    /// discussions a meeting can meet.
    MeetsObligation {
        InitialInterview => "initial_interview",
        JobSearchDiscussion => "job_search_discussion",
        SupplementaryDiscussion => "supplementary_discussion",
        IntensiveDiscussion => "intensive_discussion",
    }
}

impl MeetsObligation {
    pub fn kind(self) -> ObligationKind {
        match self {
            MeetsObligation::InitialInterview => ObligationKind::InitialInterview,
            MeetsObligation::JobSearchDiscussion => ObligationKind::JobSearchDiscussion,
            MeetsObligation::SupplementaryDiscussion => ObligationKind::SupplementaryDiscussion,
            MeetsObligation::IntensiveDiscussion => ObligationKind::IntensiveDiscussion,
        }
    }

    /// The meeting kinds that meet it (as the deadline rules count them).
    pub fn met_by(self, kind: MeetingType) -> bool {
        match self {
            MeetsObligation::InitialInterview => kind == MeetingType::InitialInterview,
            _ => matches!(
                kind,
                MeetingType::JobSearchDiscussion
                    | MeetingType::SupplementaryDiscussion
                    | MeetingType::TripartiteDiscussion
            ),
        }
    }
}

/// How the customer takes part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Venue {
    /// At a place: an address or a room the customer can find.
    InPerson { place: String },
    /// The coach calls the customer.
    Phone,
    /// A video meeting at this link (https only: it is sent to the customer).
    Video { link: String },
}

impl Venue {
    /// Parses the channel with its place or link; `field` is the input
    /// object's path, e.g. `input`.
    pub fn parse(
        channel: crate::customer::MeetingChannel,
        place: Option<&str>,
        link: Option<&str>,
        field: &str,
    ) -> Result<Venue, DomainError> {
        use crate::customer::MeetingChannel;
        let text = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        match channel {
            MeetingChannel::InPerson => {
                let place = text(place)
                    .ok_or_else(|| DomainError::field(ErrorCode::Required, format!("{field}.place")))?;
                if place.chars().count() > 300 {
                    return Err(
                        DomainError::field(ErrorCode::TooLong, format!("{field}.place")).with_arg("max", 300)
                    );
                }
                Ok(Venue::InPerson { place })
            }
            MeetingChannel::Phone => Ok(Venue::Phone),
            MeetingChannel::Video => {
                let link = text(link)
                    .ok_or_else(|| DomainError::field(ErrorCode::Required, format!("{field}.videoLink")))?;
                let ok = link.len() <= 500
                    && link.strip_prefix("https://").is_some_and(|rest| {
                        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
                        !host.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
                    });
                if !ok {
                    return Err(DomainError::field(ErrorCode::InvalidUrl, format!("{field}.videoLink")));
                }
                Ok(Venue::Video { link })
            }
        }
    }

    pub fn channel(&self) -> crate::customer::MeetingChannel {
        use crate::customer::MeetingChannel;
        match self {
            Venue::InPerson { .. } => MeetingChannel::InPerson,
            Venue::Phone => MeetingChannel::Phone,
            Venue::Video { .. } => MeetingChannel::Video,
        }
    }
}

/// The shortest and longest appointment, in minutes.
pub const MIN_MINUTES: u32 = 10;
pub const MAX_MINUTES: u32 = 240;

/// An appointment's length in minutes, within the bounds above; `field`
/// names it in the refusal.
pub fn check_minutes(minutes: u32, field: &str) -> Result<u32, DomainError> {
    if (MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(DomainError::field(ErrorCode::OutOfRange, field)
            .with_arg("min", MIN_MINUTES)
            .with_arg("max", MAX_MINUTES))
    }
}

/// A period of a coach's working week, in the area's local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingPeriod {
    pub weekday: Weekday,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

impl WorkingPeriod {
    pub fn parse(
        weekday: Weekday,
        starts: NaiveTime,
        ends: NaiveTime,
        field: &str,
    ) -> Result<Self, DomainError> {
        if ends <= starts {
            return Err(DomainError::field(ErrorCode::InvalidDateRange, format!("{field}.ends")));
        }
        Ok(WorkingPeriod { weekday, starts, ends })
    }
}

/// The working week a coach has unless their own is recorded: Monday to
/// Friday, 8:00 to 16:00 (the common office hours of the areas' service
/// points; an area records each coach's own hours where they differ).
pub fn default_week() -> Vec<WorkingPeriod> {
    let (starts, ends) = (NaiveTime::from_hms_opt(8, 0, 0), NaiveTime::from_hms_opt(16, 0, 0));
    let (Some(starts), Some(ends)) = (starts, ends) else { return Vec::new() };
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
        .into_iter()
        .map(|weekday| WorkingPeriod { weekday, starts, ends })
        .collect()
}

/// An instant's local date and time in `zone` (an IANA name; the default
/// zone if it does not parse).
fn zone(name: &str) -> chrono_tz::Tz {
    name.parse().unwrap_or(DEFAULT_TIME_ZONE)
}

/// The instant of a local date and time; in the hour skipped in spring, the
/// first instant after it.
fn instant(tz: chrono_tz::Tz, on: NaiveDate, at: NaiveTime) -> DateTime<Utc> {
    let local = on.and_time(at);
    match tz.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

/// The coach's working periods of one day as instants: none on a day off.
fn day_periods(
    week: &[WorkingPeriod],
    on: NaiveDate,
    tz: chrono_tz::Tz,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    if !is_working_day(on) {
        return Vec::new();
    }
    let mut out: Vec<_> = week
        .iter()
        .filter(|p| p.weekday == on.weekday())
        .map(|p| (instant(tz, on, p.starts), instant(tz, on, p.ends)))
        .collect();
    out.sort();
    out
}

/// A time asked for an appointment, checked against the clock and the
/// coach's working week (the area's calendar of working days included).
/// `field` names the input's start time, e.g. `input.startsAt`.
pub fn check_time(
    starts_at: DateTime<Utc>,
    minutes: u32,
    now: DateTime<Utc>,
    week: &[WorkingPeriod],
    time_zone: &str,
    field: &str,
    minutes_field: &str,
) -> Result<(), DomainError> {
    check_minutes(minutes, minutes_field)?;
    if starts_at <= now {
        return Err(DomainError::field(ErrorCode::AppointmentInPast, field));
    }
    let tz = zone(time_zone);
    let ends_at = starts_at + Duration::minutes(i64::from(minutes));
    let on = starts_at.with_timezone(&tz).date_naive();
    let inside = day_periods(week, on, tz).iter().any(|(from, to)| *from <= starts_at && ends_at <= *to);
    if !inside {
        return Err(DomainError::field(ErrorCode::OutsideWorkingHours, field));
    }
    Ok(())
}

/// A free period of a coach's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Slots start on the quarter hour: what a customer is offered reads as a
/// time, not as "9:07".
const GRID_MINUTES: i64 = 15;

fn round_up_to_grid(t: DateTime<Utc>, tz: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::Timelike;
    let local = t.with_timezone(&tz);
    let past = i64::from(local.minute()) % GRID_MINUTES;
    let exact = past == 0 && local.second() == 0 && local.nanosecond() == 0;
    if exact {
        return t;
    }
    let trimmed = t
        - Duration::seconds(i64::from(local.second()))
        - Duration::nanoseconds(i64::from(local.nanosecond()));
    trimmed + Duration::minutes(GRID_MINUTES - past)
}

/// The coach's free slots of `minutes` from `from` to `to` (both days
/// included, in the area's time zone), after `now`, around `busy` (the
/// coach's open appointments, any order). Slots follow one another from the
/// start of each working period; after a busy time the next starts on the
/// next quarter hour.
pub fn free_slots(
    week: &[WorkingPeriod],
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
    from: NaiveDate,
    to: NaiveDate,
    minutes: u32,
    now: DateTime<Utc>,
    time_zone: &str,
) -> Vec<Slot> {
    let tz = zone(time_zone);
    let length = Duration::minutes(i64::from(minutes.max(1)));
    let mut busy = busy.to_vec();
    busy.sort();
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        for (period_start, period_end) in day_periods(week, day, tz) {
            let mut at = period_start.max(round_up_to_grid(now, tz));
            while at + length <= period_end {
                let end = at + length;
                match busy.iter().find(|(b_from, b_to)| *b_from < end && at < *b_to) {
                    Some((_, b_to)) => at = round_up_to_grid(*b_to, tz),
                    None => {
                        out.push(Slot { starts_at: at, ends_at: end });
                        at = end;
                    }
                }
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}

code_enum! {
    /// Why a message goes to a customer.
    MessagePurpose {
        Invitation => "invitation",
        Reminder => "reminder",
        Rescheduled => "rescheduled",
        Cancelled => "cancelled",
        /// A formal summons (kutsu / kallelse) after a missed appointment.
        Summons => "summons",
        /// A staff member's daily digest of notifications (not about an
        /// appointment; see [`crate::notification`]).
        Digest => "digest",
    }
}

code_enum! {
    /// How a message reaches the customer.
    SendBy {
        Email => "email",
        Sms => "sms",
        /// Printed by staff and posted.
        Letter => "letter",
    }
}

/// What a message about an appointment says, before it is put in words:
/// the composer (Fluent, in `polku-i18n`) turns it into text in `language`.
/// Only the customer's first names, never an identity code or a note.
#[derive(Clone, Debug)]
pub struct MessageFacts<'a> {
    pub purpose: MessagePurpose,
    pub send_by: SendBy,
    pub language: crate::Lang,
    pub kind: MeetingType,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub time_zone: &'a str,
    pub venue: &'a Venue,
    pub coach_name: &'a str,
    pub area_name: &'a str,
    pub customer_first_names: &'a str,
    /// The calendar entry's identity and revision.
    pub appointment_id: uuid::Uuid,
    pub sequence: i32,
    /// When the message was written (the calendar file's DTSTAMP).
    pub written_at: DateTime<Utc>,
    /// For a summons: what not coming may lead to, as the rules of the day
    /// give it.
    pub consequence: Option<&'a SummonsConsequence>,
}

/// What not coming to a summoned appointment may lead to: the step of the
/// neglect ladder the next neglect would take, under the rule in force on
/// the appointment's day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummonsConsequence {
    pub consequence: crate::neglect::Consequence,
    /// Which neglect of the review period it would be (1 for the first).
    pub ordinal: u32,
    /// The rule version and the statute it rests on.
    pub rule: String,
    pub source: String,
}

/// Where a printed letter goes: the name and address lines for the window
/// of the envelope. Deliberately not `Debug`: it is personal data.
pub struct LetterAddress<'a> {
    pub name: &'a str,
    pub lines: Vec<&'a str>,
}

/// A message in words: the subject, the body as plain text and, for an
/// e-mail, the iCalendar file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
}

/// Puts messages into words. The store decides what is sent and when; the
/// composer only how it reads.
pub trait Compose: Send + Sync {
    fn compose(&self, facts: &MessageFacts<'_>) -> Composed;

    /// The summons as a printable A4 letter (self-contained HTML).
    fn summons_letter(&self, facts: &MessageFacts<'_>, to: &LetterAddress<'_>) -> String;

    /// A staff member's daily digest, for their work mail.
    fn digest(&self, digest: &crate::notification::Digest<'_>) -> Composed;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const HKI: &str = "Europe/Helsinki";

    #[test]
    fn a_time_inside_working_hours_on_a_working_day_is_accepted() {
        let now = at("2026-12-01T08:00:00Z");
        // Wednesday 2 December 2026, 10:00 in Helsinki (UTC+2).
        assert!(check_time(at("2026-12-02T08:00:00Z"), 45, now, &default_week(), HKI, "s", "m").is_ok());
    }

    #[test]
    fn past_weekend_holiday_and_late_times_are_refused_by_name() {
        let now = at("2026-12-01T08:00:00Z");
        let week = default_week();
        let code = |t: &str, m: u32| {
            check_time(at(t), m, now, &week, HKI, "input.startsAt", "input.minutes").unwrap_err()
        };
        assert_eq!(code("2026-11-30T08:00:00Z", 30).code, ErrorCode::AppointmentInPast);
        // Saturday.
        assert_eq!(code("2026-12-05T08:00:00Z", 30).code, ErrorCode::OutsideWorkingHours);
        // Independence Day, a Sunday in 2026; Christmas Eve, a Thursday.
        assert_eq!(code("2026-12-24T08:00:00Z", 30).code, ErrorCode::OutsideWorkingHours);
        // 15:45 local for 30 minutes runs past 16:00.
        let late = code("2026-12-02T13:45:00Z", 30);
        assert_eq!(
            (late.code, late.field.as_deref()),
            (ErrorCode::OutsideWorkingHours, Some("input.startsAt"))
        );
        assert_eq!(code("2026-12-02T08:00:00Z", 5).field.as_deref(), Some("input.minutes"));
    }

    #[test]
    fn working_hours_follow_local_time_across_daylight_saving() {
        // 8:00 in Helsinki is 06:00 UTC in winter and 05:00 UTC in summer.
        let now = at("2026-01-01T00:00:00Z");
        let week = default_week();
        assert!(check_time(at("2026-06-03T05:00:00Z"), 30, now, &week, HKI, "s", "m").is_ok());
        assert!(check_time(at("2026-12-02T05:00:00Z"), 30, now, &week, HKI, "s", "m").is_err());
    }

    #[test]
    fn free_slots_step_around_what_is_booked() {
        let now = at("2026-12-01T00:00:00Z");
        let busy = [(at("2026-12-02T07:00:00Z"), at("2026-12-02T07:40:00Z"))];
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let slots = free_slots(&default_week(), &busy, day, day, 60, now, HKI);
        let starts: Vec<String> = slots.iter().map(|s| s.starts_at.format("%H:%M").to_string()).collect();
        // 8:00 local is free until 9:00, busy 9:00–9:40, then 9:45 on the quarter.
        assert_eq!(starts, ["06:00", "07:45", "08:45", "09:45", "10:45", "11:45", "12:45"]);
        assert!(slots.iter().all(|s| s.ends_at - s.starts_at == Duration::minutes(60)));
    }

    #[test]
    fn no_slot_is_offered_in_the_past_or_on_a_day_off() {
        let now = at("2026-12-02T12:10:00Z");
        let wed = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let slots = free_slots(&default_week(), &[], wed, sat, 30, now, HKI);
        assert!(slots.iter().all(|s| s.starts_at >= now));
        assert_eq!(slots.first().map(|s| s.starts_at), Some(at("2026-12-02T12:15:00Z")));
        assert!(slots.iter().all(|s| s.starts_at < at("2026-12-05T00:00:00Z")));
    }

    #[test]
    fn the_states_allow_only_their_way() {
        let (then, now) = (at("2026-12-02T08:00:00Z"), at("2026-12-03T08:00:00Z"));
        use AppointmentAction as A;
        use AppointmentState as S;
        assert_eq!(S::Booked.after(A::Confirm, then, now), Ok(S::Confirmed));
        assert_eq!(S::Confirmed.after(A::Reschedule, then, now), Ok(S::Booked));
        assert_eq!(S::Confirmed.after(A::MarkNoShow, then, now), Ok(S::NoShow));
        assert_eq!(S::Booked.after(A::Hold, now, then).unwrap_err().code, ErrorCode::AppointmentNotDue);
        for done in [S::Cancelled, S::Held, S::NoShow] {
            for action in A::ALL {
                assert_eq!(
                    done.after(*action, then, now).unwrap_err().code,
                    ErrorCode::AppointmentTransition
                );
            }
        }
    }

    #[test]
    fn a_video_link_must_be_https_and_a_place_is_required_in_person() {
        use crate::customer::MeetingChannel as C;
        assert_eq!(
            Venue::parse(C::Video, None, Some("http://x.example"), "input").unwrap_err().field.as_deref(),
            Some("input.videoLink")
        );
        assert!(Venue::parse(C::Video, None, Some("https://meet.example/abc"), "input").is_ok());
        assert_eq!(
            Venue::parse(C::InPerson, Some("  "), None, "input").unwrap_err().code,
            ErrorCode::Required
        );
        assert_eq!(Venue::parse(C::Phone, None, None, "input"), Ok(Venue::Phone));
    }
}
