//! Reading and judging the new or changed files of a pass, in parallel: each file is read
//! once, hashed, checked against what the share expects, archived, and handed to the recorder
//! as an `Outcome`.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::check::validate::{
    CheckOptions, Expectation, ExpectedDivision, Verdict, check_bytes_expecting, normalize_code,
};
use crate::config::Config;
use crate::domain::diagnostic::{DiagnosticRecord, Location};
use crate::domain::model::{Quarter, Submission};
use crate::ledger::{FileState, NewVersion, StoredData, VersionContact};
use crate::output::{Staged, stage_copy};
use crate::pass::archive::{self, archive_path};
use crate::pass::open::{OpenError, Opened, open_inbox_file};
use crate::pass::receipt_files::{self, Judgement};
use crate::pass::report::{HANDOFF, now};
use crate::pass::share::{InboxFile, Share};
use crate::workbook::layout::Key;

/// What judging one file came to.
pub(super) enum Outcome {
    /// Same bytes as recorded; only size or mtime moved.
    Touched(String, u64, i64),
    New(Box<Judged>),
    /// Not readable this pass (vanished, locked): retried next pass.
    Retry(String),
    /// Could not be archived, so not recorded: retried next pass, but the pass failed.
    Failed(String),
}

/// A new version as a worker judged it.
pub(super) struct Judged {
    pub version: NewVersion,
    pub places: Places,
    /// The log line's scores.
    pub scores: String,
    /// The parsed workbook as the ledger keeps it (see [`crate::ledger::slim`]), for the
    /// receipt.
    pub submission: Option<Submission>,
    /// The returned workbook, built here from the whole submission as read, with the findings
    /// and status below (the checks between files may add to them).
    pub returned: Prebuilt,
}

/// A returned workbook built by a worker, and what it was built for.
pub(super) struct Prebuilt {
    pub workbook: Option<Vec<u8>>,
    pub findings: usize,
    pub status: crate::check::validate::Status,
}

/// Where the cells that cross-file checks point at are in one workbook.
pub(super) struct Places {
    pub division_code: Location,
    /// Each KPI's code as written, and its cell.
    pub kpis: Vec<(String, Location)>,
}

/// What the workers of one pass share.
pub(super) struct Work<'a> {
    pub candidates: &'a [&'a InboxFile],
    pub known: &'a HashMap<String, FileState>,
    pub young: &'a HashSet<&'a str>,
    pub share: &'a Share,
    pub config: &'a Config,
    pub check: CheckOptions,
    /// Set when the recorder stopped (an error): the rest is not needed.
    pub abort: &'a AtomicBool,
    /// A shutdown request.
    pub stop: Option<&'a AtomicBool>,
}

impl Work<'_> {
    pub fn stopping(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::SeqCst))
    }

    /// Judges every candidate on rayon's pool, sending the outcomes a handful at a time.
    pub fn judge_all(&self, tx: SyncSender<Vec<Outcome>>) {
        self.candidates
            .par_chunks(HANDOFF)
            // Every handful its own job: left to itself, rayon hands each worker long ranges
            // it cannot share, and the last one kept a core busy alone for half a second of a
            // run of 10,000 while the other waited.
            .with_max_len(1)
            .for_each_with(tx, |tx, files| {
                let mut outcomes = Vec::with_capacity(files.len());
                for f in files {
                    if self.abort.load(Ordering::SeqCst) || self.stopping() {
                        break;
                    }
                    outcomes.push(judge_file(
                        f,
                        self.known.get(&f.rel),
                        self.share,
                        self.config,
                        &self.check,
                        self.young.contains(f.rel.as_str()),
                    ));
                }
                // A closed channel means the recorder stopped: the outcomes are not needed.
                let _ = tx.send(outcomes);
            });
    }
}

