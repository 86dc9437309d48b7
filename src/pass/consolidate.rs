//! One complete pass over a share: scan the inbox, read only what changed, judge it, archive
//! it, record it in the ledger, then bring receipts and summaries up to date. `kpiwatch run` is
//! one pass; `kpiwatch watch` runs a pass whenever the inbox settles.
//!
//! Order matters for "nothing is lost": a version is archived before it is recorded, recorded
//! before its receipt and the summary are written, and every output is replaced atomically. A
//! crash anywhere leaves the ledger consistent, and the next pass finishes what was left.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read, Seek};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::check::validate::{
    CheckOptions, Expectation, ExpectedDivision, Status, check_bytes_expecting, normalize_code,
};
use crate::config::Config;
use crate::domain::diagnostic::{Diagnostic, DiagnosticRecord, Finding, Location};
use crate::domain::model::{Quarter, Submission};
use crate::ledger::{Batch, FileState, Ledger, LedgerError, NewVersion, StoredData};
use crate::output::{
    Sync, forget_cached, remove_stale_temporaries, stage_copy, sync_folder, write_atomic_with,
};
use crate::pass::receipt::{self, ReceiptInput};
use crate::pass::share::{InboxFile, Share, ShareError};
use crate::summary::publish;
use crate::workbook::layout::Key;

