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

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::check::validate::Status;
use crate::config::ExpectedDivision;
use crate::domain::model::{
    Activity, BelowLevel1, Contact, Direction, Division, FiscalYear, Kpi, KpiKind, LogEntry,
    ProcessPlan, Quarter, QuarterReport, Submission,
};
use crate::domain::scoring::{self, Criteria};
use crate::domain::thai::{self, ThaiDigits, plain_number as plain};
use crate::output;
use crate::workbook::layout;
use crate::workbook::template::{self, TemplateOptions};

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

// ---------------------------------------------------------------------------------------------
// The random numbers
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014;
/// the reference C code is Vigna's `splitmix64.c`): a 64-bit counter advanced by the golden
/// gamma, each value scrambled by a fixed mixing function. Small, fast, passes BigCrush, and
/// fully specified, so generated shares are the same on every platform and in every version of
/// this crate. Not for cryptography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

/// The golden gamma, 2^64 / φ rounded to odd.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a variant of MurmurHash3's 64-bit finaliser).
const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The stream of division `index` under `seed`: seeds mixed so that neighbouring indices
    /// and seeds give unrelated streams.
    pub const fn for_division(index: usize, seed: u64) -> Self {
        Self::new(mix64(
            seed ^ mix64((index as u64).wrapping_add(GOLDEN_GAMMA)),
        ))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (`n` > 0) by multiply-high; the bias, below n / 2^64, is irrelevant
    /// here.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// What is planted and expected
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// One division
// ---------------------------------------------------------------------------------------------

/// The submission of division `index` under `seed`, and what kpiwatch must conclude about it.
/// Deterministic: the same arguments always give equal results.
pub fn generate_submission(index: usize, seed: u64) -> (Submission, Expected) {
    let mut rng = SplitMix64::for_division(index, seed);
    let problem = draw_problem(&mut rng);
    build(index, &mut rng, problem)
}

/// Division `index` under `seed` with `problem` planted instead of the drawn one (tests).
#[cfg(test)]
fn generate_with(index: usize, seed: u64, problem: Option<Problem>) -> (Submission, Expected) {
    let mut rng = SplitMix64::for_division(index, seed);
    let _ = draw_problem(&mut rng);
    build(index, &mut rng, problem)
}

/// How a KPI's figures behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A cumulative count, higher is better (units inspected); the detail log counts towards it.
    Count,
    PercentHigher,
    PercentLower,
    /// Average days, lower is better, creeping up through the year.
    Days,
    /// Cumulative incidents, lower is better.
    Incidents,
    /// Cumulative baht saved or earned, higher is better.
    Baht,
    Milestone,
}

/// Shapes of the KPIs other than the log's count, with their relative frequencies.
const SHAPES: [(Shape, u64); 7] = [
    (Shape::Count, 15),
    (Shape::PercentHigher, 25),
    (Shape::PercentLower, 10),
    (Shape::Days, 12),
    (Shape::Incidents, 8),
    (Shape::Baht, 8),
    (Shape::Milestone, 22),
];

fn draw_shape(rng: &mut SplitMix64) -> Shape {
    let total: u64 = SHAPES.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (shape, w) in SHAPES {
        if r < w {
            return shape;
        }
        r -= w;
    }
    Shape::Count
}

fn build(index: usize, rng: &mut SplitMix64, problem: Option<Problem>) -> (Submission, Expected) {
    let code = division_code(index);
    let folder = folder_name(index);
    let name = division_name(rng);
    let fy = FiscalYear::new(FISCAL_YEAR);

    // Quarters reported: mostly the whole year, some divisions only the first one to three.
    // A month typo needs a June date, so that division has reported at least up to Q3.
    let reported = match rng.below(10) {
        0 => 1,
        1 | 2 => 2,
        3..=5 => 3,
        _ => 4,
    };
    let reported = if problem == Some(Problem::MonthTypo) {
        reported.max(3)
    } else {
        reported
    };

    let n = rng.range(3, 8) as usize;
    let log_kpi = rng.below(n as u64) as usize;
    // One KPI (never the log's) may have reported a quarter fewer than the others.
    let lagging = (reported >= 2 && rng.chance(0.1))
        .then(|| (log_kpi + 1 + rng.below(n as u64 - 1) as usize) % n);
    let weights = draw_weights(rng, n);
    let mut used_names = Vec::with_capacity(n);
    let mut kpis: Vec<Kpi> = (0..n)
        .map(|i| {
            let shape = if i == log_kpi {
                Shape::Count
            } else {
                draw_shape(rng)
            };
            let quarters = if lagging == Some(i) {
                reported - 1
            } else {
                reported
            };
            make_kpi(rng, &code, i, shape, weights[i], quarters, &mut used_names)
        })
        .collect();

    // Structural problems, before own scores are typed from the final criteria and weights.
    let others: Vec<usize> = (0..n).filter(|&i| i != log_kpi).collect();
    match problem {
        Some(Problem::WeightsNot100) => {
            let k = rng.below(n as u64) as usize;
            let delta = *rng.pick(&[-10.0, -5.0, 5.0, 10.0]);
            // Every weight is at least 5, so only a 5 cannot lose 10.
            let w = kpis[k].weight;
            kpis[k].weight = if w + delta <= 0.0 { w + 5.0 } else { w + delta };
        }
        Some(Problem::WeightOutOfRange) => {
            let k = rng.below(n as u64) as usize;
            kpis[k].weight = 120.0;
        }
        Some(Problem::ThresholdsNotMonotone) => {
            let scored: Vec<usize> = (0..n)
                .filter(|&i| kpis[i].kind != KpiKind::Milestone)
                .collect();
            let k = *rng.pick(&scored);
            kpis[k].thresholds.swap(2, 3);
        }
        Some(Problem::DuplicateKpiCode) => {
            // Two KPIs other than the log's, so the log still adds up to its own KPI.
            let a = rng.below(others.len() as u64) as usize;
            let b = (a + 1 + rng.below(others.len() as u64 - 1) as usize) % others.len();
            let (first, second) = (others[a.min(b)], others[a.max(b)]);
            kpis[second].code = kpis[first].code.clone();
        }
        Some(Problem::MissingKpiName) => {
            let k = rng.below(n as u64) as usize;
            kpis[k].name.clear();
        }
        _ => {}
    }

    // A name a spreadsheet would take for a formula, on a KPI that still has a name.
    let formula_like_name = rng.chance(FORMULA_LIKE_NAME_RATE);
    if formula_like_name {
        let named: Vec<usize> = (0..n).filter(|&i| !kpis[i].name.is_empty()).collect();
        let k = *rng.pick(&named);
        let prefix = if rng.chance(0.5) { "=" } else { "+ " };
        kpis[k].name = format!("{prefix}{}", kpis[k].name);
    }

    for k in &mut kpis {
        if rng.chance(0.35) {
            type_own_scores(k);
        }
    }
    if problem == Some(Problem::WrongOwnScore) {
        plant_wrong_own_score(rng, &mut kpis);
    }

    let typo = problem == Some(Problem::MonthTypo);
    let mut log = make_log(rng, &kpis[log_kpi], reported, fy, typo);
    if problem == Some(Problem::LogTotalMismatch) {
        plant_log_mismatch(rng, &mut log);
    }

    let contact = person(rng);
    let plan = make_plan(rng, &name, &kpis[log_kpi]);
    let sub = Submission {
        division: Division {
            code: code.clone(),
            name: name.clone(),
        },
        fiscal_year: Some(fy),
        reporting_quarter: Quarter::from_number(reported as u8),
        contact,
        contact_email: format!("kpi.{index:05}@example.go.th"),
        kpis,
        plan,
        log,
    };

    let status = if problem.is_some_and(Problem::is_error) {
        Status::Rejected
    } else {
        Status::Accepted
    };
    let codes: BTreeSet<&'static str> = problem.iter().flat_map(|p| p.codes()).copied().collect();
    let division_scores = (status == Status::Accepted).then(|| {
        let (_, division) = scoring::score_submission(&sub, BelowLevel1::Zero);
        division.map(|d| d.score)
    });
    let expected = Expected {
        path: format!("{folder}/{FILE_NAME}"),
        folder,
        division_code: code,
        division_name: name,
        status,
        codes: codes.into_iter().collect(),
        problem,
        formula_like_name,
        division_scores,
    };
    (sub, expected)
}

