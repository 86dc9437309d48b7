//! `kpiwatch check` on the bundled examples and on files that are not workbooks, through the
//! real binary: golden figures, the seed's own inconsistencies, exit codes.

use serde_json::{Value, json};

use crate::harness::{TestEnv, diagnostic_codes, example};

fn quarters(kpi: &Value) -> Vec<(Value, Value, Value)> {
    kpi["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["result"].clone(),
                q["score"].clone(),
                q["weighted"].clone(),
            )
        })
        .collect()
}

#[test]
fn examples_reproduce_the_golden_tables() {
    let env = TestEnv::new();
    let a = example("inspection-office/kpi-2564.xlsx");
    let b = example("ministers-office/kpi-2564.xlsx");
    let (code, v) = env.check_json(&[&a, &b]);
    assert_eq!(code, 0, "{v:#}");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);

    let ins = &files[0];
    assert_eq!(ins["status"], "accepted");
    assert_eq!(
        ins["division"],
        json!({"code": "สตป.", "name": "สำนักตรวจสอบและประเมินผล"})
    );
    assert_eq!(ins["fiscal_year"], 2564);
    let k = &ins["kpis"][0];
    assert_eq!(k["code"], "สตป. 02");
    assert_eq!(k["weight"], 30);
    assert_eq!(
        quarters(k),
        vec![
            (json!(0), json!(1), json!(0.3)),
            (json!(184), json!(2.2267), json!(0.668)),
            (json!(464), json!(4.0372), json!(1.2112)),
            (json!(826), json!(5), json!(1.5)),
        ]
    );
    // The milestone KPI: "4-5" in Q4 scores its highest level.
    assert_eq!(quarters(&ins["kpis"][1])[3], (json!(5), json!(5), json!(1)));

    let min = &files[1];
    assert_eq!(min["status"], "accepted");
    assert_eq!(
        quarters(&min["kpis"][0]),
        vec![
            (json!(88), json!(2), json!(0.6)),
            (json!(90), json!(3), json!(0.9)),
            (json!(88), json!(2), json!(0.6)),
            (json!(92), json!(4), json!(1.2)),
        ]
    );
    assert_eq!(
        min["division_scores"],
        json!([{"quarter":1,"score":2},{"quarter":2,"score":3},{"quarter":3,"score":2},{"quarter":4,"score":4}])
    );
}

#[test]
fn the_seeds_own_inconsistencies_are_warnings_with_cells() {
    let env = TestEnv::new();
    let (code, v) = env.check_json(&[&example("inspection-office/kpi-2564.xlsx")]);
    assert_eq!(code, 0);
    let file = &v["files"][0];
    let diags = file["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().all(|d| d["severity"] == "warning"),
        "{diags:#?}"
    );
    let typo = diags
        .iter()
        .find(|d| d["code"] == "log-date-typo")
        .expect("มี.ย. typo");
    assert_eq!(typo["sheet"], "บันทึกรายละเอียด");
    assert!(typo["cell"].as_str().unwrap().starts_with('B'));
    assert!(typo["message_th"].as_str().unwrap().contains("มี.ย."));
    let old = diags
        .iter()
        .find(|d| d["code"] == "log-date-outside-year")
        .expect("๒๔ ส.ค. ๖๐ outside FY 2564");
    assert!(old["message_en"].as_str().unwrap().contains("2017-08-24"));
    assert!(old["message_en"].as_str().unwrap().contains("2564"));
    // The log lists fewer inspections than the 826 reported: both figures named.
    let mismatch = diags
        .iter()
        .find(|d| d["code"] == "log-total-mismatch")
        .unwrap();
    assert!(mismatch["message_en"].as_str().unwrap().contains("826"));
    assert!(diagnostic_codes(file).contains(&"weights-not-100".to_owned()));
}

#[test]
fn a_file_that_is_not_a_workbook_is_rejected_not_a_crash() {
    let env = TestEnv::new();
    let pdf = env.write("report.xlsx", b"%PDF-1.7\n...");
    let empty = env.write("empty.xlsx", b"");
    let good = example("ministers-office/kpi-2564.xlsx");
    let (code, v) = env.check_json(&[&pdf, &good, &empty]);
    assert_eq!(code, 1);
    assert_eq!(v["files"][0]["status"], "rejected");
    assert_eq!(diagnostic_codes(&v["files"][0]), ["not-a-workbook"]);
    assert!(
        v["files"][0]["diagnostics"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("PDF")
    );
    assert_eq!(
        v["files"][1]["status"], "accepted",
        "one bad file never stops the others"
    );
    assert_eq!(diagnostic_codes(&v["files"][2]), ["not-a-workbook"]);
}

#[test]
fn a_path_that_cannot_be_read_is_a_usage_error_and_the_others_are_still_checked() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path("a-folder.xlsx")).unwrap();
    let out = env
        .kpiwatch()
        .args(["check", "--json", "does-not-exist.xlsx", "a-folder.xlsx"])
        .arg(example("ministers-office/kpi-2564.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read does-not-exist.xlsx: not found"),
        "{stderr}"
    );
    assert!(stderr.contains("a-folder.xlsx: is a folder"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "only the readable file is reported: {v}");
    assert_eq!(files[0]["status"], "accepted");
}

#[test]
fn usage_errors_exit_2() {
    let env = TestEnv::new();
    let out = env.kpiwatch().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn text_report_names_file_sheet_and_cell_in_both_languages() {
    let env = TestEnv::new();
    let out = env
        .kpiwatch()
        .arg("check")
        .arg(example("inspection-office/kpi-2564.xlsx"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("kpi-2564.xlsx: รับแล้ว / accepted"), "{text}");
    assert!(text.contains("'บันทึกรายละเอียด'!B"), "{text}");
    assert!(
        text.contains("น่าจะพิมพ์ผิด") && text.contains("looks like a typo"),
        "{text}"
    );
    assert!(
        text.contains("Q2  result        184  score  2.2267  weighted  0.6680"),
        "{text}"
    );
}
