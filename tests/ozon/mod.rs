//! The Ozon client against a fake Seller API on 127.0.0.1 (`fake`): pulling across cursor pages with a
//! 429 on the way, packing with a split that makes new postings whose labels carry Ozon's new barcodes,
//! a lost ship answer that must not ship twice, a failing ship, marking codes, a rejected key, and the
//! key found nowhere afterwards.

mod fake;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use fake::{Ending, Fake, Fault, API_KEY, CLIENT_ID};
use serde_json::Value;

use crate::common::label::read_barcodes;

/// A station directory: the database and a home without any config file.
struct Station {
    dir: tempfile::TempDir,
    fake: Fake,
    /// Every stdout and stderr of the runs, for the key check.
    outputs: std::cell::RefCell<Vec<u8>>,
    key: String,
    timeout_ms: u64,
}

impl Station {
    fn new(fake: Fake) -> Station {
        Station {
            dir: tempfile::tempdir().unwrap(),
            fake,
            outputs: Default::default(),
            key: API_KEY.to_owned(),
            timeout_ms: 5000,
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("station.db")
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("OZON_CLIENT_ID", CLIENT_ID)
            .env("OZON_API_KEY", &self.key)
            .env("OZON_API_URL", &self.fake.url)
            .env("OZON_INTERVAL_MS", "0")
            .env("OZON_BACKOFF_MS", "20")
            .env("OZON_POLL_MS", "20")
            .env("OZON_POLL_FOR_MS", "5000")
            .env("OZON_TIMEOUT_MS", self.timeout_ms.to_string())
            .output()
            .expect("run shiplabel");
        let mut all = self.outputs.borrow_mut();
        all.extend_from_slice(&out.stdout);
        all.extend_from_slice(&out.stderr);
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "shiplabel {args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "shiplabel {args:?} should fail: {out:?}"
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn stored(&self) -> Vec<Value> {
        let text = self.ok(&["orders", "--json"]);
        serde_json::from_str(&text).unwrap()
    }

    fn store(&self) -> shiplabel::store::Store {
        shiplabel::store::Store::open(&self.db(), shiplabel::store::Actor::new("test")).unwrap()
    }

    /// The key appears in no output so far and in no file under the station directory.
    fn assert_key_nowhere(&self) {
        let needle = self.key.as_bytes();
        let found = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(
            !found(&self.outputs.borrow()),
            "the API key appeared in the output"
        );
        for file in files(self.dir.path()) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(!found(&bytes), "the API key is in {}", file.display());
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn number(i: usize) -> String {
    format!("{:010}-{:04}-1", 187_365_000 + i, i % 10_000)
}

fn simple(i: usize, status: &str) -> Value {
    fake::posting(
        &number(i),
        status,
        &[(1_745_203_311, "KED-BLK-42", 1, "Кеды")],
        (
            &format!("%101%{}", 600_000_000 + i),
            &format!("{}", 238_746_519_270_000u64 + i as u64),
        ),
    )
}

#[test]
fn pull_250_postings_across_pages_with_a_429_then_only_changes() {
    let fake = Fake::start();
    for i in 1..=250 {
        fake.add(simple(i, "awaiting_packaging"));
    }
    fake.add(simple(900, "delivered"));
    // A 429 on the second page, and a posting that appears between pages and sorts first: the last
    // posting of page 1 is served again on page 2 (counted once), the new one is left for the next pull.
    fake.fault_at(
        "/v4/posting/fbs/unfulfilled/list",
        2,
        Fault::RateLimited(Some(1)),
    );
    fake.state.lock().unwrap().insert_after_page = Some((1, simple(0, "awaiting_packaging")));
    let station = Station::new(fake);

    let out = station.run(&["ozon", "pull"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("250 unfulfilled") && stdout.contains("250 new"),
        "{stdout}"
    );
    assert!(
        stderr.contains("rate limit") && stderr.contains("again in 1.0 s"),
        "{stderr}"
    );
    let calls = station.fake.calls("/v4/posting/fbs/unfulfilled/list");
    assert_eq!(calls.len(), 4, "three pages and the one refused");
    assert!(calls
        .iter()
        .all(|c| c["limit"] == 100 && c["with"]["barcodes"] == true));
    assert_eq!(
        calls[1]["cursor"], calls[2]["cursor"],
        "the refused page is asked again as it was"
    );

    let stored = station.stored();
    assert_eq!(stored.len(), 250);
    assert!(stored.iter().all(|p| p["status"] == "awaiting_packaging"));

    // Again: the posting that came in during the last walk, nothing else; then a stored posting
    // delivered on Ozon arrives as a change.
    let out = station.ok(&["ozon", "pull"]);
    assert!(
        out.contains("251 unfulfilled") && out.contains("1 new, 0 updated, 250 unchanged"),
        "{out}"
    );
    station
        .fake
        .set_status(&number(7), "delivered", "posting_received");
    let out = station.ok(&["ozon", "pull"]);
    assert!(out.contains("250 unfulfilled, 1 changed"), "{out}");
    assert!(out.contains("0 new, 1 updated, 250 unchanged"), "{out}");
    let list = station.fake.calls("/v4/posting/fbs/list");
    let from = list.last().unwrap()["filter"]["last_changed_status_date"]["from"].clone();
    assert!(from.as_str().is_some_and(|f| f.ends_with('Z')), "{from}");
    let stored = station.stored();
    let seven = stored
        .iter()
        .find(|p| p["posting_number"] == number(7).as_str())
        .unwrap();
    assert_eq!(seven["status"], "delivered");
    // The delivered posting Ozon lists but the store never held stays out.
    assert!(!stored
        .iter()
        .any(|p| p["posting_number"] == number(900).as_str()));
    station.assert_key_nowhere();
}

#[test]
fn pull_ends_on_an_empty_page_in_a_result_envelope() {
    let fake = Fake::start();
    for i in 1..=100 {
        fake.add(simple(i, "awaiting_packaging"));
    }
    {
        let mut s = fake.state.lock().unwrap();
        s.ending = Ending::EmptyPage;
        s.wrap_lists = true;
    }
    fake.fault_at("/v4/posting/fbs/unfulfilled/list", 1, Fault::BadGateway);
    fake.fault_at("/v4/posting/fbs/unfulfilled/list", 2, Fault::Internal);
    let station = Station::new(fake);
    let out = station.ok(&["ozon", "pull"]);
    assert!(
        out.contains("100 unfulfilled") && out.contains("100 new"),
        "{out}"
    );
    assert_eq!(
        station.fake.calls("/v4/posting/fbs/unfulfilled/list").len(),
        4
    );
}

/// Two SKUs, one of them twice: split into two packages.
fn two_lines(n: &str) -> Value {
    fake::posting(
        n,
        "awaiting_packaging",
        &[
            (1_745_203_311, "KED-BLK-42", 1, "Кеды"),
            (1_590_348_876, "NOSKI-3P-4143", 2, "Носки"),
        ],
        ("%101%62488130917", "238746519270000"),
    )
}

#[test]
fn ship_a_split_and_label_both_new_postings_with_ozons_barcodes() {
    let fake = Fake::start();
    fake.add(two_lines("0187365412-0047-1"));
    fake.state.lock().unwrap().split_fresh_numbers = true;
    // A gateway page on the first read: reads are retried.
    fake.fault_at("/v3/posting/fbs/get", 1, Fault::BadGateway);
    let station = Station::new(fake);
    let out = station.ok(&[
        "ozon",
        "ship",
        "0187365412-0047-1",
        "--split",
        "1745203311:1/NOSKI-3P-4143:2",
    ]);
    assert!(
        out.contains("0187365412-0047-2") && out.contains("0187365412-0047-3"),
        "{out}"
    );

    let ships = station.fake.calls("/v4/posting/fbs/ship");
    assert_eq!(ships.len(), 1);
    assert_eq!(
        ships[0]["packages"],
        serde_json::json!([{"products": [{"product_id": 1745203311i64, "quantity": 1}]},
                           {"products": [{"product_id": 1590348876i64, "quantity": 2}]}])
    );

    let store = station.store();
    assert_eq!(
        store.posting("0187365412-0047-1").unwrap().status.as_str(),
        "cancelled_from_split_pending"
    );
    let template = shiplabel::template::Template::builtin("ozon-fbs").unwrap();
    let now = chrono::Utc::now();
    for n in ["0187365412-0047-2", "0187365412-0047-3"] {
        let ozon = station.fake.posting(n);
        let upper = ozon["barcodes"]["upper_barcode"]
            .as_str()
            .unwrap()
            .to_owned();
        let lower = ozon["barcodes"]["lower_barcode"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(
            upper, "%101%62488130917",
            "a new posting has its own barcode"
        );
        let posting = store.posting(n).unwrap();
        assert_eq!(posting.status.as_str(), "awaiting_deliver");
        posting.labelable(now).unwrap();
        let bitmap = shiplabel::label_bitmap(&posting, &template, 203).unwrap();
        let read = read_barcodes(&bitmap);
        assert!(
            read.contains(&upper) && read.contains(&lower),
            "{n}: read {read:?}, want {upper} and {lower}"
        );
    }
    // The station's own queue takes them.
    let stored = station.stored();
    let labelable: Vec<_> = stored.iter().filter(|p| p["labelable"] == true).collect();
    assert_eq!(labelable.len(), 2, "{stored:?}");

    // Ozon's own PDF for both, written atomically.
    let out = station.ok(&[
        "ozon",
        "label",
        "0187365412-0047-2",
        "0187365412-0047-3",
        "-o",
        "ozon.pdf",
    ]);
    assert!(out.contains("ozon.pdf"), "{out}");
    let pdf = std::fs::read(station.dir.path().join("ozon.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // The parent is no longer awaiting delivery: Ozon refuses the whole batch without naming it; the
    // command finds it.
    let err = station.fails(&[
        "ozon",
        "label",
        "0187365412-0047-2",
        "0187365412-0047-1",
        "-o",
        "bad.pdf",
    ]);
    assert!(
        err.contains("INVALID_ARGUMENT") && err.contains("0187365412-0047-1"),
        "{err}"
    );
    assert!(!station.dir.path().join("bad.pdf").exists());

    // Shipping again sends nothing.
    let out = station.ok(&["ozon", "ship", "0187365412-0047-1"]);
    assert!(out.contains("nothing sent"), "{out}");
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 1);
    station.assert_key_nowhere();
}

#[test]
fn a_split_keeping_the_first_number() {
    let fake = Fake::start();
    fake.add(two_lines("0187365412-0048-1"));
    let station = Station::new(fake);
    let out = station.ok(&[
        "ozon",
        "ship",
        "0187365412-0048-1",
        "--split",
        "KED-BLK-42:1/1590348876:2",
    ]);
    assert!(out.contains("0187365412-0048-2"), "{out}");
    let store = station.store();
    let first = store.posting("0187365412-0048-1").unwrap();
    assert_eq!(first.status.as_str(), "awaiting_deliver");
    assert_eq!(first.products.len(), 1, "package 1 only");
    assert_eq!(
        store.posting("0187365412-0048-2").unwrap().products[0].quantity,
        2
    );
}

#[test]
fn a_ship_whose_answer_is_lost_is_never_sent_twice() {
    let fake = Fake::start();
    fake.add(two_lines("0187365412-0050-1"));
    fake.add(two_lines("0187365412-0051-1"));
    // Ozon does the ship but the answer never comes.
    fake.fault(
        "/v4/posting/fbs/ship",
        Fault::DoThenHang(Duration::from_secs(3)),
    );
    let mut station = Station::new(fake);
    station.timeout_ms = 700;
    let out = station.run(&["ozon", "ship", "0187365412-0050-1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("reading the posting again"), "{stderr}");
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 1);
    assert_eq!(
        station
            .store()
            .posting("0187365412-0050-1")
            .unwrap()
            .status
            .as_str(),
        "awaiting_deliver"
    );

    // The request is lost before Ozon acts: the command stops, says so and sends nothing again …
    station
        .fake
        .fault("/v4/posting/fbs/ship", Fault::Hang(Duration::from_secs(3)));
    let err = station.fails(&["ozon", "ship", "0187365412-0051-1"]);
    assert!(err.contains("nothing was sent again"), "{err}");
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 2);
    // … and running it again re-reads, then ships once.
    station.ok(&["ozon", "ship", "0187365412-0051-1"]);
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 3);
    let out = station.ok(&["ozon", "ship", "0187365412-0051-1"]);
    assert!(out.contains("already packed"), "{out}");
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 3);
}

#[test]
fn a_failed_ship_is_reported() {
    let fake = Fake::start();
    fake.add(two_lines("0187365412-0052-1"));
    fake.state.lock().unwrap().ship_fails = true;
    let station = Station::new(fake);
    let err = station.fails(&["ozon", "ship", "0187365412-0052-1"]);
    assert!(
        err.contains("ship_failed") && err.contains("0187365412-0052-1"),
        "{err}"
    );
    // Shipped again after the failure: the old `ship_failed` still shows while the new ship runs.
    station.fake.state.lock().unwrap().ship_fails = false;
    station.ok(&["ozon", "ship", "0187365412-0052-1"]);
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 2);
    let stored = station.store().posting("0187365412-0052-1").unwrap();
    assert_eq!(stored.status.as_str(), "awaiting_deliver");

    // Quantities that do not add up are refused here, before Ozon sees them.
    station.fake.add(two_lines("0187365412-0056-1"));
    let err = station.fails(&[
        "ozon",
        "ship",
        "0187365412-0056-1",
        "--split",
        "1745203311:1/1590348876:1",
    ]);
    assert!(err.contains("1590348876"), "{err}");
}

#[test]
fn marking_codes_are_asked_for_checked_and_sent() {
    let fake = Fake::start();
    let mut p = two_lines("0187365412-0053-1");
    p["requirements"]["products_requiring_mandatory_mark"] = serde_json::json!(["1590348876"]);
    fake.add(p);
    let station = Station::new(fake);
    let err = station.fails(&["ozon", "ship", "0187365412-0053-1"]);
    assert!(
        err.contains("needs 2 marking code(s)") && err.contains("--mark 1590348876=CODE"),
        "{err}"
    );
    let err = station.fails(&[
        "ozon",
        "ship",
        "0187365412-0053-1",
        "--mark",
        "NOSKI-3P-4143=0104601234567894215Ab3dE9fGhIjK<GS>93AbCd",
    ]);
    assert!(err.contains("check digit"), "{err}");
    assert!(station.fake.calls("/v4/posting/fbs/ship").is_empty());
    let a = "0104601234567893215Ab3dE9fGhIjK<GS>93AbCd";
    let b = "0104601234567893215Xy9zQ1wErTy<GS>93EfGh";
    station.ok(&[
        "ozon",
        "ship",
        "0187365412-0053-1",
        "--mark",
        &format!("NOSKI-3P-4143={a}"),
        "--mark",
        &format!("1590348876={b}"),
    ]);
    let set = station.fake.calls("/v6/fbs/posting/product/exemplar/set");
    assert_eq!(set.len(), 1);
    let mark = set[0]["products"][0]["exemplars"][0]["marks"][0]["mark"]
        .as_str()
        .unwrap();
    assert_eq!(
        mark, "0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd",
        "the GS goes as the real byte"
    );
    assert_eq!(station.fake.calls("/v4/posting/fbs/ship").len(), 1);
}

#[test]
fn a_rejected_key_is_a_clear_error() {
    let fake = Fake::start();
    let mut station = Station::new(fake);
    station.key = "wrong-key-5f0e".into();
    let err = station.fails(&["ozon", "pull"]);
    assert!(
        err.contains("Invalid Api-Key") && err.contains("HTTP 403"),
        "{err}"
    );
    assert!(
        err.contains("OZON_API_KEY") && err.contains("Seller API"),
        "{err}"
    );
    station.assert_key_nowhere();

    // No credentials at all: where to put them.
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args(["ozon", "pull"])
        .env_clear()
        .env("HOME", station.dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("OZON_CLIENT_ID") && err.contains("chmod 600"),
        "{err}"
    );

    // A config file others can read is refused.
    let config = station.dir.path().join(".config/shiplabel/ozon.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!("client_id = {CLIENT_ID}\napi_key = \"{API_KEY}\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .args(["ozon", "pull"])
            .env_clear()
            .env("HOME", station.dir.path())
            .env("OZON_API_URL", &station.fake.url)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("others can read it") && !err.contains(API_KEY),
            "{err}"
        );
    }
}

#[test]
fn cancel_with_a_reason_ozon_allows() {
    let fake = Fake::start();
    fake.add(two_lines("0187365412-0054-1"));
    let station = Station::new(fake);
    let out = station.ok(&["ozon", "cancel", "0187365412-0054-1"]);
    assert!(out.contains("352") && out.contains("402"), "{out}");
    let err = station.fails(&["ozon", "cancel", "0187365412-0054-1", "--reason", "999"]);
    assert!(err.contains("does not allow reason 999"), "{err}");
    let err = station.fails(&["ozon", "cancel", "0187365412-0054-1", "--reason", "402"]);
    assert!(err.contains("--message"), "{err}");
    assert!(station.fake.calls("/v2/posting/fbs/cancel").is_empty());
    let out = station.ok(&["ozon", "cancel", "0187365412-0054-1", "--reason", "352"]);
    assert!(out.contains("cancelled"), "{out}");
    assert_eq!(
        station
            .store()
            .posting("0187365412-0054-1")
            .unwrap()
            .status
            .as_str(),
        "cancelled"
    );
}

#[test]
fn tracking_and_the_legacy_error_shape() {
    let fake = Fake::start();
    let mut p = two_lines("0187365412-0055-1");
    p["tpl_integration_type"] = serde_json::json!("non_integrated");
    p["status"] = serde_json::json!("awaiting_deliver");
    fake.add(p);
    fake.fault_at(
        "/v3/posting/fbs/get",
        1,
        Fault::Legacy(404, "POSTING_NOT_FOUND"),
    );
    let station = Station::new(fake);
    let err = station.fails(&["ozon", "tracking", "0187365412-0055-1", "TRK123456"]);
    assert!(
        err.contains("POSTING_NOT_FOUND")
            && err.contains("NOT_FOUND_ERROR")
            && err.contains("0187365412-0055-1"),
        "{err}"
    );
    station.ok(&["ozon", "tracking", "0187365412-0055-1", "TRK123456"]);
    assert_eq!(
        station.fake.posting("0187365412-0055-1")["tracking_number"],
        "TRK123456"
    );
    let stored = station.store().posting("0187365412-0055-1").unwrap();
    assert_eq!(stored.tracking_number.as_deref(), Some("TRK123456"));
}

/// `orders --db` shows the stored postings as `orders FILE` shows the file's.
#[test]
fn orders_db_lists_the_store_as_orders_lists_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::common::cli::data_arg("ozon_v3_list.json");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .args(args)
            .env("XDG_DATA_HOME", dir.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let now = "--now=2026-11-22T12:00:00Z";
    let (code, _, err) = run(&["import", &file, now]);
    assert_eq!(code, Some(0), "{err}");
    let by_number = |text: &str| {
        let mut v: Vec<Value> = serde_json::from_str(text).unwrap();
        v.sort_by(|a, b| {
            a["posting_number"]
                .as_str()
                .cmp(&b["posting_number"].as_str())
        });
        v
    };
    let (_, from_file, _) = run(&["orders", &file, "--json", now]);
    let (code, from_store, err) = run(&["orders", "--db", "--json", now]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!by_number(&from_file).is_empty());
    assert_eq!(by_number(&from_file), by_number(&from_store));
    let (code, table, _) = run(&["orders", "--db", now]);
    assert_eq!(code, Some(0));
    assert!(table.contains("posting(s)"), "{table}");
    let (code, _, err) = run(&["orders", "--db", &file]);
    assert_eq!(code, Some(1));
    assert!(err.contains("without --db"), "{err}");
    let (code, _, err) = run(&["orders"]);
    assert_eq!(code, Some(2), "a usage error: {err}");
}

/// More than 20 postings: one request and one file per 20, pages checked by poppler.
#[test]
fn ozons_labels_in_batches_of_twenty() {
    let fake = Fake::start();
    let numbers: Vec<String> = (1..=21).map(number).collect();
    for i in 1..=21 {
        fake.add(simple(i, "awaiting_deliver"));
    }
    let station = Station::new(fake);
    let mut args = vec!["ozon", "label"];
    args.extend(numbers.iter().map(String::as_str));
    args.extend(["-o", "ozon.pdf"]);
    let out = station.ok(&args);
    assert!(
        out.contains("ozon-1.pdf") && out.contains("ozon-2.pdf"),
        "{out}"
    );
    let calls = station.fake.calls("/v2/posting/fbs/package-label");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["posting_number"].as_array().unwrap().len(), 20);
    assert_eq!(calls[1]["posting_number"], serde_json::json!([numbers[20]]));
    if crate::common::tool_available("pdfinfo") {
        for (file, pages) in [("ozon-1.pdf", 20), ("ozon-2.pdf", 1)] {
            let path = station.dir.path().join(file);
            let info = Command::new("pdfinfo").arg(&path).output().unwrap();
            let info = String::from_utf8_lossy(&info.stdout);
            let found = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or("");
            assert_eq!(
                found.split_whitespace().nth(1),
                Some(pages.to_string().as_str()),
                "{file}: {info}"
            );
        }
    }
    station.assert_key_nowhere();
}
