//! Tenancy canaries: the database itself keeps areas apart, whatever the
//! Rust code does.

use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection, Row};

use crate::harness::{data, error_code, TestApp};

#[tokio::test]
async fn application_role_is_no_superuser_and_cannot_bypass_rls() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    let row = sqlx::query(
        "SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>(0), "polku_app");
    assert!(!row.get::<bool, _>(1), "application role is a superuser");
    assert!(!row.get::<bool, _>(2), "application role bypasses RLS");
    let owns: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(owns, 0, "application role owns tables");
}

#[tokio::test]
async fn every_tenant_table_has_forced_row_security_and_a_policy() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::connect(&app.superuser_url).await.unwrap();
    let rows = sqlx::query(
        "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity, \
                (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND EXISTS ( \
             SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let tables: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    for expected in ["tenants", "tenant_municipalities", "partners", "services"] {
        assert!(tables.iter().any(|t| t == expected), "{expected} not found among {tables:?}");
    }
    for r in &rows {
        let name: String = r.get(0);
        assert!(r.get::<bool, _>(1), "{name}: row security not enabled");
        assert!(r.get::<bool, _>(2), "{name}: row security not forced");
        assert!(r.get::<i64, _>(3) > 0, "{name}: no policy");
    }
}

#[tokio::test]
async fn outside_a_tenant_transaction_nothing_is_visible() {
    let app = TestApp::spawn().await;
    let mut superuser = PgConnection::connect(&app.superuser_url).await.unwrap();
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    for table in ["tenants", "tenant_municipalities", "partners", "services"] {
        let stored: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut superuser)
            .await
            .unwrap();
        assert!(stored > 0, "{table}: the demo data should have rows");
        let seen: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut conn).await.unwrap();
        assert_eq!(seen, 0, "{table}: rows visible without a tenant");
    }
    // A setting left in a committed transaction does not survive it.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('polku.tenant_slug', 'porvoo', true)").execute(&mut *tx).await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 1);
    tx.commit().await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants").fetch_one(&mut conn).await.unwrap();
    assert_eq!(seen, 0, "the tenant setting outlived its transaction");
}

#[tokio::test]
async fn application_role_cannot_write_across_tenants_even_with_raw_sql() {
    let app = TestApp::spawn().await;
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('polku.roles', 'tenant_admin', true), set_config('polku.tenant_slug', 'porvoo', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "SELECT set_config('polku.tenant_id', tenant_id::text, true) FROM tenants WHERE slug = 'porvoo'",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    // Updates of other tenants' rows silently match nothing...
    let changed =
        sqlx::query("UPDATE services SET cost_cents = 1").execute(&mut *tx).await.unwrap().rows_affected();
    let own: i64 = sqlx::query_scalar("SELECT count(*) FROM services").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(changed as i64, own);
    // ...and inserting a row for another tenant is refused outright.
    let err = sqlx::query(
        "INSERT INTO partners (tenant_id, partner_id, name, kind, languages) \
         SELECT gen_random_uuid(), gen_random_uuid(), 'x', 'other', '{}'",
    )
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("row-level security") || err.to_string().contains("foreign key"),
        "{err}"
    );
}

/// The operations that take an id, with the error a stranger must get.
const BY_ID: &[(&str, &str)] = &[
    ("service", "query($id: ID!) { service(id: $id) { id name } }"),
    ("partner", "query($id: ID!) { partner(id: $id) { id name } }"),
    (
        "updateService",
        "mutation($id: ID!) { updateService(id: $id, input: { names: [{lang: FI, text: \"x\"}], category: OTHER, \
         languages: [FI], activeFrom: \"2026-01-01\" }) { service { id } } }",
    ),
    ("retireService", "mutation($id: ID!) { retireService(id: $id) { service { id } } }"),
    (
        "updatePartner",
        "mutation($id: ID!) { updatePartner(id: $id, input: { name: \"x\", kind: OTHER, languages: [FI] }) { partner { id } } }",
    ),
];

#[tokio::test]
async fn another_tenants_ids_are_not_found_for_every_operation() {
    let app = TestApp::spawn().await;
    let porvoo_admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let lahti_admin = app.token(Some("lahti"), &[Role::TenantAdmin, Role::Manager, Role::Coach]);

    // Every operation with an `id` argument must be listed above, so a new
    // one cannot be added without this test covering it.
    let schema = app
        .gql(Some(&lahti_admin), "{ __schema { queryType { fields { name args { name } } } mutationType { fields { name args { name } } } } }", json!({}))
        .await;
    let mut with_id = Vec::new();
    for root in ["queryType", "mutationType"] {
        for f in data(&schema)["__schema"][root]["fields"].as_array().unwrap() {
            if f["args"].as_array().unwrap().iter().any(|a| a["name"] == "id") {
                with_id.push(f["name"].as_str().unwrap().to_string());
            }
        }
    }
    for name in &with_id {
        assert!(BY_ID.iter().any(|(n, _)| n == name), "{name} takes an id but is not covered");
    }

    let services = app
        .gql(
            Some(&porvoo_admin),
            "{ services(first: 1) { edges { node { id provider { id } } } } }",
            json!({}),
        )
        .await;
    let service_id = data(&services)["services"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let partners =
        app.gql(Some(&porvoo_admin), "{ partners(first: 1) { edges { node { id } } } }", json!({})).await;
    let partner_id = data(&partners)["partners"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();

    for (name, query) in BY_ID {
        let id = if name.contains("artner") { &partner_id } else { &service_id };
        let response = app.gql(Some(&lahti_admin), query, json!({ "id": id })).await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{name}: {response:#}");
        let random = app.gql(Some(&lahti_admin), query, json!({ "id": uuid::Uuid::now_v7() })).await;
        assert_eq!(
            response["errors"][0]["message"], random["errors"][0]["message"],
            "{name} tells existing from missing"
        );
    }

    // Lists and references: another tenant's partner is as unknown as a made-up one.
    let filtered = app
        .gql(
            Some(&lahti_admin),
            "query($p: ID) { services(providerId: $p) { totalCount } }",
            json!({ "p": partner_id }),
        )
        .await;
    assert_eq!(data(&filtered)["services"]["totalCount"], 0);
    let create =
        "mutation($p: ID) { createService(input: { names: [{lang: FI, text: \"x\"}], category: OTHER, \
                  languages: [FI], activeFrom: \"2026-01-01\", providerId: $p }) { service { id } } }";
    let foreign = app.gql(Some(&lahti_admin), create, json!({ "p": partner_id })).await;
    assert_eq!(error_code(&foreign), Some("UNKNOWN_PARTNER"), "{foreign:#}");
    let made_up = app.gql(Some(&lahti_admin), create, json!({ "p": uuid::Uuid::now_v7() })).await;
    assert_eq!(foreign["errors"][0]["message"], made_up["errors"][0]["message"]);

    // And Porvoo's data is untouched.
    let after = app
        .gql(
            Some(&porvoo_admin),
            "query($id: ID!) { service(id: $id) { retired } }",
            json!({ "id": service_id }),
        )
        .await;
    assert_eq!(data(&after)["service"]["retired"], Value::Bool(false));
}

#[tokio::test]
async fn a_token_for_an_unknown_tenant_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.token(Some("atlantis"), &[Role::Coach]);
    let response = app.gql(Some(&token), "{ tenant { slug } }", json!({})).await;
    assert_eq!(error_code(&response), Some("UNKNOWN_TENANT"));
}
