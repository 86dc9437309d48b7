//! Percent cells of an .xlsx: which cell formats (`xl/styles.xml` `cellXfs`) show a number as a
//! percentage, where each sheet's XML part is, and which cells of a sheet use such a format
//! (the `s` attribute of `<c>`). Each part is streamed once, without building a tree.

use std::io::BufRead;

use foldhash::{HashMap, HashMapExt};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Built-in number formats that are percentages: `0%` and `0.00%`.
const BUILTIN_PERCENT: [u32; 2] = [9, 10];

/// The value of attribute `name` (local name, any prefix) of an element, unescaped.
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.clone().into_owned())
        })
    })
}

/// Whether a number format code shows numbers as percentages: a `%` that is not quoted text,
/// escaped with `\`, or inside a `[...]` colour or condition.
pub(super) fn is_percent_code(code: &str) -> bool {
    let mut chars = code.chars();
    let (mut quoted, mut bracket) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' | '_' | '*' if !quoted => {
                chars.next();
            }
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

/// For each cell format of `cellXfs`, in order, whether it shows numbers as percentages.
pub(super) fn percent_formats(xml: impl BufRead) -> Result<Vec<bool>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut formats = Vec::new();
    // `xf` elements appear both in `cellStyleXfs` and `cellXfs`; only the latter are the
    // indexes cells refer to.
    let mut in_cell_xfs = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode"))
                        && let Ok(id) = id.parse()
                    {
                        custom.insert(id, is_percent_code(&code));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => {
                    let id = attr(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok());
                    formats.push(id.is_some_and(|id| {
                        custom
                            .get(&id)
                            .copied()
                            .unwrap_or(BUILTIN_PERCENT.contains(&id))
                    }));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => break,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(formats)
}

/// Sheet names and the ids of their parts (`r:id`), from `xl/workbook.xml`.
pub(super) fn sheet_ids(xml: impl BufRead) -> Result<Vec<(String, String)>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut sheets = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                if let (Some(name), Some(id)) = (attr(&e, "name"), attr(&e, "id")) {
                    sheets.push((name, id));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "sheets" => break,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(sheets)
}

/// The part each relationship id points to, from `xl/_rels/workbook.xml.rels`, as a path
/// inside the zip.
pub(super) fn part_paths(xml: impl BufRead) -> Result<HashMap<String, String>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut paths = HashMap::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_owned(),
                        None => format!("xl/{target}"),
                    };
                    paths.insert(id, path);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(paths)
}

