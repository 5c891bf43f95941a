//! The tenant-scoped transaction: the only way into the database for request
//! work. `begin` sets the request's user, roles and tenant with
//! `set_config(..., true)`, which lasts only until the transaction ends, so a
//! pooled connection never carries one request's identity into the next.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use polku_domain::{DomainError, ErrorCode, Lang, LocalizedText, RegionCode, Role, Slug};
use sqlx::postgres::PgArguments;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::StoreError;

/// Who is asking, as the authentication layer established it.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The identity provider's subject. Not personal data in itself, but
    /// never joined to a name in logs either.
    pub subject: String,
    pub roles: Vec<Role>,
    pub tenant: Option<Slug>,
    pub partner_id: Option<Uuid>,
    pub region: Option<RegionCode>,
    /// The request this work belongs to, for the audit log.
    pub request_id: Option<String>,
    /// The platform's own work rather than a person's request, and which.
    pub system: Option<SystemTask>,
}

/// Work the platform does on its own behalf. These are capabilities, not
/// roles: no token can carry one (they are not `Role`s, so a token's role
/// claim cannot name them), and each is a database role of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemTask {
    /// Looking up a partner's API key before the partner is known: may read
    /// keys and stamp their last use, nothing else (`polku_keycheck`).
    KeyCheck,
    /// The figures refresher, the only writer of the precomputed oversight
    /// figures.
    FiguresRefresh,
    /// The retention run: erases what has expired, and only that (the
    /// database role `polku_retention` and its policies decide).
    Retention,
    /// Seeding, command-line imports, the generator, key rotation: the
    /// platform's own bootstrap and maintenance work, with the roles it is
    /// given.
    Maintenance,
    /// The outbox sender: claims and records messages, area by area.
    Outbox,
    /// The daily round of notifications: obligations about to fall due,
    /// and each staff member's digest.
    Digest,
}

impl SystemTask {
    /// The name row policies know the capability by, added to the
    /// transaction's `polku.roles` (migrations `referrals`, `figures`).
    fn policy_name(self) -> Option<&'static str> {
        match self {
            SystemTask::KeyCheck => Some("api_key_check"),
            SystemTask::FiguresRefresh => Some("figures_refresh"),
            SystemTask::Retention => Some("retention"),
            SystemTask::Maintenance | SystemTask::Outbox | SystemTask::Digest => None,
        }
    }
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The platform's own bootstrap work (seeding, imports from the command
    /// line) acts as a named system actor with explicit roles.
    pub fn system(tenant: Option<Slug>, roles: Vec<Role>) -> Actor {
        Actor::task(SystemTask::Maintenance, tenant, roles)
    }

    /// The platform's own work of one kind, in one area or none.
    pub fn task(task: SystemTask, tenant: Option<Slug>, roles: Vec<Role>) -> Actor {
        Actor {
            subject: "system".into(),
            roles,
            tenant,
            partner_id: None,
            region: None,
            request_id: None,
            system: Some(task),
        }
    }

    /// A person's (or a partner system's) request, as a token or key names it.
    pub fn request(
        subject: String,
        roles: Vec<Role>,
        tenant: Option<Slug>,
        partner_id: Option<Uuid>,
        region: Option<RegionCode>,
    ) -> Actor {
        Actor { subject, roles, tenant, partner_id, region, request_id: None, system: None }
    }

    /// The database role the transaction runs as (see migration
    /// `database_roles`). Row policies still read the roles themselves; the
    /// database role decides which tables and columns are reachable at all,
    /// so the most a caller can reach is the least its kind needs.
    pub fn db_role(&self) -> &'static str {
        let staff = self
            .roles
            .iter()
            .any(|r| matches!(r, Role::PlatformAdmin | Role::TenantAdmin | Role::Manager | Role::Coach));
        if self.system == Some(SystemTask::KeyCheck) {
            "polku_keycheck"
        } else if self.system == Some(SystemTask::Retention) {
            "polku_retention"
        } else if self.system.is_some() {
            "polku_system"
        } else if staff {
            "polku_staff"
        } else if self.has(Role::Partner) {
            "polku_partner"
        } else if self.has(Role::Oversight) {
            "polku_oversight"
        } else {
            "polku_anonymous"
        }
    }
}

