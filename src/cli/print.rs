//! `shiplabel print`: labels to a printer, one job per label, a progress line per label.

use std::path::PathBuf;
use std::process::ExitCode;

use super::CliError;
use crate::bitmap::Bitmap;
use crate::output::write_atomic_with;
use crate::printer::{
    bitmap_from_png, encode_label, BatchError, PrintOptions, Printer, Profile, Timeouts,
};

/// Print labels on a thermal printer (ESC/POS, TSPL or ZPL over USB, TCP or a device file).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["printer", "output"])))]
pub struct PrintArgs {
    /// Label files: rendered label images (PNG), one label each, named by the file name.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where the printer is: usb://VID:PID[?serial=…&interface=N], tcp://HOST[:PORT], file:///dev/usb/lp0
    /// or a path.
    #[arg(long)]
    printer: Option<String>,
    /// Write the printer bytes to this file instead of printing (for inspection).
    #[arg(long, conflicts_with = "printer")]
    output: Option<PathBuf>,
    /// Printer profile: a built-in name (see `shiplabel printers --profiles`) or a TOML file.
    #[arg(long, default_value = "xprinter-xp365b")]
    profile: String,
    /// Copies of each label.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=999))]
    copies: u32,
    /// Do not ask the printer for its status (for firmware that reports nonsense).
    #[arg(long)]
    no_status: bool,
    /// Seconds to wait for the printer to take more data before giving up on a label.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

/// Loads the labels and prints them.
pub fn run(args: PrintArgs) -> Result<ExitCode, CliError> {
    let mut labels = Vec::with_capacity(args.files.len());
    for file in &args.files {
        labels.push(load(file)?);
    }
    print_labels(&args, &labels)
}

fn load(file: &PathBuf) -> Result<(String, Bitmap), CliError> {
    let shown = file.display().to_string();
    let is_png = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if !is_png {
        return Err(format!(
            "{shown}: only rendered label images (.png) can be printed by this build; printing postings \
             directly needs the label renderer"
        )
        .into());
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{shown}: {e}"))?;
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or(shown);
    let bitmap = bitmap_from_png(&bytes, &name)?;
    Ok((name, bitmap))
}

/// Prints (or writes with `--output`) labels already rendered at the printer's resolution: the seam the
/// posting → label renderer plugs into.
pub fn print_labels(args: &PrintArgs, labels: &[(String, Bitmap)]) -> Result<ExitCode, CliError> {
    let profile = Profile::resolve(&args.profile)?;
    if let Some(output) = &args.output {
        let mut jobs = Vec::with_capacity(labels.len());
        for (name, bitmap) in labels {
            jobs.push(
                encode_label(bitmap, &profile, args.copies)
                    .map_err(|e| format!("label {name}: {e}"))?,
            );
        }
        write_atomic_with(output, |w| {
            use std::io::Write;
            jobs.iter().try_for_each(|job| w.write_all(job))
        })
        .map_err(|e| format!("{}: {e}", output.display()))?;
        let bytes: usize = jobs.iter().map(Vec::len).sum();
        eprintln!(
            "wrote {} label(s), {bytes} bytes of {} for profile {} to {}",
            labels.len(),
            profile.language,
            profile.name,
            output.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let uri = args.printer.as_deref().unwrap_or_default();
    let options = PrintOptions {
        copies: args.copies,
        check_status: !args.no_status,
        timeouts: Timeouts {
            write: std::time::Duration::from_secs(args.timeout),
            ..Timeouts::default()
        },
    };
    let mut printer = Printer::open_with(uri, profile, options).map_err(|cause| BatchError {
        printed: Vec::new(),
        failed: None,
        partly_sent: false,
        not_printed: labels.iter().map(|(name, _)| name.clone()).collect(),
        cause: Box::new(cause),
    })?;
    printer.print_batch(labels, |p| {
        eprintln!(
            "[{}/{}] {}: sent {} bytes; printer: {}",
            p.index + 1,
            p.total,
            p.name,
            p.report.bytes,
            p.report.printer_said()
        );
    })?;
    eprintln!("printed {} label(s) on {uri}", labels.len());
    Ok(ExitCode::SUCCESS)
}
