//! One deliberately broken copy of an example per diagnostic code: each must come back with its
//! code, severity, sheet and cell, and a message in Thai and English.

use std::collections::BTreeSet;

use kpiwatch::check::validate::{
    CheckOptions, Expectation, ExpectedDivision, Status, Verdict, check_bytes,
};
use kpiwatch::domain::diagnostic::{CODES, Severity};
use kpiwatch::domain::model::{KpiKind, LogEntry, Quarter, Submission};
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{self, Key, QuarterField};
use kpiwatch::workbook::reader::Limits;
use rust_xlsxwriter::{Formula, Workbook};

use crate::harness::{self, at, check, replace_part, repo, workbook_bytes};

const KPI1: &str = "ตัวชี้วัด 1";

/// The example with some model fields changed.
fn changed(edit: impl FnOnce(&mut Submission)) -> Vec<u8> {
    let mut sub = samples::ministers_office();
    edit(&mut sub);
    workbook_bytes(&sub)
}

/// The example with cells overwritten after generation, as a person typing into Excel would.
fn typed(edit: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    harness::typed(&samples::ministers_office(), edit)
}

/// Asserts a finding with `code` at `sheet`!`a1` (None: anywhere) and returns the verdict.
fn expect(bytes: &[u8], code: &str, sheet: Option<&str>, a1: Option<&str>) -> Verdict {
    let v = check(bytes);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", v.diagnostics));
    assert_eq!(d.location.sheet.as_deref(), sheet, "{code}: sheet");
    if a1.is_some() {
        assert_eq!(d.location.cell.as_deref(), a1, "{code}: cell");
    }
    assert!(!d.finding.message_th().is_empty() && !d.finding.message_en().is_empty());
    let error = d.severity() == Severity::Error;
    assert_eq!(
        v.status == Status::Rejected,
        v.diagnostics.iter().any(|d| d.is_error())
    );
    if error {
        assert_eq!(
            v.status,
            Status::Rejected,
            "{code} is an error: the file is rejected"
        );
    }
    v
}

#[test]
fn every_code_is_covered_here() {
    // Codes about one workbook are tested here; those between files, in tests/it/run.rs.
    let source = std::fs::read_to_string(repo(file!())).unwrap()
        + &std::fs::read_to_string(repo("tests/it/run.rs")).unwrap();
    let missing: Vec<_> = CODES
        .iter()
        .filter(|c| !source.contains(&format!("\"{c}\"")))
        .collect();
    assert!(missing.is_empty(), "codes without a test: {missing:?}");
    assert_eq!(CODES.iter().collect::<BTreeSet<_>>().len(), CODES.len());
}

#[test]
fn not_a_workbook() {
    expect(b"Division,KPI\nX,1\n", "not-a-workbook", None, None);
}

#[test]
fn encrypted() {
    // An encrypted OOXML package is an OLE container with an EncryptedPackage stream.
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo").unwrap();
    file.create_stream("/EncryptedPackage").unwrap();
    file.flush().unwrap();
    let bytes = file.into_inner().into_inner();
    expect(&bytes, "encrypted", None, None);
}

#[test]
fn too_large() {
    let bytes = workbook_bytes(&samples::ministers_office());
    let limits = Limits {
        max_part_bytes: 4096,
        ..Limits::default()
    };
    let v = check_bytes(
        &bytes,
        &CheckOptions {
            limits,
            ..CheckOptions::default()
        },
    );
    assert_eq!(v.diagnostics[0].finding.code(), "too-large");
    assert_eq!(v.status, Status::Rejected);
}

#[test]
fn too_many_cells() {
    let bytes = workbook_bytes(&samples::inspection_office());
    let limits = Limits {
        max_cells_per_sheet: 300,
        ..Limits::default()
    };
    let v = check_bytes(
        &bytes,
        &CheckOptions {
            limits,
            ..CheckOptions::default()
        },
    );
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == "too-many-cells")
        .unwrap();
    // The detail log is the sheet with hundreds of cells.
    assert_eq!(d.location.sheet.as_deref(), Some(layout::LOG_SHEET));
    assert_eq!(v.status, Status::Rejected);
}

