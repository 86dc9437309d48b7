//! Judging a read workbook: every rule a submission must meet, each broken rule a finding
//! (see [`crate::domain::diagnostic`]) that names file, sheet and cell, and the verdict
//! (accepted or rejected) that follows from them.

pub mod validate;
