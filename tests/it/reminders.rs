//! Reminders before a round's due date, end to end against a real SMTP server with the test
//! clock: the days they fall on, who gets one (not the division that sent on time, nor an
//! excused one, nor one without an address), never twice, a missed step replaced by the latest,
//! none after the due date, and `watch` noticing the day change without any file arriving.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use kpiwatch::domain::model::{Quarter, Submission};
use kpiwatch::domain::samples;

use crate::harness::{TestEnv, Watcher, kill9, numbered, workbook_bytes};
use crate::smtp::{SmtpSink, free_port, parse_eml};

/// Round 2 (รอบ 6 เดือน) of 2564 is due on 15 April 2021. ทส.001 sends on time, ทส.002 never,
/// ทส.003 is excused, ทส.004 sends a rejected file, ทส.005 has no address.
fn config(port: u16) -> String {
    format!(
        r#"
fiscal_year = 2564
[watch]
quiet_period_secs = 0.5
[mail]
host = "127.0.0.1"
port = {port}
tls = "none"
from = "kpiwatch <kpi@planning.example.go.th>"
office = "planning@planning.example.go.th"
timeout_secs = 5
remind_days_before = [7, 1]
[[division]]
code = "ทส.001"
name = "กองหนึ่ง"
folder = "d1"
email = "d1@example.go.th"
[[division]]
code = "ทส.002"
name = "กองสอง"
folder = "d2"
email = "d2@example.go.th"
[[division]]
code = "ทส.003"
name = "กองสาม"
folder = "d3"
email = "d3@example.go.th"
[[division]]
code = "ทส.004"
name = "กองสี่"
folder = "d4"
email = "d4@example.go.th"
[[division]]
code = "ทส.005"
name = "กองห้า"
folder = "d5"
[[round]]
fiscal_year = 2564
round = 2
due = "15 เม.ย. 2564"
grace_days = 3
excused = ["ทส.003"]
"#
    )
}

const SUBJECT: &str =
    "แจ้งเตือน: ครบกำหนดส่งรายงานผลตัวชี้วัด รอบ 6 เดือน ปีงบประมาณ 2564 วันที่ 15 เม.ย. 2564 / Reminder:";

/// Division `n`'s round-2 report.
fn report(n: usize) -> Submission {
    let mut sub = numbered(samples::ministers_office(), format!("ทส.{n:03}"), n);
    sub.reporting_quarter = Some(Quarter::Q2);
    sub
}

fn rejected(n: usize) -> Vec<u8> {
    let mut sub = report(n);
    sub.kpis[0].weight = 120.0;
    workbook_bytes(&sub)
}

struct Share {
    env: TestEnv,
    sink: SmtpSink,
}

impl Share {
    fn new() -> Self {
        let env = TestEnv::new();
        let port = free_port();
        env.write("kpiwatch.toml", config(port).as_bytes());
        std::fs::create_dir_all(env.path("share/inbox")).unwrap();
        let sink = SmtpSink::start(port, &env.path("smtp"), None);
        Self { env, sink }
    }

    fn command(&self, now: &str, extra: &[&str]) -> Command {
        let mut c = self.env.kpiwatch();
        c.env("KPIWATCH_TEST_NOW", now)
            .args(["run", "--config", "kpiwatch.toml", "--state", "state"])
            .args(extra)
            .arg("share");
        c
    }

    fn run_at(&self, now: &str, extra: &[&str]) -> Output {
        let out = self.command(now, extra).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The reminders the server received, as (recipient, message), in arrival order.
    fn reminders(&self) -> Vec<(String, Value)> {
        reminders_in(self.sink.messages())
    }
}

fn reminders_in(messages: Vec<Value>) -> Vec<(String, Value)> {
    messages
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("แจ้งเตือน"))
        })
        .map(|m| {
            // The server's envelope; a dry run's .eml has only its To header.
            let to = m["rcpt"][0].as_str().or(m["to"][0].as_str()).unwrap();
            (to.to_owned(), m)
        })
        .collect()
}

fn recipients(r: &[(String, Value)]) -> Vec<&str> {
    let mut to: Vec<&str> = r.iter().map(|(t, _)| t.as_str()).collect();
    to.sort_unstable();
    to
}

fn body(m: &Value) -> String {
    m["parts"][0]["text"]
        .as_str()
        .unwrap()
        .replace("\r\n", "\n")
}

