//! The archive: every version kpiwatch has judged, kept under a name made from its content so
//! that nothing is ever overwritten and a re-sent identical file is stored once.

use std::path::Path;

use crate::domain::model::Submission;
use crate::output::{Staged, Sync, write_atomic_with};

/// Where a version is archived, relative to the archive folder:
/// `<fiscal year>/<division code>/<first 16 hex of SHA-256>-<file name>`. The hash makes the
/// name unique per content, so a re-sent identical file is stored once and nothing is ever
/// overwritten; year and division make the folder browsable.
pub fn archive_path(sub: &Submission, division_key: &str, sha256: &str, rel: &str) -> String {
    let year = sub
        .fiscal_year
        .filter(|y| y.is_plausible())
        .map_or_else(|| "unknown-year".to_owned(), |y| y.to_string());
    let division = if division_key.is_empty() {
        "unknown-division".to_owned()
    } else {
        safe_name(&sub.division.code)
    };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    format!("{year}/{division}/{}-{}", &sha256[..16], safe_name(name))
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

/// A file name safe on Windows shares: no separators, reserved characters or control
/// characters, not empty, not starting with a dot or dash.
fn safe_name(s: &str) -> String {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim_start_matches(['.', '-', ' ']).to_owned();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
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
        assert_eq!(p, "2564/สตป./abababababababab-kpi 2564.xlsx");
        let p = archive_path(&Submission::default(), "", &"cd".repeat(32), "-x:y.xlsx");
        assert_eq!(p, "unknown-year/unknown-division/cdcdcdcdcdcdcdcd-x_y.xlsx");
    }
}
