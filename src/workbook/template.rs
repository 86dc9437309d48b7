//! Writes the standard KPI template from [`crate::workbook::layout`]: blank for divisions to fill, or
//! filled from a [`Submission`] (the bundled examples and test fixtures). Thai labels, TH Sarabun
//! New, shaded unlocked input cells, protected sheets, drop-downs and A4 print setup.

use std::path::Path;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};
use thiserror::Error;

use crate::domain::formula::{self, ScoreRefs};
use crate::domain::model::{FiscalYear, Kpi, Quarter, Submission};
use crate::domain::scoring;
use crate::domain::thai;
use crate::output;
use crate::workbook::layout::{
    self, Anchor, Field, Key, QuarterField, Required, SheetRole, Table, ValueType,
};

pub const FONT: &str = "TH Sarabun New";
pub const FONT_SIZE: f64 = 16.0;
pub const TABLE_FONT_SIZE: f64 = 14.0;
/// Row height in points for one line of 16 pt Thai text.
pub const ROW_HEIGHT: f64 = 24.0;
/// A4 in Excel's paper-size numbering.
pub const PAPER_A4: u8 = 9;

#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("--kpis must be between 1 and {max}, got {got}")]
    KpiCount { got: usize, max: usize },
}

/// Most KPI sheets a template may have; Excel copes with more, people do not.
pub const MAX_KPI_SHEETS: usize = 50;

/// What to generate.
#[derive(Debug, Clone)]
pub struct TemplateOptions {
    /// Number of KPI sheets (at least as many as the submission's KPIs).
    pub kpi_sheets: usize,
    /// Pre-fills the fiscal year and dates the plan's month headers ("ต.ค. ๖๓").
    pub fiscal_year: Option<FiscalYear>,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        Self {
            kpi_sheets: layout::DEFAULT_KPI_SHEETS,
            fiscal_year: None,
        }
    }
}

/// The formats every sheet uses, all built on the official font: a `Format::new()` would fall
/// back to Calibri, whatever the workbook default says.
pub struct Formats {
    pub base: Format,
    /// Looks like `base`, but is a cell format of its own: a blank cell in the workbook's
    /// default format is not written at all, and would show its column's input shading.
    pub plain: Format,
    pub title: Format,
    pub label: Format,
    pub header: Format,
    pub input: Format,
    pub input_number: Format,
    /// Years and quarters: no thousands separator (2564, not 2,564).
    pub input_integer: Format,
    pub computed: Format,
    pub note: Format,
}

impl Formats {
    pub fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(FONT_SIZE)
            .set_align(FormatAlign::VerticalCenter);
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0x9E9E9E))
        };
        let label = border(
            base.clone()
                .set_background_color(Color::RGB(0xEDEDED))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
        );
        let input = border(
            base.clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
        );
        Self {
            title: base
                .clone()
                .set_bold()
                .set_font_size(18)
                .set_align(FormatAlign::Center),
            header: border(
                base.clone()
                    .set_bold()
                    .set_font_size(TABLE_FONT_SIZE)
                    .set_background_color(Color::RGB(0xD9E1F2))
                    .set_text_wrap()
                    .set_align(FormatAlign::Center),
            ),
            input_number: input.clone().set_num_format("General"),
            input_integer: input.clone().set_num_format("0"),
            computed: border(
                base.clone()
                    .set_background_color(Color::RGB(0xE2EFDA))
                    .set_num_format("0.0000"),
            ),
            note: base
                .clone()
                .set_italic()
                .set_font_size(TABLE_FONT_SIZE)
                .set_text_wrap(),
            plain: base.clone().set_num_format("General"),
            label,
            input,
            base,
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// A value to put in an input cell.
enum CellValue {
    Empty,
    Text(String),
    Number(f64),
}

fn text(s: &str) -> CellValue {
    if s.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(s.to_owned())
    }
}

fn number(x: Option<f64>) -> CellValue {
    x.map_or(CellValue::Empty, CellValue::Number)
}

