//! Reading the ledger: what it knows of each inbox path, the versions the summary and the
//! receipts are made from, and the questions the checks between files ask.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};

use crate::check::validate::Status;
use crate::domain::model::Submission;
use crate::ledger::{
    FileState, Ledger, LedgerError, StoredSubmission, StoredVersion, VersionLists, parse_submission,
};

const VERSION_COLUMNS: &str = "id, path, sha256, received_at, division_key, division_code, \
     division_name, fiscal_year, status, errors, warnings, diagnostics, archive_path, receipt_written, \
     excluded, certified_by";

/// The one rule of which versions count (can be a division's current version): accepted, and
/// not set aside by hand (`kpiwatch exclude`). Every query that picks a current version says it
/// with this, as [`StoredVersion::counts`] says it in Rust.
pub(super) const COUNTS: &str = "status = 'accepted' AND excluded = 0";

impl Ledger {
    /// Every path the ledger knows, with its last recorded state.
    pub fn files(&self) -> Result<HashMap<String, FileState>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime_ns, sha256, version_id, present FROM files")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                FileState {
                    size: r.get::<_, i64>(1)? as u64,
                    mtime_ns: r.get(2)?,
                    sha256: r.get(3)?,
                    version_id: r.get(4)?,
                    present: r.get::<_, i64>(5)? != 0,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The fiscal years of which the ledger holds an accepted version. Checks between files
    /// need not ask the ledger about other years: whatever this pass accepts of them, it knows.
    pub fn accepted_years(&self) -> Result<HashSet<i32>, LedgerError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT DISTINCT fiscal_year FROM versions \
                 WHERE {COUNTS} AND fiscal_year IS NOT NULL"
        ))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(super) fn versions_where(
        &self,
        clause: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<StoredVersion>, LedgerError> {
        let sql = format!("SELECT {VERSION_COLUMNS} FROM versions {clause}");
        // Cached: the summary asks for each division's previous version, 10,000 times a pass.
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args, row_to_version)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    /// Paths in the inbox whose latest version was rejected, in the order they were recorded.
    pub fn rejected_present_paths(&self) -> Result<Vec<String>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT f.path FROM files f JOIN versions v ON v.id = f.version_id \
             WHERE f.present = 1 AND v.status = 'rejected' ORDER BY v.id",
        )?;
        let paths = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(paths)
    }

    /// The version each present or removed path last had, oldest first.
    pub fn latest_per_path(&self) -> Result<Vec<(StoredVersion, bool)>, LedgerError> {
        let versions = self.versions_where(
            "WHERE id IN (SELECT version_id FROM files) ORDER BY id",
            &[],
        )?;
        let present: HashMap<i64, bool> = self
            .files()?
            .into_values()
            .map(|f| (f.version_id, f.present))
            .collect();
        Ok(versions
            .into_iter()
            .map(|v| {
                let p = present.get(&v.id).copied().unwrap_or(false);
                (v, p)
            })
            .collect())
    }

    /// Every version ever recorded, oldest first.
    pub fn all_versions(&self) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where("ORDER BY id", &[])
    }

    /// The current version of each division and fiscal year: its newest one that counts
    /// ([`COUNTS`]).
    pub fn current(&self) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where(
            &format!(
                "WHERE id IN (SELECT MAX(id) FROM versions WHERE {COUNTS} \
                 GROUP BY division_key, fiscal_year) ORDER BY division_key, fiscal_year"
            ),
            &[],
        )
    }

    /// [`Self::all_versions`], [`Self::latest_per_path`] and [`Self::current`] from one read
    /// of the versions: the summary needs all three, and reading 10,000 versions (with their
    /// findings) three times was most of its start, with one core idle.
    pub fn versions_at_once(&self) -> Result<VersionLists, LedgerError> {
        let all = self.all_versions()?;
        let latest_of: HashMap<i64, bool> = self
            .files()?
            .into_values()
            .map(|f| (f.version_id, f.present))
            .collect();
        let latest = all
            .iter()
            .filter_map(|v| latest_of.get(&v.id).map(|&present| (v.clone(), present)))
            .collect();
        // Newest accepted per (division, year), ordered as the query orders them: by division
        // (SQLite compares text bytewise, as `String` does), then year with none first.
        let mut newest: HashMap<(&str, Option<i32>), &StoredVersion> = HashMap::new();
        for v in all.iter().filter(|v| v.counts()) {
            newest.insert((v.division_key.as_str(), v.fiscal_year), v);
        }
        let mut current: Vec<StoredVersion> = newest.into_values().cloned().collect();
        current.sort_by(|a, b| {
            (a.division_key.as_str(), a.fiscal_year).cmp(&(b.division_key.as_str(), b.fiscal_year))
        });
        Ok(VersionLists {
            all,
            latest,
            current,
        })
    }

    /// The version of the same division and year before `id` that counts, if any.
    pub fn previous_accepted(
        &self,
        v: &StoredVersion,
    ) -> Result<Option<StoredVersion>, LedgerError> {
        Ok(self
            .versions_where(
                &format!(
                    "WHERE division_key = ?1 AND fiscal_year IS ?2 AND {COUNTS} AND id < ?3 \
                     ORDER BY id DESC LIMIT 1"
                ),
                &[&v.division_key, &v.fiscal_year, &v.id],
            )?
            .pop())
    }

    /// The parsed workbook of a version, as the ledger keeps it (see [`slim`](crate::ledger::slim)).
    pub fn submission(&self, id: i64) -> Result<Option<Submission>, LedgerError> {
        self.stored_submission(id)?
            .map(|stored| parse_submission(id, &stored))
            .transpose()
    }

    /// A version's parsed workbook as stored, for a caller that parses it elsewhere (in
    /// parallel) with [`parse_submission`].
    pub fn stored_submission(&self, id: i64) -> Result<Option<StoredSubmission>, LedgerError> {
        use rusqlite::types::Value;
        let value: Option<Value> = self
            .conn
            .prepare_cached("SELECT data FROM submissions WHERE version_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(match value {
            Some(Value::Blob(b)) => Some(StoredSubmission::Deflated(b)),
            Some(Value::Text(t)) => Some(StoredSubmission::Json(t)),
            _ => None,
        })
    }

    /// Versions that are the latest of their path and still lack a receipt.
    pub fn receipts_pending(&self) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where(
            "WHERE receipt_written = 0 AND id IN (SELECT version_id FROM files) ORDER BY id",
            &[],
        )
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Divisions other than `division_key` whose current workbook for `fiscal_year` reports the
    /// KPI `code` (normalised), with the file each came from.
    pub fn kpi_holders(
        &self,
        code: &str,
        fiscal_year: i32,
        division_key: &str,
    ) -> Result<Vec<(String, String)>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.division_code, v.path FROM version_kpis k JOIN versions v ON v.id = k.version_id \
             WHERE k.code = ?1 AND v.fiscal_year = ?2 AND v.division_key <> ?3 \
             AND v.status = 'accepted' AND v.excluded = 0 AND NOT EXISTS (SELECT 1 FROM versions w \
                 WHERE w.division_key = v.division_key AND w.fiscal_year = v.fiscal_year \
                 AND w.status = 'accepted' AND w.excluded = 0 AND w.id > v.id)",
        )?;
        let rows = stmt.query_map(params![code, fiscal_year, division_key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Other files in the inbox whose latest version is an accepted workbook of this division
    /// and year, with the quarter each reports up to.
    pub fn division_files(
        &self,
        division_key: &str,
        fiscal_year: i32,
        except_path: &str,
    ) -> Result<Vec<(String, Option<u8>)>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.path, v.reporting_quarter FROM versions v JOIN files f ON f.version_id = v.id \
             WHERE v.division_key = ?1 AND v.fiscal_year = ?2 AND v.status = 'accepted' \
             AND v.excluded = 0 AND f.present = 1 AND v.path <> ?3",
        )?;
        let rows = stmt.query_map(params![division_key, fiscal_year, except_path], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Increments with every recorded change to what the summary shows (not with receipts
    /// marked written); outputs remember the generation they show.
    pub fn generation(&self) -> Result<i64, LedgerError> {
        Ok(self
            .meta("generation")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

type RowResult = Result<StoredVersion, LedgerError>;

fn row_to_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<RowResult> {
    let id: i64 = r.get(0)?;
    let status: String = r.get(8)?;
    let diagnostics: String = r.get(11)?;
    let diagnostics = match serde_json::from_str(&diagnostics) {
        Ok(d) => d,
        Err(source) => return Ok(Err(LedgerError::Data { id, source })),
    };
    Ok(Ok(StoredVersion {
        id,
        path: r.get(1)?,
        sha256: r.get(2)?,
        received_at: r.get(3)?,
        division_key: r.get(4)?,
        division_code: r.get(5)?,
        division_name: r.get(6)?,
        fiscal_year: r.get(7)?,
        status: Status::parse(&status).unwrap_or(Status::Rejected),
        errors: r.get::<_, i64>(9)? as usize,
        warnings: r.get::<_, i64>(10)? as usize,
        diagnostics,
        archive_path: r.get(12)?,
        receipt_written: r.get::<_, i64>(13)? != 0,
        excluded: r.get::<_, i64>(14)? != 0,
        certified_by: r.get(15)?,
    }))
}
