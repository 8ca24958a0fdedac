//! The `print` and `printers` commands as a user runs them.

use std::process::Command;

use crate::common::decode::{decode_all, Lang};
use crate::common::fake_printer::{Answer, Behaviour, FakePrinter};
use crate::common::label::{expected, ozon_label, read_barcodes};

fn shiplabel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shiplabel"))
}

fn label_files(dir: &std::path::Path, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.png"));
            std::fs::write(&path, ozon_label().to_png(Some(203))).unwrap();
            path.display().to_string()
        })
        .collect()
}

#[test]
fn print_sends_one_job_per_label_with_a_progress_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["0132112277-0101-1", "0132112277-0102-1"]);
    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Tspl,
        answer: Answer::Ready,
        hang_up_after: None,
    });
    let out = shiplabel()
        .arg("print")
        .args(&files)
        .args(["--printer", &fake.uri(), "--profile", "xprinter-xp420b"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("[1/2] 0132112277-0101-1: sent "),
        "{stderr}"
    );
    assert!(
        stderr.contains("[2/2] 0132112277-0102-1: sent "),
        "{stderr}"
    );
    assert!(
        stderr.contains("printer: ready (TSPL status 0x00)"),
        "{stderr}"
    );
    let got = fake.finish();
    assert_eq!(got.pages.len(), 2);
    for page in &got.pages {
        assert_eq!(read_barcodes(page), expected());
    }
}

#[test]
fn print_refuses_a_printer_out_of_paper_and_says_which_labels_did_not_print() {
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["A-1", "B-2"]);
    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Zpl,
        answer: Answer::PaperOut,
        hang_up_after: None,
    });
    let out = shiplabel()
        .arg("print")
        .args(&files)
        .args(["--printer", &fake.uri(), "--profile", "zebra-gk420d"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sent 0 of 2: none; not sent 2: A-1, B-2"),
        "{stderr}"
    );
    assert!(stderr.contains("paper out"), "{stderr}");
    assert!(fake.finish().pages.is_empty());
}

#[test]
fn output_writes_the_printer_bytes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["one", "two", "three"]);
    let output = dir.path().join("jobs.bin");
    let status = shiplabel()
        .arg("print")
        .args(&files)
        .args(["--profile", "escpos-80mm", "--copies", "1", "--output"])
        .arg(&output)
        .status()
        .unwrap();
    assert!(status.success());
    let pages = decode_all(Lang::EscPos, &std::fs::read(&output).unwrap());
    assert_eq!(pages.len(), 3);
    assert_eq!(read_barcodes(&pages[2]), expected());
}

#[test]
fn print_explains_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let files = label_files(dir.path(), &["a"]);
    for (args, needle) in [
        (vec!["--printer", "lpd://x"], "unknown scheme \"lpd\""),
        (
            vec!["--printer", "x.prn", "--profile", "nope"],
            "unknown printer profile \"nope\"",
        ),
        (vec!["--printer", "usb://zz:1"], "vendor id \"zz\""),
    ] {
        let out = shiplabel()
            .arg("print")
            .args(&files)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn printers_lists_one_line_each_or_says_there_is_no_usb() {
    let out = shiplabel().arg("printers").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stdout.is_empty() {
        assert!(
            stderr.contains("no USB on this machine") || stderr.contains("no USB printers found"),
            "{stderr}"
        );
    }
    for line in stdout.lines() {
        // A machine with a CUPS server (or Windows) also lists its print queues.
        let queue = line.starts_with("cups://") || line.starts_with("winspool://");
        assert!(
            queue || (line.contains(" manufacturer=") && line.contains(" uri=usb://")),
            "{line}"
        );
    }
    let out = shiplabel()
        .args(["printers", "--profiles"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout
        .lines()
        .any(|l| l.starts_with("xprinter-xp365b language=TSPL")));
}

/// Postings all the way: the renderer draws the label at the printer's resolution, each language carries
/// it to the fake printer, and rxing reads the posting's two barcodes from the decoded page.
#[test]
fn print_renders_postings_and_every_language_carries_the_posting_barcodes() {
    let postings = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ozon_posting.json");
    let mut want = vec!["%101%806044518".to_string(), "23024930500000".to_string()];
    want.sort();
    for (profile, lang) in [
        ("xprinter-xp420b", Lang::Tspl),
        ("zebra-gk420d", Lang::Zpl),
        ("escpos-80mm", Lang::EscPos),
    ] {
        let fake = FakePrinter::start(Behaviour {
            lang,
            answer: Answer::Ready,
            hang_up_after: None,
        });
        let out = shiplabel()
            .args([
                "print",
                postings,
                "--printer",
                &fake.uri(),
                "--profile",
                profile,
            ])
            .args(["--now", "2026-11-23T10:00:00Z"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{profile}: {stderr}");
        assert!(
            stderr.contains("[1/1] 0132112277-0101-1: sent "),
            "{stderr}"
        );
        let got = fake.finish();
        assert_eq!(got.pages.len(), 1, "{profile}");
        assert_eq!(read_barcodes(&got.pages[0]), want, "{profile}");
    }
}
