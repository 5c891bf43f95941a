//! Catalogue throughput: requests per second of a catalogue query under
//! concurrency, against the real gateway on a loopback socket and real
//! PostgreSQL as the application role. Prints figures; asserts nothing about
//! time. Run with `cargo xtask bench catalogue` (which provides PostgreSQL), or
//! `cargo bench -p polku-tests --bench catalogue` with `DATABASE_URL` set to
//! a superuser URL.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::Duration;

use polku_domain::{Euros, Lang, LocalizedText, PartnerKind, Role, ServiceCategory, Slug};
use polku_store::partners::PartnerInput;
use polku_store::services::ServiceInput;
use polku_store::{Actor, Store};

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

    let url = support::serve(&store, &vault).await?;
    let token = support::token("bench", "lahti", &[Role::Coach])?;
    println!("catalogue benchmark: gateway at {url}, PostgreSQL as the application role, 2 cores shared by client and server");
    for (label, query) in [
        ("10 services", "{ services(first: 10) { totalCount edges { node { id name category capacity costPerPlaceMonth } } } }"),
        (
            "100 services with providers",
            "{ services(first: 100) { totalCount edges { node { id name category costPerPlaceMonth provider { name kind } } } } }",
        ),
    ] {
        for concurrency in [1, 8, 32] {
            support::measure(&url, &token, label, query, concurrency, Duration::from_secs(5)).await?;
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
