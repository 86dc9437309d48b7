//! One demo division's submission, built step by step from its random stream: how far it has
//! reported, its KPIs, the problem planted in it, its own scores, its detail log and plan, and
//! what kpiwatch must conclude about it. The order of the steps is the order of the draws, so
//! it is part of what a seed means.

use std::collections::BTreeSet;

use crate::check::validate::Status;
use crate::domain::model::{
    BelowLevel1, Certification, Division, FiscalYear, Kpi, KpiKind, Quarter, Submission,
};
use crate::domain::scoring;
use crate::tools::demo::figures::Shape;
use crate::tools::demo::kpi::{draw_shape, make_kpi, plant_wrong_own_score, type_own_scores};
use crate::tools::demo::log::{make_log, plant_log_mismatch};
use crate::tools::demo::people::{division_name, make_plan, person};
use crate::tools::demo::rng::SplitMix64;
use crate::tools::demo::{
    Expected, FILE_NAME, FISCAL_YEAR, FORMULA_LIKE_NAME_RATE, Problem, division_code, folder_name,
};

pub(super) fn build(
    index: usize,
    rng: &mut SplitMix64,
    problem: Option<Problem>,
) -> (Submission, Expected) {
    let code = division_code(index);
    let name = division_name(rng);
    let fy = FiscalYear::new(FISCAL_YEAR);
    let reported = quarters_reported(rng, problem);
    let (mut kpis, log_kpi) = make_kpis(rng, &code, reported);
    plant_structural_problem(rng, &mut kpis, log_kpi, problem);
    let formula_like_name = plant_formula_like_name(rng, &mut kpis);
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
        division: Division { code, name },
        fiscal_year: Some(fy),
        reporting_quarter: Quarter::from_number(reported as u8),
        certification: Certification {
            name: contact.name.clone(),
            position: "ผู้อำนวยการ".to_owned(),
            date: format!("15 ก.ค. {}", fy.be()),
        },
        contact,
        contact_email: format!("kpi.{index:05}@example.go.th"),
        kpis,
        plan,
        log,
    };
    let expected = expected(index, &sub, problem, formula_like_name);
    (sub, expected)
}

/// Quarters reported: mostly the whole year, some divisions only the first one to three. A
/// month typo needs a June date, so that division has reported at least up to Q3.
fn quarters_reported(rng: &mut SplitMix64, problem: Option<Problem>) -> usize {
    let reported = match rng.below(10) {
        0 => 1,
        1 | 2 => 2,
        3..=5 => 3,
        _ => 4,
    };
    if problem == Some(Problem::MonthTypo) {
        reported.max(3)
    } else {
        reported
    }
}

/// The division's 3–8 KPIs, and which of them the detail log counts towards.
fn make_kpis(rng: &mut SplitMix64, code: &str, reported: usize) -> (Vec<Kpi>, usize) {
    let n = rng.range(3, 8) as usize;
    let log_kpi = rng.below(n as u64) as usize;
    // One KPI (never the log's) may have reported a quarter fewer than the others.
    let lagging = (reported >= 2 && rng.chance(0.1))
        .then(|| (log_kpi + 1 + rng.below(n as u64 - 1) as usize) % n);
    let weights = draw_weights(rng, n);
    let mut used_names = Vec::with_capacity(n);
    let kpis = (0..n)
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
            make_kpi(rng, code, i, shape, weights[i], quarters, &mut used_names)
        })
        .collect();
    (kpis, log_kpi)
}

/// `n` weights, multiples of 5, each at least 5, summing to 100.
fn draw_weights(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    let mut units = vec![1u32; n];
    for _ in n..20 {
        units[rng.below(n as u64) as usize] += 1;
    }
    units.into_iter().map(|u| f64::from(u) * 5.0).collect()
}

/// Structural problems, before own scores are typed from the final criteria and weights.
fn plant_structural_problem(
    rng: &mut SplitMix64,
    kpis: &mut [Kpi],
    log_kpi: usize,
    problem: Option<Problem>,
) {
    let n = kpis.len();
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
}

/// Sometimes, a name a spreadsheet would take for a formula, on a KPI that still has a name.
fn plant_formula_like_name(rng: &mut SplitMix64, kpis: &mut [Kpi]) -> bool {
    let planted = rng.chance(FORMULA_LIKE_NAME_RATE);
    if planted {
        let named: Vec<usize> = (0..kpis.len())
            .filter(|&i| !kpis[i].name.is_empty())
            .collect();
        let k = *rng.pick(&named);
        let prefix = if rng.chance(0.5) { "=" } else { "+ " };
        kpis[k].name = format!("{prefix}{}", kpis[k].name);
    }
    planted
}

/// What kpiwatch must conclude about division `index`'s submission.
fn expected(
    index: usize,
    sub: &Submission,
    problem: Option<Problem>,
    formula_like_name: bool,
) -> Expected {
    let status = if problem.is_some_and(Problem::is_error) {
        Status::Rejected
    } else {
        Status::Accepted
    };
    let codes: BTreeSet<&'static str> = problem.iter().flat_map(|p| p.codes()).copied().collect();
    let division_scores = (status == Status::Accepted).then(|| {
        let (_, division) = scoring::score_submission(sub, BelowLevel1::Zero);
        division.map(|d| d.score)
    });
    let folder = folder_name(index);
    Expected {
        path: format!("{folder}/{FILE_NAME}"),
        folder,
        division_code: sub.division.code.clone(),
        division_name: sub.division.name.clone(),
        status,
        codes: codes.into_iter().collect(),
        problem,
        formula_like_name,
        division_scores,
    }
}