/// The value a submission holds for a division-level field.
fn division_value(sub: &Submission, key: Key) -> CellValue {
    match key {
        Key::TemplateVersion => text(layout::TEMPLATE_VERSION),
        Key::DivisionName => text(&sub.division.name),
        Key::DivisionCode => text(&sub.division.code),
        Key::FiscalYear => number(sub.fiscal_year.map(|y| f64::from(y.be()))),
        Key::ReportingQuarter => number(sub.reporting_quarter.map(|q| f64::from(q.number()))),
        Key::ContactName => text(&sub.contact.name),
        Key::ContactPhone => text(&sub.contact.phone),
        Key::ContactEmail => text(&sub.contact_email),
        Key::PlanProcess => text(&sub.plan.process),
        Key::PlanClients => text(&sub.plan.clients),
        Key::PlanStakeholders => text(&sub.plan.stakeholders),
        Key::PlanIndicator => text(&sub.plan.indicator),
        Key::PlanTierQuality => text(&sub.plan.tier_quality),
        Key::PlanTierStandard => text(&sub.plan.tier_standard),
        Key::PlanTierImprove => text(&sub.plan.tier_improve),
        Key::PlanDigital => text(&sub.plan.digital),
        Key::PlanStepReduction => text(&sub.plan.step_reduction),
        Key::PlanExpectedResults => text(&sub.plan.expected_results),
        _ => CellValue::Empty,
    }
}

/// The value a KPI holds for a KPI-sheet field. `None` for a blank KPI sheet, where only the
/// drop-downs get their defaults.
fn kpi_value(kpi: Option<&Kpi>, key: Key) -> CellValue {
    let Some(k) = kpi else {
        let default = Kpi::default();
        return match key {
            Key::Kind => text(default.kind.label_th()),
            Key::Direction => text(default.direction.label_th()),
            _ => CellValue::Empty,
        };
    };
    match key {
        Key::KpiName => text(&k.name),
        Key::KpiCode => text(&k.code),
        Key::ActionPlan => text(&k.action_plan),
        Key::StrategicIssue => text(&k.strategic_issue),
        Key::Dimension => text(&k.dimension),
        Key::Goal => text(&k.goal),
        Key::Weight => CellValue::Number(k.weight),
        Key::Description => text(&k.description),
        Key::Kind => text(k.kind.label_th()),
        Key::Direction => text(k.direction.label_th()),
        Key::Threshold(level) => {
            if k.kind == crate::domain::model::KpiKind::Milestone && k.thresholds == [0.0; 5] {
                CellValue::Number(f64::from(level))
            } else {
                CellValue::Number(k.thresholds[usize::from(level) - 1])
            }
        }
        Key::LevelDescription(level) => text(&k.level_descriptions[usize::from(level) - 1]),
        Key::Conditions => text(&k.conditions),
        Key::Unit => text(&k.unit),
        Key::Target => text(&k.target),
        Key::Baseline(n) => text(&k.baselines[usize::from(n) - 1]),
        Key::DataSource => text(&k.data_source),
        Key::Owner => text(&k.owner.name),
        Key::OwnerPhone => text(&k.owner.phone),
        Key::Supporter => text(&k.supporter.name),
        Key::SupporterPhone => text(&k.supporter.phone),
        Key::Quarter(q, qf) => {
            let r = k.report(q);
            match qf {
                // Keep what the division typed ("4-5", "๘๒๖") when there is such text.
                QuarterField::Result => match (&r.result_text, r.result) {
                    (Some(t), _) if !t.is_empty() => match t.parse::<f64>() {
                        Ok(x) => CellValue::Number(x),
                        Err(_) => CellValue::Text(t.clone()),
                    },
                    (_, x) => number(x),
                },
                QuarterField::Details => text(&r.details),
                QuarterField::OwnScore => number(r.own_score),
                QuarterField::OwnWeighted => number(r.own_weighted),
                QuarterField::Evidence => text(&r.evidence),
            }
        }
        _ => CellValue::Empty,
    }
}

fn write_input(
    ws: &mut Worksheet,
    f: &Field,
    v: CellValue,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let cell_fmt = input_format(f.ty, fmt);
    if f.span > 0 {
        let s = match &v {
            CellValue::Text(t) => t.clone(),
            CellValue::Number(x) => x.to_string(),
            CellValue::Empty => String::new(),
        };
        // merge_range writes text only; a number in a merged field would become text.
        ws.merge_range(f.row, f.col, f.row, f.col + f.span, &s, cell_fmt)?;
        return Ok(());
    }
    match v {
        CellValue::Empty => ws.write_blank(f.row, f.col, cell_fmt)?,
        // write_string never turns "=…" into a formula: text from a division stays text.
        CellValue::Text(t) => ws.write_string_with_format(f.row, f.col, &t, cell_fmt)?,
        CellValue::Number(x) => ws.write_number_with_format(f.row, f.col, x, cell_fmt)?,
    };
    Ok(())
}

