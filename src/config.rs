//! The optional `kpiwatch.toml`: folder names, the below-level-1 rule, the fiscal year, watch
//! timings and the registry of expected divisions. kpiwatch works with none of it; every key has
//! a default, and an unknown key is an error (a typo should not be silently ignored).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::check::validate::normalize_code;
use crate::domain::model::{BelowLevel1, FiscalYear};
use crate::domain::rounds::{Deadline, parse_due_date};

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("configuration {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Names of the share's folders, relative to the share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Folders {
    pub inbox: String,
    pub summary: String,
    pub receipts: String,
    pub archive: String,
}

impl Default for Folders {
    fn default() -> Self {
        Self {
            inbox: "inbox".into(),
            summary: "summary".into(),
            receipts: "receipts".into(),
            archive: "archive".into(),
        }
    }
}

/// Timings of `kpiwatch watch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Watch {
    /// Poll the share every this many seconds instead of native events (SMB/NFS shares).
    pub poll_interval_secs: Option<f64>,
    /// A file is read only after its size and mtime stayed the same this long (`watch` and
    /// `run` alike).
    pub quiet_period_secs: f64,
}

impl Default for Watch {
    fn default() -> Self {
        Self {
            poll_interval_secs: None,
            quiet_period_secs: 2.0,
        }
    }
}

impl Watch {
    pub fn poll_interval(&self) -> Option<Duration> {
        self.poll_interval_secs.map(Duration::from_secs_f64)
    }

    pub fn quiet_period(&self) -> Duration {
        Duration::from_secs_f64(self.quiet_period_secs)
    }
}

/// How the summary is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryOptions {
    /// A year with more divisions than this is written as books of this many divisions plus
    /// an index, so that one changed file rewrites one book, not the whole ministry's workbook.
    /// 0: always one workbook.
    pub divisions_per_book: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        Self {
            divisions_per_book: 250,
        }
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain connection upgraded by STARTTLS, which must succeed (usually port 587).
    #[default]
    Starttls,
    /// No encryption: only for a relay on the same machine or a trusted local network.
    None,
}

/// The `[mail]` section: where and how kpiwatch sends e-mail. Mail is off without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server's host name.
    pub host: String,
    /// Its port; by default 465 for `tls`, 587 for `starttls`, 25 for `none`.
    pub port: Option<u16>,
    pub tls: TlsMode,
    /// The SMTP user name; without it kpiwatch sends without logging in.
    pub user: Option<String>,
    /// The name of the environment variable holding the password (never the password itself).
    pub password_env: Option<String>,
    /// The sender, e.g. `"kpiwatch <kpi@example.go.th>"`.
    pub from: String,
    /// The planning office's address, for the digest; without it no digest is sent.
    pub office: Option<String>,
    /// Domains (e.g. `"example.go.th"`) a workbook's own contact e-mail may be in for kpiwatch
    /// to mail it too. Empty: only the registry's addresses are mailed.
    pub allowed_domains: Vec<String>,
    /// At most one digest to the planning office per this many minutes.
    pub digest_interval_minutes: u64,
    /// A failed message is retried after this many seconds, doubling each time...
    pub retry_initial_secs: u64,
    /// ...up to this many seconds between attempts...
    pub retry_max_secs: u64,
    /// ...and given up (logged as an error) after this many attempts.
    pub max_attempts: u32,
    /// How long to wait for the server before giving up for this time.
    pub timeout_secs: u64,
    /// Write each message as an .eml file in the state folder's `outbox/` instead of sending:
    /// the office's way of delivering when it has no SMTP server (a written message is done).
    pub dry_run: bool,
    /// Set by `--mail-dry-run` and `kpiwatch mail --dry-run`, never by the file: write the
    /// queued messages as .eml files to look at, and leave them queued for real delivery.
    #[serde(skip)]
    pub preview: bool,
    /// Days before a round's due date on which divisions that owe its report are reminded
    /// (e.g. `[7, 1]`). Empty: no reminders.
    pub remind_days_before: Vec<u32>,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: None,
            tls: TlsMode::default(),
            user: None,
            password_env: None,
            from: String::new(),
            office: None,
            allowed_domains: Vec::new(),
            digest_interval_minutes: 60,
            retry_initial_secs: 60,
            retry_max_secs: 3600,
            max_attempts: 20,
            timeout_secs: 10,
            dry_run: false,
            preview: false,
            remind_days_before: Vec::new(),
        }
    }
}

