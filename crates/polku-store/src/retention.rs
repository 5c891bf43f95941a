//! The personal data's life cycle in the database: each area's retention
//! periods, legal holds, erasure requests, and the retention run that erases
//! what has expired.
//!
//! The run works as the `polku_retention` database role, whose policies
//! decide what may go (`customer_erasable` in the migration): this code picks
//! candidates and reports, but cannot erase a customer the database does not
//! find erasable. A customer is erased in one transaction with the rest of
//! its batch: its logs' customer id becomes a fresh random tombstone, a
//! tombstone row keeps the dates, and deleting the customer takes every row
//! of theirs with it (the foreign keys cascade). Batches are independent, so
//! a run can be stopped and started again; it picks up what is still due.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::retention::{RecordKind, RetentionRules};
use polku_domain::{DomainError, ErrorCode, Role, Slug};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{Actor, Store, StoreError, SystemTask, Tx};

/// An area's retention period for one kind of record.
#[derive(Clone, Debug)]
pub struct Period {
    pub kind: RecordKind,
    pub years: i16,
    pub minimum_years: i16,
    pub rule_id: String,
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
}

/// The retention actor of an area. It carries the manager and tenant
/// administrator roles so that the case tables' and the audit log's row
/// policies let it read what it decides by; its database role limits what
/// it may change.
pub fn actor(slug: &Slug) -> Actor {
    Actor::task(SystemTask::Retention, Some(slug.clone()), vec![Role::Manager, Role::TenantAdmin])
}

