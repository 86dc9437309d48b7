//! The `kpiwatch` command line: parses arguments into each subcommand's runtime configuration
//! and hands over to the library. Nothing else happens here.

use std::io::Write;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use kpiwatch::ExitCode;
use kpiwatch::check::validate::CheckOptions;
use kpiwatch::commands::check::{self, CheckConfig};
use kpiwatch::commands::demo::{self, DemoConfig};
use kpiwatch::commands::examples;
use kpiwatch::commands::run::{self as run_cmd, RunConfig};
use kpiwatch::commands::score::{self, ScoreConfig};
use kpiwatch::commands::template::{self as template_cmd, TemplateConfig};
use kpiwatch::config::Config;
use kpiwatch::domain::model::{BelowLevel1, Direction, KpiKind};
use kpiwatch::pass::watch::{self, Shutdown, WatchConfig};

#[derive(Parser)]
#[command(
    name = "kpiwatch",
    version,
    about = "Quarterly KPI workbooks in, scored summaries out"
)]
struct Cli {
    /// Log format on standard error.
    #[arg(long, value_enum, global = true, default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event, for services and log collectors.
    Json,
}

#[derive(Args)]
struct ShareOpts {
    /// Configuration file (see examples/kpiwatch.toml); without it, defaults apply.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the ledger lives: a folder on local disk, never the share (default: the user's
    /// local state folder, one per share).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// The shared folder (holding inbox/, summary/, receipts/, archive/).
    share: PathBuf,
}

