//! The calibration page: what `shiplabel calibrate` prints so a seller can see how a printer places,
//! burns and resolves a label, and set the profile's offsets, darkness and speed from it.
//!
//! The page is exactly the stock (the label's width × length in the firmware's dots; only as wide as the
//! head when the head is narrower) and shows:
//! millimetre rulers on all four edges (a tick every mm, longer every 5 and 10 mm, numbered every
//! 10 mm), a 10 mm grid of dots, crosshairs 10 mm in from each corner and at the centre, bars of 1, 2, 3
//! and 4 dots, darkness steps (25 %, 50 %, 75 %, 100 % of dots black), a Code 128 symbol, and the
//! printer's name and settings in text.
//!
//! The page is drawn with the profile's offsets already applied (marks moved off the stock are simply
//! not drawn: it is a test page), and is sent with a profile whose offsets are zero, so a ruler that
//! should start at the edge shows exactly where the printer puts it.

use crate::barcode::{encode, Symbology};
use crate::bitmap::Bitmap;
use crate::font::FontStyle;

use super::profile::{Media, Profile};

/// The text of the calibration page's barcode: what a scanner must read from it.
pub const CALIBRATION_BARCODE: &str = "SHIPLABEL-CAL";

/// Draws on a bitmap with the calibration offset added, clipping at the edges.
struct Canvas {
    bitmap: Bitmap,
    dx: i64,
    dy: i64,
}

impl Canvas {
    /// Fills `[x0, x1) × [y0, y1)` (page coordinates before the offset).
    fn rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64) {
        let clamp = |v: i64, max: u32| v.clamp(0, i64::from(max)) as u32;
        let (w, h) = (self.bitmap.width(), self.bitmap.height());
        self.bitmap.fill_rect(
            clamp(x0 + self.dx, w),
            clamp(y0 + self.dy, h),
            clamp(x1 + self.dx, w),
            clamp(y1 + self.dy, h),
        );
    }

    fn dot(&mut self, x: i64, y: i64) {
        self.rect(x, y, x + 1, y + 1);
    }

    /// Writes `text` with its baseline at `y`, `px` pixels to the em; returns the width in dots.
    fn text(&mut self, x: i64, y: i64, px: f32, text: &str) -> i64 {
        let font = FontStyle::Regular.font();
        let layout = font.layout_line(text);
        let (glyphs, width_em) = (layout.glyphs, layout.width_em);
        for g in glyphs {
            let (m, coverage) = font.rasterizer().rasterize_indexed(g.id, px);
            let left = x + (g.x_em * px).round() as i64 + i64::from(m.xmin);
            let top = y - (m.ymin as i64 + m.height as i64);
            for (i, &c) in coverage.iter().enumerate() {
                if c >= 128 && m.width > 0 {
                    self.dot(left + (i % m.width) as i64, top + (i / m.width) as i64);
                }
            }
        }
        (width_em * px).round() as i64
    }
}

