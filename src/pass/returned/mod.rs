//! The returned workbook: a judged version given back to its division in the current template,
//! with every value it entered (text kpiwatch could not read kept as typed), each cell with a
//! finding marked and annotated in Thai and English, and a first sheet with the verdict.

mod front;

use std::collections::BTreeMap;

use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Note, Workbook, XlsxError};
use thiserror::Error;

use crate::check::validate::Status;
use crate::config::ReturnedWorkbooks;
use crate::domain::diagnostic::DiagnosticRecord;
use crate::domain::model::{BelowLevel1, Submission};
use crate::workbook::layout::{self, ColumnKey, Key, ValueType};
use crate::workbook::reader::{Sources, parse_reference};
use crate::workbook::template::{
    self, FONT, Formats, TemplateError, TemplateOptions, Typed, kpi_sheet_name, marked_format,
};

pub use front::FRONT_SHEET;

#[derive(Debug, Error)]
pub enum ReturnedError {
    #[error("cannot build the returned workbook: {0}")]
    Template(#[from] TemplateError),
    #[error("cannot build the returned workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// What a returned workbook is made of: the version as read and as judged.
#[derive(Debug, Clone, Copy)]
pub struct ReturnedInput<'a> {
    /// The file, relative to the inbox.
    pub file: &'a str,
    pub received_at: &'a str,
    pub status: Status,
    /// The whole submission as read (not the ledger's slimmed copy).
    pub submission: &'a Submission,
    pub sources: &'a Sources,
    /// Every finding as recorded, the checks between files included.
    pub diagnostics: &'a [DiagnosticRecord],
    pub below_level1: BelowLevel1,
}

/// Where the returned workbook of inbox file `file` goes, relative to the receipts folder:
/// beside its receipt, `<inbox path>.returned.xlsx` (made portable).
pub fn returned_path(file: &str) -> String {
    crate::pass::names::returned_path(file)
}

/// Whether a version gets a returned workbook, as `[receipts] returned_workbook` says. By
/// default one with findings, to fix or to check: building one costs 7–11 ms of CPU, more than
/// reading, judging and recording the file, so for every version of a cold run of 10,000 it
/// would be over 30 s on two cores (docs/performance.md).
pub fn wanted(setting: ReturnedWorkbooks, diagnostics: &[DiagnosticRecord]) -> bool {
    match setting {
        ReturnedWorkbooks::WithFindings => !diagnostics.is_empty(),
        ReturnedWorkbooks::EveryVersion => true,
        ReturnedWorkbooks::Off => false,
    }
}

/// A cell of the submitted file, and where the same value sits in the current template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Field(Key),
    Kpi(usize, Key),
    Log(usize, ColumnKey),
}

impl Slot {
    /// The sheet, row and column of this value in the current template.
    fn cell(self) -> Option<(String, u32, u16)> {
        let table = &*layout::LOG_TABLE;
        match self {
            Slot::Field(key) => {
                let f = layout::field(key);
                let sheet = match f.sheet {
                    layout::SheetRole::Division => layout::DIVISION_SHEET,
                    layout::SheetRole::Plan => layout::PLAN_SHEET,
                    _ => return None,
                };
                Some((sheet.to_owned(), f.row, f.col))
            }
            Slot::Kpi(i, key) => {
                let f = layout::field(key);
                Some((kpi_sheet_name(i + 1), f.row, f.col))
            }
            Slot::Log(i, column) => {
                let col = table.columns.iter().position(|c| c.key == column)?;
                let row = table.first_row().checked_add(u32::try_from(i).ok()?)?;
                Some((layout::LOG_SHEET.to_owned(), row, col as u16))
            }
        }
    }

    fn value_type(self) -> ValueType {
        match self {
            Slot::Field(key) | Slot::Kpi(_, key) => layout::field(key).ty,
            Slot::Log(_, column) => layout::LOG_TABLE
                .columns
                .iter()
                .find(|c| c.key == column)
                .map_or(ValueType::Text, |c| c.ty),
        }
    }
}

/// The value read from (row, col) of `sheet` in the submitted file, if any was.
fn slot_of(sources: &Sources, sheet: &str, (row, col): (u32, u16)) -> Option<Slot> {
    let find = |cells: &foldhash::HashMap<Key, (u32, u16)>| {
        cells
            .iter()
            .filter(|(_, at)| **at == (row, col))
            .map(|(k, _)| *k)
            // Two fields never share a cell in a real file; if a crafted one has them, the
            // same one is chosen every time.
            .min_by(|a, b| layout::field(*a).name.cmp(&layout::field(*b).name))
    };
    if sources.division_sheet.as_deref() == Some(sheet)
        && let Some(key) = find(&sources.division)
    {
        return Some(Slot::Field(key));
    }
    if sources.plan_sheet.as_deref() == Some(sheet)
        && let Some(key) = find(&sources.plan)
    {
        return Some(Slot::Field(key));
    }
    for (i, k) in sources.kpis.iter().enumerate() {
        if k.sheet == sheet
            && let Some(key) = find(&k.cells)
        {
            return Some(Slot::Kpi(i, key));
        }
    }
    if sources.log_sheet.as_deref() == Some(sheet) {
        let entry = sources.log_rows.iter().position(|&r| r == row)?;
        let column = sources
            .log_columns
            .iter()
            .filter(|(_, c)| **c == col)
            .map(|(k, _)| *k)
            .min_by_key(|k| layout::LOG_TABLE.columns.iter().position(|c| c.key == *k))?;
        return Some(Slot::Log(entry, column));
    }
    None
}

