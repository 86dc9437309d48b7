//! Forms people type (Thai digits, "ร้อยละ 90", text "86", "86 -", "≥ 94", "4–5", "ระดับ 4",
//! "higher is better"), typed into the blank template in LibreOffice as on the keyboard: what
//! kpiwatch reads, and that the template's own score rows show kpiwatch's figures or the
//! placeholder, never another number or an error value, once LibreOffice recalculates them.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::harness::{TestEnv, lo_edit, lo_sheets_as_csv, soffice_available};

const PLACEHOLDER: &str = "คำนวณเมื่อส่งไฟล์";

/// What each KPI sheet gets typed, cell by cell, as a person fills the blank template.
fn typing() -> Vec<String> {
    let mut ops = vec![
        "type:หน่วยงาน:B4:สำนักทดสอบ".to_owned(),
        "type:หน่วยงาน:B5:สท.".to_owned(),
        "type:หน่วยงาน:B6:๒๕๖๔".to_owned(),
        "type:หน่วยงาน:B14:นายทดสอบ รับรอง".to_owned(),
        "type:หน่วยงาน:B15:ผู้อำนวยการสำนักทดสอบ".to_owned(),
        "type:หน่วยงาน:B16:๒๘ ก.ย. ๒๕๖๔".to_owned(),
    ];
    let sheets: [(&str, &[(&str, &str)]); 4] = [
        // Stepped, lower is better, a text "86" among numbers and results in three forms.
        (
            "ตัวชี้วัด 1",
            &[
                ("B5", "ต้นทุน"),
                ("B6", "T1"),
                ("B11", "๒๐"),
                ("B13", "stepped"),
                ("B14", "lower is better"),
                ("B18", "114"),
                ("B19", "104"),
                ("B20", "99"),
                ("B21", "98.5"),
                ("B22", "86"),
                ("B35", "114"),
                ("C35", "ร้อยละ 100"),
                ("D35", "๙๙"),
                ("E35", "98.5"),
            ],
        ),
        // Seed 003's threshold style "86 -", and a result "ร้อยละ 90".
        (
            "ตัวชี้วัด 2",
            &[
                ("B5", "ร้อยละความสำเร็จ"),
                ("B6", "T2"),
                ("B11", "40"),
                ("B13", "interpolated"),
                ("B14", "Higher is better"),
                ("B18", "86 -"),
                ("B19", "88 -"),
                ("B20", "90"),
                ("B21", "92"),
                ("B22", "94"),
                ("B24", "ร้อยละ"),
                ("B35", "88"),
                ("C35", "ร้อยละ 90"),
                ("D35", "'91"),
                ("E35", "95"),
            ],
        ),
        // A milestone KPI: "ระดับ 4", a range with an en dash, Thai digits.
        (
            "ตัวชี้วัด 3",
            &[
                ("B5", "ระดับความสำเร็จ"),
                ("B6", "T3"),
                ("B11", "30"),
                ("B13", "ระดับความสำเร็จ"),
                ("B35", "ระดับ 4"),
                ("C35", "4–5"),
                ("D35", "๓"),
            ],
        ),
        // Bounds: "ไม่น้อยกว่า 86", "≥ 88", "90 ขึ้นไป".
        (
            "ตัวชี้วัด 4",
            &[
                ("B5", "ขอบเขต"),
                ("B6", "T4"),
                ("B11", "10"),
                ("B13", "เชิงปริมาณ (เทียบบัญญัติไตรยางศ์)"),
                ("B18", "ไม่น้อยกว่า 86"),
                ("B19", "≥ 88"),
                ("B20", "90 ขึ้นไป"),
                ("B21", "92"),
                ("B22", "94"),
                ("B35", "92"),
                ("C35", "94"),
            ],
        ),
    ];
    for (sheet, cells) in sheets {
        ops.extend(
            cells
                .iter()
                .map(|(cell, text)| format!("type:{sheet}:{cell}:{text}")),
        );
    }
    ops
}

