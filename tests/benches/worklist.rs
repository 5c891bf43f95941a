//! Worklists at a large area's scale: one area (Helsinki's if the seed has
//! it, else the largest demo area, Lahti) grown in place from 5,000 to
//! 20,000 to 70,000 customers with two years of history each, and a coach
//! for every 149 customers (the national average; 470 at 70,000). At each
//! size it measures, through the real gateway on a loopback socket and real
//! PostgreSQL as the application role, with one client: the first coach's
//! worklist over a caseload of 250, and the manager's view of the whole
//! area (`areaWorklist`). Prints statements per request, response size,
//! p50 and p99 for each, then how both grow with the area; asserts nothing
//! about time. Run with `cargo xtask bench worklist`.
//!
//! `POLKU_WORKLIST_CUSTOMERS=2000,5000` picks other sizes (ascending) and
//! `POLKU_WORKLIST_SECONDS=3` a shorter measurement per shape, for a smoke
//! run; `POLKU_WORKLIST_KEEP=1` keeps the database afterwards, to look at
//! the plans with EXPLAIN as the application role.

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

use polku_domain::Role;

#[path = "support.rs"]
mod support;

/// The national average caseload: customers per coach.
const CUSTOMERS_PER_COACH: i64 = 149;
/// The measured coach's caseload (smaller only where the area is).
const FIRST_CASELOAD: i64 = 250;

const WORKLIST: &str =
    "{ worklist { items { customerName serviceLanguage kind due status ruleVersion task } \
                        counts { overdue dueSoon upcoming } } }";
const AREA: &str = "{ areaWorklist(itemsPerCoach: 10) { counts { overdue dueSoon upcoming } \
                    coaches { coach { name } caseload counts { overdue dueSoon upcoming } \
                    items { customerName kind due status } } } }";

/// One shape measured at one size.
struct Figures {
    statements: u64,
    bytes: usize,
    requests: usize,
    p50: Duration,
    p99: Duration,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let sizes: Vec<i64> = std::env::var("POLKU_WORKLIST_CUSTOMERS")
        .unwrap_or_else(|_| "5000,20000,70000".into())
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(
        sizes.windows(2).all(|w| w[0] < w[1]),
        "sizes grow the area in place: give them ascending"
    );
    let length = Duration::from_secs(std::env::var("POLKU_WORKLIST_SECONDS").map_or(Ok(20), |s| s.parse())?);

    let db = support::BenchDb::create("worklist", 8).await?;
    let mut conn = db.superuser().await?;
    let slug: String = sqlx::query_scalar(
        "SELECT slug FROM tenants WHERE slug IN ('helsinki', 'lahti') ORDER BY slug = 'helsinki' DESC LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await?;
    for statement in SETUP {
        sqlx::query(&statement.replace("{slug}", &slug)).execute(&mut conn).await?;
    }
    let url = support::serve(&db.store, &db.vault).await?;
    let coach = support::token("bench-coach-0", &slug, &[Role::Coach])?;
    let manager = support::token("bench-manager", &slug, &[Role::Manager])?;

    let mut table = Vec::new();
    let mut have = 0;
    for &n in &sizes {
        let started = Instant::now();
        let coaches = grow(&mut conn, have, n).await?;
        have = n;
        let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM customers JOIN area USING (tenant_id) WHERE status = 'active'), \
                    (SELECT count(*) FROM customers JOIN area USING (tenant_id) \
                     WHERE coach_id = md5('bench-coach-0')::uuid), \
                    (SELECT count(*) FROM meetings JOIN area USING (tenant_id)), \
                    (SELECT count(*) FROM plan_versions JOIN area USING (tenant_id)), \
                    (SELECT count(*) FROM path_episodes JOIN area USING (tenant_id))",
        )
        .fetch_one(&mut conn)
        .await?;
        println!(
            "\n{slug}: {} active customers, {coaches} coaches (the first with {}), {} meetings, \
             {} plan versions, {} path episodes (grown in {:.0} s)",
            counts.0,
            counts.1,
            counts.2,
            counts.3,
            counts.4,
            started.elapsed().as_secs_f64()
        );
        let worklist = measure(&db, &url, &coach, WORKLIST, length).await?;
        print("coach's worklist", counts.1, &worklist);
        let area = measure(&db, &url, &manager, AREA, length).await?;
        print("manager's area view", counts.0, &area);
        table.push((counts.0, coaches, worklist, area));
    }

    println!("\nGrowth, one client (p50 / p99 in ms; statements per request; response KiB):");
    println!(
        "{:>9} {:>7} | {:>30} | {:>30}",
        "customers", "coaches", "coach's worklist", "manager's area view"
    );
    for (customers, coaches, w, a) in &table {
        let cell = |f: &Figures| {
            format!(
                "{:>7.1} / {:>7.1} {:>3} st {:>5} KiB",
                ms(f.p50),
                ms(f.p99),
                f.statements,
                f.bytes / 1024
            )
        };
        println!("{customers:>9} {coaches:>7} | {} | {}", cell(w), cell(a));
    }
    drop(conn);
    if std::env::var_os("POLKU_WORKLIST_KEEP").is_some() {
        println!("kept the database for a look with EXPLAIN");
        return Ok(());
    }
    db.drop().await
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print(label: &str, customers: i64, f: &Figures) {
    println!(
        "{label:<20} ({customers:>6} customers): {:>3} statements, {:>5} KiB, p50 {:>8.1} ms, p99 {:>8.1} ms \
         ({} requests)",
        f.statements,
        f.bytes / 1024,
        ms(f.p50),
        ms(f.p99),
        f.requests
    );
}

