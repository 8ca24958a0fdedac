//! Printer-native barcode commands for the symbologies beyond Code 128: the job is rendered by labelize (an
//! independent ZPL and TSPL interpreter) and the symbol read back by rxing; what a language cannot draw is
//! refused with a reason.

use crate::common::label::{png_to_luma, read_luma};
use shiplabel::barcode::Symbology;
use shiplabel::bitmap::Bitmap;
use shiplabel::printer::{builtin, encode_label_with_barcodes, NativeBarcode};

fn native(symbology: Symbology, value: &str) -> NativeBarcode {
    NativeBarcode {
        symbology,
        value: value.into(),
        x: 60,
        y: 60,
        module_dots: 3,
        height_dots: 160,
    }
}

/// (symbology, value, what a scanner returns, languages that draw it natively)
const CASES: &[(Symbology, &str, &str, &[&str])] = &[
    (Symbology::Code39, "OZON-123", "OZON-123", &["zpl", "tspl"]),
    (
        Symbology::Code39Mod43,
        "OZON-123",
        "OZON-123J",
        &["zpl", "tspl"],
    ),
    (Symbology::Code39, "A$B", "A$B", &["zpl"]),
    (
        Symbology::Ean13,
        "460123456789",
        "4601234567893",
        &["zpl", "tspl"],
    ),
    (
        Symbology::Ean13,
        "4601234567893",
        "4601234567893",
        &["zpl", "tspl"],
    ),
    (Symbology::Ean8, "4601234", "46012340", &["zpl"]),
    (Symbology::UpcA, "01234567890", "012345678905", &["zpl"]),
];

#[test]
fn native_commands_for_more_symbologies_render_and_read_back() {
    let label = Bitmap::new(600, 960);
    for &(symbology, value, content, languages) in CASES {
        for (profile, language, width_mm, name) in [
            ("zebra-gk420d", labelize::Language::Zpl, 104.0, "zpl"),
            ("xprinter-xp420b", labelize::Language::Tspl, 75.0, "tspl"),
        ] {
            let profile = builtin(profile).unwrap();
            let result =
                encode_label_with_barcodes(&label, &[native(symbology, value)], &profile, 1);
            if !languages.contains(&name) {
                let err = result.expect_err("refused").to_string();
                assert!(
                    err.contains("send it as raster"),
                    "{symbology} {name}: {err}"
                );
                continue;
            }
            let job = result.unwrap_or_else(|e| panic!("{symbology} {value} {name}: {e}"));
            let rendered = labelize::render_png(
                &job,
                labelize::RenderOptions {
                    language: Some(language),
                    width_mm: Some(width_mm),
                    height_mm: Some(120.0),
                    dpmm: 8,
                    antialias: false,
                },
            )
            .unwrap_or_else(|e| panic!("labelize renders {symbology} {name}: {e:?}"));
            let (luma, w, h) = png_to_luma(&rendered.bytes);
            assert_eq!(
                read_luma(luma, w, h),
                vec![content.to_string()],
                "{symbology} {value:?} drawn by the {name} command:\n{}",
                String::from_utf8_lossy(&job)
                    .lines()
                    .filter(|l| l.contains("BARCODE") || l.contains("^B"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

#[test]
fn symbols_without_a_faithful_native_command_are_refused() {
    let label = Bitmap::new(600, 960);
    let zpl = builtin("zebra-gk420d").unwrap();
    for (symbology, value) in [
        (Symbology::Itf14, "0460123456789"),
        (Symbology::UpcE, "0425261"),
        (Symbology::Gs1_128, "(01)04601234567893"),
        (Symbology::Qr, "x"),
    ] {
        let err = encode_label_with_barcodes(&label, &[native(symbology, value)], &zpl, 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("send it as raster"), "{symbology}: {err}");
    }
    let err = encode_label_with_barcodes(
        &label,
        &[native(Symbology::Ean13, "460123456789+12")],
        &zpl,
        1,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("add-ons"), "{err}");
    // A value our encoder refuses is refused before any command is written.
    let err = encode_label_with_barcodes(
        &label,
        &[native(Symbology::Ean13, "4601234567894")],
        &zpl,
        1,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("check digit 4"), "{err}");
}
