//! Judges one submission: the rules of docs/scoring.md applied to what the reader found, the official
//! scores, and the verdict (accepted with warnings, or rejected) with every finding located.

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use crate::domain::diagnostic::{Diagnostic, FieldName, Finding, Location, Severity};
use crate::domain::model::{
    BelowLevel1, Direction, Kpi, KpiKind, Quarter, QuarterReport, Submission,
};
use crate::domain::scoring::{
    self, Criteria, CriteriaError, DivisionScore, QuarterScore, ResultError,
};
use crate::domain::thai::{self, DateWarning};
use crate::workbook::layout::{self, ColumnKey, Key, QuarterField};
use crate::workbook::reader::{self, Limits, ReadWorkbook, Sources};

/// The rules a check applies.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    pub below_level1: BelowLevel1,
    pub limits: Limits,
}

/// What the share expects of a file, beyond the rules every workbook follows: set by the
/// configuration (fiscal year, registry) and by the folder the file was dropped in.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// Only this fiscal year is accepted.
    pub fiscal_year: Option<i32>,
    pub division: ExpectedDivision,
    /// A report nobody certified is rejected (else it is a warning).
    pub require_certification: bool,
}

#[derive(Debug, Clone, Default)]
pub enum ExpectedDivision {
    /// No registry: any division.
    #[default]
    Any,
    /// The file sits in this registered division's folder.
    Exactly { folder: String, code: String },
    /// A registry exists but the file is in no division's folder: any registered code.
    Registered(Vec<String>),
}

/// Whether a submission goes into the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Accepted,
    Rejected,
}

impl Status {
    pub const fn label_th(self) -> &'static str {
        match self {
            Status::Accepted => "รับแล้ว",
            Status::Rejected => "ไม่รับ (ต้องแก้ไข)",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accepted" => Some(Status::Accepted),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }
}

/// Everything kpiwatch concludes about one workbook.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub submission: Submission,
    /// Errors first, then warnings, each group in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The official figures of each KPI, aligned with `submission.kpis`. A KPI whose criteria
    /// are invalid has no scores.
    pub kpi_scores: Vec<[QuarterScore; 4]>,
    pub division_scores: [DivisionScore; 4],
    pub status: Status,
    /// Where each value was read, for findings made later (cross-file checks).
    pub sources: Sources,
}

impl Verdict {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == severity)
            .count()
    }
}

/// Reads and judges a workbook from its bytes.
pub fn check_bytes(bytes: &[u8], opts: &CheckOptions) -> Verdict {
    check_bytes_expecting(bytes, opts, &Expectation::default())
}

/// Reads and judges a workbook dropped where `expect` applies.
pub fn check_bytes_expecting(bytes: &[u8], opts: &CheckOptions, expect: &Expectation) -> Verdict {
    validate_expecting(reader::read(bytes, &opts.limits), opts, expect)
}

