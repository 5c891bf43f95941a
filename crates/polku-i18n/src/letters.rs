//! The personal transfer letter: a printable HTML letter telling a former TE office customer,
//! in their own service language, who their personal coach is and what happens next now that
//! a municipal employment area serves them. The wording lives in `i18n/<locale>/letters.ftl`.

use chrono::Datelike;
use polku_domain::Lang;

use crate::Localizer;

/// Every message id the letter uses. The renderer asks for no other id (checked in debug
/// builds), and the tests check that each one exists in every locale.
const IDS: &[&str] = &[
    "letter-transfer-title",
    "letter-transfer-date",
    "letter-transfer-greeting",
    "letter-transfer-intro",
    "letter-transfer-continuity",
    "letter-transfer-coach",
    "letter-transfer-coach-contact-phone-email",
    "letter-transfer-coach-contact-phone",
    "letter-transfer-coach-contact-email",
    "letter-transfer-no-coach",
    "letter-transfer-area-contact",
    "letter-transfer-next-heading",
    "letter-transfer-next-interview",
    "letter-transfer-next-obligations",
    "letter-transfer-next-benefits",
    "letter-transfer-next-language",
    "letter-transfer-next-eservices",
    "letter-transfer-closing",
    "letter-transfer-signoff",
    "letter-transfer-signature",
];

/// The next-steps list, in the order printed.
const NEXT_STEPS: &[&str] = &[
    "letter-transfer-next-interview",
    "letter-transfer-next-obligations",
    "letter-transfer-next-benefits",
    "letter-transfer-next-language",
    "letter-transfer-next-eservices",
];

