//! Partners report back on the API: attendance (many referrals in one
//! request, all or nothing), deviations and the coach's decisions, the
//! closing assessment on its service's form and the customer's own view.
//! The partner credentials are the ones of referrals (API keys and partner
//! tokens); row policies decide what a partner reaches.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::figures::Month;
use polku_domain::partner_report::{self as domain, Answer, Entry, Given};
use polku_domain::{DomainError, ErrorCode, Role};
use polku_store::partner_reports as store;
use uuid::Uuid;

use crate::catalogue::ServiceCategory;
use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id};
use crate::referrals::REFERRAL_ROLES;
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    AttendanceStatus,
    "polku_domain::partner_report::AttendanceStatus",
    [Present, AbsentSick, AbsentAgreed, AbsentUnexplained]
);
remote_enum!(
    DeviationKind,
    "polku_domain::partner_report::DeviationKind",
    [UnexplainedAbsence, WantsToStop, SafetyConcern, EndsEarly]
);
remote_enum!(Matter, "polku_domain::partner_report::Matter", [Neglect, LabourPolicy]);
remote_enum!(
    DeviationDecision,
    "polku_domain::partner_report::DeviationDecision",
    [NoAction, MatterOpened, ServiceContinues, ServiceEnded]
);
remote_enum!(WorkAbility, "polku_domain::partner_report::WorkAbility", [Full, Partial, Limited, NotObserved]);
remote_enum!(
    NextStep,
    "polku_domain::partner_report::NextStep",
    [
        OpenMarket,
        PaySubsidisedWork,
        WorkTrial,
        Education,
        RehabilitativeWork,
        ContinueCoaching,
        HealthServices,
        Other
    ]
);

const MANAGERS: &[Role] = &[Role::Manager, Role::TenantAdmin];
/// The most entries one request may carry: a month of 2,000 customers' days.
const MAX_ENTRIES: usize = 100_000;

#[derive(InputObject)]
pub struct AttendanceEntryInput {
    /// The day, or the Monday of the week for a service reported by the week.
    day: NaiveDate,
    status: AttendanceStatus,
    /// Hours present (required by the week).
    hours: Option<f64>,
}

#[derive(InputObject)]
pub struct AttendanceReportInput {
    referral_id: ID,
    entries: Vec<AttendanceEntryInput>,
}

