//! The TE office's customer transfer import on the API: running it on an
//! uploaded file, and the reports of earlier runs.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject, Upload, ID};
use chrono::NaiveDate;
use polku_domain::{DomainError, ErrorCode, Role as DomainRole};
use polku_store::imports;

use crate::context::{request, require, today};
use crate::error::ApiResult;
use crate::shared::{remote_enum, vault};
use crate::ApiError;

remote_enum!(
    EligibilityReason,
    "polku_import::EligibilityReason",
    [NoEarningsRelatedRight, Under30, ForeignLanguage, Resident]
);

#[derive(SimpleObject)]
pub struct RejectedLine {
    line: u64,
    column: Option<String>,
    code: String,
    message: String,
}

#[derive(SimpleObject)]
pub struct ImportReport {
    import_id: Option<ID>,
    dry_run: bool,
    lines: u64,
    imported: u64,
    updated: u64,
    not_eligible: u64,
    rejected: u64,
    letters: u64,
    unknown_columns: Vec<String>,
    rejections: Vec<RejectedLine>,
    not_eligible_lines: Vec<u64>,
    /// The rules the lines were judged by, those in force on the transfer
    /// date; `null` only for reports kept from before reports named them.
    eligibility: Option<ImportEligibility>,
}

/// Who the file's rows were judged eligible by, and how many customers
/// (imported or updated) each reason took; a row meeting several reasons
/// counts under each.
#[derive(SimpleObject)]
pub struct ImportEligibility {
    /// The version of the rules, e.g. `employment-services-2025`.
    rules: String,
    effective_from: NaiveDate,
    /// The statute the version follows.
    source: String,
    /// The version summed up in the caller's language.
    summary: String,
    /// Every reason the version can give, in its order.
    reasons: Vec<EligibilityCount>,
}

#[derive(SimpleObject)]
pub struct EligibilityCount {
    reason: EligibilityReason,
    customers: u64,
    /// The reason in the caller's language.
    message: String,
}

impl From<polku_import::EligibilityReport> for ImportEligibility {
    fn from(e: polku_import::EligibilityReport) -> Self {
        ImportEligibility {
            rules: e.rules,
            effective_from: e.effective_from,
            source: e.source,
            summary: e.summary,
            reasons: e
                .reasons
                .into_iter()
                .map(|r| EligibilityCount {
                    reason: r.reason.into(),
                    customers: r.customers,
                    message: r.message,
                })
                .collect(),
        }
    }
}

impl From<polku_import::ImportReport> for ImportReport {
    fn from(r: polku_import::ImportReport) -> Self {
        ImportReport {
            import_id: r.import_id.map(|i| ID(i.to_string())),
            dry_run: r.dry_run,
            lines: r.lines,
            imported: r.imported,
            updated: r.updated,
            not_eligible: r.not_eligible,
            rejected: r.rejected,
            letters: r.letters,
            unknown_columns: r.unknown_columns,
            rejections: r
                .rejections
                .into_iter()
                .map(|x| RejectedLine { line: x.line, column: x.column, code: x.code, message: x.message })
                .collect(),
            not_eligible_lines: r.not_eligible_lines,
            eligibility: r.eligibility.map(Into::into),
        }
    }
}

#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// Reports of earlier imports, newest first.
    async fn import_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> async_graphql::Result<Vec<ImportReport>> {
        let s = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let mut tx = s.tx().await.api()?;
        let runs = imports::list(&mut tx, i64::from(limit.clamp(1, 100))).await.api()?;
        // Reports are stored as the import wrote them; one that no longer reads
        // (written by a future version, say) is left out rather than failing the list.
        Ok(runs
            .into_iter()
            .filter_map(|r| {
                let mut report: polku_import::ImportReport = serde_json::from_value(r.report).ok()?;
                report.import_id = Some(r.id);
                Some(report.into())
            })
            .collect())
    }
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports the TE office's customer transfer file (GraphQL multipart
    /// upload). Every line is accounted for in the report, which is kept.
    async fn import_customers(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        #[graphql(desc = "Validate and report without writing anything (default false).")] dry_run: Option<
            bool,
        >,
        #[graphql(validator(custom = "crate::input::UsableDate(\"transferDate\")"))] transfer_date: Option<
            NaiveDate,
        >,
    ) -> async_graphql::Result<ImportReport> {
        let s: &Arc<crate::Session> = require(ctx, &[DomainRole::TenantAdmin]).api()?;
        let vault = vault(ctx).api()?;
        let upload = file.value(ctx)?;
        let options = polku_import::ImportOptions {
            transfer_date: transfer_date.unwrap_or_else(|| today(ctx)),
            dry_run: dry_run.unwrap_or(false),
            operator_lang: request(ctx).lang,
            file_name: Some(upload.filename.clone()),
            letter_date: today(ctx),
        };
        let localizer = request(ctx).localizer.clone();
        let mut tx = s.tx().await.api()?;
        let report =
            polku_import::import(&mut tx, vault, localizer, upload.into_read(), &options, &mut |_| {})
                .await
                .map_err(|e| match e {
                    polku_import::ImportError::File { message, .. } => ApiError::from(
                        DomainError::field(ErrorCode::InvalidTransferFile, "file").with_arg("value", message),
                    ),
                    polku_import::ImportError::Store(e) => ApiError::from(e),
                    polku_import::ImportError::Reader(e) => ApiError::Internal(e),
                })
                .api()?;
        Ok(report.into())
    }
}
