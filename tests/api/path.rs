//! The service path and the area's service promises through the API:
//! legal limits refused with localised errors naming the field, nothing
//! half-written, the path as one timeline, transitions per month, promises
//! stricter than the statute, and a manager's view across coaches.

use chrono::{Days, Utc};
use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::Connection;

use crate::harness::{data, error_code, error_field, error_message, token_for, TestApp};

const ADD: &str =
    "mutation($i: PathEpisodeInput!) { addPathEpisode(input: $i) { id stage ruleVersion organiserId } }";

async fn first_customer(app: &TestApp, token: &str) -> Value {
    let r = app.gql(Some(token), "{ caseload { customer { id } } }", json!({})).await;
    data(&r)["caseload"][0]["customer"]["id"].clone()
}

#[tokio::test]
async fn the_service_path_keeps_its_legal_limits_and_reads_as_one_timeline() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let c = first_customer(&app, &coach).await;
    let posintra = json!(app.partner_id(&coach, "Posintra").await);
    let samaria = json!(app.partner_id(&coach, "Samaria rf").await);
    let add = |input: Value| {
        let (app, coach) = (&app, &coach);
        async move { app.gql(Some(coach), ADD, json!({ "i": input })).await }
    };
    let refused = |r: &Value, code: &str, field: &str| {
        assert_eq!(error_code(r), Some(code), "{r:#}");
        assert_eq!(error_field(r), Some(field), "{r:#}");
    };

    let rehab = json!({ "customerId": c, "stage": "REHABILITATIVE_WORK", "startsOn": "2025-02-01",
        "endsOn": "2025-07-31", "daysPerWeek": 3, "hoursPerDay": 6 });
    let r = add(rehab.clone()).await;
    assert_eq!(data(&r)["addPathEpisode"]["ruleVersion"], "path-2025");
    // Five days a week is more than rehabilitative work allows.
    let mut five = rehab.clone();
    five["startsOn"] = json!("2025-08-01");
    five["endsOn"] = json!("2025-12-31");
    five["daysPerWeek"] = json!(5);
    let r = app.gql_lang(Some(&coach), Some("sv"), ADD, json!({ "i": five })).await;
    refused(&r, "OUT_OF_RANGE", "input.daysPerWeek");
    assert!(error_message(&r).contains("1–4"), "{r:#}");
    // Before the first limits (1.1.2017), and overlapping the first period.
    let mut early = rehab.clone();
    early["startsOn"] = json!("2016-12-31");
    refused(&add(early).await, "NO_PATH_RULE_FOR_DATE", "input.startsOn");
    let trial = |from: &str, to: &str, organiser: &Value| {
        json!({ "customerId": c, "stage": "WORK_TRIAL", "startsOn": from, "endsOn": to,
            "organiserId": organiser, "daysPerWeek": 5, "hoursPerDay": 6 })
    };
    refused(&add(trial("2025-07-31", "2025-09-30", &posintra)).await, "PATH_OVERLAP", "input.startsOn");

    data(&add(trial("2025-08-01", "2025-10-31", &posintra)).await);
    // Four more months with the same organiser pass six in all.
    let r = app
        .gql_lang(Some(&coach), Some("en"), ADD, json!({ "i": trial("2025-11-01", "2026-02-28", &posintra) }))
        .await;
    refused(&r, "WORK_TRIAL_LIMIT", "input.endsOn");
    assert!(error_message(&r).contains("6 months"), "{r:#}");
    data(&add(trial("2025-11-01", "2026-02-28", &samaria)).await);

    // The 100 % subsidy: a non-profit, non-business tasks, and 24 of the
    // last 28 months unemployed (tests/api/pay_subsidy.rs has the rest).
    let subsidised = |rate: i32, time: i32, amount: &str, employer: &Value| {
        json!({ "customerId": c, "stage": "PAY_SUBSIDISED_WORK", "startsOn": "2026-03-01", "endsOn": "2026-12-31",
            "organiserId": employer, "subsidy": { "ratePercent": rate, "workingTimePercent": time, "monthlyAmount": amount,
                "unemployedMonthsOfLast28": 25, "nonBusinessTasks": true } })
    };
    refused(
        &add(subsidised(100, 60, "2020", &posintra)).await,
        "SUBSIDY_RATE_NOT_ALLOWED",
        "input.subsidy.ratePercent",
    );
    refused(
        &add(subsidised(70, 100, "1800", &posintra)).await,
        "SUBSIDY_CAP_EXCEEDED",
        "input.subsidy.monthlyAmount",
    );
    refused(
        &add(subsidised(60, 100, "1000", &posintra)).await,
        "INVALID_SUBSIDY_RATE",
        "input.subsidy.ratePercent",
    );
    let r = add(subsidised(100, 60, "2 020,00", &samaria)).await;
    let job = data(&r)["addPathEpisode"]["id"].clone();

    // The customer finds open-market work in June: not inside the
    // subsidised period, until that period is ended early.
    let exit = json!({ "customerId": c, "stage": "OPEN_MARKET", "startsOn": "2026-06-01" });
    refused(&add(exit.clone()).await, "PATH_OVERLAP", "input.startsOn");
    let end = "mutation($id: ID!, $d: NaiveDate!) { endPathEpisodeEarly(id: $id, endsOn: $d) { endsOn endedEarly } }";
    let r = app.gql(Some(&coach), end, json!({ "id": job, "d": "2027-01-31" })).await;
    assert_eq!(error_code(&r), Some("OUT_OF_RANGE"), "a period is never lengthened");
    let r = app.gql(Some(&coach), end, json!({ "id": job, "d": "2026-05-31" })).await;
    assert_eq!(data(&r)["endPathEpisodeEarly"], json!({ "endsOn": "2026-05-31", "endedEarly": true }));
    data(&add(exit).await);
    let far = Utc::now().date_naive() + Days::new(800);
    refused(
        &add(json!({ "customerId": c, "stage": "EDUCATION", "startsOn": far })).await,
        "DATE_TOO_FAR_AHEAD",
        "input.startsOn",
    );

    // One timeline, nothing of the refusals in it.
    let r = app
        .gql(Some(&coach), "query($c: ID!) { customer(id: $c) { path { stage startsOn subsidy { ratePercent monthlyAmount } } } }", json!({ "c": c }))
        .await;
    let stages: Vec<&str> = data(&r)["customer"]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["REHABILITATIVE_WORK", "WORK_TRIAL", "WORK_TRIAL", "PAY_SUBSIDISED_WORK", "OPEN_MARKET"]
    );
    assert_eq!(
        data(&r)["customer"]["path"][3]["subsidy"],
        json!({ "ratePercent": 100, "monthlyAmount": "2020.00" })
    );

    // Transitions between stages per month, for managers.
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let q = "{ pathTransitions(from: \"2025-01-01\", to: \"2026-12-31\") { month from to customers } }";
    assert_eq!(error_code(&app.gql(Some(&coach), q, json!({})).await), Some("FORBIDDEN"));
    let r = app.gql(Some(&manager), q, json!({})).await;
    assert_eq!(
        data(&r)["pathTransitions"],
        json!([
            { "month": "2025-02-01", "from": null, "to": "REHABILITATIVE_WORK", "customers": 1 },
            { "month": "2025-08-01", "from": "REHABILITATIVE_WORK", "to": "WORK_TRIAL", "customers": 1 },
            { "month": "2025-11-01", "from": "WORK_TRIAL", "to": "WORK_TRIAL", "customers": 1 },
            { "month": "2026-03-01", "from": "WORK_TRIAL", "to": "PAY_SUBSIDISED_WORK", "customers": 1 },
            { "month": "2026-06-01", "from": "PAY_SUBSIDISED_WORK", "to": "OPEN_MARKET", "customers": 1 },
        ])
    );
}

