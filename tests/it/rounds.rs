//! Reporting rounds end to end with the test clock: files arriving before, on and after a due
//! date and after its grace; a rejected file fixed late; a registered division that never
//! sends; an excused one; `kpiwatch status --json`; the status sheet as LibreOffice
//! recalculates it; and `watch --poll` moving a late file onto the sheet without a restart.

use std::path::Path;
use std::process::Output;

use kpiwatch::domain::model::{Quarter, Submission};
use kpiwatch::domain::samples;
use kpiwatch::summary::{STATUS_SHEET, SUBMISSIONS_SHEET};
use serde_json::Value;

use crate::harness::{
    TestEnv, Watcher, lo_sheets_as_csv, numbered, sheet_rows, soffice_available, workbook_bytes,
};

const CONFIG: &str = r#"
fiscal_year = 2564
[watch]
quiet_period_secs = 0.5
[[division]]
code = "ทส.001"
name = "กองหนึ่ง"
folder = "d1"
contact_name = "คุณหนึ่ง"
phone = "0 2000 0001"
email = "d1@example.go.th"
[[division]]
code = "ทส.002"
name = "กองสอง"
folder = "d2"
[[division]]
code = "ทส.003"
name = "กองสาม"
folder = "d3"
[[division]]
code = "ทส.004"
name = "กองสี่"
folder = "d4"
[[division]]
code = "ทส.005"
name = "กองห้า"
folder = "d5"
email = "d5@example.go.th"
[[division]]
code = "ทส.006"
name = "กองหก"
folder = "d6"
[[round]]
fiscal_year = 2564
round = 1
due = "๑๕ ม.ค. ๒๕๖๔"
grace_days = 3
excused = ["ทส.006"]
"#;

/// Division `n`'s round-1 report (ทส.00n).
fn report(n: usize) -> Submission {
    let mut sub = numbered(samples::ministers_office(), format!("ทส.{n:03}"), n);
    sub.reporting_quarter = Some(Quarter::Q1);
    sub
}

fn rejected(n: usize) -> Vec<u8> {
    let mut sub = report(n);
    sub.kpis[0].weight = 120.0;
    workbook_bytes(&sub)
}

fn setup() -> TestEnv {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", CONFIG.as_bytes());
    std::fs::create_dir_all(env.path("share/inbox")).unwrap();
    env
}

fn kpiwatch_at(env: &TestEnv, now: &str, args: &[&str]) -> Output {
    env.kpiwatch()
        .env("KPIWATCH_TEST_NOW", now)
        .args(args)
        .args(["--config", "kpiwatch.toml", "--state", "state", "share"])
        .output()
        .unwrap()
}

