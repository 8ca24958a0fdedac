//! Notes a marketplace pull keeps between runs (`sync_state`: key, value, when written), and the
//! stored postings read back whole.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::postings::load;
use super::{stamp, Store, StoreError};
use crate::order::Posting;

impl Store {
    /// The note stored under `key` (e.g. `ozon.last_pull`), if any.
    pub fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Stores `value` under `key`, replacing what was there.
    pub fn set_sync_value(
        &mut self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3",
            )?
            .execute(params![key, value, stamp(now)])?;
        Ok(())
    }

    /// Whether the store holds this posting.
    pub fn contains(&self, number: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM postings WHERE posting_number = ?1")?
            .query_row([number], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Every stored posting, oldest processing time first (then by number).
    pub fn all_postings(&self) -> Result<Vec<Posting>, StoreError> {
        let numbers: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT posting_number FROM postings
                 ORDER BY in_process_at IS NULL, in_process_at, posting_number",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut postings = Vec::with_capacity(numbers.len());
        for number in numbers {
            if let Some(p) = load(&self.conn, &number)? {
                postings.push(p);
            }
        }
        Ok(postings)
    }
}
