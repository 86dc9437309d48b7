//! The shared folder divisions drop their workbooks into: its four folders, and the scan of the
//! inbox that decides which files are submissions. Lock files, temporary files, hidden files,
//! kpiwatch's own outputs and symbolic links are never treated as submissions.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use thiserror::Error;

use crate::config::Folders;
use crate::pass::names::key_of;

#[derive(Debug, Error)]
pub enum ShareError {
    #[error("the share {path} does not exist or is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the inbox {path}: {source}")]
    ReadInbox {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The share's folders, all existing once [`Share::open`] succeeded.
#[derive(Debug, Clone)]
pub struct Share {
    pub root: PathBuf,
    pub inbox: PathBuf,
    pub summary: PathBuf,
    pub receipts: PathBuf,
    pub archive: PathBuf,
}

/// One candidate submission found in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxFile {
    /// Path relative to the inbox with '/' separators, the raw OS name escaped where it is not
    /// text ([`key_of`]): the file's identity in the ledger.
    pub rel: String,
    pub path: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 if the platform has none).
    pub mtime_ns: i64,
    /// The inbox subfolder it sits in (its first path component), if any.
    pub folder: Option<String>,
}

impl Share {
    /// Opens the share at `root`, creating whichever of its folders are missing.
    pub fn open(root: &Path, folders: &Folders) -> Result<Self, ShareError> {
        if !root.is_dir() {
            return Err(ShareError::NotAFolder {
                path: root.to_owned(),
            });
        }
        let share = Self {
            root: root.to_owned(),
            inbox: root.join(&folders.inbox),
            summary: root.join(&folders.summary),
            receipts: root.join(&folders.receipts),
            archive: root.join(&folders.archive),
        };
        for dir in [
            &share.inbox,
            &share.summary,
            &share.receipts,
            &share.archive,
        ] {
            std::fs::create_dir_all(dir).map_err(|source| ShareError::Create {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(share)
    }

    /// Every candidate submission in the inbox, sorted by path. Unreadable subfolders are
    /// skipped with a warning; an unreadable inbox is an error (the share dropped off).
    ///
    /// The folders of one depth are listed in parallel: a share holds a folder per division,
    /// and on a network share each listing is a round trip to the server.
    pub fn scan(&self) -> Result<Vec<InboxFile>, ShareError> {
        // Not walkdir: it lists one folder at a time, on one thread, where a cold cache or a
        // network share wants many listings in flight.
        let mut files = Vec::new();
        let mut level = vec![self.inbox.clone()];
        while !level.is_empty() {
            let list_all = || -> Vec<Result<Listing, ShareError>> {
                level.par_iter().map(|dir| self.list(dir)).collect()
            };
            let listed = match listing_pool() {
                Some(pool) => pool.install(list_all),
                None => list_all(),
            };
            level = Vec::new();
            for listing in listed {
                let (found, folders) = listing?;
                files.extend(found);
                level.extend(folders);
            }
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(files)
    }

    /// The candidate files and the subfolders of one inbox folder.
    fn list(&self, dir: &Path) -> Result<Listing, ShareError> {
        let outputs = [&self.summary, &self.receipts, &self.archive];
        let mut files = Vec::new();
        let mut folders = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(source) if dir == self.inbox => {
                return Err(ShareError::ReadInbox {
                    path: dir.to_owned(),
                    source,
                });
            }
            Err(e) => {
                tracing::warn!(path = %dir.display(), error = %e, "cannot read a folder of the inbox");
                return Ok((files, folders));
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_ignored_entry(&name) || outputs.iter().any(|o| path == **o) {
                continue;
            }
            // file_type() does not follow symbolic links: a link is never followed, so nothing
            // outside the share can be pulled in.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                tracing::warn!(path = %path.display(), "ignoring a symbolic link in the inbox");
            } else if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && !is_ignored(&name) {
                let (Ok(meta), Ok(rel)) = (entry.metadata(), path.strip_prefix(&self.inbox)) else {
                    continue;
                };
                let key = key_of(rel);
                files.push(InboxFile {
                    folder: key.split_once('/').map(|(first, _)| first.to_owned()),
                    rel: key,
                    size: meta.len(),
                    mtime_ns: mtime_ns(&meta),
                    path,
                });
            }
        }
        Ok((files, folders))
    }
}

/// How many folders are listed at once. A listing mostly waits, on the disk when the system's
/// cache of folders is cold (the first run after a restart) or on the server of a network share,
/// so more listings are kept in flight than there are cores.
const LISTING_THREADS: usize = 16;

/// The listing's own thread pool, made once per process (a watcher scans again and again).
/// `None` if the system refuses the threads: the listing then runs on the global pool.
fn listing_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(LISTING_THREADS)
            .thread_name(|i| format!("kpiwatch-list-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// What one folder of the inbox holds: candidate files, and subfolders to list next.
type Listing = (Vec<InboxFile>, Vec<PathBuf>);

/// Hidden entries (files or folders) are skipped wholesale.
fn is_ignored_entry(name: &str) -> bool {
    name.starts_with('.')
}

/// Modification time in nanoseconds since the epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Files that are never submissions: Office clutter (see [`is_clutter`]) and extension-less
/// names (Excel saves through a temporary file with a random 8-character name and no
/// extension, then renames it over the workbook).
pub fn is_ignored(name: &str) -> bool {
    is_clutter(name) || Path::new(name).extension().is_none()
}

/// Lock files, temporary files, hidden files and system clutter: changes to these never need a
/// look at the inbox. (Extension-less names do: a new division folder has no extension.)
pub fn is_clutter(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".temp")
        || lower.ends_with(".part")
        || lower.ends_with(".crdownload")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_clutter_is_ignored() {
        for name in [
            "~$kpi-2564.xlsx",
            ".~lock.kpi-2564.xlsx#",
            "~WRL0001.tmp",
            "ABCD1234",
            "report.xlsx.tmp",
            ".hidden.xlsx",
            "Thumbs.db",
            ".DS_Store",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in [
            "kpi-2564.xlsx",
            "รายงาน ไตรมาส 2.xlsx",
            "-dash.xlsx",
            "data.ods",
            "a.csv",
        ] {
            assert!(!is_ignored(name), "{name}");
        }
    }

    #[test]
    fn scan_finds_nested_files_and_skips_outputs_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let folders = Folders {
            inbox: "in".into(),
            ..Folders::default()
        };
        let share = Share::open(dir.path(), &folders).unwrap();
        std::fs::create_dir_all(share.inbox.join("div-a/sub")).unwrap();
        std::fs::write(share.inbox.join("top.xlsx"), b"x").unwrap();
        std::fs::write(share.inbox.join("div-a/a.xlsx"), b"xy").unwrap();
        std::fs::write(share.inbox.join("div-a/sub/deep.xlsx"), b"xyz").unwrap();
        std::fs::write(share.inbox.join("div-a/~$a.xlsx"), b"lock").unwrap();
        let outside = dir.path().join("secret.xlsx");
        std::fs::write(&outside, b"secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, share.inbox.join("link.xlsx")).unwrap();
        let files = share.scan().unwrap();
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["div-a/a.xlsx", "div-a/sub/deep.xlsx", "top.xlsx"]);
        assert_eq!(files[0].folder.as_deref(), Some("div-a"));
        assert_eq!(files[2].folder, None);
        assert_eq!(files[1].size, 3);
    }

    #[test]
    fn a_missing_share_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = Share::open(&dir.path().join("nope"), &Folders::default()).unwrap_err();
        assert!(e.to_string().contains("does not exist"));
    }
}
