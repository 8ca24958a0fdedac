//! Postings to a PDF: reads an Ozon Seller API response (or neutral JSON/CSV records), keeps the
//! postings that pass the label gate (the library applies it), and writes one 75 × 120 mm page per label.
//!
//! ```sh
//! cargo run --example postings_to_pdf -- tests/data/ozon_v3_list.json labels.pdf 2026-11-23T10:00:00Z
//! ```

use std::fs::File;
use std::io::BufWriter;

use shiplabel::order::load_file;
use shiplabel::template::Template;
use shiplabel::{DateTime, RenderOptions, Utc};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let input = args
        .first()
        .map_or("tests/data/ozon_v3_list.json", String::as_str);
    let output = args.get(1).map_or("labels.pdf", String::as_str);
    // Deadlines (the passport gate) are judged at this time; the sample data is from 23 November 2026.
    let now: DateTime<Utc> = match args.get(2) {
        Some(text) => text.parse()?,
        None => Utc::now(),
    };

    let postings = load_file(input.as_ref())?;
    let template = Template::builtin("ozon-fbs")?;
    // The label gate is the library's: postings that may not be labelled at `now` come back in the
    // report with the reason. Streams page by page: memory does not grow with the batch.
    let options = RenderOptions {
        now: Some(now),
        ..RenderOptions::default()
    };
    let file = BufWriter::new(File::create(output)?);
    let report = shiplabel::render_pdf_to(&postings, &template, &options, file)?.report;
    for why in &report.skipped {
        eprintln!("skipped: {why}");
    }
    println!(
        "{output}: {} labels for {} postings ({} skipped)",
        report.labels,
        postings.len(),
        report.skipped.len()
    );
    Ok(())
}
