//! kpiwatch's own figures for each division of a summary, computed once: the values every
//! formula caches, and the rows of the KPI sheet each division's block of KPIs takes.

use super::kpis::KPI_HEADER_ROW;
use super::{DivisionEntry, SummaryInput};
use crate::domain::scoring::{self, DivisionScore, KpiScoreError, QuarterScore};

/// One division's figures and where its KPIs sit on the KPI sheet.
pub(super) struct Scored<'a> {
    pub(super) entry: &'a DivisionEntry,
    /// Aligned with `entry.submission.kpis`. A KPI whose criteria or weight are invalid has no
    /// scores; its score cells stay blank (no formula), as kpiwatch leaves them.
    pub(super) kpis: Vec<Result<[QuarterScore; 4], KpiScoreError>>,
    pub(super) division: [DivisionScore; 4],
    /// The KPI sheet row of the division's first KPI; the others follow.
    pub(super) first_row: u32,
}

impl Scored<'_> {
    /// The KPI sheet rows of this division, if it has KPIs.
    pub(super) fn rows(&self) -> Option<(u32, u32)> {
        let n = self.kpis.len() as u32;
        (n > 0).then(|| (self.first_row, self.first_row + n - 1))
    }
}

/// Scores every division of `input`, and places its KPIs on the KPI sheet in order.
pub(super) fn score_all(input: &SummaryInput) -> Vec<Scored<'_>> {
    let mut next_row = KPI_HEADER_ROW + 1;
    input
        .divisions
        .iter()
        .map(|entry| {
            let kpis: Vec<_> = entry
                .submission
                .kpis
                .iter()
                .map(|k| scoring::score_kpi(k, input.below_level1))
                .collect();
            let weighted: Vec<(f64, [Option<f64>; 4])> = entry
                .submission
                .kpis
                .iter()
                .zip(&kpis)
                .map(|(k, s)| (k.weight, scores_of(s)))
                .collect();
            let first_row = next_row;
            next_row += kpis.len() as u32;
            Scored {
                entry,
                division: scoring::roll_up_year(&weighted),
                kpis,
                first_row,
            }
        })
        .collect()
}

fn scores_of(s: &Result<[QuarterScore; 4], KpiScoreError>) -> [Option<f64>; 4] {
    match s {
        Ok(q) => q.map(|q| q.score),
        Err(_) => [None; 4],
    }
}
