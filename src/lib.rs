//! kpiwatch turns Thai government divisions' quarterly KPI workbooks into scored, consolidated
//! summaries. This crate is the whole engine; the `kpiwatch` binary only parses its command line
//! and calls [`commands`].
//!
//! The modules, from the bottom up:
//! - the domain: [`thai`] (Thai digits, numbers, dates), [`model`], [`scoring`] (the rules of
//!   DOMAIN.md) and [`formula`] (the same rules as Excel formulas);
//! - the template: [`layout`] (the one declared field table), [`template`] (writes it),
//!   [`reader`] (reads filled ones with calamine), [`validate`] and [`diagnostic`] (judges them);
//! - the share: [`config`], [`share`] (the folders and the inbox scan), [`ledger`] (SQLite),
//!   [`consolidate`] (one pass), [`receipt`], [`summary`] (one summary workbook),
//!   [`summaries`] (which summary workbooks a pass rewrites), [`output`] (atomic writes) and
//!   [`watch`];
//! - tools: [`samples`] (the seed divisions), [`demo`] (generated shares), [`bench`](mod@bench);
//! - and one module per subcommand in [`commands`], with the [`exit_codes`] they share.

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
pub mod summaries;
pub mod summary;
pub mod template;
pub mod thai;
pub mod validate;
pub mod watch;

pub use exit_codes::ExitCode;
