//! Reporting rounds of the fiscal year (รอบ 3, 6, 9 and 12 เดือน), their due dates, and the
//! rule that says whether a report arrived on time, late within the grace period, or late.
//! Pure: the dates come from the configuration and the ledger, the rule decides.

use chrono::NaiveDate;

use super::thai::{DateError, parse_thai_date};

/// Rounds of a fiscal year, numbered as the quarters they close.
pub const ROUNDS: [u8; 4] = [1, 2, 3, 4];

/// "รอบ 3 เดือน" … "รอบ 12 เดือน" for round 1–4.
pub fn round_label_th(round: u8) -> String {
    format!("รอบ {} เดือน", u32::from(round.clamp(1, 4)) * 3)
}

/// Reads a due date as the configuration allows it: ISO in either era ("2021-01-15",
/// "2564-01-15") or a Thai date ("๑๕ ม.ค. ๒๕๖๔", "15 มกราคม 2564"). A range is refused: a due
/// date is one day.
pub fn parse_due_date(text: &str) -> Result<NaiveDate, DateError> {
    let d = parse_thai_date(text)?;
    if d.is_range() {
        return Err(DateError::Malformed {
            text: text.to_owned(),
            reason: "a due date is one day, not a range",
        });
    }
    Ok(d.start)
}

/// A round's due date and the days of grace after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due: NaiveDate,
    pub grace_days: u32,
}

/// How a report's arrival stands against its deadline. `days` counts calendar days after the
/// due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// On or before the due date.
    OnTime,
    /// After the due date but within the grace period: shown as late, never chased.
    WithinGrace { days: i64 },
    /// After the grace period.
    Late { days: i64 },
}

impl Deadline {
    /// Where a report received on `received` stands.
    pub fn judge(&self, received: NaiveDate) -> Timeliness {
        let days = (received - self.due).num_days();
        if days <= 0 {
            Timeliness::OnTime
        } else if days <= i64::from(self.grace_days) {
            Timeliness::WithinGrace { days }
        } else {
            Timeliness::Late { days }
        }
    }

    /// Whether the grace period is over on `today`: a division that sent nothing is then
    /// overdue, before it merely has not sent yet.
    pub fn is_over(&self, today: NaiveDate) -> bool {
        (today - self.due).num_days() > i64::from(self.grace_days)
    }

    /// Whether the due date itself has passed on `today` (the round is then "current").
    pub fn has_passed(&self, today: NaiveDate) -> bool {
        today > self.due
    }
}

/// Where a division stands in one round. Each has a Thai label that starts with a symbol, so
/// the status reads on a black-and-white print as well as in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStatus {
    /// Accepted on or before the due date.
    OnTime,
    /// Accepted after the due date, within the grace period: late, but not chased.
    WithinGrace { days: i64 },
    /// Accepted after the grace period.
    Late { days: i64 },
    /// Accepted; the round has no due date to judge it by.
    Received,
    /// Sent, but every version for the round so far was rejected.
    Rejected,
    /// Nothing sent and the grace period (or, without a due date, the quarter) is over.
    NotSent,
    /// Nothing sent yet; still before the due date and its grace.
    NotDue,
    /// Excused from the round (`excused`).
    Excused,
    /// Nothing sent for a round that is not required.
    NotRequired,
}

impl RoundStatus {
    /// Every status, in the order counts are shown.
    pub const KINDS: [RoundStatus; 9] = [
        RoundStatus::OnTime,
        RoundStatus::WithinGrace { days: 0 },
        RoundStatus::Late { days: 0 },
        RoundStatus::Received,
        RoundStatus::Rejected,
        RoundStatus::NotSent,
        RoundStatus::NotDue,
        RoundStatus::Excused,
        RoundStatus::NotRequired,
    ];

