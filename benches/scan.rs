//! Scan to print with 100,000 postings in the store: the time from a scanned code to the first byte at
//! a (fake, loopback TCP) printer. Target: median under 20 ms.
//!
//! Each iteration scans a different posting awaiting packaging: find it by posting number, pack it
//! (a write transaction), add its journal job, render the Ozon label at 203 dpi, encode TSPL, mark the
//! job `sending` (a synced write) and send.

use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use shiplabel::order::{Money, Posting, PostingNumber, Product, Status};
use shiplabel::printer::{PrintOptions, Profile};
use shiplabel::station::Station;
use shiplabel::store::{Actor, Store};
use shiplabel::template::Template;

const POSTINGS: usize = 100_000;

fn generate(n: usize) -> Vec<Posting> {
    let price = Money::parse("990.00", "RUB").expect("price");
    (0..n)
        .map(|i| {
            let mut p = Posting::new(
                format!("{:010}-{:04}-1", 100_000_000 + i, i % 10_000)
                    .parse()
                    .expect("posting number"),
                Status::AwaitingPackaging,
            );
            p.in_process_at = "2026-11-22T10:00:00Z".parse().ok();
            p.upper_barcode = Some(format!("%101%{}", 800_000_000 + i));
            p.lower_barcode = Some(format!("{}", 23_024_930_500_000u64 + i as u64));
            p.delivery_method.name = Some("Доставка Ozon самостоятельно, Подольск".into());
            p.delivery_method.warehouse = Some("Склад Подольск Северный".into());
            p.products.push(Product {
                sku: 1_700_000_000 + i as i64,
                offer_id: format!("ART-{i}"),
                name: format!("Термокружка {i}"),
                price: price.clone(),
                quantity: 1,
                marking_codes: Vec::new(),
            });
            p
        })
        .collect()
}

/// A printer that notes when each read arrives and counts bytes.
fn fake_printer() -> (String, mpsc::Receiver<Instant>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let uri = format!("tcp://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::channel();
    let total = Arc::new(AtomicUsize::new(0));
    let counter = total.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = conn.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let _ = tx.send(Instant::now());
                counter.fetch_add(n, Ordering::SeqCst);
            }
        }
    });
    (uri, rx, total)
}

fn scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse().expect("time");
    let mut store = Store::open(&dir.path().join("bench.db"), Actor::new("bench")).expect("store");
    let postings = generate(POSTINGS);
    let numbers: Vec<PostingNumber> = postings.iter().map(|p| p.posting_number.clone()).collect();
    store.import(postings, now).expect("import");
    let (uri, arrivals, received) = fake_printer();
    let profile = Profile::resolve("xprinter-xp365b").expect("profile");
    let options = PrintOptions {
        check_status: false,
        ..PrintOptions::default()
    };
    let template = Template::builtin("ozon-fbs").expect("template");
    let mut station = Station::new(&mut store, template, &uri, profile, options);
    let mut next = 0usize;
    let mut group = c.benchmark_group("scan");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("scan to first byte, 100k postings", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let code = &numbers[next % numbers.len()];
                next += 1;
                let before = received.load(Ordering::SeqCst);
                while arrivals.try_recv().is_ok() {}
                let start = Instant::now();
                let outcome = station.scan(code, now);
                assert!(outcome.ok, "{}", outcome.line);
                let first = arrivals.recv().expect("printer got bytes");
                total += first.saturating_duration_since(start);
                let bytes: i64 = outcome
                    .jobs
                    .iter()
                    .filter_map(|id| station.store().job(*id).ok()?.bytes)
                    .sum();
                let want = before + usize::try_from(bytes).unwrap_or(usize::MAX);
                while received.load(Ordering::SeqCst) < want {
                    std::thread::sleep(Duration::from_micros(50));
                }
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
