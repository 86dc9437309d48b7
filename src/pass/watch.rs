//! `kpiwatch watch`: keeps the summary current while divisions drop files, for months,
//! unattended. A catch-up pass on start, then a pass whenever the inbox changes and settles.
//!
//! File-system events only say "look again"; what to read is always decided by a full scan
//! against the ledger, so a missed, duplicated or reordered event can never lose or double a
//! submission. Events are debounced and coalesced: a burst of 200 files gives a few passes.
//! On SMB/CIFS and NFS shares native events never arrive, so a polling watcher is offered.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use crate::pass::RunConfig;
use crate::pass::consolidate::{
    PassError, PassOptions, PassReport, Stability, State, clean_up_after_crash, run_pass_gated,
};
use crate::pass::share::{Share, ShareError, is_clutter};

/// How `watch` learns about changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WatchMode {
    /// The operating system's notifications (inotify, ReadDirectoryChangesW, FSEvents).
    Native,
    /// Rescan the inbox at this interval: the only thing that works on network shares.
    Poll(Duration),
}

/// The runtime configuration of `watch`.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub run: RunConfig,
    pub mode: WatchMode,
    /// How long to wait after the last event before looking (coalesces bursts).
    pub debounce: Duration,
    /// A full pass this often even without events, in case the platform dropped some.
    pub rescan: Duration,
}

impl WatchConfig {
    pub fn new(run: RunConfig, poll: Option<Duration>) -> Self {
        let poll = poll.or_else(|| run.config.watch.poll_interval());
        Self {
            run,
            mode: poll.map_or(WatchMode::Native, WatchMode::Poll),
            debounce: Duration::from_millis(500),
            rescan: Duration::from_secs(300),
        }
    }
}

/// Asks a running watcher to stop after the write in progress.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    flag: Arc<AtomicBool>,
    wake: Arc<std::sync::Mutex<Option<Sender<Message>>>>,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn request(&self) {
        self.flag.store(true, Ordering::SeqCst);
        if let Ok(guard) = self.wake.lock()
            && let Some(tx) = guard.as_ref()
        {
            let _ = tx.send(Message::Shutdown);
        }
    }

    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// What wakes the watch loop.
#[derive(Debug)]
pub enum Message {
    /// Something under the inbox changed.
    Changed,
    /// The watcher itself failed (the inbox vanished, a network drive dropped).
    WatcherFailed(String),
    Shutdown,
}

/// Keeps the native or polling debouncer alive; dropping it stops watching.
enum Watching {
    Native {
        _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    },
    Poll {
        _debouncer: Debouncer<PollWatcher, RecommendedCache>,
    },
}

fn start_watching(
    inbox: &Path,
    cfg: &WatchConfig,
    tx: Sender<Message>,
) -> notify::Result<Watching> {
    let handler = move |res: DebounceEventResult| match res {
        Ok(events) => {
            // Office's own lock and temporary files cause nothing. A new folder does: a file
            // moved into it may land before the watch on the folder is in place, and only the
            // scan of the next pass will see it.
            let relevant = events.iter().any(|e| {
                e.paths.iter().any(|p| {
                    p.file_name()
                        .is_some_and(|n| !is_clutter(&n.to_string_lossy()))
                })
            });
            if relevant {
                let _ = tx.send(Message::Changed);
            }
        }
        Err(errors) => {
            let text = errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            let _ = tx.send(Message::WatcherFailed(text));
        }
    };
    let watching = match cfg.mode {
        WatchMode::Native => {
            let mut d = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                cfg.debounce,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?;
            d.watch(inbox, RecursiveMode::Recursive)?;
            Watching::Native { _debouncer: d }
        }
        WatchMode::Poll(interval) => {
            let mut d = new_debouncer_opt::<_, PollWatcher, RecommendedCache>(
                cfg.debounce,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default().with_poll_interval(interval),
            )?;
            d.watch(inbox, RecursiveMode::Recursive)?;
            Watching::Poll { _debouncer: d }
        }
    };
    Ok(watching)
}

/// What the watch loop keeps from one wake-up to the next.
struct Loop {
    /// `None` until the watcher is (re-)created.
    watching: Option<Watching>,
    /// The last pass could not read the inbox (said once, until it is back).
    inbox_down: bool,
    /// When the next pass is due, if sooner than the periodic rescan.
    next_pass: Option<Instant>,
    last_pass: Instant,
    /// How long to wait before trying again after a failure.
    retry: Duration,
    /// The day reminders were last decided for: a new day decides them again without waiting
    /// for a file to arrive.
    reminded_on: Option<chrono::NaiveDate>,
}

impl Loop {
    /// Logs what a pass did and decides when to look again.
    fn after_pass(&mut self, result: Result<PassReport, PassError>, stability: &Stability) {
        match result {
            Ok(report) => {
                if self.inbox_down {
                    tracing::info!("the inbox is back; caught up");
                    self.inbox_down = false;
                }
                if report.new_versions > 0 || report.removed > 0 || !report.summaries.is_empty() {
                    tracing::info!(
                        new_versions = report.new_versions,
                        accepted = report.accepted,
                        rejected = report.rejected,
                        removed = report.removed,
                        summaries = report.summaries.len(),
                        "pass done"
                    );
                }
                if !report.pending.is_empty()
                    || !report.retries.is_empty()
                    || !report.failures.is_empty()
                {
                    // Still arriving, locked, or unwritable: look again soon.
                    let again = stability.quiet().max(Duration::from_millis(250));
                    self.next_pass = Some(Instant::now() + again);
                }
            }
            Err(PassError::Share(ShareError::ReadInbox { path, source })) => {
                if !self.inbox_down {
                    tracing::warn!(inbox = %path.display(), error = %source, "the inbox is not reachable (network share dropped?); will keep trying");
                    self.inbox_down = true;
                }
                self.watching = None;
                self.next_pass = Some(Instant::now() + self.retry);
            }
            Err(e) => {
                // The ledger is consistent after any failed pass; try again later.
                tracing::error!(error = %e, "pass failed; will retry");
                self.next_pass = Some(Instant::now() + self.retry.max(Duration::from_secs(5)));
            }
        }
    }
}

