//! The summary workbook as real files: read back with calamine, and recalculated by LibreOffice,
//! whose every score, weighted score, KPI count, total weight and division score must equal
//! kpiwatch's own figures. That comparison is the proof that the live formulas restate the Rust
//! scoring rules.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use kpiwatch::check::validate::{CheckOptions, Status, check_bytes};
use kpiwatch::domain::model::{
    BelowLevel1, Contact, Direction, Division, FiscalYear, Kpi, KpiKind, Quarter, QuarterReport,
    Submission,
};
use kpiwatch::domain::samples;
use kpiwatch::domain::scoring::{self, DivisionScore, QuarterScore};
use kpiwatch::summary::{
    self, CHART_SHEET, DIAGNOSTICS_SHEET, DiagnosticRow, DivisionEntry, KPI_SHEET, MissingDivision,
    OVERVIEW_SHEET, PLAN_SHEET, Revision, SUBMISSIONS_SHEET, SubmissionRow, SummaryInput,
};

use crate::harness::{TestEnv, lo_edit, lo_sheets_as_csv, soffice_available, workbook_bytes};

const SYNTHETIC_CODE: &str = "ทดส.";
const FORMULA_LIKE_NAME: &str = "=ร้อยละของเรื่องที่ดำเนินการแล้วเสร็จ (ไม่ใช่สูตร)";

/// Scoring criteria: kind, direction, T1..T5.
type Criteria = (KpiKind, Direction, [f64; 5]);

fn kpi(
    code: &str,
    name: &str,
    weight: f64,
    (kind, direction, thresholds): Criteria,
    unit: &str,
    results: [Option<f64>; 4],
) -> Kpi {
    Kpi {
        code: code.to_owned(),
        name: name.to_owned(),
        weight,
        kind,
        direction,
        thresholds,
        unit: unit.to_owned(),
        target: "-".to_owned(),
        owner: Contact {
            name: "นายทดสอบ ระบบ".to_owned(),
            phone: "1234".to_owned(),
        },
        quarters: results.map(|result| QuarterReport {
            result,
            result_text: result.map(|r| r.to_string()),
            ..QuarterReport::default()
        }),
        ..Kpi::default()
    }
}

/// A division made for the rules the seeds do not exercise: weights 35 + 25 + 20 + 20 = 100, a
/// lower-is-better interpolated KPI, a stepped KPI, quarters not reported, results below level 1
/// (so the below-level-1 rule matters), a milestone, and names that look like formulas.
fn synthetic() -> Submission {
    Submission {
        division: Division {
            code: SYNTHETIC_CODE.to_owned(),
            name: "สำนักทดสอบระบบ".to_owned(),
        },
        fiscal_year: Some(FiscalYear::new(2564)),
        reporting_quarter: Some(Quarter::Q4),
        kpis: vec![
            kpi(
                "ทดส. 01",
                "+ระยะเวลาเฉลี่ยในการตอบข้อร้องเรียน",
                35.0,
                (
                    KpiKind::Interpolated,
                    Direction::LowerIsBetter,
                    [20.0, 16.0, 12.0, 8.0, 4.0],
                ),
                "วัน",
                // 22 > T1: below level 1; 13.5 → 2.625; 9.1 → 3.725; 4 → 5.
                [Some(22.0), Some(13.5), Some(9.1), Some(4.0)],
            ),
            kpi(
                "ทดส. 02",
                "-จำนวนเรื่องที่แก้ไขแล้วเสร็จ",
                25.0,
                (
                    KpiKind::Stepped,
                    Direction::HigherIsBetter,
                    [50.0, 60.0, 70.0, 80.0, 90.0],
                ),
                "เรื่อง",
                // 45: below level 1; 65 → 2; 79.9 → 3; 95 → 5.
                [Some(45.0), Some(65.0), Some(79.9), Some(95.0)],
            ),
            kpi(
                "ทดส. 03",
                FORMULA_LIKE_NAME,
                20.0,
                (
                    KpiKind::Interpolated,
                    Direction::HigherIsBetter,
                    [80.0, 85.0, 90.0, 95.0, 100.0],
                ),
                "ร้อยละ",
                // Reported in Q2 only: 87.3 → 2.46.
                [None, Some(87.3), None, None],
            ),
            kpi(
                "ทดส. 04",
                "@ระดับความสำเร็จของการพัฒนาระบบ",
                20.0,
                (KpiKind::Milestone, Direction::HigherIsBetter, [0.0; 5]),
                "ระดับ",
                [Some(0.5), None, Some(3.5), Some(4.8)],
            ),
        ],
        ..Submission::default()
    }
}

