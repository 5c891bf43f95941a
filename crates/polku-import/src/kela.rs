//! Kela's monthly municipal invoice specification (the format Polku
//! accepts: `polku_domain::municipal_share::invoice`, `docs/money.md`).
//! The file is read line by line (memory holds the parsed lines, not the
//! text) and every line is accounted for: each one Polku cannot read, or
//! that breaks a rule of the file (another month, a municipality outside the
//! area, a line twice), is reported with its number, column and reason. A
//! file with any such line, or for a month already imported, writes
//! nothing: an invoice is reconciled whole or not at all.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use polku_domain::figures::Month;
use polku_domain::municipal_share::invoice;
use polku_domain::{DomainError, ErrorCode};
use polku_store::funding::{self, PreparedLine};
use polku_store::pii::HetuVault;
use polku_store::{StoreError, Tx};
use uuid::Uuid;

/// What an invoice import did.
#[derive(Debug)]
pub struct InvoiceReport {
    pub month: Option<Month>,
    /// Data lines read (the header not counted).
    pub lines: usize,
    /// The invoice written, when every line was good.
    pub invoice_id: Option<Uuid>,
    /// Lines of the area's customers.
    pub matched: usize,
    /// Each refused line: its number in the file (the header is line 1) and why.
    pub rejected: Vec<(usize, DomainError)>,
}

/// Reads and, if every line is good, writes one month's invoice in the
/// caller's transaction.
pub async fn import_invoice(
    tx: &mut Tx,
    vault: &HetuVault,
    file: impl BufRead,
    file_name: Option<&str>,
) -> Result<InvoiceReport, StoreError> {
    let municipalities: HashSet<String> = funding::area_municipalities(tx).await?.into_iter().collect();
    let mut report =
        InvoiceReport { month: None, lines: 0, invoice_id: None, matched: 0, rejected: Vec::new() };
    let mut prepared = Vec::new();
    let mut seen: HashMap<(Vec<u8>, &'static str, String), usize> = HashMap::new();
    for (i, text) in file.lines().enumerate() {
        let number = i + 1;
        let text = match text {
            Ok(t) => t,
            Err(_) => {
                // Not UTF-8 (or unreadable): the rest cannot be trusted either.
                report.rejected.push((
                    number,
                    DomainError::field(ErrorCode::InvoiceColumns, "line").with_arg("value", 0),
                ));
                break;
            }
        };
        if number == 1 {
            if let Err(e) = invoice::header(&text) {
                report.rejected.push((number, e));
                break;
            }
            continue;
        }
        if text.trim().is_empty() {
            continue;
        }
        report.lines += 1;
        let line = match invoice::parse(&text) {
            Ok(l) => l,
            Err(e) => {
                report.rejected.push((number, e));
                continue;
            }
        };
        match report.month {
            None => report.month = Some(line.month),
            Some(m) if m != line.month => {
                report.rejected.push((
                    number,
                    DomainError::field(ErrorCode::InvoiceMixedMonths, "kuukausi")
                        .with_arg("value", line.month),
                ));
                continue;
            }
            Some(_) => {}
        }
        let code = line.municipality.to_string();
        if !municipalities.contains(&code) {
            report.rejected.push((
                number,
                DomainError::field(ErrorCode::MunicipalityOutsideArea, "kunta").with_arg("value", &code),
            ));
            continue;
        }
        let hash = vault.hash(&line.hetu);
        let key = (hash.clone(), line.benefit.code(), code.clone());
        if let Some(first) = seen.get(&key) {
            report.rejected.push((
                number,
                DomainError::field(ErrorCode::InvoiceDuplicateLine, "henkilotunnus").with_arg("value", first),
            ));
            continue;
        }
        seen.insert(key, number);
        prepared.push(PreparedLine {
            line_no: i32::try_from(number).unwrap_or(i32::MAX),
            customer_id: None,
            hetu_hash: hash,
            municipality: code,
            benefit: line.benefit,
            days: i32::try_from(line.days).unwrap_or(0),
            cumulative_days: i32::try_from(line.cumulative_days).unwrap_or(0),
            paid: line.paid,
            share: line.share,
        });
    }
    let Some(month) = report.month else {
        if report.rejected.is_empty() {
            // A header and nothing else: no month to import.
            report
                .rejected
                .push((2, DomainError::field(ErrorCode::InvoiceColumns, "line").with_arg("value", 0)));
        }
        return Ok(report);
    };
    if funding::month_imported(tx, month).await? {
        report
            .rejected
            .push((1, DomainError::field(ErrorCode::InvoiceMonthImported, "file").with_arg("value", month)));
    }
    if !report.rejected.is_empty() {
        return Ok(report);
    }
    let hashes: Vec<Vec<u8>> = prepared.iter().map(|l| l.hetu_hash.clone()).collect();
    let customers = funding::customers_by_hash(tx, &hashes).await?;
    for l in &mut prepared {
        l.customer_id = customers.get(&l.hetu_hash).copied();
    }
    report.matched = prepared.iter().filter(|l| l.customer_id.is_some()).count();
    report.invoice_id = Some(funding::insert_invoice(tx, month, file_name, &prepared).await?);
    Ok(report)
}
