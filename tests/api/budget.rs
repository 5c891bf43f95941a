//! Budget control through the API and the store: a grant commits its whole
//! schedule against the year's appropriation, warnings at the area's
//! thresholds, refusal past it unless a manager overrides with a reason,
//! the manager's view and CSV, a closed year, and two commitments racing
//! for the last euros on two gateways never both succeeding.

use polku_domain::budget::{BudgetPurpose, MonthAmount};
use polku_domain::{Euros, Role, Slug};
use polku_store::budget::{self, NewCommitment, Source};
use polku_store::{Actor, StoreError};
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::harness::{data, error_code, error_field, token_for, TestApp};

const GRANT: &str = "mutation($i: EmploymentGrantInput!) { recordEmploymentGrant(input: $i) { id total \
                     budgetWarnings { year percent } } }";
const BUDGET: &str = "query($y: Int!) { budget(year: $y) { year closed csv purposes { purpose appropriation \
                      committed spent free forecastYearEnd usedPercent months { month committed spent } } } }";
const SET: &str = "mutation($y: Int!, $p: BudgetPurpose!, $a: String!) { setAppropriation(year: $y, purpose: $p, amount: $a) }";

#[tokio::test]
async fn grants_commit_their_schedule_against_the_appropriation() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let manager = app.token(Some("porvoo"), &[Role::Manager, Role::Coach]);
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
    let customers: Vec<serde_json::Value> =
        data(&r)["caseload"].as_array().unwrap().iter().map(|c| c["customer"]["id"].clone()).collect();
    let samaria = json!(app.partner_id(&coach, "Samaria rf").await);
    // 2026: 1,000 € for employment grants; a grant is 400 € a month.
    let r = app.gql(Some(&admin), SET, json!({ "y": 2026, "p": "EMPLOYMENT_GRANTS", "a": "1000" })).await;
    assert_eq!(data(&r)["setAppropriation"], true);
    let r = app.gql(Some(&coach), SET, json!({ "y": 2026, "p": "EMPLOYMENT_GRANTS", "a": "5000" })).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));

    let grant = |i: usize, reason: Option<&str>| {
        json!({ "i": { "customerId": customers[i], "employerId": samaria, "startsOn": "2026-12-01",
            "endsOn": "2027-01-31", "workingTimePercent": 90, "subsidyPercent": 70,
            "employerSupport": "Perehdytys ja työpaikkaohjaaja", "budgetOverrideReason": reason } })
    };
    let r = app.gql(Some(&coach), GRANT, grant(0, None)).await;
    assert_eq!(data(&r)["recordEmploymentGrant"]["budgetWarnings"], json!([]), "{r:#}");
    let r = app.gql(Some(&coach), GRANT, grant(1, None)).await;
    assert_eq!(data(&r)["recordEmploymentGrant"]["budgetWarnings"], json!([{ "year": 2026, "percent": 75 }]));
    // A third would take December past 1,000 €: refused, and no grant made.
    let r = app.gql_lang(Some(&coach), Some("fi"), GRANT, grant(2, None)).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("BUDGET_EXCEEDED"), Some("input.budgetOverrideReason")),
        "{r:#}"
    );
    assert!(crate::harness::error_message(&r).contains("200.00"), "{r:#}");
    let r = app.gql(Some(&coach), GRANT, grant(2, Some("kaupunginhallitus 12/2026"))).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("FORBIDDEN"), Some("input.budgetOverrideReason")));
    let r = app.gql(Some(&manager), GRANT, grant(2, Some("kaupunginhallitus 12/2026"))).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let (grants, reasons): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM employment_grants), \
                (SELECT count(*) FROM commitments WHERE override_reason IS NOT NULL)",
    )
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert_eq!((grants, reasons), (3, 1));

    // The manager's view: three Decembers committed, 200 € over.
    let r = app.gql(Some(&manager), BUDGET, json!({ "y": 2026 })).await;
    let b = &data(&r)["budget"];
    let grants =
        b["purposes"].as_array().unwrap().iter().find(|p| p["purpose"] == "EMPLOYMENT_GRANTS").unwrap();
    assert_eq!(
        (&grants["appropriation"], &grants["committed"], &grants["free"], &grants["usedPercent"]),
        (&json!("1000.00"), &json!("1200.00"), &json!("-200.00"), &json!(120.0)),
        "{r:#}"
    );
    assert_eq!(grants["months"], json!([{ "month": "2026-12", "committed": "1200.00", "spent": "0.00" }]));
    assert!(
        b["csv"].as_str().unwrap().contains("2026;employment_grants;2026-12;1000.00;1200.00;0.00"),
        "{r:#}"
    );
    // The appropriation cannot go below what is committed.
    let r = app.gql(Some(&admin), SET, json!({ "y": 2026, "p": "EMPLOYMENT_GRANTS", "a": "900" })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("APPROPRIATION_BELOW_COMMITTED"), Some("amount")));

    // Spending moves money from committed to spent; releasing frees the rest.
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT commitment_id FROM commitments ORDER BY created_at LIMIT 1")
            .fetch_one(&mut su)
            .await
            .unwrap();
    let spend = "mutation($c: ID!) { recordSpending(commitmentId: $c, month: \"2026-12\", amount: \"400\") }";
    assert_eq!(data(&app.gql(Some(&manager), spend, json!({ "c": id })).await)["recordSpending"], true);
    let second: uuid::Uuid =
        sqlx::query_scalar("SELECT commitment_id FROM commitments ORDER BY created_at OFFSET 1 LIMIT 1")
            .fetch_one(&mut su)
            .await
            .unwrap();
    let release = "mutation($c: ID!) { releaseCommitment(id: $c) }";
    assert_eq!(
        data(&app.gql(Some(&manager), release, json!({ "c": second })).await)["releaseCommitment"],
        true
    );
    let r = app.gql(Some(&manager), BUDGET, json!({ "y": 2026 })).await;
    let grants = data(&r)["budget"]["purposes"][0].clone();
    assert_eq!(
        (&grants["committed"], &grants["spent"], &grants["free"]),
        (&json!("400.00"), &json!("400.00"), &json!("200.00")),
        "{r:#}"
    );

    // A closed year takes no more.
    let close = "mutation { closeBudgetYear(year: 2026) }";
    assert_eq!(data(&app.gql(Some(&admin), close, json!({})).await)["closeBudgetYear"], true);
    let r = app.gql(Some(&manager), GRANT, grant(3, None)).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("BUDGET_YEAR_CLOSED"), Some("input.budgetOverrideReason"))
    );
}

