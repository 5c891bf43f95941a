//! Tests of the whole reader: the shared sample, the file shapes the spec
//! allows, every rejection code with its column, line numbering, eligibility
//! under each version of the rules at its edges, redaction, generated rows
//! (proptest) and the synthetic generator.

use std::io::{self, Read};

use chrono::{Datelike, NaiveDate};
use polku_domain::hetu::HetuError;
use polku_domain::{Lang, MunicipalityCode};
use proptest::prelude::*;

use crate::synthetic::{self, HEADER};
use crate::*;

const SAMPLE: &[u8] = include_bytes!("../testdata/te-transfer-sample.csv");
const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// A transfer under the law of 2026: every jobseeker of the area.
fn options() -> TransferOptions {
    TransferOptions {
        transfer_date: date(2026, 11, 24),
        default_language: Lang::Fi,
        municipalities: vec![MunicipalityCode::parse("638").unwrap()],
    }
}

/// A transfer on `transfer_date`, otherwise as [`options`].
fn on(transfer_date: NaiveDate) -> TransferOptions {
    TransferOptions { transfer_date, ..options() }
}

/// The last day of the municipal experiment's rules, and the first of the
/// employment areas'.
fn last_experiment_day() -> NaiveDate {
    date(2024, 12, 31)
}

fn first_area_day() -> NaiveDate {
    date(2025, 1, 1)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn parse_with(input: impl AsRef<[u8]>, options: &TransferOptions) -> Vec<Line> {
    read(input.as_ref(), options).unwrap().collect()
}

fn parse(input: impl AsRef<[u8]>) -> Vec<Line> {
    parse_with(input, &options())
}

/// Completes `DDMMYYCNNN` with its check character.
fn with_check(body: &str) -> String {
    let digits: u64 = format!("{}{}", &body[..6], &body[7..10]).parse().unwrap();
    format!("{body}{}", CHECK_CHARS[(digits % 31) as usize] as char)
}

const BASE: [(&str, &str); 14] = [
    ("henkilotunnus", "180894-076S"),
    ("sukunimi", "Järvinen"),
    ("etunimet", "Timo Juha"),
    ("aidinkieli", "fi"),
    ("asiointikieli", "fi"),
    ("kotikunta", "638"),
    ("tyottomyys_alkanut", "2017-07-06"),
    ("etuus", "tyomarkkinatuki"),
    ("palvelussa", "1"),
    ("lahiosoite", "Kauppakatu 56"),
    ("postinumero", "54810"),
    ("postitoimipaikka", "Porvoo"),
    ("puhelin", "0402171979"),
    ("sahkoposti", "timo.jarvinen@example.fi"),
];

/// A valid row in `HEADER` order (eligible under every version: on labour
/// market subsidy, in service, unemployed since 2017), with some fields
/// replaced.
fn row(changes: &[(&str, &str)]) -> String {
    BASE.iter()
        .map(|(name, value)| {
            assert!(changes.iter().all(|(c, _)| BASE.iter().any(|(n, _)| n == c)), "{changes:?}");
            changes.iter().find(|(c, _)| c == name).map_or(*value, |(_, v)| v)
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn file(rows: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

fn customer(line: &Line) -> &TransferRow {
    match &line.outcome {
        Outcome::Customer(row) => row,
        other => panic!("line {} is not a customer: {other:?}", line.number),
    }
}

fn not_eligible(line: &Line) -> &TransferRow {
    match &line.outcome {
        Outcome::NotEligible(row) => row,
        other => panic!("line {} is eligible or rejected: {other:?}", line.number),
    }
}

fn rejections(line: &Line) -> &[Rejection] {
    match &line.outcome {
        Outcome::Rejected(why) => why,
        other => panic!("line {} is not rejected: {other:?}", line.number),
    }
}

fn counts(lines: &[Line]) -> (usize, usize, usize) {
    lines.iter().fold((0, 0, 0), |(c, n, r), line| match line.outcome {
        Outcome::Customer(_) => (c + 1, n, r),
        Outcome::NotEligible(_) => (c, n + 1, r),
        Outcome::Rejected(_) => (c, n, r + 1),
    })
}

// The shared sample -------------------------------------------------------

#[test]
fn the_sample_accounts_for_every_line() {
    let reader = read(SAMPLE, &options()).unwrap();
    assert!(reader.unknown_columns().is_empty());
    assert_eq!(reader.delimiter(), b',');
    assert_eq!(reader.rules().id, "employment-services-2025");
    let lines: Vec<Line> = reader.collect();
    let physical = SAMPLE.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count() as u64;
    assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), (2..=physical).collect::<Vec<_>>());
    // From 1.1.2025 every jobseeker of the area is a customer.
    assert_eq!(counts(&lines), (40, 0, 0));
    assert!(lines.iter().all(|l| customer(l).eligibility == [EligibilityReason::Resident]));

    let at = |n: u64| lines.iter().find(|l| l.number == n).unwrap();
    // Line 2: the letter goes out in Finnish.
    let first = customer(at(2));
    assert_eq!(first.customer.hetu.expose_secret(), "180894-076S");
    assert_eq!(first.customer.last_name.as_str(), "Järvinen");
    assert_eq!(first.customer.service_language, Lang::Fi);
    assert_eq!(first.customer.benefit, Some(Benefit::LabourMarketSubsidy));
    assert_eq!(first.customer.unemployed_since, Some(date(2017, 7, 6)));
    assert_eq!(
        (first.customer.email.as_ref().map(polku_domain::contact::Email::as_str), first.earnings_related),
        (None, None)
    );
    // Line 8: 47, earnings-related allowance, not in service, Swedish.
    let åkerlund = customer(at(8));
    assert_eq!(åkerlund.customer.service_language, Lang::Sv, "empty service language, mother tongue sv");
    assert_eq!(åkerlund.in_service, Some(false));
    // Line 9: English by choice.
    let ali = customer(at(9));
    assert_eq!((ali.customer.service_language, ali.in_service), (Lang::En, None));
    // Line 13: Persian, no service language: the area's default.
    assert_eq!(customer(at(13)).customer.service_language, Lang::Fi);
    // Line 33: the leading zeros of a postal code survive.
    assert_eq!(
        customer(at(33)).customer.postal_code.as_ref().map(polku_domain::contact::PostalCode::as_str),
        Some("00140")
    );
    // Line 41: born 2002 (century sign A).
    assert_eq!(customer(at(41)).customer.hetu.birth_date(), date(2002, 10, 9));
}

#[test]
fn the_sample_under_the_experiment_takes_whoever_has_no_earnings_related_right() {
    let reader = read(SAMPLE, &on(last_experiment_day())).unwrap();
    assert_eq!(reader.rules().id, "experiment-2021");
    let lines: Vec<Line> = reader.collect();
    // Every line shows unemployment; the six not taken are on
    // earnings-related allowance, 30 or over and Finnish- or Swedish-speaking.
    assert_eq!(counts(&lines), (34, 6, 0));
    let not_taken: Vec<u64> =
        lines.iter().filter(|l| matches!(l.outcome, Outcome::NotEligible(_))).map(|l| l.number).collect();
    assert_eq!(not_taken, [8, 14, 20, 22, 35, 37]);

    let at = |n: u64| lines.iter().find(|l| l.number == n).unwrap();
    use EligibilityReason::*;
    // Line 2: labour market subsidy.
    assert_eq!(customer(at(2)).eligibility, [NoEarningsRelatedRight]);
    // Line 9: earnings-related allowance, but 26 and Vietnamese-speaking.
    assert_eq!(customer(at(9)).eligibility, [Under30, ForeignLanguage]);
    // Line 22: in a service, but on earnings-related allowance: no longer taken.
    let koskinen = not_eligible(at(22));
    assert_eq!(
        (koskinen.in_service, koskinen.customer.benefit),
        (Some(true), Some(Benefit::EarningsRelatedAllowance))
    );
    // Line 24: in a service on earnings-related allowance, but 29.
    assert_eq!(customer(at(24)).eligibility, [Under30]);
    // Line 27: no benefit, not in service, 39, Swedish-speaking, but
    // unemployed since 2016: refused by the old rules, a customer now.
    let holmström = customer(at(27));
    assert_eq!((holmström.customer.benefit, holmström.in_service), (Some(Benefit::None), Some(false)));
    assert_eq!(holmström.eligibility, [NoEarningsRelatedRight]);
    // Line 41: born 2002, basic daily allowance, Vietnamese.
    assert_eq!(customer(at(41)).eligibility, [NoEarningsRelatedRight, Under30, ForeignLanguage]);
}

#[test]
fn the_sample_parses_the_same_with_a_default_of_swedish() {
    let options = TransferOptions { default_language: Lang::Sv, ..options() };
    let lines = parse_with(SAMPLE, &options);
    let at = |n: u64| lines.iter().find(|l| l.number == n).unwrap();
    assert_eq!(customer(at(13)).customer.service_language, Lang::Sv, "fa, empty: the default");
    assert_eq!(
        customer(at(26)).customer.service_language,
        Lang::Fi,
        "fi, empty: Finnish whatever the default"
    );
}

#[test]
fn the_sample_is_all_rejected_in_another_area() {
    let options =
        TransferOptions { municipalities: vec![MunicipalityCode::parse("091").unwrap()], ..options() };
    let lines = parse_with(SAMPLE, &options);
    assert_eq!(lines.len(), 40);
    for line in &lines {
        assert_eq!(
            rejections(line),
            [Rejection { column: Some("kotikunta"), code: RejectionCode::MunicipalityNotInArea }]
        );
    }
}

// File shapes -------------------------------------------------------------

#[test]
fn reads_bom_semicolons_crlf_reordered_upper_case_headers_and_unknown_columns() {
    let text =
        "\u{FEFF} KOTIKUNTA ;Sukunimi;Etunimet;LISÄTIETO;HENKILOTUNNUS;Äidinkieli;Etuus;Palvelussa\r\n\
                638;Sjöberg;Göran;hyvä asiakas;090868V128X;sv;;nej\r\n\
                \r\n\
                638;Ali;Olga;;121298W564W;vi;ansiopaivaraha;\r\n\
                638;Heikkinen;Jukka;;030585-526V;FI;Työmarkkinatuki;Kyllä\r\n";
    let reader = read(text.as_bytes(), &options()).unwrap();
    assert_eq!(reader.delimiter(), b';');
    assert_eq!(reader.unknown_columns(), ["LISÄTIETO"]);
    let lines: Vec<Line> = reader.collect();
    assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 4, 5]);

    let sjoberg = customer(&lines[0]);
    assert_eq!(sjoberg.customer.last_name.as_str(), "Sjöberg");
    assert_eq!(sjoberg.customer.service_language, Lang::Sv);
    assert_eq!(
        (
            sjoberg.customer.benefit,
            sjoberg.in_service,
            sjoberg.customer.phone.as_ref().map(polku_domain::contact::Phone::as_str)
        ),
        (None, Some(false), None)
    );
    assert_eq!(customer(&lines[1]).customer.benefit, Some(Benefit::EarningsRelatedAllowance));
    let heikkinen = customer(&lines[2]);
    assert_eq!(heikkinen.customer.mother_tongue.as_str(), "fi");
    assert_eq!(
        (heikkinen.customer.benefit, heikkinen.in_service),
        (Some(Benefit::LabourMarketSubsidy), Some(true))
    );
}

#[test]
fn a_quoted_field_with_a_delimiter_and_line_breaks_keeps_line_numbers_right() {
    let text = format!(
        "{header}\n{a}\n\n{b}\r\n{c}\n\n\n{d}",
        header = HEADER.replace(',', ";"),
        a = row(&[("lahiosoite", "\"Kauppakatu 5 B; as. 12\nc/o Virtanen\r\nPL 3\"")]).replace(',', ";"),
        b = row(&[("sukunimi", "\"Sjö\"\"berg\""), ("lahiosoite", "\"Kauppakatu\n5\"")]).replace(',', ";"),
        c = row(&[("etuus", "ei"), ("palvelussa", "0")]).replace(',', ";"),
        d = row(&[("henkilotunnus", "090868V128X")]).replace(',', ";"),
    );
    let lines = parse(text);
    assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 6, 8, 11]);
    assert_eq!(
        customer(&lines[0])
            .customer
            .street_address
            .as_ref()
            .map(polku_domain::contact::StreetAddress::as_str),
        Some("Kauppakatu 5 B; as. 12\nc/o Virtanen\r\nPL 3")
    );
    assert_eq!(customer(&lines[1]).customer.last_name.as_str(), "Sjö\"berg");
    assert_eq!(customer(&lines[2]).customer.benefit, Some(Benefit::None));
    assert_eq!(customer(&lines[3]).customer.hetu.birth_date(), date(1968, 8, 9));
}

