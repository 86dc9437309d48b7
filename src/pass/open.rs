//! Opening an inbox file as it is when it is read, not as it was listed: a symbolic link put in
//! its place since is never followed, a pipe or a device never blocks, and only a regular file
//! is read. Size and modification time are taken from what was opened.

use std::fs::File;
use std::path::Path;

use thiserror::Error;

use crate::pass::share::mtime_ns;

#[derive(Debug, Error)]
pub enum OpenError {
    /// Something else now stands where the listing saw a regular file.
    #[error("not a regular file any more ({0} put in its place); not read")]
    NotRegular(&'static str),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// An inbox file opened for reading, and what its open descriptor says of it.
pub struct Opened {
    pub file: File,
    pub size: u64,
    pub mtime_ns: i64,
}

/// Opens `rel` (a path relative to `inbox`, as listed) without following links or blocking,
/// and checks on the opened descriptor that it is a regular file.
pub fn open_inbox_file(inbox: &Path, rel: &Path) -> Result<Opened, OpenError> {
    #[cfg(debug_assertions)]
    test_hook::pause_before_open();
    let file = open_no_follow(inbox, rel)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(OpenError::NotRegular(kind_of(&meta)));
    }
    Ok(Opened {
        size: meta.len(),
        mtime_ns: mtime_ns(&meta),
        file,
    })
}

#[cfg(unix)]
fn open_no_follow(inbox: &Path, rel: &Path) -> Result<File, OpenError> {
    use rustix::fs::{Mode, OFlags};
    // A pipe opened for reading without a writer would block forever without NONBLOCK; reads
    // of a regular file ignore it.
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let link = |e: rustix::io::Errno| {
        if e == rustix::io::Errno::LOOP {
            OpenError::NotRegular("a symbolic link")
        } else {
            OpenError::Io(e.into())
        }
    };
    // Linux can refuse a link anywhere on the way, a subfolder swapped for a link included.
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::ResolveFlags;
        let dir = rustix::fs::open(
            inbox,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(std::io::Error::from)?;
        let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH;
        match rustix::fs::openat2(&dir, rel, flags, Mode::empty(), resolve) {
            Ok(fd) => return Ok(File::from(fd)),
            // Kernels before 5.6, and sandboxes that filter the call: the last component alone.
            Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {}
            Err(e) => return Err(link(e)),
        }
    }
    rustix::fs::open(inbox.join(rel), flags, Mode::empty())
        .map(File::from)
        .map_err(link)
}

#[cfg(windows)]
fn open_no_follow(inbox: &Path, rel: &Path) -> Result<File, OpenError> {
    use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
    // Opens a link or junction itself rather than its target.
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x0400;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(inbox.join(rel))?;
    if file.metadata()?.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0 {
        return Err(OpenError::NotRegular("a link"));
    }
    Ok(file)
}

#[cfg(not(any(unix, windows)))]
fn open_no_follow(inbox: &Path, rel: &Path) -> Result<File, OpenError> {
    Ok(File::open(inbox.join(rel))?)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "something other than a file"
    }
}

/// Lets an integration test act between the listing and the opening, deterministically: with
/// `KPIWATCH_TEST_PAUSE_BEFORE_OPEN` set to a folder, the first open of the process writes
/// `listed` there and waits for `go` (at most two minutes). Only in debug builds, which is what
/// the tests run; a release build has no such hook.
#[cfg(debug_assertions)]
mod test_hook {
    use std::path::PathBuf;
    use std::sync::Once;
    use std::time::{Duration, Instant};

    pub(super) fn pause_before_open() {
        static ONCE: Once = Once::new();
        let Some(dir) = std::env::var_os("KPIWATCH_TEST_PAUSE_BEFORE_OPEN") else {
            return;
        };
        // Other workers wait inside `call_once` until the first is released.
        ONCE.call_once(|| {
            let dir = PathBuf::from(dir);
            let _ = std::fs::write(dir.join("listed"), b"");
            let deadline = Instant::now() + Duration::from_secs(120);
            while !dir.join("go").exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_pipes_and_folders_are_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        std::fs::create_dir_all(inbox.join("div")).unwrap();
        std::fs::write(inbox.join("div/ok.xlsx"), b"bytes").unwrap();
        let outside = dir.path().join("secret");
        std::fs::write(&outside, b"secret").unwrap();
        std::os::unix::fs::symlink(&outside, inbox.join("link.xlsx")).unwrap();
        std::os::unix::fs::symlink(dir.path(), inbox.join("linked-folder")).unwrap();
        std::fs::write(dir.path().join("in-linked.xlsx"), b"secret").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            inbox.join("pipe.xlsx"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();

        let ok = open_inbox_file(&inbox, Path::new("div/ok.xlsx")).unwrap();
        assert_eq!(ok.size, 5);
        for (rel, kind) in [
            ("link.xlsx", "a symbolic link"),
            ("pipe.xlsx", "a pipe"),
            ("div", "a folder"),
        ] {
            match open_inbox_file(&inbox, Path::new(rel)) {
                Err(OpenError::NotRegular(k)) => assert_eq!(k, kind, "{rel}"),
                other => panic!("{rel}: {:?}", other.map(|o| o.size)),
            }
        }
        // A link on the way is refused too where the kernel can tell (Linux); elsewhere the
        // listing never descends into a linked folder.
        #[cfg(target_os = "linux")]
        assert!(open_inbox_file(&inbox, Path::new("linked-folder/in-linked.xlsx")).is_err());
    }
}
