//! `kpiwatch template`: writes the standard KPI workbook divisions fill, or prints the
//! defined-name contract other systems use to fill and read it.

use std::io::Write;
use std::path::PathBuf;

use crate::domain::model::{FiscalYear, Submission};
use crate::workbook::layout;
use crate::workbook::template::{self, TemplateError, TemplateOptions};

#[derive(Debug, Clone)]
pub struct TemplateConfig {
    pub out: PathBuf,
    pub options: TemplateOptions,
    /// Print the contract (Markdown) instead of writing a workbook.
    pub contract: bool,
}

impl TemplateConfig {
    pub fn new(out: PathBuf, kpis: usize, fiscal_year: Option<i32>, contract: bool) -> Self {
        Self {
            out,
            options: TemplateOptions {
                kpi_sheets: kpis,
                fiscal_year: fiscal_year.map(FiscalYear::new),
            },
            contract,
        }
    }
}

pub fn run(cfg: &TemplateConfig, out: &mut dyn Write) -> Result<(), TemplateError> {
    if cfg.contract {
        out.write_all(layout::contract_markdown().as_bytes())
            .map_err(|source| TemplateError::Write {
                path: "standard output".into(),
                source,
            })?;
        return Ok(());
    }
    if cfg.options.kpi_sheets == 0 || cfg.options.kpi_sheets > template::MAX_KPI_SHEETS {
        return Err(TemplateError::KpiCount {
            got: cfg.options.kpi_sheets,
            max: template::MAX_KPI_SHEETS,
        });
    }
    template::write(&cfg.out, &Submission::default(), &cfg.options)?;
    let _ = writeln!(
        out,
        "wrote {} ({} KPI sheets{})",
        cfg.out.display(),
        cfg.options.kpi_sheets,
        cfg.options
            .fiscal_year
            .map(|y| format!(", fiscal year {y}"))
            .unwrap_or_default()
    );
    Ok(())
}
