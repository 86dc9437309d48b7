//! Files swapped and names that break, through the real binary in `run` and `watch --poll`: a
//! file replaced by a link or a pipe between the listing and the opening (made deterministic by
//! the debug build's pause before the first open), names that are too long, not UTF-8, reserved
//! or invalid on Windows, receipt paths that would collide, and a receipt that cannot be written.

#![cfg(unix)]

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kpiwatch::check::validate::Status;
use kpiwatch::domain::model::Submission;
use kpiwatch::domain::samples;

use crate::harness::{TestEnv, Watcher, numbered, settle, sheet_rows, workbook_bytes};

/// A division of its own under `code`, accepted as it is.
fn division(code: &str, n: usize) -> Vec<u8> {
    let mut sub: Submission = numbered(samples::ministers_office(), code.to_owned(), n);
    sub.kpis[0].weight = 100.0;
    for q in &mut sub.kpis[0].quarters {
        q.own_weighted = None;
    }
    workbook_bytes(&sub)
}

/// Only turns a hang into a failure.
const DEADLINE: Duration = Duration::from_secs(180);

/// `kpiwatch run --state state share` with `vars` set, its output, bounded by [`DEADLINE`].
fn run(env: &TestEnv, vars: &[(&str, &Path)]) -> (i32, String) {
    run_while(env, vars, || {})
}

/// [`run`], calling `meanwhile` once the process has started.
fn run_while(env: &TestEnv, vars: &[(&str, &Path)], meanwhile: impl FnOnce()) -> (i32, String) {
    let out = env.path("run.out");
    let mut child = env
        .kpiwatch()
        .args(["run", "--state", "state", "share"])
        .envs(vars.iter().copied())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(env.path("run.err")).unwrap())
        .spawn()
        .unwrap();
    meanwhile();
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            crate::harness::kill9(&mut child);
            panic!("run hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&out).unwrap()
        + &std::fs::read_to_string(env.path("run.err")).unwrap();
    assert!(!text.contains("panicked"), "{text}");
    (status.code().unwrap_or(-1), text)
}

/// Waits (bounded) for `path` to exist.
fn wait_for(path: &Path) {
    let deadline = Instant::now() + DEADLINE;
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn statuses(env: &TestEnv) -> BTreeMap<String, Status> {
    env.ledger()
        .unwrap()
        .latest_per_path()
        .unwrap()
        .into_iter()
        .map(|(v, _)| (v.path, v.status))
        .collect()
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Every name under `dir` is valid on Windows, SMB, macOS and Linux, and no two names of a
/// folder differ only by case.
fn assert_portable_tree(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_str().expect("a UTF-8 name").to_owned();
        assert!(
            name.len() <= 255 && name.encode_utf16().count() <= 255,
            "{name}"
        );
        assert!(
            !name
                .chars()
                .any(|c| c.is_control() || "<>:\"/\\|?*".contains(c)),
            "{name}"
        );
        assert!(!name.ends_with(['.', ' ']), "{name}");
        let stem = name
            .split('.')
            .next()
            .unwrap()
            .trim_end()
            .to_ascii_uppercase();
        assert!(
            !["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
                && !(stem.len() == 4
                    && (stem.starts_with("COM") || stem.starts_with("LPT"))
                    && stem.ends_with(|c: char| c.is_ascii_digit())),
            "{name}"
        );
        if entry.file_type().is_dir() {
            let mut seen = HashSet::new();
            for e in std::fs::read_dir(entry.path()).unwrap() {
                let n = e.unwrap().file_name().to_string_lossy().to_lowercase();
                assert!(seen.insert(n.clone()), "two names differ only by case: {n}");
            }
        }
    }
}

/// Swaps `inbox/swap/link.xlsx` for a link to `secret` and `inbox/swap/pipe.xlsx` for a pipe.
fn swap(env: &TestEnv, secret: &Path) {
    let link = env.path("share/inbox/swap/link.xlsx");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(secret, &link).unwrap();
    let pipe = env.path("share/inbox/swap/pipe.xlsx");
    std::fs::remove_file(&pipe).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &pipe,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
}

/// Puts regular files back where the swap put a link and a pipe.
fn unswap(env: &TestEnv) {
    for (name, n) in [("link", 2), ("pipe", 3)] {
        let p = env.path(format!("share/inbox/swap/{name}.xlsx"));
        std::fs::remove_file(&p).unwrap();
        env.drop_file(&p, &division(&format!("ทส.{n}"), n));
        // Settled, as a file copied a while ago: `run` leaves a file still arriving for later.
        settle(&p);
    }
}

/// A good file and two files that will be swapped, a secret outside the share, and the folder
/// the pause before the first open uses.
fn swap_setup(env: &TestEnv) -> (PathBuf, Vec<u8>, PathBuf) {
    env.write("share/inbox/good/kpi.xlsx", &division("ทส.1", 1));
    env.write("share/inbox/swap/link.xlsx", &division("ทส.2", 2));
    env.write("share/inbox/swap/pipe.xlsx", &division("ทส.3", 3));
    let secret_bytes = division("ลับ.9", 9);
    let secret = env.write("outside/secret.xlsx", &secret_bytes);
    let hook = env.path("hook");
    std::fs::create_dir_all(&hook).unwrap();
    (secret, secret_bytes, hook)
}

fn assert_nothing_outside_read(env: &TestEnv, secret_bytes: &[u8]) {
    for (path, bytes) in files_under(&env.path("share")) {
        assert_ne!(bytes, secret_bytes, "{} holds the secret", path.display());
    }
    let outside = files_under(&env.path("outside"));
    assert_eq!(outside.len(), 1, "nothing written outside the share");
    assert_eq!(outside[0].1, secret_bytes);
    assert!(!statuses(env).keys().any(|k| k.starts_with("swap/")));
}

#[test]
fn run_never_follows_a_file_swapped_for_a_link_or_a_pipe_after_the_listing() {
    let env = TestEnv::new();
    let (secret, secret_bytes, hook) = swap_setup(&env);
    let (code, out) = run_while(&env, &[("KPIWATCH_TEST_PAUSE_BEFORE_OPEN", &hook)], || {
        wait_for(&hook.join("listed"));
        swap(&env, &secret);
        std::fs::write(hook.join("go"), b"").unwrap();
    });
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "swap/link.xlsx: not a regular file any more (a symbolic link put in its place)"
        ),
        "{out}"
    );
    assert!(
        out.contains("swap/pipe.xlsx: not a regular file any more (a pipe put in its place)"),
        "{out}"
    );
    assert_eq!(statuses(&env)["good/kpi.xlsx"], Status::Accepted);
    let overview = sheet_rows(&env.path("share/summary/kpi-summary-2564.xlsx"), "ภาพรวม");
    assert!(
        overview.iter().flatten().any(|c| c == "ทส.1"),
        "{overview:?}"
    );
    assert_nothing_outside_read(&env, &secret_bytes);

    // A later pass reads the files once they are files again.
    unswap(&env);
    let (code, out) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    let now = statuses(&env);
    assert_eq!(now["swap/link.xlsx"], Status::Accepted);
    assert_eq!(now["swap/pipe.xlsx"], Status::Accepted);
}

