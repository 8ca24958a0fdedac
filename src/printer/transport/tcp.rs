//! Raw TCP (the "JetDirect" port 9100 every network label printer has).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{collect_reply, write_in_pieces, Timeouts, Transport, TransportError, WriteFailure};

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
        let timeout = self.timeouts.write;
        if let Err(source) = self.stream.set_write_timeout(Some(timeout)) {
            return Err(TransportError::Write {
                written: 0,
                total: bytes.len(),
                source,
            });
        }
        let stream = &mut self.stream;
        write_in_pieces(bytes, |rest| match stream.write(rest) {
            Ok(0) => Err(WriteFailure::Closed),
            Ok(n) => Ok(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(0),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Err(WriteFailure::Stalled(timeout))
            }
            Err(e) if is_closed(e.kind()) => Err(WriteFailure::Closed),
            Err(e) => Err(WriteFailure::Io(e)),
        })
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
