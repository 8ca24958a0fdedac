//! How bytes reach a printer: one [`Transport`] trait, chosen by the printer URI.
//!
//! - `usb://VID:PID[?serial=…&interface=…]`: the USB printer-class interface, through nusb (pure Rust), with
//!   the `usb` feature (without it such a URI still parses, and opening it says the feature is off);
//! - `tcp://HOST[:PORT]`: a raw socket, port 9100 unless given;
//! - `file:///dev/usb/lp0` or a plain path: an existing device node or FIFO (never a regular file,
//!   never created or truncated; see [`FileTransport`]).
//! - `cups://QUEUE`, `ipp://HOST[:PORT]/printers/QUEUE`: a CUPS print queue, the job sent raw (`ipp`);
//! - `winspool://PRINTER NAME`: a Windows print queue, the job sent RAW (`winspool`, Windows only).

// The device ID parser and the interface choice work on plain data and are tested without hardware,
// but only the USB transport uses them.
#[cfg(feature = "usb")]
mod device_id;
mod file;
mod ipp;
mod tcp;
#[cfg(feature = "usb")]
mod usb;
#[cfg(feature = "usb")]
mod usb_select;
#[cfg(windows)]
#[allow(unsafe_code)]
mod winspool;

use std::path::PathBuf;
use std::time::{Duration, Instant};

#[cfg(feature = "usb")]
pub use device_id::DeviceId;
pub use file::FileTransport;
pub use ipp::{
    list_queues as list_cups_queues, IppTransport, QueueInfo as CupsQueue, Server as IppServer,
};
pub use tcp::TcpTransport;
#[cfg(feature = "usb")]
pub use usb::{list_printers as list_usb_printers, UsbPrinterInfo, UsbTransport};
#[cfg(feature = "usb")]
pub use usb_select::PrinterInterface;
#[cfg(windows)]
pub use winspool::{list_printers as list_windows_printers, WinspoolTransport};

use super::error::PrinterError;

/// A connection to a printer that takes bytes and, where the link allows, answers status queries.
pub trait Transport: Send {
    /// Sends all of `bytes`, or fails saying how many were sent.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError>;

    /// Collects what the printer sends back within `timeout`, stopping early once `done` says the reply
    /// is whole. An empty result means the printer said nothing (not an error); a link that was closed
    /// is [`TransportError::Closed`].
    fn read_reply(
        &mut self,
        timeout: Duration,
        done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError>;

    /// Throws away bytes the printer sent that nobody asked for, so the next reply is not confused with
    /// them; fails when the link was closed.
    fn discard_input(&mut self) -> Result<(), TransportError> {
        Ok(())
    }

    /// The USB printer-class port status byte, where the link has one.
    fn port_status(&mut self) -> Result<Option<u8>, TransportError> {
        Ok(None)
    }

    /// Whether the printer can answer queries over this link (a plain file or a unidirectional USB
    /// printer cannot; the USB port status is read regardless).
    fn can_read(&self) -> bool;
}

/// Timeouts for opening, writing and reading status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting to a network printer.
    pub connect: Duration,
    /// Longest wait for the printer to take more data (a full printer buffer waits for the mechanism).
    pub write: Duration,
    /// Longest wait for a status reply; a printer that says nothing within it is "unknown", not an error.
    pub status: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            write: Duration::from_secs(30),
            status: Duration::from_millis(800),
        }
    }
}

/// Where a printer is, parsed from its URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterUri {
    /// A USB printer by vendor and product id, optionally its serial number and interface.
    Usb {
        /// Vendor id.
        vid: u16,
        /// Product id.
        pid: u16,
        /// Serial number string, to pick one of several identical printers.
        serial: Option<String>,
        /// Interface number, when the device has more than one printer interface.
        interface: Option<u8>,
    },
    /// A network printer's raw port.
    Tcp {
        /// Host name or address.
        host: String,
        /// TCP port (9100 by default).
        port: u16,
    },
    /// A device node or a FIFO (`file:///ABSOLUTE/PATH` or a plain path).
    File(PathBuf),
    /// A print queue of a CUPS server (`cups://QUEUE` is the local one).
    Ipp {
        /// The server.
        server: ipp::Server,
        /// The queue name.
        queue: String,
    },
    /// A Windows print queue by its name.
    Winspool(String),
}

