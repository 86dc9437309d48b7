//! The KPI sheet (ตัวชี้วัด): one row per KPI of every division, its figures as reported and its
//! score, weighted score and level reached as live formulas, with kpiwatch's values cached.

use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::figures::Scored;
use super::overview::{settings_a1, settings_ref};
use super::styles::{
    Cells, Column, Styles, column, end_table, fit_row, print_across, quarter_columns, start_sheet,
    table_header, title_over_keys,
};
use super::{DivisionEntry, KPI_SHEET, OVERVIEW_SHEET, Revision, SummaryInput};
use crate::check::validate::normalize_code;
use crate::domain::formula::{self, ScoreRefs};
use crate::domain::model::{Kpi, KpiKind, Quarter};
use crate::domain::scoring::QuarterScore;

// Rows and columns are zero-based, as rust_xlsxwriter counts them.

/// KPI sheet: title, note, then the table.
pub(super) const KPI_HEADER_ROW: u32 = 2;
/// Columns: A ลำดับ, B รหัสหน่วยงาน, C หน่วยงาน, D รหัสตัวชี้วัด, E ตัวชี้วัด, F หน่วยวัด, G น้ำหนัก,
/// H ประเภท, I ทิศทาง, J–N เกณฑ์ระดับ 1–5, O เป้าหมาย, P–S ผลไตรมาส 1–4, T–W คะแนนไตรมาส 1–4,
/// X–AA ถ่วงน้ำหนักไตรมาส 1–4, AB การแก้ไข, AC–AF ระดับที่ผ่านเกณฑ์ไตรมาส 1–4 (what the score
/// formulas build on).
pub(super) mod kc {
    pub const DIV_CODE: u16 = 1;
    /// The KPI name; the columns left of it stay in view when scrolling right.
    pub const NAME: u16 = 4;
    pub const WEIGHT: u16 = 6;
    pub const KIND: u16 = 7;
    pub const DIRECTION: u16 = 8;
    /// T1; T2..T5 follow.
    pub const T1: u16 = 9;
    /// Result of Q1; Q2..Q4 follow. Likewise scores and weighted scores.
    pub const RESULT1: u16 = 15;
    pub const SCORE1: u16 = 19;
    pub const WEIGHTED1: u16 = 23;
    pub const REVISIONS: u16 = 27;
    pub const LEVEL1: u16 = 28;
}

/// Printed across five pages per block of rows, each with the key columns A–E: the KPI's
/// description (F–I), its criteria (J–O), results (P–S), scores and weighted scores (T–AA), and
/// revisions with the levels reached (AB–AF). Every group fits A4 landscape at 75 %.
const PRINT_BREAKS: [u16; 4] = [kc::T1, kc::RESULT1, kc::SCORE1, kc::REVISIONS];

fn kpi_columns() -> Vec<Column> {
    let mut c = vec![
        column("ลำดับ", 4.5),
        column("รหัสหน่วยงาน", 8.0),
        column("หน่วยงาน", 10.0),
        column("รหัสตัวชี้วัด", 9.5),
        column("ตัวชี้วัด", 20.5),
        column("หน่วยวัด", 8.0),
        column("น้ำหนัก", 7.0),
        column("ประเภท", 16.0),
        column("ทิศทาง", 10.0),
    ];
    c.extend((1..=5).map(|l| column(format!("เกณฑ์ระดับ {l}"), 7.0)));
    c.push(column("เป้าหมาย", 9.0));
    c.extend(quarter_columns("ผลไตรมาส ", 8.0));
    c.extend(quarter_columns("คะแนนไตรมาส ", 6.5));
    c.extend(quarter_columns("ถ่วงน้ำหนักไตรมาส ", 6.5));
    c.push(column("การแก้ไข", 22.0));
    // The level each result reached, the step the score formulas build on (auditable, and it
    // keeps every score formula short).
    c.extend(quarter_columns("ระดับที่ผ่านเกณฑ์ไตรมาส ", 7.0));
    c
}

