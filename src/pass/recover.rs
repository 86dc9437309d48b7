//! Clean-up after a kpiwatch that was killed mid-pass: a flag in the ledger says whether the
//! last pass ended, and only if it did not are the outputs searched for half-written files. A
//! closed round's snapshot left pending by a killed `close` is finished or removed first.

use crate::ledger::{Ledger, LedgerError};
use crate::output::remove_stale_temporaries;
use crate::pass::share::Share;

/// Ledger meta key: "1" while a pass may be writing temporary files, "0" once it has ended.
const PASS_IN_PROGRESS: &str = "pass_in_progress";

/// Records that a pass is under way: committed before its first temporary file is created.
pub(super) fn mark_started(ledger: &mut Ledger) -> Result<(), LedgerError> {
    ledger.set_meta(PASS_IN_PROGRESS, "1")
}

/// Records that the pass has ended and left no temporary file behind.
pub(super) fn mark_ended(ledger: &mut Ledger) -> Result<(), LedgerError> {
    ledger.set_meta(PASS_IN_PROGRESS, "0")
}

/// Removes the half-written outputs of a kpiwatch that was killed. Call with the state lock
/// held (see [`State::open`](crate::pass::state::State::open)), so no other kpiwatch is writing
/// them.
///
/// Only after a pass that did not end: the search walks every receipt and archive folder
/// (20,000 of them in a share of 10,000 divisions), which is most of a run that has nothing to
/// do. A ledger from before this flag existed is searched once.
pub fn clean_up_after_crash(share: &Share, ledger: &mut Ledger) -> Result<(), LedgerError> {
    // A close killed midway: one folder, looked at on every start.
    crate::pass::actions::recover_snapshots(share, ledger)?;
    if ledger.meta(PASS_IN_PROGRESS)?.as_deref() == Some("0") {
        return Ok(());
    }
    for dir in [&share.summary, &share.receipts, &share.archive] {
        let n = remove_stale_temporaries(dir);
        if n > 0 {
            tracing::info!(folder = %dir.display(), removed = n, "removed temporary files left by an interrupted run");
        }
    }
    mark_ended(ledger)
}
