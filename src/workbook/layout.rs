//! The one declared layout of the standard KPI template: every sheet, input cell, defined name,
//! Thai label and value type. The template writer, the reader of filled workbooks, the
//! instructions sheet and the README's contract are all generated from these tables.

use std::fmt::Write as _;
use std::sync::LazyLock;

use crate::domain::model::{Direction, KpiKind, Quarter};

/// Bumped when a field moves or changes meaning; the reader warns about other versions.
pub const TEMPLATE_VERSION: &str = "kpiwatch-template 1";

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
            ValueType::Percent => "number, 0 < x ≤ 100",
            ValueType::Year => "Buddhist Era year",
            ValueType::Quarter => "whole number 1-4",
            ValueType::Kind => "list: kind",
            ValueType::Direction => "list: direction",
            ValueType::Result => "number (milestone: level or range like 4-5)",
            ValueType::Date => "date or Thai date text",
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
    pub fn a1(&self) -> String {
        a1(self.row, self.col)
    }
}

/// "C5" for zero-based (4, 2).
pub fn a1(row: u32, col: u16) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// "A", "Z", "AA" … for a zero-based column.
pub fn column_letters(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
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
}

/// Builds one "label in A, value in B" field.
// One argument per column of the declared table keeps the table readable as a table.
#[allow(clippy::too_many_arguments)]
fn simple(
    key: Key,
    sheet: SheetRole,
    row: u32,
    name: &str,
    label: &'static str,
    meaning: &'static str,
    ty: ValueType,
    required: Required,
) -> Field {
    Field {
        key,
        name: format!("{NAME_PREFIX}{name}"),
        sheet,
        row,
        col: KPI_VALUE_COL,
        span: if matches!(ty, ValueType::Text) {
            KPI_VALUE_SPAN
        } else {
            0
        },
        label_th: label.to_owned(),
        meaning_en: meaning,
        ty,
        required,
        anchor: Anchor::RightOf(label),
    }
}

static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(build_fields);

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

