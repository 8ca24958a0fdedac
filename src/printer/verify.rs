//! Verify before print: the barcode rows of the very bitmap about to be encoded for the printer are
//! read back and compared, dot for dot, with the symbol's encoded modules (and its quiet zones). A
//! mismatch (a bar one dot too thin from a rounding slip, a symbol clipped or overdrawn, a placement
//! bug) stops the job before a byte is sent; a wrong label is worse than none.
//!
//! Linear symbols only (Code 128, GS1-128, EAN, ITF-14, Code 39): their modules are a row of bars a
//! scan line crosses. Each symbol is read on three lines (a quarter, half and three quarters down its
//! shortest bar), on the label as placed: turned, trimmed and moved by the calibration offsets.

use crate::bitmap::Bitmap;

use super::error::PrinterError;
use super::lang::Job;
use super::place::{place, Placed};
use super::profile::Profile;

/// A linear barcode as the label bitmap should hold it, in the label's own dots (before placement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedBarcode {
    /// The encoded value (named in errors).
    pub value: String,
    /// The modules left to right, `true` = bar; the first is a bar.
    pub modules: Vec<bool>,
    /// Dots per module.
    pub module_dots: u32,
    /// Column of the first bar's left edge.
    pub x: u32,
    /// First row every bar covers.
    pub top: u32,
    /// Row after the last one every bar covers.
    pub bottom: u32,
    /// White modules required left and right of the symbol.
    pub quiet_modules: (u32, u32),
}

/// Maps label coordinates to the placed bitmap: the quarter turns, the trimmed columns and the offsets.
struct Map<'a> {
    placed: &'a Placed,
    label_w: u32,
    label_h: u32,
    dy: i64,
}

impl Map<'_> {
    /// Whether the dot at label (x, y) is black in the placed bitmap; `None` when it fell outside it.
    fn dot(&self, x: i64, y: i64) -> Option<bool> {
        let (w, h) = (i64::from(self.label_w), i64::from(self.label_h));
        if x < 0 || y < 0 || x >= w || y >= h {
            return None;
        }
        // Bitmap::rotate_cw sends (x, y) to (h - 1 - y, x).
        let (tx, ty) = match self.placed.quarter_turns % 4 {
            0 => (x, y),
            1 => (h - 1 - y, x),
            2 => (w - 1 - x, h - 1 - y),
            _ => (y, w - 1 - x),
        };
        let bx = tx - i64::from(self.placed.source_x);
        let by = ty + self.dy;
        let b = &self.placed.bitmap;
        if bx < 0 || by < 0 || bx >= i64::from(b.width()) || by >= i64::from(b.height()) {
            return None;
        }
        Some(b.get(bx as u32, by as u32))
    }
}

/// Places `label` for `profile` and checks every expected barcode on the placed bitmap.
pub fn verify_label(
    label: &Bitmap,
    profile: &Profile,
    expected: &[ExpectedBarcode],
) -> Result<(), PrinterError> {
    verify_placed(label, &place(label, profile)?, profile, expected)
}

