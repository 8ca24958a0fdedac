//! Why a seller action on a posting was refused. Every error names the posting.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

use super::money::MoneyError;
use super::status::Status;

/// A seller action, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Pack (ship), optionally split into shipments.
    Pack,
    /// Remove units of a product before packing.
    RemoveUnits,
    /// Cancel the posting.
    Cancel,
    /// Hand over to delivery.
    HandOver,
    /// Cross-border first mile: sent by the seller.
    SendBySeller,
    /// Mark as delivered.
    Deliver,
    /// Open a dispute (arbitration).
    OpenDispute,
    /// Resolve a dispute.
    ResolveDispute,
    /// Record that the sorting centre did not accept it.
    NotAccepted,
    /// Record that the customer's passport data arrived.
    PassportReceived,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Pack => "pack",
            Action::RemoveUnits => "remove units",
            Action::Cancel => "cancel",
            Action::HandOver => "hand over",
            Action::SendBySeller => "send by seller",
            Action::Deliver => "mark delivered",
            Action::OpenDispute => "open a dispute",
            Action::ResolveDispute => "resolve a dispute",
            Action::NotAccepted => "mark not accepted by the sorting centre",
            Action::PassportReceived => "record passport data",
        })
    }
}

/// Formats a deadline the way every message shows it (RFC 3339, UTC, seconds).
pub(crate) fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn deadline_text(deadline: &Option<DateTime<Utc>>) -> String {
    match deadline {
        Some(t) => format!("it is cancelled at {} (24 h after the order)", rfc3339(t)),
        None => "the deadline is unknown (no in_process_at)".to_owned(),
    }
}

/// A refused action on a posting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderError {
    /// An FBO posting: Ozon packs, ships and cancels it, not the seller.
    #[error(
        "posting {posting}: cannot {action}: an FBO posting, Ozon ships it from its own warehouse"
    )]
    OzonShips {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: Action,
    },
    /// The action is not allowed in the posting's status.
    #[error("posting {posting}: cannot {action} in status {status}")]
    IllegalTransition {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: Action,
        /// The status it is in.
        status: Status,
    },
    /// The cross-border passport gate is closed.
    #[error("posting {posting}: cannot {action}: cross-border posting awaiting the customer's passport data; {}", deadline_text(.deadline))]
    PassportRequired {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: Action,
        /// `in_process_at` + 24 h, when known.
        deadline: Option<DateTime<Utc>>,
    },
    /// `passport_received` on a posting that was not waiting for it.
    #[error("posting {posting}: not waiting for passport data")]
    PassportNotAwaited {
        /// The posting number.
        posting: String,
    },
    /// Sending by seller is only for cross-border postings.
    #[error("posting {posting}: not a cross-border posting; only those are sent by the seller")]
    NotCrossBorder {
        /// The posting number.
        posting: String,
    },
    /// The posting has no products to pack or price.
    #[error("posting {posting}: has no products")]
    NoProducts {
        /// The posting number.
        posting: String,
    },
    /// A shipment of a split would hold nothing.
    #[error("posting {posting}: shipment {package} is empty")]
    EmptyShipment {
        /// The posting number.
        posting: String,
        /// The 1-based shipment (package) number.
        package: usize,
    },
    /// A quantity of zero units was given.
    #[error("posting {posting}: zero units of SKU {sku}{}", package.map(|p| format!(" in shipment {p}")).unwrap_or_default())]
    ZeroQuantity {
        /// The posting number.
        posting: String,
        /// The SKU.
        sku: i64,
        /// The 1-based shipment, when it was in a split.
        package: Option<usize>,
    },
    /// A SKU that is not in the posting.
    #[error("posting {posting}: SKU {sku} is not in the posting")]
    UnknownSku {
        /// The posting number.
        posting: String,
        /// The SKU.
        sku: i64,
    },
    /// The same units were put into more than one shipment.
    #[error("posting {posting}: SKU {sku} has {quantity} unit(s) but shipments {} hold {requested}: a unit would be in two shipments", join(.packages))]
    UnitInTwoShipments {
        /// The posting number.
        posting: String,
        /// The SKU.
        sku: i64,
        /// The units the posting has.
        quantity: u32,
        /// The units the shipments hold together.
        requested: u64,
        /// The 1-based shipments holding the SKU.
        packages: Vec<usize>,
    },
    /// More units requested than the posting has.
    #[error("posting {posting}: SKU {sku} has {available} unit(s), {requested} requested")]
    TooManyUnits {
        /// The posting number.
        posting: String,
        /// The SKU.
        sku: i64,
        /// The units the posting has.
        available: u32,
        /// The units requested.
        requested: u64,
    },
    /// A split leaves units in no shipment.
    #[error("posting {posting}: SKU {sku} has {quantity} unit(s) but the shipments hold {packed}: every unit must be in exactly one shipment")]
    MissingUnits {
        /// The posting number.
        posting: String,
        /// The SKU.
        sku: i64,
        /// The units the posting has.
        quantity: u32,
        /// The units packed.
        packed: u64,
    },
    /// Removing these units would leave the posting with nothing.
    #[error(
        "posting {posting}: removing every unit would leave it empty; cancel the posting instead"
    )]
    WouldEmptyPosting {
        /// The posting number.
        posting: String,
    },
    /// A reason text is required and was empty.
    #[error("posting {posting}: a reason is required to {action}")]
    ReasonRequired {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: Action,
    },
    /// A cancel reason id that is not in the reference's list.
    #[error("posting {posting}: unknown cancel reason id {reason_id} (known: 352, 400, 401, 402, 665, 666, 667)")]
    UnknownCancelReason {
        /// The posting number.
        posting: String,
        /// The id given.
        reason_id: i64,
    },
    /// A known cancel reason that does not apply in this status.
    #[error("posting {posting}: cancel reason {reason_id} cannot be used in status {status}")]
    CancelReasonNotAllowed {
        /// The posting number.
        posting: String,
        /// The id given.
        reason_id: i64,
        /// The posting's status.
        status: Status,
    },
    /// Reason 402 ("other") needs the seller's message.
    #[error("posting {posting}: cancel reason {reason_id} requires a message")]
    MessageRequired {
        /// The posting number.
        posting: String,
        /// The id given.
        reason_id: i64,
    },
    /// Handed over to Ozon's own logistics: only Ozon can cancel it now.
    #[error("posting {posting}: in transit with Ozon's logistics; a posting Ozon ships cannot be cancelled by the seller once handed over")]
    OzonInTransit {
        /// The posting number.
        posting: String,
    },
    /// Presumably delivered (`posting_conditionally_delivered`): the API refuses to cancel it.
    #[error("posting {posting}: presumably delivered (substatus posting_conditionally_delivered); it can no longer be cancelled")]
    PresumablyDelivered {
        /// The posting number.
        posting: String,
    },
    /// The cost cannot be computed (mixed currencies, overflow).
    #[error("posting {posting}: cost: {source}")]
    Cost {
        /// The posting number.
        posting: String,
        /// The arithmetic failure.
        #[source]
        source: MoneyError,
    },
}

fn join(items: &[usize]) -> String {
    items
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