/// A KPI code as compared: spacing and case differ between people ("สตป. 02", "สตป.02").
pub fn normalize_code(code: &str) -> String {
    // `str::to_lowercase` (kept for the one letter whose lower case depends on its neighbours,
    // Greek capital sigma) in one pass without a second string: codes are compared for every
    // KPI and every detail-log row of every workbook.
    if code.contains('Σ') {
        return code.split_whitespace().collect::<String>().to_lowercase();
    }
    let mut out = String::with_capacity(code.len());
    for c in code.chars().filter(|c| !c.is_whitespace()) {
        match c {
            // Thai letters and digits have no case.
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() || ('\u{0E00}'..='\u{0E7F}').contains(&c) => out.push(c),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// A falling cumulative result is suspicious for a count, normal for a percentage.
fn is_percentage(unit: &str) -> bool {
    let u = unit.trim();
    u.contains('%') || u.contains("ร้อยละ") || u.eq_ignore_ascii_case("percent")
}

/// Whether a falling cumulative result is worth a warning: only a higher-is-better count
/// should grow. A lower-is-better KPI (a cost, days taken) falls by design, and a percentage or
/// a milestone level may fall.
fn counts_up(kpi: &Kpi) -> bool {
    kpi.direction == Direction::HigherIsBetter
        && kpi.kind != KpiKind::Milestone
        && !is_percentage(&kpi.unit)
}

/// Two published figures differ when they differ at 4 decimals.
fn differs(a: f64, b: f64) -> bool {
    (scoring::round4(a) - scoring::round4(b)).abs() > 1e-9
}

/// The findings so far, with the question checks keep asking: is this cell already flagged?
struct Findings(Vec<Diagnostic>);

impl Findings {
    fn add(&mut self, finding: Finding, location: Location) {
        self.0.push(Diagnostic::new(finding, location));
    }

    fn flagged(&self, location: &Location) -> bool {
        location.cell.is_some() && self.0.iter().any(|d| &d.location == location)
    }
}

/// Applies the rules to what was read.
pub fn validate(read: ReadWorkbook, opts: &CheckOptions) -> Verdict {
    validate_expecting(read, opts, &Expectation::default())
}

/// Applies the rules, and the share's expectations, to what was read.
pub fn validate_expecting(
    read: ReadWorkbook,
    opts: &CheckOptions,
    expect: &Expectation,
) -> Verdict {
    let ReadWorkbook {
        mut submission,
        sources,
        diagnostics,
    } = read;
    let mut found = Findings(diagnostics);

    if sources.division_sheet.is_some() {
        check_division(&submission, &sources, &mut found);
        check_expectation(&submission, &sources, expect, &mut found);
        check_certification(&submission, &sources, expect, &mut found);
    }

    let mut kpi_scores = Vec::with_capacity(submission.kpis.len());
    let mut first_sheet_of_code: HashMap<String, String> = HashMap::new();
    for (i, kpi) in submission.kpis.iter().enumerate() {
        if !kpi.code.is_empty() {
            let code = normalize_code(&kpi.code);
            match first_sheet_of_code.get(&code) {
                Some(first_sheet) => found.add(
                    Finding::DuplicateKpiCode {
                        code: kpi.code.clone(),
                        first_sheet: first_sheet.clone(),
                    },
                    sources.kpi(i, Key::KpiCode),
                ),
                None => {
                    let sheet = sources.kpis.get(i).map(|s| s.sheet.clone());
                    first_sheet_of_code.insert(code, sheet.unwrap_or_default());
                }
            }
        }
        kpi_scores.push(score_kpi(i, kpi, &sources, opts.below_level1, &mut found));
    }

    let scored: Vec<(f64, [Option<f64>; 4])> = submission
        .kpis
        .iter()
        .zip(&kpi_scores)
        .map(|(k, s)| (k.weight, s.map(|q| q.score)))
        .collect();
    let division_scores = scoring::roll_up_year(&scored);
    if !submission.kpis.is_empty() && !division_scores[0].weights_sum_to_100() {
        found.add(
            Finding::WeightsNot100 {
                total: scoring::round4(division_scores[0].total_weight),
            },
            sources.kpi(0, Key::Weight),
        );
    }

    check_log(&mut submission, &sources, &mut found);

    let mut diagnostics = found.0;
    // Errors first: they are what a division must fix before anything else counts.
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity()));
    let status = if diagnostics.iter().any(Diagnostic::is_error) {
        Status::Rejected
    } else {
        Status::Accepted
    };
    Verdict {
        submission,
        diagnostics,
        kpi_scores,
        division_scores,
        status,
        sources,
    }
}

fn check_division(sub: &Submission, sources: &Sources, found: &mut Findings) {
    for key in [Key::DivisionName, Key::DivisionCode, Key::FiscalYear] {
        let empty = match key {
            Key::DivisionName => sub.division.name.is_empty(),
            Key::DivisionCode => sub.division.code.is_empty(),
            _ => sub.fiscal_year.is_none(),
        };
        let loc = sources.division(key);
        if empty && !found.flagged(&loc) {
            let f = layout::field(key);
            found.add(
                Finding::MissingField {
                    field: FieldName::new(f.label_th.clone(), f.name_en()),
                },
                loc,
            );
        }
    }
    if let Some(fy) = sub.fiscal_year
        && !fy.is_plausible()
    {
        found.add(
            Finding::FiscalYearImplausible { year: fy.be() },
            sources.division(Key::FiscalYear),
        );
    }
}

/// The certifying official: a name and a position at least. Missing, it is a warning, or an
/// error where the configuration requires certification.
fn check_certification(
    sub: &Submission,
    sources: &Sources,
    expect: &Expectation,
    found: &mut Findings,
) {
    let c = &sub.certification;
    if !c.name.trim().is_empty() && !c.position.trim().is_empty() {
        return;
    }
    let at = if c.name.trim().is_empty() {
        Key::CertifierName
    } else {
        Key::CertifierPosition
    };
    let finding = if expect.require_certification {
        Finding::CertificationRequired
    } else {
        Finding::CertificationMissing
    };
    found.add(finding, sources.division(at));
}

/// The configuration's fiscal year and the registry: a division may only submit its own data.
fn check_expectation(
    sub: &Submission,
    sources: &Sources,
    expect: &Expectation,
    found: &mut Findings,
) {
    if let (Some(expected), Some(fy)) = (expect.fiscal_year, sub.fiscal_year)
        && fy.be() != expected
        && fy.is_plausible()
    {
        found.add(
            Finding::WrongFiscalYear {
                found: fy.be(),
                expected,
            },
            sources.division(Key::FiscalYear),
        );
    }
    if sub.division.code.is_empty() {
        return;
    }
    let claimed = normalize_code(&sub.division.code);
    let at = sources.division(Key::DivisionCode);
    match &expect.division {
        ExpectedDivision::Any => {}
        ExpectedDivision::Exactly { folder, code } => {
            if normalize_code(code) != claimed {
                found.add(
                    Finding::DivisionMismatch {
                        folder: folder.clone(),
                        expected: code.clone(),
                        claimed: sub.division.code.clone(),
                    },
                    at,
                );
            }
        }
        ExpectedDivision::Registered(codes) => {
            if !codes.iter().any(|c| normalize_code(c) == claimed) {
                found.add(
                    Finding::DivisionNotRegistered {
                        code: sub.division.code.clone(),
                    },
                    at,
                );
            }
        }
    }
}

/// Checks one KPI's criteria and reports and computes its official scores.
fn score_kpi(
    i: usize,
    kpi: &Kpi,
    sources: &Sources,
    below: BelowLevel1,
    found: &mut Findings,
) -> [QuarterScore; 4] {
    let loc = |key: Key| sources.kpi(i, key);
    let mut scores = Quarter::ALL.map(|quarter| QuarterScore {
        quarter,
        result: kpi.report(quarter).result,
        score: None,
        weighted: None,
    });

    let weight = checked_weight(kpi, &loc, found);
    let criteria = checked_criteria(kpi, &loc, found);

    let mut previous: Option<(Quarter, f64)> = None;
    for q in Quarter::ALL {
        let report = kpi.report(q);
        let Some(result) = report.result else {
            continue;
        };
        let result_loc = loc(Key::Quarter(q, QuarterField::Result));
        if let Some((_, prev)) = previous
            && result < prev
            && counts_up(kpi)
        {
            found.add(
                Finding::CumulativeDecrease {
                    quarter: q,
                    prev,
                    value: result,
                },
                result_loc.clone(),
            );
        }
        previous = Some((q, result));

        let Some(criteria) = criteria else { continue };
        let score = match criteria.score(result, below) {
            Ok(s) => s,
            Err(ResultError::MilestoneOutOfRange(value)) => {
                found.add(
                    Finding::MilestoneOutOfRange { quarter: q, value },
                    result_loc,
                );
                continue;
            }
            Err(ResultError::NotFinite) => continue,
        };
        let slot = &mut scores[q.index()];
        slot.score = Some(score);
        slot.weighted = weight.map(|w| scoring::weighted(score, w));

        check_own_figures(q, report, slot, &loc, found);
    }
    scores
}

/// The KPI's weight if it is valid; an invalid one is a finding on its cell.
fn checked_weight(kpi: &Kpi, loc: &dyn Fn(Key) -> Location, found: &mut Findings) -> Option<f64> {
    let weight_loc = loc(Key::Weight);
    match scoring::check_weight(kpi.weight) {
        Ok(w) => Some(w),
        Err(_) => {
            // A missing or unreadable weight was reported by the reader already.
            if !found.flagged(&weight_loc) {
                found.add(Finding::WeightOutOfRange { weight: kpi.weight }, weight_loc);
            }
            None
        }
    }
}

/// The KPI's scoring criteria if its thresholds are valid; thresholds out of order are a
/// finding on the first one that breaks the order.
fn checked_criteria(
    kpi: &Kpi,
    loc: &dyn Fn(Key) -> Location,
    found: &mut Findings,
) -> Option<Criteria> {
    match Criteria::of_kpi(kpi) {
        Ok(c) => Some(c),
        Err(CriteriaError::NotMonotone {
            direction,
            level,
            value,
            prev,
        }) => {
            let at = loc(Key::Threshold(level as u8));
            let prev_at = loc(Key::Threshold(level as u8 - 1));
            if !found.flagged(&at) && !found.flagged(&prev_at) {
                found.add(
                    Finding::ThresholdsNotMonotone {
                        ascending: direction == Direction::HigherIsBetter,
                        level,
                        value,
                        prev,
                    },
                    at,
                );
            }
            None
        }
        Err(_) => None,
    }
}

/// The score and weighted score the division typed for a quarter, against the official ones.
fn check_own_figures(
    q: Quarter,
    report: &QuarterReport,
    official: &QuarterScore,
    loc: &dyn Fn(Key) -> Location,
    found: &mut Findings,
) {
    if let (Some(own), Some(official)) = (report.own_score, official.score)
        && differs(own, official)
    {
        found.add(
            Finding::OwnScoreDiffers {
                quarter: q,
                own,
                official,
            },
            loc(Key::Quarter(q, QuarterField::OwnScore)),
        );
    }
    if let (Some(own), Some(official)) = (report.own_weighted, official.weighted)
        && differs(own, official)
    {
        found.add(
            Finding::OwnWeightedDiffers {
                quarter: q,
                own,
                official,
            },
            loc(Key::Quarter(q, QuarterField::OwnWeighted)),
        );
    }
}

/// Dates, KPI codes and totals of the detail log.
fn check_log(sub: &mut Submission, sources: &Sources, found: &mut Findings) {
    let codes: HashMap<String, usize> = sub
        .kpis
        .iter()
        .enumerate()
        .map(|(i, k)| (normalize_code(&k.code), i))
        .collect();
    let mut totals: HashMap<usize, f64> = HashMap::new();
    let mut unknown_reported = Vec::new();
    for (i, entry) in sub.log.iter_mut().enumerate() {
        if entry.start.is_none() && !entry.date_text.is_empty() {
            // Built only for a finding: most of a log's dates are fine.
            let at = || sources.log(i, ColumnKey::LogDate);
            match thai::parse_thai_date(&entry.date_text) {
                Ok(d) => {
                    entry.start = Some(d.start);
                    entry.end = Some(d.end);
                    for w in d.warnings {
                        let DateWarning::MonthTypo { written, read_as } = w;
                        found.add(Finding::LogDateTypo { written, read_as }, at());
                    }
                }
                Err(_) => found.add(
                    Finding::LogDateUnreadable {
                        text: entry.date_text.clone(),
                    },
                    at(),
                ),
            }
        }
        // A Common Era year typed for a Buddhist Era one is said once, on the year's cell; the
        // log is judged against the year the division meant.
        let meant = sub.fiscal_year.map(|fy| fy.meant());
        if let (Some(fy), Some(start), Some(end)) = (meant, entry.start, entry.end)
            && fy.bounds().is_some()
            && (!fy.contains(start) || !fy.contains(end))
        {
            found.add(
                Finding::LogDateOutsideYear {
                    text: entry.date_text.clone(),
                    date: if start == end {
                        start.to_string()
                    } else {
                        format!("{start} – {end}")
                    },
                    fiscal_year: fy.be(),
                },
                sources.log(i, ColumnKey::LogDate),
            );
        }
        if entry.kpi_code.is_empty() {
            continue;
        }
        let code = normalize_code(&entry.kpi_code);
        match codes.get(&code) {
            Some(&k) => {
                if let Some(units) = entry.units {
                    *totals.entry(k).or_default() += units;
                }
            }
            None if !unknown_reported.contains(&code) => {
                unknown_reported.push(code);
                found.add(
                    Finding::LogUnknownKpi {
                        kpi_code: entry.kpi_code.clone(),
                    },
                    sources.log(i, ColumnKey::LogKpiCode),
                );
            }
            None => {}
        }
    }
    let mut totals: Vec<_> = totals.into_iter().collect();
    totals.sort_by_key(|(k, _)| *k);
    for (k, total) in totals {
        let kpi = &sub.kpis[k];
        // The log supports the latest cumulative figure the division reports.
        let latest = Quarter::ALL
            .into_iter()
            .rev()
            .find_map(|q| kpi.report(q).result.map(|r| (q, r)));
        if let Some((quarter, reported)) = latest
            && differs(total, reported)
        {
            found.add(
                Finding::LogTotalMismatch {
                    kpi_code: kpi.code.clone(),
                    log_total: scoring::round4(total),
                    reported,
                    quarter,
                },
                sources.kpi(k, Key::Quarter(quarter, QuarterField::Result)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_without_spacing() {
        assert_eq!(normalize_code("สตป. 02"), normalize_code("สตป.02"));
        for code in [
            "สตป. 02",
            " AbC\u{a0}ก ข\t๑ ",
            "ΣΑΣ ΟΔΟΣ",
            "İstanbul Ǆ ǅ",
            "ÀÉÎ õü ß",
            "",
        ] {
            let old = code.split_whitespace().collect::<String>().to_lowercase();
            assert_eq!(normalize_code(code), old, "{code:?}");
        }
        assert_ne!(normalize_code("สตป. 02"), normalize_code("สตป. 03"));
    }

    #[test]
    fn percentages_may_fall() {
        assert!(is_percentage("ร้อยละ"));
        assert!(is_percentage("%"));
        assert!(!is_percentage("หน่วยงาน"));
    }

    proptest::proptest! {
        #[test]
        fn codes_normalise_as_lowercasing_the_joined_words_does(code in "\\PC{0,24}") {
            let old = code.split_whitespace().collect::<String>().to_lowercase();
            proptest::prop_assert_eq!(normalize_code(&code), old);
        }
    }
}
