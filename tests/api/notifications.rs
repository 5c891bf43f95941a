//! Notifications for staff: written by the database whatever path made the
//! change (a manager's assignment, a partner's answer, an appointment
//! confirmed or missed), each staff member's own only, read marks, the live
//! feed over WebSocket, and the daily digest at the area's hour in the staff
//! member's language, delivered over real SMTP. Time moves by the clock.

use polku_devenv::SmtpSink;
use polku_domain::Role;
use polku_server::outbox::{deliver_due, Mailer, Senders};
use polku_store::outbox::SendPolicy;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{at, data, token_for, TestApp};
use crate::referrals::{area, service, transition, Listener};

/// Monday 30 November 2026, 10:00 in Porvoo.
const NOW: &str = "2026-11-30T08:00:00Z";

/// An initial interview on Tuesday 1 December, 10:00 in Porvoo, by phone,
/// meant to meet the initial-interview obligation.
const BOOK_INTERVIEW: &str =
    "mutation($c: ID!, $k: ID!) { bookAppointment(input: { customerId: $c, coachId: $k, \
     kind: INITIAL_INTERVIEW, startsAt: \"2026-12-01T08:00:00Z\", durationMinutes: 60, channel: PHONE, \
     language: FI, sendBy: LETTER, meets: INITIAL_INTERVIEW }) { id } }";

const MINE: &str =
    "{ notifications { id kind customerId customerName aboutId readAt } unreadNotificationCount }";

