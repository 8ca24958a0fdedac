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
mod text;

use crate::barcode::{BarcodeError, SizeError};
use crate::font::FontStyle;
use crate::label::{Field, LabelData};
use crate::scene::{dots_to_mm, mm_to_dots, pt_to_mm, BarcodeItem, Item, Rect, Scene, TextRun};
use crate::template::{BarcodeSpec, ElementKind, Template, TextSpec, VAlign};

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
#[non_exhaustive]
pub enum ComposeError {
    /// A field the barcode is made of has no value (absent, empty or a placeholder such as `"0"`), and
    /// no fallback the template declares has one: a barcode without it would be a wrong barcode.
    #[error("posting {label}: barcode {element:?}: {detail}; no label is made rather than one with a wrong barcode")]
    EmptyBarcode {
        /// Posting number (or label name).
        label: String,
        /// Template element.
        element: String,
        /// The fields tried, as the template names them (`upper_barcode`, or `a|b` for a fallback).
        fields: String,
        /// What each of them held.
        detail: String,
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
    compose_inner(template, data, dpi, None)
}

/// Lays out a sample of a label that nobody can ship: instead of each barcode, a framed box saying
/// [`SAMPLE_MARK`] (so nothing on it scans, and a missing barcode value is no obstacle), and a band
/// with the mark across the middle of the page. For previews of postings that may not be labelled.
pub fn compose_sample(
    template: &Template,
    data: &LabelData,
    dpi: Option<u32>,
) -> Result<Composed, ComposeError> {
    let mut boxes = Vec::new();
    let mut composed = compose_inner(template, data, dpi, Some(&mut boxes))?;
    mark_sample(&mut composed, &boxes, dpi);
    Ok(composed)
}

/// [`compose`]; with `sample_boxes`, barcode elements are not encoded but their boxes collected.
fn compose_inner(
    template: &Template,
    data: &LabelData,
    dpi: Option<u32>,
    mut sample_boxes: Option<&mut Vec<Rect>>,
) -> Result<Composed, ComposeError> {
    let dpi = dpi.filter(|&d| d > 0);
    let mut scene = Scene {
        width_mm: template.page.width_mm,
        height_mm: template.page.height_mm,
        grid_dpi: dpi,
        items: Vec::with_capacity(template.elements.len() + 8),
        label_name: data.posting_number.to_string(),
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
            ElementKind::Barcode(spec) if sample_boxes.is_some() => {
                if let Some(boxes) = sample_boxes.as_deref_mut() {
                    boxes.push(spec.placement.rect);
                }
            }
            ElementKind::Barcode(spec) => {
                if let Some(fields) = spec.value.absent_field(data) {
                    return Err(empty_barcode(
                        &scene.label_name,
                        &element.name,
                        fields,
                        data,
                    ));
                }
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

/// The error for a barcode whose field (and every declared fallback) has no value, saying what each held.
fn empty_barcode(label: &str, element: &str, fields: &[Field], data: &LabelData) -> ComposeError {
    let held: Vec<String> = fields
        .iter()
        .map(|&f| match data.raw_text(f).map(str::trim) {
            Some(raw) if !raw.is_empty() => format!("{} is the placeholder {raw:?}", f.name()),
            _ => format!("{} is missing", f.name()),
        })
        .collect();
    ComposeError::EmptyBarcode {
        label: label.to_string(),
        element: element.to_string(),
        fields: fields
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join("|"),
        detail: held.join(", "),
    }
}

/// The words across a sample label, Russian first (the packers' language), then English.
pub const SAMPLE_MARK: &str = "ОБРАЗЕЦ — НЕ ОТПРАВЛЯТЬ\nSAMPLE — DO NOT SHIP";

/// Draws the sample mark in each of `boxes` (where the barcodes would be) and in a band across the
/// middle of the page.
fn mark_sample(composed: &mut Composed, boxes: &[Rect], dpi: Option<u32>) {
    let scene = &mut composed.scene;
    let mut boxes = boxes.to_vec();
    let (w, h) = (scene.width_mm, scene.height_mm);
    // The band across the middle: on a label without barcodes it is the mark.
    boxes.push(Rect::new(w * 0.05, h * 0.4, w * 0.9, h * 0.2));
    for rect in boxes {
        let t = 0.8_f64.min(rect.w / 4.0).min(rect.h / 4.0);
        for side in [
            Rect::new(rect.x, rect.y, rect.w, t),
            Rect::new(rect.x, rect.bottom() - t, rect.w, t),
            Rect::new(rect.x, rect.y + t, t, rect.h - 2.0 * t),
            Rect::new(rect.right() - t, rect.y + t, t, rect.h - 2.0 * t),
        ] {
            scene.items.push(Item::Fill(snap(side, dpi)));
        }
        let inner = Rect::new(
            rect.x + 2.0 * t,
            rect.y + 2.0 * t,
            rect.w - 4.0 * t,
            rect.h - 4.0 * t,
        );
        if inner.w <= 0.0 || inner.h <= 0.0 {
            continue;
        }
        let spec = TextSpec {
            rect: inner,
            value: crate::template::Expr::literal(SAMPLE_MARK),
            size_pt: 16.0,
            min_size_pt: 3.0,
            style: FontStyle::Bold,
            align: crate::template::Align::Center,
            valign: VAlign::Middle,
            max_lines: 2,
        };
        place_text(
            scene,
            &mut composed.warnings,
            "sample mark",
            &spec,
            SAMPLE_MARK,
        );
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
            fields: String::new(),
            detail: "the value is empty".to_string(),
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