/// The employment area a transaction is scoped to.
#[derive(Clone, Debug)]
pub struct TenantInfo {
    pub id: Uuid,
    pub slug: Slug,
    pub names: LocalizedText,
    pub region: RegionCode,
    pub enabled_languages: Vec<Lang>,
    pub default_language: Lang,
    pub caseload_limit: i32,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TenantRow {
    tenant_id: Uuid,
    slug: String,
    names: Json<LocalizedText>,
    region_code: String,
    enabled_languages: Vec<String>,
    default_language: String,
    caseload_limit: i32,
    time_zone: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) const TENANT_COLUMNS: &str = "tenant_id, slug, names, region_code, enabled_languages, \
     default_language, caseload_limit, time_zone, created_at, updated_at";

impl TryFrom<TenantRow> for TenantInfo {
    type Error = StoreError;
    fn try_from(r: TenantRow) -> Result<Self, StoreError> {
        // The database's CHECK constraints admit only valid values, so a
        // failure here means the schema and the code disagree.
        let invalid = |what: &str| StoreError::Database(sqlx::Error::Decode(what.to_string().into()));
        Ok(TenantInfo {
            id: r.tenant_id,
            slug: Slug::parse(&r.slug).map_err(|_| invalid("tenants.slug"))?,
            names: r.names.0,
            region: RegionCode::parse(&r.region_code).map_err(|_| invalid("tenants.region_code"))?,
            enabled_languages: r
                .enabled_languages
                .iter()
                .map(|l| Lang::parse(l))
                .collect::<Result<_, _>>()
                .map_err(|_| invalid("tenants.enabled_languages"))?,
            default_language: Lang::parse(&r.default_language)
                .map_err(|_| invalid("tenants.default_language"))?,
            caseload_limit: r.caseload_limit,
            time_zone: r.time_zone,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The areas' settings as last read, by slug, so a request need not spend a
/// statement on finding its area. The entry is the same for every caller
/// of the area (the row every token naming the slug may read), so nothing
/// here differs by user or role. An area's id never changes; its settings
/// do, rarely: a change made through this process drops the entry when it
/// commits, and other replicas see it within [`TenantCache::FRESH_FOR`].
#[derive(Clone, Debug, Default)]
pub(crate) struct TenantCache(Arc<RwLock<HashMap<String, (Instant, TenantInfo)>>>);

impl TenantCache {
    pub(crate) const FRESH_FOR: Duration = Duration::from_secs(5);

    fn get(&self, slug: &Slug) -> Option<TenantInfo> {
        let map = self.0.read().unwrap_or_else(|p| p.into_inner());
        map.get(slug.as_str()).filter(|(at, _)| at.elapsed() < Self::FRESH_FOR).map(|(_, t)| t.clone())
    }

    fn put(&self, tenant: &TenantInfo) {
        let mut map = self.0.write().unwrap_or_else(|p| p.into_inner());
        map.insert(tenant.slug.as_str().to_string(), (Instant::now(), tenant.clone()));
    }

    fn forget(&self, slug: &Slug) {
        self.0.write().unwrap_or_else(|p| p.into_inner()).remove(slug.as_str());
    }
}

/// A transaction acting for one [`Actor`]. Dropping it rolls back.
pub struct Tx {
    inner: Transaction<'static, Postgres>,
    statements: Arc<AtomicU64>,
    tenant: Option<TenantInfo>,
    actor: Actor,
    /// Statements handed out through [`Tx::conn`] so far.
    issued: u64,
    /// `issued` as it was when a statement last succeeded that the
    /// transaction itself ran to its end (an audit insert, a savepoint).
    /// While nothing has been issued since, the transaction is known good
    /// and the commit needs no statement to ask.
    good_at: u64,
    tenants: TenantCache,
    /// The area's settings changed in this transaction: its cached entry
    /// goes when it commits.
    tenant_changed: bool,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx").field("tenant", &self.tenant.as_ref().map(|t| &t.slug)).finish()
    }
}

impl Tx {
    pub(crate) async fn begin(
        pool: &PgPool,
        tenants: &TenantCache,
        actor: &Actor,
        statements: Arc<AtomicU64>,
        snapshot: bool,
    ) -> Result<Tx, StoreError> {
        let roles = actor
            .roles
            .iter()
            .map(|r| r.as_str())
            .chain(actor.system.and_then(SystemTask::policy_name))
            .collect::<Vec<_>>()
            .join(",");
        let known = actor.tenant.as_ref().and_then(|slug| tenants.get(slug));
        let partner = actor.partner_id.map(|p| p.to_string()).unwrap_or_default();
        let tenant_id = known.as_ref().map(|t| t.id.to_string()).unwrap_or_default();
        let settings = [
            ("role", actor.db_role()),
            ("polku.user_id", actor.subject.as_str()),
            ("polku.roles", roles.as_str()),
            ("polku.tenant_slug", actor.tenant.as_ref().map(Slug::as_str).unwrap_or_default()),
            ("polku.partner_id", partner.as_str()),
            ("polku.region", actor.region.as_ref().map(RegionCode::as_str).unwrap_or_default()),
            ("polku.tenant_id", tenant_id.as_str()),
            ("polku.request_id", actor.request_id.as_deref().unwrap_or_default()),
        ];
        // The transaction begins and learns who is asking in one round trip:
        // BEGIN and the settings go as one simple query, which cannot carry
        // parameters, so each value is a dollar-quoted literal (`literal`).
        let calls = settings
            .iter()
            .map(|(name, value)| format!("set_config('{name}', {}, true)", literal(value)))
            .collect::<Vec<_>>()
            .join(", ");
        let isolation = if snapshot { " ISOLATION LEVEL REPEATABLE READ" } else { "" };
        let mut inner = pool.begin_with(format!("BEGIN{isolation}; SELECT {calls}")).await?;

        let tenant = match (&actor.tenant, known) {
            (None, _) => None,
            (Some(_), Some(known)) => Some(known),
            (Some(slug), None) => {
                // The tenants policy lets a transaction see the row its
                // token's slug names; reading it also fixes the tenant id
                // every other policy filters on.
                let row: Option<TenantRow> = sqlx::query_as(&format!(
                    "SELECT {TENANT_COLUMNS}, set_config('polku.tenant_id', tenant_id::text, true) \
                     FROM tenants WHERE slug = $1"
                ))
                .bind(slug.as_str())
                .fetch_optional(&mut *inner)
                .await?;
                let row = row.ok_or(DomainError::new(ErrorCode::UnknownTenant))?;
                let tenant = TenantInfo::try_from(row)?;
                tenants.put(&tenant);
                Some(tenant)
            }
        };
        Ok(Tx {
            inner,
            statements,
            tenant,
            actor: actor.clone(),
            issued: 0,
            good_at: 0,
            tenants: tenants.clone(),
            tenant_changed: false,
        })
    }

    pub fn tenant(&self) -> Option<&TenantInfo> {
        self.tenant.as_ref()
    }

    /// The tenant, for work that only makes sense inside one.
    pub fn require_tenant(&self) -> Result<&TenantInfo, StoreError> {
        self.tenant.as_ref().ok_or(StoreError::Domain(DomainError::new(ErrorCode::Forbidden)))
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The connection, for one statement: every call counts as one.
    pub fn conn(&mut self) -> &mut PgConnection {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.issued += 1;
        &mut self.inner
    }

    /// Notes that the statement just issued succeeded: a transaction in
    /// which one statement failed refuses every later one (25P02), so a
    /// success proves every earlier statement succeeded too, or was rolled
    /// back to a savepoint.
    pub(crate) fn mark_good(&mut self) {
        self.good_at = self.issued;
    }

    /// Runs one statement of the transaction's own (a savepoint, a
    /// setting): counted as issued, and its success shows the transaction
    /// good.
    async fn own(&mut self, query: sqlx::query::Query<'_, Postgres, PgArguments>) -> Result<(), StoreError> {
        self.issued += 1;
        query.execute(&mut *self.inner).await?;
        self.mark_good();
        Ok(())
    }

    /// Notes that this transaction changed its area's settings.
    pub(crate) fn tenant_changed(&mut self) {
        self.tenant_changed = true;
    }

    /// Re-points the transaction at another tenant: used only by a platform
    /// administrator creating a tenant, whose child rows must pass the same
    /// policies as everyone else's.
    pub(crate) async fn switch_tenant(&mut self, tenant_id: Option<Uuid>) -> Result<(), StoreError> {
        self.own(
            sqlx::query("SELECT set_config('polku.tenant_id', $1, true)")
                .bind(tenant_id.map(|t| t.to_string()).unwrap_or_default()),
        )
        .await
    }

    /// Marks a point to return to if the next piece of work fails, so one
    /// failed mutation leaves nothing half-written while earlier ones stand.
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        self.own(sqlx::query("SAVEPOINT polku_step")).await
    }

    pub async fn release_savepoint(&mut self) -> Result<(), StoreError> {
        self.own(sqlx::query("RELEASE SAVEPOINT polku_step")).await
    }

    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        self.own(sqlx::query("ROLLBACK TO SAVEPOINT polku_step")).await
    }

    /// Prepares the rest of this transaction for a bulk load into tables it
    /// also checks foreign keys against. Postgres caches the plans of those
    /// checks per connection; one made while a table was small keeps
    /// scanning it whole as the load grows it, which makes a large import
    /// quadratic. Planning each check for the table as it is now avoids that.
    pub async fn plan_for_bulk_load(&mut self) -> Result<(), StoreError> {
        self.own(sqlx::query("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")).await
    }

    /// A named savepoint inside the per-mutation one, e.g. for a dry run that
    /// does all the work and then takes it back.
    pub async fn savepoint_named(&mut self, name: &'static str) -> Result<(), StoreError> {
        self.own(sqlx::query(&format!("SAVEPOINT {name}"))).await
    }

    pub async fn rollback_to_named(&mut self, name: &'static str) -> Result<(), StoreError> {
        self.own(sqlx::query(&format!("ROLLBACK TO SAVEPOINT {name}"))).await
    }

    pub async fn release_named(&mut self, name: &'static str) -> Result<(), StoreError> {
        self.own(sqlx::query(&format!("RELEASE SAVEPOINT {name}"))).await
    }

    /// Commits, but only a transaction in which every statement succeeded.
    /// PostgreSQL answers COMMIT of a failed transaction with a silent
    /// ROLLBACK, which would let a response carry data whose audit rows
    /// were never kept; one cheap statement first asks whether the
    /// transaction is still good, and a failed one is reported as
    /// `NotCommitted` so the caller sends nothing of what it read. When the
    /// last statement is known to have succeeded (a page's audit insert,
    /// typically), that is the answer and the question is not asked.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.good_at != self.issued {
            self.check().await?;
        }
        self.inner.commit().await?;
        if self.tenant_changed {
            if let Some(t) = &self.tenant {
                self.tenants.forget(&t.slug);
            }
        }
        Ok(())
    }

