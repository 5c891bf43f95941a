//! Referrals through the API: the course of a referral with every
//! transition kept, what a partner organisation sees (and that the database
//! itself keeps the rest from it), capacity with its queue under concurrent
//! starts on two gateway replicas, and localised refusals.

use futures::future::join_all;
use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{data, error_code, error_field, error_message, token_for, TestApp};

const SERVICE: &str =
    "mutation($p: ID, $c: Int) { createService(input: { names: [{lang: FI, text: \"Puutyöpaja\"}], \
    category: WORKSHOP, languages: [FI], activeFrom: \"2026-01-01\", providerId: $p, capacity: $c, \
    costPerPlaceMonth: \"900\" }) { service { id } } }";
const REFER: &str =
    "mutation($c: ID!, $s: ID!) { referCustomer(customerId: $c, serviceId: $s) { id state } }";

/// Refers customer `customer` to `service`; the new referral's id.
pub(crate) async fn refer(app: &TestApp, a: &Area, customer: &Value, service: &Value) -> Value {
    let r = app.gql(Some(&a.coach), REFER, json!({ "c": customer, "s": service })).await;
    data(&r)["referCustomer"]["id"].clone()
}

pub(crate) fn transition(name: &str) -> String {
    format!("mutation($id: ID!) {{ {name}(id: $id) {{ id state }} }}")
}

pub(crate) struct Area {
    pub(crate) coach: String,
    pub(crate) admin: String,
    pub(crate) samaria: String,
    pub(crate) posintra: String,
    pub(crate) samaria_id: Uuid,
    pub(crate) customers: Vec<Value>,
}

pub(crate) async fn area(app: &TestApp) -> Area {
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach, Role::Manager]);
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let samaria_id = app.partner_id(&admin, "Samaria rf").await;
    let posintra_id = app.partner_id(&admin, "Posintra").await;
    let r = app.gql(Some(&coach), "{ customers(first: 20) { edges { node { id } } } }", json!({})).await;
    let customers =
        data(&r)["customers"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].clone()).collect();
    Area {
        samaria: app.token_with(Some("porvoo"), &[Role::Partner], Some(samaria_id), None),
        posintra: app.token_with(Some("porvoo"), &[Role::Partner], Some(posintra_id), None),
        coach,
        admin,
        samaria_id,
        customers,
    }
}

pub(crate) async fn service(app: &TestApp, a: &Area, capacity: i32) -> Value {
    let r = app.gql(Some(&a.admin), SERVICE, json!({ "p": a.samaria_id, "c": capacity })).await;
    data(&r)["createService"]["service"]["id"].clone()
}

/// Refers, sends and has Samaria accept `n` customers; returns the referral ids.
pub(crate) async fn accepted(app: &TestApp, a: &Area, service: &Value, n: usize) -> Vec<Value> {
    let mut ids = Vec::new();
    for c in &a.customers[..n] {
        let r = app.gql(Some(&a.coach), REFER, json!({ "c": c, "s": service })).await;
        let id = data(&r)["referCustomer"]["id"].clone();
        data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": id })).await);
        data(&app.gql(Some(&a.samaria), &transition("acceptReferral"), json!({ "id": id })).await);
        ids.push(id);
    }
    ids
}