/// (row, col) of an A1 reference such as "B11".
fn a1(cell: &str) -> Option<(u32, u16)> {
    parse_reference(&format!("A!{cell}")).map(|(_, r, c)| (r, c))
}

/// Where a finding goes in the returned workbook: its value's cell in the current template, or
/// `None` for a finding that names no cell kpiwatch read a value from (first sheet only).
fn place_of(sources: &Sources, d: &DiagnosticRecord) -> Option<(Slot, (String, u32, u16))> {
    // The returned workbook is the current template: its own version cell already says what
    // the finding asks for, so a note there would contradict the cell it sits on.
    if d.code == "template-version" {
        return None;
    }
    let slot = slot_of(sources, d.sheet.as_deref()?, a1(d.cell.as_deref()?)?)?;
    if slot == Slot::Field(Key::TemplateVersion) {
        return None;
    }
    Some((slot, slot.cell()?))
}

/// What the division typed in each cell the reader could not read, by its place in the
/// current template.
fn typed_texts(sources: &Sources) -> Typed {
    let mut typed = Typed::default();
    for t in &sources.typed {
        match slot_of(sources, &t.sheet, (t.row, t.col)) {
            // kpiwatch's own cell: the returned workbook is the current template.
            Some(Slot::Field(Key::TemplateVersion)) => {}
            Some(Slot::Field(key)) => {
                typed.fields.insert(key, t.text.clone());
            }
            Some(Slot::Kpi(i, key)) => {
                typed.kpis.insert((i, key), t.text.clone());
            }
            Some(Slot::Log(i, column)) => {
                typed.log.insert((i, column), t.text.clone());
            }
            None => {}
        }
    }
    typed
}

/// A note's text: each finding at the cell, Thai then English.
fn note_text(findings: &[&DiagnosticRecord]) -> String {
    let mut lines = Vec::new();
    for d in findings {
        lines.push(format!("[{}] {}", d.severity.label_th(), d.message_th));
        lines.push(format!(
            "[{}] {} ({})",
            d.severity.label_en(),
            d.message_en,
            d.code
        ));
    }
    bounded_text(&lines.join("\n"))
}

/// `text` within what one cell or note may hold.
pub(crate) fn bounded_text(text: &str) -> String {
    crate::domain::bounded::cut_utf16(text, 30_000).unwrap_or_else(|| text.to_owned())
}

/// Builds the returned workbook into memory.
pub fn to_bytes(input: &ReturnedInput<'_>) -> Result<Vec<u8>, ReturnedError> {
    let mut wb = build(input)?;
    // As the summary books: written for many versions in one pass, read by people.
    wb.set_zip_compression_level(1);
    Ok(wb.save_to_buffer()?)
}

/// Builds the returned workbook.
pub fn build(input: &ReturnedInput<'_>) -> Result<Workbook, ReturnedError> {
    let sub = input.submission;
    let mut places: BTreeMap<(String, u32, u16), (Slot, Vec<&DiagnosticRecord>)> = BTreeMap::new();
    let mut links = Vec::with_capacity(input.diagnostics.len());
    for d in input.diagnostics {
        let place = place_of(input.sources, d);
        if let Some((slot, cell)) = &place {
            places
                .entry(cell.clone())
                .or_insert((*slot, Vec::new()))
                .1
                .push(d);
        }
        links.push(place.map(|(_, cell)| cell));
    }
    let front = front::front_sheet(input, &links)?;
    let opts = TemplateOptions {
        kpi_sheets: if sub.kpis.is_empty() {
            layout::DEFAULT_KPI_SHEETS
        } else {
            sub.kpis.len()
        },
        fiscal_year: None,
    };
    let mut wb = template::build_with(sub, &opts, &typed_texts(input.sources), Some(front))?;
    let fmt = Formats::new();
    for ((sheet, row, col), (slot, findings)) in &places {
        let ws = wb.worksheet_from_name(sheet)?;
        ws.set_cell_format(*row, *col, &marked_format(slot.value_type(), &fmt))?;
        let note = Note::new(note_text(findings))
            .set_author("kpiwatch")
            .add_author_prefix(false)
            .set_font_name(FONT)
            .set_font_size(14)
            .set_width(360)
            .set_height(40 + 44 * findings.len() as u32);
        ws.insert_note(*row, *col, &note)?;
    }
    Ok(wb)
}

