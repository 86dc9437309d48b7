//! Findings about a submitted workbook: what is wrong, where (sheet and cell), how bad, and a
//! sentence in Thai and in English. The catalogue of findings lives here, so every message and
//! every stable code is in one place.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::domain::model::Quarter;

mod bounds;
mod messages;

/// How bad a finding is. Any error rejects the file; warnings are reported but accepted.
/// Serialised as "error" / "warning", the text the ledger has always stored.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub const fn label_th(self) -> &'static str {
        match self {
            Severity::Error => "ข้อผิดพลาด",
            Severity::Warning => "คำเตือน",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A field or column as people know it: its Thai label and an English name.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldName {
    pub th: String,
    pub en: String,
}

impl FieldName {
    pub fn new(th: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            th: th.into(),
            en: en.into(),
        }
    }
}

/// Everything kpiwatch can find wrong with a submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The file is not a spreadsheet calamine can open.
    NotAWorkbook {
        detail: String,
    },
    /// An encrypted (password-protected) workbook.
    Encrypted,
    /// A part of the file would expand beyond the documented limit.
    TooLarge {
        part: String,
        size: u64,
        limit: u64,
    },
    /// A sheet could not be read.
    UnreadableSheet {
        detail: String,
    },
    /// A sheet holds more cells than the documented limit.
    TooManyCells {
        sheet: String,
        limit: usize,
    },
    /// The division sheet (named `sheet` in the template) is missing.
    NoDivisionSheet {
        sheet: &'static str,
    },
    /// No sheet holds a filled KPI.
    NoKpis,
    /// The workbook was not made from this template version (`expected`).
    TemplateVersion {
        expected: &'static str,
        found: Option<String>,
    },
    MissingField {
        field: FieldName,
    },
    NotANumber {
        field: FieldName,
        text: String,
    },
    /// A number beyond what kpiwatch accepts (±10¹⁵) or infinite: "1e309", ±1e308.
    NumberOutOfRange {
        field: FieldName,
        text: String,
    },
    /// A plain number between -1 and 1 among cells compared with it that are percent cells
    /// (`other`, showing `other_value`%): 0.88 beside 86% may mean 0.88 or 88.
    PercentMix {
        field: FieldName,
        value: f64,
        other: String,
        other_value: f64,
    },
    NotAYear {
        field: FieldName,
        text: String,
    },
    InvalidChoice {
        field: FieldName,
        text: String,
        allowed: Vec<String>,
    },
    /// A formula whose value the file does not contain (never calculated).
    FormulaWithoutValue {
        field: FieldName,
        formula: String,
    },
    /// An Excel error value (#DIV/0!, #N/A…).
    ErrorValue {
        field: FieldName,
        error: String,
    },
    ThresholdsNotMonotone {
        ascending: bool,
        level: usize,
        value: f64,
        prev: f64,
    },
    /// A threshold typed as a bound of the other direction: "≥ 94" on a lower-is-better KPI.
    ThresholdAgainstDirection {
        level: u8,
        text: String,
        higher_is_better: bool,
    },
    WeightOutOfRange {
        weight: f64,
    },
    WeightsNot100 {
        total: f64,
    },
    DuplicateKpiCode {
        code: String,
        first_sheet: String,
    },
    FiscalYearImplausible {
        year: i32,
    },
    MilestoneOutOfRange {
        quarter: Quarter,
        value: f64,
    },
    CumulativeDecrease {
        quarter: Quarter,
        prev: f64,
        value: f64,
    },
    OwnScoreDiffers {
        quarter: Quarter,
        own: f64,
        official: f64,
    },
    OwnWeightedDiffers {
        quarter: Quarter,
        own: f64,
        official: f64,
    },
    LogTotalMismatch {
        kpi_code: String,
        log_total: f64,
        reported: f64,
        quarter: Quarter,
    },
    LogUnknownKpi {
        kpi_code: String,
    },
    LogDateUnreadable {
        text: String,
    },
    LogDateTypo {
        written: String,
        read_as: String,
    },
    LogDateOutsideYear {
        text: String,
        date: String,
        fiscal_year: i32,
    },
    /// The share accepts one fiscal year only.
    WrongFiscalYear {
        found: i32,
        expected: i32,
    },
    /// A file in one division's folder claims another division.
    DivisionMismatch {
        folder: String,
        expected: String,
        claimed: String,
    },
    /// With a registry, a division code that is not registered.
    DivisionNotRegistered {
        code: String,
    },
    /// Without a registry: a KPI code another division's current workbook also reports.
    KpiCodeInOtherDivision {
        code: String,
        division: String,
        file: String,
    },
    /// With a registry: a KPI code that belongs to another division.
    ForeignKpiCode {
        code: String,
        division: String,
        file: String,
    },
    /// Another file in the inbox is also this division's workbook for the same year and
    /// quarter; the newest accepted one is used.
    AnotherFileForDivision {
        other: String,
    },
    /// A text longer than its field's bound (`limit` characters), cut with a visible mark.
    TextTooLong {
        field: FieldName,
        length: usize,
        limit: usize,
    },
    /// Nobody certified the report (ผู้รับรองข้อมูล left blank).
    CertificationMissing,
    /// As [`Finding::CertificationMissing`], where the configuration requires a certification.
    CertificationRequired,
}