fn build_fields() -> Vec<Field> {
    use Required::{No, UnlessMilestone, Yes};
    use SheetRole::{Division, Kpi, Plan};
    let mut f = vec![
        simple(
            Key::DivisionName,
            Division,
            3,
            "division_name",
            "ชื่อหน่วยงาน",
            "division name",
            ValueType::Text,
            Yes,
        ),
        simple(
            Key::DivisionCode,
            Division,
            4,
            "division_code",
            "รหัสหน่วยงาน (อักษรย่อ)",
            "division code (short name), the key of its rows",
            ValueType::Text,
            Yes,
        ),
        simple(
            Key::FiscalYear,
            Division,
            5,
            "fiscal_year",
            "ปีงบประมาณ (พ.ศ.)",
            "fiscal year, Buddhist Era",
            ValueType::Year,
            Yes,
        ),
        simple(
            Key::ReportingQuarter,
            Division,
            6,
            "reporting_quarter",
            "รายงานผลถึงไตรมาสที่",
            "the latest quarter this file reports (1-4)",
            ValueType::Quarter,
            No,
        ),
        simple(
            Key::ContactName,
            Division,
            7,
            "contact_name",
            "ผู้ประสานงาน",
            "contact person",
            ValueType::Text,
            No,
        ),
        simple(
            Key::ContactPhone,
            Division,
            8,
            "contact_phone",
            "เบอร์ติดต่อผู้ประสานงาน",
            "contact phone",
            ValueType::Text,
            No,
        ),
        simple(
            Key::ContactEmail,
            Division,
            9,
            "contact_email",
            "อีเมลผู้ประสานงาน",
            "contact e-mail",
            ValueType::Text,
            No,
        ),
    ];
    // The version cell is written by kpiwatch, not the division, but is read like any field.
    let mut version = simple(
        Key::TemplateVersion,
        Division,
        11,
        "template_version",
        "รุ่นแบบฟอร์ม",
        "template version (filled by kpiwatch)",
        ValueType::Text,
        No,
    );
    version.span = 0;
    f.push(version);

    f.extend([
        simple(
            Key::KpiName,
            Kpi,
            4,
            "kpi_name",
            "ตัวชี้วัด",
            "KPI name",
            ValueType::Text,
            Yes,
        ),
        simple(
            Key::KpiCode,
            Kpi,
            5,
            "kpi_code",
            "รหัสตัวชี้วัด",
            "KPI code, unique in the workbook",
            ValueType::Text,
            Yes,
        ),
        simple(
            Key::ActionPlan,
            Kpi,
            6,
            "action_plan",
            "แผนปฏิบัติราชการ",
            "action plan",
            ValueType::Text,
            No,
        ),
        simple(
            Key::StrategicIssue,
            Kpi,
            7,
            "strategic_issue",
            "ประเด็นยุทธศาสตร์ของหน่วยงาน",
            "strategic issue",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Dimension,
            Kpi,
            8,
            "dimension",
            "มิติการประเมินผล",
            "evaluation dimension",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Goal,
            Kpi,
            9,
            "goal",
            "เป้าประสงค์",
            "goal",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Weight,
            Kpi,
            10,
            "weight",
            "น้ำหนัก (ร้อยละ)",
            "weight in percent; a division's weights sum to 100",
            ValueType::Percent,
            Yes,
        ),
        simple(
            Key::Description,
            Kpi,
            11,
            "description",
            "คำอธิบาย",
            "description",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Kind,
            Kpi,
            12,
            "kind",
            "ประเภทการให้คะแนน",
            "scoring kind: interpolated, stepped or milestone",
            ValueType::Kind,
            Yes,
        ),
        simple(
            Key::Direction,
            Kpi,
            13,
            "direction",
            "ทิศทางของตัวชี้วัด",
            "direction: higher or lower is better",
            ValueType::Direction,
            Yes,
        ),
    ]);
    for level in 1..=5u8 {
        let row = KPI_LEVEL_HEADER_ROW + u32::from(level);
        f.push(Field {
            key: Key::Threshold(level),
            name: format!("{NAME_PREFIX}level{level}"),
            sheet: Kpi,
            row,
            col: 1,
            span: 0,
            label_th: format!("{} {}", LEVEL_COL_THRESHOLD, level_label(level)),
            meaning_en: "threshold (result needed) for this score level",
            ty: ValueType::Number,
            required: UnlessMilestone,
            anchor: Anchor::Grid {
                row: level_label(level),
                col: LEVEL_COL_THRESHOLD.to_owned(),
            },
        });
        f.push(Field {
            key: Key::LevelDescription(level),
            name: format!("{NAME_PREFIX}level{level}_desc"),
            sheet: Kpi,
            row,
            col: 2,
            span: 2,
            label_th: format!("{} {}", LEVEL_COL_DESCRIPTION, level_label(level)),
            meaning_en: "what this score level means",
            ty: ValueType::Text,
            required: No,
            anchor: Anchor::Grid {
                row: level_label(level),
                col: LEVEL_COL_DESCRIPTION.to_owned(),
            },
        });
    }
    f.extend([
        simple(
            Key::Conditions,
            Kpi,
            22,
            "conditions",
            "เงื่อนไข (ถ้ามี)",
            "conditions",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Unit,
            Kpi,
            23,
            "unit",
            "หน่วยวัด",
            "unit of the result (หน่วย, ร้อยละ, ระดับ…)",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Target,
            Kpi,
            24,
            "target",
            "เป้าหมายปีปัจจุบัน",
            "target this year",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Baseline(1),
            Kpi,
            25,
            "baseline1",
            "ข้อมูลพื้นฐานย้อนหลัง 1 ปี (ถ้ามี)",
            "result one year back",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Baseline(2),
            Kpi,
            26,
            "baseline2",
            "ข้อมูลพื้นฐานย้อนหลัง 2 ปี (ถ้ามี)",
            "result two years back",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Baseline(3),
            Kpi,
            27,
            "baseline3",
            "ข้อมูลพื้นฐานย้อนหลัง 3 ปี (ถ้ามี)",
            "result three years back",
            ValueType::Text,
            No,
        ),
        simple(
            Key::DataSource,
            Kpi,
            28,
            "data_source",
            "แหล่งข้อมูล/วิธีการจัดเก็บข้อมูล",
            "data source and collection",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Owner,
            Kpi,
            29,
            "owner",
            "ผู้รับผิดชอบตัวชี้วัด",
            "KPI owner",
            ValueType::Text,
            No,
        ),
        simple(
            Key::OwnerPhone,
            Kpi,
            30,
            "owner_phone",
            "เบอร์ติดต่อผู้รับผิดชอบ",
            "owner's phone",
            ValueType::Text,
            No,
        ),
        simple(
            Key::Supporter,
            Kpi,
            31,
            "supporter",
            "ผู้สนับสนุน",
            "supporter",
            ValueType::Text,
            No,
        ),
        simple(
            Key::SupporterPhone,
            Kpi,
            32,
            "supporter_phone",
            "เบอร์ติดต่อผู้สนับสนุน",
            "supporter's phone",
            ValueType::Text,
            No,
        ),
    ]);
    for q in Quarter::ALL {
        for qf in QuarterField::ALL {
            f.push(Field {
                key: Key::Quarter(q, qf),
                name: format!("{NAME_PREFIX}q{}_{}", q.number(), qf.slug()),
                sheet: Kpi,
                row: KPI_REPORT_HEADER_ROW + qf.offset(),
                col: 1 + q.index() as u16,
                span: 0,
                label_th: format!("{} {}", qf.label_th(), q.label_th()),
                meaning_en: qf.meaning_en(),
                ty: qf.ty(),
                required: No,
                anchor: Anchor::Grid {
                    row: qf.label_th().to_owned(),
                    col: q.label_th(),
                },
            });
        }
    }
    f.extend([
        simple(
            Key::PlanProcess,
            Plan,
            3,
            "plan_process",
            "๑. ชื่อกระบวนการปรับปรุงประสิทธิภาพในการปฏิบัติงาน",
            "the improvement process",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanClients,
            Plan,
            4,
            "plan_clients",
            "๒. ผู้รับบริการ",
            "clients",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanStakeholders,
            Plan,
            5,
            "plan_stakeholders",
            "ผู้มีส่วนได้ส่วนเสีย",
            "stakeholders",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanIndicator,
            Plan,
            6,
            "plan_indicator",
            "๓. ตัวชี้วัดของกระบวนการ",
            "the process indicator",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanTierQuality,
            Plan,
            7,
            "plan_tier_quality",
            "ระดับคุณภาพ",
            "indicator tier: quality",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanTierStandard,
            Plan,
            8,
            "plan_tier_standard",
            "ระดับมาตรฐาน",
            "indicator tier: standard",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanTierImprove,
            Plan,
            9,
            "plan_tier_improve",
            "ระดับต้องปรับปรุง",
            "indicator tier: needs improvement",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanDigital,
            Plan,
            10,
            "plan_digital",
            "๔. แนวทางการนำเทคโนโลยีดิจิทัลมาใช้",
            "how digital technology is used",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanStepReduction,
            Plan,
            11,
            "plan_step_reduction",
            "๕. วิธีการลดขั้นตอนในการปฏิบัติงาน",
            "how steps are cut",
            ValueType::Text,
            No,
        ),
        simple(
            Key::PlanExpectedResults,
            Plan,
            12,
            "plan_expected_results",
            "๗. ผลที่คาดว่าจะได้รับ",
            "expected results",
            ValueType::Text,
            No,
        ),
    ]);
    // Plan fields span the whole 15-column activity grid below them.
    for field in f.iter_mut().filter(|f| f.sheet == Plan) {
        field.span = PLAN_TABLE.columns.len() as u16 - 2;
    }
    f
}

