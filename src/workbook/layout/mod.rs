//! The one declared layout of the standard KPI template: every sheet, input cell, defined name,
//! Thai label and value type. The template writer, the reader of filled workbooks, the
//! instructions sheet and the contract in docs/template.md are all generated from these tables.

mod contract;
mod fields;
mod tables;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

pub use contract::contract_markdown;
pub use tables::{
    Column, ColumnKey, LOG_MODE_MEANINGS_EN, LOG_MODES, LOG_TABLE, PLAN_TABLE, Table,
};

use crate::domain::model::{Direction, KpiKind, Quarter};

/// Bumped when a field moves or changes meaning; the reader warns about other versions.
pub const TEMPLATE_VERSION: &str = "kpiwatch-template 2";

/// Every defined name starts with this, so kpiwatch's names never collide with a division's own.
pub const NAME_PREFIX: &str = "kw_";

pub const INSTRUCTIONS_SHEET: &str = "คำแนะนำ";
pub const DIVISION_SHEET: &str = "หน่วยงาน";
/// KPI sheets are "ตัวชี้วัด 1", "ตัวชี้วัด 2", …; copies made in Excel or LibreOffice get other
/// names, so the reader recognises a KPI sheet by its fields, not by its name.
pub const KPI_SHEET_PREFIX: &str = "ตัวชี้วัด";
pub const PLAN_SHEET: &str = "แผนกระบวนการ";
pub const LOG_SHEET: &str = "บันทึกรายละเอียด";

/// How many KPI sheets a fresh template has.
pub const DEFAULT_KPI_SHEETS: usize = 3;

/// Which sheet a field lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetRole {
    Division,
    /// Every KPI sheet has the same fields, under sheet-local defined names.
    Kpi,
    Plan,
    Log,
}

/// What a cell must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Text,
    /// Any number; Thai digits, separators and "%" accepted.
    Number,
    /// A score level's threshold: a number, or an open range or bound in the KPI's direction
    /// ("86 -", "≥ 94", "94 ขึ้นไป"; see `thai::parse_threshold`).
    Threshold,
    /// A weight in percent, 0 < w ≤ 100.
    Percent,
    /// A Buddhist Era year.
    Year,
    /// A quarter number, 1..=4.
    Quarter,
    /// One of the KPI kinds' Thai labels.
    Kind,
    /// One of the directions' Thai labels.
    Direction,
    /// A KPI result: a number, or for milestone KPIs a level or a range of levels ("4-5").
    Result,
    /// A date or a Thai date range ("๒๒ - ๒๓ มี.ค. ๖๔").
    Date,
}

impl ValueType {
    pub const fn describe_en(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Number => "number",
            ValueType::Threshold => {
                "number; also \"86 -\" or \"ตั้งแต่ 86\", and for higher-is-better \"≥ 94\", \"94 ขึ้นไป\", \"ไม่น้อยกว่า 94\" (lower-is-better: \"≤ 10\", \"10 ลงมา\", \"ไม่เกิน 10\")"
            }
            ValueType::Percent => "number, 0 < x ≤ 100",
            ValueType::Year => "Buddhist Era year",
            ValueType::Quarter => "whole number 1-4",
            ValueType::Kind => "list: kind",
            ValueType::Direction => "list: direction",
            ValueType::Result => "number (milestone: level, \"ระดับ 4\", or range like 4-5 or 4–5)",
            ValueType::Date => "date or Thai date text",
        }
    }
}

/// How long a text a field keeps: anything longer is cut with a visible mark and a
/// `text-too-long` warning at its cell. Bounded so that one cell can neither overflow a summary
/// cell (32,767 characters in Excel) nor turn a receipt or a printed row into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextBound {
    /// Codes, numbers, dates and drop-down values: the key of a row, printed in narrow columns.
    Code,
    /// Contacts, units, targets, a month's mark, a budget: one line.
    Short,
    /// The names people print: division, KPI, activity.
    Name,
    /// Descriptions, plans, a quarter's account of what was done.
    Long,
}

impl TextBound {
    pub const fn chars(self) -> usize {
        match self {
            TextBound::Code => 50,
            TextBound::Short => 200,
            TextBound::Name => 500,
            TextBound::Long => 2_000,
        }
    }
}

/// The fields of one quarter's column in the KPI sheet's report table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuarterField {
    Result,
    Details,
    OwnScore,
    OwnWeighted,
    Evidence,
}

/// Identifies a field independently of where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    TemplateVersion,
    DivisionName,
    DivisionCode,
    FiscalYear,
    ReportingQuarter,
    ContactName,
    ContactPhone,
    ContactEmail,
    CertifierName,
    CertifierPosition,
    CertificationDate,

    KpiName,
    KpiCode,
    ActionPlan,
    StrategicIssue,
    Dimension,
    Goal,
    Weight,
    Description,
    Kind,
    Direction,
    /// Threshold for level 1..=5.
    Threshold(u8),
    LevelDescription(u8),
    Conditions,
    Unit,
    Target,
    /// Baseline 1..=3 years back.
    Baseline(u8),
    DataSource,
    Owner,
    OwnerPhone,
    Supporter,
    SupporterPhone,
    Quarter(Quarter, QuarterField),

    PlanProcess,
    PlanClients,
    PlanStakeholders,
    PlanIndicator,
    PlanTierQuality,
    PlanTierStandard,
    PlanTierImprove,
    PlanDigital,
    PlanStepReduction,
    PlanExpectedResults,
}

