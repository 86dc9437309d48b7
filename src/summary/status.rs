//! Where every division stands in each reporting round of a fiscal year, from the ledger alone
//! (never re-reading a workbook): what the status sheet prints and `kpiwatch status` reports.
//! A version counts for the round it reports, dated by the first arrival of its bytes.

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::check::validate::{Status, normalize_code};
use crate::config::Config;
use crate::domain::model::{FiscalYear, Submission};
use crate::domain::rounds::{Deadline, ROUNDS, RoundStatus};
use crate::domain::thai;
use crate::ledger::{Ledger, LedgerError, RoundVersion, VersionContact, parse_submission};

/// One round of the year as configured.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundColumn {
    pub round: u8,
    pub deadline: Option<Deadline>,
    pub required: bool,
}

/// One division in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusCell {
    pub status: RoundStatus,
    /// When the report that decides the status was first received ("YYYY-MM-DD HH:MM:SS").
    pub received_at: Option<String>,
    /// Its file, relative to the inbox.
    pub file: Option<String>,
}

/// One division's row: who to contact and its four rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub code: String,
    pub name: String,
    /// In the configuration's registry.
    pub registered: bool,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    /// Rounds 1–4 in order.
    pub cells: Vec<StatusCell>,
}

/// Every division × every round of one fiscal year, as of `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBoard {
    pub fiscal_year: i32,
    pub today: NaiveDate,
    pub rounds: Vec<RoundColumn>,
    /// The latest round whose due date has passed, else round 1.
    pub current_round: u8,
    /// Sorted by division code.
    pub rows: Vec<StatusRow>,
}

impl StatusBoard {
    /// How many divisions stand at each status in `round`, in [`RoundStatus::KINDS`] order.
    pub fn counts(&self, round: u8) -> Vec<(RoundStatus, usize)> {
        let i = usize::from(round.clamp(1, 4)) - 1;
        RoundStatus::KINDS
            .iter()
            .map(|k| {
                let n = self
                    .rows
                    .iter()
                    .filter(|r| r.cells[i].status.key() == k.key())
                    .count();
                (*k, n)
            })
            .collect()
    }

