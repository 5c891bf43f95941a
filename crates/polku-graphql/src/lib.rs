//! The GraphQL schema of Polku, with no HTTP in it. The server builds a
//! [`RequestContext`] per request (who is asking, in which language, inside
//! which transaction), executes, and hands the response to [`finish`], which
//! commits and localises the errors. Root objects merge one object per
//! domain area.

mod agreements;
mod api_keys;
mod appointments;
mod audit;
mod boxed;
mod budget;
mod catalogue;
mod context;
mod customers;
mod deadlines;
mod duties;
mod error;
mod events;
mod field_cap;
mod figures;
mod funding;
mod grants;
mod imports;
mod input;
mod letters;
mod loaders;
mod meetings;
mod notifications;
mod pagination;
mod partner_reports;
mod path;
mod plans;
mod privacy;
mod reference;
mod referrals;
mod savepoint;
mod shared;
mod staff;
mod tenants;

use async_graphql::{MergedObject, Schema};

pub use context::{Clock, Limits, RequestContext, Session};
pub use error::{localize_response, ApiError};
pub use events::{EventBus, ReferralChanged, Subscriber};

#[derive(MergedObject, Default)]
pub struct Query(
    tenants::TenantQuery,
    catalogue::CatalogueQuery,
    reference::ReferenceQuery,
    boxed::Boxed<CaseworkQuery>,
    deadlines::DeadlineQuery,
    deadlines::AreaWorklistQuery,
    path::PathQuery,
    referrals::ReferralQuery,
    api_keys::ApiKeyQuery,
    grants::GrantQuery,
    figures::FigureQuery,
    duties::DutiesQuery,
    appointments::AppointmentQuery,
    notifications::NotificationQuery,
    funding::FundingQuery,
    budget::BudgetQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    tenants::TenantMutation,
    catalogue::CatalogueMutation,
    boxed::Boxed<CaseworkMutation>,
    path::PathMutation,
    referrals::ReferralMutation,
    api_keys::ApiKeyMutation,
    grants::GrantMutation,
    duties::DutiesMutation,
    appointments::AppointmentMutation,
    notifications::NotificationMutation,
    funding::FundingMutation,
    budget::BudgetMutation,
);

// The case work's objects, one per aggregate, merge into the roots as one
// group behind a box (see `boxed`).
#[derive(MergedObject, Default)]
struct CaseworkQuery(
    customers::CustomerQuery,
    staff::StaffQuery,
    customers::CaseloadQuery,
    plans::PlanQuery,
    audit::AuditQuery,
    imports::ImportQuery,
    privacy::PrivacyQuery,
    partner_reports::PartnerReportQuery,
);

#[derive(MergedObject, Default)]
struct CaseworkMutation(
    staff::StaffMutation,
    customers::CustomerMutation,
    plans::PlanMutation,
    meetings::MeetingMutation,
    imports::ImportMutation,
    privacy::PrivacyMutation,
    partner_reports::PartnerReportMutation,
    agreements::AgreementMutation,
);

pub type PolkuSchema = Schema<Query, Mutation, events::Subscription>;

/// Builds the schema. Limits come from configuration; the sizes that let
/// GraphiQL's own introspection query through are tested.
/// Events of committed changes go to `events`.
pub fn build_schema(limits: Limits, vault: polku_store::pii::HetuVault, events: EventBus) -> PolkuSchema {
    Schema::build(Query::default(), Mutation::default(), events::Subscription)
        .data(vault)
        .data(events)
        .data(polku_domain::rules::Rules::embedded())
        .data(polku_domain::path::PathRules::embedded())
        .data(polku_domain::neglect::NeglectRules::embedded())
        .data(polku_domain::municipal_share::ShareRules::embedded())
        .data(polku_domain::job_search::ObligationRules::embedded())
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .extension(savepoint::MutationSavepoints)
        .extension(field_cap::FieldCap(limits.max_fields))
        .data(limits)
        .finish()
}

/// The schema in SDL, as committed in `docs/schema.graphql`.
#[expect(clippy::expect_used, reason = "a key the vault has just generated is one it reads")]
pub fn sdl() -> String {
    let vault = polku_store::pii::HetuVault::from_base64(&polku_store::pii::HetuVault::generate_key(), 1)
        .expect("a generated key is valid");
    build_schema(Limits::default(), vault, EventBus::in_process()).sdl()
}

/// Ends a request: commits its transaction, then puts every error into the
/// caller's language. A failed commit, or a transaction in which any
/// statement failed (which PostgreSQL would only roll back), turns the whole
/// response into errors: no data whose audit rows were not kept is sent,
/// and nothing reported as done was lost.
pub async fn finish(
    ctx: &RequestContext,
    events: &EventBus,
    mut response: async_graphql::Response,
) -> async_graphql::Response {
    if let Some(session) = &ctx.session {
        match session.commit().await {
            Ok(()) => session.take_events().into_iter().for_each(|e| events.publish(e)),
            Err(e) => {
                // Nothing the request read or did may leave: its data goes,
                // its own errors stay (they say what failed), and one more
                // says that nothing was kept.
                let mut errors = std::mem::take(&mut response.errors);
                errors.push(ApiError::from(e).into_request_error());
                response = async_graphql::Response::from_errors(errors);
            }
        }
    }
    localize_response(response, ctx)
}
