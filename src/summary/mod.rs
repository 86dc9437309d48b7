//! The planning office's summary workbook for one fiscal year: overview, every KPI, process
//! plans, submissions and diagnostics, in Thai, ready to print. Every computed figure is a live
//! formula over the inputs shown in the workbook, with kpiwatch's own value cached.
//!
//! A year with more divisions than `[summary] divisions_per_book` is split into books of that
//! many divisions (each a complete summary of its own, built by [`build`]) and an index
//! ([`build_index`]) with every division's figures and the book that holds it: one changed file
//! then rewrites one small book and the index, not a workbook of the whole ministry.
//!
//! Each sheet is written strictly top to bottom, row by row, left to right, and never goes back
//! to an earlier row; results are set on each [`Formula`] itself. So any sheet can move to a
//! constant-memory worksheet (`Workbook::add_worksheet_with_low_memory`) without other changes.

pub mod publish;

use rust_xlsxwriter::{
    Chart, ChartFont, ChartLegendPosition, ChartType, Color, ConditionalFormat3ColorScale,
    ConditionalFormatFormula, ConditionalFormatType, DataValidation, DataValidationRule,
    DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::check::validate::normalize_code;
use crate::domain::diagnostic::Severity;
use crate::domain::formula::{self, ScoreRefs};
use crate::domain::model::{
    Activity, BelowLevel1, FiscalYear, Kpi, KpiKind, ProcessPlan, Quarter, Submission,
};
use crate::domain::scoring::{self, DivisionScore, KpiScoreError, QuarterScore};
use crate::workbook::layout::{a1, column_letters};
use crate::workbook::template::{self, FONT, Formats, TABLE_FONT_SIZE};
use serde::{Deserialize, Serialize};

/// A change to a figure a division had already reported, between two accepted versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub kpi_code: String,
    pub quarter: Quarter,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

impl Revision {
    /// "สตป. 02 Q2: 184 → 190".
    pub fn describe(&self) -> String {
        let n = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |x| x.to_string());
        format!(
            "{} {}: {} → {}",
            self.kpi_code,
            self.quarter,
            n(self.old),
            n(self.new)
        )
    }
}

/// One division's current (newest accepted) submission.
#[derive(Debug, Clone)]
pub struct DivisionEntry {
    pub submission: Submission,
    /// The file it came from, relative to the inbox.
    pub file: String,
    /// When kpiwatch received that version, as shown (Thai, Buddhist Era year).
    pub received_at: String,
    /// Changes against the previous accepted version, if any.
    pub revisions: Vec<Revision>,
}

/// One file version in the submissions sheet.
#[derive(Debug, Clone)]
pub struct SubmissionRow {
    pub file: String,
    pub division_code: String,
    pub division_name: String,
    pub received_at: String,
    /// "accepted" / "rejected".
    pub status: crate::check::validate::Status,
    pub errors: usize,
    pub warnings: usize,
    /// The version the summary's figures come from.
    pub current: bool,
    /// Still in the inbox? (A removed file's last accepted version stays current.)
    pub removed: bool,
    pub revisions: Vec<Revision>,
    pub sha256: String,
}

/// A registered division that has not sent an accepted workbook.
#[derive(Debug, Clone)]
pub struct MissingDivision {
    pub code: String,
    pub name: String,
    pub folder: String,
}

/// One finding in the diagnostics sheet.
#[derive(Debug, Clone)]
pub struct DiagnosticRow {
    pub file: String,
    pub division_code: String,
    pub severity: Severity,
    pub code: String,
    pub sheet: String,
    pub cell: String,
    pub message_th: String,
    pub message_en: String,
}

/// Everything one fiscal year's summary shows.
#[derive(Debug, Clone)]
pub struct SummaryInput {
    pub fiscal_year: FiscalYear,
    pub below_level1: BelowLevel1,
    /// Local time of the run as shown on the overview (Thai, Buddhist Era year).
    pub generated_at: String,
    /// Sorted by division code.
    pub divisions: Vec<DivisionEntry>,
    pub submissions: Vec<SubmissionRow>,
    pub missing: Vec<MissingDivision>,
    pub diagnostics: Vec<DiagnosticRow>,
    /// Set when this is one book of a summary split into books.
    pub part: Option<Part>,
}

/// Which book of a split summary a workbook is, and the division codes it spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// 1-based.
    pub number: usize,
    pub count: usize,
    pub first_code: String,
    pub last_code: String,
}

impl Part {
    /// "เล่มที่ 3 จาก 40 (สก.00500–สก.00749)".
    pub fn label_th(&self) -> String {
        format!(
            "เล่มที่ {} จาก {} ({}–{})",
            self.number, self.count, self.first_code, self.last_code
        )
    }
}

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
}

pub const OVERVIEW_SHEET: &str = "ภาพรวม";
pub const KPI_SHEET: &str = "ตัวชี้วัด";
pub const PLAN_SHEET: &str = "แผนกระบวนการ";
pub const SUBMISSIONS_SHEET: &str = "การส่งไฟล์";
pub const DIAGNOSTICS_SHEET: &str = "ข้อผิดพลาด";

/// Status shown for a registered division that has sent nothing accepted.
pub const MISSING_LABEL_TH: &str = "ยังไม่ส่ง";
/// Note on a division whose KPI weights do not add up to 100.
pub const WEIGHTS_NOT_100_TH: &str = "น้ำหนักรวมไม่เท่ากับ 100";

/// "kpi-summary-2564.xlsx".
pub fn file_name(fy: FiscalYear) -> String {
    format!("kpi-summary-{}.xlsx", fy.be())
}

/// "kpi-summary-2564-book-03.xlsx": book `number` of `count`, numbered so the files sort in
/// order.
pub fn book_file_name(fy: FiscalYear, number: usize, count: usize) -> String {
    let width = count.to_string().len().max(2);
    format!("kpi-summary-{}-book-{number:0width$}.xlsx", fy.be())
}

/// Whether `name` is a book of `fy`'s split summary (as [`book_file_name`] names them).
pub fn is_book_file_name(fy: FiscalYear, name: &str) -> bool {
    name.strip_prefix(&format!("kpi-summary-{}-book-", fy.be()))
        .and_then(|rest| rest.strip_suffix(".xlsx"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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
                book,
            }
        })
        .chain(input.missing.iter().map(|m| IndexRow {
            code: m.code.clone(),
            name: m.name.clone(),
            kpis: None,
            total_weight: None,
            scores: [None; 4],
            note: MISSING_LABEL_TH.to_owned(),
            book,
        }))
        .collect();
    rows.sort_by_key(|r| normalize_code(&r.code));
    rows
}

/// A summary workbook with the official font, its properties and its compression set.
fn new_workbook(
    st: &Styles,
    fy: FiscalYear,
    below_level1: BelowLevel1,
    subject: &str,
) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_default_format(&st.t.base, 28, 64)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(overview_title(fy))
            .set_subject(subject)
            .set_author("kpiwatch")
            .set_comment(below_level1.describe_en()),
    );
    // Low-memory worksheets stream their rows to temporary files: a summary of 10,000
    // divisions is written without holding its cells in memory (every sheet is written top to
    // bottom, as that mode requires). Compression level 1 instead of 6: at 10,000 divisions the
    // files are about 40% larger than at level 3 (43 MB against 32 MB in all) and written in
    // well under half the time of level 6.
    wb.set_zip_compression_level(1);
    Ok(wb)
}

/// Builds the summary workbook.
pub fn build(input: &SummaryInput) -> Result<Workbook, XlsxError> {
    let st = Styles::new();
    let scored = score_all(input);
    let mut wb = new_workbook(
        &st,
        input.fiscal_year,
        input.below_level1,
        "สรุปผลตัวชี้วัดรายไตรมาส / KPI summary",
    )?;
    overview_sheet(wb.add_worksheet_with_low_memory()?, input, &scored, &st)?;
    kpi_sheet(wb.add_worksheet_with_low_memory()?, input, &scored, &st)?;
    plan_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    submissions_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    diagnostics_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    Ok(wb)
}

