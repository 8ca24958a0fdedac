//! The printer module end to end, without hardware: each language goes to a fake printer on a loopback
//! port, a decoder written for the tests turns the stream back into a page, and rxing reads both
//! barcodes. ZPL and TSPL are also rendered by labelize, an independent label renderer.

use std::time::Duration;

use crate::common::decode::{decode_all, Lang};
use crate::common::fake_printer::{Answer, Behaviour, FakePrinter};
use crate::common::label::{expected, ozon_label, png_to_luma, read_barcodes, read_luma};
use shiplabel::bitmap::Bitmap;
use shiplabel::printer::{
    builtin, encode_label, BatchError, Condition, PrintOptions, Printer, PrinterError, Profile,
    Timeouts,
};

fn options() -> PrintOptions {
    PrintOptions {
        copies: 1,
        check_status: true,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            write: Duration::from_secs(10),
            status: Duration::from_millis(300),
        },
    }
}

fn lang_of(profile: &Profile) -> Lang {
    match profile.language {
        shiplabel::printer::Language::Escpos => Lang::EscPos,
        shiplabel::printer::Language::Tspl => Lang::Tspl,
        shiplabel::printer::Language::Zpl => Lang::Zpl,
    }
}

/// The label as the head should print it: centred in a frame `frame` dots wide.
fn centred(label: &Bitmap, frame: u32) -> Bitmap {
    let mut out = Bitmap::new(frame, label.height());
    let x0 = (frame - label.width()) / 2;
    for y in 0..label.height() {
        for x in 0..label.width() {
            if label.get(x, y) {
                out.set(x0 + x, y, true);
            }
        }
    }
    out
}

/// Top-left `width` × `height` of `page` (pages may be taller: a TSPL canvas is the whole label).
fn crop(page: &Bitmap, width: u32, height: u32) -> Bitmap {
    let mut out = Bitmap::new(width, height);
    for y in 0..height {
        for x in 0..width {
            out.set(x, y, page.get(x, y));
        }
    }
    out
}

fn profiles() -> Vec<(Profile, u32)> {
    // (profile, frame width the decoded page must have)
    vec![
        (builtin("escpos-80mm").unwrap(), 576),
        (builtin("xprinter-xp420b").unwrap(), 600),
        (builtin("zebra-gk420d").unwrap(), 832),
    ]
}

fn escpos_label() -> Bitmap {
    // A receipt printer's head is 576 dots: the label is trimmed of its white margins to fit.
    ozon_label()
}

#[test]
fn every_language_reaches_the_fake_printer_and_both_barcodes_read_back() {
    let label = ozon_label();
    assert_eq!(read_barcodes(&label), expected(), "the test label itself");
    for (profile, frame) in profiles() {
        let fake = FakePrinter::start(Behaviour {
            lang: lang_of(&profile),
            answer: Answer::Ready,
            hang_up_after: None,
        });
        let mut printer = Printer::open_with(&fake.uri(), profile.clone(), options()).unwrap();
        let source = if profile.name == "escpos-80mm" {
            escpos_label()
        } else {
            label.clone()
        };
        let report = printer.print(&source).unwrap();
        drop(printer);
        let got = fake.finish();
        assert_eq!(got.pages.len(), 1, "{}: one page", profile.name);
        // Status before and after (ESC/POS asks three things each time: DLE EOT 1, 2 and 4).
        let per_check = if profile.language == shiplabel::printer::Language::Escpos {
            3
        } else {
            1
        };
        assert_eq!(
            got.queries,
            2 * per_check,
            "{}: status before and after",
            profile.name
        );
        assert!(
            report.before.as_ref().unwrap().is_ready(),
            "{}",
            profile.name
        );
        assert!(
            report.after.as_ref().unwrap().is_ready(),
            "{}",
            profile.name
        );
        let page = &got.pages[0];
        assert_eq!(page.width(), frame, "{}: frame width", profile.name);
        assert_eq!(
            read_barcodes(page),
            expected(),
            "{}: barcodes",
            profile.name
        );
        // Dot for dot: the label centred on the frame (ESC/POS: trimmed by 12 dots a side first).
        let want = if frame >= label.width() {
            centred(&label, frame)
        } else {
            let mut trimmed = Bitmap::new(frame, label.height());
            let cut = (label.width() - frame) / 2;
            for y in 0..label.height() {
                for x in 0..frame {
                    trimmed.set(x, y, label.get(x + cut, y));
                }
            }
            assert_eq!(
                trimmed.count_black(),
                label.count_black(),
                "nothing lost by the trim"
            );
            trimmed
        };
        assert_eq!(
            crop(page, frame, label.height()),
            want,
            "{}: dots",
            profile.name
        );
        assert_eq!(
            page.count_black(),
            label.count_black(),
            "{}: no extra dots",
            profile.name
        );
    }
}

