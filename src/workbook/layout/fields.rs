//! The declared field table: every input cell of the template with its defined name, sheet,
//! position, Thai label, meaning, type and whether it must be filled.

use super::{
    Anchor, Field, KPI_LEVEL_HEADER_ROW, KPI_REPORT_HEADER_ROW, KPI_VALUE_COL, KPI_VALUE_SPAN, Key,
    LEVEL_COL_DESCRIPTION, LEVEL_COL_THRESHOLD, NAME_PREFIX, PLAN_TABLE, QuarterField, Required,
    SheetRole, TextBound, ValueType, level_label,
};
use crate::domain::model::Quarter;

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
        bound: bound(key, ty),
    }
}

/// How long a text each field keeps: names are printed in the summary's tables, descriptions
/// and plans are paragraphs, everything else is a line or a code.
fn bound(key: Key, ty: ValueType) -> TextBound {
    match key {
        Key::DivisionName | Key::KpiName | Key::Goal | Key::PlanProcess | Key::PlanIndicator => {
            TextBound::Name
        }
        Key::ActionPlan
        | Key::StrategicIssue
        | Key::Description
        | Key::LevelDescription(_)
        | Key::Conditions
        | Key::DataSource
        | Key::PlanClients
        | Key::PlanStakeholders
        | Key::PlanTierQuality
        | Key::PlanTierStandard
        | Key::PlanTierImprove
        | Key::PlanDigital
        | Key::PlanStepReduction
        | Key::PlanExpectedResults => TextBound::Long,
        Key::Quarter(_, qf) => qf.bound(),
        _ if matches!(ty, ValueType::Text) && key != Key::DivisionCode && key != Key::KpiCode => {
            TextBound::Short
        }
        _ => TextBound::Code,
    }
}

pub(super) fn build_fields() -> Vec<Field> {
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
        simple(
            Key::CertifierName,
            Division,
            13,
            "certifier_name",
            "ผู้รับรองข้อมูล: ชื่อ",
            "the official who certifies the report: name",
            ValueType::Text,
            No,
        ),
        simple(
            Key::CertifierPosition,
            Division,
            14,
            "certifier_position",
            "ผู้รับรองข้อมูล: ตำแหน่ง",
            "the certifying official's position",
            ValueType::Text,
            No,
        ),
        simple(
            Key::CertificationDate,
            Division,
            15,
            "certification_date",
            "ผู้รับรองข้อมูล: วันที่รับรอง",
            "date of certification",
            ValueType::Date,
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
            ty: ValueType::Threshold,
            required: UnlessMilestone,
            anchor: Anchor::Grid {
                row: level_label(level),
                col: LEVEL_COL_THRESHOLD.to_owned(),
            },
            bound: TextBound::Code,
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
            bound: TextBound::Long,
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
                bound: qf.bound(),
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
