//! Tripartite agreements (kolmikantasopimus / trepartsavtal): drafted by
//! the coach on a referral to a partner, confirmed by the partner and the
//! customer, renewed once with only the dates changed, closed by the
//! closing assessment. The database keeps the terms fixed and the state
//! true to the confirmations (`agreements_guard`); here are the checks that
//! need the customer's path and the law in force.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::catalogue::ServiceCategory;
use polku_domain::partner_report::{self as report, AgreementKind, AgreementState, ConfirmedHow, Party};
use polku_domain::path::{self, Check, Episode, PathRules, PathStage};
use polku_domain::referral::ReferralState;
use polku_domain::{DomainError, ErrorCode, PartnerKind};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::referrals::{self, Referral};
use crate::{StoreError, Tx};

/// An agreement as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Agreement {
    pub agreement_id: Uuid,
    pub referral_id: Uuid,
    pub kind: String,
    pub renews: Option<Uuid>,
    pub tasks: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub days_per_week: i16,
    pub hours_per_day: f64,
    pub supervisor_name: String,
    pub supervisor_phone: Option<String>,
    pub supervisor_email: Option<String>,
    pub coach_contact: String,
    pub insurance: Option<String>,
    pub subsidy_terms: Option<String>,
    pub state: String,
    pub drafted_by: String,
    pub drafted_at: DateTime<Utc>,
    pub partner_confirmed_by: Option<String>,
    pub partner_confirmed_at: Option<DateTime<Utc>>,
    pub partner_confirmed_how: Option<String>,
    pub customer_confirmed_how: Option<String>,
    pub customer_confirmed_at: Option<DateTime<Utc>>,
    pub customer_recorded_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

impl Agreement {
    pub fn kind(&self) -> AgreementKind {
        AgreementKind::from_code(&self.kind).unwrap_or(AgreementKind::EmployerPlacement)
    }

    pub fn state(&self) -> AgreementState {
        AgreementState::from_code(&self.state).unwrap_or(AgreementState::Draft)
    }

    /// The agreement as the path's limits see it: a work trial or a
    /// pay-subsidised period of its organiser.
    fn as_episode(&self, organiser: Uuid, organiser_is_municipality: bool) -> Option<Episode<Uuid>> {
        let stage = match self.kind() {
            AgreementKind::WorkTrial => PathStage::WorkTrial,
            AgreementKind::PaySubsidisedJob => PathStage::PaySubsidisedWork,
            AgreementKind::EmployerPlacement => return None,
        };
        Some(Episode {
            stage,
            starts_on: self.starts_on,
            ends_on: Some(self.ends_on),
            organiser: Some(organiser),
            organiser_is_municipality,
            task: Some(self.tasks.clone()),
            days_per_week: u8::try_from(self.days_per_week).ok(),
            hours_per_day: hours_for_path(self.hours_per_day),
            subsidy: None,
        })
    }
}

/// The path's limits count whole hours; part of an hour counts as one, so
/// an agreement never passes a limit it is over.
fn hours_for_path(hours: f64) -> Option<u8> {
    (0..=24u8).find(|h| f64::from(*h) >= hours)
}

const COLUMNS: &str = "agreement_id, referral_id, kind, renews, tasks, place, starts_on, ends_on, days_per_week, \
    hours_per_day::float8 AS hours_per_day, supervisor_name, supervisor_phone, supervisor_email, coach_contact, \
    insurance, subsidy_terms, state, drafted_by, drafted_at, partner_confirmed_by, partner_confirmed_at, \
    partner_confirmed_how, customer_confirmed_how, customer_confirmed_at, customer_recorded_by, closed_at, \
    withdrawn_at, withdrawn_by, withdrawn_reason";

/// The terms the coach drafts.
#[derive(Clone, Debug)]
pub struct Terms {
    pub kind: AgreementKind,
    pub tasks: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub days_per_week: u8,
    pub hours_per_day: f64,
    pub supervisor_name: String,
    pub supervisor_phone: Option<String>,
    pub supervisor_email: Option<String>,
    pub coach_contact: String,
    pub insurance: Option<String>,
    pub subsidy_terms: Option<String>,
}

