//! What the reporting rounds read from the ledger: every version with the quarter it reports
//! and when kpiwatch first received its bytes, so a copy of an old file dropped again late is
//! dated by its first arrival.

use crate::check::validate::Status;
use crate::ledger::{Ledger, LedgerError, VersionContact};

/// A version as the rounds see it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundVersion {
    pub id: i64,
    pub path: String,
    pub division_key: String,
    pub division_code: String,
    pub division_name: String,
    pub fiscal_year: Option<i32>,
    pub status: Status,
    /// The reporting-quarter cell as recorded (1–4).
    pub reporting_quarter: Option<u8>,
    /// "YYYY-MM-DD HH:MM:SS": when the first version with these bytes was received.
    pub first_received_at: String,
}

impl Ledger {
    /// Whom each version names as its contact, for the versions recorded with one (those
    /// recorded before the ledger kept it are absent: their workbook says).
    pub fn version_contacts(
        &self,
    ) -> Result<std::collections::HashMap<i64, VersionContact>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, contact_name, COALESCE(contact_phone, ''), COALESCE(contact_email, '') \
             FROM versions WHERE contact_name IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                VersionContact {
                    name: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every version, oldest first, dated by the first arrival of its bytes.
    pub fn round_versions(&self) -> Result<Vec<RoundVersion>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, v.path, v.division_key, v.division_code, v.division_name, \
             v.fiscal_year, v.status, v.reporting_quarter, \
             (SELECT w.received_at FROM versions w WHERE w.sha256 = v.sha256 ORDER BY w.id LIMIT 1) \
             FROM versions v ORDER BY v.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let status: String = r.get(6)?;
            Ok(RoundVersion {
                id: r.get(0)?,
                path: r.get(1)?,
                division_key: r.get(2)?,
                division_code: r.get(3)?,
                division_name: r.get(4)?,
                fiscal_year: r.get(5)?,
                status: Status::parse(&status).unwrap_or(Status::Rejected),
                reporting_quarter: r.get(7)?,
                first_received_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
