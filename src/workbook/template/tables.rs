//! The two sheets built around a table a division extends row by row: the process plan with
//! its twelve-month activity grid, and the detail log.

use rust_xlsxwriter::utility::{cell_range_absolute, quote_sheet_name};
use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Worksheet, XlsxError};

use super::Typed;
use super::cells::{CellValue, division_value, number, text, typed_or, write_fields};
use super::style::{Formats, input_format, print_setup, protect};
use crate::domain::model::{FiscalYear, Submission};
use crate::domain::thai;
use crate::workbook::layout::{self, SheetRole, Table};

/// The plan grid's month headers: "ต.ค. ๖๓" … for a given fiscal year, "ต.ค." … otherwise.
pub(crate) fn month_headers(fiscal_year: Option<FiscalYear>) -> [String; 12] {
    match fiscal_year {
        Some(fy) => fy.months().map(|(y, m)| {
            chrono::NaiveDate::from_ymd_opt(y, m, 1)
                .map(|d| thai::format_thai_month_year(d, thai::ThaiDigits::Yes))
                .unwrap_or_default()
        }),
        None => thai::FISCAL_MONTH_ABBR.map(str::to_owned),
    }
}

fn table_header(
    ws: &mut Worksheet,
    table: &Table,
    labels: &[String],
    sheet_name: &str,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (i, (c, label)) in table.columns.iter().zip(labels).enumerate() {
        ws.set_column_width(i as u16, c.width)?;
        ws.write_string_with_format(table.header_row, i as u16, label, &fmt.header)?;
    }
    let last = table.columns.len() as u16 - 1;
    names.push((
        table.header_name.to_owned(),
        format!(
            "={}!{}",
            quote_sheet_name(sheet_name),
            cell_range_absolute(table.header_row, 0, table.header_row, last)
        ),
    ));
    Ok(())
}

/// Grows a table row so the text of every column (`text(column index)`) shows whole, wrapped.
fn fit_row<'t>(
    ws: &mut Worksheet,
    row: u32,
    table: &Table,
    text: impl Fn(usize) -> &'t str,
) -> Result<(), XlsxError> {
    use super::measure::{row_height, wrapped_lines};
    let lines = (0..table.columns.len())
        .map(|c| wrapped_lines(text(c), table.columns[c].width, super::FONT_SIZE))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, row_height(lines, super::FONT_SIZE))?;
    }
    Ok(())
}

/// The last row of a sheet (Excel's limit), where a table's input columns end.
const LAST_ROW: u32 = 1_048_575;

/// Makes a table's columns input columns, yellow and unlocked all the way down, so a division
/// fills as many rows as it needs and no cell has to be written for a row left empty. (Styled
/// blank rows were over a quarter of a filled workbook's cells, parsed by every reader of it.) A
/// column's style shows in every row without a cell of its own, so the rows above the table
/// that `used` does not claim get plain cells.
fn input_columns(
    ws: &mut Worksheet,
    table: &Table,
    used: impl Fn(u32) -> bool,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (c, col) in table.columns.iter().enumerate() {
        ws.set_column_format(c as u16, input_format(col.ty, fmt))?;
        for row in (0..table.header_row).filter(|&r| !used(r)) {
            ws.write_blank(row, c as u16, &fmt.plain)?;
        }
    }
    Ok(())
}

