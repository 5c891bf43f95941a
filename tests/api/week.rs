//! The coach's week page (`/week`) in a real headless browser: appointments
//! booked, confirmed and cancelled through the API at a test clock, then the
//! page, told the week explicitly (its script runs on the browser's own
//! clock), must show each of them as the API does, in Swedish, with the
//! token gone from the address.

use polku_domain::{Lang, Role};
use serde_json::{json, Value};

use crate::appointments::customer_and_coach;
use crate::harness::{at, attr, data, dump_dom, error_message, tags_with, TestApp};

/// Monday 30 November 2026, 10:00 in Porvoo: the first day of 2026-W49.
const NOW: &str = "2026-11-30T08:00:00Z";
const WEEK: &str = "2026-W49";
/// Monday 00:00 of 2026-W49 and of the week after, in Porvoo (UTC+2).
const WEEK_FROM: &str = "2026-11-29T22:00:00Z";
const WEEK_TO: &str = "2026-12-06T22:00:00Z";

const BOOK: &str = "mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id state } }";

const WEEK_QUERY: &str = "query($coach: ID!, $from: DateTime!, $to: DateTime!) { \
    coachAppointments(coachId: $coach, from: $from, to: $to) { id startsAt state kind channel } \
    workingHours(coachId: $coach) { weekday starts ends } }";

#[tokio::test]
async fn the_week_page_shows_the_coachs_appointments_as_the_api_does_in_swedish() {
    let app = TestApp::spawn().await;
    let (customer, coach) = customer_and_coach(&app).await;
    let token = app.token_with(Some("porvoo"), &[Role::Coach], None, Some(Lang::Sv));
    let now = app.at(at(NOW));
    let book = |starts_at: &str, kind: &str, minutes: u32, venue: Value| {
        let mut input = json!({
            "customerId": customer, "coachId": coach, "kind": kind, "startsAt": starts_at,
            "durationMinutes": minutes, "language": "SV",
        });
        input.as_object_mut().unwrap().extend(venue.as_object().unwrap().clone());
        let (now, token) = (&now, &token);
        async move {
            let r = now.gql(Some(token), BOOK, json!({ "input": input })).await;
            data(&r)["bookAppointment"]["id"].as_str().unwrap().to_string()
        }
    };
    let in_person = json!({ "channel": "IN_PERSON", "place": "Rådhusgatan 1, Borgå" });
    // Monday afternoon, Tuesday morning, Wednesday (cancelled), Thursday by video;
    // and one in the next week, which the page must leave out.
    let monday = book("2026-11-30T12:00:00Z", "JOB_SEARCH_DISCUSSION", 45, in_person.clone()).await;
    let confirmed = book("2026-12-01T07:00:00Z", "INITIAL_INTERVIEW", 60, in_person.clone()).await;
    let cancelled = book("2026-12-02T08:00:00Z", "COACHING_SESSION", 30, json!({ "channel": "PHONE" })).await;
    let video = json!({ "channel": "VIDEO", "videoLink": "https://video.example.fi/polku-1" });
    let thursday = book("2026-12-03T11:30:00Z", "SUPPLEMENTARY_DISCUSSION", 45, video).await;
    let next_week = book("2026-12-08T08:00:00Z", "JOB_SEARCH_DISCUSSION", 45, in_person).await;
    let r = now
        .gql(
            Some(&token),
            "mutation($id: ID!) { confirmAppointment(id: $id) { state } }",
            json!({ "id": confirmed }),
        )
        .await;
    assert_eq!(data(&r)["confirmAppointment"]["state"], "CONFIRMED");
    let r = now
        .gql(
            Some(&token),
            "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"sjuk\") { state } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert_eq!(data(&r)["cancelAppointment"]["state"], "CANCELLED");

    let addr = app.serve().await;
    let dom = dump_dom(&format!("http://{addr}/week?lang=sv&coach={coach}&week={WEEK}#token={token}")).await;
    assert!(
        dom.contains("<body data-state=\"ready\""),
        "the page did not get ready: {}",
        &dom[..dom.len().min(4000)]
    );
    assert!(dom.contains("<html lang=\"sv\""), "not in Swedish");
    assert!(!dom.contains("#token=") && !dom.contains(&token), "the token stayed in the page");

    // What the API says for the same caller and week.
    let r =
        app.gql(Some(&token), WEEK_QUERY, json!({ "coach": coach, "from": WEEK_FROM, "to": WEEK_TO })).await;
    let api = data(&r)["coachAppointments"].as_array().unwrap().clone();
    let ids: Vec<&str> = api.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [&monday, &confirmed, &cancelled, &thursday], "{r}");

    let shown = tags_with(&dom, "data-appointment");
    assert_eq!(shown.len(), api.len(), "the page shows {} appointments, the API {}", shown.len(), api.len());
    for a in &api {
        let id = a["id"].as_str().unwrap();
        let tag = shown
            .iter()
            .find(|t| attr(t, "data-appointment") == Some(id))
            .unwrap_or_else(|| panic!("appointment {id} is not on the page"));
        assert_eq!(attr(tag, "data-starts"), a["startsAt"].as_str(), "{id}");
        assert_eq!(attr(tag, "data-state"), a["state"].as_str(), "{id}");
        assert_eq!(attr(tag, "data-kind"), a["kind"].as_str(), "{id}");
        assert_eq!(attr(tag, "data-channel"), a["channel"].as_str(), "{id}");
    }
    assert!(!dom.contains(&next_week), "an appointment of the next week is on the page");
    let states: Vec<&str> = shown.iter().filter_map(|t| attr(t, "data-state")).collect();
    assert!(states.contains(&"CANCELLED") && states.contains(&"CONFIRMED"), "{states:?}");

    // The coach's working hours, day by day, as the API gives them.
    let hours = data(&r)["workingHours"].as_array().unwrap();
    for (date, weekday) in [("2026-11-30", "MONDAY"), ("2026-12-04", "FRIDAY")] {
        let day = tags_with(&dom, "data-date").into_iter().find(|t| attr(t, "data-date") == Some(date));
        assert!(day.is_some(), "{date} is not on the page");
        let expected: Vec<String> = hours
            .iter()
            .filter(|p| p["weekday"] == weekday)
            .map(|p| format!("{}-{}", p["starts"].as_str().unwrap(), p["ends"].as_str().unwrap()))
            .collect();
        let section = &dom[dom.find(&format!("data-date=\"{date}\"")).unwrap()..];
        let shown = tags_with(section, "data-working-hours")[0];
        assert_eq!(attr(shown, "data-working-hours"), Some(expected.join(",").as_str()), "{date}");
    }
    // Nothing at the weekend: it is left out.
    assert!(!dom.contains("data-date=\"2026-12-05\""), "an empty weekend is shown");

    // The customer's name, as the API gives it to staff.
    let r = app
        .gql(Some(&token), "query($id: ID!) { customer(id: $id) { name } }", json!({ "id": customer }))
        .await;
    let name = data(&r)["customer"]["name"].as_str().unwrap();
    assert!(dom.contains(name), "the customer's name is not on the page");

    // Swedish words from i18n/sv/week.ftl, and none of the Finnish ones.
    for words in [
        "Vecka 49",
        "Föregående vecka",
        "Nästa vecka",
        "Avbokad",
        "Bekräftad",
        "Inledande intervju",
        "Telefon",
    ] {
        assert!(dom.contains(words), "no {words:?} on the page");
    }
    assert!(!dom.contains("Edellinen viikko") && !dom.contains("Peruttu"), "Finnish words on the page");
}