impl Terms {
    /// The terms trimmed and within their lengths and the working time of
    /// the rules in force on their start.
    fn parse(mut self, rules: &PathRules, today: NaiveDate) -> Result<Self, DomainError> {
        let limits = rules.in_force(self.starts_on, today).map_err(|e| e.at("input.startsOn"))?;
        report::check_terms(self.starts_on, self.ends_on, self.days_per_week, self.hours_per_day, limits)
            .map_err(|e| e.at("input"))?;
        self.tasks = report::text(&self.tasks, "input.tasks", 4000)?.to_string();
        self.place = report::text(&self.place, "input.place", 500)?.to_string();
        self.supervisor_name = report::text(&self.supervisor_name, "input.supervisor.name", 200)?.to_string();
        self.coach_contact = report::text(&self.coach_contact, "input.coachContact", 500)?.to_string();
        self.supervisor_phone =
            report::optional_text(self.supervisor_phone.as_deref(), "input.supervisor.phone", 50)?;
        self.supervisor_email =
            report::optional_text(self.supervisor_email.as_deref(), "input.supervisor.email", 254)?;
        self.insurance = report::optional_text(self.insurance.as_deref(), "input.insurance", 2000)?;
        self.subsidy_terms =
            report::optional_text(self.subsidy_terms.as_deref(), "input.subsidyTerms", 2000)?;
        Ok(self)
    }
}

/// The service category an agreement's kind needs, if only one fits.
fn category_of(kind: AgreementKind) -> Option<ServiceCategory> {
    match kind {
        AgreementKind::WorkTrial => Some(ServiceCategory::WorkTrial),
        AgreementKind::PaySubsidisedJob => Some(ServiceCategory::PaySubsidisedEmployment),
        AgreementKind::EmployerPlacement => None,
    }
}

