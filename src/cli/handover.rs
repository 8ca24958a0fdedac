//! `shiplabel handover FILE... -o act.pdf`: the handover sheet for the collection point.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

use super::orders::load_postings;
use super::parse_now;
use super::report::parse_date;
use super::CliError;
use shiplabel::order;
use shiplabel::report::HandoverSheet;

/// Make the handover sheet (акт приёма-передачи) for the packed postings in the files: A4 PDF.
#[derive(Debug, Args)]
pub struct HandoverArgs {
    /// Files to read (Ozon API JSON or neutral records).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The PDF to write.
    #[arg(short, long, value_name = "PDF")]
    pub output: PathBuf,
    /// The seller's name as it should stand on the sheet (left blank to fill in by hand).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub seller: String,
    /// The handover date (YYYY-MM-DD); default today in Moscow time.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Judge the order rules (passport gate) at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// Runs the command.
pub fn run(args: HandoverArgs) -> Result<ExitCode, CliError> {
    let now = args.now.unwrap_or_else(Utc::now);
    let date = args
        .date
        .unwrap_or_else(|| now.with_timezone(&order::moscow()).date_naive());
    let postings = load_postings(&args.files)?;
    let sheet = HandoverSheet::from_postings(&postings, &args.seller, date, now)?;
    for s in &sheet.skipped {
        eprintln!("skipped: {}", s.reason);
    }
    let pages = sheet.write_pdf(&args.output)?;
    println!(
        "{}: {} posting(s), {} page(s){}",
        args.output.display(),
        sheet.rows.len(),
        pages,
        if sheet.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", sheet.skipped.len())
        }
    );
    Ok(ExitCode::SUCCESS)
}
