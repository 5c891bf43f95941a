//! What partners report back on the referrals they run: attendance (with
//! its corrections kept), deviations and the coach's decision on them, and
//! the closing assessment with the customer's own view. Row policies keep a
//! partner to its own referrals; every read of a referral here goes through
//! `referrals::get`, which logs a partner's read as a disclosure.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::catalogue::ServiceCategory;
use polku_domain::figures::Month;
use polku_domain::partner_report::{
    self as report, AttendanceStatus, AttendanceUnit, DeviationDecision, DeviationKind, Entry, Given, Matter,
    NextStep, Window, WorkAbility,
};
use polku_domain::path::PathRules;
use polku_domain::referral::ReferralState;
use polku_domain::{DomainError, ErrorCode};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::referrals::{self, Referral};
use crate::{StoreError, Tx};

/// The referral with its service's form of closing assessment.
struct Setup {
    referral: Referral,
    category: ServiceCategory,
}

async fn setup(tx: &mut Tx, id: Uuid) -> Result<Setup, StoreError> {
    let referral = referrals::get(tx, id).await?;
    let category: String = sqlx::query_scalar("SELECT category FROM services WHERE service_id = $1")
        .bind(referral.service_id)
        .fetch_one(tx.conn())
        .await?;
    Ok(Setup { referral, category: ServiceCategory::from_code(&category).unwrap_or(ServiceCategory::Other) })
}

/// What one report did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reported {
    pub written: usize,
    /// Of them, corrections of an earlier report.
    pub corrected: usize,
    /// Deviations raised by the report itself (unexplained absences).
    pub deviations: Vec<Uuid>,
}

/// One referral's entries of a report.
#[derive(Clone, Debug)]
pub struct Report {
    pub referral: Uuid,
    pub entries: Vec<Entry>,
}

/// How each referral takes attendance: its days, its service's unit and
/// alert, and the hours its latest confirmed agreement allows.
#[derive(sqlx::FromRow)]
struct Taking {
    referral_id: Uuid,
    customer_id: Uuid,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    unit: String,
    alert_days: i16,
    agreed_days: Option<i16>,
    agreed_hours: Option<f64>,
}

