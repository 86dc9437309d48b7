//! The ledger's schema: the migrations that bring a ledger of any earlier kpiwatch up to this
//! one's, and opening a ledger (write-ahead log, busy timeout) so that several processes and a
//! crash at any moment leave it consistent.

use std::path::Path;

use rusqlite::Connection;

use crate::ledger::{Ledger, LedgerError};

/// Each migration moves the schema one version up; `PRAGMA user_version` records where a ledger
/// stands. Never edit a released migration: add the next one.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 7: a file's key keeps its raw name: a byte that is not valid UTF-8 is written \xHH
    // (where a lossy reading once made two files one), so a real backslash is written \\.
    r#"
    UPDATE files SET path = replace(path, '\', '\\') WHERE instr(path, '\') > 0;
    UPDATE versions SET path = replace(path, '\', '\\') WHERE instr(path, '\') > 0;
    "#,
    // 8: the mail outbox. A message is recorded before it is sent and marked sent after, so a
    // crash or a down server neither loses nor doubles it. `kind` says what it is (a receipt,
    // the planning office's digest, a reminder); `version_id` the version a receipt is for.
    // Versions already recorded count as announced: enabling mail later does not mail history.
    r#"
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        version_id      INTEGER REFERENCES versions (id),
        recipients      TEXT NOT NULL,
        subject         TEXT NOT NULL,
        message         BLOB NOT NULL,
        created_at      TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'sent', 'written', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        sent_at         TEXT
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    INSERT INTO meta (key, value)
        SELECT 'mail_announced_upto', COALESCE(MAX(id), 0) FROM versions WHERE true
        ON CONFLICT (key) DO NOTHING;
    INSERT INTO meta (key, value)
        SELECT 'mail_digested_upto', COALESCE(MAX(id), 0) FROM versions WHERE true
        ON CONFLICT (key) DO NOTHING;
    "#,
    // 9: changes of state made by hand (a round closed or reopened, a version set aside or
    // counted again), each with who, when and why; and the flag that takes a set-aside version
    // out of "the current version" (see ledger::queries::COUNTS).
    r#"
    ALTER TABLE versions ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE state_changes (
        id              INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,
        who             TEXT NOT NULL,
        action          TEXT NOT NULL CHECK (action IN ('close', 'reopen', 'exclude', 'include')),
        fiscal_year     INTEGER,
        round           INTEGER,
        version_id      INTEGER REFERENCES versions (id),
        reason          TEXT NOT NULL DEFAULT '',
        snapshot        TEXT,
        last_version_id INTEGER,
        closed_versions TEXT
    );
    CREATE INDEX state_changes_by_year ON state_changes (fiscal_year, round, id);
    "#,
    // 10: reporting rounds date a report by the first version holding its bytes: an index to
    // find that version by content. Who certified each version, for the listings that read no
    // submission (empty for versions recorded before: their stored data is deflated).
    r#"
    CREATE INDEX versions_by_sha256 ON versions (sha256, id);
    ALTER TABLE versions ADD COLUMN certified_by TEXT NOT NULL DEFAULT '';
    "#,
    // 11: a message that must go at most once ever (a reminder for one division, round and
    // step) carries a key; the unique index makes a second queueing of it a no-op, also after
    // a crash or from a second process. Other messages have none (NULLs never collide).
    r#"
    ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
    CREATE UNIQUE INDEX outbox_by_dedup_key ON outbox (dedup_key);
    "#,
    // 12: whom to contact, as each version gives it: the status sheet lists every division's
    // contact, and reading it from each stored workbook cost a second per pass at 10,000
    // divisions. NULL for versions recorded before (their workbook is read instead).
    r#"
    ALTER TABLE versions ADD COLUMN contact_name TEXT;
    ALTER TABLE versions ADD COLUMN contact_phone TEXT;
    ALTER TABLE versions ADD COLUMN contact_email TEXT;
    "#,
];

/// A ledger file at `path` as a build of schema `version` left it: the migrations up to there
/// applied, none after (for the tests that upgrade an older ledger in place).
#[cfg(test)]
pub(super) fn ledger_at(path: &Path, version: usize) -> Connection {
    let c = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        c.execute_batch(sql).unwrap();
    }
    c.pragma_update(None, "user_version", version as i32)
        .unwrap();
    c
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

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
}
