//! Raw TCP (the "JetDirect" port 9100 every network label printer has).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{Timeouts, Transport, TransportError};

/// A raw socket to a network printer.
#[derive(Debug)]
pub struct TcpTransport {
    stream: TcpStream,
    timeouts: Timeouts,
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
                    return Ok(TcpTransport { stream, timeouts });
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

impl Transport for TcpTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.stream
            .set_write_timeout(Some(self.timeouts.write))
            .map_err(|source| TransportError::Write {
                written: 0,
                total: bytes.len(),
                source,
            })?;
        let total = bytes.len();
        let mut written = 0;
        while written < total {
            match self.stream.write(&bytes[written..]) {
                Ok(0) => return Err(TransportError::Closed { written, total }),
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(TransportError::WriteTimeout {
                        written,
                        total,
                        timeout: self.timeouts.write,
                    })
                }
                Err(e) if is_closed(e.kind()) => {
                    return Err(TransportError::Closed { written, total })
                }
                Err(source) => {
                    return Err(TransportError::Write {
                        written,
                        total,
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    fn read_reply(
        &mut self,
        timeout: Duration,
        done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        let deadline = Instant::now() + timeout;
        let mut reply = Vec::new();
        let mut buf = [0u8; 512];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || done(&reply) {
                return Ok(reply);
            }
            self.stream
                .set_read_timeout(Some(left))
                .map_err(TransportError::Read)?;
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    return Err(TransportError::Closed {
                        written: 0,
                        total: 0,
                    })
                }
                Ok(n) => reply.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Ok(reply)
                }
                Err(e) if is_closed(e.kind()) => {
                    return Err(TransportError::Closed {
                        written: 0,
                        total: 0,
                    })
                }
                Err(e) => return Err(TransportError::Read(e)),
            }
        }
    }

    fn discard_input(&mut self) -> Result<(), TransportError> {
        self.stream
            .set_nonblocking(true)
            .map_err(TransportError::Read)?;
        let mut buf = [0u8; 512];
        let result = loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    break Err(TransportError::Closed {
                        written: 0,
                        total: 0,
                    })
                }
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break Ok(()),
                Err(e) if is_closed(e.kind()) => {
                    break Err(TransportError::Closed {
                        written: 0,
                        total: 0,
                    })
                }
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
