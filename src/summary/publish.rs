//! Keeping the summary folder current after a pass: which workbooks each fiscal year needs
//! (one workbook, or books of `[summary] divisions_per_book` divisions and an index), which of
//! them changed since they were last written, and writing only those, atomically.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::validate::normalize_code;
use crate::config::Config;
use crate::domain::model::{FiscalYear, Quarter, Submission};
use crate::domain::thai;
use crate::ledger::{Ledger, StoredSubmission, StoredVersion, parse_submission, slim};
use crate::output::{Sync, sync_folder, write_atomic_with};
use crate::summary::{
    self, DiagnosticRow, DivisionEntry, IndexInput, IndexRow, MissingDivision, Part, Revision,
    SubmissionRow, SummaryInput,
};

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
    let fingerprint = config.fingerprint();
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
    let mut written = Vec::new();
    let mut files = Vec::new();
    // Whether every file went where it belongs (not to a dated copy beside a locked one).
    let mut all_in_place = true;
    for fy in fiscal_years(config, &versions) {
        let plan = YearPlan::new(fy, config, &versions, &latest, &current);
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
            let (books, in_place) = write_books(
                summary_dir,
                config,
                &fingerprint,
                ledger,
                &plan,
                per_book,
                &mut written,
            )?;
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

/// What one book of a split summary last had written: the key of its content, and its lines
/// for the index (so an unchanged book is neither rebuilt nor read again).
#[derive(Debug, Serialize, Deserialize)]
struct BookState {
    key: String,
    rows: Vec<IndexRow>,
}

fn book_meta(fy: FiscalYear, number: usize) -> String {
    format!("summary_book:{}:{number}", fy.be())
}

fn index_meta(fy: FiscalYear) -> String {
    format!("summary_index:{}", fy.be())
}

/// Writes the books whose content changed and then the index (if anything in it changed).
/// Books are built in parallel, a few at a time, so only those few are in memory. Returns the
/// books' file names.
#[allow(clippy::too_many_arguments)]
fn write_books(
    summary_dir: &Path,
    config: &Config,
    fingerprint: &str,
    ledger: &mut Ledger,
    plan: &YearPlan<'_>,
    per_book: usize,
    written: &mut Vec<PathBuf>,
) -> Result<(Vec<String>, bool), PublishError> {
    let fy = plan.fy;
    let count = plan.members.len().div_ceil(per_book);
    // Every book's key starts with the configuration (1.5 MB of text with a registry of
    // 10,000): hashed once here, and each book's hash goes on from a copy of this state.
    let mut seeded = Sha256::new();
    seeded.update(fingerprint);
    let book_of: HashMap<&str, usize> = plan
        .members
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key.as_str(), i / per_book + 1))
        .collect();
    let parts: Vec<Part> = plan
        .members
        .chunks(per_book)
        .enumerate()
        .map(|(i, chunk)| Part {
            number: i + 1,
            count,
            first_code: chunk.first().map(|m| m.1.clone()).unwrap_or_default(),
            last_code: chunk.last().map(|m| m.1.clone()).unwrap_or_default(),
        })
        .collect();
    let names: Vec<String> = parts
        .iter()
        .map(|p| summary::book_file_name(fy, p.number, count))
        .collect();

    let book_plans = plan.split(count, |k| book_of.get(k).copied());
    let mut states: Vec<Option<BookState>> = Vec::with_capacity(count);
    let mut stale = Vec::new();
    for part in &parts {
        let key = book_plans[part.number - 1].key(&seeded, part);
        let stored: Option<BookState> = ledger
            .meta(&book_meta(fy, part.number))?
            .and_then(|json| serde_json::from_str(&json).ok());
        let file_there = summary_dir.join(&names[part.number - 1]).exists();
        match stored {
            Some(state) if state.key == key && file_there => states.push(Some(state)),
            _ => {
                states.push(None);
                stale.push((part.clone(), key));
            }
        }
    }
    tracing::debug!(
        books = count,
        rebuilt = stale.len(),
        "summary: books to write"
    );
    // A book is forgotten before it is replaced, so a pass that stops halfway leaves no record
    // claiming the old key for new content (or the reverse).
    for (part, _) in &stale {
        ledger.set_meta(&book_meta(fy, part.number), "")?;
    }
    // Books are read from the ledger on this thread (a connection is not shared) and handed
    // to the cores as they are read, which parse, build and write them meanwhile. The hand-off
    // holds a few books per core at most, so memory stays flat however many books there are.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, StoredInput<'_>)>(
        rayon::current_num_threads().max(1) * 2,
    );
    let book_names = &names;
    let (read, built) = std::thread::scope(|scope| {
        let builder = scope.spawn(move || {
            rx.into_iter()
                .par_bridge()
                .map(|(i, stored)| {
                    let input = stored.parse()?;
                    let n = input.part.as_ref().map_or(0, |p| p.number);
                    let bytes =
                        summary::to_bytes(&input).map_err(|source| PublishError::Build {
                            fiscal_year: fy.be(),
                            source,
                        })?;
                    let rows = summary::index_rows(&input, n);
                    drop(input);
                    let path = summary_dir.join(&book_names[n - 1]);
                    let went_to = publish(&path, &bytes, Sync::Batched)?;
                    Ok((i, path, went_to, rows))
                })
                .collect::<Vec<Result<_, PublishError>>>()
        });
        let read = (|| {
            for (i, (part, _)) in stale.iter().enumerate() {
                let stored =
                    book_plans[part.number - 1].stored_input(ledger, config, Some(part.clone()))?;
                if tx.send((i, stored)).is_err() {
                    break;
                }
            }
            Ok::<(), PublishError>(())
        })();
        drop(tx);
        let built = builder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, built)
    });
    read?;
    let mut built = built
        .into_iter()
        .collect::<Result<Vec<_>, PublishError>>()?;
    built.sort_by_key(|b| b.0);
    let mut in_place = true;
    // Recorded once the books are on disk (one flush for all, not one per book).
    let mut written_states = Vec::new();
    for (i, path, went_to, rows) in built {
        let (part, key) = &stale[i];
        let state = BookState {
            key: key.clone(),
            rows,
        };
        // A book that went to a dated copy (the file is open somewhere) is not recorded, so
        // the next pass that writes summaries writes it again.
        in_place &= went_to == path;
        if went_to == path {
            written_states.push((
                part.number,
                serde_json::to_string(&state).unwrap_or_default(),
            ));
        }
        written.push(went_to);
        states[part.number - 1] = Some(state);
    }
    if !written_states.is_empty() {
        sync_folder(summary_dir).map_err(|source| PublishError::Write {
            path: summary_dir.to_path_buf(),
            source,
        })?;
        for (number, state) in written_states {
            ledger.set_meta(&book_meta(fy, number), &state)?;
        }
    }

    tracing::debug!("summary: books written");
    let (submissions, diagnostics) = plan.unassigned(|k| book_of.contains_key(k));
    let mut hasher = Sha256::new();
    hasher.update(fingerprint);
    for s in states.iter().flatten() {
        hasher.update(s.key.as_bytes());
    }
    hasher.update(plan.rows_key(|k| !book_of.contains_key(k)));
    let index_key = format!("{:x}", hasher.finalize());
    let index_path = summary_dir.join(summary::file_name(fy));
    if ledger.meta(&index_meta(fy))?.as_deref() != Some(index_key.as_str()) || !index_path.exists()
    {
        let index = IndexInput {
            fiscal_year: fy,
            below_level1: config.below_level1(),
            generated_at: generated_at(),
            rows: states.into_iter().flatten().flat_map(|s| s.rows).collect(),
            books: parts.into_iter().zip(names.iter().cloned()).collect(),
            submissions,
            diagnostics,
        };
        let bytes = summary::index_to_bytes(&index).map_err(|source| PublishError::Build {
            fiscal_year: fy.be(),
            source,
        })?;
        ledger.set_meta(&index_meta(fy), "")?;
        let went_to = publish(&index_path, &bytes, Sync::Now)?;
        in_place &= went_to == index_path;
        tracing::debug!(divisions = plan.members.len(), "summary: index written");
        if went_to == index_path {
            ledger.set_meta(&index_meta(fy), &index_key)?;
        }
        written.push(went_to);
    }
    Ok((names, in_place))
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
    thai::format_thai_datetime(chrono::Local::now().naive_local(), thai::ThaiDigits::No)
}

