//! The precomputed key figures: reading them for oversight and managers,
//! and refreshing an area's from its case data.
//!
//! Reading needs no customer row: oversight reads `area_month_figures` of
//! its region's areas, which row security allows, and nothing else.
//! Refreshing runs as the internal `figures_refresh` actor of one area in a
//! single snapshot: the change notes it clears are exactly those whose data
//! it read, so a change committed meanwhile leaves its note for the next run.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::customer::MeetingType;
use polku_domain::figures::{
    compute, AreaFacts, CustomerFacts, EpisodeFacts, MeetingFacts, Month, MonthRaw, ReferralFacts,
    ServiceFacts, GROUPS, LANGUAGES,
};
use polku_domain::partner_report::NextStep;
use polku_domain::path::PathStage;
use polku_domain::referral::ReferralState;
use polku_domain::rules::Rules;
use polku_domain::{DomainError, ErrorCode, Lang, LocalizedText, RegionCode, Role, ServiceCategory, Slug};
use sqlx::types::Json;
use uuid::Uuid;

use crate::{Actor, Store, StoreError, SystemTask, Tx};

/// An area whose figures the transaction may read.
#[derive(Clone, Debug)]
pub struct FigureArea {
    pub id: Uuid,
    pub slug: Slug,
    pub names: LocalizedText,
    pub default_language: Lang,
    pub region: RegionCode,
    /// When its figures were last computed, and the first month they cover.
    pub computed_at: Option<DateTime<Utc>>,
    pub first_month: Option<Month>,
}

/// The areas visible to the transaction, with their last computation:
/// oversight gets its region's, an area's staff their own.
pub async fn areas(tx: &mut Tx) -> Result<Vec<FigureArea>, StoreError> {
    type AreaRow =
        (Uuid, String, Json<LocalizedText>, String, String, Option<DateTime<Utc>>, Option<NaiveDate>);
    let rows: Vec<AreaRow> =
        sqlx::query_as(
            "SELECT t.tenant_id, t.slug, t.names, t.default_language, t.region_code, r.computed_at, r.first_month \
             FROM tenants t LEFT JOIN figure_runs r USING (tenant_id) ORDER BY t.slug",
        )
        .fetch_all(tx.conn())
        .await?;
    rows.into_iter()
        .map(|(id, slug, names, lang, region, computed_at, first)| {
            Ok(FigureArea {
                id,
                slug: Slug::parse(&slug)?,
                names: names.0,
                default_language: Lang::parse(&lang)?,
                region: RegionCode::parse(&region)?,
                computed_at,
                first_month: first.map(Month::of),
            })
        })
        .collect()
}

/// The months `from..=to` of `areas`, as computed (before suppression).
pub async fn months(
    tx: &mut Tx,
    areas: &[Uuid],
    from: Month,
    to: Month,
) -> Result<Vec<(Uuid, Month, MonthRaw)>, StoreError> {
    let rows: Vec<(Uuid, NaiveDate, Json<MonthRaw>)> = sqlx::query_as(
        "SELECT tenant_id, month, figures FROM area_month_figures \
         WHERE tenant_id = ANY($1) AND month BETWEEN $2 AND $3 ORDER BY tenant_id, month",
    )
    .bind(areas)
    .bind(from.first_day())
    .bind(to.first_day())
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|(id, m, raw)| (id, Month::of(m), raw.0)).collect())
}

/// What one refresh of an area did.
#[derive(Clone, Debug)]
pub struct Refreshed {
    pub slug: Slug,
    pub customers: usize,
    pub months: usize,
    pub millis: u128,
}

/// The actor that computes an area's figures: it reads case data as a
/// manager would and is the only one allowed to write figures.
fn refresher(slug: &Slug) -> Actor {
    Actor::task(SystemTask::FiguresRefresh, Some(slug.clone()), vec![Role::Manager])
}

/// Refreshes every area whose figures are stale (changes noted since, or
/// computed before `today`), or every area when `force`. Areas another
/// replica is refreshing at the moment are skipped.
pub async fn refresh_stale(
    store: &Store,
    rules: &Rules,
    today: NaiveDate,
    force: bool,
) -> Result<Vec<Refreshed>, StoreError> {
    let platform = Actor::system(None, vec![Role::PlatformAdmin]);
    let mut tx = store.begin(&platform).await?;
    let slugs = crate::tenants::all_slugs(&mut tx).await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for slug in slugs {
        if let Some(done) = refresh_area(store, rules, &slug, today, force).await? {
            out.push(done);
        }
    }
    Ok(out)
}

