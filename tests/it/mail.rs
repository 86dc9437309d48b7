//! E-mail end to end against a real SMTP server on 127.0.0.1 (aiosmtpd): receipts reach the
//! registry's address and an allowed contact only, Thai decodes, attachments open; a down
//! server or a kill -9 between recording and sending neither loses nor doubles a message; dry
//! runs write .eml files; the password comes from the named environment variable.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use kpiwatch::domain::samples;

use crate::harness::{TestEnv, kill9, workbook_bytes};
use crate::smtp::{SmtpSink, Tls, free_port, parse_eml, self_signed};

const INSPECTION: &str = "inspection-office/kpi-2564.xlsx";
const MINISTERS: &str = "ministers-office/kpi-2564.xlsx";
const T0: &str = "2021-01-15 09:30:00";

/// A share of the two example divisions: สตป.'s workbook names a contact in an allowed domain,
/// สร.'s one elsewhere; both are registered with an address.
struct MailShare {
    env: TestEnv,
    port: u16,
}

impl MailShare {
    fn new(extra_mail: &str) -> Self {
        let env = TestEnv::new();
        let port = free_port();
        let mut inspection = samples::inspection_office();
        inspection.contact_email = "somchai@inspect.example.go.th".into();
        let mut ministers = samples::ministers_office();
        ministers.contact_email = "someone@elsewhere.example.com".into();
        env.write(
            format!("share/inbox/{INSPECTION}"),
            &workbook_bytes(&inspection),
        );
        env.write(
            format!("share/inbox/{MINISTERS}"),
            &workbook_bytes(&ministers),
        );
        let config = format!(
            r#"
fiscal_year = 2564
[mail]
host = "127.0.0.1"
port = {port}
tls = "none"
from = "kpiwatch <kpi@planning.example.go.th>"
office = "planning@planning.example.go.th"
allowed_domains = ["inspect.example.go.th"]
timeout_secs = 5
{extra_mail}
[[division]]
code = "สตป."
name = "สำนักตรวจสอบและประเมินผล"
folder = "inspection-office"
email = "saraban@inspect.example.go.th"
[[division]]
code = "สร."
name = "สำนักงานรัฐมนตรี"
folder = "ministers-office"
email = "office@ministers.example.go.th"
"#
        );
        env.write("kpiwatch.toml", config.as_bytes());
        Self { env, port }
    }

    fn sink(&self) -> SmtpSink {
        SmtpSink::start(self.port, &self.env.path("smtp"), None)
    }

    fn command(&self, args: &[&str], now: &str) -> Command {
        let mut c = self.env.kpiwatch();
        c.args([args[0], "--config", "kpiwatch.toml", "--state", "state"])
            .args(&args[1..])
            .arg("share")
            .env("KPIWATCH_TEST_NOW", now);
        c
    }

    fn kpiwatch(&self, args: &[&str], now: &str) -> Output {
        self.command(args, now).output().unwrap()
    }

    fn outbox(&self) -> Vec<(String, i64)> {
        self.env.ledger().unwrap().outbox_counts().unwrap()
    }

    fn receipt(&self, file: &str) -> String {
        let dir = self
            .env
            .path("share/receipts")
            .join(file.split('/').next().unwrap());
        let found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".txt"))
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        std::fs::read_to_string(&found[0]).unwrap()
    }
}

/// สตป.'s workbook corrected (Q2 of สตป. 02: 184 → 190), still naming its allowed contact.
fn revised_inspection() -> kpiwatch::domain::model::Submission {
    let mut revised = samples::inspection_office();
    revised.contact_email = "somchai@inspect.example.go.th".into();
    revised.kpis[0].quarters[1].result = Some(190.0);
    revised.kpis[0].quarters[1].result_text = Some("190".into());
    revised.kpis[0].quarters[1].own_score = None;
    revised.kpis[0].quarters[1].own_weighted = None;
    revised
}