/// One fiscal year's summary from the ledger's metadata alone: who is in it, which versions
/// each sheet lists, and which division each belongs to. Cheap to build, so a pass can tell
/// which books changed before reading any submission.
struct YearPlan<'a> {
    fy: FiscalYear,
    /// Every division of the year, registered or with an accepted file: (normalised code,
    /// code as shown), sorted by normalised code.
    members: Vec<(String, String)>,
    /// The current (newest accepted) version of each division, with its division.
    current: Vec<(String, &'a StoredVersion)>,
    /// Every version of the year, for the submissions sheet: (division, version, latest of its
    /// path and still present?).
    rows: Vec<(String, &'a StoredVersion, Option<bool>)>,
    /// Registered divisions with nothing accepted.
    missing: Vec<(String, MissingDivision)>,
}

impl<'a> YearPlan<'a> {
    fn new(
        fy: FiscalYear,
        config: &Config,
        versions: &'a [StoredVersion],
        latest: &'a [(StoredVersion, bool)],
        current: &'a [StoredVersion],
    ) -> Self {
        let in_year = |v: &StoredVersion| match v.fiscal_year {
            Some(y) => y == fy.be() || !FiscalYear::new(y).is_plausible(),
            None => true,
        };
        // An accepted file belongs to the division it claims (as the current versions do, even
        // if the registry's folders change later); a rejected file in a registered division's
        // folder to that division, whatever code it claims; elsewhere, to the code it claims.
        let division_of = |v: &StoredVersion| -> String {
            if v.status == crate::check::validate::Status::Accepted {
                return v.division_key.clone();
            }
            v.path
                .split('/')
                .next()
                .filter(|_| v.path.contains('/'))
                .and_then(|folder| config.division_by_folder(folder))
                .map_or_else(|| v.division_key.clone(), |d| normalize_code(&d.code))
        };
        let current: Vec<(String, &StoredVersion)> = current
            .iter()
            .filter(|v| v.fiscal_year == Some(fy.be()))
            .map(|v| (v.division_key.clone(), v))
            .collect();
        let submitted: HashSet<&str> = current.iter().map(|(k, _)| k.as_str()).collect();
        let mut members: HashMap<String, String> = config
            .divisions
            .iter()
            .map(|d| (normalize_code(&d.code), d.code.clone()))
            .collect();
        for (key, v) in &current {
            members
                .entry(key.clone())
                .or_insert_with(|| v.division_code.clone());
        }
        let mut members: Vec<(String, String)> = members.into_iter().collect();
        members.sort();
        let missing = config
            .divisions
            .iter()
            .filter(|d| !submitted.contains(normalize_code(&d.code).as_str()))
            .map(|d| {
                (
                    normalize_code(&d.code),
                    MissingDivision {
                        code: d.code.clone(),
                        name: d.name.clone(),
                        folder: d.folder.clone(),
                    },
                )
            })
            .collect();
        let latest_of: HashMap<i64, bool> = latest.iter().map(|(v, p)| (v.id, *p)).collect();
        let rows = versions
            .iter()
            .filter(|v| in_year(v))
            .map(|v| (division_of(v), v, latest_of.get(&v.id).copied()))
            .collect();
        Self {
            fy,
            members,
            current,
            rows,
            missing,
        }
    }

    /// The plans of `count` books in one pass: each keeps, in order, the entries of the
    /// divisions `book_of` places in it (numbered from 1). Asking every book's questions of the
    /// whole year instead would cost books × divisions.
    fn split(&self, count: usize, book_of: impl Fn(&str) -> Option<usize>) -> Vec<YearPlan<'a>> {
        let mut books: Vec<YearPlan<'a>> = (0..count)
            .map(|_| YearPlan {
                fy: self.fy,
                members: Vec::new(),
                current: Vec::new(),
                rows: Vec::new(),
                missing: Vec::new(),
            })
            .collect();
        let slot = |key: &str| {
            book_of(key)
                .and_then(|n| n.checked_sub(1))
                .filter(|i| *i < count)
        };
        for m in &self.members {
            if let Some(i) = slot(&m.0) {
                books[i].members.push(m.clone());
            }
        }
        for c in &self.current {
            if let Some(i) = slot(&c.0) {
                books[i].current.push(c.clone());
            }
        }
        for r in &self.rows {
            if let Some(i) = slot(&r.0) {
                books[i].rows.push(r.clone());
            }
        }
        for m in &self.missing {
            if let Some(i) = slot(&m.0) {
                books[i].missing.push(m.clone());
            }
        }
        books
    }

    /// A digest of everything this (book's) plan shows, from metadata only: versions are never
    /// changed once recorded, so their ids (with which is current, which is latest of its path
    /// and whether that is still present) determine the content. `seeded` has already taken in
    /// the configuration's fingerprint.
    fn key(&self, seeded: &Sha256, part: &Part) -> String {
        let mut h = seeded.clone();
        // A new kpiwatch may score or lay out differently: its books are new content.
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(format!("{}|{}|{}", self.fy.be(), part.number, part.count));
        for (key, _) in &self.members {
            h.update(format!("m{key}|"));
        }
        for (_, v) in &self.current {
            h.update(format!("c{}|", v.id));
        }
        for (key, m) in &self.missing {
            h.update(format!("x{key}{}{}|", m.name, m.folder));
        }
        h.update(self.rows_key(|_| true));
        format!("{:x}", h.finalize())
    }

    /// A digest of the submissions and diagnostics rows of the divisions `mine` selects.
    fn rows_key(&self, mine: impl Fn(&str) -> bool) -> String {
        let mut h = Sha256::new();
        for (_, v, latest) in self.rows.iter().filter(|(k, _, _)| mine(k)) {
            h.update(format!("r{}{latest:?}|", v.id));
        }
        format!("{:x}", h.finalize())
    }

    /// The summary input of this plan (a year's, or one book's): only its submissions are read.
    fn input(
        &self,
        ledger: &Ledger,
        config: &Config,
        part: Option<Part>,
    ) -> Result<SummaryInput, PublishError> {
        self.stored_input(ledger, config, part)?.parse()
    }

    /// What [`Self::input`] reads from the ledger, still as stored: the reading is quick and
    /// must stay on the ledger's thread, the parsing is most of the work and can go parallel.
    fn stored_input(
        &self,
        ledger: &Ledger,
        config: &Config,
        part: Option<Part>,
    ) -> Result<StoredInput<'a>, PublishError> {
        let mut current = Vec::new();
        for (_, v) in &self.current {
            let Some(stored) = ledger.stored_submission(v.id)? else {
                continue;
            };
            let previous = match ledger.previous_accepted(v)? {
                Some(prev) => ledger
                    .stored_submission(prev.id)?
                    .map(|stored| (prev.id, stored)),
                None => None,
            };
            current.push((*v, stored, previous));
        }
        Ok(StoredInput {
            fy: self.fy,
            below_level1: config.below_level1(),
            current,
            rows: self
                .rows
                .iter()
                .map(|(_, v, latest)| (*v, *latest))
                .collect(),
            missing: self.missing.iter().map(|(_, m)| m.clone()).collect(),
            part,
        })
    }

    /// The submissions and diagnostics rows of files that belong to no division `known`
    /// selects, for the index.
    fn unassigned(&self, known: impl Fn(&str) -> bool) -> (Vec<SubmissionRow>, Vec<DiagnosticRow>) {
        let rows: Vec<_> = self
            .rows
            .iter()
            .filter(|(k, _, _)| !known(k))
            .map(|(_, v, latest)| (*v, *latest))
            .collect();
        sheet_rows(&rows, &HashMap::new())
    }
}

