//! Composing a label: `Template + LabelData (+ target dpi) → Scene`. Every layout decision lives here.
//!
//! Text is fitted with the bundled font's real metrics (shrink, wrap, ellipsis). Barcodes are encoded,
//! sized and placed with their quiet zones; with a target resolution the module is a whole number of
//! dots and every bar edge, line and box edge lies on the dot grid, so the rasteriser and the printer at
//! that resolution draw exactly what was laid out, and a PDF printed at it does too.
//!
//! ```
//! use shiplabel::compose::compose;
//! use shiplabel::label::LabelData;
//! use shiplabel::template::Template;
//!
//! let template = Template::builtin("ozon-fbs")?;
//! let composed = compose(&template, &LabelData::sample(), Some(203))?;
//! assert!(composed.scene.text_lines().contains(&"12345678-0001-1".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod barcode;
pub mod text;

use crate::barcode::{BarcodeError, SizeError};
use crate::label::{labels_for_posting, LabelData};
use crate::order::Posting;
use crate::scene::{dots_to_mm, mm_to_dots, pt_to_mm, BarcodeItem, Item, Rect, Scene, TextRun};
use crate::template::{BarcodeSpec, ElementKind, Template, TextSpec, VAlign};

pub use crate::template::BarcodeBox;
pub use barcode::{barcode_item, PlaceError};

/// A composed label and what went wrong without stopping it.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The label.
    pub scene: Scene,
    /// Problems worth telling the user about.
    pub warnings: Vec<ComposeWarning>,
}

/// A problem that does not stop the label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeWarning {
    /// A character the bundled font has no glyph for: it is drawn as the font's missing-glyph box.
    #[error("label {label}: element {element:?}: character {ch:?} (U+{code:04X}) is not in the font {font}; it is drawn as an empty box", code = *ch as u32)]
    MissingGlyph {
        /// Posting number (or label name).
        label: String,
        /// Template element.
        element: String,
        /// The character.
        ch: char,
        /// The font's name.
        font: &'static str,
    },
}

/// A label that cannot be composed. Each names the label (posting number) and the template element.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComposeError {
    /// The barcode's value is empty (no field of its fallback chain is present).
    #[error("label {label}: element {element:?}: the barcode value is empty")]
    EmptyBarcode {
        /// Posting number (or label name).
        label: String,
        /// Template element.
        element: String,
    },
    /// The value cannot be encoded in the element's symbology.
    #[error("label {label}: element {element:?}: cannot encode {value:?}")]
    Encode {
        /// Posting number (or label name).
        label: String,
        /// Template element.
        element: String,
        /// The value.
        value: String,
        /// Why.
        #[source]
        source: Box<BarcodeError>,
    },
    /// The symbol does not fit its box at the smallest module the template allows.
    #[error("label {label}: element {element:?}: barcode {value:?} does not fit")]
    Size {
        /// Posting number (or label name).
        label: String,
        /// Template element.
        element: String,
        /// The value.
        value: String,
        /// How much room it needed.
        #[source]
        source: Box<SizeError>,
    },
}

/// Lays out one label. With `dpi`, barcodes get whole dots per module and edges snap to that dot grid.
pub fn compose(
    template: &Template,
    data: &LabelData,
    dpi: Option<u32>,
) -> Result<Composed, ComposeError> {
    let dpi = dpi.filter(|&d| d > 0);
    let mut scene = Scene {
        width_mm: template.page.width_mm,
        height_mm: template.page.height_mm,
        grid_dpi: dpi,
        items: Vec::with_capacity(template.elements.len() + 8),
        label_name: data.posting_number.clone(),
    };
    let mut warnings = Vec::new();
    let mut buf = String::new();
    for element in &template.elements {
        if let Some(field) = element.when {
            if !data.value(field).is_present() {
                continue;
            }
        }
        match &element.kind {
            ElementKind::Text(spec) => {
                buf.clear();
                spec.value.render_into(data, &mut buf);
                place_text(&mut scene, &mut warnings, &element.name, spec, &buf);
            }
            ElementKind::Barcode(spec) => {
                buf.clear();
                spec.value.render_into(data, &mut buf);
                let item = place_barcode(&element.name, spec, buf.trim(), dpi, &scene.label_name)?;
                scene.items.push(Item::Barcode(item));
            }
            ElementKind::Line(line) => {
                if line.x1 == line.x2 || line.y1 == line.y2 {
                    // Axis-aligned: a rectangle, which snaps to the grid like everything else.
                    scene.items.push(Item::Fill(snap(line.bounds(), dpi)));
                } else {
                    scene.items.push(Item::Line(*line));
                }
            }
            ElementKind::Box {
                rect,
                thickness,
                fill,
            } => {
                if *fill {
                    scene.items.push(Item::Fill(snap(*rect, dpi)));
                } else {
                    let t = thickness.min(rect.w / 2.0).min(rect.h / 2.0);
                    let sides = [
                        Rect::new(rect.x, rect.y, rect.w, t),
                        Rect::new(rect.x, rect.bottom() - t, rect.w, t),
                        Rect::new(rect.x, rect.y + t, t, rect.h - 2.0 * t),
                        Rect::new(rect.right() - t, rect.y + t, t, rect.h - 2.0 * t),
                    ];
                    for side in sides {
                        scene.items.push(Item::Fill(snap(side, dpi)));
                    }
                }
            }
            ElementKind::Image { rect, bitmap } => scene.items.push(Item::Image {
                rect: snap(*rect, dpi),
                bitmap: bitmap.clone(),
            }),
        }
    }
    Ok(Composed { scene, warnings })
}

