//! `shiplabel scan`: scan to print — one line per scanned code, the way a USB scanner types it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::parse_now;
use super::station::{open_existing_store, PrinterOpts};
use super::terminal::escape;
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
pub fn run(mut args: ScanArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "scan")?;
    let mut station = args.printer.station(&mut store)?;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    // Bytes, not `lines()`: a scanner on the wrong keyboard layout can type bytes that are not UTF-8,
    // and that must refuse the one code, not end the session.
    for line in ScanLines::new(stdin.lock()) {
        let Some(line) = line? else {
            let max = shiplabel::limits::MAX_SCAN_LINE;
            writeln!(
                out,
                "✗ a line longer than {max} bytes: ignored, up to its end (not a scanned code)\x07"
            )?;
            continue;
        };
        let line = String::from_utf8_lossy(&line).into_owned();
        // Scanners end a code with CR, LF or both; empty lines are the second half of CR LF.
        let code = line.trim_matches(|c: char| c.is_whitespace() || c.is_control());
        if code.is_empty() {
            continue;
        }
        let outcome = station.scan(code, args.now.unwrap_or_else(Utc::now));
        failed += usize::from(!outcome.ok);
        let bell = if outcome.ok { "" } else { "\x07" };
        writeln!(out, "{}{bell}", escape(&outcome.line))?;
        out.flush()?;
    }
    if failed > 0 && !interactive {
        eprintln!("{failed} scanned line(s) failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The lines of the scanner input, each at most [`shiplabel::limits::MAX_SCAN_LINE`] bytes: a longer one
/// (a file of garbage, `/dev/zero`) is `None`, read and dropped up to its end without being held, so
/// memory stays bounded whatever comes in.
struct ScanLines<R> {
    input: R,
    done: bool,
}

impl<R: BufRead> ScanLines<R> {
    fn new(input: R) -> Self {
        ScanLines { input, done: false }
    }
}

impl<R: BufRead> Iterator for ScanLines<R> {
    type Item = std::io::Result<Option<Vec<u8>>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let max = shiplabel::limits::MAX_SCAN_LINE;
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if buf.is_empty() {
                self.done = true;
                if line.is_empty() && !too_long {
                    return None;
                }
                break;
            }
            let (chunk, ended) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], Some(i + 1)),
                None => (buf, None),
            };
            if !too_long {
                if line.len() + chunk.len() > max {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = ended.unwrap_or(buf.len());
            self.input.consume(used);
            if ended.is_some() {
                break;
            }
        }
        Some(Ok((!too_long).then_some(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_an_endless_one_is_dropped() {
        let max = shiplabel::limits::MAX_SCAN_LINE;
        let mut input = b"ABC\r\n".to_vec();
        input.extend(std::iter::repeat_n(0u8, max * 3));
        input.extend_from_slice(b"\nDEF");
        let lines: Vec<Option<Vec<u8>>> = ScanLines::new(&input[..]).map(|l| l.unwrap()).collect();
        assert_eq!(
            lines,
            vec![Some(b"ABC\r".to_vec()), None, Some(b"DEF".to_vec())]
        );
        let exact = vec![b'x'; max];
        let lines: Vec<_> = ScanLines::new(&exact[..]).map(|l| l.unwrap()).collect();
        assert_eq!(lines, vec![Some(exact.clone())]);
    }
}