#[derive(SimpleObject)]
pub struct AttendanceReceipt {
    /// Entries written.
    written: u32,
    /// Of them, corrections of an earlier report (the earlier stays in the history).
    corrected: u32,
    /// Deviations raised by unexplained absences in a row.
    deviations_raised: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct AttendanceDay {
    day: NaiveDate,
    /// DAY or WEEK.
    unit: String,
    status: AttendanceStatus,
    hours: Option<f64>,
    reported_by: String,
    reported_at: DateTime<Utc>,
    /// How many earlier reports of the day this one corrected.
    corrections: i64,
}

#[derive(SimpleObject)]
pub struct Deviation {
    id: ID,
    referral_id: ID,
    kind: DeviationKind,
    occurred_on: NaiveDate,
    description: Option<String>,
    /// What the rules make of it for the coach to decide.
    matter: Option<Matter>,
    reported_by: String,
    reported_at: DateTime<Utc>,
    decision: Option<DeviationDecision>,
    decision_note: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

impl From<store::Deviation> for Deviation {
    fn from(d: store::Deviation) -> Self {
        Deviation {
            id: ID(d.deviation_id.to_string()),
            referral_id: ID(d.referral_id.to_string()),
            kind: domain::DeviationKind::from_code(&d.kind)
                .unwrap_or(domain::DeviationKind::SafetyConcern)
                .into(),
            occurred_on: d.occurred_on,
            description: d.description,
            matter: d.matter.as_deref().and_then(domain::Matter::from_code).map(Into::into),
            reported_by: d.reported_by,
            reported_at: d.reported_at,
            decision: d.decision.as_deref().and_then(domain::DeviationDecision::from_code).map(Into::into),
            decision_note: d.decision_note,
            decided_by: d.decided_by,
            decided_at: d.decided_at,
        }
    }
}

#[derive(InputObject)]
pub struct DeviationInput {
    referral_id: ID,
    kind: DeviationKind,
    occurred_on: NaiveDate,
    description: Option<String>,
}

#[derive(InputObject)]
pub struct ClosingAssessmentInput {
    referral_id: ID,
    /// What was done during the service.
    done: String,
    work_ability: WorkAbility,
    next_step: NextStep,
    /// The service kind's questions (see `closingAssessmentForm`) by code:
    /// true/false, 1–5 or text.
    answers: Json<serde_json::Value>,
}

/// A filed closing assessment. The customer's view is the area's: a
/// partner reads it as null.
pub struct ClosingAssessment(store::Assessment);

#[Object]
impl ClosingAssessment {
    async fn referral_id(&self) -> ID {
        ID(self.0.referral_id.to_string())
    }
    async fn done(&self) -> &str {
        &self.0.done
    }
    async fn work_ability(&self) -> Option<WorkAbility> {
        domain::WorkAbility::from_code(&self.0.work_ability).map(Into::into)
    }
    async fn next_step(&self) -> Option<NextStep> {
        domain::NextStep::from_code(&self.0.next_step).map(Into::into)
    }
    async fn answers(&self) -> Json<serde_json::Value> {
        Json(self.0.answers.0.clone())
    }
    async fn filed_by(&self) -> &str {
        &self.0.filed_by
    }
    async fn filed_at(&self) -> DateTime<Utc> {
        self.0.filed_at
    }
    /// The customer's own view, entered by the coach (staff only).
    async fn customer_view(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        if !s.actor.roles.iter().any(|r| r.is_case_staff()) {
            return Ok(None);
        }
        let mut tx = s.tx().await.api()?;
        Ok(store::read_customer_view(&mut tx, self.0.referral_id).await.api()?.map(|(v, _)| v))
    }
}

#[derive(SimpleObject)]
pub struct AssessmentQuestion {
    code: &'static str,
    /// YES_NO, SCALE (1–5) or TEXT.
    answer: &'static str,
}

pub(crate) async fn attendance_of(
    ctx: &Context<'_>,
    referral: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> async_graphql::Result<Vec<AttendanceDay>> {
    let s = require(ctx, REFERRAL_ROLES).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(store::attendance(&mut tx, referral, from, to)
        .await
        .api()?
        .into_iter()
        .map(|a| AttendanceDay {
            day: a.on_date,
            unit: a.unit.to_uppercase(),
            status: domain::AttendanceStatus::from_code(&a.status)
                .unwrap_or(domain::AttendanceStatus::AbsentUnexplained)
                .into(),
            hours: a.hours,
            reported_by: a.reported_by,
            reported_at: a.reported_at,
            corrections: a.corrections,
        })
        .collect())
}

pub(crate) async fn deviations_of(
    ctx: &Context<'_>,
    referral: Uuid,
) -> async_graphql::Result<Vec<Deviation>> {
    let s = require(ctx, REFERRAL_ROLES).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(store::deviations(&mut tx, referral).await.api()?.into_iter().map(Deviation::from).collect())
}

pub(crate) async fn assessment_of(
    ctx: &Context<'_>,
    referral: Uuid,
) -> async_graphql::Result<Option<ClosingAssessment>> {
    let s = require(ctx, REFERRAL_ROLES).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(store::assessment(&mut tx, referral).await.api()?.map(ClosingAssessment))
}

/// The answers as given, each as the form's kinds read them.
fn given(answers: &serde_json::Value) -> Result<Vec<(String, Given)>, ApiError> {
    let object = answers.as_object().ok_or_else(|| {
        DomainError::field(ErrorCode::InvalidAnswer, "input.answers").with_arg("value", "-")
    })?;
    object
        .iter()
        .map(|(k, v)| {
            let g = match v {
                serde_json::Value::Bool(b) => Given::Bool(*b),
                serde_json::Value::Number(n) => Given::Number(n.as_f64().unwrap_or(f64::NAN)),
                serde_json::Value::String(s) => Given::Text(s.clone()),
                _ => {
                    return Err(DomainError::field(ErrorCode::InvalidAnswer, format!("input.answers.{k}"))
                        .with_arg("value", k)
                        .into())
                }
            };
            Ok((k.clone(), g))
        })
        .collect()
}

/// What an entry of the timeline of partners' reports is.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PartnerReportKind {
    /// A referral's attendance in one month, counted.
    AttendanceMonth,
    Deviation,
    ClosingAssessment,
    Agreement,
}

impl PartnerReportKind {
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "attendance_month" => PartnerReportKind::AttendanceMonth,
            "deviation" => PartnerReportKind::Deviation,
            "closing_assessment" => PartnerReportKind::ClosingAssessment,
            "agreement" => PartnerReportKind::Agreement,
            _ => return None,
        })
    }
}

/// One entry of a customer's timeline of partners' reports.
#[derive(SimpleObject)]
pub struct PartnerReportEntry {
    /// The day; for a month's attendance, the month's first day.
    on: NaiveDate,
    kind: PartnerReportKind,
    referral_id: ID,
    service_id: ID,
    /// By kind: the month's days present and absent (by reason) and hours;
    /// a deviation's id, kind, matter and decision; an assessment's work
    /// ability and next step; an agreement's id, kind, state and end.
    detail: Json<serde_json::Value>,
}

/// A customer's timeline of partners' reports, newest first (staff).
pub(crate) async fn timeline_of(
    ctx: &Context<'_>,
    customer: Uuid,
) -> async_graphql::Result<Vec<PartnerReportEntry>> {
    let s = require(ctx, CASE_STAFF).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(store::timeline(&mut tx, customer)
        .await
        .api()?
        .into_iter()
        .filter_map(|e| {
            Some(PartnerReportEntry {
                on: e.on_date,
                kind: PartnerReportKind::from_code(&e.kind)?,
                referral_id: ID(e.referral_id.to_string()),
                service_id: ID(e.service_id.to_string()),
                detail: Json(e.detail.0),
            })
        })
        .collect())
}

#[derive(Default)]
pub struct PartnerReportQuery;

