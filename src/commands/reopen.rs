//! `kpiwatch reopen --round N --reason TEXT SHARE`: records who reopened a closed round, when
//! and why; its snapshot stays as it was, and closing it again writes a new one. Exit 0 when
//! done, 2 when it could not be done.

use std::io::Write;

use crate::ExitCode;
use crate::commands::close::RoundConfig;
use crate::pass::actions::{self, ActionError};

pub fn run(cfg: &RoundConfig, out: &mut dyn Write) -> Result<ExitCode, ActionError> {
    let report = actions::reopen(&cfg.run, cfg.round, cfg.fiscal_year, &cfg.reason)?;
    let _ = report.print(out);
    Ok(super::exclude::exit_code(&report))
}