/// kpiwatch's figures per KPI code: (score, weighted) per quarter, as JSON numbers or null.
fn figures(file: &Value) -> BTreeMap<String, Vec<(Value, Value)>> {
    file["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let q = k["quarters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| (q["score"].clone(), q["weighted"].clone()))
                .collect();
            (k["code"].as_str().unwrap().to_owned(), q)
        })
        .collect()
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The template's computed rows (40, 41) of a recalculated KPI sheet, columns B..E.
fn shown(rows: &[Vec<String>]) -> Vec<(String, String)> {
    (1..=4)
        .map(|c| {
            let at = |r: usize| {
                rows.get(r)
                    .and_then(|x| x.get(c))
                    .cloned()
                    .unwrap_or_default()
            };
            (at(39), at(40))
        })
        .collect()
}

fn assert_no_error_values(sheet: &str, rows: &[Vec<String>]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            assert!(
                !(cell.starts_with('#') || cell.starts_with("Err:")),
                "{sheet} row {} col {c}: error value {cell}",
                r + 1
            );
        }
    }
}

/// A figure the template shows: kpiwatch's, exactly, or the placeholder (returned as None).
fn shown_matches(what: &str, shown: &str, official: &Value) -> Option<f64> {
    if shown == PLACEHOLDER {
        return None;
    }
    if shown.is_empty() {
        assert!(official.is_null(), "{what}: blank, kpiwatch has {official}");
        return None;
    }
    let x: f64 = shown
        .parse()
        .unwrap_or_else(|_| panic!("{what}: shows {shown:?}"));
    assert_eq!(Some(x), num(official), "{what}: template shows {shown}");
    Some(x)
}

fn typed_file(env: &TestEnv, filter: &str, ext: &str) -> std::path::PathBuf {
    let blank = env.path("blank.xlsx");
    if !blank.exists() {
        let status = env
            .kpiwatch()
            .args(["template", "--kpis", "4", "--out"])
            .arg(&blank)
            .status()
            .unwrap();
        assert!(status.success());
    }
    // One input per edit: LibreOffice may leave its lock file beside an input it closed badly.
    let input = env.path(format!("blank-for-{ext}.xlsx"));
    std::fs::copy(&blank, &input).unwrap();
    let out = env.path(format!("typed.{ext}"));
    let ops = typing();
    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
    lo_edit(&input, &out, filter, &ops);
    out
}

#[test]
fn forms_typed_in_libreoffice_are_read_scored_and_shown_alike() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let mut seen = Vec::new();
    for (filter, ext) in [("Calc MS Excel 2007 XML", "xlsx"), ("calc8", "ods")] {
        let file = typed_file(&env, filter, ext);
        let (code, doc) = env.check_json(&[&file]);
        let f = &doc["files"][0];
        assert_eq!(code, 0, "{ext}: {f:#}");
        assert_eq!(f["status"], "accepted", "{ext}: {f:#}");
        assert_eq!(f["fiscal_year"], 2564, "{ext}: ๒๕๖๔ typed");
        // Falling costs (lower is better) and milestone levels are not cumulative counts.
        let codes: Vec<&str> = f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(codes.is_empty(), "{ext}: {codes:?}");
        let figs = figures(f);
        let score =
            |code: &str| -> Vec<Option<f64>> { figs[code].iter().map(|(s, _)| num(s)).collect() };
        assert_eq!(score("T1"), [Some(1.0), Some(2.0), Some(3.0), Some(4.0)]);
        assert_eq!(score("T2"), [Some(2.0), Some(3.0), Some(3.5), Some(5.0)]);
        assert_eq!(score("T3"), [Some(4.0), Some(5.0), Some(3.0), None]);
        assert_eq!(score("T4"), [Some(4.0), Some(5.0), None, None]);
        let weighted: Vec<Option<f64>> = figs["T1"].iter().map(|(_, w)| num(w)).collect();
        assert_eq!(weighted, [Some(0.2), Some(0.4), Some(0.6), Some(0.8)]);
        seen.push(figs.clone());

        // The template's own rows, recalculated by LibreOffice.
        let out = env.path(format!("csv-{ext}"));
        std::fs::create_dir_all(&out).unwrap();
        let sheets = lo_sheets_as_csv(&file, &out);
        let mut numbers = BTreeMap::new();
        for (i, code) in ["T1", "T2", "T3", "T4"].iter().enumerate() {
            let sheet = format!("ตัวชี้วัด {}", i + 1);
            let rows = &sheets[&sheet];
            assert_no_error_values(&sheet, rows);
            let mut converted = Vec::new();
            for (q, ((s, w), (os, ow))) in shown(rows).iter().zip(&figs[*code]).enumerate() {
                let what = format!("{ext} {sheet} Q{}", q + 1);
                converted.push(shown_matches(&what, s, os).is_some());
                shown_matches(&format!("{what} weighted"), w, ow);
            }
            numbers.insert(*code, converted);
        }
        // The forms the formulas convert show numbers; the others the placeholder.
        assert_eq!(numbers["T1"], [true; 4], "{ext}");
        assert_eq!(numbers["T2"], [true; 4], "{ext}");
        assert_eq!(numbers["T3"], [true, false, true, false], "{ext}");
        assert_eq!(numbers["T4"], [false; 4], "{ext}");
    }
    assert_eq!(seen[0], seen[1], ".xlsx and .ods give the same figures");
}

