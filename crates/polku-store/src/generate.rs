//! Synthetic case data at national scale, for benchmarks and demonstrations:
//! the real employment areas of 2025 (`crate::employment_areas`) up to a
//! given number, each filled with synthetic customers over the last two
//! years, their meetings, plans, service paths and referrals.
//! Everything is derived from a seed by hashing, so the same seed and
//! `today` give the same data. It writes through the application role with
//! each area's own context, like any other writer: row security applies.
//!
//! Identity codes of generated customers are random bytes, not encrypted
//! codes: they cannot be revealed, and nothing else needs them.

use chrono::NaiveDate;
use polku_domain::{Role, Slug};
use uuid::Uuid;

use crate::{Actor, Store, StoreError, Tx};

#[derive(Clone, Debug)]
pub struct Scale {
    pub seed: i64,
    /// Customers over all areas, roughly (areas differ in size).
    pub customers: i64,
    /// Areas in all, the existing ones included.
    pub areas: usize,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub areas: usize,
    pub customers: i64,
    pub meetings: i64,
    pub referrals: i64,
    pub path_episodes: i64,
}

/// Fills the database: creates areas until there are `scale.areas`, then
/// gives every area without customers its share of them with history.
/// `progress` hears of each area as it is done.
pub async fn national(
    store: &Store,
    scale: &Scale,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<Generated, StoreError> {
    create_areas(store, scale.areas).await?;
    let platform = Actor::system(None, vec![Role::PlatformAdmin]);
    let mut tx = store.begin(&platform).await?;
    let slugs = crate::tenants::all_slugs(&mut tx).await?;
    tx.commit().await?;
    let per_area = scale.customers / i64::try_from(slugs.len().max(1)).unwrap_or(1);
    let mut out = Generated { areas: slugs.len(), ..Generated::default() };
    for (i, slug) in slugs.iter().enumerate() {
        // Areas differ: from half to one and a half times the average.
        let weight = 50 + (hash(scale.seed, slug.as_str()) % 101);
        let n = (per_area * weight / 100).max(1);
        let got = fill_area(store, scale, slug, n).await?;
        out.customers += got.customers;
        out.meetings += got.meetings;
        out.referrals += got.referrals;
        out.path_episodes += got.path_episodes;
        progress(&format!("{}/{} {slug}: {} customers", i + 1, slugs.len(), got.customers));
    }
    Ok(out)
}

fn hash(seed: i64, s: &str) -> i64 {
    // FNV-1a: stable across platforms and releases, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.cast_unsigned();
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    // Shifted so the result is never negative.
    (h >> 1).cast_signed()
}

/// Real employment areas (`crate::employment_areas`, in the file's order)
/// until there are `wanted` areas in all. An area whose slug exists is
/// counted as there; one whose municipalities another area already holds is
/// passed over (a municipality belongs to one area at a time).
async fn create_areas(store: &Store, wanted: usize) -> Result<(), StoreError> {
    let platform = Actor::system(None, vec![Role::PlatformAdmin]);
    let mut tx = store.begin(&platform).await?;
    let existing: Vec<String> = sqlx::query_scalar("SELECT slug FROM tenants").fetch_all(tx.conn()).await?;
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT code::text FROM tenant_municipalities").fetch_all(tx.conn()).await?;
    let mut count = existing.len();
    for area in crate::employment_areas::all() {
        if count >= wanted {
            break;
        }
        if existing.iter().any(|s| s == area.slug.as_str()) {
            continue;
        }
        let codes: Vec<&str> = area.municipalities.iter().map(|c| c.as_str()).collect();
        if codes.iter().any(|c| taken.iter().any(|t| t == c)) {
            continue;
        }
        let statuses: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT code::text, language_status, name_fi FROM municipalities WHERE code::text = ANY($1)",
        )
        .bind(&codes)
        .fetch_all(tx.conn())
        .await?;
        let lead = statuses.iter().find(|m| m.0 == area.lead.as_str());
        let (languages, default) = crate::employment_areas::languages(
            statuses.iter().map(|m| m.1.as_str()),
            lead.map_or("fi", |m| m.1.as_str()),
        );
        let languages: Vec<&str> = languages.iter().map(|l| l.code()).collect();
        let names = serde_json::json!({
            "fi": area.name_fi,
            "sv": area.name_sv,
            "en": format!("{} employment area", lead.map_or(area.name_fi.as_str(), |m| m.2.as_str())),
        });
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO tenants (tenant_id, slug, names, region_code, enabled_languages, default_language) \
             VALUES (md5('polku-area-' || $1)::uuid, $1, $2, $3, $4, $5) RETURNING tenant_id",
        )
        .bind(area.slug.as_str())
        .bind(&names)
        .bind(area.region.as_str())
        .bind(&languages)
        .bind(default.code())
        .fetch_one(tx.conn())
        .await?;
        tx.switch_tenant(Some(id)).await?;
        sqlx::query(
            "INSERT INTO tenant_municipalities (tenant_id, code, language_status) \
             SELECT $1, m.code, m.language_status FROM municipalities m WHERE m.code::text = ANY($2)",
        )
        .bind(id)
        .bind(&codes)
        .execute(tx.conn())
        .await?;
        tx.switch_tenant(None).await?;
        count += 1;
    }
    tx.commit().await
}

