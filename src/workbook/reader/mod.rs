//! Reads a filled template with calamine (.xlsx, .xlsm, .xlsb, .xls, .ods) into a
//! [`Submission`], remembering which cell every value came from. Fields are found by defined
//! name, or by their Thai labels when a sheet was copied or re-saved by a program that dropped
//! the names. Problems with single cells become diagnostics; nothing here panics on input.

mod book;
mod cells;
mod fields;
mod locate;
mod open;
mod percent;
mod sheet;
mod tables;
#[cfg(test)]
mod tests;

// The maps here are keyed by field keys and cell positions, hashed for every field of
// 10,000 workbooks: foldhash, not std's SipHash (keys come from the crate's own layout or
// are bounded by the file limits, so flooding is not a concern).
use foldhash::HashMap;
use rust_xlsxwriter::utility::row_col_to_cell;

use crate::domain::diagnostic::{Diagnostic, Finding, Location};
use crate::domain::model::Submission;
use crate::workbook::layout::{ColumnKey, Key};

pub use cells::data_text;
pub use locate::parse_reference;

/// Limits that keep a hostile or broken file from exhausting memory. The sizes a zip's central
/// directory declares are checked before anything is decompressed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest uncompressed size of any one part of the file (a sheet's XML).
    pub max_part_bytes: u64,
    /// Largest uncompressed size of all parts together.
    pub max_total_bytes: u64,
    /// Largest file read at all (legacy .xls has no zip directory to check).
    pub max_file_bytes: u64,
    /// Most non-empty cells one sheet may hold. The whole standard template has about
    /// 1,400; a detail log of 10,000 rows about 70,000.
    pub max_cells_per_sheet: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_part_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_file_bytes: 64 << 20,
            max_cells_per_sheet: 500_000,
        }
    }
}

/// A workbook as read: the submission, where each value came from, and what went wrong.
#[derive(Debug, Clone, Default)]
pub struct ReadWorkbook {
    pub submission: Submission,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where each value of a [`Submission`] was found, so later checks can name the cell.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub division_sheet: Option<String>,
    /// (row, column) of each division field read, on `division_sheet`.
    pub division: HashMap<Key, (u32, u16)>,
    /// One per KPI of the submission, in the same order.
    pub kpis: Vec<KpiSource>,
    pub log_sheet: Option<String>,
    /// One per log entry: the row (zero-based) it was read from.
    pub log_rows: Vec<u32>,
    pub log_columns: HashMap<ColumnKey, u16>,
    pub plan_sheet: Option<String>,
    /// (row, column) of each process-plan field read, on `plan_sheet`.
    pub plan: HashMap<Key, (u32, u16)>,
    /// The text in each cell a reading finding names, when it is text (or a formula, or an
    /// error value) the submission could not keep: what the division typed, to give back.
    pub typed: Vec<TypedCell>,
}

/// What a cell held as typed, at (row, column) of `sheet`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedCell {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct KpiSource {
    pub sheet: String,
    /// (row, column) of each field read, on `sheet`.
    pub cells: HashMap<Key, (u32, u16)>,
}

impl Sources {
    /// The cell a KPI field was read from, or at least its sheet.
    pub fn kpi(&self, index: usize, key: Key) -> Location {
        match self.kpis.get(index) {
            Some(k) => match k.cells.get(&key) {
                Some(&(row, col)) => cell_location(&k.sheet, row, col),
                None => Location::sheet(k.sheet.clone()),
            },
            None => Location::file(),
        }
    }

    pub fn division(&self, key: Key) -> Location {
        match (&self.division_sheet, self.division.get(&key)) {
            (Some(s), Some(&(row, col))) => cell_location(s, row, col),
            (Some(s), None) => Location::sheet(s.clone()),
            (None, _) => Location::file(),
        }
    }

    pub fn log(&self, index: usize, column: ColumnKey) -> Location {
        match (&self.log_sheet, self.log_rows.get(index)) {
            (Some(sheet), Some(&row)) => match self.log_columns.get(&column) {
                Some(&col) => cell_location(sheet, row, col),
                None => Location::sheet(sheet.clone()),
            },
            _ => Location::file(),
        }
    }
}

/// Where a finding about the cell at (row, col) of `sheet` is: the cell's A1 name. A position
/// beyond Excel's grid (only a crafted file has one) has no A1 name, so the sheet is the place.
fn cell_location(sheet: &str, row: u32, col: u16) -> Location {
    const ROWS: u32 = 1 << 20;
    const COLUMNS: u16 = 1 << 14;
    if row < ROWS && col < COLUMNS {
        Location::cell(sheet, row_col_to_cell(row, col))
    } else {
        Location::sheet(sheet)
    }
}

/// Reads a workbook from its bytes. Never fails: a file that cannot be read at all yields an
/// empty submission with an error diagnostic.
pub fn read(bytes: &[u8], limits: &Limits) -> ReadWorkbook {
    let mut out = ReadWorkbook::default();
    let opened = guarded(|| open::open(bytes, limits)).unwrap_or_else(|panic| {
        Err(Finding::NotAWorkbook {
            detail: format!("the file is damaged; the workbook reader stopped: {panic}"),
        })
    });
    match opened {
        Ok(sheets) => book::Book::new(sheets, bytes, limits).read_into(&mut out),
        Err(finding) => out
            .diagnostics
            .push(Diagnostic::new(finding, Location::file())),
    }
    out
}

thread_local! {
    /// Set while calamine runs on this thread: its panics are expected on damaged files.
    static IN_CALAMINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a calamine call so that a panic inside it (calamine asserts on some damaged files,
/// found by fuzzing) becomes an error for that one file instead of killing kpiwatch. The panic
/// is not printed: it is reported as a finding. Panics elsewhere are printed as usual.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CALAMINE.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    IN_CALAMINE.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_CALAMINE.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".to_owned())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}
