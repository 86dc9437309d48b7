//! Writing kpiwatch's own files so that a crash never leaves half a file behind: every output is
//! written to a temporary file in the same folder and renamed into place, flushed in batches, and
//! (archive copies) let go from the file cache once flushed.

use std::io::Write;
use std::path::Path;

/// When a written file reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// Before it is renamed into place (fsync): for files written one at a time.
    Now,
    /// Later, all at once, by [`sync_folder`]: for batches, where one flush of the file system
    /// costs what a single fsync does instead of one per file.
    Batched,
}

/// Writes `bytes` to `path` atomically and durably: readers see the old file or the new one,
/// never a mix. The temporary file is hidden (".tmp…") so watchers and people ignore it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, bytes, Sync::Now)
}

/// [`write_atomic`], choosing when the data reaches the disk.
pub fn write_atomic_with(path: &Path, bytes: &[u8], sync: Sync) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // Temporary files are created private (0600); outputs are for the office to open. Set
    // after creation, not through the creation mode, so a restrictive umask cannot hide a
    // receipt from the division it is for.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    // Without a way to flush a batch (not Unix), every file is flushed on its own.
    if sync == Sync::Now || cfg!(not(unix)) {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A copy of a file staged as a hidden temporary file: what a caller judges (the bytes
/// [`stage_copy`] returns with it) is exactly what it will keep, however the original changes
/// meanwhile.
pub struct Staged {
    copy: tempfile::NamedTempFile,
}

/// Copies `source` into a hidden temporary file in `dir` and reads the copy back: its bytes,
/// and the copy. The copy is the kernel's (copy_file_range on Linux): a block clone or a
/// server-side copy where the file system can; on ext4 here, a quarter of the time of reading
/// and writing the bytes.
pub fn stage_copy(source: &mut std::fs::File, dir: &Path) -> std::io::Result<(Vec<u8>, Staged)> {
    use std::io::{Read, Seek};
    let mut copy = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    std::io::copy(source, copy.as_file_mut())?;
    let file = copy.as_file_mut();
    file.rewind()?;
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    file.read_to_end(&mut bytes)?;
    Ok((bytes, Staged { copy }))
}

impl Staged {
    /// Puts the copy in place at `path` (in the same file system), readable like every other
    /// output; to be flushed with [`sync_folder`]. Dropping a `Staged` instead removes the copy.
    pub fn keep_as(self, path: &Path) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.copy
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        if cfg!(not(unix)) {
            self.copy.as_file().sync_all()?;
        }
        self.copy.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Flushes everything written under `dir`'s file system to disk: the end of a batch written
/// with [`Sync::Batched`]. Linux flushes the one file system (syncfs); elsewhere every file
/// system is flushed.
pub fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let folder = std::fs::File::open(dir)?;
        rustix::fs::syncfs(&folder)?;
        Ok(())
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        rustix::fs::sync();
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Tells the kernel that the flushed files `rels` (relative to `dir`) will not be read again
/// soon, so their pages leave the file cache now (only clean pages are dropped: hence after the
/// flush). For archive copies, written once and read only if a version is ever restored: kept, a
/// cold run's copies would hold the inbox's size in memory, every page of it newly taken (on a
/// virtual machine, a costly first touch); dropped, each batch's copies reuse the last one's
/// pages. Given only where `dir` is on a local disk (`on_local_disk`). Only advice: a failure
/// is ignored.
pub fn forget_cached<'a>(dir: &Path, rels: impl IntoIterator<Item = &'a str>) {
    let mut rels = rels.into_iter().peekable();
    if rels.peek().is_none() || !on_local_disk(dir) {
        return;
    }
    #[cfg(target_os = "linux")]
    for rel in rels {
        if let Ok(file) = std::fs::File::open(dir.join(rel)) {
            let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
        }
    }
}

/// Whether `dir` is on a local disk's file system (ext2/3/4, XFS or Btrfs on Linux), where
/// [`forget_cached`] costs microseconds a file. On a network share (an SMB or NFS mount) each
/// file's advice would cost a round trip to the server, so it is only given where this is true.
fn on_local_disk(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        // rustix names only the proc and NFS magic numbers; these are from linux/magic.h.
        const EXT4_SUPER_MAGIC: u32 = 0xEF53;
        const XFS_SUPER_MAGIC: u32 = 0x5846_5342;
        const BTRFS_SUPER_MAGIC: u32 = 0x9123_683E;
        let Ok(folder) = std::fs::File::open(dir) else {
            return false;
        };
        let Ok(fs) = rustix::fs::fstatfs(&folder) else {
            return false;
        };
        // The magic numbers are 32-bit; `f_type`'s width differs between targets.
        [EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC].contains(&(fs.f_type as u32))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        false
    }
}

/// The prefix of kpiwatch's temporary files: never a name a person gives a file.
pub const TEMP_PREFIX: &str = ".tmp-kpiwatch-";

/// Removes temporary files a killed kpiwatch left behind under `dir` (recursively). Only
/// kpiwatch's own names are touched. Returns how many were removed.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    // Symbolic links are not followed (walkdir's default): only kpiwatch's own folders are
    // searched. An unreadable folder is skipped, as a clean-up must not stop a pass.
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && e.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_staged_copy_holds_the_bytes_and_is_kept_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("inbox.xlsx");
        std::fs::write(&src, b"the workbook").unwrap();
        let archive = dir.path().join("archive");
        std::fs::create_dir(&archive).unwrap();
        let entries = |d: &Path| std::fs::read_dir(d).unwrap().count();

        // Dropped: nothing is left behind.
        let (bytes, staged) =
            stage_copy(&mut std::fs::File::open(&src).unwrap(), &archive).unwrap();
        assert_eq!(bytes, b"the workbook");
        assert_eq!(entries(&archive), 1);
        drop(staged);
        assert_eq!(entries(&archive), 0);

        // Kept: in place, readable by others, the original untouched.
        let (_, staged) = stage_copy(&mut std::fs::File::open(&src).unwrap(), &archive).unwrap();
        std::fs::create_dir(archive.join("2567")).unwrap();
        let kept = archive.join("2567/kept.xlsx");
        staged.keep_as(&kept).unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"the workbook");
        assert_eq!(std::fs::read(&src).unwrap(), b"the workbook");
        assert_eq!(entries(&archive), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn forgetting_a_cached_file_keeps_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("archived.xlsx");
        write_atomic_with(&p, b"an archived version", Sync::Batched).unwrap();
        sync_folder(dir.path()).unwrap();
        forget_cached(dir.path(), ["archived.xlsx"]);
        assert_eq!(std::fs::read(&p).unwrap(), b"an archived version");
        // Advice about a file that is gone is no error.
        forget_cached(dir.path(), ["gone.xlsx"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_that_cannot_be_opened_is_not_taken_for_a_local_disk() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!on_local_disk(&dir.path().join("missing")));
        // /proc is never a disk's file system.
        #[cfg(target_os = "linux")]
        assert!(!on_local_disk(Path::new("/proc")));
    }

    #[test]
    fn stale_temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/.tmp-kpiwatch-x1"), b"half").unwrap();
        std::fs::write(dir.path().join(".tmp-kpiwatch-x2"), b"half").unwrap();
        std::fs::write(dir.path().join("a/keep.xlsx"), b"mine").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()), 2);
        assert!(dir.path().join("a/keep.xlsx").exists());
    }
}
