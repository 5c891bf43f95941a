//! Tripartite agreements on the API: the coach drafts and renews, the
//! partner confirms with its own credentials, the coach records the
//! customer's confirmation. The printed agreement is served at
//! `/agreements/{id}` (see the server).

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::partner_report as domain;
use polku_domain::{DomainError, ErrorCode};
use polku_store::agreements as store;
use uuid::Uuid;

use crate::context::{require, today, CASE_STAFF};
use crate::deadlines::path_rules;
use crate::error::ApiResult;
use crate::input::{email, parse_id, phone};
use crate::referrals::REFERRAL_ROLES;
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    AgreementKind,
    "polku_domain::partner_report::AgreementKind",
    [WorkTrial, PaySubsidisedJob, EmployerPlacement]
);
remote_enum!(
    AgreementState,
    "polku_domain::partner_report::AgreementState",
    [Draft, InForce, Closed, Withdrawn]
);
remote_enum!(
    ConfirmedHow,
    "polku_domain::partner_report::ConfirmedHow",
    [Electronic, Signature, StrongIdentification, InPerson, Phone]
);
remote_enum!(AgreementParty, "polku_domain::partner_report::Party", [Partner, Customer]);

#[derive(InputObject)]
pub struct SupervisorInput {
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(InputObject)]
pub struct AgreementInput {
    referral_id: ID,
    kind: AgreementKind,
    /// The tasks (for a work trial, its task: the per-task limit counts by it).
    tasks: String,
    /// Where the work is done.
    place: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    days_per_week: i32,
    hours_per_day: f64,
    supervisor: SupervisorInput,
    /// The coach's name and how to reach them, as printed.
    coach_contact: String,
    /// Insurance terms, where they apply.
    insurance: Option<String>,
    /// Pay-subsidy terms, where they apply.
    subsidy_terms: Option<String>,
}

#[derive(SimpleObject)]
pub struct Supervisor {
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(SimpleObject)]
pub struct Confirmation {
    /// Who confirmed: the partner's user or key; for the customer, the
    /// staff member who recorded it.
    by: String,
    at: DateTime<Utc>,
    how: ConfirmedHow,
}

pub struct Agreement(store::Agreement);

