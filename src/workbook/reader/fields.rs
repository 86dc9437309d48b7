//! The fields of the division, KPI and plan sheets, each read from the cell the layout names
//! (or its label finds) and checked for its type; problems become diagnostics at that cell.

use calamine::Data;
use foldhash::{HashMap, HashMapExt};

use super::book::Book;
use super::cells::{
    BadNumber, Raw, bounded, cell_number, data_ref, data_text, is_error_text, shown_number,
};
use super::percent::percent_points;
use super::{KpiSource, Sources, cell_location};
use crate::domain::bounded;
use crate::domain::diagnostic::{Diagnostic, FieldName, Finding, Location};
use crate::domain::model::{
    Certification, Contact, Direction, FiscalYear, Kpi, KpiKind, Quarter, Submission,
};
use crate::domain::scoring;
use crate::domain::thai::{self, NumberError};
use crate::workbook::layout::{self, Field, Key, QuarterField, SheetRole};

/// Reads the fields of one sheet, collecting their cells and problems.
struct FieldReader<'b, 'a> {
    book: &'b mut Book<'a>,
    sheet: String,
    /// Where `sheet` is in the book's sheets, found once for all its fields.
    index: Option<usize>,
    role: SheetRole,
    cells: HashMap<Key, (u32, u16)>,
    /// The fields whose number came from a percent cell (and was read as the person sees it).
    percent: Vec<Key>,
    diagnostics: Vec<Diagnostic>,
}

impl Drop for FieldReader<'_, '_> {
    fn drop(&mut self) {
        self.book.diagnostics.append(&mut self.diagnostics);
    }
}

/// A plain number that could be a percentage typed as a fraction: 0.88 for 88%.
fn looks_like_fraction(x: f64) -> bool {
    x != 0.0 && x.abs() <= 1.0
}

fn field_name(f: &Field) -> FieldName {
    FieldName::new(f.label_th.clone(), f.name_en())
}

