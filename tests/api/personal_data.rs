//! The promises a data-protection officer relies on, tried the way a
//! hostile or careless caller would: no response carries customer data
//! whose audit rows did not commit, and each kind of caller runs as a
//! database role that reaches only its own tables and columns.

use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use crate::harness::{act_as, act_as_partner, data, error_code, error_field, token_for, TestApp};
use crate::referrals::{area, refer, service, transition};

const FIVE: &str = "{ customers(first: 5) { edges { node { id name } } } }";

/// Customer reads on record: a page read is one row naming every customer
/// on it, so this counts the names, and the rows apart.
async fn audit_rows(su: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT coalesce(sum(cardinality(customer_ids)), 0)::bigint FROM audit_log")
        .fetch_one(su)
        .await
        .unwrap()
}

async fn audit_entries(su: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(su).await.unwrap()
}

fn codes(r: &Value) -> Vec<String> {
    r["errors"].as_array().map_or(vec![], |e| {
        e.iter().filter_map(|e| e["extensions"]["code"].as_str().map(String::from)).collect()
    })
}

/// Names the response must not carry once its transaction failed.
async fn five_names(app: &TestApp, coach: &str) -> Vec<String> {
    let r = app.gql(Some(coach), FIVE, json!({})).await;
    data(&r)["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn carries_none_of(r: &Value, names: &[String]) {
    let text = r.to_string();
    assert!(r["data"].is_null(), "data sent although nothing committed: {r}");
    for n in names {
        assert!(!text.contains(n.as_str()), "{n} leaked in {r}");
    }
    assert!(codes(r).iter().any(|c| c == "NOT_COMMITTED"), "{r}");
}

#[tokio::test]
async fn a_date_postgres_cannot_store_is_refused_by_name_and_the_read_beside_it_is_audited() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach, Role::Manager]);
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let before = audit_rows(&mut su).await;
    let q = "query($s: ID!) { customers(first: 5) { edges { node { name } } } \
             serviceUtilisation(serviceId: $s, from: \"-4800-01-01\", to: \"2026-01-01\") { month } }";
    let r = app.gql(Some(&coach), q, json!({ "s": uuid::Uuid::now_v7() })).await;
    assert_eq!(error_code(&r), Some("INVALID_DATE"), "{r}");
    assert_eq!(error_field(&r), Some("from"));
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("1900-01-01"), "{r}");
    // Refused before any statement: the customers were read, audited and sent.
    assert_eq!(r["data"]["customers"]["edges"].as_array().unwrap().len(), 5, "{r}");
    assert_eq!(audit_rows(&mut su).await, before + 5);
    // In an input object too, in the caller's language.
    let r = app
        .gql_lang(
            Some(&coach),
            Some("sv"),
            "mutation { createServicePromise(input: { label: \"x\", descriptions: [], effectiveFrom: \"2400-01-01\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r), Some("INVALID_DATE"), "{r}");
    assert_eq!(error_field(&r), Some("input.effectiveFrom"));
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("datum"), "{r}");
}

#[tokio::test]
async fn no_response_carries_data_whose_audit_rows_did_not_commit() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach, Role::Manager]);
    let names = five_names(&app, &coach).await;
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();

    // 1. A later field fails in the database (here: a privilege the
    //    database refuses), which aborts the transaction its audit rows are in.
    sqlx::query("REVOKE SELECT ON services FROM polku_staff").execute(&mut su).await.unwrap();
    let before = audit_rows(&mut su).await;
    let q =
        "{ customers(first: 5) { edges { node { name } } } services(first: 5) { edges { node { id } } } }";
    let r = app.gql(Some(&coach), q, json!({})).await;
    carries_none_of(&r, &names);
    assert_eq!(audit_rows(&mut su).await, before);
    sqlx::query("GRANT SELECT ON services TO polku_staff").execute(&mut su).await.unwrap();

    // 2. A nested field of the same customers fails.
    sqlx::query("REVOKE SELECT ON employment_plans FROM polku_staff").execute(&mut su).await.unwrap();
    let q = "{ customers(first: 5) { edges { node { name plans { id } } } } }";
    let r = app.gql(Some(&coach), q, json!({})).await;
    carries_none_of(&r, &names);
    assert_eq!(audit_rows(&mut su).await, before);
    sqlx::query("GRANT SELECT ON employment_plans TO polku_staff").execute(&mut su).await.unwrap();

    // 3. The audit row itself cannot be written.
    sqlx::query("REVOKE INSERT ON audit_log FROM polku_staff").execute(&mut su).await.unwrap();
    let r = app.gql(Some(&coach), FIVE, json!({})).await;
    carries_none_of(&r, &names);
    sqlx::query("GRANT INSERT ON audit_log TO polku_staff").execute(&mut su).await.unwrap();

    // 4. A mutation succeeds, then a field of its answer fails: the change
    //    is not kept and nothing is reported as done.
    let customer = data(&app.gql(Some(&coach), FIVE, json!({})).await)["customers"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    sqlx::query("REVOKE SELECT ON employment_plans FROM polku_staff").execute(&mut su).await.unwrap();
    let before = audit_rows(&mut su).await;
    let m = "mutation($id: ID!) { setCustomerStatus(id: $id, status: MOVED_AWAY) { name plans { id } } }";
    let r = app.gql(Some(&coach), m, json!({ "id": customer })).await;
    carries_none_of(&r, &names);
    let status: String = sqlx::query_scalar("SELECT status FROM customers WHERE customer_id = $1::uuid")
        .bind(&customer)
        .fetch_one(&mut su)
        .await
        .unwrap();
    assert_eq!(status, "active", "the change of a refused response was kept");
    assert_eq!(audit_rows(&mut su).await, before);
    sqlx::query("GRANT SELECT ON employment_plans TO polku_staff").execute(&mut su).await.unwrap();

    // With the database whole again, the same read is sent and audited: one
    // entry naming the five.
    let (before, entries) = (audit_rows(&mut su).await, audit_entries(&mut su).await);
    let r = app.gql(Some(&coach), FIVE, json!({})).await;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(audit_rows(&mut su).await, before + 5);
    assert_eq!(audit_entries(&mut su).await, entries + 1);
}

