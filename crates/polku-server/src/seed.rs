//! Demo data for four real employment areas: Porvoo/Borgå, Jakobstad/
//! Pietarsaari, Lahti and TyöHäme (Hämeenlinna), with partners and
//! workshops. Their municipalities and region come from the real areas'
//! data file (`polku_store::employment_areas`), so the demo matches reality. Loaded through the same store functions the API uses, as
//! the platform and each area's administrator, so it passes the same row
//! policies as any user's data. Loading twice changes nothing.

use std::sync::Arc;

use chrono::NaiveDate;
use polku_domain::{
    DomainError, ErrorCode, Euros, Lang, LocalizedText, PartnerKind, Role, ServiceCategory, Slug,
};
use polku_i18n::Localizer;
use polku_import::ImportOptions;
use polku_store::partners::PartnerInput;
use polku_store::pii::HetuVault;
use polku_store::services::ServiceInput;
use polku_store::staff::StaffInput;
use polku_store::tenants::NewTenant;
use polku_store::{Actor, PageRequest, Store, StoreError};
use uuid::Uuid;

/// (names fi/sv/en, category, provider index into the area's partners,
/// capacity, euros per place-month)
type DemoService = ([&'static str; 3], ServiceCategory, Option<usize>, Option<u32>, &'static str);

struct Area {
    slug: &'static str,
    /// (subject, name, languages): the first is the dev token's coach.
    coaches: &'static [(&'static str, &'static str, &'static [Lang])],
    names: &'static [(Lang, &'static str)],
    languages: &'static [Lang],
    partners: &'static [(&'static str, PartnerKind, &'static [Lang])],
    services: &'static [DemoService],
}

/// The TE office's sample transfer file (shared/data/te-transfer-sample.csv).
const DEMO_TRANSFER: &str = include_str!("../data/te-transfer-demo.csv");

