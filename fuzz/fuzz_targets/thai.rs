//! Any text typed into a number or date cell: the Thai parsers must never panic.
#![no_main]

use kpiwatch::model::KpiKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = kpiwatch::thai::parse_number(text);
    let _ = kpiwatch::thai::parse_thai_date(text);
    let _ = kpiwatch::scoring::parse_result(text, KpiKind::Milestone);
});