/// Where the reader looks for a field when its defined name is missing (a sheet copied by a
/// program that drops names, or a workbook typed by hand from the printed form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The value is in the cell right of the label.
    RightOf(&'static str),
    /// The value is where the row holding `row` meets the column holding `col`.
    Grid { row: String, col: String },
}

/// One input cell of the template.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: Key,
    /// The defined name (sheet-local on KPI sheets, global elsewhere).
    pub name: String,
    pub sheet: SheetRole,
    /// Zero-based row and column in a freshly generated template.
    pub row: u32,
    pub col: u16,
    /// Extra columns the input cell is merged across, for long text.
    pub span: u16,
    pub label_th: String,
    pub meaning_en: &'static str,
    pub ty: ValueType,
    pub required: Required,
    pub anchor: Anchor,
    /// The longest text kept from the cell.
    pub bound: TextBound,
}

/// Whether a field must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// Thresholds: milestone KPIs score the level itself and need none.
    UnlessMilestone,
}

impl Field {
    /// The cell's name: "B6".
    pub fn a1(&self) -> String {
        rust_xlsxwriter::utility::row_col_to_cell(self.row, self.col)
    }

    /// The field's short English name, for findings: "weight", "Q2 result", "level 3
    /// threshold". Messages name a field; [`Field::meaning_en`] explains it in the contract.
    pub fn name_en(&self) -> String {
        match self.key {
            Key::Threshold(level) => format!("level {level} threshold"),
            Key::LevelDescription(level) => format!("level {level} description"),
            Key::Baseline(n) => format!("baseline {n} year(s) back"),
            Key::Quarter(q, qf) => format!("{q} {}", qf.slug().replace('_', " ")),
            _ => self.name.trim_start_matches(NAME_PREFIX).replace('_', " "),
        }
    }
}

// Column widths of the KPI sheet: labels in A, values in B..E (one per quarter in the report).
pub const KPI_LABEL_COL: u16 = 0;
pub const KPI_VALUE_COL: u16 = 1;
pub const KPI_VALUE_SPAN: u16 = 3;

/// Row of the KPI sheet's threshold table header; levels 1..5 follow.
pub const KPI_LEVEL_HEADER_ROW: u32 = 16;
pub const LEVEL_COL_LABEL: &str = "ระดับคะแนนตัวชี้วัด";
pub const LEVEL_COL_THRESHOLD: &str = "ระดับผลการดำเนินงาน";
pub const LEVEL_COL_DESCRIPTION: &str = "คำอธิบายเกณฑ์การให้คะแนน";
/// Row of the quarterly report header ("รายงานผลการดำเนินงาน | ไตรมาสที่ 1 …").
pub const KPI_REPORT_HEADER_ROW: u32 = 33;
pub const REPORT_HEADER_LABEL: &str = "รายงานผลการดำเนินงาน";
/// Rows under the report where the template shows kpiwatch's own score and weighted score as
/// live formulas (not read back).
pub const KPI_COMPUTED_SCORE_ROW: u32 = KPI_REPORT_HEADER_ROW + 6;
pub const KPI_COMPUTED_WEIGHTED_ROW: u32 = KPI_REPORT_HEADER_ROW + 7;

/// What the template shows in a computed cell whose inputs are typed in a form its formulas do
/// not convert (a range "4-5", a bound "≥ 94", a percent-formatted number…): kpiwatch computes
/// the figure when the file is sent. Never a number that could be wrong, never an error value.
pub const COMPUTED_PLACEHOLDER: &str = "คำนวณเมื่อส่งไฟล์";

/// A cell of a KPI sheet's computed rows (คำนวณโดยระบบ): a live formula showing kpiwatch's
/// figure as the division types. Read-only, and never read back.
#[derive(Debug, Clone)]
pub struct ComputedCell {
    /// The sheet-local defined name: `kw_q2_score`, `kw_q2_weighted`.
    pub name: String,
    pub quarter: Quarter,
    /// The weighted score (row 41) rather than the score (row 40).
    pub weighted: bool,
    pub row: u32,
    pub col: u16,
    pub label_th: String,
    pub meaning_en: &'static str,
}

impl ComputedCell {
    pub fn a1(&self) -> String {
        rust_xlsxwriter::utility::row_col_to_cell(self.row, self.col)
    }
}

/// Row labels of the computed rows.
pub const COMPUTED_SCORE_LABEL: &str = "คะแนนตัวชี้วัด (คำนวณโดยระบบ)";
pub const COMPUTED_WEIGHTED_LABEL: &str = "คะแนนถ่วงน้ำหนัก (คำนวณโดยระบบ)";