async fn states(app: &TestApp, token: &str, service: &Value) -> Vec<(String, String)> {
    let r = app
        .gql(Some(token), "query($s: ID) { referrals(serviceId: $s) { id state } }", json!({ "s": service }))
        .await;
    data(&r)["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r["state"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn a_referral_runs_its_course_and_a_partner_sees_only_its_own() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let service = service(&app, &a, 2).await;

    let r = app.gql(Some(&a.coach), REFER, json!({ "c": a.customers[0], "s": service })).await;
    let first = data(&r)["referCustomer"]["id"].clone();
    assert_eq!(data(&r)["referCustomer"]["state"], "PROPOSED");
    // Not yet sent: the partner sees nothing.
    assert_eq!(states(&app, &a.samaria, &service).await, vec![]);
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": first })).await);

    let list = "{ referrals { state serviceName customer { name serviceLanguage phone email } } }";
    let r = app.gql(Some(&a.samaria), list, json!({})).await;
    assert_eq!(data(&r)["referrals"].as_array().unwrap().len(), 1);
    assert_eq!(data(&r)["referrals"][0]["serviceName"], "Puutyöpaja");
    assert!(data(&r)["referrals"][0]["customer"]["name"].is_string());
    // Another organisation sees none of it, and cannot act on it.
    assert_eq!(data(&app.gql(Some(&a.posintra), list, json!({})).await)["referrals"], json!([]));
    let r = app.gql(Some(&a.posintra), &transition("acceptReferral"), json!({ "id": first })).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    // A partner reads no customer through the staff's queries.
    let r = app
        .gql(Some(&a.samaria), "query($c: ID!) { customer(id: $c) { name } }", json!({ "c": a.customers[0] }))
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));

    // The database itself: as Samaria, only the referred customer's row,
    // and nothing of plans or meetings.
    let mut conn = PgConnection::connect(&app.app_url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    crate::harness::act_as_partner(&mut tx, "porvoo", a.samaria_id).await;
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM customers").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 1);
    for table in ["employment_plans", "meetings", "letters", "path_episodes"] {
        sqlx::query("SAVEPOINT s").execute(&mut *tx).await.unwrap();
        let err =
            sqlx::query(&format!("SELECT count(*) FROM {table}")).fetch_one(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{table}: {err}");
        sqlx::query("ROLLBACK TO SAVEPOINT s").execute(&mut *tx).await.unwrap();
    }
    let changed = sqlx::query("UPDATE customers SET phone = '1'").execute(&mut *tx).await;
    assert!(changed.is_err() || changed.unwrap().rows_affected() == 0, "a partner changes no customer");
    tx.rollback().await.unwrap();

    // Accepted, started, completed; each step kept with who and when.
    for (step, state) in [("acceptReferral", "ACCEPTED"), ("startReferral", "STARTED")] {
        let r = app.gql(Some(&a.samaria), &transition(step), json!({ "id": first })).await;
        assert_eq!(data(&r)[step]["state"], state);
    }
    let r = app
        .gql_lang(Some(&a.samaria), Some("sv"), &transition("acceptReferral"), json!({ "id": first }))
        .await;
    assert_eq!(error_code(&r), Some("ILLEGAL_TRANSITION"));
    assert!(error_message(&r).contains("godkännas"), "{r:#}");
    let done = "mutation($id: ID!) { completeReferral(id: $id, outcome: EMPLOYED) { state outcome endedOn history { state actor } } }";
    let r = app.gql(Some(&a.samaria), done, json!({ "id": first })).await;
    let history: Vec<&str> = data(&r)["completeReferral"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["proposed", "sent", "accepted", "started", "completed"]);
    assert_eq!(data(&r)["completeReferral"]["outcome"], "EMPLOYED");

    // Declining needs a reason.
    let ids = {
        let r = app.gql(Some(&a.coach), REFER, json!({ "c": a.customers[1], "s": service })).await;
        data(&r)["referCustomer"]["id"].clone()
    };
    data(&app.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": ids })).await);
    let decline = "mutation($id: ID!, $r: String!) { declineReferral(id: $id, reason: $r) { state reason } }";
    let r = app.gql(Some(&a.samaria), decline, json!({ "id": ids, "r": "  " })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("REQUIRED"), Some("reason")));
    let r = app.gql(Some(&a.samaria), decline, json!({ "id": ids, "r": "Ei tilaa" })).await;
    assert_eq!(data(&r)["declineReferral"], json!({ "state": "DECLINED", "reason": "Ei tilaa" }));

    // Unknown and retired services.
    let r = app.gql(Some(&a.coach), REFER, json!({ "c": a.customers[2], "s": Uuid::now_v7() })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("UNKNOWN_SERVICE"), Some("serviceId")));
    data(
        &app.gql(
            Some(&a.admin),
            "mutation($id: ID!) { retireService(id: $id) { service { id } } }",
            json!({ "id": service }),
        )
        .await,
    );
    let r =
        app.gql_lang(Some(&a.coach), Some("fi"), REFER, json!({ "c": a.customers[2], "s": service })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("SERVICE_RETIRED"), Some("serviceId")));
    assert!(error_message(&r).contains("serviceId"));
}

