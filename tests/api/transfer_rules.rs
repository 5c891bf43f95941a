//! The transfer import judges eligibility by the transfer date, through the
//! GraphQL upload: the municipal experiment's rules up to 31.12.2024, every
//! jobseeker of the area from 1.1.2025, and the report naming the rules.

use polku_domain::Role;
use serde_json::{json, Value};

use crate::harness::{data, error_code, error_message, TestApp};

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean, $date: NaiveDate) { \
    importCustomers(file: $file, dryRun: $dry, transferDate: $date) { \
    lines imported updated notEligible rejected notEligibleLines rejections { line column code } \
    eligibility { rules effectiveFrom source summary reasons { reason customers message } } } }";

/// Porvoo jobseekers nobody in the demo is, in Polku's extended format (the
/// `ansiosidonnainen` column last). Over 30 unless said otherwise.
const FILE: &str = "henkilotunnus;sukunimi;etunimet;aidinkieli;kotikunta;tyottomyys_alkanut;etuus;palvelussa;ansiosidonnainen\n\
    150368-412X;Idle;Ilkka;fi;638;;ei;0;\n\
    230770-524E;Palvelussa;Paula;fi;638;2024-02-01;ansiopaivaraha;1;\n\
    040575-636F;Vailla;Viljo;sv;638;2024-01-15;;0;\n\
    170600A748X;Nuori;Noora;fi;638;2024-03-01;ansiopaivaraha;0;\n\
    110260-852N;Saarivaara;Áile;smn;638;2023-09-01;;0;1\n\
    010190-124N;Tuntematon;Toivo;zzz;638;2024-05-01;;0;\n";

fn counts(report: &Value) -> [u64; 5] {
    ["lines", "imported", "updated", "notEligible", "rejected"].map(|k| report[k].as_u64().unwrap())
}

fn reasons(report: &Value) -> Vec<(String, u64)> {
    report["eligibility"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["reason"].as_str().unwrap().to_string(), r["customers"].as_u64().unwrap()))
        .collect()
}

#[tokio::test]
async fn the_transfer_date_decides_which_rules_judge_the_file() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);

    // On the experiment's last day: those without a right to earnings-related
    // allowance who are unemployed, and the young. Idle (no benefit, no
    // service, no unemployment), Palvelussa (in a service on earnings-related
    // allowance) and the Inari Sámi speaker with the right are not taken.
    let before = app
        .upload(
            &admin,
            Some("en"),
            IMPORT,
            json!({ "dry": true, "date": "2024-12-31" }),
            "s.csv",
            FILE.as_bytes(),
        )
        .await;
    let report = &data(&before)["importCustomers"];
    assert_eq!(counts(report), [6, 2, 0, 3, 1]);
    assert_eq!(report["notEligibleLines"], json!([2, 3, 6]));
    assert_eq!(
        report["rejections"],
        json!([{ "line": 7, "column": "aidinkieli", "code": "INVALID_LANGUAGE" }])
    );
    let eligibility = &report["eligibility"];
    assert_eq!(eligibility["rules"], "experiment-2021");
    assert_eq!(eligibility["effectiveFrom"], "2021-03-01");
    assert!(eligibility["source"].as_str().unwrap().contains("1269/2020"), "{eligibility}");
    assert_eq!(
        reasons(report),
        [
            ("NO_EARNINGS_RELATED_RIGHT".to_string(), 1),
            ("UNDER_30".to_string(), 1),
            ("FOREIGN_LANGUAGE".to_string(), 0)
        ]
    );

    // From the first day of the employment areas: every jobseeker of the
    // area, and the report says so in the operator's language.
    let after = app
        .upload(&admin, Some("sv"), IMPORT, json!({ "date": "2025-01-01" }), "s.csv", FILE.as_bytes())
        .await;
    let report = &data(&after)["importCustomers"];
    assert_eq!(counts(report), [6, 5, 0, 0, 1]);
    let eligibility = &report["eligibility"];
    assert_eq!(eligibility["rules"], "employment-services-2025");
    assert_eq!(eligibility["effectiveFrom"], "2025-01-01");
    assert!(eligibility["source"].as_str().unwrap().contains("380/2023"), "{eligibility}");
    let summary = eligibility["summary"].as_str().unwrap();
    assert!(summary.contains("Alla arbetssökande") && summary.contains("1.1.2025"), "{summary}");
    assert_eq!(reasons(report), [("RESIDENT".to_string(), 5)]);
    assert!(eligibility["reasons"][0]["message"].as_str().unwrap().contains("hemkommun"), "{eligibility}");

    // The Inari Sámi speaker is stored as Sámi: not a foreign-language speaker.
    let r = app
        .gql(
            Some(&admin),
            "{ customers(first: 100) { edges { node { name motherTongue groups } } } }",
            json!({}),
        )
        .await;
    let edges = data(&r)["customers"]["edges"].as_array().unwrap().clone();
    let sami = edges.iter().find(|e| e["node"]["name"] == "Áile Saarivaara").expect("imported");
    assert_eq!(sami["node"]["motherTongue"], "se");
    assert!(!sami["node"]["groups"].as_array().unwrap().contains(&json!("FOREIGN_LANGUAGE_SPEAKER")));

    // Before the first rules there is nobody to judge by: the file is refused.
    let early = app
        .upload(&admin, Some("en"), IMPORT, json!({ "date": "2021-02-28" }), "s.csv", FILE.as_bytes())
        .await;
    assert_eq!(error_code(&early), Some("INVALID_TRANSFER_FILE"));
    assert!(error_message(&early).contains("2021-03-01"), "{}", error_message(&early));
}