#[test]
fn crlf_files_number_lines_like_lf_files() {
    let rows = [row(&[]), row(&[("etuus", "x")]), row(&[])];
    let lf = file(&rows);
    let crlf = lf.replace('\n', "\r\n");
    let numbers = |text: &str| parse(text).iter().map(|l| l.number).collect::<Vec<_>>();
    assert_eq!(numbers(&lf), [2, 3, 4]);
    assert_eq!(numbers(&crlf), [2, 3, 4]);
    assert_eq!(numbers(&format!("\n\r\n{crlf}\r\n\r\n")), [4, 5, 6]);
    // No line break after the last record.
    assert_eq!(numbers(lf.trim_end()), [2, 3, 4]);
    // Classic Mac line ends, a lone CR, with a blank line, also when the
    // file is longer than the header limit.
    let mut mac = lf.clone();
    while mac.len() < 2 * MAX_HEADER_BYTES {
        mac.push_str(&row(&[]));
        mac.push('\n');
    }
    assert_eq!(
        parse(mac.replace('\n', "\r")).len(),
        lf.lines().count() - 1 + (mac.len() - lf.len()) / (row(&[]).len() + 1)
    );
    assert_eq!(numbers(&lf.replace('\n', "\r").replacen('\r', "\r\r", 2)), [3, 5, 6]);
}

