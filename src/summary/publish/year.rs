//! One fiscal year's summary as the ledger's metadata describes it (who is in it, which versions
//! each sheet lists), split into books when the year is, and read into the summary's input.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::{PublishError, generated_at, revisions};
use crate::check::validate::normalize_code;
use crate::config::Config;
use crate::domain::model::FiscalYear;
use crate::domain::thai;
use crate::ledger::{Ledger, StateChange, StoredSubmission, StoredVersion, parse_submission, slim};
use crate::summary::history::HistoryRow;
use crate::summary::status::StatusBoard;
use crate::summary::{
    DiagnosticRow, DivisionEntry, MissingDivision, Part, Revision, SubmissionRow, SummaryInput,
    after_close,
};

/// One fiscal year's summary from the ledger's metadata alone: who is in it, which versions
/// each sheet lists, and which division each belongs to. Cheap to build, so a pass can tell
/// which books changed before reading any submission.
pub(super) struct YearPlan<'a> {
    pub(super) fy: FiscalYear,
    /// Every division of the year, registered or with an accepted file: (normalised code,
    /// code as shown), sorted by normalised code.
    pub(super) members: Vec<(String, String)>,
    /// The current (newest accepted) version of each division, with its division.
    current: Vec<(String, &'a StoredVersion)>,
    /// Every version of the year, for the submissions sheet: (division, version, latest of its
    /// path and still present?).
    rows: Vec<(String, &'a StoredVersion, Option<bool>)>,
    /// Registered divisions with nothing accepted.
    missing: Vec<(String, MissingDivision)>,
    /// A digest of the changes of state made by hand (closes, exclusions), which every book
    /// shows in its history.
    pub(super) state_key: String,
    /// Every division's status in the reporting rounds (of this book's divisions, in a book).
    pub(super) status: Option<StatusBoard>,
}

impl<'a> YearPlan<'a> {
    pub(super) fn new(
        fy: FiscalYear,
        config: &Config,
        versions: &'a [StoredVersion],
        latest: &'a [(StoredVersion, bool)],
        current: &'a [StoredVersion],
    ) -> Self {
        let in_year = |v: &StoredVersion| match v.fiscal_year {
            Some(y) => y == fy.be() || !FiscalYear::new(y).is_plausible(),
            None => true,
        };
        // An accepted file belongs to the division it claims (as the current versions do, even
        // if the registry's folders change later); a rejected file in a registered division's
        // folder to that division, whatever code it claims; elsewhere, to the code it claims.
        let division_of = |v: &StoredVersion| -> String {
            if v.status == crate::check::validate::Status::Accepted {
                return v.division_key.clone();
            }
            v.path
                .split('/')
                .next()
                .filter(|_| v.path.contains('/'))
                .and_then(|folder| config.division_by_folder(folder))
                .map_or_else(|| v.division_key.clone(), |d| normalize_code(&d.code))
        };
        let current: Vec<(String, &StoredVersion)> = current
            .iter()
            .filter(|v| v.fiscal_year == Some(fy.be()))
            .map(|v| (v.division_key.clone(), v))
            .collect();
        let submitted: HashSet<&str> = current.iter().map(|(k, _)| k.as_str()).collect();
        let mut members: HashMap<String, String> = config
            .divisions
            .iter()
            .map(|d| (normalize_code(&d.code), d.code.clone()))
            .collect();
        for (key, v) in &current {
            members
                .entry(key.clone())
                .or_insert_with(|| v.division_code.clone());
        }
        let mut members: Vec<(String, String)> = members.into_iter().collect();
        members.sort();
        let missing = config
            .divisions
            .iter()
            .filter(|d| !submitted.contains(normalize_code(&d.code).as_str()))
            .map(|d| {
                (
                    normalize_code(&d.code),
                    MissingDivision {
                        code: d.code.clone(),
                        name: d.name.clone(),
                        folder: d.folder.clone(),
                    },
                )
            })
            .collect();
        let latest_of: HashMap<i64, bool> = latest.iter().map(|(v, p)| (v.id, *p)).collect();
        let rows = versions
            .iter()
            .filter(|v| in_year(v))
            .map(|v| (division_of(v), v, latest_of.get(&v.id).copied()))
            .collect();
        Self {
            fy,
            members,
            current,
            rows,
            missing,
            state_key: String::new(),
            status: None,
        }
    }

    /// The plans of `count` books in one pass: each keeps, in order, the entries of the
    /// divisions `book_of` places in it (numbered from 1). Asking every book's questions of the
    /// whole year instead would cost books × divisions.
    pub(super) fn split(
        &self,
        count: usize,
        book_of: impl Fn(&str) -> Option<usize>,
    ) -> Vec<YearPlan<'a>> {
        let mut books: Vec<YearPlan<'a>> = (0..count)
            .map(|_| YearPlan {
                fy: self.fy,
                members: Vec::new(),
                current: Vec::new(),
                rows: Vec::new(),
                missing: Vec::new(),
                state_key: self.state_key.clone(),
                status: None,
            })
            .collect();
        let slot = |key: &str| {
            book_of(key)
                .and_then(|n| n.checked_sub(1))
                .filter(|i| *i < count)
        };
        for m in &self.members {
            if let Some(i) = slot(&m.0) {
                books[i].members.push(m.clone());
            }
        }
        for c in &self.current {
            if let Some(i) = slot(&c.0) {
                books[i].current.push(c.clone());
            }
        }
        for r in &self.rows {
            if let Some(i) = slot(&r.0) {
                books[i].rows.push(r.clone());
            }
        }
        for m in &self.missing {
            if let Some(i) = slot(&m.0) {
                books[i].missing.push(m.clone());
            }
        }
        if let Some(board) = &self.status {
            for book in &mut books {
                let keys: HashSet<String> = book.members.iter().map(|m| m.0.clone()).collect();
                book.status = Some(board.restricted(&keys));
            }
        }
        books
    }

    /// A digest of everything this (book's) plan shows, from metadata only: versions are never
    /// changed once recorded, so their ids (with which is current, which is latest of its path
    /// and whether that is still present) determine the content. `seeded` has already taken in
    /// the configuration's fingerprint.
    pub(super) fn key(&self, seeded: &Sha256, part: &Part) -> String {
        let mut h = seeded.clone();
        // A new kpiwatch may score or lay out differently: its books are new content.
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(format!("{}|{}|{}", self.fy.be(), part.number, part.count));
        for (key, _) in &self.members {
            h.update(format!("m{key}|"));
        }
        for (_, v) in &self.current {
            h.update(format!("c{}|", v.id));
        }
        for (key, m) in &self.missing {
            h.update(format!("x{key}{}{}|", m.name, m.folder));
        }
        h.update(self.rows_key(|_| true));
        h.update(&self.state_key);
        if let Some(board) = &self.status {
            h.update(board.digest());
        }
        format!("{:x}", h.finalize())
    }

    /// A digest of the submissions and diagnostics rows of the divisions `mine` selects.
    pub(super) fn rows_key(&self, mine: impl Fn(&str) -> bool) -> String {
        let mut h = Sha256::new();
        for (_, v, latest) in self.rows.iter().filter(|(k, _, _)| mine(k)) {
            h.update(format!("r{}{latest:?}{}|", v.id, v.excluded));
        }
        format!("{:x}", h.finalize())
    }

    /// The summary input of this plan (a year's, or one book's): only its submissions are read.
    pub(super) fn input(
        &self,
        ledger: &Ledger,
        config: &Config,
        part: Option<Part>,
    ) -> Result<SummaryInput, PublishError> {
        self.stored_input(ledger, config, part)?.parse()
    }

    /// What [`Self::input`] reads from the ledger, still as stored: the reading is quick and
    /// must stay on the ledger's thread, the parsing is most of the work and can go parallel.
    pub(super) fn stored_input(
        &self,
        ledger: &Ledger,
        config: &Config,
        part: Option<Part>,
    ) -> Result<StoredInput<'a>, PublishError> {
        let mut current = Vec::new();
        for (_, v) in &self.current {
            let Some(stored) = ledger.stored_submission(v.id)? else {
                continue;
            };
            let previous = match ledger.previous_accepted(v)? {
                Some(prev) => ledger
                    .stored_submission(prev.id)?
                    .map(|stored| (prev.id, stored)),
                None => None,
            };
            current.push((*v, stored, previous));
        }
        let notes = Notes::read(
            ledger,
            self.fy,
            config,
            self.rows.iter().map(|(_, v, _)| *v),
        )?;
        Ok(StoredInput {
            fy: self.fy,
            below_level1: config.below_level1(),
            current,
            rows: self
                .rows
                .iter()
                .map(|(_, v, latest)| (*v, *latest))
                .collect(),
            missing: self.missing.iter().map(|(_, m)| m.clone()).collect(),
            part,
            notes,
            status: self.status.clone(),
        })
    }

    /// The submissions and diagnostics rows of files that belong to no division `known`
    /// selects, for the index.
    pub(super) fn unassigned(
        &self,
        known: impl Fn(&str) -> bool,
    ) -> (Vec<SubmissionRow>, Vec<DiagnosticRow>) {
        let rows: Vec<_> = self
            .rows
            .iter()
            .filter(|(k, _, _)| !known(k))
            .map(|(_, v, latest)| (*v, *latest))
            .collect();
        sheet_rows(&rows, &HashMap::new(), &Notes::default())
    }
}

