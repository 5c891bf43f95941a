//! What a resolver knows about its request: the session (actor and its
//! transaction), the negotiated language, and the limits in force.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::Context;
use polku_domain::{DomainError, ErrorCode, Lang, Role};
use polku_i18n::Localizer;
use polku_store::audit::{self, AuditAction};
use polku_store::{Actor, StoreError, TenantInfo, Tx};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};
use uuid::Uuid;

use crate::loaders::PartnerLoader;
use crate::ApiError;

/// Sizes the schema enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_page_size: u32,
    /// Fields in one operation, fragments expanded, aliases counted.
    pub max_fields: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // Depth 16 and complexity 2000 let GraphiQL's introspection query through.
        // 500 fields is several times GraphiQL's introspection query.
        Limits { max_depth: 16, max_complexity: 2000, max_page_size: 100, max_fields: 500 }
    }
}

/// An authenticated caller and the one transaction their request runs in.
/// Resolvers take turns on it; it is committed once, after execution.
pub struct Session {
    pub actor: Actor,
    pub tenant: Option<TenantInfo>,
    tx: Mutex<Option<Tx>>,
    /// Events of this request's changes, published once it commits.
    pending: std::sync::Mutex<Vec<crate::events::ReferralChanged>>,
    /// Audit rows that must outlive the step that failed (a refused reveal):
    /// written just before the commit.
    audit_after: std::sync::Mutex<Vec<(Uuid, AuditAction, &'static str)>>,
}

impl Session {
    pub fn new(tx: Tx) -> Session {
        Session {
            actor: tx.actor().clone(),
            tenant: tx.tenant().cloned(),
            tx: Mutex::new(Some(tx)),
            pending: std::sync::Mutex::default(),
            audit_after: std::sync::Mutex::default(),
        }
    }

    /// Keeps an audit row to write at commit, outside the mutation's
    /// savepoint, so that rolling back a refused step does not erase the
    /// record of the attempt.
    pub(crate) fn audit_after_step(&self, customer: Uuid, action: AuditAction, what: &'static str) {
        self.audit_after.lock().unwrap_or_else(|p| p.into_inner()).push((customer, action, what));
    }

    /// Keeps an event until the transaction commits.
    pub(crate) fn after_commit(&self, event: crate::events::ReferralChanged) {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).push(event);
    }

    /// The events of a committed request.
    pub(crate) fn take_events(&self) -> Vec<crate::events::ReferralChanged> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Exclusive use of the transaction. Never hold it across a DataLoader
    /// call: the loader needs it too.
    pub async fn tx(&self) -> Result<MappedMutexGuard<'_, Tx>, ApiError> {
        MutexGuard::try_map(self.tx.lock().await, Option::as_mut)
            .map_err(|_| ApiError::Internal("transaction already finished".into()))
    }

    /// Commits now, for work outside GraphQL (a letter download).
    pub async fn commit_now(&self) -> Result<(), ApiError> {
        self.commit().await.map_err(ApiError::from)
    }

    /// Commits (see `Tx::commit`: a transaction with a failed statement is
    /// refused, not silently rolled back) after writing the deferred audit
    /// rows. If one of those cannot be written, the commit fails with it.
    pub(crate) async fn commit(&self) -> Result<(), StoreError> {
        let Some(mut tx) = self.tx.lock().await.take() else { return Ok(()) };
        let deferred = std::mem::take(&mut *self.audit_after.lock().unwrap_or_else(|p| p.into_inner()));
        for (customer, action, what) in deferred {
            // A failed write leaves the transaction failed, and the commit
            // below reports that.
            if audit::record(&mut tx, &[customer], action, what).await.is_err() {
                break;
            }
        }
        tx.commit().await
    }
}

/// Where the gateway reads the time: the system's, or one a test sets.
/// Time in tests moves by setting it, never by sleeping.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    /// A clock that reads `now` from the given function (a test's setting).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// Per-request data, attached with `Request::data`.
pub struct RequestContext {
    pub session: Option<Arc<Session>>,
    pub lang: Lang,
    pub localizer: Arc<Localizer>,
    pub request_id: String,
    pub trace_id: String,
    pub limits: Limits,
    /// The instant the request is handled at, read once from the gateway's
    /// clock so every field of one request sees the same "now".
    pub now: DateTime<Utc>,
}

impl RequestContext {
    /// Attaches this context and its per-request loaders to a request. The
    /// loaders are made here, per request, so a batch can never mix tenants.
    pub fn attach(self: Arc<Self>, request: async_graphql::Request) -> async_graphql::Request {
        let mut request = request.data(self.clone());
        if let Some(session) = &self.session {
            request = request.data(DataLoader::with_cache(
                PartnerLoader::new(session.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ));
        }
        request
    }

    /// The language data falls back to when a translation is missing.
    pub fn fallback_lang(&self) -> Lang {
        self.session.as_ref().and_then(|s| s.tenant.as_ref()).map(|t| t.default_language).unwrap_or(self.lang)
    }
}

pub(crate) fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    // The server attaches a RequestContext to every request it executes; its
    // absence is a wiring bug that every test would catch.
    #[expect(
        clippy::expect_used,
        reason = "attached to every request the server executes; checked by every test"
    )]
    let context = ctx.data::<Arc<RequestContext>>().map(Arc::as_ref).expect("RequestContext attached");
    context
}

/// The session, or UNAUTHENTICATED.
pub(crate) fn session<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Session>, ApiError> {
    request(ctx).session.as_ref().ok_or(ApiError::Domain(DomainError::new(ErrorCode::Unauthenticated)))
}

/// The session of a caller holding one of `roles`, or FORBIDDEN.
pub(crate) fn require<'a>(ctx: &Context<'a>, roles: &[Role]) -> Result<&'a Arc<Session>, ApiError> {
    let session = session(ctx)?;
    if roles.iter().any(|r| session.actor.has(*r)) {
        Ok(session)
    } else {
        Err(ApiError::Domain(DomainError::new(ErrorCode::Forbidden)))
    }
}

/// The area's case staff: the roles that see customer data.
pub(crate) const CASE_STAFF: &[Role] = &Role::CASE_STAFF;

/// Today's date in the caller's area (its time zone; Finland's without an
/// area), for deadlines, worklists, ages and letters: one clock for all.
pub(crate) fn today(ctx: &Context<'_>) -> chrono::NaiveDate {
    let request = request(ctx);
    let zone = request.session.as_ref().and_then(|s| s.tenant.as_ref()).map(|t| t.time_zone.as_str());
    let zone = zone.unwrap_or(polku_domain::calendar::DEFAULT_TIME_ZONE.name());
    polku_domain::calendar::local_date(request.now, zone)
}

/// The request's instant (see [`RequestContext::now`]).
pub(crate) fn now(ctx: &Context<'_>) -> DateTime<Utc> {
    request(ctx).now
}

/// Staff of an area who may read its catalogue and partners.
pub(crate) const AREA_STAFF: &[Role] =
    &[Role::TenantAdmin, Role::Manager, Role::Coach, Role::Partner, Role::PlatformAdmin];
