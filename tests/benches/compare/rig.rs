//! What `compare` and `memory` share: a database of 20,000 customers, the
//! real gateway as a process of its own (so its memory and CPU are its
//! own), PostGraphile 4 over the same database, and the load generators
//! (wrk, pgbench) whose figures both print.

// Each bench uses only part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use polku_domain::Role;
use serde_json::{json, Value};

use crate::support;

/// The caseload page, as `docs/schema.graphql` has it.
pub const CASELOAD: &str =
    "{ caseload { customer { id lastName firstNames } currentPlanId currentPlanVersion \
     nextMeetingAt openTasks } }";
/// The catalogue page: 20 services with their providers.
pub const CATALOGUE: &str =
    "{ services(first: 20) { edges { node { id name category costPerPlaceMonth provider { name kind } } } } }";

/// Customers on the measured coach's caseload.
pub const CASELOAD_SIZE: usize = 150;

/// A number from the environment, or `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The bench database with its data, and what the shapes need to know of it.
pub struct Rig {
    pub db: support::BenchDb,
    pub app_url: String,
    /// The same without sqlx's own settings, for libpq (pgbench) and node.
    pub plain_app_url: String,
    pub tenant_id: String,
    pub coach_id: String,
    /// The coach's token (subject `bench-coach-0`, Porvoo): it may read
    /// both the catalogue and its own caseload.
    pub token: String,
    /// Where this run keeps its logs and scripts.
    pub dir: PathBuf,
}

impl Rig {
    /// Creates the database and fills it: the demo areas, then in Porvoo
    /// 40 coaches, 20,000 customers (150 of them the first coach's), each
    /// with a plan of three versions and nine meetings, the last ones ahead,
    /// and 24 services from 10 providers beside the demo's 10.
    pub async fn create(what: &str) -> anyhow::Result<Rig> {
        let db = support::BenchDb::create(what, 4).await?;
        let started = Instant::now();
        let mut conn = db.superuser().await?;
        for statement in GENERATE {
            sqlx::query(statement).execute(&mut conn).await.with_context(|| statement.to_string())?;
        }
        let (tenant_id, coach_id): (String, String) = sqlx::query_as(
            "SELECT t.tenant_id::text, s.staff_id::text FROM tenants t JOIN staff s USING (tenant_id) \
             WHERE t.slug = 'porvoo' AND s.subject = 'bench-coach-0'",
        )
        .fetch_one(&mut conn)
        .await?;
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM meetings), \
                    (SELECT count(*) FROM services WHERE tenant_id = $1::uuid), \
                    (SELECT count(*) FROM partners WHERE tenant_id = $1::uuid)",
        )
        .bind(&tenant_id)
        .fetch_one(&mut conn)
        .await?;
        println!(
            "database: {} customers ({CASELOAD_SIZE} on the measured coach's caseload), {} meetings, \
             Porvoo's catalogue {} services from {} partners; generated in {:.1} s",
            counts.0,
            counts.1,
            counts.2,
            counts.3,
            started.elapsed().as_secs_f64()
        );
        let dir = target_dir().join("polku-bench").join(format!("{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let app_url = db.app_url()?;
        let mut plain = reqwest::Url::parse(&app_url)?;
        plain.set_query(None);
        Ok(Rig {
            app_url,
            plain_app_url: plain.to_string(),
            token: support::token("bench-coach-0", "porvoo", &[Role::Coach])?,
            db,
            tenant_id,
            coach_id,
            dir,
        })
    }

    /// Empties the audit log (as the superuser), so that every run of a
    /// shape that writes it starts from the same table.
    pub async fn empty_audit_log(&self) -> anyhow::Result<()> {
        let mut conn = self.db.superuser().await?;
        sqlx::query("TRUNCATE audit_log").execute(&mut conn).await?;
        Ok(())
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        std::fs::remove_dir_all(&self.dir).ok();
        self.db.drop().await
    }
}

/// Cargo's target folder: the bench runs as `<target>/release/deps/<bench>`.
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// This folder (`tests/benches/compare`), with the scripts.
pub fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches").join("compare")
}

/// The release `polku` binary: `POLKU_BIN`, or the target folder's.
/// `cargo xtask bench` builds it first; cargo cannot be run from here, as
/// `cargo bench` holds the target folder's lock while the bench runs.
pub fn polku_binary() -> anyhow::Result<PathBuf> {
    let bin = std::env::var_os("POLKU_BIN")
        .map_or_else(|| target_dir().join("release").join("polku"), PathBuf::from);
    if !bin.exists() {
        bail!(
            "{} is missing: run `cargo build --release -p polku-server` first \
             (`cargo xtask bench` does), or set POLKU_BIN",
            bin.display()
        );
    }
    Ok(bin)
}

