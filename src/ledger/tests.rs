use rusqlite::params;

use super::schema::MIGRATIONS;
use super::stored::deflate;
use super::*;
use crate::domain::model::Submission;

fn version(path: &str, sha: &str, key: &str, status: Status) -> NewVersion {
    NewVersion {
        path: path.into(),
        size: 10,
        mtime_ns: 1,
        sha256: sha.into(),
        received_at: "2026-11-25 09:00".into(),
        division_key: key.into(),
        division_code: key.into(),
        division_name: "x".into(),
        fiscal_year: Some(2564),
        status,
        diagnostics: vec![],
        data: Some(StoredData::of(&Submission::default()).unwrap()),
        archive_path: format!("archive/{sha}"),
        reporting_quarter: Some(4),
        kpi_codes: vec![format!("{key}-1")],
        certified_by: String::new(),
        contact: Default::default(),
    }
}

#[test]
fn newest_accepted_version_is_current_and_older_ones_stay() {
    let mut l = Ledger::open_in_memory().unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    let b = Batch {
        versions: vec![
            version("a/k.xlsx", "1", "ก", Status::Accepted),
            version("b/k.xlsx", "2", "ข", Status::Accepted),
        ],
        ..Batch::default()
    };
    l.record(&b).unwrap();
    let b = Batch {
        versions: vec![
            version("a/k.xlsx", "3", "ก", Status::Accepted),
            version("b/k.xlsx", "4", "ข", Status::Rejected),
        ],
        ..Batch::default()
    };
    l.record(&b).unwrap();
    let current: Vec<_> = l.current().unwrap().into_iter().map(|v| v.sha256).collect();
    assert_eq!(
        current,
        ["3", "2"],
        "a rejected version never replaces an accepted one"
    );
    assert_eq!(l.all_versions().unwrap().len(), 4);
    let newest = &l.current().unwrap()[0];
    assert_eq!(l.previous_accepted(newest).unwrap().unwrap().sha256, "1");
    assert_eq!(l.generation().unwrap(), 2);
    assert_eq!(l.files().unwrap()["b/k.xlsx"].sha256, "4");
    assert_eq!(l.integrity_check().unwrap(), "ok");
    assert_eq!(
        l.kpi_holders("ก-1", 2564, "ข").unwrap(),
        [("ก".to_owned(), "a/k.xlsx".to_owned())]
    );
    assert!(l.kpi_holders("ก-1", 2564, "ก").unwrap().is_empty());
    assert_eq!(
        l.division_files("ก", 2564, "x").unwrap(),
        [("a/k.xlsx".to_owned(), Some(4))]
    );
}

#[test]
fn the_version_lists_read_at_once_are_those_the_three_queries_give() {
    let mut l = Ledger::open_in_memory().unwrap();
    let with_year = |mut v: NewVersion, fy: Option<i32>| {
        v.fiscal_year = fy;
        v
    };
    let batches = [
        vec![
            version("ข/k.xlsx", "1", "ข", Status::Accepted),
            version("a/k.xlsx", "2", "a", Status::Accepted),
            with_year(
                version("a/k-2565.xlsx", "3", "a", Status::Accepted),
                Some(2565),
            ),
            with_year(version("x.xlsx", "4", "", Status::Rejected), None),
        ],
        vec![
            version("ข/k.xlsx", "5", "ข", Status::Rejected),
            version("a/k.xlsx", "6", "a", Status::Accepted),
            with_year(version("a/old.xlsx", "7", "a", Status::Accepted), None),
            version("ก/k.xlsx", "8", "ก", Status::Accepted),
            version("B/k.xlsx", "9", "B", Status::Accepted),
        ],
    ];
    for versions in batches {
        l.record(&Batch {
            versions,
            ..Batch::default()
        })
        .unwrap();
    }
    l.record(&Batch {
        removed: vec!["a/old.xlsx".into()],
        at: "now".into(),
        ..Batch::default()
    })
    .unwrap();
    let ids = |vs: &[StoredVersion]| vs.iter().map(|v| v.id).collect::<Vec<_>>();
    let lists = l.versions_at_once().unwrap();
    assert_eq!(ids(&lists.all), ids(&l.all_versions().unwrap()));
    assert_eq!(ids(&lists.current), ids(&l.current().unwrap()));
    let flags =
        |vs: &[(StoredVersion, bool)]| vs.iter().map(|(v, p)| (v.id, *p)).collect::<Vec<_>>();
    assert_eq!(flags(&lists.latest), flags(&l.latest_per_path().unwrap()));
    // The cases the comparison is for: a division with two years, a year left blank, a
    // rejected newest version, a removed file, and codes that sort differently as bytes.
    assert_eq!(lists.current.len(), 6);
    assert!(lists.latest.iter().any(|(_, present)| !present));
}

