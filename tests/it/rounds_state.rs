//! Changes of state made by hand, through the real binary: closing a round (a frozen snapshot,
//! later versions marked with what they change), reopening it (who, when, why in the history
//! sheet) and closing it again; setting a version aside and counting it again, by inbox path,
//! archive path or SHA-256 prefix; kill -9 in the middle of `close` and `exclude`; and the live
//! summary recalculated in LibreOffice.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use kpiwatch::domain::model::Submission;
use kpiwatch::domain::samples;

use crate::harness::{TestEnv, Watcher, kill9, lo_sheets_as_csv, sheet_rows, soffice_available};

const SUMMARY: &str = "share/summary/kpi-summary-2564.xlsx";
const RECEIPT: &str = "share/receipts/a/kpi.xlsx.txt";
const SUBMISSIONS: &str = "การส่งไฟล์";
const HISTORY: &str = "ประวัติการดำเนินการ";
/// The submissions sheet's columns: status, "✓ current", notes, SHA-256.
const STATUS_COL: usize = 4;
const CURRENT_COL: usize = 7;
const NOTES_COL: usize = 9;
const SHA_COL: usize = 10;

/// The inspection office with its first KPI's first-quarter result set to `q1` (the seed's is
/// 0, which scores 1 against 0/150/300/450/826).
fn division(q1: f64) -> Submission {
    let mut sub = samples::inspection_office();
    let q = &mut sub.kpis[0].quarters[0];
    q.result = Some(q1);
    q.result_text = None;
    q.own_score = None;
    q.own_weighted = None;
    sub
}

fn bytes(q1: f64) -> Vec<u8> {
    crate::harness::workbook_bytes(&division(q1))
}

/// `kpiwatch ARGS` at the test clock `now`, as the user `who`.
fn kpiwatch(env: &TestEnv, now: &str, who: &str, args: &[&str]) -> Output {
    env.kpiwatch()
        .args(args)
        .env("KPIWATCH_TEST_NOW", now)
        .env("USER", who)
        .output()
        .unwrap()
}

