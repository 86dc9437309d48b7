//! Deterministic demo shares for benchmarks and scale tests (`kpiwatch demo --generate N`).
//!
//! [`generate_submission`] turns a division index and a seed into a realistic, filled
//! [`Submission`] for fiscal year [`FISCAL_YEAR`], together with what kpiwatch must conclude about
//! it ([`Expected`]): accepted or rejected, the diagnostic codes it must report, and the official
//! division scores. [`generate`] writes N such workbooks into a share's inbox (one subfolder per
//! division), in parallel, plus `expected.json` and a `kpiwatch.toml` registering every division,
//! so a `kpiwatch run` over the result can be checked file by file.
//!
//! Everything is driven by [`SplitMix64`], so the same (index, seed) always gives the same
//! submission, on any machine and with any number of threads; no wall clock, no global state.
//!
//! Planted problems, drawn first from each division's stream so the rates do not depend on the
//! rest of the content ([`REJECT_RATE`], [`WARN_RATE`]):
//!
//! | rate | problem | codes kpiwatch must report |
//! |---|---|---|
//! | 2 % (0.5 % each) | one KPI weighs 120 | `weight-out-of-range`, `weights-not-100` |
//! | | thresholds 3 and 4 of one KPI swapped | `thresholds-not-monotone` |
//! | | two KPIs share one code | `duplicate-kpi-code` |
//! | | a KPI without a name | `missing-field` |
//! | 5 % (1.25 % each) | weights sum to 90–110 but not 100 | `weights-not-100` |
//! | | one own score off by one level | `own-score-differs` |
//! | | the detail log off by 1–5 units | `log-total-mismatch` |
//! | | one log date typed "มี.ย." | `log-date-typo` |
//! | 93 % | nothing | none |
//!
//! Independently, about 3 % of divisions have one KPI whose name starts with "=" or "+"
//! ([`Expected::formula_like_name`]); it must stay text everywhere.
//!
//! The modules follow the making of a share: the random stream (`rng`), one division
//! (`division`: its KPIs in `kpi` with their `figures`, its detail log in `log`, its people
//! and plan in `people`, the Thai words in `words`), and the share written to disk (`share`).

mod division;
mod figures;
mod kpi;
mod log;
mod people;
mod rng;
mod share;
#[cfg(test)]
mod tests;
mod words;

use serde::{Serialize, Serializer};

use crate::check::validate::Status;
use crate::domain::model::Submission;

pub use rng::SplitMix64;
pub use share::{DemoOptions, DemoSummary, generate, registry_toml};

/// Every generated division reports for this fiscal year (1 Oct 2023 – 30 Sep 2024).
pub const FISCAL_YEAR: i32 = 2567;

/// The seed `kpiwatch demo` uses when none is given.
pub const DEFAULT_SEED: u64 = 2567;

/// Share of divisions with one planted error (the file must be rejected).
pub const REJECT_RATE: f64 = 0.02;

/// Share of divisions with one planted warning only (the file must be accepted).
pub const WARN_RATE: f64 = 0.05;

/// Share of divisions with one KPI name starting with "=" or "+".
pub const FORMULA_LIKE_NAME_RATE: f64 = 0.03;

/// The file name of every generated workbook, inside its division's folder.
pub const FILE_NAME: &str = "kpi-2567.xlsx";

/// Written next to the inbox: what kpiwatch must conclude about every file.
pub const EXPECTED_FILE: &str = "expected.json";

/// Written next to the inbox: the registry of every generated division.
pub const CONFIG_FILE: &str = "kpiwatch.toml";
/// A deliberate problem planted in a division's workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Problem {
    /// Weights that sum to 90–110 but not 100 (warning).
    #[serde(rename = "weights-not-100")]
    WeightsNot100,
    /// One own score a whole level off the official one (warning).
    #[serde(rename = "wrong-own-score")]
    WrongOwnScore,
    /// The detail log adds up to 1–5 units more or less than the reported result (warning).
    #[serde(rename = "log-total-mismatch")]
    LogTotalMismatch,
    /// One log date in June written "มี.ย." (warning).
    #[serde(rename = "month-typo")]
    MonthTypo,
    /// One KPI weighs 120 (error).
    #[serde(rename = "weight-120")]
    WeightOutOfRange,
    /// Thresholds 3 and 4 of one scored KPI swapped (error).
    #[serde(rename = "thresholds-not-monotone")]
    ThresholdsNotMonotone,
    /// Two KPIs with the same code (error).
    #[serde(rename = "duplicate-kpi-code")]
    DuplicateKpiCode,
    /// A KPI without a name (error).
    #[serde(rename = "missing-kpi-name")]
    MissingKpiName,
}

