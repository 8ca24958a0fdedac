//! A device node (`/dev/usb/lp0`) or a FIFO: write-only, so no status.
//!
//! The path must exist and be a character device or a FIFO. A regular file is refused, so a typo
//! cannot truncate a document, and a missing `/dev/usb/lp0` (printer unplugged) is an error instead of
//! a new regular file whose jobs count as sent; printer bytes go to a file on purpose with
//! `print --output FILE`. The node is opened without creating or truncating anything, and
//! non-blocking: a FIFO nobody reads is refused at once instead of hanging the open, and a device that
//! takes no data for the write timeout fails the job like a stalled network printer. A write counts as
//! done when the kernel driver took the bytes (a device node gives no acknowledgement of its own).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::{write_in_pieces, Timeouts, Transport, TransportError, WriteFailure};

/// A printer device node or a FIFO.
#[derive(Debug)]
pub struct FileTransport {
    file: File,
    timeout: Duration,
}

impl FileTransport {
    /// Opens the device node or FIFO at `path` for writing, with the default write timeout.
    pub fn open(path: &Path) -> Result<FileTransport, TransportError> {
        FileTransport::open_with(path, Timeouts::default())
    }

    /// Opens the device node or FIFO at `path` for writing; a write that makes no progress for
    /// `timeouts.write` fails.
    pub fn open_with(path: &Path, timeouts: Timeouts) -> Result<FileTransport, TransportError> {
        let shown = path.display().to_string();
        let refuse = |reason: String| TransportError::NotAPrinter {
            path: shown.clone(),
            reason,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(refuse(
                    "does not exist (is the printer plugged in and switched on?)".into(),
                ))
            }
            Err(source) => {
                return Err(TransportError::Open {
                    path: shown,
                    source,
                })
            }
        };
        if !is_device_or_fifo(&meta) {
            let what = if meta.is_file() {
                "is a regular file"
            } else if meta.is_dir() {
                "is a directory"
            } else {
                "is neither a device nor a FIFO"
            };
            return Err(refuse(format!(
                "{what}, not a printer; to write the printer bytes to a file use `print --output FILE`"
            )));
        }
        let mut options = OpenOptions::new();
        options.write(true);
        nonblocking(&mut options);
        let file = options.open(path).map_err(|source| {
            if source.raw_os_error() == Some(ENXIO) {
                refuse("is a FIFO that nobody reads".into())
            } else {
                TransportError::Open {
                    path: shown.clone(),
                    source,
                }
            }
        })?;
        Ok(FileTransport {
            file,
            timeout: timeouts.write,
        })
    }
}

#[cfg(unix)]
const ENXIO: i32 = libc::ENXIO;
#[cfg(not(unix))]
const ENXIO: i32 = -1;

#[cfg(unix)]
fn is_device_or_fifo(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    kind.is_char_device() || kind.is_fifo()
}

#[cfg(not(unix))]
fn is_device_or_fifo(meta: &std::fs::Metadata) -> bool {
    // Windows printer ports (`\\.\COM1`, `LPT1`) are not regular files either.
    !meta.is_file() && !meta.is_dir()
}

#[cfg(unix)]
fn nonblocking(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NONBLOCK);
}

#[cfg(not(unix))]
fn nonblocking(_: &mut OpenOptions) {}

use crate::sys::wait_writable;

impl Transport for FileTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let (file, timeout) = (&mut self.file, self.timeout);
        write_in_pieces(bytes, |rest| match file.write(rest) {
            Ok(0) => Err(WriteFailure::Io(std::io::ErrorKind::WriteZero.into())),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(0),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                match wait_writable(file, timeout) {
                    Ok(true) => Ok(0),
                    Ok(false) => Err(WriteFailure::Stalled(timeout)),
                    Err(e) => Err(WriteFailure::Io(e)),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(WriteFailure::Closed),
            Err(e) => Err(WriteFailure::Io(e)),
        })?;
        self.file.flush().map_err(|source| TransportError::Write {
            written: bytes.len(),
            total: bytes.len(),
            source,
        })
    }

    fn read_reply(
        &mut self,
        _timeout: Duration,
        _done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        Ok(Vec::new())
    }

    fn can_read(&self) -> bool {
        false
    }
}
