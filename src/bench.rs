//! Measurements quoted in the README, as commands anyone can rerun: the calamine floor (what
//! opening the same files and reading the same cells costs with nothing else), and the watch
//! latency (a file becoming stable → the summary replaced). Timings are reported, never asserted.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use rayon::prelude::*;

use crate::layout;
use crate::share::is_ignored;

/// Every workbook under `inbox`, recursively.
fn workbooks(inbox: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![inbox.to_owned()];
    while let Some(dir) = pending.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                pending.push(p);
            } else if !is_ignored(&e.file_name().to_string_lossy()) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The floor: read each file once, open it with calamine and stream every cell of the sheets
/// kpiwatch reads (all but the instructions), in parallel as `run` does. Nothing is judged,
/// stored or written. Returns (files, cells, elapsed).
pub fn floor(inbox: &Path) -> (usize, usize, Duration) {
    let files = workbooks(inbox);
    let started = Instant::now();
    let cells: usize = files
        .par_iter()
        .map(|p| {
            let Ok(bytes) = std::fs::read(p) else {
                return 0;
            };
            let Ok(mut wb) = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(&bytes[..])) else {
                return 0;
            };
            let mut n = 0;
            for name in wb.sheet_names() {
                if name == layout::INSTRUCTIONS_SHEET {
                    continue;
                }
                let Ok(mut reader) = wb.worksheet_cells_reader(&name) else {
                    continue;
                };
                while let Ok(Some(_)) = reader.next_cell() {
                    n += 1;
                }
            }
            n
        })
        .sum();
    (files.len(), cells, started.elapsed())
}

/// The same files through kpiwatch's reader alone, then through the reader and the checks
/// (reading, validation and scoring: what `run` does to a file before the archive and the
/// ledger). Set beside the floor, these say where a run's time goes.
pub fn read_and_check(inbox: &Path) -> (Duration, Duration) {
    let files = workbooks(inbox);
    let limits = crate::reader::Limits::default();
    let started = Instant::now();
    files.par_iter().for_each(|p| {
        if let Ok(bytes) = std::fs::read(p) {
            std::hint::black_box(crate::reader::read(&bytes, &limits));
        }
    });
    let read = started.elapsed();
    let opts = crate::validate::CheckOptions::default();
    let started = Instant::now();
    files.par_iter().for_each(|p| {
        if let Ok(bytes) = std::fs::read(p) {
            std::hint::black_box(crate::validate::check_bytes(&bytes, &opts));
        }
    });
    (read, started.elapsed())
}

/// `kpiwatch bench floor INBOX`.
pub fn run_floor(inbox: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let (files, cells, elapsed) = floor(inbox);
    let per_file = |d: Duration| d.as_secs_f64() * 1000.0 / files.max(1) as f64;
    writeln!(
        out,
        "calamine floor: {files} workbooks, {cells} cells read in {:.2} s ({:.2} ms per workbook, {} threads)",
        elapsed.as_secs_f64(),
        per_file(elapsed),
        rayon::current_num_threads()
    )?;
    let (read, checked) = read_and_check(inbox);
    writeln!(
        out,
        "kpiwatch reader: {:.2} s ({:.2} ms per workbook)",
        read.as_secs_f64(),
        per_file(read)
    )?;
    writeln!(
        out,
        "reader + validation + scoring: {:.2} s ({:.2} ms per workbook)",
        checked.as_secs_f64(),
        per_file(checked)
    )
}

/// What identifies one version of the summary folder's files.
fn summary_stamp(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, u64)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.path(), m.modified().ok()?, m.len()))
        })
        .collect();
    v.sort();
    v
}

/// Drops `samples` new workbooks into a share the watcher is keeping current, one at a time,
/// and measures from the moment each lands complete (renamed into the inbox) to the moment the
/// summary is replaced. The quiet period is part of that time by design; the figure without it
/// is reported too.
pub fn watch_latency(
    share_root: &Path,
    state: &Path,
    config: &crate::config::Config,
    samples: usize,
) -> Result<Vec<Duration>, crate::consolidate::PassError> {
    use crate::commands::run::RunConfig;
    use crate::watch::{Shutdown, WatchConfig, watch};

    let share = crate::share::Share::open(share_root, &config.folders)?;
    let cfg = WatchConfig::new(
        RunConfig {
            share: share_root.to_owned(),
            config: config.clone(),
            state_dir: state.to_owned(),
            progress: false,
        },
        None,
    );
    let shutdown = Shutdown::new();
    let handle = shutdown.clone();
    let watcher = std::thread::spawn(move || watch(&cfg, &handle));
    // Let the catch-up pass finish: the summary stops changing.
    let mut stamp = summary_stamp(&share.summary);
    loop {
        std::thread::sleep(Duration::from_secs(3));
        let now = summary_stamp(&share.summary);
        if now == stamp && !now.is_empty() {
            break;
        }
        stamp = now;
    }
    let mut out = Vec::new();
    // New content and a new folder every time: a workbook an earlier measurement already left
    // in the share would be recognised as unchanged and never replace the summary.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 1_000_000) as usize;
    for i in 0..samples {
        let n = 1_000_000 + run * 100 + i;
        let (sub, _) = crate::demo::generate_submission(n, crate::demo::DEFAULT_SEED);
        let bytes = crate::template::to_bytes(
            &sub,
            &crate::template::TemplateOptions {
                kpi_sheets: sub.kpis.len(),
                fiscal_year: sub.fiscal_year,
            },
        )
        .map_err(|e| crate::consolidate::PassError::State {
            path: share.inbox.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let dir = share.inbox.join(format!("latency-{n}"));
        let dest = dir.join("kpi.xlsx");
        let tmp = dir.join(".arriving");
        let io = |source| crate::consolidate::PassError::State {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::write(&tmp, &bytes).map_err(io)?;
        let before = summary_stamp(&share.summary);
        let landed = Instant::now();
        std::fs::rename(&tmp, &dest).map_err(io)?;
        while summary_stamp(&share.summary) == before {
            if landed.elapsed() > Duration::from_secs(300) {
                shutdown.request();
                let _ = watcher.join();
                return Err(crate::consolidate::PassError::State {
                    path: share.summary.clone(),
                    source: std::io::Error::other(format!(
                        "{} arrived 5 minutes ago and the summary is still unchanged",
                        dest.display()
                    )),
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        out.push(landed.elapsed());
    }
    shutdown.request();
    let _ = watcher.join();
    Ok(out)
}

/// `kpiwatch bench watch-latency`.
pub fn run_watch_latency(
    share: &Path,
    state: &Path,
    config: &crate::config::Config,
    samples: usize,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let quiet = config.watch.quiet_period();
    let times = watch_latency(share, state, config, samples)?;
    for (i, t) in times.iter().enumerate() {
        writeln!(
            out,
            "sample {}: {:.2} s from landing to summary replaced ({:.2} s after the {:.1} s quiet period)",
            i + 1,
            t.as_secs_f64(),
            t.saturating_sub(quiet).as_secs_f64(),
            quiet.as_secs_f64()
        )?;
    }
    let mut sorted = times.clone();
    sorted.sort();
    if let Some(median) = sorted.get(sorted.len() / 2) {
        writeln!(
            out,
            "median: {:.2} s ({:.2} s after the quiet period)",
            median.as_secs_f64(),
            median.saturating_sub(quiet).as_secs_f64()
        )?;
    }
    Ok(())
}
