//! Thai conventions on government KPI forms: Thai digits, numbers typed as text, Buddhist-Era
//! dates such as "๙ มี.ค. ๖๔", and the 1 Oct – 30 Sep fiscal year. The parsers never panic and
//! say in English what is wrong, so a bad cell can become a warning instead of a crash.

mod calendar;
mod dates;
mod levels;
mod numbers;
#[cfg(test)]
mod tests;

pub use calendar::{
    BE_OFFSET, FISCAL_MONTH_ABBR, FISCAL_MONTH_ORDER, MONTH_ABBR, MONTH_NAMES, be_to_ce, ce_to_be,
    fiscal_month_starts, fiscal_quarter, fiscal_quarter_bounds, fiscal_year_be, fiscal_year_bounds,
};
pub use dates::{
    DateError, DateWarning, ThaiDate, ThaiDigits, format_thai_date, format_thai_datetime,
    format_thai_month_year, parse_thai_date, thai_time,
};
pub use levels::{Bound, ThresholdError, parse_level, parse_threshold};
pub use numbers::{
    MAX_MAGNITUDE, NumberError, normalize_digits, parse_number, plain_number, to_thai_digits,
};

/// Blank for our purposes: Unicode white space (which includes NBSP) plus the zero-width
/// characters that Word and PDF exports scatter through Thai text, since Thai has no spaces
/// between words and editors insert U+200B as line-break hints.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank)
}
