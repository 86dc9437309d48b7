//! Delivering the outbox: each due message is sent over SMTP (or written as an .eml file in a
//! dry run) and marked done; a failure is recorded with the time of the next attempt, doubling
//! each time, and a message is given up only after the configured number of attempts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, SmtpTransport, Transport};

use crate::config::{MailConfig, TlsMode};
use crate::ledger::{Ledger, LedgerError, Outgoing};
use crate::pass::mail::{TIME_FORMAT, now_text};

/// Which messages to deliver, and how.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Write .eml files into this folder instead of sending.
    pub dry_run_dir: Option<PathBuf>,
    /// Leave the messages written as .eml files queued (a preview, not a delivery).
    pub keep_queued: bool,
    /// Every queued message, not only those whose next attempt is due (a flush by hand).
    pub all: bool,
    /// How long to wait for the server.
    pub timeout: Duration,
}

/// What one delivery did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub written: usize,
    /// Failed this time and queued for a later attempt.
    pub deferred: usize,
    /// Given up after the last attempt.
    pub given_up: usize,
}

/// Delivers the due messages of the outbox. Never fails for the mail server: every problem is
/// recorded on its message and logged; only the ledger can fail it.
pub fn deliver(
    ledger: &mut Ledger,
    mail: &MailConfig,
    how: &Delivery,
) -> Result<Delivered, LedgerError> {
    let now = now_text();
    let due = ledger.messages_due((!how.all).then_some(now.as_str()))?;
    let mut done = Delivered::default();
    if due.is_empty() {
        return Ok(done);
    }
    if let Some(dir) = &how.dry_run_dir {
        for m in &due {
            match write_eml(dir, m) {
                Ok(path) => {
                    tracing::info!(path = %path.display(), kind = %m.kind, "mail written (dry run)");
                    if !how.keep_queued {
                        ledger.mark_message_done(m.id, "written", &now)?;
                    }
                    done.written += 1;
                }
                Err(e) => fail(ledger, mail, m, &e, &mut done)?,
            }
        }
        return Ok(done);
    }
    let transport = match transport(mail, how.timeout) {
        Ok(t) => t,
        Err(e) => {
            for m in &due {
                fail(ledger, mail, m, &e, &mut done)?;
            }
            return Ok(done);
        }
    };
    for (i, m) in due.iter().enumerate() {
        match send_one(&transport, mail, m) {
            Ok(()) => {
                ledger.mark_message_done(m.id, "sent", &now)?;
                done.sent += 1;
                tracing::info!(kind = %m.kind, to = %m.recipients.join(", "), "mail sent");
                #[cfg(debug_assertions)]
                if i == 0 {
                    test_hook::pause_after_first_send();
                }
            }
            // The server is down or unreachable: the rest would wait as long each. They are
            // deferred as this one is, and tried together later.
            Err(Failure::Unreachable(e)) => {
                for rest in &due[i..] {
                    fail(ledger, mail, rest, &e, &mut done)?;
                }
                break;
            }
            Err(Failure::Transient(e)) => fail(ledger, mail, m, &e, &mut done)?,
            // A 5xx answer (an unknown recipient, a message refused): sending the same bytes
            // again would be refused again.
            Err(Failure::Permanent(e)) => give_up(ledger, m, &e, m.attempts + 1, &mut done)?,
        }
    }
    Ok(done)
}

