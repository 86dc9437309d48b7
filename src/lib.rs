//! kpiwatch turns Thai government divisions' quarterly KPI workbooks into scored, consolidated
//! summaries. This crate is the whole engine; the `kpiwatch` binary only parses its command line
//! and calls [`commands`].
//!
//! A workbook's path through the crate, one folder a step:
//! - [`pass`]: a file lands in the share's inbox; a pass lists it, copies it to the archive and
//!   hands the copy on;
//! - [`workbook`]: the reader turns the copy into the [`domain`] model (the template's field
//!   table says where every value lives);
//! - [`check`]: the validator judges it and produces findings;
//! - [`domain`]: the scoring rules turn results into scores;
//! - [`ledger`]: SQLite keeps every version, its verdict and its data;
//! - [`summary`] and [`pass::receipt`]: the planning office's workbooks and each division's
//!   receipt are written from the ledger.
//!
//! Beside the flow: [`config`] (the configuration file), [`clock`] (the time records carry),
//! [`output`] (atomic writes),
//! [`commands`] (one module per subcommand, with the [`exit_codes`] they share), [`json`] (number
//! formatting for JSON output) and [`tools`] (seed samples, the demo generator, benchmarks).

pub mod check;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod exit_codes;
pub mod json;
pub mod ledger;
pub mod output;
pub mod pass;
pub mod summary;
pub mod tools;
pub mod workbook;

pub use exit_codes::ExitCode;
