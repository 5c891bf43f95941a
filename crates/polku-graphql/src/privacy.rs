//! The personal data's life cycle on the API: the area's retention periods,
//! legal holds, erasure requests, the customer's access report, and the
//! legal basis of a referral (docs/privacy.md). The retention run itself is
//! the gateway's scheduled job and `polku retention run`, not a mutation.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::retention::RetentionRules;
use polku_domain::{DomainError, ErrorCode, LocalizedText, Role};
use polku_store::referrals::LegalBasisInput as StoreBasis;
use polku_store::{access, referrals, retention};

use crate::context::{request, require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{parse_id, text};
use crate::referrals::Referral;
use crate::shared::vault;

const MANAGERS: &[Role] = &[Role::Manager, Role::TenantAdmin];

// A kind of record with its own retention period.
crate::shared::remote_enum!(
    RecordKind,
    "polku_domain::retention::RecordKind",
    [CaseRecords, Letters, Grants, ImportReports, AuditLog, DisclosureLog]
);

/// An area's retention period for one kind of record.
#[derive(SimpleObject)]
pub struct RetentionPeriod {
    kind: RecordKind,
    years: i32,
    /// The least the area may set, from the rules in force.
    minimum_years: i32,
    /// Polku's default, from the rules in force.
    default_years: i32,
    /// Whether a source found states the default (see docs/privacy.md).
    verified: bool,
    /// The statute or guidance the period comes from.
    source: String,
    rule_version: String,
    set_by: Option<String>,
    set_at: Option<DateTime<Utc>>,
}

fn period(p: retention::Period, rules: &RetentionRules, on: NaiveDate) -> RetentionPeriod {
    let rule = rules.in_force(on).rule(p.kind);
    RetentionPeriod {
        kind: p.kind.into(),
        years: i32::from(p.years),
        minimum_years: i32::from(p.minimum_years),
        default_years: rule.map_or(0, |r| i32::from(r.default_years)),
        verified: rule.is_some_and(|r| r.verified),
        source: rule.map(|r| r.source.clone()).unwrap_or_default(),
        rule_version: p.rule_id,
        set_by: p.set_by,
        set_at: p.set_at,
    }
}

#[derive(SimpleObject)]
pub struct LegalHold {
    id: ID,
    customer_id: ID,
    reason: String,
    placed_by: String,
    placed_at: DateTime<Utc>,
    released_by: Option<String>,
    released_at: Option<DateTime<Utc>>,
}

impl From<retention::LegalHold> for LegalHold {
    fn from(h: retention::LegalHold) -> Self {
        LegalHold {
            id: ID(h.id.to_string()),
            customer_id: ID(h.customer_id.to_string()),
            reason: h.reason,
            placed_by: h.placed_by,
            placed_at: h.placed_at,
            released_by: h.released_by,
            released_at: h.released_at,
        }
    }
}

/// A customer's access report (GDPR art. 15).
#[derive(SimpleObject)]
pub struct AccessReport {
    /// The customer's service language, the report's.
    language: crate::reference::Language,
    /// Everything Polku holds on the customer, with who read and who
    /// received it, as JSON (one key per part).
    json: String,
    /// The same as a printable A4 page.
    html: String,
}

/// A legal basis a referral may disclose a customer's data on.
#[derive(SimpleObject)]
pub struct LegalBasis {
    code: String,
    name: String,
    statute: String,
    is_consent: bool,
}

// How a customer gave consent.
crate::shared::remote_enum!(
    ConsentHow,
    "polku_domain::referral::ConsentHow",
    [InPerson, Phone, Written, Electronic]
);

/// The legal basis of a referral: a code of `legalBases`; for consent, the
/// day it was given and how.
#[derive(InputObject)]
pub struct LegalBasisInput {
    code: String,
    #[graphql(validator(custom = "crate::input::UsableDate(\"basis.consentGivenOn\")"))]
    consent_given_on: Option<NaiveDate>,
    consent_how: Option<ConsentHow>,
}

#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// The area's retention periods (managers and administrators).
    async fn retention_periods(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RetentionPeriod>> {
        let s = require(ctx, MANAGERS).api()?;
        let rules = RetentionRules::embedded();
        let on = today(ctx);
        let mut tx = s.tx().await.api()?;
        Ok(retention::periods(&mut tx, rules, on)
            .await
            .api()?
            .into_iter()
            .map(|p| period(p, rules, on))
            .collect())
    }

    /// A customer's legal holds, newest first.
    async fn legal_holds(&self, ctx: &Context<'_>, customer_id: ID) -> async_graphql::Result<Vec<LegalHold>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&customer_id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(retention::holds(&mut tx, id).await.api()?.into_iter().map(Into::into).collect())
    }

    /// The legal bases a referral may be sent on, in the caller's language.
    async fn legal_bases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LegalBasis>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let r = request(ctx);
        let mut tx = s.tx().await.api()?;
        let bases: Vec<(String, LocalizedText, String, bool)> =
            referrals::legal_bases(&mut tx).await.api()?;
        Ok(bases
            .into_iter()
            .map(|(code, names, statute, is_consent)| LegalBasis {
                name: names.get(r.lang, r.fallback_lang()).unwrap_or(code.as_str()).to_string(),
                code,
                statute,
                is_consent,
            })
            .collect())
    }

    /// Everything Polku holds on a customer, and who read or received it,
    /// as JSON and as a printable page in the customer's service language
    /// (managers and administrators). Producing it is audited.
    async fn access_report(&self, ctx: &Context<'_>, customer_id: ID) -> async_graphql::Result<AccessReport> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&customer_id).api()?;
        let vault = vault(ctx).api()?;
        let r = request(ctx);
        let on = today(ctx);
        let mut tx = s.tx().await.api()?;
        let report = access::report(&mut tx, vault, id).await.api()?;
        let tenant = tx.require_tenant().api()?.clone();
        let lang = report["customer"]["service_language"]
            .as_str()
            .and_then(|l| polku_domain::Lang::parse(l).ok())
            .unwrap_or(tenant.default_language);
        let area =
            tenant.names.get(lang, tenant.default_language).unwrap_or(tenant.slug.as_str()).to_string();
        let html = polku_i18n::access::render_html(&r.localizer, lang, &area, &report, on);
        Ok(AccessReport { language: lang.into(), json: report.to_string(), html })
    }
}