#[tokio::test]
async fn capacity_holds_under_concurrent_starts_on_two_replicas_and_the_queue_keeps_order() {
    let app = TestApp::spawn().await;
    let other = app.replica();
    let a = area(&app).await;
    let service = service(&app, &a, 3).await;
    let ids = accepted(&app, &a, &service, 12).await;

    let start = transition("startReferral");
    let requests = ids.iter().enumerate().map(|(i, id)| {
        let (gateway, start, token) = (if i % 2 == 0 { &app } else { &other }, &start, &a.samaria);
        async move { gateway.gql(Some(token), start, json!({ "id": id })).await }
    });
    for r in join_all(requests).await {
        data(&r);
    }
    let count = |states: &[(String, String)], s: &str| states.iter().filter(|(_, x)| x == s).count();
    let now = states(&app, &a.coach, &service).await;
    assert_eq!((count(&now, "STARTED"), count(&now, "QUEUED")), (3, 9), "{now:?}");

    // A place freed goes to the first in the queue.
    let queue = "query($s: ID) { referrals(serviceId: $s, states: [QUEUED]) { id queuedAt } }";
    let r = app.gql(Some(&a.coach), queue, json!({ "s": service })).await;
    let mut waiting: Vec<(String, String)> = data(&r)["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["queuedAt"].as_str().unwrap().to_string(), q["id"].as_str().unwrap().to_string()))
        .collect();
    waiting.sort();
    let leaving = now.iter().find(|(_, s)| s == "STARTED").unwrap().0.clone();
    let r = app
        .gql(
            Some(&a.samaria),
            "mutation($id: ID!) { interruptReferral(id: $id, outcome: HEALTH) { state } }",
            json!({ "id": leaving }),
        )
        .await;
    assert_eq!(data(&r)["interruptReferral"]["state"], "INTERRUPTED");
    let after = states(&app, &a.coach, &service).await;
    assert_eq!(count(&after, "STARTED"), 3);
    assert!(after.contains(&(waiting[0].1.clone(), "STARTED".into())), "the first in the queue starts");

    let r = app
        .gql(
            Some(&a.coach),
            "query($s: ID!) { serviceUtilisation(serviceId: $s, from: \"2026-01-01\", to: \"2026-12-31\") { month capacity placeDaysFilled queued } }",
            json!({ "s": service }),
        )
        .await;
    let months = data(&r)["serviceUtilisation"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert!(months.iter().all(|m| m["capacity"] == 3 && m["queued"] == 8));
}

#[tokio::test]
async fn partners_work_with_api_keys_that_are_rate_limited_across_replicas_and_revocable() {
    use polku_server::ratelimit::{Rate, RateLimiter};
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let service = service(&app, &a, 5).await;
    accepted(&app, &a, &service, 2).await;

    let issue = "mutation($p: ID!) { issueApiKey(partnerId: $p, label: \"Samarian järjestelmä\") { key { id } secret } }";
    assert_eq!(
        error_code(&app.gql(Some(&a.samaria), issue, json!({ "p": a.samaria_id })).await),
        Some("FORBIDDEN")
    );
    let r = app.gql(Some(&a.admin), issue, json!({ "p": a.samaria_id })).await;
    let key = data(&r)["issueApiKey"]["secret"].as_str().unwrap().to_string();
    let key_id = data(&r)["issueApiKey"]["key"]["id"].clone();
    assert!(key.starts_with("polku_porvoo_"));

    // The key acts as its partner, and sees what the partner's staff see.
    let r = app.gql(Some(&key), "{ viewer { roles partnerId } referrals { state } }", json!({})).await;
    assert_eq!(data(&r)["viewer"]["roles"], json!(["PARTNER"]));
    assert_eq!(data(&r)["viewer"]["partnerId"], a.samaria_id.to_string());
    assert_eq!(data(&r)["referrals"].as_array().unwrap().len(), 2);
    let r = app.gql(Some(&a.admin), "{ apiKeys { label lastUsedAt revokedAt } }", json!({})).await;
    assert!(data(&r)["apiKeys"][0]["lastUsedAt"].is_string());
    // Only a hash is stored.
    let mut superuser = PgConnection::connect(&app.superuser_url).await.unwrap();
    let secret = key.rsplit('_').next().unwrap();
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM partner_api_keys WHERE position($1::bytea in secret_hash) > 0",
    )
    .bind(secret.as_bytes())
    .fetch_one(&mut superuser)
    .await
    .unwrap();
    assert_eq!(stored, 0);

    // Two replicas share one bucket through Redis: two requests pass, the
    // third waits, whichever replica it reaches.
    let redis_url = std::env::var("REDIS_URL").expect("the test command provides Redis");
    let client = redis::Client::open(redis_url).unwrap();
    let manager = redis::aio::ConnectionManager::new(client).await.unwrap();
    let tight = Rate { per_second: 0.001, burst: 2.0 };
    let limited = |state: polku_server::AppState| {
        state.with_rate_limiter(RateLimiter::with_redis(tight, manager.clone()))
    };
    let (one, two) = (app.replica_with(limited), app.replica_with(limited));
    data(&one.gql(Some(&key), "{ referrals { id } }", json!({})).await);
    data(&two.gql(Some(&key), "{ referrals { id } }", json!({})).await);
    let r = one.gql_lang(Some(&key), Some("en"), "{ referrals { id } }", json!({})).await;
    assert_eq!(error_code(&r), Some("RATE_LIMITED"), "{r:#}");
    assert!(error_message(&r).contains("seconds"), "{r:#}");

    // Revoked: refused at once with its own code; a made-up key is invalid.
    data(
        &app.gql(
            Some(&a.admin),
            "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
            json!({ "id": key_id }),
        )
        .await,
    );
    assert_eq!(
        error_code(&app.gql(Some(&key), "{ referrals { id } }", json!({})).await),
        Some("API_KEY_REVOKED")
    );
    let forged = format!("{}x", &key[..key.len() - 1]);
    assert_eq!(
        error_code(&app.gql(Some(&forged), "{ referrals { id } }", json!({})).await),
        Some("INVALID_TOKEN")
    );
}

#[tokio::test]
async fn an_employment_grant_is_refused_at_80_percent_and_paid_by_calendar_days() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let posintra = app.partner_id(&a.admin, "Posintra").await;
    let r =
        app.gql(Some(&a.admin), "mutation { setEmploymentGrantAmount(amount: \"400,00\") }", json!({})).await;
    assert_eq!(data(&r)["setEmploymentGrantAmount"], "400.00");
    let record =
        "mutation($i: EmploymentGrantInput!) { recordEmploymentGrant(input: $i) { monthlyAmount total \
        schedule { month days daysInMonth amount } discussions { id } } }";
    let input = |employer: Uuid, time: i32| {
        json!({ "customerId": a.customers[0], "employerId": employer, "startsOn": "2026-01-15", "endsOn": "2026-04-10",
            "workingTimePercent": time, "subsidyPercent": 70, "employerSupport": "Perehdytys ja työpaikkaohjaaja" })
    };
    let r = app.gql(Some(&a.coach), record, json!({ "i": input(posintra, 100) })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("GRANT_EMPLOYER_KIND"), Some("input.employerId")));
    let r = app.gql_lang(Some(&a.coach), Some("sv"), record, json!({ "i": input(a.samaria_id, 80) })).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("GRANT_WORKING_TIME"), Some("input.workingTimePercent"))
    );
    assert!(error_message(&r).contains("80 %"), "{r:#}");

    // A tripartite discussion during the employment belongs to the grant.
    let meeting = "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }";
    data(
        &app.gql(
            Some(&a.coach),
            meeting,
            json!({ "i": { "customerId": a.customers[0], "meetingType": "TRIPARTITE_DISCUSSION",
        "channel": "IN_PERSON", "startsAt": "2026-02-10T10:00:00Z", "language": "FI" } }),
        )
        .await,
    );
    let r = app.gql(Some(&a.coach), record, json!({ "i": input(a.samaria_id, 85) })).await;
    let grant = &data(&r)["recordEmploymentGrant"];
    let amounts: Vec<&str> =
        grant["schedule"].as_array().unwrap().iter().map(|p| p["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["219.35", "400.00", "400.00", "133.33"]);
    assert_eq!(grant["schedule"][0]["days"], 17);
    assert_eq!(grant["total"], "1152.68");
    assert_eq!(grant["discussions"].as_array().unwrap().len(), 1);
    let r = app
        .gql(
            Some(&a.coach),
            "query($c: ID!) { employmentGrants(customerId: $c) { monthlyAmount } }",
            json!({ "c": a.customers[0] }),
        )
        .await;
    assert_eq!(data(&r)["employmentGrants"], json!([{ "monthlyAmount": "400.00" }]));
}

/// A `graphql-transport-ws` client subscribed to referral events.
pub(crate) struct Listener {
    pub(crate) socket:
        tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Listener {
    pub(crate) async fn connect(addr: std::net::SocketAddr, token: &str) -> Listener {
        Listener::subscribe(addr, token, "subscription { referralEvents { referralId state } }").await
    }

    /// A client subscribed with `query`.
    pub(crate) async fn subscribe(addr: std::net::SocketAddr, token: &str, query: &str) -> Listener {
        use futures::SinkExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        use tokio_tungstenite::tungstenite::Message;
        let mut request = format!("ws://{addr}/graphql/ws").into_client_request().unwrap();
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let init =
            json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
        socket.send(Message::text(init.to_string())).await.unwrap();
        let mut listener = Listener { socket };
        assert_eq!(listener.next().await["type"], "connection_ack");
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
        listener.socket.send(Message::text(subscribe.to_string())).await.unwrap();
        listener
    }

    pub(crate) async fn next(&mut self) -> Value {
        use futures::StreamExt;
        loop {
            let message = self.socket.next().await.expect("socket open").unwrap();
            if let Ok(text) = message.to_text() {
                if !text.is_empty() {
                    return serde_json::from_str(text).unwrap();
                }
            }
        }
    }

    /// The next referral event: (referral id, state).
    pub(crate) async fn event(&mut self) -> (String, String) {
        let m = self.next().await;
        assert_eq!(m["type"], "next", "{m:#}");
        let e = &m["payload"]["data"]["referralEvents"];
        (e["referralId"].as_str().unwrap().to_string(), e["state"].as_str().unwrap().to_string())
    }
}

#[tokio::test]
async fn referral_events_reach_the_coach_and_the_partner_through_another_replica_and_no_one_else() {
    use polku_graphql::EventBus;
    let app = TestApp::spawn().await;
    let redis =
        redis::Client::open(std::env::var("REDIS_URL").expect("the test command provides Redis")).unwrap();
    let bus_a = polku_server::relay::through_redis(redis.clone(), &EventBus::in_process()).await.unwrap();
    let bus_b = polku_server::relay::through_redis(redis, &EventBus::in_process()).await.unwrap();
    let a_gateway = app.replica_with(|s| s.with_event_bus(bus_a));
    let b_gateway = app.replica_with({
        let bus = bus_b.clone();
        |s| s.with_event_bus(bus)
    });
    let b = b_gateway.serve().await;
    let area = area(&app).await;
    let service = service(&app, &area, 5).await;
    let other_coach = token_for("coach-porvoo-2", "porvoo", &[Role::Coach, Role::Manager]);

    // Everyone listens on replica B; the changes are made on replica A.
    let mut coach = Listener::connect(b, &area.coach).await;
    let mut samaria = Listener::connect(b, &area.samaria).await;
    let mut stranger = Listener::connect(b, &other_coach).await;
    // The subscriptions are in place once B's bus has their receivers.
    let ready = async {
        while bus_b.subscribers() < 3 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), ready).await.expect("subscriptions registered");

    let r = a_gateway.gql(Some(&area.coach), REFER, json!({ "c": area.customers[0], "s": service })).await;
    let id = data(&r)["referCustomer"]["id"].as_str().unwrap().to_string();
    // Making a proposal is no transition: nothing is published until it is sent.
    data(&a_gateway.gql(Some(&area.coach), &transition("sendReferral"), json!({ "id": id })).await);
    assert_eq!(coach.event().await, (id.clone(), "SENT".into()));
    assert_eq!(samaria.event().await, (id.clone(), "SENT".into()));
    data(&a_gateway.gql(Some(&area.samaria), &transition("acceptReferral"), json!({ "id": id })).await);
    assert_eq!(coach.event().await, (id.clone(), "ACCEPTED".into()));
    assert_eq!(samaria.event().await, (id.clone(), "ACCEPTED".into()));

    // Another coach heard none of it: the first event it gets is of its own referral.
    let r = a_gateway.gql(Some(&other_coach), REFER, json!({ "c": area.customers[1], "s": service })).await;
    let own = data(&r)["referCustomer"]["id"].as_str().unwrap().to_string();
    data(&a_gateway.gql(Some(&other_coach), &transition("sendReferral"), json!({ "id": own })).await);
    assert_eq!(stranger.event().await, (own, "SENT".into()));
}

#[tokio::test]
async fn a_partners_list_of_referrals_is_a_constant_number_of_statements() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let service = service(&app, &a, 50).await;
    let list = "{ referrals(states: [ACCEPTED, QUEUED, STARTED]) { id state serviceName customer { name serviceLanguage phone email } } }";
    let mut counts = Vec::new();
    for n in [2, 16] {
        let already =
            data(&app.gql(Some(&a.samaria), list, json!({})).await)["referrals"].as_array().unwrap().len();
        accepted(&app, &a, &service, n).await;
        let before = app.store.statement_count();
        let r = app.gql(Some(&a.samaria), list, json!({})).await;
        assert_eq!(data(&r)["referrals"].as_array().unwrap().len(), already + n);
        counts.push(app.store.statement_count() - before);
    }
    assert_eq!(counts[0], counts[1], "statements grew with the list: {counts:?}");
}
