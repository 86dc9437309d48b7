//! `kpiwatch check FILE...`: reads and judges workbooks without touching any share, printing a
//! readable report per file or one JSON document. One bad file never stops the others.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::ExitCode;
use crate::check::validate::{CheckOptions, Status, Verdict, check_bytes};
use crate::domain::diagnostic::{Diagnostic, Severity};
use crate::domain::english::count;

#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub files: Vec<PathBuf>,
    pub json: bool,
    pub options: CheckOptions,
}

/// Reads and judges one file from disk. A path that cannot be read (missing, a folder, no
/// permission) is the caller's mistake, not a bad workbook: it is an error, not a verdict.
pub fn check_file(path: &Path, opts: &CheckOptions) -> std::io::Result<Verdict> {
    if path.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a folder, not a workbook",
        ));
    }
    std::fs::read(path).map(|bytes| check_bytes(&bytes, opts))
}

/// Why a path given to `check` was not judged, as one line for standard error.
fn not_read(path: &Path, e: &std::io::Error) -> String {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    };
    format!("kpiwatch: error: cannot read {}: {why}", path.display())
}

/// The JSON shape of one file in `kpiwatch check --json`.
#[derive(Debug, Serialize)]
pub struct FileReport<'a> {
    pub path: String,
    pub status: Status,
    pub division: DivisionJson<'a>,
    pub fiscal_year: Option<i32>,
    pub kpis: Vec<KpiJson<'a>>,
    pub division_scores: Vec<DivisionScoreJson>,
    pub diagnostics: &'a [Diagnostic],
}

#[derive(Debug, Serialize)]
pub struct DivisionJson<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct KpiJson<'a> {
    pub code: &'a str,
    pub name: &'a str,
    #[serde(serialize_with = "crate::json::number")]
    pub weight: f64,
    pub quarters: Vec<QuarterJson>,
}

#[derive(Debug, Serialize)]
pub struct QuarterJson {
    pub quarter: u8,
    #[serde(serialize_with = "crate::json::opt_number")]
    pub result: Option<f64>,
    #[serde(serialize_with = "crate::json::opt_number")]
    pub score: Option<f64>,
    #[serde(serialize_with = "crate::json::opt_number")]
    pub weighted: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct DivisionScoreJson {
    pub quarter: u8,
    #[serde(serialize_with = "crate::json::opt_number")]
    pub score: Option<f64>,
}

impl<'a> FileReport<'a> {
    pub fn new(path: &Path, v: &'a Verdict) -> Self {
        let sub = &v.submission;
        Self {
            path: path.display().to_string(),
            status: v.status,
            division: DivisionJson {
                code: &sub.division.code,
                name: &sub.division.name,
            },
            fiscal_year: sub.fiscal_year.map(|y| y.be()),
            kpis: sub
                .kpis
                .iter()
                .zip(&v.kpi_scores)
                .map(|(k, scores)| KpiJson {
                    code: &k.code,
                    name: &k.name,
                    weight: k.weight,
                    quarters: scores
                        .iter()
                        .map(|s| QuarterJson {
                            quarter: s.quarter.number(),
                            result: s.result,
                            score: s.score,
                            weighted: s.weighted,
                        })
                        .collect(),
                })
                .collect(),
            division_scores: v
                .division_scores
                .iter()
                .map(|d| DivisionScoreJson {
                    quarter: d.quarter.number(),
                    score: d.score,
                })
                .collect(),
            diagnostics: &v.diagnostics,
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    files: Vec<FileReport<'a>>,
}

/// Checks every file (in parallel) and prints the reports in the order given. A path that
/// cannot be read is named on standard error and makes the exit code 2 (a usage error); the
/// other files are still checked and reported.
pub fn run(cfg: &CheckConfig, out: &mut dyn Write) -> std::io::Result<ExitCode> {
    let results: Vec<std::io::Result<Verdict>> = cfg
        .files
        .par_iter()
        .map(|p| check_file(p, &cfg.options))
        .collect();
    let mut judged = Vec::with_capacity(results.len());
    let mut unreadable = false;
    for (p, r) in cfg.files.iter().zip(&results) {
        match r {
            Ok(v) => judged.push((p, v)),
            Err(e) => {
                unreadable = true;
                eprintln!("{}", not_read(p, e));
            }
        }
    }
    if cfg.json {
        let files = judged.iter().map(|(p, v)| FileReport::new(p, v)).collect();
        serde_json::to_writer_pretty(&mut *out, &Report { files })?;
        writeln!(out)?;
    } else {
        for (p, v) in &judged {
            write_text(out, p, v)?;
        }
    }
    Ok(if unreadable {
        ExitCode::Failure
    } else if judged.iter().all(|(_, v)| v.status == Status::Accepted) {
        ExitCode::Success
    } else {
        ExitCode::Rejected
    })
}

fn fmt4(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.4}"))
}

/// The human report: verdict, figures, then each finding with its cell.
pub fn write_text(out: &mut dyn Write, path: &Path, v: &Verdict) -> std::io::Result<()> {
    let sub = &v.submission;
    writeln!(
        out,
        "{}: {} / {} ({}, {})",
        path.display(),
        v.status.label_th(),
        v.status.as_str(),
        count(v.count(Severity::Error), "error"),
        count(v.count(Severity::Warning), "warning")
    )?;
    if !sub.division.code.is_empty() || !sub.division.name.is_empty() {
        writeln!(
            out,
            "  หน่วยงาน / division: {} {}   ปีงบประมาณ / fiscal year: {}",
            sub.division.code,
            sub.division.name,
            sub.fiscal_year.map_or("-".into(), |y| y.to_string())
        )?;
    }
    for (k, scores) in sub.kpis.iter().zip(&v.kpi_scores) {
        writeln!(out, "  KPI {} (weight {}) {}", k.code, k.weight, k.name)?;
        for s in scores {
            if let Some(r) = s.result {
                writeln!(
                    out,
                    "    {}  result {:>10}  score {:>7}  weighted {:>7}",
                    s.quarter,
                    r,
                    fmt4(s.score),
                    fmt4(s.weighted)
                )?;
            }
        }
    }
    let reported: Vec<_> = v
        .division_scores
        .iter()
        .filter(|d| d.score.is_some())
        .collect();
    if !reported.is_empty() {
        write!(out, "  คะแนนหน่วยงาน / division score:")?;
        for d in reported {
            write!(out, "  {} {}", d.quarter, fmt4(d.score))?;
        }
        writeln!(out)?;
    }
    for d in &v.diagnostics {
        writeln!(out, "  {d}")?;
    }
    Ok(())
}
