//! The customer's right of access (GDPR art. 15): everything the area's
//! Polku holds on one customer, with who read or received it, gathered in
//! one statement so that every part sees the same moment. Producing it is
//! audited as an export and logged as a disclosure to the customer.

use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::pii::HetuVault;
use crate::{StoreError, Tx};

/// Each part of the report: its key, and the rows of the customer's (the
/// columns as stored, without the area id). New tables with customer data
/// belong here; the access test lists every table with a `customer_id`
/// column and fails on one that is missing.
const PARTS: &[(&str, &str)] = &[
    ("statusHistory", "SELECT * FROM customer_status_history t WHERE t.customer_id = $1 ORDER BY changed_at"),
    ("coachAssignments", "SELECT * FROM coach_assignments t WHERE t.customer_id = $1"),
    ("plans", "SELECT * FROM employment_plans t WHERE t.customer_id = $1"),
    (
        "planVersions",
        "SELECT t.* FROM plan_versions t JOIN employment_plans p USING (tenant_id, plan_id) WHERE p.customer_id = $1",
    ),
    ("meetings", "SELECT * FROM meetings t WHERE t.customer_id = $1"),
    ("letters", "SELECT * FROM letters t WHERE t.customer_id = $1"),
    ("appointments", "SELECT * FROM appointments t WHERE t.customer_id = $1 ORDER BY starts_at"),
    (
        "appointmentEvents",
        "SELECT t.* FROM appointment_events t JOIN appointments a USING (tenant_id, appointment_id) \
         WHERE a.customer_id = $1 ORDER BY at",
    ),
    ("messages", "SELECT * FROM outbox t WHERE t.customer_id = $1 ORDER BY created_at"),
    ("notifications", "SELECT * FROM notifications t WHERE t.customer_id = $1 ORDER BY created_at"),
    ("commitments", "SELECT * FROM commitments t WHERE t.customer_id = $1 ORDER BY created_at"),
    ("benefitPeriods", "SELECT * FROM benefit_periods t WHERE t.customer_id = $1 ORDER BY starts_on"),
    (
        "kelaInvoiceLines",
        "SELECT i.month, t.municipality_code, t.benefit, t.days, t.cumulative_days, t.paid_cents, t.share_cents \
         FROM kela_invoice_lines t JOIN kela_invoices i USING (tenant_id, invoice_id) WHERE t.customer_id = $1 \
         ORDER BY i.month",
    ),
    ("referrals", "SELECT * FROM referrals t WHERE t.customer_id = $1"),
    (
        "referralEvents",
        "SELECT t.* FROM referral_events t JOIN referrals r USING (tenant_id, referral_id) WHERE r.customer_id = $1",
    ),
    (
        "attendance",
        "SELECT t.* FROM attendance t JOIN referrals r USING (tenant_id, referral_id) WHERE r.customer_id = $1 \
         ORDER BY t.on_date, t.reported_at",
    ),
    (
        "deviations",
        "SELECT t.* FROM deviations t JOIN referrals r USING (tenant_id, referral_id) WHERE r.customer_id = $1 \
         ORDER BY t.reported_at",
    ),
    (
        "closingAssessments",
        "SELECT t.* FROM closing_assessments t JOIN referrals r USING (tenant_id, referral_id) \
         WHERE r.customer_id = $1",
    ),
    (
        "agreements",
        "SELECT t.* FROM agreements t JOIN referrals r USING (tenant_id, referral_id) WHERE r.customer_id = $1 \
         ORDER BY t.starts_on",
    ),
    ("pathEpisodes", "SELECT * FROM path_episodes t WHERE t.customer_id = $1"),
    ("grants", "SELECT * FROM employment_grants t WHERE t.customer_id = $1"),
    ("vacancies", "SELECT * FROM vacancy_assignments t WHERE t.customer_id = $1"),
    ("neglects", "SELECT * FROM neglects t WHERE t.customer_id = $1"),
    ("corrections", "SELECT * FROM customer_corrections t WHERE t.customer_id = $1 ORDER BY corrected_at"),
    ("legalHolds", "SELECT * FROM legal_holds t WHERE t.customer_id = $1"),
    ("erasureRequests", "SELECT * FROM erasure_requests t WHERE t.customer_id = $1"),
    // Who read or changed the data, and who received it.
    // A row may name other customers read in the same request: the report
    // shows only that this customer was among them.
    (
        "auditLog",
        "SELECT t.audit_id, t.at, t.actor, t.actor_roles, t.action, t.what, t.request_id, t.reason \
         FROM audit_log t WHERE t.customer_ids @> ARRAY[$1::uuid] ORDER BY at",
    ),
    ("disclosures", "SELECT * FROM disclosures t WHERE t.customer_id = $1 ORDER BY at"),
];

/// The tables the report reads, for the completeness test.
pub fn tables() -> Vec<&'static str> {
    let mut out = vec!["customers"];
    for (_, sql) in PARTS {
        for word in sql.split_whitespace().collect::<Vec<_>>().windows(2) {
            if (word[0] == "FROM" || word[0] == "JOIN") && !out.contains(&word[1]) {
                out.push(word[1]);
            }
        }
    }
    out
}

/// The report as JSON: `customer` (with the identity code in full: it is
/// the customer's own) and one array per part. NOT_FOUND for a customer
/// the caller cannot see.
pub async fn report(tx: &mut Tx, vault: &HetuVault, customer: Uuid) -> Result<serde_json::Value, StoreError> {
    let mut select = String::from(
        "SELECT jsonb_build_object('customer', (SELECT to_jsonb(c) - ARRAY['tenant_id', 'hetu_ciphertext', \
         'hetu_hash', 'key_version'] FROM customers c WHERE c.customer_id = $1)",
    );
    for (key, sql) in PARTS {
        select.push_str(&format!(
            ", '{key}', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'tenant_id'), '[]'::jsonb) FROM ({sql}) x)"
        ));
    }
    select.push(')');
    // Planned for this customer (the log's containment test would
    // otherwise get a generic plan that reads the whole log); the report is
    // rare, so planning it each time costs nothing that matters.
    let mut report: serde_json::Value =
        sqlx::query_scalar(&select).bind(customer).persistent(false).fetch_one(tx.conn()).await?;
    if report["customer"].is_null() {
        return Err(StoreError::NotFound);
    }
    let code = crate::customers::reveal_for_report(tx, vault, customer).await?;
    report["customer"]["identity_code"] = serde_json::Value::String(code);
    audit::record(tx, &[customer], AuditAction::Export, "access report").await?;
    sqlx::query(
        "INSERT INTO disclosures (tenant_id, customer_id, recipient, actor, what, legal_basis, request_id) \
         VALUES (app_tenant(), $1, 'export', coalesce(app_user(), 'unknown'), 'access report: all data', \
                 'data_subject_access', nullif(current_setting('polku.request_id', true), ''))",
    )
    .bind(customer)
    .execute(tx.conn())
    .await?;
    Ok(report)
}