/// `n` weights, multiples of 5, each at least 5, summing to 100.
fn draw_weights(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    let mut units = vec![1u32; n];
    for _ in n..20 {
        units[rng.below(n as u64) as usize] += 1;
    }
    units.into_iter().map(|u| f64::from(u) * 5.0).collect()
}

/// Thresholds and the four quarters' cumulative results of one KPI, results as written.
struct Figures {
    thresholds: [f64; 5],
    results: [(f64, String); 4],
}

fn make_kpi(
    rng: &mut SplitMix64,
    division: &str,
    i: usize,
    shape: Shape,
    weight: f64,
    reported: usize,
    used_names: &mut Vec<&'static str>,
) -> Kpi {
    let (names, unit, direction, kinds): (&[&'static str], &str, Direction, &[KpiKind]) =
        match shape {
            Shape::Count => {
                if rng.chance(0.6) {
                    (COUNT_UNITS_NAMES, "หน่วยงาน", HIGHER, QUANTITATIVE)
                } else {
                    (COUNT_TIMES_NAMES, "ครั้ง", HIGHER, QUANTITATIVE)
                }
            }
            Shape::PercentHigher => (PERCENT_HIGHER_NAMES, "ร้อยละ", HIGHER, QUANTITATIVE),
            Shape::PercentLower => (PERCENT_LOWER_NAMES, "ร้อยละ", LOWER, QUANTITATIVE),
            Shape::Days => (DAYS_NAMES, "วัน", LOWER, QUANTITATIVE),
            Shape::Incidents => (INCIDENT_NAMES, "ครั้ง", LOWER, QUANTITATIVE),
            Shape::Baht => (BAHT_NAMES, "บาท", HIGHER, &[KpiKind::Interpolated]),
            Shape::Milestone => (MILESTONE_NAMES, "ระดับ", HIGHER, &[KpiKind::Milestone]),
        };
    let kind = *rng.pick(kinds);
    let figures = figures(rng, shape);
    let t = figures.thresholds;
    let thai_digits = rng.chance(0.3);
    let num = |x: f64| {
        let s = plain(x);
        if thai_digits {
            thai::to_thai_digits(&s)
        } else {
            s
        }
    };
    let level_descriptions: [String; 5] = if shape == Shape::Milestone {
        MILESTONE_STEPS.map(str::to_owned)
    } else {
        t.map(|x| match shape {
            Shape::PercentHigher | Shape::PercentLower => format!("ร้อยละ {}", num(x)),
            Shape::Baht => format!("{} บาท", grouped(x as u64)),
            _ => format!("{} {unit}", num(x)),
        })
    };
    let target = match shape {
        Shape::PercentHigher | Shape::PercentLower => format!("ร้อยละ {}", plain(t[4])),
        Shape::Baht => grouped(t[4] as u64),
        _ => plain(t[4]),
    };
    let baseline = |rng: &mut SplitMix64| {
        if rng.chance(0.4) {
            "-".to_owned()
        } else {
            match shape {
                Shape::Count | Shape::Incidents => {
                    format!("{} {unit}", plain((t[4] * rng.uniform(0.8, 1.1)).round()))
                }
                Shape::PercentHigher | Shape::PercentLower => {
                    format!("ร้อยละ {}", plain(t[rng.below(5) as usize]))
                }
                Shape::Baht => format!("{} บาท", grouped((t[3] * rng.uniform(0.8, 1.1)) as u64)),
                Shape::Days => format!("{} วัน", plain(t[rng.below(5) as usize])),
                Shape::Milestone => format!("ระดับ {}", rng.range(3, 5)),
            }
        }
    };
    let baselines = [baseline(rng), baseline(rng), baseline(rng)];
    // No two KPIs of a division share a name; a shape drawn more often than it has names gets
    // a numbered variant.
    let fresh: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| !used_names.contains(n))
        .collect();
    let name = if fresh.is_empty() {
        format!(
            "{} (ชุดที่ {})",
            rng.pick(names),
            thai::to_thai_digits(&(i + 1).to_string())
        )
    } else {
        let name = *rng.pick(&fresh);
        used_names.push(name);
        name.to_owned()
    };
    let mut quarters: [QuarterReport; 4] = Default::default();
    for (q, report) in quarters.iter_mut().enumerate().take(reported) {
        let (value, text) = &figures.results[q];
        report.result = Some(*value);
        report.result_text = Some(text.clone());
        report.details = details(rng, shape, q, *value, unit, &t);
        report.evidence = evidence(rng, q);
    }
    Kpi {
        code: format!("{division} {:02}", i + 1),
        name,
        action_plan: rng.pick(ACTION_PLANS).to_string(),
        strategic_issue: rng.pick(STRATEGIC_ISSUES).to_string(),
        dimension: rng.pick(DIMENSIONS).to_string(),
        goal: rng.pick(GOALS).to_string(),
        weight,
        description: rng.pick(DESCRIPTIONS).to_string(),
        kind,
        direction,
        thresholds: t,
        level_descriptions,
        conditions: if rng.chance(0.7) {
            "-".to_owned()
        } else {
            rng.pick(CONDITIONS).to_string()
        },
        unit: unit.to_owned(),
        target,
        baselines,
        data_source: rng.pick(DATA_SOURCES).to_string(),
        owner: person(rng),
        supporter: person(rng),
        quarters,
    }
}

const HIGHER: Direction = Direction::HigherIsBetter;
const LOWER: Direction = Direction::LowerIsBetter;
const QUANTITATIVE: &[KpiKind] = &[
    KpiKind::Interpolated,
    KpiKind::Interpolated,
    KpiKind::Interpolated,
    KpiKind::Stepped,
];

/// The thresholds (strictly monotone in the shape's direction) and four cumulative results,
/// non-decreasing except for percentages, which may fall.
fn figures(rng: &mut SplitMix64, shape: Shape) -> Figures {
    match shape {
        Shape::Count => {
            let top = rng.range(40, 150) * 10;
            let first = if rng.chance(0.3) { 0 } else { top / 5 };
            let thresholds = [
                first as f64,
                (top * 2 / 5) as f64,
                (top * 3 / 5) as f64,
                (top * 4 / 5) as f64,
                top as f64,
            ];
            let results = cumulative(rng, top as f64, 1.0).map(|x| (x, count_text(rng, x)));
            Figures {
                thresholds,
                results,
            }
        }
        Shape::Baht => {
            let top = rng.range(10, 100) * 100_000;
            let thresholds = [6, 7, 8, 9, 10].map(|k| (top / 10 * k) as f64);
            let results = cumulative(rng, top as f64, 100.0).map(|x| {
                let text = if rng.chance(0.5) {
                    grouped(x as u64)
                } else {
                    plain(x)
                };
                (x, text)
            });
            Figures {
                thresholds,
                results,
            }
        }
        Shape::PercentHigher => {
            let thresholds: [f64; 5] = *rng.pick(&[
                [80.0, 85.0, 90.0, 95.0, 100.0],
                [86.0, 88.0, 90.0, 92.0, 94.0],
                [60.0, 70.0, 80.0, 90.0, 100.0],
                [75.0, 80.0, 85.0, 90.0, 95.0],
            ]);
            let decimals = rng.chance(0.4);
            let results = std::array::from_fn(|_| {
                let x = percent(rng, thresholds[0] - 4.0, (thresholds[4] + 3.0).min(100.0));
                let x = if decimals { x } else { x.round() };
                (x, percent_text(rng, x))
            });
            Figures {
                thresholds,
                results,
            }
        }
        Shape::PercentLower => {
            let thresholds: [f64; 5] = *rng.pick(&[
                [10.0, 8.0, 6.0, 4.0, 2.0],
                [20.0, 15.0, 10.0, 5.0, 0.0],
                [5.0, 4.0, 3.0, 2.0, 1.0],
            ]);
            let results = std::array::from_fn(|_| {
                let x = percent(rng, (thresholds[4] - 1.0).max(0.0), thresholds[0] + 3.0);
                (x, percent_text(rng, x))
            });
            Figures {
                thresholds,
                results,
            }
        }
        Shape::Days => {
            let thresholds: [f64; 5] = *rng.pick(&[
                [15.0, 12.0, 10.0, 8.0, 6.0],
                [30.0, 25.0, 20.0, 15.0, 10.0],
                [7.0, 6.0, 5.0, 4.0, 3.0],
            ]);
            let mut x = tenths(rng.uniform(thresholds[4] - 1.0, thresholds[1]));
            let thai_digits = rng.chance(0.3);
            let results = std::array::from_fn(|q| {
                if q > 0 {
                    x = tenths(x + rng.uniform(0.0, 1.0));
                }
                let s = plain(x);
                (
                    x,
                    if thai_digits {
                        thai::to_thai_digits(&s)
                    } else {
                        s
                    },
                )
            });
            Figures {
                thresholds,
                results,
            }
        }
        Shape::Incidents => {
            let thresholds: [f64; 5] = *rng.pick(&[
                [20.0, 16.0, 12.0, 8.0, 4.0],
                [10.0, 8.0, 6.0, 4.0, 2.0],
                [12.0, 9.0, 6.0, 3.0, 1.0],
            ]);
            let mut x = rng.range(0, 2) as f64;
            let results = std::array::from_fn(|q| {
                if q > 0 {
                    x += rng.range(0, 3) as f64;
                }
                (x, count_text(rng, x))
            });
            Figures {
                thresholds,
                results,
            }
        }
        Shape::Milestone => {
            let mut level = rng.range(1, 2);
            let levels: [i64; 4] = std::array::from_fn(|q| {
                if q > 0 && rng.chance(0.7) {
                    level = (level + 1).min(5);
                }
                level
            });
            let results = std::array::from_fn(|q| {
                let l = levels[q];
                let before = if q == 0 { l - 1 } else { levels[q - 1] };
                if l == 5 && before == 4 && rng.chance(0.4) {
                    let text = if rng.chance(0.3) { "๔ - ๕" } else { "4-5" };
                    (5.0, text.to_owned())
                } else {
                    (l as f64, l.to_string())
                }
            });
            Figures {
                thresholds: [1.0, 2.0, 3.0, 4.0, 5.0],
                results,
            }
        }
    }
}

/// Four cumulative results towards `top`, rounded to multiples of `step`, non-decreasing.
fn cumulative(rng: &mut SplitMix64, top: f64, step: f64) -> [f64; 4] {
    let bands = [(0.15, 0.3), (0.35, 0.55), (0.6, 0.8), (0.85, 1.1)];
    let mut prev = 0.0;
    bands.map(|(lo, hi)| {
        let x = ((top * rng.uniform(lo, hi)) / step).round() * step;
        prev = x.max(prev);
        prev
    })
}

/// A percentage in [lo, hi] with one decimal, at most 100.
fn percent(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    tenths(rng.uniform(lo, hi)).clamp(0.0, 100.0)
}

/// Rounded to one decimal, as a person would type it (so "87.3" parses back to the same f64).
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// "1,250,000".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn count_text(rng: &mut SplitMix64, x: f64) -> String {
    match rng.below(10) {
        0 | 1 => thai::to_thai_digits(&plain(x)),
        2 if x >= 1000.0 => grouped(x as u64),
        _ => plain(x),
    }
}

