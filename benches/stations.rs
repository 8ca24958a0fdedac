//! Many packing stations on one PostgreSQL server: 20 stations against a store of 1,000,000 postings.
//! A benchmark program (not criterion: it simulates a warehouse and reports percentiles), run with
//!
//! ```text
//! cargo bench --bench stations                     # starts a throw-away cluster (Debian's postgresql)
//! SHIPLABEL_BENCH_DB=postgres://user@host/db cargo bench --bench stations   # an existing, empty database
//! ```
//!
//! 1. Bulk load: 1,000,000 postings (950,000 delivered, 50,000 awaiting packaging: a day's work for
//!    20 stations at 2,500 labels each), their product codes and first history rows, generated on
//!    the server from one posting's JSON (`INSERT … SELECT generate_series`).
//! 2. Scan → first byte: 20 stations (threads, each its own connection and loopback fake printer)
//!    scan different postings at once, each every `SCAN_EVERY` (far above the real rate of one scan per
//!    station every ~11 s); for each scan, the time from handing the line to the station to the first
//!    byte at its printer: look-up, packing and queuing in one transaction, render, `sending`, send.
//! 3. Queue throughput: 10,000 labels queued, then 20 stations drain the queue at once
//!    (`print --pending`'s loop: claim with `FOR UPDATE SKIP LOCKED`, render, sending, sent).
//!
//! Settings: `SHIPLABEL_BENCH_POSTINGS` (default 1,000,000), `SHIPLABEL_BENCH_STATIONS` (20),
//! `SHIPLABEL_BENCH_SCANS` (scans per station, 100), `SHIPLABEL_BENCH_QUEUE` (10,000).

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shiplabel::order::{Money, Posting, Product, Status};
use shiplabel::printer::{PrintOptions, Profile};
use shiplabel::station::Station;
use shiplabel::store::{Actor, Store};
use shiplabel::template::Template;

#[allow(dead_code)]
#[path = "../tests/common/pg.rs"]
mod pg;

const SCAN_EVERY: Duration = Duration::from_millis(100);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The template posting; its number is replaced per row on the server.
fn template_posting() -> Posting {
    let mut p = Posting::new(
        "NUMBER-0001-1".parse().expect("number"),
        Status::AwaitingPackaging,
    );
    p.order_number = "NUMBER-0001".into();
    p.in_process_at = "2026-11-22T10:00:00Z".parse().ok();
    p.upper_barcode = Some("%101%NUMBER".into());
    p.lower_barcode = Some("23NUMBER".into());
    p.delivery_method.name = Some("Доставка Ozon самостоятельно, Подольск".into());
    p.delivery_method.warehouse = Some("Склад Подольск Северный".into());
    p.products.push(Product {
        sku: 1_700_000_000,
        offer_id: "ART-NUMBER".into(),
        name: "Термокружка NUMBER".into(),
        price: Money::parse("990.00", "RUB").expect("price"),
        quantity: 1,
        marking_codes: Vec::new(),
    });
    p
}

/// Loads `n` postings; the last `awaiting` of them await packaging, the others are delivered.
fn bulk_load(url: &str, n: usize, awaiting: usize) {
    let mut client = pg::connect(url);
    let json = serde_json::to_string(&template_posting()).expect("json");
    let delivered = json.replace("\"awaiting_packaging\"", "\"delivered\"");
    assert_ne!(json, delivered, "status not in the JSON");
    let cut = n - awaiting;
    let sql = format!(
        "INSERT INTO postings (posting_number, order_number, status, substatus, data, updated_at,
             status_rank, in_process_at, shipment_date, upper_barcode, lower_barcode)
         SELECT lpad(i::text, 10, '0') || '-0001-1', lpad(i::text, 10, '0') || '-0001',
             CASE WHEN i > {cut} THEN 'awaiting_packaging' ELSE 'delivered' END, NULL,
             replace(CASE WHEN i > {cut} THEN $1 ELSE $2 END, 'NUMBER', lpad(i::text, 10, '0')),
             '2026-11-22T10:00:00.000Z', CASE WHEN i > {cut} THEN 3 ELSE 9 END,
             '2026-11-22T10:00:00.000Z', NULL, '%101%' || lpad(i::text, 10, '0'),
             '23' || lpad(i::text, 10, '0')
         FROM generate_series(1, {n}) AS i"
    );
    client
        .execute(&sql, &[&json, &delivered])
        .expect("postings");
    client
        .batch_execute(&format!(
            "INSERT INTO product_codes (code, posting_number)
                 SELECT 'ART-' || lpad(i::text, 10, '0'), lpad(i::text, 10, '0') || '-0001-1'
                 FROM generate_series(1, {n}) AS i;
             INSERT INTO product_codes (code, posting_number)
                 SELECT '1700000000', lpad(i::text, 10, '0') || '-0001-1'
                 FROM generate_series({cut} + 1, {n}) AS i;
             INSERT INTO status_history (posting_number, at, from_status, to_status, command, actor)
                 SELECT lpad(i::text, 10, '0') || '-0001-1', '2026-11-22T10:00:00.000Z', NULL,
                     CASE WHEN i > {cut} THEN 'awaiting_packaging' ELSE 'delivered' END,
                     'import', 'bench@warehouse'
                 FROM generate_series(1, {n}) AS i;
             ANALYZE;"
        ))
        .expect("codes and history");
}

