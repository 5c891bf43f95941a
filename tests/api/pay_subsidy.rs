//! Pay subsidy and work trials by the rules of each date, through the API:
//! every version at its edges (the day before and the day it takes effect),
//! a municipality as employer from 1.1.2025, the lengths and the 3-year
//! rule, the 100 % subsidy's conditions, the 55+ employment subsidy, the
//! work trial with a municipality counted per task, and employment grants
//! whose subsidy percent must exist on their start. Each refusal is
//! localised and names its field; a refused episode writes nothing.

use chrono::NaiveDate;
use polku_domain::Role;
use serde_json::{json, Value};
use sqlx::Connection;

use crate::harness::{data, error_code, error_field, error_message, token_for, TestApp};

const ADD: &str = "mutation($i: PathEpisodeInput!) { addPathEpisode(input: $i) { id ruleVersion task \
    subsidy { ratePercent basis monthlyAmount unemployedMonthsOfLast14 unemployedMonthsOfLast28 nonBusinessTasks } } }";

struct Area {
    app: TestApp,
    coach: String,
    customers: Vec<Value>,
}

impl Area {
    async fn new() -> Area {
        let app = TestApp::spawn().await;
        let coach = token_for("coach-porvoo", "porvoo", &[Role::Coach]);
        let r = app.gql(Some(&coach), "{ caseload { customer { id } } }", json!({})).await;
        let customers: Vec<Value> =
            data(&r)["caseload"].as_array().unwrap().iter().map(|c| c["customer"]["id"].clone()).collect();
        assert!(customers.len() >= 6, "the demo caseload has customers to spare");
        Area { app, coach, customers }
    }

    async fn partner(&self, name: &str) -> Value {
        json!(self.app.partner_id(&self.coach, name).await)
    }

    /// A partner of kind MUNICIPAL_UNIT: the municipality as employer or organiser.
    async fn municipality(&self) -> Value {
        let admin = self.app.token(Some("porvoo"), &[Role::TenantAdmin]);
        let r = self
            .app
            .gql(
                Some(&admin),
                "mutation($i: PartnerInput!) { createPartner(input: $i) { partner { id } } }",
                json!({ "i": { "name": "Porvoon kaupunki, tekninen toimi", "kind": "MUNICIPAL_UNIT", "languages": ["FI", "SV"] } }),
            )
            .await;
        data(&r)["createPartner"]["partner"]["id"].clone()
    }

    async fn add(&self, lang: &str, input: Value) -> Value {
        self.app.gql_lang(Some(&self.coach), Some(lang), ADD, json!({ "i": input })).await
    }

    async fn accepted(&self, input: Value) -> Value {
        let r = self.add("en", input).await;
        data(&r)["addPathEpisode"].clone()
    }

    async fn refused(&self, lang: &str, input: Value, code: &str, field: &str) -> String {
        let r = self.add(lang, input).await;
        assert_eq!(error_code(&r), Some(code), "{r:#}");
        assert_eq!(error_field(&r), Some(field), "{r:#}");
        let message = error_message(&r).to_string();
        assert!(message.contains(field), "{message}");
        message
    }

    /// Sets a customer's birth date, for the grounds with an age.
    async fn born(&self, customer: &Value, on: NaiveDate) {
        let mut db = sqlx::PgConnection::connect(&self.app.superuser_url).await.unwrap();
        let id: uuid::Uuid = customer.as_str().unwrap().parse().unwrap();
        sqlx::query("UPDATE customers SET birth_date = $1 WHERE customer_id = $2")
            .bind(on)
            .bind(id)
            .execute(&mut db)
            .await
            .unwrap();
    }

