use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::*;
use crate::check::validate::{CheckOptions, check_bytes};
use crate::config::Config;
use crate::domain::model::{Direction, FiscalYear, Kpi, KpiKind, ProcessPlan, Submission};
use crate::domain::scoring::Criteria;
use crate::domain::thai;
use crate::workbook::layout;
use crate::workbook::template::{self, TemplateOptions};

const SEED: u64 = 7;

/// Reference outputs of Vigna's splitmix64.c (seed 0) and of Java's SplittableRandom test
/// vectors (seed 1234567).
#[test]
fn splitmix64_matches_the_reference() {
    let mut r = SplitMix64::new(0);
    assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    let mut r = SplitMix64::new(1_234_567);
    assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
    assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
}

#[test]
fn draws_stay_in_their_ranges_and_cover_them() {
    let mut r = SplitMix64::new(42);
    let mut seen = [false; 6];
    for _ in 0..10_000 {
        let x = r.range(3, 8);
        assert!((3..=8).contains(&x));
        seen[(x - 3) as usize] = true;
        let f = r.next_f64();
        assert!((0.0..1.0).contains(&f));
        assert!(r.below(7) < 7);
    }
    assert!(seen.iter().all(|&s| s));
    let heads = (0..10_000).filter(|_| r.chance(0.25)).count();
    assert!((2_200..2_800).contains(&heads), "{heads}");
}

#[test]
fn division_streams_differ() {
    let a = SplitMix64::for_division(0, SEED).next_u64();
    let b = SplitMix64::for_division(1, SEED).next_u64();
    let c = SplitMix64::for_division(0, SEED + 1).next_u64();
    assert!(a != b && a != c && b != c);
}

#[test]
fn the_same_index_and_seed_give_the_same_submission() {
    for i in [0, 1, 42, 9_999] {
        assert_eq!(generate_submission(i, SEED), generate_submission(i, SEED));
        assert_ne!(
            generate_submission(i, SEED).0,
            generate_submission(i, SEED + 1).0
        );
    }
}

fn latest(k: &Kpi) -> Option<f64> {
    k.quarters.iter().rev().find_map(|q| q.result)
}

fn is_percentage(k: &Kpi) -> bool {
    k.unit == "ร้อยละ"
}

/// What the divisions of the invariants test covered, for the checks that the draws reach
/// every case.
#[derive(Default)]
struct Tally {
    kinds: HashSet<KpiKind>,
    directions: HashSet<Direction>,
    units: HashSet<String>,
    problems: HashSet<Problem>,
    codes: HashSet<String>,
    rejected: usize,
    warned: usize,
    partial_year: usize,
    formula_like: usize,
}

/// The invariants every generated division keeps, unless a problem planted says otherwise.
#[test]
fn generated_divisions_keep_their_invariants() {
    let mut tally = Tally::default();
    for i in 0..500 {
        let (sub, exp) = generate_submission(i, SEED);
        check_division(i, &sub, &exp, &mut tally);
        check_weights_and_criteria(i, &sub, exp.problem);
        check_results(i, &sub, &mut tally);
        check_log(i, &sub, exp.problem);
        check_plan(&sub.plan);
    }
    assert_eq!(tally.kinds.len(), 3, "every kind");
    assert_eq!(tally.directions.len(), 2, "both directions");
    for u in ["หน่วยงาน", "ร้อยละ", "วัน", "ครั้ง", "ระดับ", "บาท"]
    {
        assert!(tally.units.contains(u), "{u}");
    }
    assert!(tally.partial_year > 50);
    // 500 draws at 2 % and 5 %: 10 and 25 expected.
    let (rejected, warned, formula_like) = (tally.rejected, tally.warned, tally.formula_like);
    assert!((3..=20).contains(&rejected), "rejected {rejected}");
    assert!((12..=40).contains(&warned), "warned {warned}");
    assert!(
        (4..=30).contains(&formula_like),
        "formula-like {formula_like}"
    );
    assert!(tally.problems.len() >= 6, "{:?}", tally.problems);
}

/// The division, its file and its expected verdict agree.
fn check_division(i: usize, sub: &Submission, exp: &Expected, tally: &mut Tally) {
    let p = exp.problem;
    if let Some(p) = p {
        tally.problems.insert(p);
    }
    assert!(
        tally.codes.insert(sub.division.code.clone()),
        "division codes are unique"
    );
    assert_eq!(exp.division_code, sub.division.code);
    assert_eq!(exp.path, format!("div-{i:05}/kpi-2567.xlsx"));
    assert_eq!(sub.fiscal_year, Some(FiscalYear::new(FISCAL_YEAR)));
    let name = &sub.division.name;
    assert!(
        ["สำนัก", "กอง", "ศูนย์"].iter().any(|p| name.starts_with(p)),
        "{name}"
    );
    assert!((3..=8).contains(&sub.kpis.len()));
    match exp.status {
        Status::Rejected => tally.rejected += 1,
        Status::Accepted if p.is_some() => tally.warned += 1,
        Status::Accepted => {}
    }
    assert_eq!(
        exp.status == Status::Rejected,
        p.is_some_and(Problem::is_error)
    );
    assert_eq!(
        exp.division_scores.is_some(),
        exp.status == Status::Accepted
    );
    tally.formula_like += usize::from(exp.formula_like_name);
    assert_eq!(
        exp.formula_like_name,
        sub.kpis
            .iter()
            .any(|k| k.name.starts_with('=') || k.name.starts_with('+'))
    );
}

