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

    // Use follows attendance: the days present, not the days in the service.
    let use_query = "query($s: ID!) { serviceUtilisation(serviceId: $s, from: \"2026-11-01\", \
                     to: \"2026-11-30\") { placeDaysFilled daysAttended workingPlaceDaysOffered attendanceRate } }";
    let r = late.gql(Some(&a.coach), use_query, json!({ "s": service })).await;
    let november = &data(&r)["serviceUtilisation"][0];
    // Sick on one day, away three, and a day off agreed by the correction.
    assert_eq!(november["daysAttended"].as_f64(), Some((days - 5) as f64), "{r:#}");
    // Five places over November's 21 working days (no holiday in it).
    assert_eq!(november["workingPlaceDaysOffered"], 5 * 21, "{r:#}");
    assert_eq!(november["placeDaysFilled"], 29, "in the service from the 2nd to the 30th");

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
    // The customer's timeline of partners' reports, newest first.
    let timeline = "query($c: ID!) { customer(id: $c) { partnerReports { on kind detail } } }";
    let r = late.gql(Some(&a.coach), timeline, json!({ "c": a.customers[0] })).await;
    let entries = data(&r)["customer"]["partnerReports"].as_array().unwrap().clone();
    let kinds: Vec<&str> = entries.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["CLOSING_ASSESSMENT", "DEVIATION", "DEVIATION", "ATTENDANCE_MONTH"], "{r:#}");
    assert_eq!(entries[3]["detail"]["present"].as_u64(), Some(days as u64 - 5), "{r:#}");
    assert_eq!(entries[3]["detail"]["absentUnexplained"], 3);

    // Every partner read of the customer's data is a disclosure.
    let disclosed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM disclosures WHERE recipient = 'partner' AND referral_id::text = $1",
    )
    .bind(referral.as_str().unwrap())
    .fetch_one(&mut su)
    .await
    .unwrap();
    assert!(disclosed >= 5, "{disclosed}");

    // Oversight sees use and outcomes by service, suppressed for one person.
    let november = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    polku_store::figures::refresh_stale(&app.store, &polku_domain::rules::Rules::embedded(), november, true)
        .await
        .unwrap();
    let figures = "{ figures(from: \"2026-11\", to: \"2026-11\", areas: [\"porvoo\"]) { areas { months { \
                   serviceUse { category attendanceRate { value suppressed } costPerAttendedDay { suppressed } } \
                   outcomes { category nextStep count { value suppressed } } } } } }";
    let r = late.gql(Some(&app.oversight_token("uusimaa", None)), figures, json!({})).await;
    let month = &data(&r)["figures"]["areas"][0]["months"][0];
    let workshop =
        month["serviceUse"].as_array().unwrap().iter().find(|u| u["category"] == "WORKSHOP").unwrap();
    assert_eq!(workshop["attendanceRate"], json!({ "value": null, "suppressed": true }), "{r:#}");
    assert_eq!(
        month["outcomes"],
        json!([{ "category": "WORKSHOP", "nextStep": "WORK_TRIAL", "count": { "value": null, "suppressed": true } }]),
        "{r:#}"
    );

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

const TRIAL_SERVICE: &str =
    "mutation($p: ID) { createService(input: { names: [{lang: FI, text: \"Työkokeilu kaupassa\"}], \
    category: WORK_TRIAL, languages: [FI, SV], activeFrom: \"2026-01-01\", providerId: $p, capacity: 10 }) \
    { service { id } } }";
const DRAFT: &str =
    "mutation($i: AgreementInput!) { draftAgreement(input: $i) { id state kind hoursPerDay } }";
const CONFIRM: &str = "mutation($id: ID!, $p: AgreementParty!, $h: ConfirmedHow) { \
    confirmAgreement(id: $id, party: $p, how: $h) { state partnerConfirmation { how } customerConfirmation { how by } } }";
const RENEW: &str =
    "mutation($id: ID!, $s: NaiveDate!, $e: NaiveDate!) { renewAgreement(id: $id, startsOn: $s, endsOn: $e) \
    { id state renews startsOn endsOn } }";

fn terms(referral: &Value, ends_on: &str, hours: f64) -> Value {
    json!({ "i": { "referralId": referral, "kind": "WORK_TRIAL", "tasks": "Kassa ja hyllytys",
        "place": "Lundinkatu 5, Porvoo", "startsOn": "2026-12-01", "endsOn": ends_on, "daysPerWeek": 4,
        "hoursPerDay": hours, "supervisor": { "name": "Sara Lind", "phone": "040 123 4567" },
        "coachContact": "Kaisa Koutsi, 040 765 4321", "insurance": "Tapaturmavakuutus: työllisyysalue" } })
}

