//! Names: keys keep raw bytes apart, derived names are portable, within the limits and unique,
//! and the examples of docs/operations.md hold.

use super::*;

fn assert_portable(name: &str) {
    assert!(fits(name), "{name}: {} bytes", name.len());
    assert!(!name.is_empty());
    assert!(name.chars().all(|c| !is_forbidden(c)), "{name}");
    assert!(!name.ends_with(['.', ' ']), "{name}");
    assert!(!name.starts_with(['.', ' ']), "{name}");
    assert!(!is_reserved(name), "{name}");
}

fn receipt_names(key: &str) -> Vec<String> {
    receipt_path(key).split('/').map(str::to_owned).collect()
}

#[cfg(unix)]
#[test]
fn raw_names_that_are_not_utf8_keep_apart() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let e9 = key_of(Path::new(OsStr::from_bytes(b"div/kpi-caf\xe9.xlsx")));
    let e8 = key_of(Path::new(OsStr::from_bytes(b"div/kpi-caf\xe8.xlsx")));
    assert_eq!(e9, "div/kpi-caf\\xe9.xlsx");
    assert_ne!(e9, e8);
    assert_eq!(display(&e9), "div/kpi-caf\u{fffd}.xlsx");
    // A real backslash, or a name spelling an escape, is not taken for one.
    let spelled = key_of(Path::new("kpi-caf\\xe9.xlsx"));
    assert_eq!(spelled, "kpi-caf\\\\xe9.xlsx");
    assert_ne!(
        spelled,
        key_of(Path::new(OsStr::from_bytes(b"kpi-caf\xe9.xlsx")))
    );
    assert_eq!(display(&spelled), "kpi-caf\\xe9.xlsx");
    // Plain names are their own key.
    assert_eq!(key_of(Path::new("กอง/รายงาน.xlsx")), "กอง/รายงาน.xlsx");
    let receipts = [receipt_path(&e9), receipt_path(&e8)];
    assert_ne!(receipts[0], receipts[1]);
    for r in &receipts {
        assert!(r.starts_with("div/kpi-caf\u{fffd}~"), "{r}");
        assert!(r.ends_with(".xlsx.txt"), "{r}");
    }
}

#[test]
fn portable_names_are_kept_as_they_are() {
    assert_eq!(
        receipt_path("inspection-office/kpi-2564.xlsx"),
        "inspection-office/kpi-2564.xlsx.txt"
    );
    assert_eq!(
        receipt_path("กองคลัง/รายงาน ไตรมาส 2.xlsx"),
        "กองคลัง/รายงาน ไตรมาส 2.xlsx.txt"
    );
    assert_eq!(archive_folder("สตป"), "สตป");
    assert_eq!(
        archive_file("abababababababab", "kpi 2564.xlsx"),
        "abababababababab-kpi 2564.xlsx"
    );
}

#[test]
fn names_windows_cannot_hold_are_marked() {
    let dotted = archive_folder("สยผ.");
    assert!(dotted.starts_with("สยผ~"), "{dotted}");
    assert_portable(&dotted);
    assert_ne!(archive_folder("สยผ."), archive_folder("สยผ"));
    assert_ne!(archive_folder("สยผ."), archive_folder("สยผ.."));
    for raw in [
        "CON",
        "con.xlsx",
        "Aux.xlsx",
        "LPT9.xlsx",
        "COM1",
        "nul .xlsx",
        "a<b>.xlsx",
        "a:b.xlsx",
        "q?.xlsx",
        "s*.xlsx",
        "p|.xlsx",
        "q\".xlsx",
        "tab\t.xlsx",
        "end. ",
        "end.",
        " lead.xlsx",
        "..",
        ".",
        "",
        "a~b.xlsx",
    ] {
        for name in receipt_names(&format!("{raw}/{raw}")) {
            assert_portable(&name);
        }
        assert_portable(&archive_folder(raw));
        assert_portable(&archive_file("0123456789abcdef", raw));
    }
    assert_eq!(
        receipt_path("con.xlsx"),
        format!("con~{}.xlsx.txt", tag("con.xlsx"))
    );
    // The examples of docs/operations.md.
    assert_eq!(archive_folder("สยผ."), "สยผ~d9070f0431");
    assert_eq!(receipt_path("KPI Q1.xlsx"), "KPI Q1~f9f6f38b06.xlsx.txt");
}

