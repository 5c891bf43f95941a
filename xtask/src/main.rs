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
        Some("test") => test(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask test [-- <cargo test args>]");
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

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn test(extra: &[String]) -> Result<()> {
    let root = workspace_root();
    let state = root.join("target").join("polku-test");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");

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

    let result = run_suite(&root, &database_url, &redis_url, ci, extra);
    if let Some(c) = &cluster {
        c.stop().ok();
    }
    if let Some(r) = &redis {
        r.stop().ok();
    }
    result
}

fn run_suite(root: &PathBuf, database_url: &str, redis_url: &str, ci: bool, extra: &[String]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| -> Result<()> {
        eprintln!("xtask: cargo {}", args.join(" "));
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(root)
            .env("DATABASE_URL", database_url)
            .env("REDIS_URL", redis_url)
            .env("POLKU_TEST_STATE", root.join("target").join("polku-test"))
            .status()?;
        if !status.success() {
            bail!("cargo {} failed ({status})", args.join(" "));
        }
        Ok(())
    };
    if ci {
        run(&["fmt", "--all", "--check"])?;
        run(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    }
    let mut args = vec!["test", "--workspace", "--all-targets"];
    args.extend(extra.iter().map(String::as_str));
    run(&args)
}
