//! Reading a rendered label back from a PNG file, so labels rendered elsewhere (or earlier) can be sent
//! to a printer: any PNG colour type and depth, composited over white, thresholded at mid-grey.

use crate::bitmap::Bitmap;

use super::error::PrinterError;

/// Decodes a PNG into a 1-bit label: dots darker than mid-grey are black. `name` is used in errors.
pub fn bitmap_from_png(bytes: &[u8], name: &str) -> Result<Bitmap, PrinterError> {
    let fail = |message: String| PrinterError::LabelImage {
        name: name.to_string(),
        message,
    };
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| fail(e.to_string()))?;
    // The header's size, before a byte of pixels is decoded: a small file can claim gigapixels.
    let (width, height) = (reader.info().width, reader.info().height);
    let most = crate::limits::MAX_LABEL_PNG_SIDE;
    if width > most || height > most {
        return Err(fail(format!(
            "{width} × {height} pixels; a label is at most {most} × {most}"
        )));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| fail("image too large".to_string()))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| fail(e.to_string()))?;
    let channels = info.color_type.samples();
    let mut bitmap = Bitmap::new(info.width, info.height);
    let pixels = buf
        .get(..info.buffer_size())
        .ok_or_else(|| fail("short image data".to_string()))?;
    let width = info.width as usize;
    for (i, px) in pixels.chunks_exact(channels).enumerate() {
        let (grey, alpha) = match *px {
            [g] => (u32::from(g), 255),
            [g, a] => (u32::from(g), u32::from(a)),
            [r, g, b] => ((u32::from(r) + u32::from(g) + u32::from(b)) / 3, 255),
            [r, g, b, a] => (
                (u32::from(r) + u32::from(g) + u32::from(b)) / 3,
                u32::from(a),
            ),
            _ => return Err(fail(format!("{channels} channels per pixel"))),
        };
        // Transparent areas are paper.
        let on_white = (grey * alpha + 255 * (255 - alpha)) / 255;
        if on_white < 128 {
            bitmap.set((i % width) as u32, (i / width) as u32, true);
        }
    }
    Ok(bitmap)
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
