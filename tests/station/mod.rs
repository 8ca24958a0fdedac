//! Helpers for the station tests: a store filled with generated postings, the label bytes the library
//! produces for each, and a fake network printer that accepts any number of connections and logs the
//! byte stream of each.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shiplabel::label::LabelUnit;
use shiplabel::order::Posting;
use shiplabel::printer::{encode_label, Profile};
use shiplabel::station::LabelMaker;
use shiplabel::template::Template;

/// The profile the tests print with: ZPL, so jobs are easy to tell apart.
pub const PROFILE: &str = "zebra-gk420d";

/// The small test template.
pub fn template_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/station-small.toml")
}

/// An Ozon list response with `n` postings awaiting delivery (packed, labelable).
pub fn postings_json(n: usize, status: &str) -> String {
    let postings: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"posting_number": "{:08}-{:04}-1", "status": "{status}",
                    "in_process_at": "2026-11-22T10:00:00Z",
                    "products": [{{"sku": {}, "offer_id": "ART-{i}", "name": "Товар {i}",
                                   "quantity": 1, "price": "100.00", "currency_code": "RUB"}}]}}"#,
                10_000_000 + i,
                i % 10_000,
                1_000_000 + i
            )
        })
        .collect();
    format!(r#"{{"result": {{"postings": [{}]}}}}"#, postings.join(","))
}

/// Runs the binary.
pub fn shiplabel(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run shiplabel")
}

/// A temporary directory with a store holding `n` labelable postings; returns it, the db path and
/// the postings.
pub fn station(n: usize) -> (tempfile::TempDir, PathBuf, Vec<Posting>) {
    let target = Target::sqlite();
    let (db, postings) = station_in(&target, n);
    (target.dir, db, postings)
}

/// Where a store test runs: a SQLite file in a temporary directory, or a fresh database on the test
/// PostgreSQL cluster (tests/common/pg.rs), with a temporary directory for its other files.
pub struct Target {
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

impl Target {
    pub fn sqlite() -> Target {
        Target {
            dir: tempfile::tempdir().unwrap(),
            url: None,
        }
    }

    /// `None` (the cluster helper has said SKIPPED) without PostgreSQL.
    #[cfg(feature = "postgres")]
    pub fn postgres() -> Option<Target> {
        Some(Target {
            dir: tempfile::tempdir().unwrap(),
            url: Some(crate::common::pg::database()?),
        })
    }

    #[cfg(not(feature = "postgres"))]
    pub fn postgres() -> Option<Target> {
        eprintln!("\n!!!! SKIPPED: PostgreSQL: built without the postgres feature !!!!\n");
        None
    }

    /// What `--db` names: the file's path or the server's URL.
    pub fn db(&self) -> PathBuf {
        match &self.url {
            Some(url) => PathBuf::from(url),
            None => self.dir.path().join("station.db"),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.is_some()
    }

    /// Runs SQL on a connection of the test's own, beside the store's.
    pub fn execute(&self, sql: &str) {
        match &self.url {
            #[cfg(feature = "postgres")]
            Some(url) => {
                crate::common::pg::connect(url).batch_execute(sql).unwrap();
            }
            #[cfg(not(feature = "postgres"))]
            Some(_) => unreachable!(),
            None => rusqlite::Connection::open(self.db())
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
        }
    }

    /// The first column of every row of `sql`, as text (`CAST(… AS TEXT)` it where needed).
    pub fn strings(&self, sql: &str) -> Vec<String> {
        match &self.url {
            #[cfg(feature = "postgres")]
            Some(url) => crate::common::pg::connect(url)
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect(),
            #[cfg(not(feature = "postgres"))]
            Some(_) => unreachable!(),
            None => rusqlite::Connection::open(self.db())
                .unwrap()
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap(),
        }
    }

    pub fn count(&self, table: &str) -> i64 {
        self.strings(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))[0]
            .parse()
            .unwrap()
    }
}

/// Runs each named test function (taking a `&Target`) on both backends, as the tests
/// `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&$crate::station::Target::sqlite());
                }
                #[test]
                fn postgres() {
                    if let Some(target) = $crate::station::Target::postgres() {
                        super::$name(&target);
                    }
                }
            }
        )*
    };
}

