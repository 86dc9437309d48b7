//! The two tables a division extends row by row, the plan's activities and the detail log:
//! columns found by their header text, then one record per non-blank row.

use calamine::DataRef;
use foldhash::{HashMap, HashMapExt};

use super::book::Book;
use super::cell_location;
use super::cells::{cell_date, cell_number, cell_text};
use super::sheet::SheetData;
use crate::domain::bounded;
use crate::domain::diagnostic::{Diagnostic, FieldName, Finding};
use crate::domain::model::{Activity, LogEntry};
use crate::domain::thai;
use crate::workbook::layout::{self, ColumnKey, Table};

/// Reads a table's cells as text within each column's bound, noting every cut at its cell.
struct TextCells<'t> {
    sheet: &'t str,
    table: &'t Table,
    columns: &'t HashMap<ColumnKey, u16>,
    problems: Vec<Diagnostic>,
}

impl TextCells<'_> {
    fn text(&mut self, row: u32, cells: &Row<'_>, key: ColumnKey) -> String {
        let text = cells.get(&key).map(cell_text).unwrap_or_default();
        let Some(column) = self.table.columns.iter().find(|c| c.key == key) else {
            return text;
        };
        let limit = column.bound.chars();
        match bounded::cut(&text, limit) {
            Some(cut) => {
                let col = self.columns.get(&key).copied().unwrap_or_default();
                self.problems.push(Diagnostic::new(
                    Finding::TextTooLong {
                        field: FieldName::new(column.label_th, column.meaning_en),
                        length: text.chars().count(),
                        limit,
                    },
                    cell_location(self.sheet, row, col),
                ));
                cut
            }
            None => text,
        }
    }
}

impl Book<'_> {
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

    pub(super) fn activities(&mut self, sheet: &str) -> Vec<Activity> {
        let Some((header, columns)) = self.table_columns(sheet, &layout::PLAN_TABLE) else {
            return Vec::new();
        };
        let Some(data) = self.sheet(sheet) else {
            return Vec::new();
        };
        let mut cells = TextCells {
            sheet,
            table: &layout::PLAN_TABLE,
            columns: &columns,
            problems: Vec::new(),
        };
        let activities = table_rows(data, header, &columns)
            .into_iter()
            .map(|(row, v)| {
                let mut t = |k: ColumnKey| cells.text(row, &v, k);
                Activity {
                    name: t(ColumnKey::Activity),
                    months: std::array::from_fn(|m| t(ColumnKey::Month(m as u8))),
                    budget: t(ColumnKey::Budget),
                    owner: t(ColumnKey::ActivityOwner),
                }
            })
            .collect();
        self.diagnostics.append(&mut cells.problems);
        activities
    }

    pub(super) fn log(
        &mut self,
        sheet: &str,
    ) -> (Vec<LogEntry>, Vec<u32>, HashMap<ColumnKey, u16>) {
        let Some((header, columns)) = self.table_columns(sheet, &layout::LOG_TABLE) else {
            return Default::default();
        };
        let Some(data) = self.sheet(sheet) else {
            return Default::default();
        };
        let mut entries = Vec::new();
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        let mut cells = TextCells {
            sheet,
            table: &layout::LOG_TABLE,
            columns: &columns,
            problems: Vec::new(),
        };
        for (row, v) in table_rows(data, header, &columns) {
            let mut t = |k: ColumnKey| cells.text(row, &v, k);
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
                    Err(bad) => {
                        let c = layout::LOG_TABLE.columns.iter().find(|c| c.key == key);
                        let name = c.map_or_else(
                            || FieldName::new("", ""),
                            |c| FieldName::new(c.label_th, c.meaning_en),
                        );
                        let col = columns.get(&key).copied().unwrap_or_default();
                        problems.push(Diagnostic::new(
                            bad.finding(name),
                            cell_location(sheet, row, col),
                        ));
                    }
                }
            }
            entries.push(entry);
            rows.push(row);
        }
        self.diagnostics.append(&mut cells.problems);
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