/// The file a check of `path` gives, for the tests below.
fn check_one(env: &TestEnv, path: &Path) -> Value {
    let (_, doc) = env.check_json(&[path]);
    doc["files"][0].clone()
}

#[test]
fn bounds_against_the_direction_and_unknown_choices_are_named() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let blank = env.path("blank.xlsx");
    assert!(
        env.kpiwatch()
            .args(["template", "--kpis", "1", "--out"])
            .arg(&blank)
            .status()
            .unwrap()
            .success()
    );
    let out = env.path("typed.xlsx");
    let s = "ตัวชี้วัด 1";
    let ops: Vec<String> = [
        ("B5", "ต้นทุน"),
        ("B6", "T1"),
        ("B11", "100"),
        ("B13", "stepped"),
        ("B14", "ยิ่งน้อยยิ่งดี"),
        ("B18", "≥ 10"),
        ("B19", "8"),
        ("B20", "6"),
        ("B21", "4"),
        ("B22", "2"),
        ("B35", "7"),
    ]
    .iter()
    .map(|(c, t)| format!("type:{s}:{c}:{t}"))
    .chain([
        "type:หน่วยงาน:B4:สำนักทดสอบ".to_owned(),
        "type:หน่วยงาน:B5:สท.".to_owned(),
        "type:หน่วยงาน:B6:2564".to_owned(),
    ])
    .collect();
    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
    lo_edit(&blank, &out, "Calc MS Excel 2007 XML", &ops);
    let f = check_one(&env, &out);
    assert_eq!(f["status"], "rejected");
    let d = &f["diagnostics"][0];
    assert_eq!(d["code"], "threshold-against-direction", "{f:#}");
    assert_eq!(d["cell"], "B18");
    assert!(
        d["message_en"]
            .as_str()
            .unwrap()
            .contains("lower-is-better"),
        "{d}"
    );
}

#[test]
fn the_template_validation_lets_through_what_kpiwatch_reads() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let blank = env.path("blank.xlsx");
    assert!(
        env.kpiwatch()
            .args(["template", "--kpis", "3", "--out"])
            .arg(&blank)
            .status()
            .unwrap()
            .success()
    );
    let out = env.path("judged.xlsx");
    let list = |sheet: &str| env.path(format!("invalid-{sheet}.txt"));
    let ops = [
        "set:หน่วยงาน:B6:๒๕๖๔".to_owned(),
        "set:หน่วยงาน:B7:๔".to_owned(),
        "set:ตัวชี้วัด 1:B11:0".to_owned(),
        "set:ตัวชี้วัด 2:B11:ร้อยละ ๓๐".to_owned(),
        "set:ตัวชี้วัด 3:B11:100".to_owned(),
        "set:ตัวชี้วัด 3:B14:higher is better".to_owned(),
        format!("invalid:หน่วยงาน:{}", list("division").display()),
        format!("invalid:ตัวชี้วัด 1:{}", list("kpi1").display()),
        format!("invalid:ตัวชี้วัด 2:{}", list("kpi2").display()),
        format!("invalid:ตัวชี้วัด 3:{}", list("kpi3").display()),
    ];
    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
    lo_edit(&blank, &out, "Calc MS Excel 2007 XML", &ops);
    let invalid = |sheet: &str| std::fs::read_to_string(list(sheet)).unwrap();
    // ๒๕๖๔, ๔, "ร้อยละ ๓๐" and 100 are what kpiwatch reads; a weight of 0 it refuses.
    assert_eq!(invalid("division"), "");
    assert_eq!(invalid("kpi1"), "B11\n");
    assert_eq!(invalid("kpi2"), "");
    // The English direction is read, and only warned about by the list (not refused).
    assert_eq!(invalid("kpi3"), "B14\n");
    let xml =
        crate::harness::part_text(&std::fs::read(&blank).unwrap(), "xl/worksheets/sheet3.xml");
    assert!(
        xml.contains("errorStyle=\"warning\""),
        "the lists only warn"
    );
}

