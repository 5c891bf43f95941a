//! Customers (jobseekers) and their case: status, benefit, the customer
//! groups oversight counts, plans, meetings and the client-reported rating
//! scales, and how unassigned customers are spread over coaches.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contact::{Email, MotherTongue, PersonName, Phone, PostOffice, PostalCode, StreetAddress};
use crate::{DomainError, ErrorCode, Hetu, Lang, MunicipalityCode};

code_enum! {
    /// Where a customer stands; every change is kept in the status history.
    CustomerStatus {
        Active => "active",
        Employed => "employed",
        InEducation => "in_education",
        MovedAway => "moved_away",
        Closed => "closed",
    }
}

code_enum! {
    /// The unemployment benefit a customer receives.
    Benefit {
        /// Työmarkkinatuki (Kela).
        LabourMarketSubsidy => "labour_market_subsidy",
        /// Peruspäiväraha (Kela).
        BasicDailyAllowance => "basic_daily_allowance",
        /// Ansiopäiväraha (unemployment fund).
        EarningsRelatedAllowance => "earnings_related_allowance",
        None => "none",
    }
}

code_enum! {
    /// The groups oversight counts customers by.
    CustomerGroup {
        LabourMarketSubsidy => "labour_market_subsidy",
        BasicDailyAllowance => "basic_daily_allowance",
        EarningsRelatedAllowance => "earnings_related_allowance",
        InEmploymentPromotingService => "in_service",
        Under30 => "under_30",
        ForeignLanguageSpeaker => "foreign_language",
    }
}

code_enum! {
    PlanType {
        /// Työllistymissuunnitelma / sysselsättningsplan.
        EmploymentPlan => "employment_plan",
        /// Aktivointisuunnitelma / aktiveringsplan.
        ActivationPlan => "activation_plan",
        /// Kotoutumissuunnitelma / integrationsplan.
        IntegrationPlan => "integration_plan",
        /// Monialainen työllistymissuunnitelma / sektorsövergripande plan.
        MultiSectorPlan => "multi_sector_plan",
    }
}

code_enum! {
    /// Who carries out an agreed task.
    Responsible {
        Customer => "customer",
        Coach => "coach",
        Partner => "partner",
    }
}

code_enum! {
    MeetingType {
        /// Alkuhaastattelu / inledande intervju.
        InitialInterview => "initial_interview",
        /// Työnhakukeskustelu / jobbsökningssamtal.
        JobSearchDiscussion => "job_search_discussion",
        /// Täydentävä työnhakukeskustelu / kompletterande samtal.
        SupplementaryDiscussion => "supplementary_discussion",
        /// Kolmikantakeskustelu with an employer.
        TripartiteDiscussion => "tripartite_discussion",
        CoachingSession => "coaching_session",
    }
}

code_enum! {
    MeetingChannel {
        InPerson => "in_person",
        Phone => "phone",
        Video => "video",
    }
}

/// Mother tongues that do not make a customer a foreign-language speaker:
/// the national languages and Sámi.
const DOMESTIC_TONGUES: [&str; 3] = ["fi", "sv", "se"];

/// The groups a customer belongs to, derived from what is recorded.
pub fn customer_groups(
    benefit: Option<Benefit>,
    in_service: bool,
    birth_date: NaiveDate,
    mother_tongue: &str,
    on: NaiveDate,
) -> Vec<CustomerGroup> {
    let mut groups = Vec::new();
    match benefit {
        Some(Benefit::LabourMarketSubsidy) => groups.push(CustomerGroup::LabourMarketSubsidy),
        Some(Benefit::BasicDailyAllowance) => groups.push(CustomerGroup::BasicDailyAllowance),
        Some(Benefit::EarningsRelatedAllowance) => groups.push(CustomerGroup::EarningsRelatedAllowance),
        Some(Benefit::None) | None => {}
    }
    if in_service {
        groups.push(CustomerGroup::InEmploymentPromotingService);
    }
    if age_on(birth_date, on) < 30 {
        groups.push(CustomerGroup::Under30);
    }
    if !DOMESTIC_TONGUES.contains(&mother_tongue) {
        groups.push(CustomerGroup::ForeignLanguageSpeaker);
    }
    groups
}

/// How long a coach must have been the customer's personal coach before
/// they may see the identity code without giving a reason. Without it,
/// assigning oneself a customer and revealing at once would be a way to
/// look anyone up. A day covers the usual hand-over (a new customer is
/// assigned and met on different days); a coach who needs the code sooner
/// gives a reason, which is audited.
pub const REVEAL_MIN_ASSIGNMENT_HOURS: f64 = 24.0;

/// The longest reason a reveal may carry (the audit log keeps it).
pub const REVEAL_REASON_MAX: usize = 500;

