//! A one-line summary of a posting for people and scripts: what `shiplabel orders` prints.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::rfc3339;
use super::model::{Posting, Scheme};
use super::number::PostingNumber;

/// What a seller wants to know about a posting at a glance. Serialised with these field names;
/// scripts depend on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostingSummary {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// The order number.
    pub order_number: String,
    /// Who ships it: `fbs` (the seller) or `fbo` (Ozon, from its warehouse).
    pub scheme: Scheme,
    /// The status, as the API spells it.
    pub status: String,
    /// The substatus, as the API spells it.
    pub substatus: Option<String>,
    /// The warehouse name.
    pub warehouse: Option<String>,
    /// Units over all product lines.
    pub items: u64,
    /// The cost as a decimal string (`"2780.00"`), `null` when it cannot be computed.
    pub cost: Option<String>,
    /// The cost's currency.
    pub currency: Option<String>,
    /// Why the cost could not be computed (mixed currencies, no products).
    pub cost_error: Option<String>,
    /// Whether a label can be made now.
    pub labelable: bool,
    /// Why not, when it cannot.
    pub reason: Option<String>,
    /// Cross-border posting.
    pub cross_border: bool,
    /// When a posting still waiting for passport data is cancelled (RFC 3339).
    pub passport_deadline: Option<String>,
    /// Shipments (packages) made by packing.
    pub shipments: usize,
}

impl PostingSummary {
    /// Summarises `posting`, judging the label and passport deadline at `now`.
    pub fn new(posting: &Posting, now: DateTime<Utc>) -> Self {
        let (cost, currency, cost_error) = match posting.cost() {
            Ok(money) => (Some(money.amount_string()), Some(money.currency), None),
            Err(e) => (None, None, Some(e.to_string())),
        };
        let reason = posting.labelable(now).err().map(|e| e.reason.to_string());
        PostingSummary {
            posting_number: posting.posting_number.clone(),
            order_number: posting.order_number.clone(),
            scheme: posting.scheme,
            status: posting.status.to_string(),
            substatus: posting.substatus.as_ref().map(ToString::to_string),
            warehouse: posting.delivery_method.warehouse.clone(),
            items: posting.unit_count(),
            cost,
            currency,
            cost_error,
            labelable: reason.is_none(),
            reason,
            cross_border: posting.cross_border,
            passport_deadline: posting.passport_deadline().map(|d| rfc3339(&d)),
            shipments: posting.shipments.len(),
        }
    }
}
