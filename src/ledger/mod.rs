//! The ledger: an SQLite database on local disk recording every file version kpiwatch has seen,
//! its verdict and parsed data, which version of each division's workbook is current, and which
//! outputs are up to date. Never on the share: SQLite's locking is unsafe over SMB and NFS.
//! The schema and its migrations, the stored form of a workbook, recording a batch and the
//! queries are each a module of their own.

mod actions;
mod outbox;
mod queries;
mod record;
mod rounds;
mod schema;
mod stored;
#[cfg(test)]
mod tests;

use rusqlite::Connection;
use thiserror::Error;

use crate::check::validate::Status;
use crate::domain::diagnostic::DiagnosticRecord;

pub use actions::{Action, NewClose, RoundClose, StateChange};
pub use outbox::{NewMessage, Outgoing};
pub use rounds::RoundVersion;
pub use schema::SCHEMA_VERSION;
pub use stored::{StoredData, StoredSubmission, parse_submission, slim};

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
    /// Who certified it: "name (position) date", or "".
    pub certified_by: String,
    /// Whom to contact about it, as the workbook says.
    pub contact: VersionContact,
}

/// Whom to contact about a version, as its workbook gives it ("" where it gives nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionContact {
    pub name: String,
    pub phone: String,
    pub email: String,
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
    /// Set aside by hand (`kpiwatch exclude`): kept, listed, never current.
    pub excluded: bool,
    /// Who certified it: "name (position) date", or "".
    pub certified_by: String,
}

impl StoredVersion {
    /// Whether this version can be its division's current one: the rule of
    /// [`queries::COUNTS`], in Rust.
    pub fn counts(&self) -> bool {
        self.status == Status::Accepted && !self.excluded
    }
}

/// The three lists of versions the summary is made from ([`Ledger::versions_at_once`]).
#[derive(Debug)]
pub struct VersionLists {
    /// Every version, oldest first.
    pub all: Vec<StoredVersion>,
    /// The version each path last had, oldest first, and whether the path is still present.
    pub latest: Vec<(StoredVersion, bool)>,
    /// The newest version that counts ([`StoredVersion::counts`]) of each division and year.
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