#[test]
fn a_header_only_file_has_no_lines() {
    assert!(parse(format!("{HEADER}\n")).is_empty());
    assert!(parse(HEADER).is_empty());
}

#[test]
fn missing_required_columns_are_named() {
    let header = HEADER.replace("kotikunta,", "").replace("sukunimi,", "");
    let err = read(format!("{header}\n").as_bytes(), &options()).err().unwrap();
    assert_eq!(err.code(), "MISSING_COLUMNS");
    assert_eq!(err.message_id(), "transfer-missing-columns");
    assert!(
        matches!(&err, TransferError::MissingColumns { columns } if columns == &["sukunimi", "kotikunta"])
    );
    assert_eq!(err.to_string(), "the transfer file lacks required columns: sukunimi, kotikunta");

    // Optional columns may be left out.
    let minimal = "henkilotunnus;sukunimi;etunimet;aidinkieli;kotikunta\n180894-076S;Järvinen;Timo;fi;638\n";
    let lines = parse(minimal);
    let row = customer(&lines[0]);
    assert_eq!((row.customer.benefit, row.in_service, row.customer.service_language), (None, None, Lang::Fi));
    assert_eq!(row.earnings_related, None);
}

#[test]
fn an_empty_file_is_an_error() {
    for empty in ["", "\u{FEFF}", "\n\n", "\r\n"] {
        let err = read(empty.as_bytes(), &options()).err().unwrap();
        assert!(matches!(err, TransferError::EmptyFile), "{empty:?}: {err:?}");
    }
    let long = "x".repeat(MAX_HEADER_BYTES + 10);
    let err = read(long.as_bytes(), &options()).err().unwrap();
    assert_eq!(err.code(), "HEADER_TOO_LONG");
}

// Validation --------------------------------------------------------------

