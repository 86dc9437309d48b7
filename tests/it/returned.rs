//! The returned workbook: a judged version given back in the current template beside its
//! receipt, with notes on the cells its findings name; read back, edited in LibreOffice as a
//! person would, and sent again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kpiwatch::domain::model::Quarter;
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{self, Key, QuarterField};
use rust_xlsxwriter::utility::row_col_to_cell;

use crate::harness::*;

const XLSX: &str = "Calc MS Excel 2007 XML";
const FILE: &str = "inbox/inspection-office/kpi-2564.xlsx";
const RETURNED: &str = "receipts/inspection-office/kpi-2564.xlsx.returned.xlsx";
const RECEIPT: &str = "receipts/inspection-office/kpi-2564.xlsx.txt";
const KPI1: &str = "ตัวชี้วัด 1";

/// The golden KPI (สตป. 02: thresholds 0/150/300/450/826, weight 30) and its four results.
const GOLDEN_LINES: [&str; 4] = [
    "ไตรมาสที่ 1: ผล 0  คะแนน 1.0000  คะแนนถ่วงน้ำหนัก 0.3000",
    "ไตรมาสที่ 2: ผล 184  คะแนน 2.2267  คะแนนถ่วงน้ำหนัก 0.6680",
    "ไตรมาสที่ 3: ผล 464  คะแนน 4.0372  คะแนนถ่วงน้ำหนัก 1.2112",
    "ไตรมาสที่ 4: ผล 826  คะแนน 5.0000  คะแนนถ่วงน้ำหนัก 1.5000",
];

fn a1(key: Key) -> String {
    let (r, c) = at(key);
    row_col_to_cell(r, c)
}

fn q2_result() -> Key {
    Key::Quarter(Quarter::Q2, QuarterField::Result)
}

/// `kpiwatch run` over the test share; its exit code.
fn run(env: &TestEnv) -> i32 {
    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "."])
        .output()
        .unwrap();
    out.status.code().unwrap_or(-1)
}

/// The golden division's workbook with the weight and the second quarter's result typed as
/// text kpiwatch cannot read: rejected, with a finding at each of the two cells.
fn rejected_workbook(edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    typed(&samples::inspection_office(), |wb| {
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        let (r, c) = at(Key::Weight);
        ws.write_string(r, c, "สามสิบ").unwrap();
        let (r, c) = at(q2_result());
        ws.write_string(r, c, "ร้อยแปดสิบสี่").unwrap();
        edit(ws);
    })
}

/// Each note of a workbook: (sheet, cell), read from its comments parts.
fn notes(path: &Path) -> BTreeSet<(String, String)> {
    let bytes = std::fs::read(path).unwrap();
    let book = part_text(&bytes, "xl/workbook.xml");
    // rust_xlsxwriter writes the nth sheet as xl/worksheets/sheetN.xml.
    let sheets: Vec<String> = book
        .split("<sheet ")
        .skip(1)
        .map(|s| attr(s, "name"))
        .collect();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut out = BTreeSet::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let rels = format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1);
        if z.by_name(&rels).is_err() {
            continue;
        }
        let rels = part_text(&bytes, &rels);
        for target in rels.split("Target=\"").skip(1) {
            let target = &target[..target.find('"').unwrap()];
            if let Some(part) = target
                .strip_prefix("../")
                .filter(|t| t.starts_with("comments"))
            {
                let comments = part_text(&bytes, &format!("xl/{part}"));
                for c in comments.split("<comment ").skip(1) {
                    out.insert((sheet.clone(), attr(c, "ref")));
                }
            }
        }
    }
    out
}

