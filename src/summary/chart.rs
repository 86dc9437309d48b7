//! The chart sheet (แผนภูมิ): the overview's division scores drawn on a printed page of their
//! own. A few divisions get a group of bars each; a ministry's worth would be a picket fence
//! nobody can read, so beyond [`PER_DIVISION_MAX`] the chart counts divisions per score band,
//! the counts live COUNTIFS formulas over the overview beside the chart.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill,
    ChartType, Color, Formula, Worksheet, XlsxError,
};

use super::overview::{OV_HEADER_ROW, ov};
use super::styles::{Cells, Styles, column, start_sheet, table_header};
use super::{CHART_SHEET, OVERVIEW_SHEET};
use crate::domain::model::{FiscalYear, Quarter};
use crate::workbook::template::measure::row_height;
use crate::workbook::template::{FONT, TABLE_FONT_SIZE};

/// Most divisions drawn one group of bars each: at 20 groups of 4 bars, on a landscape page,
/// each bar is still a few millimetres wide and each code label fits under its group.
pub(super) const PER_DIVISION_MAX: usize = 20;

/// Fills told apart in black-and-white print: light to dark, each bar outlined.
const SERIES_FILLS: [u32; 4] = [0xDDEBF7, 0x9DC3E6, 0x2E75B6, 0x1F2D4D];

/// Size of the chart as rust_xlsxwriter counts pixels. It counts columns at Calibri's width,
/// while Excel and LibreOffice size them by the workbook's default font (the official Thai
/// face), half as wide again: so the chart is given two thirds of a landscape page's width
/// here to fill it there, and its full height (rows are counted alike).
const CHART_WIDTH: u32 = 660;
const CHART_HEIGHT: u32 = 600;
const BAND_CHART_HEIGHT: u32 = 470;

/// The overview rows the chart reads, and the scores they hold (for the cached counts).
pub(super) struct ChartInput<'a> {
    pub(super) fiscal_year: FiscalYear,
    /// Rows of the overview, zero-based and inclusive, that hold division scores.
    pub(super) rows: u32,
    /// `Some(n)`: draw the first `n` rows one group of bars each (they hold the divisions with
    /// scores; the rest follow them and have none). `None`: count divisions per band.
    pub(super) per_division: Option<u32>,
    /// Division scores per quarter, one entry per overview row, in order.
    pub(super) scores: &'a [[Option<f64>; 4]],
}

/// A band of division scores as the count formulas test it: at least `from`, below `to` (the
/// top band includes 5).
struct Band {
    label: &'static str,
    from: f64,
    to: f64,
    to_inclusive: bool,
}

const BANDS: [Band; 5] = [
    Band {
        label: "ต่ำกว่า 1",
        from: 0.0,
        to: 1.0,
        to_inclusive: false,
    },
    Band {
        label: "1 ถึงต่ำกว่า 2",
        from: 1.0,
        to: 2.0,
        to_inclusive: false,
    },
    Band {
        label: "2 ถึงต่ำกว่า 3",
        from: 2.0,
        to: 3.0,
        to_inclusive: false,
    },
    Band {
        label: "3 ถึงต่ำกว่า 4",
        from: 3.0,
        to: 4.0,
        to_inclusive: false,
    },
    Band {
        label: "4 ถึง 5",
        from: 4.0,
        to: 5.0,
        to_inclusive: true,
    },
];

impl Band {
    fn holds(&self, x: f64) -> bool {
        x >= self.from && (x < self.to || (self.to_inclusive && x <= self.to))
    }

    fn criteria(&self) -> String {
        let upper = if self.to_inclusive { "<=" } else { "<" };
        format!("\">={}\",{{range}},\"{upper}{}\"", self.from, self.to)
    }
}

/// Title of the per-division chart.
pub fn per_division_title(fy: FiscalYear) -> String {
    format!("คะแนนรายหน่วยงาน ปีงบประมาณ พ.ศ. {fy}")
}

/// Title of the chart of score bands.
pub fn band_title(fy: FiscalYear) -> String {
    format!("จำนวนหน่วยงานตามช่วงคะแนน ปีงบประมาณ พ.ศ. {fy}")
}

