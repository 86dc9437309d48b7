//! The returned workbook's first sheet (ผลการตรวจ): the verdict, what to do next, every finding
//! with a link to its cell, and the official scores of an accepted file. Printed on A4
//! landscape; the reader never looks at it, so a file sent back is read as the template.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Url, Worksheet, XlsxError};

use super::{ReturnedInput, bounded_text, place_text};
use crate::check::validate::Status;
use crate::domain::english::count;
use crate::domain::scoring;
use crate::domain::thai;
use crate::workbook::template::measure::{row_height, wrapped_lines};
use crate::workbook::template::{
    FONT_SIZE, Formats, ROW_HEIGHT, TABLE_FONT_SIZE, page_frame, print_setup,
};

/// The first sheet's name. No other sheet of the template has it, and the reader looks for
/// sheets by their names and labels only, so it ignores this one.
pub const FRONT_SHEET: &str = "ผลการตรวจ";

/// Column widths: number, severity, place, Thai, English. About 120 units: A4 landscape at
/// about 76 %, so 14 pt text prints at 10.6 pt.
const WIDTHS: [f64; 5] = [6.0, 16.0, 24.0, 40.0, 34.0];

/// The rows' height that fits on one printed page, in points: A4 landscape's 8.27 in less the
/// 0.75 in margins is 487 pt of paper, 640 pt of rows at 76 % (LibreOffice prints these columns
/// at 71 %, 686 pt): the lower figure, as a break too many only leaves space on the first page.
const PAGE_ROWS_PT: f64 = 640.0;

struct Look {
    t: Formats,
    /// A value beside its label: top-aligned as the label is.
    value: Format,
    cell: Format,
    link: Format,
    verdict: Format,
}

impl Look {
    fn new() -> Self {
        let t = Formats::new();
        let cell = t
            .base
            .clone()
            .set_font_size(TABLE_FONT_SIZE)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0x9E9E9E));
        Self {
            link: cell
                .clone()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            value: t.base.clone().set_text_wrap().set_align(FormatAlign::Top),
            verdict: t
                .base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thick),
            cell,
            t,
        }
    }
}

/// Sets a row's height so the longest of `texts` (each with its column span's width) shows
/// whole; returns the row's height.
fn fit(ws: &mut Worksheet, row: u32, texts: &[(&str, f64)], pt: f64) -> Result<f64, XlsxError> {
    let lines = texts
        .iter()
        .map(|(t, w)| wrapped_lines(t, *w, pt))
        .max()
        .unwrap_or(1);
    // A line more than measured when wrapped: the measure is of TH Sarabun New, and a fallback
    // font is taller.
    if lines > 1 {
        let height = row_height(lines + 1, pt);
        ws.set_row_height(row, height)?;
        return Ok(height);
    }
    Ok(ROW_HEIGHT)
}

/// A label (columns A–B) and its value (C–E) on one row.
fn line(
    ws: &mut Worksheet,
    row: u32,
    label: &str,
    value: &str,
    look: &Look,
    value_fmt: &Format,
) -> Result<f64, XlsxError> {
    let value = bounded_text(value);
    ws.merge_range(row, 0, row, 1, label, &look.t.label)?;
    ws.merge_range(row, 2, row, 4, &value, value_fmt)?;
    fit(
        ws,
        row,
        &[
            (label, WIDTHS[0] + WIDTHS[1]),
            (&value, WIDTHS[2] + WIDTHS[3] + WIDTHS[4]),
        ],
        FONT_SIZE,
    )
}

