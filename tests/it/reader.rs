//! How the reader takes what people actually type: Thai digits and percentages as text, real
//! date cells, formulas with cached values, and text that looks like a formula.

use kpiwatch::check::validate::{Status, Verdict};
use kpiwatch::domain::model::Quarter;
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{self, Key, QuarterField};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use crate::harness::{self, at, check};

const KPI1: &str = "ตัวชี้วัด 1";

fn typed(edit: impl FnOnce(&mut Workbook)) -> Verdict {
    check(&harness::typed(&samples::ministers_office(), edit))
}

#[test]
fn thai_digits_and_percentages_typed_as_text_are_numbers() {
    let v = typed(|wb| {
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        let (r, c) = at(Key::Quarter(Quarter::Q1, QuarterField::Result));
        ws.write_string(r, c, "ร้อยละ ๘๘").unwrap();
        let (r, c) = at(Key::Quarter(Quarter::Q2, QuarterField::Result));
        ws.write_string(r, c, "90%").unwrap();
        let (r, c) = at(Key::Threshold(5));
        ws.write_string(r, c, "๙๔").unwrap();
        let (r, c) = at(Key::FiscalYear);
        wb.worksheet_from_name(layout::DIVISION_SHEET)
            .unwrap()
            .write_string(r, c, "พ.ศ. ๒๕๖๔")
            .unwrap();
    });
    assert_eq!(v.status, Status::Accepted, "{:#?}", v.diagnostics);
    assert_eq!(v.kpi_scores[0][0].score, Some(2.0));
    assert_eq!(v.kpi_scores[0][1].score, Some(3.0));
    assert_eq!(v.submission.fiscal_year.map(|y| y.be()), Some(2564));
}

#[test]
fn formulas_are_read_through_their_cached_values() {
    let v = typed(|wb| {
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        let (r, c) = at(Key::Quarter(Quarter::Q4, QuarterField::Result));
        ws.write_formula(r, c, Formula::new("=46*2").set_result("92"))
            .unwrap();
    });
    assert_eq!(v.status, Status::Accepted, "{:#?}", v.diagnostics);
    assert_eq!(v.kpi_scores[0][3].score, Some(4.0));
}

#[test]
fn real_date_cells_in_the_log_are_dates() {
    let v = typed(|wb| {
        let ws = wb.worksheet_from_name(layout::LOG_SHEET).unwrap();
        let row = layout::LOG_TABLE.first_row();
        let date = ExcelDateTime::from_ymd(2021, 3, 9).unwrap();
        ws.write_string(row, 0, "สร. 1").unwrap();
        ws.write_datetime_with_format(row, 1, &date, &Format::new().set_num_format("d mmm yyyy"))
            .unwrap();
        ws.write_number(row, 3, 3.0).unwrap();
    });
    let e = &v.submission.log[0];
    assert_eq!(e.start, chrono::NaiveDate::from_ymd_opt(2021, 3, 9));
    assert_eq!(e.date_text, "๙ มี.ค. ๒๕๖๔");
    assert!(
        v.diagnostics
            .iter()
            .all(|d| d.finding.code() != "log-date-unreadable")
    );
    // 3 units against a reported 92%: the mismatch names both.
    assert!(
        v.diagnostics
            .iter()
            .any(|d| d.finding.code() == "log-total-mismatch")
    );
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let v = typed(|wb| {
        let ws = wb.worksheet_from_name(KPI1).unwrap();
        let (r, c) = at(Key::KpiName);
        ws.write_string(r, c, "=HYPERLINK(\"http://x\")").unwrap();
    });
    assert_eq!(v.submission.kpis[0].name, "=HYPERLINK(\"http://x\")");
}

#[test]
fn log_columns_are_found_by_their_headers() {
    // A division moved the log's columns around: headers decide, not positions.
    let v = typed(|wb| {
        let ws = wb.worksheet_from_name(layout::LOG_SHEET).unwrap();
        let h = layout::LOG_TABLE.header_row;
        ws.write_string(h, 0, "จำนวน (หน่วย)").unwrap();
        ws.write_string(h, 3, "รหัสตัวชี้วัด").unwrap();
        ws.write_number(h + 1, 0, 92.0).unwrap();
        ws.write_string(h + 1, 3, "สร. 1").unwrap();
    });
    let e = &v.submission.log[0];
    assert_eq!((e.kpi_code.as_str(), e.units), ("สร. 1", Some(92.0)));
    assert!(
        v.diagnostics
            .iter()
            .all(|d| d.finding.code() != "log-total-mismatch")
    );
}
