//! A KPI sheet: the KPI's description, its five score levels, the quarterly report, and
//! kpiwatch's own score as live formulas under it.

use rust_xlsxwriter::utility::quote_sheet_name;
use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

use super::TABLE_FONT_SIZE;
use super::cells::{CellValue, fit_field_rows, kpi_value, typed_or, write_fields};
use super::computed::computed_rows;
use super::measure::{row_height, wrapped_lines};
use super::style::{Formats, print_setup, protect};
use crate::domain::model::{FiscalYear, Kpi, Quarter};
use crate::workbook::layout::{self, Key, QuarterField, SheetRole};

const LABEL_WIDTH: f64 = 28.0;
const VALUE_WIDTH: f64 = 13.0;

pub(super) fn kpi_sheet(
    index: usize,
    kpi: Option<&Kpi>,
    typed: &dyn Fn(Key) -> Option<String>,
    (division_name, fiscal_year): (&str, Option<FiscalYear>),
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let name = kpi_sheet_name(index);
    let value = |k: Key| -> CellValue { typed_or(typed(k).as_ref(), || kpi_value(kpi, k)) };
    let mut ws = Worksheet::new();
    ws.set_name(&name)?;
    // A formula's cached value must be blank, not 0, until a spreadsheet program computes it.
    ws.set_formula_result_default("");
    // About 84 units: A4 portrait at 72 %, so 14 pt text prints at 10 pt and 16 pt at 11.5.
    ws.set_column_width(0, LABEL_WIDTH)?;
    ws.set_column_range_width(1, 4, VALUE_WIDTH)?;
    ws.merge_range(0, 0, 0, 4, "ผลกระบวนการตามภารกิจ", &fmt.title)?;
    ws.merge_range(1, 0, 1, 4, &format!("ตัวชี้วัดที่ {index}"), &fmt.note)?;
    // The division and year are shown from the division sheet, so they are typed once.
    let div = layout::field(Key::DivisionName);
    let fy = layout::field(Key::FiscalYear);
    let div_sheet = quote_sheet_name(layout::DIVISION_SHEET);
    ws.write_string_with_format(2, 0, "หน่วยงาน", &fmt.label)?;
    ws.merge_range(2, 1, 2, 4, "", &fmt.label)?;
    ws.write_formula_with_format(
        2,
        1,
        Formula::new(format!("={div_sheet}!{}&\"\"", div.a1())).set_result(division_name),
        &fmt.label,
    )?;
    ws.write_string_with_format(3, 0, "ปีงบประมาณ", &fmt.label)?;
    ws.merge_range(3, 1, 3, 4, "", &fmt.label)?;
    ws.write_formula_with_format(
        3,
        1,
        Formula::new(format!("={div_sheet}!{}&\"\"", fy.a1()))
            .set_result(fiscal_year.map(|y| y.to_string()).unwrap_or_default()),
        &fmt.label,
    )?;

    level_and_report_labels(&mut ws, fmt)?;

    let details_row = layout::field(Key::Quarter(Quarter::Q1, QuarterField::Details)).row;
    let description_row = layout::field(Key::Description).row;

    write_fields(names, &mut ws, &name, SheetRole::Kpi, &value, fmt)?;
    computed_rows(&mut ws, &name, &value, names, fmt)?;
    fit_field_rows(
        &mut ws,
        SheetRole::Kpi,
        &value,
        &|c| if c == 0 { LABEL_WIDTH } else { VALUE_WIDTH },
        &[
            (details_row, 120.0),
            (description_row, 60.0),
            (
                layout::KPI_LEVEL_HEADER_ROW,
                row_height(
                    wrapped_lines(layout::LEVEL_COL_THRESHOLD, VALUE_WIDTH, TABLE_FONT_SIZE),
                    TABLE_FONT_SIZE,
                ),
            ),
            // Their labels take two lines.
            (layout::KPI_COMPUTED_SCORE_ROW, 48.0),
            (layout::KPI_COMPUTED_WEIGHTED_ROW, 48.0),
        ],
    )?;

    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}

/// The labels of the score-level table and of the quarterly report: the sheet's fixed text.
fn level_and_report_labels(ws: &mut Worksheet, fmt: &Formats) -> Result<(), XlsxError> {
    ws.merge_range(
        layout::KPI_LEVEL_HEADER_ROW - 1,
        0,
        layout::KPI_LEVEL_HEADER_ROW - 1,
        4,
        "เกณฑ์การให้คะแนน",
        &fmt.header,
    )?;
    let h = layout::KPI_LEVEL_HEADER_ROW;
    ws.write_string_with_format(h, 0, layout::LEVEL_COL_LABEL, &fmt.header)?;
    ws.write_string_with_format(h, 1, layout::LEVEL_COL_THRESHOLD, &fmt.header)?;
    ws.merge_range(h, 2, h, 4, layout::LEVEL_COL_DESCRIPTION, &fmt.header)?;
    for level in 1..=5u8 {
        ws.write_string_with_format(
            h + u32::from(level),
            0,
            layout::level_label(level),
            &fmt.label,
        )?;
    }

    let r = layout::KPI_REPORT_HEADER_ROW;
    ws.write_string_with_format(r, 0, layout::REPORT_HEADER_LABEL, &fmt.header)?;
    for q in Quarter::ALL {
        ws.write_string_with_format(r, 1 + q.index() as u16, q.label_th(), &fmt.header)?;
    }
    for qf in QuarterField::ALL {
        let row = layout::field(Key::Quarter(Quarter::Q1, qf)).row;
        ws.write_string_with_format(row, 0, qf.label_th(), &fmt.label)?;
    }
    Ok(())
}

/// "ตัวชี้วัด 3": the name of the third KPI sheet.
pub fn kpi_sheet_name(index: usize) -> String {
    format!("{} {index}", layout::KPI_SHEET_PREFIX)
}
