//! What the audit costs, written and read. Every read of customer data
//! leaves an audit entry in the request's own transaction; a page read is
//! one entry naming every customer on it (`customer_ids`), not one row per
//! customer. This prices both sides:
//!
//! 1. writing: a coach's caseload page of 150 customers read and audited,
//!    8 transactions at a time, as served (one entry) against the same page
//!    with one row per customer added (the cost the former layout paid);
//! 2. reading: "who read this customer" (`audit::list` by customer) and the
//!    customer's access report, over a log of 1,000,000 customer reads, kept
//!    as page entries of 150 and, for comparison, as one row per read.
//!
//! Prints figures; asserts nothing about time. Run with
//! `cargo xtask bench audit`.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use polku_domain::{Role, Slug};
use polku_store::audit::{self, AuditFilter};
use polku_store::{access, caseload, Actor, Store};
use uuid::Uuid;

#[path = "support.rs"]
mod support;

const CONCURRENCY: usize = 8;
const RUN: Duration = Duration::from_secs(5);
/// Customer reads in the log for the lookups.
const READS: i64 = 1_000_000;
const PAGE: i64 = 150;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let db = support::BenchDb::create("audit", 16).await?;
    let mut su = db.superuser().await?;
    for statement in CASELOAD {
        sqlx::query(statement).execute(&mut su).await?;
    }
    let coach: Uuid = sqlx::query_scalar("SELECT staff_id FROM staff WHERE subject = 'bench-coach'")
        .fetch_one(&mut su)
        .await?;
    let store = db.store.clone();
    println!(
        "audit benchmark, writing: a caseload page of {PAGE} customers read and audited, \
         {CONCURRENCY} concurrent transactions for {}s each, PostgreSQL as the application role",
        RUN.as_secs()
    );
    // Interleaved, twice each, so drift on a shared machine shows.
    for round in 1..=2 {
        for (label, per_customer) in [("one entry (as served)", false), ("+ one row per customer", true)] {
            let (tps, statements) = write(&store, coach, per_customer).await?;
            println!("round {round}: {label:<24} {tps:>8.0} pages/s, {statements:.1} statements each");
        }
    }

    println!(
        "audit benchmark, reading: who read a customer, and the access report, over {READS} customer reads"
    );
    let customers: Vec<Uuid> = sqlx::query_scalar(
        "SELECT customer_id FROM customers WHERE coach_id IS NOT NULL ORDER BY customer_id",
    )
    .fetch_all(&mut su)
    .await?;
    for (layout, fill) in [("page entries of 150", FILL_PAGES), ("one row per read", FILL_ROWS)] {
        sqlx::query("TRUNCATE audit_log").execute(&mut su).await?;
        let started = Instant::now();
        sqlx::query(fill).bind(READS).bind(PAGE).execute(&mut su).await?;
        sqlx::query("VACUUM ANALYZE audit_log").execute(&mut su).await?;
        let (rows, size): (i64, String) = sqlx::query_as(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('audit_log')) FROM audit_log",
        )
        .fetch_one(&mut su)
        .await?;
        println!(
            "{layout:<20} {rows:>8} rows, {size} with indexes, written in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let sample: Vec<Uuid> = customers.iter().step_by(customers.len() / 100).copied().collect();
        // The report shows the identity code, so the sampled customers get
        // one the vault can open.
        let tenant: Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE slug = 'porvoo'")
            .fetch_one(&mut su)
            .await?;
        let sealed = db.vault.encrypt(tenant, &polku_domain::Hetu::parse("010190-123M")?);
        sqlx::query("UPDATE customers SET hetu_ciphertext = $1, key_version = 1 WHERE customer_id = ANY($2)")
            .bind(&sealed)
            .bind(&sample)
            .execute(&mut su)
            .await?;
        let list = lookups(&store, &db.vault, &sample, Lookup::WhoRead).await?;
        let report = lookups(&store, &db.vault, &sample, Lookup::AccessReport).await?;
        let plan: Vec<String> = sqlx::query_scalar(
            "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY OFF) SELECT t.audit_id, t.at FROM audit_log t \
             WHERE t.customer_ids @> ARRAY[$1::uuid] ORDER BY at",
        )
        .bind(sample[0])
        .fetch_all(&mut su)
        .await?;
        println!("{layout:<20} the plan of \"who read this customer\":\n    {}", plan.join("\n    "));
        println!("{layout:<20} auditLog(customerId) first 20: {list}");
        println!("{layout:<20} accessReport:                  {report}");
    }
    db.drop().await
}

