//! Statutory deadlines through the API: the initial-interview deadline by
//! rule version, customers' obligations, and coaches' worklists.

use chrono::{Days, Utc};
use polku_domain::Role;
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::harness::{data, error_code, error_field, token_for, TestApp};

const DEADLINE: &str = "query($d: NaiveDate!) { initialInterviewDeadline(jobSearchStartedOn: $d) { due ruleVersion workingDays } }";

#[tokio::test]
async fn the_initial_interview_deadline_follows_the_rule_in_force() {
    let app = TestApp::spawn().await;
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app.gql(Some(&coach), DEADLINE, json!({ "d": "2025-11-24" })).await;
    assert_eq!(
        data(&r)["initialInterviewDeadline"],
        json!({ "due": "2025-12-01", "ruleVersion": "employment-services-2025", "workingDays": 5 })
    );
    let r = app.gql(Some(&coach), DEADLINE, json!({ "d": "2026-11-23" })).await;
    assert_eq!(
        data(&r)["initialInterviewDeadline"],
        json!({ "due": "2026-12-07", "ruleVersion": "job-seeker-2026", "workingDays": 10 })
    );
    let r = app.gql_lang(Some(&coach), Some("sv"), DEADLINE, json!({ "d": "2021-01-04" })).await;
    assert_eq!(error_code(&r), Some("NO_RULE_FOR_DATE"));
    assert_eq!(error_field(&r), Some("jobSearchStartedOn"));
    let far = Utc::now().date_naive() + Days::new(800);
    assert_eq!(
        error_code(&app.gql(Some(&coach), DEADLINE, json!({ "d": far })).await),
        Some("DATE_TOO_FAR_AHEAD")
    );
    assert_eq!(
        error_code(&app.gql(None, DEADLINE, json!({ "d": "2026-01-01" })).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn a_coachs_worklist_shows_overdue_work_first_and_meetings_meet_it() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let worklist = "{ worklist { items { customerId customerName kind due status ruleVersion task } counts { overdue dueSoon upcoming } } }";
    let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
    let customer = data(&r)["caseload"][0]["customer"]["id"].clone();
    // The sample transfer sets no job-search start, so nothing is due yet.
    let empty = app.gql(Some(&coach), worklist, json!({})).await;
    assert_eq!(data(&empty)["worklist"]["counts"]["overdue"], 0);

    let started = Utc::now().date_naive() - Days::new(30);
    data(&app.gql(Some(&coach), "mutation($c: ID!, $d: NaiveDate) { updateCustomer(id: $c, input: { jobSearchStartedOn: $d }) { id } }", json!({ "c": customer, "d": started })).await);
    let plan = "mutation($c: ID!, $i: PlanInput!) { createPlan(customerId: $c, planType: EMPLOYMENT_PLAN, input: $i) { id } }";
    let task_due = Utc::now().date_naive() + Days::new(40);
    data(&app.gql(Some(&coach), plan, json!({ "c": customer, "i": { "tasks": [{ "what": "Hae kolmea paikkaa", "responsible": "CUSTOMER", "due": task_due }] } })).await);

    let r = app.gql(Some(&coach), worklist, json!({})).await;
    let list = &data(&r)["worklist"];
    assert_eq!(list["items"][0]["kind"], "INITIAL_INTERVIEW", "{list:#}");
    assert_eq!(list["items"][0]["status"], "OVERDUE");
    assert!(list["items"][0]["ruleVersion"]
        .as_str()
        .is_some_and(|r| r == "job-seeker-2026" || r == "employment-services-2025"));
    assert_eq!(list["counts"]["overdue"], 1);
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == "PLAN_TASK" && i["task"] == "Hae kolmea paikkaa"));

    // Holding the interview meets it; the next obligation is a discussion.
    let met_on = Utc::now() - chrono::Duration::days(1);
    let meeting = "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }";
    data(&app.gql(Some(&coach), meeting, json!({ "i": { "customerId": customer, "meetingType": "INITIAL_INTERVIEW", "channel": "IN_PERSON", "startsAt": met_on, "language": "FI" } })).await);
    let r = app
        .gql(
            Some(&coach),
            "query($c: ID!) { customer(id: $c) { obligations { kind status metByMeetingId } } }",
            json!({ "c": customer }),
        )
        .await;
    let obligations = data(&r)["customer"]["obligations"].as_array().unwrap().clone();
    assert_eq!(obligations[0]["kind"], "INITIAL_INTERVIEW");
    assert_eq!(obligations[0]["status"], "MET");
    assert!(obligations[0]["metByMeetingId"].is_string());
    assert!(obligations.iter().any(|o| o["kind"] == "JOB_SEARCH_DISCUSSION" && o["status"] != "MET"));
    let r = app.gql(Some(&coach), worklist, json!({})).await;
    assert_eq!(data(&r)["worklist"]["counts"]["overdue"], 0);

    // Another coach's worklist is a manager's business only.
    let other = app.gql(Some(&coach), "{ staff(coachesOnly: true) { id } }", json!({})).await;
    let someone =
        data(&other)["staff"].as_array().unwrap().iter().map(|s| s["id"].clone()).find(|_| true).unwrap();
    let by_id = "query($k: ID) { worklist(coachId: $k) { counts { overdue } } }";
    let mine = app.gql(Some(&coach), "{ meAsStaff { id } }", json!({})).await;
    if data(&mine)["meAsStaff"]["id"] != someone {
        assert_eq!(
            error_code(&app.gql(Some(&coach), by_id, json!({ "k": someone })).await),
            Some("FORBIDDEN")
        );
    }
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    data(&app.gql(Some(&manager), by_id, json!({ "k": someone })).await);
}

