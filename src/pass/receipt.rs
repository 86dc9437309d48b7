//! The receipt a division gets for every file it submits: accepted or rejected, the official
//! scores, and each finding with its sheet and cell. Plain text that any PC opens, Thai first
//! and English second.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::check::validate::Status;
use crate::domain::diagnostic::DiagnosticRecord;
use crate::domain::english::count;
use crate::domain::model::{BelowLevel1, Submission};
use crate::domain::scoring;
use crate::domain::thai::{self, plain_number as plain};
use crate::summary::after_close::AfterClose;

/// What a receipt reports.
#[derive(Debug, Clone)]
pub struct ReceiptInput<'a> {
    /// The file, relative to the inbox.
    pub file: &'a str,
    pub received_at: &'a str,
    pub sha256: &'a str,
    pub status: Status,
    pub submission: Option<&'a Submission>,
    pub diagnostics: &'a [DiagnosticRecord],
    pub below_level1: BelowLevel1,
    /// What changes of state made by hand say of this version.
    pub state: &'a ReceiptState,
}

/// What the changes of state made by hand (`kpiwatch exclude`, `kpiwatch close`) say of a
/// version: set aside and why, which version of the division counts instead, and what it
/// changes against rounds closed before it arrived.
#[derive(Debug, Clone, Default)]
pub struct ReceiptState {
    /// The reason it was set aside, if it is.
    pub set_aside: Option<String>,
    /// For a version set aside: the division's version that counts now, or `None` when none
    /// does.
    pub counts_instead: Option<CountedInstead>,
    pub after_close: Vec<AfterClose>,
}

/// The division's version that counts in place of one set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedInstead {
    /// Its file, relative to the inbox.
    pub path: String,
    pub received_at: String,
    pub sha256: String,
}

/// The first 12 hex digits of a SHA-256: enough to tell two versions with the same file name
/// and minute apart on paper.
fn short_sha(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// A KPI's code and name as one title, without writing the code twice when the name (as
/// divisions often type it) already begins with it.
fn kpi_title(code: &str, name: &str) -> String {
    let (code, name) = (code.trim(), name.trim());
    let strip = |s: &str| s.split_whitespace().collect::<String>();
    if code.is_empty() || strip(name).starts_with(&strip(code)) {
        name.to_owned()
    } else {
        format!("{code} {name}")
    }
}

/// `x` with four decimals, as `{:.4}` writes it. Scores are already rounded to four decimals,
/// so they are written from their whole number of ten-thousandths: std's exact formatting falls
/// back to big-number arithmetic for many of them, at ten figures a receipt.
fn n4(x: Option<f64>) -> String {
    let Some(x) = x else {
        return "-".to_owned();
    };
    let scaled = x * 10_000.0;
    let units = scaled.round();
    if (scaled - units).abs() < 1e-6 && units.abs() < 1e15 {
        // Exact: `units` is a whole number well inside i64.
        let units = units as i64;
        let sign = if units < 0 { "-" } else { "" };
        let u = units.unsigned_abs();
        format!("{sign}{}.{:04}", u / 10_000, u % 10_000)
    } else {
        format!("{x:.4}")
    }
}

/// The language of one half of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Th,
    En,
}

impl Lang {
    fn pick<T>(self, th: T, en: T) -> T {
        match self {
            Lang::Th => th,
            Lang::En => en,
        }
    }
}

/// A line's value: none (the label is the line), one for both halves, or one for each.
enum Value {
    None,
    Same(String),
    Each(String, String),
}

/// One line of a receipt's heading: its label in Thai and in English (`None`: the line is not
/// in that half), and its value, written after the label and a colon.
struct Row {
    th: Option<Cow<'static, str>>,
    en: Option<Cow<'static, str>>,
    value: Value,
}

impl Row {
    fn both(
        th: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
        value: Value,
    ) -> Self {
        Self {
            th: Some(th.into()),
            en: Some(en.into()),
            value,
        }
    }

