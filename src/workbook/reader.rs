//! Reads a filled template with calamine (.xlsx, .xlsm, .xlsb, .xls, .ods) into a
//! [`Submission`], remembering which cell every value came from. Fields are found by defined
//! name, or by their Thai labels when a sheet was copied or re-saved by a program that dropped
//! the names. Problems with single cells become diagnostics; nothing here panics on input.

use std::borrow::Cow;
// The maps here are keyed by field keys and cell positions, hashed for every field of
// 10,000 workbooks: foldhash, not std's SipHash (keys come from the crate's own layout or
// are bounded by the file limits, so flooding is not a concern).
use foldhash::{HashMap, HashMapExt};
use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};

use crate::domain::diagnostic::{Diagnostic, FieldName, Finding, Location};
use crate::domain::model::{
    Activity, Contact, Direction, FiscalYear, Kpi, KpiKind, LogEntry, Quarter, Submission,
};
use crate::domain::scoring;
use crate::domain::thai;
use crate::workbook::layout::{
    self, Anchor, ColumnKey, Field, Key, QuarterField, SheetRole, Table,
};

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
                Some(&(row, col)) => Location::cell(k.sheet.clone(), layout::a1(row, col)),
                None => Location::sheet(k.sheet.clone()),
            },
            None => Location::file(),
        }
    }

    pub fn division(&self, key: Key) -> Location {
        match (&self.division_sheet, self.division.get(&key)) {
            (Some(s), Some(&(row, col))) => Location::cell(s.clone(), layout::a1(row, col)),
            (Some(s), None) => Location::sheet(s.clone()),
            (None, _) => Location::file(),
        }
    }

    pub fn log(&self, index: usize, column: ColumnKey) -> Location {
        match (&self.log_sheet, self.log_rows.get(index)) {
            (Some(sheet), Some(&row)) => match self.log_columns.get(&column) {
                Some(&col) => Location::cell(sheet.clone(), layout::a1(row, col)),
                None => Location::sheet(sheet.clone()),
            },
            _ => Location::file(),
        }
    }
}

/// First bytes of an OLE compound file: legacy .xls, or an encrypted OOXML package.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// Reads a workbook from its bytes. Never fails: a file that cannot be read at all yields an
/// empty submission with an error diagnostic.
pub fn read(bytes: &[u8], limits: &Limits) -> ReadWorkbook {
    let mut out = ReadWorkbook::default();
    let opened = guarded(|| open(bytes, limits)).unwrap_or_else(|panic| {
        Err(Finding::NotAWorkbook {
            detail: format!("the file is damaged; the workbook reader stopped: {panic}"),
        })
    });
    match opened {
        Ok(sheets) => Book::new(sheets, limits).read_into(&mut out),
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

type Source<'a> = Cursor<&'a [u8]>;

fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Sheets<Source<'a>>, Finding> {
    let not_a_workbook = |detail: String| Finding::NotAWorkbook { detail };
    if bytes.is_empty() {
        return Err(not_a_workbook("the file is empty (0 bytes)".into()));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Finding::TooLarge {
            part: "(the file)".into(),
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.starts_with(&OLE_MAGIC) {
        if is_encrypted_ooxml(bytes) {
            return Err(Finding::Encrypted);
        }
        check_xls_grids(bytes, limits)?;
        return open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes))
            .map(Sheets::Xls)
            .map_err(|e| not_a_workbook(format!("legacy .xls: {e}")));
    }
    if !bytes.starts_with(&ZIP_MAGIC) {
        return Err(not_a_workbook(describe_foreign(bytes)));
    }
    let parts = zip_parts(bytes).map_err(|e| not_a_workbook(format!("damaged zip: {e}")))?;
    let mut total = 0u64;
    for (name, size) in &parts {
        if *size > limits.max_part_bytes {
            return Err(Finding::TooLarge {
                part: name.clone(),
                size: *size,
                limit: limits.max_part_bytes,
            });
        }
        total = total.saturating_add(*size);
    }
    if total > limits.max_total_bytes {
        return Err(Finding::TooLarge {
            part: "(all parts)".into(),
            size: total,
            limit: limits.max_total_bytes,
        });
    }
    let has = |n: &str| parts.iter().any(|(p, _)| p == n);
    let cursor = Cursor::new(bytes);
    if has("xl/workbook.xml") {
        open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| not_a_workbook(format!("xlsx: {e}")))
    } else if has("xl/workbook.bin") {
        open_workbook_from_rs::<Xlsb<_>, _>(cursor)
            .map(Sheets::Xlsb)
            .map_err(|e| not_a_workbook(format!("xlsb: {e}")))
    } else if has("content.xml") {
        open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| not_a_workbook(format!("ods: {e}")))
    } else if has("word/document.xml") {
        Err(not_a_workbook("a Word document, not a workbook".into()))
    } else {
        Err(not_a_workbook("a zip file that holds no workbook".into()))
    }
}

