//! A fake network printer: a thread on a loopback port that decodes each job it receives, answers
//! status queries as configured, and can hang up after a number of jobs. Also the faulty ones: a
//! printer that accepts and never reads ([`Stalled`]), and one that hangs up after so many bytes
//! ([`CutOff`]).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use shiplabel::bitmap::Bitmap;

use super::decode::{Decoder, Item, Lang};

/// How the fake printer answers status queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// All well.
    Ready,
    /// Out of paper.
    PaperOut,
    /// Head (or cover) open.
    HeadOpen,
    /// Says nothing, like many clones.
    Silent,
    /// Answers bytes that are not a status reply (with an escape sequence among them).
    Garbage,
}

/// The fake printer's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Behaviour {
    pub lang: Lang,
    pub answer: Answer,
    /// Close the connection when job number `n + 1` starts arriving.
    pub hang_up_after: Option<usize>,
}

/// What the fake printer received.
#[derive(Debug, Default)]
pub struct Received {
    pub pages: Vec<Bitmap>,
    pub queries: usize,
    pub bytes: usize,
}

/// A running fake printer.
pub struct FakePrinter {
    pub port: u16,
    received: Arc<Mutex<Received>>,
    thread: Option<JoinHandle<()>>,
    /// Set by `finish` to end a printer that takes many connections.
    stop: Option<Arc<std::sync::atomic::AtomicBool>>,
}

impl FakePrinter {
    /// Starts a fake printer that serves connections one after another until the test ends.
    pub fn start(behaviour: Behaviour) -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Received::default()));
        let shared = received.clone();
        let thread = std::thread::spawn(move || {
            // One connection per fake printer: each test opens one printer.
            if let Ok((stream, _)) = listener.accept() {
                serve(stream, behaviour, &shared, None);
            }
        });
        FakePrinter {
            port,
            received,
            thread: Some(thread),
            stop: None,
        }
    }

    /// Starts a fake printer that takes any number of connections, one after another, until
    /// [`FakePrinter::finish`]: a print spooler's backend (CUPS `socket://`) connects once a job.
    pub fn start_many(behaviour: Behaviour) -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Received::default()));
        let shared = received.clone();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while let Ok((stream, _)) = listener.accept() {
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                serve(stream, behaviour, &shared, None);
            }
        });
        FakePrinter {
            port,
            received,
            thread: Some(thread),
            stop: Some(stop),
        }
    }

    /// [`FakePrinter::start_many`] whose status answer the test changes while it runs (paper runs
    /// out, the head is opened): set it through the returned switch.
    pub fn start_switchable(behaviour: Behaviour) -> (FakePrinter, Arc<Mutex<Answer>>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Received::default()));
        let shared = received.clone();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let switch = Arc::new(Mutex::new(behaviour.answer));
        let live = switch.clone();
        let thread = std::thread::spawn(move || {
            while let Ok((stream, _)) = listener.accept() {
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                serve(stream, behaviour, &shared, Some(&live));
            }
        });
        let printer = FakePrinter {
            port,
            received,
            thread: Some(thread),
            stop: Some(stop),
        };
        (printer, switch)
    }

    /// The pages received so far (the printer keeps running).
    pub fn pages(&self) -> usize {
        self.received.lock().unwrap().pages.len()
    }

    /// A copy of the pages received so far.
    pub fn pages_now(&self) -> Vec<Bitmap> {
        self.received.lock().unwrap().pages.clone()
    }

    /// The URI to print to.
    pub fn uri(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// Waits for the current connection to end and returns what arrived.
    pub fn finish(mut self) -> Received {
        // The thread ends when the client disconnects (or after hanging up); if the test never connected,
        // this connection releases accept() and ends at once.
        if let Some(stop) = &self.stop {
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        std::mem::take(&mut *self.received.lock().unwrap())
    }
}

fn reply(lang: Lang, answer: Answer) -> Vec<u8> {
    match (lang, answer) {
        (_, Answer::Silent) => Vec::new(),
        (Lang::Tspl, Answer::Garbage) => b"\x1b[31mOK\r\n".to_vec(),
        (Lang::Zpl, Answer::Garbage) => {
            b"\x02\x1b[2Jhello,0,0\x03\r\n\x02x\x03\r\n\x02y\x03\r\n".to_vec()
        }
        (Lang::Tspl, Answer::Ready) => vec![0x00],
        (Lang::Tspl, Answer::PaperOut) => vec![0x04],
        (Lang::Tspl, Answer::HeadOpen) => vec![0x01],
        (Lang::Zpl, a) => {
            let (paper, head) = match a {
                Answer::PaperOut => (1, 0),
                Answer::HeadOpen => (0, 1),
                _ => (0, 0),
            };
            format!(
                "\x02030,{paper},0,0960,000,0,0,0,000,0,0,0\x03\r\n\
                 \x02000,0,{head},0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
            )
            .into_bytes()
        }
        // ESC/POS answers DLE EOT 1, 2, 4 one byte each; only the first byte of a query is decided here.
        (Lang::EscPos, _) => Vec::new(),
    }
}

fn escpos_reply(n: u8, answer: Answer) -> u8 {
    match (n, answer) {
        (1, Answer::PaperOut | Answer::HeadOpen) => 0x1a,
        (2, Answer::PaperOut) => 0x32,
        (2, Answer::HeadOpen) => 0x16,
        (4, Answer::PaperOut) => 0x72,
        _ => 0x12,
    }
}

/// Serves one connection; returns true when the test is over (hung up on purpose).
fn serve(
    mut stream: std::net::TcpStream,
    mut behaviour: Behaviour,
    received: &Mutex<Received>,
    live: Option<&Mutex<Answer>>,
) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let mut decoder = Decoder::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // Handle every whole item in the buffer.
        loop {
            let jobs = received.lock().unwrap().pages.len();
            // Only the first bytes of a new job trigger the hang-up, not stray whitespace or queries.
            let job_starts = match behaviour.lang {
                Lang::Tspl => buf.starts_with(b"SIZE"),
                Lang::Zpl => {
                    let t = buf.trim_ascii_start();
                    t.starts_with(b"^XA") || t.starts_with(b"~SD")
                }
                Lang::EscPos => buf.starts_with(b"\x1b@"),
            };
            if job_starts && behaviour.hang_up_after == Some(jobs) {
                // Job number n + 1 is arriving: hang up without reading it.
                let _ = stream.shutdown(std::net::Shutdown::Both);
                return true;
            }
            let Some(item) = decoder.next(behaviour.lang, &buf) else {
                break;
            };
            let used = match item {
                Item::Query(n) => {
                    if let Some(live) = live {
                        behaviour.answer = *live.lock().unwrap();
                    }
                    // A query also ends an ESC/POS page.
                    if let Some(page) = decoder.finish() {
                        received.lock().unwrap().pages.push(page);
                    }
                    received.lock().unwrap().queries += 1;
                    let answer = if behaviour.lang == Lang::EscPos {
                        if behaviour.answer == Answer::Silent {
                            Vec::new()
                        } else if behaviour.answer == Answer::Garbage {
                            vec![0xff]
                        } else {
                            vec![escpos_reply(buf[n - 1], behaviour.answer)]
                        }
                    } else {
                        reply(behaviour.lang, behaviour.answer)
                    };
                    if !answer.is_empty() && stream.write_all(&answer).is_err() {
                        return false;
                    }
                    n
                }
                Item::Page(n, page) => {
                    received.lock().unwrap().pages.push(page);
                    n
                }
                Item::Other(n) => n,
            };
            buf.drain(..used);
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => {
                if let Some(page) = decoder.finish() {
                    received.lock().unwrap().pages.push(page);
                }
                return false;
            }
            Ok(n) => {
                received.lock().unwrap().bytes += n;
                buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
}

/// A printer that accepts connections and never reads a byte (jammed firmware, a dead print server):
/// its receive buffer fills, then the sender's. The buffer is as small as the system allows, like a
/// printer's network stack (kilobytes), so even a small label does not fit in it.
pub struct Stalled {
    pub port: u16,
    held: Arc<Mutex<Vec<std::net::TcpStream>>>,
}

impl Stalled {
    pub fn start() -> Stalled {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        small_receive_buffer(&listener);
        let port = listener.local_addr().unwrap().port();
        let held = Arc::new(Mutex::new(Vec::new()));
        let keep = held.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                keep.lock().unwrap().push(stream);
            }
        });
        Stalled { port, held }
    }

    pub fn uri(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.held.lock().unwrap().len()
    }
}

