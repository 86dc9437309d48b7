//! The scoring rules (docs/scoring.md): one KPI result against its five thresholds, the weighted
//! score, and the roll-up of a division's KPIs into one score per quarter. Invalid criteria are
//! typed errors so that no NaN or panic can reach a summary.

use serde::Serialize;
use thiserror::Error;

use crate::domain::exact;
use crate::domain::model::{BelowLevel1, Direction, Kpi, KpiKind, Quarter};
use crate::domain::thai::{self, NumberError};

/// Scores and weighted scores are published to four decimals.
pub const DECIMALS: i32 = 4;

/// Rounds half away from zero to four decimals, from the decimal `x` was typed as (see
/// [`exact`]): 2.61335, stored in binary as 2.6133499999…, rounds up, as Excel's and
/// LibreOffice's ROUND do with the summary's `ROUND(ROUND(x,9),4)`.
pub fn round4(x: f64) -> f64 {
    exact::round4(x).unwrap_or_else(|| float_round4(x))
}

/// [`round4`] in binary floating point, for numbers too large to be exact (beyond about 10³⁰,
/// where a fifth decimal means nothing anyway).
fn float_round4(x: f64) -> f64 {
    let scaled = x * 10_000.0;
    let frac = scaled.fract().abs();
    // A few units in the last place of the scaled value: the representation error of a decimal
    // that was exactly half-way before it was stored in binary.
    let tolerance = scaled.abs().max(1.0) * 8.0 * f64::EPSILON;
    let rounded = if frac < 0.5 && 0.5 - frac <= tolerance {
        scaled.trunc() + scaled.signum()
    } else {
        scaled.round()
    };
    let r = rounded / 10_000.0;
    // -0.0 would print as "-0" in JSON and CSV.
    if r == 0.0 { 0.0 } else { r }
}

/// Why a KPI's criteria cannot be scored.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CriteriaError {
    #[error("threshold for level {level} is not a finite number")]
    NotFinite { level: usize },
    #[error(
        "thresholds must be strictly {order} for a {direction} KPI, but level {level} ({value}) does not follow level {prev_level} ({prev})",
        order = if *direction == Direction::HigherIsBetter { "ascending" } else { "descending" },
        direction = if *direction == Direction::HigherIsBetter { "higher-is-better" } else { "lower-is-better" },
        prev_level = level - 1
    )]
    NotMonotone {
        direction: Direction,
        level: usize,
        value: f64,
        prev: f64,
    },
    #[error("weight {0} is outside 0 < weight ≤ 100")]
    WeightOutOfRange(f64),
}

/// Why a single result cannot be scored.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ResultError {
    #[error("result is not a finite number")]
    NotFinite,
    #[error("milestone level {0} is outside 0–5")]
    MilestoneOutOfRange(f64),
}

/// Validated scoring criteria of one KPI. Construct with [`Criteria::new`]; once built,
/// [`Criteria::score`] cannot fail on the criteria side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Criteria {
    kind: KpiKind,
    direction: Direction,
    thresholds: [f64; 5],
}

impl Criteria {
    /// Checks that the thresholds are finite and strictly monotone in the KPI's direction.
    /// Milestone KPIs score the level itself, so their thresholds are not consulted.
    pub fn new(
        kind: KpiKind,
        direction: Direction,
        thresholds: [f64; 5],
    ) -> Result<Self, CriteriaError> {
        if kind != KpiKind::Milestone {
            check_thresholds(direction, &thresholds)?;
        }
        Ok(Self {
            kind,
            direction,
            thresholds,
        })
    }

    pub fn of_kpi(kpi: &Kpi) -> Result<Self, CriteriaError> {
        Self::new(kpi.kind, kpi.direction, kpi.thresholds)
    }