/// "'ตัวชี้วัด 1'!B11": a place in the returned workbook as people write it.
fn place_text(sheet: &str, row: u32, col: u16) -> String {
    format!("'{sheet}'!{}", row_col_to_cell(row, col))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnostic::Severity;
    use crate::domain::samples;
    use crate::workbook::reader::{self, Limits};

    fn record(sheet: Option<&str>, cell: Option<&str>) -> DiagnosticRecord {
        DiagnosticRecord {
            severity: Severity::Error,
            code: "weight-out-of-range".into(),
            sheet: sheet.map(str::to_owned),
            cell: cell.map(str::to_owned),
            message_th: "น้ำหนักไม่ถูกต้อง".into(),
            message_en: "the weight is wrong".into(),
        }
    }

    #[test]
    fn a_returned_workbook_reads_back_as_what_was_sent() {
        let sub = samples::inspection_office();
        let bytes = template::to_bytes(
            &sub,
            &TemplateOptions {
                kpi_sheets: sub.kpis.len(),
                fiscal_year: None,
            },
        )
        .unwrap();
        let read = reader::read(&bytes, &Limits::default());
        let weight = layout::field(Key::Weight).a1();
        let findings = [record(Some("ตัวชี้วัด 1"), Some(&weight)), record(None, None)];
        let returned = to_bytes(&ReturnedInput {
            file: "inspection-office/kpi-2564.xlsx",
            received_at: "2021-01-15 09:30:00",
            status: Status::Rejected,
            submission: &read.submission,
            sources: &read.sources,
            diagnostics: &findings,
            below_level1: BelowLevel1::Zero,
        })
        .unwrap();
        let again = reader::read(&returned, &Limits::default());
        assert_eq!(again.submission, read.submission);
        assert_eq!(
            again.diagnostics.len(),
            read.diagnostics.len(),
            "{:?}",
            again.diagnostics
        );
    }

    #[test]
    fn more_kpis_than_the_template_holds_make_an_error_not_a_panic() {
        let mut sub = samples::inspection_office();
        let kpi = sub.kpis[0].clone();
        sub.kpis = vec![kpi; template::MAX_KPI_SHEETS + 1];
        let findings = [record(None, None)];
        let built = to_bytes(&ReturnedInput {
            file: "a.xlsx",
            received_at: "2021-01-15 09:30:00",
            status: Status::Rejected,
            submission: &sub,
            sources: &Sources::default(),
            diagnostics: &findings,
            below_level1: BelowLevel1::Zero,
        });
        assert!(matches!(built, Err(ReturnedError::Template(_))));
    }

    #[test]
    fn a_finding_goes_to_the_cell_its_value_is_in_now() {
        let mut sources = Sources::default();
        sources.kpis.push(crate::workbook::reader::KpiSource {
            sheet: "KPI copy".into(),
            cells: [(Key::Weight, (12, 1))].into_iter().collect(),
        });
        let d = record(Some("KPI copy"), Some("B13"));
        let (slot, cell) = place_of(&sources, &d).unwrap();
        assert_eq!(slot, Slot::Kpi(0, Key::Weight));
        let f = layout::field(Key::Weight);
        assert_eq!(cell, (kpi_sheet_name(1), f.row, f.col));
        assert!(place_of(&sources, &record(Some("KPI copy"), Some("Z99"))).is_none());
        assert!(place_of(&sources, &record(None, None)).is_none());
    }

    /// The first sheet's XML of the returned workbook of the inspection office.
    fn front_xml(status: Status, findings: &[DiagnosticRecord]) -> String {
        let sub = samples::inspection_office();
        let bytes = to_bytes(&ReturnedInput {
            file: "a.xlsx",
            received_at: "2021-01-15 09:30:00",
            status,
            submission: &sub,
            sources: &Sources::default(),
            diagnostics: findings,
            below_level1: BelowLevel1::Zero,
        })
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    }

    #[test]
    fn the_findings_header_goes_to_a_new_page_with_first_rows_too_tall_to_follow_it() {
        let mut long = record(None, None);
        long.message_th = "ช่องนี้ต้องกรอกตัวเลข ".repeat(40);
        let xml = front_xml(Status::Rejected, &[long.clone(), long]);
        // Row 11 (1-based) is the header: the break is between rows 10 and 11.
        assert!(
            xml.contains(r#"<brk id="10" max="16383" man="1"/>"#),
            "{xml}"
        );
    }

    #[test]
    fn a_template_version_finding_stays_on_the_first_sheet() {
        let mut sources = Sources::default();
        let version = layout::field(Key::TemplateVersion);
        sources.division_sheet = Some(layout::DIVISION_SHEET.into());
        sources
            .division
            .insert(Key::TemplateVersion, (version.row, version.col));
        let mut d = record(Some(layout::DIVISION_SHEET), Some(&version.a1()));
        d.code = "template-version".into();
        assert!(place_of(&sources, &d).is_none());
        d.code = "missing-field".into();
        assert!(place_of(&sources, &d).is_none());
    }
}
