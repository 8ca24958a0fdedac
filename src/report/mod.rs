//! Documents a seller needs around the labels: the sales summary and the handover sheet.

pub mod handover;
pub mod sales;

pub use handover::HandoverSheet;
pub use sales::{sales_report, SalesReport};
