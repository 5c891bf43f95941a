//! The service catalogue, partners, tenant configuration, limits and
//! localised errors, through the API.

use polku_domain::{Lang, Role};
use serde_json::json;

use crate::harness::{data, error_code, error_field, error_message, TestApp};

const CREATE_PARTNER: &str =
    "mutation($input: PartnerInput!) { createPartner(input: $input) { partner { id name kind businessId languages } } }";
const CREATE_SERVICE: &str =
    "mutation($input: ServiceInput!) { createService(input: $input) { service { id name \
     capacity costPerPlaceMonth languages retired provider { name } } } }";

fn service_input() -> serde_json::Value {
    json!({
        "names": [{ "lang": "FI", "text": "Metallipaja" }, { "lang": "SV", "text": "Metallverkstad" }],
        "category": "WORKSHOP",
        "languages": ["FI", "SV"],
        "capacity": 12,
        "costPerPlaceMonth": "1 234,50",
        "activeFrom": "2026-01-01"
    })
}

async fn count_services(app: &TestApp, token: &str) -> i64 {
    let r = app.gql(Some(token), "{ services(includeRetired: true) { totalCount } }", json!({})).await;
    data(&r)["services"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn administrators_manage_the_catalogue_and_everyone_else_reads_it() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let coach = app.token(Some("porvoo"), &[Role::Coach]);

    let partner = app
        .gql(
            Some(&admin),
            CREATE_PARTNER,
            json!({ "input": { "name": "Yrkesinstitutet Prakticum", "kind": "VOCATIONAL_SCHOOL",
                               "businessId": "0201256-6", "languages": ["SV"] } }),
        )
        .await;
    let partner = &data(&partner)["createPartner"]["partner"];
    assert_eq!(partner["businessId"], "0201256-6");

    let mut input = service_input();
    input["providerId"] = partner["id"].clone();
    let created = app.gql_lang(Some(&admin), Some("sv"), CREATE_SERVICE, json!({ "input": input })).await;
    let service = &data(&created)["createService"]["service"];
    assert_eq!(service["name"], "Metallverkstad");
    assert_eq!(service["costPerPlaceMonth"], "1234.50", "money is exact");
    assert_eq!(service["provider"]["name"], "Yrkesinstitutet Prakticum");
    let id = service["id"].as_str().unwrap().to_string();

    let forbidden = app.gql(Some(&coach), CREATE_SERVICE, json!({ "input": service_input() })).await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"));

    let before = count_services(&app, &coach).await;
    let retired = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { retireService(id: $id) { service { retired activeUntil } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&retired)["retireService"]["service"]["retired"], true);
    let again = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { retireService(id: $id) { service { retired } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&again), Some("ALREADY_RETIRED"));
    // Retired services leave the default list but stay for history.
    assert_eq!(count_services(&app, &coach).await, before);
    let active = app.gql(Some(&coach), "{ services { totalCount } }", json!({})).await;
    assert_eq!(data(&active)["services"]["totalCount"].as_i64().unwrap(), before - 1);
    let read = app
        .gql(Some(&coach), "query($id: ID!) { service(id: $id) { retired name } }", json!({ "id": id }))
        .await;
    assert_eq!(data(&read)["service"]["retired"], true);
}

#[tokio::test]
async fn bad_input_is_refused_by_field_in_the_callers_language_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let before = count_services(&app, &admin).await;

    let mut negative = service_input();
    negative["capacity"] = json!(-1);
    let r = app.gql_lang(Some(&admin), Some("sv"), CREATE_SERVICE, json!({ "input": negative })).await;
    assert_eq!(error_code(&r), Some("NEGATIVE_CAPACITY"));
    assert_eq!(error_field(&r), Some("input.capacity"));
    assert!(error_message(&r).contains("kapaciteten"), "{}", error_message(&r));

    let mut amount = service_input();
    amount["costPerPlaceMonth"] = json!("12.345");
    let r = app.gql_lang(Some(&admin), Some("fi"), CREATE_SERVICE, json!({ "input": amount })).await;
    assert_eq!(error_code(&r), Some("INVALID_AMOUNT"));
    assert_eq!(error_field(&r), Some("input.costPerPlaceMonth"));
    assert!(error_message(&r).contains("euromäärä"), "{}", error_message(&r));

    let bad_id = app
        .gql_lang(Some(&admin), Some("en"), CREATE_PARTNER, json!({ "input": { "name": "X Oy", "kind": "COMPANY", "businessId": "0201256-7", "languages": ["FI"] } }))
        .await;
    assert_eq!(error_code(&bad_id), Some("INVALID_BUSINESS_ID"));
    assert_eq!(error_field(&bad_id), Some("input.businessId"));
    assert!(error_message(&bad_id).contains("business ID"), "{}", error_message(&bad_id));

    // Lahti serves in Finnish and English only.
    let lahti = app.token(Some("lahti"), &[Role::TenantAdmin]);
    let r = app.gql(Some(&lahti), CREATE_SERVICE, json!({ "input": service_input() })).await;
    assert_eq!(error_code(&r), Some("LANGUAGE_NOT_ENABLED"));
    assert_eq!(error_field(&r), Some("input.names[1].lang"));

    // Two mutations in one request: the failing one leaves nothing, the good one stands.
    let both = "mutation($good: ServiceInput!, $bad: ServiceInput!) { \
        a: createService(input: $good) { service { id } } b: createService(input: $bad) { service { id } } }";
    let mut bad = service_input();
    bad["activeUntil"] = json!("2025-01-01");
    let r = app.gql(Some(&admin), both, json!({ "good": service_input(), "bad": bad })).await;
    assert_eq!(error_code(&r), Some("INVALID_DATE_RANGE"));
    assert!(r["data"]["a"]["service"]["id"].is_string());
    assert_eq!(count_services(&app, &admin).await, before + 1);
}

