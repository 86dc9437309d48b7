//! The diagnostics sheet (ข้อผิดพลาด): the findings of each file as it now stands in the inbox,
//! with their sheet, cell and severity, in Thai and in English.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::styles::{
    Cells, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, start_sheet, table_header,
};
use super::{DIAGNOSTICS_SHEET, SummaryInput};

/// The column of the English message, the last one printed before it.
const ENGLISH_COL: u16 = 7;

pub(super) fn diagnostics_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        DIAGNOSTICS_SHEET,
        &format!(
            "ข้อผิดพลาดและคำเตือนจากการตรวจไฟล์ ปีงบประมาณ พ.ศ. {}",
            input.fiscal_year
        ),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "ข้อผิดพลาดทำให้ไม่รับไฟล์ ต้องแก้ไขแล้วส่งใหม่ · คำเตือนรับไฟล์ได้ แต่ควรตรวจสอบ · ข้อความภาษาอังกฤษอยู่ในคอลัมน์ H (ไม่พิมพ์)",
        &st.note,
    )?;
    let columns = [
        column("ไฟล์", 20.0),
        column("รหัสหน่วยงาน", 8.0),
        column("แผ่นงาน", 12.0),
        column("ช่อง", 6.0),
        column("ระดับ", 9.0),
        column("รหัส", 16.0),
        column("ข้อความ", 38.0),
        column("message (English)", 60.0),
    ];
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    // On paper the Thai message is the one read: the English column stays on screen, and the
    // rest prints one page wide instead of across two.
    ws.set_print_fit_to_pages(1, 0);
    let width = |c: usize| columns[c].width;
    let mut row = TABLE_HEADER_ROW + 1;
    for d in &input.diagnostics {
        fit_row(
            ws,
            row,
            &[
                (&d.file, width(0)),
                (&d.sheet, width(2)),
                (&d.code, width(5)),
                (&d.message_th, width(6)),
                (&d.message_en, width(7)),
            ],
        )?;
        Cells::at(ws, row)
            .text(&d.file, &st.text)?
            .text(&d.division_code, &st.code)?
            .text(&d.sheet, &st.text)?
            .text(&d.cell, &st.code)?
            .text(d.severity.label_th(), &st.code)?
            .text(&d.code, &st.text)?
            .text(&d.message_th, &st.text)?
            .text(&d.message_en, &st.text)?;
        row += 1;
    }
    end_table(
        ws,
        TABLE_HEADER_ROW,
        row - TABLE_HEADER_ROW - 1,
        columns.len(),
    )?;
    ws.set_print_area(0, 0, row.max(TABLE_HEADER_ROW + 2) - 1, ENGLISH_COL - 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::*;
    use crate::summary::tests::{cell, listed};

    #[test]
    fn findings_are_listed_with_their_severity_in_thai() {
        let mut wb = listed();
        let p = TABLE_HEADER_ROW + 1;
        let s = |x: &str| Data::String(x.to_owned());
        assert_eq!(cell(&mut wb, DIAGNOSTICS_SHEET, p, 4), s("ข้อผิดพลาด"));
        assert_eq!(cell(&mut wb, DIAGNOSTICS_SHEET, p, 6), s("-ไม่ได้กรอก"));
    }
}
