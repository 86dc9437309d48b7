//! Receipts on the share: each recorded version's receipt written into the receipts folder
//! (see [`receipt`] for its text) with its returned workbook beside it ([`returned`]),
//! flushed, then marked written in the ledger, so a receipt that could not be written fails the
//! pass and is retried by the next.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::check::validate::{CheckOptions, Status, Verdict, check_bytes_expecting};
use crate::config::Config;
use crate::domain::diagnostic::DiagnosticRecord;
use crate::domain::model::Submission;
use crate::ledger::{Batch, Ledger};
use crate::ledger::{LedgerError, RoundClose, StoredVersion};
use crate::output::{Sync, sync_folder, write_atomic_with};
use crate::pass::judge::expectation;
use crate::pass::receipt::{self, CountedInstead, ReceiptInput, ReceiptState};
use crate::pass::report::{CHUNK, PassError};
use crate::pass::returned::{self, ReturnedInput};
use crate::pass::share::Share;
use crate::summary::after_close::after_close;

/// A recorded version as its returned workbook needs it.
pub(super) struct Judgement<'a> {
    pub file: &'a str,
    pub received_at: &'a str,
    pub status: Status,
    pub diagnostics: &'a [DiagnosticRecord],
    /// Where its bytes are kept, relative to the archive folder.
    pub archive_path: &'a str,
}

/// The returned workbook of a version as `verdict` read it, if it gets one
/// ([`returned::wanted`]) and it is a workbook kpiwatch could read. One that cannot be built
/// (more KPI sheets than the template holds, a text too long for a cell) is logged and left
/// out: the receipt says everything it would, and must not wait for it.
pub(super) fn returned_workbook(
    config: &Config,
    v: &Judgement<'_>,
    verdict: &Verdict,
) -> Option<Vec<u8>> {
    if !returned::wanted(config.receipts.returned_workbook, v.diagnostics)
        || verdict.submission == Submission::default()
    {
        return None;
    }
    returned::to_bytes(&ReturnedInput {
        file: v.file,
        received_at: v.received_at,
        status: v.status,
        submission: &verdict.submission,
        sources: &verdict.sources,
        diagnostics: v.diagnostics,
        below_level1: config.below_level1(),
    })
    .inspect_err(
        |e| tracing::warn!(file = %v.file, error = %e, "no returned workbook for this version"),
    )
    .ok()
}

/// The returned workbook of a version, built again from its archive copy (a receipt left
/// pending, or findings added between files after the worker built it). An archive copy that
/// cannot be read is logged, and the receipt written without it.
pub(super) fn returned_from_archive(
    share: &Share,
    config: &Config,
    v: &Judgement<'_>,
) -> Option<Vec<u8>> {
    if !returned::wanted(config.receipts.returned_workbook, v.diagnostics) {
        return None;
    }
    let path = share.archive.join(v.archive_path);
    let bytes = std::fs::read(&path)
        .inspect_err(|e| {
            tracing::error!(file = %v.file, path = %path.display(), error = %e, "cannot read an archive copy; no returned workbook");
        })
        .ok()?;
    let folder = v.file.split_once('/').map(|(f, _)| f);
    let check = CheckOptions {
        below_level1: config.below_level1(),
        ..CheckOptions::default()
    };
    let verdict = check_bytes_expecting(&bytes, &check, &expectation(config, folder));
    returned_workbook(config, v, &verdict)
}

/// Writes the receipts of a batch just recorded (`ids` as [`Ledger::record`] returned them);
/// returns the ids whose receipt was written, to mark in the next transaction, and adds a
/// failure to `failures` for each that could not be. Done while the workers read on: a separate
/// pass over 10,000 receipts would read every submission back from the ledger.
pub(super) fn for_batch(
    share: &Share,
    config: &Config,
    (ids, batch): (&[i64], &Batch),
    (submissions, workbooks): (&[Option<Submission>], &[Option<Vec<u8>>]),
    states: &[ReceiptState],
    failures: &mut Vec<String>,
) -> Vec<i64> {
    let mut written = Vec::with_capacity(ids.len());
    let none = ReceiptState::default();
    for (i, (((id, v), sub), workbook)) in ids
        .iter()
        .zip(&batch.versions)
        .zip(submissions)
        .zip(workbooks)
        .enumerate()
    {
        let result = put(
            share,
            &ReceiptInput {
                file: &v.path,
                received_at: &v.received_at,
                sha256: &v.sha256,
                status: v.status,
                submission: sub.as_ref(),
                diagnostics: &v.diagnostics,
                below_level1: config.below_level1(),
                state: states.get(i).unwrap_or(&none),
            },
            workbook.as_deref(),
        );
        match result {
            Ok(()) => written.push(*id),
            Err(failure) => failures.push(failure),
        }
    }
    written
}

