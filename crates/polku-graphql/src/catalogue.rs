//! The service catalogue and partner organisations on the API. Everyone on
//! the area's staff may read them; only its administrators change them.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::{BusinessId, DomainError, ErrorCode, Euros, Lang, Role as DomainRole};
use polku_store::partners::{self, PartnerInput as StorePartnerInput};
use polku_store::services::{self, ServiceFilter, ServiceInput as StoreServiceInput};

use crate::context::{require, AREA_STAFF};
use crate::error::ApiResult;
use crate::input::{email, opt_text, parse_id, phone};
use crate::loaders::Partners;
use crate::pagination::{connection, page_request, PolkuConnection};
use crate::reference::{all_texts, parse_texts, pick, Language, LocalizedString, LocalizedStringInput};
use crate::ApiError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::ServiceCategory")]
pub enum ServiceCategory {
    PersonalCoaching,
    Workshop,
    Training,
    RehabilitativeWork,
    WorkTrial,
    PaySubsidisedEmployment,
    Apprenticeship,
    SkillsDemonstration,
    EmploymentGrant,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::PartnerKind")]
pub enum PartnerKind {
    VocationalSchool,
    DevelopmentCompany,
    ThirdSector,
    Company,
    MunicipalUnit,
    Other,
}

pub struct Service(pub services::Service);

#[Object]
impl Service {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The name in the caller's language, else the area's default language.
    async fn name(&self, ctx: &Context<'_>) -> Option<String> {
        pick(ctx, &self.0.names)
    }
    async fn names(&self) -> Vec<LocalizedString> {
        all_texts(&self.0.names)
    }
    async fn description(&self, ctx: &Context<'_>) -> Option<String> {
        pick(ctx, &self.0.descriptions)
    }
    async fn descriptions(&self) -> Vec<LocalizedString> {
        all_texts(&self.0.descriptions)
    }
    /// Who the service is for, in the caller's language.
    async fn eligibility(&self, ctx: &Context<'_>) -> Option<String> {
        pick(ctx, &self.0.eligibility)
    }
    async fn eligibilities(&self) -> Vec<LocalizedString> {
        all_texts(&self.0.eligibility)
    }
    async fn category(&self) -> ServiceCategory {
        self.0.category.into()
    }
    /// The partner organisation that provides the service; null when the
    /// municipality provides it itself.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partner>> {
        let Some(id) = self.0.provider_id else { return Ok(None) };
        let loader = ctx.data::<Partners>()?;
        let partner = loader.load_one(id).await.map_err(|e| ApiError::Internal(e.to_string())).api()?;
        Ok(partner.map(Partner))
    }
    async fn provided_by_municipality(&self) -> bool {
        self.0.provider_id.is_none()
    }
    /// Languages the service is given in.
    async fn languages(&self) -> Vec<Language> {
        self.0.languages.iter().map(|l| (*l).into()).collect()
    }
    /// Customer places; null means unlimited.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }
    /// Cost of one customer place for one month, in euros, as an exact
    /// decimal string such as "1250.00".
    async fn cost_per_place_month(&self) -> String {
        self.0.cost_per_place_month.to_string()
    }
    async fn active_from(&self) -> NaiveDate {
        self.0.active_from
    }
    async fn active_until(&self) -> Option<NaiveDate> {
        self.0.active_until
    }
    async fn retired(&self) -> bool {
        self.0.retired_at.is_some()
    }
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.0.retired_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct Partner(pub partners::Partner);

#[derive(SimpleObject)]
pub struct Contact {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[Object]
impl Partner {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> PartnerKind {
        self.0.kind.into()
    }
    /// Finnish business ID (Y-tunnus), where the organisation has one.
    async fn business_id(&self) -> Option<&str> {
        self.0.business_id.as_deref()
    }
    async fn languages(&self) -> Vec<Language> {
        self.0.languages.iter().map(|l| (*l).into()).collect()
    }
    async fn contact(&self) -> Contact {
        Contact {
            name: self.0.contact_name.clone(),
            email: self.0.contact_email.clone(),
            phone: self.0.contact_phone.clone(),
        }
    }
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(InputObject)]
pub struct ServiceInput {
    names: Vec<LocalizedStringInput>,
    #[graphql(default)]
    descriptions: Vec<LocalizedStringInput>,
    #[graphql(default)]
    eligibility: Vec<LocalizedStringInput>,
    category: ServiceCategory,
    /// The providing partner organisation; omit when the municipality itself provides it.
    provider_id: Option<ID>,
    languages: Vec<Language>,
    /// Customer places; omit or null for unlimited.
    capacity: Option<i32>,
    /// Euros per customer place per month, e.g. "1250.50" or "1250,50".
    #[graphql(default_with = "String::from(\"0\")")]
    cost_per_place_month: String,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.activeFrom\")"))]
    active_from: NaiveDate,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.activeUntil\")"))]
    active_until: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct PartnerInput {
    name: String,
    kind: PartnerKind,
    /// Finnish business ID (Y-tunnus), e.g. "0201256-6".
    business_id: Option<String>,
    languages: Vec<Language>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    website: Option<String>,
}

