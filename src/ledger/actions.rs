//! Changes of state an officer makes by hand: closing and reopening a round, setting a version
//! aside and counting it again. Each is a row of `state_changes` (who, when, why, what) written
//! in the same transaction as what it changes, so the ledger never holds one without the other.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::ledger::queries::COUNTS;
use crate::ledger::{Ledger, LedgerError, StoredVersion};

/// What an officer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Close,
    Reopen,
    Exclude,
    Include,
}

impl Action {
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Exclude => "exclude",
            Action::Include => "include",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Close, Self::Reopen, Self::Exclude, Self::Include]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// As the history sheet and the receipts say it.
    pub const fn label_th(self) -> &'static str {
        match self {
            Action::Close => "ปิดรอบ",
            Action::Reopen => "เปิดรอบอีกครั้ง",
            Action::Exclude => "กันฉบับไว้ ไม่นับ",
            Action::Include => "นับฉบับอีกครั้ง",
        }
    }
}

/// One recorded change of state.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub id: i64,
    /// "YYYY-MM-DD HH:MM:SS", local time ([`crate::clock::now`]).
    pub at: String,
    /// The operating-system user who made it.
    pub who: String,
    pub action: Action,
    pub fiscal_year: Option<i32>,
    /// 1–4, for a close or a reopen.
    pub round: Option<u8>,
    /// The version set aside or counted again.
    pub version_id: Option<i64>,
    pub reason: String,
    /// A close's snapshot: its file name in the summary folder's `closed/`.
    pub snapshot: Option<String>,
}

/// A round that is closed now: its latest close, not reopened since.
#[derive(Debug, Clone)]
pub struct RoundClose {
    pub fiscal_year: i32,
    pub round: u8,
    pub at: String,
    pub who: String,
    pub snapshot: String,
    /// The newest version recorded when the round closed: every later one is a revision after
    /// the close.
    pub last_version_id: i64,
    /// The current version of each division (by normalised code) when the round closed: the
    /// snapshot's figures.
    pub closed_versions: HashMap<String, i64>,
}

/// A close to record.
#[derive(Debug, Clone)]
pub struct NewClose {
    pub fiscal_year: i32,
    pub round: u8,
    pub at: String,
    pub who: String,
    pub reason: String,
    pub snapshot: String,
    pub last_version_id: i64,
    pub closed_versions: HashMap<String, i64>,
}

const CHANGE_COLUMNS: &str =
    "id, at, who, action, fiscal_year, round, version_id, reason, snapshot";