/// One rule per field: the API and the transfer import give the same answer
/// for the same bad value (they share the domain's parsers), and both take
/// the good one.
#[tokio::test]
async fn the_api_and_the_import_give_the_same_answer_for_the_same_bad_value() {
    let app = TestApp::spawn().await;
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin, Role::Coach]);
    let create =
        "mutation($i: CustomerInput!) { createCustomer(input: $i) { motherTongue email postalCode phone } }";
    let long_name = "Ä".repeat(101);
    let cases = [
        ("131052-312X", "aidinkieli", "motherTongue", "zz", "so"),
        ("131052-3140", "aidinkieli", "motherTongue", "krl", "smn"),
        ("131052-3162", "sahkoposti", "email", "maija@fi", "maija@example.fi"),
        ("131052-3184", "sahkoposti", "email", "maija @example.fi", "maija.m@example.fi"),
        ("131052-3228", "postinumero", "postalCode", "140", "00140"),
        ("131052-324A", "puhelin", "phone", "soita illalla", "+358 40 123 4567"),
        ("131052-326C", "postitoimipaikka", "postOffice", "Borgå\u{1b}[31m", "Borgå"),
        ("131052-328E", "sukunimi", "lastName", &long_name, "Virtanen-Sjöberg"),
        ("131052-330H", "puhelin", "phone", "040 123 4567 (ilta)", "09 310 1234"),
    ];
    for (hetu, column, field, bad, good) in cases {
        let customer = |v: &str| {
            let mut i = json!({ "identityCode": hetu, "lastName": "Testinen", "firstNames": "Teija",
                                "motherTongue": "fi", "serviceLanguage": "FI", "homeMunicipality": "638" });
            i[field] = json!(v);
            json!({ "i": i })
        };
        let api = app.gql(Some(&admin), create, customer(bad)).await;
        let columns = [
            "henkilotunnus",
            "sukunimi",
            "etunimet",
            "aidinkieli",
            "kotikunta",
            "postinumero",
            "postitoimipaikka",
            "puhelin",
            "sahkoposti",
        ];
        let mut row = [hetu, "Testinen", "Teija", "fi", "638", "", "", "", ""];
        row[columns.iter().position(|c| *c == column).unwrap()] = bad;
        let file = format!("{}\n{}\n", columns.join(";"), row.join(";"));
        let import = app
            .upload(
                &admin,
                Some("en"),
                IMPORT,
                json!({ "dry": true, "date": "2026-01-01" }),
                "s.csv",
                file.as_bytes(),
            )
            .await;
        let rejection = &data(&import)["importCustomers"]["rejections"][0];
        assert_eq!(rejection["column"], column, "{import}");
        assert_eq!(error_code(&api), rejection["code"].as_str(), "{field} = {bad:?}: {api} / {import}");
        assert_eq!(api["errors"][0]["extensions"]["field"], format!("input.{field}"));
        let ok = app.gql(Some(&admin), create, customer(good)).await;
        assert!(ok["errors"].is_null(), "{field} = {good:?}: {ok}");
    }
}