#[derive(Debug, Error)]
pub enum PassError {
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Publish(#[from] crate::summary::publish::PublishError),
    #[error("the state folder {path} is in use by another kpiwatch (run or watch) process")]
    Busy { path: PathBuf },
    #[error("cannot use the state folder {path}: {source}")]
    State {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct PassReport {
    pub scanned: usize,
    /// Workbooks whose bytes were read (new or changed files).
    pub read: usize,
    pub new_versions: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub removed: usize,
    pub receipts: usize,
    pub summaries: Vec<PathBuf>,
    /// Present files whose latest version is rejected.
    pub rejected_current: Vec<String>,
    /// Files that could not be read this pass (vanished, or locked by another program): retried
    /// next pass, not an error.
    pub retries: Vec<String>,
    /// Files that could not be archived, so were not recorded: the pass failed for them.
    pub failures: Vec<String>,
    /// Files still arriving (watch mode): the watcher looks again after the quiet period.
    pub pending: Vec<String>,
    /// The pass stopped early on a shutdown request; what it recorded is consistent.
    pub interrupted: bool,
}

/// How a pass behaves, beyond the configuration.
#[derive(Debug, Clone, Default)]
pub struct PassOptions {
    /// Show a progress bar when stderr is a terminal.
    pub progress: bool,
}

/// Tells a watcher's pass which files have finished arriving: a copy onto a share arrives in
/// pieces, so a file is read only once its size and modification time have stayed the same
/// for the quiet period, measured on this machine's clock (a file server's clock may differ).
#[derive(Debug)]
pub struct Stability {
    quiet: Duration,
    /// A file that stays unreadable (a truncated zip) is given this long to finish arriving
    /// before it is rejected as damaged.
    grace: Duration,
    seen: HashMap<String, (u64, i64, std::time::Instant)>,
}

impl Stability {
    pub fn new(quiet: Duration) -> Self {
        Self {
            quiet,
            grace: (quiet * 5).max(Duration::from_secs(10)),
            seen: HashMap::new(),
        }
    }

    /// Records what the scan saw and returns how long the file has looked the same.
    fn observe(&mut self, f: &InboxFile) -> Duration {
        let now = std::time::Instant::now();
        let entry = self
            .seen
            .entry(f.rel.clone())
            .or_insert((f.size, f.mtime_ns, now));
        if (entry.0, entry.1) != (f.size, f.mtime_ns) {
            *entry = (f.size, f.mtime_ns, now);
        }
        now.duration_since(entry.2)
    }

    pub fn quiet(&self) -> Duration {
        self.quiet
    }

    fn forget_missing(&mut self, present: &HashSet<&str>) {
        self.seen.retain(|rel, _| present.contains(rel.as_str()));
    }
}

/// The folder kpiwatch keeps its ledger in for `share` when `--state` is not given: local disk,
/// one folder per share, never on the share itself.
pub fn default_state_dir(share: &Path) -> PathBuf {
    let base = std::env::var_os("KPIWATCH_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_STATE_HOME").map(PathBuf::from))
        .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    let canonical = share.canonicalize().unwrap_or_else(|_| share.to_owned());
    let hash = format!(
        "{:x}",
        Sha256::digest(canonical.to_string_lossy().as_bytes())
    );
    base.join("kpiwatch").join(&hash[..16])
}

/// The ledger and the lock that keeps two kpiwatch processes off one state folder.
pub struct State {
    pub ledger: Ledger,
    _lock: std::fs::File,
}

impl State {
    pub fn open(dir: &Path) -> Result<Self, PassError> {
        let state_err = |source| PassError::State {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(state_err)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .map_err(state_err)?;
        // The operating system drops the lock when the process dies, even by kill -9.
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(PassError::Busy {
                    path: dir.to_owned(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(state_err(e)),
        }
        Ok(Self {
            ledger: Ledger::open(&dir.join("ledger.sqlite"))?,
            _lock: lock,
        })
    }
}

pub(crate) fn now() -> chrono::DateTime<chrono::Local> {
    chrono::Local::now()
}

/// Ledger meta key: "1" while a pass may be writing temporary files, "0" once it has ended.
const PASS_IN_PROGRESS: &str = "pass_in_progress";

/// Removes the half-written outputs of a kpiwatch that was killed. Call with the state lock
/// held (see [`State::open`]), so no other kpiwatch is writing them.
///
/// Only after a pass that did not end: the search walks every receipt and archive folder
/// (20,000 of them in a share of 10,000 divisions), which is most of a run that has nothing to
/// do. A ledger from before this flag existed is searched once.
pub fn clean_up_after_crash(share: &Share, ledger: &mut Ledger) -> Result<(), LedgerError> {
    if ledger.meta(PASS_IN_PROGRESS)?.as_deref() == Some("0") {
        return Ok(());
    }
    for dir in [&share.summary, &share.receipts, &share.archive] {
        let n = remove_stale_temporaries(dir);
        if n > 0 {
            tracing::info!(folder = %dir.display(), removed = n, "removed temporary files left by an interrupted run");
        }
    }
    ledger.set_meta(PASS_IN_PROGRESS, "0")
}

fn new_batch(removed: Vec<String>) -> Batch {
    Batch {
        removed,
        at: now().format("%Y-%m-%d %H:%M:%S").to_string(),
        ..Batch::default()
    }
}

/// Records a batch. The archive copies it refers to, and the receipts it marks written, are
/// flushed to disk first, so the ledger never claims a file the disk does not have.
fn commit(share: &Share, ledger: &mut Ledger, batch: &Batch) -> Result<Vec<i64>, PassError> {
    let started = std::time::Instant::now();
    for (needed, dir) in [
        (!batch.versions.is_empty(), &share.archive),
        (!batch.receipts_written.is_empty(), &share.receipts),
    ] {
        if needed {
            sync_folder(dir).map_err(|source| PassError::State {
                path: dir.clone(),
                source,
            })?;
        }
    }
    // Flushed, the archive copies can leave the file cache: the next batch's copies reuse
    // their pages instead of taking fresh ones.
    forget_cached(
        &share.archive,
        batch.versions.iter().map(|v| v.archive_path.as_str()),
    );
    let synced = started.elapsed();
    let ids = ledger.record(batch)?;
    tracing::debug!(
        versions = ids.len(),
        sync_ms = synced.as_millis(),
        record_ms = (started.elapsed() - synced).as_millis(),
        "batch committed"
    );
    Ok(ids)
}

/// Writes the receipts of a batch just recorded (`ids` as [`Ledger::record`] returned them);
/// returns the ids whose receipt was written, to mark in the next transaction. Done while the
/// workers read on: a separate pass over 10,000 receipts would read every submission back
/// from the ledger.
fn receipts_for(
    share: &Share,
    config: &Config,
    ids: &[i64],
    batch: &Batch,
    submissions: &[Option<Submission>],
) -> Vec<i64> {
    ids.iter()
        .zip(&batch.versions)
        .zip(submissions)
        .filter(|((_, v), sub)| {
            put_receipt(
                share,
                &ReceiptInput {
                    file: &v.path,
                    received_at: &v.received_at,
                    sha256: &v.sha256,
                    status: v.status,
                    submission: sub.as_ref(),
                    diagnostics: &v.diagnostics,
                    below_level1: config.below_level1(),
                },
            )
        })
        .map(|((id, _), _)| *id)
        .collect()
}

/// Renders and writes one receipt. False (and a warning) when it cannot be written: it stays
/// pending and is retried next pass.
fn put_receipt(share: &Share, input: &ReceiptInput<'_>) -> bool {
    let text = receipt::render(input);
    let path = share.receipts.join(receipt::receipt_path(input.file));
    let result = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| write_atomic_with(&path, text.as_bytes(), Sync::Batched));
    match result {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot write a receipt");
            false
        }
    }
}

/// Versions recorded per transaction, and the most judged files waiting to be recorded: parsed
/// workbooks are dropped once recorded, so memory stays flat however large the share.
const CHUNK: usize = 512;

/// Files a worker judges before handing their outcomes over: the recorder then wakes (taking a
/// core from the workers) once per handful of files rather than once per file.
const HANDOFF: usize = 8;

/// One complete pass.
pub fn run_pass(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    opts: &PassOptions,
) -> Result<PassReport, PassError> {
    run_pass_gated(share, config, ledger, opts, None, None)
}

/// One pass for the watcher: only files that stopped changing are read, and a shutdown request
/// stops it between chunks (each chunk is one committed transaction).
pub fn run_pass_gated(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    opts: &PassOptions,
    mut stability: Option<&mut Stability>,
    stop: Option<&std::sync::atomic::AtomicBool>,
) -> Result<PassReport, PassError> {
    let mut report = PassReport::default();
    let started = std::time::Instant::now();
    let files = share.scan()?;
    // Committed before the first temporary file is created, cleared once the pass has ended.
    ledger.set_meta(PASS_IN_PROGRESS, "1")?;
    let scanned_at = started.elapsed();
    report.scanned = files.len();
    let known = ledger.files()?;

    let seen: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let mut young = HashSet::new();
    let mut candidates: Vec<&InboxFile> = Vec::new();
    for f in &files {
        let changed = match known.get(&f.rel) {
            Some(k) => !(k.present && k.size == f.size && k.mtime_ns == f.mtime_ns),
            None => true,
        };
        if !changed {
            continue;
        }
        match stability.as_deref_mut() {
            Some(st) => {
                let steady = st.observe(f);
                if steady < st.quiet {
                    report.pending.push(f.rel.clone());
                } else {
                    if steady < st.grace {
                        young.insert(f.rel.as_str());
                    }
                    candidates.push(f);
                }
            }
            None => candidates.push(f),
        }
    }
    if let Some(st) = stability {
        st.forget_missing(&seen);
    }
    let removed: Vec<String> = known
        .iter()
        .filter(|(path, state)| state.present && !seen.contains(path.as_str()))
        .map(|(path, _)| path.clone())
        .collect();

    let progress = progress_bar(opts, candidates.len());
    let check = CheckOptions {
        below_level1: config.below_level1(),
        ..CheckOptions::default()
    };
    // Workers read and judge files in parallel while this thread records what they found, one
    // transaction per batch: parsing, disk writes and the ledger overlap.
    let stopping = || stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst));
    let abort = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(CHUNK / HANDOFF);
    let mut claims = Claims {
        // Read before this pass records anything: a year absent here is one whose accepted
        // versions all pass through `claims`. Not read for a pass with nothing to judge (most
        // of the watcher's).
        ledger_years: if candidates.is_empty() {
            HashSet::new()
        } else {
            ledger.accepted_years()?
        },
        ..Claims::default()
    };
    let mut batch = new_batch(removed.clone());
    // The parsed workbooks of `batch.versions`, for their receipts.
    let mut submissions: Vec<Option<Submission>> = Vec::new();
    let recorded: Result<(), PassError> = std::thread::scope(|scope| {
        let (known, young, check, abort) = (&known, &young, &check, &abort);
        let candidates = &candidates;
        scope.spawn(move || {
            candidates
                .par_chunks(HANDOFF)
                // Every handful its own job: left to itself, rayon hands each worker long
                // ranges it cannot share, and the last one kept a core busy alone for half a
                // second of a run of 10,000 while the other waited.
                .with_max_len(1)
                .for_each_with(tx, |tx, files| {
                    let mut outcomes = Vec::with_capacity(files.len());
                    for f in files {
                        if abort.load(std::sync::atomic::Ordering::SeqCst) || stopping() {
                            break;
                        }
                        outcomes.push(process(
                            f,
                            known.get(&f.rel),
                            share,
                            config,
                            check,
                            young.contains(f.rel.as_str()),
                        ));
                    }
                    // A closed channel means the recorder stopped: the outcomes are not needed.
                    let _ = tx.send(outcomes);
                });
        });
        let outcome = (|| {
            for o in rx.iter().flatten() {
                if let Some(p) = &progress {
                    p.inc(1);
                }
                match o {
                    Outcome::Touched(rel, size, mtime) => {
                        report.read += 1;
                        batch.touched.push((rel, size, mtime));
                    }
                    Outcome::New(judged) => {
                        let Judged {
                            mut version,
                            places,
                            scores,
                            submission,
                        } = *judged;
                        report.read += 1;
                        cross_check(ledger, &mut version, &places, config, &mut claims)?;
                        log_ingested(&version, &scores);
                        match version.status {
                            Status::Accepted => report.accepted += 1,
                            Status::Rejected => report.rejected += 1,
                        }
                        batch.versions.push(version);
                        submissions.push(submission);
                    }
                    Outcome::Retry(reason) => {
                        tracing::warn!("{reason}");
                        report.retries.push(reason);
                    }
                    Outcome::Failed(reason) => {
                        tracing::error!("{reason}");
                        report.failures.push(reason);
                    }
                }
                if batch.versions.len() + batch.touched.len() >= CHUNK {
                    let full = std::mem::replace(&mut batch, new_batch(Vec::new()));
                    let ids = commit(share, ledger, &full)?;
                    report.new_versions += ids.len();
                    batch.receipts_written = receipts_for(share, config, &ids, &full, &submissions);
                    report.receipts += batch.receipts_written.len();
                    submissions.clear();
                }
                if stopping() {
                    report.interrupted = true;
                    break;
                }
            }
            let ids = commit(share, ledger, &batch)?;
            report.new_versions += ids.len();
            let written = receipts_for(share, config, &ids, &batch, &submissions);
            if !written.is_empty() {
                sync_folder(&share.receipts).map_err(|source| PassError::State {
                    path: share.receipts.clone(),
                    source,
                })?;
                ledger.mark_receipts_written(&written)?;
            }
            report.receipts += written.len();
            Ok(())
        })();
        abort.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(rx);
        outcome
    });
    recorded?;
    for path in &removed {
        tracing::info!(file = %path, "file removed from the inbox; its last accepted version stays current");
    }
    report.removed = removed.len();
    if let Some(p) = progress {
        p.finish_and_clear();
    }

    let judged_at = started.elapsed();
    // Receipts a previous pass could not write (or wrote before a crash, unrecorded).
    report.receipts += write_receipts(share, config, ledger)?;
    let receipts_at = started.elapsed();
    report.summaries = publish::write_summaries(&share.summary, config, ledger)?;
    tracing::debug!(
        scan_ms = scanned_at.as_millis(),
        read_judge_archive_record_ms = (judged_at - scanned_at).as_millis(),
        receipts_ms = (receipts_at - judged_at).as_millis(),
        summary_ms = (started.elapsed() - receipts_at).as_millis(),
        "pass timing"
    );
    report.rejected_current = ledger.rejected_present_paths()?;
    ledger.set_meta(PASS_IN_PROGRESS, "0")?;
    Ok(report)
}

fn progress_bar(opts: &PassOptions, n: usize) -> Option<indicatif::ProgressBar> {
    if !opts.progress || n < 20 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} workbooks {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

enum Outcome {
    /// Same bytes as recorded; only size or mtime moved.
    Touched(String, u64, i64),
    New(Box<Judged>),
    /// Not readable this pass (vanished, locked): retried next pass.
    Retry(String),
    /// Could not be archived, so not recorded: retried next pass, but the pass failed.
    Failed(String),
}

/// A new version as a worker judged it.
struct Judged {
    version: NewVersion,
    places: Places,
    /// The log line's scores.
    scores: String,
    /// The parsed workbook as the ledger keeps it (see [`crate::ledger::slim`]), for the
    /// receipt.
    submission: Option<Submission>,
}

/// What the share expects of a file in `folder`.
pub fn expectation(config: &Config, folder: Option<&str>) -> Expectation {
    let division = if config.divisions.is_empty() {
        ExpectedDivision::Any
    } else {
        match folder.and_then(|f| config.division_by_folder(f)) {
            Some(d) => ExpectedDivision::Exactly {
                folder: d.folder.clone(),
                code: d.code.clone(),
            },
            None => ExpectedDivision::Registered(
                config.divisions.iter().map(|d| d.code.clone()).collect(),
            ),
        }
    };
    Expectation {
        fiscal_year: config.fiscal_year,
        division,
    }
}

fn process(
    file: &InboxFile,
    known: Option<&FileState>,
    share: &Share,
    config: &Config,
    check: &CheckOptions,
    may_still_arrive: bool,
) -> Outcome {
    // One read: the same bytes are hashed, parsed and archived. They are read from a copy
    // staged in the archive folder, which becomes the archived version if it is new.
    let cannot_read =
        |e: std::io::Error| Outcome::Retry(format!("{}: cannot read ({e}); will retry", file.rel));
    let mut source = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return cannot_read(e),
    };
    let (bytes, staged) = match stage_copy(&mut source, &share.archive) {
        Ok((bytes, staged)) => (bytes, Some(staged)),
        // The archive folder refuses the copy: judge the file anyway; archiving it below
        // fails the same way and says so.
        Err(e) => {
            tracing::debug!(file = %file.rel, error = %e, "cannot stage a copy in the archive");
            let mut bytes = Vec::new();
            if let Err(e) = source
                .rewind()
                .and_then(|()| source.read_to_end(&mut bytes))
            {
                return cannot_read(e);
            }
            (bytes, None)
        }
    };
    drop(source);
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    if let Some(k) = known
        && k.sha256 == sha256
    {
        return Outcome::Touched(file.rel.clone(), file.size, file.mtime_ns);
    }
    let verdict =
        check_bytes_expecting(&bytes, check, &expectation(config, file.folder.as_deref()));
    // A half-copied workbook is a truncated zip: give it time to arrive before calling it damaged.
    if may_still_arrive
        && verdict
            .diagnostics
            .iter()
            .any(|d| d.finding.code() == "not-a-workbook")
    {
        return Outcome::Retry(format!(
            "{}: not readable yet (still being copied?); will look again",
            file.rel
        ));
    }
    let sub = &verdict.submission;
    let division_key = normalize_code(&sub.division.code);
    let archive_rel = archive_path(sub, &division_key, &sha256, &file.rel);
    let archive_abs = share.archive.join(&archive_rel);
    if !archive_abs.exists() {
        let written = archive_abs
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| match staged {
                // A copy that cannot be renamed there (another file system mounted inside
                // the archive) is removed, and the bytes are written instead.
                Some(copy) => copy
                    .keep_as(&archive_abs)
                    .or_else(|_| write_atomic_with(&archive_abs, &bytes, Sync::Batched)),
                None => write_atomic_with(&archive_abs, &bytes, Sync::Batched),
            });
        if let Err(e) = written {
            return Outcome::Failed(format!(
                "{}: cannot archive to {} ({e}); not recorded, will retry",
                file.rel,
                archive_abs.display()
            ));
        }
    }
    let places = Places {
        division_code: verdict.sources.division(Key::DivisionCode),
        kpis: sub
            .kpis
            .iter()
            .enumerate()
            .filter(|(_, k)| !k.code.is_empty())
            .map(|(i, k)| (k.code.clone(), verdict.sources.kpi(i, Key::KpiCode)))
            .collect(),
    };
    let readable = verdict.submission != Submission::default();
    let scores = score_line(&verdict.division_scores);
    let mut kpi_codes: Vec<String> = sub.kpis.iter().map(|k| normalize_code(&k.code)).collect();
    kpi_codes.retain(|c| !c.is_empty());
    kpi_codes.sort();
    kpi_codes.dedup();
    let mut submission = None;
    let mut version = NewVersion {
        path: file.rel.clone(),
        size: bytes.len() as u64,
        mtime_ns: file.mtime_ns,
        sha256,
        received_at: now().format("%Y-%m-%d %H:%M:%S").to_string(),
        division_key,
        division_code: sub.division.code.clone(),
        division_name: sub.division.name.clone(),
        fiscal_year: sub.fiscal_year.map(|y| y.be()),
        status: verdict.status,
        diagnostics: verdict
            .diagnostics
            .iter()
            .map(DiagnosticRecord::from)
            .collect(),
        reporting_quarter: sub.reporting_quarter.map(Quarter::number),
        kpi_codes,
        archive_path: archive_rel,
        data: None,
    };
    if readable {
        let mut sub = verdict.submission;
        // What the ledger keeps is all the receipt shows; the rest need not wait in memory.
        match StoredData::of_slimmed(&mut sub) {
            Ok(d) => version.data = Some(d),
            Err(e) => {
                return Outcome::Failed(format!("{}: cannot store its data ({e})", file.rel));
            }
        }
        submission = Some(sub);
    }
    Outcome::New(Box::new(Judged {
        version,
        places,
        scores,
        submission,
    }))
}

