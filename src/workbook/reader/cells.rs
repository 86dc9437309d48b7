//! Cell values as the reader takes them: text the way a person reads it off the screen,
//! numbers typed as text, dates, and the error values spreadsheets show.

use calamine::{Data, DataRef};

use crate::domain::thai;

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

/// A cell as a number, or the text that is not one.
pub(super) fn cell_number(d: &DataRef<'_>) -> Result<f64, String> {
    match d {
        DataRef::Float(x) => Ok(*x),
        DataRef::Int(i) => Ok(*i as f64),
        DataRef::String(s) => thai::parse_number(s).map_err(|_| s.trim().to_owned()),
        DataRef::SharedString(s) => thai::parse_number(s).map_err(|_| s.trim().to_owned()),
        other => Err(cell_text(other)),
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
