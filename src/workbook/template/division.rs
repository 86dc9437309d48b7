//! The division sheet: who reports, for which fiscal year and quarter, and whom to contact.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::Typed;
use super::cells::{division_value, fit_field_rows, typed_or, write_fields};
use super::style::{Formats, print_setup, protect};
use crate::domain::model::Submission;
use crate::workbook::layout::{self, SheetRole};

const LABEL_WIDTH: f64 = 28.0;
const VALUE_WIDTH: f64 = 13.0;

pub(super) fn division_sheet(
    sub: &Submission,
    typed: &Typed,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::DIVISION_SHEET)?;
    // About 84 units: A4 portrait at 72 %, so 14 pt text prints at 10 pt and 16 pt at 11.5.
    ws.set_column_width(0, LABEL_WIDTH)?;
    ws.set_column_range_width(1, 4, VALUE_WIDTH)?;
    ws.merge_range(0, 0, 0, 4, "ข้อมูลหน่วยงานผู้รายงานผลตัวชี้วัด", &fmt.title)?;
    ws.merge_range(
        1,
        0,
        1,
        4,
        "กรอกเฉพาะช่องสีเหลือง · Fill in the yellow cells only",
        &fmt.note,
    )?;
    write_fields(
        names,
        &mut ws,
        layout::DIVISION_SHEET,
        SheetRole::Division,
        &|k| typed_or(typed.fields.get(&k), || division_value(sub, k)),
        fmt,
    )?;
    fit_field_rows(
        &mut ws,
        SheetRole::Division,
        &|k| typed_or(typed.fields.get(&k), || division_value(sub, k)),
        &|c| if c == 0 { LABEL_WIDTH } else { VALUE_WIDTH },
        &[],
    )?;
    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}
