//! The station store against a real SQLite file: idempotent import, statuses never moving back, the
//! passport deadline, migrations from an empty database and from schema version 1.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
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

fn count(db: &std::path::Path, table: &str) -> i64 {
    sql(db)
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every posting's JSON and `updated_at`, in posting-number order.
fn stored_rows(db: &std::path::Path) -> Vec<String> {
    sql(db)
        .prepare("SELECT data || updated_at FROM postings ORDER BY posting_number")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn importing_the_same_file_twice_changes_nothing_not_even_history() {
    let dir = tempfile::tempdir().unwrap();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ozon_v3_list.json");
    let postings = shiplabel::order::load_file(&file).unwrap();
    assert!(!postings.is_empty());
    let now = at("2026-11-22T12:00:00Z");
    let db = dir.path().join("station.db");
    let mut store = open(&db);
    let first = store.import(postings.clone(), now).unwrap();
    assert_eq!(first.inserted, postings.len());
    let history = count(&db, "status_history");
    let data = stored_rows(&db);
    drop(store);
    let mut store = open(&db);
    let second = store
        .import(postings.clone(), at("2026-11-22T12:30:00Z"))
        .unwrap();
    assert_eq!(second.inserted + second.updated, 0, "{second:?}");
    assert_eq!(second.unchanged + second.older, postings.len());
    assert_eq!(count(&db, "status_history"), history);
    let again = stored_rows(&db);
    assert_eq!(again, data);
}

#[test]
fn a_later_status_advances_and_an_older_one_never_moves_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("s.db"));
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

#[test]
fn the_passport_deadline_cancels_on_import_with_the_reason_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("s.db"));
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

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.db");
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&db, Actor::new("test")).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");
}

#[test]
fn codes_find_postings_by_number_order_barcode_and_product() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("s.db"));
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
