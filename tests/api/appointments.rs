//! Appointments end to end: booked through the API, the invitation and the
//! reminder delivered over real SMTP to a local server and read back from
//! it, time driven by the clock, a sender that stopped mid-send, and bad
//! input refused by field with nothing queued.

use base64::Engine;
use chrono::Duration;
use polku_devenv::SmtpSink;
use polku_domain::Role;
use polku_server::outbox::{deliver_due, Mailer, Senders};
use polku_store::outbox::SendPolicy;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{at, data, error_code, error_field, TestApp};

const BOOK: &str = "mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { \
    id state sendBy startsAt endsAt messages { purpose state dueAt } } }";

/// Monday 30 November 2026, 10:00 in Porvoo.
const NOW: &str = "2026-11-30T08:00:00Z";
/// Wednesday 2 December 2026, 10:00 in Porvoo.
const WEDNESDAY_TEN: &str = "2026-12-02T08:00:00Z";

/// A Swedish-speaking active customer of Porvoo with an e-mail address, and
/// a coach of the area.
pub(crate) async fn customer_and_coach(app: &TestApp) -> (Uuid, Uuid) {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let (tenant,): (Uuid,) = sqlx::query_as("SELECT tenant_id FROM tenants WHERE slug = 'porvoo'")
        .fetch_one(&mut c)
        .await
        .unwrap();
    let (customer,): (Uuid,) = sqlx::query_as(
        "UPDATE customers SET email = 'anna.kund@example.fi', service_language = 'sv', status = 'active' \
         WHERE customer_id = (SELECT customer_id FROM customers WHERE tenant_id = $1 ORDER BY customer_id LIMIT 1) \
         RETURNING customer_id",
    )
    .bind(tenant)
    .fetch_one(&mut c)
    .await
    .unwrap();
    let (coach,): (Uuid,) = sqlx::query_as(
        "SELECT staff_id FROM staff WHERE tenant_id = $1 AND is_coach AND active ORDER BY staff_id LIMIT 1",
    )
    .bind(tenant)
    .fetch_one(&mut c)
    .await
    .unwrap();
    (customer, coach)
}

fn booking(customer: Uuid, coach: Uuid, starts_at: &str) -> Value {
    json!({
        "customerId": customer, "coachId": coach, "kind": "JOB_SEARCH_DISCUSSION",
        "startsAt": starts_at, "durationMinutes": 45, "channel": "IN_PERSON",
        "place": "Rådhusgatan 1, Borgå", "language": "SV", "meets": "JOB_SEARCH_DISCUSSION",
    })
}

/// A local SMTP server of the test's own, in a folder of its own.
fn local_smtp() -> SmtpSink {
    SmtpSink::start("127.0.0.1:0", &std::env::temp_dir().join(format!("polku-smtp-{}", Uuid::new_v4())))
        .unwrap()
}

fn senders(sink: &SmtpSink) -> Senders {
    let mail = Mailer::new(&format!("smtp://{}", sink.addr()), "Polku <polku@porvoo.example>").unwrap();
    Senders { mail: Some(mail), sms: None, viestit: None, policy: SendPolicy::default() }
}

/// The decoded text/calendar part of a received message.
fn calendar_of(raw: &str) -> String {
    let part = raw.split("Content-Type: text/calendar").nth(1).expect("a calendar part");
    let (_, rest) = part.split_once("\r\n\r\n").expect("part headers end");
    let encoded: String = rest.lines().take_while(|l| !l.starts_with("--")).collect::<Vec<_>>().concat();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap()).unwrap()
}

async fn outbox_rows(app: &TestApp) -> i64 {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(&mut c).await.unwrap()
}

