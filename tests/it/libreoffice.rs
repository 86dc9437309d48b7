//! LibreOffice as the real client: the examples re-saved by a real spreadsheet program (as .xlsx
//! and as .ods), and with a KPI sheet copied the way a person adds a KPI, read to the same figures.

use std::path::PathBuf;

use kpiwatch::check::validate::{Status, Verdict};

use crate::harness::{
    EXAMPLES, TestEnv, check_file, example, lo_convert, lo_edit, soffice_available,
};

/// The figures a summary is made of: per KPI its code, weight and quarterly figures, and the
/// division's quarterly scores.
type KpiFigures = Vec<(String, f64, Vec<String>)>;

fn figures(v: &Verdict) -> (KpiFigures, Vec<Option<f64>>) {
    let kpis = v
        .submission
        .kpis
        .iter()
        .zip(&v.kpi_scores)
        .map(|(k, s)| {
            let q = s
                .iter()
                .map(|q| format!("{:?}/{:?}/{:?}", q.result, q.score, q.weighted))
                .collect();
            (k.code.clone(), k.weight, q)
        })
        .collect();
    (kpis, v.division_scores.iter().map(|d| d.score).collect())
}

fn copy_of(env: &TestEnv, rel: &str) -> PathBuf {
    // LibreOffice names its output after the input: give each input its own name.
    let name = rel.replace('/', "-");
    let p = env.path(&name);
    std::fs::copy(example(rel), &p).unwrap();
    p
}

#[test]
fn examples_resaved_as_xlsx_and_ods_read_to_the_same_figures() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    for rel in EXAMPLES {
        let original = check_file(&example(rel));
        assert_eq!(original.status, Status::Accepted);
        let input = copy_of(&env, rel);
        for (format, dir) in [
            ("xlsx", "lo-xlsx"),
            ("ods", "lo-ods"),
            ("xls", "lo-xls"),
            ("xlsm:Calc MS Excel 2007 VBA XML", "lo-xlsm"),
        ] {
            let out = env.path(dir);
            std::fs::create_dir_all(&out).unwrap();
            let resaved = lo_convert(&input, format, &out, false);
            let v = check_file(&resaved);
            assert_eq!(
                v.status,
                Status::Accepted,
                "{rel} as {format}: {:#?}",
                v.diagnostics
            );
            assert_eq!(figures(&v), figures(&original), "{rel} as {format}");
            let codes = |v: &Verdict| -> Vec<String> {
                v.diagnostics
                    .iter()
                    .map(|d| format!("{} {}", d.finding.code(), d.place()))
                    .collect()
            };
            assert_eq!(
                codes(&v),
                codes(&original),
                "{rel} as {format}: same findings, same cells"
            );
        }
    }
}

#[test]
fn a_kpi_sheet_copied_in_libreoffice_is_read_as_another_kpi() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let rel = "inspection-office/kpi-2564.xlsx";
    let original = check_file(&example(rel));
    let input = copy_of(&env, rel);
    for (filter, ext) in [("Calc MS Excel 2007 XML", "xlsx"), ("calc8", "ods")] {
        let out = env.path(format!("copied.{ext}"));
        lo_edit(
            &input,
            &out,
            filter,
            &["copy:ตัวชี้วัด 1:ตัวชี้วัด 3", "set:ตัวชี้วัด 3:B6:สตป. 99"],
        );
        let v = check_file(&out);
        assert_eq!(v.status, Status::Accepted, "{ext}: {:#?}", v.diagnostics);
        let (kpis, _) = figures(&v);
        let (before, _) = figures(&original);
        assert_eq!(kpis.len(), 3, "{ext}: {kpis:?}");
        assert_eq!(
            &kpis[..2],
            &before[..],
            "{ext}: the original KPIs are unchanged"
        );
        assert_eq!(kpis[2].0, "สตป. 99");
        assert_eq!(
            kpis[2].2, before[0].2,
            "{ext}: the copy scores like its source"
        );
        // Findings about the copy point at the copy's own sheet.
        let total = v
            .diagnostics
            .iter()
            .find(|d| d.finding.code() == "weights-not-100")
            .expect("30 + 20 + 30 is not 100");
        assert!(total.finding.message_en().contains("80"));
    }
}

#[test]
fn rows_inserted_by_a_division_do_not_move_what_is_read() {
    if !soffice_available() {
        return;
    }
    let env = TestEnv::new();
    let rel = "inspection-office/kpi-2564.xlsx";
    let original = check_file(&example(rel));
    let input = copy_of(&env, rel);
    // Rows above the KPI fields, inside the quarterly report, above the log's header and
    // inside the log: every kind of place a person inserts rows.
    let ops = [
        "rows:ตัวชี้วัด 1:3:2",
        "rows:ตัวชี้วัด 1:38:1",
        "rows:หน่วยงาน:2:3",
        "rows:บันทึกรายละเอียด:2:2",
        "rows:บันทึกรายละเอียด:20:5",
    ];
    for (filter, ext) in [("Calc MS Excel 2007 XML", "xlsx"), ("calc8", "ods")] {
        let out = env.path(format!("inserted.{ext}"));
        lo_edit(&input, &out, filter, &ops);
        let v = check_file(&out);
        assert_eq!(v.status, Status::Accepted, "{ext}: {:#?}", v.diagnostics);
        assert_eq!(figures(&v), figures(&original), "{ext}");
        assert_eq!(
            v.submission.log.len(),
            original.submission.log.len(),
            "{ext}"
        );
        // Findings follow their cells: the KPI's Q4 result moved down two rows (E35 → E37).
        let mismatch = v
            .diagnostics
            .iter()
            .find(|d| d.finding.code() == "log-total-mismatch")
            .unwrap();
        assert_eq!(mismatch.location.cell.as_deref(), Some("E37"), "{ext}");
    }
}