    pub fn kind(&self) -> KpiKind {
        self.kind
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    pub fn thresholds(&self) -> [f64; 5] {
        self.thresholds
    }

    /// The score of `result`, rounded to four decimals, in [0, 5].
    pub fn score(&self, result: f64, below: BelowLevel1) -> Result<f64, ResultError> {
        if !result.is_finite() {
            return Err(ResultError::NotFinite);
        }
        Ok(match self.kind {
            KpiKind::Milestone => {
                if !(0.0..=5.0).contains(&result) {
                    return Err(ResultError::MilestoneOutOfRange(result));
                }
                round4(if result < 1.0 { below.score() } else { result })
            }
            KpiKind::Interpolated | KpiKind::Stepped => {
                // Mirroring a lower-is-better KPI turns it into a higher-is-better one, so one
                // rule serves both directions and they cannot drift apart.
                let (r, t) = match self.direction {
                    Direction::HigherIsBetter => (result, self.thresholds),
                    Direction::LowerIsBetter => (-result, self.thresholds.map(|x| -x)),
                };
                ascending_score(r, &t, self.kind == KpiKind::Stepped, below)
            }
        })
    }
}

fn check_thresholds(direction: Direction, t: &[f64; 5]) -> Result<(), CriteriaError> {
    if let Some(level) = t.iter().position(|x| !x.is_finite()) {
        return Err(CriteriaError::NotFinite { level: level + 1 });
    }
    for i in 1..5 {
        let ok = match direction {
            Direction::HigherIsBetter => t[i] > t[i - 1],
            Direction::LowerIsBetter => t[i] < t[i - 1],
        };
        if !ok {
            return Err(CriteriaError::NotMonotone {
                direction,
                level: i + 1,
                value: t[i],
                prev: t[i - 1],
            });
        }
    }
    Ok(())
}

/// Score of `r` against strictly ascending thresholds `t`, rounded to four decimals.
fn ascending_score(r: f64, t: &[f64; 5], stepped: bool, below: BelowLevel1) -> f64 {
    if r >= t[4] {
        return 5.0;
    }
    if r < t[0] {
        return below.score();
    }
    // t[0] <= r < t[4], so some k in 0..4 has t[k] <= r < t[k+1].
    let k = (0..4).rev().find(|&k| r >= t[k]).unwrap_or(0);
    let level = (k + 1) as f64;
    if stepped {
        level
    } else {
        exact::interpolate4(k as u8 + 1, r, t[k], t[k + 1])
            .unwrap_or_else(|| float_round4(level + (r - t[k]) / (t[k + 1] - t[k])))
    }
}

/// Reads a result as a division writes it. Milestone KPIs may report a level with its word
/// ("ระดับ 4") or a range of levels reached in the quarter ("4-5", "4–5", "๔ - ๕"): a range
/// scores its highest level ([`thai::parse_level`]). Everything else is a number, with Thai or
/// Arabic digits, separators and "%"/"ร้อยละ" allowed.
pub fn parse_result(text: &str, kind: KpiKind) -> Result<f64, NumberError> {
    if kind == KpiKind::Milestone {
        return thai::parse_level(text);
    }
    thai::parse_number(text)
}

/// Checks a KPI weight (ร้อยละ): 0 < w ≤ 100.
pub fn check_weight(weight: f64) -> Result<f64, CriteriaError> {
    if weight.is_finite() && weight > 0.0 && weight <= 100.0 {
        Ok(weight)
    } else {
        Err(CriteriaError::WeightOutOfRange(weight))
    }
}

/// Weighted score = round(score × weight / 100, 4), from the rounded score and the weight as
/// typed.
pub fn weighted(score: f64, weight: f64) -> f64 {
    exact::weighted4(score, weight).unwrap_or_else(|| float_round4(score * weight / 100.0))
}

/// The official figures of one KPI in one quarter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuarterScore {
    pub quarter: Quarter,
    /// `None` when the division has not reported this quarter.
    pub result: Option<f64>,
    pub score: Option<f64>,
    pub weighted: Option<f64>,
}