impl Problem {
    pub const WARNINGS: [Problem; 4] = [
        Problem::WeightsNot100,
        Problem::WrongOwnScore,
        Problem::LogTotalMismatch,
        Problem::MonthTypo,
    ];
    pub const ERRORS: [Problem; 4] = [
        Problem::WeightOutOfRange,
        Problem::ThresholdsNotMonotone,
        Problem::DuplicateKpiCode,
        Problem::MissingKpiName,
    ];

    pub fn is_error(self) -> bool {
        Self::ERRORS.contains(&self)
    }

    /// Every diagnostic code kpiwatch reports for this problem, and no other.
    pub const fn codes(self) -> &'static [&'static str] {
        match self {
            Problem::WeightsNot100 => &["weights-not-100"],
            Problem::WrongOwnScore => &["own-score-differs"],
            Problem::LogTotalMismatch => &["log-total-mismatch"],
            Problem::MonthTypo => &["log-date-typo"],
            // The 120 is also counted in the division's total weight.
            Problem::WeightOutOfRange => &["weight-out-of-range", "weights-not-100"],
            Problem::ThresholdsNotMonotone => &["thresholds-not-monotone"],
            Problem::DuplicateKpiCode => &["duplicate-kpi-code"],
            Problem::MissingKpiName => &["missing-field"],
        }
    }
}

/// Draws a division's planted problem: the first two draws of its stream.
fn draw_problem(rng: &mut SplitMix64) -> Option<Problem> {
    let r = rng.next_f64();
    let which = rng.below(4) as usize;
    if r < REJECT_RATE {
        Some(Problem::ERRORS[which])
    } else if r < REJECT_RATE + WARN_RATE {
        Some(Problem::WARNINGS[which])
    } else {
        None
    }
}

/// What kpiwatch must conclude about one generated workbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// Path inside the inbox, '/'-separated, as the ledger records it: `div-00042/kpi-2567.xlsx`.
    pub path: String,
    /// The division's inbox subfolder (`div-00042`), as registered in `kpiwatch.toml`.
    pub folder: String,
    pub division_code: String,
    pub division_name: String,
    pub status: Status,
    /// Exactly the set of diagnostic codes kpiwatch reports for this file, sorted; empty for a
    /// clean file.
    pub codes: Vec<&'static str>,
    pub problem: Option<Problem>,
    /// One KPI name starts with "=" or "+".
    pub formula_like_name: bool,
    /// The division's score per quarter (`scoring::score_submission` with results below level 1
    /// scoring 0), `null` for a quarter no KPI reported; `None` for a rejected file.
    #[serde(serialize_with = "scores_json")]
    pub division_scores: Option<[Option<f64>; 4]>,
}

fn scores_json<S: Serializer>(x: &Option<[Option<f64>; 4]>, s: S) -> Result<S::Ok, S::Error> {
    struct Figure(Option<f64>);
    impl Serialize for Figure {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            crate::json::opt_number(&self.0, s)
        }
    }
    match x {
        Some(q) => s.collect_seq(q.iter().map(|&v| Figure(v))),
        None => s.serialize_none(),
    }
}

/// The folder of division `index` in the inbox.
pub fn folder_name(index: usize) -> String {
    format!("div-{index:05}")
}

/// The code of division `index` ("สก.00042").
pub fn division_code(index: usize) -> String {
    format!("สก.{index:05}")
}

/// The submission of division `index` under `seed`, and what kpiwatch must conclude about it.
/// Deterministic: the same arguments always give equal results.
pub fn generate_submission(index: usize, seed: u64) -> (Submission, Expected) {
    let mut rng = SplitMix64::for_division(index, seed);
    let problem = draw_problem(&mut rng);
    division::build(index, &mut rng, problem)
}

/// Division `index` under `seed` with `problem` planted instead of the drawn one (tests).
#[cfg(test)]
fn generate_with(index: usize, seed: u64, problem: Option<Problem>) -> (Submission, Expected) {
    let mut rng = SplitMix64::for_division(index, seed);
    let _ = draw_problem(&mut rng);
    division::build(index, &mut rng, problem)
}