#[tokio::test]
async fn a_stricter_service_promise_sets_the_deadline() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let create = "mutation($i: ServicePromiseInput!) { createServicePromise(input: $i) { id label interviewWorkingDays } }";
    let promise = json!({ "label": "everyone-fast", "descriptions": [{ "lang": "FI", "text": "Alkuhaastattelu kolmessa päivässä" }],
        "interviewWorkingDays": 3, "discussionIntervalDays": 7, "effectiveFrom": "2026-01-01" });
    assert_eq!(error_code(&app.gql(Some(&coach), create, json!({ "i": promise })).await), Some("FORBIDDEN"));
    let mut bad = promise.clone();
    bad["interviewWorkingDays"] = json!(0);
    let r = app.gql_lang(Some(&manager), Some("fi"), create, json!({ "i": bad })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("OUT_OF_RANGE"), Some("input.interviewWorkingDays")));
    let mut bad = promise.clone();
    bad["label"] = json!("Kaikki Nopeasti");
    assert_eq!(error_field(&app.gql(Some(&manager), create, json!({ "i": bad })).await), Some("input.label"));
    data(&app.gql(Some(&manager), create, json!({ "i": promise })).await);
    let r = app.gql(Some(&manager), create, json!({ "i": promise })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("LABEL_TAKEN"), Some("input.label")));

    let c = first_customer(&app, &coach).await;
    let started = Utc::now().date_naive() - Days::new(1);
    data(&app.gql(Some(&coach), "mutation($c: ID!, $d: NaiveDate) { updateCustomer(id: $c, input: { jobSearchStartedOn: $d }) { id } }", json!({ "c": c, "d": started })).await);
    let r = app
        .gql(
            Some(&coach),
            "query($c: ID!) { customer(id: $c) { obligations { kind ruleVersion due } } }",
            json!({ "c": c }),
        )
        .await;
    let interview = &data(&r)["customer"]["obligations"][0];
    assert_eq!(interview["kind"], "INITIAL_INTERVIEW");
    assert_eq!(interview["ruleVersion"], "promise:everyone-fast");
    let r = app.gql(Some(&coach), "{ servicePromises { label description } }", json!({})).await;
    assert_eq!(
        data(&r)["servicePromises"],
        json!([{ "label": "everyone-fast", "description": "Alkuhaastattelu kolmessa päivässä" }])
    );
}