/// Makes each code once, and checks it names the right column.
#[test]
fn every_rejection_code_with_its_column() {
    let (phone, name, street, office) = ("0".repeat(41), "a".repeat(101), "a".repeat(201), "a".repeat(101));
    let email = format!("{}@example.fi", "a".repeat(250));
    let cases: [(&str, &str, Option<&str>, RejectionCode); 21] = [
        ("sukunimi", "", Some("sukunimi"), RejectionCode::Missing),
        ("henkilotunnus", " ", Some("henkilotunnus"), RejectionCode::Missing),
        (
            "henkilotunnus",
            "180894-076T",
            Some("henkilotunnus"),
            RejectionCode::InvalidHetu(HetuError::Checksum),
        ),
        (
            "henkilotunnus",
            "180894*076S",
            Some("henkilotunnus"),
            RejectionCode::InvalidHetu(HetuError::CenturySign),
        ),
        ("aidinkieli", "xx", Some("aidinkieli"), RejectionCode::InvalidLanguage),
        ("asiointikieli", "de", Some("asiointikieli"), RejectionCode::InvalidServiceLanguage),
        ("kotikunta", "63a", Some("kotikunta"), RejectionCode::InvalidMunicipality),
        ("kotikunta", "091", Some("kotikunta"), RejectionCode::MunicipalityNotInArea),
        ("tyottomyys_alkanut", "31.2.2021", Some("tyottomyys_alkanut"), RejectionCode::InvalidDate),
        ("etuus", "asumistuki", Some("etuus"), RejectionCode::InvalidBenefit),
        ("palvelussa", "ehkä", Some("palvelussa"), RejectionCode::InvalidBoolean),
        ("postinumero", "0014", Some("postinumero"), RejectionCode::InvalidPostalCode),
        ("sahkoposti", "timo.example.fi", Some("sahkoposti"), RejectionCode::InvalidEmail),
        ("puhelin", "soita illalla", Some("puhelin"), RejectionCode::InvalidPhone),
        ("postitoimipaikka", "Porvoo\u{1b}[31m", Some("postitoimipaikka"), RejectionCode::InvalidCharacters),
        ("puhelin", &phone, Some("puhelin"), RejectionCode::TooLong { max: MAX_PHONE }),
        ("etunimet", &name, Some("etunimet"), RejectionCode::TooLong { max: MAX_NAME }),
        ("lahiosoite", &street, Some("lahiosoite"), RejectionCode::TooLong { max: MAX_STREET_ADDRESS }),
        (
            "postitoimipaikka",
            &office,
            Some("postitoimipaikka"),
            RejectionCode::TooLong { max: MAX_POST_OFFICE },
        ),
        ("sahkoposti", &email, Some("sahkoposti"), RejectionCode::TooLong { max: MAX_EMAIL }),
        ("kotikunta", "638,extra", None, RejectionCode::MalformedRecord),
    ];
    let text = file(&cases.iter().map(|(name, value, _, _)| row(&[(name, value)])).collect::<Vec<_>>());
    let lines = parse(text);
    assert_eq!(lines.len(), cases.len());
    let mut seen = std::collections::BTreeSet::new();
    for (line, (name, value, column, code)) in lines.iter().zip(cases) {
        assert_eq!(rejections(line), [Rejection { column, code }], "{name} = {value:?}");
        seen.insert(code.as_str());
    }

    // Not UTF-8 (Latin-1 ö), only in the field it is in.
    let mut latin1 = file(&[row(&[("sukunimi", "Sj#berg")])]).into_bytes();
    let at = latin1.iter().position(|&b| b == b'#').unwrap();
    latin1[at] = 0xF6;
    let lines = parse(latin1);
    assert_eq!(
        rejections(&lines[0]),
        [Rejection { column: Some("sukunimi"), code: RejectionCode::InvalidEncoding }]
    );
    seen.insert(RejectionCode::InvalidEncoding.as_str());
    // The extension column's own code: drawing earnings-related allowance
    // without a right to it.
    let contradiction = extended(&[(row(&[("etuus", "ansiopaivaraha")]), "0")]);
    assert_eq!(
        rejections(&parse(contradiction)[0]),
        [Rejection { column: Some("ansiosidonnainen"), code: RejectionCode::ContradictsBenefit }]
    );
    seen.insert(RejectionCode::ContradictsBenefit.as_str());
    // The two that end the stream have tests of their own below.
    seen.extend([RejectionCode::RecordTooLarge.as_str(), RejectionCode::Io.as_str()]);
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), every_code());
}

/// Every code, sorted; a new variant fails the test above until a case
/// makes it.
fn every_code() -> Vec<&'static str> {
    let mut codes: Vec<_> = crate::error::every_rejection().iter().map(RejectionCode::as_str).collect();
    codes.sort_unstable();
    codes
}

#[test]
fn a_row_reports_all_its_faults_in_column_order() {
    let bad = row(&[
        ("henkilotunnus", "180894-976S"),
        ("etunimet", ""),
        ("aidinkieli", "zz"),
        ("kotikunta", "999"),
        ("palvelussa", "maybe"),
        ("sahkoposti", "@"),
    ]);
    let lines = parse(file(&[bad]));
    let columns: Vec<_> =
        rejections(&lines[0]).iter().map(|r| (r.column.unwrap(), r.code.as_str())).collect();
    assert_eq!(
        columns,
        [
            ("henkilotunnus", "INVALID_HETU"),
            ("etunimet", "MISSING"),
            ("aidinkieli", "INVALID_LANGUAGE"),
            ("kotikunta", "MUNICIPALITY_NOT_IN_AREA"),
            ("palvelussa", "INVALID_BOOLEAN"),
            ("sahkoposti", "INVALID_EMAIL"),
        ]
    );
}

#[test]
fn an_invalid_row_is_rejected_even_if_it_would_be_eligible() {
    // Under 30, foreign language, benefit and in service: and a bad date.
    let bad =
        row(&[("henkilotunnus", "121298W564W"), ("aidinkieli", "vi"), ("tyottomyys_alkanut", "2021-13-01")]);
    let lines = parse(file(&[bad]));
    assert_eq!(rejections(&lines[0])[0].code, RejectionCode::InvalidDate);
}

#[test]
fn a_malformed_record_does_not_stop_the_stream() {
    let text = format!("{HEADER}\n{}\nonly,three,fields\n{}\n", row(&[]), row(&[]));
    let lines = parse(text);
    assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(rejections(&lines[1]), [Rejection::record(RejectionCode::MalformedRecord)]);
    customer(&lines[2]);
}

