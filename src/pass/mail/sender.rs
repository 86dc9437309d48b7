//! The sender thread of `kpiwatch watch`: delivers the outbox beside the passes, on a ledger
//! connection of its own, so a slow or down mail server never holds a pass up.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::MailConfig;
use crate::ledger::Ledger;
use crate::pass::mail::{delivery, send};

/// Looks at the outbox this often when nothing wakes it, for messages whose retry came due.
const IDLE: Duration = Duration::from_secs(5);

/// A running sender; dropping it stops the thread after its current delivery.
pub struct MailSender {
    wake: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MailSender {
    /// Starts delivering from the ledger in `state_dir`.
    pub fn start(mail: MailConfig, state_dir: PathBuf) -> Self {
        let (wake, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("mail".into())
            .spawn(move || run(&mail, &state_dir, &rx))
            .map_err(|e| tracing::error!(error = %e, "cannot start the mail sender; mail waits for `kpiwatch mail`"))
            .ok();
        Self {
            wake: Some(wake),
            thread,
        }
    }

    /// Asks for a delivery now (messages were just queued).
    pub fn wake(&self) {
        if let Some(w) = &self.wake {
            let _ = w.send(());
        }
    }
}

impl Drop for MailSender {
    fn drop(&mut self) {
        self.wake = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(mail: &MailConfig, state_dir: &std::path::Path, rx: &Receiver<()>) {
    let mut ledger = match Ledger::open(&crate::pass::state::ledger_path(state_dir)) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "the mail sender cannot open the ledger; mail waits for `kpiwatch mail`");
            return;
        }
    };
    let how = delivery(mail, state_dir, false);
    loop {
        if let Err(e) = send::deliver(&mut ledger, mail, &how) {
            tracing::error!(error = %e, "cannot deliver mail");
        }
        match rx.recv_timeout(IDLE) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}
