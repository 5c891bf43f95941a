//! Running several gateways: automatic persisted queries shared through
//! Redis.

use polku_domain::Role;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Connection;

use crate::harness::{data, error_code, TestApp};

#[tokio::test]
async fn persisted_queries_are_registered_once_and_known_to_every_replica() {
    let app = TestApp::spawn().await;
    let redis =
        redis::Client::open(std::env::var("REDIS_URL").expect("the test command provides Redis")).unwrap();
    let manager = redis::aio::ConnectionManager::new(redis).await.unwrap();
    let with_redis = |state: polku_server::AppState| {
        state.with_persisted_queries(polku_server::apq::QueryStore::with_redis(manager.clone()))
    };
    let (one, two) = (app.replica_with(with_redis), app.replica_with(with_redis));
    let token = app.token(Some("porvoo"), &[Role::Coach]);
    // A query of its own, so another test run's registration cannot answer it.
    let query = format!("{{ viewer {{ subject }} __typename }} # {}", uuid::Uuid::new_v4());
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });

    let r = one.post(Some(&token), Some("sv"), by_hash.clone()).await;
    assert_eq!(error_code(&r), Some("PERSISTED_QUERY_NOT_FOUND"), "{r:#}");
    let wrong = json!({ "query": "{ viewer { subject } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(error_code(&one.post(Some(&token), None, wrong).await), Some("BAD_REQUEST"));

    let register =
        json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(data(&one.post(Some(&token), None, register).await)["viewer"]["subject"], "test-user");
    // The other replica knows it by hash alone, through Redis.
    assert_eq!(data(&two.post(Some(&token), None, by_hash).await)["viewer"]["subject"], "test-user");
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_hold_no_personal_data() {
    let app = TestApp::spawn().await;
    let coach = crate::harness::token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let named = json!({ "query": "query CoachCaseload { caseload { customer { lastName } } }", "operationName": "CoachCaseload" });
    let r = app.post(Some(&coach), None, named.clone()).await;
    let names: Vec<String> = data(&r)["caseload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["customer"]["lastName"].as_str().unwrap().to_string())
        .collect();
    app.post(Some(&coach), None, named).await;
    app.post(
        Some(&coach),
        None,
        json!({ "query": "query Broken { nothingHere }", "operationName": "Broken" }),
    )
    .await;
    // A client cannot grow the label set with made-up names.
    app.post(Some(&coach), None, json!({ "query": "{ __typename }", "operationName": "not a name!" })).await;

    let (status, body) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("polku_graphql_requests_total{operation=\"CoachCaseload\",outcome=\"ok\"} 2"),
        "{body}"
    );
    assert!(
        body.contains("polku_graphql_requests_total{operation=\"Broken\",outcome=\"error\"} 1"),
        "{body}"
    );
    assert!(body.contains("polku_graphql_request_duration_seconds_bucket{operation=\"CoachCaseload\""));
    assert!(body.contains("polku_db_pool_connections{state=\"idle\"}"));
    assert!(body.contains("polku_subscriptions 0"));
    assert!(!body.contains("not a name"));
    // Whole words: a name like "Tran" is part of "Transfer" in a help text.
    let words: std::collections::HashSet<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
    for name in names {
        assert!(!words.contains(name.as_str()), "a customer's name in the metrics: {name}");
    }
}

#[tokio::test]
async fn on_shutdown_an_open_request_finishes_and_websockets_get_a_close_frame() {
    use futures::StreamExt;
    use sqlx::PgConnection;
    use tokio_tungstenite::tungstenite::Message;

    use crate::referrals::{accepted, area, service, transition, Listener};

    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let service_id = service(&app, &a, 5).await;
    let referral = accepted(&app, &a, &service_id, 1).await.remove(0);

    let state = app.new_state();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(polku_server::serve_until(
        listener,
        state,
        async move {
            let _ = stopped.await;
        },
        std::time::Duration::from_secs(120),
    ));
    let mut socket = Listener::connect(addr, &a.coach).await;

    // A slow request: starting the referral waits for the service's place
    // lock, which the test holds.
    let mut holder = PgConnection::connect(&app.superuser_url).await.unwrap();
    let mut lock = holder.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('polku.service.' || $1::text, 0))")
        .bind(service_id.as_str().unwrap())
        .execute(&mut *lock)
        .await
        .unwrap();
    let slow = tokio::spawn({
        let (url, token, query) =
            (format!("http://{addr}/graphql"), a.samaria.clone(), transition("startReferral"));
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": { "id": referral } }))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    });
    let mut watcher = PgConnection::connect(&app.superuser_url).await.unwrap();
    loop {
        let waiting: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                .fetch_one(&mut watcher)
                .await
                .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }

    // SIGTERM, as far as the gateway is concerned.
    stop.send(()).unwrap();
    let close = loop {
        match socket.socket.next().await {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.map(|f| u16::from(f.code)), Some(1001));

    // The open request still finishes, and commits.
    lock.rollback().await.unwrap();
    let r = slow.await.unwrap();
    assert_eq!(data(&r)["startReferral"]["state"], "STARTED");
    assert!(server.await.unwrap().unwrap(), "drained within the grace period");
}

/// A private PostgreSQL cluster that the test may stop and start; stopped
/// for good when dropped.
struct OwnCluster(std::sync::Arc<polku_devenv::PgCluster>);

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.0.stop();
        let _ = std::fs::remove_dir_all(self.0.data_dir.parent().unwrap());
    }
}

#[tokio::test]
async fn the_gateway_survives_a_database_restart_without_losing_a_committed_write() {
    use polku_store::{admin, PoolConfig};

    use crate::harness::{token_for, APP_PASSWORD, OWNER_PASSWORD};

    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fault-pg-{}", uuid::Uuid::new_v4()));
    let cluster = tokio::task::spawn_blocking(move || polku_devenv::PgCluster::start(&dir, None))
        .await
        .unwrap()
        .unwrap();
    let cluster = OwnCluster(std::sync::Arc::new(cluster));
    let superuser = cluster.0.superuser_url("polku");
    admin::bootstrap_owner(&cluster.0.superuser_url("postgres"), "polku", OWNER_PASSWORD).await.unwrap();
    let owner = admin::with_user(&superuser, admin::DEV_OWNER_ROLE, OWNER_PASSWORD).unwrap();
    admin::migrate(&owner).await.unwrap();
    admin::enable_app_login(&owner, APP_PASSWORD).await.unwrap();
    let pool = PoolConfig {
        max_connections: 4,
        acquire_timeout: std::time::Duration::from_secs(2),
        ..PoolConfig::default()
    };
    let app = TestApp::for_database(admin::app_url(&owner, APP_PASSWORD).unwrap(), superuser, pool);
    polku_server::seed::seed_demo(
        &app.store,
        &crate::harness::vault(),
        &std::sync::Arc::new(polku_i18n::Localizer::new()),
    )
    .await
    .unwrap();
    let app = std::sync::Arc::new(app);
    let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
    let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
    let customer = data(&r)["caseload"][0]["customer"]["id"].clone();
    let set_phone =
        "mutation($c: ID!, $p: String) { updateCustomer(id: $c, input: { phone: $p }) { phone } }";
    let write = |phone: String| {
        let (app, coach, customer) = (app.clone(), coach.clone(), customer.clone());
        async move { app.gql(Some(&coach), set_phone, json!({ "c": customer, "p": phone })).await }
    };
    assert_eq!(data(&write("0401".into()).await)["updateCustomer"]["phone"], "0401");

    // Readers keep asking throughout; every answer is data or UNAVAILABLE.
    let stop_reading = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = tokio::spawn({
        let (app, coach, stop) = (app.clone(), coach.clone(), stop_reading.clone());
        async move {
            let mut outcomes = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
                outcomes.push(error_code(&r).map(str::to_string));
                tokio::task::yield_now().await;
            }
            outcomes
        }
    });

    let stopper = cluster.0.clone();
    tokio::task::spawn_blocking(move || stopper.stop()).await.unwrap().unwrap();
    let (status, _) = app.get("/readyz").await;
    assert_eq!(status, 503, "not ready without the database");
    let refused = write("0402".into()).await;
    assert_eq!(error_code(&refused), Some("UNAVAILABLE"), "{refused:#}");

    let starter = cluster.0.clone();
    tokio::task::spawn_blocking(move || starter.restart_stopped()).await.unwrap().unwrap();
    // Recovery without restarting the gateway.
    let recovered = async {
        while app.get("/readyz").await.0 != 200 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), recovered).await.expect("ready again");
    let r = app
        .gql(Some(&coach), "query($c: ID!) { customer(id: $c) { phone } }", json!({ "c": customer }))
        .await;
    assert_eq!(
        data(&r)["customer"]["phone"],
        "0401",
        "the committed write stands; the refused one left nothing"
    );
    assert_eq!(data(&write("0403".into()).await)["updateCustomer"]["phone"], "0403");

    stop_reading.store(true, std::sync::atomic::Ordering::Relaxed);
    let outcomes = reader.await.unwrap();
    assert!(outcomes.iter().all(|o| o.is_none() || o.as_deref() == Some("UNAVAILABLE")), "{outcomes:?}");
    assert!(outcomes.iter().any(Option::is_none), "reads succeeded around the outage");
}

