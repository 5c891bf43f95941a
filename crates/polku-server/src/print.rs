//! Records as printed pages: the store's agreement with its parties, put
//! into the words of `polku_i18n::agreement`.

use polku_domain::partner_report::ConfirmedHow;
use polku_domain::Lang;
use polku_i18n::agreement::{AgreementPrint, Confirmed};
use polku_i18n::Localizer;
use polku_store::agreements::Printed;

/// The agreement in the customer's language and, if the partner works in
/// another, in the partner's too.
pub fn agreement_html(localizer: &Localizer, p: &Printed) -> String {
    let a = &p.agreement;
    let confirmed = |at: Option<chrono::DateTime<chrono::Utc>>, how: Option<&str>| {
        Some(Confirmed { at: at?, how: ConfirmedHow::from_code(how?)? })
    };
    let area_names: Vec<(Lang, String)> = p
        .area_names
        .iter()
        .filter_map(|(code, name)| Some((Lang::parse(code).ok()?, name.clone())))
        .collect();
    let customer_name =
        format!("{} {}", p.referral.customer_first_names.trim(), p.referral.customer_last_name.trim());
    let supervisor =
        [Some(a.supervisor_name.as_str()), a.supervisor_phone.as_deref(), a.supervisor_email.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
    AgreementPrint {
        kind: a.kind(),
        state: a.state(),
        customer_name: &customer_name,
        customer_lang: p.referral.customer_language,
        organiser_name: &p.organiser_name,
        organiser_business_id: p.organiser_business_id.as_deref(),
        organiser_lang: Lang::parse(&p.organiser_language).unwrap_or(Lang::Fi),
        area_names: &area_names,
        tasks: &a.tasks,
        place: &a.place,
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        days_per_week: a.days_per_week,
        hours_per_day: a.hours_per_day,
        supervisor: &supervisor,
        coach_contact: &a.coach_contact,
        insurance: a.insurance.as_deref(),
        subsidy_terms: a.subsidy_terms.as_deref(),
        renews: p.renews,
        partner: confirmed(a.partner_confirmed_at, a.partner_confirmed_how.as_deref()),
        customer: confirmed(a.customer_confirmed_at, a.customer_confirmed_how.as_deref()),
    }
    .render_html(localizer)
}
