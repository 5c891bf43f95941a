//! Employment areas: created by platform administrators, configured by their
//! own administrators.

use polku_domain::{
    DomainError, ErrorCode, Lang, LanguageStatus, LocalizedText, MunicipalityCode, RegionCode, Slug,
};
use sqlx::types::Json;
use uuid::Uuid;

use crate::tx::{TenantRow, TENANT_COLUMNS};
use crate::{Page, PageRequest, StoreError, TenantInfo, Tx};

#[derive(Clone, Debug)]
pub struct TenantMunicipality {
    pub code: MunicipalityCode,
    pub language_status: LanguageStatus,
}

#[derive(Clone, Debug)]
pub struct NewTenant {
    pub slug: Slug,
    pub names: LocalizedText,
    pub region: RegionCode,
    pub enabled_languages: Vec<Lang>,
    pub default_language: Lang,
    pub caseload_limit: i32,
    /// Municipalities with their language status; `None` takes the status
    /// from the reference table.
    pub municipalities: Vec<(MunicipalityCode, Option<LanguageStatus>)>,
}

/// A change to an area's own settings; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct TenantSettings {
    pub names: Option<LocalizedText>,
    pub enabled_languages: Option<Vec<Lang>>,
    pub default_language: Option<Lang>,
    pub caseload_limit: Option<i32>,
    pub municipalities: Option<Vec<(MunicipalityCode, Option<LanguageStatus>)>>,
}

fn langs(v: &[Lang]) -> Vec<&'static str> {
    v.iter().map(|l| l.code()).collect()
}

pub async fn create(tx: &mut Tx, new: NewTenant) -> Result<TenantInfo, StoreError> {
    check_languages(&new.enabled_languages, new.default_language)?;
    let id = Uuid::now_v7();
    let row: TenantRow = sqlx::query_as(&format!(
        "INSERT INTO tenants (tenant_id, slug, names, region_code, enabled_languages, default_language, caseload_limit) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TENANT_COLUMNS}"
    ))
    .bind(id)
    .bind(new.slug.as_str())
    .bind(Json(&new.names))
    .bind(new.region.as_str())
    .bind(langs(&new.enabled_languages))
    .bind(new.default_language.code())
    .bind(new.caseload_limit)
    .fetch_one(tx.conn())
    .await?;
    let previous = tx.tenant().map(|t| t.id);
    tx.switch_tenant(Some(id)).await?;
    // On failure the transaction is aborted; the caller's savepoint rollback
    // also undoes the setting, so only success needs to switch back.
    replace_municipalities(tx, id, &new.municipalities).await?;
    tx.switch_tenant(previous).await?;
    TenantInfo::try_from(row)
}

fn check_languages(enabled: &[Lang], default: Lang) -> Result<(), StoreError> {
    if !enabled.contains(&default) {
        return Err(DomainError::field(ErrorCode::DefaultLanguageNotEnabled, "defaultLanguage").into());
    }
    Ok(())
}

async fn replace_municipalities(
    tx: &mut Tx,
    tenant_id: Uuid,
    municipalities: &[(MunicipalityCode, Option<LanguageStatus>)],
) -> Result<(), StoreError> {
    if municipalities.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, "municipalities").into());
    }
    let codes: Vec<&str> = municipalities.iter().map(|(c, _)| c.as_str()).collect();
    let statuses: Vec<Option<&str>> =
        municipalities.iter().map(|(_, s)| s.map(LanguageStatus::code)).collect();
    // Only municipalities really removed are deleted: customers living in
    // one keep it in the area (the foreign key refuses), others are untouched.
    sqlx::query(
        "DELETE FROM tenant_municipalities WHERE tenant_id = $1 AND NOT (code = ANY($2::text[]::char(3)[]))",
    )
    .bind(tenant_id)
    .bind(&codes)
    .execute(tx.conn())
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Domain(d) if d.code == ErrorCode::MunicipalityNotInArea => {
            StoreError::Domain(DomainError::field(ErrorCode::MunicipalityInUse, "municipalities"))
        }
        other => other,
    })?;
    // Unknown codes simply find no reference row; comparing counts names them.
    let inserted = sqlx::query(
        "INSERT INTO tenant_municipalities (tenant_id, code, language_status) \
         SELECT $1, m.code, coalesce(i.status, m.language_status) \
         FROM unnest($2::text[], $3::text[]) AS i(code, status) \
         JOIN municipalities m ON m.code = i.code::char(3) \
         ON CONFLICT (tenant_id, code) DO UPDATE SET language_status = excluded.language_status",
    )
    .bind(tenant_id)
    .bind(&codes)
    .bind(&statuses)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if usize::try_from(inserted).ok() != Some(codes.len()) {
        let known = crate::reference::municipalities_by_codes(
            tx,
            &municipalities.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        )
        .await?;
        let (i, unknown) = municipalities
            .iter()
            .enumerate()
            .find(|(_, (c, _))| !known.iter().any(|k| k.code == *c))
            .map(|(i, (c, _))| (i, *c))
            .ok_or(DomainError::field(ErrorCode::Validation, "municipalities"))?;
        return Err(DomainError::field(ErrorCode::UnknownMunicipality, format!("municipalities[{i}]"))
            .with_arg("value", unknown)
            .into());
    }
    Ok(())
}

