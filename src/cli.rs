//! The command line as clap sees it: every subcommand, option and help text, and the
//! conversions from parsed options to the library's runtime configurations. Nothing here does
//! any work; `main.rs` dispatches.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use kpiwatch::commands::check::CheckConfig;
use kpiwatch::commands::demo::DemoConfig;
use kpiwatch::commands::score::ScoreConfig;
use kpiwatch::commands::status::StatusConfig;
use kpiwatch::commands::template::TemplateConfig;
use kpiwatch::config::Config;
use kpiwatch::domain::model::{BelowLevel1, Direction, KpiKind};
use kpiwatch::pass::RunConfig;

/// The top-level help's closing text: the everyday workflow, the tools kept out of the
/// command list, and the one global option.
const WORKFLOW: &str = "\
Workflow:
  kpiwatch template --out kpi-template.xlsx --fiscal-year 2568
      the form to hand out; divisions fill the yellow cells
  kpiwatch check kpi-2568.xlsx
      what kpiwatch makes of one filled workbook, before it is sent
  kpiwatch run --config kpiwatch.toml /srv/kpi-share
      one pass: new files judged, archived, answered with receipts; summary rebuilt
  kpiwatch watch --config kpiwatch.toml /srv/kpi-share
      the same, again whenever the inbox changes (--poll 10 on SMB/NFS mounts)
  kpiwatch status --config kpiwatch.toml /srv/kpi-share
      who is on time, late or has not sent in the current reporting round

Tools (see their --help): demo (generate a share for scale tests), bench (measurements).

Global option, before or after the command:
  --log-format <text|json>  how log lines on standard error look [default: text];
                            KPIWATCH_LOG=debug sets the level

Exit codes: 0 done, every file accepted; 1 done, some file rejected; 2 bad usage or failure.
Scoring rules: docs/scoring.md. Template contract: docs/template.md.";

const SCORE_HELP: &str = "\
Example:
  kpiwatch score --levels 0,150,300,450,826 --weight 30 0 184 464 826

Exit codes: 0 scored; 2 bad usage (a number or threshold that cannot be read).";
const EXIT_TEMPLATE: &str = "\
Example:
  kpiwatch template --out kpi-template-2568.xlsx --fiscal-year 2568 --kpis 5

Exit codes: 0 written; 2 bad usage or the file cannot be written.";
const EXIT_CHECK: &str = "\
Example:
  kpiwatch check --json inbox/inspection-office/kpi-2568.xlsx

Exit codes: 0 every file accepted (warnings allowed); 1 some file rejected; 2 bad usage: a path
that does not exist or cannot be read (named on standard error; the other files are still
checked), or a report that cannot be written.";
const EXIT_RUN: &str = "\
Example:
  kpiwatch run --config kpiwatch.toml --state /var/lib/kpiwatch /srv/kpi-share

Exit codes: 0 nothing rejected this pass; 1 this pass judged a version and rejected it (see its
receipt; a rejected file left in the inbox is listed by every pass but fails only the pass that
judged it); 2 bad usage, or the pass failed (share or state folder unusable, an output that
cannot be written: the next pass completes it).";
const EXIT_WATCH: &str = "\
Example:
  kpiwatch watch --config kpiwatch.toml --poll 10 /mnt/kpi-share

Exit codes: 0 stopped by Ctrl-C or SIGTERM after finishing the current pass; 2 bad usage or a
failure that stops watching.";
const EXIT_STATUS: &str = "\
Example:
  kpiwatch status --config kpiwatch.toml --round 2 --json /srv/kpi-share

Reads the ledger only (works while `watch` runs). Exit codes: 0 nobody to chase in the round;
1 some division is late, has not sent, or must fix a rejected file; 2 bad usage or no ledger.";
const EXIT_TOOL: &str = "Exit codes: 0 done; 2 bad usage or failure.";