#[tokio::test]
async fn tenants_are_created_by_platform_admins_and_configured_by_their_own() {
    let app = TestApp::spawn().await;
    let platform = app.token(None, &[Role::PlatformAdmin]);
    let create = "mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { slug name defaultLanguage \
                  municipalities { code name languageStatus } } } }";
    let input = |code: &str| {
        json!({ "input": { "slug": "sipoo", "names": [{ "lang": "FI", "text": "Sipoon työllisyysalue" }, { "lang": "SV", "text": "Sibbo sysselsättningsområde" }],
                 "region": "uusimaa", "enabledLanguages": ["FI", "SV"], "defaultLanguage": "FI",
                 "municipalities": [{ "code": code }] } })
    };
    for (code, expected) in
        [("63", "INVALID_MUNICIPALITY_CODE"), ("999", "UNKNOWN_MUNICIPALITY"), ("638", "MUNICIPALITY_TAKEN")]
    {
        let r = app.gql(Some(&platform), create, input(code)).await;
        assert_eq!(error_code(&r), Some(expected), "{code}: {r:#}");
        assert!(error_field(&r).unwrap().starts_with("input.municipalities"), "{r:#}");
    }
    let r = app.gql_lang(Some(&platform), Some("sv"), create, input("753")).await;
    let tenant = &data(&r)["createTenant"]["tenant"];
    assert_eq!(tenant["name"], "Sibbo sysselsättningsområde");
    assert_eq!(tenant["municipalities"][0]["name"], "Sibbo");
    let dup = app.gql(Some(&platform), create, input("149")).await;
    assert_eq!(error_code(&dup), Some("SLUG_TAKEN"));

    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    assert_eq!(error_code(&app.gql(Some(&coach), create, input("149")).await), Some("FORBIDDEN"));

    let admin = app.token(Some("sipoo"), &[Role::TenantAdmin]);
    let configure = "mutation($input: ConfigureTenantInput!) { configureTenant(input: $input) { tenant { enabledLanguages defaultLanguage caseloadLimit } } }";
    let r = app
        .gql(
            Some(&admin),
            configure,
            json!({ "input": { "enabledLanguages": ["FI"], "defaultLanguage": "SV" } }),
        )
        .await;
    assert_eq!(error_code(&r), Some("DEFAULT_LANGUAGE_NOT_ENABLED"));
    let r = app.gql(Some(&admin), configure, json!({ "input": { "caseloadLimit": 0 } })).await;
    assert_eq!(error_code(&r), Some("OUT_OF_RANGE"));
    assert_eq!(error_field(&r), Some("input.caseloadLimit"));
    let r = app.gql(Some(&admin), configure, json!({ "input": { "enabledLanguages": ["SV", "FI", "EN"], "defaultLanguage": "SV", "caseloadLimit": 45 } })).await;
    assert_eq!(data(&r)["configureTenant"]["tenant"]["caseloadLimit"], 45);
    assert_eq!(data(&r)["configureTenant"]["tenant"]["defaultLanguage"], "SV");
}

#[tokio::test]
async fn language_follows_preference_then_accept_language_then_tenant_default() {
    let app = TestApp::spawn().await;
    let query = "{ viewer { language } tenant { name } }";
    let plain = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app.gql(Some(&plain), query, json!({})).await;
    assert_eq!(data(&r)["viewer"]["language"], "FI");
    let r = app.gql_lang(Some(&plain), Some("sv-FI,sv;q=0.9"), query, json!({})).await;
    assert_eq!(data(&r)["tenant"]["name"], "Borgå sysselsättningsområde");
    let english = app.token_with(Some("porvoo"), &[Role::Coach], None, Some(Lang::En));
    let r = app.gql_lang(Some(&english), Some("sv"), query, json!({})).await;
    assert_eq!(data(&r)["viewer"]["language"], "EN");
    // Lahti has no Swedish: a Swedish browser gets the area's default, Finnish.
    let lahti = app.token(Some("lahti"), &[Role::Coach]);
    let r = app.gql_lang(Some(&lahti), Some("sv"), query, json!({})).await;
    assert_eq!(data(&r)["viewer"]["language"], "FI");
    // A missing translation falls back to the area's default language.
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let mut input = service_input();
    input["names"] = json!([{ "lang": "FI", "text": "Vain suomeksi" }]);
    data(&app.gql(Some(&admin), CREATE_SERVICE, json!({ "input": input })).await);
    let r = app
        .gql_lang(Some(&plain), Some("sv"), "{ services(first: 100) { edges { node { name } } } }", json!({}))
        .await;
    let names: Vec<&str> = data(&r)["services"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["name"].as_str())
        .collect();
    assert!(names.contains(&"Vain suomeksi") && names.contains(&"Bilverkstad"), "{names:?}");
}

