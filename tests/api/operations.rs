//! Running several gateways: automatic persisted queries shared through
//! Redis.

use polku_domain::Role;
use serde_json::json;
use sha2::{Digest, Sha256};

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
    for name in names {
        assert!(!body.contains(&name), "a customer's name in the metrics");
    }
}

#[tokio::test]
async fn on_shutdown_an_open_request_finishes_and_websockets_get_a_close_frame() {
    use futures::StreamExt;
    use sqlx::{Connection, PgConnection};
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
