//! Fluent bundles for Finnish, Swedish and English, compiled into the binary
//! from `i18n/<locale>/*.ftl`, the choice of a response language, and the one
//! place where an `ErrorCode` becomes a sentence.

pub mod access;
pub mod agreement;
pub mod letters;
pub mod messages;

use std::collections::BTreeSet;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use polku_domain::{DomainError, Lang};
use unic_langid::LanguageIdentifier;

/// The Fluent sources, one file per domain area, per locale. Adding a file
/// here for one locale and not the others fails `every_locale_has_every_key`;
/// a file in `i18n/` that is not listed here fails `every_file_is_compiled_in`.
const SOURCES: &[(Lang, &str, &str)] = &[
    (Lang::Fi, "polku.ftl", include_str!("../../../i18n/fi/polku.ftl")),
    (Lang::Sv, "polku.ftl", include_str!("../../../i18n/sv/polku.ftl")),
    (Lang::En, "polku.ftl", include_str!("../../../i18n/en/polku.ftl")),
    (Lang::Fi, "letters.ftl", include_str!("../../../i18n/fi/letters.ftl")),
    (Lang::Sv, "letters.ftl", include_str!("../../../i18n/sv/letters.ftl")),
    (Lang::En, "letters.ftl", include_str!("../../../i18n/en/letters.ftl")),
    (Lang::Fi, "transfer.ftl", include_str!("../../../i18n/fi/transfer.ftl")),
    (Lang::Sv, "transfer.ftl", include_str!("../../../i18n/sv/transfer.ftl")),
    (Lang::En, "transfer.ftl", include_str!("../../../i18n/en/transfer.ftl")),
    (Lang::Fi, "dashboard.ftl", include_str!("../../../i18n/fi/dashboard.ftl")),
    (Lang::Sv, "dashboard.ftl", include_str!("../../../i18n/sv/dashboard.ftl")),
    (Lang::En, "dashboard.ftl", include_str!("../../../i18n/en/dashboard.ftl")),
    (Lang::Fi, "privacy.ftl", include_str!("../../../i18n/fi/privacy.ftl")),
    (Lang::Sv, "privacy.ftl", include_str!("../../../i18n/sv/privacy.ftl")),
    (Lang::En, "privacy.ftl", include_str!("../../../i18n/en/privacy.ftl")),
    (Lang::Fi, "messages.ftl", include_str!("../../../i18n/fi/messages.ftl")),
    (Lang::Sv, "messages.ftl", include_str!("../../../i18n/sv/messages.ftl")),
    (Lang::En, "messages.ftl", include_str!("../../../i18n/en/messages.ftl")),
    (Lang::Fi, "week.ftl", include_str!("../../../i18n/fi/week.ftl")),
    (Lang::Sv, "week.ftl", include_str!("../../../i18n/sv/week.ftl")),
    (Lang::En, "week.ftl", include_str!("../../../i18n/en/week.ftl")),
];

/// The names messages may take as arguments besides `field` and `trace`: a
/// closed set, so that an error's arguments carried through the GraphQL
/// layer can never smuggle in anything else.
pub const ARG_NAMES: &[&str] = &[
    "value",
    "ordinal",
    "days",
    "weeks",
    "rule",
    "customer",
    "obligation",
    "due",
    "hours",
    "max",
    "min",
    "lang",
    "claim",
    "count",
    "name",
    "area",
    "date",
    "coach",
    "coachPhone",
    "coachEmail",
    "how",
    "language",
    "detail",
    "columns",
    "column",
    "lines",
    "imported",
    "updated",
    "notEligible",
    "rejected",
    "letters",
    "line",
    "message",
    "first",
    "scope",
    "months",
    "percent",
    "year",
    "purpose",
    "deviation",
    "cap",
    "rate",
    "from",
    "to",
    "region",
    "action",
    // Messages to customers (`messages.rs`).
    "when",
    "kind",
    "minutes",
    "place",
    "link",
];

