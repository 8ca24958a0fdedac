//! The packing station: a store of postings, packing one into two boxes, and the print journal sending
//! every label that is due exactly once, here to a stand-in printer on 127.0.0.1 that takes every byte.
//!
//! ```sh
//! cargo run --example station                       # a temporary store, a stand-in printer on loopback
//! cargo run --example station -- tcp://192.0.2.10:9100
//! ```
//!
//! Needs the `sqlite` feature (on by default).

use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use shiplabel::order::{parse_csv, Package};
use shiplabel::printer::{PrintOptions, Profile};
use shiplabel::station::Station;
use shiplabel::store::{Actor, Store};
use shiplabel::template::Template;
use shiplabel::{DateTime, Utc};

/// Two postings as neutral CSV records: one packed already, one still to pack (its two products).
const POSTINGS: &str = "\
shipment_id,order_number,status,sku,name,quantity,price,currency,upper_barcode,lower_barcode
SHP-1001,ORD-77120,awaiting_deliver,5100200300,Чай улун «Молочный» 100 г,2,459.90,RUB,%101%806044518,23024930500000
SHP-1002,ORD-77121,awaiting_packaging,5100200302,Мёд гречишный 500 г,3,380.00,RUB,%101%806044519,23024930500001
SHP-1002,ORD-77121,awaiting_packaging,5100200303,Варежки шерстяные,1,690.00,RUB,%101%806044519,23024930500001
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("shiplabel-station-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let received = Arc::new(AtomicUsize::new(0));
    let uri = match std::env::args().nth(1) {
        Some(uri) => uri,
        None => stand_in_printer(Arc::clone(&received))?,
    };
    let now: DateTime<Utc> = Utc::now();

    // The store: importing twice changes nothing, and a status never moves back.
    let mut store = Store::open(&dir.join("station.db"), Actor::new("example"))?;
    let report = store.import(parse_csv("postings.csv", POSTINGS)?, now)?;
    println!("imported: {} new", report.inserted);

    // Pack SHP-1002 into two boxes: the honey in one, the mittens in the other. Each box gets a label.
    store.pack(
        "SHP-1002",
        &[
            Package::new([(5100200302, 3)]),
            Package::new([(5100200303, 1)]),
        ],
        now,
    )?;

    // The journal: every label is a job row, synced before a byte goes to the printer.
    let profile = Profile::resolve("zebra-gk420d")?;
    let template = Template::builtin("ozon-fbs")?;
    let mut station = Station::new(&mut store, template, &uri, profile, PrintOptions::default());
    let summary = station.print_pending(false, now, |line| println!("  {line}"))?;
    println!(
        "sent {} labels to {uri}; {} failed, {} uncertain",
        summary.sent.len(),
        summary.failed.len(),
        summary.uncertain.len()
    );
    // A second run finds nothing left to print.
    let again = station.print_pending(false, now, |line| println!("  {line}"))?;
    println!("second run: {} labels", again.sent.len());
    println!(
        "the stand-in printer received {} bytes",
        received.load(Ordering::SeqCst)
    );
    Ok(())
}

/// A printer on 127.0.0.1 that reads every byte of every connection and answers no status query
/// (so labels come out "sent, not confirmed"); returns its URI.
fn stand_in_printer(received: Arc<AtomicUsize>) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let uri = format!("tcp://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for mut connection in listener.incoming().flatten() {
            let mut buf = [0u8; 8192];
            while let Ok(n) = connection.read(&mut buf) {
                if n == 0 {
                    break;
                }
                received.fetch_add(n, Ordering::SeqCst);
            }
        }
    });
    Ok(uri)
}
