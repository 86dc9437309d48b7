//! The stored form of a parsed workbook: what the ledger keeps of it ([`slim`]), deflated JSON,
//! and reading it back, including rows written before submissions were deflated.

use crate::domain::model::Submission;
use crate::ledger::LedgerError;

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
            certification,
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
            certification: certification.clone(),
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
pub(super) fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
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

/// Parses what [`Ledger::stored_submission`](crate::ledger::Ledger::stored_submission) returned for version `id`.
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
