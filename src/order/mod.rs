//! The order domain: postings, their products and shipments, statuses, money, the seller's actions
//! as methods that return `Result`, and the importers that build postings from Ozon Seller API JSON
//! and the neutral record format. Nothing here knows about labels.

pub mod import;
mod model;
pub mod money;
pub mod status;

pub use import::{load_file, parse_csv, parse_json, ImportError};
pub use model::{Cancellation, DeliveryMethod, Posting, Product, RemovedUnits, Shipment};
pub use money::{Money, MoneyError};
pub use status::{Status, Substatus};