const AREAS: &[Area] = &[
    Area {
        slug: "porvoo",
        coaches: &[
            ("coach-porvoo", "Aino Virtanen", &[Lang::Fi, Lang::Sv, Lang::En]),
            ("coach-porvoo-2", "Sara Lindholm", &[Lang::Sv, Lang::Fi]),
            ("coach-porvoo-3", "Juha Korhonen", &[Lang::Fi]),
        ],
        names: &[
            (Lang::Fi, "Porvoon työllisyysalue"),
            (Lang::Sv, "Borgå sysselsättningsområde"),
            (Lang::En, "Porvoo employment area"),
        ],
        languages: &[Lang::Fi, Lang::Sv, Lang::En],
        partners: &[
            ("Careeria", PartnerKind::VocationalSchool, &[Lang::Fi, Lang::Sv]),
            ("Prakticum", PartnerKind::VocationalSchool, &[Lang::Sv]),
            ("Posintra", PartnerKind::DevelopmentCompany, &[Lang::Fi, Lang::Sv, Lang::En]),
            ("Stiftelsen Sotek", PartnerKind::ThirdSector, &[Lang::Sv, Lang::Fi]),
            ("Samaria rf", PartnerKind::ThirdSector, &[Lang::Fi, Lang::Sv]),
        ],
        services: &[
            (
                ["Omavalmennus", "Egencoachning", "Personal coaching"],
                ServiceCategory::PersonalCoaching,
                None,
                None,
                "0",
            ),
            (
                ["Autopaja", "Bilverkstad", "Car workshop"],
                ServiceCategory::Workshop,
                Some(3),
                Some(8),
                "1150.00",
            ),
            (
                ["Metallipaja", "Metallverkstad", "Metal workshop"],
                ServiceCategory::Workshop,
                Some(3),
                Some(8),
                "1150.00",
            ),
            (
                ["Taidepaja", "Konstverkstad", "Art workshop"],
                ServiceCategory::Workshop,
                Some(4),
                Some(10),
                "980.00",
            ),
            (
                ["Käsityöpaja", "Hantverksverkstad", "Crafts workshop"],
                ServiceCategory::Workshop,
                Some(4),
                Some(10),
                "980.00",
            ),
            (
                ["Puusepänpaja", "Snickeriverkstad", "Carpentry workshop"],
                ServiceCategory::Workshop,
                Some(3),
                Some(8),
                "1150.00",
            ),
            (
                [
                    "Kuntouttava työtoiminta",
                    "Arbetsverksamhet i rehabiliteringssyfte",
                    "Rehabilitative work activity",
                ],
                ServiceCategory::RehabilitativeWork,
                Some(4),
                Some(20),
                "540.00",
            ),
            (["Työkokeilu", "Arbetsprövning", "Work trial"], ServiceCategory::WorkTrial, None, None, "0"),
            (
                ["Logistiikan koulutus", "Utbildning i logistik", "Logistics training"],
                ServiceCategory::Training,
                Some(0),
                Some(16),
                "1420.50",
            ),
            (
                ["Työllisyysavustus", "Sysselsättningsbidrag", "Employment grant"],
                ServiceCategory::EmploymentGrant,
                None,
                None,
                "400.00",
            ),
        ],
    },
    Area {
        slug: "jakobstad",
        coaches: &[("coach-jakobstad", "Anna Björkqvist", &[Lang::Sv, Lang::Fi])],
        names: &[
            (Lang::Sv, "Jakobstads sysselsättningsområde"),
            (Lang::Fi, "Pietarsaaren työllisyysalue"),
            (Lang::En, "Jakobstad employment area"),
        ],
        languages: &[Lang::Sv, Lang::Fi, Lang::En],
        partners: &[
            ("Optima", PartnerKind::VocationalSchool, &[Lang::Sv]),
            ("Concordia", PartnerKind::DevelopmentCompany, &[Lang::Sv, Lang::Fi]),
        ],
        services: &[
            (
                ["Omavalmennus", "Egencoachning", "Personal coaching"],
                ServiceCategory::PersonalCoaching,
                None,
                None,
                "0",
            ),
            (["Verstas", "Verkstad", "Workshop"], ServiceCategory::Workshop, None, Some(12), "1050.00"),
            (
                ["Oppisopimus", "Läroavtal", "Apprenticeship"],
                ServiceCategory::Apprenticeship,
                Some(0),
                None,
                "0",
            ),
        ],
    },
    Area {
        slug: "lahti",
        coaches: &[("coach-lahti", "Mikko Laine", &[Lang::Fi, Lang::En])],
        // Lahti organises the services alone; its neighbours form the
        // Päijät-Häme area.
        names: &[(Lang::Fi, "Lahden työllisyysalue"), (Lang::En, "Lahti employment area")],
        languages: &[Lang::Fi, Lang::En],
        partners: &[
            ("Salpaus", PartnerKind::VocationalSchool, &[Lang::Fi]),
            ("Lahden Diakonialaitos", PartnerKind::ThirdSector, &[Lang::Fi]),
        ],
        services: &[
            (
                ["Omavalmennus", "Egencoachning", "Personal coaching"],
                ServiceCategory::PersonalCoaching,
                None,
                None,
                "0",
            ),
            (
                ["Kierrätyspaja", "Återvinningsverkstad", "Recycling workshop"],
                ServiceCategory::Workshop,
                Some(1),
                Some(15),
                "900.00",
            ),
            (
                ["Palkkatuettu työ", "Lönesubventionerat arbete", "Pay-subsidised work"],
                ServiceCategory::PaySubsidisedEmployment,
                None,
                None,
                "0",
            ),
        ],
    },
    Area {
        slug: "hameenlinna",
        coaches: &[("coach-hameenlinna", "Liisa Mäkelä", &[Lang::Fi])],
        // TyöHäme: Hämeenlinna with Hattula and the Forssa region
        // (Janakkala belongs to Etelä-Häme).
        names: &[(Lang::Fi, "TyöHäme-työllisyysalue"), (Lang::En, "TyöHäme employment area (Hämeenlinna)")],
        languages: &[Lang::Fi, Lang::En],
        partners: &[("HAMK", PartnerKind::VocationalSchool, &[Lang::Fi, Lang::En])],
        services: &[
            (
                ["Omavalmennus", "Egencoachning", "Personal coaching"],
                ServiceCategory::PersonalCoaching,
                None,
                None,
                "0",
            ),
            (["Työkokeilu", "Arbetsprövning", "Work trial"], ServiceCategory::WorkTrial, None, None, "0"),
        ],
    },
];

