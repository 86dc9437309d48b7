//! The rules, free of files: the data a division reports ([`model`]), how a result becomes a
//! score ([`scoring`]), the same rules as spreadsheet formulas ([`formula`]), the Thai numbers
//! and dates people type ([`thai`]), the findings any step can raise ([`diagnostic`]), and the
//! two seed divisions as data ([`samples`]), and the bounds on text a division types
//! ([`bounded`]), and English counts ([`english`]). Everything else in the crate builds on this.

pub mod bounded;
pub mod diagnostic;
pub mod english;
pub mod exact;
pub mod formula;
pub mod model;
pub mod rounds;
pub mod samples;
pub mod scoring;
pub mod thai;
