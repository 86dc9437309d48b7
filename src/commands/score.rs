//! `kpiwatch score`: the scoring rules as a calculator, for checking a figure by hand without
//! a workbook.

use std::io::Write;

use serde::Serialize;
use thiserror::Error;

use crate::domain::model::{BelowLevel1, Direction, KpiKind};
use crate::domain::scoring::{self, Criteria, CriteriaError, ResultError};
use crate::domain::thai::{self, NumberError};

/// What to score, as the user typed it; numbers may use Thai digits.
#[derive(Debug, Clone)]
pub struct ScoreConfig {
    /// The five thresholds T1..T5; not needed for milestone KPIs.
    pub levels: Vec<String>,
    pub weight: Option<String>,
    pub results: Vec<String>,
    pub kind: KpiKind,
    pub direction: Direction,
    pub below_level1: BelowLevel1,
    pub json: bool,
}

#[derive(Debug, Error)]
pub enum ScoreError {
    #[error("--levels needs exactly 5 thresholds (levels 1 to 5), got {0}")]
    LevelCount(usize),
    #[error("level {level}: {source}")]
    Level {
        level: usize,
        text: String,
        source: NumberError,
    },
    #[error("--weight: {source}")]
    WeightText { text: String, source: NumberError },
    #[error("result: {source}")]
    ResultText { text: String, source: NumberError },
    #[error("result {text:?}: {source}")]
    Result { text: String, source: ResultError },
    #[error("{0}")]
    Criteria(#[from] CriteriaError),
    #[error("no results given: add them after the options, e.g. `0 184 464 826`")]
    NoResults,
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Serialize)]
struct Row {
    #[serde(serialize_with = "crate::json::number")]
    result: f64,
    #[serde(serialize_with = "crate::json::number")]
    score: f64,
    #[serde(serialize_with = "crate::json::opt_number")]
    weighted: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Output {
    results: Vec<Row>,
}

/// Scores every result and prints a table, or one JSON object with `json`.
pub fn run(cfg: &ScoreConfig, out: &mut dyn Write) -> Result<(), ScoreError> {
    let criteria = criteria(cfg)?;
    let weight = cfg
        .weight
        .as_deref()
        .map(|text| {
            let w = thai::parse_number(text).map_err(|source| ScoreError::WeightText {
                text: text.to_owned(),
                source,
            })?;
            Ok::<_, ScoreError>(scoring::check_weight(w)?)
        })
        .transpose()?;
    if cfg.results.is_empty() {
        return Err(ScoreError::NoResults);
    }
    let rows = cfg
        .results
        .iter()
        .map(|text| {
            let result =
                scoring::parse_result(text, cfg.kind).map_err(|source| ScoreError::ResultText {
                    text: text.clone(),
                    source,
                })?;
            let score =
                criteria
                    .score(result, cfg.below_level1)
                    .map_err(|source| ScoreError::Result {
                        text: text.clone(),
                        source,
                    })?;
            Ok(Row {
                result,
                score,
                weighted: weight.map(|w| scoring::weighted(score, w)),
            })
        })
        .collect::<Result<Vec<_>, ScoreError>>()?;

    if cfg.json {
        serde_json::to_writer(&mut *out, &Output { results: rows })
            .map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        write_table(out, &rows, cfg)?;
    }
    Ok(())
}

fn criteria(cfg: &ScoreConfig) -> Result<Criteria, ScoreError> {
    if cfg.kind == KpiKind::Milestone && cfg.levels.is_empty() {
        return Ok(Criteria::new(
            cfg.kind,
            cfg.direction,
            [1.0, 2.0, 3.0, 4.0, 5.0],
        )?);
    }
    if cfg.levels.len() != 5 {
        return Err(ScoreError::LevelCount(cfg.levels.len()));
    }
    let mut t = [0.0; 5];
    for (i, text) in cfg.levels.iter().enumerate() {
        t[i] = thai::parse_number(text).map_err(|source| ScoreError::Level {
            level: i + 1,
            text: text.clone(),
            source,
        })?;
    }
    Ok(Criteria::new(cfg.kind, cfg.direction, t)?)
}

fn write_table(out: &mut dyn Write, rows: &[Row], cfg: &ScoreConfig) -> std::io::Result<()> {
    let with_weight = cfg.weight.is_some();
    write!(out, "{:>12}  {:>8}", "result", "score")?;
    if with_weight {
        write!(out, "  {:>8}", "weighted")?;
    }
    writeln!(out)?;
    for r in rows {
        write!(out, "{:>12}  {:>8.4}", fmt_number(r.result), r.score)?;
        if let Some(w) = r.weighted {
            write!(out, "  {w:>8.4}")?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "({} KPI, {}; {})",
        cfg.kind.name_en(),
        cfg.direction.name_en().to_owned() + " is better",
        cfg.below_level1.describe_en()
    )
}

fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(levels: &str, weight: Option<&str>, results: &[&str]) -> ScoreConfig {
        ScoreConfig {
            levels: if levels.is_empty() {
                vec![]
            } else {
                levels.split(',').map(String::from).collect()
            },
            weight: weight.map(String::from),
            results: results.iter().map(|s| s.to_string()).collect(),
            kind: KpiKind::Interpolated,
            direction: Direction::HigherIsBetter,
            below_level1: BelowLevel1::Zero,
            json: true,
        }
    }

    fn json(c: &ScoreConfig) -> String {
        let mut buf = Vec::new();
        run(c, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn golden_json_from_thai_digits() {
        let c = cfg("๐,๑๕๐,๓๐๐,๔๕๐,๘๒๖", Some("๓๐"), &["๐", "๑๘๔", "๔๖๔", "๘๒๖"]);
        assert_eq!(
            json(&c).trim(),
            r#"{"results":[{"result":0,"score":1,"weighted":0.3},{"result":184,"score":2.2267,"weighted":0.668},{"result":464,"score":4.0372,"weighted":1.2112},{"result":826,"score":5,"weighted":1.5}]}"#
        );
    }

    #[test]
    fn milestone_range_scores_its_highest_level() {
        let mut c = cfg("", Some("20"), &["1", "2", "3", "4-5"]);
        c.kind = KpiKind::Milestone;
        assert!(json(&c).contains(r#"{"result":5,"score":5,"weighted":1}"#));
    }

    #[test]
    fn bad_input_is_named() {
        let e = run(&cfg("0,150,300,450", None, &["1"]), &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--levels needs exactly 5 thresholds (levels 1 to 5), got 4"
        );
        let e = run(&cfg("0,150,300,450,826", None, &["abc"]), &mut Vec::new()).unwrap_err();
        assert_eq!(e.to_string(), "result: \"abc\" is not a number");
        let e = run(&cfg("0,150,100,450,826", None, &["1"]), &mut Vec::new()).unwrap_err();
        assert!(
            e.to_string()
                .contains("level 3 (100) does not follow level 2 (150)")
        );
        let e = run(
            &cfg("0,150,300,450,826", Some("120"), &["1"]),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "weight 120 is outside 0 < weight ≤ 100");
    }
}
