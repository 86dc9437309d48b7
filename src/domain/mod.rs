//! The rules, free of files: the data a division reports ([`model`]), how a result becomes a
//! score ([`scoring`]), the same rules as spreadsheet formulas ([`formula`]), and the Thai
//! numbers and dates people type ([`thai`]). Everything else in the crate builds on this.

pub mod formula;
pub mod model;
pub mod scoring;
pub mod thai;
