//! Numbers as people type them on Thai forms: Thai or ASCII digits, thousands separators,
//! "ร้อยละ" or "%", and the plain way kpiwatch writes a figure back ("184", not "184.0").

use std::borrow::Cow;

use thiserror::Error;

use super::{is_blank, trim_blank};

const THAI_ZERO: u32 = 0x0E50;

fn thai_digit_value(c: char) -> Option<u32> {
    let v = u32::from(c).wrapping_sub(THAI_ZERO);
    (v < 10).then_some(v)
}

/// Replaces Thai digits ๐–๙ (U+0E50–U+0E59) with ASCII `0`–`9`; everything else is kept.
///
/// Borrows the input when it has no Thai digit.
///
/// ```
/// use kpiwatch::domain::thai::normalize_digits;
/// assert_eq!(normalize_digits("๒๒ มี.ค. ๖๔"), "22 มี.ค. 64");
/// ```
#[must_use]
pub fn normalize_digits(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| thai_digit_value(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                thai_digit_value(c)
                    .and_then(|d| char::from_digit(d, 10))
                    .unwrap_or(c)
            })
            .collect(),
    )
}

/// Replaces ASCII digits `0`–`9` with Thai digits ๐–๙; everything else is kept.
///
/// ```
/// use kpiwatch::domain::thai::to_thai_digits;
/// assert_eq!(to_thai_digits("14,760.00"), "๑๔,๗๖๐.๐๐");
/// ```
#[must_use]
pub fn to_thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| char::from_u32(THAI_ZERO + d))
                .unwrap_or(c)
        })
        .collect()
}

/// The largest magnitude of any number kpiwatch accepts: 10¹⁵, the most a spreadsheet's 15
/// significant digits hold as a whole number. Beyond it is a slip (an extra zero, an exponent)
/// or a crafted file, and the exact scoring arithmetic stays far from overflow below it.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// Why a text could not be read as a number. `text` is the input as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// Nothing but white space.
    #[error("empty number")]
    Empty,
    /// Signs, separators or a percent marker, but no digit.
    #[error("no digits in \"{text}\"")]
    NoDigits { text: String },
    /// A character that has no place in a number (letters, a unit word, inner spaces, …).
    #[error("\"{text}\" is not a number")]
    NotANumber { text: String },
    /// Commas not in groups of three ("1,23"), or a comma after the decimal point.
    #[error(
        "misplaced thousands separator in \"{text}\": groups after the first must have exactly 3 digits"
    )]
    BadGrouping { text: String },
    /// More than one `.`.
    #[error("more than one decimal point in \"{text}\"")]
    MultipleDecimalPoints { text: String },
    /// Beyond [`MAX_MAGNITUDE`] (or too large for an `f64` at all).
    #[error("\"{text}\" is too large: numbers must be within ±1,000,000,000,000,000")]
    OutOfRange { text: String },
}

/// Reads a number as typed on a form: Thai or ASCII digits, optional `,` thousands separators
/// (groups of exactly three), one optional `.`, an optional sign (`+`, `-` or `−`), and an
/// optional percent marker, either a leading "ร้อยละ" or a trailing `%`, with or without a
/// space. Surrounding white space (NBSP and zero-width spaces too) is ignored.
///
/// A percentage is returned as written ("ร้อยละ 92" → 92.0, not 0.92). Trailing unit words
/// ("826 หน่วย"), exponents, NaN and infinity are rejected: the caller decides what to do
/// with such cells.
///
/// # Errors
/// A [`NumberError`] naming what is wrong: empty, no digits, a stray character, misplaced
/// thousands separators, several decimal points, or a value too large for `f64`.
///
/// ```
/// use kpiwatch::domain::thai::parse_number;
/// assert_eq!(parse_number("๑๔,๗๖๐.๐๐"), Ok(14760.0));
/// assert_eq!(parse_number("ร้อยละ92"), Ok(92.0));
/// assert_eq!(parse_number("92 %"), Ok(92.0));
/// assert!(parse_number("826 หน่วย").is_err());
/// ```
pub fn parse_number(s: &str) -> Result<f64, NumberError> {
    let text = || s.to_string();
    let trimmed = trim_blank(s);
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let norm = normalize_digits(trimmed);
    let mut body: &str = &norm;
    if let Some(rest) = body.strip_prefix("ร้อยละ") {
        body = rest.trim_start_matches(is_blank);
    }
    if let Some(rest) = body.strip_suffix(['%', '％']) {
        body = rest.trim_end_matches(is_blank);
    }
    let (negative, body) = if let Some(rest) = body.strip_prefix(['-', '\u{2212}']) {
        (true, rest)
    } else if let Some(rest) = body.strip_prefix('+') {
        (false, rest)
    } else {
        (false, body)
    };

    if body
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == ',' || c == '.'))
    {
        return Err(NumberError::NotANumber { text: text() });
    }
    if !body.chars().any(|c| c.is_ascii_digit()) {
        return Err(NumberError::NoDigits { text: text() });
    }
    let mut halves = body.split('.');
    let int_part = halves.next().unwrap_or("");
    let frac_part = halves.next().unwrap_or("");
    if halves.next().is_some() {
        return Err(NumberError::MultipleDecimalPoints { text: text() });
    }
    if frac_part.contains(',') || !well_grouped(int_part) {
        return Err(NumberError::BadGrouping { text: text() });
    }

    // Rebuild a plain ASCII literal so the standard library does the (correctly rounded)
    // decimal conversion.
    let mut literal = String::with_capacity(body.len() + 2);
    if negative {
        literal.push('-');
    }
    literal.extend(int_part.chars().filter(|&c| c != ','));
    if int_part.is_empty() {
        literal.push('0');
    }
    if !frac_part.is_empty() {
        literal.push('.');
        literal.push_str(frac_part);
    }
    let value: f64 = literal
        .parse()
        .map_err(|_| NumberError::NotANumber { text: text() })?;
    if value.abs() <= MAX_MAGNITUDE {
        Ok(value)
    } else {
        Err(NumberError::OutOfRange { text: text() })
    }
}

/// Either no commas at all, or a first group of 1–3 digits followed by groups of exactly 3.
fn well_grouped(int_part: &str) -> bool {
    if !int_part.contains(',') {
        return true;
    }
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

/// A figure the way a person writes it: whole numbers without ".0" ("184", not "184.0"), others
/// with the digits they have, and zero without a sign ("-0" reads as a typo on a receipt).
#[must_use]
pub fn plain_number(x: f64) -> String {
    // Rust's `Display` already leaves out a whole number's ".0"; only the sign of zero differs.
    if x == 0.0 {
        "0".to_owned()
    } else {
        x.to_string()
    }
}
