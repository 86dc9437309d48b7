//! The command line as clap sees it: every subcommand, option and help text, and the
//! conversions from parsed options to the library's runtime configurations. Nothing here does
//! any work; `main.rs` dispatches.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use kpiwatch::commands::check::CheckConfig;
use kpiwatch::commands::close::RoundConfig;
use kpiwatch::commands::demo::DemoConfig;
use kpiwatch::commands::exclude::VersionConfig;
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
  kpiwatch close --round 1 /srv/kpi-share  /  kpiwatch reopen --round 1 --reason TEXT ...
      freeze a round's summary in a snapshot; reopen it, saying why
  kpiwatch exclude /srv/kpi-share FILE|SHA-PREFIX --reason TEXT  /  kpiwatch include ...
      set a version aside (nothing is deleted); count it again
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
const EXIT_MAIL: &str = "\
Example:
  kpiwatch mail --config kpiwatch.toml --state /var/lib/kpiwatch /srv/kpi-share

Tries every queued message now, whatever its retry time. Exit codes: 0 every message tried
went; 1 some message failed (queued again, or given up: see the log); 2 bad usage or failure.";
const EXIT_STATUS: &str = "\
Example:
  kpiwatch status --config kpiwatch.toml --round 2 --json /srv/kpi-share

Reads the ledger only (works while `watch` runs). Exit codes: 0 nobody to chase in the round;
1 some division is late, has not sent, or must fix a rejected file; 2 bad usage or no ledger.";
const EXIT_TOOL: &str = "Exit codes: 0 done; 2 bad usage or failure.";
const EXIT_CLOSE: &str = "\
Example:
  kpiwatch close --round 1 --fiscal-year 2568 --config kpiwatch.toml /srv/kpi-share

Writes summary/closed/kpi-summary-<year>-round-<N>-closed-<date>.xlsx, never rewritten.
Exit codes: 0 closed, summary and receipts republished; 2 bad usage, the round already closed,
or a failure (nothing is recorded without its snapshot).";
const EXIT_REOPEN: &str = "\
Example:
  kpiwatch reopen --round 1 --reason \"กองคลังแก้ไขผลไตรมาส 1\" /srv/kpi-share

Exit codes: 0 reopened (the snapshot stays); 2 bad usage, the round not closed, or a failure.";
const EXIT_EXCLUDE: &str = "\
Examples:
  kpiwatch exclude /srv/kpi-share inbox/finance/kpi-2568.xlsx --reason \"ส่งผิดไฟล์\"
  kpiwatch exclude /srv/kpi-share 3fa2c09b --reason \"duplicate of the corrected file\"

FILE is an inbox file (its current version) or an archive file, named from the share
(inbox/finance/kpi-2568.xlsx), within the inbox as the summary names it (finance/kpi-2568.xlsx)
or by any path to it; SHA-PREFIX at least 8 hexadecimal digits of the version's SHA-256 (see the summary's submissions sheet or the receipt).
Exit codes: 0 done, summary and receipts republished; 2 bad usage, no such version, an
ambiguous prefix (the candidates are listed), or a failure.";
const EXIT_INCLUDE: &str = "\
Example:
  kpiwatch include /srv/kpi-share 3fa2c09b --reason \"set aside by mistake\"

Exit codes: 0 done, summary and receipts republished; 2 bad usage, no such version, an
ambiguous prefix, or a failure.";

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
    Run(PassOpts),
    /// Watch a share and keep its summary current as divisions drop files.
    #[command(after_help = EXIT_WATCH)]
    Watch(WatchOpts),
    /// Send (or with --dry-run write) the e-mail waiting in the outbox, retries included.
    #[command(after_help = EXIT_MAIL)]
    Mail(MailOpts),
    /// Close a round: freeze its summary in a snapshot; later versions are marked as revisions.
    #[command(after_help = EXIT_CLOSE)]
    Close(CloseOpts),
    /// Reopen a closed round, saying why (its snapshot stays).
    #[command(after_help = EXIT_REOPEN)]
    Reopen(ReopenOpts),
    /// Set a version aside (not deleted): the division's previous accepted version counts again.
    #[command(after_help = EXIT_EXCLUDE)]
    Exclude(ExcludeOpts),
    /// Count a version set aside by `exclude` again.
    #[command(after_help = EXIT_INCLUDE)]
    Include(IncludeOpts),
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

/// The options of a command that runs passes (`run`, `watch`).
#[derive(Args)]
pub struct PassOpts {
    #[command(flatten)]
    pub share: ShareOpts,
    /// Write the e-mail waiting in the outbox as .eml files in the state folder's outbox/ to
    /// look at, instead of sending it; it stays queued (needs a [mail] section).
    #[arg(long)]
    pub mail_dry_run: bool,
}