#[tokio::test]
async fn authentication_and_limits_have_codes() {
    let app = TestApp::spawn().await;
    assert_eq!(error_code(&app.gql(None, "{ tenant { slug } }", json!({})).await), Some("UNAUTHENTICATED"));
    assert_eq!(
        error_code(&app.gql(Some("not-a-jwt"), "{ tenant { slug } }", json!({})).await),
        Some("INVALID_TOKEN")
    );
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app.gql(Some(&coach), "{ services(first: 101) { totalCount } }", json!({})).await;
    assert_eq!(error_code(&r), Some("PAGE_SIZE_TOO_LARGE"));
    assert_eq!(error_field(&r), Some("first"));
    let r = app.gql(Some(&coach), "{ services(after: \"garbage\") { totalCount } }", json!({})).await;
    assert_eq!(error_code(&r), Some("INVALID_CURSOR"));

    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {}name{} }} }} }} }}",
        "{ ofType ".repeat(16),
        " }".repeat(16)
    );
    let r = app.gql_lang(Some(&coach), Some("sv"), &deep, json!({})).await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_DEEP"), "{r:#}");
    assert!(error_message(&r).contains("16"), "{}", error_message(&r));

    // GraphiQL's own introspection query stays within the limits.
    let r = app.gql(Some(&coach), INTROSPECTION, json!({})).await;
    assert!(data(&r)["__schema"]["types"].as_array().unwrap().len() > 20);

    // Pages chain through cursors.
    let first = app
        .gql(
            Some(&coach),
            "{ services(first: 4) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    let page = &data(&first)["services"];
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let next = app
        .gql(Some(&coach), "query($a: String) { services(first: 100, after: $a) { edges { node { id } } pageInfo { hasPreviousPage } } }", json!({ "a": page["pageInfo"]["endCursor"] }))
        .await;
    let rest = data(&next)["services"]["edges"].as_array().unwrap();
    assert_eq!(rest.len(), 6, "Porvoo's demo catalogue has 10 services");
    assert!(rest.iter().all(|e| page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["node"]["id"] != e["node"]["id"])));

    let (status, body) = app.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    assert_eq!(app.get("/readyz").await.0, 200);
}

const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

#[tokio::test]
async fn listing_services_with_providers_is_a_constant_number_of_statements() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("lahti"), &[Role::TenantAdmin]);
    let mut providers = Vec::new();
    for i in 0..10 {
        let r = app
            .gql(Some(&admin), CREATE_PARTNER, json!({ "input": { "name": format!("Provider {i}"), "kind": "THIRD_SECTOR", "languages": ["FI"] } }))
            .await;
        providers.push(data(&r)["createPartner"]["partner"]["id"].clone());
    }
    let query = "query($n: Int) { services(first: $n) { edges { node { name provider { name kind } } } } }";
    let statements = |n: usize| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let before = app.store.statement_count();
            let r = app.gql(Some(&admin), query, json!({ "n": n })).await;
            assert_eq!(data(&r)["services"]["edges"].as_array().unwrap().len(), n);
            app.store.statement_count() - before
        }
    };
    for i in 0..100 {
        let mut input = service_input();
        input["names"] = json!([{ "lang": "FI", "text": format!("Paja {i}") }]);
        input["languages"] = json!(["FI"]);
        input["providerId"] = providers[i % providers.len()].clone();
        data(&app.gql(Some(&admin), CREATE_SERVICE, json!({ "input": input })).await);
    }
    let few = statements(5).await;
    let many = statements(100).await;
    assert_eq!(few, many, "statements grew with the page: {few} for 5 services, {many} for 100");

    // The total is counted only when asked for: one statement more.
    let counted = "query($n: Int) { services(first: $n) { totalCount edges { node { name provider { name kind } } } } }";
    let before = app.store.statement_count();
    let r = app.gql(Some(&admin), counted, json!({ "n": 5 })).await;
    assert!(data(&r)["services"]["totalCount"].as_i64().unwrap() >= 100, "{r}");
    assert_eq!(app.store.statement_count() - before, few + 1);
}