#[test]
fn an_unclosed_quote_stops_at_the_record_size_limit() {
    let mut text = file(&[row(&[]), row(&[("lahiosoite", "\"Kauppakatu 5")])]);
    let filler = row(&[]) + "\n";
    while text.len() < 2 * MAX_RECORD_BYTES {
        text.push_str(&filler);
    }
    let lines = parse(text);
    assert_eq!(lines.len(), 2);
    customer(&lines[0]);
    assert_eq!(lines[1].number, 3);
    assert_eq!(rejections(&lines[1]), [Rejection::record(RejectionCode::RecordTooLarge)]);
}

/// Gives `ok` bytes of `text`, then fails.
struct FailingReader {
    text: Vec<u8>,
    at: usize,
    ok: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.ok {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "gone"));
        }
        let n = buf.len().min(self.ok - self.at).min(7);
        buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_failing_reader_ends_with_one_io_line() {
    let text = file(&[row(&[]), row(&[]), row(&[])]).into_bytes();
    let ok = HEADER.len() + 1 + row(&[]).len() + 1 + 10;
    let lines: Vec<Line> = read(FailingReader { text, at: 0, ok }, &options()).unwrap().collect();
    assert_eq!(lines.len(), 2);
    customer(&lines[0]);
    assert_eq!(lines[1].number, 3);
    assert_eq!(rejections(&lines[1]), [Rejection::record(RejectionCode::Io)]);

    let err = read(FailingReader { text: Vec::new(), at: 0, ok: 0 }, &options()).err().unwrap();
    assert_eq!(err.code(), "UNREADABLE_FILE");
}

#[test]
fn service_language_follows_the_mother_tongue_when_empty() {
    let cases = [
        ("sv", "", Lang::Sv),
        ("fi", "", Lang::Fi),
        ("ru", "", Lang::Fi),
        ("se", "", Lang::Fi),
        ("sv", "en", Lang::En),
        ("fi", "SV", Lang::Sv),
    ];
    for default in [Lang::Fi, Lang::Sv] {
        let options = TransferOptions { default_language: default, ..options() };
        let rows: Vec<String> = cases
            .iter()
            .map(|(tongue, service, _)| row(&[("aidinkieli", tongue), ("asiointikieli", service)]))
            .collect();
        let lines = parse_with(file(&rows), &options);
        for (line, (tongue, service, expected)) in lines.iter().zip(cases) {
            let expected = if (tongue, service) == ("ru", "") || (tongue, service) == ("se", "") {
                default
            } else {
                expected
            };
            assert_eq!(
                customer(line).customer.service_language,
                expected,
                "{tongue} {service:?} default {default}"
            );
        }
    }
}

/// Each row's reasons under the rules of `transfer_date`; panics on a
/// rejected row.
fn reasons_on(transfer_date: NaiveDate, text: impl AsRef<[u8]>) -> Vec<Vec<EligibilityReason>> {
    parse_with(text, &on(transfer_date))
        .iter()
        .map(|l| match &l.outcome {
            Outcome::Customer(r) | Outcome::NotEligible(r) => r.eligibility.clone(),
            Outcome::Rejected(why) => panic!("line {}: {why:?}", l.number),
        })
        .collect()
}

#[test]
fn eligibility_is_worked_out_on_the_transfer_date() {
    // 30 or over, Finnish, on earnings-related allowance, not in service.
    let plain = [("etuus", "ansiopaivaraha"), ("palvelussa", "0")];
    let with = |more: &[(&str, &str)]| row(&[plain.as_slice(), more].concat());
    let turns_30_on_transfer = with_check("241194-123");
    let turns_30_the_day_after = with_check("251194-123");
    let rows = [
        with(&[]),
        with(&[("henkilotunnus", &turns_30_on_transfer)]),
        with(&[("henkilotunnus", &turns_30_the_day_after)]),
        with(&[("aidinkieli", "se")]),
        with(&[("aidinkieli", "et")]),
        row(&[("etuus", "peruspaivaraha"), ("palvelussa", "")]),
        row(&[("etuus", "ei"), ("palvelussa", "true"), ("tyottomyys_alkanut", "")]),
        row(&[("etuus", ""), ("palvelussa", "false")]),
        row(&[("etuus", ""), ("palvelussa", "false"), ("tyottomyys_alkanut", "")]),
        row(&[("etuus", ""), ("palvelussa", "false"), ("tyottomyys_alkanut", "25.11.2024")]),
    ];
    use EligibilityReason::*;
    assert_eq!(
        reasons_on(date(2024, 11, 24), file(&rows)),
        [
            vec![],
            vec![],
            vec![Under30],
            vec![],
            vec![ForeignLanguage],
            vec![NoEarningsRelatedRight],
            vec![NoEarningsRelatedRight],
            vec![NoEarningsRelatedRight],
            // Neither unemployed nor in service as far as the file shows.
            vec![],
            // Unemployed only from the day after the transfer.
            vec![],
        ]
    );
    let lines = parse_with(file(&rows), &on(date(2024, 11, 24)));
    assert!(matches!(lines[0].outcome, Outcome::NotEligible(_)));
    assert!(matches!(lines[2].outcome, Outcome::Customer(_)));
}