impl<'b, 'a> FieldReader<'b, 'a> {
    fn new(book: &'b mut Book<'a>, sheet: &str, role: SheetRole) -> Self {
        Self {
            index: book.index(sheet),
            book,
            sheet: sheet.to_owned(),
            role,
            cells: HashMap::new(),
            percent: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The raw content of a field's cell, remembering where it was.
    fn get(&mut self, key: Key) -> (Raw, &'static Field) {
        let f = layout::field(key);
        debug_assert_eq!(f.sheet, self.role);
        let Some(index) = self.index else {
            return (Raw::Empty, f);
        };
        match self.book.locate(f, index) {
            Some((r, c)) => {
                // The place is kept as numbers; a location is spelled out only for a problem.
                self.cells.insert(key, (r, c));
                (self.book.raw(index, r, c), f)
            }
            None => (Raw::Empty, f),
        }
    }

    /// Where a field was read, or at least its sheet.
    fn location(&self, key: Key) -> Location {
        match self.cells.get(&key) {
            Some(&(row, col)) => cell_location(&self.sheet, row, col),
            None => Location::sheet(self.sheet.clone()),
        }
    }

    /// Where a field was read, as people write it: `'ตัวชี้วัด 1'!B18`.
    fn place(&self, key: Key) -> String {
        let loc = self.location(key);
        match loc.cell {
            Some(cell) => format!("'{}'!{cell}", self.sheet),
            None => format!("'{}'", self.sheet),
        }
    }

    fn problem(&mut self, key: Key, finding: Finding) {
        let loc = self.location(key);
        self.diagnostics.push(Diagnostic::new(finding, loc));
    }

    /// The value of a field as data, turning formulas without values and error values into
    /// diagnostics. `None` when blank.
    fn value(&mut self, key: Key) -> Option<Data> {
        let (raw, f) = self.get(key);
        match raw {
            Raw::Empty => None,
            Raw::Formula(formula) => {
                self.problem(
                    key,
                    Finding::FormulaWithoutValue {
                        field: field_name(f),
                        formula,
                    },
                );
                None
            }
            Raw::Value(Data::Error(e)) => {
                self.problem(
                    key,
                    Finding::ErrorValue {
                        field: field_name(f),
                        error: e.to_string(),
                    },
                );
                None
            }
            // .ods files report error values as text.
            Raw::Value(Data::String(s)) if is_error_text(&s) => {
                self.problem(
                    key,
                    Finding::ErrorValue {
                        field: field_name(f),
                        error: s.trim().to_owned(),
                    },
                );
                None
            }
            Raw::Value(v) => Some(v),
        }
    }

    /// The text of a field, within the field's bound.
    fn text(&mut self, key: Key) -> String {
        let text = self.raw_text(key);
        self.bounded(key, text)
    }

    /// A date field as text: a date cell as an official Thai date, anything else as typed.
    fn date_text(&mut self, key: Key) -> String {
        let date = match self.value(key) {
            Some(Data::DateTime(dt)) => dt.as_datetime().map(|t| t.date()),
            Some(Data::DateTimeIso(s)) => s.get(..10).and_then(|s| s.parse().ok()),
            _ => None,
        };
        match date {
            Some(d) => thai::format_thai_date(d, thai::ThaiDigits::No),
            None => self.text(key),
        }
    }

    fn raw_text(&mut self, key: Key) -> String {
        self.value(key).map(|d| data_text(&d)).unwrap_or_default()
    }

    /// `text` as kept from the field's cell: a text over the field's bound is cut with a
    /// visible mark, and the cell gets a warning saying so.
    fn bounded(&mut self, key: Key, text: String) -> String {
        let f = layout::field(key);
        let limit = f.bound.chars();
        match bounded::cut(&text, limit) {
            Some(cut) => {
                self.problem(
                    key,
                    Finding::TextTooLong {
                        field: field_name(f),
                        length: text.chars().count(),
                        limit,
                    },
                );
                cut
            }
            None => text,
        }
    }

    fn number(&mut self, key: Key) -> Option<f64> {
        let v = self.value(key)?;
        self.note_percent_text(key, &v);
        match cell_number(&data_ref(&v)) {
            Ok(x) => self.as_seen(key, &v, x),
            Err(bad) => {
                self.bad_number(key, bad);
                None
            }
        }
    }

    /// Text typed with its percent sign ("90%", "ร้อยละ 90") says its scale as a percent cell
    /// does: a plain fraction beside it is as ambiguous (see [`Self::percent_mix`]).
    fn note_percent_text(&mut self, key: Key, v: &Data) {
        if let Data::String(s) = v
            && (s.contains('%') || s.contains("ร้อยละ"))
        {
            self.percent.push(key);
        }
    }

    fn bad_number(&mut self, key: Key, bad: BadNumber) {
        let field = field_name(layout::field(key));
        self.problem(key, bad.finding(field));
    }

    /// A number as the person sees it: a number stored in a percent cell (0.92 shown as 92%)
    /// is the percentage shown (92). Text and cells of other formats are as typed.
    fn as_seen(&mut self, key: Key, v: &Data, x: f64) -> Option<f64> {
        if !matches!(v, Data::Float(_) | Data::Int(_)) {
            return Some(x);
        }
        let (Some(index), Some(&(row, col))) = (self.index, self.cells.get(&key)) else {
            return Some(x);
        };
        if !self.book.is_percent(index, row, col) {
            return Some(x);
        }
        self.percent.push(key);
        let points = percent_points(x);
        match bounded(points, || format!("{}%", shown_number(points))) {
            Ok(points) => Some(points),
            Err(bad) => {
                self.bad_number(key, bad);
                None
            }
        }
    }

    /// A threshold: a number, or text in one of the forms [`thai::parse_threshold`] reads.
    fn threshold(&mut self, key: Key, higher_is_better: bool) -> Option<f64> {
        let v = self.value(key)?;
        self.note_percent_text(key, &v);
        let text = match v {
            Data::String(s) => s,
            other => {
                // Numbers (a percent cell read as the percentage shown), and anything else
                // `number` knows how to refuse.
                return match cell_number(&data_ref(&other)) {
                    Ok(x) => self.as_seen(key, &other, x),
                    Err(bad) => {
                        self.bad_number(key, bad);
                        None
                    }
                };
            }
        };
        match thai::parse_threshold(&text, higher_is_better) {
            Ok(x) => Some(x),
            Err(thai::ThresholdError::AgainstDirection { text, .. }) => {
                let Key::Threshold(level) = key else {
                    return None;
                };
                self.problem(
                    key,
                    Finding::ThresholdAgainstDirection {
                        level,
                        text,
                        higher_is_better,
                    },
                );
                None
            }
            Err(thai::ThresholdError::Number(NumberError::OutOfRange { .. })) => {
                self.bad_number(key, BadNumber::OutOfRange(text.trim().to_owned()));
                None
            }
            Err(thai::ThresholdError::Number(_)) => {
                self.bad_number(key, BadNumber::NotANumber(text.trim().to_owned()));
                None
            }
        }
    }

    fn year(&mut self, key: Key) -> Option<i32> {
        let v = self.value(key)?;
        let text = data_text(&v);
        let cleaned = text.trim().trim_start_matches("พ.ศ.").trim();
        match thai::parse_number(cleaned) {
            Ok(y) if y.fract() == 0.0 && y.abs() < 1e6 => Some(y as i32),
            _ => {
                let f = layout::field(key);
                self.problem(
                    key,
                    Finding::NotAYear {
                        field: field_name(f),
                        text,
                    },
                );
                None
            }
        }
    }

    fn quarter(&mut self, key: Key) -> Option<Quarter> {
        let v = self.value(key)?;
        let text = data_text(&v);
        let q = thai::parse_number(&text)
            .ok()
            .filter(|x| x.fract() == 0.0 && (1.0..=4.0).contains(x))
            .and_then(|x| Quarter::from_number(x as u8));
        if q.is_none() {
            self.problem(
                key,
                Finding::InvalidChoice {
                    field: field_name(layout::field(key)),
                    text,
                    allowed: (1..=4).map(|n| n.to_string()).collect(),
                },
            );
        }
        q
    }

    fn choice<T>(&mut self, key: Key, parse: fn(&str) -> Option<T>) -> Option<T> {
        // Not kept, only matched: a long text is an invalid choice, not a long one.
        let text = self.raw_text(key);
        if text.is_empty() {
            return None;
        }
        let parsed = parse(&text);
        if parsed.is_none() {
            let f = layout::field(key);
            self.problem(
                key,
                Finding::InvalidChoice {
                    field: field_name(f),
                    text,
                    allowed: layout::accepted_values(f.ty),
                },
            );
        }
        parsed
    }

    fn missing(&mut self, key: Key) {
        self.problem(
            key,
            Finding::MissingField {
                field: field_name(layout::field(key)),
            },
        );
    }

    /// Reads a KPI sheet; `None` when the sheet is a blank spare.
    fn kpi(&mut self) -> Option<Kpi> {
        let mut k = Kpi {
            name: self.text(Key::KpiName),
            code: self.text(Key::KpiCode),
            action_plan: self.text(Key::ActionPlan),
            strategic_issue: self.text(Key::StrategicIssue),
            dimension: self.text(Key::Dimension),
            goal: self.text(Key::Goal),
            description: self.text(Key::Description),
            conditions: self.text(Key::Conditions),
            unit: self.text(Key::Unit),
            target: self.text(Key::Target),
            data_source: self.text(Key::DataSource),
            owner: Contact {
                name: self.text(Key::Owner),
                phone: self.text(Key::OwnerPhone),
            },
            supporter: Contact {
                name: self.text(Key::Supporter),
                phone: self.text(Key::SupporterPhone),
            },
            ..Kpi::default()
        };
        let weight = self.number(Key::Weight);
        let kind = self.choice(Key::Kind, KpiKind::parse);
        let direction = self.choice(Key::Direction, Direction::parse);
        let higher = direction.unwrap_or_default() == Direction::HigherIsBetter;
        let thresholds: [Option<f64>; 5] =
            std::array::from_fn(|i| self.threshold(Key::Threshold(i as u8 + 1), higher));
        k.level_descriptions =
            std::array::from_fn(|i| self.text(Key::LevelDescription(i as u8 + 1)));
        k.baselines = std::array::from_fn(|i| self.text(Key::Baseline(i as u8 + 1)));
        k.kind = kind.unwrap_or_default();
        k.direction = direction.unwrap_or_default();
        self.quarters(&mut k);

        let blank = k.code.is_empty()
            && k.name.is_empty()
            && weight.is_none()
            && k.quarters.iter().all(|q| q.result_text.is_none());
        if blank {
            return None;
        }
        for (key, empty) in [
            (Key::KpiName, k.name.is_empty()),
            (Key::KpiCode, k.code.is_empty()),
        ] {
            if empty && !self.has_problem(key) {
                self.missing(key);
            }
        }
        match weight {
            Some(w) => k.weight = w,
            None if !self.has_problem(Key::Weight) => self.missing(Key::Weight),
            None => {}
        }
        for (key, given) in [
            (Key::Kind, kind.is_some()),
            (Key::Direction, direction.is_some()),
        ] {
            if !given && !self.has_problem(key) {
                self.missing(key);
            }
        }
        self.thresholds(&mut k, thresholds);
        if k.kind != KpiKind::Milestone {
            let compared = (1..=5)
                .map(|i| (Key::Threshold(i), thresholds[usize::from(i) - 1]))
                .chain(Quarter::ALL.into_iter().map(|q| {
                    let key = Key::Quarter(q, QuarterField::Result);
                    (key, k.quarters[q.index()].result)
                }))
                .filter_map(|(key, v)| Some((key, v?)))
                .collect::<Vec<_>>();
            self.percent_mix(&compared);
        }
        Some(k)
    }

    /// Numbers compared with each other (a KPI's thresholds and results) must be on one scale.
    /// When some come from percent cells, a plain number between -1 and 1 may be a fraction
    /// typed for a percentage (0.88 for 88%): that is a finding, never a guess.
    fn percent_mix(&mut self, compared: &[(Key, f64)]) {
        let Some(&(other, other_value)) = compared.iter().find(|(k, _)| self.percent.contains(k))
        else {
            return;
        };
        let other = self.place(other);
        for &(key, value) in compared {
            if !self.percent.contains(&key) && looks_like_fraction(value) {
                let field = field_name(layout::field(key));
                self.problem(
                    key,
                    Finding::PercentMix {
                        field,
                        value,
                        other: other.clone(),
                        other_value,
                    },
                );
            }
        }
    }

    /// The quarterly report of a KPI sheet. A result is a number, or for a milestone KPI a
    /// level or range of levels typed as text.
    fn quarters(&mut self, k: &mut Kpi) {
        for q in Quarter::ALL {
            let report = &mut k.quarters[q.index()];
            report.details = self.text(Key::Quarter(q, QuarterField::Details));
            report.evidence = self.text(Key::Quarter(q, QuarterField::Evidence));
            report.own_score = self.number(Key::Quarter(q, QuarterField::OwnScore));
            report.own_weighted = self.number(Key::Quarter(q, QuarterField::OwnWeighted));
            let key = Key::Quarter(q, QuarterField::Result);
            if let Some(v) = self.value(key) {
                let text = data_text(&v);
                let parsed = match v {
                    Data::Float(x) => bounded(x, || shown_number(x)),
                    Data::Int(i) => Ok(i as f64),
                    _ => match scoring::parse_result(&text, k.kind) {
                        Ok(x) => bounded(x, || text.clone()),
                        Err(NumberError::OutOfRange { .. }) => {
                            Err(BadNumber::OutOfRange(text.clone()))
                        }
                        Err(_) => Err(BadNumber::NotANumber(text.clone())),
                    },
                };
                match parsed {
                    Ok(x) => k.quarters[q.index()].result = self.as_seen(key, &v, x),
                    Err(bad) => self.bad_number(key, bad),
                }
                k.quarters[q.index()].result_text = Some(self.bounded(key, text));
            }
        }
    }

    /// The five thresholds, each required unless the KPI is a milestone KPI.
    fn thresholds(&mut self, k: &mut Kpi, thresholds: [Option<f64>; 5]) {
        if k.kind == KpiKind::Milestone {
            // Milestone KPIs score the level itself; their thresholds are the levels.
            k.thresholds = std::array::from_fn(|i| thresholds[i].unwrap_or(i as f64 + 1.0));
            return;
        }
        for (i, t) in thresholds.iter().enumerate() {
            let key = Key::Threshold(i as u8 + 1);
            match t {
                Some(x) => k.thresholds[i] = *x,
                None if !self.has_problem(key) => self.missing(key),
                None => {}
            }
        }
    }

    fn has_problem(&self, key: Key) -> bool {
        if !self.cells.contains_key(&key) {
            return false;
        }
        let loc = self.location(key);
        self.diagnostics.iter().any(|d| d.location == loc)
    }
}

impl Book<'_> {
    /// The division sheet's fields; a missing sheet, or a template of another version, is a
    /// finding.
    pub(super) fn read_division(&mut self, sub: &mut Submission, sources: &mut Sources) {
        let Some(sheet) = self.find_division_sheet() else {
            self.diagnostics.push(Diagnostic::new(
                Finding::NoDivisionSheet {
                    sheet: layout::DIVISION_SHEET,
                },
                Location::file(),
            ));
            return;
        };
        let mut r = FieldReader::new(self, &sheet, SheetRole::Division);
        sub.division.name = r.text(Key::DivisionName);
        sub.division.code = r.text(Key::DivisionCode);
        sub.fiscal_year = r.year(Key::FiscalYear).map(FiscalYear::new);
        sub.reporting_quarter = r.quarter(Key::ReportingQuarter);
        sub.contact = Contact {
            name: r.text(Key::ContactName),
            phone: r.text(Key::ContactPhone),
        };
        sub.contact_email = r.text(Key::ContactEmail);
        sub.certification = Certification {
            name: r.text(Key::CertifierName),
            position: r.text(Key::CertifierPosition),
            date: r.date_text(Key::CertificationDate),
        };
        let version = r.text(Key::TemplateVersion);
        sources.division = std::mem::take(&mut r.cells);
        drop(r);
        sources.division_sheet = Some(sheet);
        if version != layout::TEMPLATE_VERSION {
            let loc = sources.division(Key::TemplateVersion);
            self.diagnostics.push(Diagnostic::new(
                Finding::TemplateVersion {
                    expected: layout::TEMPLATE_VERSION,
                    found: (!version.is_empty()).then_some(version),
                },
                loc,
            ));
        }
    }

    /// Every KPI sheet that is not a blank spare.
    pub(super) fn read_kpis(&mut self, sub: &mut Submission, sources: &mut Sources) {
        // Each KPI's weight, whether it was a percent cell, and where: weights are compared
        // with each other (they sum to 100), so they too must be on one scale.
        let mut weights = Vec::new();
        for sheet in self.find_kpi_sheets() {
            let mut r = FieldReader::new(self, &sheet, SheetRole::Kpi);
            if let Some(kpi) = r.kpi() {
                weights.push((
                    kpi.weight,
                    r.percent.contains(&Key::Weight),
                    r.location(Key::Weight),
                    r.place(Key::Weight),
                ));
                sub.kpis.push(kpi);
                sources.kpis.push(KpiSource {
                    sheet: sheet.clone(),
                    cells: std::mem::take(&mut r.cells),
                });
            } else {
                // A blank KPI sheet: the template ships spares. Its diagnostics (none can be
                // errors about a blank sheet's required fields) are dropped with it.
                r.diagnostics.clear();
            }
        }
        self.weights_mix(&weights);
        if sub.kpis.is_empty() && sources.division_sheet.is_some() {
            self.diagnostics
                .push(Diagnostic::new(Finding::NoKpis, Location::file()));
        }
    }

    /// A plain weight between 0 and 1 beside weights typed as percent cells may be a fraction
    /// (0.3 for 30%): a finding at that weight, as for a KPI's own numbers.
    fn weights_mix(&mut self, weights: &[(f64, bool, Location, String)]) {
        let Some((other_value, _, _, other)) = weights.iter().find(|w| w.1) else {
            return;
        };
        for (value, percent, location, _) in weights {
            if !percent && looks_like_fraction(*value) {
                self.diagnostics.push(Diagnostic::new(
                    Finding::PercentMix {
                        field: field_name(layout::field(Key::Weight)),
                        value: *value,
                        other: other.clone(),
                        other_value: *other_value,
                    },
                    location.clone(),
                ));
            }
        }
    }

    /// The process plan's fields (its activities are a table).
    pub(super) fn read_plan(&mut self, sheet: &str, sub: &mut Submission, sources: &mut Sources) {
        let mut r = FieldReader::new(self, sheet, SheetRole::Plan);
        sub.plan.process = r.text(Key::PlanProcess);
        sub.plan.clients = r.text(Key::PlanClients);
        sub.plan.stakeholders = r.text(Key::PlanStakeholders);
        sub.plan.indicator = r.text(Key::PlanIndicator);
        sub.plan.tier_quality = r.text(Key::PlanTierQuality);
        sub.plan.tier_standard = r.text(Key::PlanTierStandard);
        sub.plan.tier_improve = r.text(Key::PlanTierImprove);
        sub.plan.digital = r.text(Key::PlanDigital);
        sub.plan.step_reduction = r.text(Key::PlanStepReduction);
        sub.plan.expected_results = r.text(Key::PlanExpectedResults);
        sources.plan = std::mem::take(&mut r.cells);
        sources.plan_sheet = Some(sheet.to_owned());
    }
}
