//! The printed tripartite agreement: one A4 HTML document with the
//! agreement in the customer's language and, when the partner works in
//! another, again in the partner's, each copy on its own pages. The
//! wording lives in `i18n/<locale>/letters.ftl` under `agreement-`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use polku_domain::partner_report::{AgreementKind, AgreementState, ConfirmedHow};
use polku_domain::Lang;

use crate::letters::escape_html;
use crate::Localizer;

/// Every message id the agreement uses; the tests check each exists in every locale.
pub const IDS: &[&str] = &[
    "agreement-title",
    "agreement-kind-work_trial",
    "agreement-kind-pay_subsidised_job",
    "agreement-kind-employer_placement",
    "agreement-parties",
    "agreement-customer",
    "agreement-organiser",
    "agreement-area",
    "agreement-terms",
    "agreement-tasks",
    "agreement-place",
    "agreement-period",
    "agreement-working-time",
    "agreement-working-time-value",
    "agreement-supervisor",
    "agreement-coach",
    "agreement-insurance",
    "agreement-subsidy-terms",
    "agreement-none",
    "agreement-renews",
    "agreement-confirmations",
    "agreement-confirmed",
    "agreement-not-confirmed",
    "agreement-state-draft",
    "agreement-state-in_force",
    "agreement-state-closed",
    "agreement-state-withdrawn",
    "agreement-how-electronic",
    "agreement-how-signature",
    "agreement-how-strong_identification",
    "agreement-how-in_person",
    "agreement-how-phone",
    "agreement-signatures",
    "agreement-copy",
];

/// A confirmation as printed.
#[derive(Clone, Copy)]
pub struct Confirmed {
    pub at: DateTime<Utc>,
    pub how: ConfirmedHow,
}

/// One agreement as printed. Deliberately not `Debug`: it holds personal data.
pub struct AgreementPrint<'a> {
    pub kind: AgreementKind,
    pub state: AgreementState,
    pub customer_name: &'a str,
    pub customer_lang: Lang,
    pub organiser_name: &'a str,
    pub organiser_business_id: Option<&'a str>,
    /// The partner's working language.
    pub organiser_lang: Lang,
    /// The area's name by language; the first serves a language without one.
    pub area_names: &'a [(Lang, String)],
    pub tasks: &'a str,
    pub place: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub days_per_week: i16,
    pub hours_per_day: f64,
    pub supervisor: &'a str,
    pub coach_contact: &'a str,
    pub insurance: Option<&'a str>,
    pub subsidy_terms: Option<&'a str>,
    /// The first agreement's dates, when this one renews it.
    pub renews: Option<(NaiveDate, NaiveDate)>,
    pub partner: Option<Confirmed>,
    pub customer: Option<Confirmed>,
}