/// A Porvoo coach with a Swedish work address, and a customer of theirs
/// whose job search began on Wednesday 18 November with no meeting since: the
/// initial interview falls due on Wednesday 2 December. (coach's subject, coach id, customer id)
async fn coach_and_customer(app: &TestApp) -> (String, Uuid, Uuid) {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let (subject, coach): (String, Uuid) = sqlx::query_as(
        "UPDATE staff SET email = 'coach@porvoo.example', languages = '{sv}' WHERE staff_id = ( \
             SELECT staff_id FROM staff s JOIN tenants t USING (tenant_id) \
             WHERE t.slug = 'porvoo' AND s.is_coach AND s.active ORDER BY staff_id LIMIT 1) \
         RETURNING subject, staff_id",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    let customer: Uuid = sqlx::query_scalar(
        "UPDATE customers SET status = 'active', job_search_started_on = '2026-11-18', coach_id = NULL \
         WHERE customer_id = (SELECT customer_id FROM customers c JOIN tenants t USING (tenant_id) \
             WHERE t.slug = 'porvoo' ORDER BY customer_id LIMIT 1) RETURNING customer_id",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    sqlx::query("DELETE FROM meetings WHERE customer_id = $1").bind(customer).execute(&mut c).await.unwrap();
    (subject, coach, customer)
}

fn kinds(r: &Value) -> Vec<&str> {
    let mut k: Vec<&str> =
        data(r)["notifications"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn staff_hear_of_what_concerns_them_live_and_in_a_list_of_their_own() {
    let app = TestApp::spawn().await;
    let (subject, coach, customer) = coach_and_customer(&app).await;
    let coach_token = token_for(&subject, "porvoo", &[Role::Coach]);
    let manager = app.token(Some("porvoo"), &[Role::Manager, Role::Coach]);

    // A gateway with the database's announcements fed to its subscribers.
    let mut bus = None;
    let live = app.at(at(NOW)).replica_with(|s| {
        bus = Some(s.events.clone());
        s
    });
    tokio::spawn(polku_server::notify::feed(live.store.clone(), bus.unwrap(), std::future::pending()));
    let addr = live.serve().await;
    let mut listener =
        Listener::subscribe(addr, &coach_token, "subscription { notifications { notificationId kind } }")
            .await;

    // A manager assigns the customer to the coach.
    let r = live
        .gql(
            Some(&manager),
            "mutation($c: ID!, $k: ID) { assignCoach(customerId: $c, coachId: $k) { id } }",
            json!({ "c": customer, "k": coach }),
        )
        .await;
    data(&r);
    let first = listener.next().await;
    assert_eq!(first["payload"]["data"]["notifications"]["kind"], "CUSTOMER_ASSIGNED", "{first:#}");

    // The manager books an appointment for the coach; the customer confirms it.
    let r = live.gql(Some(&manager), BOOK_INTERVIEW, json!({ "c": customer, "k": coach })).await;
    let appointment = data(&r)["bookAppointment"]["id"].clone();
    data(&live.gql(Some(&manager), &transition("confirmAppointment"), json!({ "id": appointment })).await);
    let second = listener.next().await;
    assert_eq!(second["payload"]["data"]["notifications"]["kind"], "APPOINTMENT_CONFIRMED", "{second:#}");

    // The coach refers the customer; the partner accepts.
    let a = area(&app).await;
    let service = service(&app, &a, 5).await;
    let r = live
        .gql(
            Some(&coach_token),
            "mutation($c: ID!, $s: ID!) { referCustomer(customerId: $c, serviceId: $s) { id } }",
            json!({ "c": customer, "s": service }),
        )
        .await;
    let referral = data(&r)["referCustomer"]["id"].clone();
    data(&live.gql(Some(&coach_token), &transition("sendReferral"), json!({ "id": referral })).await);
    data(&live.gql(Some(&a.samaria), &transition("acceptReferral"), json!({ "id": referral })).await);

    // The customer did not come (the manager records it; what the coach
    // records themselves is no news to them).
    data(
        &app.at(at("2026-12-01T10:00:00Z"))
            .gql(
                Some(&manager),
                "mutation($id: ID!) { recordNoShow(id: $id) { id } }",
                json!({ "id": appointment }),
            )
            .await,
    );

    let r = live.gql(Some(&coach_token), MINE, json!({})).await;
    assert_eq!(
        kinds(&r),
        ["APPOINTMENT_CONFIRMED", "APPOINTMENT_MISSED", "CUSTOMER_ASSIGNED", "REFERRAL_ACCEPTED"],
        "{r:#}"
    );
    assert_eq!(data(&r)["unreadNotificationCount"], 4);
    let list = data(&r)["notifications"].as_array().unwrap().clone();
    assert!(list.iter().all(|n| n["customerId"] == json!(customer) && n["customerName"].is_string()));
    // Nobody else sees them, not even the manager who caused them.
    let others = live.gql(Some(&manager), MINE, json!({})).await;
    assert_eq!(data(&others)["notifications"], json!([]), "{others}");
    let stranger = live
        .gql(
            Some(&manager),
            "query($id: ID!) { notification(id: $id) { id } }",
            json!({ "id": list[0]["id"] }),
        )
        .await;
    assert_eq!(crate::harness::error_code(&stranger), Some("NOT_FOUND"));
    // Marked read: one by id, then the rest.
    let one = live
        .gql(
            Some(&manager),
            "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }",
            json!({ "ids": [list[0]["id"]] }),
        )
        .await;
    assert_eq!(data(&one)["markNotificationsRead"], 0, "another's are not marked");
    let one = live
        .gql(
            Some(&coach_token),
            "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }",
            json!({ "ids": [list[0]["id"]] }),
        )
        .await;
    assert_eq!(data(&one)["markNotificationsRead"], 1);
    let rest = live.gql(Some(&coach_token), "mutation { markNotificationsRead }", json!({})).await;
    assert_eq!(data(&rest)["markNotificationsRead"], 3);
    let r = live
        .gql(
            Some(&coach_token),
            "{ unreadNotificationCount notifications(unreadOnly: true) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (data(&r)["unreadNotificationCount"].clone(), data(&r)["notifications"].clone()),
        (json!(0), json!([]))
    );
}

#[tokio::test]
async fn the_daily_digest_comes_once_at_the_areas_hour_in_the_staff_members_language() {
    let app = TestApp::spawn().await;
    let (subject, coach, customer) = coach_and_customer(&app).await;
    let coach_token = token_for(&subject, "porvoo", &[Role::Coach]);
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let now = app.at(at(NOW));
    data(
        &now.gql(
            Some(&manager),
            "mutation($c: ID!, $k: ID) { assignCoach(customerId: $c, coachId: $k) { id } }",
            json!({ "c": customer, "k": coach }),
        )
        .await,
    );
    let worklist = "{ worklist { items { customerId kind status due plannedAppointmentId plannedFor } } }";
    let r = now.gql(Some(&coach_token), worklist, json!({})).await;
    let interview = data(&r)["worklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customerId"] == json!(customer) && i["kind"] == "INITIAL_INTERVIEW")
        .cloned()
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!((interview["status"].as_str(), &interview["plannedFor"]), (Some("DUE_SOON"), &Value::Null));

    let sink =
        SmtpSink::start("127.0.0.1:0", &std::env::temp_dir().join(format!("polku-smtp-{}", Uuid::new_v4())))
            .unwrap();
    let mail = Mailer::new(&format!("smtp://{}", sink.addr()), "Polku <polku@porvoo.example>").unwrap();
    let senders = Senders { mail: Some(mail), policy: SendPolicy::default(), ..Senders::default() };
    let composer = polku_i18n::Localizer::new();
    let mine = |sink: &SmtpSink| -> Vec<String> {
        sink.messages().into_iter().filter(|m| m.to == ["coach@porvoo.example"]).map(|m| m.data).collect()
    };

    // Before the area's hour (7:00 in Porvoo) nothing is said.
    let early =
        polku_server::notify::digest_due(&app.store, &composer, at("2026-11-30T04:00:00Z")).await.unwrap();
    assert_eq!((early.due_notified, early.digests), (0, 0));
    // From it: the interview about to fall due is noted, and the digest goes.
    let round = polku_server::notify::digest_due(&app.store, &composer, at(NOW)).await.unwrap();
    assert!(round.due_notified >= 1 && round.digests >= 1, "{round:?}");
    deliver_due(&app.store, &senders, at(NOW)).await.unwrap();
    let got = mine(&sink);
    assert_eq!(got.len(), 1, "one digest");
    let text = crate::appointments::decoded_text(&got[0]);
    assert!(text.contains("här är det som är nytt för dig"), "{text}");
    assert!(text.contains("har tilldelats dig") && text.contains("den inledande intervjun"), "{text}");
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let names: String =
        sqlx::query_scalar("SELECT first_names || ' ' || last_name FROM customers WHERE customer_id = $1")
            .bind(customer)
            .fetch_one(&mut su)
            .await
            .unwrap();
    assert!(text.contains(&names), "the customer by name on the work address: {text}");
    assert!(!regex_like_hetu(&text), "no identity code in a digest: {text}");

    // A second round the same day says nothing more; what is new waits.
    let again =
        polku_server::notify::digest_due(&app.store, &composer, at("2026-11-30T12:00:00Z")).await.unwrap();
    assert_eq!((again.due_notified, again.digests), (0, 0));
    deliver_due(&app.store, &senders, at("2026-11-30T12:00:00Z")).await.unwrap();
    assert_eq!(mine(&sink).len(), 1);

    // An appointment booked to meet the interview by its day plans it.
    let r = now.gql(Some(&coach_token), BOOK_INTERVIEW, json!({ "c": customer, "k": coach })).await;
    let appointment = data(&r)["bookAppointment"]["id"].clone();
    let r = now.gql(Some(&coach_token), worklist, json!({})).await;
    let planned = data(&r)["worklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customerId"] == json!(customer) && i["kind"] == "INITIAL_INTERVIEW")
        .cloned()
        .unwrap();
    assert_eq!(planned["plannedAppointmentId"], appointment, "{r:#}");
    assert_eq!(planned["plannedFor"], "2026-12-01T08:00:00+00:00");
}

/// Whether the text holds anything shaped like a Finnish identity code.
fn regex_like_hetu(text: &str) -> bool {
    text.as_bytes().windows(11).any(|w| {
        w[..6].iter().all(u8::is_ascii_digit)
            && matches!(
                w[6],
                b'-' | b'+' | b'A' | b'B' | b'C' | b'D' | b'E' | b'F' | b'Y' | b'X' | b'W' | b'V' | b'U'
            )
            && w[7..10].iter().all(u8::is_ascii_digit)
    })
}
