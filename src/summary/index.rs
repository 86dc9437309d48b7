//! The index of a summary split into books: every division's figures as its book computed them
//! (values, not formulas), the list of books with a link to each, and the files and findings
//! that belong to no book.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use serde::{Deserialize, Serialize};

use super::chart;
use super::diagnostics::diagnostics_sheet;
use super::figures::score_all;
use super::overview::{
    OV_HEADER_ROW, OV_SETTINGS_ROW, REJECTED_LABEL_TH, SENT_LABEL_TH, division_note, ov,
    overview_columns, overview_title, score_scale, unaccepted,
};
use super::styles::{
    Cells, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, start_sheet, table_header,
};
use super::submissions::submissions_sheet;
use super::{
    DiagnosticRow, MISSING_LABEL_TH, OVERVIEW_SHEET, Part, SubmissionRow, SummaryInput,
    new_workbook,
};
use crate::check::validate::normalize_code;
use crate::domain::model::{BelowLevel1, FiscalYear};

/// One division's line in the index of a split summary: its figures as its book computed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexRow {
    pub code: String,
    pub name: String,
    /// `None`: the division has sent nothing accepted.
    pub kpis: Option<usize>,
    pub total_weight: Option<f64>,
    pub scores: [Option<f64>; 4],
    pub note: String,
    /// ส่งแล้ว / ส่งแล้วแต่ไม่ผ่าน ให้แก้ไข / ยังไม่ส่ง (rows stored before there was a status
    /// have none: they are told apart by their KPI count).
    #[serde(default)]
    pub status: String,
    /// The book (1-based) holding the division's KPIs, plans and files.
    pub book: usize,
}

/// Everything the index of a split summary shows.
#[derive(Debug, Clone)]
pub struct IndexInput {
    pub fiscal_year: FiscalYear,
    pub below_level1: BelowLevel1,
    pub generated_at: String,
    /// Every division, registered or submitted, sorted by code.
    pub rows: Vec<IndexRow>,
    /// The books, in order, with their file names.
    pub books: Vec<(Part, String)>,
    /// Files and findings that belong to no division of any book (unknown codes, unreadable
    /// files): listed here so nothing goes unseen.
    pub submissions: Vec<SubmissionRow>,
    pub diagnostics: Vec<DiagnosticRow>,
    /// Every division's status in the reporting rounds, the whole year's.
    pub status: Option<super::status::StatusBoard>,
}

/// The index lines of a book's divisions (and of its registered divisions that sent nothing),
/// with the figures the book shows.
pub fn index_rows(input: &SummaryInput, book: usize) -> Vec<IndexRow> {
    let mut rows: Vec<IndexRow> = score_all(input)
        .iter()
        .map(|d| {
            let division = &d.entry.submission.division;
            let reported = !d.kpis.is_empty();
            IndexRow {
                code: division.code.clone(),
                name: division.name.clone(),
                kpis: Some(d.kpis.len()),
                total_weight: reported.then_some(d.division[0].total_weight),
                scores: d.division.map(|q| if reported { q.score } else { None }),
                note: division_note(d),
                status: SENT_LABEL_TH.to_owned(),
                book,
            }
        })
        .chain(unaccepted(input).into_iter().map(|u| IndexRow {
            code: u.code,
            name: u.name,
            kpis: None,
            total_weight: None,
            scores: [None; 4],
            note: String::new(),
            status: u.status.to_owned(),
            book,
        }))
        .collect();
    rows.sort_by_key(|r| normalize_code(&r.code));
    rows
}

/// Builds the index of a split summary: every division's figures as values (the live formulas
/// are in its book), the list of books, and the files that belong to no book.
pub fn build_index(input: &IndexInput) -> Result<Workbook, XlsxError> {
    let st = Styles::new().framed(input.fiscal_year, &input.generated_at);
    let mut wb = new_workbook(
        &st,
        input.fiscal_year,
        input.below_level1,
        "สรุปผลตัวชี้วัดรายไตรมาส: สารบัญ / KPI summary: index",
    )?;
    index_overview_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    let scores: Vec<[Option<f64>; 4]> = input.rows.iter().map(|r| r.scores).collect();
    // An index is written for a year of many divisions, those with scores spread among those
    // without: it counts divisions per band.
    chart::chart_sheet(
        wb.add_worksheet(),
        &chart::ChartInput {
            fiscal_year: input.fiscal_year,
            rows: scores.len() as u32,
            per_division: None,
            scores: &scores,
        },
        &st,
    )?;
    books_sheet(wb.add_worksheet(), input, &st)?;
    let rest = SummaryInput {
        fiscal_year: input.fiscal_year,
        below_level1: input.below_level1,
        generated_at: input.generated_at.clone(),
        divisions: Vec::new(),
        submissions: input.submissions.clone(),
        missing: Vec::new(),
        diagnostics: input.diagnostics.clone(),
        part: None,
        history: Vec::new(),
        status: None,
    };
    submissions_sheet(wb.add_worksheet_with_low_memory()?, &rest, &st)?;
    diagnostics_sheet(wb.add_worksheet_with_low_memory()?, &rest, &st)?;
    if let Some(board) = &input.status {
        super::status_sheet::status_sheet(wb.add_worksheet_with_low_memory()?, &rest, board, &st)?;
    }
    Ok(wb)
}

/// Builds the index of a split summary into memory.
pub fn index_to_bytes(input: &IndexInput) -> Result<Vec<u8>, XlsxError> {
    build_index(input)?.save_to_buffer()
}

