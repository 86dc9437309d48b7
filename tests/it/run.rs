//! `kpiwatch run` end to end on a temporary share: the two examples and some broken files;
//! statuses, scores, receipts, archive and summary; a second run that does nothing; revisions,
//! removals, missing divisions, a locked summary; and the division files never touched.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kpiwatch::check::validate::Status;
use kpiwatch::domain::samples;
use kpiwatch::ledger::Ledger;

use crate::harness::{self, TestEnv, example, sheet_rows, workbook_bytes};

const REGISTRY: &str = r#"
fiscal_year = 2564
[[division]]
code = "สตป."
name = "สำนักตรวจสอบและประเมินผล"
folder = "inspection-office"
[[division]]
code = "สร."
name = "สำนักงานรัฐมนตรี"
folder = "ministers-office"
[[division]]
code = "สบค."
name = "สำนักบริหารการคลัง"
folder = "fiscal-office"
"#;

struct Share {
    env: TestEnv,
}

impl Share {
    fn new() -> Self {
        let env = TestEnv::new();
        env.copy_examples("share/inbox");
        env.write("kpiwatch.toml", REGISTRY.as_bytes());
        Self { env }
    }

    /// สตป. sends a corrected workbook: สตป. 02 Q2 184 → 190.
    fn revise_inspection_office(&self) {
        let mut sub = samples::inspection_office();
        sub.kpis[0].quarters[1].result = Some(190.0);
        sub.kpis[0].quarters[1].result_text = Some("190".into());
        sub.kpis[0].quarters[1].own_score = None;
        sub.kpis[0].quarters[1].own_weighted = None;
        let path = self.inbox("inspection-office/kpi-2564.xlsx");
        std::fs::write(&path, workbook_bytes(&sub)).unwrap();
        harness::settle(&path);
    }

    fn inbox(&self, rel: &str) -> PathBuf {
        self.env.path("share/inbox").join(rel)
    }

