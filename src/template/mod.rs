//! Label templates: a page in millimetres and the elements on it, bound to label fields by name.
//!
//! Templates are TOML (reference in `docs/labels.md`). The built-in ones live in `templates/` and are
//! compiled into the binary; a user file is loaded with [`Template::load`]. Everything that can be checked
//! without a posting is checked when the template is loaded: unknown fields, elements outside the page,
//! barcodes that overlap each other or text, impossible sizes. Each error names the element.
//!
//! ```
//! use shiplabel::template::Template;
//!
//! let template = Template::builtin("ozon-fbs")?;
//! assert_eq!((template.page.width_mm, template.page.height_mm), (75.0, 120.0));
//! # Ok::<(), shiplabel::template::TemplateError>(())
//! ```

mod builtin;
mod expr;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::barcode::Symbology;
use crate::bitmap::Bitmap;
use crate::font::FontStyle;
use crate::label::{Field, FieldKind, LabelData};
use crate::scene::{pt_to_mm, Rect, Segment};

pub use builtin::{builtin_names, builtin_source, BUILTIN, DEFAULT_TEMPLATE};
pub use expr::{Expr, ExprError};

/// Tolerance for "inside the page": a hundredth of a micrometre absorbs decimal-to-binary rounding.
const EPS_MM: f64 = 1e-5;

/// A loaded, checked template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Short name (`ozon-fbs`); for a file, its `name` key or the file stem.
    pub name: String,
    /// One line saying what the template is for.
    pub description: String,
    /// Where it came from: `built-in` or the file path.
    pub origin: String,
    /// The page.
    pub page: Page,
    /// One label per posting box, or one per product line.
    pub repeat: Repeat,
    /// The elements, in painting order.
    pub elements: Vec<Element>,
}

/// The label page, already turned to its orientation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Width in millimetres.
    pub width_mm: f64,
    /// Height in millimetres.
    pub height_mm: f64,
}

use crate::label::Repeat;

/// Horizontal alignment within an element's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left edge.
    Left,
    /// Centre.
    Center,
    /// Right edge.
    Right,
}

impl Align {
    /// Where something aligned this way starts, measured from the start of its box, given the `slack`
    /// (box width minus the thing's width): none of the slack, half of it, or all of it.
    pub fn offset(self, slack: f64) -> f64 {
        match self {
            Align::Left => 0.0,
            Align::Center => slack / 2.0,
            Align::Right => slack,
        }
    }
}

/// Vertical alignment within an element's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    /// Top edge.
    Top,
    /// Middle.
    Middle,
    /// Bottom edge.
    Bottom,
}

/// One element of a template.
#[derive(Debug, Clone)]
pub struct Element {
    /// The element's name (its `name` key, or `type #n`), used in every message about it.
    pub name: String,
    /// Draw the element only when this field is present (non-empty, non-zero, set).
    pub when: Option<Field>,
    /// What the element draws.
    pub kind: ElementKind,
}

/// The kinds of elements.
#[derive(Debug, Clone)]
pub enum ElementKind {
    /// A barcode in a box.
    Barcode(BarcodeSpec),
    /// Text fitted into a box.
    Text(TextSpec),
    /// A straight line.
    Line(Segment),
    /// A rectangle, outlined or filled.
    Box {
        /// The rectangle.
        rect: Rect,
        /// Outline thickness (mm).
        thickness: f64,
        /// Filled black instead of outlined.
        fill: bool,
    },
    /// A 1-bit image stretched to a box.
    Image {
        /// The box.
        rect: Rect,
        /// The image, thresholded to black and white when loaded.
        bitmap: Arc<Bitmap>,
    },
}

/// A barcode element.
#[derive(Debug, Clone)]
pub struct BarcodeSpec {
    /// The value.
    pub value: Expr,
    /// Symbology, box (symbol and quiet zones must fit inside), alignment and module limits.
    pub placement: BarcodeBox,
}

