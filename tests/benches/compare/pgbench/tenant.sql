-- Tx::begin (crates/polku-store/src/tx.rs): the area looked up by slug.
SELECT tenant_id, slug, names, region_code, enabled_languages, default_language, caseload_limit, time_zone,
       created_at, updated_at, set_config('polku.tenant_id', tenant_id::text, true)
FROM tenants WHERE slug = :tenant_slug;
