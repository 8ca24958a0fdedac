//! Renders postings to a PDF through shiplabel built without default features: no CLI, no USB, no
//! SQLite, no C compiler. `.ci/run` runs it on the sample postings and checks the PDF with poppler.
//!
//! Usage: `shiplabel-dependent POSTINGS.json OUT.pdf [RFC3339-NOW]`

use std::process::ExitCode;

use shiplabel::order::load_file;
use shiplabel::template::Template;
use shiplabel::RenderOptions;
use shiplabel::{DateTime, Utc};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shiplabel-dependent: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: shiplabel-dependent POSTINGS.json OUT.pdf [RFC3339-NOW]".into());
    };
    let now: DateTime<Utc> = match rest.first() {
        Some(text) => text.parse()?,
        None => Utc::now(),
    };
    let postings = load_file(input.as_ref())?;
    let template = Template::builtin("ozon-fbs")?;
    // The label gate is the library's: only postings that may be labelled at `now` get a label.
    let options = RenderOptions {
        now: Some(now),
        ..RenderOptions::default()
    };
    let shiplabel::RenderedPdf { pdf, report } =
        shiplabel::render_pdf_to(&postings, &template, &options, Vec::new())?;
    for why in &report.skipped {
        eprintln!("skipped: {why}");
    }
    std::fs::write(output, &pdf)?;
    println!(
        "{} labels, {} postings skipped, {} bytes",
        report.labels,
        report.skipped.len(),
        pdf.len()
    );
    Ok(())
}