/// A current version as stored, and the previous accepted version's id and stored form (for the
/// revisions).
type StoredCurrent<'a> = (
    &'a StoredVersion,
    StoredSubmission,
    Option<(i64, StoredSubmission)>,
);

/// A summary input as read from the ledger, before its submissions are parsed.
struct StoredInput<'a> {
    fy: FiscalYear,
    below_level1: crate::domain::model::BelowLevel1,
    current: Vec<StoredCurrent<'a>>,
    rows: Vec<(&'a StoredVersion, Option<bool>)>,
    missing: Vec<MissingDivision>,
    part: Option<Part>,
}

impl StoredInput<'_> {
    fn parse(self) -> Result<SummaryInput, PublishError> {
        let mut divisions = Vec::with_capacity(self.current.len());
        let mut current_revisions: HashMap<i64, Vec<Revision>> = HashMap::new();
        for (v, stored, previous) in self.current {
            let mut sub = parse_submission(v.id, &stored)?;
            let revs = match previous {
                Some((id, old)) => revisions(&parse_submission(id, &old)?, &sub),
                None => Vec::new(),
            };
            // Rows written by kpiwatch before schema 5 still hold everything.
            slim(&mut sub);
            current_revisions.insert(v.id, revs.clone());
            divisions.push(DivisionEntry {
                submission: sub,
                file: v.path.clone(),
                received_at: thai::thai_time(&v.received_at),
                revisions: revs,
            });
        }
        divisions.sort_by(|a, b| {
            normalize_code(&a.submission.division.code)
                .cmp(&normalize_code(&b.submission.division.code))
        });
        let (submissions, diagnostics) = sheet_rows(&self.rows, &current_revisions);
        Ok(SummaryInput {
            fiscal_year: self.fy,
            below_level1: self.below_level1,
            generated_at: generated_at(),
            divisions,
            submissions,
            missing: self.missing,
            diagnostics,
            part: self.part,
        })
    }
}