/// Legacy .xls: calamine builds one dense grid per sheet from the cell positions the file's
/// records declare, so a damaged or crafted file naming two cells far apart makes it allocate
/// tens of gigabytes (found by fuzzing). The records are scanned first, and a sheet whose grid
/// would exceed four times the cell limit is refused.
fn check_xls_grids(bytes: &[u8], limits: &Limits) -> Result<(), Finding> {
    use std::io::Read;
    let damaged = |detail: String| Finding::NotAWorkbook {
        detail: format!("legacy .xls: {detail}"),
    };
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| damaged("no workbook stream".into()))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| damaged(e.to_string()))?;
    let limit = limits.max_cells_per_sheet.saturating_mul(4) as u64;
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    // (first row, last row, first column, last column) of the sheet being scanned.
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let mut sheet = 0usize;
    let mut pos = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(&stream, pos), u16_at(&stream, pos + 2)) {
        let body = stream
            .get(pos + 4..pos + 4 + usize::from(len))
            .unwrap_or(&[]);
        pos += 4 + usize::from(len);
        let cells = match kind {
            // BOF: a new sheet (or the workbook globals) starts.
            0x0809 => {
                bounds = None;
                sheet += 1;
                None
            }
            // FORMULA, LABELSST, NUMBER, RK, BLANK, BOOLERR, LABEL, RSTRING: one cell.
            0x0006 | 0x00FD | 0x0203 | 0x027E | 0x0201 | 0x0205 | 0x0204 | 0x00D6 => {
                u16_at(body, 0).zip(u16_at(body, 2)).map(|(r, c)| (r, c, c))
            }
            // MULRK, MULBLANK: a run of cells in one row.
            0x00BD | 0x00BE if body.len() >= 6 => {
                let last = u16_at(body, body.len() - 2);
                u16_at(body, 0)
                    .zip(u16_at(body, 2))
                    .zip(last)
                    .map(|((r, c), l)| (r, c, l))
            }
            _ => None,
        };
        if let Some((row, first, last)) = cells {
            let b = bounds.get_or_insert((row, row, first, first));
            *b = (
                b.0.min(row),
                b.1.max(row),
                b.2.min(first.min(last)),
                b.3.max(first.max(last)),
            );
            let grid = (u64::from(b.1 - b.0) + 1) * (u64::from(b.3 - b.2) + 1);
            if grid > limit {
                return Err(Finding::TooManyCells {
                    sheet: format!("#{}", sheet.saturating_sub(1)),
                    limit: limits.max_cells_per_sheet,
                });
            }
        }
    }
    Ok(())
}

/// Names and declared uncompressed sizes of a zip's entries, from the central directory only.
fn zip_parts(bytes: &[u8]) -> Result<Vec<(String, u64)>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        parts.push((entry.name()?.into_owned(), entry.size()));
    }
    Ok(parts)
}

/// An encrypted .xlsx is an OLE container whose directory names these streams (in UTF-16).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// A short description of a file that is not a spreadsheet, for the receipt.
fn describe_foreign(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(512)];
    if head.starts_with(b"%PDF") {
        "a PDF document".into()
    } else if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        "an image".into()
    } else if std::str::from_utf8(head).is_ok() || head.iter().all(|b| b.is_ascii()) {
        "a text file (CSV or similar), not a workbook".into()
    } else {
        "unknown binary content".into()
    }
}

/// The workbook being read, with each sheet's cells loaded at most once.
struct Book<'a> {
    sheets: Sheets<Source<'a>>,
    names: Vec<String>,
    /// Defined names (lowercase) resolved to cells of the workbook's sheets, as (index into
    /// `names`, row, col); several per name when sheets were copied. Names pointing elsewhere
    /// (a deleted sheet) are dropped: no field can be there.
    defined: HashMap<String, Vec<(usize, u32, u16)>>,
    /// Each sheet of `names`, once loaded (`Some(None)`: unreadable). Indexed like `names`:
    /// every field lookup goes through here, so no hashing of sheet names.
    ranges: Vec<Option<Option<SheetData>>>,
    diagnostics: Vec<Diagnostic>,
    max_cells: usize,
    /// The most text one sheet may hold (see [`SheetData::max_text`]).
    max_text: u64,
}

struct SheetData {
    /// Non-empty cells only, sorted by (row, column), one per position: a sparse list, so a
    /// sheet with two cells a million rows apart costs two entries, not a dense matrix. Cells
    /// stream in row-major order, so building it is a push per cell, and a lookup is a binary
    /// search; no hashing on the path every cell of 10,000 workbooks takes.
    cells: Vec<((u32, u16), Value)>,
    /// The text of every text cell, one after another: a sheet's thousand strings cost one
    /// growing buffer, not a thousand allocations, and most of them (the template's labels)
    /// are never read once the defined names have located the fields.
    text: String,
    /// The most text `text` may hold: one shared string repeated in every cell of a crafted
    /// file would otherwise be copied once per cell.
    max_text: usize,
    /// How much text there would have been when `max_text` refused a cell.
    refused_text: usize,
    /// Formula text of cells that have no value (a formula never calculated).
    formulas: HashMap<(u32, u16), String>,
    /// Whether `cells` arrived in order so far (a damaged or odd file may repeat or reorder).
    in_order: bool,
    last_row: u32,
    last_col: u16,
}