    /// The key scripts read (`kpiwatch status --json`).
    pub const fn key(self) -> &'static str {
        match self {
            RoundStatus::OnTime => "on_time",
            RoundStatus::WithinGrace { .. } => "late_within_grace",
            RoundStatus::Late { .. } => "late",
            RoundStatus::Received => "received",
            RoundStatus::Rejected => "rejected",
            RoundStatus::NotSent => "not_sent",
            RoundStatus::NotDue => "not_due",
            RoundStatus::Excused => "excused",
            RoundStatus::NotRequired => "not_required",
        }
    }

    pub const fn label_th(self) -> &'static str {
        match self {
            RoundStatus::OnTime => "✓ ส่งตรงเวลา",
            RoundStatus::WithinGrace { .. } => "△ ส่งช้า ภายในระยะผ่อนผัน",
            RoundStatus::Late { .. } => "▲ ส่งช้า",
            RoundStatus::Received => "✓ ได้รับแล้ว",
            RoundStatus::Rejected => "✗ ส่งแล้ว ต้องแก้ไข",
            RoundStatus::NotSent => "● ยังไม่ส่ง",
            RoundStatus::NotDue => "○ ยังไม่ถึงกำหนด",
            RoundStatus::Excused => "– ได้รับยกเว้น",
            RoundStatus::NotRequired => "– ไม่บังคับส่ง",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            RoundStatus::OnTime => "on time",
            RoundStatus::WithinGrace { .. } => "late within grace",
            RoundStatus::Late { .. } => "late",
            RoundStatus::Received => "received",
            RoundStatus::Rejected => "rejected, not yet fixed",
            RoundStatus::NotSent => "not sent",
            RoundStatus::NotDue => "not due yet",
            RoundStatus::Excused => "excused",
            RoundStatus::NotRequired => "not required",
        }
    }

    /// Days after the due date, for a report that came late.
    pub const fn days_late(self) -> Option<i64> {
        match self {
            RoundStatus::WithinGrace { days } | RoundStatus::Late { days } => Some(days),
            _ => None,
        }
    }

    /// Whether the planning office chases the division about this round.
    pub const fn is_chased(self) -> bool {
        matches!(
            self,
            RoundStatus::Late { .. } | RoundStatus::NotSent | RoundStatus::Rejected
        )
    }
}

impl From<Timeliness> for RoundStatus {
    fn from(t: Timeliness) -> Self {
        match t {
            Timeliness::OnTime => RoundStatus::OnTime,
            Timeliness::WithinGrace { days } => RoundStatus::WithinGrace { days },
            Timeliness::Late { days } => RoundStatus::Late { days },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_in_every_form_read_the_same() {
        let want = d(2021, 1, 15);
        for text in [
            "2021-01-15",
            "2564-01-15",
            "๑๕ ม.ค. ๒๕๖๔",
            "15 ม.ค. 2564",
            "15 มกราคม 2564",
            "๑๕ มกราคม ๖๔",
            "15 ม.ค. 2021",
            "15/1/2564",
        ] {
            assert_eq!(parse_due_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn bad_due_dates_are_errors() {
        for text in ["", "31 ก.พ. 2564", "15 มกรา", "1-15 ม.ค. 2564", "soon"] {
            assert!(parse_due_date(text).is_err(), "{text}");
        }
    }

    #[test]
    fn lateness_counts_days_after_the_due_date() {
        let dl = Deadline {
            due: d(2021, 1, 15),
            grace_days: 7,
        };
        assert_eq!(dl.judge(d(2021, 1, 10)), Timeliness::OnTime);
        assert_eq!(dl.judge(d(2021, 1, 15)), Timeliness::OnTime);
        assert_eq!(
            dl.judge(d(2021, 1, 16)),
            Timeliness::WithinGrace { days: 1 }
        );
        assert_eq!(
            dl.judge(d(2021, 1, 22)),
            Timeliness::WithinGrace { days: 7 }
        );
        assert_eq!(dl.judge(d(2021, 1, 23)), Timeliness::Late { days: 8 });
        assert!(!dl.is_over(d(2021, 1, 22)));
        assert!(dl.is_over(d(2021, 1, 23)));
        let strict = Deadline {
            due: d(2021, 1, 15),
            grace_days: 0,
        };
        assert_eq!(strict.judge(d(2021, 1, 16)), Timeliness::Late { days: 1 });
        assert!(strict.has_passed(d(2021, 1, 16)) && !strict.has_passed(d(2021, 1, 15)));
    }

    #[test]
    fn rounds_are_named_by_their_months() {
        assert_eq!(round_label_th(1), "รอบ 3 เดือน");
        assert_eq!(round_label_th(4), "รอบ 12 เดือน");
    }
}
