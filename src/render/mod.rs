//! Backends over a [`crate::scene::Scene`]: PDF pages ([`pdf`]) and 1-bit bitmaps ([`raster`], PNG).
//!
//! They are dumb on purpose: every layout decision was taken when the scene was composed, so a backend
//! only draws. They know nothing of postings or templates; the batch functions that go from postings to
//! files live in [`crate::pipeline`].

pub mod pdf;
pub mod raster;
