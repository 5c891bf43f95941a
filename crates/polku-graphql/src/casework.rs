//! Case management on the API: customers, staff and caseloads, employment
//! plans, meetings, letters, the audit log and the transfer import. Only the
//! area's case staff reach customer data (the database enforces it too),
//! and the store writes an audit row for every read and change.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, Upload, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::contact::{Email, MotherTongue, PersonName, Phone, PostOffice, PostalCode, StreetAddress};
use polku_domain::customer::{self as dc, Rating};
use polku_domain::customer::{ContactChange, NewCustomer};
use polku_domain::{DomainError, ErrorCode, Hetu, Lang, MunicipalityCode, Role as DomainRole};
use polku_store::audit::{self, AuditAction, AuditFilter};
use polku_store::customers::{self, CustomerFilter};
use polku_store::pii::HetuVault;
use polku_store::plans::{self, PlanContent, Task as StoreTask};
use polku_store::staff::{self, StaffInput};
use polku_store::{caseload, imports, letters, meetings};
use uuid::Uuid;

use crate::context::{request, require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{email, opt_text, parsed, parsed_opt, phone, text};
use crate::pagination::{connection, page_request, PolkuConnection};
use crate::reference::Language;
use crate::tenants::parse_id;
use crate::ApiError;

macro_rules! remote_enum {
    ($name:ident, $remote:literal, [$($v:ident),*]) => {
        // The variant names are the domain's own.
        #[allow(clippy::enum_variant_names)]
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = $remote)]
        pub enum $name { $($v,)* }
    };
}

remote_enum!(
    CustomerStatus,
    "polku_domain::customer::CustomerStatus",
    [Active, Employed, InEducation, MovedAway, Closed]
);
remote_enum!(
    Benefit,
    "polku_domain::customer::Benefit",
    [LabourMarketSubsidy, BasicDailyAllowance, EarningsRelatedAllowance, None]
);
remote_enum!(
    CustomerGroup,
    "polku_domain::customer::CustomerGroup",
    [
        LabourMarketSubsidy,
        BasicDailyAllowance,
        EarningsRelatedAllowance,
        InEmploymentPromotingService,
        Under30,
        ForeignLanguageSpeaker
    ]
);
remote_enum!(
    PlanType,
    "polku_domain::customer::PlanType",
    [EmploymentPlan, ActivationPlan, IntegrationPlan, MultiSectorPlan]
);
remote_enum!(Responsible, "polku_domain::customer::Responsible", [Customer, Coach, Partner]);
remote_enum!(
    MeetingType,
    "polku_domain::customer::MeetingType",
    [InitialInterview, JobSearchDiscussion, SupplementaryDiscussion, TripartiteDiscussion, CoachingSession]
);
remote_enum!(MeetingChannel, "polku_domain::customer::MeetingChannel", [InPerson, Phone, Video]);
remote_enum!(
    EligibilityReason,
    "polku_import::EligibilityReason",
    [NoEarningsRelatedRight, Under30, ForeignLanguage, Resident]
);

fn vault<'a>(ctx: &Context<'a>) -> Result<&'a HetuVault, ApiError> {
    ctx.data::<HetuVault>().map_err(|_| ApiError::Internal("identity-code vault not configured".into()))
}

pub struct Customer(pub customers::Customer);

