//! One module per subcommand. Each takes a runtime configuration (built by the binary from its
//! command line) and does the work; none of them parses arguments or exits the process.

pub mod check;
pub mod close;
pub mod demo;
pub mod examples;
pub mod exclude;
pub mod include;
pub mod mail;
pub mod reopen;
pub mod run;
pub mod score;
pub mod status;
pub mod template;