/// The three divisions as kpiwatch reads them from real template files, with what the summary
/// shows about their submissions.
fn input(below: BelowLevel1) -> SummaryInput {
    let opts = CheckOptions {
        below_level1: below,
        ..CheckOptions::default()
    };
    let mut divisions = Vec::new();
    let mut submissions = Vec::new();
    let mut diagnostics = Vec::new();
    for (folder, sub) in [
        ("inspection-office", samples::inspection_office()),
        ("ministers-office", samples::ministers_office()),
        ("test-office", synthetic()),
    ] {
        let bytes = workbook_bytes(&sub);
        let v = check_bytes(&bytes, &opts);
        assert_eq!(v.status, Status::Accepted, "{folder}: {:#?}", v.diagnostics);
        let file = format!("{folder}/kpi-2564.xlsx");
        let revisions = if folder == "test-office" {
            vec![Revision {
                kpi_code: "ทดส. 02".to_owned(),
                quarter: Quarter::Q2,
                old: Some(61.0),
                new: Some(65.0),
            }]
        } else {
            Vec::new()
        };
        submissions.push(SubmissionRow {
            file: file.clone(),
            division_code: v.submission.division.code.clone(),
            division_name: v.submission.division.name.clone(),
            received_at: "2021-10-05 09:30".to_owned(),
            status: v.status,
            errors: v.count(kpiwatch::domain::diagnostic::Severity::Error),
            warnings: v.count(kpiwatch::domain::diagnostic::Severity::Warning),
            current: true,
            removed: false,
            revisions: revisions.clone(),
            sha256: "0".repeat(64),
            set_aside: None,
            after_close: Vec::new(),
            certified_by: v.submission.certification.describe(),
        });
        diagnostics.extend(v.diagnostics.iter().map(|d| DiagnosticRow {
            file: file.clone(),
            division_code: v.submission.division.code.clone(),
            severity: d.severity(),
            code: d.finding.code().to_owned(),
            sheet: d.location.sheet.clone().unwrap_or_default(),
            cell: d.location.cell.clone().unwrap_or_default(),
            message_th: d.finding.message_th(),
            message_en: d.finding.message_en(),
        }));
        divisions.push(DivisionEntry {
            submission: v.submission,
            file,
            received_at: "2021-10-05 09:30".to_owned(),
            revisions,
        });
    }
    divisions.sort_by(|a, b| a.submission.division.code.cmp(&b.submission.division.code));
    SummaryInput {
        fiscal_year: FiscalYear::new(2564),
        below_level1: below,
        generated_at: "2021-10-06 08:00".to_owned(),
        divisions,
        submissions,
        missing: vec![MissingDivision {
            code: "สกร.".to_owned(),
            name: "สำนักที่ยังไม่ส่ง".to_owned(),
            folder: "missing-office".to_owned(),
        }],
        diagnostics,
        part: None,
        history: Vec::new(),
        status: None,
    }
}

/// kpiwatch's own figures, straight from `scoring`: per division in order, the KPIs' quarterly
/// figures and the roll-up.
struct Expected {
    divisions: Vec<ExpectedDivision>,
}

struct ExpectedDivision {
    code: String,
    kpis: Vec<(String, [QuarterScore; 4])>,
    rolled: [DivisionScore; 4],
}

fn expected(input: &SummaryInput, below: BelowLevel1) -> Expected {
    let divisions = input
        .divisions
        .iter()
        .map(|d| {
            let kpis: Vec<(String, [QuarterScore; 4])> = d
                .submission
                .kpis
                .iter()
                .map(|k| (k.code.clone(), scoring::score_kpi(k, below).unwrap()))
                .collect();
            let weighted: Vec<(f64, [Option<f64>; 4])> = d
                .submission
                .kpis
                .iter()
                .zip(&kpis)
                .map(|(k, (_, s))| (k.weight, s.map(|q| q.score)))
                .collect();
            ExpectedDivision {
                code: d.submission.division.code.clone(),
                kpis,
                rolled: scoring::roll_up_year(&weighted),
            }
        })
        .collect();
    Expected { divisions }
}