#[tokio::test]
async fn a_work_trial_agreement_is_drafted_confirmed_renewed_once_and_closed_by_the_assessment() {
    let app = TestApp::spawn().await;
    let a = area(&app).await;
    let r = app.gql(Some(&a.admin), TRIAL_SERVICE, json!({ "p": a.samaria_id })).await;
    let service = data(&r)["createService"]["service"]["id"].clone();
    let referral = accepted(&app, &a, &service, 1).await.remove(0);
    let nov = app.at(at(30));

    // Past the path's limits, the wrong kind, or from a partner: refused by field.
    for (input, code, field) in [
        (terms(&referral, "2027-07-31", 6.0), "WORK_TRIAL_LIMIT", "input.endsOn"),
        (terms(&referral, "2027-03-31", 3.0), "OUT_OF_RANGE", "input.hoursPerDay"),
        (terms(&referral, "2027-03-31", 9.0), "OUT_OF_RANGE", "input.hoursPerDay"),
        (
            {
                let mut t = terms(&referral, "2027-03-31", 6.0);
                t["i"]["kind"] = json!("PAY_SUBSIDISED_JOB");
                t
            },
            "SERVICE_CATEGORY_MISMATCH",
            "input.kind",
        ),
    ] {
        let r = nov.gql_lang(Some(&a.coach), Some("sv"), DRAFT, input).await;
        assert_eq!((error_code(&r), error_field(&r)), (Some(code), Some(field)), "{r:#}");
    }
    let r = nov.gql(Some(&a.samaria), DRAFT, terms(&referral, "2027-03-31", 6.0)).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));

    // A draft drafted wrong blocks another over the same days until withdrawn.
    let r = nov.gql(Some(&a.coach), DRAFT, terms(&referral, "2026-12-15", 6.0)).await;
    let wrong = data(&r)["draftAgreement"]["id"].clone();
    let r = nov.gql(Some(&a.coach), DRAFT, terms(&referral, "2027-03-31", 6.0)).await;
    assert_eq!(error_code(&r), Some("PATH_OVERLAP"), "{r:#}");
    let withdraw = "mutation($id: ID!) { withdrawAgreement(id: $id, reason: \"Väärät päivät\") { state } }";
    assert_eq!(
        error_code(&nov.gql(Some(&a.samaria), withdraw, json!({ "id": wrong })).await),
        Some("FORBIDDEN")
    );
    let r = nov.gql(Some(&a.coach), withdraw, json!({ "id": wrong })).await;
    assert_eq!(data(&r)["withdrawAgreement"]["state"], "WITHDRAWN", "{r:#}");

    let r = nov.gql(Some(&a.coach), DRAFT, terms(&referral, "2027-03-31", 6.0)).await;
    assert_eq!(data(&r)["draftAgreement"]["state"], "DRAFT", "{r:#}");
    let first = data(&r)["draftAgreement"]["id"].clone();

    // The partner confirms with its own credentials; the coach records the customer's.
    let r = nov.gql(Some(&a.samaria), CONFIRM, json!({ "id": first, "p": "PARTNER" })).await;
    assert_eq!(data(&r)["confirmAgreement"]["state"], "DRAFT", "{r:#}");
    assert_eq!(data(&r)["confirmAgreement"]["partnerConfirmation"]["how"], "ELECTRONIC");
    let r = nov.gql(Some(&a.samaria), CONFIRM, json!({ "id": first, "p": "CUSTOMER" })).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r:#}");
    let r = nov.gql(Some(&a.posintra), CONFIRM, json!({ "id": first, "p": "PARTNER" })).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"), "{r:#}");
    let r = nov.gql(Some(&a.coach), CONFIRM, json!({ "id": first, "p": "CUSTOMER", "h": "SIGNATURE" })).await;
    let confirmed = &data(&r)["confirmAgreement"];
    assert_eq!(
        (confirmed["state"].as_str(), confirmed["customerConfirmation"]["how"].as_str()),
        (Some("IN_FORCE"), Some("SIGNATURE")),
        "{r:#}"
    );
    let r = nov.gql(Some(&a.coach), CONFIRM, json!({ "id": first, "p": "CUSTOMER", "h": "PHONE" })).await;
    assert_eq!(error_code(&r), Some("AGREEMENT_TRANSITION"), "{r:#}");

    // The database keeps the terms as drafted, whoever writes.
    let mut su = PgConnection::connect(&app.superuser_url).await.unwrap();
    let changed = sqlx::query("UPDATE agreements SET place = 'muualla' WHERE agreement_id::text = $1")
        .bind(first.as_str().unwrap())
        .execute(&mut su)
        .await;
    assert!(changed.is_err(), "terms are fixed once drafted");

    // Attendance is held to the agreement's six hours a day.
    let dec2: chrono::DateTime<chrono::Utc> = "2026-12-02T09:00:00Z".parse().unwrap();
    let dec = app.at(dec2);
    let r = app
        .at("2026-12-01T08:00:00Z".parse().unwrap())
        .gql(Some(&a.samaria), &transition("startReferral"), json!({ "id": referral }))
        .await;
    assert_eq!(data(&r)["startReferral"]["state"], "STARTED", "{r:#}");
    let entries = |hours: f64| json!({ "r": [{ "referralId": referral, "entries": [{ "day": "2026-12-01", "status": "PRESENT", "hours": hours }] }] });
    let r = dec.gql(Some(&a.samaria), REPORT, entries(6.5)).await;
    assert_eq!(
        (error_code(&r), error_field(&r)),
        (Some("ATTENDANCE_HOURS_OVER"), Some("reports[0].entries[0].hours")),
        "{r:#}"
    );
    let r = dec.gql(Some(&a.samaria), REPORT, entries(6.0)).await;
    assert_eq!(data(&r)["reportAttendance"]["written"], 1, "{r:#}");

    // Renewed once, by its dates, within six months with the same organiser.
    let r =
        dec.gql(Some(&a.coach), RENEW, json!({ "id": first, "s": "2027-04-01", "e": "2027-06-30" })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("WORK_TRIAL_LIMIT"), Some("endsOn")), "{r:#}");
    let r =
        dec.gql(Some(&a.coach), RENEW, json!({ "id": first, "s": "2027-03-15", "e": "2027-05-31" })).await;
    assert_eq!((error_code(&r), error_field(&r)), (Some("OUT_OF_RANGE"), Some("startsOn")), "{r:#}");
    let r =
        dec.gql(Some(&a.coach), RENEW, json!({ "id": first, "s": "2027-04-01", "e": "2027-05-31" })).await;
    let renewal = data(&r)["renewAgreement"].clone();
    assert_eq!((renewal["state"].as_str(), &renewal["renews"]), (Some("DRAFT"), &first), "{r:#}");
    let r =
        dec.gql(Some(&a.coach), RENEW, json!({ "id": first, "s": "2027-06-01", "e": "2027-06-02" })).await;
    assert_eq!(error_code(&r), Some("AGREEMENT_RENEWAL"), "{r:#}");
    for (token, party, how) in
        [(&a.samaria, "PARTNER", Value::Null), (&a.coach, "CUSTOMER", json!("IN_PERSON"))]
    {
        let r = dec.gql(Some(token), CONFIRM, json!({ "id": renewal["id"], "p": party, "h": how })).await;
        assert!(r.get("errors").is_none(), "{r:#}");
    }

    // The printed agreement: for the coach and the partner, not another partner.
    let path = format!("/agreements/{}", renewal["id"].as_str().unwrap());
    let (status, html) = dec.get_with(&path, &a.samaria).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<section class=\"copy\""), "{html}");
    assert!(html.contains("Kassa ja hyllytys") && html.contains("1.4.2027 – 31.5.2027"), "{html}");
    assert!(html.contains("1.12.2026 – 31.3.2027"), "the renewal names the first agreement's dates");
    assert_eq!(dec.get_with(&path, &a.posintra).await.0, 404);
    assert_eq!(dec.get_with(&path, &a.coach).await.0, 200);

    // Completed and assessed: every agreement in force closes with the assessment.
    let complete = "mutation($id: ID!) { completeReferral(id: $id, outcome: OTHER_SERVICE) { state } }";
    assert_eq!(
        data(&dec.gql(Some(&a.samaria), complete, json!({ "id": referral })).await)["completeReferral"]
            ["state"],
        "COMPLETED"
    );
    let file = "mutation($i: ClosingAssessmentInput!) { fileClosingAssessment(input: $i) { nextStep } }";
    let input = json!({ "i": { "referralId": referral, "done": "Kassatyötä.", "workAbility": "FULL",
        "nextStep": "OPEN_MARKET", "answers": { "suits_the_field": true, "tasks_managed": 4, "punctuality": 5,
        "skills_shown": "Asiakaspalvelu" } } });
    let r = dec.gql(Some(&a.samaria), file, input).await;
    assert_eq!(data(&r)["fileClosingAssessment"]["nextStep"], "OPEN_MARKET", "{r:#}");
    let r = dec
        .gql(
            Some(&a.samaria),
            "query($id: ID!) { referral(id: $id) { agreements { state renews } } }",
            json!({ "id": referral }),
        )
        .await;
    let states: Vec<&str> = data(&r)["referral"]["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["WITHDRAWN", "CLOSED", "CLOSED"], "{r:#}");
}
