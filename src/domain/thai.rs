//! Thai conventions on government KPI forms: Thai digits, numbers typed as text, Buddhist-Era
//! dates such as "๙ มี.ค. ๖๔", and the 1 Oct – 30 Sep fiscal year. The parsers never panic and
//! say in English what is wrong, so a bad cell can become a warning instead of a crash.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

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

const THAI_ZERO: u32 = 0x0E50;

// ---------------------------------------------------------------------------------------------
// Digits and numbers
// ---------------------------------------------------------------------------------------------

fn thai_digit_value(c: char) -> Option<u32> {
    let v = u32::from(c).wrapping_sub(THAI_ZERO);
    (v < 10).then_some(v)
}

/// Blank for our purposes: Unicode white space (which includes NBSP) plus the zero-width
/// characters that Word and PDF exports scatter through Thai text, since Thai has no spaces
/// between words and editors insert U+200B as line-break hints.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank)
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
    /// Too large for an `f64`.
    #[error("\"{text}\" is too large to represent")]
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
    if value.is_finite() {
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

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// Something in a date that was read, but not as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateWarning {
    /// A misspelt month that can only mean one month, e.g. "มี.ย." read as "มิ.ย." (June).
    MonthTypo { written: String, read_as: String },
}

impl fmt::Display for DateWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateWarning::MonthTypo { written, read_as } => {
                write!(f, "month \"{written}\" is misspelt; read as \"{read_as}\"")
            }
        }
    }
}

/// A parsed date or inclusive date range; `start == end` for a single day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThaiDate {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Typos that were accepted because their reading is unambiguous.
    pub warnings: Vec<DateWarning>,
}

impl ThaiDate {
    /// True when the text named more than one day ("๗-๙ เม.ย. ๖๔").
    #[must_use]
    pub fn is_range(&self) -> bool {
        self.start != self.end
    }
}

/// Why a text could not be read as a date. `text` is the input as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    /// Nothing but white space.
    #[error("empty date")]
    Empty,
    /// Text where a month belongs that is no Thai month, or a month number outside 1–12.
    #[error("unknown month \"{text}\"")]
    UnknownMonth { text: String },
    /// A day that the month does not have, such as 31 ก.พ. `year_ce` is the Common Era year.
    #[error("day {day} does not exist in month {month} of {year_ce} (BE {be})", be = ce_to_be(*.year_ce))]
    InvalidDay { day: u32, month: u32, year_ce: i32 },
    /// Anything else that does not fit the date grammar; `reason` says what.
    #[error("malformed date \"{text}\": {reason}")]
    Malformed { text: String, reason: &'static str },
    /// A range whose first day is after its last.
    #[error("date range is reversed: {start} is after {end}")]
    RangeReversed { start: NaiveDate, end: NaiveDate },
}

/// Reads a date or date range as written on Thai forms.
///
/// Accepted shapes (Thai or ASCII digits, any spacing):
/// - `D MONTH YEAR`: "๙ มี.ค. ๖๔", "28 ก.ย. 2564", "๑๖ มีนาคม ๒๕๖๔", "๙ มี.ค. พ.ศ. ๒๕๖๔"
/// - ranges `START - END` (also "–", "—" or the word "ถึง"), where the start may leave out the
///   month and year it shares with the end: "๒๒ - ๒๓ มี.ค. ๖๔", "๓๐ มี.ค. - ๒ เม.ย. ๖๔";
///   a start in ต.ค.–ธ.ค. written without a year before an end in ม.ค.–ก.ย. belongs to the
///   previous calendar year, the same fiscal year ("๓๐ ธ.ค. - ๒ ม.ค. ๖๔")
/// - ISO `YYYY-MM-DD` and day-first `D/M/YEAR`
///
/// MONTH is an official abbreviation with or without its dots and with any inner spaces
/// ("มี.ค.", "มี.ค", "มีค", "มี. ค."), a full name, or a colloquial short name ("มีนา").
/// The misspellings "มี.ย." (June) and "กรกฏาคม" (July) are accepted with a
/// [`DateWarning::MonthTypo`].
///
/// Years: two digits are BE 25xx ("๖๔" → 2564 → 2021); four digits are BE when ≥ 2400 and CE
/// otherwise (so "2021-03-09" is CE and "2564" is BE). Other lengths are rejected.
///
/// # Errors
/// A [`DateError`]: empty text, an unknown month, a day the month does not have, a reversed
/// range, or any other text that does not fit the shapes above.
///
/// ```
/// use chrono::NaiveDate;
/// use kpiwatch::domain::thai::parse_thai_date;
/// let d = parse_thai_date("๗-๙ เม.ย. ๖๔").unwrap();
/// assert_eq!(d.start, NaiveDate::from_ymd_opt(2021, 4, 7).unwrap());
/// assert_eq!(d.end, NaiveDate::from_ymd_opt(2021, 4, 9).unwrap());
/// ```
pub fn parse_thai_date(s: &str) -> Result<ThaiDate, DateError> {
    let trimmed = trim_blank(s);
    if trimmed.is_empty() {
        return Err(DateError::Empty);
    }
    let norm = normalize_digits(trimmed);
    let toks = tokenize(&norm, s)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        text: s,
        warnings: Vec::new(),
    };

    let first = p.part()?;
    let (start, end) = if p.at_end() {
        let (Some(month), Some(year)) = (first.month, first.year) else {
            return Err(p.malformed(if first.month.is_none() {
                "no month"
            } else {
                "no year"
            }));
        };
        let date = make_date(year, month, first.day)?;
        (date, date)
    } else {
        if !p.eat(|t| matches!(t, Tok::Dash)) {
            return Err(p.malformed("expected a dash between the two ends of a range"));
        }
        let second = p.part()?;
        if !p.at_end() {
            return Err(p.malformed("unexpected text after the date"));
        }
        let (Some(end_month), Some(end_year)) = (second.month, second.year) else {
            return Err(p.malformed("the end of a range needs a month and a year"));
        };
        let (start_month, start_year) = match (first.month, first.year) {
            (Some(m), Some(y)) => (m, y),
            // Only a start in ต.ค.–ธ.ค. before an end in ม.ค.–ก.ย. crosses back a year: the range
            // then still lies in one fiscal year, while reading "๒ เม.ย. - ๓๐ มี.ค." as a
            // year-long span would hide an error.
            (Some(m), None) if m >= 10 && end_month <= 9 => (m, end_year - 1),
            (Some(m), None) => (m, end_year),
            (None, _) => (end_month, end_year),
        };
        (
            make_date(start_year, start_month, first.day)?,
            make_date(end_year, end_month, second.day)?,
        )
    };
    if start > end {
        return Err(DateError::RangeReversed { start, end });
    }
    Ok(ThaiDate {
        start,
        end,
        warnings: p.warnings,
    })
}

