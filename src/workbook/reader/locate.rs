//! Finding things in a workbook whoever saved it: the sheets by defined name or by the Thai
//! labels on them, a field's cell by its name or its label, and defined names' references in
//! the dialects of Excel and LibreOffice.

use std::borrow::Cow;

use rust_xlsxwriter::utility::column_name_to_number;

use super::book::Book;
use crate::workbook::layout::{self, Anchor, Field, Key, Table};

impl Book<'_> {
    /// The cell of `field` on `sheet`: by defined name first, then by its label.
    pub(super) fn locate(&mut self, field: &Field, index: usize) -> Option<(u32, u16)> {
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

    pub(super) fn find_division_sheet(&mut self) -> Option<String> {
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
    pub(super) fn find_kpi_sheets(&mut self) -> Vec<String> {
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

    pub(super) fn find_sheet(&mut self, preferred: &str, table: &Table) -> Option<String> {
        if let Some(s) = self.sheet_of_name(table.header_name) {
            return Some(s);
        }
        if self.names.iter().any(|n| n == preferred) {
            return Some(preferred.to_owned());
        }
        None
    }
}

/// `s` in lowercase, borrowed when it already is (as kpiwatch's own names are).
pub(super) fn lowercase(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
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
    // At most three letters ("ZZZ" is column 18,278), so the conversion cannot overflow.
    let col = if letters.bytes().any(|b| b.is_ascii_lowercase()) {
        column_name_to_number(&letters.to_ascii_uppercase())
    } else {
        column_name_to_number(letters)
    };
    let row: u32 = digits.parse().ok()?;
    if row == 0 || col >= 16_384 {
        return None;
    }
    Some((sheet, row - 1, col))
}
