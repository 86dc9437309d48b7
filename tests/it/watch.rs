//! `kpiwatch watch` with real files and real file-system events, native and polling: a dropped
//! file, a slow chunked copy, 200 files at once, a restart after changes made while stopped,
//! and Office lock files. Waits have generous deadlines; nothing asserts on durations.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use kpiwatch::check::validate::Status;
use kpiwatch::domain::model::Submission;
use kpiwatch::domain::samples;

use crate::harness::{TestEnv, Watcher, numbered, summary_figures, workbook_bytes};

const CONFIG: &str = "[watch]\nquiet_period_secs = 1\n";

#[derive(Clone, Copy, Debug)]
enum Mode {
    Native,
    Poll,
}

/// `kpiwatch watch` over `share`, logging JSON, once it says it is watching.
fn start(env: &TestEnv, mode: Mode) -> Watcher {
    let mut args = vec![
        "--log-format",
        "json",
        "watch",
        "--config",
        "kpiwatch.toml",
        "--state",
        "state",
    ];
    if let Mode::Poll = mode {
        args.extend(["--poll", "0.3"]);
    }
    args.push("share");
    let mut w = Watcher::start(env, &args);
    w.wait_for_log("\"watching\"");
    w
}

fn setup() -> TestEnv {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", CONFIG.as_bytes());
    std::fs::create_dir_all(env.path("share/inbox")).unwrap();
    env
}

/// A division of its own: sample สร. under another code, so every file is distinct.
fn division(n: usize) -> Submission {
    numbered(samples::ministers_office(), format!("ทส.{n:03}"), n)
}

/// Lands a finished file under the share's inbox.
fn drop_file(env: &TestEnv, rel: &str, bytes: &[u8]) {
    env.drop_file(Path::new("share/inbox").join(rel), bytes);
}

fn dropped_file_updates_summary_and_receipt(mode: Mode) {
    let env = setup();
    let mut w = start(&env, mode);
    drop_file(
        &env,
        "ministers-office/kpi-2564.xlsx",
        &workbook_bytes(&samples::ministers_office()),
    );
    let receipt = env.path("share/receipts/ministers-office/kpi-2564.xlsx.txt");
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    w.wait_until("receipt and summary", || {
        receipt.exists() && summary.exists()
    });
    // A lock file and Office temporaries cause nothing.
    let before = env.versions();
    let inbox = env.path("share/inbox/ministers-office");
    std::fs::write(inbox.join("~$kpi-2564.xlsx"), b"owner").unwrap();
    std::fs::write(inbox.join(".~lock.kpi-2564.xlsx#"), b"lock").unwrap();
    std::fs::write(inbox.join("~WRL0001.tmp"), b"tmp").unwrap();
    std::fs::write(inbox.join("3A7F9C21"), b"excel temp").unwrap();
    // A real file after the clutter proves the watcher looked.
    drop_file(&env, "sentinel/kpi.xlsx", &workbook_bytes(&division(1)));
    w.wait_until("sentinel", || {
        env.versions().contains_key("sentinel/kpi.xlsx")
    });
    let after = env.versions();
    assert_eq!(
        after.len(),
        before.len() + 1,
        "only the sentinel was added: {after:?}"
    );
    let log = w.stop();
    assert!(log.contains("\"ingested\""), "{log}");
    assert!(
        std::fs::read_to_string(&receipt)
            .unwrap()
            .contains("Result: accepted")
    );
}

#[test]
fn native_dropped_file_and_lock_files() {
    dropped_file_updates_summary_and_receipt(Mode::Native);
}

#[test]
fn poll_dropped_file_and_lock_files() {
    dropped_file_updates_summary_and_receipt(Mode::Poll);
}

