//! Customers (jobseekers). Every function that returns customer data writes
//! the audit rows for it in the same transaction, so a read cannot be
//! forgotten by a caller; the identity code is only ever stored encrypted.

use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::contact::{Email, Phone, PostOffice, PostalCode, StreetAddress};
use polku_domain::customer::{Benefit, CoachLoad, ContactChange, CustomerStatus, NewCustomer};
use polku_domain::{DomainError, ErrorCode, Hetu, Lang, MunicipalityCode, Role};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::pii::HetuVault;
use crate::{staff, Page, PageRequest, StoreError, Tx};

#[derive(Clone)]
pub struct Customer {
    pub id: Uuid,
    pub birth_date: NaiveDate,
    pub last_name: String,
    pub first_names: String,
    pub mother_tongue: String,
    pub service_language: Lang,
    pub home_municipality: MunicipalityCode,
    pub street_address: Option<String>,
    pub postal_code: Option<String>,
    pub post_office: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub benefit: Option<Benefit>,
    pub in_service: bool,
    pub unemployed_since: Option<NaiveDate>,
    pub job_search_started_on: Option<NaiveDate>,
    pub status: CustomerStatus,
    pub coach_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Customer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Customer").field("id", &self.id).finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    customer_id: Uuid,
    birth_date: NaiveDate,
    last_name: String,
    first_names: String,
    mother_tongue: String,
    service_language: String,
    home_municipality: String,
    street_address: Option<String>,
    postal_code: Option<String>,
    post_office: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    benefit: Option<String>,
    in_service: bool,
    unemployed_since: Option<NaiveDate>,
    job_search_started_on: Option<NaiveDate>,
    status: String,
    coach_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) const COLUMNS: &str = "customer_id, birth_date, last_name, first_names, mother_tongue, service_language, \
     home_municipality::text AS home_municipality, street_address, postal_code, post_office, phone, email, benefit, \
     in_service, unemployed_since, job_search_started_on, status, coach_id, created_at, updated_at";