/// Message lookup in three languages. Cheap to share: build once, keep in an `Arc`.
pub struct Localizer {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer").finish_non_exhaustive()
    }
}

impl Default for Localizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Localizer {
    /// Builds the bundles. The sources are compiled in and checked by tests,
    /// so a parse failure here is a build defect, reported loudly.
    #[expect(clippy::expect_used, reason = "compiled-in sources and static language ids, checked by tests")]
    pub fn new() -> Self {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let id: LanguageIdentifier = lang.code().parse().expect("static language id");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolation marks (U+2068/U+2069) around arguments confuse API
                // clients and terminals; our messages are not bidirectional.
                bundle.set_use_isolating(false);
                for (_, name, source) in SOURCES.iter().filter(|(l, _, _)| *l == lang) {
                    let resource = FluentResource::try_new(source.to_string())
                        .unwrap_or_else(|(_, errs)| panic!("i18n/{lang}/{name}: {errs:?}"));
                    bundle
                        .add_resource(resource)
                        .unwrap_or_else(|errs| panic!("i18n/{lang}/{name}: {errs:?}"));
                }
                (lang, bundle)
            })
            .collect();
        Self { bundles }
    }

    #[expect(clippy::expect_used, reason = "new() loads every Lang")]
    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        &self.bundles.iter().find(|(l, _)| *l == lang).expect("all languages loaded").1
    }

    /// Formats message `id` in `lang`. A missing message falls back to English
    /// and then to the id itself, so a defect shows as a visible key rather
    /// than an empty string.
    pub fn message(&self, lang: Lang, id: &str, args: &[(&str, String)]) -> String {
        for lang in [lang, Lang::En] {
            let bundle = self.bundle(lang);
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut fargs = FluentArgs::new();
                for (name, value) in args {
                    fargs.set(*name, FluentValue::from(value.as_str()));
                }
                let mut errors = Vec::new();
                return bundle.format_pattern(pattern, Some(&fargs), &mut errors).into_owned();
            }
        }
        id.to_string()
    }

    /// The sentence for a refusal, naming the field where there is one.
    pub fn error(&self, lang: Lang, error: &DomainError) -> String {
        let mut args: Vec<(&str, String)> = error.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        if let Some(field) = &error.field {
            args.push(("field", field.clone()));
        }
        let text = self.message(lang, &error.code.message_id(), &args);
        match &error.field {
            Some(field) if !text.contains(field.as_str()) => {
                let label = self.message(lang, "field-label", &[]);
                format!("{text} ({label}: {field})")
            }
            _ => text,
        }
    }

    /// Every message whose id starts with `prefix`, formatted in `lang`:
    /// the labels of a page, handed to it at once.
    pub fn messages_with_prefix(
        &self,
        lang: Lang,
        prefix: &str,
    ) -> std::collections::BTreeMap<String, String> {
        Localizer::ids(lang)
            .into_iter()
            .filter(|id| id.starts_with(prefix))
            .map(|id| {
                let text = self.message(lang, &id, &[]);
                (id, text)
            })
            .collect()
    }

    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// Every message id defined for `lang`, from the sources.
    pub fn ids(lang: Lang) -> BTreeSet<String> {
        SOURCES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .flat_map(|(_, _, source)| source.lines())
            .filter_map(|line| {
                let (head, _) = line.split_once('=')?;
                let head = head.trim_end();
                let ok = !head.is_empty()
                    && !line.starts_with([' ', '#', '.', '*', '['])
                    && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                ok.then(|| head.to_string())
            })
            .collect()
    }
}

