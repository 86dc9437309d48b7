//! The `kpiwatch` command line: parses arguments into each subcommand's runtime configuration
//! and hands over to the library. Nothing else happens here.

use std::io::Write;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use kpiwatch::ExitCode;
use kpiwatch::commands::score::{self, ScoreConfig};
use kpiwatch::model::{BelowLevel1, Direction, KpiKind};

#[derive(Parser)]
#[command(
    name = "kpiwatch",
    version,
    about = "Quarterly KPI workbooks in, scored summaries out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score results against five thresholds, like a calculator.
    Score(ScoreOpts),
}

#[derive(Clone, Copy, ValueEnum)]
enum BelowLevel1Opt {
    /// A result below level 1 scores 0 (DOMAIN.md default).
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
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("kpiwatch: error: {e:#}");
            ExitCode::Failure.into()
        }
    }
}