/// Reports attendance of many referrals at once, every entry or none.
/// Refusals name `reports[i].referralId` or `reports[i].entries[j].…`.
/// The work is a fixed number of statements whatever the number of
/// referrals, so a large partner's month goes in one request.
pub async fn report_attendance(
    tx: &mut Tx,
    rules: &PathRules,
    reports: &[Report],
    today: NaiveDate,
) -> Result<Reported, StoreError> {
    let ids: Vec<Uuid> = reports.iter().map(|r| r.referral).collect();
    let taking: Vec<Taking> = sqlx::query_as(
        "SELECT r.referral_id, r.customer_id, r.started_on, r.ended_on, s.attendance_unit AS unit, \
                s.absence_alert_days AS alert_days, g.days_per_week AS agreed_days, \
                g.hours_per_day::float8 AS agreed_hours \
         FROM referrals r JOIN services s ON s.tenant_id = r.tenant_id AND s.service_id = r.service_id \
         LEFT JOIN LATERAL (SELECT days_per_week, hours_per_day FROM agreements a \
                            WHERE a.tenant_id = r.tenant_id AND a.referral_id = r.referral_id \
                              AND a.state IN ('in_force', 'closed') ORDER BY a.starts_on DESC LIMIT 1) g ON true \
         WHERE r.referral_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?;
    let by_id: HashMap<Uuid, &Taking> = taking.iter().map(|t| (t.referral_id, t)).collect();
    let closed: HashSet<NaiveDate> =
        sqlx::query_scalar::<_, NaiveDate>("SELECT month FROM attendance_months_closed")
            .fetch_all(tx.conn())
            .await?
            .into_iter()
            .collect();
    let mut seen_referrals = HashSet::new();
    let mut rows = Rows::default();
    for (i, report) in reports.iter().enumerate() {
        let Some(t) = by_id.get(&report.referral) else {
            return Err(DomainError::field(ErrorCode::NotFound, format!("reports[{i}].referralId")).into());
        };
        if !seen_referrals.insert(report.referral) {
            return Err(DomainError::field(
                ErrorCode::AttendanceDuplicateDay,
                format!("reports[{i}].referralId"),
            )
            .with_arg("value", report.referral)
            .into());
        }
        let field = format!("reports[{i}].entries");
        let unit = AttendanceUnit::from_code(&t.unit).unwrap_or(AttendanceUnit::Day);
        let Some(started_on) = t.started_on else {
            return Err(DomainError::field(ErrorCode::AttendanceOutsideReferral, format!("{field}[0].day"))
                .with_arg("value", report.entries.first().map(|e| e.on.to_string()).unwrap_or_default())
                .with_arg("from", "-")
                .with_arg("to", "-")
                .into());
        };
        // The referral's agreement sets the hours; without one, regular
        // working time in the path's rules is the limit.
        let agreed_hours = match (t.agreed_days, t.agreed_hours) {
            (Some(days), Some(hours)) => {
                Some(report::agreement_hours(u8::try_from(days).unwrap_or(7), hours))
            }
            _ => None,
        };
        let window = Window { started_on, ended_on: t.ended_on, unit, agreed_hours, today };
        let mut seen = HashSet::new();
        for (j, e) in report.entries.iter().enumerate() {
            let at = format!("{field}[{j}]");
            report::check_entry(e, &window, rules, &at)?;
            let month = Month::of(e.on);
            if closed.contains(&month.first_day()) {
                return Err(DomainError::field(ErrorCode::AttendanceMonthClosed, format!("{at}.day"))
                    .with_arg("value", month)
                    .into());
            }
            if !seen.insert(e.on) {
                return Err(DomainError::field(ErrorCode::AttendanceDuplicateDay, format!("{at}.day"))
                    .with_arg("value", e.on)
                    .into());
            }
            rows.push(report.referral, unit, e);
        }
    }
    referrals::disclose_to_partner(tx, &ids).await?;
    let corrected = sqlx::query(
        "UPDATE attendance a SET replaced_at = now() FROM unnest($1::uuid[], $2::date[]) AS t(r, d) \
         WHERE a.referral_id = t.r AND a.on_date = t.d AND a.replaced_at IS NULL",
    )
    .bind(&rows.referrals)
    .bind(&rows.days)
    .execute(tx.conn())
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO attendance (tenant_id, referral_id, on_date, unit, status, hours, reported_by) \
         SELECT app_tenant(), r, d, u, s, h, coalesce(app_user(), 'system') \
         FROM unnest($1::uuid[], $2::date[], $3::text[], $4::text[], $5::float8[]) AS t(r, d, u, s, h)",
    )
    .bind(&rows.referrals)
    .bind(&rows.days)
    .bind(&rows.units)
    .bind(&rows.statuses)
    .bind(&rows.hours)
    .execute(tx.conn())
    .await?;
    // Absences in a row count by the day; a week's report has no days.
    let daily: Vec<(Uuid, NaiveDate, usize)> = reports
        .iter()
        .filter_map(|r| {
            let t = by_id.get(&r.referral)?;
            let first = r.entries.iter().map(|e| e.on).min()?;
            (t.unit == AttendanceUnit::Day.code())
                .then(|| (r.referral, first, usize::try_from(t.alert_days).unwrap_or(3)))
        })
        .collect();
    let raised = raise_on_absences(tx, &daily).await?;
    let customers: Vec<Uuid> = taking.iter().map(|t| t.customer_id).collect();
    audit::record(tx, &customers, AuditAction::Create, "attendance").await?;
    Ok(Reported {
        written: rows.days.len(),
        corrected: usize::try_from(corrected).unwrap_or(usize::MAX),
        deviations: raised,
    })
}

/// The entries of a report as columns, for one statement.
#[derive(Default)]
struct Rows {
    referrals: Vec<Uuid>,
    days: Vec<NaiveDate>,
    units: Vec<&'static str>,
    statuses: Vec<&'static str>,
    hours: Vec<Option<f64>>,
}