/// Every stable code, as documented in docs/findings.md; tests keep this list, [`Finding::code`] and
/// the per-code tests in step.
pub const CODES: [&str; 40] = [
    "not-a-workbook",
    "encrypted",
    "too-large",
    "unreadable-sheet",
    "too-many-cells",
    "no-division-sheet",
    "no-kpis",
    "template-version",
    "missing-field",
    "not-a-number",
    "number-out-of-range",
    "percent-mix",
    "not-a-year",
    "invalid-choice",
    "formula-without-value",
    "error-value",
    "thresholds-not-monotone",
    "threshold-against-direction",
    "weight-out-of-range",
    "weights-not-100",
    "duplicate-kpi-code",
    "fiscal-year-implausible",
    "milestone-out-of-range",
    "cumulative-decrease",
    "own-score-differs",
    "own-weighted-differs",
    "log-total-mismatch",
    "log-unknown-kpi",
    "log-date-unreadable",
    "log-date-typo",
    "log-date-outside-year",
    "wrong-fiscal-year",
    "division-mismatch",
    "division-not-registered",
    "kpi-code-in-other-division",
    "foreign-kpi-code",
    "another-file-for-division",
    "text-too-long",
    "certification-missing",
    "certification-required",
];

impl Finding {
    /// A stable identifier for scripts and for the documentation; never reworded.
    pub const fn code(&self) -> &'static str {
        match self {
            Finding::NotAWorkbook { .. } => "not-a-workbook",
            Finding::Encrypted => "encrypted",
            Finding::TooLarge { .. } => "too-large",
            Finding::UnreadableSheet { .. } => "unreadable-sheet",
            Finding::TooManyCells { .. } => "too-many-cells",
            Finding::NoDivisionSheet { .. } => "no-division-sheet",
            Finding::NoKpis => "no-kpis",
            Finding::TemplateVersion { .. } => "template-version",
            Finding::MissingField { .. } => "missing-field",
            Finding::NotANumber { .. } => "not-a-number",
            Finding::NumberOutOfRange { .. } => "number-out-of-range",
            Finding::PercentMix { .. } => "percent-mix",
            Finding::NotAYear { .. } => "not-a-year",
            Finding::InvalidChoice { .. } => "invalid-choice",
            Finding::FormulaWithoutValue { .. } => "formula-without-value",
            Finding::ErrorValue { .. } => "error-value",
            Finding::ThresholdsNotMonotone { .. } => "thresholds-not-monotone",
            Finding::ThresholdAgainstDirection { .. } => "threshold-against-direction",
            Finding::WeightOutOfRange { .. } => "weight-out-of-range",
            Finding::WeightsNot100 { .. } => "weights-not-100",
            Finding::DuplicateKpiCode { .. } => "duplicate-kpi-code",
            Finding::FiscalYearImplausible { .. } => "fiscal-year-implausible",
            Finding::MilestoneOutOfRange { .. } => "milestone-out-of-range",
            Finding::CumulativeDecrease { .. } => "cumulative-decrease",
            Finding::OwnScoreDiffers { .. } => "own-score-differs",
            Finding::OwnWeightedDiffers { .. } => "own-weighted-differs",
            Finding::LogTotalMismatch { .. } => "log-total-mismatch",
            Finding::LogUnknownKpi { .. } => "log-unknown-kpi",
            Finding::LogDateUnreadable { .. } => "log-date-unreadable",
            Finding::LogDateTypo { .. } => "log-date-typo",
            Finding::LogDateOutsideYear { .. } => "log-date-outside-year",
            Finding::WrongFiscalYear { .. } => "wrong-fiscal-year",
            Finding::DivisionMismatch { .. } => "division-mismatch",
            Finding::DivisionNotRegistered { .. } => "division-not-registered",
            Finding::KpiCodeInOtherDivision { .. } => "kpi-code-in-other-division",
            Finding::ForeignKpiCode { .. } => "foreign-kpi-code",
            Finding::AnotherFileForDivision { .. } => "another-file-for-division",
            Finding::TextTooLong { .. } => "text-too-long",
            Finding::CertificationMissing => "certification-missing",
            Finding::CertificationRequired => "certification-required",
        }
    }

    pub const fn severity(&self) -> Severity {
        match self {
            Finding::TemplateVersion { .. }
            | Finding::WeightsNot100 { .. }
            | Finding::CumulativeDecrease { .. }
            | Finding::OwnScoreDiffers { .. }
            | Finding::OwnWeightedDiffers { .. }
            | Finding::LogTotalMismatch { .. }
            | Finding::LogUnknownKpi { .. }
            | Finding::LogDateUnreadable { .. }
            | Finding::LogDateTypo { .. }
            | Finding::LogDateOutsideYear { .. }
            | Finding::KpiCodeInOtherDivision { .. }
            | Finding::AnotherFileForDivision { .. }
            | Finding::TextTooLong { .. }
            | Finding::CertificationMissing => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Where in a workbook a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub sheet: Option<String>,
    /// A1 reference, e.g. "C5".
    pub cell: Option<String>,
}

impl Location {
    pub fn file() -> Self {
        Self::default()
    }

    pub fn sheet(sheet: impl Into<String>) -> Self {
        Self {
            sheet: Some(sheet.into()),
            cell: None,
        }
    }

    pub fn cell(sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        Self {
            sheet: Some(sheet.into()),
            cell: Some(cell.into()),
        }
    }
}

/// A finding at a location.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub finding: Finding,
    pub location: Location,
}