#[test]
fn each_version_holds_up_to_its_edge_and_no_further() {
    // Born 1968, Finnish-speaking: one with no benefit, no service and no
    // unemployment date, one on labour market subsidy in a service.
    let old = ("henkilotunnus", "090868V128X");
    let idle = row(&[old, ("etuus", "ei"), ("palvelussa", "0"), ("tyottomyys_alkanut", "")]);
    let text = file(&[idle, row(&[old])]);
    use EligibilityReason::*;
    assert_eq!(reasons_on(last_experiment_day(), &text), [vec![], vec![NoEarningsRelatedRight]]);
    assert_eq!(reasons_on(first_area_day(), &text), [vec![Resident], vec![Resident]]);
    assert_eq!(read(text.as_bytes(), &on(last_experiment_day())).unwrap().rules().id, "experiment-2021");
    assert_eq!(read(text.as_bytes(), &on(first_area_day())).unwrap().rules().id, "employment-services-2025");

    // The experiment's first day, and the day before any rules.
    assert_eq!(reasons_on(date(2021, 3, 1), &text), [vec![], vec![NoEarningsRelatedRight]]);
    let err = read(text.as_bytes(), &on(date(2021, 2, 28))).err().unwrap();
    assert_eq!(err.code(), "NO_RULES_FOR_DATE");
    assert_eq!(err.message_id(), "transfer-no-rules-for-date");
    assert!(
        matches!(err, TransferError::NoRulesForDate { first, .. } if first == date(2021, 3, 1)),
        "{err:?}"
    );
}

#[test]
fn no_benefit_and_no_service_is_a_customer_only_from_2025_unless_unemployed() {
    let idle = row(&[("etuus", "ei"), ("palvelussa", "0"), ("tyottomyys_alkanut", "")]);
    let idle_empty = row(&[("etuus", ""), ("palvelussa", ""), ("tyottomyys_alkanut", "")]);
    let unemployed = row(&[("etuus", "ei"), ("palvelussa", "0"), ("tyottomyys_alkanut", "1.6.2024")]);
    let before =
        parse_with(file(&[idle.clone(), idle_empty.clone(), unemployed.clone()]), &on(last_experiment_day()));
    not_eligible(&before[0]);
    not_eligible(&before[1]);
    assert_eq!(customer(&before[2]).eligibility, [EligibilityReason::NoEarningsRelatedRight]);
    let after = parse_with(file(&[idle, idle_empty, unemployed]), &on(first_area_day()));
    assert!(after.iter().all(|l| customer(l).eligibility == [EligibilityReason::Resident]));
}

#[test]
fn in_service_on_earnings_related_allowance_is_a_customer_before_2025_only_if_young_or_foreign() {
    let served = [("etuus", "ansiopaivaraha"), ("palvelussa", "1")];
    let with = |more: &[(&str, &str)]| row(&[served.as_slice(), more].concat());
    let young = with_check("010600A123");
    let rows = [with(&[]), with(&[("henkilotunnus", &young)]), with(&[("aidinkieli", "so")])];
    use EligibilityReason::*;
    assert_eq!(
        reasons_on(last_experiment_day(), file(&rows)),
        [vec![], vec![Under30], vec![ForeignLanguage]]
    );
    assert_eq!(reasons_on(first_area_day(), file(&rows)), [vec![Resident], vec![Resident], vec![Resident]]);
}

/// A file in Polku's extended format: the spec's columns and
/// `ansiosidonnainen` last; each row is a `row` and its extra field.
fn extended(rows: &[(String, &str)]) -> String {
    let mut text = format!("{HEADER},ansiosidonnainen\n");
    for (r, earnings_related) in rows {
        text.push_str(&format!("{r},{earnings_related}\n"));
    }
    text
}

#[test]
fn the_earnings_related_column_decides_the_right_where_given() {
    let on_subsidy = row(&[]);
    let no_benefit = row(&[("etuus", ""), ("palvelussa", "0")]);
    let earnings = row(&[("etuus", "ansiopaivaraha"), ("palvelussa", "0")]);
    let text = extended(&[
        (no_benefit.clone(), "1"),
        (no_benefit.clone(), "kyllä"),
        (no_benefit.clone(), "nej"),
        (no_benefit, ""),
        (earnings.clone(), "1"),
        (earnings.clone(), ""),
        (on_subsidy, "ei"),
    ]);
    let lines = parse_with(&text, &on(last_experiment_day()));
    let rights: Vec<Option<bool>> = lines.iter().map(|l| customer_or_not(l).earnings_related).collect();
    assert_eq!(rights, [Some(true), Some(true), Some(false), None, Some(true), None, Some(false)]);
    use EligibilityReason::*;
    assert_eq!(
        reasons_on(last_experiment_day(), &text),
        [
            vec![],
            vec![],
            vec![NoEarningsRelatedRight],
            // Without the column, no benefit means no right.
            vec![NoEarningsRelatedRight],
            vec![],
            // Without the column, earnings-related allowance means the right.
            vec![],
            vec![NoEarningsRelatedRight],
        ]
    );
    // From 2025 the right no longer matters.
    assert!(reasons_on(first_area_day(), &text).iter().all(|r| r == &[Resident]));

    // Drawing earnings-related allowance without the right is refused, as
    // is a value that is not yes or no.
    let bad = extended(&[(earnings.clone(), "0"), (earnings, "ehkä")]);
    let lines = parse_with(bad, &on(first_area_day()));
    assert_eq!(
        rejections(&lines[0]),
        [Rejection { column: Some("ansiosidonnainen"), code: RejectionCode::ContradictsBenefit }]
    );
    assert_eq!(
        rejections(&lines[1]),
        [Rejection { column: Some("ansiosidonnainen"), code: RejectionCode::InvalidBoolean }]
    );
}

fn customer_or_not(line: &Line) -> &TransferRow {
    match &line.outcome {
        Outcome::Customer(row) | Outcome::NotEligible(row) => row,
        Outcome::Rejected(why) => panic!("line {} rejected: {why:?}", line.number),
    }
}

