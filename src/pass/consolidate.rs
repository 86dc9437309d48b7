//! One complete pass over a share, as a sequence of steps: list the inbox
//! ([`share`](crate::pass::share)), pick what changed ([`select`](crate::pass::select)), read
//! and judge it in parallel ([`judge`](crate::pass::judge)) while recording it in batches
//! ([`record`](crate::pass::record)), write the receipts still pending ([`receipt_files`]),
//! then the summaries. `kpiwatch run` is one pass; `kpiwatch watch` runs a pass whenever the
//! inbox settles.
//!
//! Order matters for "nothing is lost": a version is archived before it is recorded, recorded
//! before its receipt and the summary are written, and every output is replaced atomically. A
//! crash anywhere leaves the ledger consistent, and the next pass finishes what was left
//! ([`recover`]).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::check::validate::CheckOptions;
use crate::config::Config;
use crate::ledger::{FileState, Ledger};
use crate::pass::cross_check::Claims;
use crate::pass::judge::{Outcome, Work};
use crate::pass::record::Recorder;
use crate::pass::select::{Selection, select};
use crate::pass::share::Share;
use crate::pass::{receipt_files, recover};
use crate::summary::publish;

pub use crate::pass::archive::archive_path;
pub use crate::pass::judge::expectation;
pub use crate::pass::recover::clean_up_after_crash;
use crate::pass::report::{CHUNK, HANDOFF};
pub use crate::pass::report::{PassError, PassOptions, PassReport};
pub use crate::pass::select::Stability;
pub use crate::pass::state::{State, default_state_dir};

/// One complete pass (`run`). A file modified within the quiet period may still be arriving:
/// it is left for the next pass, as the watcher leaves it, so a scheduler may run a pass at any
/// moment.
pub fn run_pass(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    opts: &PassOptions,
) -> Result<PassReport, PassError> {
    let mut stability =
        Stability::by_modification_time(config.watch.quiet_period(), std::time::SystemTime::now());
    run_pass_gated(share, config, ledger, opts, Some(&mut stability), None)
}

/// One pass for the watcher: only files that stopped changing are read (by `stability`), and a
/// shutdown request stops it between chunks (each chunk is one committed transaction).
pub fn run_pass_gated(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    opts: &PassOptions,
    stability: Option<&mut Stability>,
    stop: Option<&AtomicBool>,
) -> Result<PassReport, PassError> {
    let started = Instant::now();
    let files = share.scan()?;
    // Committed before the first temporary file is created, cleared once the pass has ended.
    recover::mark_started(ledger)?;
    let scanned_at = started.elapsed();
    let known = ledger.files()?;
    let picked = select(&files, &known, stability);
    let mut report = PassReport {
        scanned: files.len(),
        pending: picked.pending.clone(),
        ..PassReport::default()
    };

    let progress = progress_bar(opts, picked.candidates.len());
    let pass = Pass {
        share,
        config,
        known: &known,
        stop,
    };
    pass.judge_and_record(ledger, &picked, &mut report, progress.as_ref())?;
    for path in &picked.removed {
        tracing::info!(file = %path, "file removed from the inbox; its last accepted version stays current");
    }
    report.removed = picked.removed.len();
    if let Some(p) = progress {
        p.finish_and_clear();
    }

    let judged_at = started.elapsed();
    // Receipts a previous pass could not write (or wrote before a crash, unrecorded).
    report.receipts += receipt_files::write_pending(share, config, ledger, &mut report.failures)?;
    // A receipt the batch could not write was tried again just now: report it once.
    let mut seen = std::collections::HashSet::new();
    report.failures.retain(|f| seen.insert(f.clone()));
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
    recover::mark_ended(ledger)?;
    Ok(report)
}

/// What the steps of one pass share.
struct Pass<'a> {
    share: &'a Share,
    config: &'a Config,
    /// What the ledger knew of each path when the pass began.
    known: &'a HashMap<String, FileState>,
    stop: Option<&'a AtomicBool>,
}

impl Pass<'_> {
    /// Workers read and judge the candidates in parallel while this thread records what they
    /// found, one transaction per batch: parsing, disk writes and the ledger overlap.
    fn judge_and_record(
        &self,
        ledger: &mut Ledger,
        picked: &Selection<'_>,
        report: &mut PassReport,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<(), PassError> {
        // Read before this pass records anything: a year absent here is one whose accepted
        // versions all pass through the claims. Not read for a pass with nothing to judge
        // (most of the watcher's).
        let claims = Claims::new(if picked.candidates.is_empty() {
            Default::default()
        } else {
            ledger.accepted_years()?
        });
        let recorder = Recorder::new(
            self.share,
            self.config,
            ledger,
            picked.removed.clone(),
            claims,
        );
        let abort = AtomicBool::new(false);
        let work = Work {
            candidates: &picked.candidates,
            known: self.known,
            young: &picked.young,
            share: self.share,
            config: self.config,
            check: CheckOptions {
                below_level1: self.config.below_level1(),
                ..CheckOptions::default()
            },
            abort: &abort,
            stop: self.stop,
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(CHUNK / HANDOFF);
        std::thread::scope(|scope| {
            let work = &work;
            scope.spawn(move || work.judge_all(tx));
            let recorded =
                recorder.record_all(rx.iter().flatten(), || work.stopping(), report, progress);
            // The workers stop at their next file; the outcomes they still send are dropped.
            abort.store(true, Ordering::SeqCst);
            drop(rx);
            recorded
        })
    }
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