/// The statements that fill one area, in order. `$1` tenant id, `$2` seed,
/// `$3` customers, `$4` today.
const FILL: &[&str] = &[
    // The catalogue, where the area has none: eight services, half of them
    // with a capacity sized to the area.
    "INSERT INTO services (tenant_id, service_id, names, category, languages, capacity, cost_cents, active_from) \
     SELECT $1, md5($2 || ':s:' || $1 || ':' || k)::uuid, jsonb_build_object('fi', n_fi, 'sv', n_sv, 'en', n_en), \
            cat, t.enabled_languages, CASE WHEN cap THEN greatest(5, $3 / 40) END, cost, $4 - 900 \
     FROM tenants t, (VALUES \
        (1, 'Työpaja', 'Verkstad', 'Workshop', 'workshop', true, 90000), \
        (2, 'Ammatillinen koulutus', 'Yrkesutbildning', 'Vocational training', 'training', false, 120000), \
        (3, 'Kuntouttava työtoiminta', 'Arbetsverksamhet i rehabiliteringssyfte', 'Rehabilitative work', \
            'rehabilitative_work', true, 45000), \
        (4, 'Työkokeilu', 'Arbetsprövning', 'Work trial', 'work_trial', false, 20000), \
        (5, 'Palkkatuki', 'Lönesubvention', 'Pay subsidy', 'pay_subsidised_employment', false, 126000), \
        (6, 'Henkilökohtainen valmennus', 'Personlig coachning', 'Personal coaching', 'personal_coaching', true, 35000), \
        (7, 'Oppisopimus', 'Läroavtal', 'Apprenticeship', 'apprenticeship', false, 80000), \
        (8, 'Digitaidot', 'Digitala färdigheter', 'Digital skills', 'other', true, 15000)) \
        AS s(k, n_fi, n_sv, n_en, cat, cap, cost) \
     WHERE t.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM services)",
    "CREATE TEMP TABLE gen_c ON COMMIT DROP AS \
     SELECT i, md5($2 || ':c:' || $1 || ':' || i)::uuid AS customer_id, h1, h2, h3, \
            $4 - 760 + (h1 % 761)::int AS reg, \
            (SELECT array_agg(code ORDER BY code) FROM tenant_municipalities) AS munis, \
            (SELECT 'sv' = ANY (enabled_languages) FROM tenants) AS bilingual \
     FROM generate_series(1, $3) i, \
          LATERAL (SELECT hashtextextended($2 || ':' || $1 || ':' || i, 1) & 9223372036854775807 AS h1, \
                          hashtextextended($2 || ':' || $1 || ':' || i, 2) & 9223372036854775807 AS h2, \
                          hashtextextended($2 || ':' || $1 || ':' || i, 3) & 9223372036854775807 AS h3) h",
    "ALTER TABLE gen_c ADD COLUMN start date, ADD COLUMN leave_on date, ADD COLUMN leave_status text, \
        ADD COLUMN lang text",
    "UPDATE gen_c SET start = reg - (h1 / 1000 % 8)::int, \
        leave_on = CASE WHEN h2 / 1000 % 100 < 55 AND reg + 60 + (h2 / 100000 % 400)::int < $4 \
                        THEN reg + 60 + (h2 / 100000 % 400)::int END, \
        leave_status = (ARRAY['employed', 'in_education', 'moved_away', 'closed'])[1 + h2 / 100000000 % 4], \
        lang = CASE WHEN bilingual AND h2 % 100 < 35 THEN 'sv' WHEN h2 % 100 >= 96 THEN 'en' ELSE 'fi' END",
    // Temporary tables get no statistics unless asked; without them the
    // joins below are planned as if the tables were empty.
    "ANALYZE gen_c",
    "INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, birth_date, last_name, first_names, \
        mother_tongue, service_language, home_municipality, benefit, unemployed_since, job_search_started_on, \
        status, created_at) \
     SELECT $1, customer_id, decode(md5('c' || customer_id), 'hex'), decode(md5('h' || customer_id), 'hex'), \
        $4 - (6570 + h1 / 1000000 % 16000)::int, 'Asiakas ' || i, 'Testi', lang, lang, \
        munis[1 + (h1 / 1000000000 % cardinality(munis))::int], \
        (ARRAY['labour_market_subsidy', 'labour_market_subsidy', 'labour_market_subsidy', 'labour_market_subsidy', \
               'labour_market_subsidy', 'basic_daily_allowance', 'basic_daily_allowance', \
               'earnings_related_allowance', 'earnings_related_allowance', 'none'])[1 + h2 / 100 % 10], \
        start, start, CASE WHEN leave_on IS NULL THEN 'active' ELSE leave_status END, \
        (reg + time '09:00') AT TIME ZONE 'Europe/Helsinki' \
     FROM gen_c",
    "INSERT INTO customer_status_history (tenant_id, customer_id, status, changed_at, changed_by) \
     SELECT $1, customer_id, 'active', (reg + time '09:00') AT TIME ZONE 'Europe/Helsinki', 'generator' FROM gen_c \
     UNION ALL \
     SELECT $1, customer_id, leave_status, (leave_on + time '12:00') AT TIME ZONE 'Europe/Helsinki', 'generator' \
     FROM gen_c WHERE leave_on IS NOT NULL",
    // A meeting about every month from the initial interview (which
    // comes 0–15 days after the start, so some late) until the customer
    // leaves; ORS on every other, SRS on every third, both improving.
    "CREATE TEMP TABLE gen_m ON COMMIT DROP AS \
     SELECT c.customer_id, c.lang, c.h3, k, \
            c.start + (c.h1 / 1000000000000 % 16)::int + k * 30 + ((c.h3 / (k + 1)) % 5)::int AS on_day \
     FROM gen_c c, generate_series(0, 40) k",
    "ANALYZE gen_m",
    "DELETE FROM gen_m m USING gen_c c WHERE c.customer_id = m.customer_id AND m.on_day > least(c.leave_on, $4)",
    "INSERT INTO meetings (tenant_id, meeting_id, customer_id, meeting_type, channel, starts_at, language, ors, srs, \
        created_by) \
     SELECT $1, md5($2 || ':m:' || customer_id || ':' || k)::uuid, customer_id, \
        CASE WHEN k = 0 THEN 'initial_interview' WHEN k % 4 = 3 THEN 'coaching_session' \
             ELSE 'job_search_discussion' END, \
        (ARRAY['in_person', 'phone', 'video'])[1 + k % 3], \
        (on_day + time '10:00' + (h3 % 6) * interval '1 hour') AT TIME ZONE 'Europe/Helsinki', lang, \
        CASE WHEN k % 2 = 0 THEN ARRAY[least(10, 2 + k / 3 + h3 % 4), least(10, 3 + k / 3 + h3 % 3), \
                                       least(10, 2 + k / 4 + h3 % 5), least(10, 3 + k / 4 + h3 % 2)]::smallint[] END, \
        CASE WHEN k % 3 = 0 THEN ARRAY[8 + h3 % 3, 9 + h3 % 2, 8 + (h3 / 3) % 3, 9]::smallint[] END, 'generator' \
     FROM gen_m",
    // The plan: drawn up at the initial interview and revised at about
    // three discussions in five.
    "CREATE TEMP TABLE gen_v ON COMMIT DROP AS \
     SELECT customer_id, md5($2 || ':p:' || customer_id)::uuid AS plan_id, on_day, \
            row_number() OVER (PARTITION BY customer_id ORDER BY k) AS version \
     FROM gen_m WHERE k = 0 OR (k % 4 <> 3 AND (h3 / (k + 7)) % 5 < 3)",
    "ANALYZE gen_v",
    "INSERT INTO employment_plans (tenant_id, plan_id, customer_id, plan_type, current_version, created_at) \
     SELECT $1, plan_id, customer_id, 'employment_plan', max(version), \
            (min(on_day) + time '11:00') AT TIME ZONE 'Europe/Helsinki' \
     FROM gen_v GROUP BY customer_id, plan_id",
    "INSERT INTO plan_versions (tenant_id, plan_id, version, goals, tasks, job_search_obligation, created_at, created_by) \
     SELECT $1, plan_id, version, '[\"Työ\"]', '[]', 4, (on_day + time '11:00') AT TIME ZONE 'Europe/Helsinki', \
            'generator' FROM gen_v",
    // One in four on the service path: rehabilitative work, for some then a
    // work trial, and for some an exit after it.
    "CREATE TEMP TABLE gen_p ON COMMIT DROP AS \
     SELECT *, CASE WHEN trial THEN rehab_to + 91 ELSE rehab_to + 1 END AS exit_on \
     FROM (SELECT customer_id, h2, h3, start + 60 AS rehab_from, start + 60 + 90 + (h3 % 180)::int AS rehab_to, \
                  h3 / 1000 % 100 < 40 AS trial \
           FROM gen_c WHERE h2 / 10000000000 % 100 < 25 AND start + 60 <= $4) p",
    "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, ends_on, days_per_week, \
        hours_per_day, rule_version, created_by) \
     SELECT $1, md5($2 || ':e1:' || customer_id)::uuid, customer_id, 'rehabilitative_work', rehab_from, rehab_to, \
            3, 6, 'path-2025', 'generator' FROM gen_p \
     UNION ALL \
     SELECT $1, md5($2 || ':e2:' || customer_id)::uuid, customer_id, 'work_trial', rehab_to + 1, rehab_to + 90, \
            5, 6, 'path-2025', 'generator' FROM gen_p WHERE trial AND rehab_to + 1 <= $4",
    "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, rule_version, created_by) \
     SELECT $1, md5($2 || ':e3:' || customer_id)::uuid, customer_id, \
            CASE WHEN h3 / 100000 % 100 < 55 THEN 'open_market' ELSE 'education' END, exit_on, 'path-2025', \
            'generator' \
     FROM gen_p \
     WHERE h3 / 100000 % 100 < 75 AND exit_on <= $4",
    "INSERT INTO path_episodes (tenant_id, episode_id, customer_id, stage, starts_on, ends_on, subsidy_percent, \
        working_time_percent, subsidy_cents, rule_version, created_by) \
     SELECT $1, md5($2 || ':e4:' || customer_id)::uuid, customer_id, 'pay_subsidised_work', exit_on, exit_on + 180, \
            50, 80, 126000, 'path-2025', 'generator' \
     FROM gen_p \
     WHERE h3 / 100000 % 100 >= 75 AND exit_on <= $4",
    // About two referrals a customer to the area's services, most accepted
    // and started; those whose place ran out are completed or interrupted.
    "CREATE TEMP TABLE gen_r ON COMMIT DROP AS \
     SELECT c.customer_id, j, r, c.start + 20 + j * 75 + (r % 20)::int AS made_on, \
            (SELECT array_agg(service_id ORDER BY service_id) FROM services) AS svcs \
     FROM gen_c c, generate_series(0, 3) j, \
          LATERAL (SELECT hashtextextended($2 || ':r:' || c.customer_id || ':' || j, 0) & 9223372036854775807 AS r) x \
     WHERE (r / 7 % 100) < (ARRAY[95, 75, 45, 25])[j + 1] \
       AND c.start + 20 + j * 75 + (r % 20)::int <= least(c.leave_on, $4)",
    "INSERT INTO referrals (tenant_id, referral_id, customer_id, service_id, partner_id, state, started_on, ended_on, \
        outcome, referred_by, created_at, updated_at, legal_basis) \
     SELECT $1, md5($2 || ':r:' || customer_id || ':' || j)::uuid, customer_id, svc, s.provider_partner_id, \
        CASE WHEN p < 10 THEN 'declined' \
             WHEN p < 15 AND made_on > $4 - 30 THEN 'sent' \
             WHEN made_on + 14 > $4 THEN 'accepted' \
             WHEN made_on + 14 + dur >= $4 THEN 'started' \
             WHEN p < 80 THEN 'completed' ELSE 'interrupted' END, \
        CASE WHEN p >= 10 AND NOT (p < 15 AND made_on > $4 - 30) AND made_on + 14 <= $4 THEN made_on + 14 END, \
        CASE WHEN p >= 10 AND NOT (p < 15 AND made_on > $4 - 30) AND made_on + 14 + dur < $4 \
             THEN made_on + 14 + dur END, \
        CASE WHEN p >= 10 AND NOT (p < 15 AND made_on > $4 - 30) AND made_on + 14 + dur < $4 THEN \
             CASE WHEN p < 80 THEN (ARRAY['employed', 'education', 'other_service'])[1 + r % 3] ELSE 'dropped_out' END \
        END, 'generator', (made_on + time '13:00') AT TIME ZONE 'Europe/Helsinki', now(), \
        coalesce((SELECT b.code FROM legal_bases b WHERE s.category = ANY(b.default_for) AND b.selectable \
                  ORDER BY b.code LIMIT 1), 'employment_services') \
     FROM (SELECT *, svcs[1 + (r / 1000 % cardinality(svcs))::int] AS svc, (r / 100000 % 100)::int AS p, \
                  (60 + r / 10000000 % 120)::int AS dur FROM gen_r) g \
     JOIN services s ON s.service_id = g.svc",
];