impl MailConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Tls => 465,
            TlsMode::Starttls => 587,
            TlsMode::None => 25,
        })
    }

    fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() && !self.dry_run {
            return Err("mail.host is needed (or mail.dry_run = true)".into());
        }
        if !plausible_address(&self.from) {
            return Err(format!(
                "mail.from = {:?} is not an e-mail address",
                self.from
            ));
        }
        if let Some(office) = &self.office
            && !plausible_address(office)
        {
            return Err(format!("mail.office = {office:?} is not an e-mail address"));
        }
        if self.user.is_some() != self.password_env.is_some() {
            return Err("mail.user and mail.password_env go together".into());
        }
        if self.retry_initial_secs == 0 || self.retry_max_secs < self.retry_initial_secs {
            return Err(
                "mail.retry_initial_secs must be positive and at most mail.retry_max_secs".into(),
            );
        }
        if self.max_attempts == 0 || self.timeout_secs == 0 {
            return Err("mail.max_attempts and mail.timeout_secs must be positive".into());
        }
        if let Some(d) = self.remind_days_before.iter().find(|&&d| d > 366) {
            return Err(format!(
                "mail.remind_days_before = {d} is more than a year before the due date"
            ));
        }
        Ok(())
    }

    /// Whether a workbook's own contact address may be mailed: its domain is listed.
    pub fn allows(&self, address: &str) -> bool {
        let Some((_, domain)) = address.trim().rsplit_once('@') else {
            return false;
        };
        plausible_address(address)
            && self.allowed_domains.iter().any(|d| {
                d.trim()
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(domain)
            })
    }
}

/// Good enough to refuse a typo here; lettre parses every address strictly when it builds.
fn plausible_address(text: &str) -> bool {
    let addr = match (text.rfind('<'), text.rfind('>')) {
        (Some(a), Some(b)) if a < b => &text[a + 1..b],
        _ => text.trim(),
    };
    matches!(addr.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !addr.contains(char::is_whitespace))
}

/// Which judged versions get a returned workbook beside their receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReturnedWorkbooks {
    /// Versions with findings, to fix or to check: the default, because building one costs
    /// more than reading, judging and recording the file (docs/performance.md).
    #[default]
    WithFindings,
    /// Every version, also a clean one (its official scores in the current template).
    EveryVersion,
    Off,
}

/// The `[receipts]` section: what is written beside each receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptOptions {
    pub returned_workbook: ReturnedWorkbooks,
}

/// A division the planning office expects a workbook from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDivision {
    /// The division code its workbooks must carry (e.g. "สตป.").
    pub code: String,
    pub name: String,
    /// Its subfolder of the inbox; files there must claim this division.
    pub folder: String,
    /// Who the planning office contacts about its reports, when its workbooks do not say.
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Where mail for the division goes; a workbook cannot redirect it.
    #[serde(default)]
    pub email: Option<String>,
}

/// A reporting round of one fiscal year and when its reports are due (`[[round]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundSetting {
    /// Buddhist Era fiscal year, e.g. 2564.
    pub fiscal_year: i32,
    /// 1–4: รอบ 3, 6, 9 and 12 เดือน.
    pub round: u8,
    /// ISO in either era ("2021-01-15", "2564-01-15") or a Thai date ("๑๕ ม.ค. ๒๕๖๔").
    pub due: String,
    /// Days after the due date that still count as within grace.
    #[serde(default)]
    pub grace_days: u32,
    /// A round that is not required chases nobody.
    #[serde(default = "yes")]
    pub required: bool,
    /// Division codes excused from this round.
    #[serde(default)]
    pub excused: Vec<String>,
}

