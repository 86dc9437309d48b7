//! The summary and the template as an officer prints them: each printed to PDF by LibreOffice
//! and read back with poppler's `pdftotext -bbox`. Every page must print its text at a readable
//! size (median at least 10 pt), carry the page header and footer, and the overview must print
//! its chart.

use std::path::{Path, PathBuf};
use std::process::Command;

use kpiwatch::tools::demo::{self, DemoOptions};

use crate::harness::{TestEnv, lo_convert, soffice_available};

/// With TH Sarabun New's metric twin, a word's box is about 1.3 times the printed font size.
const BOX_PER_POINT: f64 = 1.3;
const MIN_MEDIAN_PT: f64 = 10.0;

/// One printed page: its words and the printed size of each, in points.
struct Page {
    words: Vec<(String, f64)>,
}

impl Page {
    fn median_pt(&self) -> f64 {
        let mut sizes: Vec<f64> = self.words.iter().map(|w| w.1).collect();
        sizes.sort_by(f64::total_cmp);
        sizes.get(sizes.len() / 2).copied().unwrap_or(0.0)
    }

    /// The page's text without spaces: pdftotext cuts Thai into words of its own choosing.
    fn text(&self) -> String {
        self.words.iter().map(|w| w.0.as_str()).collect()
    }

    fn contains(&self, phrase: &str) -> bool {
        self.text().contains(&phrase.replace(' ', ""))
    }
}

/// The pages of a PDF as `pdftotext -bbox` reads them.
fn pages(pdf: &Path) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let html = String::from_utf8_lossy(&out.stdout);
    html.split("<page ")
        .skip(1)
        .map(|page| Page {
            words: page
                .split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let attr = |name: &str| -> Option<f64> {
                        let at = w.find(&format!("{name}=\""))? + name.len() + 2;
                        w[at..].split('"').next()?.parse().ok()
                    };
                    let height = attr("yMax")? - attr("yMin")?;
                    let text = w.split_once('>')?.1.split("</word>").next()?.to_owned();
                    Some((text, height / BOX_PER_POINT))
                })
                .collect(),
        })
        .collect()
}

/// Prints `xlsx` to PDF and checks every page: readable text, the header's `header_words` and
/// the footer's "หน้า X จาก Y". Returns the pages.
fn print_and_check(xlsx: &Path, outdir: &Path, header_words: &[&str]) -> Vec<Page> {
    std::fs::create_dir_all(outdir).unwrap();
    let pdf = lo_convert(xlsx, "pdf", outdir, false);
    let pages = pages(&pdf);
    assert!(!pages.is_empty(), "{} printed no page", xlsx.display());
    let name = xlsx.file_name().unwrap().to_string_lossy().into_owned();
    let count = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let text = page.text();
        let median = page.median_pt();
        assert!(
            median >= MIN_MEDIAN_PT,
            "{name} page {}: median text {median:.1} pt",
            i + 1
        );
        assert!(
            page.contains(&format!("หน้า {} จาก {count}", i + 1)),
            "{name} page {}: no footer: {text}",
            i + 1
        );
        for w in header_words {
            assert!(
                page.contains(w),
                "{name} page {}: no {w} in the header",
                i + 1
            );
        }
    }
    pages
}

fn run_share(env: &TestEnv, config: &Path, share: &Path) {
    let out = env
        .kpiwatch()
        .arg("run")
        .arg("--config")
        .arg(config)
        .arg("--state")
        .arg(env.path("state"))
        .arg(share)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The chart's title is printed (per division for a few divisions, per score band for many) on
/// a page of its own, which no table header shares.
fn chart_printed(pages: &[Page], fiscal_year: i32) -> bool {
    let fy = kpiwatch::domain::model::FiscalYear::new(fiscal_year);
    let titles = [
        kpiwatch::summary::per_division_title(fy),
        kpiwatch::summary::band_title(fy),
    ];
    pages.iter().any(|p| {
        titles.iter().any(|t| p.contains(t)) && !p.contains("ลำดับ") && !p.contains("รหัสหน่วยงาน")
    })
}

#[test]
fn the_examples_summary_prints_readably_with_its_chart() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    env.copy_examples("share/inbox");
    run_share(
        &env,
        &crate::harness::repo("examples/kpiwatch.toml"),
        &env.path("share"),
    );
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let pages = print_and_check(
        &summary,
        &env.path("pdf"),
        &["ปีงบประมาณ พ.ศ. 2564", "จัดทำเมื่อ"],
    );
    assert!(
        chart_printed(&pages, 2564),
        "the chart's title is on no page"
    );
    // The overview lists both divisions with their status.
    assert!(pages[0].contains("ส่งแล้ว"), "{}", pages[0].text());
}

