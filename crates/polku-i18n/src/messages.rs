//! Messages to customers about their appointments, in the customer's service
//! language: the e-mail or SMS text and, for e-mail, an iCalendar file
//! (RFC 5545) a calendar program adds or updates in place. The wording lives
//! in `i18n/<locale>/messages.ftl`.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use polku_domain::appointment::{
    Compose, Composed, LetterAddress, MessageFacts, MessagePurpose, SendBy, SummonsConsequence, Venue,
};
use polku_domain::neglect::Consequence;
use polku_domain::notification::Digest;
use polku_domain::Lang;

use crate::letters::{escape_html, STYLE};
use crate::Localizer;

/// Every message id this module asks for; the tests check each exists in
/// every locale.
pub const IDS: &[&str] = &[
    "message-subject-invitation",
    "message-subject-reminder",
    "message-subject-rescheduled",
    "message-subject-cancelled",
    "message-subject-summons",
    "message-greeting",
    "message-body-invitation",
    "message-body-reminder",
    "message-body-rescheduled",
    "message-body-cancelled",
    "message-body-summons",
    "message-when",
    "message-where-in-person",
    "message-where-phone",
    "message-where-video",
    "message-coach",
    "message-change",
    "message-signoff",
    "message-sms-invitation",
    "message-sms-reminder",
    "message-sms-rescheduled",
    "message-sms-cancelled",
    "message-sms-summons",
    "message-kind-initial_interview",
    "message-kind-job_search_discussion",
    "message-kind-supplementary_discussion",
    "message-kind-tripartite_discussion",
    "message-kind-coaching_session",
    "message-consequence-intro",
    "message-consequence-reminder",
    "message-consequence-waiting",
    "message-consequence-work",
    "message-consequence-statute",
    "letter-summons-title",
    "letter-summons-intro",
    "digest-subject",
    "digest-greeting",
    "digest-intro",
    "digest-footer",
    "digest-someone",
    "digest-kind-customer_assigned",
    "digest-kind-referral_accepted",
    "digest-kind-referral_declined",
    "digest-kind-referral_interrupted",
    "digest-kind-appointment_confirmed",
    "digest-kind-appointment_missed",
    "digest-kind-obligation_due",
    "digest-obligation-initial_interview",
    "digest-obligation-job_search_discussion",
    "digest-obligation-supplementary_discussion",
    "digest-obligation-intensive_discussion",
    "digest-obligation-plan_review",
    "digest-obligation-activation_plan_review",
    "digest-obligation-vacancy_application",
    "digest-kind-budget_threshold",
    "digest-kind-budget_overridden",
    "digest-purpose-employment_grants",
    "digest-purpose-pay_subsidy_top_ups",
    "digest-purpose-bought_places",
    "digest-purpose-other",
    "digest-kind-partner_deviation",
    "digest-kind-closing_assessment",
    "digest-deviation-unexplained_absence",
    "digest-deviation-wants_to_stop",
    "digest-deviation-safety_concern",
    "digest-deviation-ends_early",
];

