//! Criterion micro-benchmarks of the hot functions, all through the public library API:
//!
//! - `scoring/*`: one KPI scored (the golden seed 000 KPI: thresholds 0/150/300/450/826,
//!   weight 30, cumulative results 0/184/464/826) and a whole sample submission scored;
//! - `thai/*`: Thai-numeral number parsing and Thai date parsing on realistic cell texts;
//! - `reader/*`: one filled sample workbook read from bytes in memory, the main per-file cost;
//! - `validate/*`: one workbook checked end to end from bytes (read, then judged);
//! - `template/*`: the blank template workbook generated into bytes;
//! - `receipt/*`: a division's plain-text receipt rendered.
//!
//! Fixtures are built in memory from the template generator and [`kpiwatch::domain::samples`], as the
//! tests do; nothing touches the disk. Run with `cargo bench --bench hot` (about a minute of
//! measuring after the release build); pass a filter to run part of it, e.g.
//! `cargo bench --bench hot -- thai/`, or `-- --test` to run each benchmark once as a check.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kpiwatch::check::validate::{self, CheckOptions, Status};
use kpiwatch::domain::diagnostic::DiagnosticRecord;
use kpiwatch::domain::model::{BelowLevel1, Kpi, Quarter, Submission};
use kpiwatch::domain::samples;
use kpiwatch::domain::scoring;
use kpiwatch::domain::thai;
use kpiwatch::pass::receipt::{self, ReceiptInput, ReceiptState};
use kpiwatch::workbook::reader::{self, Limits};
use kpiwatch::workbook::template::{self, TemplateOptions};

/// The template filled with `sub`, as bytes (as `tests/common::workbook_bytes` builds it).
fn workbook_bytes(sub: &Submission) -> Vec<u8> {
    let opts = TemplateOptions {
        kpi_sheets: sub.kpis.len().max(1),
        fiscal_year: sub.fiscal_year,
    };
    template::to_bytes(sub, &opts).expect("sample fills the template")
}

/// Seed 000's KPI สตป. 02, checked to be the golden figures so the bench measures what it says.
fn golden_kpi() -> Kpi {
    let kpi = samples::inspection_office().kpis.swap_remove(0);
    assert_eq!(kpi.thresholds, [0.0, 150.0, 300.0, 450.0, 826.0]);
    assert_eq!(kpi.weight, 30.0);
    let results = Quarter::ALL.map(|q| kpi.report(q).result);
    assert_eq!(results, [Some(0.0), Some(184.0), Some(464.0), Some(826.0)]);
    kpi
}

fn scoring(c: &mut Criterion) {
    let kpi = golden_kpi();
    let scored = scoring::score_kpi(&kpi, BelowLevel1::Zero).expect("golden KPI scores");
    assert_eq!(scored[1].score, Some(2.2267));
    let sub = samples::inspection_office();

    let mut g = c.benchmark_group("scoring");
    g.bench_function("score_kpi_golden", |b| {
        b.iter(|| scoring::score_kpi(black_box(&kpi), black_box(BelowLevel1::Zero)))
    });
    g.bench_function("score_submission_inspection_office", |b| {
        b.iter(|| scoring::score_submission(black_box(&sub), black_box(BelowLevel1::Zero)))
    });
    g.finish();
}

fn thai_parsing(c: &mut Criterion) {
    let numbers = [
        ("thai_integer", "๑๘๔"),
        ("arabic_thousands_decimal", "1,234.5"),
        ("thai_thousands_decimal", "๑๔,๗๖๐.๐๐"),
        ("percent_word", "ร้อยละ 92"),
    ];
    let dates = [
        ("thai_abbrev_short_year", "๒๔ ส.ค. ๖๗"),
        ("thai_range", "๓๐ มี.ค. - ๒ เม.ย. ๖๔"),
        ("iso", "2021-03-09"),
    ];

    let mut g = c.benchmark_group("thai");
    for (name, text) in numbers {
        assert!(thai::parse_number(text).is_ok(), "{text}");
        g.bench_with_input(BenchmarkId::new("parse_number", name), text, |b, t| {
            b.iter(|| thai::parse_number(black_box(t)))
        });
    }
    for (name, text) in dates {
        assert!(thai::parse_thai_date(text).is_ok(), "{text}");
        g.bench_with_input(BenchmarkId::new("parse_thai_date", name), text, |b, t| {
            b.iter(|| thai::parse_thai_date(black_box(t)))
        });
    }
    g.finish();
}

fn workbooks(c: &mut Criterion) {
    let sub = samples::inspection_office();
    let bytes = workbook_bytes(&sub);
    let opts = CheckOptions::default();
    let limits = Limits::default();
    let verdict = validate::check_bytes(&bytes, &opts);
    assert_eq!(
        verdict.status,
        Status::Accepted,
        "{:?}",
        verdict.diagnostics
    );

    // Each of these takes milliseconds: fewer samples keep the run short.
    let mut g = c.benchmark_group("reader");
    g.sample_size(30);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("read_inspection_office", |b| {
        b.iter(|| reader::read(black_box(&bytes), black_box(&limits)))
    });
    g.finish();

    let mut g = c.benchmark_group("validate");
    g.sample_size(30);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("check_bytes_inspection_office", |b| {
        b.iter(|| validate::check_bytes(black_box(&bytes), black_box(&opts)))
    });
    g.finish();

    let blank = Submission::default();
    let blank_opts = TemplateOptions::default();
    let mut g = c.benchmark_group("template");
    g.sample_size(30);
    g.bench_function("to_bytes_blank", |b| {
        b.iter(|| template::to_bytes(black_box(&blank), black_box(&blank_opts)))
    });
    g.finish();
}

fn receipts(c: &mut Criterion) {
    let sub = samples::inspection_office();
    let verdict = validate::check_bytes(&workbook_bytes(&sub), &CheckOptions::default());
    let diagnostics: Vec<DiagnosticRecord> = verdict
        .diagnostics
        .iter()
        .map(DiagnosticRecord::from)
        .collect();
    let input = ReceiptInput {
        file: "สตป./kpi-2564-q4.xlsx",
        received_at: "2021-10-15 09:30:00",
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        status: verdict.status,
        submission: Some(&verdict.submission),
        diagnostics: &diagnostics,
        below_level1: BelowLevel1::Zero,
        state: &ReceiptState::default(),
    };

    let mut g = c.benchmark_group("receipt");
    g.bench_function("render_accepted_inspection_office", |b| {
        b.iter(|| receipt::render(black_box(&input)))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot;
    config = config();
    targets = scoring, thai_parsing, workbooks, receipts
}
criterion_main!(hot);
