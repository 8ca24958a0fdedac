//! Notes a marketplace pull keeps between runs (`sync_state`: key, value, when written), and the
//! stored postings read back whole.

use chrono::{DateTime, Utc};

use super::db::params;
use super::postings::load;
use super::{stamp, Store, StoreError};
use crate::order::Posting;

impl Store {
    /// The note stored under `key` (e.g. `ozon.last_pull`), if any.
    pub fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.db
            .row("SELECT value FROM sync_state WHERE key = ?1", params![key])?
            .map(|r| r.text(0))
            .transpose()
    }

    /// Stores `value` under `key`, replacing what was there.
    pub fn set_sync_value(
        &mut self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.db.exec(
            "INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3",
            params![key, value, stamp(now)],
        )?;
        Ok(())
    }

    /// Whether the store holds this posting.
    pub fn contains(&self, number: &str) -> Result<bool, StoreError> {
        Ok(self
            .db
            .row(
                "SELECT 1 FROM postings WHERE posting_number = ?1",
                params![number],
            )?
            .is_some())
    }

    /// Every stored posting, oldest processing time first (then by number).
    pub fn all_postings(&self) -> Result<Vec<Posting>, StoreError> {
        let numbers: Vec<String> = self
            .db
            .rows(
                "SELECT posting_number FROM postings
                 ORDER BY in_process_at IS NULL, in_process_at, posting_number",
                params![],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        let mut postings = Vec::with_capacity(numbers.len());
        for number in numbers {
            if let Some(p) = load(&self.db, &number)? {
                postings.push(p);
            }
        }
        Ok(postings)
    }
}