fn log(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn rcpt(m: &Value) -> Vec<String> {
    let mut r: Vec<String> = m["rcpt"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    r.sort();
    r
}

/// The messages by their sorted envelope recipients.
fn by_recipients(messages: &[Value]) -> std::collections::BTreeMap<Vec<String>, Value> {
    messages.iter().map(|m| (rcpt(m), m.clone())).collect()
}

#[test]
fn receipts_reach_the_registry_and_allowed_contacts_in_thai_with_attachments() {
    let share = MailShare::new("");
    let sink = share.sink();
    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));

    let messages = sink.messages();
    assert_eq!(
        messages.len(),
        3,
        "two receipts and a digest: {messages:#?}"
    );
    let by = by_recipients(&messages);
    let keys: Vec<&Vec<String>> = by.keys().collect();
    assert_eq!(
        keys,
        [
            &vec!["office@ministers.example.go.th".to_owned()],
            &vec!["planning@planning.example.go.th".to_owned()],
            &vec![
                "saraban@inspect.example.go.th".to_owned(),
                "somchai@inspect.example.go.th".to_owned()
            ],
        ],
        "the foreign contact e-mail is never mailed"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.to_string().contains("elsewhere.example.com"))
    );

    let inspection = &by[&vec![
        "saraban@inspect.example.go.th".to_owned(),
        "somchai@inspect.example.go.th".to_owned(),
    ]];
    let subject = inspection["subject"].as_str().unwrap();
    assert!(
        subject.contains("ผลการตรวจรายงานตัวชี้วัด สตป.: ผ่านการตรวจ"),
        "{subject}"
    );
    assert!(subject.contains(INSPECTION), "{subject}");
    let raw = inspection["raw_subject"].as_str().unwrap();
    assert!(
        raw.contains("=?utf-8?b?") || raw.contains("=?UTF-8?B?"),
        "RFC 2047: {raw}"
    );
    assert!(raw.is_ascii(), "{raw}");

    let receipt = share.receipt(INSPECTION);
    let parts = inspection["parts"].as_array().unwrap();
    // Mail carries lines ending CRLF.
    let body = parts[0]["text"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body == receipt.trim_start_matches('\u{feff}'),
        "the body is the receipt"
    );
    let th = body.find("คะแนน").expect("Thai half");
    let en = body.find("Scores").expect("English half");
    assert!(th < en, "Thai first, then English");
    let attached: Vec<&Value> = parts.iter().filter(|p| p["attachment"] == true).collect();
    // The workbook returned to สตป. with its findings marked, as the receipts step left it.
    let returned = share
        .env
        .path("share/receipts")
        .join(kpiwatch::pass::receipt::returned_path(INSPECTION));
    assert!(returned.is_file(), "{}", returned.display());
    assert_eq!(attached.len(), 2, "{parts:#?}");
    let text = attached[0]["text"].as_str().unwrap().replace("\r\n", "\n");
    assert!(text == receipt, "the receipt, as on the share");
    assert!(attached[0]["filename"].as_str().unwrap().ends_with(".txt"));
    let xlsx = b64(attached[1]["base64"].as_str().unwrap());
    assert_eq!(xlsx, std::fs::read(&returned).unwrap());
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx))
        .expect("the returned workbook opens");

    // สร.'s receipt with the workbook returned to it: what exists beside the receipt goes.
    let ministers = &by[&vec!["office@ministers.example.go.th".to_owned()]];
    let attached = ministers["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["attachment"] == true)
        .count();
    let ministers_returned = share
        .env
        .path("share/receipts")
        .join(kpiwatch::pass::receipt::returned_path(MINISTERS));
    assert_eq!(attached, 1 + usize::from(ministers_returned.is_file()));

    let digest = &by[&vec!["planning@planning.example.go.th".to_owned()]];
    let subject = digest["subject"].as_str().unwrap();
    assert!(subject.contains("ผ่าน 2 ไม่ผ่าน 0"), "{subject}");
    assert!(subject.contains("2 accepted, 0 rejected"), "{subject}");
    let text = digest["parts"][0]["text"].as_str().unwrap();
    assert!(text.contains("สตป.") && text.contains("สร."), "{text}");
    // Both halves say the summary is up to date.
    // Lines as the mail carries them (CRLF).
    assert!(text.contains("จาก 2 หน่วยงาน (รายการด้านล่าง)"), "{text}");
    assert!(text.contains("ไฟล์สรุปผลตัวชี้วัดปรับเป็นข้อมูลล่าสุดแล้ว"), "{text}");
    assert!(
        text.contains("from 2 divisions (listed above). The summary workbook is up to date."),
        "{text}"
    );

    assert_eq!(share.outbox(), [("sent".to_owned(), 3)]);
    // A pass with nothing new mails nothing.
    let out = share.kpiwatch(&["run"], "2021-01-15 12:00:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3);
}

fn b64(text: &str) -> Vec<u8> {
    // Python wrote it; decode it the same way to compare bytes.
    let out = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import base64,sys; sys.stdout.buffer.write(base64.b64decode(sys.argv[1]))",
        ])
        .arg(text)
        .output()
        .unwrap();
    out.stdout
}

