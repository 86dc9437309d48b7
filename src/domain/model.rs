//! The KPI domain as kpiwatch understands it: fiscal years and quarters, divisions, KPIs with
//! their scoring criteria, and what a division reports for each quarter. Pure data; the rules
//! that turn results into scores live in [`crate::domain::scoring`].

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::thai;

/// A Thai fiscal year, named by the Buddhist Era year in which it ends
/// (FY 2564 runs 1 Oct 2020 – 30 Sep 2021).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(i32);

impl FiscalYear {
    /// Years kpiwatch accepts as plausible; anything else is almost certainly a CE year typed
    /// into a BE field, or a typo.
    pub const PLAUSIBLE: std::ops::RangeInclusive<i32> = 2500..=2700;

    /// The fiscal year with this Buddhist Era number. Implausible years are the validator's
    /// business, not the type's: a division's file must be read before it can be judged.
    pub const fn new(be: i32) -> Self {
        Self(be)
    }

    /// The Buddhist Era number (2564).
    pub const fn be(self) -> i32 {
        self.0
    }

    /// The fiscal year that contains `date`.
    pub fn of_date(date: NaiveDate) -> Self {
        Self(thai::fiscal_year_be(date))
    }

    /// First and last day of the year; `None` only for years outside the calendar's range.
    pub fn bounds(self) -> Option<(NaiveDate, NaiveDate)> {
        thai::fiscal_year_bounds(self.0)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.bounds()
            .is_some_and(|(start, end)| (start..=end).contains(&date))
    }

    pub fn is_plausible(self) -> bool {
        Self::PLAUSIBLE.contains(&self.0)
    }

    /// The year a division meant when it typed a Common Era year (2021 for 2564): the year plus
    /// 543 when that is plausible and the year itself is not.
    pub fn ce_typed_for(self) -> Option<FiscalYear> {
        let be = self.0.checked_add(thai::BE_OFFSET)?;
        (!self.is_plausible() && Self::PLAUSIBLE.contains(&be)).then_some(Self(be))
    }

    /// The year the division meant: itself, or the Buddhist Era year of a Common Era one.
    pub fn meant(self) -> FiscalYear {
        self.ce_typed_for().unwrap_or(self)
    }

    /// The twelve months of the year in order, as (CE year, month) pairs: Oct … Sep.
    pub fn months(self) -> [(i32, u32); 12] {
        // The year starts in October of the CE year before the one it ends in.
        let first_ce = thai::be_to_ce(self.0) - 1;
        thai::FISCAL_MONTH_ORDER.map(|m| (if m >= 10 { first_ce } else { first_ce + 1 }, m))
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A quarter of the fiscal year: Q1 = Oct–Dec … Q4 = Jul–Sep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    /// 1..=4.
    pub const fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Position in arrays indexed by quarter (0..=3).
    pub const fn index(self) -> usize {
        self as usize
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).wrapping_sub(1)).copied()
    }

    /// The fiscal quarter that contains `date`.
    pub fn of_date(date: NaiveDate) -> Self {
        Self::ALL[usize::from(thai::fiscal_quarter(date)) - 1]
    }

    /// "ไตรมาสที่ 1".
    pub fn label_th(self) -> String {
        format!("ไตรมาสที่ {}", self.number())
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q{}", self.number())
    }
}

/// How a KPI's result becomes a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum KpiKind {
    /// Linear interpolation between the five thresholds (the usual quantitative KPI).
    #[default]
    Interpolated,
    /// The highest level whose threshold is met, no interpolation.
    Stepped,
    /// "ระดับความสำเร็จ": the result *is* the level reached (1–5, fractions allowed).
    Milestone,
}

impl KpiKind {
    pub const ALL: [KpiKind; 3] = [KpiKind::Interpolated, KpiKind::Stepped, KpiKind::Milestone];

    /// The Thai word used in the template's drop-down.
    pub const fn label_th(self) -> &'static str {
        match self {
            KpiKind::Interpolated => "เชิงปริมาณ (เทียบบัญญัติไตรยางศ์)",
            KpiKind::Stepped => "เชิงปริมาณ (ขั้นบันได)",
            KpiKind::Milestone => "ระดับความสำเร็จ",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            KpiKind::Interpolated => "interpolated",
            KpiKind::Stepped => "stepped",
            KpiKind::Milestone => "milestone",
        }
    }

    /// What the kind means, for readers of the template's contract.
    pub const fn meaning_en(self) -> &'static str {
        match self {
            KpiKind::Interpolated => {
                "linear interpolation between the five thresholds (the usual quantitative KPI)"
            }
            KpiKind::Stepped => "the highest level whose threshold is met, no interpolation",
            KpiKind::Milestone => "the result is the level reached (1-5, fractions allowed)",
        }
    }

    /// Reads either the Thai drop-down label or the English name (in any case).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let words = english_words(t);
        Self::ALL
            .into_iter()
            .find(|k| t == k.label_th() || words == k.name_en())
    }
}

