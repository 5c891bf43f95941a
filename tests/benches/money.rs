//! Money at a large area's scale: twelve monthly invoice specifications of
//! `POLKU_MONEY_PEOPLE` (70,000) people each, imported one after another
//! the way the API does (parse, check, hash, write), then the manager's
//! liability view and the reconciliation through the real gateway with one
//! client. Prints lines per second and p50/p99; asserts nothing about time.
//! Run with `cargo xtask bench money`; `POLKU_MONEY_PEOPLE=5000` and
//! `POLKU_MONEY_SECONDS=3` for a smoke run.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::time::{Duration, Instant};

use polku_domain::figures::Month;
use polku_domain::municipal_share::{invoice, Benefit, ShareRules};
use polku_domain::{Euros, Role, Slug};
use polku_store::Actor;

#[path = "support.rs"]
mod support;

/// A well-formed identity code for made-up person `n` (not in the
/// temporary 900–999 range, which an invoice refuses).
fn hetu(n: u32) -> String {
    let (day, month, year, individual) =
        (1 + n % 28, 1 + (n / 28) % 12, (n / 336) % 100, 2 + (n / 33_600) % 897);
    let number = format!("{day:02}{month:02}{year:02}{individual:03}");
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(number.parse::<u64>().unwrap() % 31) as usize];
    format!("{day:02}{month:02}{year:02}-{individual:03}{}", check as char)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let people: u32 = std::env::var("POLKU_MONEY_PEOPLE").map_or(Ok(70_000), |s| s.parse())?;
    let length = Duration::from_secs(std::env::var("POLKU_MONEY_SECONDS").map_or(Ok(20), |s| s.parse())?);
    let db = support::BenchDb::create("money", 8).await?;
    let slug = "porvoo";
    let mut conn = db.superuser().await?;
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT code::text FROM tenant_municipalities m JOIN tenants t USING (tenant_id) WHERE t.slug = $1",
    )
    .bind(slug)
    .fetch_all(&mut conn)
    .await?;
    let rules = ShareRules::embedded();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let hetus: Vec<String> = (0..people).map(hetu).collect();

    // Twelve months, December 2025 to November 2026; each month about 2 %
    // of people leave and as many new ones start.
    let first = Month::of(chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
    let manager =
        Actor::request("bench-manager".into(), vec![Role::Manager], Some(Slug::parse(slug)?), None, None);
    let started = Instant::now();
    let mut lines_total = 0usize;
    for m in 1..=12u32 {
        let month = {
            let mut x = first;
            for _ in 0..m {
                x = x.next();
            }
            x
        };
        let mut file = String::with_capacity(people as usize * 70);
        file.push_str(invoice::HEADER);
        file.push('\n');
        for n in 0..people {
            // Person n is on benefit from month (n % 50) on; a few leave.
            let joined = n % 50;
            if m <= joined % 12 || (n % 97 == 0 && m > 6) {
                continue;
            }
            let benefit =
                [Benefit::LabourMarketSubsidy, Benefit::BasicAllowance, Benefit::EarningsRelatedAllowance]
                    [(n % 3) as usize];
            let days = 21;
            let cumulative = 20 + (n % 400) + 21 * m;
            let daily =
                if benefit == Benefit::EarningsRelatedAllowance { 6000 + i64::from(n % 3000) } else { 3721 };
            let paid = Euros::from_cents(daily * i64::from(days));
            let share = invoice::expected_share(&rules, month, benefit, days, cumulative, paid, today)?;
            file.push_str(&format!(
                "{month};{};{};{};{days};{cumulative};{paid};{share}\n",
                codes[(n as usize) % codes.len()],
                hetus[n as usize],
                invoice::benefit_code(benefit)
            ));
        }
        let t = Instant::now();
        let mut tx = db.store.begin(&manager).await?;
        let report = polku_import::kela::import_invoice(
            &mut tx,
            &db.vault,
            std::io::Cursor::new(file.as_bytes()),
            None,
        )
        .await?;
        tx.commit().await?;
        anyhow::ensure!(report.rejected.is_empty(), "month {month}: {} lines refused", report.rejected.len());
        lines_total += report.lines;
        println!(
            "{month}: {} lines in {:.1} s ({:.0} lines/s)",
            report.lines,
            t.elapsed().as_secs_f64(),
            report.lines as f64 / t.elapsed().as_secs_f64()
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "\n12 months, {lines_total} lines in {elapsed:.1} s = {:.0} lines/s",
        lines_total as f64 / elapsed
    );

    let url = support::serve(&db.store, &db.vault).await?;
    let token = support::token("bench-manager", slug, &[Role::Manager])?;
    support::measure(
        &url,
        &token,
        "fundingLiability",
        "{ fundingLiability { basedOnMonth billed exitRatePercent months { month continuing withExits } \
           municipalities { municipality people nextMonth next3Months next12Months } } }",
        1,
        length,
    )
    .await?;
    support::measure(
        &url,
        &token,
        "fundingReconciliation",
        "{ fundingReconciliation(month: \"2026-11\") { billed expected municipalities { municipality difference } } }",
        1,
        length,
    )
    .await?;
    drop(conn);
    db.drop().await
}