/// Checks an agreement's dates and working time against the path's limits
/// in force on its start, with the customer's path episodes and other
/// agreements. Refusals name the terms' fields under `prefix` (`input` for
/// a draft, none for a renewal's own arguments).
async fn check_limits(
    tx: &mut Tx,
    rules: &PathRules,
    referral: &Referral,
    organiser: Uuid,
    terms: &Terms,
    prefix: Option<&str>,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let under = |e: DomainError| match prefix {
        Some(p) => e.at(p),
        None => e,
    };
    let partner_kind: Option<String> = sqlx::query_scalar("SELECT kind FROM partners WHERE partner_id = $1")
        .bind(organiser)
        .fetch_optional(tx.conn())
        .await?;
    let municipal =
        partner_kind.as_deref().and_then(PartnerKind::from_code) == Some(PartnerKind::MunicipalUnit);
    let stored = crate::path::for_customers(tx, &[referral.customer_id]).await?;
    // The customer's agreements, each with its organiser; an episode of a
    // referral that has agreements is counted through them, once.
    let others: Vec<(Agreement, Uuid, Option<String>)> =
        sqlx::query_as::<_, AgreementWithOrganiser>(&format!(
            "SELECT a.*, r.partner_id AS organiser, p.kind AS organiser_kind \
         FROM (SELECT {COLUMNS} FROM agreements WHERE state <> 'withdrawn') a \
         JOIN referrals r ON r.referral_id = a.referral_id \
         LEFT JOIN partners p ON p.tenant_id = r.tenant_id AND p.partner_id = r.partner_id \
         WHERE r.customer_id = $1"
        ))
        .bind(referral.customer_id)
        .fetch_all(tx.conn())
        .await?
        .into_iter()
        .map(|row| (row.agreement, row.organiser.unwrap_or_default(), row.organiser_kind))
        .collect();
    let with_agreements: Vec<Uuid> =
        others.iter().map(|(a, _, _)| a.referral_id).chain([referral.id]).collect();
    let mut episodes: Vec<Episode<Uuid>> = stored
        .iter()
        .filter(|e| e.referral_id.is_none_or(|r| !with_agreements.contains(&r)))
        .map(|e| e.as_domain())
        .collect();
    episodes.extend(others.iter().filter_map(|(a, organiser, kind)| {
        a.as_episode(*organiser, kind.as_deref() == Some(PartnerKind::MunicipalUnit.code()))
    }));
    match terms.kind {
        AgreementKind::WorkTrial => {
            let new = Episode {
                stage: PathStage::WorkTrial,
                starts_on: terms.starts_on,
                ends_on: Some(terms.ends_on),
                organiser: Some(organiser),
                organiser_is_municipality: municipal,
                task: Some(terms.tasks.clone()),
                days_per_week: Some(terms.days_per_week),
                hours_per_day: hours_for_path(terms.hours_per_day),
                subsidy: None,
            };
            path::check(rules, &new, &episodes, today, Check::Planned).map_err(under)?;
        }
        AgreementKind::PaySubsidisedJob => {
            // The subsidy's own limits were checked when its decision went
            // on the path; the agreement lies within that period.
            let covered = stored.iter().any(|e| {
                e.stage() == PathStage::PaySubsidisedWork
                    && e.starts_on <= terms.starts_on
                    && e.ends_on.is_some_and(|end| end >= terms.ends_on)
            });
            if !covered {
                return Err(under(
                    DomainError::field(ErrorCode::AgreementOutsidePeriod, "startsOn")
                        .with_arg("from", terms.starts_on)
                        .with_arg("to", terms.ends_on),
                )
                .into());
            }
        }
        AgreementKind::EmployerPlacement => {}
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AgreementWithOrganiser {
    #[sqlx(flatten)]
    agreement: Agreement,
    organiser: Option<Uuid>,
    organiser_kind: Option<String>,
}

/// Drafts an agreement on a referral to a partner (the coach).
pub async fn draft(
    tx: &mut Tx,
    rules: &PathRules,
    referral: Uuid,
    terms: Terms,
    today: NaiveDate,
) -> Result<Agreement, StoreError> {
    let terms = terms.parse(rules, today)?;
    let r = referrals::get(tx, referral).await?;
    crate::path::lock_path(tx, r.customer_id).await?;
    if !matches!(
        r.state,
        ReferralState::Sent | ReferralState::Accepted | ReferralState::Queued | ReferralState::Started
    ) {
        return Err(DomainError::field(ErrorCode::AgreementReferralEnded, "input.referralId")
            .with_arg("value", r.state.code())
            .into());
    }
    let Some(organiser) = r.partner_id else {
        return Err(DomainError::field(ErrorCode::UnknownPartner, "input.referralId").into());
    };
    let category: String = sqlx::query_scalar("SELECT category FROM services WHERE service_id = $1")
        .bind(r.service_id)
        .fetch_one(tx.conn())
        .await?;
    if category_of(terms.kind).is_some_and(|c| c.code() != category) {
        return Err(DomainError::field(ErrorCode::ServiceCategoryMismatch, "input.kind").into());
    }
    check_limits(tx, rules, &r, organiser, &terms, Some("input"), today).await?;
    let id = insert(tx, referral, None, &terms).await?;
    audit::record(tx, &[r.customer_id], AuditAction::Create, "agreement").await?;
    one(tx, id).await
}

async fn insert(tx: &mut Tx, referral: Uuid, renews: Option<Uuid>, t: &Terms) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO agreements (tenant_id, agreement_id, referral_id, kind, renews, tasks, place, starts_on, \
             ends_on, days_per_week, hours_per_day, supervisor_name, supervisor_phone, supervisor_email, \
             coach_contact, insurance, subsidy_terms, drafted_by) \
         VALUES (app_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             coalesce(app_user(), 'system'))",
    )
    .bind(id)
    .bind(referral)
    .bind(t.kind.code())
    .bind(renews)
    .bind(&t.tasks)
    .bind(&t.place)
    .bind(t.starts_on)
    .bind(t.ends_on)
    .bind(i16::from(t.days_per_week))
    .bind(t.hours_per_day)
    .bind(&t.supervisor_name)
    .bind(&t.supervisor_phone)
    .bind(&t.supervisor_email)
    .bind(&t.coach_contact)
    .bind(&t.insurance)
    .bind(&t.subsidy_terms)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<Agreement, StoreError> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agreements WHERE agreement_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
}