/// Scores every quarter of a KPI. Fails only if the KPI's criteria or weight are invalid or a
/// reported result cannot be scored; unreported quarters stay `None`.
pub fn score_kpi(kpi: &Kpi, below: BelowLevel1) -> Result<[QuarterScore; 4], KpiScoreError> {
    let criteria = Criteria::of_kpi(kpi)?;
    let weight = check_weight(kpi.weight)?;
    let mut out = Quarter::ALL.map(|quarter| QuarterScore {
        quarter,
        result: kpi.report(quarter).result,
        score: None,
        weighted: None,
    });
    for qs in &mut out {
        if let Some(r) = qs.result {
            let s = criteria
                .score(r, below)
                .map_err(|source| KpiScoreError::Result {
                    quarter: qs.quarter,
                    source,
                })?;
            qs.score = Some(s);
            qs.weighted = Some(weighted(s, weight));
        }
    }
    Ok(out)
}

/// Why a KPI could not be scored.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KpiScoreError {
    #[error(transparent)]
    Criteria(#[from] CriteriaError),
    #[error("{quarter}: {source}")]
    Result {
        quarter: Quarter,
        source: ResultError,
    },
}

/// One KPI's contribution to the roll-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weighted {
    pub weight: f64,
    pub score: Option<f64>,
}

/// A division's score for one quarter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DivisionScore {
    pub quarter: Quarter,
    /// Σ(w·s)/Σw over the KPIs that reported this quarter; `None` if none did.
    pub score: Option<f64>,
    /// Σw over all KPIs, reported or not.
    pub total_weight: f64,
    /// Σw over the KPIs that reported this quarter.
    pub reported_weight: f64,
    pub kpi_count: usize,
    pub reported_count: usize,
}

impl DivisionScore {
    /// A division's weights should sum to 100; anything else is shown as a warning.
    pub fn weights_sum_to_100(&self) -> bool {
        (self.total_weight - 100.0).abs() < 1e-9
    }

    /// Some KPIs have not reported this quarter, so the score covers only part of the weight.
    pub fn is_partial(&self) -> bool {
        self.reported_count > 0 && self.reported_count < self.kpi_count
    }
}

/// Rolls up one quarter: Σ(wᵢ·sᵢ)/Σwᵢ over the KPIs that reported, rounded to 4 decimals.
/// With weights summing to 100 and every KPI reported this equals Σ weighted scores.
pub fn roll_up(quarter: Quarter, kpis: &[Weighted]) -> DivisionScore {
    let total_weight: f64 = kpis.iter().map(|k| k.weight).sum();
    let reported: Vec<_> = kpis
        .iter()
        .filter_map(|k| k.score.map(|s| (k.weight, s)))
        .collect();
    let reported_weight: f64 = reported.iter().map(|(w, _)| w).sum();
    let score = (!reported.is_empty() && reported_weight > 0.0).then(|| {
        exact::weighted_mean4(&reported).unwrap_or_else(|| {
            float_round4(reported.iter().map(|(w, s)| w * s).sum::<f64>() / reported_weight)
        })
    });
    DivisionScore {
        quarter,
        score,
        total_weight,
        reported_weight,
        kpi_count: kpis.len(),
        reported_count: reported.len(),
    }
}

/// Rolls up all four quarters from already-scored KPIs (weight, per-quarter scores).
pub fn roll_up_year(kpis: &[(f64, [Option<f64>; 4])]) -> [DivisionScore; 4] {
    Quarter::ALL.map(|q| {
        let items: Vec<Weighted> = kpis
            .iter()
            .map(|(weight, scores)| Weighted {
                weight: *weight,
                score: scores[q.index()],
            })
            .collect();
        roll_up(q, &items)
    })
}

