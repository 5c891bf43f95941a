//! Catalogue throughput: requests per second of a catalogue query under
//! concurrency, against the real gateway on a loopback socket and real
//! PostgreSQL as the application role. Prints figures; asserts nothing about
//! time. Run with `cargo xtask bench catalogue` (which provides PostgreSQL), or
//! `cargo bench -p polku-tests --bench catalogue` with `DATABASE_URL` set to
//! a superuser URL.

use std::time::{Duration, Instant};

use polku_domain::{Euros, Lang, LocalizedText, PartnerKind, Role, ServiceCategory, Slug};
use polku_server::auth::{dev_claims, mint_hs256, Verifier};
use polku_server::AppState;
use polku_store::partners::PartnerInput;
use polku_store::services::ServiceInput;
use polku_store::{Actor, Store};
use serde_json::json;

const SECRET: &[u8] = b"polku-bench-secret";

#[path = "support.rs"]
mod support;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("catalogue", 16).await?;
    let (store, vault) = (db.store.clone(), db.vault.clone());
    add_services(&store, 100).await?;

    let verifier = Verifier::new(Some(SECRET), None, None, None)?;
    let state = AppState::new(store.clone(), verifier, polku_graphql::Limits::default(), vault);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, polku_server::router(state)).await });

    let token = mint_hs256(SECRET, &dev_claims("bench", Some("lahti"), &[Role::Coach], None, None, None, 1))?;
    let url = format!("http://{addr}/graphql");
    println!("catalogue benchmark: gateway on {addr}, PostgreSQL as the application role, 2 cores shared by client and server");
    for (label, query) in [
        ("10 services", "{ services(first: 10) { totalCount edges { node { id name category capacity costPerPlaceMonth } } } }"),
        (
            "100 services with providers",
            "{ services(first: 100) { totalCount edges { node { id name category costPerPlaceMonth provider { name kind } } } } }",
        ),
    ] {
        for concurrency in [1, 8, 32] {
            run(&url, &token, label, query, concurrency, Duration::from_secs(5)).await?;
        }
    }
    db.drop().await
}

/// Adds `n` services to Lahti, spread over ten providers, so one page of 100
/// services needs ten distinct partners (the DataLoader's batch).
async fn add_services(store: &Store, n: usize) -> anyhow::Result<()> {
    let actor = Actor::system(Some(Slug::parse("lahti")?), vec![Role::TenantAdmin]);
    let mut tx = store.begin(&actor).await?;
    let mut providers = Vec::new();
    for i in 0..10 {
        let p = polku_store::partners::create(
            &mut tx,
            PartnerInput {
                name: format!("Provider {i}"),
                kind: PartnerKind::ThirdSector,
                business_id: None,
                languages: vec![Lang::Fi],
                contact_name: None,
                contact_email: None,
                contact_phone: None,
                website: None,
            },
        )
        .await?;
        providers.push(p.id);
    }
    for i in 0..n {
        polku_store::services::create(
            &mut tx,
            ServiceInput {
                names: LocalizedText([(Lang::Fi, format!("Paja {i}"))].into_iter().collect()),
                descriptions: LocalizedText::default(),
                eligibility: LocalizedText::default(),
                category: ServiceCategory::Workshop,
                provider_id: Some(providers[i % providers.len()]),
                languages: vec![Lang::Fi],
                capacity: Some(10),
                cost_per_place_month: Euros::from_cents(95_000),
                active_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
                active_until: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn run(
    url: &str,
    token: &str,
    label: &str,
    query: &str,
    concurrency: usize,
    length: Duration,
) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let body = json!({ "query": query }).to_string();
    // Warm up connections and caches.
    for _ in 0..20 {
        client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
    }
    let start = Instant::now();
    let deadline = start + length;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, token, body) = (client.clone(), url.to_string(), token.to_string(), body.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let text = r.text().await.unwrap_or_default();
                        if text.contains("\"errors\"") {
                            errors += 1;
                        }
                    }
                    _ => errors += 1,
                }
                latencies.push(t.elapsed());
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0
    };
    println!(
        "{label:<28} concurrency {concurrency:>2}: {:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {errors} errors)",
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        latencies.len()
    );
    Ok(())
}
