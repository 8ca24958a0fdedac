//! Raw TCP (the "JetDirect" port 9100 every network label printer has).
//!
//! A `write` on a socket returns as soon as the bytes are in this machine's send buffer, which holds
//! hundreds of kilobytes: a printer that accepts the connection and never reads would look as if it
//! took whole jobs. So a write here is done only when the printer's TCP stack has **acknowledged**
//! every byte: on Linux the transport waits until the socket's send queue (`SIOCOUTQ`, bytes not yet
//! acknowledged) is empty, with the same no-progress timeout as the write, and a connection reset while
//! waiting is a failure after the bytes that left. On other systems the kernel gives no such count and
//! a write is done when the kernel took the bytes; the status query after each job (see
//! [`crate::printer::Printer::send`]) is then the only confirmation. After a failed write the
//! connection is aborted (`SO_LINGER` 0, so closing sends a reset): bytes still queued here are
//! dropped instead of reaching a printer that comes back later, which keeps "nothing was sent" true.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{collect_reply, write_in_pieces, Timeouts, Transport, TransportError, WriteFailure};

/// A raw socket to a network printer.
#[derive(Debug)]
pub struct TcpTransport {
    stream: TcpStream,
    timeouts: Timeouts,
    /// A write failed: the connection was aborted and takes no more jobs.
    broken: bool,
}

impl TcpTransport {
    /// Connects to `host:port`, trying each address the name resolves to within the connect timeout.
    pub fn connect(
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<TcpTransport, TransportError> {
        let address = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let connect_error = |source| TransportError::Connect {
            address: address.clone(),
            source,
        };
        let mut last = std::io::Error::new(ErrorKind::NotFound, "the name resolves to no address");
        for candidate in (host, port).to_socket_addrs().map_err(connect_error)? {
            match TcpStream::connect_timeout(&candidate, timeouts.connect) {
                Ok(stream) => {
                    // Jobs are written whole; small status queries must not wait for Nagle.
                    let _ = stream.set_nodelay(true);
                    return Ok(TcpTransport {
                        stream,
                        timeouts,
                        broken: false,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(connect_error(last))
    }
}

fn is_closed(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::BrokenPipe
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::UnexpectedEof
    )
}

impl TcpTransport {
    /// Hands `bytes` to the kernel, then waits until the printer has acknowledged them all.
    fn write_and_drain(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let timeout = self.timeouts.write;
        let total = bytes.len();
        if let Err(source) = self.stream.set_write_timeout(Some(timeout)) {
            return Err(TransportError::Write {
                written: 0,
                total,
                source,
            });
        }
        let stream = &mut self.stream;
        let handed = write_in_pieces(bytes, |rest| match stream.write(rest) {
            Ok(0) => Err(WriteFailure::Closed),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(0),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Err(WriteFailure::Stalled(timeout))
            }
            Err(e) if is_closed(e.kind()) => Err(WriteFailure::Closed),
            Err(e) => Err(WriteFailure::Io(e)),
        });
        // The count of a failure is what the kernel took; what may have reached the printer is that
        // less what never left this machine.
        if let Err(mut e) = handed {
            if let TransportError::Write { written, .. }
            | TransportError::WriteTimeout { written, .. }
            | TransportError::Closed { written, .. } = &mut e
            {
                *written = written.saturating_sub(queue::unsent(&self.stream).unwrap_or(0));
            }
            return Err(e);
        }
        self.drain(total)
    }

    /// Waits until the send queue is empty: every byte acknowledged by the printer. Fails when the
    /// queue does not shrink within the write timeout or the connection is reset meanwhile; the
    /// failure counts as sent every byte that left this machine.
    fn drain(&mut self, total: usize) -> Result<(), TransportError> {
        let timeout = self.timeouts.write;
        let mut deadline = Instant::now() + timeout;
        let mut left = usize::MAX;
        let mut pause = Duration::from_micros(200);
        loop {
            let left_machine = || total.saturating_sub(queue::unsent(&self.stream).unwrap_or(0));
            if let Ok(Some(e)) | Err(e) = self.stream.take_error() {
                let written = left_machine();
                return Err(if is_closed(e.kind()) {
                    TransportError::Closed { written, total }
                } else {
                    TransportError::Write {
                        written,
                        total,
                        source: e,
                    }
                });
            }
            let Some(unacked) = queue::unacked(&self.stream) else {
                // No way to know on this system: the kernel took the bytes.
                return Ok(());
            };
            if unacked == 0 {
                // A reset empties the queue too; a closed socket took nothing more.
                if queue::reset(&self.stream) {
                    return Err(TransportError::Closed {
                        written: total,
                        total,
                    });
                }
                return Ok(());
            }
            let now = Instant::now();
            if unacked < left {
                left = unacked;
                deadline = now + timeout;
            } else if now >= deadline {
                return Err(TransportError::WriteTimeout {
                    written: left_machine(),
                    total,
                    timeout,
                });
            }
            std::thread::sleep(pause.min(deadline.saturating_duration_since(now)));
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

impl Transport for TcpTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        if self.broken {
            return Err(TransportError::closed());
        }
        let result = self.write_and_drain(bytes);
        if result.is_err() {
            self.broken = true;
            queue::abort_on_close(&self.stream);
        }
        result
    }

    fn read_reply(
        &mut self,
        timeout: Duration,
        done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        let stream = &mut self.stream;
        collect_reply(timeout, done, |buf, left| {
            stream
                .set_read_timeout(Some(left))
                .map_err(TransportError::Read)?;
            match stream.read(buf) {
                Ok(0) => Err(TransportError::closed()),
                Ok(n) => Ok(Some(n)),
                Err(e) if e.kind() == ErrorKind::Interrupted => Ok(Some(0)),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    Ok(None)
                }
                Err(e) if is_closed(e.kind()) => Err(TransportError::closed()),
                Err(e) => Err(TransportError::Read(e)),
            }
        })
    }

    fn discard_input(&mut self) -> Result<(), TransportError> {
        self.stream
            .set_nonblocking(true)
            .map_err(TransportError::Read)?;
        let mut buf = [0u8; 512];
        let result = loop {
            match self.stream.read(&mut buf) {
                Ok(0) => break Err(TransportError::closed()),
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break Ok(()),
                Err(e) if is_closed(e.kind()) => break Err(TransportError::closed()),
                Err(e) => break Err(TransportError::Read(e)),
            }
        };
        self.stream
            .set_nonblocking(false)
            .map_err(TransportError::Read)?;
        result
    }

    fn can_read(&self) -> bool {
        true
    }
}

use crate::sys::tcp_queue as queue;
