//! Partners report back through their API key: a month of attendance with
//! absences (and a correction), a deviation raised by unexplained absences
//! and one reported at once, the coach's notifications and decision, and
//! the closing assessment with the customer's own view. Bad input names the
//! field and writes nothing.

use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use crate::harness::{data, error_code, error_field, TestApp};
use crate::referrals::{accepted, area, service, transition};

const REPORT: &str =
    "mutation($r: [AttendanceReportInput!]!) { reportAttendance(reports: $r) { written corrected \
                      deviationsRaised } }";

fn at(day: u32) -> chrono::DateTime<chrono::Utc> {
    format!("2026-11-{day:02}T09:00:00Z").parse().unwrap()
}

#[tokio::test]
async fn a_partner_reports_a_month_raises_deviations_and_closes_with_an_assessment() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let service = service(&app, &a, 5).await;
    let ids = accepted(&app, &a, &service, 1).await;
    let referral = ids[0].clone();
    let r = app
        .gql(
            Some(&a.admin),
            "mutation($p: ID!) { issueApiKey(partnerId: $p, label: \"Samaria\") { secret } }",
            json!({ "p": a.samaria_id }),
        )
        .await;
    let key = data(&r)["issueApiKey"]["secret"].as_str().unwrap().to_string();
    // Started on Monday 2 November.
    let r = app.at(at(2)).gql(Some(&key), &transition("startReferral"), json!({ "id": referral })).await;
    assert_eq!(data(&r)["startReferral"]["state"], "STARTED", "{r:#}");

    // November's working days to the 27th: present six hours a day, sick
    // on the 10th, and away without a word on the 24th to the 26th.
    let mut entries = Vec::new();
    for day in 2..=27u32 {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        if chrono::Datelike::weekday(&date).number_from_monday() > 5 {
            continue;
        }
        let (status, hours) = match day {
            10 => ("ABSENT_SICK", Value::Null),
            24..=26 => ("ABSENT_UNEXPLAINED", Value::Null),
            _ => ("PRESENT", json!(6)),
        };
        entries.push(json!({ "day": date.to_string(), "status": status, "hours": hours }));
    }
    let days = entries.len();
    let month = json!([{ "referralId": referral, "entries": entries }]);
    let late = app.at(at(30));
    let r = late.gql(Some(&key), REPORT, json!({ "r": month })).await;
    let receipt = &data(&r)["reportAttendance"];
    assert_eq!(
        (receipt["written"].as_u64(), receipt["corrected"].as_u64()),
        (Some(days as u64), Some(0)),
        "{r:#}"
    );
    assert_eq!(receipt["deviationsRaised"].as_array().unwrap().len(), 1);

    // A correction keeps the earlier report.
    let fix =
        json!([{ "referralId": referral, "entries": [{ "day": "2026-11-03", "status": "ABSENT_AGREED" }] }]);
    let r = late.gql(Some(&key), REPORT, json!({ "r": fix })).await;
    assert_eq!(data(&r)["reportAttendance"]["corrected"], 1, "{r:#}");

    // Bad input: named, and nothing of the request written.
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let count = "SELECT count(*) FROM attendance";
    let before: i64 = sqlx::query_scalar(count).fetch_one(&mut su).await.unwrap();
    for (entries, code, field) in [
        (
            json!([{ "day": "2026-11-27", "status": "PRESENT", "hours": 5 },
                   { "day": "2026-11-01", "status": "PRESENT", "hours": 5 }]),
            "ATTENDANCE_OUTSIDE_REFERRAL",
            "reports[0].entries[1].day",
        ),
        (
            json!([{ "day": "2026-11-27", "status": "PRESENT", "hours": 9 }]),
            "ATTENDANCE_HOURS_OVER",
            "reports[0].entries[0].hours",
        ),
    ] {
        let r = late
            .gql_lang(
                Some(&key),
                Some("sv"),
                REPORT,
                json!({ "r": [{ "referralId": referral, "entries": entries }] }),
            )
            .await;
        assert_eq!((error_code(&r), error_field(&r)), (Some(code), Some(field)), "{r:#}");
    }
    // Another organisation's partner cannot report on Samaria's referral.
    let r = late.gql(Some(&a.posintra), REPORT, json!({ "r": month })).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("NOT_FOUND"), Some("reports[0].referralId")),
        "{r:#}"
    );
    let after: i64 = sqlx::query_scalar(count).fetch_one(&mut su).await.unwrap();
    assert_eq!(before, after, "nothing half-written");

    // A deviation at once; the coach hears of both.
    let report = "mutation($i: DeviationInput!) { reportDeviation(input: $i) { id kind matter } }";
    let r = late
        .gql(
            Some(&key),
            report,
            json!({ "i": { "referralId": referral, "kind": "WANTS_TO_STOP",
        "occurredOn": "2026-11-27", "description": "Sanoo haluavansa lopettaa." } }),
        )
        .await;
    assert_eq!(data(&r)["reportDeviation"]["matter"], "LABOUR_POLICY", "{r:#}");
    let deviation = data(&r)["reportDeviation"]["id"].clone();
    let r =
        app.gql(Some(&a.coach), "{ notifications { kind deviationKind matter aboutId } }", json!({})).await;
    let mut seen: Vec<(String, String)> = data(&r)["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "PARTNER_DEVIATION")
        .map(|n| (n["deviationKind"].as_str().unwrap().into(), n["matter"].as_str().unwrap().into()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [("UNEXPLAINED_ABSENCE".into(), "NEGLECT".into()), ("WANTS_TO_STOP".into(), "LABOUR_POLICY".into())],
        "{r:#}"
    );
    // The coach records the decision; a partner cannot.
    let decide =
        "mutation($d: ID!) { decideDeviation(id: $d, decision: MATTER_OPENED, note: \"Selvitys pyydetty\") \
                  { decision decidedBy } }";
    assert_eq!(error_code(&late.gql(Some(&key), decide, json!({ "d": deviation })).await), Some("FORBIDDEN"));
    let r = app.gql(Some(&a.coach), decide, json!({ "d": deviation })).await;
    assert_eq!(data(&r)["decideDeviation"]["decision"], "MATTER_OPENED", "{r:#}");

    // No assessment on an open referral; then completed and assessed.
    let file =
        "mutation($i: ClosingAssessmentInput!) { fileClosingAssessment(input: $i) { nextStep workAbility } }";
    let input = json!({ "i": { "referralId": referral, "done": "Puutöitä ja asiakaspalvelua.",
        "workAbility": "PARTIAL", "nextStep": "WORK_TRIAL", "answers": { "skills_shown": "Huolellisuus" } } });
    let r = late.gql(Some(&key), file, input.clone()).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("REFERRAL_STILL_OPEN"), Some("referralId")), "{r:#}");
    let complete = "mutation($id: ID!) { completeReferral(id: $id, outcome: OTHER_SERVICE) { state } }";
    assert_eq!(
        data(&late.gql(Some(&key), complete, json!({ "id": referral })).await)["completeReferral"]["state"],
        "COMPLETED"
    );
    let bad = json!({ "i": { "referralId": referral, "done": "x", "workAbility": "PARTIAL", "nextStep": "WORK_TRIAL",
        "answers": { "punctuality": 3 } } });
    let r = late.gql(Some(&key), file, bad).await;
    assert_eq!(error_code(&r), Some("UNKNOWN_QUESTION"), "{r:#}");
    let r = late.gql(Some(&key), file, input.clone()).await;
    assert_eq!(data(&r)["fileClosingAssessment"]["nextStep"], "WORK_TRIAL", "{r:#}");
    let r = late.gql(Some(&key), file, input).await;
    assert_eq!(error_code(&r), Some("ASSESSMENT_ALREADY_FILED"));
    let view = "mutation($r: ID!) { addCustomerView(referralId: $r, view: \"Viihdyin, haluan jatkaa.\") }";
    assert_eq!(error_code(&late.gql(Some(&key), view, json!({ "r": referral })).await), Some("FORBIDDEN"));
    assert_eq!(data(&app.gql(Some(&a.coach), view, json!({ "r": referral })).await)["addCustomerView"], true);

    // The coach sees it all on the referral; the partner not the customer's view.
    let read = "query($id: ID!) { referral(id: $id) { attendance { day status hours corrections } \
                deviations { kind decision } closingAssessment { done customerView answers } } }";
    let r = late.gql(Some(&a.coach), read, json!({ "id": referral })).await;
    let got = &data(&r)["referral"];
    assert_eq!(got["attendance"].as_array().unwrap().len(), days, "{r:#}");
    assert_eq!(
        got["attendance"][1],
        json!({ "day": "2026-11-03", "status": "ABSENT_AGREED", "hours": null,
        "corrections": 1 })
    );
    assert_eq!(got["deviations"].as_array().unwrap().len(), 2);
    assert_eq!(got["closingAssessment"]["customerView"], "Viihdyin, haluan jatkaa.");
    let r = late.gql(Some(&key), read, json!({ "id": referral })).await;
    assert_eq!(data(&r)["referral"]["closingAssessment"]["customerView"], Value::Null, "{r:#}");
    let r = app.gql(Some(&a.coach), "{ notifications { kind } }", json!({})).await;
    assert!(data(&r)["notifications"].as_array().unwrap().iter().any(|n| n["kind"] == "CLOSING_ASSESSMENT"));
    // Every partner read of the customer's data is a disclosure.
    let disclosed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM disclosures WHERE recipient = 'partner' AND referral_id::text = $1",
    )
    .bind(referral.as_str().unwrap())
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert!(disclosed >= 5, "{disclosed}");

    // A closed month takes no correction.
    let close = "mutation { closeAttendanceMonth(month: \"2026-11\") }";
    assert_eq!(data(&app.gql(Some(&a.coach), close, json!({})).await)["closeAttendanceMonth"], true);
    let r = late.gql(Some(&key), REPORT, json!({ "r": fix })).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("ATTENDANCE_MONTH_CLOSED"), Some("reports[0].entries[0].day")),
        "{r:#}"
    );
}