fn write_label(ws: &mut Worksheet, f: &Field, fmt: &Formats) -> Result<(), XlsxError> {
    if let Anchor::RightOf(label) = f.anchor {
        ws.write_string_with_format(f.row, f.col - 1, label, &fmt.label)?;
    }
    Ok(())
}

fn validation_for(ty: ValueType) -> Result<Option<DataValidation>, XlsxError> {
    let dv = match ty {
        ValueType::Percent => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_error_title("น้ำหนักไม่ถูกต้อง")?
            .set_error_message("น้ำหนักต้องเป็นตัวเลขระหว่าง 0 ถึง 100 (ร้อยละ)")?,
        ValueType::Year => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(2500, 2700))
            .set_error_title("ปีงบประมาณไม่ถูกต้อง")?
            .set_error_message("กรอกปีงบประมาณเป็นปี พ.ศ. เช่น 2564")?,
        ValueType::Quarter => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(1, 4))
            .set_error_title("ไตรมาสไม่ถูกต้อง")?
            .set_error_message("กรอกไตรมาสเป็นตัวเลข 1 ถึง 4")?,
        ValueType::Kind | ValueType::Direction => {
            let items = layout::choices(ty);
            DataValidation::new()
                .allow_list_strings(&items)?
                .set_error_title("เลือกจากรายการ")?
                .set_error_message("กรุณาเลือกจากรายการเท่านั้น")?
        }
        _ => return Ok(None),
    };
    Ok(Some(dv))
}

fn protect(ws: &mut Worksheet) {
    // No password: protection guards against accidents, not people. Inserting rows stays allowed
    // so divisions can lengthen the log and the activity plan.
    ws.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
}

pub(crate) fn print_setup(ws: &mut Worksheet, landscape: bool) {
    // 16 pt Thai text with its tall vowels and tone marks needs more than Excel's 15 pt rows.
    ws.set_default_row_height(ROW_HEIGHT);
    ws.set_paper_size(PAPER_A4);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C&\"TH Sarabun New\"&12หน้า &P / &N");
}

/// Writes every field of `role` with its label, value, validation and defined name.
fn write_fields(
    wb_names: &mut Vec<(String, String)>,
    ws: &mut Worksheet,
    sheet_name: &str,
    role: SheetRole,
    value: &dyn Fn(Key) -> CellValue,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let quoted = rust_xlsxwriter::utility::quote_sheet_name(sheet_name);
    for f in layout::fields_of(role) {
        write_label(ws, f, fmt)?;
        let v = value(f.key);
        if f.key == Key::TemplateVersion {
            // Written by kpiwatch: locked, not shaded.
            let s = match v {
                CellValue::Text(t) => t,
                _ => String::new(),
            };
            ws.write_string_with_format(f.row, f.col, &s, &fmt.label)?;
        } else {
            write_input(ws, f, v, fmt)?;
            if let Some(dv) = validation_for(f.ty)? {
                ws.add_data_validation(f.row, f.col, f.row, f.col, &dv)?;
            }
        }
        let target = format!("={quoted}!${}${}", layout::column_letters(f.col), f.row + 1);
        let name = if role == SheetRole::Kpi {
            format!("{quoted}!{}", f.name)
        } else {
            f.name.clone()
        };
        wb_names.push((name, target));
    }
    Ok(())
}

fn division_sheet(
    sub: &Submission,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::DIVISION_SHEET)?;
    ws.set_column_width(0, 34)?;
    ws.set_column_range_width(1, 4, 22)?;
    ws.merge_range(0, 0, 0, 4, "ข้อมูลหน่วยงานผู้รายงานผลตัวชี้วัด", &fmt.title)?;
    ws.merge_range(
        1,
        0,
        1,
        4,
        "กรอกเฉพาะช่องสีเหลือง · Fill in the yellow cells only",
        &fmt.note,
    )?;
    write_fields(
        names,
        &mut ws,
        layout::DIVISION_SHEET,
        SheetRole::Division,
        &|k| division_value(sub, k),
        fmt,
    )?;
    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}

