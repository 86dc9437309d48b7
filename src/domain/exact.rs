//! Exact arithmetic for the published figures: every score, weighted score and roll-up is
//! computed from the decimals as typed and rounded half away from zero to four decimals, so a
//! result exactly half-way at the fifth decimal always rounds up, whatever binary floating point
//! would have made of it.
//!
//! Hand-written rather than a decimal crate's: the figures need one division and one rounding
//! each, on numbers of at most 17 significant digits; scaled `i128` integers do that exactly and
//! in a few nanoseconds, where an arbitrary-precision type would allocate on every score.

/// Figures are published to four decimals: 10⁴ units of one.
const UNITS: i128 = 10_000;

/// A finite decimal, `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// The decimal a person typed to get `x`: the shortest decimal that reads back as `x`, the
    /// digits a spreadsheet shows when asked for all of them. A cell holding 14760.05 is stored
    /// as the nearest binary number, 14760.0499999999992724…; this gives back 14760.05. `None`
    /// for NaN, infinities and numbers whose digits do not fit (beyond about 10³⁶).
    pub fn from_f64(x: f64) -> Option<Self> {
        if !x.is_finite() {
            return None;
        }
        // Rust prints an f64 as its shortest round-trip decimal, never in exponent form.
        let text = x.abs().to_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(b.checked_sub(b'0')?))?;
        }
        let scale = u32::try_from(frac.len()).ok()?;
        Some(Self {
            mantissa: if x < 0.0 { -mantissa } else { mantissa },
            scale,
        })
    }

    /// The mantissa at a larger scale, if it fits.
    fn at_scale(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }
}

/// `n / d` in ten-thousandths: rounded half away from zero to nine decimals, then to four.
/// The first rounding is the one the workbooks' formulas need to drop binary noise
/// (`ROUND(ROUND(x,9),4)`); doing it here too keeps kpiwatch and a recalculating spreadsheet on
/// the same figure even for a quotient such as 1.00004999999996. `d` must not be 0.
fn units_of_ratio(n: i128, d: i128) -> Option<i128> {
    let nine = round_ratio(n.checked_mul(1_000_000_000)?, d)?;
    round_ratio(nine, 100_000)
}

/// `n / d` rounded half away from zero to a whole number.
fn round_ratio(n: i128, d: i128) -> Option<i128> {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    // floor((2·|n| + d) / 2d) rounds |n|/d half up; the sign follows.
    let magnitude = n
        .checked_abs()?
        .checked_mul(2)?
        .checked_add(d)?
        .div_euclid(d.checked_mul(2)?);
    Some(if n < 0 { -magnitude } else { magnitude })
}

/// Ten-thousandths as the f64 nearest to that decimal (the number a cell typed with it holds).
fn from_units(units: i128) -> f64 {
    // Scores, weighted scores and roll-ups are at most 5 (50,000 units): exact in an f64, and
    // one correctly rounded division gives the nearest f64 to the four-decimal value.
    let r = units as f64 / UNITS as f64;
    if r == 0.0 { 0.0 } else { r }
}

/// `x` rounded half away from zero to four decimals, from its decimal as typed.
pub fn round4(x: f64) -> Option<f64> {
    let d = Decimal::from_f64(x)?;
    units_of_ratio(d.mantissa, 10i128.checked_pow(d.scale)?).map(from_units)
}

/// `level + (r − lo) / (hi − lo)` rounded to four decimals: the interpolated score of `r`
/// between the thresholds `lo` (reached, worth `level`) and `hi` (the next level's). `None`
/// when a number is not finite or too large to be exact, or `hi == lo`.
pub fn interpolate4(level: u8, r: f64, lo: f64, hi: f64) -> Option<f64> {
    let [r, lo, hi] = [r, lo, hi].map(Decimal::from_f64);
    let (r, lo, hi) = (r?, lo?, hi?);
    let scale = r.scale.max(lo.scale).max(hi.scale);
    let (r, lo, hi) = (r.at_scale(scale)?, lo.at_scale(scale)?, hi.at_scale(scale)?);
    let d = hi.checked_sub(lo)?;
    if d == 0 {
        return None;
    }
    let frac = units_of_ratio(r.checked_sub(lo)?, d)?;
    Some(from_units(
        i128::from(level).checked_mul(UNITS)?.checked_add(frac)?,
    ))
}