#[test]
fn inari_and_skolt_sami_count_as_sami_and_unknown_codes_are_refused() {
    // 30 or over, on earnings-related allowance: only the language could
    // make them customers under the experiment.
    let with =
        |tongue: &str| row(&[("etuus", "ansiopaivaraha"), ("palvelussa", "0"), ("aidinkieli", tongue)]);
    let tongues = ["smn", "sms", "sme", "se", "SMN", "fin", "swe", "som", "so"];
    let lines = parse_with(file(&tongues.map(with)), &on(last_experiment_day()));
    let stored: Vec<&str> =
        lines.iter().map(|l| customer_or_not(l).customer.mother_tongue.as_str()).collect();
    assert_eq!(stored, ["se", "se", "se", "se", "se", "fi", "sv", "so", "so"]);
    let reasons: Vec<usize> = lines.iter().map(|l| customer_or_not(l).eligibility.len()).collect();
    assert_eq!(reasons, [0, 0, 0, 0, 0, 0, 0, 1, 1], "Sámi, Finnish and Swedish are not foreign");
    // The service language of a Swedish speaker given as `swe` is Swedish.
    let swedish = parse(file(&[row(&[("aidinkieli", "swe"), ("asiointikieli", "")])]));
    assert_eq!(customer(&swedish[0]).customer.service_language, Lang::Sv);

    for bad in ["xx", "zzz", "xxx", "krl", "fi-FI", "suomi"] {
        let lines = parse_with(file(&[with(bad)]), &on(last_experiment_day()));
        assert_eq!(
            rejections(&lines[0]),
            [Rejection { column: Some("aidinkieli"), code: RejectionCode::InvalidLanguage }],
            "{bad}"
        );
    }
}

#[test]
fn accepts_both_date_forms_and_every_boolean() {
    let rows: Vec<String> =
        [("2021-03-01", "1"), ("1.3.2021", "kyllä"), ("01.03.2021", "JA"), (" 2021-03-01 ", " True ")]
            .iter()
            .map(|(d, b)| row(&[("tyottomyys_alkanut", d), ("palvelussa", b), ("etuus", "")]))
            .collect();
    for line in parse(file(&rows)) {
        let row = customer(&line);
        assert_eq!((row.customer.unemployed_since, row.in_service), (Some(date(2021, 3, 1)), Some(true)));
    }
}

// Personal data -----------------------------------------------------------

#[test]
fn debug_output_redacts_personal_data() {
    let lines = parse(file(&[row(&[("lahiosoite", "Kauppakatu 56 A 7"), ("postinumero", "06100")])]));
    let shown = format!("{:?} {:#?}", lines[0], lines[0]);
    for secret in
        ["180894-076S", "076S", "Järvinen", "Timo", "Kauppakatu", "06100", "Porvoo", "0402171979", "jarvinen"]
    {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("180894*****"), "{shown}");
    assert!(shown.contains("<redacted>") && shown.contains("LabourMarketSubsidy"), "{shown}");
}