/// What the share expects of a file in `folder`.
pub fn expectation(config: &Config, folder: Option<&str>) -> Expectation {
    let division = if config.divisions.is_empty() {
        ExpectedDivision::Any
    } else {
        match folder.and_then(|f| config.division_by_folder(f)) {
            Some(d) => ExpectedDivision::Exactly {
                folder: d.folder.clone(),
                code: d.code.clone(),
            },
            None => ExpectedDivision::Registered(
                config.divisions.iter().map(|d| d.code.clone()).collect(),
            ),
        }
    };
    Expectation {
        fiscal_year: config.fiscal_year,
        division,
        require_certification: config.require_certification,
    }
}

fn judge_file(
    file: &InboxFile,
    known: Option<&FileState>,
    share: &Share,
    config: &Config,
    check: &CheckOptions,
    may_still_arrive: bool,
) -> Outcome {
    let ReadOnce {
        bytes,
        staged,
        size,
        mtime_ns,
    } = match read_once(file, share) {
        Ok(read) => read,
        Err(e @ OpenError::NotRegular(_)) => {
            return Outcome::Retry(format!("{}: {e}", file.rel));
        }
        Err(e) => {
            return Outcome::Retry(format!("{}: cannot read ({e}); will retry", file.rel));
        }
    };
    // What was opened is what is judged and recorded, whatever the listing saw.
    let file = &InboxFile {
        size,
        mtime_ns,
        ..file.clone()
    };
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    if let Some(k) = known
        && k.sha256 == sha256
    {
        return Outcome::Touched(file.rel.clone(), file.size, file.mtime_ns);
    }
    let verdict =
        check_bytes_expecting(&bytes, check, &expectation(config, file.folder.as_deref()));
    // A half-copied workbook is a truncated zip: give it time to arrive before calling it damaged.
    if may_still_arrive
        && verdict
            .diagnostics
            .iter()
            .any(|d| d.finding.code() == "not-a-workbook")
    {
        return Outcome::Retry(format!(
            "{}: not readable yet (still being copied?); will look again",
            file.rel
        ));
    }
    let division_key = normalize_code(&verdict.submission.division.code);
    let archive_rel = archive_path(&verdict.submission, &division_key, &sha256, &file.rel);
    let archive_abs = share.archive.join(&archive_rel);
    if let Err(e) = archive::keep(&archive_abs, staged, &bytes) {
        return Outcome::Failed(format!(
            "{}: cannot archive to {} ({e}); not recorded, will retry",
            file.rel,
            archive_abs.display()
        ));
    }
    let places = places(&verdict);
    let scores = score_line(&verdict.division_scores);
    let stored = Stored {
        size: bytes.len() as u64,
        sha256,
        division_key,
        archive_path: archive_rel,
    };
    let version = new_version(file, &verdict, stored);
    // Built here, on the workers, from the whole submission (the ledger keeps a slimmed one).
    let returned = Prebuilt {
        workbook: receipt_files::returned_workbook(
            config,
            &Judgement {
                file: &version.path,
                received_at: &version.received_at,
                status: version.status,
                diagnostics: &version.diagnostics,
                archive_path: &version.archive_path,
            },
            &verdict,
        ),
        findings: version.diagnostics.len(),
        status: version.status,
    };
    with_stored_data(file, version, verdict, (places, scores, returned))
}

/// What one read of an inbox file gives: its bytes, the copy staged in the archive folder (if
/// the folder took it), and the size and modification time of what was opened.
struct ReadOnce {
    bytes: Vec<u8>,
    staged: Option<Staged>,
    size: u64,
    mtime_ns: i64,
}

/// One read: the same bytes are hashed, parsed and archived. They are read from a copy staged
/// in the archive folder, which becomes the archived version if it is new.
fn read_once(file: &InboxFile, share: &Share) -> Result<ReadOnce, OpenError> {
    let rel = file.path.strip_prefix(&share.inbox).unwrap_or(&file.path);
    let Opened {
        file: mut source,
        size,
        mtime_ns,
    } = open_inbox_file(&share.inbox, rel)?;
    match stage_copy(&mut source, &share.archive) {
        Ok((bytes, staged)) => Ok(ReadOnce {
            bytes,
            staged: Some(staged),
            size,
            mtime_ns,
        }),
        // The archive folder refuses the copy: judge the file anyway; archiving it fails the
        // same way and says so.
        Err(e) => {
            tracing::debug!(file = %file.rel, error = %e, "cannot stage a copy in the archive");
            let mut bytes = Vec::new();
            source.rewind()?;
            source.read_to_end(&mut bytes)?;
            Ok(ReadOnce {
                bytes,
                staged: None,
                size,
                mtime_ns,
            })
        }
    }
}

