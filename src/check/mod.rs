//! Judging a read workbook: every rule a submission must meet ([`validate`]) and the findings
//! it produces, each naming file, sheet and cell in Thai and English ([`diagnostic`]).

pub mod diagnostic;
pub mod validate;