pub(super) fn chart_sheet(
    ws: &mut Worksheet,
    input: &ChartInput<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let title = if input.per_division.is_some() {
        per_division_title(input.fiscal_year)
    } else {
        band_title(input.fiscal_year)
    };
    start_sheet(ws, CHART_SHEET, &title, st)?;
    // One page: the chart is a picture of the year, not a table to read across pages.
    ws.set_print_fit_to_pages(1, 1);
    // Rows of the standard height: the chart is anchored to the rows it spans, and LibreOffice
    // draws empty rows at the standard height whatever the sheet's default, which squashed it.
    ws.set_default_row_height(15.0);
    ws.set_row_height(0, row_height(1, 18.0))?;
    ws.set_row_height(1, row_height(1, TABLE_FONT_SIZE))?;
    if let Some(scored_rows) = input.per_division {
        ws.write_string_with_format(
            1,
            0,
            format!("คะแนนรวมของแต่ละหน่วยงานรายไตรมาส จากแผ่นงาน \"{OVERVIEW_SHEET}\""),
            &st.note,
        )?;
        ws.set_column_width(0, 12.0)?;
        if scored_rows > 0 {
            ws.insert_chart(3, 0, &division_chart(input.fiscal_year, scored_rows))?;
        } else {
            ws.write_string_with_format(3, 0, "ยังไม่มีหน่วยงานที่มีคะแนน", &st.line)?;
        }
        return Ok(());
    }
    ws.write_string_with_format(
        1,
        0,
        format!(
            "จำนวนหน่วยงานที่คะแนนรวมอยู่ในแต่ละช่วง นับด้วยสูตรจากแผ่นงาน \"{OVERVIEW_SHEET}\" (หน่วยงานที่ยังไม่มีคะแนนในไตรมาสนั้นไม่นับ)"
        ),
        &st.note,
    )?;
    band_table(ws, input, st)?;
    ws.insert_chart(
        BAND_HEADER_ROW + BANDS.len() as u32 + 3,
        0,
        &band_chart(input),
    )?;
    Ok(())
}

/// The header row of the band table; the bands follow, then their total.
const BAND_HEADER_ROW: u32 = 3;

fn band_table(ws: &mut Worksheet, input: &ChartInput<'_>, st: &Styles) -> Result<(), XlsxError> {
    let mut columns = vec![column("ช่วงคะแนน", 18.0)];
    columns.extend(Quarter::ALL.map(|q| column(format!("ไตรมาสที่ {}", q.number()), 11.0)));
    table_header(ws, BAND_HEADER_ROW, &columns, 0, st)?;
    let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + input.rows.max(1));
    for (b, band) in BANDS.iter().enumerate() {
        let row = BAND_HEADER_ROW + 1 + b as u32;
        ws.set_row_height(row, row_height(1, TABLE_FONT_SIZE))?;
        ws.write_string_with_format(row, 0, band.label, &st.code)?;
        for q in Quarter::ALL {
            let col = ov::Q1 + q.index() as u16;
            let range = super::styles::abs_column_range(OVERVIEW_SHEET, col, first, last);
            let count = input
                .scores
                .iter()
                .filter(|s| s[q.index()].is_some_and(|x| band.holds(x)))
                .count();
            let formula = format!(
                "=COUNTIFS({range},{})",
                band.criteria().replace("{range}", &range)
            );
            ws.write_formula_with_format(
                row,
                1 + q.index() as u16,
                Formula::new(formula).set_result(count.to_string()),
                &st.integer,
            )?;
        }
    }
    let total_row = BAND_HEADER_ROW + 1 + BANDS.len() as u32;
    ws.set_row_height(total_row, row_height(1, TABLE_FONT_SIZE))?;
    let mut w = Cells::at(ws, total_row);
    w.text("รวมหน่วยงานที่มีคะแนน", &st.code)?;
    for q in Quarter::ALL {
        let col = rust_xlsxwriter::utility::column_number_to_name(1 + q.index() as u16);
        let total = input
            .scores
            .iter()
            .filter(|s| s[q.index()].is_some())
            .count();
        w.formula(
            &format!(
                "SUM({col}{}:{col}{})",
                BAND_HEADER_ROW + 2,
                BAND_HEADER_ROW + 1 + BANDS.len() as u32
            ),
            Some(total as f64),
            &st.integer,
        )?;
    }
    Ok(())
}

fn font(size: f64) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_name(FONT).set_size(size);
    f
}

