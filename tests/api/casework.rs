//! Case management through the API: the transfer import, identity codes,
//! coaches and caseloads, plans, meetings, letters and the audit log.

use polku_domain::Role;
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::harness::{data, error_code, error_field, error_message, TestApp};

const SAMPLE: &[u8] = include_bytes!("../../crates/polku-server/data/te-transfer-demo.csv");

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean, $date: NaiveDate) { importCustomers(file: $file, dryRun: $dry, transferDate: $date) { \
    importId dryRun lines imported updated notEligible rejected letters unknownColumns notEligibleLines \
    rejections { line column code message } } }";

async fn customer_count(app: &TestApp, token: &str) -> i64 {
    let r = app.gql(Some(token), "{ customers { totalCount } }", json!({})).await;
    data(&r)["customers"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn the_transfer_import_accounts_for_every_line_and_creates_nobody_twice() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    // The demo already holds Porvoo's sample transfer, imported under the
    // law of its day (every jobseeker of the area since 1.1.2025): importing
    // it again updates the 40 customers and creates nobody.
    let before = customer_count(&app, &admin).await;
    assert_eq!(before, 40);
    let r = app.upload(&admin, None, IMPORT, json!({ "date": "2026-11-24" }), "sample.csv", SAMPLE).await;
    let report = &data(&r)["importCustomers"];
    assert_eq!(
        (report["lines"].as_u64(), report["imported"].as_u64(), report["updated"].as_u64()),
        (Some(40), Some(0), Some(40))
    );
    assert_eq!(report["notEligible"], 0);
    assert_eq!(report["letters"], 0);
    assert_eq!(customer_count(&app, &admin).await, 40);

    // A file with problems: every bad field named, valid rows still go in,
    // an unknown column listed, reasons in the operator's language.
    let file =
        "HENKILOTUNNUS;Sukunimi;etunimet;aidinkieli;asiointikieli;kotikunta;etuus;palvelussa;lisatieto\r\n\
                010190-123A;Virhe;Ville;fi;;638;tyomarkkinatuki;1;x\r\n\
                131052-308T;Testinen;Teija;fi;;999;ei;maybe;x\r\n\
                \"150600A123F\";\"Uusi; Nimi\";\"Maija\nLiisa\";so;en;638;;;x\r\n";
    let dry = app
        .upload(
            &admin,
            Some("sv"),
            IMPORT,
            json!({ "dry": true, "date": "2026-11-24" }),
            "bad.csv",
            file.as_bytes(),
        )
        .await;
    let report = &data(&dry)["importCustomers"];
    assert_eq!(report["dryRun"], true);
    assert_eq!(
        (report["lines"].as_u64(), report["imported"].as_u64(), report["rejected"].as_u64()),
        (Some(3), Some(1), Some(2))
    );
    assert_eq!(report["unknownColumns"], json!(["lisatieto"]));
    let rejections = report["rejections"].as_array().unwrap();
    let at = |line: u64, column: &str| {
        rejections
            .iter()
            .find(|r| r["line"] == line && r["column"] == column)
            .unwrap_or_else(|| panic!("line {line} {column}: {rejections:#?}"))
    };
    assert_eq!(at(2, "henkilotunnus")["code"], "INVALID_HETU");
    assert!(at(2, "henkilotunnus")["message"].as_str().unwrap().contains("personbeteckning"));
    assert_eq!(at(3, "kotikunta")["code"], "MUNICIPALITY_NOT_IN_AREA");
    assert_eq!(at(3, "palvelussa")["code"], "INVALID_BOOLEAN");
    let text = dry.to_string();
    assert!(!text.contains("010190-123A") && !text.contains("131052-308T"), "identity codes in the report");
    assert_eq!(customer_count(&app, &admin).await, 40, "a dry run wrote something");

    let real =
        app.upload(&admin, None, IMPORT, json!({ "date": "2026-11-24" }), "bad.csv", file.as_bytes()).await;
    assert_eq!(data(&real)["importCustomers"]["imported"], 1);
    assert_eq!(customer_count(&app, &admin).await, 41);
    // The quoted name with a delimiter and a line break came through whole.
    let r = app.gql(Some(&admin), "{ customers(first: 100) { edges { node { name serviceLanguage groups letters { language url } } } } }", json!({})).await;
    let edges = data(&r)["customers"]["edges"].as_array().unwrap().clone();
    let new =
        edges.iter().find(|e| e["node"]["name"] == "Maija\nLiisa Uusi; Nimi").expect("imported customer");
    assert_eq!(new["node"]["serviceLanguage"], "EN");
    assert!(new["node"]["groups"].as_array().unwrap().contains(&json!("FOREIGN_LANGUAGE_SPEAKER")));
    assert_eq!(new["node"]["letters"][0]["language"], "EN");

    // The reports are kept.
    let kept = app.gql(Some(&admin), "{ importReports { dryRun imported rejected } }", json!({})).await;
    assert!(data(&kept)["importReports"].as_array().unwrap().len() >= 3);

    // A file without the required columns is refused as a whole, by name.
    let r = app.upload(&admin, Some("en"), IMPORT, json!({}), "x.csv", b"sukunimi,etunimet\nA,B\n").await;
    assert_eq!(error_code(&r), Some("INVALID_TRANSFER_FILE"));
    assert!(error_message(&r).contains("henkilotunnus"), "{}", error_message(&r));

    // Only tenant administrators import.
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    assert_eq!(
        error_code(&app.upload(&coach, None, IMPORT, json!({}), "s.csv", SAMPLE).await),
        Some("FORBIDDEN")
    );
}

#[tokio::test]
async fn identity_codes_are_stored_encrypted_and_revealed_only_to_the_coach_or_a_manager() {
    let app = TestApp::spawn().await;
    let mut superuser = PgConnection::connect(&app.superuser_url).await.unwrap();
    // Nowhere in the customers table, as text or bytes, is a plain code.
    let leaked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM customers c WHERE position('180894-076S' in c::text) > 0 \
         OR position(convert_to('180894-076S', 'UTF8') in hetu_ciphertext) > 0",
    )
    .fetch_one(&mut superuser)
    .await
    .unwrap();
    assert_eq!(leaked, 0);

    let coach = app.token(Some("porvoo"), &[Role::Coach]); // subject test-user: no caseload
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let r = app
        .gql(Some(&manager), "{ customers(first: 100) { edges { node { id name birthDate } } } }", json!({}))
        .await;
    let timo = data(&r)["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["birthDate"] == "1994-08-18")
        .expect("Timo Järvinen from the sample")["node"]["id"]
        .clone();
    let reveal = "mutation($id: ID!) { revealIdentityCode(customerId: $id) }";
    let r = app.gql(Some(&manager), reveal, json!({ "id": timo })).await;
    assert_eq!(data(&r)["revealIdentityCode"], "180894-076S");
    let r = app.gql(Some(&coach), reveal, json!({ "id": timo })).await;
    assert_eq!(error_code(&r), Some("REVEAL_REASON_REQUIRED"), "a coach who is not the customer's own");
    assert_eq!(crate::harness::error_field(&r), Some("reason"));
    assert!(r["data"].is_null(), "{r}");
    // With a stated reason, audited with it.
    let with_reason = "mutation($id: ID!, $r: String) { revealIdentityCode(customerId: $id, reason: $r) }";
    let r = app
        .gql(Some(&coach), with_reason, json!({ "id": timo, "r": "  Kela asked to confirm the code  " }))
        .await;
    assert_eq!(data(&r)["revealIdentityCode"], "180894-076S");

    // The customer's own coach may.
    let r = app
        .gql(Some(&manager), "query($id: ID!) { customer(id: $id) { coach { id } } }", json!({ "id": timo }))
        .await;
    let coach_id = data(&r)["customer"]["coach"]["id"].as_str().unwrap().to_string();
    let staff = app.gql(Some(&manager), "{ staff { id name } }", json!({})).await;
    assert!(data(&staff)["staff"].as_array().unwrap().iter().any(|s| s["id"] == coach_id.as_str()));
    let subject: String = sqlx::query_scalar("SELECT subject FROM staff WHERE staff_id = $1::uuid")
        .bind(&coach_id)
        .fetch_one(&mut superuser)
        .await
        .unwrap();
    let own = crate::harness::token_for(&subject, "porvoo", &[Role::Coach]);
    // Assigned today (by the seed): assigning oneself and revealing at once
    // is not a way in.
    let r = app.gql(Some(&own), reveal, json!({ "id": timo })).await;
    assert_eq!(error_code(&r), Some("REVEAL_REASON_REQUIRED"), "{r}");
    // A day later the coach's own customer is theirs to see.
    sqlx::query("UPDATE coach_assignments SET assigned_at = assigned_at - interval '25 hours' WHERE customer_id = $1::uuid")
        .bind(timo.as_str().unwrap())
        .execute(&mut superuser)
        .await
        .unwrap();
    assert_eq!(
        data(&app.gql(Some(&own), reveal, json!({ "id": timo })).await)["revealIdentityCode"],
        "180894-076S"
    );

    // Both reveals (and the refusal's read) are in the audit log.
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let log = app
        .gql(Some(&admin), "query($c: ID) { auditLog(filter: { customerId: $c }) { action actor actorRoles what requestId reason } }", json!({ "c": timo }))
        .await;
    let reveals: Vec<_> = data(&log)["auditLog"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "reveal_identity_code")
        .collect();
    assert_eq!(reveals.len(), 3, "{log:#}");
    assert!(reveals.iter().all(|e| e["requestId"].is_string()));
    assert!(reveals.iter().any(|e| e["actor"] == subject.as_str()));
    assert!(reveals.iter().any(|e| e["reason"] == "Kela asked to confirm the code"), "{log:#}");
    // The refused attempts are kept although their step was rolled back.
    let refused =
        data(&log)["auditLog"].as_array().unwrap().iter().filter(|e| e["action"] == "reveal_refused").count();
    assert_eq!(refused, 2, "{log:#}");
    // Coaches cannot read the audit log, and nobody can change it.
    assert_eq!(error_code(&app.gql(Some(&coach), "{ auditLog { id } }", json!({})).await), Some("FORBIDDEN"));
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    sqlx::query("SET ROLE polku_staff").execute(&mut conn).await.unwrap();
    let err = sqlx::query("DELETE FROM audit_log").execute(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let err = sqlx::query("UPDATE audit_log SET actor = 'x'").execute(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[tokio::test]
async fn partners_and_oversight_never_see_customers() {
    let app = TestApp::spawn().await;
    let partner = app.token_with(Some("porvoo"), &[Role::Partner], Some(uuid::Uuid::now_v7()), None);
    assert_eq!(
        error_code(&app.gql(Some(&partner), "{ customers { totalCount } }", json!({})).await),
        Some("FORBIDDEN")
    );
    // Even raw SQL in a partner's transaction finds no customer rows.
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    crate::harness::act_as(&mut tx, "partner", "porvoo").await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(n, 0, "customers visible to a partner with no referral");
    // The partner's database role has no grant on the rest at all.
    for table in ["employment_plans", "meetings", "letters"] {
        sqlx::query("SAVEPOINT s").execute(&mut *tx).await.unwrap();
        let err =
            sqlx::query(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{table}: {err}");
        sqlx::query("ROLLBACK TO SAVEPOINT s").execute(&mut *tx).await.unwrap();
    }
}

#[tokio::test]
async fn caseloads_respect_the_limit_unless_a_manager_overrides() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin, Role::Manager]);
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let staff =
        app.gql(Some(&admin), "{ staff(coachesOnly: true) { id name caseload languages } }", json!({})).await;
    let staff = data(&staff)["staff"].as_array().unwrap().clone();
    let total: i64 = staff.iter().map(|s| s["caseload"].as_i64().unwrap()).sum();
    assert_eq!(total, 40, "the demo spreads every sample customer: {staff:#?}");
    // Swedish speakers went to coaches who work in Swedish.
    let r = app
        .gql(
            Some(&admin),
            "{ customers(first: 100) { edges { node { id serviceLanguage coach { id languages } } } } }",
            json!({}),
        )
        .await;
    for e in data(&r)["customers"]["edges"].as_array().unwrap() {
        let lang = e["node"]["serviceLanguage"].clone();
        assert!(e["node"]["coach"]["languages"].as_array().unwrap().contains(&lang), "{e:#}");
    }

    // Lower the limit below the current loads: assigning is now refused...
    let configure = "mutation { configureTenant(input: { caseloadLimit: 5 }) { tenant { caseloadLimit } } }";
    data(&app.gql(Some(&admin), configure, json!({})).await);
    let full = staff.iter().max_by_key(|s| s["caseload"].as_i64()).unwrap();
    let assign = "mutation($c: ID!, $k: ID, $o: Boolean) { assignCoach(customerId: $c, coachId: $k, overrideLimit: $o) { coach { id } } }";
    // A customer who is not already with the fullest coach.
    let target = data(&r)["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["coach"]["id"] != full["id"])
        .unwrap()["node"]["id"]
        .clone();
    let r = app
        .gql_lang(Some(&coach), Some("fi"), assign, json!({ "c": target, "k": full["id"], "o": true }))
        .await;
    assert_eq!(error_code(&r), Some("CASELOAD_FULL"), "a coach cannot override: {r:#}");
    assert!(error_message(&r).contains("5"), "{}", error_message(&r));
    // ...unless a manager overrides, which is recorded.
    let r = app.gql(Some(&admin), assign, json!({ "c": target, "k": full["id"], "o": true })).await;
    assert_eq!(data(&r)["assignCoach"]["coach"]["id"], full["id"]);
    let mut superuser = PgConnection::connect(&app.superuser_url).await.unwrap();
    let overrides: i64 = sqlx::query_scalar("SELECT count(*) FROM coach_assignments WHERE overrode_limit")
        .fetch_one(&mut superuser)
        .await
        .unwrap();
    assert_eq!(overrides, 1);
    let r = app.gql(Some(&admin), assign, json!({ "c": target, "k": uuid::Uuid::now_v7() })).await;
    assert_eq!(error_code(&r), Some("UNKNOWN_COACH"));
    assert_eq!(error_field(&r), Some("coachId"));
}

#[tokio::test]
async fn plans_keep_every_version_and_meetings_check_their_scales() {
    let app = TestApp::spawn().await;
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app.gql(Some(&coach), "{ customers(first: 1) { edges { node { id } } } }", json!({})).await;
    let customer = data(&r)["customers"]["edges"][0]["node"]["id"].clone();
    let create = "mutation($c: ID!, $i: PlanInput!) { createPlan(customerId: $c, planType: EMPLOYMENT_PLAN, input: $i) { id current { version jobSearchObligation openTasks tasks { id what done_on: doneOn } } } }";
    let r = app
        .gql(
            Some(&coach),
            create,
            json!({ "c": customer, "i": { "goals": ["Työpaikka logistiikasta"], "tasks": [
            { "what": "Päivitä CV", "responsible": "CUSTOMER", "due": "2026-12-15" },
            { "what": "Varaa työkokeilu", "responsible": "COACH" } ] } }),
        )
        .await;
    let plan = &data(&r)["createPlan"];
    assert_eq!(plan["current"]["jobSearchObligation"], 4, "four applications a month by default");
    assert_eq!(plan["current"]["openTasks"], 2);
    let plan_id = plan["id"].clone();
    let task = plan["current"]["tasks"][0]["id"].clone();

    let bad =
        app.gql(Some(&coach), create, json!({ "c": customer, "i": { "jobSearchObligation": 5 } })).await;
    assert_eq!(error_code(&bad), Some("OUT_OF_RANGE"));
    assert_eq!(error_field(&bad), Some("input.jobSearchObligation"));

    let done = app.gql(Some(&coach), "mutation($p: ID!, $t: ID!) { markTaskDone(planId: $p, taskId: $t) { current { version openTasks } } }", json!({ "p": plan_id, "t": task })).await;
    assert_eq!(data(&done)["markTaskDone"]["current"], json!({ "version": 2, "openTasks": 1 }));
    let stale = app
        .gql(Some(&coach), "mutation($p: ID!) { revisePlan(planId: $p, fromVersion: 1, input: { jobSearchObligation: 2 }) { id } }", json!({ "p": plan_id }))
        .await;
    assert_eq!(error_code(&stale), Some("STALE_PLAN_VERSION"));
    let revised = app
        .gql(Some(&coach), "mutation($p: ID!) { revisePlan(planId: $p, fromVersion: 2, input: { jobSearchObligation: 2 }) { current { version jobSearchObligation } versions { version openTasks } } }", json!({ "p": plan_id }))
        .await;
    let revised = &data(&revised)["revisePlan"];
    assert_eq!(revised["current"], json!({ "version": 3, "jobSearchObligation": 2 }));
    assert_eq!(
        revised["versions"],
        json!([{ "version": 1, "openTasks": 2 }, { "version": 2, "openTasks": 1 }, { "version": 3, "openTasks": 0 }])
    );

    let meeting = "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id ors { total flagged } srs { total flagged } } }";
    let input = |ors: serde_json::Value| {
        json!({ "i": { "customerId": customer, "meetingType": "INITIAL_INTERVIEW", "channel": "IN_PERSON",
        "startsAt": "2026-11-20T09:00:00Z", "language": "FI", "ors": ors, "srs": [9, 9, 9, 8] } })
    };
    let r = app.gql_lang(Some(&coach), Some("sv"), meeting, input(json!([5, 6, 11, 4]))).await;
    assert_eq!(error_code(&r), Some("OUT_OF_RANGE"));
    assert_eq!(error_field(&r), Some("input.ors[2]"));
    let r = app.gql(Some(&coach), meeting, input(json!([5, 6, 7, 4]))).await;
    assert_eq!(data(&r)["recordMeeting"]["ors"], json!({ "total": 22, "flagged": true }));
    assert_eq!(data(&r)["recordMeeting"]["srs"], json!({ "total": 35, "flagged": true }));
}

#[tokio::test]
async fn a_coachs_caseload_page_is_a_constant_number_of_statements() {
    let app = TestApp::spawn().await;
    let subjects = app.porvoo_coaches_by_caseload().await;
    let query = "{ caseload { customer { name serviceLanguage } currentPlanId nextMeetingAt openTasks } }";
    let mut counts = Vec::new();
    for (subject, n) in [subjects.first().unwrap(), subjects.last().unwrap()] {
        let token = crate::harness::token_for(subject, "porvoo", &[Role::Coach]);
        let before = app.store.statement_count();
        let r = app.gql(Some(&token), query, json!({})).await;
        assert_eq!(data(&r)["caseload"].as_array().unwrap().len() as i64, *n);
        counts.push(app.store.statement_count() - before);
    }
    assert_eq!(counts[0], counts[1], "statements grew with the caseload: {counts:?} for {subjects:?}");
}

#[tokio::test]
async fn letters_are_printable_html_in_the_customers_language() {
    let app = TestApp::spawn().await;
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app
        .gql(
            Some(&coach),
            "{ customers(first: 100) { edges { node { serviceLanguage letters { url language } } } } }",
            json!({}),
        )
        .await;
    let edges = data(&r)["customers"]["edges"].as_array().unwrap().clone();
    let swede = edges.iter().find(|e| e["node"]["serviceLanguage"] == "SV").unwrap();
    let url = swede["node"]["letters"][0]["url"].as_str().unwrap().to_string();
    let (status, html) = app.get_with(&url, &coach).await;
    assert_eq!(status, 200);
    assert!(html.contains("lang=\"sv\""), "{html}");
    let (status, _) = app.get(&url).await;
    assert_eq!(status, 401);
    let partner = app.token_with(Some("porvoo"), &[Role::Partner], Some(uuid::Uuid::now_v7()), None);
    assert_eq!(app.get_with(&url, &partner).await.0, 403);
    let other = app.token(Some("lahti"), &[Role::Coach]);
    assert_eq!(app.get_with(&url, &other).await.0, 404);
}

#[tokio::test]
async fn creating_a_customer_names_the_field_of_every_refusal() {
    let app = TestApp::spawn().await;
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let create = "mutation($i: CustomerInput!) { createCustomer(input: $i) { id name groups } }";
    let input = |code: &str, municipality: &str| {
        json!({ "i": { "identityCode": code, "lastName": "Testinen", "firstNames": "Teija", "motherTongue": "ar",
                       "serviceLanguage": "FI", "homeMunicipality": municipality } })
    };
    let r = app.gql(Some(&coach), create, input("131052-308T", "638")).await;
    assert!(data(&r)["createCustomer"]["groups"]
        .as_array()
        .unwrap()
        .contains(&json!("FOREIGN_LANGUAGE_SPEAKER")));
    for (code, municipality, expected, field) in [
        ("131052-308T", "638", "CUSTOMER_EXISTS", "input.identityCode"),
        ("131052-308U", "638", "INVALID_HETU", "input.identityCode"),
        ("010594Y9032", "638", "INVALID_HETU", "input.identityCode"),
        ("150600A123F", "398", "MUNICIPALITY_NOT_IN_AREA", "input.homeMunicipality"),
        ("150600A123F", "39", "INVALID_MUNICIPALITY_CODE", "input.homeMunicipality"),
    ] {
        let r = app.gql_lang(Some(&coach), Some("sv"), create, input(code, municipality)).await;
        assert_eq!(
            (error_code(&r), error_field(&r)),
            (Some(expected), Some(field)),
            "{code} {municipality}: {r:#}"
        );
        assert!(!r.to_string().contains(code), "the identity code came back in the error");
    }
}
