//! Appointments: how fast the outbox delivers to a local SMTP server, and
//! the free-slot query for a coach over three months.
//!
//! - **Outbox.** `POLKU_OUTBOX_MESSAGES` (5,000) e-mails, each with its
//!   calendar file, are queued for Porvoo's customers. `deliver_due` is run
//!   round after round until none is left, against `polku_devenv::SmtpSink`,
//!   which writes every message to disk as an `.eml` file. Prints messages
//!   per second, checks that each arrived exactly once, and counts the
//!   attempts.
//! - **Free slots.** A coach's next three months (the longest range the API
//!   allows) are filled to about 40 % with 45-minute appointments (four a working day). Then
//!   `freeSlots` for the whole range is asked through the real gateway, with
//!   one client and with four.
//!
//! Asserts nothing about time. Run with `cargo xtask bench appointments`.
//! `POLKU_APPOINTMENTS_SECONDS=3` gives a shorter measurement.

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

use chrono::{DateTime, Utc};
use polku_domain::Role;
use polku_server::outbox::{deliver_due, Mailer, Senders};
use serde_json::json;

#[path = "support.rs"]
mod support;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if !support::benchmarking() {
        return Ok(());
    }
    let length =
        Duration::from_secs(std::env::var("POLKU_APPOINTMENTS_SECONDS").map_or(Ok(20), |s| s.parse())?);
    let messages: i64 = std::env::var("POLKU_OUTBOX_MESSAGES").map_or(Ok(5000), |s| s.parse())?;
    let db = support::BenchDb::create("appointments", 8).await?;
    let mut conn = db.superuser().await?;

    // The outbox: e-mails to Porvoo's customers, each with a calendar file
    // of an ordinary invitation's size.
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Polku//Appointments//EN\r\nMETHOD:PUBLISH\r\n\
         BEGIN:VEVENT\r\nUID:bench@polku\r\nSEQUENCE:0\r\nDTSTAMP:20261130T080000Z\r\n\
         DTSTART:20261202T080000Z\r\nDTEND:20261202T084500Z\r\nSUMMARY:jobbsökningssamtal\r\n\
         LOCATION:Rådhusgatan 1\\, Borgå\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "x".repeat(200)
    );
    let queued = sqlx::query(
        "INSERT INTO outbox (tenant_id, message_id, customer_id, purpose, channel, recipient, language, \
             subject, body, calendar, due_at, next_attempt_at, dedupe_key) \
         SELECT c.tenant_id, gen_random_uuid(), c.customer_id, 'invitation', 'email', \
                'customer' || g || '@example.fi', 'sv', 'Din bokade tid: jobbsökningssamtal, 2.12.2026 kl. 10.00', \
                repeat('Hej Anna, du har en bokad tid hos sysselsättningstjänsterna i Borgå. ', 8), $2, \
                '2026-11-30T08:00:00Z', '2026-11-30T08:00:00Z', 'bench:' || g \
         FROM generate_series(1, $1) g \
         JOIN (SELECT tenant_id, customer_id, row_number() OVER (ORDER BY customer_id) - 1 AS n, \
                      count(*) OVER () AS of FROM customers \
               WHERE tenant_id = (SELECT tenant_id FROM tenants WHERE slug = 'porvoo')) c ON c.n = g % c.of",
    )
    .bind(messages)
    .bind(&ics)
    .execute(&mut conn)
    .await?
    .rows_affected();
    let folder = std::env::temp_dir().join(format!("polku-bench-smtp-{}", std::process::id()));
    let sink = polku_devenv::SmtpSink::start("127.0.0.1:0", &folder)?;
    let senders = Senders {
        mail: Some(Mailer::new(&format!("smtp://{}", sink.addr()), "Polku <polku@porvoo.example>")?),
        ..Senders::default()
    };
    let now: DateTime<Utc> = "2026-11-30T08:00:00Z".parse()?;
    let started = Instant::now();
    let (mut sent, mut failed, mut rounds) = (0, 0, 0);
    while sent < queued as usize {
        let round = deliver_due(&db.store, &senders, now).await?;
        rounds += 1;
        sent += round.sent;
        failed += round.failed;
        anyhow::ensure!(
            round.sent + round.failed > 0,
            "a round sent nothing with {} left",
            queued as usize - sent
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    let received = sink.messages().len();
    let attempts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_attempts").fetch_one(&mut conn).await?;
    println!(
        "outbox → local SMTP: {sent} e-mails in {elapsed:.1} s = {:.0} messages/s \
         ({rounds} rounds, {failed} failed, {attempts} attempts, {received} received)",
        sent as f64 / elapsed
    );
    anyhow::ensure!(received == sent, "{received} received for {sent} sent");
    std::fs::remove_dir_all(&folder).ok();

    // Free slots: Porvoo's first coach, three months about 40 % full.
    let coach: uuid::Uuid = sqlx::query_scalar(
        "SELECT staff_id FROM staff WHERE tenant_id = (SELECT tenant_id FROM tenants WHERE slug = 'porvoo') \
         AND is_coach AND active ORDER BY staff_id LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await?;
    let booked = sqlx::query(
        "INSERT INTO appointments (tenant_id, appointment_id, customer_id, coach_id, kind, starts_at, \
             duration_minutes, ends_at, channel, language, send_by, created_by) \
         SELECT s.tenant_id, gen_random_uuid(), (SELECT customer_id FROM customers WHERE tenant_id = s.tenant_id \
                    ORDER BY customer_id LIMIT 1), s.staff_id, 'job_search_discussion', t, 45, \
                t + interval '45 minutes', 'phone', 'fi', 'letter', 'bench' \
         FROM staff s, generate_series(timestamptz '2026-12-01 06:00Z', timestamptz '2027-02-28 06:00Z', \
              interval '1 day') d, \
              LATERAL (SELECT d + make_interval(hours => h) AS t FROM unnest(ARRAY[0, 1, 3, 5]) h) slot \
         WHERE s.staff_id = $1 AND extract(isodow FROM d) < 6",
    )
    .bind(coach)
    .execute(&mut conn)
    .await?
    .rows_affected();
    println!("\n{booked} appointments over three months for one coach (four 45-minute ones a working day)");
    let url = support::serve(&db.store, &db.vault).await?;
    let token = support::token("bench-coach", "porvoo", &[Role::Coach])?;
    let query = "query($c: ID!) { freeSlots(coachId: $c, from: \"2026-12-01\", to: \"2027-02-28\", \
                 durationMinutes: 45) { startsAt endsAt } }";
    let vars = json!({ "c": coach });
    for concurrency in [1, 4] {
        support::measure_with(&url, &token, "freeSlots, 3 months", query, &vars, concurrency, length).await?;
    }
    drop(conn);
    db.drop().await
}