impl Compose for Localizer {
    fn compose(&self, f: &MessageFacts<'_>) -> Composed {
        let lang = f.language;
        let (kind, base) = self.fact_args(f);
        let purpose = f.purpose.code();
        let args = |extra: &[(&'static str, String)]| {
            let mut a = base.clone();
            a.extend(extra.iter().cloned());
            a
        };
        let subject = self.message(lang, &format!("message-subject-{purpose}"), &args(&[]));
        let where_ = match f.venue {
            Venue::InPerson { place } => {
                self.message(lang, "message-where-in-person", &args(&[("place", place.clone())]))
            }
            Venue::Phone => self.message(lang, "message-where-phone", &args(&[])),
            Venue::Video { link } => {
                self.message(lang, "message-where-video", &args(&[("link", link.clone())]))
            }
        };
        if f.send_by == SendBy::Sms {
            let body =
                format!("{} {}", self.message(lang, &format!("message-sms-{purpose}"), &args(&[])), where_);
            return Composed { subject, body, calendar: None };
        }
        let mut body = vec![
            self.message(lang, "message-greeting", &args(&[])),
            String::new(),
            self.message(lang, &format!("message-body-{purpose}"), &args(&[])),
            String::new(),
            self.message(lang, "message-when", &args(&[])),
            where_.clone(),
            self.message(lang, "message-coach", &args(&[])),
        ];
        if let Some(c) = f.consequence {
            body.push(String::new());
            body.extend(self.consequence(lang, c));
        }
        if f.purpose != MessagePurpose::Cancelled {
            body.extend([String::new(), self.message(lang, "message-change", &args(&[]))]);
        }
        body.extend([String::new(), self.message(lang, "message-signoff", &args(&[]))]);
        let body = body.join("\n");
        let calendar = (f.send_by == SendBy::Email).then(|| {
            calendar(
                f,
                &format!("{kind} – {}", f.area_name),
                &where_,
                &self.message(lang, &format!("message-body-{purpose}"), &args(&[])),
            )
        });
        Composed { subject, body, calendar }
    }

    fn summons_letter(&self, facts: &MessageFacts<'_>, to: &LetterAddress<'_>) -> String {
        summons_html(self, facts, to)
    }

    fn digest(&self, digest: &Digest<'_>) -> Composed {
        digest_text(self, digest)
    }
}

impl Localizer {
    /// What not coming may lead to: the general rule, the step the rules of
    /// the appointment's day give, and the statute.
    fn consequence(&self, lang: Lang, c: &SummonsConsequence) -> [String; 3] {
        let ordinal = ("ordinal", c.ordinal.to_string());
        let step = match c.consequence {
            Consequence::Reminder => self.message(lang, "message-consequence-reminder", &[ordinal]),
            Consequence::WaitingPeriod { days } => {
                self.message(lang, "message-consequence-waiting", &[ordinal, ("days", days.to_string())])
            }
            Consequence::WorkRequirement { weeks } => {
                self.message(lang, "message-consequence-work", &[ordinal, ("weeks", weeks.to_string())])
            }
        };
        [
            self.message(lang, "message-consequence-intro", &[]),
            step,
            self.message(lang, "message-consequence-statute", &[("rule", c.rule.clone())]),
        ]
    }

    /// The appointment's kind in words, and the arguments every message
    /// about it takes (Fluent ignores those a message does not use).
    fn fact_args(&self, f: &MessageFacts<'_>) -> (String, Vec<(&'static str, String)>) {
        let kind = self.message(f.language, &format!("message-kind-{}", f.kind.code()), &[]);
        let args = vec![
            ("when", Localizer::when(f)),
            ("kind", kind.clone()),
            ("area", f.area_name.to_string()),
            ("coach", f.coach_name.to_string()),
            ("name", f.customer_first_names.to_string()),
            ("minutes", f.minutes.to_string()),
        ];
        (kind, args)
    }

    /// The time of an appointment in the area's zone, as the customer reads it.
    fn when(f: &MessageFacts<'_>) -> String {
        let zone: chrono_tz::Tz = f.time_zone.parse().unwrap_or(polku_domain::calendar::DEFAULT_TIME_ZONE);
        let local = f.starts_at.with_timezone(&zone);
        format!(
            "{} {}",
            date_text(f.language, local.date_naive()),
            time_text(f.language, local.hour(), local.minute())
        )
    }
}