fn yes() -> bool {
    true
}

impl RoundSetting {
    /// The due date and grace; `None` only for a setting `Config::check` refused.
    pub fn deadline(&self) -> Option<Deadline> {
        parse_due_date(&self.due).ok().map(|due| Deadline {
            due,
            grace_days: self.grace_days,
        })
    }

    /// Whether the division with normalised code `key` is excused from this round.
    pub fn excuses(&self, key: &str) -> bool {
        self.excused.iter().any(|c| normalize_code(c) == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BelowLevel1Setting {
    #[default]
    Zero,
    One,
}

impl From<BelowLevel1Setting> for BelowLevel1 {
    fn from(s: BelowLevel1Setting) -> Self {
        match s {
            BelowLevel1Setting::Zero => BelowLevel1::Zero,
            BelowLevel1Setting::One => BelowLevel1::One,
        }
    }
}

/// The whole configuration, as in `examples/kpiwatch.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Only workbooks for this fiscal year (BE) are accepted; others are rejected.
    pub fiscal_year: Option<i32>,
    /// What a result below the level-1 threshold scores.
    pub below_level1: BelowLevel1Setting,
    /// A workbook whose certifying official (ผู้รับรองข้อมูล) is blank is rejected; by default
    /// it is accepted with a warning.
    pub require_certification: bool,
    pub folders: Folders,
    pub watch: Watch,
    pub summary: SummaryOptions,
    pub receipts: ReceiptOptions,
    /// Optional e-mail to divisions and the planning office (off without a `[mail]` section).
    /// Not part of the fingerprint: mail settings do not change what is judged or summarised.
    #[serde(skip_serializing)]
    pub mail: Option<MailConfig>,
    /// Expected divisions. Empty: any division may submit, from any folder.
    #[serde(rename = "division")]
    pub divisions: Vec<ExpectedDivision>,
    /// Reporting rounds and their due dates, per fiscal year.
    #[serde(rename = "round")]
    pub rounds: Vec<RoundSetting>,
    /// Lookups by folder and by code, built on first use: every file of a 10,000-division share
    /// asks for its folder's division, so a scan of the list each time would cost O(n²).
    #[serde(skip)]
    index: RegistryIndex,
}

/// Positions in `Config::divisions` by lower-case trimmed folder and by normalised code. Built
/// once from the list as it is on first lookup; a config is built, then used, never edited.
#[derive(Default, Clone)]
struct RegistryIndex(
    std::sync::OnceLock<(
        std::collections::HashMap<String, usize>,
        std::collections::HashMap<String, usize>,
    )>,
);

impl PartialEq for RegistryIndex {
    /// A cache, not part of the value.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for RegistryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RegistryIndex")
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        config.check().map_err(|message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(fy) = self.fiscal_year
            && !FiscalYear::new(fy).is_plausible()
        {
            return Err(format!(
                "fiscal_year = {fy} is not a Buddhist Era year such as 2568"
            ));
        }
        for (name, folder) in [
            ("inbox", &self.folders.inbox),
            ("summary", &self.folders.summary),
            ("receipts", &self.folders.receipts),
            ("archive", &self.folders.archive),
        ] {
            let p = Path::new(folder);
            if folder.is_empty()
                || p.is_absolute()
                || p.components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(format!(
                    "folders.{name} = {folder:?} must be a folder name inside the share"
                ));
            }
        }
        let distinct: std::collections::HashSet<_> = [
            &self.folders.inbox,
            &self.folders.summary,
            &self.folders.receipts,
            &self.folders.archive,
        ]
        .into_iter()
        .collect();
        if distinct.len() != 4 {
            return Err("the four folders must have different names".into());
        }
        if let Some(p) = self.watch.poll_interval_secs
            && !(p.is_finite() && p > 0.0)
        {
            return Err(format!("watch.poll_interval_secs = {p} must be positive"));
        }
        if !(self.watch.quiet_period_secs.is_finite() && self.watch.quiet_period_secs >= 0.0) {
            return Err("watch.quiet_period_secs must be zero or more".into());
        }
        if let Some(mail) = &self.mail {
            mail.check()?;
        }
        let mut codes = std::collections::HashSet::new();
        let mut folders = std::collections::HashSet::new();
        for d in &self.divisions {
            if d.code.trim().is_empty() || d.folder.trim().is_empty() {
                return Err(format!(
                    "every [[division]] needs a code and a folder (division {:?})",
                    d.name
                ));
            }
            if !codes.insert(normalize_code(&d.code)) {
                return Err(format!("division code {:?} is listed twice", d.code));
            }
            if !folders.insert(folder_key(&d.folder)) {
                return Err(format!("division folder {:?} is listed twice", d.folder));
            }
        }
        self.check_rounds()
    }

    fn check_rounds(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for r in &self.rounds {
            if !FiscalYear::new(r.fiscal_year).is_plausible() {
                return Err(format!(
                    "[[round]] fiscal_year = {} is not a Buddhist Era year such as 2568",
                    r.fiscal_year
                ));
            }
            if !(1..=4).contains(&r.round) {
                return Err(format!(
                    "[[round]] round = {} must be 1 to 4 (รอบ 3, 6, 9 or 12 เดือน)",
                    r.round
                ));
            }
            if let Err(e) = parse_due_date(&r.due) {
                return Err(format!(
                    "[[round]] due = {:?} (fiscal_year {}, round {}) is not a date: {e}",
                    r.due, r.fiscal_year, r.round
                ));
            }
            if !seen.insert((r.fiscal_year, r.round)) {
                return Err(format!(
                    "[[round]] fiscal_year {} round {} is listed twice",
                    r.fiscal_year, r.round
                ));
            }
        }
        Ok(())
    }

    /// The setting of `round` in fiscal year `fy` (BE), if configured.
    pub fn round(&self, fy: i32, round: u8) -> Option<&RoundSetting> {
        self.rounds
            .iter()
            .find(|r| r.fiscal_year == fy && r.round == round)
    }

    pub fn below_level1(&self) -> BelowLevel1 {
        self.below_level1.into()
    }

    /// The registered division whose inbox subfolder is `folder` (case-insensitive, since
    /// Windows shares are).
    pub fn division_by_folder(&self, folder: &str) -> Option<&ExpectedDivision> {
        let (by_folder, _) = self.index();
        by_folder
            .get(&folder_key(folder))
            .map(|&i| &self.divisions[i])
    }

    pub fn division_by_code(&self, code: &str) -> Option<&ExpectedDivision> {
        let (_, by_code) = self.index();
        by_code
            .get(&normalize_code(code))
            .map(|&i| &self.divisions[i])
    }

    fn index(
        &self,
    ) -> &(
        std::collections::HashMap<String, usize>,
        std::collections::HashMap<String, usize>,
    ) {
        self.index.0.get_or_init(|| {
            let mut by_folder = std::collections::HashMap::new();
            let mut by_code = std::collections::HashMap::new();
            // First entry wins, as a scan of the list would (`check` refuses duplicates anyway).
            for (i, d) in self.divisions.iter().enumerate() {
                by_folder.entry(folder_key(&d.folder)).or_insert(i);
                by_code.entry(normalize_code(&d.code)).or_insert(i);
            }
            (by_folder, by_code)
        })
    }

    /// A stable text of everything that changes how files are judged or summarised, so a run
    /// knows to rebuild its outputs when the configuration changed.
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Windows shares compare folder names without case, and ASCII case is all a division folder
/// name can differ in there that matters (Thai has no case).
fn folder_key(folder: &str) -> String {
    folder.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kpiwatch.toml");
        let c = Config::load(&path).unwrap();
        assert_eq!(c.fiscal_year, Some(2564));
        assert_eq!(c.divisions.len(), 2);
        assert_eq!(c.rounds.len(), 4);
        let due = |r| {
            c.round(2564, r)
                .and_then(RoundSetting::deadline)
                .unwrap()
                .due
        };
        assert_eq!(due(1).to_string(), "2021-01-15");
        assert_eq!(due(2).to_string(), "2021-04-15");
        assert_eq!(due(3).to_string(), "2021-07-15");
        assert_eq!(due(4).to_string(), "2021-10-15");
        assert!(c.round(2564, 3).unwrap().excuses("สร."));
        assert_eq!(
            c.division_by_folder("Inspection-Office")
                .map(|d| d.code.as_str()),
            Some("สตป.")
        );
        assert_eq!(c.division_by_code("สตป").map(|d| d.folder.as_str()), None);
        assert_eq!(
            c.division_by_code(" สร.").map(|d| d.folder.as_str()),
            Some("ministers-office")
        );
    }

    #[test]
    fn the_documented_mail_section_parses_once_uncommented() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kpiwatch.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let mail: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "# [mail]")
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim_start())
            .collect();
        let c = Config::parse(&mail.join("\n"), &path).unwrap();
        let m = c.mail.unwrap();
        assert_eq!((m.tls, m.port()), (TlsMode::Starttls, 587));
        assert_eq!(m.password_env.as_deref(), Some("KPIWATCH_SMTP_PASSWORD"));
        assert!(m.allows("someone@example.go.th"));
    }

    #[test]
    fn only_listed_domains_are_mailed() {
        let m = MailConfig {
            allowed_domains: vec!["example.go.th".into()],
            ..MailConfig::default()
        };
        assert!(m.allows("somchai@Example.go.th"));
        assert!(!m.allows("somchai@example.go.th.evil.com"));
        assert!(!m.allows("somchai@gmail.com"));
        assert!(!m.allows("not an address"));
        assert_eq!(m.port(), 587);
    }

    #[test]
    fn no_file_means_defaults() {
        let c = Config::parse("", Path::new("x.toml")).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.folders.inbox, "inbox");
        assert_eq!(c.below_level1(), BelowLevel1::Zero);
    }

    #[test]
    fn mistakes_are_named() {
        let e = |t: &str| {
            Config::parse(t, Path::new("k.toml"))
                .unwrap_err()
                .to_string()
        };
        assert!(
            e("fiscal_yaer = 2564").contains("unknown field"),
            "{}",
            e("fiscal_yaer = 2564")
        );
        assert!(e("fiscal_year = 2021").contains("Buddhist Era"));
        assert!(e("below_level1 = \"two\"").contains("k.toml"));
        assert!(e("[folders]\ninbox = \"../x\"").contains("inside the share"));
        assert!(e("[folders]\nsummary = \"inbox\"").contains("different names"));
        assert!(e("[mail]\nhost = 'h'\nfrom = 'x'").contains("mail.from"));
        assert!(e("[mail]\nhost = 'h'\nfrom = 'a@b.go.th'\nuser = 'u'").contains("together"));
        assert!(
            e("[mail]\nhost = 'h'\nfrom = 'a@b.go.th'\nremind_days_before = [7, 400]")
                .contains("remind_days_before = 400")
        );
        assert!(
            e("[[round]]\nfiscal_year = 2564\nround = 1\ndue = \"32 ม.ค. 2564\"")
                .contains("due = \"32 ม.ค. 2564\"")
        );
        assert!(
            e("[[round]]\nfiscal_year = 2564\nround = 5\ndue = \"2021-01-15\"").contains("1 to 4")
        );
        let twice = "[[division]]\ncode='ก'\nname='a'\nfolder='a'\n[[division]]\ncode='ก '\nname='b'\nfolder='b'";
        assert!(e(twice).contains("listed twice"));
    }
}