fn kpi_sheet(
    index: usize,
    kpi: Option<&Kpi>,
    division_name: &str,
    fiscal_year: Option<FiscalYear>,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let name = kpi_sheet_name(index);
    let mut ws = Worksheet::new();
    ws.set_name(&name)?;
    // A formula's cached value must be blank, not 0, until a spreadsheet program computes it.
    ws.set_formula_result_default("");
    ws.set_column_width(0, 34)?;
    ws.set_column_range_width(1, 4, 24)?;
    ws.merge_range(0, 0, 0, 4, "ผลกระบวนการตามภารกิจ", &fmt.title)?;
    ws.merge_range(1, 0, 1, 4, &format!("ตัวชี้วัดที่ {index}"), &fmt.note)?;
    // The division and year are shown from the division sheet, so they are typed once.
    let div = layout::field(Key::DivisionName);
    let fy = layout::field(Key::FiscalYear);
    let div_sheet = rust_xlsxwriter::utility::quote_sheet_name(layout::DIVISION_SHEET);
    ws.write_string_with_format(2, 0, "หน่วยงาน", &fmt.label)?;
    ws.merge_range(2, 1, 2, 4, "", &fmt.label)?;
    ws.write_formula_with_format(
        2,
        1,
        Formula::new(format!("={div_sheet}!{}&\"\"", div.a1())).set_result(division_name),
        &fmt.label,
    )?;
    ws.write_string_with_format(3, 0, "ปีงบประมาณ", &fmt.label)?;
    ws.merge_range(3, 1, 3, 4, "", &fmt.label)?;
    ws.write_formula_with_format(
        3,
        1,
        Formula::new(format!("={div_sheet}!{}&\"\"", fy.a1()))
            .set_result(fiscal_year.map(|y| y.to_string()).unwrap_or_default()),
        &fmt.label,
    )?;

    ws.merge_range(
        layout::KPI_LEVEL_HEADER_ROW - 1,
        0,
        layout::KPI_LEVEL_HEADER_ROW - 1,
        4,
        "เกณฑ์การให้คะแนน",
        &fmt.header,
    )?;
    let h = layout::KPI_LEVEL_HEADER_ROW;
    ws.write_string_with_format(h, 0, layout::LEVEL_COL_LABEL, &fmt.header)?;
    ws.write_string_with_format(h, 1, layout::LEVEL_COL_THRESHOLD, &fmt.header)?;
    ws.merge_range(h, 2, h, 4, layout::LEVEL_COL_DESCRIPTION, &fmt.header)?;
    for level in 1..=5u8 {
        ws.write_string_with_format(
            h + u32::from(level),
            0,
            layout::level_label(level),
            &fmt.label,
        )?;
    }

    let r = layout::KPI_REPORT_HEADER_ROW;
    ws.write_string_with_format(r, 0, layout::REPORT_HEADER_LABEL, &fmt.header)?;
    for q in Quarter::ALL {
        ws.write_string_with_format(r, 1 + q.index() as u16, q.label_th(), &fmt.header)?;
    }
    for qf in QuarterField::ALL {
        let row = layout::field(Key::Quarter(Quarter::Q1, qf)).row;
        ws.write_string_with_format(row, 0, qf.label_th(), &fmt.label)?;
    }
    ws.set_row_height(
        layout::field(Key::Quarter(Quarter::Q1, QuarterField::Details)).row,
        120,
    )?;
    ws.set_row_height(layout::field(Key::Description).row, 60)?;

    write_fields(
        names,
        &mut ws,
        &name,
        SheetRole::Kpi,
        &|k| kpi_value(kpi, k),
        fmt,
    )?;
    computed_rows(&mut ws, kpi, fmt)?;

    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}

