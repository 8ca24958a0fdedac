//! The order domain: postings, their products and shipments, statuses, money, the seller's actions
//! as methods that return `Result`, and the importers that build postings from Ozon Seller API JSON
//! and the neutral record format. Nothing here knows about labels.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use shiplabel::order::{self, Package, Status};
//!
//! let json = r#"{"result": {"postings": [{"posting_number": "0132112277-0101-1",
//!     "status": "awaiting_packaging", "in_process_at": "2026-11-22T10:00:00Z",
//!     "barcodes": {"upper_barcode": "%101%806044518", "lower_barcode": "23024930500000"},
//!     "products": [{"sku": 1745203311, "quantity": 2, "price": "1390.50", "currency_code": "RUB"}]}]}}"#;
//! let mut postings = order::parse_json("list.json", json)?;
//! let posting = &mut postings[0];
//! let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse()?;
//! assert!(posting.labelable(now).is_err()); // not packed yet
//! posting.pack(&[Package::new([(1745203311, 1)]), Package::new([(1745203311, 1)])])?;
//! assert_eq!(posting.status, Status::AwaitingDeliver);
//! posting.labelable(now)?;
//! assert_eq!(posting.cost()?.to_string(), "2781.00 RUB");
//! assert_eq!(posting.upper_barcode.as_deref(), Some("%101%806044518"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cost;
mod deadline;
mod delivery;
mod error;
mod import;
mod label;
mod lifecycle;
mod model;
mod money;
mod number;
mod rank;
mod remind;
mod report;
mod status;
mod tracking;

pub use deadline::{
    due_list, moscow, parse_duration, parse_offset, to_be_packed, urgency, Due, Urgency,
};
pub use delivery::{
    ClientDisputeOutcome, DeliveryAction, DeliveryError, DeliveryKind, DeliveryStage,
    DISPUTE_WINDOW,
};
pub use error::{Action, OrderError};
pub use import::{
    load_file, parse_auto, parse_csv, parse_json, read_bytes, read_csv, read_file, read_files,
    read_json, ImportError, ImportWarning, Imported, DEFAULT_CURRENCY, DEFAULT_STATUS,
    MAX_CSV_LINE, MAX_INPUT_BYTES, RECORD_COLUMNS,
};
pub use label::{NotLabelable, NotLabelableReason};
pub use lifecycle::{
    CancelReason, DisputeResolution, Package, NO_PASSPORT_REASON, PASSPORT_WINDOW,
};
pub use model::{
    Cancellation, DeliveryMethod, Posting, Product, RemovedUnits, Scheme, Shipment, TrackingChange,
    MAX_BOXES, MAX_UNITS,
};
pub use money::{parse_currency, parse_decimal, Money, MoneyError};
pub use number::{PostingNumber, PostingNumberError, MAX_POSTING_NUMBER_LEN};
pub use rank::status_rank;
pub use remind::{
    region_offset, reminder, reminders, Lang as ReminderLang, Reminder, ReminderState,
    Template as ReminderTemplate, TemplateError as ReminderTemplateError, Zone, ZoneSource,
    PLACEHOLDERS as REMINDER_PLACEHOLDERS,
};
pub use report::PostingSummary;
pub use status::{Status, Substatus};
pub use tracking::{s10_check_digit, Carrier, TrackingError, MAX_TRACKING_LEN};
