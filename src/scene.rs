//! A composed label: everything a backend draws, with every layout decision already taken.
//!
//! Lengths are millimetres, measured from the top-left corner of the page with y growing downwards (the
//! way a label is designed and the way a printer feeds it). Backends convert: the PDF writer to points
//! with y up, the rasteriser to dots. A scene composed for a target resolution ([`Scene::grid_dpi`]) has
//! every barcode bar edge on that resolution's dot grid, so the rasteriser at that resolution and a
//! printer at it reproduce the bars exactly.

use std::sync::Arc;

use crate::barcode::Symbology;
use crate::bitmap::Bitmap;
use crate::font::{FontStyle, LineGlyph};
use crate::units::pt_to_mm;

/// Resolutions labels are laid out and rendered for, in dots per inch.
pub const DPI_RANGE: std::ops::RangeInclusive<u32> = 72..=1200;
/// The resolution labels are laid out for unless told otherwise: the common thermal printer.
pub const DEFAULT_DPI: u32 = 203;

/// An axis-aligned rectangle in millimetres (top-left corner, size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// A rectangle from its top-left corner and size.
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two rectangles share some area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        const EPS: f64 = 1e-9;
        self.x < other.right() - EPS
            && other.x < self.right() - EPS
            && self.y < other.bottom() - EPS
            && other.y < self.bottom() - EPS
    }
}

/// A composed label page.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Page width in millimetres.
    pub width_mm: f64,
    /// Page height in millimetres.
    pub height_mm: f64,
    /// The resolution the layout was aligned to, if any.
    pub grid_dpi: Option<u32>,
    /// What to draw, in painting order.
    pub items: Vec<Item>,
    /// The posting number (or other name) of the label, for file names and messages.
    pub label_name: String,
}

/// One thing to draw.
#[derive(Debug, Clone)]
pub enum Item {
    /// A solid black rectangle (also lines and box outlines, which compose turns into rectangles).
    Fill(Rect),
    /// A slanted line (compose turns axis-aligned ones into [`Item::Fill`]).
    Line(Segment),
    /// A barcode: its bars (or matrix cells) as black rectangles.
    Barcode(BarcodeItem),
    /// One line of text.
    Text(TextRun),
    /// A 1-bit image stretched to a rectangle.
    Image {
        /// Where the image goes.
        rect: Rect,
        /// The image; shared between all labels of a template so a PDF embeds it once.
        bitmap: Arc<Bitmap>,
    },
}

/// A straight line of some thickness, centred on the segment between its ends; millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start x.
    pub x1: f64,
    /// Start y.
    pub y1: f64,
    /// End x.
    pub x2: f64,
    /// End y.
    pub y2: f64,
    /// Thickness.
    pub thickness: f64,
}

impl Segment {
    /// The area the line covers: its thickness sticks out across its main direction only, the ends
    /// are flat.
    pub fn bounds(&self) -> Rect {
        let Segment {
            x1,
            y1,
            x2,
            y2,
            thickness,
        } = *self;
        let half = thickness / 2.0;
        let (hx, hy) = if (x2 - x1).abs() >= (y2 - y1).abs() {
            (0.0, half)
        } else {
            (half, 0.0)
        };
        let x = x1.min(x2) - hx;
        let y = y1.min(y2) - hy;
        Rect::new(x, y, (x2 - x1).abs() + 2.0 * hx, (y2 - y1).abs() + 2.0 * hy)
    }
}

/// A placed barcode symbol.
#[derive(Debug, Clone)]
pub struct BarcodeItem {
    /// Template element that produced it.
    pub element: String,
    /// The encoded value.
    pub value: String,
    /// The symbology.
    pub symbology: Symbology,
    /// Module (narrowest bar) width in millimetres.
    pub module_mm: f64,
    /// Module width in dots of [`Scene::grid_dpi`], when the scene has a grid.
    pub module_dots: Option<u32>,
    /// The symbol including its quiet zones: nothing else may be drawn here.
    pub bounds: Rect,
    /// Dark bars or cells.
    pub bars: Vec<Rect>,
}

/// A line of text: glyphs of one font at one size on one baseline.
#[derive(Debug, Clone)]
pub struct TextRun {
    /// Template element that produced it.
    pub element: String,
    /// Left end of the baseline.
    pub x: f64,
    /// Baseline position.
    pub baseline: f64,
    /// Font size in points (1/72 inch): the em square.
    pub size_pt: f64,
    /// Which bundled font.
    pub style: FontStyle,
    /// The glyphs with pen positions in em.
    pub glyphs: Vec<LineGlyph>,
}

impl TextRun {
    /// The em size in millimetres.
    pub fn em_mm(&self) -> f64 {
        pt_to_mm(self.size_pt)
    }

    /// The text the run shows (including characters drawn as the missing-glyph box).
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
}

impl Scene {
    /// All text of the label, one run per line, in painting order (for tests and previews).
    pub fn text_lines(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text(run) => Some(run.text()),
                _ => None,
            })
            .collect()
    }

    /// The barcodes of the label.
    pub fn barcodes(&self) -> impl Iterator<Item = &BarcodeItem> {
        self.items.iter().filter_map(|item| match item {
            Item::Barcode(b) => Some(b),
            _ => None,
        })
    }
}
