//! shiplabel turns marketplace orders into shipping labels and gets them onto paper.
//!
//! The pipeline runs one way, each stage a module with a plain data type at its exit:
//! records (Ozon Seller API JSON, neutral JSON/CSV) are imported into [`order`] postings with their
//! lifecycle rules; a template and a posting's label data are composed into a device-independent scene;
//! the scene is rendered to PDF, to a 1-bit [`bitmap::Bitmap`] and PNG, or encoded for a thermal printer.
//!
//! The `shiplabel` binary is a thin layer over this library.

pub mod barcode;
pub mod bitmap;
pub mod cli;
pub mod compose;
pub mod config;
pub mod font;
pub mod label;
pub mod order;
pub mod output;
pub mod pipeline;
pub mod printer;
pub mod render;
pub mod report;
pub mod scene;
pub mod station;
pub mod store;
pub mod template;

pub use pipeline::{label_bitmap, label_bitmaps, render_pdf, render_pdf_to, render_png};

/// The README's code blocks, compiled as doctests so the "library in ten lines" example stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
