//! Sizing a symbol into a box: whole printer dots per module, or exact millimetres for vector output.

use super::Symbol;
use crate::units::MM_PER_INCH;

/// Slack for box sizes given in millimetres that are meant as a whole number of dots (66.1 mm at 203 dpi is
/// 528.3 dots; 528 must count as fitting even after rounding errors in the caller's arithmetic).
const EPSILON_DOTS: f64 = 1e-6;

/// The chosen size of a symbol. Widths include the quiet zones where their name says "total".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Dots per module on the target printer; `None` for exact-millimetre vector output.
    pub module_dots: Option<u32>,
    /// Module size (the X dimension) in millimetres.
    pub module_mm: f64,
    /// The target resolution the size was chosen for.
    pub dpi: Option<u32>,
    /// Symbol width without quiet zones, in millimetres.
    pub symbol_width_mm: f64,
    /// Symbol width plus the quiet zones, in millimetres.
    pub total_width_mm: f64,
    /// Symbol width without quiet zones, in dots (with a dpi).
    pub symbol_width_dots: Option<u32>,
    /// Symbol width plus the quiet zones, in dots (with a dpi).
    pub total_width_dots: Option<u32>,
    /// Height: for matrix symbols the symbol plus its quiet zones; for linear ones the box height (the bar
    /// height is free), rounded down to whole dots with a dpi.
    pub total_height_mm: f64,
    /// [`Fit::total_height_mm`] in dots (with a dpi).
    pub total_height_dots: Option<u32>,
    /// Left quiet zone in millimetres (the symbol starts this far from the box's left edge).
    pub quiet_left_mm: f64,
    /// Top quiet zone in millimetres (matrix symbols; 0 for linear ones).
    pub quiet_top_mm: f64,
}

/// Why a symbol cannot be sized into a box.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SizeError {
    /// Even the smallest module (one dot, or the forced module size) is too big for the box.
    #[error(
        "barcode {text:?} needs {needed_mm:.2} mm ({needed_dots} dots at {dpi} dpi, {modules} modules × {module_dots} dot(s) incl. quiet zones) {dimension}, the box has {available_mm:.2} mm ({available_dots} dots)"
    )]
    DoesNotFit {
        /// The human-readable text of the symbol.
        text: String,
        /// "across" or "down".
        dimension: &'static str,
        /// Modules needed in that dimension, quiet zones included.
        modules: u32,
        /// The module size tried.
        module_dots: u32,
        /// The resolution.
        dpi: u32,
        /// Dots needed.
        needed_dots: u32,
        /// Millimetres needed.
        needed_mm: f64,
        /// Dots available.
        available_dots: u32,
        /// Millimetres available.
        available_mm: f64,
    },
    /// A box size that is not a positive, finite number of millimetres.
    #[error("box size {width_mm} × {height_mm} mm is not a positive size")]
    BadBox {
        /// Width asked for.
        width_mm: f64,
        /// Height asked for.
        height_mm: f64,
    },
    /// A module size in dots only means something for a given resolution.
    #[error("a module size of {module_dots} dots needs a resolution (dpi)")]
    ModuleDotsWithoutDpi {
        /// The module size asked for.
        module_dots: u32,
    },
    /// Zero dots per module or zero dpi.
    #[error("module size and resolution must be at least 1 (got {module_dots} dots, {dpi} dpi)")]
    Zero {
        /// The module size asked for.
        module_dots: u32,
        /// The resolution asked for.
        dpi: u32,
    },
}

