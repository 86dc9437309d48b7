//! The ledger: an SQLite database on local disk recording every file version kpiwatch has seen,
//! its verdict and parsed data, which version of each division's workbook is current, and which
//! outputs are up to date. Never on the share: SQLite's locking is unsafe over SMB and NFS.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use thiserror::Error;

use crate::check::validate::Status;
use crate::domain::diagnostic::DiagnosticRecord;
use crate::domain::model::Submission;

#[derive(Debug, Error)]
pub enum LedgerError {
    #[error("ledger database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the ledger folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("the ledger was written by a newer kpiwatch (schema {found}, this one knows {known})")]
    TooNew { found: i32, known: i32 },
    #[error("ledger data for version {id} is damaged: {source}")]
    Data { id: i64, source: serde_json::Error },
}

/// Each migration moves the schema one version up; `PRAGMA user_version` records where a ledger
/// stands. Never edit a released migration: add the next one.
const MIGRATIONS: &[&str] = &[
    // 1: files, versions, meta.
    r#"
    CREATE TABLE versions (
        id            INTEGER PRIMARY KEY,
        path          TEXT NOT NULL,
        size          INTEGER NOT NULL,
        mtime_ns      INTEGER NOT NULL,
        sha256        TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        division_key  TEXT NOT NULL,
        division_code TEXT NOT NULL,
        division_name TEXT NOT NULL,
        fiscal_year   INTEGER,
        status        TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
        errors        INTEGER NOT NULL,
        warnings      INTEGER NOT NULL,
        diagnostics   TEXT NOT NULL,
        data          TEXT,
        archive_path  TEXT NOT NULL,
        receipt_written INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX versions_by_division ON versions (division_key, fiscal_year, status, id);
    CREATE INDEX versions_by_path ON versions (path, id);
    CREATE TABLE files (
        path       TEXT PRIMARY KEY,
        size       INTEGER NOT NULL,
        mtime_ns   INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES versions (id),
        present    INTEGER NOT NULL DEFAULT 1,
        removed_at TEXT
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 2: which KPI codes each version reports, and the quarter it reports up to, so that
    // cross-file checks (a KPI claimed by two divisions, two files of one division) need no
    // parsing of stored data. Backfilled from the stored submissions.
    r#"
    ALTER TABLE versions ADD COLUMN reporting_quarter INTEGER;
    UPDATE versions SET reporting_quarter = (
        CASE json_extract(data, '$.reporting_quarter')
            WHEN 'Q1' THEN 1 WHEN 'Q2' THEN 2 WHEN 'Q3' THEN 3 WHEN 'Q4' THEN 4 END)
        WHERE data IS NOT NULL;
    CREATE TABLE version_kpis (
        version_id INTEGER NOT NULL REFERENCES versions (id),
        code       TEXT NOT NULL
    );
    CREATE INDEX version_kpis_by_code ON version_kpis (code);
    INSERT INTO version_kpis (version_id, code)
        SELECT v.id, lower(replace(replace(json_extract(k.value, '$.code'), ' ', ''), char(9), ''))
        FROM versions v, json_each(v.data, '$.kpis') k
        WHERE v.data IS NOT NULL AND json_extract(k.value, '$.code') <> '';
    "#,
    // 3: a column for the detail log apart from the rest of the data (no longer written: the
    // archived workbook holds the log); an index for "is this version current".
    r#"
    ALTER TABLE versions ADD COLUMN log TEXT;
    CREATE INDEX files_by_version ON files (version_id);
    "#,
    // 4: the parsed workbooks in a table of their own. In `versions` each 10 KB of JSON sat
    // between the columns every listing reads and the last ones (archive_path,
    // receipt_written), so each scan of 10,000 versions walked 100 MB of overflow pages.
    r#"
    CREATE TABLE submissions (
        version_id INTEGER PRIMARY KEY REFERENCES versions (id),
        data       TEXT NOT NULL
    );
    INSERT INTO submissions (version_id, data)
        SELECT id, data FROM versions WHERE data IS NOT NULL;
    UPDATE versions SET data = NULL WHERE data IS NOT NULL;
    "#,
    // 5: new submissions are stored slimmed and deflated (a BLOB of 2.3 KB where the JSON was
    // 20 KB), which a build before this one could not read. Older rows stay JSON text and read
    // as before.
    r#"
    SELECT 1;
    "#,
    // 6: blank fields are left out of new submissions' JSON, which a build before this one
    // could not read (it expected every field). Older rows have them and read as before.
    r#"
    SELECT 1;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// What the ledger knows of a path in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: i64,
    pub sha256: String,
    pub version_id: i64,
    pub present: bool,
}

/// A file version to record.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub path: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub sha256: String,
    pub received_at: String,
    /// The normalised division code rows are grouped by ("" when unknown).
    pub division_key: String,
    pub division_code: String,
    pub division_name: String,
    pub fiscal_year: Option<i32>,
    pub status: Status,
    pub diagnostics: Vec<DiagnosticRecord>,
    /// The parsed workbook, serialised (see [`StoredData`]); `None` when nothing was readable.
    pub data: Option<StoredData>,
    pub archive_path: String,
    /// The quarter the workbook says it reports up to (1–4).
    pub reporting_quarter: Option<u8>,
    /// Normalised codes of the KPIs it reports.
    pub kpi_codes: Vec<String>,
}

/// A submission as stored: what [`slim`] keeps, as deflated JSON. Serialised by the caller, so
/// the work happens in parallel and not inside the ledger's transaction.
///
/// The detail log and the long texts stay in the archived workbook, the version of record:
/// nothing kpiwatch shows reads them from the ledger. Whole, a demo workbook's JSON (mostly
/// Thai text, three bytes a character) was 20 KB, 200 MB for a share of 10,000, which the
/// ledger wrote twice (its write-ahead log, then the database). Slimmed and deflated at the
/// fastest level it is 2.3 KB.
#[derive(Debug, Clone)]
pub struct StoredData {
    /// What [`slim`] keeps of the submission, as deflated JSON.
    pub data: Vec<u8>,
}

impl StoredData {
    /// The stored form of `sub`: what [`slim`] keeps of it.
    pub fn of(sub: &Submission) -> Result<Self, serde_json::Error> {
        // Destructured, not cloned whole: the log, most of a submission, is dropped anyway.
        let Submission {
            division,
            fiscal_year,
            reporting_quarter,
            contact,
            contact_email,
            kpis,
            plan,
            log: _,
        } = sub;
        let mut kept = Submission {
            division: division.clone(),
            fiscal_year: *fiscal_year,
            reporting_quarter: *reporting_quarter,
            contact: contact.clone(),
            contact_email: contact_email.clone(),
            kpis: kpis.clone(),
            plan: plan.clone(),
            log: Vec::new(),
        };
        Self::of_slimmed(&mut kept)
    }

    /// [`StoredData::of`] for a submission the caller no longer needs whole: it is slimmed in
    /// place (as [`slim`] does), then stored, without a copy.
    pub fn of_slimmed(sub: &mut Submission) -> Result<Self, serde_json::Error> {
        slim(sub);
        // Serialised whole, then deflated in one call: serde's many small writes straight into
        // the encoder cost more than the compression.
        let json = serde_json::to_vec(sub)?;
        Ok(Self {
            data: deflate(&json).map_err(serde_json::Error::io)?,
        })
    }
}

/// Deflates `bytes` at the fastest level with this thread's compressor: a new one allocates
/// and clears its window each time, which at one call per workbook costs more than it saves.
fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    COMPRESSOR.with_borrow_mut(|c| {
        c.reset();
        let mut out = Vec::with_capacity(bytes.len() / 4 + 64);
        loop {
            let consumed = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
            let rest = bytes.get(consumed..).unwrap_or_default();
            match c.compress_vec(rest, &mut out, FlushCompress::Finish)? {
                Status::StreamEnd => return Ok(out),
                // Out of room: grow and go on.
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(256)),
            }
        }
    })
}