impl From<Row> for Customer {
    #[expect(clippy::expect_used, reason = "the column's CHECK constraint admits only valid codes")]
    fn from(r: Row) -> Self {
        Customer {
            id: r.customer_id,
            birth_date: r.birth_date,
            last_name: r.last_name,
            first_names: r.first_names,
            mother_tongue: r.mother_tongue,
            service_language: Lang::parse(&r.service_language).unwrap_or(Lang::Fi),
            home_municipality: MunicipalityCode::parse(&r.home_municipality).expect("CHECKed code"),
            street_address: r.street_address,
            postal_code: r.postal_code,
            post_office: r.post_office,
            phone: r.phone,
            email: r.email,
            benefit: r.benefit.as_deref().and_then(Benefit::from_code),
            in_service: r.in_service,
            unemployed_since: r.unemployed_since,
            job_search_started_on: r.job_search_started_on,
            status: CustomerStatus::from_code(&r.status).unwrap_or(CustomerStatus::Active),
            coach_id: r.coach_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// What happened to one record of a batch.
#[derive(Clone, Copy, Debug)]
pub struct Upserted {
    pub customer_id: Uuid,
    pub inserted: bool,
}

const UPSERT: &str = "WITH input AS ( \
            SELECT * FROM unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::date[], $6::text[], $7::text[], $8::text[], \
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], \
                   $17::bool[], $18::date[], $19::date[]) \
            AS i(customer_id, sealed, hash, birth_date, last_name, first_names, mother_tongue, service_language, \
                 home_municipality, street_address, postal_code, post_office, phone, email, benefit, in_service, \
                 unemployed_since, job_search_started_on) \
         ), up AS ( \
            INSERT INTO customers (tenant_id, customer_id, hetu_ciphertext, hetu_hash, key_version, birth_date, \
                last_name, first_names, mother_tongue, service_language, home_municipality, street_address, postal_code, \
                post_office, phone, email, benefit, in_service, unemployed_since, job_search_started_on) \
            SELECT $1, customer_id, sealed, hash, $20, birth_date, last_name, first_names, mother_tongue, \
                service_language, home_municipality::char(3), street_address, postal_code, post_office, phone, email, \
                benefit, in_service, unemployed_since, job_search_started_on FROM input \
            ON CONFLICT (tenant_id, hetu_hash) DO UPDATE SET street_address = excluded.street_address, \
                postal_code = excluded.postal_code, post_office = excluded.post_office, phone = excluded.phone, \
                email = excluded.email, updated_at = now() \
            RETURNING customer_id, hetu_hash, (xmax = 0) AS inserted \
         ), history AS ( \
            INSERT INTO customer_status_history (tenant_id, customer_id, status, changed_by) \
            SELECT $1, customer_id, 'active', coalesce(app_user(), 'system') FROM up WHERE inserted \
         ), audit AS ( \
            INSERT INTO audit_log (tenant_id, actor, actor_roles, customer_ids, action, what, request_id) \
            SELECT $1, coalesce(app_user(), 'system'), coalesce(current_setting('polku.roles', true), ''), \
                   array_agg(customer_id), CASE WHEN inserted THEN 'create' ELSE 'change' END, $21, \
                   nullif(current_setting('polku.request_id', true), '') FROM up GROUP BY inserted \
         ) SELECT customer_id, hetu_hash, inserted FROM up";

/// A batch of customers made ready for [`upsert_prepared`]: identity codes
/// encrypted and hashed, columns laid out as the statement's arrays. Making
/// it needs no database, so an import can prepare the next batch while the
/// database writes this one.
pub struct PreparedBatch {
    ids: Vec<Uuid>,
    sealed: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
    births: Vec<NaiveDate>,
    last_names: Vec<String>,
    first_names: Vec<String>,
    mother_tongues: Vec<String>,
    service_languages: Vec<&'static str>,
    municipalities: Vec<String>,
    street_addresses: Vec<Option<String>>,
    postal_codes: Vec<Option<String>>,
    post_offices: Vec<Option<String>>,
    phones: Vec<Option<String>>,
    emails: Vec<Option<String>>,
    benefits: Vec<Option<&'static str>>,
    in_service: Vec<bool>,
    unemployed_since: Vec<Option<NaiveDate>>,
    job_search_started_on: Vec<Option<NaiveDate>>,
    key_version: i16,
}

impl PreparedBatch {
    pub fn prepare(tenant: Uuid, vault: &HetuVault, records: &[NewCustomer]) -> PreparedBatch {
        PreparedBatch {
            ids: records.iter().map(|_| Uuid::now_v7()).collect(),
            sealed: records.iter().map(|r| vault.encrypt(tenant, &r.hetu)).collect(),
            hashes: records.iter().map(|r| vault.hash(&r.hetu)).collect(),
            births: records.iter().map(|r| r.hetu.birth_date()).collect(),
            last_names: records.iter().map(|r| r.last_name.as_str().to_string()).collect(),
            first_names: records.iter().map(|r| r.first_names.as_str().to_string()).collect(),
            mother_tongues: records.iter().map(|r| r.mother_tongue.as_str().to_string()).collect(),
            service_languages: records.iter().map(|r| r.service_language.code()).collect(),
            municipalities: records.iter().map(|r| r.home_municipality.as_str().to_string()).collect(),
            street_addresses: records
                .iter()
                .map(|r| text(&r.street_address, StreetAddress::as_str))
                .collect(),
            postal_codes: records.iter().map(|r| text(&r.postal_code, PostalCode::as_str)).collect(),
            post_offices: records.iter().map(|r| text(&r.post_office, PostOffice::as_str)).collect(),
            phones: records.iter().map(|r| text(&r.phone, Phone::as_str)).collect(),
            emails: records.iter().map(|r| text(&r.email, Email::as_str)).collect(),
            benefits: records.iter().map(|r| r.benefit.map(Benefit::code)).collect(),
            in_service: records.iter().map(|r| r.in_service).collect(),
            unemployed_since: records.iter().map(|r| r.unemployed_since).collect(),
            job_search_started_on: records.iter().map(|r| r.job_search_started_on).collect(),
            key_version: vault.key_version,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// An optional parsed text as the column's value.
fn text<T>(v: &Option<T>, as_str: fn(&T) -> &str) -> Option<String> {
    v.as_ref().map(|v| as_str(v).to_string())
}

impl std::fmt::Debug for PreparedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBatch").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// Inserts new customers and refreshes the contact details of known ones
/// (matched by identity code within the area), in one statement for the
/// whole batch, with audit rows. The case history of known customers is
/// kept. A batch must not name the same person twice; callers flush first.
/// The results are in the order of `records`; `what` labels the audit rows
/// (e.g. `customer (transfer)`).
pub async fn upsert_batch(
    tx: &mut Tx,
    vault: &HetuVault,
    records: &[NewCustomer],
    what: &str,
) -> Result<Vec<Upserted>, StoreError> {
    let tenant = tx.require_tenant()?.id;
    upsert_prepared(tx, &PreparedBatch::prepare(tenant, vault, records), what).await
}

/// [`upsert_batch`] for a batch prepared beforehand (for the same tenant).
pub async fn upsert_prepared(
    tx: &mut Tx,
    batch: &PreparedBatch,
    what: &str,
) -> Result<Vec<Upserted>, StoreError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let tenant = tx.require_tenant()?.id;
    let rows: Vec<(Uuid, Vec<u8>, bool)> = sqlx::query_as(UPSERT)
        .bind(tenant)
        .bind(&batch.ids)
        .bind(&batch.sealed)
        .bind(&batch.hashes)
        .bind(&batch.births)
        .bind(&batch.last_names)
        .bind(&batch.first_names)
        .bind(&batch.mother_tongues)
        .bind(&batch.service_languages)
        .bind(&batch.municipalities)
        .bind(&batch.street_addresses)
        .bind(&batch.postal_codes)
        .bind(&batch.post_offices)
        .bind(&batch.phones)
        .bind(&batch.emails)
        .bind(&batch.benefits)
        .bind(&batch.in_service)
        .bind(&batch.unemployed_since)
        .bind(&batch.job_search_started_on)
        .bind(batch.key_version)
        .bind(what)
        .fetch_all(tx.conn())
        .await?;
    // RETURNING order is not promised; match results to inputs by hash.
    let by_hash: std::collections::HashMap<Vec<u8>, Upserted> = rows
        .into_iter()
        .map(|(customer_id, hash, inserted)| (hash, Upserted { customer_id, inserted }))
        .collect();
    batch.hashes.iter().map(|h| by_hash.get(h).copied().ok_or(StoreError::NotFound)).collect()
}

/// Records one new customer; CUSTOMER_EXISTS if the area knows the person.
pub async fn create(tx: &mut Tx, vault: &HetuVault, record: NewCustomer) -> Result<Customer, StoreError> {
    if find_id_by_hetu(tx, vault, &record.hetu).await?.is_some() {
        return Err(DomainError::field(ErrorCode::CustomerExists, "identityCode").into());
    }
    let done = upsert_batch(tx, vault, std::slice::from_ref(&record), "customer").await?;
    let id = done.first().map(|u| u.customer_id).ok_or(StoreError::NotFound)?;
    get(tx, id).await
}

/// NOT_FOUND unless the caller can see the customer: for operations that
/// name a customer and must not tell another area's from a made-up one.
pub async fn must_exist(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)")
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    if known {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Finds a customer by identity code, without decrypting anything.
pub async fn find_id_by_hetu(
    tx: &mut Tx,
    vault: &HetuVault,
    hetu: &Hetu,
) -> Result<Option<Uuid>, StoreError> {
    Ok(sqlx::query_scalar("SELECT customer_id FROM customers WHERE hetu_hash = $1")
        .bind(vault.hash(hetu))
        .fetch_optional(tx.conn())
        .await?)
}

/// One customer, audited as a read.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Customer, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM customers WHERE customer_id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
    let customer = row.map(Customer::from).ok_or(StoreError::NotFound)?;
    audit::record(tx, &[customer.id], AuditAction::Read, "customer").await?;
    Ok(customer)
}

#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    pub coach_id: Option<Uuid>,
    pub unassigned: bool,
    pub status: Option<CustomerStatus>,
}

/// A page of customers, each audited as a read.
pub async fn list(
    tx: &mut Tx,
    filter: &CustomerFilter,
    page: PageRequest,
) -> Result<Page<Customer>, StoreError> {
    const WHERE: &str = "($1::uuid IS NULL OR coach_id = $1) AND (NOT $2 OR coach_id IS NULL) \
                         AND ($3::text IS NULL OR status = $3)";
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers WHERE {WHERE} AND ($4::uuid IS NULL OR customer_id > $4) \
         ORDER BY customer_id LIMIT $5"
    ))
    .bind(filter.coach_id)
    .bind(filter.unassigned)
    .bind(filter.status.map(CustomerStatus::code))
    .bind(page.after)
    .bind(i64::from(page.first) + 1)
    .fetch_all(tx.conn())
    .await?;
    // Counted only when the caller asks for the total.
    let total: i64 = if page.with_total {
        sqlx::query_scalar(&format!("SELECT count(*) FROM customers WHERE {WHERE}"))
            .bind(filter.coach_id)
            .bind(filter.unassigned)
            .bind(filter.status.map(CustomerStatus::code))
            .fetch_one(tx.conn())
            .await?
    } else {
        0
    };
    let page = Page::from_rows(rows.into_iter().map(Customer::from).collect(), page, total);
    let ids: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
    audit::record(tx, &ids, AuditAction::Read, "customer").await?;
    Ok(page)
}

/// The identity code in plain, under the rule of
/// `polku_domain::customer::reveal_needs_reason`: the customer's own coach
/// (assigned long enough ago) or a manager without a reason, other case
/// staff only with one. Every reveal is audited, with the reason if given;
/// a refusal is returned as an error, and the caller audits it outside the
/// step that rolls back (see `RevealRefused`).
pub async fn reveal_hetu(
    tx: &mut Tx,
    vault: &HetuVault,
    id: Uuid,
    reason: Option<&str>,
) -> Result<Hetu, StoreError> {
    let tenant = tx.require_tenant()?.id;
    // The latest assignment is the current coach's; its age is measured by
    // the database's clock, the same one that stamped it.
    let row: Option<(Vec<u8>, Option<Uuid>, Option<f64>)> = sqlx::query_as(
        "SELECT c.hetu_ciphertext, c.coach_id, \
                (SELECT extract(epoch FROM now() - a.assigned_at) / 3600 FROM coach_assignments a \
                  WHERE a.customer_id = c.customer_id ORDER BY a.seq DESC LIMIT 1)::float8 \
           FROM customers c WHERE c.customer_id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let (sealed, coach, assigned_hours) = row.ok_or(StoreError::NotFound)?;
    let manager = tx.actor().has(Role::Manager);
    let own_coach_for = if coach.is_some() {
        let me = staff::me(tx).await?;
        me.filter(|m| Some(m.id) == coach).and(assigned_hours)
    } else {
        None
    };
    let reason = polku_domain::customer::reveal_needs_reason(manager, own_coach_for, reason)
        .map_err(|e| StoreError::Domain(e.at("reason")))?;
    let hetu = decrypt(vault, tenant, &sealed)?;
    audit::record_with_reason(tx, id, AuditAction::RevealIdentityCode, "identity code", reason.as_deref())
        .await?;
    Ok(hetu)
}

/// A stored identity code in plain text; a ciphertext that does not open is
/// a database defect (wrong key or a tampered row), not bad input.
pub(crate) fn decrypt(vault: &HetuVault, tenant: Uuid, sealed: &[u8]) -> Result<Hetu, StoreError> {
    vault.decrypt(tenant, sealed).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// The identity code for the customer's own access report (the report's
/// export audit row covers it; only managers produce reports).
pub(crate) async fn reveal_for_report(
    tx: &mut Tx,
    vault: &HetuVault,
    id: Uuid,
) -> Result<String, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT hetu_ciphertext FROM customers WHERE customer_id = $1")
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let hetu = decrypt(vault, tenant, &sealed)?;
    Ok(hetu.expose_secret().to_string())
}

/// Sets the reason the next change of a customer's details is kept with in
/// its correction history (`customer_corrections`), for this transaction.
pub async fn set_correction_reason(tx: &mut Tx, reason: &str) -> Result<(), StoreError> {
    sqlx::query("SELECT set_config('polku.correction_reason', $1, true)")
        .bind(reason)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Re-encrypts and re-hashes up to `limit` of the area's identity codes
/// still under `old`'s key version with `new`, in one statement. Returns how
/// many it did; zero means the area is done. Each batch is its own
/// transaction, so a long run can stop and resume where it was.
pub async fn rekey_batch(
    tx: &mut Tx,
    old: &HetuVault,
    new: &HetuVault,
    limit: i64,
) -> Result<usize, StoreError> {
    let tenant = tx.require_tenant()?.id;
    let rows: Vec<(Uuid, Vec<u8>)> = sqlx::query_as(
        "SELECT customer_id, hetu_ciphertext FROM customers WHERE key_version = $1 ORDER BY customer_id LIMIT $2",
    )
    .bind(old.key_version)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    let (mut ids, mut sealed, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    for (id, ciphertext) in rows {
        let hetu = old
            .decrypt(tenant, &ciphertext)
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        ids.push(id);
        sealed.push(new.encrypt(tenant, &hetu));
        hashes.push(new.hash(&hetu));
    }
    sqlx::query(
        "UPDATE customers c SET hetu_ciphertext = n.sealed, hetu_hash = n.hash, key_version = $4, updated_at = now() \
         FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS n(id, sealed, hash) WHERE c.customer_id = n.id",
    )
    .bind(&ids)
    .bind(&sealed)
    .bind(&hashes)
    .bind(new.key_version)
    .execute(tx.conn())
    .await?;
    Ok(ids.len())
}

/// Changes a customer's contact details and language (audited).
pub async fn update(tx: &mut Tx, id: Uuid, u: ContactChange) -> Result<Customer, StoreError> {
    fn keep<T>(o: &Option<Option<T>>) -> bool {
        o.is_none()
    }
    fn value<T>(o: &Option<Option<T>>, as_str: fn(&T) -> &str) -> Option<String> {
        o.as_ref().and_then(|v| text(v, as_str))
    }
    let done = sqlx::query(
        "UPDATE customers SET \
           street_address = CASE WHEN $2 THEN street_address ELSE $3 END, \
           postal_code = CASE WHEN $4 THEN postal_code ELSE $5 END, \
           post_office = CASE WHEN $6 THEN post_office ELSE $7 END, \
           phone = CASE WHEN $8 THEN phone ELSE $9 END, \
           email = CASE WHEN $10 THEN email ELSE $11 END, \
           service_language = coalesce($12, service_language), \
           job_search_started_on = CASE WHEN $13 THEN job_search_started_on ELSE $14 END, \
           updated_at = now() WHERE customer_id = $1",
    )
    .bind(id)
    .bind(keep(&u.street_address))
    .bind(value(&u.street_address, StreetAddress::as_str))
    .bind(keep(&u.postal_code))
    .bind(value(&u.postal_code, PostalCode::as_str))
    .bind(keep(&u.post_office))
    .bind(value(&u.post_office, PostOffice::as_str))
    .bind(keep(&u.phone))
    .bind(value(&u.phone, Phone::as_str))
    .bind(keep(&u.email))
    .bind(value(&u.email, Email::as_str))
    .bind(u.service_language.map(Lang::code))
    .bind(u.job_search_started_on.is_none())
    .bind(u.job_search_started_on.flatten())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, &[id], AuditAction::Change, "customer contact details").await?;
    get(tx, id).await
}

pub async fn set_status(tx: &mut Tx, id: Uuid, status: CustomerStatus) -> Result<Customer, StoreError> {
    let done = sqlx::query(
        "WITH up AS (UPDATE customers SET status = $2, updated_at = now() WHERE customer_id = $1 RETURNING tenant_id) \
         INSERT INTO customer_status_history (tenant_id, customer_id, status, changed_by) \
         SELECT tenant_id, $1, $2, coalesce(app_user(), 'system') FROM up",
    )
    .bind(id)
    .bind(status.code())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, &[id], AuditAction::Change, "customer status").await?;
    get(tx, id).await
}

#[derive(Clone, Debug)]
pub struct StatusChange {
    pub status: CustomerStatus,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// A customer's status changes, oldest first; audited as a read.
pub async fn status_history(tx: &mut Tx, id: Uuid) -> Result<Vec<StatusChange>, StoreError> {
    audit::record(tx, &[id], AuditAction::Read, "status history").await?;
    let rows: Vec<(String, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT status, changed_at, changed_by FROM customer_status_history WHERE customer_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(s, changed_at, changed_by)| StatusChange {
            status: CustomerStatus::from_code(&s).unwrap_or(CustomerStatus::Active),
            changed_at,
            changed_by,
        })
        .collect())
}

/// When each of the given customers' job searches ended: every change of
/// status away from active (employed, in education, moved away, closed),
/// as (customer, day). The deadlines use it for the rule that a job search
/// begun soon after the previous one ended continues it. The callers (the
/// worklists) audit their own reads of these customers.
pub async fn job_search_ends(tx: &mut Tx, customers: &[Uuid]) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
    let rows: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(
        "SELECT customer_id, changed_at FROM customer_status_history \
         WHERE customer_id = ANY($1) AND status <> 'active'",
    )
    .bind(customers)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(|(c, at)| (c, at.date_naive())).collect())
}

/// Assigns (or, with `None`, releases) a customer's coach. The coach's row is
/// locked first so concurrent assignments see each other; past the area's
/// caseload limit only a manager may assign, and that override is recorded.
pub async fn assign_coach(
    tx: &mut Tx,
    id: Uuid,
    coach: Option<Uuid>,
    override_limit: bool,
) -> Result<Customer, StoreError> {
    let limit = tx.require_tenant()?.caseload_limit;
    let mut overrode = false;
    if let Some(coach) = coach {
        staff::lock_caseloads(tx).await?;
        let staff = staff::coach(tx, coach).await.map_err(|e| match e {
            StoreError::NotFound => DomainError::field(ErrorCode::UnknownCoach, "coachId").into(),
            other => other,
        })?;
        let already: Option<Uuid> =
            sqlx::query_scalar("SELECT coach_id FROM customers WHERE customer_id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        if already != Some(coach) && staff.caseload >= i64::from(limit) {
            if !(override_limit && tx.actor().has(Role::Manager)) {
                return Err(DomainError::new(ErrorCode::CaseloadFull).with_arg("max", limit).into());
            }
            overrode = true;
        }
    }
    let done = sqlx::query(
        "WITH up AS (UPDATE customers SET coach_id = $2, updated_at = now() WHERE customer_id = $1 RETURNING tenant_id) \
         INSERT INTO coach_assignments (tenant_id, customer_id, coach_id, assigned_by, overrode_limit) \
         SELECT tenant_id, $1, $2, coalesce(app_user(), 'system'), $3 FROM up",
    )
    .bind(id)
    .bind(coach)
    .bind(overrode)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(tx, &[id], AuditAction::Change, "personal coach").await?;
    get(tx, id).await
}

/// Spreads every unassigned active customer over the active coaches by
/// service language and current load, never past the caseload limit.
/// Returns (assigned, left unassigned).
pub async fn assign_automatically(tx: &mut Tx) -> Result<(usize, usize), StoreError> {
    let limit = u32::try_from(tx.require_tenant()?.caseload_limit).unwrap_or(0);
    // A concurrent manual assignment waits for this one, and the other way round.
    staff::lock_caseloads(tx).await?;
    let coaches: Vec<CoachLoad> = staff::list(tx, true)
        .await?
        .into_iter()
        .map(|s| CoachLoad {
            id: s.id,
            languages: s.languages,
            caseload: u32::try_from(s.caseload).unwrap_or(0),
        })
        .collect();
    let waiting: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT customer_id, service_language FROM customers WHERE coach_id IS NULL AND status = 'active' \
         ORDER BY created_at, customer_id",
    )
    .fetch_all(tx.conn())
    .await?;
    let waiting: Vec<(Uuid, Lang)> =
        waiting.into_iter().map(|(id, l)| (id, Lang::parse(&l).unwrap_or(Lang::Fi))).collect();
    let (assigned, left) = polku_domain::customer::distribute(&waiting, &coaches, limit);
    if !assigned.is_empty() {
        let (customers, coaches): (Vec<Uuid>, Vec<Uuid>) = assigned.iter().copied().unzip();
        sqlx::query(
            "WITH pairs AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS p(customer_id, coach_id)), \
             up AS (UPDATE customers c SET coach_id = p.coach_id, updated_at = now() FROM pairs p \
                    WHERE c.customer_id = p.customer_id RETURNING c.tenant_id, c.customer_id, c.coach_id) \
             INSERT INTO coach_assignments (tenant_id, customer_id, coach_id, assigned_by) \
             SELECT tenant_id, customer_id, coach_id, coalesce(app_user(), 'system') FROM up",
        )
        .bind(&customers)
        .bind(&coaches)
        .execute(tx.conn())
        .await?;
        audit::record(tx, &customers, AuditAction::Change, "personal coach (automatic)").await?;
    }
    Ok((assigned.len(), left.len()))
}