#[test]
fn unreadable_sheet() {
    let good = workbook_bytes(&samples::ministers_office());
    let bytes = replace_part(
        &good,
        "xl/worksheets/sheet3.xml",
        Some(b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>999999</v></c></row></sheetData></worksheet>"),
    );
    expect(&bytes, "unreadable-sheet", Some(KPI1), None);
}

#[test]
fn no_division_sheet() {
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "งบประมาณรายจ่าย")
        .unwrap();
    expect(
        &wb.save_to_buffer().unwrap(),
        "no-division-sheet",
        None,
        None,
    );
}

#[test]
fn no_kpis() {
    expect(&changed(|s| s.kpis.clear()), "no-kpis", None, None);
}

#[test]
fn template_version() {
    let (r, c) = at(Key::TemplateVersion);
    let bytes = typed(|wb| {
        wb.worksheet_from_name(layout::DIVISION_SHEET)
            .unwrap()
            .write_string(r, c, "kpiwatch-template 0")
            .unwrap();
    });
    let v = expect(
        &bytes,
        "template-version",
        Some(layout::DIVISION_SHEET),
        Some("B12"),
    );
    assert_eq!(
        v.status,
        Status::Accepted,
        "an old version that still reads is only a warning"
    );
}

#[test]
fn missing_field() {
    expect(
        &changed(|s| s.kpis[0].name.clear()),
        "missing-field",
        Some(KPI1),
        Some("B5"),
    );
    expect(
        &changed(|s| s.division.code.clear()),
        "missing-field",
        Some(layout::DIVISION_SHEET),
        Some("B5"),
    );
    expect(
        &changed(|s| s.kpis[0].thresholds[2] = f64::NAN),
        "not-a-number",
        Some(KPI1),
        Some("B20"),
    );
}

#[test]
fn not_a_number() {
    let (r, c) = at(Key::Weight);
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_string(r, c, "สามสิบ")
            .unwrap();
    });
    let v = expect(&bytes, "not-a-number", Some(KPI1), Some("B11"));
    assert!(v.diagnostics[0].finding.message_en().contains("สามสิบ"));
    // Thai digits typed as text are numbers, not errors.
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_string(r, c, "๓๐")
            .unwrap();
    });
    assert!(check(&bytes).diagnostics.iter().all(|d| !d.is_error()));
}

#[test]
fn number_out_of_range() {
    let (r, c) = at(Key::Threshold(5));
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_number(r, c, 1e308)
            .unwrap();
    });
    let v = expect(&bytes, "number-out-of-range", Some(KPI1), Some("B22"));
    assert_eq!(
        v.diagnostics[0].finding.message_en(),
        "level 5 threshold is too large a number to use (\"1E+308\"); numbers must be within \
         ±1,000,000,000,000,000"
    );
}

#[test]
fn percent_mix() {
    // Four levels in percent cells (0.88 shown as 88%), the first typed as a fraction.
    let percent = rust_xlsxwriter::Format::new().set_num_format("0%");
    let bytes = typed(|wb| {
        let sheet = wb.worksheet_from_name(KPI1).unwrap();
        for (level, x) in [(1, 0.86), (2, 0.88), (3, 0.90), (4, 0.92), (5, 0.94)] {
            let (r, c) = at(Key::Threshold(level));
            if level == 1 {
                sheet.write_number(r, c, x).unwrap();
            } else {
                sheet.write_number_with_format(r, c, x, &percent).unwrap();
            }
        }
    });
    let v = expect(&bytes, "percent-mix", Some(KPI1), Some("B18"));
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == "percent-mix")
        .unwrap();
    assert!(
        d.finding.message_en().contains("0.86"),
        "{}",
        d.finding.message_en()
    );
    assert!(
        d.finding
            .message_en()
            .contains("'ตัวชี้วัด 1'!B19 are percent cells (88%)"),
        "{}",
        d.finding.message_en()
    );
    assert_eq!(
        v.diagnostics.iter().filter(|d| d.is_error()).count(),
        1,
        "{:#?}",
        v.diagnostics
    );
    // Weights are compared with each other too: 30% on one KPI, 0.7 on the other.
    let bytes = harness::typed(&samples::inspection_office(), |wb| {
        let (r, c) = at(Key::Weight);
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_number_with_format(r, c, 0.3, &percent)
            .unwrap();
        wb.worksheet_from_name("ตัวชี้วัด 2")
            .unwrap()
            .write_number(r, c, 0.7)
            .unwrap();
    });
    let v = expect(&bytes, "percent-mix", Some("ตัวชี้วัด 2"), Some("B11"));
    assert_eq!(v.submission.kpis[0].weight, 30.0);
}