impl Ledger {
    /// Every change of state, oldest first.
    pub fn state_changes(&self) -> Result<Vec<StateChange>, LedgerError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CHANGE_COLUMNS} FROM state_changes ORDER BY id"
        ))?;
        let rows = stmt.query_map([], |r| {
            let action: String = r.get(3)?;
            Ok(StateChange {
                id: r.get(0)?,
                at: r.get(1)?,
                who: r.get(2)?,
                action: Action::parse(&action).unwrap_or(Action::Close),
                fiscal_year: r.get(4)?,
                round: r.get(5)?,
                version_id: r.get(6)?,
                reason: r.get(7)?,
                snapshot: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The rounds of `fiscal_year` that are closed now, by round.
    pub fn closed_rounds(&self, fiscal_year: i32) -> Result<Vec<RoundClose>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.round, c.at, c.who, c.snapshot, c.last_version_id, c.closed_versions \
             FROM state_changes c WHERE c.action = 'close' AND c.fiscal_year = ?1 \
             AND c.id = (SELECT MAX(id) FROM state_changes d WHERE d.fiscal_year = c.fiscal_year \
                 AND d.round = c.round AND d.action IN ('close', 'reopen')) ORDER BY c.round",
        )?;
        let rows = stmt.query_map([fiscal_year], |r| {
            let closed: Option<String> = r.get(5)?;
            Ok(RoundClose {
                fiscal_year,
                round: r.get(0)?,
                at: r.get(1)?,
                who: r.get(2)?,
                snapshot: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                last_version_id: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                closed_versions: closed
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether a close names `snapshot` (a file name in `closed/`).
    pub fn snapshot_recorded(&self, snapshot: &str) -> Result<bool, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM state_changes WHERE action = 'close' AND snapshot = ?1",
                [snapshot],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Runs `read` inside one read transaction: everything it reads is the ledger at one moment,
    /// whatever a watcher's pass commits meanwhile (a close's snapshot and the versions it
    /// records as the snapshot's). `read` must not write.
    pub fn read_at_once<T, E: From<LedgerError>>(
        &self,
        read: impl FnOnce(&Ledger) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| E::from(LedgerError::from(e)))?;
        let result = read(self);
        let end = self.conn.execute_batch("COMMIT");
        let value = result?;
        end.map_err(|e| E::from(LedgerError::from(e)))?;
        Ok(value)
    }

    /// The newest version id recorded (0 for an empty ledger).
    pub fn last_version_id(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM versions", [], |r| {
                r.get(0)
            })?)
    }

    /// Records a close. What the summary shows changes (its history, and later versions are
    /// marked as revisions after the close), so the generation moves on.
    pub fn record_close(&mut self, c: &NewClose) -> Result<i64, LedgerError> {
        let closed = serde_json::to_string(&c.closed_versions)
            .map_err(|source| LedgerError::Data { id: 0, source })?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO state_changes (at, who, action, fiscal_year, round, reason, snapshot, \
             last_version_id, closed_versions) VALUES (?1, ?2, 'close', ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                c.at,
                c.who,
                c.fiscal_year,
                c.round,
                c.reason,
                c.snapshot,
                c.last_version_id,
                closed
            ],
        )?;
        let id = tx.last_insert_rowid();
        super::record::bump(&tx, "generation")?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a reopen of `close`. The versions that were revisions after it are not any more:
    /// their receipts are written again.
    pub fn record_reopen(
        &mut self,
        close: &RoundClose,
        at: &str,
        who: &str,
        reason: &str,
    ) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO state_changes (at, who, action, fiscal_year, round, reason) \
             VALUES (?1, ?2, 'reopen', ?3, ?4, ?5)",
            params![at, who, close.fiscal_year, close.round, reason],
        )?;
        tx.execute(
            "UPDATE versions SET receipt_written = 0 WHERE fiscal_year = ?1 AND id > ?2 \
             AND id IN (SELECT version_id FROM files)",
            params![close.fiscal_year, close.last_version_id],
        )?;
        super::record::bump(&tx, "generation")?;
        tx.commit()?;
        Ok(())
    }

    /// Sets `versions` aside (`excluded`) or counts them again, one row each. The receipts of
    /// their divisions' files are written again: which version is current changed.
    pub fn set_excluded(
        &mut self,
        versions: &[StoredVersion],
        excluded: bool,
        at: &str,
        who: &str,
        reason: &str,
    ) -> Result<(), LedgerError> {
        let action = if excluded {
            Action::Exclude
        } else {
            Action::Include
        };
        let tx = self.conn.transaction()?;
        for v in versions {
            tx.execute(
                "UPDATE versions SET excluded = ?2 WHERE id = ?1",
                params![v.id, excluded],
            )?;
            tx.execute(
                "INSERT INTO state_changes (at, who, action, fiscal_year, version_id, reason) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![at, who, action.as_str(), v.fiscal_year, v.id, reason],
            )?;
            rewrite_division_receipts(&tx, v)?;
        }
        super::record::bump(&tx, "generation")?;
        tx.commit()?;
        Ok(())
    }

    /// Versions whose SHA-256 starts with `prefix` (lower-case hexadecimal), oldest first.
    pub fn versions_by_sha_prefix(&self, prefix: &str) -> Result<Vec<StoredVersion>, LedgerError> {
        // A range, not LIKE: LIKE would take '_' and '%' in the prefix as wildcards.
        let end = format!("{prefix}\u{7f}");
        self.versions_where(
            "WHERE sha256 >= ?1 AND sha256 < ?2 ORDER BY id",
            &[&prefix, &end],
        )
    }

    /// The current version of an inbox path (its latest), if the ledger knows the path.
    pub fn version_of_path(&self, path: &str) -> Result<Option<StoredVersion>, LedgerError> {
        Ok(self
            .versions_where(
                "WHERE id = (SELECT version_id FROM files WHERE path = ?1)",
                &[&path],
            )?
            .pop())
    }

    /// The versions archived at `archive_path` (as the ledger records it).
    pub fn versions_archived_at(
        &self,
        archive_path: &str,
    ) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where("WHERE archive_path = ?1 ORDER BY id", &[&archive_path])
    }

    pub fn version(&self, id: i64) -> Result<Option<StoredVersion>, LedgerError> {
        Ok(self.versions_where("WHERE id = ?1", &[&id])?.pop())
    }

    /// Why each version set aside now was set aside: its latest exclusion's reason.
    pub fn exclusion_reasons(&self) -> Result<HashMap<i64, String>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.version_id, c.reason FROM state_changes c JOIN versions v \
             ON v.id = c.version_id WHERE v.excluded = 1 AND c.action = 'exclude' ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The fiscal years the ledger holds versions of, in order.
    pub fn fiscal_years(&self) -> Result<Vec<i32>, LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT fiscal_year FROM versions WHERE fiscal_year IS NOT NULL \
             ORDER BY fiscal_year",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The version of `v`'s division and year that counts now, if any.
    pub fn current_of(&self, v: &StoredVersion) -> Result<Option<StoredVersion>, LedgerError> {
        Ok(self
            .versions_where(
                &format!(
                    "WHERE division_key = ?1 AND fiscal_year IS ?2 AND {COUNTS} \
                     ORDER BY id DESC LIMIT 1"
                ),
                &[&v.division_key, &v.fiscal_year],
            )?
            .pop())
    }
}