fn make_date(year_ce: i32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    NaiveDate::from_ymd_opt(year_ce, month, day).ok_or(DateError::InvalidDay {
        day,
        month,
        year_ce,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of digits; `value` saturates, which is harmless because `digits` already rules
    /// such runs out as days, months and years.
    Num {
        value: u32,
        digits: usize,
    },
    Month {
        month: u32,
        typo: Option<(&'a str, &'static str)>,
    },
    /// "พ.ศ." before a year.
    Era,
    /// A range separator: a dash or the word "ถึง".
    Dash,
    Slash,
    /// Thai text that is none of the known words.
    Word(&'a str),
}

#[derive(Clone, Copy)]
enum Known {
    Month(u32),
    Typo(u32, &'static str),
    Era,
    To,
}

/// Keys are written without dots or spaces, the form every spelling is reduced to before lookup.
const KNOWN_WORDS: &[(&str, Known)] = &[
    ("มค", Known::Month(1)),
    ("กพ", Known::Month(2)),
    ("มีค", Known::Month(3)),
    ("เมย", Known::Month(4)),
    ("พค", Known::Month(5)),
    ("มิย", Known::Month(6)),
    ("กค", Known::Month(7)),
    ("สค", Known::Month(8)),
    ("กย", Known::Month(9)),
    ("ตค", Known::Month(10)),
    ("พย", Known::Month(11)),
    ("ธค", Known::Month(12)),
    ("มกราคม", Known::Month(1)),
    ("กุมภาพันธ์", Known::Month(2)),
    ("มีนาคม", Known::Month(3)),
    ("เมษายน", Known::Month(4)),
    ("พฤษภาคม", Known::Month(5)),
    ("มิถุนายน", Known::Month(6)),
    ("กรกฎาคม", Known::Month(7)),
    ("สิงหาคม", Known::Month(8)),
    ("กันยายน", Known::Month(9)),
    ("ตุลาคม", Known::Month(10)),
    ("พฤศจิกายน", Known::Month(11)),
    ("ธันวาคม", Known::Month(12)),
    ("มกรา", Known::Month(1)),
    ("กุมภา", Known::Month(2)),
    ("มีนา", Known::Month(3)),
    ("เมษา", Known::Month(4)),
    ("พฤษภา", Known::Month(5)),
    ("มิถุนา", Known::Month(6)),
    ("กรกฎา", Known::Month(7)),
    ("สิงหา", Known::Month(8)),
    ("กันยา", Known::Month(9)),
    ("ตุลา", Known::Month(10)),
    ("พฤศจิกา", Known::Month(11)),
    ("ธันวา", Known::Month(12)),
    // มี/มิ vowel confusion: of the months ending in ย (เม.ย. มิ.ย. พ.ย. ก.ย.) only มิ.ย.
    // starts with ม + a short i/ii vowel, so June is the one reading (seed 000 has it).
    ("มีย", Known::Typo(6, "มิ.ย.")),
    // ฏ for ฎ is the commonest misspelling of July; no other month is close.
    ("กรกฏาคม", Known::Typo(7, "กรกฎาคม")),
    ("กรกฏา", Known::Typo(7, "กรกฎา")),
    ("พศ", Known::Era),
    ("ถึง", Known::To),
];

/// A month spelt with spaces ("ม . ค .") can span several blank-separated pieces.
const MAX_PIECES_PER_WORD: usize = 6;

fn lookup_word(key: &str) -> Option<Known> {
    KNOWN_WORDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|&(_, known)| known)
}

fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4F}').contains(&c)
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

/// `norm` has ASCII digits; `original` is only for error messages.
fn tokenize<'a>(norm: &'a str, original: &str) -> Result<Vec<Tok<'a>>, DateError> {
    // "๑ ต.ค. ๒๕๖๖ - ๓๑ ธ.ค. ๒๕๖๖" is seven tokens: one allocation for nearly every date.
    let mut toks = Vec::with_capacity(8);
    let mut chars = norm.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if is_blank(c) {
            chars.next();
        } else if c.is_ascii_digit() {
            let mut value: u32 = 0;
            let mut digits = 0;
            while let Some(d) = chars.peek().and_then(|&(_, d)| d.to_digit(10)) {
                value = value.saturating_mul(10).saturating_add(d);
                digits += 1;
                chars.next();
            }
            toks.push(Tok::Num { value, digits });
        } else if is_dash(c) {
            toks.push(Tok::Dash);
            chars.next();
        } else if c == '/' {
            toks.push(Tok::Slash);
            chars.next();
        } else if is_thai_letter(c) {
            let mut end = start;
            while let Some(&(i, d)) = chars.peek() {
                if is_thai_letter(d) || d == '.' || is_blank(d) {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            split_thai_run(&norm[start..end], &mut toks);
        } else {
            return Err(DateError::Malformed {
                text: original.to_string(),
                reason: "unexpected character",
            });
        }
    }
    Ok(toks)
}

/// Splits a run of Thai letters, dots and blanks into known words. Pieces are joined greedily
/// (longest first) because people put spaces inside abbreviations ("มี. ค.").
fn split_thai_run<'a>(run: &'a str, toks: &mut Vec<Tok<'a>>) {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut piece_start = None;
    for (i, c) in run.char_indices() {
        match (is_blank(c), piece_start) {
            (true, Some(s)) => {
                pieces.push((s, i));
                piece_start = None;
            }
            (false, None) => piece_start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = piece_start {
        pieces.push((s, run.len()));
    }

    let mut i = 0;
    while i < pieces.len() {
        let longest = pieces.len().min(i + MAX_PIECES_PER_WORD);
        let found = (i + 1..=longest).rev().find_map(|j| {
            let span = &run[pieces[i].0..pieces[j - 1].1];
            let key: String = span.chars().filter(|&c| c != '.' && !is_blank(c)).collect();
            lookup_word(&key).map(|known| (j, span, known))
        });
        match found {
            Some((j, span, known)) => {
                toks.push(match known {
                    Known::Month(month) => Tok::Month { month, typo: None },
                    Known::Typo(month, read_as) => Tok::Month {
                        month,
                        typo: Some((span, read_as)),
                    },
                    Known::Era => Tok::Era,
                    Known::To => Tok::Dash,
                });
                i = j;
            }
            None => {
                toks.push(Tok::Word(&run[pieces[i].0..pieces[i].1]));
                i += 1;
            }
        }
    }
}

fn month_number((value, digits): (u32, usize)) -> Result<u32, DateError> {
    if digits <= 2 && (1..=12).contains(&value) {
        Ok(value)
    } else {
        Err(DateError::UnknownMonth {
            text: value.to_string(),
        })
    }
}

/// One end of a date or range; month and year may be left to the other end.
struct Part {
    day: u32,
    month: Option<u32>,
    year: Option<i32>,
}

struct Parser<'t, 'a> {
    toks: &'t [Tok<'a>],
    pos: usize,
    text: &'t str,
    warnings: Vec<DateWarning>,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self, ahead: usize) -> Option<Tok<'a>> {
        self.toks.get(self.pos + ahead).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn eat(&mut self, want: impl Fn(Tok<'a>) -> bool) -> bool {
        let hit = self.peek(0).is_some_and(want);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn malformed(&self, reason: &'static str) -> DateError {
        DateError::Malformed {
            text: self.text.to_string(),
            reason,
        }
    }

    fn num(&mut self, reason: &'static str) -> Result<(u32, usize), DateError> {
        match self.peek(0) {
            Some(Tok::Num { value, digits }) => {
                self.pos += 1;
                Ok((value, digits))
            }
            _ => Err(self.malformed(reason)),
        }
    }

    fn day(&self, (value, digits): (u32, usize)) -> Result<u32, DateError> {
        if digits <= 2 {
            Ok(value)
        } else {
            Err(self.malformed("a day has 1 or 2 digits"))
        }
    }

    fn year(&self, (value, digits): (u32, usize)) -> Result<i32, DateError> {
        if digits != 2 && digits != 4 {
            return Err(self.malformed("a year has 2 or 4 digits"));
        }
        // Four digits keep `value` below 10 000, so this cannot fail.
        let value = i32::try_from(value).map_err(|_| self.malformed("year out of range"))?;
        Ok(match digits {
            // Forms abbreviate the BE year; 25xx covers every year a KPI form can mention.
            2 => be_to_ce(2500 + value),
            // Below 2400 a BE year would be before 1857 CE, so such a year must be CE.
            _ if value >= 2400 => be_to_ce(value),
            _ => value,
        })
    }

    fn part(&mut self) -> Result<Part, DateError> {
        let first = self.num("expected a day")?;
        let is_iso = first.1 == 4
            && matches!(
                (self.peek(0), self.peek(1), self.peek(2), self.peek(3)),
                (
                    Some(Tok::Dash),
                    Some(Tok::Num { .. }),
                    Some(Tok::Dash),
                    Some(Tok::Num { .. })
                )
            );
        if is_iso {
            self.pos += 1;
            let month = self.num("expected a month number")?;
            self.pos += 1;
            let day = self.num("expected a day")?;
            return Ok(Part {
                day: self.day(day)?,
                month: Some(month_number(month)?),
                year: Some(self.year(first)?),
            });
        }
        if self.eat(|t| matches!(t, Tok::Slash)) {
            let month = self.num("expected a month number after \"/\"")?;
            if !self.eat(|t| matches!(t, Tok::Slash)) {
                return Err(self.malformed("expected day/month/year"));
            }
            let year = self.num("expected a year after \"/\"")?;
            return Ok(Part {
                day: self.day(first)?,
                month: Some(month_number(month)?),
                year: Some(self.year(year)?),
            });
        }

        let day = self.day(first)?;
        let month = match self.peek(0) {
            Some(Tok::Month { month, typo }) => {
                self.pos += 1;
                if let Some((written, read_as)) = typo {
                    self.warnings.push(DateWarning::MonthTypo {
                        written: written.to_string(),
                        read_as: read_as.to_string(),
                    });
                }
                month
            }
            Some(Tok::Word(word)) => {
                return Err(DateError::UnknownMonth {
                    text: word.to_string(),
                });
            }
            _ => {
                return Ok(Part {
                    day,
                    month: None,
                    year: None,
                });
            }
        };
        let had_era = self.eat(|t| matches!(t, Tok::Era));
        let year = match self.peek(0) {
            Some(Tok::Num { value, digits }) => {
                self.pos += 1;
                Some(self.year((value, digits))?)
            }
            _ if had_era => return Err(self.malformed("expected a year after \"พ.ศ.\"")),
            _ => None,
        };
        Ok(Part {
            day,
            month: Some(month),
            year,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Fiscal calendar
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/// Whether formatted output uses Thai digits (official documents) or ASCII digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThaiDigits {
    Yes,
    No,
}

fn with_digits(s: String, digits: ThaiDigits) -> String {
    match digits {
        ThaiDigits::Yes => to_thai_digits(&s),
        ThaiDigits::No => s,
    }
}

fn month_abbr(date: NaiveDate) -> &'static str {
    // month0() is always 0..=11.
    MONTH_ABBR[date.month0() as usize]
}

/// Day, month abbreviation and four-digit BE year, as official documents write a date:
/// "๒๘ ก.ย. ๒๕๖๔" or "28 ก.ย. 2564". The result parses back with [`parse_thai_date`] for
/// BE years 2400–9999.
///
/// ```
/// use chrono::NaiveDate;
/// use kpiwatch::domain::thai::{format_thai_date, ThaiDigits};
/// let d = NaiveDate::from_ymd_opt(2021, 9, 28).unwrap();
/// assert_eq!(format_thai_date(d, ThaiDigits::Yes), "๒๘ ก.ย. ๒๕๖๔");
/// assert_eq!(format_thai_date(d, ThaiDigits::No), "28 ก.ย. 2564");
/// ```
#[must_use]
pub fn format_thai_date(date: NaiveDate, digits: ThaiDigits) -> String {
    let s = format!(
        "{} {} {}",
        date.day(),
        month_abbr(date),
        ce_to_be(date.year())
    );
    with_digits(s, digits)
}

/// A timestamp the way Thai documents write it: "๒๕ พ.ย. ๒๕๖๙ เวลา ๐๙:๑๕ น.".
///
/// ```
/// use chrono::NaiveDate;
/// use kpiwatch::domain::thai::{format_thai_datetime, ThaiDigits};
/// let t = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 15, 0).unwrap();
/// assert_eq!(format_thai_datetime(t, ThaiDigits::No), "25 พ.ย. 2569 เวลา 09:15 น.");
/// ```
#[must_use]
pub fn format_thai_datetime(t: chrono::NaiveDateTime, digits: ThaiDigits) -> String {
    let s = format!(
        "{} เวลา {} น.",
        format_thai_date(t.date(), ThaiDigits::No),
        t.format("%H:%M")
    );
    with_digits(s, digits)
}

/// Month abbreviation and two-digit BE year, the label of a month column: "ต.ค. ๖๓" for
/// October 2020 (the first month of FY 2564). The day is ignored.
///
/// ```
/// use chrono::NaiveDate;
/// use kpiwatch::domain::thai::{format_thai_month_year, ThaiDigits};
/// let d = NaiveDate::from_ymd_opt(2020, 10, 1).unwrap();
/// assert_eq!(format_thai_month_year(d, ThaiDigits::Yes), "ต.ค. ๖๓");
/// ```
#[must_use]
pub fn format_thai_month_year(date: NaiveDate, digits: ThaiDigits) -> String {
    let yy = ce_to_be(date.year()).rem_euclid(100);
    with_digits(format!("{} {yy:02}", month_abbr(date)), digits)
}

/// The ledger's "YYYY-MM-DD HH:MM:SS" as a Thai date and time (Buddhist Era year).
pub fn thai_time(stamp: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S")
        .map(|t| format_thai_datetime(t, ThaiDigits::No))
        .unwrap_or_else(|_| stamp.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn single(s: &str) -> NaiveDate {
        let got = parse_thai_date(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(got.start, got.end, "{s} should be a single day");
        got.start
    }

    // ----- digits and numbers -----

    #[test]
    fn digits_convert_both_ways() {
        assert_eq!(normalize_digits("๐๑๒๓๔๕๖๗๘๙"), "0123456789");
        assert_eq!(to_thai_digits("0123456789"), "๐๑๒๓๔๕๖๗๘๙");
        assert_eq!(to_thai_digits("สตป. 02"), "สตป. ๐๒");
        assert!(matches!(normalize_digits("no thai"), Cow::Borrowed(_)));
        assert!(matches!(normalize_digits("๘๒๖"), Cow::Owned(_)));
    }

    #[test]
    fn seed_amounts_parse() {
        let cases = [
            ("๑๔,๗๖๐.๐๐", 14_760.0),
            ("๓๙,๘๘๐.๐๐", 39_880.0),
            ("๘,๕๑๐.๐๐", 8_510.0),
            ("๔,๙๖๕.๐๐", 4_965.0),
            ("๘๒,๐๙๐.๐๐", 82_090.0),
            ("๗๘,๐๘๐.๐๐", 78_080.0),
            ("๑๖๐,๑๗๐.๐๐", 160_170.0),
            // Quarterly results and scores from the same form.
            ("๘๒๖", 826.0),
            ("184", 184.0),
            ("2.2267", 2.2267),
            ("0.668", 0.668),
        ];
        for (text, want) in cases {
            assert_eq!(parse_number(text), Ok(want), "{text}");
        }
        // The seed's two cost subtotals add up to its grand total (รวมค่าใช้จ่าย).
        let parts = ["๘๒,๐๙๐.๐๐", "๗๘,๐๘๐.๐๐"];
        let sum: f64 = parts.iter().filter_map(|c| parse_number(c).ok()).sum();
        assert_eq!(Ok(sum), parse_number("๑๖๐,๑๗๐.๐๐"));
    }

    #[test]
    fn number_variants_accepted() {
        let cases = [
            ("1,234,567.5", 1_234_567.5),
            ("ร้อยละ 92", 92.0),
            ("ร้อยละ92", 92.0),
            ("92%", 92.0),
            ("92 %", 92.0),
            ("ร้อยละ ๙๒.๕", 92.5),
            ("\u{a0} 826\u{a0}", 826.0),
            ("\u{200b}826\u{200b}", 826.0),
            ("\t๘๒๖\n", 826.0),
            ("-5", -5.0),
            ("+5", 5.0),
            ("\u{2212}5", -5.0),
            ("-1,000", -1000.0),
            ("ร้อยละ -3.5", -3.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("007", 7.0),
            ("0", 0.0),
            ("123", 123.0),
            ("1234", 1234.0),
            ("12,345", 12_345.0),
        ];
        for (text, want) in cases {
            assert_eq!(parse_number(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn number_errors() {
        use NumberError::*;
        let text = |s: &str| s.to_string();
        assert_eq!(parse_number(""), Err(Empty));
        assert_eq!(parse_number(" \u{a0}\u{200b} "), Err(Empty));
        for s in [",", ".", ",,.", "-", "%", "ร้อยละ", "ร้อยละ %", "+.", "-,"]
        {
            assert_eq!(parse_number(s), Err(NoDigits { text: text(s) }), "{s:?}");
        }
        for s in [
            "1,23",
            ",123",
            "1,,234",
            "1234,567",
            "12,34,567",
            "1.234,5",
            "1,2345",
        ] {
            assert_eq!(parse_number(s), Err(BadGrouping { text: text(s) }), "{s:?}");
        }
        for s in ["1.2.3", "๑.๒.๓", "1,234.5.6"] {
            assert_eq!(
                parse_number(s),
                Err(MultipleDecimalPoints { text: text(s) }),
                "{s:?}"
            );
        }
        for s in [
            "826 หน่วย",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "infinity",
            "1e5",
            "1 234",
            "abc",
            "--5",
            "+-5",
            "5-",
            "%92",
            "92ร้อยละ",
            "๙๒ บาท",
            "0x10",
        ] {
            assert_eq!(parse_number(s), Err(NotANumber { text: text(s) }), "{s:?}");
        }
        let huge = "9".repeat(400);
        assert_eq!(parse_number(&huge), Err(OutOfRange { text: huge.clone() }));
    }

    #[test]
    fn number_error_messages_are_readable() {
        let e = parse_number("1,23").map(|_| ()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "misplaced thousands separator in \"1,23\": groups after the first must have exactly 3 digits"
        );
        let e = parse_number("826 หน่วย").map(|_| ()).unwrap_err();
        assert_eq!(e.to_string(), "\"826 หน่วย\" is not a number");
    }

    // ----- dates -----

    /// Every date written in seed 000 (both inspection tables and the letters' dates), in file
    /// order, copied literally: (text, start, end, has the มี.ย. typo).
    const SEED_000_DATES: &[(&str, &str, &str, bool)] = &[
        ("๙ มี.ค. ๖๔", "2021-03-09", "2021-03-09", false),
        ("๓๑ มี.ค. ๖๔", "2021-03-31", "2021-03-31", false),
        ("๙ มี.ค. ๖๔", "2021-03-09", "2021-03-09", false),
        ("๗ เม.ย. ๖๔", "2021-04-07", "2021-04-07", false),
        ("๑๑ มี.ค. ๖๔", "2021-03-11", "2021-03-11", false),
        ("๓๑ ส.ค. ๖๔", "2021-08-31", "2021-08-31", false),
        ("๑๑ มี.ค. ๖๔", "2021-03-11", "2021-03-11", false),
        ("๑ ก.ย. ๖๔", "2021-09-01", "2021-09-01", false),
        ("๑๕ มี.ค. ๖๔", "2021-03-15", "2021-03-15", false),
        ("๑๕ มี.ค. ๖๔", "2021-03-15", "2021-03-15", false),
        ("๑๐ ส.ค. ๖๔", "2021-08-10", "2021-08-10", false),
        ("๑๐ ส.ค. ๖๔", "2021-08-10", "2021-08-10", false),
        ("๑๐ ส.ค. ๖๔", "2021-08-10", "2021-08-10", false),
        ("๑๑ ส.ค. ๖๔", "2021-08-11", "2021-08-11", false),
        ("๑๑ ส.ค. ๖๔", "2021-08-11", "2021-08-11", false),
        ("๑๑ ส.ค. ๖๔", "2021-08-11", "2021-08-11", false),
        ("๑๑ ส.ค. ๖๔", "2021-08-11", "2021-08-11", false),
        ("๒๒ ก.พ. ๖๔", "2021-02-22", "2021-02-22", false),
        ("๒๒ - ๒๓ มี.ค. ๖๔", "2021-03-22", "2021-03-23", false),
        ("๒๒ มี.ค. ๖๔", "2021-03-22", "2021-03-22", false),
        ("๒๕ ก.พ. ๖๔", "2021-02-25", "2021-02-25", false),
        ("๑ เม.ย. ๖๔", "2021-04-01", "2021-04-01", false),
        ("๒๓ มี.ค. ๖๔", "2021-03-23", "2021-03-23", false),
        ("๑ มี.ค. ๖๔", "2021-03-01", "2021-03-01", false),
        ("๑ เม.ย. ๖๔", "2021-04-01", "2021-04-01", false),
        ("๒๓ มี.ค. ๖๔", "2021-03-23", "2021-03-23", false),
        ("๒ มี.ค. ๖๔", "2021-03-02", "2021-03-02", false),
        ("๒ เม.ย. ๖๔", "2021-04-02", "2021-04-02", false),
        ("๒๔ มี.ค. ๖๔", "2021-03-24", "2021-03-24", false),
        ("๘ มี.ย. ๖๔", "2021-06-08", "2021-06-08", true),
        ("๒ เม.ย. ๖๔", "2021-04-02", "2021-04-02", false),
        ("๒๔ มี.ค. ๖๔", "2021-03-24", "2021-03-24", false),
        ("๒๒ มี.ย. ๖๔", "2021-06-22", "2021-06-22", true),
        ("๗-๙ เม.ย. ๖๔", "2021-04-07", "2021-04-09", false),
        ("๒๔ มี.ค. ๖๔", "2021-03-24", "2021-03-24", false),
        ("๒๙ มี.ย. ๖๔", "2021-06-29", "2021-06-29", true),
        ("๒๔ มี.ค. ๖๔", "2021-03-24", "2021-03-24", false),
        ("๖ ก.ค. ๖๔", "2021-07-06", "2021-07-06", false),
        ("๓๐ มี.ค. ๖๔", "2021-03-30", "2021-03-30", false),
        ("๒ ส.ค. ๖๔", "2021-08-02", "2021-08-02", false),
        ("๒๕ ส.ค. ๖๔", "2021-08-25", "2021-08-25", false),
        ("๒๖ ส.ค. ๖๔", "2021-08-26", "2021-08-26", false),
        ("๒๖ ส.ค. ๖๔", "2021-08-26", "2021-08-26", false),
        ("๒๗ ส.ค. ๖๔", "2021-08-27", "2021-08-27", false),
        ("๑ ก.ย. ๖๔", "2021-09-01", "2021-09-01", false),
        ("๑ ก.ย. ๖๔", "2021-09-01", "2021-09-01", false),
        ("๒๖ เม.ย. ๖๔", "2021-04-26", "2021-04-26", false),
        ("๒๒ - ๒๓ มี.ค. ๖๔", "2021-03-22", "2021-03-23", false),
        ("๘ เม.ย. ๖๔", "2021-04-08", "2021-04-08", false),
        ("๖ พ.ค. ๖๔", "2021-05-06", "2021-05-06", false),
        ("๒๓ ส.ค. ๖๔", "2021-08-23", "2021-08-23", false),
        ("๑๗ พ.ค. ๖๔", "2021-05-17", "2021-05-17", false),
        ("๒๔ ส.ค. ๖๐", "2017-08-24", "2017-08-24", false),
        ("๘ มี.ย. ๖๔", "2021-06-08", "2021-06-08", true),
        ("๙ ก.ย. ๖๔", "2021-09-09", "2021-09-09", false),
        ("๑๑ มี.ย. ๖๔", "2021-06-11", "2021-06-11", true),
        ("๑๕ มี.ย. ๖๔", "2021-06-15", "2021-06-15", true),
        ("๒๒ มี.ย. ๖๔", "2021-06-22", "2021-06-22", true),
        ("๒๕ มี.ย. ๖๔", "2021-06-25", "2021-06-25", true),
        ("๗ ก.ค. ๖๔", "2021-07-07", "2021-07-07", false),
        ("๘ ก.ค. ๖๔", "2021-07-08", "2021-07-08", false),
        ("๙ ก.ค. ๖๔", "2021-07-09", "2021-07-09", false),
        ("๑๖ ก.ค. ๖๔", "2021-07-16", "2021-07-16", false),
        ("๒๙ มี.ย. ๖๔", "2021-06-29", "2021-06-29", true),
        ("๑๖ มี.ค. ๖๔", "2021-03-16", "2021-03-16", false),
        ("๒๕ มี.ค. ๖๔", "2021-03-25", "2021-03-25", false),
        ("๘ ก.ค. ๖๔", "2021-07-08", "2021-07-08", false),
        ("๒๕ มี.ค. ๖๔", "2021-03-25", "2021-03-25", false),
        ("๑๒ ก.ค. ๖๔", "2021-07-12", "2021-07-12", false),
        ("๒๖ มี.ค. ๖๔", "2021-03-26", "2021-03-26", false),
        ("๑๙ ก.ค. ๖๔", "2021-07-19", "2021-07-19", false),
        ("๒๖ มี.ค. ๖๔", "2021-03-26", "2021-03-26", false),
        ("๑๙ ก.ค. ๖๔", "2021-07-19", "2021-07-19", false),
        ("๒๓ ส.ค. ๖๔", "2021-08-23", "2021-08-23", false),
        ("๑๘ ส.ค. ๖๔", "2021-08-18", "2021-08-18", false),
        ("๒๓ ส.ค. ๖๔", "2021-08-23", "2021-08-23", false),
        ("๑๘ ส.ค. ๖๔", "2021-08-18", "2021-08-18", false),
        ("๒๔ ส.ค. ๖๔", "2021-08-24", "2021-08-24", false),
        ("๒๔ ส.ค. ๖๔", "2021-08-24", "2021-08-24", false),
        ("๒๙ ธันวาคม ๒๕๖๓", "2020-12-29", "2020-12-29", false),
        ("๑๖ มีนาคม ๒๕๖๔", "2021-03-16", "2021-03-16", false),
        ("๒๙ มิถุนายน ๒๕๖๔", "2021-06-29", "2021-06-29", false),
        ("๒๒ กันยายน ๒๕๖๔", "2021-09-22", "2021-09-22", false),
        ("๒๘ กันยายน ๒๕๖๔", "2021-09-28", "2021-09-28", false),
    ];

    #[test]
    fn every_seed_000_date_parses() {
        assert_eq!(SEED_000_DATES.len(), 84);
        for &(text, start, end, typo) in SEED_000_DATES {
            let got = parse_thai_date(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(got.start.to_string(), start, "{text}");
            assert_eq!(got.end.to_string(), end, "{text}");
            let want_warnings = if typo {
                vec![DateWarning::MonthTypo {
                    written: "มี.ย.".into(),
                    read_as: "มิ.ย.".into(),
                }]
            } else {
                vec![]
            };
            assert_eq!(got.warnings, want_warnings, "{text}");
        }
    }

    #[test]
    fn seed_dates_fall_in_fy_2564_except_the_typo_year() {
        let outside: Vec<&str> = SEED_000_DATES
            .iter()
            .filter_map(|&(text, ..)| {
                let d = parse_thai_date(text).ok()?;
                (fiscal_year_be(d.start) != 2564).then_some(text)
            })
            .collect();
        assert_eq!(outside, ["๒๔ ส.ค. ๖๐"]);
        let d = single("๒๔ ส.ค. ๖๐");
        assert_eq!(d, ymd(2017, 8, 24));
        assert_eq!(fiscal_year_be(d), 2560);
    }

    #[test]
    fn required_shapes() {
        assert_eq!(single("๙ มี.ค. ๖๔"), ymd(2021, 3, 9));
        assert_eq!(single("๒๘ ก.ย. ๒๕๖๔"), ymd(2021, 9, 28));
        assert_eq!(single("28 ก.ย. 64"), ymd(2021, 9, 28));
        assert_eq!(single("2021-03-09"), ymd(2021, 3, 9));
        assert_eq!(single("๒๕๖๔-๐๓-๐๙"), ymd(2021, 3, 9));
        assert_eq!(single("๙ มีนาคม ๒๕๖๔"), ymd(2021, 3, 9));
        assert_eq!(single("๙ มีนา ๖๔"), ymd(2021, 3, 9));
        assert_eq!(single("9 มีค 64"), ymd(2021, 3, 9));
        assert_eq!(single("9 มี.ค 64"), ymd(2021, 3, 9));
        assert_eq!(single("9 มี. ค. 64"), ymd(2021, 3, 9));
        assert_eq!(single("9มี.ค.64"), ymd(2021, 3, 9));
        assert_eq!(single("๙ มี.ค. พ.ศ. ๒๕๖๔"), ymd(2021, 3, 9));
        assert_eq!(single("9/3/2564"), ymd(2021, 3, 9));
        assert_eq!(single("๙/๓/๖๔"), ymd(2021, 3, 9));
        assert_eq!(single("09/03/2021"), ymd(2021, 3, 9));
        assert_eq!(single("\u{a0}๙\u{a0}มี.ค.\u{200b}๖๔ "), ymd(2021, 3, 9));
        assert_eq!(single("1 ม.ค. 2400"), ymd(1857, 1, 1));
        assert_eq!(single("1 ม.ค. 2399"), ymd(2399, 1, 1));
        assert_eq!(single("29 ก.พ. 63"), ymd(2020, 2, 29));
    }

    #[test]
    fn every_month_spelling() {
        for (i, (abbr, name)) in MONTH_ABBR.iter().zip(MONTH_NAMES.iter()).enumerate() {
            let month = i as u32 + 1;
            let want = ymd(2021, month, 1);
            let undotted = abbr.replace('.', "");
            let spaced = abbr.replace('.', ". ");
            for spelling in [*abbr, name, &undotted, &spaced, abbr.trim_end_matches('.')] {
                let text = format!("1 {spelling} 64");
                let got = parse_thai_date(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(got.start, want, "{text}");
                assert!(got.warnings.is_empty(), "{text}");
            }
        }
    }

    #[test]
    fn ranges() {
        let range = |s: &str| {
            let d = parse_thai_date(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(d.is_range(), "{s}");
            (d.start, d.end)
        };
        assert_eq!(
            range("๒๒ - ๒๓ มี.ค. ๖๔"),
            (ymd(2021, 3, 22), ymd(2021, 3, 23))
        );
        assert_eq!(range("๗-๙ เม.ย. ๖๔"), (ymd(2021, 4, 7), ymd(2021, 4, 9)));
        assert_eq!(range("๗–๙ เม.ย. ๖๔"), (ymd(2021, 4, 7), ymd(2021, 4, 9)));
        assert_eq!(
            range("๓๐ มี.ค. - ๒ เม.ย. ๖๔"),
            (ymd(2021, 3, 30), ymd(2021, 4, 2))
        );
        assert_eq!(
            range("๓๐ มี.ค. ถึง ๒ เม.ย. ๖๔"),
            (ymd(2021, 3, 30), ymd(2021, 4, 2))
        );
        assert_eq!(
            range("30 ธ.ค. - 2 ม.ค. 64"),
            (ymd(2020, 12, 30), ymd(2021, 1, 2))
        );
        assert_eq!(
            range("๑ ต.ค. - ๓๑ มี.ค. ๖๔"),
            (ymd(2020, 10, 1), ymd(2021, 3, 31))
        );
        assert_eq!(
            range("30 ธ.ค. 63 - 2 ม.ค. 64"),
            (ymd(2020, 12, 30), ymd(2021, 1, 2))
        );
        assert_eq!(
            range("2021-03-09 - 2021-03-10"),
            (ymd(2021, 3, 9), ymd(2021, 3, 10))
        );
        let same = parse_thai_date("๙ - ๙ มี.ค. ๖๔").map(|d| d.is_range());
        assert_eq!(same, Ok(false));
    }

    #[test]
    fn typos_warn() {
        let d = parse_thai_date("๑๕ กรกฏาคม ๒๕๖๔").expect("typo accepted");
        assert_eq!(d.start, ymd(2021, 7, 15));
        assert_eq!(
            d.warnings,
            [DateWarning::MonthTypo {
                written: "กรกฏาคม".into(),
                read_as: "กรกฎาคม".into()
            }]
        );
        let d = parse_thai_date("8 มี ย 64").expect("spaced typo accepted");
        assert_eq!(d.start, ymd(2021, 6, 8));
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(
            d.warnings[0].to_string(),
            "month \"มี ย\" is misspelt; read as \"มิ.ย.\""
        );
        let d = parse_thai_date("๒๘ มี.ย. - ๒ ก.ค. ๖๔").expect("typo in a range");
        assert_eq!((d.start, d.end), (ymd(2021, 6, 28), ymd(2021, 7, 2)));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn date_errors() {
        use DateError::*;
        let bad = |s: &str| parse_thai_date(s).map(|d| d.start).unwrap_err();
        let malformed = |s: &str| match bad(s) {
            Malformed { text, .. } => assert_eq!(text, s),
            other => panic!("{s:?}: expected Malformed, got {other:?}"),
        };

        assert_eq!(bad(""), Empty);
        assert_eq!(bad(" \u{a0} "), Empty);
        assert_eq!(
            bad("๓๑ ก.พ. ๖๔"),
            InvalidDay {
                day: 31,
                month: 2,
                year_ce: 2021
            }
        );
        assert_eq!(
            bad("29 ก.พ. 64"),
            InvalidDay {
                day: 29,
                month: 2,
                year_ce: 2021
            }
        );
        assert_eq!(
            bad("0 มี.ค. 64"),
            InvalidDay {
                day: 0,
                month: 3,
                year_ce: 2021
            }
        );
        assert_eq!(
            bad("31 เม.ย. 64").to_string(),
            "day 31 does not exist in month 4 of 2021 (BE 2564)"
        );
        assert_eq!(
            bad("2021-02-30"),
            InvalidDay {
                day: 30,
                month: 2,
                year_ce: 2021
            }
        );
        assert_eq!(
            bad("๙ มีน ๖๔"),
            UnknownMonth {
                text: "มีน".into()
            }
        );
        assert_eq!(
            bad("9 เดือนมีนาคม 64"),
            UnknownMonth {
                text: "เดือนมีนาคม".into()
            }
        );
        assert_eq!(bad("2021-13-01"), UnknownMonth { text: "13".into() });
        assert_eq!(bad("9/0/64"), UnknownMonth { text: "0".into() });
        assert_eq!(
            bad("๒๓ - ๒๒ มี.ค. ๖๔"),
            RangeReversed {
                start: ymd(2021, 3, 23),
                end: ymd(2021, 3, 22)
            }
        );
        assert_eq!(
            bad("๒ เม.ย. - ๓๐ มี.ค. ๖๔").to_string(),
            "date range is reversed: 2021-04-02 is after 2021-03-30"
        );
        for s in [
            "๙ มี.ค.",
            "มี.ค. ๖๔",
            "๙",
            "๙ ๖๔",
            "9 Mar 2021",
            "๙ มี.ค. ๖",
            "๙ มี.ค. ๖๔๐",
            "๙ มี.ค. ๒๕๖๔๐",
            "๑๐๐ มี.ค. ๖๔",
            "๙ มี.ค. ๖๔ -",
            "- ๙ มี.ค. ๖๔",
            "๙ มี.ค. ๖๔ ๖๔",
            "๙ มี.ค. ๖๔ - ๑๐ มี.ค.",
            "๙ มี.ค. พ.ศ.",
            "๙ มี.ค. ๖๔ วันจันทร์",
            "๙ มี.ค. ๖๔.",
            "9/3",
            "9/3-64",
            "2021-03",
            "2021/03/09/01",
            "1 - 2 - 3 มี.ค. 64",
            "99999999999999999999 มี.ค. 64",
            "9 มี.ค. 99999999999999999999",
        ] {
            malformed(s);
        }
    }

    // ----- fiscal calendar -----

    #[test]
    fn fiscal_calendar() {
        assert_eq!(be_to_ce(2564), 2021);
        assert_eq!(ce_to_be(2021), 2564);
        assert_eq!(be_to_ce(i32::MIN), i32::MIN);
        assert_eq!(ce_to_be(i32::MAX), i32::MAX);
        assert_eq!(fiscal_year_be(ymd(2020, 9, 30)), 2563);
        assert_eq!(fiscal_year_be(ymd(2020, 10, 1)), 2564);
        assert_eq!(fiscal_year_be(ymd(2021, 9, 30)), 2564);
        assert_eq!(fiscal_year_be(ymd(2021, 10, 1)), 2565);
        assert_eq!(
            fiscal_year_bounds(2564),
            Some((ymd(2020, 10, 1), ymd(2021, 9, 30)))
        );
        assert_eq!(fiscal_year_bounds(i32::MAX), None);
        assert_eq!(fiscal_year_bounds(i32::MIN), None);
        let quarters: Vec<u8> = (1..=12).map(|m| fiscal_quarter(ymd(2021, m, 15))).collect();
        assert_eq!(quarters, [2, 2, 2, 3, 3, 3, 4, 4, 4, 1, 1, 1]);
        assert_eq!(
            fiscal_quarter_bounds(2564, 1),
            Some((ymd(2020, 10, 1), ymd(2020, 12, 31)))
        );
        assert_eq!(
            fiscal_quarter_bounds(2564, 2),
            Some((ymd(2021, 1, 1), ymd(2021, 3, 31)))
        );
        assert_eq!(
            fiscal_quarter_bounds(2564, 3),
            Some((ymd(2021, 4, 1), ymd(2021, 6, 30)))
        );
        assert_eq!(
            fiscal_quarter_bounds(2564, 4),
            Some((ymd(2021, 7, 1), ymd(2021, 9, 30)))
        );
        assert_eq!(fiscal_quarter_bounds(2564, 0), None);
        assert_eq!(fiscal_quarter_bounds(2564, 5), None);
    }

    // ----- formatting -----

    #[test]
    fn formatting() {
        let d = ymd(2021, 9, 28);
        assert_eq!(format_thai_date(d, ThaiDigits::Yes), "๒๘ ก.ย. ๒๕๖๔");
        assert_eq!(format_thai_date(d, ThaiDigits::No), "28 ก.ย. 2564");
        assert_eq!(
            format_thai_date(ymd(2021, 3, 9), ThaiDigits::Yes),
            "๙ มี.ค. ๒๕๖๔"
        );
        assert_eq!(
            format_thai_month_year(ymd(2020, 10, 15), ThaiDigits::Yes),
            "ต.ค. ๖๓"
        );
        assert_eq!(
            format_thai_month_year(ymd(2043, 1, 1), ThaiDigits::No),
            "ม.ค. 86"
        );
        // BE 2600 needs the zero padding.
        assert_eq!(
            format_thai_month_year(ymd(2057, 1, 1), ThaiDigits::No),
            "ม.ค. 00"
        );
    }

    #[test]
    fn plan_grid_headers_for_fy_2564() {
        let months = fiscal_month_starts(2564).expect("FY 2564 is in range");
        let headers: Vec<String> = months
            .iter()
            .map(|&d| format_thai_month_year(d, ThaiDigits::Yes))
            .collect();
        assert_eq!(
            headers,
            [
                "ต.ค. ๖๓",
                "พ.ย. ๖๓",
                "ธ.ค. ๖๓",
                "ม.ค. ๖๔",
                "ก.พ. ๖๔",
                "มี.ค. ๖๔",
                "เม.ย. ๖๔",
                "พ.ค. ๖๔",
                "มิ.ย. ๖๔",
                "ก.ค. ๖๔",
                "ส.ค. ๖๔",
                "ก.ย. ๖๔",
            ]
        );
        let order: Vec<u32> = months.iter().map(|d| d.month()).collect();
        assert_eq!(order, FISCAL_MONTH_ORDER);
        assert!(months.iter().all(|&d| fiscal_year_be(d) == 2564));
        assert_eq!(fiscal_month_starts(i32::MAX), None);
    }

    // ----- properties -----

    fn date_in_be(lo: i32, hi: i32) -> impl Strategy<Value = NaiveDate> {
        (be_to_ce(lo)..be_to_ce(hi), 1u32..=366)
            .prop_filter_map("day of year", |(y, doy)| NaiveDate::from_yo_opt(y, doy))
    }

    /// Strings built from the pieces dates and numbers are made of, so the parsers' deeper
    /// paths get exercised, not just the first-character rejection.
    fn date_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("๙".to_string()),
            Just("๖๔".to_string()),
            Just("2564".to_string()),
            Just("31".to_string()),
            Just("มี.ค.".to_string()),
            Just("มี.ย.".to_string()),
            Just("กรกฏาคม".to_string()),
            Just("ธ.ค.".to_string()),
            Just("พ.ศ.".to_string()),
            Just("ถึง".to_string()),
            Just("-".to_string()),
            Just("/".to_string()),
            Just(".".to_string()),
            Just(",".to_string()),
            Just("%".to_string()),
            Just("ร้อยละ".to_string()),
            Just(" ".to_string()),
            Just("\u{a0}".to_string()),
            "[0-9๐-๙]{1,12}",
            "[ก-๛]{1,4}",
        ];
        prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(date in date_in_be(2500, 2600), thai in any::<bool>()) {
            let digits = if thai { ThaiDigits::Yes } else { ThaiDigits::No };
            let text = format_thai_date(date, digits);
            let parsed = parse_thai_date(&text);
            prop_assert_eq!(parsed, Ok(ThaiDate { start: date, end: date, warnings: vec![] }));
        }

        #[test]
        fn thai_digits_number_round_trips(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = to_thai_digits(&format!("{x}"));
            prop_assert_eq!(parse_number(&text), Ok(x));
        }

        #[test]
        fn grouped_integers_round_trip(n in any::<u64>()) {
            let plain = n.to_string();
            let mut grouped = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            prop_assert_eq!(parse_number(&to_thai_digits(&grouped)), Ok(n as f64));
        }

        #[test]
        fn digit_conversions_are_inverse(s in ".*") {
            let thai = to_thai_digits(&s);
            prop_assert_eq!(normalize_digits(&thai), normalize_digits(&s));
            let ascii_only: String = s.chars().filter(|c| !('\u{0E50}'..='\u{0E59}').contains(c)).collect();
            let thai = to_thai_digits(&ascii_only);
            prop_assert_eq!(normalize_digits(&thai), ascii_only.as_str());
        }

        #[test]
        fn fiscal_bounds_hold_exactly_their_year(be in 2400i32..2700, offset in -400i64..800) {
            let (start, end) = fiscal_year_bounds(be).expect("in range");
            let day = start + chrono::Duration::days(offset);
            prop_assert_eq!(start <= day && day <= end, fiscal_year_be(day) == be);
            let len = (end - start).num_days() + 1;
            prop_assert!(len == 365 || len == 366);
            prop_assert_eq!(fiscal_year_be(start), be);
            prop_assert_eq!(fiscal_year_be(end), be);
        }

        #[test]
        fn quarter_bounds_agree_with_fiscal_quarter(date in date_in_be(2400, 2700)) {
            let q = fiscal_quarter(date);
            let (start, end) = fiscal_quarter_bounds(fiscal_year_be(date), q).expect("in range");
            prop_assert!(start <= date && date <= end);
        }

        #[test]
        fn parsers_never_panic_on_any_text(s in any::<String>()) {
            let _ = parse_number(&s);
            let _ = parse_thai_date(&s);
        }

        #[test]
        fn parsers_never_panic_on_date_like_text(s in date_like()) {
            let _ = parse_number(&s);
            if let Ok(d) = parse_thai_date(&s) {
                prop_assert!(d.start <= d.end);
            }
        }
    }
}
