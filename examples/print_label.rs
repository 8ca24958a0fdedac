//! A label to a printer: composes one posting's label as a 1-bit bitmap at the printer's resolution
//! and sends it as one job, reading the printer's status before and after where the link allows.
//!
//! ```sh
//! cargo run --example print_label -- label.zpl zebra-gk420d               # the job's bytes to a file
//! cargo run --example print_label -- tcp://192.0.2.10:9100 zebra-gk420d   # a network printer
//! cargo run --example print_label -- usb://0a5f:0166 zebra-gk420d         # USB (the `usb` feature)
//! ```
//!
//! `shiplabel printers` lists the USB printers connected and the URI of each; the profiles are listed
//! in `docs/printing.md`.

use shiplabel::order::parse_csv;
use shiplabel::printer::{encode_label, Printer, Profile};
use shiplabel::template::Template;

/// One posting as a neutral CSV record (the columns are described in `docs/records.md`).
const POSTING: &str = "\
shipment_id,order_number,status,sku,name,quantity,price,currency,upper_barcode,lower_barcode
SHP-2026-1001,ORD-77120,awaiting_deliver,5100200300,Чай улун «Молочный» 100 г,2,459.90,RUB,%101%806044518,23024930500000
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args.first().map_or("label.prn", String::as_str);
    let profile = Profile::resolve(args.get(1).map_or("zebra-gk420d", String::as_str))?;

    let postings = parse_csv("posting.csv", POSTING)?;
    postings[0].labelable(shiplabel::Utc::now())?;
    let template = Template::builtin("ozon-fbs")?;
    // The label is laid out for the printer's own dot grid, so every bar edge falls on a dot.
    let label = shiplabel::label_bitmap(&postings[0], &template, profile.dpi)?;
    if !target.contains("://") {
        // A plain path: the exact bytes the printer would receive (what `shiplabel print --output` writes).
        std::fs::write(target, encode_label(&label, &profile, 1)?)?;
        println!("wrote the job for {} to {target}", profile.name);
        return Ok(());
    }
    let mut printer = Printer::open(target, profile)?;
    let report = printer.print(&label)?;
    let confirmed = if report.confirmed {
        "confirmed by the printer"
    } else {
        "not confirmed"
    };
    println!("sent to {target}, {confirmed}; {}", report.printer_said());
    Ok(())
}
