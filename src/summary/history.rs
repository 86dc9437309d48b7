//! The history sheet (ประวัติการดำเนินการ): every change of state made by hand (a round closed or
//! reopened, a version set aside or counted again) with when, who and why, printed on A4 like
//! the other sheets.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::styles::{
    Cells, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, print_across, start_sheet,
    table_header,
};
use super::{HISTORY_SHEET, SummaryInput};

/// One line of the history sheet, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Thai date and time, Buddhist Era year.
    pub at: String,
    /// "ปิดรอบ", "เปิดรอบอีกครั้ง", …
    pub action: String,
    /// The round ("รอบ 3 เดือน", and a close's snapshot file) or the version (its file and the
    /// start of its SHA-256).
    pub subject: String,
    pub who: String,
    pub reason: String,
}

pub(super) fn history_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        HISTORY_SHEET,
        &format!("ประวัติการดำเนินการ ปีงบประมาณ พ.ศ. {}", input.fiscal_year),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "การปิดรอบ การเปิดรอบอีกครั้ง และการกันฉบับไว้ไม่นับ พร้อมผู้ดำเนินการและเหตุผล",
        &st.note,
    )?;
    // One A4 landscape page wide at the tables' print scale (14 pt prints at 10.5 pt); a
    // close's snapshot is named under its round.
    let columns = [
        column("วันที่", 14.0),
        column("การดำเนินการ", 12.0),
        column("รอบ / ฉบับ", 28.0),
        column("ผู้ดำเนินการ", 10.0),
        column("เหตุผล", 28.0),
    ];
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    print_across(ws, 0, &[])?;
    let width = |c: usize| columns[c].width;
    let mut row = TABLE_HEADER_ROW + 1;
    for h in &input.history {
        fit_row(
            ws,
            row,
            &[
                (&h.at, width(0)),
                (&h.action, width(1)),
                (&h.subject, width(2)),
                (&h.who, width(3)),
                (&h.reason, width(4)),
            ],
        )?;
        Cells::at(ws, row)
            .text(&h.at, &st.text)?
            .text(&h.action, &st.text)?
            .text(&h.subject, &st.text)?
            .text(&h.who, &st.text)?
            .text(&h.reason, &st.text)?;
        row += 1;
    }
    end_table(
        ws,
        TABLE_HEADER_ROW,
        row - TABLE_HEADER_ROW - 1,
        columns.len(),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::*;
    use crate::summary::tests::{cell, input, open};

    #[test]
    fn each_change_is_a_line_with_who_and_why() {
        let mut i = input(Vec::new());
        i.history.push(HistoryRow {
            at: "15 ม.ค. 2564 เวลา 09:30 น.".into(),
            action: "ปิดรอบ".into(),
            subject: "รอบ 3 เดือน".into(),
            who: "somchai".into(),
            reason: "ครบกำหนด".into(),
        });
        let mut wb = open(&i);
        let r = TABLE_HEADER_ROW + 1;
        let s = |x: &str| Data::String(x.to_owned());
        assert_eq!(cell(&mut wb, HISTORY_SHEET, r, 1), s("ปิดรอบ"));
        assert_eq!(cell(&mut wb, HISTORY_SHEET, r, 3), s("somchai"));
        assert_eq!(cell(&mut wb, HISTORY_SHEET, r, 4), s("ครบกำหนด"));
    }
}
