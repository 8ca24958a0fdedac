//! Placing one barcode symbol in a box: the one routine behind template barcodes and the handover sheet.

use crate::barcode::{self, BarcodeError, Shape, SizeError};
use crate::scene::{BarcodeItem, Rect};
use crate::template::BarcodeBox;
use crate::units::{dots_to_mm, mm_to_dots};

/// Why a barcode could not be placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlaceError {
    /// The value cannot be encoded in the symbology.
    #[error(transparent)]
    Encode(BarcodeError),
    /// The symbol does not fit the box at the smallest allowed module.
    #[error(transparent)]
    Size(SizeError),
}

/// Encodes `value` and lays its bars out in `placement.rect`.
///
/// With `dpi`, the module is a whole number of dots and every bar edge lies on that dot grid, inside the
/// box shrunk to whole dots; without, the geometry is in plain millimetres. `element` names the item in
/// the scene.
pub fn barcode_item(
    element: &str,
    value: &str,
    placement: &BarcodeBox,
    dpi: Option<u32>,
) -> Result<BarcodeItem, PlaceError> {
    let symbol = barcode::encode(placement.symbology, value).map_err(PlaceError::Encode)?;
    // The box, shrunk to whole dots with a grid: the symbol must not spill past it.
    let r = placement.rect;
    let (left, top, avail_w, avail_h, unit) = match dpi {
        Some(dpi) => {
            let l = (mm_to_dots(r.x, dpi) - 1e-6).ceil();
            let t = (mm_to_dots(r.y, dpi) - 1e-6).ceil();
            let rr = (mm_to_dots(r.right(), dpi) + 1e-6).floor();
            let b = (mm_to_dots(r.bottom(), dpi) + 1e-6).floor();
            (l, t, rr - l, b - t, dots_to_mm(1.0, dpi))
        }
        None => (r.x, r.y, r.w, r.h, 1.0),
    };
    // All geometry below is in grid units: dots with a dpi, millimetres without.
    let module = match dpi {
        Some(dpi) => {
            let (w_mm, h_mm) = (avail_w * unit, avail_h * unit);
            let preferred = placement
                .max_module_dots
                .map(|x| barcode::fit(&symbol, w_mm, h_mm, Some(dpi), Some(x)));
            let fit = match preferred {
                Some(Ok(fit)) => fit,
                _ => {
                    barcode::fit(&symbol, w_mm, h_mm, Some(dpi), None).map_err(PlaceError::Size)?
                }
            };
            let x = fit.module_dots.unwrap_or(1);
            if x < placement.min_module_dots {
                // Report the room the smallest allowed module would need.
                barcode::fit(
                    &symbol,
                    w_mm,
                    h_mm,
                    Some(dpi),
                    Some(placement.min_module_dots),
                )
                .map_err(PlaceError::Size)?;
            }
            f64::from(x)
        }
        None => {
            let fit =
                barcode::fit(&symbol, avail_w, avail_h, None, None).map_err(PlaceError::Size)?;
            placement
                .max_module_mm
                .map_or(fit.module_mm, |max| fit.module_mm.min(max))
        }
    };
    let total_w = module * f64::from(symbol.total_width_modules());
    let total_h = match symbol.shape() {
        Shape::Linear { .. } => avail_h,
        Shape::Matrix { .. } => module * f64::from(symbol.total_height_modules()),
    };
    let slack = (avail_w - total_w).max(0.0);
    let offset = placement.align.offset(slack);
    // On a grid the symbol starts on a whole dot (a centred one may sit half a dot left of centre).
    let offset = if dpi.is_some() {
        offset.floor()
    } else {
        offset
    };
    let qz = symbol.quiet_zone();
    let x0 = left + offset + module * f64::from(qz.left);
    let y0 = top + module * f64::from(qz.top);
    let mut bars = Vec::with_capacity(match symbol.shape() {
        // At most every other module starts a bar.
        Shape::Linear { modules } => modules.len() / 2 + 1,
        Shape::Matrix { .. } => 0,
    });
    match symbol.shape() {
        Shape::Linear { modules } => {
            // Bars between ITF-14's bearer bars; the bearers themselves as more rectangles.
            let layout = symbol.linear_layout(module, total_h);
            let left_edge = left + offset;
            for run in barcode::dark_runs(modules) {
                bars.push(Rect::new(
                    (left_edge + layout.bars_left + module * f64::from(run.start)) * unit,
                    (top + layout.bars_top) * unit,
                    module * f64::from(run.width) * unit,
                    layout.bars_height * unit,
                ));
            }
            for [x, y, w, h] in layout.bearers {
                bars.push(Rect::new(
                    (left_edge + x) * unit,
                    (top + y) * unit,
                    w * unit,
                    h * unit,
                ));
            }
        }
        Shape::Matrix {
            width,
            height,
            cells,
        } => {
            // One rectangle per horizontal run of dark cells.
            let rows = cells
                .chunks((*width as usize).max(1))
                .take(*height as usize);
            for (row, line) in rows.enumerate() {
                for run in barcode::dark_runs(line) {
                    bars.push(Rect::new(
                        (x0 + module * f64::from(run.start)) * unit,
                        (y0 + module * row as f64) * unit,
                        module * f64::from(run.width) * unit,
                        module * unit,
                    ));
                }
            }
        }
    }
    Ok(BarcodeItem {
        element: element.to_string(),
        value: value.to_string(),
        symbology: placement.symbology,
        module_mm: module * unit,
        module_dots: dpi.map(|_| module as u32),
        bounds: Rect::new(
            (left + offset) * unit,
            top * unit,
            total_w * unit,
            total_h * unit,
        ),
        bars,
    })
}
