//! Referrals on the API: coaches refer customers to the catalogue's
//! services, partners accept, decline, start and end them, and everyone
//! sees only what the database lets them (partners: their own
//! organisation's referrals, and of those customers the name, service
//! language and contact details).

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::referral::ReferralAction;
use polku_domain::{DomainError, ErrorCode, Role};
use polku_store::referrals::{self, ReferralFilter, TransitionNote};

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{opt_text, parse_id};
use crate::reference::{pick, Language};
use crate::ApiError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::referral::ReferralState")]
pub enum ReferralState {
    Proposed,
    Sent,
    Accepted,
    Declined,
    Queued,
    Started,
    Completed,
    Interrupted,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::referral::ReferralOutcome")]
pub enum ReferralOutcome {
    Employed,
    Education,
    OtherService,
    Health,
    DroppedOut,
    Other,
}

/// The roles that work with referrals: the area's staff and partners.
pub(crate) const REFERRAL_ROLES: &[Role] = &[Role::Coach, Role::Manager, Role::TenantAdmin, Role::Partner];

/// What a referral shows of its customer: all a partner may know.
#[derive(SimpleObject)]
pub struct ReferredCustomer {
    id: ID,
    name: String,
    service_language: Language,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(SimpleObject)]
pub struct ReferralEvent {
    state: String,
    actor: String,
    at: DateTime<Utc>,
    note: Option<String>,
}

pub struct Referral(pub referrals::Referral);

#[Object]
impl Referral {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn state(&self) -> ReferralState {
        self.0.state.into()
    }
    async fn customer(&self) -> ReferredCustomer {
        let r = &self.0;
        ReferredCustomer {
            id: ID(r.customer_id.to_string()),
            name: format!("{} {}", r.customer_first_names, r.customer_last_name),
            service_language: r.customer_language.into(),
            phone: r.customer_phone.clone(),
            email: r.customer_email.clone(),
        }
    }
    async fn service_id(&self) -> ID {
        ID(self.0.service_id.to_string())
    }
    async fn service_name(&self, ctx: &Context<'_>) -> Option<String> {
        pick(ctx, &self.0.service_names)
    }
    /// The provider; null for the area's own services.
    async fn partner_id(&self) -> Option<ID> {
        self.0.partner_id.map(|p| ID(p.to_string()))
    }
    /// When it joined the queue of a full service.
    async fn queued_at(&self) -> Option<DateTime<Utc>> {
        self.0.queued_at
    }
    async fn started_on(&self) -> Option<NaiveDate> {
        self.0.started_on
    }
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// Why it was declined, interrupted or cancelled.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn outcome(&self) -> Option<ReferralOutcome> {
        self.0.outcome.map(Into::into)
    }
    async fn referred_by(&self) -> &str {
        &self.0.referred_by
    }
    /// The legal basis the customer's data are disclosed to the provider
    /// on (a code of `legalBases`); none yet for a draft of a service whose
    /// kind has no statutory ground, which cannot be sent so.
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }
    /// For consent: the day it was given.
    async fn consent_given_on(&self) -> Option<NaiveDate> {
        self.0.consent_given_on
    }
    /// For consent: how it was given (in_person, phone, written, electronic).
    async fn consent_how(&self) -> Option<&str> {
        self.0.consent_how.as_deref()
    }
    /// When the customer withdrew consent; the partner no longer sees the
    /// referral since.
    async fn consent_withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.consent_withdrawn_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Every transition with who and when, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReferralEvent>> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(referrals::history(&mut tx, self.0.id)
            .await
            .api()?
            .into_iter()
            .map(|e| ReferralEvent { state: e.state, actor: e.actor, at: e.at, note: e.note })
            .collect())
    }
    /// Attendance as reported, current reports only, `from` to `to`
    /// (default: the referral's start to today).
    async fn attendance(
        &self,
        ctx: &Context<'_>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> async_graphql::Result<Vec<crate::partner_reports::AttendanceDay>> {
        let from = from.or(self.0.started_on).unwrap_or_else(|| today(ctx));
        crate::partner_reports::attendance_of(ctx, self.0.id, from, to.unwrap_or_else(|| today(ctx))).await
    }
    /// Deviations reported, oldest first.
    async fn deviations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::partner_reports::Deviation>> {
        crate::partner_reports::deviations_of(ctx, self.0.id).await
    }
    /// The partner's closing assessment, once filed.
    async fn closing_assessment(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::partner_reports::ClosingAssessment>> {
        crate::partner_reports::assessment_of(ctx, self.0.id).await
    }
    /// Tripartite agreements, first first (a renewal follows the agreement it renews).
    async fn agreements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::agreements::Agreement>> {
        crate::agreements::agreements_of(ctx, self.0.id).await
    }
}

