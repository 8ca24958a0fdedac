//! A symbol on its own, as a raster (PNG) or as SVG: quiet zones included, human-readable line optional.
//! The label composer places symbols itself; this is for `shiplabel barcode` and for tests.

use super::{Shape, Symbol};
use crate::bitmap::Bitmap;
use crate::font::FontStyle;
use crate::units::mm_to_dots;
/// Height of the digits of the human-readable line, in millimetres (≥ 2.5 mm reads well on a label).
pub const TEXT_HEIGHT_MM: f64 = 2.5;
/// Gap between the bars and the human-readable line, in millimetres.
pub const TEXT_GAP_MM: f64 = 1.0;
/// DejaVu Sans cap height (and digit height) as a fraction of the em: 1493 / 2048 units.
const CAP_HEIGHT_EM: f64 = 0.729;

/// What a human-readable line shows: control characters (GS in a marking code) as spaces.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Rasterises `symbol` with its quiet zones, `module_dots` dots per module and, for linear symbols, bars
/// `bar_height_dots` tall. With `text`, the human-readable line goes under the symbol, centred, digits
/// [`TEXT_HEIGHT_MM`] tall at `dpi`, smaller (down to 60 %) when the line would be wider than the symbol.
pub fn raster(
    symbol: &Symbol,
    module_dots: u32,
    bar_height_dots: u32,
    dpi: u32,
    text: bool,
) -> Bitmap {
    let bars = symbol.to_bitmap(module_dots, bar_height_dots, true);
    if !text {
        return bars;
    }
    let dots = |mm: f64| mm_to_dots(mm, dpi).round().max(1.0) as u32;
    let cap = dots(TEXT_HEIGHT_MM);
    let gap = dots(TEXT_GAP_MM);
    // The labels' own regular face, parsed once per process and shared with the label rasteriser.
    let font = FontStyle::Regular.font().rasterizer();
    let text = printable(symbol.text());
    let mut px = (f64::from(cap) / CAP_HEIGHT_EM) as f32;
    // Shrink the line to the symbol's width (quiet zones included) when it is wider, down to 60 % of the
    // nominal size; past that the image grows instead, so the text stays legible.
    let nominal: f32 = text
        .chars()
        .map(|c| font.metrics(c, px).advance_width)
        .sum();
    let room = bars.width().saturating_sub(2 * gap) as f32;
    if nominal > room && nominal > 0.0 {
        px *= (room / nominal).max(0.6);
    }
    let cap = (f64::from(px) * CAP_HEIGHT_EM).ceil() as u32;
    let glyphs: Vec<(fontdue::Metrics, Vec<u8>)> =
        text.chars().map(|c| font.rasterize(c, px)).collect();
    let text_width: f32 = glyphs.iter().map(|(m, _)| m.advance_width).sum();
    // Room below the baseline for descenders and parentheses.
    let descent = (px * 0.25).ceil() as u32;
    let width = bars.width().max(text_width.ceil() as u32 + 2 * gap);
    let height = bars.height() + gap + cap + descent;
    let mut out = Bitmap::new(width, height);
    let x_bars = (width - bars.width()) / 2;
    for y in 0..bars.height() {
        for x in 0..bars.width() {
            if bars.get(x, y) {
                out.set(x_bars + x, y, true);
            }
        }
    }
    let baseline = (bars.height() + gap + cap) as i32;
    let mut pen = (width as f32 - text_width) / 2.0;
    for (m, coverage) in &glyphs {
        let left = (pen + m.xmin as f32).round() as i32;
        let top = baseline - m.height as i32 - m.ymin;
        for (k, &c) in coverage.iter().enumerate() {
            // Threshold rather than dither: a thermal head prints dots, not grey.
            if c >= 128 && m.width > 0 {
                let x = left + (k % m.width) as i32;
                let y = top + (k / m.width) as i32;
                if x >= 0 && y >= 0 {
                    out.set(x as u32, y as u32, true);
                }
            }
        }
        pen += m.advance_width;
    }
    out
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The symbol as SVG in millimetres: one `<rect>` per bar (per run of dark cells in a row for matrix
/// symbols), quiet zones included, and with `text` the human-readable line as a `<text>` element.
pub fn svg(symbol: &Symbol, module_mm: f64, bar_height_mm: f64, text: bool) -> String {
    let qz = symbol.quiet_zone();
    let width = f64::from(symbol.total_width_modules()) * module_mm;
    let symbol_height = match symbol.shape() {
        Shape::Linear { .. } => bar_height_mm,
        Shape::Matrix { .. } => f64::from(symbol.total_height_modules()) * module_mm,
    };
    let text_block = if text {
        TEXT_GAP_MM + TEXT_HEIGHT_MM * 1.35
    } else {
        0.0
    };
    let height = symbol_height + text_block;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.4}mm\" height=\"{height:.4}mm\" viewBox=\"0 0 {width:.4} {height:.4}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n<g fill=\"#000\">\n"
    );
    let x0 = f64::from(qz.left) * module_mm;
    match symbol.shape() {
        Shape::Linear { .. } => {
            let layout = symbol.linear_layout(module_mm, bar_height_mm);
            for run in symbol.dark_runs() {
                out.push_str(&format!(
                    "<rect x=\"{:.4}\" y=\"{:.4}\" width=\"{:.4}\" height=\"{:.4}\"/>\n",
                    layout.bars_left + f64::from(run.start) * module_mm,
                    layout.bars_top,
                    f64::from(run.width) * module_mm,
                    layout.bars_height
                ));
            }
            for [x, y, w, h] in layout.bearers {
                out.push_str(&format!(
                    "<rect x=\"{x:.4}\" y=\"{y:.4}\" width=\"{w:.4}\" height=\"{h:.4}\"/>\n"
                ));
            }
        }
        Shape::Matrix {
            width: w, cells, ..
        } => {
            let y0 = f64::from(qz.top) * module_mm;
            for (row, line) in cells.chunks((*w).max(1) as usize).enumerate() {
                for run in super::dark_runs(line) {
                    out.push_str(&format!(
                        "<rect x=\"{:.4}\" y=\"{:.4}\" width=\"{:.4}\" height=\"{module_mm:.4}\"/>\n",
                        x0 + f64::from(run.start) * module_mm,
                        y0 + row as f64 * module_mm,
                        f64::from(run.width) * module_mm
                    ));
                }
            }
        }
    }
    out.push_str("</g>\n");
    if text {
        // DejaVu Sans digits advance 0.636 em; shrink a line that would be wider than the symbol, as the
        // raster does, down to 60 %.
        let nominal = TEXT_HEIGHT_MM / CAP_HEIGHT_EM;
        let estimate = nominal * 0.636 * printable(symbol.text()).chars().count() as f64;
        let room = width - 2.0 * TEXT_GAP_MM;
        let font_size = if estimate > room && estimate > 0.0 {
            nominal * (room / estimate).max(0.6)
        } else {
            nominal
        };
        out.push_str(&format!(
            "<text x=\"{:.4}\" y=\"{:.4}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"{font_size:.4}\" text-anchor=\"middle\">{}</text>\n",
            width / 2.0,
            symbol_height + TEXT_GAP_MM + TEXT_HEIGHT_MM,
            xml_escape(symbol.text())
        ));
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::{encode, Symbology};
    use super::*;

    #[test]
    fn text_goes_under_the_bars_and_bars_stay_whole_dots() {
        let s = encode(Symbology::Ean13, "460123456789").unwrap();
        let plain = raster(&s, 2, 100, 203, false);
        let with_text = raster(&s, 2, 100, 203, true);
        assert_eq!(plain.width(), with_text.width());
        assert!(with_text.height() > 100 + 20);
        for y in 0..100 {
            assert_eq!(plain.row(y), with_text.row(y));
        }
        let text_dots: u64 = (100..with_text.height())
            .map(|y| {
                (0..with_text.width())
                    .filter(|&x| with_text.get(x, y))
                    .count() as u64
            })
            .sum();
        assert!(text_dots > 100, "digits drawn");
    }

    #[test]
    fn svg_has_one_rect_per_bar_and_escaped_text() {
        let s = encode(Symbology::Code128, "A<&>1").unwrap();
        let out = svg(&s, 0.25, 15.0, true);
        assert_eq!(out.matches("<rect x=").count(), s.dark_runs().len());
        assert!(out.contains("A&lt;&amp;&gt;1</text>"));
    }
}
