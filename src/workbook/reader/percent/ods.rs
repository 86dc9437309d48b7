//! Percent cells of an .ods: OpenDocument marks them in `content.xml` with
//! `office:value-type="percentage"` on the cell itself (the style's `number:percentage-style`
//! only says how to show it). One streaming pass over the part finds them for every sheet.

use std::io::BufRead;

use foldhash::{HashMap, HashMapExt};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::xlsx::attr;

/// The percentage cells of each sheet (by name), sorted; at most `limit` per sheet.
pub(super) fn percent_cells(
    xml: impl BufRead,
    limit: usize,
) -> Result<HashMap<String, Vec<(u32, u16)>>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut sheets: HashMap<String, Vec<(u32, u16)>> = HashMap::new();
    let mut current: Option<String> = None;
    // The first row of the current `table:table-row`, how many rows it stands for, and the
    // next column; repeated rows and cells stand for many, empty ones for thousands.
    let (mut row, mut rows, mut col) = (0u32, 1u32, 0u32);
    // Cells may hold a table of their own (rare): only the outer sheet's cells count.
    let mut depth_in_cell = 0u32;
    let repeat = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        attr(e, name)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    };
    loop {
        let event = reader.read_event_into(&mut buf)?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "table-row" if depth_in_cell == 0 => row = row.saturating_add(rows),
                    "table-cell" | "covered-table-cell" => {
                        depth_in_cell = depth_in_cell.saturating_sub(1)
                    }
                    "table" if depth_in_cell == 0 => current = None,
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.local_name().as_ref() {
            "table" if depth_in_cell == 0 => {
                current = attr(e, "name");
                row = 0;
            }
            "table-row" if depth_in_cell == 0 => {
                rows = repeat(e, "number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(rows);
                }
            }
            "table-cell" | "covered-table-cell" => {
                if depth_in_cell == 0 {
                    let cols = repeat(e, "number-columns-repeated");
                    let percentage = attr(e, "value-type").is_some_and(|t| t == "percentage");
                    if percentage && let Some(name) = &current {
                        let cells = sheets.entry(name.clone()).or_default();
                        add_block(cells, (row, rows), (col, cols), limit);
                    }
                    col = col.saturating_add(cols);
                }
                if !empty {
                    depth_in_cell += 1;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    for cells in sheets.values_mut() {
        cells.sort_unstable();
        cells.dedup();
    }
    Ok(sheets)
}

/// Adds the cells of a repeated block, within the sheet grid and the limit.
fn add_block(cells: &mut Vec<(u32, u16)>, rows: (u32, u32), cols: (u32, u32), limit: usize) {
    for r in rows.0..rows.0.saturating_add(rows.1) {
        for c in cols.0..cols.0.saturating_add(cols.1) {
            let Ok(c) = u16::try_from(c) else { break };
            if cells.len() >= limit {
                return;
            }
            cells.push((r, c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentage_cells_are_found_per_sheet_through_repeats() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t">
          <office:body><office:spreadsheet>
          <table:table table:name="หน่วยงาน">
            <table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="2"/>
              <table:table-cell office:value-type="percentage" office:value="0.92"><text:p>92%</text:p></table:table-cell>
            </table:table-row>
          </table:table>
          <table:table table:name="ตัวชี้วัด 1">
            <table:table-header-rows><table:table-row><table:table-cell office:value-type="float"/></table:table-row></table:table-header-rows>
            <table:table-row table:number-rows-repeated="2">
              <table:covered-table-cell/>
              <table:table-cell office:value-type="percentage" calcext:value-type="percentage" table:number-columns-repeated="2"/>
            </table:table-row>
            <table:table-row/>
            <table:table-row><table:table-cell><table:table table:name="inner"><table:table-row><table:table-cell office:value-type="percentage"/></table:table-row></table:table></table:table-cell>
              <table:table-cell office:value-type="percentage"/></table:table-row>
            <table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
          </table:table>
          </office:spreadsheet></office:body></office:document-content>"#;
        let sheets = percent_cells(content.as_bytes(), 100).unwrap();
        assert_eq!(sheets["หน่วยงาน"], [(3, 2)]);
        assert_eq!(sheets["ตัวชี้วัด 1"], [(1, 1), (1, 2), (2, 1), (2, 2), (4, 1)]);
        assert!(!sheets.contains_key("inner"));
        let capped = percent_cells(content.as_bytes(), 2).unwrap();
        assert_eq!(capped["ตัวชี้วัด 1"].len(), 2);
    }
}
