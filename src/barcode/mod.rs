//! Barcodes: data → modules, then modules → printer dots.
//!
//! Encoding and sizing are two steps. [`encode`] validates a value and turns it into a [`Symbol`]: a row of
//! modules for the linear symbologies (bar = `true`, quiet zones not included) or a grid of cells for QR and
//! DataMatrix, plus the quiet zone the symbology requires and the human-readable line. [`fit`] then chooses
//! the module size for a box on the label: on a printer's dot grid a whole number of dots per module, so no
//! bar ever lands between two dots.
//!
//! ```
//! use shiplabel::barcode::{encode, fit, Symbology};
//!
//! let symbol = encode(Symbology::Code128, "0132112277-0101-1")?;
//! // A 75 mm × 20 mm box on a 203 dpi printer: the largest whole number of dots per module that fits.
//! let size = fit(&symbol, 75.0, 20.0, Some(203), None)?;
//! assert_eq!(size.module_dots, Some(3));
//! let bitmap = symbol.to_bitmap(3, 160, true);
//! assert_eq!(Some(bitmap.width()), size.total_width_dots);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod code128;
mod code39;
mod ean;
mod fit;
pub mod gs1;
mod itf;
mod matrix;
mod render;

pub use fit::{fit, Fit, SizeError};
pub use render::{raster, svg, TEXT_GAP_MM, TEXT_HEIGHT_MM};

use crate::bitmap::Bitmap;

/// The symbologies shiplabel encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum Symbology {
    /// Code 128 with automatic, optimal code-set selection; ASCII, and ISO 8859-1 (Latin-1) characters
    /// U+0080–U+00FF through FNC4.
    Code128,
    /// GS1-128: Code 128 with FNC1 and GS1 application identifiers, written `(01)04601234567893(21)ABC`.
    Gs1_128,
    /// EAN-13: 12 digits (check digit computed) or 13 (check digit verified); an EAN-2 or EAN-5 add-on after
    /// a `+`: `4601234567893+12`.
    Ean13,
    /// EAN-8: 7 digits (check digit computed) or 8 (check digit verified).
    Ean8,
    /// UPC-A: 11 digits (check digit computed) or 12 (verified); add-on after a `+` as for EAN-13.
    UpcA,
    /// UPC-E: 6 digits (number system 0), 7 (number system 0 or 1, then 6 digits) or 8 (with the check digit
    /// of the expanded UPC-A, verified); add-on after a `+` as for EAN-13.
    UpcE,
    /// ITF-14 (interleaved 2 of 5, shipping containers): 13 digits or 14 with a verified check digit; bearer
    /// bars top and bottom, as GS1 asks for on labels.
    Itf14,
    /// ITF-14 with the bearer bars as a frame around the symbol and its quiet zones, as GS1 asks for when
    /// printing straight on corrugated board.
    Itf14Frame,
    /// Code 39: digits, upper-case letters, space and `- . $ / + %`.
    Code39,
    /// Code 39 with its optional modulo-43 check character appended (computed, never given).
    Code39Mod43,
    /// QR Code, error correction level M, any text (UTF-8 bytes).
    Qr,
    /// DataMatrix ECC 200, any text (UTF-8 bytes).
    DataMatrix,
    /// GS1 DataMatrix: FNC1 first, GS separators kept (Честный ЗНАК marking codes). Input as for
    /// [`Symbology::Gs1_128`]: AIs in parentheses, or the raw element string with GS (0x1D) separators.
    Gs1DataMatrix,
}

impl Symbology {
    /// Every symbology, in the order the CLI lists them.
    pub const ALL: [Symbology; 13] = [
        Symbology::Code128,
        Symbology::Gs1_128,
        Symbology::Ean13,
        Symbology::Ean8,
        Symbology::UpcA,
        Symbology::UpcE,
        Symbology::Itf14,
        Symbology::Itf14Frame,
        Symbology::Code39,
        Symbology::Code39Mod43,
        Symbology::Qr,
        Symbology::DataMatrix,
        Symbology::Gs1DataMatrix,
    ];

