//! The two tables of the template whose rows a division adds: the process plan's activities
//! (one column per fiscal month) and the detail log.

use std::sync::LazyLock;

use super::{SheetRole, TextBound, ValueType};
use crate::domain::thai;

// Drop-down suggestions of the log's mode column; the seed samples use them too.
pub use crate::domain::model::LOG_MODES;

/// A column of a table whose rows the division adds (process-plan activities, detail log).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: ColumnKey,
    pub label_th: &'static str,
    pub meaning_en: &'static str,
    pub ty: ValueType,
    pub width: f64,
    /// The longest text kept from one of its cells.
    pub bound: TextBound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKey {
    Activity,
    /// 0 = ต.ค. … 11 = ก.ย.
    Month(u8),
    Budget,
    ActivityOwner,
    LogKpiCode,
    LogDate,
    LogArea,
    LogUnits,
    LogMode,
    LogCost,
    LogNote,
}

/// A table of repeated rows under a header row, as many as a division fills: the template
/// makes the table's whole columns input cells rather than preparing a number of rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: SheetRole,
    /// Defined name of the header row; the reader finds the header by it, or by `columns[0]`'s
    /// label when the name is gone.
    pub header_name: &'static str,
    pub header_row: u32,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn first_row(&self) -> u32 {
        self.header_row + 1
    }
}

pub static PLAN_TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut columns = vec![Column {
        key: ColumnKey::Activity,
        label_th: "กิจกรรม",
        meaning_en: "activity",
        ty: ValueType::Text,
        // About 120 units in all: A4 landscape at 74 %, 14 pt prints at 10 pt.
        width: 30.0,
        bound: TextBound::Name,
    }];
    columns.extend((0..12u8).map(|m| Column {
        key: ColumnKey::Month(m),
        label_th: thai::FISCAL_MONTH_ABBR[usize::from(m)],
        meaning_en: "mark the months the activity runs (any mark, e.g. ✓ or ↔)",
        ty: ValueType::Text,
        width: 4.3,
        bound: TextBound::Code,
    }));
    columns.extend([
        Column {
            key: ColumnKey::Budget,
            label_th: "งบประมาณ",
            meaning_en: "budget",
            ty: ValueType::Text,
            width: 10.0,
            bound: TextBound::Short,
        },
        Column {
            key: ColumnKey::ActivityOwner,
            label_th: "ผู้รับผิดชอบ",
            meaning_en: "who is responsible",
            ty: ValueType::Text,
            width: 18.0,
            bound: TextBound::Short,
        },
    ]);
    Table {
        sheet: SheetRole::Plan,
        header_name: "kw_plan_activities",
        header_row: 14,
        columns,
    }
});

pub static LOG_TABLE: LazyLock<Table> = LazyLock::new(|| Table {
    sheet: SheetRole::Log,
    header_name: "kw_log",
    header_row: 3,
    columns: vec![
        Column {
            key: ColumnKey::LogKpiCode,
            label_th: "รหัสตัวชี้วัด",
            meaning_en: "the KPI this record counts towards",
            ty: ValueType::Text,
            width: 12.0,
            bound: TextBound::Code,
        },
        Column {
            key: ColumnKey::LogDate,
            label_th: "วันที่",
            meaning_en: "date or range, e.g. ๒๒ - ๒๓ มี.ค. ๖๔",
            ty: ValueType::Date,
            width: 16.0,
            bound: TextBound::Short,
        },
        Column {
            key: ColumnKey::LogArea,
            label_th: "พื้นที่",
            meaning_en: "area (province, office)",
            ty: ValueType::Text,
            width: 22.0,
            bound: TextBound::Short,
        },
        Column {
            key: ColumnKey::LogUnits,
            label_th: "จำนวน (หน่วย)",
            meaning_en: "units counted by this record",
            ty: ValueType::Number,
            width: 10.0,
            bound: TextBound::Code,
        },
        Column {
            key: ColumnKey::LogMode,
            label_th: "รูปแบบ",
            meaning_en: "mode: on site, video conference, on paper",
            ty: ValueType::Text,
            width: 18.0,
            bound: TextBound::Short,
        },
        Column {
            key: ColumnKey::LogCost,
            label_th: "ค่าใช้จ่าย (บาท)",
            meaning_en: "cost in baht",
            ty: ValueType::Number,
            width: 12.0,
            bound: TextBound::Code,
        },
        Column {
            key: ColumnKey::LogNote,
            label_th: "หมายเหตุ",
            meaning_en: "note",
            ty: ValueType::Text,
            width: 26.0,
            bound: TextBound::Long,
        },
    ],
});

/// What each of [`LOG_MODES`] means, for readers of the contract who read no Thai.
pub const LOG_MODE_MEANINGS_EN: [&str; 4] = [
    "on site",
    "video conference",
    "on paper (document review)",
    "integrated conference",
];
