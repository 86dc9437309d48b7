//! The KPI sheet's computed rows (คำนวณโดยระบบ): kpiwatch's score and weighted score as live
//! formulas, over hidden helper columns that convert what a person types (Thai digits,
//! "ร้อยละ 90", text "86", "86 -", "ระดับ 4") the way kpiwatch reads it, or show the placeholder.

use rust_xlsxwriter::utility::{
    cell_range_absolute, quote_sheet_name, row_col_to_cell, row_col_to_cell_absolute,
};
use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

use super::cells::CellValue;
use super::style::Formats;
use crate::domain::formula::{self, ScoreRefs};
use crate::domain::model::{BelowLevel1, Direction, KpiKind, Quarter};
use crate::domain::scoring::{self, Criteria};
use crate::workbook::layout::{self, COMPUTED_PLACEHOLDER, Key, QuarterField};

/// The first hidden helper column (H): stage `k` of the input in column `c` (B..E) is in column
/// `HELPER_COL + 4k + (c − 1)`, in the input's own row, so a copied or lengthened sheet keeps
/// every helper beside its input.
const HELPER_COL: u16 = 7;
/// Stages: 0 the text with Thai digits made ASCII, trimmed; 1 the field's own words taken off
/// (a threshold's trailing dash, a milestone's "ระดับ"); 2 "ร้อยละ" and "%" taken off; 3 what is
/// left once the digits are removed (must be nothing, a point or a sign); 4 the number, "" for
/// blank, or "?" when the formula cannot read the cell.
const STAGES: u16 = 5;
/// The helper columns, for hiding.
pub(super) const HELPER_COLS: std::ops::RangeInclusive<u16> =
    HELPER_COL..=HELPER_COL + 4 * STAGES - 1;
/// A helper's mark for "typed in a form this formula does not convert".
const UNREAD: &str = "?";

/// Which words an input's stage 1 takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Threshold,
    Result,
}

fn helper(row: u32, col: u16, stage: u16) -> (u32, u16) {
    (row, HELPER_COL + 4 * stage + (col - 1))
}

fn helper_a1(row: u32, col: u16, stage: u16) -> String {
    let (r, c) = helper(row, col, stage);
    row_col_to_cell_absolute(r, c)
}

/// `x` with Thai digits, the minus sign, the full-width percent and no-break spaces replaced,
/// as `SUBSTITUTE`s.
fn substitute_all(x: &str) -> String {
    let mut f = x.to_owned();
    for d in 0..10u32 {
        let thai = char::from_u32(0x0E50 + d).unwrap_or('0');
        f = format!("SUBSTITUTE({f},\"{thai}\",\"{d}\")");
    }
    for (from, to) in [("\u{2212}", "-"), ("％", "%"), ("\u{a0}", " ")] {
        f = format!("SUBSTITUTE({f},\"{from}\",\"{to}\")");
    }
    f
}

/// Stage 0: "" for a number (stage 4 reads the number itself), "?" for an error value.
fn stage0_formula(input: &str) -> String {
    format!(
        "IF(ISERROR({input}),\"{UNREAD}\",IF(ISNUMBER({input}),\"\",TRIM({})))",
        substitute_all(&format!("{input}&\"\""))
    )
}

fn strip_prefix_formula(x: &str, prefix: &str, then: &str) -> String {
    let n = prefix.chars().count();
    format!(
        "IF(LEFT({x},{n})=\"{prefix}\",TRIM(MID({x},{},255)),{then})",
        n + 1
    )
}

fn stage1_formula(s0: &str, role: Role, kind: &str) -> String {
    match role {
        Role::Plain => format!("{s0}&\"\""),
        Role::Threshold => {
            let dashes = ["-", "–", "—", "‒"]
                .map(|d| format!("RIGHT({s0},1)=\"{d}\""))
                .join(",");
            format!("IF(AND(LEN({s0})>1,OR({dashes})),TRIM(LEFT({s0},LEN({s0})-1)),{s0}&\"\")")
        }
        Role::Result => format!(
            "IF({kind}=\"{milestone}\",{},{s0}&\"\")",
            strip_prefix_formula(
                s0,
                "ระดับที่",
                &strip_prefix_formula(s0, "ระดับ", &format!("{s0}&\"\""))
            ),
            milestone = KpiKind::Milestone.label_th(),
        ),
    }
}