#[test]
fn a_down_server_loses_nothing_and_doubles_nothing() {
    let share = MailShare::new("");
    // Nothing listens yet: the pass still succeeds and the messages wait.
    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a down mail server does not fail the pass: {}",
        log(&out)
    );
    assert!(log(&out).contains("will retry"), "{}", log(&out));
    assert_eq!(share.outbox(), [("queued".to_owned(), 3)]);
    let ledger = share.env.ledger().unwrap();
    let (status, attempts, error) = ledger.message_state(1).unwrap().unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.is_some());
    drop(ledger);

    let sink = share.sink();
    // Within the backoff (60 s): not tried yet.
    let out = share.kpiwatch(&["run"], "2021-01-15 09:30:30");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 0);
    // After it: each message exactly once.
    let out = share.kpiwatch(&["run"], "2021-01-15 09:32:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3);

    // The server goes away; สตป. sends a revision; its receipt waits for the server's return.
    sink.stop();
    let revised = revised_inspection();
    share.env.write(
        format!("share/inbox/{INSPECTION}"),
        &workbook_bytes(&revised),
    );
    let out = share.kpiwatch(&["run"], "2021-01-15 09:40:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let back = SmtpSink::start(share.port, &share.env.path("smtp-back"), None);
    let out = share.kpiwatch(&["run"], "2021-01-15 09:42:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let out = share.kpiwatch(&["run"], "2021-01-15 10:45:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let messages = back.messages();
    let recipients: Vec<Vec<String>> = messages.iter().map(rcpt).collect();
    assert_eq!(
        recipients,
        [
            vec![
                "saraban@inspect.example.go.th".to_owned(),
                "somchai@inspect.example.go.th".to_owned()
            ],
            vec!["planning@planning.example.go.th".to_owned()],
        ],
        "the revision's receipt once, then the digest its interval held back"
    );
    let ids: std::collections::BTreeSet<String> = messages
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(share.outbox(), [("sent".to_owned(), 5)]);
}

#[test]
fn the_server_stopping_in_the_middle_of_a_delivery_loses_and_doubles_nothing() {
    let share = MailShare::new("");
    let sink = share.sink();
    let hook = share.env.path("hook");
    std::fs::create_dir_all(&hook).unwrap();
    let child = share
        .command(&["run"], T0)
        .env("KPIWATCH_TEST_PAUSE_AFTER_SEND", &hook)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    while !hook.join("sent").exists() {
        assert!(
            Instant::now() < deadline,
            "run never sent its first message"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // One message is through; the server goes away before the others.
    let first: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .collect();
    sink.stop();
    std::fs::write(hook.join("go"), b"").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a down server does not fail the pass: {}",
        log(&out)
    );
    assert_eq!(
        share.outbox(),
        [("queued".to_owned(), 2), ("sent".to_owned(), 1)]
    );

    // Back after the backoff: the two that waited go, once each; the first never again.
    let back = SmtpSink::start(share.port, &share.env.path("smtp-back"), None);
    let out = share.kpiwatch(&["run"], "2021-01-15 09:32:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let rest = back.messages();
    assert_eq!(first.len(), 1);
    assert_eq!(rest.len(), 2);
    let mut ids: Vec<String> = rest
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .chain(first)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three messages, none twice");
    assert_eq!(share.outbox(), [("sent".to_owned(), 3)]);
}

#[test]
fn killed_between_recording_and_sending_sends_exactly_once() {
    let share = MailShare::new("");
    let sink = share.sink();
    let hook = share.env.path("hook");
    std::fs::create_dir_all(&hook).unwrap();
    let mut child = share
        .command(&["run"], T0)
        .env("KPIWATCH_TEST_PAUSE_AFTER_QUEUE", &hook)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    while !hook.join("queued").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "run ended before queueing mail"
        );
        assert!(Instant::now() < deadline, "run never queued mail");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill9(&mut child);
    assert_eq!(sink.count(), 0, "killed before sending");
    // Killed once the receipts were recorded, before the digest was.
    assert_eq!(share.outbox(), [("queued".to_owned(), 2)]);

    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3, "sent once after the crash");
    let out = share.kpiwatch(&["mail"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3, "and never again");
}

#[test]
fn dry_runs_write_eml_files_and_send_nothing() {
    let share = MailShare::new("");
    let sink = share.sink();
    let out = share.kpiwatch(&["run", "--mail-dry-run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 0);
    let mut emls: Vec<PathBuf> = std::fs::read_dir(share.env.path("state/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    emls.sort();
    assert_eq!(emls.len(), 3, "{emls:?}");
    let parsed = parse_eml(&emls);
    assert!(
        parsed
            .iter()
            .any(|m| m["subject"].as_str().unwrap().contains("สรุปรายงานตัวชี้วัด"))
    );
    // A dry run is a look, not a delivery: the messages stay queued, and go when mail is sent.
    assert_eq!(share.outbox(), [("queued".to_owned(), 3)]);
    let out = share.kpiwatch(&["mail", "--dry-run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 0);
    assert_eq!(share.outbox(), [("queued".to_owned(), 3)]);
    let out = share.kpiwatch(&["mail"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3);
    assert_eq!(share.outbox(), [("sent".to_owned(), 3)]);
}

#[test]
fn an_office_without_smtp_delivers_as_eml_files() {
    let share = MailShare::new("dry_run = true");
    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let emls = std::fs::read_dir(share.env.path("state/outbox"))
        .unwrap()
        .count();
    assert_eq!(emls, 3);
    // Written is delivered: nothing waits to be written again.
    assert_eq!(share.outbox(), [("written".to_owned(), 3)]);
}

#[test]
fn the_password_comes_from_the_named_environment_variable() {
    let share = MailShare::new("user = \"kpi\"\npassword_env = \"KPIWATCH_TEST_SMTP_PASSWORD\"");
    let sink = SmtpSink::start(
        share.port,
        &share.env.path("smtp"),
        Some(("kpi", "ลับ-secret")),
    );
    let out = share
        .command(&["run"], T0)
        .env_remove("KPIWATCH_TEST_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 0);
    let ledger = share.env.ledger().unwrap();
    let (_, _, error) = ledger.message_state(1).unwrap().unwrap();
    assert!(error.unwrap().contains("KPIWATCH_TEST_SMTP_PASSWORD"));
    drop(ledger);

    // By hand, with the password: everything queued goes now, whatever its retry time.
    let out = share
        .command(&["mail"], T0)
        .env("KPIWATCH_TEST_SMTP_PASSWORD", "ลับ-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(log(&out).contains("3 sent"), "{}", log(&out));
    assert_eq!(sink.count(), 3);
}

#[test]
fn the_digest_goes_at_most_once_per_interval() {
    let share = MailShare::new("digest_interval_minutes = 60");
    let sink = share.sink();
    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3, "two receipts and the first digest");

    // สตป. sends a revision ten minutes later: its receipt goes at once, the digest waits.
    let revised = revised_inspection();
    share.env.write(
        format!("share/inbox/{INSPECTION}"),
        &workbook_bytes(&revised),
    );
    let out = share.kpiwatch(&["run"], "2021-01-15 09:40:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 4);
    let digests = |s: &SmtpSink| {
        s.messages()
            .iter()
            .filter(|m| rcpt(m) == ["planning@planning.example.go.th"])
            .count()
    };
    assert_eq!(digests(&sink), 1);

    // An hour after the first, the next pass (nothing new) sends the digest of the revision.
    let out = share.kpiwatch(&["run"], "2021-01-15 10:31:00");
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(digests(&sink), 2);
    let last = sink.messages().pop().unwrap();
    assert!(
        last["subject"].as_str().unwrap().contains("ผ่าน 1 ไม่ผ่าน 0"),
        "{last}"
    );
}

#[test]
fn watch_sends_receipts_beside_its_passes() {
    let share = MailShare::new("");
    let sink = share.sink();
    let mut w = crate::harness::Watcher::start_with(
        &share.env,
        &[
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
        &[],
    );
    w.wait_until("three messages delivered", || sink.count() >= 3);
    let log = w.stop();
    assert_eq!(sink.count(), 3, "{log}");
    assert_eq!(share.outbox(), [("sent".to_owned(), 3)]);
}

#[test]
fn a_refused_recipient_is_given_up_and_the_rest_are_sent() {
    let share = MailShare::new("");
    let config = std::fs::read_to_string(share.env.path("kpiwatch.toml")).unwrap();
    let config = config.replace("office@ministers", "nobody@ministers");
    share.env.write("kpiwatch.toml", config.as_bytes());
    let sink = share.sink();
    let out = share.kpiwatch(&["run"], T0);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(log(&out).contains("mail given up"), "{}", log(&out));
    assert_eq!(sink.count(), 2, "สตป.'s receipt and the digest");
    assert_eq!(
        share.outbox(),
        [("failed".to_owned(), 1), ("sent".to_owned(), 2)]
    );
}

/// The government mail service's way: STARTTLS (or TLS from the start), the server's
/// certificate checked against the trusted ones (here the test's own, by SSL_CERT_FILE), then
/// the login.
fn delivered_over_tls(mode: Tls, setting: &str) {
    let share = MailShare::new("user = \"kpi\"\npassword_env = \"KPIWATCH_TEST_SMTP_PASSWORD\"");
    let config = std::fs::read_to_string(share.env.path("kpiwatch.toml")).unwrap();
    let config = config.replace("tls = \"none\"", &format!("tls = \"{setting}\""));
    share.env.write("kpiwatch.toml", config.as_bytes());
    let (cert, key) = self_signed(&share.env.path("tls"));
    let sink = SmtpSink::start_with(
        share.port,
        &share.env.path("smtp"),
        Some(("kpi", "secret")),
        Some((mode, &cert, &key)),
    );
    // Not trusted: nothing is sent, and the pass does not fail for it.
    let out = share
        .command(&["run"], T0)
        .env("KPIWATCH_TEST_SMTP_PASSWORD", "secret")
        .env("SSL_CERT_FILE", share.env.path("tls/none.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(log(&out).contains("certificate"), "{}", log(&out));
    assert_eq!(sink.count(), 0);
    // Trusted: sent.
    let out = share
        .command(&["mail"], T0)
        .env("KPIWATCH_TEST_SMTP_PASSWORD", "secret")
        .env("SSL_CERT_FILE", &cert)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(sink.count(), 3);
}

#[test]
fn starttls_checks_the_certificate_then_logs_in() {
    delivered_over_tls(Tls::Starttls, "starttls");
}

#[test]
fn implicit_tls_checks_the_certificate_then_logs_in() {
    delivered_over_tls(Tls::Implicit, "tls");
}