    fn run(&self) -> (i32, String) {
        let out = self
            .env
            .kpiwatch()
            .args([
                "run",
                "--config",
                "kpiwatch.toml",
                "--state",
                "state",
                "share",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (out.status.code().unwrap(), format!("{stdout}\n{stderr}"))
    }

    fn ledger(&self) -> Ledger {
        self.env.ledger().unwrap()
    }

    fn summary(&self) -> PathBuf {
        self.env.path("share/summary/kpi-summary-2564.xlsx")
    }

    /// Every file under the share with its bytes.
    fn snapshot(&self, dir: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.env.path(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(p.clone(), std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }
}

fn row_with<'a>(rows: &'a [Vec<String>], needle: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r.iter().any(|c| c == needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}"))
}

fn broken_weight() -> Vec<u8> {
    let mut sub = samples::ministers_office();
    sub.kpis[0].weight = 120.0;
    workbook_bytes(&sub)
}

#[test]
fn a_pass_over_a_share_with_good_and_broken_files() {
    let s = Share::new();
    s.env.write(
        "share/inbox/ministers-office/broken-weight.xlsx",
        &broken_weight(),
    );
    s.env.write(
        "share/inbox/inspection-office/notes.xlsx",
        b"%PDF-1.4 not a workbook",
    );
    // สร.'s workbook dropped in สตป.'s folder: a division may only submit its own data.
    s.env.write(
        "share/inbox/inspection-office/from-ministers.xlsx",
        &workbook_bytes(&samples::ministers_office()),
    );
    s.env
        .write("share/inbox/ministers-office/~$kpi-2564.xlsx", b"lock");
    s.env.write("share/inbox/.~lock.kpi-2564.xlsx#", b"lock");
    let inbox_before = s.snapshot("share/inbox");

    let (code, out) = s.run();
    assert_eq!(code, 1, "rejected files present: {out}");
    assert!(
        out.contains("5 files in the inbox; 5 read: 5 new versions (2 accepted, 3 rejected)"),
        "{out}"
    );

    let ledger = s.ledger();
    let latest: BTreeMap<String, Status> = ledger
        .latest_per_path()
        .unwrap()
        .into_iter()
        .map(|(v, _)| (v.path, v.status))
        .collect();
    assert_eq!(latest["inspection-office/kpi-2564.xlsx"], Status::Accepted);
    assert_eq!(latest["ministers-office/kpi-2564.xlsx"], Status::Accepted);
    assert_eq!(
        latest["ministers-office/broken-weight.xlsx"],
        Status::Rejected
    );
    assert_eq!(latest["inspection-office/notes.xlsx"], Status::Rejected);
    assert_eq!(
        latest["inspection-office/from-ministers.xlsx"],
        Status::Rejected
    );
    assert_eq!(latest.len(), 5, "lock files are not submissions");

    assert_receipts_name_the_cells(&s);

    // Archive: a copy of every version, byte for byte.
    let archive = s.snapshot("share/archive");
    assert_eq!(archive.len(), 5);
    for bytes in inbox_before.values().filter(|b| b.as_slice() != b"lock") {
        assert!(
            archive.values().any(|a| a == bytes),
            "an inbox file is missing from the archive"
        );
    }

    assert_summary_of_the_first_pass(&s);

    // Nothing the divisions wrote was changed.
    assert_eq!(s.snapshot("share/inbox"), inbox_before);

    // A second run with nothing changed reads no workbook and rewrites nothing.
    let outputs = s.snapshot("share/summary");
    let receipts = s.snapshot("share/receipts");
    let modified = || -> Vec<_> {
        outputs
            .keys()
            .chain(receipts.keys())
            .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
            .collect()
    };
    let mtimes = modified();
    let (code, out) = s.run();
    // Nothing was judged: the rejections still in the inbox are listed, but only the pass
    // that judged them failed, so a scheduler logs each one once.
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rejected (see its receipt)"), "{out}");
    assert!(
        out.contains("5 files in the inbox; 0 read: 0 new versions"),
        "{out}"
    );
    assert!(out.contains("summary unchanged"), "{out}");
    assert_eq!(s.snapshot("share/summary"), outputs);
    assert_eq!(s.snapshot("share/receipts"), receipts);
    assert_eq!(mtimes, modified());
    assert_eq!(s.snapshot("share/inbox"), inbox_before);
    assert_eq!(ledger.integrity_check().unwrap(), "ok");
}

/// Receipts: one per file, Thai first, naming the cell.
fn assert_receipts_name_the_cells(s: &Share) {
    let receipt = std::fs::read_to_string(
        s.env
            .path("share/receipts/ministers-office/broken-weight.xlsx.txt"),
    )
    .unwrap();
    assert!(receipt.contains("ไม่รับ"), "{receipt}");
    assert!(receipt.contains("'ตัวชี้วัด 1'!B11"), "{receipt}");
    assert!(receipt.contains("weight 120 is outside"), "{receipt}");
    let receipt = std::fs::read_to_string(
        s.env
            .path("share/receipts/inspection-office/from-ministers.xlsx.txt"),
    )
    .unwrap();
    assert!(receipt.contains("division-mismatch"), "{receipt}");
    let receipt = std::fs::read_to_string(
        s.env
            .path("share/receipts/inspection-office/kpi-2564.xlsx.txt"),
    )
    .unwrap();
    assert!(
        receipt.contains("Q2: result 184  score 2.2267  weighted 0.6680"),
        "{receipt}"
    );
}

/// Summary: both divisions, golden scores, the missing one listed.
fn assert_summary_of_the_first_pass(s: &Share) {
    let overview = sheet_rows(&s.summary(), "ภาพรวม");
    let min = row_with(&overview, "สร.");
    assert!(
        min.iter().any(|c| c == "2") && min.iter().any(|c| c == "4"),
        "{min:?}"
    );
    let kpis = sheet_rows(&s.summary(), "ตัวชี้วัด");
    let k = row_with(&kpis, "สตป. 02");
    for v in [
        "0", "184", "464", "826", "2.2267", "4.0372", "0.668", "1.2112",
    ] {
        assert!(k.iter().any(|c| c == v), "{v} missing from {k:?}");
    }
    let subs = sheet_rows(&s.summary(), "การส่งไฟล์");
    let missing = row_with(&subs, "สบค.");
    assert!(missing.iter().any(|c| c.contains("ยังไม่ส่ง")), "{missing:?}");
    assert!(
        row_with(&subs, "ministers-office/broken-weight.xlsx")
            .iter()
            .any(|c| c.contains("ไม่รับ"))
    );
    let diags = sheet_rows(&s.summary(), "ข้อผิดพลาด");
    assert!(
        row_with(&diags, "weight-out-of-range")
            .iter()
            .any(|c| c == "B11")
    );
}

#[test]
fn a_new_version_revises_figures_and_a_removed_file_stays_current() {
    let s = Share::new();
    assert_eq!(s.run().0, 0);

    // สตป. sends a corrected workbook: Q2 184 → 190.
    s.revise_inspection_office();
    // สร. takes its file away.
    std::fs::remove_file(s.inbox("ministers-office/kpi-2564.xlsx")).unwrap();

    let (code, out) = s.run();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 new version (1 accepted, 0 rejected); 1 removed"),
        "{out}"
    );
    let kpis = sheet_rows(&s.summary(), "ตัวชี้วัด");
    let k = row_with(&kpis, "สตป. 02");
    assert!(k.iter().any(|c| c == "190"), "{k:?}");
    assert!(
        k.iter().any(|c| c.contains("184 → 190")),
        "revision shown: {k:?}"
    );
    // The removed division is still in the summary, from its last accepted version.
    assert!(row_with(&kpis, "สร. 1").iter().any(|c| c == "92"));
    let subs = sheet_rows(&s.summary(), "การส่งไฟล์");
    let removed = subs
        .iter()
        .find(|r| r.iter().any(|c| c == "ministers-office/kpi-2564.xlsx"))
        .unwrap();
    assert!(removed.iter().any(|c| c.contains("ลบ")), "{removed:?}");
    // Both versions of สตป. are archived (in a folder a Windows share can hold).
    let folder = kpiwatch::pass::names::archive_folder("สตป.");
    let archived: Vec<_> = s
        .snapshot("share/archive")
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(&format!("/{folder}/")))
        .collect();
    assert_eq!(archived.len(), 2, "{archived:?}");
    assert_eq!(s.ledger().all_versions().unwrap().len(), 3);
}

#[test]
fn a_file_saved_again_unchanged_is_not_archived_again() {
    let s = Share::new();
    assert_eq!(s.run().0, 0);
    let archive = s.snapshot("share/archive");
    let versions = s.ledger().all_versions().unwrap().len();

    // Saved again with the same bytes: a new modification time, nothing new to archive.
    let path = s.inbox("inspection-office/kpi-2564.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    harness::age(&path, std::time::Duration::from_secs(30));

    let (code, out) = s.run();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 read: 0 new versions"), "{out}");
    // The copy staged to read it is gone: the archive is byte for byte what it was.
    assert_eq!(s.snapshot("share/archive"), archive);
    assert_eq!(s.ledger().all_versions().unwrap().len(), versions);
}

#[test]
fn a_locked_summary_gets_a_dated_copy_and_the_run_says_so() {
    let s = Share::new();
    assert_eq!(s.run().0, 0);
    // Something holds the summary's name and cannot be replaced (on Windows: Excel has it open).
    std::fs::remove_file(s.summary()).unwrap();
    std::fs::create_dir(s.summary()).unwrap();
    std::fs::write(s.summary().join("keep"), b"x").unwrap();
    s.env
        .write("share/inbox/ministers-office/extra.xlsx", &broken_weight());
    let (code, out) = s.run();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("locked"), "{out}");
    let dated: Vec<_> = std::fs::read_dir(s.env.path("share/summary"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kpi-summary-2564 (") && n.ends_with(").xlsx"))
        .collect();
    assert_eq!(dated.len(), 1, "{dated:?}");
}

#[test]
fn an_unusable_share_exits_2() {
    let env = TestEnv::new();
    let out = env
        .kpiwatch()
        .args(["run", "--state", "state", "no-such-share"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no-such-share") && err.contains("does not exist"),
        "{err}"
    );
    env.write("bad.toml", b"fiscal_yaer = 2564");
    std::fs::create_dir(env.path("share")).unwrap();
    let out = env
        .kpiwatch()
        .args(["run", "--config", "bad.toml", "--state", "state", "share"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown field")
    );
}

#[test]
fn runs_without_any_configuration() {
    let env = TestEnv::new();
    env.write(
        "share/inbox/kpi.xlsx",
        &std::fs::read(example("ministers-office/kpi-2564.xlsx")).unwrap(),
    );
    let out = env
        .kpiwatch()
        .args(["run", "--state", "st", "share"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.path("share/summary/kpi-summary-2564.xlsx").exists());
    assert!(env.path("share/receipts/kpi.xlsx.txt").exists());
}

/// Cross-file checks: the same KPI in two divisions' files, two files of one division for the
/// same quarter; with a registry a division cannot report another division's KPI.
#[test]
fn files_that_contradict_each_other() {
    let env = TestEnv::new();
    let ministers = std::fs::read(example("ministers-office/kpi-2564.xlsx")).unwrap();
    env.write("share/inbox/ministers-office/kpi-2564.xlsx", &ministers);
    // สร. sends its Q4 workbook twice under two names.
    let mut again = samples::ministers_office();
    again.kpis[0].quarters[0].details = "ฉบับแก้ไข".into();
    env.write(
        "share/inbox/ministers-office/kpi-2564-final.xlsx",
        &workbook_bytes(&again),
    );
    // Another division reports สร.'s KPI code.
    let mut other = samples::inspection_office();
    other.kpis[1].code = "สร. 1".into();
    env.write(
        "share/inbox/inspection-office/kpi.xlsx",
        &workbook_bytes(&other),
    );

    let out = env
        .kpiwatch()
        .args(["run", "--state", "st", "share"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only without a registry"
    );
    let receipt =
        |rel: &str| std::fs::read_to_string(env.path("share/receipts").join(rel)).unwrap();
    let r = receipt("ministers-office/kpi-2564.xlsx.txt")
        + &receipt("ministers-office/kpi-2564-final.xlsx.txt");
    assert!(r.contains("another-file-for-division"), "{r}");
    assert!(r.contains("'หน่วยงาน'!B5"), "{r}");
    // Whichever of the files came second carries the finding.
    let r = receipt("inspection-office/kpi.xlsx.txt")
        + &receipt("ministers-office/kpi-2564.xlsx.txt")
        + &receipt("ministers-office/kpi-2564-final.xlsx.txt");
    assert!(r.contains("kpi-code-in-other-division"), "{r}");
    assert!(
        r.contains("'ตัวชี้วัด 2'!B6") || r.contains("'ตัวชี้วัด 1'!B6"),
        "{r}"
    );

    // The same share with a registry: reporting another division's KPI is rejected.
    let env2 = TestEnv::new();
    env2.write("kpiwatch.toml", REGISTRY.as_bytes());
    env2.write("share/inbox/ministers-office/kpi-2564.xlsx", &ministers);
    let first = env2
        .kpiwatch()
        .args(["run", "--config", "kpiwatch.toml", "--state", "st", "share"])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    env2.write(
        "share/inbox/inspection-office/kpi.xlsx",
        &workbook_bytes(&other),
    );
    let out = env2
        .kpiwatch()
        .args(["run", "--config", "kpiwatch.toml", "--state", "st", "share"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = std::fs::read_to_string(env2.path("share/receipts/inspection-office/kpi.xlsx.txt"))
        .unwrap();
    assert!(
        r.contains("foreign-kpi-code") && r.contains("'ตัวชี้วัด 2'!B6"),
        "{r}"
    );
    let subs = sheet_rows(
        &env2.path("share/summary/kpi-summary-2564.xlsx"),
        "การส่งไฟล์",
    );
    assert!(
        row_with(&subs, "inspection-office/kpi.xlsx")
            .iter()
            .any(|c| c.contains("ไม่รับ"))
    );
}

/// A year with more divisions than `divisions_per_book` becomes books and an index; a changed
/// file rewrites its own book and the index only; unsplitting removes the books.
#[test]
fn a_large_year_is_split_into_books_and_one_change_rewrites_one_book() {
    let s = Share::new();
    let split = format!("{REGISTRY}\n[summary]\ndivisions_per_book = 1\n");
    s.env.write("kpiwatch.toml", split.as_bytes());
    let (code, out) = s.run();
    assert_eq!(code, 0, "{out}");

    // Three registered divisions, one per book, in code order: สตป., สบค. (nothing sent), สร.
    let dir = s.env.path("share/summary");
    let book = |n: u32| dir.join(format!("kpi-summary-2564-book-{n:02}.xlsx"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "kpi-summary-2564-book-01.xlsx",
            "kpi-summary-2564-book-02.xlsx",
            "kpi-summary-2564-book-03.xlsx",
            "kpi-summary-2564.xlsx"
        ]
    );

    // The index: every division with its book, and the figures its book computes.
    let index = sheet_rows(&s.summary(), "ภาพรวม");
    let inspection = row_with(&index, "สตป.");
    assert_eq!(inspection.last().unwrap(), "1", "{inspection:?}");
    assert!(row_with(&index, "สบค.").iter().any(|c| c == "ยังไม่ส่ง"));
    assert_eq!(row_with(&index, "สร.").last().unwrap(), "3");
    let in_book = sheet_rows(&book(1), "ภาพรวม");
    let from_book = row_with(&in_book, "สตป.");
    // ลำดับ … ไตรมาสที่ 4 (A–I): the same in the index as in the book (cached formula values).
    assert_eq!(
        inspection[1..9],
        from_book[1..9],
        "{inspection:?} {from_book:?}"
    );
    assert!(in_book[0][0].contains("เล่มที่ 1 จาก 3"), "{:?}", in_book[0]);
    let books = sheet_rows(&s.summary(), "เล่มสรุป");
    assert!(row_with(&books, "kpi-summary-2564-book-02.xlsx").contains(&"สบค.".to_owned()));
    // Each book is a whole summary of its divisions.
    assert!(
        row_with(&sheet_rows(&book(3), "ตัวชี้วัด"), "สร. 1")
            .iter()
            .any(|c| c == "92")
    );

    // สตป. revises a figure: book 1 and the index are rewritten, books 2 and 3 are not.
    let before: Vec<Vec<u8>> = (1..=3).map(|n| std::fs::read(book(n)).unwrap()).collect();
    s.revise_inspection_office();
    let (code, out) = s.run();
    assert_eq!(code, 0, "{out}");
    assert_ne!(std::fs::read(book(1)).unwrap(), before[0]);
    assert_eq!(std::fs::read(book(2)).unwrap(), before[1]);
    assert_eq!(std::fs::read(book(3)).unwrap(), before[2]);
    assert!(
        row_with(&sheet_rows(&book(1), "ตัวชี้วัด"), "สตป. 02")
            .iter()
            .any(|c| c == "190")
    );
    let index = sheet_rows(&s.summary(), "ภาพรวม");
    let revised = row_with(&index, "สตป.");
    let book_now = sheet_rows(&book(1), "ภาพรวม");
    assert_eq!(revised[1..9], row_with(&book_now, "สตป.")[1..9]);
    assert_ne!(
        revised[1..9],
        inspection[1..9],
        "the index follows the revision"
    );

    // Nothing changed: nothing written.
    let (code, out) = s.run();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("summary up to date") || !out.contains("summary written"),
        "{out}"
    );

    // Back to one workbook: the books go.
    s.env.write("kpiwatch.toml", REGISTRY.as_bytes());
    assert_eq!(s.run().0, 0);
    assert!(!book(1).exists() && !book(3).exists());
    assert!(
        row_with(&sheet_rows(&s.summary(), "ตัวชี้วัด"), "สร. 1")
            .iter()
            .any(|c| c == "92")
    );

    // And split again, nothing else changed: the one workbook is replaced by the index again.
    s.env.write("kpiwatch.toml", split.as_bytes());
    assert_eq!(s.run().0, 0);
    assert!(book(1).exists() && book(3).exists());
    assert_eq!(
        row_with(
            &sheet_rows(&s.summary(), "เล่มสรุป"),
            "kpi-summary-2564-book-03.xlsx"
        )[0],
        "3"
    );
}

/// LibreOffice, the real client, opens the index of a split summary and a book of it.
#[test]
fn libreoffice_opens_a_split_summary() {
    if !harness::soffice_available() {
        eprintln!("soffice not installed; skipped");
        return;
    }
    let s = Share::new();
    let split = format!("{REGISTRY}\n[summary]\ndivisions_per_book = 1\n");
    s.env.write("kpiwatch.toml", split.as_bytes());
    assert_eq!(s.run().0, 0);
    let out = s.env.path("lo");
    std::fs::create_dir_all(&out).unwrap();
    let index = harness::lo_sheets_as_csv(&s.summary(), &out);
    assert!(
        index.contains_key("ภาพรวม") && index.contains_key("เล่มสรุป"),
        "{:?}",
        index.keys()
    );
    assert!(row_with(&index["ภาพรวม"], "สร.").iter().any(|c| c == "3"));
    let book = harness::lo_sheets_as_csv(
        &s.env.path("share/summary/kpi-summary-2564-book-01.xlsx"),
        &out,
    );
    assert!(
        row_with(&book["ตัวชี้วัด"], "สตป. 02")
            .iter()
            .any(|c| c == "184")
    );
}