/// Where the cells that cross-file checks point at are in one workbook.
struct Places {
    division_code: Location,
    /// Each KPI's code as written, and its cell.
    kpis: Vec<(String, Location)>,
}

/// A file and the quarter it reports up to.
type FileQuarter = (String, Option<u8>);

/// What this pass has accepted so far, for checks between files of the same pass (the ledger
/// only knows them once the chunk is committed).
#[derive(Default)]
struct Claims {
    /// (KPI code, year) → (division key, division code, file).
    kpis: HashMap<(String, i32), (String, String, String)>,
    /// (division key, year) → files and the quarter each reports up to.
    files: HashMap<(String, i32), Vec<FileQuarter>>,
    /// The years the ledger held accepted versions of when the pass began. For any other year
    /// (the first pass of a year, or of a new share) the ledger has nothing this pass does not
    /// know, and is not asked file by file.
    ledger_years: HashSet<i32>,
}

/// Checks between files: a KPI code another division reports (with a registry: another
/// division's KPI, rejected), and two files of one division for the same year and quarter.
fn cross_check(
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
    let mut found: Vec<Diagnostic> = Vec::new();
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
    let mut others = if claims.ledger_years.contains(&fy) {
        ledger.division_files(&v.division_key, fy, &v.path)?
    } else {
        Vec::new()
    };
    if let Some(list) = claims.files.get(&(v.division_key.clone(), fy)) {
        others.extend(list.iter().filter(|(p, _)| p != &v.path).cloned());
    }
    for (other, quarter) in others {
        let same_quarter = match (quarter, v.reporting_quarter) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if same_quarter {
            found.push(Diagnostic::new(
                Finding::AnotherFileForDivision { other },
                places.division_code.clone(),
            ));
        }
    }
    if found.iter().any(Diagnostic::is_error) {
        v.status = Status::Rejected;
    }
    v.diagnostics
        .extend(found.iter().map(DiagnosticRecord::from));
    // Errors first, as everywhere.
    v.diagnostics.sort_by_key(|d| !d.is_error());
    if v.status == Status::Accepted {
        for code in &v.kpi_codes {
            claims.kpis.insert(
                (code.clone(), fy),
                (
                    v.division_key.clone(),
                    v.division_code.clone(),
                    v.path.clone(),
                ),
            );
        }
        claims
            .files
            .entry((v.division_key.clone(), fy))
            .or_default()
            .push((v.path.clone(), v.reporting_quarter));
    }
    Ok(())
}

