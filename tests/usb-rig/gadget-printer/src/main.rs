//! A fake USB printer for the shiplabel USB rig, run inside the QEMU guest on the Linux `f_printer` gadget.
//!
//! It stores every byte the host sends (`--out`), answers the status queries of the language it emulates, sets the
//! USB port status the host reads with GET_PORT_STATUS, and can stop reading after N bytes to simulate a stalled
//! printer. It stops on SIGTERM or SIGINT and logs what it did on stderr.
//!
//! `f_printer` allows one opener, and a blocking `read()` holds the device's I/O mutex so a concurrent `write()`
//! would block forever: hence one thread and one non-blocking `poll()` loop for both directions.

mod reply;
mod stream;

use std::ffi::CString;
use std::fs::File;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reply::Faults;
use stream::{Lang, Scanner};

/// `_IOWR('g', 0x22, unsigned char)` from `linux/usb/g_printer.h`. The kernel takes the status BY VALUE in the
/// ioctl argument (passing a pointer sets the low byte of the address).
const GADGET_SET_PRINTER_STATUS: libc::c_ulong = 0xC001_6722;

const USAGE: &str = "usage: gadget-printer --lang tspl|escpos|zpl --out FILE [--device PATH] \
[--paper-empty] [--head-open] [--error] [--mute] [--stall-after BYTES]";

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

struct Args {
    device: String,
    lang: Lang,
    out: String,
    faults: Faults,
    mute: bool,
    stall_after: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut device = "/dev/g_printer0".to_string();
    let mut lang = None;
    let mut out = None;
    let mut faults = Faults::default();
    let mut mute = false;
    let mut stall_after = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--device" => device = value("--device")?,
            "--lang" => {
                let name = value("--lang")?;
                lang = Some(Lang::parse(&name).ok_or(format!("unknown language {name:?}"))?);
            }
            "--out" => out = Some(value("--out")?),
            "--paper-empty" => faults.paper_empty = true,
            "--head-open" => faults.head_open = true,
            "--error" => faults.error = true,
            "--mute" => mute = true,
            "--stall-after" => {
                let n = value("--stall-after")?;
                stall_after = Some(
                    n.parse()
                        .map_err(|_| format!("--stall-after: not a byte count: {n:?}"))?,
                );
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        device,
        lang: lang.ok_or("--lang is required")?,
        out: out.ok_or("--out is required")?,
        faults,
        mute,
        stall_after,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gadget-printer: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gadget-printer: {e}");
            ExitCode::FAILURE
        }
    }
}

fn errno() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// Opens the gadget device, waiting a little: the node appears only once the gadget is bound to its UDC.
fn open_device(path: &str) -> Result<libc::c_int, String> {
    let c_path = CString::new(path).map_err(|_| format!("bad device path {path:?}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // SAFETY: c_path is a valid NUL-terminated string; the flags are plain constants.
        let fd = unsafe {
            libc::open(
                c_path.as_ptr(),
                libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC,
            )
        };
        if fd >= 0 {
            return Ok(fd);
        }
        let err = errno();
        if Instant::now() > deadline {
            return Err(format!("cannot open {path}: {err}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut out =
        File::create(&args.out).map_err(|e| format!("cannot create {}: {e}", args.out))?;
    let fd = open_device(&args.device)?;
    let status = args.faults.port_status();
    // SAFETY: fd is open; this ioctl takes its argument by value and touches no user memory.
    if unsafe { libc::ioctl(fd, GADGET_SET_PRINTER_STATUS, libc::c_ulong::from(status)) } < 0 {
        return Err(format!("GADGET_SET_PRINTER_STATUS: {}", errno()));
    }
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { libc::signal(sig, on_signal as *const () as libc::sighandler_t) };
    }
    eprintln!(
        "gadget-printer: ready on {} lang={:?} port_status=0x{status:02x} faults={:?} mute={} stall_after={:?}",
        args.device, args.lang, args.faults, args.mute, args.stall_after
    );

    let mut scanner = Scanner::new(args.lang);
    let mut pending: Vec<u8> = Vec::new();
    let mut received: u64 = 0;
    let mut queries = 0u32;
    let mut stalled_logged = false;
    let mut buf = vec![0u8; 64 * 1024];
    while !STOP.load(Ordering::SeqCst) {
        let budget = args
            .stall_after
            .map_or(u64::MAX, |limit| limit.saturating_sub(received));
        if budget == 0 && !stalled_logged {
            eprintln!("gadget-printer: stalled after {received} bytes: no longer reading");
            stalled_logged = true;
        }
        let mut events = 0;
        if budget > 0 {
            events |= libc::POLLIN;
        }
        if !pending.is_empty() {
            events |= libc::POLLOUT;
        }
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: pfd is a valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, 200) };
        if ready < 0 {
            let err = errno();
            if err.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(format!("poll: {err}"));
        }
        if ready == 0 {
            continue;
        }
        if pfd.revents & libc::POLLIN != 0 {
            let want = usize::try_from(budget).unwrap_or(usize::MAX).min(buf.len());
            // SAFETY: buf has at least `want` writable bytes.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), want) };
            if n > 0 {
                let chunk = &buf[..n as usize];
                out.write_all(chunk)
                    .map_err(|e| format!("writing {}: {e}", args.out))?;
                for query in scanner.feed(chunk) {
                    queries += 1;
                    if args.mute {
                        eprintln!("gadget-printer: {query:?} at byte {received}: muted, no reply");
                        continue;
                    }
                    let reply = args.faults.reply(query);
                    eprintln!("gadget-printer: {query:?} at byte {received}: reply {reply:02x?}");
                    pending.extend(reply);
                }
                received += n as u64;
            } else if n < 0 {
                let err = errno();
                if err.kind() != std::io::ErrorKind::WouldBlock
                    && err.kind() != std::io::ErrorKind::Interrupted
                {
                    eprintln!("gadget-printer: read: {err}");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        if pfd.revents & libc::POLLOUT != 0 && !pending.is_empty() {
            // SAFETY: pending holds pending.len() initialised bytes.
            let n = unsafe { libc::write(fd, pending.as_ptr().cast(), pending.len()) };
            if n > 0 {
                pending.drain(..n as usize);
            } else if n < 0 {
                let err = errno();
                if err.kind() != std::io::ErrorKind::WouldBlock
                    && err.kind() != std::io::ErrorKind::Interrupted
                {
                    eprintln!("gadget-printer: write: {err}");
                }
            }
        }
        if pfd.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            // Host not connected (yet): do not spin.
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    eprintln!("gadget-printer: stopped: received {received} bytes, {queries} status queries");
    // SAFETY: fd is ours and closed once.
    unsafe { libc::close(fd) };
    Ok(())
}
