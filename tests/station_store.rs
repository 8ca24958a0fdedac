//! The station store on both backends (a real SQLite file and a real PostgreSQL server, see
//! tests/common/pg.rs): idempotent import, statuses never moving back, the passport deadline,
//! migrations (from an empty database, from schema version 1 on SQLite, all or nothing, a newer schema
//! refused), finding postings by code.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::station::Target;
use shiplabel::order::{Posting, Product, Status, Substatus, NO_PASSPORT_REASON};
use shiplabel::store::{Actor, Found, Store, StoreError, SCHEMA_V1, SCHEMA_VERSION};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn posting(number: &str, status: Status) -> Posting {
    let mut p = Posting::new(number.parse().unwrap(), status);
    p.in_process_at = Some(at("2026-11-22T10:00:00Z"));
    p.products.push(Product {
        sku: 1745203311,
        offer_id: "MUG-450".into(),
        name: "Термокружка".into(),
        price: shiplabel::order::Money::parse("1390.50", "RUB").unwrap(),
        quantity: 2,
        marking_codes: Vec::new(),
    });
    p
}

fn open(path: &std::path::Path) -> Store {
    Store::open(path, Actor::new("test")).unwrap()
}

/// A second connection to the store's file, for looking at the tables themselves (the store does not
/// lend out its own: SQLite is not part of its API).
fn sql(db: &std::path::Path) -> Connection {
    Connection::open(db).unwrap()
}

/// Every posting's JSON and `updated_at`, in posting-number order.
fn stored_rows(t: &Target) -> Vec<String> {
    t.strings("SELECT data || updated_at FROM postings ORDER BY posting_number")
}

crate::on_both_backends!(
    importing_the_same_file_twice_changes_nothing_not_even_history,
    a_later_status_advances_and_an_older_one_never_moves_back,
    the_passport_deadline_cancels_on_import_with_the_reason_recorded,
    a_database_from_a_newer_build_is_refused,
    a_failed_migration_changes_nothing,
    codes_find_postings_by_number_order_barcode_and_product,
);

fn importing_the_same_file_twice_changes_nothing_not_even_history(t: &Target) {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ozon_v3_list.json");
    let postings = shiplabel::order::load_file(&file).unwrap();
    assert!(!postings.is_empty());
    let now = at("2026-11-22T12:00:00Z");
    let db = t.db();
    let mut store = open(&db);
    let first = store.import(postings.clone(), now).unwrap();
    assert_eq!(first.inserted, postings.len());
    let history = t.count("status_history");
    let data = stored_rows(t);
    drop(store);
    let mut store = open(&db);
    let second = store
        .import(postings.clone(), at("2026-11-22T12:30:00Z"))
        .unwrap();
    assert_eq!(second.inserted + second.updated, 0, "{second:?}");
    assert_eq!(second.unchanged + second.older, postings.len());
    assert_eq!(t.count("status_history"), history);
    let again = stored_rows(t);
    assert_eq!(again, data);
}

fn a_later_status_advances_and_an_older_one_never_moves_back(t: &Target) {
    let mut store = open(&t.db());
    let now = at("2026-11-22T12:00:00Z");
    store
        .import(vec![posting("1-1-1", Status::AwaitingPackaging)], now)
        .unwrap();
    let r = store
        .import(vec![posting("1-1-1", Status::Delivering)], now)
        .unwrap();
    assert_eq!(r.updated, 1);
    assert_eq!(store.posting("1-1-1").unwrap().status, Status::Delivering);
    let r = store
        .import(vec![posting("1-1-1", Status::AwaitingDeliver)], now)
        .unwrap();
    assert_eq!(r.older, 1);
    assert_eq!(store.posting("1-1-1").unwrap().status, Status::Delivering);
    // Packed here, then an export from before the packing arrives: the packing stays.
    store
        .import(vec![posting("2-2-1", Status::AwaitingPackaging)], now)
        .unwrap();
    store.pack("2-2-1", &[], now).unwrap();
    store
        .import(vec![posting("2-2-1", Status::AwaitingPackaging)], now)
        .unwrap();
    assert_eq!(
        store.posting("2-2-1").unwrap().status,
        Status::AwaitingDeliver
    );
    let history = store.history("1-1-1").unwrap();
    let moves: Vec<(Option<String>, String)> = history
        .iter()
        .map(|h| (h.from_status.clone(), h.to_status.clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (None, "awaiting_packaging".to_string()),
            (
                Some("awaiting_packaging".to_string()),
                "delivering".to_string()
            )
        ]
    );
    assert!(history
        .iter()
        .all(|h| h.command == "test" && h.actor.contains('@')));
}

fn the_passport_deadline_cancels_on_import_with_the_reason_recorded(t: &Target) {
    let mut store = open(&t.db());
    let mut waiting = posting("3-3-1", Status::AwaitingPackaging);
    waiting.substatus = Some(Substatus::PostingAwaitingPassportData);
    waiting.cross_border = true;
    // Before the deadline (in_process_at + 24 h): kept, gated.
    let r = store
        .import(vec![waiting.clone()], at("2026-11-23T09:59:59Z"))
        .unwrap();
    assert!(r.cancelled_by_deadline.is_empty());
    assert_eq!(
        store.posting("3-3-1").unwrap().status,
        Status::AwaitingPackaging
    );
    let err = store
        .pack("3-3-1", &[], at("2026-11-23T09:59:59Z"))
        .unwrap_err();
    assert!(matches!(err, StoreError::Order(_)), "{err}");
    // At the deadline: cancelled, with the reason in the posting and the history.
    let r = store
        .import(vec![waiting.clone()], at("2026-11-23T10:00:00Z"))
        .unwrap();
    assert_eq!(r.cancelled_by_deadline, vec!["3-3-1".to_string()]);
    let p = store.posting("3-3-1").unwrap();
    assert_eq!(p.status, Status::Cancelled);
    assert_eq!(p.cancellation.unwrap().reason, NO_PASSPORT_REASON);
    let last = store.history("3-3-1").unwrap().pop().unwrap();
    assert_eq!(last.to_status, "cancelled");
    assert_eq!(last.note.as_deref(), Some(NO_PASSPORT_REASON));
    // The same export again changes nothing.
    let history = store.history("3-3-1").unwrap().len();
    store
        .import(vec![waiting], at("2026-11-23T11:00:00Z"))
        .unwrap();
    assert_eq!(store.history("3-3-1").unwrap().len(), history);
}

