//! The mail outbox: messages recorded before they are sent and marked after, with their
//! attempts and the time of the next one, so that a crash or a down server neither loses nor
//! doubles one. What goes in a message is decided in [`crate::pass::mail`].

use rusqlite::{OptionalExtension, params};

use crate::ledger::{Ledger, LedgerError, StoredVersion};

/// A message to queue: its envelope and the whole formatted message, kept as it will be sent
/// (a retry sends the same bytes, with the same Message-ID).
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// `receipt`, `digest` or `reminder`.
    pub kind: &'static str,
    pub version_id: Option<i64>,
    pub recipients: Vec<String>,
    pub subject: String,
    pub message: Vec<u8>,
}

/// A queued message due to be sent.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub kind: String,
    pub recipients: Vec<String>,
    pub message: Vec<u8>,
    pub attempts: u32,
}

impl Ledger {
    /// Queues `messages` and sets the meta `marks` in one transaction: a mark says up to which
    /// version the messages were made, so a crash before the commit makes them again and one
    /// after it never does.
    pub fn queue_messages(
        &mut self,
        messages: &[NewMessage],
        marks: &[(&str, String)],
        at: &str,
    ) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        for m in messages {
            tx.prepare_cached(
                "INSERT INTO outbox (kind, version_id, recipients, subject, message, created_at, \
                 next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![
                m.kind,
                m.version_id,
                m.recipients.join("\n"),
                m.subject,
                m.message,
                at
            ])?;
        }
        for (key, value) in marks {
            tx.prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Queues each message under its key unless a message with that key was ever queued, in
    /// one transaction; the number actually queued. The unique key, not an earlier look, is what
    /// decides: two deciders at once, or one redoing its work after a crash, queue it once.
    pub fn queue_once(
        &mut self,
        messages: &[(String, NewMessage)],
        at: &str,
    ) -> Result<usize, LedgerError> {
        let tx = self.conn.transaction()?;
        let mut queued = 0;
        for (key, m) in messages {
            queued += tx
                .prepare_cached(
                    "INSERT INTO outbox (kind, version_id, recipients, subject, message, \
                     created_at, next_attempt_at, dedup_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) \
                     ON CONFLICT (dedup_key) DO NOTHING",
                )?
                .execute(params![
                    m.kind,
                    m.version_id,
                    m.recipients.join("\n"),
                    m.subject,
                    m.message,
                    at,
                    key
                ])?;
        }
        tx.commit()?;
        Ok(queued)
    }

    /// The keys of queued-once messages that start with `prefix`, whatever became of them.
    pub fn dedup_keys_starting(
        &self,
        prefix: &str,
    ) -> Result<std::collections::HashSet<String>, LedgerError> {
        // A range on the index: every key with the prefix sorts between it and it + U+10FFFF.
        let upper = format!("{prefix}\u{10FFFF}");
        let mut stmt = self.conn.prepare_cached(
            "SELECT dedup_key FROM outbox WHERE dedup_key >= ?1 AND dedup_key < ?2",
        )?;
        let rows = stmt.query_map(params![prefix, upper], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Versions recorded after `id`, oldest first.
    pub fn versions_after(&self, id: i64) -> Result<Vec<StoredVersion>, LedgerError> {
        self.versions_where("WHERE id > ?1 ORDER BY id", &[&id])
    }

    /// Queued messages whose next attempt is due at `now` (all queued ones when `now` is
    /// `None`), oldest first.
    pub fn messages_due(&self, now: Option<&str>) -> Result<Vec<Outgoing>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, recipients, message, attempts FROM outbox \
             WHERE status = 'queued' AND (?1 IS NULL OR next_attempt_at <= ?1) ORDER BY id",
        )?;
        let rows = stmt.query_map([now], |r| {
            Ok(Outgoing {
                id: r.get(0)?,
                kind: r.get(1)?,
                recipients: r
                    .get::<_, String>(2)?
                    .split('\n')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                message: r.get(3)?,
                attempts: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a message delivered: `sent` to the server, or `written` as a file (dry run).
    pub fn mark_message_done(
        &mut self,
        id: i64,
        status: &str,
        at: &str,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE outbox SET status = ?2, sent_at = ?3, attempts = attempts + 1, \
             last_error = NULL WHERE id = ?1",
            params![id, status, at],
        )?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `next_at`, or given up when `next_at` is `None`.
    pub fn mark_message_failed(
        &mut self,
        id: i64,
        error: &str,
        next_at: Option<&str>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, \
             next_attempt_at = COALESCE(?3, next_attempt_at), \
             status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE status END WHERE id = ?1",
            params![id, error, next_at],
        )?;
        Ok(())
    }

    /// How many messages are in each state, e.g. `[("queued", 2), ("sent", 10)]`.
    pub fn outbox_counts(&self) -> Result<Vec<(String, i64)>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A message's attempts and last error, for tests and troubleshooting.
    pub fn message_state(
        &self,
        id: i64,
    ) -> Result<Option<(String, u32, Option<String>)>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT status, attempts, last_error FROM outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {

    use crate::ledger::Ledger;
    use crate::ledger::schema::MIGRATIONS;

    /// A ledger from before the outbox upgrades in place, and its versions count as announced
    /// already: turning mail on later does not mail the history.
    #[test]
    fn an_existing_ledger_gains_the_outbox_without_mailing_its_history() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ledger.sqlite");
        let outbox = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE TABLE outbox"))
            .unwrap();
        {
            let c = crate::ledger::schema::ledger_at(&p, outbox);
            c.execute_batch(
                "INSERT INTO versions (path, size, mtime_ns, sha256, received_at, division_key, \
                 division_code, division_name, fiscal_year, status, errors, warnings, \
                 diagnostics, archive_path) VALUES ('a.xlsx', 1, 1, 'x', 'now', 'k', 'k', 'n', \
                 2564, 'accepted', 0, 0, '[]', 'a'), ('b.xlsx', 1, 1, 'y', 'now', 'k', 'k', 'n', \
                 2564, 'rejected', 1, 0, '[]', 'b');",
            )
            .unwrap();
        }
        let mut l = Ledger::open(&p).unwrap();
        assert_eq!(l.meta("mail_announced_upto").unwrap().as_deref(), Some("2"));
        assert_eq!(l.meta("mail_digested_upto").unwrap().as_deref(), Some("2"));
        assert_eq!(l.versions_after(1).unwrap().len(), 1);
        assert!(l.messages_due(None).unwrap().is_empty());
        let m = super::NewMessage {
            kind: "reminder",
            version_id: None,
            recipients: vec!["a@example.go.th".into()],
            subject: "s".into(),
            message: b"m".to_vec(),
        };
        l.queue_messages(&[m], &[], "2021-01-15 09:30:00").unwrap();
        let due = l.messages_due(Some("2021-01-15 09:30:00")).unwrap();
        assert_eq!(due.len(), 1);
        l.mark_message_failed(due[0].id, "down", Some("2021-01-15 09:31:00"))
            .unwrap();
        assert!(
            l.messages_due(Some("2021-01-15 09:30:30"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(l.messages_due(None).unwrap()[0].attempts, 1);
        l.mark_message_done(due[0].id, "sent", "2021-01-15 09:31:00")
            .unwrap();
        assert_eq!(l.outbox_counts().unwrap(), [("sent".to_owned(), 1)]);
    }

    /// A ledger whose outbox predates the once-only key upgrades in place: its messages stay,
    /// keyless, and a keyed message queues once however often it is offered.
    #[test]
    fn an_existing_outbox_gains_the_once_only_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ledger.sqlite");
        let keyed = MIGRATIONS
            .iter()
            .position(|m| m.contains("ADD COLUMN dedup_key"))
            .unwrap();
        {
            let c = crate::ledger::schema::ledger_at(&p, keyed);
            c.execute_batch(
                "INSERT INTO outbox (kind, recipients, subject, message, created_at, \
                 next_attempt_at) VALUES ('digest', 'p@example.go.th', 's', x'00', 't', 't');",
            )
            .unwrap();
        }
        let mut l = Ledger::open(&p).unwrap();
        assert_eq!(l.messages_due(None).unwrap().len(), 1);
        let m = super::NewMessage {
            kind: "reminder",
            version_id: None,
            recipients: vec!["a@example.go.th".into()],
            subject: "s".into(),
            message: b"m".to_vec(),
        };
        let key = "reminder:2564:2:7:ทส.001".to_owned();
        let other = "reminder:2564:2:1:ทส.001".to_owned();
        let at = "2021-04-08 09:00:00";
        assert_eq!(l.queue_once(&[(key.clone(), m.clone())], at).unwrap(), 1);
        assert_eq!(l.queue_once(&[(key.clone(), m.clone())], at).unwrap(), 0);
        assert_eq!(l.queue_once(&[(other.clone(), m)], at).unwrap(), 1);
        assert_eq!(l.messages_due(None).unwrap().len(), 3);
        let found = l.dedup_keys_starting("reminder:2564:2:7:").unwrap();
        assert_eq!(found.into_iter().collect::<Vec<_>>(), [key]);
    }
}