/// Whether a reveal may go ahead, and the reason to record with it.
/// `own_coach_for` is how many hours the caller has been the customer's
/// coach, if they are. A manager, or the customer's coach assigned at
/// least [`REVEAL_MIN_ASSIGNMENT_HOURS`] ago, needs no reason; anyone else
/// of the case staff must give one (trimmed, 1 to 500 characters).
pub fn reveal_needs_reason(
    manager: bool,
    own_coach_for: Option<f64>,
    reason: Option<&str>,
) -> Result<Option<String>, DomainError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason {
        if r.chars().count() > REVEAL_REASON_MAX {
            return Err(DomainError::new(ErrorCode::TooLong).with_arg("max", REVEAL_REASON_MAX));
        }
        return Ok(Some(r.to_string()));
    }
    let settled_coach = own_coach_for.is_some_and(|h| h >= REVEAL_MIN_ASSIGNMENT_HOURS);
    if manager || settled_coach {
        Ok(None)
    } else {
        Err(DomainError::new(ErrorCode::RevealReasonRequired).with_arg("hours", REVEAL_MIN_ASSIGNMENT_HOURS))
    }
}

/// Full years from `birth` to `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    use chrono::Datelike;
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// A client-reported rating: four items of 0–10 each, total 0–40.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating([u8; 4]);

impl Rating {
    pub fn parse(items: &[i32]) -> Result<Rating, DomainError> {
        if items.len() != 4 {
            return Err(DomainError::new(ErrorCode::OutOfRange).with_arg("min", 4).with_arg("max", 4));
        }
        let mut out = [0u8; 4];
        for (i, v) in items.iter().enumerate() {
            if !(0..=10).contains(v) {
                return Err(DomainError::field(ErrorCode::OutOfRange, format!("[{i}]"))
                    .with_arg("min", 0)
                    .with_arg("max", 10));
            }
            out[i] = u8::try_from(*v).unwrap_or(0);
        }
        Ok(Rating(out))
    }

    pub fn items(&self) -> [u8; 4] {
        self.0
    }

    pub fn total(&self) -> u8 {
        self.0.iter().sum()
    }

    /// ORS: 25 and below is the clinical range.
    pub fn ors_clinical(&self) -> bool {
        self.total() <= 25
    }

    /// SRS: below 36 flags the working relationship for attention.
    pub fn srs_flagged(&self) -> bool {
        self.total() < 36
    }
}

/// A coach as the distribution sees them.
#[derive(Clone, Debug)]
pub struct CoachLoad {
    pub id: uuid::Uuid,
    pub languages: Vec<Lang>,
    pub caseload: u32,
}

/// Spreads customers (id, service language) over coaches who work in that
/// language, always to the least loaded one, never past `limit`. Customers
/// whose language fewer coaches speak go first, so a Finnish speaker does
/// not take the last place of the only Swedish-speaking coach. Customers no
/// coach can take stay unassigned and are returned apart.
pub fn distribute(
    customers: &[(uuid::Uuid, Lang)],
    coaches: &[CoachLoad],
    limit: u32,
) -> (Vec<(uuid::Uuid, uuid::Uuid)>, Vec<uuid::Uuid>) {
    let mut loads: Vec<CoachLoad> = coaches.to_vec();
    let mut assigned = Vec::new();
    let mut left = Vec::new();
    let speakers = |lang: &Lang| coaches.iter().filter(|c| c.languages.contains(lang)).count();
    let mut order: Vec<&(uuid::Uuid, Lang)> = customers.iter().collect();
    order.sort_by_key(|(_, lang)| speakers(lang));
    for (customer, lang) in order {
        let best = loads
            .iter_mut()
            .filter(|c| c.languages.contains(lang) && c.caseload < limit)
            .min_by_key(|c| (c.caseload, c.languages.len(), c.id));
        match best {
            Some(coach) => {
                coach.caseload += 1;
                assigned.push((*customer, coach.id));
            }
            None => left.push(*customer),
        }
    }
    (assigned, left)
}

/// A customer about to be recorded: the only way a customer record is made,
/// by the API, the transfer import and the tests alike. Every field is a
/// parsed domain value, so a record cannot hold a made-up language code or a
/// name with a line break, whichever way it came in. Adding a field means
/// adding it here (with its type), in the migration, the store's statement
/// and the GraphQL input; the compiler then names every other place.
///
/// `Debug` shows no personal data: the identity code shows its birth-date
/// part, and every text field redacts itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCustomer {
    pub hetu: Hetu,
    pub last_name: PersonName,
    pub first_names: PersonName,
    pub mother_tongue: MotherTongue,
    pub service_language: Lang,
    pub home_municipality: MunicipalityCode,
    pub street_address: Option<StreetAddress>,
    pub postal_code: Option<PostalCode>,
    pub post_office: Option<PostOffice>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub benefit: Option<Benefit>,
    pub in_service: bool,
    pub unemployed_since: Option<NaiveDate>,
    pub job_search_started_on: Option<NaiveDate>,
}