pub(super) fn kpi_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    scored: &[Scored<'_>],
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = format!("ผลตัวชี้วัดทุกหน่วยงาน ปีงบประมาณ พ.ศ. {}", input.fiscal_year);
    start_sheet(ws, KPI_SHEET, &title, st)?;
    let note = format!(
        "หนึ่งแถวต่อหนึ่งตัวชี้วัด · ผลเป็นค่าสะสมตั้งแต่ต้นปีงบประมาณ ช่องว่าง = ยังไม่รายงาน · คะแนนและคะแนนถ่วงน้ำหนักเป็นสูตรตามเกณฑ์การให้คะแนน โดยใช้คะแนนกรณีผลต่ำกว่าเกณฑ์ระดับ 1 จากช่อง {} ของแผ่นงาน \"{OVERVIEW_SHEET}\"",
        settings_a1()
    );
    let columns = kpi_columns();
    let key_width: f64 = columns[..=usize::from(kc::NAME)]
        .iter()
        .map(|c| c.width)
        .sum();
    title_over_keys(ws, (&title, &note), (kc::NAME, key_width), st)?;
    // Keep the division and KPI codes in view when scrolling right.
    table_header(ws, KPI_HEADER_ROW, &columns, kc::NAME, st)?;
    print_across(ws, kc::NAME, &PRINT_BREAKS)?;
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    let formulas = KpiRowFormulas::new(&settings_ref());
    let mut seq: u32 = 0;
    for d in scored {
        for (j, (kpi, figures)) in d.entry.submission.kpis.iter().zip(&d.kpis).enumerate() {
            seq += 1;
            let row = d.first_row + j as u32;
            kpi_row(
                ws,
                (row, &widths),
                seq,
                d.entry,
                kpi,
                figures.as_ref().ok(),
                &formulas,
                st,
            )?;
        }
    }
    end_table(ws, KPI_HEADER_ROW, seq, columns.len())?;
    Ok(())
}

/// The formulas of a KPI row, built once per sheet with a marker where the row number goes: a
/// book has over a thousand KPI rows of twelve formulas each, and building every one from its
/// parts (a dozen cell references, each its own string) was a tenth of the summary's own work.
struct KpiRowFormulas {
    score: [RowTemplate; 4],
    weighted: [RowTemplate; 4],
    levels: [RowTemplate; 4],
}

/// A formula cut where its row number goes: the row is put back by copying the pieces, not by
/// searching the text for a marker character by character (a book of 250 divisions holds about
/// 17,000 of these formulas, 3 MB of text).
struct RowTemplate {
    pieces: Vec<String>,
    len: usize,
}

impl RowTemplate {
    fn new(formula: &str) -> Self {
        Self {
            pieces: formula
                .split(KpiRowFormulas::ROW)
                .map(str::to_owned)
                .collect(),
            len: formula.len(),
        }
    }

    /// The formula for the Excel row `excel_row` (one-based, as text).
    fn at(&self, excel_row: &str) -> String {
        let mut out = String::with_capacity(self.len + self.pieces.len() * excel_row.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push_str(excel_row);
            }
            out.push_str(piece);
        }
        out
    }
}

impl KpiRowFormulas {
    /// Stands for the row number; never part of a reference, a sheet name or a label.
    const ROW: char = '\u{1}';

