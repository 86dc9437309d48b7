//! The workbook being read: its sheets, loaded at most once each and only when a field needs
//! them, and its defined names resolved to cells; then each part read into the submission.

use calamine::{Data, Reader, Sheets};
use foldhash::{HashMap, HashMapExt};

use super::cells::{Raw, data_ref};
use super::locate::{lowercase, parse_reference};
use super::open::Source;
use super::percent::{Format, PercentCells};
use super::sheet::SheetData;
use super::{Limits, ReadWorkbook, Sources, TypedCell, guarded};
use crate::domain::diagnostic::{Diagnostic, Finding, Location};
use crate::domain::model::Submission;
use crate::workbook::layout;

/// The workbook being read, with each sheet's cells loaded at most once.
pub(super) struct Book<'a> {
    sheets: Sheets<Source<'a>>,
    pub(super) names: Vec<String>,
    /// Defined names (lowercase) resolved to cells of the workbook's sheets, as (index into
    /// `names`, row, col); several per name when sheets were copied. Names pointing elsewhere
    /// (a deleted sheet) are dropped: no field can be there.
    defined: HashMap<String, Vec<(usize, u32, u16)>>,
    /// Each sheet of `names`, once loaded (`Some(None)`: unreadable). Indexed like `names`:
    /// every field lookup goes through here, so no hashing of sheet names.
    ranges: Vec<Option<Option<SheetData>>>,
    pub(super) diagnostics: Vec<Diagnostic>,
    max_cells: usize,
    /// The most text one sheet may hold (see [`SheetData::max_text`]).
    max_text: u64,
    /// Which cells show their number as a percentage, read from the file when asked.
    percent: PercentCells<'a>,
}

impl<'a> Book<'a> {
    pub(super) fn new(sheets: Sheets<Source<'a>>, bytes: &'a [u8], limits: &Limits) -> Self {
        let format = match &sheets {
            Sheets::Xlsx(_) => Format::Xlsx,
            Sheets::Ods(_) => Format::Ods,
            Sheets::Xls(_) | Sheets::Xlsb(_) => Format::Other,
        };
        let percent = PercentCells::new(bytes, format, limits);
        let names = sheets.sheet_names();
        let mut defined: HashMap<String, Vec<(usize, u32, u16)>> = HashMap::new();
        for (name, formula) in sheets.defined_names() {
            if name.starts_with("_xlnm") {
                continue;
            }
            let Some((sheet, row, col)) = parse_reference(formula) else {
                continue;
            };
            let Some(index) = names.iter().position(|n| *n == *sheet) else {
                continue;
            };
            // A template holds hundreds of names, a few dozen distinct and already lowercase:
            // no allocation for the ones already seen.
            let lower = lowercase(name);
            match defined.get_mut(lower.as_ref()) {
                Some(targets) => targets.push((index, row, col)),
                None => {
                    defined.insert(lower.into_owned(), vec![(index, row, col)]);
                }
            }
        }
        let ranges = names.iter().map(|_| None).collect();
        Self {
            sheets,
            names,
            defined,
            ranges,
            diagnostics: Vec::new(),
            max_cells: limits.max_cells_per_sheet,
            max_text: limits.max_total_bytes,
            percent,
        }
    }