/// How often an idle watcher looks whether the day changed: reminders fall due by the
/// calendar, not by files arriving.
const DAY_CHECK: Duration = Duration::from_secs(1);

/// Decides the reminders of a day no pass has decided yet, and wakes the sender for them.
fn remind(
    cfg: &WatchConfig,
    ledger: &mut crate::ledger::Ledger,
    mail: Option<&crate::pass::mail::sender::MailSender>,
    lp: &mut Loop,
) {
    match crate::pass::mail::remind::queue(&cfg.run.config, ledger) {
        Ok(n) => {
            lp.reminded_on = Some(crate::clock::now().date_naive());
            if n > 0 {
                tracing::info!(messages = n, "reminders queued");
                if let Some(m) = mail {
                    m.wake();
                }
            }
        }
        Err(e) => {
            // Tried again after the next pass, not every second.
            lp.reminded_on = Some(crate::clock::now().date_naive());
            tracing::error!(error = %e, "cannot queue reminders; the next pass tries again")
        }
    }
}

/// Runs until `shutdown` is requested. Errors only when it cannot start (no share, state in use).
pub fn watch(cfg: &WatchConfig, shutdown: &Shutdown) -> Result<(), PassError> {
    let share = Share::open(&cfg.run.share, &cfg.run.config.folders)?;
    let mut state = State::open(&cfg.run.state_dir)?;
    clean_up_after_crash(&share, &mut state.ledger)?;
    let (tx, rx): (Sender<Message>, Receiver<Message>) = mpsc::channel();
    if let Ok(mut wake) = shutdown.wake.lock() {
        *wake = Some(tx.clone());
    }
    let mut stability = Stability::new(cfg.run.config.watch.quiet_period());
    let mode = match cfg.mode {
        WatchMode::Native => "native events".to_owned(),
        WatchMode::Poll(d) => format!("polling every {:.1} s", d.as_secs_f64()),
    };
    tracing::info!(share = %share.root.display(), state = %cfg.run.state_dir.display(), mode = %mode, "watching");

    // Mail goes out beside the passes; each pass only queues it.
    let mail = cfg
        .run
        .config
        .mail
        .clone()
        .map(|m| crate::pass::mail::sender::MailSender::start(m, cfg.run.state_dir.clone()));
    let mut lp = Loop {
        watching: None,
        inbox_down: false,
        // The catch-up pass: whatever arrived while kpiwatch was not running.
        next_pass: Some(Instant::now()),
        last_pass: Instant::now(),
        retry: match cfg.mode {
            WatchMode::Poll(d) => d,
            WatchMode::Native => Duration::from_secs(5),
        },
        reminded_on: None,
    };

    while !shutdown.requested() {
        if lp.watching.is_none() && share.inbox.is_dir() {
            match start_watching(&share.inbox, cfg, tx.clone()) {
                Ok(w) => lp.watching = Some(w),
                Err(e) => tracing::warn!(error = %e, "cannot watch the inbox yet; retrying"),
            }
        }
        let now = Instant::now();
        let due = lp.next_pass.unwrap_or(lp.last_pass + cfg.rescan);
        let wait = due.saturating_duration_since(now);
        let day_check = wait > DAY_CHECK;
        match rx.recv_timeout(wait.min(DAY_CHECK)) {
            Ok(Message::Changed) => {
                // Let the burst settle: one pass for many events.
                let at = Instant::now() + cfg.debounce;
                lp.next_pass = Some(lp.next_pass.map_or(at, |t| t.min(at)));
            }
            Ok(Message::WatcherFailed(e)) => {
                tracing::warn!(error = %e, "the watcher failed; will re-create it");
                lp.watching = None;
                lp.next_pass = Some(Instant::now() + lp.retry);
            }
            Ok(Message::Shutdown) => break,
            Err(RecvTimeoutError::Timeout) if day_check => {
                if lp.reminded_on != Some(crate::clock::now().date_naive()) {
                    remind(cfg, &mut state.ledger, mail.as_ref(), &mut lp);
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                lp.last_pass = Instant::now();
                lp.next_pass = None;
                let result = run_pass_gated(
                    &share,
                    &cfg.run.config,
                    &mut state.ledger,
                    &PassOptions { progress: false },
                    Some(&mut stability),
                    Some(&shutdown.flag),
                );
                if result.is_ok() {
                    match crate::pass::mail::queue(&share, &cfg.run.config, &mut state.ledger) {
                        Ok(n) if n > 0 => {
                            if let Some(m) = &mail {
                                m.wake();
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::error!(error = %e, "cannot queue mail; the next pass tries again")
                        }
                    }
                    // `queue` decided today's reminders too.
                    lp.reminded_on = Some(crate::clock::now().date_naive());
                }
                lp.after_pass(result, &stability);
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Stops watching (and mailing) before saying so.
    drop(lp);
    drop(mail);
    tracing::info!("stopped; the ledger is consistent");
    Ok(())
}
