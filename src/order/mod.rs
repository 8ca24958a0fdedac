//! The order domain: postings, their products and shipments, statuses, money, the seller's actions
//! as methods that return `Result`, and the importers that build postings from Ozon Seller API JSON
//! and the neutral record format. Nothing here knows about labels.

mod cost;
mod error;
pub mod import;
mod label;
mod lifecycle;
mod model;
pub mod money;
mod report;
pub mod status;

pub use error::{Action, OrderError};
pub use import::{load_file, parse_csv, parse_json, ImportError};
pub use label::{NotLabelable, NotLabelableReason};
pub use lifecycle::{
    CancelReason, DisputeResolution, Package, NO_PASSPORT_REASON, PASSPORT_WINDOW,
};
pub use model::{Cancellation, DeliveryMethod, Posting, Product, RemovedUnits, Shipment};
pub use money::{Money, MoneyError};
pub use report::PostingSummary;
pub use status::{Status, Substatus};
