//! Cell values as the reader takes them: text the way a person reads it off the screen,
//! numbers typed as text, dates, and the error values spreadsheets show.

use calamine::{Data, DataRef};

use crate::domain::diagnostic::{FieldName, Finding};
use crate::domain::thai::{self, MAX_MAGNITUDE, NumberError};

/// A cell value read through calamine's owned [`Data`] (formats other than .xlsx), as the
/// borrowed form [`SheetData::add`] takes.
pub(super) fn data_ref(v: &Data) -> DataRef<'_> {
    match v {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// A cell's content as the reader sees it.
pub(super) enum Raw {
    Empty,
    Formula(String),
    Value(Data),
}

pub(super) fn is_error_text(s: &str) -> bool {
    matches!(
        s.trim(),
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" | "#GETTING_DATA"
    ) || s.trim().starts_with("Err:")
}

/// A cell as text, the way a person would read it off the screen.
pub fn data_text(d: &Data) -> String {
    cell_text(&data_ref(d))
}

/// [`data_text`] of a borrowed cell value.
pub(super) fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Float(x) => thai::plain_number(*x),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => cell_date(d)
            .map(|date| thai::format_thai_date(date, thai::ThaiDigits::Yes))
            .unwrap_or_else(|| Data::from(d.clone()).to_string()),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// Why a cell's content is not a number kpiwatch accepts.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum BadNumber {
    /// Text that is not a number, or a stored NaN.
    NotANumber(String),
    /// Infinite, or beyond [`MAX_MAGNITUDE`]; the text as the cell shows it.
    OutOfRange(String),
}

impl BadNumber {
    /// The finding about a field whose cell holds this.
    pub(super) fn finding(self, field: FieldName) -> Finding {
        match self {
            BadNumber::NotANumber(text) => Finding::NotANumber { field, text },
            BadNumber::OutOfRange(text) => Finding::NumberOutOfRange { field, text },
        }
    }
}

/// `x` if it is finite and within [`MAX_MAGNITUDE`]; `shown` is the cell as a person sees it.
pub(super) fn bounded(x: f64, shown: impl FnOnce() -> String) -> Result<f64, BadNumber> {
    if x.is_nan() {
        Err(BadNumber::NotANumber(shown()))
    } else if x.abs() > MAX_MAGNITUDE {
        Err(BadNumber::OutOfRange(shown()))
    } else {
        Ok(x)
    }
}

/// A stored number as a finding shows it. Only a crafted file stores an infinity (shown ∞) or
/// a NaN (shown as Excel shows an impossible number, #NUM!); a huge one is shown 1E+308.
pub(super) fn shown_number(x: f64) -> String {
    match x {
        f64::INFINITY => "∞".to_owned(),
        f64::NEG_INFINITY => "-∞".to_owned(),
        _ if x.is_nan() => "#NUM!".to_owned(),
        // 1e308 as a spreadsheet shows it, not 309 digits.
        _ if x.abs() > MAX_MAGNITUDE => format!("{x:e}").replace('e', "E+"),
        _ => thai::plain_number(x),
    }
}

/// A cell as a number, or why it is not one kpiwatch accepts.
pub(super) fn cell_number(d: &DataRef<'_>) -> Result<f64, BadNumber> {
    let text = |s: &str| s.trim().to_owned();
    let typed = |s: &str| match thai::parse_number(s) {
        Ok(x) => bounded(x, || text(s)),
        Err(NumberError::OutOfRange { .. }) => Err(BadNumber::OutOfRange(text(s))),
        Err(_) => Err(BadNumber::NotANumber(text(s))),
    };
    match d {
        DataRef::Float(x) => bounded(*x, || shown_number(*x)),
        DataRef::Int(i) => bounded(*i as f64, || i.to_string()),
        DataRef::String(s) => typed(s),
        DataRef::SharedString(s) => typed(s),
        other => Err(BadNumber::NotANumber(cell_text(other))),
    }
}

/// The date in a date cell. Only true date cells: calamine would read any number as a date.
pub(super) fn cell_date(d: &DataRef<'_>) -> Option<chrono::NaiveDate> {
    match d {
        DataRef::DateTime(dt) => dt.as_datetime().map(|x| x.date()),
        DataRef::DateTimeIso(s) => s.get(..10).and_then(|s| s.parse().ok()),
        _ => None,
    }
}