/// Moves a rectangle's edges to the nearest dots (keeping at least one dot of size).
fn snap(rect: Rect, dpi: Option<u32>) -> Rect {
    let Some(dpi) = dpi else {
        return rect;
    };
    let x0 = mm_to_dots(rect.x, dpi).round();
    let y0 = mm_to_dots(rect.y, dpi).round();
    let x1 = mm_to_dots(rect.right(), dpi).round().max(x0 + 1.0);
    let y1 = mm_to_dots(rect.bottom(), dpi).round().max(y0 + 1.0);
    Rect::new(
        dots_to_mm(x0, dpi),
        dots_to_mm(y0, dpi),
        dots_to_mm(x1 - x0, dpi),
        dots_to_mm(y1 - y0, dpi),
    )
}

fn place_text(
    scene: &mut Scene,
    warnings: &mut Vec<ComposeWarning>,
    element: &str,
    spec: &TextSpec,
    text: &str,
) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let font = spec.style.font();
    let fitted = text::fit(
        font,
        text,
        &text::Constraints {
            width_mm: spec.rect.w,
            height_mm: spec.rect.h,
            size_pt: spec.size_pt,
            min_size_pt: spec.min_size_pt,
            max_lines: spec.max_lines,
        },
    );
    let em = pt_to_mm(fitted.size_pt);
    let line_h = f64::from(font.line_height_em()) * em;
    let block_h = line_h * fitted.lines.len() as f64;
    let top = spec.rect.y
        + match spec.valign {
            VAlign::Top => 0.0,
            VAlign::Middle => ((spec.rect.h - block_h) / 2.0).max(0.0),
            VAlign::Bottom => (spec.rect.h - block_h).max(0.0),
        };
    let ascent = f64::from(font.ascent_em()) * em;
    for (i, line) in fitted.lines.iter().enumerate() {
        let (glyphs, width_em, missing) = font.layout_line(line);
        for ch in missing {
            let warning = ComposeWarning::MissingGlyph {
                label: scene.label_name.clone(),
                element: element.to_string(),
                ch,
                font: font.postscript_name(),
            };
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        let width = f64::from(width_em) * em;
        let x = spec.rect.x + spec.align.offset(spec.rect.w - width);
        scene.items.push(Item::Text(TextRun {
            element: element.to_string(),
            x,
            baseline: top + ascent + line_h * i as f64,
            size_pt: fitted.size_pt,
            style: spec.style,
            glyphs,
        }));
    }
}

fn place_barcode(
    element: &str,
    spec: &BarcodeSpec,
    value: &str,
    dpi: Option<u32>,
    label: &str,
) -> Result<BarcodeItem, ComposeError> {
    if value.is_empty() {
        return Err(ComposeError::EmptyBarcode {
            label: label.to_string(),
            element: element.to_string(),
        });
    }
    barcode_item(element, value, &spec.placement, dpi).map_err(|err| match err {
        PlaceError::Encode(source) => ComposeError::Encode {
            label: label.to_string(),
            element: element.to_string(),
            value: value.to_string(),
            source: Box::new(source),
        },
        PlaceError::Size(source) => ComposeError::Size {
            label: label.to_string(),
            element: element.to_string(),
            value: value.to_string(),
            source: Box::new(source),
        },
    })
}

#[cfg(test)]
mod tests;

/// Composes every label of a posting (see [`labels_for_posting`]).
pub fn compose_posting(
    posting: &Posting,
    template: &Template,
    dpi: Option<u32>,
) -> Result<Vec<Composed>, ComposeError> {
    labels_for_posting(posting, template.repeat)
        .iter()
        .map(|data| compose(template, data, dpi))
        .collect()
}
