//! Excel formulas that restate the rules of [`crate::domain::scoring`], so a workbook can show its
//! arithmetic live: an officer can audit a score in Excel, and LibreOffice recalculating our
//! workbooks checks these formulas against the Rust implementation.

use crate::domain::model::{Direction, KpiKind};

/// Cell references a score formula reads, as Excel text (e.g. `"$H5"`, `"$C$12:$G$12"`).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRefs<'a> {
    pub result: &'a str,
    /// A cell holding the kind's Thai label.
    pub kind: &'a str,
    /// A cell holding the direction's Thai label.
    pub direction: &'a str,
    /// Five cells T1..T5, as one contiguous range.
    pub thresholds: &'a str,
    /// A cell or literal giving the score below level 1 (0 or 1).
    pub below_level1: &'a str,
}

/// How many of the five thresholds a result meets, or "" when the result is blank: the level
/// reached. Thresholds ascend for higher-is-better and descend for lower-is-better, so in both
/// cases the thresholds met are the first ones.
pub fn levels_met(result: &str, direction: &str, thresholds: &str) -> String {
    format!(
        "IF(ISNUMBER({result}),IF({direction}=\"{lower}\",SUMPRODUCT(--({thresholds}>={result})),SUMPRODUCT(--({thresholds}<={result}))),\"\")",
        lower = Direction::LowerIsBetter.label_th(),
    )
}

/// What [`levels_met`] evaluates to, for the cached value: a blank threshold cell counts as 0,
/// as it does in Excel and LibreOffice.
pub fn levels_met_value(result: f64, direction: Direction, shown: &[Option<f64>; 5]) -> f64 {
    shown
        .iter()
        .map(|t| t.unwrap_or(0.0))
        .filter(|&t| match direction {
            Direction::LowerIsBetter => t >= result,
            Direction::HigherIsBetter => t <= result,
        })
        .count() as f64
}

/// The official score of one result given the level it reached (a [`levels_met`] cell or
/// expression), or "" when the result is blank or not a number.
///
/// Level n met (0 < n < 5) interpolates (R − Tn)/(Tn+1 − Tn) towards the next threshold; the
/// signs cancel for lower-is-better, as in `scoring::Criteria::score`.
pub fn score_at_level(r: ScoreRefs<'_>, n: &str) -> String {
    let tn = |offset: &str| format!("INDEX({},{n}{offset})", r.thresholds);
    let level = format!(
        "IF({n}=5,5,IF({n}=0,{below},{n}+IF({kind}=\"{stepped}\",0,({res}-{t0})/({t1}-{t0}))))",
        below = r.below_level1,
        kind = r.kind,
        stepped = KpiKind::Stepped.label_th(),
        res = r.result,
        t0 = tn(""),
        t1 = tn("+1"),
    );
    format!(
        "IF(ISNUMBER({res}),{rounded},\"\")",
        rounded = round4(&format!(
            "IF({kind}=\"{milestone}\",IF({res}<1,{below},MIN({res},5)),{level})",
            kind = r.kind,
            milestone = KpiKind::Milestone.label_th(),
            below = r.below_level1,
            res = r.result,
        )),
        res = r.result,
    )
}

/// The official score in one self-contained formula (the level reached computed inline): for
/// the template's few computed cells. The summary keeps the level in its own column instead,
/// which keeps its formulas short.
pub fn score(r: ScoreRefs<'_>) -> String {
    let lower = Direction::LowerIsBetter.label_th();
    let n = format!(
        "IF({d}=\"{lower}\",SUMPRODUCT(--({t}>={res})),SUMPRODUCT(--({t}<={res})))",
        d = r.direction,
        t = r.thresholds,
        res = r.result
    );
    score_at_level(r, &n)
}

/// `x` rounded to four decimals the way kpiwatch rounds (see [`crate::domain::exact`]): first
/// to nine decimals, which takes away the binary noise of a quotient such as 1 + 0.05/40
/// (1.0012499999… in binary, 1.00125 in decimal), then half away from zero to four.
pub fn round4(x: &str) -> String {
    format!("ROUND(ROUND({x},9),4)")
}

/// round(score × weight / 100, 4), or "" when the score is blank.
pub fn weighted(score: &str, weight: &str) -> String {
    format!(
        "IF(ISNUMBER({score}),{},\"\")",
        round4(&format!("{score}*{weight}/100"))
    )
}

/// Σ(w·s)/Σw over the KPIs with a score; "" when none has one. SUMPRODUCT counts the "" of an
/// unreported quarter as 0 in both Excel and LibreOffice, and the denominator leaves it out.
pub fn roll_up(weights: &str, scores: &str) -> String {
    let reported = format!("SUMPRODUCT({weights},--ISNUMBER({scores}))");
    format!(
        "IF({reported}=0,\"\",{})",
        round4(&format!("SUMPRODUCT({weights},{scores})/{reported}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_formula_mentions_every_input() {
        let f = score(ScoreRefs {
            result: "B35",
            kind: "$B$13",
            direction: "$B$14",
            thresholds: "$B$18:$B$22",
            below_level1: "0",
        });
        for part in [
            "B35",
            "$B$13",
            "$B$14",
            "$B$18:$B$22",
            "ROUND(",
            "SUMPRODUCT(",
        ] {
            assert!(f.contains(part), "{part} missing from {f}");
        }
        assert!(!f.starts_with('='));
    }

    #[test]
    fn levels_met_counts_like_a_spreadsheet() {
        let t = [
            Some(0.0),
            Some(150.0),
            Some(300.0),
            Some(450.0),
            Some(826.0),
        ];
        assert_eq!(levels_met_value(184.0, Direction::HigherIsBetter, &t), 2.0);
        assert_eq!(levels_met_value(826.0, Direction::HigherIsBetter, &t), 5.0);
        let d = [Some(10.0), Some(8.0), Some(6.0), Some(4.0), Some(2.0)];
        assert_eq!(levels_met_value(7.0, Direction::LowerIsBetter, &d), 2.0);
        assert_eq!(levels_met_value(12.0, Direction::LowerIsBetter, &d), 0.0);
        assert_eq!(
            levels_met_value(3.0, Direction::HigherIsBetter, &[None; 5]),
            5.0
        );
    }
}
