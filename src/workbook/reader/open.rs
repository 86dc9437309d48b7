//! Opening a file by its format, within the limits: the zip directory's declared sizes are
//! checked before anything is decompressed, OLE containers are told apart (legacy .xls or an
//! encrypted .xlsx), and a file that is no workbook is described for the receipt.

use std::io::{Cursor, Read};

use calamine::{Ods, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};

use super::Limits;
use crate::domain::diagnostic::Finding;

/// First bytes of an OLE compound file: legacy .xls, or an encrypted OOXML package.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// The bytes of the file being read, as calamine reads them.
pub(super) type Source<'a> = Cursor<&'a [u8]>;

/// Opens the workbook in `bytes` with the reader for its format, or says why it cannot be read.
pub(super) fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Sheets<Source<'a>>, Finding> {
    let not_a_workbook = |detail: String| Finding::NotAWorkbook { detail };
    if bytes.is_empty() {
        return Err(not_a_workbook("the file is empty (0 bytes)".into()));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Finding::TooLarge {
            part: "(the file)".into(),
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.starts_with(&OLE_MAGIC) {
        check_ole(bytes, limits)?;
        return open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes))
            .map(Sheets::Xls)
            .map_err(|e| not_a_workbook(format!("legacy .xls: {e}")));
    }
    if !bytes.starts_with(&ZIP_MAGIC) {
        return Err(not_a_workbook(describe_foreign(bytes)));
    }
    let parts = zip_parts(bytes).map_err(|e| not_a_workbook(format!("damaged zip: {e}")))?;
    let mut total = 0u64;
    for (name, size) in &parts {
        if *size > limits.max_part_bytes {
            return Err(Finding::TooLarge {
                part: name.clone(),
                size: *size,
                limit: limits.max_part_bytes,
            });
        }
        total = total.saturating_add(*size);
    }
    if total > limits.max_total_bytes {
        return Err(Finding::TooLarge {
            part: "(all parts)".into(),
            size: total,
            limit: limits.max_total_bytes,
        });
    }
    let has = |n: &str| parts.iter().any(|(p, _)| p == n);
    let cursor = Cursor::new(bytes);
    if has("xl/workbook.xml") {
        open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| not_a_workbook(format!("xlsx: {e}")))
    } else if has("xl/workbook.bin") {
        open_workbook_from_rs::<Xlsb<_>, _>(cursor)
            .map(Sheets::Xlsb)
            .map_err(|e| not_a_workbook(format!("xlsb: {e}")))
    } else if has("content.xml") {
        open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| not_a_workbook(format!("ods: {e}")))
    } else if has("word/document.xml") {
        Err(not_a_workbook("a Word document, not a workbook".into()))
    } else {
        Err(not_a_workbook("a zip file that holds no workbook".into()))
    }
}

/// An OLE compound file is a legacy .xls, or an .xlsx saved with a password: then the container
/// holds the encrypted zip as its `EncryptedPackage` stream, and nothing can be read.
fn check_ole(bytes: &[u8], limits: &Limits) -> Result<(), Finding> {
    let damaged = |detail: String| Finding::NotAWorkbook {
        detail: format!("legacy .xls: {detail}"),
    };
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    if file.is_stream("/EncryptedPackage") {
        return Err(Finding::Encrypted);
    }
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| damaged("no workbook stream".into()))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| damaged(e.to_string()))?;
    check_xls_grids(&stream, limits)
}

/// Legacy .xls: calamine builds one dense grid per sheet from the cell positions the file's
/// records declare, so a damaged or crafted file naming two cells far apart makes it allocate
/// tens of gigabytes (found by fuzzing). The records are scanned first, and a sheet whose grid
/// would exceed four times the cell limit is refused.
fn check_xls_grids(stream: &[u8], limits: &Limits) -> Result<(), Finding> {
    let limit = limits.max_cells_per_sheet.saturating_mul(4) as u64;
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    // (first row, last row, first column, last column) of the sheet being scanned.
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let mut sheet = 0usize;
    let mut pos = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(stream, pos), u16_at(stream, pos + 2)) {
        let body = stream
            .get(pos + 4..pos + 4 + usize::from(len))
            .unwrap_or(&[]);
        pos += 4 + usize::from(len);
        let cells = match kind {
            // BOF: a new sheet (or the workbook globals) starts.
            0x0809 => {
                bounds = None;
                sheet += 1;
                None
            }
            // FORMULA, LABELSST, NUMBER, RK, BLANK, BOOLERR, LABEL, RSTRING: one cell.
            0x0006 | 0x00FD | 0x0203 | 0x027E | 0x0201 | 0x0205 | 0x0204 | 0x00D6 => {
                u16_at(body, 0).zip(u16_at(body, 2)).map(|(r, c)| (r, c, c))
            }
            // MULRK, MULBLANK: a run of cells in one row.
            0x00BD | 0x00BE if body.len() >= 6 => {
                let last = u16_at(body, body.len() - 2);
                u16_at(body, 0)
                    .zip(u16_at(body, 2))
                    .zip(last)
                    .map(|((r, c), l)| (r, c, l))
            }
            _ => None,
        };
        if let Some((row, first, last)) = cells {
            let b = bounds.get_or_insert((row, row, first, first));
            *b = (
                b.0.min(row),
                b.1.max(row),
                b.2.min(first.min(last)),
                b.3.max(first.max(last)),
            );
            let grid = (u64::from(b.1 - b.0) + 1) * (u64::from(b.3 - b.2) + 1);
            if grid > limit {
                return Err(Finding::TooManyCells {
                    sheet: format!("#{}", sheet.saturating_sub(1)),
                    limit: limits.max_cells_per_sheet,
                });
            }
        }
    }
    Ok(())
}

/// Names and declared uncompressed sizes of a zip's entries, from the central directory only.
fn zip_parts(bytes: &[u8]) -> Result<Vec<(String, u64)>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        parts.push((entry.name()?.into_owned(), entry.size()));
    }
    Ok(parts)
}

/// A short description of a file that is not a spreadsheet, for the receipt.
fn describe_foreign(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(512)];
    if head.starts_with(b"%PDF") {
        "a PDF document".into()
    } else if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        "an image".into()
    } else if std::str::from_utf8(head).is_ok() || head.iter().all(|b| b.is_ascii()) {
        "a text file (CSV or similar), not a workbook".into()
    } else {
        "unknown binary content".into()
    }
}
