//! Polku against PostGraphile 4 and against PostgreSQL itself, on the same
//! database: 20,000 synthetic customers in one area, the same application
//! login role and the same row-level policies.
//!
//! - Polku: the release `polku serve` as a process of its own.
//! - PostGraphile 4 (`compare/postgraphile.js`), installed from npm into the
//!   target folder, connected as the same role and setting exactly the
//!   transaction-local settings Polku's policies read.
//! - pgbench: the statements the gateway runs for each shape
//!   (`compare/pgbench/`), in one transaction, as the same role.
//!
//! Both servers are driven by the same wrk (`compare/post.lua`), with the
//! same shapes, in turns: Polku, PostGraphile, pgbench, round after round.
//! Prints figures; asserts nothing about time. Run with
//! `cargo xtask bench compare`. `POLKU_BENCH_SECONDS` (per run, default 20),
//! `POLKU_BENCH_ROUNDS` (default 3) and `POLKU_BENCH_CONNECTIONS` (default
//! 32) change the length and load.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]

use std::path::PathBuf;

use anyhow::{bail, ensure, Context};
use serde_json::{json, Value};

#[path = "compare/rig.rs"]
mod rig;
#[path = "support.rs"]
mod support;

use rig::{body, env_or, Load, Rig, Server};

/// PostGraphile's catalogue page: the same 20 services (the catalogue's
/// order and filter: not retired, by id) with the same fields, the names as
/// their stored object rather than one language picked out.
const PG_CATALOGUE: &str =
    "{ allServices(first: 20, orderBy: SERVICE_ID_ASC, condition: { retiredAt: null }) \
     { nodes { serviceId names category costCents partnerByTenantIdAndProviderPartnerId { name kind } } } }";
/// PostGraphile's caseload page: the coach's active customers in the
/// gateway's order, through the custom query of `compare/postgraphile.sql`.
const PG_CASELOAD: &str =
    "query ($coach: UUID!) { benchCaseload(coach: $coach) { nodes { customerId lastName \
     firstNames currentPlanId currentPlanVersion nextMeetingAt openTasks } } }";

/// The statements of each pgbench transaction, in the order the gateway
/// sends them for one request (files in `compare/pgbench/`, see its
/// README). Keep in step with the store.
const PGBENCH_CATALOGUE: &[&str] = &["begin", "services", "partners", "check", "commit"];
const PGBENCH_CASELOAD: &[&str] = &["begin", "staff_me", "caseload", "commit"];
const PGBENCH_CASELOAD_AUDITED: &[&str] = &["begin", "staff_me", "caseload", "audit", "commit"];
/// The audited caseload as the store sent it while the audit had one row per
/// customer: used when the database has no `audit_log.customer_ids` yet.
const PGBENCH_CASELOAD_AUDITED_ROWS: &[&str] =
    &["begin", "tenant", "staff_me", "caseload", "audit_rows", "check", "commit"];

struct Shape {
    name: &'static str,
    polku: String,
    postgraphile: String,
    /// Whether a Polku request writes the audit log (emptied before each run).
    audited: bool,
    /// pgbench variants: label, statements, whether it writes the audit log.
    pgbench: Vec<(&'static str, PathBuf, bool)>,
}

#[derive(Default)]
struct Runs {
    polku: Vec<Load>,
    postgraphile: Vec<Load>,
    pgbench: Vec<Vec<Load>>,
    statements: Vec<f64>,
    polku_cpu_ms: Vec<f64>,
    postgraphile_cpu_ms: Vec<f64>,
    polku_errors: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let seconds = env_or("POLKU_BENCH_SECONDS", 20u64);
    let rounds = env_or("POLKU_BENCH_ROUNDS", 3usize);
    let connections = env_or("POLKU_BENCH_CONNECTIONS", 32usize);
    let threads = 2;
    rig::ensure_wrk()?;