/// Picks the response language: the user's own preference first, then the
/// browser's `Accept-Language` in its order of quality, then the tenant's
/// default. Only languages the tenant has enabled are ever chosen.
pub fn negotiate(
    preference: Option<Lang>,
    accept_language: Option<&str>,
    enabled: &[Lang],
    default: Lang,
) -> Lang {
    if let Some(lang) = preference.filter(|l| enabled.contains(l)) {
        return lang;
    }
    if let Some(header) = accept_language {
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?).ok()?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                (q > 0.0 && enabled.contains(&lang)).then_some((q, i, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        if let Some((_, _, lang)) = ranked.first() {
            return *lang;
        }
    }
    if enabled.contains(&default) {
        default
    } else {
        enabled.first().copied().unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polku_domain::ErrorCode;

    #[test]
    fn every_locale_has_every_key() {
        let all: BTreeSet<String> = Lang::ALL.into_iter().flat_map(Localizer::ids).collect();
        assert!(all.len() > 20, "ids were not found in the sources");
        let mut missing = Vec::new();
        for lang in Lang::ALL {
            let have = Localizer::ids(lang);
            missing.extend(all.difference(&have).map(|id| format!("{lang}: {id}")));
        }
        assert!(missing.is_empty(), "messages missing: {missing:#?}");
    }

    /// A file left out of `SOURCES` would be missing from every locale at
    /// once, which `every_locale_has_every_key` cannot see.
    #[test]
    fn every_file_is_compiled_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../i18n");
        for lang in Lang::ALL {
            let dir = root.join(lang.code());
            for entry in std::fs::read_dir(&dir).expect("the locale's folder") {
                let name = entry.expect("a folder entry").file_name().to_string_lossy().into_owned();
                if name.ends_with(".ftl") {
                    let listed = SOURCES.iter().any(|(l, n, _)| *l == lang && *n == name);
                    assert!(listed, "i18n/{lang}/{name} is not in SOURCES");
                }
            }
        }
    }

    #[test]
    fn every_error_code_has_a_message_in_every_locale() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            for code in ErrorCode::ALL {
                assert!(l.has(lang, &code.message_id()), "{lang}: {}", code.message_id());
            }
        }
    }

    #[test]
    fn bundles_resolve_every_message_without_errors() {
        let l = Localizer::new();
        for lang in Lang::ALL {
            for id in Localizer::ids(lang) {
                let bundle = l.bundle(lang);
                let msg = bundle.get_message(&id).expect("listed id exists");
                if let Some(pattern) = msg.value() {
                    let mut errors = Vec::new();
                    let mut args = FluentArgs::new();
                    for name in ARG_NAMES.iter().chain(&["field", "trace"]) {
                        args.set(*name, FluentValue::from("x"));
                    }
                    bundle.format_pattern(pattern, Some(&args), &mut errors);
                    assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
                }
            }
        }
    }

    #[test]
    fn errors_name_the_field() {
        let l = Localizer::new();
        let e = DomainError::field(ErrorCode::NegativeCapacity, "input.capacity");
        for lang in Lang::ALL {
            assert!(l.error(lang, &e).contains("input.capacity"), "{lang}");
        }
        assert_ne!(l.error(Lang::Fi, &e), l.error(Lang::Sv, &e));
    }

    #[test]
    fn negotiation_respects_enabled_languages() {
        let fi_sv = [Lang::Fi, Lang::Sv];
        assert_eq!(negotiate(Some(Lang::Sv), Some("en"), &fi_sv, Lang::Fi), Lang::Sv);
        assert_eq!(negotiate(Some(Lang::En), None, &fi_sv, Lang::Fi), Lang::Fi);
        assert_eq!(negotiate(None, Some("en-GB, sv;q=0.8, fi;q=0.5"), &fi_sv, Lang::Fi), Lang::Sv);
        assert_eq!(negotiate(None, Some("fi;q=0.2, sv;q=0.9"), &fi_sv, Lang::Fi), Lang::Sv);
        assert_eq!(negotiate(None, Some("de"), &fi_sv, Lang::Fi), Lang::Fi);
        assert_eq!(negotiate(None, Some("sv;q=0"), &fi_sv, Lang::Fi), Lang::Fi);
    }
}
