//! Faults: kill -9 at many moments of `run` and `watch`, a full disk, an unwritable summary
//! folder, an inbox that disappears and comes back. After each, the ledger is sound, no
//! submission is lost or counted twice, and the summary has the figures of a run without faults.
//!
//! CI runs 20 `run` trials and 10 `watch` trials; `KPIWATCH_FAULT_TRIALS=300 cargo test
//! --release --test it faults::` runs as many as asked (the README quotes such a run).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestEnv, workbook_bytes};
use calamine::{Reader, open_workbook_auto};
use kpiwatch::domain::model::Submission;
use kpiwatch::domain::samples;
use kpiwatch::ledger::Ledger;

const FILES: usize = 24;

fn division(n: usize) -> Submission {
    let mut sub = samples::inspection_office();
    sub.division.code = format!("ทด.{n:02}");
    sub.division.name = format!("หน่วยงานทดสอบ {n}");
    for (i, k) in sub.kpis.iter_mut().enumerate() {
        k.code = format!("ทด.{n:02}-{i}");
    }
    sub.kpis[0].quarters[1].result = Some(150.0 + n as f64);
    sub.kpis[0].quarters[1].result_text = None;
    sub.kpis[0].quarters[1].own_score = None;
    sub.kpis[0].quarters[1].own_weighted = None;
    sub
}

fn inbox(env: &TestEnv) {
    for n in 0..FILES {
        env.write(
            format!("share/inbox/d{n:02}/kpi.xlsx"),
            &workbook_bytes(&division(n)),
        );
    }
}

