use super::*;
use std::collections::HashSet;

#[test]
fn names_keys_and_cells_are_unique() {
    let mut names = HashSet::new();
    let mut keys = HashSet::new();
    let mut cells = HashSet::new();
    for f in fields() {
        assert!(names.insert(f.name.clone()), "duplicate name {}", f.name);
        assert!(keys.insert(f.key), "duplicate key {:?}", f.key);
        assert!(
            cells.insert((f.sheet, f.row, f.col)),
            "two fields in {:?} {}",
            f.sheet,
            f.a1()
        );
        assert!(f.name.starts_with(NAME_PREFIX));
    }
}

#[test]
fn labels_are_unique_per_sheet_so_the_fallback_is_unambiguous() {
    let mut seen = HashSet::new();
    for f in fields() {
        if let Anchor::RightOf(label) = f.anchor {
            assert!(seen.insert((f.sheet, label)), "label {label} twice");
        }
    }
}

#[test]
fn every_key_resolves() {
    assert_eq!(field(Key::KpiCode).a1(), "B6");
    assert_eq!(field(Key::Threshold(1)).a1(), "B18");
    assert_eq!(
        field(Key::Quarter(Quarter::Q4, QuarterField::Result)).a1(),
        "E35"
    );
    assert_eq!(
        field(Key::Quarter(Quarter::Q1, QuarterField::Evidence)).a1(),
        "B39"
    );
}

#[test]
fn kpi_rows_do_not_overlap_the_tables() {
    for f in fields_of(SheetRole::Kpi) {
        let in_levels = (KPI_LEVEL_HEADER_ROW + 1..=KPI_LEVEL_HEADER_ROW + 5).contains(&f.row);
        let in_report = f.row > KPI_REPORT_HEADER_ROW;
        let is_level = matches!(f.key, Key::Threshold(_) | Key::LevelDescription(_));
        let is_quarter = matches!(f.key, Key::Quarter(..));
        assert_eq!(in_levels, is_level, "{:?}", f.key);
        assert_eq!(in_report, is_quarter, "{:?}", f.key);
    }
    assert!(KPI_COMPUTED_SCORE_ROW > field(Key::Quarter(Quarter::Q1, QuarterField::Evidence)).row);
}

#[test]
fn every_listed_choice_reads_back_as_its_value() {
    use crate::domain::model::{Direction, KpiKind};
    for (ty, count) in [(ValueType::Kind, 3), (ValueType::Direction, 2)] {
        let list = choice_list(ty);
        assert_eq!(list.len(), count);
        for (i, c) in list.iter().enumerate() {
            let texts = std::iter::once(c.th.to_owned())
                .chain(c.en.iter().map(|n| n.to_string()))
                .chain(c.en.iter().map(|n| n.to_uppercase()));
            for text in texts {
                match ty {
                    ValueType::Kind => assert_eq!(KpiKind::parse(&text), Some(KpiKind::ALL[i])),
                    _ => assert_eq!(Direction::parse(&text), Some(Direction::ALL[i])),
                }
            }
        }
    }
    assert!(choice_list(ValueType::Text).is_empty());
}
