//! One pass over a share and the loop that repeats it: listing the inbox ([`share`]), picking
//! what changed ([`select`]), judging and archiving each new version ([`judge`], [`archive`])
//! and recording it in the ledger ([`record`], [`cross_check`]), answering each file with a
//! receipt ([`receipt`], [`receipt_files`]), all run in order by [`consolidate`], and watching
//! the inbox for changes ([`watch`]). Every step speaks the options, report and error of
//! [`report`]; the state folder ([`state`]) holds the ledger; [`recover`] cleans up after a pass
//! that was killed. Changes of state made by hand (closing a round, setting a version aside) are
//! [`actions`], which republish with the same steps.

pub mod actions;
pub mod archive;
pub mod consolidate;
pub mod cross_check;
pub mod judge;
pub mod mail;
pub mod names;
pub mod open;
pub mod receipt;
pub mod receipt_files;
pub mod record;
pub mod recover;
pub mod report;
pub mod returned;
pub mod select;
pub mod share;
pub mod state;
pub mod watch;

use std::path::PathBuf;

use crate::config::Config;

/// The runtime configuration of one pass (`kpiwatch run`, and each of `kpiwatch watch`'s passes).
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub share: PathBuf,
    pub config: Config,
    pub state_dir: PathBuf,
    pub progress: bool,
}