/// Writes the area's periods from the rules in force: a missing kind gets
/// the default, and a stored period below a (raised) minimum is raised to
/// it. An area's own longer choice is kept.
pub async fn ensure_periods(tx: &mut Tx, rules: &RetentionRules, today: NaiveDate) -> Result<(), StoreError> {
    let version = rules.in_force(today);
    let kinds: Vec<&str> = version.kind.iter().map(|k| k.kind.code()).collect();
    let defaults: Vec<i16> =
        version.kind.iter().map(|k| i16::try_from(k.default_years).unwrap_or(i16::MAX)).collect();
    let minimums: Vec<i16> =
        version.kind.iter().map(|k| i16::try_from(k.minimum_years).unwrap_or(i16::MAX)).collect();
    sqlx::query(
        "INSERT INTO retention_periods (tenant_id, kind, years, minimum_years, rule_id) \
         SELECT app_tenant(), k, d, m, $4 FROM unnest($1::text[], $2::smallint[], $3::smallint[]) AS x(k, d, m) \
         ON CONFLICT (tenant_id, kind) DO UPDATE SET minimum_years = excluded.minimum_years, \
             years = greatest(retention_periods.years, excluded.minimum_years), rule_id = excluded.rule_id \
         WHERE retention_periods.minimum_years <> excluded.minimum_years \
            OR retention_periods.rule_id <> excluded.rule_id",
    )
    .bind(&kinds)
    .bind(&defaults)
    .bind(&minimums)
    .bind(&version.id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

type PeriodRow = (String, i16, i16, String, Option<String>, Option<DateTime<Utc>>);

/// The area's periods, in the order of the kinds; a kind the area has not
/// set yet shows the default of the rules in force.
pub async fn periods(
    tx: &mut Tx,
    rules: &RetentionRules,
    today: NaiveDate,
) -> Result<Vec<Period>, StoreError> {
    let rows: Vec<PeriodRow> = sqlx::query_as(
        "SELECT kind, years, minimum_years, rule_id, set_by, set_at FROM retention_periods ORDER BY kind",
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out: Vec<Period> = rows
        .into_iter()
        .filter_map(|(kind, years, minimum_years, rule_id, set_by, set_at)| {
            Some(Period {
                kind: RecordKind::from_code(&kind)?,
                years,
                minimum_years,
                rule_id,
                set_by,
                set_at,
            })
        })
        .collect();
    let version = rules.in_force(today);
    for rule in &version.kind {
        if !out.iter().any(|p| p.kind == rule.kind) {
            out.push(Period {
                kind: rule.kind,
                years: i16::try_from(rule.default_years).unwrap_or(i16::MAX),
                minimum_years: i16::try_from(rule.minimum_years).unwrap_or(i16::MAX),
                rule_id: version.id.clone(),
                set_by: None,
                set_at: None,
            });
        }
    }
    out.sort_by_key(|p| RecordKind::ALL.iter().position(|k| *k == p.kind));
    Ok(out)
}

/// Sets an area's period for one kind (a tenant administrator): never below
/// the minimum of the rules in force (`RETENTION_BELOW_MINIMUM` on `years`).
/// An area's first setting also writes the rules' minimum with it.
pub async fn set_period(
    tx: &mut Tx,
    rules: &RetentionRules,
    today: NaiveDate,
    kind: RecordKind,
    years: i32,
) -> Result<Period, StoreError> {
    let version = rules.in_force(today);
    let years = version.check_years(kind, years)?;
    let minimum = version.rule(kind).map_or(0, |r| r.minimum_years);
    sqlx::query(
        "INSERT INTO retention_periods (tenant_id, kind, years, minimum_years, rule_id, set_by, set_at) \
         VALUES (app_tenant(), $1, $2, $3, $4, coalesce(app_user(), 'system'), now()) \
         ON CONFLICT (tenant_id, kind) DO UPDATE SET years = excluded.years, set_by = excluded.set_by, \
             set_at = excluded.set_at",
    )
    .bind(kind.code())
    .bind(i16::try_from(years).unwrap_or(i16::MAX))
    .bind(i16::try_from(minimum).unwrap_or(i16::MAX))
    .bind(&version.id)
    .execute(tx.conn())
    .await?;
    periods(tx, rules, today).await?.into_iter().find(|p| p.kind == kind).ok_or(StoreError::NotFound)
}

/// A legal hold on a customer.
#[derive(Clone, Debug)]
pub struct LegalHold {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub reason: String,
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
    pub released_by: Option<String>,
    pub released_at: Option<DateTime<Utc>>,
}

type HoldRow = (Uuid, Uuid, String, String, DateTime<Utc>, Option<String>, Option<DateTime<Utc>>);

fn hold(r: HoldRow) -> LegalHold {
    LegalHold {
        id: r.0,
        customer_id: r.1,
        reason: r.2,
        placed_by: r.3,
        placed_at: r.4,
        released_by: r.5,
        released_at: r.6,
    }
}

const HOLD_COLUMNS: &str = "hold_id, customer_id, reason, placed_by, placed_at, released_by, released_at";

/// Places a legal hold (a manager): the customer is not erased, by retention
/// or on request, until it is released. The reason is required.
pub async fn place_hold(tx: &mut Tx, customer: Uuid, reason: &str) -> Result<LegalHold, StoreError> {
    crate::customers::must_exist(tx, customer).await?;
    let row: HoldRow = sqlx::query_as(&format!(
        "INSERT INTO legal_holds (tenant_id, hold_id, customer_id, reason, placed_by) \
         VALUES (app_tenant(), $1, $2, $3, coalesce(app_user(), 'system')) RETURNING {HOLD_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(customer)
    .bind(reason)
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Change, "legal hold").await?;
    Ok(hold(row))
}

/// Releases a hold; NOT_FOUND for another area's or an already released one.
pub async fn release_hold(tx: &mut Tx, id: Uuid) -> Result<LegalHold, StoreError> {
    let row: HoldRow = sqlx::query_as(&format!(
        "UPDATE legal_holds SET released_by = coalesce(app_user(), 'system'), released_at = now() \
         WHERE hold_id = $1 AND released_at IS NULL RETURNING {HOLD_COLUMNS}"
    ))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    audit::record(tx, &[row.1], AuditAction::Change, "legal hold released").await?;
    Ok(hold(row))
}

/// A customer's holds, newest first.
pub async fn holds(tx: &mut Tx, customer: Uuid) -> Result<Vec<LegalHold>, StoreError> {
    crate::customers::must_exist(tx, customer).await?;
    let rows: Vec<HoldRow> = sqlx::query_as(&format!(
        "SELECT {HOLD_COLUMNS} FROM legal_holds WHERE customer_id = $1 ORDER BY placed_at DESC"
    ))
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "legal holds").await?;
    Ok(rows.into_iter().map(hold).collect())
}

/// Records a customer's request to be erased (a manager), refused where the
/// record must be kept: an active legal hold (`LEGAL_HOLD_ACTIVE`), a grant
/// or service-path period still running (`ERASURE_NOT_ALLOWED`). The next
/// retention run of the area erases the customer.
pub async fn request_erasure(tx: &mut Tx, customer: Uuid, today: NaiveDate) -> Result<(), StoreError> {
    crate::customers::must_exist(tx, customer).await?;
    let (held, running): (bool, bool) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM legal_holds WHERE customer_id = $1 AND released_at IS NULL), \
                EXISTS (SELECT 1 FROM employment_grants WHERE customer_id = $1 AND ends_on >= $2) \
             OR EXISTS (SELECT 1 FROM path_episodes WHERE customer_id = $1 AND ends_on >= $2)",
    )
    .bind(customer)
    .bind(today)
    .fetch_one(tx.conn())
    .await?;
    if held {
        return Err(DomainError::field(ErrorCode::LegalHoldActive, "customerId").into());
    }
    if running {
        return Err(DomainError::field(ErrorCode::ErasureNotAllowed, "customerId").into());
    }
    sqlx::query(
        "INSERT INTO erasure_requests (tenant_id, customer_id, requested_by) \
         VALUES (app_tenant(), $1, coalesce(app_user(), 'system')) ON CONFLICT DO NOTHING",
    )
    .bind(customer)
    .execute(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Change, "erasure requested").await?;
    Ok(())
}

/// What a run did (or, dry, would do) in one area.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct AreaReport {
    pub area: String,
    pub dry_run: bool,
    /// Customers due (expired or requested, and not held).
    pub customers_due: u64,
    pub customers_erased: u64,
    /// Customers under an active legal hold.
    pub customers_held: u64,
    pub letters_deleted: u64,
    pub import_reports_deleted: u64,
    pub audit_rows_deleted: u64,
    pub disclosures_deleted: u64,
    pub batches: u64,
}