#[test]
fn an_empty_database_is_migrated_to_the_current_schema_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/dir/station.db");
    // A database's directory must exist (a mistyped --db path makes none).
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let store = open(&db);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mode: String = sql(&db)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    // Reopening does not migrate again.
    assert_eq!(open(&db).schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_version_1_database_is_migrated_and_its_postings_become_findable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v1.db");
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(SCHEMA_V1).unwrap();
        let p = posting("0132112277-0101-1", Status::AwaitingPackaging);
        conn.execute(
            "INSERT INTO postings (posting_number, order_number, status, substatus, data, updated_at)
             VALUES (?1, ?2, 'awaiting_packaging', NULL, ?3, '2026-11-22T10:00:00.000Z')",
            rusqlite::params![p.posting_number.as_str(), p.order_number, serde_json::to_string(&p).unwrap()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO jobs (posting_number, package_number, kind, state, created_at, updated_at)
             VALUES ('0132112277-0101-1', 1, 'print', 'sent', 'x', 'x')",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let store = open(&db);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // The product-code index was backfilled from the JSON: the offer id finds the posting.
    match store.find_by_code("MUG-450").unwrap() {
        Found::One(p) => assert_eq!(p.posting_number, "0132112277-0101-1"),
        other => panic!("{other:?}"),
    }
    let rank: i64 = sql(&db)
        .query_row("SELECT status_rank FROM postings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rank, 3);
    assert_eq!(store.jobs(None, None).unwrap().len(), 1);
}

fn a_database_from_a_newer_build_is_refused(t: &Target) {
    let db = t.db();
    if t.is_postgres() {
        drop(open(&db));
        t.execute("UPDATE schema_version SET version = 99");
    } else {
        t.execute("PRAGMA user_version = 99");
    }
    let err = Store::open(&db, Actor::new("test")).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");
    // Reopening does not migrate again.
}

/// A migration that fails half-way (here a table of the schema already exists, made by something else)
/// leaves the database as it was: no table of the new schema, no version.
fn a_failed_migration_changes_nothing(t: &Target) {
    t.execute("CREATE TABLE sync_state (something_else TEXT)");
    let err = Store::open(&t.db(), Actor::new("test")).unwrap_err();
    assert!(err.to_string().contains("sync_state"), "{err}");
    let tables = if t.is_postgres() {
        t.strings(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY 1",
        )
    } else {
        t.strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
    };
    assert_eq!(tables, vec!["sync_state".to_string()]);
}

/// Several stations opening a new PostgreSQL database at once: one creates the schema, the others
/// wait for it and find it current.
#[test]
fn stations_opening_a_new_postgres_database_at_once_migrate_it_once() {
    let Some(t) = Target::postgres() else { return };
    let db = t.db();
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || open(&db).schema_version().unwrap())
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), SCHEMA_VERSION);
    }
    assert_eq!(
        t.strings("SELECT CAST(version AS TEXT) FROM schema_version"),
        vec![SCHEMA_VERSION.to_string()]
    );
}

/// A PostgreSQL URL's password appears in no error: not when the schema is missing, not when the
/// server is unreachable.
#[test]
fn a_postgres_password_never_appears_in_errors() {
    let Some(t) = Target::postgres() else { return };
    let url = t
        .url
        .clone()
        .unwrap()
        .replace("postgres@", "postgres:hunter2secret@");
    let err = Store::open_existing(std::path::Path::new(&url), Actor::new("test")).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("***") && !text.contains("hunter2secret"),
        "{text}"
    );
    let unreachable = "postgres://ops:hunter2secret@127.0.0.1:1/wh";
    let err = Store::open(std::path::Path::new(unreachable), Actor::new("test")).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("127.0.0.1") && !text.contains("hunter2secret"),
        "{text}"
    );
    // With the schema made, the store names its database without the password too.
    let store = Store::open(std::path::Path::new(&url), Actor::new("test")).unwrap();
    assert!(!format!("{} {store:?}", store.location()).contains("hunter2secret"));
}

fn codes_find_postings_by_number_order_barcode_and_product(t: &Target) {
    let mut store = open(&t.db());
    let now = at("2026-11-22T12:00:00Z");
    let mut a = posting("10-1-1", Status::AwaitingPackaging);
    a.upper_barcode = Some("%101%1".into());
    a.lower_barcode = Some("2302".into());
    let b = posting("10-1-2", Status::AwaitingDeliver);
    store.import(vec![a, b], now).unwrap();
    let one = |code: &str| match store.find_by_code(code).unwrap() {
        Found::One(p) => p.posting_number.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(one("10-1-2"), "10-1-2");
    assert_eq!(one("%101%1"), "10-1-1");
    assert_eq!(one("2302"), "10-1-1");
    assert_eq!(one("10-1"), "10-1-1"); // the one awaiting packaging
    assert_eq!(one("1745203311"), "10-1-1");
    assert_eq!(one("nothing"), "Nothing");
}
