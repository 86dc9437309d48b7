//! Checks between files, made as each version is recorded: a KPI code another division
//! reports, and two files of one division for the same year and quarter. They see the ledger
//! and what this pass has accepted so far (`Claims`).

use std::collections::{HashMap, HashSet};

use crate::check::validate::{Status, normalize_code};
use crate::config::Config;
use crate::domain::diagnostic::{Diagnostic, DiagnosticRecord, Finding};
use crate::ledger::{Ledger, LedgerError, NewVersion};
use crate::pass::judge::Places;

/// A file and the quarter it reports up to.
type FileQuarter = (String, Option<u8>);

/// What this pass has accepted so far, for checks between files of the same pass (the ledger
/// only knows them once the chunk is committed).
#[derive(Default)]
pub(super) struct Claims {
    /// (KPI code, year) → (division key, division code, file).
    kpis: HashMap<(String, i32), (String, String, String)>,
    /// (division key, year) → files and the quarter each reports up to.
    files: HashMap<(String, i32), Vec<FileQuarter>>,
    /// The years the ledger held accepted versions of when the pass began. For any other year
    /// (the first pass of a year, or of a new share) the ledger has nothing this pass does not
    /// know, and is not asked file by file.
    ledger_years: HashSet<i32>,
}

impl Claims {
    /// Claims for a pass, given the years the ledger holds accepted versions of, read before
    /// the pass records anything.
    pub fn new(ledger_years: HashSet<i32>) -> Self {
        Self {
            ledger_years,
            ..Self::default()
        }
    }

    /// Remembers what an accepted version claims: its KPI codes and its file.
    fn claim(&mut self, v: &NewVersion, fy: i32) {
        for code in &v.kpi_codes {
            self.kpis.insert(
                (code.clone(), fy),
                (
                    v.division_key.clone(),
                    v.division_code.clone(),
                    v.path.clone(),
                ),
            );
        }
        self.files
            .entry((v.division_key.clone(), fy))
            .or_default()
            .push((v.path.clone(), v.reporting_quarter));
    }
}

/// Checks between files: a KPI code another division reports (with a registry: another
/// division's KPI, rejected), and two files of one division for the same year and quarter.
pub(super) fn cross_check(
    ledger: &Ledger,
    v: &mut NewVersion,
    places: &Places,
    config: &Config,
    claims: &mut Claims,
) -> Result<(), LedgerError> {
    let Some(fy) = v.fiscal_year else {
        return Ok(());
    };
    if v.status != Status::Accepted || v.division_key.is_empty() {
        return Ok(());
    }
    let mut found = kpis_of_others(ledger, v, fy, places, config, claims)?;
    found.extend(other_files(ledger, v, fy, places, claims)?);
    if found.iter().any(Diagnostic::is_error) {
        v.status = Status::Rejected;
    }
    v.diagnostics
        .extend(found.iter().map(DiagnosticRecord::from));
    // Errors first, as everywhere.
    v.diagnostics.sort_by_key(|d| !d.is_error());
    if v.status == Status::Accepted {
        claims.claim(v, fy);
    }
    Ok(())
}

/// A finding for each KPI code of `v` that another division's current workbook reports.
fn kpis_of_others(
    ledger: &Ledger,
    v: &NewVersion,
    fy: i32,
    places: &Places,
    config: &Config,
    claims: &Claims,
) -> Result<Vec<Diagnostic>, LedgerError> {
    let mut found = Vec::new();
    for (code, at) in &places.kpis {
        let key = normalize_code(code);
        let mut holders = if claims.ledger_years.contains(&fy) {
            ledger.kpi_holders(&key, fy, &v.division_key)?
        } else {
            Vec::new()
        };
        if let Some((division, division_code, file)) = claims.kpis.get(&(key.clone(), fy))
            && division != &v.division_key
        {
            holders.push((division_code.clone(), file.clone()));
        }
        if let Some((division, file)) = holders.into_iter().next() {
            let finding = if config.divisions.is_empty() {
                Finding::KpiCodeInOtherDivision {
                    code: code.clone(),
                    division,
                    file,
                }
            } else {
                Finding::ForeignKpiCode {
                    code: code.clone(),
                    division,
                    file,
                }
            };
            found.push(Diagnostic::new(finding, at.clone()));
        }
    }
    Ok(found)
}

/// A finding for each other file of the same division and year that reports the same quarter.
fn other_files(
    ledger: &Ledger,
    v: &NewVersion,
    fy: i32,
    places: &Places,
    claims: &Claims,
) -> Result<Vec<Diagnostic>, LedgerError> {
    let mut others = if claims.ledger_years.contains(&fy) {
        ledger.division_files(&v.division_key, fy, &v.path)?
    } else {
        Vec::new()
    };
    if let Some(list) = claims.files.get(&(v.division_key.clone(), fy)) {
        others.extend(list.iter().filter(|(p, _)| p != &v.path).cloned());
    }
    Ok(others
        .into_iter()
        .filter(|(_, quarter)| match (quarter, v.reporting_quarter) {
            (Some(a), Some(b)) => *a == b,
            _ => true,
        })
        .map(|(other, _)| {
            Diagnostic::new(
                Finding::AnotherFileForDivision { other },
                places.division_code.clone(),
            )
        })
        .collect())
}
