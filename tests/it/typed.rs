//! What people type and what the file stores: percentages typed into LibreOffice (`92%` stored
//! as 0.92 with a percent format) read as the person sees them, in .xlsx and .ods alike; and
//! numbers no spreadsheet figure can be (NaN, 1e309, ±1e308) found at their cell.

use std::path::{Path, PathBuf};

use kpiwatch::check::validate::Status;
use kpiwatch::domain::model::Quarter;
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{Key, QuarterField};
use serde_json::Value;

use crate::harness::{
    TestEnv, at, check_file, example, lo_edit, part_text, replace_part, settle, sheet_rows,
    soffice_available, typed,
};

const KPI1: &str = "ตัวชี้วัด 1";
/// The first KPI sheet's part in a workbook the template generator wrote.
const KPI1_PART: &str = "xl/worksheets/sheet3.xml";
const FORMATS: [(&str, &str); 2] = [("Calc MS Excel 2007 XML", "xlsx"), ("calc8", "ods")];

/// The ministers' office example with cells of its one KPI typed again into LibreOffice as a
/// person types them: (cell, what is typed).
fn retyped(env: &TestEnv, filter: &str, out: &str, typing: &[(&str, String)]) -> PathBuf {
    // A fresh input each time: LibreOffice may leave its lock file beside one it edited.
    let input = env.path(format!("{out}-input.xlsx"));
    std::fs::copy(example("ministers-office/kpi-2564.xlsx"), &input).unwrap();
    let ops: Vec<String> = typing
        .iter()
        .map(|(cell, v)| format!("type:{KPI1}:{cell}:{v}"))
        .collect();
    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
    let out = env.path(out);
    lo_edit(&input, &out, filter, &ops);
    out
}

