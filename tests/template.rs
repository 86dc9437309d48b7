//! The standard template: the committed file equals a fresh generation, the README documents the
//! same contract as the code, and the workbook is protected, validated and printable.

mod common;

use std::io::Read;

use common::{TestEnv, workbook_bytes, workbook_cells};
use kpiwatch::layout;
use kpiwatch::samples;
use kpiwatch::validate::{CheckOptions, check_bytes};

fn repo(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn committed_template_equals_a_fresh_generation() {
    let env = TestEnv::new();
    let out = env.path("fresh.xlsx");
    let status = env
        .kpiwatch()
        .args(["template", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        workbook_cells(&repo("templates/kpi-template.xlsx")),
        workbook_cells(&out),
        "templates/kpi-template.xlsx is stale: run `cargo run -- template --out templates/kpi-template.xlsx`"
    );
}

#[test]
fn committed_examples_equal_a_fresh_generation() {
    let env = TestEnv::new();
    let status = env
        .kpiwatch()
        .args(["examples", "--out", "inbox"])
        .status()
        .unwrap();
    assert!(status.success());
    for (rel, _) in kpiwatch::commands::examples::example_files() {
        assert_eq!(
            workbook_cells(&repo("examples/share/inbox").join(&rel)),
            workbook_cells(&env.path("inbox").join(&rel)),
            "examples are stale: run `cargo run -- examples`"
        );
    }
}

#[test]
fn readme_documents_the_same_contract_as_the_code() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("<!-- contract:start -->\n")
        .expect("contract start marker");
    let end = readme
        .find("<!-- contract:end -->")
        .expect("contract end marker");
    let documented = &readme[start + "<!-- contract:start -->\n".len()..end];
    assert_eq!(
        documented,
        layout::contract_markdown(),
        "README's template contract is stale: paste `cargo run -- template --contract`"
    );
}

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn sheets_are_protected_printable_and_guarded() {
    let bytes = std::fs::read(repo("templates/kpi-template.xlsx")).unwrap();
    let z = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let sheets: Vec<String> = z
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .map(|n| n.into_owned())
        .collect();
    assert_eq!(sheets.len(), 2 + layout::DEFAULT_KPI_SHEETS + 2);
    let mut validations = 0;
    for name in &sheets {
        let xml = zip_text(&bytes, name);
        assert!(xml.contains("<sheetProtection"), "{name} not protected");
        assert!(!xml.contains("password"), "{name} has a password");
        assert!(xml.contains(r#"paperSize="9""#), "{name} not A4");
        validations += xml.matches("<dataValidation ").count();
    }
    // Per KPI sheet: weight, kind, direction; division sheet: year and quarter; log: modes.
    assert!(
        validations >= 3 * layout::DEFAULT_KPI_SHEETS + 3,
        "{validations}"
    );
    let styles = zip_text(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"locked="0""#), "no unlocked input style");
    assert!(styles.contains("TH Sarabun New"));
    let kpi1 = zip_text(&bytes, "xl/worksheets/sheet3.xml");
    assert!(kpi1.contains(r#"type="list""#), "kind/direction drop-downs");
    assert!(kpi1.contains(r#"type="decimal""#), "weight validation");
    let workbook = zip_text(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(r#"name="kw_kpi_code" localSheetId="2""#),
        "{workbook}"
    );
    assert!(workbook.contains(r#"<definedName name="kw_division_code">"#));
}

#[test]
fn blank_template_is_rejected_politely() {
    let bytes = std::fs::read(repo("templates/kpi-template.xlsx")).unwrap();
    let v = check_bytes(&bytes, &CheckOptions::default());
    let codes: Vec<&str> = v.diagnostics.iter().map(|d| d.finding.code()).collect();
    assert!(codes.contains(&"no-kpis"), "{codes:?}");
    assert!(codes.contains(&"missing-field"), "{codes:?}");
    assert!(!codes.contains(&"template-version"), "{codes:?}");
}

#[test]
fn template_options_change_sheets_and_headers() {
    let env = TestEnv::new();
    let out = env.path("t.xlsx");
    let status = env
        .kpiwatch()
        .args(["template", "--kpis", "5", "--fiscal-year", "2568", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let (sheets, _) = workbook_cells(&out);
    assert!(sheets.contains_key("ตัวชี้วัด 5"));
    assert!(!sheets.contains_key("ตัวชี้วัด 6"));
    let plan = &sheets[layout::PLAN_SHEET];
    assert!(plan.values().any(|v| v == "ต.ค. ๖๗"), "dated month headers");
    assert_eq!(sheets[layout::DIVISION_SHEET][&(5, 1)], "2568");
    let bad = env
        .kpiwatch()
        .args(["template", "--kpis", "0"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// What the template writes, the reader reads back: every field of both seed divisions.
#[test]
fn samples_round_trip_through_the_template() {
    for sub in [samples::inspection_office(), samples::ministers_office()] {
        let v = check_bytes(&workbook_bytes(&sub), &CheckOptions::default());
        let mut read = v.submission.clone();
        for e in &mut read.log {
            e.start = None;
            e.end = None;
        }
        assert_eq!(read, sub);
    }
}

#[test]
fn readme_documents_every_finding_code() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let missing: Vec<_> = kpiwatch::diagnostic::CODES
        .iter()
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");
}