fn percent_text(rng: &mut SplitMix64, x: f64) -> String {
    match rng.below(20) {
        0..=2 => format!("ร้อยละ {}", plain(x)),
        3 | 4 => format!("{}%", plain(x)),
        5..=7 => thai::to_thai_digits(&plain(x)),
        _ => plain(x),
    }
}

fn details(
    rng: &mut SplitMix64,
    shape: Shape,
    q: usize,
    value: f64,
    unit: &str,
    t: &[f64; 5],
) -> String {
    let quarter = q + 1;
    let text = match shape {
        Shape::Count => {
            let on_site = (value * rng.uniform(0.1, 0.4)).round();
            format!(
                "ผลการดำเนินงานสะสมถึงไตรมาสที่ {quarter} จำนวน {} {unit} จากเป้าหมาย {} {unit} (ลงพื้นที่ {} {unit} และผ่านระบบ VDO Conference {} {unit})",
                plain(value),
                plain(t[4]),
                plain(on_site),
                plain(value - on_site)
            )
        }
        Shape::PercentHigher | Shape::PercentLower => {
            let total = rng.range(20, 300);
            format!(
                "ผลการดำเนินงานสะสมถึงไตรมาสที่ {quarter} คิดเป็นร้อยละ {} จากจำนวนเรื่องทั้งหมด {total} เรื่อง",
                plain(value)
            )
        }
        Shape::Days => format!(
            "ระยะเวลาดำเนินการเฉลี่ยสะสมถึงไตรมาสที่ {quarter} เท่ากับ {} วัน",
            plain(value)
        ),
        Shape::Incidents => format!(
            "เกิดเหตุสะสมถึงไตรมาสที่ {quarter} จำนวน {} ครั้ง ได้แก้ไขและรายงานผู้บริหารทุกครั้ง",
            plain(value)
        ),
        Shape::Baht => format!(
            "ผลการดำเนินงานสะสมถึงไตรมาสที่ {quarter} จำนวน {} บาท",
            grouped(value as u64)
        ),
        Shape::Milestone => {
            let level = (value.floor() as usize).clamp(1, 5);
            format!(
                "ดำเนินการถึงระดับ {}: {}",
                plain(value),
                MILESTONE_STEPS[level - 1]
            )
        }
    };
    if rng.chance(0.4) {
        thai::to_thai_digits(&text)
    } else {
        text
    }
}

fn evidence(rng: &mut SplitMix64, q: usize) -> String {
    match rng.below(4) {
        0 => String::new(),
        1 => format!("1. รายงานผลการดำเนินงาน ไตรมาส {}", q + 1),
        2 => thai::to_thai_digits(&format!(
            "หนังสือ ที่ กค 0203.{}/{} และรายงานการประชุม",
            rng.range(1, 9),
            rng.range(100, 2999)
        )),
        _ => "- ไม่มี -".to_owned(),
    }
}

/// Types the division's own scores for every reported quarter, correctly.
fn type_own_scores(k: &mut Kpi) {
    let (Ok(criteria), Ok(weight)) = (Criteria::of_kpi(k), scoring::check_weight(k.weight)) else {
        return;
    };
    for report in &mut k.quarters {
        if let Some(result) = report.result
            && let Ok(score) = criteria.score(result, BelowLevel1::Zero)
        {
            report.own_score = Some(score);
            report.own_weighted = Some(scoring::weighted(score, weight));
        }
    }
}

/// One own score a whole level off the official one; its weighted score, if typed, stays right.
fn plant_wrong_own_score(rng: &mut SplitMix64, kpis: &mut [Kpi]) {
    let k = rng.below(kpis.len() as u64) as usize;
    let kpi = &mut kpis[k];
    let Ok(criteria) = Criteria::of_kpi(kpi) else {
        return;
    };
    let reported: Vec<usize> = (0..4)
        .filter(|&q| kpi.quarters[q].result.is_some())
        .collect();
    let q = *rng.pick(&reported);
    let report = &mut kpi.quarters[q];
    if let Some(result) = report.result
        && let Ok(score) = criteria.score(result, BelowLevel1::Zero)
    {
        let wrong = if score >= 1.0 {
            score - 1.0
        } else {
            score + 1.0
        };
        report.own_score = Some(scoring::round4(wrong));
    }
}

// ---------------------------------------------------------------------------------------------
// The detail log
// ---------------------------------------------------------------------------------------------