#[tokio::test]
async fn a_booking_invites_in_swedish_with_a_calendar_file_and_reminds_on_time() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let sink = local_smtp();
    let senders = senders(&sink);
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let now = app.at(at(NOW));

    let r = now.gql(Some(&token), BOOK, json!({ "input": booking(customer, coach, WEDNESDAY_TEN) })).await;
    let booked = &data(&r)["bookAppointment"];
    assert_eq!(booked["state"], "BOOKED", "{r}");
    assert_eq!(booked["sendBy"], "EMAIL");
    // The invitation now; the 24-hour reminder on Tuesday; the 72-hour one
    // would fall before the booking, so it is not queued.
    let messages: Vec<(&str, &str)> = booked["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["purpose"].as_str().unwrap(), m["dueAt"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [("invitation", "2026-11-30T08:00:00+00:00"), ("reminder", "2026-12-01T08:00:00+00:00")]
    );

    let round = deliver_due(&app.store, &senders, at(NOW)).await.unwrap();
    assert_eq!((round.sent, round.failed), (1, 0));
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["anna.kund@example.fi"]);
    let raw = &mail[0].data;
    assert!(raw.contains("Subject: Din bokade tid"), "{raw}");
    let ics = calendar_of(raw);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20261202T080000Z\r\n") && ics.contains("DTEND:20261202T084500Z\r\n"));
    assert!(ics.contains("SUMMARY:jobbsökningssamtal"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));

    // Nothing more until the reminder's hour; then the reminder, once.
    assert_eq!(deliver_due(&app.store, &senders, at("2026-12-01T07:59:00Z")).await.unwrap().sent, 0);
    assert_eq!(deliver_due(&app.store, &senders, at("2026-12-01T08:00:00Z")).await.unwrap().sent, 1);
    assert_eq!(deliver_due(&app.store, &senders, at("2026-12-01T09:00:00Z")).await.unwrap().sent, 0);
    let mail = sink.messages();
    assert_eq!(mail.len(), 2);
    assert!(mail[1].data.contains("Subject: =?utf-8?") || mail[1].data.contains("Subject: Påminnelse"));

    // The customer did not come: kept as a no-show, after its time only.
    let id = booked["id"].as_str().unwrap();
    const NO_SHOW: &str = "mutation($id: ID!) { recordNoShow(id: $id, reason: \"did not come\") { state } }";
    let early = app.at(at("2026-12-02T07:00:00Z")).gql(Some(&token), NO_SHOW, json!({ "id": id })).await;
    assert_eq!(error_code(&early), Some("APPOINTMENT_NOT_DUE"), "{early}");
    let later = app.at(at("2026-12-02T09:00:00Z")).gql(Some(&token), NO_SHOW, json!({ "id": id })).await;
    assert_eq!(data(&later)["recordNoShow"]["state"], "NO_SHOW", "{later}");

    // The no-show is followed by a summons: a new appointment, a printable
    // letter in Swedish stating what not coming would lead to under the rule
    // of its day (the first neglect since March 2026: 7 days), and the
    // summons by e-mail in place of the invitation.
    let after = at("2026-12-02T10:00:00Z");
    let mut summons = booking(customer, coach, "2026-12-09T08:00:00Z");
    summons["summons"] = json!(true);
    let r = app
        .at(after)
        .gql(
            Some(&token),
            "mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id \
             messages { purpose } letters { id kind language url } } }",
            json!({ "input": summons }),
        )
        .await;
    let booked = &data(&r)["bookAppointment"];
    assert_eq!(booked["messages"][0]["purpose"], "summons", "{r}");
    let letter = &booked["letters"][0];
    assert_eq!((letter["kind"].as_str(), letter["language"].as_str()), (Some("summons"), Some("SV")), "{r}");
    let (status, html) = app.get_with(letter["url"].as_str().unwrap(), &token).await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"sv\">"), "{html}");
    assert!(html.contains("Kallelse till möte") && html.contains("9.12.2026 kl. 10.00"), "{html}");
    assert!(html.contains("7 dagar utan arbetslöshetsförmån"), "{html}");
    assert!(html.contains("1290/2002") && html.contains("neglect-2026"), "{html}");
    assert!(html.contains("@page { size: A4;"), "printable on A4");
    assert_eq!(deliver_due(&app.store, &senders, after).await.unwrap().sent, 1);
    let mail = sink.messages();
    let last = &mail.last().unwrap().data;
    assert!(last.contains("Subject: Kallelse") || last.contains("Subject: =?utf-8?"), "{last}");
    assert!(decoded_text(last).contains("7 dagar utan arbetslöshetsförmån"), "{last}");

    // On request too, for an appointment already booked; not for one past.
    let r = app
        .at(after)
        .gql(
            Some(&token),
            "mutation($id: ID!) { summonCustomer(appointmentId: $id) { kind } }",
            json!({ "id": booked["id"] }),
        )
        .await;
    assert_eq!(data(&r)["summonCustomer"]["kind"], "summons", "{r}");
    let r = app
        .at(after)
        .gql(
            Some(&token),
            "mutation($id: ID!) { summonCustomer(appointmentId: $id) { kind } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("APPOINTMENT_TRANSITION"), Some("id")), "{r}");
}