#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Sets the area's retention period for one kind of record (tenant
    /// administrators); never below the minimum of the rules in force.
    async fn set_retention_period(
        &self,
        ctx: &Context<'_>,
        kind: RecordKind,
        years: i32,
    ) -> async_graphql::Result<RetentionPeriod> {
        let s = require(ctx, &[Role::TenantAdmin]).api()?;
        let rules = RetentionRules::embedded();
        let on = today(ctx);
        let mut tx = s.tx().await.api()?;
        let p = retention::set_period(&mut tx, rules, on, kind.into(), years).await.api()?;
        Ok(period(p, rules, on))
    }

    /// Places a legal hold on a customer (managers and administrators): the
    /// customer is not erased until it is released. The reason is required.
    async fn place_legal_hold(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        reason: String,
    ) -> async_graphql::Result<LegalHold> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&customer_id).api()?;
        let reason = text("reason", &reason, 500).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(retention::place_hold(&mut tx, id, &reason).await.api()?.into())
    }

    async fn release_legal_hold(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LegalHold> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(retention::release_hold(&mut tx, id).await.api()?.into())
    }

    /// Records a customer's request to be erased (managers and
    /// administrators); refused while a legal hold is active or a grant or
    /// service-path period runs. The next retention run erases the customer.
    async fn request_customer_erasure(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
    ) -> async_graphql::Result<bool> {
        let s = require(ctx, MANAGERS).api()?;
        let id = parse_id(&customer_id).api()?;
        let on = today(ctx);
        let mut tx = s.tx().await.api()?;
        retention::request_erasure(&mut tx, id, on).await.api()?;
        Ok(true)
    }

    /// Records the legal basis of a referral not yet sent.
    async fn set_referral_legal_basis(
        &self,
        ctx: &Context<'_>,
        id: ID,
        basis: LegalBasisInput,
    ) -> async_graphql::Result<Referral> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let on = today(ctx);
        let basis = StoreBasis {
            code: basis.code.trim().to_string(),
            consent_given_on: basis.consent_given_on,
            consent_how: basis.consent_how.map(Into::into),
        };
        if basis.code.is_empty() {
            return Err(
                crate::ApiError::from(DomainError::field(ErrorCode::Required, "basis.code")).into_graphql()
            );
        }
        let mut tx = s.tx().await.api()?;
        Ok(Referral(referrals::set_legal_basis(&mut tx, id, basis, on).await.api()?))
    }

    /// Records that the customer withdrew consent: the partner no longer
    /// sees the referral or the customer through it.
    async fn withdraw_referral_consent(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Referral> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Referral(referrals::withdraw_consent(&mut tx, id).await.api()?))
    }
}
