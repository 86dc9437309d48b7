//! Which files of the inbox a pass reads: those new or changed since the ledger last saw them
//! and, for the watcher, only once they have stopped changing. Also which files have left the
//! inbox since.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::ledger::FileState;
use crate::pass::share::InboxFile;

/// Tells a watcher's pass which files have finished arriving: a copy onto a share arrives in
/// pieces, so a file is read only once its size and modification time have stayed the same
/// for the quiet period, measured on this machine's clock (a file server's clock may differ).
#[derive(Debug)]
pub struct Stability {
    quiet: Duration,
    /// A file that stays unreadable (a truncated zip) is given this long to finish arriving
    /// before it is rejected as damaged.
    grace: Duration,
    seen: HashMap<String, (u64, i64, Instant)>,
}

impl Stability {
    pub fn new(quiet: Duration) -> Self {
        Self {
            quiet,
            grace: (quiet * 5).max(Duration::from_secs(10)),
            seen: HashMap::new(),
        }
    }

    /// Records what the scan saw and returns how long the file has looked the same.
    fn observe(&mut self, f: &InboxFile) -> Duration {
        let now = Instant::now();
        let entry = self
            .seen
            .entry(f.rel.clone())
            .or_insert((f.size, f.mtime_ns, now));
        if (entry.0, entry.1) != (f.size, f.mtime_ns) {
            *entry = (f.size, f.mtime_ns, now);
        }
        now.duration_since(entry.2)
    }

    pub fn quiet(&self) -> Duration {
        self.quiet
    }

    fn forget_missing(&mut self, present: &HashSet<&str>) {
        self.seen.retain(|rel, _| present.contains(rel.as_str()));
    }
}

/// What a pass does with the files of one scan.
pub(super) struct Selection<'a> {
    /// New or changed files to read, in scan order.
    pub candidates: Vec<&'a InboxFile>,
    /// Candidates that may still be arriving: one that is not a workbook yet is looked at
    /// again rather than rejected.
    pub young: HashSet<&'a str>,
    /// Changed files still arriving (watch mode): left for a later pass.
    pub pending: Vec<String>,
    /// Paths the ledger has as present that the scan no longer found.
    pub removed: Vec<String>,
}

/// Compares a scan with what the ledger knows (`known`).
pub(super) fn select<'a>(
    files: &'a [InboxFile],
    known: &HashMap<String, FileState>,
    mut stability: Option<&mut Stability>,
) -> Selection<'a> {
    let seen: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let mut picked = Selection {
        candidates: Vec::new(),
        young: HashSet::new(),
        pending: Vec::new(),
        removed: Vec::new(),
    };
    for f in files {
        let changed = match known.get(&f.rel) {
            Some(k) => !(k.present && k.size == f.size && k.mtime_ns == f.mtime_ns),
            None => true,
        };
        if !changed {
            continue;
        }
        match stability.as_deref_mut() {
            Some(st) => {
                let steady = st.observe(f);
                if steady < st.quiet {
                    picked.pending.push(f.rel.clone());
                } else {
                    if steady < st.grace {
                        picked.young.insert(f.rel.as_str());
                    }
                    picked.candidates.push(f);
                }
            }
            None => picked.candidates.push(f),
        }
    }
    if let Some(st) = stability {
        st.forget_missing(&seen);
    }
    picked.removed = known
        .iter()
        .filter(|(path, state)| state.present && !seen.contains(path.as_str()))
        .map(|(path, _)| path.clone())
        .collect();
    picked
}
