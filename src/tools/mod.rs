//! Outside the pipeline: a generator of realistic shares for scale tests ([`demo`]) and the
//! measurements behind docs/performance.md ([`bench`](mod@bench)).

pub mod bench;
pub mod demo;