#[Object]
impl Customer {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn first_names(&self) -> &str {
        &self.0.first_names
    }
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    /// First names and last name.
    async fn name(&self) -> String {
        format!("{} {}", self.0.first_names, self.0.last_name)
    }
    /// From the identity code; the code itself is revealed only by
    /// `revealIdentityCode`, which is audited.
    async fn birth_date(&self) -> NaiveDate {
        self.0.birth_date
    }
    async fn age(&self, ctx: &Context<'_>) -> u32 {
        dc::age_on(self.0.birth_date, today(ctx))
    }
    /// ISO 639-1 code, e.g. "so".
    async fn mother_tongue(&self) -> &str {
        &self.0.mother_tongue
    }
    async fn service_language(&self) -> Language {
        self.0.service_language.into()
    }
    async fn home_municipality(&self) -> &str {
        self.0.home_municipality.as_str()
    }
    async fn street_address(&self) -> Option<&str> {
        self.0.street_address.as_deref()
    }
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    async fn post_office(&self) -> Option<&str> {
        self.0.post_office.as_deref()
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn benefit(&self) -> Option<Benefit> {
        self.0.benefit.map(Into::into)
    }
    async fn in_employment_promoting_service(&self) -> bool {
        self.0.in_service
    }
    /// Derived from benefit, service, age and mother tongue.
    async fn groups(&self, ctx: &Context<'_>) -> Vec<CustomerGroup> {
        dc::customer_groups(
            self.0.benefit,
            self.0.in_service,
            self.0.birth_date,
            &self.0.mother_tongue,
            today(ctx),
        )
        .into_iter()
        .map(Into::into)
        .collect()
    }
    async fn unemployed_since(&self) -> Option<NaiveDate> {
        self.0.unemployed_since
    }
    async fn job_search_started_on(&self) -> Option<NaiveDate> {
        self.0.job_search_started_on
    }
    async fn status(&self) -> CustomerStatus {
        self.0.status.into()
    }
    /// Statutory obligations from `jobSearchStartedOn` and the meetings held,
    /// under the rule version in force when the job search began.
    async fn obligations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::deadlines::Obligation>> {
        crate::deadlines::obligations_of(ctx, &self.0).await
    }
    /// The service path as one timeline, oldest first.
    async fn path(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::path::PathEpisode>> {
        crate::path::timeline(ctx, self.0.id).await
    }
    /// Vacancies assigned to be applied for, oldest first.
    async fn vacancies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::duties::Vacancy>> {
        crate::duties::vacancies_of(ctx, self.0.id).await
    }
    /// Recorded neglects, each with the consequence its day's rule states.
    async fn neglects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::duties::Neglect>> {
        crate::duties::neglects_of(ctx, self.0.id).await
    }
    /// The job-search profile on the national platform, once published.
    async fn job_search_profile(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::duties::JobSearchProfile>> {
        crate::duties::profile_of(ctx, self.0.id).await
    }
    async fn status_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StatusChange>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(customers::status_history(&mut tx, self.0.id)
            .await
            .api()?
            .into_iter()
            .map(|c| StatusChange {
                status: c.status.into(),
                changed_at: c.changed_at,
                changed_by: c.changed_by,
            })
            .collect())
    }
    async fn coach(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Staff>> {
        let Some(id) = self.0.coach_id else { return Ok(None) };
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(staff::by_ids(&mut tx, &[id]).await.api()?.into_iter().next().map(Staff))
    }
    async fn plans(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Plan>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let plans = plans::for_customers(&mut tx, &[self.0.id]).await.api()?;
        audit::record(&mut tx, &[self.0.id], AuditAction::Read, "employment plan").await.api()?;
        Ok(plans.into_iter().map(Plan).collect())
    }
    async fn meetings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Meeting>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let meetings = meetings::for_customers(&mut tx, &[self.0.id]).await.api()?;
        // Meetings carry the coach's notes and the customer's ratings.
        audit::record(&mut tx, &[self.0.id], AuditAction::Read, "meetings and notes").await.api()?;
        Ok(meetings.into_iter().map(Meeting).collect())
    }
    async fn letters(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Letter>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let letters = letters::for_customers(&mut tx, &[self.0.id]).await.api()?;
        audit::record(&mut tx, &[self.0.id], AuditAction::Read, "letters").await.api()?;
        Ok(letters.into_iter().map(Letter).collect())
    }
}

#[derive(SimpleObject)]
pub struct StatusChange {
    status: CustomerStatus,
    changed_at: DateTime<Utc>,
    changed_by: String,
}

pub struct Staff(pub staff::Staff);

#[Object]
impl Staff {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    async fn is_coach(&self) -> bool {
        self.0.is_coach
    }
    async fn languages(&self) -> Vec<Language> {
        self.0.languages.iter().map(|l| (*l).into()).collect()
    }
    /// Active customers assigned to this coach.
    async fn caseload(&self) -> i64 {
        self.0.caseload
    }
}

#[derive(SimpleObject, Clone)]
pub struct Task {
    id: ID,
    what: String,
    responsible: Responsible,
    due: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
}

impl From<&StoreTask> for Task {
    fn from(t: &StoreTask) -> Self {
        Task {
            id: ID(t.id.to_string()),
            what: t.what.clone(),
            responsible: t.responsible.into(),
            due: t.due,
            done_on: t.done_on,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PlanVersion {
    version: i32,
    goals: Vec<String>,
    tasks: Vec<Task>,
    /// Job applications a month (0–4).
    job_search_obligation: i32,
    created_at: DateTime<Utc>,
    created_by: String,
}

#[ComplexObject]
impl PlanVersion {
    async fn open_tasks(&self) -> i32 {
        self.tasks.iter().filter(|t| t.done_on.is_none()).count() as i32
    }
}

impl From<&plans::PlanVersion> for PlanVersion {
    fn from(v: &plans::PlanVersion) -> Self {
        PlanVersion {
            version: v.version,
            goals: v.content.goals.clone(),
            tasks: v.content.tasks.iter().map(Task::from).collect(),
            job_search_obligation: i32::from(v.content.job_search_obligation),
            created_at: v.created_at,
            created_by: v.created_by.clone(),
        }
    }
}

pub struct Plan(pub plans::Plan);

#[Object]
impl Plan {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn plan_type(&self) -> PlanType {
        self.0.plan_type.into()
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    /// The current version.
    async fn current(&self) -> PlanVersion {
        PlanVersion::from(&self.0.current)
    }
    /// Every version, oldest first.
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PlanVersion>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let versions = plans::versions(&mut tx, self.0.id).await.api()?;
        audit::record(&mut tx, &[self.0.customer_id], AuditAction::Read, "plan versions").await.api()?;
        Ok(versions.iter().map(PlanVersion::from).collect())
    }
}

#[derive(SimpleObject)]
pub struct RatingScore {
    items: Vec<i32>,
    total: i32,
    /// ORS: in the clinical range (25 or below). SRS: below 36, the working
    /// relationship needs attention.
    flagged: bool,
}

pub struct Meeting(pub meetings::Meeting);

#[Object]
impl Meeting {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn meeting_type(&self) -> MeetingType {
        self.0.meeting_type.into()
    }
    async fn channel(&self) -> MeetingChannel {
        self.0.channel.into()
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn language(&self) -> Language {
        self.0.language.into()
    }
    async fn staff_present(&self) -> &[String] {
        &self.0.staff_present
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Outcome Rating Scale, at the start.
    async fn ors(&self) -> Option<RatingScore> {
        self.0.ors.map(|r| score(r, r.ors_clinical()))
    }
    /// Session Rating Scale, at the end.
    async fn srs(&self) -> Option<RatingScore> {
        self.0.srs.map(|r| score(r, r.srs_flagged()))
    }
}

fn score(r: Rating, flagged: bool) -> RatingScore {
    RatingScore {
        items: r.items().iter().map(|x| i32::from(*x)).collect(),
        total: i32::from(r.total()),
        flagged,
    }
}

pub struct Letter(pub letters::Letter);

#[Object]
impl Letter {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn language(&self) -> Language {
        self.0.language.into()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Printable HTML, served with the same bearer token.
    async fn url(&self) -> String {
        format!("/letters/{}", self.0.id)
    }
}

#[derive(SimpleObject)]
pub struct CaseloadEntry {
    customer: Customer,
    current_plan_id: Option<ID>,
    current_plan_version: Option<i32>,
    next_meeting_at: Option<DateTime<Utc>>,
    open_tasks: i64,
}

#[derive(SimpleObject)]
pub struct AuditEntry {
    id: ID,
    at: DateTime<Utc>,
    actor: String,
    actor_roles: String,
    customer_id: Option<ID>,
    /// read, create, change, reveal_identity_code, reveal_refused or export.
    action: String,
    what: String,
    request_id: Option<String>,
    /// The reason the actor gave, where the rule asks for one (a reveal of
    /// the identity code by someone other than the customer's settled
    /// coach or a manager).
    reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct RejectedLine {
    line: u64,
    column: Option<String>,
    code: String,
    message: String,
}

#[derive(SimpleObject)]
pub struct ImportReport {
    import_id: Option<ID>,
    dry_run: bool,
    lines: u64,
    imported: u64,
    updated: u64,
    not_eligible: u64,
    rejected: u64,
    letters: u64,
    unknown_columns: Vec<String>,
    rejections: Vec<RejectedLine>,
    not_eligible_lines: Vec<u64>,
    /// The rules the lines were judged by, those in force on the transfer
    /// date; `null` only for reports kept from before reports named them.
    eligibility: Option<ImportEligibility>,
}

/// Who the file's rows were judged eligible by, and how many customers
/// (imported or updated) each reason took; a row meeting several reasons
/// counts under each.
#[derive(SimpleObject)]
pub struct ImportEligibility {
    /// The version of the rules, e.g. `employment-services-2025`.
    rules: String,
    effective_from: NaiveDate,
    /// The statute the version follows.
    source: String,
    /// The version summed up in the caller's language.
    summary: String,
    /// Every reason the version can give, in its order.
    reasons: Vec<EligibilityCount>,
}

#[derive(SimpleObject)]
pub struct EligibilityCount {
    reason: EligibilityReason,
    customers: u64,
    /// The reason in the caller's language.
    message: String,
}

impl From<polku_import::EligibilityReport> for ImportEligibility {
    fn from(e: polku_import::EligibilityReport) -> Self {
        ImportEligibility {
            rules: e.rules,
            effective_from: e.effective_from,
            source: e.source,
            summary: e.summary,
            reasons: e
                .reasons
                .into_iter()
                .map(|r| EligibilityCount {
                    reason: r.reason.into(),
                    customers: r.customers,
                    message: r.message,
                })
                .collect(),
        }
    }
}

impl From<polku_import::ImportReport> for ImportReport {
    fn from(r: polku_import::ImportReport) -> Self {
        ImportReport {
            import_id: r.import_id.map(|i| ID(i.to_string())),
            dry_run: r.dry_run,
            lines: r.lines,
            imported: r.imported,
            updated: r.updated,
            not_eligible: r.not_eligible,
            rejected: r.rejected,
            letters: r.letters,
            unknown_columns: r.unknown_columns,
            rejections: r
                .rejections
                .into_iter()
                .map(|x| RejectedLine { line: x.line, column: x.column, code: x.code, message: x.message })
                .collect(),
            not_eligible_lines: r.not_eligible_lines,
            eligibility: r.eligibility.map(Into::into),
        }
    }
}

#[derive(InputObject)]
pub struct StaffInputGql {
    /// The person's subject at the identity provider (the token's `sub`).
    subject: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    #[graphql(default = true)]
    is_coach: bool,
    languages: Vec<Language>,
}

#[derive(InputObject)]
pub struct CustomerInput {
    /// Personal identity code (henkilötunnus).
    identity_code: String,
    last_name: String,
    first_names: String,
    mother_tongue: String,
    service_language: Language,
    home_municipality: String,
    street_address: Option<String>,
    postal_code: Option<String>,
    post_office: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    benefit: Option<Benefit>,
    #[graphql(default)]
    in_employment_promoting_service: bool,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.unemployedSince\")"))]
    unemployed_since: Option<NaiveDate>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.jobSearchStartedOn\")"))]
    job_search_started_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct CustomerUpdateInput {
    street_address: Option<String>,
    postal_code: Option<String>,
    post_office: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    service_language: Option<Language>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.jobSearchStartedOn\")"))]
    job_search_started_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct TaskInput {
    /// Keep a task's id when revising; omit for a new task.
    id: Option<ID>,
    what: String,
    responsible: Responsible,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.tasks.due\")"))]
    due: Option<NaiveDate>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.tasks.doneOn\")"))]
    done_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct PlanInput {
    #[graphql(default)]
    goals: Vec<String>,
    #[graphql(default)]
    tasks: Vec<TaskInput>,
    /// Job applications a month, 0–4; 4 unless set individually.
    #[graphql(default = 4)]
    job_search_obligation: i32,
}