/// A server run as a child process; stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub name: &'static str,
}

impl Server {
    /// The gateway, `polku serve`, as production runs it, connected as the
    /// application role. The per-user and per-address rates are lifted (one
    /// token and one address send every request, WebSocket handshakes
    /// included); without `POLKU_BENCH_REDIS=1` it runs as a single replica
    /// without Redis. `env` adds or overrides settings.
    pub async fn polku(rig: &Rig, env: &[(&str, &str)]) -> anyhow::Result<Server> {
        let bin = polku_binary()?;
        let port = polku_devenv::free_port(None)?;
        let log = std::fs::File::create(rig.dir.join("polku.log"))?;
        let mut command = Command::new("sh");
        // The open-file limit raised as far as allowed, for the
        // thousand-connection rounds; `exec` keeps the process id.
        command
            .arg("-c")
            .arg("ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" serve")
            .arg(&bin)
            .env("DATABASE_URL", &rig.app_url)
            .env("POLKU_LISTEN", format!("127.0.0.1:{port}"))
            .env("POLKU_DEV_JWT_SECRET", support::JWT_SECRET)
            .env("POLKU_HETU_KEY", &rig.db.hetu_key)
            .env("POLKU_USER_RATE", "1000000000")
            .env("POLKU_USER_BURST", "1000000000")
            .env("POLKU_ANONYMOUS_RATE", "1000000000")
            .env("POLKU_ANONYMOUS_BURST", "1000000000")
            .env("POLKU_FIGURES_REFRESH_SECONDS", "0")
            .env("POLKU_RETENTION_SECONDS", "0")
            .env("RUST_LOG", std::env::var("POLKU_BENCH_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()))
            .stdout(log.try_clone()?)
            .stderr(log);
        if std::env::var("POLKU_BENCH_REDIS").is_ok_and(|v| v == "1") {
            command
                .env("REDIS_URL", std::env::var("REDIS_URL").context("POLKU_BENCH_REDIS needs REDIS_URL")?);
        } else {
            command.env_remove("REDIS_URL");
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let mut server =
            Server { child: command.spawn()?, base: format!("http://127.0.0.1:{port}"), name: "Polku" };
        server.wait_ready("/readyz", &rig.dir.join("polku.log")).await?;
        Ok(server)
    }

    /// PostGraphile 4 (`postgraphile.js` beside this file), installed from
    /// npm into the target folder when missing, connected as the same
    /// application role.
    pub async fn postgraphile(rig: &Rig) -> anyhow::Result<Server> {
        let modules = ensure_postgraphile()?;
        let port = polku_devenv::free_port(None)?;
        let log = std::fs::File::create(rig.dir.join("postgraphile.log"))?;
        let child = Command::new("node")
            .arg(scripts_dir().join("postgraphile.js"))
            .env("NODE_PATH", &modules)
            .env("NODE_ENV", "production")
            .env("DATABASE_URL", &rig.plain_app_url)
            .env("PORT", port.to_string())
            .env("JWT_SECRET", support::JWT_SECRET)
            .env("TENANTS", json!({ "porvoo": rig.tenant_id }).to_string())
            .env("POOL_SIZE", env_or("POLKU_BENCH_POOL", 16u32).to_string())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting node")?;
        let mut server = Server { child, base: format!("http://127.0.0.1:{port}"), name: "PostGraphile" };
        server.wait_ready("/healthz", &rig.dir.join("postgraphile.log")).await?;
        Ok(server)
    }

    async fn wait_ready(&mut self, path: &str, log: &Path) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline && self.child.try_wait()?.is_none() {
            if let Ok(r) = client.get(format!("{}{path}", self.base)).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "{} did not become ready; its log:\n{}",
            self.name,
            std::fs::read_to_string(log).unwrap_or_default()
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident and peak resident memory in MiB (`VmRSS`, `VmHWM`).
    pub fn memory(&self) -> (f64, f64) {
        let field =
            |name: &str| super::support::status_mib(&self.pid().to_string(), name).unwrap_or(f64::NAN);
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// CPU seconds the process has used (user + system).
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name, which is in parentheses.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of stat, 12 and 13 here.
        (ticks(11) + ticks(12)) / 100.0
    }

    /// The gateway's `/metrics`: a counter summed over the series whose
    /// labels contain `labels` (`""`: all of them).
    pub async fn counter(&self, name: &str, labels: &str) -> anyhow::Result<f64> {
        let text = reqwest::get(format!("{}/metrics", self.base)).await?.text().await?;
        Ok(text
            .lines()
            .filter(|l| l.strip_prefix(name).is_some_and(|rest| rest.starts_with([' ', '{'])))
            .filter(|l| l.contains(labels))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum())
    }

    /// POSTs one GraphQL request; the `data`, or an error with the answer.
    pub async fn graphql(&self, token: &str, body: &Value) -> anyhow::Result<Value> {
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?
            .json()
            .await?;
        if answer.get("errors").is_some() || answer.get("data").is_none() {
            bail!("{}: {answer}", self.name);
        }
        Ok(answer["data"].clone())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// PostGraphile 4 under `<target>/postgraphile4`, installed with npm when
/// missing; its `node_modules`.
fn ensure_postgraphile() -> anyhow::Result<PathBuf> {
    let dir = target_dir().join("postgraphile4");
    let modules = dir.join("node_modules");
    if !modules.join("postgraphile").join("package.json").exists() {
        std::fs::create_dir_all(&dir)?;
        eprintln!("installing postgraphile@4 from npm into {}", dir.display());
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "postgraphile@4"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .context("running npm (node and npm are needed for the comparison)")?;
        if !status.success() {
            bail!("npm install postgraphile@4 failed ({status})");
        }
    }
    Ok(modules)
}

/// One load run's figures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Load {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// Non-2xx answers and socket errors (wrk), failed transactions (pgbench).
    pub errors: u64,
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>8.0} /s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} requests, {} errors)",
            self.rps, self.p50_ms, self.p99_ms, self.requests, self.errors
        )
    }
}

/// Installs Debian's wrk when it is missing.
pub fn ensure_wrk() -> anyhow::Result<()> {
    if Command::new("wrk").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err() {
        polku_devenv::apt_install(&["wrk"])?;
    }
    Ok(())
}

/// Drives `url` with wrk (`post.lua`): `connections` connections on
/// `threads` threads for `seconds`, POSTing `bodies` in turn with `token`.
pub fn wrk(
    url: &str,
    token: &str,
    bodies: &[String],
    connections: usize,
    threads: usize,
    seconds: u64,
) -> anyhow::Result<Load> {
    let mut command = Command::new("wrk");
    command
        .args(["-c", &connections.to_string(), "-t", &threads.to_string(), "-d", &format!("{seconds}s")])
        .args(["--timeout", "30s", "--latency", "-s"])
        .arg(scripts_dir().join("post.lua"))
        .arg(url)
        .env("WRK_TOKEN", token)
        .env("WRK_BODIES", bodies.len().to_string());
    for (i, body) in bodies.iter().enumerate() {
        command.env(format!("WRK_BODY_{}", i + 1), body);
    }
    let out = command.output().context("running wrk")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("WRK_RESULT ")).with_context(|| {
        format!("wrk printed no result: {stdout}{}", String::from_utf8_lossy(&out.stderr))
    })?;
    let field = |name: &str| -> f64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let requests = field("requests");
    Ok(Load {
        rps: requests / (field("duration_us") / 1e6),
        p50_ms: field("p50_us") / 1000.0,
        p99_ms: field("p99_us") / 1000.0,
        requests: requests as u64,
        errors: (field("non2xx") + field("socket_errors")) as u64,
    })
}