/// Builds the summary workbook into memory.
pub fn to_bytes(input: &SummaryInput) -> Result<Vec<u8>, XlsxError> {
    build(input)?.save_to_buffer()
}

/// Builds the index of a split summary: every division's figures as values (the live formulas
/// are in its book), the list of books, and the files that belong to no book.
pub fn build_index(input: &IndexInput) -> Result<Workbook, XlsxError> {
    let st = Styles::new();
    let mut wb = new_workbook(
        &st,
        input.fiscal_year,
        input.below_level1,
        "สรุปผลตัวชี้วัดรายไตรมาส: สารบัญ / KPI summary: index",
    )?;
    index_overview_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
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
    };
    submissions_sheet(wb.add_worksheet_with_low_memory()?, &rest, &st)?;
    diagnostics_sheet(wb.add_worksheet_with_low_memory()?, &rest, &st)?;
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
    let missing = input.rows.iter().filter(|r| r.kpis.is_none()).count();
    ws.write_string_with_format(
        1,
        0,
        format!(
            "จัดทำเมื่อ {} โดย kpiwatch · หน่วยงานที่มีผลรายงาน {} หน่วยงาน · ยังไม่ส่ง {} หน่วยงาน · แยกเป็น {} เล่ม",
            input.generated_at,
            input.rows.len() - missing,
            missing,
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
    columns.push(column("เล่มที่", 8.0));
    table_header(ws, OV_HEADER_ROW, &columns, 0, st)?;
    for (i, r) in input.rows.iter().enumerate() {
        let mut w = Cells::at(ws, OV_HEADER_ROW + 1 + i as u32);
        w.number(Some(i as f64 + 1.0), &st.integer)?
            .text(&r.code, &st.code)?
            .text(&r.name, &st.text)?
            .number(r.kpis.map(|n| n as f64), &st.integer)?
            .number(r.total_weight, &st.number)?;
        for s in r.scores {
            w.number(s, &st.score)?;
        }
        w.text(&r.note, &st.text)?
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

/// Red (0) through yellow to green (5), as on the overview.
fn score_scale() -> ConditionalFormat3ColorScale {
    ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 2.5)
        .set_maximum(ConditionalFormatType::Number, 5)
        .set_minimum_color(Color::RGB(0xF8696B))
        .set_midpoint_color(Color::RGB(0xFFEB84))
        .set_maximum_color(Color::RGB(0x63BE7B))
}

fn overview_title(fy: FiscalYear) -> String {
    format!("สรุปผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ พ.ศ. {fy}")
}

// ---------------------------------------------------------------------------------------------
// Layout. Rows and columns are zero-based, as rust_xlsxwriter counts them.

/// Overview: title, generation line, the below-level-1 setting, a note, then the table.
const OV_SETTINGS_ROW: u32 = 2;
const OV_HEADER_ROW: u32 = 4;
/// Columns: A ลำดับ, B รหัสหน่วยงาน, C ชื่อหน่วยงาน, D จำนวนตัวชี้วัด, E น้ำหนักรวม, F–I ไตรมาสที่ 1–4,
/// J หมายเหตุ.
mod ov {
    pub const CODE: u16 = 1;
    pub const COUNT: u16 = 3;
    pub const WEIGHT: u16 = 4;
    /// Division score of Q1; Q2..Q4 follow.
    pub const Q1: u16 = 5;
    pub const NOTE: u16 = 9;
}
/// The settings cell (D3) every score formula reads: the score of a result below level 1.
const SETTINGS_COL: u16 = ov::COUNT;

/// KPI sheet: title, note, then the table.
const KPI_HEADER_ROW: u32 = 2;
/// Columns: A ลำดับ, B รหัสหน่วยงาน, C หน่วยงาน, D รหัสตัวชี้วัด, E ตัวชี้วัด, F หน่วยวัด, G น้ำหนัก,
/// H ประเภท, I ทิศทาง, J–N เกณฑ์ระดับ 1–5, O เป้าหมาย, P–S ผลไตรมาส 1–4, T–W คะแนนไตรมาส 1–4,
/// X–AA ถ่วงน้ำหนักไตรมาส 1–4, AB การแก้ไข, AC–AF ระดับที่ผ่านเกณฑ์ไตรมาส 1–4 (what the score
/// formulas build on).
mod kc {
    pub const DIV_CODE: u16 = 1;
    /// The KPI name; the columns left of it stay in view when scrolling right.
    pub const NAME: u16 = 4;
    pub const WEIGHT: u16 = 6;
    pub const KIND: u16 = 7;
    pub const DIRECTION: u16 = 8;
    /// T1; T2..T5 follow.
    pub const T1: u16 = 9;
    /// Result of Q1; Q2..Q4 follow. Likewise scores and weighted scores.
    pub const RESULT1: u16 = 15;
    pub const SCORE1: u16 = 19;
    pub const WEIGHTED1: u16 = 23;
    pub const REVISIONS: u16 = 27;
    pub const LEVEL1: u16 = 28;
}

/// The other sheets: title, note, then the table.
const TABLE_HEADER_ROW: u32 = 2;

/// A sheet name as formulas write it, always quoted: `quote_sheet_name` leaves some Thai names
/// (ภาพรวม) bare, which is legal, but quoting is legal for every name and leaves no doubt.
fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// "$D$3"-style absolute reference.
fn abs_cell(row: u32, col: u16) -> String {
    format!("${}${}", column_letters(col), row + 1)
}

/// "'ตัวชี้วัด'!$G$4:$G$6": one column of a block of rows on another sheet.
fn abs_column_range(sheet: &str, col: u16, first_row: u32, last_row: u32) -> String {
    let c = column_letters(col);
    format!(
        "{}!${c}${}:${c}${}",
        quoted(sheet),
        first_row + 1,
        last_row + 1
    )
}

/// "D3", as the notes name the settings cell.
fn settings_a1() -> String {
    a1(OV_SETTINGS_ROW, SETTINGS_COL)
}

/// The overview's settings cell as every score formula reads it: `'ภาพรวม'!$D$3`.
fn settings_ref() -> String {
    format!(
        "{}!{}",
        quoted(OVERVIEW_SHEET),
        abs_cell(OV_SETTINGS_ROW, SETTINGS_COL)
    )
}

// ---------------------------------------------------------------------------------------------
// kpiwatch's own figures, computed once, cached in the formulas.

/// One division's figures and where its KPIs sit on the KPI sheet.
struct Scored<'a> {
    entry: &'a DivisionEntry,
    /// Aligned with `entry.submission.kpis`. A KPI whose criteria or weight are invalid has no
    /// scores; its score cells stay blank (no formula), as kpiwatch leaves them.
    kpis: Vec<Result<[QuarterScore; 4], KpiScoreError>>,
    division: [DivisionScore; 4],
    /// The KPI sheet row of the division's first KPI; the others follow.
    first_row: u32,
}

impl Scored<'_> {
    /// The KPI sheet rows of this division, if it has KPIs.
    fn rows(&self) -> Option<(u32, u32)> {
        let n = self.kpis.len() as u32;
        (n > 0).then(|| (self.first_row, self.first_row + n - 1))
    }
}

fn score_all(input: &SummaryInput) -> Vec<Scored<'_>> {
    let mut next_row = KPI_HEADER_ROW + 1;
    input
        .divisions
        .iter()
        .map(|entry| {
            let kpis: Vec<_> = entry
                .submission
                .kpis
                .iter()
                .map(|k| scoring::score_kpi(k, input.below_level1))
                .collect();
            let weighted: Vec<(f64, [Option<f64>; 4])> = entry
                .submission
                .kpis
                .iter()
                .zip(&kpis)
                .map(|(k, s)| (k.weight, scores_of(s)))
                .collect();
            let first_row = next_row;
            next_row += kpis.len() as u32;
            Scored {
                entry,
                division: scoring::roll_up_year(&weighted),
                kpis,
                first_row,
            }
        })
        .collect()
}

