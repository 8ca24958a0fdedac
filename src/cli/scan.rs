//! `shiplabel scan`: scan to print — one line per scanned code, the way a USB scanner types it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::parse_now;
use super::station::{open_existing_store, PrinterOpts};
use super::CliError;

/// Read scanned codes from stdin (posting number, order number, label barcode, product SKU or offer
/// id): pack the posting if it awaits packaging, print its label, say what happened.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    printer: PrinterOpts,
    /// The time to judge the passport gate against (RFC 3339); default: the clock at each scan.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// Runs the loop until stdin ends. Refused codes ring the terminal bell and the loop goes on. When
/// the codes come from a file or a pipe (not a terminal), a line that failed makes the exit status 1,
/// so a script sees it.
pub fn run(args: ScanArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "scan")?;
    let mut station = args.printer.station(&mut store)?;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    // Bytes, not `lines()`: a scanner on the wrong keyboard layout can type bytes that are not UTF-8,
    // and that must refuse the one code, not end the session.
    for line in stdin.lock().split(b'\n') {
        let line = String::from_utf8_lossy(&line?).into_owned();
        // Scanners end a code with CR, LF or both; empty lines are the second half of CR LF.
        let code = line.trim_matches(|c: char| c.is_whitespace() || c.is_control());
        if code.is_empty() {
            continue;
        }
        let outcome = station.scan(code, args.now.unwrap_or_else(Utc::now));
        failed += usize::from(!outcome.ok);
        let bell = if outcome.ok { "" } else { "\x07" };
        writeln!(out, "{}{bell}", outcome.line)?;
        out.flush()?;
    }
    if failed > 0 && !interactive {
        eprintln!("{failed} scanned line(s) failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
