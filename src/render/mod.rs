//! Backends over a [`crate::scene::Scene`]: PDF pages ([`PdfWriter`]) and 1-bit bitmaps ([`rasterize`],
//! PNG).
//!
//! They are dumb on purpose: every layout decision was taken when the scene was composed, so a backend
//! only draws. They know nothing of postings or templates; the batch functions that go from postings to
//! files are at the crate root ([`crate::render_pdf`] and its siblings).

mod pdf;
mod raster;

pub use pdf::{PdfOptions, PdfWriter, PreparedPage};
pub use raster::rasterize;