/// Runs `ARGS --state state share`-style commands and asserts the exit code.
fn ok(env: &TestEnv, now: &str, args: &[&str]) -> String {
    let out = kpiwatch(env, now, "somchai", args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{args:?}: {text}");
    text
}

fn run(env: &TestEnv, now: &str) {
    ok(env, now, &["run", "--state", "state", "share"]);
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// The submissions sheet's row of the version with SHA-256 `sha`.
fn submission_row(summary: &Path, sha: &str) -> Vec<String> {
    sheet_rows(summary, SUBMISSIONS)
        .into_iter()
        .find(|r| r.get(SHA_COL).is_some_and(|s| s == sha))
        .unwrap_or_else(|| panic!("no row for {sha}"))
}

fn read(env: &TestEnv, rel: &str) -> String {
    std::fs::read_to_string(env.path(rel)).unwrap()
}

/// Two versions of division "a", the second with the first quarter revised to 150.
fn two_versions(env: &TestEnv) -> (String, String) {
    let v1 = bytes(0.0);
    env.write("share/inbox/a/kpi.xlsx", &v1);
    run(env, "2021-01-10 09:00:00");
    let v2 = bytes(150.0);
    env.write("share/inbox/a/kpi.xlsx", &v2);
    run(env, "2021-01-12 09:00:00");
    (sha(&v1), sha(&v2))
}

#[test]
fn a_closed_round_stays_frozen_while_revisions_show_old_and_new() {
    let env = TestEnv::new();
    env.write("share/inbox/a/kpi.xlsx", &bytes(0.0));
    run(&env, "2021-01-10 09:00:00");
    let out = ok(
        &env,
        "2021-01-15 09:30:00",
        &["close", "--round", "1", "--state", "state", "share"],
    );
    let snapshot = env.path("share/summary/closed/kpi-summary-2564-round-1-closed-2021-01-15.xlsx");
    assert!(out.contains("closed round 1 of fiscal year 2564"), "{out}");
    let frozen = std::fs::read(&snapshot).unwrap();
    // The snapshot is the whole summary, the rounds' status on the day of the close included.
    let status = sheet_rows(&snapshot, "สถานะการส่งรายงาน");
    assert!(status.iter().flatten().any(|c| c == "สตป."), "{status:?}");
    // Closing twice is refused: reopen first.
    let again = kpiwatch(
        &env,
        "2021-01-15 10:00:00",
        "somchai",
        &["close", "--round", "1", "--state", "state", "share"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already closed"));

    // A revision after the close counts in the live summary, marked with old → new.
    let v2 = bytes(150.0);
    env.write("share/inbox/a/kpi.xlsx", &v2);
    run(&env, "2021-01-16 09:00:00");
    let summary = env.path(SUMMARY);
    let row = submission_row(&summary, &sha(&v2));
    assert_eq!(row[CURRENT_COL], "✓");
    // The revision against the previous version, then what it changes against the snapshot.
    assert_eq!(
        row[NOTES_COL],
        "สตป. 02 ไตรมาส 1: 0 → 150; หลังปิดรอบ 3 เดือน: สตป. 02 ผล 0 → 150 คะแนน 1.0000 → 2.0000",
        "{row:?}"
    );
    let receipt = read(&env, RECEIPT);
    // The label names the round once; the value is what changed.
    assert!(
        receipt.contains(
            "ส่งหลังปิดรอบ 3 เดือน (ฉบับที่ปิดรอบไว้ไม่เปลี่ยน): สตป. 02 ผล 0 → 150 คะแนน 1.0000 → 2.0000\n"
        ),
        "{receipt}"
    );
    assert!(
        receipt.contains(
            "Received after round 1 closed (the closed snapshot stays as it was): \
             สตป. 02 result 0 → 150, score 1.0000 → 2.0000\n"
        ),
        "{receipt}"
    );
    assert_eq!(
        std::fs::read(&snapshot).unwrap(),
        frozen,
        "the snapshot changed"
    );

    // Reopening records who, when and why; the revision is no longer one after a close.
    let out = kpiwatch(
        &env,
        "2021-01-17 14:05:00",
        "somying",
        &[
            "reopen",
            "--round",
            "1",
            "--reason",
            "กองคลังแก้ไขผล",
            "--state",
            "state",
            "share",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let history = sheet_rows(&summary, HISTORY);
    let reopened = history
        .iter()
        .find(|r| r.get(1).is_some_and(|a| a == "เปิดรอบอีกครั้ง"))
        .unwrap_or_else(|| panic!("{history:?}"));
    assert_eq!(reopened[0], "17 ม.ค. 2564 เวลา 14:05 น.");
    assert_eq!(reopened[2], "รอบ 3 เดือน");
    assert_eq!(reopened[3], "somying");
    assert_eq!(reopened[4], "กองคลังแก้ไขผล");
    let closed = history
        .iter()
        .find(|r| r.get(1).is_some_and(|a| a == "ปิดรอบ"))
        .unwrap();
    assert_eq!(closed[3], "somchai");
    assert!(closed[2].contains("kpi-summary-2564-round-1-closed-2021-01-15.xlsx"));
    assert_eq!(
        submission_row(&summary, &sha(&v2))[NOTES_COL],
        "สตป. 02 ไตรมาส 1: 0 → 150"
    );
    assert!(!read(&env, RECEIPT).contains("ส่งหลังปิดรอบ"));

    // Closing again writes a new snapshot beside the first, which stays as it was.
    ok(
        &env,
        "2021-01-20 09:00:00",
        &["close", "--round", "1", "--state", "state", "share"],
    );
    assert!(
        env.path("share/summary/closed/kpi-summary-2564-round-1-closed-2021-01-20.xlsx")
            .is_file()
    );
    assert_eq!(std::fs::read(&snapshot).unwrap(), frozen);
    assert_eq!(sheet_rows(&summary, HISTORY).len(), 3 + 3);
    recalculates_as_written(&env, &summary);
}

#[test]
fn a_version_set_aside_gives_way_to_the_previous_one_until_counted_again() {
    let env = TestEnv::new();
    let (v1, v2) = two_versions(&env);
    let summary = env.path(SUMMARY);
    assert_eq!(submission_row(&summary, &v2)[CURRENT_COL], "✓");

    // By inbox path: the file's current version.
    let out = ok(
        &env,
        "2021-01-13 09:00:00",
        &[
            "exclude",
            "--state",
            "state",
            "share",
            "share/inbox/a/kpi.xlsx",
            "--reason",
            "ส่งผิดไฟล์",
        ],
    );
    assert!(out.contains("set aside: a/kpi.xlsx"), "{out}");
    let row = submission_row(&summary, &v2);
    assert_eq!(row[STATUS_COL], "กันไว้ ไม่นับ");
    assert_eq!(row[CURRENT_COL], "");
    assert!(row[NOTES_COL].contains("ส่งผิดไฟล์"), "{row:?}");
    assert_eq!(submission_row(&summary, &v1)[CURRENT_COL], "✓");
    let receipt = read(&env, RECEIPT);
    assert!(
        receipt.contains("กองแผนงานกันฉบับนี้ไว้ ไม่นับในสรุป เหตุผล: ส่งผิดไฟล์"),
        "{receipt}"
    );
    // Same file name: the hashes tell the two versions apart, in both halves.
    let (short1, short2) = (&v1[..12], &v2[..12]);
    assert!(
        receipt.contains(&format!(
            "ฉบับที่ใช้ในสรุปแทน: a/kpi.xlsx ได้รับเมื่อ 10 ม.ค. 2564 เวลา 09:00 น. SHA-256 {short1} (ฉบับนี้ SHA-256 {short2})"
        )),
        "{receipt}"
    );
    assert!(
        receipt.contains(&format!(
            "Counted instead: a/kpi.xlsx received 2021-01-10 09:00:00, SHA-256 {short1} (this version: SHA-256 {short2})"
        )),
        "{receipt}"
    );
    // Nothing is deleted.
    assert_eq!(env.ledger().unwrap().all_versions().unwrap().len(), 2);

    // By SHA-256 prefix: counted again.
    ok(
        &env,
        "2021-01-14 09:00:00",
        &[
            "include",
            "--state",
            "state",
            "share",
            &v2[..10],
            "--reason",
            "ผิดพลาด",
        ],
    );
    assert_eq!(submission_row(&summary, &v2)[CURRENT_COL], "✓");
    assert!(!read(&env, RECEIPT).contains("กันฉบับนี้ไว้"));
    let history = sheet_rows(&summary, HISTORY);
    let actions: Vec<&str> = history.iter().skip(3).map(|r| r[1].as_str()).collect();
    assert_eq!(actions, ["กันฉบับไว้ ไม่นับ", "นับฉบับอีกครั้ง"]);

    // By archive path: the older version, set aside; the newer stays current.
    let archived = env.ledger().unwrap().all_versions().unwrap()[0]
        .archive_path
        .clone();
    ok(
        &env,
        "2021-01-14 10:00:00",
        &[
            "exclude",
            "--state",
            "state",
            "share",
            &format!("share/archive/{archived}"),
            "--reason",
            "ฉบับเก่า",
        ],
    );
    assert_eq!(submission_row(&summary, &v1)[STATUS_COL], "กันไว้ ไม่นับ");
    assert_eq!(submission_row(&summary, &v2)[CURRENT_COL], "✓");
}

#[test]
fn a_short_unknown_or_ambiguous_prefix_is_refused_with_the_candidates() {
    let env = TestEnv::new();
    let (v1, v2) = two_versions(&env);
    let refused = |target: &str| {
        let out = kpiwatch(
            &env,
            "2021-01-13 09:00:00",
            "somchai",
            &[
                "exclude", "--state", "state", "share", target, "--reason", "x",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{target}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(refused(&v1[..6]).contains("at least 8"));
    assert!(refused("0123abcd0123").contains("no version matches"));
    // Two SHA-256 sharing 8 digits take some 65,000 versions to happen by chance: the second
    // version's is made to share the first's 12 in the ledger.
    let forged = format!("{}{}", &v1[..12], &v2[12..]);
    rusqlite::Connection::open(env.path("state/ledger.sqlite"))
        .unwrap()
        .execute(
            "UPDATE versions SET sha256 = ?1 WHERE sha256 = ?2",
            [&forged, &v2],
        )
        .unwrap();
    let message = refused(&v1[..12]);
    assert!(message.contains("more than one version"), "{message}");
    assert!(
        message.contains(&v1) && message.contains(&forged),
        "{message}"
    );
    // Nothing was set aside.
    let ledger = env.ledger().unwrap();
    assert!(ledger.state_changes().unwrap().is_empty());
}

/// Starts `kpiwatch ARGS` paused at `step` (the debug builds' hook), waits until it is there.
fn paused_at(env: &TestEnv, step: &str, now: &str, args: &[&str]) -> Child {
    let dir = env.path(format!("pause-{step}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = env
        .kpiwatch()
        .args(args)
        .env("KPIWATCH_TEST_NOW", now)
        .env("KPIWATCH_TEST_PAUSE_AT", step)
        .env("KPIWATCH_TEST_PAUSE_DIR", &dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Bounded: only turns a hang into a failure.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !dir.join(step).exists() {
        assert!(child.try_wait().unwrap().is_none(), "{step}: exited early");
        assert!(Instant::now() < deadline, "{step}: never reached");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn closed_folder(env: &TestEnv) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.path("share/summary/closed"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn kill_9_during_close_leaves_no_snapshot_without_its_close_nor_a_close_without_its_snapshot() {
    const CLOSE: [&str; 6] = ["close", "--round", "2", "--state", "state", "share"];
    let name = "kpi-summary-2564-round-2-closed-2021-04-01.xlsx";
    for step in ["close-written", "close-recorded"] {
        let env = TestEnv::new();
        env.write("share/inbox/a/kpi.xlsx", &bytes(0.0));
        run(&env, "2021-03-30 09:00:00");
        let mut child = paused_at(&env, step, "2021-04-01 09:00:00", &CLOSE);
        kill9(&mut child);
        // The next start of kpiwatch finishes or undoes the close.
        run(&env, "2021-04-01 09:05:00");
        let closes = env.ledger().unwrap().closed_rounds(2564).unwrap();
        if step == "close-written" {
            assert!(closes.is_empty(), "{step}");
            assert_eq!(closed_folder(&env), Vec::<String>::new(), "{step}");
            // And the round can be closed.
            ok(&env, "2021-04-01 09:10:00", &CLOSE);
            assert_eq!(closed_folder(&env), [name], "{step}");
        } else {
            assert_eq!(closes.len(), 1, "{step}");
            assert_eq!(closes[0].snapshot, name);
            assert_eq!(closed_folder(&env), [name], "{step}");
            assert!(
                !sheet_rows(&env.path("share/summary/closed").join(name), SUBMISSIONS).is_empty()
            );
        }
        assert_eq!(env.ledger().unwrap().integrity_check().unwrap(), "ok");
    }
}

#[test]
fn kill_9_during_exclude_leaves_the_ledger_consistent_and_the_next_pass_publishes_it() {
    let env = TestEnv::new();
    let (v1, v2) = two_versions(&env);
    let mut child = paused_at(
        &env,
        "exclude-recorded",
        "2021-01-13 09:00:00",
        &[
            "exclude",
            "--state",
            "state",
            "share",
            &v2[..8],
            "--reason",
            "ผิดไฟล์",
        ],
    );
    kill9(&mut child);
    let ledger = env.ledger().unwrap();
    assert_eq!(ledger.integrity_check().unwrap(), "ok");
    // The change and its row were one transaction.
    assert_eq!(ledger.state_changes().unwrap().len(), 1);
    assert_eq!(ledger.current().unwrap()[0].sha256, v1);
    drop(ledger);
    run(&env, "2021-01-13 09:05:00");
    let summary = env.path(SUMMARY);
    assert_eq!(submission_row(&summary, &v1)[CURRENT_COL], "✓");
    assert_eq!(submission_row(&summary, &v2)[STATUS_COL], "กันไว้ ไม่นับ");
    assert!(read(&env, RECEIPT).contains("ผิดไฟล์"));
}

#[test]
fn a_running_watch_is_not_confused_and_its_next_pass_keeps_the_change() {
    let env = TestEnv::new();
    let (v1, v2) = two_versions(&env);
    let summary = env.path(SUMMARY);
    let mut watcher = Watcher::start(&env, &["watch", "--state", "state", "share"]);
    watcher.wait_for_log("watching");
    // Beside the watcher, which holds the state folder.
    ok(
        &env,
        "2021-01-13 09:00:00",
        &[
            "exclude",
            "--state",
            "state",
            "share",
            &v2[..8],
            "--reason",
            "ผิดไฟล์",
        ],
    );
    assert_eq!(submission_row(&summary, &v1)[CURRENT_COL], "✓");
    // A new division makes the watcher pass; the set-aside version stays set aside.
    env.drop_file(
        "share/inbox/b/kpi.xlsx",
        &crate::harness::workbook_bytes(&samples::ministers_office()),
    );
    watcher.wait_for_count("versions", 2, || env.recorded());
    watcher.wait_until("summary with the new division", || {
        sheet_rows(&summary, SUBMISSIONS).len() >= 3 + 3
    });
    assert_eq!(submission_row(&summary, &v2)[STATUS_COL], "กันไว้ ไม่นับ");
    assert_eq!(submission_row(&summary, &v1)[CURRENT_COL], "✓");
    watcher.stop();
}

/// The summary recalculated by LibreOffice shows the figures kpiwatch cached.
fn recalculates_as_written(env: &TestEnv, summary: &Path) {
    if !soffice_available() {
        return;
    }
    let out: PathBuf = env.path("lo-csv");
    std::fs::create_dir_all(&out).unwrap();
    let sheets = lo_sheets_as_csv(summary, &out);
    let mut compared = 0;
    for sheet in ["ภาพรวม", "ตัวชี้วัด"] {
        let ours = sheet_rows(summary, sheet);
        let theirs = &sheets[sheet];
        for (r, row) in ours.iter().enumerate().skip(4) {
            for (c, cell) in row.iter().enumerate() {
                let Ok(x) = cell.parse::<f64>() else { continue };
                let lo = theirs
                    .get(r)
                    .and_then(|row| row.get(c))
                    .and_then(|t| t.parse::<f64>().ok());
                assert!(
                    lo.is_some_and(|y| (x - y).abs() < 1e-9),
                    "{sheet} row {r} col {c}: kpiwatch {x}, LibreOffice {lo:?}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 10, "only {compared} figures compared");
    eprintln!("LibreOffice recalculated {compared} figures, all equal to kpiwatch's");
}

#[test]
fn the_fiscal_year_is_asked_for_when_the_ledger_holds_two() {
    let env = TestEnv::new();
    env.write("share/inbox/a/kpi.xlsx", &bytes(0.0));
    let mut next = division(0.0);
    next.fiscal_year = Some(kpiwatch::domain::model::FiscalYear::new(2565));
    env.write(
        "share/inbox/a/kpi-2565.xlsx",
        &crate::harness::workbook_bytes(&next),
    );
    run(&env, "2021-10-10 09:00:00");
    let close = |extra: &[&str]| {
        let mut args = vec!["close", "--round", "1", "--state", "state"];
        args.extend_from_slice(extra);
        args.push("share");
        kpiwatch(&env, "2021-10-11 09:00:00", "somchai", &args)
    };
    let out = close(&[]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("2564, 2565") && message.contains("--fiscal-year"),
        "{message}"
    );
    assert_eq!(close(&["--fiscal-year", "2565"]).status.code(), Some(0));
    assert!(
        env.path("share/summary/closed/kpi-summary-2565-round-1-closed-2021-10-11.xlsx")
            .is_file()
    );
    // A round outside 1–4 is bad usage.
    let out = kpiwatch(
        &env,
        "2021-10-11 09:00:00",
        "somchai",
        &["close", "--round", "5", "--state", "state", "share"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_change_by_hand_without_the_ledger_or_its_year_is_refused_and_the_share_is_untouched() {
    let env = TestEnv::new();
    env.write("share/inbox/a/kpi.xlsx", &bytes(0.0));
    run(&env, "2021-01-10 09:00:00");
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let before = std::fs::read(&summary).unwrap();
    // A forgotten or mistyped --state: no ledger there, so nothing is recorded or rewritten.
    for args in [
        &["close", "--round", "1", "--state", "elsewhere", "share"][..],
        &[
            "reopen",
            "--round",
            "1",
            "--reason",
            "x",
            "--state",
            "elsewhere",
            "share",
        ],
        &[
            "exclude",
            "share",
            "a/kpi.xlsx",
            "--reason",
            "x",
            "--state",
            "elsewhere",
        ],
        &["include", "share", "a/kpi.xlsx", "--state", "elsewhere"],
    ] {
        let out = kpiwatch(&env, "2021-01-11 09:00:00", "somchai", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(message.contains("no ledger"), "{args:?}: {message}");
        assert!(!env.path("elsewhere/ledger.sqlite").exists(), "{args:?}");
    }
    // A fiscal year the ledger holds nothing of: no empty snapshot that could never go.
    let out = kpiwatch(
        &env,
        "2021-01-11 09:00:00",
        "somchai",
        &[
            "close",
            "--round",
            "1",
            "--fiscal-year",
            "2565",
            "--state",
            "state",
            "share",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2565 has no version"));
    assert!(!env.path("share/summary/closed").exists() || closed_folder(&env).is_empty());
    assert_eq!(std::fs::read(&summary).unwrap(), before);
}

#[test]
fn a_file_is_named_from_the_share_or_within_the_inbox() {
    let env = TestEnv::new();
    let (_, v2) = two_versions(&env);
    let summary = env.path(SUMMARY);
    // From the share, as the command's help shows it.
    let args = [
        "exclude",
        "--state",
        "state",
        "share",
        "inbox/a/kpi.xlsx",
        "--reason",
        "x",
    ];
    // The working folder is the test's root, so "inbox/a/kpi.xlsx" exists only in the share.
    assert!(!env.path("inbox/a/kpi.xlsx").exists());
    ok(&env, "2021-01-13 09:00:00", &args);
    assert_eq!(submission_row(&summary, &v2)[STATUS_COL], "กันไว้ ไม่นับ");
    // Within the inbox, as the summary and the receipts name it.
    ok(
        &env,
        "2021-01-14 09:00:00",
        &["include", "--state", "state", "share", "a/kpi.xlsx"],
    );
    assert_eq!(submission_row(&summary, &v2)[CURRENT_COL], "✓");
}
