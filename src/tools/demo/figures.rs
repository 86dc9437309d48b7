//! The figures of a demo KPI: thresholds strictly monotone in its direction and four quarters'
//! cumulative results, written as people type them (Thai digits, "ร้อยละ", thousands commas).

use crate::domain::thai;
use crate::tools::demo::rng::SplitMix64;

/// How a KPI's figures behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A cumulative count, higher is better (units inspected); the detail log counts towards it.
    Count,
    PercentHigher,
    PercentLower,
    /// Average days, lower is better, creeping up through the year.
    Days,
    /// Cumulative incidents, lower is better.
    Incidents,
    /// Cumulative baht saved or earned, higher is better.
    Baht,
    Milestone,
}

/// Thresholds and the four quarters' cumulative results of one KPI, results as written.
pub(super) struct Figures {
    pub thresholds: [f64; 5],
    pub results: [(f64, String); 4],
}

/// The thresholds (strictly monotone in the shape's direction) and four cumulative results,
/// non-decreasing except for percentages, which may fall.
pub(super) fn figures(rng: &mut SplitMix64, shape: Shape) -> Figures {
    match shape {
        Shape::Count => count(rng),
        Shape::Baht => baht(rng),
        Shape::PercentHigher => percent_higher(rng),
        Shape::PercentLower => percent_lower(rng),
        Shape::Days => days(rng),
        Shape::Incidents => incidents(rng),
        Shape::Milestone => milestone(rng),
    }
}

fn count(rng: &mut SplitMix64) -> Figures {
    let top = rng.range(40, 150) * 10;
    let first = if rng.chance(0.3) { 0 } else { top / 5 };
    let thresholds = [
        first as f64,
        (top * 2 / 5) as f64,
        (top * 3 / 5) as f64,
        (top * 4 / 5) as f64,
        top as f64,
    ];
    let results = cumulative(rng, top as f64, 1.0).map(|x| (x, count_text(rng, x)));
    Figures {
        thresholds,
        results,
    }
}

fn baht(rng: &mut SplitMix64) -> Figures {
    let top = rng.range(10, 100) * 100_000;
    let thresholds = [6, 7, 8, 9, 10].map(|k| (top / 10 * k) as f64);
    let results = cumulative(rng, top as f64, 100.0).map(|x| {
        let text = if rng.chance(0.5) {
            grouped(x as u64)
        } else {
            plain(x)
        };
        (x, text)
    });
    Figures {
        thresholds,
        results,
    }
}

fn percent_higher(rng: &mut SplitMix64) -> Figures {
    let thresholds: [f64; 5] = *rng.pick(&[
        [80.0, 85.0, 90.0, 95.0, 100.0],
        [86.0, 88.0, 90.0, 92.0, 94.0],
        [60.0, 70.0, 80.0, 90.0, 100.0],
        [75.0, 80.0, 85.0, 90.0, 95.0],
    ]);
    let decimals = rng.chance(0.4);
    let results = std::array::from_fn(|_| {
        let x = percent(rng, thresholds[0] - 4.0, (thresholds[4] + 3.0).min(100.0));
        let x = if decimals { x } else { x.round() };
        (x, percent_text(rng, x))
    });
    Figures {
        thresholds,
        results,
    }
}

fn percent_lower(rng: &mut SplitMix64) -> Figures {
    let thresholds: [f64; 5] = *rng.pick(&[
        [10.0, 8.0, 6.0, 4.0, 2.0],
        [20.0, 15.0, 10.0, 5.0, 0.0],
        [5.0, 4.0, 3.0, 2.0, 1.0],
    ]);
    let results = std::array::from_fn(|_| {
        let x = percent(rng, (thresholds[4] - 1.0).max(0.0), thresholds[0] + 3.0);
        (x, percent_text(rng, x))
    });
    Figures {
        thresholds,
        results,
    }
}

fn days(rng: &mut SplitMix64) -> Figures {
    let thresholds: [f64; 5] = *rng.pick(&[
        [15.0, 12.0, 10.0, 8.0, 6.0],
        [30.0, 25.0, 20.0, 15.0, 10.0],
        [7.0, 6.0, 5.0, 4.0, 3.0],
    ]);
    let mut x = tenths(rng.uniform(thresholds[4] - 1.0, thresholds[1]));
    let thai_digits = rng.chance(0.3);
    let results = std::array::from_fn(|q| {
        if q > 0 {
            x = tenths(x + rng.uniform(0.0, 1.0));
        }
        let s = plain(x);
        (
            x,
            if thai_digits {
                thai::to_thai_digits(&s)
            } else {
                s
            },
        )
    });
    Figures {
        thresholds,
        results,
    }
}

fn incidents(rng: &mut SplitMix64) -> Figures {
    let thresholds: [f64; 5] = *rng.pick(&[
        [20.0, 16.0, 12.0, 8.0, 4.0],
        [10.0, 8.0, 6.0, 4.0, 2.0],
        [12.0, 9.0, 6.0, 3.0, 1.0],
    ]);
    let mut x = rng.range(0, 2) as f64;
    let results = std::array::from_fn(|q| {
        if q > 0 {
            x += rng.range(0, 3) as f64;
        }
        (x, count_text(rng, x))
    });
    Figures {
        thresholds,
        results,
    }
}

fn milestone(rng: &mut SplitMix64) -> Figures {
    let mut level = rng.range(1, 2);
    let levels: [i64; 4] = std::array::from_fn(|q| {
        if q > 0 && rng.chance(0.7) {
            level = (level + 1).min(5);
        }
        level
    });
    let results = std::array::from_fn(|q| {
        let l = levels[q];
        let before = if q == 0 { l - 1 } else { levels[q - 1] };
        if l == 5 && before == 4 && rng.chance(0.4) {
            let text = if rng.chance(0.3) { "๔ - ๕" } else { "4-5" };
            (5.0, text.to_owned())
        } else {
            (l as f64, l.to_string())
        }
    });
    Figures {
        thresholds: [1.0, 2.0, 3.0, 4.0, 5.0],
        results,
    }
}

/// Four cumulative results towards `top`, rounded to multiples of `step`, non-decreasing.
fn cumulative(rng: &mut SplitMix64, top: f64, step: f64) -> [f64; 4] {
    let bands = [(0.15, 0.3), (0.35, 0.55), (0.6, 0.8), (0.85, 1.1)];
    let mut prev = 0.0;
    bands.map(|(lo, hi)| {
        let x = ((top * rng.uniform(lo, hi)) / step).round() * step;
        prev = x.max(prev);
        prev
    })
}

/// A percentage in [lo, hi] with one decimal, at most 100.
fn percent(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    tenths(rng.uniform(lo, hi)).clamp(0.0, 100.0)
}

/// Rounded to one decimal, as a person would type it (so "87.3" parses back to the same f64).
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub(super) use crate::domain::thai::plain_number as plain;

/// "1,250,000".
pub(super) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn count_text(rng: &mut SplitMix64, x: f64) -> String {
    match rng.below(10) {
        0 | 1 => thai::to_thai_digits(&plain(x)),
        2 if x >= 1000.0 => grouped(x as u64),
        _ => plain(x),
    }
}

fn percent_text(rng: &mut SplitMix64, x: f64) -> String {
    match rng.below(20) {
        0..=2 => format!("ร้อยละ {}", plain(x)),
        3 | 4 => format!("{}%", plain(x)),
        5..=7 => thai::to_thai_digits(&plain(x)),
        _ => plain(x),
    }
}