/// One client asking `query` again and again for `length` (and at least
/// ten times), after one request that counts the statements and two that
/// warm up.
async fn measure(
    db: &support::BenchDb,
    url: &str,
    token: &str,
    query: &str,
    length: Duration,
) -> anyhow::Result<Figures> {
    let client = reqwest::Client::new();
    let body = serde_json::json!({ "query": query }).to_string();
    let ask = || async { anyhow::Ok(support::ask(&client, url, token, body.clone()).await?.len()) };
    let before = db.store.statement_count();
    let bytes = ask().await?;
    let statements = db.store.statement_count() - before;
    for _ in 0..2 {
        ask().await?;
    }
    let start = Instant::now();
    let mut latencies = Vec::new();
    while start.elapsed() < length || latencies.len() < 10 {
        let t = Instant::now();
        ask().await?;
        latencies.push(t.elapsed());
    }
    latencies.sort();
    let pct = |p: f64| support::percentile(&latencies, p).unwrap();
    Ok(Figures { statements, bytes, requests: latencies.len(), p50: pct(0.50), p99: pct(0.99) })
}

/// The area, the manager, and the list of generated customers (kept on this
/// connection) that each size adds to.
const SETUP: &[&str] = &[
    "CREATE TEMP TABLE area AS SELECT tenant_id, (SELECT min(code) FROM tenant_municipalities m \
        WHERE m.tenant_id = t.tenant_id) AS municipality FROM tenants t WHERE slug = '{slug}'",
    "INSERT INTO staff (tenant_id, staff_id, subject, name, languages, is_coach) \
     SELECT tenant_id, gen_random_uuid(), 'bench-manager', 'Esihenkilö', ARRAY['fi'], false FROM area",
    "CREATE TEMP TABLE bench_customers (i int PRIMARY KEY, customer_id uuid, tenant_id uuid, start date)",
];