#[test]
fn threshold_against_direction() {
    // "At most 86" on a higher-is-better KPI: the direction or the threshold is wrong.
    let (r, c) = at(Key::Threshold(1));
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_string(r, c, "ไม่เกิน 86")
            .unwrap();
    });
    expect(
        &bytes,
        "threshold-against-direction",
        Some(KPI1),
        Some("B18"),
    );
    // In the KPI's own direction the bound is the threshold: the file scores as before.
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_string(r, c, "86 ขึ้นไป")
            .unwrap();
    });
    let v = check(&bytes);
    assert!(
        v.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        v.diagnostics
    );
    assert_eq!(v.kpi_scores[0][1].score, Some(3.0));
}

#[test]
fn not_a_year() {
    let (r, c) = at(Key::FiscalYear);
    let bytes = typed(|wb| {
        wb.worksheet_from_name(layout::DIVISION_SHEET)
            .unwrap()
            .write_string(r, c, "ปีนี้")
            .unwrap();
    });
    expect(
        &bytes,
        "not-a-year",
        Some(layout::DIVISION_SHEET),
        Some("B6"),
    );
}

#[test]
fn invalid_choice() {
    let (r, c) = at(Key::Kind);
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_string(r, c, "อื่น ๆ")
            .unwrap();
    });
    let v = expect(&bytes, "invalid-choice", Some(KPI1), Some("B13"));
    assert!(
        v.diagnostics[0]
            .finding
            .message_th()
            .contains(KpiKind::Stepped.label_th())
    );
}

#[test]
fn formula_without_value() {
    let (r, c) = at(Key::Quarter(Quarter::Q2, QuarterField::Result));
    let bytes = typed(|wb| {
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        ws.set_formula_result_default("");
        ws.write_formula(r, c, Formula::new("=SUM(A100:A200)"))
            .unwrap();
    });
    let v = expect(&bytes, "formula-without-value", Some(KPI1), Some("C35"));
    assert!(
        v.diagnostics[0]
            .finding
            .message_en()
            .contains("=SUM(A100:A200)")
    );
}

#[test]
fn error_value() {
    let (r, c) = at(Key::Quarter(Quarter::Q1, QuarterField::Result));
    let bytes = typed(|wb| {
        wb.worksheet_from_name(KPI1)
            .unwrap()
            .write_formula(r, c, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
    });
    let v = expect(&bytes, "error-value", Some(KPI1), Some("B35"));
    assert!(v.diagnostics[0].finding.message_en().contains("#DIV/0!"));
}

#[test]
fn thresholds_not_monotone() {
    let v = expect(
        &changed(|s| s.kpis[0].thresholds = [86.0, 88.0, 88.0, 92.0, 94.0]),
        "thresholds-not-monotone",
        Some(KPI1),
        Some("B20"),
    );
    assert!(
        v.kpi_scores[0].iter().all(|q| q.score.is_none()),
        "no scores from bad criteria"
    );
}

#[test]
fn weight_out_of_range() {
    expect(
        &changed(|s| s.kpis[0].weight = 120.0),
        "weight-out-of-range",
        Some(KPI1),
        Some("B11"),
    );
    expect(
        &changed(|s| s.kpis[0].weight = -5.0),
        "weight-out-of-range",
        Some(KPI1),
        Some("B11"),
    );
}

#[test]
fn weights_not_100() {
    let v = expect(&changed(|_| {}), "weights-not-100", Some(KPI1), Some("B11"));
    assert_eq!(v.status, Status::Accepted);
    let ok = check(&changed(|s| s.kpis[0].weight = 100.0));
    assert!(
        ok.diagnostics
            .iter()
            .all(|d| d.finding.code() != "weights-not-100")
    );
}

#[test]
fn duplicate_kpi_code() {
    let bytes = changed(|s| {
        let mut twin = s.kpis[0].clone();
        twin.code = "สร.1".into(); // same code, other spacing
        s.kpis.push(twin);
    });
    let v = expect(&bytes, "duplicate-kpi-code", Some("ตัวชี้วัด 2"), Some("B6"));
    assert!(v.diagnostics[0].finding.message_en().contains(KPI1));
}

#[test]
fn fiscal_year_implausible() {
    let bytes = changed(|s| s.fiscal_year = Some(kpiwatch::domain::model::FiscalYear::new(2021)));
    expect(
        &bytes,
        "fiscal-year-implausible",
        Some(layout::DIVISION_SHEET),
        Some("B6"),
    );
}

#[test]
fn milestone_out_of_range() {
    let bytes = changed(|s| {
        let k = &mut s.kpis[0];
        k.kind = KpiKind::Milestone;
        k.thresholds = [1.0, 2.0, 3.0, 4.0, 5.0];
        for (q, level) in k.quarters.iter_mut().zip([1.0, 2.0, 7.0, 4.0]) {
            q.result = Some(level);
            q.result_text = Some(level.to_string());
            q.own_score = None;
            q.own_weighted = None;
        }
    });
    expect(&bytes, "milestone-out-of-range", Some(KPI1), Some("D35"));
}

#[test]
fn cumulative_decrease() {
    let mut sub = samples::inspection_office();
    sub.kpis[0].quarters[2].result = Some(150.0);
    sub.kpis[0].quarters[2].result_text = Some("150".into());
    let v = expect(
        &workbook_bytes(&sub),
        "cumulative-decrease",
        Some(KPI1),
        Some("D35"),
    );
    assert_eq!(v.status, Status::Accepted);
    // Percentages may fall (สร. 1 goes 90 → 88): no warning.
    let pct = check(&changed(|_| {}));
    assert!(
        pct.diagnostics
            .iter()
            .all(|d| d.finding.code() != "cumulative-decrease")
    );
}

#[test]
fn own_score_differs() {
    let v = expect(
        &changed(|s| s.kpis[0].quarters[1].own_score = Some(3.5)),
        "own-score-differs",
        Some(KPI1),
        Some("C37"),
    );
    let en = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == "own-score-differs")
        .unwrap()
        .finding
        .message_en();
    assert!(
        en.contains("3.5") && en.contains(" 3"),
        "both values shown: {en}"
    );
}