#[derive(SimpleObject)]
pub struct ServicePayload {
    service: Service,
}

#[derive(SimpleObject)]
pub struct PartnerPayload {
    partner: Partner,
}

pub(crate) fn tenant_languages(ctx: &Context<'_>) -> Result<Vec<Lang>, ApiError> {
    let s = crate::context::session(ctx)?;
    Ok(s.tenant.as_ref().ok_or(DomainError::new(ErrorCode::Forbidden))?.enabled_languages.clone())
}

fn parse_languages(field: &str, langs: &[Language], enabled: &[Lang]) -> Result<Vec<Lang>, ApiError> {
    let mut out: Vec<Lang> = Vec::new();
    for (i, l) in langs.iter().enumerate() {
        let l: Lang = (*l).into();
        if !enabled.contains(&l) {
            return Err(DomainError::field(ErrorCode::LanguageNotEnabled, format!("{field}[{i}]"))
                .with_arg("lang", l)
                .into());
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, field).into());
    }
    Ok(out)
}

impl ServiceInput {
    fn parse(self, enabled: &[Lang]) -> Result<StoreServiceInput, ApiError> {
        let names = parse_texts("input.names", self.names, enabled, 200)?;
        if names.is_empty() {
            return Err(DomainError::field(ErrorCode::Required, "input.names").into());
        }
        let capacity = match self.capacity {
            Some(c) if c < 0 => {
                return Err(DomainError::field(ErrorCode::NegativeCapacity, "input.capacity").into())
            }
            other => other.map(|c| u32::try_from(c).unwrap_or(0)),
        };
        let cost = Euros::parse(&self.cost_per_place_month).map_err(|_| {
            DomainError::field(ErrorCode::InvalidAmount, "input.costPerPlaceMonth")
                .with_arg("value", &self.cost_per_place_month)
        })?;
        if cost.cents() < 0 {
            return Err(DomainError::field(ErrorCode::InvalidAmount, "input.costPerPlaceMonth")
                .with_arg("value", &self.cost_per_place_month)
                .into());
        }
        if self.active_until.is_some_and(|u| u < self.active_from) {
            return Err(DomainError::field(ErrorCode::InvalidDateRange, "input.activeUntil").into());
        }
        Ok(StoreServiceInput {
            names,
            descriptions: parse_texts("input.descriptions", self.descriptions, enabled, 4000)?,
            eligibility: parse_texts("input.eligibility", self.eligibility, enabled, 4000)?,
            category: self.category.into(),
            provider_id: self
                .provider_id
                .as_ref()
                .map(|id| {
                    parse_id(id).map_err(|_| {
                        ApiError::from(DomainError::field(ErrorCode::UnknownPartner, "input.providerId"))
                    })
                })
                .transpose()?,
            languages: parse_languages("input.languages", &self.languages, enabled)?,
            capacity,
            cost_per_place_month: cost,
            active_from: self.active_from,
            active_until: self.active_until,
        })
    }
}