/// The calling tenant, fresh from the database.
pub async fn current(tx: &mut Tx) -> Result<TenantInfo, StoreError> {
    let id = tx.require_tenant()?.id;
    by_id(tx, id).await
}

pub async fn by_id(tx: &mut Tx, id: Uuid) -> Result<TenantInfo, StoreError> {
    let row: TenantRow =
        sqlx::query_as(&format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE tenant_id = $1"))
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
    TenantInfo::try_from(row)
}

/// Tenants visible to the caller (all of them, for a platform administrator).
pub async fn list(tx: &mut Tx, page: PageRequest) -> Result<Page<TenantInfo>, StoreError> {
    let rows: Vec<TenantRow> = sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE $1::uuid IS NULL OR tenant_id > $1 \
         ORDER BY tenant_id LIMIT $2"
    ))
    .bind(page.after)
    .bind(i64::from(page.first) + 1)
    .fetch_all(tx.conn())
    .await?;
    // Counted only when the caller asks for the total.
    let total: i64 = if page.with_total {
        sqlx::query_scalar("SELECT count(*) FROM tenants").fetch_one(tx.conn()).await?
    } else {
        0
    };
    let rows = rows.into_iter().map(TenantInfo::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page, total))
}

pub async fn municipalities(tx: &mut Tx, tenant_id: Uuid) -> Result<Vec<TenantMunicipality>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT code::text, language_status FROM tenant_municipalities WHERE tenant_id = $1 ORDER BY code",
    )
    .bind(tenant_id)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, status)| {
            Some(TenantMunicipality {
                code: MunicipalityCode::parse(&code).ok()?,
                language_status: LanguageStatus::from_code(&status)?,
            })
        })
        .collect())
}

/// Applies a tenant administrator's changes to their own area.
pub async fn configure(tx: &mut Tx, settings: TenantSettings) -> Result<TenantInfo, StoreError> {
    let current = current(tx).await?;
    let enabled = settings.enabled_languages.clone().unwrap_or(current.enabled_languages.clone());
    let default = settings.default_language.unwrap_or(current.default_language);
    check_languages(&enabled, default)?;
    if let Some(names) = &settings.names {
        if let Some(lang) = names.0.keys().find(|l| !enabled.contains(l)) {
            return Err(DomainError::field(ErrorCode::LanguageNotEnabled, "names")
                .with_arg("lang", lang)
                .into());
        }
    }
    let row: TenantRow = sqlx::query_as(&format!(
        "UPDATE tenants SET names = coalesce($2, names), enabled_languages = $3, default_language = $4, \
         caseload_limit = coalesce($5, caseload_limit), updated_at = now() \
         WHERE tenant_id = $1 RETURNING {TENANT_COLUMNS}"
    ))
    .bind(current.id)
    .bind(settings.names.as_ref().map(Json))
    .bind(langs(&enabled))
    .bind(default.code())
    .bind(settings.caseload_limit)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(DomainError::new(ErrorCode::Forbidden))?;
    if let Some(municipalities) = &settings.municipalities {
        replace_municipalities(tx, current.id, municipalities).await?;
    }
    tx.tenant_changed();
    TenantInfo::try_from(row)
}

/// Every area's slug (platform administrators), for maintenance that runs
/// area by area.
pub async fn all_slugs(tx: &mut Tx) -> Result<Vec<Slug>, StoreError> {
    let slugs: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM tenants ORDER BY slug").fetch_all(tx.conn()).await?;
    slugs.iter().map(|s| Slug::parse(s).map_err(|e| StoreError::Domain(e.at("tenants.slug")))).collect()
}