#[tokio::test]
async fn reads_of_notes_plan_versions_letters_and_status_history_are_audited() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach, Role::Manager]);
    let id =
        data(&app.gql(Some(&coach), FIVE, json!({})).await)["customers"]["edges"][0]["node"]["id"].clone();
    let q =
        "query($id: ID!) { customer(id: $id) { statusHistory { status } meetings { notes } letters { kind } \
             plans { versions { version } } } }";
    let r = app.gql(Some(&coach), q, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let what: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT what FROM audit_log WHERE customer_ids @> ARRAY[$1::uuid] AND action = 'read' ORDER BY what",
    )
    .bind(id.as_str().unwrap())
    .fetch_all(&mut su)
    .await
    .unwrap();
    for expected in ["customer", "employment plan", "letters", "meetings and notes", "status history"] {
        assert!(what.iter().any(|w| w == expected), "{expected} not audited: {what:?}");
    }
}

/// Runs `sql` in its own savepoint and says whether the database refused it
/// for want of a privilege.
async fn denied(tx: &mut PgConnection, sql: &str) -> bool {
    sqlx::query("SAVEPOINT probe").execute(&mut *tx).await.unwrap();
    let result = sqlx::query(sql).execute(&mut *tx).await;
    sqlx::query("ROLLBACK TO SAVEPOINT probe").execute(&mut *tx).await.unwrap();
    match result {
        Ok(_) => false,
        Err(e) if e.to_string().contains("permission denied") => true,
        Err(e) => panic!("{sql}: {e}"),
    }
}