impl PrinterUri {
    /// Parses `usb://…`, `tcp://…`, `file://…` or a plain path.
    pub fn parse(uri: &str) -> Result<PrinterUri, PrinterError> {
        let bad = |reason: String| PrinterError::BadUri {
            uri: uri.to_string(),
            reason,
        };
        if let Some(rest) = uri.strip_prefix("usb://") {
            let (ids, query) = rest.split_once('?').unwrap_or((rest, ""));
            let (vid, pid) = ids.trim_end_matches('/').split_once(':').ok_or_else(|| {
                bad("expected usb://VID:PID with hexadecimal ids, e.g. usb://0416:5011".into())
            })?;
            let hex = |what: &str, text: &str| {
                // from_str_radix alone would also take a sign ("+416").
                let digits =
                    (1..=4).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit());
                u16::from_str_radix(text, 16)
                    .ok()
                    .filter(|_| digits)
                    .ok_or_else(|| bad(format!("{what} \"{text}\" is not 1–4 hexadecimal digits")))
            };
            let (vid, pid) = (hex("vendor id", vid)?, hex("product id", pid)?);
            let (mut serial, mut interface) = (None, None);
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("serial", value)) => serial = Some(value.to_string()),
                    Some(("interface", value)) => {
                        interface = Some(value.parse::<u8>().map_err(|_| {
                            bad(format!("interface \"{value}\" is not a number 0–255"))
                        })?)
                    }
                    _ => {
                        return Err(bad(format!(
                            "unknown option \"{pair}\" (known: serial=…, interface=N)"
                        )))
                    }
                }
            }
            return Ok(PrinterUri::Usb {
                vid,
                pid,
                serial,
                interface,
            });
        }
        if let Some(rest) = uri.strip_prefix("tcp://") {
            let rest = rest.trim_end_matches('/');
            if let Some((user, _)) = rest.split_once('@') {
                return Err(bad(format!(
                    "\"{user}@\": a raw printer port takes no user name or password \
                     (expected tcp://HOST[:PORT])"
                )));
            }
            let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
                let (host, after) = v6
                    .split_once(']')
                    .ok_or_else(|| bad("IPv6 address without closing ]".into()))?;
                (host, after.strip_prefix(':'))
            } else {
                match rest.rsplit_once(':') {
                    // Without brackets the last group of an IPv6 address would be taken for the port.
                    Some((host, _)) if host.contains(':') => {
                        let hint = format!("tcp://[{rest}] or tcp://[ADDRESS]:PORT");
                        return Err(bad(format!("an IPv6 address goes in brackets: {hint}")));
                    }
                    Some((host, port)) => (host, Some(port)),
                    None => (rest, None),
                }
            };
            if host.is_empty() {
                return Err(bad("no host (expected tcp://HOST:PORT)".into()));
            }
            let port = match port {
                None => 9100,
                Some(p) => p
                    .parse::<u16>()
                    .ok()
                    .filter(|&p| p != 0)
                    .ok_or_else(|| bad(format!("port \"{p}\" is not a number 1–65535")))?,
            };
            return Ok(PrinterUri::Tcp {
                host: host.to_string(),
                port,
            });
        }
        if let Some(queue) = uri.strip_prefix("cups://") {
            let queue = queue.trim_end_matches('/');
            if queue.is_empty() || queue.contains('/') {
                return Err(bad(
                    "expected cups://QUEUE with the queue's name (see `shiplabel printers`)".into(),
                ));
            }
            return Ok(PrinterUri::Ipp {
                server: ipp::Server::local(),
                queue: queue.to_string(),
            });
        }
        if let Some(rest) = uri.strip_prefix("ipp://") {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let queue = path
                .trim_end_matches('/')
                .strip_prefix("printers/")
                .filter(|q| !q.is_empty() && !q.contains('/'));
            let (Some(queue), false) = (queue, authority.is_empty()) else {
                return Err(bad(
                    "expected ipp://HOST[:PORT]/printers/QUEUE (a queue of a CUPS server)".into(),
                ));
            };
            return Ok(PrinterUri::Ipp {
                server: ipp::Server::parse_host_port(authority),
                queue: queue.to_string(),
            });
        }
        if let Some(name) = uri.strip_prefix("winspool://") {
            let name = name.trim_end_matches('/');
            if name.is_empty() {
                return Err(bad(
                    "expected winspool://PRINTER NAME as Windows shows it in Printers & scanners"
                        .into(),
                ));
            }
            return Ok(PrinterUri::Winspool(name.to_string()));
        }
        if let Some(path) = uri.strip_prefix("file://") {
            if path.is_empty() {
                return Err(bad("no path after file://".into()));
            }
            if !path.starts_with('/') {
                let host = path.split('/').next().unwrap_or(path);
                return Err(bad(format!(
                    "\"{host}\" is a host name: file:// takes an absolute local path, \
                     file:///dev/usb/lp0 (three slashes)"
                )));
            }
            return Ok(PrinterUri::File(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = uri.split_once("://") {
            return Err(bad(format!(
                "unknown scheme \"{scheme}\" (use usb://, tcp://, cups://, ipp://, winspool://, \
                 file:// or a path)"
            )));
        }
        if uri.is_empty() {
            return Err(bad("empty".into()));
        }
        Ok(PrinterUri::File(PathBuf::from(uri)))
    }

    /// Opens the transport this URI names.
    pub fn open(&self, timeouts: Timeouts) -> Result<Box<dyn Transport>, TransportError> {
        Ok(match self {
            #[cfg(not(feature = "usb"))]
            PrinterUri::Usb { .. } => return Err(TransportError::UsbNotBuilt),
            #[cfg(feature = "usb")]
            PrinterUri::Usb {
                vid,
                pid,
                serial,
                interface,
            } => Box::new(UsbTransport::open(
                *vid,
                *pid,
                serial.as_deref(),
                *interface,
                timeouts,
            )?),
            PrinterUri::Tcp { host, port } => {
                Box::new(TcpTransport::connect(host, *port, timeouts)?)
            }
            PrinterUri::File(path) => Box::new(FileTransport::open_with(path, timeouts)?),
            PrinterUri::Ipp { server, queue } => {
                Box::new(ipp::IppTransport::new(server.clone(), queue, timeouts))
            }
            #[cfg(windows)]
            PrinterUri::Winspool(name) => Box::new(winspool::WinspoolTransport::open(name)?),
            #[cfg(not(windows))]
            PrinterUri::Winspool(name) => {
                return Err(TransportError::Spooler {
                    message: format!(
                    "winspool://{name}: the Windows spooler exists only on Windows (use cups:// \
                         for a print queue here)"
                ),
                    accepted: false,
                })
            }
        })
    }
}

/// Why one write call of [`write_in_pieces`] failed; the loop adds how far the job got.
enum WriteFailure {
    /// The printer closed the connection or disappeared.
    Closed,
    /// The printer took no data for this long.
    Stalled(Duration),
    /// A system error.
    Io(std::io::Error),
    /// A USB error.
    #[cfg(feature = "usb")]
    Usb(UsbError),
}

/// Sends all of `bytes` through `write`, which is handed the unsent rest and returns how many bytes the
/// link took; `Ok(0)` means "nothing taken, call again" (an interrupted call), so a link that takes
/// nothing for good must say so as a failure. Every transport shares this loop so that a failure always
/// reports how many bytes of the job were sent.
fn write_in_pieces(
    bytes: &[u8],
    mut write: impl FnMut(&[u8]) -> Result<usize, WriteFailure>,
) -> Result<(), TransportError> {
    let total = bytes.len();
    let mut written = 0;
    while written < total {
        match write(&bytes[written..]) {
            Ok(n) => written += n,
            Err(WriteFailure::Closed) => return Err(TransportError::Closed { written, total }),
            Err(WriteFailure::Stalled(timeout)) => {
                return Err(TransportError::WriteTimeout {
                    written,
                    total,
                    timeout,
                })
            }
            Err(WriteFailure::Io(source)) => {
                return Err(TransportError::Write {
                    written,
                    total,
                    source,
                })
            }
            #[cfg(feature = "usb")]
            Err(WriteFailure::Usb(source)) => {
                return Err(TransportError::UsbWrite {
                    written,
                    total,
                    source,
                })
            }
        }
    }
    Ok(())
}

/// The reply loop of [`Transport::read_reply`], shared by the links that can read: calls `read` with a
/// buffer and the time left until `done` says the reply is whole or `timeout` has passed. `read` returns
/// `Some(n)` for `n` bytes received (0 to simply call again) and `None` when its wait ran out with
/// nothing more: the printer has said all it will.
fn collect_reply(
    timeout: Duration,
    done: &dyn Fn(&[u8]) -> bool,
    mut read: impl FnMut(&mut [u8], Duration) -> Result<Option<usize>, TransportError>,
) -> Result<Vec<u8>, TransportError> {
    let deadline = Instant::now() + timeout;
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || done(&reply) {
            return Ok(reply);
        }
        match read(&mut buf, left)? {
            Some(n) => reply.extend_from_slice(&buf[..n]),
            None => return Ok(reply),
        }
    }
}