/// 50–200 rows counting towards `kpi`, dated inside the fiscal year up to the end of the last
/// quarter reported, whose units add up exactly to its latest cumulative result. With `typo`,
/// one row is dated in June and written with the misspelt month "มี.ย.".
fn make_log(
    rng: &mut SplitMix64,
    kpi: &Kpi,
    reported: usize,
    fy: FiscalYear,
    typo: bool,
) -> Vec<LogEntry> {
    let total = kpi
        .quarters
        .iter()
        .rev()
        .find_map(|q| q.result)
        .unwrap_or_default() as u64;
    let rows = (rng.range(50, 200) as u64).min(total).max(1) as usize;
    let (first, _) = fy.bounds().expect("the demo's fiscal year has bounds");
    let (_, last) = thai::fiscal_quarter_bounds(fy.be(), reported as u8)
        .expect("the demo's quarters have bounds");
    let span = (last - first).num_days().max(0) as u64 + 1;

    // Some integrated-conference rows count no units, like seed 000's; the first row always
    // counts, so the units have somewhere to go.
    let counted: Vec<bool> = (0..rows).map(|i| i == 0 || !rng.chance(0.05)).collect();
    let n_counted = counted.iter().filter(|&&c| c).count();
    let mut units = split(rng, total, n_counted).into_iter();
    let inspectors: Vec<String> = (0..rng.range(2, 4))
        .map(|_| format!("ผู้ตรวจราชการ ({})", person(rng).name))
        .collect();

    let mut dated: Vec<(NaiveDate, LogEntry)> = Vec::with_capacity(rows);
    for (i, &counts) in counted.iter().enumerate() {
        let (start, date_text) = if typo && i == 0 {
            let day = rng.range(1, 30) as u32;
            let june =
                NaiveDate::from_ymd_opt(thai::be_to_ce(fy.be()), 6, day).expect("June has 30 days");
            let yy = fy.be().rem_euclid(100);
            (june, thai::to_thai_digits(&format!("{day} มี.ย. {yy:02}")))
        } else {
            let start = first + Days::new(rng.below(span));
            (start, date_text(rng, start, last))
        };
        let (units, mode, cost) = if counts {
            let mode = *rng.pick(&[
                layout::LOG_MODES[0],
                layout::LOG_MODES[1],
                layout::LOG_MODES[1],
                layout::LOG_MODES[2],
            ]);
            let cost = (mode == layout::LOG_MODES[0]).then(|| (rng.range(15, 450) * 100) as f64);
            (units.next().map(|u| u as f64), mode, cost)
        } else {
            (None, layout::LOG_MODES[3], None)
        };
        dated.push((
            start,
            LogEntry {
                kpi_code: kpi.code.clone(),
                date_text,
                start: None,
                end: None,
                area: rng.pick(PROVINCES).to_string(),
                units,
                mode: mode.to_owned(),
                cost,
                note: rng.pick(&inspectors).clone(),
            },
        ));
    }
    // A stable sort keeps equal dates in the order drawn.
    dated.sort_by_key(|(d, _)| *d);
    dated.into_iter().map(|(_, e)| e).collect()
}

/// `total` split into `parts` integers, each at least 1 when `total` ≥ `parts`.
fn split(rng: &mut SplitMix64, total: u64, parts: usize) -> Vec<u64> {
    let parts = parts.max(1);
    let base = u64::from(total >= parts as u64);
    let rest = total - base * parts as u64;
    let weights: Vec<f64> = (0..parts).map(|_| rng.uniform(0.2, 1.0)).collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| base + (rest as f64 * w / sum).floor() as u64)
        .collect();
    let mut left = total - out.iter().sum::<u64>();
    while left > 0 {
        out[rng.below(parts as u64) as usize] += 1;
        left -= 1;
    }
    out
}

/// A log date as divisions type it: "๑๒ ม.ค. ๖๗" mostly, sometimes Arabic digits, a four-digit
/// year or a range "๒๒ - ๒๓ มี.ค. ๖๗" within one month and never past `last`.
fn date_text(rng: &mut SplitMix64, start: NaiveDate, last: NaiveDate) -> String {
    let abbr = thai::MONTH_ABBR[start.month0() as usize];
    let yy = thai::ce_to_be(start.year()).rem_euclid(100);
    let r = rng.below(20);
    if r < 3 && start.day() <= 26 {
        let end = start + Days::new(rng.range(1, 2) as u64);
        if end <= last {
            let sep = if rng.chance(0.5) { " - " } else { "-" };
            let s = format!("{}{sep}{} {abbr} {yy:02}", start.day(), end.day());
            return thai::to_thai_digits(&s);
        }
    }
    match r {
        3 | 4 => format!("{} {abbr} {yy:02}", start.day()),
        5 => thai::format_thai_date(start, ThaiDigits::Yes),
        _ => thai::to_thai_digits(&format!("{} {abbr} {yy:02}", start.day())),
    }
}

fn plant_log_mismatch(rng: &mut SplitMix64, log: &mut [LogEntry]) {
    let counted: Vec<usize> = (0..log.len()).filter(|&i| log[i].units.is_some()).collect();
    let i = *rng.pick(&counted);
    let delta = rng.range(1, 5) as f64;
    if let Some(u) = &mut log[i].units {
        *u = if *u > delta && rng.chance(0.5) {
            *u - delta
        } else {
            *u + delta
        };
    }
}

// ---------------------------------------------------------------------------------------------
// Division, people, plan
// ---------------------------------------------------------------------------------------------

fn division_name(rng: &mut SplitMix64) -> String {
    let prefix = rng.pick(&["สำนัก", "กอง", "ศูนย์"]);
    let function = rng.pick(FUNCTIONS);
    let area = if rng.chance(0.4) {
        format!("ภาค {}", rng.range(1, 9))
    } else {
        format!("จังหวัด{}", rng.pick(PROVINCES))
    };
    format!("{prefix}{function} {area}")
}

fn person(rng: &mut SplitMix64) -> Contact {
    let (title, first) = if rng.chance(0.5) {
        ("นาย", rng.pick(MALE_NAMES))
    } else {
        (*rng.pick(&["นางสาว", "นาง"]), rng.pick(FEMALE_NAMES))
    };
    let phone = if rng.chance(0.7) {
        format!("0 2126 5800 ต่อ {}", rng.range(2000, 2999))
    } else {
        format!(
            "08{}-{:03}-{:04}",
            rng.range(1, 9),
            rng.below(1000),
            rng.below(10_000)
        )
    };
    Contact {
        name: format!("{title}{first} {}", rng.pick(SURNAMES)),
        phone,
    }
}

fn make_plan(rng: &mut SplitMix64, division: &str, log_kpi: &Kpi) -> ProcessPlan {
    let t = &log_kpi.thresholds;
    let unit = &log_kpi.unit;
    let th = |x: f64| thai::to_thai_digits(&plain(x));
    let n = rng.range(2, 8) as usize;
    let mut names: Vec<&str> = ACTIVITIES.to_vec();
    let activities = (0..n)
        .map(|i| {
            let name = names.remove(rng.below(names.len() as u64) as usize);
            let start = rng.below(12) as usize;
            let len = rng.range(1, (12 - start) as i64) as usize;
            let mark = if rng.chance(0.5) { "✓" } else { "↔" };
            let mut months: [String; 12] = Default::default();
            for m in &mut months[start..start + len] {
                *m = mark.to_owned();
            }
            let budget = if rng.chance(0.4) {
                "-".to_owned()
            } else {
                let b = format!("{} บาท", grouped(rng.range(1, 50) as u64 * 10_000));
                if rng.chance(0.5) {
                    thai::to_thai_digits(&b)
                } else {
                    b
                }
            };
            Activity {
                name: format!("{}. {name}", thai::to_thai_digits(&(i + 1).to_string())),
                months,
                budget,
                owner: rng.pick(OWNERS).to_string(),
            }
        })
        .collect();
    ProcessPlan {
        process: format!("{}ของ{division}", rng.pick(PROCESSES)),
        clients: rng.pick(CLIENTS).to_string(),
        stakeholders: rng.pick(STAKEHOLDERS).to_string(),
        indicator: log_kpi.name.clone(),
        tier_quality: format!("ดำเนินการได้ครบ {} {unit}", th(t[4])),
        tier_standard: format!("ดำเนินการได้ตั้งแต่ {} - {} {unit}", th(t[3]), th(t[4])),
        tier_improve: format!("ดำเนินการได้น้อยกว่า {} {unit}", th(t[3])),
        digital: rng.pick(DIGITAL).to_string(),
        step_reduction: rng.pick(STEP_REDUCTIONS).to_string(),
        activities,
        expected_results: rng.pick(EXPECTED_RESULTS).to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The share
// ---------------------------------------------------------------------------------------------

/// How many divisions, and the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub count: usize,
    pub seed: u64,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    pub files: usize,
    /// Files kpiwatch must accept (with or without planted warnings).
    pub accepted: usize,
    /// Files kpiwatch must reject.
    pub rejected: usize,
    /// Accepted files with a planted warning.
    pub warned: usize,
    /// Total size of the workbooks.
    pub bytes: u64,
    pub expected_path: PathBuf,
    pub config_path: PathBuf,
    pub elapsed: Duration,
}

/// The document written to `expected.json`.
#[derive(Serialize)]
struct ExpectedDoc<'a> {
    generator: &'static str,
    seed: u64,
    count: usize,
    fiscal_year: i32,
    below_level1: &'static str,
    reject_rate: f64,
    warn_rate: f64,
    files: &'a [Expected],
}