    fn new(below_level1: &str) -> Self {
        // "$P4": the column fixed, the row not; rust_xlsxwriter's utility has no such mix.
        let here = |col: u16| format!("${}{}", column_number_to_name(col), Self::ROW);
        let thresholds = format!("{}:{}", here(kc::T1), here(kc::T1 + 4));
        let (kind, direction, weight) = (here(kc::KIND), here(kc::DIRECTION), here(kc::WEIGHT));
        let result = |q: usize| here(kc::RESULT1 + q as u16);
        Self {
            score: std::array::from_fn(|q| {
                RowTemplate::new(&formula::score_at_level(
                    ScoreRefs {
                        result: &result(q),
                        kind: &kind,
                        direction: &direction,
                        thresholds: &thresholds,
                        below_level1,
                    },
                    &here(kc::LEVEL1 + q as u16),
                ))
            }),
            weighted: std::array::from_fn(|q| {
                RowTemplate::new(&formula::weighted(&here(kc::SCORE1 + q as u16), &weight))
            }),
            levels: std::array::from_fn(|q| {
                RowTemplate::new(&formula::levels_met(&result(q), &direction, &thresholds))
            }),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn kpi_row(
    ws: &mut Worksheet,
    (row, widths): (u32, &[f64]),
    seq: u32,
    entry: &DivisionEntry,
    kpi: &Kpi,
    figures: Option<&[QuarterScore; 4]>,
    formulas: &KpiRowFormulas,
    st: &Styles,
) -> Result<(), XlsxError> {
    let division = &entry.submission.division;
    let code = normalize_code(&kpi.code);
    let revisions: Vec<String> = entry
        .revisions
        .iter()
        .filter(|r| normalize_code(&r.kpi_code) == code)
        .map(Revision::describe)
        .collect();
    let revisions = revisions.join("; ");
    let width = |c: u16| widths[usize::from(c)];
    fit_row(
        ws,
        row,
        &[
            (&division.name, width(kc::DIV_CODE + 1)),
            (&kpi.name, width(kc::NAME)),
            (&kpi.unit, width(kc::NAME + 1)),
            (kpi.kind.label_th(), width(kc::KIND)),
            (kpi.direction.label_th(), width(kc::DIRECTION)),
            (&kpi.target, width(kc::RESULT1 - 1)),
            (&revisions, width(kc::REVISIONS)),
        ],
    )?;
    let mut w = Cells::at(ws, row);
    w.number(Some(f64::from(seq)), &st.integer)?
        .text(&division.code, &st.code)?
        .text(&division.name, &st.text)?
        .text(&kpi.code, &st.code)?
        .text(&kpi.name, &st.text)?
        .text(&kpi.unit, &st.text)?
        .number(Some(kpi.weight), &st.number)?
        .text(kpi.kind.label_th(), &st.text)?
        .text(kpi.direction.label_th(), &st.text)?;
    // A milestone KPI scores the level reached; thresholds it never had stay blank.
    let no_thresholds = kpi.kind == KpiKind::Milestone && kpi.thresholds == [0.0; 5];
    debug_assert_eq!(w.col(), kc::T1);
    for t in kpi.thresholds {
        w.number((!no_thresholds).then_some(t), &st.number)?;
    }
    w.text(&kpi.target, &st.text_after_number)?;
    debug_assert_eq!(w.col(), kc::RESULT1);
    for q in Quarter::ALL {
        w.number(kpi.report(q).result, &st.number)?;
    }
    debug_assert_eq!(w.col(), kc::SCORE1);
    let excel_row = (row + 1).to_string();
    for q in Quarter::ALL {
        let Some(f) = figures else {
            w.number(None, &st.score)?;
            continue;
        };
        let score = formulas.score[q.index()].at(&excel_row);
        w.formula(&score, f[q.index()].score, &st.score)?;
    }
    debug_assert_eq!(w.col(), kc::WEIGHTED1);
    for q in Quarter::ALL {
        let Some(f) = figures else {
            w.number(None, &st.score)?;
            continue;
        };
        let weighted = formulas.weighted[q.index()].at(&excel_row);
        w.formula(&weighted, f[q.index()].weighted, &st.score)?;
    }
    debug_assert_eq!(w.col(), kc::REVISIONS);
    w.text(&revisions, &st.text)?;
    debug_assert_eq!(w.col(), kc::LEVEL1);
    let shown: [Option<f64>; 5] = kpi.thresholds.map(|t| (!no_thresholds).then_some(t));
    for q in Quarter::ALL {
        if figures.is_none() {
            w.number(None, &st.integer)?;
            continue;
        }
        let met = kpi
            .report(q)
            .result
            .map(|r| formula::levels_met_value(r, kpi.direction, &shown));
        let levels = formulas.levels[q.index()].at(&excel_row);
        w.formula(&levels, met, &st.integer)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::*;
    use crate::summary::tests::{cell, formula_at, open, sample};

    #[test]
    fn kpi_row_formulas_from_templates_equal_those_built_from_parts() {
        let below = settings_ref();
        let templates = KpiRowFormulas::new(&below);
        for row in [0u32, 7, 99, 1_048_575] {
            let excel_row = (row + 1).to_string();
            let here = |col: u16| format!("${}{}", column_number_to_name(col), row + 1);
            let thresholds = format!("{}:{}", here(kc::T1), here(kc::T1 + 4));
            let (kind, direction) = (here(kc::KIND), here(kc::DIRECTION));
            for q in 0..4 {
                let result = here(kc::RESULT1 + q as u16);
                let score = formula::score_at_level(
                    ScoreRefs {
                        result: &result,
                        kind: &kind,
                        direction: &direction,
                        thresholds: &thresholds,
                        below_level1: &below,
                    },
                    &here(kc::LEVEL1 + q as u16),
                );
                let weighted = formula::weighted(&here(kc::SCORE1 + q as u16), &here(kc::WEIGHT));
                let levels = formula::levels_met(&result, &direction, &thresholds);
                let at = |t: &RowTemplate| t.at(&excel_row);
                assert_eq!(at(&templates.score[q]), score);
                assert_eq!(at(&templates.weighted[q]), weighted);
                assert_eq!(at(&templates.levels[q]), levels);
            }
        }
    }

    #[test]
    fn column_constants_match_the_headers() {
        let k = kpi_columns();
        assert_eq!(k.len(), usize::from(kc::LEVEL1) + 4);
        assert_eq!(k[usize::from(kc::LEVEL1)].label, "ระดับที่ผ่านเกณฑ์ไตรมาส 1");
        let label = |c: u16| k[usize::from(c)].label.as_str();
        assert_eq!(label(kc::DIV_CODE), "รหัสหน่วยงาน");
        assert_eq!(label(kc::NAME), "ตัวชี้วัด");
        assert_eq!(label(kc::WEIGHT), "น้ำหนัก");
        assert_eq!(label(kc::KIND), "ประเภท");
        assert_eq!(label(kc::DIRECTION), "ทิศทาง");
        assert_eq!(label(kc::T1), "เกณฑ์ระดับ 1");
        assert_eq!(label(kc::T1 + 4), "เกณฑ์ระดับ 5");
        assert_eq!(label(kc::RESULT1), "ผลไตรมาส 1");
        assert_eq!(label(kc::SCORE1 + 3), "คะแนนไตรมาส 4");
        assert_eq!(label(kc::WEIGHTED1), "ถ่วงน้ำหนักไตรมาส 1");
        assert_eq!(label(kc::REVISIONS), "การแก้ไข");
    }

    #[test]
    fn kpi_rows_hold_text_numbers_blanks_and_formulas_with_cached_values() {
        let mut wb = open(&sample());
        let r1 = KPI_HEADER_ROW + 1;
        let r2 = r1 + 1;
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::NAME),
            Data::String("=SUM(A1:A2) จำนวนเรื่อง".to_owned())
        );
        assert_eq!(formula_at(&mut wb, KPI_SHEET, r2, kc::NAME), "");
        // Unreported: the result is blank, the score and weighted score cache "".
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::RESULT1 + 1), Data::Empty);
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::SCORE1 + 1),
            Data::String(String::new())
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1 + 1),
            Data::String(String::new())
        );
        // 7 between T2 = 8 and T3 = 6 of a lower-is-better KPI: 2.5; weight 60 → 1.5.
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::SCORE1), Data::Float(2.5));
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1),
            Data::Float(1.5)
        );
        // 12 is below T1 = 10: 0 under the default rule.
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r1, kc::SCORE1 + 2),
            Data::Float(0.0)
        );
        // Stepped: 184 → 2, 500 → 4, 900 → 5.
        assert_eq!(cell(&mut wb, KPI_SHEET, r2, kc::SCORE1), Data::Float(2.0));
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::SCORE1 + 1),
            Data::Float(4.0)
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::WEIGHTED1 + 2),
            Data::Float(2.0)
        );
        let f = formula_at(&mut wb, KPI_SHEET, r1, kc::SCORE1);
        assert!(f.contains("'ภาพรวม'!$D$3"), "{f}");
        assert!(f.contains("$P4") && f.contains("$J4:$N4"), "{f}");
        assert_eq!(
            formula_at(&mut wb, KPI_SHEET, r1, kc::WEIGHTED1),
            "IF(ISNUMBER($T4),ROUND(ROUND($T4*$G4/100,9),4),\"\")"
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r2, kc::REVISIONS),
            Data::String("ทส.2 ไตรมาส 2: 480 → 500".to_owned())
        );
        assert_eq!(cell(&mut wb, KPI_SHEET, r1, kc::REVISIONS), Data::Empty);
    }
}
