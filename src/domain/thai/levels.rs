//! The ways Thai KPI forms write a score level's threshold ("86 -", "≥ 94", "94 ขึ้นไป",
//! "ไม่น้อยกว่า 94") and a milestone level reached ("ระดับ 4", "4–5"), read into plain numbers.
//! Only forms whose number is the threshold whatever the reading are accepted (docs/scoring.md).

use thiserror::Error;

use super::numbers::{NumberError, parse_number};
use super::trim_blank;

/// Which side of its threshold a typed bound says a level lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// "≥ 94", "94 ขึ้นไป", "ไม่น้อยกว่า 94": the level needs at least the number, which only a
    /// higher-is-better KPI's threshold can mean.
    AtLeast,
    /// "≤ 10", "10 ลงมา", "ไม่เกิน 10": at most the number, a lower-is-better KPI's threshold.
    AtMost,
}

/// Why a threshold cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThresholdError {
    #[error(transparent)]
    Number(#[from] NumberError),
    /// A bound that is sound in itself but says the opposite of the KPI's direction.
    #[error("\"{text}\" is a bound of the other direction")]
    AgainstDirection { text: String, bound: Bound },
}

/// Prefixes and suffixes that say "at least" / "at most". Longer words first: "ไม่น้อยกว่า"
/// contains "น้อยกว่า", which on its own is a strict bound and not accepted.
const AT_LEAST_PREFIXES: [&str; 4] = ["ไม่น้อยกว่า", "ไม่ต่ำกว่า", "≥", ">="];
const AT_MOST_PREFIXES: [&str; 4] = ["ไม่เกิน", "ไม่มากกว่า", "≤", "<="];
const AT_LEAST_SUFFIXES: [&str; 1] = ["ขึ้นไป"];
const AT_MOST_SUFFIXES: [&str; 2] = ["ลงมา", "ลงไป"];

/// Dashes people type between two levels or after an open-ended threshold.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‒' | '−')
}

/// Reads a threshold as typed: a number in any form [`parse_number`] reads, or a number with
/// a bound word around it. `higher_is_better` is the KPI's direction.
///
/// - "86 -", "86-", "ตั้งแต่ 86" (an open range starting at the threshold, seed 003's style):
///   86 in either direction, since the one number given is where the level starts.
/// - "≥ 94", ">= 94", "94 ขึ้นไป", "ไม่น้อยกว่า 94", "ตั้งแต่ 94 ขึ้นไป": 94 for a
///   higher-is-better KPI; a lower-is-better KPI gets [`ThresholdError::AgainstDirection`].
/// - "≤ 10", "<= 10", "10 ลงมา", "ไม่เกิน 10", "ไม่มากกว่า 10": 10 for a lower-is-better KPI.
///
/// Strict bounds ("> 94", "มากกว่า 94") and ranges ("86 - 87.99") are refused: a strict bound
/// contradicts "a result equal to a threshold reaches its level", and a range leaves open which
/// end is meant.
///
/// # Errors
/// The [`NumberError`] of the number, or [`ThresholdError::AgainstDirection`].
///
/// ```
/// use kpiwatch::domain::thai::parse_threshold;
/// assert_eq!(parse_threshold("86 -", true), Ok(86.0));
/// assert_eq!(parse_threshold("๙๔ ขึ้นไป", true), Ok(94.0));
/// assert!(parse_threshold("≥ 94", false).is_err());
/// ```
pub fn parse_threshold(text: &str, higher_is_better: bool) -> Result<f64, ThresholdError> {
    let t = trim_blank(text);
    if let Ok(x) = parse_number(t) {
        return Ok(x);
    }
    let (body, bound, open) = strip_bound(t);
    let number = match bound {
        Some(_) => body,
        None if open => body,
        // An open range: a trailing dash after something that is not just a sign.
        None => match body.strip_suffix(is_dash) {
            Some(rest) if !trim_blank(rest).is_empty() => trim_blank(rest),
            _ => return Err(parse_number(t).unwrap_err().into()),
        },
    };
    let x = parse_number(number)?;
    match bound {
        Some(Bound::AtLeast) if !higher_is_better => Err(ThresholdError::AgainstDirection {
            text: t.to_owned(),
            bound: Bound::AtLeast,
        }),
        Some(Bound::AtMost) if higher_is_better => Err(ThresholdError::AgainstDirection {
            text: t.to_owned(),
            bound: Bound::AtMost,
        }),
        _ => Ok(x),
    }
}

