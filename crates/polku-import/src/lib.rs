//! The customer transfer from the TE office, shared by `polku import
//! customers` and the GraphQL upload. It streams the file (memory stays flat
//! whatever its size), writes customers a batch at a time in one statement
//! per batch, gives every new customer a personal letter in their service
//! language, and accounts for every line: imported, updated, not eligible or
//! rejected with its line, column and a reason in the operator's language.
//! The report names the eligibility rules of the transfer date and how many
//! customers each of their reasons took.
//! A dry run does all of that inside a savepoint and then takes it back, so
//! what it reports is exactly what a real run would do.

pub mod kela;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;
use polku_domain::contact::{PostOffice, PostalCode, StreetAddress};
use polku_domain::customer::NewCustomer;
use polku_domain::hetu::HetuError;
use polku_domain::Lang;
use polku_i18n::letters::{LetterTemplate, TransferLetter};
use polku_i18n::Localizer;
use polku_store::customers::{self, PreparedBatch};
use polku_store::pii::HetuVault;
use polku_store::{imports, letters, tenants, StoreError, TenantInfo, Tx};
pub use polku_transfer::EligibilityReason;
use polku_transfer::{EligibilityRules, Outcome, RejectionCode, TransferOptions, TransferRow};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows written per statement: large enough that round trips do not
/// dominate, small enough that one statement's arrays stay a few megabytes.
pub const BATCH: usize = 1000;

#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub transfer_date: NaiveDate,
    pub dry_run: bool,
    /// The operator's language, for the reasons in the report.
    pub operator_lang: Lang,
    pub file_name: Option<String>,
    /// The date printed on the letters.
    pub letter_date: NaiveDate,
}

/// The outcome of an import; also stored as JSON with the import run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportReport {
    pub import_id: Option<Uuid>,
    pub dry_run: bool,
    /// Data lines read (the header not counted).
    pub lines: u64,
    pub imported: u64,
    pub updated: u64,
    pub not_eligible: u64,
    pub rejected: u64,
    pub letters: u64,
    pub unknown_columns: Vec<String>,
    pub rejections: Vec<RejectedLine>,
    pub not_eligible_lines: Vec<u64>,
    /// The rules the lines were judged by. `None` only in reports stored
    /// before reports named them.
    pub eligibility: Option<EligibilityReport>,
}

/// Who the file's rows were judged eligible by: the version of
/// `polku-transfer`'s rules in force on the transfer date, and per reason
/// the customers (imported or updated) it took. A row that meets several
/// reasons counts under each.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EligibilityReport {
    /// The version's id, e.g. `employment-services-2025`.
    pub rules: String,
    pub effective_from: NaiveDate,
    /// The statute the version follows, as the rule file cites it.
    pub source: String,
    /// The version summed up in the operator's language, e.g. "All
    /// jobseekers whose home municipality is in the area (from 1.1.2025)".
    pub summary: String,
    /// Every reason the version can give, in its order, even when it took
    /// nobody.
    pub reasons: Vec<ReasonCount>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: EligibilityReason,
    pub customers: u64,
    /// The reason in the operator's language.
    pub message: String,
}

impl EligibilityReport {
    fn new(rules: &EligibilityRules, localizer: &Localizer, lang: Lang) -> Self {
        EligibilityReport {
            rules: rules.id.clone(),
            effective_from: rules.effective_from,
            source: rules.source.clone(),
            summary: localizer.message(lang, &rules.message_id(), &[]),
            reasons: rules
                .possible_reasons()
                .into_iter()
                .map(|reason| ReasonCount {
                    reason,
                    customers: 0,
                    message: localizer.message(lang, &reason.message_id(), &[]),
                })
                .collect(),
        }
    }

