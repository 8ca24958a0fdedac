//! A device node (`/dev/usb/lp0`) or a plain file: write-only, so no status.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::{write_in_pieces, Transport, TransportError, WriteFailure};

/// A printer device node or a file that collects the jobs.
#[derive(Debug)]
pub struct FileTransport {
    file: File,
}

impl FileTransport {
    /// Opens `path` for writing; a plain file is created if absent and truncated (a device node ignores
    /// truncation).
    pub fn open(path: &Path) -> Result<FileTransport, TransportError> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|source| TransportError::Open {
                path: path.display().to_string(),
                source,
            })?;
        Ok(FileTransport { file })
    }
}

impl Transport for FileTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let file = &mut self.file;
        write_in_pieces(bytes, |rest| match file.write(rest) {
            Ok(0) => Err(WriteFailure::Io(std::io::ErrorKind::WriteZero.into())),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(0),
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
