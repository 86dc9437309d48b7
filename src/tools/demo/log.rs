//! The detail log of a demo workbook: rows counting towards one KPI, dated as divisions type
//! dates, whose units add up to the KPI's latest result unless a mismatch is planted.

use chrono::{Datelike, Days, NaiveDate};

use crate::domain::model::{FiscalYear, Kpi, LogEntry};
use crate::domain::thai::{self, ThaiDigits};
use crate::tools::demo::people::person;
use crate::tools::demo::rng::SplitMix64;
use crate::tools::demo::words::PROVINCES;
use crate::workbook::layout;

/// 50–200 rows counting towards `kpi`, dated inside the fiscal year up to the end of the last
/// quarter reported, whose units add up exactly to its latest cumulative result. With `typo`,
/// one row is dated in June and written with the misspelt month "มี.ย.".
pub(super) fn make_log(
    rng: &mut SplitMix64,
    kpi: &Kpi,
    reported: usize,
    fy: FiscalYear,
    typo: bool,
) -> Vec<LogEntry> {
    let total = kpi
        .quarters
        .iter()
        .rev()
        .find_map(|q| q.result)
        .unwrap_or_default() as u64;
    let rows = (rng.range(50, 200) as u64).min(total).max(1) as usize;
    let (first, _) = fy.bounds().expect("the demo's fiscal year has bounds");
    let (_, last) = thai::fiscal_quarter_bounds(fy.be(), reported as u8)
        .expect("the demo's quarters have bounds");
    let span = (last - first).num_days().max(0) as u64 + 1;

    // Some integrated-conference rows count no units, like seed 000's; the first row always
    // counts, so the units have somewhere to go.
    let counted: Vec<bool> = (0..rows).map(|i| i == 0 || !rng.chance(0.05)).collect();
    let n_counted = counted.iter().filter(|&&c| c).count();
    let mut units = split(rng, total, n_counted).into_iter();
    let inspectors: Vec<String> = (0..rng.range(2, 4))
        .map(|_| format!("ผู้ตรวจราชการ ({})", person(rng).name))
        .collect();

    let mut dated: Vec<(NaiveDate, LogEntry)> = Vec::with_capacity(rows);
    for (i, &counts) in counted.iter().enumerate() {
        let (start, date_text) = if typo && i == 0 {
            let day = rng.range(1, 30) as u32;
            let june =
                NaiveDate::from_ymd_opt(thai::be_to_ce(fy.be()), 6, day).expect("June has 30 days");
            let yy = fy.be().rem_euclid(100);
            (june, thai::to_thai_digits(&format!("{day} มี.ย. {yy:02}")))
        } else {
            let start = first + Days::new(rng.below(span));
            (start, date_text(rng, start, last))
        };
        let (units, mode, cost) = if counts {
            let mode = *rng.pick(&[
                layout::LOG_MODES[0],
                layout::LOG_MODES[1],
                layout::LOG_MODES[1],
                layout::LOG_MODES[2],
            ]);
            let cost = (mode == layout::LOG_MODES[0]).then(|| (rng.range(15, 450) * 100) as f64);
            (units.next().map(|u| u as f64), mode, cost)
        } else {
            (None, layout::LOG_MODES[3], None)
        };
        dated.push((
            start,
            LogEntry {
                kpi_code: kpi.code.clone(),
                date_text,
                start: None,
                end: None,
                area: rng.pick(PROVINCES).to_string(),
                units,
                mode: mode.to_owned(),
                cost,
                note: rng.pick(&inspectors).clone(),
            },
        ));
    }
    // A stable sort keeps equal dates in the order drawn.
    dated.sort_by_key(|(d, _)| *d);
    dated.into_iter().map(|(_, e)| e).collect()
}

/// `total` split into `parts` integers, each at least 1 when `total` ≥ `parts`.
fn split(rng: &mut SplitMix64, total: u64, parts: usize) -> Vec<u64> {
    let parts = parts.max(1);
    let base = u64::from(total >= parts as u64);
    let rest = total - base * parts as u64;
    let weights: Vec<f64> = (0..parts).map(|_| rng.uniform(0.2, 1.0)).collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| base + (rest as f64 * w / sum).floor() as u64)
        .collect();
    let mut left = total - out.iter().sum::<u64>();
    while left > 0 {
        out[rng.below(parts as u64) as usize] += 1;
        left -= 1;
    }
    out
}

/// A log date as divisions type it: "๑๒ ม.ค. ๖๗" mostly, sometimes Arabic digits, a four-digit
/// year or a range "๒๒ - ๒๓ มี.ค. ๖๗" within one month and never past `last`.
fn date_text(rng: &mut SplitMix64, start: NaiveDate, last: NaiveDate) -> String {
    let abbr = thai::MONTH_ABBR[start.month0() as usize];
    let yy = thai::ce_to_be(start.year()).rem_euclid(100);
    let r = rng.below(20);
    if r < 3 && start.day() <= 26 {
        let end = start + Days::new(rng.range(1, 2) as u64);
        if end <= last {
            let sep = if rng.chance(0.5) { " - " } else { "-" };
            let s = format!("{}{sep}{} {abbr} {yy:02}", start.day(), end.day());
            return thai::to_thai_digits(&s);
        }
    }
    match r {
        3 | 4 => format!("{} {abbr} {yy:02}", start.day()),
        5 => thai::format_thai_date(start, ThaiDigits::Yes),
        _ => thai::to_thai_digits(&format!("{} {abbr} {yy:02}", start.day())),
    }
}

pub(super) fn plant_log_mismatch(rng: &mut SplitMix64, log: &mut [LogEntry]) {
    let counted: Vec<usize> = (0..log.len()).filter(|&i| log[i].units.is_some()).collect();
    let i = *rng.pick(&counted);
    let delta = rng.range(1, 5) as f64;
    if let Some(u) = &mut log[i].units {
        *u = if *u > delta && rng.chance(0.5) {
            *u - delta
        } else {
            *u + delta
        };
    }
}
