//! What a partner reports back on a referral it runs (raportointi /
//! rapportering): attendance by day or hours by week, deviations at once,
//! the closing assessment, and the tripartite agreement (kolmikantasopimus
//! / trepartsavtal) of a work trial, a pay-subsidised job or a placement.
//! The checks here are the one way in for the API, the generator and the
//! benchmarks alike.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::catalogue::ServiceCategory;
use crate::path::{PathRules, PathVersion};
use crate::{DomainError, ErrorCode};

code_enum! {
    /// How a service's attendance is reported.
    AttendanceUnit {
        /// One report a day.
        Day => "day",
        /// Hours for a week, reported on its Monday.
        Week => "week",
    }
}

code_enum! {
    AttendanceStatus {
        Present => "present",
        AbsentSick => "absent_sick",
        /// Absent by agreement (a day off agreed with the organiser).
        AbsentAgreed => "absent_agreed",
        AbsentUnexplained => "absent_unexplained",
    }
}

code_enum! {
    DeviationKind {
        /// Absent without explanation for the service's number of days in a row.
        UnexplainedAbsence => "unexplained_absence",
        /// The customer says they want to stop.
        WantsToStop => "wants_to_stop",
        /// A concern for the customer's or others' safety or health.
        SafetyConcern => "safety_concern",
        /// The placement ends before its planned end.
        EndsEarly => "ends_early",
    }
}

code_enum! {
    /// What a deviation may become for the coach to decide.
    Matter {
        /// A possible neglect of the jobseeker's obligations
        /// (työttömyysturvalaki 2 a luku 4 §: failing to take part in a
        /// service of the plan).
        Neglect => "neglect",
        /// A possible labour-policy matter (työttömyysturvalaki 2 a luku
        /// 5 §: refusing or interrupting an employment-promoting service).
        LabourPolicy => "labour_policy",
    }
}

code_enum! {
    /// The coach's decision on a deviation; Polku records it, never makes it.
    DeviationDecision {
        NoAction => "no_action",
        /// A neglect or labour-policy matter was opened (in the national system).
        MatterOpened => "matter_opened",
        ServiceContinues => "service_continues",
        ServiceEnded => "service_ended",
    }
}

impl DeviationKind {
    /// The matter the rules make of a deviation, if any. Our reading of
    /// työttömyysturvalaki 2 a luku 4–5 §: absences without explanation may
    /// be a neglect of the plan, leaving the service may be a labour-policy
    /// matter; a safety concern is neither. The coach decides in each case.
    pub fn matter(self) -> Option<Matter> {
        match self {
            DeviationKind::UnexplainedAbsence => Some(Matter::Neglect),
            DeviationKind::WantsToStop | DeviationKind::EndsEarly => Some(Matter::LabourPolicy),
            DeviationKind::SafetyConcern => None,
        }
    }
}

code_enum! {
    /// The customer's work ability as the organiser observed it.
    WorkAbility {
        Full => "full",
        Partial => "partial",
        Limited => "limited",
        NotObserved => "not_observed",
    }
}

code_enum! {
    /// The next step on the path the organiser recommends.
    NextStep {
        OpenMarket => "open_market",
        PaySubsidisedWork => "pay_subsidised_work",
        WorkTrial => "work_trial",
        Education => "education",
        RehabilitativeWork => "rehabilitative_work",
        ContinueCoaching => "continue_coaching",
        HealthServices => "health_services",
        Other => "other",
    }
}

code_enum! {
    AgreementKind {
        WorkTrial => "work_trial",
        PaySubsidisedJob => "pay_subsidised_job",
        EmployerPlacement => "employer_placement",
    }
}

code_enum! {
    AgreementState {
        /// Drafted by the coach; waiting for the partner's and the customer's confirmation.
        Draft => "draft",
        /// Confirmed by both.
        InForce => "in_force",
        /// Closed with the closing assessment.
        Closed => "closed",
        /// A draft the area withdrew; it counts for nothing.
        Withdrawn => "withdrawn",
    }
}

code_enum! {
    /// How a party confirmed an agreement.
    ConfirmedHow {
        /// In Polku, by the partner's own credentials.
        Electronic => "electronic",
        Signature => "signature",
        StrongIdentification => "strong_identification",
        InPerson => "in_person",
        Phone => "phone",
    }
}

code_enum! {
    /// A party that confirms an agreement besides the area, which drafts it.
    Party {
        Partner => "partner",
        Customer => "customer",
    }
}

/// The most hours a day and a week an agreement allows: what attendance
/// reported on its referral is checked against.
pub fn agreement_hours(days_per_week: u8, hours_per_day: f64) -> (f64, f64) {
    (hours_per_day, hours_per_day * f64::from(days_per_week))
}

