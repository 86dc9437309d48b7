//! The process exit codes kpiwatch promises to scripts and schedulers, in one place so every
//! subcommand means the same thing by them.

/// What a kpiwatch process reports to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything done; every file accepted (warnings allowed).
    Success,
    /// The work completed, but at least one file was rejected.
    Rejected,
    /// Bad usage, or the work itself could not be done (share unreadable, summary unwritable).
    Failure,
}

impl ExitCode {
    pub const fn code(self) -> i32 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Rejected => 1,
            ExitCode::Failure => 2,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        // The codes are 0..=2, always representable.
        std::process::ExitCode::from(c.code() as u8)
    }
}