/// A current version as stored, and the previous accepted version's id and stored form (for the
/// revisions).
type StoredCurrent<'a> = (
    &'a StoredVersion,
    StoredSubmission,
    Option<(i64, StoredSubmission)>,
);

/// A summary input as read from the ledger, before its submissions are parsed.
pub(super) struct StoredInput<'a> {
    fy: FiscalYear,
    below_level1: crate::domain::model::BelowLevel1,
    current: Vec<StoredCurrent<'a>>,
    rows: Vec<(&'a StoredVersion, Option<bool>)>,
    missing: Vec<MissingDivision>,
    part: Option<Part>,
    notes: Notes,
    status: Option<StatusBoard>,
}

/// What the changes of state made by hand add to a year's summary: versions set aside and
/// why, what versions received after a round closed change, and the history.
#[derive(Debug, Default)]
pub(super) struct Notes {
    set_aside: HashMap<i64, String>,
    after_close: HashMap<i64, Vec<String>>,
    history: Vec<HistoryRow>,
}

impl Notes {
    fn read<'v>(
        ledger: &Ledger,
        fy: FiscalYear,
        config: &Config,
        rows: impl Iterator<Item = &'v StoredVersion>,
    ) -> Result<Self, PublishError> {
        let changes = ledger.state_changes()?;
        if changes.is_empty() {
            return Ok(Self::default());
        }
        let closes = ledger.closed_rounds(fy.be())?;
        let first_after = closes.iter().map(|c| c.last_version_id).min();
        let mut after_close = HashMap::new();
        for v in rows {
            if v.counts() && first_after.is_some_and(|id| v.id > id) {
                let sub = ledger.submission(v.id)?;
                let notes = after_close::after_close(
                    ledger,
                    &closes,
                    v,
                    sub.as_ref(),
                    config.below_level1(),
                )?;
                after_close.insert(v.id, notes.iter().map(|a| a.describe_th()).collect());
            }
        }
        let mut history = Vec::new();
        for c in changes.iter().filter(|c| c.fiscal_year == Some(fy.be())) {
            history.push(history_row(ledger, c)?);
        }
        Ok(Self {
            set_aside: ledger.exclusion_reasons()?,
            after_close,
            history,
        })
    }
}

