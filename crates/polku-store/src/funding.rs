//! The municipality's share of unemployment benefits: Kela's monthly
//! invoice specifications as imported (`polku_import::kela` parses and
//! checks them; this writes them in one transaction or not at all), the
//! benefit periods staff record, and what a customer's funding-liability
//! clock and an area's reconciliation are computed from.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::figures::Month;
use polku_domain::municipal_share::{forecast, invoice, Benefit, ShareRules};
use polku_domain::{DomainError, ErrorCode, Euros};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::{StoreError, Tx};

/// A line ready to be written: the identity code already reduced to its
/// keyed hash, and the customer found by it where the area has one.
#[derive(Clone, Debug)]
pub struct PreparedLine {
    pub line_no: i32,
    pub customer_id: Option<Uuid>,
    pub hetu_hash: Vec<u8>,
    pub municipality: String,
    pub benefit: Benefit,
    pub days: i32,
    pub cumulative_days: i32,
    pub paid: Euros,
    pub share: Euros,
}

/// The codes of the area's municipalities.
pub async fn area_municipalities(tx: &mut Tx) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar("SELECT code::text FROM tenant_municipalities ORDER BY code")
        .fetch_all(tx.conn())
        .await?)
}

/// Whether the month's invoice has been imported already.
pub async fn month_imported(tx: &mut Tx, month: Month) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM kela_invoices WHERE month = $1)")
        .bind(month.first_day())
        .fetch_one(tx.conn())
        .await?)
}

/// The area's customers among these identity-code hashes.
pub async fn customers_by_hash(
    tx: &mut Tx,
    hashes: &[Vec<u8>],
) -> Result<HashMap<Vec<u8>, Uuid>, StoreError> {
    let rows: Vec<(Vec<u8>, Uuid)> =
        sqlx::query_as("SELECT hetu_hash, customer_id FROM customers WHERE hetu_hash = ANY($1)")
            .bind(hashes)
            .fetch_all(tx.conn())
            .await?;
    Ok(rows.into_iter().collect())
}

/// Writes one month's invoice and its lines (a few statements whatever the
/// number of lines); a month already imported is refused on `file`.
pub async fn insert_invoice(
    tx: &mut Tx,
    month: Month,
    file_name: Option<&str>,
    lines: &[PreparedLine],
) -> Result<Uuid, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let id = Uuid::now_v7();
    let billed: i64 = lines.iter().map(|l| l.share.cents()).sum();
    let inserted = sqlx::query(
        "INSERT INTO kela_invoices (tenant_id, invoice_id, month, file_name, lines, billed_cents, imported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, coalesce(app_user(), 'system')) ON CONFLICT (tenant_id, month) DO NOTHING",
    )
    .bind(tenant)
    .bind(id)
    .bind(month.first_day())
    .bind(file_name)
    .bind(i32::try_from(lines.len()).unwrap_or(i32::MAX))
    .bind(billed)
    .execute(tx.conn())
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(DomainError::field(ErrorCode::InvoiceMonthImported, "file")
            .with_arg("value", month)
            .into());
    }
    for chunk in lines.chunks(5000) {
        sqlx::query(
            "INSERT INTO kela_invoice_lines (tenant_id, invoice_id, line_no, customer_id, hetu_hash, \
                 municipality_code, benefit, days, cumulative_days, paid_cents, share_cents) \
             SELECT $1, $2, * FROM unnest($3::int[], $4::uuid[], $5::bytea[], $6::text[], $7::text[], $8::int[], \
                 $9::int[], $10::bigint[], $11::bigint[])",
        )
        .bind(tenant)
        .bind(id)
        .bind(chunk.iter().map(|l| l.line_no).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.customer_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.hetu_hash.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.municipality.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.benefit.code()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.days).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.cumulative_days).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.paid.cents()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|l| l.share.cents()).collect::<Vec<_>>())
        .execute(tx.conn())
        .await?;
    }
    keep_exit_rate(tx, month).await?;
    keep_exit_rate(tx, month.next()).await?;
    let customers: Vec<Uuid> = lines.iter().filter_map(|l| l.customer_id).collect();
    audit::record(tx, &customers, AuditAction::Create, "kela invoice line").await?;
    Ok(id)
}

