//! Backends over a [`crate::scene::Scene`]: PDF pages and 1-bit bitmaps (PNG).

pub mod pdf;
pub mod raster;