#[test]
fn copies_and_bands_on_the_wire() {
    let mut profile = builtin("escpos-80mm").unwrap();
    profile.band_rows = 100;
    let bytes = encode_label(&ozon_label(), &profile, 2).unwrap();
    let pages = decode_all(Lang::EscPos, &bytes);
    // Two copies in one job: the decoder sees one long page of both.
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].height(), 2 * 960);
    let bands = bytes
        .windows(3)
        .filter(|w| *w == [0x1d, 0x76, 0x30])
        .count();
    assert_eq!(bands, 2 * 10, "960 rows in bands of 100");

    let zpl = encode_label(&ozon_label(), &builtin("zebra-zd420").unwrap(), 3).unwrap();
    assert!(String::from_utf8(zpl).unwrap().contains("^PQ3"));
    let tspl = encode_label(&ozon_label(), &builtin("tsc-te200").unwrap(), 3).unwrap();
    assert!(tspl.ends_with(b"PRINT 1,3\r\n"));
}

#[test]
fn a_printer_that_reports_paper_out_or_head_open_is_refused_with_the_reason() {
    for (profile, _) in profiles() {
        for (answer, condition) in [
            (Answer::PaperOut, Condition::PaperOut),
            (Answer::HeadOpen, Condition::HeadOpen),
        ] {
            let fake = FakePrinter::start(Behaviour {
                lang: lang_of(&profile),
                answer,
                hang_up_after: None,
            });
            let mut printer = Printer::open_with(&fake.uri(), profile.clone(), options()).unwrap();
            let err = printer.print(&ozon_label()).unwrap_err();
            drop(printer);
            let got = fake.finish();
            assert!(got.pages.is_empty(), "{}: nothing printed", profile.name);
            let PrinterError::NotReady { status, .. } = &err else {
                panic!("{}: expected a refusal, got {err}", profile.name)
            };
            // ESC/POS has no head-open bit: a cover-open printer is refused as such.
            let reported = if profile.language == shiplabel::printer::Language::Escpos
                && condition == Condition::HeadOpen
            {
                Condition::CoverOpen
            } else {
                condition
            };
            assert!(
                status.conditions.contains(&reported),
                "{}: {err}",
                profile.name
            );
            let text = err.to_string();
            assert!(
                text.contains(&reported.to_string()) && text.contains("nothing was sent"),
                "{text}"
            );
        }
    }
}

#[test]
fn a_printer_that_does_not_answer_status_still_prints() {
    let profile = builtin("xprinter-xp365b").unwrap();
    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Tspl,
        answer: Answer::Silent,
        hang_up_after: None,
    });
    let mut printer = Printer::open_with(&fake.uri(), profile, options()).unwrap();
    let report = printer.print(&ozon_label()).unwrap();
    drop(printer);
    assert_eq!((&report.before, &report.after), (&None, &None));
    assert_eq!(report.printer_said(), "no status reply");
    let got = fake.finish();
    assert_eq!(got.pages.len(), 1);
    assert_eq!(read_barcodes(&got.pages[0]), expected());
}

#[test]
fn a_batch_asks_for_status_once_between_labels() {
    for (profile, _) in profiles() {
        let fake = FakePrinter::start(Behaviour {
            lang: lang_of(&profile),
            answer: Answer::Ready,
            hang_up_after: None,
        });
        let labels: Vec<(String, Bitmap)> = (1..=3)
            .map(|i| (format!("0132112277-010{i}-1"), ozon_label()))
            .collect();
        let mut printer = Printer::open_with(&fake.uri(), profile.clone(), options()).unwrap();
        let reports = printer.print_batch(&labels, |_| {}).unwrap();
        drop(printer);
        let got = fake.finish();
        assert_eq!(got.pages.len(), 3, "{}", profile.name);
        // Before the first label, then after each; the answer after one label is the check before the
        // next (ESC/POS asks three things each time: DLE EOT 1, 2 and 4).
        let per_check = if profile.language == shiplabel::printer::Language::Escpos {
            3
        } else {
            1
        };
        assert_eq!(got.queries, 4 * per_check, "{}", profile.name);
        for (i, report) in reports.iter().enumerate() {
            assert!(
                report.before.as_ref().is_some_and(|s| s.is_ready()),
                "{} label {i}",
                profile.name
            );
            assert!(
                report.after.as_ref().is_some_and(|s| s.is_ready()),
                "{} label {i}",
                profile.name
            );
        }
        assert_eq!(reports[1].before, reports[0].after, "{}", profile.name);
    }
}

