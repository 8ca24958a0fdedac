//! `shiplabel reprint POSTING`: a posting's label(s) again, recorded in the journal.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::station::{open_store, parse_now, PrinterOpts};
use super::CliError;

/// Print a posting's label(s) again (a torn or lost label); the journal records it.
#[derive(Debug, clap::Args)]
pub struct ReprintArgs {
    /// The posting number.
    posting: String,
    #[command(flatten)]
    printer: PrinterOpts,
    /// The time to judge labelability against (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// Reprints and says what was sent.
pub fn run(args: ReprintArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, "reprint")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let (mut station, printer) = args.printer.station(&mut store)?;
    let summary = station.reprint(&args.posting, now)?;
    for name in &summary.sent {
        println!("{name}: printed again on {printer}");
    }
    for (name, why) in &summary.failed {
        println!("{name}: not printed: {why}");
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
