//! Writing to the ledger: a pass's batch of new versions, touched and removed files and
//! receipts written, each batch in one transaction; and the ledger's own notes (meta).

use rusqlite::{Transaction, params};

use crate::ledger::{Batch, Ledger, LedgerError, NewVersion};

impl Ledger {
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

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

pub(super) fn bump(tx: &Transaction<'_>, key: &str) -> Result<(), rusqlite::Error> {
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
         archive_path, reporting_quarter, certified_by, contact_name, contact_phone, \
         contact_email) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19)",
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
        v.certified_by,
        v.contact.name,
        v.contact.phone,
        v.contact.email,
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