/// A required free text of a report or an agreement: trimmed, at most
/// `max` characters.
pub fn text<'a>(value: &'a str, field: &str, max: usize) -> Result<&'a str, DomainError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, field));
    }
    if value.chars().count() > max {
        return Err(DomainError::field(ErrorCode::TooLong, field).with_arg("max", max));
    }
    Ok(value)
}

/// An optional free text: blank is none, anything else as [`text`].
pub fn optional_text(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>, DomainError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => text(v, field, max).map(|v| Some(v.to_string())),
        None => Ok(None),
    }
}

/// A question of a closing assessment's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    pub code: &'static str,
    pub answer: Answer,
}

/// The kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    YesNo,
    /// 1 (weak) to 5 (strong).
    Scale,
    Text,
}

const fn q(code: &'static str, answer: Answer) -> Question {
    Question { code, answer }
}

const WORK_TRIAL: &[Question] = &[
    q("suits_the_field", Answer::YesNo),
    q("tasks_managed", Answer::Scale),
    q("punctuality", Answer::Scale),
    q("skills_shown", Answer::Text),
];
const EMPLOYMENT: &[Question] = &[
    q("employer_would_hire", Answer::YesNo),
    q("tasks_managed", Answer::Scale),
    q("skills_shown", Answer::Text),
];
const REHABILITATIVE: &[Question] = &[
    q("daily_routine", Answer::Scale),
    q("social_functioning", Answer::Scale),
    q("needs_health_assessment", Answer::YesNo),
];
const TRAINING: &[Question] = &[q("completed", Answer::YesNo), q("skills_shown", Answer::Text)];
const OTHER: &[Question] = &[q("skills_shown", Answer::Text)];

/// The questions of the closing assessment of a service kind, beyond what
/// every assessment has (what was done, work ability, next step). Every
/// question must be answered.
pub fn form(category: ServiceCategory) -> &'static [Question] {
    match category {
        ServiceCategory::WorkTrial => WORK_TRIAL,
        ServiceCategory::PaySubsidisedEmployment | ServiceCategory::Apprenticeship => EMPLOYMENT,
        ServiceCategory::RehabilitativeWork => REHABILITATIVE,
        ServiceCategory::Training | ServiceCategory::SkillsDemonstration => TRAINING,
        ServiceCategory::PersonalCoaching
        | ServiceCategory::Workshop
        | ServiceCategory::EmploymentGrant
        | ServiceCategory::Other => OTHER,
    }
}

/// An answer as given.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// Checks the answers of a closing assessment against its form: every
/// question answered in its kind, no other. `field` is the answers' input
/// name, e.g. `input.answers`.
pub fn check_answers(
    category: ServiceCategory,
    answers: &[(String, Given)],
    field: &str,
) -> Result<(), DomainError> {
    let questions = form(category);
    for (key, _) in answers {
        if !questions.iter().any(|q| q.code == key) {
            return Err(DomainError::field(ErrorCode::UnknownQuestion, format!("{field}.{key}"))
                .with_arg("value", key));
        }
    }
    for question in questions {
        let at = format!("{field}.{}", question.code);
        let value = answers
            .iter()
            .find(|(k, _)| k == question.code)
            .map(|(_, v)| v)
            .ok_or_else(|| DomainError::field(ErrorCode::Required, &at))?;
        let fits = match (question.answer, value) {
            (Answer::YesNo, Given::Bool(_)) => true,
            (Answer::Scale, Given::Number(v)) => [1.0, 2.0, 3.0, 4.0, 5.0].contains(v),
            (Answer::Text, Given::Text(s)) => (1..=4000).contains(&s.trim().chars().count()),
            _ => false,
        };
        if !fits {
            return Err(DomainError::field(ErrorCode::InvalidAnswer, at).with_arg("value", question.code));
        }
    }
    Ok(())
}

/// One attendance entry as reported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    pub on: NaiveDate,
    pub status: AttendanceStatus,
    /// Hours present: required by the week, optional by the day.
    pub hours: Option<f64>,
}

/// What an entry is checked against: the referral's days, the service's
/// unit and the most hours a day and a week its agreement allows (without
/// one, regular working time in the path's rules of the entry's day).
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub started_on: NaiveDate,
    /// The referral's end, if it has ended.
    pub ended_on: Option<NaiveDate>,
    pub unit: AttendanceUnit,
    pub agreed_hours: Option<(f64, f64)>,
    pub today: NaiveDate,
}