    /// The rows of the divisions whose normalised codes `keep` holds (a book of a split year).
    pub fn restricted(&self, keep: &HashSet<String>) -> StatusBoard {
        StatusBoard {
            rows: self
                .rows
                .iter()
                .filter(|r| keep.contains(&normalize_code(&r.code)))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// A digest of everything shown: the summary is rewritten when it changes, also when only
    /// the calendar moved (a round fell due).
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(format!("{}|{}|", self.fiscal_year, self.current_round));
        for r in &self.rows {
            h.update(format!(
                "{}|{}|{}|{}|{}|",
                r.code, r.name, r.contact_name, r.phone, r.email
            ));
            for c in &r.cells {
                h.update(format!("{:?}|{:?}|{:?}|", c.status, c.received_at, c.file));
            }
        }
        format!("{:x}", h.finalize())
    }
}

/// The board of fiscal year `fy` (BE) as of `today`, from `versions` ([`Ledger::round_versions`]).
/// `with_contacts`: read each division's latest workbook for its contact (else the registry's
/// alone).
pub fn board(
    ledger: &Ledger,
    config: &Config,
    fy: i32,
    today: NaiveDate,
    versions: &[RoundVersion],
    with_contacts: bool,
) -> Result<StatusBoard, LedgerError> {
    let rounds: Vec<RoundColumn> = ROUNDS
        .iter()
        .map(|&round| {
            let setting = config.round(fy, round);
            RoundColumn {
                round,
                deadline: setting.and_then(|s| s.deadline()),
                required: setting.is_none_or(|s| s.required),
            }
        })
        .collect();
    let current_round = rounds
        .iter()
        .filter(|r| r.deadline.is_some_and(|d| d.has_passed(today)))
        .map(|r| r.round)
        .max()
        .unwrap_or(1);
    // (division key, round) -> versions reporting it, oldest first.
    let mut sent: BTreeMap<(String, u8), Vec<RoundVersion>> = BTreeMap::new();
    // Division key -> (code, name) as its newest version has them, and its newest accepted id.
    let mut seen: BTreeMap<String, (String, String, Option<i64>)> = BTreeMap::new();
    for v in versions {
        if !in_year(v, config, fy) {
            continue;
        }
        let key = division_of(v, config);
        if key.is_empty() {
            continue;
        }
        let Some(round) = round_of(ledger, v, &rounds)? else {
            continue;
        };
        let entry = seen.entry(key.clone()).or_default();
        entry.0 = v.division_code.clone();
        entry.1 = v.division_name.clone();
        if v.status == Status::Accepted {
            entry.2 = Some(v.id);
        }
        // Figures are cumulative: an accepted report of round 3 also brings rounds 1 and 2's
        // figures, so a division that skipped them is late for them, not missing. A rejected
        // file is a problem of the round it reports only.
        let first = if v.status == Status::Accepted {
            1
        } else {
            round
        };
        for r in first..=round {
            sent.entry((key.clone(), r)).or_default().push(v.clone());
        }
    }
    let mut keys: BTreeMap<String, ()> = config
        .divisions
        .iter()
        .map(|d| (normalize_code(&d.code), ()))
        .collect();
    keys.extend(seen.keys().map(|k| (k.clone(), ())));
    let mut rows = Vec::with_capacity(keys.len());
    // One query for every division's contact, not a stored workbook read per division.
    let stored_contacts = if with_contacts {
        ledger.version_contacts()?
    } else {
        Default::default()
    };
    for key in keys.into_keys() {
        let registered = config.division_by_code(&key);
        let (code, name, latest) = seen.get(&key).cloned().unwrap_or_default();
        let contact = match latest {
            Some(id) if with_contacts => match stored_contacts.get(&id) {
                Some(c) => Some(c.clone()),
                None => latest_contact(ledger, id)?,
            },
            _ => None,
        };
        let cells = rounds
            .iter()
            .map(|col| {
                let versions = sent
                    .get(&(key.clone(), col.round))
                    .map_or(&[][..], Vec::as_slice);
                let excused = config.round(fy, col.round).is_some_and(|s| s.excuses(&key));
                cell(versions, col, excused, fy, today)
            })
            .collect();
        let (contact_name, phone, email) = contacts(contact.as_ref(), registered);
        rows.push(StatusRow {
            code: registered.map_or(code, |d| d.code.clone()),
            name: registered.map_or(name, |d| d.name.clone()),
            registered: registered.is_some(),
            contact_name,
            phone,
            email,
            cells,
        });
    }
    Ok(StatusBoard {
        fiscal_year: fy,
        today,
        rounds,
        current_round,
        rows,
    })
}

/// Whom to contact: the latest workbook's contact name and phone, else the registry's; the
/// registry's e-mail, else the workbook's (mail goes where the registry says: a workbook cannot
/// redirect it).
fn contacts(
    book: Option<&VersionContact>,
    registered: Option<&crate::config::ExpectedDivision>,
) -> (String, String, String) {
    let first = |a: Option<&str>, b: Option<&str>| {
        a.filter(|s| !s.trim().is_empty())
            .or(b.filter(|s| !s.trim().is_empty()))
            .unwrap_or_default()
            .to_owned()
    };
    (
        first(
            book.map(|b| b.name.as_str()),
            registered.and_then(|d| d.contact_name.as_deref()),
        ),
        first(
            book.map(|b| b.phone.as_str()),
            registered.and_then(|d| d.phone.as_deref()),
        ),
        first(
            registered.and_then(|d| d.email.as_deref()),
            book.map(|b| b.email.as_str()),
        ),
    )
}

/// Whether a version belongs to year `fy`: its own year, or, when it has none (a rejected file),
/// the configured one.
fn in_year(v: &RoundVersion, config: &Config, fy: i32) -> bool {
    match v.fiscal_year {
        Some(y) if FiscalYear::new(y).is_plausible() => y == fy,
        _ => v.status == Status::Rejected && config.fiscal_year == Some(fy),
    }
}

/// The division a version counts for, as the summary assigns it: an accepted file to the
/// division it claims, a rejected one in a registered division's folder to that division.
fn division_of(v: &RoundVersion, config: &Config) -> String {
    if v.status == Status::Rejected
        && let Some((folder, _)) = v.path.split_once('/')
        && let Some(d) = config.division_by_folder(folder)
    {
        return normalize_code(&d.code);
    }
    v.division_key.clone()
}

/// The round a version reports: its reporting-quarter cell, else the last quarter with a
/// result, else (a rejected file that says nothing) the first round due on or after its arrival.
fn round_of(
    ledger: &Ledger,
    v: &RoundVersion,
    rounds: &[RoundColumn],
) -> Result<Option<u8>, LedgerError> {
    if let Some(q) = v.reporting_quarter.filter(|q| (1..=4).contains(q)) {
        return Ok(Some(q));
    }
    if let Some(stored) = ledger.stored_submission(v.id)?
        && let Ok(sub) = parse_submission(v.id, &stored)
        && let Some(q) = last_reported_quarter(&sub)
    {
        return Ok(Some(q));
    }
    let received = received_date(&v.first_received_at);
    Ok(rounds
        .iter()
        .find(|r| {
            r.deadline
                .zip(received)
                .is_some_and(|(d, at)| at <= d.due + chrono::Days::new(u64::from(d.grace_days)))
        })
        .map(|r| r.round))
}

fn last_reported_quarter(sub: &Submission) -> Option<u8> {
    (1..=4u8).rev().find(|&q| {
        sub.kpis
            .iter()
            .any(|k| k.quarters[usize::from(q) - 1].result.is_some())
    })
}

/// The contact a version recorded before the ledger kept contacts names: read from its workbook.
fn latest_contact(ledger: &Ledger, id: i64) -> Result<Option<VersionContact>, LedgerError> {
    Ok(match ledger.stored_submission(id)? {
        Some(stored) => parse_submission(id, &stored).ok().map(|b| VersionContact {
            name: b.contact.name,
            phone: b.contact.phone,
            email: b.contact_email,
        }),
        None => None,
    })
}

fn received_date(stamp: &str) -> Option<NaiveDate> {
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.date())
}

