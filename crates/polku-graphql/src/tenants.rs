//! Employment areas (tenants) on the API: who am I, my area, and the
//! platform administrator's list; creating and configuring areas.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use polku_domain::{
    DomainError, ErrorCode, Lang, LanguageStatus as DomainLanguageStatus, MunicipalityCode, RegionCode,
    Role as DomainRole, Slug,
};
use polku_store::tenants::{self, NewTenant, TenantSettings};
use polku_store::TenantInfo;

use crate::context::{request, require, session};
use crate::error::ApiResult;
use crate::pagination::{connection, page_request, PolkuConnection};
use crate::reference::{
    all_texts, parse_texts, Language, LanguageStatus, LocalizedString, LocalizedStringInput, Municipality,
    Region,
};
use crate::ApiError;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Role {
    PlatformAdmin,
    TenantAdmin,
    Manager,
    Coach,
    Partner,
    Oversight,
}

impl Role {
    fn from_domain(r: polku_domain::Role) -> Option<Role> {
        use polku_domain::Role as D;
        Some(match r {
            D::PlatformAdmin => Role::PlatformAdmin,
            D::TenantAdmin => Role::TenantAdmin,
            D::Manager => Role::Manager,
            D::Coach => Role::Coach,
            D::Partner => Role::Partner,
            D::Oversight => Role::Oversight,
        })
    }
}

/// The signed-in caller.
#[derive(SimpleObject)]
pub struct Viewer {
    /// The identity provider's subject.
    subject: String,
    roles: Vec<Role>,
    /// The slug of the caller's employment area, if they act in one.
    tenant_slug: Option<String>,
    partner_id: Option<ID>,
    region: Option<String>,
    /// The language this response is in.
    language: Language,
}

pub struct Tenant(pub TenantInfo);

#[Object]
impl Tenant {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    /// The area's name in the caller's language, else its default language.
    async fn name(&self, ctx: &Context<'_>) -> Option<String> {
        let r = request(ctx);
        self.0.names.get(r.lang, self.0.default_language).map(str::to_string)
    }
    async fn names(&self) -> Vec<LocalizedString> {
        all_texts(&self.0.names)
    }
    async fn region_code(&self) -> &str {
        self.0.region.as_str()
    }
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let mut tx = session(ctx).api()?.tx().await.api()?;
        let regions = polku_store::reference::regions(&mut tx).await.api()?;
        Ok(regions.into_iter().find(|r| r.region_code == self.0.region.as_str()).map(Region))
    }
    async fn enabled_languages(&self) -> Vec<Language> {
        self.0.enabled_languages.iter().map(|l| (*l).into()).collect()
    }
    async fn default_language(&self) -> Language {
        self.0.default_language.into()
    }
    /// How many customers one coach may have before a manager must override.
    async fn caseload_limit(&self) -> i32 {
        self.0.caseload_limit
    }
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    async fn municipalities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TenantMunicipality>> {
        let mut tx = session(ctx).api()?.tx().await.api()?;
        let own = tenants::municipalities(&mut tx, self.0.id).await.api()?;
        let codes: Vec<MunicipalityCode> = own.iter().map(|m| m.code).collect();
        let reference = polku_store::reference::municipalities_by_codes(&mut tx, &codes).await.api()?;
        Ok(own
            .into_iter()
            .filter_map(|m| {
                let r = reference.iter().find(|r| r.code == m.code)?.clone();
                Some(TenantMunicipality { language_status: m.language_status.into(), municipality: r })
            })
            .collect())
    }
}

/// A municipality of an area, with the language status the area serves it by.
pub struct TenantMunicipality {
    municipality: polku_store::reference::Municipality,
    language_status: LanguageStatus,
}

#[Object]
impl TenantMunicipality {
    async fn code(&self) -> &str {
        self.municipality.code.as_str()
    }
    async fn name(&self, ctx: &Context<'_>) -> String {
        crate::reference::by_lang(
            ctx,
            &self.municipality.name_fi,
            &self.municipality.name_sv,
            &self.municipality.name_fi,
        )
    }
    async fn language_status(&self) -> LanguageStatus {
        self.language_status
    }
    async fn municipality(&self) -> Municipality {
        Municipality(self.municipality.clone())
    }
}

#[derive(InputObject)]
pub struct MunicipalityInput {
    /// Statistics Finland three-digit code, e.g. "638".
    code: String,
    /// Defaults to the municipality's official status.
    language_status: Option<LanguageStatus>,
}

#[derive(InputObject)]
pub struct CreateTenantInput {
    slug: String,
    names: Vec<LocalizedStringInput>,
    region: String,
    enabled_languages: Vec<Language>,
    default_language: Language,
    caseload_limit: Option<i32>,
    municipalities: Vec<MunicipalityInput>,
}

#[derive(InputObject)]
pub struct ConfigureTenantInput {
    names: Option<Vec<LocalizedStringInput>>,
    enabled_languages: Option<Vec<Language>>,
    default_language: Option<Language>,
    caseload_limit: Option<i32>,
    municipalities: Option<Vec<MunicipalityInput>>,
}

#[derive(SimpleObject)]
pub struct TenantPayload {
    tenant: Tenant,
}

