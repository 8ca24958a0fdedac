//! The settings file as a user meets it: `print` with no flags uses its printer, profile and the
//! printer's calibration; `config` says where each setting came from; a broken file is named.

use std::path::Path;
use std::process::{Command, Output};

use shiplabel::bitmap::Bitmap;

use crate::common::decode::Lang;
use crate::common::fake_printer::{Answer, Behaviour, FakePrinter};
use crate::common::label::{expected, ozon_label, read_barcodes};

/// The binary with its settings taken from `config_home` only (no SHIPLABEL_* from the caller).
fn shiplabel(config_home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shiplabel"));
    c.args(args).env("XDG_CONFIG_HOME", config_home);
    for var in [
        "SHIPLABEL_CONFIG",
        "SHIPLABEL_PRINTER",
        "SHIPLABEL_PROFILE",
        "SHIPLABEL_TEMPLATE",
        "SHIPLABEL_DB",
    ] {
        c.env_remove(var);
    }
    c
}

fn write_config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("shiplabel")).unwrap();
    std::fs::write(home.join("shiplabel/config.toml"), text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Left, top, right, bottom of the black dots.
fn bounds(b: &Bitmap) -> (u32, u32, u32, u32) {
    let (mut l, mut t, mut r, mut bo) = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..b.height() {
        for x in 0..b.width() {
            if b.get(x, y) {
                (l, t, r, bo) = (l.min(x), t.min(y), r.max(x), bo.max(y));
            }
        }
    }
    (l, t, r, bo)
}

#[test]
fn print_with_no_flags_uses_the_configured_printer_and_its_offsets() {
    let home = tempfile::tempdir().unwrap();
    let label = home.path().join("A-1.png");
    std::fs::write(&label, ozon_label().to_png(Some(203))).unwrap();
    let label = label.display().to_string();

    // Without offsets: where the label lands on the page.
    let plain = home.path().join("plain.prn");
    let out = shiplabel(
        home.path(),
        &["print", &label, "--profile", "zebra-gk420d", "--output"],
    )
    .arg(&plain)
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = crate::common::decode::decode_all(Lang::Zpl, &std::fs::read(&plain).unwrap());
    assert_eq!(plain.len(), 1);

    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Zpl,
        answer: Answer::Ready,
        hang_up_after: None,
    });
    let uri = fake.uri();
    write_config(
        home.path(),
        &format!(
            "printer = \"{uri}\"\nprofile = \"zebra-gk420d\"\n\n[printers.\"{uri}\"]\n\
             offset_x_dots = -8\noffset_y_dots = 8\n"
        ),
    );
    let out = shiplabel(home.path(), &["print", &label]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("sent 1 label(s) to {uri}")),
        "{}",
        stderr(&out)
    );
    let got = fake.finish();
    assert_eq!(got.pages.len(), 1, "the configured printer got the label");
    assert_eq!(read_barcodes(&got.pages[0]), expected());
    let (l0, t0, r0, b0) = bounds(&plain[0]);
    let (l, t, r, b) = bounds(&got.pages[0]);
    assert_eq!((l, r), (l0 - 8, r0 - 8), "moved 8 dots left");
    assert_eq!((t, b), (t0 + 8, b0 + 8), "moved 8 dots down");
}

#[test]
fn config_says_where_each_setting_came_from() {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "printer = \"tcp://192.0.2.7:9100\"\ntemplate = \"ozon-fbs\"\n\n\
         [printers.\"tcp://192.0.2.7:9100\"]\ndarkness = 12\ncut = \"full\"\n",
    );
    let out = shiplabel(home.path(), &["config", "--profile", "tsc-te200"])
        .env("SHIPLABEL_TEMPLATE", "my-template.toml")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    for line in [
        "printer  = tcp://192.0.2.7:9100  (file (printer))",
        "profile  = tsc-te200  (flag --profile)",
        "template = my-template.toml  (environment SHIPLABEL_TEMPLATE)",
        "(default)",
        "darkness 12",
        "cut full",
        "  darkness = 12",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(text.contains("config.toml (read)"), "{text}");
}

#[test]
fn a_broken_settings_file_is_named_with_its_line() {
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), "printer = \"tcp://x\"\nprintr = 1\n");
    let out = shiplabel(home.path(), &["print", "x.png"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("config.toml") && err.contains("printr") && err.contains("line 2"),
        "{err}"
    );

    // No printer anywhere: the error says how to give one.
    write_config(home.path(), "");
    let out = shiplabel(home.path(), &["print", "x.png"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no printer") && err.contains("SHIPLABEL_PRINTER"),
        "{err}"
    );
}

#[test]
fn reprint_with_no_printer_flag_uses_the_configured_printer() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("station.db");
    let db = db.to_str().unwrap();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ozon_v3_list.json");
    let now = "2026-11-22T12:00:00Z";
    let out = shiplabel(home.path(), &["--db", db, "import", sample, "--now", now])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Zpl,
        answer: Answer::Ready,
        hang_up_after: None,
    });
    let uri = fake.uri();
    write_config(
        home.path(),
        &format!("printer = \"{uri}\"\nprofile = \"zebra-gk420d\"\n"),
    );
    let out = shiplabel(
        home.path(),
        &["--db", db, "reprint", "0132112277-0101-1", "--now", now],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains(&format!("sent to {uri}")), "{said}");
    let got = fake.finish();
    assert!(
        !got.pages.is_empty(),
        "the configured printer got the labels"
    );
    assert_eq!(read_barcodes(&got.pages[0]).len(), 2);
}
