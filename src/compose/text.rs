//! Fitting text into a box with the font's real advance widths: shrink, then wrap, then ellipsis.

use std::borrow::Cow;

use crate::font::Font;
use crate::units::pt_to_mm;

/// The ellipsis that ends text cut short.
const ELLIPSIS: char = '…';
/// Sizes are tried in steps of this many points when wrapping.
const STEP_PT: f64 = 0.5;
/// Slack for comparisons in millimetres.
const EPS: f64 = 1e-6;

/// The result of fitting: the lines to draw and the size to draw them at.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted<'a> {
    /// Font size in points.
    pub size_pt: f64,
    /// The lines, top to bottom: the text itself when it fits on one line (most fields of a label).
    pub lines: Vec<Cow<'a, str>>,
    /// Whether text had to be cut (ellipsis).
    pub truncated: bool,
}

/// What the text must fit.
#[derive(Debug, Clone, Copy)]
pub struct Constraints {
    /// Box width in millimetres.
    pub width_mm: f64,
    /// Box height in millimetres.
    pub height_mm: f64,
    /// Preferred size in points.
    pub size_pt: f64,
    /// Smallest size in points.
    pub min_size_pt: f64,
    /// Most lines.
    pub max_lines: u32,
}

/// Fits `text` into the box.
///
/// 1. One line, shrunk as far as the minimum size if it is too wide.
/// 2. Wrapped at spaces (long words broken between characters) at the largest size, down to the minimum,
///    at which all lines fit the box height and `max_lines`.
/// 3. At the minimum size, as many lines as fit; the last one ends in an ellipsis.
///
/// Explicit line breaks (`\n`) in the text are kept.
pub fn fit<'a>(font: &Font, text: &'a str, c: &Constraints) -> Fitted<'a> {
    let line_em = f64::from(font.line_height_em());
    let lines_at = |size: f64| -> usize {
        let fit = ((c.height_mm + EPS) / (line_em * pt_to_mm(size))).floor() as usize;
        fit.min(c.max_lines as usize)
    };
    // The largest size at which one line fits the height.
    let size_max = c
        .size_pt
        .min(c.height_mm / (line_em * pt_to_mm(1.0)))
        .max(c.min_size_pt);

    if !text.contains('\n') {
        let width_em = f64::from(font.width_em(text));
        let by_width = if width_em > 0.0 {
            c.width_mm / (width_em * pt_to_mm(1.0))
        } else {
            f64::INFINITY
        };
        let size = size_max.min(by_width);
        if size + EPS >= c.min_size_pt {
            // Round down to a hundredth of a point so the line never exceeds the box.
            let size = ((size * 100.0 + 1e-9).floor() / 100.0).max(c.min_size_pt);
            return Fitted {
                size_pt: size,
                lines: vec![Cow::Borrowed(text)],
                truncated: false,
            };
        }
    }

    let mut size = size_max;
    loop {
        let lines = wrap(font, text, c.width_mm / pt_to_mm(size));
        if lines.len() <= lines_at(size) {
            return Fitted {
                size_pt: size,
                lines: lines.into_iter().map(Cow::Owned).collect(),
                truncated: false,
            };
        }
        if size - STEP_PT < c.min_size_pt - EPS {
            break;
        }
        size -= STEP_PT;
    }

    let size = c.min_size_pt;
    let max_em = c.width_mm / pt_to_mm(size);
    let mut lines = wrap(font, text, max_em);
    let keep = lines_at(size).max(1);
    if lines.len() > keep {
        let rest = lines.split_off(keep - 1).join(" ");
        lines.push(ellipsize(font, &rest, max_em));
    } else if let Some(last) = lines.last_mut() {
        // Only reachable when a single character is wider than the box.
        *last = ellipsize(font, last, max_em);
    }
    Fitted {
        size_pt: size,
        lines: lines.into_iter().map(Cow::Owned).collect(),
        truncated: true,
    }
}

