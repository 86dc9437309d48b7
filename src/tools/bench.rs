//! The measurements of docs/performance.md, as commands anyone can rerun: the calamine floor (what
//! opening the same files and reading the same cells costs with nothing else), and the watch
//! latency (a file becoming stable → the summary replaced). Timings are reported, never asserted.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use rayon::prelude::*;

use crate::pass::consolidate::PassError;
use crate::pass::share::{Share, is_ignored};
use crate::workbook::layout;

/// Every workbook under `inbox`, recursively (linked folders included, as files are measured
/// wherever they are).
fn workbooks(inbox: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(inbox)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir() && !is_ignored(&e.file_name().to_string_lossy()))
        .map(walkdir::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

/// Wall-clock and CPU time of one measured step.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub wall: Duration,
    /// User + system time of the whole process over the step (every thread), where the
    /// platform reports it: whether a longer step did more work or waited.
    pub cpu: Option<Duration>,
}

/// CPU time (user + system, every thread) this process has used so far.
fn cpu_time() -> Option<Duration> {
    #[cfg(all(
        unix,
        not(any(target_os = "netbsd", target_os = "redox", target_os = "solaris"))
    ))]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Duration::try_from(t).ok()
    }
    #[cfg(not(all(
        unix,
        not(any(target_os = "netbsd", target_os = "redox", target_os = "solaris"))
    )))]
    None
}

/// The median of a non-empty list (the mean of the middle two for an even count).
fn median_of(v: &mut [Duration]) -> Duration {
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// Runs `f`, measuring it.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Timing) {
    let cpu = cpu_time();
    let started = Instant::now();
    let value = f();
    let wall = started.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    (value, Timing { wall, cpu })
}

/// The floor: read each file once, open it with calamine and stream every cell of the sheets
/// kpiwatch reads (all but the instructions), in parallel as `run` does. Nothing is judged,
/// stored or written. Returns the cells read.
pub fn floor(files: &[PathBuf]) -> usize {
    files
        .par_iter()
        // Split finely, as `run` splits its work (see `consolidate`), so that no worker is
        // left reading alone at the end.
        .with_max_len(1)
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
        .sum()
}

/// The same files through kpiwatch's reader alone.
pub fn read(files: &[PathBuf]) {
    let limits = crate::workbook::reader::Limits::default();
    files.par_iter().with_max_len(1).for_each(|p| {
        if let Ok(bytes) = std::fs::read(p) {
            std::hint::black_box(crate::workbook::reader::read(&bytes, &limits));
        }
    });
}

/// The same files through the reader and the checks (reading, validation and scoring: what
/// `run` does to a file before the archive and the ledger).
pub fn check(files: &[PathBuf]) {
    let opts = crate::check::validate::CheckOptions::default();
    files.par_iter().with_max_len(1).for_each(|p| {
        if let Ok(bytes) = std::fs::read(p) {
            std::hint::black_box(crate::check::validate::check_bytes(&bytes, &opts));
        }
    });
}

/// One round of `bench floor`: the floor, then kpiwatch's reader, then reader and checks, on
/// the same files. Set beside the floor, the other two say where a run's time goes.
#[derive(Debug, Clone, Copy)]
pub struct FloorRound {
    pub floor: Timing,
    /// `None` when only the floor was asked for.
    pub read: Option<Timing>,
    pub check: Option<Timing>,
}

/// `kpiwatch bench floor INBOX --rounds N [--floor-only]`. The machine's speed drifts from
/// minute to minute, so the three measurements alternate, round after round, and the medians
/// are compared.
pub fn run_floor(
    inbox: &Path,
    rounds: usize,
    floor_only: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let files = workbooks(inbox);
    let show = |t: Timing| show_timing(t, files.len());
    let mut all = Vec::new();
    for round in 1..=rounds.max(1) {
        let (cells, floor_t) = timed(|| floor(&files));
        let read_t = (!floor_only).then(|| timed(|| read(&files)).1);
        let check_t = (!floor_only).then(|| timed(|| check(&files)).1);
        if round == 1 {
            writeln!(
                out,
                "{} workbooks, {cells} cells, {} threads",
                files.len(),
                rayon::current_num_threads()
            )?;
        }
        writeln!(out, "round {round}:")?;
        writeln!(out, "  calamine floor: {}", show(floor_t))?;
        if let (Some(read_t), Some(check_t)) = (read_t, check_t) {
            writeln!(out, "  kpiwatch reader: {}", show(read_t))?;
            writeln!(out, "  reader + validation + scoring: {}", show(check_t))?;
        }
        all.push(FloorRound {
            floor: floor_t,
            read: read_t,
            check: check_t,
        });
    }
    if all.len() > 1 {
        write_medians(&all, files.len(), out)?;
    }
    Ok(())
}

/// A timing as `bench floor` prints it, with the time per workbook.
fn show_timing(t: Timing, files: usize) -> String {
    let per_file = |d: Duration| d.as_secs_f64() * 1000.0 / files.max(1) as f64;
    match t.cpu {
        Some(cpu) => format!(
            "{:.2} s ({:.2} ms per workbook; CPU {:.2} s)",
            t.wall.as_secs_f64(),
            per_file(t.wall),
            cpu.as_secs_f64()
        ),
        None => format!(
            "{:.2} s ({:.2} ms per workbook)",
            t.wall.as_secs_f64(),
            per_file(t.wall)
        ),
    }
}