/// A column of a table whose rows the division adds (process-plan activities, detail log).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: ColumnKey,
    pub label_th: &'static str,
    pub meaning_en: &'static str,
    pub ty: ValueType,
    pub width: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKey {
    Activity,
    /// 0 = ต.ค. … 11 = ก.ย.
    Month(u8),
    Budget,
    ActivityOwner,
    LogKpiCode,
    LogDate,
    LogArea,
    LogUnits,
    LogMode,
    LogCost,
    LogNote,
}

/// A table of repeated rows under a header row, as many as a division fills: the template
/// makes the table's whole columns input cells rather than preparing a number of rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: SheetRole,
    /// Defined name of the header row; the reader finds the header by it, or by `columns[0]`'s
    /// label when the name is gone.
    pub header_name: &'static str,
    pub header_row: u32,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn first_row(&self) -> u32 {
        self.header_row + 1
    }
}

/// Short month names of the fiscal year, Oct first, used as the plan grid's headers.
pub const FISCAL_MONTHS_TH: [&str; 12] = [
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
];

pub static PLAN_TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut columns = vec![Column {
        key: ColumnKey::Activity,
        label_th: "กิจกรรม",
        meaning_en: "activity",
        ty: ValueType::Text,
        width: 46.0,
    }];
    columns.extend((0..12u8).map(|m| Column {
        key: ColumnKey::Month(m),
        label_th: FISCAL_MONTHS_TH[usize::from(m)],
        meaning_en: "mark the months the activity runs (any mark, e.g. ✓ or ↔)",
        ty: ValueType::Text,
        width: 6.5,
    }));
    columns.extend([
        Column {
            key: ColumnKey::Budget,
            label_th: "งบประมาณ",
            meaning_en: "budget",
            ty: ValueType::Text,
            width: 12.0,
        },
        Column {
            key: ColumnKey::ActivityOwner,
            label_th: "ผู้รับผิดชอบ",
            meaning_en: "who is responsible",
            ty: ValueType::Text,
            width: 22.0,
        },
    ]);
    Table {
        sheet: SheetRole::Plan,
        header_name: "kw_plan_activities",
        header_row: 14,
        columns,
    }
});