fn scores_of(s: &Result<[QuarterScore; 4], KpiScoreError>) -> [Option<f64>; 4] {
    match s {
        Ok(q) => q.map(|q| q.score),
        Err(_) => [None; 4],
    }
}

/// A formula's cached result: the number, or "" for "not reported" (never 0).
fn cached(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Formats and writing helpers.

/// The summary's formats, all built on the template's official-font formats.
struct Styles {
    t: Formats,
    title: Format,
    line: Format,
    note: Format,
    /// Table text that may be long: wraps.
    text: Format,
    /// Table text that is short (codes, labels, dates): no wrap.
    code: Format,
    center: Format,
    integer: Format,
    number: Format,
    score: Format,
    /// Conditional format of a total weight that is not 100.
    alert: Format,
}

impl Styles {
    fn new() -> Self {
        let t = Formats::new();
        let cell = t
            .base
            .clone()
            .set_font_size(TABLE_FONT_SIZE)
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0x9E9E9E));
        Self {
            title: t.title.clone().set_align(FormatAlign::Left),
            line: t.base.clone(),
            note: t.base.clone().set_italic().set_font_size(TABLE_FONT_SIZE),
            text: cell.clone().set_text_wrap(),
            center: cell.clone().set_align(FormatAlign::Center),
            integer: cell.clone().set_num_format("0"),
            number: cell.clone().set_num_format("General"),
            score: t
                .computed
                .clone()
                .set_font_size(TABLE_FONT_SIZE)
                .set_align(FormatAlign::Top),
            alert: Format::new()
                .set_font_color(Color::RGB(0x9C0006))
                .set_background_color(Color::RGB(0xFFC7CE)),
            code: cell,
            t,
        }
    }
}

/// Writes one row left to right. A run of adjacent cells in one format gets it in a single
/// `set_range_format` when the run ends: rust_xlsxwriter hashes the whole `Format` on every
/// formatted write, and a book's 76,000 table cells fall into about 31,000 such runs.
struct Cells<'a, 'f> {
    ws: &'a mut Worksheet,
    row: u32,
    col: u16,
    /// The first column of the run not yet formatted, and its format.
    run: Option<(u16, &'f Format)>,
}

impl<'a, 'f> Cells<'a, 'f> {
    fn at(ws: &'a mut Worksheet, row: u32) -> Self {
        Self::starting_at(ws, row, 0)
    }

    fn starting_at(ws: &'a mut Worksheet, row: u32, col: u16) -> Self {
        Self {
            ws,
            row,
            col,
            run: None,
        }
    }

    /// Text, always as a string: a division's "=SUM(…)" or "@name" stays text, never a formula.
    fn text(&mut self, s: &str, f: &'f Format) -> Result<&mut Self, XlsxError> {
        self.styled(f)?;
        // A blank cell needs no write: the run's format creates it.
        if !s.is_empty() {
            self.ws.write_string(self.row, self.col, s)?;
        }
        self.col += 1;
        Ok(self)
    }

    /// A number, or a blank cell when there is none (an unreported result is never 0).
    fn number(&mut self, x: Option<f64>, f: &'f Format) -> Result<&mut Self, XlsxError> {
        self.styled(f)?;
        if let Some(v) = x.filter(|v| v.is_finite()) {
            self.ws.write_number(self.row, self.col, v)?;
        }
        self.col += 1;
        Ok(self)
    }

    /// A formula (without "=") with kpiwatch's value cached; `None` caches "".
    fn formula(
        &mut self,
        expr: &str,
        value: Option<f64>,
        f: &'f Format,
    ) -> Result<&mut Self, XlsxError> {
        self.styled(f)?;
        let formula = Formula::new(expr).set_result(cached(value));
        self.ws.write_formula(self.row, self.col, formula)?;
        self.col += 1;
        Ok(self)
    }

    /// Starts a new run at the current column unless the cell continues the pending one (the
    /// same `Format` value, by address: equal formats at two addresses just make two runs).
    fn styled(&mut self, f: &'f Format) -> Result<(), XlsxError> {
        if !self.run.is_some_and(|(_, g)| std::ptr::eq(g, f)) {
            self.format_run()?;
            self.run = Some((self.col, f));
        }
        Ok(())
    }

    /// Formats the pending run, which ends left of the current column.
    fn format_run(&mut self) -> Result<(), XlsxError> {
        if let Some((first, f)) = self.run.take()
            && self.col > first
        {
            self.ws
                .set_range_format(self.row, first, self.row, self.col - 1, f)?;
        }
        Ok(())
    }
}

impl Drop for Cells<'_, '_> {
    /// The last run is formatted when the row is done. In low-memory mode this must happen
    /// before the next row is written, which the borrow of the worksheet guarantees. It cannot
    /// fail: its cells are in the sheet's range, since they were just written.
    fn drop(&mut self) {
        let formatted = self.format_run();
        debug_assert!(formatted.is_ok(), "{formatted:?}");
    }
}

/// A table column: header label and width in characters.
struct Column {
    label: String,
    width: f64,
}

fn column(label: impl Into<String>, width: f64) -> Column {
    Column {
        label: label.into(),
        width,
    }
}

/// Four columns, one per quarter: "ผลไตรมาส 1" …
fn quarter_columns(prefix: &str, width: f64) -> impl Iterator<Item = Column> + '_ {
    Quarter::ALL
        .into_iter()
        .map(move |q| column(format!("{prefix}{}", q.number()), width))
}

/// Names the sheet, sets up the A4 landscape page and writes the title in A1.
fn start_sheet(ws: &mut Worksheet, name: &str, title: &str, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    template::print_setup(ws, true);
    // A formula whose value is "not reported" caches "", not 0.
    ws.set_formula_result_default("");
    ws.write_string_with_format(0, 0, title, &st.title)?;
    Ok(())
}

/// The header row: labels, column widths, frozen panes under it, repeated on every printed page.
fn table_header(
    ws: &mut Worksheet,
    row: u32,
    columns: &[Column],
    freeze_cols: u16,
    st: &Styles,
) -> Result<(), XlsxError> {
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, col.width)?;
        ws.write_string_with_format(row, c, &col.label, &st.t.header)?;
    }
    // Two lines of 14 pt Thai: the narrow quarter columns wrap their labels.
    ws.set_row_height(row, 42)?;
    ws.set_freeze_panes(row + 1, freeze_cols)?;
    ws.set_repeat_rows(row, row)?;
    Ok(())
}

