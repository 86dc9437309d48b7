//! The overview sheet (ภาพรวม): one row per division with its live roll-up of the KPI sheet,
//! and the below-level-1 setting every score formula reads.

use rust_xlsxwriter::utility::{column_number_to_name, row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{
    Color, ConditionalFormat3ColorScale, ConditionalFormatFormula, ConditionalFormatType,
    DataValidation, DataValidationRule, FormatAlign, Formula, Worksheet, XlsxError,
};

use super::figures::Scored;
use super::kpis::kc;
use super::styles::{
    Cells, Column, Styles, abs_column_range, column, end_table, fit_row, quoted, start_sheet,
    table_header,
};
use super::{KPI_SHEET, OVERVIEW_SHEET, SummaryInput, WEIGHTS_NOT_100_TH};
use crate::domain::formula;
use crate::domain::model::{BelowLevel1, FiscalYear, Quarter};
use crate::workbook::template::TABLE_FONT_SIZE;
use crate::workbook::template::measure::{row_height, wrapped_lines};

// Rows and columns are zero-based, as rust_xlsxwriter counts them.

/// Overview: title, generation line, the below-level-1 setting, a note, then the table.
pub(super) const OV_SETTINGS_ROW: u32 = 2;
pub(super) const OV_HEADER_ROW: u32 = 4;
/// Columns: A ลำดับ, B รหัสหน่วยงาน, C ชื่อหน่วยงาน, D จำนวนตัวชี้วัด, E น้ำหนักรวม, F–I ไตรมาสที่ 1–4,
/// J สถานะ, K หมายเหตุ.
pub(super) mod ov {
    pub const CODE: u16 = 1;
    pub const COUNT: u16 = 3;
    pub const WEIGHT: u16 = 4;
    /// Division score of Q1; Q2..Q4 follow.
    pub const Q1: u16 = 5;
    pub const STATUS: u16 = 9;
    pub const NOTE: u16 = 10;
}
/// The settings cell (D3) every score formula reads: the score of a result below level 1.
const SETTINGS_COL: u16 = 3;

/// Status of a division that sent an accepted workbook.
pub const SENT_LABEL_TH: &str = "ส่งแล้ว";
/// Status of a division whose every workbook was rejected.
pub const REJECTED_LABEL_TH: &str = "ส่งแล้วแต่ไม่ผ่าน ให้แก้ไข";

/// A division with no accepted workbook: registered and silent, or sent only rejected files.
pub(super) struct Unaccepted {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) status: &'static str,
}

/// Every division the overview must show besides those with an accepted workbook, sorted by
/// code: the registered ones that sent nothing accepted, and any division code a rejected file
/// named.
pub(super) fn unaccepted(input: &SummaryInput) -> Vec<Unaccepted> {
    use crate::check::validate::{Status, normalize_code};
    let accepted: std::collections::BTreeSet<String> = input
        .divisions
        .iter()
        .map(|d| normalize_code(&d.submission.division.code))
        .collect();
    let mut out: std::collections::BTreeMap<String, Unaccepted> = Default::default();
    for s in input
        .submissions
        .iter()
        .filter(|s| s.status == Status::Rejected && !s.division_code.trim().is_empty())
    {
        let key = normalize_code(&s.division_code);
        if !accepted.contains(&key) {
            out.entry(key).or_insert_with(|| Unaccepted {
                code: s.division_code.clone(),
                name: s.division_name.clone(),
                status: REJECTED_LABEL_TH,
            });
        }
    }
    for m in &input.missing {
        let key = normalize_code(&m.code);
        if accepted.contains(&key) {
            continue;
        }
        let e = out.entry(key).or_insert_with(|| Unaccepted {
            code: m.code.clone(),
            name: m.name.clone(),
            status: super::MISSING_LABEL_TH,
        });
        // The registry's name is the official one.
        e.name = m.name.clone();
    }
    out.into_values().collect()
}

