//! The body limit under load: the real gateway on a loopback socket, 50
//! clients at once each sending a GraphQL request of exactly the body limit
//! (4 MiB by default), then clients over it, declared and chunked. Prints the
//! statuses and the process's resident memory (`VmRSS`, and the peak
//! `VmHWM`) before and after each round. The clients share one copy of the
//! body, so the memory is the gateway's. Asserts nothing about time. Run with
//! `cargo xtask bench limits`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Bytes;
use polku_server::http::EdgeLimits;
use polku_store::{PoolConfig, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "support.rs"]
mod support;

const CLIENTS: usize = 50;
const OVER: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    // The requests run `{ __typename }` without a token: no database work,
    // so the store is never reached.
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://nobody@127.0.0.1:1/none".into());
    let store = Store::connect_lazy(&url, &PoolConfig::default())?;
    let vault = polku_store::pii::HetuVault::from_base64(&polku_store::pii::HetuVault::generate_key(), 1)?;
    let edge = EdgeLimits::default();
    let base = support::serve_with(&store, &vault, |s| s.with_edge_limits(edge)).await?;
    let addr = base.trim_start_matches("http://").trim_end_matches("/graphql").to_string();
    let limit = edge.body_bytes;
    println!(
        "body limit {} bytes, {CLIENTS} clients at the limit, {OVER} over it declared, {OVER} chunked",
        limit
    );

    memory("before");
    support::reset_peak_memory();
    let exact = Bytes::from(request_of(limit));
    let started = Instant::now();
    let statuses = round(CLIENTS, |_| post(addr.clone(), exact.clone(), exact.len())).await;
    println!("{CLIENTS} at exactly the limit: {statuses:?} in {:.2} s", started.elapsed().as_secs_f64());
    memory("after the round at the limit");

    support::reset_peak_memory();
    let over = Bytes::from(request_of(limit + 1));
    let started = Instant::now();
    let statuses = round(OVER, |_| post(addr.clone(), over.clone(), over.len())).await;
    println!("{OVER} declared 1 byte over: {statuses:?} in {:.2} s", started.elapsed().as_secs_f64());
    let statuses = round(OVER, |_| chunked(addr.clone(), 4 * limit)).await;
    println!("{OVER} chunked, 4× the limit: {statuses:?} in {:.2} s", started.elapsed().as_secs_f64());
    memory("after the rounds over the limit");
    Ok(())
}

/// A JSON GraphQL request of exactly `size` bytes.
fn request_of(size: usize) -> Vec<u8> {
    let head = br#"{"query":"{ __typename }","variables":{"pad":""#;
    let tail = br#""}}"#;
    let mut body = head.to_vec();
    body.resize(size - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

async fn round<F, Fut>(n: usize, client: F) -> BTreeMap<String, usize>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = String> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(client(i))).collect();
    let mut statuses = BTreeMap::new();
    for task in tasks {
        *statuses.entry(task.await.unwrap_or_else(|e| format!("panicked: {e}"))).or_default() += 1;
    }
    statuses
}

/// POSTs `body` with a `Content-Length` of `length`; the response's status.
async fn post(addr: String, body: Bytes, length: usize) -> String {
    let Ok(mut stream) = TcpStream::connect(&addr).await else { return "connect failed".into() };
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    );
    let (mut reader, mut writer) = stream.split();
    let write = async {
        // The gateway may answer and close before the body is through.
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(&body).await;
    };
    let (_, status) = tokio::join!(write, status(&mut reader));
    status
}

/// POSTs `total` bytes in 64 KiB chunks without a length.
async fn chunked(addr: String, total: usize) -> String {
    let Ok(mut stream) = TcpStream::connect(&addr).await else { return "connect failed".into() };
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    let chunk = vec![b' '; 64 * 1024];
    let (mut reader, mut writer) = stream.split();
    let write = async {
        if writer.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..total / chunk.len() {
            let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if writer.write_all(&frame).await.is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n").await;
    };
    let (_, status) = tokio::join!(write, status(&mut reader));
    status
}

/// The status code of the response on `reader`.
async fn status(reader: &mut (impl AsyncReadExt + Unpin)) -> String {
    let mut response = Vec::new();
    let _ = reader.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).split_whitespace().nth(1).unwrap_or("no answer").to_string()
}

fn memory(when: &str) {
    let field = |name: &str| {
        support::status_mib("self", name).map_or_else(|| "?".to_string(), |mib| format!("{mib:.1} MiB"))
    };
    println!("memory {when}: VmRSS {}, peak VmHWM {}", field("VmRSS:"), field("VmHWM:"));
}
