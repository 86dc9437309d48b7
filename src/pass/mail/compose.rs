//! What kpiwatch mails: a division's receipt for each judged version (the receipt as the body,
//! Thai then English, with the receipt and the returned workbook attached) and the planning
//! office's digest of a pass. Messages are built whole here, so a retry sends the same bytes.

use std::path::PathBuf;

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::check::validate::Status;
use crate::config::{Config, MailConfig};
use crate::ledger::{NewMessage, StoredVersion};
use crate::pass::receipt;
use crate::pass::share::Share;

/// A message that could not be built: an address lettre refuses.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the e-mail: {0}")]
pub struct ComposeError(String);

fn mailbox(text: &str) -> Result<Mailbox, ComposeError> {
    text.trim()
        .parse()
        .map_err(|e| ComposeError(format!("{text:?}: {e}")))
}

/// Who gets a version's receipt: the registry's address for its division and, when its domain
/// is allowed, the contact e-mail the workbook gives. A workbook alone can never choose where
/// kpiwatch sends mail.
pub fn receipt_recipients(
    config: &Config,
    mail: &MailConfig,
    v: &StoredVersion,
    contact_email: Option<&str>,
) -> Vec<String> {
    let folder = v.path.split_once('/').map(|(f, _)| f);
    let registered = folder
        .and_then(|f| config.division_by_folder(f))
        .or_else(|| config.division_by_code(&v.division_code))
        .and_then(|d| d.email.as_deref())
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let mut to: Vec<String> = registered.into_iter().map(str::to_owned).collect();
    if let Some(c) = contact_email.map(str::trim).filter(|c| !c.is_empty()) {
        if mail.allows(c) {
            if !to.iter().any(|t| t.eq_ignore_ascii_case(c)) {
                to.push(c.to_owned());
            }
        } else {
            tracing::info!(file = %v.path, address = %c, "the workbook's contact e-mail is not in mail.allowed_domains: not mailed");
        }
    }
    to
}

/// Files sent along with a version's receipt when they exist: the workbook returned to the
/// division with its findings marked, beside the receipt.
pub fn attachments(share: &Share, v: &StoredVersion) -> Vec<PathBuf> {
    receipt::returned_file(&share.receipts, &v.path)
        .into_iter()
        .collect()
}

fn status_words(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Accepted => ("ผ่านการตรวจ", "accepted"),
        Status::Rejected => ("ไม่ผ่าน ต้องแก้ไขแล้วส่งใหม่", "rejected"),
    }
}

/// The receipt of one version, mailed to `to`.
pub fn receipt_message(
    mail: &MailConfig,
    share: &Share,
    v: &StoredVersion,
    receipt_text: &str,
    to: &[String],
) -> Result<NewMessage, ComposeError> {
    let (th, en) = status_words(v.status);
    let subject = format!(
        "ผลการตรวจรายงานตัวชี้วัด {}: {th} / KPI report {en}: {}",
        v.division_code, v.path
    );
    let receipt_name = receipt::receipt_path(&v.path)
        .rsplit('/')
        .next()
        .unwrap_or("receipt.txt")
        .to_owned();
    let text_type =
        ContentType::parse("text/plain; charset=utf-8").map_err(|e| ComposeError(e.to_string()))?;
    let body = receipt_text.trim_start_matches('\u{feff}').to_owned();
    let mut parts = MultiPart::mixed()
        .singlepart(SinglePart::plain(body))
        .singlepart(
            Attachment::new(receipt_name).body(receipt_text.as_bytes().to_vec(), text_type),
        );
    for path in attachments(share, v) {
        if let Ok(bytes) = std::fs::read(&path) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let xlsx = ContentType::parse(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .map_err(|e| ComposeError(e.to_string()))?;
            parts = parts.singlepart(Attachment::new(name).body(bytes, xlsx));
        }
    }
    let key = format!(
        "receipt.{}.{}",
        v.id,
        v.sha256.get(..16).unwrap_or(&v.sha256)
    );
    build(mail, to, &subject, parts, &key).map(|message| NewMessage {
        kind: "receipt",
        version_id: Some(v.id),
        recipients: to.to_vec(),
        subject,
        message,
    })
}

/// The digest's Thai "The summary workbook is up to date": a digest is sent once the pass has
/// rewritten the summary.
const UP_TO_DATE_TH: &str = "ไฟล์สรุปผลตัวชี้วัดปรับเป็นข้อมูลล่าสุดแล้ว";

/// The planning office's digest of the versions recorded since the last one.
pub fn digest_message(
    mail: &MailConfig,
    office: &str,
    versions: &[StoredVersion],
) -> Result<NewMessage, ComposeError> {
    let accepted = versions
        .iter()
        .filter(|v| v.status == Status::Accepted)
        .count();
    let rejected = versions.len() - accepted;
    let mut divisions: Vec<&str> = versions.iter().map(|v| v.division_code.as_str()).collect();
    divisions.sort_unstable();
    divisions.dedup();
    let subject = format!(
        "สรุปรายงานตัวชี้วัดที่ได้รับ: ผ่าน {accepted} ไม่ผ่าน {rejected} / KPI reports received: {accepted} accepted, {rejected} rejected"
    );
    let mut body = format!(
        "รายงานที่ได้รับตั้งแต่สรุปครั้งก่อน: ผ่าน {accepted} ไฟล์ ไม่ผ่าน {rejected} ไฟล์ จาก {} หน่วยงาน (รายการด้านล่าง)\n{UP_TO_DATE_TH}\n\n",
        divisions.len()
    );
    let lines: Vec<String> = versions
        .iter()
        .map(|v| {
            let (th, en) = status_words(v.status);
            format!(
                "{} {} — {}: {th} ({en})",
                v.division_code, v.division_name, v.path
            )
        })
        .collect();
    body.push_str(&lines.join("\n"));
    body.push_str(&format!(
        "\n\n------------------------------------------------------------\nReports received since the last digest: {accepted} accepted, {rejected} rejected, from {} (listed above). The summary workbook is up to date.\n",
        crate::domain::english::count(divisions.len(), "division")
    ));
    let to = vec![office.to_owned()];
    let last = versions.last().map_or(0, |v| v.id);
    let key = format!(
        "digest.{last}.{}",
        crate::clock::now().format("%Y%m%d%H%M%S")
    );
    let parts = MultiPart::mixed().singlepart(SinglePart::plain(body));
    build(mail, &to, &subject, parts, &key).map(|message| NewMessage {
        kind: "digest",
        version_id: None,
        recipients: to,
        subject,
        message,
    })
}

pub(crate) fn build(
    mail: &MailConfig,
    to: &[String],
    subject: &str,
    parts: MultiPart,
    key: &str,
) -> Result<Vec<u8>, ComposeError> {
    let from = mailbox(&mail.from)?;
    // Fixed when the message is queued: a resend after a crash between sending and marking
    // it sent carries the same Message-ID, which mail systems use to drop the duplicate.
    let id = format!("<kpiwatch.{key}@{}>", from.email.domain());
    let mut b = Message::builder()
        .from(from)
        .message_id(Some(id))
        .subject(subject)
        .date(crate::clock::now().into());
    for t in to {
        b = b.to(mailbox(t)?);
    }
    let message = b
        .multipart(parts)
        .map_err(|e| ComposeError(e.to_string()))?;
    Ok(message.formatted())
}