#[tokio::test]
async fn each_caller_runs_as_a_database_role_that_reaches_only_what_it_may() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let svc = service(&app, &a, 5).await;
    // Samaria gets one sent referral.
    let sent = refer(&app, &a, &a.customers[0], &svc).await;
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": sent })).await);

    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();

    // The login role alone reaches nothing and may create nothing.
    let mut tx = conn.begin().await.unwrap();
    for sql in [
        "SELECT count(*) FROM tenants",
        "SELECT count(*) FROM customers",
        "CREATE TABLE x (i int)",
        "CREATE TEMP TABLE x (i int)",
    ] {
        assert!(denied(&mut tx, sql).await, "polku_app: {sql}");
    }
    tx.rollback().await.unwrap();
    let inherits: bool = sqlx::query_scalar("SELECT rolinherit FROM pg_roles WHERE rolname = 'polku_app'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(!inherits, "polku_app would hold its caller roles' rights without switching");

    // A partner: six columns of a referred customer, the referral's own
    // columns, nothing else.
    let mut tx = conn.begin().await.unwrap();
    act_as_partner(&mut tx, "porvoo", a.samaria_id).await;
    let role: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(role, "polku_partner");
    let seen: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT first_names, last_name, service_language, phone, email FROM referred_customers) c",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(seen, 1, "the referred customer's contact columns");
    for sql in [
        "SELECT * FROM customers",
        "SELECT hetu_ciphertext FROM customers",
        "SELECT hetu_hash FROM customers",
        "SELECT benefit FROM customers",
        "SELECT street_address FROM customers",
        "SELECT count(*) FROM employment_plans",
        "SELECT count(*) FROM meetings",
        "SELECT count(*) FROM employment_grants",
        "SELECT count(*) FROM audit_log",
        "SELECT count(*) FROM staff",
        "UPDATE referrals SET customer_id = customer_id",
        "UPDATE referrals SET partner_id = partner_id",
        "INSERT INTO referrals (tenant_id, referral_id, customer_id, service_id, state, referred_by) \
         SELECT tenant_id, gen_random_uuid(), customer_id, service_id, 'sent', 'x' FROM referrals LIMIT 1",
        "UPDATE customers SET phone = '1'",
        "DELETE FROM referral_events",
    ] {
        assert!(denied(&mut tx, sql).await, "partner: {sql}");
    }
    let moved = sqlx::query("UPDATE referrals SET reason = reason").execute(&mut *tx).await.unwrap();
    assert_eq!(moved.rows_affected(), 1, "a partner changes its own referral's state columns");
    tx.rollback().await.unwrap();

    // Oversight: no grant on any case table.
    let mut tx = conn.begin().await.unwrap();
    act_as(&mut tx, "oversight", "porvoo").await;
    for table in [
        "customers",
        "meetings",
        "employment_plans",
        "plan_versions",
        "referrals",
        "path_episodes",
        "letters",
        "audit_log",
        "staff",
        "employment_grants",
        "referred_customers",
    ] {
        assert!(denied(&mut tx, &format!("SELECT count(*) FROM {table}")).await, "oversight: {table}");
    }
    assert!(!denied(&mut tx, "SELECT count(*) FROM area_month_figures").await);
    tx.rollback().await.unwrap();

    // Staff read their customers whole, and may not change the audit log.
    let mut tx = conn.begin().await.unwrap();
    act_as(&mut tx, "coach", "porvoo").await;
    let n: i64 =
        sqlx::query_scalar("SELECT count(hetu_ciphertext) FROM customers").fetch_one(&mut *tx).await.unwrap();
    assert!(n > 0);
    assert!(denied(&mut tx, "UPDATE audit_log SET actor = 'x'").await);
    assert!(denied(&mut tx, "DELETE FROM audit_log").await);
    tx.rollback().await.unwrap();

    // The helper functions the policies call pin their search path.
    let unpinned: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = 'public' AND (p.proname LIKE 'app\\_%' OR p.proname LIKE 'note\\_%') \
           AND NOT coalesce(p.proconfig, '{}') @> ARRAY['search_path=pg_catalog, public']",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(unpinned.is_empty(), "{unpinned:?}");
}

#[tokio::test]
async fn a_referral_withdrawn_before_it_was_sent_never_reaches_the_partner() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let svc = service(&app, &a, 5).await;
    let draft = refer(&app, &a, &a.customers[1], &svc).await;
    let r = app
        .gql(
            Some(&a.coach),
            "mutation($id: ID!) { cancelReferral(id: $id, reason: \"wrong service\") { state } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(data(&r)["cancelReferral"]["state"], "INTERRUPTED", "{r}");
    let r = app.gql(Some(&a.samaria), "{ referrals { id } }", json!({})).await;
    assert_eq!(data(&r)["referrals"], json!([]), "{r}");
    let r = app.gql(Some(&a.samaria), "{ referrals { id customer { name } } }", json!({})).await;
    assert_eq!(data(&r)["referrals"], json!([]), "{r}");
}

#[tokio::test]
async fn aliases_count_as_fields_and_a_page_counts_once_per_row() {
    let app = TestApp::spawn().await;
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach, Role::Manager]);
    // The same cheap field under 600 names: flat and shallow, but refused
    // before anything runs.
    let aliases: String = (0..600).map(|i| format!("a{i}: __typename ")).collect();
    let r = app.gql(Some(&coach), &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&r), Some("TOO_MANY_FIELDS"), "{r}");
    assert!(r["data"].is_null());
    // Fragments are expanded before counting.
    let q = format!(
        "query {{ ...F ...F }} fragment F on Query {{ {} }}",
        (0..300).map(|i| format!("b{i}: __typename ")).collect::<String>()
    );
    assert_eq!(error_code(&app.gql(Some(&coach), &q, json!({})).await), Some("TOO_MANY_FIELDS"));
    // A hundred customers with twenty-odd fields each cost more than the
    // limit; the same fields on five customers do not.
    let fields = "id name firstNames lastName birthDate age motherTongue serviceLanguage homeMunicipality \
                  streetAddress postalCode postOffice phone email benefit inEmploymentPromotingService \
                  groups unemployedSince jobSearchStartedOn status";
    let page = |n: i32| format!("{{ customers(first: {n}) {{ edges {{ node {{ {fields} }} }} }} }}");
    let r = app.gql(Some(&coach), &page(100), json!({})).await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{r}");
    let r = app.gql(Some(&coach), &page(5), json!({})).await;
    assert!(r["errors"].is_null(), "{r}");
}
