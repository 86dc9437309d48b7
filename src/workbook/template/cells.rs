//! The input cells: the value a submission holds for each field, and how a field is written
//! with its label, format, validation and defined name.

use rust_xlsxwriter::utility::row_col_to_cell_absolute;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Formula, IgnoreError, Worksheet, XlsxError,
};

use super::style::{Formats, input_format};
use crate::domain::model::{FiscalYear, Kpi, KpiKind, Submission};
use crate::workbook::layout::{self, Anchor, Field, Key, QuarterField, SheetRole, ValueType};

/// A value to put in an input cell.
pub(super) enum CellValue {
    Empty,
    Text(String),
    Number(f64),
}

pub(super) fn text(s: &str) -> CellValue {
    if s.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(s.to_owned())
    }
}

pub(super) fn number(x: Option<f64>) -> CellValue {
    x.map_or(CellValue::Empty, CellValue::Number)
}

/// The value a submission holds for a division-level field.
pub(super) fn division_value(sub: &Submission, key: Key) -> CellValue {
    match key {
        Key::TemplateVersion => text(layout::TEMPLATE_VERSION),
        Key::DivisionName => text(&sub.division.name),
        Key::DivisionCode => text(&sub.division.code),
        Key::FiscalYear => number(sub.fiscal_year.map(|y| f64::from(y.be()))),
        Key::ReportingQuarter => number(sub.reporting_quarter.map(|q| f64::from(q.number()))),
        Key::ContactName => text(&sub.contact.name),
        Key::ContactPhone => text(&sub.contact.phone),
        Key::ContactEmail => text(&sub.contact_email),
        Key::CertifierName => text(&sub.certification.name),
        Key::CertifierPosition => text(&sub.certification.position),
        Key::CertificationDate => text(&sub.certification.date),
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

/// A field's value: the text typed there when kpiwatch could not read it, else `value`.
pub(super) fn typed_or(typed: Option<&String>, value: impl FnOnce() -> CellValue) -> CellValue {
    match typed {
        Some(t) => CellValue::Text(t.clone()),
        None => value(),
    }
}

/// The value a KPI holds for a KPI-sheet field. `None` for a blank KPI sheet, where only the
/// drop-downs get their defaults.
pub(super) fn kpi_value(kpi: Option<&Kpi>, key: Key) -> CellValue {
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
            if k.kind == KpiKind::Milestone && k.thresholds == [0.0; 5] {
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

fn validation_for(f: &Field) -> Result<Option<DataValidation>, XlsxError> {
    // Text is let through: kpiwatch reads Thai digits and words ("๒๕๖๔", "พ.ศ. 2564", "ร้อยละ 30")
    // that a number rule would refuse, and judges the text itself when the file is sent.
    let cell = f.a1();
    let custom = |rule: String| {
        DataValidation::new().allow_custom(Formula::new(format!("=OR(ISTEXT({cell}),{rule})")))
    };
    let dv = match f.ty {
        ValueType::Percent => custom(format!("AND({cell}>0,{cell}<=100)"))
            .set_error_title("น้ำหนักไม่ถูกต้อง")?
            .set_error_message("น้ำหนักต้องมากกว่า 0 และไม่เกิน 100 (ร้อยละ)")?,
        ValueType::Year => custom(format!(
            "AND({cell}>={},{cell}<={},INT({cell})={cell})",
            FiscalYear::PLAUSIBLE.start(),
            FiscalYear::PLAUSIBLE.end()
        ))
        .set_error_title("ปีงบประมาณไม่ถูกต้อง")?
        .set_error_message("กรอกปีงบประมาณเป็นปี พ.ศ. เช่น 2564 หรือ ๒๕๖๔")?,
        ValueType::Quarter => custom(format!("AND({cell}>=1,{cell}<=4,INT({cell})={cell})"))
            .set_error_title("ไตรมาสไม่ถูกต้อง")?
            .set_error_message("กรอกไตรมาสเป็นตัวเลข 1 ถึง 4")?,
        ValueType::Kind | ValueType::Direction => {
            let items = layout::choices(f.ty);
            let english: Vec<&str> = layout::choice_list(f.ty)
                .iter()
                .flat_map(|c| c.en.iter().copied())
                .collect();
            // A warning, not a stop: kpiwatch also reads the English names, which the list
            // does not offer.
            DataValidation::new()
                .allow_list_strings(&items)?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title("เลือกจากรายการ")?
                .set_error_message(format!(
                    "กรุณาเลือกจากรายการ หรือพิมพ์ชื่อภาษาอังกฤษ: {}",
                    english.join(", ")
                ))?
        }
        _ => return Ok(None),
    };
    Ok(Some(dv))
}

/// Writes every field of `role` with its label, value, validation and defined name.
pub(super) fn write_fields(
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
            if f.ty == ValueType::Threshold {
                // A number typed into the text cell is meant as a number: no green triangle.
                ws.ignore_error(f.row, f.col, IgnoreError::NumberStoredAsText)?;
            }
            if let Some(dv) = validation_for(f)? {
                ws.add_data_validation(f.row, f.col, f.row, f.col, &dv)?;
            }
        }
        let target = format!("={quoted}!{}", row_col_to_cell_absolute(f.row, f.col));
        let name = if role == SheetRole::Kpi {
            format!("{quoted}!{}", f.name)
        } else {
            f.name.clone()
        };
        wb_names.push((name, target));
    }
    Ok(())
}

/// Grows each field's row so its label and value show whole when wrapped, measured with Thai
/// metrics; `widths` are the sheet's column widths, `at_least` the rows given a height of their
/// own (a description box), which only grow.
pub(super) fn fit_field_rows(
    ws: &mut Worksheet,
    role: SheetRole,
    value: &dyn Fn(Key) -> CellValue,
    widths: &dyn Fn(u16) -> f64,
    at_least: &[(u32, f64)],
) -> Result<(), XlsxError> {
    use super::FONT_SIZE;
    use super::measure::{row_height, wrapped_lines};
    let mut heights: std::collections::BTreeMap<u32, f64> = at_least.iter().copied().collect();
    for f in layout::fields_of(role) {
        let mut lines = match value(f.key) {
            CellValue::Text(t) => {
                let width: f64 = (f.col..=f.col + f.span).map(widths).sum();
                wrapped_lines(&t, width, FONT_SIZE)
            }
            _ => 1,
        };
        if let Anchor::RightOf(label) = f.anchor {
            lines = lines.max(wrapped_lines(label, widths(f.col - 1), FONT_SIZE));
        }
        let h = heights.entry(f.row).or_insert(0.0);
        *h = h.max(row_height(lines, FONT_SIZE));
    }
    for (row, h) in heights {
        if h > super::ROW_HEIGHT {
            ws.set_row_height(row, h)?;
        }
    }
    Ok(())
}
