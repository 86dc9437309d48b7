//! The planning office's summary workbook for one fiscal year: overview, every KPI, process
//! plans, submissions and diagnostics, in Thai, ready to print. Every computed figure is a live
//! formula over the inputs shown in the workbook, with kpiwatch's own value cached.

use crate::model::{BelowLevel1, FiscalYear, Quarter, Submission};

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
    /// When kpiwatch received that version, local time, "YYYY-MM-DD HH:MM".
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
    pub status: crate::validate::Status,
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
    /// "error" / "warning".
    pub severity: String,
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
    /// Local time of the run, "YYYY-MM-DD HH:MM", shown on the overview.
    pub generated_at: String,
    /// Sorted by division code.
    pub divisions: Vec<DivisionEntry>,
    pub submissions: Vec<SubmissionRow>,
    pub missing: Vec<MissingDivision>,
    pub diagnostics: Vec<DiagnosticRow>,
}