/// Each (cell, number) typed with `suffix` after the number.
fn typing(values: &[(&'static str, &str)], suffix: &str) -> Vec<(&'static str, String)> {
    values
        .iter()
        .map(|(cell, v)| (*cell, format!("{v}{suffix}")))
        .collect()
}

/// The figures `check --json` reports for the file: per KPI its weight and each quarter's
/// result, score and weighted score, and the division's quarterly scores.
fn json_figures(file: &Value) -> Value {
    let kpis: Vec<Value> = file["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| serde_json::json!([k["code"], k["weight"], k["quarters"]]))
        .collect();
    serde_json::json!([kpis, file["division_scores"]])
}

/// Whether the saved file really stores a fraction with a percent format, as a person's
/// typing makes LibreOffice do (so the test reads what Excel and LibreOffice write).
fn stores_percent(path: &Path, ext: &str) -> bool {
    use std::io::Read;
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let part = if ext == "xlsx" {
        "xl/styles.xml"
    } else {
        "content.xml"
    };
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    if ext == "xlsx" {
        text.contains("%\"") || text.contains("numFmtId=\"9\"") || text.contains("numFmtId=\"10\"")
    } else {
        text.contains("office:value-type=\"percentage\" office:value=\"0.92\"")
    }
}

#[test]
fn percentages_typed_in_libreoffice_read_as_shown() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let values = [
        ("B11", "30"),
        ("B18", "86"),
        ("B19", "88"),
        ("B20", "90"),
        ("B21", "92"),
        ("B22", "94"),
        ("B35", "88"),
        ("C35", "90"),
        ("D35", "88"),
        ("E35", "92"),
    ];
    let (_, original) = env.check_json(&[&example("ministers-office/kpi-2564.xlsx")]);
    let original = json_figures(&original["files"][0]);
    for (filter, ext) in FORMATS {
        let percent = retyped(
            &env,
            filter,
            &format!("percent.{ext}"),
            &typing(&values, "%"),
        );
        let plain = retyped(&env, filter, &format!("plain.{ext}"), &typing(&values, ""));
        assert!(
            stores_percent(&percent, ext),
            "{ext}: LibreOffice stored 0.92 with a percent format"
        );
        let (code, doc) = env.check_json(&[&percent, &plain]);
        assert_eq!(code, 0, "{ext}: {doc:#}");
        for file in doc["files"].as_array().unwrap() {
            assert_eq!(file["status"], "accepted", "{ext}: {file:#}");
            assert_eq!(json_figures(file), original, "{ext}: {}", file["path"]);
        }
        let v = check_file(&percent);
        let kpi = &v.submission.kpis[0];
        assert_eq!(kpi.weight, 30.0, "{ext}");
        assert_eq!(kpi.thresholds, [86.0, 88.0, 90.0, 92.0, 94.0], "{ext}");
        let scores: Vec<_> = v.kpi_scores[0].iter().map(|q| q.score).collect();
        assert_eq!(
            scores,
            [Some(2.0), Some(3.0), Some(2.0), Some(4.0)],
            "{ext}"
        );
        assert_receipt_and_summary(&env, &percent, ext);
    }
}

/// `run` on a share holding `file` alone: its receipt and the summary show the golden figures
/// of the ministers' office (88, 90, 88, 92 against 86–94 %: 2, 3, 2, 4; weighted at 30 %).
fn assert_receipt_and_summary(env: &TestEnv, file: &Path, ext: &str) {
    let share = env.path(format!("share-{ext}"));
    let dest = share.join(format!("inbox/ministers-office/kpi.{ext}"));
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::copy(file, &dest).unwrap();
    settle(&dest);
    let out = env
        .kpiwatch()
        .arg("run")
        .arg("--state")
        .arg(env.path(format!("state-{ext}")))
        .arg(&share)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{ext}: {out:?}");
    let receipt =
        std::fs::read_to_string(share.join(format!("receipts/ministers-office/kpi.{ext}.txt")))
            .unwrap();
    for line in [
        "Q1: result 88  score 2.0000  weighted 0.6000",
        "Q2: result 90  score 3.0000  weighted 0.9000",
        "Q3: result 88  score 2.0000  weighted 0.6000",
        "Q4: result 92  score 4.0000  weighted 1.2000",
    ] {
        assert!(receipt.contains(line), "{ext}: {line} not in {receipt}");
    }
    let rows = sheet_rows(&share.join("summary/kpi-summary-2564.xlsx"), "ตัวชี้วัด");
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "คะแนนไตรมาส 1"))
        .unwrap();
    let col = |label: String| rows[header].iter().position(|c| *c == label).unwrap();
    let row = rows
        .iter()
        .find(|r| r.iter().any(|c| c == "สร. 1"))
        .unwrap();
    let scores: Vec<f64> = (1..=4)
        .map(|q| row[col(format!("คะแนนไตรมาส {q}"))].parse().unwrap())
        .collect();
    assert_eq!(scores, [2.0, 3.0, 2.0, 4.0], "{ext}: summary");
}

#[test]
fn fractions_beside_percentages_are_a_finding() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    for (filter, ext) in FORMATS {
        // Two levels typed as fractions, the others as percentages: 0.86 may mean 86%.
        let mut mixed = typing(&[("B18", "0.86"), ("B19", "0.88")], "");
        mixed.extend(typing(&[("B20", "90"), ("B21", "92"), ("B22", "94")], "%"));
        let out = retyped(&env, filter, &format!("mixed.{ext}"), &mixed);
        let (code, doc) = env.check_json(&[&out]);
        assert_ne!(code, 0, "{ext}: rejected");
        let file = &doc["files"][0];
        assert_eq!(file["status"], "rejected", "{ext}: {file:#}");
        let cells: Vec<_> = file["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "percent-mix")
            .map(|d| (d["sheet"].as_str().unwrap(), d["cell"].as_str().unwrap()))
            .collect();
        assert_eq!(cells, [(KPI1, "B18"), (KPI1, "B19")], "{ext}: {file:#}");
    }
}

/// The example with cells overwritten: (key, a number or text).
fn with_cells(cells: &[(Key, Result<f64, &str>)]) -> Vec<u8> {
    typed(&samples::ministers_office(), |wb| {
        let sheet = wb.worksheet_from_name(KPI1).unwrap();
        for (key, value) in cells {
            let (r, c) = at(*key);
            match value {
                Ok(x) => sheet.write_number(r, c, *x).unwrap(),
                Err(text) => sheet.write_string(r, c, *text).unwrap(),
            };
        }
    })
}

