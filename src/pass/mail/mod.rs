//! Optional e-mail through an outbox in the ledger. After a pass, [`queue`] records the
//! messages its new versions call for (receipts to divisions, the planning office's digest)
//! and the day's reminders ([`remind`]);
//! [`send`] delivers what is due, retrying failures with exponential backoff. Recording and
//! sending are apart, so a down mail server never fails or slows a pass.

pub mod compose;
pub mod remind;
pub mod send;
pub mod sender;

use chrono::{Duration, NaiveDateTime};

use crate::config::Config;
use crate::ledger::{Ledger, LedgerError, NewMessage, StoredVersion};
use crate::pass::receipt::{self, ReceiptInput};
use crate::pass::receipt_files::States;
use crate::pass::share::Share;

/// The versions up to this id have had their receipts queued (or mail was off for them).
const ANNOUNCED: &str = "mail_announced_upto";
/// The versions up to this id are in a digest sent to the planning office.
const DIGESTED: &str = "mail_digested_upto";
/// When the last digest was queued.
const LAST_DIGEST: &str = "mail_last_digest_at";

pub(crate) const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

pub(crate) fn now_text() -> String {
    crate::clock::now().format(TIME_FORMAT).to_string()
}

/// Queues the messages for the versions recorded since the last call, in one transaction with
/// the marks that say so: run right after a pass, a crash before it commits makes them again
/// next time and one after it never does. With mail off the marks only move on.
pub fn queue(share: &Share, config: &Config, ledger: &mut Ledger) -> Result<usize, LedgerError> {
    let last = ledger.last_version_id()?;
    let mark = |l: &Ledger, key| -> Result<i64, LedgerError> {
        Ok(l.meta(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    };
    let announced = mark(ledger, ANNOUNCED)?;
    let digested = mark(ledger, DIGESTED)?;
    let at = now_text();
    let Some(mail) = &config.mail else {
        if announced < last || digested < last {
            let marks = [(ANNOUNCED, last.to_string()), (DIGESTED, last.to_string())];
            ledger.queue_messages(&[], &marks, &at)?;
        }
        return Ok(0);
    };
    let mut queued = 0;
    if announced < last {
        // A chunk per transaction: a first pass over 10,000 files would otherwise hold every
        // message (attachments included) in memory at once.
        for chunk in ledger.versions_after(announced)?.chunks(CHUNK) {
            let mut messages = Vec::new();
            // What changes of state say of the versions, read once a chunk as the receipts do.
            let mut states = States::read(ledger)?;
            for v in chunk {
                if let Some(m) = receipt_mail(share, config, ledger, &mut states, v)? {
                    messages.push(m);
                }
            }
            let upto = chunk.last().map_or(last, |v| v.id);
            ledger.queue_messages(&messages, &[(ANNOUNCED, upto.to_string())], &at)?;
            queued += committed(messages.len());
        }
    }
    let mut messages = Vec::new();
    let mut marks = Vec::new();
    if mail.office.is_none() && digested < last {
        // No digest is wanted: an office address added later starts from then.
        marks.push((DIGESTED, last.to_string()));
    }
    if let Some(office) = &mail.office
        && digested < last
        && digest_due(
            ledger.meta(LAST_DIGEST)?.as_deref(),
            mail.digest_interval_minutes,
        )
    {
        let versions = ledger.versions_after(digested)?;
        match compose::digest_message(mail, office, &versions) {
            Ok(m) => messages.push(m),
            Err(e) => tracing::error!(error = %e, "cannot build the digest"),
        }
        marks.push((DIGESTED, last.to_string()));
        marks.push((LAST_DIGEST, at.clone()));
    }
    if !marks.is_empty() {
        ledger.queue_messages(&messages, &marks, &at)?;
        queued += committed(messages.len());
    }
    queued += committed(remind::queue(config, ledger)?);
    Ok(queued)
}

/// Versions whose receipts are queued in one transaction.
const CHUNK: usize = 256;

/// Logs `n` messages just committed to the outbox, and gives a test its moment to act.
fn committed(n: usize) -> usize {
    if n > 0 {
        tracing::info!(messages = n, "mail queued");
        #[cfg(debug_assertions)]
        test_hook::pause_after_queue();
    }
    n
}

/// Whether a digest may go now: none yet, or the last one at least `minutes` ago.
fn digest_due(last: Option<&str>, minutes: u64) -> bool {
    let Some(last) = last.and_then(|t| NaiveDateTime::parse_from_str(t, TIME_FORMAT).ok()) else {
        return true;
    };
    let minutes = i64::try_from(minutes).unwrap_or(i64::MAX / 120);
    crate::clock::now().naive_local() >= last + Duration::minutes(minutes)
}

/// The receipt message for one version, or none when nobody may be mailed about it.
fn receipt_mail(
    share: &Share,
    config: &Config,
    ledger: &Ledger,
    states: &mut States,
    v: &StoredVersion,
) -> Result<Option<NewMessage>, LedgerError> {
    let Some(mail) = &config.mail else {
        return Ok(None);
    };
    let submission = ledger.submission(v.id)?;
    let contact = submission.as_ref().map(|s| s.contact_email.as_str());
    let to = compose::receipt_recipients(config, mail, v, contact);
    if to.is_empty() {
        tracing::info!(file = %v.path, division = %v.division_code, "no e-mail address for this division in the registry: its receipt is not mailed");
        return Ok(None);
    }
    let text = receipt::render(&ReceiptInput {
        file: &v.path,
        received_at: &v.received_at,
        sha256: &v.sha256,
        status: v.status,
        submission: submission.as_ref(),
        diagnostics: &v.diagnostics,
        below_level1: config.below_level1(),
        state: &states.of(ledger, config, v, submission.as_ref())?,
    });
    match compose::receipt_message(mail, share, v, &text, &to) {
        Ok(m) => Ok(Some(m)),
        Err(e) => {
            tracing::error!(file = %v.path, error = %e, "cannot build the receipt's e-mail; not mailed");
            Ok(None)
        }
    }
}

/// Lets an integration test kill the process between recording messages and sending them:
/// with `KPIWATCH_TEST_PAUSE_AFTER_QUEUE` set to a folder, the first queueing that recorded
/// anything writes `queued` there and waits for `go` (at most two minutes). Debug builds only.
#[cfg(debug_assertions)]
mod test_hook {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    pub(super) fn pause_after_queue() {
        let Some(dir) = std::env::var_os("KPIWATCH_TEST_PAUSE_AFTER_QUEUE") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let _ = std::fs::write(dir.join("queued"), b"");
        let deadline = Instant::now() + Duration::from_secs(120);
        while !dir.join("go").exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Where a dry run writes its .eml files: the state folder's `outbox/`, on local disk beside
/// the ledger (the share is for divisions' files, and mail to the office is not theirs).
pub fn dry_run_dir(state_dir: &std::path::Path) -> std::path::PathBuf {
    state_dir.join("outbox")
}

/// How a pass's mail goes out, for `config`'s `[mail]`.
pub fn delivery(
    mail: &crate::config::MailConfig,
    state_dir: &std::path::Path,
    all: bool,
) -> send::Delivery {
    send::Delivery {
        dry_run_dir: (mail.dry_run || mail.preview).then(|| dry_run_dir(state_dir)),
        keep_queued: mail.preview,
        all,
        timeout: std::time::Duration::from_secs(mail.timeout_secs),
    }
}

/// The mail step after a pass of `run`: queue, then one bounded attempt to deliver. Whatever
/// happens is logged and leaves the pass's outcome alone; unsent messages wait for the next run.
pub fn after_pass(
    share: &Share,
    config: &Config,
    ledger: &mut Ledger,
    state_dir: &std::path::Path,
) {
    if let Err(e) = queue(share, config, ledger) {
        tracing::error!(error = %e, "cannot queue mail; the next pass tries again");
        return;
    }
    let Some(mail) = &config.mail else {
        return;
    };
    match send::deliver(ledger, mail, &delivery(mail, state_dir, false)) {
        Ok(d) if d.deferred + d.given_up > 0 => {
            tracing::warn!(
                sent = d.sent,
                deferred = d.deferred,
                given_up = d.given_up,
                "some mail was not sent; it stays queued"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "cannot deliver mail"),
    }
}
