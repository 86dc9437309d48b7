//! What a finding repeats of a submission (a cell's content, a code, a sheet name) is bounded,
//! so that a number cell holding a page of text gives a one-line finding, not a page.

use super::{Finding, Location};
use crate::domain::bounded::{QUOTE_CHARS, SHEET_NAME_CHARS, cut};

/// A reader's or checker's explanation (calamine's error text, say) may run longer than a
/// quoted cell, and is still kept to a line.
const DETAIL_CHARS: usize = 1_000;

fn quote(s: &mut String) {
    bound(s, QUOTE_CHARS);
}

fn bound(s: &mut String, max: usize) {
    if let Some(c) = cut(s, max) {
        *s = c;
    }
}

impl Finding {
    /// The same finding with every text it quotes from the submission within its bound.
    pub(super) fn quotes_bounded(mut self) -> Self {
        match &mut self {
            Finding::NotAWorkbook { detail } | Finding::UnreadableSheet { detail } => {
                bound(detail, DETAIL_CHARS);
            }
            Finding::TooLarge { part, .. } => quote(part),
            Finding::TooManyCells { sheet, .. } => bound(sheet, SHEET_NAME_CHARS),
            Finding::TemplateVersion { found, .. } => {
                if let Some(f) = found {
                    quote(f);
                }
            }
            Finding::NotANumber { text, .. }
            | Finding::NumberOutOfRange { text, .. }
            | Finding::ThresholdAgainstDirection { text, .. }
            | Finding::NotAYear { text, .. }
            | Finding::InvalidChoice { text, .. }
            | Finding::LogDateUnreadable { text } => quote(text),
            Finding::FormulaWithoutValue { formula, .. } => quote(formula),
            Finding::PercentMix { other, .. } => bound(other, DETAIL_CHARS),
            Finding::ErrorValue { error, .. } => quote(error),
            Finding::DuplicateKpiCode { code, first_sheet } => {
                quote(code);
                bound(first_sheet, SHEET_NAME_CHARS);
            }
            Finding::LogTotalMismatch { kpi_code, .. } | Finding::LogUnknownKpi { kpi_code } => {
                quote(kpi_code);
            }
            Finding::LogDateTypo { written, read_as } => {
                quote(written);
                quote(read_as);
            }
            Finding::LogDateOutsideYear { text, date, .. } => {
                quote(text);
                quote(date);
            }
            Finding::DivisionMismatch {
                folder,
                expected,
                claimed,
            } => {
                quote(folder);
                quote(expected);
                quote(claimed);
            }
            Finding::DivisionNotRegistered { code } => quote(code),
            Finding::KpiCodeInOtherDivision {
                code,
                division,
                file,
            }
            | Finding::ForeignKpiCode {
                code,
                division,
                file,
            } => {
                quote(code);
                quote(division);
                bound(file, DETAIL_CHARS);
            }
            Finding::AnotherFileForDivision { other } => bound(other, DETAIL_CHARS),
            Finding::Encrypted
            | Finding::NoDivisionSheet { .. }
            | Finding::NoKpis
            | Finding::MissingField { .. }
            | Finding::ThresholdsNotMonotone { .. }
            | Finding::WeightOutOfRange { .. }
            | Finding::WeightsNot100 { .. }
            | Finding::FiscalYearImplausible { .. }
            | Finding::MilestoneOutOfRange { .. }
            | Finding::CumulativeDecrease { .. }
            | Finding::OwnScoreDiffers { .. }
            | Finding::OwnWeightedDiffers { .. }
            | Finding::WrongFiscalYear { .. }
            | Finding::TextTooLong { .. }
            | Finding::CertificationMissing
            | Finding::CertificationRequired => {}
        }
        self
    }
}

impl Location {
    /// A sheet name within its bound (an .ods sheet name can be as long as a cell).
    pub(super) fn bounded(mut self) -> Self {
        if let Some(sheet) = &mut self.sheet {
            bound(sheet, SHEET_NAME_CHARS);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Diagnostic, FieldName};
    use super::*;
    use crate::domain::bounded::CUT_MARK;

    #[test]
    fn a_page_in_a_number_cell_gives_a_one_line_finding() {
        let d = Diagnostic::new(
            Finding::NotANumber {
                field: FieldName::new("น้ำหนัก (ร้อยละ)", "weight"),
                text: "ก".repeat(40_000),
            },
            Location::cell("ส".repeat(300), "B11"),
        );
        let th = d.finding.message_th();
        assert!(th.chars().count() < 400, "{}", th.chars().count());
        assert!(th.contains(CUT_MARK));
        assert_eq!(
            d.location.sheet.as_deref().map(|s| s.chars().count()),
            Some(SHEET_NAME_CHARS)
        );
        assert!(d.finding.message_en().contains("must be a number"));
    }

    #[test]
    fn short_quotes_are_untouched() {
        let f = Finding::DivisionNotRegistered {
            code: "สตป.".into(),
        };
        assert_eq!(f.clone().quotes_bounded(), f);
    }
}