/// Takes the bound words off a threshold: "ตั้งแต่" ("from"), at most one prefix and one
/// suffix, of one meaning. The flag says the text was an open range ("ตั้งแต่ 94").
fn strip_bound(t: &str) -> (&str, Option<Bound>, bool) {
    let (mut body, from) = match t.strip_prefix("ตั้งแต่") {
        Some(rest) => (trim_blank(rest), true),
        None => (t, false),
    };
    let mut bound = None;
    if !from {
        for (prefixes, b) in [
            (&AT_LEAST_PREFIXES[..], Bound::AtLeast),
            (&AT_MOST_PREFIXES[..], Bound::AtMost),
        ] {
            if let Some(p) = prefixes.iter().find(|p| body.starts_with(**p)) {
                body = trim_blank(&body[p.len()..]);
                bound = Some(b);
                break;
            }
        }
    }
    for (suffixes, b) in [
        (&AT_LEAST_SUFFIXES[..], Bound::AtLeast),
        (&AT_MOST_SUFFIXES[..], Bound::AtMost),
    ] {
        if let Some(s) = suffixes.iter().find(|s| body.ends_with(**s)) {
            if bound.is_some_and(|x| x != b) {
                // "ไม่เกิน 10 ขึ้นไป" says both; nothing to read.
                return (t, None, false);
            }
            body = trim_blank(&body[..body.len() - s.len()]);
            bound = Some(b);
            break;
        }
    }
    (body, bound, from && bound.is_none())
}

/// Reads a milestone level as typed: a number, "ระดับ 4" / "ระดับที่ 4", or a range reached
/// within the quarter, "4-5", "4–5", "๔ - ๕", "ระดับ 4-5", which reads as its highest level.
/// A leading minus is a sign, not a range.
///
/// # Errors
/// The [`NumberError`] of the part that is not a number.
///
/// ```
/// use kpiwatch::domain::thai::parse_level;
/// assert_eq!(parse_level("4–5"), Ok(5.0));
/// assert_eq!(parse_level("ระดับ ๔"), Ok(4.0));
/// ```
pub fn parse_level(text: &str) -> Result<f64, NumberError> {
    let mut t = trim_blank(text);
    for prefix in ["ระดับที่", "ระดับ"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = trim_blank(rest);
            break;
        }
    }
    let first = t.chars().next().map_or(0, char::len_utf8);
    if let Some(pos) = t[first..].find(is_dash) {
        let (a, rest) = t.split_at(first + pos);
        let dash = rest.chars().next().map_or(0, char::len_utf8);
        let lo = parse_number(a)?;
        let hi = parse_number(&rest[dash..])?;
        return Ok(lo.max(hi));
    }
    parse_number(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_forms_read_as_their_number() {
        for (text, higher, want) in [
            ("86", true, 86.0),
            ("86 -", true, 86.0),
            ("86-", true, 86.0),
            ("๘๖ –", true, 86.0),
            ("114 -", false, 114.0),
            ("≥ 94", true, 94.0),
            (">=94", true, 94.0),
            ("94 ขึ้นไป", true, 94.0),
            ("ร้อยละ 94 ขึ้นไป", true, 94.0),
            ("ไม่น้อยกว่า 94", true, 94.0),
            ("ไม่น้อยกว่าร้อยละ 94", true, 94.0),
            ("ตั้งแต่ 94 ขึ้นไป", true, 94.0),
            ("≤ 98.5", false, 98.5),
            ("98.5 ลงมา", false, 98.5),
            ("ไม่เกิน 98.5", false, 98.5),
            ("ตั้งแต่ 10 ลงมา", false, 10.0),
            ("ตั้งแต่ 94", true, 94.0),
            ("-5", true, -5.0),
        ] {
            assert_eq!(parse_threshold(text, higher), Ok(want), "{text}");
        }
    }

    #[test]
    fn ambiguous_threshold_forms_are_refused() {
        for (text, higher) in [
            ("> 94", true),
            ("มากกว่า 94", true),
            ("น้อยกว่า 10", false),
            ("86 - 87.99", true),
            ("-", true),
            ("ไม่เกิน 10 ขึ้นไป", true),
            ("ขึ้นไป", true),
        ] {
            assert!(parse_threshold(text, higher).is_err(), "{text}");
        }
        assert!(matches!(
            parse_threshold("≥ 94", false),
            Err(ThresholdError::AgainstDirection {
                bound: Bound::AtLeast,
                ..
            })
        ));
        assert!(matches!(
            parse_threshold("ไม่เกิน 10", true),
            Err(ThresholdError::AgainstDirection {
                bound: Bound::AtMost,
                ..
            })
        ));
    }

    #[test]
    fn milestone_levels_read_with_words_and_any_dash() {
        for (text, want) in [
            ("4", 4.0),
            ("4-5", 5.0),
            ("4–5", 5.0),
            ("4 — 5", 5.0),
            ("๔ - ๕", 5.0),
            ("ระดับ 4", 4.0),
            ("ระดับที่ ๓", 3.0),
            ("ระดับ 4–5", 5.0),
            ("-3", -3.0),
        ] {
            assert_eq!(parse_level(text), Ok(want), "{text}");
        }
        for text in ["4-", "ระดับ", "ระดับ สี่", "4–5–", "level 4"] {
            assert!(parse_level(text).is_err(), "{text}");
        }
    }
}