/// `score × weight / 100` rounded to four decimals, from the decimals as typed.
pub fn weighted4(score: f64, weight: f64) -> Option<f64> {
    let (s, w) = (Decimal::from_f64(score)?, Decimal::from_f64(weight)?);
    let n = s.mantissa.checked_mul(w.mantissa)?;
    let d = 10i128
        .checked_pow(s.scale.checked_add(w.scale)?)?
        .checked_mul(100)?;
    units_of_ratio(n, d).map(from_units)
}

/// `Σ(wᵢ·sᵢ) / Σwᵢ` rounded to four decimals, from the decimals as typed. `None` when there is
/// nothing to average, the weights sum to 0, or a number is not exact.
pub fn weighted_mean4(items: &[(f64, f64)]) -> Option<f64> {
    let decimals = items
        .iter()
        .map(|&(w, s)| Some((Decimal::from_f64(w)?, Decimal::from_f64(s)?)))
        .collect::<Option<Vec<_>>>()?;
    let ws = decimals.iter().map(|(w, _)| w.scale).max()?;
    let ss = decimals.iter().map(|(_, s)| s.scale).max()?;
    let (mut num, mut den) = (0i128, 0i128);
    for (w, s) in decimals {
        let w = w.at_scale(ws)?;
        num = num.checked_add(w.checked_mul(s.at_scale(ss)?)?)?;
        den = den.checked_add(w)?;
    }
    if den == 0 {
        return None;
    }
    units_of_ratio(num, den.checked_mul(10i128.checked_pow(ss)?)?).map(from_units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_as_typed() {
        assert_eq!(
            Decimal::from_f64(14760.05),
            Some(Decimal {
                mantissa: 1_476_005,
                scale: 2
            })
        );
        assert_eq!(
            Decimal::from_f64(-0.5),
            Some(Decimal {
                mantissa: -5,
                scale: 1
            })
        );
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        assert_eq!(Decimal::from_f64(1e308), None);
    }

    #[test]
    fn half_way_values_round_up() {
        // 1 + 0.05/40 = 1.00125 exactly; binary arithmetic gives 1.0012499999….
        assert_eq!(interpolate4(1, 14760.05, 14760.0, 14800.0), Some(1.0013));
        assert_eq!(interpolate4(1, 100.07, 100.0, 101.6), Some(1.0438));
        assert_eq!(interpolate4(2, 88.0015, 88.0, 90.0), Some(2.0008));
        assert_eq!(round4(2.61335), Some(2.6134));
        assert_eq!(round4(-2.61335), Some(-2.6134));
    }

    #[test]
    fn the_golden_figures_hold() {
        let t = [0.0, 150.0, 300.0, 450.0, 826.0];
        assert_eq!(interpolate4(2, 184.0, t[1], t[2]), Some(2.2267));
        assert_eq!(interpolate4(4, 464.0, t[3], t[4]), Some(4.0372));
        assert_eq!(weighted4(2.2267, 30.0), Some(0.668));
        assert_eq!(weighted4(4.0372, 30.0), Some(1.2112));
        assert_eq!(weighted4(5.0, 30.0), Some(1.5));
        assert_eq!(weighted_mean4(&[(30.0, 2.0), (70.0, 3.0)]), Some(2.7));
        assert_eq!(weighted_mean4(&[]), None);
        assert_eq!(weighted_mean4(&[(0.0, 2.0)]), None);
    }

    #[test]
    fn nine_decimals_first_then_four() {
        // 1.00004999999996: a hair under half-way at the fifth decimal, which
        // ROUND(ROUND(x,9),4) takes up; kpiwatch rounds the same way.
        assert_eq!(round_ratio(7, 2), Some(4));
        assert_eq!(round_ratio(-7, 2), Some(-4));
        assert_eq!(
            units_of_ratio(100_004_999_999_996, 100_000_000_000_000),
            Some(10_001)
        );
        assert_eq!(
            units_of_ratio(49_999_999_996, 1_000_000_000_000_000),
            Some(1)
        );
        assert_eq!(units_of_ratio(499_994, 10_000_000_000), Some(0));
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(interpolate4(1, 1e30, 0.0, 1e-30), None);
    }
}