/// The official figures of a whole submission: per KPI (`None` for a KPI whose criteria or
/// weight are invalid) and for the division. For stored, already-judged submissions.
pub fn score_submission(
    sub: &crate::domain::model::Submission,
    below: BelowLevel1,
) -> (Vec<Option<[QuarterScore; 4]>>, [DivisionScore; 4]) {
    let kpis: Vec<Option<[QuarterScore; 4]>> =
        sub.kpis.iter().map(|k| score_kpi(k, below).ok()).collect();
    let rolled: Vec<(f64, [Option<f64>; 4])> = sub
        .kpis
        .iter()
        .zip(&kpis)
        .map(|(k, s)| (k.weight, s.map_or([None; 4], |s| s.map(|q| q.score))))
        .collect();
    (kpis, roll_up_year(&rolled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn interp(t: [f64; 5]) -> Criteria {
        Criteria::new(KpiKind::Interpolated, Direction::HigherIsBetter, t).unwrap()
    }

    #[test]
    fn golden_seed_000_inspections() {
        let c = interp([0.0, 150.0, 300.0, 450.0, 826.0]);
        let got: Vec<(f64, f64)> = [0.0, 184.0, 464.0, 826.0]
            .iter()
            .map(|&r| {
                let s = c.score(r, BelowLevel1::Zero).unwrap();
                (s, weighted(s, 30.0))
            })
            .collect();
        assert_eq!(
            got,
            vec![(1.0, 0.3), (2.2267, 0.668), (4.0372, 1.2112), (5.0, 1.5)]
        );
    }

    #[test]
    fn golden_seed_003_cabinet_percentages() {
        let c = interp([86.0, 88.0, 90.0, 92.0, 94.0]);
        let got: Vec<(f64, f64)> = [88.0, 90.0, 88.0, 92.0]
            .iter()
            .map(|&r| {
                let s = c.score(r, BelowLevel1::Zero).unwrap();
                (s, weighted(s, 30.0))
            })
            .collect();
        assert_eq!(got, vec![(2.0, 0.6), (3.0, 0.9), (2.0, 0.6), (4.0, 1.2)]);
    }

    #[test]
    fn rounding_matches_spreadsheets_on_halves() {
        assert_eq!(round4(2.61335), 2.6134);
        assert_eq!(round4((30.0 * 2.2267 + 30.0 * 3.0) / 60.0), 2.6134);
        assert_eq!(round4(-2.61335), -2.6134);
        assert_eq!(round4(2.61334999), 2.6133);
        assert_eq!(round4(0.66801), 0.668);
        assert_eq!(round4(-0.00001), 0.0);
    }

    #[test]
    fn below_level_one_follows_the_rule() {
        let c = interp([86.0, 88.0, 90.0, 92.0, 94.0]);
        assert_eq!(c.score(80.0, BelowLevel1::Zero), Ok(0.0));
        assert_eq!(c.score(80.0, BelowLevel1::One), Ok(1.0));
    }

    #[test]
    fn lower_is_better_interpolates_downwards() {
        let c = Criteria::new(
            KpiKind::Interpolated,
            Direction::LowerIsBetter,
            [10.0, 8.0, 6.0, 4.0, 2.0],
        )
        .unwrap();
        assert_eq!(c.score(12.0, BelowLevel1::Zero), Ok(0.0));
        assert_eq!(c.score(10.0, BelowLevel1::Zero), Ok(1.0));
        assert_eq!(c.score(7.0, BelowLevel1::Zero), Ok(2.5));
        assert_eq!(c.score(2.0, BelowLevel1::Zero), Ok(5.0));
        assert_eq!(c.score(0.0, BelowLevel1::Zero), Ok(5.0));
    }

    #[test]
    fn stepped_takes_the_highest_level_met() {
        let c = Criteria::new(
            KpiKind::Stepped,
            Direction::HigherIsBetter,
            [0.0, 150.0, 300.0, 450.0, 826.0],
        )
        .unwrap();
        assert_eq!(c.score(184.0, BelowLevel1::Zero), Ok(2.0));
        assert_eq!(c.score(825.9, BelowLevel1::Zero), Ok(4.0));
        assert_eq!(c.score(-1.0, BelowLevel1::Zero), Ok(0.0));
    }

    #[test]
    fn milestone_scores_the_level_reached() {
        let c = Criteria::new(KpiKind::Milestone, Direction::HigherIsBetter, [0.0; 5]).unwrap();
        assert_eq!(c.score(4.8, BelowLevel1::Zero), Ok(4.8));
        assert_eq!(c.score(5.0, BelowLevel1::Zero), Ok(5.0));
        assert_eq!(c.score(0.0, BelowLevel1::Zero), Ok(0.0));
        assert_eq!(c.score(0.5, BelowLevel1::One), Ok(1.0));
        assert_eq!(
            c.score(6.0, BelowLevel1::Zero),
            Err(ResultError::MilestoneOutOfRange(6.0))
        );
    }

    #[test]
    fn invalid_criteria_are_typed_errors() {
        assert!(matches!(
            Criteria::new(
                KpiKind::Interpolated,
                Direction::HigherIsBetter,
                [0.0, 150.0, 150.0, 450.0, 826.0]
            ),
            Err(CriteriaError::NotMonotone { level: 3, .. })
        ));
        assert!(matches!(
            Criteria::new(
                KpiKind::Stepped,
                Direction::LowerIsBetter,
                [1.0, 2.0, 3.0, 4.0, 5.0]
            ),
            Err(CriteriaError::NotMonotone { level: 2, .. })
        ));
        assert!(matches!(
            Criteria::new(
                KpiKind::Interpolated,
                Direction::HigherIsBetter,
                [0.0, f64::NAN, 2.0, 3.0, 4.0]
            ),
            Err(CriteriaError::NotFinite { level: 2 })
        ));
        assert_eq!(check_weight(0.0), Err(CriteriaError::WeightOutOfRange(0.0)));
        assert_eq!(
            check_weight(100.5),
            Err(CriteriaError::WeightOutOfRange(100.5))
        );
        assert_eq!(check_weight(100.0), Ok(100.0));
        assert_eq!(
            interp([0.0, 1.0, 2.0, 3.0, 4.0]).score(f64::INFINITY, BelowLevel1::Zero),
            Err(ResultError::NotFinite)
        );
    }

    #[test]
    fn milestone_ranges_read_as_their_highest_level() {
        assert_eq!(parse_result("4-5", KpiKind::Milestone), Ok(5.0));
        assert_eq!(parse_result("๔ - ๕", KpiKind::Milestone), Ok(5.0));
        assert_eq!(parse_result("4.8", KpiKind::Milestone), Ok(4.8));
        assert_eq!(parse_result("๘๒๖", KpiKind::Interpolated), Ok(826.0));
        assert_eq!(parse_result("-3", KpiKind::Milestone), Ok(-3.0));
        assert!(parse_result("4-", KpiKind::Milestone).is_err());
        assert!(parse_result("4-5", KpiKind::Interpolated).is_err());
    }

    #[test]
    fn message_names_the_problem() {
        let e = Criteria::new(
            KpiKind::Interpolated,
            Direction::HigherIsBetter,
            [0.0, 150.0, 140.0, 450.0, 826.0],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "thresholds must be strictly ascending for a higher-is-better KPI, but level 3 (140) does not follow level 2 (150)"
        );
    }

    #[test]
    fn roll_up_weights_reported_kpis() {
        // Seed 000 and 003 KPIs as if one division, both weight 30: Σw = 60, flagged.
        let d = roll_up(
            Quarter::Q2,
            &[
                Weighted {
                    weight: 30.0,
                    score: Some(2.2267),
                },
                Weighted {
                    weight: 30.0,
                    score: Some(3.0),
                },
            ],
        );
        assert_eq!(d.score, Some(2.6134));
        assert!(!d.weights_sum_to_100());
        assert!(!d.is_partial());

        let d = roll_up(
            Quarter::Q1,
            &[
                Weighted {
                    weight: 70.0,
                    score: None,
                },
                Weighted {
                    weight: 30.0,
                    score: Some(4.0),
                },
            ],
        );
        assert_eq!(d.score, Some(4.0));
        assert!(d.weights_sum_to_100());
        assert!(d.is_partial());

        let d = roll_up(
            Quarter::Q3,
            &[Weighted {
                weight: 100.0,
                score: None,
            }],
        );
        assert_eq!(d.score, None);
    }

    #[test]
    fn roll_up_equals_sum_of_weighted_when_weights_total_100() {
        let kpis = [(30.0, 2.2267), (50.0, 3.0), (20.0, 4.0372)];
        let items: Vec<Weighted> = kpis
            .iter()
            .map(|&(weight, s)| Weighted {
                weight,
                score: Some(s),
            })
            .collect();
        // Equal up to the rounding of each weighted score (half a unit in the 4th decimal each).
        let sum: f64 = kpis.iter().map(|&(w, s)| weighted(s, w)).sum();
        let rolled = roll_up(Quarter::Q4, &items).score.unwrap();
        assert!(
            (rolled - sum).abs() <= 0.00005 * kpis.len() as f64 + 1e-12,
            "{rolled} vs {sum}"
        );
    }

    fn ascending() -> impl Strategy<Value = [f64; 5]> {
        (-1000.0..1000.0f64, prop::array::uniform4(0.01..500.0f64)).prop_map(|(start, gaps)| {
            let mut t = [start; 5];
            for i in 0..4 {
                t[i + 1] = t[i] + gaps[i];
            }
            t
        })
    }

    fn kinds() -> impl Strategy<Value = KpiKind> {
        prop_oneof![Just(KpiKind::Interpolated), Just(KpiKind::Stepped)]
    }

    fn rules() -> impl Strategy<Value = BelowLevel1> {
        prop_oneof![Just(BelowLevel1::Zero), Just(BelowLevel1::One)]
    }

    proptest! {
        #[test]
        fn score_is_within_0_and_5(t in ascending(), r in -5000.0..5000.0f64, kind in kinds(), below in rules()) {
            let s = Criteria::new(kind, Direction::HigherIsBetter, t).unwrap().score(r, below).unwrap();
            prop_assert!((0.0..=5.0).contains(&s));
        }

        #[test]
        fn higher_is_better_never_decreases(t in ascending(), a in -5000.0..5000.0f64, b in -5000.0..5000.0f64, kind in kinds(), below in rules()) {
            let c = Criteria::new(kind, Direction::HigherIsBetter, t).unwrap();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(c.score(lo, below).unwrap() <= c.score(hi, below).unwrap());
        }

        #[test]
        fn lower_is_better_never_increases(t in ascending(), a in -5000.0..5000.0f64, b in -5000.0..5000.0f64, kind in kinds(), below in rules()) {
            let desc = [t[4], t[3], t[2], t[1], t[0]];
            let c = Criteria::new(kind, Direction::LowerIsBetter, desc).unwrap();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(c.score(lo, below).unwrap() >= c.score(hi, below).unwrap());
        }

        #[test]
        fn interpolation_is_continuous_at_each_threshold(t in ascending(), k in 0usize..5) {
            // Approaching T_k from below gives level k+1 in the limit. At T1 that holds only
            // under the clamp-to-1 rule: the default rule drops to 0 on purpose.
            let c = interp(t);
            let gap = if k == 0 { t[1] - t[0] } else { t[k] - t[k - 1] };
            let eps = gap * 1e-9;
            let below = c.score(t[k] - eps, BelowLevel1::One).unwrap();
            let at = c.score(t[k], BelowLevel1::One).unwrap();
            prop_assert!((at - below).abs() <= 1e-4 + 1e-12, "below {below} at {at}");
            prop_assert_eq!(at, (k + 1) as f64);
        }

        #[test]
        fn lower_is_better_mirrors_higher_is_better(t in ascending(), r in -5000.0..5000.0f64, kind in kinds(), below in rules()) {
            let up = Criteria::new(kind, Direction::HigherIsBetter, t).unwrap();
            let mirrored = t.map(|x| -x);
            let down = Criteria::new(kind, Direction::LowerIsBetter, mirrored).unwrap();
            prop_assert_eq!(up.score(r, below).unwrap(), down.score(-r, below).unwrap());
        }

        #[test]
        fn weighted_is_rounded_product(s in 0.0..=5.0f64, w in 0.01..=100.0f64) {
            let s = round4(s);
            prop_assert_eq!(weighted(s, w), round4(s * w / 100.0));
            prop_assert!(weighted(s, w) <= s + 1e-9);
        }
    }

    /// The rules in exact rational arithmetic, written independently of [`exact`]: the
    /// reference the scorer must equal to the last digit.
    mod reference {
        use num_bigint::BigInt;
        use num_rational::BigRational;
        use num_traits::{Signed, ToPrimitive};

        pub fn decimal(mantissa: i64, scale: u32) -> BigRational {
            BigRational::new(mantissa.into(), BigInt::from(10).pow(scale))
        }

        /// Half away from zero at `places` decimals.
        fn round(x: &BigRational, places: u32) -> BigRational {
            let f = BigRational::from_integer(BigInt::from(10).pow(places));
            let half = BigRational::new(1.into(), 2.into());
            let y = x * &f;
            let r = if y.is_negative() {
                -(-y + half).floor()
            } else {
                (y + half).floor()
            };
            r / f
        }

        /// `level + (r − lo)/(hi − lo)`, rounded to nine decimals and then to four, as f64.
        pub fn interpolated(level: u8, r: &BigRational, lo: &BigRational, hi: &BigRational) -> f64 {
            let x = BigRational::from_integer(level.into()) + (r - lo) / (hi - lo);
            let units = round(&round(&x, 9), 4) * BigRational::from_integer(10_000.into());
            units.to_integer().to_f64().unwrap() / 10_000.0
        }
    }

    fn typed(mantissa: i64, scale: u32) -> f64 {
        format!("{mantissa}e-{scale}").parse().unwrap()
    }

    /// Ascending thresholds as (mantissas, scale): up to 10⁶ with up to three decimals, or
    /// whole numbers up to 10¹³, so every value keeps its typed digits in a cell.
    fn typed_thresholds() -> impl Strategy<Value = ([i64; 5], u32)> {
        let small = (
            -1_000_000i64..1_000_000,
            prop::array::uniform4(1i64..200_000),
            0u32..=3,
        );
        let large = (
            -10_000_000_000_000i64..10_000_000_000_000,
            prop::array::uniform4(1i64..1_000_000_000_000),
            Just(0u32),
        );
        prop_oneof![small, large].prop_map(|(start, steps, scale)| {
            let mut t = [start; 5];
            for i in 1..5 {
                t[i] = t[i - 1] + steps[i - 1];
            }
            (t, scale)
        })
    }

    proptest! {
        #[test]
        fn interpolation_equals_the_exact_reference(
            (t, scale) in typed_thresholds(),
            k in 0usize..4,
            j in 0i64..20_000,
            lower in any::<bool>(),
        ) {
            // A result j/20000 of the way from level k+1 to k+2: every odd j is exactly
            // half-way at the fifth decimal, the case binary arithmetic gets wrong.
            let d = t[k + 1] - t[k];
            let r_mantissa = t[k] * 100_000 + 5 * d * j;
            prop_assume!(r_mantissa.abs() < 1_000_000_000_000_000);
            let (sign, direction) = if lower {
                (-1, Direction::LowerIsBetter)
            } else {
                (1, Direction::HigherIsBetter)
            };
            let thresholds = t.map(|m| typed(sign * m, scale));
            let c = Criteria::new(KpiKind::Interpolated, direction, thresholds).unwrap();
            let got = c.score(typed(sign * r_mantissa, scale + 5), BelowLevel1::Zero).unwrap();
            let want = reference::interpolated(
                k as u8 + 1,
                &reference::decimal(r_mantissa, scale + 5),
                &reference::decimal(t[k], scale),
                &reference::decimal(t[k + 1], scale),
            );
            prop_assert_eq!(got, want);
        }

        #[test]
        fn any_typed_result_equals_the_exact_reference(
            (t, scale) in typed_thresholds(),
            r_mantissa in -20_000_000_000i64..20_000_000_000,
            r_scale in 0u32..=4,
        ) {
            let thresholds = t.map(|m| typed(m, scale));
            let c = Criteria::new(KpiKind::Interpolated, Direction::HigherIsBetter, thresholds).unwrap();
            let r = reference::decimal(r_mantissa, r_scale);
            let tr = t.map(|m| reference::decimal(m, scale));
            let want = if r >= tr[4] {
                5.0
            } else if r < tr[0] {
                0.0
            } else {
                let k = (0..4).rev().find(|&k| r >= tr[k]).unwrap();
                reference::interpolated(k as u8 + 1, &r, &tr[k], &tr[k + 1])
            };
            prop_assert_eq!(c.score(typed(r_mantissa, r_scale), BelowLevel1::Zero).unwrap(), want);
        }
    }
}
