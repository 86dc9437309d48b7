//! Fixtures the sheets' tests share (a division, a year, the workbook opened again with
//! calamine), and the tests of the workbook as a whole.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, open_workbook_auto_from_rs};

use super::overview::{OV_HEADER_ROW, ov};
use super::*;
use crate::check::validate::Status;
use crate::domain::model::{Activity, Direction, Division, Kpi, KpiKind, QuarterReport};

pub(super) fn kpi(
    code: &str,
    name: &str,
    weight: f64,
    kind: KpiKind,
    direction: Direction,
    thresholds: [f64; 5],
    results: [Option<f64>; 4],
) -> Kpi {
    Kpi {
        code: code.to_owned(),
        name: name.to_owned(),
        weight,
        kind,
        direction,
        thresholds,
        unit: "เรื่อง".to_owned(),
        quarters: results.map(|result| QuarterReport {
            result,
            ..QuarterReport::default()
        }),
        ..Kpi::default()
    }
}

pub(super) fn division(code: &str, kpis: Vec<Kpi>) -> DivisionEntry {
    DivisionEntry {
        submission: Submission {
            division: Division {
                code: code.to_owned(),
                name: format!("หน่วยงาน {code}"),
            },
            fiscal_year: Some(FiscalYear::new(2564)),
            kpis,
            ..Submission::default()
        },
        file: format!("{code}/kpi.xlsx"),
        received_at: "2021-10-05 09:30".to_owned(),
        revisions: Vec::new(),
    }
}

pub(super) fn input(divisions: Vec<DivisionEntry>) -> SummaryInput {
    SummaryInput {
        fiscal_year: FiscalYear::new(2564),
        below_level1: BelowLevel1::Zero,
        generated_at: "2021-10-06 08:00".to_owned(),
        divisions,
        submissions: Vec::new(),
        missing: Vec::new(),
        diagnostics: Vec::new(),
        part: None,
        history: Vec::new(),
        status: None,
    }
}

/// Two KPIs, weights 60 + 40: one lower-is-better and reported in Q1 and Q3 only, one
/// whose name starts with "=".
pub(super) fn sample() -> SummaryInput {
    let mut d = division(
        "ทส.",
        vec![
            kpi(
                "ทส. 1",
                "ระยะเวลาดำเนินการ",
                60.0,
                KpiKind::Interpolated,
                Direction::LowerIsBetter,
                [10.0, 8.0, 6.0, 4.0, 2.0],
                [Some(7.0), None, Some(12.0), None],
            ),
            kpi(
                "ทส. 2",
                "=SUM(A1:A2) จำนวนเรื่อง",
                40.0,
                KpiKind::Stepped,
                Direction::HigherIsBetter,
                [0.0, 150.0, 300.0, 450.0, 826.0],
                [Some(184.0), Some(500.0), Some(900.0), None],
            ),
        ],
    );
    d.revisions.push(Revision {
        kpi_code: "ทส.2".to_owned(),
        quarter: Quarter::Q2,
        old: Some(480.0),
        new: Some(500.0),
    });
    input(vec![d])
}

pub(super) type Sheets = calamine::Sheets<Cursor<Vec<u8>>>;

pub(super) fn open(input: &SummaryInput) -> Sheets {
    open_workbook_auto_from_rs(Cursor::new(to_bytes(input).unwrap())).unwrap()
}

pub(super) fn cell(wb: &mut Sheets, sheet: &str, row: u32, col: u16) -> Data {
    let r = wb.worksheet_range(sheet).unwrap();
    r.get_value((row, u32::from(col)))
        .cloned()
        .unwrap_or(Data::Empty)
}

pub(super) fn formula_at(wb: &mut Sheets, sheet: &str, row: u32, col: u16) -> String {
    let f = wb.worksheet_formula(sheet).unwrap();
    f.get_value((row, u32::from(col)))
        .cloned()
        .unwrap_or_default()
}

/// The sample with a process plan, a second division with one activity and a third with none,
/// a rejected file, a missing division and one finding, opened again.
pub(super) fn listed() -> Sheets {
    let mut input = sample();
    let plan = &mut input.divisions[0].submission.plan;
    plan.process = "กระบวนการ".to_owned();
    plan.tier_quality = "≥ 826".to_owned();
    let mut with_activity = division("กก.", vec![]);
    let mut months: [String; 12] = Default::default();
    months[11] = "↔".to_owned();
    with_activity.submission.plan.activities.push(Activity {
        name: "@ประชุม".to_owned(),
        months,
        budget: "-".to_owned(),
        owner: "+ผอ.".to_owned(),
    });
    input.divisions.push(with_activity);
    input.divisions.push(division("วง.", vec![]));
    input.submissions.push(SubmissionRow {
        file: "ทส./kpi.xlsx".to_owned(),
        division_code: "ทส.".to_owned(),
        division_name: "หน่วยงาน ทส.".to_owned(),
        received_at: "2021-10-05 09:30".to_owned(),
        status: Status::Rejected,
        errors: 2,
        warnings: 1,
        current: true,
        removed: true,
        revisions: input.divisions[0].revisions.clone(),
        sha256: "ab".repeat(32),
        set_aside: None,
        after_close: Vec::new(),
        certified_by: "นายทดสอบ (ผู้อำนวยการ) 8 ต.ค. 2564".to_owned(),
    });
    input.missing.push(MissingDivision {
        code: "ขม.".to_owned(),
        name: "หน่วยงานที่ขาดส่ง".to_owned(),
        folder: "absent".to_owned(),
    });
    input.diagnostics.push(DiagnosticRow {
        file: "ทส./kpi.xlsx".to_owned(),
        division_code: "ทส.".to_owned(),
        severity: Severity::Error,
        code: "missing-field".to_owned(),
        sheet: "หน่วยงาน".to_owned(),
        cell: "B4".to_owned(),
        message_th: "-ไม่ได้กรอก".to_owned(),
        message_en: "missing".to_owned(),
    });
    open(&input)
}

#[test]
fn file_name_carries_the_buddhist_year() {
    assert_eq!(file_name(FiscalYear::new(2564)), "kpi-summary-2564.xlsx");
}

#[test]
fn sheets_come_in_order() {
    let wb = open(&sample());
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
}

#[test]
fn an_empty_year_still_builds() {
    let mut wb = open(&input(Vec::new()));
    assert_eq!(wb.sheet_names().len(), 6);
    assert_eq!(
        cell(&mut wb, OVERVIEW_SHEET, OV_HEADER_ROW, ov::CODE),
        Data::String("รหัสหน่วยงาน".to_owned())
    );
}

#[test]
fn a_text_over_the_cell_limit_is_cut_not_fatal() {
    // A ledger written before texts were bounded may hold one: the workbook is still written.
    let mut input = sample();
    input.divisions[0].submission.kpis[0].name = "ตัวชี้วัด".repeat(5_000);
    input.divisions[0].submission.division.name = "😀".repeat(20_000);
    let bytes = to_bytes(&input).expect("the summary is written");
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    let kpis = wb.worksheet_range(KPI_SHEET).unwrap();
    let name = kpis
        .cells()
        .filter_map(|(_, _, d)| d.as_string())
        .find(|s| s.starts_with("ตัวชี้วัดตัวชี้วัด"))
        .expect("the long name is in the sheet");
    assert!(name.encode_utf16().count() <= 32_767);
    assert!(name.ends_with(crate::domain::bounded::CUT_MARK));
}
