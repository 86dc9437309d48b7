//! `kpiwatch close --round N SHARE`: freezes a round's summary as it stands in a snapshot under
//! `summary/closed/` and records the close; later versions count but are marked as revisions
//! after the close. Exit 0 when done, 2 when it could not be done.

use std::io::Write;

use crate::ExitCode;
use crate::pass::RunConfig;
use crate::pass::actions::{self, ActionError};

/// What `close` and `reopen` are asked.
#[derive(Debug, Clone)]
pub struct RoundConfig {
    pub run: RunConfig,
    /// 1–4: รอบ 3, 6, 9 and 12 เดือน.
    pub round: u8,
    pub fiscal_year: Option<i32>,
    pub reason: String,
}

pub fn run(cfg: &RoundConfig, out: &mut dyn Write) -> Result<ExitCode, ActionError> {
    let report = actions::close(&cfg.run, cfg.round, cfg.fiscal_year, &cfg.reason)?;
    let _ = report.print(out);
    Ok(super::exclude::exit_code(&report))
}
