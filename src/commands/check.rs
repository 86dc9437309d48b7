//! `kpiwatch check FILE...`: reads and judges workbooks without touching any share, printing a
//! readable report per file or one JSON document. One bad file never stops the others.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::ExitCode;
use crate::check::validate::{CheckOptions, Status, Verdict, check_bytes};
use crate::domain::diagnostic::{Diagnostic, Severity};

#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub files: Vec<PathBuf>,
    pub json: bool,
    pub options: CheckOptions,
}

/// Reads and judges one file from disk; an unreadable file is a rejected verdict, not an error.
pub fn check_file(path: &Path, opts: &CheckOptions) -> Verdict {
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(&bytes, opts),
        Err(e) => Verdict::unreadable(format!("cannot read the file: {e}")),
    }
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

/// Checks every file (in parallel) and prints the reports in the order given.
pub fn run(cfg: &CheckConfig, out: &mut dyn Write) -> std::io::Result<ExitCode> {
    let verdicts: Vec<Verdict> = cfg
        .files
        .par_iter()
        .map(|p| check_file(p, &cfg.options))
        .collect();
    if cfg.json {
        let files = cfg
            .files
            .iter()
            .zip(&verdicts)
            .map(|(p, v)| FileReport::new(p, v))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &Report { files })?;
        writeln!(out)?;
    } else {
        for (p, v) in cfg.files.iter().zip(&verdicts) {
            write_text(out, p, v)?;
        }
    }
    Ok(if verdicts.iter().all(|v| v.status == Status::Accepted) {
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
        "{}: {} / {} ({} errors, {} warnings)",
        path.display(),
        v.status.label_th(),
        v.status.as_str(),
        v.count(Severity::Error),
        v.count(Severity::Warning)
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