/// The parts both charts share: title, legend above, fonts in the official face, bars told
/// apart without colour.
fn framed(mut chart: Chart, title: &str, height: u32) -> Chart {
    chart
        .title()
        .set_name(title)
        .set_font(font(18.0).set_bold());
    chart
        .legend()
        .set_position(ChartLegendPosition::Top)
        .set_font(&font(TABLE_FONT_SIZE));
    chart.set_width(CHART_WIDTH).set_height(height);
    chart
}

fn bar_format(q: Quarter) -> ChartFormat {
    let mut f = ChartFormat::new();
    f.set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(SERIES_FILLS[q.index()])))
        .set_border(ChartLine::new().set_color(Color::Black).set_width(0.75));
    f
}

/// Division scores by quarter: one series per quarter, the division codes as categories.
fn division_chart(fy: FiscalYear, scored_rows: u32) -> Chart {
    let (first, last) = (OV_HEADER_ROW + 1, OV_HEADER_ROW + scored_rows);
    let mut chart = Chart::new(ChartType::Column);
    for q in Quarter::ALL {
        let col = ov::Q1 + q.index() as u16;
        chart
            .add_series()
            .set_categories((OVERVIEW_SHEET, first, ov::CODE, last, ov::CODE))
            .set_values((OVERVIEW_SHEET, first, col, last, col))
            .set_name((OVERVIEW_SHEET, OV_HEADER_ROW, col))
            .set_format(&mut bar_format(q));
    }
    chart
        .y_axis()
        .set_min(0)
        .set_max(5)
        .set_major_unit(1)
        .set_num_format("0")
        .set_font(&font(TABLE_FONT_SIZE));
    // Codes stand upright once there are many, so each stays under its own group.
    let mut labels = font(TABLE_FONT_SIZE);
    if scored_rows > 12 {
        labels.set_rotation(-90);
    }
    chart.x_axis().set_font(&labels);
    let mut chart = framed(chart, &per_division_title(fy), CHART_HEIGHT);
    chart.set_alt_text("กราฟคะแนนรายหน่วยงานรายไตรมาส");
    chart
}

/// Divisions per score band: one series per quarter, the bands as categories, each bar
/// labelled with its count (a count is read, not estimated from a bar's height).
fn band_chart(input: &ChartInput<'_>) -> Chart {
    let (first, last) = (BAND_HEADER_ROW + 1, BAND_HEADER_ROW + BANDS.len() as u32);
    let mut chart = Chart::new(ChartType::Column);
    for q in Quarter::ALL {
        let col = 1 + q.index() as u16;
        chart
            .add_series()
            .set_categories((CHART_SHEET, first, 0, last, 0))
            .set_values((CHART_SHEET, first, col, last, col))
            .set_name((CHART_SHEET, BAND_HEADER_ROW, col))
            .set_format(&mut bar_format(q))
            .set_data_label(
                ChartDataLabel::new()
                    .show_value()
                    .set_font(&font(TABLE_FONT_SIZE - 2.0)),
            );
    }
    chart
        .y_axis()
        .set_min(0)
        .set_num_format("0")
        .set_name("จำนวนหน่วยงาน")
        .set_name_font(&font(TABLE_FONT_SIZE))
        .set_font(&font(TABLE_FONT_SIZE));
    chart
        .x_axis()
        .set_name("คะแนนรวมของหน่วยงาน")
        .set_name_font(&font(TABLE_FONT_SIZE))
        .set_font(&font(TABLE_FONT_SIZE));
    let mut chart = framed(chart, &band_title(input.fiscal_year), BAND_CHART_HEIGHT);
    chart.set_alt_text("กราฟจำนวนหน่วยงานตามช่วงคะแนนรายไตรมาส");
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_falls_in_exactly_one_band() {
        for x in [0.0, 0.3, 0.9999, 1.0, 2.2267, 3.9999, 4.0, 4.0372, 5.0] {
            assert_eq!(BANDS.iter().filter(|b| b.holds(x)).count(), 1, "{x}");
        }
    }

    #[test]
    fn the_count_formula_tests_what_the_cached_count_tests() {
        assert_eq!(
            BANDS[1].criteria().replace("{range}", "R"),
            "\">=1\",R,\"<2\""
        );
        assert_eq!(
            BANDS[4].criteria().replace("{range}", "R"),
            "\">=4\",R,\"<=5\""
        );
    }
}