/// The verdict and what the division should do next, Thai then English.
fn verdict(input: &ReturnedInput<'_>) -> (String, String) {
    let errors = input.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = input.diagnostics.len() - errors;
    match input.status {
        Status::Rejected => (
            format!(
                "ไม่ผ่าน ให้แก้ไข (ข้อผิดพลาด {errors} รายการ, คำเตือน {warnings} รายการ) · rejected: {}, {}",
                count(errors, "error"),
                count(warnings, "warning")
            ),
            "แก้ไขช่องที่มีกรอบสีแดงและลายเส้นทแยง (แต่ละช่องมีหมายเหตุบอกสิ่งที่ต้องแก้) \
             แล้วบันทึกเป็น .xlsx และวางไฟล์ในโฟลเดอร์เดิมอีกครั้ง ไฟล์นี้ยังไม่ถูกนำไปรวมผล · \
             Fix the cells with a red border and hatching (each has a note saying what is wrong), \
             save as .xlsx and drop the file into the same folder again. This file is not in the summary."
                .to_owned(),
        ),
        Status::Accepted => (
            format!(
                "ผ่าน (รับแล้ว) (คำเตือน {warnings} รายการ) · accepted ({})",
                count(warnings, "warning")
            ),
            if warnings == 0 {
                "ไม่มีสิ่งที่ต้องแก้ไข ไฟล์นี้ใช้เป็นแบบฟอร์มสำหรับรายงานรอบถัดไปได้ · Nothing to fix; \
                 use this file for the next report."
                    .to_owned()
            } else {
                "ไฟล์ผ่านแล้ว โปรดตรวจสอบช่องที่มีกรอบสีแดงตามหมายเหตุ หากต้องแก้ไขให้ส่งไฟล์ใหม่ · \
                 Accepted; check the marked cells and their notes, and send the file again if \
                 something needs correcting."
                    .to_owned()
            },
        ),
    }
}

/// The first sheet; `links[i]` is where the `i`th finding's cell is in the returned workbook
/// (sheet, row, column), `None` for a finding about the file or a sheet as a whole.
pub(super) fn front_sheet(
    input: &ReturnedInput<'_>,
    links: &[Option<(String, u32, u16)>],
) -> Result<Worksheet, XlsxError> {
    let look = Look::new();
    let mut ws = Worksheet::new();
    ws.set_name(FRONT_SHEET)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        4,
        "ผลการตรวจรายงานผลตัวชี้วัด · kpiwatch's check of this report",
        &look.t.title.clone().set_align(FormatAlign::Left),
    )?;
    let about = "kpiwatch เขียนแผ่นงานนี้เพื่อแจ้งผลการตรวจ ข้อมูลในแผ่นงานอื่นคือข้อมูลที่หน่วยงานส่งมา ในแบบฟอร์มฉบับปัจจุบัน \
                 ระบบไม่อ่านแผ่นงานนี้เมื่อส่งไฟล์กลับ · Written by kpiwatch; the other sheets hold what the division sent, in the \
                 current template. This sheet is not read when the file is sent back.";
    ws.merge_range(1, 0, 1, 4, about, &look.t.note)?;
    // The height printed above the findings table, to keep its header with its first rows.
    let mut above = row_height(1, 20.0);
    above += fit(&mut ws, 1, &[(about, WIDTHS.iter().sum())], TABLE_FONT_SIZE)?;
    above += ROW_HEIGHT;

    let sub = input.submission;
    let (result, todo) = verdict(input);
    let year = sub
        .fiscal_year
        .map_or_else(|| "-".to_owned(), |y| y.to_string());
    let mut row = 3;
    for (label, value) in [
        ("ไฟล์ · File", crate::pass::names::display(input.file)),
        (
            "ได้รับเมื่อ · Received",
            format!(
                "{} ({})",
                thai::thai_time(input.received_at),
                input.received_at
            ),
        ),
        (
            "หน่วยงาน · Division",
            format!("{} {}", sub.division.code, sub.division.name),
        ),
        ("ปีงบประมาณ · Fiscal year", year),
    ] {
        above += line(&mut ws, row, label, &value, &look, &look.value)?;
        row += 1;
    }
    above += line(
        &mut ws,
        row,
        "ผลการตรวจ · Result",
        &result,
        &look,
        &look.verdict,
    )?;
    above += line(
        &mut ws,
        row + 1,
        "สิ่งที่ต้องทำ · What to do",
        &todo,
        &look,
        &look.value,
    )?;
    above += ROW_HEIGHT;
    row += 3;
    row = findings(&mut ws, row, input, links, &look, above)?;
    scores(&mut ws, row + 1, input, &look)?;

    print_setup(&mut ws, true);
    page_frame(
        &mut ws,
        "ผลการตรวจรายงานผลตัวชี้วัด",
        &bounded_text(&sub.division.code),
        "",
    );
    Ok(ws)
}

