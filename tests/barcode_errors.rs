//! Values a symbology cannot carry: the error names what is wrong and where, in the library and on the
//! command line; nothing panics.

use std::process::Command;

use proptest::prelude::*;
use shiplabel::barcode::{encode, fit, BarcodeError, SizeError, Symbology};

#[test]
fn non_ascii_in_code128_names_the_character_and_its_position() {
    let e = encode(Symbology::Code128, "0132112277-Ж101-1").unwrap_err();
    assert_eq!(
        e,
        BarcodeError::InvalidCharacter {
            symbology: Symbology::Code128,
            character: 'Ж',
            position: 12,
            allowed: "Code 128 carries ASCII and ISO 8859-1 (Latin-1) characters up to U+00FF only",
        }
    );
    assert_eq!(
        e.to_string(),
        "code128: character 'Ж' at position 12 cannot be encoded (Code 128 carries ASCII and ISO 8859-1 (Latin-1) characters up to U+00FF only)"
    );
}

#[test]
fn empty_values_are_their_own_error() {
    for s in Symbology::ALL {
        assert_eq!(
            encode(s, ""),
            Err(BarcodeError::Empty { symbology: s }),
            "{s}"
        );
    }
}

#[test]
fn over_long_values_are_their_own_error() {
    let long = "A".repeat(81);
    assert_eq!(
        encode(Symbology::Code128, &long),
        Err(BarcodeError::TooLong {
            symbology: Symbology::Code128,
            length: 81,
            max: 80
        })
    );
    assert!(encode(Symbology::Code128, &long[..80]).is_ok());
    assert!(matches!(
        encode(Symbology::Code39, &long),
        Err(BarcodeError::TooLong { max: 80, .. })
    ));
    // GS1-128: 48 characters at most (AIs and values).
    let gs1 = format!("(91){}(92){}", "A".repeat(30), "B".repeat(20));
    assert!(matches!(
        encode(Symbology::Gs1_128, &gs1),
        Err(BarcodeError::TooLong {
            length: 54,
            max: 48,
            ..
        })
    ));
    assert!(matches!(
        encode(Symbology::Ean13, "46012345678931"),
        Err(BarcodeError::TooLong {
            length: 14,
            max: 13,
            ..
        })
    ));
    assert!(matches!(
        encode(Symbology::Qr, &"x".repeat(3000)),
        Err(BarcodeError::DoesNotFitSymbol { length: 3000, .. })
    ));
    assert!(matches!(
        encode(Symbology::DataMatrix, &"x".repeat(3000)),
        Err(BarcodeError::DoesNotFitSymbol { .. })
    ));
}

#[test]
fn wrong_check_digits_name_the_expected_digit() {
    let e = encode(Symbology::Ean13, "4601234567894").unwrap_err();
    assert_eq!(
        e.to_string(),
        "ean13: check digit 4 in 4601234567894 is wrong, expected 3"
    );
    assert!(matches!(
        encode(Symbology::Ean8, "46012341"),
        Err(BarcodeError::CheckDigit {
            expected: '0',
            found: '1',
            ..
        })
    ));
    assert!(matches!(
        encode(Symbology::Itf14, "04601234567890"),
        Err(BarcodeError::CheckDigit { expected: '3', .. })
    ));
    assert!(matches!(
        encode(Symbology::Gs1_128, "(01)04601234567890"),
        Err(BarcodeError::CheckDigit { expected: '3', .. })
    ));
    assert!(matches!(
        encode(Symbology::Ean13, "46012345"),
        Err(BarcodeError::WrongLength { length: 8, .. })
    ));
    assert!(matches!(
        encode(Symbology::Ean13, "46012345678A"),
        Err(BarcodeError::InvalidCharacter {
            character: 'A',
            position: 12,
            ..
        })
    ));
}

