//! One sheet's cells as the reader keeps them: a sorted sparse list with all text in one
//! buffer, bounded by the cell and text limits, and looked up by position or by label.

use calamine::DataRef;
use foldhash::{HashMap, HashMapExt};

/// The cells of one sheet.
pub(super) struct SheetData {
    /// Non-empty cells only, sorted by (row, column), one per position: a sparse list, so a
    /// sheet with two cells a million rows apart costs two entries, not a dense matrix. Cells
    /// stream in row-major order, so building it is a push per cell, and a lookup is a binary
    /// search; no hashing on the path every cell of 10,000 workbooks takes.
    pub(super) cells: Vec<((u32, u16), Value)>,
    /// The text of every text cell, one after another: a sheet's thousand strings cost one
    /// growing buffer, not a thousand allocations, and most of them (the template's labels)
    /// are never read once the defined names have located the fields.
    pub(super) text: String,
    /// The most text `text` may hold: one shared string repeated in every cell of a crafted
    /// file would otherwise be copied once per cell.
    max_text: usize,
    /// How much text there would have been when `max_text` refused a cell.
    pub(super) refused_text: usize,
    /// Formula text of cells that have no value (a formula never calculated).
    pub(super) formulas: HashMap<(u32, u16), String>,
    /// Whether `cells` arrived in order so far (a damaged or odd file may repeat or reorder).
    in_order: bool,
    last_row: u32,
    pub(super) last_col: u16,
}

/// Where a cell's text lies in [`SheetData::text`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    start: u32,
    len: u32,
}

/// A stored cell value: calamine's [`Data`] with its text moved into the sheet's buffer.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Text(Span),
    Float(f64),
    Int(i64),
    Bool(bool),
    DateTime(calamine::ExcelDateTime),
    DateTimeIso(Span),
    DurationIso(Span),
    Error(calamine::CellErrorType),
}

/// Whether a cell's text is blank: only whitespace. Checks the first character, which is
/// enough for nearly every cell, instead of trimming both ends.
fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

impl SheetData {
    pub(super) fn new(max_text: u64) -> Self {
        Self {
            cells: Vec::new(),
            text: String::new(),
            max_text: usize::try_from(max_text.min(u64::from(u32::MAX))).unwrap_or(usize::MAX),
            refused_text: 0,
            formulas: HashMap::new(),
            in_order: true,
            last_row: 0,
            last_col: 0,
        }
    }

    /// Appends `s` to the text buffer; `None` when that would pass `max_text`.
    fn keep(&mut self, s: &str) -> Option<Span> {
        let start = self.text.len();
        if s.len() > self.max_text.saturating_sub(start) {
            self.refused_text = start.saturating_add(s.len());
            return None;
        }
        self.text.push_str(s);
        // Both fit: `max_text` is at most `u32::MAX`.
        Some(Span {
            start: start as u32,
            len: s.len() as u32,
        })
    }

    fn span(&self, span: Span) -> &str {
        let start = span.start as usize;
        &self.text[start..start + span.len as usize]
    }

    /// Adds one cell, in row-major stream order. False when the sheet exceeds its limits.
    pub(super) fn add(
        &mut self,
        row: u32,
        col: u32,
        value: DataRef<'_>,
        formula: Option<String>,
        limit: usize,
    ) -> bool {
        let Ok(col) = u16::try_from(col) else {
            return true;
        };
        let value = match value {
            DataRef::String(s) if !is_blank(&s) => self.keep(&s).map(Value::Text),
            DataRef::SharedString(s) if !is_blank(s) => self.keep(s).map(Value::Text),
            DataRef::Empty | DataRef::String(_) | DataRef::SharedString(_) => {
                if let Some(f) = formula.filter(|f| !is_blank(f)) {
                    self.formulas.insert((row, col), f);
                }
                return true;
            }
            DataRef::Float(x) => Some(Value::Float(x)),
            DataRef::Int(i) => Some(Value::Int(i)),
            DataRef::Bool(b) => Some(Value::Bool(b)),
            DataRef::DateTime(d) => Some(Value::DateTime(d)),
            DataRef::DateTimeIso(s) => self.keep(&s).map(Value::DateTimeIso),
            DataRef::DurationIso(s) => self.keep(&s).map(Value::DurationIso),
            DataRef::Error(e) => Some(Value::Error(e)),
        };
        let Some(value) = value else {
            return false;
        };
        self.last_row = self.last_row.max(row);
        self.last_col = self.last_col.max(col);
        if self.cells.last().is_some_and(|(at, _)| *at >= (row, col)) {
            self.in_order = false;
        }
        self.cells.push(((row, col), value));
        self.cells.len() <= limit
    }

    /// Puts cells that arrived out of order in place; of a position given twice, the last
    /// value counts (as it would in a map).
    pub(super) fn finish(mut self) -> Self {
        if !self.in_order {
            // Stable: of equal positions, the one given last stays last.
            self.cells.sort_by_key(|(at, _)| *at);
            let mut kept: Vec<((u32, u16), Value)> = Vec::with_capacity(self.cells.len());
            for cell in std::mem::take(&mut self.cells) {
                match kept.last_mut() {
                    Some(last) if last.0 == cell.0 => *last = cell,
                    _ => kept.push(cell),
                }
            }
            self.cells = kept;
            self.in_order = true;
        }
        self
    }

    /// A stored value as calamine's borrowed cell value (text borrowed from the buffer).
    pub(super) fn view(&self, value: &Value) -> DataRef<'_> {
        match *value {
            Value::Text(s) => DataRef::SharedString(self.span(s)),
            Value::Float(x) => DataRef::Float(x),
            Value::Int(i) => DataRef::Int(i),
            Value::Bool(b) => DataRef::Bool(b),
            Value::DateTime(d) => DataRef::DateTime(d),
            Value::DateTimeIso(s) => DataRef::DateTimeIso(self.span(s).to_owned()),
            Value::DurationIso(s) => DataRef::DurationIso(self.span(s).to_owned()),
            Value::Error(ref e) => DataRef::Error(e.clone()),
        }
    }

    pub(super) fn get(&self, row: u32, col: u16) -> Option<DataRef<'_>> {
        self.cells
            .binary_search_by_key(&(row, col), |(at, _)| *at)
            .ok()
            .map(|i| self.view(&self.cells[i].1))
    }

    /// The text of the cell at (row, col), if it holds text.
    pub(super) fn text_at(&self, row: u32, col: u16) -> Option<&str> {
        match self.get(row, col)? {
            DataRef::SharedString(s) => Some(s),
            _ => None,
        }
    }

    /// The first cell (in reading order) whose trimmed text is `label`. Labels are looked up a
    /// handful of times a workbook, so a scan beats indexing every string cell.
    pub(super) fn label(&self, label: &str) -> Option<(u32, u16)> {
        self.cells.iter().find_map(|(at, v)| match v {
            // Trimming only shortens: text shorter than the label cannot match it.
            Value::Text(s) if s.len as usize >= label.len() && self.span(*s).trim() == label => {
                Some(*at)
            }
            _ => None,
        })
    }
}