/// The text part of a received message, its transfer encoding undone.
pub(crate) fn decoded_text(raw: &str) -> String {
    let part = raw.split("Content-Type: text/plain").nth(1).unwrap_or(raw);
    let (headers, rest) = part.split_once("\r\n\r\n").unwrap_or(("", part));
    let body: String = rest.lines().take_while(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
    if headers.to_ascii_lowercase().contains("base64") {
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
    } else if headers.to_ascii_lowercase().contains("quoted-printable") {
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    } else {
        body
    }
}

#[tokio::test]
async fn a_sender_that_stopped_between_sending_and_recording_sends_once_more_and_says_so() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let sink = local_smtp();
    let senders = senders(&sink);
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app
        .at(at(NOW))
        .gql(Some(&token), BOOK, json!({ "input": booking(customer, coach, WEDNESDAY_TEN) }))
        .await;
    assert!(r.get("errors").is_none(), "{r}");

    // A sender claims the invitation and stops before recording anything.
    let slug = polku_domain::Slug::parse("porvoo").unwrap();
    let claimed = polku_store::outbox::claim(
        &app.store,
        &slug,
        at(NOW),
        10,
        SendPolicy::default(),
        &[polku_domain::appointment::SendBy::Email],
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    // While its lease holds, no other sender takes the message.
    assert_eq!(deliver_due(&app.store, &senders, at(NOW) + Duration::minutes(1)).await.unwrap().sent, 0);
    // After the lease, the next round sends it once and closes the open attempt.
    assert_eq!(deliver_due(&app.store, &senders, at(NOW) + Duration::minutes(6)).await.unwrap().sent, 1);
    assert_eq!(deliver_due(&app.store, &senders, at(NOW) + Duration::minutes(30)).await.unwrap().sent, 0);
    assert_eq!(sink.messages().len(), 1);

    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let attempts: Vec<(i32, Option<String>)> =
        sqlx::query_as("SELECT attempt, outcome FROM outbox_attempts WHERE message_id = $1 ORDER BY attempt")
            .bind(claimed[0].message_id)
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert_eq!(attempts, [(1, Some("unknown".to_string())), (2, Some("sent".to_string()))]);
}

#[tokio::test]
async fn a_mail_server_that_is_away_is_tried_again_later_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app
        .at(at(NOW))
        .gql(Some(&token), BOOK, json!({ "input": booking(customer, coach, WEDNESDAY_TEN) }))
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let away = Senders {
        mail: Some(Mailer::new(&format!("smtp://{closed}"), "polku@porvoo.example").unwrap()),
        sms: None,
        viestit: None,
        policy: SendPolicy::default(),
    };
    let round = deliver_due(&app.store, &away, at(NOW)).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    // Back after the wait: the same message goes, once.
    let sink = local_smtp();
    let back = senders(&sink);
    assert_eq!(deliver_due(&app.store, &back, at(NOW) + Duration::seconds(30)).await.unwrap().sent, 0);
    assert_eq!(deliver_due(&app.store, &back, at(NOW) + Duration::minutes(2)).await.unwrap().sent, 1);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn bad_bookings_are_refused_by_field_and_queue_nothing() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let coach_token = app.token(Some("porvoo"), &[Role::Coach]);
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let now = app.at(at(NOW));
    let refused = |r: &Value| (error_code(r).map(str::to_string), error_field(r).map(str::to_string));
    let book = |token: &str, input: Value| {
        let now = &now;
        let token = token.to_string();
        async move { now.gql(Some(&token), BOOK, json!({ "input": input })).await }
    };

    let mut past = booking(customer, coach, "2026-11-27T08:00:00Z");
    let r = book(&coach_token, past.take()).await;
    assert_eq!(refused(&r), (Some("APPOINTMENT_IN_PAST".into()), Some("input.startsAt".into())), "{r}");
    // Saturday.
    let r = book(&coach_token, booking(customer, coach, "2026-12-05T08:00:00Z")).await;
    assert_eq!(refused(&r), (Some("OUTSIDE_WORKING_HOURS".into()), Some("input.startsAt".into())));
    let mut video = booking(customer, coach, WEDNESDAY_TEN);
    video["channel"] = json!("VIDEO");
    video["videoLink"] = json!("http://not-secure.example");
    let r = book(&coach_token, video).await;
    assert_eq!(refused(&r), (Some("INVALID_URL".into()), Some("input.videoLink".into())));
    let mut sms = booking(customer, coach, WEDNESDAY_TEN);
    sms["sendBy"] = json!("SMS");
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query("UPDATE customers SET phone = NULL WHERE customer_id = $1")
        .bind(customer)
        .execute(&mut c)
        .await
        .unwrap();
    let r = book(&coach_token, sms).await;
    assert_eq!(refused(&r), (Some("NO_CONTACT_FOR_CHANNEL".into()), Some("input.sendBy".into())));
    // A coach may not override; a manager may, with a reason.
    let mut late = booking(customer, coach, "2026-12-02T17:00:00Z");
    late["overrideReason"] = json!("customer works days");
    let r = book(&coach_token, late.clone()).await;
    assert_eq!(refused(&r), (Some("FORBIDDEN".into()), Some("input.overrideReason".into())));
    assert_eq!(outbox_rows(&app).await, 0, "nothing queued for a booking that did not commit");

    let r = book(&manager, late).await;
    assert!(r.get("errors").is_none(), "{r}");
    let r = book(&coach_token, booking(customer, coach, WEDNESDAY_TEN)).await;
    assert!(r.get("errors").is_none(), "{r}");
    let queued = outbox_rows(&app).await;
    // Over the coach's Wednesday 10:00.
    let r = book(&coach_token, booking(customer, coach, "2026-12-02T08:30:00Z")).await;
    assert_eq!(refused(&r), (Some("APPOINTMENT_OVERLAP".into()), Some("input.startsAt".into())));
    // A customer who moved away.
    sqlx::query("UPDATE customers SET status = 'moved_away' WHERE customer_id = $1")
        .bind(customer)
        .execute(&mut c)
        .await
        .unwrap();
    let r = book(&coach_token, booking(customer, coach, "2026-12-03T08:00:00Z")).await;
    assert_eq!(refused(&r), (Some("CUSTOMER_NOT_ACTIVE".into()), Some("input.customerId".into())));
    assert_eq!(outbox_rows(&app).await, queued);

    // The free slots skip the booked hour.
    let r = now
        .gql(
            Some(&coach_token),
            "query($c: ID!) { freeSlots(coachId: $c, from: \"2026-12-02\", to: \"2026-12-02\", durationMinutes: 60) { startsAt } }",
            json!({ "c": coach }),
        )
        .await;
    let starts: Vec<&str> =
        data(&r)["freeSlots"].as_array().unwrap().iter().map(|s| s["startsAt"].as_str().unwrap()).collect();
    assert_eq!(starts.first(), Some(&"2026-12-02T06:00:00+00:00"), "{r}");
    assert!(!starts.contains(&"2026-12-02T08:00:00+00:00"));
    assert!(starts.contains(&"2026-12-02T08:45:00+00:00"), "{starts:?}");
}