/// Computes one area's figures again if they are stale (or `force`).
/// Returns `None` when they were fresh or another replica holds the area.
pub async fn refresh_area(
    store: &Store,
    rules: &Rules,
    slug: &Slug,
    today: NaiveDate,
    force: bool,
) -> Result<Option<Refreshed>, StoreError> {
    let started = Instant::now();
    let mut tx = store.begin_snapshot(&refresher(slug)).await?;
    let tenant = tx.require_tenant()?.clone();
    let locked: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('polku.figures'), hashtext($1::text))")
            .bind(tenant.id)
            .fetch_one(tx.conn())
            .await?;
    if !locked {
        return Ok(None);
    }
    let (changes, as_of): (Vec<i64>, Option<NaiveDate>) = sqlx::query_as(
        "SELECT coalesce((SELECT array_agg(change_seq) FROM figure_changes), '{}'), \
                (SELECT as_of FROM figure_runs)",
    )
    .fetch_one(tx.conn())
    .await?;
    if !force && changes.is_empty() && as_of == Some(today) {
        return Ok(None);
    }

    let facts = load(&mut tx, &tenant.time_zone).await?;
    // From the first registration, at most five years back.
    let earliest = facts.customers.iter().map(|c| c.registered_on).min().unwrap_or(today).min(today);
    let from = Month::of(earliest).max(Month::of(today).minus(59));
    let computed = compute(rules, &facts, from, today);

    let rows: Vec<serde_json::Value> = computed
        .iter()
        .map(|(m, raw)| serde_json::json!({ "month": m.first_day(), "figures": raw }))
        .collect();
    sqlx::query("DELETE FROM area_month_figures").execute(tx.conn()).await?;
    sqlx::query(
        "INSERT INTO area_month_figures (tenant_id, month, figures) \
         SELECT $1, (e->>'month')::date, e->'figures' FROM jsonb_array_elements($2) e",
    )
    .bind(tenant.id)
    .bind(serde_json::Value::Array(rows))
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO figure_runs (tenant_id, computed_at, as_of, first_month) VALUES ($1, now(), $2, $3) \
         ON CONFLICT (tenant_id) DO UPDATE SET computed_at = now(), as_of = $2, first_month = $3",
    )
    .bind(tenant.id)
    .bind(today)
    .bind(from.first_day())
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM figure_changes WHERE change_seq = ANY($1)")
        .bind(&changes)
        .execute(tx.conn())
        .await?;
    // One trace for the computation as a whole: it reads every customer of
    // the area but shows none of them to anyone.
    sqlx::query(
        "INSERT INTO audit_log (tenant_id, actor, actor_roles, action, what) \
         VALUES ($1, 'system', 'figures_refresh', 'read', 'figures.refresh')",
    )
    .bind(tenant.id)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(Some(Refreshed {
        slug: slug.clone(),
        customers: facts.customers.len(),
        months: computed.len(),
        millis: started.elapsed().as_millis(),
    }))
}

type CustomerRow = (Uuid, NaiveDate, NaiveDate, String, Option<String>, Option<NaiveDate>);
type MeetingRow = (Uuid, NaiveDate, String, Option<i32>, Option<i32>);
type ServiceRow = (Uuid, String, Option<i32>, i64, NaiveDate, Option<NaiveDate>);
type ReferralRow = (Uuid, Uuid, Uuid, NaiveDate, String, Option<NaiveDate>, Option<NaiveDate>);

