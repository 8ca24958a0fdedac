//! Test labels: two Code 128 symbols from rxing's encoder (not ours), bars parallel to the feed, plus
//! some solid blocks standing in for text.

use rxing::oned::{Code128Writer, OneDimensionalCodeWriter};
use shiplabel::bitmap::Bitmap;

/// The warehouse barcode and the internal one of an Ozon label.
pub const TOP: &str = "%101%806044518";
pub const BOTTOM: &str = "751420599146000";

/// Draws a Code 128 symbol with `module` dots per module, its top-left corner at (x, y).
pub fn draw_code128(bitmap: &mut Bitmap, value: &str, x: u32, y: u32, module: u32, height: u32) {
    let modules = Code128Writer
        .encode_oned(value)
        .expect("rxing encodes Code 128");
    for (i, &bar) in modules.iter().enumerate() {
        if bar {
            let left = x + i as u32 * module;
            bitmap.fill_rect(left, y, left + module, y + height);
        }
    }
}

/// A 600 × 960 label (75 × 120 mm at 203 dpi) with both symbols at X = 3 dots and blocks of "text".
pub fn ozon_label() -> Bitmap {
    let mut b = Bitmap::new(600, 960);
    draw_code128(&mut b, TOP, 60, 40, 3, 160);
    draw_code128(&mut b, BOTTOM, 80, 700, 3, 160);
    for line in 0..5 {
        let y = 280 + line * 60;
        b.fill_rect(40, y, 40 + 300 + line * 30, y + 24);
    }
    // Frame corners, so placement mistakes show as lost dots.
    b.fill_rect(30, 10, 40, 20);
    b.fill_rect(560, 940, 570, 950);
    b
}

/// Barcode texts rxing finds in `bitmap`, sorted.
pub fn read_barcodes(bitmap: &Bitmap) -> Vec<String> {
    read_luma(bitmap.to_luma(), bitmap.width(), bitmap.height())
}

/// Barcode texts rxing finds in a grey image (0 = black), sorted.
pub fn read_luma(luma: Vec<u8>, width: u32, height: u32) -> Vec<String> {
    let found = rxing::helpers::detect_multiple_in_luma(luma, width, height).unwrap_or_default();
    let mut texts: Vec<String> = found.iter().map(|r| r.getText().to_string()).collect();
    texts.sort();
    texts.dedup();
    texts
}

/// The two expected values, sorted like [`read_barcodes`].
pub fn expected() -> Vec<String> {
    let mut v = vec![TOP.to_string(), BOTTOM.to_string()];
    v.sort();
    v
}

/// Grey pixels of a PNG (any colour type or depth), 0 = black.
pub fn png_to_luma(bytes: &[u8]) -> (Vec<u8>, u32, u32) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("PNG size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    let channels = info.color_type.samples();
    let luma = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|px| {
            let (grey, alpha) = match px.len() {
                1 => (u32::from(px[0]), 255),
                2 => (u32::from(px[0]), u32::from(px[1])),
                3 => (
                    (u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3,
                    255,
                ),
                _ => (
                    (u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3,
                    u32::from(px[3]),
                ),
            };
            // Composite over white paper.
            ((grey * alpha + 255 * (255 - alpha)) / 255) as u8
        })
        .collect();
    (luma, info.width, info.height)
}
