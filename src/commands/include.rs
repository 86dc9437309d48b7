//! `kpiwatch include SHARE FILE|SHA-PREFIX [--reason TEXT]`: counts a version set aside by
//! `exclude` again. Exit 0 when done, 2 when it could not be done.

use std::io::Write;

use crate::ExitCode;
use crate::commands::exclude::{VersionConfig, exit_code};
use crate::pass::actions::{self, ActionError};

pub fn run(cfg: &VersionConfig, out: &mut dyn Write) -> Result<ExitCode, ActionError> {
    let report = actions::set_aside(&cfg.run, &cfg.target, false, &cfg.reason)?;
    let _ = report.print(out);
    Ok(exit_code(&report))
}
