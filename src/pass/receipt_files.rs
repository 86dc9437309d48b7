//! Receipts on the share: each recorded version's receipt written into the receipts folder
//! (see [`receipt`] for its text), flushed, then marked written in the
//! ledger, so a receipt that could not be written is retried by the next pass.

use rayon::prelude::*;

use crate::config::Config;
use crate::domain::model::Submission;
use crate::ledger::{Batch, Ledger};
use crate::output::{Sync, sync_folder, write_atomic_with};
use crate::pass::receipt::{self, ReceiptInput};
use crate::pass::report::{CHUNK, PassError};
use crate::pass::share::Share;

/// Writes the receipts of a batch just recorded (`ids` as [`Ledger::record`] returned them);
/// returns the ids whose receipt was written, to mark in the next transaction. Done while the
/// workers read on: a separate pass over 10,000 receipts would read every submission back
/// from the ledger.
pub(super) fn for_batch(
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
            put(
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

/// Writes the receipts still pending, in parallel, a chunk at a time (only a chunk's
/// submissions are in memory), recording each chunk in one transaction.
pub(super) fn write_pending(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
) -> Result<usize, PassError> {
    let mut total = 0;
    for chunk in ledger.receipts_pending()?.chunks(CHUNK) {
        let mut work = Vec::with_capacity(chunk.len());
        for v in chunk {
            work.push((v, ledger.submission(v.id)?));
        }
        let written: Vec<i64> = work
            .par_iter()
            .filter(|(v, submission)| {
                put(
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

/// Renders and writes one receipt. False (and a warning) when it cannot be written: it stays
/// pending and is retried next pass.
fn put(share: &Share, input: &ReceiptInput<'_>) -> bool {
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