/// (row, column), zero-based, of an A1 reference such as "B35".
fn a1(reference: &str) -> Option<(u32, u32)> {
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let mut col: u32 = 0;
    for b in letters.bytes() {
        let d = u32::from(b.to_ascii_uppercase().checked_sub(b'A')?) + 1;
        if d > 26 {
            return None;
        }
        col = col.checked_mul(26)?.checked_add(d)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// The cells of a sheet part whose format is a percent format (`percent[s]`), sorted; at most
/// `limit` of them.
pub(super) fn percent_cells(
    xml: impl BufRead,
    percent: &[bool],
    limit: usize,
) -> Result<Vec<(u32, u16)>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut cells = Vec::new();
    // Rows and cells may leave out their reference: then they follow the previous one.
    let (mut row, mut col): (u32, u32) = (0, 0);
    let mut next_row: u32 = 0;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    // Attributes are looked at in place: this runs for every row and cell of
                    // the sheet, so nothing is allocated.
                    let r = e.attributes().flatten().find_map(|a| {
                        (a.key.local_name().as_ref() == "r").then(|| a.value.parse::<u32>().ok())
                    });
                    row = r
                        .flatten()
                        .and_then(|r| r.checked_sub(1))
                        .unwrap_or(next_row);
                    next_row = row.saturating_add(1);
                    col = 0;
                }
                "c" => {
                    let (mut at, mut styled) = (None, false);
                    for a in e.attributes().flatten() {
                        match a.key.local_name().as_ref() {
                            "r" => at = a1(&a.value),
                            "s" => {
                                styled = a
                                    .value
                                    .parse::<usize>()
                                    .ok()
                                    .is_some_and(|s| percent.get(s).copied().unwrap_or(false));
                            }
                            _ => {}
                        }
                    }
                    let (r, c) = at.unwrap_or((row, col));
                    col = c.saturating_add(1);
                    if styled
                        && cells.len() < limit
                        && let Ok(c) = u16::try_from(c)
                    {
                        cells.push((r, c));
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    cells.sort_unstable();
    cells.dedup();
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_codes_are_told_from_text_and_conditions() {
        for code in ["0%", "0.00%", "#,##0.0%;[Red]-0.0%", "0%\" done\""] {
            assert!(is_percent_code(code), "{code}");
        }
        for code in [
            "General",
            "0.00",
            "\"%\"0",
            "0\\%",
            "[<=100%]0",
            "0.0000",
            "",
        ] {
            assert!(!is_percent_code(code), "{code}");
        }
    }

    #[test]
    fn cell_formats_are_percent_by_builtin_or_custom_code() {
        let styles = br#"<?xml version="1.0"?><styleSheet xmlns="x">
            <numFmts count="2"><numFmt numFmtId="164" formatCode="General"/>
              <numFmt numFmtId="167" formatCode="0.00%"/>
              <numFmt numFmtId="168" formatCode="&quot;%&quot;0"/></numFmts>
            <cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>
            <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="167"/>
              <xf numFmtId="9" applyNumberFormat="1"><alignment/></xf><xf numFmtId="168"/><xf/>
            </cellXfs></styleSheet>"#;
        let formats = percent_formats(&styles[..]).unwrap();
        assert_eq!(formats, [false, false, true, true, false, false]);
    }

    #[test]
    fn sheets_are_found_through_the_relationships() {
        let workbook = r#"<workbook xmlns:r="rel"><sheets>
            <sheet name="หน่วยงาน" sheetId="1" r:id="rId2"/>
            <sheet name="A &amp; B" sheetId="2" r:id="rId3"/></sheets></workbook>"#;
        let rels = br#"<Relationships><Relationship Id="rId2" Target="worksheets/sheet1.xml"/>
            <Relationship Id="rId3" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;
        let ids = sheet_ids(workbook.as_bytes()).unwrap();
        assert_eq!(ids[1], ("A & B".to_owned(), "rId3".to_owned()));
        let paths = part_paths(&rels[..]).unwrap();
        assert_eq!(paths["rId2"], "xl/worksheets/sheet1.xml");
        assert_eq!(paths["rId3"], "xl/worksheets/sheet2.xml");
    }

    #[test]
    fn percent_cells_follow_references_or_their_order() {
        let sheet = br#"<worksheet><sheetData>
            <row r="11"><c r="B11" s="2" t="n"><v>0.3</v></c><c r="C11" s="1"><v>3</v></c></row>
            <row><c s="2"><v>1</v></c><c s="3"/><c r="E12" s="0"/></row>
            <row r="35"><c r="AA35" s="3"><v>0.92</v></c><c s="9"/></row>
            </sheetData><mergeCells><c s="2"/></mergeCells></worksheet>"#;
        let percent = [false, false, true, true];
        let cells = percent_cells(&sheet[..], &percent, 100).unwrap();
        assert_eq!(cells, [(10, 1), (11, 0), (11, 1), (34, 26)]);
        assert_eq!(percent_cells(&sheet[..], &percent, 2).unwrap().len(), 2);
    }

    #[test]
    fn references_read_as_positions() {
        assert_eq!(a1("A1"), Some((0, 0)));
        assert_eq!(a1("AA35"), Some((34, 26)));
        assert_eq!(a1("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(a1("B0"), None);
        assert_eq!(a1("1"), None);
        assert_eq!(a1("B"), None);
    }
}
