//! The demo share generator end to end: determinism, and a generated share run through the real
//! binary with its own registry, every file's status, findings and division scores checked
//! against `expected.json`. The timing test is `#[ignore]`d: run it in release mode with
//! `cargo test --release --test it demo:: -- --ignored --nocapture` (`KPIWATCH_DEMO_COUNT` sets N).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use kpiwatch::check::validate::Status;
use kpiwatch::ledger::Ledger;
use kpiwatch::tools::demo::{self, DemoOptions, Expected};
use serde_json::Value;

use crate::harness::{TestEnv, diagnostic_codes};

#[test]
fn the_same_index_and_seed_give_the_same_submission() {
    for index in [0, 7, 39, 12_345] {
        let (a, ea) = demo::generate_submission(index, 11);
        let (b, eb) = demo::generate_submission(index, 11);
        assert_eq!(a, b);
        assert_eq!(ea, eb);
        let (c, _) = demo::generate_submission(index, 12);
        assert_ne!(a, c, "another seed gives another division {index}");
        assert_eq!(a.division.code, c.division.code, "the code is the index's");
    }
    let (x, _) = demo::generate_submission(1, 11);
    let (y, _) = demo::generate_submission(2, 11);
    assert_ne!(x, y);
}

#[test]
fn generation_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let opts = DemoOptions { count: 8, seed: 5 };
    demo::generate(&one, &opts, |_| {}).unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| demo::generate(&two, &opts, |_| {}).unwrap());
    for rel in ["expected.json", "kpiwatch.toml"] {
        assert_eq!(
            std::fs::read(one.join(rel)).unwrap(),
            std::fs::read(two.join(rel)).unwrap(),
            "{rel}"
        );
    }
    for i in 0..8 {
        let rel = Path::new("inbox")
            .join(demo::folder_name(i))
            .join(demo::FILE_NAME);
        assert_eq!(
            std::fs::read(one.join(&rel)).unwrap(),
            std::fs::read(two.join(&rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
}

/// The first seed whose first `count` divisions include a rejected file and two with planted
/// warnings, so the share exercises both (found, not hard-coded, so it survives changes to the
/// generator).
fn interesting_seed(count: usize) -> u64 {
    (1..)
        .find(|&seed| {
            let expected: Vec<Expected> = (0..count)
                .map(|i| demo::generate_submission(i, seed).1)
                .collect();
            let rejected = expected
                .iter()
                .filter(|e| e.status == Status::Rejected)
                .count();
            let warned = expected
                .iter()
                .filter(|e| e.status == Status::Accepted && e.problem.is_some())
                .count();
            rejected >= 1 && warned >= 2
        })
        .unwrap()
}

fn codes_of(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_generated_share_runs_as_expected() {
    const COUNT: usize = 40;
    let env = TestEnv::new();
    let out = env.path("share");
    let state = env.path("state");
    let seed = interesting_seed(COUNT);
    let summary = demo::generate(&out, &DemoOptions { count: COUNT, seed }, |_| {}).unwrap();
    assert_eq!(summary.files, COUNT);
    assert!(summary.rejected >= 1 && summary.warned >= 2);

    let doc: Value = serde_json::from_slice(&std::fs::read(out.join("expected.json")).unwrap())
        .expect("expected.json");
    assert_eq!(doc["seed"], seed);
    assert_eq!(doc["fiscal_year"], 2567);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), COUNT);

    // One pass over the share, with the generated registry.
    let pass = || {
        env.kpiwatch()
            .arg("run")
            .arg("--config")
            .arg(out.join("kpiwatch.toml"))
            .arg("--state")
            .arg(&state)
            .arg(&out)
            .output()
            .unwrap()
    };
    let run = pass();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(run.status.code(), Some(1), "some file is rejected: {log}");
    assert!(
        log.contains(&format!("{COUNT} files in the inbox")),
        "{log}"
    );
    assert!(out.join("summary/kpi-summary-2567.xlsx").is_file(), "{log}");

    assert_ledger_as_expected(&state, files);
    let scored = assert_check_as_expected(&env, &out, files, seed);
    assert_eq!(scored, summary.accepted);

    // A second pass reads nothing again.
    let again = pass();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("0 read"), "{stdout}");
}

/// Statuses and findings, from the ledger, as `expected.json` lists them.
fn assert_ledger_as_expected(state: &Path, files: &[Value]) {
    let ledger = Ledger::open(&state.join("ledger.sqlite")).unwrap();
    let latest: BTreeMap<String, (Status, BTreeSet<String>, String)> = ledger
        .latest_per_path()
        .unwrap()
        .into_iter()
        .map(|(v, _)| {
            let codes = v.diagnostics.iter().map(|d| d.code.clone()).collect();
            (v.path, (v.status, codes, v.division_code))
        })
        .collect();
    assert_eq!(latest.len(), files.len());
    for f in files {
        let path = f["path"].as_str().unwrap();
        let (status, codes, code) = latest
            .get(path)
            .unwrap_or_else(|| panic!("{path} not in the ledger"));
        assert_eq!(status.as_str(), f["status"], "{path}");
        assert_eq!(codes, &codes_of(&f["codes"]), "{path}");
        assert_eq!(code, f["division_code"].as_str().unwrap(), "{path}");
    }
}

/// Statuses, findings, division scores, and KPI names kept as text, from `kpiwatch check --json`
/// over the generated share, as `expected.json` lists them. Returns how many files scored.
fn assert_check_as_expected(env: &TestEnv, share: &Path, files: &[Value], seed: u64) -> usize {
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|f| share.join("inbox").join(f["path"].as_str().unwrap()))
        .collect();
    let (_, report) = env.check_json(&paths.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    let reports = report["files"].as_array().unwrap();
    assert_eq!(reports.len(), files.len());
    let mut scored = 0;
    for (i, (f, r)) in files.iter().zip(reports).enumerate() {
        let path = f["path"].as_str().unwrap();
        assert_eq!(r["status"], f["status"], "{path}");
        assert_eq!(
            codes_of(&f["codes"]),
            diagnostic_codes(r).into_iter().collect::<BTreeSet<_>>()
        );
        let (sub, _) = demo::generate_submission(i, seed);
        let names: Vec<&str> = r["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        let sent: Vec<&str> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, sent, "{path}");
        if f["status"] == "accepted" {
            let want = f["division_scores"].as_array().unwrap();
            let got: Vec<&Value> = r["division_scores"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| &d["score"])
                .collect();
            assert_eq!(want.len(), 4);
            for (q, (w, g)) in want.iter().zip(&got).enumerate() {
                match (w.as_f64(), g.as_f64()) {
                    (Some(w), Some(g)) => assert!((w - g).abs() < 1e-9, "{path} Q{}", q + 1),
                    (None, None) => assert!(w.is_null() && g.is_null()),
                    other => panic!("{path} Q{}: {other:?}", q + 1),
                }
            }
            scored += 1;
        } else {
            assert!(f["division_scores"].is_null());
        }
    }
    scored
}

#[test]
fn bench_floor_alternates_its_rounds_and_compares_medians() {
    let env = TestEnv::new();
    demo::generate(env.dir.path(), &DemoOptions { count: 6, seed: 3 }, |_| {}).unwrap();
    let out = env
        .kpiwatch()
        .args(["bench", "floor", "--rounds", "3"])
        .arg(env.path("inbox"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("6 workbooks, "), "{stdout}");
    // The cells of six workbooks: thousands.
    let cells: usize = stdout["6 workbooks, ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(cells > 6_000, "{stdout}");
    for round in 1..=3 {
        assert!(stdout.contains(&format!("round {round}:\n")), "{stdout}");
    }
    let lines: Vec<&str> = stdout.lines().collect();
    let median = lines
        .iter()
        .position(|l| *l == "median of 3 rounds:")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(lines[median + 1].contains("calamine floor: "), "{stdout}");
    for line in &lines[median + 2..median + 4] {
        assert!(line.ends_with("× the floor"), "{stdout}");
    }
    #[cfg(unix)]
    assert!(lines[median + 1].contains("; CPU "), "{stdout}");
}

#[test]
fn bench_watch_latency_times_each_file_after_the_last_pass_is_done() {
    // Books of two divisions: every pass replaces a book and then the index, and a sample
    // begun before the index of the previous one was replaced used to end at once.
    let env = TestEnv::new();
    demo::generate(env.dir.path(), &DemoOptions { count: 4, seed: 5 }, |_| {}).unwrap();
    let config = env.path("kpiwatch.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml.push_str("\n[watch]\nquiet_period_secs = 1\n\n[summary]\ndivisions_per_book = 2\n");
    std::fs::write(&config, toml).unwrap();
    let out = env
        .kpiwatch()
        .args(["bench", "watch-latency", "--samples", "3", "--config"])
        .arg(&config)
        .arg("--state")
        .arg(env.path("state"))
        .arg(env.dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let samples: Vec<f64> = stdout
        .lines()
        .filter(|l| l.starts_with("sample "))
        .map(|l| {
            l.split(": ")
                .nth(1)
                .and_then(|t| t.split(' ').next())
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(samples.len(), 3, "{stdout}");
    // A file is read once it has been still for the quiet period, so no sample is shorter.
    for s in &samples {
        assert!(*s >= 1.0, "{stdout}");
    }
    assert!(stdout.contains("median: "), "{stdout}");
    let files = std::fs::read_dir(env.path("summary")).unwrap().count();
    assert!(files >= 3, "an index and at least two books: {files}");
}

#[test]
fn a_reader_that_stops_reading_ends_the_output_quietly() {
    // `kpiwatch bench floor INBOX | head -1`: the pipe closes before kpiwatch writes.
    let env = TestEnv::new();
    demo::generate(env.dir.path(), &DemoOptions { count: 2, seed: 3 }, |_| {}).unwrap();
    let mut child = env
        .kpiwatch()
        .args(["bench", "floor"])
        .arg(env.path("inbox"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Generation speed and size: `cargo test --release --test it demo:: -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark; run in release mode"]
fn time_the_generation() {
    let count: usize = std::env::var("KPIWATCH_DEMO_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let summary = demo::generate(
        tmp.path(),
        &DemoOptions {
            count,
            seed: demo::DEFAULT_SEED,
        },
        |_| {},
    )
    .unwrap();
    let secs = started.elapsed().as_secs_f64();
    let on_disk = du(&tmp.path().join("inbox"));
    println!(
        "{count} workbooks on {} threads: {secs:.2} s ({:.2} ms each); {} accepted, {} rejected, {} warned; workbooks {:.1} MB ({} bytes, {} bytes allocated on disk); expected.json {} bytes",
        rayon::current_num_threads(),
        secs * 1000.0 / count as f64,
        summary.accepted,
        summary.rejected,
        summary.warned,
        summary.bytes as f64 / 1e6,
        summary.bytes,
        on_disk,
        std::fs::metadata(&summary.expected_path).unwrap().len(),
    );
}

/// Bytes allocated on disk under `dir` (Unix block counts), as `du` reports.
fn du(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            total += du(&entry.path());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            total += meta.blocks() * 512;
        }
        #[cfg(not(unix))]
        {
            total += meta.len();
        }
    }
    total
}