#[test]
fn watch_never_follows_a_file_swapped_for_a_link_or_a_pipe_after_the_listing() {
    let env = TestEnv::new();
    let (secret, secret_bytes, hook) = swap_setup(&env);
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 1\n");
    let mut w = Watcher::start_with(
        &env,
        &[
            "watch",
            "--poll",
            "1",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
        &[("KPIWATCH_TEST_PAUSE_BEFORE_OPEN", &hook)],
    );
    wait_for(&hook.join("listed"));
    swap(&env, &secret);
    std::fs::write(hook.join("go"), b"").unwrap();
    w.wait_for_log("a pipe put in its place");
    w.wait_for_log("a symbolic link put in its place");
    w.wait_until("the good file recorded", || {
        statuses(&env).contains_key("good/kpi.xlsx")
    });
    assert_nothing_outside_read(&env, &secret_bytes);

    unswap(&env);
    w.wait_for_count("files recorded", 3, || env.recorded());
    w.stop();
    assert!(statuses(&env).values().all(|s| *s == Status::Accepted));
}

/// Inbox files with names a share cannot hold as they are, each a division of its own: by raw
/// name (bytes), with the ledger key each must get.
fn hostile_names() -> Vec<(Vec<u8>, String)> {
    let long = format!("{}.xlsx", "ก".repeat(82));
    assert_eq!(long.len(), 251);
    let mut names: Vec<(Vec<u8>, String)> = [
        format!("สยผ/{long}"),
        "kpi.xlsx".to_owned(),
        "kpi.xlsx.txt/more.xlsx".to_owned(),
        "KPI.xlsx".to_owned(),
        "CON.xlsx".to_owned(),
        "aux/a:b?.xlsx".to_owned(),
        "trail./lpt1.xlsx".to_owned(),
        "back\\slash.xlsx".to_owned(),
    ]
    .into_iter()
    .map(|n| (n.clone().into_bytes(), n.replace('\\', "\\\\")))
    .collect();
    names.push((
        b"caf/kpi-caf\xe9.xlsx".to_vec(),
        "caf/kpi-caf\\xe9.xlsx".to_owned(),
    ));
    names.push((
        b"caf/kpi-caf\xe8.xlsx".to_vec(),
        "caf/kpi-caf\\xe8.xlsx".to_owned(),
    ));
    names
}

/// Writes the hostile names into the inbox; the first division's code ends in a dot, as Thai
/// codes do.
fn write_hostile(env: &TestEnv) -> Vec<String> {
    let names = hostile_names();
    for (i, (raw, _)) in names.iter().enumerate() {
        let code = if i == 0 {
            "สยผ.".to_owned()
        } else {
            format!("ทน.{i}")
        };
        let path = env.path("share/inbox").join(OsStr::from_bytes(raw));
        env.write(&path, &division(&code, i + 1));
    }
    names.into_iter().map(|(_, key)| key).collect()
}

/// Each hostile name recorded apart and accepted, with its own receipt; every derived name
/// portable; the receipt of a name that is not UTF-8 shows it as people see it.
fn check_hostile(env: &TestEnv, keys: &[String]) {
    let got = statuses(env);
    let expected: Vec<&String> = keys.iter().collect();
    assert_eq!(got.keys().collect::<Vec<_>>().len(), keys.len(), "{got:?}");
    for key in &expected {
        assert_eq!(got.get(*key), Some(&Status::Accepted), "{key}: {got:?}");
    }
    let receipts = files_under(&env.path("share/receipts"));
    assert_eq!(receipts.len(), keys.len(), "one receipt each: {receipts:?}");
    assert_portable_tree(&env.path("share/receipts"));
    assert_portable_tree(&env.path("share/archive"));
    let dotted = std::fs::read_dir(env.path("share/archive/2564"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("สยผ"))
        .expect("the division's archive folder");
    assert!(dotted.starts_with("สยผ~"), "{dotted}");
    let cafe = receipts
        .iter()
        .filter(|(p, _)| p.to_string_lossy().contains("kpi-caf"))
        .count();
    assert_eq!(cafe, 2);
    assert!(
        receipts
            .iter()
            .any(|(_, text)| String::from_utf8_lossy(text).contains("kpi-caf\u{fffd}.xlsx"))
    );
    let overview = sheet_rows(&env.path("share/summary/kpi-summary-2564.xlsx"), "ภาพรวม");
    assert!(
        overview.iter().flatten().any(|c| c == "สยผ."),
        "{overview:?}"
    );
    // Nothing written beside the share but the state folder and the test's own files.
    for entry in std::fs::read_dir(env.dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            [
                "share",
                "state",
                "kpiwatch.toml",
                "watch.log",
                "run.out",
                "run.err"
            ]
            .contains(&name.as_str()),
            "{name} written outside the share"
        );
    }
}

#[test]
fn run_accepts_names_a_share_cannot_hold_under_portable_unique_names() {
    let env = TestEnv::new();
    let keys = write_hostile(&env);
    let (code, out) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    check_hostile(&env, &keys);
    // Nothing is read again, nothing recorded twice.
    let (code, out) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("; 0 read:"), "{out}");
    assert_eq!(
        env.ledger().unwrap().all_versions().unwrap().len(),
        keys.len()
    );
}

