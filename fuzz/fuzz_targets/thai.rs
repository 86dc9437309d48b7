//! Any text typed into a number or date cell: the Thai parsers must never panic.
#![no_main]

use kpiwatch::domain::model::KpiKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = kpiwatch::domain::thai::parse_number(text);
    let _ = kpiwatch::domain::thai::parse_thai_date(text);
    let _ = kpiwatch::domain::scoring::parse_result(text, KpiKind::Milestone);
});
