//! Reading a rendered label back from a PNG file, so labels rendered elsewhere (or earlier) can be sent
//! to a printer, with the conversion every PNG goes through ([`Bitmap::from_png`]).

use crate::bitmap::Bitmap;

use super::error::PrinterError;

/// Decodes a PNG into a 1-bit label ([`Bitmap::from_png`]: the one conversion, shared with template
/// images). `name` is used in errors.
pub fn bitmap_from_png(bytes: &[u8], name: &str) -> Result<Bitmap, PrinterError> {
    Bitmap::from_png(bytes).map_err(|message| PrinterError::LabelImage {
        name: name.to_string(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_bitmaps_own_png() {
        let mut b = Bitmap::new(21, 9);
        b.fill_rect(3, 2, 17, 7);
        b.set(20, 8, true);
        assert_eq!(bitmap_from_png(&b.to_png(Some(203)), "x").unwrap(), b);
    }

    #[test]
    fn not_a_png_names_the_label() {
        let err = bitmap_from_png(b"GIF89a", "label-7.png")
            .unwrap_err()
            .to_string();
        assert!(err.contains("label-7.png"), "{err}");
    }
}