/// Whether a larger result is better (units inspected) or worse (cost, days, downtime).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    pub const fn label_th(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "ยิ่งมากยิ่งดี",
            Direction::LowerIsBetter => "ยิ่งน้อยยิ่งดี",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
        }
    }

    /// Every English name [`Direction::parse`] accepts (in any case), [`Direction::name_en`] first.
    pub const fn names_en(self) -> &'static [&'static str] {
        match self {
            Direction::HigherIsBetter => &["higher", "higher is better", "higher-is-better"],
            Direction::LowerIsBetter => &["lower", "lower is better", "lower-is-better"],
        }
    }

    /// What the direction means, for readers of the template's contract.
    pub const fn meaning_en(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "a larger result is better (units inspected)",
            Direction::LowerIsBetter => "a smaller result is better (cost, days, downtime)",
        }
    }

    /// Reads either the Thai drop-down label or one of the English names, in any case and with
    /// spaces, hyphens or underscores between the words ("Higher is better", "lower_is_better").
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let words = english_words(t);
        Self::ALL
            .into_iter()
            .find(|d| t == d.label_th() || d.names_en().iter().any(|n| english_words(n) == words))
    }
}

/// An English name as compared: lower case, words separated by one space whatever separated
/// them ("Higher-is_better " → "higher is better").
fn english_words(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What to do with a result below the level-1 threshold: 0 by default ("did not
/// reach level 1"), some offices clamp to 1. Every summary states which rule was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BelowLevel1 {
    #[default]
    Zero,
    One,
}

impl BelowLevel1 {
    pub const fn score(self) -> f64 {
        match self {
            BelowLevel1::Zero => 0.0,
            BelowLevel1::One => 1.0,
        }
    }

    pub const fn describe_th(self) -> &'static str {
        match self {
            BelowLevel1::Zero => "ผลต่ำกว่าเกณฑ์ระดับ 1 ได้คะแนน 0",
            BelowLevel1::One => "ผลต่ำกว่าเกณฑ์ระดับ 1 ได้คะแนน 1",
        }
    }

    pub const fn describe_en(self) -> &'static str {
        match self {
            BelowLevel1::Zero => "results below level 1 score 0",
            BelowLevel1::One => "results below level 1 score 1",
        }
    }
}

/// The division that owns a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Division {
    /// Short code the planning office uses (e.g. "สตป."); the key for one division's rows.
    pub code: String,
    pub name: String,
}

/// A person responsible for a KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.phone.is_empty()
    }
}

// Blank texts and empty lists are left out of the JSON the ledger stores (and read back as
// blank): a stored submission is mostly the fields `ledger::slim` empties, and every one of
// them is parsed again for each division of each summary.
fn all_empty<const N: usize>(texts: &[String; N]) -> bool {
    texts.iter().all(String::is_empty)
}

/// What a division reported for one quarter of one KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QuarterReport {
    /// The cumulative result as a number, `None` when not reported. For milestone KPIs a range
    /// such as "4-5" is stored as its highest level.
    pub result: Option<f64>,
    /// The result as the division wrote it ("๘๒๖", "4-5"), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_text: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
    /// The score the division typed itself, if any; compared with the official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_weighted: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
}

/// One KPI result card (ผลกระบวนการตามภารกิจ) with its four quarterly reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Kpi {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action_plan: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub strategic_issue: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dimension: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub goal: String,
    /// น้ำหนัก (ร้อยละ).
    pub weight: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub kind: KpiKind,
    pub direction: Direction,
    /// T1..T5, the result needed for score levels 1..5.
    pub thresholds: [f64; 5],
    #[serde(default, skip_serializing_if = "all_empty")]
    pub level_descriptions: [String; 5],
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conditions: String,
    pub unit: String,
    /// เป้าหมายปีปัจจุบัน, as written ("826", "ร้อยละ 95").
    pub target: String,
    /// ข้อมูลพื้นฐานย้อนหลัง 1–3 ปี, as written (often "-" or "900 หน่วยงาน").
    #[serde(default, skip_serializing_if = "all_empty")]
    pub baselines: [String; 3],
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub data_source: String,
    #[serde(default, skip_serializing_if = "Contact::is_empty")]
    pub owner: Contact,
    #[serde(default, skip_serializing_if = "Contact::is_empty")]
    pub supporter: Contact,
    pub quarters: [QuarterReport; 4],
}

impl Kpi {
    pub fn report(&self, q: Quarter) -> &QuarterReport {
        &self.quarters[q.index()]
    }
}

/// One activity of the process plan, with the months (in fiscal order, Oct first) it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Activity {
    pub name: String,
    /// Index 0 = ต.ค. … 11 = ก.ย.; the text the division put in the cell ("↔", "x", "✓").
    pub months: [String; 12],
    pub budget: String,
    pub owner: String,
}

impl Activity {
    pub fn active_months(&self) -> impl Iterator<Item = usize> + '_ {
        self.months
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.trim().is_empty())
            .map(|(i, _)| i)
    }
}

