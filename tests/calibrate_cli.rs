//! `shiplabel calibrate`: the page decodes (its barcode read by rxing from the decoded printer stream)
//! and a profile's offsets move it by exactly the set number of dots.

use std::path::Path;
use std::process::Command;

use shiplabel::bitmap::Bitmap;

use crate::common::decode::{decode_all, Lang};
use crate::common::label::read_barcodes;

/// Runs `calibrate --output` with `profile` and decodes the one page it wrote.
fn calibration_page(dir: &Path, profile: &str, lang: Lang) -> Bitmap {
    let out_file = dir.join("cal.prn");
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args(["calibrate", "--profile", profile, "--output"])
        .arg(&out_file)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("SHIPLABEL_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages = decode_all(lang, &std::fs::read(&out_file).unwrap());
    assert_eq!(pages.len(), 1);
    pages.remove(0)
}

#[test]
fn the_calibration_page_decodes_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    for (profile, lang) in [
        ("xprinter-xp420b", Lang::Tspl),
        ("zebra-gk420d", Lang::Zpl),
        ("escpos-80mm", Lang::EscPos),
    ] {
        let page = calibration_page(dir.path(), profile, lang);
        assert_eq!(
            read_barcodes(&page),
            vec!["SHIPLABEL-CAL".to_string()],
            "{profile}"
        );
    }
    let page = calibration_page(dir.path(), "xprinter-xp420b", Lang::Tspl);
    assert_eq!(
        (page.width(), page.height()),
        (600, 960),
        "the stock, dot for dot"
    );
}

#[test]
fn offsets_move_the_calibration_page_by_the_set_dots() {
    let dir = tempfile::tempdir().unwrap();
    let plain = calibration_page(dir.path(), "xprinter-xp420b", Lang::Tspl);
    let profile = dir.path().join("offset.toml");
    std::fs::write(
        &profile,
        "name = \"offset\"\nlanguage = \"tspl\"\ndpi = 203\nhead_width_mm = 108\n\
         label_width_mm = 75\nlabel_length_mm = 120\nmedia = \"gap\"\n\
         offset_x_dots = 16\noffset_y_dots = 8\n",
    )
    .unwrap();
    let moved = calibration_page(dir.path(), profile.to_str().unwrap(), Lang::Tspl);
    assert_eq!(read_barcodes(&moved), vec!["SHIPLABEL-CAL".to_string()]);
    // The bars, the darkness steps and the barcode: every dot 16 right and 8 down.
    let mut black = 0;
    for y in 300..620 {
        for x in 96..504 {
            assert_eq!(moved.get(x + 16, y + 8), plain.get(x, y), "dot {x},{y}");
            black += u32::from(plain.get(x, y));
        }
    }
    assert!(
        black > 10_000,
        "the compared region holds the page's marks ({black} dots)"
    );
}