/// The two rows where the template shows kpiwatch's own figures as live formulas. They are never
/// read back: the input cells are the submission.
fn computed_rows(ws: &mut Worksheet, kpi: Option<&Kpi>, fmt: &Formats) -> Result<(), XlsxError> {
    let abs = |key: Key| {
        let f = layout::field(key);
        format!("${}${}", layout::column_letters(f.col), f.row + 1)
    };
    let t1 = layout::field(Key::Threshold(1));
    let t5 = layout::field(Key::Threshold(5));
    let thresholds = format!(
        "${c}${}:${c}${}",
        t1.row + 1,
        t5.row + 1,
        c = layout::column_letters(t1.col)
    );
    let (kind, direction, weight) = (abs(Key::Kind), abs(Key::Direction), abs(Key::Weight));
    let srow = layout::KPI_COMPUTED_SCORE_ROW;
    let wrow = layout::KPI_COMPUTED_WEIGHTED_ROW;
    ws.write_string_with_format(srow, 0, "คะแนนตัวชี้วัด (คำนวณโดยระบบ)", &fmt.label)?;
    ws.write_string_with_format(wrow, 0, "คะแนนถ่วงน้ำหนัก (คำนวณโดยระบบ)", &fmt.label)?;
    let official = kpi.and_then(|k| scoring::score_kpi(k, Default::default()).ok());
    for q in Quarter::ALL {
        let col = 1 + q.index() as u16;
        let result = layout::field(Key::Quarter(q, QuarterField::Result)).a1();
        let score_cell = layout::a1(srow, col);
        let s = formula::score(ScoreRefs {
            result: &result,
            kind: &kind,
            direction: &direction,
            thresholds: &thresholds,
            below_level1: "0",
        });
        let cached = official.as_ref().map(|o| o[q.index()]);
        let as_text = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        ws.write_formula_with_format(
            srow,
            col,
            Formula::new(format!("={s}")).set_result(as_text(cached.and_then(|c| c.score))),
            &fmt.computed,
        )?;
        ws.write_formula_with_format(
            wrow,
            col,
            Formula::new(format!("={}", formula::weighted(&score_cell, &weight)))
                .set_result(as_text(cached.and_then(|c| c.weighted))),
            &fmt.computed,
        )?;
    }
    Ok(())
}

pub fn kpi_sheet_name(index: usize) -> String {
    format!("{} {index}", layout::KPI_SHEET_PREFIX)
}

pub(crate) fn month_headers(fiscal_year: Option<FiscalYear>) -> [String; 12] {
    match fiscal_year {
        Some(fy) => fy.months().map(|(y, m)| {
            chrono::NaiveDate::from_ymd_opt(y, m, 1)
                .map(|d| thai::format_thai_month_year(d, thai::ThaiDigits::Yes))
                .unwrap_or_default()
        }),
        None => layout::FISCAL_MONTHS_TH.map(str::to_owned),
    }
}

fn table_header(
    ws: &mut Worksheet,
    table: &Table,
    labels: &[String],
    sheet_name: &str,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (i, (c, label)) in table.columns.iter().zip(labels).enumerate() {
        ws.set_column_width(i as u16, c.width)?;
        ws.write_string_with_format(table.header_row, i as u16, label, &fmt.header)?;
    }
    let last = layout::column_letters(table.columns.len() as u16 - 1);
    names.push((
        table.header_name.to_owned(),
        format!(
            "={}!$A${row}:${last}${row}",
            rust_xlsxwriter::utility::quote_sheet_name(sheet_name),
            row = table.header_row + 1
        ),
    ));
    Ok(())
}

/// The last row of a sheet (Excel's limit), where a table's input columns end.
const LAST_ROW: u32 = 1_048_575;

/// The input format of a field or table column of type `ty`: `input` for text-like values,
/// `input_number` for the others.
fn input_format(ty: ValueType, fmt: &Formats) -> &Format {
    match ty {
        ValueType::Text | ValueType::Kind | ValueType::Direction | ValueType::Date => &fmt.input,
        _ => &fmt.input_number,
    }
}

/// Makes a table's columns input columns, yellow and unlocked all the way down, so a division
/// fills as many rows as it needs and no cell has to be written for a row left empty. (Styled
/// blank rows were over a quarter of a filled workbook's cells, parsed by every reader of it.) A
/// column's style shows in every row without a cell of its own, so the rows above the table
/// that `used` does not claim get plain cells.
fn input_columns(
    ws: &mut Worksheet,
    table: &Table,
    used: impl Fn(u32) -> bool,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    for (c, col) in table.columns.iter().enumerate() {
        ws.set_column_format(c as u16, input_format(col.ty, fmt))?;
        for row in (0..table.header_row).filter(|&r| !used(r)) {
            ws.write_blank(row, c as u16, &fmt.plain)?;
        }
    }
    Ok(())
}