/// "ส่งแล้ว 3 · ส่งแล้วแต่ไม่ผ่าน ให้แก้ไข 5 · ยังไม่ส่ง 0 · รวม 8 หน่วยงาน".
pub(super) fn status_counts(sent: usize, rows: &[Unaccepted]) -> String {
    let rejected = rows
        .iter()
        .filter(|u| u.status == REJECTED_LABEL_TH)
        .count();
    let missing = rows.len() - rejected;
    format!(
        "{SENT_LABEL_TH} {sent} · {REJECTED_LABEL_TH} {rejected} · {} {missing} · รวม {} หน่วยงาน",
        super::MISSING_LABEL_TH,
        sent + rows.len()
    )
}

/// "D3", as the notes name the settings cell.
pub(super) fn settings_a1() -> String {
    row_col_to_cell(OV_SETTINGS_ROW, SETTINGS_COL)
}

/// The overview's settings cell as every score formula reads it: `'ภาพรวม'!$D$3`.
pub(super) fn settings_ref() -> String {
    format!(
        "{}!{}",
        quoted(OVERVIEW_SHEET),
        row_col_to_cell_absolute(OV_SETTINGS_ROW, SETTINGS_COL)
    )
}

/// Red (0) through yellow to green (5): the score columns of the overview and of the index.
pub(super) fn score_scale() -> ConditionalFormat3ColorScale {
    ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 2.5)
        .set_maximum(ConditionalFormatType::Number, 5)
        .set_minimum_color(Color::RGB(0xF8696B))
        .set_midpoint_color(Color::RGB(0xFFEB84))
        .set_maximum_color(Color::RGB(0x63BE7B))
}

/// The overview's title, also the workbook's.
pub(super) fn overview_title(fy: FiscalYear) -> String {
    format!("สรุปผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ พ.ศ. {fy}")
}

pub(super) fn overview_columns() -> Vec<Column> {
    // 111 units with the cells' padding (117 in the index, with its book column): one A4
    // landscape page wide at 73 % or more, 14 pt text at 10.2 pt or more.
    let mut c = vec![
        column("ลำดับ", 5.0),
        column("รหัสหน่วยงาน", 9.0),
        column("ชื่อหน่วยงาน", 21.0),
        column("จำนวนตัวชี้วัด", 7.0),
        column("น้ำหนักรวม", 7.0),
    ];
    c.extend(Quarter::ALL.map(|q| column(q.label_th(), 7.0)));
    c.push(column("สถานะ", 12.0));
    c.push(column("หมายเหตุ", 14.0));
    c
}

