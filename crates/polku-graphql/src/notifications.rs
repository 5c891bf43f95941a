//! Notifications on the API: the caller's own list with read and unread,
//! marking them read, and (in `events`) the live feed of new ones. Row
//! policies keep each staff member to their own.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::{DomainError, ErrorCode};
use polku_store::notifications;

use crate::budget::BudgetPurpose;
use crate::context::{now, require, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::parse_id;
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    NotificationKind,
    "polku_domain::notification::NotificationKind",
    [
        CustomerAssigned,
        ReferralAccepted,
        ReferralDeclined,
        ReferralInterrupted,
        AppointmentConfirmed,
        AppointmentMissed,
        ObligationDue,
        BudgetThreshold,
        BudgetOverridden,
        PartnerDeviation,
        ClosingAssessment
    ]
);

/// Something a staff member should know of. Ids and a kind; the customer's
/// name, since the list is the staff member's own.
#[derive(SimpleObject)]
pub struct Notification {
    id: ID,
    kind: NotificationKind,
    customer_id: Option<ID>,
    customer_name: Option<String>,
    /// The referral or appointment it is about.
    about_id: Option<ID>,
    /// For an obligation about to fall due: which (e.g. job_search_discussion) and when.
    obligation: Option<String>,
    due_on: Option<NaiveDate>,
    /// For a budget warning or override: the year, purpose and threshold (percent).
    budget_year: Option<i32>,
    budget_purpose: Option<BudgetPurpose>,
    percent: Option<u32>,
    /// For a partner's deviation: its kind and the matter it may be for the coach to decide.
    deviation_kind: Option<crate::partner_reports::DeviationKind>,
    matter: Option<crate::partner_reports::Matter>,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<notifications::Notification> for Notification {
    fn from(n: notifications::Notification) -> Self {
        Notification {
            id: ID(n.id.to_string()),
            kind: n.kind.into(),
            customer_id: n.customer_id.map(|c| ID(c.to_string())),
            customer_name: n.customer_name,
            about_id: n.about_id.map(|c| ID(c.to_string())),
            obligation: n.obligation,
            due_on: n.due_on,
            budget_year: n.budget.map(|b| b.year),
            budget_purpose: n.budget.map(|b| b.purpose.into()),
            percent: n.budget.and_then(|b| b.percent),
            deviation_kind: n
                .deviation
                .as_deref()
                .and_then(polku_domain::partner_report::DeviationKind::from_code)
                .map(Into::into),
            matter: n
                .matter
                .as_deref()
                .and_then(polku_domain::partner_report::Matter::from_code)
                .map(Into::into),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

const MAX_FIRST: i32 = 200;

#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The caller's notifications, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] unread_only: bool,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<Vec<Notification>> {
        let s = require(ctx, CASE_STAFF).api()?;
        if !(1..=MAX_FIRST).contains(&first) {
            return Err(ApiError::from(
                DomainError::field(ErrorCode::OutOfRange, "first")
                    .with_arg("min", 1)
                    .with_arg("max", MAX_FIRST),
            )
            .into_graphql());
        }
        let mut tx = s.tx().await.api()?;
        let list = notifications::mine(&mut tx, unread_only, i64::from(first)).await.api()?;
        Ok(list.into_iter().map(Notification::from).collect())
    }

    /// How many of the caller's notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        notifications::unread_count(&mut tx).await.api()
    }

    /// One of the caller's notifications (as the live feed names it).
    async fn notification(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Notification> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        notifications::one(&mut tx, id)
            .await
            .api()?
            .map(Notification::from)
            .ok_or(polku_store::StoreError::NotFound)
            .api()
    }
}

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks the caller's notifications read: those named, or all unread
    /// when `ids` is left out. Returns how many changed.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<u64> {
        let s = require(ctx, CASE_STAFF).api()?;
        // An id that is no UUID names nothing of the caller's: not found.
        let ids = ids.map(|ids| ids.iter().map(parse_id).collect::<Result<Vec<_>, _>>()).transpose().api()?;
        let mut tx = s.tx().await.api()?;
        notifications::mark_read(&mut tx, ids.as_deref(), now(ctx)).await.api()
    }
}
