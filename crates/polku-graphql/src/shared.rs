//! What the case work's modules need alike: the domain's closed sets as
//! GraphQL enums, the identity-code vault, and the coach a caseload view is
//! about.

use async_graphql::{Context, ID};
use polku_domain::{DomainError, ErrorCode, Role as DomainRole};
use polku_store::pii::HetuVault;
use polku_store::staff;
use uuid::Uuid;

use crate::input::parse_id;
use crate::ApiError;

/// A GraphQL enum with a domain enum's variants: `#[graphql(remote)]` writes
/// the conversions both ways, so the two cannot drift apart.
macro_rules! remote_enum {
    ($name:ident, $remote:literal, [$($v:ident),*]) => {
        // The variant names are the domain's own.
        #[allow(clippy::enum_variant_names)]
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = $remote)]
        pub enum $name { $($v,)* }
    };
}
pub(crate) use remote_enum;

pub(crate) fn vault<'a>(ctx: &Context<'a>) -> Result<&'a HetuVault, ApiError> {
    ctx.data::<HetuVault>().map_err(|_| ApiError::Internal("identity-code vault not configured".into()))
}

/// The coach a caseload view is about: the one named, for managers and
/// administrators (and for a coach naming themself), else the caller.
pub(crate) async fn resolve_coach(
    s: &crate::Session,
    tx: &mut polku_store::Tx,
    coach_id: Option<ID>,
) -> Result<Uuid, ApiError> {
    match coach_id {
        Some(id) => {
            let coach = parse_id(&id)?;
            let may_name_anyone = s.actor.has(DomainRole::Manager) || s.actor.has(DomainRole::TenantAdmin);
            if !may_name_anyone && staff::me(tx).await?.map(|m| m.id) != Some(coach) {
                return Err(DomainError::new(ErrorCode::Forbidden).into());
            }
            Ok(coach)
        }
        None => Ok(staff::me(tx).await?.ok_or(DomainError::new(ErrorCode::UnknownCoach))?.id),
    }
}