#[test]
fn rejections_never_carry_field_values() {
    let bad = row(&[
        ("henkilotunnus", "180894-076T"),
        ("aidinkieli", "qq"),
        ("kotikunta", "777"),
        ("sahkoposti", "secret-mail"),
        ("postinumero", "9999"),
    ]);
    let lines = parse(file(&[bad]));
    let why = rejections(&lines[0]);
    let shown = format!(
        "{why:?} {:?}",
        why.iter().map(|r| (r.code.as_str(), r.code.message_id())).collect::<Vec<_>>()
    );
    for secret in ["180894", "076T", "qq", "777", "secret-mail", "9999"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

// Generated input ---------------------------------------------------------

/// Quotes a field when it must be, as a spreadsheet would.
fn quote(field: &str, delimiter: char) -> String {
    if field.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Line breaks as the reader counts them: `\n`, `\r\n` and a lone `\r`.
fn line_breaks(s: &str) -> u64 {
    (s.matches('\r').count() + s.matches('\n').count() - s.matches("\r\n").count()) as u64
}

prop_compose! {
    fn valid_hetu()(offset in 0i64..(365 * 100), individual in 2u32..=899, pick in 0usize..6) -> String {
        let born = date(1925, 1, 1) + chrono::Duration::days(offset);
        let signs: &[char] = if born.year() < 2000 { &['-', 'Y', 'X', 'W', 'V', 'U'] } else { &['A', 'B', 'C', 'D', 'E', 'F'] };
        with_check(&format!("{}{}{individual:03}", born.format("%d%m%y"), signs[pick]))
    }
}

fn free_text(max: usize) -> impl Strategy<Value = String> {
    // Letters, spaces and the characters that need quoting.
    proptest::string::string_regex(&format!("[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö ,;\"\n\r.-]{{0,{}}}[a-zö]", max - 2))
        .unwrap()
}

prop_compose! {
    fn valid_row()(
        hetu in valid_hetu(),
        last in free_text(30),
        first in free_text(30),
        tongue in prop::sample::select(vec!["fi", "sv", "se", "ru", "et", "ar", "so", "en", "FI"]),
        service in prop::sample::select(vec!["", "fi", "sv", "en", "Sv"]),
        since in prop::option::of((0i64..4000, any::<bool>())),
        benefit in prop::sample::select(vec!["", "tyomarkkinatuki", "peruspaivaraha", "ansiopaivaraha", "ei", "Peruspäiväraha"]),
        in_service in prop::sample::select(vec!["", "1", "0", "true", "false", "kyllä", "ei", "ja", "nej"]),
        street in prop::option::of(free_text(60)),
        postal in prop::option::of(0u32..100_000),
        phone in prop::option::of("\\+?([0-9] ?){5,12}[0-9]"),
        email in prop::option::of("[a-z]{1,10}(\\.[a-z]{1,10})?@[a-z]{1,10}\\.(fi|se|com)"),
    ) -> Vec<String> {
        let since = since.map(|(days, iso)| {
            let d = date(2010, 1, 1) + chrono::Duration::days(days);
            if iso { d.format("%Y-%m-%d").to_string() } else { d.format("%-d.%-m.%Y").to_string() }
        });
        vec![
            hetu, last, first, tongue.to_string(), service.to_string(), "638".to_string(),
            since.unwrap_or_default(), benefit.to_string(), in_service.to_string(),
            street.unwrap_or_default(), postal.map(|p| format!("{p:05}")).unwrap_or_default(),
            "Porvoo".to_string(), phone.unwrap_or_default(), email.unwrap_or_default(),
        ]
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn rows_built_from_valid_parts_all_parse(
        rows in prop::collection::vec(valid_row(), 0..20),
        semicolon in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        blank_lines in prop::collection::vec(0usize..3, 20),
    ) {
        let (delimiter, end) = (if semicolon { ';' } else { ',' }, if crlf { "\r\n" } else { "\n" });
        let mut text = String::new();
        if bom {
            text.push('\u{FEFF}');
        }
        text.push_str(&HEADER.replace(',', &delimiter.to_string()));
        text.push_str(end);
        let mut expected_lines = Vec::new();
        let mut line = 2u64;
        for (fields, blanks) in rows.iter().zip(&blank_lines) {
            for _ in 0..*blanks {
                text.push_str(end);
                line += 1;
            }
            let record: Vec<String> = fields.iter().map(|f| quote(f, delimiter)).collect();
            let record = record.join(&delimiter.to_string());
            expected_lines.push(line);
            line += 1 + line_breaks(&record);
            text.push_str(&record);
            text.push_str(end);
        }
        let lines = parse(&text);
        prop_assert_eq!(lines.len(), rows.len());
        prop_assert_eq!(lines.iter().map(|l| l.number).collect::<Vec<_>>(), expected_lines);
        for (line, fields) in lines.iter().zip(&rows) {
            match &line.outcome {
                Outcome::Customer(row) | Outcome::NotEligible(row) => {
                    prop_assert_eq!(row.customer.hetu.expose_secret(), fields[0].as_str());
                    prop_assert_eq!(row.customer.last_name.as_str(), fields[1].trim());
                    prop_assert_eq!(row.customer.street_address.as_ref().map(polku_domain::contact::StreetAddress::as_str).unwrap_or(""), fields[9].trim());
                    prop_assert_eq!(row.eligibility.is_empty(), matches!(line.outcome, Outcome::NotEligible(_)));
                }
                Outcome::Rejected(why) => prop_assert!(false, "line {} rejected: {:?}", line.number, why),
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_every_line_is_numbered(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut text = format!("{HEADER}\n").into_bytes();
        text.extend(body);
        let lines = parse(&text);
        prop_assert!(lines.windows(2).all(|w| w[0].number < w[1].number));
        prop_assert!(lines.iter().all(|l| l.number >= 2));
    }
}

// The synthetic generator -------------------------------------------------

#[test]
fn synthetic_files_are_deterministic() {
    let a: Vec<String> = synthetic::synthetic(500, 7, "638").collect();
    let b: Vec<String> = synthetic::synthetic(500, 7, "638").collect();
    let c: Vec<String> = synthetic::synthetic(500, 8, "638").collect();
    assert_eq!(a.len(), 501);
    assert_eq!(a[0], HEADER);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let mut from_reader = String::new();
    synthetic::reader(500, 7, "638").read_to_string(&mut from_reader).unwrap();
    assert_eq!(from_reader, a.join("\n") + "\n");
}

#[test]
fn synthetic_rows_parse_with_about_one_percent_rejected() {
    const ROWS: usize = 20_000;
    let lines: Vec<Line> = read(synthetic::reader(ROWS, 42, "638"), &options()).unwrap().collect();
    assert_eq!(lines.len(), ROWS);
    assert!(lines.iter().enumerate().all(|(i, l)| l.number == i as u64 + 2));
    let (customers, not_eligible, rejected) = counts(&lines);
    assert!((ROWS / 200..=ROWS * 3 / 200).contains(&rejected), "{rejected} rejected");
    assert_eq!((customers, not_eligible), (ROWS - rejected, 0), "from 2025 every valid row is a customer");
    // The same file under the experiment's rules is a mix.
    let lines: Vec<Line> =
        read(synthetic::reader(ROWS, 42, "638"), &on(last_experiment_day())).unwrap().collect();
    let (customers, not_eligible, rejected_then) = counts(&lines);
    assert_eq!(rejected_then, rejected);
    assert!(customers > ROWS / 4 && not_eligible > ROWS / 20, "{customers} / {not_eligible}");
    let mut codes = std::collections::BTreeSet::new();
    for line in &lines {
        if let Outcome::Rejected(why) = &line.outcome {
            assert_eq!(why.len(), 1, "line {}: {why:?}", line.number);
            codes.insert(why[0].code.as_str());
        }
    }
    assert_eq!(codes.len(), 9, "{codes:?}");

    // Another municipality code works the same way.
    let hollola =
        TransferOptions { municipalities: vec![MunicipalityCode::parse("098").unwrap()], ..options() };
    let lines: Vec<Line> = read(synthetic::reader(2_000, 1, "098"), &hollola).unwrap().collect();
    assert!(counts(&lines).2 < 60);
}
