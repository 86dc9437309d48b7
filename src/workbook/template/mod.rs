//! Writes the standard KPI template from [`crate::workbook::layout`]: blank for divisions to fill, or
//! filled from a [`Submission`] (the bundled examples and test fixtures). Thai labels, TH Sarabun
//! New, shaded unlocked input cells, protected sheets, drop-downs and A4 print setup.

mod cells;
mod computed;
mod division;
mod instructions;
mod kpi;
pub mod measure;
mod style;
mod tables;

use std::path::Path;

use std::collections::HashMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};
use thiserror::Error;

use crate::domain::model::{FiscalYear, Submission};
use crate::output;
use crate::workbook::layout::{self, ColumnKey, Key};

pub use kpi::kpi_sheet_name;
pub use style::{Formats, marked_format};
pub(crate) use style::{page_frame, print_setup};
pub(crate) use tables::month_headers;

pub const FONT: &str = "TH Sarabun New";
pub const FONT_SIZE: f64 = 16.0;
pub const TABLE_FONT_SIZE: f64 = 14.0;
/// Row height in points for one line of 16 pt Thai text.
pub const ROW_HEIGHT: f64 = 24.0;
/// A4 in Excel's paper-size numbering.
pub const PAPER_A4: u8 = 9;

#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("--kpis must be between 1 and {max}, got {got}")]
    KpiCount { got: usize, max: usize },
}

/// Most KPI sheets a template may have; Excel copes with more, people do not.
pub const MAX_KPI_SHEETS: usize = 50;

/// What to generate.
#[derive(Debug, Clone)]
pub struct TemplateOptions {
    /// Number of KPI sheets (at least as many as the submission's KPIs).
    pub kpi_sheets: usize,
    /// Pre-fills the fiscal year and dates the plan's month headers ("ต.ค. ๖๓").
    pub fiscal_year: Option<FiscalYear>,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        Self {
            kpi_sheets: layout::DEFAULT_KPI_SHEETS,
            fiscal_year: None,
        }
    }
}

/// Texts written in place of a submission's values: what a division typed into cells kpiwatch
/// could not read, given back as typed so the division sees and fixes them (the returned
/// workbook). Division-sheet and plan fields by key, KPI fields by KPI index (0-based) and key,
/// detail-log cells by entry index and column.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub fields: HashMap<Key, String>,
    pub kpis: HashMap<(usize, Key), String>,
    pub log: HashMap<(usize, ColumnKey), String>,
}

/// Builds the template, filled from `sub` (use `Submission::default()` for a blank one).
pub fn build(sub: &Submission, opts: &TemplateOptions) -> Result<Workbook, TemplateError> {
    build_with(sub, opts, &Typed::default(), None)
}

/// Builds the template filled from `sub`, with `typed` texts in place of values, and `front`
/// (if any) as the first sheet, the one the workbook opens on.
pub fn build_with(
    sub: &Submission,
    opts: &TemplateOptions,
    typed: &Typed,
    front: Option<Worksheet>,
) -> Result<Workbook, TemplateError> {
    let kpi_sheets = opts.kpi_sheets.max(sub.kpis.len());
    if kpi_sheets == 0 || kpi_sheets > MAX_KPI_SHEETS {
        return Err(TemplateError::KpiCount {
            got: kpi_sheets,
            max: MAX_KPI_SHEETS,
        });
    }
    let mut sub = sub.clone();
    if sub.fiscal_year.is_none() {
        sub.fiscal_year = opts.fiscal_year;
    }
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    wb.set_default_format(&fmt.base, 28, 64)?;
    // A fixed creation time keeps regenerated templates byte-stable except where content changes.
    wb.set_properties(
        &DocProperties::new()
            .set_title("แบบรายงานผลตัวชี้วัดรายไตรมาส")
            .set_subject("ผลกระบวนการตามภารกิจ / แผนกระบวนการตามภารกิจ")
            .set_author("kpiwatch")
            .set_comment(layout::TEMPLATE_VERSION)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 10, 1)?),
    );
    let mut names = Vec::new();
    let opens_on = match front {
        Some(ws) => {
            wb.push_worksheet(ws);
            0
        }
        // Open on the division sheet, where filling starts.
        None => 1,
    };
    wb.push_worksheet(instructions::instructions_sheet(&fmt)?);
    wb.push_worksheet(division::division_sheet(&sub, typed, &mut names, &fmt)?);
    for i in 0..kpi_sheets {
        wb.push_worksheet(kpi::kpi_sheet(
            i + 1,
            sub.kpis.get(i),
            &|k| typed.kpis.get(&(i, k)).cloned(),
            (&sub.division.name, sub.fiscal_year),
            &mut names,
            &fmt,
        )?);
    }
    wb.push_worksheet(tables::plan_sheet(&sub, typed, &mut names, &fmt)?);
    wb.push_worksheet(tables::log_sheet(&sub, typed, &mut names, &fmt)?);
    for (name, target) in names {
        wb.define_name(&name, &target)?;
    }
    if let Ok(ws) = wb.worksheet_from_index(opens_on) {
        ws.set_active(true);
    }
    Ok(wb)
}

/// Builds the template into memory.
pub fn to_bytes(sub: &Submission, opts: &TemplateOptions) -> Result<Vec<u8>, TemplateError> {
    Ok(build(sub, opts)?.save_to_buffer()?)
}

/// Writes the template to `path` atomically.
pub fn write(path: &Path, sub: &Submission, opts: &TemplateOptions) -> Result<(), TemplateError> {
    let bytes = to_bytes(sub, opts)?;
    output::write_atomic(path, &bytes).map_err(|source| TemplateError::Write {
        path: path.display().to_string(),
        source,
    })
}