#[derive(InputObject)]
pub struct MeetingInput {
    customer_id: ID,
    meeting_type: MeetingType,
    channel: MeetingChannel,
    starts_at: DateTime<Utc>,
    language: Language,
    #[graphql(default)]
    staff_present: Vec<String>,
    notes: Option<String>,
    /// Outcome Rating Scale: four items, 0–10 each.
    ors: Option<Vec<i32>>,
    /// Session Rating Scale: four items, 0–10 each.
    srs: Option<Vec<i32>>,
}

/// Which audit rows to list; every part is optional.
#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    customer_id: Option<ID>,
    /// The staff user's subject.
    actor: Option<String>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

#[derive(SimpleObject)]
pub struct AutoAssignResult {
    assigned: i32,
    left_unassigned: i32,
}

fn plan_content(input: PlanInput) -> Result<PlanContent, ApiError> {
    if !(0..=4).contains(&input.job_search_obligation) {
        return Err(DomainError::field(ErrorCode::OutOfRange, "input.jobSearchObligation")
            .with_arg("min", 0)
            .with_arg("max", 4)
            .into());
    }
    let goals = input
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| text(&format!("input.goals[{i}]"), g, 1000))
        .collect::<Result<Vec<_>, _>>()?;
    let tasks = input
        .tasks
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(StoreTask {
                id: match &t.id {
                    Some(id) => Uuid::parse_str(id.as_str()).map_err(|_| {
                        ApiError::from(DomainError::field(
                            ErrorCode::UnknownTask,
                            format!("input.tasks[{i}].id"),
                        ))
                    })?,
                    None => Uuid::now_v7(),
                },
                what: text(&format!("input.tasks[{i}].what"), &t.what, 1000)?,
                responsible: t.responsible.into(),
                due: t.due,
                done_on: t.done_on,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(PlanContent { goals, tasks, job_search_obligation: input.job_search_obligation as i16 })
}

fn rating(field: &str, v: Option<Vec<i32>>) -> Result<Option<Rating>, ApiError> {
    v.map(|items| Rating::parse(&items).map_err(|e| e.at(field).into())).transpose()
}

#[derive(Default)]
pub struct CaseworkQuery;

#[Object]
impl CaseworkQuery {
    /// Customers of the area (a coach may filter to a caseload). Every
    /// customer listed is audited as read.
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        coach_id: Option<ID>,
        #[graphql(default)] unassigned: bool,
        status: Option<CustomerStatus>,
    ) -> async_graphql::Result<PolkuConnection<Customer>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let page = page_request(ctx, first, after).api()?;
        let filter = CustomerFilter {
            coach_id: coach_id.as_ref().map(parse_id).transpose().api()?,
            unassigned,
            status: status.map(Into::into),
        };
        let mut tx = s.tx().await.api()?;
        let page = customers::list(&mut tx, &filter, page).await.api()?;
        Ok(connection(page, |c| c.id, Customer))
    }

    async fn customer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Customer> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Customer(customers::get(&mut tx, id).await.api()?))
    }

    /// The calling coach's own staff record.
    async fn me_as_staff(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Staff>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(staff::me(&mut tx).await.api()?.map(Staff))
    }

    /// Staff of the area with their caseloads.
    async fn staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] coaches_only: bool,
    ) -> async_graphql::Result<Vec<Staff>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(staff::list(&mut tx, coaches_only).await.api()?.into_iter().map(Staff).collect())
    }

    /// A coach's caseload page: each active customer with current plan,
    /// next meeting and open tasks. Without `coachId`, the caller's own.
    // A caseload is a page of up to a coach's limit; counted as 100 rows.
    #[graphql(complexity = "100 * child_complexity + 1")]
    async fn caseload(
        &self,
        ctx: &Context<'_>,
        coach_id: Option<ID>,
    ) -> async_graphql::Result<Vec<CaseloadEntry>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let coach = resolve_coach(s, &mut tx, coach_id).await.api()?;
        let entries = caseload::for_coach(&mut tx, coach, crate::context::now(ctx)).await.api()?;
        Ok(entries
            .into_iter()
            .map(|e| CaseloadEntry {
                customer: Customer(e.customer),
                current_plan_id: e.plan_id.map(|p| ID(p.to_string())),
                current_plan_version: e.plan_version,
                next_meeting_at: e.next_meeting_at,
                open_tasks: e.open_tasks,
            })
            .collect())
    }

    async fn plan(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::get(&mut tx, id).await.api()?))
    }

    /// The audit log, newest first (tenant administrators).
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] filter: AuditLogFilter,
    ) -> async_graphql::Result<Vec<AuditEntry>> {
        let AuditLogFilter { customer_id, actor, from, until } = filter;
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let first = page_request(ctx, first, None).api()?.first;
        let after = after
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| ApiError::from(DomainError::field(ErrorCode::InvalidCursor, "after")))
            })
            .transpose()
            .api()?;
        let filter = AuditFilter {
            customer_id: customer_id.as_ref().map(parse_id).transpose().api()?,
            actor,
            from,
            until,
        };
        let mut tx = s.tx().await.api()?;
        let page = audit::list(&mut tx, &filter, first, after).await.api()?;
        Ok(page
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: ID(e.id.to_string()),
                at: e.at,
                actor: e.actor,
                actor_roles: e.actor_roles,
                customer_id: e.customer_id.map(|c| ID(c.to_string())),
                action: e.action.as_db().to_string(),
                what: e.what,
                request_id: e.request_id,
                reason: e.reason,
            })
            .collect())
    }

    /// Reports of earlier imports, newest first.
    async fn import_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> async_graphql::Result<Vec<ImportReport>> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let mut tx = s.tx().await.api()?;
        let runs = imports::list(&mut tx, i64::from(limit.clamp(1, 100))).await.api()?;
        // Reports are stored as the import wrote them; one that no longer reads
        // (written by a future version, say) is left out rather than failing the list.
        Ok(runs
            .into_iter()
            .filter_map(|r| {
                let mut report: polku_import::ImportReport = serde_json::from_value(r.report).ok()?;
                report.import_id = Some(r.id);
                Some(report.into())
            })
            .collect())
    }
}