fn stage2_formula(s1: &str) -> String {
    let p = strip_prefix_formula(s1, "ร้อยละ", s1);
    format!("IF(RIGHT({p},1)=\"%\",TRIM(LEFT({p},LEN({p})-1)),{p})")
}

fn stage3_formula(s2: &str) -> String {
    let mut f = s2.to_owned();
    for d in 0..10 {
        f = format!("SUBSTITUTE({f},\"{d}\",\"\")");
    }
    f
}

fn stage4_formula(input: &str, s2: &str, s3: &str) -> String {
    let format_is = |c: &str| format!("LEFT(CELL(\"format\",{input}),1)=\"{c}\"");
    let signed = format!("OR(LEFT({s2},1)=\"-\",LEFT({s2},1)=\"+\")");
    let plain = format!(
        "OR({s3}=\"\",{s3}=\".\",AND({signed},OR({s3}=\"-\",{s3}=\"+\",{s3}=\"-.\",{s3}=\"+.\")))"
    );
    format!(
        "IF(ISNUMBER({input}),IF(OR({},{}),\"{UNREAD}\",{input}),IF({s2}=\"\",\"\",IF(AND({plain},ISNUMBER(VALUE({s2}))),VALUE({s2}),\"{UNREAD}\")))",
        format_is("P"),
        format_is("D"),
    )
}

/// What the helper stages hold for a value, as the formulas compute them: the cached values.
fn stages(v: &CellValue, role: Role, milestone: bool) -> [String; 4] {
    let CellValue::Text(t) = v else {
        return Default::default();
    };
    let s0 = excel_trim(
        &t.chars()
            .map(|c| match c {
                '\u{0E50}'..='\u{0E59}' => {
                    char::from_u32(u32::from(c) - 0x0E50 + u32::from('0')).unwrap_or(c)
                }
                '\u{2212}' => '-',
                '％' => '%',
                '\u{a0}' => ' ',
                c => c,
            })
            .collect::<String>(),
    );
    let s1 = match role {
        Role::Plain => s0.clone(),
        Role::Threshold => match s0.chars().last() {
            Some('-' | '–' | '—' | '‒') if s0.chars().count() > 1 => {
                let mut x = s0.clone();
                x.pop();
                excel_trim(&x)
            }
            _ => s0.clone(),
        },
        Role::Result if milestone => ["ระดับที่", "ระดับ"]
            .iter()
            .find_map(|p| s0.strip_prefix(p).map(excel_trim))
            .unwrap_or_else(|| s0.clone()),
        Role::Result => s0.clone(),
    };
    let p = s1
        .strip_prefix("ร้อยละ")
        .map(excel_trim)
        .unwrap_or_else(|| s1.clone());
    let s2 = match p.strip_suffix('%') {
        Some(x) => excel_trim(x),
        None => p,
    };
    let s3: String = s2.chars().filter(|c| !c.is_ascii_digit()).collect();
    [s0, s1, s2, s3]
}