/// The summons letter: the transfer letter's A4 layout (address in the
/// envelope window), every interpolated value escaped.
fn summons_html(l: &Localizer, f: &MessageFacts<'_>, to: &LetterAddress<'_>) -> String {
    let lang = f.language;
    let (_, base) = l.fact_args(f);
    let args = |extra: &[(&'static str, String)]| {
        let mut a = base.clone();
        a.extend(extra.iter().cloned());
        a
    };
    let t = |id: &str, extra: &[(&'static str, String)]| escape_html(&l.message(lang, id, &args(extra)));
    let title = t("letter-summons-title", &[]);
    let written = polku_domain::calendar::local_date(f.written_at, f.time_zone);
    let mut html = String::with_capacity(8 * 1024);
    html.push_str("<!DOCTYPE html>\n");
    html.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", lang.code()));
    html.push_str(&format!(
        "<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main class=\"letter\">\n"
    ));
    html.push_str("<header class=\"letterhead\">\n");
    html.push_str(&format!("<p class=\"sender\">{}</p>\n", escape_html(f.area_name)));
    html.push_str(&format!("<p class=\"date\">{}</p>\n", escape_html(&date_text(lang, written))));
    html.push_str("</header>\n<div class=\"recipient\">\n");
    html.push_str(&format!("<p>{}</p>\n", escape_html(to.name)));
    for line in &to.lines {
        html.push_str(&format!("<p>{}</p>\n", escape_html(line)));
    }
    html.push_str("</div>\n");
    html.push_str(&format!("<h1>{title}</h1>\n"));
    html.push_str(&format!("<p>{}</p>\n", t("message-greeting", &[])));
    html.push_str(&format!("<p>{}</p>\n", t("letter-summons-intro", &[])));
    let where_ = match f.venue {
        Venue::InPerson { place } => t("message-where-in-person", &[("place", place.clone())]),
        Venue::Phone => t("message-where-phone", &[]),
        Venue::Video { link } => t("message-where-video", &[("link", link.clone())]),
    };
    html.push_str(&format!(
        "<p class=\"appointment\"><strong>{}</strong><br>{where_}<br>{}</p>\n",
        t("message-when", &[]),
        t("message-coach", &[])
    ));
    if let Some(c) = f.consequence {
        html.push_str("<section class=\"consequence\">\n");
        for line in l.consequence(lang, c) {
            html.push_str(&format!("<p>{}</p>\n", escape_html(&line)));
        }
        html.push_str("</section>\n");
    }
    html.push_str(&format!("<p>{}</p>\n", t("message-change", &[])));
    html.push_str(&format!("<p class=\"signature\">{}</p>\n", t("message-signoff", &[])));
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// The daily digest as plain text for the staff member's work mail.
fn digest_text(l: &Localizer, d: &Digest<'_>) -> Composed {
    let lang = d.language;
    let date = date_text(lang, d.date);
    let subject =
        l.message(lang, "digest-subject", &[("count", d.items.len().to_string()), ("date", date.clone())]);
    let mut body = vec![
        l.message(lang, "digest-greeting", &[("name", d.staff_name.to_string())]),
        String::new(),
        l.message(lang, "digest-intro", &[("area", d.area_name.to_string())]),
        String::new(),
    ];
    for item in d.items {
        let customer = item.customer_name.clone().unwrap_or_else(|| l.message(lang, "digest-someone", &[]));
        let obligation = item
            .obligation
            .as_ref()
            .map(|o| l.message(lang, &format!("digest-obligation-{o}"), &[]))
            .unwrap_or_default();
        let due = item.due_on.map(|d| date_text(lang, d)).unwrap_or_default();
        let budget = item.budget.map(|b| {
            [
                ("year", b.year.to_string()),
                ("purpose", l.message(lang, &format!("digest-purpose-{}", b.purpose.code()), &[])),
                ("percent", b.percent.map(|p| p.to_string()).unwrap_or_default()),
            ]
        });
        let deviation = item
            .deviation
            .as_ref()
            .map(|d| l.message(lang, &format!("digest-deviation-{d}"), &[]))
            .unwrap_or_default();
        let mut args =
            vec![("customer", customer), ("obligation", obligation), ("due", due), ("deviation", deviation)];
        args.extend(budget.into_iter().flatten());
        body.push(format!("- {}", l.message(lang, &format!("digest-kind-{}", item.kind.code()), &args)));
    }
    body.extend([String::new(), l.message(lang, "digest-footer", &[])]);
    Composed { subject, body: body.join("\n"), calendar: None }
}

fn date_text(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%-d %B %Y").to_string(),
        Lang::Fi | Lang::Sv => format!("{}.{}.{}", d.day(), d.month(), d.year()),
    }
}

fn time_text(lang: Lang, h: u32, m: u32) -> String {
    match lang {
        Lang::En => format!("at {h:02}:{m:02}"),
        Lang::Fi => format!("klo {h}.{m:02}"),
        Lang::Sv => format!("kl. {h}.{m:02}"),
    }
}

/// The appointment as an iCalendar file: one event with a stable UID, so a
/// later message (moved, cancelled) updates the same entry in the
/// customer's calendar; SEQUENCE tells which is newer.
fn calendar(f: &MessageFacts<'_>, summary: &str, location: &str, description: &str) -> String {
    let cancelled = f.purpose == MessagePurpose::Cancelled;
    let ends_at = f.starts_at + Duration::minutes(i64::from(f.minutes));
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Polku//Appointments//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("METHOD:{}", if cancelled { "CANCEL" } else { "PUBLISH" }),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@polku", f.appointment_id),
        format!("SEQUENCE:{}", f.sequence),
        format!("DTSTAMP:{}", stamp(f.written_at)),
        format!("DTSTART:{}", stamp(f.starts_at)),
        format!("DTEND:{}", stamp(ends_at)),
        format!("SUMMARY:{}", escape(summary)),
        format!("LOCATION:{}", escape(location)),
        format!("DESCRIPTION:{}", escape(description)),
        format!("STATUS:{}", if cancelled { "CANCELLED" } else { "CONFIRMED" }),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a
/// space, never splitting a UTF-8 character; each line ends in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use polku_domain::customer::MeetingType;

    fn facts<'a>(venue: &'a Venue, lang: Lang, purpose: MessagePurpose) -> MessageFacts<'a> {
        MessageFacts {
            purpose,
            send_by: SendBy::Email,
            language: lang,
            kind: MeetingType::JobSearchDiscussion,
            starts_at: DateTime::parse_from_rfc3339("2026-12-02T08:00:00Z").unwrap().with_timezone(&Utc),
            minutes: 45,
            time_zone: "Europe/Helsinki",
            venue,
            coach_name: "Coach Example",
            area_name: "Porvoo, Lovisa",
            customer_first_names: "Anna",
            appointment_id: uuid::Uuid::nil(),
            sequence: 2,
            written_at: DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z").unwrap().with_timezone(&Utc),
            consequence: None,
        }
    }

    #[test]
    fn every_message_id_exists_in_every_locale() {
        for lang in Lang::ALL {
            for id in IDS {
                assert!(Localizer::ids(lang).contains(*id), "{id} missing in {lang}");
            }
        }
    }

    #[test]
    fn a_swedish_invitation_reads_in_swedish_local_time_with_a_valid_calendar() {
        let venue = Venue::InPerson { place: "Rådhusgatan 1, Borgå".into() };
        let m = Localizer::new().compose(&facts(&venue, Lang::Sv, MessagePurpose::Invitation));
        assert!(m.body.contains("2.12.2026 kl. 10.00"), "{}", m.body);
        assert!(m.body.contains("Anna"));
        let ics = m.calendar.unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20261202T080000Z\r\n") && ics.contains("DTEND:20261202T084500Z\r\n"));
        assert!(ics.contains("SEQUENCE:2\r\n"));
        // Escaped commas, and no line over 75 octets.
        assert!(ics.contains("Rådhusgatan 1\\, Borgå"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let long = format!("SUMMARY:{}", "ä".repeat(100));
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn a_cancellation_cancels_the_same_calendar_entry() {
        let venue = Venue::Phone;
        let m = Localizer::new().compose(&facts(&venue, Lang::Fi, MessagePurpose::Cancelled));
        let ics = m.calendar.unwrap();
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"));
        assert!(ics.contains("UID:00000000-0000-0000-0000-000000000000@polku\r\n"));
    }
}
