//! Putting a label bitmap on the head: turn it if it only fits that way, centre it across the printable
//! width, and refuse (never clip) content that is wider than the head or longer than the label.

use crate::bitmap::Bitmap;

use super::error::PrinterError;
use super::profile::{Language, Media, Profile, Rotation};

/// A label ready for an encoder: `bitmap` goes at column `x` of a frame `frame_width` dots wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The label, turned and trimmed of white margins that would not fit; never wider than the head.
    pub bitmap: Bitmap,
    /// Column of the frame where the bitmap's left edge goes (centres it).
    pub x: u32,
    /// Width of the frame in dots: the head for ESC/POS and ZPL, the label (`SIZE`) for TSPL.
    pub frame_width: u32,
    /// Quarter turns clockwise that were applied (0–3).
    pub quarter_turns: u8,
    /// Column of the turned label that became the bitmap's first column (white margin trimmed off).
    pub source_x: u32,
}

impl Placed {
    /// The bitmap drawn into a white frame of the full frame width (what ESC/POS sends).
    pub fn framed(&self) -> Bitmap {
        copy_columns(
            &self.bitmap,
            0,
            self.bitmap.width(),
            self.frame_width,
            self.x,
        )
    }
}

/// The frame the encoder addresses and the width of it the head can print.
fn frame_and_printable(profile: &Profile) -> (u32, u32) {
    let head = profile.head_width_dots();
    match profile.language {
        // TSPL firmware centres the `SIZE` label on the head, so coordinates are the label's.
        Language::Tspl => {
            let label = profile.label_width_dots();
            (label, label.min(head))
        }
        // ESC/POS has no label: rasters start at the head's left edge. ZPL gets ^PW = head width.
        Language::Escpos | Language::Zpl => (head, head),
    }
}

/// Turns and centres `label` for `profile`.
pub fn place(label: &Bitmap, profile: &Profile) -> Result<Placed, PrinterError> {
    if label.width() == 0 || label.height() == 0 {
        return Err(PrinterError::EmptyLabel {
            width: label.width(),
            height: label.height(),
        });
    }
    let (frame_width, printable) = frame_and_printable(profile);
    let too_wide = |content: u32| PrinterError::TooWide {
        content,
        printable,
        printable_mm: printable as f32 / profile.dots_per_mm() as f32,
        profile: profile.name.clone(),
    };
    let (turned, quarter_turns) = match profile.rotation {
        Rotation::Degrees(degrees) => {
            let turns = (degrees / 90 % 4) as u8;
            let mut b = label.clone();
            for _ in 0..turns {
                b = b.rotate_cw();
            }
            (b, turns)
        }
        Rotation::Auto => {
            let upright = content_columns(label).map_or(0, |(a, b)| b - a + 1);
            if upright <= printable {
                (label.clone(), 0)
            } else {
                let rotated = label.rotate_cw();
                let across = content_columns(&rotated).map_or(0, |(a, b)| b - a + 1);
                if across > printable {
                    return Err(too_wide(upright.min(across)));
                }
                (rotated, 1)
            }
        }
    };
    if profile.media != Media::Continuous && turned.height() > profile.label_length_dots() {
        return Err(PrinterError::TooLong {
            rows: turned.height(),
            length: profile.label_length_dots(),
            length_mm: profile.label_length_mm,
            profile: profile.name.clone(),
        });
    }
    if turned.width() <= printable {
        let placed = Placed {
            x: (frame_width - turned.width()) / 2,
            bitmap: turned,
            frame_width,
            quarter_turns,
            source_x: 0,
        };
        return stock_and_offsets(placed, profile);
    }
    // Wider than the head: keep the label's centre on the head's centre unless that would cut content
    // off (an all-white label keeps its middle).
    let centred = (turned.width() - printable) / 2;
    let source_x = match content_columns(&turned) {
        None => centred,
        Some((first, last)) => {
            if last - first + 1 > printable {
                return Err(too_wide(last - first + 1));
            }
            let lowest = (last + 1).saturating_sub(printable);
            let highest = first.min(turned.width() - printable);
            centred.clamp(lowest, highest)
        }
    };
    let placed = Placed {
        bitmap: copy_columns(&turned, source_x, printable, printable, 0),
        x: (frame_width - printable) / 2,
        frame_width,
        quarter_turns,
        source_x,
    };
    stock_and_offsets(placed, profile)
}

