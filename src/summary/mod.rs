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
//! to an earlier row; results are set on each [`Formula`](rust_xlsxwriter::Formula) itself. So any sheet can move to a
//! constant-memory worksheet (`Workbook::add_worksheet_with_low_memory`) without other changes.
//!
//! One module per sheet (`overview`, `chart`, `kpis`, `plan`, `submissions`, `diagnostics`,
//! `status_sheet` with the rounds' figures from `status`, `history`; what a version received
//! after a round closed changes is worked out in `after_close`), the index of a split summary
//! in `index`, and what they share in `styles` and `figures`.

pub mod after_close;
pub mod history;
pub mod publish;

mod chart;
mod diagnostics;
mod figures;
mod index;
mod kpis;
mod overview;
mod plan;
pub mod status;
mod status_sheet;
mod styles;
mod submissions;
#[cfg(test)]
mod tests;

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use crate::domain::diagnostic::Severity;
use crate::domain::model::{BelowLevel1, FiscalYear, Quarter, Submission};
use styles::Styles;

pub use chart::{band_title, per_division_title};
pub use index::{BOOKS_SHEET, IndexInput, IndexRow, build_index, index_rows, index_to_bytes};
pub use overview::{REJECTED_LABEL_TH, SENT_LABEL_TH};
pub use submissions::SET_ASIDE_LABEL_TH;

/// A change to a figure a division had already reported, between two accepted versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub kpi_code: String,
    pub quarter: Quarter,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

impl Revision {
    /// "สตป. 02 ไตรมาส 2: 184 → 190": Thai text for the summary's sheets, so the quarter in
    /// Thai words too.
    pub fn describe(&self) -> String {
        let n = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |x| x.to_string());
        format!(
            "{} ไตรมาส {}: {} → {}",
            self.kpi_code,
            self.quarter.number(),
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
    /// Set aside by hand (`kpiwatch exclude`), with the reason given.
    pub set_aside: Option<String>,
    /// Received after a round closed: what it changes against the closed snapshot, one line a
    /// closed round ([`after_close::AfterClose::describe_th`]).
    pub after_close: Vec<String>,
    /// Who certified the version: "name (position) date", or "".
    pub certified_by: String,
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
    /// Rounds closed and reopened, versions set aside and counted again, oldest first.
    pub history: Vec<history::HistoryRow>,
    /// Every division's status in each reporting round; the status sheet is written when set.
    pub status: Option<status::StatusBoard>,
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

pub const OVERVIEW_SHEET: &str = "ภาพรวม";
pub const CHART_SHEET: &str = "แผนภูมิ";
pub const KPI_SHEET: &str = "ตัวชี้วัด";
pub const PLAN_SHEET: &str = "แผนกระบวนการ";
pub const SUBMISSIONS_SHEET: &str = "การส่งไฟล์";
pub const DIAGNOSTICS_SHEET: &str = "ข้อผิดพลาด";
pub const HISTORY_SHEET: &str = "ประวัติการดำเนินการ";
pub const STATUS_SHEET: &str = "สถานะการส่งรายงาน";

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
            .set_title(overview::overview_title(fy))
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
    let st = Styles::new().framed(input.fiscal_year, &input.generated_at);
    let scored = figures::score_all(input);
    let mut wb = new_workbook(
        &st,
        input.fiscal_year,
        input.below_level1,
        "สรุปผลตัวชี้วัดรายไตรมาส / KPI summary",
    )?;
    overview::overview_sheet(wb.add_worksheet_with_low_memory()?, input, &scored, &st)?;
    let mut scores: Vec<[Option<f64>; 4]> = scored
        .iter()
        .map(|d| d.division.map(|ds| ds.score))
        .collect();
    let scored_rows = scores.len() as u32;
    scores.resize(scores.len() + overview::unaccepted(input).len(), [None; 4]);
    chart::chart_sheet(
        wb.add_worksheet(),
        &chart::ChartInput {
            fiscal_year: input.fiscal_year,
            rows: scores.len() as u32,
            per_division: (scored_rows as usize <= chart::PER_DIVISION_MAX).then_some(scored_rows),
            scores: &scores,
        },
        &st,
    )?;
    kpis::kpi_sheet(wb.add_worksheet_with_low_memory()?, input, &scored, &st)?;
    plan::plan_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    submissions::submissions_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    diagnostics::diagnostics_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    if let Some(board) = &input.status {
        status_sheet::status_sheet(wb.add_worksheet_with_low_memory()?, input, board, &st)?;
    }
    // Only a year with changes made by hand has a history: an empty one printed a blank page.
    if !input.history.is_empty() {
        history::history_sheet(wb.add_worksheet_with_low_memory()?, input, &st)?;
    }
    Ok(wb)
}

/// Builds the summary workbook into memory.
pub fn to_bytes(input: &SummaryInput) -> Result<Vec<u8>, XlsxError> {
    build(input)?.save_to_buffer()
}
