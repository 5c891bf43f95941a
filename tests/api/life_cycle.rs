//! The personal data's life cycle: the retention run erases expired
//! customers so that nothing of them is left in any table (searched as
//! text, every column), keeps the others and the figures, respects legal
//! holds; partners' reads are logged as disclosures with their legal basis;
//! a referral without a basis is not sent; the access report has it all.

use polku_domain::retention::RetentionRules;
use polku_domain::{Role, Slug};
use polku_store::retention::{self, RunOptions};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{data, error_code, error_field, TestApp};
use crate::referrals::{area, refer, service, transition};

const CREATE: &str = "mutation($i: CustomerInput!) { createCustomer(input: $i) { id } }";

/// A customer with unmistakable details, so that a search for them finds
/// only them.
fn customer(hetu: &str, tag: &str) -> Value {
    json!({ "i": {
        "identityCode": hetu, "lastName": format!("Poistettava{tag}"), "firstNames": format!("Etunimi{tag}"),
        "motherTongue": "fi", "serviceLanguage": "FI", "homeMunicipality": "638",
        "streetAddress": format!("Unohduksenkatu {tag}"), "postalCode": "06100", "postOffice": "Porvoo",
        "phone": "040 999 0000", "email": format!("poistettava.{tag}@example.fi") } })
}

async fn su(app: &TestApp) -> PgConnection {
    PgConnection::connect(&app.superuser_url).await.unwrap()
}

/// Every row of every table, as text, that contains `needle`.
async fn found_anywhere(su: &mut PgConnection, needle: &str) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *su)
    .await
    .unwrap();
    let mut hits = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table} t WHERE t::text ILIKE $1"))
            .bind(format!("%{needle}%"))
            .fetch_one(&mut *su)
            .await
            .unwrap();
        if n > 0 {
            hits.push(format!("{table}: {n}"));
        }
    }
    hits
}

/// Makes a customer's whole history `years` old: they left then.
async fn ended_years_ago(su: &mut PgConnection, customer: &Value, years: i32) {
    let id = customer.as_str().unwrap();
    sqlx::query(
        "UPDATE customer_status_history SET changed_at = changed_at - make_interval(years => $2) \
         WHERE customer_id = $1::uuid",
    )
    .bind(id)
    .bind(years)
    .execute(&mut *su)
    .await
    .unwrap();
}

fn porvoo() -> Slug {
    Slug::parse("porvoo").unwrap()
}