/// The cells of the division code and of each KPI code, for findings made across files.
fn places(verdict: &Verdict) -> Places {
    Places {
        division_code: verdict.sources.division(Key::DivisionCode),
        kpis: verdict
            .submission
            .kpis
            .iter()
            .enumerate()
            .filter(|(_, k)| !k.code.is_empty())
            .map(|(i, k)| (k.code.clone(), verdict.sources.kpi(i, Key::KpiCode)))
            .collect(),
    }
}

/// What is known of a version before its verdict is read: its bytes and where they are kept.
struct Stored {
    size: u64,
    sha256: String,
    division_key: String,
    archive_path: String,
}

/// The version to record for `file` as `verdict` judged it.
fn new_version(file: &InboxFile, verdict: &Verdict, stored: Stored) -> NewVersion {
    let sub = &verdict.submission;
    let mut kpi_codes: Vec<String> = sub.kpis.iter().map(|k| normalize_code(&k.code)).collect();
    kpi_codes.retain(|c| !c.is_empty());
    kpi_codes.sort();
    kpi_codes.dedup();
    NewVersion {
        path: file.rel.clone(),
        size: stored.size,
        mtime_ns: file.mtime_ns,
        sha256: stored.sha256,
        received_at: now().format("%Y-%m-%d %H:%M:%S").to_string(),
        division_key: stored.division_key,
        division_code: sub.division.code.clone(),
        division_name: sub.division.name.clone(),
        fiscal_year: sub.fiscal_year.map(|y| y.be()),
        status: verdict.status,
        diagnostics: verdict
            .diagnostics
            .iter()
            .map(DiagnosticRecord::from)
            .collect(),
        reporting_quarter: sub.reporting_quarter.map(Quarter::number),
        kpi_codes,
        certified_by: sub.certification.describe(),
        contact: VersionContact {
            name: sub.contact.name.clone(),
            phone: sub.contact.phone.clone(),
            email: sub.contact_email.clone(),
        },
        archive_path: stored.archive_path,
        data: None,
    }
}

/// Adds the stored form of a readable workbook to its version; the slimmed submission stays
/// with it for the receipt.
fn with_stored_data(
    file: &InboxFile,
    mut version: NewVersion,
    verdict: Verdict,
    (places, scores, returned): (Places, String, Prebuilt),
) -> Outcome {
    let mut submission = None;
    if verdict.submission != Submission::default() {
        let mut sub = verdict.submission;
        // What the ledger keeps is all the receipt shows; the rest need not wait in memory.
        match StoredData::of_slimmed(&mut sub) {
            Ok(d) => version.data = Some(d),
            Err(e) => {
                return Outcome::Failed(format!("{}: cannot store its data ({e})", file.rel));
            }
        }
        submission = Some(sub);
    }
    Outcome::New(Box::new(Judged {
        version,
        places,
        scores,
        submission,
        returned,
    }))
}

/// "Q1 1.0000 Q2 2.2267 …": a division's scores (already computed by the verdict) for the
/// log line.
fn score_line(division: &[crate::domain::scoring::DivisionScore]) -> String {
    division
        .iter()
        .filter_map(|d| d.score.map(|x| format!("{} {x:.4}", d.quarter)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn registry_decides_what_a_folder_may_claim() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kpiwatch.toml");
        let config = Config::load(&path).unwrap();
        assert!(matches!(
            expectation(&config, Some("inspection-office")).division,
            ExpectedDivision::Exactly { ref code, .. } if code == "สตป."
        ));
        assert!(matches!(
            expectation(&config, None).division,
            ExpectedDivision::Registered(ref c) if c.len() == 2
        ));
        assert!(matches!(
            expectation(&Config::default(), Some("x")).division,
            ExpectedDivision::Any
        ));
    }
}
