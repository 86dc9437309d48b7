//! Texts too long for any output: a 40,000-character KPI name and division name (what an .ods
//! saved by LibreOffice keeps in a cell) are cut with a visible mark and a warning at their cells,
//! and every division's summary is still written.

use std::path::Path;

use calamine::{DataType, Reader, open_workbook_auto};
use kpiwatch::domain::bounded::CUT_MARK;
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{self, Key, TextBound};

use crate::harness::{
    self, EXAMPLES, TestEnv, Watcher, lo_convert, numbered, part_text, replace_part,
    soffice_available, workbook_bytes,
};

const LONG: usize = 40_000;
const KPI_MARKER: &str = "KPINAMEMARKER";
const DIVISION_MARKER: &str = "DIVISIONNAMEMARKER";

fn long_kpi_name() -> String {
    "ร้อยละของงานยาว".chars().cycle().take(LONG).collect()
}

fn long_division_name() -> String {
    "กองยาวมาก".chars().cycle().take(LONG).collect()
}

/// A workbook whose KPI name and division name are 40,000 characters each. rust_xlsxwriter
/// refuses such a string, so the template is written with markers that are then replaced in
/// its shared strings, as another program would have saved them.
fn long_texts_xlsx() -> Vec<u8> {
    let mut sub = numbered(samples::ministers_office(), "ยว.".to_owned(), 1);
    sub.kpis[0].name = KPI_MARKER.to_owned();
    sub.division.name = DIVISION_MARKER.to_owned();
    let bytes = workbook_bytes(&sub);
    let strings = part_text(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains(KPI_MARKER) && strings.contains(DIVISION_MARKER));
    let strings = strings
        .replace(KPI_MARKER, &long_kpi_name())
        .replace(DIVISION_MARKER, &long_division_name());
    replace_part(&bytes, "xl/sharedStrings.xml", Some(strings.as_bytes()))
}

/// Every text cell of every sheet of a workbook.
fn all_texts(path: &Path) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        out.extend(
            range
                .cells()
                .filter_map(|(_, _, d)| d.as_string())
                .collect::<Vec<_>>(),
        );
    }
    out
}

/// Runs a share holding the examples and `rel` (the long texts) and checks everything the issue
/// asks: a normal exit, the other divisions summarised, the long texts cut with the mark and
/// warned about at their cells.
fn run_and_check(rel: &str, bytes: &[u8]) {
    let env = TestEnv::new();
    env.copy_examples("share/inbox");
    env.write(Path::new("share/inbox").join(rel), bytes);
    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "share"])
        .output()
        .unwrap();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{log}");

    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let texts = all_texts(&summary);
    // The other divisions are in the summary.
    for code in ["สตป.", "สร."] {
        assert!(texts.iter().any(|t| t == code), "{code} missing: {log}");
    }
    // The long ones, cut with the mark at their bounds.
    for (prefix, bound) in [
        (long_kpi_name(), layout::field(Key::KpiName).bound),
        (long_division_name(), layout::field(Key::DivisionName).bound),
    ] {
        let start: String = prefix.chars().take(20).collect();
        let shown: Vec<&String> = texts.iter().filter(|t| t.starts_with(&start)).collect();
        assert!(!shown.is_empty(), "{start}… is not in the summary");
        for t in shown {
            assert!(t.ends_with(CUT_MARK), "not marked as cut: {}", t.len());
            assert!(t.chars().count() <= bound.chars(), "{}", t.chars().count());
        }
    }
    assert_eq!(layout::field(Key::KpiName).bound, TextBound::Name);

    // The receipt warns at both cells and stays printable: no line longer than a paragraph.
    let receipt =
        std::fs::read_to_string(env.path("share/receipts").join(format!("{rel}.txt"))).unwrap();
    for (sheet, key) in [
        ("ตัวชี้วัด 1", Key::KpiName),
        (layout::DIVISION_SHEET, Key::DivisionName),
    ] {
        let place = format!("'{sheet}'!{}", layout::field(key).a1());
        assert!(
            receipt
                .lines()
                .any(|l| l.contains(&place) && l.contains("(text-too-long)")),
            "no text-too-long at {place}:\n{}",
            receipt.chars().take(3000).collect::<String>()
        );
    }
    let longest = receipt.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest <= 2 * TextBound::Long.chars(), "{longest}");
    assert!(receipt.contains("รับแล้ว") || receipt.contains("accepted"));
    // The examples were judged as always.
    for rel in EXAMPLES {
        assert!(
            env.path("share/receipts")
                .join(format!("{rel}.txt"))
                .exists()
        );
    }
}

#[test]
fn a_40000_character_name_in_an_xlsx_is_cut_and_every_summary_written() {
    run_and_check("long/kpi.xlsx", &long_texts_xlsx());
}

#[test]
fn watch_cuts_a_40000_character_name_and_keeps_every_summary() {
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 1\n");
    env.copy_examples("share/inbox");
    let mut w = Watcher::start(
        &env,
        &[
            "watch",
            "--poll",
            "1",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
    );
    w.wait_for_count("examples recorded", 2, || env.recorded());
    env.drop_file("share/inbox/long/kpi.xlsx", &long_texts_xlsx());
    w.wait_for_count("the long file recorded", 3, || env.recorded());
    let receipt = env.path("share/receipts/long/kpi.xlsx.txt");
    w.wait_until("its receipt written", || receipt.exists());
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let start: String = long_kpi_name().chars().take(20).collect();
    w.wait_until("the summary holds the cut name", || {
        summary.exists() && all_texts(&summary).iter().any(|t| t.starts_with(&start))
    });
    w.stop();
    let texts = all_texts(&summary);
    for code in ["สตป.", "สร."] {
        assert!(texts.iter().any(|t| t == code), "{code} missing");
    }
    assert!(
        texts
            .iter()
            .filter(|t| t.starts_with(&start))
            .all(|t| t.ends_with(CUT_MARK))
    );
    let receipt = std::fs::read_to_string(receipt).unwrap();
    assert!(receipt.contains("(text-too-long)"), "{receipt}");
}

#[test]
fn a_40000_character_name_in_an_ods_saved_by_libreoffice_is_cut() {
    if !soffice_available() {
        return;
    }
    let dir = TestEnv::new();
    let xlsx = dir.write("in/long.xlsx", &long_texts_xlsx());
    let ods = lo_convert(&xlsx, "ods", &dir.path("out"), false);
    let bytes = std::fs::read(&ods).unwrap();
    // LibreOffice kept the whole text: the test is about what a real .ods holds.
    let content = part_text(&bytes, "content.xml");
    assert!(
        content.contains(&long_kpi_name()),
        "LibreOffice shortened the cell"
    );
    run_and_check("long/kpi.ods", &bytes);
}

#[test]
fn check_reports_the_cut_at_the_cell() {
    let env = TestEnv::new();
    let path = env.write("long.xlsx", &long_texts_xlsx());
    let (code, doc) = env.check_json(&[&path]);
    assert_eq!(code, 0, "{doc}");
    let codes = harness::diagnostic_codes(&doc["files"][0]);
    assert!(codes.iter().any(|c| c == "text-too-long"), "{codes:?}");
}