/// Keeps what the summaries and receipts show of a submission, and drops the rest: the detail
/// log and the long texts of each KPI card and plan. The archived workbook, the version of
/// record, has them; the ledger would store them for every version of every division, and the
/// summary would hold them in memory for thousands.
pub fn slim(sub: &mut Submission) {
    sub.log = Vec::new();
    let plan = &mut sub.plan;
    for text in [
        &mut plan.clients,
        &mut plan.stakeholders,
        &mut plan.digital,
        &mut plan.step_reduction,
        &mut plan.expected_results,
    ] {
        *text = String::new();
    }
    for k in &mut sub.kpis {
        for text in [
            &mut k.action_plan,
            &mut k.strategic_issue,
            &mut k.dimension,
            &mut k.goal,
            &mut k.description,
            &mut k.conditions,
            &mut k.data_source,
        ] {
            *text = String::new();
        }
        k.level_descriptions = Default::default();
        k.baselines = Default::default();
        k.owner = Default::default();
        k.supporter = Default::default();
        for q in &mut k.quarters {
            q.details = String::new();
            q.evidence = String::new();
        }
    }
}

/// A stored submission as read from the ledger, not yet parsed: the reading must stay on the
/// ledger's thread, the inflating and parsing can go parallel ([`parse_submission`]).
#[derive(Debug, Clone)]
pub enum StoredSubmission {
    /// Written by kpiwatch before schema 5.
    Json(String),
    Deflated(Vec<u8>),
}