/// Weights, thresholds, names and codes, unless a problem is planted in them.
fn check_weights_and_criteria(i: usize, sub: &Submission, p: Option<Problem>) {
    // Weights: multiples of 5 in (0, 100] summing to 100.
    let total: f64 = sub.kpis.iter().map(|k| k.weight).sum();
    match p {
        Some(Problem::WeightsNot100) => {
            assert!(total != 100.0 && (90.0..=110.0).contains(&total))
        }
        Some(Problem::WeightOutOfRange) => {
            assert!(sub.kpis.iter().any(|k| k.weight == 120.0))
        }
        _ => assert_eq!(total, 100.0, "{i}"),
    }
    if p != Some(Problem::WeightOutOfRange) {
        assert!(sub.kpis.iter().all(|k| k.weight > 0.0 && k.weight <= 100.0));
    }

    // Thresholds strictly monotone in the KPI's direction.
    let bad = sub
        .kpis
        .iter()
        .filter(|k| Criteria::of_kpi(k).is_err())
        .count();
    let want = usize::from(p == Some(Problem::ThresholdsNotMonotone));
    assert_eq!(bad, want, "{i}");

    let names: HashSet<_> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names.len(), sub.kpis.len(), "{i}: names are unique");

    // Codes unique, names present, unless planted.
    let kpi_codes: HashSet<_> = sub.kpis.iter().map(|k| k.code.as_str()).collect();
    assert_eq!(
        kpi_codes.len() < sub.kpis.len(),
        p == Some(Problem::DuplicateKpiCode)
    );
    assert_eq!(
        sub.kpis.iter().any(|k| k.name.is_empty()),
        p == Some(Problem::MissingKpiName)
    );
}

/// Results: a prefix of the quarters, non-decreasing except for percentages.
fn check_results(i: usize, sub: &Submission, tally: &mut Tally) {
    let reported = sub.reporting_quarter.expect("reporting quarter").number() as usize;
    tally.partial_year += usize::from(reported < 4);
    for k in &sub.kpis {
        tally.kinds.insert(k.kind);
        tally.directions.insert(k.direction);
        tally.units.insert(k.unit.clone());
        let n = k.quarters.iter().filter(|q| q.result.is_some()).count();
        assert!(n == reported || n + 1 == reported, "{i} {}", k.code);
        assert!(n >= 1);
        for (q, r) in k.quarters.iter().enumerate() {
            assert_eq!(r.result.is_some(), q < n);
            assert_eq!(r.result_text.is_some(), q < n);
        }
        if !is_percentage(k) {
            let rs: Vec<f64> = k.quarters.iter().filter_map(|q| q.result).collect();
            assert!(rs.windows(2).all(|w| w[0] <= w[1]), "{i} {rs:?}");
        }
        if k.kind == KpiKind::Milestone {
            assert!(
                k.quarters
                    .iter()
                    .filter_map(|q| q.result)
                    .all(|r| (1.0..=5.0).contains(&r))
            );
        }
    }
}

/// The log: 50–200 rows for one count KPI, dated in the fiscal year, adding up.
fn check_log(i: usize, sub: &Submission, p: Option<Problem>) {
    let fy = FiscalYear::new(FISCAL_YEAR);
    assert!(
        (50..=200).contains(&sub.log.len()),
        "{i}: {}",
        sub.log.len()
    );
    let code = &sub.log[0].kpi_code;
    assert!(sub.log.iter().all(|e| &e.kpi_code == code));
    let kpi = sub.kpis.iter().find(|k| &k.code == code).expect("log KPI");
    assert!(kpi.unit == "หน่วยงาน" || kpi.unit == "ครั้ง");
    assert_eq!(kpi.direction, Direction::HigherIsBetter);
    let units_total: f64 = sub.log.iter().filter_map(|e| e.units).sum();
    assert_eq!(
        units_total == latest(kpi).unwrap(),
        p != Some(Problem::LogTotalMismatch),
        "{i}"
    );
    let mut typos = 0;
    for e in &sub.log {
        assert!(layout::LOG_MODES.contains(&e.mode.as_str()));
        assert!(e.units.is_none_or(|u| u >= 1.0 && u.fract() == 0.0));
        let d = thai::parse_thai_date(&e.date_text)
            .unwrap_or_else(|err| panic!("{i}: {:?}: {err}", e.date_text));
        assert!(
            fy.contains(d.start) && fy.contains(d.end),
            "{}",
            e.date_text
        );
        typos += d.warnings.len();
    }
    assert_eq!(typos > 0, p == Some(Problem::MonthTypo));
}