#[tokio::test]
async fn a_worklist_is_a_constant_number_of_statements() {
    let app = TestApp::spawn().await;
    let mut superuser = PgConnection::connect(&app.superuser_url).await.unwrap();
    // Give every customer a job search that began a month ago.
    sqlx::query("UPDATE customers SET job_search_started_on = current_date - 30")
        .execute(&mut superuser)
        .await
        .unwrap();
    let subjects = app.porvoo_coaches_by_caseload().await;
    let mut counts = Vec::new();
    for (subject, n) in [subjects.first().unwrap(), subjects.last().unwrap()] {
        let token = token_for(subject, "porvoo", &[Role::Coach]);
        let before = app.store.statement_count();
        let r = app
            .gql(
                Some(&token),
                "{ worklist { items { customerName kind status } counts { overdue } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            data(&r)["worklist"]["counts"]["overdue"].as_i64().unwrap(),
            *n,
            "one overdue interview each"
        );
        counts.push(app.store.statement_count() - before);
    }
    assert_eq!(counts[0], counts[1], "statements grew with the caseload: {counts:?}");
}

/// Every obligation kind and the rule versions that have it: on 1.2.2026 no
/// worklist may show an obligation the law of that day does not have.
#[tokio::test]
async fn on_1_february_2026_no_worklist_shows_an_obligation_the_law_no_longer_has() {
    use chrono::TimeZone;
    let app = TestApp::spawn().await;
    // 10:00 in Helsinki on 1.2.2026.
    let feb = app.at(Utc.with_ymd_and_hms(2026, 2, 1, 8, 0, 0).unwrap());
    // The sample transfer sets no job-search start: give Porvoo's first
    // customers job searches begun before and after the change of law, with
    // the meetings a coach would have recorded.
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let r = feb.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
    let ids: Vec<_> =
        data(&r)["caseload"].as_array().unwrap().iter().map(|e| e["customer"]["id"].clone()).collect();
    let update = "mutation($c: ID!, $d: NaiveDate) { updateCustomer(id: $c, input: { jobSearchStartedOn: $d }) { id } }";
    let meeting = "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }";
    let cases: [(&str, &[(&str, &str)]); 4] = [
        ("2025-03-03", &[("INITIAL_INTERVIEW", "2025-03-05"), ("SUPPLEMENTARY_DISCUSSION", "2025-03-19")]),
        ("2025-10-20", &[("INITIAL_INTERVIEW", "2025-10-22"), ("SUPPLEMENTARY_DISCUSSION", "2025-12-31")]),
        ("2025-12-29", &[]),
        ("2026-01-12", &[("INITIAL_INTERVIEW", "2026-01-20")]),
    ];
    for (customer, (start, meetings)) in ids.iter().zip(cases) {
        data(&feb.gql(Some(&coach), update, json!({ "c": customer, "d": start })).await);
        for (kind, on) in meetings {
            let input = json!({ "i": { "customerId": customer, "meetingType": kind, "channel": "IN_PERSON",
                "startsAt": format!("{on}T09:00:00Z"), "language": "FI" } });
            data(&feb.gql(Some(&coach), meeting, input).await);
        }
    }
    let mut seen = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for area in ["porvoo", "jakobstad", "lahti", "hameenlinna"] {
        let manager = feb.token(Some(area), &[Role::Manager]);
        let r = feb
            .gql(
                Some(&manager),
                "{ areaWorklist(itemsPerCoach: 500) { coaches { items { kind due ruleVersion } } } \
                   customers(first: 100) { edges { node { obligations { kind due ruleVersion status } } } } }",
                json!({}),
            )
            .await;
        let items = data(&r)["areaWorklist"]["coaches"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["items"].as_array().unwrap().clone())
            .chain(
                data(&r)["customers"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|e| e["node"]["obligations"].as_array().unwrap().clone()),
            )
            .collect::<Vec<_>>();
        for item in &items {
            seen += 1;
            let (kind, rule) = (item["kind"].as_str().unwrap(), item["ruleVersion"].as_str().unwrap_or(""));
            if matches!(kind, "SUPPLEMENTARY_DISCUSSION" | "INTENSIVE_DISCUSSION") {
                assert!(
                    rule == "nordic-2022"
                        || rule == "employment-services-2025"
                        || rule.starts_with("promise:"),
                    "{area}: {item} under a rule without it"
                );
            }
            assert!(rule != "nordic-2026", "{area}: the old name of the 2026 rule: {item}");
            kinds.insert((
                kind.to_string(),
                rule.to_string(),
                item["due"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    assert!(seen > 0, "the demo data has obligations on 1.2.2026");
    // What arose in 2025 keeps its rule; what arises in 2026 follows the new one.
    let has = |kind: &str, rule: &str, due: &str| kinds.contains(&(kind.into(), rule.into(), due.into()));
    assert!(has("SUPPLEMENTARY_DISCUSSION", "employment-services-2025", "2026-01-14"), "{kinds:?}");
    assert!(has("JOB_SEARCH_DISCUSSION", "job-seeker-2026", "2026-04-20"), "{kinds:?}");
    assert!(
        has("INITIAL_INTERVIEW", "employment-services-2025", "2026-01-07"),
        "started 29.12.2025: {kinds:?}"
    );
}

/// "Today" is the area's date: at 00:30 in Helsinki on 1.2.2026 it is still
/// 31.1. in UTC, and a start date 366 days ahead of the Helsinki date is
/// allowed while one 367 days ahead is not.
#[tokio::test]
async fn today_is_the_areas_date_in_its_own_time_zone() {
    use chrono::TimeZone;
    let app = TestApp::spawn().await;
    let half_past_midnight = app.at(Utc.with_ymd_and_hms(2026, 1, 31, 22, 30, 0).unwrap());
    let coach = half_past_midnight.token(Some("porvoo"), &[Role::Coach]);
    let q = "query($d: Date!) { initialInterviewDeadline(jobSearchStartedOn: $d) { due } }";
    let q = q.replace("Date!", "NaiveDate!");
    let r = half_past_midnight.gql(Some(&coach), &q, json!({ "d": "2027-02-02" })).await;
    assert!(r["errors"].is_null(), "366 days after 1.2.2026 (Helsinki), not 367 after 31.1. (UTC): {r}");
    let r = half_past_midnight.gql(Some(&coach), &q, json!({ "d": "2027-02-03" })).await;
    assert_eq!(error_code(&r), Some("DATE_TOO_FAR_AHEAD"));
}