#[tokio::test]
async fn the_week_page_says_what_is_wrong_in_the_pages_language() {
    let app = TestApp::spawn().await;
    let addr = app.serve().await;
    let state = |dom: &str| attr(tags_with(dom, "data-state")[0], "data-state").unwrap().to_string();

    // No token: the sign-in form and why, in Finnish.
    let dom = dump_dom(&format!("http://{addr}/week?lang=fi&week={WEEK}")).await;
    assert_eq!(state(&dom), "signed-out", "{}", &dom[..dom.len().min(3000)]);
    assert!(dom.contains("Et ole kirjautunut."), "no message for a missing token");

    // A week that does not exist (2026 has 53 weeks, not 54), in English.
    let token = app.token_with(Some("porvoo"), &[Role::Coach], None, Some(Lang::En));
    let dom = dump_dom(&format!("http://{addr}/week?lang=en&week=2026-W54#token={token}")).await;
    assert_eq!(state(&dom), "error");
    assert!(dom.contains("\"2026-W54\" is not a week."), "no message for a bad week");

    // The API's refusal (oversight sees no appointments), as the API words it.
    let token = app.oversight_token("uusimaa", Some(Lang::Sv));
    let dom = dump_dom(&format!("http://{addr}/week?lang=sv&week={WEEK}#token={token}")).await;
    assert_eq!(state(&dom), "error");
    let refusal = app.gql_lang(Some(&token), Some("sv"), "{ meAsStaff { id } }", json!({})).await;
    let message = error_message(&refusal);
    assert!(!message.is_empty(), "{refusal}");
    assert!(dom.contains(message), "the API's message {message:?} is not on the page");
    assert!(!dom.contains("#token="), "the token stayed in the page");
}