/// Writes the receipts still pending, in parallel, a chunk at a time (only a chunk's
/// submissions are in memory), recording each chunk in one transaction. A receipt that cannot
/// be written is added to `failures` and stays pending for the next pass.
pub(super) fn write_pending(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    failures: &mut Vec<String>,
) -> Result<usize, PassError> {
    let mut total = 0;
    for chunk in ledger.receipts_pending()?.chunks(CHUNK) {
        let mut work = Vec::with_capacity(chunk.len());
        let mut states = States::read(ledger)?;
        for v in chunk {
            let sub = ledger.submission(v.id)?;
            let state = states.of(ledger, config, v, sub.as_ref())?;
            work.push((v, sub, state));
        }
        let results: Vec<(i64, Result<(), String>)> = work
            .par_iter()
            .map(|(v, submission, state)| {
                let input = ReceiptInput {
                    file: &v.path,
                    received_at: &v.received_at,
                    sha256: &v.sha256,
                    status: v.status,
                    submission: submission.as_ref(),
                    diagnostics: &v.diagnostics,
                    below_level1: config.below_level1(),
                    state,
                };
                let judgement = Judgement {
                    file: &v.path,
                    received_at: &v.received_at,
                    status: v.status,
                    diagnostics: &v.diagnostics,
                    archive_path: &v.archive_path,
                };
                let workbook = returned_from_archive(share, config, &judgement);
                let result = put(share, &input, workbook.as_deref());
                (v.id, result)
            })
            .collect();
        let mut written = Vec::with_capacity(results.len());
        for (id, result) in results {
            match result {
                Ok(()) => written.push(id),
                Err(failure) => failures.push(failure),
            }
        }
        if !written.is_empty() {
            flush(share)?;
        }
        ledger.mark_receipts_written(&written)?;
        total += written.len();
    }
    Ok(total)
}

/// Flushes the receipts written so far to disk, before the ledger says they are.
pub(super) fn flush(share: &Share) -> Result<(), PassError> {
    sync_folder(&share.receipts).map_err(|source| PassError::State {
        path: share.receipts.clone(),
        source,
    })
}

/// Renders and writes one receipt, and the returned workbook beside it (or removes the one an
/// earlier version of the file left, when this one has none). When they cannot be written the
/// receipt stays pending and is retried next pass; the failure names the path, and fails this
/// pass.
fn put(share: &Share, input: &ReceiptInput<'_>, workbook: Option<&[u8]>) -> Result<(), String> {
    let returned_path = share.receipts.join(returned::returned_path(input.file));
    let written = match workbook {
        Some(bytes) => returned_path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomic_with(&returned_path, bytes, Sync::Batched)),
        None => match std::fs::remove_file(&returned_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    };
    if let Err(e) = written {
        tracing::error!(path = %returned_path.display(), error = %e, "cannot write a returned workbook");
        return Err(format!(
            "{}: cannot write its returned workbook {} ({e}); will retry",
            input.file,
            returned_path.display()
        ));
    }
    let text = receipt::render(input);
    let path = share.receipts.join(receipt::receipt_path(input.file));
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| write_atomic_with(&path, text.as_bytes(), Sync::Batched))
        .map_err(|e| {
            tracing::error!(path = %path.display(), error = %e, "cannot write a receipt");
            format!(
                "{}: cannot write its receipt {} ({e}); will retry",
                input.file,
                path.display()
            )
        })
}

/// What the changes of state made by hand say of versions, read from the ledger once per chunk
/// of receipts: nothing at all (and nothing more read) while no change was ever made.
pub(crate) struct States {
    any: bool,
    set_aside: HashMap<i64, String>,
    closes: HashMap<i32, Vec<RoundClose>>,
}

impl States {
    pub(crate) fn read(ledger: &Ledger) -> Result<Self, LedgerError> {
        let any = !ledger.state_changes()?.is_empty();
        Ok(Self {
            any,
            set_aside: if any {
                ledger.exclusion_reasons()?
            } else {
                HashMap::new()
            },
            closes: HashMap::new(),
        })
    }

    pub(crate) fn of(
        &mut self,
        ledger: &Ledger,
        config: &Config,
        v: &StoredVersion,
        sub: Option<&Submission>,
    ) -> Result<ReceiptState, LedgerError> {
        let mut state = ReceiptState::default();
        if !self.any {
            return Ok(state);
        }
        if v.excluded {
            state.set_aside = Some(self.set_aside.get(&v.id).cloned().unwrap_or_default());
            state.counts_instead = ledger.current_of(v)?.map(|c| CountedInstead {
                path: c.path,
                received_at: c.received_at,
                sha256: c.sha256,
            });
        }
        if let Some(fy) = v.fiscal_year {
            let closes = match self.closes.entry(fy) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(ledger.closed_rounds(fy)?),
            };
            state.after_close = after_close(ledger, closes, v, sub, config.below_level1())?;
        }
        Ok(state)
    }
}

/// The receipt states of versions just recorded (`ids`, with their parsed workbooks).
pub(super) fn states_of_batch(
    ledger: &Ledger,
    config: &Config,
    ids: &[i64],
    submissions: &[Option<Submission>],
) -> Result<Vec<ReceiptState>, LedgerError> {
    let mut states = States::read(ledger)?;
    if !states.any {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(ids.len());
    for (id, sub) in ids.iter().zip(submissions) {
        out.push(match ledger.version(*id)? {
            Some(v) => states.of(ledger, config, &v, sub.as_ref())?,
            None => ReceiptState::default(),
        });
    }
    Ok(out)
}