#[tokio::test]
async fn retention_erases_expired_customers_from_every_table_and_keeps_the_rest() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let close = "mutation($id: ID!) { setCustomerStatus(id: $id, status: CLOSED) { id } }";

    // Expired: left six years ago, with a meeting note, a referral a partner
    // read, a corrected address.
    let expired = data(&app.gql(Some(&a.coach), CREATE, customer("010190-123M", "Alfa")).await)
        ["createCustomer"]["id"]
        .clone();
    let note = "Muistiinpano-ALFA-salainen";
    let meeting = json!({ "i": { "customerId": expired, "meetingType": "INITIAL_INTERVIEW", "channel": "PHONE",
        "startsAt": "2026-01-10T09:00:00Z", "language": "FI", "notes": note } });
    data(
        &app.gql(Some(&a.coach), "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }", meeting)
            .await,
    );
    let workshop = service(&app, &a, 5).await;
    let referral = refer(&app, &a, &expired, &workshop).await;
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": referral })).await);
    let read = app.gql(Some(&a.samaria), "{ referrals { id customer { name } } }", json!({})).await;
    assert!(read.to_string().contains("PoistettavaAlfa"), "{read}");
    let decline = "mutation($id: ID!) { declineReferral(id: $id, reason: \"Ei tilaa\") { id } }";
    data(&app.gql(Some(&a.samaria), decline, json!({ "id": referral })).await);
    let moved = "mutation($id: ID!) { updateCustomer(id: $id, input: { streetAddress: \"Muuttokatu Alfa 2\" }) { id } }";
    data(&app.gql(Some(&a.coach), moved, json!({ "id": expired })).await);
    data(&app.gql(Some(&a.coach), close, json!({ "id": expired })).await);

    // Kept: left a year ago; and left six years ago but under a legal hold.
    let recent = data(&app.gql(Some(&a.coach), CREATE, customer("020290-234N", "Beta")).await)
        ["createCustomer"]["id"]
        .clone();
    data(&app.gql(Some(&a.coach), close, json!({ "id": recent })).await);
    let held = data(&app.gql(Some(&a.coach), CREATE, customer("030390-345P", "Gamma")).await)
        ["createCustomer"]["id"]
        .clone();
    data(&app.gql(Some(&a.coach), close, json!({ "id": held })).await);

    let mut su = su(&app).await;
    ended_years_ago(&mut su, &expired, 6).await;
    ended_years_ago(&mut su, &recent, 1).await;
    ended_years_ago(&mut su, &held, 6).await;
    let hold = "mutation($c: ID!, $r: String!) { placeLegalHold(customerId: $c, reason: $r) { id } }";
    let refused = app.gql(Some(&manager), hold, json!({ "c": held, "r": "  " })).await;
    assert_eq!(
        (error_code(&refused), error_field(&refused)),
        (Some("REQUIRED"), Some("reason")),
        "{refused}"
    );
    data(
        &app.gql(Some(&manager), hold, json!({ "c": held, "r": "Valitus vireillä hallinto-oikeudessa" }))
            .await,
    );

    let disclosed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM disclosures WHERE customer_id = $1::uuid AND recipient = 'partner'",
    )
    .bind(expired.as_str().unwrap())
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert_eq!(disclosed, 2, "the partner's reads (the list, the decline's answer) are disclosures");

    let hash: String =
        sqlx::query_scalar("SELECT encode(hetu_hash, 'hex') FROM customers WHERE customer_id = $1::uuid")
            .bind(expired.as_str().unwrap())
            .fetch_one(&mut su)
            .await
            .unwrap();
    let figures = || async {
        let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT string_agg(tenant_id::text || month::text || figures::text, '|' ORDER BY tenant_id, month) FROM area_month_figures",
        )
        .fetch_one(&mut c)
        .await
        .unwrap()
    };
    polku_store::figures::refresh_stale(
        &app.store,
        &polku_domain::rules::Rules::embedded(),
        polku_domain::calendar::finnish_date(chrono::Utc::now()),
        true,
    )
    .await
    .unwrap();
    let figures_before = figures().await;

    // A page read names all three in one audit entry.
    let page =
        app.gql(Some(&a.coach), "{ customers(first: 50) { edges { node { name } } } }", json!({})).await;
    assert!(page["errors"].is_null(), "{page}");
    let ids = |v: &Value| v.as_str().unwrap().parse::<Uuid>().unwrap();
    let (expired_id, recent_id, held_id) = (ids(&expired), ids(&recent), ids(&held));
    let (page_entry, named): (i64, i32) = sqlx::query_as(
        "SELECT audit_id, cardinality(customer_ids) FROM audit_log \
         WHERE customer_ids @> $1 AND action = 'read' ORDER BY audit_id DESC LIMIT 1",
    )
    .bind(vec![expired_id, recent_id, held_id])
    .fetch_one(&mut su)
    .await
    .unwrap();

    let rules = RetentionRules::embedded();
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    let dry = retention::run(
        &app.store,
        rules,
        Some(&porvoo()),
        RunOptions { dry_run: true, batch: 1, today },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!((dry[0].customers_due, dry[0].customers_erased, dry[0].customers_held), (1, 0, 1), "{dry:?}");
    assert!(!found_anywhere(&mut su, "PoistettavaAlfa").await.is_empty(), "a dry run changes nothing");

    // The retention role may only put a tombstone in an erasable customer's
    // place: not drop a name, nor put a living customer's id there.
    for rewrite in [
        "UPDATE audit_log SET customer_ids = array_remove(customer_ids, $2) WHERE audit_id = $1",
        "UPDATE audit_log SET customer_ids = array_replace(customer_ids, $3, $2) WHERE audit_id = $1",
        "UPDATE audit_log SET reason = 'x', customer_ids = array_replace(customer_ids, $3, gen_random_uuid()) \
         WHERE audit_id = $1",
    ] {
        let mut tx = app.store.begin(&retention::actor(&porvoo())).await.unwrap();
        let refused = sqlx::query(rewrite)
            .bind(page_entry)
            .bind(recent_id)
            .bind(expired_id)
            .execute(tx.conn())
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("tombstoning"), "{rewrite}: {refused}");
    }

    let mut batches = 0;
    let done = retention::run(
        &app.store,
        rules,
        Some(&porvoo()),
        RunOptions { dry_run: false, batch: 1, today },
        &mut |r| {
            batches = r.batches;
        },
    )
    .await
    .unwrap();
    assert_eq!((done[0].customers_due, done[0].customers_erased), (1, 1), "{done:?}");
    assert_eq!(batches, 1);

    for needle in [
        "PoistettavaAlfa",
        "EtunimiAlfa",
        "010190-123M",
        &hash,
        "Unohduksenkatu Alfa",
        "Muuttokatu Alfa",
        "poistettava.Alfa@example.fi",
        note,
        expired.as_str().unwrap(),
    ] {
        assert_eq!(found_anywhere(&mut su, needle).await, Vec::<String>::new(), "{needle} is left");
    }
    // The logs keep a tombstone: the partner's read is still there, under a
    // random id, and the erasure itself is recorded.
    let (tombstones, disclosures): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM erasures WHERE basis = 'retention'), \
                (SELECT count(*) FROM disclosures d JOIN erasures e ON e.tombstone_id = d.customer_id)",
    )
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert_eq!((tombstones, disclosures), (1, 2));
    // The page's entry still names the other two, and a tombstone where
    // the erased customer was.
    let after: Vec<Uuid> = sqlx::query_scalar("SELECT customer_ids FROM audit_log WHERE audit_id = $1")
        .bind(page_entry)
        .fetch_one(&mut su)
        .await
        .unwrap();
    assert_eq!(i32::try_from(after.len()).unwrap(), named);
    assert!(after.contains(&recent_id) && after.contains(&held_id) && !after.contains(&expired_id));
    let tombstoned: i64 = sqlx::query_scalar("SELECT count(*) FROM erasures WHERE tombstone_id = ANY($1)")
        .bind(&after)
        .fetch_one(&mut su)
        .await
        .unwrap();
    assert_eq!(tombstoned, 1);
    for kept in ["PoistettavaBeta", "PoistettavaGamma", "Unohduksenkatu Beta"] {
        assert!(!found_anywhere(&mut su, kept).await.is_empty(), "{kept} must stay");
    }
    assert_eq!(figures().await, figures_before, "figures hold no person and stay");

    // Released, the hold no longer stops the run.
    let holds: Vec<Uuid> =
        sqlx::query_scalar("SELECT hold_id FROM legal_holds").fetch_all(&mut su).await.unwrap();
    let release = "mutation($h: ID!) { releaseLegalHold(id: $h) { releasedAt } }";
    data(&app.gql(Some(&manager), release, json!({ "h": holds[0].to_string() })).await);
    let again = retention::run(
        &app.store,
        rules,
        Some(&porvoo()),
        RunOptions { dry_run: false, batch: 10, today },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again[0].customers_erased, 1);
    assert!(found_anywhere(&mut su, "PoistettavaGamma").await.is_empty());
}