    let rig = Rig::create("compare").await?;
    let mut conn = rig.db.superuser().await?;
    let sql = std::fs::read_to_string(rig::scripts_dir().join("postgraphile.sql"))?;
    sqlx::raw_sql(&sql).execute(&mut conn).await.context("postgraphile.sql")?;
    let page: (Vec<String>, Vec<String>) = sqlx::query_as(
        "SELECT (SELECT array_agg(DISTINCT provider_partner_id::text) FROM (SELECT provider_partner_id FROM services \
                 WHERE tenant_id = $1::uuid AND retired_at IS NULL ORDER BY service_id LIMIT 20) s \
                 WHERE provider_partner_id IS NOT NULL), \
                (SELECT array_agg(customer_id::text) FROM customers WHERE coach_id = $2::uuid AND status = 'active')",
    )
    .bind(&rig.tenant_id)
    .bind(&rig.coach_id)
    .fetch_one(&mut conn)
    .await?;
    let audit_rows_per_customer: bool = sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns \
         WHERE table_name = 'audit_log' AND column_name = 'customer_ids')",
    )
    .fetch_one(&mut conn)
    .await?;
    drop(conn);

    let polku = Server::polku(&rig, &[]).await?;
    let postgraphile = Server::postgraphile(&rig).await?;
    same_rows(&rig, &polku, &postgraphile).await?;

    let audited =
        if audit_rows_per_customer { PGBENCH_CASELOAD_AUDITED_ROWS } else { PGBENCH_CASELOAD_AUDITED };
    let shapes = [
        Shape {
            name: "catalogue: 20 services with providers",
            polku: body(rig::CATALOGUE, json!({})),
            postgraphile: body(PG_CATALOGUE, json!({})),
            audited: false,
            pgbench: vec![("pgbench, same SQL", script(&rig, "catalogue", PGBENCH_CATALOGUE)?, false)],
        },
        Shape {
            name: "caseload: 150 customers with plan and next meeting",
            polku: body(rig::CASELOAD, json!({})),
            postgraphile: body(PG_CASELOAD, json!({ "coach": rig.coach_id })),
            audited: true,
            pgbench: vec![
                ("pgbench, same SQL without audit", script(&rig, "caseload", PGBENCH_CASELOAD)?, false),
                ("pgbench, same SQL with audit", script(&rig, "caseload-audited", audited)?, true),
            ],
        },
    ];
    let now = chrono::Utc::now().to_rfc3339();
    let vars = [
        ("role", "polku_staff".to_string()),
        ("user_id", "bench-coach-0".to_string()),
        ("roles", "coach".to_string()),
        ("tenant_slug", "porvoo".to_string()),
        ("tenant_id", rig.tenant_id.clone()),
        ("page_limit", "21".to_string()),
        ("partner_ids", format!("{{{}}}", page.0.join(","))),
        ("coach_id", rig.coach_id.clone()),
        ("now", now),
        ("customer_ids", format!("{{{}}}", page.1.join(","))),
    ];

    println!(
        "compare: wrk {connections} connections on {threads} threads, pgbench {connections} clients; \
         {rounds} rounds of {seconds} s per run, in turns; 2 cores shared by servers, PostgreSQL and load \
         generators; Polku {} (pid {}), PostGraphile 4 on node (pid {})",
        if std::env::var("POLKU_BENCH_REDIS").is_ok_and(|v| v == "1") {
            "with Redis"
        } else {
            "without Redis"
        },
        polku.pid(),
        postgraphile.pid()
    );
    for shape in &shapes {
        for (label, path, _) in &shape.pgbench {
            let statements =
                std::fs::read_to_string(path)?.lines().filter(|l| l.trim_end().ends_with(';')).count();
            println!("  {label} ({}): {statements} statements per transaction", shape.name);
        }
    }

    // Warm-up: connections, caches and node's JIT.
    let warm = seconds.clamp(1, 5);
    for shape in &shapes {
        rig::wrk(
            &format!("{}/graphql", polku.base),
            &rig.token,
            std::slice::from_ref(&shape.polku),
            connections,
            threads,
            warm,
        )?;
        rig::wrk(
            &format!("{}/graphql", postgraphile.base),
            &rig.token,
            std::slice::from_ref(&shape.postgraphile),
            connections,
            threads,
            warm,
        )?;
    }

    let mut runs: Vec<Runs> = shapes
        .iter()
        .map(|s| Runs { pgbench: vec![Vec::new(); s.pgbench.len()], ..Runs::default() })
        .collect();
    for round in 1..=rounds {
        println!("\nround {round} of {rounds}");
        for (shape, runs) in shapes.iter().zip(&mut runs) {
            if shape.audited {
                rig.empty_audit_log().await?;
            }
            let statements = polku.counter("polku_db_statements_total", "").await?;
            let requests = polku.counter("polku_graphql_requests_total", "").await?;
            let errors = polku.counter("polku_graphql_requests_total", "outcome=\"error\"").await?;
            let cpu = polku.cpu_seconds();
            let load = rig::wrk(
                &format!("{}/graphql", polku.base),
                &rig.token,
                std::slice::from_ref(&shape.polku),
                connections,
                threads,
                seconds,
            )?;
            let cpu = polku.cpu_seconds() - cpu;
            let requests = polku.counter("polku_graphql_requests_total", "").await? - requests;
            runs.statements
                .push((polku.counter("polku_db_statements_total", "").await? - statements) / requests);
            runs.polku_errors +=
                polku.counter("polku_graphql_requests_total", "outcome=\"error\"").await? - errors;
            runs.polku_cpu_ms.push(cpu * 1000.0 / load.requests as f64);
            println!("  {:<52} {:<34} {load}", shape.name, "Polku");
            runs.polku.push(load);

            let cpu = postgraphile.cpu_seconds();
            let load = rig::wrk(
                &format!("{}/graphql", postgraphile.base),
                &rig.token,
                std::slice::from_ref(&shape.postgraphile),
                connections,
                threads,
                seconds,
            )?;
            runs.postgraphile_cpu_ms.push((postgraphile.cpu_seconds() - cpu) * 1000.0 / load.requests as f64);
            println!("  {:<52} {:<34} {load}", shape.name, "PostGraphile 4");
            runs.postgraphile.push(load);

            for (i, (label, path, writes_audit)) in shape.pgbench.iter().enumerate() {
                if *writes_audit {
                    rig.empty_audit_log().await?;
                }
                let load = rig::pgbench(&rig, path, &vars, connections, threads, seconds)?;
                println!("  {:<52} {label:<34} {load}", shape.name);
                runs.pgbench[i].push(load);
            }
        }
    }

    println!("\nmedians of {rounds} rounds ({seconds} s each, {connections} connections):\n");
    println!(
        "| shape | server | rps | p50 ms | p99 ms | Polku ÷ this, rps | this p99 ÷ Polku p99 | statements per request | server CPU ms per request |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (shape, runs) in shapes.iter().zip(&runs) {
        let polku_load = median_load(&runs.polku);
        let row = |server: &str, load: &Load, statements: String, cpu: String| {
            println!(
                "| {} | {server} | {:.0} | {:.2} | {:.2} | {} | {} | {statements} | {cpu} |",
                shape.name,
                load.rps,
                load.p50_ms,
                load.p99_ms,
                if server == "Polku" {
                    "–".to_string()
                } else {
                    format!("{:.2}", polku_load.rps / load.rps)
                },
                if server == "Polku" {
                    "–".to_string()
                } else {
                    format!("{:.2}", load.p99_ms / polku_load.p99_ms)
                },
            );
        };
        row(
            "Polku",
            &polku_load,
            format!("{:.2}", median(&runs.statements)),
            format!("{:.2}", median(&runs.polku_cpu_ms)),
        );
        row(
            "PostGraphile 4",
            &median_load(&runs.postgraphile),
            "–".into(),
            format!("{:.2}", median(&runs.postgraphile_cpu_ms)),
        );
        for ((label, path, _), loads) in shape.pgbench.iter().zip(&runs.pgbench) {
            let statements =
                std::fs::read_to_string(path)?.lines().filter(|l| l.trim_end().ends_with(';')).count();
            row(label, &median_load(loads), format!("{statements} (whole transaction)"), "–".into());
        }
        if runs.polku_errors > 0.0 {
            println!(
                "| {} | Polku answered {} requests with errors | | | | | | | |",
                shape.name, runs.polku_errors
            );
        }
    }
    println!(
        "\nPolku's statements per request are those its store counts (`polku_db_statements_total`): \
         the page's own statements, not BEGIN, the settings, COMMIT or the pool's check of a connection."
    );
    for (shape, runs) in shapes.iter().zip(&runs) {
        let (p, g) = (median_load(&runs.polku), median_load(&runs.postgraphile));
        print!(
            "{}: Polku {:.2}× PostGraphile's rps, p99 {:.2}× PostGraphile's",
            shape.name,
            p.rps / g.rps,
            p.p99_ms / g.p99_ms
        );
        for ((label, _, _), loads) in shape.pgbench.iter().zip(&runs.pgbench) {
            print!("; {:.0} % of {label}", 100.0 * p.rps / median_load(loads).rps);
        }
        println!();
    }

    drop(polku);
    drop(postgraphile);
    rig.drop().await
}