/// The autofilter over the header and the `rows` data rows under it.
fn end_table(ws: &mut Worksheet, header_row: u32, rows: u32, cols: usize) -> Result<(), XlsxError> {
    ws.autofilter(header_row, 0, header_row + rows, cols as u16 - 1)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sheet 1: overview.

fn overview_columns() -> Vec<Column> {
    let mut c = vec![
        column("ลำดับ", 6.0),
        column("รหัสหน่วยงาน", 12.0),
        column("ชื่อหน่วยงาน", 36.0),
        column("จำนวนตัวชี้วัด", 10.0),
        column("น้ำหนักรวม", 10.0),
    ];
    c.extend(Quarter::ALL.map(|q| column(q.label_th(), 11.0)));
    c.push(column("หมายเหตุ", 44.0));
    c
}

fn overview_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    scored: &[Scored<'_>],
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = match &input.part {
        Some(part) => format!(
            "{} · {}",
            overview_title(input.fiscal_year),
            part.label_th()
        ),
        None => overview_title(input.fiscal_year),
    };
    start_sheet(ws, OVERVIEW_SHEET, &title, st)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "จัดทำเมื่อ {} โดย kpiwatch · หน่วยงานที่มีผลรายงาน {} หน่วยงาน · ยังไม่ส่ง {} หน่วยงาน",
            input.generated_at,
            input.divisions.len(),
            input.missing.len()
        ),
        &st.line,
    )?;
    settings_row(ws, input.below_level1, st)?;
    ws.write_string_with_format(
        OV_SETTINGS_ROW + 1,
        0,
        format!(
            "ตัวเลขในตารางเป็นสูตรที่คำนวณจากแผ่นงาน \"{KPI_SHEET}\": คะแนนหน่วยงาน = Σ(น้ำหนัก × คะแนน) ÷ Σน้ำหนัก ของตัวชี้วัดที่รายงานผลในไตรมาสนั้น · แก้ค่าในช่อง {} (0 หรือ 1) แล้วคะแนนทั้งสมุดงานจะคำนวณใหม่",
            settings_a1()
        ),
        &st.note,
    )?;
    let columns = overview_columns();
    table_header(ws, OV_HEADER_ROW, &columns, 0, st)?;
    for (i, d) in scored.iter().enumerate() {
        overview_row(ws, OV_HEADER_ROW + 1 + i as u32, i, d, st)?;
    }
    let n = scored.len() as u32;
    end_table(ws, OV_HEADER_ROW, n, columns.len())?;
    if n > 0 {
        let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + n);
        ws.add_conditional_format(first, ov::Q1, last, ov::Q1 + 3, &score_scale())?;
        // Rounded as kpiwatch compares: 33.33 + 33.33 + 33.34 is 100.
        let weight = ConditionalFormatFormula::new()
            .set_rule(
                format!(
                    "=ROUND(${}{},4)<>100",
                    column_letters(ov::WEIGHT),
                    first + 1
                )
                .as_str(),
            )
            .set_format(&st.alert);
        ws.add_conditional_format(first, ov::WEIGHT, last, ov::WEIGHT, &weight)?;
        ws.insert_chart(OV_HEADER_ROW, ov::NOTE + 2, &overview_chart(input, n))?;
    }
    // The chart stands beside the table; the printed pages are the table alone, fitted to the
    // page width (print the chart on its own from Excel's "Print Selected Chart").
    ws.set_print_area(0, 0, OV_HEADER_ROW + n.max(1), ov::NOTE)?;
    Ok(())
}

/// A3: the rule's label, D3: the score below level 1 (an input), E3: the rule in words, which
/// follows D3.
fn settings_row(ws: &mut Worksheet, below: BelowLevel1, st: &Styles) -> Result<(), XlsxError> {
    let row = OV_SETTINGS_ROW;
    ws.write_string_with_format(
        row,
        0,
        "คะแนนเมื่อผลต่ำกว่าเกณฑ์ระดับ 1",
        &st.line.clone().set_bold(),
    )?;
    ws.write_number_with_format(row, SETTINGS_COL, below.score(), &st.t.input_integer)?;
    let describe = format!(
        "IF({}=1,\"{}\",\"{}\")",
        abs_cell(row, SETTINGS_COL),
        BelowLevel1::One.describe_th(),
        BelowLevel1::Zero.describe_th()
    );
    ws.write_formula_with_format(
        row,
        SETTINGS_COL + 1,
        Formula::new(format!("={describe}")).set_result(below.describe_th()),
        &st.line,
    )?;
    let rule = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, 1))
        .set_error_title("ค่าไม่ถูกต้อง")?
        .set_error_message("กรอก 0 (ผลต่ำกว่าเกณฑ์ระดับ 1 ได้ 0) หรือ 1 (ได้ 1)")?;
    ws.add_data_validation(row, SETTINGS_COL, row, SETTINGS_COL, &rule)?;
    Ok(())
}

fn overview_row(
    ws: &mut Worksheet,
    row: u32,
    index: usize,
    d: &Scored<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let division = &d.entry.submission.division;
    let mut w = Cells::at(ws, row);
    w.number(Some(index as f64 + 1.0), &st.integer)?
        .text(&division.code, &st.code)?
        .text(&division.name, &st.text)?;
    debug_assert_eq!(w.col, ov::COUNT);
    match d.rows() {
        None => {
            w.number(Some(0.0), &st.integer)?
                .number(Some(0.0), &st.number)?;
            for _ in Quarter::ALL {
                w.number(None, &st.score)?;
            }
        }
        Some((first, last)) => {
            let block = |col: u16| abs_column_range(KPI_SHEET, col, first, last);
            let weights = block(kc::WEIGHT);
            // Counts the block's rows that carry this division's code: if the KPI sheet is
            // re-sorted, the count shows that the block no longer is this division's.
            let code_here = format!("${}{}", column_letters(ov::CODE), row + 1);
            w.formula(
                &format!("SUMPRODUCT(--({}={code_here}))", block(kc::DIV_CODE)),
                Some(d.kpis.len() as f64),
                &st.integer,
            )?
            .formula(
                &format!("SUM({weights})"),
                Some(d.division[0].total_weight),
                &st.number,
            )?;
            for q in Quarter::ALL {
                let scores = block(kc::SCORE1 + q.index() as u16);
                w.formula(
                    &formula::roll_up(&weights, &scores),
                    d.division[q.index()].score,
                    &st.score,
                )?;
            }
        }
    }
    debug_assert_eq!(w.col, ov::NOTE);
    w.text(&division_note(d), &st.text)?;
    Ok(())
}

/// What the overview's note column says about a division.
fn division_note(d: &Scored<'_>) -> String {
    let mut notes = Vec::new();
    if d.kpis.is_empty() {
        notes.push("ไม่มีตัวชี้วัด".to_owned());
    } else if !d.division[0].weights_sum_to_100() {
        notes.push(WEIGHTS_NOT_100_TH.to_owned());
    }
    for ds in d.division.iter().filter(|ds| ds.is_partial()) {
        notes.push(format!(
            "{} รายงานไม่ครบ ({}/{} ตัวชี้วัด)",
            ds.quarter.label_th(),
            ds.reported_count,
            ds.kpi_count
        ));
    }
    for (kpi, s) in d.entry.submission.kpis.iter().zip(&d.kpis) {
        if let Err(e) = s {
            notes.push(format!("ตัวชี้วัด {}: คำนวณคะแนนไม่ได้ ({e})", kpi.code));
        }
    }
    notes.join("; ")
}

/// Pixels of chart width per division: four bars and a gap.
const CHART_PX_PER_DIVISION: u32 = 48;
const CHART_MIN_WIDTH: u32 = 720;
/// About three screens: beyond it the bars get thinner rather than the chart wider.
const CHART_MAX_WIDTH: u32 = 3200;
const CHART_HEIGHT: u32 = 440;

fn chart_width(divisions: u32) -> u32 {
    CHART_PX_PER_DIVISION
        .saturating_mul(divisions)
        .saturating_add(160)
        .clamp(CHART_MIN_WIDTH, CHART_MAX_WIDTH)
}

/// Division scores by quarter: one series per quarter, the division codes as categories.
fn overview_chart(input: &SummaryInput, n: u32) -> Chart {
    let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + n);
    let mut chart = Chart::new(ChartType::Column);
    for q in Quarter::ALL {
        let col = ov::Q1 + q.index() as u16;
        chart
            .add_series()
            .set_categories((OVERVIEW_SHEET, first, ov::CODE, last, ov::CODE))
            .set_values((OVERVIEW_SHEET, first, col, last, col))
            .set_name((OVERVIEW_SHEET, OV_HEADER_ROW, col));
    }
    let font = |size: f64| {
        let mut f = ChartFont::new();
        f.set_name(FONT).set_size(size);
        f
    };
    chart
        .title()
        .set_name(&format!(
            "คะแนนรายหน่วยงาน ปีงบประมาณ พ.ศ. {}",
            input.fiscal_year
        ))
        .set_font(font(18.0).set_bold());
    chart
        .y_axis()
        .set_min(0)
        .set_max(5)
        .set_major_unit(1)
        .set_num_format("0")
        .set_font(&font(TABLE_FONT_SIZE));
    // Codes stand upright once there are many; Excel skips labels that still do not fit.
    let mut labels = font(TABLE_FONT_SIZE);
    if n > 12 {
        labels.set_rotation(-90);
    }
    chart.x_axis().set_font(&labels);
    chart
        .legend()
        .set_position(ChartLegendPosition::Top)
        .set_font(&font(TABLE_FONT_SIZE));
    chart.set_width(chart_width(n)).set_height(CHART_HEIGHT);
    chart.set_alt_text("กราฟคะแนนรายหน่วยงานรายไตรมาส");
    chart
}