/// Applies the profile's calibration offsets and makes a label on gap or black-mark media exactly as long
/// as the stock: a label rendered at 203 dpi is 959 rows for 120 mm (120 / 25.4 × 203 = 959.05), while
/// the firmware counts 8 dots a millimetre, 960 rows; the missing rows are white at the bottom. Content
/// an offset would push off the frame or the label is refused, never clipped.
fn stock_and_offsets(mut placed: Placed, profile: &Profile) -> Result<Placed, PrinterError> {
    let off = |reason: String| PrinterError::Offset {
        profile: profile.name.clone(),
        reason,
    };
    let dx = i64::from(profile.offset_x_dots);
    if dx != 0 {
        let width = i64::from(placed.bitmap.width());
        let left = i64::from(placed.x) + dx;
        let cut_left = (-left).max(0);
        let cut_right = (left + width - i64::from(placed.frame_width)).max(0);
        if cut_left + cut_right > 0 {
            if let Some((first, last)) = content_columns(&placed.bitmap) {
                if i64::from(first) < cut_left || i64::from(last) >= width - cut_right {
                    return Err(off(format!(
                        "offset_x_dots = {dx} moves black dots past the {} edge of the {}-dot frame",
                        if cut_left > 0 { "left" } else { "right" },
                        placed.frame_width
                    )));
                }
            }
            let kept = (width - cut_left - cut_right).max(0) as u32;
            placed.bitmap = copy_columns(&placed.bitmap, cut_left as u32, kept, kept, 0);
            placed.source_x += cut_left as u32;
        }
        placed.x = left.max(0) as u32;
    }
    let dy = i64::from(profile.offset_y_dots);
    let rows = i64::from(placed.bitmap.height());
    let height = match profile.media {
        Media::Continuous => (rows + dy).max(0),
        _ => i64::from(profile.label_length_dots()),
    };
    if dy == 0 && height == rows {
        return Ok(placed);
    }
    if let Some((first, last)) = content_rows(&placed.bitmap) {
        let (first, last) = (i64::from(first) + dy, i64::from(last) + dy);
        if first < 0 || last >= height {
            return Err(off(format!(
                "offset_y_dots = {dy} moves black dots past the {} of the {height}-row label",
                if first < 0 { "top" } else { "bottom" }
            )));
        }
    }
    let stride = placed.bitmap.stride();
    let mut data = vec![0u8; stride * height as usize];
    for y in 0..rows {
        let to = y + dy;
        if (0..height).contains(&to) {
            let to = to as usize * stride;
            data[to..to + stride].copy_from_slice(placed.bitmap.row(y as u32));
        }
    }
    placed.bitmap = Bitmap::from_packed(placed.bitmap.width(), height as u32, data)
        .unwrap_or_else(|| Bitmap::new(0, 0));
    Ok(placed)
}

/// First and last row holding a black dot, `None` for an all-white bitmap.
fn content_rows(bitmap: &Bitmap) -> Option<(u32, u32)> {
    let black = |y: &u32| bitmap.row(*y).iter().any(|&b| b != 0);
    let first = (0..bitmap.height()).find(black)?;
    let last = (0..bitmap.height()).rev().find(black)?;
    Some((first, last))
}