/// The example with the cell of `key` holding a number whose XML text is `xml` ("1e309"), as
/// a program other than a spreadsheet may write it.
fn stored(key: Key, xml: &str) -> Vec<u8> {
    const MARK: &str = "<v>123456.5</v>";
    let bytes = with_cells(&[(key, Ok(123_456.5))]);
    let part = part_text(&bytes, KPI1_PART);
    assert!(part.contains(MARK), "{part}");
    let part = part.replace(MARK, &format!("<v>{xml}</v>"));
    replace_part(&bytes, KPI1_PART, Some(part.as_bytes()))
}

/// A broken copy: its name, its bytes, and the (code, cell) of each error it must give.
type Case<'a> = (&'a str, Vec<u8>, Vec<(&'a str, &'a str)>);

/// (code, cell) of each error finding `check --json` gives for the file.
fn errors(file: &Value) -> Vec<(String, String)> {
    file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["cell"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn non_finite_and_huge_numbers_are_found_at_their_cell() {
    let env = TestEnv::new();
    let result = |q| Key::Quarter(q, QuarterField::Result);
    let digits = format!("1{}", "0".repeat(20));
    let cases: Vec<Case> = vec![
        (
            "nan-result",
            with_cells(&[(result(Quarter::Q2), Ok(f64::NAN))]),
            vec![("not-a-number", "C35")],
        ),
        (
            "inf-result",
            stored(result(Quarter::Q3), "1e309"),
            vec![("number-out-of-range", "D35")],
        ),
        (
            "nan-stored",
            stored(result(Quarter::Q1), "NaN"),
            vec![("not-a-number", "B35")],
        ),
        (
            "text-1e309",
            with_cells(&[(result(Quarter::Q1), Err("1e309"))]),
            vec![("not-a-number", "B35")],
        ),
        (
            "text-digits",
            with_cells(&[(result(Quarter::Q4), Err(digits.as_str()))]),
            vec![("number-out-of-range", "E35")],
        ),
        (
            "huge-thresholds",
            with_cells(&[
                (Key::Threshold(1), Ok(-1e308)),
                (Key::Threshold(5), Ok(1e308)),
            ]),
            vec![
                ("number-out-of-range", "B18"),
                ("number-out-of-range", "B22"),
            ],
        ),
        (
            "huge-weight",
            with_cells(&[(Key::Weight, Err("2,000,000,000,000,000"))]),
            vec![("number-out-of-range", "B11")],
        ),
    ];
    for (name, bytes, expected) in &cases {
        let path = env.write(format!("share/inbox/ministers-office/{name}.xlsx"), bytes);
        let (code, doc) = env.check_json(&[&path]);
        assert_ne!(code, 0, "{name}");
        let file = &doc["files"][0];
        assert_eq!(file["status"], "rejected", "{name}: {file:#}");
        let found = errors(file);
        let expected: Vec<_> = expected
            .iter()
            .map(|(c, a1)| (c.to_string(), a1.to_string()))
            .collect();
        assert_eq!(found, expected, "{name}: {file:#}");
        assert!(!file.to_string().contains("NaN"), "{name}: {file:#}");
    }
    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "share"])
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "{out:?}");
    for (name, _, expected) in &cases {
        let receipt = std::fs::read_to_string(
            env.path(format!("share/receipts/ministers-office/{name}.xlsx.txt")),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(receipt.contains("ไม่รับ"), "{name}: {receipt}");
        for (code, a1) in expected {
            assert!(
                receipt.contains(&format!("'{KPI1}'!{a1}")),
                "{name}: {receipt}"
            );
            assert!(receipt.contains(code), "{name}: {receipt}");
        }
        for bad in ["NaN", "\"inf\""] {
            assert!(!receipt.contains(bad), "{name}: {bad} in {receipt}");
        }
    }
    let accepted = env.check_json(&[&env.write(
        "plain.xlsx",
        &with_cells(&[(result(Quarter::Q1), Ok(999_999_999_999_999.0))]),
    )]);
    assert_eq!(
        errors(&accepted.1["files"][0]),
        [],
        "up to 10^15 is a number"
    );
    assert_eq!(check_file(&env.path("plain.xlsx")).status, Status::Accepted);
}
