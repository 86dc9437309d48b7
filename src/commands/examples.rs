//! `kpiwatch examples`: regenerates the bundled example workbooks (the two seed divisions,
//! filled into the standard template) so they always follow the current layout.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::model::Submission;
use crate::domain::samples;
use crate::workbook::template::{self, TemplateError, TemplateOptions};

/// Where each example lives under the examples share's inbox: one subfolder per division, as a
/// real share would be organised.
pub fn example_files() -> Vec<(PathBuf, Submission)> {
    vec![
        (
            PathBuf::from("inspection-office/kpi-2564.xlsx"),
            samples::inspection_office(),
        ),
        (
            PathBuf::from("ministers-office/kpi-2564.xlsx"),
            samples::ministers_office(),
        ),
    ]
}

/// Writes every example under `inbox`.
pub fn run(inbox: &Path, out: &mut dyn Write) -> Result<(), TemplateError> {
    for (rel, sub) in example_files() {
        let path = inbox.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| TemplateError::Write {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let opts = TemplateOptions {
            kpi_sheets: sub.kpis.len(),
            fiscal_year: sub.fiscal_year,
        };
        template::write(&path, &sub, &opts)?;
        let _ = writeln!(out, "wrote {}", path.display());
    }
    Ok(())
}
