//! Which cells show their number as a percentage. calamine gives a cell typed `92%` as 0.92 and
//! drops its number format, so the formats are read here from the file's own parts, lazily and
//! only for the sheets whose numbers kpiwatch reads (.xlsx and .ods; .xls and .xlsb have none).

mod ods;
mod xlsx;

use std::io::{BufRead, BufReader, Cursor, Read};

use foldhash::{HashMap, HashMapExt};

use super::Limits;

/// The file's format, as far as number formats go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xlsx,
    Ods,
    /// .xls, .xlsb: no number formats are read.
    Other,
}

/// The percent cells of a workbook, found on first use and kept.
pub(super) struct PercentCells<'a> {
    bytes: &'a [u8],
    format: Format,
    max_part_bytes: u64,
    max_cells: usize,
    /// .xlsx: for each cell format, whether it is a percent format (`None`: not read yet).
    /// Empty when no format is: then no sheet needs reading, the usual case.
    formats: Option<Vec<bool>>,
    /// .xlsx: each sheet's part, by sheet name.
    parts: HashMap<String, String>,
    /// Each sheet's percent cells, sorted, once read (.ods: every sheet at once).
    sheets: HashMap<String, Vec<(u32, u16)>>,
    ods_read: bool,
    /// The zip, opened on first use (`Some(None)`: it cannot be).
    archive: Option<Option<zip::ZipArchive<Cursor<&'a [u8]>>>>,
}

impl<'a> PercentCells<'a> {
    pub(super) fn new(bytes: &'a [u8], format: Format, limits: &Limits) -> Self {
        Self {
            bytes,
            format,
            max_part_bytes: limits.max_part_bytes,
            max_cells: limits.max_cells_per_sheet,
            formats: None,
            parts: HashMap::new(),
            sheets: HashMap::new(),
            ods_read: false,
            archive: None,
        }
    }

    /// Whether the cell at (row, col) of `sheet` shows its number as a percentage. A part that
    /// cannot be read counts as having no percent cells: calamine reports the damage itself.
    pub(super) fn is_percent(&mut self, sheet: &str, row: u32, col: u16) -> bool {
        match self.format {
            Format::Other => return false,
            Format::Xlsx => self.load_xlsx(sheet),
            Format::Ods => self.load_ods(),
        }
        self.sheets
            .get(sheet)
            .is_some_and(|cells| cells.binary_search(&(row, col)).is_ok())
    }

    fn load_xlsx(&mut self, sheet: &str) {
        if self.formats.is_none() {
            let formats = self
                .part("xl/styles.xml", |xml| Ok(xlsx::percent_formats(xml)?))
                .unwrap_or_default();
            if formats.contains(&true) {
                let ids = self
                    .part("xl/workbook.xml", |xml| Ok(xlsx::sheet_ids(xml)?))
                    .unwrap_or_default();
                let paths = self
                    .part("xl/_rels/workbook.xml.rels", |xml| {
                        Ok(xlsx::part_paths(xml)?)
                    })
                    .unwrap_or_default();
                self.parts = ids
                    .into_iter()
                    .filter_map(|(name, id)| Some((name, paths.get(&id)?.clone())))
                    .collect();
            }
            self.formats = Some(formats);
        }
        if self.sheets.contains_key(sheet) {
            return;
        }
        let formats = self.formats.take().unwrap_or_default();
        let cells = match self.parts.get(sheet).cloned() {
            Some(path) if formats.contains(&true) => {
                let limit = self.max_cells;
                self.part(&path, |xml| Ok(xlsx::percent_cells(xml, &formats, limit)?))
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        self.formats = Some(formats);
        self.sheets.insert(sheet.to_owned(), cells);
    }

    fn load_ods(&mut self) {
        if self.ods_read {
            return;
        }
        self.ods_read = true;
        let limit = self.max_cells;
        self.sheets = self
            .part("content.xml", |xml| Ok(ods::percent_cells(xml, limit)?))
            .unwrap_or_default();
    }

    /// Streams one part of the zip through `parse`, reading at most the part size limit (the
    /// declared sizes were checked when the file was opened; this holds even if one lies).
    fn part<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&mut dyn BufRead) -> Result<T, Box<dyn std::error::Error>>,
    ) -> Option<T> {
        let bytes = self.bytes;
        let archive = self
            .archive
            .get_or_insert_with(|| zip::ZipArchive::new(Cursor::new(bytes)).ok())
            .as_mut()?;
        let max = self.max_part_bytes;
        let result = (|| {
            let entry = archive.by_name(name)?;
            let mut xml = BufReader::new(entry.take(max));
            parse(&mut xml)
        })();
        result
            .map_err(|e| tracing::debug!(part = name, error = %e, "number formats not read"))
            .ok()
    }
}

/// The number a person sees in a percent cell: 0.92 shown as 92% is 92. Shifted in decimal
/// (from the shortest digits that read back as `x`), so 0.29 gives 29, not 28.999999999999996.
pub(super) fn percent_points(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let text = format!("{x:e}");
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return x * 100.0;
    };
    match exponent.parse::<i32>() {
        Ok(e) => format!("{mantissa}e{}", e.saturating_add(2))
            .parse()
            .unwrap_or(x * 100.0),
        Err(_) => x * 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_points_shift_the_decimals_as_typed() {
        for (x, points) in [
            (0.92, 92.0),
            (0.29, 29.0),
            (0.3, 30.0),
            (0.0, 0.0),
            (-0.0575, -5.75),
            (1.0, 100.0),
            (0.880015, 88.0015),
            (1e-5, 0.001),
        ] {
            assert_eq!(percent_points(x), points, "{x}");
        }
        assert_eq!(0.29 * 100.0, 28.999999999999996, "why the shift is decimal");
        assert!(percent_points(f64::NAN).is_nan());
        assert_eq!(percent_points(1e307), f64::INFINITY);
    }

    #[test]
    fn a_file_without_the_parts_has_no_percent_cells() {
        let limits = Limits::default();
        let mut cells = PercentCells::new(b"not a zip", Format::Xlsx, &limits);
        assert!(!cells.is_percent("ตัวชี้วัด 1", 10, 1));
        let mut cells = PercentCells::new(b"not a zip", Format::Ods, &limits);
        assert!(!cells.is_percent("ตัวชี้วัด 1", 10, 1));
    }
}
