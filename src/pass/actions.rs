//! Changes of state made by hand: closing a round (a frozen snapshot of the summary and a row in
//! the ledger), reopening it, setting a version aside and counting it again. Each records who,
//! when and why, then republishes the summary and the affected receipts with the pass's own
//! publish step, so the share is current at once.
//!
//! A close is crash-safe: the snapshot is written under a pending name (held locked while the
//! close runs), the close recorded, and only then renamed into place; [`recover_snapshots`]
//! finishes or removes a pending snapshot a killed close left.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::config::Config;
use crate::domain::model::FiscalYear;
use crate::ledger::{Ledger, LedgerError, NewClose, StoredVersion};
use crate::pass::report::PassError;
use crate::pass::share::Share;
use crate::pass::state::State;
use crate::pass::{RunConfig, receipt_files, recover};
use crate::summary::publish::{self, PublishError};

/// Why a change of state could not be made.
#[derive(Debug, Error)]
pub enum ActionError {
    #[error(transparent)]
    Pass(#[from] PassError),
    #[error(transparent)]
    Share(#[from] crate::pass::share::ShareError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(
        "which fiscal year? the ledger holds {years} (give --fiscal-year, or set fiscal_year in the configuration)"
    )]
    WhichYear { years: String },
    #[error(
        "no ledger at {path}: kpiwatch has not run on this share with this state folder yet (run `kpiwatch run` first, or give the --state that `run` uses)"
    )]
    NoLedger { path: PathBuf },
    #[error(
        "fiscal year {fiscal_year} has no version in the ledger (it holds {years}): nothing to close"
    )]
    EmptyYear { fiscal_year: i32, years: String },
    #[error(
        "round {round} of fiscal year {fiscal_year} is already closed (snapshot {snapshot}); reopen it first"
    )]
    AlreadyClosed {
        fiscal_year: i32,
        round: u8,
        snapshot: String,
    },
    #[error("round {round} of fiscal year {fiscal_year} is not closed")]
    NotClosed { fiscal_year: i32, round: u8 },
    #[error("cannot write the snapshot {path}: {source}")]
    Snapshot {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "no version matches {0}: give an inbox file, an archive file or at least 8 hexadecimal digits of its SHA-256"
    )]
    NotFound(String),
    #[error(
        "{prefix} is the start of the SHA-256 of more than one version; give more digits:\n{candidates}"
    )]
    Ambiguous { prefix: String, candidates: String },
    #[error("{0}: a SHA-256 prefix needs at least 8 hexadecimal digits")]
    ShortPrefix(String),
    #[error(
        "{file} was rejected: only an accepted version can count, so there is nothing to set aside"
    )]
    NotAccepted { file: String },
    #[error("{file} ({sha}) is already {state}")]
    Unchanged {
        file: String,
        sha: String,
        state: &'static str,
    },
}

/// What a change of state did, to print.
#[derive(Debug, Default)]
pub struct ActionReport {
    pub lines: Vec<String>,
    pub summaries: Vec<PathBuf>,
    pub receipts: usize,
    /// Receipts that could not be written (retried by the next pass).
    pub failures: Vec<String>,
}

impl ActionReport {
    pub fn print(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for l in &self.lines {
            writeln!(out, "{l}")?;
        }
        for s in &self.summaries {
            writeln!(out, "summary written: {}", s.display())?;
        }
        writeln!(
            out,
            "{} written",
            crate::domain::english::count(self.receipts, "receipt")
        )?;
        for f in &self.failures {
            writeln!(out, "FAILED: {f}")?;
        }
        Ok(())
    }
}

/// The ledger, held alone (the state lock) or beside a running `watch` that holds the lock.
enum Held {
    Alone(State),
    BesideWatch(Ledger),
}

impl Held {
    /// Opens the ledger `run` keeps in `dir`. A change made by hand needs the versions it
    /// names: with no ledger there (a mistyped or forgotten --state) it refuses, where creating
    /// an empty one would rewrite the share's summary as if nothing had been received.
    fn open(share: &Share, dir: &Path) -> Result<Self, ActionError> {
        let path = crate::pass::state::ledger_path(dir);
        if !path.is_file() {
            return Err(ActionError::NoLedger { path });
        }
        Ok(Self::open_existing(share, dir)?)
    }

    fn open_existing(share: &Share, dir: &Path) -> Result<Self, PassError> {
        match State::open(dir) {
            Ok(mut state) => {
                recover::clean_up_after_crash(share, &mut state.ledger)?;
                Ok(Held::Alone(state))
            }
            // A watcher holds the folder for as long as it runs. The change is one SQLite
            // transaction, which its passes wait for (or it waits for theirs); outputs are
            // replaced atomically, and the watcher's next pass sees the new generation.
            Err(PassError::Busy { .. }) => {
                tracing::info!(state = %dir.display(), "a kpiwatch watch holds the state folder; recording beside it");
                Ok(Held::BesideWatch(Ledger::open(
                    &crate::pass::state::ledger_path(dir),
                )?))
            }
            Err(e) => Err(e),
        }
    }