fn parse_municipalities(
    items: Vec<MunicipalityInput>,
) -> Result<Vec<(MunicipalityCode, Option<DomainLanguageStatus>)>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let code = MunicipalityCode::parse(&m.code)
                .map_err(|e| e.at(&format!("input.municipalities[{i}].code")))?;
            Ok((code, m.language_status.map(Into::into)))
        })
        .collect()
}

fn parse_caseload(limit: Option<i32>) -> Result<Option<i32>, ApiError> {
    match limit {
        Some(n) if !(1..=1000).contains(&n) => {
            Err(DomainError::field(ErrorCode::OutOfRange, "input.caseloadLimit")
                .with_arg("min", 1)
                .with_arg("max", 1000)
                .into())
        }
        other => Ok(other),
    }
}

#[derive(Default)]
pub struct TenantQuery;

#[Object]
impl TenantQuery {
    /// Who the caller is, as the token says.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let s = session(ctx).api()?;
        Ok(Viewer {
            subject: s.actor.subject.clone(),
            roles: s.actor.roles.iter().copied().filter_map(Role::from_domain).collect(),
            tenant_slug: s.actor.tenant.as_ref().map(|t| t.to_string()),
            partner_id: s.actor.partner_id.map(|p| ID(p.to_string())),
            region: s.actor.region.as_ref().map(|r| r.to_string()),
            language: request(ctx).lang.into(),
        })
    }

    /// The caller's own employment area.
    async fn tenant(&self, ctx: &Context<'_>) -> async_graphql::Result<Tenant> {
        let s = session(ctx).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Tenant(tenants::current(&mut tx).await.api()?))
    }

    /// All employment areas (platform administrators).
    #[graphql(complexity = "crate::pagination::list_cost(first, child_complexity)")]
    async fn tenants(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<PolkuConnection<Tenant>> {
        let s = require(ctx, &[DomainRole::PlatformAdmin]).api()?;
        let page = page_request(ctx, first, after).api()?;
        let mut tx = s.tx().await.api()?;
        let page = tenants::list(&mut tx, page).await.api()?;
        Ok(connection(page, |t| t.id, Tenant))
    }
}

#[derive(Default)]
pub struct TenantMutation;

#[Object]
impl TenantMutation {
    /// Creates an employment area (platform administrators).
    async fn create_tenant(
        &self,
        ctx: &Context<'_>,
        input: CreateTenantInput,
    ) -> async_graphql::Result<TenantPayload> {
        let s = require(ctx, &[DomainRole::PlatformAdmin]).api()?;
        let new = (|| -> Result<NewTenant, ApiError> {
            let enabled: Vec<Lang> = dedup(input.enabled_languages.iter().map(|l| (*l).into()));
            if enabled.is_empty() {
                return Err(DomainError::field(ErrorCode::Required, "input.enabledLanguages").into());
            }
            let names = parse_texts("input.names", input.names, &enabled, 200)?;
            if names.is_empty() {
                return Err(DomainError::field(ErrorCode::Required, "input.names").into());
            }
            Ok(NewTenant {
                slug: Slug::parse(&input.slug).map_err(|e| e.at("input.slug"))?,
                names,
                region: RegionCode::parse(&input.region).map_err(|e| e.at("input.region"))?,
                default_language: input.default_language.into(),
                enabled_languages: enabled,
                caseload_limit: parse_caseload(input.caseload_limit)?.unwrap_or(60),
                municipalities: parse_municipalities(input.municipalities)?,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let tenant =
            tenants::create(&mut tx, new).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(TenantPayload { tenant: Tenant(tenant) })
    }

    /// Changes the caller's own area's settings (its administrators).
    async fn configure_tenant(
        &self,
        ctx: &Context<'_>,
        input: ConfigureTenantInput,
    ) -> async_graphql::Result<TenantPayload> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let current = s.tenant.as_ref().ok_or(DomainError::new(ErrorCode::Forbidden)).api()?;
        let settings = (|| -> Result<TenantSettings, ApiError> {
            let enabled = input.enabled_languages.map(|v| dedup(v.into_iter().map(Into::into)));
            if enabled.as_ref().is_some_and(Vec::is_empty) {
                return Err(DomainError::field(ErrorCode::Required, "input.enabledLanguages").into());
            }
            let effective = enabled.clone().unwrap_or(current.enabled_languages.clone());
            Ok(TenantSettings {
                names: input.names.map(|n| parse_texts("input.names", n, &effective, 200)).transpose()?,
                enabled_languages: enabled,
                default_language: input.default_language.map(Into::into),
                caseload_limit: parse_caseload(input.caseload_limit)?,
                municipalities: input.municipalities.map(parse_municipalities).transpose()?,
            })
        })()
        .api()?;
        let mut tx = s.tx().await.api()?;
        let tenant =
            tenants::configure(&mut tx, settings).await.map_err(|e| ApiError::from(e).under_input()).api()?;
        Ok(TenantPayload { tenant: Tenant(tenant) })
    }
}

fn dedup(langs: impl Iterator<Item = Lang>) -> Vec<Lang> {
    let mut out: Vec<Lang> = Vec::new();
    for l in langs {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}