/// Where and how a barcode is placed, independent of where its value comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarcodeBox {
    /// The symbology.
    pub symbology: Symbology,
    /// The box in millimetres: symbol and quiet zones stay inside it.
    pub rect: Rect,
    /// Horizontal placement of the symbol in the box.
    pub align: Align,
    /// Largest module in dots at the target resolution; a smaller one is used only when this does not fit.
    pub max_module_dots: Option<u32>,
    /// Smallest acceptable module in dots; below it placing fails rather than give an unreadable code.
    pub min_module_dots: u32,
    /// Largest module in millimetres when placing without a target resolution.
    pub max_module_mm: Option<f64>,
}

impl BarcodeBox {
    /// A box that takes the largest module that fits, at least one dot, with no upper limit.
    pub fn new(symbology: Symbology, rect: Rect, align: Align) -> BarcodeBox {
        BarcodeBox {
            symbology,
            rect,
            align,
            max_module_dots: None,
            min_module_dots: 1,
            max_module_mm: None,
        }
    }
}

/// A text element.
#[derive(Debug, Clone)]
pub struct TextSpec {
    /// The box the text must fit.
    pub rect: Rect,
    /// The text.
    pub value: Expr,
    /// Font size to start from, in points.
    pub size_pt: f64,
    /// Smallest size shrinking may reach before the text wraps, in points.
    pub min_size_pt: f64,
    /// Regular or bold.
    pub style: FontStyle,
    /// Horizontal alignment of each line.
    pub align: Align,
    /// Vertical alignment of the block of lines.
    pub valign: VAlign,
    /// Most lines the text may wrap to (also limited by the box height).
    pub max_lines: u32,
}

/// A template that cannot be used. Messages name the template and, where there is one, the element.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// No built-in template by that name and no such file.
    #[error("no template named {name:?} (built-in: {available}) and no such file")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The built-in names.
        available: String,
    },
    /// The file could not be read.
    #[error("cannot read template {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML, or keys of the wrong type; the message gives line and column.
    #[error("template {origin}: {message}")]
    Syntax {
        /// File path or built-in name.
        origin: String,
        /// The TOML parser's message.
        message: String,
    },
    /// The page itself is wrong.
    #[error("template {origin}: page: {problem}")]
    Page {
        /// File path or built-in name.
        origin: String,
        /// What is wrong.
        problem: String,
    },
    /// An element that binds a field the label does not have, or a malformed value.
    #[error("template {origin}: element {element:?}: {key}: {source}")]
    Expr {
        /// File path or built-in name.
        origin: String,
        /// The element.
        element: String,
        /// The key holding the expression (`value`).
        key: &'static str,
        /// What is wrong with it.
        #[source]
        source: Box<ExprError>,
    },
    /// An element that reaches past the page.
    #[error("template {origin}: element {element:?} ({x:.2}, {y:.2})–({right:.2}, {bottom:.2}) mm lies outside the {width} × {height} mm page")]
    OutsidePage {
        /// File path or built-in name.
        origin: String,
        /// The element.
        element: String,
        /// Left edge.
        x: f64,
        /// Top edge.
        y: f64,
        /// Right edge.
        right: f64,
        /// Bottom edge.
        bottom: f64,
        /// Page width.
        width: f64,
        /// Page height.
        height: f64,
    },
    /// A barcode's box overlapping another barcode, text or an image: a scanner would misread both.
    #[error("template {origin}: element {element:?} overlaps barcode {barcode:?}")]
    OverlapsBarcode {
        /// File path or built-in name.
        origin: String,
        /// The element drawn over the barcode.
        element: String,
        /// The barcode element.
        barcode: String,
    },
    /// Any other problem with one element (missing key, bad size, unknown symbology, unreadable image).
    #[error("template {origin}: element {element:?}: {problem}")]
    Element {
        /// File path or built-in name.
        origin: String,
        /// The element.
        element: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: Option<String>,
    description: Option<String>,
    repeat: Option<String>,
    page: RawPage,
    #[serde(default, rename = "element")]
    elements: Vec<RawElement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    size: [f64; 2],
    orientation: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    when: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    width: Option<f64>,
    height: Option<f64>,
    x2: Option<f64>,
    y2: Option<f64>,
    value: Option<String>,
    symbology: Option<String>,
    module_dots: Option<u32>,
    min_module_dots: Option<u32>,
    module_mm: Option<f64>,
    align: Option<String>,
    valign: Option<String>,
    size: Option<f64>,
    min_size: Option<f64>,
    bold: Option<bool>,
    max_lines: Option<u32>,
    thickness: Option<f64>,
    fill: Option<bool>,
    file: Option<String>,
}