pub(super) fn plan_sheet(
    sub: &Submission,
    typed: &Typed,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let table = &*layout::PLAN_TABLE;
    let mut ws = Worksheet::new();
    ws.set_name(layout::PLAN_SHEET)?;
    let last_col = table.columns.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last_col, "แผนกระบวนการตามภารกิจ", &fmt.title)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "ข้อกำหนดที่สำคัญ ตัวชี้วัด ๓ ระดับ และแผนการดำเนินงาน ๑๒ เดือน (ต.ค. – ก.ย.)",
        &fmt.note,
    )?;
    write_fields(
        names,
        &mut ws,
        layout::PLAN_SHEET,
        SheetRole::Plan,
        &|k| typed_or(typed.fields.get(&k), || division_value(sub, k)),
        fmt,
    )?;
    ws.merge_range(
        table.header_row - 1,
        0,
        table.header_row - 1,
        last_col,
        "๖. แผนการดำเนินงาน",
        &fmt.header,
    )?;

    let months = month_headers(sub.fiscal_year);
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.key {
            layout::ColumnKey::Month(m) => months[usize::from(m)].clone(),
            _ => c.label_th.to_owned(),
        })
        .collect();
    table_header(&mut ws, table, &labels, layout::PLAN_SHEET, names, fmt)?;
    // The rows above the table: titles, the process's fields, the table's own heading.
    let used: Vec<u32> = [0, 1, table.header_row - 1]
        .into_iter()
        .chain(layout::fields_of(SheetRole::Plan).map(|f| f.row))
        .collect();
    input_columns(&mut ws, table, |r| used.contains(&r), fmt)?;
    for (i, a) in sub.plan.activities.iter().enumerate() {
        let row = table.first_row() + i as u32;
        fit_row(&mut ws, row, table, |c| match table.columns[c].key {
            layout::ColumnKey::Activity => a.name.as_str(),
            layout::ColumnKey::ActivityOwner => a.owner.as_str(),
            _ => "",
        })?;
        for (c, col) in table.columns.iter().enumerate() {
            let v = match col.key {
                layout::ColumnKey::Activity => a.name.as_str(),
                layout::ColumnKey::Month(m) => a.months[usize::from(m)].as_str(),
                layout::ColumnKey::Budget => a.budget.as_str(),
                layout::ColumnKey::ActivityOwner => a.owner.as_str(),
                _ => "",
            };
            if !v.is_empty() {
                ws.write_string_with_format(row, c as u16, v, &fmt.input)?;
            }
        }
    }
    ws.set_repeat_rows(table.header_row, table.header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}

pub(super) fn log_sheet(
    sub: &Submission,
    typed: &Typed,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    use layout::ColumnKey as C;
    let table = &*layout::LOG_TABLE;
    let mut ws = Worksheet::new();
    ws.set_name(layout::LOG_SHEET)?;
    let last_col = table.columns.len() as u16 - 1;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        "บันทึกรายละเอียดประกอบผลการดำเนินงาน",
        &fmt.title,
    )?;
    ws.merge_range(
        1,
        0,
        2,
        last_col,
        "หนึ่งแถวต่อหนึ่งรายการ (เช่น การตรวจติดตามแต่ละครั้ง) ระบุรหัสตัวชี้วัดที่นับรวม ยอดรวมจำนวนหน่วยควรเท่ากับผลสะสมที่รายงาน · One row per record; units should add up to the reported cumulative result.",
        &fmt.note,
    )?;
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.label_th.to_owned())
        .collect();
    table_header(&mut ws, table, &labels, layout::LOG_SHEET, names, fmt)?;
    // Title, note (two rows) and header fill every row above the first record.
    input_columns(&mut ws, table, |_| true, fmt)?;
    for (i, e) in sub.log.iter().enumerate() {
        let row = table.first_row() + i as u32;
        fit_row(&mut ws, row, table, |c| match table.columns[c].key {
            C::LogArea => e.area.as_str(),
            C::LogMode => e.mode.as_str(),
            C::LogNote => e.note.as_str(),
            C::LogDate => e.date_text.as_str(),
            _ => "",
        })?;
        for (c, col) in table.columns.iter().enumerate() {
            let c = c as u16;
            let v = typed_or(typed.log.get(&(i, col.key)), || match col.key {
                C::LogKpiCode => text(&e.kpi_code),
                C::LogDate => text(&e.date_text),
                C::LogArea => text(&e.area),
                C::LogUnits => number(e.units),
                C::LogMode => text(&e.mode),
                C::LogCost => number(e.cost),
                C::LogNote => text(&e.note),
                _ => CellValue::Empty,
            });
            let f = input_format(col.ty, fmt);
            match v {
                CellValue::Empty => continue,
                CellValue::Text(t) => ws.write_string_with_format(row, c, &t, f)?,
                CellValue::Number(x) => ws.write_number_with_format(row, c, x, f)?,
            };
        }
    }
    let mode_col = table
        .columns
        .iter()
        .position(|c| c.key == C::LogMode)
        .unwrap_or_default() as u16;
    // Suggest the usual modes but accept any: real logs have modes of their own.
    let modes = DataValidation::new()
        .allow_list_strings(&layout::LOG_MODES)?
        .set_error_style(DataValidationErrorStyle::Information)
        .set_error_message("รูปแบบนี้ไม่อยู่ในรายการ แต่บันทึกได้")?;
    ws.add_data_validation(table.first_row(), mode_col, LAST_ROW, mode_col, &modes)?;
    ws.set_freeze_panes(table.first_row(), 0)?;
    ws.set_repeat_rows(table.header_row, table.header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}
