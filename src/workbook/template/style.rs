//! The template's look, shared with the summary workbook: the cell formats on the official Thai
//! font, sheet protection, and A4 print setup.

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatPattern, ProtectionOptions, Worksheet,
};

use super::{FONT, FONT_SIZE, PAPER_A4, ROW_HEIGHT, TABLE_FONT_SIZE};
use crate::workbook::layout::ValueType;

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
    /// Thresholds: a text cell, so "86 -" stays what was typed instead of becoming −86 (both
    /// Excel and LibreOffice read a trailing minus as a sign). kpiwatch reads numbers typed
    /// into it as text all the same.
    pub input_threshold: Format,
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
            input_threshold: input.clone().set_num_format("@"),
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

/// The input format of a field or table column of type `ty`: `input` for text-like values,
/// `input_number` for the others.
pub(super) fn input_format(ty: ValueType, fmt: &Formats) -> &Format {
    match ty {
        ValueType::Text | ValueType::Kind | ValueType::Direction | ValueType::Date => &fmt.input,
        ValueType::Threshold => &fmt.input_threshold,
        _ => &fmt.input_number,
    }
}

/// An input cell of type `ty` marked for a finding (the returned workbook): still an input, with a
/// light red fill under diagonal hatching and a thick dark red border, so it shows in
/// black-and-white print too.
pub fn marked_format(ty: ValueType, fmt: &Formats) -> Format {
    input_format(ty, fmt)
        .clone()
        .set_pattern(FormatPattern::LightUp)
        .set_foreground_color(Color::RGB(0xE06666))
        .set_background_color(Color::RGB(0xFFE0E0))
        .set_border(FormatBorder::Thick)
        .set_border_color(Color::RGB(0xC00000))
}

pub(super) fn protect(ws: &mut Worksheet) {
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
    ws.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
    page_frame(ws, "แบบรายงานผลตัวชี้วัดรายไตรมาส", "&A", "");
}

/// Every printed page's header (`left`, `right`) and footer (`footer_left`, then the page
/// number as "หน้า X จาก Y"), in the official font at 16 pt like the text (LibreOffice shrinks them with the page anyway). A `&` in
/// the texts is a header code ("&A" is the sheet's name).
pub(crate) fn page_frame(ws: &mut Worksheet, left: &str, right: &str, footer_left: &str) {
    let font = format!("&\"{FONT}\"&16");
    ws.set_header(format!("&L{font}{left}&R{font}{right}"));
    let footer_left = if footer_left.is_empty() {
        String::new()
    } else {
        format!("&L{font}{footer_left}")
    };
    ws.set_footer(format!("{footer_left}&R{font}หน้า &P จาก &N"));
    ws.set_header_footer_scale_with_doc(false);
}