    /// Whether the cell at (row, col) of sheet `names[sheet]` shows its number as a percentage.
    pub(super) fn is_percent(&mut self, sheet: usize, row: u32, col: u16) -> bool {
        match self.names.get(sheet) {
            Some(name) => self.percent.is_percent(name, row, col),
            None => false,
        }
    }

    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The targets of a defined name (any case).
    pub(super) fn targets(&self, name: &str) -> &[(usize, u32, u16)] {
        self.defined
            .get(lowercase(name).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn sheet(&mut self, name: &str) -> Option<&mut SheetData> {
        let index = self.index(name)?;
        self.sheet_at(index)
    }

    /// The sheet `names[index]`, loaded on first use.
    pub(super) fn sheet_at(&mut self, index: usize) -> Option<&mut SheetData> {
        if self.ranges[index].is_none() {
            let name = self.names[index].clone();
            let name = name.as_str();
            let loaded = match guarded(|| self.load(name)).unwrap_or_else(|panic| {
                Err(Finding::UnreadableSheet {
                    detail: format!("the sheet is damaged; the workbook reader stopped: {panic}"),
                })
            }) {
                Ok(data) => Some(data),
                Err(finding) => {
                    self.diagnostics
                        .push(Diagnostic::new(finding, Location::sheet(name)));
                    None
                }
            };
            self.ranges[index] = Some(loaded);
        }
        self.ranges[index].as_mut().and_then(Option::as_mut)
    }

    /// Reads one sheet's cells and formulas. For .xlsx it streams the sheet in one pass;
    /// other formats come as a range calamine has already bounded by the file's size.
    fn load(&mut self, name: &str) -> Result<SheetData, Finding> {
        let limit = self.max_cells;
        let unreadable = |e: &dyn std::fmt::Display| Finding::UnreadableSheet {
            detail: e.to_string(),
        };
        let max_text = self.max_text;
        // What `SheetData::add` refused: too many cells, or too much text.
        let too_much = |data: &SheetData| {
            if data.cells.len() > limit {
                Finding::TooManyCells {
                    sheet: name.to_owned(),
                    limit,
                }
            } else {
                Finding::TooLarge {
                    // The sheet is the part: its cells' text, as they would be read.
                    part: format!("\"{name}\""),
                    size: data.refused_text as u64,
                    limit: max_text,
                }
            }
        };
        let mut data = SheetData::new(max_text);
        if let Sheets::Xlsx(xlsx) = &mut self.sheets {
            let mut reader = xlsx
                .worksheet_cells_reader(name)
                .map_err(|e| unreadable(&e))?;
            // The declared extent bounds the cells that follow (styled blanks included), so
            // the list rarely grows; capped, since a file may declare any extent.
            // Computed here rather than by `Dimensions::len`, which overflows on a reversed
            // extent ("Z9:A1") in a damaged file.
            let d = reader.dimensions();
            let rows = d.end.0.saturating_sub(d.start.0).saturating_add(1) as usize;
            let cols = d.end.1.saturating_sub(d.start.1).saturating_add(1) as usize;
            let cells = rows.saturating_mul(cols).min(1 << 12);
            data.cells.reserve(cells);
            data.text.reserve(cells * 16);
            while let Some(cell) = reader
                .next_cell_with_formula()
                .map_err(|e| unreadable(&e))?
            {
                let (row, col) = cell.pos;
                if !data.add(row, col, cell.value, cell.formula, limit) {
                    return Err(too_much(&data));
                }
            }
            return Ok(data.finish());
        }
        let range = self
            .sheets
            .worksheet_range(name)
            .map_err(|e| unreadable(&e))?;
        let formulas = self.sheets.worksheet_formula(name).ok();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            let formula = formulas
                .as_ref()
                .and_then(|f| f.get_value((row, col)).cloned());
            if !data.add(row, col, data_ref(v), formula, limit) {
                return Err(too_much(&data));
            }
        }
        let mut data = data.finish();
        // Formulas on cells with no value at all are not in the value range.
        if let Some(f) = &formulas {
            let (fr, fc) = f.start().unwrap_or((0, 0));
            for (r, c, text) in f.used_cells() {
                let (row, col) = (fr + r as u32, fc + c as u32);
                if let Ok(col) = u16::try_from(col)
                    && data.get(row, col).is_none()
                    && !text.trim().is_empty()
                {
                    data.formulas
                        .entry((row, col))
                        .or_insert_with(|| text.clone());
                }
            }
        }
        Ok(data)
    }

    pub(super) fn raw(&mut self, sheet: usize, row: u32, col: u16) -> Raw {
        let Some(data) = self.sheet_at(sheet) else {
            return Raw::Empty;
        };
        match data.get(row, col) {
            Some(v) => Raw::Value(v.into()),
            None => match data.formulas.get(&(row, col)) {
                Some(f) => Raw::Formula(f.clone()),
                None => Raw::Empty,
            },
        }
    }

    /// Reads every part of the workbook into `out`.
    pub(super) fn read_into(mut self, out: &mut ReadWorkbook) {
        let mut sub = Submission::default();
        let mut sources = Sources::default();
        self.read_division(&mut sub, &mut sources);
        self.read_kpis(&mut sub, &mut sources);
        if let Some(sheet) = self.find_sheet(layout::PLAN_SHEET, &layout::PLAN_TABLE) {
            self.read_plan(&sheet, &mut sub, &mut sources);
            sub.plan.activities = self.activities(&sheet);
        }
        if let Some(sheet) = self.find_sheet(layout::LOG_SHEET, &layout::LOG_TABLE) {
            let (entries, rows, columns) = self.log(&sheet);
            sub.log = entries;
            sources.log_sheet = Some(sheet);
            sources.log_rows = rows;
            sources.log_columns = columns;
        }
        sources.typed = self.typed_cells();
        out.submission = sub;
        out.sources = sources;
        out.diagnostics.append(&mut self.diagnostics);
    }

    /// The text of each cell a finding names that holds text, a formula or an error value:
    /// the submission keeps no value for such a cell, but the division should see what it
    /// typed. Bounded as any text kpiwatch writes into a workbook.
    fn typed_cells(&mut self) -> Vec<TypedCell> {
        const MAX_CHARS: usize = 32_000;
        let places: Vec<(String, String)> = self
            .diagnostics
            .iter()
            .filter_map(|d| Some((d.location.sheet.clone()?, d.location.cell.clone()?)))
            .collect();
        let mut typed: Vec<TypedCell> = Vec::new();
        for (sheet, cell) in places {
            let Some((_, row, col)) = parse_reference(&format!("A!{cell}")) else {
                continue;
            };
            let Some(index) = self.index(&sheet) else {
                continue;
            };
            let text = match self.raw(index, row, col) {
                Raw::Formula(f) => format!("={}", f.trim_start_matches('=')),
                Raw::Value(Data::String(s)) => s,
                Raw::Value(Data::Error(e)) => e.to_string(),
                _ => continue,
            };
            if typed
                .iter()
                .any(|t| t.sheet == sheet && (t.row, t.col) == (row, col))
            {
                continue;
            }
            let text = match text.char_indices().nth(MAX_CHARS) {
                Some((at, _)) => text[..at].to_owned(),
                None => text,
            };
            typed.push(TypedCell {
                sheet,
                row,
                col,
                text,
            });
        }
        typed
    }
}