/// A line as the reconciliation reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvoiceLine {
    pub municipality_code: String,
    pub benefit: String,
    pub days: i32,
    pub cumulative_days: i32,
    pub paid_cents: i64,
    pub share_cents: i64,
}

/// The month's imported invoice: when, and its lines (no person in them).
pub async fn month_lines(
    tx: &mut Tx,
    month: Month,
) -> Result<Option<(DateTime<Utc>, Vec<InvoiceLine>)>, StoreError> {
    let Some((id, at)): Option<(Uuid, DateTime<Utc>)> =
        sqlx::query_as("SELECT invoice_id, imported_at FROM kela_invoices WHERE month = $1")
            .bind(month.first_day())
            .fetch_optional(tx.conn())
            .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as(
        "SELECT municipality_code::text AS municipality_code, benefit, days, cumulative_days, paid_cents, share_cents \
         FROM kela_invoice_lines WHERE invoice_id = $1 ORDER BY line_no",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    Ok(Some((at, lines)))
}

/// A benefit period staff recorded.
#[derive(Clone, Debug)]
pub struct BenefitPeriod {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub benefit: Benefit,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub daily: Euros,
    pub days_before: u32,
}

/// A benefit period asked for, parsed.
#[derive(Clone, Debug)]
pub struct NewBenefitPeriod {
    pub customer_id: Uuid,
    pub benefit: Benefit,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub daily: Euros,
    pub days_before: u32,
}

type PeriodRow = (Uuid, Uuid, String, NaiveDate, Option<NaiveDate>, i64, i32);

fn period(r: PeriodRow) -> BenefitPeriod {
    BenefitPeriod {
        id: r.0,
        customer_id: r.1,
        benefit: Benefit::from_code(&r.2).unwrap_or(Benefit::LabourMarketSubsidy),
        starts_on: r.3,
        ends_on: r.4,
        daily: Euros::from_cents(r.5),
        days_before: u32::try_from(r.6).unwrap_or(0),
    }
}

/// Records a benefit period of a customer of the area.
pub async fn record_period(tx: &mut Tx, p: NewBenefitPeriod) -> Result<BenefitPeriod, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)")
        .bind(p.customer_id)
        .fetch_one(tx.conn())
        .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    let row: PeriodRow = sqlx::query_as(
        "INSERT INTO benefit_periods (tenant_id, period_id, customer_id, benefit, starts_on, ends_on, daily_cents, \
             days_before, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce(app_user(), 'system')) \
         RETURNING period_id, customer_id, benefit, starts_on, ends_on, daily_cents, days_before",
    )
    .bind(tenant)
    .bind(Uuid::now_v7())
    .bind(p.customer_id)
    .bind(p.benefit.code())
    .bind(p.starts_on)
    .bind(p.ends_on)
    .bind(p.daily.cents())
    .bind(i32::try_from(p.days_before).unwrap_or(i32::MAX))
    .fetch_one(tx.conn())
    .await?;
    audit::record(tx, &[p.customer_id], AuditAction::Create, "benefit period").await?;
    Ok(period(row))
}

/// What a customer's clock rests on: their latest invoice line (month,
/// benefit, days, accumulated days, paid) and their latest benefit period.
pub struct ClockFacts {
    pub latest_line: Option<(Month, Benefit, u32, u32, Euros)>,
    pub latest_period: Option<BenefitPeriod>,
}

