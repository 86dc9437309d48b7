//! `kpiwatch demo --generate N --out DIR [--seed S]`: writes a deterministic share of N
//! generated division workbooks, with `expected.json` (what kpiwatch must conclude about each
//! file) and a `kpiwatch.toml` registering every division, for benchmarks and scale tests.

use std::io::Write;
use std::path::PathBuf;

use crate::tools::demo::{self, DemoOptions};

/// The runtime configuration of `demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// The share to write: `inbox/`, `expected.json` and `kpiwatch.toml` go here.
    pub out: PathBuf,
    pub count: usize,
    pub seed: u64,
}

/// Generates the share and prints one summary line.
pub fn run(cfg: &DemoConfig, out: &mut dyn Write) -> std::io::Result<()> {
    let summary = demo::generate(
        &cfg.out,
        &DemoOptions {
            count: cfg.count,
            seed: cfg.seed,
        },
        |_| {},
    )?;
    writeln!(
        out,
        "{} workbooks written to {} (seed {}): {} expected accepted ({} with planted warnings), {} expected rejected; {:.1} MB in {:.2} s",
        summary.files,
        cfg.out.join("inbox").display(),
        cfg.seed,
        summary.accepted,
        summary.warned,
        summary.rejected,
        summary.bytes as f64 / 1_000_000.0,
        summary.elapsed.as_secs_f64()
    )
}