/// The plan: 2–8 activities, each active at least a month, and every text filled in.
fn check_plan(plan: &ProcessPlan) {
    assert!((2..=8).contains(&plan.activities.len()));
    assert!(
        plan.activities
            .iter()
            .all(|a| a.active_months().count() >= 1)
    );
    for text in [
        &plan.process,
        &plan.clients,
        &plan.stakeholders,
        &plan.tier_quality,
        &plan.tier_standard,
        &plan.tier_improve,
        &plan.digital,
        &plan.step_reduction,
    ] {
        assert!(!text.is_empty());
    }
}

/// Every planted problem gives exactly the codes and the status recorded, in a real
/// workbook read back by the checker, and clean divisions give none.
#[test]
fn planted_problems_are_what_the_checker_finds() {
    let opts = CheckOptions::default();
    let mut cases: Vec<Option<Problem>> = vec![None, None];
    cases.extend(Problem::WARNINGS.map(Some));
    cases.extend(Problem::ERRORS.map(Some));
    for (i, problem) in cases.into_iter().enumerate() {
        let (sub, exp) = generate_with(i, SEED, problem);
        let bytes = template::to_bytes(
            &sub,
            &TemplateOptions {
                kpi_sheets: sub.kpis.len(),
                fiscal_year: sub.fiscal_year,
            },
        )
        .unwrap();
        let v = check_bytes(&bytes, &opts);
        let found: BTreeSet<&str> = v.diagnostics.iter().map(|d| d.finding.code()).collect();
        let want: BTreeSet<&str> = exp.codes.iter().copied().collect();
        assert_eq!(found, want, "{problem:?}: {:#?}", v.diagnostics);
        assert_eq!(v.status, exp.status, "{problem:?}");
        if let Some(scores) = exp.division_scores {
            assert_eq!(v.division_scores.map(|d| d.score), scores, "{problem:?}");
        }
        let names: Vec<&str> = v.submission.kpis.iter().map(|k| k.name.as_str()).collect();
        let sent: Vec<&str> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, sent);
    }
}

#[test]
fn formula_like_names_stay_text_in_the_workbook() {
    let (index, (mut sub, _)) = (0..)
        .map(|i| (i, generate_submission(i, SEED)))
        .find(|(_, (_, e))| e.formula_like_name && e.status == Status::Accepted)
        .expect("some division has one");
    // And one of each prefix, whatever was drawn.
    sub.kpis[0].name = "=SUM(A1:A3) ตัวชี้วัดร่วม".to_owned();
    sub.kpis[1].name = "+ ร้อยละความพึงพอใจ".to_owned();
    let bytes = template::to_bytes(
        &sub,
        &TemplateOptions {
            kpi_sheets: sub.kpis.len(),
            fiscal_year: sub.fiscal_year,
        },
    )
    .unwrap();
    let v = check_bytes(&bytes, &CheckOptions::default());
    let names: Vec<&str> = v.submission.kpis.iter().map(|k| k.name.as_str()).collect();
    let sent: Vec<&str> = sub.kpis.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, sent, "division {index}");
}

#[test]
fn the_registry_registers_every_division() {
    let expected: Vec<Expected> = (0..25).map(|i| generate_submission(i, SEED).1).collect();
    let text = registry_toml(&expected, SEED);
    let config = Config::parse(&text, Path::new("kpiwatch.toml")).unwrap();
    assert_eq!(config.fiscal_year, Some(FISCAL_YEAR));
    assert_eq!(config.divisions.len(), 25);
    for e in &expected {
        let d = config.division_by_folder(&e.folder).expect("registered");
        assert_eq!(d.code, e.division_code);
        assert_eq!(d.name, e.division_name);
    }
}

#[test]
fn generate_writes_the_share_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let calls = std::cell::RefCell::new(Vec::new());
    let summary = generate(
        dir.path(),
        &DemoOptions {
            count: 6,
            seed: SEED,
        },
        |n| calls.borrow_mut().push(n),
    )
    .unwrap();
    assert_eq!(calls.into_inner(), (1..=6).collect::<Vec<_>>());
    assert_eq!(summary.files, 6);
    assert_eq!(summary.accepted + summary.rejected, 6);
    let mut bytes = 0;
    for i in 0..6 {
        bytes += std::fs::metadata(
            dir.path()
                .join("inbox")
                .join(folder_name(i))
                .join(FILE_NAME),
        )
        .unwrap()
        .len();
    }
    assert_eq!(summary.bytes, bytes);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary.expected_path).unwrap()).unwrap();
    assert_eq!(doc["files"].as_array().unwrap().len(), 6);
    assert_eq!(doc["files"][3]["path"], "div-00003/kpi-2567.xlsx");
    assert!(Config::load(&summary.config_path).is_ok());
}