/// A change of state as the history sheet shows it.
fn history_row(ledger: &Ledger, c: &StateChange) -> Result<HistoryRow, PublishError> {
    let subject = match (c.round, c.version_id) {
        (Some(round), _) => match &c.snapshot {
            Some(file) => format!("{} ({file})", after_close::round_label_th(round)),
            None => after_close::round_label_th(round),
        },
        (None, Some(id)) => match ledger.version(id)? {
            Some(v) => format!("{} ({})", v.path, v.sha256.get(..12).unwrap_or(&v.sha256)),
            None => id.to_string(),
        },
        (None, None) => String::new(),
    };
    Ok(HistoryRow {
        at: thai::thai_time(&c.at),
        action: c.action.label_th().to_owned(),
        subject,
        who: c.who.clone(),
        reason: c.reason.clone(),
    })
}

impl StoredInput<'_> {
    pub(super) fn parse(self) -> Result<SummaryInput, PublishError> {
        let mut divisions = Vec::with_capacity(self.current.len());
        let mut current_revisions: HashMap<i64, Vec<Revision>> = HashMap::new();
        for (v, stored, previous) in self.current {
            let mut sub = parse_submission(v.id, &stored)?;
            let revs = match previous {
                Some((id, old)) => revisions(&parse_submission(id, &old)?, &sub),
                None => Vec::new(),
            };
            // Rows written by kpiwatch before schema 5 still hold everything.
            slim(&mut sub);
            current_revisions.insert(v.id, revs.clone());
            divisions.push(DivisionEntry {
                submission: sub,
                file: v.path.clone(),
                received_at: thai::thai_time(&v.received_at),
                revisions: revs,
            });
        }
        divisions.sort_by(|a, b| {
            normalize_code(&a.submission.division.code)
                .cmp(&normalize_code(&b.submission.division.code))
        });
        let (submissions, diagnostics) = sheet_rows(&self.rows, &current_revisions, &self.notes);
        Ok(SummaryInput {
            fiscal_year: self.fy,
            below_level1: self.below_level1,
            generated_at: generated_at(),
            divisions,
            submissions,
            missing: self.missing,
            diagnostics,
            part: self.part,
            history: self.notes.history,
            status: self.status,
        })
    }
}