fn slow_copy_is_ingested_once(mode: Mode) {
    let env = setup();
    let mut w = start(&env, mode);
    let bytes = workbook_bytes(&samples::inspection_office());
    let dest = env.path("share/inbox/slow.xlsx");
    let mut f = std::fs::File::create(&dest).unwrap();
    // About four seconds, in pieces, as a copy onto a slow share arrives.
    let chunks = bytes.chunks(bytes.len() / 10 + 1).collect::<Vec<_>>();
    for c in chunks {
        f.write_all(c).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(400));
    }
    drop(f);
    w.wait_until("slow file", || env.versions().contains_key("slow.xlsx"));
    // Give a wrong second ingestion every chance to happen before looking.
    drop_file(&env, "sentinel.xlsx", &workbook_bytes(&division(2)));
    w.wait_until("sentinel", || env.versions().contains_key("sentinel.xlsx"));
    let log = w.stop();
    let v = env.versions();
    assert_eq!(
        v["slow.xlsx"],
        [Status::Accepted],
        "exactly once, accepted: {log}"
    );
    assert!(!log.contains("not-a-workbook"), "{log}");
}

#[test]
fn native_slow_copy() {
    slow_copy_is_ingested_once(Mode::Native);
}

#[test]
fn poll_slow_copy() {
    slow_copy_is_ingested_once(Mode::Poll);
}

fn burst_of_200(mode: Mode) {
    let env = setup();
    // Built before the watcher starts, so the burst lands as fast as the disk allows.
    let files: Vec<(String, Vec<u8>)> = (0..200)
        .map(|n| (format!("div-{n:03}/kpi.xlsx"), workbook_bytes(&division(n))))
        .collect();
    let mut w = start(&env, mode);
    for (rel, bytes) in &files {
        drop_file(&env, rel, bytes);
    }
    w.wait_for_count("files recorded", 200, || env.versions().len());
    let log = w.stop();
    let v = env.versions();
    assert!(
        v.values().all(|s| s == &[Status::Accepted]),
        "each exactly once"
    );
    let rewrites = log
        .lines()
        .filter(|l| l.contains("\"pass done\"") && !l.contains("\"summaries\":0"))
        .count();
    assert!(
        rewrites <= 10,
        "a burst gives a few summary rewrites, not 200: {rewrites}"
    );
}

#[test]
fn native_burst_of_200() {
    burst_of_200(Mode::Native);
}

#[test]
fn poll_burst_of_200() {
    burst_of_200(Mode::Poll);
}

/// The summary sheets a restarted watcher and a fresh run must agree on.
const SHEETS: [&str; 3] = ["ภาพรวม", "ตัวชี้วัด", "แผนกระบวนการ"];

fn restart_catches_up(mode: Mode) {
    let env = setup();
    drop_file(&env, "a/kpi.xlsx", &workbook_bytes(&division(1)));
    let mut w = start(&env, mode);
    w.wait_until("first file", || env.versions().contains_key("a/kpi.xlsx"));
    w.stop();

    // While stopped: one file added, one changed.
    drop_file(&env, "b/kpi.xlsx", &workbook_bytes(&division(2)));
    let mut changed = division(1);
    changed.kpis[0].quarters[3].result = Some(94.0);
    changed.kpis[0].quarters[3].own_score = None;
    changed.kpis[0].quarters[3].own_weighted = None;
    drop_file(&env, "a/kpi.xlsx", &workbook_bytes(&changed));

    let mut w = start(&env, mode);
    w.wait_until("catch-up", || {
        let v = env.versions();
        v.get("a/kpi.xlsx").is_some_and(|s| s.len() == 2) && v.contains_key("b/kpi.xlsx")
    });
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    w.wait_until("summary", || summary.exists());
    w.stop();

    // A fresh run over a copy of the inbox, with an empty ledger, gives the same figures.
    let fresh = TestEnv::new();
    for rel in ["a/kpi.xlsx", "b/kpi.xlsx"] {
        fresh.write(
            Path::new("share/inbox").join(rel),
            &std::fs::read(env.path("share/inbox").join(rel)).unwrap(),
        );
    }
    let out = fresh
        .kpiwatch()
        .args(["run", "--state", "st", "share"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        summary_figures(&summary, &SHEETS)
            .into_iter()
            // The watched share has a revision note (Q4 changed); a fresh run has no history.
            .map(|r| r
                .into_iter()
                .map(|c| if c.contains(" → ") {
                    String::new()
                } else {
                    c
                })
                .collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        summary_figures(&fresh.path("share/summary/kpi-summary-2564.xlsx"), &SHEETS,)
    );
}

#[test]
fn native_restart_catches_up() {
    restart_catches_up(Mode::Native);
}

#[test]
fn poll_restart_catches_up() {
    restart_catches_up(Mode::Poll);
}
