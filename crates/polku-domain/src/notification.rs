//! Notifications (ilmoitus / avisering) for coaches and managers: what
//! happened that they should know of, and the daily digest that gathers the
//! unread ones into one e-mail to their work address. The database writes
//! most of them itself (see migration 0016); this module names their kinds
//! and what a digest says.

use chrono::NaiveDate;

use crate::budget::BudgetPurpose;
use crate::rules::ObligationKind;
use crate::Lang;

code_enum! {
    /// What a notification is about.
    NotificationKind {
        /// A customer was assigned to the coach by someone else.
        CustomerAssigned => "customer_assigned",
        /// A partner accepted a referral the staff member made.
        ReferralAccepted => "referral_accepted",
        ReferralDeclined => "referral_declined",
        /// A partner (or the area) interrupted it.
        ReferralInterrupted => "referral_interrupted",
        /// The customer confirmed an appointment.
        AppointmentConfirmed => "appointment_confirmed",
        /// The customer did not come.
        AppointmentMissed => "appointment_missed",
        /// An obligation of a customer of the coach's falls due soon.
        ObligationDue => "obligation_due",
        /// Commitments reached a warning threshold of an appropriation.
        BudgetThreshold => "budget_threshold",
        /// A manager committed past an appropriation, with a reason.
        BudgetOverridden => "budget_overridden",
        /// A partner reported a deviation on a referral the staff member made.
        PartnerDeviation => "partner_deviation",
        /// A partner filed the closing assessment of such a referral.
        ClosingAssessment => "closing_assessment",
    }
}

/// What a budget notification is about: codes and numbers, no person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetNote {
    pub year: i32,
    pub purpose: BudgetPurpose,
    /// The threshold crossed, percent of the appropriation.
    pub percent: Option<u32>,
}

impl BudgetNote {
    /// From a notification's stored detail (`year`, `purpose`, `percent`).
    pub fn from_detail(year: Option<i32>, purpose: Option<&str>, percent: Option<i32>) -> Option<BudgetNote> {
        Some(BudgetNote {
            year: year?,
            purpose: BudgetPurpose::from_code(purpose?)?,
            percent: percent.and_then(|p| u32::try_from(p).ok()),
        })
    }
}

/// The code an obligation is stored under in a notification.
pub fn obligation_code(kind: ObligationKind) -> &'static str {
    match kind {
        ObligationKind::InitialInterview => "initial_interview",
        ObligationKind::JobSearchDiscussion => "job_search_discussion",
        ObligationKind::SupplementaryDiscussion => "supplementary_discussion",
        ObligationKind::IntensiveDiscussion => "intensive_discussion",
        ObligationKind::PlanReview => "plan_review",
        ObligationKind::ActivationPlanReview => "activation_plan_review",
        ObligationKind::VacancyApplication => "vacancy_application",
    }
}

/// One line of a digest. The customer's name only: the digest goes to the
/// staff member's work mail, never an identity code or a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestItem {
    pub kind: NotificationKind,
    pub customer_name: Option<String>,
    /// For an obligation: its code (see [`obligation_code`]) and due day.
    pub obligation: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub budget: Option<BudgetNote>,
    /// For a deviation: its kind's code.
    pub deviation: Option<String>,
}

/// A staff member's daily digest, before it is put in words.
#[derive(Clone, Debug)]
pub struct Digest<'a> {
    pub language: Lang,
    pub staff_name: &'a str,
    pub area_name: &'a str,
    /// The day it is for, in the area's time.
    pub date: NaiveDate,
    pub items: &'a [DigestItem],
}
