//! kpiwatch turns Thai government divisions' quarterly KPI workbooks into scored, consolidated
//! summaries. This crate is the whole engine; the `kpiwatch` binary only parses its command line
//! and calls [`commands`].
//!
//! The modules, from the bottom up: [`thai`] (Thai digits, numbers and dates), [`model`] (the KPI
//! domain), [`scoring`] (the rules of DOMAIN.md), and one module per subcommand in [`commands`].

pub mod bench;
pub mod commands;
pub mod config;
pub mod consolidate;
pub mod demo;
pub mod diagnostic;
pub mod exit_codes;
pub mod formula;
pub mod json;
pub mod layout;
pub mod ledger;
pub mod model;
pub mod output;
pub mod reader;
pub mod receipt;
pub mod samples;
pub mod scoring;
pub mod share;
pub mod summary;
pub mod template;
pub mod thai;
pub mod validate;
pub mod watch;

pub use exit_codes::ExitCode;
