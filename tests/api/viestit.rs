//! Letters through Suomi.fi-viestit, end to end against the local stand-in
//! (`polku_devenv::ViestitFake`): booked through the API, delivered by
//! `deliver_due` with a set clock. A customer with an active mailbox gets
//! an electronic message; one without is left for the area's print; a
//! server error is tried again and a refusal is final; each send is in the
//! disclosure log with its basis; unconfigured, letters stay pending.

use chrono::Duration;
use polku_devenv::viestit::Delivered;
use polku_devenv::ViestitFake;
use polku_domain::Role;
use polku_server::outbox::{deliver_due, Senders};
use polku_server::viestit::{Viestit, DISCLOSED_CHECK, DISCLOSED_MESSAGE};
use secrecy::SecretString;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{at, vault, TestApp};

const BOOK: &str = "mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id sendBy } }";
/// Monday 30 November 2026, 10:00 in Porvoo.
const NOW: &str = "2026-11-30T08:00:00Z";
const SERVICE_ID: &str = "porvoo-tyollisyyspalvelut";

/// Two active customers of Porvoo who hear by letter (no e-mail, no phone),
/// with their identity codes as the sender will read them, and a coach.
async fn letter_customers(app: &TestApp) -> ([(Uuid, String); 2], Uuid) {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let (tenant,): (Uuid,) = sqlx::query_as("SELECT tenant_id FROM tenants WHERE slug = 'porvoo'")
        .fetch_one(&mut c)
        .await
        .unwrap();
    let rows: Vec<(Uuid, Vec<u8>)> = sqlx::query_as(
        "UPDATE customers SET email = NULL, phone = NULL, status = 'active' WHERE customer_id IN \
         (SELECT customer_id FROM customers WHERE tenant_id = $1 ORDER BY customer_id LIMIT 2) \
         RETURNING customer_id, hetu_ciphertext",
    )
    .bind(tenant)
    .fetch_all(&mut c)
    .await
    .unwrap();
    let people: Vec<(Uuid, String)> = rows
        .into_iter()
        .map(|(id, sealed)| (id, vault().decrypt(tenant, &sealed).unwrap().expose_secret().to_string()))
        .collect();
    let (coach,): (Uuid,) = sqlx::query_as(
        "SELECT staff_id FROM staff WHERE tenant_id = $1 AND is_coach AND active ORDER BY staff_id LIMIT 1",
    )
    .bind(tenant)
    .fetch_one(&mut c)
    .await
    .unwrap();
    ([people[0].clone(), people[1].clone()], coach)
}

/// Books a letter-channel appointment on Wednesday 2 December at `hour` UTC.
async fn book_letter(app: &TestApp, now: &str, customer: Uuid, coach: Uuid, hour: u32) {
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    let input = json!({
        "customerId": customer, "coachId": coach, "kind": "JOB_SEARCH_DISCUSSION",
        "startsAt": format!("2026-12-02T{hour:02}:00:00Z"), "durationMinutes": 45, "channel": "PHONE",
        "language": "FI", "sendBy": "LETTER",
    });
    let r = app.at(at(now)).gql(Some(&token), BOOK, json!({ "input": input })).await;
    assert_eq!(r["data"]["bookAppointment"]["sendBy"], "LETTER", "{r}");
}

fn fake(active: &[&str]) -> ViestitFake {
    ViestitFake::start("polku-porvoo", "system-password", active).unwrap()
}

fn senders(fake: &ViestitFake) -> Senders {
    let viestit =
        Viestit::new(&fake.url(), "polku-porvoo", SecretString::from("system-password"), SERVICE_ID, vault())
            .unwrap();
    Senders { viestit: Some(viestit), ..Senders::default() }
}

/// (message id, state, last error) of the customer's messages.
async fn messages_of(app: &TestApp, customer: Uuid) -> Vec<(Uuid, String, Option<String>)> {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query_as(
        "SELECT message_id, state, last_error FROM outbox WHERE customer_id = $1 ORDER BY due_at, message_id",
    )
    .bind(customer)
    .fetch_all(&mut c)
    .await
    .unwrap()
}