/// An agreement and its referral, read through the referral (audited; a
/// partner's read is a disclosure).
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<(Agreement, Referral), StoreError> {
    let a = one(tx, id).await?;
    let r = referrals::get(tx, a.referral_id).await?;
    audit::record(tx, &[r.customer_id], AuditAction::Read, "agreement").await?;
    Ok((a, r))
}

/// A referral's agreements, first first.
pub async fn for_referral(tx: &mut Tx, referral: Uuid) -> Result<Vec<Agreement>, StoreError> {
    let r = referrals::get(tx, referral).await?;
    let list: Vec<Agreement> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM agreements WHERE referral_id = $1 ORDER BY starts_on, drafted_at"
    ))
    .bind(referral)
    .fetch_all(tx.conn())
    .await?;
    if !list.is_empty() {
        audit::record(tx, &[r.customer_id], AuditAction::Read, "agreement").await?;
    }
    Ok(list)
}

/// Records a party's confirmation of a draft. The partner confirms with
/// its own credentials (`Electronic`) or staff record how it did; the
/// customer's confirmation is recorded by staff. Both given, the agreement
/// is in force.
pub async fn confirm(
    tx: &mut Tx,
    id: Uuid,
    party: Party,
    how: ConfirmedHow,
) -> Result<Agreement, StoreError> {
    let (a, r) = get(tx, id).await?;
    if a.state() != AgreementState::Draft {
        return Err(DomainError::field(ErrorCode::AgreementTransition, "id")
            .with_arg("value", &a.state)
            .into());
    }
    let done = match party {
        Party::Partner => a.partner_confirmed_at.is_some(),
        Party::Customer => a.customer_confirmed_at.is_some(),
    };
    if done {
        return Err(DomainError::field(ErrorCode::AgreementTransition, "party")
            .with_arg("value", &a.state)
            .into());
    }
    let sql = match party {
        Party::Partner => {
            "UPDATE agreements SET partner_confirmed_by = coalesce(app_user(), 'system'), \
                 partner_confirmed_at = now(), partner_confirmed_how = $2 WHERE agreement_id = $1"
        }
        Party::Customer => {
            "UPDATE agreements SET customer_confirmed_how = $2, customer_confirmed_at = now(), \
                 customer_recorded_by = coalesce(app_user(), 'system') WHERE agreement_id = $1"
        }
    };
    sqlx::query(sql).bind(id).bind(how.code()).execute(tx.conn()).await?;
    audit::record(tx, &[r.customer_id], AuditAction::Change, "agreement").await?;
    one(tx, id).await
}

/// Renews an agreement in force once: a new draft with the same terms and
/// new dates, after the first's end, checked against the limits again
/// (the first counts with the same organiser), confirmed anew.
pub async fn renew(
    tx: &mut Tx,
    rules: &PathRules,
    id: Uuid,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    today: NaiveDate,
) -> Result<Agreement, StoreError> {
    let (a, r) = get(tx, id).await?;
    crate::path::lock_path(tx, r.customer_id).await?;
    if a.state() != AgreementState::InForce {
        return Err(DomainError::field(ErrorCode::AgreementTransition, "id")
            .with_arg("value", &a.state)
            .into());
    }
    let renewed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM agreements WHERE renews = $1 AND state <> 'withdrawn')",
    )
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    if a.renews.is_some() || renewed {
        return Err(DomainError::field(ErrorCode::AgreementRenewal, "id").into());
    }
    if starts_on <= a.ends_on {
        return Err(DomainError::field(ErrorCode::OutOfRange, "startsOn")
            .with_arg("min", a.ends_on + chrono::Duration::days(1))
            .with_arg("max", "-")
            .into());
    }
    let terms = Terms {
        kind: a.kind(),
        tasks: a.tasks.clone(),
        place: a.place.clone(),
        starts_on,
        ends_on,
        days_per_week: u8::try_from(a.days_per_week).unwrap_or(1),
        hours_per_day: a.hours_per_day,
        supervisor_name: a.supervisor_name.clone(),
        supervisor_phone: a.supervisor_phone.clone(),
        supervisor_email: a.supervisor_email.clone(),
        coach_contact: a.coach_contact.clone(),
        insurance: a.insurance.clone(),
        subsidy_terms: a.subsidy_terms.clone(),
    };
    let limits = rules.in_force(starts_on, today).map_err(|e| e.at("startsOn"))?;
    report::check_terms(starts_on, ends_on, terms.days_per_week, terms.hours_per_day, limits)?;
    let organiser = r.partner_id.unwrap_or_default();
    check_limits(tx, rules, &r, organiser, &terms, None, today).await?;
    let new = insert(tx, a.referral_id, Some(id), &terms).await?;
    audit::record(tx, &[r.customer_id], AuditAction::Create, "agreement").await?;
    one(tx, new).await
}

