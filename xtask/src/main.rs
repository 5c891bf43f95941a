//! Project tasks. `cargo xtask test` is the one command that runs the whole
//! test suite on a fresh machine: it installs and starts a private PostgreSQL
//! and Redis (unless `DATABASE_URL` / `REDIS_URL` point at existing ones),
//! runs the suite against them, and stops what it started.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use polku_devenv::{PgCluster, RedisServer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => with_servers(|root, db, redis| run_suite(root, db, redis, is_ci(), &args[1..])),
        // `cargo xtask bench [NAME...]`: the named benches, or all of them.
        Some("bench") => with_servers(|root, db, redis| {
            let names: Vec<&str> = args[1..].iter().map(String::as_str).filter(|a| *a != "--").collect();
            // `compare` and `memory` run the release gateway as a process of
            // its own; the bench cannot build it, as `cargo bench` holds the
            // target folder's lock while benches run.
            if names.is_empty() || names.iter().any(|n| PROCESS_BENCHES.contains(n)) {
                cargo(root, db, redis, &["build", "--release", "-p", "polku-server", "--bin", "polku"])?;
            }
            let mut bench = vec!["bench", "-p", "polku-tests"];
            for name in names {
                bench.extend(["--bench", name]);
            }
            cargo(root, db, redis, &bench)
        }),
        _ => {
            eprintln!("usage: cargo xtask test [-- <cargo test args>] | cargo xtask bench [NAME...]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Benches that run the release `polku` binary as a process of their own.
const PROCESS_BENCHES: &[&str] = &["compare", "memory"];

#[expect(clippy::expect_used, reason = "xtask is built from its place in the workspace")]
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Runs `work` with PostgreSQL and Redis available, starting private ones
/// unless `DATABASE_URL` / `REDIS_URL` are set, and stopping what it started
/// whatever `work` returns.
fn with_servers(work: impl FnOnce(&PathBuf, &str, &str) -> Result<()>) -> Result<()> {
    let root = workspace_root();
    // Each run its own servers, so two runs on one machine (a developer's
    // and an editor's, say) never stop each other's database mid-test.
    let state = root.join("target").join("polku-test").join(std::process::id().to_string());

    let mut cluster = None;
    let database_url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => {
            // A clean cluster per run: tests must not depend on leftovers.
            let dir = state.join("pg");
            if dir.exists() {
                if let Ok(old) = PgCluster::start(&dir, None) {
                    old.stop().ok();
                }
                std::fs::remove_dir_all(&dir).ok();
            }
            let c = PgCluster::start(&dir, None).context("starting PostgreSQL for the tests")?;
            let url = c.superuser_url("postgres");
            cluster = Some(c);
            url
        }
    };
    let mut redis = None;
    let redis_url = match std::env::var("REDIS_URL") {
        Ok(url) => url,
        Err(_) => {
            let r = RedisServer::start(&state.join("redis")).context("starting Redis for the tests")?;
            let url = r.url();
            redis = Some(r);
            url
        }
    };

    let result = work(&root, &database_url, &redis_url);
    if let Some(c) = &cluster {
        c.stop().ok();
    }
    if let Some(r) = &redis {
        r.stop().ok();
    }
    if cluster.is_some() || redis.is_some() {
        std::fs::remove_dir_all(&state).ok();
    }
    result
}

fn cargo(root: &PathBuf, database_url: &str, redis_url: &str, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask: cargo {}", args.join(" "));
    let mut command = Command::new(&cargo);
    // A clean clone in CI builds once: incremental state would only double
    // the disk the build takes (and CI machines have run out of it).
    if is_ci() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    let status = command
        .args(args)
        .current_dir(root)
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", redis_url)
        .status()?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

fn run_suite(root: &PathBuf, database_url: &str, redis_url: &str, ci: bool, extra: &[String]) -> Result<()> {
    let run = |args: &[&str]| cargo(root, database_url, redis_url, args);
    if ci {
        run(&["fmt", "--all", "--check"])?;
        run(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    }
    let mut args = vec!["test", "--workspace", "--all-targets"];
    args.extend(extra.iter().map(String::as_str));
    // The dashboard's end-to-end test drives a real headless browser.
    if std::env::var_os("POLKU_CHROMIUM").is_none() {
        let chromium = polku_devenv::chromium().context("installing Chromium for the browser tests")?;
        // xtask runs no threads of its own, so its environment is safe to change.
        std::env::set_var("POLKU_CHROMIUM", chromium);
    }
    test_with_summary(root, database_url, redis_url, &args)
}

/// Runs `cargo test`, passing its output through, and closes with one line
/// that totals every test binary's result, so the last word is the suite's
/// and not that of whichever binary happened to run last.
fn test_with_summary(root: &PathBuf, database_url: &str, redis_url: &str, args: &[&str]) -> Result<()> {
    use std::io::{BufRead, BufReader};
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("xtask: cargo {}", args.join(" "));
    let mut child = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", redis_url)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    for line in BufReader::new(child.stdout.take().context("cargo test stdout")?).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split([';', '.']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) =
                    (words.next().and_then(|n| n.parse::<u64>().ok()), words.next())
                {
                    match what {
                        "passed" => passed += n,
                        "failed" => failed += n,
                        "ignored" => ignored += n,
                        _ => {}
                    }
                }
            }
        }
    }
    let status = child.wait()?;
    println!("\ntests: {passed} passed, {failed} failed, {ignored} skipped");
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    if passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}
