//! The real employment areas of 2025 (työllisyysalueet) and their
//! municipalities, read from `data/employment-areas-2025.toml`, which names
//! its sources and says, area by area, what it could not confirm. The demo
//! areas and the data generator both take their municipalities from here, so
//! a correction to the file reaches both.
//!
//! The file is embedded and parsed once; a unit test checks it against the
//! reference data (every code exists, no municipality twice, every mainland
//! municipality once, 45 areas), so a bad edit fails the build's tests rather
//! than a running server.

use std::sync::OnceLock;

use polku_domain::{Lang, MunicipalityCode, RegionCode, Slug};
use serde::Deserialize;

const DATA: &str = include_str!("../data/employment-areas-2025.toml");

/// One employment area as the file gives it.
#[derive(Clone, Debug)]
pub struct EmploymentArea {
    pub slug: Slug,
    pub name_fi: String,
    pub name_sv: String,
    /// ELY region of the lead municipality.
    pub region: RegionCode,
    /// The lead municipality (vastuukunta), or the seat of a joint authority.
    pub lead: MunicipalityCode,
    /// The lead first.
    pub municipalities: Vec<MunicipalityCode>,
    pub source: String,
    /// What no source confirmed, in words; `None` when all was confirmed.
    pub unverified: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    area: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    slug: String,
    name_fi: String,
    name_sv: String,
    region: String,
    lead: String,
    municipalities: Vec<String>,
    source: String,
    unverified: Option<String>,
}

fn parse(text: &str) -> Result<Vec<EmploymentArea>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    file.area
        .into_iter()
        .map(|raw| {
            let err = |e: polku_domain::DomainError| format!("{}: {e:?}", raw.slug);
            Ok(EmploymentArea {
                slug: Slug::parse(&raw.slug).map_err(err)?,
                region: RegionCode::parse(&raw.region).map_err(err)?,
                lead: MunicipalityCode::parse(&raw.lead).map_err(err)?,
                municipalities: raw
                    .municipalities
                    .iter()
                    .map(|c| MunicipalityCode::parse(c))
                    .collect::<Result<_, _>>()
                    .map_err(err)?,
                name_fi: raw.name_fi,
                name_sv: raw.name_sv,
                source: raw.source,
                unverified: raw.unverified,
            })
        })
        .collect()
}

/// All areas, in the file's stable order (the four demo areas first).
pub fn all() -> &'static [EmploymentArea] {
    static AREAS: OnceLock<Vec<EmploymentArea>> = OnceLock::new();
    // The text is compiled in and checked by the tests below, so a failure
    // here is a build that skipped its tests, not a runtime condition.
    AREAS.get_or_init(|| parse(DATA).unwrap_or_else(|e| panic!("employment-areas-2025.toml: {e}")))
}

/// The area with this slug.
pub fn find(slug: &str) -> Option<&'static EmploymentArea> {
    all().iter().find(|a| a.slug.as_str() == slug)
}

