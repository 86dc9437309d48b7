//! `kpiwatch score` as a user runs it: the golden tables of docs/scoring.md through the real binary.

use std::process::Output;

use serde_json::{Value, json};

use crate::harness::TestEnv;

/// `kpiwatch score ARGS` in a folder of its own.
fn score(args: &[&str]) -> Output {
    TestEnv::new()
        .kpiwatch()
        .arg("score")
        .args(args)
        .output()
        .unwrap()
}

fn score_json(args: &[&str]) -> Value {
    let out = score(&[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn golden_seed_000_through_the_binary() {
    let v = score_json(&[
        "--levels",
        "0,150,300,450,826",
        "--weight",
        "30",
        "0",
        "184",
        "464",
        "826",
    ]);
    assert_eq!(
        v,
        json!({"results": [
            {"result": 0, "score": 1, "weighted": 0.3},
            {"result": 184, "score": 2.2267, "weighted": 0.668},
            {"result": 464, "score": 4.0372, "weighted": 1.2112},
            {"result": 826, "score": 5, "weighted": 1.5}
        ]})
    );
}

#[test]
fn golden_seed_003_through_the_binary() {
    let v = score_json(&[
        "--levels",
        "86,88,90,92,94",
        "--weight",
        "30",
        "88",
        "90",
        "88",
        "92",
    ]);
    assert_eq!(
        v,
        json!({"results": [
            {"result": 88, "score": 2, "weighted": 0.6},
            {"result": 90, "score": 3, "weighted": 0.9},
            {"result": 88, "score": 2, "weighted": 0.6},
            {"result": 92, "score": 4, "weighted": 1.2}
        ]})
    );
}

#[test]
fn options_change_the_rule() {
    let v = score_json(&["--levels", "10,8,6,4,2", "--lower-is-better", "7", "12"]);
    assert_eq!(v["results"][0]["score"], json!(2.5));
    assert_eq!(v["results"][1]["score"], json!(0));
    assert_eq!(v["results"][0]["weighted"], Value::Null);
    let v = score_json(&[
        "--levels",
        "10,8,6,4,2",
        "--lower-is-better",
        "--below-level1",
        "one",
        "12",
    ]);
    assert_eq!(v["results"][0]["score"], json!(1));
    let v = score_json(&["--levels", "0,150,300,450,826", "--stepped", "184"]);
    assert_eq!(v["results"][0]["score"], json!(2));
    let v = score_json(&["--milestone", "--weight", "20", "4-5", "4.8"]);
    assert_eq!(v["results"][0]["score"], json!(5));
    assert_eq!(v["results"][1]["weighted"], json!(0.96));
}

#[test]
fn table_output_is_readable() {
    let out = score(&["--levels", "0,150,300,450,826", "--weight", "30", "184"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("weighted"), "{text}");
    assert!(text.contains("2.2267") && text.contains("0.6680"), "{text}");
}

fn fails_with(args: &[&str], needle: &str) {
    let out = score(args);
    assert_eq!(out.status.code(), Some(2), "exit code for {args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    fails_with(&["--levels", "0,150,300,450", "1"], "exactly 5 thresholds");
    fails_with(
        &["--levels", "0,150,300,450,826", "abc"],
        "result: \"abc\" is not a number",
    );
    // Each reason is said once, not repeated by its cause.
    let out = score(&["--levels", "0,150,300,450,826", "abc"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.matches("is not a number").count(), 1, "{err:?}");
    fails_with(
        &["--levels", "0,150,100,450,826", "1"],
        "level 3 (100) does not follow level 2 (150)",
    );
    fails_with(&["--levels", "0,150,300,450,826"], "no results given");
}