/// The sheet listing a split summary's books.
pub const BOOKS_SHEET: &str = "เล่มสรุป";
/// The index overview's column naming each division's book.
const BOOK_COL: u16 = ov::NOTE + 1;

fn index_overview_sheet(
    ws: &mut Worksheet,
    input: &IndexInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    start_sheet(ws, OVERVIEW_SHEET, &overview_title(input.fiscal_year), st)?;
    let status = |r: &IndexRow| -> String {
        match (r.status.is_empty(), r.kpis) {
            (false, _) => r.status.clone(),
            (true, Some(_)) => SENT_LABEL_TH.to_owned(),
            (true, None) => MISSING_LABEL_TH.to_owned(),
        }
    };
    let count = |label: &str| input.rows.iter().filter(|r| status(r) == label).count();
    ws.write_string_with_format(
        1,
        0,
        format!(
            "จัดทำเมื่อ {} โดย kpiwatch · {SENT_LABEL_TH} {} · {REJECTED_LABEL_TH} {} · {MISSING_LABEL_TH} {} · รวม {} หน่วยงาน · แยกเป็น {} เล่ม",
            input.generated_at,
            count(SENT_LABEL_TH),
            count(REJECTED_LABEL_TH),
            count(MISSING_LABEL_TH),
            input.rows.len(),
            input.books.len()
        ),
        &st.line,
    )?;
    ws.write_string_with_format(
        OV_SETTINGS_ROW,
        0,
        format!(
            "คะแนนเมื่อผลต่ำกว่าเกณฑ์ระดับ 1: {}",
            input.below_level1.describe_th()
        ),
        &st.line,
    )?;
    ws.write_string_with_format(
        OV_SETTINGS_ROW + 1,
        0,
        format!(
            "สารบัญ: ตัวเลขในตารางเป็นค่าที่คำนวณในแฟ้มสรุปแต่ละเล่ม (คอลัมน์ \"เล่มที่\" และแผ่นงาน \"{BOOKS_SHEET}\") ซึ่งมีตัวชี้วัด แผนกระบวนการ และสูตรคำนวณครบถ้วน"
        ),
        &st.note,
    )?;
    let mut columns = overview_columns();
    columns.push(column("เล่มที่", 5.0));
    table_header(ws, OV_HEADER_ROW, &columns, 0, st)?;
    for (i, r) in input.rows.iter().enumerate() {
        let row = OV_HEADER_ROW + 1 + i as u32;
        let st_text = status(r);
        fit_row(
            ws,
            row,
            &[
                (&r.name, columns[2].width),
                (&st_text, columns[usize::from(ov::STATUS)].width),
                (&r.note, columns[usize::from(ov::NOTE)].width),
            ],
        )?;
        let mut w = Cells::at(ws, row);
        w.number(Some(i as f64 + 1.0), &st.integer)?
            .text(&r.code, &st.code)?
            .text(&r.name, &st.text)?
            .number(r.kpis.map(|n| n as f64), &st.integer)?
            .number(r.total_weight, &st.number)?;
        for s in r.scores {
            w.number(s, &st.score)?;
        }
        w.text(&st_text, &st.text)?
            .text(&r.note, &st.text)?
            .number(Some(r.book as f64), &st.integer)?;
    }
    let n = input.rows.len() as u32;
    end_table(ws, OV_HEADER_ROW, n, columns.len())?;
    if n > 0 {
        let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + n);
        ws.add_conditional_format(first, ov::Q1, last, ov::Q1 + 3, &score_scale())?;
    }
    ws.set_print_area(0, 0, OV_HEADER_ROW + n.max(1), BOOK_COL)?;
    Ok(())
}

/// The books of a split summary, each file a link that opens it (the books sit beside the
/// index in the summary folder).
fn books_sheet(ws: &mut Worksheet, input: &IndexInput, st: &Styles) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        BOOKS_SHEET,
        &format!("แฟ้มสรุปแยกเล่ม ปีงบประมาณ พ.ศ. {}", input.fiscal_year),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "แต่ละเล่มเป็นแฟ้มสรุปฉบับสมบูรณ์ของหน่วยงานในช่วงรหัสนั้น อยู่ในโฟลเดอร์เดียวกับแฟ้มนี้ คลิกชื่อแฟ้มเพื่อเปิด",
        &st.note,
    )?;
    let columns = [
        column("เล่มที่", 8.0),
        column("แฟ้ม", 34.0),
        column("รหัสหน่วยงานแรก", 16.0),
        column("รหัสหน่วยงานสุดท้าย", 16.0),
        column("จำนวนหน่วยงาน", 12.0),
    ];
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    for (i, (part, file)) in input.books.iter().enumerate() {
        let row = TABLE_HEADER_ROW + 1 + i as u32;
        let divisions = input.rows.iter().filter(|r| r.book == part.number).count();
        ws.write_number_with_format(row, 0, part.number as f64, &st.integer)?;
        ws.write_url(
            row,
            1,
            rust_xlsxwriter::Url::new(format!("file:///{file}")).set_text(file.as_str()),
        )?;
        Cells::starting_at(ws, row, 2)
            .text(&part.first_code, &st.code)?
            .text(&part.last_code, &st.code)?
            .number(Some(divisions as f64), &st.integer)?;
    }
    end_table(
        ws,
        TABLE_HEADER_ROW,
        input.books.len() as u32,
        columns.len(),
    )?;
    Ok(())
}