/// Regular working time in the rules in force on `on`: the most hours a
/// day and a week where no agreement says less.
pub fn regular_hours(rules: &PathRules, on: NaiveDate, today: NaiveDate) -> Result<(f64, f64), DomainError> {
    let v = rules.in_force(on, today)?;
    Ok((f64::from(v.regular_hours_per_day), f64::from(v.regular_hours_per_week)))
}

/// The hours a week's report counts as one day attended in use and the
/// figures: a counting convention (a regular working day), not a limit.
pub const COUNTED_DAY_HOURS: f64 = 8.0;

/// Checks one entry; the refusals name `field` (e.g. `entries[3]`) and its part.
pub fn check_entry(e: &Entry, w: &Window, rules: &PathRules, field: &str) -> Result<(), DomainError> {
    let on = |part: &str| format!("{field}.{part}");
    let last = w.ended_on.map_or(w.today, |end| end.min(w.today));
    let (from, to) = match w.unit {
        AttendanceUnit::Day => (e.on, e.on),
        AttendanceUnit::Week => {
            if e.on.weekday() != Weekday::Mon {
                return Err(
                    DomainError::field(ErrorCode::AttendanceWeekStart, on("day")).with_arg("value", e.on)
                );
            }
            (e.on, e.on + chrono::Duration::days(6))
        }
    };
    // A week counts if any of its days is within the referral.
    if to < w.started_on || from > last {
        return Err(DomainError::field(ErrorCode::AttendanceOutsideReferral, on("day"))
            .with_arg("value", e.on)
            .with_arg("from", w.started_on)
            .with_arg("to", last));
    }
    let hours = e.hours.unwrap_or(0.0);
    if !(0.0..=168.0).contains(&hours) || !hours.is_finite() {
        return Err(DomainError::field(ErrorCode::OutOfRange, on("hours"))
            .with_arg("min", 0)
            .with_arg("max", 168));
    }
    let (per_day, per_week) = match w.agreed_hours {
        Some(agreed) => agreed,
        None => regular_hours(rules, e.on, w.today).map_err(|e| e.at(&on("day")))?,
    };
    let max = match w.unit {
        AttendanceUnit::Day => per_day,
        AttendanceUnit::Week => per_week,
    };
    if hours > max {
        return Err(DomainError::field(ErrorCode::AttendanceHoursOver, on("hours"))
            .with_arg("value", hours)
            .with_arg("max", max));
    }
    if w.unit == AttendanceUnit::Week && e.hours.is_none() && e.status == AttendanceStatus::Present {
        return Err(DomainError::field(ErrorCode::Required, on("hours")));
    }
    if e.status != AttendanceStatus::Present && hours > 0.0 && w.unit == AttendanceUnit::Day {
        return Err(DomainError::field(ErrorCode::AttendanceHoursOver, on("hours"))
            .with_arg("value", hours)
            .with_arg("max", 0));
    }
    Ok(())
}

/// The first days of every run of at least `n` unexplained absences in a
/// row among the reported days (in day order; days not reported, such as
/// weekends, do not break a run): what raises a deviation by itself.
pub fn unexplained_runs(days: &[(NaiveDate, AttendanceStatus)], n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut run: Option<(NaiveDate, usize)> = None;
    for (day, status) in days {
        run = match (run, *status == AttendanceStatus::AbsentUnexplained) {
            (_, false) => None,
            (None, true) => Some((*day, 1)),
            (Some((first, k)), true) => Some((first, k + 1)),
        };
        if let Some((first, k)) = run {
            if k == n.max(1) {
                out.push(first);
            }
        }
    }
    out
}

