//! Bad input to every command that reads files or writes output: one clear line naming the file, a
//! non-zero exit, no panic, nothing written.

use std::path::Path;
use std::process::Output;

use crate::common::cli::{data_arg, shiplabel};

const NOW: &str = "--now=2026-11-23T10:00:00Z";

/// The error output of a run that must have failed cleanly: exit 1, nothing on stdout, no panic.
fn failure(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing printed on failure");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn an_empty_input_file_is_named_as_empty_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.json", "empty.csv", "blank.txt"] {
        let file = dir.path().join(name);
        std::fs::write(&file, if name == "blank.txt" { " \n\n" } else { "" }).unwrap();
        let f = path(&file);
        let pdf = path(&dir.path().join("out.pdf"));
        let runs: [Vec<&str>; 5] = [
            vec!["orders", &f],
            vec!["remind", &f, NOW],
            vec!["report", &f],
            vec!["render", &f, "-o", &pdf, NOW],
            vec!["handover", &f, "-o", &pdf, NOW],
        ];
        for args in runs {
            let stderr = failure(&shiplabel(&args));
            assert_eq!(
                stderr,
                format!("shiplabel: error: {f}: the file is empty\n"),
                "{args:?}"
            );
        }
        assert!(!dir.path().join("out.pdf").exists());
    }
}

#[test]
fn malformed_json_gives_a_one_based_position() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cut.json");
    std::fs::write(&file, "{\"result\": [\n").unwrap();
    let stderr = failure(&shiplabel(&["orders", &path(&file)]));
    assert_eq!(
        stderr,
        format!(
            "shiplabel: error: {}:2:1: malformed JSON: EOF while parsing a list\n",
            path(&file)
        )
    );
}

#[test]
fn render_names_the_output_it_cannot_write_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    for (input, output) in [
        ("ozon_posting.json", missing.join("labels.pdf")),
        ("ozon_posting.json", missing.join("label.png")),
    ] {
        let out = path(&output);
        let stderr = failure(&shiplabel(&["render", &data_arg(input), "-o", &out, NOW]));
        assert_eq!(
            stderr,
            format!(
                "shiplabel: error: cannot write {out}: No such file or directory (os error 2)\n"
            )
        );
        assert!(!missing.exists());
    }
}

#[test]
fn an_output_that_is_a_directory_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = path(dir.path());
    let stderr = failure(&shiplabel(&[
        "handover",
        &data_arg("seller_day.json"),
        "-o",
        &out,
        NOW,
    ]));
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("skipped: "))
        .collect();
    assert_eq!(
        errors,
        [format!("shiplabel: error: cannot write {out}: is a directory: not replaced").as_str()]
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A label PNG that is not one (here 0 bytes) is named by its path, as given, and nothing is written.
#[test]
fn print_names_the_png_it_cannot_read_by_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("zero.png");
    std::fs::write(&png, b"").unwrap();
    let out = dir.path().join("job.prn");
    let stderr = failure(&shiplabel(&[
        "print",
        &path(&png),
        "--profile",
        "tsc-te200",
        "--output",
        &path(&out),
    ]));
    assert!(
        stderr.contains(&format!("label {}: not a readable PNG image", path(&png))),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// One resolution range for every command that takes `--dpi` (`scene::DPI_RANGE`), refused as a usage
/// error before anything is written.
#[test]
fn a_resolution_outside_the_one_range_is_a_usage_error_in_render_and_barcode() {
    let dir = tempfile::tempdir().unwrap();
    let png = path(&dir.path().join("b.png"));
    let pdf = path(&dir.path().join("l.pdf"));
    let sample = data_arg("ozon_v3_list.json");
    for dpi in ["0", "71", "1201"] {
        for args in [
            vec![
                "barcode", "123", "--type", "code128", "--dpi", dpi, "-o", &png,
            ],
            vec!["render", &sample, "--dpi", dpi, "-o", &pdf],
        ] {
            let out = shiplabel(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("is outside 72–1200"), "{args:?}: {stderr}");
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_empty_reminder_template_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("empty.txt");
    std::fs::write(&template, "\n  \n").unwrap();
    let t = path(&template);
    let stderr = failure(&shiplabel(&[
        "remind",
        &data_arg("seller_day.json"),
        "--template",
        &t,
        NOW,
    ]));
    assert_eq!(
        stderr,
        format!("shiplabel: error: {t}: the template is empty\n")
    );
}

#[test]
fn a_label_folder_that_fails_part_way_gets_no_labels() {
    let dir = tempfile::tempdir().unwrap();
    // The last label's file name is taken by a folder, so that one write fails after the others.
    let blocked = dir.path().join("0249917350-0012-1-3.png");
    std::fs::create_dir(&blocked).unwrap();
    let out = format!("{}/", path(dir.path()));
    let stderr = failure(&shiplabel(&[
        "render",
        &data_arg("ozon_v3_list.json"),
        "-o",
        &out,
        "--only-labelable",
        NOW,
    ]));
    assert!(
        stderr.starts_with(&format!(
            "shiplabel: error: cannot write {}",
            path(&blocked)
        )),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [blocked.file_name().unwrap()]);
}

/// `shiplabel orders … | head -1`: the reader closes the pipe after one line. The command ends
/// quietly, as `cat` would (killed by SIGPIPE), instead of panicking on the broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_command_without_a_panic() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    // 12,000 distinct postings: far more output than a pipe buffers. (Copies of one file would not do:
    // a posting given twice is one record.)
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("many.json");
    let postings: Vec<String> = (0..12_000)
        .map(|i| format!(r#"{{"posting_number": "{i:08}-0001-1", "status": "awaiting_deliver"}}"#))
        .collect();
    std::fs::write(&sample, format!("[{}]", postings.join(",\n"))).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("orders")
        .arg(&sample)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shiplabel");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("POSTING"), "{first}");
    // The reader is dropped here: the pipe is closed while shiplabel still writes.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    const SIGPIPE: i32 = 13; // on Linux and the BSDs
    assert_eq!(out.status.signal(), Some(SIGPIPE), "{:?}", out.status);
}