/// The submissions sheet's lines for `rows` (version, and whether it is the latest of its
/// path and still present), and the diagnostics of the latest present ones. A version in
/// `current` is a division's current one, with its revisions.
fn sheet_rows(
    rows: &[(&StoredVersion, Option<bool>)],
    current: &HashMap<i64, Vec<Revision>>,
) -> (Vec<SubmissionRow>, Vec<DiagnosticRow>) {
    let submissions = rows
        .iter()
        .map(|(v, latest)| submission_row(v, *latest, current.get(&v.id)))
        .collect();
    let diagnostics = rows
        .iter()
        .filter(|(_, latest)| *latest == Some(true))
        .flat_map(|(v, _)| diagnostic_rows(v))
        .collect();
    (submissions, diagnostics)
}

/// A line of the submissions sheet. `latest`: whether the version is the latest of its path
/// and that path is still present (`None`: an older version of its path).
fn submission_row(
    v: &StoredVersion,
    latest: Option<bool>,
    current: Option<&Vec<Revision>>,
) -> SubmissionRow {
    SubmissionRow {
        file: v.path.clone(),
        division_code: v.division_code.clone(),
        division_name: v.division_name.clone(),
        received_at: thai::thai_time(&v.received_at),
        status: v.status,
        errors: v.errors,
        warnings: v.warnings,
        current: current.is_some(),
        removed: latest == Some(false),
        revisions: current.cloned().unwrap_or_default(),
        sha256: v.sha256.clone(),
    }
}