#[test]
fn own_weighted_differs() {
    expect(
        &changed(|s| s.kpis[0].quarters[3].own_weighted = Some(1.3)),
        "own-weighted-differs",
        Some(KPI1),
        Some("E38"),
    );
}

#[test]
fn text_too_long() {
    let limit = layout::field(Key::Description).bound.chars();
    let v = expect(
        &changed(|s| s.kpis[0].description = "ค".repeat(limit + 1)),
        "text-too-long",
        Some(KPI1),
        Some(&layout::field(Key::Description).a1()),
    );
    // A warning: the file is accepted, with the text cut to its bound and marked.
    assert_eq!(v.status, Status::Accepted);
    let kept = &v.submission.kpis[0].description;
    assert_eq!(kept.chars().count(), limit);
    assert!(kept.ends_with(kpiwatch::domain::bounded::CUT_MARK));
    // One character less fits and is kept whole.
    let v = check(&changed(|s| s.kpis[0].description = "ค".repeat(limit)));
    assert!(
        !v.diagnostics
            .iter()
            .any(|d| d.finding.code() == "text-too-long")
    );
}

#[test]
fn log_total_mismatch() {
    let v = expect(
        &workbook_bytes(&samples::inspection_office()),
        "log-total-mismatch",
        Some(KPI1),
        Some("E35"),
    );
    let en = v
        .diagnostics
        .iter()
        .find(|d| d.finding.code() == "log-total-mismatch")
        .unwrap()
        .finding
        .message_en();
    assert!(en.contains("539") && en.contains("826"), "{en}");
}

fn with_log(entry: LogEntry) -> Vec<u8> {
    changed(|s| s.log.push(entry))
}

#[test]
fn log_unknown_kpi() {
    let bytes = with_log(LogEntry {
        kpi_code: "XX 9".into(),
        date_text: "๑ ต.ค. ๖๓".into(),
        ..LogEntry::default()
    });
    expect(
        &bytes,
        "log-unknown-kpi",
        Some(layout::LOG_SHEET),
        Some("A5"),
    );
}

#[test]
fn log_date_unreadable() {
    let bytes = with_log(LogEntry {
        kpi_code: "สร. 1".into(),
        date_text: "เมื่อวาน".into(),
        ..LogEntry::default()
    });
    expect(
        &bytes,
        "log-date-unreadable",
        Some(layout::LOG_SHEET),
        Some("B5"),
    );
}

