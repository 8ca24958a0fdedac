//! shiplabel turns marketplace orders into shipping labels and gets them onto paper.
//!
//! The pipeline runs one way, each stage a module with a plain data type at its exit:
//! records (Ozon Seller API JSON, neutral JSON/CSV) are imported into [`order`] postings with their
//! lifecycle rules; a template and a posting's label data are composed into a device-independent scene;
//! the scene is rendered to PDF, to a 1-bit [`bitmap::Bitmap`] and PNG, or encoded for a thermal printer.
//!
//! ```
//! use shiplabel::order::parse_csv;
//! use shiplabel::template::Template;
//! use shiplabel::{DateTime, Utc};
//!
//! let csv = "shipment_id,order_number,status,sku,name,quantity,price,currency,upper_barcode,lower_barcode\n\
//!            SHP-1,ORD-1,awaiting_deliver,5100200300,Чай улун,2,459.90,RUB,%101%806044518,23024930500000\n";
//! let postings = parse_csv("orders.csv", csv)?;
//! let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse()?;
//! postings[0].labelable(now)?; // the label gate: a posting that may not be labelled says why
//! // The rendering functions apply that gate themselves and report what they left out.
//! let rendered = shiplabel::render_pdf(&postings, &Template::builtin("ozon-fbs")?)?;
//! assert!(rendered.pdf.starts_with(b"%PDF") && rendered.report.skipped.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Runnable programs are in `examples/` (`cargo run --example postings_to_pdf`).
//!
//! # Cargo features
//!
//! Without default features (`shiplabel = { version = "…", default-features = false }`) the crate is the
//! whole pipeline in pure Rust — orders, barcodes, templates, composer, PDF and PNG, the ESC/POS, TSPL
//! and ZPL encoders, TCP and file transports — with no C compiler needed and nothing under the LGPL.
//!
//! - **`usb`** (default): USB printers (`usb://VID:PID` URIs and the USB printer list) through nusb, pure
//!   Rust (usbfs on Linux, WinUSB on Windows, IOKit on macOS): no C, nothing LGPL. Without it a `usb://`
//!   URI still parses and opening it fails with [`printer::TransportError::UsbNotBuilt`].
//! - **`sqlite`** (default): the packing-station store, print journal and station workflow
//!   (`shiplabel::store`, `shiplabel::station`), on SQLite compiled from its C source (public domain).
//! - **`ozon`** (default): the Ozon Seller API client (`shiplabel::ozon`: pull postings into the store, pack them on
//!   Ozon), over ureq with rustls on ring (no OpenSSL). It turns on `sqlite`.
//! - **`cli`** (default): the `shiplabel` command (clap, progress bars, shell completions, man page).
//!   It turns on `usb` and `sqlite`. The command line lives in the binary only; the library has no CLI
//!   module.
//! - **`serve`** (default): `shiplabel serve`, the packer's page in the browser and a local JSON print
//!   API (axum and tokio, in the binary only; the station logic it calls is `shiplabel::station`'s).
//!   It turns on `cli`.
//!
//! Types of other crates that the API takes or returns are re-exported here: [`DateTime`], [`Utc`],
//! [`FixedOffset`], [`NaiveDate`], [`TimeDelta`] (chrono; its `Duration` is the same type) and
//! [`Decimal`] (rust_decimal).

// No unsafe code, except the few system calls the printer links need (`src/sys.rs`) and the Windows
// spooler calls (`printer::transport::winspool`, Windows only): each allows it for itself alone.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod barcode;
pub mod bitmap;
pub mod compose;
pub mod config;
mod deflate;
mod dirs;
pub mod font;
pub mod label;
pub mod limits;
pub mod order;
pub mod output;
#[cfg(feature = "ozon")]
pub mod ozon;
mod pipeline;
pub mod printer;
pub mod render;
pub mod report;
pub mod scene;
#[cfg(feature = "sqlite")]
pub mod station;
#[cfg(feature = "sqlite")]
pub mod store;
mod sys;
pub mod template;
pub mod units;

pub use pipeline::{
    encode_scene, label_bitmap, label_bitmaps, named_bitmaps, named_bitmaps_to_verify,
    posting_labels, render_pdf, render_pdf_to, render_pdf_with_progress, render_png,
    render_png_files, BitmapToVerify, NamedLabel, PngLabel, RenderError, RenderOptions,
    RenderReport, RenderedPdf,
};

pub use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};
pub use rust_decimal::Decimal;

/// The README's code blocks, compiled as doctests so that its library example stays a program that builds.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
