//! Key figures at national scale: 45 employment areas with two years of
//! generated history (300,000 customers, about 3 million meetings and
//! 600,000 referrals by default), their precomputation, and the oversight
//! queries through the real gateway on a loopback socket as the application
//! role. Sizes come from `POLKU_FIGURES_CUSTOMERS` (comma-separated, e.g.
//! `100000,300000,1000000`), each in a database of its own. Prints
//! figures; asserts nothing about time. Run with `cargo xtask bench figures`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::{Duration, Instant};

use polku_domain::figures::Month;
use polku_domain::rules::Rules;
use polku_domain::Role;
use polku_store::generate::{national, Scale};

#[path = "support.rs"]
mod support;

const FIGURES: &str = "query($from: String!, $to: String!, $region: String) {
  figures(from: $from, to: $to, region: $region) { computedAt areas { slug name months {
    month customers { value suppressed } newCustomers { value suppressed }
    byGroup { key count { value suppressed } } byLanguage { key count { value suppressed } }
    byAgeBand { key count { value suppressed } } activationRate { value suppressed }
    initialInterviews { value suppressed } initialInterviewMedianDays { value suppressed }
    initialInterviewsWithinDeadline { value suppressed } planUpToDateRate { value suppressed }
    meetings { value suppressed } meetingsPerCustomer { value suppressed } orsChangeMean { value suppressed }
    srsMean { value suppressed } serviceUse { category placesFilled { value suppressed } placesOffered
    fillRate { value suppressed } } referrals { value suppressed } referralAcceptanceRate { value suppressed }
    transitions { from to count { value suppressed } } exits { key count { value suppressed } }
    costPerCustomer { value suppressed } } } } }";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let sizes = std::env::var("POLKU_FIGURES_CUSTOMERS").unwrap_or_else(|_| "300000".into());
    for size in sizes.split(',') {
        run(size.trim().parse()?).await?;
    }
    Ok(())
}

async fn run(customers: i64) -> anyhow::Result<()> {
    let db = support::BenchDb::create(&format!("figures_{customers}"), 8).await?;
    let today = chrono::Utc::now().date_naive();
    let scale = Scale { seed: 2026, customers, areas: 45, today };
    let started = Instant::now();
    let made = national(&db.store, &scale, &mut |_| {}).await?;
    let generated = started.elapsed();
    let mut su = db.superuser().await?;
    sqlx::query("ANALYZE").execute(&mut su).await?;
    println!(
        "\nfigures benchmark, {customers} customers asked: {} areas, {} customers, {} meetings, {} referrals, \
         {} path episodes (generated in {:.0} s)",
        made.areas,
        made.customers,
        made.meetings,
        made.referrals,
        made.path_episodes,
        generated.as_secs_f64()
    );

    let rules = Rules::embedded();
    let started = Instant::now();
    support::reset_peak_memory();
    let done = polku_store::figures::refresh_stale(&db.store, &rules, today, true).await?;
    let slowest = done.iter().max_by_key(|d| d.millis).map(|d| (d.slug.to_string(), d.customers, d.millis));
    println!(
        "precomputing every area: {:.1} s for {} areas; slowest {:?} (slug, customers, ms); peak memory {:.0} MiB",
        started.elapsed().as_secs_f64(),
        done.len(),
        slowest,
        support::peak_memory_mib()
    );

    // One change in one area, then the refresh that follows it.
    sqlx::query("INSERT INTO figure_changes (tenant_id) SELECT tenant_id FROM tenants WHERE slug = 'porvoo'")
        .execute(&mut su)
        .await?;
    let started = Instant::now();
    let again = polku_store::figures::refresh_stale(&db.store, &rules, today, false).await?;
    println!(
        "refresh after a change in one area: {} area in {:.0} ms (the other {} unchanged)",
        again.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        done.len() - again.len()
    );

    let url = support::serve(&db.store, &db.vault).await?;
    let now = Month::of(today);
    let last12 = serde_json::json!({ "from": now.minus(11).to_string(), "to": now.to_string() });
    let last24 = serde_json::json!({ "from": now.minus(23).to_string(), "to": now.to_string() });
    let uusimaa = support::oversight_token("uusimaa")?;
    let country = support::oversight_token("all")?;
    let manager = support::token("bench-manager", "porvoo", &[Role::Manager])?;
    for (label, token, variables) in [
        ("region, 12 months", &uusimaa, &last12),
        ("national, 12 months", &country, &last12),
        ("national, 24 months", &country, &last24),
        ("own area, 24 months", &manager, &last24),
    ] {
        support::measure_with(&url, token, label, FIGURES, variables, 1, Duration::from_secs(8)).await?;
    }
    db.drop().await
}