/// A printer that reads `limit` bytes of the first connection, then hangs up (closing with unread data,
/// so the sender sees a reset), and refuses later connections. Its receive buffer is a printer's
/// (kilobytes), so the sender cannot be more than that ahead of what it read.
pub struct CutOff {
    pub port: u16,
    thread: Option<JoinHandle<Vec<u8>>>,
}

impl CutOff {
    pub fn start(limit: usize) -> CutOff {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        small_receive_buffer(&listener);
        let port = listener.local_addr().unwrap().port();
        let thread = std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return Vec::new();
            };
            drop(listener);
            let mut got = Vec::new();
            let mut chunk = [0u8; 8192];
            while got.len() < limit {
                let want = chunk.len().min(limit - got.len());
                match stream.read(&mut chunk[..want]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
            // Let more arrive unread, so that closing resets the connection mid-job.
            std::thread::sleep(Duration::from_millis(100));
            got
        });
        CutOff {
            port,
            thread: Some(thread),
        }
    }

    pub fn uri(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// The bytes the printer read before hanging up.
    pub fn received(mut self) -> Vec<u8> {
        self.thread.take().unwrap().join().unwrap()
    }
}

/// Sets the smallest receive buffer on a listener; accepted connections inherit it.
fn small_receive_buffer(listener: &TcpListener) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let size: libc::c_int = 1;
        // SAFETY: an int option on an open socket.
        unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                (&size as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}
