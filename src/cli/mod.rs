//! The command-line interface: one file per command, each a thin layer over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod barcode;
mod calibrate;
mod completions;
mod config;
mod due;
pub mod handover;
mod import;
mod jobs;
mod lifecycle;
pub mod orders;
#[cfg(feature = "ozon")]
mod ozon;
mod print;
mod printers;
pub mod remind;
pub mod render;
pub mod report;
mod reprint;
mod scan;
#[cfg(feature = "serve")]
mod serve;
mod station;
pub mod templates;
pub mod terminal;
mod text_table;

/// Parses `--now`: the one parser every command's `--now` uses.
pub fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time (like 2026-11-22T12:00:00Z): {e}"))
}

/// Error type every command returns: the message is printed with its chain of causes.
pub type CliError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Turn marketplace orders into shipping labels and print them.
#[derive(Debug, Parser)]
#[command(name = "shiplabel", version, about, long_about = None)]
pub struct Cli {
    /// The station database (default: the settings file's db, else $XDG_DATA_HOME/shiplabel/shiplabel.db;
    /// %APPDATA%\shiplabel\shiplabel.db on Windows). `orders --db` without
    /// files lists the stored postings.
    #[arg(long, global = true, value_name = "PATH", num_args = 0..=1)]
    db: Option<Option<std::path::PathBuf>>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List postings: status, items, cost, whether a label can be made and why not.
    Orders(orders::OrdersArgs),
    /// List the USB printers connected to this machine, with the URI to print to.
    Printers(printers::PrintersArgs),
    /// Print labels on a thermal printer (ESC/POS, TSPL, ZPL over USB, TCP, CUPS or a device file).
    Print(print::PrintArgs),
    /// Show the effective settings (printer, profile, template, db) and where each came from.
    Config(config::ConfigArgs),
    /// Print the calibration page: mm rulers, grid, 1 to 4 dot bars, darkness steps, the settings.
    Calibrate(calibrate::CalibrateArgs),
    /// Import postings into the station store (idempotent; never moves a status back).
    Import(import::ImportArgs),
    /// Pack a stored posting, whole or split into packages.
    Pack(lifecycle::PackArgs),
    /// Cancel a stored posting with a reason.
    Cancel(lifecycle::CancelArgs),
    /// Hand a stored posting over to delivery.
    Ship(lifecycle::ShipArgs),
    /// Print a posting's label(s) again; the journal records it.
    Reprint(reprint::ReprintArgs),
    /// Show the print journal.
    Jobs(jobs::JobsArgs),
    /// Scan to print: read codes from stdin, pack, print the label, one line each.
    Scan(scan::ScanArgs),
    /// Render labels for postings to PDF (one page per label) or PNG.
    Render(render::RenderArgs),
    /// List the built-in label templates.
    Templates(templates::TemplatesArgs),
    /// Encode one barcode and write it alone (quiet zones included) as PNG or SVG.
    Barcode(barcode::BarcodeArgs),
    /// List postings waiting for passport data, hours left, and a chat message for each.
    Remind(remind::RemindArgs),
    /// Make the handover sheet (A4 PDF) for the packed postings, with a barcode per posting.
    Handover(handover::HandoverArgs),
    /// Sales summary: delivered postings' cost per day and in total, cancelled and disputed beside.
    Report(report::ReportArgs),
    /// Work with Ozon directly: pull postings, pack (ship) them, tracking, cancel, Ozon's label PDF.
    #[cfg(feature = "ozon")]
    Ozon(ozon::OzonArgs),
    /// The packing station in the browser: the packer's page and a JSON print API (docs/serve.md).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff) on stdout: `shiplabel man > shiplabel.1`.
    Man(completions::ManArgs),
}