/// Place-days filled against offered in a month.
#[derive(SimpleObject)]
pub struct UtilisationMonth {
    month: NaiveDate,
    /// Null for a service without a limit.
    capacity: Option<i32>,
    place_days_filled: i64,
    place_days_offered: Option<i64>,
    /// Filled per offered, 0–1; null without a limit.
    rate: Option<f64>,
    started: i64,
    /// Waiting now.
    queued: i64,
    /// Working days attended, as the partners reported them (a week's
    /// hours as days of eight hours, at most five).
    days_attended: f64,
    /// Capacity times the month's working days (to today in the current month).
    working_place_days_offered: Option<i64>,
    /// Days attended per working place-day offered: use, not only places taken.
    attendance_rate: Option<f64>,
}

#[derive(Default)]
pub struct ReferralQuery;

#[Object]
impl ReferralQuery {
    /// Referrals the caller may see, oldest first (at most 2,000): a
    /// partner sees those sent to its own organisation.
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<ReferralState>>,
        service_id: Option<ID>,
        customer_id: Option<ID>,
    ) -> async_graphql::Result<Vec<Referral>> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let filter = ReferralFilter {
            states: states.unwrap_or_default().into_iter().map(Into::into).collect(),
            service_id: service_id.as_ref().map(parse_id).transpose().api()?,
            customer_id: customer_id.as_ref().map(parse_id).transpose().api()?,
        };
        let mut tx = s.tx().await.api()?;
        Ok(referrals::list(&mut tx, &filter).await.api()?.into_iter().map(Referral).collect())
    }

    async fn referral(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Referral> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Referral(referrals::get(&mut tx, id).await.api()?))
    }

    /// How full a service has been, month by month.
    async fn service_utilisation(
        &self,
        ctx: &Context<'_>,
        service_id: ID,
        #[graphql(validator(custom = "crate::input::UsableDate(\"from\")"))] from: NaiveDate,
        #[graphql(validator(custom = "crate::input::UsableDate(\"to\")"))] to: NaiveDate,
    ) -> async_graphql::Result<Vec<UtilisationMonth>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let service = parse_id(&service_id).api()?;
        if to < from || (to - from).num_days() > 3 * 366 {
            return Err(ApiError::from(DomainError::field(ErrorCode::InvalidDateRange, "to")).into_graphql());
        }
        let mut tx = s.tx().await.api()?;
        Ok(referrals::utilisation(&mut tx, service, from, to, today(ctx))
            .await
            .api()?
            .into_iter()
            .map(|u| {
                let working = u.capacity.map(|c| {
                    i64::from(c)
                        * polku_domain::calendar::working_days_between(u.month - chrono::Days::new(1), u.last)
                            .max(0)
                });
                UtilisationMonth {
                    rate: u
                        .place_days_offered
                        .filter(|o| *o > 0)
                        .map(|o| u.place_days_filled as f64 / o as f64),
                    days_attended: u.days_attended,
                    working_place_days_offered: working,
                    attendance_rate: working.filter(|w| *w > 0).map(|w| u.days_attended / w as f64),
                    month: u.month,
                    capacity: u.capacity,
                    place_days_filled: u.place_days_filled,
                    place_days_offered: u.place_days_offered,
                    started: u.started,
                    queued: u.queued,
                }
            })
            .collect())
    }
}