#[test]
fn removal_keeps_the_version() {
    let mut l = Ledger::open_in_memory().unwrap();
    l.record(&Batch {
        versions: vec![version("a.xlsx", "1", "ก", Status::Accepted)],
        ..Batch::default()
    })
    .unwrap();
    l.record(&Batch {
        removed: vec!["a.xlsx".into()],
        at: "now".into(),
        ..Batch::default()
    })
    .unwrap();
    assert!(!l.files().unwrap()["a.xlsx"].present);
    assert_eq!(l.current().unwrap().len(), 1);
    let latest = l.latest_per_path().unwrap();
    assert!(!latest[0].1);
}

#[test]
fn migration_2_backfills_kpi_codes_from_stored_data() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ledger.sqlite");
    {
        // A ledger as the first release left it.
        let c = Connection::open(&p).unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        let data = serde_json::to_string(&crate::domain::samples::ministers_office()).unwrap();
        c.execute(
            "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
             division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
             data, archive_path) VALUES ('a', 1, 1, 'x', 'now', 'สร.', 'สร.', 'n', 2564, \
             'accepted', 0, 0, '[]', ?1, 'a')",
            [data],
        )
        .unwrap();
    }
    let l = Ledger::open(&p).unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        l.kpi_holders("สร.1", 2564, "other").unwrap(),
        [("สร.".to_owned(), "a".to_owned())]
    );
    let rq: Option<i64> = l
        .conn
        .query_row("SELECT reporting_quarter FROM versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rq, Some(4));
    // Migration 4 moved the data out of `versions`.
    let sub = l.submission(1).unwrap().unwrap();
    assert_eq!(sub.division.code, "สร.");
    let left: Option<String> = l
        .conn
        .query_row("SELECT data FROM versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, None);
}

#[test]
fn migration_7_escapes_backslashes_in_file_keys() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ledger.sqlite");
    {
        // A ledger of schema 6 with a file whose raw name holds a backslash.
        let c = crate::ledger::schema::ledger_at(&p, 6);
        c.execute_batch(
            "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
             division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
             archive_path) VALUES ('d/a\\b.xlsx', 1, 1, 'x', 'now', 'k', 'k', 'n', 2564, \
             'accepted', 0, 0, '[]', 'a'), ('plain.xlsx', 1, 1, 'y', 'now', 'k', 'k', 'n', \
             2564, 'accepted', 0, 0, '[]', 'b');
             INSERT INTO files (path, size, mtime_ns, sha256, version_id) VALUES \
             ('d/a\\b.xlsx', 1, 1, 'x', 1), ('plain.xlsx', 1, 1, 'y', 2);",
        )
        .unwrap();
    }
    let l = Ledger::open(&p).unwrap();
    let mut keys: Vec<String> = l.files().unwrap().into_keys().collect();
    keys.sort();
    assert_eq!(keys, ["d/a\\\\b.xlsx", "plain.xlsx"]);
    let paths: Vec<String> = l
        .all_versions()
        .unwrap()
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(paths, ["d/a\\\\b.xlsx", "plain.xlsx"]);
}

/// A ledger holding one accepted version of the inspection office's example workbook.
fn ledger_with_sample() -> (Ledger, Submission, i64) {
    let mut l = Ledger::open_in_memory().unwrap();
    let sub = crate::domain::samples::inspection_office();
    let mut v = version("a.xlsx", "1", "สตป.", Status::Accepted);
    v.data = Some(StoredData::of(&sub).unwrap());
    let id = l
        .record(&Batch {
            versions: vec![v],
            ..Batch::default()
        })
        .unwrap()[0];
    (l, sub, id)
}

