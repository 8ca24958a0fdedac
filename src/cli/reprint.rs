//! `shiplabel reprint POSTING`: a posting's label(s) again, recorded in the journal.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::parse_now;
use super::station::{open_existing_store, PrinterOpts};
use super::terminal::escape;
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
pub fn run(mut args: ReprintArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "reprint")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let mut station = args.printer.station(&mut store)?;
    let shiplabel::station::Reprinted {
        summary,
        never_sent,
    } = station.reprint(&args.posting, now)?;
    for name in &summary.sent {
        let confirmed = if summary.unconfirmed.contains(name) {
            "not confirmed"
        } else {
            "confirmed by the printer"
        };
        let printer = &args.printer.printer;
        if never_sent.contains(name) {
            println!(
                "{}: sent to {printer}, {confirmed} (it had never been sent before)",
                escape(name)
            );
        } else {
            println!("{}: sent again to {printer}, {confirmed}", escape(name));
        }
    }
    for issue in &summary.failed {
        let (name, why) = (&issue.label, &issue.reason);
        println!("{}: not printed: {}", escape(name), escape(why));
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