impl Rows {
    fn push(&mut self, referral: Uuid, unit: AttendanceUnit, e: &Entry) {
        self.referrals.push(referral);
        self.days.push(e.on);
        self.units.push(unit.code());
        self.statuses.push(e.status.code());
        self.hours.push(e.hours);
    }
}

/// Raises an unexplained-absence deviation for every run of a referral's
/// alert days or more unexplained absences in a row, once per run (by its
/// first day). Each referral is read from its last explained day before
/// the first day reported, since no run crosses one.
async fn raise_on_absences(
    tx: &mut Tx,
    reported: &[(Uuid, NaiveDate, usize)],
) -> Result<Vec<Uuid>, StoreError> {
    if reported.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = reported.iter().map(|r| r.0).collect();
    let firsts: Vec<NaiveDate> = reported.iter().map(|r| r.1).collect();
    let rows: Vec<(Uuid, NaiveDate, String)> = sqlx::query_as(
        "SELECT a.referral_id, a.on_date, a.status \
         FROM unnest($1::uuid[], $2::date[]) AS t(r, first) \
         CROSS JOIN LATERAL (SELECT coalesce(max(b.on_date), '-infinity') AS since FROM attendance b \
                             WHERE b.referral_id = t.r AND b.replaced_at IS NULL AND b.on_date < t.first \
                               AND b.status <> 'absent_unexplained') k \
         JOIN attendance a ON a.referral_id = t.r AND a.replaced_at IS NULL AND a.on_date > k.since \
         ORDER BY a.referral_id, a.on_date",
    )
    .bind(&ids)
    .bind(&firsts)
    .fetch_all(tx.conn())
    .await?;
    let mut days: HashMap<Uuid, Vec<(NaiveDate, AttendanceStatus)>> = HashMap::new();
    for (referral, on, status) in rows {
        if let Some(status) = AttendanceStatus::from_code(&status) {
            days.entry(referral).or_default().push((on, status));
        }
    }
    let known: HashSet<(Uuid, NaiveDate)> = sqlx::query_as::<_, (Uuid, NaiveDate)>(
        "SELECT referral_id, occurred_on FROM deviations WHERE referral_id = ANY($1) AND kind = 'unexplained_absence'",
    )
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?
    .into_iter()
    .collect();
    let mut raise = Vec::new();
    for (referral, _, alert_days) in reported {
        let runs = report::unexplained_runs(days.get(referral).map_or(&[][..], Vec::as_slice), *alert_days);
        raise.extend(
            runs.into_iter().filter(|first| !known.contains(&(*referral, *first))).map(|f| (*referral, f)),
        );
    }
    if raise.is_empty() {
        return Ok(Vec::new());
    }
    let kind = DeviationKind::UnexplainedAbsence;
    Ok(sqlx::query_scalar(
        "INSERT INTO deviations (tenant_id, referral_id, kind, occurred_on, matter, reported_by) \
         SELECT app_tenant(), r, $3, d, $4, coalesce(app_user(), 'system') \
         FROM unnest($1::uuid[], $2::date[]) AS t(r, d) RETURNING deviation_id",
    )
    .bind(raise.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(raise.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(kind.code())
    .bind(kind.matter().map(Matter::code))
    .fetch_all(tx.conn())
    .await?)
}

async fn insert_deviation(
    tx: &mut Tx,
    referral: Uuid,
    kind: DeviationKind,
    occurred_on: NaiveDate,
    description: Option<&str>,
) -> Result<Uuid, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO deviations (tenant_id, referral_id, kind, occurred_on, description, matter, reported_by) \
         VALUES (app_tenant(), $1, $2, $3, $4, $5, coalesce(app_user(), 'system')) RETURNING deviation_id",
    )
    .bind(referral)
    .bind(kind.code())
    .bind(occurred_on)
    .bind(description)
    .bind(kind.matter().map(Matter::code))
    .fetch_one(tx.conn())
    .await?)
}

/// One day's (or week's) current attendance, with how many times it was corrected.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttendanceDay {
    pub on_date: NaiveDate,
    pub unit: String,
    pub status: String,
    pub hours: Option<f64>,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    pub corrections: i64,
}

