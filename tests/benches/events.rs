//! Live-update latency: the time from a referral state change requested on
//! one gateway to its subscription event arriving at a second gateway
//! through Redis pub/sub, and what share of it the mutation itself takes.
//! Prints figures; asserts nothing about time. Run with
//! `cargo xtask bench events` (which provides PostgreSQL and Redis).

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use polku_domain::Role;
use polku_graphql::EventBus;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[path = "support.rs"]
mod support;

const REFERRALS: usize = 300;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("events", 8).await?;
    let redis = redis::Client::open(std::env::var("REDIS_URL")?)?;
    let bus_a = polku_server::relay::through_redis(redis.clone(), &EventBus::in_process()).await?;
    let bus_b = polku_server::relay::through_redis(redis, &EventBus::in_process()).await?;
    let a = support::serve_with(&db.store, &db.vault, |s| s.with_event_bus(bus_a)).await?;
    let b = support::serve_with(&db.store, &db.vault, |s| s.with_event_bus(bus_b.clone())).await?;
    let admin = support::token("bench-admin", "porvoo", &[Role::TenantAdmin, Role::Coach])?;
    let client = reqwest::Client::new();
    let gql = |url: String, query: &'static str, variables: Value| {
        let (client, admin) = (client.clone(), admin.clone());
        async move {
            let body: Value = client
                .post(url)
                .bearer_auth(admin)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await?
                .json()
                .await?;
            anyhow::ensure!(body["errors"].is_null(), "{body}");
            Ok::<Value, anyhow::Error>(body["data"].clone())
        }
    };

    let services = gql(a.clone(), "{ services(first: 1) { edges { node { id } } } }", json!({})).await?;
    let service = services["services"]["edges"][0]["node"]["id"].clone();
    let customers = gql(a.clone(), "{ customers(first: 100) { edges { node { id } } } }", json!({})).await?;
    let customers: Vec<Value> = customers["customers"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"]["id"].clone())
        .collect();
    let mut ids = Vec::new();
    for i in 0..REFERRALS {
        let r = gql(
            a.clone(),
            "mutation($c: ID!, $s: ID!) { referCustomer(customerId: $c, serviceId: $s) { id } }",
            json!({ "c": customers[i % customers.len()], "s": service }),
        )
        .await?;
        ids.push(r["referCustomer"]["id"].clone());
    }

    // The coach who made them listens on gateway B.
    let ws_url = b.replace("http://", "ws://") + "/ws";
    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init =
        json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {admin}") } });
    socket.send(Message::text(init.to_string())).await?;
    socket.next().await;
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { referralEvents { referralId state } }" } });
    socket.send(Message::text(subscribe.to_string())).await?;
    while bus_b.subscribers() < 1 {
        tokio::task::yield_now().await;
    }

    let (mut total, mut mutation) = (Vec::new(), Vec::new());
    for id in &ids {
        let t0 = Instant::now();
        gql(a.clone(), "mutation($id: ID!) { sendReferral(id: $id) { id } }", json!({ "id": id })).await?;
        mutation.push(t0.elapsed());
        loop {
            let message = socket.next().await.ok_or_else(|| anyhow::anyhow!("socket closed"))??;
            if message.to_text().is_ok_and(|t| t.contains(id.as_str().unwrap_or_default())) {
                break;
            }
        }
        total.push(t0.elapsed());
    }
    let pct = |v: &mut Vec<Duration>, p: f64| {
        v.sort();
        support::percentile(v, p).unwrap().as_secs_f64() * 1000.0
    };
    println!(
        "referral events, gateway A → Redis → gateway B → WebSocket, {REFERRALS} changes one at a time:\n  \
         change to event: p50 {:.2} ms  p99 {:.2} ms\n  the mutation's own response on A: p50 {:.2} ms  p99 {:.2} ms",
        pct(&mut total, 0.5),
        pct(&mut total, 0.99),
        pct(&mut mutation, 0.5),
        pct(&mut mutation, 0.99),
    );
    db.drop().await
}