// ---------------------------------------------------------------------------------------------
// Sheet 2: every KPI.

fn kpi_columns() -> Vec<Column> {
    let mut c = vec![
        column("ลำดับ", 6.0),
        column("รหัสหน่วยงาน", 10.0),
        column("หน่วยงาน", 22.0),
        column("รหัสตัวชี้วัด", 10.0),
        column("ตัวชี้วัด", 44.0),
        column("หน่วยวัด", 10.0),
        column("น้ำหนัก", 8.0),
        column("ประเภท", 18.0),
        column("ทิศทาง", 12.0),
    ];
    c.extend((1..=5).map(|l| column(format!("เกณฑ์ระดับ {l}"), 8.0)));
    c.push(column("เป้าหมาย", 10.0));
    c.extend(quarter_columns("ผลไตรมาส ", 9.0));
    c.extend(quarter_columns("คะแนนไตรมาส ", 10.0));
    c.extend(quarter_columns("ถ่วงน้ำหนักไตรมาส ", 10.0));
    c.push(column("การแก้ไข", 30.0));
    // The level each result reached, the step the score formulas build on (auditable, and it
    // keeps every score formula short).
    c.extend(quarter_columns("ระดับที่ผ่านเกณฑ์ไตรมาส ", 10.0));
    c
}

fn kpi_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    scored: &[Scored<'_>],
    st: &Styles,
) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        KPI_SHEET,
        &format!("ผลตัวชี้วัดทุกหน่วยงาน ปีงบประมาณ พ.ศ. {}", input.fiscal_year),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "หนึ่งแถวต่อหนึ่งตัวชี้วัด · ผลเป็นค่าสะสมตั้งแต่ต้นปีงบประมาณ ช่องว่าง = ยังไม่รายงาน · คะแนนและคะแนนถ่วงน้ำหนักเป็นสูตรตามเกณฑ์การให้คะแนน โดยใช้คะแนนกรณีผลต่ำกว่าเกณฑ์ระดับ 1 จากช่อง {} ของแผ่นงาน \"{OVERVIEW_SHEET}\"",
            settings_a1()
        ),
        &st.note,
    )?;
    let columns = kpi_columns();
    // Keep the division and KPI codes in view when scrolling right.
    table_header(ws, KPI_HEADER_ROW, &columns, kc::NAME, st)?;
    let formulas = KpiRowFormulas::new(&settings_ref());
    let mut seq: u32 = 0;
    for d in scored {
        for (j, (kpi, figures)) in d.entry.submission.kpis.iter().zip(&d.kpis).enumerate() {
            seq += 1;
            let row = d.first_row + j as u32;
            kpi_row(
                ws,
                row,
                seq,
                d.entry,
                kpi,
                figures.as_ref().ok(),
                &formulas,
                st,
            )?;
        }
    }
    end_table(ws, KPI_HEADER_ROW, seq, columns.len())?;
    Ok(())
}

/// The formulas of a KPI row, built once per sheet with a marker where the row number goes: a
/// book has over a thousand KPI rows of twelve formulas each, and building every one from its
/// parts (a dozen cell references, each its own string) was a tenth of the summary's own work.
struct KpiRowFormulas {
    score: [RowTemplate; 4],
    weighted: [RowTemplate; 4],
    levels: [RowTemplate; 4],
}

/// A formula cut where its row number goes: the row is put back by copying the pieces, not by
/// searching the text for a marker character by character (a book of 250 divisions holds about
/// 17,000 of these formulas, 3 MB of text).
struct RowTemplate {
    pieces: Vec<String>,
    len: usize,
}

impl RowTemplate {
    fn new(formula: &str) -> Self {
        Self {
            pieces: formula
                .split(KpiRowFormulas::ROW)
                .map(str::to_owned)
                .collect(),
            len: formula.len(),
        }
    }

    /// The formula for the Excel row `excel_row` (one-based, as text).
    fn at(&self, excel_row: &str) -> String {
        let mut out = String::with_capacity(self.len + self.pieces.len() * excel_row.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push_str(excel_row);
            }
            out.push_str(piece);
        }
        out
    }
}

impl KpiRowFormulas {
    /// Stands for the row number; never part of a reference, a sheet name or a label.
    const ROW: char = '\u{1}';

