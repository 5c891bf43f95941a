//! The jobseeker's duties of 2026 through the API: assigned vacancies on the
//! worklist, neglects with the consequence the rule of their day states, the
//! job-search profile, and bad input refused by name.

use chrono::{TimeZone, Utc};
use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::Connection;

use crate::harness::{data, error_code, error_field, token_for, TestApp};

const UPDATE: &str =
    "mutation($c: ID!, $d: NaiveDate) { updateCustomer(id: $c, input: { jobSearchStartedOn: $d }) { id } }";
const ASSIGN: &str = "mutation($c: ID!, $i: VacancyInput!) { assignVacancy(customerId: $c, input: $i) { id applyBy appliedOn } }";
const NEGLECT: &str = "mutation($c: ID!, $i: NeglectInput!) { recordNeglect(customerId: $c, input: $i) { kind consequence { kind days weeks ruleVersion ordinal periodFrom periodUntil } } }";

async fn customers(app: &TestApp, coach: &str) -> Vec<Value> {
    let r = app.gql(Some(coach), "{ caseload { customer { id } } }", json!({})).await;
    data(&r)["caseload"].as_array().unwrap().iter().map(|e| e["customer"]["id"].clone()).collect()
}

#[tokio::test]
async fn an_assigned_vacancy_is_on_the_worklist_until_the_application_is_recorded() {
    let app = TestApp::spawn().await;
    let spring = app.at(Utc.with_ymd_and_hms(2026, 4, 1, 8, 0, 0).unwrap());
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let c = customers(&spring, &coach).await[0].clone();
    let input = json!({ "title": "Varastotyöntekijä, Oy Esimerkki Ab", "applyBy": "2026-04-10" });
    // No job search yet: no duty to record.
    let r = spring.gql(Some(&coach), ASSIGN, json!({ "c": c, "i": input })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("NO_JOB_SEARCH"), Some("customerId")), "{r}");
    data(&spring.gql(Some(&coach), UPDATE, json!({ "c": c, "d": "2026-03-02" })).await);
    // A deadline before the assignment, in the caller's language.
    let r = spring
        .gql_lang(
            Some(&coach),
            Some("sv"),
            ASSIGN,
            json!({ "c": c, "i": { "title": "x", "applyBy": "2026-03-31" } }),
        )
        .await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("INVALID_DATE_RANGE"), Some("input.applyBy")), "{r}");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("input.applyBy"));
    let vacancy = data(&spring.gql(Some(&coach), ASSIGN, json!({ "c": c, "i": input })).await)
        ["assignVacancy"]["id"]
        .clone();
    let obligations = "query($c: ID!) { customer(id: $c) { obligations { kind due status } vacancies { title appliedOn } } }";
    let r = spring.gql(Some(&coach), obligations, json!({ "c": c })).await;
    let open: Vec<_> = data(&r)["customer"]["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "VACANCY_APPLICATION")
        .cloned()
        .collect();
    assert_eq!(
        open,
        vec![json!({ "kind": "VACANCY_APPLICATION", "due": "2026-04-10", "status": "UPCOMING" })]
    );
    // An application recorded in the future is refused; today's is kept.
    let record = "mutation($id: ID!, $d: NaiveDate!) { recordVacancyApplication(id: $id, appliedOn: $d) { appliedOn } }";
    let r = spring.gql(Some(&coach), record, json!({ "id": vacancy, "d": "2026-04-02" })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("DATE_IN_FUTURE"), Some("appliedOn")));
    let r = spring.gql(Some(&coach), record, json!({ "id": vacancy, "d": "2026-04-01" })).await;
    assert_eq!(data(&r)["recordVacancyApplication"]["appliedOn"], "2026-04-01");
    let r = spring.gql(Some(&coach), obligations, json!({ "c": c })).await;
    assert!(data(&r)["customer"]["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["kind"] == "VACANCY_APPLICATION" && o["status"] == "MET"));
}

#[tokio::test]
async fn a_neglect_states_the_consequence_of_the_rule_of_its_day() {
    let app = TestApp::spawn().await;
    let spring = app.at(Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).unwrap());
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let ids = customers(&spring, &coach).await;
    let (a, b) = (ids[0].clone(), ids[1].clone());
    let neglect = |kind: &str, on: &str| json!({ "kind": kind, "occurredOn": on, "note": "Ei saapunut sovittuun aikaan" });
    // No job search: nothing to neglect.
    let r = spring
        .gql(Some(&coach), NEGLECT, json!({ "c": a, "i": neglect("MISSED_DISCUSSION", "2026-02-27") }))
        .await;
    assert_eq!(error_code(&r), Some("NO_JOB_SEARCH"));
    for c in [&a, &b] {
        data(&spring.gql(Some(&coach), UPDATE, json!({ "c": c, "d": "2026-01-12" })).await);
    }
    // The day before 1.3.2026: the old ladder's first step, a reminder.
    let r = spring
        .gql(Some(&coach), NEGLECT, json!({ "c": a, "i": neglect("MISSED_DISCUSSION", "2026-02-28") }))
        .await;
    assert_eq!(
        data(&r)["recordNeglect"]["consequence"],
        json!({ "kind": "REMINDER", "days": null, "weeks": null, "ruleVersion": "neglect-2022", "ordinal": 1,
                "periodFrom": "2026-02-28", "periodUntil": "2027-02-28" })
    );
    // The second of the same period falls under the new ladder: six weeks' work requirement.
    let r = spring
        .gql(Some(&coach), NEGLECT, json!({ "c": a, "i": neglect("MISSED_VACANCY", "2026-03-10") }))
        .await;
    let second = &data(&r)["recordNeglect"]["consequence"];
    assert_eq!(
        (second["kind"].as_str(), second["weeks"].as_i64(), second["ordinal"].as_i64()),
        (Some("WORK_REQUIREMENT"), Some(6), Some(2))
    );
    // From 1.3.2026 a first neglect is seven days without benefit.
    let r = spring
        .gql(Some(&coach), NEGLECT, json!({ "c": b, "i": neglect("MISSING_PROFILE", "2026-03-01") }))
        .await;
    let first = &data(&r)["recordNeglect"]["consequence"];
    assert_eq!(
        (first["kind"].as_str(), first["days"].as_i64(), first["ruleVersion"].as_str()),
        (Some("WAITING_PERIOD"), Some(7), Some("neglect-2026"))
    );
    // Bad dates, by name.
    let r = spring.gql(Some(&coach), NEGLECT, json!({ "c": b, "i": neglect("OTHER", "2026-05-05") })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("DATE_IN_FUTURE"), Some("input.occurredOn")), "{r}");
    let r = spring.gql(Some(&coach), NEGLECT, json!({ "c": b, "i": neglect("OTHER", "2026-01-05") })).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("INVALID_DATE_RANGE"), Some("input.occurredOn")),
        "before the job search"
    );
    // The customer's record, audited.
    let r = spring
        .gql(
            Some(&coach),
            "query($c: ID!) { customer(id: $c) { neglects { kind occurredOn consequence { kind } } } }",
            json!({ "c": a }),
        )
        .await;
    assert_eq!(data(&r)["customer"]["neglects"].as_array().unwrap().len(), 2);
    let mut su = sqlx::PgConnection::connect(&app.superuser_url).await.unwrap();
    let audited: Vec<String> = sqlx::query_scalar("SELECT DISTINCT action || ' ' || what FROM audit_log WHERE customer_ids @> ARRAY[$1::uuid] AND what = 'neglects' OR what = 'neglect' ORDER BY 1")
        .bind(a.as_str().unwrap())
        .fetch_all(&mut su)
        .await
        .unwrap();
    assert_eq!(audited, ["create neglect", "read neglects"]);
}

