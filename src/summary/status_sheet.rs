//! The status sheet (สถานะการส่งรายงาน): every division × every reporting round, with the
//! status, when the report arrived (Thai, Buddhist Era), days late and whom to contact, and
//! live counts per round under the table.

use rust_xlsxwriter::utility::row_col_to_cell_absolute;
use rust_xlsxwriter::{Color, Format, Worksheet, XlsxError};

use super::status::{StatusBoard, StatusCell};
use super::styles::{
    Cells, Styles, TABLE_HEADER_ROW, column, end_table, fit_row, print_across, start_sheet,
    table_header, title_per_group,
};
use super::{STATUS_SHEET, SummaryInput};
use crate::domain::rounds::{RoundStatus, round_label_th};
use crate::domain::thai::{self, ThaiDigits};

/// Columns per round: status, received, days late.
const PER_ROUND: u16 = 3;
/// The first round's status column (after code and name).
const FIRST_ROUND_COL: u16 = 2;

/// The column of `round`'s status.
pub(super) fn status_col(round: u8) -> u16 {
    FIRST_ROUND_COL + (u16::from(round) - 1) * PER_ROUND
}

/// "15 ม.ค. 2564 ผ่อนผัน 7 วัน" or "ไม่ได้กำหนด".
pub(super) fn due_label(board: &StatusBoard, round: u8) -> String {
    match board.rounds[usize::from(round) - 1].deadline {
        Some(d) if d.grace_days > 0 => format!(
            // No brackets: the label sits inside the overview's "(กำหนดส่ง …)".
            "{} ผ่อนผัน {} วัน",
            thai::format_thai_date(d.due, ThaiDigits::No),
            d.grace_days
        ),
        Some(d) => thai::format_thai_date(d.due, ThaiDigits::No),
        None => "ไม่ได้กำหนด".into(),
    }
}

/// "15 ม.ค. 2564" from the ledger's stamp.
pub(super) fn received_label(c: &StatusCell) -> String {
    c.received_at
        .as_deref()
        .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok())
        .map(|t| thai::format_thai_date(t.date(), ThaiDigits::No))
        .unwrap_or_default()
}

/// The current round's counts as the overview states them: "สถานะการส่ง รอบ 6 เดือน
/// (กำหนดส่ง 15 เม.ย. 2564): ✓ ส่งตรงเวลา 3 · ● ยังไม่ส่ง 1 (รายละเอียดในแผ่นงาน …)".
pub(super) fn current_round_line(board: &StatusBoard) -> String {
    let round = board.current_round;
    let counts: Vec<String> = board
        .counts(round)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {n}", s.label_th()))
        .collect();
    format!(
        "สถานะการส่ง {} (กำหนดส่ง {}): {} (รายละเอียดในแผ่นงาน \"{STATUS_SHEET}\")",
        round_label_th(round),
        due_label(board, round),
        if counts.is_empty() {
            "ยังไม่มีหน่วยงาน".to_owned()
        } else {
            counts.join(" · ")
        }
    )
}