/// Runs the command line and returns the process exit code: 0 on success, 1 on a failed command,
/// 2 on a usage error.
pub fn run() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // `serve` talks to printers and to browsers: a page closed mid-answer must not kill it.
    #[cfg(feature = "serve")]
    let serves = matches!(cli.command, Command::Serve(_));
    #[cfg(not(feature = "serve"))]
    let serves = false;
    if !cli.command.talks_to_a_printer() && !serves {
        end_quietly_when_stdout_closes();
    }
    remove_temporaries_on_signal();
    if let Command::Orders(args) = &mut cli.command {
        args.from_store = cli.db.is_some();
    }
    let flag = cli.db.as_ref().and_then(|d| d.as_deref());
    // The settings file's db (or SHIPLABEL_DB) stands in for --db; `config` shows the choice itself.
    let db = match &cli.command {
        Command::Config(_) => flag.map(|p| p.to_path_buf()),
        _ => match shiplabel::config::Config::load() {
            Ok(config) => config.db(flag).map(|s| s.value),
            Err(e) => {
                report(&e);
                return ExitCode::from(1);
            }
        },
    };
    match dispatch(cli.command, db.as_deref()) {
        Ok(code) => code,
        Err(e) => {
            report(e.as_ref());
            ExitCode::from(1)
        }
    }
}

impl Command {
    /// Whether the command writes to a printer (a TCP socket, a USB device or a device file).
    fn talks_to_a_printer(&self) -> bool {
        matches!(
            self,
            Command::Print(_) | Command::Reprint(_) | Command::Scan(_) | Command::Calibrate(_)
        )
    }
}

/// `shiplabel orders … | head -1`: when the reader of our stdout goes away, end the process the way
/// `cat` does (killed by SIGPIPE, no message) instead of `println!` panicking on the broken pipe. Rust
/// ignores SIGPIPE by default so that writes return `EPIPE`; the printing commands keep it that way, so
/// a printer (a FIFO, say) that vanishes mid-batch is an error that says which labels printed, not a
/// silent death. Every file we write is written atomically and the store is transactional, so being
/// killed here loses nothing.
fn end_quietly_when_stdout_closes() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP while an output file is being written: remove its temporary
/// file, then die of the signal as before. The signals are blocked in every thread (this runs before
/// any thread starts, and threads inherit the mask) and taken by one thread that waits for them, so
/// the removal runs as ordinary code, not inside a signal handler.
fn remove_temporaries_on_signal() {
    #[cfg(unix)]
    // SAFETY: plain libc signal-mask calls on a local set, before any other thread is started.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, signal);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut signal = 0;
            if libc::sigwait(&set, &mut signal) == 0 {
                shiplabel::output::remove_temporaries();
                libc::signal(signal, libc::SIG_DFL);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(signal);
            }
        });
    }
}

fn dispatch(command: Command, db: Option<&std::path::Path>) -> Result<ExitCode, CliError> {
    match command {
        Command::Orders(args) => orders::run(args, db),
        Command::Printers(args) => printers::run(args),
        Command::Print(args) => print::run(args, db),
        Command::Config(args) => config::run(args, db),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Import(args) => import::run(args, db),
        Command::Pack(args) => lifecycle::run_pack(args, db),
        Command::Cancel(args) => lifecycle::run_cancel(args, db),
        Command::Ship(args) => lifecycle::run_ship(args, db),
        Command::Reprint(args) => reprint::run(args, db),
        Command::Jobs(args) => jobs::run(args, db),
        Command::Scan(args) => scan::run(args, db),
        Command::Render(args) => render::run(args, db),
        Command::Templates(args) => templates::run(args),
        Command::Barcode(args) => barcode::run(args),
        Command::Remind(args) => remind::run(args),
        Command::Handover(args) => handover::run(args),
        Command::Report(args) => report::run(args),
        #[cfg(feature = "ozon")]
        Command::Ozon(args) => ozon::run(args, db),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, db),
        Command::Completions(args) => completions::run_completions(args),
        Command::Man(args) => completions::run_man(args),
    }
}

/// Prints an error and its causes on stderr, one line each.
pub fn report(error: &(dyn std::error::Error + 'static)) {
    // Errors quote input (posting numbers, field values) and printer replies: escaped.
    eprintln!("shiplabel: error: {}", terminal::escape(&error.to_string()));
    let mut said = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some messages already end with their cause; saying it twice helps nobody.
        if !said.contains(&text) {
            eprintln!("  caused by: {}", terminal::escape(&text));
        }
        said = text;
        source = cause.source();
    }
}