#[tokio::test]
async fn the_application_role_cannot_erase_and_the_retention_role_only_what_expired() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let mut su = su(&app).await;
    let id = a.customers[0].as_str().unwrap().to_string();
    // Case staff have no delete at all.
    let mut tx =
        app.store.begin(&polku_store::Actor::system(Some(porvoo()), vec![Role::Manager])).await.unwrap();
    let refused =
        sqlx::query("DELETE FROM customers WHERE customer_id = $1::uuid").bind(&id).execute(tx.conn()).await;
    assert!(refused.is_err(), "staff cannot delete a customer");
    drop(tx);
    // The retention role deletes nothing that has not expired: the policy
    // filters the active customer out.
    let mut tx = app.store.begin(&retention::actor(&porvoo())).await.unwrap();
    retention::ensure_periods(&mut tx, RetentionRules::embedded(), chrono::Utc::now().date_naive())
        .await
        .unwrap();
    let done = sqlx::query("DELETE FROM customers WHERE customer_id = $1::uuid")
        .bind(&id)
        .execute(tx.conn())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0);
    let audit = sqlx::query(
        "UPDATE audit_log SET customer_ids = ARRAY[gen_random_uuid()] WHERE customer_ids = ARRAY[$1::uuid]",
    )
    .bind(&id)
    .execute(tx.conn())
    .await
    .unwrap();
    assert_eq!(audit.rows_affected(), 0, "the log is rewritten only for an erasable customer");
    tx.commit().await.unwrap();
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE customer_id = $1::uuid")
        .bind(&id)
        .fetch_one(&mut su)
        .await
        .unwrap();
    assert_eq!(still, 1);
}