/// (recipient, what, legal basis, the basis is a known one) of the customer's disclosures.
async fn disclosures_of(app: &TestApp, customer: Uuid) -> Vec<(String, String, String, bool)> {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query_as(
        "SELECT d.recipient, d.what, d.legal_basis, EXISTS (SELECT 1 FROM legal_bases b WHERE b.code = d.legal_basis) \
         FROM disclosures d WHERE d.customer_id = $1 ORDER BY d.disclosure_id",
    )
    .bind(customer)
    .fetch_all(&mut c)
    .await
    .unwrap()
}

async fn attempts_of(app: &TestApp, message: Uuid) -> Vec<(i32, Option<String>)> {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query_as("SELECT attempt, outcome FROM outbox_attempts WHERE message_id = $1 ORDER BY attempt")
        .bind(message)
        .fetch_all(&mut c)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_letter_goes_to_an_active_suomifi_mailbox_and_otherwise_waits_for_the_areas_print() {
    let app = TestApp::spawn().await;
    let ([(with_box, hetu), (without_box, other_hetu)], coach) = letter_customers(&app).await;
    let fake = fake(&[&hetu]);
    book_letter(&app, NOW, with_box, coach, 8).await;
    book_letter(&app, NOW, without_box, coach, 10).await;

    let round = deliver_due(&app.store, &senders(&fake), at(NOW)).await.unwrap();
    assert_eq!((round.sent, round.to_print, round.failed), (1, 1, 0), "{round:?}");

    // The electronic message: to the identity code, from the area's
    // service, the outbox's id as externalId, the letter's text.
    let accepted = fake.accepted();
    assert_eq!(accepted.len(), 1);
    let [(message, state, _)] = &messages_of(&app, with_box).await[..] else { panic!("one letter") };
    assert_eq!(state, "sent");
    assert_eq!(accepted[0].delivered, Delivered::Electronic);
    assert_eq!(accepted[0].recipient_id, hetu);
    assert_eq!(accepted[0].service_id, SERVICE_ID);
    assert_eq!(accepted[0].external_id, message.to_string());
    assert!(!accepted[0].title.is_empty() && !accepted[0].body.is_empty());
    assert_eq!(fake.mailbox_checks(), 2);

    // No mailbox: kept for the area's print, with the reason, never lost
    // and not claimed again.
    let [(printed, state, reason)] = &messages_of(&app, without_box).await[..] else { panic!("one letter") };
    assert_eq!(state, "to_print");
    let reason = reason.as_deref().unwrap();
    assert!(reason.contains("no active Suomi.fi mailbox") && !reason.contains(&other_hetu), "{reason}");
    assert_eq!(attempts_of(&app, *printed).await, [(1, Some("to_print".to_string()))]);

    // Each disclosure to DVV is logged with its basis: the whole message
    // for one, the identity code alone (the mailbox check) for the other.
    let basis =
        |what: &str| ("suomifi_viestit".to_string(), what.to_string(), "suomifi_messages".to_string(), true);
    assert_eq!(disclosures_of(&app, with_box).await, [basis(DISCLOSED_MESSAGE)]);
    assert_eq!(disclosures_of(&app, without_box).await, [basis(DISCLOSED_CHECK)]);
    // The sender's reads of the identity codes are audited.
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let reveals: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'reveal_identity_code' AND reason = 'Suomi.fi-viestit' \
         AND customer_ids && $1",
    )
    .bind(vec![with_box, without_box])
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(reveals, 2);

    // A later round has nothing to do: nothing goes twice.
    let again = deliver_due(&app.store, &senders(&fake), at(NOW) + Duration::hours(1)).await.unwrap();
    assert_eq!((again.sent, again.to_print, again.failed), (0, 0, 0));
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn a_server_error_is_tried_again_and_a_refusal_is_final() {
    let app = TestApp::spawn().await;
    let ([(first, hetu), (second, other_hetu)], coach) = letter_customers(&app).await;
    let fake = fake(&[&hetu, &other_hetu]);
    let senders = senders(&fake);

    // A 503: failed, tried again after the wait.
    book_letter(&app, NOW, first, coach, 8).await;
    fake.answer_next_message_with(503);
    let round = deliver_due(&app.store, &senders, at(NOW)).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    let [(message, state, reason)] = &messages_of(&app, first).await[..] else { panic!("one letter") };
    assert_eq!(state, "pending");
    assert!(reason.as_deref().unwrap().contains("503"), "{reason:?}");
    assert_eq!(deliver_due(&app.store, &senders, at(NOW) + Duration::seconds(30)).await.unwrap().sent, 0);
    // Meanwhile the token ran out: the sender fetches a new one and goes on.
    fake.expire_tokens();
    assert_eq!(deliver_due(&app.store, &senders, at(NOW) + Duration::minutes(2)).await.unwrap().sent, 1);
    assert_eq!(fake.tokens_issued(), 2);
    assert_eq!(fake.accepted().len(), 1);
    assert_eq!(
        attempts_of(&app, *message).await,
        [(1, Some("failed".to_string())), (2, Some("sent".to_string()))]
    );
    // The failed attempt had sent the message too: both are logged.
    assert_eq!(disclosures_of(&app, first).await.len(), 2);

    // A 400: refused for good, not tried again.
    let later = "2026-11-30T09:00:00Z";
    book_letter(&app, later, second, coach, 10).await;
    fake.answer_next_message_with(400);
    let round = deliver_due(&app.store, &senders, at(later)).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    let [(refused, state, reason)] = &messages_of(&app, second).await[..] else { panic!("one letter") };
    assert_eq!(state, "failed");
    assert!(reason.as_deref().unwrap().contains("400"), "{reason:?}");
    assert_eq!(attempts_of(&app, *refused).await, [(1, Some("bounced".to_string()))]);
    let round = deliver_due(&app.store, &senders, at(later) + Duration::days(1)).await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 0));
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test]
async fn without_suomifi_configured_letters_stay_pending() {
    let app = TestApp::spawn().await;
    let ([(customer, _), _], coach) = letter_customers(&app).await;
    book_letter(&app, NOW, customer, coach, 8).await;

    let unconfigured = polku_server::config::SuomifiConfig::default();
    assert!(unconfigured.viestit(vault()).unwrap().is_none());
    let round = deliver_due(&app.store, &Senders::default(), at(NOW) + Duration::days(1)).await.unwrap();
    assert_eq!((round.sent, round.to_print, round.failed), (0, 0, 0));
    let [(_, state, _)] = &messages_of(&app, customer).await[..] else { panic!("one letter") };
    assert_eq!(state, "pending");
    assert!(disclosures_of(&app, customer).await.is_empty());
}

