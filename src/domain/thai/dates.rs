//! Dates as written on Thai forms, read and written: "๙ มี.ค. ๖๔", ranges such as
//! "๒๒ - ๒๓ มี.ค. ๖๔", ISO and day-first dates, and the official "๒๘ ก.ย. ๒๕๖๔" style for output.

use std::fmt;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use super::calendar::{MONTH_ABBR, MONTH_NAMES, be_to_ce, ce_to_be};
use super::numbers::{normalize_digits, to_thai_digits};
use super::{is_blank, trim_blank};

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

/// The other words a date may hold: colloquial short month names, misspellings with a single
/// reading, the era and "to". Written like the keys of [`KNOWN_WORDS`].
const OTHER_WORDS: &[(&str, Known)] = &[
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

/// Every word a date may hold, keyed without dots or spaces (the form every spelling is reduced
/// to before lookup): the official abbreviations and full names of [`MONTH_ABBR`] and
/// [`MONTH_NAMES`], then [`OTHER_WORDS`]. Built once, so a lookup compares plain strings.
static KNOWN_WORDS: LazyLock<Vec<(String, Known)>> = LazyLock::new(|| {
    let abbreviations = MONTH_ABBR.iter().map(|a| a.replace('.', ""));
    let names = MONTH_NAMES.iter().map(|n| (*n).to_owned());
    let months = (1..=12).map(Known::Month);
    abbreviations
        .zip(months.clone())
        .chain(names.zip(months))
        .chain(OTHER_WORDS.iter().map(|&(k, known)| (k.to_owned(), known)))
        .collect()
});

/// A month spelt with spaces ("ม . ค .") can span several blank-separated pieces.
const MAX_PIECES_PER_WORD: usize = 6;

fn lookup_word(key: &str) -> Option<Known> {
    KNOWN_WORDS
        .iter()
        .find(|(k, _)| k == key)
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
