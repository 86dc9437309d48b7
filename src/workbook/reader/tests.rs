use calamine::DataRef;

use super::sheet::SheetData;
use super::*;
use crate::workbook::layout;

#[test]
fn references_in_every_dialect() {
    assert_eq!(
        parse_reference("'ตัวชี้วัด 1'!$B$6"),
        Some(("ตัวชี้วัด 1".into(), 5, 1))
    );
    assert_eq!(
        parse_reference("$'ตัวชี้วัด 1'.$B$6"),
        Some(("ตัวชี้วัด 1".into(), 5, 1))
    );
    assert_eq!(
        parse_reference("='O''Brien'!$A$1"),
        Some(("O'Brien".into(), 0, 0))
    );
    assert_eq!(
        parse_reference("หน่วยงาน!$B$4"),
        Some(("หน่วยงาน".into(), 3, 1))
    );
    assert_eq!(
        parse_reference("'บันทึกรายละเอียด'!$A$4:$G$4"),
        Some(("บันทึกรายละเอียด".into(), 3, 0))
    );
    assert_eq!(
        parse_reference("'a''b''c'!A1"),
        Some(("a'b'c".into(), 0, 0))
    );
    assert_eq!(parse_reference("#REF!"), None);
    assert_eq!(parse_reference("2568"), None);
    assert_eq!(parse_reference("'unterminated!$A$1"), None);
}

#[test]
fn a_string_repeated_in_every_cell_is_bounded_by_the_size_limit() {
    // The file holds the string once (shared strings); each cell that shows it would get a
    // copy, so a small file could expand to gigabytes of text.
    let text = "ก".repeat(10_000);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(layout::DIVISION_SHEET).unwrap();
    for row in 0..200 {
        ws.write_string(row, 0, &text).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let limits = Limits {
        max_total_bytes: 1 << 20,
        ..Limits::default()
    };
    let r = read(&bytes, &limits);
    let too_large: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.finding.code() == "too-large")
        .collect();
    assert_eq!(too_large.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(
        too_large[0].location,
        Location::sheet(layout::DIVISION_SHEET)
    );
    assert!(
        too_large[0]
            .finding
            .message_en()
            .contains("1048576-byte limit"),
        "{}",
        too_large[0].finding.message_en()
    );
    // Within the limit, the same sheet reads.
    let r = read(&bytes, &Limits::default());
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.finding.code() != "too-large"),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn stored_cells_give_back_their_values_and_labels() {
    let mut data = SheetData::new(1 << 20);
    let formula = Some("SUM(A1:A2)".to_owned());
    assert!(data.add(0, 0, DataRef::SharedString("  ชื่อหน่วยงาน "), None, 10));
    assert!(data.add(0, 1, DataRef::String("กองแผนงาน".into()), None, 10));
    assert!(data.add(1, 0, DataRef::Float(184.0), None, 10));
    // Blank text is no cell, but a formula without a value is remembered.
    assert!(data.add(1, 1, DataRef::SharedString(" \u{a0}"), formula.clone(), 10));
    assert!(data.add(2, 0, DataRef::Empty, None, 10));
    let data = data.finish();
    assert_eq!(data.cells.len(), 3);
    assert_eq!(data.get(0, 1), Some(DataRef::SharedString("กองแผนงาน")));
    assert_eq!(data.get(1, 0), Some(DataRef::Float(184.0)));
    assert_eq!(data.get(1, 1), None);
    assert_eq!(data.formulas.get(&(1, 1)), formula.as_ref());
    assert_eq!(data.label("ชื่อหน่วยงาน"), Some((0, 0)));
    assert_eq!(data.label("หน่วยงาน"), None);
    assert_eq!(data.text_at(0, 0), Some("  ชื่อหน่วยงาน "));
}

#[test]
fn cells_out_of_order_are_sorted_and_the_last_of_a_position_counts() {
    let mut data = SheetData::new(1 << 20);
    for (row, col, text) in [(3, 0, "c"), (0, 2, "a"), (3, 0, "d"), (1, 1, "b")] {
        assert!(data.add(row, col, DataRef::SharedString(text), None, 10));
    }
    let data = data.finish();
    let texts: Vec<_> = data
        .cells
        .iter()
        .map(|(at, v)| (*at, data.view(v)))
        .collect();
    assert_eq!(
        texts,
        [
            ((0, 2), DataRef::SharedString("a")),
            ((1, 1), DataRef::SharedString("b")),
            ((3, 0), DataRef::SharedString("d")),
        ]
    );
}

#[test]
fn not_a_workbook_is_a_diagnostic() {
    for (bytes, needle) in [
        (&b""[..], "empty"),
        (&b"%PDF-1.7 ..."[..], "PDF"),
        (&b"a,b,c\n1,2,3\n"[..], "text"),
        (&b"PK\x03\x04garbage"[..], "zip"),
    ] {
        let r = read(bytes, &Limits::default());
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].finding.code(), "not-a-workbook");
        assert!(
            r.diagnostics[0].finding.message_en().contains(needle),
            "{}",
            r.diagnostics[0].finding.message_en()
        );
    }
}

#[test]
fn an_ole_container_with_an_encrypted_package_is_encrypted() {
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo").unwrap();
    file.create_stream("/EncryptedPackage").unwrap();
    file.flush().unwrap();
    let bytes = file.into_inner().into_inner();
    let r = read(&bytes, &Limits::default());
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].finding.code(), "encrypted");

    // The stream's name as text inside a damaged container is no encryption.
    let mut bytes = bytes[..8].to_vec();
    bytes.resize(1024, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let r = read(&bytes, &Limits::default());
    assert_eq!(r.diagnostics[0].finding.code(), "not-a-workbook");
}

#[test]
fn a_cell_beyond_excels_grid_is_located_by_its_sheet() {
    assert_eq!(cell_location("s", 4, 2), Location::cell("s", "C5"));
    assert_eq!(
        cell_location("s", 1_048_575, 16_383),
        Location::cell("s", "XFD1048576")
    );
    assert_eq!(cell_location("s", 0, u16::MAX), Location::sheet("s"));
    assert_eq!(cell_location("s", u32::MAX, 0), Location::sheet("s"));
}
