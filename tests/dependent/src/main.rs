//! Renders postings to a PDF through shiplabel built without default features: no CLI, no USB, no
//! SQLite, no C compiler. `.ci/run` runs it on the sample postings and checks the PDF with poppler.
//!
//! Usage: `shiplabel-dependent POSTINGS.json OUT.pdf [RFC3339-NOW]`

use std::process::ExitCode;

use shiplabel::order::load_file;
use shiplabel::template::Template;
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
    // The label gate: only postings that may be labelled now get a label.
    let (ready, refused): (Vec<_>, Vec<_>) =
        postings.into_iter().partition(|p| p.labelable(now).is_ok());
    for posting in &refused {
        if let Err(why) = posting.labelable(now) {
            eprintln!("skipped: {why}");
        }
    }
    let template = Template::builtin("ozon-fbs")?;
    let pdf = shiplabel::render_pdf(&ready, &template)?;
    std::fs::write(output, &pdf)?;
    println!(
        "{} postings labelled, {} skipped, {} bytes",
        ready.len(),
        refused.len(),
        pdf.len()
    );
    Ok(())
}