/// A referral's attendance in `from..=to`, current reports only.
pub async fn attendance(
    tx: &mut Tx,
    referral: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AttendanceDay>, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let rows = sqlx::query_as(
        "SELECT a.on_date, a.unit, a.status, a.hours::float8 AS hours, a.reported_by, a.reported_at, \
                coalesce(o.n, 0) AS corrections \
         FROM attendance a \
         LEFT JOIN (SELECT on_date, count(*) AS n FROM attendance \
                    WHERE referral_id = $1 AND replaced_at IS NOT NULL AND on_date BETWEEN $2 AND $3 \
                    GROUP BY on_date) o USING (on_date) \
         WHERE a.referral_id = $1 AND a.replaced_at IS NULL AND a.on_date BETWEEN $2 AND $3 \
         ORDER BY a.on_date",
    )
    .bind(referral)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[r.customer_id], AuditAction::Read, "attendance").await?;
    Ok(rows)
}

/// Closes a month for attendance (the area's managers, by policy).
pub async fn close_month(tx: &mut Tx, month: Month) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO attendance_months_closed (tenant_id, month, closed_by) \
         VALUES (app_tenant(), $1, coalesce(app_user(), 'system')) ON CONFLICT DO NOTHING",
    )
    .bind(month.first_day())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A deviation as read.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Deviation {
    pub deviation_id: Uuid,
    pub referral_id: Uuid,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub description: Option<String>,
    pub matter: Option<String>,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    pub decision: Option<String>,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

const DEVIATION: &str =
    "SELECT deviation_id, referral_id, kind, occurred_on, description, matter, reported_by, \
                         reported_at, decision, decision_note, decided_by, decided_at FROM deviations";

/// Reports a deviation on a started referral.
pub async fn report_deviation(
    tx: &mut Tx,
    referral: Uuid,
    kind: DeviationKind,
    occurred_on: NaiveDate,
    description: Option<&str>,
    today: NaiveDate,
) -> Result<Deviation, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let last = r.ended_on.map_or(today, |e| e.min(today));
    match r.started_on {
        Some(start) if occurred_on >= start && occurred_on <= last => {}
        _ => {
            return Err(DomainError::field(ErrorCode::AttendanceOutsideReferral, "input.occurredOn")
                .with_arg("value", occurred_on)
                .with_arg("from", r.started_on.map_or("-".into(), |s| s.to_string()))
                .with_arg("to", last)
                .into())
        }
    }
    let id = insert_deviation(tx, referral, kind, occurred_on, description).await?;
    audit::record(tx, &[r.customer_id], AuditAction::Create, "deviation").await?;
    one_deviation(tx, id).await
}

async fn one_deviation(tx: &mut Tx, id: Uuid) -> Result<Deviation, StoreError> {
    sqlx::query_as(&format!("{DEVIATION} WHERE deviation_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
}

/// Records the coach's decision on a deviation (staff, by grant).
pub async fn decide_deviation(
    tx: &mut Tx,
    id: Uuid,
    decision: DeviationDecision,
    note: Option<&str>,
) -> Result<Deviation, StoreError> {
    let d = one_deviation(tx, id).await?;
    let r = referrals::get(tx, d.referral_id).await?;
    sqlx::query(
        "UPDATE deviations SET decision = $2, decision_note = $3, decided_by = coalesce(app_user(), 'system'), \
             decided_at = now() WHERE deviation_id = $1",
    )
    .bind(id)
    .bind(decision.code())
    .bind(note)
    .execute(tx.conn())
    .await?;
    audit::record(tx, &[r.customer_id], AuditAction::Change, "deviation").await?;
    one_deviation(tx, id).await
}

/// A referral's deviations, oldest first.
pub async fn deviations(tx: &mut Tx, referral: Uuid) -> Result<Vec<Deviation>, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let list =
        sqlx::query_as(&format!("{DEVIATION} WHERE referral_id = $1 ORDER BY reported_at, deviation_id"))
            .bind(referral)
            .fetch_all(tx.conn())
            .await?;
    audit::record(tx, &[r.customer_id], AuditAction::Read, "deviation").await?;
    Ok(list)
}

/// A closing assessment as filed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Assessment {
    pub referral_id: Uuid,
    pub done: String,
    pub work_ability: String,
    pub next_step: String,
    pub answers: sqlx::types::Json<serde_json::Value>,
    pub filed_by: String,
    pub filed_at: DateTime<Utc>,
}