/// First and last column holding a black dot, `None` for an all-white bitmap.
pub fn content_columns(bitmap: &Bitmap) -> Option<(u32, u32)> {
    let mut any = vec![0u8; bitmap.stride()];
    for row in bitmap.packed().chunks_exact(bitmap.stride().max(1)) {
        for (acc, byte) in any.iter_mut().zip(row) {
            *acc |= byte;
        }
    }
    let first_byte = any.iter().position(|&b| b != 0)?;
    let last_byte = any.iter().rposition(|&b| b != 0)?;
    let first = first_byte as u32 * 8 + any[first_byte].leading_zeros();
    let last = last_byte as u32 * 8 + 7 - any[last_byte].trailing_zeros();
    Some((first, last))
}

/// Eight bits of `row` starting at bit `bit` (MSB first); bits outside the row read as white.
fn read8(row: &[u8], bit: i64) -> u8 {
    let index = bit.div_euclid(8);
    let shift = bit.rem_euclid(8) as u32;
    let at = |i: i64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| row.get(i))
            .copied()
            .unwrap_or(0)
    };
    let hi = at(index);
    if shift == 0 {
        hi
    } else {
        (hi << shift) | (at(index + 1) >> (8 - shift))
    }
}

/// A bitmap `dst_width` wide holding columns `[src_x, src_x + width)` of `src` at column `dst_x`.
fn copy_columns(src: &Bitmap, src_x: u32, width: u32, dst_width: u32, dst_x: u32) -> Bitmap {
    let stride = dst_width.div_ceil(8) as usize;
    let mut data = vec![0u8; stride * src.height() as usize];
    let lo = i64::from(dst_x);
    let hi = (i64::from(dst_x) + i64::from(width)).min(i64::from(dst_width));
    for (y, out) in data.chunks_exact_mut(stride.max(1)).enumerate() {
        let row = src.row(y as u32);
        for (j, byte) in out.iter_mut().enumerate() {
            let start = j as i64 * 8;
            let from = lo.max(start);
            let to = hi.min(start + 8);
            if from >= to {
                continue;
            }
            // Bits [from, to) of this output byte are inside the copied range.
            let mask = (0xFFu16 >> (from - start) & !(0xFFu16 >> (to - start))) as u8;
            *byte = read8(row, start - lo + i64::from(src_x)) & mask;
        }
    }
    Bitmap::from_packed(dst_width, src.height(), data).unwrap_or_else(|| Bitmap::new(0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::profile::builtin;

    fn label(width: u32, height: u32, black: (u32, u32)) -> Bitmap {
        let mut b = Bitmap::new(width, height);
        b.fill_rect(black.0, 0, black.1 + 1, height);
        b
    }

    #[test]
    fn narrow_label_is_centred_on_the_head() {
        let zebra = builtin("zebra-gk420d").unwrap();
        let placed = place(&label(600, 960, (10, 589)), &zebra).unwrap();
        assert_eq!(placed.frame_width, 832);
        assert_eq!(placed.x, 116);
        assert_eq!(placed.bitmap.width(), 600);
        let framed = placed.framed();
        assert_eq!(content_columns(&framed), Some((126, 705)));
        assert_eq!(framed.count_black(), 580 * 960);
    }

    #[test]
    fn white_margins_are_trimmed_to_fit_a_narrow_head() {
        let xp = builtin("xprinter-xp365b").unwrap();
        // 600 wide on a 576-dot head, content in the middle 528 dots.
        let placed = place(&label(600, 960, (36, 563)), &xp).unwrap();
        assert_eq!(placed.bitmap.width(), 576);
        assert_eq!(placed.frame_width, 600);
        assert_eq!(placed.x, 12);
        assert_eq!(content_columns(&placed.framed()), Some((36, 563)));
        // Off-centre content is shifted as little as needed, never clipped.
        let placed = place(&label(600, 960, (2, 500)), &xp).unwrap();
        assert_eq!(content_columns(&placed.bitmap), Some((0, 498)));
    }

    #[test]
    fn content_wider_than_the_head_is_an_error_naming_both_widths() {
        let xp = builtin("xprinter-xp365b").unwrap();
        let err = place(&label(600, 960, (5, 594)), &xp)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("590 dots") && err.contains("576 dots"),
            "{err}"
        );
    }

    #[test]
    fn landscape_label_is_turned_to_fit() {
        let zebra = builtin("zebra-gk420d").unwrap();
        let mut landscape = Bitmap::new(960, 600);
        landscape.fill_rect(0, 0, 960, 10);
        let placed = place(&landscape, &zebra).unwrap();
        assert_eq!(placed.quarter_turns, 1);
        assert_eq!((placed.bitmap.width(), placed.bitmap.height()), (600, 960));
        // The top rows end up as the right-most columns.
        assert_eq!(content_columns(&placed.bitmap), Some((590, 599)));
    }

    #[test]
    fn label_longer_than_the_media_is_an_error() {
        let zebra = builtin("zebra-gk420d").unwrap();
        let err = place(&label(600, 1000, (0, 10)), &zebra)
            .unwrap_err()
            .to_string();
        assert!(err.contains("1000") && err.contains("960"), "{err}");
        let receipt = builtin("escpos-80mm").unwrap();
        assert!(place(&label(576, 3000, (0, 10)), &receipt).is_ok());
    }

    #[test]
    fn offsets_move_the_label_by_whole_dots() {
        let mut zebra = builtin("zebra-gk420d").unwrap();
        let mut b = Bitmap::new(600, 959);
        b.fill_rect(100, 200, 110, 210);
        let plain = place(&b, &zebra).unwrap();
        assert_eq!(plain.bitmap.height(), 960, "as long as the stock");
        zebra.offset_x_dots = -16;
        zebra.offset_y_dots = 24;
        let moved = place(&b, &zebra).unwrap();
        assert_eq!(moved.x, plain.x - 16);
        assert_eq!(moved.bitmap.height(), 960);
        assert_eq!(content_rows(&moved.bitmap), Some((224, 233)));
        assert_eq!(content_columns(&moved.framed()), Some((216 - 16, 225 - 16)));
    }

    #[test]
    fn an_offset_that_pushes_content_off_the_label_is_refused() {
        let mut xp = builtin("xprinter-xp420b").unwrap();
        let mut b = Bitmap::new(600, 960);
        b.fill_rect(0, 950, 600, 960);
        xp.offset_y_dots = 11;
        let err = place(&b, &xp).unwrap_err().to_string();
        assert!(
            err.contains("offset_y_dots = 11") && err.contains("bottom"),
            "{err}"
        );
        xp.offset_y_dots = 0;
        xp.offset_x_dots = 1;
        let err = place(&b, &xp).unwrap_err().to_string();
        assert!(
            err.contains("offset_x_dots = 1") && err.contains("right"),
            "{err}"
        );
        // White margins may leave the frame.
        let mut narrow = Bitmap::new(600, 960);
        narrow.fill_rect(100, 0, 500, 960);
        xp.offset_x_dots = -50;
        let placed = place(&narrow, &xp).unwrap();
        assert_eq!(placed.x, 0);
        assert_eq!(content_columns(&placed.framed()), Some((50, 449)));
    }

    #[test]
    fn copy_columns_matches_dot_by_dot_copy() {
        let mut src = Bitmap::new(37, 3);
        for (x, y) in [(0, 0), (5, 1), (13, 2), (36, 0), (20, 1), (21, 1)] {
            src.set(x, y, true);
        }
        for (src_x, width, dst_width, dst_x) in [(0, 37, 50, 7), (3, 20, 20, 0), (5, 30, 41, 11)] {
            let out = copy_columns(&src, src_x, width, dst_width, dst_x);
            for y in 0..3 {
                for x in 0..dst_width {
                    let expect = x >= dst_x && x < dst_x + width && src.get(x - dst_x + src_x, y);
                    assert_eq!(
                        out.get(x, y),
                        expect,
                        "{src_x},{width},{dst_width},{dst_x} at {x},{y}"
                    );
                }
            }
        }
    }
}
