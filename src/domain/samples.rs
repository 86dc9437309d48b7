//! The two seed divisions of the Ministry of Finance's FY 2564 forms (seeds 000 and 003) as
//! [`Submission`]s, transcribed by hand: the source of the bundled examples and the fixtures the
//! tests score, validate and render.

use crate::domain::model::{
    Activity, Certification, Contact, Direction, Division, FiscalYear, Kpi, KpiKind, LOG_MODES,
    LogEntry, ProcessPlan, Quarter, QuarterReport, Submission,
};

/// The KPI the inspection log of seed 000 counts towards.
const INSPECTION_KPI: &str = "สตป. 02";

/// Modes of the inspection log, one per column group of seed 000's table.
const MODE_CONFERENCE: &str = LOG_MODES[1];
const MODE_ON_PAPER: &str = LOG_MODES[2];
const MODE_ON_SITE: &str = LOG_MODES[0];
const MODE_INTEGRATED: &str = LOG_MODES[3];

/// Seed 000: สำนักตรวจสอบและประเมินผล (สตป.), reporting up to Q4 of FY 2564, with its process
/// plan and the inspection log behind KPI สตป. 02.
pub fn inspection_office() -> Submission {
    let owner = contact("นายไฉ คงทวี", "0 2126 5800 ต่อ 2411");
    Submission {
        division: Division {
            code: s("สตป."),
            name: s("สำนักตรวจสอบและประเมินผล"),
        },
        fiscal_year: Some(FiscalYear::new(2564)),
        reporting_quarter: Some(Quarter::Q4),
        contact: owner.clone(),
        contact_email: String::new(),
        certification: Certification {
            name: s("นายสมชาย รักษ์ธรรม"),
            position: s("ผู้อำนวยการสำนักตรวจสอบและประเมินผล"),
            date: s("8 ต.ค. 2564"),
        },
        kpis: vec![units_inspected(owner), service_centre()],
        plan: ProcessPlan {
            process: s("การตรวจติดตามผลการดำเนินงานของหน่วยงานในสังกัดกระทรวงการคลัง"),
            clients: s("- ส่วนราชการในสังกัดกระทรวงการคลัง - รัฐวิสาหกิจในสังกัดกระทรวงการคลัง"),
            stakeholders: s(
                "- ปลัดกระทรวงการคลัง - ผู้ตรวจราชการกระทรวงการคลัง - หน่วยงานในสังกัด สป.กค. - ประชาชน",
            ),
            indicator: s("ระดับความสำเร็จของการตรวจติดตามผลการดำเนินงานของหน่วยงานในสังกัดกระทรวงการคลัง"),
            tier_quality: s("ตรวจติดตามผลการดำเนินงานของหน่วยงานในสังกัดกระทรวงการคลัง ครบ ๘๒๖ หน่วย"),
            tier_standard: s(
                "ตรวจติดตามผลการดำเนินงานของหน่วยงานในสังกัดกระทรวงการคลัง ตั้งแต่ ๗๐๐ - ๘๒๖ หน่วย",
            ),
            tier_improve: s("ตรวจติดตามผลการดำเนินงานของหน่วยงานในสังกัดกระทรวงการคลัง น้อยกว่า ๗๐๐ หน่วย"),
            digital: s(
                "ติดตามผลการดำเนินงานของส่วนราชการ และรัฐวิสาหกิจในสังกัดกระทรวงการคลังผ่านระบบ VDO Conference",
            ),
            step_reduction: s(
                "ประสานหน่วยงานเพื่อขอข้อมูลผลกาดำเนินงานของพื้นที่ประกอบการตรวจราชการผ่านช่องทางออนไลน์ เช่น line, email เพื่อความรวดเร็วในการจัดทำข้อมูล",
            ),
            // Seed 000's plan has no activity table and no expected results.
            activities: Vec::new(),
            expected_results: String::new(),
        },
        log: inspection_log(),
    }
}

/// สตป. 02, the result card of seed 000; the report table is the first one (Arabic digits).
fn units_inspected(owner: Contact) -> Kpi {
    Kpi {
        code: s(INSPECTION_KPI),
        name: s("จำนวนหน่วยรับตรวจที่ได้รับการตรวจติดตาม"),
        action_plan: s("การเพิ่มประสิทธิภาพการดำเนินงาน"),
        strategic_issue: s("พัฒนาและบริหารจัดการงานด้านการสนับสนุนภารกิจการตรวจราชการของผู้ตรวจราชการ"),
        dimension: s("มิติด้านประสิทธิภาพของการปฏิบัติการ"),
        goal: s("กำกับ เร่งรัด ติดตาม ประเมินผล การดำเนินงานของหน่วยงานในสังกัดให้บรรลุตามวัตถุประสงค์"),
        weight: 30.0,
        description: s(
            "ผู้ตรวจราชการกระทรวงการคลังตรวจติดตามการดำเนินงานของหน่วยงานในสังกัด กระทรวงการคลังในส่วนกลางและส่วนภูมิภาค และเขตตรวจราชการในส่วนกลางได้ครบถ้วนตาม เป้าหมายที่กำหนด",
        ),
        kind: KpiKind::Interpolated,
        direction: Direction::HigherIsBetter,
        thresholds: [0.0, 150.0, 300.0, 450.0, 826.0],
        // The seed's criteria table has no descriptions.
        level_descriptions: Default::default(),
        conditions: String::new(),
        unit: s("หน่วยงาน"),
        target: s("826"),
        baselines: [s("900 หน่วยงาน"), s("900 หน่วยงาน"), s("900 หน่วยงาน")],
        data_source: s("หน่วยงานในสังกัดกระทรวงการคลัง"),
        owner,
        supporter: contact("นายเชาวลิต บุญยภูษิต", "0 2126 5800 ต่อ 2789"),
        quarters: [
            report(
                0.0,
                "0",
                "อยู่ระหว่างการจัดทำแผนการตรวจราชการ ยังไม่มีการตรวจติดตามในพื้นที่",
                Some((1.0, 0.3)),
                "",
            ),
            report(
                184.0,
                "184",
                "ตรวจติดตามในพื้นที่ จำนวน 37 หน่วย (3 จังหวัด 1 พื้นที่) และตรวจติดตามผ่านระบบอิเล็กทรอนิกส์ VDO Conference จำนวน 147 หน่วย (14 จังหวัด)",
                Some((2.2267, 0.668)),
                "",
            ),
            report(
                464.0,
                "464",
                "ตรวจติดตามในพื้นที่ จำนวน 75 หน่วย (6 จังหวัด 12 พื้นที่) และตรวจติดตามผ่านระบบอิเล็กทรอนิกส์ (VDO Conference) จำนวน 464 หน่วย (38 จังหวัด)",
                Some((4.0372, 1.2112)),
                "",
            ),
            report(
                826.0,
                "826",
                "ตรวจติดตามในพื้นที่ และตรวจติดตามผ่านระบบอิเล็กทรอนิกส์ (VDO conference) รวมทั้งสิ้น 826 หน่วย (76 จังหวัด 46 พื้นที่)",
                Some((5.0, 1.5)),
                "1. รายงานผลจำนวนหน่วยรับตรวจฯ ไตรมาส 4",
            ),
        ],
    }
}

