//! Keeping the summary folder current after a pass: which workbooks each fiscal year needs
//! (one workbook, or books of `[summary] divisions_per_book` divisions and an index), which of
//! them changed since they were last written, and writing only those, atomically.

mod books;
mod year;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::check::validate::normalize_code;
use crate::config::Config;
use crate::domain::model::{FiscalYear, Quarter, Submission};
use crate::domain::thai;
use crate::ledger::Ledger;
use crate::output::{Sync, write_atomic_with};
use crate::summary::{self, Revision};
use books::{Target, index_meta, write_books};
use year::YearPlan;

/// Why the summaries could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error("cannot write the summary {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build the summary for fiscal year {fiscal_year}: {source}")]
    Build {
        fiscal_year: i32,
        source: rust_xlsxwriter::XlsxError,
    },
}

const SUMMARY_GENERATION: &str = "summary_generation";
const SUMMARY_FINGERPRINT: &str = "summary_fingerprint";
/// The files the last complete write of the summaries left (a JSON list of names).
const SUMMARY_FILES: &str = "summary_files";

/// Rebuilds the summaries when the ledger or the configuration changed since they were last
/// written, or when one is missing. Returns the files written.
pub fn write_summaries(
    summary_dir: &Path,
    config: &Config,
    ledger: &mut Ledger,
) -> Result<Vec<PathBuf>, PublishError> {
    let generation = ledger.generation()?.to_string();
    // The rounds' status changes with the calendar too (a round falls due with nothing new in
    // the ledger): what it shows is part of what the summaries are up to date with. Contacts
    // come from accepted versions, which the generation already covers: not read here.
    let round_versions = ledger.round_versions()?;
    let today = crate::clock::now().date_naive();
    let config_fingerprint = config.fingerprint();
    let mut fingerprint = config_fingerprint.clone();
    for fy in fiscal_years(config, round_versions.iter().map(|v| v.fiscal_year)) {
        let board = summary::status::board(ledger, config, fy.be(), today, &round_versions, false)?;
        fingerprint.push('|');
        fingerprint.push_str(&board.digest());
    }
    let files_before: Option<Vec<String>> = ledger
        .meta(SUMMARY_FILES)?
        .and_then(|json| serde_json::from_str(&json).ok());
    let up_to_date = ledger.meta(SUMMARY_GENERATION)?.as_deref() == Some(generation.as_str())
        && ledger.meta(SUMMARY_FINGERPRINT)?.as_deref() == Some(fingerprint.as_str())
        && files_before
            .as_ref()
            .is_some_and(|files| files.iter().all(|f| summary_dir.join(f).exists()));
    if up_to_date {
        return Ok(Vec::new());
    }
    // Forgotten before any file is replaced and recorded again only once all are written: a
    // pass that stops halfway (crash, full disk) is never taken for up to date, even if the
    // configuration then goes back to what it was.
    ledger.set_meta(SUMMARY_GENERATION, "")?;
    let started = std::time::Instant::now();
    let crate::ledger::VersionLists {
        all: versions,
        latest,
        current,
    } = ledger.versions_at_once()?;
    tracing::debug!(
        ms = started.elapsed().as_millis(),
        versions = versions.len(),
        "summary: ledger read"
    );
    // Every change of state made by hand is a new row: the last one's id says which the
    // summaries show.
    let state_key = ledger
        .state_changes()?
        .last()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let mut written = Vec::new();
    let mut files = Vec::new();
    // Whether every file went where it belongs (not to a dated copy beside a locked one).
    let mut all_in_place = true;
    for fy in fiscal_years(config, versions.iter().map(|v| v.fiscal_year)) {
        let mut plan = YearPlan::new(fy, config, &versions, &latest, &current);
        plan.state_key.clone_from(&state_key);
        plan.status = Some(summary::status::board(
            ledger,
            config,
            fy.be(),
            today,
            &round_versions,
            true,
        )?);
        let per_book = config.summary.divisions_per_book;
        let books = if per_book == 0 || plan.members.len() <= per_book {
            let input = plan.input(ledger, config, None)?;
            let bytes = summary::to_bytes(&input).map_err(|source| PublishError::Build {
                fiscal_year: fy.be(),
                source,
            })?;
            // The same name as a split year's index: that index is gone.
            ledger.set_meta(&index_meta(fy), "")?;
            let path = summary_dir.join(summary::file_name(fy));
            let went_to = publish(&path, &bytes, Sync::Now)?;
            all_in_place &= went_to == path;
            written.push(went_to);
            Vec::new()
        } else {
            let target = Target {
                summary_dir,
                config,
                // Each book's key takes in its own divisions' statuses: a status that changed
                // rewrites that book and the index, not every book.
                fingerprint: &config_fingerprint,
            };
            let (books, in_place) = write_books(target, ledger, &plan, per_book, &mut written)?;
            all_in_place &= in_place;
            books
        };
        files.push(summary::file_name(fy));
        remove_stale_books(summary_dir, fy, &books);
        files.extend(books);
    }
    ledger.set_meta(
        SUMMARY_FILES,
        &serde_json::to_string(&files).unwrap_or_default(),
    )?;
    // A locked file got a dated copy: the next pass tries the real one again.
    if all_in_place {
        ledger.set_meta(SUMMARY_GENERATION, &generation)?;
    }
    ledger.set_meta(SUMMARY_FINGERPRINT, &fingerprint)?;
    Ok(written)
}