    /// Whether every statement of the transaction so far succeeded:
    /// `NotCommitted` if one failed (SQLSTATE 25P02 on any further statement).
    pub async fn check(&mut self) -> Result<(), StoreError> {
        match sqlx::query("SELECT 1").execute(&mut *self.inner).await {
            Ok(_) => {
                self.mark_good();
                Ok(())
            }
            Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("25P02") => {
                Err(StoreError::NotCommitted)
            }
            Err(e) => Err(StoreError::from(e)),
        }
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.inner.rollback().await?;
        Ok(())
    }
}

/// `value` as a dollar-quoted SQL literal: `$p$value$p$`, with a tag chosen so
/// that its first occurrence after the opening one is the closing one. Inside
/// a dollar-quoted string nothing else is special (not quotes, not
/// backslashes, whatever `standard_conforming_strings` says), so no value can
/// end it early or escape it.
fn literal(value: &str) -> String {
    let closes_exactly = |tag: &str| format!("{value}{tag}").find(tag) == Some(value.len());
    let mut tag = String::from("$p$");
    let mut n = 0u32;
    while !closes_exactly(&tag) {
        tag = format!("$p{n}$");
        n += 1;
    }
    format!("{tag}{value}{tag}")
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn a_literal_cannot_be_ended_by_its_value() {
        assert_eq!(literal("coach-1"), "$p$coach-1$p$");
        assert_eq!(literal(""), "$p$$p$");
        assert_eq!(literal("x'); DROP TABLE customers; --"), "$p$x'); DROP TABLE customers; --$p$");
        for nasty in ["a$p$b", "$p$", "a$p", "$p0$ and $p$", "end$", "$$", "$p1$p0$p$a$p"] {
            let quoted = literal(nasty);
            let tag = &quoted[..quoted[1..].find('$').unwrap() + 2];
            // What PostgreSQL reads: from after the opening tag to the
            // first occurrence of the tag.
            let body = &quoted[tag.len()..];
            let read = &body[..body.find(tag).unwrap()];
            assert_eq!(read, nasty, "{quoted}");
            assert_eq!(body.len(), nasty.len() + tag.len(), "{quoted}: something after the closing tag");
        }
    }
}
