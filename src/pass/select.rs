//! Which files of the inbox a pass reads: those new or changed since the ledger last saw them,
//! and only once they have stopped changing (watch and run alike). Also which files have left
//! the inbox since.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::ledger::FileState;
use crate::pass::share::InboxFile;

/// Tells a pass which files have finished arriving: a copy onto a share arrives in pieces, so
/// a file is read only once its size and modification time have stayed the same for the quiet
/// period. A file still arriving is left for a later pass, never rejected.
#[derive(Debug)]
pub struct Stability {
    quiet: Duration,
    /// A file that stays unreadable (a truncated zip) is given this long to finish arriving
    /// before it is rejected as damaged.
    grace: Duration,
    clock: Clock,
}

/// How long a file has looked the same.
#[derive(Debug)]
enum Clock {
    /// The watcher samples the inbox again and again: since the scan that first saw the file's
    /// present size and modification time, on this machine's monotonic clock (a file server's
    /// clock may differ).
    Sampled(HashMap<String, (u64, i64, Instant)>),
    /// A single pass (`run`) has one sample: since the file's modification time, by this
    /// machine's clock when the pass began. A time in the future (a file server whose clock is
    /// ahead) counts as now, so such a file waits until it is in the past.
    Modified { now_ns: i64 },
}

impl Stability {
    /// The watcher's rule: a file is steady once several scans over the quiet period found it
    /// unchanged.
    pub fn new(quiet: Duration) -> Self {
        Self::with_clock(quiet, Clock::Sampled(HashMap::new()))
    }

    /// The same rule for one pass (`run`): a file is steady once its modification time is the
    /// quiet period in the past.
    pub fn by_modification_time(quiet: Duration, now: SystemTime) -> Self {
        let now_ns = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        Self::with_clock(quiet, Clock::Modified { now_ns })
    }

    fn with_clock(quiet: Duration, clock: Clock) -> Self {
        Self {
            quiet,
            grace: (quiet * 5).max(Duration::from_secs(10)),
            clock,
        }
    }

    /// Records what the scan saw and returns how long the file has looked the same.
    fn observe(&mut self, f: &InboxFile) -> Duration {
        match &mut self.clock {
            Clock::Sampled(seen) => {
                let now = Instant::now();
                let entry = seen
                    .entry(f.rel.clone())
                    .or_insert((f.size, f.mtime_ns, now));
                if (entry.0, entry.1) != (f.size, f.mtime_ns) {
                    *entry = (f.size, f.mtime_ns, now);
                }
                now.duration_since(entry.2)
            }
            Clock::Modified { now_ns } => {
                let age = now_ns.saturating_sub(f.mtime_ns).max(0);
                Duration::from_nanos(u64::try_from(age).unwrap_or(0))
            }
        }
    }

    pub fn quiet(&self) -> Duration {
        self.quiet
    }

    fn forget_missing(&mut self, present: &HashSet<&str>) {
        if let Clock::Sampled(seen) = &mut self.clock {
            seen.retain(|rel, _| present.contains(rel.as_str()));
        }
    }
}

/// What a pass does with the files of one scan.
pub(super) struct Selection<'a> {
    /// New or changed files to read, in scan order.
    pub candidates: Vec<&'a InboxFile>,
    /// Candidates that may still be arriving: one that is not a workbook yet is looked at
    /// again rather than rejected.
    pub young: HashSet<&'a str>,
    /// Changed files still arriving: left for a later pass.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, mtime: SystemTime) -> InboxFile {
        InboxFile {
            rel: rel.to_owned(),
            path: rel.into(),
            size: 100,
            mtime_ns: mtime.duration_since(UNIX_EPOCH).unwrap().as_nanos() as i64,
            folder: None,
        }
    }

    #[test]
    fn a_pass_leaves_files_modified_within_the_quiet_period() {
        let now = SystemTime::now();
        let quiet = Duration::from_secs(2);
        let files = [
            file("settled.xlsx", now - Duration::from_secs(60)),
            file("arriving.xlsx", now - Duration::from_millis(500)),
            file("future.xlsx", now + Duration::from_secs(30)),
            file("just-settled.xlsx", now - Duration::from_secs(3)),
        ];
        let mut st = Stability::by_modification_time(quiet, now);
        let picked = select(&files, &HashMap::new(), Some(&mut st));
        let read: Vec<&str> = picked.candidates.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(read, ["settled.xlsx", "just-settled.xlsx"]);
        assert_eq!(picked.pending, ["arriving.xlsx", "future.xlsx"]);
        // Settled moments ago: read, but an unreadable one is looked at again, not rejected.
        assert!(picked.young.contains("just-settled.xlsx"));
        assert!(!picked.young.contains("settled.xlsx"));
    }
}
