//! The standard template: the committed file equals a fresh generation, docs/template.md documents
//! the same contract as the code, docs/findings.md every finding, and the workbook is protected, validated and printable.

use kpiwatch::domain::samples;
use kpiwatch::workbook::layout;

use crate::harness::{TestEnv, check, part_text, repo, workbook_bytes, workbook_cells};

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
fn docs_document_the_same_contract_as_the_code() {
    let doc = std::fs::read_to_string(repo("docs/template.md")).unwrap();
    let start = doc
        .find("<!-- contract:start -->\n")
        .expect("contract start marker");
    let end = doc
        .find("<!-- contract:end -->")
        .expect("contract end marker");
    let documented = &doc[start + "<!-- contract:start -->\n".len()..end];
    assert_eq!(
        documented,
        layout::contract_markdown(),
        "docs/template.md is stale: paste `cargo run -- template --contract` between its markers"
    );
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
        let xml = part_text(&bytes, name);
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
    let styles = part_text(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"locked="0""#), "no unlocked input style");
    assert!(styles.contains("TH Sarabun New"));
    let kpi1 = part_text(&bytes, "xl/worksheets/sheet3.xml");
    assert!(kpi1.contains(r#"type="list""#), "kind/direction drop-downs");
    assert!(kpi1.contains(r#"type="custom""#), "weight validation");
    let workbook = part_text(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(r#"name="kw_kpi_code" localSheetId="2""#),
        "{workbook}"
    );
    assert!(workbook.contains(r#"<definedName name="kw_division_code">"#));
}

/// Whether each cell format of a workbook (`s="N"`) leaves its cells unlocked.
fn unlocked_styles(bytes: &[u8]) -> Vec<bool> {
    let styles = part_text(bytes, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .map(|xf| xf.contains(r#"locked="0""#))
        .collect()
}

/// The `style` of each `<col>` in a sheet, column by column (1-based, as the file has them).
fn column_styles(xml: &str) -> Vec<(u32, u32, usize)> {
    let attr = |col: &str, name: &str| -> Option<usize> {
        let at = col.find(&format!(r#" {name}=""#))? + name.len() + 3;
        col[at..].split('"').next()?.parse().ok()
    };
    xml.split("<col ")
        .skip(1)
        .filter_map(|c| {
            let c = format!(" {}", &c[..c.find("/>").unwrap()]);
            let c = c.as_str();
            Some((
                attr(c, "min")? as u32,
                attr(c, "max")? as u32,
                attr(c, "style")?,
            ))
        })
        .collect()
}

/// A division fills as many plan and log rows as it needs: the tables' whole columns are
/// yellow, unlocked input cells, no blank cell is written for a row nobody filled, and the
/// empty row above the process's fields stays plain.
#[test]
fn table_columns_are_input_cells_all_the_way_down() {
    // A generated division fills both tables: its activities and a log of 50–200 records.
    let (sub, _) = kpiwatch::tools::demo::generate_submission(1, 2567);
    assert!(!sub.plan.activities.is_empty() && !sub.log.is_empty());
    let bytes = workbook_bytes(&sub);
    let unlocked = unlocked_styles(&bytes);
    // Sheets: instructions, division, the KPI sheets, then the plan and the log.
    let kpis = sub.kpis.len();
    let plan = part_text(&bytes, &format!("xl/worksheets/sheet{}.xml", kpis + 3));
    let log = part_text(&bytes, &format!("xl/worksheets/sheet{}.xml", kpis + 4));
    for (xml, table, filled) in [
        (&plan, &*layout::PLAN_TABLE, sub.plan.activities.len()),
        (&log, &*layout::LOG_TABLE, sub.log.len()),
    ] {
        let cols = column_styles(xml);
        for c in 1..=table.columns.len() as u32 {
            let style = cols
                .iter()
                .find(|(min, max, _)| (*min..=*max).contains(&c))
                .map(|(_, _, s)| *s);
            assert!(
                style.is_some_and(|s| unlocked[s]),
                "column {c} of {:?} is not an input column: {cols:?}",
                table.sheet
            );
        }
        let after = table.first_row() + filled as u32 + 1;
        assert!(
            !xml.contains(&format!(r#"<row r="{after}""#)),
            "{:?}: row {after} written, after the last of {filled} filled",
            table.sheet
        );
    }
    let row3 = &plan[plan.find(r#"<row r="3""#).unwrap()..plan.find(r#"<row r="4""#).unwrap()];
    assert_eq!(
        row3.matches("<c ").count(),
        layout::PLAN_TABLE.columns.len()
    );
    for s in row3.split(r#" s=""#).skip(1) {
        let s: usize = s.split('"').next().unwrap().parse().unwrap();
        assert!(!unlocked[s], "the plan's row 3 is shaded as input: {row3}");
    }
}

#[test]
fn blank_template_is_rejected_politely() {
    let bytes = std::fs::read(repo("templates/kpi-template.xlsx")).unwrap();
    let v = check(&bytes);
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
        let v = check(&workbook_bytes(&sub));
        let mut read = v.submission.clone();
        for e in &mut read.log {
            e.start = None;
            e.end = None;
        }
        assert_eq!(read, sub);
    }
}

#[test]
fn docs_document_every_finding_code() {
    let readme = std::fs::read_to_string(repo("docs/findings.md")).unwrap();
    let missing: Vec<_> = kpiwatch::domain::diagnostic::CODES
        .iter()
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(missing.is_empty(), "docs/findings.md lacks {missing:?}");
}