async fn act(
    ctx: &Context<'_>,
    id: &ID,
    action: ReferralAction,
    note: TransitionNote,
) -> async_graphql::Result<Referral> {
    let s = require(ctx, REFERRAL_ROLES).api()?;
    let id = parse_id(id).api()?;
    let mut tx = s.tx().await.api()?;
    let changed = referrals::transition(&mut tx, id, action, note, today(ctx)).await.api()?;
    if let Some(tenant) = &s.tenant {
        for r in std::iter::once(&changed.referral).chain(&changed.promoted) {
            s.after_commit(crate::events::ReferralChanged {
                tenant: tenant.slug.as_str().to_string(),
                referral_id: r.id,
                service_id: r.service_id,
                partner_id: r.partner_id,
                referred_by: r.referred_by.clone(),
                state: r.state.code().to_string(),
                at: r.updated_at,
                sent: r.sent_at.is_some(),
            });
        }
    }
    Ok(Referral(changed.referral))
}

fn reason(reason: Option<String>) -> Result<Option<String>, ApiError> {
    opt_text("reason", reason, 2_000)
}

#[derive(Default)]
pub struct ReferralMutation;

#[Object]
impl ReferralMutation {
    /// Refers a customer to a service (proposed until sent).
    async fn refer_customer(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        service_id: ID,
        #[graphql(desc = "For a bought place: its planned length in months (1–36; 6 when not given), \
                          reserved against the bought-places appropriation when the referral is sent.")]
        planned_months: Option<u32>,
    ) -> async_graphql::Result<Referral> {
        let s = require(ctx, CASE_STAFF).api()?;
        if planned_months.is_some_and(|m| !(1..=36).contains(&m)) {
            return Err(ApiError::from(
                DomainError::field(ErrorCode::OutOfRange, "plannedMonths")
                    .with_arg("min", 1)
                    .with_arg("max", 36),
            )
            .into_graphql());
        }
        let customer = parse_id(&customer_id).api()?;
        let service = parse_id(&service_id)
            .map_err(|_| ApiError::from(DomainError::field(ErrorCode::UnknownService, "serviceId")))
            .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Referral(referrals::create(&mut tx, customer, service, planned_months, today(ctx)).await.api()?))
    }

    /// Sends the referral to the provider. A bought place reserves its cost
    /// for its planned length; past the appropriation only a manager's
    /// `budgetOverrideReason` lets it through.
    async fn send_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        budget_override_reason: Option<String>,
    ) -> async_graphql::Result<Referral> {
        let budget_override =
            crate::budget::override_reason(ctx, "budgetOverrideReason", budget_override_reason).api()?;
        act(ctx, &id, ReferralAction::Send, TransitionNote { budget_override, ..TransitionNote::default() })
            .await
    }

    /// The provider takes the customer.
    async fn accept_referral(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Referral> {
        act(ctx, &id, ReferralAction::Accept, TransitionNote::default()).await
    }

    /// The provider declines, with a reason.
    async fn decline_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<Referral> {
        let reason = self::reason(Some(reason)).api()?;
        if reason.is_none() {
            return Err(ApiError::from(DomainError::field(ErrorCode::Required, "reason")).into_graphql());
        }
        act(ctx, &id, ReferralAction::Decline, TransitionNote { reason, ..TransitionNote::default() }).await
    }

    /// The customer starts; with every place taken, the referral joins the
    /// service's queue instead and starts when a place frees.
    async fn start_referral(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Referral> {
        act(ctx, &id, ReferralAction::Start, TransitionNote::default()).await
    }

    async fn complete_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        outcome: ReferralOutcome,
    ) -> async_graphql::Result<Referral> {
        act(
            ctx,
            &id,
            ReferralAction::Complete,
            TransitionNote { outcome: Some(outcome.into()), ..TransitionNote::default() },
        )
        .await
    }

    async fn interrupt_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        outcome: ReferralOutcome,
        reason: Option<String>,
    ) -> async_graphql::Result<Referral> {
        let reason = self::reason(reason).api()?;
        act(
            ctx,
            &id,
            ReferralAction::Interrupt,
            TransitionNote { reason, outcome: Some(outcome.into()), ..TransitionNote::default() },
        )
        .await
    }

    /// Withdraws a referral that has not started (the area's staff).
    async fn cancel_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Referral> {
        let reason = self::reason(reason).api()?;
        act(ctx, &id, ReferralAction::Cancel, TransitionNote { reason, ..TransitionNote::default() }).await
    }
}
