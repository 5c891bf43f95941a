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
    // The login role itself may read nothing; as staff it still sees
    // nothing until a transaction names its area.
    let err = sqlx::query("SELECT count(*) FROM tenants").execute(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    sqlx::query("SET ROLE polku_staff").execute(&mut conn).await.unwrap();
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
    crate::harness::act_as(&mut tx, "tenant_admin", "porvoo").await;
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

/// What kind of row an operation's id argument names.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Service,
    Partner,
    Customer,
    Plan,
    Episode,
    Promise,
    Referral,
    ApiKey,
    Coach,
    Appointment,
    Notification,
    Commitment,
    Deviation,
    Agreement,
}

/// Every operation taking an id of one tenant's row; a stranger must get
/// NOT_FOUND, word for word the same as for an id that never existed.
const BY_ID: &[(&str, Kind, &str)] = &[
    (
        "customerAppointments",
        Kind::Customer,
        "query($id: ID!) { customerAppointments(customerId: $id) { id } }",
    ),
    (
        "freeSlots",
        Kind::Coach,
        "query($id: ID!) { freeSlots(coachId: $id, from: \"2026-12-01\", to: \"2026-12-02\", durationMinutes: 30) { startsAt } }",
    ),
    ("workingHours", Kind::Coach, "query($id: ID!) { workingHours(coachId: $id) { starts } }"),
    (
        "setWorkingHours",
        Kind::Coach,
        "mutation($id: ID!) { setWorkingHours(coachId: $id, periods: []) { starts } }",
    ),
    ("confirmAppointment", Kind::Appointment, "mutation($id: ID!) { confirmAppointment(id: $id) { id } }"),
    (
        "cancelAppointment",
        Kind::Appointment,
        "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"x\") { id } }",
    ),
    ("recordNoShow", Kind::Appointment, "mutation($id: ID!) { recordNoShow(id: $id) { id } }"),
    (
        "summonCustomer",
        Kind::Appointment,
        "mutation($id: ID!) { summonCustomer(appointmentId: $id) { id } }",
    ),
    ("notification", Kind::Notification, "query($id: ID!) { notification(id: $id) { id } }"),
    ("releaseCommitment", Kind::Commitment, "mutation($id: ID!) { releaseCommitment(id: $id) }"),
    (
        "decideDeviation",
        Kind::Deviation,
        "mutation($id: ID!) { decideDeviation(id: $id, decision: NO_ACTION) { id } }",
    ),
    (
        "confirmAgreement",
        Kind::Agreement,
        "mutation($id: ID!) { confirmAgreement(id: $id, party: CUSTOMER, how: PHONE) { id } }",
    ),
    (
        "withdrawAgreement",
        Kind::Agreement,
        "mutation($id: ID!) { withdrawAgreement(id: $id, reason: \"x\") { id } }",
    ),
    (
        "renewAgreement",
        Kind::Agreement,
        "mutation($id: ID!) { renewAgreement(id: $id, startsOn: \"2027-06-01\", endsOn: \"2027-06-30\") { id } }",
    ),
    (
        "draftAgreement",
        Kind::Referral,
        "mutation($id: ID!) { draftAgreement(input: { referralId: $id, kind: EMPLOYER_PLACEMENT, tasks: \"x\", \
         place: \"x\", startsOn: \"2027-01-04\", endsOn: \"2027-01-29\", daysPerWeek: 5, hoursPerDay: 6, \
         supervisor: { name: \"x\" }, coachContact: \"x\" }) { id } }",
    ),
    (
        "addCustomerView",
        Kind::Referral,
        "mutation($id: ID!) { addCustomerView(referralId: $id, view: \"x\") }",
    ),
    (
        "recordSpending",
        Kind::Commitment,
        "mutation($id: ID!) { recordSpending(commitmentId: $id, month: \"2026-12\", amount: \"10\") }",
    ),
    ("service", Kind::Service, "query($id: ID!) { service(id: $id) { id name } }"),
    ("partner", Kind::Partner, "query($id: ID!) { partner(id: $id) { id name } }"),
    (
        "updateService",
        Kind::Service,
        "mutation($id: ID!) { updateService(id: $id, input: { names: [{lang: FI, text: \"x\"}], category: OTHER, \
         languages: [FI], activeFrom: \"2026-01-01\" }) { service { id } } }",
    ),
    ("retireService", Kind::Service, "mutation($id: ID!) { retireService(id: $id) { service { id } } }"),
    (
        "updatePartner",
        Kind::Partner,
        "mutation($id: ID!) { updatePartner(id: $id, input: { name: \"x\", kind: OTHER, languages: [FI] }) { partner { id } } }",
    ),
    ("customer", Kind::Customer, "query($id: ID!) { customer(id: $id) { id name } }"),
    ("updateCustomer", Kind::Customer, "mutation($id: ID!) { updateCustomer(id: $id, input: { phone: \"1\" }) { id } }"),
    ("setCustomerStatus", Kind::Customer, "mutation($id: ID!) { setCustomerStatus(id: $id, status: CLOSED) { id } }"),
    ("revealIdentityCode", Kind::Customer, "mutation($id: ID!) { revealIdentityCode(customerId: $id) }"),
    ("assignCoach", Kind::Customer, "mutation($id: ID!) { assignCoach(customerId: $id, coachId: null) { id } }"),
    ("createPlan", Kind::Customer, "mutation($id: ID!) { createPlan(customerId: $id, planType: EMPLOYMENT_PLAN, input: {}) { id } }"),
    (
        "recordMeeting",
        Kind::Customer,
        "mutation($id: ID!) { recordMeeting(input: { customerId: $id, meetingType: COACHING_SESSION, channel: PHONE, \
         startsAt: \"2026-11-20T10:00:00Z\", language: FI }) { id } }",
    ),
    ("plan", Kind::Plan, "query($id: ID!) { plan(id: $id) { id } }"),
    (
        "addPathEpisode",
        Kind::Customer,
        "mutation($id: ID!) { addPathEpisode(input: { customerId: $id, stage: OTHER_EXIT, startsOn: \"2026-01-15\" }) { id } }",
    ),
    (
        "endPathEpisodeEarly",
        Kind::Episode,
        "mutation($id: ID!) { endPathEpisodeEarly(id: $id, endsOn: \"2025-03-01\") { id } }",
    ),
    ("sendReferral", Kind::Referral, "mutation($id: ID!) { sendReferral(id: $id) { id } }"),
    ("acceptReferral", Kind::Referral, "mutation($id: ID!) { acceptReferral(id: $id) { id } }"),
    ("startReferral", Kind::Referral, "mutation($id: ID!) { startReferral(id: $id) { id } }"),
    ("referral", Kind::Referral, "query($id: ID!) { referral(id: $id) { id } }"),
    ("declineReferral", Kind::Referral, "mutation($id: ID!) { declineReferral(id: $id, reason: \"x\") { id } }"),
    ("completeReferral", Kind::Referral, "mutation($id: ID!) { completeReferral(id: $id, outcome: OTHER) { id } }"),
    ("interruptReferral", Kind::Referral, "mutation($id: ID!) { interruptReferral(id: $id, outcome: OTHER) { id } }"),
    ("cancelReferral", Kind::Referral, "mutation($id: ID!) { cancelReferral(id: $id) { id } }"),
    (
        "assignVacancy",
        Kind::Customer,
        "mutation($id: ID!) { assignVacancy(customerId: $id, input: { title: \"x\", applyBy: \"2026-12-31\" }) { id } }",
    ),
    (
        "recordNeglect",
        Kind::Customer,
        "mutation($id: ID!) { recordNeglect(customerId: $id, input: { kind: OTHER, occurredOn: \"2026-01-02\" }) { id } }",
    ),
    (
        "recordJobSearchProfile",
        Kind::Customer,
        "mutation($id: ID!) { recordJobSearchProfile(customerId: $id, publishedOn: \"2026-01-02\", publishedBy: CUSTOMER) { publishedOn } }",
    ),
    // No area but Porvoo has a vacancy yet: any of its ids stands for one
    // the caller's area does not have.
    (
        "recordVacancyApplication",
        Kind::Customer,
        "mutation($id: ID!) { recordVacancyApplication(id: $id, appliedOn: \"2026-01-02\") { id } }",
    ),
    ("referCustomer", Kind::Customer, "mutation($id: ID!) { referCustomer(customerId: $id, serviceId: $id) { id } }"),
    ("legalHolds", Kind::Customer, "query($id: ID!) { legalHolds(customerId: $id) { id } }"),
    ("accessReport", Kind::Customer, "query($id: ID!) { accessReport(customerId: $id) { json } }"),
    ("placeLegalHold", Kind::Customer, "mutation($id: ID!) { placeLegalHold(customerId: $id, reason: \"x\") { id } }"),
    // No other area has a hold: any Porvoo id stands for one the caller's
    // area does not have.
    ("releaseLegalHold", Kind::Customer, "mutation($id: ID!) { releaseLegalHold(id: $id) { id } }"),
    ("requestCustomerErasure", Kind::Customer, "mutation($id: ID!) { requestCustomerErasure(customerId: $id) }"),
    (
        "setReferralLegalBasis",
        Kind::Referral,
        "mutation($id: ID!) { setReferralLegalBasis(id: $id, basis: { code: \"employment_services\" }) { id } }",
    ),
    ("withdrawReferralConsent", Kind::Referral, "mutation($id: ID!) { withdrawReferralConsent(id: $id) { id } }"),
    (
        "serviceUtilisation",
        Kind::Service,
        "query($id: ID!) { serviceUtilisation(serviceId: $id, from: \"2026-01-01\", to: \"2026-02-01\") { month } }",
    ),
    ("issueApiKey", Kind::Partner, "mutation($id: ID!) { issueApiKey(partnerId: $id, label: \"x\") { secret } }"),
    ("revokeApiKey", Kind::ApiKey, "mutation($id: ID!) { revokeApiKey(id: $id) { id } }"),
    ("employmentGrants", Kind::Customer, "query($id: ID!) { employmentGrants(customerId: $id) { id } }"),
    (
        "endServicePromise",
        Kind::Promise,
        "mutation($id: ID!) { endServicePromise(id: $id, until: \"2026-12-31\") { id } }",
    ),
    ("revisePlan", Kind::Plan, "mutation($id: ID!) { revisePlan(planId: $id, fromVersion: 1, input: {}) { id } }"),
    (
        "markTaskDone",
        Kind::Plan,
        "mutation($id: ID!) { markTaskDone(planId: $id, taskId: \"01900000-0000-7000-8000-000000000000\") { id } }",
    ),
];

