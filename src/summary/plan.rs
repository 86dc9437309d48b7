//! The process-plan sheet (แผนกระบวนการ): one row per planned activity of every division, the
//! months ticked as the division ticked them.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::styles::{
    Cells, Column, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, print_across, start_sheet,
    table_header, title_per_group,
};
use super::{PLAN_SHEET, SummaryInput};
use crate::domain::model::{Activity, FiscalYear, ProcessPlan, Submission};
use crate::workbook::template;

fn plan_columns(fy: FiscalYear) -> Vec<Column> {
    let mut c = vec![
        column("รหัสหน่วยงาน", 8.0),
        column("หน่วยงาน", 12.0),
        column("กระบวนการ", 20.0),
        column("ระดับคุณภาพ", 16.0),
        column("ระดับมาตรฐาน", 16.0),
        column("ระดับต้องปรับปรุง", 16.0),
        column("กิจกรรม", 24.0),
    ];
    c.extend(
        template::month_headers(Some(fy))
            .into_iter()
            .map(|m| column(m, 4.0)),
    );
    c.push(column("งบประมาณ", 8.0));
    c.push(column("ผู้รับผิดชอบ", 13.0));
    c
}

/// The plan prints on two pages per block of rows, the division's code and name on both: the
/// process with its three quality tiers, then the activities on the twelve-month grid.
const ACTIVITY_COL: u16 = 6;
/// The division's code and name, repeated on both pages.
const LAST_KEY: u16 = 1;

pub(super) fn plan_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = format!("แผนกระบวนการตามภารกิจ ปีงบประมาณ พ.ศ. {}", input.fiscal_year);
    start_sheet(ws, PLAN_SHEET, &title, st)?;
    let columns = plan_columns(input.fiscal_year);
    title_per_group(
        ws,
        (
            &title,
            "หนึ่งแถวต่อหนึ่งกิจกรรม (หน่วยงานที่ไม่มีกิจกรรมแสดงหนึ่งแถว) · ช่องเดือนแสดงเครื่องหมายที่หน่วยงานกรอก",
        ),
        &[LAST_KEY + 1, ACTIVITY_COL],
        st,
    )?;
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    print_across(ws, LAST_KEY, &[ACTIVITY_COL])?;
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    let mut row = TABLE_HEADER_ROW + 1;
    for entry in &input.divisions {
        let plan = &entry.submission.plan;
        if *plan == ProcessPlan::default() {
            continue;
        }
        if plan.activities.is_empty() {
            plan_row(ws, (row, &widths), &entry.submission, None, st)?;
            row += 1;
        }
        for a in &plan.activities {
            plan_row(ws, (row, &widths), &entry.submission, Some(a), st)?;
            row += 1;
        }
    }
    end_table(
        ws,
        TABLE_HEADER_ROW,
        row - TABLE_HEADER_ROW - 1,
        columns.len(),
    )?;
    Ok(())
}

fn plan_row(
    ws: &mut Worksheet,
    (row, widths): (u32, &[f64]),
    sub: &Submission,
    activity: Option<&Activity>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let plan = &sub.plan;
    let a = |f: fn(&Activity) -> &str| activity.map_or("", f);
    fit_row(
        ws,
        row,
        &[
            (&sub.division.name, widths[1]),
            (&plan.process, widths[2]),
            (&plan.tier_quality, widths[3]),
            (&plan.tier_standard, widths[4]),
            (&plan.tier_improve, widths[5]),
            (a(|a| &a.name), widths[6]),
            (a(|a| &a.budget), widths[19]),
            (a(|a| &a.owner), widths[20]),
        ],
    )?;
    let mut w = Cells::at(ws, row);
    w.text(&sub.division.code, &st.code)?
        .text(&sub.division.name, &st.text)?
        .text(&plan.process, &st.text)?
        .text(&plan.tier_quality, &st.text)?
        .text(&plan.tier_standard, &st.text)?
        .text(&plan.tier_improve, &st.text)?
        .text(activity.map_or("", |a| &a.name), &st.text)?;
    for m in 0..12 {
        w.text(activity.map_or("", |a| &a.months[m]), &st.center)?;
    }
    w.text(activity.map_or("", |a| &a.budget), &st.text)?
        .text(activity.map_or("", |a| &a.owner), &st.text)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::*;
    use crate::summary::tests::{cell, listed};

    #[test]
    fn one_row_per_activity_and_one_for_a_plan_without_activities() {
        let mut wb = listed();
        let p = TABLE_HEADER_ROW + 1;
        let s = |x: &str| Data::String(x.to_owned());
        assert_eq!(cell(&mut wb, PLAN_SHEET, p, 0), s("ทส."));
        assert_eq!(cell(&mut wb, PLAN_SHEET, p, 3), s("≥ 826"));
        assert_eq!(cell(&mut wb, PLAN_SHEET, p, 6), Data::Empty);
        assert_eq!(cell(&mut wb, PLAN_SHEET, p + 1, 6), s("@ประชุม"));
        assert_eq!(cell(&mut wb, PLAN_SHEET, p + 1, 18), s("↔"));
        assert_eq!(cell(&mut wb, PLAN_SHEET, p + 1, 20), s("+ผอ."));
        assert_eq!(cell(&mut wb, PLAN_SHEET, TABLE_HEADER_ROW, 7), s("ต.ค. ๖๓"));
        // The third division's plan is empty: no row.
        assert_eq!(cell(&mut wb, PLAN_SHEET, p + 2, 0), Data::Empty);
    }
}