/// The division's improvement process plan (แผนกระบวนการตามภารกิจ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProcessPlan {
    pub process: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub clients: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stakeholders: String,
    pub indicator: String,
    pub tier_quality: String,
    pub tier_standard: String,
    pub tier_improve: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digital: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub step_reduction: String,
    pub activities: Vec<Activity>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expected_results: String,
}

/// The usual ways a log entry's work is done (on site, video conference, on paper, integrated
/// conference): the detail log's drop-down offers them, but an entry may name any other.
pub const LOG_MODES: [&str; 4] = [
    "ลงพื้นที่",
    "VDO Conference",
    "ตรวจทางเอกสาร",
    "บูรณาการ Conference",
];

/// One row of the detail log behind a count (seed 000's inspection table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LogEntry {
    pub kpi_code: String,
    /// As written ("๒๒ - ๒๓ มี.ค. ๖๔").
    pub date_text: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub area: String,
    pub units: Option<f64>,
    pub mode: String,
    pub cost: Option<f64>,
    pub note: String,
}

/// The official who certifies a report (ผู้รับรองข้อมูล), as the division sheet names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Certification {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub position: String,
    /// The date as written, or a date cell shown as "28 ก.ย. 2564".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
}

impl Certification {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.position.is_empty() && self.date.is_empty()
    }

    /// "นายสมชาย ใจดี (ผู้อำนวยการ) 28 ก.ย. 2564"; empty when nobody certified.
    pub fn describe(&self) -> String {
        let mut out = self.name.clone();
        if !self.position.is_empty() {
            out.push_str(&format!(" ({})", self.position));
        }
        if !self.date.is_empty() {
            out.push(' ');
            out.push_str(&self.date);
        }
        out.trim().to_owned()
    }
}

/// Everything one division's workbook says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Submission {
    pub division: Division,
    pub fiscal_year: Option<FiscalYear>,
    /// The latest quarter the division says this file reports.
    pub reporting_quarter: Option<Quarter>,
    pub contact: Contact,
    pub contact_email: String,
    /// Who certified the report; absent in workbooks of templates before the sign-off.
    #[serde(default, skip_serializing_if = "Certification::is_empty")]
    pub certification: Certification,
    pub kpis: Vec<Kpi>,
    pub plan: ProcessPlan,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<LogEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_2564_runs_oct_2020_to_sep_2021() {
        let fy = FiscalYear::new(2564);
        assert_eq!(
            fy.bounds(),
            Some((
                NaiveDate::from_ymd_opt(2020, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()
            ))
        );
        assert_eq!(fy.months()[0], (2020, 10));
        assert_eq!(fy.months()[3], (2021, 1));
        assert_eq!(fy.months()[11], (2021, 9));
        assert!(!fy.contains(NaiveDate::from_ymd_opt(2017, 8, 24).unwrap()));
    }

    #[test]
    fn a_common_era_year_is_read_as_the_year_meant() {
        assert_eq!(
            FiscalYear::new(2021).ce_typed_for(),
            Some(FiscalYear::new(2564))
        );
        assert_eq!(FiscalYear::new(2021).meant(), FiscalYear::new(2564));
        assert_eq!(FiscalYear::new(2564).ce_typed_for(), None);
        assert_eq!(FiscalYear::new(64).ce_typed_for(), None);
        assert_eq!(FiscalYear::new(64).meant(), FiscalYear::new(64));
    }

    #[test]
    fn directions_read_in_english_words() {
        for t in [
            "higher is better",
            "Higher-is-better",
            " HIGHER_is better ",
            "higher",
        ] {
            assert_eq!(Direction::parse(t), Some(Direction::HigherIsBetter), "{t}");
        }
        assert_eq!(
            Direction::parse("lower is better"),
            Some(Direction::LowerIsBetter)
        );
        assert_eq!(Direction::parse("better"), None);
    }

    #[test]
    fn quarters_follow_the_fiscal_calendar() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Quarter::of_date(d(2020, 10, 1)), Quarter::Q1);
        assert_eq!(Quarter::of_date(d(2021, 3, 9)), Quarter::Q2);
        assert_eq!(Quarter::of_date(d(2021, 4, 7)), Quarter::Q3);
        assert_eq!(Quarter::of_date(d(2021, 9, 30)), Quarter::Q4);
        assert_eq!(Quarter::from_number(0), None);
        assert_eq!(Quarter::from_number(4), Some(Quarter::Q4));
        assert_eq!(Quarter::from_number(5), None);
    }

    #[test]
    fn kinds_and_directions_parse_their_own_labels() {
        for k in KpiKind::ALL {
            assert_eq!(KpiKind::parse(k.label_th()), Some(k));
            assert_eq!(KpiKind::parse(k.name_en()), Some(k));
        }
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.label_th()), Some(d));
            assert_eq!(Direction::parse(d.name_en()), Some(d));
        }
        assert_eq!(
            Direction::parse("lower-is-better"),
            Some(Direction::LowerIsBetter)
        );
        assert_eq!(KpiKind::parse("other"), None);
    }
}
