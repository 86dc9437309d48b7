//! The archive: every version kpiwatch has judged, kept under a name made from its content so
//! that nothing is ever overwritten and a re-sent identical file is stored once.

use std::path::Path;

use crate::domain::model::Submission;
use crate::output::{Staged, Sync, write_atomic_with};
use crate::pass::names::{archive_file, archive_folder};

/// Where a version is archived, relative to the archive folder:
/// `<fiscal year>/<division code>/<first 16 hex of SHA-256>-<file name>`. The hash makes the
/// name unique per content, so a re-sent identical file is stored once and nothing is ever
/// overwritten; year and division make the folder browsable. Codes and names a share cannot
/// hold (a code's trailing dot, a name too long) are made portable ([`crate::pass::names`]).
pub fn archive_path(sub: &Submission, division_key: &str, sha256: &str, rel: &str) -> String {
    let year = sub
        .fiscal_year
        .filter(|y| y.is_plausible())
        .map_or_else(|| "unknown-year".to_owned(), |y| y.to_string());
    let division = if division_key.is_empty() {
        "unknown-division".to_owned()
    } else {
        archive_folder(&sub.division.code)
    };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    format!("{year}/{division}/{}", archive_file(&sha256[..16], name))
}

/// Puts a version at `path` in the archive unless it is there already: the copy staged while
/// it was read if there is one (see [`crate::output::stage_copy`]), else `bytes`. Flushed later,
/// with the batch that records it.
pub(super) fn keep(path: &Path, staged: Option<Staged>, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| match staged {
            // A copy that cannot be renamed there (another file system mounted inside the
            // archive) is removed, and the bytes are written instead.
            Some(copy) => copy
                .keep_as(path)
                .or_else(|_| write_atomic_with(path, bytes, Sync::Batched)),
            None => write_atomic_with(path, bytes, Sync::Batched),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::samples;

    #[test]
    fn archive_names_are_safe_and_content_addressed() {
        let sub = samples::inspection_office();
        let p = archive_path(
            &sub,
            "สตป.",
            &"ab".repeat(32),
            "inspection-office/kpi 2564.xlsx",
        );
        let (folder, name) = p.rsplit_once('/').unwrap();
        assert!(folder.starts_with("2564/สตป~"), "{p}");
        assert_eq!(name, "abababababababab-kpi 2564.xlsx");
        let p = archive_path(&Submission::default(), "", &"cd".repeat(32), "-x:y.xlsx");
        assert!(
            p.starts_with("unknown-year/unknown-division/cdcdcdcdcdcdcdcd--x_y~"),
            "{p}"
        );
    }
}
