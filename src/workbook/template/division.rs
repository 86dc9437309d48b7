//! The division sheet: who reports, for which fiscal year and quarter, and whom to contact.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{division_value, write_fields};
use super::style::{Formats, print_setup, protect};
use crate::domain::model::Submission;
use crate::workbook::layout::{self, SheetRole};

pub(super) fn division_sheet(
    sub: &Submission,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::DIVISION_SHEET)?;
    ws.set_column_width(0, 34)?;
    ws.set_column_range_width(1, 4, 22)?;
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
        &|k| division_value(sub, k),
        fmt,
    )?;
    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}