#[test]
fn reminders_go_seven_days_and_one_day_before_to_those_who_owe_once_each() {
    let share = Share::new();
    share
        .env
        .write("share/inbox/d1/kpi.xlsx", &workbook_bytes(&report(1)));
    share.env.write("share/inbox/d4/kpi.xlsx", &rejected(4));
    // Eight days before: too early.
    share.run_at("2021-04-07 09:00:00", &[]);
    assert!(share.reminders().is_empty(), "{:#?}", share.reminders());
    let receipts = share.sink.count();
    assert!(receipts > 0, "the receipts and the digest went");

    // Seven days before: the division that sent nothing and the one whose file was rejected.
    share.run_at("2021-04-08 09:00:00", &[]);
    let first = share.reminders();
    assert_eq!(
        recipients(&first),
        ["d2@example.go.th", "d4@example.go.th"],
        "not ทส.001 (sent on time), ทส.003 (excused), ทส.005 (no address)"
    );
    for (_, m) in &first {
        let subject = m["subject"].as_str().unwrap();
        assert!(subject.starts_with(SUBJECT), "{subject}");
        assert!(subject.contains("2021-04-15"), "{subject}");
        let raw = m["raw_subject"].as_str().unwrap();
        assert!(raw.is_ascii(), "RFC 2047 encoded: {raw}");
    }
    let (_, not_sent) = first.iter().find(|(t, _)| t == "d2@example.go.th").unwrap();
    let text = body(not_sent);
    for needle in [
        "เรียน กองสอง (ทส.002)",
        "รอบ 6 เดือน ปีงบประมาณ 2564",
        "15 เม.ย. 2564 (2021-04-15) อีก 7 วัน",
        "ยังไม่ได้รับรายงาน",
        "inbox/d2/",
        "planning@planning.example.go.th",
        "due on 2021-04-15",
        "in 7 days",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    assert!(text.find("เรียน").unwrap() < text.find("To กองสอง").unwrap());
    let (_, fix) = first.iter().find(|(t, _)| t == "d4@example.go.th").unwrap();
    let text = body(fix);
    assert!(
        text.contains("ไม่ผ่านการตรวจ") && text.contains("receipts/d4/"),
        "{text}"
    );
    assert!(text.contains("rejected: see its receipt"), "{text}");

    // The same day again: nothing new.
    share.run_at("2021-04-08 15:00:00", &[]);
    assert_eq!(share.reminders().len(), 2);

    // One day before: the second step, to the same two.
    share.run_at("2021-04-14 09:00:00", &[]);
    let all = share.reminders();
    assert_eq!(all.len(), 4, "{:#?}", recipients(&all));
    assert_eq!(
        recipients(&all[2..]),
        ["d2@example.go.th", "d4@example.go.th"]
    );
    assert!(body(&all[2].1).contains("อีก 1 วัน"));
    share.run_at("2021-04-14 17:00:00", &[]);

    // After the due date: the status sheet and `kpiwatch status` take over.
    share.run_at("2021-04-16 09:00:00", &[]);
    share.run_at("2021-04-25 09:00:00", &[]);
    assert_eq!(share.reminders().len(), 4);
    let ledger = share.env.ledger().unwrap();
    assert_eq!(ledger.dedup_keys_starting("reminder:").unwrap().len(), 4);
}

#[test]
fn a_missed_step_is_replaced_by_the_latest_and_dry_runs_write_eml() {
    let share = Share::new();
    // kpiwatch first runs the day before the due date: the 7-day step is not sent late.
    share.run_at("2021-04-14 09:00:00", &["--mail-dry-run"]);
    share.run_at("2021-04-15 09:00:00", &["--mail-dry-run"]);
    assert_eq!(share.sink.count(), 0, "a dry run sends nothing");
    let emls: Vec<_> = std::fs::read_dir(share.env.path("state/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-reminder.eml"))
        .collect();
    let reminders = reminders_in(parse_eml(&emls));
    assert_eq!(
        recipients(&reminders),
        ["d1@example.go.th", "d2@example.go.th", "d4@example.go.th"],
        "one each: the 1-day step only"
    );
    assert!(body(&reminders[0].1).contains("อีก 1 วัน"));
}

#[test]
fn killed_after_deciding_reminders_sends_each_once() {
    let share = Share::new();
    let hook = share.env.path("hook");
    std::fs::create_dir_all(&hook).unwrap();
    let mut child = share
        .command("2021-04-08 09:00:00", &[])
        .env("KPIWATCH_TEST_PAUSE_AFTER_QUEUE", &hook)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Bounded: only turns a run that never queues into a failure.
    let deadline = Instant::now() + Duration::from_secs(180);
    while !hook.join("queued").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "run ended before queueing"
        );
        assert!(Instant::now() < deadline, "run never queued the reminders");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill9(&mut child);
    assert_eq!(share.sink.count(), 0, "killed before sending");
    // Restarted the same day, and again: the recorded reminders go, none is decided twice.
    share.run_at("2021-04-08 09:05:00", &[]);
    share.run_at("2021-04-08 09:10:00", &[]);
    assert_eq!(
        recipients(&share.reminders()),
        ["d1@example.go.th", "d2@example.go.th", "d4@example.go.th"]
    );
}

#[test]
fn watch_reminds_when_the_day_changes_without_any_file() {
    let share = Share::new();
    let clock = share.env.write("now.txt", b"2021-04-07 09:00:00");
    share
        .env
        .write("share/inbox/d1/kpi.xlsx", &workbook_bytes(&report(1)));
    let mut w = Watcher::start_with(
        &share.env,
        &[
            "watch",
            "--config",
            "kpiwatch.toml",
            "--state",
            "state",
            "share",
        ],
        &[(
            "KPIWATCH_TEST_NOW",
            Path::new(&format!("@{}", clock.display())),
        )],
    );
    // The catch-up pass mails ทส.001's receipt and the digest, and no reminder yet.
    w.wait_until("the receipt and the digest", || share.sink.count() >= 2);
    assert!(share.reminders().is_empty());
    std::fs::write(&clock, "2021-04-08 00:00:05").unwrap();
    w.wait_until("reminders to ทส.002 and ทส.004", || {
        share.reminders().len() >= 2
    });
    assert_eq!(
        recipients(&share.reminders()),
        ["d2@example.go.th", "d4@example.go.th"]
    );
    w.stop();
}