/// Excel's TRIM: spaces off both ends, and runs of spaces inside made one.
fn excel_trim(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Stage 4 as the formula computes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Read {
    Blank,
    Number(f64),
    Unread,
}

fn read(v: &CellValue, s: &[String; 4]) -> Read {
    match v {
        CellValue::Empty => Read::Blank,
        CellValue::Number(x) => Read::Number(*x),
        CellValue::Text(_) => {
            let (s2, s3) = (&s[2], &s[3]);
            let signed = s2.starts_with(['-', '+']);
            let plain = s3.is_empty()
                || s3 == "."
                || (signed && ["-", "+", "-.", "+."].contains(&s3.as_str()));
            if s2.is_empty() {
                Read::Blank
            } else if let (true, Ok(x)) = (plain, s2.parse::<f64>()) {
                Read::Number(x)
            } else {
                Read::Unread
            }
        }
    }
}

fn read_to_text(r: Read) -> String {
    match r {
        Read::Blank => String::new(),
        Read::Number(x) => x.to_string(),
        Read::Unread => UNREAD.to_owned(),
    }
}

/// Writes the helper stages of one number input, cached as the formulas compute them.
fn write_stages(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    v: &CellValue,
    role: Role,
    kind: (&str, bool),
) -> Result<Read, XlsxError> {
    let input = row_col_to_cell(row, col);
    let s = stages(v, role, kind.1);
    let r = read(v, &s);
    let refs: Vec<String> = (0..STAGES).map(|k| helper_a1(row, col, k)).collect();
    let formulas = [
        stage0_formula(&input),
        stage1_formula(&refs[0], role, kind.0),
        stage2_formula(&refs[1]),
        stage3_formula(&refs[2]),
        stage4_formula(&input, &refs[2], &refs[3]),
    ];
    for (k, f) in formulas.into_iter().enumerate() {
        let (hr, hc) = helper(row, col, k as u16);
        let cached = s.get(k).cloned().unwrap_or_else(|| read_to_text(r));
        ws.write_formula(hr, hc, Formula::new(format!("={f}")).set_result(cached))?;
    }
    Ok(r)
}

/// The kind's or direction's Thai label for what is typed, "" for blank, "?" for other text.
fn choice_formula(input: &str, choices: &[(&str, &[&str])]) -> String {
    let words = format!("LOWER(TRIM(SUBSTITUTE(SUBSTITUTE({input},\"-\",\" \"),\"_\",\" \")))");
    let mut f = format!("\"{UNREAD}\"");
    for (th, en) in choices.iter().rev() {
        let mut tests = vec![format!("TRIM({input})=\"{th}\"")];
        tests.extend(
            en.iter()
                .map(|n| format!("{words}=\"{}\"", n.replace('-', " "))),
        );
        f = format!("IF(OR({}),\"{th}\",{f})", tests.join(","));
    }
    format!("IF(ISERROR({input}),\"{UNREAD}\",IF(TRIM({input}&\"\")=\"\",\"\",{f}))")
}

fn cell(key: Key) -> (u32, u16) {
    let f = layout::field(key);
    (f.row, f.col)
}

/// The helper of a drop-down field: the Thai label the score formula compares with, "" when
/// blank, "?" for text kpiwatch does not accept. Returns what kpiwatch reads and the helper.
fn choice_helper<T: Copy>(
    ws: &mut Worksheet,
    key: Key,
    typed: &CellValue,
    list: &[(T, &'static str, Vec<&'static str>)],
    parse: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> Result<(Option<T>, String), XlsxError> {
    let typed = match typed {
        CellValue::Text(t) => t.as_str(),
        _ => "",
    };
    let parsed = parse(typed);
    let cached = match parsed {
        Some(v) => label(v).to_owned(),
        None if typed.trim().is_empty() => String::new(),
        None => UNREAD.to_owned(),
    };
    let refs: Vec<(&str, &[&str])> = list.iter().map(|(_, t, e)| (*t, e.as_slice())).collect();
    let (r, c) = cell(key);
    let (hr, hc) = helper(r, c, 0);
    let f = choice_formula(&row_col_to_cell(r, c), &refs);
    ws.write_formula(hr, hc, Formula::new(format!("={f}")).set_result(cached))?;
    Ok((parsed, helper_a1(r, c, 0)))
}

/// The helper cells a KPI sheet's score formulas read.
struct Refs {
    kind: String,
    direction: String,
    /// The five thresholds as read, and levels 1–4 and 2–5 for the order check.
    thresholds: String,
    lower: String,
    upper: String,
    weight: String,
}

/// The score of the result read in helper `r`: blank for a blank result, the placeholder for
/// anything kpiwatch would refuse or the helpers could not read, else the rule's score.
fn score_formula(r: &str, refs: &Refs) -> String {
    let ph = format!("\"{COMPUTED_PLACEHOLDER}\"");
    let Refs {
        kind,
        direction,
        thresholds,
        lower,
        upper,
        ..
    } = refs;
    let score = formula::score(ScoreRefs {
        result: r,
        kind,
        direction,
        thresholds,
        below_level1: "0",
    });
    let criteria_ok = format!(
        "IF(COUNT({thresholds})<5,{ph},IF(IF({direction}=\"{lo}\",SUMPRODUCT(--({upper}<{lower})),SUMPRODUCT(--({upper}>{lower})))=4,{score},{ph}))",
        lo = Direction::LowerIsBetter.label_th(),
    );
    format!(
        "=IF({r}=\"\",\"\",IF(OR({r}=\"{UNREAD}\",{kind}=\"{UNREAD}\",{kind}=\"\"),{ph},IF({kind}=\"{m}\",IF(OR({r}<0,{r}>5),{ph},{score}),IF(OR({direction}=\"{UNREAD}\",{direction}=\"\"),{ph},{criteria_ok}))))",
        m = KpiKind::Milestone.label_th(),
    )
}

/// The weighted score of a score cell: the placeholder when the weight is not one kpiwatch
/// accepts (0 < w ≤ 100) or the score is the placeholder.
fn weighted_formula(score_cell: &str, weight: &str) -> String {
    let ph = format!("\"{COMPUTED_PLACEHOLDER}\"");
    format!(
        "=IF(ISNUMBER({score_cell}),IF(AND(ISNUMBER({weight}),{weight}>0,{weight}<=100),{},{ph}),IF({score_cell}=\"\",\"\",{ph}))",
        formula::round4(&format!("{score_cell}*{weight}/100")),
    )
}

/// The helpers of the weight and the five thresholds; what they read.
fn criteria_helpers(
    ws: &mut Worksheet,
    value: &dyn Fn(Key) -> CellValue,
    kind_ref: &str,
    milestone: bool,
) -> Result<(Read, [Read; 5]), XlsxError> {
    let weight = write_stages(
        ws,
        cell(Key::Weight),
        &value(Key::Weight),
        Role::Plain,
        (kind_ref, milestone),
    )?;
    let mut thresholds = [Read::Blank; 5];
    for (i, t) in thresholds.iter_mut().enumerate() {
        let key = Key::Threshold(i as u8 + 1);
        *t = write_stages(
            ws,
            cell(key),
            &value(key),
            Role::Threshold,
            (kind_ref, milestone),
        )?;
    }
    Ok((weight, thresholds))
}

/// The two computed rows of a KPI sheet and their helpers; `names` gets their defined names.
pub(super) fn computed_rows(
    ws: &mut Worksheet,
    sheet_name: &str,
    value: &dyn Fn(Key) -> CellValue,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let kinds: Vec<_> = KpiKind::ALL
        .iter()
        .map(|k| (*k, k.label_th(), vec![k.name_en()]))
        .collect();
    let directions: Vec<_> = Direction::ALL
        .iter()
        .map(|d| (*d, d.label_th(), d.names_en().to_vec()))
        .collect();
    let (kind, kind_ref) = choice_helper(
        ws,
        Key::Kind,
        &value(Key::Kind),
        &kinds,
        KpiKind::parse,
        KpiKind::label_th,
    )?;
    let (direction, direction_ref) = choice_helper(
        ws,
        Key::Direction,
        &value(Key::Direction),
        &directions,
        Direction::parse,
        Direction::label_th,
    )?;
    let milestone = kind == Some(KpiKind::Milestone);

    let (weight, thresholds) = criteria_helpers(ws, &value, &kind_ref, milestone)?;
    let (t1r, t1c) = helper(cell(Key::Threshold(1)).0, 1, STAGES - 1);
    let (t5r, _) = helper(cell(Key::Threshold(5)).0, 1, STAGES - 1);
    let th_range = cell_range_absolute(t1r, t1c, t5r, t1c);
    let (t2r, _) = helper(cell(Key::Threshold(2)).0, 1, STAGES - 1);
    let (t4r, _) = helper(cell(Key::Threshold(4)).0, 1, STAGES - 1);
    let lower = cell_range_absolute(t1r, t1c, t4r, t1c);
    let upper = cell_range_absolute(t2r, t1c, t5r, t1c);
    let (wr, wc) = cell(Key::Weight);
    let refs = Refs {
        kind: kind_ref,
        direction: direction_ref,
        thresholds: th_range,
        lower,
        upper,
        weight: helper_a1(wr, wc, STAGES - 1),
    };

    let srow = layout::KPI_COMPUTED_SCORE_ROW;
    let wrow = layout::KPI_COMPUTED_WEIGHTED_ROW;
    ws.write_string_with_format(srow, 0, layout::COMPUTED_SCORE_LABEL, &fmt.label)?;
    ws.write_string_with_format(wrow, 0, layout::COMPUTED_WEIGHTED_LABEL, &fmt.label)?;
    for q in Quarter::ALL {
        let key = Key::Quarter(q, QuarterField::Result);
        let (rr, rc) = cell(key);
        let result = write_stages(
            ws,
            (rr, rc),
            &value(key),
            Role::Result,
            (&refs.kind, milestone),
        )?;
        let r = helper_a1(rr, rc, STAGES - 1);
        let col = rc;
        let score_cell = row_col_to_cell(srow, col);
        let score_formula = score_formula(&r, &refs);
        let weighted_formula = weighted_formula(&score_cell, &refs.weight);
        let (s, w) = cached(kind, direction, result, &thresholds, weight);
        ws.write_formula_with_format(
            srow,
            col,
            Formula::new(score_formula).set_result(s),
            &fmt.computed,
        )?;
        ws.write_formula_with_format(
            wrow,
            col,
            Formula::new(weighted_formula).set_result(w),
            &fmt.computed,
        )?;
    }
    for c in layout::computed_cells() {
        let quoted = quote_sheet_name(sheet_name);
        names.push((
            format!("{quoted}!{}", c.name),
            format!("={quoted}!{}", row_col_to_cell_absolute(c.row, c.col)),
        ));
    }
    ws.set_column_range_hidden(*HELPER_COLS.start(), *HELPER_COLS.end())?;
    Ok(())
}

/// The score and weighted score the two formulas show, as text for their cached values:
/// kpiwatch's own figures from the values the helpers read.
fn cached(
    kind: Option<KpiKind>,
    direction: Option<Direction>,
    result: Read,
    thresholds: &[Read; 5],
    weight: Read,
) -> (String, String) {
    let ph = COMPUTED_PLACEHOLDER.to_owned();
    let Read::Number(r) = result else {
        return match result {
            Read::Blank => (String::new(), String::new()),
            _ => (ph.clone(), ph),
        };
    };
    let Some(kind) = kind else {
        return (ph.clone(), ph);
    };
    let score = if kind == KpiKind::Milestone {
        Criteria::new(kind, Direction::HigherIsBetter, [0.0; 5])
            .ok()
            .and_then(|c| c.score(r, BelowLevel1::Zero).ok())
    } else {
        let t: Option<Vec<f64>> = thresholds
            .iter()
            .map(|t| match t {
                Read::Number(x) => Some(*x),
                _ => None,
            })
            .collect();
        direction
            .zip(t)
            .and_then(|(d, t)| Criteria::new(kind, d, [t[0], t[1], t[2], t[3], t[4]]).ok())
            .and_then(|c| c.score(r, BelowLevel1::Zero).ok())
    };
    let Some(score) = score else {
        return (ph.clone(), ph);
    };
    let weighted = match weight {
        Read::Number(w) if scoring::check_weight(w).is_ok() => {
            scoring::weighted(score, w).to_string()
        }
        _ => ph,
    };
    (score.to_string(), weighted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_read_typed_numbers_like_kpiwatch() {
        let t = |s: &str, role, milestone| {
            let v = CellValue::Text(s.to_owned());
            read(&v, &stages(&v, role, milestone))
        };
        assert_eq!(t("๘๖", Role::Plain, false), Read::Number(86.0));
        assert_eq!(t("ร้อยละ 90", Role::Result, false), Read::Number(90.0));
        assert_eq!(t("92 %", Role::Result, false), Read::Number(92.0));
        assert_eq!(t("86 -", Role::Threshold, false), Read::Number(86.0));
        assert_eq!(t("-5", Role::Threshold, false), Read::Number(-5.0));
        assert_eq!(t("ระดับ ๔", Role::Result, true), Read::Number(4.0));
        assert_eq!(t("ระดับ 4", Role::Result, false), Read::Unread);
        assert_eq!(t("4-5", Role::Result, true), Read::Unread);
        assert_eq!(t("≥ 94", Role::Threshold, false), Read::Unread);
        assert_eq!(t("1,234", Role::Plain, false), Read::Unread);
        assert_eq!(t("1e3", Role::Plain, false), Read::Unread);
        assert_eq!(t("  ", Role::Plain, false), Read::Blank);
    }

    #[test]
    fn formulas_fit_excel_limits() {
        let f = stage0_formula("B35");
        assert!(f.len() < 8192 && f.matches('(').count() < 64, "{f}");
    }
}
