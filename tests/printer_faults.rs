//! Printers that fail quietly: one that accepts the connection and never reads, one that hangs up in the
//! middle of a label, one that answers garbage to status queries, and printer paths that are not
//! printers. A label counts as sent only when the printer took all its bytes, and as confirmed only
//! when the printer answered after it (docs/failures.md).

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::decode::{decode_all, Lang};
use crate::common::fake_printer::{Answer, Behaviour, CutOff, FakePrinter, Stalled};
use crate::common::label::{expected, ozon_label, read_barcodes};
use shiplabel::bitmap::Bitmap;
use shiplabel::printer::{
    builtin, PrintOptions, Printer, PrinterError, Profile, Timeouts, TransportError,
};

fn options(write: Duration, check_status: bool) -> PrintOptions {
    PrintOptions {
        copies: 1,
        check_status,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            write,
            status: Duration::from_millis(300),
        },
    }
}

/// TSPL: a 600 × 960 bitmap, 72 KB a label, uncompressed, so a few labels fill any socket buffer.
fn tspl() -> Profile {
    builtin("xprinter-xp420b").unwrap()
}

fn labels(n: usize) -> Vec<(String, Bitmap)> {
    (1..=n)
        .map(|i| (format!("0132112277-{i:04}-1"), ozon_label()))
        .collect()
}

fn transport_error(error: &PrinterError) -> &TransportError {
    match error {
        PrinterError::Transport { source, .. } => source,
        other => panic!("not a link failure: {other}"),
    }
}

#[test]
fn a_printer_that_never_reads_fails_the_job_within_the_timeout() {
    let stalled = Stalled::start();
    let write = Duration::from_secs(2);
    let started = Instant::now();
    let mut printer = Printer::open_with(&stalled.uri(), tspl(), options(write, true)).unwrap();
    let err = printer.print_batch(&labels(10), |_| {}).unwrap_err();
    let took = started.elapsed();
    // One stalled write timeout plus a status wait per label sent, not "printed 10".
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(
        matches!(
            transport_error(&err.cause),
            TransportError::WriteTimeout { .. }
        ),
        "{err}"
    );
    assert!(err.printed.len() < 10, "{err}");
    assert!(
        err.partly_sent,
        "bytes of the stalled label left: uncertain"
    );
    let text = err.to_string();
    assert!(text.contains("is uncertain"), "{text}");
    let cause = transport_error(&err.cause).to_string();
    assert!(cause.contains("timed out after"), "{cause}");
    assert_eq!(stalled.connections(), 1);
}

