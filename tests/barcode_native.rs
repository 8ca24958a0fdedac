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

/// A template with a barcode of each kind the printers draw, and a QR Code that stays raster.
const NATIVE_TEMPLATE: &str = r#"
name = "native"
[page]
size = [120, 75]
orientation = "portrait"

[[element]]
type = "barcode"
name = "upper"
value = "{upper_barcode}"
x = 3
y = 3
width = 68
height = 18
module_dots = 3
min_module_dots = 2

[[element]]
type = "barcode"
name = "posting"
symbology = "code39"
value = "{posting_number}"
x = 3
y = 27
width = 68
height = 18
module_dots = 2
min_module_dots = 1

[[element]]
type = "barcode"
name = "product"
symbology = "ean13"
value = "4601234567893"
x = 3
y = 51
width = 50
height = 18
module_dots = 3
min_module_dots = 2

[[element]]
type = "barcode"
name = "qr"
symbology = "qr"
value = "{posting_number}"
x = 3
y = 80
width = 30
height = 30
module_dots = 4
min_module_dots = 2
"#;

/// A composed label's barcodes become the printer's own commands (`native_barcodes`, `encode_scene`):
/// labelize draws the jobs and rxing reads every symbol back; the QR Code the languages draw no command
/// for stays in the raster, and so does everything for ESC/POS.
#[test]
fn a_scenes_barcodes_go_out_as_printer_commands_and_read_back() {
    use shiplabel::printer::{native_barcodes, Language};
    use shiplabel::template::Template;

    let posting = shiplabel::order::parse_json(
        "p.json",
        r#"{"posting_number": "0132112277-0101-1", "status": "awaiting_deliver",
            "barcodes": {"upper_barcode": "%101%806044518", "lower_barcode": "23024930500000"}}"#,
    )
    .unwrap()
    .remove(0);
    let template = Template::from_toml(NATIVE_TEMPLATE, "native.toml", None).unwrap();
    let options = shiplabel::RenderOptions::at_dpi(203);
    let labels = shiplabel::posting_labels(&posting, &template, &options).unwrap();
    let scene = &labels[0].composed.scene;
    let mut expected = vec![
        "%101%806044518".to_string(),
        "0132112277-0101-1".to_string(),
        "4601234567893".to_string(),
    ];
    expected.sort();

    for (profile, language, width_mm, command) in [
        ("zebra-gk420d", labelize::Language::Zpl, 104.0, "^FD"),
        ("xprinter-xp420b", labelize::Language::Tspl, 75.0, "BARCODE"),
    ] {
        let profile = builtin(profile).unwrap();
        let split = native_barcodes(scene, profile.language);
        let symbologies: Vec<Symbology> = split.barcodes.iter().map(|b| b.symbology).collect();
        assert_eq!(
            symbologies,
            [Symbology::Code128, Symbology::Code39, Symbology::Ean13],
            "{}",
            profile.language
        );
        // Only the QR Code is left to the raster.
        assert_eq!(split.raster.barcodes().count(), 1);
        assert_eq!(split.raster.items.len(), scene.items.len() - 3);

        let job = shiplabel::encode_scene(scene, &profile, 1).unwrap();
        let text = String::from_utf8_lossy(&job);
        assert_eq!(
            text.matches(command).count(),
            3,
            "{}: {}",
            profile.language,
            text.lines()
                .filter(|l| l.contains(command))
                .collect::<Vec<_>>()
                .join("\n")
        );
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
        .unwrap_or_else(|e| panic!("labelize renders the {} job: {e:?}", profile.language));
        let (luma, w, h) = png_to_luma(&rendered.bytes);
        let found = read_luma(luma, w, h);
        for value in &expected {
            assert!(
                found.contains(value),
                "{}: {value} not read back from the printer-drawn symbols; found {found:?}",
                profile.language
            );
        }
    }

    // ESC/POS draws no barcode inside a raster: everything stays raster, and the job is the plain one.
    let escpos = builtin("escpos-80mm").unwrap();
    assert!(native_barcodes(scene, Language::Escpos).barcodes.is_empty());
    let job = shiplabel::encode_scene(scene, &escpos, 1).unwrap();
    let raster = shiplabel::printer::encode_label(
        &shiplabel::render::rasterize(scene, escpos.dpi),
        &escpos,
        1,
    )
    .unwrap();
    assert_eq!(job, raster);
}
