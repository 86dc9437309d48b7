//! The formats every sheet of the summary uses, the row writer that applies them a run of cells
//! at a time, the table header and autofilter each sheet's table gets, and the few references
//! the formulas build by hand.

use rust_xlsxwriter::utility::row_col_to_cell_absolute;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError};

use crate::domain::bounded;
use crate::domain::model::{FiscalYear, Quarter};
use crate::workbook::template::measure::{row_height, wrapped_lines};
use crate::workbook::template::{self, Formats, TABLE_FONT_SIZE};

/// The most UTF-16 units Excel (and rust_xlsxwriter) accept in one cell.
const EXCEL_CELL_UNITS: usize = 32_767;

/// The plan, submissions, diagnostics and books sheets: title, note, then the table.
pub(super) const TABLE_HEADER_ROW: u32 = 2;

/// The summary's formats, all built on the template's official-font formats.
pub(super) struct Styles {
    pub(super) t: Formats,
    pub(super) title: Format,
    pub(super) line: Format,
    pub(super) note: Format,
    /// Table text that may be long: wraps.
    pub(super) text: Format,
    /// Table text right of a right-aligned number (a KPI's target after its level-5
    /// threshold): indented, or "826" after "826" reads as "826826".
    pub(super) text_after_number: Format,
    /// Table text that is short (codes, labels, dates): no wrap.
    pub(super) code: Format,
    pub(super) center: Format,
    pub(super) integer: Format,
    pub(super) number: Format,
    pub(super) score: Format,
    /// Conditional format of a total weight that is not 100.
    pub(super) alert: Format,
    /// Every printed page's header right (the fiscal year) and footer left (when made).
    pub(super) frame: (String, String),
}

impl Styles {
    pub(super) fn new() -> Self {
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
            text_after_number: cell
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_indent(1),
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
            frame: Default::default(),
        }
    }

    /// The same formats, with the fiscal year and the time the summary was made for the page
    /// header and footer.
    pub(super) fn framed(mut self, fy: FiscalYear, made: &str) -> Self {
        self.frame = (
            format!("ปีงบประมาณ พ.ศ. {fy}"),
            format!("จัดทำเมื่อ {made} โดย kpiwatch"),
        );
        self
    }
}

/// Writes one row left to right. A run of adjacent cells in one format gets it in a single
/// `set_range_format` when the run ends: rust_xlsxwriter hashes the whole `Format` on every
/// formatted write, and a book's 76,000 table cells fall into about 31,000 such runs.
pub(super) struct Cells<'a, 'f> {
    ws: &'a mut Worksheet,
    row: u32,
    col: u16,
    /// The first column of the run not yet formatted, and its format.
    run: Option<(u16, &'f Format)>,
}

impl<'a, 'f> Cells<'a, 'f> {
    pub(super) fn at(ws: &'a mut Worksheet, row: u32) -> Self {
        Self::starting_at(ws, row, 0)
    }

    pub(super) fn starting_at(ws: &'a mut Worksheet, row: u32, col: u16) -> Self {
        Self {
            ws,
            row,
            col,
            run: None,
        }
    }

    /// Text, always as a string: a division's "=SUM(…)" or "@name" stays text, never a formula.
    /// A text over Excel's cell limit is cut there with a visible mark: the reader bounds every
    /// text of a submission far below it, and this keeps one cell from failing the workbook
    /// whatever the ledger holds.
    pub(super) fn text(&mut self, s: &str, f: &'f Format) -> Result<&mut Self, XlsxError> {
        self.styled(f)?;
        // A blank cell needs no write: the run's format creates it.
        if !s.is_empty() {
            match bounded::cut_utf16(s, EXCEL_CELL_UNITS) {
                Some(cut) => self.ws.write_string(self.row, self.col, cut)?,
                None => self.ws.write_string(self.row, self.col, s)?,
            };
        }
        self.col += 1;
        Ok(self)
    }

    /// A number, or a blank cell when there is none (an unreported result is never 0).
    pub(super) fn number(&mut self, x: Option<f64>, f: &'f Format) -> Result<&mut Self, XlsxError> {
        self.styled(f)?;
        if let Some(v) = x.filter(|v| v.is_finite()) {
            self.ws.write_number(self.row, self.col, v)?;
        }
        self.col += 1;
        Ok(self)
    }

