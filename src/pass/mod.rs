//! One pass over a share and the loop that repeats it: listing the inbox ([`share`]), judging
//! and archiving each new version and recording it in the ledger ([`consolidate`]), answering
//! each file with a receipt ([`receipt`]), and watching the inbox for changes ([`watch`]).

pub mod consolidate;
pub mod receipt;
pub mod share;
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
