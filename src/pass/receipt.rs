//! The receipt a division gets for every file it submits: accepted or rejected, the official
//! scores, and each finding with its sheet and cell. Plain text that any PC opens, Thai first
//! and English second.

use std::fmt::Write as _;

use crate::check::validate::Status;
use crate::domain::diagnostic::DiagnosticRecord;
use crate::domain::model::{BelowLevel1, Submission};
use crate::domain::scoring;
use crate::domain::thai::{self, plain_number as plain};

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

/// Renders the receipt. Starts with a byte-order mark so Windows Notepad shows the Thai.
pub fn render(r: &ReceiptInput<'_>) -> String {
    let mut t = String::from("\u{feff}");
    let errors = r.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = r.diagnostics.len() - errors;
    let computed = r
        .submission
        .map(|s| (s, scoring::score_submission(s, r.below_level1)));

    let _ = writeln!(t, "ใบตอบรับการส่งรายงานผลตัวชี้วัด (kpiwatch)");
    let _ = writeln!(t, "ไฟล์: {}", r.file);
    let _ = writeln!(t, "ได้รับเมื่อ: {}", thai::thai_time(r.received_at));
    if let Some((s, _)) = &computed {
        let _ = writeln!(
            t,
            "หน่วยงาน: {} {}   ปีงบประมาณ: {}",
            s.division.code,
            s.division.name,
            s.fiscal_year.map_or("-".into(), |y| y.to_string())
        );
    }
    let _ = writeln!(
        t,
        "ผลการตรวจ: {}  (ข้อผิดพลาด {errors} รายการ, คำเตือน {warnings} รายการ)",
        r.status.label_th()
    );
    if r.status == Status::Rejected {
        let _ = writeln!(
            t,
            "ไฟล์นี้ยังไม่ถูกนำไปรวมผล กรุณาแก้ไขข้อผิดพลาดตามรายการด้านล่าง แล้ววางไฟล์ใหม่ในโฟลเดอร์เดิม"
        );
    }
    if let Some((s, (kpis, division))) = &computed
        && r.status == Status::Accepted
    {
        let _ = writeln!(t, "\nคะแนนที่คำนวณได้ ({})", r.below_level1.describe_th());
        for (k, q) in s.kpis.iter().zip(kpis) {
            let _ = writeln!(
                t,
                "ตัวชี้วัด {} {} (น้ำหนักร้อยละ {})",
                k.code,
                k.name,
                plain(k.weight)
            );
            for q in q.iter().flatten().filter(|q| q.result.is_some()) {
                let _ = writeln!(
                    t,
                    "  {}: ผล {}  คะแนน {}  คะแนนถ่วงน้ำหนัก {}",
                    q.quarter.label_th(),
                    q.result.map_or("-".into(), plain),
                    n4(q.score),
                    n4(q.weighted)
                );
            }
        }
        let _ = write!(t, "คะแนนรวมของหน่วยงาน:");
        for d in division.iter().filter(|d| d.score.is_some()) {
            let _ = write!(t, "  {} {}", d.quarter.label_th(), n4(d.score));
        }
        let _ = writeln!(t);
    }
    if !r.diagnostics.is_empty() {
        let _ = writeln!(t, "\nรายการที่พบ");
        for (i, d) in r.diagnostics.iter().enumerate() {
            let severity = if d.is_error() {
                "ข้อผิดพลาด"
            } else {
                "คำเตือน"
            };
            let _ = writeln!(
                t,
                "{}. [{severity}] {} — {}",
                i + 1,
                d.place(),
                d.message_th
            );
        }
    }

    let _ = writeln!(
        t,
        "\n------------------------------------------------------------"
    );
    let _ = writeln!(t, "Receipt for a KPI report (kpiwatch)");
    let _ = writeln!(t, "File: {}", r.file);
    let _ = writeln!(t, "Received: {}", r.received_at);
    let _ = writeln!(t, "SHA-256: {}", r.sha256);
    let _ = writeln!(
        t,
        "Result: {} ({errors} errors, {warnings} warnings)",
        r.status.as_str()
    );
    if r.status == Status::Rejected {
        let _ = writeln!(
            t,
            "This file is not in the summary. Fix the errors below and drop the file again."
        );
    }
    if let Some((s, (kpis, division))) = &computed
        && r.status == Status::Accepted
    {
        let _ = writeln!(t, "\nScores ({}):", r.below_level1.describe_en());
        for (k, q) in s.kpis.iter().zip(kpis) {
            let _ = writeln!(t, "KPI {} (weight {}%)", k.code, plain(k.weight));
            for q in q.iter().flatten().filter(|q| q.result.is_some()) {
                let _ = writeln!(
                    t,
                    "  {}: result {}  score {}  weighted {}",
                    q.quarter,
                    q.result.map_or("-".into(), plain),
                    n4(q.score),
                    n4(q.weighted)
                );
            }
        }
        let _ = write!(t, "Division score:");
        for d in division.iter().filter(|d| d.score.is_some()) {
            let _ = write!(t, "  {} {}", d.quarter, n4(d.score));
        }
        let _ = writeln!(t);
    }
    if !r.diagnostics.is_empty() {
        let _ = writeln!(t, "\nFindings:");
        for (i, d) in r.diagnostics.iter().enumerate() {
            let _ = writeln!(
                t,
                "{}. [{}] {}: {} ({})",
                i + 1,
                d.severity.label_en(),
                d.place(),
                d.message_en,
                d.code
            );
        }
    }
    t
}

/// Where a file's receipt goes, relative to the receipts folder: the inbox path plus ".txt",
/// so each division finds its receipt in a folder named like its inbox folder.
pub fn receipt_path(file: &str) -> String {
    format!("{file}.txt")
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
        });
        assert!(text.starts_with('\u{feff}'));
        assert!(
            text.contains("ได้รับเมื่อ: 25 พ.ย. 2569 เวลา 09:00 น."),
            "{text}"
        );
        assert!(text.contains("Received: 2026-11-25 09:00:00"));
        let th = text.find("ผลการตรวจ: รับแล้ว").unwrap();
        let en = text.find("Result: accepted").unwrap();
        assert!(th < en, "Thai first");
        assert!(text.contains("ไตรมาสที่ 2: ผล 90  คะแนน 3.0000  คะแนนถ่วงน้ำหนัก 0.9000"));
        assert!(text.contains("Q4: result 92  score 4.0000  weighted 1.2000"));
        assert!(text.contains("Division score:  Q1 2.0000  Q2 3.0000  Q3 2.0000  Q4 4.0000"));
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
        });
        assert!(text.contains("1. [ข้อผิดพลาด] 'ตัวชี้วัด 1'!B11 — น้ำหนักต้องมากกว่า 0"));
        assert!(text.contains(
            "1. [error] 'ตัวชี้วัด 1'!B11: weight 120 is outside 0 < weight ≤ 100 (weight-out-of-range)"
        ));
        assert!(!text.contains("คะแนนที่คำนวณได้"));
    }
}
