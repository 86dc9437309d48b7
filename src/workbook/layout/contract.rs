//! The template's contract in Markdown, printed by `kpiwatch template --contract` and kept in
//! docs/template.md: every defined name with its cell, label, type and longest text kept, every
//! value a drop-down offers, and the tables whose rows a division adds.

use std::fmt::Write as _;

use rust_xlsxwriter::utility::column_number_to_name;

use crate::domain::bounded::CUT_MARK;

use super::{
    ColumnKey, DIVISION_SHEET, Field, LOG_MODE_MEANINGS_EN, LOG_MODES, LOG_SHEET, LOG_TABLE,
    PLAN_SHEET, PLAN_TABLE, Required, SheetRole, TEMPLATE_VERSION, Table, choice_list, fields,
};

/// How the contract and the instructions sheet name the sheet a field is on.
pub(crate) fn sheet_display(sheet: SheetRole) -> &'static str {
    match sheet {
        SheetRole::Division => DIVISION_SHEET,
        SheetRole::Kpi => "ตัวชี้วัด n",
        SheetRole::Plan => PLAN_SHEET,
        SheetRole::Log => LOG_SHEET,
    }
}

/// The template's contract in Markdown: docs/template.md holds exactly this text between its
/// markers, and a test keeps the two equal.
pub fn contract_markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Template version: `{TEMPLATE_VERSION}`.\n");
    let _ = writeln!(
        out,
        "A text longer than its field's \"longest text kept\" (in characters) is cut, ends in `{CUT_MARK}` wherever kpiwatch shows it, and gets a `text-too-long` warning at its cell.\n"
    );
    field_table(&mut out);
    computed_table(&mut out);
    for f in fields().iter().filter(|f| !choice_list(f.ty).is_empty()) {
        drop_down(&mut out, f);
    }
    for table in [&*PLAN_TABLE, &*LOG_TABLE] {
        column_table(&mut out, table);
    }
    log_modes(&mut out);
    out
}

/// Every input field: its defined name, where it is, and what it holds.
fn field_table(out: &mut String) {
    let _ = writeln!(
        out,
        "| defined name | scope | sheet | cell | Thai label | meaning | type | required | longest text kept |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for f in fields() {
        let scope = if f.sheet == SheetRole::Kpi {
            "sheet"
        } else {
            "workbook"
        };
        let required = match f.required {
            Required::Yes => "yes",
            Required::No => "no",
            Required::UnlessMilestone => "unless milestone",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.name,
            scope,
            sheet_display(f.sheet),
            f.a1(),
            f.label_th,
            f.meaning_en,
            f.ty.describe_en(),
            required,
            thousands(f.bound.chars())
        );
    }
}

/// The computed cells: named so a program can read what the template showed.
fn computed_table(out: &mut String) {
    let _ = writeln!(
        out,
        "\nComputed cells (green, คำนวณโดยระบบ): live formulas on every KPI sheet, sheet-local names, locked, never read back. Each shows kpiwatch's figure for what is typed, in every form kpiwatch reads that the formula converts (numbers, text numbers with Thai digits, \"ร้อยละ\" or \"%\", a threshold's trailing dash, \"ระดับ 4\", the English names of the drop-downs); for other accepted forms (a range \"4-5\", a bound \"≥ 94\", a number in a percent or date format) it shows \"{}\", and kpiwatch computes the figure when the file is sent. Results below level 1 score 0 here.\n",
        super::COMPUTED_PLACEHOLDER
    );
    let _ = writeln!(
        out,
        "| defined name | sheet | cell | Thai label | meaning |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for c in super::computed_cells() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            c.name,
            sheet_display(SheetRole::Kpi),
            c.a1(),
            c.label_th,
            c.meaning_en
        );
    }
}

/// "2,000": a bound as the docs write numbers.
fn thousands(n: usize) -> String {
    if n >= 1_000 {
        format!("{},{:03}", n / 1_000, n % 1_000)
    } else {
        n.to_string()
    }
}

/// The values a drop-down field allows, as its list offers them and as the reader accepts them.
fn drop_down(out: &mut String, f: &Field) {
    let _ = writeln!(
        out,
        "\nDrop-down `{}` ({}): the template's list offers the Thai values; the reader accepts a Thai value or one of its English names (in any case, with spaces, hyphens or underscores between words); any other text is an `invalid-choice` error naming every accepted value.\n",
        f.name, f.label_th
    );
    let _ = writeln!(out, "| Thai value | English names | meaning |");
    let _ = writeln!(out, "|---|---|---|");
    for c in choice_list(f.ty) {
        let en: Vec<String> = c.en.iter().map(|n| format!("`{n}`")).collect();
        let _ = writeln!(out, "| {} | {} | {} |", c.th, en.join(", "), c.meaning_en);
    }
}

/// A table whose rows the division adds: its header row and columns.
fn column_table(out: &mut String, table: &Table) {
    let _ = writeln!(
        out,
        "\nTable `{}` on sheet {}: header in row {}, one record per row below it, as many rows as needed (the table's columns are input cells all the way down; blank rows are skipped).\n",
        table.header_name,
        sheet_display(table.sheet),
        table.header_row + 1
    );
    let _ = writeln!(
        out,
        "| column | Thai header | meaning | type | longest text kept |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (i, c) in table.columns.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            column_number_to_name(i as u16),
            c.label_th,
            c.meaning_en,
            c.ty.describe_en(),
            thousands(c.bound.chars())
        );
    }
}

/// The detail log's mode column offers a list too, but only as suggestions.
fn log_modes(out: &mut String) {
    let table = &*LOG_TABLE;
    let Some((i, column)) = table
        .columns
        .iter()
        .enumerate()
        .find(|(_, c)| c.key == ColumnKey::LogMode)
    else {
        return;
    };
    let _ = writeln!(
        out,
        "\nDrop-down in column {} ({}) of table `{}`: the list suggests these values, but any text is accepted.\n",
        column_number_to_name(i as u16),
        column.label_th,
        table.header_name
    );
    let _ = writeln!(out, "| value | meaning |");
    let _ = writeln!(out, "|---|---|");
    for (th, en) in LOG_MODES.iter().zip(LOG_MODE_MEANINGS_EN) {
        let _ = writeln!(out, "| {th} | {en} |");
    }
}
