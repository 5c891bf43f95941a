//! Customers on the API: the customer and what is read through them, the
//! area's customer list, a coach's caseload, and creating, changing and
//! assigning customers. Only the area's case staff reach customer data (the
//! database enforces it too), and the store writes an audit row for every
//! read and change.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::contact::{Email, MotherTongue, PersonName, Phone, PostOffice, PostalCode, StreetAddress};
use polku_domain::customer::{self as dc, ContactChange, NewCustomer};
use polku_domain::{DomainError, ErrorCode, Hetu, MunicipalityCode, Role as DomainRole};
use polku_store::audit::{self, AuditAction};
use polku_store::customers::{self, CustomerFilter};
use polku_store::{caseload, letters, meetings, plans, staff};

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id, parsed, parsed_opt};
use crate::letters::Letter;
use crate::meetings::Meeting;
use crate::pagination::{connection, page_request, PolkuConnection};
use crate::plans::Plan;
use crate::reference::Language;
use crate::shared::{remote_enum, resolve_coach, vault};
use crate::staff::Staff;
use crate::ApiError;

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
    /// What partners reported on the customer's referrals, newest first:
    /// attendance by month, deviations, closing assessments and agreements.
    async fn partner_reports(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::partner_reports::PartnerReportEntry>> {
        crate::partner_reports::timeline_of(ctx, self.0.id).await
    }
    /// Vacancies assigned to be applied for, oldest first.
    async fn vacancies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::duties::Vacancy>> {
        crate::duties::vacancies_of(ctx, self.0.id).await
    }
    /// Where the municipality's share of the customer's unemployment
    /// benefit stands: days so far, the step, when the next starts, and
    /// the month's share. Null when no invoice or recorded period tells.
    async fn funding_clock(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::funding::FundingClock>> {
        crate::funding::clock_of(ctx, self.0.id).await
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

#[derive(SimpleObject)]
pub struct CaseloadEntry {
    customer: Customer,
    current_plan_id: Option<ID>,
    current_plan_version: Option<i32>,
    next_meeting_at: Option<DateTime<Utc>>,
    open_tasks: i64,
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

#[derive(SimpleObject)]
pub struct AutoAssignResult {
    assigned: i32,
    left_unassigned: i32,
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
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
}

// Its own object only so that `caseload` keeps its place in the schema,
// after the staff queries.
#[derive(Default)]
pub struct CaseloadQuery;

#[Object]
impl CaseloadQuery {
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
}

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
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
        #[graphql(
            desc = "Why the details change (a correction the customer asked for, a move); kept with the \
                          old values in the customer's correction history."
        )]
        reason: Option<String>,
    ) -> async_graphql::Result<Customer> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let reason = opt_text("reason", reason, 500).api()?;
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
        if let Some(reason) = &reason {
            customers::set_correction_reason(&mut tx, reason).await.api()?;
        }
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
        Ok(AutoAssignResult {
            assigned: i32::try_from(assigned).unwrap_or(i32::MAX),
            left_unassigned: i32::try_from(left).unwrap_or(i32::MAX),
        })
    }
}