#[test]
fn names_differing_only_by_case_map_apart_under_case_folding() {
    let names = ["KPI.xlsx", "kpi.xlsx", "Kpi.xlsx", "KPI.XLSX"];
    let receipts: Vec<String> = names
        .iter()
        .map(|n| receipt_path(n).to_lowercase())
        .collect();
    for (i, a) in receipts.iter().enumerate() {
        for b in &receipts[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(receipt_path("kpi.xlsx"), "kpi.xlsx.txt");
    assert!(receipt_path("KPI.xlsx").starts_with("KPI~"));
}

#[test]
fn a_receipt_folder_never_takes_a_receipts_place() {
    let file = receipt_path("kpi.xlsx");
    let nested = receipt_path("kpi.xlsx.txt/more.xlsx");
    let folder = nested.split('/').next().unwrap();
    assert_eq!(file, "kpi.xlsx.txt");
    assert_ne!(folder.to_lowercase(), file.to_lowercase());
    assert!(!folder.to_lowercase().ends_with(".txt"), "{folder}");
    // Nor a marked folder.
    let marked = receipt_path("KPI.TXT/more.xlsx");
    assert!(
        !marked
            .split('/')
            .next()
            .unwrap()
            .to_lowercase()
            .ends_with(".txt")
    );
}

#[test]
fn long_thai_names_are_cut_to_fit_and_stay_unique() {
    // 82 Thai characters and ".xlsx": 251 bytes, a valid name that "<hash>-" and ".txt" push
    // over the limit.
    let stem: String = "ก".repeat(82);
    let long = format!("{stem}.xlsx");
    assert_eq!(long.len(), 251);
    let other = format!("{}ข.xlsx", "ก".repeat(81));
    let archived = archive_file("0123456789abcdef", &long);
    let receipt = receipt_path(&long);
    for name in [&archived, &receipt] {
        assert_portable(name);
        assert!(name.contains("กกกกกกกกกก"), "recognisable: {name}");
    }
    assert!(archived.ends_with(".xlsx") && receipt.ends_with(".xlsx.txt"));
    assert_ne!(receipt, receipt_path(&other));
    assert_ne!(archived, archive_file("0123456789abcdef", &other));
    // Characters of four bytes (two UTF-16 units), and names of every length near the limit.
    for n in 40..=90 {
        for unit in ["ก", "😀", "a", "é"] {
            let name = format!("{}.xlsx", unit.repeat(n));
            for derived in [archive_file("0123456789abcdef", &name), receipt_path(&name)] {
                assert_portable(&derived);
            }
            assert_portable(&archive_folder(&unit.repeat(n * 2)));
        }
    }
}

#[test]
fn a_cut_never_splits_a_character() {
    let s = "กขค";
    assert_eq!(cut(s, 4), "ก");
    assert_eq!(cut(s, 6), "กข");
    assert_eq!(cut("ab. ", 4), "ab");
}

#[test]
fn a_returned_workbook_sits_beside_its_receipt_and_no_folder_takes_its_place() {
    assert_eq!(
        returned_path("inspection-office/kpi-2564.xlsx"),
        "inspection-office/kpi-2564.xlsx.returned.xlsx"
    );
    // A folder named like a returned workbook is marked, as one named like a receipt is.
    let folder = returned_path("kpi.xlsx.returned.xlsx/more.xlsx");
    assert_ne!(folder.split('/').next(), Some("kpi.xlsx.returned.xlsx"));
    assert_ne!(
        folder.split('/').next(),
        Some(returned_path("kpi.xlsx").as_str())
    );
    let long = format!("{}.xlsx", "ก".repeat(80));
    let name = returned_path(&long);
    assert!(fits(&name) && name.ends_with(".returned.xlsx"), "{name}");
    assert_portable(&name);
}
