//! The GraphQL schema of Polku, with no HTTP in it. The server builds a
//! [`RequestContext`] per request (who is asking, in which language, inside
//! which transaction), executes, and hands the response to [`finish`], which
//! commits and localises the errors. Root objects merge one object per
//! domain area.

mod api_keys;
mod casework;
mod catalogue;
mod context;
mod deadlines;
mod error;
mod input;
mod loaders;
mod pagination;
mod path;
mod reference;
mod referrals;
mod savepoint;
mod tenants;

use async_graphql::{EmptySubscription, MergedObject, Schema};

pub use context::{Limits, RequestContext, Session};
pub use error::{localize_response, ApiError};

#[derive(MergedObject, Default)]
pub struct Query(
    tenants::TenantQuery,
    catalogue::CatalogueQuery,
    reference::ReferenceQuery,
    casework::CaseworkQuery,
    deadlines::DeadlineQuery,
    deadlines::AreaWorklistQuery,
    path::PathQuery,
    referrals::ReferralQuery,
    api_keys::ApiKeyQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    tenants::TenantMutation,
    catalogue::CatalogueMutation,
    casework::CaseworkMutation,
    path::PathMutation,
    referrals::ReferralMutation,
    api_keys::ApiKeyMutation,
);

pub type PolkuSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema. Limits come from configuration; the sizes that let
/// GraphiQL's own introspection query through are tested.
pub fn build_schema(limits: Limits, vault: polku_store::pii::HetuVault) -> PolkuSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(vault)
        .data(polku_domain::rules::Rules::embedded())
        .data(polku_domain::path::PathRules::embedded())
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .extension(savepoint::MutationSavepoints)
        .data(limits)
        .finish()
}

/// The schema in SDL, as committed in `docs/schema.graphql`.
pub fn sdl() -> String {
    let vault = polku_store::pii::HetuVault::from_base64(&polku_store::pii::HetuVault::generate_key(), 1)
        .expect("a generated key is valid");
    build_schema(Limits::default(), vault).sdl()
}

/// Ends a request: commits its transaction (a failed commit turns the whole
/// response into an error, so nothing reported as done was lost), then puts
/// every error into the caller's language.
pub async fn finish(ctx: &RequestContext, mut response: async_graphql::Response) -> async_graphql::Response {
    if let Some(session) = &ctx.session {
        if let Err(e) = session.commit().await {
            let error = ApiError::from(e);
            response = async_graphql::Response::from_errors(vec![error.into_request_error()]);
        }
    }
    localize_response(response, ctx)
}
