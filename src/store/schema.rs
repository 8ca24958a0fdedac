//! Versioned schema migrations, applied on open in one transaction; `PRAGMA user_version` holds the
//! version a database is at.
//!
//! Version 1 held postings (JSON plus posting/order number and status), the status history and a
//! plain job list. Version 2 adds the indexed columns the station looks postings up by (status rank,
//! dates, barcodes), the product-code index for scanning, shipments, the substatus in the history and
//! the journal's owner and lease. A migration that needs data from the JSON (the rank, the product
//! codes) recomputes it in Rust with the same code that writes new rows. Version 3 adds `sync_state`,
//! the key-value notes a marketplace pull keeps between runs. Version 4 adds `jobs.confirmed`: whether
//! the printer confirmed a sent job (answered a status query after it and reported itself ready);
//! `NULL` for jobs sent before version 4 and for jobs not sent.

use rusqlite::Transaction;

use super::postings::reindex_all;
use super::StoreError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 4;

/// Schema version 1, kept verbatim: migrations start from it, and the tests build a version-1
/// database from it.
pub const V1: &str = "
CREATE TABLE postings (
    posting_number TEXT PRIMARY KEY,
    order_number   TEXT NOT NULL,
    status         TEXT NOT NULL,
    substatus      TEXT,
    data           TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX postings_order ON postings(order_number);
CREATE TABLE status_history (
    id             INTEGER PRIMARY KEY,
    posting_number TEXT NOT NULL,
    at             TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    command        TEXT NOT NULL,
    actor          TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX status_history_posting ON status_history(posting_number);
CREATE TABLE jobs (
    id             INTEGER PRIMARY KEY,
    posting_number TEXT NOT NULL,
    package_number INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    printer        TEXT,
    error          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
";

const V2: &str = "
ALTER TABLE postings ADD COLUMN status_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE postings ADD COLUMN in_process_at TEXT;
ALTER TABLE postings ADD COLUMN shipment_date TEXT;
ALTER TABLE postings ADD COLUMN upper_barcode TEXT;
ALTER TABLE postings ADD COLUMN lower_barcode TEXT;
CREATE INDEX postings_status ON postings(status, substatus);
CREATE INDEX postings_upper ON postings(upper_barcode) WHERE upper_barcode IS NOT NULL;
CREATE INDEX postings_lower ON postings(lower_barcode) WHERE lower_barcode IS NOT NULL;
CREATE TABLE product_codes (
    code           TEXT NOT NULL,
    posting_number TEXT NOT NULL REFERENCES postings(posting_number) ON DELETE CASCADE,
    PRIMARY KEY (code, posting_number)
) WITHOUT ROWID;
CREATE INDEX product_codes_posting ON product_codes(posting_number);
CREATE TABLE shipments (
    posting_number  TEXT NOT NULL REFERENCES postings(posting_number) ON DELETE CASCADE,
    package_number  INTEGER NOT NULL,
    id              TEXT NOT NULL,
    tracking_number TEXT,
    data            TEXT NOT NULL,
    PRIMARY KEY (posting_number, package_number)
);
ALTER TABLE status_history ADD COLUMN from_substatus TEXT;
ALTER TABLE status_history ADD COLUMN to_substatus TEXT;
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TEXT;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN bytes INTEGER;
CREATE INDEX jobs_state ON jobs(state);
CREATE INDEX jobs_label ON jobs(posting_number, package_number);
";

/// Version 3: what a marketplace pull remembers between runs (the Ozon client's last pull time), as
/// key-value rows: one table for every such note instead of a column per source.
const V3: &str = "
CREATE TABLE sync_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
";

/// Version 4: whether the printer confirmed a sent job.
const V4: &str = "
ALTER TABLE jobs ADD COLUMN confirmed INTEGER;
";

/// Brings the database to [`SCHEMA_VERSION`]. Refuses a database written by a newer build.
pub fn migrate(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        tx.execute_batch(V1)?;
    }
    if version < 2 {
        tx.execute_batch(V2)?;
        reindex_all(tx)?;
    }
    if version < 3 {
        tx.execute_batch(V3)?;
    }
    if version < 4 {
        tx.execute_batch(V4)?;
    }
    if version != SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    Ok(())
}