/// The calibration page for `profile` (offsets drawn in), labelled with `printer`, and the profile to
/// send it with (the same, offsets zero).
pub fn calibration_page(profile: &Profile, printer: &str) -> CalibrationPage {
    let mm = i64::from(profile.dots_per_mm());
    // As wide as the label, or the head where the head is narrower (an 80 mm roll on a 72 mm head).
    let width = profile
        .label_width_dots()
        .min(profile.head_width_dots())
        .max(1);
    let length = match profile.media {
        // Continuous paper: one 120 mm page, or the profile's length.
        Media::Continuous => profile.label_length_dots().max(mm as u32 * 60),
        _ => profile.label_length_dots(),
    }
    .max(1);
    let (w, h) = (i64::from(width), i64::from(length));
    let mut c = Canvas {
        bitmap: Bitmap::new(width, length),
        dx: i64::from(profile.offset_x_dots),
        dy: i64::from(profile.offset_y_dots),
    };
    let small = (mm * 5 / 2) as f32; // 2.5 mm text
                                     // Rulers: ticks every millimetre, 1 mm long; 2 mm at every 5; 3 mm and a number at every 10.
    let tick = |n: i64| match n {
        n if n % 10 == 0 => 3 * mm,
        n if n % 5 == 0 => 2 * mm,
        _ => mm,
    };
    for n in 0..=w / mm {
        let x = (n * mm).min(w - 1);
        c.rect(x, 0, x + 1, tick(n));
        c.rect(x, h - tick(n), x + 1, h);
        if n % 10 == 0 && n > 0 && x + 6 * mm < w {
            c.text(x + mm / 2, 5 * mm, small, &n.to_string());
        }
    }
    for n in 0..=h / mm {
        let y = (n * mm).min(h - 1);
        c.rect(0, y, tick(n), y + 1);
        c.rect(w - tick(n), y, w, y + 1);
        if n % 10 == 0 && n > 0 && y + mm < h {
            c.text(3 * mm + mm / 2, y + mm, small, &n.to_string());
        }
    }
    // The grid: a dot every 4 dots along each 10 mm line, leaving the rulers clear.
    for gx in (10..).map(|n| n * mm).take_while(|&x| x < w - 4 * mm) {
        for y in (4 * mm..h - 4 * mm).step_by(4) {
            c.dot(gx, y);
        }
    }
    for gy in (10..).map(|n| n * mm).take_while(|&y| y < h - 4 * mm) {
        for x in (4 * mm..w - 4 * mm).step_by(4) {
            c.dot(x, gy);
        }
    }
    // Crosshairs 10 mm in from each corner and at the centre: measure these to set the offsets.
    let cross = |c: &mut Canvas, x: i64, y: i64| {
        c.rect(x - 2 * mm, y, x + 2 * mm + 1, y + 1);
        c.rect(x, y - 2 * mm, x + 1, y + 2 * mm + 1);
    };
    for (x, y) in [
        (10 * mm, 10 * mm),
        (w - 10 * mm, 10 * mm),
        (10 * mm, h - 10 * mm),
        (w - 10 * mm, h - 10 * mm),
        (w / 2, h / 2),
    ] {
        cross(&mut c, x, y);
    }
    // A white panel for the text, the bars, the steps and the barcode (the grid stays outside it).
    let (left, right) = (12 * mm, w - 12 * mm);
    let top = 14 * mm;
    let mut y = top;
    let mut line = |c: &mut Canvas, text: &str| {
        y += 3 * mm;
        c.text(left, y, small, text);
    };
    let panel_clear = |c: &mut Canvas, y0: i64, y1: i64| {
        // Clearing is drawing white: done on the bitmap directly, offset added.
        let (bx0, bx1) = (left - mm + c.dx, right + mm + c.dx);
        for yy in (y0 + c.dy).max(0)..(y1 + c.dy).min(i64::from(c.bitmap.height())) {
            for xx in bx0.max(0)..bx1.min(i64::from(c.bitmap.width())) {
                c.bitmap.set(xx as u32, yy as u32, false);
            }
        }
    };
    panel_clear(&mut c, top - mm, h - 14 * mm);
    line(&mut c, "shiplabel calibration");
    line(&mut c, &format!("printer {}", ascii(printer)));
    line(
        &mut c,
        &format!(
            "profile {} {} {} dpi",
            ascii(&profile.name),
            profile.language,
            profile.dpi
        ),
    );
    line(
        &mut c,
        &format!(
            "label {}x{} mm, {} {} mm",
            profile.label_width_mm,
            profile.label_length_mm,
            profile.media.name(),
            profile.gap_mm
        ),
    );
    line(
        &mut c,
        &format!(
            "offset x {} y {} dots",
            profile.offset_x_dots, profile.offset_y_dots
        ),
    );
    line(
        &mut c,
        &format!(
            "darkness {}, speed {}",
            profile.darkness.map_or("as set".into(), |d| d.to_string()),
            profile.speed.map_or("as set".into(), |s| s.to_string())
        ),
    );
    line(
        &mut c,
        &format!(
            "direction {} cut {} head {} mm",
            profile.direction,
            profile.cut.name(),
            profile.head_width_mm
        ),
    );
    // Bars of 1, 2, 3 and 4 dots: five each, as far apart as they are wide.
    let mut x = left;
    let bars_top = y + 2 * mm;
    for width in 1..=4i64 {
        c.text(x, bars_top + 2 * mm, small, &format!("{width}"));
        let start = x + 2 * mm;
        for k in 0..5 {
            let bx = start + k * 2 * width;
            c.rect(bx, bars_top, bx + width, bars_top + 6 * mm);
        }
        x = start + 10 * width + 2 * mm;
    }
    // Darkness steps: 25 %, 50 %, 75 %, 100 % of the dots black (a 2 × 2 ordered pattern).
    let steps_top = bars_top + 8 * mm;
    let side = 8 * mm;
    for (i, level) in [1u8, 2, 3, 4].into_iter().enumerate() {
        let x0 = left + i as i64 * (side + 2 * mm);
        for yy in 0..side {
            for xx in 0..side {
                let rank = match (xx % 2, yy % 2) {
                    (0, 0) => 1,
                    (1, 1) => 2,
                    (1, 0) => 3,
                    _ => 4,
                };
                if rank <= level {
                    c.dot(x0 + xx, steps_top + yy);
                }
            }
        }
        c.text(
            x0,
            steps_top + side + 3 * mm,
            small,
            &format!("{}%", level * 25),
        );
    }
    // The barcode: the largest whole module that fits the panel, at least 15 mm tall.
    if let Ok(symbol) = encode(Symbology::Code128, CALIBRATION_BARCODE) {
        let total = i64::from(symbol.total_width_modules().max(1));
        let module = ((right - left) / total).clamp(1, 4);
        let bar_top = steps_top + side + 6 * mm;
        let bars = symbol.to_bitmap(module as u32, (15 * mm) as u32, true);
        for by in 0..i64::from(bars.height()) {
            for bx in 0..i64::from(bars.width()) {
                if bars.get(bx as u32, by as u32) {
                    c.dot(left + bx, bar_top + by);
                }
            }
        }
        c.text(
            left,
            bar_top + i64::from(bars.height()) + 3 * mm,
            small,
            CALIBRATION_BARCODE,
        );
    }
    let mut send = profile.clone();
    send.offset_x_dots = 0;
    send.offset_y_dots = 0;
    CalibrationPage {
        page: c.bitmap,
        profile: send,
    }
}