pub(super) fn overview_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    scored: &[Scored<'_>],
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = match &input.part {
        Some(part) => format!(
            "{} · {}",
            overview_title(input.fiscal_year),
            part.label_th()
        ),
        None => overview_title(input.fiscal_year),
    };
    start_sheet(ws, OVERVIEW_SHEET, &title, st)?;
    let others = unaccepted(input);
    ws.write_string_with_format(
        1,
        0,
        format!(
            "จัดทำเมื่อ {} โดย kpiwatch · {}",
            input.generated_at,
            status_counts(input.divisions.len(), &others)
        ),
        &st.line,
    )?;
    settings_row(ws, input.below_level1, st)?;
    let columns = overview_columns();
    // The note spans the table and wraps within it: on one line it ran past the printed page.
    let mut note = format!(
        "ตัวเลขในตารางเป็นสูตรที่คำนวณจากแผ่นงาน \"{KPI_SHEET}\": คะแนนหน่วยงาน = Σ(น้ำหนัก × คะแนน) ÷ Σน้ำหนัก ของตัวชี้วัดที่รายงานผลในไตรมาสนั้น · แก้ค่าในช่อง {} (0 หรือ 1) แล้วคะแนนทั้งสมุดงานจะคำนวณใหม่",
        settings_a1()
    );
    if let Some(board) = &input.status {
        note.push_str(&format!(
            "\n{}",
            super::status_sheet::current_round_line(board)
        ));
    }
    let table_width: f64 = columns.iter().map(|c| c.width).sum();
    let note_row = OV_SETTINGS_ROW + 1;
    ws.merge_range(
        note_row,
        0,
        note_row,
        columns.len() as u16 - 1,
        &note,
        &st.note.clone().set_text_wrap().set_align(FormatAlign::Top),
    )?;
    ws.set_row_height(
        note_row,
        row_height(
            wrapped_lines(&note, table_width, TABLE_FONT_SIZE),
            TABLE_FONT_SIZE,
        ),
    )?;
    table_header(ws, OV_HEADER_ROW, &columns, 0, st)?;
    let widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    for (i, d) in scored.iter().enumerate() {
        overview_row(ws, (OV_HEADER_ROW + 1 + i as u32, &widths), i, d, st)?;
    }
    // Divisions without an accepted workbook follow, so nobody is lost from view; the
    // accepted ones stay one block, which the chart draws.
    let n = scored.len() as u32;
    for (j, u) in others.iter().enumerate() {
        let row = OV_HEADER_ROW + 1 + n + j as u32;
        fit_row(ws, row, &[(&u.name, widths[2]), (u.status, widths[9])])?;
        let mut w = Cells::at(ws, row);
        w.number(Some(f64::from(n) + j as f64 + 1.0), &st.integer)?
            .text(&u.code, &st.code)?
            .text(&u.name, &st.text)?;
        for _ in ov::COUNT..ov::STATUS {
            w.number(None, &st.number)?;
        }
        w.text(u.status, &st.text)?.text("", &st.text)?;
    }
    let all = n + others.len() as u32;
    end_table(ws, OV_HEADER_ROW, all, columns.len())?;
    let last_printed = OV_HEADER_ROW + all.max(1);
    if n > 0 {
        let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + n);
        ws.add_conditional_format(first, ov::Q1, last, ov::Q1 + 3, &score_scale())?;
        // Rounded as kpiwatch compares: 33.33 + 33.33 + 33.34 is 100.
        let weight = ConditionalFormatFormula::new()
            .set_rule(
                format!(
                    "=ROUND(${}{},4)<>100",
                    column_number_to_name(ov::WEIGHT),
                    first + 1
                )
                .as_str(),
            )
            .set_format(&st.alert);
        ws.add_conditional_format(first, ov::WEIGHT, last, ov::WEIGHT, &weight)?;
    }
    ws.set_print_area(0, 0, last_printed, ov::NOTE)?;
    Ok(())
}

/// A3: the rule's label, D3: the score below level 1 (an input), E3: the rule in words, which
/// follows D3.
fn settings_row(ws: &mut Worksheet, below: BelowLevel1, st: &Styles) -> Result<(), XlsxError> {
    let row = OV_SETTINGS_ROW;
    ws.write_string_with_format(
        row,
        0,
        "คะแนนเมื่อผลต่ำกว่าเกณฑ์ระดับ 1",
        &st.line.clone().set_bold(),
    )?;
    // Centred, and the rule in words indented after it: right-aligned against E3's text the
    // value read as the first digit of a longer number.
    ws.write_number_with_format(
        row,
        SETTINGS_COL,
        below.score(),
        &st.t.input_integer.clone().set_align(FormatAlign::Center),
    )?;
    let describe = format!(
        "IF({}=1,\"{}\",\"{}\")",
        row_col_to_cell_absolute(row, SETTINGS_COL),
        BelowLevel1::One.describe_th(),
        BelowLevel1::Zero.describe_th()
    );
    ws.write_formula_with_format(
        row,
        SETTINGS_COL + 1,
        Formula::new(format!("={describe}")).set_result(below.describe_th()),
        &st.line.clone().set_indent(1),
    )?;
    let rule = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, 1))
        .set_error_title("ค่าไม่ถูกต้อง")?
        .set_error_message("กรอก 0 (ผลต่ำกว่าเกณฑ์ระดับ 1 ได้ 0) หรือ 1 (ได้ 1)")?;
    ws.add_data_validation(row, SETTINGS_COL, row, SETTINGS_COL, &rule)?;
    Ok(())
}