/// Where a cell's text lies in [`SheetData::text`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// A stored cell value: calamine's [`Data`] with its text moved into the sheet's buffer.
#[derive(Debug, Clone)]
enum Value {
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
    fn new(max_text: u64) -> Self {
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
    fn add(
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
    fn finish(mut self) -> Self {
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
    fn view(&self, value: &Value) -> DataRef<'_> {
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

    fn get(&self, row: u32, col: u16) -> Option<DataRef<'_>> {
        self.cells
            .binary_search_by_key(&(row, col), |(at, _)| *at)
            .ok()
            .map(|i| self.view(&self.cells[i].1))
    }

    /// The text of the cell at (row, col), if it holds text.
    fn text_at(&self, row: u32, col: u16) -> Option<&str> {
        match self.get(row, col)? {
            DataRef::SharedString(s) => Some(s),
            _ => None,
        }
    }

    /// The first cell (in reading order) whose trimmed text is `label`. Labels are looked up a
    /// handful of times a workbook, so a scan beats indexing every string cell.
    fn label(&self, label: &str) -> Option<(u32, u16)> {
        self.cells.iter().find_map(|(at, v)| match v {
            // Trimming only shortens: text shorter than the label cannot match it.
            Value::Text(s) if s.len as usize >= label.len() && self.span(*s).trim() == label => {
                Some(*at)
            }
            _ => None,
        })
    }
}

/// A cell value read through calamine's owned [`Data`] (formats other than .xlsx), as the
/// borrowed form [`SheetData::add`] takes.
fn data_ref(v: &Data) -> DataRef<'_> {
    match v {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// A cell's content as the reader sees it.
enum Raw {
    Empty,
    Formula(String),
    Value(Data),
}

impl<'a> Book<'a> {
    fn new(sheets: Sheets<Source<'a>>, limits: &Limits) -> Self {
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
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The targets of a defined name (any case).
    fn targets(&self, name: &str) -> &[(usize, u32, u16)] {
        self.defined
            .get(lowercase(name).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    fn sheet(&mut self, name: &str) -> Option<&mut SheetData> {
        let index = self.index(name)?;
        self.sheet_at(index)
    }

    /// The sheet `names[index]`, loaded on first use.
    fn sheet_at(&mut self, index: usize) -> Option<&mut SheetData> {
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

    fn raw(&mut self, sheet: usize, row: u32, col: u16) -> Raw {
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

    /// The cell of `field` on `sheet`: by defined name first, then by its label.
    fn locate(&mut self, field: &Field, index: usize) -> Option<(u32, u16)> {
        if let Some((_, r, c)) = self.targets(&field.name).iter().find(|t| t.0 == index) {
            return Some((*r, *c));
        }
        let data = self.sheet_at(index)?;
        match &field.anchor {
            Anchor::RightOf(label) => data.label(label).map(|(r, c)| (r, c + 1)),
            Anchor::Grid { row, col } => {
                let (r, _) = data.label(row)?;
                let (_, c) = data.label(col)?;
                Some((r, c))
            }
        }
    }

    /// The sheet a global defined name points into.
    fn sheet_of_name(&self, name: &str) -> Option<String> {
        self.targets(name)
            .first()
            .map(|&(index, _, _)| self.names[index].clone())
    }

    fn has_label(&mut self, sheet: &str, label: &str) -> bool {
        self.sheet(sheet).is_some_and(|d| d.label(label).is_some())
    }

    fn read_into(mut self, out: &mut ReadWorkbook) {
        let division_sheet = self.find_division_sheet();
        let mut sub = Submission::default();
        let mut sources = Sources::default();
        match &division_sheet {
            Some(sheet) => {
                let mut r = FieldReader::new(&mut self, sheet, SheetRole::Division);
                sub.division.name = r.text(Key::DivisionName);
                sub.division.code = r.text(Key::DivisionCode);
                sub.fiscal_year = r.year(Key::FiscalYear).map(FiscalYear::new);
                sub.reporting_quarter = r.quarter(Key::ReportingQuarter);
                sub.contact = Contact {
                    name: r.text(Key::ContactName),
                    phone: r.text(Key::ContactPhone),
                };
                sub.contact_email = r.text(Key::ContactEmail);
                let version = r.text(Key::TemplateVersion);
                sources.division = std::mem::take(&mut r.cells);
                sources.division_sheet = Some(sheet.clone());
                drop(r);
                if version != layout::TEMPLATE_VERSION {
                    let loc = sources.division(Key::TemplateVersion);
                    self.diagnostics.push(Diagnostic::new(
                        Finding::TemplateVersion {
                            expected: layout::TEMPLATE_VERSION,
                            found: (!version.is_empty()).then_some(version),
                        },
                        loc,
                    ));
                }
            }
            None => self.diagnostics.push(Diagnostic::new(
                Finding::NoDivisionSheet {
                    sheet: layout::DIVISION_SHEET,
                },
                Location::file(),
            )),
        }
        sources.division_sheet = division_sheet;

        for sheet in self.find_kpi_sheets() {
            let mut r = FieldReader::new(&mut self, &sheet, SheetRole::Kpi);
            if let Some(kpi) = r.kpi() {
                sub.kpis.push(kpi);
                sources.kpis.push(KpiSource {
                    sheet: sheet.clone(),
                    cells: std::mem::take(&mut r.cells),
                });
            } else {
                // A blank KPI sheet: the template ships spares. Its diagnostics (none can be
                // errors about a blank sheet's required fields) are dropped with it.
                r.diagnostics.clear();
            }
        }
        if sub.kpis.is_empty() && sources.division_sheet.is_some() {
            self.diagnostics
                .push(Diagnostic::new(Finding::NoKpis, Location::file()));
        }

        if let Some(sheet) = self.find_sheet(layout::PLAN_SHEET, &layout::PLAN_TABLE) {
            let mut r = FieldReader::new(&mut self, &sheet, SheetRole::Plan);
            sub.plan.process = r.text(Key::PlanProcess);
            sub.plan.clients = r.text(Key::PlanClients);
            sub.plan.stakeholders = r.text(Key::PlanStakeholders);
            sub.plan.indicator = r.text(Key::PlanIndicator);
            sub.plan.tier_quality = r.text(Key::PlanTierQuality);
            sub.plan.tier_standard = r.text(Key::PlanTierStandard);
            sub.plan.tier_improve = r.text(Key::PlanTierImprove);
            sub.plan.digital = r.text(Key::PlanDigital);
            sub.plan.step_reduction = r.text(Key::PlanStepReduction);
            sub.plan.expected_results = r.text(Key::PlanExpectedResults);
            drop(r);
            sub.plan.activities = self.activities(&sheet);
        }
        if let Some(sheet) = self.find_sheet(layout::LOG_SHEET, &layout::LOG_TABLE) {
            let (entries, rows, columns) = self.log(&sheet);
            sub.log = entries;
            sources.log_sheet = Some(sheet);
            sources.log_rows = rows;
            sources.log_columns = columns;
        }
        out.submission = sub;
        out.sources = sources;
        out.diagnostics.append(&mut self.diagnostics);
    }

    fn find_division_sheet(&mut self) -> Option<String> {
        if let Some(s) = self.sheet_of_name(&layout::field(Key::DivisionCode).name) {
            return Some(s);
        }
        if self.names.iter().any(|n| n == layout::DIVISION_SHEET) {
            return Some(layout::DIVISION_SHEET.to_owned());
        }
        // The instructions sheet lists every label too, but never as a form.
        let label = layout::field(Key::DivisionCode).label_th.clone();
        let names = self.names.clone();
        names
            .into_iter()
            .filter(|n| n != layout::INSTRUCTIONS_SHEET)
            .find(|n| self.has_label(n, &label))
    }

    /// Sheets holding a KPI card: the targets of `kw_kpi_code`, and any sheet with the card's
    /// labels (a copy whose names were dropped, or an .ods, whose sheet-local names calamine
    /// does not report).
    fn find_kpi_sheets(&mut self) -> Vec<String> {
        let code = layout::field(Key::KpiCode);
        let weight = layout::field(Key::Weight).label_th.clone();
        let named: Vec<usize> = self.targets(&code.name).iter().map(|t| t.0).collect();
        // Sheets the names place as the division sheet, the plan or the log hold no card: no
        // need to search their thousands of cells for its labels.
        let other_roles: Vec<usize> = [
            layout::field(Key::DivisionCode).name.as_str(),
            layout::PLAN_TABLE.header_name,
            layout::LOG_TABLE.header_name,
        ]
        .iter()
        .flat_map(|name| self.targets(name).iter().map(|t| t.0))
        .collect();
        let names = self.names.clone();
        names
            .into_iter()
            .enumerate()
            .filter(|(_, n)| n != layout::INSTRUCTIONS_SHEET)
            .filter(|(i, n)| {
                named.contains(i)
                    || (!other_roles.contains(i)
                        && self.has_label(n, &code.label_th)
                        && self.has_label(n, &weight))
            })
            .map(|(_, n)| n)
            .collect()
    }

    fn find_sheet(&mut self, preferred: &str, table: &Table) -> Option<String> {
        if let Some(s) = self.sheet_of_name(table.header_name) {
            return Some(s);
        }
        if self.names.iter().any(|n| n == preferred) {
            return Some(preferred.to_owned());
        }
        None
    }

    /// The header row of a table and the column of each of its fields. Columns are matched by
    /// their header text, so an inserted column does not shift the others.
    fn table_columns(
        &mut self,
        sheet: &str,
        table: &Table,
    ) -> Option<(u32, HashMap<ColumnKey, u16>)> {
        let index = self.index(sheet)?;
        let header_row = match self
            .targets(table.header_name)
            .iter()
            .find(|t| t.0 == index)
        {
            Some((_, r, _)) => *r,
            None => {
                let first = table.columns.first()?.label_th;
                self.sheet(sheet)?.label(first)?.0
            }
        };
        let data = self.sheet(sheet)?;
        let mut columns = HashMap::new();
        for c in 0..=data.last_col {
            let Some(h) = data.text_at(header_row, c) else {
                continue;
            };
            let h = h.trim();
            if let Some(col) = table.columns.iter().find(|col| {
                h == col.label_th
                    || (matches!(col.key, ColumnKey::Month(_)) && h.starts_with(col.label_th))
            }) {
                columns.entry(col.key).or_insert(c);
            }
        }
        for (i, col) in table.columns.iter().enumerate() {
            columns.entry(col.key).or_insert(i as u16);
        }
        Some((header_row, columns))
    }

    fn activities(&mut self, sheet: &str) -> Vec<Activity> {
        let Some((header, columns)) = self.table_columns(sheet, &layout::PLAN_TABLE) else {
            return Vec::new();
        };
        let Some(data) = self.sheet(sheet) else {
            return Vec::new();
        };
        table_rows(data, header, &columns)
            .into_iter()
            .map(|(_, v)| {
                let t = |k: ColumnKey| v.get(&k).map(cell_text).unwrap_or_default();
                Activity {
                    name: t(ColumnKey::Activity),
                    months: std::array::from_fn(|m| t(ColumnKey::Month(m as u8))),
                    budget: t(ColumnKey::Budget),
                    owner: t(ColumnKey::ActivityOwner),
                }
            })
            .collect()
    }

    fn log(&mut self, sheet: &str) -> (Vec<LogEntry>, Vec<u32>, HashMap<ColumnKey, u16>) {
        let Some((header, columns)) = self.table_columns(sheet, &layout::LOG_TABLE) else {
            return Default::default();
        };
        let Some(data) = self.sheet(sheet) else {
            return Default::default();
        };
        let mut entries = Vec::new();
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for (row, v) in table_rows(data, header, &columns) {
            let t = |k: ColumnKey| v.get(&k).map(cell_text).unwrap_or_default();
            let mut entry = LogEntry {
                kpi_code: t(ColumnKey::LogKpiCode),
                date_text: t(ColumnKey::LogDate),
                area: t(ColumnKey::LogArea),
                mode: t(ColumnKey::LogMode),
                note: t(ColumnKey::LogNote),
                ..LogEntry::default()
            };
            if let Some(DataRef::DateTime(_) | DataRef::DateTimeIso(_)) = v.get(&ColumnKey::LogDate)
                && let Some(d) = v.get(&ColumnKey::LogDate).and_then(cell_date)
            {
                entry.start = Some(d);
                entry.end = Some(d);
                entry.date_text = thai::format_thai_date(d, thai::ThaiDigits::Yes);
            }
            for (key, slot) in [
                (ColumnKey::LogUnits, &mut entry.units),
                (ColumnKey::LogCost, &mut entry.cost),
            ] {
                let Some(value) = v.get(&key) else { continue };
                match cell_number(value) {
                    Ok(x) => *slot = Some(x),
                    Err(text) => {
                        let c = layout::LOG_TABLE.columns.iter().find(|c| c.key == key);
                        let name = c.map_or_else(
                            || FieldName::new("", ""),
                            |c| FieldName::new(c.label_th, c.meaning_en),
                        );
                        let col = columns.get(&key).copied().unwrap_or_default();
                        problems.push(Diagnostic::new(
                            Finding::NotANumber { field: name, text },
                            Location::cell(sheet, layout::a1(row, col)),
                        ));
                    }
                }
            }
            entries.push(entry);
            rows.push(row);
        }
        self.diagnostics.append(&mut problems);
        (entries, rows, columns)
    }
}

/// Rows under a table's header, skipping blank ones, borrowed from the sheet: the log is most
/// of a workbook's cells, and each is read once.
fn table_rows<'s>(
    data: &'s SheetData,
    header_row: u32,
    columns: &HashMap<ColumnKey, u16>,
) -> Vec<(u32, Row<'s>)> {
    // Cells are in (row, column) order, so each row's cells arrive together: no map.
    let mut by_column: Vec<Option<ColumnKey>> = Vec::new();
    for (&key, &col) in columns {
        let col = usize::from(col);
        if by_column.len() <= col {
            by_column.resize(col + 1, None);
        }
        by_column[col] = Some(key);
    }
    let mut rows: Vec<(u32, Row<'s>)> = Vec::new();
    let first = data
        .cells
        .partition_point(|&((row, _), _)| row <= header_row);
    for ((row, col), value) in &data.cells[first..] {
        let Some(&Some(key)) = by_column.get(usize::from(*col)) else {
            continue;
        };
        let value = data.view(value);
        match rows.last_mut() {
            Some((r, cells)) if r == row => cells.0.push((key, value)),
            _ => {
                let mut cells = Vec::with_capacity(columns.len());
                cells.push((key, value));
                rows.push((*row, Row(cells)));
            }
        }
    }
    rows
}

/// One row of a table: the value of each of its columns that has one (a handful, so a list).
struct Row<'s>(Vec<(ColumnKey, DataRef<'s>)>);

impl<'s> Row<'s> {
    fn get(&self, key: &ColumnKey) -> Option<&DataRef<'s>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Reads the fields of one sheet, collecting their cells and problems.
struct FieldReader<'b, 'a> {
    book: &'b mut Book<'a>,
    sheet: String,
    /// Where `sheet` is in the book's sheets, found once for all its fields.
    index: Option<usize>,
    role: SheetRole,
    cells: HashMap<Key, (u32, u16)>,
    diagnostics: Vec<Diagnostic>,
}

impl Drop for FieldReader<'_, '_> {
    fn drop(&mut self) {
        self.book.diagnostics.append(&mut self.diagnostics);
    }
}

fn field_name(f: &Field) -> FieldName {
    FieldName::new(f.label_th.clone(), f.meaning_en)
}

impl<'b, 'a> FieldReader<'b, 'a> {
    fn new(book: &'b mut Book<'a>, sheet: &str, role: SheetRole) -> Self {
        Self {
            index: book.index(sheet),
            book,
            sheet: sheet.to_owned(),
            role,
            cells: HashMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The raw content of a field's cell, remembering where it was.
    fn get(&mut self, key: Key) -> (Raw, &'static Field) {
        let f = layout::field(key);
        debug_assert_eq!(f.sheet, self.role);
        let Some(index) = self.index else {
            return (Raw::Empty, f);
        };
        match self.book.locate(f, index) {
            Some((r, c)) => {
                // The place is kept as numbers; a location is spelled out only for a problem.
                self.cells.insert(key, (r, c));
                (self.book.raw(index, r, c), f)
            }
            None => (Raw::Empty, f),
        }
    }

    /// Where a field was read, or at least its sheet.
    fn location(&self, key: Key) -> Location {
        match self.cells.get(&key) {
            Some(&(row, col)) => Location::cell(self.sheet.clone(), layout::a1(row, col)),
            None => Location::sheet(self.sheet.clone()),
        }
    }

    fn problem(&mut self, key: Key, finding: Finding) {
        let loc = self.location(key);
        self.diagnostics.push(Diagnostic::new(finding, loc));
    }

    /// The value of a field as data, turning formulas without values and error values into
    /// diagnostics. `None` when blank.
    fn value(&mut self, key: Key) -> Option<Data> {
        let (raw, f) = self.get(key);
        match raw {
            Raw::Empty => None,
            Raw::Formula(formula) => {
                self.problem(
                    key,
                    Finding::FormulaWithoutValue {
                        field: field_name(f),
                        formula,
                    },
                );
                None
            }
            Raw::Value(Data::Error(e)) => {
                self.problem(
                    key,
                    Finding::ErrorValue {
                        field: field_name(f),
                        error: e.to_string(),
                    },
                );
                None
            }
            // .ods files report error values as text.
            Raw::Value(Data::String(s)) if is_error_text(&s) => {
                self.problem(
                    key,
                    Finding::ErrorValue {
                        field: field_name(f),
                        error: s.trim().to_owned(),
                    },
                );
                None
            }
            Raw::Value(v) => Some(v),
        }
    }

    fn text(&mut self, key: Key) -> String {
        self.value(key).map(|d| data_text(&d)).unwrap_or_default()
    }

    fn number(&mut self, key: Key) -> Option<f64> {
        let v = self.value(key)?;
        match cell_number(&data_ref(&v)) {
            Ok(x) => Some(x),
            Err(text) => {
                let f = layout::field(key);
                self.problem(
                    key,
                    Finding::NotANumber {
                        field: field_name(f),
                        text,
                    },
                );
                None
            }
        }
    }

    fn year(&mut self, key: Key) -> Option<i32> {
        let v = self.value(key)?;
        let text = data_text(&v);
        let cleaned = text.trim().trim_start_matches("พ.ศ.").trim();
        match thai::parse_number(cleaned) {
            Ok(y) if y.fract() == 0.0 && y.abs() < 1e6 => Some(y as i32),
            _ => {
                let f = layout::field(key);
                self.problem(
                    key,
                    Finding::NotAYear {
                        field: field_name(f),
                        text,
                    },
                );
                None
            }
        }
    }

    fn quarter(&mut self, key: Key) -> Option<Quarter> {
        let v = self.value(key)?;
        let text = data_text(&v);
        let q = thai::parse_number(&text)
            .ok()
            .filter(|x| x.fract() == 0.0 && (1.0..=4.0).contains(x))
            .and_then(|x| Quarter::from_number(x as u8));
        if q.is_none() {
            self.problem(
                key,
                Finding::InvalidChoice {
                    field: field_name(layout::field(key)),
                    text,
                    allowed: (1..=4).map(|n| n.to_string()).collect(),
                },
            );
        }
        q
    }

    fn choice<T>(&mut self, key: Key, parse: fn(&str) -> Option<T>) -> Option<T> {
        let text = self.text(key);
        if text.is_empty() {
            return None;
        }
        let parsed = parse(&text);
        if parsed.is_none() {
            let f = layout::field(key);
            self.problem(
                key,
                Finding::InvalidChoice {
                    field: field_name(f),
                    text,
                    allowed: layout::choices(f.ty)
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                },
            );
        }
        parsed
    }

    fn missing(&mut self, key: Key) {
        self.problem(
            key,
            Finding::MissingField {
                field: field_name(layout::field(key)),
            },
        );
    }

    /// Reads a KPI sheet; `None` when the sheet is a blank spare.
    fn kpi(&mut self) -> Option<Kpi> {
        let mut k = Kpi {
            name: self.text(Key::KpiName),
            code: self.text(Key::KpiCode),
            action_plan: self.text(Key::ActionPlan),
            strategic_issue: self.text(Key::StrategicIssue),
            dimension: self.text(Key::Dimension),
            goal: self.text(Key::Goal),
            description: self.text(Key::Description),
            conditions: self.text(Key::Conditions),
            unit: self.text(Key::Unit),
            target: self.text(Key::Target),
            data_source: self.text(Key::DataSource),
            owner: Contact {
                name: self.text(Key::Owner),
                phone: self.text(Key::OwnerPhone),
            },
            supporter: Contact {
                name: self.text(Key::Supporter),
                phone: self.text(Key::SupporterPhone),
            },
            ..Kpi::default()
        };
        let weight = self.number(Key::Weight);
        let kind = self.choice(Key::Kind, KpiKind::parse);
        let direction = self.choice(Key::Direction, Direction::parse);
        let thresholds: [Option<f64>; 5] =
            std::array::from_fn(|i| self.number(Key::Threshold(i as u8 + 1)));
        k.level_descriptions =
            std::array::from_fn(|i| self.text(Key::LevelDescription(i as u8 + 1)));
        k.baselines = std::array::from_fn(|i| self.text(Key::Baseline(i as u8 + 1)));
        k.kind = kind.unwrap_or_default();
        k.direction = direction.unwrap_or_default();
        for q in Quarter::ALL {
            let report = &mut k.quarters[q.index()];
            report.details = self.text(Key::Quarter(q, QuarterField::Details));
            report.evidence = self.text(Key::Quarter(q, QuarterField::Evidence));
            report.own_score = self.number(Key::Quarter(q, QuarterField::OwnScore));
            report.own_weighted = self.number(Key::Quarter(q, QuarterField::OwnWeighted));
            let key = Key::Quarter(q, QuarterField::Result);
            if let Some(v) = self.value(key) {
                let text = data_text(&v);
                let parsed = match v {
                    Data::Float(x) => Ok(x),
                    Data::Int(i) => Ok(i as f64),
                    _ => scoring::parse_result(&text, k.kind),
                };
                match parsed {
                    Ok(x) => report.result = Some(x),
                    Err(_) => self.problem(
                        key,
                        Finding::NotANumber {
                            field: field_name(layout::field(key)),
                            text: text.clone(),
                        },
                    ),
                }
                report.result_text = Some(text);
            }
        }

        let blank = k.code.is_empty()
            && k.name.is_empty()
            && weight.is_none()
            && k.quarters.iter().all(|q| q.result_text.is_none());
        if blank {
            return None;
        }
        for key in [Key::KpiName, Key::KpiCode] {
            let empty = match key {
                Key::KpiName => k.name.is_empty(),
                _ => k.code.is_empty(),
            };
            if empty && !self.has_problem(key) {
                self.missing(key);
            }
        }
        match weight {
            Some(w) => k.weight = w,
            None if !self.has_problem(Key::Weight) => self.missing(Key::Weight),
            None => {}
        }
        if kind.is_none() && !self.has_problem(Key::Kind) {
            self.missing(Key::Kind);
        }
        if direction.is_none() && !self.has_problem(Key::Direction) {
            self.missing(Key::Direction);
        }
        if k.kind == KpiKind::Milestone {
            // Milestone KPIs score the level itself; their thresholds are the levels.
            k.thresholds = std::array::from_fn(|i| thresholds[i].unwrap_or(i as f64 + 1.0));
        } else {
            for (i, t) in thresholds.iter().enumerate() {
                let key = Key::Threshold(i as u8 + 1);
                match t {
                    Some(x) => k.thresholds[i] = *x,
                    None if !self.has_problem(key) => self.missing(key),
                    None => {}
                }
            }
        }
        Some(k)
    }

    fn has_problem(&self, key: Key) -> bool {
        if !self.cells.contains_key(&key) {
            return false;
        }
        let loc = self.location(key);
        self.diagnostics.iter().any(|d| d.location == loc)
    }
}

fn is_error_text(s: &str) -> bool {
    matches!(
        s.trim(),
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" | "#GETTING_DATA"
    ) || s.trim().starts_with("Err:")
}

/// `s` in lowercase, borrowed when it already is (as kpiwatch's own names are).
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// A cell as text, the way a person would read it off the screen.
pub fn data_text(d: &Data) -> String {
    cell_text(&data_ref(d))
}

/// [`data_text`] of a borrowed cell value.
fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Float(x) => format_number(*x),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => cell_date(d)
            .map(|date| thai::format_thai_date(date, thai::ThaiDigits::Yes))
            .unwrap_or_else(|| Data::from(d.clone()).to_string()),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// Whole numbers without ".0"; others with the digits they have.
fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // Exact below 2^53, and no "-0".
        (x as i64).to_string()
    } else {
        x.to_string()
    }
}

/// A cell as a number, or the text that is not one.
fn cell_number(d: &DataRef<'_>) -> Result<f64, String> {
    match d {
        DataRef::Float(x) => Ok(*x),
        DataRef::Int(i) => Ok(*i as f64),
        DataRef::String(s) => thai::parse_number(s).map_err(|_| s.trim().to_owned()),
        DataRef::SharedString(s) => thai::parse_number(s).map_err(|_| s.trim().to_owned()),
        other => Err(cell_text(other)),
    }
}

/// The date in a date cell. Only true date cells: calamine would read any number as a date.
fn cell_date(d: &DataRef<'_>) -> Option<chrono::NaiveDate> {
    match d {
        DataRef::DateTime(dt) => dt.as_datetime().map(|x| x.date()),
        DataRef::DateTimeIso(s) => s.get(..10).and_then(|s| s.parse().ok()),
        _ => None,
    }
}

/// Resolves a defined name's formula to its first cell: `'ตัวชี้วัด 1'!$B$6` (xlsx),
/// `$'ตัวชี้วัด 1'.$B$6` (ods), `Sheet!$A$15:$O$15` (a range: its first cell).
pub fn parse_reference(formula: &str) -> Option<(Cow<'_, str>, u32, u16)> {
    let f = formula
        .trim()
        .trim_start_matches('=')
        .trim_start_matches('$');
    // Borrowed unless the name doubles a quote: hundreds of names are resolved per workbook.
    let (sheet, rest) = if let Some(quoted) = f.strip_prefix('\'') {
        let mut from = 0;
        let mut doubled = false;
        let end = loop {
            let at = from + quoted[from..].find('\'')?;
            if quoted[at + 1..].starts_with('\'') {
                doubled = true;
                from = at + 2;
            } else {
                break at;
            }
        };
        let name = &quoted[..end];
        let sheet = if doubled {
            Cow::Owned(name.replace("''", "'"))
        } else {
            Cow::Borrowed(name)
        };
        (sheet, &quoted[end + 1..])
    } else {
        let sep = f.rfind(['!', '.'])?;
        (Cow::Borrowed(&f[..sep]), &f[sep..])
    };
    let rest = rest.strip_prefix(['!', '.'])?;
    let first = rest.split(':').next()?.trim_start_matches('$');
    let letters = &first[..first.bytes().take_while(u8::is_ascii_alphabetic).count()];
    let digits = first[letters.len()..].trim_matches('$');
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    let col = letters.chars().try_fold(0u32, |acc, ch| {
        Some(acc * 26 + (ch.to_ascii_uppercase() as u32 - 'A' as u32 + 1))
    })?;
    let row: u32 = digits.parse().ok()?;
    if row == 0 || col == 0 || col > 16_384 {
        return None;
    }
    Some((sheet, row - 1, (col - 1) as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_every_dialect() {
        assert_eq!(
            parse_reference("'ตัวชี้วัด 1'!$B$6"),
            Some(("ตัวชี้วัด 1".into(), 5, 1))
        );
        assert_eq!(
            parse_reference("$'ตัวชี้วัด 1'.$B$6"),
            Some(("ตัวชี้วัด 1".into(), 5, 1))
        );
        assert_eq!(
            parse_reference("='O''Brien'!$A$1"),
            Some(("O'Brien".into(), 0, 0))
        );
        assert_eq!(
            parse_reference("หน่วยงาน!$B$4"),
            Some(("หน่วยงาน".into(), 3, 1))
        );
        assert_eq!(
            parse_reference("'บันทึกรายละเอียด'!$A$4:$G$4"),
            Some(("บันทึกรายละเอียด".into(), 3, 0))
        );
        assert_eq!(
            parse_reference("'a''b''c'!A1"),
            Some(("a'b'c".into(), 0, 0))
        );
        assert_eq!(parse_reference("#REF!"), None);
        assert_eq!(parse_reference("2568"), None);
        assert_eq!(parse_reference("'unterminated!$A$1"), None);
    }

    #[test]
    fn a_string_repeated_in_every_cell_is_bounded_by_the_size_limit() {
        // The file holds the string once (shared strings); each cell that shows it would get a
        // copy, so a small file could expand to gigabytes of text.
        let text = "ก".repeat(10_000);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(layout::DIVISION_SHEET).unwrap();
        for row in 0..200 {
            ws.write_string(row, 0, &text).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let limits = Limits {
            max_total_bytes: 1 << 20,
            ..Limits::default()
        };
        let r = read(&bytes, &limits);
        let too_large: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.finding.code() == "too-large")
            .collect();
        assert_eq!(too_large.len(), 1, "{:?}", r.diagnostics);
        assert_eq!(
            too_large[0].location,
            Location::sheet(layout::DIVISION_SHEET)
        );
        assert!(
            too_large[0]
                .finding
                .message_en()
                .contains("1048576-byte limit"),
            "{}",
            too_large[0].finding.message_en()
        );
        // Within the limit, the same sheet reads.
        let r = read(&bytes, &Limits::default());
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.finding.code() != "too-large"),
            "{:?}",
            r.diagnostics
        );
    }

    #[test]
    fn stored_cells_give_back_their_values_and_labels() {
        let mut data = SheetData::new(1 << 20);
        let formula = Some("SUM(A1:A2)".to_owned());
        assert!(data.add(0, 0, DataRef::SharedString("  ชื่อหน่วยงาน "), None, 10));
        assert!(data.add(0, 1, DataRef::String("กองแผนงาน".into()), None, 10));
        assert!(data.add(1, 0, DataRef::Float(184.0), None, 10));
        // Blank text is no cell, but a formula without a value is remembered.
        assert!(data.add(1, 1, DataRef::SharedString(" \u{a0}"), formula.clone(), 10));
        assert!(data.add(2, 0, DataRef::Empty, None, 10));
        let data = data.finish();
        assert_eq!(data.cells.len(), 3);
        assert_eq!(data.get(0, 1), Some(DataRef::SharedString("กองแผนงาน")));
        assert_eq!(data.get(1, 0), Some(DataRef::Float(184.0)));
        assert_eq!(data.get(1, 1), None);
        assert_eq!(data.formulas.get(&(1, 1)), formula.as_ref());
        assert_eq!(data.label("ชื่อหน่วยงาน"), Some((0, 0)));
        assert_eq!(data.label("หน่วยงาน"), None);
        assert_eq!(data.text_at(0, 0), Some("  ชื่อหน่วยงาน "));
    }

    #[test]
    fn cells_out_of_order_are_sorted_and_the_last_of_a_position_counts() {
        let mut data = SheetData::new(1 << 20);
        for (row, col, text) in [(3, 0, "c"), (0, 2, "a"), (3, 0, "d"), (1, 1, "b")] {
            assert!(data.add(row, col, DataRef::SharedString(text), None, 10));
        }
        let data = data.finish();
        let texts: Vec<_> = data
            .cells
            .iter()
            .map(|(at, v)| (*at, data.view(v)))
            .collect();
        assert_eq!(
            texts,
            [
                ((0, 2), DataRef::SharedString("a")),
                ((1, 1), DataRef::SharedString("b")),
                ((3, 0), DataRef::SharedString("d")),
            ]
        );
    }

    #[test]
    fn not_a_workbook_is_a_diagnostic() {
        for (bytes, needle) in [
            (&b""[..], "empty"),
            (&b"%PDF-1.7 ..."[..], "PDF"),
            (&b"a,b,c\n1,2,3\n"[..], "text"),
            (&b"PK\x03\x04garbage"[..], "zip"),
        ] {
            let r = read(bytes, &Limits::default());
            assert_eq!(r.diagnostics.len(), 1);
            assert_eq!(r.diagnostics[0].finding.code(), "not-a-workbook");
            assert!(
                r.diagnostics[0].finding.message_en().contains(needle),
                "{}",
                r.diagnostics[0].finding.message_en()
            );
        }
    }
}