pub static LOG_TABLE: LazyLock<Table> = LazyLock::new(|| Table {
    sheet: SheetRole::Log,
    header_name: "kw_log",
    header_row: 3,
    columns: vec![
        Column {
            key: ColumnKey::LogKpiCode,
            label_th: "รหัสตัวชี้วัด",
            meaning_en: "the KPI this record counts towards",
            ty: ValueType::Text,
            width: 14.0,
        },
        Column {
            key: ColumnKey::LogDate,
            label_th: "วันที่",
            meaning_en: "date or range, e.g. ๒๒ - ๒๓ มี.ค. ๖๔",
            ty: ValueType::Date,
            width: 18.0,
        },
        Column {
            key: ColumnKey::LogArea,
            label_th: "พื้นที่",
            meaning_en: "area (province, office)",
            ty: ValueType::Text,
            width: 26.0,
        },
        Column {
            key: ColumnKey::LogUnits,
            label_th: "จำนวน (หน่วย)",
            meaning_en: "units counted by this record",
            ty: ValueType::Number,
            width: 12.0,
        },
        Column {
            key: ColumnKey::LogMode,
            label_th: "รูปแบบ",
            meaning_en: "mode: on site, video conference, on paper",
            ty: ValueType::Text,
            width: 22.0,
        },
        Column {
            key: ColumnKey::LogCost,
            label_th: "ค่าใช้จ่าย (บาท)",
            meaning_en: "cost in baht",
            ty: ValueType::Number,
            width: 14.0,
        },
        Column {
            key: ColumnKey::LogNote,
            label_th: "หมายเหตุ",
            meaning_en: "note",
            ty: ValueType::Text,
            width: 30.0,
        },
    ],
});

/// The modes offered (not enforced) in the detail log's drop-down.
pub const LOG_MODES: [&str; 4] = [
    "ลงพื้นที่",
    "VDO Conference",
    "ตรวจทางเอกสาร",
    "บูรณาการ Conference",
];

/// The allowed entries of a drop-down field.
pub fn choices(ty: ValueType) -> Vec<&'static str> {
    match ty {
        ValueType::Kind => KpiKind::ALL.iter().map(|k| k.label_th()).collect(),
        ValueType::Direction => Direction::ALL.iter().map(|d| d.label_th()).collect(),
        _ => Vec::new(),
    }
}

