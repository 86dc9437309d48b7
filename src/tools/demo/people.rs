//! Names of demo divisions and people, and each division's process plan.

use crate::domain::model::{Activity, Contact, Kpi, ProcessPlan};
use crate::domain::thai;
use crate::tools::demo::figures::{grouped, plain};
use crate::tools::demo::rng::SplitMix64;
use crate::tools::demo::words::{
    ACTIVITIES, CLIENTS, DIGITAL, EXPECTED_RESULTS, FEMALE_NAMES, FUNCTIONS, MALE_NAMES, OWNERS,
    PROCESSES, PROVINCES, STAKEHOLDERS, STEP_REDUCTIONS, SURNAMES,
};

pub(super) fn division_name(rng: &mut SplitMix64) -> String {
    let prefix = rng.pick(&["สำนัก", "กอง", "ศูนย์"]);
    let function = rng.pick(FUNCTIONS);
    let area = if rng.chance(0.4) {
        format!("ภาค {}", rng.range(1, 9))
    } else {
        format!("จังหวัด{}", rng.pick(PROVINCES))
    };
    format!("{prefix}{function} {area}")
}

pub(super) fn person(rng: &mut SplitMix64) -> Contact {
    let (title, first) = if rng.chance(0.5) {
        ("นาย", rng.pick(MALE_NAMES))
    } else {
        (*rng.pick(&["นางสาว", "นาง"]), rng.pick(FEMALE_NAMES))
    };
    let phone = if rng.chance(0.7) {
        format!("0 2126 5800 ต่อ {}", rng.range(2000, 2999))
    } else {
        format!(
            "08{}-{:03}-{:04}",
            rng.range(1, 9),
            rng.below(1000),
            rng.below(10_000)
        )
    };
    Contact {
        name: format!("{title}{first} {}", rng.pick(SURNAMES)),
        phone,
    }
}

pub(super) fn make_plan(rng: &mut SplitMix64, division: &str, log_kpi: &Kpi) -> ProcessPlan {
    let t = &log_kpi.thresholds;
    let unit = &log_kpi.unit;
    let th = |x: f64| thai::to_thai_digits(&plain(x));
    let n = rng.range(2, 8) as usize;
    let mut names: Vec<&str> = ACTIVITIES.to_vec();
    let activities = (0..n)
        .map(|i| {
            let name = names.remove(rng.below(names.len() as u64) as usize);
            let start = rng.below(12) as usize;
            let len = rng.range(1, (12 - start) as i64) as usize;
            let mark = if rng.chance(0.5) { "✓" } else { "↔" };
            let mut months: [String; 12] = Default::default();
            for m in &mut months[start..start + len] {
                *m = mark.to_owned();
            }
            let budget = if rng.chance(0.4) {
                "-".to_owned()
            } else {
                let b = format!("{} บาท", grouped(rng.range(1, 50) as u64 * 10_000));
                if rng.chance(0.5) {
                    thai::to_thai_digits(&b)
                } else {
                    b
                }
            };
            Activity {
                name: format!("{}. {name}", thai::to_thai_digits(&(i + 1).to_string())),
                months,
                budget,
                owner: rng.pick(OWNERS).to_string(),
            }
        })
        .collect();
    ProcessPlan {
        process: format!("{}ของ{division}", rng.pick(PROCESSES)),
        clients: rng.pick(CLIENTS).to_string(),
        stakeholders: rng.pick(STAKEHOLDERS).to_string(),
        indicator: log_kpi.name.clone(),
        tier_quality: format!("ดำเนินการได้ครบ {} {unit}", th(t[4])),
        tier_standard: format!("ดำเนินการได้ตั้งแต่ {} - {} {unit}", th(t[3]), th(t[4])),
        tier_improve: format!("ดำเนินการได้น้อยกว่า {} {unit}", th(t[3])),
        digital: rng.pick(DIGITAL).to_string(),
        step_reduction: rng.pick(STEP_REDUCTIONS).to_string(),
        activities,
        expected_results: rng.pick(EXPECTED_RESULTS).to_string(),
    }
}
