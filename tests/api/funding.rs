//! The municipality's share of unemployment benefits through the API: Kela's
//! invoice specification imported and reconciled to the cent, bad files
//! refused line by line with nothing written, and a customer's clock from
//! the invoice or from a benefit period staff recorded.

use chrono::Datelike;
use chrono::NaiveDate;
use polku_domain::figures::Month;
use polku_domain::municipal_share::{invoice, Benefit, ShareRules};
use polku_domain::rules::Rules;
use polku_domain::{Euros, Lang, Role};
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{attr, data, error_code, TestApp};

const IMPORT: &str =
    "mutation($file: Upload!) { importKelaInvoice(file: $file) { month lines matched imported \
                      rejected { line code field message } } }";
const RECONCILE: &str =
    "query($m: String!) { fundingReconciliation(month: $m) { month imported billed expected \
                         municipalities { municipality lines billed expected difference } } }";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A well-formed identity code for a made-up person of the test (the
/// temporary 900–999 range is not accepted on an invoice).
fn synthetic_hetu(n: u32) -> String {
    let (day, month, year, individual) = (1 + n % 28, 1 + (n / 28) % 12, 60 + (n / 336) % 30, 802 + n % 97);
    let number = format!("{day:02}{month:02}{year:02}{individual:03}");
    let check =
        b"0123456789ABCDEFHJKLMNPRSTUVWXY"[usize::try_from(number.parse::<u64>().unwrap() % 31).unwrap()];
    format!("{day:02}{month:02}{year:02}-{individual:03}{}", check as char)
}

/// Porvoo's municipality codes and one customer's identity code (decrypted
/// with the test vault) and id.
async fn porvoo(app: &TestApp) -> (Vec<String>, String, Uuid) {
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let (tenant,): (Uuid,) = sqlx::query_as("SELECT tenant_id FROM tenants WHERE slug = 'porvoo'")
        .fetch_one(&mut c)
        .await
        .unwrap();
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code::text FROM tenant_municipalities WHERE tenant_id = $1 ORDER BY code")
            .bind(tenant)
            .fetch_all(&mut c)
            .await
            .unwrap();
    let (customer, sealed): (Uuid, Vec<u8>) = sqlx::query_as(
        "SELECT customer_id, hetu_ciphertext FROM customers WHERE tenant_id = $1 ORDER BY customer_id LIMIT 1",
    )
    .bind(tenant)
    .fetch_one(&mut c)
    .await
    .unwrap();
    let hetu = crate::harness::vault().decrypt(tenant, &sealed).unwrap();
    (codes, hetu.expose_secret().to_string(), customer)
}

#[tokio::test]
async fn a_generated_invoice_imports_and_reconciles_to_the_cent() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, hetu, customer) = porvoo(&app).await;
    let rules = ShareRules::embedded();
    let (month, today) = (Month::of(d(2026, 10, 1)), d(2026, 11, 30));

    // 300 people across the area's municipalities and the three benefits,
    // their accumulated days crossing every step; Kela's share computed by
    // the rules. The first line is a customer of the area's.
    let mut file = format!("{}\n", invoice::HEADER);
    for n in 0..300u32 {
        let benefit =
            [Benefit::LabourMarketSubsidy, Benefit::BasicAllowance, Benefit::EarningsRelatedAllowance]
                [n as usize % 3];
        let days = 20 + n % 3;
        let cumulative = 40 + n * 3;
        let daily = if benefit == Benefit::EarningsRelatedAllowance { 6000 + i64::from(n) * 7 } else { 3721 };
        let paid = Euros::from_cents(daily * i64::from(days));
        let share = invoice::expected_share(&rules, month, benefit, days, cumulative, paid, today).unwrap();
        let who = if n == 0 { hetu.clone() } else { synthetic_hetu(n) };
        file.push_str(&format!(
            "2026-10;{};{who};{};{days};{cumulative};{};{}\n",
            codes[n as usize % codes.len()],
            invoice::benefit_code(benefit),
            paid.to_string().replace('.', ","),
            share.to_string().replace('.', ","),
        ));
    }
    let r = app.upload(&manager, Some("fi"), IMPORT, json!({}), "kela-2026-10.csv", file.as_bytes()).await;
    let report = &data(&r)["importKelaInvoice"];
    assert_eq!(report["rejected"], json!([]), "{r:#}");
    assert_eq!(
        (report["lines"].as_u64(), report["matched"].as_u64(), &report["imported"]),
        (Some(300), Some(1), &json!(true))
    );

    let r = app.gql(Some(&manager), RECONCILE, json!({ "m": "2026-10" })).await;
    let rec = &data(&r)["fundingReconciliation"];
    assert_eq!(rec["billed"], rec["expected"], "{r:#}");
    assert_ne!(rec["billed"], "0.00");
    let parts = rec["municipalities"].as_array().unwrap();
    assert_eq!(parts.len(), codes.len().min(300));
    assert!(parts.iter().all(|m| m["difference"] == "0.00"), "{r:#}");

    // The customer's clock rests on the invoice: 40 days at the end of
    // October, and 21 benefit days of November since.
    let r = app
        .at("2026-11-30T08:00:00Z".parse().unwrap())
        .gql(
            Some(&app.token(Some("porvoo"), &[Role::Coach])),
            "query($id: ID!) { customer(id: $id) { fundingClock { days percent verified nextStepFromDay \
             nextStepStartsOn monthlyShare basedOn invoiceMonth } } }",
            json!({ "id": customer }),
        )
        .await;
    let clock = &data(&r)["customer"]["fundingClock"];
    // Day 101 is 40 benefit days on, five a week.
    let starts = polku_domain::municipal_share::nth_benefit_day_after(today, 40);
    assert_eq!(starts, d(2027, 1, 25));
    assert_eq!(
        clock,
        &json!({ "days": 61, "percent": 0, "verified": true, "nextStepFromDay": 101,
                 "nextStepStartsOn": starts.to_string(), "monthlyShare": "0.00", "basedOn": "INVOICE",
                 "invoiceMonth": "2026-10" }),
        "{r:#}"
    );
}