/// Arguments that filter a list: another tenant's id simply matches nothing.
const FILTERS: &[&str] = &[
    "services",
    "customers",
    "auditLog",
    "caseload",
    "worklist",
    "referrals",
    "apiKeys",
    "coachAppointments",
];

#[tokio::test]
async fn another_tenants_ids_are_not_found_for_every_operation() {
    let app = TestApp::spawn().await;
    let porvoo_admin = app.token(Some("porvoo"), &[Role::TenantAdmin, Role::Manager, Role::Coach]);
    let lahti_admin = app.token(Some("lahti"), &[Role::TenantAdmin, Role::Manager, Role::Coach]);

    // Every operation with an id argument must be listed above, so a new one
    // cannot be added without this test covering it.
    let schema = app
        .gql(Some(&lahti_admin), "{ __schema { queryType { fields { name args { name } } } mutationType { fields { name args { name } } } } }", json!({}))
        .await;
    for root in ["queryType", "mutationType"] {
        for f in data(&schema)["__schema"][root]["fields"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            let takes_id = f["args"].as_array().unwrap().iter().any(|a| {
                let arg = a["name"].as_str().unwrap();
                arg == "id" || arg.ends_with("Id")
            });
            if takes_id && !FILTERS.contains(&name) {
                assert!(BY_ID.iter().any(|(n, _, _)| *n == name), "{name} takes an id but is not covered");
            }
        }
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
    let customers =
        app.gql(Some(&porvoo_admin), "{ customers(first: 1) { edges { node { id } } } }", json!({})).await;
    let customer_id = data(&customers)["customers"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let plan = app
        .gql(
            Some(&porvoo_admin),
            "mutation($c: ID!) { createPlan(customerId: $c, planType: EMPLOYMENT_PLAN, input: { goals: [\"Työ\"] }) { id } }",
            json!({ "c": customer_id }),
        )
        .await;
    let plan_id = data(&plan)["createPlan"]["id"].as_str().unwrap().to_string();
    let episode = app
        .gql(
            Some(&porvoo_admin),
            "mutation($c: ID!) { addPathEpisode(input: { customerId: $c, stage: WORK_TRIAL, startsOn: \"2025-02-01\", \
             endsOn: \"2025-04-30\", daysPerWeek: 4, hoursPerDay: 6 }) { id } }",
            json!({ "c": customer_id }),
        )
        .await;
    let episode_id = data(&episode)["addPathEpisode"]["id"].as_str().unwrap().to_string();
    let promise = app
        .gql(
            Some(&porvoo_admin),
            "mutation { createServicePromise(input: { label: \"x\", descriptions: [], discussionIntervalDays: 7, \
             effectiveFrom: \"2026-01-01\" }) { id } }",
            json!({}),
        )
        .await;
    let promise_id = data(&promise)["createServicePromise"]["id"].as_str().unwrap().to_string();
    let referral = app
        .gql(
            Some(&porvoo_admin),
            "mutation($c: ID!, $s: ID!) { referCustomer(customerId: $c, serviceId: $s) { id } }",
            json!({ "c": customer_id, "s": service_id }),
        )
        .await;
    let referral_id = data(&referral)["referCustomer"]["id"].as_str().unwrap().to_string();
    let key = app
        .gql(
            Some(&porvoo_admin),
            "mutation($p: ID!) { issueApiKey(partnerId: $p, label: \"x\") { key { id } } }",
            json!({ "p": partner_id }),
        )
        .await;
    let key_id = data(&key)["issueApiKey"]["key"]["id"].as_str().unwrap().to_string();
    let coach_id = {
        let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
        let (id,): (uuid::Uuid,) = sqlx::query_as(
            "SELECT staff_id FROM staff s JOIN tenants t USING (tenant_id) WHERE t.slug = 'porvoo' AND s.is_coach \
             ORDER BY staff_id LIMIT 1",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        id.to_string()
    };
    let appointment = app
        .gql(
            Some(&porvoo_admin),
            "mutation($c: ID!, $k: ID!) { bookAppointment(input: { customerId: $c, coachId: $k, kind: COACHING_SESSION, \
             startsAt: \"2099-12-02T08:00:00Z\", durationMinutes: 30, channel: PHONE, language: FI, sendBy: LETTER }) { id } }",
            json!({ "c": customer_id, "k": coach_id }),
        )
        .await;
    let appointment_id = data(&appointment)["bookAppointment"]["id"].as_str().unwrap().to_string();
    // Confirming it notifies the coach: a notification of Porvoo's.
    app.gql(
        Some(&porvoo_admin),
        "mutation($id: ID!) { confirmAppointment(id: $id) { id } }",
        json!({ "id": appointment_id }),
    )
    .await;
    let mut su = sqlx::PgConnection::connect(&app.superuser_url).await.unwrap();
    let notification_id: uuid::Uuid =
        sqlx::query_scalar("SELECT notification_id FROM notifications WHERE about_id = $1::uuid")
            .bind(&appointment_id)
            .fetch_one(&mut su)
            .await
            .unwrap();
    let notification_id = notification_id.to_string();
    let commitment = app
        .gql(
            Some(&porvoo_admin),
            "mutation { commitBudget(input: { purpose: OTHER, description: \"x\", \
             months: [{ month: \"2026-12\", amount: \"100\" }] }) { id } }",
            json!({}),
        )
        .await;
    let commitment_id = data(&commitment)["commitBudget"]["id"].as_str().unwrap().to_string();
    let deviation_id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO deviations (tenant_id, referral_id, kind, occurred_on, reported_by) \
         SELECT tenant_id, referral_id, 'safety_concern', current_date, 'partner' FROM referrals \
         WHERE referral_id = $1::uuid RETURNING deviation_id",
    )
    .bind(&referral_id)
    .fetch_one(&mut su)
    .await
    .unwrap();
    let deviation_id = deviation_id.to_string();
    let agreement_id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO agreements (tenant_id, agreement_id, referral_id, kind, tasks, place, starts_on, ends_on, \
             days_per_week, hours_per_day, supervisor_name, coach_contact, drafted_by) \
         SELECT tenant_id, gen_random_uuid(), referral_id, 'employer_placement', 'x', 'x', '2027-01-04', \
             '2027-01-29', 5, 6, 'x', 'x', 'coach' FROM referrals WHERE referral_id = $1::uuid RETURNING agreement_id",
    )
    .bind(&referral_id)
    .fetch_one(&mut su)
    .await
    .unwrap();
    let agreement_id = agreement_id.to_string();

    for (name, kind, query) in BY_ID {
        let id = match kind {
            Kind::Service => &service_id,
            Kind::Partner => &partner_id,
            Kind::Deviation => &deviation_id,
            Kind::Agreement => &agreement_id,
            Kind::Customer => &customer_id,
            Kind::Plan => &plan_id,
            Kind::Episode => &episode_id,
            Kind::Promise => &promise_id,
            Kind::Referral => &referral_id,
            Kind::ApiKey => &key_id,
            Kind::Coach => &coach_id,
            Kind::Appointment => &appointment_id,
            Kind::Notification => &notification_id,
            Kind::Commitment => &commitment_id,
        };
        let response = app.gql(Some(&lahti_admin), query, json!({ "id": id })).await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{name}: {response:#}");
        let random = app.gql(Some(&lahti_admin), query, json!({ "id": uuid::Uuid::now_v7() })).await;
        assert_eq!(
            response["errors"][0]["message"], random["errors"][0]["message"],
            "{name} tells existing from missing"
        );
    }

    // Lists and references: another tenant's id is as unknown as a made-up one.
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
    let audit = app
        .gql(
            Some(&lahti_admin),
            "query($c: ID) { auditLog(filter: { customerId: $c }) { id } }",
            json!({ "c": customer_id }),
        )
        .await;
    assert_eq!(data(&audit)["auditLog"].as_array().unwrap().len(), 0);

    // And Porvoo's data is untouched.
    let after = app
        .gql(
            Some(&porvoo_admin),
            "query($id: ID!) { service(id: $id) { retired } }",
            json!({ "id": service_id }),
        )
        .await;
    assert_eq!(data(&after)["service"]["retired"], Value::Bool(false));
    let after = app
        .gql(
            Some(&porvoo_admin),
            "query($id: ID!) { customer(id: $id) { status } }",
            json!({ "id": customer_id }),
        )
        .await;
    assert_eq!(data(&after)["customer"]["status"], "ACTIVE");
}

#[tokio::test]
async fn a_token_for_an_unknown_tenant_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.token(Some("atlantis"), &[Role::Coach]);
    let response = app.gql(Some(&token), "{ tenant { slug } }", json!({})).await;
    assert_eq!(error_code(&response), Some("UNKNOWN_TENANT"));
}