pub(super) fn status_sheet(
    ws: &mut Worksheet,
    input: &SummaryInput,
    board: &StatusBoard,
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = format!("สถานะการส่งรายงาน ปีงบประมาณ พ.ศ. {}", input.fiscal_year);
    start_sheet(ws, STATUS_SHEET, &title, st)?;
    let note = format!(
        "ณ วันที่ {} · รอบปัจจุบัน: {} · จำนวนแต่ละสถานะอยู่ท้ายตาราง",
        thai::format_thai_date(board.today, ThaiDigits::No),
        round_label_th(board.current_round)
    );
    let mut columns = vec![column("รหัสหน่วยงาน", 8.0), column("หน่วยงาน", 18.0)];
    for r in &board.rounds {
        let label = round_label_th(r.round);
        columns.push(column(
            format!("{label}\nกำหนดส่ง {}", due_label(board, r.round)),
            21.0,
        ));
        columns.push(column("ได้รับเมื่อ", 12.0));
        columns.push(column("ช้า (วัน)", 6.0));
    }
    let contact_col = columns.len() as u16;
    columns.push(column("ผู้ติดต่อ", 20.0));
    columns.push(column("โทรศัพท์", 16.0));
    columns.push(column("อีเมล", 24.0));
    title_per_group(
        ws,
        (&title, &note),
        &[FIRST_ROUND_COL, status_col(3), contact_col],
        st,
    )?;
    table_header(ws, TABLE_HEADER_ROW, &columns, FIRST_ROUND_COL, st)?;
    // Code and name on every page; rounds 1–2, rounds 3–4 and the contacts a page each.
    print_across(ws, 1, &[status_col(3), contact_col])?;
    let chased = st
        .code
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xFFE0E0));
    let fine = st.code.clone().set_background_color(Color::RGB(0xE2F0D9));
    let format_of = |s: RoundStatus| -> &Format {
        if s.is_chased() {
            &chased
        } else if matches!(s, RoundStatus::OnTime | RoundStatus::Received) {
            &fine
        } else {
            &st.code
        }
    };
    let width = |c: usize| columns[c].width;
    let mut row = TABLE_HEADER_ROW + 1;
    for r in &board.rows {
        fit_row(
            ws,
            row,
            &[
                (&r.name, width(1)),
                (&r.contact_name, width(usize::from(contact_col))),
                (&r.phone, width(usize::from(contact_col) + 1)),
                (&r.email, width(usize::from(contact_col) + 2)),
            ],
        )?;
        let mut w = Cells::at(ws, row);
        w.text(&r.code, &st.code)?.text(&r.name, &st.text)?;
        for c in &r.cells {
            w.text(c.status.label_th(), format_of(c.status))?
                .text(&received_label(c), &st.code)?
                .number(c.status.days_late().map(|d| d as f64), &st.integer)?;
        }
        w.text(&r.contact_name, &st.text)?
            .text(&r.phone, &st.text)?
            .text(&r.email, &st.text)?;
        row += 1;
    }
    let rows = board.rows.len() as u32;
    end_table(ws, TABLE_HEADER_ROW, rows, columns.len())?;
    counts(ws, board, row + 1, st)
}

/// The counts per round under the table: one row per status, a live COUNTIF over the round's
/// status column with kpiwatch's count cached.
fn counts(ws: &mut Worksheet, board: &StatusBoard, top: u32, st: &Styles) -> Result<(), XlsxError> {
    let first = TABLE_HEADER_ROW + 1;
    let last = first + board.rows.len().max(1) as u32 - 1;
    ws.merge_range(top, 0, top, 1, "จำนวนหน่วยงาน", &st.t.header)?;
    for r in &board.rounds {
        ws.merge_range(
            top,
            status_col(r.round),
            top,
            status_col(r.round) + PER_ROUND - 1,
            &round_label_th(r.round),
            &st.t.header,
        )?;
    }
    let per_round: Vec<Vec<(RoundStatus, usize)>> =
        board.rounds.iter().map(|r| board.counts(r.round)).collect();
    for (i, kind) in RoundStatus::KINDS.iter().enumerate() {
        let row = top + 1 + i as u32;
        // The label in A (merged over the name column): the COUNTIFs compare with it.
        ws.merge_range(row, 0, row, 1, kind.label_th(), &st.code)?;
        let mut w = Cells::starting_at(ws, row, FIRST_ROUND_COL);
        for (j, r) in board.rounds.iter().enumerate() {
            let col = status_col(r.round);
            let range = format!(
                "{}:{}",
                row_col_to_cell_absolute(first, col),
                row_col_to_cell_absolute(last, col)
            );
            let label = row_col_to_cell_absolute(row, 0);
            w.formula(
                &format!("COUNTIF({range},{label})"),
                Some(per_round[j][i].1 as f64),
                &st.integer,
            )?
            .text("", &st.code)?
            .text("", &st.code)?;
        }
    }
    Ok(())
}
