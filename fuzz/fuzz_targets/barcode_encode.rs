//! Any string, for every symbology: encoding, sizing and rendering return errors, never panic; the same
//! string through the GS1 parser (each rule set) and the Честный ЗНАК marking-code reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shiplabel::barcode::gs1::{self, Association, Checks};
use shiplabel::barcode::gs1::MarkingCode;
use shiplabel::barcode::{encode, fit, svg, Symbology};

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    for checks in [
        Checks::Elements,
        Checks::Full,
        Checks::Only(Association::Exclusive),
    ] {
        if let Ok(elements) = gs1::parse(Symbology::Gs1_128, &text, checks) {
            // What we accept, we print back in both forms, and they parse again to the same elements.
            let again = gs1::parse(Symbology::Gs1_128, &gs1::human_readable(&elements), checks);
            let raw = gs1::parse(Symbology::Gs1_128, &gs1::element_string(&elements), checks);
            if !elements.iter().any(|e| e.value().contains('(')) {
                assert_eq!(again.map(|v| v.len()).ok(), Some(elements.len()));
            }
            assert_eq!(raw.map(|v| v.len()).ok(), Some(elements.len()));
        }
    }
    if let Ok(code) = MarkingCode::parse(&text) {
        // The stored form reads back as the same code.
        assert_eq!(MarkingCode::parse(&code.for_storage()).ok(), Some(code));
    }
    for symbology in Symbology::ALL {
        let Ok(symbol) = encode(symbology, &text) else {
            continue;
        };
        // Sizes from the first byte: boxes from 1 to 256 mm, 203 or 300 dpi, sometimes a forced module.
        let box_mm = f64::from(knobs) + 1.0;
        let dpi = if knobs & 1 == 0 { Some(203) } else { Some(300) };
        let forced = (knobs & 2 != 0).then_some(u32::from(knobs % 5));
        let _ = fit(&symbol, box_mm, box_mm / 4.0, dpi, forced);
        let _ = fit(&symbol, box_mm, box_mm / 4.0, None, None);
        let bitmap = symbol.to_bitmap(1, 2, true);
        assert_eq!(bitmap.width(), symbol.total_width_modules());
        let _ = symbol.linear_layout(0.25, 10.0);
        let _ = symbol.dark_runs();
        let _ = svg(&symbol, 0.25, 10.0, true);
    }
});