/// The registry written to `kpiwatch.toml`.
#[derive(Serialize)]
struct RegistryDoc {
    fiscal_year: i32,
    below_level1: &'static str,
    division: Vec<ExpectedDivision>,
}

/// `kpiwatch.toml` for these divisions: the fiscal year and every division registered with its
/// code, Thai name and inbox folder.
pub fn registry_toml(expected: &[Expected], seed: u64) -> String {
    let doc = RegistryDoc {
        fiscal_year: FISCAL_YEAR,
        below_level1: "zero",
        division: expected
            .iter()
            .map(|e| ExpectedDivision {
                code: e.division_code.clone(),
                name: e.division_name.clone(),
                folder: e.folder.clone(),
            })
            .collect(),
    };
    let body = toml::to_string(&doc).unwrap_or_default();
    format!(
        "# Generated by `kpiwatch demo --generate {} --seed {seed}`: every generated division is\n# registered, so a run over this share exercises the registry.\n{body}",
        expected.len()
    )
}

/// Writes `out/inbox/<folder>/kpi-2567.xlsx` for divisions `0..opts.count` (in parallel), then
/// `out/expected.json` and `out/kpiwatch.toml`. `progress` is called on the calling thread with
/// the number of workbooks written so far, after each one. Existing files at those paths are
/// overwritten; nothing else in `out` is touched.
pub fn generate(
    out: &Path,
    opts: &DemoOptions,
    progress: impl Fn(usize),
) -> Result<DemoSummary, io::Error> {
    let started = Instant::now();
    let inbox = out.join("inbox");
    std::fs::create_dir_all(&inbox)?;

    let (tx, rx) = mpsc::channel::<()>();
    let written: Result<Vec<(Expected, u64)>, io::Error> = std::thread::scope(|s| {
        let inbox = &inbox;
        let worker = s.spawn(move || {
            (0..opts.count)
                .into_par_iter()
                .map_with(tx, |tx, index| {
                    let r = write_division(inbox, index, opts.seed);
                    let _ = tx.send(());
                    r
                })
                .collect()
        });
        // Ends when every sender is gone: the work is done (or panicked).
        let mut done = 0;
        for () in rx {
            done += 1;
            progress(done);
        }
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    let written = written?;

    let bytes = written.iter().map(|(_, b)| b).sum();
    let expected: Vec<Expected> = written.into_iter().map(|(e, _)| e).collect();
    let rejected = expected
        .iter()
        .filter(|e| e.status == Status::Rejected)
        .count();
    let warned = expected
        .iter()
        .filter(|e| e.status == Status::Accepted && e.problem.is_some())
        .count();

    let doc = ExpectedDoc {
        generator: "kpiwatch demo",
        seed: opts.seed,
        count: opts.count,
        fiscal_year: FISCAL_YEAR,
        below_level1: "zero",
        reject_rate: REJECT_RATE,
        warn_rate: WARN_RATE,
        files: &expected,
    };
    let mut json = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
    json.push(b'\n');
    let expected_path = out.join(EXPECTED_FILE);
    output::write_atomic(&expected_path, &json)?;
    let config_path = out.join(CONFIG_FILE);
    output::write_atomic(&config_path, registry_toml(&expected, opts.seed).as_bytes())?;

    Ok(DemoSummary {
        files: expected.len(),
        accepted: expected.len() - rejected,
        rejected,
        warned,
        bytes,
        expected_path,
        config_path,
        elapsed: started.elapsed(),
    })
}

/// Generates and writes one division's workbook; its expectation and size.
fn write_division(inbox: &Path, index: usize, seed: u64) -> Result<(Expected, u64), io::Error> {
    let (sub, expected) = generate_submission(index, seed);
    let opts = TemplateOptions {
        kpi_sheets: sub.kpis.len(),
        fiscal_year: sub.fiscal_year,
    };
    let bytes = template::to_bytes(&sub, &opts).map_err(io::Error::other)?;
    let dir = inbox.join(&expected.folder);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(FILE_NAME), &bytes)?;
    Ok((expected, bytes.len() as u64))
}

// ---------------------------------------------------------------------------------------------
// Thai text
// ---------------------------------------------------------------------------------------------

const FUNCTIONS: &[&str] = &[
    "บริหารการคลัง",
    "ตรวจสอบภายใน",
    "เทคโนโลยีสารสนเทศ",
    "พัฒนาระบบบริหาร",
    "กฎหมาย",
    "การเจ้าหน้าที่",
    "แผนงานและงบประมาณ",
    "ประชาสัมพันธ์",
    "บริหารทั่วไป",
    "คลังและพัสดุ",
    "ตรวจสอบและประเมินผล",
    "ยุทธศาสตร์และแผนงาน",
    "บริหารทรัพยากรบุคคล",
    "สารสนเทศการคลัง",
    "เศรษฐกิจการคลัง",
    "กิจการต่างประเทศ",
];

const PROVINCES: &[&str] = &[
    "กรุงเทพมหานคร",
    "นนทบุรี",
    "ปทุมธานี",
    "สมุทรปราการ",
    "นครปฐม",
    "พระนครศรีอยุธยา",
    "ลพบุรี",
    "สระบุรี",
    "ชัยนาท",
    "สิงห์บุรี",
    "อ่างทอง",
    "สุพรรณบุรี",
    "กาญจนบุรี",
    "ราชบุรี",
    "เพชรบุรี",
    "ประจวบคีรีขันธ์",
    "สมุทรสาคร",
    "สมุทรสงคราม",
    "ชลบุรี",
    "ระยอง",
    "จันทบุรี",
    "ตราด",
    "ฉะเชิงเทรา",
    "ปราจีนบุรี",
    "เชียงใหม่",
    "เชียงราย",
    "ลำปาง",
    "ลำพูน",
    "แพร่",
    "น่าน",
    "พะเยา",
    "แม่ฮ่องสอน",
    "ตาก",
    "พิษณุโลก",
    "สุโขทัย",
    "อุตรดิตถ์",
    "เพชรบูรณ์",
    "นครสวรรค์",
    "พิจิตร",
    "กำแพงเพชร",
    "อุทัยธานี",
    "ขอนแก่น",
    "อุดรธานี",
    "หนองคาย",
    "เลย",
    "บึงกาฬ",
    "สกลนคร",
    "นครพนม",
    "มุกดาหาร",
    "นครราชสีมา",
    "บุรีรัมย์",
    "สุรินทร์",
    "ศรีสะเกษ",
    "อุบลราชธานี",
    "ยโสธร",
    "อำนาจเจริญ",
    "ชัยภูมิ",
    "ร้อยเอ็ด",
    "มหาสารคาม",
    "กาฬสินธุ์",
    "ภูเก็ต",
    "พังงา",
    "กระบี่",
    "ตรัง",
    "สตูล",
    "ระนอง",
    "ชุมพร",
    "สุราษฎร์ธานี",
    "นครศรีธรรมราช",
    "พัทลุง",
    "สงขลา",
    "ปัตตานี",
    "ยะลา",
    "นราธิวาส",
];

const MALE_NAMES: &[&str] = &[
    "สมชาย",
    "ประเสริฐ",
    "กิตติพงษ์",
    "ณัฐพล",
    "อนุชา",
    "ธนากร",
    "วิชัย",
    "เชาวลิต",
    "ปิยกร",
    "สุรเชษฐ์",
];

const FEMALE_NAMES: &[&str] = &[
    "สมหญิง",
    "วันดี",
    "สุภาพร",
    "พรทิพย์",
    "จิราพร",
    "ปิยะนุช",
    "รัตนา",
    "ศิริพร",
    "วรรณา",
    "นงนุช",
];

const SURNAMES: &[&str] = &[
    "ใจดี",
    "บุญยภูษิต",
    "คงทวี",
    "เจริญประวัติ",
    "ศรีสุข",
    "วงศ์สวัสดิ์",
    "แก้วมณี",
    "ทองดี",
    "สุขเจริญ",
    "พึ่งบุญ",
    "อินทร์แก้ว",
    "รุ่งเรือง",
];

const COUNT_UNITS_NAMES: &[&str] = &[
    "จำนวนหน่วยรับตรวจที่ได้รับการตรวจติดตาม",
    "จำนวนหน่วยงานที่ได้รับการตรวจสอบภายในตามแผน",
    "จำนวนหน่วยงานที่ได้รับคำปรึกษาด้านกฎหมาย",
    "จำนวนหน่วยงานที่เชื่อมโยงข้อมูลผ่านระบบกลาง",
];

const COUNT_TIMES_NAMES: &[&str] = &[
    "จำนวนครั้งของการจัดกิจกรรมเผยแพร่ประชาสัมพันธ์",
    "จำนวนครั้งของการฝึกอบรมเจ้าหน้าที่ผู้ปฏิบัติงาน",
    "จำนวนครั้งของการลงพื้นที่ติดตามโครงการ",
];

const PERCENT_HIGHER_NAMES: &[&str] = &[
    "ร้อยละความพึงพอใจของผู้รับบริการ",
    "ร้อยละของการเบิกจ่ายงบประมาณตามแผน",
    "ร้อยละความสำเร็จในการนำเสนอข้อมูลประกอบการพิจารณาของผู้บริหารได้ทันตามกำหนดเวลา",
    "ร้อยละของเรื่องร้องเรียนที่ได้รับการแก้ไขภายในกำหนด",
    "ร้อยละของบุคลากรที่ได้รับการพัฒนาตามแผน",
];

const PERCENT_LOWER_NAMES: &[&str] = &[
    "ร้อยละของเอกสารที่ต้องส่งกลับแก้ไข",
    "ร้อยละของเรื่องที่ดำเนินการล่าช้ากว่ากำหนด",
    "ร้อยละของข้อผิดพลาดในการบันทึกข้อมูลบัญชี",
];

const DAYS_NAMES: &[&str] = &[
    "ระยะเวลาเฉลี่ยในการพิจารณาเรื่องร้องเรียน",
    "ระยะเวลาเฉลี่ยในการตรวจสอบฎีกาเบิกจ่าย",
    "ระยะเวลาเฉลี่ยในการให้ความเห็นทางกฎหมาย",
];

const INCIDENT_NAMES: &[&str] = &[
    "จำนวนครั้งที่ระบบสารสนเทศหยุดให้บริการเกินกว่า ๔ ชั่วโมง",
    "จำนวนครั้งที่ได้รับข้อทักท้วงจากสำนักงานการตรวจเงินแผ่นดิน",
];

const BAHT_NAMES: &[&str] = &[
    "มูลค่าการประหยัดงบประมาณจากการจัดซื้อจัดจ้าง",
    "รายได้จากการให้บริการข้อมูลและพื้นที่",
];

const MILESTONE_NAMES: &[&str] = &[
    "ระดับความสำเร็จของการพัฒนาระบบบริหารความเสี่ยง",
    "ระดับความสำเร็จของการจัดทำแผนปฏิบัติราชการ",
    "ระดับความสำเร็จของการขับเคลื่อนองค์กรสู่ดิจิทัล",
    "ระดับความสำเร็จของการดำเนินการตามแผนการควบคุมภายใน",
];

const MILESTONE_STEPS: [&str; 5] = [
    "แต่งตั้งคณะทำงานและจัดทำแผนการดำเนินงาน",
    "ดำเนินการตามแผนได้ร้อยละ ๕๐",
    "ดำเนินการตามแผนได้ครบถ้วน",
    "ติดตามและประเมินผลการดำเนินงาน",
    "สรุปผลและเสนอผู้บริหารพร้อมข้อเสนอแนะ",
];

const ACTION_PLANS: &[&str] = &[
    "การเพิ่มประสิทธิภาพการดำเนินงาน",
    "การพัฒนาองค์การสู่ดิจิทัล",
    "การบริหารจัดการงบประมาณอย่างมีประสิทธิภาพ",
];

const STRATEGIC_ISSUES: &[&str] = &[
    "พัฒนาระบบบริหารจัดการภาครัฐให้ทันสมัย",
    "เสริมสร้างธรรมาภิบาลและความโปร่งใสในการปฏิบัติราชการ",
    "ยกระดับคุณภาพการให้บริการประชาชน",
];

const DIMENSIONS: &[&str] = &[
    "มิติด้านประสิทธิผลตามยุทธศาสตร์",
    "มิติด้านคุณภาพการให้บริการ",
    "มิติด้านประสิทธิภาพของการปฏิบัติการ",
    "มิติด้านการพัฒนาองค์การ",
];

const GOALS: &[&str] = &[
    "การดำเนินงานของหน่วยงานบรรลุเป้าหมายอย่างมีประสิทธิภาพ",
    "ผู้รับบริการได้รับบริการที่รวดเร็ว ถูกต้อง และโปร่งใส",
    "บุคลากรมีขีดความสามารถสอดคล้องกับภารกิจ",
];

const DESCRIPTIONS: &[&str] = &[
    "วัดผลการดำเนินงานสะสมตั้งแต่ต้นปีงบประมาณเทียบกับเป้าหมายที่กำหนดไว้ในแผนปฏิบัติราชการประจำปี",
    "พิจารณาจากผลการดำเนินงานตามแผนที่ได้รับอนุมัติ โดยนับรวมเฉพาะรายการที่มีหลักฐานยืนยัน",
    "ใช้ข้อมูลจากระบบรายงานผลของหน่วยงาน รวบรวมเป็นรายไตรมาส",
];

const CONDITIONS: &[&str] = &[
    "นับเฉพาะรายการที่ดำเนินการแล้วเสร็จภายในปีงบประมาณ",
    "ไม่นับรวมรายการที่ยกเลิกโดยผู้รับบริการ",
];

const DATA_SOURCES: &[&str] = &[
    "ระบบรายงานผลการดำเนินงานของหน่วยงาน",
    "ทะเบียนคุมเรื่องและรายงานการประชุม",
    "ระบบ GFMIS และรายงานการเบิกจ่าย",
    "แบบสำรวจความพึงพอใจของผู้รับบริการ",
];

const PROCESSES: &[&str] = &[
    "การพัฒนาระบบติดตามผลการดำเนินงานผ่านระบบออนไลน์",
    "การลดระยะเวลาการตรวจสอบเอกสารเบิกจ่าย",
    "การให้บริการข้อมูลผ่านช่องทางดิจิทัล",
    "การปรับปรุงกระบวนการจัดซื้อจัดจ้างด้วยระบบอิเล็กทรอนิกส์",
    "การพัฒนาฐานข้อมูลกลาง",
];

const CLIENTS: &[&str] = &[
    "- ส่วนราชการในสังกัด - รัฐวิสาหกิจในสังกัด",
    "- ประชาชนผู้มารับบริการ - หน่วยงานภาครัฐที่เกี่ยวข้อง",
    "- ผู้บริหารและบุคลากรของหน่วยงาน",
];

const STAKEHOLDERS: &[&str] = &[
    "- ผู้บริหารกระทรวง - หน่วยงานในสังกัด - ประชาชน",
    "- สำนักงานการตรวจเงินแผ่นดิน - กรมบัญชีกลาง",
    "- คณะกรรมการบริหารของหน่วยงาน - ผู้รับบริการ",
];

const DIGITAL: &[&str] = &[
    "ติดตามผลการดำเนินงานผ่านระบบ VDO Conference",
    "พัฒนาระบบรายงานผลออนไลน์และแดชบอร์ดสำหรับผู้บริหาร",
    "ใช้ระบบสารบรรณอิเล็กทรอนิกส์ในการรับส่งหนังสือ",
    "ให้บริการและแจ้งผลผ่าน LINE Official Account",
];

const STEP_REDUCTIONS: &[&str] = &[
    "ลดขั้นตอนการเสนอลงนามจาก ๕ ขั้นตอน เหลือ ๓ ขั้นตอน",
    "ประสานขอข้อมูลผ่านช่องทางออนไลน์ เช่น line, email แทนการส่งหนังสือ",
    "รวมการตรวจสอบเอกสารและการอนุมัติไว้ในระบบเดียว",
];

const ACTIVITIES: &[&str] = &[
    "ประชุมชี้แจงแนวทางการดำเนินงาน",
    "จัดทำแผนการดำเนินงานประจำปี",
    "พัฒนาระบบและเครื่องมือสนับสนุน",
    "ทดสอบและปรับปรุงระบบ",
    "อบรมเจ้าหน้าที่ผู้ใช้งาน",
    "ติดตามและรายงานผลรายไตรมาส",
    "ประเมินความพึงพอใจของผู้รับบริการ",
    "สรุปผลและถอดบทเรียน",
    "เผยแพร่องค์ความรู้ผ่านช่องทางออนไลน์",
    "ลงพื้นที่ติดตามผลการดำเนินงาน",
];

const OWNERS: &[&str] = &[
    "กลุ่มงานแผนงาน",
    "ฝ่ายบริหารทั่วไป",
    "กลุ่มงานเทคโนโลยีสารสนเทศ",
    "คณะทำงานพัฒนากระบวนงาน",
    "กลุ่มงานติดตามและประเมินผล",
];

const EXPECTED_RESULTS: &[&str] = &[
    "๑. การดำเนินงานรวดเร็วและถูกต้องขึ้น\n๒. ผู้บริหารได้รับข้อมูลประกอบการตัดสินใจทันเวลา",
    "๑. ลดระยะเวลาและค่าใช้จ่ายในการปฏิบัติงาน\n๒. ผู้รับบริการมีความพึงพอใจเพิ่มขึ้น",
    "๑. ข้อมูลมีความครบถ้วนและตรวจสอบได้",
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::check::validate::{CheckOptions, check_bytes};
    use crate::config::Config;

    const SEED: u64 = 7;

    /// Reference outputs of Vigna's splitmix64.c (seed 0) and of Java's SplittableRandom test
    /// vectors (seed 1234567).
    #[test]
    fn splitmix64_matches_the_reference() {
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn draws_stay_in_their_ranges_and_cover_them() {
        let mut r = SplitMix64::new(42);
        let mut seen = [false; 6];
        for _ in 0..10_000 {
            let x = r.range(3, 8);
            assert!((3..=8).contains(&x));
            seen[(x - 3) as usize] = true;
            let f = r.next_f64();
            assert!((0.0..1.0).contains(&f));
            assert!(r.below(7) < 7);
        }
        assert!(seen.iter().all(|&s| s));
        let heads = (0..10_000).filter(|_| r.chance(0.25)).count();
        assert!((2_200..2_800).contains(&heads), "{heads}");
    }

    #[test]
    fn division_streams_differ() {
        let a = SplitMix64::for_division(0, SEED).next_u64();
        let b = SplitMix64::for_division(1, SEED).next_u64();
        let c = SplitMix64::for_division(0, SEED + 1).next_u64();
        assert!(a != b && a != c && b != c);
    }

    #[test]
    fn the_same_index_and_seed_give_the_same_submission() {
        for i in [0, 1, 42, 9_999] {
            assert_eq!(generate_submission(i, SEED), generate_submission(i, SEED));
            assert_ne!(
                generate_submission(i, SEED).0,
                generate_submission(i, SEED + 1).0
            );
        }
    }

    fn latest(k: &Kpi) -> Option<f64> {
        k.quarters.iter().rev().find_map(|q| q.result)
    }

    fn is_percentage(k: &Kpi) -> bool {
        k.unit == "ร้อยละ"
    }

    /// The invariants every generated division keeps, unless a problem planted says otherwise.
    #[test]
    fn generated_divisions_keep_their_invariants() {
        let fy = FiscalYear::new(FISCAL_YEAR);
        let mut kinds = HashSet::new();
        let mut directions = HashSet::new();
        let mut units = HashSet::new();
        let mut problems = HashSet::new();
        let (mut rejected, mut warned, mut partial_year, mut formula_like) = (0, 0, 0, 0);
        let mut codes = HashSet::new();
        for i in 0..500 {
            let (sub, exp) = generate_submission(i, SEED);
            let p = exp.problem;
            if let Some(p) = p {
                problems.insert(p);
            }
            assert!(
                codes.insert(sub.division.code.clone()),
                "division codes are unique"
            );
            assert_eq!(exp.division_code, sub.division.code);
            assert_eq!(exp.path, format!("div-{i:05}/kpi-2567.xlsx"));
            assert_eq!(sub.fiscal_year, Some(fy));
            let name = &sub.division.name;
            assert!(
                ["สำนัก", "กอง", "ศูนย์"].iter().any(|p| name.starts_with(p)),
                "{name}"
            );
            assert!((3..=8).contains(&sub.kpis.len()));
            match exp.status {
                Status::Rejected => rejected += 1,
                Status::Accepted if p.is_some() => warned += 1,
                Status::Accepted => {}
            }
            assert_eq!(
                exp.status == Status::Rejected,
                p.is_some_and(Problem::is_error)
            );
            assert_eq!(
                exp.division_scores.is_some(),
                exp.status == Status::Accepted
            );
            formula_like += usize::from(exp.formula_like_name);
            assert_eq!(
                exp.formula_like_name,
                sub.kpis
                    .iter()
                    .any(|k| k.name.starts_with('=') || k.name.starts_with('+'))
            );

            // Weights: multiples of 5 in (0, 100] summing to 100.
            let total: f64 = sub.kpis.iter().map(|k| k.weight).sum();
            match p {
                Some(Problem::WeightsNot100) => {
                    assert!(total != 100.0 && (90.0..=110.0).contains(&total))
                }
                Some(Problem::WeightOutOfRange) => {
                    assert!(sub.kpis.iter().any(|k| k.weight == 120.0))
                }
                _ => assert_eq!(total, 100.0, "{i}"),
            }
            if p != Some(Problem::WeightOutOfRange) {
                assert!(sub.kpis.iter().all(|k| k.weight > 0.0 && k.weight <= 100.0));
            }

            // Thresholds strictly monotone in the KPI's direction.
            let bad = sub
                .kpis
                .iter()
                .filter(|k| Criteria::of_kpi(k).is_err())
                .count();
            let want = usize::from(p == Some(Problem::ThresholdsNotMonotone));
            assert_eq!(bad, want, "{i}");

            let names: HashSet<_> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
            assert_eq!(names.len(), sub.kpis.len(), "{i}: names are unique");

            // Codes unique, names present, unless planted.
            let kpi_codes: HashSet<_> = sub.kpis.iter().map(|k| k.code.as_str()).collect();
            assert_eq!(
                kpi_codes.len() < sub.kpis.len(),
                p == Some(Problem::DuplicateKpiCode)
            );
            assert_eq!(
                sub.kpis.iter().any(|k| k.name.is_empty()),
                p == Some(Problem::MissingKpiName)
            );

            // Results: a prefix of the quarters, non-decreasing except for percentages.
            let reported = sub.reporting_quarter.expect("reporting quarter").number() as usize;
            partial_year += usize::from(reported < 4);
            for k in &sub.kpis {
                kinds.insert(k.kind);
                directions.insert(k.direction);
                units.insert(k.unit.clone());
                let n = k.quarters.iter().filter(|q| q.result.is_some()).count();
                assert!(n == reported || n + 1 == reported, "{i} {}", k.code);
                assert!(n >= 1);
                for (q, r) in k.quarters.iter().enumerate() {
                    assert_eq!(r.result.is_some(), q < n);
                    assert_eq!(r.result_text.is_some(), q < n);
                }
                if !is_percentage(k) {
                    let rs: Vec<f64> = k.quarters.iter().filter_map(|q| q.result).collect();
                    assert!(rs.windows(2).all(|w| w[0] <= w[1]), "{i} {rs:?}");
                }
                if k.kind == KpiKind::Milestone {
                    assert!(
                        k.quarters
                            .iter()
                            .filter_map(|q| q.result)
                            .all(|r| (1.0..=5.0).contains(&r))
                    );
                }
            }

            // The log: 50–200 rows for one count KPI, dated in the fiscal year, adding up.
            assert!(
                (50..=200).contains(&sub.log.len()),
                "{i}: {}",
                sub.log.len()
            );
            let code = &sub.log[0].kpi_code;
            assert!(sub.log.iter().all(|e| &e.kpi_code == code));
            let kpi = sub.kpis.iter().find(|k| &k.code == code).expect("log KPI");
            assert!(kpi.unit == "หน่วยงาน" || kpi.unit == "ครั้ง");
            assert_eq!(kpi.direction, Direction::HigherIsBetter);
            let units_total: f64 = sub.log.iter().filter_map(|e| e.units).sum();
            assert_eq!(
                units_total == latest(kpi).unwrap(),
                p != Some(Problem::LogTotalMismatch),
                "{i}"
            );
            let mut typos = 0;
            for e in &sub.log {
                assert!(layout::LOG_MODES.contains(&e.mode.as_str()));
                assert!(e.units.is_none_or(|u| u >= 1.0 && u.fract() == 0.0));
                let d = thai::parse_thai_date(&e.date_text)
                    .unwrap_or_else(|err| panic!("{i}: {:?}: {err}", e.date_text));
                assert!(
                    fy.contains(d.start) && fy.contains(d.end),
                    "{}",
                    e.date_text
                );
                typos += d.warnings.len();
            }
            assert_eq!(typos > 0, p == Some(Problem::MonthTypo));

            // The plan.
            let plan = &sub.plan;
            assert!((2..=8).contains(&plan.activities.len()));
            assert!(
                plan.activities
                    .iter()
                    .all(|a| a.active_months().count() >= 1)
            );
            for text in [
                &plan.process,
                &plan.clients,
                &plan.stakeholders,
                &plan.tier_quality,
                &plan.tier_standard,
                &plan.tier_improve,
                &plan.digital,
                &plan.step_reduction,
            ] {
                assert!(!text.is_empty());
            }
        }
        assert_eq!(kinds.len(), 3, "every kind");
        assert_eq!(directions.len(), 2, "both directions");
        for u in ["หน่วยงาน", "ร้อยละ", "วัน", "ครั้ง", "ระดับ", "บาท"]
        {
            assert!(units.contains(u), "{u}");
        }
        assert!(partial_year > 50);
        // 500 draws at 2 % and 5 %: 10 and 25 expected.
        assert!((3..=20).contains(&rejected), "rejected {rejected}");
        assert!((12..=40).contains(&warned), "warned {warned}");
        assert!(
            (4..=30).contains(&formula_like),
            "formula-like {formula_like}"
        );
        assert!(problems.len() >= 6, "{problems:?}");
    }

    /// Every planted problem gives exactly the codes and the status recorded, in a real
    /// workbook read back by the checker, and clean divisions give none.
    #[test]
    fn planted_problems_are_what_the_checker_finds() {
        let opts = CheckOptions::default();
        let mut cases: Vec<Option<Problem>> = vec![None, None];
        cases.extend(Problem::WARNINGS.map(Some));
        cases.extend(Problem::ERRORS.map(Some));
        for (i, problem) in cases.into_iter().enumerate() {
            let (sub, exp) = generate_with(i, SEED, problem);
            let bytes = template::to_bytes(
                &sub,
                &TemplateOptions {
                    kpi_sheets: sub.kpis.len(),
                    fiscal_year: sub.fiscal_year,
                },
            )
            .unwrap();
            let v = check_bytes(&bytes, &opts);
            let found: BTreeSet<&str> = v.diagnostics.iter().map(|d| d.finding.code()).collect();
            let want: BTreeSet<&str> = exp.codes.iter().copied().collect();
            assert_eq!(found, want, "{problem:?}: {:#?}", v.diagnostics);
            assert_eq!(v.status, exp.status, "{problem:?}");
            if let Some(scores) = exp.division_scores {
                assert_eq!(v.division_scores.map(|d| d.score), scores, "{problem:?}");
            }
            let names: Vec<&str> = v.submission.kpis.iter().map(|k| k.name.as_str()).collect();
            let sent: Vec<&str> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
            assert_eq!(names, sent);
        }
    }

    #[test]
    fn formula_like_names_stay_text_in_the_workbook() {
        let (index, (mut sub, _)) = (0..)
            .map(|i| (i, generate_submission(i, SEED)))
            .find(|(_, (_, e))| e.formula_like_name && e.status == Status::Accepted)
            .expect("some division has one");
        // And one of each prefix, whatever was drawn.
        sub.kpis[0].name = "=SUM(A1:A3) ตัวชี้วัดร่วม".to_owned();
        sub.kpis[1].name = "+ ร้อยละความพึงพอใจ".to_owned();
        let bytes = template::to_bytes(
            &sub,
            &TemplateOptions {
                kpi_sheets: sub.kpis.len(),
                fiscal_year: sub.fiscal_year,
            },
        )
        .unwrap();
        let v = check_bytes(&bytes, &CheckOptions::default());
        let names: Vec<&str> = v.submission.kpis.iter().map(|k| k.name.as_str()).collect();
        let sent: Vec<&str> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, sent, "division {index}");
    }

    #[test]
    fn the_registry_registers_every_division() {
        let expected: Vec<Expected> = (0..25).map(|i| generate_submission(i, SEED).1).collect();
        let text = registry_toml(&expected, SEED);
        let config = Config::parse(&text, Path::new("kpiwatch.toml")).unwrap();
        assert_eq!(config.fiscal_year, Some(FISCAL_YEAR));
        assert_eq!(config.divisions.len(), 25);
        for e in &expected {
            let d = config.division_by_folder(&e.folder).expect("registered");
            assert_eq!(d.code, e.division_code);
            assert_eq!(d.name, e.division_name);
        }
    }

    #[test]
    fn generate_writes_the_share_and_reports_progress() {
        let dir = tempfile::tempdir().unwrap();
        let calls = std::cell::RefCell::new(Vec::new());
        let summary = generate(
            dir.path(),
            &DemoOptions {
                count: 6,
                seed: SEED,
            },
            |n| calls.borrow_mut().push(n),
        )
        .unwrap();
        assert_eq!(calls.into_inner(), (1..=6).collect::<Vec<_>>());
        assert_eq!(summary.files, 6);
        assert_eq!(summary.accepted + summary.rejected, 6);
        let mut bytes = 0;
        for i in 0..6 {
            bytes += std::fs::metadata(
                dir.path()
                    .join("inbox")
                    .join(folder_name(i))
                    .join(FILE_NAME),
            )
            .unwrap()
            .len();
        }
        assert_eq!(summary.bytes, bytes);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&summary.expected_path).unwrap()).unwrap();
        assert_eq!(doc["files"].as_array().unwrap().len(), 6);
        assert_eq!(doc["files"][3]["path"], "div-00003/kpi-2567.xlsx");
        assert!(Config::load(&summary.config_path).is_ok());
    }
}