impl PassOpts {
    pub fn into_run_config(self) -> anyhow::Result<RunConfig> {
        let mut run = self.share.into_run_config()?;
        if self.mail_dry_run {
            let Some(mail) = run.config.mail.as_mut() else {
                anyhow::bail!("--mail-dry-run needs a [mail] section in the configuration");
            };
            mail.preview = true;
        }
        Ok(run)
    }
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
    /// Fiscal year (Buddhist Era); default: the configuration's fiscal_year, else the latest
    /// year in the ledger.
    #[arg(long, value_name = "BE")]
    pub fiscal_year: Option<i32>,
    /// Print JSON for scripts instead of text.
    #[arg(long)]
    pub json: bool,
}

impl StatusOpts {
    pub fn into_status_config(self) -> anyhow::Result<StatusConfig> {
        if let Some(fy) = self.fiscal_year {
            anyhow::ensure!(
                kpiwatch::domain::model::FiscalYear::new(fy).is_plausible(),
                "--fiscal-year {fy} is not a Buddhist Era year such as 2568"
            );
        }
        let run = self.share.into_run_config()?;
        anyhow::ensure!(
            run.share.is_dir(),
            "{} is not a folder: give the share that `kpiwatch run` reads",
            run.share.display()
        );
        Ok(StatusConfig {
            share: run.share,
            config: run.config,
            state_dir: run.state_dir,
            round: self.round,
            fiscal_year: self.fiscal_year,
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

/// A round of the fiscal year: 1 = รอบ 3 เดือน (Oct–Dec) … 4 = รอบ 12 เดือน.
#[derive(Args)]
pub struct RoundOpts {
    /// The round: 1 (รอบ 3 เดือน, Oct–Dec), 2 (6 เดือน), 3 (9 เดือน) or 4 (12 เดือน).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub round: u8,
    /// Fiscal year (Buddhist Era); default: the configuration's fiscal_year, else the only year
    /// in the ledger.
    #[arg(long, value_name = "BE")]
    pub fiscal_year: Option<i32>,
}

#[derive(Args)]
pub struct CloseOpts {
    #[command(flatten)]
    pub round: RoundOpts,
    /// Why, for the history sheet (optional).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub reason: String,
    #[command(flatten)]
    pub share: ShareOpts,
}

#[derive(Args)]
pub struct ReopenOpts {
    #[command(flatten)]
    pub round: RoundOpts,
    /// Why the round is reopened (shown in the history sheet).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub share: ShareOpts,
}

#[derive(Args)]
pub struct ExcludeOpts {
    #[command(flatten)]
    pub share: ShareOpts,
    /// An inbox file, an archive file, or at least 8 hexadecimal digits of the version's SHA-256.
    #[arg(value_name = "FILE|SHA-PREFIX")]
    pub target: String,
    /// Why it is set aside (shown in the summary and the division's receipt).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Args)]
pub struct IncludeOpts {
    #[command(flatten)]
    pub share: ShareOpts,
    /// An inbox file, an archive file, or at least 8 hexadecimal digits of the version's SHA-256.
    #[arg(value_name = "FILE|SHA-PREFIX")]
    pub target: String,
    /// Why it counts again (shown in the history sheet).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub reason: String,
}

impl CloseOpts {
    pub fn into_config(self) -> anyhow::Result<RoundConfig> {
        Ok(RoundConfig {
            run: self.share.into_run_config()?,
            round: self.round.round,
            fiscal_year: self.round.fiscal_year,
            reason: self.reason,
        })
    }
}

impl ReopenOpts {
    pub fn into_config(self) -> anyhow::Result<RoundConfig> {
        Ok(RoundConfig {
            run: self.share.into_run_config()?,
            round: self.round.round,
            fiscal_year: self.round.fiscal_year,
            reason: self.reason,
        })
    }
}

impl ExcludeOpts {
    pub fn into_config(self) -> anyhow::Result<VersionConfig> {
        Ok(VersionConfig {
            run: self.share.into_run_config()?,
            target: self.target,
            reason: self.reason,
        })
    }
}

impl IncludeOpts {
    pub fn into_config(self) -> anyhow::Result<VersionConfig> {
        Ok(VersionConfig {
            run: self.share.into_run_config()?,
            target: self.target,
            reason: self.reason,
        })
    }
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
    pub share: PassOpts,
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
pub struct MailOpts {
    /// Write the waiting messages as .eml files in the state folder's outbox/ to look at,
    /// instead of sending them; they stay queued.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub share: ShareOpts,
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