/// How a run goes.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub dry_run: bool,
    /// Customers erased per transaction.
    pub batch: usize,
    pub today: NaiveDate,
}

/// Runs retention in one area: periods written from the rules, then the
/// expired customers erased batch by batch, then the letters, import reports
/// and log rows older than their periods deleted. `progress` hears after
/// each batch.
pub async fn run_area(
    store: &Store,
    rules: &RetentionRules,
    slug: &Slug,
    options: RunOptions,
    progress: &mut (dyn FnMut(&AreaReport) + Send),
) -> Result<AreaReport, StoreError> {
    let actor = actor(slug);
    let mut report =
        AreaReport { area: slug.as_str().to_string(), dry_run: options.dry_run, ..AreaReport::default() };

    let mut tx = store.begin(&actor).await?;
    ensure_periods(&mut tx, rules, options.today).await?;
    // The candidates, decided by the database's own rule; one pass, so a
    // batch never rescans the customers that stay. Customers still active
    // without a request are passed over before the rule is asked: they are
    // most of an area, and the rule costs a few index lookups each.
    type Due = (Uuid, Option<NaiveDate>, bool);
    let due: Vec<Due> = sqlx::query_as(
        "SELECT customer_id, customer_relationship_ended_on(tenant_id, customer_id), \
                EXISTS (SELECT 1 FROM erasure_requests q WHERE q.customer_id = c.customer_id) \
         FROM customers c \
         WHERE (c.status IN ('closed', 'moved_away', 'employed', 'in_education') \
                OR EXISTS (SELECT 1 FROM erasure_requests q WHERE q.customer_id = c.customer_id)) \
           AND customer_erasable(tenant_id, customer_id) ORDER BY customer_id",
    )
    .fetch_all(tx.conn())
    .await?;
    report.customers_held = sqlx::query_scalar::<_, i64>(
        "SELECT count(DISTINCT customer_id) FROM legal_holds WHERE released_at IS NULL",
    )
    .fetch_one(tx.conn())
    .await?
    .try_into()
    .unwrap_or(0);
    report.customers_due = u64::try_from(due.len()).unwrap_or(u64::MAX);
    tx.commit().await?;
    if options.dry_run {
        return Ok(report);
    }

    for chunk in due.chunks(options.batch.max(1)) {
        let mut tx = store.begin(&actor).await?;
        let erased = erase_batch(&mut tx, chunk).await?;
        tx.commit().await?;
        report.customers_erased += erased;
        report.batches += 1;
        progress(&report);
    }

    let mut tx = store.begin(&actor).await?;
    report.letters_deleted = expire(&mut tx, "letters", "created_at", RecordKind::Letters).await?;
    report.import_reports_deleted =
        expire(&mut tx, "import_runs", "started_at", RecordKind::ImportReports).await?;
    report.audit_rows_deleted = expire(&mut tx, "audit_log", "at", RecordKind::AuditLog).await?;
    report.disclosures_deleted = expire(&mut tx, "disclosures", "at", RecordKind::DisclosureLog).await?;
    tx.commit().await?;
    progress(&report);
    Ok(report)
}