impl Template {
    /// A built-in template by name (see [`builtin_names`]).
    pub fn builtin(name: &str) -> Result<Template, TemplateError> {
        let source = builtin_source(name).ok_or_else(|| TemplateError::Unknown {
            name: name.to_string(),
            available: builtin_names().join(", "),
        })?;
        Template::from_toml(source, &format!("built-in {name}"), None)
    }

    /// A built-in template when `name_or_path` names one, otherwise the template file at that path.
    pub fn load(name_or_path: &str) -> Result<Template, TemplateError> {
        let path = Path::new(name_or_path);
        // Neither a built-in nor a file: `builtin` gives the error that lists the built-in names.
        if builtin_source(name_or_path).is_some() || !path.exists() {
            return Template::builtin(name_or_path);
        }
        Template::from_file(path)
    }

    /// Loads a template file; image paths in it are relative to its directory.
    pub fn from_file(path: &Path) -> Result<Template, TemplateError> {
        let source = crate::limits::read_text_capped(path, crate::limits::MAX_TEMPLATE_BYTES)
            .map_err(|source| TemplateError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let mut template =
            Template::from_toml(&source, &path.display().to_string(), path.parent())?;
        if template.name.is_empty() {
            template.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        Ok(template)
    }

    /// Parses and checks a template. `origin` names it in errors; `base_dir` resolves image files
    /// (without one, image elements are an error).
    pub fn from_toml(
        source: &str,
        origin: &str,
        base_dir: Option<&Path>,
    ) -> Result<Template, TemplateError> {
        let raw: RawTemplate = toml::from_str(source).map_err(|e| TemplateError::Syntax {
            origin: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let page_err = |problem: String| TemplateError::Page {
            origin: origin.to_string(),
            problem,
        };
        let [a, b] = raw.page.size;
        if !(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0 && a <= 2000.0 && b <= 2000.0) {
            return Err(page_err(format!(
                "size [{a}, {b}] must be two positive lengths in mm (at most 2000)"
            )));
        }
        let (width_mm, height_mm) = match raw.page.orientation.as_deref() {
            None => (a, b),
            Some("portrait") => (a.min(b), a.max(b)),
            Some("landscape") => (a.max(b), a.min(b)),
            Some(other) => {
                return Err(page_err(format!(
                    "orientation {other:?}: expected \"portrait\" or \"landscape\""
                )))
            }
        };
        let repeat = match raw.repeat.as_deref() {
            None | Some("posting") => Repeat::Posting,
            Some("product") => Repeat::Product,
            Some(other) => {
                return Err(page_err(format!(
                    "repeat {other:?}: expected \"posting\" or \"product\""
                )))
            }
        };
        let page = Page {
            width_mm,
            height_mm,
        };
        if raw.elements.len() > crate::limits::MAX_TEMPLATE_ELEMENTS {
            return Err(TemplateError::Syntax {
                origin: origin.to_string(),
                message: format!(
                    "{} elements; a template has at most {}",
                    raw.elements.len(),
                    crate::limits::MAX_TEMPLATE_ELEMENTS
                ),
            });
        }
        let mut elements = Vec::with_capacity(raw.elements.len());
        for (index, raw_element) in raw.elements.into_iter().enumerate() {
            elements.push(element_from_raw(raw_element, index, origin, base_dir)?);
        }
        let template = Template {
            name: raw.name.unwrap_or_default(),
            description: raw.description.unwrap_or_default(),
            origin: origin.to_string(),
            page,
            repeat,
            elements,
        };
        template.check_geometry()?;
        Ok(template)
    }

    /// Checks that every element lies on the page and that nothing is drawn over a barcode.
    fn check_geometry(&self) -> Result<(), TemplateError> {
        let page = &self.page;
        for element in &self.elements {
            let r = element.bounds();
            if r.x < -EPS_MM
                || r.y < -EPS_MM
                || r.right() > page.width_mm + EPS_MM
                || r.bottom() > page.height_mm + EPS_MM
            {
                return Err(TemplateError::OutsidePage {
                    origin: self.origin.clone(),
                    element: element.name.clone(),
                    x: r.x,
                    y: r.y,
                    right: r.right(),
                    bottom: r.bottom(),
                    width: page.width_mm,
                    height: page.height_mm,
                });
            }
        }
        for (i, barcode) in self.elements.iter().enumerate() {
            let ElementKind::Barcode(spec) = &barcode.kind else {
                continue;
            };
            for (j, other) in self.elements.iter().enumerate() {
                let draws_inside = matches!(
                    other.kind,
                    ElementKind::Barcode(_) | ElementKind::Text(_) | ElementKind::Image { .. }
                );
                // Two barcodes are reported once, by the later one.
                let already = matches!(other.kind, ElementKind::Barcode(_)) && j < i;
                if i != j
                    && draws_inside
                    && !already
                    && spec.placement.rect.overlaps(&other.bounds())
                {
                    return Err(TemplateError::OverlapsBarcode {
                        origin: self.origin.clone(),
                        element: other.name.clone(),
                        barcode: barcode.name.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The fields the template reads, each once, in the order they first appear.
    pub fn fields(&self) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        for element in &self.elements {
            let exprs = match &element.kind {
                ElementKind::Barcode(b) => Some(&b.value),
                ElementKind::Text(t) => Some(&t.value),
                _ => None,
            };
            for field in exprs.into_iter().flat_map(Expr::fields).chain(element.when) {
                if !out.contains(&field) {
                    out.push(field);
                }
            }
        }
        out
    }
}

impl Element {
    /// The area the element covers on the page, in millimetres.
    pub fn bounds(&self) -> Rect {
        match &self.kind {
            ElementKind::Barcode(b) => b.placement.rect,
            ElementKind::Text(t) => t.rect,
            ElementKind::Box { rect, .. } | ElementKind::Image { rect, .. } => *rect,
            ElementKind::Line(segment) => segment.bounds(),
        }
    }
}

/// Keys each element type accepts besides `type`, `name` and `when`.
fn allowed_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "barcode" => &[
            "x",
            "y",
            "width",
            "height",
            "value",
            "symbology",
            "module_dots",
            "min_module_dots",
            "module_mm",
            "align",
        ],
        "text" => &[
            "x",
            "y",
            "width",
            "height",
            "value",
            "size",
            "min_size",
            "bold",
            "align",
            "valign",
            "max_lines",
        ],
        "line" => &["x", "y", "x2", "y2", "thickness"],
        "box" => &["x", "y", "width", "height", "thickness", "fill"],
        "image" => &["x", "y", "width", "height", "file"],
        _ => return None,
    })
}

fn present_keys(raw: &RawElement) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let mut add = |name: &'static str, present: bool| {
        if present {
            keys.push(name);
        }
    };
    add("x", raw.x.is_some());
    add("y", raw.y.is_some());
    add("width", raw.width.is_some());
    add("height", raw.height.is_some());
    add("x2", raw.x2.is_some());
    add("y2", raw.y2.is_some());
    add("value", raw.value.is_some());
    add("symbology", raw.symbology.is_some());
    add("module_dots", raw.module_dots.is_some());
    add("min_module_dots", raw.min_module_dots.is_some());
    add("module_mm", raw.module_mm.is_some());
    add("align", raw.align.is_some());
    add("valign", raw.valign.is_some());
    add("size", raw.size.is_some());
    add("min_size", raw.min_size.is_some());
    add("bold", raw.bold.is_some());
    add("max_lines", raw.max_lines.is_some());
    add("thickness", raw.thickness.is_some());
    add("fill", raw.fill.is_some());
    add("file", raw.file.is_some());
    keys
}

fn element_from_raw(
    raw: RawElement,
    index: usize,
    origin: &str,
    base_dir: Option<&Path>,
) -> Result<Element, TemplateError> {
    let name = raw
        .name
        .clone()
        .unwrap_or_else(|| format!("{} #{}", raw.kind, index + 1));
    let err = |problem: String| TemplateError::Element {
        origin: origin.to_string(),
        element: name.clone(),
        problem,
    };
    let allowed = allowed_keys(&raw.kind).ok_or_else(|| {
        err(format!(
            "type {:?}: expected barcode, text, line, box or image",
            raw.kind
        ))
    })?;
    if let Some(key) = present_keys(&raw)
        .into_iter()
        .find(|k| !allowed.contains(k))
    {
        return Err(err(format!(
            "key `{key}` does not apply to a {} element",
            raw.kind
        )));
    }
    let length = |key: &str, value: Option<f64>| -> Result<f64, TemplateError> {
        let v = value.ok_or_else(|| err(format!("missing `{key}` (mm)")))?;
        if !v.is_finite() {
            return Err(err(format!("`{key}` = {v} is not a length")));
        }
        Ok(v)
    };
    let positive = |key: &str, value: Option<f64>| -> Result<f64, TemplateError> {
        let v = length(key, value)?;
        if v <= 0.0 {
            return Err(err(format!("`{key}` = {v} must be more than 0")));
        }
        Ok(v)
    };
    let expr = |value: &Option<String>| -> Result<Expr, TemplateError> {
        let source = value
            .as_deref()
            .ok_or_else(|| err("missing `value`".into()))?;
        Expr::parse(source).map_err(|source| TemplateError::Expr {
            origin: origin.to_string(),
            element: name.clone(),
            key: "value",
            source: Box::new(source),
        })
    };
    let align = match raw.align.as_deref() {
        None => None,
        Some("left") => Some(Align::Left),
        Some("center") | Some("centre") => Some(Align::Center),
        Some("right") => Some(Align::Right),
        Some(other) => {
            return Err(err(format!(
                "align {other:?}: expected left, center or right"
            )))
        }
    };
    let when = match raw.when.as_deref() {
        None => None,
        Some(field) => Some(Field::from_name(field.trim()).ok_or_else(|| {
            err(format!(
                "when: unknown field `{field}` (known fields: {})",
                Field::ALL.map(Field::name).join(", ")
            ))
        })?),
    };
    let rect = |raw: &RawElement| -> Result<Rect, TemplateError> {
        Ok(Rect::new(
            length("x", raw.x)?,
            length("y", raw.y)?,
            positive("width", raw.width)?,
            positive("height", raw.height)?,
        ))
    };
    let thickness = match raw.thickness {
        None => 0.3,
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => return Err(err(format!("`thickness` = {t} must be more than 0"))),
    };
    let kind = match raw.kind.as_str() {
        "barcode" => {
            let symbology = match raw.symbology.as_deref() {
                None => Symbology::Code128,
                Some(s) => s.parse().map_err(|e| err(format!("{e}")))?,
            };
            if raw.module_dots == Some(0) || raw.min_module_dots == Some(0) {
                return Err(err("module sizes in dots must be at least 1".into()));
            }
            let min_module_dots = raw.min_module_dots.unwrap_or(1);
            if let Some(max) = raw.module_dots {
                if max < min_module_dots {
                    return Err(err(format!(
                        "module_dots = {max} is below min_module_dots = {min_module_dots}"
                    )));
                }
            }
            if let Some(mm) = raw.module_mm {
                if !(mm.is_finite() && mm > 0.0) {
                    return Err(err(format!("`module_mm` = {mm} must be more than 0")));
                }
            }
            let value = expr(&raw.value)?;
            if value.is_literal() && value.render(&LabelData::sample()).is_empty() {
                return Err(err("`value` is empty".into()));
            }
            ElementKind::Barcode(BarcodeSpec {
                value,
                placement: BarcodeBox {
                    symbology,
                    rect: rect(&raw)?,
                    align: align.unwrap_or(Align::Center),
                    max_module_dots: raw.module_dots,
                    min_module_dots,
                    max_module_mm: raw.module_mm,
                },
            })
        }
        "text" => {
            let size_pt = raw.size.unwrap_or(10.0);
            if !((2.0..=200.0).contains(&size_pt)) {
                return Err(err(format!("`size` = {size_pt} pt: expected 2 to 200")));
            }
            let min_size_pt = raw.min_size.unwrap_or(size_pt.min(6.0));
            if !(2.0..=size_pt).contains(&min_size_pt) {
                return Err(err(format!(
                    "`min_size` = {min_size_pt} pt: expected 2 pt up to `size` ({size_pt} pt)"
                )));
            }
            let valign = match raw.valign.as_deref() {
                None | Some("top") => VAlign::Top,
                Some("middle") => VAlign::Middle,
                Some("bottom") => VAlign::Bottom,
                Some(other) => {
                    return Err(err(format!(
                        "valign {other:?}: expected top, middle or bottom"
                    )))
                }
            };
            let value = expr(&raw.value)?;
            if value.fields().any(|f| f.kind() == FieldKind::Flag) {
                return Err(err(
                    "a yes/no field (multibox) belongs in `when`, not in text".into(),
                ));
            }
            let rect = rect(&raw)?;
            let style = if raw.bold.unwrap_or(false) {
                FontStyle::Bold
            } else {
                FontStyle::Regular
            };
            let line_mm = f64::from(style.font().line_height_em()) * pt_to_mm(min_size_pt);
            if rect.h + EPS_MM < line_mm {
                return Err(err(format!(
                    "height {:.2} mm is less than one line at min_size {min_size_pt} pt ({line_mm:.2} mm)",
                    rect.h
                )));
            }
            ElementKind::Text(TextSpec {
                rect,
                value,
                size_pt,
                min_size_pt,
                style,
                align: align.unwrap_or(Align::Left),
                valign,
                max_lines: raw.max_lines.unwrap_or(u32::MAX).max(1),
            })
        }
        "line" => ElementKind::Line(Segment {
            x1: length("x", raw.x)?,
            y1: length("y", raw.y)?,
            x2: length("x2", raw.x2)?,
            y2: length("y2", raw.y2)?,
            thickness,
        }),
        "box" => ElementKind::Box {
            rect: rect(&raw)?,
            thickness,
            fill: raw.fill.unwrap_or(false),
        },
        "image" => {
            let file = raw
                .file
                .as_deref()
                .ok_or_else(|| err("missing `file`".into()))?;
            let base = base_dir.ok_or_else(|| {
                err("images need a template file (paths are relative to it)".into())
            })?;
            let path = base.join(file);
            let bitmap = load_png(&path)
                .map_err(|problem| err(format!("image {}: {problem}", path.display())))?;
            ElementKind::Image {
                rect: rect(&raw)?,
                bitmap: Arc::new(bitmap),
            }
        }
        _ => unreachable!("checked by allowed_keys"),
    };
    Ok(Element { name, when, kind })
}

/// Reads a PNG as a 1-bit image ([`Bitmap::from_png`], the same conversion as printing a PNG file).
fn load_png(path: &Path) -> Result<Bitmap, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Bitmap::from_png(&bytes)
}

#[cfg(test)]
mod tests;