impl ShareOpts {
    fn into_run_config(self) -> anyhow::Result<RunConfig> {
        let config = match &self.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let state_dir = self
            .state
            .unwrap_or_else(|| kpiwatch::pass::consolidate::default_state_dir(&self.share));
        Ok(RunConfig {
            share: self.share,
            config,
            state_dir,
            progress: true,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Score results against five thresholds, like a calculator.
    Score(ScoreOpts),
    /// Write the standard KPI template workbook divisions fill in.
    Template(TemplateOpts),
    /// Read and validate filled workbooks, and print their scores and problems.
    Check(CheckOpts),
    /// Regenerate the bundled example workbooks (the two seed divisions).
    Examples(ExamplesOpts),
    /// One complete pass over a share: read new files, write receipts and the summary.
    Run(ShareOpts),
    /// Watch a share and keep its summary current as divisions drop files.
    Watch(WatchOpts),
    /// Generate a share of N realistic division workbooks, for benchmarks and scale tests.
    Demo(DemoOpts),
    /// Measurements quoted in the README.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// The calamine floor: open every workbook and stream the cells kpiwatch reads, nothing else.
    Floor {
        /// The inbox to read.
        inbox: PathBuf,
        /// Rounds of floor, reader and checks, one after another; with more than one, the
        /// medians are printed too.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        /// Measure the floor alone (for scripts that set it beside a run).
        #[arg(long)]
        floor_only: bool,
    },
    /// Latency of watch: a file becoming stable → the summary replaced, over a share that
    /// already holds many workbooks (make one with `kpiwatch demo`).
    WatchLatency {
        /// A share already processed by `kpiwatch run --state STATE`.
        share: PathBuf,
        /// Its state folder.
        #[arg(long)]
        state: PathBuf,
        /// Its configuration, if it has one.
        #[arg(long)]
        config: Option<PathBuf>,
        /// How many files to drop, one at a time.
        #[arg(long, default_value_t = 5)]
        samples: usize,
    },
}

#[derive(Args)]
struct DemoOpts {
    /// How many division workbooks to write.
    #[arg(long, value_name = "N")]
    generate: usize,
    /// The share to create (DIR/inbox/, DIR/expected.json, DIR/kpiwatch.toml).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the generator: the same seed gives the same share.
    #[arg(long, default_value_t = kpiwatch::tools::demo::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Args)]
struct WatchOpts {
    /// Poll the inbox every SECS seconds instead of native events: needed for Windows network
    /// drives (SMB/CIFS) and NFS mounts, where native events never arrive.
    #[arg(long, value_name = "SECS")]
    poll: Option<f64>,
    #[command(flatten)]
    share: ShareOpts,
}

#[derive(Args)]
struct TemplateOpts {
    /// Where to write the workbook.
    #[arg(long, default_value = "kpi-template.xlsx")]
    out: PathBuf,
    /// Number of KPI sheets.
    #[arg(long, default_value_t = kpiwatch::workbook::layout::DEFAULT_KPI_SHEETS)]
    kpis: usize,
    /// Pre-fill the fiscal year (Buddhist Era, e.g. 2568).
    #[arg(long, value_name = "BE")]
    fiscal_year: Option<i32>,
    /// Print the template's defined-name contract (Markdown) instead.
    #[arg(long)]
    contract: bool,
}

#[derive(Args)]
struct CheckOpts {
    /// Print one JSON document instead of a report per file.
    #[arg(long)]
    json: bool,
    /// What a result below the level-1 threshold scores.
    #[arg(long, value_enum, default_value = "zero")]
    below_level1: BelowLevel1Opt,
    /// Workbooks to check (.xlsx, .xlsm, .xlsb, .xls, .ods).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct ExamplesOpts {
    /// The inbox folder to write the examples under.
    #[arg(long, default_value = "examples/share/inbox")]
    out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum BelowLevel1Opt {
    /// A result below level 1 scores 0 (the default; see docs/scoring.md).
    Zero,
    /// A result below level 1 scores 1.
    One,
}

impl From<BelowLevel1Opt> for BelowLevel1 {
    fn from(o: BelowLevel1Opt) -> Self {
        match o {
            BelowLevel1Opt::Zero => BelowLevel1::Zero,
            BelowLevel1Opt::One => BelowLevel1::One,
        }
    }
}

#[derive(Args)]
#[command(
    after_help = "Example:\n  kpiwatch score --levels 0,150,300,450,826 --weight 30 0 184 464 826"
)]
struct ScoreOpts {
    /// The five thresholds for levels 1..5, comma-separated (Thai digits accepted).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    levels: Vec<String>,
    /// The KPI's weight in percent (ร้อยละ); adds the weighted score.
    #[arg(long)]
    weight: Option<String>,
    /// Lower results are better (thresholds descending).
    #[arg(long)]
    lower_is_better: bool,
    /// Score in steps: the highest level met, no interpolation.
    #[arg(long, conflicts_with = "milestone")]
    stepped: bool,
    /// The result is the level reached (1-5); ranges such as 4-5 score the highest.
    #[arg(long)]
    milestone: bool,
    /// What a result below the level-1 threshold scores.
    #[arg(long, value_enum, default_value = "zero")]
    below_level1: BelowLevel1Opt,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Cumulative results to score.
    #[arg(allow_hyphen_values = true)]
    results: Vec<String>,
}

impl From<ScoreOpts> for ScoreConfig {
    fn from(o: ScoreOpts) -> Self {
        ScoreConfig {
            levels: o.levels,
            weight: o.weight,
            results: o.results,
            kind: if o.milestone {
                KpiKind::Milestone
            } else if o.stepped {
                KpiKind::Stepped
            } else {
                KpiKind::Interpolated
            },
            direction: if o.lower_is_better {
                Direction::LowerIsBetter
            } else {
                Direction::HigherIsBetter
            },
            below_level1: o.below_level1.into(),
            json: o.json,
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Score(opts) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            score::run(&opts.into(), &mut out)?;
            out.flush().context("cannot write to standard output")?;
            Ok(ExitCode::Success)
        }
        Command::Template(o) => {
            let cfg = TemplateConfig::new(o.out, o.kpis, o.fiscal_year, o.contract);
            template_cmd::run(&cfg, &mut std::io::stdout().lock())?;
            Ok(ExitCode::Success)
        }
        Command::Check(o) => {
            let cfg = CheckConfig {
                files: o.files,
                json: o.json,
                options: CheckOptions {
                    below_level1: o.below_level1.into(),
                    ..CheckOptions::default()
                },
            };
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let code = check::run(&cfg, &mut out).context("cannot write the report")?;
            out.flush().context("cannot write to standard output")?;
            Ok(code)
        }
        Command::Run(o) => {
            let cfg = o.into_run_config()?;
            let stdout = std::io::stdout();
            let code = run_cmd::run(&cfg, &mut stdout.lock())?;
            Ok(code)
        }
        Command::Watch(o) => {
            let poll = o
                .poll
                .map(|secs| {
                    anyhow::ensure!(
                        secs.is_finite() && secs > 0.0,
                        "--poll needs a positive number of seconds, got {secs}"
                    );
                    Ok(std::time::Duration::from_secs_f64(secs))
                })
                .transpose()?;
            let mut run = o.share.into_run_config()?;
            run.progress = false;
            let cfg = WatchConfig::new(run, poll);
            let shutdown = Shutdown::new();
            let handle = shutdown.clone();
            ctrlc::set_handler(move || handle.request())
                .context("cannot install the Ctrl-C/SIGTERM handler")?;
            watch::watch(&cfg, &shutdown)?;
            Ok(ExitCode::Success)
        }
        Command::Demo(o) => {
            let cfg = DemoConfig {
                out: o.out,
                count: o.generate,
                seed: o.seed,
            };
            demo::run(&cfg, &mut std::io::stdout().lock())
                .with_context(|| format!("cannot write the demo share {}", cfg.out.display()))?;
            Ok(ExitCode::Success)
        }
        Command::Bench(BenchCommand::Floor {
            inbox,
            rounds,
            floor_only,
        }) => {
            kpiwatch::tools::bench::run_floor(
                &inbox,
                rounds,
                floor_only,
                &mut std::io::stdout().lock(),
            )?;
            Ok(ExitCode::Success)
        }
        Command::Bench(BenchCommand::WatchLatency {
            share,
            state,
            config,
            samples,
        }) => {
            let config = match config {
                Some(p) => Config::load(&p)?,
                None => Config::default(),
            };
            kpiwatch::tools::bench::run_watch_latency(
                &share,
                &state,
                &config,
                samples,
                &mut std::io::stdout().lock(),
            )?;
            Ok(ExitCode::Success)
        }
        Command::Examples(o) => {
            examples::run(&o.out, &mut std::io::stdout().lock())
                .with_context(|| format!("cannot write the examples under {}", o.out.display()))?;
            Ok(ExitCode::Success)
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KPIWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.compact().init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// mimalloc instead of the system allocator: reading a workbook allocates a string per cell on
/// every core at once, where glibc's malloc spent about a seventh of a run's CPU time. Built
/// without transparent huge pages (the `no_thp` feature): mimalloc asked for them, and the
/// kernel zeroed a whole 2 MiB page at each first touch, every time a freed page came back;
/// without them a cold run of 10,000 peaks at 118-134 MB instead of 153-173 MB, in the same time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match run(cli) {
        Ok(code) => code.into(),
        // The reader of our output went away (`kpiwatch bench floor | head -1`): nothing
        // more to say, as with any Unix filter.
        Err(e) if is_broken_pipe(&e) => ExitCode::Success.into(),
        Err(e) => {
            eprintln!("kpiwatch: error: {e:#}");
            ExitCode::Failure.into()
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