/// The calibration page and the profile to send it with ([`calibration_page`]).
#[derive(Debug, Clone)]
pub struct CalibrationPage {
    /// The page, offsets drawn in.
    pub page: Bitmap,
    /// The profile it is sent with: the same, offsets zero.
    pub profile: Profile,
}

/// Text for the page: printable ASCII only (the page is for reading, and a name may hold anything).
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::profile::builtin;

    #[test]
    fn the_page_is_the_stock_with_rulers_at_the_edges() {
        let p = builtin("xprinter-xp420b").unwrap();
        let CalibrationPage {
            page,
            profile: send,
        } = calibration_page(&p, "tcp://x");
        assert_eq!((page.width(), page.height()), (600, 960));
        // Ruler ticks at 0, 8, 16 … dots on the top edge, 10 mm ones 24 dots long.
        assert!(page.get(0, 0) && page.get(8, 7) && !page.get(8, 8) && page.get(80, 23));
        assert!(page.get(599, 959) && page.get(80, 959 - 23));
        assert_eq!((send.offset_x_dots, send.offset_y_dots), (0, 0));
    }

    #[test]
    fn offsets_move_every_mark() {
        let mut p = builtin("xprinter-xp420b").unwrap();
        let plain = calibration_page(&p, "tcp://x").page;
        p.offset_x_dots = 5;
        p.offset_y_dots = -3;
        let moved = calibration_page(&p, "tcp://x").page;
        // Everything but the settings line (which prints the offsets) moved by exactly the offsets.
        for y in (10..100).chain(300..900) {
            for x in 10..560 {
                assert_eq!(moved.get(x + 5, y), plain.get(x, y + 3), "at {x},{y}");
            }
        }
    }
}