#[test]
fn the_ledger_keeps_what_summaries_and_receipts_show() {
    let (l, sub, id) = ledger_with_sample();
    let stored = l.submission(id).unwrap().unwrap();
    let mut expected = sub.clone();
    slim(&mut expected);
    assert_eq!(stored, expected);
    assert!(!sub.log.is_empty() && stored.log.is_empty());
    assert!(!sub.kpis[0].description.is_empty() && stored.kpis[0].description.is_empty());
    // Everything a score, a summary row or a receipt line is made of is kept.
    assert_eq!(stored.division, sub.division);
    for (kept, full) in stored.kpis.iter().zip(&sub.kpis) {
        assert_eq!(
            (
                &kept.code,
                &kept.name,
                kept.weight,
                kept.thresholds,
                &kept.quarters.len()
            ),
            (
                &full.code,
                &full.name,
                full.weight,
                full.thresholds,
                &full.quarters.len()
            )
        );
        for q in crate::domain::model::Quarter::ALL {
            assert_eq!(kept.report(q).result, full.report(q).result);
        }
    }
    assert_eq!(stored.plan.activities, sub.plan.activities);
    let log: Option<String> = l
        .conn
        .query_row("SELECT log FROM versions WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(log, None);
}

#[test]
fn submissions_are_stored_deflated_and_older_json_still_reads() {
    let (l, sub, id) = ledger_with_sample();
    let (kind, size): (String, i64) = l
        .conn
        .query_row(
            "SELECT typeof(data), length(data) FROM submissions WHERE version_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut kept = sub.clone();
    slim(&mut kept);
    let json = serde_json::to_string(&kept).unwrap();
    assert_eq!(kind, "blob");
    assert!(size * 2 < json.len() as i64, "{size} of {}", json.len());
    assert_eq!(l.submission(id).unwrap().unwrap(), kept);

    // A row an older kpiwatch wrote as JSON text.
    l.conn
        .execute(
            "UPDATE submissions SET data = ?1 WHERE version_id = ?2",
            params![json, id],
        )
        .unwrap();
    assert!(matches!(
        l.stored_submission(id).unwrap(),
        Some(StoredSubmission::Json(_))
    ));
    assert_eq!(l.submission(id).unwrap().unwrap(), kept);

    // Damaged stored data is an error naming the version, not a panic.
    l.conn
        .execute(
            "UPDATE submissions SET data = x'00ff00' WHERE version_id = ?1",
            [id],
        )
        .unwrap();
    assert!(matches!(
        l.submission(id),
        Err(LedgerError::Data { id: bad, .. }) if bad == id
    ));
}

#[test]
fn blank_fields_are_left_out_of_stored_json_and_older_rows_with_them_still_read() {
    let mut sub = crate::domain::samples::inspection_office();
    slim(&mut sub);
    let json = serde_json::to_string(&sub).unwrap();
    for left_out in ["\"action_plan\"", "\"evidence\"", "\"owner\"", "\"log\""] {
        assert!(!json.contains(left_out), "{left_out} in {json}");
    }
    assert_eq!(serde_json::from_str::<Submission>(&json).unwrap(), sub);

    // As kpiwatch wrote a row before blank fields were left out: every field present.
    let older = r#"{"division":{"code":"สก.05003","name":"กองเศรษฐกิจการคลัง ภาค 4"},"fiscal_year":2567,"reporting_quarter":"Q3","contact":{"name":"นางวรรณา","phone":"0 2126 5800"},"contact_email":"kpi@example.go.th","kpis":[{"code":"สก.05003 01","name":"ระดับความสำเร็จ","action_plan":"","strategic_issue":"","dimension":"","goal":"","weight":20.0,"description":"","kind":"milestone","direction":"higher_is_better","thresholds":[1.0,2.0,3.0,4.0,5.0],"level_descriptions":["","","","",""],"conditions":"","unit":"ระดับ","target":"5","baselines":["","",""],"data_source":"","owner":{"name":"","phone":""},"supporter":{"name":"","phone":""},"quarters":[{"result":1.0,"result_text":"1","details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""},{"result":null,"result_text":null,"details":"","own_score":null,"own_weighted":null,"evidence":""}]}],"plan":{"process":"","clients":"","stakeholders":"","indicator":"","tier_quality":"","tier_standard":"","tier_improve":"","digital":"","step_reduction":"","activities":[],"expected_results":""},"log":[]}"#;
    let read: Submission = serde_json::from_str(older).unwrap();
    assert_eq!(read.kpis[0].quarters[0].result_text.as_deref(), Some("1"));
    assert_eq!(read.kpis[0].weight, 20.0);
    // Written again, it is the shorter form, and reads back the same.
    let again = serde_json::to_string(&read).unwrap();
    assert!(again.len() * 3 < older.len() * 2, "{again}");
    assert_eq!(serde_json::from_str::<Submission>(&again).unwrap(), read);
}

#[test]
fn the_reused_compressor_starts_afresh_and_grows_its_output() {
    use std::io::Read;
    let inflate = |bytes: &[u8]| {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    // Barely compressible, so the output outgrows its first allocation several times.
    let mut x = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let text = "ผลการดำเนินงาน ".repeat(2_000).into_bytes();
    for input in [&noise, &text, &noise, &Vec::new()] {
        assert_eq!(inflate(&deflate(input).unwrap()), *input);
    }
}

#[test]
fn stored_data_of_a_whole_submission_equals_that_of_a_slimmed_one() {
    let sub = crate::domain::samples::inspection_office();
    let mut slimmed = sub.clone();
    let a = StoredData::of(&sub).unwrap();
    let b = StoredData::of_slimmed(&mut slimmed).unwrap();
    assert_eq!(a.data, b.data);
    assert!(slimmed.log.is_empty() && !sub.log.is_empty());
}

#[test]
fn concurrent_opens_of_a_new_ledger_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ledger.sqlite");
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let p = p.clone();
            std::thread::spawn(move || Ledger::open(&p).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    assert_eq!(
        Ledger::open(&p).unwrap().schema_version().unwrap(),
        SCHEMA_VERSION
    );
}

#[test]
fn reopening_migrates_once_and_refuses_newer_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("state/ledger.sqlite");
    Ledger::open(&p).unwrap();
    Ledger::open(&p).unwrap();
    let c = Connection::open(&p).unwrap();
    c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(c);
    assert!(matches!(Ledger::open(&p), Err(LedgerError::TooNew { .. })));
}

#[test]
fn a_copy_of_old_bytes_is_dated_by_their_first_arrival() {
    let mut l = Ledger::open_in_memory().unwrap();
    let mut first = version("a/k.xlsx", "same", "ก", Status::Accepted);
    first.received_at = "2021-01-10 08:00:00".into();
    let mut again = version("a/k2.xlsx", "same", "ก", Status::Accepted);
    again.received_at = "2021-02-01 08:00:00".into();
    let mut other = version("a/k3.xlsx", "new", "ก", Status::Accepted);
    other.received_at = "2021-02-02 08:00:00".into();
    l.record(&Batch {
        versions: vec![first, again, other],
        ..Batch::default()
    })
    .unwrap();
    let dates: Vec<String> = l
        .round_versions()
        .unwrap()
        .into_iter()
        .map(|v| v.first_received_at)
        .collect();
    assert_eq!(
        dates,
        [
            "2021-01-10 08:00:00",
            "2021-01-10 08:00:00",
            "2021-02-02 08:00:00"
        ]
    );
}

#[test]
fn the_rounds_migration_upgrades_a_ledger_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ledger.sqlite");
    {
        let c = crate::ledger::schema::ledger_at(&p, 7);
        c.execute_batch(
            "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
             division_code, division_name, fiscal_year, status, errors, warnings, diagnostics, \
             archive_path, reporting_quarter) VALUES ('a.xlsx', 1, 1, 'x', '2021-01-20 10:00:00', \
             'k', 'k', 'n', 2564, 'accepted', 0, 0, '[]', 'a', 1);",
        )
        .unwrap();
    }
    let l = Ledger::open(&p).unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    let v = l.round_versions().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].reporting_quarter, Some(1));
    assert_eq!(v[0].first_received_at, "2021-01-20 10:00:00");
    assert_eq!(l.all_versions().unwrap()[0].certified_by, "");
}

#[test]
fn each_version_keeps_its_contact_and_older_ones_have_none() {
    let mut l = Ledger::open_in_memory().unwrap();
    let mut v = version("a/k.xlsx", "s1", "a", Status::Accepted);
    v.contact = VersionContact {
        name: "นายไฉ คงทวี".into(),
        phone: "0 2126 5800".into(),
        email: "chai@example.go.th".into(),
    };
    l.record(&Batch {
        versions: vec![v.clone(), version("b/k.xlsx", "s2", "b", Status::Accepted)],
        ..Batch::default()
    })
    .unwrap();
    // A version recorded before the ledger kept contacts.
    l.conn
        .execute(
            "UPDATE versions SET contact_name = NULL WHERE sha256 = 's2'",
            [],
        )
        .unwrap();
    let contacts = l.version_contacts().unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts.values().next(), Some(&v.contact));
}
