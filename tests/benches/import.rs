//! Transfer import: wall time and peak memory for a Porvoo-sized file
//! (2,600 rows) and a national-scale one (300,000 rows), generated
//! deterministically, streamed from disk into PostgreSQL as the application
//! role, with letters. Prints figures; asserts nothing about time.
//! `cargo xtask bench import`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

#[path = "support.rs"]
mod support;

use std::io::Write;
use std::time::Instant;

use polku_domain::{Lang, Role, Slug};
use polku_import::ImportOptions;
use polku_store::Actor;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("import", 4).await?;
    let localizer = std::sync::Arc::new(polku_i18n::Localizer::new());
    let dir = std::env::temp_dir().join(format!("polku-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let rows_wanted: Vec<usize> = std::env::var("POLKU_BENCH_ROWS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2_600, 300_000]);
    println!(
        "transfer import benchmark: file on disk, PostgreSQL on loopback, batches of {}",
        polku_import::BATCH
    );
    for (i, rows) in rows_wanted.into_iter().enumerate() {
        let path = dir.join(format!("transfer-{rows}.csv"));
        {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
            for line in polku_transfer::synthetic::synthetic(rows, 20_260_101 + i as u64, "638") {
                writeln!(out, "{line}")?;
            }
        }
        let size = std::fs::metadata(&path)?.len();
        let actor = Actor::system(Some(Slug::parse("porvoo")?), vec![Role::TenantAdmin]);
        let options = ImportOptions {
            transfer_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
            dry_run: false,
            operator_lang: Lang::Fi,
            file_name: None,
            letter_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        };
        support::reset_peak_memory();
        let start = Instant::now();
        let mut tx = db.store.begin(&actor).await?;
        let input = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&path)?);
        let report =
            polku_import::import(&mut tx, &db.vault, localizer.clone(), input, &options, &mut |_| {})
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{rows:>7} rows ({:.1} MiB): {secs:>6.2} s, {:>8.0} rows/s, peak RSS {:.0} MiB; \
             {} imported, {} updated, {} not eligible, {} rejected, {} letters",
            size as f64 / 1048576.0,
            report.lines as f64 / secs,
            support::peak_memory_mib(),
            report.imported,
            report.updated,
            report.not_eligible,
            report.rejected,
            report.letters
        );
        std::fs::remove_file(&path).ok();
    }
    std::fs::remove_dir_all(&dir).ok();
    db.drop().await
}