fn sheet_display(sheet: SheetRole) -> &'static str {
    match sheet {
        SheetRole::Division => DIVISION_SHEET,
        SheetRole::Kpi => "ตัวชี้วัด n",
        SheetRole::Plan => PLAN_SHEET,
        SheetRole::Log => LOG_SHEET,
    }
}

/// The template's contract as a Markdown table: the README embeds exactly this text, and a test
/// keeps the two equal.
pub fn contract_markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Template version: `{TEMPLATE_VERSION}`.\n");
    let _ = writeln!(
        out,
        "| defined name | scope | sheet | cell | Thai label | meaning | type | required |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for f in fields() {
        let scope = if f.sheet == SheetRole::Kpi {
            "sheet"
        } else {
            "workbook"
        };
        let required = match f.required {
            Required::Yes => "yes",
            Required::No => "no",
            Required::UnlessMilestone => "unless milestone",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            f.name,
            scope,
            sheet_display(f.sheet),
            f.a1(),
            f.label_th,
            f.meaning_en,
            f.ty.describe_en(),
            required
        );
    }
    for table in [&*PLAN_TABLE, &*LOG_TABLE] {
        let _ = writeln!(
            out,
            "\nTable `{}` on sheet {}: header in row {}, one record per row below it, as many rows as needed (the table's columns are input cells all the way down; blank rows are skipped).\n",
            table.header_name,
            sheet_display(table.sheet),
            table.header_row + 1
        );
        let _ = writeln!(out, "| column | Thai header | meaning | type |");
        let _ = writeln!(out, "|---|---|---|---|");
        for (i, c) in table.columns.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                column_letters(i as u16),
                c.label_th,
                c.meaning_en,
                c.ty.describe_en()
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_keys_and_cells_are_unique() {
        let mut names = HashSet::new();
        let mut keys = HashSet::new();
        let mut cells = HashSet::new();
        for f in fields() {
            assert!(names.insert(f.name.clone()), "duplicate name {}", f.name);
            assert!(keys.insert(f.key), "duplicate key {:?}", f.key);
            assert!(
                cells.insert((f.sheet, f.row, f.col)),
                "two fields in {:?} {}",
                f.sheet,
                f.a1()
            );
            assert!(f.name.starts_with(NAME_PREFIX));
        }
    }

    #[test]
    fn labels_are_unique_per_sheet_so_the_fallback_is_unambiguous() {
        let mut seen = HashSet::new();
        for f in fields() {
            if let Anchor::RightOf(label) = f.anchor {
                assert!(seen.insert((f.sheet, label)), "label {label} twice");
            }
        }
    }

    #[test]
    fn every_key_resolves() {
        assert_eq!(field(Key::KpiCode).a1(), "B6");
        assert_eq!(field(Key::Threshold(1)).a1(), "B18");
        assert_eq!(
            field(Key::Quarter(Quarter::Q4, QuarterField::Result)).a1(),
            "E35"
        );
        assert_eq!(
            field(Key::Quarter(Quarter::Q1, QuarterField::Evidence)).a1(),
            "B39"
        );
    }

    #[test]
    fn kpi_rows_do_not_overlap_the_tables() {
        for f in fields_of(SheetRole::Kpi) {
            let in_levels = (KPI_LEVEL_HEADER_ROW + 1..=KPI_LEVEL_HEADER_ROW + 5).contains(&f.row);
            let in_report = f.row > KPI_REPORT_HEADER_ROW;
            let is_level = matches!(f.key, Key::Threshold(_) | Key::LevelDescription(_));
            let is_quarter = matches!(f.key, Key::Quarter(..));
            assert_eq!(in_levels, is_level, "{:?}", f.key);
            assert_eq!(in_report, is_quarter, "{:?}", f.key);
        }
        assert!(
            KPI_COMPUTED_SCORE_ROW > field(Key::Quarter(Quarter::Q1, QuarterField::Evidence)).row
        );
    }

    #[test]
    fn column_letters_roll_over() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