#[Object]
impl Agreement {
    async fn id(&self) -> ID {
        ID(self.0.agreement_id.to_string())
    }
    async fn referral_id(&self) -> ID {
        ID(self.0.referral_id.to_string())
    }
    async fn kind(&self) -> AgreementKind {
        self.0.kind().into()
    }
    async fn state(&self) -> AgreementState {
        self.0.state().into()
    }
    /// The agreement this one renews (dates only).
    async fn renews(&self) -> Option<ID> {
        self.0.renews.map(|r| ID(r.to_string()))
    }
    async fn tasks(&self) -> &str {
        &self.0.tasks
    }
    async fn place(&self) -> &str {
        &self.0.place
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    async fn ends_on(&self) -> NaiveDate {
        self.0.ends_on
    }
    async fn days_per_week(&self) -> i32 {
        i32::from(self.0.days_per_week)
    }
    async fn hours_per_day(&self) -> f64 {
        self.0.hours_per_day
    }
    async fn supervisor(&self) -> Supervisor {
        Supervisor {
            name: self.0.supervisor_name.clone(),
            phone: self.0.supervisor_phone.clone(),
            email: self.0.supervisor_email.clone(),
        }
    }
    async fn coach_contact(&self) -> &str {
        &self.0.coach_contact
    }
    async fn insurance(&self) -> Option<&str> {
        self.0.insurance.as_deref()
    }
    async fn subsidy_terms(&self) -> Option<&str> {
        self.0.subsidy_terms.as_deref()
    }
    async fn drafted_by(&self) -> &str {
        &self.0.drafted_by
    }
    async fn drafted_at(&self) -> DateTime<Utc> {
        self.0.drafted_at
    }
    async fn partner_confirmation(&self) -> Option<Confirmation> {
        let a = &self.0;
        Some(Confirmation {
            by: a.partner_confirmed_by.clone()?,
            at: a.partner_confirmed_at?,
            how: domain::ConfirmedHow::from_code(a.partner_confirmed_how.as_deref()?)?.into(),
        })
    }
    async fn customer_confirmation(&self) -> Option<Confirmation> {
        let a = &self.0;
        Some(Confirmation {
            by: a.customer_recorded_by.clone()?,
            at: a.customer_confirmed_at?,
            how: domain::ConfirmedHow::from_code(a.customer_confirmed_how.as_deref()?)?.into(),
        })
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }
    async fn withdrawn_by(&self) -> Option<&str> {
        self.0.withdrawn_by.as_deref()
    }
    async fn withdrawn_reason(&self) -> Option<&str> {
        self.0.withdrawn_reason.as_deref()
    }
    /// Where the printable agreement (A4 HTML, in the customer's and the
    /// partner's languages) is served, with the caller's bearer token.
    async fn print_path(&self) -> String {
        format!("/agreements/{}", self.0.agreement_id)
    }
}

pub(crate) async fn agreements_of(
    ctx: &Context<'_>,
    referral: Uuid,
) -> async_graphql::Result<Vec<Agreement>> {
    let s = require(ctx, REFERRAL_ROLES).api()?;
    let mut tx = s.tx().await.api()?;
    Ok(store::for_referral(&mut tx, referral).await.api()?.into_iter().map(Agreement).collect())
}

fn terms(input: AgreementInput) -> Result<store::Terms, ApiError> {
    let days = u8::try_from(input.days_per_week).map_err(|_| {
        DomainError::field(ErrorCode::OutOfRange, "input.daysPerWeek").with_arg("min", 1).with_arg("max", 7)
    })?;
    Ok(store::Terms {
        kind: input.kind.into(),
        tasks: input.tasks,
        place: input.place,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        days_per_week: days,
        hours_per_day: input.hours_per_day,
        supervisor_name: input.supervisor.name,
        supervisor_phone: phone("input.supervisor.phone", input.supervisor.phone)?,
        supervisor_email: email("input.supervisor.email", input.supervisor.email)?,
        coach_contact: input.coach_contact,
        // Trimmed and bounded with the other terms, in the store's one way in.
        insurance: input.insurance,
        subsidy_terms: input.subsidy_terms,
    })
}

#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Drafts a tripartite agreement on a referral to a partner (the
    /// coach). A work trial is checked against the path's limits in force
    /// on its start with the customer's other trials; a pay-subsidised job
    /// must lie within a pay-subsidised period on the path.
    async fn draft_agreement(
        &self,
        ctx: &Context<'_>,
        input: AgreementInput,
    ) -> async_graphql::Result<Agreement> {
        let s = require(ctx, CASE_STAFF).api()?;
        let referral = parse_id(&input.referral_id).api()?;
        let terms = terms(input).api()?;
        let mut tx = s.tx().await.api()?;
        let a = store::draft(&mut tx, path_rules(ctx), referral, terms, today(ctx))
            .await
            .map_err(|e| match e {
                polku_store::StoreError::NotFound => {
                    DomainError::field(ErrorCode::NotFound, "input.referralId").into()
                }
                other => other,
            })
            .api()?;
        Ok(Agreement(a))
    }

    /// Records a party's confirmation of a draft: the partner confirms
    /// with its own credentials (ELECTRONIC), or staff record how it did;
    /// the customer's confirmation is recorded by staff. With both, the
    /// agreement is in force.
    async fn confirm_agreement(
        &self,
        ctx: &Context<'_>,
        id: ID,
        party: AgreementParty,
        how: Option<ConfirmedHow>,
    ) -> async_graphql::Result<Agreement> {
        let s = require(ctx, REFERRAL_ROLES).api()?;
        let staff = s.actor.roles.iter().any(|r| r.is_case_staff());
        let how = match (staff, party) {
            (false, AgreementParty::Partner) => ConfirmedHow::Electronic,
            (false, AgreementParty::Customer) => {
                return Err(ApiError::from(DomainError::field(ErrorCode::Forbidden, "party")).into_graphql())
            }
            (true, _) => {
                how.ok_or_else(|| ApiError::from(DomainError::field(ErrorCode::Required, "how"))).api()?
            }
        };
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Agreement(store::confirm(&mut tx, id, party.into(), how.into()).await.api()?))
    }

    /// Withdraws a draft drafted wrong, with the reason (the area's
    /// staff). Its terms stay on record; it no longer counts in any limit.
    async fn withdraw_agreement(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<Agreement> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let reason = crate::input::text("reason", &reason, 2_000).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Agreement(store::withdraw(&mut tx, id, &reason).await.api()?))
    }

    /// Renews an agreement in force, once: the same terms with new dates
    /// after its end, checked against the limits again and confirmed anew.
    async fn renew_agreement(
        &self,
        ctx: &Context<'_>,
        id: ID,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> async_graphql::Result<Agreement> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Agreement(store::renew(&mut tx, path_rules(ctx), id, starts_on, ends_on, today(ctx)).await.api()?))
    }
}