/// What the partner files.
#[derive(Clone, Debug)]
pub struct NewAssessment {
    pub done: String,
    pub work_ability: WorkAbility,
    pub next_step: NextStep,
    pub answers: Vec<(String, Given)>,
}

fn answers_json(answers: &[(String, Given)]) -> serde_json::Value {
    serde_json::Value::Object(
        answers
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Given::Bool(b) => serde_json::json!(b),
                    Given::Number(n) => serde_json::json!(n),
                    Given::Text(t) => serde_json::json!(t.trim()),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// Files the closing assessment of an ended referral, on its service's form.
pub async fn file_assessment(
    tx: &mut Tx,
    referral: Uuid,
    a: NewAssessment,
) -> Result<Assessment, StoreError> {
    let s = setup(tx, referral).await?;
    if !matches!(s.referral.state, ReferralState::Completed | ReferralState::Interrupted) {
        return Err(DomainError::field(ErrorCode::ReferralStillOpen, "referralId").into());
    }
    report::check_answers(s.category, &a.answers, "input.answers")?;
    let done = report::text(&a.done, "input.done", 4000)?;
    let inserted = sqlx::query(
        "INSERT INTO closing_assessments (tenant_id, referral_id, done, work_ability, next_step, answers, filed_by) \
         VALUES (app_tenant(), $1, $2, $3, $4, $5, coalesce(app_user(), 'system')) ON CONFLICT DO NOTHING",
    )
    .bind(referral)
    .bind(done)
    .bind(a.work_ability.code())
    .bind(a.next_step.code())
    .bind(answers_json(&a.answers))
    .execute(tx.conn())
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(DomainError::field(ErrorCode::AssessmentAlreadyFiled, "referralId").into());
    }
    crate::agreements::close_with_assessment(tx, referral).await?;
    audit::record(tx, &[s.referral.customer_id], AuditAction::Create, "closing assessment").await?;
    assessment(tx, referral).await?.ok_or(StoreError::NotFound)
}

/// The closing assessment of a referral, if filed: read through the
/// referral, so the read is audited (and a partner's is a disclosure).
pub async fn assessment(tx: &mut Tx, referral: Uuid) -> Result<Option<Assessment>, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let found: Option<Assessment> = sqlx::query_as(
        "SELECT referral_id, done, work_ability, next_step, answers, filed_by, filed_at \
         FROM closing_assessments WHERE referral_id = $1",
    )
    .bind(referral)
    .fetch_optional(tx.conn())
    .await?;
    if found.is_some() {
        audit::record(tx, &[r.customer_id], AuditAction::Read, "closing assessment").await?;
    }
    Ok(found)
}

/// The customer's own view of the assessment, as the coach enters it
/// (staff only: a partner has no grant on these columns).
pub async fn customer_view(
    tx: &mut Tx,
    referral: Uuid,
    view: &str,
) -> Result<(Option<String>, Option<DateTime<Utc>>), StoreError> {
    let r = referrals::get(tx, referral).await?;
    let row: Option<(Option<String>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "UPDATE closing_assessments SET customer_view = $2, customer_view_by = coalesce(app_user(), 'system'), \
             customer_view_at = now() WHERE referral_id = $1 RETURNING customer_view, customer_view_at",
    )
    .bind(referral)
    .bind(view)
    .fetch_optional(tx.conn())
    .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    audit::record(tx, &[r.customer_id], AuditAction::Change, "closing assessment").await?;
    Ok(row)
}