#[test]
fn findings_name_the_field_the_quarter_and_the_year_meant() {
    use kpiwatch::domain::diagnostic::{FieldName, Finding};
    use kpiwatch::domain::model::{Direction, FiscalYear, Quarter};
    use kpiwatch::domain::samples;
    use kpiwatch::workbook::layout::{self, Key, QuarterField};

    use crate::harness::{at, check, typed, workbook_bytes};

    let weight = layout::field(Key::Weight);
    let missing = Finding::MissingField {
        field: FieldName::new(weight.label_th.clone(), weight.name_en()),
    };
    assert_eq!(missing.message_en(), "weight is missing");

    // A result that is not a number: the English names the quarter, as the Thai does.
    let (r, c) = at(Key::Quarter(Quarter::Q2, QuarterField::Result));
    let bytes = typed(&samples::ministers_office(), |wb| {
        wb.worksheet_from_name("ตัวชี้วัด 1")
            .unwrap()
            .write_string(r, c, "เก้าสิบ")
            .unwrap();
    });
    let v = check(&bytes);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == "not-a-number")
        .unwrap();
    assert_eq!(
        d.finding.message_en(),
        "Q2 result must be a number, found \"เก้าสิบ\""
    );
    assert!(d.finding.message_th().contains("ไตรมาสที่ 2"));

    // 2021 typed for 2564: said once, and the detail log is judged against 2564.
    let mut sub = samples::inspection_office();
    assert!(!sub.log.is_empty());
    let log_findings = |v: &kpiwatch::check::validate::Verdict| -> Vec<String> {
        v.diagnostics
            .iter()
            .filter(|d| d.finding.code().starts_with("log-date"))
            .map(|d| format!("{:?} {}", d.location.cell, d.finding.code()))
            .collect()
    };
    let right = log_findings(&check(&workbook_bytes(&sub)));
    sub.fiscal_year = Some(FiscalYear::new(2021));
    let v = check(&workbook_bytes(&sub));
    let codes: Vec<&str> = v.diagnostics.iter().map(|d| d.finding.code()).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.starts_with("fiscal-year"))
            .count(),
        1,
        "{codes:?}"
    );
    assert_eq!(log_findings(&v), right, "the log is judged against 2564");
    let year = &v.diagnostics[0];
    assert_eq!(year.location.cell.as_deref(), Some("B6"));
    assert!(
        year.finding.message_en().contains("2021 looks like ค.ศ.")
            && year.finding.message_en().contains("พ.ศ. 2564?"),
        "{}",
        year.finding.message_en()
    );

    // A falling cost is the point of a lower-is-better KPI; a falling count still warns.
    let mut sub = samples::inspection_office();
    let kpi = &mut sub.kpis[0];
    kpi.unit = "บาท".to_owned();
    kpi.thresholds = [1500.0, 1400.0, 1300.0, 1200.0, 1000.0];
    kpi.direction = Direction::LowerIsBetter;
    for (q, x) in Quarter::ALL
        .into_iter()
        .zip([1450.0, 1234.0, 1300.0, 1050.0])
    {
        let report = &mut kpi.quarters[q.index()];
        report.result = Some(x);
        report.result_text = Some(x.to_string());
        report.own_score = None;
        report.own_weighted = None;
    }
    sub.log.clear();
    let falling = |sub: &kpiwatch::domain::model::Submission| {
        check(&workbook_bytes(sub))
            .diagnostics
            .iter()
            .filter(|d| d.finding.code() == "cumulative-decrease")
            .count()
    };
    assert_eq!(falling(&sub), 0);
    sub.kpis[0].direction = Direction::HigherIsBetter;
    sub.kpis[0].thresholds = [1000.0, 1200.0, 1300.0, 1400.0, 1500.0];
    assert_eq!(falling(&sub), 2);
}

