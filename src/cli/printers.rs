//! `shiplabel printers`: the USB printers connected to this machine and the OS print queues (CUPS,
//! Windows), one a line, with the URI to use.

use std::process::ExitCode;

use super::CliError;
use shiplabel::printer::{
    builtins, list_cups_queues, list_usb_printers, IppServer, Timeouts, TransportError,
    UsbPrinterInfo,
};

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
    match list_usb_printers() {
        Ok(printers) => {
            if printers.is_empty() {
                eprintln!(
                    "shiplabel: no USB printers found (no device with a printer-class interface)"
                );
            }
            for printer in &printers {
                println!("{}", line(printer));
            }
        }
        Err(TransportError::NoUsb(e)) => {
            eprintln!(
                "shiplabel: no USB on this machine ({e}): no USB printers to list; \
                 tcp:// and file:// printers still work"
            );
        }
        Err(e) => return Err(e.into()),
    }
    os_queues();
    Ok(ExitCode::SUCCESS)
}

/// The print queues of the local CUPS server (and of Windows), one a line.
fn os_queues() {
    #[cfg(windows)]
    match shiplabel::printer::list_windows_printers() {
        Ok(names) => {
            for name in names {
                println!("winspool://{} queue=windows", visible(&name));
            }
        }
        Err(e) => eprintln!("shiplabel: cannot list the Windows printers: {e}"),
    }
    match list_cups_queues(&IppServer::local(), Timeouts::default()) {
        Ok(queues) => {
            for q in queues {
                println!(
                    "cups://{} queue=cups state={}{} model={} device={}",
                    visible(&q.name),
                    q.state,
                    if q.accepting { "" } else { ",rejecting" },
                    quoted(Some(&q.model)),
                    quoted(Some(&q.device_uri))
                );
            }
        }
        // No CUPS here is as ordinary as no USB: say so and go on.
        Err(e) if !cfg!(windows) => eprintln!(
            "shiplabel: no CUPS print queues listed ({}): cups:// printers need a CUPS server",
            visible(&e)
        ),
        Err(_) => {}
    }
}

/// Text without control characters (names come from the system, but reach a terminal).
fn visible(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn quoted(value: Option<&str>) -> String {
    format!(
        "\"{}\"",
        visible(value.unwrap_or("unknown")).replace('"', "'")
    )
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