/// Slugs of the demo areas.
pub fn demo_slugs() -> impl Iterator<Item = &'static str> {
    AREAS.iter().map(|a| a.slug)
}

/// Loads the demo areas that are not there yet. Returns the first partner
/// of each area (for ready-made partner tokens).
pub async fn seed_demo(
    store: &Store,
    vault: &HetuVault,
    localizer: &Arc<Localizer>,
) -> Result<Vec<(&'static str, Uuid)>, StoreError> {
    let platform = Actor::system(None, vec![Role::PlatformAdmin]);
    let mut out = Vec::new();
    for area in AREAS {
        let slug = Slug::parse(area.slug)?;
        let real = polku_store::employment_areas::find(area.slug)
            .ok_or_else(|| DomainError::new(ErrorCode::InvalidSlug).with_arg("value", area.slug))?;
        let mut tx = store.begin(&platform).await?;
        let existing =
            polku_store::tenants::list(&mut tx, PageRequest { first: 1000, after: None, with_total: false })
                .await?;
        if !existing.items.iter().any(|t| t.slug == slug) {
            let names = LocalizedText(area.names.iter().map(|(l, n)| (*l, n.to_string())).collect());
            polku_store::tenants::create(
                &mut tx,
                NewTenant {
                    slug: slug.clone(),
                    names,
                    region: real.region.clone(),
                    enabled_languages: area.languages.to_vec(),
                    default_language: area.languages[0],
                    caseload_limit: 60,
                    municipalities: real.municipalities.iter().map(|c| (*c, None)).collect(),
                },
            )
            .await?;
        }
        tx.commit().await?;

        let admin = Actor::system(Some(slug), vec![Role::TenantAdmin, Role::Manager]);
        let mut tx = store.begin(&admin).await?;
        let mut partners =
            polku_store::partners::list(&mut tx, PageRequest { first: 1000, after: None, with_total: false })
                .await?
                .items;
        if partners.is_empty() {
            for (name, kind, languages) in area.partners {
                let partner = polku_store::partners::create(
                    &mut tx,
                    PartnerInput {
                        name: name.to_string(),
                        kind: *kind,
                        business_id: None,
                        languages: languages.to_vec(),
                        contact_name: None,
                        contact_email: None,
                        contact_phone: None,
                        website: None,
                    },
                )
                .await?;
                partners.push(partner);
            }
            let enabled = area.languages;
            for ([fi, sv, en], category, provider, capacity, cost) in area.services {
                let names = LocalizedText(
                    [(Lang::Fi, fi), (Lang::Sv, sv), (Lang::En, en)]
                        .into_iter()
                        .filter(|(l, _)| enabled.contains(l))
                        .map(|(l, n)| (l, n.to_string()))
                        .collect(),
                );
                polku_store::services::create(
                    &mut tx,
                    ServiceInput {
                        names,
                        descriptions: LocalizedText::default(),
                        eligibility: LocalizedText::default(),
                        category: *category,
                        provider_id: provider.map(|i| partners[i].id),
                        languages: enabled.to_vec(),
                        capacity: *capacity,
                        cost_per_place_month: Euros::parse(cost)
                            .map_err(|_| DomainError::new(ErrorCode::InvalidAmount))?,
                        active_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
                        active_until: None,
                    },
                )
                .await?;
            }
        }
        if let Some(first) = partners.first() {
            out.push((area.slug, first.id));
        }
        if polku_store::staff::list(&mut tx, false).await?.is_empty() {
            for (subject, name, languages) in area.coaches {
                polku_store::staff::create(
                    &mut tx,
                    StaffInput {
                        subject: subject.to_string(),
                        name: name.to_string(),
                        email: Some(format!("{subject}@example.fi")),
                        phone: Some("+358 40 123 4567".to_string()),
                        is_coach: true,
                        languages: languages.to_vec(),
                    },
                )
                .await?;
            }
            // Porvoo starts with the TE office's sample transfer, spread over its coaches.
            if area.slug == "porvoo" {
                let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
                let options = ImportOptions {
                    transfer_date: today,
                    dry_run: false,
                    operator_lang: Lang::Fi,
                    file_name: Some("te-transfer-demo.csv".into()),
                    letter_date: today,
                };
                polku_import::import(
                    &mut tx,
                    vault,
                    localizer.clone(),
                    DEMO_TRANSFER.as_bytes(),
                    &options,
                    &mut |_| {},
                )
                .await
                .map_err(|e| match e {
                    polku_import::ImportError::Store(e) => e,
                    polku_import::ImportError::File { .. } | polku_import::ImportError::Reader(_) => {
                        DomainError::new(ErrorCode::InvalidTransferFile).into()
                    }
                })?;
                polku_store::customers::assign_automatically(&mut tx).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(out)
}

/// A demo week for Porvoo's coaches: a few appointments over the next
/// working days, booked through the one way in (so their invitations and
/// reminders go to the local SMTP server), unless the area has some
/// already. Times outside a coach's hours or on a holiday are skipped.
pub async fn seed_demo_appointments(
    store: &Store,
    localizer: &Arc<Localizer>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    use polku_domain::appointment::{MeetsObligation, Venue};
    use polku_domain::customer::MeetingType;
    use polku_store::appointments::{self, NewAppointment};

    let slug = Slug::parse("porvoo")?;
    let actor = Actor::system(Some(slug), vec![Role::Manager, Role::Coach]);
    let mut tx = store.begin(&actor).await?;
    if !polku_store::appointments::none_yet(&mut tx).await? {
        return Ok(0);
    }
    let customers = polku_store::caseload::of_area(&mut tx).await?;
    let zone = tx.require_tenant()?.time_zone.clone();
    let languages = tx.require_tenant()?.enabled_languages.clone();
    tx.commit().await?;
    let rules = polku_domain::neglect::NeglectRules::embedded();
    let mut booked = 0;
    let today = polku_domain::calendar::local_date(now, &zone);
    let kinds = [
        (MeetingType::JobSearchDiscussion, Some(MeetsObligation::JobSearchDiscussion)),
        (MeetingType::CoachingSession, None),
        (MeetingType::InitialInterview, Some(MeetsObligation::InitialInterview)),
    ];
    for ((i, c), offset) in
        customers.iter().filter(|c| c.coach_id.is_some()).take(12).enumerate().zip((0..5).cycle())
    {
        let Some(coach) = c.coach_id else { continue };
        let day = today + chrono::Duration::days(1 + offset);
        let (hour, minute) = [(9, 0), (10, 30), (13, 0)][i % 3];
        let Some(local) = day.and_hms_opt(hour, minute, 0) else { continue };
        let Some(starts_at) = polku_domain::calendar::from_local(local, &zone) else { continue };
        let (kind, meets) = kinds[i % kinds.len()];
        let language =
            if languages.contains(&c.service_language) { c.service_language } else { languages[0] };
        let new = NewAppointment {
            customer_id: c.id,
            coach_id: coach,
            kind,
            starts_at,
            minutes: 45,
            venue: if i % 4 == 3 {
                Venue::Phone
            } else {
                Venue::InPerson { place: "Rihkamakatu 4, Porvoo / Rihkamagatan 4, Borgå".into() }
            },
            language,
            send_by: None,
            meets,
            override_reason: None,
            summons: false,
        };
        let mut tx = store.begin(&actor).await?;
        match appointments::book(&mut tx, new, now, localizer.as_ref(), &rules).await {
            Ok(_) => {
                tx.commit().await?;
                booked += 1;
            }
            // A holiday, an hour outside the coach's week, a clash: the demo
            // skips it (the transaction is dropped, so rolled back).
            Err(StoreError::Domain(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(booked)
}
