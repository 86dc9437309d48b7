//! One KPI of a demo division: its shape (what it counts and which way is better), its card
//! (names, thresholds, level descriptions, baselines, people) and each reported quarter's
//! result, details and evidence; and the division's own scores, typed right or planted wrong.

use crate::domain::model::{BelowLevel1, Direction, Kpi, KpiKind, QuarterReport};
use crate::domain::scoring::{self, Criteria};
use crate::domain::thai;
use crate::tools::demo::figures::{Figures, Shape, figures, grouped, plain};
use crate::tools::demo::people::person;
use crate::tools::demo::rng::SplitMix64;
use crate::tools::demo::words::{
    ACTION_PLANS, BAHT_NAMES, CONDITIONS, COUNT_TIMES_NAMES, COUNT_UNITS_NAMES, DATA_SOURCES,
    DAYS_NAMES, DESCRIPTIONS, DIMENSIONS, GOALS, INCIDENT_NAMES, MILESTONE_NAMES, MILESTONE_STEPS,
    PERCENT_HIGHER_NAMES, PERCENT_LOWER_NAMES, STRATEGIC_ISSUES,
};

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

pub(super) fn draw_shape(rng: &mut SplitMix64) -> Shape {
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

const HIGHER: Direction = Direction::HigherIsBetter;
const LOWER: Direction = Direction::LowerIsBetter;
const QUANTITATIVE: &[KpiKind] = &[
    KpiKind::Interpolated,
    KpiKind::Interpolated,
    KpiKind::Interpolated,
    KpiKind::Stepped,
];

/// What a shape's KPIs are called and measured in, which way is better, and the kinds of
/// scoring they may use.
struct Measure {
    names: &'static [&'static str],
    unit: &'static str,
    direction: Direction,
    kinds: &'static [KpiKind],
}

fn measure(rng: &mut SplitMix64, shape: Shape) -> Measure {
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
    Measure {
        names,
        unit,
        direction,
        kinds,
    }
}

/// KPI `i` of `division`, of the given shape and weight, with results for its first
/// `reported` quarters. `used_names` holds the names the division's other KPIs took.
pub(super) fn make_kpi(
    rng: &mut SplitMix64,
    division: &str,
    i: usize,
    shape: Shape,
    weight: f64,
    reported: usize,
    used_names: &mut Vec<&'static str>,
) -> Kpi {
    let Measure {
        names,
        unit,
        direction,
        kinds,
    } = measure(rng, shape);
    let kind = *rng.pick(kinds);
    let figures = figures(rng, shape);
    let t = figures.thresholds;
    let thai_digits = rng.chance(0.3);
    let level_descriptions = level_descriptions(shape, &t, unit, thai_digits);
    let target = match shape {
        Shape::PercentHigher | Shape::PercentLower => format!("ร้อยละ {}", plain(t[4])),
        Shape::Baht => grouped(t[4] as u64),
        _ => plain(t[4]),
    };
    let baselines = [
        baseline(rng, shape, &t, unit),
        baseline(rng, shape, &t, unit),
        baseline(rng, shape, &t, unit),
    ];
    let name = kpi_name(rng, names, i, used_names);
    let quarters = quarter_reports(rng, shape, &figures, reported, unit);
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

/// What each of the five levels means, as the card states it.
fn level_descriptions(shape: Shape, t: &[f64; 5], unit: &str, thai_digits: bool) -> [String; 5] {
    let num = |x: f64| {
        let s = plain(x);
        if thai_digits {
            thai::to_thai_digits(&s)
        } else {
            s
        }
    };
    if shape == Shape::Milestone {
        MILESTONE_STEPS.map(str::to_owned)
    } else {
        t.map(|x| match shape {
            Shape::PercentHigher | Shape::PercentLower => format!("ร้อยละ {}", num(x)),
            Shape::Baht => format!("{} บาท", grouped(x as u64)),
            _ => format!("{} {unit}", num(x)),
        })
    }
}

/// One of the three years' baselines on the card: often "-", else near the thresholds.
fn baseline(rng: &mut SplitMix64, shape: Shape, t: &[f64; 5], unit: &str) -> String {
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
}

/// No two KPIs of a division share a name; a shape drawn more often than it has names gets a
/// numbered variant.
fn kpi_name(
    rng: &mut SplitMix64,
    names: &'static [&'static str],
    i: usize,
    used_names: &mut Vec<&'static str>,
) -> String {
    let fresh: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| !used_names.contains(n))
        .collect();
    if fresh.is_empty() {
        format!(
            "{} (ชุดที่ {})",
            rng.pick(names),
            thai::to_thai_digits(&(i + 1).to_string())
        )
    } else {
        let name = *rng.pick(&fresh);
        used_names.push(name);
        name.to_owned()
    }
}

/// The first `reported` quarters' results as written, with their details and evidence.
fn quarter_reports(
    rng: &mut SplitMix64,
    shape: Shape,
    figures: &Figures,
    reported: usize,
    unit: &str,
) -> [QuarterReport; 4] {
    let mut quarters: [QuarterReport; 4] = Default::default();
    for (q, report) in quarters.iter_mut().enumerate().take(reported) {
        let (value, text) = &figures.results[q];
        report.result = Some(*value);
        report.result_text = Some(text.clone());
        report.details = details(rng, shape, q, *value, unit, &figures.thresholds);
        report.evidence = evidence(rng, q);
    }
    quarters
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
pub(super) fn type_own_scores(k: &mut Kpi) {
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
pub(super) fn plant_wrong_own_score(rng: &mut SplitMix64, kpis: &mut [Kpi]) {
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
