//! The `kpiwatch` binary: parses the command line (see `cli.rs`), sets up logging and hands
//! over to the library's subcommands. Nothing else happens here.

mod cli;

use std::io::Write;

use anyhow::Context;
use clap::Parser;

use cli::{BenchCommand, Cli, Command, LogFormat};
use kpiwatch::ExitCode;
use kpiwatch::commands::{
    check, close, demo, examples, exclude, include, mail as mail_cmd, reopen, run as run_cmd,
    score, status, template,
};
use kpiwatch::pass::watch::{self, Shutdown, WatchConfig};
use kpiwatch::tools::bench;

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Score(o) => {
            score::run(&o.into(), &mut out)?;
            ExitCode::Success
        }
        Command::Template(o) => {
            template::run(&o.into(), &mut out)?;
            ExitCode::Success
        }
        Command::Check(o) => check::run(&o.into(), &mut out).context("cannot write the report")?,
        Command::Run(o) => run_cmd::run(&o.into_run_config()?, &mut out)?,
        Command::Mail(o) => {
            let dry_run = o.dry_run;
            mail_cmd::run(&o.share.into_run_config()?, dry_run, &mut out)?
        }
        Command::Close(o) => close::run(&o.into_config()?, &mut out)?,
        Command::Reopen(o) => reopen::run(&o.into_config()?, &mut out)?,
        Command::Exclude(o) => exclude::run(&o.into_config()?, &mut out)?,
        Command::Include(o) => include::run(&o.into_config()?, &mut out)?,
        Command::Status(o) => status::run(&o.into_status_config()?, &mut out)?,
        Command::Watch(o) => {
            let poll = o.poll_interval()?;
            let mut run = o.share.into_run_config()?;
            run.progress = false;
            let shutdown = Shutdown::new();
            let handle = shutdown.clone();
            ctrlc::set_handler(move || handle.request())
                .context("cannot install the Ctrl-C/SIGTERM handler")?;
            watch::watch(&WatchConfig::new(run, poll), &shutdown)?;
            ExitCode::Success
        }
        Command::Examples(o) => {
            examples::run(&o.out, &mut out)
                .with_context(|| format!("cannot write the examples under {}", o.out.display()))?;
            ExitCode::Success
        }
        Command::Demo(o) => {
            let cfg = o.into();
            demo::run(&cfg, &mut out)
                .with_context(|| format!("cannot write the demo share {}", cfg.out.display()))?;
            ExitCode::Success
        }
        Command::Bench(BenchCommand::Floor {
            inbox,
            rounds,
            floor_only,
        }) => {
            bench::run_floor(&inbox, rounds, floor_only, &mut out)?;
            ExitCode::Success
        }
        Command::Bench(BenchCommand::WatchLatency {
            share,
            state,
            config,
            samples,
        }) => {
            let config = cli::load_config(config.as_deref())?;
            bench::run_watch_latency(&share, &state, &config, samples, &mut out)?;
            ExitCode::Success
        }
    };
    out.flush().context("cannot write to standard output")?;
    Ok(code)
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
    let format = cli.log_format;
    init_logging(format);
    match run(cli) {
        Ok(code) => code.into(),
        // The reader of our output went away (`kpiwatch bench floor | head -1`): nothing
        // more to say, as with any Unix filter.
        Err(e) if is_broken_pipe(&e) => ExitCode::Success.into(),
        Err(e) => {
            let message = describe(&e);
            match format {
                // A service's log collector reads JSON lines: the reason it stopped is one too.
                LogFormat::Json => tracing::error!(error = %message, "kpiwatch failed"),
                LogFormat::Text => eprintln!("kpiwatch: error: {message}"),
            }
            ExitCode::Failure.into()
        }
    }
}

/// The error and its causes on one line, each said once: most of kpiwatch's errors already
/// name their cause in their own message, which `{:#}` would repeat.
fn describe(e: &anyhow::Error) -> String {
    let mut message = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
