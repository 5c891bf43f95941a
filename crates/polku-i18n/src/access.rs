//! The customer's access report as a printable HTML document in the
//! customer's language: every part of the JSON report as a table, the
//! section and field names from `privacy.ftl` (a field without a label
//! shows its stored name, so nothing is left out for want of a translation).

use chrono::NaiveDate;
use polku_domain::Lang;
use serde_json::Value;

use crate::letters::escape_html;
use crate::Localizer;

/// The report's parts in the order they are printed.
pub const SECTIONS: &[&str] = &[
    "customer",
    "statusHistory",
    "coachAssignments",
    "plans",
    "planVersions",
    "meetings",
    "letters",
    "appointments",
    "appointmentEvents",
    "messages",
    "notifications",
    "commitments",
    "benefitPeriods",
    "kelaInvoiceLines",
    "referrals",
    "referralEvents",
    "attendance",
    "deviations",
    "closingAssessments",
    "agreements",
    "pathEpisodes",
    "grants",
    "vacancies",
    "neglects",
    "corrections",
    "legalHolds",
    "erasureRequests",
    "auditLog",
    "disclosures",
];

fn kebab(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => escape_html(s),
        other => escape_html(&other.to_string()),
    }
}

/// Renders `report` (from the store's access report) for `lang`.
pub fn render_html(
    localizer: &Localizer,
    lang: Lang,
    area: &str,
    report: &Value,
    produced_on: NaiveDate,
) -> String {
    let t = |id: &str| localizer.message(lang, id, &[]);
    let field = |key: &str| {
        let id = format!("access-field-{}", kebab(key));
        let label = localizer.message(lang, &id, &[]);
        if label == id {
            key.to_string()
        } else {
            label
        }
    };
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>@page {{ size: A4; margin: 18mm; }} body {{ font: 10pt sans-serif; }} \
         table {{ border-collapse: collapse; width: 100%; margin-bottom: 1em; }} \
         th, td {{ border: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }} \
         h2 {{ font-size: 12pt; margin-top: 1.5em; }}</style></head><body>\
         <h1>{title}</h1><p>{intro}</p><p>{area_label}: {area}<br>{date_label}: {date}</p>",
        lang = lang.code(),
        title = escape_html(&t("access-title")),
        intro = escape_html(&t("access-intro")),
        area_label = escape_html(&t("access-area")),
        area = escape_html(area),
        date_label = escape_html(&t("access-produced-on")),
        date = produced_on.format("%-d.%-m.%Y"),
    );
    for section in SECTIONS {
        html.push_str(&format!(
            "<h2>{}</h2>",
            escape_html(&t(&format!("access-section-{}", kebab(section))))
        ));
        match &report[*section] {
            Value::Object(map) => {
                html.push_str("<table>");
                for (k, v) in map {
                    html.push_str(&format!(
                        "<tr><th>{}</th><td>{}</td></tr>",
                        escape_html(&field(k)),
                        cell(v)
                    ));
                }
                html.push_str("</table>");
            }
            Value::Array(rows) if !rows.is_empty() => {
                let columns: Vec<&String> =
                    rows[0].as_object().map(|o| o.keys().collect()).unwrap_or_default();
                html.push_str("<table><tr>");
                for c in &columns {
                    html.push_str(&format!("<th>{}</th>", escape_html(&field(c))));
                }
                html.push_str("</tr>");
                for row in rows {
                    html.push_str("<tr>");
                    for c in &columns {
                        // A letter's full text is its own printable page.
                        let value = if *c == "html" {
                            Value::String(t("access-letter-text"))
                        } else {
                            row[c.as_str()].clone()
                        };
                        html.push_str(&format!("<td>{}</td>", cell(&value)));
                    }
                    html.push_str("</tr>");
                }
                html.push_str("</table>");
            }
            _ => html.push_str(&format!("<p>{}</p>", escape_html(&t("access-none")))),
        }
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_a_title_in_every_language_and_values_are_escaped() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            for s in SECTIONS {
                let id = format!("access-section-{}", kebab(s));
                assert_ne!(l.message(lang, &id, &[]), id, "{lang} {id}");
            }
        }
        let report = serde_json::json!({ "customer": { "last_name": "<b>Virtanen</b>" }, "meetings": [] });
        let html =
            render_html(&l, Lang::Sv, "Borgå", &report, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert!(html.contains("&lt;b&gt;Virtanen") && !html.contains("<b>Virtanen"));
        assert!(html.contains("lang=\"sv\"") && html.contains("29.11.2026"));
    }
}