#[test]
fn a_dropped_connection_names_the_labels_printed_and_not_printed() {
    for (profile, _) in profiles() {
        let fake = FakePrinter::start(Behaviour {
            lang: lang_of(&profile),
            answer: Answer::Ready,
            hang_up_after: Some(2),
        });
        let labels: Vec<(String, Bitmap)> = (1..=5)
            .map(|i| (format!("0132112277-010{i}-1"), ozon_label()))
            .collect();
        let mut printer = Printer::open_with(&fake.uri(), profile.clone(), options()).unwrap();
        let mut progress = Vec::new();
        let err: BatchError = printer
            .print_batch(&labels, |p| {
                progress.push(format!("{}/{} {}", p.index + 1, p.total, p.name))
            })
            .unwrap_err();
        drop(printer);
        let got = fake.finish();
        assert_eq!(got.pages.len(), 2, "{}", profile.name);
        assert_eq!(
            progress,
            vec!["1/5 0132112277-0101-1", "2/5 0132112277-0102-1"]
        );
        assert_eq!(err.printed, vec!["0132112277-0101-1", "0132112277-0102-1"]);
        assert_eq!(err.failed.as_deref(), Some("0132112277-0103-1"));
        assert_eq!(
            err.not_printed,
            vec![
                "0132112277-0103-1",
                "0132112277-0104-1",
                "0132112277-0105-1"
            ]
        );
        let text = err.to_string();
        assert!(
            text.contains("sent 2 of 5: 0132112277-0101-1, 0132112277-0102-1")
                && text.contains(
                    "not sent 3: 0132112277-0103-1, 0132112277-0104-1, 0132112277-0105-1"
                ),
            "{text}"
        );
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(cause.contains(&fake_uri_prefix()), "{cause}");
    }
}

fn fake_uri_prefix() -> String {
    "tcp://127.0.0.1:".to_string()
}

#[test]
fn a_label_too_wide_for_the_head_stops_the_batch_before_anything_is_sent() {
    let profile = builtin("xprinter-xp365b").unwrap();
    let fake = FakePrinter::start(Behaviour {
        lang: Lang::Tspl,
        answer: Answer::Ready,
        hang_up_after: None,
    });
    // Too wide upright (600 > 576) and turned (960 > 576).
    let mut wide = Bitmap::new(600, 960);
    wide.fill_rect(0, 0, 600, 10);
    wide.fill_rect(0, 0, 10, 960);
    let labels = vec![("A".to_string(), ozon_label()), ("B".to_string(), wide)];
    let mut printer = Printer::open_with(&fake.uri(), profile, options()).unwrap();
    let err = printer.print_batch(&labels, |_| {}).unwrap_err();
    drop(printer);
    assert!(fake.finish().pages.is_empty());
    assert_eq!(err.failed.as_deref(), Some("B"));
    assert!(err.printed.is_empty());
    let cause = err.cause.to_string();
    assert!(
        cause.contains("600 dots") && cause.contains("576 dots"),
        "{cause}"
    );
}

/// labelize (a ZPL/TSPL renderer not written here) draws our jobs; rxing reads its image.
#[test]
fn labelize_renders_our_zpl_and_tspl_with_the_same_barcodes() {
    for (name, language, width_mm) in [
        ("zebra-gk420d", labelize::Language::Zpl, 104.0),
        ("xprinter-xp420b", labelize::Language::Tspl, 75.0),
    ] {
        let profile = builtin(name).unwrap();
        let job = encode_label(&ozon_label(), &profile, 1).unwrap();
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
        .unwrap_or_else(|e| panic!("labelize renders {name}: {e}"));
        let (luma, w, h) = png_to_luma(&rendered.bytes);
        let black = luma.iter().filter(|&&v| v < 128).count();
        let label_black = ozon_label().count_black() as usize;
        // Right polarity: about as much black as the label (an inverted TSPL bitmap would be mostly black).
        assert!(
            black.abs_diff(label_black) < label_black / 50,
            "{name}: {black} black pixels, label has {label_black}"
        );
        assert_eq!(read_luma(luma, w, h), expected(), "{name}: labelize image");
    }
}