#[derive(Parser)]
#[command(
    name = "kpiwatch",
    version,
    about = "Quarterly KPI workbooks in, scored summaries out",
    long_about = "Quarterly KPI workbooks in, scored summaries out.\n\n\
        kpiwatch hands out the standard KPI template, reads the workbooks divisions drop into a \
        shared folder, validates and scores them, keeps every version, answers each file with a \
        receipt and writes the planning office's summary workbook.",
    after_help = WORKFLOW
)]
pub struct Cli {
    /// Log format on standard error (described once, in the closing text of the help).
    #[arg(long, value_enum, global = true, default_value = "text", hide = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event, for services and log collectors.
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write the standard KPI template workbook divisions fill in.
    #[command(after_help = EXIT_TEMPLATE)]
    Template(TemplateOpts),
    /// Read and validate filled workbooks, and print their scores and problems.
    #[command(after_help = EXIT_CHECK)]
    Check(CheckOpts),
    /// One complete pass over a share: read new files, write receipts and the summary.
    #[command(after_help = EXIT_RUN)]
    Run(ShareOpts),
    /// Watch a share and keep its summary current as divisions drop files.
    #[command(after_help = EXIT_WATCH)]
    Watch(WatchOpts),
    /// Each division's status in a reporting round: on time, late, not sent, to fix.
    #[command(after_help = EXIT_STATUS)]
    Status(StatusOpts),
    /// Score results against five thresholds, like a calculator.
    #[command(after_help = SCORE_HELP)]
    Score(ScoreOpts),
    /// Regenerate the bundled example workbooks (the two seed divisions).
    #[command(after_help = EXIT_TOOL)]
    Examples(ExamplesOpts),
    /// Generate a share of N realistic division workbooks, for benchmarks and scale tests.
    #[command(hide = true, after_help = EXIT_TOOL)]
    Demo(DemoOpts),
    /// The measurements of docs/performance.md.
    #[command(subcommand, hide = true)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// The calamine floor: open every workbook and stream the cells kpiwatch reads, nothing else.
    #[command(after_help = EXIT_TOOL)]
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
    #[command(after_help = EXIT_TOOL)]
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
pub struct ShareOpts {
    /// Configuration file (see examples/kpiwatch.toml); without it, defaults apply.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the ledger lives: a folder on local disk, never the share (default: the user's
    /// local state folder, one per share).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// The shared folder (holding inbox/, summary/, receipts/, archive/).
    pub share: PathBuf,
}

impl ShareOpts {
    pub fn into_run_config(self) -> anyhow::Result<RunConfig> {
        let config = load_config(self.config.as_deref())?;
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

#[derive(Args)]
pub struct StatusOpts {
    #[command(flatten)]
    pub share: ShareOpts,
    /// The round: 1 = รอบ 3 เดือน … 4 = รอบ 12 เดือน (default: the latest one due).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub round: Option<u8>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
}

impl StatusOpts {
    pub fn into_status_config(self) -> anyhow::Result<StatusConfig> {
        let run = self.share.into_run_config()?;
        Ok(StatusConfig {
            share: run.share,
            config: run.config,
            state_dir: run.state_dir,
            round: self.round,
            json: self.json,
        })
    }
}

/// The configuration file if one is given, else the defaults.
pub fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<Config> {
    Ok(match path {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    })
}

#[derive(Args)]
pub struct DemoOpts {
    /// How many division workbooks to write.
    #[arg(long, value_name = "N")]
    pub generate: usize,
    /// The share to create (DIR/inbox/, DIR/expected.json, DIR/kpiwatch.toml).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the generator: the same seed gives the same share.
    #[arg(long, default_value_t = kpiwatch::tools::demo::DEFAULT_SEED)]
    pub seed: u64,
}

impl From<DemoOpts> for DemoConfig {
    fn from(o: DemoOpts) -> Self {
        DemoConfig {
            out: o.out,
            count: o.generate,
            seed: o.seed,
        }
    }
}

#[derive(Args)]
pub struct WatchOpts {
    /// Poll the inbox every SECS seconds instead of native events: needed for Windows network
    /// drives (SMB/CIFS) and NFS mounts, where native events never arrive.
    #[arg(long, value_name = "SECS")]
    pub poll: Option<f64>,
    #[command(flatten)]
    pub share: ShareOpts,
}

impl WatchOpts {
    /// The polling interval, if one was asked for and makes sense.
    pub fn poll_interval(&self) -> anyhow::Result<Option<std::time::Duration>> {
        self.poll
            .map(|secs| {
                anyhow::ensure!(
                    secs.is_finite() && secs > 0.0,
                    "--poll needs a positive number of seconds, got {secs}"
                );
                Ok(std::time::Duration::from_secs_f64(secs))
            })
            .transpose()
    }
}

#[derive(Args)]
pub struct TemplateOpts {
    /// Where to write the workbook.
    #[arg(long, default_value = "kpi-template.xlsx")]
    pub out: PathBuf,
    /// Number of KPI sheets (1-50; a division adds more with "Move or Copy Sheet").
    #[arg(long, default_value_t = kpiwatch::workbook::layout::DEFAULT_KPI_SHEETS)]
    pub kpis: usize,
    /// Pre-fill the fiscal year (Buddhist Era, e.g. 2568).
    #[arg(long, value_name = "BE", value_parser = buddhist_era_year)]
    pub fiscal_year: Option<i32>,
    /// Print the template's defined-name contract (Markdown, as in docs/template.md) instead.
    #[arg(long, conflicts_with_all = ["out", "kpis", "fiscal_year"])]
    pub contract: bool,
}

/// A fiscal year as the template and the checks accept it: Buddhist Era, so a year the checks
/// would reject (2021, ค.ศ.) cannot be pre-filled into the form handed out.
fn buddhist_era_year(s: &str) -> Result<i32, String> {
    let year: i32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a year"))?;
    if kpiwatch::domain::model::FiscalYear::new(year).is_plausible() {
        Ok(year)
    } else {
        Err(format!(
            "{year} is not a Buddhist Era year such as 2568 (ค.ศ. 2025 is พ.ศ. 2568)"
        ))
    }
}

impl From<TemplateOpts> for TemplateConfig {
    fn from(o: TemplateOpts) -> Self {
        TemplateConfig::new(o.out, o.kpis, o.fiscal_year, o.contract)
    }
}

#[derive(Args)]
pub struct CheckOpts {
    /// Print one JSON document instead of a report per file.
    #[arg(long)]
    pub json: bool,
    /// What a result below the level-1 threshold scores.
    #[arg(long, value_enum, default_value = "zero")]
    pub below_level1: BelowLevel1Opt,
    /// Workbooks to check (.xlsx, .xlsm, .xlsb, .xls, .ods).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

impl From<CheckOpts> for CheckConfig {
    fn from(o: CheckOpts) -> Self {
        CheckConfig {
            files: o.files,
            json: o.json,
            options: kpiwatch::check::validate::CheckOptions {
                below_level1: o.below_level1.into(),
                ..Default::default()
            },
        }
    }
}

#[derive(Args)]
pub struct ExamplesOpts {
    /// The inbox folder to write the examples under.
    #[arg(long, default_value = "examples/share/inbox")]
    pub out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BelowLevel1Opt {
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
pub struct ScoreOpts {
    /// The five thresholds for levels 1..5, comma-separated (Thai digits accepted).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub levels: Vec<String>,
    /// The KPI's weight in percent (ร้อยละ); adds the weighted score.
    #[arg(long)]
    pub weight: Option<String>,
    /// Lower results are better (thresholds descending).
    #[arg(long, conflicts_with = "milestone")]
    pub lower_is_better: bool,
    /// Score in steps: the highest level met, no interpolation.
    #[arg(long, conflicts_with = "milestone")]
    pub stepped: bool,
    /// The result is the level reached (1-5); ranges such as 4-5 score the highest.
    #[arg(long)]
    pub milestone: bool,
    /// What a result below the level-1 threshold scores.
    #[arg(long, value_enum, default_value = "zero")]
    pub below_level1: BelowLevel1Opt,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Cumulative results to score.
    #[arg(allow_hyphen_values = true)]
    pub results: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
