//! `kpiwatch status SHARE`: where every division stands in one reporting round, from the
//! ledger alone: the counts, then who is late, who has not sent and who must fix a rejected
//! file, with whom to call. `--json` gives the same to scripts.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use crate::ExitCode;
use crate::config::Config;
use crate::domain::model::FiscalYear;
use crate::domain::rounds::{RoundStatus, round_label_th};
use crate::ledger::{Ledger, LedgerError};
use crate::summary::status::{StatusBoard, StatusRow, board};

/// What `kpiwatch status` was asked.
#[derive(Debug, Clone)]
pub struct StatusConfig {
    pub share: PathBuf,
    pub config: Config,
    pub state_dir: PathBuf,
    /// 1–4; default: the current round (the latest whose due date has passed).
    pub round: Option<u8>,
    /// Default: the configuration's, else the latest year in the ledger.
    pub fiscal_year: Option<i32>,
    pub json: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error(
        "no ledger at {path}: kpiwatch has not run on this share with this state folder yet (run `kpiwatch run` first, or give --state)"
    )]
    NoLedger { path: PathBuf },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot write the report: {0}")]
    Write(#[from] std::io::Error),
}

/// Prints the round's status. Exit 0 when nobody is to be chased in the round, 1 when some
/// division is late, has not sent, or must fix a rejected file.
pub fn run(cfg: &StatusConfig, out: &mut dyn Write) -> Result<ExitCode, StatusError> {
    let path = crate::pass::state::ledger_path(&cfg.state_dir);
    if !path.is_file() {
        return Err(StatusError::NoLedger { path });
    }
    // No lock: a running `watch` keeps the ledger, and SQLite lets a reader in beside it.
    let ledger = Ledger::open(&path)?;
    let versions = ledger.round_versions()?;
    let fy = cfg
        .fiscal_year
        .unwrap_or_else(|| fiscal_year(&cfg.config, versions.iter().filter_map(|v| v.fiscal_year)));
    let today = crate::clock::now().date_naive();
    let b = board(&ledger, &cfg.config, fy, today, &versions, true)?;
    let round = cfg.round.unwrap_or(b.current_round).clamp(1, 4);
    if cfg.json {
        // Built whole first: only writing can fail, and a closed pipe then reads as one.
        let text = serde_json::to_string_pretty(&as_json(&b, round)).unwrap_or_default();
        writeln!(out, "{text}")?;
    } else {
        print_text(out, &b, round)?;
    }
    let chased = b
        .rows
        .iter()
        .any(|r| r.cells[usize::from(round) - 1].status.is_chased());
    Ok(if chased {
        ExitCode::Rejected
    } else {
        ExitCode::Success
    })
}

/// The configured year, else the latest year with a configured round or a version, else the
/// fiscal year of today.
fn fiscal_year(config: &Config, years: impl Iterator<Item = i32>) -> i32 {
    if let Some(fy) = config.fiscal_year {
        return fy;
    }
    years
        .chain(config.rounds.iter().map(|r| r.fiscal_year))
        .filter(|y| FiscalYear::new(*y).is_plausible())
        .max()
        .unwrap_or_else(|| crate::domain::thai::fiscal_year_be(crate::clock::now().date_naive()))
}

fn row_json(r: &StatusRow, round: u8) -> serde_json::Value {
    let c = &r.cells[usize::from(round) - 1];
    json!({
        "code": r.code,
        "name": r.name,
        "registered": r.registered,
        "status": c.status.key(),
        "days_late": c.status.days_late(),
        "received_at": c.received_at,
        "file": c.file,
        "contact_name": r.contact_name,
        "phone": r.phone,
        "email": r.email,
    })
}

fn as_json(b: &StatusBoard, round: u8) -> serde_json::Value {
    let col = &b.rounds[usize::from(round) - 1];
    let counts: serde_json::Map<String, serde_json::Value> = b
        .counts(round)
        .into_iter()
        .map(|(s, n)| (s.key().to_owned(), json!(n)))
        .collect();
    json!({
        "fiscal_year": b.fiscal_year,
        "round": round,
        "round_label": round_label_th(round),
        "due": col.deadline.map(|d| d.due.to_string()),
        "grace_days": col.deadline.map(|d| d.grace_days),
        "required": col.required,
        "as_of": b.today.to_string(),
        "current_round": b.current_round,
        "counts": counts,
        "divisions": b.rows.iter().map(|r| row_json(r, round)).collect::<Vec<_>>(),
    })
}

/// Whether a status belongs to one of the printed lists.
type StatusTest = fn(RoundStatus) -> bool;

fn print_text(out: &mut dyn Write, b: &StatusBoard, round: u8) -> std::io::Result<()> {
    let col = &b.rounds[usize::from(round) - 1];
    let due = match col.deadline {
        Some(d) => format!("due {} (grace {} days)", d.due, d.grace_days),
        None => "no due date configured".to_owned(),
    };
    writeln!(
        out,
        "fiscal year {}, round {round} ({}): {due}; as of {}",
        b.fiscal_year,
        round_label_th(round),
        b.today
    )?;
    for (s, n) in b.counts(round) {
        if n > 0 {
            writeln!(out, "  {:<24} {n}", s.label_en())?;
        }
    }
    writeln!(out, "  {:<24} {}", "divisions", b.rows.len())?;
    let groups: [(&str, StatusTest); 4] = [
        ("late", |s| matches!(s, RoundStatus::Late { .. })),
        ("late within grace (not chased)", |s| {
            matches!(s, RoundStatus::WithinGrace { .. })
        }),
        ("not sent", |s| s == RoundStatus::NotSent),
        ("rejected, not yet fixed", |s| s == RoundStatus::Rejected),
    ];
    for (title, wanted) in groups {
        let rows: Vec<&StatusRow> = b
            .rows
            .iter()
            .filter(|r| wanted(r.cells[usize::from(round) - 1].status))
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "{title}:")?;
        for r in rows {
            let c = &r.cells[usize::from(round) - 1];
            let mut line = format!("  {} {}", r.code, r.name);
            if let Some(days) = c.status.days_late() {
                line.push_str(&format!(", {days} days late"));
            }
            if let Some(at) = &c.received_at {
                line.push_str(&format!(", received {at}"));
            }
            let contact: Vec<&str> = [&r.contact_name, &r.phone, &r.email]
                .into_iter()
                .map(String::as_str)
                .filter(|s| !s.is_empty())
                .collect();
            if !contact.is_empty() {
                line.push_str(&format!(" — {}", contact.join(", ")));
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
