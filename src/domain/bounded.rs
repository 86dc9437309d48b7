//! Bounds on text that comes from a submission: a text longer than its bound is cut with a
//! visible mark, so nothing one division types can overflow a summary cell, a receipt line or
//! the ledger, and a reader of the output sees that something was left out.

/// Appended to a text that was cut; counted within the bound.
pub const CUT_MARK: &str = "… [ตัดความยาว]";

/// How many characters of a finding's quoted cell content (a number cell holding a whole page
/// of text, an unreadable date) a message repeats.
pub const QUOTE_CHARS: usize = 200;

/// Most characters a sheet name shown in a finding keeps (Excel allows 31; an .ods sheet name
/// has no limit).
pub const SHEET_NAME_CHARS: usize = 100;

/// `text` cut to at most `max_chars` characters, the mark included; `None` when it fits.
pub fn cut(text: &str, max_chars: usize) -> Option<String> {
    cut_by(text, max_chars, |_| 1)
}

/// [`cut`] counting UTF-16 units, as Excel limits a cell (32,767 of them): an emoji is two.
pub fn cut_utf16(text: &str, max_units: usize) -> Option<String> {
    cut_by(text, max_units, char::len_utf16)
}

/// `text` itself when it fits in `max_chars`, else cut.
pub fn within(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match cut(text, max_chars) {
        Some(s) => s.into(),
        None => text.into(),
    }
}

fn cut_by(text: &str, max: usize, size: impl Fn(char) -> usize) -> Option<String> {
    // Short texts are the rule: a byte count bounds the size in either unit.
    if text.len() <= max {
        return None;
    }
    let total: usize = text.chars().map(&size).sum();
    if total <= max {
        return None;
    }
    let mark: usize = CUT_MARK.chars().map(&size).sum();
    // A bound shorter than the mark itself keeps the start of the text only.
    let mark = if mark > max { 0 } else { mark };
    let budget = max - mark;
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + size(c) > budget {
            break;
        }
        used += size(c);
        end = i + c.len_utf8();
    }
    // A Thai vowel or tone mark (or any combining mark) belongs to the letter before it: cut
    // before that letter rather than between the two.
    while end > 0 && text[end..].chars().next().is_some_and(is_combining) {
        end = text[..end].char_indices().last().map_or(0, |(i, _)| i);
    }
    let kept = text[..end].trim_end();
    Some(if mark == 0 {
        kept.to_owned()
    } else {
        format!("{kept}{CUT_MARK}")
    })
}

/// Marks that combine with the character before them: Thai above and below vowels and tone
/// marks, general combining diacritics, zero-width joiners and variation selectors.
fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{0300}'..='\u{036F}' | '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_as_is() {
        assert_eq!(cut("ตัวชี้วัด", 9), None);
        assert_eq!(cut("", 0), None);
        assert_eq!(within("abc", 3), "abc");
    }

    #[test]
    fn long_text_is_cut_to_the_bound_with_the_mark() {
        let long = "ก".repeat(40_000);
        let c = cut(&long, 500).unwrap();
        assert_eq!(c.chars().count(), 500);
        assert!(c.ends_with(CUT_MARK));
        assert!(c.starts_with("กกก"));
    }

    #[test]
    fn a_letter_keeps_its_vowel_and_tone_marks() {
        // "ชี้" is a consonant with an above vowel and a tone mark: never split.
        let text = "ตัวชี้วัด".repeat(100);
        for max in 20..40 {
            let c = cut(&text, max).unwrap();
            let kept = c.strip_suffix(CUT_MARK).unwrap();
            assert!(c.chars().count() <= max, "{max}");
            let next = text[kept.len()..].chars().next().unwrap();
            assert!(!is_combining(next), "{max}: cut before {next:?}");
        }
    }

    #[test]
    fn excel_counts_utf16_units() {
        let emoji = "😀".repeat(20_000);
        let c = cut_utf16(&emoji, 32_767).unwrap();
        assert!(c.encode_utf16().count() <= 32_767);
        assert!(c.ends_with(CUT_MARK));
        assert_eq!(cut_utf16(&"a".repeat(32_767), 32_767), None);
    }

    #[test]
    fn a_bound_below_the_mark_keeps_the_start() {
        assert_eq!(
            cut("abcdefghijklmnopqrstuvwxyz", 5).as_deref(),
            Some("abcde")
        );
    }
}