/// One division's status in one round from the versions that report it.
fn cell(
    versions: &[RoundVersion],
    col: &RoundColumn,
    excused: bool,
    fy: i32,
    today: NaiveDate,
) -> StatusCell {
    // The first accepted report decides: a rejected file fixed later is dated by the fix.
    if let Some(v) = versions.iter().find(|v| v.status == Status::Accepted) {
        // A round nobody is chased for has no lateness either.
        let status = match (col.deadline, received_date(&v.first_received_at)) {
            (Some(d), Some(at)) if col.required => d.judge(at).into(),
            _ => RoundStatus::Received,
        };
        return StatusCell {
            status,
            received_at: Some(v.first_received_at.clone()),
            file: Some(v.path.clone()),
        };
    }
    let empty = |status| StatusCell {
        status,
        received_at: None,
        file: None,
    };
    if excused {
        return empty(RoundStatus::Excused);
    }
    if let Some(v) = versions.last() {
        return StatusCell {
            status: RoundStatus::Rejected,
            received_at: Some(v.first_received_at.clone()),
            file: Some(v.path.clone()),
        };
    }
    if !col.required {
        return empty(RoundStatus::NotRequired);
    }
    let over = match col.deadline {
        Some(d) => d.is_over(today),
        // Without a due date a round is owed once its quarter has ended.
        None => thai::fiscal_quarter_bounds(fy, col.round).is_some_and(|(_, end)| today > end),
    };
    empty(if over {
        RoundStatus::NotSent
    } else {
        RoundStatus::NotDue
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::samples;
    use crate::ledger::{Batch, NewVersion, StoredData};

    const CONFIG: &str = r#"
fiscal_year = 2564
[[division]]
code = "สร."
name = "สำนักงานรัฐมนตรี"
folder = "ministers-office"
[[division]]
code = "สตป."
name = "สำนักตรวจสอบและประเมินผล"
folder = "inspection-office"
[[round]]
fiscal_year = 2564
round = 2
due = "15 เม.ย. 2564"
[[round]]
fiscal_year = 2564
round = 3
due = "15 ก.ค. 2564"
required = false
"#;

    /// สร.'s sample as a version received at `at`, reporting `quarter` (none: the cell left
    /// blank, so the last quarter with a result counts).
    fn version(sha: &str, at: &str, quarter: Option<u8>, status: Status) -> NewVersion {
        let sub = samples::ministers_office();
        NewVersion {
            path: "ministers-office/kpi.xlsx".into(),
            size: 1,
            mtime_ns: 1,
            sha256: sha.into(),
            received_at: at.into(),
            division_key: normalize_code("สร."),
            division_code: "สร.".into(),
            division_name: "สำนักงานรัฐมนตรี".into(),
            fiscal_year: Some(2564),
            status,
            diagnostics: vec![],
            data: Some(StoredData::of(&sub).unwrap()),
            archive_path: format!("archive/{sha}"),
            reporting_quarter: quarter,
            kpi_codes: vec![],
            certified_by: String::new(),
            contact: crate::ledger::VersionContact {
                name: sub.contact.name.clone(),
                phone: sub.contact.phone.clone(),
                email: sub.contact_email.clone(),
            },
        }
    }

    fn board_on(ledger: &Ledger, today: &str) -> StatusBoard {
        let config = Config::parse(CONFIG, std::path::Path::new("k.toml")).unwrap();
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        let versions = ledger.round_versions().unwrap();
        board(ledger, &config, 2564, today, &versions, true).unwrap()
    }

    #[test]
    fn statuses_follow_the_rounds_each_version_reports() {
        let mut l = Ledger::open_in_memory().unwrap();
        l.record(&Batch {
            versions: vec![
                version("a", "2021-04-10 09:00:00", Some(2), Status::Rejected),
                version("b", "2021-04-20 09:00:00", Some(2), Status::Accepted),
                // No reporting quarter: the sample's results run to Q4.
                version("c", "2021-10-01 09:00:00", None, Status::Accepted),
            ],
            ..Batch::default()
        })
        .unwrap();
        let b = board_on(&l, "2021-10-02");
        assert_eq!(b.current_round, 3);
        let row = |code: &str| b.rows.iter().find(|r| r.code == code).unwrap();
        let mo = row("สร.");
        let statuses: Vec<RoundStatus> = mo.cells.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [
                // Round 1 has no due date: its figures came with round 2's report.
                RoundStatus::Received,
                // Rejected on the 10th, fixed on the 20th: dated by the fix.
                RoundStatus::Late { days: 5 },
                // Not required: received with round 4's report, and nobody is late for it.
                RoundStatus::Received,
                RoundStatus::Received,
            ]
        );
        // The workbook's contact; nothing registered to fall back on.
        assert_eq!(mo.contact_name, samples::ministers_office().contact.name);
        let io = row("สตป.");
        assert_eq!(io.cells[1].status, RoundStatus::NotSent);
        // Without a due date a round is owed once its quarter is over (Q4 ended 30 Sep).
        assert_eq!(io.cells[3].status, RoundStatus::NotSent);
        assert_eq!(
            b.counts(2)
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (s.key(), n))
                .collect::<Vec<_>>(),
            [("late", 1), ("not_sent", 1)]
        );
        // Before the due date nobody is overdue yet.
        let early = board_on(&l, "2021-04-12");
        assert_eq!(early.current_round, 1);
        let io_early = early.rows.iter().find(|r| r.code == "สตป.").unwrap();
        assert_eq!(io_early.cells[1].status, RoundStatus::NotDue);
        assert_eq!(io_early.cells[3].status, RoundStatus::NotDue);
        assert_ne!(early.digest(), b.digest());
    }
}