    /// The line in `lang`'s half, if it has one.
    fn line(&self, lang: Lang) -> Option<String> {
        let label = lang.pick(self.th.as_deref(), self.en.as_deref())?;
        Some(match &self.value {
            Value::None => label.to_owned(),
            Value::Same(v) => format!("{label}: {v}"),
            Value::Each(th, en) => format!("{label}: {}", lang.pick(th, en)),
        })
    }
}

/// The heading of a receipt, both halves: the file, when it arrived, whose it is, the verdict.
fn heading(r: &ReceiptInput<'_>, errors: usize, warnings: usize) -> Vec<Row> {
    let mut rows = vec![
        Row::both(
            "ใบตอบรับการส่งรายงานผลตัวชี้วัด (kpiwatch)",
            "Receipt for a KPI report (kpiwatch)",
            Value::None,
        ),
        Row::both(
            "ไฟล์",
            "File",
            Value::Same(crate::pass::names::display(r.file)),
        ),
        Row::both(
            "ได้รับเมื่อ",
            "Received",
            Value::Each(thai::thai_time(r.received_at), r.received_at.to_owned()),
        ),
    ];
    if let Some(s) = r.submission {
        let year = s.fiscal_year.map_or("-".into(), |y| y.to_string());
        rows.push(Row {
            th: Some("หน่วยงาน".into()),
            en: None,
            value: Value::Same(format!(
                "{} {}   ปีงบประมาณ: {year}",
                s.division.code, s.division.name
            )),
        });
        let certified = s.certification.describe();
        rows.push(Row::both(
            "ผู้รับรองข้อมูล",
            "Certified by",
            Value::Same(if certified.is_empty() {
                "-".to_owned()
            } else {
                certified
            }),
        ));
    }
    // Both halves: the Thai-reading officer is told to quote it from the receipt.
    rows.push(Row::both(
        "รหัส SHA-256 ของไฟล์",
        "SHA-256",
        Value::Same(r.sha256.to_owned()),
    ));
    rows.push(Row::both(
        "ผลการตรวจ",
        "Result",
        Value::Each(
            format!(
                "{}  (ข้อผิดพลาด {errors} รายการ, คำเตือน {warnings} รายการ)",
                r.status.label_th()
            ),
            format!(
                "{} ({}, {})",
                r.status.as_str(),
                count(errors, "error"),
                count(warnings, "warning")
            ),
        ),
    ));
    if r.status == Status::Rejected {
        rows.push(Row::both(
            "ไฟล์นี้ยังไม่ถูกนำไปรวมผล กรุณาแก้ไขข้อผิดพลาดตามรายการด้านล่าง แล้ววางไฟล์ใหม่ในโฟลเดอร์เดิม",
            "This file is not in the summary. Fix the errors below and drop the file again.",
            Value::None,
        ));
    }
    state_rows(r.state, r.sha256, &mut rows);
    rows
}

/// The heading's lines for what changes of state made by hand say of the version.
fn state_rows(state: &ReceiptState, sha256: &str, rows: &mut Vec<Row>) {
    if let Some(why) = &state.set_aside {
        rows.push(Row::both(
            "กองแผนงานกันฉบับนี้ไว้ ไม่นับในสรุป เหตุผล",
            "The planning office set this version aside (not in the summary); reason",
            Value::Same(why.clone()),
        ));
        rows.push(Row::both(
            "ฉบับที่ใช้ในสรุปแทน",
            "Counted instead",
            // Both hashes: the version counted instead may have the same file name and minute
            // as this one.
            match &state.counts_instead {
                Some(c) => Value::Each(
                    format!(
                        "{} ได้รับเมื่อ {} SHA-256 {} (ฉบับนี้ SHA-256 {})",
                        names_display(&c.path),
                        thai::thai_time(&c.received_at),
                        short_sha(&c.sha256),
                        short_sha(sha256)
                    ),
                    format!(
                        "{} received {}, SHA-256 {} (this version: SHA-256 {})",
                        names_display(&c.path),
                        c.received_at,
                        short_sha(&c.sha256),
                        short_sha(sha256)
                    ),
                ),
                None => Value::Each(
                    "ไม่มี (ยังไม่มีฉบับที่รับแล้วของหน่วยงาน)".into(),
                    "none (no other accepted version of the division)".into(),
                ),
            },
        ));
    }
    // The label names the round, so the value is only what changed.
    for a in &state.after_close {
        rows.push(Row::both(
            format!(
                "ส่งหลังปิด{} (ฉบับที่ปิดรอบไว้ไม่เปลี่ยน)",
                crate::summary::after_close::round_label_th(a.round)
            ),
            format!(
                "Received after round {} closed (the closed snapshot stays as it was)",
                a.round
            ),
            Value::Each(a.changes_th(), a.changes_en()),
        ));
    }
}

