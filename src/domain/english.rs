//! Counts in English text (logs, pass summaries, the English half of receipts): "1 warning",
//! "2 warnings". Thai needs no such care: a count takes no plural.

/// `n` and `noun`, the noun in the plural unless `n` is 1: "1 receipt", "0 receipts". Every
/// noun kpiwatch counts takes a plain "s".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "warning"), "1 warning");
        assert_eq!(count(0, "warning"), "0 warnings");
        assert_eq!(count(2, "new version"), "2 new versions");
    }
}