/// A manager's commitment of `euros` for `purpose` in December 2026, in a
/// transaction of its own on `app`'s store, held open until `hold` says.
async fn commit(app: &TestApp, purpose: BudgetPurpose, euros: i64) -> Result<(), StoreError> {
    let actor = Actor::request(
        "manager".into(),
        vec![Role::Manager],
        Some(Slug::parse("porvoo").unwrap()),
        None,
        None,
    );
    let mut tx = app.store.begin(&actor).await?;
    budget::commit(
        &mut tx,
        NewCommitment {
            purpose,
            source: Source::Manual,
            source_id: None,
            customer_id: None,
            description: Some("race".into()),
            months: vec![MonthAmount {
                month: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                amount: Euros::from_cents(euros * 100),
            }],
            override_reason: None,
        },
        "input.months",
    )
    .await?;
    tx.commit().await
}

#[tokio::test]
async fn two_commitments_racing_for_the_last_euros_never_both_succeed() {
    let app = TestApp::spawn().await;
    let other = app.replica();
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    for (round, purpose) in
        [BudgetPurpose::Other, BudgetPurpose::BoughtPlaces, BudgetPurpose::PaySubsidyTopUps]
            .into_iter()
            .enumerate()
    {
        let code = match purpose {
            BudgetPurpose::Other => "OTHER",
            BudgetPurpose::BoughtPlaces => "BOUGHT_PLACES",
            _ => "PAY_SUBSIDY_TOP_UPS",
        };
        data(&app.gql(Some(&admin), SET, json!({ "y": 2026, "p": code, "a": "1000" })).await);
        commit(&app, purpose, 600).await.unwrap();
        // Two gateways ask for 300 € each of the last 400 € at once.
        let (a, b) = tokio::join!(commit(&app, purpose, 300), commit(&other, purpose, 300));
        let won = [a.is_ok(), b.is_ok()];
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "round {round}: {a:?} {b:?}");
        let refused = if a.is_err() { a } else { b };
        assert!(
            matches!(refused, Err(StoreError::Domain(ref e)) if e.code == polku_domain::ErrorCode::BudgetExceeded)
        );
        let committed: i64 = sqlx::query_scalar(
            "SELECT sum(m.reserved_cents)::bigint FROM commitment_months m JOIN commitments c USING (tenant_id, commitment_id) \
             WHERE c.purpose = $1",
        )
        .bind(purpose.code())
        .fetch_one(&mut su)
        .await
        .unwrap();
        assert_eq!(committed, 90_000, "round {round}");
    }
}