/// One KPI sheet of the matrix below: kind, direction, thresholds and results as typed.
struct Case {
    kind: &'static str,
    direction: &'static str,
    thresholds: [&'static str; 5],
    results: [&'static str; 4],
}

#[test]
fn every_accepted_form_shows_kpiwatchs_figure_or_the_placeholder() {
    use kpiwatch::domain::samples;
    use kpiwatch::workbook::layout::{Key, QuarterField};
    use kpiwatch::workbook::template::kpi_sheet_name;

    use crate::harness::{at, check, typed};

    if !soffice_available() {
        return;
    }
    let h = "ยิ่งมากยิ่งดี";
    let cases = [
        Case {
            kind: "เชิงปริมาณ (เทียบบัญญัติไตรยางศ์)",
            direction: h,
            thresholds: ["๘๖", "ร้อยละ 88", "90%", "92 %", "94"],
            results: ["87", "๘๘.๕", "+90", " 93.5 "],
        },
        Case {
            kind: "STEPPED",
            direction: "lower_is_better",
            thresholds: ["ตั้งแต่ 10 ลงมา", "≤ 8", "6 ลงมา", "ไม่เกิน 4", "ไม่มากกว่า 2"],
            results: ["12", "9", "๕", "2"],
        },
        Case {
            kind: "interpolated",
            direction: "LOWER",
            thresholds: ["1,500", "1,400 -", "1300", "1200 –", "1000"],
            results: ["1,450", "1234", "1,300", "1050"],
        },
        Case {
            kind: "milestone",
            direction: h,
            thresholds: ["", "", "", "", ""],
            results: ["ระดับที่ ๓", "๔ - ๕", "0.5", "ร้อยละ 5"],
        },
        Case {
            kind: "เชิงปริมาณ (ขั้นบันได)",
            direction: "higher-is-better",
            thresholds: ["ตั้งแต่ 0", "150", "300 ขึ้นไป", ">= 450", "≥ 826"],
            results: ["0", "184", "464", "826"],
        },
    ];
    let mut sub = samples::ministers_office();
    let base = sub.kpis[0].clone();
    sub.kpis = (0..cases.len())
        .map(|i| {
            let mut k = base.clone();
            k.code = format!("F{i}");
            k.weight = 20.0;
            k
        })
        .collect();
    let bytes = typed(&sub, |wb| {
        for (i, case) in cases.iter().enumerate() {
            let ws = wb.worksheet_from_name(&kpi_sheet_name(i + 1)).unwrap();
            let mut put = |key: Key, text: &str| {
                let (r, c) = at(key);
                if text.is_empty() {
                    ws.write_blank(r, c, &rust_xlsxwriter::Format::new())
                        .unwrap();
                } else {
                    ws.write_string(r, c, text).unwrap();
                }
            };
            put(Key::Kind, case.kind);
            put(Key::Direction, case.direction);
            for (l, t) in case.thresholds.iter().enumerate() {
                put(Key::Threshold(l as u8 + 1), t);
            }
            for (q, r) in kpiwatch::domain::model::Quarter::ALL
                .iter()
                .zip(case.results)
            {
                put(Key::Quarter(*q, QuarterField::Result), r);
                put(Key::Quarter(*q, QuarterField::OwnScore), "");
                put(Key::Quarter(*q, QuarterField::OwnWeighted), "");
            }
        }
    });
    let v = check(&bytes);
    let errors: Vec<_> = v.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let env = TestEnv::new();
    let file = env.write("forms.xlsx", &bytes);
    let out = env.path("csv");
    std::fs::create_dir_all(&out).unwrap();
    let sheets = lo_sheets_as_csv(&file, &out);
    let mut shown_numbers = 0;
    for (i, scores) in v.kpi_scores.iter().enumerate() {
        let sheet = kpi_sheet_name(i + 1);
        let rows = &sheets[&sheet];
        assert_no_error_values(&sheet, rows);
        for ((s, w), q) in shown(rows).iter().zip(scores) {
            let what = format!(
                "{sheet} {:?} ({})",
                q.quarter,
                cases[i].results[q.quarter.index()]
            );
            let official = |x: Option<f64>| x.map_or(Value::Null, Value::from);
            if shown_matches(&what, s, &official(q.score)).is_some() {
                shown_numbers += 1;
            }
            shown_matches(&format!("{what} weighted"), w, &official(q.weighted));
        }
    }
    // Converted: the first KPI's four quarters and three of the milestone's; the placeholder
    // for bounds, thousands separators in text and the range "๔ - ๕".
    assert_eq!(shown_numbers, 7, "figures shown as numbers");
}