/// The milestone KPI reported at the end of seed 000 ("ตัวชี้วัด : โครงการยกระดับการให้บริการ
/// ของศูนย์บริการร่วมกระทรวงการคลัง"). The seed gives only the quarterly report: the code
/// "สตป. 03", the weight 20 and the "ระดับความสำเร็จของ" of the name are assumptions, and the
/// other card fields stay empty.
fn service_centre() -> Kpi {
    Kpi {
        code: s("สตป. 03"),
        name: s("ระดับความสำเร็จของโครงการยกระดับการให้บริการของศูนย์บริการร่วมกระทรวงการคลัง"),
        weight: 20.0,
        kind: KpiKind::Milestone,
        direction: Direction::HigherIsBetter,
        thresholds: [1.0, 2.0, 3.0, 4.0, 5.0],
        unit: s("ระดับ"),
        target: s("5"),
        quarters: [
            report(
                1.0,
                "1",
                "มีหนังสือ ที่ กค ๐๒๐๓.๔/ ๒๓๘๒ ลงวันที่ ๒๙ ธันวาคม ๒๕๖๓ ขอความร่วมมือจากศูนย์เทคโนโลยีสารสนเทศและการสื่อสารในการนำข้อมูลที่เกี่ยวข้องกับงานบริการที่เป็นดิจิทัลของหน่วยงานในสังกัด จำนวน ๑๓ งาน มาพัฒนาเว็บไซต์ ศูนย์บริการร่วมกระทรวงการคลัง",
                None,
                "",
            ),
            report(
                2.0,
                "2",
                "สนับสนุนการให้บริการประชาชน โดยมีหนังสือ ที่ ด่วนที่สุด ที่ กค ๐๒๐๓.๔/๓๔๔ ลงวันที่ ๑๖ มีนาคม ๒๕๖๔ ประธานสำนักบริหารทรัพยากรบุคคลในการพัฒนา/อบรมด้านจิตบริการ ให้กับเจ้าหน้าที่ผู้ปฏิบัติงานสายด่วน ๑๖๘๘ กระทรวงการคลัง รวมทั้งเจ้าหน้าที่ที่มีการให้บริการประชาชน ในสำนักงานปลัดกระทรวงการคลัง เพื่อเป็นการเสริมสร้างการให้บริการที่ดีในภาพรวมของหน่วยงาน",
                None,
                "",
            ),
            report(
                3.0,
                "3",
                "มีหนังสือ ที่ กค ๐๒๐๓.๔/ว ๘๑๒ ลงวันที่ ๒๙ มิถุนายน ๒๕๖๔ เพื่อขอความร่วมมือจากส่วนราชการในสังกัดกระทรวงการคลังที่มีการให้บริการที่เป็นดิจิทัล update ข้อมูลการให้บริการประชาชนให้เป็นปัจจุบัน สม่่าเสมอหรือปรับเปลี่ยนการบริการที่มีอยู่ให้เป็นการให้บริการในรูปแบบดิจิทัล และจะได้เผยแพร่ ประชาสัมพันธ์การให้บริการของศูนย์บริการร่วมกระทรวงการคลังผ่านช่องทางสื่อสังคมออนไลน์ของกระทรวงการคลังให้ประชาชนได้รับทราบต่อไป",
                None,
                "",
            ),
            // "4-5": levels 4 and 5 were both reached this quarter, so the result is level 5.
            report(
                5.0,
                "4-5",
                "ส่วนราชการในสังกัดกระทรวงการคลังได้มีหนังสือแจ้งการ update ข้อมูลการให้บริการในรูปแบบดิจิทัลมายังกระทรวงการคลัง และ สตป. ได้มีหนังสือ ที่ กค ๐๒๐๓.๔/๑๑๙๗ ลงวันที่ ๒๒ กันยายน ๒๕๖๔ ขอความอนุเคราะห์กลุ่มสารสนเทศการคลังประชาสัมพันธ์การให้บริการแบบดิจิทัลผ่าน ศูนย์บริการร่วมกระทรวงการคลัง พร้อมทั้งได้มีหนังสือ ที่ กค ๐๒๐๓.๔/๑๒๒๔ ลงวันที่ ๒๘ กันยายน ๒๕๖๔ รายงานผลการดำเนินของศูนย์บริการร่วมกระทรวงการคลังให้ประธานกรรมการศูนย์บริการร่วมกระทรวงการคลังทราบแล้ว",
                None,
                "",
            ),
        ],
        ..Kpi::default()
    }
}

