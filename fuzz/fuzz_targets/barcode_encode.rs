//! Any string, for every symbology: encoding, sizing and rendering return errors, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shiplabel::barcode::{encode, fit, svg, Symbology};

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
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
        let _ = symbol.dark_runs();
        let _ = svg(&symbol, 0.25, 10.0, true);
    }
});