#[tokio::test]
async fn a_bad_invoice_is_refused_line_by_line_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, _, _) = porvoo(&app).await;
    let area = &codes[0];
    let good = |n: u32| format!("2026-09;{area};{};TMT;21;150;781,41;78,14", synthetic_hetu(n));
    let file = [
        invoice::HEADER.to_string(),
        good(1),
        format!("2026-09;091;{};TMT;21;150;781,41;78,14", synthetic_hetu(2)),
        format!("2026-09;{area};{};TMT;-3;150;781,41;78,14", synthetic_hetu(3)),
        good(1),
        format!("2026-08;{area};{};TMT;21;150;781,41;78,14", synthetic_hetu(4)),
        format!("2026-09;{area};{};XYZ;21;150;781,41;78,14", synthetic_hetu(5)),
    ]
    .join("\n");
    let r = app.upload(&manager, Some("sv"), IMPORT, json!({}), "bad.csv", file.as_bytes()).await;
    let report = &data(&r)["importKelaInvoice"];
    assert_eq!(report["imported"], false);
    let rejected: Vec<(u64, &str, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (x["line"].as_u64().unwrap(), x["code"].as_str().unwrap(), x["field"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (3, "MUNICIPALITY_OUTSIDE_AREA", "kunta"),
            (4, "INVOICE_DAYS", "paivat"),
            (5, "INVOICE_DUPLICATE_LINE", "henkilotunnus"),
            (6, "INVOICE_MIXED_MONTHS", "kuukausi"),
            (7, "INVALID_BENEFIT", "etuus"),
        ],
        "{r:#}"
    );
    let swedish = report["rejected"][0]["message"].as_str().unwrap();
    assert!(
        swedish.contains("kunta") && swedish.contains("091") && swedish.contains("sysselsättningsområde"),
        "{swedish}"
    );
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let written: i64 =
        sqlx::query_scalar("SELECT count(*) FROM kela_invoices").fetch_one(&mut c).await.unwrap();
    assert_eq!(written, 0, "nothing half-imported");

    // A good file for the month imports once; the month again is refused.
    let file = format!("{}\n{}\n", invoice::HEADER, good(1));
    let r = app.upload(&manager, None, IMPORT, json!({}), "ok.csv", file.as_bytes()).await;
    assert_eq!(data(&r)["importKelaInvoice"]["imported"], true, "{r:#}");
    let r = app.upload(&manager, None, IMPORT, json!({}), "again.csv", file.as_bytes()).await;
    assert_eq!(data(&r)["importKelaInvoice"]["rejected"][0]["code"], "INVOICE_MONTH_IMPORTED", "{r:#}");
    // A header that is not Kela's, and a coach, are refused.
    let r = app.upload(&manager, None, IMPORT, json!({}), "x.csv", b"a;b;c\n1;2;3\n").await;
    assert_eq!(data(&r)["importKelaInvoice"]["rejected"][0]["code"], "INVOICE_HEADER");
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let r = app.upload(&coach, None, IMPORT, json!({}), "ok.csv", file.as_bytes()).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_recorded_benefit_period_runs_the_clock() {
    let app = TestApp::spawn().await;
    let (_, _, customer) = porvoo(&app).await;
    let coach = app.token(Some("porvoo"), &[Role::Coach]);
    let now = app.at("2026-11-30T08:00:00Z".parse().unwrap());
    const RECORD: &str =
        "mutation($i: BenefitPeriodInput!) { recordBenefitPeriod(input: $i) { id dailyAmount } }";
    let input = |daily: &str, ends: Value| {
        json!({ "i": { "customerId": customer, "benefit": "LABOUR_MARKET_SUBSIDY", "startsOn": "2026-11-02",
                       "endsOn": ends, "dailyAmount": daily, "daysBefore": 90 } })
    };
    let bad = now.gql(Some(&coach), RECORD, input("-5", Value::Null)).await;
    assert_eq!(crate::harness::error_field(&bad), Some("input.dailyAmount"));
    let bad = now.gql(Some(&coach), RECORD, input("37,21", json!("2026-10-01"))).await;
    assert_eq!(crate::harness::error_field(&bad), Some("input.endsOn"));
    let r = now.gql(Some(&coach), RECORD, input("37,21", Value::Null)).await;
    assert_eq!(data(&r)["recordBenefitPeriod"]["dailyAmount"], "37.21");

    // 90 days before, and 21 benefit days from 2 to 30 November: 111, in the
    // first step (10 %, not confirmed) since 16 November.
    let r = now
        .gql(
            Some(&coach),
            "query($id: ID!) { customer(id: $id) { fundingClock { days percent verified nextStepFromDay \
             monthlyShare basedOn } } }",
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(
        data(&r)["customer"]["fundingClock"],
        json!({ "days": 111, "percent": 10, "verified": false, "nextStepFromDay": 201,
                "monthlyShare": "78.12", "basedOn": "BENEFIT_PERIOD" }),
        "{r:#}"
    );
}

#[tokio::test]
async fn the_liability_ahead_follows_the_latest_invoice_and_the_recent_exits() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, _, _) = porvoo(&app).await;
    let line = |month: &str, n: u32, cumulative: u32| {
        format!(
            "{month};{};{};TMT;21;{cumulative};781,41;0",
            codes[n as usize % codes.len()],
            synthetic_hetu(n)
        )
    };
    // Ten people in September; one of them is gone in October.
    let september: Vec<String> = (0..10).map(|n| line("2026-09", n, 60)).collect();
    let october: Vec<String> = (1..10).map(|n| line("2026-10", n, 81)).collect();
    for (name, lines) in [("sep.csv", september), ("oct.csv", october)] {
        let file = format!("{}\n{}\n", invoice::HEADER, lines.join("\n"));
        let r = app.upload(&manager, None, IMPORT, json!({}), name, file.as_bytes()).await;
        assert_eq!(data(&r)["importKelaInvoice"]["imported"], true, "{r:#}");
    }
    let r = app
        .at("2026-11-30T08:00:00Z".parse().unwrap())
        .gql_lang(
            Some(&manager),
            Some("sv"),
            "{ fundingLiability { basedOnMonth billed exitRatePercent assumptions \
               months { month continuing withExits } municipalities { municipality people nextMonth next12Months } } }",
            json!({}),
        )
        .await;
    let l = &data(&r)["fundingLiability"];
    assert_eq!((&l["basedOnMonth"], &l["exitRatePercent"]), (&json!("2026-10"), &json!(10.0)), "{r:#}");
    assert!(l["assumptions"].as_str().unwrap().starts_with("Fortsatt:"), "{r:#}");
    let months = l["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], "2026-11");
    // November: 9 people, days 82..=102, 2 days each at 10 % of 37.21 (781.41 / 21).
    let november = Euros::parse(months[0]["continuing"].as_str().unwrap()).unwrap();
    assert_eq!(november, Euros::from_cents(9 * 744));
    let thinned = Euros::parse(months[0]["withExits"].as_str().unwrap()).unwrap();
    assert_eq!(thinned, Euros::from_cents(9 * 744 * 9 / 10));
    let by_municipality: i64 = l["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| Euros::parse(m["nextMonth"].as_str().unwrap()).unwrap().cents())
        .sum();
    assert_eq!(by_municipality, november.cents());
    // Later months cost more as the days climb the steps.
    let later = Euros::parse(months[11]["continuing"].as_str().unwrap()).unwrap();
    assert!(later > november, "{r:#}");
}

#[tokio::test]
async fn a_customer_nearing_a_step_is_on_the_coachs_worklist() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, hetu, customer) = porvoo(&app).await;
    let mut c = PgConnection::connect(&app.superuser_url).await.unwrap();
    let subject: String = sqlx::query_scalar(
        "UPDATE customers SET status = 'active', coach_id = s.staff_id FROM staff s \
         WHERE customers.customer_id = $1 AND s.tenant_id = customers.tenant_id AND s.is_coach AND s.active \
           AND s.staff_id = (SELECT min(staff_id::text)::uuid FROM staff x WHERE x.tenant_id = customers.tenant_id AND x.is_coach) \
         RETURNING s.subject",
    )
    .bind(customer)
    .fetch_one(&mut c)
    .await
    .unwrap();
    // 75 days at the end of October; 96 by Monday 30 November: the 101st
    // day, and 10 %, come on Monday 7 December.
    let file = format!("{}\n2026-10;{};{hetu};TMT;21;75;781,41;0\n", invoice::HEADER, codes[0]);
    let r = app.upload(&manager, None, IMPORT, json!({}), "oct.csv", file.as_bytes()).await;
    assert_eq!(data(&r)["importKelaInvoice"]["matched"], 1, "{r:#}");
    let coach = crate::harness::token_for(&subject, "porvoo", &[Role::Coach]);
    let r = app
        .at("2026-11-30T08:00:00Z".parse().unwrap())
        .gql(
            Some(&coach),
            "{ worklist { items { customerId kind due status fundingStepPercent } } }",
            json!({}),
        )
        .await;
    let step = data(&r)["worklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "FUNDING_STEP")
        .cloned()
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(
        step,
        json!({ "customerId": customer, "kind": "FUNDING_STEP", "due": "2026-12-07", "status": "UPCOMING",
                "fundingStepPercent": 10 })
    );
}

#[tokio::test]
async fn the_clock_runs_on_across_a_move_and_the_new_home_municipality_pays() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, hetu, customer) = porvoo(&app).await;
    assert!(codes.len() >= 2, "Porvoo's area has several municipalities");
    let (from, to) = (&codes[0], &codes[1]);
    let rules = ShareRules::embedded();
    let today = d(2026, 11, 30);
    // September at the old home (90 days at its end), October at the new
    // one: the count goes on (111), crossing day 101 in October.
    let paid = Euros::from_cents(21 * 3721);
    let october_share = invoice::expected_share(
        &rules,
        Month::of(d(2026, 10, 1)),
        Benefit::LabourMarketSubsidy,
        21,
        111,
        paid,
        today,
    )
    .unwrap();
    assert_eq!(october_share, Euros::from_cents(11 * 372 + 1), "11 days at 10 % of 37.21, rounded once");
    for (month, municipality, cumulative, share) in
        [("2026-09", from, 90, Euros::ZERO), ("2026-10", to, 111, october_share)]
    {
        let file = format!(
            "{}\n{month};{municipality};{hetu};TMT;21;{cumulative};{};{}\n",
            invoice::HEADER,
            paid.to_string().replace('.', ","),
            share.to_string().replace('.', ",")
        );
        let r = app.upload(&manager, None, IMPORT, json!({}), "move.csv", file.as_bytes()).await;
        assert_eq!(data(&r)["importKelaInvoice"]["imported"], true, "{r:#}");
    }
    // October's share is the new municipality's, and reconciles.
    let r = app.gql(Some(&manager), RECONCILE, json!({ "m": "2026-10" })).await;
    assert_eq!(
        data(&r)["fundingReconciliation"]["municipalities"],
        json!([{ "municipality": to, "lines": 1, "billed": october_share.to_string(),
                 "expected": october_share.to_string(), "difference": "0.00" }]),
        "{r:#}"
    );
    // The clock counts on from October's 111 (plus November's 21 days).
    let r = app
        .at("2026-11-30T08:00:00Z".parse().unwrap())
        .gql(
            Some(&app.token(Some("porvoo"), &[Role::Coach])),
            "query($id: ID!) { customer(id: $id) { fundingClock { days percent invoiceMonth } } }",
            json!({ "id": customer }),
        )
        .await;
    assert_eq!(
        data(&r)["customer"]["fundingClock"],
        json!({ "days": 132, "percent": 10, "invoiceMonth": "2026-10" }),
        "{r:#}"
    );
    // The months ahead are the new home's; the old one has nothing ahead.
    let r = app
        .at("2026-11-30T08:00:00Z".parse().unwrap())
        .gql(
            Some(&manager),
            "{ fundingLiability { municipalities { municipality people nextMonth } } }",
            json!({}),
        )
        .await;
    let ahead = data(&r)["fundingLiability"]["municipalities"].as_array().unwrap().clone();
    assert_eq!(ahead.len(), 1, "{r:#}");
    assert_eq!(ahead[0]["municipality"], json!(to));
}