/// The whole of `fy`'s summary as one workbook, as it stands now (a split year too): the frozen
/// snapshot of a closed round.
pub fn snapshot_bytes(
    config: &Config,
    ledger: &Ledger,
    fy: FiscalYear,
) -> Result<Vec<u8>, PublishError> {
    let crate::ledger::VersionLists {
        all,
        latest,
        current,
    } = ledger.versions_at_once()?;
    let mut plan = YearPlan::new(fy, config, &all, &latest, &current);
    // The snapshot is the summary as it stands, the rounds' status on the day of the close
    // included (the history is the year's, as the live summary's).
    plan.status = Some(summary::status::board(
        ledger,
        config,
        fy.be(),
        crate::clock::now().date_naive(),
        &ledger.round_versions()?,
        true,
    )?);
    let input = plan.input(ledger, config, None)?;
    summary::to_bytes(&input).map_err(|source| PublishError::Build {
        fiscal_year: fy.be(),
        source,
    })
}

/// Removes books of `fy` that the current plan does not have (the year shrank, or is no
/// longer split). Only files named as kpiwatch names books are touched.
fn remove_stale_books(dir: &Path, fy: FiscalYear, keep: &[String]) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if summary::is_book_file_name(fy, &name) && !keep.contains(&name) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::info!(file = %name, "removed a summary book the year no longer has")
                }
                Err(e) => {
                    tracing::warn!(file = %name, error = %e, "cannot remove an old summary book")
                }
            }
        }
    }
}

fn generated_at() -> String {
    thai::format_thai_datetime(crate::clock::now().naive_local(), thai::ThaiDigits::No)
}

/// The fiscal years to summarise: the configured one (even before anything arrived, so the
/// office sees who is missing), or every plausible year submitted.
fn fiscal_years(config: &Config, years: impl Iterator<Item = Option<i32>>) -> Vec<FiscalYear> {
    if let Some(fy) = config.fiscal_year {
        return vec![FiscalYear::new(fy)];
    }
    let mut years: Vec<FiscalYear> = years
        .filter_map(|y| y.map(FiscalYear::new))
        .filter(|y| y.is_plausible())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    years.sort();
    years
}

/// Writes a summary, retrying while the file is locked (open in Excel on the planning office's
/// PC); if it stays locked, writes a dated copy beside it and says so.
fn publish(path: &Path, bytes: &[u8], sync: Sync) -> Result<PathBuf, PublishError> {
    let mut last = None;
    for attempt in 0..3u32 {
        match write_atomic_with(path, bytes, sync) {
            Ok(()) => return Ok(path.to_owned()),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, attempt = attempt + 1, "summary locked or unwritable; retrying");
                last = Some(e);
                std::thread::sleep(Duration::from_millis(400 * u64::from(attempt + 1)));
            }
        }
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dated = path.with_file_name(format!(
        "{stem} ({}).xlsx",
        crate::clock::now().format("%Y-%m-%d %H%M%S")
    ));
    match write_atomic_with(&dated, bytes, sync) {
        Ok(()) => {
            tracing::warn!(
                locked = %path.display(),
                written = %dated.display(),
                error = %last.map(|e| e.to_string()).unwrap_or_default(),
                "the summary is locked (open on another PC?): wrote a dated copy instead"
            );
            Ok(dated)
        }
        Err(source) => Err(PublishError::Write {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Changes to figures already reported, between the previous accepted version and this one.
pub fn revisions(old: &Submission, new: &Submission) -> Vec<Revision> {
    let previous: HashMap<String, &crate::domain::model::Kpi> = old
        .kpis
        .iter()
        .map(|k| (normalize_code(&k.code), k))
        .collect();
    let mut out = Vec::new();
    for k in &new.kpis {
        let Some(before) = previous.get(&normalize_code(&k.code)) else {
            continue;
        };
        for q in Quarter::ALL {
            let (o, n) = (before.report(q).result, k.report(q).result);
            if o.is_some() && o != n {
                out.push(Revision {
                    kpi_code: k.code.clone(),
                    quarter: q,
                    old: o,
                    new: n,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::samples;

    #[test]
    fn revisions_list_changed_quarters_only() {
        let old = samples::inspection_office();
        let mut new = old.clone();
        new.kpis[0].quarters[1].result = Some(190.0);
        new.kpis[1].quarters[3].result = None;
        let r = revisions(&old, &new);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].describe(), "สตป. 02 ไตรมาส 2: 184 → 190");
        assert_eq!(r[1].describe(), "สตป. 03 ไตรมาส 4: 5 → -");
    }
}