#[tokio::test]
async fn a_manager_sees_the_areas_work_grouped_by_coach() {
    let app = TestApp::spawn().await;
    let mut superuser = sqlx::PgConnection::connect(&app.superuser_url).await.unwrap();
    sqlx::query("UPDATE customers SET job_search_started_on = current_date - 30")
        .execute(&mut superuser)
        .await
        .unwrap();
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let q = "query($n: Int) { areaWorklist(itemsPerCoach: $n) { counts { overdue } coaches { coach { name } caseload caseloadLimit counts { overdue } items { kind status customerName } } } }";
    let r = app.gql(Some(&manager), q, json!({ "n": 2 })).await;
    let view = &data(&r)["areaWorklist"];
    let coaches = view["coaches"].as_array().unwrap();
    let active: i64 = coaches.iter().map(|c| c["caseload"].as_i64().unwrap()).sum();
    let overdue: i64 = coaches.iter().map(|c| c["counts"]["overdue"].as_i64().unwrap()).sum();
    assert!(active > 0);
    assert_eq!(overdue, active, "one overdue initial interview each");
    assert_eq!(view["counts"]["overdue"].as_i64(), Some(overdue));
    assert!(coaches.iter().all(|c| c["items"].as_array().unwrap().len() <= 2));
    assert!(coaches
        .windows(2)
        .all(|w| w[0]["counts"]["overdue"].as_i64() >= w[1]["counts"]["overdue"].as_i64()));
    let by_coach = app.porvoo_coaches_by_caseload().await;
    assert_eq!(active, by_coach.iter().map(|(_, n)| n).sum::<i64>());

    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    assert_eq!(error_code(&app.gql(Some(&coach), q, json!({ "n": 2 })).await), Some("FORBIDDEN"));
    let r = app.gql(Some(&manager), q, json!({ "n": 1000 })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("OUT_OF_RANGE"), Some("itemsPerCoach")));
}
