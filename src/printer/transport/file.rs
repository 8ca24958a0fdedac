//! A device node (`/dev/usb/lp0`) or a plain file: write-only, so no status.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::{Transport, TransportError};

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
        let total = bytes.len();
        let mut written = 0;
        while written < total {
            match self.file.write(&bytes[written..]) {
                Ok(0) => {
                    return Err(TransportError::Write {
                        written,
                        total,
                        source: std::io::ErrorKind::WriteZero.into(),
                    })
                }
                Ok(n) => written += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(TransportError::Write {
                        written,
                        total,
                        source,
                    })
                }
            }
        }
        self.file.flush().map_err(|source| TransportError::Write {
            written,
            total,
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