#[test]
fn print_file_to_a_printer_that_never_reads_fails_within_about_the_timeout() {
    let stalled = Stalled::start();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..10 {
        let path = dir.path().join(format!("label-{i}.png"));
        std::fs::write(&path, ozon_label().to_png(Some(203))).unwrap();
        files.push(path);
    }
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("print")
        .args(&files)
        .args(["--printer", &stalled.uri(), "--profile", "xprinter-xp420b"])
        .args(["--timeout", "3"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(3 + 6), "took {took:?}\n{stderr}");
    assert!(!stderr.contains("printed"), "{stderr}");
    assert!(!stderr.contains("confirmed by the printer"), "{stderr}");
    assert!(stderr.contains("uncertain"), "{stderr}");
}

#[test]
fn a_printer_that_hangs_up_mid_label_leaves_that_label_uncertain() {
    // --no-status: nothing but the link can tell what arrived.
    let cut = CutOff::start(300_000);
    let mut printer =
        Printer::open_with(&cut.uri(), tspl(), options(Duration::from_secs(10), false)).unwrap();
    let batch = labels(40);
    let err = printer.print_batch(&batch, |p| {
        assert!(!p.report.confirmed, "nothing can confirm without status");
    });
    let err = err.unwrap_err();
    let received = cut.received();
    let job = shiplabel::printer::encode_label(&ozon_label(), &tspl(), 1)
        .unwrap()
        .len();
    let whole = received.len() / job;
    assert!(err.partly_sent, "{err}");
    let failed = err.failed.clone().unwrap();
    assert!(!err.printed.contains(&failed), "{err}");
    // The labels the printer read whole are those sent (its receive window is far smaller than a
    // label, so nothing past them was acknowledged), each "sent, not confirmed", never printed.
    assert_eq!(
        err.printed.len(),
        whole,
        "{} bytes read; {err}",
        received.len()
    );
    assert!(
        matches!(
            transport_error(&err.cause),
            TransportError::Closed { .. } | TransportError::Write { .. }
        ),
        "{err}"
    );
}

#[test]
fn sent_is_confirmed_only_when_the_printer_answers_after_the_job() {
    for (answer, confirmed) in [
        (Answer::Ready, true),
        (Answer::Silent, false),
        (Answer::Garbage, false),
    ] {
        let fake = FakePrinter::start(Behaviour {
            lang: Lang::Tspl,
            answer,
            hang_up_after: None,
        });
        let mut printer =
            Printer::open_with(&fake.uri(), tspl(), options(Duration::from_secs(10), true))
                .unwrap();
        let report = printer.print(&ozon_label()).unwrap();
        drop(printer);
        assert_eq!(report.confirmed, confirmed, "{answer:?}: {report:?}");
        if !confirmed {
            assert_eq!(report.delivery(), "sent, not confirmed");
            assert_eq!(report.printer_said(), "no status reply", "{answer:?}");
        }
        let got = fake.finish();
        assert_eq!(got.pages.len(), 1, "{answer:?}: the job arrived");
        assert_eq!(read_barcodes(&got.pages[0]), expected());
    }
}

#[test]
fn a_garbage_status_reply_is_unknown_never_ready() {
    for (profile, lang) in [
        ("xprinter-xp420b", Lang::Tspl),
        ("zebra-gk420d", Lang::Zpl),
        ("escpos-80mm", Lang::EscPos),
    ] {
        let fake = FakePrinter::start(Behaviour {
            lang,
            answer: Answer::Garbage,
            hang_up_after: None,
        });
        let mut printer = Printer::open_with(
            &fake.uri(),
            builtin(profile).unwrap(),
            options(Duration::from_secs(10), true),
        )
        .unwrap();
        assert_eq!(printer.status().unwrap(), None, "{profile}");
        drop(printer);
        fake.finish();
    }
}

#[test]
fn a_printer_path_must_be_a_device_or_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let regular = dir.path().join("notes.txt");
    std::fs::write(&regular, b"keep me").unwrap();
    for uri in [
        regular.display().to_string(),
        format!("file://{}", regular.display()),
    ] {
        let err = Printer::open_with(&uri, tspl(), PrintOptions::default()).unwrap_err();
        let text = format!("{}", transport_error(&err));
        assert!(text.contains("is a regular file"), "{text}");
        assert!(text.contains("--output"), "{text}");
    }
    assert_eq!(
        std::fs::read(&regular).unwrap(),
        b"keep me",
        "not truncated"
    );
    let missing = dir.path().join("usb").join("lp0");
    let err =
        Printer::open_with(missing.to_str().unwrap(), tspl(), PrintOptions::default()).unwrap_err();
    assert!(
        transport_error(&err).to_string().contains("does not exist"),
        "{err}"
    );
    assert!(!missing.exists(), "no file made in its place");
    assert!(!dir.path().join("usb").exists());
    let err = Printer::open_with("file://host/x", tspl(), PrintOptions::default()).unwrap_err();
    assert!(err.to_string().contains("host name"), "{err}");
}

#[test]
#[cfg(unix)]
fn a_fifo_is_a_printer_when_someone_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("printer");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // Nobody reads: refused at once instead of hanging in open().
    let started = Instant::now();
    let err =
        Printer::open_with(fifo.to_str().unwrap(), tspl(), PrintOptions::default()).unwrap_err();
    assert!(err.to_string().contains("printer"), "{err}");
    assert!(
        transport_error(&err).to_string().contains("nobody reads"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // A reader: the job goes through and decodes.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let mut printer = loop {
        match Printer::open_with(
            fifo.to_str().unwrap(),
            tspl(),
            options(Duration::from_secs(10), true),
        ) {
            Ok(p) => break p,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let report = printer.print(&ozon_label()).unwrap();
    drop(printer);
    assert!(!report.confirmed, "a FIFO says nothing back");
    let bytes = reader.join().unwrap();
    assert_eq!(bytes.len(), report.bytes);
    let pages = decode_all(Lang::Tspl, &bytes);
    assert_eq!(read_barcodes(&pages[0]), expected());
}