/// Print layout. A4 with the recipient in the address area of SFS 2487: 20 mm from the left
/// edge and 40–85 mm from the top, which shows through the window of both a C5 envelope
/// (sheet folded once) and an E65 one (folded in three). The page margin gives the 15 mm and
/// 20 mm; the letterhead's fixed height gives the rest, so a long area name cannot push the
/// address out of the window. System fonts only: the letter must print offline.
pub(crate) const STYLE: &str = r#"
@page { size: A4; margin: 15mm 20mm 20mm 20mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #000; }
body { margin: 0; font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 11pt; line-height: 1.4; }
.letter { width: 170mm; }
.letterhead { display: flex; justify-content: space-between; align-items: flex-start; gap: 10mm; height: 25mm; overflow: hidden; }
.letterhead p { margin: 0; }
.sender { font-weight: bold; }
.date { white-space: nowrap; }
.recipient { width: 85mm; height: 45mm; padding-top: 5mm; overflow: hidden; }
.recipient p { margin: 0; }
h1 { font-size: 13pt; line-height: 1.25; margin: 12mm 0 6mm; }
h2 { font-size: 11pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 3mm; orphans: 3; widows: 3; }
ul { margin: 0 0 4mm; padding-left: 6mm; }
li { margin-bottom: 2mm; break-inside: avoid; page-break-inside: avoid; }
.signature { margin-top: 8mm; break-inside: avoid; page-break-inside: avoid; }
@media screen {
  html { background: #e5e5e5; }
  .letter { width: 210mm; min-height: 297mm; margin: 10mm auto; padding: 15mm 20mm 20mm; background: #fff; box-shadow: 0 1mm 4mm rgba(0, 0, 0, 0.2); }
}
"#;

/// One customer's letter. Deliberately not `Debug`: it holds personal data, which must not
/// end up in logs.
pub struct TransferLetter<'a> {
    /// The customer's service language; the whole letter is in it.
    pub lang: Lang,
    pub customer_name: &'a str,
    pub street_address: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub post_office: Option<&'a str>,
    /// The employment area's name in `lang`, in its base form ("Helsingin työllisyysalue").
    pub area_name: &'a str,
    /// `None` until a personal coach (omavalmentaja) is assigned.
    pub coach: Option<Coach<'a>>,
    /// The letter's date, printed as d.m.yyyy.
    pub date: chrono::NaiveDate,
}

/// The personal coach named in the letter, with whatever contact details they have.
#[derive(Clone, Copy)]
pub struct Coach<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// Stands for the customer's name while a template is rendered; a private-use
/// character, which HTML escaping leaves alone and no name contains (fill removes it).
const NAME_MARK: char = '\u{E000}';
/// Stands for the address block.
const ADDRESS_MARK: char = '\u{E001}';

/// A letter rendered once for everything the customers of one import share
/// (language, area, coach, date), with marks where each customer's name and
/// address go. Rendering every message anew for each of 300,000 customers
/// costs far more than filling in two marks.
#[derive(Clone, Debug)]
pub struct LetterTemplate {
    html: String,
}

impl LetterTemplate {
    /// The letter for one customer: exactly what [`TransferLetter::render_html`] gives.
    pub fn fill(&self, letter: &TransferLetter<'_>) -> String {
        let clean = |s: &str| s.replace([NAME_MARK, ADDRESS_MARK], "");
        let name = escape_html(&clean(letter.customer_name.trim()));
        let mut address = String::new();
        for line in letter.address_lines() {
            address.push_str(&format!("<p>{}</p>\n", escape_html(&clean(&line))));
        }
        let mut out = String::with_capacity(self.html.len() + 256);
        for c in self.html.chars() {
            match c {
                NAME_MARK => out.push_str(&name),
                ADDRESS_MARK => out.push_str(&address),
                c => out.push(c),
            }
        }
        out
    }
}

impl TransferLetter<'_> {
    /// A complete, self-contained printable HTML document (A4 print CSS, no external
    /// resources, `<html lang="fi|sv|en">`, address block placed for a window envelope),
    /// every interpolated value HTML-escaped.
    pub fn render_html(&self, localizer: &Localizer) -> String {
        self.template(localizer).fill(self)
    }

    /// The part of this letter that does not depend on the customer; see
    /// [`LetterTemplate`]. The customer fields of `self` are not used.
    pub fn template(&self, localizer: &Localizer) -> LetterTemplate {
        let coach = self.coach.filter(|c| !c.name.trim().is_empty());
        let phone = coach.and_then(|c| present(c.phone));
        let email = coach.and_then(|c| present(c.email));
        let date = format!("{}.{}.{}", self.date.day(), self.date.month(), self.date.year());

        // Every message gets every argument; Fluent ignores the ones it does not use.
        let mut args = vec![
            ("name", NAME_MARK.to_string()),
            ("area", self.area_name.trim().to_string()),
            ("date", date),
        ];
        if let Some(c) = coach {
            args.push(("coach", c.name.trim().to_string()));
        }
        args.extend(phone.map(|p| ("coachPhone", p.to_string())));
        args.extend(email.map(|e| ("coachEmail", e.to_string())));

        // The messages are plain text, so the whole formatted sentence is escaped, which
        // covers the values interpolated into it.
        let t = |id: &str| {
            debug_assert!(IDS.contains(&id), "{id} is not listed in IDS");
            escape_html(&localizer.message(self.lang, id, &args))
        };

        let title = t("letter-transfer-title");
        let mut html = String::with_capacity(8 * 1024);
        html.push_str("<!DOCTYPE html>\n");
        html.push_str(&format!("<html lang=\"{}\">\n<head>\n", self.lang.code()));
        html.push_str("<meta charset=\"utf-8\">\n");
        html.push_str(&format!("<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"));
        html.push_str("<main class=\"letter\">\n");

        html.push_str("<header class=\"letterhead\">\n");
        html.push_str(&format!("<p class=\"sender\">{}</p>\n", escape_html(self.area_name.trim())));
        html.push_str(&format!("<p class=\"date\">{}</p>\n", t("letter-transfer-date")));
        html.push_str("</header>\n");

        html.push_str("<div class=\"recipient\">\n");
        html.push(ADDRESS_MARK);
        html.push_str("</div>\n");

        html.push_str(&format!("<h1>{title}</h1>\n"));
        for id in ["letter-transfer-greeting", "letter-transfer-intro", "letter-transfer-continuity"] {
            html.push_str(&format!("<p>{}</p>\n", t(id)));
        }
        if coach.is_some() {
            html.push_str(&format!("<p>{}</p>\n", t("letter-transfer-coach")));
            let contact = match (phone, email) {
                (Some(_), Some(_)) => Some("letter-transfer-coach-contact-phone-email"),
                (Some(_), None) => Some("letter-transfer-coach-contact-phone"),
                (None, Some(_)) => Some("letter-transfer-coach-contact-email"),
                // The area's contact line below is then the way to reach the coach.
                (None, None) => None,
            };
            if let Some(id) = contact {
                html.push_str(&format!("<p>{}</p>\n", t(id)));
            }
        } else {
            html.push_str(&format!("<p>{}</p>\n", t("letter-transfer-no-coach")));
        }
        html.push_str(&format!("<p>{}</p>\n", t("letter-transfer-area-contact")));

        html.push_str(&format!("<h2>{}</h2>\n<ul>\n", t("letter-transfer-next-heading")));
        for id in NEXT_STEPS {
            html.push_str(&format!("<li>{}</li>\n", t(id)));
        }
        html.push_str("</ul>\n");

        html.push_str(&format!("<p>{}</p>\n", t("letter-transfer-closing")));
        html.push_str(&format!(
            "<p class=\"signature\">{}<br>\n{}</p>\n",
            t("letter-transfer-signoff"),
            t("letter-transfer-signature")
        ));
        html.push_str("</main>\n</body>\n</html>\n");
        LetterTemplate { html }
    }

    /// The lines shown through the envelope window: name, street (which may itself span
    /// lines, as with a c/o line) and "postal code post office". Missing parts are skipped.
    fn address_lines(&self) -> Vec<String> {
        let mut lines = vec![self.customer_name.trim().to_string()];
        if let Some(street) = present(self.street_address) {
            lines.extend(street.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from));
        }
        let town: Vec<&str> =
            [present(self.postal_code), present(self.post_office)].into_iter().flatten().collect();
        if !town.is_empty() {
            lines.push(town.join(" "));
        }
        lines
    }
}