/// Chooses the module size for `symbol` in a box of `box_width_mm` × `box_height_mm`.
///
/// With a `dpi`: the largest whole number of dots per module for which the symbol and its quiet zones fit
/// the box width (and height, for matrix symbols), or exactly `module_dots` when given; an error says how
/// much room was needed when even that does not fit. Without a `dpi` (vector output) the module is the
/// largest exact size in millimetres that fits.
pub fn fit(
    symbol: &Symbol,
    box_width_mm: f64,
    box_height_mm: f64,
    dpi: Option<u32>,
    module_dots: Option<u32>,
) -> Result<Fit, SizeError> {
    let positive = |v: f64| v.is_finite() && v > 0.0;
    if !positive(box_width_mm) || !positive(box_height_mm) {
        return Err(SizeError::BadBox {
            width_mm: box_width_mm,
            height_mm: box_height_mm,
        });
    }
    let width_modules = symbol.total_width_modules();
    // Linear symbols have a free height, except that ITF-14's bars must stay at least as tall as its two
    // bearer bars together: a box too low for that is refused rather than filled with bearers alone.
    let height_modules = symbol
        .total_height_modules()
        .max(symbol.min_height_modules());
    let linear = symbol.total_height_modules() == 0;
    let qz = symbol.quiet_zone();
    let Some(dpi) = dpi else {
        if let Some(module_dots) = module_dots {
            return Err(SizeError::ModuleDotsWithoutDpi { module_dots });
        }
        let mut module_mm = box_width_mm / f64::from(width_modules);
        if height_modules > 0 {
            module_mm = module_mm.min(box_height_mm / f64::from(height_modules));
        }
        let total_height_mm = if !linear {
            module_mm * f64::from(height_modules)
        } else {
            box_height_mm
        };
        return Ok(Fit {
            module_dots: None,
            module_mm,
            dpi: None,
            symbol_width_mm: module_mm * f64::from(symbol.width_modules()),
            total_width_mm: module_mm * f64::from(width_modules),
            symbol_width_dots: None,
            total_width_dots: None,
            total_height_mm,
            total_height_dots: None,
            quiet_left_mm: module_mm * f64::from(qz.left),
            quiet_top_mm: module_mm * f64::from(qz.top),
        });
    };
    if dpi == 0 || module_dots == Some(0) {
        return Err(SizeError::Zero {
            module_dots: module_dots.unwrap_or(1),
            dpi,
        });
    }
    let dots_per_mm = f64::from(dpi) / MM_PER_INCH;
    let to_dots = |mm: f64| {
        (mm * dots_per_mm + EPSILON_DOTS)
            .floor()
            .min(f64::from(u32::MAX)) as u32
    };
    let available_w = to_dots(box_width_mm);
    let available_h = to_dots(box_height_mm);

    let mut x = module_dots.unwrap_or_else(|| {
        let across = available_w / width_modules.max(1);
        match available_h.checked_div(height_modules) {
            Some(down) => across.min(down),
            None => across,
        }
    });
    // When nothing fits, report against one dot per module: the smallest that could ever work.
    if x == 0 {
        x = 1;
    }
    let check = |dimension, modules: u32, available: u32, available_mm: f64| {
        let needed = u64::from(modules) * u64::from(x);
        if needed > u64::from(available) {
            Err(SizeError::DoesNotFit {
                text: symbol.text().to_string(),
                dimension,
                modules,
                module_dots: x,
                dpi,
                needed_dots: u32::try_from(needed).unwrap_or(u32::MAX),
                needed_mm: needed as f64 / dots_per_mm,
                available_dots: available,
                available_mm,
            })
        } else {
            Ok(())
        }
    };
    check("across", width_modules, available_w, box_width_mm)?;
    if height_modules > 0 {
        check("down", height_modules, available_h, box_height_mm)?;
    }
    let module_mm = f64::from(x) / dots_per_mm;
    let total_height_dots = if !linear {
        height_modules * x
    } else {
        available_h
    };
    Ok(Fit {
        module_dots: Some(x),
        module_mm,
        dpi: Some(dpi),
        symbol_width_mm: f64::from(symbol.width_modules() * x) / dots_per_mm,
        total_width_mm: f64::from(width_modules * x) / dots_per_mm,
        symbol_width_dots: Some(symbol.width_modules() * x),
        total_width_dots: Some(width_modules * x),
        total_height_mm: f64::from(total_height_dots) / dots_per_mm,
        total_height_dots: Some(total_height_dots),
        quiet_left_mm: f64::from(qz.left * x) / dots_per_mm,
        quiet_top_mm: f64::from(qz.top * x) / dots_per_mm,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{encode, Symbology};
    use super::*;

    #[test]
    fn ozon_values_at_203_dpi_match_the_reference_table() {
        // printers.md §6: total width in dots including 10X quiet zones.
        let cases = [
            ("%101%806044518", 2, 352),
            ("751420599146000", 3, 462),
            ("23024930500000", 4, 528),
            ("0132112277-0101-1", 3, 594),
        ];
        for (value, x, dots) in cases {
            let s = encode(Symbology::Code128, value).unwrap();
            let f = fit(&s, 300.0, 20.0, Some(203), Some(x)).unwrap();
            assert_eq!(f.total_width_dots, Some(dots), "{value}");
        }
    }

    #[test]
    fn itf14_bars_keep_room_between_their_bearers() {
        let s = encode(Symbology::Itf14, "0460123456789").unwrap();
        // 20 modules down (two bearers of 5, bars of at least 10): 40 dots at X = 2.
        assert!(fit(&s, 100.0, 40.0 * 25.4 / 203.0, Some(203), Some(2)).is_ok());
        let e = fit(&s, 100.0, 39.0 * 25.4 / 203.0, Some(203), Some(2)).unwrap_err();
        assert!(e.to_string().contains("down"), "{e}");
        let f = fit(&s, 100.0, 30.0, Some(203), None).unwrap();
        assert!(f.total_height_mm > 29.0, "the box height, not 20 modules");
    }

    #[test]
    fn picks_the_largest_whole_dot_module() {
        let s = encode(Symbology::Code128, "0132112277-0101-1").unwrap(); // 198 modules with quiet zones
        let f = fit(&s, 75.0, 20.0, Some(203), None).unwrap(); // 599 dots
        assert_eq!(f.module_dots, Some(3));
        assert_eq!(f.total_width_dots, Some(594));
        assert!((f.module_mm - 0.375_123).abs() < 1e-3);
        let f = fit(&s, 74.0, 20.0, Some(203), None).unwrap();
        assert_eq!(f.module_dots, Some(2));
    }

    #[test]
    fn errors_when_one_dot_does_not_fit() {
        let s = encode(Symbology::Code128, "0132112277-0101-1").unwrap();
        let e = fit(&s, 20.0, 20.0, Some(203), None).unwrap_err();
        match e {
            SizeError::DoesNotFit {
                needed_dots,
                available_dots,
                module_dots,
                ..
            } => {
                assert_eq!((needed_dots, available_dots, module_dots), (198, 159, 1));
            }
            other => panic!("{other:?}"),
        }
        assert!(fit(&s, 75.0, 20.0, Some(203), Some(4)).is_err());
    }

    #[test]
    fn vector_sizes_are_exact_millimetres() {
        let s = encode(Symbology::Code128, "0132112277-0101-1").unwrap();
        let f = fit(&s, 99.0, 20.0, None, None).unwrap();
        assert_eq!(f.module_dots, None);
        assert!((f.total_width_mm - 99.0).abs() < 1e-9);
        assert!((f.module_mm - 0.5).abs() < 1e-9);
        assert!(fit(&s, 99.0, 20.0, None, Some(2)).is_err());
        assert!(fit(&s, f64::NAN, 20.0, None, None).is_err());
    }
}
