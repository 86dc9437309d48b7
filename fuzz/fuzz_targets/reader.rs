//! Any bytes dropped into the inbox: reading and judging them must never panic, hang or use
//! unbounded memory. Seeded with the bundled examples and samples (see docs/operations.md).
#![no_main]

use kpiwatch::check::validate::{CheckOptions, check_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verdict = check_bytes(data, &CheckOptions::default());
    // Every finding can be rendered for a receipt.
    for d in &verdict.diagnostics {
        let _ = (d.finding.message_th(), d.finding.message_en(), d.place());
    }
});