fn diagnostic_rows(v: &StoredVersion) -> impl Iterator<Item = DiagnosticRow> + '_ {
    v.diagnostics.iter().map(move |d| DiagnosticRow {
        file: v.path.clone(),
        division_code: v.division_code.clone(),
        severity: d.severity,
        code: d.code.clone(),
        sheet: d.sheet.clone().unwrap_or_default(),
        cell: d.cell.clone().unwrap_or_default(),
        message_th: d.message_th.clone(),
        message_en: d.message_en.clone(),
    })
}

/// The fiscal years to summarise: the configured one (even before anything arrived, so the
/// office sees who is missing), or every plausible year submitted.
fn fiscal_years(config: &Config, versions: &[StoredVersion]) -> Vec<FiscalYear> {
    if let Some(fy) = config.fiscal_year {
        return vec![FiscalYear::new(fy)];
    }
    let mut years: Vec<FiscalYear> = versions
        .iter()
        .filter_map(|v| v.fiscal_year.map(FiscalYear::new))
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
        chrono::Local::now().format("%Y-%m-%d %H%M%S")
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
        assert_eq!(r[0].describe(), "สตป. 02 Q2: 184 → 190");
        assert_eq!(r[1].describe(), "สตป. 03 Q4: 5 → -");
    }
}