    fn ledger(&mut self) -> &mut Ledger {
        match self {
            Held::Alone(state) => &mut state.ledger,
            Held::BesideWatch(ledger) => ledger,
        }
    }
}

/// The operating-system user making a change: the login's variables, else (a service, a
/// container) the account of the process's user id.
pub fn who() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(unix)]
fn account_name() -> Option<String> {
    let uid = rustix::process::getuid().as_raw().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_owned())
    })
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

fn stamp() -> String {
    crate::clock::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The fiscal year a round belongs to: the one given, else the configuration's, else the only
/// one the ledger holds.
fn fiscal_year(given: Option<i32>, config: &Config, ledger: &Ledger) -> Result<i32, ActionError> {
    if let Some(fy) = given.or(config.fiscal_year) {
        return Ok(fy);
    }
    let years: Vec<i32> = ledger
        .fiscal_years()?
        .into_iter()
        .filter(|y| FiscalYear::new(*y).is_plausible())
        .collect();
    match years.as_slice() {
        [only] => Ok(*only),
        [] => Err(ActionError::WhichYear {
            years: "no year yet".into(),
        }),
        many => Err(ActionError::WhichYear {
            years: many
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// `kpiwatch close`: freezes round `round`'s summary as it stands and records the close.
pub fn close(
    cfg: &RunConfig,
    round: u8,
    given_year: Option<i32>,
    reason: &str,
) -> Result<ActionReport, ActionError> {
    let share = Share::open(&cfg.share, &cfg.config.folders)?;
    let mut held = Held::open(&share, &cfg.state_dir)?;
    let ledger = held.ledger();
    let fy = fiscal_year(given_year, &cfg.config, ledger)?;
    let years = ledger.fiscal_years()?;
    if !years.contains(&fy) {
        return Err(ActionError::EmptyYear {
            fiscal_year: fy,
            years: if years.is_empty() {
                "none yet".into()
            } else {
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    }
    if let Some(c) = ledger
        .closed_rounds(fy)?
        .into_iter()
        .find(|c| c.round == round)
    {
        return Err(ActionError::AlreadyClosed {
            fiscal_year: fy,
            round,
            snapshot: c.snapshot,
        });
    }
    // Read at one moment: a version a watcher records meanwhile is either in the snapshot and
    // among its versions, or after the close.
    let (last_version_id, closed_versions, bytes) =
        ledger.read_at_once(|ledger| -> Result<_, ActionError> {
            let closed_versions: HashMap<String, i64> = ledger
                .current()?
                .into_iter()
                .filter(|v| v.fiscal_year == Some(fy))
                .map(|v| (v.division_key, v.id))
                .collect();
            let bytes = publish::snapshot_bytes(&cfg.config, ledger, FiscalYear::new(fy))?;
            Ok((ledger.last_version_id()?, closed_versions, bytes))
        })?;
    let dir = snapshot_dir(&share);
    let name = snapshot_name(&dir, ledger, fy, round)?;
    let pending = Pending::write(&dir, &name, &bytes)?;
    #[cfg(debug_assertions)]
    test_hook::pause_at("close-written");
    ledger.record_close(&NewClose {
        fiscal_year: fy,
        round,
        at: stamp(),
        who: who(),
        reason: reason.to_owned(),
        snapshot: name.clone(),
        last_version_id,
        closed_versions,
    })?;
    #[cfg(debug_assertions)]
    test_hook::pause_at("close-recorded");
    let path = pending.finish()?;
    let mut report = republish(&share, &cfg.config, &mut held)?;
    report.lines.insert(
        0,
        format!(
            "closed round {round} of fiscal year {fy}; snapshot: {}",
            path.display()
        ),
    );
    Ok(report)
}

/// `kpiwatch reopen`: records who reopened round `round`, when and why.
pub fn reopen(
    cfg: &RunConfig,
    round: u8,
    given_year: Option<i32>,
    reason: &str,
) -> Result<ActionReport, ActionError> {
    let share = Share::open(&cfg.share, &cfg.config.folders)?;
    let mut held = Held::open(&share, &cfg.state_dir)?;
    let ledger = held.ledger();
    let fy = fiscal_year(given_year, &cfg.config, ledger)?;
    let close = ledger
        .closed_rounds(fy)?
        .into_iter()
        .find(|c| c.round == round)
        .ok_or(ActionError::NotClosed {
            fiscal_year: fy,
            round,
        })?;
    ledger.record_reopen(&close, &stamp(), &who(), reason)?;
    let mut report = republish(&share, &cfg.config, &mut held)?;
    report.lines.insert(
        0,
        format!(
            "reopened round {round} of fiscal year {fy}; its snapshot {} stays as it was",
            close.snapshot
        ),
    );
    Ok(report)
}

/// `kpiwatch exclude` (`exclude` true) and `kpiwatch include`: sets the versions `target`
/// names aside, or counts them again.
pub fn set_aside(
    cfg: &RunConfig,
    target: &str,
    exclude: bool,
    reason: &str,
) -> Result<ActionReport, ActionError> {
    let share = Share::open(&cfg.share, &cfg.config.folders)?;
    let mut held = Held::open(&share, &cfg.state_dir)?;
    let ledger = held.ledger();
    let versions = resolve(&share, ledger, target)?;
    let first = &versions[0];
    if versions
        .iter()
        .all(|v| v.status != crate::check::validate::Status::Accepted)
    {
        return Err(ActionError::NotAccepted {
            file: first.path.clone(),
        });
    }
    let to_change: Vec<StoredVersion> = versions
        .iter()
        .filter(|v| v.excluded != exclude)
        .cloned()
        .collect();
    if to_change.is_empty() {
        return Err(ActionError::Unchanged {
            file: first.path.clone(),
            sha: first.sha256.get(..12).unwrap_or_default().to_owned(),
            state: if exclude { "set aside" } else { "counted" },
        });
    }
    ledger.set_excluded(&to_change, exclude, &stamp(), &who(), reason)?;
    #[cfg(debug_assertions)]
    test_hook::pause_at("exclude-recorded");
    let mut lines = Vec::new();
    for v in &to_change {
        let verb = if exclude {
            "set aside"
        } else {
            "counted again"
        };
        lines.push(format!(
            "{verb}: {} ({}, received {})",
            v.path,
            v.sha256.get(..12).unwrap_or_default(),
            v.received_at
        ));
        let now = ledger.current_of(v)?;
        lines.push(match now {
            Some(c) => format!(
                "current version of {} for {}: {} ({}, received {})",
                v.division_code,
                v.fiscal_year.map_or("-".into(), |y| y.to_string()),
                c.path,
                c.sha256.get(..12).unwrap_or_default(),
                c.received_at
            ),
            None => format!("{} has no version that counts now", v.division_code),
        });
    }
    let mut report = republish(&share, &cfg.config, &mut held)?;
    lines.append(&mut report.lines);
    report.lines = lines;
    Ok(report)
}

/// The versions `target` names: an inbox file (its current version), an archive file, or the
/// start of a SHA-256 (at least 8 hexadecimal digits; every version with that content).
fn resolve(
    share: &Share,
    ledger: &Ledger,
    target: &str,
) -> Result<Vec<StoredVersion>, ActionError> {
    let as_path = Path::new(target);
    // As typed (from the working folder), from the share (`inbox/a/kpi.xlsx`), or within the
    // inbox or the archive (`a/kpi.xlsx`, as the summary and receipts name files).
    let candidates = [
        as_path.to_owned(),
        share.root.join(as_path),
        share.inbox.join(as_path),
        share.archive.join(as_path),
    ];
    for path in candidates.iter().filter(|p| p.is_file()) {
        let Ok(full) = path.canonicalize() else {
            continue;
        };
        for (root, archived) in [(&share.inbox, false), (&share.archive, true)] {
            let Ok(root) = root.canonicalize() else {
                continue;
            };
            let Ok(rel) = full.strip_prefix(&root) else {
                continue;
            };
            let key = crate::pass::names::key_of(rel);
            let found = if archived {
                ledger.versions_archived_at(&key)?
            } else {
                ledger.version_of_path(&key)?.into_iter().collect()
            };
            if !found.is_empty() {
                return Ok(found);
            }
        }
    }
    let hex = target.trim().to_ascii_lowercase();
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ActionError::NotFound(target.to_owned()));
    }
    if hex.len() < 8 {
        return Err(ActionError::ShortPrefix(target.to_owned()));
    }
    let found = ledger.versions_by_sha_prefix(&hex)?;
    let mut shas: Vec<&str> = found.iter().map(|v| v.sha256.as_str()).collect();
    shas.dedup();
    match shas.len() {
        0 => Err(ActionError::NotFound(target.to_owned())),
        1 => Ok(found),
        _ => Err(ActionError::Ambiguous {
            prefix: hex,
            candidates: found
                .iter()
                .map(|v| format!("  {}  {}  received {}", v.sha256, v.path, v.received_at))
                .collect::<Vec<_>>()
                .join("\n"),
        }),
    }
}

/// Writes the receipts the change made pending and the summaries, as a pass does. With the
/// state folder held alone, flagged as a pass is, so a crash midway is cleaned up on the next
/// start; beside a watcher that flag is the watcher's.
fn republish(share: &Share, config: &Config, held: &mut Held) -> Result<ActionReport, PassError> {
    let alone = matches!(held, Held::Alone(_));
    let ledger = held.ledger();
    if alone {
        recover::mark_started(ledger)?;
    }
    let mut report = ActionReport::default();
    report.receipts = receipt_files::write_pending(share, config, ledger, &mut report.failures)?;
    report.summaries = publish::write_summaries(&share.summary, config, ledger)?;
    if alone {
        recover::mark_ended(ledger)?;
    }
    Ok(report)
}

/// Where closed rounds' snapshots go: `closed/` in the summary folder.
pub fn snapshot_dir(share: &Share) -> PathBuf {
    share.summary.join("closed")
}

/// The prefix of a snapshot written but not yet recorded.
const PENDING_PREFIX: &str = ".closing-";

/// "kpi-summary-2564-round-1-closed-2021-01-15.xlsx", with "-2", "-3" … when a round is closed
/// more than once a day: a snapshot is never rewritten.
fn snapshot_name(dir: &Path, ledger: &Ledger, fy: i32, round: u8) -> Result<String, LedgerError> {
    let date = crate::clock::now().format("%Y-%m-%d");
    let base = format!("kpi-summary-{fy}-round-{round}-closed-{date}");
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{base}.xlsx")
        } else {
            format!("{base}-{n}.xlsx")
        };
        let taken = dir.join(&name).exists()
            || dir.join(format!("{PENDING_PREFIX}{name}")).exists()
            || ledger.snapshot_recorded(&name)?;
        if !taken {
            return Ok(name);
        }
        n += 1;
    }
}

/// A snapshot written under its pending name, locked until it is renamed into place: a
/// recovery running meanwhile (a watcher starting) leaves a locked one alone.
struct Pending {
    file: std::fs::File,
    pending: PathBuf,
    path: PathBuf,
}

impl Pending {
    fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<Self, ActionError> {
        let pending = dir.join(format!("{PENDING_PREFIX}{name}"));
        let err = |source| ActionError::Snapshot {
            path: pending.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&pending)
            .map_err(err)?;
        file.lock().map_err(err)?;
        file.write_all(bytes).map_err(err)?;
        file.sync_all().map_err(err)?;
        Ok(Self {
            file,
            path: dir.join(name),
            pending,
        })
    }

    /// Renames the recorded snapshot into place, and flushes the folder.
    fn finish(self) -> Result<PathBuf, ActionError> {
        let err = |source| ActionError::Snapshot {
            path: self.path.clone(),
            source,
        };
        std::fs::rename(&self.pending, &self.path).map_err(err)?;
        if let Some(dir) = self.path.parent() {
            crate::output::sync_folder(dir).map_err(err)?;
        }
        drop(self.file);
        Ok(self.path)
    }
}

/// Finishes what a killed `close` left in `closed/`: a pending snapshot whose close is recorded
/// is renamed into place, one whose close is not is removed. One being written now (locked by
/// its `close`) is left alone.
pub fn recover_snapshots(share: &Share, ledger: &Ledger) -> Result<(), LedgerError> {
    let dir = snapshot_dir(share);
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = file_name.strip_prefix(PENDING_PREFIX) else {
            continue;
        };
        let pending = entry.path();
        let Ok(file) = std::fs::OpenOptions::new().write(true).open(&pending) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue;
        }
        let target = dir.join(name);
        let result = if ledger.snapshot_recorded(name)? && !target.exists() {
            std::fs::rename(&pending, &target).map(|()| "finished a closed round's snapshot")
        } else {
            std::fs::remove_file(&pending)
                .map(|()| "removed the snapshot of a close never recorded")
        };
        match result {
            Ok(what) => tracing::info!(file = %target.display(), "{what}"),
            Err(e) => {
                tracing::warn!(file = %pending.display(), error = %e, "cannot finish a pending snapshot")
            }
        }
    }
    Ok(())
}

/// Lets an integration test kill a change of state at a chosen step: with
/// `KPIWATCH_TEST_PAUSE_AT` naming the step and `KPIWATCH_TEST_PAUSE_DIR` a folder, the process
/// writes a file named like the step there and waits for `go` (at most two minutes). Only in
/// debug builds, which is what the tests run.
#[cfg(debug_assertions)]
mod test_hook {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    pub(super) fn pause_at(step: &str) {
        let (Some(dir), Ok(at)) = (
            std::env::var_os("KPIWATCH_TEST_PAUSE_DIR"),
            std::env::var("KPIWATCH_TEST_PAUSE_AT"),
        ) else {
            return;
        };
        if at != step {
            return;
        }
        let dir = PathBuf::from(dir);
        let _ = std::fs::write(dir.join(step), b"");
        let deadline = Instant::now() + Duration::from_secs(120);
        while !dir.join("go").exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
