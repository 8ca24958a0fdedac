//! One barcode on its own: the Ozon warehouse code as Code 128 at 203 dpi, 3 dots per module, with its
//! human-readable line, written as a 1-bit PNG.
//!
//! ```sh
//! cargo run --example barcode -- '%101%806044518' code128.png
//! ```

use shiplabel::barcode::{encode, raster, Symbology};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let value = args.next().unwrap_or_else(|| "%101%806044518".to_string());
    let out = args.next().unwrap_or_else(|| "code128.png".to_string());

    // The code sets (A, B, C) are chosen for the shortest symbol; a character Code 128 cannot carry is
    // an error naming it and its position.
    let symbol = encode(Symbology::Code128, &value)?;
    let dpi = 203;
    let bitmap = raster(&symbol, 3, 120, dpi, true); // 3 dots a module, bars 120 dots (15 mm) tall
    std::fs::write(&out, bitmap.to_png(Some(dpi)))?;
    println!(
        "{out}: {} modules, {} × {} dots",
        symbol.total_width_modules(),
        bitmap.width(),
        bitmap.height()
    );
    Ok(())
}