impl PartnerInput {
    fn parse(self, enabled: &[Lang]) -> Result<StorePartnerInput, ApiError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(DomainError::field(ErrorCode::Required, "input.name").into());
        }
        if name.chars().count() > 200 {
            return Err(DomainError::field(ErrorCode::TooLong, "input.name").with_arg("max", 200).into());
        }
        let business_id = match self.business_id.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            None => None,
            Some(raw) => Some(BusinessId::parse(raw).map_err(|_| {
                DomainError::field(ErrorCode::InvalidBusinessId, "input.businessId").with_arg("value", raw)
            })?),
        };
        let contact_email = email("input.contactEmail", self.contact_email)?;
        Ok(StorePartnerInput {
            name,
            kind: self.kind.into(),
            business_id,
            languages: parse_languages("input.languages", &self.languages, enabled)?,
            contact_name: opt_text("input.contactName", self.contact_name, 200)?,
            contact_email,
            contact_phone: phone("input.contactPhone", self.contact_phone)?,
            website: opt_text("input.website", self.website, 400)?,
        })
    }
}

#[derive(Default)]
pub struct CatalogueQuery;

#[Object]
impl CatalogueQuery {
    /// The area's service catalogue, oldest first.
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn services(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] include_retired: bool,
        category: Option<ServiceCategory>,
        provider_id: Option<ID>,
    ) -> async_graphql::Result<PolkuConnection<Service>> {
        let s = require(ctx, AREA_STAFF).api()?;
        let page = page_request(ctx, first, after).api()?;
        let filter = ServiceFilter {
            include_retired,
            category: category.map(Into::into),
            provider_id: provider_id.as_ref().map(parse_id).transpose().api()?,
        };
        let mut tx = s.tx().await.api()?;
        let page = services::list(&mut tx, &filter, page).await.api()?;
        // One query for every provider on the page, whatever its size: the
        // loader's time-based batching alone could split a long page.
        if ctx.look_ahead().field("edges").field("node").field("provider").exists() {
            let mut ids: Vec<_> = page.items.iter().filter_map(|s| s.provider_id).collect();
            ids.sort();
            ids.dedup();
            let found = partners::by_ids(&mut tx, &ids).await.api()?;
            drop(tx);
            ctx.data::<Partners>()?.feed_many(found.into_iter().map(|p| (p.id, p))).await;
        }
        Ok(connection(page, |s| s.id, Service))
    }

    async fn service(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Service> {
        let s = require(ctx, AREA_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Service(services::get(&mut tx, id).await.api()?))
    }

    /// The area's partner organisations.
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<PolkuConnection<Partner>> {
        let s = require(ctx, AREA_STAFF).api()?;
        let page = page_request(ctx, first, after).api()?;
        let mut tx = s.tx().await.api()?;
        let page = partners::list(&mut tx, page).await.api()?;
        Ok(connection(page, |p| p.id, Partner))
    }

    async fn partner(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Partner> {
        let s = require(ctx, AREA_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Partner(partners::get(&mut tx, id).await.api()?))
    }
}

#[derive(Default)]
pub struct CatalogueMutation;

#[Object]
impl CatalogueMutation {
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        input: ServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let input = input.parse(&tenant_languages(ctx).api()?).api()?;
        let mut tx = s.tx().await.api()?;
        let service =
            services::create(&mut tx, input).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(ServicePayload { service: Service(service) })
    }

    async fn update_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ServiceInput,
    ) -> async_graphql::Result<ServicePayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let id = parse_id(&id).api()?;
        let input = input.parse(&tenant_languages(ctx).api()?).api()?;
        let mut tx = s.tx().await.api()?;
        let service =
            services::update(&mut tx, id, input).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(ServicePayload { service: Service(service) })
    }

    /// Retires a service: it takes no new customers but stays for history.
    async fn retire_service(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ServicePayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(ServicePayload { service: Service(services::retire(&mut tx, id).await.api()?) })
    }

    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        input: PartnerInput,
    ) -> async_graphql::Result<PartnerPayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let input = input.parse(&tenant_languages(ctx).api()?).api()?;
        let mut tx = s.tx().await.api()?;
        let partner =
            partners::create(&mut tx, input).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(PartnerPayload { partner: Partner(partner) })
    }

    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: PartnerInput,
    ) -> async_graphql::Result<PartnerPayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let id = parse_id(&id).api()?;
        let input = input.parse(&tenant_languages(ctx).api()?).api()?;
        let mut tx = s.tx().await.api()?;
        let partner =
            partners::update(&mut tx, id, input).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(PartnerPayload { partner: Partner(partner) })
    }
}