fn overview_row(
    ws: &mut Worksheet,
    (row, widths): (u32, &[f64]),
    index: usize,
    d: &Scored<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let division = &d.entry.submission.division;
    let note = division_note(d);
    fit_row(
        ws,
        row,
        &[
            (&division.name, widths[usize::from(ov::CODE) + 1]),
            (&note, widths[usize::from(ov::NOTE)]),
        ],
    )?;
    let mut w = Cells::at(ws, row);
    w.number(Some(index as f64 + 1.0), &st.integer)?
        .text(&division.code, &st.code)?
        .text(&division.name, &st.text)?;
    debug_assert_eq!(w.col(), ov::COUNT);
    match d.rows() {
        None => {
            w.number(Some(0.0), &st.integer)?
                .number(Some(0.0), &st.number)?;
            for _ in Quarter::ALL {
                w.number(None, &st.score)?;
            }
        }
        Some((first, last)) => {
            let block = |col: u16| abs_column_range(KPI_SHEET, col, first, last);
            let weights = block(kc::WEIGHT);
            // Counts the block's rows that carry this division's code: if the KPI sheet is
            // re-sorted, the count shows that the block no longer is this division's.
            let code_here = format!("${}{}", column_number_to_name(ov::CODE), row + 1);
            w.formula(
                &format!("SUMPRODUCT(--({}={code_here}))", block(kc::DIV_CODE)),
                Some(d.kpis.len() as f64),
                &st.integer,
            )?
            .formula(
                &format!("SUM({weights})"),
                Some(d.division[0].total_weight),
                &st.number,
            )?;
            for q in Quarter::ALL {
                let scores = block(kc::SCORE1 + q.index() as u16);
                w.formula(
                    &formula::roll_up(&weights, &scores),
                    d.division[q.index()].score,
                    &st.score,
                )?;
            }
        }
    }
    debug_assert_eq!(w.col(), ov::STATUS);
    w.text(SENT_LABEL_TH, &st.text)?.text(&note, &st.text)?;
    Ok(())
}

/// What the overview's note column says about a division.
pub(super) fn division_note(d: &Scored<'_>) -> String {
    let mut notes = Vec::new();
    if d.kpis.is_empty() {
        notes.push("ไม่มีตัวชี้วัด".to_owned());
    } else if !d.division[0].weights_sum_to_100() {
        notes.push(WEIGHTS_NOT_100_TH.to_owned());
    }
    for ds in d.division.iter().filter(|ds| ds.is_partial()) {
        notes.push(format!(
            "{} รายงานไม่ครบ ({}/{} ตัวชี้วัด)",
            ds.quarter.label_th(),
            ds.reported_count,
            ds.kpi_count
        ));
    }
    for (kpi, s) in d.entry.submission.kpis.iter().zip(&d.kpis) {
        if let Err(e) = s {
            notes.push(format!("ตัวชี้วัด {}: คำนวณคะแนนไม่ได้ ({e})", kpi.code));
        }
    }
    notes.join("; ")
}

#[cfg(test)]
mod tests {
    use calamine::Data;

    use super::*;
    use crate::domain::model::{Direction, KpiKind};
    use crate::summary::kpis::KPI_HEADER_ROW;
    use crate::summary::tests::{cell, division, formula_at, input, kpi, open, sample};

    #[test]
    fn column_constants_match_the_headers() {
        let o = overview_columns();
        assert_eq!(o.len(), usize::from(ov::NOTE) + 1);
        assert_eq!(o[usize::from(ov::CODE)].label, "รหัสหน่วยงาน");
        assert_eq!(o[usize::from(ov::COUNT)].label, "จำนวนตัวชี้วัด");
        assert_eq!(o[usize::from(ov::WEIGHT)].label, "น้ำหนักรวม");
        assert_eq!(o[usize::from(ov::Q1)].label, "ไตรมาสที่ 1");
        assert_eq!(o[usize::from(ov::NOTE)].label, "หมายเหตุ");
        assert_eq!(settings_ref(), "'ภาพรวม'!$D$3");
    }