/// The findings table from `row`, below `above` points of the first page; returns the row
/// after it.
fn findings(
    ws: &mut Worksheet,
    mut row: u32,
    input: &ReturnedInput<'_>,
    links: &[Option<(String, u32, u16)>],
    look: &Look,
    above: f64,
) -> Result<u32, XlsxError> {
    if input.diagnostics.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            4,
            "ไม่พบข้อผิดพลาดหรือคำเตือน · No findings.",
            &look.t.base,
        )?;
        return Ok(row + 1);
    }
    for (c, h) in [
        "ที่",
        "ระดับ",
        "ตำแหน่ง (คลิกเพื่อไปยังช่อง)",
        "รายการที่พบ",
        "Finding",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *h, &look.t.header)?;
    }
    // The header repeats on every printed page; on the first it stays with its first rows: a
    // page break before it when they would not fit below what precedes them.
    ws.set_repeat_rows(row, row)?;
    let header = row;
    let mut first_rows = above + ROW_HEIGHT;
    row += 1;
    for (i, (d, link)) in input.diagnostics.iter().zip(links).enumerate() {
        ws.write_number_with_format(row, 0, (i + 1) as f64, &look.cell)?;
        ws.write_string_with_format(row, 1, d.severity.label_th(), &look.cell)?;
        let place = match link {
            Some((sheet, r, c)) => {
                let text = place_text(sheet, *r, *c);
                let url = Url::new(format!("internal:{text}")).set_text(&text);
                ws.write_url_with_format(row, 2, url, &look.link)?;
                text
            }
            None => {
                // About the file or a sheet as a whole, or a cell of the file as sent that
                // holds no value of the template.
                let text = match (&d.sheet, &d.cell) {
                    (None, _) => "ทั้งไฟล์ · the file".to_owned(),
                    (Some(_), None) => d.place(),
                    (Some(_), Some(_)) => format!("{} (ในไฟล์ที่ส่ง · as sent)", d.place()),
                };
                ws.write_string_with_format(row, 2, bounded_text(&text), &look.cell)?;
                text
            }
        };
        let th = bounded_text(&d.message_th);
        let en = bounded_text(&format!("{} ({})", d.message_en, d.code));
        ws.write_string_with_format(row, 3, &th, &look.cell)?;
        ws.write_string_with_format(row, 4, &en, &look.cell)?;
        let height = fit(
            ws,
            row,
            &[(&place, WIDTHS[2]), (&th, WIDTHS[3]), (&en, WIDTHS[4])],
            TABLE_FONT_SIZE,
        )?;
        if i < FIRST_ROWS {
            first_rows += height;
        }
        row += 1;
    }
    if header > 0 && first_rows > PAGE_ROWS_PT {
        ws.set_page_breaks(&[header])?;
    }
    Ok(row)
}

/// How many findings the table's header keeps with it on the first page (fewer when there
/// are fewer).
const FIRST_ROWS: usize = 2;