/// The computed cells of a KPI sheet, score row first, quarters in order.
pub fn computed_cells() -> Vec<ComputedCell> {
    [false, true]
        .into_iter()
        .flat_map(|weighted| {
            Quarter::ALL.into_iter().map(move |q| {
                let (row, slug, label, meaning) = if weighted {
                    (
                        KPI_COMPUTED_WEIGHTED_ROW,
                        "weighted",
                        COMPUTED_WEIGHTED_LABEL,
                        "kpiwatch's weighted score, live (or the placeholder)",
                    )
                } else {
                    (
                        KPI_COMPUTED_SCORE_ROW,
                        "score",
                        COMPUTED_SCORE_LABEL,
                        "kpiwatch's score, live (or the placeholder)",
                    )
                };
                ComputedCell {
                    name: format!("{NAME_PREFIX}q{}_{slug}", q.number()),
                    quarter: q,
                    weighted,
                    row,
                    col: 1 + q.index() as u16,
                    label_th: format!("{label} {}", q.label_th()),
                    meaning_en: meaning,
                }
            })
        })
        .collect()
}

/// "ระดับ 3": the row label of one threshold level.
pub fn level_label(level: u8) -> String {
    format!("ระดับ {level}")
}

impl QuarterField {
    pub const ALL: [QuarterField; 5] = [
        QuarterField::Result,
        QuarterField::Details,
        QuarterField::OwnScore,
        QuarterField::OwnWeighted,
        QuarterField::Evidence,
    ];

    pub const fn label_th(self) -> &'static str {
        match self {
            QuarterField::Result => "ผลการดำเนินงาน (สะสม)",
            QuarterField::Details => "รายละเอียดการดำเนินงาน",
            QuarterField::OwnScore => "คะแนนตัวชี้วัด (หน่วยงานกรอก)",
            QuarterField::OwnWeighted => "คะแนนถ่วงน้ำหนัก (หน่วยงานกรอก)",
            QuarterField::Evidence => "ไฟล์เอกสาร/หลักฐาน",
        }
    }

    const fn slug(self) -> &'static str {
        match self {
            QuarterField::Result => "result",
            QuarterField::Details => "details",
            QuarterField::OwnScore => "own_score",
            QuarterField::OwnWeighted => "own_weighted",
            QuarterField::Evidence => "evidence",
        }
    }

    const fn meaning_en(self) -> &'static str {
        match self {
            QuarterField::Result => "cumulative result from the start of the fiscal year",
            QuarterField::Details => "what was done this quarter",
            QuarterField::OwnScore => "score as the division computed it (checked)",
            QuarterField::OwnWeighted => "weighted score as the division computed it (checked)",
            QuarterField::Evidence => "evidence documents",
        }
    }

    const fn ty(self) -> ValueType {
        match self {
            QuarterField::Result => ValueType::Result,
            QuarterField::OwnScore | QuarterField::OwnWeighted => ValueType::Number,
            QuarterField::Details | QuarterField::Evidence => ValueType::Text,
        }
    }

    const fn offset(self) -> u32 {
        self as u32 + 1
    }

    const fn bound(self) -> TextBound {
        match self {
            QuarterField::Details | QuarterField::Evidence => TextBound::Long,
            QuarterField::Result | QuarterField::OwnScore | QuarterField::OwnWeighted => {
                TextBound::Code
            }
        }
    }
}

static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(fields::build_fields);

/// Every input field of the template, in the order the docs list them.
pub fn fields() -> &'static [Field] {
    &FIELDS
}

/// The field for `key`. Every key has exactly one field (a unit test checks it).
pub fn field(key: Key) -> &'static Field {
    FIELDS
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| unreachable!("layout declares every key: {key:?}"))
}

/// The fields of one sheet role.
pub fn fields_of(sheet: SheetRole) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.sheet == sheet)
}

/// The allowed entries of a drop-down field: the Thai texts its list offers.
pub fn choices(ty: ValueType) -> Vec<&'static str> {
    choice_list(ty).iter().map(|c| c.th).collect()
}

/// Every text the reader accepts in a drop-down field, Thai values first: what a finding about
/// an unknown value lists.
pub fn accepted_values(ty: ValueType) -> Vec<String> {
    let list = choice_list(ty);
    let th = list.iter().map(|c| c.th.to_owned());
    let en = list
        .iter()
        .flat_map(|c| c.en.iter().map(|n| (*n).to_owned()));
    th.chain(en).collect()
}

/// One entry of a drop-down field: the Thai text the template's list offers, the English names
/// the reader accepts as well (in any case), and what the entry means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub th: &'static str,
    pub en: Vec<&'static str>,
    pub meaning_en: &'static str,
}

/// The entries of a drop-down field, in the order its list offers them; empty for other types.
pub fn choice_list(ty: ValueType) -> Vec<Choice> {
    match ty {
        ValueType::Kind => KpiKind::ALL
            .iter()
            .map(|k| Choice {
                th: k.label_th(),
                en: vec![k.name_en()],
                meaning_en: k.meaning_en(),
            })
            .collect(),
        ValueType::Direction => Direction::ALL
            .iter()
            .map(|d| Choice {
                th: d.label_th(),
                en: d.names_en().to_vec(),
                meaning_en: d.meaning_en(),
            })
            .collect(),
        _ => Vec::new(),
    }
}