fn number(i: usize) -> String {
    format!("{i:010}-0001-1")
}

/// A printer that sends the time of every read to `tx`.
fn fake_printer() -> (String, mpsc::Receiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let uri = format!("tcp://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 16];
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 || tx.send(Instant::now()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (uri, rx)
}

fn station<'s>(store: &'s mut Store, uri: &str) -> Station<'s> {
    let profile = Profile::resolve("xprinter-xp365b").expect("profile");
    let options = PrintOptions {
        check_status: false,
        ..PrintOptions::default()
    };
    let template = Template::builtin("ozon-fbs").expect("template");
    Station::new(store, template, uri, profile, options)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let postings = setting("SHIPLABEL_BENCH_POSTINGS", 1_000_000);
    let stations = setting("SHIPLABEL_BENCH_STATIONS", 20);
    let scans = setting("SHIPLABEL_BENCH_SCANS", 100);
    let queue = setting("SHIPLABEL_BENCH_QUEUE", 10_000);
    let awaiting = (stations * scans + queue).max(50_000).min(postings);
    let url = match std::env::var("SHIPLABEL_BENCH_DB") {
        Ok(url) => url,
        Err(_) => {
            pg::durable();
            match pg::database() {
                Some(url) => url,
                None => return,
            }
        }
    };
    let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse().expect("time");
    println!("load average before: {}", load_average());
    drop(Store::open(Path::new(&url), Actor::new("bench")).expect("schema"));
    let started = Instant::now();
    bulk_load(&url, postings, awaiting);
    println!(
        "bulk load: {postings} postings ({awaiting} awaiting packaging) with codes and history in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Scan → first byte, all stations at once.
    let first = postings - awaiting + 1;
    let started = Instant::now();
    let threads: Vec<_> = (0..stations)
        .map(|s| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(Path::new(&url), Actor::new("scan")).expect("open");
                let (uri, arrivals) = fake_printer();
                let mut station = station(&mut store, &uri);
                let mut times = Vec::with_capacity(scans);
                for k in 0..scans {
                    let tick = Instant::now();
                    let code = number(first + s * scans + k);
                    while arrivals.try_recv().is_ok() {}
                    let start = Instant::now();
                    let outcome = station.scan(&code, now);
                    assert!(outcome.ok, "{}", outcome.line);
                    let byte = arrivals.recv().expect("printer got bytes");
                    times.push(byte.saturating_duration_since(start));
                    if let Some(rest) = SCAN_EVERY.checked_sub(tick.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
                times
            })
        })
        .collect();
    let mut times: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("station"))
        .collect();
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "scan → first byte, {stations} stations, {} scans in {:.1} s: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (load average {})",
        times.len(),
        elapsed.as_secs_f64(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.90).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        load_average()
    );

    // Queue throughput: pack `queue` postings (one transaction for all, outside the timing) and
    // let every station drain the queue.
    {
        let mut client = pg::connect(&url);
        let from = first + stations * scans;
        client
            .batch_execute(&format!(
                "UPDATE postings SET status = 'awaiting_deliver', status_rank = 4,
                     data = replace(data, '\"awaiting_packaging\"', '\"awaiting_deliver\"')
                 WHERE posting_number IN (SELECT lpad(i::text, 10, '0') || '-0001-1'
                     FROM generate_series({from}, {}) AS i)",
                from + queue - 1
            ))
            .expect("pack");
        let mut store = Store::open(Path::new(&url), Actor::new("bench")).expect("open");
        let queued = store.enqueue_pending(now).expect("enqueue").queued;
        assert_eq!(queued, queue, "queued");
    }
    let started = Instant::now();
    let threads: Vec<_> = (0..stations)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(Path::new(&url), Actor::new("print")).expect("open");
                let (uri, arrivals) = fake_printer();
                std::thread::spawn(move || while arrivals.recv().is_ok() {});
                let summary = station(&mut store, &uri)
                    .print_pending(false, now, |_| {})
                    .expect("print --pending");
                summary.sent.len()
            })
        })
        .collect();
    let per_station: Vec<usize> = threads
        .into_iter()
        .map(|t| t.join().expect("station"))
        .collect();
    let elapsed = started.elapsed();
    let total: usize = per_station.iter().sum();
    assert_eq!(total, queue, "every queued label printed once");
    println!(
        "queue: {total} labels by {stations} stations in {:.1} s: {:.0} labels/s ({:.0} labels/s per station; min {} max {} per station) (load average {})",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64() / stations as f64,
        per_station.iter().min().unwrap_or(&0),
        per_station.iter().max().unwrap_or(&0),
        load_average()
    );
}
