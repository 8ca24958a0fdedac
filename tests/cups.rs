//! Printing through a real CUPS server: a private `cupsd` (Debian's `cups` package, started by the test
//! on a free loopback port with its own directories, so it never touches a system CUPS) with a raw queue
//! whose `socket://` backend points at the fake printer. `shiplabel print --printer cups://QUEUE` must
//! deliver every label, decoded back from what the backend sent; a job CUPS cannot deliver must not be
//! called printed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::decode::Lang;
use crate::common::fake_printer::{Answer, Behaviour, FakePrinter};
use crate::common::label::{expected, ozon_label, read_barcodes};

const CUPSD: &str = "/usr/sbin/cupsd";
const SOCKET_BACKEND: &str = "/usr/lib/cups/backend/socket";

/// Whether cupsd and its socket backend are installed; under CI (`CI` set) their absence fails the
/// test, elsewhere it is skipped loudly (the convention of `common::tool_available`).
fn cups_available() -> bool {
    let found = Path::new(CUPSD).exists() && Path::new(SOCKET_BACKEND).exists();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{CUPSD} or {SOCKET_BACKEND} is missing, and CI is set: install cups (see .ci/run)"
            );
        }
        eprintln!(
            "\n!!!! SKIPPED: CUPS (cupsd, socket backend) is not installed; CI installs it !!!!\n"
        );
    }
    found
}

/// A cupsd of our own, stopped (by its process id) when dropped.
struct Cupsd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cupsd {
    /// Starts cupsd with one raw queue per `(name, device URI)`.
    fn start(queues: &[(&str, String)]) -> Cupsd {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // The backends run as user lp: the directories must be readable by others.
        for sub in ["", "spool", "cache", "state", "log", "tmp"] {
            let d = root.join(sub);
            std::fs::create_dir_all(&d).unwrap();
            set_mode(&d, 0o755);
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let r = root.display();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nRequestRoot {r}/spool\nCacheDir {r}/cache\nStateDir {r}/state\n\
                 TempDir {r}/tmp\nErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\n\
                 PageLog {r}/log/page_log\n"
            ),
        )
        .unwrap();
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen 127.0.0.1:{port}\nLogLevel info\nBrowsing No\nWebInterface No\n\
                 DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
            ),
        )
        .unwrap();
        // A queue without a PPD is a raw queue: CUPS passes the job to the backend unchanged.
        let mut printers = String::new();
        for (name, device) in queues {
            printers.push_str(&format!(
                "<Printer {name}>\nInfo shiplabel test\nDeviceURI {device}\nState Idle\n\
                 Accepting Yes\nShared No\n</Printer>\n"
            ));
        }
        std::fs::write(root.join("printers.conf"), printers).unwrap();
        let child = Command::new(CUPSD)
            .arg("-f")
            .arg("-c")
            .arg(root.join("cupsd.conf"))
            .arg("-s")
            .arg(root.join("cups-files.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cupsd");
        let cupsd = Cupsd { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "cupsd did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        cupsd
    }

    fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default()
    }
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn label_files(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.png"));
            std::fs::write(&path, ozon_label().to_png(Some(203))).unwrap();
            path
        })
        .collect()
}

#[test]
fn print_through_a_cups_raw_queue_delivers_every_label() {
    if !cups_available() {
        return;
    }
    let fake = FakePrinter::start_many(Behaviour {
        lang: Lang::Tspl,
        answer: Answer::Ready,
        hang_up_after: None,
    });
    let cupsd = Cupsd::start(&[(
        "shiplabel-test",
        format!("socket://127.0.0.1:{}", fake.port),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["A-1", "B-2", "C-3"]);

    // The queue is listed beside the USB devices.
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("printers")
        .env("CUPS_SERVER", cupsd.server())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("cups://shiplabel-test queue=cups state=idle")
            && stdout.contains(&format!("device=\"socket://127.0.0.1:{}\"", fake.port)),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("print")
        .args(&files)
        .args([
            "--printer",
            "cups://shiplabel-test",
            "--profile",
            "xprinter-xp420b",
        ])
        .env("CUPS_SERVER", cupsd.server())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{stderr}\ncupsd log:\n{}",
        cupsd.log()
    );
    assert!(stderr.contains("[3/3] C-3: sent "), "{stderr}");
    assert!(
        stderr.contains("sent 3 label(s) to cups://shiplabel-test"),
        "{stderr}"
    );
    drop(cupsd);
    let got = fake.finish();
    assert_eq!(got.pages.len(), 3, "every label reached the printer");
    for page in &got.pages {
        assert_eq!(page.height(), 960, "the stock's length in dots");
        assert_eq!(read_barcodes(page), expected());
    }
    assert_eq!(got.queries, 0, "no status query goes through a spooler");
}

#[test]
fn a_cups_job_that_cannot_reach_the_printer_is_not_called_printed() {
    if !cups_available() {
        return;
    }
    // A port nobody listens on: the socket backend keeps retrying, the job never completes.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cupsd = Cupsd::start(&[("nowhere", format!("socket://127.0.0.1:{dead}"))]);
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["A-1"]);
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("print")
        .args(&files)
        .args([
            "--printer",
            "cups://nowhere",
            "--profile",
            "xprinter-xp420b",
        ])
        .args(["--timeout", "3"])
        .env("CUPS_SERVER", cupsd.server())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("printed 1 label"), "{stderr}");
    assert!(
        stderr.contains("CUPS job") && stderr.contains("it may print later"),
        "{stderr}"
    );

    // A queue that does not exist is refused by name; nothing was taken.
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("print")
        .args(&files)
        .args([
            "--printer",
            "cups://no-such-queue",
            "--profile",
            "xprinter-xp420b",
        ])
        .env("CUPS_SERVER", cupsd.server())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no-such-queue") && stderr.contains("not found"),
        "{stderr}"
    );
}
