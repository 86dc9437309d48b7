//! How wide Thai text prints, in column-width units, so the writers can choose widths and row
//! heights that show every line: spreadsheet programs grow no row by themselves on opening, and
//! rust_xlsxwriter's autofit measures with Calibri, not TH Sarabun New.

/// Thai vowels and tone marks written above or below a consonant: they take no width.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Width of one line of `text` at `pt` points, in column-width units. Measured with LibreOffice
/// and TH Sarabun New's metric twin: a spacing Thai character, a digit or a Latin letter at 16 pt
/// is about one unit (the workbook's default font is 16 pt, and a unit is its digit width).
pub fn text_units(text: &str, pt: f64) -> f64 {
    let chars = text.chars().filter(|c| !is_combining(*c)).count();
    chars as f64 * pt / super::FONT_SIZE
}

/// Lines `text` takes when wrapped in a column `width` units wide. Filled a word at a time, as
/// the spreadsheet wraps: a word that does not fit what is left of a line starts the next (so
/// "กองประชาสัมพันธ์ ภาค 4" takes three lines where its length alone says two). Thai runs
/// without spaces break at word boundaries inside, so a line holds a little less than the whole
/// width: one unit of padding and a fifth for the break left short.
pub fn wrapped_lines(text: &str, width: f64, pt: f64) -> u32 {
    let usable = ((width - 1.0) * 0.8).max(1.0);
    text.split('\n')
        .map(|line| greedy_lines(line, usable, pt))
        .sum()
}

fn greedy_lines(line: &str, usable: f64, pt: f64) -> u32 {
    let space = text_units(" ", pt);
    let (mut lines, mut filled) = (1u32, 0.0f64);
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let w = text_units(word, pt);
        if filled > 0.0 && filled + space + w <= usable {
            filled += space + w;
            continue;
        }
        if filled > 0.0 {
            lines += 1;
        }
        // A word wider than a line breaks inside it and fills the last of its lines part way.
        let spans = (w / usable).ceil().max(1.0);
        lines += spans as u32 - 1;
        filled = w - (spans - 1.0) * usable;
    }
    lines
}

/// Row height in points for `lines` lines of `pt`-point Thai text (tall vowels and tone marks
/// need about 1.45 times the font size per line), never below one standard row.
pub fn row_height(lines: u32, pt: f64) -> f64 {
    (f64::from(lines.max(1)) * pt * 1.45 + 4.0).max(super::ROW_HEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_marks_and_upper_vowels_take_no_width() {
        assert_eq!(text_units("ชื่อหน่วยงาน", 16.0), 9.0);
        assert_eq!(text_units("abc", 8.0), 1.5);
    }

    #[test]
    fn long_text_wraps_into_more_lines_and_taller_rows() {
        let kind = "เชิงปริมาณ (เทียบบัญญัติไตรยางศ์)";
        assert_eq!(wrapped_lines(kind, 40.0, 14.0), 1);
        assert!(wrapped_lines(kind, 12.0, 14.0) >= 3);
        assert_eq!(wrapped_lines("ก\nข", 10.0, 14.0), 2);
        assert!(row_height(3, 14.0) > row_height(1, 14.0));
        // A word that does not fit what is left of a line starts the next.
        assert_eq!(wrapped_lines("กองประชาสัมพันธ์ ภาค 4", 10.0, 14.0), 3);
        assert_eq!(wrapped_lines("", 10.0, 14.0), 1);
        assert_eq!(row_height(1, 10.0), crate::workbook::template::ROW_HEIGHT);
    }
}