/// A store holding `n` labelable postings at `target` (imported through the command); returns what
/// `--db` names and the postings.
pub fn station_in(target: &Target, n: usize) -> (PathBuf, Vec<Posting>) {
    let dir = target.dir.path();
    let file = dir.join("postings.json");
    std::fs::write(&file, postings_json(n, "awaiting_deliver")).unwrap();
    let db = target.db();
    let out = shiplabel(
        &db,
        &[
            "import",
            file.to_str().unwrap(),
            "--now",
            "2026-11-22T12:00:00Z",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let postings = shiplabel::order::load_file(&file).unwrap();
    (db, postings)
}

/// The printer bytes of each posting's label, as the library makes them.
pub fn expected_jobs(postings: &[Posting]) -> Vec<(String, Vec<u8>)> {
    let profile = Profile::resolve(PROFILE).unwrap();
    let template = Template::from_file(&template_path()).unwrap();
    let maker = LabelMaker::new(template, profile.dpi);
    postings
        .iter()
        .map(|p| {
            let unit = LabelUnit::of(p).unwrap().remove(0);
            let shiplabel::label::NamedBitmap { name, bitmap } =
                maker.bitmaps(p, &unit).unwrap().remove(0);
            (name, encode_label(&bitmap, &profile, 1).unwrap())
        })
        .collect()
}

/// Each connection's byte stream, in the order the connections came.
type Streams = Arc<Mutex<Vec<Arc<Mutex<Vec<u8>>>>>>;

/// A fake network printer on a loopback port: every connection's bytes are kept.
pub struct FakePrinter {
    pub port: u16,
    streams: Streams,
    bytes: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
}

impl FakePrinter {
    pub fn start() -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let streams: Streams = Arc::default();
        let bytes = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let (s, b, o) = (streams.clone(), bytes.clone(), open.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let log = Arc::new(Mutex::new(Vec::new()));
                s.lock().unwrap().push(log.clone());
                let (b, o) = (b.clone(), o.clone());
                o.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = conn.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        log.lock().unwrap().extend_from_slice(&buf[..n]);
                        b.fetch_add(n, Ordering::SeqCst);
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FakePrinter {
            port,
            streams,
            bytes,
            open,
        }
    }

    pub fn uri(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// Each connection's bytes, in the order the connections came (after they all closed).
    pub fn streams(&self) -> Vec<Vec<u8>> {
        self.settle();
        self.streams
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.lock().unwrap().clone())
            .collect()
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Waits until every connection has been closed and read to its end.
    pub fn settle(&self) {
        let until = Instant::now() + Duration::from_secs(10);
        while self.open.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// How many times each label was received whole. A connection's stream must be whole labels,
    /// except for a cut-off label at its end (a killed sender); anything else fails the test.
    pub fn labels(&self, expected: &[(String, Vec<u8>)]) -> HashMap<String, usize> {
        self.settle();
        let mut counts = HashMap::new();
        for stream in self.streams.lock().unwrap().iter() {
            let stream = stream.lock().unwrap();
            let mut rest: &[u8] = &stream;
            while !rest.is_empty() {
                if let Some((name, job)) = expected.iter().find(|(_, job)| rest.starts_with(job)) {
                    *counts.entry(name.clone()).or_insert(0) += 1;
                    rest = &rest[job.len()..];
                } else {
                    assert!(
                        expected.iter().any(|(_, job)| job.starts_with(rest)),
                        "the printer received {} bytes that are no label's beginning",
                        rest.len()
                    );
                    break;
                }
            }
        }
        counts
    }
}

/// The label names a run's stdout reports as uncertain.
pub fn uncertain_in(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("uncertain: "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect()
}

/// `print --pending` arguments for the fake printer.
pub fn print_args(uri: &str) -> Vec<String> {
    [
        "print",
        "--pending",
        "--printer",
        uri,
        "--profile",
        PROFILE,
        "--template",
        template_path().to_str().unwrap(),
        "--no-status",
        "--now",
        "2026-11-22T12:00:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}