fn names_display(file: &str) -> String {
    crate::pass::names::display(file)
}

/// Renders the receipt. Starts with a byte-order mark so Windows Notepad shows the Thai.
pub fn render(r: &ReceiptInput<'_>) -> String {
    let mut t = String::from("\u{feff}");
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = r.diagnostics.len() - errors;
    let heading = heading(r, errors, warnings);
    let scores = r
        .submission
        .filter(|_| r.status == Status::Accepted)
        .map(|s| (s, scoring::score_submission(s, r.below_level1)));
    for lang in [Lang::Th, Lang::En] {
        if lang == Lang::En {
            let _ = writeln!(
                t,
                "\n------------------------------------------------------------"
            );
        }
        for line in heading.iter().filter_map(|row| row.line(lang)) {
            let _ = writeln!(t, "{line}");
        }
        if let Some((s, (kpis, division))) = &scores {
            write_scores(&mut t, lang, r.below_level1, s, kpis, division);
        }
        if !r.diagnostics.is_empty() {
            write_findings(&mut t, lang, r.diagnostics);
        }
    }
    t
}

/// The official scores of an accepted file: each KPI's quarters, then the division's.
fn write_scores(
    t: &mut String,
    lang: Lang,
    below_level1: BelowLevel1,
    s: &Submission,
    kpis: &[Option<[scoring::QuarterScore; 4]>],
    division: &[scoring::DivisionScore],
) {
    let _ = match lang {
        Lang::Th => writeln!(t, "\nคะแนนที่คำนวณได้ ({})", below_level1.describe_th()),
        Lang::En => writeln!(t, "\nScores ({}):", below_level1.describe_en()),
    };
    for (k, q) in s.kpis.iter().zip(kpis) {
        let weight = plain(k.weight);
        let _ = match lang {
            Lang::Th => writeln!(
                t,
                "ตัวชี้วัด {} (น้ำหนักร้อยละ {weight})",
                kpi_title(&k.code, &k.name)
            ),
            Lang::En => writeln!(t, "KPI {} (weight {weight}%)", k.code),
        };
        for q in q.iter().flatten().filter(|q| q.result.is_some()) {
            let _ = writeln!(
                t,
                "  {}: {} {}  {} {}  {} {}",
                lang.pick(q.quarter.label_th(), q.quarter.to_string()),
                lang.pick("ผล", "result"),
                q.result.map_or("-".into(), plain),
                lang.pick("คะแนน", "score"),
                n4(q.score),
                lang.pick("คะแนนถ่วงน้ำหนัก", "weighted"),
                n4(q.weighted)
            );
        }
    }
    let _ = write!(t, "{}", lang.pick("คะแนนรวมของหน่วยงาน:", "Division score:"));
    for d in division.iter().filter(|d| d.score.is_some()) {
        let quarter = lang.pick(d.quarter.label_th(), d.quarter.to_string());
        let _ = write!(t, "  {quarter} {}", n4(d.score));
    }
    let _ = writeln!(t);
}

/// Each finding with its sheet and cell.
fn write_findings(t: &mut String, lang: Lang, diagnostics: &[DiagnosticRecord]) {
    let _ = writeln!(t, "{}", lang.pick("\nรายการที่พบ", "\nFindings:"));
    for (i, d) in diagnostics.iter().enumerate() {
        let n = i + 1;
        let _ = match lang {
            Lang::Th => writeln!(
                t,
                "{n}. [{}] {} — {}",
                d.severity.label_th(),
                d.place(),
                d.message_th
            ),
            Lang::En => writeln!(
                t,
                "{n}. [{}] {}: {} ({})",
                d.severity.label_en(),
                d.place(),
                d.message_en,
                d.code
            ),
        };
    }
}

