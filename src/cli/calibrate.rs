//! `shiplabel calibrate`: prints the calibration page (rulers, grid, bars, darkness steps, a barcode,
//! the printer's settings) so offsets, darkness and speed can be read off paper (docs/printing.md).

use std::path::PathBuf;
use std::process::ExitCode;

use super::CliError;
use shiplabel::config::Config;
use shiplabel::output::write_atomic_with;
use shiplabel::printer::calibration_page;
use shiplabel::printer::{encode_label, PrintOptions, Printer, Timeouts};

/// Print the calibration page on a printer (or write its bytes to a file).
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The printer (as for `print`) [default: SHIPLABEL_PRINTER, else the settings file's printer].
    #[arg(long)]
    printer: Option<String>,
    /// Write the printer bytes to this file instead of printing.
    #[arg(long, conflicts_with = "printer")]
    output: Option<PathBuf>,
    /// Printer profile: a built-in name or a TOML file [default: as for `print`].
    #[arg(long)]
    profile: Option<String>,
    /// Do not ask the printer for its status.
    #[arg(long)]
    no_status: bool,
    /// Seconds to wait for the printer to take more data.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

/// Prints the page (with the printer's settings from the settings file over the profile).
pub fn run(args: CalibrateArgs) -> Result<ExitCode, CliError> {
    let config = Config::load()?;
    let printer = match &args.output {
        Some(_) => None,
        None => Some(
            config
                .printer(args.printer.as_deref())
                .ok_or("no printer: give --printer URI or --output FILE, or set one in the settings file")?
                .value,
        ),
    };
    let name = config
        .profile(args.profile.as_deref(), printer.as_deref())
        .value;
    let profile = config.resolve_profile(&name, printer.as_deref())?;
    let shown = printer.clone().unwrap_or_else(|| "(file)".into());
    let shiplabel::printer::CalibrationPage {
        page,
        profile: send,
    } = calibration_page(&profile, &shown);
    if let Some(output) = &args.output {
        let job = encode_label(&page, &send, 1)?;
        write_atomic_with(output, |w| std::io::Write::write_all(w, &job))
            .map_err(|e| format!("{}: {e}", output.display()))?;
        eprintln!(
            "wrote the calibration page for profile {}: {} bytes of {} to {}",
            profile.name,
            job.len(),
            profile.language,
            output.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let uri = printer.unwrap_or_default();
    let options = PrintOptions {
        copies: 1,
        check_status: !args.no_status,
        timeouts: Timeouts {
            write: std::time::Duration::from_secs(args.timeout),
            ..Timeouts::default()
        },
    };
    let mut printer = Printer::open_with(&uri, send, options)?;
    let report = printer.print(&page)?;
    eprintln!(
        "calibration page: sent {} bytes to {uri}; printer: {}",
        report.bytes,
        report.printer_said()
    );
    Ok(ExitCode::SUCCESS)
}