/// Checks every expected barcode in `placed` (the placement of `label` for `profile`).
pub(crate) fn verify_placed(
    label: &Bitmap,
    placed: &Placed,
    profile: &Profile,
    expected: &[ExpectedBarcode],
) -> Result<(), PrinterError> {
    let map = Map {
        placed,
        label_w: label.width(),
        label_h: label.height(),
        dy: i64::from(profile.offset_y_dots),
    };
    for code in expected {
        let fail = |reason: String| PrinterError::Verify {
            value: code.value.clone(),
            reason,
        };
        if code.bottom <= code.top || code.module_dots == 0 || code.modules.is_empty() {
            return Err(fail("no bars to read (empty symbol or zero height)".into()));
        }
        let m = i64::from(code.module_dots);
        let x0 = i64::from(code.x);
        let (ql, qr) = (
            i64::from(code.quiet_modules.0) * m,
            i64::from(code.quiet_modules.1) * m,
        );
        let span = code.modules.len() as i64 * m;
        let height = code.bottom - code.top;
        for quarter in 1..=3 {
            let y = i64::from(code.top + height * quarter / 4);
            for x in x0 - ql..x0 + span + qr {
                let want = x >= x0 && x < x0 + span && code.modules[((x - x0) / m) as usize];
                let got = match map.dot(x, y) {
                    Some(got) => got,
                    // A quiet zone running off the label edge is the edge's business, not the symbol's.
                    None if !(x0..x0 + span).contains(&x) => continue,
                    None => {
                        return Err(fail(format!(
                            "dot ({x}, {y}) of the symbol is not in the bitmap being sent"
                        )))
                    }
                };
                if got != want {
                    let what = if (x0..x0 + span).contains(&x) {
                        let module = (x - x0) / m;
                        format!(
                            "module {} of {} (dots {}–{}) should be {}",
                            module + 1,
                            code.modules.len(),
                            x0 + module * m,
                            x0 + module * m + m - 1,
                            if want { "a bar" } else { "a space" }
                        )
                    } else {
                        "the quiet zone should be white".to_string()
                    };
                    return Err(fail(format!(
                        "row {y}, dot {x}: {what} but the bitmap has {}",
                        if got { "black" } else { "white" }
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Places `label`, verifies its barcodes on the placed bitmap and encodes that same placement: the
/// bytes of a job whose barcodes were read back (what `print` sends).
pub fn encode_label_verified(
    label: &Bitmap,
    expected: &[ExpectedBarcode],
    profile: &Profile,
    copies: u32,
) -> Result<Job, PrinterError> {
    let placed = place(label, profile)?;
    verify_placed(label, &placed, profile, expected)?;
    Ok(super::lang::encode_job(&placed, profile, copies))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::barcode::{encode, Symbology};
    use crate::printer::profile::builtin;

    /// A label with one Code 128 drawn from our encoder at (60, 100), 3 dots a module.
    fn label() -> (Bitmap, ExpectedBarcode) {
        let symbol = encode(Symbology::Code128, "%101%806044518").unwrap();
        let modules = symbol.modules().unwrap().to_vec();
        let mut b = Bitmap::new(600, 959);
        for (i, &bar) in modules.iter().enumerate() {
            if bar {
                let x = 60 + i as u32 * 3;
                b.fill_rect(x, 100, x + 3, 260);
            }
        }
        let code = ExpectedBarcode {
            value: "%101%806044518".into(),
            modules,
            module_dots: 3,
            x: 60,
            top: 100,
            bottom: 260,
            quiet_modules: (10, 10),
        };
        (b, code)
    }

    #[test]
    fn a_true_label_passes_on_every_profile_and_offset() {
        let (b, code) = label();
        for name in [
            "xprinter-xp365b",
            "xprinter-xp420b",
            "zebra-gk420d",
            "escpos-80mm",
        ] {
            let mut p = builtin(name).unwrap();
            encode_label_verified(&b, std::slice::from_ref(&code), &p, 1).unwrap();
            p.offset_x_dots = -7;
            p.offset_y_dots = 5;
            encode_label_verified(&b, std::slice::from_ref(&code), &p, 1).unwrap();
        }
        // Turned a quarter to fit: read along the turned bars.
        let mut p = builtin("zebra-gk420d").unwrap();
        p.rotation = crate::printer::Rotation::Degrees(90);
        encode_label_verified(&b, &[code], &p, 1).unwrap();
    }

    #[test]
    fn a_thin_bar_a_stray_dot_or_a_dirty_quiet_zone_stops_the_job() {
        let p = builtin("xprinter-xp420b").unwrap();
        let (mut b, code) = label();
        // The first bar one dot thinner on one row.
        b.set(62, 180, false);
        let err = encode_label_verified(&b, std::slice::from_ref(&code), &p, 1)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("%101%806044518") && err.contains("module 1 of"),
            "{err}"
        );
        let (mut b, code) = label();
        b.fill_rect(40, 170, 42, 190);
        let err = encode_label_verified(&b, std::slice::from_ref(&code), &p, 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("quiet zone"), "{err}");
        let (b, mut code) = label();
        code.modules[5] = !code.modules[5];
        assert!(encode_label_verified(&b, &[code], &p, 1).is_err());
    }
}