/// A value that is there and not blank, trimmed.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;
    use fluent_bundle::{FluentArgs, FluentValue};

    use super::*;

    const COACH: Coach<'static> =
        Coach { name: "Anna Virtanen", phone: Some("040 123 4567"), email: Some("anna.virtanen@example.fi") };

    fn letter(lang: Lang, coach: Option<Coach<'static>>) -> TransferLetter<'static> {
        TransferLetter {
            lang,
            customer_name: "Timo Järvinen",
            street_address: Some("Mannerheimintie 1 A 2"),
            postal_code: Some("00100"),
            post_office: Some("HELSINKI"),
            area_name: match lang {
                Lang::Fi => "Helsingin työllisyysalue",
                Lang::Sv => "Helsingfors sysselsättningsområde",
                Lang::En => "Helsinki Employment Area",
            },
            coach,
            date: NaiveDate::from_ymd_opt(2025, 1, 7).expect("valid date"),
        }
    }

    #[test]
    fn renders_in_each_language() {
        let l = Localizer::new();
        let cases = [
            (Lang::Fi, "Työllisyyspalvelusi siirtyvät TE-toimistosta työllisyysalueelle", "Päiväys 7.1.2025"),
            (
                Lang::Sv,
                "Dina sysselsättningstjänster flyttas från TE-byrån till sysselsättningsområdet",
                "Datum 7.1.2025",
            ),
            (
                Lang::En,
                "Your employment services are moving from the TE Office to your employment area",
                "Date: 7.1.2025",
            ),
        ];
        for (lang, title, date) in cases {
            let html = letter(lang, Some(COACH)).render_html(&l);
            assert!(html.starts_with("<!DOCTYPE html>"), "{lang}");
            assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())), "{lang}");
            assert!(html.contains(&format!("<title>{title}</title>")), "{lang}");
            assert!(html.contains(&format!("<h1>{title}</h1>")), "{lang}");
            assert!(html.contains(date), "{lang}");
            assert!(
                html.contains("<p>Timo Järvinen</p>\n<p>Mannerheimintie 1 A 2</p>\n<p>00100 HELSINKI</p>")
            );
            assert!(html.contains("@page { size: A4;"), "{lang}");
            assert!(!html.contains("letter-transfer-"), "{lang}: an id leaked into the letter");
            for external in ["http:", "https:", "<link", "<script", "src=", "@import", "url("] {
                assert!(!html.contains(external), "{lang}: {external}");
            }
        }
        assert_ne!(letter(Lang::Fi, None).render_html(&l), letter(Lang::Sv, None).render_html(&l));
    }

    #[test]
    fn one_template_serves_many_customers() {
        let l = Localizer::new();
        let template = letter(Lang::Sv, Some(COACH)).template(&l);
        for name in ["Erik Holmström", "Ebba <b>Göran</b>", "Mark\u{E000}ed"] {
            let customer = TransferLetter { customer_name: name, ..letter(Lang::Sv, Some(COACH)) };
            let html = template.fill(&customer);
            assert_eq!(html, customer.render_html(&l));
            assert!(!html.contains(['\u{E000}', '\u{E001}']), "a mark was left in");
        }
        assert!(template
            .fill(&letter(Lang::Sv, None))
            .contains(&escape_html(letter(Lang::Sv, None).customer_name)));
    }

    #[test]
    fn escapes_every_interpolated_value() {
        let l = Localizer::new();
        let mut evil = letter(Lang::Fi, None);
        evil.customer_name = "<script>alert(\"x\")</script>";
        evil.area_name = "Tom & Jerry's <b>area</b>";
        evil.street_address = Some("<img src=x>");
        evil.coach = Some(Coach { name: "<i>Coach</i>", phone: Some("<1>"), email: Some("a@b.fi\"") });
        let html = evil.render_html(&l);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;area&lt;/b&gt;"));
        assert!(html.contains("&lt;1&gt;") && html.contains("a@b.fi&quot;"));
        assert_eq!(escape_html(r#"&<>"'"#), "&amp;&lt;&gt;&quot;&#39;");
    }

    #[test]
    fn names_the_coach_and_how_to_reach_them() {
        let l = Localizer::new();
        let html = letter(Lang::Fi, Some(COACH)).render_html(&l);
        assert!(html.contains("Omavalmentajasi on Anna Virtanen."));
        assert!(html.contains("040 123 4567") && html.contains("anna.virtanen@example.fi"));
        assert!(!html.contains("ei ole vielä nimetty"));

        let phone_only = Coach { email: None, ..COACH };
        let html = letter(Lang::En, Some(phone_only)).render_html(&l);
        assert!(html.contains("You can reach your coach by phone on 040 123 4567."));
        assert!(!html.contains("by email"));

        let email_only = Coach { phone: Some("  "), ..COACH };
        let html = letter(Lang::Sv, Some(email_only)).render_html(&l);
        assert!(html.contains("Du når din egencoach per e-post anna.virtanen@example.fi."));
        assert!(!html.contains("på telefon"));

        let name_only = Coach { phone: None, email: None, ..COACH };
        let html = letter(Lang::En, Some(name_only)).render_html(&l);
        assert!(html.contains("Your personal coach is Anna Virtanen."));
        assert!(!html.contains("You can reach your coach"));
    }

    #[test]
    fn without_a_coach_says_one_is_coming() {
        let l = Localizer::new();
        for (lang, expected) in [
            (Lang::Fi, "Sinulle ei ole vielä nimetty omavalmentajaa."),
            (Lang::Sv, "Du har ännu inte fått någon egencoach."),
            (Lang::En, "You have not yet been assigned a personal coach."),
        ] {
            let html = letter(lang, None).render_html(&l);
            assert!(html.contains(expected), "{lang}");
            assert!(!html.contains("Anna Virtanen"), "{lang}");
        }
        // A blank coach name is no coach.
        let html = letter(Lang::Fi, Some(Coach { name: " ", ..COACH })).render_html(&l);
        assert!(html.contains("Sinulle ei ole vielä nimetty omavalmentajaa."));
    }

    #[test]
    fn skips_missing_address_parts() {
        let l = Localizer::new();
        let mut partial = letter(Lang::Fi, None);
        partial.street_address = None;
        partial.postal_code = None;
        let html = partial.render_html(&l);
        assert!(html.contains("<div class=\"recipient\">\n<p>Timo Järvinen</p>\n<p>HELSINKI</p>\n</div>"));
    }

    #[test]
    fn every_letter_id_exists_in_every_locale() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            for id in IDS {
                assert!(l.has(lang, id), "{lang}: {id}");
            }
            // And no letter message sits unused in the sources.
            let defined: BTreeSet<String> =
                Localizer::ids(lang).into_iter().filter(|id| id.starts_with("letter-transfer-")).collect();
            let used: BTreeSet<String> = IDS.iter().map(|id| id.to_string()).collect();
            assert_eq!(defined, used, "{lang}");
        }
    }

    #[test]
    fn letter_messages_resolve_without_errors() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            let bundle = l.bundle(lang);
            for id in IDS {
                let pattern = bundle.get_message(id).and_then(|m| m.value()).expect("message has a value");
                let mut args = FluentArgs::new();
                for name in ["name", "area", "date", "coach", "coachPhone", "coachEmail"] {
                    args.set(name, FluentValue::from("x"));
                }
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
            }
        }
    }
}
