use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;

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
fn figures_print_as_typed() {
    assert_eq!(plain_number(184.0), "184");
    assert_eq!(plain_number(2.2267), "2.2267");
    assert_eq!(plain_number(-5.0), "-5");
    assert_eq!(plain_number(-0.0), "0");
    assert_eq!(plain_number(1e20), "100000000000000000000");
    assert_eq!(plain_number(0.1 + 0.2), "0.30000000000000004");
}

#[test]
fn number_errors() {
    use NumberError::*;
    let text = |s: &str| s.to_string();
    assert_eq!(parse_number(""), Err(Empty));
    assert_eq!(parse_number(" \u{a0}\u{200b} "), Err(Empty));
    for s in [",", ".", ",,.", "-", "%", "ร้อยละ", "ร้อยละ %", "+.", "-,"] {
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
    // Within ±10¹⁵ (a spreadsheet's 15 digits), and not one beyond.
    assert_eq!(parse_number("1,000,000,000,000,000"), Ok(1e15));
    assert_eq!(parse_number("-1000000000000000"), Ok(-1e15));
    for s in ["1,000,000,000,000,001", "10000000000000000"] {
        assert_eq!(parse_number(s), Err(OutOfRange { text: text(s) }), "{s:?}");
    }
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
    let undated: Vec<String> = headers
        .iter()
        .map(|h| h.trim_end_matches([' ', '๖', '๓', '๔']).to_owned())
        .collect();
    assert_eq!(undated, FISCAL_MONTH_ABBR);
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
    fn thai_digits_number_round_trips(
        x in any::<f64>().prop_filter("within ±10¹⁵", |x| x.abs() <= MAX_MAGNITUDE)
    ) {
        let text = to_thai_digits(&format!("{x}"));
        prop_assert_eq!(parse_number(&text), Ok(x));
    }

    #[test]
    fn grouped_integers_round_trip(n in 0..=1_000_000_000_000_000u64) {
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
