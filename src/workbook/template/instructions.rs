//! The instructions sheet: how a division officer fills, extends and sends the template, in
//! Thai, printed at 16 pt. The defined-name table for systems that fill the workbook by name
//! is in docs/template.md (and `kpiwatch template --contract`), not on paper.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::FONT_SIZE;
use super::measure::{row_height, wrapped_lines};
use super::style::{Formats, print_setup, protect};
use crate::workbook::layout;

/// One column as wide as A4 portrait: the text prints at the official 16 pt. (LibreOffice
/// does not shrink a sheet of one wider column to the page width: it cuts it in two.)
const WIDTH: f64 = 56.0;

/// The sheet's sections: a heading and its numbered steps.
const STEPS: &[(&str, &[&str])] = &[
    (
        "ก่อนเริ่มกรอก",
        &[
            "๑. กรอกเฉพาะช่องสีเหลือง ช่องอื่นถูกล็อกไว้ (ไม่มีรหัสผ่าน) เพื่อป้องกันการแก้ไขโดยไม่ตั้งใจ ช่องสีเขียวเป็นคะแนนที่ระบบคำนวณให้",
            "๒. แผ่นงาน \"หน่วยงาน\": กรอกชื่อหน่วยงาน รหัสหน่วยงาน (อักษรย่อ เช่น สตป.) ปีงบประมาณ พ.ศ. ไตรมาสที่รายงาน และผู้ประสานงาน",
        ],
    ),
    (
        "การกรอกตัวชี้วัด",
        &[
            "๓. แผ่นงาน \"ตัวชี้วัด 1\", \"ตัวชี้วัด 2\" …: หนึ่งแผ่นต่อหนึ่งตัวชี้วัด กรอกรายละเอียด น้ำหนัก (ร้อยละ) ประเภทการให้คะแนน เกณฑ์การให้คะแนน ๕ ระดับ และผลการดำเนินงานรายไตรมาส น้ำหนักของทุกตัวชี้วัดรวมกันต้องเท่ากับ ๑๐๐",
            "๔. ผลการดำเนินงานเป็นค่าสะสมตั้งแต่ต้นปีงบประมาณ (เช่น ๐ → ๑๘๔ → ๔๖๔ → ๘๒๖) ไตรมาสที่ยังไม่รายงานให้เว้นว่างไว้ อย่ากรอก 0",
            "๕. ตัวเลขพิมพ์เป็นเลขไทยหรือเลขอารบิกก็ได้ เช่น ๘๒๖ หรือ 826, ร้อยละ 92 หรือ 92%",
            "๖. ตัวชี้วัดแบบระดับความสำเร็จ: กรอกระดับที่ทำได้ (1–5 หรือ ระดับ 4) หรือช่วง เช่น 4-5 (ระบบใช้ระดับสูงสุด) · เกณฑ์การให้คะแนนเขียนแบบ 86 - หรือ ตั้งแต่ 86 ได้ และตามทิศทางของตัวชี้วัด เช่น ≥ 94, 94 ขึ้นไป, ไม่น้อยกว่า 94 (ยิ่งมากยิ่งดี) หรือ ≤ 10, ไม่เกิน 10 (ยิ่งน้อยยิ่งดี)",
            "๗. แถวสีเขียว (คำนวณโดยระบบ) แสดงคะแนนตามที่กรอก หากแสดง \"คำนวณเมื่อส่งไฟล์\" ระบบจะคำนวณคะแนนเมื่อส่งไฟล์ · คะแนนที่หน่วยงานคำนวณเอง (ถ้ามี) ระบบจะตรวจเทียบกับคะแนนที่ระบบคำนวณ หากไม่ตรงกันจะแจ้งในใบตอบรับ",
        ],
    ),
    (
        "การเพิ่มตัวชี้วัดและรายการ",
        &[
            "๘. เพิ่มตัวชี้วัด: คลิกขวาที่แท็บ \"ตัวชี้วัด 1\" > ย้ายหรือคัดลอก > เลือก \"สร้างสำเนา\" > ตกลง แล้วล้างข้อมูลเดิมในแผ่นใหม่และกรอกตัวชี้วัดใหม่ แผ่นตัวชี้วัดที่ว่างทั้งแผ่นระบบจะข้ามไป",
            "๙. แผ่นงาน \"แผนกระบวนการ\" และ \"บันทึกรายละเอียด\": กรอกต่อลงไปได้ไม่จำกัดจำนวนแถว (ช่องสีเหลืองมีต่อไปจนสุดแผ่นงาน) หรือจะแทรกแถวก็ได้",
        ],
    ),
    (
        "การส่งแบบรายงาน",
        &[
            "๑๐. บันทึกไฟล์เป็น Excel (.xlsx) ตั้งชื่อไฟล์ตามรหัสหน่วยงาน แล้ววางไฟล์ในโฟลเดอร์ของหน่วยงานที่สำนักแผนกำหนด",
            "๑๑. ระบบจะตรวจไฟล์และวางใบตอบรับในโฟลเดอร์ receipts: \"รับแล้ว\" หรือ \"ไม่รับ (ต้องแก้ไข)\" พร้อมชื่อแผ่นงานและช่องที่ต้องแก้ไข เมื่อแก้ไขแล้วให้วางไฟล์ฉบับใหม่แทนฉบับเดิม",
        ],
    ),
];

pub(super) fn instructions_sheet(fmt: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, WIDTH)?;
    ws.write_string_with_format(0, 0, "คำแนะนำการกรอกแบบรายงานผลตัวชี้วัด", &fmt.title)?;
    ws.set_row_height(0, 32)?;
    let text = fmt.base.clone().set_text_wrap();
    let heading = fmt.base.clone().set_bold();
    let mut row = 2;
    for (title, steps) in STEPS {
        ws.write_string_with_format(row, 0, *title, &heading)?;
        row += 1;
        for s in *steps {
            ws.write_string_with_format(row, 0, *s, &text)?;
            ws.set_row_height(
                row,
                row_height(wrapped_lines(s, WIDTH, FONT_SIZE), FONT_SIZE),
            )?;
            row += 1;
        }
        row += 1;
    }
    let it = "For systems that fill this workbook by cell name: the defined names are listed in kpiwatch's docs/template.md (or `kpiwatch template --contract`).";
    ws.write_string_with_format(row, 0, it, &fmt.note)?;
    ws.set_row_height(row, row_height(wrapped_lines(it, WIDTH, 14.0), 14.0))?;
    print_setup(&mut ws, false);
    protect(&mut ws);
    Ok(ws)
}