#[test]
fn log_date_typo() {
    let bytes = with_log(LogEntry {
        kpi_code: "สร. 1".into(),
        date_text: "๘ มี.ย. ๖๔".into(),
        ..LogEntry::default()
    });
    expect(&bytes, "log-date-typo", Some(layout::LOG_SHEET), Some("B5"));
}

#[test]
fn log_date_outside_year() {
    let bytes = with_log(LogEntry {
        kpi_code: "สร. 1".into(),
        date_text: "๒๔ ส.ค. ๖๐".into(),
        ..LogEntry::default()
    });
    expect(
        &bytes,
        "log-date-outside-year",
        Some(layout::LOG_SHEET),
        Some("B5"),
    );
}

fn check_expecting(bytes: &[u8], expect: &Expectation) -> Verdict {
    kpiwatch::check::validate::check_bytes_expecting(bytes, &CheckOptions::default(), expect)
}

fn first<'a>(v: &'a Verdict, code: &str) -> &'a kpiwatch::domain::diagnostic::Diagnostic {
    v.diagnostics
        .iter()
        .find(|d| d.finding.code() == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", v.diagnostics))
}

#[test]
fn wrong_fiscal_year() {
    let expect = Expectation {
        fiscal_year: Some(2568),
        ..Expectation::default()
    };
    let v = check_expecting(&workbook_bytes(&samples::ministers_office()), &expect);
    let d = first(&v, "wrong-fiscal-year");
    assert_eq!(d.place(), "'หน่วยงาน'!B6");
    assert_eq!(v.status, Status::Rejected);
}

#[test]
fn division_mismatch() {
    let expect = Expectation {
        division: ExpectedDivision::Exactly {
            folder: "inspection-office".into(),
            code: "สตป.".into(),
        },
        ..Expectation::default()
    };
    let v = check_expecting(&workbook_bytes(&samples::ministers_office()), &expect);
    let d = first(&v, "division-mismatch");
    assert_eq!(d.place(), "'หน่วยงาน'!B5");
    assert!(
        d.finding.message_en().contains("inspection-office")
            && d.finding.message_en().contains("สร.")
    );
    assert_eq!(v.status, Status::Rejected);
}

#[test]
fn division_not_registered() {
    let expect = Expectation {
        division: ExpectedDivision::Registered(vec!["สตป.".into()]),
        ..Expectation::default()
    };
    let v = check_expecting(&workbook_bytes(&samples::ministers_office()), &expect);
    assert_eq!(first(&v, "division-not-registered").place(), "'หน่วยงาน'!B5");
    let ok = Expectation {
        division: ExpectedDivision::Registered(vec!["สร.".into()]),
        ..Expectation::default()
    };
    assert_eq!(
        check_expecting(&workbook_bytes(&samples::ministers_office()), &ok).status,
        Status::Accepted
    );
}

#[test]
fn certification_missing_and_required() {
    let mut sub = samples::ministers_office();
    sub.certification = Default::default();
    let bytes = workbook_bytes(&sub);
    let v = check_expecting(&bytes, &Expectation::default());
    assert_eq!(first(&v, "certification-missing").place(), "'หน่วยงาน'!B14");
    assert_eq!(v.status, Status::Accepted);
    let strict = Expectation {
        require_certification: true,
        ..Expectation::default()
    };
    let v = check_expecting(&bytes, &strict);
    assert_eq!(first(&v, "certification-required").place(), "'หน่วยงาน'!B14");
    assert_eq!(v.status, Status::Rejected);
    // Signed off: no finding either way, and the sign-off reads back as written.
    let v = check_expecting(&workbook_bytes(&samples::ministers_office()), &strict);
    assert_eq!(v.status, Status::Accepted);
    assert_eq!(
        v.submission.certification,
        samples::ministers_office().certification
    );
}

#[test]
fn a_certification_date_typed_as_a_date_cell_reads_as_a_thai_date() {
    let (r, c) = at(Key::CertificationDate);
    let bytes = typed(|wb| {
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 10, 8).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("d/m/yyyy");
        wb.worksheet_from_name(layout::DIVISION_SHEET)
            .unwrap()
            .write_datetime_with_format(r, c, &date, &format)
            .unwrap();
    });
    let v = check(&bytes);
    assert_eq!(v.submission.certification.date, "8 ต.ค. 2564");
    assert_eq!(v.status, Status::Accepted);
}
