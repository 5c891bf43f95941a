//! The area's staff on the API: the staff member with their caseload
//! count, the staff list, the caller's own record, and adding staff.

use async_graphql::{Context, InputObject, Object, ID};
use polku_domain::{DomainError, ErrorCode, Lang, Role as DomainRole};
use polku_store::staff::{self, StaffInput};

use crate::context::{require, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{email, phone, text};
use crate::reference::Language;
use crate::ApiError;

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

#[derive(Default)]
pub struct StaffQuery;

#[Object]
impl StaffQuery {
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
}

#[derive(Default)]
pub struct StaffMutation;

#[Object]
impl StaffMutation {
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
}