/// What the USB library (nusb) reported, in our own type so that the USB library stays out of the public API (and the
/// error type is the same with or without the `usb` feature).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsbError {
    /// The operation timed out.
    #[error("Operation timed out")]
    Timeout,
    /// The endpoint stalled.
    #[error("Pipe error")]
    Pipe,
    /// No permission to open or claim the device.
    #[error("Access denied (insufficient permissions)")]
    Access,
    /// Another program or driver holds the interface.
    #[error("Resource busy")]
    Busy,
    /// The device is gone.
    #[error("No such device (it may have been disconnected)")]
    NoDevice,
    /// The platform or device does not support the operation.
    #[error("Operation not supported or unimplemented on this platform")]
    NotSupported,
    /// Any other USB error, in the USB library's words.
    #[error("{0}")]
    Other(String),
}

/// What went wrong on the link to a printer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The host name did not resolve or the connection was refused or timed out.
    #[error("cannot connect to {address}")]
    Connect {
        /// `host:port`.
        address: String,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The device or file could not be opened.
    #[error("cannot open {path}")]
    Open {
        /// The path.
        path: String,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Writing failed part way.
    #[error("write failed after {written} of {total} bytes")]
    Write {
        /// Bytes the link took before it failed.
        written: usize,
        /// Bytes of the job.
        total: usize,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The printer stopped taking data.
    #[error(
        "timed out after {written} of {total} bytes: the printer took no data for {}s \
         (off line, out of paper, or busy)", timeout.as_secs_f32()
    )]
    WriteTimeout {
        /// Bytes the link took before it stalled.
        written: usize,
        /// Bytes of the job.
        total: usize,
        /// How long it waited.
        timeout: Duration,
    },
    /// The printer closed the connection or disappeared.
    #[error("the printer closed the connection{}", if *written > 0 { format!(" after {written} of {total} bytes") } else { String::new() })]
    Closed {
        /// Bytes the link took before it closed (0 when it closed between jobs).
        written: usize,
        /// Bytes of the job (0 when it closed between jobs).
        total: usize,
    },
    /// A printer path that is not a device node or a FIFO, or does not exist.
    #[error("{path} {reason}")]
    NotAPrinter {
        /// The path.
        path: String,
        /// What it is instead.
        reason: String,
    },
    /// A print spooler (CUPS, the Windows spooler) refused the job, lost it, or could not say it printed.
    #[error("{message}")]
    Spooler {
        /// What the spooler said, naming the queue and the job.
        message: String,
        /// Whether the spooler had taken the job (it may print).
        accepted: bool,
    },
    /// Reading a status reply failed.
    #[error("reading from the printer failed")]
    Read(#[source] std::io::Error),
    /// The USB devices could not be listed: the machine has no USB (a container, a CI runner).
    #[error("USB is not available on this machine; use a tcp:// or file:// printer")]
    NoUsb(#[source] UsbError),
    /// This build of shiplabel has no USB support (the `usb` Cargo feature is off).
    #[error(
        "USB printers need shiplabel built with the `usb` feature; use a tcp:// or file:// printer"
    )]
    UsbNotBuilt,
    /// No USB device with that id (and serial) is connected.
    #[error("no USB printer {wanted} is connected{}", if found.is_empty() { String::new() } else { format!(" (found: {})", found.join(", ")) })]
    UsbNotFound {
        /// The device asked for, e.g. `0416:5011 serial ABC`.
        wanted: String,
        /// Other USB printers that are connected.
        found: Vec<String>,
    },
    /// The device has no interface a printer driver can use.
    #[error("USB device {device}: {reason}")]
    NoPrinterInterface {
        /// `VID:PID`.
        device: String,
        /// Why no interface fits.
        reason: String,
    },
    /// A USB operation failed.
    #[error("USB {action} failed{}", usb_reason(source))]
    Usb {
        /// What was being done, e.g. "claiming interface 0 of 0416:5011".
        action: String,
        /// The USB library's error.
        #[source]
        source: UsbError,
    },
    /// A bulk write to the printer did not complete.
    #[error(
        "USB write failed after {written} of {total} bytes{}",
        usb_reason(source)
    )]
    UsbWrite {
        /// Bytes the printer took.
        written: usize,
        /// Bytes of the job.
        total: usize,
        /// The USB library's error.
        #[source]
        source: UsbError,
    },
}