/// Grows the area from `from` customers to `to`: a coach for every 149, the
/// first coach with 250 customers and the others sharing the rest evenly
/// (earlier customers are handed to the new coaches as a growing area
/// would), and each new customer with a job search begun up to two years
/// ago, a meeting every three weeks since, a plan revised every three
/// months, and a service-path period for one in five. Returns the number
/// of coaches.
async fn grow(conn: &mut sqlx::PgConnection, from: i64, to: i64) -> anyhow::Result<i64> {
    let coaches = ((to + CUSTOMERS_PER_COACH / 2) / CUSTOMERS_PER_COACH).max(2);
    let first = FIRST_CASELOAD.min(to / 2);
    // Bench-made integers, put in as text.
    let statements = [
        "INSERT INTO staff (tenant_id, staff_id, subject, name, languages) \
         SELECT tenant_id, md5('bench-coach-' || k)::uuid, 'bench-coach-' || k, 'Valmentaja ' || k, \
                ARRAY['fi', 'sv'] \
         FROM area, generate_series(0, {coaches} - 1) k ON CONFLICT DO NOTHING",
        "INSERT INTO bench_customers \
         SELECT i, md5('bench-customer-' || i)::uuid, tenant_id, current_date - 730 + (i % 60) \
         FROM area, generate_series({from}, {to} - 1) i",
        "INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, birth_date, last_name, \
            first_names, mother_tongue, service_language, home_municipality, job_search_started_on, coach_id) \
         SELECT b.tenant_id, b.customer_id, decode(md5('c' || i), 'hex'), decode(md5('h' || i), 'hex'), \
            date '1965-01-01' + (i * 37) % 14000, 'Asiakas' || i, 'Testi', \
            CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, \
            a.municipality, b.start, md5('bench-coach-0')::uuid \
         FROM bench_customers b JOIN area a USING (tenant_id) WHERE i >= {from}",
        // Everyone past the first coach's share, over the other coaches.
        "UPDATE customers c SET coach_id = md5('bench-coach-' || (1 + (b.i - {first}) % ({coaches} - 1)))::uuid \
         FROM bench_customers b \
         WHERE c.tenant_id = b.tenant_id AND c.customer_id = b.customer_id AND b.i >= {first} \
           AND c.coach_id IS DISTINCT FROM md5('bench-coach-' || (1 + (b.i - {first}) % ({coaches} - 1)))::uuid",
        "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, \
            created_by) \
         SELECT tenant_id, gen_random_uuid(), customer_id, \
            CASE WHEN k = 0 THEN 'initial_interview' ELSE 'job_search_discussion' END, 'in_person', \
            (start + k * 21) + time '10:00', 'fi', 'bench' \
         FROM bench_customers, generate_series(0, 30 + i % 5) k WHERE i >= {from}",
        "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type, current_version, created_at) \
         SELECT tenant_id, md5('bench-plan-' || i)::uuid, customer_id, 'employment_plan', 8, start + 1 \
         FROM bench_customers WHERE i >= {from}",
        "INSERT INTO plan_versions (tenant_id, plan_id, version, goals, tasks, job_search_obligation, created_at, \
            created_by) \
         SELECT b.tenant_id, md5('bench-plan-' || i)::uuid, v, '[\"Työ\"]', \
            jsonb_build_array( \
              jsonb_build_object('id', gen_random_uuid(), 'what', 'Hae neljää paikkaa', 'responsible', 'Customer', \
                                 'due', (current_date + v * 3)::text, 'done_on', null), \
              jsonb_build_object('id', gen_random_uuid(), 'what', 'Työkokeilu', 'responsible', 'Coach', \
                                 'due', (current_date - 10)::text, 'done_on', null), \
              jsonb_build_object('id', gen_random_uuid(), 'what', 'CV', 'responsible', 'Customer', \
                                 'due', null, 'done_on', (current_date - 100)::text)), \
            4, (b.start + 1) + (v - 1) * interval '90 days', 'bench' \
         FROM bench_customers b, generate_series(1, 8) v WHERE i >= {from}",
        "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, ends_on, days_per_week, \
            hours_per_day, rule_version, created_by) \
         SELECT tenant_id, gen_random_uuid(), customer_id, 'rehabilitative_work', start + 60, start + 240, 3, 6, \
            'path-2025', 'bench' \
         FROM bench_customers WHERE i >= {from} AND i % 5 = 0",
    ];
    for statement in statements {
        let sql = statement
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string())
            .replace("{coaches}", &coaches.to_string())
            .replace("{first}", &first.to_string());
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    // As autovacuum would have by the time anyone looks: statistics, and
    // the visibility map that index-only scans rely on.
    sqlx::raw_sql("VACUUM ANALYZE").execute(&mut *conn).await?;
    Ok(coaches)
}