/// Checks that both servers answer each shape with the same rows.
async fn same_rows(rig: &Rig, polku: &Server, postgraphile: &Server) -> anyhow::Result<()> {
    let p = polku.graphql(&rig.token, &json!({ "query": rig::CATALOGUE })).await?;
    let g = postgraphile.graphql(&rig.token, &json!({ "query": PG_CATALOGUE })).await?;
    let ours: Vec<(Value, Value)> = p["services"]["edges"]
        .as_array()
        .context("services")?
        .iter()
        .map(|e| (e["node"]["id"].clone(), e["node"]["provider"]["name"].clone()))
        .collect();
    let theirs: Vec<(Value, Value)> = g["allServices"]["nodes"]
        .as_array()
        .context("allServices")?
        .iter()
        .map(|n| (n["serviceId"].clone(), n["partnerByTenantIdAndProviderPartnerId"]["name"].clone()))
        .collect();
    ensure!(ours.len() == 20, "Polku's catalogue page has {} services", ours.len());
    if ours != theirs {
        bail!("the catalogue pages differ:\nPolku {ours:?}\nPostGraphile {theirs:?}");
    }

    let p = polku.graphql(&rig.token, &json!({ "query": rig::CASELOAD })).await?;
    let g = postgraphile
        .graphql(&rig.token, &json!({ "query": PG_CASELOAD, "variables": { "coach": rig.coach_id } }))
        .await?;
    let ours: Vec<(Value, Value, Value)> = p["caseload"]
        .as_array()
        .context("caseload")?
        .iter()
        .map(|e| (e["customer"]["id"].clone(), e["currentPlanId"].clone(), e["openTasks"].clone()))
        .collect();
    let theirs: Vec<(Value, Value, Value)> = g["benchCaseload"]["nodes"]
        .as_array()
        .context("benchCaseload")?
        .iter()
        .map(|n| {
            // PostGraphile gives a bigint as a string.
            let open = n["openTasks"].as_str().and_then(|s| s.parse::<i64>().ok());
            (n["customerId"].clone(), n["currentPlanId"].clone(), json!(open))
        })
        .collect();
    ensure!(ours.len() == rig::CASELOAD_SIZE, "Polku's caseload has {} customers", ours.len());
    if ours != theirs {
        bail!("the caseload pages differ:\nPolku {ours:?}\nPostGraphile {theirs:?}");
    }
    println!("both servers answer the same rows: 20 services, {} customers", rig::CASELOAD_SIZE);
    Ok(())
}

/// Strings the statement files together into one pgbench script.
fn script(rig: &Rig, name: &str, statements: &[&str]) -> anyhow::Result<PathBuf> {
    let mut text = String::new();
    for s in statements {
        let file = rig::scripts_dir().join("pgbench").join(format!("{s}.sql"));
        text.push_str(&std::fs::read_to_string(&file).with_context(|| file.display().to_string())?);
    }
    let path = rig.dir.join(format!("pgbench-{name}.sql"));
    std::fs::write(&path, text)?;
    Ok(path)
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Each figure's median across the rounds.
fn median_load(loads: &[Load]) -> Load {
    let of = |f: fn(&Load) -> f64| median(&loads.iter().map(f).collect::<Vec<_>>());
    Load {
        rps: of(|l| l.rps),
        p50_ms: of(|l| l.p50_ms),
        p99_ms: of(|l| l.p99_ms),
        requests: loads.iter().map(|l| l.requests).sum(),
        errors: loads.iter().map(|l| l.errors).sum(),
    }
}