    fn count(&mut self, reasons: &[EligibilityReason]) {
        for entry in &mut self.reasons {
            entry.customers += u64::from(reasons.contains(&entry.reason));
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RejectedLine {
    pub line: u64,
    pub column: Option<String>,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read; nothing was written. The message
    /// is already in the operator's language and names no personal data.
    #[error("{message}")]
    File { code: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The reader thread failed (a defect, not bad input).
    #[error("the import reader failed: {0}")]
    Reader(String),
}

fn hetu_detail(e: HetuError) -> &'static str {
    match e {
        HetuError::Format => "hetu-error-format",
        HetuError::CenturySign => "hetu-error-century-sign",
        HetuError::Date => "hetu-error-date",
        HetuError::IndividualNumber => "hetu-error-individual-number",
        HetuError::TemporaryCode => "hetu-error-temporary-code",
        HetuError::Checksum => "hetu-error-checksum",
    }
}

fn reason(localizer: &Localizer, lang: Lang, code: &RejectionCode) -> String {
    let mut args: Vec<(&str, String)> = Vec::new();
    match code {
        RejectionCode::InvalidHetu(e) => args.push(("detail", localizer.message(lang, hetu_detail(*e), &[]))),
        RejectionCode::TooLong { max } => args.push(("max", max.to_string())),
        _ => {}
    }
    localizer.message(lang, &code.message_id(), &args)
}

/// Batches in flight between the reader thread and the database writer:
/// enough to keep both busy, few enough that memory stays flat.
const IN_FLIGHT: usize = 2;

/// What the reader thread hands the writer: a batch ready to write, with a
/// letter rendered for every row in case it turns out to be new.
struct Prepared {
    batch: PreparedBatch,
    letters: Vec<(Lang, String)>,
    lines_read: u64,
}

/// The reader thread's own share of the report.
struct ReadTally {
    lines: u64,
    not_eligible: u64,
    not_eligible_lines: Vec<u64>,
    rejected: u64,
    rejections: Vec<RejectedLine>,
    eligibility: EligibilityReport,
}

/// Customers written by imports in this process, and imports under way:
/// the gateway's `/metrics` shows them as import progress.
pub static ROWS_WRITTEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
pub static RUNNING: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Counts an import as running for as long as it lives.
struct Running;

impl Running {
    fn start() -> Running {
        RUNNING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs an import inside `tx` (whose tenant is the receiving area). The
/// caller commits; `progress` is told the number of lines read after every
/// batch. Reading, validation, encryption and letters happen on a blocking
/// thread while this task writes the previous batch, so the file and the
/// database are worked on at once.
pub async fn import<R: Read + Send + 'static>(
    tx: &mut Tx,
    vault: &HetuVault,
    localizer: Arc<Localizer>,
    input: R,
    options: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<ImportReport, ImportError> {
    let _running = Running::start();
    let tenant = tx.require_tenant()?.clone();
    let municipalities = tenants::municipalities(tx, tenant.id).await?.into_iter().map(|m| m.code).collect();
    let transfer = TransferOptions {
        transfer_date: options.transfer_date,
        default_language: tenant.default_language,
        municipalities,
    };
    let lang = options.operator_lang;
    let reader = polku_transfer::read(input, &transfer).map_err(|e| {
        let mut args: Vec<(&str, String)> = Vec::new();
        match &e {
            polku_transfer::TransferError::MissingColumns { columns } => {
                args.push(("columns", columns.join(", ")))
            }
            polku_transfer::TransferError::DuplicateColumn { column } => {
                args.push(("column", column.to_string()))
            }
            polku_transfer::TransferError::HeaderTooLong { max } => args.push(("max", max.to_string())),
            polku_transfer::TransferError::NoRulesForDate { date, first } => {
                args.push(("date", date.to_string()));
                args.push(("first", first.to_string()));
            }
            _ => {}
        }
        ImportError::File { code: e.code(), message: localizer.message(lang, &e.message_id(), &args) }
    })?;

    let mut report = ImportReport {
        dry_run: options.dry_run,
        unknown_columns: reader.unknown_columns().to_vec(),
        ..ImportReport::default()
    };
    tx.plan_for_bulk_load().await?;
    if options.dry_run {
        tx.savepoint_named("polku_import_dry_run").await?;
    }

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Prepared>(IN_FLIGHT);
    let reading = {
        let (vault, localizer, tenant, letter_date) =
            (vault.clone(), localizer.clone(), tenant.clone(), options.letter_date);
        tokio::task::spawn_blocking(move || {
            read_all(reader, &vault, &localizer, &tenant, letter_date, lang, &sender)
        })
    };
    let mut written = Ok(());
    while let Some(prepared) = receiver.recv().await {
        if let Err(e) = write(tx, prepared, &mut report, progress).await {
            // Dropping the receiver stops the reader at its next batch.
            written = Err(e);
            break;
        }
    }
    drop(receiver);
    let tally = reading.await.map_err(|e| ImportError::Reader(e.to_string()))?;
    written?;

    report.lines = tally.lines;
    report.not_eligible = tally.not_eligible;
    report.not_eligible_lines = tally.not_eligible_lines;
    report.rejected = tally.rejected;
    report.rejections = tally.rejections;
    report.eligibility = Some(tally.eligibility);
    progress(report.lines);
    if options.dry_run {
        tx.rollback_to_named("polku_import_dry_run").await?;
        tx.release_named("polku_import_dry_run").await?;
    }
    let json = serde_json::to_value(&report).map_err(|e| ImportError::Reader(e.to_string()))?;
    report.import_id = Some(imports::save(tx, options.file_name.as_deref(), options.dry_run, &json).await?);
    Ok(report)
}

/// The reader thread: every line of the file, batched and prepared.
fn read_all<R: Read>(
    reader: polku_transfer::TransferReader<R>,
    vault: &HetuVault,
    localizer: &Localizer,
    tenant: &TenantInfo,
    letter_date: NaiveDate,
    lang: Lang,
    sender: &tokio::sync::mpsc::Sender<Prepared>,
) -> ReadTally {
    let mut tally = ReadTally {
        lines: 0,
        not_eligible: 0,
        not_eligible_lines: Vec::new(),
        rejected: 0,
        rejections: Vec::new(),
        eligibility: EligibilityReport::new(reader.rules(), localizer, lang),
    };
    let mut batch: Vec<TransferRow> = Vec::with_capacity(BATCH);
    let mut in_batch: HashSet<Vec<u8>> = HashSet::with_capacity(BATCH);
    // Sending fails only when the writer has stopped; then so do we.
    let mut templates = HashMap::new();
    let mut send = |batch: &mut Vec<TransferRow>, lines: u64| -> bool {
        if batch.is_empty() {
            return true;
        }
        let prepared = prepare(batch, &mut templates, vault, localizer, tenant, letter_date, lines);
        batch.clear();
        sender.blocking_send(prepared).is_ok()
    };
    for line in reader {
        tally.lines += 1;
        match line.outcome {
            Outcome::Customer(row) => {
                tally.eligibility.count(&row.eligibility);
                // The same person twice in one statement cannot be upserted;
                // the second one waits for the next batch and counts as an update.
                let hash = vault.hash(&row.customer.hetu);
                if in_batch.contains(&hash) {
                    if !send(&mut batch, tally.lines - 1) {
                        return tally;
                    }
                    in_batch.clear();
                }
                in_batch.insert(hash);
                batch.push(row);
                if batch.len() >= BATCH {
                    if !send(&mut batch, tally.lines) {
                        return tally;
                    }
                    in_batch.clear();
                }
            }
            Outcome::NotEligible(_) => {
                tally.not_eligible += 1;
                tally.not_eligible_lines.push(line.number);
            }
            Outcome::Rejected(rejections) => {
                tally.rejected += 1;
                for r in rejections {
                    tally.rejections.push(RejectedLine {
                        line: line.number,
                        column: r.column.map(str::to_string),
                        code: r.code.as_str().to_string(),
                        message: reason(localizer, lang, &r.code),
                    });
                }
            }
        }
    }
    send(&mut batch, tally.lines);
    tally
}

fn prepare(
    batch: &[TransferRow],
    templates: &mut HashMap<Lang, LetterTemplate>,
    vault: &HetuVault,
    localizer: &Localizer,
    tenant: &TenantInfo,
    letter_date: NaiveDate,
    lines_read: u64,
) -> Prepared {
    let records: Vec<NewCustomer> = batch.iter().map(|r| r.customer.clone()).collect();
    let letters = batch
        .iter()
        .map(|row| {
            let row = &row.customer;
            let lang = row.service_language;
            let area = tenant.names.get(lang, tenant.default_language).unwrap_or(tenant.slug.as_str());
            let name = format!("{} {}", row.first_names.as_str(), row.last_name.as_str());
            let letter = TransferLetter {
                lang,
                customer_name: &name,
                street_address: row.street_address.as_ref().map(StreetAddress::as_str),
                postal_code: row.postal_code.as_ref().map(PostalCode::as_str),
                post_office: row.post_office.as_ref().map(PostOffice::as_str),
                area_name: area,
                coach: None,
                date: letter_date,
            };
            // Everything but name and address is the same for every
            // customer of one language in this import: render it once.
            let template = templates.entry(lang).or_insert_with(|| letter.template(localizer));
            (lang, template.fill(&letter))
        })
        .collect();
    Prepared { batch: PreparedBatch::prepare(tenant.id, vault, &records), letters, lines_read }
}

/// The writer: one upsert statement and one letters statement per batch.
async fn write(
    tx: &mut Tx,
    prepared: Prepared,
    report: &mut ImportReport,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<(), ImportError> {
    let done = customers::upsert_prepared(tx, &prepared.batch, "customer (transfer)").await?;
    ROWS_WRITTEN.fetch_add(done.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let mut new_letters = Vec::new();
    for (result, (lang, html)) in done.iter().zip(prepared.letters) {
        if result.inserted {
            report.imported += 1;
            new_letters.push((result.customer_id, lang, html));
        } else {
            report.updated += 1;
        }
    }
    report.letters += new_letters.len() as u64;
    letters::insert_transfer_letters(tx, &new_letters).await?;
    progress(prepared.lines_read);
    Ok(())
}

#[cfg(test)]
mod tests {
    use polku_transfer::{RuleBook, TransferError};

    use super::*;

    #[test]
    fn every_rule_version_reason_and_new_code_has_a_message_in_every_locale() {
        let l = Localizer::new();
        let rules_date = TransferError::NoRulesForDate { date: NaiveDate::MIN, first: NaiveDate::MAX };
        let mut ids: Vec<String> = RuleBook::embedded().versions().iter().map(|v| v.message_id()).collect();
        ids.extend(EligibilityReason::ALL.iter().map(|r| r.message_id()));
        ids.extend([RejectionCode::ContradictsBenefit.message_id(), rules_date.message_id()]);
        for lang in Lang::ALL {
            for id in &ids {
                assert!(l.has(lang, id), "{lang}: {id}");
            }
        }
    }

    #[test]
    fn the_report_counts_customers_under_each_reason_of_the_version() {
        let l = Localizer::new();
        let on =
            |y, m, d| polku_transfer::eligibility_rules(NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap();
        let mut before = EligibilityReport::new(on(2024, 12, 31), &l, Lang::En);
        before.count(&[EligibilityReason::Under30, EligibilityReason::ForeignLanguage]);
        before.count(&[EligibilityReason::Under30]);
        let counted: Vec<(EligibilityReason, u64)> =
            before.reasons.iter().map(|r| (r.reason, r.customers)).collect();
        assert_eq!(
            counted,
            [
                (EligibilityReason::NoEarningsRelatedRight, 0),
                (EligibilityReason::Under30, 2),
                (EligibilityReason::ForeignLanguage, 1)
            ]
        );
        assert_eq!(before.reasons[1].message, "under 30");

        let after = EligibilityReport::new(on(2025, 1, 1), &l, Lang::Fi);
        assert_eq!(after.rules, "employment-services-2025");
        assert!(after.source.contains("380/2023"), "{}", after.source);
        assert!(after.summary.contains("1.1.2025"), "{}", after.summary);
        let json = serde_json::to_value(&after).unwrap();
        assert_eq!(json["reasons"][0]["reason"], "resident");
    }
}
