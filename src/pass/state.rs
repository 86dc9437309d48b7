//! The state folder kpiwatch keeps for a share on local disk: where it is by default, and the
//! ledger inside it with the lock that keeps a second kpiwatch (run or watch) off it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::ledger::Ledger;
use crate::pass::report::PassError;

/// The folder kpiwatch keeps its ledger in for `share` when `--state` is not given: local disk,
/// one folder per share, never on the share itself. `KPIWATCH_STATE_HOME` overrides the
/// platform's state folder (`$XDG_STATE_HOME`, else `~/.local/state`, on Linux; the local
/// application data folder elsewhere).
pub fn default_state_dir(share: &Path) -> PathBuf {
    let base = std::env::var_os("KPIWATCH_STATE_HOME")
        .map(PathBuf::from)
        .or_else(dirs::state_dir)
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir);
    let canonical = share.canonicalize().unwrap_or_else(|_| share.to_owned());
    let hash = format!(
        "{:x}",
        Sha256::digest(canonical.to_string_lossy().as_bytes())
    );
    base.join("kpiwatch").join(&hash[..16])
}

/// The ledger and the lock that keeps two kpiwatch processes off one state folder.
pub struct State {
    pub ledger: Ledger,
    _lock: std::fs::File,
}

impl State {
    pub fn open(dir: &Path) -> Result<Self, PassError> {
        let state_err = |source| PassError::State {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(state_err)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .map_err(state_err)?;
        // The operating system drops the lock when the process dies, even by kill -9.
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(PassError::Busy {
                    path: dir.to_owned(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(state_err(e)),
        }
        Ok(Self {
            ledger: Ledger::open(&ledger_path(dir))?,
            _lock: lock,
        })
    }
}

/// The ledger's file in state folder `dir`.
pub fn ledger_path(dir: &Path) -> PathBuf {
    dir.join("ledger.sqlite")
}