#[tokio::test]
async fn a_moved_appointment_withdraws_its_reminder_and_tells_the_customer() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let now = app.at(at(NOW));
    let r = now.gql(Some(&token), BOOK, json!({ "input": booking(customer, coach, WEDNESDAY_TEN) })).await;
    let id = data(&r)["bookAppointment"]["id"].as_str().unwrap().to_string();
    let r = now
        .gql(
            Some(&token),
            "mutation($i: RescheduleAppointmentInput!) { rescheduleAppointment(input: $i) { state messages { purpose state dueAt } } }",
            json!({ "i": { "id": id, "startsAt": "2026-12-03T08:00:00Z", "reason": "customer asked" } }),
        )
        .await;
    let moved = &data(&r)["rescheduleAppointment"];
    let states: Vec<(&str, &str, &str)> = moved["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["purpose"].as_str().unwrap(), m["state"].as_str().unwrap(), m["dueAt"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            // Not yet sent: the customer is invited to the new time instead.
            ("invitation", "cancelled", "2026-11-30T08:00:00+00:00"),
            ("invitation", "pending", "2026-11-30T08:00:00+00:00"),
            ("reminder", "cancelled", "2026-12-01T08:00:00+00:00"),
            ("reminder", "pending", "2026-12-02T08:00:00+00:00"),
        ],
        "{r}"
    );
    let r = now
        .gql(
            Some(&token),
            "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"coach ill\") { state } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&r)["cancelAppointment"]["state"], "CANCELLED", "{r}");
    let r = now
        .gql(
            Some(&token),
            "mutation($id: ID!) { confirmAppointment(id: $id) { state } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&r), Some("APPOINTMENT_TRANSITION"), "{r}");
}

/// A local SMS gateway of the test's own: records each request (its bearer
/// key and JSON body) and answers with the statuses it is given, in turn,
/// then 202.
async fn local_sms_gateway(
    answers: Vec<u16>,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>) {
    use axum::http::{HeaderMap, StatusCode};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let answers = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::from(answers)));
    let (record, next) = (seen.clone(), answers.clone());
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: HeaderMap, body: axum::Json<Value>| {
            let (record, next) = (record.clone(), next.clone());
            async move {
                let auth =
                    headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                record.lock().unwrap().push((auth, body.0));
                let status = next.lock().unwrap().pop_front().unwrap_or(202);
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/sms"), seen)
}

#[tokio::test]
async fn an_sms_goes_to_the_configured_gateway_as_documented_and_a_refusal_is_final() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query("UPDATE customers SET phone = '+358401234567' WHERE customer_id = $1")
        .bind(customer)
        .execute(&mut c)
        .await
        .unwrap();
    // The gateway is away once, then takes the invitation; it refuses the
    // reminder for good.
    let (url, seen) = local_sms_gateway(vec![503, 202, 400]).await;
    let senders = Senders {
        sms: Some(polku_server::outbox::SmsGateway::new(&url, "sms-key").unwrap()),
        ..Senders::default()
    };
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let mut input = booking(customer, coach, WEDNESDAY_TEN);
    input["sendBy"] = json!("SMS");
    let r = app.at(at(NOW)).gql(Some(&token), BOOK, json!({ "input": input })).await;
    let id = data(&r)["bookAppointment"]["id"].as_str().unwrap().to_string();

    let first = deliver_due(&app.store, &senders, at(NOW)).await.unwrap();
    assert_eq!((first.sent, first.failed), (0, 1));
    let retried = deliver_due(&app.store, &senders, at(NOW) + Duration::minutes(1)).await.unwrap();
    assert_eq!((retried.sent, retried.failed), (1, 0));
    let reminder = deliver_due(&app.store, &senders, at("2026-12-01T08:00:00Z")).await.unwrap();
    assert_eq!((reminder.sent, reminder.failed), (0, 1));
    assert_eq!(deliver_due(&app.store, &senders, at("2026-12-01T09:00:00Z")).await.unwrap().failed, 0);

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for (auth, body) in &seen {
        assert_eq!(auth, "Bearer sms-key");
        assert_eq!(body["to"], "+358401234567");
        assert!(body["reference"].as_str().is_some_and(|r| Uuid::parse_str(r).is_ok()), "{body}");
    }
    // The same message (one reference) twice, and in Swedish, in one SMS.
    assert_eq!(seen[0].1["reference"], seen[1].1["reference"]);
    let text = seen[1].1["text"].as_str().unwrap();
    assert!(text.contains("bokad tid") && text.contains("2.12.2026 kl. 10.00"), "{text}");
    assert!(text.chars().count() <= 320, "{text}");

    let r = app
        .gql(
            Some(&token),
            "query($c: ID!) { customerAppointments(customerId: $c) { id messages { purpose state } } }",
            json!({ "c": customer }),
        )
        .await;
    let a = data(&r)["customerAppointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        a["messages"],
        json!([{ "purpose": "invitation", "state": "sent" }, { "purpose": "reminder", "state": "failed" }]),
        "{r}"
    );
}

#[tokio::test]
async fn the_demo_week_is_booked_through_the_one_way_in_once() {
    let app = TestApp::spawn().await;
    let localizer = std::sync::Arc::new(polku_i18n::Localizer::new());
    let booked = polku_server::seed::seed_demo_appointments(&app.store, &localizer, at(NOW)).await.unwrap();
    assert!(booked >= 6, "{booked} demo appointments");
    // Each with its invitation queued, as any booking.
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let invited: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT appointment_id) FROM outbox WHERE purpose = 'invitation'")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(invited, i64::try_from(booked).unwrap());
    assert_eq!(polku_server::seed::seed_demo_appointments(&app.store, &localizer, at(NOW)).await.unwrap(), 0);
}