/// Erases one batch: locks the customers the database still finds erasable
/// (a hold placed since the candidates were read is respected), tombstones
/// their log rows, keeps the tombstones, and deletes them.
async fn erase_batch(tx: &mut Tx, batch: &[(Uuid, Option<NaiveDate>, bool)]) -> Result<u64, StoreError> {
    let ids: Vec<Uuid> = batch.iter().map(|b| b.0).collect();
    let locked: Vec<Uuid> = sqlx::query_scalar(
        "SELECT customer_id FROM customers WHERE customer_id = ANY($1) \
         AND customer_erasable(tenant_id, customer_id) FOR UPDATE",
    )
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?;
    let batch: Vec<&(Uuid, Option<NaiveDate>, bool)> =
        batch.iter().filter(|b| locked.contains(&b.0)).collect();
    if batch.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = batch.iter().map(|b| b.0).collect();
    // Random, not derived from the customer: nothing leads back.
    let tombstones: Vec<Uuid> = batch.iter().map(|_| Uuid::new_v4()).collect();
    let ended: Vec<Option<NaiveDate>> = batch.iter().map(|b| b.1).collect();
    let basis: Vec<&str> = batch.iter().map(|b| if b.2 { "request" } else { "retention" }).collect();
    let pairs = "SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS t(customer_id, tombstone)";
    // Each row keeps its ids in their order, the erased ones replaced.
    sqlx::query(&format!(
        "UPDATE audit_log a SET reason = NULL, customer_ids = ( \
             SELECT array_agg(coalesce(t.tombstone, u.id) ORDER BY u.n) \
             FROM unnest(a.customer_ids) WITH ORDINALITY AS u(id, n) LEFT JOIN ({pairs}) t ON t.customer_id = u.id) \
         WHERE a.customer_ids && $1::uuid[]"
    ))
    .bind(&ids)
    .bind(&tombstones)
    .execute(tx.conn())
    .await?;
    sqlx::query(&format!(
        "UPDATE disclosures d SET customer_id = t.tombstone FROM ({pairs}) t WHERE d.customer_id = t.customer_id"
    ))
    .bind(&ids)
    .bind(&tombstones)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO erasures (tenant_id, tombstone_id, basis, ended_on) \
         SELECT app_tenant(), t, b, e FROM unnest($1::uuid[], $2::text[], $3::date[]) AS x(t, b, e)",
    )
    .bind(&tombstones)
    .bind(&basis)
    .bind(&ended)
    .execute(tx.conn())
    .await?;
    let deleted = sqlx::query("DELETE FROM customers WHERE customer_id = ANY($1)")
        .bind(&ids)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if deleted != u64::try_from(ids.len()).unwrap_or(u64::MAX) {
        // The policy refused one the lock had found erasable: a defect; the
        // transaction is dropped, so nothing of the batch is half-done.
        return Err(StoreError::Database(sqlx::Error::Protocol("retention batch not fully erased".into())));
    }
    audit::record(tx, &tombstones, AuditAction::Erase, "customer erased").await?;
    Ok(deleted)
}

/// Deletes the rows of `table` written (`column`) longer ago than the
/// area's period for `kind`, by the database's one rule
/// (`retention_expired`), which the table's policy also asks.
async fn expire(tx: &mut Tx, table: &str, column: &str, kind: RecordKind) -> Result<u64, StoreError> {
    Ok(sqlx::query(&format!("DELETE FROM {table} WHERE retention_expired(tenant_id, $1, {column})"))
        .bind(kind.code())
        .execute(tx.conn())
        .await?
        .rows_affected())
}

/// Runs retention in every area, or in one.
pub async fn run(
    store: &Store,
    rules: &RetentionRules,
    only: Option<&Slug>,
    options: RunOptions,
    progress: &mut (dyn FnMut(&AreaReport) + Send),
) -> Result<Vec<AreaReport>, StoreError> {
    let slugs = match only {
        Some(slug) => vec![slug.clone()],
        None => {
            let mut tx = store.begin(&Actor::system(None, vec![Role::PlatformAdmin])).await?;
            let slugs = crate::tenants::all_slugs(&mut tx).await?;
            tx.commit().await?;
            slugs
        }
    };
    let mut reports = Vec::with_capacity(slugs.len());
    for slug in &slugs {
        reports.push(run_area(store, rules, slug, options, progress).await?);
    }
    Ok(reports)
}
