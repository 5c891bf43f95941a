//! Partners' reports at a large partner's scale: a workshop running 2,000
//! customers' places in one area, with two years of daily attendance
//! behind them (about a million reports). Through the real gateway on a
//! loopback socket, with a partner's token:
//! - the month of November reported for all 2,000 in one request (40,000
//!   entries), then the same month again (every entry a correction);
//! - the coach's timeline of one customer's partner reports (two years)
//!   and the referral's two years of attendance, p50/p99.
//!
//! Prints times; asserts nothing about them. Run with `cargo xtask bench
//! partners`; `POLKU_PARTNER_CUSTOMERS=200` and `POLKU_PARTNER_SECONDS=3`
//! for a smoke run; `POLKU_PARTNER_KEEP=1` keeps the database afterwards.

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

use chrono::{Datelike, NaiveDate};
use polku_domain::Role;
use polku_store::generate::{national, Scale};
use serde_json::json;

#[path = "support.rs"]
mod support;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let people: i64 = std::env::var("POLKU_PARTNER_CUSTOMERS").map_or(Ok(2_000), |s| s.parse())?;
    let length = Duration::from_secs(std::env::var("POLKU_PARTNER_SECONDS").map_or(Ok(20), |s| s.parse())?);
    let db = support::BenchDb::create("partners", 8).await?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let t = Instant::now();
    national(&db.store, &Scale { seed: 19, customers: people * 6, areas: 6, today }, &mut |_| {}).await?;
    let largest: i64 = {
        let mut su = db.superuser().await?;
        sqlx::query_scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM customers GROUP BY tenant_id) x")
            .fetch_one(&mut su)
            .await?
    };
    anyhow::ensure!(largest >= people, "the largest area has {largest} customers, fewer than {people}");
    println!("areas filled in {:.0} s", t.elapsed().as_secs_f64());

    // The area with the most customers, a workshop partner in it, and a
    // started referral for `people` of its customers since December 2024.
    let mut su = db.superuser().await?;
    let (tenant, slug): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT t.tenant_id, t.slug FROM tenants t JOIN customers c USING (tenant_id) \
         GROUP BY t.tenant_id, t.slug ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&mut su)
    .await?;
    let partner = uuid::Uuid::now_v7();
    let service = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO partners (tenant_id, partner_id, name, kind, languages) \
         VALUES ($1, $2, 'Suuri työpaja', 'third_sector', ARRAY['fi'])",
    )
    .bind(tenant)
    .bind(partner)
    .execute(&mut su)
    .await?;
    sqlx::query(
        "INSERT INTO services (tenant_id, service_id, names, category, languages, capacity, cost_cents, \
                               active_from, provider_partner_id) \
         VALUES ($1, $2, '{\"fi\": \"Suuri työpaja\"}', 'workshop', ARRAY['fi'], $3, 90000, '2024-01-01', $4)",
    )
    .bind(tenant)
    .bind(service)
    .bind(people as i32 + 100)
    .bind(partner)
    .execute(&mut su)
    .await?;
    let t = Instant::now();
    let referrals: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
        "INSERT INTO referrals (tenant_id, referral_id, customer_id, service_id, partner_id, state, referred_by, \
                                legal_basis, sent_at, started_on) \
         SELECT $1, gen_random_uuid(), c.customer_id, $2, $3, 'started', 'bench-coach', \
                (SELECT b.code FROM legal_bases b WHERE 'workshop' = ANY(b.default_for) AND b.selectable \
                 ORDER BY b.code LIMIT 1), '2024-11-25', '2024-12-02' \
         FROM (SELECT customer_id FROM customers WHERE tenant_id = $1 ORDER BY customer_id LIMIT $4) c \
         RETURNING referral_id, customer_id",
    )
    .bind(tenant)
    .bind(service)
    .bind(partner)
    .bind(people)
    .fetch_all(&mut su)
    .await?;
    // Two years of working days: present mostly, sick now and then, an
    // unexplained day rarely; and a deviation or two a year each.
    let history = sqlx::query(
        "INSERT INTO attendance (tenant_id, referral_id, on_date, unit, status, hours, reported_by) \
         SELECT $1, r.referral_id, d::date, 'day', \
                CASE WHEN (hashtext(r.referral_id::text || d::text) & 63) = 0 THEN 'absent_sick' \
                     WHEN (hashtext(r.referral_id::text || d::text) & 255) = 1 THEN 'absent_unexplained' \
                     ELSE 'present' END, 6, 'bench-partner' \
         FROM referrals r, generate_series('2024-12-02'::date, '2026-10-30'::date, interval '1 day') d \
         WHERE r.service_id = $2 AND extract(isodow FROM d) < 6",
    )
    .bind(tenant)
    .bind(service)
    .execute(&mut su)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO deviations (tenant_id, referral_id, kind, occurred_on, matter, reported_by) \
         SELECT $1, r.referral_id, 'unexplained_absence', d::date, 'neglect', 'bench-partner' \
         FROM referrals r, generate_series('2025-02-03'::date, '2026-10-30'::date, interval '7 months') d \
         WHERE r.service_id = $2",
    )
    .bind(tenant)
    .bind(service)
    .execute(&mut su)
    .await?;
    sqlx::raw_sql("ANALYZE attendance; ANALYZE deviations; ANALYZE referrals").execute(&mut su).await?;
    println!(
        "{} referrals, {history} attendance reports over two years, in {:.0} s",
        referrals.len(),
        t.elapsed().as_secs_f64()
    );

    let url = support::serve(&db.store, &db.vault).await?;
    let partner_token = support::partner_token("bench-partner", &slug, partner)?;
    let client = reqwest::Client::new();

    // November's working days, for every customer at once.
    let days: Vec<NaiveDate> = (2..=27)
        .filter_map(|d| NaiveDate::from_ymd_opt(2026, 11, d))
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .collect();
    let month = |status: &str| {
        let reports: Vec<_> = referrals
            .iter()
            .map(|(referral, _)| {
                let entries: Vec<_> = days
                    .iter()
                    .map(|d| json!({ "day": d.to_string(), "status": status, "hours": if status == "PRESENT" { json!(6) } else { json!(null) } }))
                    .collect();
                json!({ "referralId": referral, "entries": entries })
            })
            .collect();
        json!({
            "query": "mutation($r: [AttendanceReportInput!]!) { reportAttendance(reports: $r) { written corrected } }",
            "variables": { "r": reports }
        })
        .to_string()
    };
    for (label, body) in [("first report", month("PRESENT")), ("all corrected", month("ABSENT_AGREED"))] {
        let t = Instant::now();
        let text = support::ask(&client, &url, &partner_token, body.clone()).await?;
        let took = t.elapsed().as_secs_f64();
        anyhow::ensure!(!text.contains("\"errors\""), "{label}: {}", &text[..text.len().min(500)]);
        println!(
            "reportAttendance, {label}: {} referrals × {} days = {} entries ({} KiB) in {took:.2} s: {}",
            referrals.len(),
            days.len(),
            referrals.len() * days.len(),
            body.len() / 1024,
            text
        );
    }

    // The coach's view of one customer with two years of reports.
    let coach = support::token("bench-coach", &slug, &[Role::Coach, Role::Manager])?;
    let (referral, customer) = referrals[0];
    support::measure_with(
        &url,
        &coach,
        "customer.partnerReports",
        "query($c: ID!) { customer(id: $c) { partnerReports { on kind referralId detail } } }",
        &json!({ "c": customer }),
        1,
        length,
    )
    .await?;
    support::measure_with(
        &url,
        &coach,
        "referral.attendance (2 y)",
        "query($r: ID!) { referral(id: $r) { attendance(from: \"2024-12-01\", to: \"2026-11-30\") { day status hours } \
                                         deviations { kind occurredOn } } }",
        &json!({ "r": referral }),
        1,
        length,
    )
    .await?;
    drop(su);
    if std::env::var_os("POLKU_PARTNER_KEEP").is_some() {
        println!("kept the database for a look with EXPLAIN");
        return Ok(());
    }
    db.drop().await
}
