//! What a pass is asked and what it answers: its options, its report and its error, with the
//! clock and the batch sizes its steps share. Every step of [`crate::pass`] speaks these types;
//! none of them depends on the step that runs the others.

use std::path::PathBuf;

use thiserror::Error;

use crate::ledger::LedgerError;
use crate::pass::share::ShareError;

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
    /// Files that could not be archived (so were not recorded) or whose receipt could not be
    /// written (so stays pending): the pass failed for them, and the next completes them.
    pub failures: Vec<String>,
    /// Files still arriving (changed within the quiet period): left for a later pass; the
    /// watcher looks again after the quiet period.
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

pub(crate) fn now() -> chrono::DateTime<chrono::Local> {
    crate::clock::now()
}

/// Versions recorded per transaction, and the most judged files waiting to be recorded: parsed
/// workbooks are dropped once recorded, so memory stays flat however large the share.
pub(crate) const CHUNK: usize = 512;

/// Files a worker judges before handing their outcomes over: the recorder then wakes (taking a
/// core from the workers) once per handful of files rather than once per file.
pub(crate) const HANDOFF: usize = 8;