    /// A formula (without "=") with kpiwatch's value cached; `None` caches "".
    pub(super) fn formula(
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

    /// The column the next cell goes to.
    pub(super) fn col(&self) -> u16 {
        self.col
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
pub(super) struct Column {
    pub(super) label: String,
    pub(super) width: f64,
}

pub(super) fn column(label: impl Into<String>, width: f64) -> Column {
    Column {
        label: label.into(),
        width,
    }
}

/// Four columns, one per quarter: "ผลไตรมาส 1" …
pub(super) fn quarter_columns(prefix: &str, width: f64) -> impl Iterator<Item = Column> + '_ {
    Quarter::ALL
        .into_iter()
        .map(move |q| column(format!("{prefix}{}", q.number()), width))
}

/// Names the sheet, sets up the A4 landscape page and writes the title in A1.
pub(super) fn start_sheet(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    template::print_setup(ws, true);
    // The header repeats the title; a `&` in it would be read as a header code.
    template::page_frame(ws, &title.replace('&', "&&"), &st.frame.0, &st.frame.1);
    // A formula whose value is "not reported" caches "", not 0.
    ws.set_formula_result_default("");
    ws.write_string_with_format(0, 0, title, &st.title)?;
    Ok(())
}

/// Size of the sheet title (the template's title format).
const TITLE_FONT_SIZE: f64 = 18.0;

/// Title (A1) and note (A2) of a table printed across pages ([`print_across`]): each merged
/// over the key columns, which every printed page repeats, and wrapped within them. Written
/// out to the page's edge they were cut at the last key column on every page but the first.
/// `key_width` is the key columns' total width; call it right after [`start_sheet`].
pub(super) fn title_over_keys(
    ws: &mut Worksheet,
    (title, note): (&str, &str),
    (last_key, key_width): (u16, f64),
    st: &Styles,
) -> Result<(), XlsxError> {
    let title_format = st.title.clone().set_text_wrap().set_align(FormatAlign::Top);
    ws.merge_range(0, 0, 0, last_key, title, &title_format)?;
    ws.set_row_height(
        0,
        row_height(
            wrapped_lines(title, key_width, TITLE_FONT_SIZE),
            TITLE_FONT_SIZE,
        ),
    )?;
    let note_format = st.note.clone().set_text_wrap().set_align(FormatAlign::Top);
    ws.merge_range(1, 0, 1, last_key, note, &note_format)?;
    ws.set_row_height(
        1,
        row_height(
            wrapped_lines(note, key_width, TABLE_FONT_SIZE),
            TABLE_FONT_SIZE,
        ),
    )?;
    Ok(())
}

/// Title and note of a table printed across pages whose key columns are too narrow to hold
/// them ([`title_over_keys`] would stack them line upon line): written at the first column of
/// every printed group instead, so each page shows them whole beside the repeated keys. Call it
/// right after [`start_sheet`], which wrote the title in A1; this moves it.
pub(super) fn title_per_group(
    ws: &mut Worksheet,
    (title, note): (&str, &str),
    groups: &[u16],
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.write_blank(0, 0, &st.title)?;
    for &col in groups {
        ws.write_string_with_format(0, col, title, &st.title)?;
    }
    for &col in groups {
        ws.write_string_with_format(1, col, note, &st.note)?;
    }
    Ok(())
}

/// The header row: labels, column widths, frozen panes under it, repeated on every printed page.
/// The row is as tall as its most wrapped label.
pub(super) fn table_header(
    ws: &mut Worksheet,
    row: u32,
    columns: &[Column],
    freeze_cols: u16,
    st: &Styles,
) -> Result<(), XlsxError> {
    let mut lines = 2;
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, col.width)?;
        ws.write_string_with_format(row, c, &col.label, &st.t.header)?;
        lines = lines.max(wrapped_lines(&col.label, col.width, TABLE_FONT_SIZE));
    }
    ws.set_row_height(row, row_height(lines, TABLE_FONT_SIZE))?;
    ws.set_freeze_panes(row + 1, freeze_cols)?;
    ws.set_repeat_rows(row, row)?;
    Ok(())
}

/// Print scale of a table too wide for one page: 14 pt text prints at 10.5 pt.
pub(super) const ACROSS_SCALE: u16 = 75;

/// Prints a wide table across pages instead of shrinking it to one page width: at
/// [`ACROSS_SCALE`], the key columns up to `last_key` repeated on every page, and a new page
/// before each column of `breaks` (groups that read as one table: criteria, results, scores).
pub(super) fn print_across(
    ws: &mut Worksheet,
    last_key: u16,
    breaks: &[u16],
) -> Result<(), XlsxError> {
    ws.set_print_scale(ACROSS_SCALE);
    ws.set_repeat_columns(0, last_key)?;
    let breaks: Vec<u32> = breaks.iter().map(|&c| u32::from(c)).collect();
    ws.set_vertical_page_breaks(&breaks)?;
    Ok(())
}

/// Height of a table row whose cells hold `texts` (text, column width) in 14 pt, wrapped.
pub(super) fn fit_row(
    ws: &mut Worksheet,
    row: u32,
    texts: &[(&str, f64)],
) -> Result<(), XlsxError> {
    let lines = texts
        .iter()
        .map(|(t, w)| wrapped_lines(t, *w, TABLE_FONT_SIZE))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, row_height(lines, TABLE_FONT_SIZE))?;
    }
    Ok(())
}

/// The autofilter over the header and the `rows` data rows under it.
pub(super) fn end_table(
    ws: &mut Worksheet,
    header_row: u32,
    rows: u32,
    cols: usize,
) -> Result<(), XlsxError> {
    ws.autofilter(header_row, 0, header_row + rows, cols as u16 - 1)?;
    Ok(())
}

/// A formula's cached result: the number, or "" for "not reported" (never 0).
fn cached(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// References between sheets.

/// A sheet name as formulas write it, always quoted: `quote_sheet_name` leaves some Thai names
/// (ภาพรวม) bare, which is legal, but quoting is legal for every name and leaves no doubt.
pub(super) fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// "'ตัวชี้วัด'!$G$4:$G$6": one column of a block of rows on another sheet. A block of one row
/// stays a range ("$G$4:$G$4"), which `cell_range_absolute` would shorten to one cell.
pub(super) fn abs_column_range(sheet: &str, col: u16, first_row: u32, last_row: u32) -> String {
    format!(
        "{}!{}:{}",
        quoted(sheet),
        row_col_to_cell_absolute(first_row, col),
        row_col_to_cell_absolute(last_row, col)
    )
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use rust_xlsxwriter::Workbook;

    use super::*;

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
            Format::new().set_border(FormatBorder::Thin),
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
    fn a_block_of_one_row_is_still_a_range() {
        assert_eq!(abs_column_range("ตัวชี้วัด", 6, 3, 3), "'ตัวชี้วัด'!$G$4:$G$4");
        assert_eq!(abs_column_range("it's", 27, 3, 9), "'it''s'!$AB$4:$AB$10");
    }
}
