//! The calendar on Thai forms: Buddhist Era years, the official month names, and the fiscal
//! year from 1 October to 30 September with its quarters and months.

use chrono::{Datelike, NaiveDate};

/// Years on Thai forms are Buddhist Era: BE = CE + 543.
pub const BE_OFFSET: i32 = 543;

/// Official month abbreviations, January first (index = month − 1).
pub const MONTH_ABBR: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Full month names, January first (index = month − 1).
pub const MONTH_NAMES: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Calendar months (1 = January) in fiscal-year order, October first: the column order of the
/// twelve-month plan grid ต.ค.–ก.ย.
pub const FISCAL_MONTH_ORDER: [u32; 12] = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/// The month abbreviations in fiscal-year order, ต.ค. first: the plan grid's headers when the
/// template is not made for a particular year.
pub const FISCAL_MONTH_ABBR: [&str; 12] = {
    let mut out = [""; 12];
    let mut i = 0;
    // A loop, not `map`: this is a constant.
    while i < 12 {
        out[i] = MONTH_ABBR[FISCAL_MONTH_ORDER[i] as usize - 1];
        i += 1;
    }
    out
};

/// Buddhist Era year → Common Era year (saturating at the `i32` limits).
#[must_use]
pub fn be_to_ce(be: i32) -> i32 {
    be.saturating_sub(BE_OFFSET)
}

/// Common Era year → Buddhist Era year (saturating at the `i32` limits).
#[must_use]
pub fn ce_to_be(ce: i32) -> i32 {
    ce.saturating_add(BE_OFFSET)
}

/// The fiscal year (BE) a date belongs to: named by the BE year in which it ends on 30 September,
/// so 2020-10-01 and 2021-09-30 are both in FY 2564.
#[must_use]
pub fn fiscal_year_be(date: NaiveDate) -> i32 {
    let ending_ce = if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    };
    ce_to_be(ending_ce)
}

/// Fiscal quarter 1..=4: Q1 = ต.ค.–ธ.ค., Q2 = ม.ค.–มี.ค., Q3 = เม.ย.–มิ.ย., Q4 = ก.ค.–ก.ย.
#[must_use]
pub fn fiscal_quarter(date: NaiveDate) -> u8 {
    match date.month() {
        10..=12 => 1,
        1..=3 => 2,
        4..=6 => 3,
        _ => 4,
    }
}

/// First and last day (inclusive) of fiscal year `be`: FY 2564 → (2020-10-01, 2021-09-30).
/// `None` only for years outside chrono's range, which no real form holds.
#[must_use]
pub fn fiscal_year_bounds(be: i32) -> Option<(NaiveDate, NaiveDate)> {
    let end_ce = be.checked_sub(BE_OFFSET)?;
    let start = NaiveDate::from_ymd_opt(end_ce.checked_sub(1)?, 10, 1)?;
    let end = NaiveDate::from_ymd_opt(end_ce, 9, 30)?;
    Some((start, end))
}

/// First and last day (inclusive) of quarter `quarter` (1..=4) of fiscal year `be`;
/// `None` for a quarter outside 1..=4 or a year outside chrono's range.
#[must_use]
pub fn fiscal_quarter_bounds(be: i32, quarter: u8) -> Option<(NaiveDate, NaiveDate)> {
    let end_ce = be.checked_sub(BE_OFFSET)?;
    let (year, first_month, last_month, last_day) = match quarter {
        1 => (end_ce.checked_sub(1)?, 10, 12, 31),
        2 => (end_ce, 1, 3, 31),
        3 => (end_ce, 4, 6, 30),
        4 => (end_ce, 7, 9, 30),
        _ => return None,
    };
    Some((
        NaiveDate::from_ymd_opt(year, first_month, 1)?,
        NaiveDate::from_ymd_opt(year, last_month, last_day)?,
    ))
}

/// The first day of each month of fiscal year `be`, in [`FISCAL_MONTH_ORDER`] (ต.ค. first):
/// the columns of the plan grid, ready for [`format_thai_month_year`].
#[must_use]
pub fn fiscal_month_starts(be: i32) -> Option<[NaiveDate; 12]> {
    let (start, _) = fiscal_year_bounds(be)?;
    let mut out = [start; 12];
    for (slot, &month) in out.iter_mut().zip(FISCAL_MONTH_ORDER.iter()) {
        let year = if month >= 10 {
            start.year()
        } else {
            start.year() + 1
        };
        *slot = NaiveDate::from_ymd_opt(year, month, 1)?;
    }
    Some(out)
}