    /// The name used on the command line and in templates.
    pub fn name(self) -> &'static str {
        match self {
            Symbology::Code128 => "code128",
            Symbology::Gs1_128 => "gs1-128",
            Symbology::Ean13 => "ean13",
            Symbology::Ean8 => "ean8",
            Symbology::UpcA => "upca",
            Symbology::UpcE => "upce",
            Symbology::Itf14 => "itf14",
            Symbology::Itf14Frame => "itf14-frame",
            Symbology::Code39 => "code39",
            Symbology::Code39Mod43 => "code39-mod43",
            Symbology::Qr => "qr",
            Symbology::DataMatrix => "datamatrix",
            Symbology::Gs1DataMatrix => "gs1-datamatrix",
        }
    }

    /// Whether the symbol is a grid of cells (QR, DataMatrix) rather than a row of bars.
    pub fn is_matrix(self) -> bool {
        matches!(
            self,
            Symbology::Qr | Symbology::DataMatrix | Symbology::Gs1DataMatrix
        )
    }
}

impl std::fmt::Display for Symbology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A symbology name that is not one of [`Symbology::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown barcode type \"{}\": expected one of code128, gs1-128, ean13, ean8, upca, upce, itf14, itf14-frame, code39, code39-mod43, qr, datamatrix, gs1-datamatrix", gs1::plain(name))]
pub struct UnknownSymbology {
    /// The name as given.
    pub name: String,
}

impl std::str::FromStr for Symbology {
    type Err = UnknownSymbology;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Symbology::ALL
            .into_iter()
            .find(|sym| sym.name() == lower)
            .ok_or_else(|| UnknownSymbology {
                name: s.to_string(),
            })
    }
}

/// Why a value cannot be encoded. Positions are 1-based and count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BarcodeError {
    /// The value is empty.
    #[error("{symbology}: the value is empty")]
    Empty {
        /// The symbology asked for.
        symbology: Symbology,
    },
    /// The value is longer than the symbology (or shiplabel's documented limit for it) allows.
    #[error("{symbology}: the value has {length} characters, at most {max} fit")]
    TooLong {
        /// The symbology asked for.
        symbology: Symbology,
        /// Characters (or bytes, for QR and DataMatrix) given.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A character the symbology cannot carry.
    #[error(
        "{symbology}: character {} at position {position} cannot be encoded ({allowed})",
        gs1::show_char(*character)
    )]
    InvalidCharacter {
        /// The symbology asked for.
        symbology: Symbology,
        /// The offending character.
        character: char,
        /// Its 1-based position in the value.
        position: usize,
        /// What the symbology accepts.
        allowed: &'static str,
    },
    /// A fixed-length symbology got the wrong number of characters.
    #[error("{symbology}: the value has {}, expected {expected}", gs1::count(*length, "digit"))]
    WrongLength {
        /// The symbology asked for.
        symbology: Symbology,
        /// Digits given.
        length: usize,
        /// What is accepted, e.g. "12 (check digit computed) or 13".
        expected: &'static str,
    },
    /// A check digit that does not match the data before it.
    #[error("{symbology}: check digit {found} in {value} is wrong, expected {expected}")]
    CheckDigit {
        /// The symbology (or GS1 application identifier) being checked.
        symbology: Symbology,
        /// The digits checked.
        value: String,
        /// The digit found.
        found: char,
        /// The digit the data calls for.
        expected: char,
    },
    /// QR or DataMatrix data that does not fit the largest symbol.
    #[error("{symbology}: {length} bytes do not fit the largest symbol")]
    DoesNotFitSymbol {
        /// The symbology asked for.
        symbology: Symbology,
        /// Bytes of data given.
        length: usize,
    },
    /// A GS1 element string that is not well formed: unknown application identifier, wrong value.
    #[error("{symbology}: {message} (at position {position})")]
    Gs1 {
        /// The symbology asked for.
        symbology: Symbology,
        /// What is wrong, naming the application identifier.
        message: String,
        /// 1-based position in the value where the problem starts.
        position: usize,
    },
}

/// The shape of an encoded symbol, without quiet zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A row of modules, left to right; `true` is a bar.
    Linear {
        /// The modules.
        modules: Vec<bool>,
    },
    /// A grid of cells, row-major, top row first; `true` is dark.
    Matrix {
        /// Cells across.
        width: u32,
        /// Cells down.
        height: u32,
        /// `width × height` cells.
        cells: Vec<bool>,
    },
}

/// The quiet zone a symbology requires on each side, in modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietZone {
    /// Modules left of the symbol.
    pub left: u32,
    /// Modules right of the symbol.
    pub right: u32,
    /// Modules above (matrix codes; 0 for linear ones).
    pub top: u32,
    /// Modules below (matrix codes; 0 for linear ones).
    pub bottom: u32,
}

/// ITF-14's bearer bars: a bar across the top and bottom of the symbol, or a frame around it and its quiet
/// zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bearer {
    /// Thickness in modules. GS1 asks for at least twice the narrow bar; 5 modules as zint draws it.
    pub width_modules: u32,
    /// A frame (also left and right, outside the quiet zones) rather than top and bottom only.
    pub frame: bool,
}

/// Where a linear symbol's parts go: see [`Symbol::linear_layout`]. Units are the caller's (dots, mm).
#[derive(Debug, Clone, PartialEq)]
pub struct LinearLayout {
    /// Left edge of the first module (after the frame and the left quiet zone).
    pub bars_left: f64,
    /// Top of the bars (below a top bearer bar).
    pub bars_top: f64,
    /// Height of the bars.
    pub bars_height: f64,
    /// Bearer-bar rectangles as `[x, y, width, height]`: top, bottom, and for a frame left and right.
    pub bearers: Vec<[f64; 4]>,
}

/// A run of adjacent bars: one rectangle for a renderer to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// First module of the run, counted from the left edge of the symbol (quiet zone excluded).
    pub start: u32,
    /// Modules in the run.
    pub width: u32,
}

/// An encoded barcode: its modules, its quiet zone and its human-readable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    symbology: Symbology,
    shape: Shape,
    quiet_zone: QuietZone,
    bearer: Option<Bearer>,
    text: String,
    content: String,
}

impl Symbol {
    /// The symbology this symbol was encoded with.
    pub fn symbology(&self) -> Symbology {
        self.symbology
    }

    /// The modules (linear) or cells (matrix), without quiet zones.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The modules of a linear symbol, `None` for QR and DataMatrix.
    pub fn modules(&self) -> Option<&[bool]> {
        match &self.shape {
            Shape::Linear { modules } => Some(modules),
            Shape::Matrix { .. } => None,
        }
    }

    /// The quiet zone the symbology requires, in modules.
    pub fn quiet_zone(&self) -> QuietZone {
        self.quiet_zone
    }

    /// ITF-14's bearer bars, `None` for every other symbology. They are drawn outside the bars' height: top
    /// and bottom add `2 × width_modules` modules to the height; a frame also adds `width_modules` on each side,
    /// outside the quiet zones (counted in [`Symbol::total_width_modules`]).
    pub fn bearer(&self) -> Option<Bearer> {
        self.bearer
    }

    /// Where the parts of a linear symbol go when it is drawn with modules of `module` units and `height` units
    /// tall in all (bars and bearer bars), measured from the top left of its total width (quiet zones and
    /// frame included). The one home of the bearer-bar geometry for every renderer.
    pub fn linear_layout(&self, module: f64, height: f64) -> LinearLayout {
        let frame = f64::from(self.frame_modules()) * module;
        let total_width = f64::from(self.total_width_modules()) * module;
        let b = self
            .bearer
            .map_or(0.0, |b| f64::from(b.width_modules) * module);
        let bars_height = (height - 2.0 * b).max(0.0);
        let mut bearers = Vec::new();
        if self.bearer.is_some() {
            bearers.push([0.0, 0.0, total_width, b]);
            bearers.push([0.0, b + bars_height, total_width, b]);
            if frame > 0.0 {
                bearers.push([0.0, b, frame, bars_height]);
                bearers.push([total_width - frame, b, frame, bars_height]);
            }
        }
        LinearLayout {
            bars_left: frame + f64::from(self.quiet_zone.left) * module,
            bars_top: b,
            bars_height,
            bearers,
        }
    }

    /// The fewest modules a linear symbol may be tall: four bearer thicknesses for ITF-14 (bars at least as
    /// tall as the two bearers together), 0 (free) for the others and for matrix symbols.
    pub fn min_height_modules(&self) -> u32 {
        self.bearer.map_or(0, |b| 4 * b.width_modules)
    }

    /// Modules the frame adds on each side (0 without a frame).
    fn frame_modules(&self) -> u32 {
        self.bearer
            .filter(|b| b.frame)
            .map_or(0, |b| b.width_modules)
    }

    /// The human-readable line: the data as a person reads it (GS1 with AIs in parentheses, EAN with its
    /// check digit).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What a scanner returns when it reads the symbol: the value itself, the complete digits for EAN and
    /// ITF-14, and for GS1 the element string with GS (0x1D) where a separator stands (without the `]C1` or
    /// `]d2` symbology identifier). Tests compare decoders' output with it.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// Width of the symbol in modules, quiet zones excluded.
    pub fn width_modules(&self) -> u32 {
        match &self.shape {
            Shape::Linear { modules } => modules.len() as u32,
            Shape::Matrix { width, .. } => *width,
        }
    }

    /// Height in modules for matrix symbols; 0 for linear ones, whose bar height is free.
    pub fn height_modules(&self) -> u32 {
        match &self.shape {
            Shape::Linear { .. } => 0,
            Shape::Matrix { height, .. } => *height,
        }
    }

    /// Width including the quiet zones (and an ITF-14 bearer frame), in modules.
    pub fn total_width_modules(&self) -> u32 {
        self.width_modules()
            + self.quiet_zone.left
            + self.quiet_zone.right
            + 2 * self.frame_modules()
    }

    /// Height including the quiet zones, in modules (0 for linear symbols).
    pub fn total_height_modules(&self) -> u32 {
        match &self.shape {
            Shape::Linear { .. } => 0,
            Shape::Matrix { height, .. } => height + self.quiet_zone.top + self.quiet_zone.bottom,
        }
    }

    /// The bars of a linear symbol as runs of adjacent dark modules, left to right; empty for matrix symbols.
    pub fn dark_runs(&self) -> Vec<Run> {
        match &self.shape {
            Shape::Linear { modules } => dark_runs(modules).collect(),
            Shape::Matrix { .. } => Vec::new(),
        }
    }

    /// Rasterises the symbol with `module_dots` dots per module.
    ///
    /// Linear symbols are `bar_height_dots` tall (ITF-14's bearer bars included, at least their own
    /// thickness); matrix symbols are square cells and ignore `bar_height_dots`. With `with_quiet_zone` the required quiet zone is
    /// included as white dots (left and right for linear symbols, all four sides for matrix ones); a bearer
    /// frame always encloses its quiet zones. Take `module_dots` from [`fit`]: the bitmap is allocated whole,
    /// so an absurd module size is an absurd allocation.
    pub fn to_bitmap(
        &self,
        module_dots: u32,
        bar_height_dots: u32,
        with_quiet_zone: bool,
    ) -> Bitmap {
        let x = module_dots;
        let qz = if with_quiet_zone || self.frame_modules() > 0 {
            self.quiet_zone
        } else {
            QuietZone {
                left: 0,
                right: 0,
                top: 0,
                bottom: 0,
            }
        };
        match &self.shape {
            Shape::Linear { modules } => {
                let frame = self.frame_modules().saturating_mul(x);
                let width = (modules.len() as u32 + qz.left + qz.right)
                    .saturating_mul(x)
                    .saturating_add(2 * frame);
                // Draw one row, then repeat its packed bytes: every row of a linear symbol is the same.
                let mut row = Bitmap::new(width, 1);
                for run in dark_runs(modules) {
                    let x0 = frame + (qz.left + run.start) * x;
                    row.fill_rect(x0, 0, x0 + run.width * x, 1);
                }
                let Some(bearer) = self.bearer else {
                    let rows = row.packed().repeat(bar_height_dots as usize);
                    return Bitmap::from_packed(width, bar_height_dots, rows)
                        .unwrap_or_else(|| Bitmap::new(width, bar_height_dots));
                };
                let b = bearer.width_modules.saturating_mul(x);
                if frame > 0 {
                    row.fill_rect(0, 0, frame, 1);
                    row.fill_rect(width - frame, 0, width, 1);
                }
                let bars = bar_height_dots.saturating_sub(2 * b);
                let height = bars + 2 * b;
                let mut rows = vec![0xff_u8; row.stride() * b as usize];
                rows.extend(row.packed().repeat(bars as usize));
                rows.extend(std::iter::repeat_n(0xff, row.stride() * b as usize));
                // `from_packed` clears the bits past the width in the all-black bearer rows.
                Bitmap::from_packed(width, height, rows)
                    .unwrap_or_else(|| Bitmap::new(width, height))
            }
            Shape::Matrix {
                width,
                height,
                cells,
            } => {
                let mut bitmap = Bitmap::new(
                    (width + qz.left + qz.right).saturating_mul(x),
                    (height + qz.top + qz.bottom).saturating_mul(x),
                );
                for (row, line) in cells.chunks(*width as usize).enumerate() {
                    let y0 = (qz.top + row as u32) * x;
                    for run in dark_runs(line) {
                        let x0 = (qz.left + run.start) * x;
                        bitmap.fill_rect(x0, y0, x0 + run.width * x, y0 + x);
                    }
                }
                bitmap
            }
        }
    }
}

/// Runs of adjacent dark modules in a row (a linear symbol, or one row of a matrix symbol's cells), left
/// to right. An iterator, so that placing a symbol on every label of a batch allocates nothing for it.
pub(crate) fn dark_runs(modules: &[bool]) -> impl Iterator<Item = Run> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = modules.get(at..)?;
        let start = at + rest.iter().position(|&dark| dark)?;
        let after = modules.get(start..).unwrap_or_default();
        let width = after.iter().position(|&dark| !dark).unwrap_or(after.len());
        at = start + width;
        Some(Run {
            start: start as u32,
            width: width as u32,
        })
    })
}

/// Turns element widths (bar, space, bar, … alternating, starting with a bar) into modules.
fn widths_to_modules(widths: impl IntoIterator<Item = u8>, out: &mut Vec<bool>) {
    for (i, w) in widths.into_iter().enumerate() {
        let bar = i % 2 == 0;
        out.extend(std::iter::repeat_n(bar, usize::from(w)));
    }
}

fn linear(symbology: Symbology, modules: Vec<bool>, quiet: (u32, u32), text: String) -> Symbol {
    Symbol {
        symbology,
        bearer: None,
        shape: Shape::Linear { modules },
        quiet_zone: QuietZone {
            left: quiet.0,
            right: quiet.1,
            top: 0,
            bottom: 0,
        },
        content: text.clone(),
        text,
    }
}

/// Validates `data` for `symbology` and encodes it.
///
/// Nothing is guessed or silently changed: a character the symbology cannot carry is an error naming it and
/// its position, a wrong check digit is an error naming the expected one.
pub fn encode(symbology: Symbology, data: &str) -> Result<Symbol, BarcodeError> {
    if data.is_empty() {
        return Err(BarcodeError::Empty { symbology });
    }
    match symbology {
        Symbology::Code128 => {
            let modules = code128::encode_text(data)?;
            Ok(linear(symbology, modules, (10, 10), data.to_string()))
        }
        Symbology::Gs1_128 => {
            let elements = gs1::parse(symbology, data, gs1::Checks::Full)?;
            let mut items = vec![code128::Item::Fnc1];
            for (i, e) in elements.iter().enumerate() {
                items.extend(e.ai.bytes().chain(e.value.bytes()).map(code128::Item::Char));
                if e.needs_separator() && i + 1 < elements.len() {
                    items.push(code128::Item::Fnc1);
                }
            }
            let chars = items
                .iter()
                .filter(|&&it| it != code128::Item::Fnc1)
                .count();
            if chars > gs1::MAX_GS1_128_CHARS {
                return Err(BarcodeError::TooLong {
                    symbology,
                    length: chars,
                    max: gs1::MAX_GS1_128_CHARS,
                });
            }
            let modules = code128::modules(&code128::values(&items));
            let mut symbol = linear(symbology, modules, (10, 10), gs1::human_readable(&elements));
            symbol.content = gs1::element_string(&elements);
            Ok(symbol)
        }
        Symbology::Ean13 | Symbology::Ean8 | Symbology::UpcA | Symbology::UpcE => {
            ean_family(symbology, data)
        }
        Symbology::Itf14 | Symbology::Itf14Frame => {
            let digits = ean::complete_digits(
                symbology,
                data,
                14,
                "13 (check digit computed) or 14 (check digit verified)",
            )?;
            let mut symbol = linear(
                symbology,
                itf::modules(&digits),
                (10, 10),
                digit_text(&digits),
            );
            symbol.bearer = Some(Bearer {
                width_modules: itf::BEARER_MODULES,
                frame: symbology == Symbology::Itf14Frame,
            });
            Ok(symbol)
        }
        Symbology::Code39 | Symbology::Code39Mod43 => {
            let (modules, check) =
                code39::encode(symbology, data, symbology == Symbology::Code39Mod43)?;
            let full: String = data.chars().chain(check).collect();
            Ok(linear(symbology, modules, (10, 10), full))
        }
        Symbology::Qr => Ok(matrix(symbology, matrix::qr(data)?, 4, data.to_string())),
        Symbology::DataMatrix => Ok(matrix(
            symbology,
            matrix::datamatrix(symbology, data, false)?,
            1,
            data.to_string(),
        )),
        Symbology::Gs1DataMatrix => {
            let elements = gs1::parse(symbology, data, gs1::Checks::Full)?;
            let content = gs1::element_string(&elements);
            let shape = matrix::datamatrix(symbology, &content, true)?;
            let mut symbol = matrix(symbology, shape, 1, gs1::human_readable(&elements));
            symbol.content = content;
            Ok(symbol)
        }
    }
}

/// EAN-13, EAN-8, UPC-A and UPC-E, with an EAN-2 or EAN-5 add-on after a `+` (not for EAN-8).
fn ean_family(symbology: Symbology, data: &str) -> Result<Symbol, BarcodeError> {
    let (main, addon) = match data.split_once('+') {
        Some((main, addon)) if symbology != Symbology::Ean8 => (main, Some(addon)),
        _ => (data, None),
    };
    if main.is_empty() {
        return Err(BarcodeError::Empty { symbology });
    }
    let (digits, modules, quiet) = match symbology {
        Symbology::Ean13 => {
            let d = ean::complete_digits(
                symbology,
                main,
                13,
                "12 (check digit computed) or 13 (check digit verified)",
            )?;
            let m = ean::modules(&d);
            (d, m, (11, 7))
        }
        Symbology::Ean8 => {
            let d = ean::complete_digits(
                symbology,
                main,
                8,
                "7 (check digit computed) or 8 (check digit verified)",
            )?;
            let m = ean::modules(&d);
            (d, m, (7, 7))
        }
        Symbology::UpcA => {
            let d = ean::complete_digits(
                symbology,
                main,
                12,
                "11 (check digit computed) or 12 (check digit verified)",
            )?;
            // UPC-A is EAN-13 with a leading 0: the same bars.
            let m = ean::modules(&[&[0], d.as_slice()].concat());
            (d, m, (9, 9))
        }
        _ => {
            let d = ean::upce_digits(main)?;
            let m = ean::upce_modules(&d);
            (d, m, (9, 7))
        }
    };
    let mut text = digit_text(&digits);
    let mut content = text.clone();
    let mut modules = modules;
    let mut quiet = quiet;
    if let Some(addon) = addon {
        let a = ean::addon_digits(symbology, addon, main.chars().count() + 2)?;
        modules.extend(std::iter::repeat_n(false, ean::addon_gap(symbology)));
        modules.extend(ean::addon_modules(&a));
        quiet.1 = 5;
        text = format!("{text} {}", digit_text(&a));
        content.push_str(&digit_text(&a));
    }
    let mut symbol = linear(symbology, modules, quiet, text);
    symbol.content = content;
    Ok(symbol)
}

fn digit_text(digits: &[u32]) -> String {
    digits
        .iter()
        .filter_map(|&d| char::from_digit(d, 10))
        .collect()
}

fn matrix(symbology: Symbology, shape: Shape, quiet: u32, text: String) -> Symbol {
    Symbol {
        symbology,
        bearer: None,
        shape,
        quiet_zone: QuietZone {
            left: quiet,
            right: quiet,
            top: quiet,
            bottom: quiet,
        },
        content: text.clone(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Symbology::ALL {
            assert_eq!(s.to_string().parse::<Symbology>(), Ok(s));
        }
        assert!("upc".parse::<Symbology>().is_err());
        assert_eq!("GS1-128".parse::<Symbology>(), Ok(Symbology::Gs1_128));
    }

    #[test]
    fn runs_cover_the_bars() {
        let m = [true, true, false, true, false, false, true];
        let runs: Vec<Run> = dark_runs(&m).collect();
        assert_eq!(
            runs,
            vec![
                Run { start: 0, width: 2 },
                Run { start: 3, width: 1 },
                Run { start: 6, width: 1 }
            ]
        );
    }

    #[test]
    fn bitmap_has_whole_dot_modules_and_quiet_zones() {
        let s = encode(Symbology::Code128, "AB12").unwrap();
        let b = s.to_bitmap(3, 5, true);
        assert_eq!(b.width(), s.total_width_modules() * 3);
        let modules = s.modules().unwrap();
        for (i, &m) in modules.iter().enumerate() {
            for d in 0..3 {
                assert_eq!(b.get((10 + i as u32) * 3 + d, 4), m);
            }
        }
        for x in 0..30 {
            assert!(!b.get(x, 0));
        }
    }
}