#[test]
fn watch_accepts_names_a_share_cannot_hold_under_portable_unique_names() {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 1\n");
    let keys = write_hostile(&env);
    let mut w = Watcher::start(
        &env,
        &[
            "watch",
            "--poll",
            "1",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
    );
    w.wait_for_count("files recorded", keys.len(), || env.recorded());
    w.wait_until("every receipt written", || {
        files_under(&env.path("share/receipts")).len() == keys.len()
    });
    w.stop();
    check_hostile(&env, &keys);
}

/// A folder standing where a receipt goes: the receipt cannot be written.
fn block_receipt(env: &TestEnv) -> PathBuf {
    let blocked = env.path("share/receipts/a.xlsx.txt");
    env.write(blocked.join("in-the-way"), b"x");
    blocked
}

#[test]
fn run_fails_loudly_when_a_receipt_cannot_be_written_and_the_next_pass_completes_it() {
    let env = TestEnv::new();
    env.write("share/inbox/a.xlsx", &division("ทร.1", 1));
    env.write("share/inbox/b.xlsx", &division("ทร.2", 2));
    let blocked = block_receipt(&env);
    let (code, out) = run(&env, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("FAILED: a.xlsx: cannot write its receipt"),
        "{out}"
    );
    assert!(out.contains("receipts/a.xlsx.txt"), "{out}");
    assert_eq!(out.matches("FAILED").count(), 1, "reported once: {out}");
    // The others are done: recorded, their receipt written, in the summary.
    assert!(env.path("share/receipts/b.xlsx.txt").is_file());
    let overview = sheet_rows(&env.path("share/summary/kpi-summary-2564.xlsx"), "ภาพรวม");
    assert!(overview.iter().flatten().any(|c| c == "ทร.2"));
    // Still failing while the way is blocked.
    let (code, _) = run(&env, &[]);
    assert_eq!(code, 2);

    std::fs::remove_dir_all(&blocked).unwrap();
    let (code, out) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(blocked.is_file());
    assert_eq!(env.ledger().unwrap().all_versions().unwrap().len(), 2);
}

#[test]
fn watch_retries_a_receipt_that_could_not_be_written() {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 1\n");
    env.write("share/inbox/a.xlsx", &division("ทร.1", 1));
    let blocked = block_receipt(&env);
    let mut w = Watcher::start(
        &env,
        &[
            "watch",
            "--poll",
            "1",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
    );
    w.wait_for_log("cannot write a receipt");
    std::fs::remove_dir_all(&blocked).unwrap();
    w.wait_until("the receipt written", || blocked.is_file());
    w.stop();
}