/// The area's case data as the figures need it: one statement per table,
/// whatever the size of the area.
async fn load(tx: &mut Tx, time_zone: &str) -> Result<AreaFacts, StoreError> {
    let customers: Vec<CustomerRow> = sqlx::query_as(
        "SELECT customer_id, (created_at AT TIME ZONE $1)::date, birth_date, service_language, benefit, \
                job_search_started_on FROM customers",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(customers.len());
    let mut facts = AreaFacts::default();
    for (id, registered_on, birth_date, language, benefit, job_search_started_on) in customers {
        index.insert(id, facts.customers.len());
        facts.customers.push(CustomerFacts {
            registered_on,
            birth_date,
            language: LANGUAGES.into_iter().find(|l| *l == language).unwrap_or("fi"),
            group: GROUPS.into_iter().find(|g| Some(*g) == benefit.as_deref()).unwrap_or("unknown"),
            job_search_started_on,
            status: Vec::new(),
            meetings: Vec::new(),
            plan_revisions: Vec::new(),
            path: Vec::new(),
            referrals: Vec::new(),
        });
    }

    let status: Vec<(Uuid, NaiveDate, bool)> = sqlx::query_as(
        "SELECT customer_id, (changed_at AT TIME ZONE $1)::date, status = 'active' \
         FROM customer_status_history ORDER BY customer_id, seq",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    for (id, on, active) in status {
        if let Some(&i) = index.get(&id) {
            facts.customers[i].status.push((on, active));
        }
    }

    let meetings: Vec<MeetingRow> = sqlx::query_as(
        "SELECT customer_id, (starts_at AT TIME ZONE $1)::date, meeting_type, \
                (ors[1] + ors[2] + ors[3] + ors[4])::int, (srs[1] + srs[2] + srs[3] + srs[4])::int \
         FROM meetings ORDER BY customer_id, starts_at",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    for (id, on, kind, ors, srs) in meetings {
        let (Some(&i), Some(kind)) = (index.get(&id), MeetingType::from_code(&kind)) else { continue };
        let total = |v: Option<i32>| v.and_then(|v| u8::try_from(v).ok());
        facts.customers[i].meetings.push(MeetingFacts { on, kind, ors: total(ors), srs: total(srs) });
    }

    let plans: Vec<(Uuid, NaiveDate)> = sqlx::query_as(
        "SELECT p.customer_id, (v.created_at AT TIME ZONE $1)::date FROM plan_versions v \
         JOIN employment_plans p USING (tenant_id, plan_id) ORDER BY 1, 2",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    for (id, on) in plans {
        if let Some(&i) = index.get(&id) {
            facts.customers[i].plan_revisions.push(on);
        }
    }

    let episodes: Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT customer_id, stage, starts_on, ends_on FROM path_episodes ORDER BY customer_id, starts_on, created_at",
    )
    .fetch_all(tx.conn())
    .await?;
    for (id, stage, starts_on, ends_on) in episodes {
        let (Some(&i), Some(stage)) = (index.get(&id), PathStage::from_code(&stage)) else { continue };
        facts.customers[i].path.push(EpisodeFacts { stage, starts_on, ends_on });
    }

    // A service runs until its end date, or until the day before it was retired.
    let services: Vec<ServiceRow> = sqlx::query_as(
        "SELECT service_id, category, capacity, cost_cents, active_from, \
                least(active_until, ((retired_at AT TIME ZONE $1)::date - 1)) FROM services",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    let mut service_index = HashMap::with_capacity(services.len());
    for (id, category, capacity, cost_cents, active_from, active_until) in services {
        let Some(category) = ServiceCategory::from_code(&category) else { continue };
        service_index.insert(id, facts.services.len());
        facts.services.push(ServiceFacts { category, capacity, cost_cents, active_from, active_until });
    }

    let referrals: Vec<ReferralRow> = sqlx::query_as(
        "SELECT referral_id, customer_id, service_id, (created_at AT TIME ZONE $1)::date, state, started_on, \
                ended_on FROM referrals",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    // Where each referral's facts go: (customer, referral) indices.
    let mut referral_index: HashMap<Uuid, (usize, usize)> = HashMap::with_capacity(referrals.len());
    for (referral, id, service, made_on, state, started_on, ended_on) in referrals {
        let (Some(&i), Some(&service), Some(state)) =
            (index.get(&id), service_index.get(&service), ReferralState::from_code(&state))
        else {
            continue;
        };
        let accepted = match state {
            ReferralState::Proposed | ReferralState::Sent => None,
            ReferralState::Declined => Some(false),
            ReferralState::Accepted
            | ReferralState::Queued
            | ReferralState::Started
            | ReferralState::Completed => Some(true),
            // Cancelling a referral nobody had answered also interrupts it;
            // only one that had started was accepted.
            ReferralState::Interrupted => started_on.map(|_| true),
        };
        referral_index.insert(referral, (i, facts.customers[i].referrals.len()));
        facts.customers[i].referrals.push(ReferralFacts {
            made_on,
            accepted,
            started_on,
            ended_on,
            service,
            attendance: Vec::new(),
            assessed: None,
        });
    }

    // Attendance as working days attended.
    let attendance: Vec<(Uuid, NaiveDate, f64)> = sqlx::query_as(&format!(
        "SELECT a.referral_id, a.on_date, ({})::float8 FROM attendance a WHERE a.replaced_at IS NULL",
        crate::partner_reports::days_attended_sql("a")
    ))
    .fetch_all(tx.conn())
    .await?;
    for (referral, on, worth) in attendance {
        if let Some(&(c, r)) = referral_index.get(&referral) {
            facts.customers[c].referrals[r].attendance.push((on, worth));
        }
    }
    let assessed: Vec<(Uuid, NaiveDate, String)> = sqlx::query_as(
        "SELECT referral_id, (filed_at AT TIME ZONE $1)::date, next_step FROM closing_assessments",
    )
    .bind(time_zone)
    .fetch_all(tx.conn())
    .await?;
    for (referral, on, step) in assessed {
        if let (Some(&(c, r)), Some(step)) = (referral_index.get(&referral), NextStep::from_code(&step)) {
            facts.customers[c].referrals[r].assessed = Some((on, step));
        }
    }
    Ok(facts)
}

/// What a caller asks figures for.
#[derive(Clone, Copy, Debug)]
pub struct FigureQuestion<'a> {
    pub from: Month,
    pub to: Month,
    /// A region code, which must be the caller's own unless it oversees the
    /// whole country.
    pub region: Option<&'a str>,
    /// Some areas by slug, of those in scope.
    pub areas: Option<&'a [String]>,
}

/// Of the areas the database lets the caller see (`visible`), those of
/// `region` and `areas`; `held` is the region the caller holds. The
/// refusals name the argument: `region`, `areas[i]`.
pub fn in_scope(
    visible: Vec<FigureArea>,
    held: Option<&RegionCode>,
    region: Option<&str>,
    areas: Option<&[String]>,
) -> Result<Vec<FigureArea>, DomainError> {
    let mut chosen = match region {
        None => visible,
        Some(wanted) => {
            let wanted = RegionCode::parse(wanted).map_err(|e| e.at("region"))?;
            match held {
                Some(h) if h.is_whole_country() || *h == wanted => {
                    visible.into_iter().filter(|a| a.region == wanted).collect()
                }
                _ => {
                    return Err(DomainError::field(ErrorCode::RegionNotHeld, "region")
                        .with_arg("value", wanted.as_str())
                        .with_arg("region", held.map(RegionCode::as_str).unwrap_or("-")))
                }
            }
        }
    };
    if let Some(slugs) = areas {
        let mut picked = Vec::with_capacity(slugs.len());
        for (i, slug) in slugs.iter().enumerate() {
            let field = format!("areas[{i}]");
            let parsed = Slug::parse(slug).map_err(|e| e.at(&field))?;
            let Some(area) = chosen.iter().find(|a| a.slug == parsed) else {
                return Err(DomainError::field(ErrorCode::AreaOutsideRegion, field).with_arg("value", slug));
            };
            picked.push(area.clone());
        }
        chosen = picked;
    }
    Ok(chosen)
}

/// The use case "which areas and months may this caller have", without
/// GraphQL: of the areas the database lets the caller see (`visible`),
/// those of `region` and `areas`, for a period within the data. `held` is
/// the region the caller holds (oversight's claim, or the own area's). The
/// refusals name the argument: `region`, `areas[i]`, `from`, `to`.
pub fn choose_areas(
    visible: Vec<FigureArea>,
    held: Option<&RegionCode>,
    question: FigureQuestion<'_>,
    today: NaiveDate,
) -> Result<Vec<FigureArea>, DomainError> {
    let FigureQuestion { from, to, region, areas } = question;
    if to < from {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "to"));
    }
    // The period is checked against all the caller may see, as the scope
    // reports it, so a default period never fails for one region.
    let first = visible.iter().filter_map(|a| a.first_month).min();
    let chosen = in_scope(visible, held, region, areas)?;
    let current = Month::of(today);
    let outside = |field: &str, m: Month| {
        DomainError::field(ErrorCode::PeriodOutsideData, field)
            .with_arg("value", m)
            .with_arg("from", first.unwrap_or(current))
            .with_arg("to", current)
    };
    match first {
        Some(first) if from < first => Err(outside("from", from)),
        None => Err(outside("from", from)),
        _ if to > current => Err(outside("to", to)),
        _ => Ok(chosen),
    }
}