/// The customer's view of a filed assessment (staff).
pub async fn read_customer_view(
    tx: &mut Tx,
    referral: Uuid,
) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let row: Option<(Option<String>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT customer_view, customer_view_at FROM closing_assessments WHERE referral_id = $1",
    )
    .bind(referral)
    .fetch_optional(tx.conn())
    .await?;
    let view = row.and_then(|(v, at)| Some((v?, at?)));
    if view.is_some() {
        audit::record(tx, &[r.customer_id], AuditAction::Read, "closing assessment: customer's view").await?;
    }
    Ok(view)
}

/// The working days an attendance row (aliased `row`) stands for: a day
/// present is one; a week's hours count as days of `COUNTED_DAY_HOURS`,
/// at most five; an absence is none. The one definition that use and the
/// figures count by.
pub(crate) fn days_attended_sql(row: &str) -> String {
    format!(
        "CASE WHEN {row}.status <> 'present' THEN 0 WHEN {row}.unit = 'day' THEN 1 \
              ELSE least(5, coalesce({row}.hours, 0) / {}) END",
        report::COUNTED_DAY_HOURS
    )
}

/// One entry of a customer's timeline of partners' reports.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TimelineEntry {
    pub on_date: NaiveDate,
    /// `attendance_month`, `deviation`, `closing_assessment` or `agreement`.
    pub kind: String,
    pub referral_id: Uuid,
    pub service_id: Uuid,
    /// What the entry says, by kind: a month's counts and hours; a
    /// deviation's kind, matter and decision; an assessment's work ability
    /// and next step; an agreement's kind, state and end.
    pub detail: sqlx::types::Json<serde_json::Value>,
}

/// Everything partners reported on a customer's referrals, newest first:
/// attendance as one entry per referral and month, each deviation, the
/// closing assessments and the agreements. One statement; one audit row.
pub async fn timeline(tx: &mut Tx, customer: Uuid) -> Result<Vec<TimelineEntry>, StoreError> {
    let rows: Vec<TimelineEntry> = sqlx::query_as(
        "WITH mine AS (SELECT referral_id, service_id FROM referrals WHERE customer_id = $1) \
         SELECT * FROM ( \
           SELECT date_trunc('month', a.on_date)::date AS on_date, 'attendance_month' AS kind, m.referral_id, \
                  m.service_id, jsonb_build_object( \
                    'present', count(*) FILTER (WHERE a.status = 'present'), \
                    'absentSick', count(*) FILTER (WHERE a.status = 'absent_sick'), \
                    'absentAgreed', count(*) FILTER (WHERE a.status = 'absent_agreed'), \
                    'absentUnexplained', count(*) FILTER (WHERE a.status = 'absent_unexplained'), \
                    'hours', coalesce(sum(a.hours), 0)) AS detail \
           FROM mine m JOIN attendance a ON a.referral_id = m.referral_id AND a.replaced_at IS NULL \
           GROUP BY 1, m.referral_id, m.service_id \
           UNION ALL \
           SELECT d.occurred_on, 'deviation', m.referral_id, m.service_id, jsonb_strip_nulls(jsonb_build_object( \
                    'id', d.deviation_id, 'kind', d.kind, 'matter', d.matter, 'decision', d.decision)) \
           FROM mine m JOIN deviations d ON d.referral_id = m.referral_id \
           UNION ALL \
           SELECT (c.filed_at AT TIME ZONE (SELECT time_zone FROM tenants WHERE tenant_id = app_tenant()))::date, 'closing_assessment', m.referral_id, \
                  m.service_id, jsonb_build_object('workAbility', c.work_ability, 'nextStep', c.next_step) \
           FROM mine m JOIN closing_assessments c ON c.referral_id = m.referral_id \
           UNION ALL \
           SELECT g.starts_on, 'agreement', m.referral_id, m.service_id, jsonb_build_object( \
                    'id', g.agreement_id, 'kind', g.kind, 'state', g.state, 'endsOn', g.ends_on) \
           FROM mine m JOIN agreements g ON g.referral_id = m.referral_id \
         ) t ORDER BY on_date DESC, kind, referral_id",
    )
    .bind(customer)
    .fetch_all(tx.conn())
    .await?;
    audit::record(tx, &[customer], AuditAction::Read, "partner reports").await?;
    Ok(rows)
}
