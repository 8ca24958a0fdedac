//! The few system calls the library makes that the standard library does not offer, in one module
//! so that the rest of the crate stays free of `unsafe` (`#![deny(unsafe_code)]` in lib.rs):
//!
//! - the TCP send queue (`SIOCOUTQ`, `SIOCOUTQNSD`, `TCP_INFO`) and `SO_LINGER` 0, so that a job counts
//!   as sent only once the printer acknowledged it (src/printer/transport/tcp.rs);
//! - `poll` for a device node or FIFO that stops taking data (src/printer/transport/file.rs).
//!
//! Each call is a plain libc call on a descriptor the caller owns, with the argument the call expects.
#![allow(unsafe_code)]

use std::fs::File;
use std::time::Duration;

/// The socket's send queue, where the system can tell it.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod tcp_queue {
    use std::net::TcpStream;
    use std::os::fd::AsRawFd;

    fn ioctl_count(stream: &TcpStream, request: libc::c_ulong) -> Option<usize> {
        let mut count: libc::c_int = 0;
        // SAFETY: the descriptor is open for the stream's lifetime and the request writes one int.
        let rc = unsafe { libc::ioctl(stream.as_raw_fd(), request as _, &mut count) };
        (rc == 0).then(|| usize::try_from(count).unwrap_or(0))
    }

    /// Bytes not yet acknowledged by the peer (`SIOCOUTQ`, the same number as `TIOCOUTQ`).
    pub fn unacked(stream: &TcpStream) -> Option<usize> {
        #[allow(clippy::unnecessary_cast)]
        ioctl_count(stream, libc::TIOCOUTQ as libc::c_ulong)
    }

    /// Bytes not yet sent at all (`SIOCOUTQNSD`).
    pub fn unsent(stream: &TcpStream) -> Option<usize> {
        ioctl_count(stream, libc::SIOCOUTQNSD)
    }

    /// Whether the connection is closed (`TCP_CLOSE`: reset, or closed while waiting).
    pub fn reset(stream: &TcpStream) -> bool {
        // SAFETY: tcp_info is plain old data; the kernel writes at most `len` bytes of it.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(
                stream.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        const TCP_CLOSE: u8 = 7;
        rc == 0 && info.tcpi_state == TCP_CLOSE
    }

    /// Makes closing the socket send a reset and drop what is still queued (`SO_LINGER` 0).
    pub fn abort_on_close(stream: &TcpStream) {
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: the option value is a `linger` of the stated size.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
}

/// Systems without a send-queue count: a write is done when the kernel took the bytes.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub mod tcp_queue {
    use std::net::TcpStream;

    pub fn unacked(_: &TcpStream) -> Option<usize> {
        None
    }

    pub fn unsent(_: &TcpStream) -> Option<usize> {
        None
    }

    pub fn reset(_: &TcpStream) -> bool {
        false
    }

    pub fn abort_on_close(_: &TcpStream) {}
}

/// Waits until `file` takes data again, at most `timeout`; `false` when it did not.
#[cfg(unix)]
pub fn wait_writable(file: &File, timeout: Duration) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    let mut poll = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: one valid pollfd for the duration of the call.
    let rc = unsafe { libc::poll(&mut poll, 1, ms) };
    match rc {
        0 => Ok(false),
        n if n > 0 => Ok(true),
        _ => Err(std::io::Error::last_os_error()),
    }
}

#[cfg(not(unix))]
pub fn wait_writable(_: &File, _: Duration) -> std::io::Result<bool> {
    Ok(true)
}
