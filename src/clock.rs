//! The wall clock every dated record reads: when a version was received, when a round was
//! closed, when a summary was made. Test builds may set it from outside, so that due dates,
//! grace periods and lateness can be tested without waiting for the calendar.

use chrono::{DateTime, Local};

/// The variable a debug build reads the time from: a local time (`2021-01-15 09:30:00` or
/// `2021-01-15T09:30:00`), or `@FILE` naming a file holding one, re-read on every call so that
/// a long-running `watch` under test can be moved forward. Release builds ignore it: an office
/// must never be able to date its records by setting a variable.
pub const TEST_NOW_VAR: &str = "KPIWATCH_TEST_NOW";

/// The current local time.
pub fn now() -> DateTime<Local> {
    #[cfg(debug_assertions)]
    if let Some(at) = test_now() {
        return at;
    }
    Local::now()
}

#[cfg(debug_assertions)]
fn test_now() -> Option<DateTime<Local>> {
    use chrono::TimeZone;
    let value = std::env::var(TEST_NOW_VAR).ok()?;
    let text = match value.strip_prefix('@') {
        Some(file) => std::fs::read_to_string(file).ok()?,
        None => value,
    };
    let at = parse_local(text.trim())?;
    Local.from_local_datetime(&at).earliest()
}

#[cfg(debug_assertions)]
fn parse_local(text: &str) -> Option<chrono::NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
}

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_a_test_writes() {
        let at = parse_local("2021-01-15 09:30:00").unwrap();
        assert_eq!(at.to_string(), "2021-01-15 09:30:00");
        assert_eq!(parse_local("2021-01-15T09:30").unwrap(), at);
        assert_eq!(
            parse_local("2021-01-15").unwrap().to_string(),
            "2021-01-15 00:00:00"
        );
        assert!(parse_local("15/01/2021").is_none());
    }
}