    fn new(below_level1: &str) -> Self {
        let here = |col: u16| format!("${}{}", column_letters(col), Self::ROW);
        let thresholds = format!("{}:{}", here(kc::T1), here(kc::T1 + 4));
        let (kind, direction, weight) = (here(kc::KIND), here(kc::DIRECTION), here(kc::WEIGHT));
        let result = |q: usize| here(kc::RESULT1 + q as u16);
        Self {
            score: std::array::from_fn(|q| {
                RowTemplate::new(&formula::score_at_level(
                    ScoreRefs {
                        result: &result(q),
                        kind: &kind,
                        direction: &direction,
                        thresholds: &thresholds,
                        below_level1,
                    },
                    &here(kc::LEVEL1 + q as u16),
                ))
            }),
            weighted: std::array::from_fn(|q| {
                RowTemplate::new(&formula::weighted(&here(kc::SCORE1 + q as u16), &weight))
            }),
            levels: std::array::from_fn(|q| {
                RowTemplate::new(&formula::levels_met(&result(q), &direction, &thresholds))
            }),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn kpi_row(
    ws: &mut Worksheet,
    row: u32,
    seq: u32,
    entry: &DivisionEntry,
    kpi: &Kpi,
    figures: Option<&[QuarterScore; 4]>,
    formulas: &KpiRowFormulas,
    st: &Styles,
) -> Result<(), XlsxError> {
    let division = &entry.submission.division;
    let mut w = Cells::at(ws, row);
    w.number(Some(f64::from(seq)), &st.integer)?
        .text(&division.code, &st.code)?
        .text(&division.name, &st.text)?
        .text(&kpi.code, &st.code)?
        .text(&kpi.name, &st.text)?
        .text(&kpi.unit, &st.code)?
        .number(Some(kpi.weight), &st.number)?
        .text(kpi.kind.label_th(), &st.text)?
        .text(kpi.direction.label_th(), &st.code)?;
    // A milestone KPI scores the level reached; thresholds it never had stay blank.
    let no_thresholds = kpi.kind == KpiKind::Milestone && kpi.thresholds == [0.0; 5];
    debug_assert_eq!(w.col, kc::T1);
    for t in kpi.thresholds {
        w.number((!no_thresholds).then_some(t), &st.number)?;
    }
    w.text(&kpi.target, &st.code)?;
    debug_assert_eq!(w.col, kc::RESULT1);
    for q in Quarter::ALL {
        w.number(kpi.report(q).result, &st.number)?;
    }
    debug_assert_eq!(w.col, kc::SCORE1);
    let excel_row = (row + 1).to_string();
    for q in Quarter::ALL {
        let Some(f) = figures else {
            w.number(None, &st.score)?;
            continue;
        };
        let score = formulas.score[q.index()].at(&excel_row);
        w.formula(&score, f[q.index()].score, &st.score)?;
    }
    debug_assert_eq!(w.col, kc::WEIGHTED1);
    for q in Quarter::ALL {
        let Some(f) = figures else {
            w.number(None, &st.score)?;
            continue;
        };
        let weighted = formulas.weighted[q.index()].at(&excel_row);
        w.formula(&weighted, f[q.index()].weighted, &st.score)?;
    }
    let code = normalize_code(&kpi.code);
    let revisions: Vec<String> = entry
        .revisions
        .iter()
        .filter(|r| normalize_code(&r.kpi_code) == code)
        .map(Revision::describe)
        .collect();
    debug_assert_eq!(w.col, kc::REVISIONS);
    w.text(&revisions.join("; "), &st.text)?;
    debug_assert_eq!(w.col, kc::LEVEL1);
    let shown: [Option<f64>; 5] = kpi.thresholds.map(|t| (!no_thresholds).then_some(t));
    for q in Quarter::ALL {
        if figures.is_none() {
            w.number(None, &st.integer)?;
            continue;
        }
        let met = kpi
            .report(q)
            .result
            .map(|r| formula::levels_met_value(r, kpi.direction, &shown));
        let levels = formulas.levels[q.index()].at(&excel_row);
        w.formula(&levels, met, &st.integer)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sheet 3: process plans.

fn plan_columns(fy: FiscalYear) -> Vec<Column> {
    let mut c = vec![
        column("รหัสหน่วยงาน", 10.0),
        column("หน่วยงาน", 22.0),
        column("กระบวนการ", 32.0),
        column("ระดับคุณภาพ", 26.0),
        column("ระดับมาตรฐาน", 26.0),
        column("ระดับต้องปรับปรุง", 26.0),
        column("กิจกรรม", 40.0),
    ];
    c.extend(
        template::month_headers(Some(fy))
            .into_iter()
            .map(|m| column(m, 7.0)),
    );
    c.push(column("งบประมาณ", 12.0));
    c.push(column("ผู้รับผิดชอบ", 24.0));
    c
}

fn plan_sheet(ws: &mut Worksheet, input: &SummaryInput, st: &Styles) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        PLAN_SHEET,
        &format!("แผนกระบวนการตามภารกิจ ปีงบประมาณ พ.ศ. {}", input.fiscal_year),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "หนึ่งแถวต่อหนึ่งกิจกรรม (หน่วยงานที่ไม่มีกิจกรรมแสดงหนึ่งแถว) · ช่องเดือนแสดงเครื่องหมายที่หน่วยงานกรอก",
        &st.note,
    )?;
    let columns = plan_columns(input.fiscal_year);
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    let mut row = TABLE_HEADER_ROW + 1;
    for entry in &input.divisions {
        let plan = &entry.submission.plan;
        if *plan == ProcessPlan::default() {
            continue;
        }
        if plan.activities.is_empty() {
            plan_row(ws, row, &entry.submission, None, st)?;
            row += 1;
        }
        for a in &plan.activities {
            plan_row(ws, row, &entry.submission, Some(a), st)?;
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
    row: u32,
    sub: &Submission,
    activity: Option<&Activity>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let plan = &sub.plan;
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
    w.text(activity.map_or("", |a| &a.budget), &st.code)?
        .text(activity.map_or("", |a| &a.owner), &st.text)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sheet 4: submissions.

fn submissions_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    st: &Styles,
) -> Result<(), XlsxError> {
    start_sheet(
        ws,
        SUBMISSIONS_SHEET,
        &format!("การส่งไฟล์รายงานผลตัวชี้วัด ปีงบประมาณ พ.ศ. {}", input.fiscal_year),
        st,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "ทุกฉบับที่ได้รับ และหน่วยงานที่ยังไม่ส่ง · ✓ = ฉบับที่ใช้ในสรุปนี้",
        &st.note,
    )?;
    let columns = [
        column("ไฟล์", 36.0),
        column("รหัสหน่วยงาน", 10.0),
        column("หน่วยงาน", 24.0),
        column("ได้รับเมื่อ", 16.0),
        column("สถานะ", 16.0),
        column("ข้อผิดพลาด", 9.0),
        column("คำเตือน", 9.0),
        column("ฉบับที่ใช้", 8.0),
        column("ลบจากโฟลเดอร์", 10.0),
        column("การแก้ไข", 36.0),
        column("sha256", 20.0),
    ];
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    let mut row = TABLE_HEADER_ROW + 1;
    for s in &input.submissions {
        let revisions: Vec<String> = s.revisions.iter().map(Revision::describe).collect();
        Cells::at(ws, row)
            .text(&s.file, &st.text)?
            .text(&s.division_code, &st.code)?
            .text(&s.division_name, &st.text)?
            .text(&s.received_at, &st.code)?
            .text(s.status.label_th(), &st.code)?
            .number(Some(s.errors as f64), &st.integer)?
            .number(Some(s.warnings as f64), &st.integer)?
            .text(if s.current { "✓" } else { "" }, &st.center)?
            .text(if s.removed { "ลบแล้ว" } else { "" }, &st.center)?
            .text(&revisions.join("; "), &st.text)?
            .text(&s.sha256, &st.code)?;
        row += 1;
    }
    for m in &input.missing {
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

// ---------------------------------------------------------------------------------------------
// Sheet 5: diagnostics.

fn diagnostics_sheet(
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
        "ข้อผิดพลาดทำให้ไม่รับไฟล์ ต้องแก้ไขแล้วส่งใหม่ · คำเตือนรับไฟล์ได้ แต่ควรตรวจสอบ",
        &st.note,
    )?;
    let columns = [
        column("ไฟล์", 36.0),
        column("รหัสหน่วยงาน", 10.0),
        column("แผ่นงาน", 14.0),
        column("ช่อง", 8.0),
        column("ระดับ", 11.0),
        column("รหัส", 22.0),
        column("ข้อความ", 60.0),
        column("message (English)", 60.0),
    ];
    table_header(ws, TABLE_HEADER_ROW, &columns, 0, st)?;
    let mut row = TABLE_HEADER_ROW + 1;
    for d in &input.diagnostics {
        Cells::at(ws, row)
            .text(&d.file, &st.text)?
            .text(&d.division_code, &st.code)?
            .text(&d.sheet, &st.code)?
            .text(&d.cell, &st.code)?
            .text(d.severity.label_th(), &st.code)?
            .text(&d.code, &st.code)?
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, open_workbook_auto_from_rs};

    use super::*;
    use crate::domain::model::{Direction, Division, QuarterReport};

    fn kpi(
        code: &str,
        name: &str,
        weight: f64,
        kind: KpiKind,
        direction: Direction,
        thresholds: [f64; 5],
        results: [Option<f64>; 4],
    ) -> Kpi {
        Kpi {
            code: code.to_owned(),
            name: name.to_owned(),
            weight,
            kind,
            direction,
            thresholds,
            unit: "เรื่อง".to_owned(),
            quarters: results.map(|result| QuarterReport {
                result,
                ..QuarterReport::default()
            }),
            ..Kpi::default()
        }
    }

    fn division(code: &str, kpis: Vec<Kpi>) -> DivisionEntry {
        DivisionEntry {
            submission: Submission {
                division: Division {
                    code: code.to_owned(),
                    name: format!("หน่วยงาน {code}"),
                },
                fiscal_year: Some(FiscalYear::new(2564)),
                kpis,
                ..Submission::default()
            },
            file: format!("{code}/kpi.xlsx"),
            received_at: "2021-10-05 09:30".to_owned(),
            revisions: Vec::new(),
        }
    }

    fn input(divisions: Vec<DivisionEntry>) -> SummaryInput {
        SummaryInput {
            fiscal_year: FiscalYear::new(2564),
            below_level1: BelowLevel1::Zero,
            generated_at: "2021-10-06 08:00".to_owned(),
            divisions,
            submissions: Vec::new(),
            missing: Vec::new(),
            diagnostics: Vec::new(),
            part: None,
        }
    }

    /// Two KPIs, weights 60 + 40: one lower-is-better and reported in Q1 and Q3 only, one
    /// whose name starts with "=".
    fn sample() -> SummaryInput {
        let mut d = division(
            "ทส.",
            vec![
                kpi(
                    "ทส. 1",
                    "ระยะเวลาดำเนินการ",
                    60.0,
                    KpiKind::Interpolated,
                    Direction::LowerIsBetter,
                    [10.0, 8.0, 6.0, 4.0, 2.0],
                    [Some(7.0), None, Some(12.0), None],
                ),
                kpi(
                    "ทส. 2",
                    "=SUM(A1:A2) จำนวนเรื่อง",
                    40.0,
                    KpiKind::Stepped,
                    Direction::HigherIsBetter,
                    [0.0, 150.0, 300.0, 450.0, 826.0],
                    [Some(184.0), Some(500.0), Some(900.0), None],
                ),
            ],
        );
        d.revisions.push(Revision {
            kpi_code: "ทส.2".to_owned(),
            quarter: Quarter::Q2,
            old: Some(480.0),
            new: Some(500.0),
        });
        input(vec![d])
    }

    type Sheets = calamine::Sheets<Cursor<Vec<u8>>>;

    fn open(input: &SummaryInput) -> Sheets {
        open_workbook_auto_from_rs(Cursor::new(to_bytes(input).unwrap())).unwrap()
    }

    fn cell(wb: &mut Sheets, sheet: &str, row: u32, col: u16) -> Data {
        let r = wb.worksheet_range(sheet).unwrap();
        r.get_value((row, u32::from(col)))
            .cloned()
            .unwrap_or(Data::Empty)
    }

    fn formula_at(wb: &mut Sheets, sheet: &str, row: u32, col: u16) -> String {
        let f = wb.worksheet_formula(sheet).unwrap();
        f.get_value((row, u32::from(col)))
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn kpi_row_formulas_from_templates_equal_those_built_from_parts() {
        let below = settings_ref();
        let templates = KpiRowFormulas::new(&below);
        for row in [0u32, 7, 99, 1_048_575] {
            let excel_row = (row + 1).to_string();
            let here = |col: u16| format!("${}{}", column_letters(col), row + 1);
            let thresholds = format!("{}:{}", here(kc::T1), here(kc::T1 + 4));
            let (kind, direction) = (here(kc::KIND), here(kc::DIRECTION));
            for q in 0..4 {
                let result = here(kc::RESULT1 + q as u16);
                let score = formula::score_at_level(
                    ScoreRefs {
                        result: &result,
                        kind: &kind,
                        direction: &direction,
                        thresholds: &thresholds,
                        below_level1: &below,
                    },
                    &here(kc::LEVEL1 + q as u16),
                );
                let weighted = formula::weighted(&here(kc::SCORE1 + q as u16), &here(kc::WEIGHT));
                let levels = formula::levels_met(&result, &direction, &thresholds);
                let at = |t: &RowTemplate| t.at(&excel_row);
                assert_eq!(at(&templates.score[q]), score);
                assert_eq!(at(&templates.weighted[q]), weighted);
                assert_eq!(at(&templates.levels[q]), levels);
            }
        }
    }

    #[test]
    fn file_name_carries_the_buddhist_year() {
        assert_eq!(file_name(FiscalYear::new(2564)), "kpi-summary-2564.xlsx");
    }

    #[test]
    fn column_constants_match_the_headers() {
        let k = kpi_columns();
        assert_eq!(k.len(), usize::from(kc::LEVEL1) + 4);
        assert_eq!(k[usize::from(kc::LEVEL1)].label, "ระดับที่ผ่านเกณฑ์ไตรมาส 1");
        let label = |c: u16| k[usize::from(c)].label.as_str();
        assert_eq!(label(kc::DIV_CODE), "รหัสหน่วยงาน");
        assert_eq!(label(kc::NAME), "ตัวชี้วัด");
        assert_eq!(label(kc::WEIGHT), "น้ำหนัก");
        assert_eq!(label(kc::KIND), "ประเภท");
        assert_eq!(label(kc::DIRECTION), "ทิศทาง");
        assert_eq!(label(kc::T1), "เกณฑ์ระดับ 1");
        assert_eq!(label(kc::T1 + 4), "เกณฑ์ระดับ 5");
        assert_eq!(label(kc::RESULT1), "ผลไตรมาส 1");
        assert_eq!(label(kc::SCORE1 + 3), "คะแนนไตรมาส 4");
        assert_eq!(label(kc::WEIGHTED1), "ถ่วงน้ำหนักไตรมาส 1");
        assert_eq!(label(kc::REVISIONS), "การแก้ไข");
        let o = overview_columns();
        assert_eq!(o.len(), usize::from(ov::NOTE) + 1);
        assert_eq!(o[usize::from(ov::CODE)].label, "รหัสหน่วยงาน");
        assert_eq!(o[usize::from(ov::COUNT)].label, "จำนวนตัวชี้วัด");
        assert_eq!(o[usize::from(ov::WEIGHT)].label, "น้ำหนักรวม");
        assert_eq!(o[usize::from(ov::Q1)].label, "ไตรมาสที่ 1");
        assert_eq!(o[usize::from(ov::NOTE)].label, "หมายเหตุ");
        assert_eq!(settings_ref(), "'ภาพรวม'!$D$3");
    }

    #[test]
    fn sheets_come_in_order() {
        let wb = open(&sample());
        assert_eq!(
            wb.sheet_names(),
            [
                OVERVIEW_SHEET,
                KPI_SHEET,
                PLAN_SHEET,
                SUBMISSIONS_SHEET,
                DIAGNOSTICS_SHEET
            ]
        );
    }

    /// Each cell's `s` attribute in a sheet's XML, by reference ("A1" → "3").
    fn cell_styles(xml: &str) -> std::collections::HashMap<String, String> {
        xml.split("<c r=\"")
            .skip(1)
            .map(|c| {
                let (at, rest) = c.split_once('"').unwrap();
                let head = &rest[..rest.find('>').unwrap()];
                let style = head
                    .split_once(" s=\"")
                    .map_or("0", |(_, s)| s.split('"').next().unwrap());
                (at.to_owned(), style.to_owned())
            })
            .collect()
    }

    #[test]
    fn cells_format_each_run_of_one_format_blanks_included() {
        let (plain, bold) = (
            Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin),
            Format::new().set_bold(),
        );
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_low_memory().unwrap();
        for row in 0..2 {
            // A run of three (a blank inside it), a formula alone, a run of two ending blank.
            Cells::at(ws, row)
                .text("ก", &plain)
                .unwrap()
                .number(None, &plain)
                .unwrap()
                .number(Some(2.0), &plain)
                .unwrap()
                .formula("1+1", Some(2.0), &bold)
                .unwrap()
                .text("ข", &plain)
                .unwrap()
                .text("", &plain)
                .unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        let styles = cell_styles(&xml);
        let (p, b) = (&styles["A1"], &styles["D1"]);
        assert_ne!(p, "0");
        assert_ne!(b, "0");
        assert_ne!(p, b);
        for row in 1..=2 {
            for col in ["A", "B", "C", "E", "F"] {
                assert_eq!(&styles[&format!("{col}{row}")], p, "{col}{row}");
            }
            assert_eq!(&styles[&format!("D{row}")], b, "D{row}");
        }
        assert_eq!(styles.len(), 12, "{xml}");
    }

    #[test]
    fn kpi_rows_hold_text_numbers_blanks_and_formulas_with_cached_values() {
        let mut wb = open(&sample());
        let r1 = KPI_HEADER_ROW + 1;
        let r2 = r1 + 1;
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::NAME),
            Data::String("=SUM(A1:A2) จำนวนเรื่อง".to_owned())
        );
        assert_eq!(formula_at(&mut wb, KPI_SHEET, r2, kc::NAME), "");
        // Unreported: the result is blank, the score and weighted score cache "".
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::RESULT1 + 1), Data::Empty);
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::SCORE1 + 1),
            Data::String(String::new())
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1 + 1),
            Data::String(String::new())
        );
        // 7 between T2 = 8 and T3 = 6 of a lower-is-better KPI: 2.5; weight 60 → 1.5.
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::SCORE1), Data::Float(2.5));
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1),
            Data::Float(1.5)
        );
        // 12 is below T1 = 10: 0 under the default rule.
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::SCORE1 + 2),
            Data::Float(0.0)
        );
        // Stepped: 184 → 2, 500 → 4, 900 → 5.
        assert_eq!(cell(&mut wb, KPI_SHEET, r2, kc::SCORE1), Data::Float(2.0));
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::SCORE1 + 1),
            Data::Float(4.0)
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::WEIGHTED1 + 2),
            Data::Float(2.0)
        );
        let f = formula_at(&mut wb, KPI_SHEET, r1, kc::SCORE1);
        assert!(f.contains("'ภาพรวม'!$D$3"), "{f}");
        assert!(f.contains("$P4") && f.contains("$J4:$N4"), "{f}");
        assert_eq!(
            formula_at(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1),
            "IF(ISNUMBER($T4),ROUND($T4*$G4/100,4),\"\")"
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::REVISIONS),
            Data::String("ทส.2 Q2: 480 → 500".to_owned())
        );
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::REVISIONS), Data::Empty);
    }

    #[test]
    fn overview_rolls_up_the_kpi_block_of_each_division() {
        let mut wb = open(&sample());
        let row = OV_HEADER_ROW + 1;
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL),
            Data::Float(0.0)
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL + 1),
            Data::String(BelowLevel1::Zero.describe_th().to_owned())
        );
        assert_eq!(
            formula_at(&mut wb, OVERVIEW_SHEET, row, ov::COUNT),
            "SUMPRODUCT(--('ตัวชี้วัด'!$B$4:$B$5=$B6))"
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, row, ov::COUNT),
            Data::Float(2.0)
        );
        assert_eq!(
            formula_at(&mut wb, OVERVIEW_SHEET, row, ov::WEIGHT),
            "SUM('ตัวชี้วัด'!$G$4:$G$5)"
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, row, ov::WEIGHT),
            Data::Float(100.0)
        );
        let q1 = formula_at(&mut wb, OVERVIEW_SHEET, row, ov::Q1);
        assert!(q1.contains("'ตัวชี้วัด'!$T$4:$T$5"), "{q1}");
        // Q1: (60·2.5 + 40·2)/100 = 2.3; Q2: only the second KPI reported, 4;
        // Q3: (60·0 + 40·5)/100 = 2; Q4: nothing reported.
        let scores: Vec<Data> = (0..4)
            .map(|q| cell(&mut wb, OVERVIEW_SHEET, row, ov::Q1 + q))
            .collect();
        assert_eq!(
            scores,
            [
                Data::Float(2.3),
                Data::Float(4.0),
                Data::Float(2.0),
                Data::String(String::new())
            ]
        );
        let Data::String(note) = cell(&mut wb, OVERVIEW_SHEET, row, ov::NOTE) else {
            panic!("no note");
        };
        assert_eq!(note, "ไตรมาสที่ 2 รายงานไม่ครบ (1/2 ตัวชี้วัด)");
    }

    #[test]
    fn the_below_level_one_rule_is_stated_and_cached() {
        let mut one = sample();
        one.below_level1 = BelowLevel1::One;
        let mut wb = open(&one);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL),
            Data::Float(1.0)
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL + 1),
            Data::String(BelowLevel1::One.describe_th().to_owned())
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, KPI_HEADER_ROW + 1, kc::SCORE1 + 2),
            Data::Float(1.0)
        );
    }

    #[test]
    fn divisions_without_kpis_or_with_invalid_criteria_are_noted() {
        let mut bad = kpi(
            "ผด. 1",
            "เกณฑ์ไม่เรียงลำดับ",
            30.0,
            KpiKind::Interpolated,
            Direction::HigherIsBetter,
            [0.0, 150.0, 140.0, 450.0, 826.0],
            [Some(100.0), None, None, None],
        );
        bad.target = "826".to_owned();
        let good = kpi(
            "ผด. 2",
            "ปกติ",
            70.0,
            KpiKind::Milestone,
            Direction::HigherIsBetter,
            [0.0; 5],
            [Some(4.8), None, None, None],
        );
        let input = input(vec![
            division("ว่าง", vec![]),
            division("ผด.", vec![bad, good]),
        ]);
        let mut wb = open(&input);
        let empty = OV_HEADER_ROW + 1;
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty, ov::COUNT),
            Data::Float(0.0)
        );
        assert_eq!(cell(&mut wb, OVERVIEW_SHEET, empty, ov::Q1), Data::Empty);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty, ov::NOTE),
            Data::String("ไม่มีตัวชี้วัด".to_owned())
        );
        let Data::String(note) = cell(&mut wb, OVERVIEW_SHEET, empty + 1, ov::NOTE) else {
            panic!("no note");
        };
        assert!(note.contains("ผด. 1: คำนวณคะแนนไม่ได้"), "{note}");
        // The invalid KPI's scores are blank, not formulas; the milestone scores 4.8 alone.
        let r = KPI_HEADER_ROW + 1;
        assert_eq!(cell(&mut wb, KPI_SHEET, r, kc::SCORE1), Data::Empty);
        assert_eq!(formula_at(&mut wb, KPI_SHEET, r, kc::SCORE1), "");
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r + 1, kc::SCORE1),
            Data::Float(4.8)
        );
        assert_eq!(cell(&mut wb, KPI_SHEET, r + 1, kc::T1), Data::Empty);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty + 1, ov::Q1),
            Data::Float(4.8)
        );
    }

    #[test]
    fn an_empty_year_still_builds() {
        let mut wb = open(&input(Vec::new()));
        assert_eq!(wb.sheet_names().len(), 5);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_HEADER_ROW, ov::CODE),
            Data::String("รหัสหน่วยงาน".to_owned())
        );
    }

    #[test]
    fn plans_submissions_and_diagnostics_are_listed() {
        let mut input = sample();
        let plan = &mut input.divisions[0].submission.plan;
        plan.process = "กระบวนการ".to_owned();
        plan.tier_quality = "≥ 826".to_owned();
        let mut with_activity = division("กก.", vec![]);
        let mut months: [String; 12] = Default::default();
        months[11] = "↔".to_owned();
        with_activity
            .submission
            .plan
            .activities
            .push(crate::domain::model::Activity {
                name: "@ประชุม".to_owned(),
                months,
                budget: "-".to_owned(),
                owner: "+ผอ.".to_owned(),
            });
        input.divisions.push(with_activity);
        input.divisions.push(division("วง.", vec![]));
        input.submissions.push(SubmissionRow {
            file: "ทส./kpi.xlsx".to_owned(),
            division_code: "ทส.".to_owned(),
            division_name: "หน่วยงาน ทส.".to_owned(),
            received_at: "2021-10-05 09:30".to_owned(),
            status: crate::check::validate::Status::Rejected,
            errors: 2,
            warnings: 1,
            current: true,
            removed: true,
            revisions: input.divisions[0].revisions.clone(),
            sha256: "ab".repeat(32),
        });
        input.missing.push(MissingDivision {
            code: "ขม.".to_owned(),
            name: "หน่วยงานที่ขาดส่ง".to_owned(),
            folder: "absent".to_owned(),
        });
        input.diagnostics.push(DiagnosticRow {
            file: "ทส./kpi.xlsx".to_owned(),
            division_code: "ทส.".to_owned(),
            severity: Severity::Error,
            code: "missing-field".to_owned(),
            sheet: "หน่วยงาน".to_owned(),
            cell: "B4".to_owned(),
            message_th: "-ไม่ได้กรอก".to_owned(),
            message_en: "missing".to_owned(),
        });
        let mut wb = open(&input);
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

        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 4), s("ไม่รับ (ต้องแก้ไข)"));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 5), Data::Float(2.0));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 7), s("✓"));
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p, 8), s("ลบแล้ว"));
        assert_eq!(
            cell(&mut wb, SUBMISSIONS_SHEET, p, 9),
            s("ทส.2 Q2: 480 → 500")
        );
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 0), s("absent"));
        assert_eq!(
            cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 4),
            s(MISSING_LABEL_TH)
        );
        assert_eq!(cell(&mut wb, SUBMISSIONS_SHEET, p + 1, 5), Data::Empty);

        assert_eq!(cell(&mut wb, DIAGNOSTICS_SHEET, p, 4), s("ข้อผิดพลาด"));
        assert_eq!(cell(&mut wb, DIAGNOSTICS_SHEET, p, 6), s("-ไม่ได้กรอก"));
    }

    #[test]
    fn the_chart_grows_with_the_divisions_up_to_a_cap() {
        assert_eq!(chart_width(1), CHART_MIN_WIDTH);
        assert!(chart_width(20) > CHART_MIN_WIDTH);
        assert_eq!(chart_width(500), CHART_MAX_WIDTH);
        assert_eq!(chart_width(u32::MAX), CHART_MAX_WIDTH);
    }
}