#[tokio::test]
async fn a_bought_place_reserves_its_months_when_sent_and_a_decline_frees_them() {
    let base = TestApp::spawn().await;
    let app = base.at("2026-11-30T08:00:00Z".parse().unwrap());
    let a = crate::referrals::area(&app).await;
    let service = crate::referrals::service(&app, &a, 5).await; // 900 € a place a month
    let r = app.gql(Some(&a.admin), SET, json!({ "y": 2026, "p": "BOUGHT_PLACES", "a": "1000" })).await;
    assert_eq!(data(&r)["setAppropriation"], true, "{r:#}");
    let refer = "mutation($c: ID!, $s: ID!, $m: Int) { referCustomer(customerId: $c, serviceId: $s, plannedMonths: $m) { id } }";
    let send = "mutation($id: ID!) { sendReferral(id: $id) { state } }";
    let mut ids = Vec::new();
    for c in &a.customers[..2] {
        let r = app.gql(Some(&a.coach), refer, json!({ "c": c, "s": service, "m": 1 })).await;
        ids.push(data(&r)["referCustomer"]["id"].clone());
    }
    let r = app.gql(Some(&a.coach), refer, json!({ "c": a.customers[2], "s": service, "m": 40 })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("OUT_OF_RANGE"), Some("plannedMonths")));

    // The first place reserves November's 900 €; the second would pass 1,000 €.
    assert_eq!(
        data(&app.gql(Some(&a.coach), send, json!({ "id": ids[0] })).await)["sendReferral"]["state"],
        "SENT"
    );
    let r = app.gql(Some(&a.coach), send, json!({ "id": ids[1] })).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("BUDGET_EXCEEDED"), Some("budgetOverrideReason")),
        "{r:#}"
    );
    // The partner declines the first: its months are free again, no write of the partner's own.
    let decline = "mutation($id: ID!) { declineReferral(id: $id, reason: \"no place\") { state } }";
    assert_eq!(
        data(&app.gql(Some(&a.samaria), decline, json!({ "id": ids[0] })).await)["declineReferral"]["state"],
        "DECLINED"
    );
    assert_eq!(
        data(&app.gql(Some(&a.coach), send, json!({ "id": ids[1] })).await)["sendReferral"]["state"],
        "SENT"
    );
    let r = app.gql(Some(&a.coach), BUDGET, json!({ "y": 2026 })).await;
    let places = data(&r)["budget"]["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["purpose"] == "BOUGHT_PLACES")
        .cloned()
        .unwrap();
    assert_eq!((&places["committed"], &places["free"]), (&json!("900.00"), &json!("100.00")), "{r:#}");
}

#[tokio::test]
async fn budget_warnings_and_overrides_reach_the_holders_as_notifications() {
    let app = TestApp::spawn().await;
    let holder = token_for("budget-holder", "porvoo", &[Role::TenantAdmin, Role::Manager]);
    let watcher = token_for("coach-porvoo-2", "porvoo", &[Role::Manager, Role::Coach]);
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let watcher_id: uuid::Uuid =
        sqlx::query_scalar("SELECT staff_id FROM staff WHERE subject = 'coach-porvoo-2'")
            .fetch_one(&mut su)
            .await
            .unwrap();
    let set =
        "mutation($w: [ID!]) { setAppropriation(year: 2026, purpose: EMPLOYMENT_GRANTS, amount: \"1000\", \
               watcherIds: $w) }";
    let r = app.gql(Some(&holder), set, json!({ "w": [uuid::Uuid::nil()] })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("UNKNOWN_STAFF"), Some("watcherIds[0]")), "{r:#}");
    let r = app.gql(Some(&holder), set, json!({ "w": [watcher_id] })).await;
    assert_eq!(data(&r)["setAppropriation"], true, "{r:#}");

    let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
    let customers: Vec<serde_json::Value> =
        data(&r)["caseload"].as_array().unwrap().iter().map(|c| c["customer"]["id"].clone()).collect();
    let samaria = json!(app.partner_id(&coach, "Samaria rf").await);
    let grant = |i: usize, reason: Option<&str>| {
        json!({ "i": { "customerId": customers[i], "employerId": samaria, "startsOn": "2026-12-01",
            "endsOn": "2026-12-31", "workingTimePercent": 90, "subsidyPercent": 70,
            "employerSupport": "Perehdytys", "budgetOverrideReason": reason } })
    };
    for i in 0..2 {
        let r = app.gql(Some(&coach), GRANT, grant(i, None)).await;
        assert!(r.get("errors").is_none(), "{r:#}");
    }
    let r = app.gql(Some(&watcher), GRANT, grant(2, Some("valtuusto 11/2026"))).await;
    assert!(r.get("errors").is_none(), "{r:#}");

    let list = "{ notifications { kind budgetYear budgetPurpose percent customerId } }";
    let kinds = |r: &serde_json::Value| {
        data(r)["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["budgetPurpose"] == "EMPLOYMENT_GRANTS")
            .map(|n| (n["kind"].as_str().unwrap().to_string(), n["percent"].as_u64()))
            .collect::<Vec<_>>()
    };
    // The holder hears of the 75 % crossing and of the override; the 90 %
    // crossing was the watcher's own override, told in its answer.
    let r = app.gql(Some(&holder), list, json!({})).await;
    let mut got = kinds(&r);
    got.sort();
    assert_eq!(
        got,
        [
            ("BUDGET_OVERRIDDEN".to_string(), None),
            ("BUDGET_THRESHOLD".to_string(), Some(75)),
            ("BUDGET_THRESHOLD".to_string(), Some(90))
        ],
        "{r:#}"
    );
    assert_eq!(data(&r)["notifications"][0]["budgetYear"], 2026);
    assert_eq!(data(&r)["notifications"][0]["customerId"], serde_json::Value::Null);
    let r = app.gql(Some(&watcher), list, json!({})).await;
    assert_eq!(kinds(&r), [("BUDGET_THRESHOLD".to_string(), Some(75))], "{r:#}");
    let r = app.gql(Some(&coach), list, json!({})).await;
    assert!(kinds(&r).is_empty(), "{r:#}");
}