/// A recorded file version.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub id: i64,
    pub path: String,
    pub sha256: String,
    pub received_at: String,
    pub division_key: String,
    pub division_code: String,
    pub division_name: String,
    pub fiscal_year: Option<i32>,
    pub status: Status,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<DiagnosticRecord>,
    pub archive_path: String,
    pub receipt_written: bool,
}

/// The three lists of versions the summary is made from ([`Ledger::versions_at_once`]).
#[derive(Debug)]
pub struct VersionLists {
    /// Every version, oldest first.
    pub all: Vec<StoredVersion>,
    /// The version each path last had, oldest first, and whether the path is still present.
    pub latest: Vec<(StoredVersion, bool)>,
    /// The newest accepted version of each division and year.
    pub current: Vec<StoredVersion>,
}

/// What one pass changes, written in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    pub versions: Vec<NewVersion>,
    /// Files whose bytes are unchanged but whose size or mtime moved (touched, copied back).
    pub touched: Vec<(String, u64, i64)>,
    /// Files no longer in the inbox.
    pub removed: Vec<String>,
    /// Versions whose receipts are now written (and flushed to disk).
    pub receipts_written: Vec<i64>,
    /// When the pass ran, for `removed_at`.
    pub at: String,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
            && self.touched.is_empty()
            && self.removed.is_empty()
            && self.receipts_written.is_empty()
    }
}

pub struct Ledger {
    conn: Connection,
}

