//! The command-line interface: one file per command, each a thin layer over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod barcode;
mod due;
pub mod handover;
pub mod orders;
mod print;
mod printers;
pub mod remind;
pub mod render;
pub mod report;
pub mod templates;
mod text_table;

/// Error type every command returns: the message is printed with its chain of causes.
pub type CliError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Turn marketplace orders into shipping labels and print them.
#[derive(Debug, Parser)]
#[command(name = "shiplabel", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the USB printers connected to this machine, with the URI to print to.
    Printers(printers::PrintersArgs),
    /// Print labels on a thermal printer (ESC/POS, TSPL, ZPL over USB, TCP or a device file).
    Print(print::PrintArgs),
    /// List postings: status, items, cost, whether a label can be made and why not.
    Orders(orders::OrdersArgs),
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
}

/// Runs the command line and returns the process exit code: 0 on success, 1 on a failed command,
/// 2 on a usage error.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
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
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            report(e.as_ref());
            ExitCode::from(1)
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Printers(args) => printers::run(args),
        Command::Print(args) => print::run(args),
        Command::Orders(args) => orders::run(args),
        Command::Render(args) => render::run(args),
        Command::Templates(args) => templates::run(args),
        Command::Barcode(args) => barcode::run(args),
        Command::Remind(args) => remind::run(args),
        Command::Handover(args) => handover::run(args),
        Command::Report(args) => report::run(args),
    }
}

/// Prints an error and its causes on stderr, one line each.
pub fn report(error: &(dyn std::error::Error + 'static)) {
    eprintln!("shiplabel: error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
}