/// Seed 000's inspection table (three pages), one entry per filled column group of a row,
/// grouped by inspector and then by mode, each mode in the seed's row order. Dates and areas are
/// as written, typos included ("มี.ย." for มิ.ย., "๒๔ ส.ค. ๖๐" for ๖๔); `start`/`end` are left
/// to the reader. The seed's totals row (รวม: Conference ๖๔๙, เอกสาร ๑๐๒, ลงพื้นที่ ๗๕, ๘๒,๐๙๐.๐๐ บาท)
/// and the notes under it are not transcribed; the rows below do not add up to those totals.
fn inspection_log() -> Vec<LogEntry> {
    let mut log = Vec::new();

    let who = "ผู้ตรวจราชการ กระทรวงการคลัง (นายบุญชัย จารัสแสงสมบูรณ์)";
    conference(
        &mut log,
        who,
        &[
            ("๙ มี.ค. ๖๔", "ภูเก็ต", 11.0),
            ("๙ มี.ค. ๖๔", "พังงา", 9.0),
            ("๑๑ มี.ค. ๖๔", "ตรัง", 10.0),
            ("๑๑ มี.ค. ๖๔", "สตูล", 11.0),
            ("๑๕ มี.ค. ๖๔", "กระบี่", 10.0),
            ("๑๕ มี.ค. ๖๔", "ระนอง", 10.0),
            ("๑๐ ส.ค. ๖๔", "กาญจนบุรี", 10.0),
            ("๑๐ ส.ค. ๖๔", "ราชบุรี", 9.0),
            ("๑๐ ส.ค. ๖๔", "สุพรรณบุรี", 9.0),
            ("๑๑ ส.ค. ๖๔", "ชัยภูมิ", 8.0),
            ("๑๑ ส.ค. ๖๔", "นครราชสีมา", 14.0),
            ("๑๑ ส.ค. ๖๔", "บุรีรัมย์", 9.0),
            ("๑๑ ส.ค. ๖๔", "สุรินทร์", 10.0),
        ],
    );
    on_paper(
        &mut log,
        who,
        &[("สผภ.", 1.0), ("สส.กทผ. ๔", 1.0), ("สท.กทผ. ๑๖-๒๑", 6.0)],
    );
    integrated(
        &mut log,
        &[
            ("๓๑ มี.ค. ๖๔", "กาญจนบุรี", "ผต.บุญชัย"),
            ("๗ เม.ย. ๖๔", "กระบี่", "ผอ.ไว"),
            ("๓๑ ส.ค. ๖๔", "กระบี่", "ผต.บุญชัย"),
            ("๑ ก.ย. ๖๔", "สุพรรณบุรี", "ชช.นงนุช"),
        ],
    );
    let who = "ผู้ตรวจราชการ กระทรวงการคลัง (นายวิจักขณ์ อภิรักษ์นันท์ชัย)";
    conference(
        &mut log,
        who,
        &[
            ("๒๒ ก.พ. ๖๔", "สมุทรสาคร", 10.0),
            ("๒๕ ก.พ. ๖๔", "สมุทรสงคราม", 9.0),
            ("๑ มี.ค. ๖๔", "เพชรบุรี", 9.0),
            ("๒ มี.ค. ๖๔", "ตาก", 10.0),
            ("๘ มี.ย. ๖๔", "พิษณุโลก", 13.0),
            ("๒๒ มี.ย. ๖๔", "อุตรดิตถ์", 9.0),
            ("๒๙ มี.ย. ๖๔", "สุโขทัย", 10.0),
            ("๖ ก.ค. ๖๔", "เพชรบูรณ์", 9.0),
            ("๒ ส.ค. ๖๔", "สกลนคร", 9.0),
        ],
    );
    on_site(
        &mut log,
        who,
        &[
            ("๒๒ - ๒๓ มี.ค. ๖๔", "ประจวบคีรีขันธ์", Some(11.0), Some(14760.0)),
            ("๑ เม.ย. ๖๔", "สส.ภาค ๑๐/สส.กทผ.๕", Some(2.0), None),
            ("๑ เม.ย. ๖๔", "สท.ภาค ๒/สท. ๑๐-๑๕", Some(7.0), None),
            ("๒ เม.ย. ๖๔", "สนง.ศุลกากรท่าเรือฯ", Some(1.0), None),
            ("๒ เม.ย. ๖๔", "สนง.ศุลกากรภาคที่ ๑", Some(1.0), None),
            ("๗-๙ เม.ย. ๖๔", "มุกดาหาร นครพนม", Some(19.0), Some(39880.0)),
        ],
    );
    integrated(
        &mut log,
        &[
            ("๒๒ มี.ค. ๖๔", "ตาก", "ผอ.ไว"),
            ("๒๓ มี.ค. ๖๔", "พิษณุโลก", "ผอ.ไว"),
            ("๒๓ มี.ค. ๖๔", "อุตรดิตถ์", "ผอ.ไว"),
            ("๒๔ มี.ค. ๖๔", "สมุทรสาคร", "ชช.นงนุช"),
            ("๒๔ มี.ค. ๖๔", "เพชรบุรี", "ชช.นงนุช"),
            ("๒๔ มี.ค. ๖๔", "เพชรบูรณ์", "ผอ.ไว"),
            ("๒๔ มี.ค. ๖๔", "สุโขทัย", "ชช.นงนุช"),
            ("๓๐ มี.ค. ๖๔", "สกลนคร", "ผอ.ไว"),
            ("๒๕ ส.ค. ๖๔", "สุโขทัย", "ผอ.ไว"),
            ("๒๖ ส.ค. ๖๔", "พิษณุโลก", "ผอ.ไว"),
            ("๒๖ ส.ค. ๖๔", "อุตรดิตถ์", "ผอ.ไว"),
            ("๒๗ ส.ค. ๖๔", "ตาก", "ผอ.ไว"),
            ("๑ ก.ย. ๖๔", "ประจวบคีรีขันธ์", "ผอ.ไว"),
            // Shifted one column right, alone at the top of the table's second page, above
            // นางวรรณช's rows: read as the last row of this list, carried over the page break.
            ("๑ ก.ย. ๖๔", "สมุทรสงคราม", "ผอ.ไฉ"),
        ],
    );
    let who = "ผู้ตรวจราชการ กระทรวงการคลัง (นางวรรณช ภู่อิม)";
    conference(
        &mut log,
        who,
        &[
            ("๒๖ เม.ย. ๖๔", "นครสวรรค์", 9.0),
            ("๖ พ.ค. ๖๔", "พิจิตร", 9.0),
            ("๑๗ พ.ค. ๖๔", "กำแพงเพชร", 8.0),
            ("๘ มี.ย. ๖๔", "อุดรธานี", 13.0),
            ("๑๑ มี.ย. ๖๔", "หนองบัวลำภู", 8.0),
            ("๑๕ มี.ย. ๖๔", "หนองคาย", 11.0),
            ("๒๒ มี.ย. ๖๔", "เลย", 10.0),
            ("๒๕ มี.ย. ๖๔", "บึงกาฬ", 8.0),
            ("๗ ก.ค. ๖๔", "นราธิวาส", 12.0),
            ("๘ ก.ค. ๖๔", "ปัตตานี", 10.0),
            ("๙ ก.ค. ๖๔", "ยะลา", 10.0),
            ("๑๖ ก.ค. ๖๔", "สท.๒๖-๓๐/สส.กทม.๑", 6.0),
        ],
    );
    on_paper(&mut log, who, &[("สสภ.", 1.0), ("สตม.", 1.0)]);
    on_site(
        &mut log,
        who,
        &[("๒๒ - ๒๓ มี.ค. ๖๔", "อุทัยธานี", Some(8.0), Some(8510.0))],
    );
    integrated(
        &mut log,
        &[
            ("๘ เม.ย. ๖๔", "บึงกาฬ", "ผต.วรรณช"),
            ("๒๓ ส.ค. ๖๔", "อุทัยธานี", "ผอ.ไฉ"),
            ("๒๔ ส.ค. ๖๐", "พิจิตร", "ผอ.ไฉ"),
            ("๙ ก.ย. ๖๔", "หนองคาย", "ผอ.ไฉ"),
        ],
    );
    let who = "ผู้ตรวจราชการ กระทรวงการคลัง (นายปิยกร อภิบาลศรี)";
    conference(
        &mut log,
        who,
        &[
            ("๒๙ มี.ย. ๖๔", "ยโสธร", 9.0),
            ("๘ ก.ค. ๖๔", "ศรีสะเกษ", 10.0),
            ("๑๒ ก.ค. ๖๔", "อำนาจเจริญ", 8.0),
            ("๑๙ ก.ค. ๖๔", "อุบลราชธานี", 12.0),
            ("๑๙ ก.ค. ๖๔", "ชัยนาท", 8.0),
            ("๑๘ ส.ค. ๖๔", "สิงห์บุรี", 8.0),
            ("๑๘ ส.ค. ๖๔", "อ่างทอง", 8.0),
        ],
    );
    on_paper(
        &mut log,
        who,
        &[
            ("สท.กทม. ๕-๙", 5.0),
            ("สทท.", 1.0),
            ("สส.กทม. ๒", 1.0),
            ("พระนครศรีอยุธยา", 13.0),
            ("ลพบุรี", 8.0),
            ("สระบุรี", 8.0),
            ("นนทบุรี", 12.0),
            // ปทุมธานี and นครปฐม are shifted one column right in the seed; their cells read as
            // (area, units) of this group.
            ("ปทุมธานี", 12.0),
            ("นครปฐม", 14.0),
            ("สมุทรปราการ", 11.0),
        ],
    );
    on_site(
        &mut log,
        who,
        &[
            // No unit count in the seed, only a date and a cost.
            ("๑๖ มี.ค. ๖๔", "ชัยนาท (บุ ผอ.ไฉ)", None, Some(4965.0)),
        ],
    );
    integrated(
        &mut log,
        &[
            ("๒๕ มี.ค. ๖๔", "ยโสธร", "ผอ.ไฉ"),
            ("๒๕ มี.ค. ๖๔", "อุบลราชธานี", "ผอ.ไฉ"),
            ("๒๖ มี.ค. ๖๔", "อำนาจเจริญ", "ผอ.ไฉ"),
            ("๒๖ มี.ค. ๖๔", "ศรีสะเกษ", "ผอ.ไฉ"),
            ("๒๓ ส.ค. ๖๔", "ศรีสะเกษ", "ผอ.เชา"),
            ("๒๓ ส.ค. ๖๔", "อำนาจเจริญ", "ผอ.เชา"),
            ("๒๔ ส.ค. ๖๔", "ยโสธร", "ผอ.เชา"),
            // Shifted one column right in the seed (the same row as ปทุมธานี).
            ("๒๔ ส.ค. ๖๔", "อุบลราชธานี", "ผอ.เชา"),
        ],
    );

    log
}

