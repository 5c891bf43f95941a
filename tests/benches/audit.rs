//! What the audit guarantee costs. Every read of customer data writes its
//! audit rows in the request's transaction, and `Tx::commit` first asks the
//! database whether that transaction is still good (one `SELECT 1`), so a
//! response never carries data whose audit rows did not commit. This prices
//! that check: the same work (a page of 20 customers read and audited, then
//! committed) with the check as served, and with the check done twice; the
//! difference is what one check costs. Prints figures; asserts nothing about
//! time. Run with `cargo xtask bench audit`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use polku_domain::{Role, Slug};
use polku_store::customers::{self, CustomerFilter};
use polku_store::{Actor, PageRequest, Store};

#[path = "support.rs"]
mod support;

const CONCURRENCY: usize = 8;
const RUN: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("audit", 16).await?;
    let store = db.store.clone();
    println!(
        "audit benchmark: {CONCURRENCY} concurrent transactions for {}s each, PostgreSQL as the application role",
        RUN.as_secs()
    );
    // Interleaved, twice each, so drift on a shared machine shows.
    for round in 1..=2 {
        for (label, extra_checks) in [("as served (one check)", 0), ("check done twice", 1)] {
            let (tps, statements) = run(&store, extra_checks).await?;
            println!("round {round}: {label:<24} {tps:>8.0} transactions/s, {statements:.1} statements each");
        }
    }
    db.drop().await
}

/// Transactions per second, and statements per transaction.
async fn run(store: &Store, extra_checks: usize) -> anyhow::Result<(f64, f64)> {
    let actor = Arc::new(Actor::request(
        "bench-coach".into(),
        vec![Role::Coach, Role::Manager],
        Some(Slug::parse("porvoo")?),
        None,
        None,
    ));
    let before = store.statement_count();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (store, actor) = (store.clone(), actor.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let mut tx = store.begin(&actor).await?;
                let page = customers::list(
                    &mut tx,
                    &CustomerFilter::default(),
                    PageRequest { first: 20, after: None, with_total: false },
                )
                .await?;
                anyhow::ensure!(!page.items.is_empty(), "no customers to read");
                for _ in 0..extra_checks {
                    tx.check().await?;
                }
                tx.commit().await?;
                done += 1;
            }
            Ok::<u64, anyhow::Error>(done)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    // The checks run on the raw connection and are not counted by
    // `statement_count`; add them.
    let statements = (store.statement_count() - before) as f64 / total as f64 + 1.0 + extra_checks as f64;
    Ok((total as f64 / secs, statements))
}
