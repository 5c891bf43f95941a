//! Reference data on the API: regions, municipalities, and the enums and
//! localised texts (out and in) shared by the other domain objects.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use polku_domain::{Lang, LocalizedText};
use polku_store::reference;

use crate::context::{request, session};
use crate::error::ApiResult;
use crate::ApiError;

/// A service language.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::Lang")]
pub enum Language {
    /// Finnish (suomi).
    Fi,
    /// Swedish (svenska).
    Sv,
    /// English.
    En,
}

/// A municipality's official language status.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "polku_domain::LanguageStatus")]
pub enum LanguageStatus {
    Finnish,
    Swedish,
    BilingualFinnishMajority,
    BilingualSwedishMajority,
}

/// Text in one language.
#[derive(SimpleObject, Clone)]
pub struct LocalizedString {
    pub lang: Language,
    pub text: String,
}

pub(crate) fn all_texts(t: &polku_domain::LocalizedText) -> Vec<LocalizedString> {
    t.0.iter().map(|(l, text)| LocalizedString { lang: (*l).into(), text: text.clone() }).collect()
}

#[derive(InputObject)]
pub struct LocalizedStringInput {
    pub lang: Language,
    pub text: String,
}

/// Texts in several languages, each in one of the area's `enabled`
/// languages (`LocalizedText::parse`).
pub(crate) fn parse_texts(
    field: &str,
    texts: Vec<LocalizedStringInput>,
    enabled: &[Lang],
    max_len: usize,
) -> Result<LocalizedText, ApiError> {
    let pairs = texts.into_iter().map(|t| (Lang::from(t.lang).code().to_string(), t.text));
    LocalizedText::parse(pairs, enabled, max_len).map_err(|e| e.at(field).into())
}

/// Picks the caller's language, falling back to the tenant's default.
pub(crate) fn pick(ctx: &Context<'_>, t: &polku_domain::LocalizedText) -> Option<String> {
    let r = request(ctx);
    t.get(r.lang, r.fallback_lang()).map(str::to_string)
}

pub(crate) fn by_lang(ctx: &Context<'_>, fi: &str, sv: &str, en: &str) -> String {
    match request(ctx).lang {
        Lang::Fi => fi,
        Lang::Sv => sv,
        Lang::En => en,
    }
    .to_string()
}

/// An ELY/TE oversight region.
pub struct Region(pub reference::Region);

#[Object]
impl Region {
    async fn code(&self) -> &str {
        &self.0.region_code
    }
    /// The name in the caller's language.
    async fn name(&self, ctx: &Context<'_>) -> String {
        by_lang(ctx, &self.0.name_fi, &self.0.name_sv, &self.0.name_en)
    }
}

/// A municipality by its Statistics Finland code.
pub struct Municipality(pub reference::Municipality);

#[Object]
impl Municipality {
    /// Three-digit Statistics Finland code, e.g. "638".
    async fn code(&self) -> &str {
        self.0.code.as_str()
    }
    /// The name in the caller's language (Swedish name for sv).
    async fn name(&self, ctx: &Context<'_>) -> String {
        by_lang(ctx, &self.0.name_fi, &self.0.name_sv, &self.0.name_fi)
    }
    async fn name_fi(&self) -> &str {
        &self.0.name_fi
    }
    async fn name_sv(&self) -> &str {
        &self.0.name_sv
    }
    async fn language_status(&self) -> LanguageStatus {
        self.0.language_status.into()
    }
    async fn region_code(&self) -> &str {
        &self.0.region_code
    }
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The ELY/TE oversight regions.
    async fn regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        let mut tx = session(ctx).api()?.tx().await.api()?;
        Ok(reference::regions(&mut tx).await.api()?.into_iter().map(Region).collect())
    }

    /// Mainland Finland's municipalities, optionally of one region.
    async fn municipalities(
        &self,
        ctx: &Context<'_>,
        region: Option<String>,
    ) -> async_graphql::Result<Vec<Municipality>> {
        let mut tx = session(ctx).api()?.tx().await.api()?;
        Ok(reference::municipalities(&mut tx, region.as_deref())
            .await
            .api()?
            .into_iter()
            .map(Municipality)
            .collect())
    }
}