fn plan_sheet(
    sub: &Submission,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    let table = &*layout::PLAN_TABLE;
    let mut ws = Worksheet::new();
    ws.set_name(layout::PLAN_SHEET)?;
    let last_col = table.columns.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last_col, "แผนกระบวนการตามภารกิจ", &fmt.title)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "ข้อกำหนดที่สำคัญ ตัวชี้วัด ๓ ระดับ และแผนการดำเนินงาน ๑๒ เดือน (ต.ค. – ก.ย.)",
        &fmt.note,
    )?;
    write_fields(
        names,
        &mut ws,
        layout::PLAN_SHEET,
        SheetRole::Plan,
        &|k| division_value(sub, k),
        fmt,
    )?;
    ws.merge_range(
        table.header_row - 1,
        0,
        table.header_row - 1,
        last_col,
        "๖. แผนการดำเนินงาน",
        &fmt.header,
    )?;

    let months = month_headers(sub.fiscal_year);
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.key {
            layout::ColumnKey::Month(m) => months[usize::from(m)].clone(),
            _ => c.label_th.to_owned(),
        })
        .collect();
    table_header(&mut ws, table, &labels, layout::PLAN_SHEET, names, fmt)?;
    // The rows above the table: titles, the process's fields, the table's own heading.
    let used: Vec<u32> = [0, 1, table.header_row - 1]
        .into_iter()
        .chain(layout::fields_of(SheetRole::Plan).map(|f| f.row))
        .collect();
    input_columns(&mut ws, table, |r| used.contains(&r), fmt)?;
    for (i, a) in sub.plan.activities.iter().enumerate() {
        let row = table.first_row() + i as u32;
        for (c, col) in table.columns.iter().enumerate() {
            let v = match col.key {
                layout::ColumnKey::Activity => a.name.as_str(),
                layout::ColumnKey::Month(m) => a.months[usize::from(m)].as_str(),
                layout::ColumnKey::Budget => a.budget.as_str(),
                layout::ColumnKey::ActivityOwner => a.owner.as_str(),
                _ => "",
            };
            if !v.is_empty() {
                ws.write_string_with_format(row, c as u16, v, &fmt.input)?;
            }
        }
    }
    ws.set_repeat_rows(table.header_row, table.header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}

fn log_sheet(
    sub: &Submission,
    names: &mut Vec<(String, String)>,
    fmt: &Formats,
) -> Result<Worksheet, XlsxError> {
    use layout::ColumnKey as C;
    let table = &*layout::LOG_TABLE;
    let mut ws = Worksheet::new();
    ws.set_name(layout::LOG_SHEET)?;
    let last_col = table.columns.len() as u16 - 1;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        "บันทึกรายละเอียดประกอบผลการดำเนินงาน",
        &fmt.title,
    )?;
    ws.merge_range(
        1,
        0,
        2,
        last_col,
        "หนึ่งแถวต่อหนึ่งรายการ (เช่น การตรวจติดตามแต่ละครั้ง) ระบุรหัสตัวชี้วัดที่นับรวม ยอดรวมจำนวนหน่วยควรเท่ากับผลสะสมที่รายงาน · One row per record; units should add up to the reported cumulative result.",
        &fmt.note,
    )?;
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.label_th.to_owned())
        .collect();
    table_header(&mut ws, table, &labels, layout::LOG_SHEET, names, fmt)?;
    // Title, note (two rows) and header fill every row above the first record.
    input_columns(&mut ws, table, |_| true, fmt)?;
    for (i, e) in sub.log.iter().enumerate() {
        let row = table.first_row() + i as u32;
        for (c, col) in table.columns.iter().enumerate() {
            let c = c as u16;
            let v = match col.key {
                C::LogKpiCode => text(&e.kpi_code),
                C::LogDate => text(&e.date_text),
                C::LogArea => text(&e.area),
                C::LogUnits => number(e.units),
                C::LogMode => text(&e.mode),
                C::LogCost => number(e.cost),
                C::LogNote => text(&e.note),
                _ => CellValue::Empty,
            };
            let f = input_format(col.ty, fmt);
            match v {
                CellValue::Empty => continue,
                CellValue::Text(t) => ws.write_string_with_format(row, c, &t, f)?,
                CellValue::Number(x) => ws.write_number_with_format(row, c, x, f)?,
            };
        }
    }
    let mode_col = table
        .columns
        .iter()
        .position(|c| c.key == C::LogMode)
        .unwrap_or_default() as u16;
    // Suggest the usual modes but accept any: real logs have modes of their own.
    let modes = DataValidation::new()
        .allow_list_strings(&layout::LOG_MODES)?
        .set_error_style(DataValidationErrorStyle::Information)
        .set_error_message("รูปแบบนี้ไม่อยู่ในรายการ แต่บันทึกได้")?;
    ws.add_data_validation(table.first_row(), mode_col, LAST_ROW, mode_col, &modes)?;
    ws.set_freeze_panes(table.first_row(), 0)?;
    ws.set_repeat_rows(table.header_row, table.header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}