/// The medians of several rounds, the reader's and the checks' set beside the floor's.
fn write_medians(all: &[FloorRound], files: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let median = |pick: fn(&FloorRound) -> Option<Timing>| {
        let timings: Vec<Timing> = all.iter().filter_map(pick).collect();
        let mut wall: Vec<Duration> = timings.iter().map(|t| t.wall).collect();
        let mut cpu: Vec<Duration> = timings.iter().filter_map(|t| t.cpu).collect();
        (!wall.is_empty()).then(|| Timing {
            wall: median_of(&mut wall),
            cpu: (cpu.len() == wall.len()).then(|| median_of(&mut cpu)),
        })
    };
    let Some(floor_m) = median(|r| Some(r.floor)) else {
        return Ok(());
    };
    writeln!(out, "median of {} rounds:", all.len())?;
    writeln!(out, "  calamine floor: {}", show_timing(floor_m, files))?;
    for (label, t) in [
        ("kpiwatch reader", median(|r| r.read)),
        ("reader + validation + scoring", median(|r| r.check)),
    ] {
        let Some(t) = t else { continue };
        writeln!(
            out,
            "  {label}: {}, {:.2}× the floor",
            show_timing(t, files),
            t.wall.as_secs_f64() / floor_m.wall.as_secs_f64().max(1e-9)
        )?;
    }
    Ok(())
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

/// How long the summary must stay unchanged before a pass counts as done with it: a pass
/// writes its files milliseconds apart.
const SETTLE: Duration = Duration::from_secs(1);

/// How long a sample may take at most: a summary still unchanged then is an error, and one
/// still changing ends the sample at its last change.
const GIVE_UP: Duration = Duration::from_secs(300);

/// Drops `samples` new workbooks into a share the watcher is keeping current, one at a time,
/// and measures from the moment each lands complete (renamed into the inbox) to the moment the
/// summary is replaced. The quiet period is part of that time by design; the figure without it
/// is reported too.
pub fn watch_latency(
    share_root: &Path,
    state: &Path,
    config: &crate::config::Config,
    samples: usize,
) -> Result<Vec<Duration>, PassError> {
    use crate::pass::RunConfig;
    use crate::pass::watch::{Shutdown, WatchConfig, watch};

    let share = Share::open(share_root, &config.folders)?;
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
    wait_for_catch_up(&share.summary);
    // New content and a new folder every time: a workbook an earlier measurement already left
    // in the share would be recognised as unchanged and never replace the summary.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 1_000_000) as usize;
    let measured = (0..samples)
        .map(|i| measure_one(&share, 1_000_000 + run * 100 + i))
        .collect();
    shutdown.request();
    let _ = watcher.join();
    measured
}

/// Waits until the watcher's catch-up pass has finished: the summary stops changing.
fn wait_for_catch_up(summary: &Path) {
    let mut stamp = summary_stamp(summary);
    loop {
        std::thread::sleep(Duration::from_secs(3));
        let now = summary_stamp(summary);
        if now == stamp && !now.is_empty() {
            break;
        }
        stamp = now;
    }
}

/// One sample: demo division `n` lands in the inbox; the time until the summary is replaced.
fn measure_one(share: &Share, n: usize) -> Result<Duration, PassError> {
    let (sub, _) = crate::tools::demo::generate_submission(n, crate::tools::demo::DEFAULT_SEED);
    let bytes = crate::workbook::template::to_bytes(
        &sub,
        &crate::workbook::template::TemplateOptions {
            kpi_sheets: sub.kpis.len(),
            fiscal_year: sub.fiscal_year,
        },
    )
    .map_err(|e| PassError::State {
        path: share.inbox.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let dir = share.inbox.join(format!("latency-{n}"));
    let dest = dir.join("kpi.xlsx");
    let tmp = dir.join(".arriving");
    let io = |source| PassError::State {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    std::fs::write(&tmp, &bytes).map_err(io)?;
    let mut stamp = summary_stamp(&share.summary);
    let landed = Instant::now();
    std::fs::rename(&tmp, &dest).map_err(io)?;
    // A pass replaces a book, then the index: the summary is replaced when the last of its
    // files is, and the sample ends once nothing has changed for `SETTLE`. Ending at the
    // first change let this pass's later files pass for the next sample's (0.01 s).
    let mut replaced = None;
    let mut last_change = landed;
    loop {
        std::thread::sleep(Duration::from_millis(5));
        let now = summary_stamp(&share.summary);
        if now != stamp {
            stamp = now;
            replaced = Some(landed.elapsed());
            last_change = Instant::now();
        }
        match replaced {
            Some(t) if last_change.elapsed() >= SETTLE || landed.elapsed() > GIVE_UP => {
                return Ok(t);
            }
            None if landed.elapsed() > GIVE_UP => {
                return Err(PassError::State {
                    path: share.summary.clone(),
                    source: std::io::Error::other(format!(
                        "{} arrived 5 minutes ago and the summary is still unchanged",
                        dest.display()
                    )),
                });
            }
            _ => {}
        }
    }
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
    let mut times = watch_latency(share, state, config, samples)?;
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
    if !times.is_empty() {
        let median = median_of(&mut times);
        writeln!(
            out,
            "median: {:.2} s ({:.2} s after the quiet period)",
            median.as_secs_f64(),
            median.saturating_sub(quiet).as_secs_f64()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        let s = Duration::from_secs;
        assert_eq!(median_of(&mut [s(5), s(1), s(3)]), s(3));
        assert_eq!(
            median_of(&mut [s(4), s(1), s(3), s(2)]),
            Duration::from_millis(2500)
        );
        assert_eq!(median_of(&mut [s(7)]), s(7));
    }
}