const STYLE: &str = r#"
@page { size: A4; margin: 20mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 10.5pt; line-height: 1.4; color: #000; }
.copy { width: 170mm; }
.copy + .copy { break-before: page; page-break-before: always; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
.state { margin: 0 0 6mm; font-weight: bold; }
h2 { font-size: 11pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
dl { display: grid; grid-template-columns: 45mm 1fr; gap: 1.5mm 4mm; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; white-space: pre-wrap; }
.signatures { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 6mm; margin-top: 14mm; break-inside: avoid; page-break-inside: avoid; }
.signatures p { border-top: 0.3mm solid #000; padding-top: 1mm; margin: 0; }
@media screen { body { background: #e5e5e5; } .copy { width: 210mm; margin: 10mm auto; padding: 20mm; background: #fff; } }
"#;

fn date(d: NaiveDate) -> String {
    format!("{}.{}.{}", d.day(), d.month(), d.year())
}

fn hours(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl AgreementPrint<'_> {
    /// The languages it is printed in: the customer's, then the partner's if another.
    pub fn languages(&self) -> Vec<Lang> {
        let mut langs = vec![self.customer_lang];
        if self.organiser_lang != self.customer_lang {
            langs.push(self.organiser_lang);
        }
        langs
    }

    /// The whole document: a self-contained HTML page, every value escaped.
    pub fn render_html(&self, localizer: &Localizer) -> String {
        let langs = self.languages();
        let first = langs[0];
        let mut html = String::with_capacity(8 * 1024);
        html.push_str("<!DOCTYPE html>\n");
        html.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", first.code()));
        let title = escape_html(&localizer.message(first, "agreement-title", &[]));
        html.push_str(&format!("<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"));
        for lang in langs {
            self.copy(localizer, lang, &mut html);
        }
        html.push_str("</body>\n</html>\n");
        html
    }

    fn copy(&self, localizer: &Localizer, lang: Lang, html: &mut String) {
        let t = |id: &str, args: &[(&str, String)]| {
            debug_assert!(IDS.contains(&id), "{id} is not listed in IDS");
            escape_html(&localizer.message(lang, id, args))
        };
        let e = escape_html;
        html.push_str(&format!("<section class=\"copy\" lang=\"{}\">\n", lang.code()));
        html.push_str(&format!(
            "<h1>{}: {}</h1>\n",
            t("agreement-title", &[]),
            t(&format!("agreement-kind-{}", self.kind.code()), &[])
        ));
        html.push_str(&format!(
            "<p class=\"state\">{} · {}</p>\n",
            t(&format!("agreement-state-{}", self.state.code()), &[]),
            t("agreement-copy", &[("language", lang.code().to_string())])
        ));
        if let Some((from, to)) = self.renews {
            html.push_str(&format!(
                "<p>{}</p>\n",
                t("agreement-renews", &[("from", date(from)), ("to", date(to))])
            ));
        }
        let row = |html: &mut String, label: String, value: String| {
            html.push_str(&format!("<dt>{label}</dt><dd>{value}</dd>\n"));
        };
        html.push_str(&format!("<h2>{}</h2>\n<dl>\n", t("agreement-parties", &[])));
        row(html, t("agreement-customer", &[]), e(self.customer_name));
        let organiser = match self.organiser_business_id {
            Some(id) => format!("{} ({})", e(self.organiser_name), e(id)),
            None => e(self.organiser_name),
        };
        row(html, t("agreement-organiser", &[]), organiser);
        let area = self.area_names.iter().find(|(l, _)| *l == lang).or(self.area_names.first());
        row(html, t("agreement-area", &[]), e(area.map_or("", |(_, name)| name.as_str())));
        html.push_str("</dl>\n");

        html.push_str(&format!("<h2>{}</h2>\n<dl>\n", t("agreement-terms", &[])));
        row(html, t("agreement-tasks", &[]), e(self.tasks));
        row(html, t("agreement-place", &[]), e(self.place));
        row(html, t("agreement-period", &[]), format!("{} – {}", date(self.starts_on), date(self.ends_on)));
        row(
            html,
            t("agreement-working-time", &[]),
            t(
                "agreement-working-time-value",
                &[("days", self.days_per_week.to_string()), ("hours", hours(self.hours_per_day))],
            ),
        );
        row(html, t("agreement-supervisor", &[]), e(self.supervisor));
        row(html, t("agreement-coach", &[]), e(self.coach_contact));
        let or_none = |v: Option<&str>| v.map_or_else(|| t("agreement-none", &[]), e);
        row(html, t("agreement-insurance", &[]), or_none(self.insurance));
        row(html, t("agreement-subsidy-terms", &[]), or_none(self.subsidy_terms));
        html.push_str("</dl>\n");

        html.push_str(&format!("<h2>{}</h2>\n<dl>\n", t("agreement-confirmations", &[])));
        for (label, confirmed) in
            [(t("agreement-organiser", &[]), self.partner), (t("agreement-customer", &[]), self.customer)]
        {
            let value = match confirmed {
                Some(c) => t(
                    "agreement-confirmed",
                    &[
                        ("date", date(c.at.date_naive())),
                        ("how", localizer.message(lang, &format!("agreement-how-{}", c.how.code()), &[])),
                    ],
                ),
                None => t("agreement-not-confirmed", &[]),
            };
            row(html, label, value);
        }
        html.push_str("</dl>\n");
        html.push_str(&format!("<h2>{}</h2>\n<div class=\"signatures\">\n", t("agreement-signatures", &[])));
        for id in ["agreement-customer", "agreement-organiser", "agreement-area"] {
            html.push_str(&format!("<p>{}</p>\n", t(id, &[])));
        }
        html.push_str("</div>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(customer: Lang, partner: Lang) -> AgreementPrint<'static> {
        AgreementPrint {
            kind: AgreementKind::WorkTrial,
            state: AgreementState::InForce,
            customer_name: "Anna <Berg>",
            customer_lang: customer,
            organiser_name: "Borgå Verkstad",
            organiser_business_id: Some("1234567-1"),
            organiser_lang: partner,
            area_names: &[],
            tasks: "Kassa",
            place: "Mannerheiminkatu 1",
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            ends_on: NaiveDate::from_ymd_opt(2027, 2, 28).unwrap_or_default(),
            days_per_week: 4,
            hours_per_day: 6.5,
            supervisor: "Sara Lind",
            coach_contact: "Kaisa Koutsi",
            insurance: None,
            subsidy_terms: None,
            renews: None,
            partner: Some(Confirmed { at: Utc::now(), how: ConfirmedHow::Electronic }),
            customer: None,
        }
    }

    #[test]
    fn a_swedish_speaking_customer_and_a_finnish_partner_get_both_copies() {
        let l = Localizer::new();
        let html = print(Lang::Sv, Lang::Fi).render_html(&l);
        assert!(html.contains("<section class=\"copy\" lang=\"sv\">"));
        assert!(html.contains("<section class=\"copy\" lang=\"fi\">"));
        assert!(html.find("lang=\"sv\">").unwrap_or(usize::MAX) < html.find("lang=\"fi\">").unwrap_or(0));
        assert!(html.contains("Anna &lt;Berg&gt;"));
        assert!(!html.contains("<Berg>"));
        let one = print(Lang::Fi, Lang::Fi).render_html(&l);
        assert_eq!(one.matches("<section class=\"copy\"").count(), 1);
    }

    #[test]
    fn every_agreement_id_exists_in_every_locale() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            for id in IDS {
                assert!(l.has(lang, id), "{lang}: {id}");
            }
            let defined: std::collections::BTreeSet<String> =
                Localizer::ids(lang).into_iter().filter(|id| id.starts_with("agreement-")).collect();
            let used: std::collections::BTreeSet<String> = IDS.iter().map(|id| id.to_string()).collect();
            assert_eq!(defined, used, "{lang}");
        }
    }
}