fn instructions_sheet(fmt: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 44)?;
    ws.set_column_width(4, 26)?;
    ws.set_column_width(5, 12)?;
    ws.merge_range(0, 0, 0, 5, "คำแนะนำการกรอกแบบรายงานผลตัวชี้วัด", &fmt.title)?;
    let steps = [
        "๑. กรอกเฉพาะช่องสีเหลือง ช่องอื่นถูกล็อกไว้ (ไม่มีรหัสผ่าน) เพื่อป้องกันการแก้ไขโดยไม่ตั้งใจ",
        "๒. แผ่นงาน \"หน่วยงาน\": ชื่อหน่วยงาน รหัสหน่วยงาน (อักษรย่อ เช่น สตป.) ปีงบประมาณ พ.ศ. และผู้ประสานงาน",
        "๓. แผ่นงาน \"ตัวชี้วัด n\": หนึ่งแผ่นต่อหนึ่งตัวชี้วัด กรอกรายละเอียด น้ำหนัก (ร้อยละ) เกณฑ์การให้คะแนน ๕ ระดับ และผลการดำเนินงานรายไตรมาส",
        "๔. ผลการดำเนินงานเป็นค่าสะสมตั้งแต่ต้นปีงบประมาณ (เช่น ๐ → ๑๘๔ → ๔๖๔ → ๘๒๖) ไตรมาสที่ยังไม่รายงานให้เว้นว่าง (อย่ากรอก 0)",
        "๕. ตัวเลขพิมพ์เป็นเลขไทยหรือเลขอารบิกก็ได้ เช่น ๘๒๖ หรือ 826, ร้อยละ 92 หรือ 92%",
        "๖. ตัวชี้วัดแบบระดับความสำเร็จ: กรอกระดับที่ทำได้ (1–5) หรือช่วง เช่น 4-5 (ระบบใช้ระดับสูงสุด)",
        "๗. เพิ่มตัวชี้วัด: คลิกขวาที่แท็บ \"ตัวชี้วัด 1\" > ย้ายหรือคัดลอก > สร้างสำเนา แล้วกรอกข้อมูลตัวชี้วัดใหม่ (ระบบอ่านแผ่นที่คัดลอกได้) แผ่นตัวชี้วัดที่ว่างทั้งแผ่นจะถูกข้าม",
        "๘. แผ่นงาน \"แผนกระบวนการ\" และ \"บันทึกรายละเอียด\": กรอกต่อลงไปได้ไม่จำกัดจำนวนแถว (ช่องสีเหลืองมีต่อไปจนสุดแผ่นงาน) หรือจะแทรกแถวก็ได้",
        "๙. คะแนนที่หน่วยงานกรอกเอง (ถ้ามี) จะถูกตรวจเทียบกับคะแนนที่ระบบคำนวณ หากไม่ตรงกันจะแจ้งเตือน",
        "๑๐. บันทึกไฟล์เป็น .xlsx แล้ววางในโฟลเดอร์ที่กำหนด ระบบจะตรวจและส่งใบตอบรับกลับในโฟลเดอร์ receipts",
        "Fill the yellow cells; one sheet per KPI; results are cumulative; leave unreported quarters blank. Field reference below (defined names let other systems fill this workbook).",
    ];
    let mut row = 2;
    for s in steps {
        ws.merge_range(row, 0, row, 5, s, &fmt.base.clone().set_text_wrap())?;
        ws.set_row_height(row, 42)?;
        row += 1;
    }
    row += 1;
    let headers = [
        "ชื่อที่กำหนด (defined name)",
        "ช่อง (label)",
        "ตำแหน่ง",
        "ความหมาย (meaning)",
        "ชนิดข้อมูล (type)",
        "จำเป็น",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &fmt.header)?;
    }
    let header_row = row;
    row += 1;
    let small = fmt
        .base
        .clone()
        .set_font_size(TABLE_FONT_SIZE)
        .set_text_wrap();
    for f in layout::fields() {
        let sheet = match f.sheet {
            SheetRole::Division => layout::DIVISION_SHEET,
            SheetRole::Kpi => "ตัวชี้วัด n",
            SheetRole::Plan => layout::PLAN_SHEET,
            SheetRole::Log => layout::LOG_SHEET,
        };
        let required = match f.required {
            Required::Yes => "ต้องกรอก",
            Required::UnlessMilestone => "ต้องกรอก*",
            Required::No => "",
        };
        ws.write_string_with_format(row, 0, &f.name, &small)?;
        ws.write_string_with_format(row, 1, &f.label_th, &small)?;
        ws.write_string_with_format(row, 2, format!("{sheet}!{}", f.a1()), &small)?;
        ws.write_string_with_format(row, 3, f.meaning_en, &small)?;
        ws.write_string_with_format(row, 4, f.ty.describe_en(), &small)?;
        ws.write_string_with_format(row, 5, required, &small)?;
        row += 1;
    }
    ws.write_string_with_format(
        row,
        0,
        "* ไม่ต้องกรอกสำหรับตัวชี้วัดแบบระดับความสำเร็จ (not needed for milestone KPIs)",
        &small,
    )?;
    ws.set_repeat_rows(header_row, header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}