/// The value of attribute `name` at the start of an XML element's text.
fn attr(element: &str, name: &str) -> String {
    let at = element.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let rest = &element[at..];
    rest[..rest.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// The cells the ledger's findings of the latest version of `path` name.
fn finding_cells(env: &TestEnv) -> BTreeSet<(String, String)> {
    let ledger = env.ledger().unwrap();
    let v = ledger
        .all_versions()
        .unwrap()
        .into_iter()
        .rev()
        .find(|v| v.path == "inspection-office/kpi-2564.xlsx")
        .unwrap();
    v.diagnostics
        .iter()
        .filter_map(|d| Some((d.sheet.clone()?, d.cell.clone()?)))
        .collect()
}

fn receipt(env: &TestEnv) -> String {
    std::fs::read_to_string(env.path(RECEIPT)).unwrap()
}

/// The receipt from its scores on: scores and findings, without the time, the file or the hash.
fn figures(receipt: &str) -> String {
    let th = receipt
        .find("คะแนนที่คำนวณได้")
        .expect("scores in the receipt");
    receipt[th..]
        .lines()
        .filter(|l| {
            !["File:", "Received:", "SHA-256:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy(from: &Path, to: &Path) -> PathBuf {
    std::fs::copy(from, to).unwrap();
    to.to_owned()
}

#[test]
fn a_rejected_file_comes_back_marked_and_once_fixed_is_accepted_with_the_golden_figures() {
    let env = TestEnv::new();
    env.write(FILE, &rejected_workbook(|_| {}));
    assert_eq!(run(&env), 1, "rejected");
    assert!(receipt(&env).contains("ไม่รับ"));
    let returned = env.path(RETURNED);

    // A note on exactly the cells the findings name, each marked.
    let cells = finding_cells(&env);
    assert!(
        cells.contains(&(KPI1.to_owned(), a1(Key::Weight))),
        "{cells:?}"
    );
    assert!(
        cells.contains(&(KPI1.to_owned(), a1(q2_result()))),
        "{cells:?}"
    );
    assert_eq!(notes(&returned), cells);

    // What the division typed is there to fix, and the first sheet says what happened.
    let rows = sheet_rows(&returned, KPI1);
    let flat: Vec<&String> = rows.iter().flatten().collect();
    assert!(
        flat.iter().any(|c| *c == "สามสิบ"),
        "the typed weight is kept"
    );
    assert!(
        flat.iter().any(|c| *c == "ร้อยแปดสิบสี่"),
        "the typed result is kept"
    );
    let front: Vec<String> = sheet_rows(&returned, "ผลการตรวจ")
        .into_iter()
        .flatten()
        .collect();
    assert!(
        front.iter().any(|c| c.contains("ไม่ผ่าน ให้แก้ไข")),
        "{front:?}"
    );
    assert!(
        front
            .iter()
            .any(|c| c == &format!("'{KPI1}'!{}", a1(Key::Weight)))
    );
    let sheet1 = part_text(
        &std::fs::read(&returned).unwrap(),
        "xl/worksheets/sheet1.xml",
    );
    assert!(
        sheet1.contains(&format!("location=\"'{KPI1}'!{}\"", a1(Key::Weight))),
        "internal link"
    );

    if !soffice_available() {
        return;
    }
    // LibreOffice opens it without a repair: it prints it and saves it again.
    let lo = env.path("lo");
    std::fs::create_dir_all(&lo).unwrap();
    let pdf = lo_convert(&returned, "pdf", &lo, false);
    assert!(std::fs::metadata(pdf).unwrap().len() > 10_000);
    let resaved = lo_convert(&returned, "xlsx", &env.path("lo"), false);
    assert_eq!(
        notes(&resaved).len(),
        cells.len(),
        "LibreOffice keeps the notes"
    );

    // The division fixes the two marked cells as a person types, saves, and sends it again.
    let fixed = env.path("fixed.xlsx");
    lo_edit(
        &copy(&returned, &env.path("to-fix.xlsx")),
        &fixed,
        XLSX,
        &[
            &format!("type:{KPI1}:{}:30", a1(Key::Weight)),
            &format!("type:{KPI1}:{}:184", a1(q2_result())),
        ],
    );
    env.write(FILE, &std::fs::read(&fixed).unwrap());
    assert_eq!(run(&env), 0, "{}", receipt(&env));
    let text = receipt(&env);
    assert!(text.contains("ผลการตรวจ: รับแล้ว"), "{text}");
    for line in GOLDEN_LINES {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // An accepted version with findings is returned too, its notes on its warnings only.
    assert_eq!(notes(&env.path(RETURNED)), finding_cells(&env));
}

#[test]
fn an_accepted_file_sent_back_unchanged_is_accepted_with_the_same_figures() {
    let env = TestEnv::new();
    env.copy_examples("inbox");
    assert_eq!(run(&env), 0);
    let first = figures(&receipt(&env));
    let returned = std::fs::read(env.path(RETURNED)).unwrap();
    assert_eq!(notes(&env.path(RETURNED)), finding_cells(&env));

    env.write(FILE, &returned);
    assert_eq!(run(&env), 0);
    let versions = env.versions();
    assert_eq!(
        versions["inspection-office/kpi-2564.xlsx"].len(),
        2,
        "a new version"
    );
    assert_eq!(
        figures(&receipt(&env)),
        first,
        "the same scores and findings"
    );
    for line in GOLDEN_LINES {
        assert!(first.contains(line), "{line}");
    }
}

#[test]
fn an_older_template_is_returned_in_the_current_one() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    // A workbook of an earlier template: its version cell says so, and its KPI card sits two
    // rows lower (LibreOffice moves the defined names with the rows).
    let old = typed(&samples::inspection_office(), |wb| {
        let (r, c) = at(Key::TemplateVersion);
        let ws = wb.worksheet_from_name(layout::DIVISION_SHEET).unwrap();
        ws.write_string(r, c, "kpiwatch-template 0").unwrap();
        let (r, c) = at(Key::Weight);
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        ws.write_string(r, c, "สามสิบ").unwrap();
    });
    let src = env.write("old-src.xlsx", &old);
    let moved = env.path("old.xlsx");
    lo_edit(&src, &moved, XLSX, &[&format!("rows:{KPI1}:3:2")]);
    env.write(FILE, &std::fs::read(&moved).unwrap());
    assert_eq!(run(&env), 1);

    let (r, c) = at(Key::Weight);
    let weight_as_sent = (KPI1.to_owned(), row_col_to_cell(r + 2, c));
    let cells = finding_cells(&env);
    assert!(cells.contains(&weight_as_sent), "{cells:?}");
    let returned = env.path(RETURNED);
    let marked = notes(&returned);
    assert!(
        marked.contains(&(KPI1.to_owned(), a1(Key::Weight))),
        "{marked:?}"
    );
    assert!(!marked.contains(&weight_as_sent), "{marked:?}");
    // The returned workbook shows the current version there: the finding is on the first
    // sheet only.
    assert!(
        !marked.contains(&(layout::DIVISION_SHEET.to_owned(), a1(Key::TemplateVersion))),
        "{marked:?}"
    );

    // Read back: the current template, every value in its declared cell, the typed weight
    // still to fix.
    let verdict = check_file(&returned);
    let codes: Vec<&str> = verdict
        .diagnostics
        .iter()
        .map(|d| d.finding.code())
        .collect();
    assert!(!codes.contains(&"template-version"), "{codes:?}");
    assert!(codes.contains(&"not-a-number"), "{codes:?}");
    let original = samples::inspection_office();
    let k = &verdict.submission.kpis[0];
    assert_eq!(k.code, original.kpis[0].code);
    assert_eq!(k.thresholds, original.kpis[0].thresholds);
    let results: Vec<Option<f64>> = k.quarters.iter().map(|q| q.result).collect();
    assert_eq!(results, [Some(0.0), Some(184.0), Some(464.0), Some(826.0)]);
    assert_eq!(verdict.submission.log.len(), original.log.len());
    let division: Vec<String> = sheet_rows(&returned, layout::DIVISION_SHEET)
        .into_iter()
        .flatten()
        .collect();
    assert!(division.iter().any(|c| c == layout::TEMPLATE_VERSION));
}

#[test]
fn a_new_version_without_a_returned_workbook_removes_the_old_one() {
    let env = TestEnv::new();
    env.write(FILE, &rejected_workbook(|_| {}));
    assert_eq!(run(&env), 1);
    assert!(env.path(RETURNED).is_file());
    // The same file replaced by something that is not a workbook: rejected, nothing to give back.
    env.write(FILE, b"not a workbook at all");
    assert_eq!(run(&env), 1);
    assert!(
        receipt(&env).contains("not-a-workbook"),
        "{}",
        receipt(&env)
    );
    assert!(
        !env.path(RETURNED).exists(),
        "the old returned workbook is gone"
    );
}

#[test]
fn the_configuration_says_which_versions_get_a_returned_workbook() {
    // สร. with its one KPI weighing 100: a file without any finding.
    let mut clean = kpiwatch::domain::samples::ministers_office();
    clean.kpis[0].weight = 100.0;
    for q in &mut clean.kpis[0].quarters {
        q.own_weighted = None;
    }
    let file = "inbox/ministers-office/kpi-2564.xlsx";
    let returned = "receipts/ministers-office/kpi-2564.xlsx.returned.xlsx";
    let run_with = |env: &TestEnv, setting: &str| {
        env.write(
            "kpiwatch.toml",
            format!("[receipts]\nreturned_workbook = \"{setting}\"\n").as_bytes(),
        );
        let out = env
            .kpiwatch()
            .args(["run", "--config", "kpiwatch.toml", "--state", "state", "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    };

    // By default a clean file gets none; with findings one does.
    let env = TestEnv::new();
    env.write(file, &crate::harness::workbook_bytes(&clean));
    env.write(
        FILE,
        &crate::harness::workbook_bytes(&kpiwatch::domain::samples::inspection_office()),
    );
    run_with(&env, "with-findings");
    let receipt =
        std::fs::read_to_string(env.path("receipts/ministers-office/kpi-2564.xlsx.txt")).unwrap();
    assert!(!receipt.contains("[คำเตือน]"), "{receipt}");
    assert!(!env.path(returned).exists());
    assert!(env.path(RETURNED).is_file());

    // Every version: the clean file too, with its official scores.
    let env = TestEnv::new();
    env.write(file, &crate::harness::workbook_bytes(&clean));
    run_with(&env, "every-version");
    assert!(env.path(returned).is_file());

    // Off: none at all.
    let env = TestEnv::new();
    env.write(
        FILE,
        &crate::harness::workbook_bytes(&kpiwatch::domain::samples::inspection_office()),
    );
    run_with(&env, "off");
    assert!(!env.path(RETURNED).exists());
}
