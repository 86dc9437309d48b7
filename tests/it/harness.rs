//! Shared test harness: a temporary working folder, the real `kpiwatch` binary run in it,
//! fixtures built from the template generator, and LibreOffice as the real client.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, open_workbook_auto};
use kpiwatch::domain::model::Submission;
use kpiwatch::workbook::template::{self, TemplateOptions};
use serde_json::Value;
use tempfile::TempDir;

/// A temporary folder with the binary at hand.
pub struct TestEnv {
    pub dir: TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("kpiwatch-test-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `bytes` at `rel`, creating folders.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The real binary, run in this folder.
    pub fn kpiwatch(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kpiwatch"));
        c.current_dir(self.dir.path());
        c
    }

    /// `kpiwatch check --json FILES`: exit code and the parsed document.
    pub fn check_json(&self, files: &[&Path]) -> (i32, Value) {
        let out = self
            .kpiwatch()
            .arg("check")
            .arg("--json")
            .args(files)
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (code, v)
    }
}

/// A copy of a zip (an .xlsx) with one part's content replaced, or added when missing; `None`
/// removes the part.
pub fn replace_part(bytes: &[u8], part: &str, content: Option<&[u8]>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut seen = false;
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            seen = true;
            let Some(c) = content else { continue };
            data = c.to_vec();
        }
        out.start_file(&name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    if let (false, Some(c)) = (seen, content) {
        out.start_file(part, opts).unwrap();
        out.write_all(c).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// One part of a zip as text.
pub fn part_text(bytes: &[u8], part: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The template filled with `sub`, then cells overwritten as a person typing into Excel would.
pub fn typed(sub: &Submission, edit: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<u8> {
    let mut wb = template::build(
        sub,
        &TemplateOptions {
            kpi_sheets: sub.kpis.len().max(1),
            fiscal_year: None,
        },
    )
    .unwrap();
    edit(&mut wb);
    wb.save_to_buffer().unwrap()
}

/// The template filled with `sub`, as bytes.
pub fn workbook_bytes(sub: &Submission) -> Vec<u8> {
    let opts = TemplateOptions {
        kpi_sheets: sub.kpis.len().max(1),
        fiscal_year: sub.fiscal_year,
    };
    template::to_bytes(sub, &opts).unwrap()
}

/// Sheet name → (row, col) → the cell as text.
pub type SheetCells = BTreeMap<String, BTreeMap<(u32, u32), String>>;

/// Every sheet's non-empty cells as text, by sheet name and (row, col), plus the defined names:
/// what "the same workbook" means when the bytes differ (timestamps, zip order).
pub fn workbook_cells(path: &Path) -> (SheetCells, Vec<(String, String)>) {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sheets = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let start = range.start().unwrap_or((0, 0));
        let mut cells = BTreeMap::new();
        for (r, c, v) in range.used_cells() {
            if !matches!(v, Data::Empty) {
                cells.insert((start.0 + r as u32, start.1 + c as u32), v.to_string());
            }
        }
        sheets.insert(name, cells);
    }
    let mut names = wb.defined_names().to_vec();
    names.sort();
    (sheets, names)
}

/// Whether the tests that need LibreOffice can run. Under CI a missing LibreOffice is a failure,
/// never a silent skip.
pub fn soffice_available() -> bool {
    let ok = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice (soffice) is required under CI: .ci/run installs it"
        );
        eprintln!("skipping: soffice not installed");
    }
    ok
}

/// A private LibreOffice profile, so parallel tests do not fight over one, optionally set to
/// recalculate every formula on load.
pub fn lo_profile(dir: &Path, recalculate: bool) -> String {
    let user = dir.join("user");
    std::fs::create_dir_all(&user).unwrap();
    if recalculate {
        std::fs::write(
            user.join("registrymodifications.xcu"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
        )
        .unwrap();
    }
    format!("-env:UserInstallation=file://{}", dir.display())
}

fn run_checked(mut c: Command, what: &str) -> Output {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `soffice --convert-to FORMAT` of `input` into `outdir`; returns the converted file.
pub fn lo_convert(input: &Path, format: &str, outdir: &Path, recalculate: bool) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let mut c = Command::new("soffice");
    c.arg(lo_profile(profile.path(), recalculate))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(outdir)
        .arg(input);
    run_checked(c, "soffice --convert-to");
    let ext = format.split(':').next().unwrap();
    let out = outdir.join(input.with_extension(ext).file_name().unwrap());
    assert!(out.exists(), "LibreOffice wrote no {}", out.display());
    out
}

/// Every sheet of a workbook as CSV (full precision), recalculated on load: sheet name → rows.
pub fn lo_sheets_as_csv(input: &Path, outdir: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let profile = tempfile::tempdir().unwrap();
    let mut c = Command::new("soffice");
    c.arg(lo_profile(profile.path(), true))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(outdir)
        .arg(input);
    run_checked(c, "soffice csv export");
    let stem = input.file_stem().unwrap().to_string_lossy().to_string();
    let mut sheets = BTreeMap::new();
    for entry in std::fs::read_dir(outdir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if let Some(sheet) = name
            .strip_prefix(&format!("{stem}-"))
            .and_then(|s| s.strip_suffix(".csv"))
        {
            sheets.insert(
                sheet.to_owned(),
                parse_csv(&std::fs::read_to_string(&p).unwrap()),
            );
        }
    }
    sheets
}

/// A small CSV reader for LibreOffice's output (quoted fields, doubled quotes, newlines inside).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Edits a workbook in LibreOffice as a person would (see tests/lo/edit.py for the operations:
/// `copy:SHEET:NEW`, `rows:SHEET:ROW:COUNT`, `set:SHEET:CELL:VALUE`) and saves it as `out` with
/// the given filter ("Calc MS Excel 2007 XML", "calc8").
pub fn lo_edit(input: &Path, out: &Path, filter: &str, ops: &[&str]) {
    let profile = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lo/edit.py");
    // One pipe per call: tests edit workbooks in parallel.
    let pipe = format!(
        "kpiwatch_{}",
        profile.path().file_name().unwrap().to_string_lossy()
    );
    let mut c = Command::new("/usr/bin/python3");
    c.arg(script)
        .arg(lo_profile(profile.path(), false))
        .arg(&pipe)
        .arg(input)
        .arg(out)
        .arg(filter)
        .args(ops);
    run_checked(c, "LibreOffice edit");
}