/// Builds the template, filled from `sub` (use `Submission::default()` for a blank one).
pub fn build(sub: &Submission, opts: &TemplateOptions) -> Result<Workbook, TemplateError> {
    let kpi_sheets = opts.kpi_sheets.max(sub.kpis.len());
    if kpi_sheets == 0 || kpi_sheets > MAX_KPI_SHEETS {
        return Err(TemplateError::KpiCount {
            got: kpi_sheets,
            max: MAX_KPI_SHEETS,
        });
    }
    let mut sub = sub.clone();
    if sub.fiscal_year.is_none() {
        sub.fiscal_year = opts.fiscal_year;
    }
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    wb.set_default_format(&fmt.base, 28, 64)?;
    // A fixed creation time keeps regenerated templates byte-stable except where content changes.
    wb.set_properties(
        &DocProperties::new()
            .set_title("แบบรายงานผลตัวชี้วัดรายไตรมาส")
            .set_subject("ผลกระบวนการตามภารกิจ / แผนกระบวนการตามภารกิจ")
            .set_author("kpiwatch")
            .set_comment(layout::TEMPLATE_VERSION)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 10, 1)?),
    );
    let mut names = Vec::new();
    wb.push_worksheet(instructions_sheet(&fmt)?);
    wb.push_worksheet(division_sheet(&sub, &mut names, &fmt)?);
    for i in 0..kpi_sheets {
        wb.push_worksheet(kpi_sheet(
            i + 1,
            sub.kpis.get(i),
            &sub.division.name,
            sub.fiscal_year,
            &mut names,
            &fmt,
        )?);
    }
    wb.push_worksheet(plan_sheet(&sub, &mut names, &fmt)?);
    wb.push_worksheet(log_sheet(&sub, &mut names, &fmt)?);
    for (name, target) in names {
        wb.define_name(&name, &target)?;
    }
    // Open on the division sheet, where filling starts.
    if let Ok(ws) = wb.worksheet_from_index(1) {
        ws.set_active(true);
    }
    Ok(wb)
}

/// Builds the template into memory.
pub fn to_bytes(sub: &Submission, opts: &TemplateOptions) -> Result<Vec<u8>, TemplateError> {
    Ok(build(sub, opts)?.save_to_buffer()?)
}

/// Writes the template to `path` atomically.
pub fn write(path: &Path, sub: &Submission, opts: &TemplateOptions) -> Result<(), TemplateError> {
    let bytes = to_bytes(sub, opts)?;
    output::write_atomic(path, &bytes).map_err(|source| TemplateError::Write {
        path: path.display().to_string(),
        source,
    })
}