/// Checks an agreement's own terms against the rules in force on its start
/// (`limits`): its dates and its working time. Fields
/// are relative to the agreement's input (`endsOn`, `hoursPerDay`…). (The
/// path's limits for a work trial are checked with the customer's other
/// episodes in `path::check`.)
pub fn check_terms(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    days_per_week: u8,
    hours_per_day: f64,
    limits: &PathVersion,
) -> Result<(), DomainError> {
    if ends_on < starts_on {
        return Err(DomainError::field(ErrorCode::InvalidDateRange, "endsOn"));
    }
    if !(1..=7).contains(&days_per_week) {
        return Err(DomainError::field(ErrorCode::OutOfRange, "daysPerWeek")
            .with_arg("min", 1)
            .with_arg("max", 7));
    }
    // Regular working time bounds every agreement; a work trial's own,
    // narrower limits are the path's.
    if !(hours_per_day > 0.0 && hours_per_day <= f64::from(limits.regular_hours_per_day)) {
        return Err(DomainError::field(ErrorCode::OutOfRange, "hoursPerDay")
            .with_arg("min", 0)
            .with_arg("max", limits.regular_hours_per_day));
    }
    let week = agreement_hours(days_per_week, hours_per_day).1;
    if week > f64::from(limits.regular_hours_per_week) {
        return Err(DomainError::field(ErrorCode::AttendanceHoursOver, "hoursPerDay")
            .with_arg("value", week)
            .with_arg("max", limits.regular_hours_per_week));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> PathRules {
        PathRules::embedded()
    }

    fn window(unit: AttendanceUnit) -> Window {
        Window {
            started_on: d(2026, 11, 2),
            ended_on: None,
            unit,
            agreed_hours: Some((6.0, 25.0)),
            today: d(2026, 11, 30),
        }
    }

    #[test]
    fn a_day_outside_the_referral_or_in_the_future_is_refused() {
        let w = window(AttendanceUnit::Day);
        let entry = |on| Entry { on, status: AttendanceStatus::Present, hours: Some(5.0) };
        assert!(check_entry(&entry(d(2026, 11, 2)), &w, &rules(), "entries[0]").is_ok());
        let e = check_entry(&entry(d(2026, 11, 1)), &w, &rules(), "entries[0]").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::AttendanceOutsideReferral, Some("entries[0].day"))
        );
        let e = check_entry(&entry(d(2026, 12, 1)), &w, &rules(), "entries[1]").unwrap_err();
        assert_eq!(e.code, ErrorCode::AttendanceOutsideReferral);
    }

    #[test]
    fn hours_past_the_agreement_are_refused() {
        let e = check_entry(
            &Entry { on: d(2026, 11, 3), status: AttendanceStatus::Present, hours: Some(7.0) },
            &window(AttendanceUnit::Day),
            &rules(),
            "entries[2]",
        )
        .unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::AttendanceHoursOver, Some("entries[2].hours")));
        // Without an agreement, regular working time in the path's rules.
        let law = Window { agreed_hours: None, ..window(AttendanceUnit::Day) };
        let nine = Entry { on: d(2026, 11, 3), status: AttendanceStatus::Present, hours: Some(9.0) };
        let e = check_entry(&nine, &law, &rules(), "e").unwrap_err();
        assert_eq!(
            (e.code, e.args.iter().find(|(k, _)| *k == "max").map(|(_, v)| v.as_str())),
            (ErrorCode::AttendanceHoursOver, Some("8"))
        );
        let w = window(AttendanceUnit::Week);
        let ok = Entry { on: d(2026, 11, 9), status: AttendanceStatus::Present, hours: Some(25.0) };
        assert!(check_entry(&ok, &w, &rules(), "e").is_ok());
        let tuesday = Entry { on: d(2026, 11, 10), ..ok };
        assert_eq!(
            check_entry(&tuesday, &w, &rules(), "e").unwrap_err().code,
            ErrorCode::AttendanceWeekStart
        );
    }

    #[test]
    fn the_rules_make_absences_a_neglect_and_leaving_a_labour_policy_matter() {
        assert_eq!(DeviationKind::UnexplainedAbsence.matter(), Some(Matter::Neglect));
        assert_eq!(DeviationKind::WantsToStop.matter(), Some(Matter::LabourPolicy));
        assert_eq!(DeviationKind::SafetyConcern.matter(), None);
        use AttendanceStatus::*;
        let days = [
            (d(2026, 11, 2), AbsentUnexplained),
            (d(2026, 11, 3), Present),
            (d(2026, 11, 4), AbsentUnexplained),
            (d(2026, 11, 5), AbsentUnexplained),
            (d(2026, 11, 6), AbsentUnexplained),
            (d(2026, 11, 9), Present),
        ];
        assert_eq!(unexplained_runs(&days, 3), [d(2026, 11, 4)]);
        assert_eq!(unexplained_runs(&days, 4), Vec::<NaiveDate>::new());
    }

    #[test]
    fn every_question_of_the_form_is_answered_in_its_kind() {
        let good = vec![
            ("suits_the_field".to_string(), Given::Bool(true)),
            ("tasks_managed".to_string(), Given::Number(4.0)),
            ("punctuality".to_string(), Given::Number(5.0)),
            ("skills_shown".to_string(), Given::Text("Asiakaspalvelu".into())),
        ];
        assert!(check_answers(ServiceCategory::WorkTrial, &good, "input.answers").is_ok());
        let mut bad = good.clone();
        bad[1].1 = Given::Number(9.0);
        let e = check_answers(ServiceCategory::WorkTrial, &bad, "input.answers").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidAnswer, Some("input.answers.tasks_managed"))
        );
        let mut missing = good;
        missing.remove(2);
        let e = check_answers(ServiceCategory::WorkTrial, &missing, "input.answers").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("input.answers.punctuality"));
    }
}
