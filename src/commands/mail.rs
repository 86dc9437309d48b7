//! `kpiwatch mail SHARE`: delivers the outbox by hand: every queued message is tried now,
//! whatever its retry time, or written as .eml files with `--dry-run`. Exit 0 when everything
//! tried went, 1 when something failed this time (queued again, or given up), 2 when it could
//! not run.

use std::io::Write;

use crate::ExitCode;
use crate::pass::RunConfig;
use crate::pass::consolidate::{PassError, State};
use crate::pass::mail::{self, send};
use crate::pass::share::Share;

pub fn run(cfg: &RunConfig, dry_run: bool, out: &mut dyn Write) -> Result<ExitCode, PassError> {
    let Some(mail_cfg) = &cfg.config.mail else {
        let _ = writeln!(out, "mail is off: the configuration has no [mail] section");
        return Ok(ExitCode::Success);
    };
    let mut mail_cfg = mail_cfg.clone();
    mail_cfg.preview |= dry_run;
    let share = Share::open(&cfg.share, &cfg.config.folders)?;
    let mut state = State::open(&cfg.state_dir)?;
    // Versions recorded by a pass that stopped before its mail was queued.
    mail::queue(&share, &cfg.config, &mut state.ledger)?;
    let done = send::deliver(
        &mut state.ledger,
        &mail_cfg,
        &mail::delivery(&mail_cfg, &cfg.state_dir, true),
    )?;
    let _ = writeln!(
        out,
        "{} sent, {} written as .eml, {} not sent (queued for a retry), {} given up",
        done.sent, done.written, done.deferred, done.given_up
    );
    if done.written > 0 {
        let _ = writeln!(
            out,
            "written to: {}",
            mail::dry_run_dir(&cfg.state_dir).display()
        );
    }
    let counts = state.ledger.outbox_counts()?;
    let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let _ = writeln!(out, "outbox: {}", summary.join(", "));
    Ok(if done.deferred + done.given_up > 0 {
        ExitCode::Rejected
    } else {
        ExitCode::Success
    })
}