/// Imports October 2026's invoice for 20 people past day 101: 12 in the
/// area's first municipality, 2 in the second and 6 in the third; returns
/// each one's share.
async fn import_twenty(app: &TestApp, manager: &str, codes: &[String]) -> Euros {
    assert!(codes.len() >= 3, "{codes:?}");
    let rules = ShareRules::embedded();
    let (month, today) = (Month::of(d(2026, 10, 1)), d(2026, 11, 30));
    let paid = Euros::from_cents(3721 * 21);
    let share =
        invoice::expected_share(&rules, month, Benefit::LabourMarketSubsidy, 21, 150, paid, today).unwrap();
    let mut file = format!("{}\n", invoice::HEADER);
    let mut n = 0u32;
    for (code, people) in [(&codes[0], 12), (&codes[1], 2), (&codes[2], 6)] {
        for _ in 0..people {
            n += 1;
            file.push_str(&format!(
                "2026-10;{code};{};{};21;150;{};{}\n",
                synthetic_hetu(n),
                invoice::benefit_code(Benefit::LabourMarketSubsidy),
                paid.to_string().replace('.', ","),
                share.to_string().replace('.', ","),
            ));
        }
    }
    let r = app.upload(manager, Some("fi"), IMPORT, json!({}), "kela-2026-10.csv", file.as_bytes()).await;
    assert_eq!(data(&r)["importKelaInvoice"]["imported"], true, "{r:#}");
    share
}