#[test]
fn the_history_of_closed_rounds_and_set_aside_versions_prints_readably() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    env.copy_examples("share/inbox");
    let config = crate::harness::repo("examples/kpiwatch.toml");
    run_share(&env, &config, &env.path("share"));
    let state = env.path("state");
    // Each change: the command and its options, then what follows the share.
    let changes: [(&[&str], &[&str]); 3] = [
        (&["close", "--round", "1"], &[]),
        (
            &[
                "reopen",
                "--round",
                "1",
                "--reason",
                "กองคลังขอแก้ไขผลการดำเนินงานไตรมาสที่ 1 ตามหนังสือที่ กค 0401/123",
            ],
            &[],
        ),
        (
            &["exclude", "--reason", "ส่งไฟล์ของปีงบประมาณก่อนมาโดยไม่ได้ตั้งใจ"],
            &["share/inbox/ministers-office/kpi-2564.xlsx"],
        ),
    ];
    for (args, after) in changes {
        let out = env
            .kpiwatch()
            .args(args)
            .arg("--config")
            .arg(&config)
            .arg("--state")
            .arg(&state)
            .arg(env.path("share"))
            .args(after)
            .env("KPIWATCH_TEST_NOW", "2021-01-15 09:30:00")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let summary = env.path("share/summary/kpi-summary-2564.xlsx");
    let pages = print_and_check(
        &summary,
        &env.path("pdf"),
        &["ปีงบประมาณ พ.ศ. 2564", "จัดทำเมื่อ"],
    );
    let history: Vec<&Page> = pages
        .iter()
        .filter(|p| p.contains("ประวัติการดำเนินการ ปีงบประมาณ"))
        .collect();
    assert_eq!(history.len(), 1, "the history prints on one page");
    // Phrases without a mark pdftotext reorders (it writes "ครั้ง" as "ครัง้").
    for phrase in ["ปิดรอบ", "เปิดรอบ", "0401/123", "กันฉบับไว้ไม่นับ"]
    {
        assert!(
            history[0].contains(phrase),
            "no {phrase}: {}",
            history[0].text()
        );
    }
}

#[test]
fn a_summary_of_300_divisions_prints_readably() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let share = env.path("share");
    demo::generate(
        &share,
        &DemoOptions {
            count: 300,
            seed: 7,
        },
        |_| {},
    )
    .unwrap();
    run_share(&env, &share.join("kpiwatch.toml"), &share);
    let folder = share.join("summary");
    let mut books: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    books.sort();
    // The index and the books it is split into.
    assert!(books.len() >= 2, "{books:?}");
    let header = ["ปีงบประมาณ พ.ศ. 2567", "จัดทำเมื่อ"];
    for book in books
        .iter()
        .filter(|b| b.to_string_lossy().contains("-book-"))
    {
        let pages = print_and_check(book, &env.path("pdf"), &header);
        assert!(chart_printed(&pages, 2567), "{}: no chart", book.display());
    }
    let index = folder.join("kpi-summary-2567.xlsx");
    let pages = print_and_check(&index, &env.path("pdf-index"), &header);
    assert!(chart_printed(&pages, 2567), "the index: no chart");
    // Rejected files' divisions are listed with their status and counted.
    assert!(pages[0].contains("ส่งแล้วแต่ไม่ผ่าน"), "{}", pages[0].text());
}

#[test]
fn the_blank_and_a_filled_template_print_readably() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let blank = env.path("kpi-template.xlsx");
    let out = env
        .kpiwatch()
        .args(["template", "--out"])
        .arg(&blank)
        .output()
        .unwrap();
    assert!(out.status.success());
    let pages = print_and_check(&blank, &env.path("pdf-blank"), &["แบบรายงานผล"]);
    // The instructions are for the division officer: no table of defined names on paper.
    assert!(!pages[0].text().contains("kw_"), "{}", pages[0].text());
    let filled = crate::harness::example("inspection-office/kpi-2564.xlsx");
    let copy = env.write("filled.xlsx", &std::fs::read(filled).unwrap());
    print_and_check(&copy, &env.path("pdf-filled"), &["แบบรายงานผล"]);
}