#[tokio::test]
async fn the_job_search_profile_is_recorded_with_who_published_it() {
    let app = TestApp::spawn().await;
    let autumn = app.at(Utc.with_ymd_and_hms(2026, 9, 15, 8, 0, 0).unwrap());
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let c = customers(&autumn, &coach).await[0].clone();
    data(&autumn.gql(Some(&coach), UPDATE, json!({ "c": c, "d": "2026-09-01" })).await);
    let record = "mutation($c: ID!, $d: NaiveDate!) { recordJobSearchProfile(customerId: $c, publishedOn: $d, publishedBy: AUTHORITY) { publishedOn publishedBy } }";
    let r = autumn.gql(Some(&coach), record, json!({ "c": c, "d": "2026-09-16" })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("DATE_IN_FUTURE"), Some("publishedOn")));
    data(&autumn.gql(Some(&coach), record, json!({ "c": c, "d": "2026-09-14" })).await);
    let r = autumn
        .gql(
            Some(&coach),
            "query($c: ID!) { customer(id: $c) { jobSearchProfile { publishedOn publishedBy } } }",
            json!({ "c": c }),
        )
        .await;
    assert_eq!(
        data(&r)["customer"]["jobSearchProfile"],
        json!({ "publishedOn": "2026-09-14", "publishedBy": "AUTHORITY" })
    );
}

#[tokio::test]
async fn the_default_job_search_obligation_follows_the_situation_and_the_day() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let q = "query($s: JobSearchSituation!, $on: NaiveDate) { defaultJobSearchObligation(situation: $s, on: $on) { count months ruleVersion source } }";
    let at = |s: &str, on: &str| json!({ "s": s, "on": on });
    let r = app.gql(Some(&coach), q, at("PART_TIME", "2025-12-31")).await;
    let o = &data(&r)["defaultJobSearchObligation"];
    assert_eq!(
        (o["count"].as_i64(), o["months"].as_i64(), o["ruleVersion"].as_str()),
        (Some(1), Some(3), Some("obligation-2022"))
    );
    let r = app.gql(Some(&coach), q, at("PART_TIME", "2026-01-01")).await;
    let o = &data(&r)["defaultJobSearchObligation"];
    assert_eq!(
        (o["count"].as_i64(), o["months"].as_i64(), o["ruleVersion"].as_str()),
        (Some(4), Some(1), Some("obligation-2026"))
    );
    assert!(o["source"].as_str().unwrap().contains("HE 108/2025"));
    let r = app.gql(Some(&coach), q, at("SELF_MOTIVATED_STUDIES", "2026-03-01")).await;
    assert_eq!(data(&r)["defaultJobSearchObligation"]["count"], 3);
    let r = app.gql(Some(&coach), q, at("UNEMPLOYED", "2021-01-01")).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("NO_RULE_FOR_DATE"), Some("on")));
}