/// Native barcode commands: labelize draws our ^BC and TSPL BARCODE, rxing reads them.
#[test]
fn native_barcode_commands_render_in_labelize() {
    use crate::common::label::{BOTTOM, TOP};
    use shiplabel::printer::{encode_label_with_barcodes, NativeBarcode};
    // The label without its raster barcodes: the printer draws them.
    let mut label = Bitmap::new(600, 960);
    label.fill_rect(40, 300, 400, 330);
    let barcodes = [
        NativeBarcode {
            symbology: shiplabel::barcode::Symbology::Code128,
            value: TOP.into(),
            x: 60,
            y: 40,
            module_dots: 3,
            height_dots: 160,
        },
        NativeBarcode {
            symbology: shiplabel::barcode::Symbology::Code128,
            value: BOTTOM.into(),
            x: 80,
            y: 700,
            module_dots: 3,
            height_dots: 160,
        },
    ];
    for (name, language, width_mm) in [
        ("zebra-gk420d", labelize::Language::Zpl, 104.0),
        ("xprinter-xp420b", labelize::Language::Tspl, 75.0),
    ] {
        let profile = builtin(name).unwrap();
        let job = encode_label_with_barcodes(&label, &barcodes, &profile, 1).unwrap();
        let text = String::from_utf8_lossy(&job);
        match language {
            labelize::Language::Zpl => {
                assert!(text.contains("^FO176,40^BY3^BCN,160,N,N,N,A^FD%101%806044518^FS"))
            }
            _ => {
                assert!(text
                    .contains("BARCODE 60,40,\"128\",160,0,0,3,3,\"%101%806044518\"\r\nBARCODE"))
            }
        }
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
        .unwrap();
        let (luma, w, h) = png_to_luma(&rendered.bytes);
        assert_eq!(read_luma(luma, w, h), expected(), "{name}: native barcodes");
    }
    // ESC/POS cannot place them; bad data is refused with its position.
    let err = encode_label_with_barcodes(&label, &barcodes, &builtin("escpos-80mm").unwrap(), 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("ESC/POS"), "{err}");
    let bad = [NativeBarcode {
        value: "AB^C".into(),
        ..barcodes[0].clone()
    }];
    let err = encode_label_with_barcodes(&label, &bad, &builtin("zebra-gk420d").unwrap(), 1)
        .unwrap_err()
        .to_string();
    assert!(err.contains("'^' at position 3"), "{err}");
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// Random sparse and dense rows, repeated rows and runs: every language decodes back to the label.
    fn bitmap() -> impl Strategy<Value = Bitmap> {
        (
            prop_oneof![1u32..=64, 560u32..=600],
            1u32..=120,
            any::<u64>(),
            0u8..4,
        )
            .prop_map(|(w, h, seed, style)| {
                let mut b = Bitmap::new(w, h);
                let mut s = seed | 1;
                for y in 0..h {
                    // style 0: noise, 1: long runs, 2: every row like the first, 3: blank with a block.
                    for x in 0..w {
                        s ^= s << 13;
                        s ^= s >> 7;
                        s ^= s << 17;
                        let black = match style {
                            0 => s % 3 == 0,
                            1 => (x / (1 + (s % 97) as u32)) % 2 == 0,
                            2 => y == 0 && s % 2 == 0 || y > 0 && b.get(x, 0),
                            _ => x > w / 3 && x < w / 2 && y > h / 4,
                        };
                        b.set(x, y, black);
                    }
                }
                b
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn every_language_decodes_back_to_the_label(label in bitmap()) {
            for (profile, frame) in profiles() {
                let mut profile = profile;
                profile.media = shiplabel::printer::Media::Continuous;
                let bytes = match encode_label(&label, &profile, 1) {
                    Ok(bytes) => bytes,
                    Err(PrinterError::TooWide { content, printable, .. }) => {
                        // Refused only when the black content really is wider than the head.
                        let first = (0..label.width()).find(|&x| (0..label.height()).any(|y| label.get(x, y)));
                        let last = (0..label.width()).rev().find(|&x| (0..label.height()).any(|y| label.get(x, y)));
                        prop_assert_eq!(Some(content), first.zip(last).map(|(a, b)| b - a + 1));
                        prop_assert!(content > printable);
                        continue;
                    }
                    Err(e) => panic!("{}: {e}", profile.name),
                };
                let pages = decode_all(lang_of(&profile), &bytes);
                prop_assert_eq!(pages.len(), 1);
                // Dot for dot where the label fits the frame; a trimmed receipt label (576-dot head) is
                // checked dot for dot in the test above, here by its black dots.
                if label.width() <= frame {
                    let page = crop(&pages[0], frame, label.height());
                    prop_assert_eq!(&page, &centred(&label, frame), "{}", profile.name);
                }
                prop_assert_eq!(pages[0].count_black(), label.count_black(), "{}", profile.name);
            }
        }
    }
}