struct OwnRedis(std::sync::Arc<polku_devenv::RedisServer>);

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

#[tokio::test]
async fn without_redis_queries_go_on_with_local_limits_queries_and_events_and_recover() {
    use polku_graphql::EventBus;
    use polku_server::ratelimit::{Rate, RateLimiter};
    use redis::AsyncCommands;

    use crate::referrals::{area, service, transition, Listener};

    let app = TestApp::spawn().await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fault-redis-{}", uuid::Uuid::new_v4()));
    let server =
        tokio::task::spawn_blocking(move || polku_devenv::RedisServer::start(&dir)).await.unwrap().unwrap();
    let server = OwnRedis(std::sync::Arc::new(server));
    let client = redis::Client::open(server.0.url()).unwrap();
    let redis = polku_server::redis_connection(&client).await.unwrap();
    let bus = polku_server::relay::through_redis(client.clone(), &EventBus::in_process()).await.unwrap();
    let gateway = app.replica_with(|s| {
        s.with_rate_limiter(RateLimiter::with_redis(Rate { per_second: 100.0, burst: 100.0 }, redis.clone()))
            .with_persisted_queries(polku_server::apq::QueryStore::with_redis(redis.clone()))
            .with_event_bus(bus.clone())
            .with_redis(redis.clone())
    });
    let addr = gateway.serve().await;
    let a = area(&app).await;
    let service_id = service(&app, &a, 5).await;
    let mut coach_events = Listener::connect(addr, &a.coach).await;
    let ready = async {
        while bus.subscribers() < 1 {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), ready).await.unwrap();
    let (_, metrics) = gateway.get("/metrics").await;
    assert!(metrics.contains("polku_redis_up 1"), "{metrics}");

    let stopper = server.0.clone();
    tokio::task::spawn_blocking(move || stopper.stop()).await.unwrap().unwrap();
    let fallbacks = polku_server::metrics::RELAY_FALLBACKS.get();

    // Queries, persisted queries and referral events carry on.
    let query = format!("{{ viewer {{ subject }} }} # {}", uuid::Uuid::new_v4());
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let register =
        json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(
        data(&gateway.post(Some(&a.coach), None, register.clone()).await)["viewer"]["subject"],
        "coach-porvoo"
    );
    let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(data(&gateway.post(Some(&a.coach), None, by_hash).await)["viewer"]["subject"], "coach-porvoo");
    let r = gateway
        .gql(Some(&a.coach), "mutation($c: ID!, $s: ID!) { referCustomer(customerId: $c, serviceId: $s) { id } }", json!({
            "c": data(&app.gql(Some(&a.coach), "{ caseload { customer { id } } }", json!({})).await)["caseload"][0]["customer"]["id"],
            "s": service_id }))
        .await;
    let referral = data(&r)["referCustomer"]["id"].as_str().unwrap().to_string();
    data(&gateway.gql(Some(&a.coach), &transition("sendReferral"), json!({ "id": referral })).await);
    assert_eq!(coach_events.event().await, (referral.clone(), "SENT".into()));
    assert!(polku_server::metrics::RELAY_FALLBACKS.get() > fallbacks, "the fallback is counted");
    let (_, metrics) = gateway.get("/metrics").await;
    assert!(metrics.contains("polku_redis_up 0"), "{metrics}");

    // Redis returns: used again without restarting the gateway.
    let starter = server.0.clone();
    tokio::task::spawn_blocking(move || starter.restart_stopped()).await.unwrap().unwrap();
    let mut direct = polku_server::redis_connection(&client).await.unwrap();
    let recovered = async {
        loop {
            gateway.post(Some(&a.coach), None, register.clone()).await;
            let stored: Option<String> = direct.get(format!("polku:apq:{hash}")).await.unwrap_or(None);
            if stored.is_some() {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), recovered)
        .await
        .expect("persisted queries reach Redis again");
    let (_, metrics) = gateway.get("/metrics").await;
    assert!(metrics.contains("polku_redis_up 1"), "{metrics}");
}

#[tokio::test]
async fn identity_codes_are_re_encrypted_under_a_new_key() {
    use polku_store::pii::HetuVault;

    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let r = app.gql(Some(&manager), "{ customers(first: 1) { edges { node { id } } } }", json!({})).await;
    let customer = data(&r)["customers"]["edges"][0]["node"]["id"].clone();
    let reveal = "mutation($id: ID!) { revealIdentityCode(customerId: $id) }";
    let before =
        data(&app.gql(Some(&manager), reveal, json!({ "id": customer })).await)["revealIdentityCode"].clone();

    let new = HetuVault::from_base64(&HetuVault::generate_key(), 2).unwrap();
    let actor = polku_store::Actor::system(
        Some(polku_domain::Slug::parse("porvoo").unwrap()),
        vec![Role::TenantAdmin],
    );
    let mut total = 0;
    loop {
        let mut tx = app.store.begin(&actor).await.unwrap();
        let n =
            polku_store::customers::rekey_batch(&mut tx, &crate::harness::vault(), &new, 7).await.unwrap();
        tx.commit().await.unwrap();
        total += n;
        if n == 0 {
            break;
        }
    }
    assert!(total > 7, "in batches: {total}");

    let rotated = app.replica_with(|s| s.with_vault(new));
    let after = data(&rotated.gql(Some(&manager), reveal, json!({ "id": customer })).await)
        ["revealIdentityCode"]
        .clone();
    assert_eq!(before, after);
    let mut superuser = sqlx::PgConnection::connect(&app.superuser_url).await.unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM customers JOIN tenants USING (tenant_id) WHERE slug = 'porvoo' AND key_version = 1",
    )
    .fetch_one(&mut superuser)
    .await
    .unwrap();
    assert_eq!(left, 0);
}