#[tokio::test]
async fn a_referral_needs_a_legal_basis_and_withdrawn_consent_stops_disclosure() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    // A service of a kind with no statutory ground: the referral starts
    // without a basis and cannot be sent.
    let other = app
        .gql(
            Some(&a.admin),
            "mutation($p: ID) { createService(input: { names: [{lang: FI, text: \"Muu\"}], category: OTHER, \
             languages: [FI], activeFrom: \"2026-01-01\", providerId: $p }) { service { id } } }",
            json!({ "p": a.samaria_id }),
        )
        .await;
    let other = data(&other)["createService"]["service"]["id"].clone();
    let referral = refer(&app, &a, &a.customers[0], &other).await;
    let refused = app
        .gql_lang(Some(&a.coach), Some("fi"), &transition("sendReferral"), json!({ "id": referral }))
        .await;
    assert_eq!(
        (error_code(&refused), error_field(&refused)),
        (Some("LEGAL_BASIS_REQUIRED"), Some("legalBasis"))
    );
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("lakiperuste"), "{refused}");

    let basis = "mutation($id: ID!, $b: LegalBasisInput!) { setReferralLegalBasis(id: $id, basis: $b) { legalBasis } }";
    let tomorrow =
        (polku_domain::calendar::finnish_date(chrono::Utc::now()) + chrono::Days::new(1)).to_string();
    let future = app
        .gql(Some(&a.coach), basis, json!({ "id": referral, "b": { "code": "consent", "consentGivenOn": tomorrow, "consentHow": "WRITTEN" } }))
        .await;
    assert_eq!(
        (error_code(&future), error_field(&future)),
        (Some("CONSENT_NOT_RECORDED"), Some("basis.consentGivenOn"))
    );
    let unknown =
        app.gql(Some(&a.coach), basis, json!({ "id": referral, "b": { "code": "unrecorded" } })).await;
    assert_eq!(error_code(&unknown), Some("UNKNOWN_LEGAL_BASIS"));
    let given = app
        .gql(Some(&a.coach), basis, json!({ "id": referral, "b": { "code": "consent", "consentGivenOn": "2026-01-05", "consentHow": "WRITTEN" } }))
        .await;
    assert_eq!(data(&given)["setReferralLegalBasis"]["legalBasis"], "consent");
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": referral })).await);
    let seen = app.gql(Some(&a.samaria), "{ referrals { id } }", json!({})).await;
    assert!(seen.to_string().contains(referral.as_str().unwrap()));

    data(
        &app.gql(
            Some(&a.coach),
            "mutation($id: ID!) { withdrawReferralConsent(id: $id) { id } }",
            json!({ "id": referral }),
        )
        .await,
    );
    let after = app.gql(Some(&a.samaria), "{ referrals { id } }", json!({})).await;
    assert!(!after.to_string().contains(referral.as_str().unwrap()), "{after}");
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let periods = "{ retentionPeriods { kind years minimumYears verified source } }";
    let r = app.gql(Some(&a.admin), periods, json!({})).await;
    let grants = data(&r)["retentionPeriods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "GRANTS")
        .unwrap()
        .clone();
    let minimum = grants["minimumYears"].as_i64().unwrap();
    assert!(minimum > 0 && !grants["source"].as_str().unwrap().is_empty(), "{grants}");
    let set =
        "mutation($k: RecordKind!, $y: Int!) { setRetentionPeriod(kind: $k, years: $y) { kind years } }";
    let short =
        app.gql_lang(Some(&a.admin), Some("sv"), set, json!({ "k": "GRANTS", "y": minimum - 1 })).await;
    assert_eq!((error_code(&short), error_field(&short)), (Some("RETENTION_BELOW_MINIMUM"), Some("years")));
    assert!(short["errors"][0]["message"].as_str().unwrap().contains(&minimum.to_string()), "{short}");
    let longer = app.gql(Some(&a.admin), set, json!({ "k": "GRANTS", "y": minimum + 2 })).await;
    assert_eq!(data(&longer)["setRetentionPeriod"]["years"], minimum + 2);
    let coach = app.gql(Some(&a.coach), set, json!({ "k": "GRANTS", "y": minimum + 3 })).await;
    assert_eq!(error_code(&coach), Some("FORBIDDEN"));

    // Erasure on request: refused while a legal hold is active.
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let customer = &a.customers[1];
    let hold =
        "mutation($c: ID!) { placeLegalHold(customerId: $c, reason: \"Oikaisuvaatimus vireillä\") { id } }";
    data(&app.gql(Some(&manager), hold, json!({ "c": customer })).await);
    let holds = app
        .gql(
            Some(&manager),
            "query($c: ID!) { legalHolds(customerId: $c) { reason } }",
            json!({ "c": customer }),
        )
        .await;
    assert_eq!(data(&holds)["legalHolds"][0]["reason"], "Oikaisuvaatimus vireillä");
    let mut su = su(&app).await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE customer_ids @> ARRAY[$1::uuid] AND action = 'read' AND what = 'legal holds'",
    )
    .bind(customer.as_str().unwrap())
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert_eq!(audited, 1, "reading a customer's holds is audited");
    let erase = "mutation($c: ID!) { requestCustomerErasure(customerId: $c) }";
    let held = app.gql(Some(&manager), erase, json!({ "c": customer })).await;
    assert_eq!((error_code(&held), error_field(&held)), (Some("LEGAL_HOLD_ACTIVE"), Some("customerId")));
}

