//! The submissions sheet (การส่งไฟล์): every version of every file received, which one the
//! summary uses, and the registered divisions that have sent nothing accepted.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::styles::{
    Cells, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, print_across, start_sheet,
    table_header, title_per_group,
};
use super::{MISSING_LABEL_TH, Revision, SUBMISSIONS_SHEET, SummaryInput};

/// Status of a version set aside by hand (`kpiwatch exclude`).
pub const SET_ASIDE_LABEL_TH: &str = "กันไว้ ไม่นับ";

/// The column of revisions, where the second printed page of the table starts.
const REVISIONS_COL: u16 = 9;

pub(super) fn submissions_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = format!("การส่งไฟล์รายงานผลตัวชี้วัด ปีงบประมาณ พ.ศ. {}", input.fiscal_year);
    start_sheet(ws, SUBMISSIONS_SHEET, &title, st)?;
    let columns = [
        column("ไฟล์", 22.0),
        column("รหัสหน่วยงาน", 8.0),
        column("หน่วยงาน", 14.0),
        column("ได้รับเมื่อ", 12.0),
        column("สถานะ", 13.0),
        column("ข้อผิดพลาด", 6.0),
        column("คำเตือน", 6.0),
        column("ฉบับที่ใช้", 5.0),
        column("ลบจากโฟลเดอร์", 6.0),
        column("การแก้ไข", 24.0),
        // 64 hexadecimal digits at 14 pt on three lines: whole on one, the column ran past the
        // printed page and off the screen. With the revisions and the certifying official it
        // fills the second printed page.
        column("sha256", 22.0),
        column("ผู้รับรองข้อมูล", 28.0),
    ];
    title_per_group(
        ws,
        (&title, "ทุกฉบับที่ได้รับ และหน่วยงานที่ยังไม่ส่ง · ✓ = ฉบับที่ใช้ในสรุปนี้"),
        &[2, REVISIONS_COL],
        st,
    )?;
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    // The file and its division on every page; revisions, the hash and who certified on a page
    // of their own.
    print_across(ws, 1, &[REVISIONS_COL])?;
    let width = |c: usize| columns[c].width;
    let mut row = TABLE_HEADER_ROW + 1;
    for s in &input.submissions {
        let mut notes: Vec<String> = s
            .set_aside
            .iter()
            .map(|why| format!("{SET_ASIDE_LABEL_TH}: {why}"))
            .collect();
        notes.extend(s.revisions.iter().map(Revision::describe));
        notes.extend(s.after_close.iter().cloned());
        let revisions = notes.join("; ");
        let status = if s.set_aside.is_some() {
            SET_ASIDE_LABEL_TH
        } else {
            s.status.label_th()
        };
        fit_row(
            ws,
            row,
            &[
                (&s.file, width(0)),
                (&s.division_name, width(2)),
                (&s.received_at, width(3)),
                (status, width(4)),
                (&revisions, width(9)),
                (&s.sha256, width(10)),
                (&s.certified_by, width(11)),
            ],
        )?;
        Cells::at(ws, row)
            .text(&s.file, &st.text)?
            .text(&s.division_code, &st.code)?
            .text(&s.division_name, &st.text)?
            .text(&s.received_at, &st.text)?
            .text(status, &st.text)?
            .number(Some(s.errors as f64), &st.integer)?
            .number(Some(s.warnings as f64), &st.integer)?
            .text(if s.current { "✓" } else { "" }, &st.center)?
            .text(if s.removed { "ลบแล้ว" } else { "" }, &st.center)?
            .text(&revisions, &st.text)?
            .text(&s.sha256, &st.text)?
            .text(&s.certified_by, &st.text)?;
        row += 1;
    }
    for m in &input.missing {
        fit_row(ws, row, &[(&m.folder, width(0)), (&m.name, width(2))])?;
        let mut w = Cells::at(ws, row);
        w.text(&m.folder, &st.text)?
            .text(&m.code, &st.code)?
            .text(&m.name, &st.text)?
            .text("", &st.code)?
            .text(MISSING_LABEL_TH, &st.code)?;
        for _ in 5..columns.len() {
            w.text("", &st.code)?;
        }
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
    use crate::summary::tests::{cell, listed};

    #[test]
    fn every_version_and_every_missing_division_is_listed() {
        let mut wb = listed();
        let p = TABLE_HEADER_ROW + 1;
        let s = |x: &str| Data::String(x.to_owned());
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 4), s("ไม่รับ (ต้องแก้ไข)"));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 5), Data::Float(2.0));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 7), s("✓"));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 8), s("ลบแล้ว"));
        assert_eq!(
            cell(&mut wb, SUBMISSIONS_SHEET, p, 9),
            s("ทส.2 ไตรมาส 2: 480 → 500")
        );
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 0), s("absent"));
        assert_eq!(
            cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 4),
            s(MISSING_LABEL_TH)
        );
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 5), Data::Empty);
    }
}