impl Diagnostic {
    /// A finding at a location. The cell contents and sheet names it repeats are bounded
    /// ([`crate::domain::bounded`]): a message stays a line of a receipt.
    pub fn new(finding: Finding, location: Location) -> Self {
        Self {
            finding: finding.quotes_bounded(),
            location: location.bounded(),
        }
    }

    pub fn severity(&self) -> Severity {
        self.finding.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// "'ตัวชี้วัด 1'!B12", "'หน่วยงาน'", or "(file)".
    pub fn place(&self) -> String {
        place(
            self.location.sheet.as_deref(),
            self.location.cell.as_deref(),
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {} / {}",
            self.severity().label_en(),
            self.finding.code(),
            self.place(),
            self.finding.message_th(),
            self.finding.message_en()
        )
    }
}

/// A diagnostic as stored and shown after the fact (ledger, receipts, summary): the rendered
/// messages, no longer the typed finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DiagnosticRecord {
    pub severity: Severity,
    pub code: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub message_th: String,
    pub message_en: String,
}

impl From<&Diagnostic> for DiagnosticRecord {
    fn from(d: &Diagnostic) -> Self {
        Self {
            severity: d.severity(),
            code: d.finding.code().to_owned(),
            sheet: d.location.sheet.clone(),
            cell: d.location.cell.clone(),
            message_th: d.finding.message_th(),
            message_en: d.finding.message_en(),
        }
    }
}

impl DiagnosticRecord {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// "'ตัวชี้วัด 1'!B12", "'หน่วยงาน'", or "(file)".
    pub fn place(&self) -> String {
        place(self.sheet.as_deref(), self.cell.as_deref())
    }
}

fn place(sheet: Option<&str>, cell: Option<&str>) -> String {
    match (sheet, cell) {
        (Some(s), Some(c)) => format!("'{s}'!{c}"),
        (Some(s), None) => format!("'{s}'"),
        _ => "(file)".into(),
    }
}

/// The JSON shape of a diagnostic in `kpiwatch check --json`.
impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 6)?;
        st.serialize_field("severity", &self.severity())?;
        st.serialize_field("code", self.finding.code())?;
        st.serialize_field("sheet", &self.location.sheet)?;
        st.serialize_field("cell", &self.location.cell)?;
        st.serialize_field("message_th", &self.finding.message_th())?;
        st.serialize_field("message_en", &self.finding.message_en())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::messages::num;
    use super::*;

    #[test]
    fn json_shape_names_sheet_and_cell() {
        let d = Diagnostic::new(
            Finding::WeightOutOfRange { weight: 120.0 },
            Location::cell("ตัวชี้วัด 1", "B11"),
        );
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["code"], "weight-out-of-range");
        assert_eq!(v["sheet"], "ตัวชี้วัด 1");
        assert_eq!(v["cell"], "B11");
        assert_eq!(v["message_en"], "weight 120 is outside 0 < weight ≤ 100");
        assert!(v["message_th"].as_str().unwrap().contains("120"));
    }

    #[test]
    fn records_read_and_write_the_severity_as_the_ledger_stores_it() {
        let stored = r#"{"severity":"warning","code":"x","sheet":null,"cell":"B4","message_th":"ก","message_en":"a"}"#;
        let r: DiagnosticRecord = serde_json::from_str(stored).unwrap();
        assert_eq!(r.severity, Severity::Warning);
        assert!(!r.is_error());
        assert_eq!(serde_json::to_string(&r).unwrap(), stored);
    }

    #[test]
    fn figures_print_as_people_write_them() {
        assert_eq!(num(826.0), "826");
        assert_eq!(num(2.2267), "2.2267");
        assert_eq!(num(0.3), "0.3");
    }
}