#[tokio::test]
async fn the_access_report_has_everything_and_who_saw_it() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let customer = &a.customers[0];
    let workshop = service(&app, &a, 5).await;
    let referral = refer(&app, &a, customer, &workshop).await;
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": referral })).await);
    data(&app.gql(Some(&a.samaria), "{ referrals { id customer { name } } }", json!({})).await);
    let fix = "mutation($id: ID!) { updateCustomer(id: $id, input: { phone: \"040 111 2222\" }, reason: \"Asiakas ilmoitti uuden numeron\") { id } }";
    data(&app.gql(Some(&a.coach), fix, json!({ "id": customer })).await);

    // A page read names this customer among others: the report says the
    // customer was read, and names no one else.
    data(&app.gql(Some(&a.coach), "{ customers(first: 50) { edges { node { name } } } }", json!({})).await);
    assert!(a.customers.len() > 1);

    let q = "query($c: ID!) { accessReport(customerId: $c) { language json html } }";
    let coach_only = crate::harness::token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    assert_eq!(error_code(&app.gql(Some(&coach_only), q, json!({ "c": customer })).await), Some("FORBIDDEN"));
    let r = app.gql(Some(&manager), q, json!({ "c": customer })).await;
    let report = &data(&r)["accessReport"];
    let json: Value = serde_json::from_str(report["json"].as_str().unwrap()).unwrap();
    assert!(json["customer"]["identity_code"].as_str().unwrap().len() == 11);
    assert_eq!(json["referrals"].as_array().unwrap().len(), 1);
    assert_eq!(json["disclosures"].as_array().unwrap().len(), 1, "the partner's read");
    assert_eq!(json["disclosures"][0]["legal_basis"], "employment_services");
    let correction = &json["corrections"][0];
    assert_eq!(
        (correction["field"].as_str(), correction["new_value"].as_str()),
        (Some("phone"), Some("040 111 2222"))
    );
    assert_eq!(correction["reason"], "Asiakas ilmoitti uuden numeron");
    assert!(json["auditLog"].as_array().unwrap().iter().any(|e| e["action"] == "read"), "{json}");
    for other in &a.customers[1..] {
        let other = other.as_str().unwrap();
        assert!(!report["json"].as_str().unwrap().contains(other), "another customer's id is in the report");
        assert!(!report["html"].as_str().unwrap().contains(other));
    }
    let lang = report["language"].as_str().unwrap().to_lowercase();
    let html = report["html"].as_str().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&format!("lang=\"{lang}\"")), "{html}");

    // Every table with a customer id is in the report.
    let mut su = su(&app).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT table_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND column_name = 'customer_id' \
           AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')",
    )
    .fetch_all(&mut su)
    .await
    .unwrap();
    let read = polku_store::access::tables();
    for t in tables {
        assert!(read.contains(&t.as_str()) || t == "erasures", "{t} is missing from the access report");
    }
    // Producing it is audited.
    let exported: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE customer_ids @> ARRAY[$1::uuid] AND action = 'export' AND what = 'access report'",
    )
    .bind(customer.as_str().unwrap())
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert_eq!(exported, 1);
}
