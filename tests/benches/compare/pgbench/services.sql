-- services::list (crates/polku-store/src/services.rs): the first page, no filter.
SELECT service_id, names, descriptions, eligibility, category, provider_partner_id, languages, capacity,
       cost_cents, active_from, active_until, retired_at, created_at, updated_at
FROM services
WHERE (false OR retired_at IS NULL) AND (NULL::text IS NULL OR category = NULL)
  AND (NULL::uuid IS NULL OR provider_partner_id = NULL) AND (NULL::uuid IS NULL OR service_id > NULL)
ORDER BY service_id LIMIT :page_limit;