impl TransportError {
    /// The link was found closed outside a job (reading status, between jobs).
    fn closed() -> TransportError {
        TransportError::Closed {
            written: 0,
            total: 0,
        }
    }
}

/// What a USB error means for someone at a packing station (the USB library's words follow as the cause).
fn usb_reason(error: &UsbError) -> &'static str {
    match error {
        UsbError::Timeout => ": timed out: the printer took no data (off line, out of paper, or busy)",
        UsbError::Pipe => ": endpoint stalled: the printer refused the data (error state or paper empty)",
        UsbError::Access => {
            ": permission denied: install the udev rule from docs/printing.md or add the user to group lp"
        }
        UsbError::Busy => ": the interface is busy: another program is using the printer",
        UsbError::NoDevice => ": the printer was disconnected",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_scheme() {
        assert_eq!(
            PrinterUri::parse("usb://0416:5011").unwrap(),
            PrinterUri::Usb {
                vid: 0x0416,
                pid: 0x5011,
                serial: None,
                interface: None
            }
        );
        assert_eq!(
            PrinterUri::parse("usb://2d37:4296?serial=AB12&interface=1").unwrap(),
            PrinterUri::Usb {
                vid: 0x2d37,
                pid: 0x4296,
                serial: Some("AB12".into()),
                interface: Some(1)
            }
        );
        assert_eq!(
            PrinterUri::parse("tcp://10.0.0.5").unwrap(),
            PrinterUri::Tcp {
                host: "10.0.0.5".into(),
                port: 9100
            }
        );
        assert_eq!(
            PrinterUri::parse("tcp://printer.local:6101/").unwrap(),
            PrinterUri::Tcp {
                host: "printer.local".into(),
                port: 6101
            }
        );
        assert_eq!(
            PrinterUri::parse("tcp://[::1]:9101").unwrap(),
            PrinterUri::Tcp {
                host: "::1".into(),
                port: 9101
            }
        );
        assert_eq!(
            PrinterUri::parse("file:///dev/usb/lp0").unwrap(),
            PrinterUri::File("/dev/usb/lp0".into())
        );
        assert_eq!(
            PrinterUri::parse("ipp://print.local:8631/printers/XP420").unwrap(),
            PrinterUri::Ipp {
                server: ipp::Server::Tcp {
                    host: "print.local".into(),
                    port: 8631
                },
                queue: "XP420".into()
            }
        );
        assert!(matches!(
            PrinterUri::parse("cups://Xprinter").unwrap(),
            PrinterUri::Ipp { queue, .. } if queue == "Xprinter"
        ));
        assert_eq!(
            PrinterUri::parse("winspool://Xprinter XP-365B").unwrap(),
            PrinterUri::Winspool("Xprinter XP-365B".into())
        );
        assert_eq!(
            PrinterUri::parse("out/label.prn").unwrap(),
            PrinterUri::File("out/label.prn".into())
        );
    }

    #[test]
    fn bad_uris_say_what_is_wrong() {
        for (uri, needle) in [
            ("usb://0416", "usb://VID:PID"),
            ("usb://04165:5011", "vendor id"),
            ("usb://0416:zz", "product id"),
            ("usb://+416:5011", "vendor id"),
            ("usb://0416:5011?colour=red", "colour=red"),
            ("usb://0416:5011?interface=x", "interface"),
            ("tcp://:9100", "no host"),
            ("tcp://host:99999", "99999"),
            ("tcp://fe80::1", "brackets"),
            ("tcp://user:pass@printer:9100", "no user name or password"),
            ("file://host/x", "\"host\" is a host name"),
            ("file://localhost/dev/usb/lp0", "three slashes"),
            ("lpd://queue", "lpd"),
            ("cups://", "cups://QUEUE"),
            ("cups://a/b", "cups://QUEUE"),
            ("ipp://host/q", "printers/QUEUE"),
            ("ipp:///printers/q", "printers/QUEUE"),
            ("winspool://", "PRINTER NAME"),
            ("", "empty"),
        ] {
            let err = PrinterUri::parse(uri).unwrap_err().to_string();
            assert!(err.contains(needle), "{uri}: {err}");
        }
    }
}