/// Runs `script` with pgbench as the application role (prepared
/// statements, as sqlx uses them): `clients` connections on `threads`
/// threads for `seconds`, with `vars` as pgbench variables. Latency
/// percentiles come from pgbench's per-transaction log.
pub fn pgbench(
    rig: &Rig,
    script: &Path,
    vars: &[(&str, String)],
    clients: usize,
    threads: usize,
    seconds: u64,
) -> anyhow::Result<Load> {
    let logs = rig.dir.join("pgbench-log");
    std::fs::remove_dir_all(&logs).ok();
    std::fs::create_dir_all(&logs)?;
    let bin = polku_devenv::postgres_bin_dir()
        .map(|d| d.join("pgbench"))
        .ok()
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("pgbench"));
    let mut command = Command::new(bin);
    command
        .args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", &threads.to_string()])
        .args(["-T", &seconds.to_string(), "-l", "--log-prefix"])
        .arg(logs.join("tx"))
        .arg("-f")
        .arg(script);
    for (k, v) in vars {
        command.arg("-D").arg(format!("{k}={v}"));
    }
    let out = command.arg(&rig.plain_app_url).output().context("running pgbench")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("pgbench failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
    let tps = stdout
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2)?.parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    let failed = stdout
        .lines()
        .find(|l| l.starts_with("number of failed transactions"))
        .and_then(|l| l.split(':').nth(1)?.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    // Each log line: client, transaction, latency in µs, script, epoch, µs.
    let mut latencies: Vec<f64> = Vec::new();
    for entry in std::fs::read_dir(&logs)? {
        let text = std::fs::read_to_string(entry?.path())?;
        latencies.extend(text.lines().filter_map(|l| l.split_whitespace().nth(2)?.parse::<f64>().ok()));
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| super::support::percentile(&latencies, p);
    Ok(Load {
        rps: tps,
        p50_ms: pct(0.50).unwrap_or(f64::NAN) / 1000.0,
        p99_ms: pct(0.99).unwrap_or(f64::NAN) / 1000.0,
        requests: latencies.len() as u64,
        errors: failed,
    })
}

/// The request body of a GraphQL query.
pub fn body(query: &str, variables: Value) -> String {
    json!({ "query": query, "variables": variables }).to_string()
}

/// The data, in bulk SQL as the superuser (see [`Rig::create`]).
const GENERATE: &[&str] = &[
    "CREATE TEMP TABLE area AS SELECT tenant_id FROM tenants WHERE slug = 'porvoo'",
    "INSERT INTO staff (tenant_id, staff_id, subject, name, languages) \
     SELECT tenant_id, gen_random_uuid(), 'bench-coach-' || k, 'Valmentaja ' || k, ARRAY['fi', 'sv'] \
     FROM area, generate_series(0, 39) k",
    "CREATE TEMP TABLE coach AS \
     SELECT staff_id, substring(subject from 13)::int AS k FROM staff WHERE subject LIKE 'bench-coach-%'",
    "INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, birth_date, last_name, first_names, \
        mother_tongue, service_language, home_municipality, job_search_started_on, coach_id) \
     SELECT a.tenant_id, gen_random_uuid(), decode(md5('c' || i), 'hex'), decode(md5('h' || i), 'hex'), \
        date '1965-01-01' + (i * 37) % 14000, 'Asiakas' || i, 'Testi', \
        CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, '638', \
        current_date - 400 + (i % 60), c.staff_id \
     FROM area a, generate_series(0, 19999) i \
     JOIN coach c ON c.k = CASE WHEN i < 150 THEN 0 ELSE 1 + (i - 150) % 39 END",
    "CREATE TEMP TABLE bench_customers AS \
     SELECT customer_id, tenant_id, job_search_started_on AS start, row_number() OVER () AS n \
     FROM customers WHERE last_name LIKE 'Asiakas%'",
    // Every four weeks from about half a year ago; the last two or three ahead.
    "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, created_by) \
     SELECT tenant_id, gen_random_uuid(), customer_id, \
        CASE WHEN k = 0 THEN 'initial_interview' ELSE 'job_search_discussion' END, 'in_person', \
        (current_date - 168 + k * 28 + (n % 20)::int) + time '10:00', 'fi', 'bench' \
     FROM bench_customers, generate_series(0, 8) k",
    "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type, current_version, created_at) \
     SELECT tenant_id, gen_random_uuid(), customer_id, 'employment_plan', 3, start + 1 FROM bench_customers",
    "INSERT INTO plan_versions (tenant_id, plan_id, version, goals, tasks, job_search_obligation, created_at, created_by) \
     SELECT p.tenant_id, p.plan_id, v, '[\"Työ\"]', \
        jsonb_build_array( \
          jsonb_build_object('id', gen_random_uuid(), 'what', 'Hae neljää paikkaa', 'responsible', 'Customer', \
                             'due', (current_date + v * 3)::text, 'done_on', null), \
          jsonb_build_object('id', gen_random_uuid(), 'what', 'Työkokeilu', 'responsible', 'Coach', \
                             'due', (current_date - 10)::text, 'done_on', null), \
          jsonb_build_object('id', gen_random_uuid(), 'what', 'CV', 'responsible', 'Customer', \
                             'due', null, 'done_on', (current_date - 100)::text)), \
        4, p.created_at + (v - 1) * interval '90 days', 'bench' \
     FROM employment_plans p JOIN bench_customers b USING (customer_id), generate_series(1, 3) v",
    "INSERT INTO partners (tenant_id, partner_id, name, kind, languages) \
     SELECT tenant_id, gen_random_uuid(), 'Palveluntuottaja ' || k, 'third_sector', ARRAY['fi'] \
     FROM area, generate_series(0, 9) k",
    "INSERT INTO services (tenant_id, service_id, names, category, provider_partner_id, languages, capacity, \
        cost_cents, active_from) \
     SELECT a.tenant_id, gen_random_uuid(), jsonb_build_object('fi', 'Paja ' || k, 'sv', 'Verkstad ' || k), \
        'workshop', p.partner_id, ARRAY['fi'], 10, 95000 + k, date '2026-01-01' \
     FROM area a, generate_series(0, 23) k \
     JOIN (SELECT partner_id, (row_number() OVER (ORDER BY partner_id) - 1)::int AS j FROM partners \
           WHERE name LIKE 'Palveluntuottaja %') p ON p.j = k % 10",
    "ANALYZE",
];
