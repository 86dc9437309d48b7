//! serde helpers so figures print as people write them: `184`, not `184.0`; `null` for a
//! quarter not reported.

use serde::Serializer;

/// Largest integer an f64 holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Serializes whole numbers as JSON integers and everything else as floats.
pub fn number<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < EXACT {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// [`number`] for optional figures; `None` becomes `null`.
pub fn opt_number<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => number(x, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct T {
        #[serde(serialize_with = "super::number")]
        a: f64,
        #[serde(serialize_with = "super::opt_number")]
        b: Option<f64>,
        #[serde(serialize_with = "super::opt_number")]
        c: Option<f64>,
    }

    #[test]
    fn whole_numbers_print_without_a_fraction() {
        let t = T {
            a: 184.0,
            b: Some(2.2267),
            c: None,
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"a":184,"b":2.2267,"c":null}"#
        );
    }
}