/// A change to a customer's contact details and language: `None` keeps the
/// value, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct ContactChange {
    pub street_address: Option<Option<StreetAddress>>,
    pub postal_code: Option<Option<PostalCode>>,
    pub post_office: Option<Option<PostOffice>>,
    pub phone: Option<Option<Phone>>,
    pub email: Option<Option<Email>>,
    pub service_language: Option<Lang>,
    pub job_search_started_on: Option<Option<NaiveDate>>,
}

/// The service language of someone who did not choose one: Finnish or
/// Swedish for a Finnish or Swedish speaker, whatever the area's default
/// (every bilingual area serves both), and the area's default language for
/// anyone else.
pub fn service_language_for(mother_tongue: &MotherTongue, area_default: Lang) -> Lang {
    match mother_tongue.as_str() {
        "fi" => Lang::Fi,
        "sv" => Lang::Sv,
        _ => area_default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reveal_needs_a_reason_unless_by_a_manager_or_a_settled_coach() {
        assert_eq!(reveal_needs_reason(true, None, None), Ok(None));
        assert_eq!(reveal_needs_reason(false, Some(30.0), None), Ok(None));
        let fresh = reveal_needs_reason(false, Some(0.01), None).unwrap_err();
        assert_eq!(fresh.code, ErrorCode::RevealReasonRequired);
        assert_eq!(
            reveal_needs_reason(false, None, Some("  ")).unwrap_err().code,
            ErrorCode::RevealReasonRequired
        );
        assert_eq!(
            reveal_needs_reason(false, None, Some(" Kela asked by phone ")),
            Ok(Some("Kela asked by phone".into()))
        );
        let long = "x".repeat(REVEAL_REASON_MAX + 1);
        assert_eq!(reveal_needs_reason(true, None, Some(&long)).unwrap_err().code, ErrorCode::TooLong);
    }
    use uuid::Uuid;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn groups_are_derived() {
        let g =
            customer_groups(Some(Benefit::LabourMarketSubsidy), true, d(2000, 6, 1), "so", d(2026, 5, 31));
        assert_eq!(
            g,
            vec![
                CustomerGroup::LabourMarketSubsidy,
                CustomerGroup::InEmploymentPromotingService,
                CustomerGroup::Under30,
                CustomerGroup::ForeignLanguageSpeaker
            ]
        );
        let g = customer_groups(None, false, d(1990, 1, 1), "se", d(2026, 1, 1));
        assert!(g.is_empty(), "Sámi speakers are not foreign-language speakers");
        assert_eq!(age_on(d(1996, 6, 1), d(2026, 6, 1)), 30);
        assert_eq!(age_on(d(1996, 6, 2), d(2026, 6, 1)), 29);
    }

    #[test]
    fn ratings_are_four_items_of_zero_to_ten() {
        let r = Rating::parse(&[5, 6, 7, 7]).unwrap();
        assert_eq!(r.total(), 25);
        assert!(r.ors_clinical());
        assert!(Rating::parse(&[10, 10, 10, 5]).unwrap().srs_flagged());
        assert_eq!(Rating::parse(&[1, 2, 11, 0]).unwrap_err().field.as_deref(), Some("[2]"));
        assert!(Rating::parse(&[1, 2, 3]).is_err());
        assert!(Rating::parse(&[-1, 2, 3, 4]).is_err());
    }

    #[test]
    fn distribution_follows_language_and_load_and_respects_the_limit() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let coaches = vec![
            CoachLoad { id: a, languages: vec![Lang::Fi, Lang::Sv], caseload: 2 },
            CoachLoad { id: b, languages: vec![Lang::Fi], caseload: 0 },
        ];
        let customers: Vec<(Uuid, Lang)> = (10..16)
            .map(|i| (Uuid::from_u128(i), if i % 3 == 0 { Lang::Sv } else { Lang::Fi }))
            .chain([(Uuid::from_u128(99), Lang::En)])
            .collect();
        let (assigned, left) = distribute(&customers, &coaches, 4);
        assert_eq!(left, vec![Uuid::from_u128(99)], "nobody works in English");
        assert_eq!(assigned.len(), 6, "every Finnish and Swedish speaker fits");
        for (customer, coach) in &assigned {
            let lang = customers.iter().find(|(c, _)| c == customer).unwrap().1;
            if lang == Lang::Sv {
                assert_eq!(*coach, a);
            }
        }
        let to_a = assigned.iter().filter(|(_, c)| *c == a).count();
        let to_b = assigned.iter().filter(|(_, c)| *c == b).count();
        assert!(to_a <= 2 && to_b <= 4, "limit exceeded: {to_a} {to_b}");
    }
}
