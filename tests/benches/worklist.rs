//! Worklists at scale: a coach's worklist over a caseload of 150 customers
//! with two years of history each, and a manager's view over an area of
//! 5,000 customers, through the real gateway on a loopback socket and real
//! PostgreSQL as the application role. Prints figures, including the
//! statements per request (which must not grow with the caseload); asserts
//! nothing about time. Run with `cargo xtask bench worklist`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::{Duration, Instant};

use polku_domain::Role;

#[path = "support.rs"]
mod support;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("worklist", 8).await?;
    let started = Instant::now();
    let mut conn = db.superuser().await?;
    for statement in GENERATE {
        sqlx::query(statement).execute(&mut conn).await?;
    }
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM customers c JOIN tenants t USING (tenant_id) WHERE t.slug = 'porvoo'), \
                (SELECT count(*) FROM meetings), (SELECT count(*) FROM plan_versions), (SELECT count(*) FROM path_episodes)",
    )
    .fetch_one(&mut conn)
    .await?;
    println!(
        "worklist benchmark: Porvoo with {} customers, {} meetings, {} plan versions, {} path episodes \
         (two years of history each; generated in {:.1} s)",
        counts.0,
        counts.1,
        counts.2,
        counts.3,
        started.elapsed().as_secs_f64()
    );

    let url = support::serve(&db.store, &db.vault).await?;
    let coach = support::token("bench-coach-0", "porvoo", &[Role::Coach])?;
    let manager = support::token("bench-manager", "porvoo", &[Role::Manager])?;
    for (label, token, query, length) in [
        (
            "coach worklist, 150",
            &coach,
            "{ worklist { items { customerName serviceLanguage kind due status ruleVersion task } counts { overdue dueSoon upcoming } } }",
            Duration::from_secs(10),
        ),
        (
            "manager view, 5,000",
            &manager,
            "{ areaWorklist(itemsPerCoach: 10) { counts { overdue } coaches { coach { name } caseload counts { overdue dueSoon upcoming } items { customerName kind due status } } } }",
            Duration::from_secs(20),
        ),
    ] {
        let before = db.store.statement_count();
        let body = one(&url, token, query).await?;
        println!(
            "{label:<28} one request: {} statements, {} KiB response",
            db.store.statement_count() - before,
            body.len() / 1024
        );
        support::measure(&url, token, label, query, 1, length).await?;
    }
    db.drop().await
}

async fn one(url: &str, token: &str, query: &str) -> anyhow::Result<String> {
    let body = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await?
        .text()
        .await?;
    anyhow::ensure!(!body.contains("\"errors\""), "{body}");
    Ok(body)
}

/// The area: 40 coaches, the first with 150 customers and the others
/// sharing the rest; each customer with a job search begun up to two years
/// ago, a meeting every three weeks since (the latest few missed for some),
/// a plan revised every three months, and a service-path period for one in
/// five.
const GENERATE: &[&str] = &[
    "CREATE TEMP TABLE area AS SELECT tenant_id FROM tenants WHERE slug = 'porvoo'",
    "INSERT INTO staff (tenant_id, staff_id, subject, name, languages) \
     SELECT tenant_id, gen_random_uuid(), 'bench-coach-' || k, 'Valmentaja ' || k, ARRAY['fi', 'sv'] \
     FROM area, generate_series(0, 39) k",
    "INSERT INTO staff (tenant_id, staff_id, subject, name, languages, is_coach) \
     SELECT tenant_id, gen_random_uuid(), 'bench-manager', 'Esihenkilö', ARRAY['fi'], false FROM area",
    "CREATE TEMP TABLE coach AS \
     SELECT staff_id, substring(subject from 13)::int AS k FROM staff WHERE subject LIKE 'bench-coach-%'",
    "INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, birth_date, last_name, first_names, \
        mother_tongue, service_language, home_municipality, job_search_started_on, coach_id) \
     SELECT a.tenant_id, gen_random_uuid(), decode(md5('c' || i), 'hex'), decode(md5('h' || i), 'hex'), \
        date '1965-01-01' + (i * 37) % 14000, 'Asiakas' || i, 'Testi', \
        CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, CASE WHEN i % 10 = 0 THEN 'sv' ELSE 'fi' END, '638', \
        current_date - 730 + (i % 60), c.staff_id \
     FROM area a, generate_series(0, 4999) i \
     JOIN coach c ON c.k = CASE WHEN i < 150 THEN 0 ELSE 1 + (i - 150) % 39 END",
    "CREATE TEMP TABLE bench_customers AS \
     SELECT customer_id, tenant_id, job_search_started_on AS start, row_number() OVER () AS n \
     FROM customers WHERE last_name LIKE 'Asiakas%'",
    "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, created_by) \
     SELECT tenant_id, gen_random_uuid(), customer_id, \
        CASE WHEN k = 0 THEN 'initial_interview' ELSE 'job_search_discussion' END, 'in_person', \
        (start + k * 21) + time '10:00', 'fi', 'bench' \
     FROM bench_customers, generate_series(0, 30 + (n % 5)::int) k",
    "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type, current_version, created_at) \
     SELECT tenant_id, gen_random_uuid(), customer_id, 'employment_plan', 8, start + 1 FROM bench_customers",
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
     FROM employment_plans p JOIN bench_customers b USING (customer_id), generate_series(1, 8) v",
    "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, ends_on, days_per_week, \
        hours_per_day, rule_version, created_by) \
     SELECT tenant_id, gen_random_uuid(), customer_id, 'rehabilitative_work', start + 60, start + 240, 3, 6, \
        'path-2025', 'bench' \
     FROM bench_customers WHERE n % 5 = 0",
    "ANALYZE",
];