/// The submissions sheet's lines for `rows` (version, and whether it is the latest of its
/// path and still present), and the diagnostics of the latest present ones. A version in
/// `current` is a division's current one, with its revisions.
fn sheet_rows(
    rows: &[(&StoredVersion, Option<bool>)],
    current: &HashMap<i64, Vec<Revision>>,
    notes: &Notes,
) -> (Vec<SubmissionRow>, Vec<DiagnosticRow>) {
    let submissions = rows
        .iter()
        .map(|(v, latest)| {
            let mut row = submission_row(v, *latest, current.get(&v.id));
            if v.excluded {
                row.set_aside = Some(notes.set_aside.get(&v.id).cloned().unwrap_or_default());
            }
            row.after_close = notes.after_close.get(&v.id).cloned().unwrap_or_default();
            row
        })
        .collect();
    let diagnostics = rows
        .iter()
        .filter(|(_, latest)| *latest == Some(true))
        .flat_map(|(v, _)| diagnostic_rows(v))
        .collect();
    (submissions, diagnostics)
}

/// A line of the submissions sheet. `latest`: whether the version is the latest of its path
/// and that path is still present (`None`: an older version of its path).
fn submission_row(
    v: &StoredVersion,
    latest: Option<bool>,
    current: Option<&Vec<Revision>>,
) -> SubmissionRow {
    SubmissionRow {
        file: v.path.clone(),
        division_code: v.division_code.clone(),
        division_name: v.division_name.clone(),
        received_at: thai::thai_time(&v.received_at),
        status: v.status,
        errors: v.errors,
        warnings: v.warnings,
        current: current.is_some(),
        removed: latest == Some(false),
        revisions: current.cloned().unwrap_or_default(),
        sha256: v.sha256.clone(),
        set_aside: None,
        after_close: Vec::new(),
        certified_by: v.certified_by.clone(),
    }
}

fn diagnostic_rows(v: &StoredVersion) -> impl Iterator<Item = DiagnosticRow> + '_ {
    v.diagnostics.iter().map(move |d| DiagnosticRow {
        file: v.path.clone(),
        division_code: v.division_code.clone(),
        severity: d.severity,
        code: d.code.clone(),
        sheet: d.sheet.clone().unwrap_or_default(),
        cell: d.cell.clone().unwrap_or_default(),
        message_th: d.message_th.clone(),
        message_en: d.message_en.clone(),
    })
}
