//! What a version received after a round closed changes against that round's frozen snapshot:
//! each KPI whose result or score for the round's quarter differs from the figures the closed
//! snapshot holds for the division. Shown in the summary's submissions sheet and in receipts.

use std::collections::HashMap;

use crate::check::validate::normalize_code;
use crate::domain::model::{BelowLevel1, Kpi, Quarter, Submission};
use crate::domain::scoring;
use crate::domain::thai::plain_number;
use crate::ledger::{Ledger, LedgerError, RoundClose, StoredVersion};

pub use crate::domain::rounds::round_label_th;

/// One KPI figure that differs from the closed snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct CloseChange {
    pub kpi_code: String,
    pub old_result: Option<f64>,
    pub new_result: Option<f64>,
    pub old_score: Option<f64>,
    pub new_score: Option<f64>,
}

/// A version received after round `round` closed, and what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterClose {
    pub round: u8,
    pub changes: Vec<CloseChange>,
}

fn n(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), plain_number)
}

fn s4(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.4}"))
}

impl AfterClose {
    /// "หลังปิดรอบ 3 เดือน: สตป. 02 ผล 184 → 190 คะแนน 2.2267 → 2.2600".
    pub fn describe_th(&self) -> String {
        format!("หลังปิด{}: {}", round_label_th(self.round), self.changes_th())
    }

    /// What the version changes, in Thai, without the round: "สตป. 02 ผล 184 → 190 คะแนน
    /// 2.2267 → 2.2600", for a line whose label already names the round.
    pub fn changes_th(&self) -> String {
        if self.changes.is_empty() {
            return "ตัวเลขของรอบไม่เปลี่ยน".to_owned();
        }
        let parts: Vec<String> = self
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} ผล {} → {} คะแนน {} → {}",
                    c.kpi_code,
                    n(c.old_result),
                    n(c.new_result),
                    s4(c.old_score),
                    s4(c.new_score)
                )
            })
            .collect();
        parts.join("; ")
    }

    /// "after round 1 closed: สตป. 02 result 184 → 190, score 2.2267 → 2.2600".
    pub fn describe_en(&self) -> String {
        format!("after round {} closed: {}", self.round, self.changes_en())
    }

    /// What the version changes, in English, without the round: "สตป. 02 result 184 → 190,
    /// score 2.2267 → 2.2600".
    pub fn changes_en(&self) -> String {
        if self.changes.is_empty() {
            return "the round's figures are unchanged".to_owned();
        }
        let parts: Vec<String> = self
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} result {} → {}, score {} → {}",
                    c.kpi_code,
                    n(c.old_result),
                    n(c.new_result),
                    s4(c.old_score),
                    s4(c.new_score)
                )
            })
            .collect();
        parts.join("; ")
    }
}

/// The result and score of every KPI of `sub` for quarter `q`, by normalised code.
fn figures(sub: &Submission, q: Quarter, below: BelowLevel1) -> HashMap<String, (&Kpi, Figure)> {
    sub.kpis
        .iter()
        .map(|k| {
            let score = scoring::score_kpi(k, below)
                .ok()
                .and_then(|s| s[q.index()].score);
            (normalize_code(&k.code), (k, (k.report(q).result, score)))
        })
        .collect()
}

type Figure = (Option<f64>, Option<f64>);

/// The KPI figures of round `round` in `new` that differ from `closed` (the division's version
/// in the snapshot; `None` when the snapshot had nothing of it), in `new`'s order, then KPIs the
/// snapshot had and `new` dropped.
pub fn changes(
    round: u8,
    closed: Option<&Submission>,
    new: &Submission,
    below: BelowLevel1,
) -> Vec<CloseChange> {
    let Some(q) = Quarter::from_number(round) else {
        return Vec::new();
    };
    let before = closed.map(|s| figures(s, q, below)).unwrap_or_default();
    let after = figures(new, q, below);
    let mut out = Vec::new();
    let mut push = |code: &str, old: Figure, new: Figure| {
        if old != new {
            out.push(CloseChange {
                kpi_code: code.to_owned(),
                old_result: old.0,
                new_result: new.0,
                old_score: old.1,
                new_score: new.1,
            });
        }
    };
    for k in &new.kpis {
        let key = normalize_code(&k.code);
        let old = before.get(&key).map_or((None, None), |(_, f)| *f);
        let now = after.get(&key).map_or((None, None), |(_, f)| *f);
        push(&k.code, old, now);
    }
    for k in closed.map(|s| s.kpis.as_slice()).unwrap_or_default() {
        let key = normalize_code(&k.code);
        if !after.contains_key(&key) {
            let old = before.get(&key).map_or((None, None), |(_, f)| *f);
            push(&k.code, old, (None, None));
        }
    }
    out
}

/// What `v` changes against each closed round of its year it was received after: nothing for a
/// version that does not count, received before every close in `closes`, or that leaves the
/// closed rounds' figures as the snapshots have them.
pub fn after_close(
    ledger: &Ledger,
    closes: &[RoundClose],
    v: &StoredVersion,
    new: Option<&Submission>,
    below: BelowLevel1,
) -> Result<Vec<AfterClose>, LedgerError> {
    let mut out = Vec::new();
    if !v.counts() {
        return Ok(out);
    }
    let Some(new) = new else {
        return Ok(out);
    };
    for c in closes
        .iter()
        .filter(|c| Some(c.fiscal_year) == v.fiscal_year && v.id > c.last_version_id)
    {
        let closed = match c.closed_versions.get(&v.division_key) {
            Some(id) => ledger.submission(*id)?,
            None => None,
        };
        // A version that leaves the closed round's figures as they were (the next round's
        // report, most often) is no revision of it.
        let changes = changes(c.round, closed.as_ref(), new, below);
        if !changes.is_empty() {
            out.push(AfterClose {
                round: c.round,
                changes,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::samples;

    #[test]
    fn a_changed_result_of_the_round_is_listed_with_its_scores() {
        let old = samples::inspection_office();
        let mut new = old.clone();
        new.kpis[0].quarters[1].result = Some(190.0);
        // Another quarter's change is not the closed round's.
        new.kpis[0].quarters[2].result = Some(470.0);
        let c = changes(2, Some(&old), &new, BelowLevel1::Zero);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].old_result, Some(184.0));
        assert_eq!(c[0].new_result, Some(190.0));
        assert_eq!(c[0].old_score, Some(2.2267));
        let a = AfterClose {
            round: 2,
            changes: c,
        };
        assert!(
            a.describe_th()
                .starts_with("หลังปิดรอบ 6 เดือน: สตป. 02 ผล 184 → 190 คะแนน 2.2267 → "),
            "{}",
            a.describe_th()
        );
        assert!(changes(2, Some(&old), &old, BelowLevel1::Zero).is_empty());
        // Nothing in the snapshot: every reported figure of the round is new.
        assert!(!changes(2, None, &old, BelowLevel1::Zero).is_empty());
    }
}
