//! Copying a whole store into another, empty one: a station's SQLite file into the warehouse's
//! PostgreSQL server (`shiplabel db copy`), or back. Rows are copied as stored (ids, times, history,
//! the journal), in one transaction of the target.

use super::db::{params, Backend, Value};
use super::{DatabaseError, Store, StoreError};

/// The tables and their columns, parents first.
const TABLES: [(&str, &str); 6] = [
    (
        "postings",
        "posting_number, order_number, status, substatus, data, updated_at, status_rank, \
         in_process_at, shipment_date, upper_barcode, lower_barcode",
    ),
    ("product_codes", "code, posting_number"),
    (
        "shipments",
        "posting_number, package_number, id, tracking_number, data",
    ),
    (
        "status_history",
        "id, posting_number, at, from_status, to_status, command, actor, note, from_substatus, \
         to_substatus",
    ),
    (
        "jobs",
        "id, posting_number, package_number, kind, state, printer, error, created_at, updated_at, \
         owner, lease_until, attempts, bytes, confirmed",
    ),
    ("sync_state", "key, value, updated_at"),
];

fn refuse(text: String) -> StoreError {
    StoreError::Sqlite(DatabaseError::message(text))
}

impl Store {
    /// Copies every row of this store into `target`, which must hold no postings and no jobs (a
    /// freshly created database). Refused while a job here is claimed or being sent: stop the
    /// station's printing first. Returns each table with the rows copied.
    pub fn copy_into(&self, target: &mut Store) -> Result<Vec<(&'static str, usize)>, StoreError> {
        let busy = self
            .db
            .row(
                "SELECT COUNT(*) FROM jobs WHERE state IN ('claimed', 'sending')",
                params![],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        if busy > 0 {
            return Err(refuse(format!(
                "{}: {busy} job(s) are being printed: stop the station's printing, then copy",
                self.location()
            )));
        }
        let tx = target.db.begin()?;
        for table in ["postings", "jobs", "status_history"] {
            let n = tx
                .row(&format!("SELECT COUNT(*) FROM {table}"), params![])?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0);
            if n > 0 {
                return Err(refuse(format!(
                    "{}: the target already holds {n} row(s) in {table}: copy only into a new database",
                    target.location()
                )));
            }
        }
        let mut copied = Vec::new();
        for (table, columns) in TABLES {
            let rows = self
                .db
                .rows(&format!("SELECT {columns} FROM {table}"), params![])?;
            let n = columns.split(',').count();
            let placeholders: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
            let insert = format!(
                "INSERT INTO {table} ({columns}) VALUES ({})",
                placeholders.join(", ")
            );
            for row in &rows {
                let values: Vec<Value> = row.0.clone();
                tx.exec(&insert, &values)?;
            }
            copied.push((table, rows.len()));
        }
        #[cfg(feature = "postgres")]
        if tx.backend() == Backend::Postgres {
            // Ids were copied: new rows continue after them.
            for table in ["jobs", "status_history"] {
                tx.rows(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                             COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                    ),
                    params![],
                )?;
            }
        }
        let _ = Backend::Sqlite;
        tx.commit()?;
        Ok(copied)
    }
}
