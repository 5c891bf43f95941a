//! The gateway's resident memory, read from its own process
//! (`/proc/<pid>/status`: `VmRSS`, and the peak `VmHWM`): the release
//! `polku serve` runs as a process of its own over the compare bench's
//! database (20,000 customers in one area).
//!
//! 1. Open idle connections: 1,000 HTTP/1.1 keep-alive connections, each
//!    having made one catalogue request, then 1,000 WebSockets, each
//!    initialised and holding one subscription (a caller each).
//! 2. A long run: wrk with 32 connections sending catalogue and caseload
//!    pages in turn for `POLKU_BENCH_MINUTES` minutes (default 10), the
//!    memory read at the start and after every minute.
//!
//! Prints figures; asserts nothing. Run with `cargo xtask bench memory`.
//! `POLKU_BENCH_IDLE` changes the number of idle connections (default 1000).

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use polku_domain::Role;
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[path = "compare/rig.rs"]
mod rig;
#[path = "support.rs"]
mod support;

use rig::{body, env_or, Rig, Server};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let idle = env_or("POLKU_BENCH_IDLE", 1000usize);
    let minutes = env_or("POLKU_BENCH_MINUTES", 10u64);
    let connections = env_or("POLKU_BENCH_CONNECTIONS", 32usize);
    rig::ensure_wrk()?;
    let rig = Rig::create("memory").await?;
    let catalogue = body(rig::CATALOGUE, json!({}));
    let caseload = body(rig::CASELOAD, json!({}));

    // Production's background jobs stay on (the figures every minute).
    let jobs = [("POLKU_FIGURES_REFRESH_SECONDS", "60"), ("POLKU_RETENTION_SECONDS", "3600")];

    println!("\n1. idle connections (the goal: under 150 MB resident)");
    let polku = Server::polku(&rig, &jobs).await?;
    let url = format!("{}/graphql", polku.base);
    // A few requests of each shape first, so the pool and caches are as
    // a serving gateway has them.
    rig::wrk(&url, &rig.token, &[catalogue.clone(), caseload.clone()], 4, 1, 2)?;
    report(&polku, "after a few requests");

    let started = Instant::now();
    let clients = http_idle(&url, &rig.token, &catalogue, idle).await;
    let opened = clients.iter().filter(|c| c.is_ok()).count();
    if let Some(Err(e)) = clients.iter().find(|c| c.is_err()) {
        println!("  {} of {idle} connections failed; the first: {e:#}", idle - opened);
    }
    settle().await;
    report(
        &polku,
        &format!("{opened} idle HTTP connections open (opened in {:.1} s)", started.elapsed().as_secs_f64()),
    );

    let started = Instant::now();
    let sockets = websockets(&polku.base, idle).await;
    let subscribed = sockets.iter().filter(|s| s.is_ok()).count();
    if let Some(Err(e)) = sockets.iter().find(|s| s.is_err()) {
        println!("  {} of {idle} WebSockets failed; the first: {e:#}", idle - subscribed);
    }
    settle().await;
    let subscriptions = polku.counter("polku_subscriptions", "").await?;
    report(
        &polku,
        &format!(
            "and {subscribed} WebSockets, {subscriptions} subscriptions (opened in {:.1} s)",
            started.elapsed().as_secs_f64()
        ),
    );
    drop(sockets);
    drop(clients);
    settle().await;
    report(&polku, "all closed again");
    drop(polku);

    println!(
        "\n2. {minutes} minutes of catalogue and caseload pages in turn, wrk {connections} connections \
         (the goal: flat)"
    );
    let polku = Server::polku(&rig, &jobs).await?;
    let url = format!("{}/graphql", polku.base);
    let (start, _) = polku.memory();
    report(&polku, "start");
    let bodies = [catalogue, caseload];
    for minute in 1..=minutes {
        let load = rig::wrk(&url, &rig.token, &bodies, connections, 2, 60)?;
        report(&polku, &format!("minute {minute:>2}: {load}"));
    }
    let (end, hwm) = polku.memory();
    println!(
        "  start to end: VmRSS {start:.1} → {end:.1} MiB ({:+.1} MiB), peak VmHWM {hwm:.1} MiB",
        end - start
    );
    drop(polku);
    rig.drop().await
}

/// Prints the gateway's memory and open descriptors.
fn report(polku: &Server, when: &str) {
    let (rss, hwm) = polku.memory();
    let fds = std::fs::read_dir(format!("/proc/{}/fd", polku.pid())).map_or(0, Iterator::count);
    println!("  VmRSS {rss:>6.1} MiB  VmHWM {hwm:>6.1} MiB  {fds:>5} open descriptors  {when}");
}

/// A moment for the gateway to finish with what was just sent, before its
/// memory is read. Not a measurement of time.
async fn settle() {
    tokio::time::sleep(Duration::from_secs(2)).await;
}

/// `n` HTTP/1.1 connections, each made by a client of its own for one
/// catalogue request and kept open, idle, in that client's pool.
async fn http_idle(url: &str, token: &str, body: &str, n: usize) -> Vec<anyhow::Result<reqwest::Client>> {
    futures::stream::iter(0..n)
        .map(|_| async move {
            let client = reqwest::Client::builder().pool_idle_timeout(None).http1_only().build()?;
            support::ask(&client, url, token, body.to_string()).await?;
            Ok(client)
        })
        .buffer_unordered(32)
        .collect()
        .await
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// `n` WebSockets, each of its own caller (a connection cap applies per
/// caller), initialised and subscribed to the area's referral events.
async fn websockets(base: &str, n: usize) -> Vec<anyhow::Result<Socket>> {
    let url = format!("{}/graphql/ws", base.replace("http://", "ws://"));
    futures::stream::iter(0..n)
        .map(|i| {
            let url = url.clone();
            async move {
                let token = support::token(&format!("bench-ws-{i}"), "porvoo", &[Role::Coach])?;
                let mut request = url.into_client_request()?;
                request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
                let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
                let init = json!({ "type": "connection_init",
                    "payload": { "authorization": format!("Bearer {token}") } });
                socket.send(Message::text(init.to_string())).await?;
                let ack = socket.next().await.ok_or_else(|| anyhow::anyhow!("closed before the ack"))??;
                anyhow::ensure!(ack.to_text().is_ok_and(|t| t.contains("connection_ack")), "{ack}");
                let subscribe = json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": "subscription { referralEvents { referralId state } }" } });
                socket.send(Message::text(subscribe.to_string())).await?;
                Ok(socket)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await
}
