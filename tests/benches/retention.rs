//! The retention run at national scale: areas generated with two years of
//! history, then `POLKU_RETENTION_CUSTOMERS` of their customers (100,000 by
//! default) made to have left six years ago, with every referral, period and
//! grant of theirs ended; then a dry run and a real run of every area, with
//! their times and the process's peak memory. Prints figures; asserts
//! nothing about time. Run with `cargo xtask bench retention`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::Instant;

use polku_domain::retention::RetentionRules;
use polku_store::generate::{national, Scale};
use polku_store::retention::{run, RunOptions};

#[path = "support.rs"]
mod support;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let expired: i64 =
        std::env::var("POLKU_RETENTION_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let db = support::BenchDb::create(&format!("retention_{expired}"), 8).await?;
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    // Half again as many customers as are to expire, so the run also has
    // customers to keep and skip.
    let scale = Scale { seed: 2026, customers: expired * 3 / 2, areas: 45, today };
    let made = national(&db.store, &scale, &mut |_| {}).await?;
    let mut su = db.superuser().await?;
    // The first `expired` customers by id leave six years ago, with
    // everything of theirs over.
    sqlx::query(
        "CREATE TEMP TABLE leaving AS SELECT tenant_id, customer_id FROM customers ORDER BY customer_id LIMIT $1",
    )
    .bind(expired)
    .execute(&mut su)
    .await?;
    for statement in [
        "UPDATE customers c SET status = 'closed' FROM leaving l WHERE (c.tenant_id, c.customer_id) = (l.tenant_id, l.customer_id)",
        "UPDATE customer_status_history h SET changed_at = now() - interval '6 years 1 month' FROM leaving l \
         WHERE (h.tenant_id, h.customer_id) = (l.tenant_id, l.customer_id)",
        "UPDATE referrals r SET state = 'completed', ended_on = current_date - 2250 FROM leaving l \
         WHERE (r.tenant_id, r.customer_id) = (l.tenant_id, l.customer_id)",
        "UPDATE path_episodes e SET starts_on = current_date - 2300, ends_on = CASE WHEN ends_on IS NULL THEN NULL \
         ELSE current_date - 2250 END FROM leaving l WHERE (e.tenant_id, e.customer_id) = (l.tenant_id, l.customer_id)",
        "DELETE FROM employment_grants g USING leaving l WHERE (g.tenant_id, g.customer_id) = (l.tenant_id, l.customer_id)",
        "ANALYZE",
    ] {
        sqlx::query(statement).execute(&mut su).await?;
    }
    println!(
        "\nretention benchmark: {} areas, {} customers, {} meetings, {} referrals; {expired} made to have left six years ago",
        made.areas, made.customers, made.meetings, made.referrals
    );
    let rules = RetentionRules::embedded();
    for dry_run in [true, false] {
        support::reset_peak_memory();
        let started = Instant::now();
        let reports =
            run(&db.store, rules, None, RunOptions { dry_run, batch: 500, today }, &mut |_| {}).await?;
        let elapsed = started.elapsed();
        let due: u64 = reports.iter().map(|r| r.customers_due).sum();
        let erased: u64 = reports.iter().map(|r| r.customers_erased).sum();
        println!(
            "{}: {due} due, {erased} erased in {:.1} s ({:.0} customers/s), peak memory {:.0} MiB",
            if dry_run { "dry run" } else { "run" },
            elapsed.as_secs_f64(),
            if dry_run { due as f64 } else { erased as f64 } / elapsed.as_secs_f64().max(0.001),
            support::peak_memory_mib()
        );
    }
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM customers c JOIN leaving l USING (tenant_id, customer_id)")
            .fetch_one(&mut su)
            .await?;
    println!("left of the expired: {left}");
    db.drop().await?;
    Ok(())
}
