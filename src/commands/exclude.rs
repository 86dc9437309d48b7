//! `kpiwatch exclude SHARE FILE|SHA-PREFIX --reason TEXT`: sets a version aside without
//! deleting anything; the division's previous version that counts (or none) becomes current.
//! Exit 0 when done, 2 when it could not be done (no such version, an ambiguous prefix).

use std::io::Write;

use crate::ExitCode;
use crate::pass::RunConfig;
use crate::pass::actions::{self, ActionError, ActionReport};

/// What `exclude` and `include` are asked.
#[derive(Debug, Clone)]
pub struct VersionConfig {
    pub run: RunConfig,
    /// An inbox file, an archive file, or at least 8 hexadecimal digits of a SHA-256.
    pub target: String,
    pub reason: String,
}

pub fn run(cfg: &VersionConfig, out: &mut dyn Write) -> Result<ExitCode, ActionError> {
    let report = actions::set_aside(&cfg.run, &cfg.target, true, &cfg.reason)?;
    let _ = report.print(out);
    Ok(exit_code(&report))
}

/// 0 when the change is made and everything republished; 2 when a receipt could not be written
/// (the change is recorded; the next pass writes it).
pub fn exit_code(report: &ActionReport) -> ExitCode {
    if report.failures.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    }
}
