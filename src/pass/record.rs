//! Recording what the workers judged: each outcome is checked against the other files, logged,
//! and gathered into a batch that is committed to the ledger in one transaction once it is
//! full, after the archive copies it refers to are on disk. Each batch's receipts are written
//! right after it is committed, and marked written with the next.

use crate::check::validate::Status;
use crate::config::Config;
use crate::domain::model::Submission;
use crate::ledger::{Batch, Ledger, NewVersion};
use crate::output::{forget_cached, sync_folder};
use crate::pass::cross_check::{Claims, cross_check};
use crate::pass::judge::{Judged, Outcome, Prebuilt};
use crate::pass::receipt_files::{self, Judgement};
use crate::pass::report::{CHUNK, PassError, PassReport, now};
use crate::pass::share::Share;

/// The recorder of one pass: the batch being gathered and what the pass has accepted so far.
pub(super) struct Recorder<'a> {
    share: &'a Share,
    config: &'a Config,
    ledger: &'a mut Ledger,
    claims: Claims,
    batch: Batch,
    /// The parsed workbooks of `batch.versions`, for their receipts.
    submissions: Vec<Option<Submission>>,
    /// The returned workbooks of `batch.versions`.
    returned: Vec<Option<Vec<u8>>>,
}

impl<'a> Recorder<'a> {
    /// A recorder whose first batch also records that the paths in `removed` left the inbox.
    pub fn new(
        share: &'a Share,
        config: &'a Config,
        ledger: &'a mut Ledger,
        removed: Vec<String>,
        claims: Claims,
    ) -> Self {
        Self {
            share,
            config,
            ledger,
            claims,
            batch: new_batch(removed),
            submissions: Vec::new(),
            returned: Vec::new(),
        }
    }

    /// Records every outcome, a batch per [`CHUNK`], until the outcomes end or `stopping`
    /// says so; then commits the rest.
    pub fn record_all(
        mut self,
        outcomes: impl Iterator<Item = Outcome>,
        stopping: impl Fn() -> bool,
        report: &mut PassReport,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<(), PassError> {
        for o in outcomes {
            if let Some(p) = progress {
                p.inc(1);
            }
            self.take(o, report)?;
            if self.batch.versions.len() + self.batch.touched.len() >= CHUNK {
                self.commit_full(report)?;
            }
            if stopping() {
                report.interrupted = true;
                break;
            }
        }
        self.finish(report)
    }

    /// Adds one outcome to the batch (or to the report's retries and failures).
    fn take(&mut self, outcome: Outcome, report: &mut PassReport) -> Result<(), PassError> {
        match outcome {
            Outcome::Touched(rel, size, mtime) => {
                report.read += 1;
                self.batch.touched.push((rel, size, mtime));
            }
            Outcome::New(judged) => {
                let Judged {
                    mut version,
                    places,
                    scores,
                    submission,
                    returned,
                } = *judged;
                report.read += 1;
                cross_check(
                    self.ledger,
                    &mut version,
                    &places,
                    self.config,
                    &mut self.claims,
                )?;
                log_ingested(&version, &scores);
                match version.status {
                    Status::Accepted => report.accepted += 1,
                    Status::Rejected => report.rejected += 1,
                }
                self.returned.push(self.returned_for(&version, returned));
                self.batch.versions.push(version);
                self.submissions.push(submission);
            }
            Outcome::Retry(reason) => {
                tracing::warn!("{reason}");
                report.retries.push(reason);
            }
            Outcome::Failed(reason) => {
                tracing::error!("{reason}");
                report.failures.push(reason);
            }
        }
        Ok(())
    }

    /// The returned workbook the worker built, or one built again from the archive copy when
    /// the checks between files changed the findings it was built with (rare: a KPI code or a
    /// quarter another file claims).
    fn returned_for(&self, version: &NewVersion, prebuilt: Prebuilt) -> Option<Vec<u8>> {
        if prebuilt.findings == version.diagnostics.len() && prebuilt.status == version.status {
            return prebuilt.workbook;
        }
        receipt_files::returned_from_archive(
            self.share,
            self.config,
            &Judgement {
                file: &version.path,
                received_at: &version.received_at,
                status: version.status,
                diagnostics: &version.diagnostics,
                archive_path: &version.archive_path,
            },
        )
    }

    /// Commits a full batch and writes its receipts; the next batch marks them written.
    fn commit_full(&mut self, report: &mut PassReport) -> Result<(), PassError> {
        let full = std::mem::replace(&mut self.batch, new_batch(Vec::new()));
        let ids = commit(self.share, self.ledger, &full)?;
        report.new_versions += ids.len();
        let states =
            receipt_files::states_of_batch(self.ledger, self.config, &ids, &self.submissions)?;
        self.batch.receipts_written = receipt_files::for_batch(
            self.share,
            self.config,
            (&ids, &full),
            (&self.submissions, &self.returned),
            &states,
            &mut report.failures,
        );
        report.receipts += self.batch.receipts_written.len();
        self.submissions.clear();
        self.returned.clear();
        Ok(())
    }

    /// Commits the last batch, writes its receipts and marks them written.
    fn finish(self, report: &mut PassReport) -> Result<(), PassError> {
        let ids = commit(self.share, self.ledger, &self.batch)?;
        report.new_versions += ids.len();
        let states =
            receipt_files::states_of_batch(self.ledger, self.config, &ids, &self.submissions)?;
        let written = receipt_files::for_batch(
            self.share,
            self.config,
            (&ids, &self.batch),
            (&self.submissions, &self.returned),
            &states,
            &mut report.failures,
        );
        if !written.is_empty() {
            receipt_files::flush(self.share)?;
            self.ledger.mark_receipts_written(&written)?;
        }
        report.receipts += written.len();
        Ok(())
    }
}

fn new_batch(removed: Vec<String>) -> Batch {
    Batch {
        removed,
        at: now().format("%Y-%m-%d %H:%M:%S").to_string(),
        ..Batch::default()
    }
}

/// Records a batch. The archive copies it refers to, and the receipts it marks written, are
/// flushed to disk first, so the ledger never claims a file the disk does not have.
fn commit(share: &Share, ledger: &mut Ledger, batch: &Batch) -> Result<Vec<i64>, PassError> {
    let started = std::time::Instant::now();
    for (needed, dir) in [
        (!batch.versions.is_empty(), &share.archive),
        (!batch.receipts_written.is_empty(), &share.receipts),
    ] {
        if needed {
            sync_folder(dir).map_err(|source| PassError::State {
                path: dir.clone(),
                source,
            })?;
        }
    }
    // Flushed, the archive copies can leave the file cache: the next batch's copies reuse
    // their pages instead of taking fresh ones.
    forget_cached(
        &share.archive,
        batch.versions.iter().map(|v| v.archive_path.as_str()),
    );
    let synced = started.elapsed();
    let ids = ledger.record(batch)?;
    tracing::debug!(
        versions = ids.len(),
        sync_ms = synced.as_millis(),
        record_ms = (started.elapsed() - synced).as_millis(),
        "batch committed"
    );
    Ok(ids)
}

fn log_ingested(v: &NewVersion, scores: &str) {
    let errors = v.diagnostics.iter().filter(|d| d.is_error()).count();
    tracing::info!(
        file = %v.path,
        division = %v.division_code,
        status = v.status.as_str(),
        errors,
        warnings = v.diagnostics.len() - errors,
        scores = %if v.status == Status::Accepted { scores } else { "" },
        "ingested"
    );
}