    async fn path_len(&self, customer: &Value) -> usize {
        let r = self
            .app
            .gql(
                Some(&self.coach),
                "query($c: ID!) { customer(id: $c) { path { id } } }",
                json!({ "c": customer }),
            )
            .await;
        data(&r)["customer"]["path"].as_array().unwrap().len()
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A pay-subsidised period; `extra` adds or overrides subsidy fields.
fn job(
    customer: &Value,
    from: &str,
    to: &str,
    employer: &Value,
    rate: i32,
    euros: &str,
    extra: Value,
) -> Value {
    let mut subsidy = json!({ "ratePercent": rate, "workingTimePercent": 60, "monthlyAmount": euros });
    for (k, v) in extra.as_object().unwrap() {
        subsidy[k] = v.clone();
    }
    json!({ "customerId": customer, "stage": "PAY_SUBSIDISED_WORK", "startsOn": from, "endsOn": to,
        "organiserId": employer, "subsidy": subsidy })
}

#[tokio::test]
async fn rates_and_caps_follow_the_rules_of_the_start_date() {
    let a = Area::new().await;
    let c = &a.customers[0];
    let (posintra, careeria, prakticum) =
        (a.partner("Posintra").await, a.partner("Careeria").await, a.partner("Prakticum").await);

    // Before the first version, and on its first day.
    a.refused(
        "en",
        job(c, "2016-12-31", "2017-01-31", &prakticum, 30, "900", json!({})),
        "NO_PATH_RULE_FOR_DATE",
        "input.startsOn",
    )
    .await;
    let first = a.accepted(job(c, "2017-01-01", "2017-03-31", &prakticum, 30, "900", json!({}))).await;
    assert_eq!(first["ruleVersion"], "path-2017");
    assert_eq!(first["subsidy"]["basis"], "REDUCED_SKILLS");

    // 30 % up to 30.6.2023, at most 1 400 € a month.
    let e1 = a.accepted(job(c, "2023-05-01", "2023-05-31", &posintra, 30, "1400", json!({}))).await;
    assert_eq!(
        (e1["ruleVersion"].as_str(), e1["subsidy"]["monthlyAmount"].as_str()),
        (Some("path-2017"), Some("1400.00"))
    );
    a.refused(
        "fi",
        job(c, "2023-06-30", "2023-06-30", &careeria, 30, "1400,01", json!({})),
        "SUBSIDY_CAP_EXCEEDED",
        "input.subsidy.monthlyAmount",
    )
    .await;
    // 70 % is not yet in force on 30.6.2023, and is on 1.7.2023; 30 % is then gone.
    let m = a
        .refused(
            "fi",
            job(c, "2023-06-30", "2023-06-30", &careeria, 70, "1000", json!({})),
            "SUBSIDY_RATE_NOT_IN_FORCE",
            "input.subsidy.ratePercent",
        )
        .await;
    assert!(m.contains("30, 40, 50, 100"), "{m}");
    let e2 = a.accepted(job(c, "2023-07-01", "2023-08-31", &careeria, 70, "1770", json!({}))).await;
    assert_eq!(
        (e2["ruleVersion"].as_str(), e2["subsidy"]["basis"].as_str()),
        (Some("path-2023"), Some("REDUCED_WORK_ABILITY"))
    );
    let m = a
        .refused(
            "sv",
            job(c, "2023-09-01", "2023-09-30", &careeria, 30, "900", json!({})),
            "SUBSIDY_RATE_NOT_IN_FORCE",
            "input.subsidy.ratePercent",
        )
        .await;
    assert!(m.contains("50, 70, 100") && m.contains("procent"), "{m}");
    // Not a rate of any version.
    a.refused(
        "en",
        job(c, "2023-09-01", "2023-09-30", &careeria, 60, "900", json!({})),
        "INVALID_SUBSIDY_RATE",
        "input.subsidy.ratePercent",
    )
    .await;
    // A ground given the wrong rate for its day.
    let m = a
        .refused(
            "en",
            job(
                c,
                "2023-09-01",
                "2023-09-30",
                &careeria,
                50,
                "900",
                json!({ "basis": "REDUCED_WORK_ABILITY" }),
            ),
            "SUBSIDY_RATE_FOR_BASIS",
            "input.subsidy.ratePercent",
        )
        .await;
    assert!(m.contains("70 per cent"), "{m}");
    assert_eq!(a.path_len(c).await, 3, "refusals write nothing");
}

#[tokio::test]
async fn a_municipality_as_employer_from_2025_only_for_reduced_work_ability_or_the_long_term_unemployed_60() {
    let a = Area::new().await;
    let city = a.municipality().await;
    let (c1, c2, c3) = (&a.customers[1], &a.customers[2], &a.customers[3]);

    // On 31.12.2024 a municipality still gets 50 % for reduced skills.
    let e = a.accepted(job(c1, "2024-12-31", "2025-02-28", &city, 50, "1260", json!({}))).await;
    assert_eq!(e["ruleVersion"], "path-2023");
    // From 1.1.2025 it does not, with or without the ground named.
    for (lang, extra) in [("en", json!({})), ("sv", json!({ "basis": "REDUCED_SKILLS" }))] {
        let m = a
            .refused(
                lang,
                job(c2, "2025-01-01", "2025-03-31", &city, 50, "1260", extra),
                "SUBSIDY_EMPLOYER_NOT_ALLOWED",
                "input.organiserId",
            )
            .await;
        assert!(m.contains("2025-01-01") && (m.contains("60") || m.contains("60 år")), "{m}");
    }
    // Reduced work ability it does, from the first day.
    let e = a.accepted(job(c2, "2025-01-01", "2025-12-31", &city, 70, "1770", json!({}))).await;
    assert_eq!(e["ruleVersion"], "path-2025");

    // A long-term unemployed person aged 60 or over: the age on the first day.
    let long_term = json!({ "basis": "LONG_TERM_UNEMPLOYED_60", "unemployedMonthsOfLast14": 13 });
    a.born(c3, d(1965, 1, 2)).await;
    let m = a
        .refused(
            "fi",
            job(c3, "2025-01-01", "2026-12-31", &city, 50, "1260", long_term.clone()),
            "SUBSIDY_CONDITION_NOT_MET",
            "input.subsidy.basis",
        )
        .await;
    assert!(m.contains("60 vuotta"), "{m}");
    a.born(c3, d(1965, 1, 1)).await;
    let e = a.accepted(job(c3, "2025-01-01", "2026-12-31", &city, 50, "1260", long_term)).await;
    assert_eq!(e["subsidy"]["basis"], "LONG_TERM_UNEMPLOYED_60");
    assert_eq!(e["subsidy"]["unemployedMonthsOfLast14"], 13);
}

#[tokio::test]
async fn lengths_the_three_year_rule_and_the_conditions_of_the_hundred_percent() {
    let a = Area::new().await;
    let c = &a.customers[4];
    let (posintra, careeria, samaria) =
        (a.partner("Posintra").await, a.partner("Careeria").await, a.partner("Samaria rf").await);

    // Reduced skills: 5 months, or 10 after 12 of the last 14 months unemployed.
    let m = a
        .refused(
            "en",
            job(c, "2025-02-01", "2025-07-01", &posintra, 50, "1260", json!({})),
            "SUBSIDY_PERIOD_TOO_LONG",
            "input.endsOn",
        )
        .await;
    assert!(m.contains("at most 5 months") && m.contains("10 months"), "{m}");
    a.refused(
        "en",
        job(c, "2025-02-01", "2025-12-01", &posintra, 50, "1260", json!({ "unemployedMonthsOfLast14": 12 })),
        "SUBSIDY_PERIOD_TOO_LONG",
        "input.endsOn",
    )
    .await;
    a.refused(
        "en",
        job(c, "2025-02-01", "2025-11-30", &posintra, 50, "1260", json!({ "unemployedMonthsOfLast14": 15 })),
        "OUT_OF_RANGE",
        "input.subsidy.unemployedMonthsOfLast14",
    )
    .await;
    a.accepted(job(
        c,
        "2025-02-01",
        "2025-11-30",
        &posintra,
        50,
        "1260",
        json!({ "unemployedMonthsOfLast14": 12 }),
    ))
    .await;

    // The same employer again too soon; another employer at once.
    let m = a
        .refused(
            "fi",
            job(c, "2025-12-01", "2026-04-30", &posintra, 50, "1260", json!({})),
            "SUBSIDY_SAME_EMPLOYER",
            "input.organiserId",
        )
        .await;
    assert!(m.contains("2025-11-30") && m.contains("2028-12-01"), "{m}");
    a.accepted(job(c, "2025-12-01", "2026-04-30", &careeria, 50, "1260", json!({}))).await;

    // 100 %: an association, non-business tasks, 24 of the last 28 months unemployed.
    let hundred = |extra: Value| job(c, "2026-05-01", "2027-04-30", &samaria, 100, "2020", extra);
    a.refused(
        "en",
        job(c, "2026-05-01", "2027-04-30", &posintra, 100, "2020", json!({})),
        "SUBSIDY_RATE_NOT_ALLOWED",
        "input.subsidy.ratePercent",
    )
    .await;
    a.refused(
        "en",
        hundred(json!({ "unemployedMonthsOfLast28": 26 })),
        "REQUIRED",
        "input.subsidy.nonBusinessTasks",
    )
    .await;
    let m = a
        .refused(
            "sv",
            hundred(json!({ "unemployedMonthsOfLast28": 23, "nonBusinessTasks": true })),
            "SUBSIDY_CONDITION_NOT_MET",
            "input.subsidy.unemployedMonthsOfLast28",
        )
        .await;
    assert!(m.contains("24") && m.contains("28"), "{m}");
    a.refused(
        "en",
        hundred(
            json!({ "unemployedMonthsOfLast28": 26, "nonBusinessTasks": true, "workingTimePercent": 66 }),
        ),
        "SUBSIDY_RATE_NOT_ALLOWED",
        "input.subsidy.workingTimePercent",
    )
    .await;
    let e = a.accepted(hundred(json!({ "unemployedMonthsOfLast28": 26, "nonBusinessTasks": true }))).await;
    assert_eq!(e["subsidy"]["basis"], "NON_PROFIT");
    assert_eq!(e["subsidy"]["nonBusinessTasks"], true);
    assert_eq!(a.path_len(c).await, 3);
}

#[tokio::test]
async fn the_55_plus_employment_subsidy_is_its_own_kind_from_1_july_2023() {
    let a = Area::new().await;
    let c = &a.customers[5];
    let posintra = a.partner("Posintra").await;
    a.born(c, d(1968, 1, 1)).await;
    let support = json!({ "basis": "EMPLOYMENT_SUBSIDY_55", "unemployedMonthsOfLast28": 24 });
    let m = a
        .refused(
            "en",
            job(c, "2023-06-30", "2023-06-30", &posintra, 70, "1770", support.clone()),
            "SUBSIDY_BASIS_NOT_IN_FORCE",
            "input.subsidy.basis",
        )
        .await;
    assert!(m.contains("aged 55 or over") && m.contains("2023-06-30"), "{m}");
    a.refused(
        "en",
        job(c, "2023-07-01", "2024-05-01", &posintra, 70, "1770", support.clone()),
        "SUBSIDY_PERIOD_TOO_LONG",
        "input.endsOn",
    )
    .await;
    let e = a.accepted(job(c, "2023-07-01", "2024-04-30", &posintra, 70, "1770", support)).await;
    assert_eq!(
        (e["ruleVersion"].as_str(), e["subsidy"]["basis"].as_str()),
        (Some("path-2023"), Some("EMPLOYMENT_SUBSIDY_55"))
    );
    // Another kind of support: pay subsidy with the same employer is not held back.
    a.accepted(job(c, "2024-05-01", "2024-09-30", &posintra, 50, "1260", json!({}))).await;
}

#[tokio::test]
async fn with_the_municipality_a_work_trial_is_limited_per_task() {
    let a = Area::new().await;
    let (c, other) = (&a.customers[0], &a.customers[1]);
    let city = a.municipality().await;
    let posintra = a.partner("Posintra").await;
    let trial = |customer: &Value, from: &str, to: &str, organiser: Option<&Value>, task: Option<&str>| {
        json!({ "customerId": customer, "stage": "WORK_TRIAL", "startsOn": from, "endsOn": to,
            "organiserId": organiser, "task": task, "daysPerWeek": 4, "hoursPerDay": 6 })
    };

    // The area itself organises: six months in one task, then another task.
    let e = a.accepted(trial(c, "2025-01-01", "2025-06-30", None, Some("Kirjastoapulainen"))).await;
    assert_eq!(e["task"], "Kirjastoapulainen");
    a.accepted(trial(c, "2025-07-01", "2025-09-30", None, Some("keittiöapulainen"))).await;
    let m = a
        .refused(
            "en",
            trial(c, "2025-10-01", "2025-10-31", None, Some(" kirjastoapulainen ")),
            "WORK_TRIAL_LIMIT",
            "input.endsOn",
        )
        .await;
    assert!(m.contains("in the same task"), "{m}");
    a.refused("fi", trial(c, "2025-10-01", "2025-10-31", None, None), "WORK_TRIAL_LIMIT", "input.endsOn")
        .await;
    a.accepted(trial(c, "2025-10-01", "2025-10-31", None, Some("siivous"))).await;

    // A MUNICIPAL_UNIT partner counts the same way; a company per organiser.
    a.accepted(trial(other, "2025-01-01", "2025-06-30", Some(&city), Some("puistotyö"))).await;
    a.accepted(trial(other, "2025-07-01", "2025-08-31", Some(&city), Some("varasto"))).await;
    a.accepted(trial(other, "2025-09-01", "2025-12-31", Some(&posintra), Some("varasto"))).await;
    let m = a
        .refused(
            "sv",
            trial(other, "2026-01-01", "2026-03-31", Some(&posintra), Some("myymälä")),
            "WORK_TRIAL_LIMIT",
            "input.endsOn",
        )
        .await;
    assert!(m.contains("samma anordnare"), "{m}");
    let long = "x".repeat(201);
    a.refused(
        "en",
        trial(other, "2026-01-01", "2026-01-31", Some(&city), Some(&long)),
        "TOO_LONG",
        "input.task",
    )
    .await;
}

#[tokio::test]
async fn an_employment_grant_takes_a_subsidy_percent_of_its_start_date() {
    let a = Area::new().await;
    let c = &a.customers[2];
    let samaria = a.partner("Samaria rf").await;
    let record =
        "mutation($i: EmploymentGrantInput!) { recordEmploymentGrant(input: $i) { id subsidyPercent } }";
    let grant = |from: &str, to: &str, percent: i32| {
        json!({ "i": { "customerId": c, "employerId": samaria, "startsOn": from, "endsOn": to,
            "workingTimePercent": 90, "subsidyPercent": percent, "employerSupport": "Perehdytys ja työpaikkaohjaaja" } })
    };
    let r = a.app.gql(Some(&a.coach), record, grant("2023-06-30", "2023-12-31", 40)).await;
    assert_eq!(data(&r)["recordEmploymentGrant"]["subsidyPercent"], 40);
    let r = a.app.gql_lang(Some(&a.coach), Some("fi"), record, grant("2023-07-01", "2023-12-31", 40)).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("SUBSIDY_RATE_NOT_IN_FORCE"), Some("input.subsidyPercent")),
        "{r:#}"
    );
    assert!(error_message(&r).contains("50, 70, 100"), "{r:#}");
    let r = a.app.gql(Some(&a.coach), record, grant("2023-07-01", "2023-12-31", 70)).await;
    assert_eq!(data(&r)["recordEmploymentGrant"]["subsidyPercent"], 70);
    let r = a.app.gql(Some(&a.coach), record, grant("2016-12-31", "2017-06-30", 50)).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("NO_PATH_RULE_FOR_DATE"), Some("input.startsOn")),
        "{r:#}"
    );
}
