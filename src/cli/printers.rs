//! `shiplabel printers`: the USB printers connected to this machine, one a line, with the URI to use.

use std::process::ExitCode;

use super::CliError;
use shiplabel::printer::{builtins, list_usb_printers, TransportError, UsbPrinterInfo};

/// List connected USB printers (or the built-in printer profiles).
#[derive(Debug, clap::Args)]
pub struct PrintersArgs {
    /// List the built-in printer profiles instead.
    #[arg(long)]
    profiles: bool,
}

/// Prints one line per printer: `VID:PID manufacturer="…" model="…" languages=… uri=…`. A machine without
/// USB is not an error: it says so on stderr and exits 0 (network and file printers still work).
pub fn run(args: PrintersArgs) -> Result<ExitCode, CliError> {
    if args.profiles {
        for p in builtins() {
            println!(
                "{} language={} dpi={} head={}mm ({} dots) label={}x{}mm media={}{}",
                p.name,
                p.language,
                p.dpi,
                p.head_width_mm,
                p.head_width_dots(),
                p.label_width_mm,
                p.label_length_mm,
                p.media.name(),
                if p.inferred {
                    " (figures inferred)"
                } else {
                    ""
                }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let printers = match list_usb_printers() {
        Ok(list) => list,
        Err(TransportError::NoUsb(e)) => {
            eprintln!(
                "shiplabel: no USB on this machine (libusb: {e}): no USB printers to list; \
                 tcp:// and file:// printers still work"
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e.into()),
    };
    if printers.is_empty() {
        eprintln!("shiplabel: no USB printers found (no device with a printer-class interface)");
    }
    for printer in &printers {
        println!("{}", line(printer));
    }
    Ok(ExitCode::SUCCESS)
}

fn quoted(value: Option<&str>) -> String {
    format!("\"{}\"", value.unwrap_or("unknown").replace('"', "'"))
}

/// One printer as one line: the device ID's names first, the USB strings as a fallback.
fn line(p: &UsbPrinterInfo) -> String {
    let id = p.device_id.as_ref();
    let manufacturer = id
        .and_then(|d| d.manufacturer.as_deref())
        .or(p.manufacturer.as_deref());
    let model = id.and_then(|d| d.model.as_deref()).or(p.product.as_deref());
    let languages = id
        .map(|d| d.command_set.join(","))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    let mut text = format!(
        "{:04x}:{:04x} manufacturer={} model={} languages={} uri={}",
        p.vid,
        p.pid,
        quoted(manufacturer),
        quoted(model),
        languages,
        p.uri
    );
    if let Some(note) = &p.note {
        text.push_str(&format!(" note={}", quoted(Some(note))));
    }
    text
}