fn run_at(env: &TestEnv, now: &str) {
    let out = kpiwatch_at(env, now, &["run"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn status_json(env: &TestEnv, now: &str, round: &str) -> (i32, Value) {
    let out = kpiwatch_at(env, now, &["status", "--json", "--round", round]);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn division<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["divisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {doc}"))
}

/// The share after round 1: ทส.001 early, ทส.002 rejected early and fixed after the grace,
/// ทส.003 on the due date, ทส.004 within the grace, ทส.005 never, ทส.006 excused, and an
/// unregistered ทส.099 whose file is rejected.
fn round_one(env: &TestEnv) {
    env.write("share/inbox/d1/kpi.xlsx", &workbook_bytes(&report(1)));
    env.write("share/inbox/d2/kpi.xlsx", &rejected(2));
    run_at(env, "2021-01-10 09:00:00");
    env.write("share/inbox/d3/kpi.xlsx", &workbook_bytes(&report(3)));
    run_at(env, "2021-01-15 16:00:00");
    env.write("share/inbox/d4/kpi.xlsx", &workbook_bytes(&report(4)));
    env.write("share/inbox/stray/kpi.xlsx", &workbook_bytes(&report(99)));
    run_at(env, "2021-01-17 10:00:00");
    env.write("share/inbox/d2/kpi.xlsx", &workbook_bytes(&report(2)));
    run_at(env, "2021-01-25 11:00:00");
}

#[test]
fn status_of_a_round_from_the_ledger() {
    let env = setup();
    round_one(&env);
    let (code, doc) = status_json(&env, "2021-01-25 12:00:00", "1");
    assert_eq!(code, 1, "some division is to be chased: {doc}");
    assert_eq!(doc["due"], "2021-01-15");
    assert_eq!(doc["grace_days"], 3);
    let counts = &doc["counts"];
    for (key, n) in [
        ("on_time", 2),
        ("late_within_grace", 1),
        ("late", 1),
        ("rejected", 1),
        ("not_sent", 1),
        ("excused", 1),
        ("not_due", 0),
    ] {
        assert_eq!(counts[key], n, "{key}: {doc}");
    }
    let s = |code| division(&doc, code)["status"].clone();
    assert_eq!(s("ทส.001"), "on_time");
    assert_eq!(s("ทส.003"), "on_time");
    assert_eq!(s("ทส.004"), "late_within_grace");
    assert_eq!(division(&doc, "ทส.004")["days_late"], 2);
    // Rejected on the 10th, fixed on the 25th: dated by the fix, ten days after the due date.
    assert_eq!(s("ทส.002"), "late");
    assert_eq!(division(&doc, "ทส.002")["days_late"], 10);
    assert_eq!(
        division(&doc, "ทส.002")["received_at"],
        "2021-01-25 11:00:00"
    );
    assert_eq!(s("ทส.005"), "not_sent");
    assert_eq!(s("ทส.006"), "excused");
    assert_eq!(s("ทส.099"), "rejected");
    assert_eq!(division(&doc, "ทส.099")["registered"], false);
    // The workbook's contact first; the registry's e-mail, which a workbook cannot redirect.
    let d1 = division(&doc, "ทส.001");
    assert_eq!(d1["contact_name"], samples::ministers_office().contact.name);
    assert_eq!(d1["email"], "d1@example.go.th");
    assert_eq!(division(&doc, "ทส.005")["email"], "d5@example.go.th");

    // Who certified each version: on its receipt and in the summary's submissions sheet.
    let certified = samples::ministers_office().certification.describe();
    let receipt = std::fs::read_to_string(env.path("share/receipts/d1/kpi.xlsx.txt")).unwrap();
    assert!(
        receipt.contains(&format!("ผู้รับรองข้อมูล: {certified}")),
        "{receipt}"
    );
    let subs = sheet_rows(
        &env.path("share/summary/kpi-summary-2564.xlsx"),
        SUBMISSIONS_SHEET,
    );
    let d1 = subs
        .iter()
        .find(|r| r[0] == "d1/kpi.xlsx")
        .expect("d1 listed");
    assert_eq!(d1[11], certified);

    // Before the grace is over the silent division is not yet overdue.
    let (_, early) = status_json(&env, "2021-01-17 12:00:00", "1");
    assert_eq!(division(&early, "ทส.005")["status"], "not_due");
    // Round 2 has no due date and its quarter has not ended: nobody is chased.
    let (code, r2) = status_json(&env, "2021-01-25 12:00:00", "2");
    assert_eq!(code, 0, "{r2}");
    assert_eq!(r2["due"], Value::Null);
    assert_eq!(r2["counts"]["not_due"], 7, "{r2}");

    // The text form lists the late and the silent with whom to call.
    let out = kpiwatch_at(&env, "2021-01-25 12:00:00", &["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ทส.002 กองสอง, 10 days late"), "{text}");
    assert!(
        text.contains("not sent:\n  ทส.005 กองห้า — d5@example.go.th"),
        "{text}"
    );
}

/// The status row of `code` in the summary's status sheet.
fn status_row(rows: &[Vec<String>], code: &str) -> Vec<String> {
    rows.iter()
        .find(|r| r.first().is_some_and(|c| c == code))
        .cloned()
        .unwrap_or_else(|| panic!("no row {code}: {rows:?}"))
}

#[test]
fn the_status_sheet_shows_the_rounds_and_counts_live() {
    let env = setup();
    round_one(&env);
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let rows = sheet_rows(&summary, STATUS_SHEET);
    let late = status_row(&rows, "ทส.002");
    assert_eq!(late[2], "▲ ส่งช้า");
    assert_eq!(late[3], "25 ม.ค. 2564");
    assert_eq!(late[4], "10");
    assert_eq!(status_row(&rows, "ทส.005")[2], "● ยังไม่ส่ง");
    assert_eq!(status_row(&rows, "ทส.006")[2], "– ได้รับยกเว้น");
    // The overview states the current round's counts.
    let overview = sheet_rows(&summary, kpiwatch::summary::OVERVIEW_SHEET)
        .concat()
        .concat();
    assert!(
        overview.contains("สถานะการส่ง รอบ 3 เดือน (กำหนดส่ง 15 ม.ค. 2564 ผ่อนผัน 3 วัน): ✓ ส่งตรงเวลา 2"),
        "{overview}"
    );
    if !soffice_available() {
        return;
    }
    // Recalculated by LibreOffice, the counts under the table equal kpiwatch's.
    let (_, doc) = status_json(&env, "2021-01-25 12:00:00", "1");
    let sheets = lo_sheets_as_csv(&summary, &env.path("csv"));
    let csv = &sheets[STATUS_SHEET];
    for (key, label) in [
        ("on_time", "✓ ส่งตรงเวลา"),
        ("late_within_grace", "△ ส่งช้า ภายในระยะผ่อนผัน"),
        ("late", "▲ ส่งช้า"),
        ("not_sent", "● ยังไม่ส่ง"),
        ("rejected", "✗ ส่งแล้ว ต้องแก้ไข"),
        ("excused", "– ได้รับยกเว้น"),
    ] {
        let count_row = csv
            .iter()
            .rev()
            .find(|r| r.first().is_some_and(|c| c == label))
            .unwrap_or_else(|| panic!("no count of {label}: {csv:?}"));
        assert_eq!(
            count_row[2],
            doc["counts"][key].to_string(),
            "{label}: {count_row:?}"
        );
    }
}

#[test]
fn watch_moves_a_late_file_onto_the_status_sheet() {
    let env = setup();
    let clock = env.write("now.txt", b"2021-01-20 09:00:00");
    env.write("share/inbox/d1/kpi.xlsx", &workbook_bytes(&report(1)));
    let mut w = Watcher::start_with(
        &env,
        &[
            "--log-format",
            "json",
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "--poll",
            "0.3",
            "share",
        ],
        &[(
            "KPIWATCH_TEST_NOW",
            Path::new(&format!("@{}", clock.display())),
        )],
    );
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let status_of = |code: &str| -> Option<String> {
        let mut wb = calamine::open_workbook_auto(&summary).ok()?;
        let range = calamine::Reader::worksheet_range(&mut wb, STATUS_SHEET).ok()?;
        range
            .rows()
            .find(|r| r.first().is_some_and(|c| *c == code))
            .map(|r| r[2].to_string())
    };
    w.wait_until("ทส.003 listed as not sent", || {
        status_of("ทส.003").as_deref() == Some("● ยังไม่ส่ง")
    });
    std::fs::write(&clock, "2021-01-28 10:00:00").unwrap();
    env.drop_file("share/inbox/d3/kpi.xlsx", &workbook_bytes(&report(3)));
    w.wait_until("ทส.003 late on the status sheet", || {
        status_of("ทส.003").as_deref() == Some("▲ ส่งช้า")
    });
    w.stop();
}

#[test]
fn a_share_that_requires_certification_rejects_a_blank_sign_off() {
    let env = setup();
    let strict = CONFIG.replacen(
        "fiscal_year = 2564",
        "fiscal_year = 2564\nrequire_certification = true",
        1,
    );
    env.write("kpiwatch.toml", strict.as_bytes());
    let mut unsigned = report(1);
    unsigned.certification = Default::default();
    env.write("share/inbox/d1/kpi.xlsx", &workbook_bytes(&unsigned));
    env.write("share/inbox/d3/kpi.xlsx", &workbook_bytes(&report(3)));
    run_at(&env, "2021-01-12 09:00:00");
    let receipt = std::fs::read_to_string(env.path("share/receipts/d1/kpi.xlsx.txt")).unwrap();
    assert!(receipt.contains("certification-required"), "{receipt}");
    assert!(receipt.contains("Result: rejected"), "{receipt}");
    let (_, doc) = status_json(&env, "2021-01-12 10:00:00", "1");
    assert_eq!(division(&doc, "ทส.001")["status"], "rejected");
    assert_eq!(division(&doc, "ทส.003")["status"], "on_time");
}

#[test]
fn status_before_any_run_says_there_is_no_ledger() {
    let env = setup();
    let out = kpiwatch_at(&env, "2021-01-25 12:00:00", &["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no ledger at") && err.contains("kpiwatch run"),
        "{err}"
    );
}