/// Withdraws a draft drafted wrong (the area's staff): it stays on record
/// with who withdrew it and why, and counts for nothing after.
pub async fn withdraw(tx: &mut Tx, id: Uuid, reason: &str) -> Result<Agreement, StoreError> {
    let (a, r) = get(tx, id).await?;
    if a.state() != AgreementState::Draft {
        return Err(DomainError::field(ErrorCode::AgreementTransition, "id")
            .with_arg("value", &a.state)
            .into());
    }
    sqlx::query(
        "UPDATE agreements SET state = 'withdrawn', withdrawn_at = now(), \
             withdrawn_by = coalesce(app_user(), 'system'), withdrawn_reason = $2 WHERE agreement_id = $1",
    )
    .bind(id)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    audit::record(tx, &[r.customer_id], AuditAction::Change, "agreement").await?;
    one(tx, id).await
}

/// Closes the referral's agreements in force: called as its closing
/// assessment is filed, in the same transaction.
pub(crate) async fn close_with_assessment(tx: &mut Tx, referral: Uuid) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE agreements SET state = 'closed', closed_at = now() WHERE referral_id = $1 AND state = 'in_force'",
    )
    .bind(referral)
    .execute(tx.conn())
    .await?
    .rows_affected())
}

/// What the printed agreement shows beyond the agreement itself.
#[derive(Clone, Debug)]
pub struct Printed {
    pub agreement: Agreement,
    pub referral: Referral,
    pub organiser_name: String,
    pub organiser_business_id: Option<String>,
    /// The partner's working language (its first).
    pub organiser_language: String,
    /// The area's name by language code.
    pub area_names: Vec<(String, String)>,
    /// The dates of the agreement this one renews.
    pub renews: Option<(NaiveDate, NaiveDate)>,
}

/// The agreement with its parties, for printing: audited as an export of
/// the customer's data (and, for a partner, a disclosure).
pub async fn printed(tx: &mut Tx, id: Uuid) -> Result<Printed, StoreError> {
    let (agreement, referral) = get(tx, id).await?;
    type Parties = (
        Option<String>,
        Option<String>,
        Option<String>,
        sqlx::types::Json<std::collections::BTreeMap<String, String>>,
    );
    let (organiser_name, organiser_business_id, organiser_language, area_names): Parties = sqlx::query_as(
        "SELECT p.name, p.business_id, p.languages[1], t.names \
         FROM tenants t LEFT JOIN partners p ON p.tenant_id = t.tenant_id AND p.partner_id = $1 \
         WHERE t.tenant_id = app_tenant()",
    )
    .bind(referral.partner_id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    let renews = match agreement.renews {
        Some(first) => Some(one(tx, first).await.map(|a| (a.starts_on, a.ends_on))?),
        None => None,
    };
    audit::record(tx, &[referral.customer_id], AuditAction::Export, "agreement").await?;
    Ok(Printed {
        agreement,
        referral,
        organiser_name: organiser_name.unwrap_or_default(),
        organiser_business_id,
        organiser_language: organiser_language.unwrap_or_else(|| "fi".into()),
        area_names: area_names.0.into_iter().collect(),
        renews,
    })
}
