//! A real SMTP server for the mail tests: `tests/mail/smtp_sink.py` (aiosmtpd) on a free port
//! of 127.0.0.1, storing each message it accepts, and Python's email package reading them back
//! as a mail client would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{kill9, repo};

/// The python3 the tests use (the one LibreOffice's UNO bridge is installed for).
const PYTHON: &str = "/usr/bin/python3";

/// How a test server speaks TLS.
#[derive(Clone, Copy)]
pub enum Tls {
    Starttls,
    Implicit,
}

/// A self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem` in `dir`), made with the
/// openssl command. Not a CA certificate: rustls refuses a CA's as a server's own.
pub fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .args(["-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// A running SMTP server; dropping it stops it.
pub struct SmtpSink {
    child: Option<Child>,
    pub dir: PathBuf,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl SmtpSink {
    /// Starts a server on `port` storing messages under `dir`; with `auth`, it requires that
    /// user and password.
    pub fn start(port: u16, dir: &Path, auth: Option<(&str, &str)>) -> Self {
        Self::start_with(port, dir, auth, None)
    }

    /// [`SmtpSink::start`] speaking TLS with `cert` and `key` (PEM files): STARTTLS (required
    /// before anything else) or, with `Tls::Implicit`, TLS from the first byte.
    pub fn start_with(
        port: u16,
        dir: &Path,
        auth: Option<(&str, &str)>,
        tls: Option<(Tls, &Path, &Path)>,
    ) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let _ = std::fs::remove_file(dir.join("ready"));
        let _ = std::fs::remove_file(dir.join("stop"));
        let mut c = Command::new(PYTHON);
        c.arg(repo("tests/mail/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((user, password)) = auth {
            c.arg("--auth").arg(user).arg(password);
        }
        if let Some((mode, cert, key)) = tls {
            c.arg(match mode {
                Tls::Starttls => "--starttls",
                Tls::Implicit => "--tls",
            })
            .arg(cert)
            .arg(key);
        }
        let mut child = c.spawn().expect("python3 with aiosmtpd (see .ci/run)");
        // Bounded: only turns a server that never starts into a failure.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !dir.join("ready").exists() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the SMTP server exited ({status}): is aiosmtpd installed for {PYTHON}?");
            }
            assert!(Instant::now() < deadline, "the SMTP server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child: Some(child),
            dir: dir.to_owned(),
        }
    }

    /// Stops the server and waits until the port is closed.
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = std::fs::write(self.dir.join("stop"), b"");
            let deadline = Instant::now() + Duration::from_secs(30);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            kill9(&mut child);
        }
    }

    /// The messages received so far, oldest first: each as Python's email package reads it,
    /// with the envelope's recipients under `"rcpt"`.
    pub fn messages(&self) -> Vec<Value> {
        let mut emls: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        emls.sort();
        let mut parsed = parse_eml(&emls);
        for (m, eml) in parsed.iter_mut().zip(&emls) {
            let rcpt = std::fs::read_to_string(eml.with_extension("rcpt")).unwrap();
            m["rcpt"] = rcpt.lines().map(|l| Value::from(l.to_owned())).collect();
        }
        parsed
    }

    pub fn count(&self) -> usize {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|e| e == "eml")
            })
            .count()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.shut();
    }
}

/// `.eml` files read by Python's email package (see `tests/mail/eml_json.py`).
pub fn parse_eml(files: &[PathBuf]) -> Vec<Value> {
    if files.is_empty() {
        return Vec::new();
    }
    let out = Command::new(PYTHON)
        .arg(repo("tests/mail/eml_json.py"))
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "eml_json.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).unwrap() {
        Value::Array(a) => a,
        other => panic!("not a list: {other}"),
    }
}