/// Seed 003: สำนักงานรัฐมนตรี (สร.), reporting up to Q4 of FY 2564, one KPI and a process plan
/// with an activity table; no detail log.
pub fn ministers_office() -> Submission {
    let owner = contact(
        "นางสาววันดี เจริญประวัตติ (นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ รักษาการในตำแหน่ง หัวหน้าสำนักงานรัฐมนตรี)",
        "2431",
    );
    Submission {
        division: Division {
            code: s("สร."),
            name: s("สำนักงานรัฐมนตรี"),
        },
        fiscal_year: Some(FiscalYear::new(2564)),
        reporting_quarter: Some(Quarter::Q4),
        contact: owner.clone(),
        contact_email: String::new(),
        certification: Certification {
            name: s("นางสาววันดี เจริญประวัตติ"),
            position: s("รักษาการในตำแหน่ง หัวหน้าสำนักงานรัฐมนตรี"),
            date: s("11 ต.ค. 2564"),
        },
        kpis: vec![cabinet_submissions(owner)],
        // The seed pads its plan with runs of dots ("..", "....."), stripped here; lines the
        // seed wraps are joined. Its plan has no three-tier criteria, so the tiers stay empty.
        plan: ProcessPlan {
            process: s("เพิ่มประสิทธิภาพการปฏิบัติงานในการเสนอเรื่องต่อที่ประชุมคณะรัฐมนตรี"),
            clients: s(
                "๑. เจ้าหน้าที่ผู้ปฏิบัติงานเสนอเรื่องต่อที่ประชุมคณะรัฐมนตรี ๒. เจ้าหน้าที่สำนักเลขาธิการคณะรัฐมนตรี",
            ),
            stakeholders: s(
                "๑. บุคลากรของหน่วยงานในสังกัดกระทรวงการคลัง ๒. เจ้าหน้าที่สำนักเลขาธิการคณะรัฐมนตรี ๓. ประชาชน",
            ),
            indicator: s("ระดับความสำเร็จในการเสนอเรื่องต่อที่ประชุมคณะรัฐมนตรี"),
            tier_quality: String::new(),
            tier_standard: String::new(),
            tier_improve: String::new(),
            digital: s(concat!(
                "๑. จัดให้มีกลุ่มไลน์ผู้ประสานงาน ครม. ของหน่วยงานในสังกัด กค. เพื่อแจ้งข้อมูลเกี่ยวกับกฎหมาย ระเบียบ หลักเกณฑ์ ในการเสนอเรื่องต่อที่ประชุม ครม. รวมถึงข้อมูลต่างๆ ที่เกี่ยวข้องกับงาน ครม.\n",
                "๒. การส่งเอกสารประกอบเรื่องเพื่อเสนอต่อที่ประชุมคณะรัฐมนตรีผ่านช่องทางจดหมายอิเล็กทรอนิกส์ (E-Mail) หรือ QR Code",
            )),
            step_reduction: s(concat!(
                "๑. ให้คำปรึกษาและประสานงานการเสนอเรื่องต่อที่ประชุมคณะรัฐมนตรี\n",
                "๒. การส่งข้อมูลเกี่ยวกับงาน ครม. ผ่านช่องทางกลุ่มไลน์ผู้ประสานงาน ครม. ของหน่วยงานในสังกัด กค.",
            )),
            // The seed's table marks only the first month (ต.ค.๖๓) of each activity, with an
            // arrow; that is all there is to transcribe. The owner cell is filled for the first
            // activity only (its "สนับสนุน วิชาการ" is a wrapped cell, joined here).
            activities: vec![
                activity(
                    "๑. ตั้งกลุ่มไลน์ผู้ประสานงาน ครม. ของหน่วยงาน ในสังกัด กค.",
                    "↔",
                    "สร.กค. (กลุ่มสนับสนุนวิชาการ : วชก.)",
                ),
                activity(
                    "๒. เผยแพร่องค์ความรู้ด้านกฎหมาย ระเบียบ หลักเกณฑ์ ในการเสนอเรื่องต่อที่ประชุม ครม. ผ่านกลุ่มไลน์ผู้ประสานงาน ครม. ของ หน่วยงานในสังกัด กค.",
                    "←",
                    "",
                ),
                activity("๓. ให้คำปรึกษาและประสานงานการเสนอเรื่อง ต่อที่ประชุม ครม.", "←", ""),
                activity(
                    "๔. กำกับเส้นทางการเสนอเรื่องให้เป็นไปตาม ระเบียบงานสารบรรณ",
                    "←",
                    "",
                ),
                activity("๕. จัดทำฐานข้อมูลเกี่ยวกับการเสนอเรื่อง ต่อที่ประชุมคณะรัฐมนตรี", "←", ""),
                activity("๖. อัปเดตสถานะของฐานข้อมูลให้เป็นปัจจุบัน", "←", ""),
            ],
            expected_results: s(concat!(
                "๑. กระทรวงการคลังสามารถเสนอเรื่องต่อที่ประชุมคณะรัฐมนตรีได้\n",
                "๒. เพื่อเสริมสร้างศักยภาพการดำเนินงานของกระทรวงการคลังและเพิ่มประสิทธิภาพการขับเคลื่อนทางการคลังและเศรษฐกิจของประเทศ",
            )),
        },
        log: Vec::new(),
    }
}

