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
        json!({ "due": "2025-12-01", "ruleVersion": "nordic-2022", "workingDays": 5 })
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
    assert!(list["items"][0]["ruleVersion"].as_str().unwrap().starts_with("nordic-"));
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
