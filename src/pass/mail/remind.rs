//! Reminders before a round's due date: on the days `remind_days_before` names, each registered
//! division with an address that still owes the round's report (nothing sent, or only rejected
//! files) gets one message, Thai then English. Each (division, year, round, step) goes at most
//! once ever: its outbox key decides, in the transaction that queues it.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use chrono::NaiveDate;
use lettre::message::{MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::check::validate::normalize_code;
use crate::config::{Config, ExpectedDivision, MailConfig, RoundSetting};
use crate::domain::rounds::{RoundStatus, round_label_th};
use crate::domain::thai::{ThaiDigits, format_thai_date};
use crate::ledger::{Ledger, LedgerError, NewMessage};
use crate::pass::mail::compose::{self, ComposeError};
use crate::summary::status::{StatusBoard, StatusCell, board};

/// The step whose day is the latest one come by `today`: the smallest number of days before
/// `due` that is at least the days left. A step missed while kpiwatch was off is thereby
/// replaced by the next one, never sent late beside it; after the due date there is none.
pub fn step_due(steps: &[u32], due: NaiveDate, today: NaiveDate) -> Option<u32> {
    let left = (due - today).num_days();
    if left < 0 {
        return None;
    }
    steps
        .iter()
        .copied()
        .filter(|&s| i64::from(s) >= left)
        .min()
}

/// The key that makes a reminder go at most once.
fn key_prefix(fy: i32, round: u8, step: u32) -> String {
    format!("reminder:{fy}:{round}:{step}:")
}

/// Whether a division standing at `status` still owes the round's report.
fn owes(status: RoundStatus) -> bool {
    matches!(
        status,
        RoundStatus::NotDue | RoundStatus::NotSent | RoundStatus::Rejected
    )
}

/// Messages queued in one transaction: a share of 10,000 divisions would otherwise hold every
/// reminder in memory at once.
const CHUNK: usize = 256;

/// Queues today's reminders; how many. Without `[mail]` or `remind_days_before`, or on a day
/// no step falls on, it reads nothing from the ledger; once a step's reminders are queued the
/// rest of its days cost one indexed lookup per round.
pub fn queue(config: &Config, ledger: &mut Ledger) -> Result<usize, LedgerError> {
    let Some(mail) = &config.mail else {
        return Ok(0);
    };
    if mail.remind_days_before.is_empty() {
        return Ok(0);
    }
    let today = crate::clock::now().date_naive();
    let at = super::now_text();
    let mut boards: BTreeMap<i32, StatusBoard> = BTreeMap::new();
    let mut pending: Vec<(String, NewMessage)> = Vec::new();
    let mut queued = 0;
    for setting in config.rounds.iter().filter(|r| r.required) {
        let Some(deadline) = setting.deadline() else {
            continue;
        };
        let Some(step) = step_due(&mail.remind_days_before, deadline.due, today) else {
            continue;
        };
        let prefix = key_prefix(setting.fiscal_year, setting.round, step);
        let done = ledger.dedup_keys_starting(&prefix)?;
        let wanted: Vec<&ExpectedDivision> = config
            .divisions
            .iter()
            .filter(|d| address(d).is_some())
            .filter(|d| {
                let key = normalize_code(&d.code);
                !setting.excuses(&key) && !done.contains(&format!("{prefix}{key}"))
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let fy = setting.fiscal_year;
        if let Entry::Vacant(e) = boards.entry(fy) {
            let versions = ledger.round_versions()?;
            e.insert(board(ledger, config, fy, today, &versions, false)?);
        }
        let b = &boards[&fy];
        for d in wanted {
            let key = normalize_code(&d.code);
            let Some(row) = b.rows.iter().find(|r| normalize_code(&r.code) == key) else {
                continue;
            };
            let cell = &row.cells[usize::from(setting.round.clamp(1, 4)) - 1];
            if !owes(cell.status) {
                continue;
            }
            let reminder = Reminder {
                division: d,
                setting,
                due: deadline.due,
                today,
                cell,
            };
            match reminder_message(mail, config, &reminder, &format!("{prefix}{key}")) {
                Ok(m) => pending.push((format!("{prefix}{key}"), m)),
                Err(e) => {
                    tracing::error!(division = %d.code, error = %e, "cannot build the reminder; not mailed")
                }
            }
            if pending.len() >= CHUNK {
                queued += flush(ledger, &mut pending, &at)?;
            }
        }
    }
    queued += flush(ledger, &mut pending, &at)?;
    Ok(queued)
}

fn flush(
    ledger: &mut Ledger,
    pending: &mut Vec<(String, NewMessage)>,
    at: &str,
) -> Result<usize, LedgerError> {
    if pending.is_empty() {
        return Ok(0);
    }
    let n = ledger.queue_once(pending, at)?;
    pending.clear();
    Ok(n)
}

/// The registry's address of a division, if any: reminders go nowhere else.
fn address(d: &ExpectedDivision) -> Option<&str> {
    d.email.as_deref().map(str::trim).filter(|e| !e.is_empty())
}

/// What one reminder is about.
struct Reminder<'a> {
    division: &'a ExpectedDivision,
    setting: &'a RoundSetting,
    due: NaiveDate,
    today: NaiveDate,
    cell: &'a StatusCell,
}

/// The reminder to one division, Thai then English.
fn reminder_message(
    mail: &MailConfig,
    config: &Config,
    r: &Reminder<'_>,
    key: &str,
) -> Result<NewMessage, ComposeError> {
    let fy = r.setting.fiscal_year;
    let round = r.setting.round;
    let label = round_label_th(round);
    let months = u32::from(round.clamp(1, 4)) * 3;
    let due_th = format_thai_date(r.due, ThaiDigits::No);
    let due_iso = r.due.format("%Y-%m-%d").to_string();
    let subject = format!(
        "แจ้งเตือน: ครบกำหนดส่งรายงานผลตัวชี้วัด {label} ปีงบประมาณ {fy} วันที่ {due_th} / \
         Reminder: KPI report for the {months}-month round of fiscal year {fy} due {due_iso}"
    );
    let body = body_text(mail, config, r, &label, &due_th, &due_iso);
    let to = vec![address(r.division).unwrap_or_default().to_owned()];
    // Message-IDs are ASCII: the division's code is Thai, so a digest of the key stands in.
    let digest = format!("{:x}", Sha256::digest(key.as_bytes()));
    let id = format!("reminder.{fy}.{round}.{}", &digest[..16]);
    let parts = MultiPart::mixed().singlepart(SinglePart::plain(body));
    compose::build(mail, &to, &subject, parts, &id).map(|message| NewMessage {
        kind: "reminder",
        version_id: None,
        recipients: to,
        subject,
        message,
    })
}

fn body_text(
    mail: &MailConfig,
    config: &Config,
    r: &Reminder<'_>,
    label: &str,
    due_th: &str,
    due_iso: &str,
) -> String {
    let d = r.division;
    let fy = r.setting.fiscal_year;
    let months = u32::from(r.setting.round.clamp(1, 4)) * 3;
    let left = (r.due - r.today).num_days();
    let (left_th, left_en) = if left == 0 {
        ("วันนี้เป็นวันครบกำหนด".to_owned(), "today".to_owned())
    } else {
        (
            format!("อีก {left} วัน"),
            format!("in {left} day{}", if left == 1 { "" } else { "s" }),
        )
    };
    let folder = format!(
        "{}/{}/",
        config.folders.inbox.trim_end_matches('/'),
        d.folder.trim_matches('/')
    );
    let ask = mail.office.as_deref().unwrap_or(&mail.from);
    let (missing_th, missing_en) = match (r.cell.status, r.cell.file.as_deref()) {
        (RoundStatus::Rejected, Some(file)) => {
            let receipt = format!(
                "{}/{}",
                config.folders.receipts.trim_end_matches('/'),
                crate::pass::receipt::receipt_path(file)
            );
            (
                format!(
                    "หน่วยงานส่งไฟล์ {file} แล้ว แต่ไม่ผ่านการตรวจ กรุณาดูรายการที่ต้องแก้ไขในใบตอบรับ {receipt} แก้ไขแล้วส่งใหม่"
                ),
                format!(
                    "Your file {file} was received but rejected: see its receipt {receipt}, correct the workbook and send it again."
                ),
            )
        }
        _ => (
            "ยังไม่ได้รับรายงานของหน่วยงานสำหรับรอบนี้".to_owned(),
            "No report from your division has been received for this round yet.".to_owned(),
        ),
    };
    format!(
        "เรียน {name} ({code})\n\n\
         รายงานผลตัวชี้วัด {label} ปีงบประมาณ {fy} ครบกำหนดส่งวันที่ {due_th} ({due_iso}) {left_th}\n\n\
         สถานะ: {missing_th}\n\n\
         วางไฟล์รายงานในโฟลเดอร์ {folder} ของโฟลเดอร์กลาง (share) ระบบจะตรวจและส่งใบตอบรับให้ทางอีเมล\n\
         สอบถามได้ที่ {ask}\n\n\
         ข้อความนี้ส่งโดยอัตโนมัติจากระบบ kpiwatch\n\n\
         ------------------------------------------------------------\n\
         To {name} ({code}):\n\n\
         The KPI report for the {months}-month round ({label}) of fiscal year {fy} is due on \
         {due_iso} ({due_th}), {left_en}.\n\n\
         Status: {missing_en}\n\n\
         Put the workbook in the folder {folder} on the shared folder; kpiwatch checks it and \
         mails you its receipt.\n\
         Questions: {ask}\n\n\
         This message was sent automatically by kpiwatch.\n",
        name = d.name,
        code = d.code,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_latest_step_come_is_the_one_due() {
        let due = d("2021-04-15");
        let steps = [7, 1];
        assert_eq!(step_due(&steps, due, d("2021-04-07")), None);
        assert_eq!(step_due(&steps, due, d("2021-04-08")), Some(7));
        // Off on the 8th: the 7-day step still goes, once, on a later day.
        assert_eq!(step_due(&steps, due, d("2021-04-12")), Some(7));
        assert_eq!(step_due(&steps, due, d("2021-04-14")), Some(1));
        // Off on both days: only the latest step, on the due date itself.
        assert_eq!(step_due(&steps, due, d("2021-04-15")), Some(1));
        assert_eq!(step_due(&steps, due, d("2021-04-16")), None);
        assert_eq!(step_due(&[], due, d("2021-04-14")), None);
        assert_eq!(step_due(&[0], due, d("2021-04-14")), None);
        assert_eq!(step_due(&[0], due, d("2021-04-15")), Some(0));
    }

    #[test]
    fn owed_means_nothing_accepted_and_not_excused() {
        assert!(owes(RoundStatus::NotDue));
        assert!(owes(RoundStatus::Rejected));
        for s in [
            RoundStatus::OnTime,
            RoundStatus::Received,
            RoundStatus::Excused,
            RoundStatus::NotRequired,
        ] {
            assert!(!owes(s), "{s:?}");
        }
    }
}