#[tokio::test]
async fn the_stand_in_refuses_what_the_interface_refuses() {
    let fake = fake(&[]);
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", fake.url());

    // No token: 401, in the error shape.
    let r = client.post(url("/v1/mailboxes/active")).json(&json!({ "endUsers": [] })).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.json::<serde_json::Value>().await.unwrap()["reason"].is_string());

    // Wrong password: refused; a right one gives a bearer token.
    let r = client
        .post(url("/v1/token"))
        .json(&json!({ "username": "polku-porvoo", "password": "guess" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let token: serde_json::Value = client
        .post(url("/v1/token"))
        .json(&json!({ "username": "polku-porvoo", "password": "system-password" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();

    // A message missing its required fields: 400 naming them.
    let r = client
        .post(url("/v2/messages/electronic"))
        .bearer_auth(&token)
        .json(&json!({ "externalId": "x", "electronic": { "title": "Aika" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    let errors: Vec<&str> =
        body["validationErrors"].as_array().unwrap().iter().map(|e| e["error"].as_str().unwrap()).collect();
    assert!(errors.contains(&"recipient.id must not be blank"), "{errors:?}");
    assert!(errors.contains(&"sender.serviceId must not be blank"), "{errors:?}");
    assert!(errors.contains(&"electronic.body must not be blank"), "{errors:?}");
    assert!(fake.accepted().is_empty());
}
