//! Lengths and resolutions: millimetres (the unit of templates and scenes), points (font sizes) and
//! printer dots at a resolution in dots per inch.

/// Millimetres in an inch.
pub const MM_PER_INCH: f64 = 25.4;

/// Converts a font size in points (1/72 inch) to millimetres.
pub fn pt_to_mm(pt: f64) -> f64 {
    pt * MM_PER_INCH / 72.0
}

/// Converts millimetres to dots at `dpi`.
pub fn mm_to_dots(mm: f64, dpi: u32) -> f64 {
    mm * f64::from(dpi) / MM_PER_INCH
}

/// Converts dots at `dpi` to millimetres.
pub fn dots_to_mm(dots: f64, dpi: u32) -> f64 {
    dots * MM_PER_INCH / f64::from(dpi)
}
