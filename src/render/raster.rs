//! Scenes to 1-bit bitmaps at a printer's resolution.
//!
//! Rectangles (bars, lines, boxes) are drawn edge to edge on the dot grid: a scene composed for the same
//! resolution puts every bar edge on a whole dot, so bars come out exactly as many dots wide as laid out.
//! Text is rasterised with fontdue and thresholded at half coverage (no grey: a thermal head has none);
//! glyph bitmaps are cached per glyph and pixel size, shared by all threads.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use crate::bitmap::Bitmap;
use crate::font::FontStyle;
use crate::scene::{Item, Rect, Scene};
use crate::units::mm_to_dots;

/// A thresholded glyph: its black dots and where they sit relative to the pen on the baseline.
#[derive(Debug)]
struct GlyphBits {
    left: i32,
    top: i32,
    bitmap: Bitmap,
}

type GlyphKey = (FontStyle, u16, u32);

/// Glyphs drawn at some size; cleared when it grows past this many entries (a runaway of sizes).
const CACHE_LIMIT: usize = 8192;

fn cache() -> &'static RwLock<HashMap<GlyphKey, Arc<GlyphBits>>> {
    static CACHE: OnceLock<RwLock<HashMap<GlyphKey, Arc<GlyphBits>>>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::new()))
}

fn glyph(style: FontStyle, gid: u16, px: f32) -> Arc<GlyphBits> {
    // Sizes are keyed to a hundredth of a pixel: labels use a handful of sizes.
    let key = (style, gid, (px * 100.0).round() as u32);
    if let Some(g) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
        return g;
    }
    let (metrics, coverage) = style.font().rasterizer().rasterize_indexed(gid, px);
    let mut bitmap = Bitmap::new(metrics.width as u32, metrics.height as u32);
    for (i, &c) in coverage.iter().enumerate() {
        if c >= 128 && metrics.width > 0 {
            bitmap.set((i % metrics.width) as u32, (i / metrics.width) as u32, true);
        }
    }
    let bits = Arc::new(GlyphBits {
        left: metrics.xmin,
        // fontdue's ymin is the bottom of the bitmap relative to the baseline, y up.
        top: -(metrics.ymin + metrics.height as i32),
        bitmap,
    });
    if let Ok(mut c) = cache().write() {
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, bits.clone());
    }
    bits
}

/// Draws a scene at `dpi`. The bitmap is the page size rounded to whole dots.
pub fn rasterize(scene: &Scene, dpi: u32) -> Bitmap {
    let dpi = dpi.max(1);
    let d = |mm: f64| mm_to_dots(mm, dpi);
    let width = d(scene.width_mm).round().max(1.0) as u32;
    let height = d(scene.height_mm).round().max(1.0) as u32;
    let mut bitmap = Bitmap::new(width, height);
    for item in &scene.items {
        match item {
            Item::Fill(r) => fill(&mut bitmap, r, dpi),
            Item::Barcode(b) => {
                for r in &b.bars {
                    fill(&mut bitmap, r, dpi);
                }
            }
            Item::Text(run) => {
                let px = (run.size_pt / 72.0 * f64::from(dpi)) as f32;
                let origin_x = d(run.x);
                let baseline = d(run.baseline).round() as i64;
                for g in &run.glyphs {
                    let bits = glyph(run.style, g.id, px);
                    let pen = (origin_x + f64::from(g.x_em) * f64::from(px)).round() as i64;
                    blit(
                        &mut bitmap,
                        &bits.bitmap,
                        pen + i64::from(bits.left),
                        baseline + i64::from(bits.top),
                    );
                }
            }
            Item::Line(l) => line(
                &mut bitmap,
                [d(l.x1), d(l.y1), d(l.x2), d(l.y2)],
                d(l.thickness),
            ),
            Item::Image {
                rect,
                bitmap: image,
            } => stretch(&mut bitmap, image, rect, dpi),
        }
    }
    bitmap
}

/// Fills a rectangle with both edges rounded to the nearest dot; a non-empty rectangle gets at least one.
fn fill(bitmap: &mut Bitmap, r: &Rect, dpi: u32) {
    let x0 = mm_to_dots(r.x, dpi).round();
    let y0 = mm_to_dots(r.y, dpi).round();
    let mut x1 = mm_to_dots(r.right(), dpi).round();
    let mut y1 = mm_to_dots(r.bottom(), dpi).round();
    if r.w > 0.0 && x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if r.h > 0.0 && y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let clamp = |v: f64| v.max(0.0) as u32;
    bitmap.fill_rect(clamp(x0), clamp(y0), clamp(x1), clamp(y1));
}

fn blit(dst: &mut Bitmap, src: &Bitmap, left: i64, top: i64) {
    for y in 0..src.height() {
        let ty = top + i64::from(y);
        if ty < 0 || ty >= i64::from(dst.height()) {
            continue;
        }
        for x in 0..src.width() {
            let tx = left + i64::from(x);
            if tx >= 0 && tx < i64::from(dst.width()) && src.get(x, y) {
                dst.set(tx as u32, ty as u32, true);
            }
        }
    }
}

/// A thick line between two points (dots): every dot whose centre is within half the thickness.
fn line(bitmap: &mut Bitmap, [x1, y1, x2, y2]: [f64; 4], thickness: f64) {
    let half = (thickness / 2.0).max(0.5);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len2 = dx * dx + dy * dy;
    let x_lo = (x1.min(x2) - half).floor().max(0.0) as u32;
    let y_lo = (y1.min(y2) - half).floor().max(0.0) as u32;
    let x_hi = ((x1.max(x2) + half).ceil().max(0.0) as u32).min(bitmap.width());
    let y_hi = ((y1.max(y2) + half).ceil().max(0.0) as u32).min(bitmap.height());
    for y in y_lo..y_hi {
        for x in x_lo..x_hi {
            let (px, py) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
            let t = if len2 > 0.0 {
                (((px - x1) * dx + (py - y1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (cx, cy) = (x1 + t * dx - px, y1 + t * dy - py);
            if cx * cx + cy * cy <= half * half {
                bitmap.set(x, y, true);
            }
        }
    }
}

/// Draws `image` stretched to `rect` (nearest neighbour).
fn stretch(bitmap: &mut Bitmap, image: &Bitmap, rect: &Rect, dpi: u32) {
    let x0 = mm_to_dots(rect.x, dpi).round() as i64;
    let y0 = mm_to_dots(rect.y, dpi).round() as i64;
    let w = (mm_to_dots(rect.right(), dpi).round() as i64 - x0).max(1);
    let h = (mm_to_dots(rect.bottom(), dpi).round() as i64 - y0).max(1);
    if image.width() == 0 || image.height() == 0 {
        return;
    }
    for y in 0..h {
        let sy = (y * i64::from(image.height()) / h) as u32;
        for x in 0..w {
            let sx = (x * i64::from(image.width()) / w) as u32;
            let (tx, ty) = (x0 + x, y0 + y);
            if image.get(sx, sy) && tx >= 0 && ty >= 0 {
                bitmap.set(tx as u32, ty as u32, true);
            }
        }
    }
}
