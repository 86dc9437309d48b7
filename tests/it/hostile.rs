//! A corpus of bad and odd files (built here from the template generator, plus three small
//! samples of other programs' output in tests/samples/): every one gets a receipt with a
//! located, readable finding; the watcher keeps running; the good divisions are untouched.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use kpiwatch::check::validate::Status;
use kpiwatch::domain::model::{FiscalYear, KpiKind, Quarter, Submission};
use kpiwatch::domain::samples;
use kpiwatch::workbook::layout::{self, Key, QuarterField};
use rust_xlsxwriter::{Formula, Workbook};

use crate::harness::{
    self, TestEnv, Watcher, at, numbered, part_text, replace_part, repo, workbook_bytes,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Rejected with this finding.
    Rejected(&'static str),
    /// Accepted, with this warning.
    Warned(&'static str),
    /// Accepted.
    Accepted,
}

struct Case {
    rel: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(repo("tests/samples").join(name)).unwrap()
}

/// A division of its own per case, so no two cases interfere (distinct codes and KPI codes).
fn division(n: usize) -> Submission {
    let mut sub = numbered(samples::ministers_office(), format!("ทด.{n:02}"), n);
    sub.kpis[0].weight = 100.0;
    for q in &mut sub.kpis[0].quarters {
        q.own_weighted = None;
    }
    sub
}

fn changed(n: usize, edit: impl FnOnce(&mut Submission)) -> Vec<u8> {
    let mut sub = division(n);
    edit(&mut sub);
    workbook_bytes(&sub)
}

fn typed(n: usize, edit: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    harness::typed(&division(n), edit)
}

const KPI1: &str = "ตัวชี้วัด 1";
/// Parts of a one-KPI workbook: instructions, division, KPI 1, plan, log.
const KPI1_PART: &str = "xl/worksheets/sheet3.xml";
const LOG_PART: &str = "xl/worksheets/sheet5.xml";

fn zip_with(entries: &[(&str, &[u8])], level: Option<i64>) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_level(level);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A sheet's XML with a header row and `rows` more rows of one number each.
fn long_sheet(rows: usize) -> Vec<u8> {
    let mut xml = String::with_capacity(rows * 40 + 400);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    xml.push_str(r#"<row r="4"><c r="A4" t="inlineStr"><is><t>รหัสตัวชี้วัด</t></is></c><c r="D4" t="inlineStr"><is><t>จำนวน (หน่วย)</t></is></c></row>"#);
    for r in 5..rows + 5 {
        xml.push_str(&format!(r#"<row r="{r}"><c r="D{r}"><v>1</v></c></row>"#));
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

/// Sets the declared uncompressed size of `part` in the central directory: a zip that lies.
fn lie_about_size(mut bytes: Vec<u8>, part: &str, size: u32) -> Vec<u8> {
    let name = part.as_bytes();
    let mut i = 0;
    while i + 46 < bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            let len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            if bytes.get(i + 46..i + 46 + len) == Some(name) {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                return bytes;
            }
        }
        i += 1;
    }
    panic!("{part} not in the central directory");
}

fn corpus() -> Vec<Case> {
    let good = workbook_bytes(&division(0));
    let mut n = 0;
    let mut cases = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: Expect| {
        n += 1;
        cases.push(Case {
            rel: format!("case-{n:02}/{name}"),
            bytes,
            expect,
        });
    };
    use Expect::*;
    let not_wb = Rejected("not-a-workbook");

    // Not workbooks at all.
    add("zero-bytes.xlsx", Vec::new(), not_wb);
    add("truncated.xlsx", good[..good.len() / 2].to_vec(), not_wb);
    add(
        "report.pdf.xlsx",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec(),
        not_wb,
    );
    add(
        "data.csv.xlsx",
        "รหัส,ตัวชี้วัด,ผล\nสร. 1,ร้อยละ,88\n".as_bytes().to_vec(),
        not_wb,
    );
    add(
        "exported.csv",
        "รหัส,ผล\nสร. 1,88\n".as_bytes().to_vec(),
        not_wb,
    );
    add(
        "letter.docx",
        zip_with(&[("word/document.xml", b"<w:document/>")], None),
        not_wb,
    );
    add(
        "photo.xlsx",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        not_wb,
    );
    add(
        "random.xlsx",
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect(),
        not_wb,
    );
    add(
        "zip-of-text.xlsx",
        zip_with(&[("readme.txt", b"hello")], None),
        not_wb,
    );
    add(
        "encrypted.xlsx",
        sample("encrypted-ministers.xlsx"),
        Rejected("encrypted"),
    );
    // Hostile sizes.
    add(
        "zip-bomb.xlsx",
        replace_part(&good, KPI1_PART, Some(&vec![b' '; 200 << 20])),
        Rejected("too-large"),
    );
    add(
        "zip-that-lies.xlsx",
        lie_about_size(good.clone(), KPI1_PART, u32::MAX - 1),
        Rejected("too-large"),
    );
    add(
        "million-rows.xlsx",
        replace_part(&good, LOG_PART, Some(&long_sheet(1_000_000))),
        Rejected("too-many-cells"),
    );
    add(
        "far-apart-cells.xlsx",
        typed(1, |wb| {
            // Two cells a million rows and 16,000 columns apart: no dense matrix is built.
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_string(1_048_575, 16_383, "สุดท้าย")
                .unwrap();
        }),
        Accepted,
    );
    // Other spreadsheet formats and writers.
    add(
        "legacy.xls",
        sample("inspection-office.xls"),
        Warned("log-date-typo"),
    );
    add(
        "libreoffice.ods",
        sample("inspection-office.ods"),
        Warned("log-date-typo"),
    );
    let content_types = part_text(&good, "[Content_Types].xml").replace(
        "</Types>",
        r#"<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>"#,
    );
    let with_macro = replace_part(
        &replace_part(
            &workbook_bytes(&division(2)),
            "xl/vbaProject.bin",
            Some(b"\xD0\xCF\x11\xE0 Sub AutoOpen() Shell \"calc\" End Sub"),
        ),
        "[Content_Types].xml",
        Some(content_types.as_bytes()),
    );
    add("macro.xlsm", with_macro, Accepted);
    // Not our template, or not this version of it.
    let mut unrelated = Workbook::new();
    unrelated
        .add_worksheet()
        .write_string(0, 0, "งบประมาณรายจ่ายประจำปี")
        .unwrap();
    add(
        "unrelated.xlsx",
        unrelated.save_to_buffer().unwrap(),
        Rejected("no-division-sheet"),
    );
    let (vr, vc) = at(Key::TemplateVersion);
    add(
        "older-template.xlsx",
        typed(3, |wb| {
            wb.worksheet_from_name(layout::DIVISION_SHEET)
                .unwrap()
                .write_string(vr, vc, "kpiwatch-template 0")
                .unwrap();
        }),
        Warned("template-version"),
    );
    add(
        "newer-template.xlsx",
        typed(4, |wb| {
            wb.worksheet_from_name(layout::DIVISION_SHEET)
                .unwrap()
                .write_string(vr, vc, "kpiwatch-template 99")
                .unwrap();
        }),
        Warned("template-version"),
    );
    let renamed = workbook_bytes(&division(5));
    let book = part_text(&renamed, "xl/workbook.xml").replace(KPI1, "KPI ก");
    add(
        "sheets-renamed.xlsx",
        replace_part(&renamed, "xl/workbook.xml", Some(book.as_bytes())),
        Accepted,
    );
    let deleted = workbook_bytes(&division(6));
    let book = part_text(&deleted, "xl/workbook.xml");
    let start = book
        .find(&format!("<sheet name=\"{}\"", layout::DIVISION_SHEET))
        .unwrap();
    let end = start + book[start..].find("/>").unwrap() + 2;
    let book = format!("{}{}", &book[..start], &book[end..]);
    add(
        "division-sheet-deleted.xlsx",
        replace_part(&deleted, "xl/workbook.xml", Some(book.as_bytes())),
        Rejected("no-division-sheet"),
    );
    let deleted = workbook_bytes(&division(7));
    let book = part_text(&deleted, "xl/workbook.xml");
    let start = book.find(&format!("<sheet name=\"{KPI1}\"")).unwrap();
    let end = start + book[start..].find("/>").unwrap() + 2;
    let book = format!("{}{}", &book[..start], &book[end..]);
    add(
        "kpi-sheet-deleted.xlsx",
        replace_part(&deleted, "xl/workbook.xml", Some(book.as_bytes())),
        Rejected("no-kpis"),
    );
    // What people type.
    let (wr, wc) = at(Key::Weight);
    add(
        "merged-over-weight.xlsx",
        typed(8, |wb| {
            let f = rust_xlsxwriter::Format::new();
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .merge_range(wr, wc, wr, wc + 3, "100", &f)
                .unwrap();
        }),
        Accepted,
    );
    let (rr, rc) = at(Key::Quarter(Quarter::Q4, QuarterField::Result));
    add(
        "formula-cached.xlsx",
        typed(9, |wb| {
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_formula(rr, rc, Formula::new("=46*2").set_result("92"))
                .unwrap();
        }),
        Accepted,
    );
    add(
        "formula-uncached.xlsx",
        typed(10, |wb| {
            let ws = wb.worksheet_from_name(KPI1).unwrap();
            ws.set_formula_result_default("");
            ws.write_formula(rr, rc, Formula::new("=SUM(Z1:Z9)"))
                .unwrap();
        }),
        Rejected("formula-without-value"),
    );
    add(
        "div-by-zero.xlsx",
        typed(11, |wb| {
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_formula(rr, rc, Formula::new("=1/0").set_result("#DIV/0!"))
                .unwrap();
        }),
        Rejected("error-value"),
    );
    add(
        "not-available.xlsx",
        typed(12, |wb| {
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_formula(wr, wc, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
        }),
        Rejected("error-value"),
    );
    add(
        "text-in-number.xlsx",
        typed(13, |wb| {
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_string(wr, wc, "สามสิบ")
                .unwrap();
        }),
        Rejected("not-a-number"),
    );
    add(
        "negative-weight.xlsx",
        changed(14, |s| s.kpis[0].weight = -10.0),
        Rejected("weight-out-of-range"),
    );
    add(
        "weight-150.xlsx",
        changed(15, |s| s.kpis[0].weight = 150.0),
        Rejected("weight-out-of-range"),
    );
    add(
        "equal-thresholds.xlsx",
        changed(16, |s| {
            s.kpis[0].thresholds = [86.0, 88.0, 88.0, 92.0, 94.0]
        }),
        Rejected("thresholds-not-monotone"),
    );
    add(
        "duplicate-codes.xlsx",
        changed(17, |s| {
            let twin = s.kpis[0].clone();
            s.kpis.push(twin);
        }),
        Rejected("duplicate-kpi-code"),
    );
    add(
        "year-2021.xlsx",
        changed(18, |s| s.fiscal_year = Some(FiscalYear::new(2021))),
        Rejected("fiscal-year-implausible"),
    );
    add(
        "milestone-7.xlsx",
        changed(19, |s| {
            let k = &mut s.kpis[0];
            k.kind = KpiKind::Milestone;
            k.thresholds = [1.0, 2.0, 3.0, 4.0, 5.0];
            for (q, level) in k.quarters.iter_mut().zip([1.0, 2.0, 7.0, 4.0]) {
                q.result = Some(level);
                q.result_text = Some(level.to_string());
                q.own_score = None;
            }
        }),
        Rejected("milestone-out-of-range"),
    );
    add(
        "no-division-code.xlsx",
        changed(20, |s| s.division.code.clear()),
        Rejected("missing-field"),
    );
    add(
        "blank-template.xlsx",
        workbook_bytes(&Submission::default()),
        Rejected("no-kpis"),
    );
    let (kr, kc) = at(Key::Kind);
    add(
        "invalid-kind.xlsx",
        typed(21, |wb| {
            wb.worksheet_from_name(KPI1)
                .unwrap()
                .write_string(kr, kc, "อื่น ๆ")
                .unwrap();
        }),
        Rejected("invalid-choice"),
    );
    // Odd but valid text: it must come through intact (a long one cut) and stay text.
    add(
        "long-strings.xlsx",
        changed(22, |s| s.kpis[0].name = "ตัวชี้วัด".repeat(3000)),
        Warned("text-too-long"),
    );
    add(
        "control-chars.xlsx",
        changed(23, |s| {
            s.kpis[0].name = "ร้อยละ\u{1}\u{7}\u{1b}ความสำเร็จ".into()
        }),
        Accepted,
    );
    add(
        "emoji.xlsx",
        changed(24, |s| s.kpis[0].name = "ร้อยละความพึงพอใจ 😀👍🇹🇭".into()),
        Accepted,
    );
    add(
        "rtl.xlsx",
        changed(25, |s| s.kpis[0].name = "مؤشر الأداء שלום ตัวชี้วัด".into()),
        Accepted,
    );
    add(
        "formula-like-name.xlsx",
        changed(26, |s| s.kpis[0].name = "=cmd|'/c calc'!A1".into()),
        Accepted,
    );
    add(
        "plus-name.xlsx",
        changed(27, |s| s.kpis[0].name = "+1 ร้อยละ".into()),
        Accepted,
    );
    add(
        "minus-name.xlsx",
        changed(28, |s| s.kpis[0].name = "-1 ครั้ง".into()),
        Accepted,
    );
    add(
        "at-name.xlsx",
        changed(29, |s| s.kpis[0].name = "@SUM(1,2)".into()),
        Accepted,
    );
    // Odd file names.
    add(
        "รายงาน ไตรมาส ๔.xlsx",
        workbook_bytes(&division(30)),
        Accepted,
    );
    add(
        "-leading-dash.xlsx",
        workbook_bytes(&division(31)),
        Accepted,
    );
    add(
        "spaces  and  tabs .xlsx",
        workbook_bytes(&division(32)),
        Accepted,
    );
    // Warnings.
    add(
        "cumulative-falls.xlsx",
        changed(33, |s| {
            s.kpis[0].unit = "ครั้ง".into();
            s.kpis[0].quarters[2].own_score = None;
        }),
        Warned("cumulative-decrease"),
    );
    add(
        "own-score-wrong.xlsx",
        changed(34, |s| s.kpis[0].quarters[1].own_score = Some(4.5)),
        Warned("own-score-differs"),
    );
    cases
}

fn ledger_statuses(env: &TestEnv) -> BTreeMap<String, (Status, Vec<String>)> {
    env.ledger()
        .unwrap()
        .latest_per_path()
        .unwrap()
        .into_iter()
        .map(|(v, _)| {
            (
                v.path,
                (
                    v.status,
                    v.diagnostics.into_iter().map(|d| d.code).collect(),
                ),
            )
        })
        .collect()
}

fn check_outcome(env: &TestEnv, cases: &[Case]) {
    let statuses = ledger_statuses(env);
    let mut failures = Vec::new();
    for c in cases {
        let Some((status, codes)) = statuses.get(&c.rel) else {
            failures.push(format!("{}: never recorded", c.rel));
            continue;
        };
        let ok = match c.expect {
            Expect::Rejected(code) => {
                *status == Status::Rejected && codes.iter().any(|x| x == code)
            }
            Expect::Warned(code) => *status == Status::Accepted && codes.iter().any(|x| x == code),
            Expect::Accepted => *status == Status::Accepted,
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {status:?} {codes:?}",
                c.rel, c.expect
            ));
        }
        // The receipt names the finding and where it is.
        let receipt =
            std::fs::read_to_string(env.path("share/receipts").join(format!("{}.txt", c.rel)))
                .unwrap_or_else(|e| panic!("no receipt for {}: {e}", c.rel));
        if let Expect::Rejected(code) | Expect::Warned(code) = c.expect {
            let line = receipt.lines().find(|l| l.contains(&format!("({code})")));
            match line {
                Some(l) if l.contains("] '") || l.contains("] (file)") => {}
                _ => failures.push(format!(
                    "{}: receipt lacks a located {code}:\n{receipt}",
                    c.rel
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The two real divisions are untouched by all of it.
    for rel in harness::EXAMPLES {
        assert_eq!(statuses[rel].0, Status::Accepted, "{rel}");
    }
}

#[test]
fn every_bad_file_gets_a_located_finding_and_nothing_else_breaks() {
    let cases = corpus();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let env = TestEnv::new();
    env.copy_examples("share/inbox");
    for c in &cases {
        env.write(Path::new("share/inbox").join(&c.rel), &c.bytes);
    }
    // A link to a file outside the share is never followed.
    let secret = env.write("outside/secret.xlsx", &workbook_bytes(&division(99)));
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, env.path("share/inbox/link.xlsx")).unwrap();

    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "share"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_outcome(&env, &cases);
    assert!(!ledger_statuses(&env).contains_key("link.xlsx"));
    assert!(!env.path("share/receipts/link.xlsx.txt").exists());

    // Text that looks like a formula is text in the summary, never a formula.
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let sheet = part_text(
        &std::fs::read(&summary).unwrap(),
        "xl/worksheets/sheet2.xml",
    );
    assert!(!sheet.contains("<f>cmd|"), "a name became a formula");
    assert!(!sheet.contains("<f>SUM(1,2)"), "a name became a formula");
    let mut wb = calamine::open_workbook_auto(&summary).unwrap();
    use calamine::Reader;
    let kpis = wb.worksheet_range("ตัวชี้วัด").unwrap();
    let names: Vec<String> = kpis
        .rows()
        .map(|r| r.get(4).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    for name in [
        "=cmd|'/c calc'!A1",
        "+1 ร้อยละ",
        "-1 ครั้ง",
        "@SUM(1,2)",
        "ร้อยละความพึงพอใจ 😀👍🇹🇭",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from the summary"
        );
    }
}

#[test]
fn the_watcher_survives_the_corpus() {
    let cases = corpus();
    let env = TestEnv::new();
    env.write("kpiwatch.toml", b"[watch]\nquiet_period_secs = 1\n");
    std::fs::create_dir_all(env.path("share/inbox")).unwrap();
    let mut w = Watcher::start(
        &env,
        &[
            "--log-format",
            "json",
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
    );
    env.copy_examples("share/inbox");
    for c in &cases {
        env.drop_file(Path::new("share/inbox").join(&c.rel), &c.bytes);
    }
    // Waiting fails at once if the watcher dies.
    w.wait_for_count("files recorded", cases.len() + 2, || env.recorded());
    assert!(w.is_running(), "the watcher is still running");
    w.stop();
    check_outcome(&env, &cases);
}