fn trials(default: usize) -> usize {
    std::env::var("KPIWATCH_FAULT_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A deterministic spread of moments across a run's length (no randomness, so a failure can be
/// replayed): trial i waits i/trials of the typical run time, slightly jittered.
fn moment(i: usize, n: usize, typical: Duration) -> Duration {
    let jitter = (i * 7919 % 97) as f64 / 97.0;
    typical.mul_f64(((i as f64 + jitter) / n as f64).min(1.0))
}

fn kpiwatch(env: &TestEnv, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kpiwatch"));
    c.current_dir(env.dir.path())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// The figures of a summary (KPI and overview sheets), without the run's timestamps.
fn figures(path: &Path) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut rows = Vec::new();
    for sheet in ["ภาพรวม", "ตัวชี้วัด"] {
        let r = wb.worksheet_range(sheet).unwrap();
        rows.extend(
            r.rows()
                .skip(4)
                .map(|row| row.iter().map(|c| c.to_string()).collect()),
        );
    }
    rows
}

/// Ledger soundness after a fault: integrity, one version per file, receipts and summary.
fn assert_consistent(env: &TestEnv, reference: &[Vec<String>], what: &str) {
    let ledger = Ledger::open(&env.path("state/ledger.sqlite")).unwrap();
    assert_eq!(ledger.integrity_check().unwrap(), "ok", "{what}");
    let mut per_path: BTreeMap<String, usize> = BTreeMap::new();
    for v in ledger.all_versions().unwrap() {
        *per_path.entry(v.path).or_default() += 1;
    }
    assert_eq!(per_path.len(), FILES, "{what}: every submission recorded");
    assert!(
        per_path.values().all(|&n| n == 1),
        "{what}: none counted twice: {per_path:?}"
    );
    assert!(
        ledger.receipts_pending().unwrap().is_empty(),
        "{what}: receipts caught up"
    );
    for n in 0..FILES {
        assert!(
            env.path(format!("share/receipts/d{n:02}/kpi.xlsx.txt"))
                .exists(),
            "{what}"
        );
    }
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    assert_eq!(
        figures(&summary),
        reference,
        "{what}: the summary of a run without faults"
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.path("share/summary"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{what}: temporary files cleaned up");
}

fn reference() -> Vec<Vec<String>> {
    let env = TestEnv::new();
    inbox(&env);
    assert!(
        kpiwatch(&env, &["run", "--state", "state", "share"])
            .status()
            .unwrap()
            .success()
    );
    figures(&env.path("share/summary/kpi-summary-2564.xlsx"))
}

fn kill9(mut child: Child) {
    // std's kill is SIGKILL on Unix: no chance to clean up.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn kill_9_during_run_loses_and_doubles_nothing() {
    let reference = reference();
    // How long a run takes here, to spread the kills over it (not asserted on).
    let timing = TestEnv::new();
    inbox(&timing);
    let t = Instant::now();
    assert!(
        kpiwatch(&timing, &["run", "--state", "state", "share"])
            .status()
            .unwrap()
            .success()
    );
    let typical = t.elapsed();

    let n = trials(20);
    for i in 0..n {
        let env = TestEnv::new();
        inbox(&env);
        let child = kpiwatch(&env, &["run", "--state", "state", "share"])
            .spawn()
            .unwrap();
        std::thread::sleep(moment(i, n, typical));
        kill9(child);
        // Sometimes the restart itself is killed too.
        if i % 5 == 4 {
            let again = kpiwatch(&env, &["run", "--state", "state", "share"])
                .spawn()
                .unwrap();
            std::thread::sleep(moment(n - i, n, typical) / 2);
            kill9(again);
        }
        let status = kpiwatch(&env, &["run", "--state", "state", "share"])
            .status()
            .unwrap();
        assert!(status.success(), "trial {i}: restart failed");
        assert_consistent(&env, &reference, &format!("run trial {i}"));
    }
}

#[test]
fn kill_9_during_watch_loses_and_doubles_nothing() {
    let reference = reference();
    let n = trials(10);
    for i in 0..n {
        let env = TestEnv::new();
        env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 0.3\n");
        std::fs::create_dir_all(env.path("share/inbox")).unwrap();
        let args = [
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ];
        let child = kpiwatch(&env, &args).spawn().unwrap();
        // Files arrive while it runs; the kill lands somewhere in their ingestion.
        inbox(&env);
        std::thread::sleep(moment(i, n, Duration::from_secs(3)));
        kill9(child);
        // The restarted watcher catches up; then it is stopped properly.
        let log = env.path("watch.log");
        let mut child = kpiwatch(&env, &args)
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        // Until it has started, a SIGTERM would find no handler (and the first watcher may
        // already have done everything, so catching up proves nothing about this one).
        wait_for(&format!("watch trial {i}: restart"), &log, &|| {
            std::fs::read_to_string(&log).is_ok_and(|t| t.contains("watching"))
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let caught_up = Ledger::open(&env.path("state/ledger.sqlite"))
                .and_then(|l| {
                    Ok(l.latest_per_path()?.len() == FILES && l.receipts_pending()?.is_empty())
                })
                .unwrap_or(false)
                && env.path("share/summary/kpi-summary-2564.xlsx").exists()
                && figures(&env.path("share/summary/kpi-summary-2564.xlsx")) == reference;
            if caught_up {
                break;
            }
            assert!(Instant::now() < deadline, "watch trial {i}: no catch-up");
            std::thread::sleep(Duration::from_millis(200));
        }
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(
            child.wait().unwrap().success(),
            "watch trial {i}: did not stop cleanly:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        assert_consistent(&env, &reference, &format!("watch trial {i}"));
    }
}

/// Polls `cond` until it holds; after a generous deadline, fails showing the watcher's log.
fn wait_for(what: &str, log: &Path, cond: &dyn Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "{what}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs `cmd` in a shell and says whether it worked.
fn sh(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", cmd])
        .status()
        .is_ok_and(|s| s.success())
}

/// Faults that need root (a tiny file system, an immutable folder): required under CI, which
/// runs as root; skipped with a message elsewhere.
fn can_inject(what: &str, probe: bool) -> bool {
    if !probe {
        assert!(
            std::env::var_os("CI").is_none(),
            "cannot inject {what} under CI"
        );
        eprintln!("skipping: cannot inject {what} here (needs root)");
    }
    probe
}

#[test]
fn a_full_disk_keeps_the_previous_summary_and_recovers() {
    let env = TestEnv::new();
    inbox(&env);
    let summary_dir = env.path("share/summary");
    std::fs::create_dir_all(&summary_dir).unwrap();
    let mount = format!(
        "mount -t tmpfs -o size=256k kpiwatch-test {}",
        summary_dir.display()
    );
    if !can_inject("a full disk (tmpfs)", sh(&mount)) {
        return;
    }
    struct Unmount(String);
    impl Drop for Unmount {
        fn drop(&mut self) {
            sh(&format!("umount {}", self.0));
        }
    }
    let _guard = Unmount(summary_dir.display().to_string());
    assert!(
        kpiwatch(&env, &["run", "--state", "state", "share"])
            .status()
            .unwrap()
            .success()
    );
    let summary = summary_dir.join("kpi-summary-2564.xlsx");
    let before = std::fs::read(&summary).unwrap();
    // Fill the disk, then a new file arrives.
    let _ = std::fs::write(summary_dir.join("filler"), vec![0u8; 1 << 20]);
    env.write(
        "share/inbox/new/kpi.xlsx",
        &workbook_bytes(&division(FILES)),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kpiwatch"))
        .current_dir(env.dir.path())
        .args(["run", "--state", "state", "share"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "the pass failed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write the summary") && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        before,
        "the previous summary is intact"
    );
    // Space comes back: the next pass writes what the failed one could not.
    std::fs::remove_file(summary_dir.join("filler")).unwrap();
    let out = kpiwatch(&env, &["run", "--state", "state", "share"])
        .status()
        .unwrap();
    assert!(out.success());
    assert_ne!(
        std::fs::read(&summary).unwrap(),
        before,
        "rewritten with the new division"
    );
    let rows = figures(&summary);
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c == &format!("ทด.{FILES:02}")))
    );
}

#[test]
fn an_unwritable_summary_folder_is_retried_by_the_watcher() {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 0.3\n");
    inbox(&env);
    assert!(
        kpiwatch(&env, &["run", "--state", "state", "share"])
            .status()
            .unwrap()
            .success()
    );
    let summary_dir = env.path("share/summary");
    let summary = summary_dir.join("kpi-summary-2564.xlsx");
    let before = std::fs::read(&summary).unwrap();
    // Even root cannot create or replace files in an immutable folder.
    if !can_inject(
        "an unwritable folder (chattr +i)",
        sh(&format!("chattr +i {}", summary_dir.display())),
    ) {
        return;
    }
    let log = env.path("watch.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpiwatch"))
        .current_dir(env.dir.path())
        .args([
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ])
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    env.write(
        "share/inbox/new/kpi.xlsx",
        &workbook_bytes(&division(FILES)),
    );
    let wait = |what: &str, cond: &dyn Fn() -> bool| wait_for(what, &log, cond);
    wait("a clear error", &|| {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("cannot write the summary")
    });
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        before,
        "the previous summary is intact"
    );
    sh(&format!("chattr -i {}", summary_dir.display()));
    wait("the retry", &|| {
        std::fs::read(&summary).is_ok_and(|b| b != before)
    });
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn an_inbox_that_disappears_and_comes_back() {
    for poll in [false, true] {
        let env = TestEnv::new();
        env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 0.3\n");
        env.write("share/inbox/a/kpi.xlsx", &workbook_bytes(&division(1)));
        let log = env.path("watch.log");
        let mut args = vec!["watch", "--config", "kpiwatch.toml", "--state", "state"];
        if poll {
            args.extend(["--poll", "0.3"]);
        }
        args.push("share");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpiwatch"))
            .current_dir(env.dir.path())
            .args(&args)
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let versions = || {
            Ledger::open(&env.path("state/ledger.sqlite"))
                .and_then(|l| l.latest_per_path())
                .map(|v| v.len())
                .unwrap_or(0)
        };
        let wait = |what: &str, cond: &dyn Fn() -> bool| {
            wait_for(&format!("{what} (poll {poll})"), &log, cond)
        };
        wait("first file", &|| versions() == 1);
        // The share drops off the network: the inbox is gone.
        std::fs::rename(env.path("share/inbox"), env.path("away")).unwrap();
        wait("the watcher says so", &|| {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("not reachable")
        });
        assert!(child.try_wait().unwrap().is_none(), "still running");
        // It comes back, with a file that arrived meanwhile.
        std::fs::write(env.path("away/b.xlsx"), workbook_bytes(&division(2))).unwrap();
        std::fs::rename(env.path("away"), env.path("share/inbox")).unwrap();
        wait("catch-up", &|| versions() == 2);
        assert!(
            std::fs::read_to_string(&log)
                .unwrap()
                .contains("the inbox is back")
        );
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(child.wait().unwrap().success());
    }
}