    #[test]
    fn overview_rolls_up_the_kpi_block_of_each_division() {
        let mut wb = open(&sample());
        let row = OV_HEADER_ROW + 1;
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL),
            Data::Float(0.0)
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL + 1),
            Data::String(BelowLevel1::Zero.describe_th().to_owned())
        );
        assert_eq!(
            formula_at(&mut wb, OVERVIEW_SHEET, row, ov::COUNT),
            "SUMPRODUCT(--('ตัวชี้วัด'!$B$4:$B$5=$B6))"
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, row, ov::COUNT),
            Data::Float(2.0)
        );
        assert_eq!(
            formula_at(&mut wb, OVERVIEW_SHEET, row, ov::WEIGHT),
            "SUM('ตัวชี้วัด'!$G$4:$G$5)"
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, row, ov::WEIGHT),
            Data::Float(100.0)
        );
        let q1 = formula_at(&mut wb, OVERVIEW_SHEET, row, ov::Q1);
        assert!(q1.contains("'ตัวชี้วัด'!$T$4:$T$5"), "{q1}");
        // Q1: (60·2.5 + 40·2)/100 = 2.3; Q2: only the second KPI reported, 4;
        // Q3: (60·0 + 40·5)/100 = 2; Q4: nothing reported.
        let scores: Vec<Data> = (0..4)
            .map(|q| cell(&mut wb, OVERVIEW_SHEET, row, ov::Q1 + q))
            .collect();
        assert_eq!(
            scores,
            [
                Data::Float(2.3),
                Data::Float(4.0),
                Data::Float(2.0),
                Data::String(String::new())
            ]
        );
        let Data::String(note) = cell(&mut wb, OVERVIEW_SHEET, row, ov::NOTE) else {
            panic!("no note");
        };
        assert_eq!(note, "ไตรมาสที่ 2 รายงานไม่ครบ (1/2 ตัวชี้วัด)");
    }

    #[test]
    fn the_below_level_one_rule_is_stated_and_cached() {
        let mut one = sample();
        one.below_level1 = BelowLevel1::One;
        let mut wb = open(&one);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL),
            Data::Float(1.0)
        );
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, OV_SETTINGS_ROW, SETTINGS_COL + 1),
            Data::String(BelowLevel1::One.describe_th().to_owned())
        );
        assert_eq!(
            cell(&mut wb, KPI_SHEET, KPI_HEADER_ROW + 1, kc::SCORE1 + 2),
            Data::Float(1.0)
        );
    }

    #[test]
    fn divisions_without_kpis_or_with_invalid_criteria_are_noted() {
        let mut bad = kpi(
            "ผด. 1",
            "เกณฑ์ไม่เรียงลำดับ",
            30.0,
            KpiKind::Interpolated,
            Direction::HigherIsBetter,
            [0.0, 150.0, 140.0, 450.0, 826.0],
            [Some(100.0), None, None, None],
        );
        bad.target = "826".to_owned();
        let good = kpi(
            "ผด. 2",
            "ปกติ",
            70.0,
            KpiKind::Milestone,
            Direction::HigherIsBetter,
            [0.0; 5],
            [Some(4.8), None, None, None],
        );
        let input = input(vec![
            division("ว่าง", vec![]),
            division("ผด.", vec![bad, good]),
        ]);
        let mut wb = open(&input);
        let empty = OV_HEADER_ROW + 1;
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty, ov::COUNT),
            Data::Float(0.0)
        );
        assert_eq!(cell(&mut wb, OVERVIEW_SHEET, empty, ov::Q1), Data::Empty);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty, ov::NOTE),
            Data::String("ไม่มีตัวชี้วัด".to_owned())
        );
        let Data::String(note) = cell(&mut wb, OVERVIEW_SHEET, empty + 1, ov::NOTE) else {
            panic!("no note");
        };
        assert!(note.contains("ผด. 1: คำนวณคะแนนไม่ได้"), "{note}");
        // The invalid KPI's scores are blank, not formulas; the milestone scores 4.8 alone.
        let r = KPI_HEADER_ROW + 1;
        assert_eq!(cell(&mut wb, KPI_SHEET, r, kc::SCORE1), Data::Empty);
        assert_eq!(formula_at(&mut wb, KPI_SHEET, r, kc::SCORE1), "");
        assert_eq!(
            cell(&mut wb, KPI_SHEET, r + 1, kc::SCORE1),
            Data::Float(4.8)
        );
        assert_eq!(cell(&mut wb, KPI_SHEET, r + 1, kc::T1), Data::Empty);
        assert_eq!(
            cell(&mut wb, OVERVIEW_SHEET, empty + 1, ov::Q1),
            Data::Float(4.8)
        );
    }
}