/// Marks the receipts of every file of `v`'s division and year (and of `v`'s own file) to be
/// written again.
fn rewrite_division_receipts(tx: &Transaction<'_>, v: &StoredVersion) -> Result<(), LedgerError> {
    tx.execute(
        "UPDATE versions SET receipt_written = 0 WHERE id IN (SELECT version_id FROM files) \
         AND ((division_key = ?1 AND fiscal_year IS ?2) OR path = ?3)",
        params![v.division_key, v.fiscal_year, v.path],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;

    /// A ledger of schema 7 (before changes of state) holding two accepted versions of one
    /// division at one path, the newer current.
    fn schema_7_ledger(path: &std::path::Path) {
        let c = crate::ledger::schema::ledger_at(path, 7);
        c.execute_batch(
            "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
             division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
             archive_path) VALUES \
             ('d/k.xlsx', 1, 1, 'aaaa1111', '2021-01-10 09:00:00', 'k', 'K', 'n', 2564, \
              'accepted', 0, 0, '[]', '2564/K/a'), \
             ('d/k.xlsx', 1, 2, 'bbbb2222', '2021-01-12 09:00:00', 'k', 'K', 'n', 2564, \
              'accepted', 0, 0, '[]', '2564/K/b');
             INSERT INTO files (path, size, mtime_ns, sha256, version_id) VALUES \
             ('d/k.xlsx', 1, 2, 'bbbb2222', 2);",
        )
        .unwrap();
    }

    #[test]
    fn an_existing_ledger_upgrades_in_place_and_exclusion_moves_the_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ledger.sqlite");
        schema_7_ledger(&p);
        let mut l = Ledger::open(&p).unwrap();
        assert_eq!(l.schema_version().unwrap(), crate::ledger::SCHEMA_VERSION);
        let all = l.all_versions().unwrap();
        assert!(all.iter().all(|v| !v.excluded));
        assert_eq!(l.current().unwrap()[0].sha256, "bbbb2222");

        let newest = all[1].clone();
        let before = l.generation().unwrap();
        l.set_excluded(
            std::slice::from_ref(&newest),
            true,
            "2021-01-13 10:00:00",
            "somchai",
            "wrong file",
        )
        .unwrap();
        assert!(l.generation().unwrap() > before);
        // One rule everywhere: the list of current versions, the quick read the summary uses,
        // and "the version that counts before this one".
        assert_eq!(l.current().unwrap()[0].sha256, "aaaa1111");
        assert_eq!(l.versions_at_once().unwrap().current[0].sha256, "aaaa1111");
        assert_eq!(l.current_of(&newest).unwrap().unwrap().sha256, "aaaa1111");
        assert_eq!(
            l.previous_accepted(&newest).unwrap().unwrap().sha256,
            "aaaa1111"
        );
        assert_eq!(l.exclusion_reasons().unwrap()[&newest.id], "wrong file");
        // Its file's receipt is written again.
        assert_eq!(l.receipts_pending().unwrap().len(), 1);

        let changes = l.state_changes().unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].action, Action::Exclude);
        assert_eq!(changes[0].who, "somchai");
        assert_eq!(changes[0].version_id, Some(newest.id));

        let newest = l.version(newest.id).unwrap().unwrap();
        l.set_excluded(
            std::slice::from_ref(&newest),
            false,
            "2021-01-14 10:00:00",
            "somchai",
            "",
        )
        .unwrap();
        assert_eq!(l.current().unwrap()[0].sha256, "bbbb2222");
        assert_eq!(l.versions_by_sha_prefix("bbbb").unwrap().len(), 1);
        assert_eq!(l.versions_by_sha_prefix("b").unwrap()[0].id, newest.id);
    }

    #[test]
    fn a_round_is_closed_until_reopened() {
        let mut l = Ledger::open_in_memory().unwrap();
        let close = NewClose {
            fiscal_year: 2564,
            round: 1,
            at: "2021-01-15 09:30:00".into(),
            who: "somchai".into(),
            reason: String::new(),
            snapshot: "s1.xlsx".into(),
            last_version_id: 0,
            closed_versions: HashMap::from([("k".to_owned(), 7)]),
        };
        l.record_close(&close).unwrap();
        let closed = l.closed_rounds(2564).unwrap();
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].closed_versions["k"], 7);
        assert!(l.snapshot_recorded("s1.xlsx").unwrap());
        assert!(l.closed_rounds(2565).unwrap().is_empty());
        l.record_reopen(&closed[0], "2021-01-16 09:00:00", "somying", "late fix")
            .unwrap();
        assert!(l.closed_rounds(2564).unwrap().is_empty());
        l.record_close(&NewClose {
            snapshot: "s2.xlsx".into(),
            ..close
        })
        .unwrap();
        assert_eq!(l.closed_rounds(2564).unwrap()[0].snapshot, "s2.xlsx");
        assert_eq!(l.state_changes().unwrap().len(), 3);
    }
}