async fn fill_area(store: &Store, scale: &Scale, slug: &Slug, n: i64) -> Result<Generated, StoreError> {
    let actor = Actor::system(Some(slug.clone()), vec![Role::TenantAdmin, Role::Manager]);
    let mut tx: Tx = store.begin(&actor).await?;
    let tenant = tx.require_tenant()?.id;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE last_name LIKE 'Asiakas %'")
        .fetch_one(tx.conn())
        .await?;
    if existing > 0 {
        return Ok(Generated::default());
    }
    // A large area's bulk statements outlast the request timeout. (Unlike
    // an import, each table is filled by one statement after the tables it
    // refers to are complete, so the foreign-key checks keep their cached,
    // indexed plans: planning each row's check anew made it five times slower.)
    sqlx::query("SELECT set_config('statement_timeout', '0', true)").execute(tx.conn()).await?;
    for statement in FILL {
        sqlx::query(statement)
            .bind(tenant)
            .bind(scale.seed.to_string())
            .bind(n)
            .bind(scale.today)
            .execute(tx.conn())
            .await?;
    }
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM gen_c), (SELECT count(*) FROM gen_m), \
                (SELECT count(*) FROM referrals r JOIN gen_c USING (customer_id)), \
                (SELECT count(*) FROM path_episodes e JOIN gen_c USING (customer_id))",
    )
    .fetch_one(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(Generated {
        areas: 1,
        customers: counts.0,
        meetings: counts.1,
        referrals: counts.2,
        path_episodes: counts.3,
    })
}