#[Object]
impl PartnerReportQuery {
    /// The questions of a service kind's closing assessment.
    async fn closing_assessment_form(&self, category: ServiceCategory) -> Vec<AssessmentQuestion> {
        domain::form(category.into())
            .iter()
            .map(|q| AssessmentQuestion {
                code: q.code,
                answer: match q.answer {
                    Answer::YesNo => "YES_NO",
                    Answer::Scale => "SCALE",
                    Answer::Text => "TEXT",
                },
            })
            .collect()
    }
}

#[derive(Default)]
pub struct PartnerReportMutation;

#[Object]
impl PartnerReportMutation {
    /// Reports attendance of one or many referrals: every entry is checked
    /// (a day within the referral, hours within the agreement or the law, a
    /// month not closed) and all are written, or none. A day reported again
    /// corrects the earlier report, which stays in the history.
    async fn report_attendance(
        &self,
        ctx: &Context<'_>,
        reports: Vec<AttendanceReportInput>,
    ) -> async_graphql::Result<AttendanceReceipt> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let total: usize = reports.iter().map(|r| r.entries.len()).sum();
        if total > MAX_ENTRIES {
            return Err(ApiError::from(
                DomainError::field(ErrorCode::OutOfRange, "reports")
                    .with_arg("min", 1)
                    .with_arg("max", MAX_ENTRIES),
            )
            .into_graphql());
        }
        let mut list = Vec::with_capacity(reports.len());
        for r in &reports {
            // An id that is not one names its report, as an unknown one does.
            let referral = parse_id(&r.referral_id).unwrap_or_default();
            let entries =
                r.entries.iter().map(|e| Entry { on: e.day, status: e.status.into(), hours: e.hours });
            list.push(store::Report { referral, entries: entries.collect() });
        }
        let mut tx = s.tx().await.api()?;
        let done = store::report_attendance(&mut tx, crate::deadlines::path_rules(ctx), &list, today(ctx))
            .await
            .api()?;
        let receipt = AttendanceReceipt {
            written: u32::try_from(done.written).unwrap_or(u32::MAX),
            corrected: u32::try_from(done.corrected).unwrap_or(u32::MAX),
            deviations_raised: done.deviations.iter().map(|d| ID(d.to_string())).collect(),
        };
        Ok(receipt)
    }

    /// Closes a month for attendance: no report or correction after
    /// (managers).
    async fn close_attendance_month(&self, ctx: &Context<'_>, month: String) -> async_graphql::Result<bool> {
        let s = require(ctx, MANAGERS).api()?;
        let month = Month::parse(&month).map_err(|e| e.at("month")).map_err(ApiError::from).api()?;
        let mut tx = s.tx().await.api()?;
        store::close_month(&mut tx, month).await.api()?;
        Ok(true)
    }

    /// Reports a deviation at once. The coach who referred the customer is
    /// notified in the same transaction.
    async fn report_deviation(
        &self,
        ctx: &Context<'_>,
        input: DeviationInput,
    ) -> async_graphql::Result<Deviation> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let referral = parse_id(&input.referral_id).api()?;
        let description = opt_text("input.description", input.description, 2_000).api()?;
        let mut tx = s.tx().await.api()?;
        let d = store::report_deviation(
            &mut tx,
            referral,
            input.kind.into(),
            input.occurred_on,
            description.as_deref(),
            today(ctx),
        )
        .await
        .api()?;
        Ok(d.into())
    }

    /// Records the coach's decision on a deviation.
    async fn decide_deviation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        decision: DeviationDecision,
        note: Option<String>,
    ) -> async_graphql::Result<Deviation> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let note = opt_text("note", note, 2_000).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(store::decide_deviation(&mut tx, id, decision.into(), note.as_deref()).await.api()?.into())
    }

    /// Files the closing assessment of a completed or interrupted referral.
    async fn file_closing_assessment(
        &self,
        ctx: &Context<'_>,
        input: ClosingAssessmentInput,
    ) -> async_graphql::Result<ClosingAssessment> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let referral = parse_id(&input.referral_id).api()?;
        let answers = given(&input.answers.0).api()?;
        let new = store::NewAssessment {
            done: input.done,
            work_ability: input.work_ability.into(),
            next_step: input.next_step.into(),
            answers,
        };
        let mut tx = s.tx().await.api()?;
        Ok(ClosingAssessment(store::file_assessment(&mut tx, referral, new).await.api()?))
    }

    /// Enters the customer's own view of the closing assessment (the coach).
    async fn add_customer_view(
        &self,
        ctx: &Context<'_>,
        referral_id: ID,
        view: String,
    ) -> async_graphql::Result<bool> {
        let s = require(ctx, CASE_STAFF).api()?;
        let referral = parse_id(&referral_id).api()?;
        let view = opt_text("view", Some(view), 4_000)
            .api()?
            .ok_or_else(|| ApiError::from(DomainError::field(ErrorCode::Required, "view")))
            .api()?;
        let mut tx = s.tx().await.api()?;
        store::customer_view(&mut tx, referral, &view).await.api()?;
        Ok(true)
    }
}
