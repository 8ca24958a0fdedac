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
//!
//! On PostgreSQL the version is the one row of `schema_version`, and a new database is created at the
//! current version in one step ([`POSTGRES_V4`]: the same tables and columns, in PostgreSQL's types,
//! with 64-bit integers throughout). Its DDL is transactional, so a migration is all or nothing there
//! too; a transaction-scoped advisory lock lets only one station migrate at a time. A later version
//! adds its step to both lists.

use super::db::{params, Backend, Db};
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

/// Schema version 4 on PostgreSQL, the first version there.
#[cfg(feature = "postgres")]
const POSTGRES_V4: &str = "
CREATE TABLE postings (
    posting_number TEXT PRIMARY KEY,
    order_number   TEXT NOT NULL,
    status         TEXT NOT NULL,
    substatus      TEXT,
    data           TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    status_rank    BIGINT NOT NULL DEFAULT 0,
    in_process_at  TEXT,
    shipment_date  TEXT,
    upper_barcode  TEXT,
    lower_barcode  TEXT
);
CREATE INDEX postings_order ON postings(order_number);
CREATE INDEX postings_status ON postings(status, substatus);
CREATE INDEX postings_upper ON postings(upper_barcode) WHERE upper_barcode IS NOT NULL;
CREATE INDEX postings_lower ON postings(lower_barcode) WHERE lower_barcode IS NOT NULL;
CREATE TABLE status_history (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    posting_number TEXT NOT NULL,
    at             TEXT NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    command        TEXT NOT NULL,
    actor          TEXT NOT NULL,
    note           TEXT,
    from_substatus TEXT,
    to_substatus   TEXT
);
CREATE INDEX status_history_posting ON status_history(posting_number);
CREATE TABLE product_codes (
    code           TEXT NOT NULL,
    posting_number TEXT NOT NULL REFERENCES postings(posting_number) ON DELETE CASCADE,
    PRIMARY KEY (code, posting_number)
);
CREATE INDEX product_codes_posting ON product_codes(posting_number);
CREATE TABLE shipments (
    posting_number  TEXT NOT NULL REFERENCES postings(posting_number) ON DELETE CASCADE,
    package_number  BIGINT NOT NULL,
    id              TEXT NOT NULL,
    tracking_number TEXT,
    data            TEXT NOT NULL,
    PRIMARY KEY (posting_number, package_number)
);
CREATE TABLE jobs (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    posting_number TEXT NOT NULL,
    package_number BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    printer        TEXT,
    error          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    owner          TEXT,
    lease_until    TEXT,
    attempts       BIGINT NOT NULL DEFAULT 0,
    bytes          BIGINT,
    confirmed      BIGINT
);
CREATE INDEX jobs_state ON jobs(state);
CREATE INDEX jobs_label ON jobs(posting_number, package_number);
CREATE INDEX jobs_queued ON jobs(id) WHERE state = 'queued';
CREATE TABLE sync_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE schema_version (version BIGINT NOT NULL);
";

/// The schema version of the database (0: empty).
pub fn version(db: &Db) -> Result<i64, StoreError> {
    match db.backend() {
        Backend::Sqlite => Ok(db
            .row("PRAGMA user_version", params![])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0)),
        #[cfg(feature = "postgres")]
        Backend::Postgres => postgres_version(db),
    }
}

/// The version in PostgreSQL's `schema_version` (0 when the table does not exist).
#[cfg(feature = "postgres")]
pub fn postgres_version(db: &Db) -> Result<i64, StoreError> {
    let exists = db
        .row(
            "SELECT COUNT(*) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = 'schema_version'",
            params![],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    if exists == 0 {
        return Ok(0);
    }
    Ok(db
        .row("SELECT MAX(version) FROM schema_version", params![])?
        .map(|r| r.opt_int(0))
        .transpose()?
        .flatten()
        .unwrap_or(0))
}

/// Brings the database to [`SCHEMA_VERSION`], inside the caller's transaction. Refuses a database
/// written by a newer build.
pub fn migrate(db: &Db) -> Result<(), StoreError> {
    #[cfg(feature = "postgres")]
    if db.backend() == Backend::Postgres {
        // One station migrates; the others wait here, then find the current version.
        db.exec("SELECT pg_advisory_xact_lock(1681, 0)", params![])?;
    }
    let version = version(db)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    match db.backend() {
        Backend::Sqlite => {
            if version < 1 {
                db.batch(V1)?;
            }
            if version < 2 {
                db.batch(V2)?;
                reindex_all(db)?;
            }
            if version < 3 {
                db.batch(V3)?;
            }
            if version < 4 {
                db.batch(V4)?;
            }
            if version != SCHEMA_VERSION {
                db.batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
            }
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            if version < 4 {
                db.batch(POSTGRES_V4)?;
                db.exec("INSERT INTO schema_version (version) VALUES (0)", params![])?;
            }
            if version != SCHEMA_VERSION {
                db.exec(
                    "UPDATE schema_version SET version = ?1",
                    params![SCHEMA_VERSION],
                )?;
            }
        }
    }
    Ok(())
}