/// Lets an integration test stop the mail server in the middle of a delivery: with
/// `KPIWATCH_TEST_PAUSE_AFTER_SEND` set to a folder, the first message sent writes `sent` there
/// and waits (at most two minutes) for `go`. Debug builds only.
#[cfg(debug_assertions)]
mod test_hook {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    pub(super) fn pause_after_first_send() {
        let Some(dir) = std::env::var_os("KPIWATCH_TEST_PAUSE_AFTER_SEND") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let _ = std::fs::write(dir.join("sent"), b"");
        let deadline = Instant::now() + Duration::from_secs(120);
        while !dir.join("go").exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Why a message was not sent, which decides what happens to it and to the others.
enum Failure {
    /// No answer from a server (refused, timed out, TLS failed): says nothing of the message.
    Unreachable(String),
    /// A 4xx answer, or a message kpiwatch could not address: try again later.
    Transient(String),
    /// A 5xx answer.
    Permanent(String),
}

fn send_one(t: &SmtpTransport, mail: &MailConfig, m: &Outgoing) -> Result<(), Failure> {
    let from: Address = bare(&mail.from)
        .parse()
        .map_err(|e| Failure::Transient(format!("mail.from: {e}")))?;
    let to = m
        .recipients
        .iter()
        .map(|r| bare(r).parse::<Address>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Permanent(format!("recipient: {e}")))?;
    let envelope = Envelope::new(Some(from), to).map_err(|e| Failure::Permanent(e.to_string()))?;
    t.send_raw(&envelope, &m.message).map(|_| ()).map_err(|e| {
        if e.is_permanent() {
            Failure::Permanent(e.to_string())
        } else if e.status().is_none() {
            Failure::Unreachable(e.to_string())
        } else {
            Failure::Transient(e.to_string())
        }
    })
}

/// The address inside `Name <addr>`, or the whole text.
fn bare(text: &str) -> &str {
    match (text.rfind('<'), text.rfind('>')) {
        (Some(a), Some(b)) if a < b => text[a + 1..b].trim(),
        _ => text.trim(),
    }
}

fn transport(mail: &MailConfig, timeout: Duration) -> Result<SmtpTransport, String> {
    let builder = match mail.tls {
        TlsMode::Tls => SmtpTransport::relay(&mail.host).map_err(|e| e.to_string())?,
        TlsMode::Starttls => {
            SmtpTransport::starttls_relay(&mail.host).map_err(|e| e.to_string())?
        }
        TlsMode::None => SmtpTransport::builder_dangerous(&mail.host),
    };
    let mut builder = builder.port(mail.port()).timeout(Some(timeout));
    if let (Some(user), Some(var)) = (&mail.user, &mail.password_env) {
        let password = std::env::var(var).map_err(|_| {
            format!("the environment variable {var} (mail.password_env) holds no password")
        })?;
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// Records a failed attempt: next try after the backoff, or given up after the last attempt.
fn fail(
    ledger: &mut Ledger,
    mail: &MailConfig,
    m: &Outgoing,
    error: &str,
    done: &mut Delivered,
) -> Result<(), LedgerError> {
    let attempts = m.attempts + 1;
    if attempts >= mail.max_attempts {
        give_up(ledger, m, error, attempts, done)?;
    } else {
        let wait = backoff(mail, attempts);
        let next = (crate::clock::now() + chrono::Duration::seconds(wait as i64))
            .format(TIME_FORMAT)
            .to_string();
        tracing::warn!(kind = %m.kind, to = %m.recipients.join(", "), attempts, next_attempt_at = %next, error, "mail not sent; will retry");
        ledger.mark_message_failed(m.id, error, Some(&next))?;
        done.deferred += 1;
    }
    Ok(())
}

fn give_up(
    ledger: &mut Ledger,
    m: &Outgoing,
    error: &str,
    attempts: u32,
    done: &mut Delivered,
) -> Result<(), LedgerError> {
    tracing::error!(kind = %m.kind, to = %m.recipients.join(", "), attempts, error, "mail given up");
    ledger.mark_message_failed(m.id, error, None)?;
    done.given_up += 1;
    Ok(())
}

/// Seconds before attempt `attempts + 1`: the initial wait doubled per failure, capped.
pub fn backoff(mail: &MailConfig, attempts: u32) -> u64 {
    let doublings = attempts.saturating_sub(1).min(40);
    mail.retry_initial_secs
        .saturating_mul(1u64 << doublings)
        .min(mail.retry_max_secs)
}

fn write_eml(dir: &Path, m: &Outgoing) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{:06}-{}.eml", m.id, m.kind));
    crate::output::write_atomic_with(&path, &m.message, crate::output::Sync::Now)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let m = MailConfig {
            retry_initial_secs: 60,
            retry_max_secs: 3600,
            ..MailConfig::default()
        };
        let waits: Vec<u64> = (1..=8).map(|a| backoff(&m, a)).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(bare("kpiwatch <kpi@example.go.th>"), "kpi@example.go.th");
    }
}