#[tokio::test]
async fn oversight_sees_the_liability_by_municipality_with_small_numbers_hidden() {
    let app = TestApp::spawn().await;
    let manager = app.token(Some("porvoo"), &[Role::Manager]);
    let (codes, _, _) = porvoo(&app).await;
    let share = import_twenty(&app, &manager, &codes).await;

    let query =
        "query($r: String) { fundingFigures(region: $r) { assumptions areas { area { slug } basedOnMonth \
                 exitRatePercent { value suppressed } \
                 total { people { value suppressed } billed { value suppressed } next12Months { value } } \
                 municipalities { municipality { code } figures { people { value suppressed } \
                 billed { value suppressed } expected { value } nextMonth { value suppressed } } } } } }";
    let ely = app.oversight_token("uusimaa", None);
    let r = app.gql(Some(&ely), query, json!({})).await;
    let areas = data(&r)["fundingFigures"]["areas"].as_array().unwrap().clone();
    let porvoo = areas.iter().find(|a| a["area"]["slug"] == "porvoo").unwrap();
    assert_eq!(porvoo["basedOnMonth"], "2026-10");
    assert_eq!(porvoo["total"]["people"]["value"], 20, "{r:#}");
    assert_eq!(porvoo["total"]["billed"]["value"], Euros::from_cents(share.cents() * 20).to_string());
    let by: Vec<(String, Value, Value)> = porvoo["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let f = &m["figures"];
            (
                m["municipality"]["code"].as_str().unwrap().to_string(),
                f["people"].clone(),
                f["billed"].clone(),
            )
        })
        .collect();
    // The two people are hidden, and with them the next smallest, or the
    // total would give them away; a hidden count hides its euros.
    assert_eq!(
        by,
        [
            (
                codes[0].clone(),
                json!({ "value": 12, "suppressed": false }),
                json!({ "value": Euros::from_cents(share.cents() * 12).to_string(), "suppressed": false })
            ),
            (
                codes[1].clone(),
                json!({ "value": null, "suppressed": true }),
                json!({ "value": null, "suppressed": true })
            ),
            (
                codes[2].clone(),
                json!({ "value": null, "suppressed": true }),
                json!({ "value": null, "suppressed": true })
            ),
        ],
        "{r:#}"
    );
    // Another region's oversight sees nothing of Porvoo's.
    let other = app.oversight_token("hame", None);
    let r = app.gql(Some(&other), query, json!({})).await;
    assert!(data(&r)["fundingFigures"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["area"]["slug"] != "porvoo"));
    let r = app.gql(Some(&other), query, json!({ "r": "uusimaa" })).await;
    assert_eq!(error_code(&r), Some("REGION_NOT_HELD"), "{r:#}");
    // The area's manager reads the same published figures for their own.
    let r = app.gql(Some(&manager), query, json!({})).await;
    let mine = data(&r)["fundingFigures"]["areas"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["total"]["people"]["value"], 20);
}

