//! Reference data shared by all tenants: oversight regions and Statistics
//! Finland municipalities.

use polku_domain::{LanguageStatus, MunicipalityCode};

use crate::{StoreError, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Region {
    pub region_code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

#[derive(Clone, Debug)]
pub struct Municipality {
    pub code: MunicipalityCode,
    pub name_fi: String,
    pub name_sv: String,
    pub language_status: LanguageStatus,
    pub region_code: String,
}

#[derive(sqlx::FromRow)]
struct MunicipalityRow {
    code: String,
    name_fi: String,
    name_sv: String,
    language_status: String,
    region_code: String,
}

impl From<MunicipalityRow> for Municipality {
    #[expect(clippy::expect_used, reason = "the columns' CHECK constraints admit only valid values")]
    fn from(r: MunicipalityRow) -> Self {
        Municipality {
            code: MunicipalityCode::parse(&r.code).expect("CHECK constraint admits only 3 digits"),
            name_fi: r.name_fi,
            name_sv: r.name_sv,
            language_status: LanguageStatus::from_code(&r.language_status)
                .expect("CHECK constraint admits only known statuses"),
            region_code: r.region_code,
        }
    }
}

pub async fn regions(tx: &mut Tx) -> Result<Vec<Region>, StoreError> {
    Ok(sqlx::query_as("SELECT region_code, name_fi, name_sv, name_en FROM regions ORDER BY region_code")
        .fetch_all(tx.conn())
        .await?)
}

pub async fn municipalities(tx: &mut Tx, region: Option<&str>) -> Result<Vec<Municipality>, StoreError> {
    let rows: Vec<MunicipalityRow> = sqlx::query_as(
        "SELECT code::text AS code, name_fi, name_sv, language_status, region_code FROM municipalities \
         WHERE $1::text IS NULL OR region_code = $1 ORDER BY code",
    )
    .bind(region)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Municipality::from).collect())
}

pub async fn municipalities_by_codes(
    tx: &mut Tx,
    codes: &[MunicipalityCode],
) -> Result<Vec<Municipality>, StoreError> {
    let codes: Vec<&str> = codes.iter().map(MunicipalityCode::as_str).collect();
    let rows: Vec<MunicipalityRow> = sqlx::query_as(
        "SELECT code::text AS code, name_fi, name_sv, language_status, region_code FROM municipalities \
         WHERE code = ANY($1::text[]::char(3)[]) ORDER BY code",
    )
    .bind(codes)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().map(Municipality::from).collect())
}