/// A customer's clock facts; audited as a read.
pub async fn clock_facts(tx: &mut Tx, customer: Uuid) -> Result<ClockFacts, StoreError> {
    let line: Option<(NaiveDate, String, i32, i32, i64)> = sqlx::query_as(
        "SELECT i.month, l.benefit, l.days, l.cumulative_days, l.paid_cents FROM kela_invoice_lines l \
         JOIN kela_invoices i USING (tenant_id, invoice_id) WHERE l.customer_id = $1 \
         ORDER BY i.month DESC, l.cumulative_days DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(tx.conn())
    .await?;
    let latest_period: Option<PeriodRow> = sqlx::query_as(
        "SELECT period_id, customer_id, benefit, starts_on, ends_on, daily_cents, days_before FROM benefit_periods \
         WHERE customer_id = $1 ORDER BY starts_on DESC, recorded_at DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "funding clock").await?;
    Ok(ClockFacts {
        latest_line: line.map(|(month, benefit, days, cumulative, paid)| {
            (
                Month::of(month),
                Benefit::from_code(&benefit).unwrap_or(Benefit::LabourMarketSubsidy),
                u32::try_from(days).unwrap_or(0),
                u32::try_from(cumulative).unwrap_or(0),
                Euros::from_cents(paid),
            )
        }),
        latest_period: latest_period.map(period),
    })
}

/// The latest imported month and its lines: whom the liability ahead is
/// forecast from.
pub async fn latest_month(tx: &mut Tx) -> Result<Option<Month>, StoreError> {
    let month: Option<NaiveDate> =
        sqlx::query_scalar("SELECT max(month) FROM kela_invoices").fetch_one(tx.conn()).await?;
    Ok(month.map(Month::of))
}

/// The share of people on the month before `month`'s invoice who are not
/// on `month`'s (left benefit, or moved), in per mille, as kept at import;
/// `None` without both months.
pub async fn exit_per_mille(tx: &mut Tx, month: Month) -> Result<Option<u32>, StoreError> {
    let kept: Option<Option<i16>> =
        sqlx::query_scalar("SELECT exit_per_mille FROM kela_invoices WHERE month = $1")
            .bind(month.first_day())
            .fetch_optional(tx.conn())
            .await?;
    Ok(kept.flatten().and_then(|e| u32::try_from(e).ok()))
}

/// Keeps `month`'s exit rate against the month before, when both are in.
async fn keep_exit_rate(tx: &mut Tx, month: Month) -> Result<(), StoreError> {
    sqlx::query(
        "WITH prev AS (SELECT l.hetu_hash FROM kela_invoice_lines l JOIN kela_invoices i USING (tenant_id, invoice_id) \
                       WHERE i.month = $1), \
              cur AS (SELECT l.hetu_hash FROM kela_invoice_lines l JOIN kela_invoices i USING (tenant_id, invoice_id) \
                       WHERE i.month = $2), \
              n AS (SELECT (SELECT count(DISTINCT hetu_hash) FROM prev) AS was, \
                           (SELECT count(*) FROM (SELECT hetu_hash FROM prev EXCEPT SELECT hetu_hash FROM cur) g) AS gone) \
         UPDATE kela_invoices SET exit_per_mille = (SELECT CASE WHEN was > 0 THEN gone * 1000 / was END FROM n) \
         WHERE month = $2",
    )
    .bind(month.minus(1).first_day())
    .bind(month.first_day())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// One municipality's liability: its people and billing on the latest
/// invoice and the months ahead, benefits continuing.
#[derive(Clone, Debug)]
pub struct MunicipalityLiability {
    pub code: String,
    pub people: u32,
    pub billed: Euros,
    /// The twelve months after the invoice's, in order.
    pub ahead: Vec<Euros>,
}

impl MunicipalityLiability {
    /// The first `n` months ahead together.
    pub fn next(&self, n: usize) -> Euros {
        Euros::from_cents(self.ahead.iter().take(n).map(|m| m.cents()).sum())
    }
}

/// The area's liability from its latest invoice.
#[derive(Clone, Debug)]
pub struct Liability {
    pub month: Month,
    pub billed: Euros,
    /// People leaving benefit a month, per mille, from the last two invoices.
    pub exit_per_mille: Option<u32>,
    pub ahead: Vec<forecast::Ahead>,
    pub municipalities: Vec<MunicipalityLiability>,
}

/// How far ahead the liability is forecast.
pub const FORECAST_MONTHS: u32 = 12;

/// The area's liability: the latest invoice and the months ahead by
/// municipality, under the assumptions in `docs/money.md`; `None` before
/// any invoice. The one computation behind the manager's view, the
/// published figures and the benchmark.
pub async fn liability(
    tx: &mut Tx,
    rules: &ShareRules,
    today: NaiveDate,
) -> Result<Option<Liability>, StoreError> {
    let Some(month) = latest_month(tx).await? else { return Ok(None) };
    let lines = month_lines(tx, month).await?.map(|(_, l)| l).unwrap_or_default();
    let exit = exit_per_mille(tx, month).await?;
    Ok(Some(liability_of(rules, month, &lines, exit, today)?))
}

/// The liability from a month's lines and exit rate.
fn liability_of(
    rules: &ShareRules,
    month: Month,
    lines: &[InvoiceLine],
    exit: Option<u32>,
    today: NaiveDate,
) -> Result<Liability, StoreError> {
    let people: Vec<forecast::Person> = lines
        .iter()
        .map(|l| forecast::Person {
            benefit: Benefit::from_code(&l.benefit).unwrap_or(Benefit::LabourMarketSubsidy),
            daily: Euros::from_cents(l.paid_cents / i64::from(l.days.max(1))),
            cumulative_days: u32::try_from(l.cumulative_days).unwrap_or(0),
        })
        .collect();
    let mut codes: Vec<&str> = lines.iter().map(|l| l.municipality_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let group: Vec<usize> =
        lines.iter().map(|l| codes.binary_search(&l.municipality_code.as_str()).unwrap_or(0)).collect();
    let (ahead, by_group) = forecast::grouped(
        rules,
        &people,
        &group,
        codes.len(),
        month,
        FORECAST_MONTHS,
        exit.unwrap_or(0),
        today,
    )?;
    // People and billed per municipality, in the same grouping.
    let mut counts = vec![(0u32, 0i64); codes.len()];
    for (l, g) in lines.iter().zip(&group) {
        counts[*g].0 += 1;
        counts[*g].1 += l.share_cents;
    }
    let municipalities = codes
        .iter()
        .zip(by_group)
        .zip(counts)
        .map(|((code, ahead), (people, billed))| MunicipalityLiability {
            code: (*code).to_string(),
            people,
            billed: Euros::from_cents(billed),
            ahead,
        })
        .collect();
    Ok(Liability {
        month,
        billed: Euros::from_cents(lines.iter().map(|l| l.share_cents).sum()),
        exit_per_mille: exit,
        ahead,
        municipalities,
    })
}

/// One municipality's part of a month's reconciliation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciled {
    pub code: String,
    pub lines: u32,
    /// What Kela billed.
    pub billed: Euros,
    /// What the rules of the month give for the same lines.
    pub expected: Euros,
}

/// What Kela billed for `month` against what the rules of that month give
/// for the same lines, by municipality; `None` when the month is not in.
pub async fn reconcile(
    tx: &mut Tx,
    rules: &ShareRules,
    month: Month,
    today: NaiveDate,
) -> Result<Option<Vec<Reconciled>>, StoreError> {
    let Some((_, lines)) = month_lines(tx, month).await? else { return Ok(None) };
    Ok(Some(reconciled(rules, month, &lines, today)?))
}

/// A month's lines reconciled by municipality.
fn reconciled(
    rules: &ShareRules,
    month: Month,
    lines: &[InvoiceLine],
    today: NaiveDate,
) -> Result<Vec<Reconciled>, StoreError> {
    let mut by: BTreeMap<String, (u32, i64, i64)> = BTreeMap::new();
    for l in lines {
        let benefit = Benefit::from_code(&l.benefit).unwrap_or(Benefit::LabourMarketSubsidy);
        let expected = invoice::expected_share(
            rules,
            month,
            benefit,
            u32::try_from(l.days).unwrap_or(0),
            u32::try_from(l.cumulative_days).unwrap_or(0),
            Euros::from_cents(l.paid_cents),
            today,
        )?;
        let e = by.entry(l.municipality_code.clone()).or_default();
        e.0 += 1;
        e.1 += l.share_cents;
        e.2 += expected.cents();
    }
    Ok(by
        .into_iter()
        .map(|(code, (lines, billed, expected))| Reconciled {
            code,
            lines,
            billed: Euros::from_cents(billed),
            expected: Euros::from_cents(expected),
        })
        .collect())
}

/// Writes the area's liability and latest reconciliation by municipality
/// to `area_funding_figures`, which oversight reads (and suppresses, see
/// `polku_domain::disclosure`): counts and euros, no person. Run in the
/// import's transaction, so the published figures follow every invoice.
pub async fn publish(tx: &mut Tx, rules: &ShareRules, today: NaiveDate) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM area_funding_figures").execute(tx.conn()).await?;
    // The latest invoice's lines, read once for both the liability and the
    // reconciliation.
    let Some(month) = latest_month(tx).await? else { return Ok(()) };
    let lines = month_lines(tx, month).await?.map(|(_, l)| l).unwrap_or_default();
    let exit = exit_per_mille(tx, month).await?;
    let l = liability_of(rules, month, &lines, exit, today)?;
    let reconciled = reconciled(rules, month, &lines, today)?;
    let tenant = tx.require_tenant()?.id;
    let expected = |code: &str| reconciled.iter().find(|r| r.code == code).map_or(0, |r| r.expected.cents());
    let m = &l.municipalities;
    sqlx::query(
        "INSERT INTO area_funding_figures (tenant_id, month, municipality_code, people, billed_cents, \
             expected_cents, next_month_cents, next3_cents, next12_cents, exit_per_mille) \
         SELECT $1, $2, t.* , $10 FROM unnest($3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], \
             $8::bigint[], $9::bigint[]) AS t",
    )
    .bind(tenant)
    .bind(l.month.first_day())
    .bind(m.iter().map(|x| x.code.clone()).collect::<Vec<_>>())
    .bind(m.iter().map(|x| i32::try_from(x.people).unwrap_or(i32::MAX)).collect::<Vec<_>>())
    .bind(m.iter().map(|x| x.billed.cents()).collect::<Vec<_>>())
    .bind(m.iter().map(|x| expected(&x.code)).collect::<Vec<_>>())
    .bind(m.iter().map(|x| x.next(1).cents()).collect::<Vec<_>>())
    .bind(m.iter().map(|x| x.next(3).cents()).collect::<Vec<_>>())
    .bind(m.iter().map(|x| x.next(12).cents()).collect::<Vec<_>>())
    .bind(l.exit_per_mille.and_then(|e| i16::try_from(e).ok()))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// One municipality's published funding figures, before suppression.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PublishedRow {
    pub tenant_id: Uuid,
    pub month: NaiveDate,
    pub municipality_code: String,
    pub people: i32,
    pub billed_cents: i64,
    pub expected_cents: i64,
    pub next_month_cents: i64,
    pub next3_cents: i64,
    pub next12_cents: i64,
    pub exit_per_mille: Option<i16>,
    pub computed_at: DateTime<Utc>,
}

/// The published funding figures of `areas` the caller may see.
pub async fn published(tx: &mut Tx, areas: &[Uuid]) -> Result<Vec<PublishedRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT tenant_id, month, municipality_code::text AS municipality_code, people, billed_cents, \
                expected_cents, next_month_cents, next3_cents, next12_cents, exit_per_mille, computed_at \
         FROM area_funding_figures WHERE tenant_id = ANY($1) ORDER BY tenant_id, municipality_code",
    )
    .bind(areas)
    .fetch_all(tx.conn())
    .await?)
}