/// Pages per second, and statements per page.
async fn write(store: &Store, coach: Uuid, per_customer: bool) -> anyhow::Result<(f64, f64)> {
    let actor = Arc::new(coach_actor()?);
    let before = store.statement_count();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (store, actor) = (store.clone(), actor.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < RUN {
                let mut tx = store.begin(&actor).await?;
                let page = caseload::for_coach(&mut tx, coach, chrono::Utc::now()).await?;
                anyhow::ensure!(page.len() == PAGE as usize, "caseload of {}", page.len());
                if per_customer {
                    let ids: Vec<Uuid> = page.iter().map(|e| e.customer.id).collect();
                    sqlx::query(PER_CUSTOMER).bind(&ids).execute(tx.conn()).await?;
                }
                tx.commit().await?;
                done += 1;
            }
            Ok::<u64, anyhow::Error>(done)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    let statements = (store.statement_count() - before) as f64 / total as f64;
    Ok((total as f64 / secs, statements))
}

#[derive(Clone, Copy)]
enum Lookup {
    /// `audit::list` filtered by the customer, first 20.
    WhoRead,
    AccessReport,
}

/// p50 and p99 of one lookup per sampled customer, one at a time, each in
/// its own transaction (a manager's).
async fn lookups(
    store: &Store,
    vault: &polku_store::pii::HetuVault,
    sample: &[Uuid],
    lookup: Lookup,
) -> anyhow::Result<String> {
    let actor = Actor::request(
        "bench-manager".into(),
        vec![Role::Manager, Role::TenantAdmin],
        Some(Slug::parse("porvoo")?),
        None,
        None,
    );
    let mut times = Vec::new();
    let mut found = 0;
    for &c in sample {
        let t = Instant::now();
        let mut tx = store.begin(&actor).await?;
        found += match lookup {
            Lookup::WhoRead => {
                let filter = AuditFilter { customer_id: Some(c), ..AuditFilter::default() };
                audit::list(&mut tx, &filter, 20, None).await?.items.len()
            }
            Lookup::AccessReport => {
                access::report(&mut tx, vault, c).await?["auditLog"].as_array().map_or(0, Vec::len)
            }
        };
        tx.rollback().await?;
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |p: f64| support::percentile(&times, p).unwrap().as_secs_f64() * 1000.0;
    Ok(format!(
        "p50 {:>7.2} ms  p99 {:>7.2} ms  ({} customers, {:.0} entries each on average)",
        ms(0.5),
        ms(0.99),
        sample.len(),
        found as f64 / sample.len() as f64
    ))
}

fn coach_actor() -> anyhow::Result<Actor> {
    Ok(Actor::request("bench-coach".into(), vec![Role::Coach], Some(Slug::parse("porvoo")?), None, None))
}

/// The former layout's cost: one row per customer read.
const PER_CUSTOMER: &str = "INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_ids, action, what, request_id) \
     SELECT app_tenant(), app_user(), current_setting('polku.roles', true), ARRAY[c], 'read', 'caseload', NULL \
     FROM unnest($1::uuid[]) AS c";

/// `$1` customer reads as entries of `$2` customers each, drawn from the
/// area's assigned customers, a few entries a minute over two years.
const FILL_PAGES: &str =
    "WITH pool AS (SELECT array_agg(customer_id ORDER BY customer_id) AS ids FROM customers \
                   WHERE coach_id IS NOT NULL) \
     INSERT INTO audit_log (tenant_id, at, actor, actor_roles, customer_ids, action, what) \
     SELECT t.tenant_id, now() - (e || ' minutes')::interval, 'bench-coach', 'coach', \
            ARRAY(SELECT ids[1 + (hashint8(e * 1000 + k) & 2147483647) % cardinality(ids)] \
                  FROM generate_series(1, $2::int) k), 'read', 'caseload' \
     FROM tenants t, pool, generate_series(1, ($1 / $2)::int) e WHERE t.slug = 'porvoo'";

/// The same reads, one row each.
const FILL_ROWS: &str =
    "WITH pool AS (SELECT array_agg(customer_id ORDER BY customer_id) AS ids FROM customers \
                   WHERE coach_id IS NOT NULL) \
     INSERT INTO audit_log (tenant_id, at, actor, actor_roles, customer_ids, action, what) \
     SELECT t.tenant_id, now() - ((r / $2) || ' minutes')::interval, 'bench-coach', 'coach', \
            ARRAY[ids[1 + (hashint8(r) & 2147483647) % cardinality(ids)]], 'read', 'caseload' \
     FROM tenants t, pool, generate_series(1, $1) r WHERE t.slug = 'porvoo'";

/// A coach with 150 active customers, each with a plan and a meeting to
/// come, among 5,000 customers of the area.
const CASELOAD: &[&str] = &[
    "CREATE TEMP TABLE area AS SELECT tenant_id FROM tenants WHERE slug = 'porvoo'",
    "INSERT INTO staff (tenant_id, staff_id, subject, name, languages) \
     SELECT tenant_id, gen_random_uuid(), 'bench-coach' || CASE WHEN k = 0 THEN '' ELSE '-' || k END, \
            'Valmentaja ' || k, ARRAY['fi'] FROM area, generate_series(0, 32) k",
    "INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, birth_date, last_name, first_names, \
        mother_tongue, service_language, home_municipality, job_search_started_on, coach_id) \
     SELECT a.tenant_id, gen_random_uuid(), decode(md5('c' || i), 'hex'), decode(md5('h' || i), 'hex'), \
        date '1965-01-01' + (i * 37) % 14000, 'Asiakas' || i, 'Testi', 'fi', 'fi', '638', current_date - 200, \
        (SELECT staff_id FROM staff WHERE subject = 'bench-coach' || CASE WHEN i < 150 THEN '' \
                                                   ELSE '-' || (1 + i % 32) END) \
     FROM area a, generate_series(0, 4999) i",
    "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type, current_version) \
     SELECT tenant_id, gen_random_uuid(), customer_id, 'employment_plan', 1 FROM customers \
     WHERE last_name LIKE 'Asiakas%'",
    "INSERT INTO plan_versions (tenant_id, plan_id, version, goals, tasks, job_search_obligation, created_by) \
     SELECT tenant_id, plan_id, 1, '[\"Työ\"]', \
        '[{\"id\": \"00000000-0000-0000-0000-000000000001\", \"what\": \"CV\", \"responsible\": \"Customer\", \
           \"due\": null, \"done_on\": null}]', 4, 'bench' FROM employment_plans",
    "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, created_by) \
     SELECT tenant_id, gen_random_uuid(), customer_id, 'job_search_discussion', 'in_person', now() + interval '7 days', \
        'fi', 'bench' FROM customers WHERE last_name LIKE 'Asiakas%'",
    "ANALYZE",
];