/// The official scores of an accepted file, each KPI's quarters and the division's; a line
/// saying why there are none for a rejected one.
fn scores(
    ws: &mut Worksheet,
    mut row: u32,
    input: &ReturnedInput<'_>,
    look: &Look,
) -> Result<(), XlsxError> {
    if input.status != Status::Accepted {
        ws.merge_range(
            row,
            0,
            row,
            4,
            "คะแนนจะคำนวณเมื่อไฟล์ผ่านการตรวจ · Scores are given once the file is accepted.",
            &look.t.base,
        )?;
        return Ok(());
    }
    let sub = input.submission;
    let (kpis, division) = scoring::score_submission(sub, input.below_level1);
    let title = format!(
        "คะแนนที่คำนวณได้ ({}) · Official scores ({})",
        input.below_level1.describe_th(),
        input.below_level1.describe_en()
    );
    ws.merge_range(row, 0, row, 4, &title, &look.t.base.clone().set_bold())?;
    row += 1;
    for (c, h) in [
        "ที่",
        "รหัส",
        "ตัวชี้วัด · KPI",
        "คะแนน · Score",
        "คะแนนถ่วงน้ำหนัก · Weighted",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *h, &look.t.header)?;
    }
    row += 1;
    for (i, (k, q)) in sub.kpis.iter().zip(&kpis).enumerate() {
        let quarters: Vec<_> = q.iter().flatten().filter(|q| q.result.is_some()).collect();
        let score: Vec<String> = quarters
            .iter()
            .map(|q| format!("{}: {}", q.quarter.label_th(), four(q.score)))
            .collect();
        let weighted: Vec<String> = quarters
            .iter()
            .map(|q| format!("{}: {}", q.quarter.label_th(), four(q.weighted)))
            .collect();
        let name = bounded_text(&format!(
            "{} (น้ำหนักร้อยละ {})",
            k.name,
            thai::plain_number(k.weight)
        ));
        let (score, weighted) = (score.join("\n"), weighted.join("\n"));
        ws.write_number_with_format(row, 0, (i + 1) as f64, &look.cell)?;
        ws.write_string_with_format(row, 1, bounded_text(&k.code), &look.cell)?;
        ws.write_string_with_format(row, 2, &name, &look.cell)?;
        ws.write_string_with_format(row, 3, &score, &look.cell)?;
        ws.write_string_with_format(row, 4, &weighted, &look.cell)?;
        let lines = (quarters.len() as u32).max(wrapped_lines(&name, WIDTHS[2], TABLE_FONT_SIZE));
        if lines > 1 {
            ws.set_row_height(row, row_height(lines + 1, TABLE_FONT_SIZE))?;
        }
        row += 1;
    }
    let total: Vec<String> = division
        .iter()
        .filter(|d| d.score.is_some())
        .map(|d| format!("{}: {}", d.quarter.label_th(), four(d.score)))
        .collect();
    let total = total.join("\n");
    ws.merge_range(
        row,
        0,
        row,
        2,
        "คะแนนรวมของหน่วยงาน · Division score",
        &look.t.label,
    )?;
    ws.merge_range(row, 3, row, 4, &total, &look.cell)?;
    let lines = total.lines().count() as u32;
    if lines > 1 {
        ws.set_row_height(row, row_height(lines + 1, TABLE_FONT_SIZE))?;
    }
    Ok(())
}

/// A score with four decimals, "-" for none.
fn four(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.4}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnostic::{DiagnosticRecord, Severity};
    use crate::domain::model::BelowLevel1;
    use crate::domain::samples;
    use crate::workbook::reader::Sources;

    /// Whether the findings table, below `above` points of the first page, starts a new page.
    fn breaks_before_table(above: f64) -> bool {
        let sub = samples::inspection_office();
        let d = DiagnosticRecord {
            severity: Severity::Warning,
            code: "weight-out-of-range".into(),
            sheet: None,
            cell: None,
            message_th: "น้ำหนักไม่ถูกต้อง".into(),
            message_en: "the weight is wrong".into(),
        };
        let input = ReturnedInput {
            file: "a.xlsx",
            received_at: "2021-01-15 09:30:00",
            status: Status::Accepted,
            submission: &sub,
            sources: &Sources::default(),
            diagnostics: std::slice::from_ref(&d),
            below_level1: BelowLevel1::Zero,
        };
        let mut ws = Worksheet::new();
        findings(&mut ws, 10, &input, &[None], &Look::new(), above).unwrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.push_worksheet(ws);
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml.contains(r#"<brk id="10" max="16383" man="1"/>"#)
    }

    #[test]
    fn the_header_moves_to_the_next_page_only_with_too_little_room_below_it() {
        assert!(!breaks_before_table(300.0));
        assert!(breaks_before_table(PAGE_ROWS_PT - ROW_HEIGHT));
    }
}