/// Where a file's receipt goes, relative to the receipts folder: the inbox path plus ".txt",
/// so each division finds its receipt in a folder named like its inbox folder; a name a share
/// cannot hold is made portable ([`crate::pass::names::receipt_path`]).
pub fn receipt_path(file: &str) -> String {
    crate::pass::names::receipt_path(file)
}

/// Where a file's returned workbook goes, relative to the receipts folder: beside its receipt
/// ([`crate::pass::returned`]).
pub fn returned_path(file: &str) -> String {
    crate::pass::returned::returned_path(file)
}

/// The returned workbook of the latest version of inbox file `file`, under the receipts folder
/// `receipts`, if it has one: a version without findings, or a file that is not a workbook, has
/// none (for attaching it to a message).
pub fn returned_file(receipts: &std::path::Path, file: &str) -> Option<std::path::PathBuf> {
    let path = receipts.join(returned_path(file));
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnostic::Severity;
    use crate::domain::samples;

    #[test]
    fn four_decimals_are_written_as_std_writes_them() {
        for k in (-2_000_000..2_000_000).step_by(37) {
            let x = f64::from(k) / 10_000.0;
            assert_eq!(n4(Some(x)), format!("{x:.4}"), "{x}");
            let y = scoring::round4(x * 0.3);
            assert_eq!(n4(Some(y)), format!("{y:.4}"), "{y}");
        }
        for x in [
            2.2267,
            4.0372,
            0.668,
            1.2112,
            1e12 + 0.5,
            0.123456,
            -7.00005,
            1e300,
        ] {
            assert_eq!(n4(Some(x)), format!("{x:.4}"), "{x}");
        }
        assert_eq!(n4(None), "-");
    }

    #[test]
    fn accepted_receipt_shows_scores_in_both_languages() {
        let sub = samples::ministers_office();
        let text = render(&ReceiptInput {
            file: "ministers-office/kpi-2564.xlsx",
            received_at: "2026-11-25 09:00:00",
            sha256: "abc",
            status: Status::Accepted,
            submission: Some(&sub),
            diagnostics: &[],
            below_level1: BelowLevel1::Zero,
            state: &ReceiptState::default(),
        });
        assert!(text.starts_with('\u{feff}'));
        assert!(
            text.contains("ได้รับเมื่อ: 25 พ.ย. 2569 เวลา 09:00 น."),
            "{text}"
        );
        assert!(text.contains("Received: 2026-11-25 09:00:00"));
        let certified = "นางสาววันดี เจริญประวัตติ (รักษาการในตำแหน่ง หัวหน้าสำนักงานรัฐมนตรี) 11 ต.ค. 2564";
        assert!(text.contains(&format!("ผู้รับรองข้อมูล: {certified}")), "{text}");
        assert!(
            text.contains(&format!("Certified by: {certified}")),
            "{text}"
        );
        let th = text.find("ผลการตรวจ: รับแล้ว").unwrap();
        let en = text.find("Result: accepted").unwrap();
        assert!(th < en, "Thai first");
        assert!(text.contains("ไตรมาสที่ 2: ผล 90  คะแนน 3.0000  คะแนนถ่วงน้ำหนัก 0.9000"));
        assert!(text.contains("Q4: result 92  score 4.0000  weighted 1.2000"));
        assert!(text.contains("Division score:  Q1 2.0000  Q2 3.0000  Q3 2.0000  Q4 4.0000"));
    }

    #[test]
    fn a_kpi_name_that_starts_with_its_code_does_not_repeat_it() {
        let sub = samples::ministers_office();
        let text = render(&ReceiptInput {
            file: "ministers-office/kpi-2564.xlsx",
            received_at: "2026-11-25 09:00:00",
            sha256: "abc",
            status: Status::Accepted,
            submission: Some(&sub),
            diagnostics: &[],
            below_level1: BelowLevel1::Zero,
            state: &ReceiptState::default(),
        });
        assert!(text.contains("ตัวชี้วัด สร. 1 ร้อยละความสำเร็จ"), "{text}");
        assert!(!text.contains("สร. 1 สร. 1"), "{text}");
        assert_eq!(kpi_title("สตป. 02", "จำนวนหน่วย"), "สตป. 02 จำนวนหน่วย");
        assert_eq!(kpi_title("สร.1", "สร. 1 ร้อยละ"), "สร. 1 ร้อยละ");
    }

    #[test]
    fn state_lines_say_the_round_once_and_tell_versions_apart_by_hash() {
        let state = ReceiptState {
            set_aside: Some("ส่งผิดไฟล์".into()),
            counts_instead: Some(CountedInstead {
                path: "a/kpi.xlsx".into(),
                received_at: "2021-01-10 09:00:00".into(),
                sha256: "0123456789abcdef0123".into(),
            }),
            after_close: vec![AfterClose {
                round: 1,
                changes: vec![crate::summary::after_close::CloseChange {
                    kpi_code: "สตป. 02".into(),
                    old_result: Some(0.0),
                    new_result: Some(150.0),
                    old_score: Some(1.0),
                    new_score: Some(2.0),
                }],
            }],
        };
        let text = render(&ReceiptInput {
            file: "a/kpi.xlsx",
            received_at: "2021-01-12 09:00:00",
            sha256: "fedcba9876543210fedc",
            status: Status::Accepted,
            submission: None,
            diagnostics: &[],
            below_level1: BelowLevel1::Zero,
            state: &state,
        });
        for line in [
            "ส่งหลังปิดรอบ 3 เดือน (ฉบับที่ปิดรอบไว้ไม่เปลี่ยน): สตป. 02 ผล 0 → 150 คะแนน 1.0000 → 2.0000\n",
            "Received after round 1 closed (the closed snapshot stays as it was): สตป. 02 result 0 → 150, score 1.0000 → 2.0000\n",
            "ฉบับที่ใช้ในสรุปแทน: a/kpi.xlsx ได้รับเมื่อ 10 ม.ค. 2564 เวลา 09:00 น. SHA-256 0123456789ab (ฉบับนี้ SHA-256 fedcba987654)\n",
            "Counted instead: a/kpi.xlsx received 2021-01-10 09:00:00, SHA-256 0123456789ab (this version: SHA-256 fedcba987654)\n",
            "รหัส SHA-256 ของไฟล์: fedcba9876543210fedc\n",
            "SHA-256: fedcba9876543210fedc\n",
            "(0 errors, 0 warnings)",
        ] {
            assert!(text.contains(line), "{line}\n{text}");
        }
        assert!(!text.contains("หลังปิดรอบ 3 เดือน: "), "{text}");
        assert!(!text.contains("after round 1 closed: "), "{text}");
    }

    #[test]
    fn rejected_receipt_lists_each_cell() {
        let d = DiagnosticRecord {
            severity: Severity::Error,
            code: "weight-out-of-range".into(),
            sheet: Some("ตัวชี้วัด 1".into()),
            cell: Some("B11".into()),
            message_th: "น้ำหนักต้องมากกว่า 0".into(),
            message_en: "weight 120 is outside 0 < weight ≤ 100".into(),
        };
        let text = render(&ReceiptInput {
            file: "a.xlsx",
            received_at: "now",
            sha256: "x",
            status: Status::Rejected,
            submission: None,
            diagnostics: std::slice::from_ref(&d),
            below_level1: BelowLevel1::Zero,
            state: &ReceiptState::default(),
        });
        assert!(text.contains("1. [ข้อผิดพลาด] 'ตัวชี้วัด 1'!B11 — น้ำหนักต้องมากกว่า 0"));
        assert!(text.contains(
            "1. [error] 'ตัวชี้วัด 1'!B11: weight 120 is outside 0 < weight ≤ 100 (weight-out-of-range)"
        ));
        assert!(!text.contains("คะแนนที่คำนวณได้"));
        assert!(
            text.contains("Result: rejected (1 error, 0 warnings)"),
            "{text}"
        );
    }
}
