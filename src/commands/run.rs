//! `kpiwatch run SHARE`: one complete pass over a share, for a scheduler or by hand. Exit 0
//! when every file in the inbox is accepted, 1 when some file is rejected, 2 when the pass
//! itself failed.

use std::io::Write;

use crate::ExitCode;
use crate::domain::english::count;
use crate::pass::consolidate::{
    PassError, PassOptions, PassReport, State, clean_up_after_crash, run_pass,
};
use crate::pass::share::Share;

pub use crate::pass::RunConfig;

/// Opens the share and the state, runs one pass and prints what it did.
pub fn run(cfg: &RunConfig, out: &mut dyn Write) -> Result<ExitCode, PassError> {
    // Said once a pass: the ledger is where backups and troubleshooting start.
    tracing::info!(state = %cfg.state_dir.display(), "ledger folder");
    let share = Share::open(&cfg.share, &cfg.config.folders)?;
    let mut state = State::open(&cfg.state_dir)?;
    clean_up_after_crash(&share, &mut state.ledger)?;
    let report = run_pass(
        &share,
        &cfg.config,
        &mut state.ledger,
        &PassOptions {
            progress: cfg.progress,
        },
    )?;
    crate::pass::mail::after_pass(&share, &cfg.config, &mut state.ledger, &cfg.state_dir);
    for f in &report.pending {
        tracing::info!(file = %f, "still arriving (changed within the quiet period); left for the next pass");
    }
    let _ = print_report(out, &report);
    Ok(exit_code(&report))
}

/// 2 if the pass failed for some file, 1 if this pass judged a version and rejected it, else
/// 0. A rejected file left in the inbox is listed by every pass but fails only the pass that
/// judged it: a scheduler running `run` every 15 minutes logs each rejection once.
pub fn exit_code(report: &PassReport) -> ExitCode {
    if !report.failures.is_empty() {
        ExitCode::Failure
    } else if report.rejected > 0 {
        ExitCode::Rejected
    } else {
        ExitCode::Success
    }
}

pub fn print_report(out: &mut dyn Write, r: &PassReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{} in the inbox; {} read: {} ({} accepted, {} rejected); {} removed; {} written",
        count(r.scanned, "file"),
        r.read,
        count(r.new_versions, "new version"),
        r.accepted,
        r.rejected,
        r.removed,
        count(r.receipts, "receipt")
    )?;
    for s in &r.summaries {
        writeln!(out, "summary written: {}", s.display())?;
    }
    if r.summaries.is_empty() && r.scanned == 0 {
        writeln!(out, "no workbook in the inbox yet: no summary written")?;
    } else if r.summaries.is_empty() {
        writeln!(out, "summary unchanged")?;
    }
    for f in &r.rejected_current {
        writeln!(out, "rejected (see its receipt): {f}")?;
    }
    for f in &r.pending {
        writeln!(out, "still arriving, left for the next pass: {f}")?;
    }
    for f in &r.retries {
        writeln!(out, "not read this time: {f}")?;
    }
    for f in &r.failures {
        writeln!(out, "FAILED: {f}")?;
    }
    Ok(())
}