/// Enabled languages and the default one, from the language status
/// (`fi`, `sv`, `fi_sv`, `sv_fi`) of the area's municipalities and of its
/// lead: an area with any bilingual municipality serves in both languages,
/// with Swedish as default where the lead has a Swedish majority.
pub fn languages<'a>(statuses: impl IntoIterator<Item = &'a str>, lead_status: &str) -> (Vec<Lang>, Lang) {
    let bilingual = statuses.into_iter().any(|s| s != "fi");
    let swedish_lead = matches!(lead_status, "sv" | "sv_fi");
    match (bilingual || swedish_lead, swedish_lead) {
        (false, _) => (vec![Lang::Fi], Lang::Fi),
        (true, false) => (vec![Lang::Fi, Lang::Sv], Lang::Fi),
        (true, true) => (vec![Lang::Sv, Lang::Fi], Lang::Sv),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    const REFERENCE: &str = include_str!("../../../migrations/20260101000002_reference_data.sql");

    /// code → (language status, region), read from the reference-data
    /// migration's `INSERT INTO municipalities` rows.
    fn reference() -> BTreeMap<String, (String, String)> {
        let start = REFERENCE.find("INSERT INTO municipalities").expect("municipality rows");
        REFERENCE[start..]
            .lines()
            .filter_map(|line| {
                let line = line.trim().strip_prefix("('")?;
                let fields: Vec<&str> = line.split('\'').collect();
                // ('005', 'Alajärvi', 'Alajärvi', 'fi', 'etela-pohjanmaa'),
                Some((fields[0].to_string(), (fields[6].to_string(), fields[8].to_string())))
            })
            .collect()
    }

    #[test]
    fn the_file_parses_into_forty_five_areas_with_unique_slugs() {
        let areas = parse(DATA).unwrap();
        assert_eq!(areas.len(), 45);
        let slugs: BTreeSet<&str> = areas.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs.len(), 45);
        let demo: Vec<&str> = areas.iter().take(4).map(|a| a.slug.as_str()).collect();
        assert_eq!(demo, ["porvoo", "jakobstad", "lahti", "hameenlinna"], "the demo areas come first");
        for area in &areas {
            assert!(!area.source.is_empty(), "{} names a source", area.slug.as_str());
            assert!(
                area.source.starts_with("https://") || area.unverified.is_some(),
                "{} has no source read, so it must say what is unverified",
                area.slug.as_str()
            );
        }
    }

    #[test]
    fn every_code_exists_and_every_mainland_municipality_is_in_exactly_one_area() {
        let reference = reference();
        assert_eq!(reference.len(), 293, "the reference data holds the 293 mainland municipalities");
        let mut seen = BTreeMap::new();
        for area in all() {
            assert!(!area.municipalities.is_empty());
            assert_eq!(area.municipalities[0], area.lead, "{}: the lead comes first", area.slug.as_str());
            for code in &area.municipalities {
                assert!(
                    reference.contains_key(code.as_str()),
                    "{}: unknown code {}",
                    area.slug.as_str(),
                    code.as_str()
                );
                if let Some(other) = seen.insert(code.as_str(), area.slug.as_str()) {
                    panic!("{} is in both {other} and {}", code.as_str(), area.slug.as_str());
                }
            }
        }
        let missing: Vec<&String> = reference.keys().filter(|c| !seen.contains_key(c.as_str())).collect();
        assert!(missing.is_empty(), "municipalities in no area: {missing:?}");
    }

    #[test]
    fn each_area_lies_in_the_region_of_its_lead() {
        let reference = reference();
        for area in all() {
            assert_eq!(area.region.as_str(), reference[area.lead.as_str()].1, "{}", area.slug.as_str());
        }
    }

    #[test]
    fn bilingual_areas_get_both_languages() {
        let reference = reference();
        let status = |a: &EmploymentArea| -> (Vec<Lang>, Lang) {
            languages(
                a.municipalities.iter().map(|c| reference[c.as_str()].0.as_str()),
                &reference[a.lead.as_str()].0,
            )
        };
        for area in all() {
            let bilingual = area.municipalities.iter().any(|c| reference[c.as_str()].0 != "fi");
            let (enabled, default) = status(area);
            assert_eq!(enabled.contains(&Lang::Sv), bilingual, "{}", area.slug.as_str());
            assert!(enabled.contains(&Lang::Fi), "{}", area.slug.as_str());
            assert!(enabled.contains(&default));
        }
        // Jakobstad's lead has a Swedish majority; Porvoo's a Finnish one.
        assert_eq!(status(find("jakobstad").unwrap()), (vec![Lang::Sv, Lang::Fi], Lang::Sv));
        assert_eq!(status(find("porvoo").unwrap()), (vec![Lang::Fi, Lang::Sv], Lang::Fi));
        assert_eq!(status(find("lahti").unwrap()), (vec![Lang::Fi], Lang::Fi));
    }

    #[test]
    fn the_sami_homeland_municipalities_are_all_in_lapland_areas() {
        for code in ["047", "148", "758", "890"] {
            let area = all().iter().find(|a| a.municipalities.iter().any(|c| c.as_str() == code)).unwrap();
            assert_eq!(area.region.as_str(), "lappi", "{code}");
        }
    }
}