#[test]
fn gs1_errors_name_the_application_identifier() {
    let e = encode(Symbology::Gs1_128, "(01)04601234567893(99)X(23)ABC").unwrap_err();
    assert_eq!(
        e.to_string(),
        "gs1-128: unknown application identifier (23) (at position 24)"
    );
    let e = encode(Symbology::Gs1DataMatrix, "0104601234567893(21)X").unwrap_err();
    assert!(matches!(e, BarcodeError::Gs1 { position: 17, .. }), "{e}");
    assert!(encode(Symbology::Gs1_128, "(01)04601234567893(17)261231").is_ok());
    let e = encode(Symbology::Gs1_128, "(01)04601234567893(17)261341").unwrap_err();
    assert_eq!(
        e.to_string(),
        "gs1-128: AI (17) USE BY or EXPIRY: month 13 does not exist (at position 25)"
    );
    // Leap years, and day 00 ("end of the month") where the dictionary allows it.
    assert!(encode(Symbology::Gs1_128, "(01)04601234567893(17)240229").is_ok());
    let e = encode(Symbology::Gs1_128, "(01)04601234567893(17)230229").unwrap_err();
    assert!(e.to_string().contains("February 2023 has 28 days"), "{e}");
    assert!(encode(Symbology::Gs1_128, "(01)04601234567893(17)230200").is_ok());
    // Association rules: a serial alone, GTIN with CONTENT.
    let e = encode(Symbology::Gs1_128, "(21)ABC").unwrap_err();
    assert_eq!(
        e.to_string(),
        "gs1-128: AI (21) SERIAL requires (01), (03) or (8006) (at position 1)"
    );
    // Control characters are named, not escaped.
    let e = encode(Symbology::Gs1_128, "(01)04601234567893(10)A\u{81}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "gs1-128: character U+0081 at position 24 cannot be encoded (GS1 character set 82: A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _)"
    );
    let e = encode(Symbology::Gs1_128, "(01").unwrap_err();
    assert!(e.to_string().contains("without a closing ')'"), "{e}");
    let e = encode(Symbology::Gs1_128, "(21)").unwrap_err();
    assert!(
        e.to_string().contains("takes 1 to 20 characters, got 0"),
        "{e}"
    );
    let e = encode(Symbology::Gs1_128, "(10)ABC DEF").unwrap_err();
    assert!(
        matches!(
            e,
            BarcodeError::InvalidCharacter {
                character: ' ',
                position: 8,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn code39_refuses_lower_case_with_a_hint() {
    let e = encode(Symbology::Code39, "OZON-abc").unwrap_err();
    assert_eq!(
        e.to_string(),
        "code39: character 'a' at position 6 cannot be encoded (Code 39 has upper-case letters only; write it in capitals)"
    );
    assert!(
        encode(Symbology::Code39, "A*B").is_err(),
        "* is the start/stop character"
    );
}

#[test]
fn size_errors_say_what_was_needed_and_what_was_available() {
    let s = encode(Symbology::Code128, "0132112277-0101-1").unwrap();
    let e = fit(&s, 20.0, 15.0, Some(203), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "barcode \"0132112277-0101-1\" needs 24.77 mm (198 dots at 203 dpi, 198 modules × 1 dot(s) incl. quiet zones) across, the box has 20.00 mm (159 dots)"
    );
    assert!(matches!(
        fit(&s, 75.0, 15.0, Some(203), Some(4)),
        Err(SizeError::DoesNotFit {
            module_dots: 4,
            needed_dots: 792,
            available_dots: 599,
            ..
        })
    ));
    let qr = encode(Symbology::Qr, "https://ozon.ru").unwrap();
    assert!(matches!(
        fit(&qr, 50.0, 3.0, Some(203), None),
        Err(SizeError::DoesNotFit {
            dimension: "down",
            ..
        })
    ));
}

#[test]
fn cli_reports_the_error_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("x.png");
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args(["barcode", "Заказ-1", "--type", "code128", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("character 'З' at position 1"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args([
            "barcode",
            "0132112277-0101-1",
            "--type",
            "code128",
            "--width-mm",
            "20",
            "-o",
        ])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the box has 20.00 mm"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args(["barcode", "1", "--type", "pdf417", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown type is a usage error");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary text (any Unicode) never panics in any symbology, and what encodes has modules.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,100}") {
        for s in Symbology::ALL {
            if let Ok(symbol) = encode(s, &text) {
                prop_assert!(symbol.width_modules() > 0);
            }
        }
    }

    /// GS1-shaped text (digits, parentheses, GS, a few letters, Latin-1) through every GS1 rule set and the
    /// marking-code reader: errors, never a panic; what parses prints back in both forms and parses again,
    /// and a stored marking code reads back as itself.
    #[test]
    fn gs1_shaped_text_never_panics_and_round_trips(
        text in "[0-9()\\x1d\\\\A-Za-z%=/+\\-é]{0,90}"
    ) {
        use shiplabel::barcode::gs1::{self, Association, Checks};
        use shiplabel::barcode::gs1::MarkingCode;
        for checks in [Checks::Elements, Checks::Full, Checks::Only(Association::Requisite)] {
            if let Ok(elements) = gs1::parse(Symbology::Gs1_128, &text, checks) {
                let raw = gs1::parse(Symbology::Gs1_128, &gs1::element_string(&elements), checks);
                prop_assert_eq!(raw.map(|v| v.len()).ok(), Some(elements.len()));
                if !elements.iter().any(|e| e.value().contains('(')) {
                    let again = gs1::parse(Symbology::Gs1_128, &gs1::human_readable(&elements), checks);
                    prop_assert_eq!(again.map(|v| v.len()).ok(), Some(elements.len()));
                }
            }
        }
        if let Ok(code) = MarkingCode::parse(&text) {
            prop_assert_eq!(MarkingCode::parse(&code.for_storage()).ok(), Some(code));
        }
    }

    /// Marking codes with the GS kept, lost or trailing read as the same code.
    #[test]
    fn marking_codes_read_alike_however_the_gs_arrives(
        serial in "[A-Za-z0-9!%&*+./:;<=>?_-]{13}",
        key in "[A-Za-z0-9]{4}",
        crypto in "[A-Za-z0-9+/=]{44}",
    ) {
        use shiplabel::barcode::gs1::MarkingCode;
        let normal = format!("010460123456789321{serial}\u{1d}91{key}\u{1d}92{crypto}");
        let a = MarkingCode::parse(&normal).unwrap();
        prop_assert_eq!(a.for_storage(), normal.clone());
        prop_assert_eq!(MarkingCode::parse(&normal.replace('\u{1d}', "")).unwrap(), a.clone());
        prop_assert_eq!(MarkingCode::parse(&format!("{normal}\u{1d}")).unwrap(), a);
    }

    /// Any ASCII up to the limit encodes as Code 128, with 11 modules a symbol plus 35.
    #[test]
    fn any_ascii_encodes_as_code128(text in "[\\x00-\\x7f]{1,80}") {
        let symbol = encode(Symbology::Code128, &text).unwrap();
        prop_assert_eq!((symbol.width_modules() - 35) % 11, 0);
    }
}

#[test]
fn cli_refuses_a_width_that_is_not_a_positive_length() {
    // NaN used to pass through `min` as a metre-wide box and give a huge symbol.
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("w.png");
    for width in ["NaN", "0", "-5"] {
        let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .args(["barcode", "123", "--type", "code128", "-o"])
            .arg(&out_path)
            .arg(format!("--width-mm={width}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "--width-mm {width}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--width-mm"), "{width}: {stderr}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
