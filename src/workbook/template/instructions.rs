//! The instructions sheet: how to fill the template, in Thai, and the field reference (every
//! defined name with its cell) for systems that fill the workbook by name.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::TABLE_FONT_SIZE;
use super::style::{Formats, print_setup, protect};
use crate::workbook::layout::{self, Required};

pub(super) fn instructions_sheet(fmt: &Formats) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout::INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 44)?;
    ws.set_column_width(4, 26)?;
    ws.set_column_width(5, 12)?;
    ws.merge_range(0, 0, 0, 5, "คำแนะนำการกรอกแบบรายงานผลตัวชี้วัด", &fmt.title)?;
    let steps = [
        "๑. กรอกเฉพาะช่องสีเหลือง ช่องอื่นถูกล็อกไว้ (ไม่มีรหัสผ่าน) เพื่อป้องกันการแก้ไขโดยไม่ตั้งใจ",
        "๒. แผ่นงาน \"หน่วยงาน\": ชื่อหน่วยงาน รหัสหน่วยงาน (อักษรย่อ เช่น สตป.) ปีงบประมาณ พ.ศ. และผู้ประสานงาน",
        "๓. แผ่นงาน \"ตัวชี้วัด n\": หนึ่งแผ่นต่อหนึ่งตัวชี้วัด กรอกรายละเอียด น้ำหนัก (ร้อยละ) เกณฑ์การให้คะแนน ๕ ระดับ และผลการดำเนินงานรายไตรมาส",
        "๔. ผลการดำเนินงานเป็นค่าสะสมตั้งแต่ต้นปีงบประมาณ (เช่น ๐ → ๑๘๔ → ๔๖๔ → ๘๒๖) ไตรมาสที่ยังไม่รายงานให้เว้นว่าง (อย่ากรอก 0)",
        "๕. ตัวเลขพิมพ์เป็นเลขไทยหรือเลขอารบิกก็ได้ เช่น ๘๒๖ หรือ 826, ร้อยละ 92 หรือ 92%",
        "๖. ตัวชี้วัดแบบระดับความสำเร็จ: กรอกระดับที่ทำได้ (1–5) หรือช่วง เช่น 4-5 (ระบบใช้ระดับสูงสุด)",
        "๗. เพิ่มตัวชี้วัด: คลิกขวาที่แท็บ \"ตัวชี้วัด 1\" > ย้ายหรือคัดลอก > สร้างสำเนา แล้วกรอกข้อมูลตัวชี้วัดใหม่ (ระบบอ่านแผ่นที่คัดลอกได้) แผ่นตัวชี้วัดที่ว่างทั้งแผ่นจะถูกข้าม",
        "๘. แผ่นงาน \"แผนกระบวนการ\" และ \"บันทึกรายละเอียด\": กรอกต่อลงไปได้ไม่จำกัดจำนวนแถว (ช่องสีเหลืองมีต่อไปจนสุดแผ่นงาน) หรือจะแทรกแถวก็ได้",
        "๙. คะแนนที่หน่วยงานกรอกเอง (ถ้ามี) จะถูกตรวจเทียบกับคะแนนที่ระบบคำนวณ หากไม่ตรงกันจะแจ้งเตือน",
        "๑๐. บันทึกไฟล์เป็น .xlsx แล้ววางในโฟลเดอร์ที่กำหนด ระบบจะตรวจและส่งใบตอบรับกลับในโฟลเดอร์ receipts",
        "Fill the yellow cells; one sheet per KPI; results are cumulative; leave unreported quarters blank. Field reference below (defined names let other systems fill this workbook).",
    ];
    let mut row = 2;
    for s in steps {
        ws.merge_range(row, 0, row, 5, s, &fmt.base.clone().set_text_wrap())?;
        ws.set_row_height(row, 42)?;
        row += 1;
    }
    row += 1;
    let headers = [
        "ชื่อที่กำหนด (defined name)",
        "ช่อง (label)",
        "ตำแหน่ง",
        "ความหมาย (meaning)",
        "ชนิดข้อมูล (type)",
        "จำเป็น",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &fmt.header)?;
    }
    let header_row = row;
    row += 1;
    let small = fmt
        .base
        .clone()
        .set_font_size(TABLE_FONT_SIZE)
        .set_text_wrap();
    for f in layout::fields() {
        let sheet = layout::sheet_display(f.sheet);
        let required = match f.required {
            Required::Yes => "ต้องกรอก",
            Required::UnlessMilestone => "ต้องกรอก*",
            Required::No => "",
        };
        ws.write_string_with_format(row, 0, &f.name, &small)?;
        ws.write_string_with_format(row, 1, &f.label_th, &small)?;
        ws.write_string_with_format(row, 2, format!("{sheet}!{}", f.a1()), &small)?;
        ws.write_string_with_format(row, 3, f.meaning_en, &small)?;
        ws.write_string_with_format(row, 4, f.ty.describe_en(), &small)?;
        ws.write_string_with_format(row, 5, required, &small)?;
        row += 1;
    }
    ws.write_string_with_format(
        row,
        0,
        "* ไม่ต้องกรอกสำหรับตัวชี้วัดแบบระดับความสำเร็จ (not needed for milestone KPIs)",
        &small,
    )?;
    ws.set_repeat_rows(header_row, header_row)?;
    print_setup(&mut ws, true);
    protect(&mut ws);
    Ok(ws)
}