fn write_summary(env: &TestEnv, name: &str, input: &SummaryInput) -> PathBuf {
    env.write(name, &summary::to_bytes(input).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Reading tables back by their header labels.

/// A table read back: the row index of its header, and each label's column.
struct Table {
    header: usize,
    cols: BTreeMap<String, usize>,
}

impl Table {
    /// Finds the header row: the first row whose first cell is "ลำดับ" (or `first`).
    fn find(rows: &[Vec<String>], first: &str) -> Self {
        let header = rows
            .iter()
            .position(|r| r.first().map(String::as_str) == Some(first))
            .unwrap_or_else(|| panic!("no header row starting with {first}"));
        let cols = rows[header]
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        Self { header, cols }
    }

    fn col(&self, label: &str) -> usize {
        *self
            .cols
            .get(label)
            .unwrap_or_else(|| panic!("no column {label}"))
    }
}

fn quarter_label(prefix: &str, q: Quarter) -> String {
    format!("{prefix}{}", q.number())
}

/// Compares one figure as LibreOffice printed it (at full precision) with kpiwatch's: the same
/// number to the last digit, and a blank stays blank (never 0).
fn same_figure(printed: &str, expected: Option<f64>, what: &str, mismatches: &mut Vec<String>) {
    let ok = match (printed.trim(), expected) {
        ("", None) => true,
        (p, Some(x)) => p.parse::<f64>().is_ok_and(|v| v == x),
        _ => false,
    };
    if !ok {
        mismatches.push(format!(
            "{what}: LibreOffice {printed:?}, kpiwatch {expected:?}"
        ));
    }
}

/// Compares every recalculated figure of the overview and KPI sheets with `exp`. Returns how many
/// figures were compared; panics listing every mismatch.
fn compare_all(sheets: &BTreeMap<String, Vec<Vec<String>>>, exp: &Expected, label: &str) -> usize {
    let (compared, mismatches) = differences(sheets, exp, label);
    assert!(
        mismatches.is_empty(),
        "{} of {compared} figures differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    compared
}

/// How many figures were compared, and the ones that differ.
fn differences(
    sheets: &BTreeMap<String, Vec<Vec<String>>>,
    exp: &Expected,
    label: &str,
) -> (usize, Vec<String>) {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    let cell = |row: &[String], c: usize| row.get(c).cloned().unwrap_or_default();

    let kpi_rows = &sheets[KPI_SHEET];
    let t = Table::find(kpi_rows, "ลำดับ");
    let mut row = t.header + 1;
    for d in &exp.divisions {
        for (code, figures) in &d.kpis {
            let r = &kpi_rows[row];
            assert_eq!(cell(r, t.col("รหัสหน่วยงาน")), d.code, "{label}: row {row}");
            assert_eq!(cell(r, t.col("รหัสตัวชี้วัด")), *code, "{label}: row {row}");
            for q in Quarter::ALL {
                let f = figures[q.index()];
                let what = |kind: &str| format!("{label} {} {code} {q} {kind}", d.code);
                // Results are inputs, not figures: only checked to be blank when not reported.
                same_figure(
                    &cell(r, t.col(&quarter_label("ผลไตรมาส ", q))),
                    f.result,
                    &what("result"),
                    &mut mismatches,
                );
                same_figure(
                    &cell(r, t.col(&quarter_label("คะแนนไตรมาส ", q))),
                    f.score,
                    &what("score"),
                    &mut mismatches,
                );
                same_figure(
                    &cell(r, t.col(&quarter_label("ถ่วงน้ำหนักไตรมาส ", q))),
                    f.weighted,
                    &what("weighted"),
                    &mut mismatches,
                );
                compared += 2;
            }
            row += 1;
        }
    }
    assert!(
        kpi_rows
            .get(row)
            .is_none_or(|r| r.iter().all(String::is_empty)),
        "{label}: rows beyond the expected KPIs"
    );

    let ov_rows = &sheets[OVERVIEW_SHEET];
    let t = Table::find(ov_rows, "ลำดับ");
    for (i, d) in exp.divisions.iter().enumerate() {
        let r = &ov_rows[t.header + 1 + i];
        assert_eq!(cell(r, t.col("รหัสหน่วยงาน")), d.code, "{label}");
        let what = |kind: &str| format!("{label} {} {kind}", d.code);
        same_figure(
            &cell(r, t.col("จำนวนตัวชี้วัด")),
            Some(d.rolled[0].kpi_count as f64),
            &what("KPI count"),
            &mut mismatches,
        );
        same_figure(
            &cell(r, t.col("น้ำหนักรวม")),
            Some(d.rolled[0].total_weight),
            &what("total weight"),
            &mut mismatches,
        );
        compared += 2;
        for q in Quarter::ALL {
            same_figure(
                &cell(r, t.col(&q.label_th())),
                d.rolled[q.index()].score,
                &what(&format!("{q} score")),
                &mut mismatches,
            );
            compared += 1;
        }
    }
    (compared, mismatches)
}

/// The same workbook with every cached formula value replaced by 999, a value no score can
/// have: if LibreOffice printed a cached value instead of recalculating, the comparison fails.
fn poison_cached_values(bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut poisoned = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let xml = String::from_utf8(data).unwrap();
            let mut s = String::with_capacity(xml.len());
            let mut rest = xml.as_str();
            while let Some(at) = rest.find("</f><v>") {
                let value_start = at + "</f><v>".len();
                let value_end = value_start + rest[value_start..].find("</v>").unwrap();
                s.push_str(&rest[..value_start]);
                s.push_str("999");
                poisoned += 1;
                rest = &rest[value_end..];
            }
            s.push_str(rest);
            data = s.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(poisoned > 0, "no cached formula values found");
    out.finish().unwrap().into_inner()
}

/// The poisoned file really holds 999 where kpiwatch cached its figures.
fn assert_poisoned(bytes: &[u8]) {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    for sheet in [OVERVIEW_SHEET, KPI_SHEET] {
        let formulas = wb.worksheet_formula(sheet).unwrap();
        let values = wb.worksheet_range(sheet).unwrap();
        let mut cells = 0;
        for (r, c, f) in formulas.used_cells() {
            if f.is_empty() {
                continue;
            }
            let at = (
                formulas.start().unwrap().0 + r as u32,
                formulas.start().unwrap().1 + c as u32,
            );
            let v = values.get_value(at).cloned().unwrap_or(Data::Empty);
            assert!(
                v == Data::Float(999.0) || v == Data::String("999".to_owned()),
                "{sheet} {at:?}: {v:?}"
            );
            cells += 1;
        }
        assert!(cells > 0, "{sheet} has no formulas");
    }
}

fn libreoffice_csv(env: &TestEnv, path: &Path, dir: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let out = env.path(dir);
    std::fs::create_dir_all(&out).unwrap();
    let sheets = lo_sheets_as_csv(path, &out);
    assert!(
        sheets.contains_key(OVERVIEW_SHEET) && sheets.contains_key(KPI_SHEET),
        "LibreOffice exported {:?}",
        sheets.keys().collect::<Vec<_>>()
    );
    sheets
}

// ---------------------------------------------------------------------------------------------
// (a) The file read back with calamine.

/// Every cell from A1 to a sheet's last used cell as text, so row and column indexes are the
/// sheet's own.
fn rows_of(range: &calamine::Range<Data>) -> Vec<Vec<String>> {
    let (h, w) = (range.end().unwrap().0 + 1, range.end().unwrap().1 + 1);
    (0..h)
        .map(|r| {
            (0..w)
                .map(|c| {
                    range
                        .get_value((r, c))
                        .map(Data::to_string)
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// The KPI sheet: names as text and never formulas, results as numbers and blanks blank, every
/// score a formula on the settings cell and cached at kpiwatch's own figure.
fn assert_kpi_sheet(
    wb: &mut calamine::Sheets<Cursor<Vec<u8>>>,
    input: &SummaryInput,
    exp: &Expected,
) {
    let kpis = wb.worksheet_range(KPI_SHEET).unwrap();
    let formulas = wb.worksheet_formula(KPI_SHEET).unwrap();
    let t = Table::find(&rows_of(&kpis), "ลำดับ");
    let at = |row: usize, label: &str| -> Data {
        kpis.get_value((row as u32, t.col(label) as u32))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    let formula_at = |row: usize, label: &str| -> String {
        formulas
            .get_value((row as u32, t.col(label) as u32))
            .cloned()
            .unwrap_or_default()
    };
    let mut row = t.header + 1;
    let mut blanks = 0;
    for (entry, d) in input.divisions.iter().zip(&exp.divisions) {
        for (k, (_, figures)) in entry.submission.kpis.iter().zip(&d.kpis) {
            // Names are text, whatever they start with, and never formulas.
            assert_eq!(at(row, "ตัวชี้วัด"), Data::String(k.name.clone()));
            assert_eq!(formula_at(row, "ตัวชี้วัด"), "");
            for q in Quarter::ALL {
                let f = figures[q.index()];
                let result = at(row, &quarter_label("ผลไตรมาส ", q));
                let score = at(row, &quarter_label("คะแนนไตรมาส ", q));
                let weighted = at(row, &quarter_label("ถ่วงน้ำหนักไตรมาส ", q));
                assert!(
                    formula_at(row, &quarter_label("คะแนนไตรมาส ", q)).contains("'ภาพรวม'!$D$3")
                );
                match f.result {
                    None => {
                        blanks += 1;
                        assert_eq!(result, Data::Empty, "{} {q}", k.code);
                        assert_eq!(score, Data::String(String::new()), "{} {q}", k.code);
                        assert_eq!(weighted, Data::String(String::new()), "{} {q}", k.code);
                    }
                    Some(r) => {
                        assert_eq!(result, Data::Float(r));
                        assert_eq!(score, Data::Float(f.score.unwrap()), "{} {q}", k.code);
                        assert_eq!(weighted, Data::Float(f.weighted.unwrap()));
                    }
                }
            }
            row += 1;
        }
    }
    assert_eq!(
        blanks, 4,
        "the synthetic division leaves four quarters unreported"
    );
    let names: Vec<String> = input
        .divisions
        .iter()
        .find(|d| d.submission.division.code == SYNTHETIC_CODE)
        .unwrap()
        .submission
        .kpis
        .iter()
        .map(|k| k.name.clone())
        .collect();
    assert!(names.contains(&FORMULA_LIKE_NAME.to_owned()), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with('+')));
    assert!(names.iter().any(|n| n.starts_with('-')));
    assert!(names.iter().any(|n| n.starts_with('@')));
}

#[test]
fn the_workbook_reads_back_with_text_as_text_and_blanks_blank() {
    let input = input(BelowLevel1::Zero);
    let exp = expected(&input, BelowLevel1::Zero);
    let bytes = summary::to_bytes(&input).unwrap();
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            OVERVIEW_SHEET,
            CHART_SHEET,
            KPI_SHEET,
            PLAN_SHEET,
            SUBMISSIONS_SHEET,
            DIAGNOSTICS_SHEET
        ]
    );
    assert_kpi_sheet(&mut wb, &input, &exp);

    // The overview states the rule and notes what is wrong.
    let ov = wb.worksheet_range(OVERVIEW_SHEET).unwrap();
    let ov_rows = rows_of(&ov);
    assert_eq!(ov_rows[2][3], "0");
    assert_eq!(ov_rows[2][4], BelowLevel1::Zero.describe_th());
    let t = Table::find(&ov_rows, "ลำดับ");
    let note = |code: &str| -> String {
        let r = ov_rows
            .iter()
            .find(|r| r[t.col("รหัสหน่วยงาน")] == code)
            .unwrap();
        r[t.col("หมายเหตุ")].clone()
    };
    assert!(note("สตป.").contains(summary::WEIGHTS_NOT_100_TH));
    assert_eq!(
        note(SYNTHETIC_CODE),
        [1, 2, 3, 4]
            .map(|q| format!("ไตรมาสที่ {q} รายงานไม่ครบ (3/4 ตัวชี้วัด)"))
            .join("; ")
    );

    // The submissions sheet lists the missing division in the same table.
    let subs = rows_of(&wb.worksheet_range(SUBMISSIONS_SHEET).unwrap());
    let t = Table::find(&subs, "ไฟล์");
    let missing = subs.iter().find(|r| r[0] == "missing-office").unwrap();
    assert_eq!(missing[t.col("สถานะ")], summary::MISSING_LABEL_TH);
    assert!(
        subs.iter()
            .any(|r| r[t.col("การแก้ไข")] == "ทดส. 02 ไตรมาส 2: 61 → 65")
    );

    // Diagnostics: the seeds' warnings (weights not 100, the log's typos) are all there.
    let diags = rows_of(&wb.worksheet_range(DIAGNOSTICS_SHEET).unwrap());
    let t = Table::find(&diags, "ไฟล์");
    assert_eq!(diags.len() - t.header - 1, input.diagnostics.len());
    assert!(
        diags
            .iter()
            .any(|r| r[t.col("รหัส")] == "weights-not-100" && r[t.col("ระดับ")] == "คำเตือน")
    );

    // Process plans: seed 003's six activities and seed 000's plan without activities.
    let plans = rows_of(&wb.worksheet_range(PLAN_SHEET).unwrap());
    let t = Table::find(&plans, "รหัสหน่วยงาน");
    let count = |code: &str| {
        plans[t.header + 1..]
            .iter()
            .filter(|r| r[0] == code)
            .count()
    };
    assert_eq!(count("สร."), 6);
    assert_eq!(count("สตป."), 1);
    assert_eq!(count(SYNTHETIC_CODE), 0, "an empty plan is left out");
}

// ---------------------------------------------------------------------------------------------
// (b) LibreOffice recalculates every figure.

#[test]
fn libreoffice_recalculates_every_figure_to_kpiwatchs_own() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let mut total = 0;
    for (below, tag) in [(BelowLevel1::Zero, "zero"), (BelowLevel1::One, "one")] {
        let input = input(below);
        let exp = expected(&input, below);
        let bytes = summary::to_bytes(&input).unwrap();

        // As written, and with every cached value poisoned so only a recalculation can pass.
        let plain = env.write(format!("plain-{tag}.xlsx"), &bytes);
        let poisoned_bytes = poison_cached_values(&bytes);
        assert_poisoned(&poisoned_bytes);
        let poisoned = env.write(format!("poisoned-{tag}.xlsx"), &poisoned_bytes);
        for (path, dir) in [
            (plain, format!("csv-plain-{tag}")),
            (poisoned, format!("csv-poisoned-{tag}")),
        ] {
            let sheets = libreoffice_csv(&env, &path, &dir);
            let n = compare_all(&sheets, &exp, &format!("{tag}/{dir}"));
            // 3 divisions: 2 + 1 + 4 KPIs, 8 figures each; 6 figures per division.
            assert_eq!(n, 7 * 8 + 3 * 6);
            total += n;
        }
    }
    eprintln!("LibreOffice recalculated {total} figures, all equal to kpiwatch's");
}

/// A division whose figures fall exactly half-way at the fifth decimal, where binary
/// arithmetic rounds down: 14760.05 against 14760/14800 is 1 + 0.05/40 = 1.00125 → 1.0013.
fn half_way() -> Submission {
    let interpolated = |t: [f64; 5]| (KpiKind::Interpolated, Direction::HigherIsBetter, t);
    Submission {
        division: Division {
            code: "ทดค.".to_owned(),
            name: "สำนักทดสอบการปัดเศษ".to_owned(),
        },
        fiscal_year: Some(FiscalYear::new(2564)),
        reporting_quarter: Some(Quarter::Q4),
        kpis: vec![
            kpi(
                "ทดค. 01",
                "จำนวนเอกสารที่ตรวจแล้ว",
                50.0,
                interpolated([14760.0, 14800.0, 14840.0, 14880.0, 14920.0]),
                "ฉบับ",
                // 1.00125 → 1.0013 (weighted 0.50065 → 0.5007); 1.50125; 2.00375; 4.99875.
                [
                    Some(14760.05),
                    Some(14780.05),
                    Some(14800.15),
                    Some(14919.95),
                ],
            ),
            kpi(
                "ทดค. 02",
                "ร้อยละของงานที่แล้วเสร็จ",
                25.0,
                interpolated([100.0, 101.6, 103.2, 104.8, 106.4]),
                "ร้อยละ",
                // 1.04375 → 1.0438.
                [Some(100.07), Some(101.67), Some(103.27), Some(104.87)],
            ),
            kpi(
                "ทดค. 03",
                "ร้อยละความพึงพอใจ",
                25.0,
                interpolated([86.0, 88.0, 90.0, 92.0, 94.0]),
                "ร้อยละ",
                // 2.00075 → 2.0008.
                [Some(88.0015), Some(90.0015), Some(86.0015), Some(92.0015)],
            ),
        ],
        ..Submission::default()
    }
}

#[test]
fn half_way_figures_recalculate_to_the_same_last_digit() {
    let mut input = input(BelowLevel1::Zero);
    let v = check_bytes(&workbook_bytes(&half_way()), &CheckOptions::default());
    assert_eq!(v.status, Status::Accepted, "{:#?}", v.diagnostics);
    input.divisions.push(DivisionEntry {
        submission: v.submission,
        file: "rounding-office/kpi-2564.xlsx".to_owned(),
        received_at: "2021-10-05 09:30".to_owned(),
        revisions: Vec::new(),
    });
    input
        .divisions
        .sort_by(|a, b| a.submission.division.code.cmp(&b.submission.division.code));
    let exp = expected(&input, BelowLevel1::Zero);
    let ours = exp.divisions.iter().find(|d| d.code == "ทดค.").unwrap();
    let scores = |i: usize| ours.kpis[i].1.map(|q| q.score.unwrap());
    assert_eq!(scores(0), [1.0013, 1.5013, 2.0038, 4.9988]);
    assert_eq!(ours.kpis[0].1[0].weighted, Some(0.5007));
    assert_eq!(scores(1)[0], 1.0438);
    assert_eq!(scores(2)[0], 2.0008);
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let bytes = summary::to_bytes(&input).unwrap();
    let poisoned = env.write("half-way.xlsx", &poison_cached_values(&bytes));
    let sheets = libreoffice_csv(&env, &poisoned, "csv-half-way");
    let n = compare_all(&sheets, &exp, "half-way");
    assert_eq!(n, 10 * 8 + 4 * 6);
}

#[test]
fn the_settings_cell_drives_every_score_formula() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let zero = input(BelowLevel1::Zero);
    let written = write_summary(&env, "zero.xlsx", &zero);
    // An officer types 1 into the overview's settings cell and saves.
    let edited = env.path("edited.xlsx");
    lo_edit(
        &written,
        &edited,
        "Calc MS Excel 2007 XML",
        &["set:ภาพรวม:D3:1"],
    );
    let sheets = libreoffice_csv(&env, &edited, "csv-edited");
    let one = expected(&zero, BelowLevel1::One);
    let n = compare_all(&sheets, &one, "D3 = 1");
    assert_eq!(n, 7 * 8 + 3 * 6);
    assert_eq!(sheets[OVERVIEW_SHEET][2][4], BelowLevel1::One.describe_th());

    // And the rule changed figures: the comparison above is not the zero rule's again.
    let before = expected(&zero, BelowLevel1::Zero);
    let differing = before
        .divisions
        .iter()
        .zip(&one.divisions)
        .flat_map(|(a, b)| a.kpis.iter().zip(&b.kpis))
        .flat_map(|((_, a), (_, b))| a.iter().zip(b))
        .filter(|(a, b)| a.score != b.score)
        .count();
    assert_eq!(
        differing, 3,
        "22 days, 45 items and level 0.5 are below level 1"
    );
    // The comparison sees the difference: against the zero rule, those three scores, their
    // weighted scores and the synthetic division's Q1 score differ.
    let (_, against_zero) = differences(&sheets, &before, "D3 = 1 vs the zero rule");
    assert_eq!(against_zero.len(), 7, "{against_zero:#?}");
}

// ---------------------------------------------------------------------------------------------
// Scale.

#[test]
fn five_hundred_divisions_build_and_recalculate() {
    let base = input(BelowLevel1::Zero);
    let mut big = base.clone();
    big.divisions = (0..500)
        .map(|i| {
            let mut d = base.divisions[i % base.divisions.len()].clone();
            d.submission.division.code = format!("ห{i:03}");
            d
        })
        .collect();
    let started = std::time::Instant::now();
    let bytes = summary::to_bytes(&big).unwrap();
    eprintln!(
        "500 divisions: {} bytes in {:?}",
        bytes.len(),
        started.elapsed()
    );
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.clone())).unwrap();
    let ov = wb.worksheet_formula(OVERVIEW_SHEET).unwrap();
    // The last division's block is the last rows of the KPI sheet.
    let kpi_rows: usize = big.divisions.iter().map(|d| d.submission.kpis.len()).sum();
    let last_kpi_row = 3 + kpi_rows; // 1-based: title, note, header, then the KPIs
    let count = ov.get_value((4 + 500, 3)).cloned().unwrap_or_default();
    assert!(
        count.ends_with(&format!("$B${last_kpi_row}=$B505))")),
        "{count}"
    );

    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let path = env.write("big.xlsx", &poison_cached_values(&bytes));
    let sheets = libreoffice_csv(&env, &path, "csv-big");
    let n = compare_all(&sheets, &expected(&big, BelowLevel1::Zero), "500 divisions");
    eprintln!("500 divisions: LibreOffice recalculated {n} figures, all equal");
}