/// สร. 1, the result card of seed 003. The name is the seed's ตัวชี้วัด cell as written, code
/// prefix included.
fn cabinet_submissions(owner: Contact) -> Kpi {
    Kpi {
        code: s("สร. 1"),
        name: s(
            "สร. 1 ร้อยละความสำเร็จในการนำเสนอข้อมูลประชุมรัฐสภา ประชุมคณะรัฐมนตรี และการประสานงาน เพื่อเตรียมข้อมูลประกอบการพิจารณาของผู้บริหารได้ถูกต้อง และทันตามกำหนดเวลา",
        ),
        action_plan: s("การเพิ่มประสิทธิภาพการดำเนินงาน"),
        strategic_issue: s(
            "เสริมสร้างศักยภาพการประสานงานภารกิจด้านการประชุมรัฐสภา และการประชุม คณะรัฐมนตรี ของกระทรวงการคลัง",
        ),
        dimension: s("มิติด้านประสิทธิผลตามยุทธศาสตร์"),
        goal: s(
            "rb1 ภารกิจด้านการประชุมรัฐสภา และการประชุมคณะรัฐมนตรีของกระทรวงการคลัง สัมฤทธิ์ผลอย่างมีประสิทธิภาพ",
        ),
        weight: 30.0,
        description: s(
            "ตามกฎกระทรวงแบ่งส่วนราชการสำนักงานรัฐมนตรี กระทรวงการคลัง พ.ศ. 2545 ข้อ 1 ได้กำหนดให้ สำนักงานรัฐมนตรี มีภารกิจหลักในราชการทางการเมือง เพื่อสนับสนุนภารกิจของรัฐมนตรี ซึ่งภารกิจหลัก อันสำคัญยิ่งประการหนึ่งของรัฐมนตรี ได้แก่ ภารกิจด้านนิติบัญญัติ และภารกิจด้านการประชุม คณะรัฐมนตรี ซึ่งกฎกระทรวงได้ระบุอำนาจหน้าที่ของสำนักงานรัฐมนตรี ในการรวบรวม วิเคราะห์และ กลั่นกรองข้อมูล รวมถึงการประสานงานเพื่อเตรียมข้อมูลประกอบการพิจารณาของรัฐมนตรีไว้อย่างชัดเจน ในการนี้เนื่องจากภารกิจของรัฐมนตรีมีความสำคัญและความเร่งด่วนเป็นอย่างยิ่ง จำเป็นที่สำนักงาน รัฐมนตรี จะต้องดำเนินการให้เป็นไปตามอำนาจหน้าที่อย่างถูกต้อง และทันเวลา",
        ),
        kind: KpiKind::Interpolated,
        direction: Direction::HigherIsBetter,
        thresholds: [86.0, 88.0, 90.0, 92.0, 94.0],
        level_descriptions: Default::default(),
        conditions: s("-"),
        unit: s("ร้อยละ"),
        target: s("95"),
        baselines: [s("-"), s("-"), s("-")],
        data_source: s(
            "1. กลุ่มงานประสานการเมือง สำนักงานรัฐมนตรี กระทรวงการคลัง เป็นผู้รวบรวมข้อมูลด้านนิติบัญญัติ 2. กลุ่มงานสนับสนุนวิชาการ สำนักงานรัฐมนตรี กระทรวงการคลัง เป็นผู้รวบรวมข้อมูลด้านการประชุม คณะรัฐมนตรี",
        ),
        owner,
        supporter: contact(
            "1. นายศิรินทร์ ลิ่มนิจสรกุล (หน.กลุ่มงานประสานการเมือง) 2. น.ส.วันดี เจริญประวัตติ (หน.กลุ่มงานสนับสนุนวิชาการ)",
            "2403 , 2431",
        ),
        quarters: [
            report(
                88.0,
                "88",
                "สามารถดำเนินการนำเสนอข้อมูลและประสานงานการประชุมรัฐสภา และการประชุมคณะรัฐมนตรีเพื่อเตรียมข้อมูลประกอบการพิจารณาของรัฐมนตรีได้ อย่างถูกต้องทัน กำหนดเวลา ทั้งนี้ 1) การนำเสนอข้อมูลประชุมรัฐสภา ในส่วน ข้อปรึกษาหารือของสภาผู้แทนราษฎร ในเดือน ตุลาคม 2563 - ธันวาคม 2563 มีจำนวนหนังสือที่เสนอจำนวน 16 เรื่อง สามารถเสนอได้ทันจำนวน 16 เรื่อง 2) การนำเสนอข้อมูลประชุมคณะรัฐมนตรี ในเดือน ตุลาคม 2563 - ธันวาคม 2563 มีจำนวนหนังสือที่เสนอจำนวน 122 เรื่อง เสนอไม่ทันจำนวน 5 เรื่อง",
                Some((2.0, 0.6)),
                "- ไม่มี -",
            ),
            report(
                90.0,
                "90",
                "สามารถดำเนินการนำเสนอข้อมูลและประสานงานการประชุมรัฐสภา และการประชุมคณะรัฐมนตรีเพื่อเตรียมข้อมูลประกอบการพิจารณาของรัฐมนตรีได้ อย่างถูกต้อง ทัน กำหนดเวลา ทั้งนี้ 1) การนำเสนอข้อมูลประชุมรัฐสภา ในส่วน ข้อปรึกษาหารือของสภาผู้แทนราษฎร ในเดือน มกราคม 2564 - มีนาคม 2564 มีจำนวนหนังสือที่เสนอจำนวน 66 เรื่อง สามารถเสนอได้ทันจำนวน 66 เรื่อง 2) การนำเสนอข้อมูลประชุมคณะรัฐมนตรี ในเดือน มกราคม 2564 - มีนาคม 2564 มีจำนวนหนังสือที่เสนอจำนวน 153 เรื่อง เสนอไม่ทันจำนวน 12 เรื่อง",
                Some((3.0, 0.9)),
                "",
            ),
            report(
                88.0,
                "88",
                "สามารถดำเนินการนำเสนอข้อมูลและประสานงานการประชุมรัฐสภา และการประชุมคณะรัฐมนตรีเพื่อเตรียมข้อมูลประกอบการพิจารณาของรัฐมนตรีได้ อย่างถูกต้อง ทัน กำหนดเวลา ทั้งนี้ 1) การนำเสนอข้อมูลประชุมรัฐสภา ในส่วนข้อปรึกษาหารือของสภาผู้แทนราษฎร ในเดือน เมษายน 2564 - มิถุนายน 2564 มีจำนวนหนังสือที่เสนอจำนวน 35 เรื่อง สามารถเสนอได้ทันจำนวน 35 เรื่อง 2) การนำเสนอข้อมูลประชุมคณะรัฐมนตรี ในเดือน เมษายน 2564 - มิถุนายน 2564 มีจำนวนหนังสือที่เสนอจำนวน 126 เรื่อง เสนอไม่ทันจำนวน 9 เรื่อง",
                Some((2.0, 0.6)),
                "",
            ),
            report(
                92.0,
                "92",
                "(ว่าง) สามารถดำเนินการนำเสนอข้อมูลและประสานงานการประชุมรัฐสภา และการประชุมคณะรัฐมนตรีเพื่อเตรียมข้อมูลประกอบการพิจารณาของรัฐมนตรีได้ อย่างถูกต้อง ทัน กำหนดเวลา ทั้งนี้ 1) การนำเสนอข้อมูลประชุมรัฐสภา ในส่วนข้อปรึกษาหารือของสภาผู้แทนราษฎร ในเดือน กรกฎาคม 2564 - กันยายน 2564 มีจำนวนหนังสือที่เสนอจำนวน 172 เรื่อง สามารถเสนอได้ทันจำนวน 172 เรื่อง 2) การนำเสนอข้อมูลประชุมคณะรัฐมนตรี ในเดือน กรกฎาคม 2564 - กันยายน 2564 มีจำนวนหนังสือที่เสนอจำนวน 133 เรื่อง เสนอไม่ทันจำนวน 20 เรื่อง",
                Some((4.0, 1.2)),
                "",
            ),
        ],
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn contact(name: &str, phone: &str) -> Contact {
    Contact {
        name: s(name),
        phone: s(phone),
    }
}

/// One quarter's report; `own` is the (score, weighted score) the division typed, if any.
fn report(
    result: f64,
    result_text: &str,
    details: &str,
    own: Option<(f64, f64)>,
    evidence: &str,
) -> QuarterReport {
    QuarterReport {
        result: Some(result),
        result_text: Some(s(result_text)),
        details: s(details),
        own_score: own.map(|(score, _)| score),
        own_weighted: own.map(|(_, weighted)| weighted),
        evidence: s(evidence),
    }
}

/// An activity marked in the first month (ต.ค.) only, with no budget ("-").
fn activity(name: &str, first_month: &str, owner: &str) -> Activity {
    let mut months: [String; 12] = Default::default();
    months[0] = s(first_month);
    Activity {
        name: s(name),
        months,
        budget: s("-"),
        owner: s(owner),
    }
}

fn entry(
    date_text: &str,
    area: &str,
    units: Option<f64>,
    mode: &str,
    cost: Option<f64>,
    note: &str,
) -> LogEntry {
    LogEntry {
        kpi_code: s(INSPECTION_KPI),
        date_text: s(date_text),
        start: None,
        end: None,
        area: s(area),
        units,
        mode: s(mode),
        cost,
        note: s(note),
    }
}

/// ตรวจปกติ Conference rows: (date, area, units).
fn conference(log: &mut Vec<LogEntry>, inspector: &str, rows: &[(&str, &str, f64)]) {
    log.extend(rows.iter().map(|&(date, area, units)| {
        entry(date, area, Some(units), MODE_CONFERENCE, None, inspector)
    }));
}

/// ตรวจปกติ (เอกสาร) rows: (area, units); the seed gives them no date.
fn on_paper(log: &mut Vec<LogEntry>, inspector: &str, rows: &[(&str, f64)]) {
    log.extend(
        rows.iter()
            .map(|&(area, units)| entry("", area, Some(units), MODE_ON_PAPER, None, inspector)),
    );
}

/// ลงพื้นที่ rows: (date, area, units, cost in baht).
fn on_site(
    log: &mut Vec<LogEntry>,
    inspector: &str,
    rows: &[(&str, &str, Option<f64>, Option<f64>)],
) {
    log.extend(
        rows.iter().map(|&(date, area, units, cost)| {
            entry(date, area, units, MODE_ON_SITE, cost, inspector)
        }),
    );
}

/// ตรวจบูรณาการ Conference rows: (date, area, person who attended); no unit count.
fn integrated(log: &mut Vec<LogEntry>, rows: &[(&str, &str, &str)]) {
    log.extend(
        rows.iter()
            .map(|&(date, area, person)| entry(date, area, None, MODE_INTEGRATED, None, person)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::BelowLevel1;
    use crate::domain::scoring::score_kpi;

    fn kpi<'a>(sub: &'a Submission, code: &str) -> &'a Kpi {
        sub.kpis
            .iter()
            .find(|k| k.code == code)
            .unwrap_or_else(|| panic!("no KPI {code}"))
    }

    fn results(kpi: &Kpi) -> [Option<f64>; 4] {
        kpi.quarters.each_ref().map(|q| q.result)
    }

    /// Official scores and weighted scores per quarter.
    fn scored(kpi: &Kpi) -> ([Option<f64>; 4], [Option<f64>; 4]) {
        let scores = score_kpi(kpi, BelowLevel1::Zero).expect("sample KPIs are scorable");
        (
            scores.each_ref().map(|q| q.score),
            scores.each_ref().map(|q| q.weighted),
        )
    }

    fn log_units(sub: &Submission, mode: &str) -> f64 {
        sub.log
            .iter()
            .filter(|e| e.mode == mode)
            .filter_map(|e| e.units)
            .sum()
    }

    #[test]
    fn units_inspected_has_the_golden_figures() {
        let sub = inspection_office();
        assert_eq!(sub.division.code, "สตป.");
        assert_eq!(sub.fiscal_year, Some(FiscalYear::new(2564)));
        assert_eq!(sub.reporting_quarter, Some(Quarter::Q4));
        let k = kpi(&sub, "สตป. 02");
        assert_eq!(k.thresholds, [0.0, 150.0, 300.0, 450.0, 826.0]);
        assert_eq!(
            results(k),
            [Some(0.0), Some(184.0), Some(464.0), Some(826.0)]
        );
        let (scores, weighted) = scored(k);
        assert_eq!(scores, [Some(1.0), Some(2.2267), Some(4.0372), Some(5.0)]);
        assert_eq!(weighted, [Some(0.3), Some(0.668), Some(1.2112), Some(1.5)]);
        // The division's own figures agree with the official ones.
        assert_eq!(scores, k.quarters.each_ref().map(|q| q.own_score));
        assert_eq!(weighted, k.quarters.each_ref().map(|q| q.own_weighted));
        assert_eq!(
            k.report(Quarter::Q4).evidence,
            "1. รายงานผลจำนวนหน่วยรับตรวจฯ ไตรมาส 4"
        );
    }

    #[test]
    fn service_centre_is_a_milestone_ending_at_level_5() {
        let sub = inspection_office();
        let k = kpi(&sub, "สตป. 03");
        assert_eq!(k.kind, KpiKind::Milestone);
        assert_eq!(results(k), [Some(1.0), Some(2.0), Some(3.0), Some(5.0)]);
        assert_eq!(k.report(Quarter::Q4).result_text.as_deref(), Some("4-5"));
        let (scores, weighted) = scored(k);
        assert_eq!(scores, [Some(1.0), Some(2.0), Some(3.0), Some(5.0)]);
        assert_eq!(weighted, [Some(0.2), Some(0.4), Some(0.6), Some(1.0)]);
        assert!(k.quarters.iter().all(|q| q.own_score.is_none()));
    }

    #[test]
    fn cabinet_submissions_has_the_golden_figures() {
        let sub = ministers_office();
        assert_eq!(sub.division.code, "สร.");
        assert_eq!(sub.kpis.len(), 1);
        let k = kpi(&sub, "สร. 1");
        assert_eq!(k.thresholds, [86.0, 88.0, 90.0, 92.0, 94.0]);
        assert_eq!(results(k), [Some(88.0), Some(90.0), Some(88.0), Some(92.0)]);
        let (scores, weighted) = scored(k);
        assert_eq!(scores, [Some(2.0), Some(3.0), Some(2.0), Some(4.0)]);
        assert_eq!(weighted, [Some(0.6), Some(0.9), Some(0.6), Some(1.2)]);
        assert_eq!(scores, k.quarters.each_ref().map(|q| q.own_score));
        assert_eq!(weighted, k.quarters.each_ref().map(|q| q.own_weighted));
        assert_eq!(k.report(Quarter::Q1).evidence, "- ไม่มี -");
        assert!(sub.log.is_empty());
    }

    #[test]
    fn ministers_plan_has_six_activities_starting_in_october() {
        let plan = ministers_office().plan;
        assert_eq!(plan.activities.len(), 6);
        for a in &plan.activities {
            assert_eq!(a.active_months().collect::<Vec<_>>(), [0]);
            assert_eq!(a.budget, "-");
        }
        assert_eq!(plan.activities[0].months[0], "↔");
        assert_eq!(plan.activities[5].months[0], "←");
        assert_eq!(plan.digital.lines().count(), 2);
        assert_eq!(plan.step_reduction.lines().count(), 2);
        assert_eq!(plan.expected_results.lines().count(), 2);
        // The dots the seed uses as fill are gone.
        assert!(!plan.process.contains(".."));
        assert!(!plan.digital.contains(".."));
    }

    #[test]
    fn inspection_log_keeps_the_seed_text() {
        let log = inspection_office().log;
        let dated = |text: &str| log.iter().any(|e| e.date_text == text);
        assert!(dated("๘ มี.ย. ๖๔"), "the มี.ย. typo is kept");
        assert!(dated("๒๔ ส.ค. ๖๐"), "the ๖๐ typo is kept");
        assert!(dated("๒๒ - ๒๓ มี.ค. ๖๔"));
        assert!(log.iter().any(|e| e.cost == Some(14760.0)));
        assert!(log.iter().all(|e| e.kpi_code == "สตป. 02"));
        assert!(log.iter().all(|e| e.start.is_none() && e.end.is_none()));
        assert!(
            log.iter()
                .all(|e| e.units.is_some() || !e.date_text.is_empty())
        );
        assert!(
            log.iter()
                .filter(|e| e.mode == MODE_INTEGRATED)
                .all(|e| e.units.is_none() && !e.note.is_empty())
        );
    }

    /// The log as transcribed does not reconcile with the reported 826 (nor with the seed's own
    /// totals row, 649 + 102 + 75 and ๘๒,๐๙๐ baht): the figures are pinned so that a change to
    /// the transcription is deliberate.
    #[test]
    fn inspection_log_totals_are_pinned() {
        let sub = inspection_office();
        let count = |mode: &str| sub.log.iter().filter(|e| e.mode == mode).count();
        assert_eq!(count(MODE_CONFERENCE), 41);
        assert_eq!(count(MODE_ON_PAPER), 15);
        assert_eq!(count(MODE_ON_SITE), 8);
        assert_eq!(count(MODE_INTEGRATED), 30);
        assert_eq!(log_units(&sub, MODE_CONFERENCE), 395.0);
        assert_eq!(log_units(&sub, MODE_ON_PAPER), 95.0);
        assert_eq!(log_units(&sub, MODE_ON_SITE), 49.0);
        assert_eq!(log_units(&sub, MODE_INTEGRATED), 0.0);
        let units: f64 = sub.log.iter().filter_map(|e| e.units).sum();
        assert_eq!(units, 539.0);
        let cost: f64 = sub.log.iter().filter_map(|e| e.cost).sum();
        assert_eq!(cost, 68115.0);
    }

    #[test]
    fn samples_survive_a_json_round_trip() {
        for sub in [inspection_office(), ministers_office()] {
            let json = serde_json::to_string(&sub).unwrap();
            let back: Submission = serde_json::from_str(&json).unwrap();
            assert_eq!(back, sub);
        }
    }
}
