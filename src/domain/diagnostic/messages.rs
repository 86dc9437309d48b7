//! The sentences of every finding, in Thai for the division and in English for everyone else:
//! one `match` per language, so a new finding cannot be added without both.

use super::Finding;
use crate::domain::bounded::CUT_MARK;
use crate::domain::model::FiscalYear;

/// A figure in a message: whole numbers without decimals, others to four decimals without
/// trailing zeros, the way the scores themselves are shown.
pub(super) fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        // Four decimals like the scores themselves, without trailing zeros.
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

impl Finding {
    pub fn message_th(&self) -> String {
        match self {
            Finding::NotAWorkbook { .. } => {
                "ไฟล์นี้ไม่ใช่สมุดงาน Excel/LibreOffice ที่อ่านได้ กรุณาบันทึกจากแบบฟอร์มมาตรฐานเป็น .xlsx แล้วส่งใหม่".into()
            }
            Finding::CertificationMissing => {
                "ยังไม่ได้ระบุผู้รับรองข้อมูล (ชื่อ ตำแหน่ง วันที่รับรอง) ในแผ่นงานข้อมูลหน่วยงาน กรุณาให้ผู้บริหารรับรองข้อมูลแล้วกรอกให้ครบ".into()
            }
            Finding::CertificationRequired => {
                "ต้องระบุผู้รับรองข้อมูล (ชื่อ ตำแหน่ง วันที่รับรอง) ในแผ่นงานข้อมูลหน่วยงานก่อนส่ง กรุณากรอกให้ครบแล้วส่งใหม่".into()
            }
            Finding::Encrypted => {
                "ไฟล์นี้ตั้งรหัสผ่านไว้ ระบบอ่านไม่ได้ กรุณาเอารหัสผ่านออกแล้วส่งใหม่".into()
            }
            Finding::TooLarge { part, size, limit } => format!(
                "ส่วน {part} ของไฟล์มีขนาดเมื่อขยาย {size} ไบต์ เกินขีดจำกัด {limit} ไบต์ กรุณาตรวจสอบไฟล์"
            ),
            Finding::UnreadableSheet { .. } => "อ่านแผ่นงานนี้ไม่ได้ ไฟล์อาจเสียหาย".into(),
            Finding::TooManyCells { sheet, limit } => format!(
                "แผ่นงาน \"{sheet}\" มีข้อมูลเกิน {limit} ช่อง ซึ่งเกินขีดจำกัด กรุณาลบแถวหรือคอลัมน์ที่ไม่ใช้"
            ),
            Finding::NoDivisionSheet { sheet } => {
                format!("ไม่พบแผ่นงาน \"{sheet}\" (ข้อมูลหน่วยงาน) กรุณาใช้แบบฟอร์มมาตรฐาน")
            }
            Finding::NoKpis => "ไม่พบตัวชี้วัดที่กรอกข้อมูลในไฟล์นี้".into(),
            Finding::TemplateVersion { expected, found } => format!(
                "ไฟล์นี้ไม่ได้สร้างจากแบบฟอร์มรุ่นปัจจุบัน ({expected}) รุ่นในไฟล์: {}",
                found.as_deref().unwrap_or("ไม่ระบุ")
            ),
            Finding::MissingField { field } => format!("ยังไม่ได้กรอก \"{}\"", field.th),
            Finding::NotANumber { field, text } => {
                format!("\"{}\" ต้องเป็นตัวเลข แต่พบ \"{text}\"", field.th)
            }
            Finding::NumberOutOfRange { field, text } => format!(
                "\"{}\" เป็นตัวเลขที่ใหญ่เกินกว่าจะใช้ได้ (\"{text}\") ตัวเลขต้องไม่เกิน ±1,000,000,000,000,000",
                field.th
            ),
            Finding::PercentMix {
                field,
                value,
                other,
                other_value,
            } => format!(
                "\"{}\" มีค่า {} แต่ช่องที่ต้องเทียบกัน เช่น {other} กรอกเป็นร้อยละ ({}%) จึงไม่ทราบว่าหมายถึง {} หรือ {}% กรุณาพิมพ์เป็นร้อยละเช่นเดียวกัน ({}% หรือ {}%)",
                field.th,
                num(*value),
                num(*other_value),
                num(*value),
                num(*value * 100.0),
                num(*value * 100.0),
                num(*value)
            ),
            Finding::NotAYear { field, text } => {
                format!("\"{}\" ต้องเป็นปี พ.ศ. เช่น 2564 แต่พบ \"{text}\"", field.th)
            }
            Finding::InvalidChoice {
                field,
                text,
                allowed,
            } => format!(
                "\"{}\" ต้องเลือกจากรายการ ({}) แต่พบ \"{text}\"",
                field.th,
                allowed.join(", ")
            ),
            Finding::FormulaWithoutValue { field, formula } => format!(
                "\"{}\" เป็นสูตร ={formula} ที่ยังไม่ได้คำนวณค่า กรุณาเปิดไฟล์ใน Excel แล้วบันทึกอีกครั้ง หรือพิมพ์ค่าแทนสูตร",
                field.th
            ),
            Finding::ErrorValue { field, error } => {
                format!("\"{}\" มีค่าผิดพลาด {error} กรุณาแก้สูตรหรือพิมพ์ค่า", field.th)
            }
            Finding::ThresholdsNotMonotone {
                ascending,
                level,
                value,
                prev,
            } => format!(
                "เกณฑ์การให้คะแนนต้อง{}อย่างเคร่งครัด แต่ระดับ {level} ({}) ไม่{}กว่าระดับ {} ({})",
                if *ascending { "เรียงจากน้อยไปมาก" } else { "เรียงจากมากไปน้อย" },
                num(*value),
                if *ascending { "มาก" } else { "น้อย" },
                level - 1,
                num(*prev)
            ),
            Finding::ThresholdAgainstDirection {
                level,
                text,
                higher_is_better,
            } => format!(
                "เกณฑ์ระดับ {level} เขียนว่า \"{text}\" ซึ่งเป็น{} แต่ตัวชี้วัดนี้{} กรุณากรอกเกณฑ์เป็นตัวเลข หรือตรวจสอบทิศทางของตัวชี้วัด",
                if *higher_is_better { "ค่าไม่เกิน" } else { "ค่าไม่น้อยกว่า" },
                if *higher_is_better { "ยิ่งมากยิ่งดี" } else { "ยิ่งน้อยยิ่งดี" }
            ),
            Finding::WeightOutOfRange { weight } => format!(
                "น้ำหนักต้องมากกว่า 0 และไม่เกินร้อยละ 100 แต่พบ {}",
                num(*weight)
            ),
            Finding::WeightsNot100 { total } => format!(
                "น้ำหนักของตัวชี้วัดทั้งหมดรวมกันได้ร้อยละ {} ควรรวมเป็นร้อยละ 100",
                num(*total)
            ),
            Finding::DuplicateKpiCode { code, first_sheet } => format!(
                "รหัสตัวชี้วัด \"{code}\" ซ้ำกับแผ่นงาน \"{first_sheet}\""
            ),
            Finding::FiscalYearImplausible { year } => {
                match FiscalYear::new(*year).ce_typed_for() {
                    Some(be) => format!(
                        "ปีงบประมาณ {year} ดูเหมือนเป็นปี ค.ศ. หมายถึง พ.ศ. {be} หรือไม่? กรุณากรอกเป็นปี พ.ศ."
                    ),
                    None => format!(
                        "ปีงบประมาณ {year} ไม่สมเหตุสมผล ต้องเป็นปี พ.ศ. (เช่น 2564)"
                    ),
                }
            }
            Finding::MilestoneOutOfRange { quarter, value } => format!(
                "{}: ระดับความสำเร็จต้องอยู่ระหว่าง 0 ถึง 5 แต่พบ {}",
                quarter.label_th(),
                num(*value)
            ),
            Finding::CumulativeDecrease {
                quarter,
                prev,
                value,
            } => format!(
                "{}: ผลสะสม {} น้อยกว่าไตรมาสก่อน ({}) ผลการดำเนินงานเป็นค่าสะสม กรุณาตรวจสอบ",
                quarter.label_th(),
                num(*value),
                num(*prev)
            ),
            Finding::OwnScoreDiffers {
                quarter,
                own,
                official,
            } => format!(
                "{}: คะแนนที่หน่วยงานกรอก ({}) ไม่ตรงกับคะแนนที่คำนวณได้ ({})",
                quarter.label_th(),
                num(*own),
                num(*official)
            ),
            Finding::OwnWeightedDiffers {
                quarter,
                own,
                official,
            } => format!(
                "{}: คะแนนถ่วงน้ำหนักที่หน่วยงานกรอก ({}) ไม่ตรงกับที่คำนวณได้ ({})",
                quarter.label_th(),
                num(*own),
                num(*official)
            ),
            Finding::LogTotalMismatch {
                kpi_code,
                log_total,
                reported,
                quarter,
            } => format!(
                "ยอดรวมในบันทึกรายละเอียดของตัวชี้วัด \"{kpi_code}\" ได้ {} แต่รายงานผล{} ไว้ {}",
                num(*log_total),
                quarter.label_th(),
                num(*reported)
            ),
            Finding::LogUnknownKpi { kpi_code } => format!(
                "บันทึกรายละเอียดอ้างถึงรหัสตัวชี้วัด \"{kpi_code}\" ซึ่งไม่มีในไฟล์นี้"
            ),
            Finding::LogDateUnreadable { text } => {
                format!("อ่านวันที่ \"{text}\" ไม่ได้ กรุณาใช้รูปแบบ เช่น ๙ มี.ค. ๖๔")
            }
            Finding::LogDateTypo { written, read_as } => format!(
                "ชื่อเดือน \"{written}\" น่าจะพิมพ์ผิด ระบบอ่านเป็น \"{read_as}\" กรุณาตรวจสอบ"
            ),
            Finding::LogDateOutsideYear {
                text,
                date,
                fiscal_year,
            } => format!("วันที่ \"{text}\" ({date}) อยู่นอกปีงบประมาณ {fiscal_year}"),
            Finding::WrongFiscalYear { found, expected } => format!(
                "ไฟล์นี้เป็นของปีงบประมาณ {found} แต่ขณะนี้รับเฉพาะปีงบประมาณ {expected}"
            ),
            Finding::DivisionMismatch {
                folder,
                expected,
                claimed,
            } => format!(
                "ไฟล์อยู่ในโฟลเดอร์ \"{folder}\" ของหน่วยงาน \"{expected}\" แต่ระบุรหัสหน่วยงาน \"{claimed}\" หน่วยงานส่งได้เฉพาะข้อมูลของตนเอง"
            ),
            Finding::DivisionNotRegistered { code } => format!(
                "รหัสหน่วยงาน \"{code}\" ไม่อยู่ในทะเบียนหน่วยงานที่กำหนด กรุณาตรวจสอบรหัสหรือวางไฟล์ในโฟลเดอร์ของหน่วยงาน"
            ),
            Finding::KpiCodeInOtherDivision {
                code,
                division,
                file,
            } => format!(
                "รหัสตัวชี้วัด \"{code}\" ซ้ำกับตัวชี้วัดของหน่วยงาน \"{division}\" (ไฟล์ {file}) กรุณาตรวจสอบรหัส"
            ),
            Finding::ForeignKpiCode {
                code,
                division,
                file,
            } => format!(
                "รหัสตัวชี้วัด \"{code}\" เป็นของหน่วยงาน \"{division}\" (ไฟล์ {file}) หน่วยงานส่งได้เฉพาะตัวชี้วัดของตนเอง"
            ),
            Finding::AnotherFileForDivision { other } => format!(
                "ในโฟลเดอร์มีไฟล์ \"{other}\" ของหน่วยงานเดียวกัน ปีและไตรมาสเดียวกันอยู่แล้ว ระบบใช้ไฟล์ที่รับล่าสุด กรุณาลบไฟล์ที่ไม่ใช้"
            ),
            Finding::TextTooLong {
                field,
                length,
                limit,
            } => format!(
                "\"{}\" ยาว {length} ตัวอักษร เกินที่ระบบรับได้ {limit} ตัวอักษร ระบบตัดส่วนที่เกินออกและแสดงเครื่องหมาย \"{CUT_MARK}\" ท้ายข้อความ กรุณาย่อข้อความ",
                field.th
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Finding::NotAWorkbook { detail } => format!(
                "not a readable Excel/LibreOffice workbook ({detail}); save the standard template as .xlsx and send it again"
            ),
            Finding::CertificationMissing => {
                "nobody certified the report: fill in the certifying official (name, position, date) on the division sheet".into()
            }
            Finding::CertificationRequired => {
                "the report must be certified before it is sent: fill in the certifying official (name, position, date) on the division sheet and send it again".into()
            }
            Finding::Encrypted => {
                "the workbook is password-protected and cannot be read; remove the password and send it again".into()
            }
            Finding::TooLarge { part, size, limit } => format!(
                "part {part} would expand to {size} bytes, over the {limit}-byte limit; the file was not read"
            ),
            Finding::UnreadableSheet { detail } => {
                format!("this sheet cannot be read ({detail}); the file may be damaged")
            }
            Finding::TooManyCells { sheet, limit } => format!(
                "sheet \"{sheet}\" holds more than {limit} filled cells, over the limit; it was not read"
            ),
            Finding::NoDivisionSheet { sheet } => {
                format!("no \"{sheet}\" (division) sheet; use the standard template")
            }
            Finding::NoKpis => "no filled-in KPI sheet in this workbook".into(),
            Finding::TemplateVersion { expected, found } => format!(
                "not made from the current template ({expected}); this file says {}",
                found.as_deref().unwrap_or("nothing")
            ),
            Finding::MissingField { field } => format!("{} is missing", field.en),
            Finding::NotANumber { field, text } => {
                format!("{} must be a number, found \"{text}\"", field.en)
            }
            Finding::NumberOutOfRange { field, text } => format!(
                "{} is too large a number to use (\"{text}\"); numbers must be within ±1,000,000,000,000,000",
                field.en
            ),
            Finding::PercentMix {
                field,
                value,
                other,
                other_value,
            } => format!(
                "{} holds {}, but cells compared with it such as {other} are percent cells ({}%): it may mean {} or {}%; type it as a percent too ({}% or {}%)",
                field.en,
                num(*value),
                num(*other_value),
                num(*value),
                num(*value * 100.0),
                num(*value * 100.0),
                num(*value)
            ),
            Finding::NotAYear { field, text } => format!(
                "{} must be a Buddhist Era year such as 2564, found \"{text}\"",
                field.en
            ),
            Finding::InvalidChoice {
                field,
                text,
                allowed,
            } => format!(
                "{} must be one of the list ({}), found \"{text}\"",
                field.en,
                allowed.join(", ")
            ),
            Finding::FormulaWithoutValue { field, formula } => format!(
                "{} is the formula ={formula} with no calculated value; open and save the file in Excel, or type the value",
                field.en
            ),
            Finding::ErrorValue { field, error } => {
                format!("{} holds the error value {error}", field.en)
            }
            Finding::ThresholdsNotMonotone {
                ascending,
                level,
                value,
                prev,
            } => format!(
                "thresholds must be strictly {} for a {} KPI, but level {level} ({}) does not follow level {} ({})",
                if *ascending { "ascending" } else { "descending" },
                if *ascending {
                    "higher-is-better"
                } else {
                    "lower-is-better"
                },
                num(*value),
                level - 1,
                num(*prev)
            ),
            Finding::ThresholdAgainstDirection {
                level,
                text,
                higher_is_better,
            } => format!(
                "level {level} threshold \"{text}\" is an {} bound, but this KPI is {}; type the threshold as a number, or correct the direction",
                if *higher_is_better { "at-most" } else { "at-least" },
                if *higher_is_better {
                    "higher-is-better"
                } else {
                    "lower-is-better"
                }
            ),
            Finding::WeightOutOfRange { weight } => {
                format!("weight {} is outside 0 < weight ≤ 100", num(*weight))
            }
            Finding::WeightsNot100 { total } => format!(
                "the KPI weights add up to {}, not 100",
                num(*total)
            ),
            Finding::DuplicateKpiCode { code, first_sheet } => format!(
                "KPI code \"{code}\" is already used on sheet \"{first_sheet}\""
            ),
            Finding::FiscalYearImplausible { year } => {
                match FiscalYear::new(*year).ce_typed_for() {
                    Some(be) => format!(
                        "fiscal year {year} looks like ค.ศ. (Common Era); พ.ศ. {be}? Type the Buddhist Era year"
                    ),
                    None => format!(
                        "fiscal year {year} is implausible; it must be a Buddhist Era year such as 2564"
                    ),
                }
            }
            Finding::MilestoneOutOfRange { quarter, value } => format!(
                "{quarter}: a milestone level must be between 0 and 5, found {}",
                num(*value)
            ),
            Finding::CumulativeDecrease {
                quarter,
                prev,
                value,
            } => format!(
                "{quarter}: cumulative result {} is lower than the previous quarter's {}",
                num(*value),
                num(*prev)
            ),
            Finding::OwnScoreDiffers {
                quarter,
                own,
                official,
            } => format!(
                "{quarter}: the division's score {} differs from the official {}",
                num(*own),
                num(*official)
            ),
            Finding::OwnWeightedDiffers {
                quarter,
                own,
                official,
            } => format!(
                "{quarter}: the division's weighted score {} differs from the official {}",
                num(*own),
                num(*official)
            ),
            Finding::LogTotalMismatch {
                kpi_code,
                log_total,
                reported,
                quarter,
            } => format!(
                "the detail log for KPI \"{kpi_code}\" adds up to {}, but {quarter} reports {}",
                num(*log_total),
                num(*reported)
            ),
            Finding::LogUnknownKpi { kpi_code } => format!(
                "the detail log refers to KPI code \"{kpi_code}\", which this workbook does not have"
            ),
            Finding::LogDateUnreadable { text } => {
                format!("cannot read the date \"{text}\"; write it like ๙ มี.ค. ๖๔")
            }
            Finding::LogDateTypo { written, read_as } => format!(
                "month \"{written}\" looks like a typo; read as \"{read_as}\""
            ),
            Finding::LogDateOutsideYear {
                text,
                date,
                fiscal_year,
            } => format!("date \"{text}\" ({date}) is outside fiscal year {fiscal_year}"),
            Finding::WrongFiscalYear { found, expected } => format!(
                "this workbook is for fiscal year {found}; only fiscal year {expected} is accepted"
            ),
            Finding::DivisionMismatch {
                folder,
                expected,
                claimed,
            } => format!(
                "the file is in folder \"{folder}\" of division \"{expected}\" but claims division \"{claimed}\"; a division may only submit its own data"
            ),
            Finding::DivisionNotRegistered { code } => format!(
                "division code \"{code}\" is not in the registry; check the code or put the file in the division's folder"
            ),
            Finding::KpiCodeInOtherDivision {
                code,
                division,
                file,
            } => format!(
                "KPI code \"{code}\" is also reported by division \"{division}\" (file {file}); check the code"
            ),
            Finding::ForeignKpiCode {
                code,
                division,
                file,
            } => format!(
                "KPI code \"{code}\" belongs to division \"{division}\" (file {file}); a division may only report its own KPIs"
            ),
            Finding::AnotherFileForDivision { other } => format!(
                "\"{other}\" in the inbox is also this division's workbook for the same year and quarter; the newest accepted one is used (remove the other)"
            ),
            Finding::TextTooLong {
                field,
                length,
                limit,
            } => format!(
                "{} is {length} characters long, over the {limit}-character limit; it was cut and ends in \"{CUT_MARK}\" wherever it is shown (shorten it)",
                field.en
            ),
        }
    }
}