#[tokio::test]
async fn the_dashboard_shows_the_liability_and_the_budget_in_a_real_browser() {
    let app = TestApp::spawn().await;
    let manager = app.token_with(Some("porvoo"), &[Role::Manager], None, Some(Lang::Fi));
    let admin = app.token(Some("porvoo"), &[Role::TenantAdmin]);
    let (codes, _, _) = porvoo(&app).await;
    import_twenty(&app, &manager, &codes).await;
    let today = polku_domain::calendar::finnish_date(chrono::Utc::now());
    let set = "mutation($y: Int!) { setAppropriation(year: $y, purpose: BUDGET_PURPOSE, amount: \"25000\") }";
    for purpose in ["EMPLOYMENT_GRANTS", "BOUGHT_PLACES"] {
        let r = app
            .gql(Some(&admin), &set.replace("BUDGET_PURPOSE", purpose), json!({ "y": today.year() }))
            .await;
        assert_eq!(data(&r)["setAppropriation"], true, "{r:#}");
    }
    polku_store::figures::refresh_stale(&app.store, &Rules::embedded(), today, true).await.unwrap();
    let addr = app.serve().await;

    let published = "query { fundingFigures { areas { area { slug } total { ...F } \
                     municipalities { municipality { code } figures { ...F } } } } } \
                     fragment F on FundingCell { people { value suppressed } billed { value suppressed } \
                     expected { value suppressed } nextMonth { value suppressed } next3Months { value suppressed } \
                     next12Months { value suppressed } }";
    for (token, lang, heading) in [
        (manager.clone(), "fi", "Kunnan rahoitusosuus"),
        (app.oversight_token("uusimaa", Some(Lang::Sv)), "sv", "Kommunens finansieringsandel"),
    ] {
        let dom =
            crate::harness::dump_dom(&format!("http://{addr}/dashboard?lang={lang}#token={token}")).await;
        assert!(dom.contains("data-state=\"ready\""), "not ready: {}", &dom[..dom.len().min(3000)]);
        assert!(dom.contains(heading), "{lang}: no money section");
        let r = app.gql(Some(&token), published, json!({})).await;
        let areas = data(&r)["fundingFigures"]["areas"].clone();
        let (mut compared, mut hidden) = (0, 0);
        for tag in crate::harness::tags_with(&dom, "data-figure") {
            let figure = attr(tag, "data-figure").unwrap();
            let Some(field) = figure.strip_prefix("funding.") else { continue };
            if field == "exitRate" {
                continue;
            }
            let slug = attr(tag, "data-area").unwrap();
            let area = areas.as_array().unwrap().iter().find(|a| a["area"]["slug"] == slug).unwrap();
            let cell = match attr(tag, "data-key") {
                None | Some("total") => &area["total"],
                Some(code) => {
                    let all = area["municipalities"].as_array().unwrap();
                    &all.iter().find(|m| m["municipality"]["code"] == code).unwrap()["figures"]
                }
            };
            let expected = &cell[field];
            let value = match &expected["value"] {
                Value::Null => String::new(),
                Value::String(v) => v.clone(),
                other => other.to_string(),
            };
            assert_eq!(attr(tag, "data-value"), Some(value.as_str()), "{lang} {figure}");
            assert_eq!(attr(tag, "data-suppressed"), Some(expected["suppressed"].to_string().as_str()));
            compared += 1;
            hidden += usize::from(expected["suppressed"] == true);
        }
        if lang == "fi" {
            // The manager's area by municipality, two of them hidden; the
            // months ahead and the year's budget.
            assert_eq!((compared, hidden), (4 * 6, 2 * 6), "{lang}");
            let tags = crate::harness::tags_with(&dom, "data-figure");
            let forecast =
                tags.iter().filter(|t| attr(t, "data-figure") == Some("forecast.continuing")).count();
            assert_eq!(forecast, 12);
            let appropriation = tags.iter().find(|t| {
                attr(t, "data-figure") == Some("budget.appropriation")
                    && attr(t, "data-key") == Some("EMPLOYMENT_GRANTS")
            });
            assert_eq!(appropriation.and_then(|t| attr(t, "data-value")), Some("25000.00"));
        } else {
            // Oversight: one row per area of the region with an invoice.
            assert_eq!((compared, hidden), (6, 0), "{lang}");
            assert!(!dom.contains("data-figure=\"budget."), "oversight sees no budget");
        }
    }
}
