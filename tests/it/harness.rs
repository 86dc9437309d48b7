//! Shared test harness: a temporary working folder, the real `kpiwatch` binary run in it (and
//! left running, as a watcher), fixtures built from the template generator and read back, and
//! LibreOffice as the real client.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, open_workbook_auto};
use kpiwatch::check::validate::{CheckOptions, Status, Verdict, check_bytes};
use kpiwatch::domain::model::Submission;
use kpiwatch::ledger::{Ledger, LedgerError};
use kpiwatch::workbook::layout::{self, Key};
use kpiwatch::workbook::template::{self, TemplateOptions};
use serde_json::Value;
use tempfile::TempDir;

/// The two bundled example workbooks, by their path under an inbox.
pub const EXAMPLES: [&str; 2] = [
    "inspection-office/kpi-2564.xlsx",
    "ministers-office/kpi-2564.xlsx",
];

/// A file of the repository (examples, the committed template, tests/samples, tests/lo).
pub fn repo(rel: impl AsRef<Path>) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A bundled example workbook, by its path under the examples' inbox.
pub fn example(rel: &str) -> PathBuf {
    repo("examples/share/inbox").join(rel)
}

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

    /// Writes `bytes` at `rel`, creating folders, as a file that finished arriving a minute
    /// ago: `run` leaves a file modified within the quiet period for the next pass.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        settle(&p);
        p
    }

    /// Lands a finished file at `rel` the way a copy tool or Excel's save does: written beside
    /// under a hidden name, then renamed in, so a watcher never sees it half written.
    pub fn drop_file(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> PathBuf {
        let dest = self.path(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let tmp = dest.with_file_name(format!(
            ".part-{}",
            dest.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, &dest).unwrap();
        dest
    }

    /// Copies both bundled example workbooks into the inbox folder `inbox`.
    pub fn copy_examples(&self, inbox: &str) {
        for rel in EXAMPLES {
            self.write(
                Path::new(inbox).join(rel),
                &std::fs::read(example(rel)).unwrap(),
            );
        }
    }

    /// The ledger kept under `--state state`, the state folder the tests pass.
    pub fn ledger(&self) -> Result<Ledger, LedgerError> {
        Ledger::open(&self.path("state/ledger.sqlite"))
    }

    /// Every version the ledger holds, by path: their statuses, oldest first. Empty until the
    /// ledger exists (a watcher holds its lock, not the database, so it can be read meanwhile).
    pub fn versions(&self) -> BTreeMap<String, Vec<Status>> {
        let mut out: BTreeMap<String, Vec<Status>> = BTreeMap::new();
        let Ok(ledger) = self.ledger() else {
            return out;
        };
        for v in ledger.all_versions().unwrap_or_default() {
            out.entry(v.path).or_default().push(v.status);
        }
        out
    }

    /// How many files the ledger has a version of; 0 until the ledger exists.
    pub fn recorded(&self) -> usize {
        self.ledger()
            .and_then(|l| l.latest_per_path())
            .map(|v| v.len())
            .unwrap_or(0)
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

/// Sets a file's modification time a minute back, as if it had finished arriving then: past
/// any quiet period the tests configure, so `run` reads it now.
pub fn settle(path: &Path) {
    age(path, Duration::from_secs(60));
}

/// Sets a file's modification time `ago` back from now.
pub fn age(path: &Path, ago: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - ago)
        .unwrap();
}

/// How long a wait for a running watcher may take before the test fails: generous, because it
/// only turns a hang into a failure; nothing asserts on how long anything took.
const DEADLINE: Duration = Duration::from_secs(180);

/// A `kpiwatch` left running (a watcher) in a test folder, its log (stderr) kept in
/// `watch.log` there. Dropping it kills the process, so a failed test leaves no watcher behind.
pub struct Watcher {
    child: Child,
    log: PathBuf,
}

impl Watcher {
    /// Starts `kpiwatch ARGS` in `env`, without waiting for anything.
    pub fn start(env: &TestEnv, args: &[&str]) -> Self {
        Self::start_with(env, args, &[])
    }

    /// [`Watcher::start`] with environment variables set for the process.
    pub fn start_with(env: &TestEnv, args: &[&str], vars: &[(&str, &Path)]) -> Self {
        let log = env.path("watch.log");
        let child = env
            .kpiwatch()
            .args(args)
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Self { child, log }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Polls `cond` until it holds; fails with the log if the watcher exits meanwhile, or after
    /// [`DEADLINE`].
    pub fn wait_until(&mut self, what: &str, cond: impl FnMut() -> bool) {
        self.poll(|| what.to_owned(), cond);
    }

    /// Waits until `count()` reaches `expected`; a failure says how far it got.
    pub fn wait_for_count(
        &mut self,
        what: &str,
        expected: usize,
        mut count: impl FnMut() -> usize,
    ) {
        let seen = Cell::new(0);
        self.poll(
            || format!("{what}: {}/{expected}", seen.get()),
            || {
                seen.set(count());
                seen.get() >= expected
            },
        );
    }

    fn poll(&mut self, what: impl Fn() -> String, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !cond() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("{}: the watcher exited ({status}):\n{}", what(), self.log());
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {}\n{}",
                what(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn wait_for_log(&mut self, needle: &str) {
        let log = self.log.clone();
        self.wait_until(&format!("log line {needle}"), || {
            std::fs::read_to_string(&log).is_ok_and(|t| t.contains(needle))
        });
    }

    /// SIGTERM, as a service manager stops it: the watcher finishes, says the ledger is
    /// consistent and exits 0. Returns the log.
    pub fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        let log = self.log();
        assert!(status.success(), "watch exited with {status}: {log}");
        assert!(log.contains("stopped; the ledger is consistent"), "{log}");
        log
    }

    /// SIGKILL, which is what dropping it does: no chance to clean up.
    pub fn kill9(self) {}
}

impl Drop for Watcher {
    fn drop(&mut self) {
        kill9(&mut self.child);
    }
}

/// SIGKILL (what std's kill is on Unix) and reaping the process.
pub fn kill9(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A copy of `base` as test division `n` under `code`, its KPIs coded `CODE-1`, `CODE-2`, …:
/// files made from one seed division never count as the same division or the same KPI.
pub fn numbered(mut base: Submission, code: String, n: usize) -> Submission {
    base.division.name = format!("หน่วยงานทดสอบ {n}");
    for (i, k) in base.kpis.iter_mut().enumerate() {
        k.code = format!("{code}-{}", i + 1);
    }
    base.division.code = code;
    base
}

/// Where a declared field of the template is: (row, col), zero-based as rust_xlsxwriter writes.
pub fn at(key: Key) -> (u32, u16) {
    let f = layout::field(key);
    (f.row, f.col)
}

/// The verdict on one workbook's bytes, with the default options.
pub fn check(bytes: &[u8]) -> Verdict {
    check_bytes(bytes, &CheckOptions::default())
}

/// The verdict on one workbook file, with the default options.
pub fn check_file(path: &Path) -> Verdict {
    check(&std::fs::read(path).unwrap())
}

/// A sheet's rows as text, blanks empty, from its first used cell.
pub fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("{}: {sheet}: {e}", path.display()));
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The figures of a summary: each of `sheets` without its first four rows, where the time of
/// the run is, so the summaries of two runs compare equal when their figures do.
pub fn summary_figures(path: &Path, sheets: &[&str]) -> Vec<Vec<String>> {
    sheets
        .iter()
        .flat_map(|s| sheet_rows(path, s).into_iter().skip(4))
        .collect()
}

/// The finding codes of one file of a `kpiwatch check --json` report, in order.
pub fn diagnostic_codes(file: &Value) -> Vec<String> {
    file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
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
/// `copy:SHEET:NEW`, `rows:SHEET:ROW:COUNT`, `set:SHEET:CELL:VALUE`, `type:SHEET:CELL:TEXT`
/// typing through LibreOffice's input parsing) and saves it as `out` with
/// the given filter ("Calc MS Excel 2007 XML", "calc8").
pub fn lo_edit(input: &Path, out: &Path, filter: &str, ops: &[&str]) {
    let profile = tempfile::tempdir().unwrap();
    let script = repo("tests/lo/edit.py");
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
