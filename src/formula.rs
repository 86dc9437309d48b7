//! Excel formulas that restate the rules of [`crate::scoring`], so a workbook can show its
//! arithmetic live: an officer can audit a score in Excel, and LibreOffice recalculating our
//! workbooks checks these formulas against the Rust implementation.

use crate::model::{Direction, KpiKind};

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

/// The official score of one result, or "" when the result is blank or not a number.
///
/// Mirroring a lower-is-better KPI (multiplying result and thresholds by -1) makes the thresholds
/// ascending, so the level reached is the count of thresholds met; the interpolated fraction
/// (R − Tn)/(Tn+1 − Tn) needs no mirroring because the signs cancel. This is the same reasoning
/// as `scoring::Criteria::score`.
pub fn score(r: ScoreRefs<'_>) -> String {
    let sign = format!(
        "IF({}=\"{}\",-1,1)",
        r.direction,
        Direction::LowerIsBetter.label_th()
    );
    let n = format!(
        "SUMPRODUCT(--({sign}*{res}>={sign}*{t}))",
        res = r.result,
        t = r.thresholds
    );
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
        "IF(ISNUMBER({res}),ROUND(IF({kind}=\"{milestone}\",IF({res}<1,{below},MIN({res},5)),{level}),4),\"\")",
        res = r.result,
        kind = r.kind,
        milestone = KpiKind::Milestone.label_th(),
        below = r.below_level1,
    )
}

/// round(score × weight / 100, 4), or "" when the score is blank.
pub fn weighted(score: &str, weight: &str) -> String {
    format!("IF(ISNUMBER({score}),ROUND({score}*{weight}/100,4),\"\")")
}

/// Σ(w·s)/Σw over the KPIs with a score; "" when none has one. SUMPRODUCT counts the "" of an
/// unreported quarter as 0 in both Excel and LibreOffice, and the denominator leaves it out.
pub fn roll_up(weights: &str, scores: &str) -> String {
    let reported = format!("SUMPRODUCT({weights},--ISNUMBER({scores}))");
    format!("IF({reported}=0,\"\",ROUND(SUMPRODUCT({weights},{scores})/{reported},4))",)
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
}