/// Where a version is archived, relative to the archive folder:
/// `<fiscal year>/<division code>/<first 16 hex of SHA-256>-<file name>`. The hash makes the
/// name unique per content, so a re-sent identical file is stored once and nothing is ever
/// overwritten; year and division make the folder browsable.
pub fn archive_path(sub: &Submission, division_key: &str, sha256: &str, rel: &str) -> String {
    let year = sub
        .fiscal_year
        .filter(|y| y.is_plausible())
        .map_or_else(|| "unknown-year".to_owned(), |y| y.to_string());
    let division = if division_key.is_empty() {
        "unknown-division".to_owned()
    } else {
        safe_name(&sub.division.code)
    };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    format!("{year}/{division}/{}-{}", &sha256[..16], safe_name(name))
}

/// A file name safe on Windows shares: no separators, reserved characters or control
/// characters, not empty, not starting with a dot or dash.
fn safe_name(s: &str) -> String {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim_start_matches(['.', '-', ' ']).to_owned();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// "Q1 1.0000 Q2 2.2267 …": a division's scores (already computed by the verdict) for the
/// log line.
fn score_line(division: &[crate::domain::scoring::DivisionScore]) -> String {
    division
        .iter()
        .filter_map(|d| d.score.map(|x| format!("{} {x:.4}", d.quarter)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn log_ingested(v: &NewVersion, scores: &str) {
    let errors = v.diagnostics.iter().filter(|d| d.is_error()).count();
    tracing::info!(
        file = %v.path,
        division = %v.division_code,
        status = v.status.as_str(),
        errors,
        warnings = v.diagnostics.len() - errors,
        scores = %if v.status == Status::Accepted { scores } else { "" },
        "ingested"
    );
}

/// Writes the receipts still pending, in parallel, a chunk at a time (only a chunk's
/// submissions are in memory), recording each chunk in one transaction.
fn write_receipts(share: &Share, config: &Config, ledger: &mut Ledger) -> Result<usize, PassError> {
    let mut total = 0;
    for chunk in ledger.receipts_pending()?.chunks(CHUNK) {
        let mut work = Vec::with_capacity(chunk.len());
        for v in chunk {
            work.push((v, ledger.submission(v.id)?));
        }
        let written: Vec<i64> = work
            .par_iter()
            .filter(|(v, submission)| {
                put_receipt(
                    share,
                    &ReceiptInput {
                        file: &v.path,
                        received_at: &v.received_at,
                        sha256: &v.sha256,
                        status: v.status,
                        submission: submission.as_ref(),
                        diagnostics: &v.diagnostics,
                        below_level1: config.below_level1(),
                    },
                )
            })
            .map(|(v, _)| v.id)
            .collect();
        if !written.is_empty() {
            sync_folder(&share.receipts).map_err(|source| PassError::State {
                path: share.receipts.clone(),
                source,
            })?;
        }
        ledger.mark_receipts_written(&written)?;
        total += written.len();
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::samples;

    #[test]
    fn archive_names_are_safe_and_content_addressed() {
        let sub = samples::inspection_office();
        let p = archive_path(
            &sub,
            "สตป.",
            &"ab".repeat(32),
            "inspection-office/kpi 2564.xlsx",
        );
        assert_eq!(p, "2564/สตป./abababababababab-kpi 2564.xlsx");
        let p = archive_path(&Submission::default(), "", &"cd".repeat(32), "-x:y.xlsx");
        assert_eq!(p, "unknown-year/unknown-division/cdcdcdcdcdcdcdcd-x_y.xlsx");
    }

    #[test]
    fn registry_decides_what_a_folder_may_claim() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kpiwatch.toml");
        let config = Config::load(&path).unwrap();
        assert!(matches!(
            expectation(&config, Some("inspection-office")).division,
            ExpectedDivision::Exactly { ref code, .. } if code == "สตป."
        ));
        assert!(matches!(
            expectation(&config, None).division,
            ExpectedDivision::Registered(ref c) if c.len() == 2
        ));
        assert!(matches!(
            expectation(&Config::default(), Some("x")).division,
            ExpectedDivision::Any
        ));
    }
}
