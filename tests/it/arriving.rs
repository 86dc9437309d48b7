//! `run` applies the watcher's stability rule: a file modified within the quiet period may still
//! be arriving, so it is left for the next pass (no receipt, no rejection), and read once it is
//! complete and settled. Modification times are set explicitly: nothing sleeps.

use std::path::Path;
use std::time::Duration;

use kpiwatch::check::validate::Status;
use kpiwatch::domain::samples;

use crate::harness::{self, TestEnv, numbered, workbook_bytes};

const REL: &str = "late-division/kpi-2564.xlsx";

fn run(env: &TestEnv) -> (i32, String) {
    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "share"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Lands bytes in the inbox just now, as a copy in progress leaves them.
fn land(env: &TestEnv, bytes: &[u8]) -> std::path::PathBuf {
    let path = env.path(Path::new("share/inbox").join(REL));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_file_still_being_copied_is_left_for_the_next_run_then_accepted() {
    let env = TestEnv::new();
    env.copy_examples("share/inbox");
    let full = workbook_bytes(&numbered(samples::ministers_office(), "ชส.".to_owned(), 1));
    let receipt = env.path("share/receipts").join(format!("{REL}.txt"));

    // The first 15,000 bytes, just written: still arriving.
    land(&env, &full[..15_000]);
    let (code, out) = run(&env);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("still arriving, left for the next pass: {REL}")),
        "{out}"
    );
    assert!(!receipt.exists(), "a receipt for a file still arriving");
    assert!(!env.versions().contains_key(REL), "recorded while arriving");
    // The others were read as usual.
    assert!(env.path("share/summary/kpi-summary-2564.xlsx").exists());

    // Complete now, but modified a moment ago: the next run still waits.
    let path = land(&env, &full);
    let (code, out) = run(&env);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("still arriving"), "{out}");
    assert!(!receipt.exists());

    // Settled: read, accepted, with a receipt.
    harness::age(&path, Duration::from_secs(60));
    let (code, out) = run(&env);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("still arriving"), "{out}");
    assert_eq!(env.versions()[REL], [Status::Accepted]);
    assert!(receipt.exists());
}

#[test]
fn a_truncated_file_that_has_settled_is_still_rejected() {
    // The rule only waits: a damaged file that stopped changing gets its receipt.
    let env = TestEnv::new();
    let full = workbook_bytes(&samples::ministers_office());
    env.write(Path::new("share/inbox").join(REL), &full[..15_000]);
    let (code, out) = run(&env);
    assert_eq!(code, 1, "{out}");
    assert_eq!(env.versions()[REL], [Status::Rejected]);
    let receipt =
        std::fs::read_to_string(env.path("share/receipts").join(format!("{REL}.txt"))).unwrap();
    assert!(receipt.contains("(not-a-workbook)"), "{receipt}");
}

#[test]
fn a_quiet_period_of_zero_reads_at_once() {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 0\n");
    land(&env, &workbook_bytes(&samples::ministers_office()));
    let out = env
        .kpiwatch()
        .args([
            "run",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.versions()[REL], [Status::Accepted]);
}
