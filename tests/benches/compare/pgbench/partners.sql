-- partners::by_ids (crates/polku-store/src/partners.rs): the page's providers.
SELECT partner_id, name, kind, business_id, languages, contact_name, contact_email, contact_phone, website,
       created_at, updated_at
FROM partners WHERE partner_id = ANY(:partner_ids);