const VERSION_COLUMNS: &str = "id, path, sha256, received_at, division_key, division_code, \
     division_name, fiscal_year, status, errors, warnings, diagnostics, archive_path, receipt_written";

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        Self::setup(Connection::open(path)?)
    }

    pub fn open_in_memory() -> Result<Self, LedgerError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self, LedgerError> {
        // WAL keeps readers and the writer apart, and a crash (kill -9, power loss) never
        // leaves a half-written transaction. NORMAL sync may lose the last commits on power
        // loss, never consistency: the files are still in the inbox and the next pass redoes
        // them.
        let patience = std::time::Duration::from_secs(30);
        conn.busy_timeout(patience)?;
        // Turning a new database to WAL needs it alone for a moment, and SQLite answers "busy"
        // at once, without the busy timeout, to a second connection doing the same.
        let started = std::time::Instant::now();
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < patience =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                result => break result?,
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut ledger = Self { conn };
        ledger.migrate()?;
        Ok(ledger)
    }

    fn migrate(&mut self) -> Result<(), LedgerError> {
        let found: i32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(LedgerError::TooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            // IMMEDIATE takes the write lock before the version is re-read, so two processes
            // opening a new ledger at once cannot both run the same migration.
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let now: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now <= i as i32 {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", i as i32 + 1)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i32, LedgerError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

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
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT fiscal_year FROM versions \
             WHERE status = 'accepted' AND fiscal_year IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records one batch in a single transaction and returns the new versions' ids. A crash
    /// before the commit leaves the ledger as it was; the next pass redoes the work.
    pub fn record(&mut self, batch: &Batch) -> Result<Vec<i64>, LedgerError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(batch.versions.len());
        for v in &batch.versions {
            ids.push(insert_version(&tx, v)?);
        }
        for (path, size, mtime) in &batch.touched {
            tx.prepare_cached(
                "UPDATE files SET size = ?2, mtime_ns = ?3, present = 1, removed_at = NULL \
                 WHERE path = ?1",
            )?
            .execute(params![path, *size as i64, mtime])?;
        }
        for path in &batch.removed {
            tx.prepare_cached(
                "UPDATE files SET present = 0, removed_at = ?2 WHERE path = ?1 AND present = 1",
            )?
            .execute(params![path, batch.at])?;
        }
        for id in &batch.receipts_written {
            tx.prepare_cached("UPDATE versions SET receipt_written = 1 WHERE id = ?1")?
                .execute([id])?;
        }
        // What the summary shows changed (receipts are not in it).
        if !(batch.versions.is_empty() && batch.touched.is_empty() && batch.removed.is_empty()) {
            bump(&tx, "generation")?;
        }
        tx.commit()?;
        Ok(ids)
    }

    fn versions_where(
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

    /// The current version of each division and fiscal year: its newest accepted one.
    pub fn current(&self) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where(
            "WHERE id IN (SELECT MAX(id) FROM versions WHERE status = 'accepted' \
             GROUP BY division_key, fiscal_year) ORDER BY division_key, fiscal_year",
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
        for v in all.iter().filter(|v| v.status == Status::Accepted) {
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

    /// The accepted version of the same division and year before `id`, if any.
    pub fn previous_accepted(
        &self,
        v: &StoredVersion,
    ) -> Result<Option<StoredVersion>, LedgerError> {
        Ok(self
            .versions_where(
                "WHERE division_key = ?1 AND fiscal_year IS ?2 AND status = 'accepted' AND id < ?3 \
                 ORDER BY id DESC LIMIT 1",
                &[&v.division_key, &v.fiscal_year, &v.id],
            )?
            .pop())
    }

    /// The parsed workbook of a version, as the ledger keeps it (see [`slim`]).
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

    /// Records that these versions' receipts are written, in one transaction.
    pub fn mark_receipts_written(&mut self, ids: &[i64]) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare("UPDATE versions SET receipt_written = 1 WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
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
             AND v.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM versions w \
                 WHERE w.division_key = v.division_key AND w.fiscal_year = v.fiscal_year \
                 AND w.status = 'accepted' AND w.id > v.id)",
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
             AND f.present = 1 AND v.path <> ?3",
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

fn bump(tx: &Transaction<'_>, key: &str) -> Result<(), rusqlite::Error> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, '1') \
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
    )?
    .execute([key])?;
    Ok(())
}

fn insert_version(tx: &Transaction<'_>, v: &NewVersion) -> Result<i64, LedgerError> {
    let errors = v.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = v.diagnostics.len() - errors;
    let diagnostics = serde_json::to_string(&v.diagnostics)
        .map_err(|source| LedgerError::Data { id: 0, source })?;
    let data = v.data.as_ref().map(|d| d.data.as_slice());
    tx.prepare_cached(
        "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
         division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
         archive_path, reporting_quarter) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        v.path,
        v.size as i64,
        v.mtime_ns,
        v.sha256,
        v.received_at,
        v.division_key,
        v.division_code,
        v.division_name,
        v.fiscal_year,
        v.status.as_str(),
        errors as i64,
        warnings as i64,
        diagnostics,
        v.archive_path,
        v.reporting_quarter,
    ])?;
    let id = tx.last_insert_rowid();
    if let Some(data) = data {
        tx.prepare_cached("INSERT INTO submissions (version_id, data) VALUES (?1, ?2)")?
            .execute(params![id, data])?;
    }
    for code in &v.kpi_codes {
        tx.prepare_cached("INSERT INTO version_kpis (version_id, code) VALUES (?1, ?2)")?
            .execute(params![id, code])?;
    }
    tx.prepare_cached(
        "INSERT INTO files (path, size, mtime_ns, sha256, version_id, present, removed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 1, NULL) \
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, \
         sha256 = excluded.sha256, version_id = excluded.version_id, present = 1, \
         removed_at = NULL",
    )?
    .execute(params![v.path, v.size as i64, v.mtime_ns, v.sha256, id])?;
    Ok(id)
}

/// Parses what [`Ledger::stored_submission`] returned for version `id`.
pub fn parse_submission(id: i64, stored: &StoredSubmission) -> Result<Submission, LedgerError> {
    let data = |source| LedgerError::Data { id, source };
    match stored {
        StoredSubmission::Json(json) => serde_json::from_str(json).map_err(data),
        StoredSubmission::Deflated(bytes) => {
            use std::io::Read;
            let mut json = Vec::with_capacity(bytes.len() * 6);
            flate2::read::DeflateDecoder::new(bytes.as_slice())
                .read_to_end(&mut json)
                .map_err(|e| data(serde_json::Error::io(e)))?;
            serde_json::from_slice(&json).map_err(data)
        }
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
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(path: &str, sha: &str, key: &str, status: Status) -> NewVersion {
        NewVersion {
            path: path.into(),
            size: 10,
            mtime_ns: 1,
            sha256: sha.into(),
            received_at: "2026-11-25 09:00".into(),
            division_key: key.into(),
            division_code: key.into(),
            division_name: "x".into(),
            fiscal_year: Some(2564),
            status,
            diagnostics: vec![],
            data: Some(StoredData::of(&Submission::default()).unwrap()),
            archive_path: format!("archive/{sha}"),
            reporting_quarter: Some(4),
            kpi_codes: vec![format!("{key}-1")],
        }
    }

    #[test]
    fn newest_accepted_version_is_current_and_older_ones_stay() {
        let mut l = Ledger::open_in_memory().unwrap();
        assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
        let b = Batch {
            versions: vec![
                version("a/k.xlsx", "1", "ก", Status::Accepted),
                version("b/k.xlsx", "2", "ข", Status::Accepted),
            ],
            ..Batch::default()
        };
        l.record(&b).unwrap();
        let b = Batch {
            versions: vec![
                version("a/k.xlsx", "3", "ก", Status::Accepted),
                version("b/k.xlsx", "4", "ข", Status::Rejected),
            ],
            ..Batch::default()
        };
        l.record(&b).unwrap();
        let current: Vec<_> = l.current().unwrap().into_iter().map(|v| v.sha256).collect();
        assert_eq!(
            current,
            ["3", "2"],
            "a rejected version never replaces an accepted one"
        );
        assert_eq!(l.all_versions().unwrap().len(), 4);
        let newest = &l.current().unwrap()[0];
        assert_eq!(l.previous_accepted(newest).unwrap().unwrap().sha256, "1");
        assert_eq!(l.generation().unwrap(), 2);
        assert_eq!(l.files().unwrap()["b/k.xlsx"].sha256, "4");
        assert_eq!(l.integrity_check().unwrap(), "ok");
        assert_eq!(
            l.kpi_holders("ก-1", 2564, "ข").unwrap(),
            [("ก".to_owned(), "a/k.xlsx".to_owned())]
        );
        assert!(l.kpi_holders("ก-1", 2564, "ก").unwrap().is_empty());
        assert_eq!(
            l.division_files("ก", 2564, "x").unwrap(),
            [("a/k.xlsx".to_owned(), Some(4))]
        );
    }

    #[test]
    fn the_version_lists_read_at_once_are_those_the_three_queries_give() {
        let mut l = Ledger::open_in_memory().unwrap();
        let with_year = |mut v: NewVersion, fy: Option<i32>| {
            v.fiscal_year = fy;
            v
        };
        let batches = [
            vec![
                version("ข/k.xlsx", "1", "ข", Status::Accepted),
                version("a/k.xlsx", "2", "a", Status::Accepted),
                with_year(
                    version("a/k-2565.xlsx", "3", "a", Status::Accepted),
                    Some(2565),
                ),
                with_year(version("x.xlsx", "4", "", Status::Rejected), None),
            ],
            vec![
                version("ข/k.xlsx", "5", "ข", Status::Rejected),
                version("a/k.xlsx", "6", "a", Status::Accepted),
                with_year(version("a/old.xlsx", "7", "a", Status::Accepted), None),
                version("ก/k.xlsx", "8", "ก", Status::Accepted),
                version("B/k.xlsx", "9", "B", Status::Accepted),
            ],
        ];
        for versions in batches {
            l.record(&Batch {
                versions,
                ..Batch::default()
            })
            .unwrap();
        }
        l.record(&Batch {
            removed: vec!["a/old.xlsx".into()],
            at: "now".into(),
            ..Batch::default()
        })
        .unwrap();
        let ids = |vs: &[StoredVersion]| vs.iter().map(|v| v.id).collect::<Vec<_>>();
        let lists = l.versions_at_once().unwrap();
        assert_eq!(ids(&lists.all), ids(&l.all_versions().unwrap()));
        assert_eq!(ids(&lists.current), ids(&l.current().unwrap()));
        let flags =
            |vs: &[(StoredVersion, bool)]| vs.iter().map(|(v, p)| (v.id, *p)).collect::<Vec<_>>();
        assert_eq!(flags(&lists.latest), flags(&l.latest_per_path().unwrap()));
        // The cases the comparison is for: a division with two years, a year left blank, a
        // rejected newest version, a removed file, and codes that sort differently as bytes.
        assert_eq!(lists.current.len(), 6);
        assert!(lists.latest.iter().any(|(_, present)| !present));
    }

    #[test]
    fn removal_keeps_the_version() {
        let mut l = Ledger::open_in_memory().unwrap();
        l.record(&Batch {
            versions: vec![version("a.xlsx", "1", "ก", Status::Accepted)],
            ..Batch::default()
        })
        .unwrap();
        l.record(&Batch {
            removed: vec!["a.xlsx".into()],
            at: "now".into(),
            ..Batch::default()
        })
        .unwrap();
        assert!(!l.files().unwrap()["a.xlsx"].present);
        assert_eq!(l.current().unwrap().len(), 1);
        let latest = l.latest_per_path().unwrap();
        assert!(!latest[0].1);
    }

    #[test]
    fn migration_2_backfills_kpi_codes_from_stored_data() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ledger.sqlite");
        {
            // A ledger as the first release left it.
            let c = Connection::open(&p).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            let data = serde_json::to_string(&crate::domain::samples::ministers_office()).unwrap();
            c.execute(
                "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
                 division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
                 data, archive_path) VALUES ('a', 1, 1, 'x', 'now', 'สร.', 'สร.', 'n', 2564, \
                 'accepted', 0, 0, '[]', ?1, 'a')",
                [data],
            )
            .unwrap();
        }
        let l = Ledger::open(&p).unwrap();
        assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(
            l.kpi_holders("สร.1", 2564, "other").unwrap(),
            [("สร.".to_owned(), "a".to_owned())]
        );
        let rq: Option<i64> = l
            .conn
            .query_row("SELECT reporting_quarter FROM versions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rq, Some(4));
        // Migration 4 moved the data out of `versions`.
        let sub = l.submission(1).unwrap().unwrap();
        assert_eq!(sub.division.code, "สร.");
        let left: Option<String> = l
            .conn
            .query_row("SELECT data FROM versions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, None);
    }

    /// A ledger holding one accepted version of the inspection office's example workbook.
    fn ledger_with_sample() -> (Ledger, Submission, i64) {
        let mut l = Ledger::open_in_memory().unwrap();
        let sub = crate::domain::samples::inspection_office();
        let mut v = version("a.xlsx", "1", "สตป.", Status::Accepted);
        v.data = Some(StoredData::of(&sub).unwrap());
        let id = l
            .record(&Batch {
                versions: vec![v],
                ..Batch::default()
            })
            .unwrap()[0];
        (l, sub, id)
    }

    #[test]
    fn the_ledger_keeps_what_summaries_and_receipts_show() {
        let (l, sub, id) = ledger_with_sample();
        let stored = l.submission(id).unwrap().unwrap();
        let mut expected = sub.clone();
        slim(&mut expected);
        assert_eq!(stored, expected);
        assert!(!sub.log.is_empty() && stored.log.is_empty());
        assert!(!sub.kpis[0].description.is_empty() && stored.kpis[0].description.is_empty());
        // Everything a score, a summary row or a receipt line is made of is kept.
        assert_eq!(stored.division, sub.division);
        for (kept, full) in stored.kpis.iter().zip(&sub.kpis) {
            assert_eq!(
                (
                    &kept.code,
                    &kept.name,
                    kept.weight,
                    kept.thresholds,
                    &kept.quarters.len()
                ),
                (
                    &full.code,
                    &full.name,
                    full.weight,
                    full.thresholds,
                    &full.quarters.len()
                )
            );
            for q in crate::domain::model::Quarter::ALL {
                assert_eq!(kept.report(q).result, full.report(q).result);
            }
        }
        assert_eq!(stored.plan.activities, sub.plan.activities);
        let log: Option<String> = l
            .conn
            .query_row("SELECT log FROM versions WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_eq!(log, None);
    }

    #[test]
    fn submissions_are_stored_deflated_and_older_json_still_reads() {
        let (l, sub, id) = ledger_with_sample();
        let (kind, size): (String, i64) = l
            .conn
            .query_row(
                "SELECT typeof(data), length(data) FROM submissions WHERE version_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let mut kept = sub.clone();
        slim(&mut kept);
        let json = serde_json::to_string(&kept).unwrap();
        assert_eq!(kind, "blob");
        assert!(size * 2 < json.len() as i64, "{size} of {}", json.len());
        assert_eq!(l.submission(id).unwrap().unwrap(), kept);

        // A row an older kpiwatch wrote as JSON text.
        l.conn
            .execute(
                "UPDATE submissions SET data = ?1 WHERE version_id = ?2",
                params![json, id],
            )
            .unwrap();
        assert!(matches!(
            l.stored_submission(id).unwrap(),
            Some(StoredSubmission::Json(_))
        ));
        assert_eq!(l.submission(id).unwrap().unwrap(), kept);

        // Damaged stored data is an error naming the version, not a panic.
        l.conn
            .execute(
                "UPDATE submissions SET data = x'00ff00' WHERE version_id = ?1",
                [id],
            )
            .unwrap();
        assert!(matches!(
            l.submission(id),
            Err(LedgerError::Data { id: bad, .. }) if bad == id
        ));
    }

    #[test]
    fn blank_fields_are_left_out_of_stored_json_and_older_rows_with_them_still_read() {
        let mut sub = crate::domain::samples::inspection_office();
        slim(&mut sub);
        let json = serde_json::to_string(&sub).unwrap();
        for left_out in ["\"action_plan\"", "\"evidence\"", "\"owner\"", "\"log\""] {
            assert!(!json.contains(left_out), "{left_out} in {json}");
        }
        assert_eq!(serde_json::from_str::<Submission>(&json).unwrap(), sub);

        // As kpiwatch wrote a row before blank fields were left out: every field present.
        let older = r#"{"division":{"code":"สก.05003","name":"กองเศรษฐกิจการคลัง ภาค 4"},"fiscal_year":2567,"reporting_quarter":"Q3","contact":{"name":"นางวรรณา","phone":"0 2126 5800"},"contact_email":"kpi@example.go.th","kpis":[{"code":"สก.05003 01","name":"ระดับความสำเร็จ","action_plan":"","strategic_issue":"","dimension":"","goal":"","weight":20.0,"description":"","kind":"milestone","direction":"higher_is_better","thresholds":[1.0,2.0,3.0,4.0,5.0],"level_descriptions":["","","","",""],"conditions":"","unit":"ระดับ","target":"5","baselines":["","",""],"data_source":"","owner":{"name":"","phone":""},"supporter":{"name":"","phone":""},"quarters":[{"result":1.0,"result_text":"1","details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""}]}],"plan":{"process":"","clients":"","stakeholders":"","indicator":"","tier_quality":"","tier_standard":"","tier_improve":"","digital":"","step_reduction":"","activities":[],"expected_results":""},"log":[]}"#;
        let read: Submission = serde_json::from_str(older).unwrap();
        assert_eq!(read.kpis[0].quarters[0].result_text.as_deref(), Some("1"));
        assert_eq!(read.kpis[0].weight, 20.0);
        // Written again, it is the shorter form, and reads back the same.
        let again = serde_json::to_string(&read).unwrap();
        assert!(again.len() * 3 < older.len() * 2, "{again}");
        assert_eq!(serde_json::from_str::<Submission>(&again).unwrap(), read);
    }

    #[test]
    fn the_reused_compressor_starts_afresh_and_grows_its_output() {
        use std::io::Read;
        let inflate = |bytes: &[u8]| {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(bytes)
                .read_to_end(&mut out)
                .unwrap();
            out
        };
        // Barely compressible, so the output outgrows its first allocation several times.
        let mut x = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x.to_le_bytes()[0]
            })
            .collect();
        let text = "ผลการดำเนินงาน ".repeat(2_000).into_bytes();
        for input in [&noise, &text, &noise, &Vec::new()] {
            assert_eq!(inflate(&deflate(input).unwrap()), *input);
        }
    }

    #[test]
    fn stored_data_of_a_whole_submission_equals_that_of_a_slimmed_one() {
        let sub = crate::domain::samples::inspection_office();
        let mut slimmed = sub.clone();
        let a = StoredData::of(&sub).unwrap();
        let b = StoredData::of_slimmed(&mut slimmed).unwrap();
        assert_eq!(a.data, b.data);
        assert!(slimmed.log.is_empty() && !sub.log.is_empty());
    }

    #[test]
    fn concurrent_opens_of_a_new_ledger_migrate_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ledger.sqlite");
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || Ledger::open(&p).map(|_| ()))
            })
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
        assert_eq!(
            Ledger::open(&p).unwrap().schema_version().unwrap(),
            SCHEMA_VERSION
        );
    }

    #[test]
    fn reopening_migrates_once_and_refuses_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state/ledger.sqlite");
        Ledger::open(&p).unwrap();
        Ledger::open(&p).unwrap();
        let c = Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(c);
        assert!(matches!(Ledger::open(&p), Err(LedgerError::TooNew { .. })));
    }
}