#[derive(Default)]
pub struct CaseworkMutation;

#[Object]
impl CaseworkMutation {
    async fn create_staff(&self, ctx: &Context<'_>, input: StaffInputGql) -> async_graphql::Result<Staff> {
        let s = require(ctx, &[DomainRole::TenantAdmin, DomainRole::Manager]).api()?;
        let enabled = s.tenant.as_ref().map(|t| t.enabled_languages.clone()).unwrap_or_default();
        let languages: Vec<Lang> = input.languages.iter().map(|l| (*l).into()).collect();
        if languages.is_empty() {
            return Err(
                ApiError::from(DomainError::field(ErrorCode::Required, "input.languages")).into_graphql()
            );
        }
        if let Some((i, l)) = languages.iter().enumerate().find(|(_, l)| !enabled.contains(l)) {
            return Err(ApiError::from(
                DomainError::field(ErrorCode::LanguageNotEnabled, format!("input.languages[{i}]"))
                    .with_arg("lang", l),
            )
            .into_graphql());
        }
        let input = (|| -> Result<StaffInput, ApiError> {
            Ok(StaffInput {
                subject: text("input.subject", &input.subject, 200)?,
                name: text("input.name", &input.name, 200)?,
                email: email("input.email", input.email)?,
                phone: phone("input.phone", input.phone)?,
                is_coach: input.is_coach,
                languages,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Staff(staff::create(&mut tx, input).await.api()?))
    }

    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CustomerInput,
    ) -> async_graphql::Result<Customer> {
        let s = require(ctx, CASE_STAFF).api()?;
        let vault = vault(ctx).api()?;
        let record = (|| -> Result<NewCustomer, ApiError> {
            Ok(NewCustomer {
                hetu: Hetu::parse(&input.identity_code)
                    .map_err(|_| DomainError::field(ErrorCode::InvalidHetu, "input.identityCode"))?,
                last_name: parsed("input.lastName", &input.last_name, PersonName::parse)?,
                first_names: parsed("input.firstNames", &input.first_names, PersonName::parse)?,
                mother_tongue: MotherTongue::parse(&input.mother_tongue)
                    .map_err(|e| e.at("input.motherTongue").with_arg("value", &input.mother_tongue))?,
                service_language: input.service_language.into(),
                home_municipality: MunicipalityCode::parse(&input.home_municipality)
                    .map_err(|e| e.at("input.homeMunicipality"))?,
                street_address: parsed_opt(
                    "input.streetAddress",
                    input.street_address.as_deref(),
                    StreetAddress::parse,
                )?,
                postal_code: parsed_opt("input.postalCode", input.postal_code.as_deref(), PostalCode::parse)?,
                post_office: parsed_opt("input.postOffice", input.post_office.as_deref(), PostOffice::parse)?,
                phone: parsed_opt("input.phone", input.phone.as_deref(), Phone::parse)?,
                email: parsed_opt("input.email", input.email.as_deref(), Email::parse)?,
                benefit: input.benefit.map(Into::into),
                in_service: input.in_employment_promoting_service,
                unemployed_since: input.unemployed_since,
                job_search_started_on: input.job_search_started_on,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let customer = customers::create(&mut tx, vault, record)
            .await
            .map_err(|e| ApiError::from(e).under_input())
            .api()?;
        Ok(Customer(customer))
    }

    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CustomerUpdateInput,
    ) -> async_graphql::Result<Customer> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        // A field left out keeps its value; a blank one clears it.
        let update = (|| -> Result<ContactChange, ApiError> {
            Ok(ContactChange {
                street_address: input
                    .street_address
                    .map(|v| parsed_opt("input.streetAddress", Some(&v), StreetAddress::parse))
                    .transpose()?,
                postal_code: input
                    .postal_code
                    .map(|v| parsed_opt("input.postalCode", Some(&v), PostalCode::parse))
                    .transpose()?,
                post_office: input
                    .post_office
                    .map(|v| parsed_opt("input.postOffice", Some(&v), PostOffice::parse))
                    .transpose()?,
                phone: input.phone.map(|v| parsed_opt("input.phone", Some(&v), Phone::parse)).transpose()?,
                email: input.email.map(|v| parsed_opt("input.email", Some(&v), Email::parse)).transpose()?,
                service_language: input.service_language.map(Into::into),
                job_search_started_on: input.job_search_started_on.map(Some),
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Customer(customers::update(&mut tx, id, update).await.api()?))
    }

    async fn set_customer_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: CustomerStatus,
    ) -> async_graphql::Result<Customer> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Customer(customers::set_status(&mut tx, id, status.into()).await.api()?))
    }

    /// Shows the identity code. The customer's own coach (assigned at least
    /// a day ago) or a manager may see it without a reason; anyone else of
    /// the case staff must give `reason`. Every reveal is audited, with its
    /// reason, and so is every refused attempt.
    async fn reveal_identity_code(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<String> {
        let id = parse_id(&customer_id).api()?;
        let session = crate::context::session(ctx).api()?;
        let revealed = async {
            let s = require(ctx, CASE_STAFF)?;
            let vault = vault(ctx)?;
            let mut tx = s.tx().await?;
            Ok::<_, ApiError>(customers::reveal_hetu(&mut tx, vault, id, reason.as_deref()).await?)
        }
        .await;
        match revealed {
            Ok(hetu) => Ok(hetu.expose_secret().to_string()),
            Err(e) => {
                // The mutation's step is rolled back with the error; the
                // attempt is written after it, when the request commits. An
                // id the area does not have was no attempt on anyone in it.
                if e.code() != ErrorCode::NotFound {
                    session.audit_after_step(id, AuditAction::RevealRefused, "identity code");
                }
                Err(e.into_graphql())
            }
        }
    }

    /// Assigns a personal coach (or none). Past the caseload limit only a
    /// manager with `overrideLimit` may assign; the override is recorded.
    async fn assign_coach(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        coach_id: Option<ID>,
        #[graphql(desc = "A manager may assign past the caseload limit (default false).")]
        override_limit: Option<bool>,
    ) -> async_graphql::Result<Customer> {
        let s = require(ctx, &[DomainRole::Manager, DomainRole::TenantAdmin, DomainRole::Coach]).api()?;
        let id = parse_id(&customer_id).api()?;
        let coach = coach_id
            .as_ref()
            .map(|c| {
                parse_id(c)
                    .map_err(|_| ApiError::from(DomainError::field(ErrorCode::UnknownCoach, "coachId")))
            })
            .transpose()
            .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Customer(
            customers::assign_coach(&mut tx, id, coach, override_limit.unwrap_or(false)).await.api()?,
        ))
    }

    /// Spreads unassigned customers over coaches by service language and load.
    async fn assign_coaches_automatically(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<AutoAssignResult> {
        let s = require(ctx, &[DomainRole::Manager, DomainRole::TenantAdmin]).api()?;
        let mut tx = s.tx().await.api()?;
        let (assigned, left) = customers::assign_automatically(&mut tx).await.api()?;
        Ok(AutoAssignResult { assigned: assigned as i32, left_unassigned: left as i32 })
    }

    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        plan_type: PlanType,
        input: PlanInput,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&customer_id).api()?;
        let content = plan_content(input).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::create(&mut tx, id, plan_type.into(), content).await.api()?))
    }

    /// Writes a new version of a plan made from `fromVersion`.
    async fn revise_plan(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        from_version: i32,
        input: PlanInput,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&plan_id).api()?;
        let content = plan_content(input).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::revise(&mut tx, id, from_version, content).await.api()?))
    }

    async fn mark_task_done(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        task_id: ID,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&plan_id).api()?;
        let task = Uuid::parse_str(task_id.as_str())
            .map_err(|_| ApiError::from(DomainError::field(ErrorCode::UnknownTask, "taskId")))
            .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::mark_task_done(&mut tx, id, task, today(ctx)).await.api()?))
    }

    async fn record_meeting(&self, ctx: &Context<'_>, input: MeetingInput) -> async_graphql::Result<Meeting> {
        let s = require(ctx, CASE_STAFF).api()?;
        let meeting = (|| -> Result<meetings::NewMeeting, ApiError> {
            Ok(meetings::NewMeeting {
                customer_id: parse_id(&input.customer_id)?,
                meeting_type: input.meeting_type.into(),
                channel: input.channel.into(),
                starts_at: input.starts_at,
                language: input.language.into(),
                staff_present: input.staff_present,
                notes: opt_text("input.notes", input.notes, 20_000)?,
                ors: rating("input.ors", input.ors)?,
                srs: rating("input.srs", input.srs)?,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Meeting(meetings::record(&mut tx, meeting).await.api()?))
    }

    /// Imports the TE office's customer transfer file (GraphQL multipart
    /// upload). Every line is accounted for in the report, which is kept.
    async fn import_customers(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        #[graphql(desc = "Validate and report without writing anything (default false).")] dry_run: Option<
            bool,
        >,
        #[graphql(validator(custom = "crate::input::UsableDate(\"transferDate\")"))] transfer_date: Option<
            NaiveDate,
        >,
    ) -> async_graphql::Result<ImportReport> {
        let s: &Arc<crate::Session> = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let vault = vault(ctx).api()?;
        let upload = file.value(ctx)?;
        let options = polku_import::ImportOptions {
            transfer_date: transfer_date.unwrap_or_else(|| today(ctx)),
            dry_run: dry_run.unwrap_or(false),
            operator_lang: request(ctx).lang,
            file_name: Some(upload.filename.clone()),
            letter_date: today(ctx),
        };
        let localizer = request(ctx).localizer.clone();
        let mut tx = s.tx().await.api()?;
        let report =
            polku_import::import(&mut tx, vault, localizer, upload.into_read(), &options, &mut |_| {})
                .await
                .map_err(|e| match e {
                    polku_import::ImportError::File { message, .. } => ApiError::from(
                        DomainError::field(ErrorCode::InvalidTransferFile, "file").with_arg("value", message),
                    ),
                    polku_import::ImportError::Store(e) => ApiError::from(e),
                    polku_import::ImportError::Reader(e) => ApiError::Internal(e),
                })
                .api()?;
        Ok(report.into())
    }
}

/// The coach a caseload view is about: the one named, for managers and
/// administrators (and for a coach naming themself), else the caller.
pub(crate) async fn resolve_coach(
    s: &crate::Session,
    tx: &mut polku_store::Tx,
    coach_id: Option<ID>,
) -> Result<Uuid, ApiError> {
    match coach_id {
        Some(id) => {
            let coach = parse_id(&id)?;
            let may_name_anyone = s.actor.has(DomainRole::Manager) || s.actor.has(DomainRole::TenantAdmin);
            if !may_name_anyone && staff::me(tx).await?.map(|m| m.id) != Some(coach) {
                return Err(DomainError::new(ErrorCode::Forbidden).into());
            }
            Ok(coach)
        }
        None => Ok(staff::me(tx).await?.ok_or(DomainError::new(ErrorCode::UnknownCoach))?.id),
    }
}