/// Breaks `text` into lines no wider than `max_em`, at spaces; a word wider than a line is broken between
/// characters.
pub fn wrap(font: &Font, text: &str, max_em: f64) -> Vec<String> {
    let space = f64::from(font.width_em(" "));
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut width = 0.0;
        for word in paragraph.split_whitespace() {
            let w = f64::from(font.width_em(word));
            if !line.is_empty() && width + space + w <= max_em + EPS {
                line.push(' ');
                line.push_str(word);
                width += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            if w <= max_em + EPS {
                line.push_str(word);
                width = w;
                continue;
            }
            for ch in word.chars() {
                let cw = f64::from(font.width_em(ch.encode_utf8(&mut [0; 4])));
                if !line.is_empty() && width + cw > max_em + EPS {
                    lines.push(std::mem::take(&mut line));
                    width = 0.0;
                }
                line.push(ch);
                width += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// `text` cut so that it and a trailing ellipsis fit `max_em`.
fn ellipsize(font: &Font, text: &str, max_em: f64) -> String {
    let ellipsis = f64::from(font.width_em("…"));
    let mut out = String::new();
    let mut width = 0.0;
    for ch in text.chars() {
        let cw = f64::from(font.width_em(ch.encode_utf8(&mut [0; 4])));
        if width + cw + ellipsis > max_em + EPS {
            break;
        }
        out.push(ch);
        width += cw;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push(ELLIPSIS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::FontStyle;

    fn c(width_mm: f64, height_mm: f64, size_pt: f64, min_size_pt: f64) -> Constraints {
        Constraints {
            width_mm,
            height_mm,
            size_pt,
            min_size_pt,
            max_lines: u32::MAX,
        }
    }

    fn width_mm(text: &str, size: f64) -> f64 {
        f64::from(FontStyle::Regular.font().width_em(text)) * pt_to_mm(size)
    }

    #[test]
    fn short_text_keeps_its_size() {
        let f = fit(FontStyle::Regular.font(), "Склад", &c(50.0, 5.0, 10.0, 6.0));
        assert_eq!(f.size_pt, 10.0);
        assert_eq!(f.lines, vec!["Склад"]);
    }

    #[test]
    fn long_text_shrinks_to_fit_the_width() {
        let text = "Ozon Логистика самостоятельно, Москва";
        let f = fit(FontStyle::Regular.font(), text, &c(60.0, 5.0, 10.0, 6.0));
        assert!(f.size_pt < 10.0 && f.size_pt >= 6.0, "{}", f.size_pt);
        assert_eq!(f.lines.len(), 1);
        assert!(width_mm(text, f.size_pt) <= 60.0 + 1e-9);
        assert!(width_mm(text, f.size_pt + 0.02) > 60.0);
    }

    #[test]
    fn then_wraps_then_ellipsis() {
        let text = "Чехол для смартфона силиконовый прозрачный с усиленными углами";
        let wrapped = fit(FontStyle::Regular.font(), text, &c(45.0, 9.0, 10.0, 7.0));
        assert!(wrapped.lines.len() >= 2, "{wrapped:?}");
        assert!(!wrapped.truncated);
        for line in &wrapped.lines {
            assert!(width_mm(line, wrapped.size_pt) <= 45.0 + 1e-9, "{line}");
        }
        assert_eq!(wrapped.lines.join(" "), text);

        let mut one_line = c(30.0, 9.0, 10.0, 7.0);
        one_line.max_lines = 1;
        let cut = fit(FontStyle::Regular.font(), text, &one_line);
        assert!(cut.truncated);
        assert_eq!(cut.lines.len(), 1);
        assert_eq!(cut.size_pt, 7.0);
        assert!(cut.lines[0].ends_with('…'));
        assert!(width_mm(&cut.lines[0], 7.0) <= 30.0 + 1e-9);
    }

    #[test]
    fn a_word_wider_than_the_box_breaks_between_characters() {
        let lines = wrap(FontStyle::Regular.font(), "0123456789", 3.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "0123456789");
    }
}
