//! The domain types: a posting, its products, its shipments (packages) and what describes them.
//!
//! Field names are stable: other modules (label composition, the store) read them. Add fields, do not
//! rename them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::number::PostingNumber;
use super::status::{Status, Substatus};

/// One Ozon posting (отправление): the unit that gets a label, is packed, handed over and delivered.
///
/// Cross-border decision: `cross_border` is true when the API's `delivery_schema` is `Crossborder`
/// (any case) or the substatus is `posting_awaiting_passport_data` (only cross-border orders ask for a
/// passport). It stays true after the passport data arrives. The passport *gate* itself looks only at
/// the substatus; see [`Posting::awaiting_passport`](crate::order::Posting::awaiting_passport).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The posting number, e.g. `0132112277-0101-1`.
    pub posting_number: PostingNumber,
    /// The order id (beyond 32 bits in practice); absent for neutral records that do not give one.
    pub order_id: Option<i64>,
    /// The order number, the first two groups of the posting number (`0132112277-0101`).
    pub order_number: String,
    /// The posting this one was split from; `None` when the API gives `""` or nothing.
    pub parent_posting_number: Option<PostingNumber>,
    /// The status.
    pub status: Status,
    /// The substatus; `None` when the source gives none.
    pub substatus: Option<Substatus>,
    /// Delivery method, warehouse and third-party logistics provider.
    pub delivery_method: DeliveryMethod,
    /// The API's `tpl_integration_type` (`ozon`, `aggregator`, `3pl_tracking`, `non_integrated`,
    /// `hybryd`), kept verbatim: it decides whose label goes on the parcel.
    pub tpl_integration_type: Option<String>,
    /// The API's `delivery_schema` (`FBS`, `Crossborder`, …), kept verbatim.
    pub delivery_schema: Option<String>,
    /// The carrier's tracking number; `None` when the API gives `""` (Ozon-delivered FBS).
    pub tracking_number: Option<String>,
    /// When processing started (`in_process_at`): the order's creation for the passport deadline.
    pub in_process_at: Option<DateTime<Utc>>,
    /// Pack-by / recommended ship time (`shipment_date`).
    pub shipment_date: Option<DateTime<Utc>>,
    /// When it was handed to delivery (`delivering_date`).
    pub delivering_date: Option<DateTime<Utc>>,
    /// The product lines still in the posting.
    pub products: Vec<Product>,
    /// The upper barcode on the Ozon label (`barcodes.upper_barcode`), e.g. `%101%806044518`.
    pub upper_barcode: Option<String>,
    /// The lower barcode on the Ozon label (`barcodes.lower_barcode`), e.g. `23024930500000`.
    pub lower_barcode: Option<String>,
    /// Set when the posting is cancelled.
    pub cancellation: Option<Cancellation>,
    /// Cross-border (Ozon Global) posting; see the type's docs for how it is decided.
    pub cross_border: bool,
    /// The API's `is_multibox`: the posting travels in several boxes.
    pub is_multibox: bool,
    /// The API's `multi_box_qty`: how many boxes (1 when not multi-box).
    pub multi_box_qty: u32,
    /// Express delivery (`is_express`).
    pub is_express: bool,
    /// SKUs that need a Честный ЗНАК marking code before packing
    /// (`requirements.products_requiring_mandatory_mark`).
    pub mark_required_skus: Vec<i64>,
    /// The API's `available_actions`, kept verbatim.
    pub available_actions: Vec<String>,
    /// The packages made by [`Posting::pack`](crate::order::Posting::pack); empty until then (an
    /// imported, already packed posting is one package: itself).
    pub shipments: Vec<Shipment>,
    /// Units removed before packing, with their reasons, in the order they were removed.
    pub removed_units: Vec<RemovedUnits>,
    /// How the last mile goes (`analytics_data.delivery_type`: `PVZ`, `Courier`, …), kept verbatim;
    /// see [`DeliveryKind`](crate::order::DeliveryKind).
    pub delivery_type: Option<String>,
    /// The customer's region (`customer.address.region`, else `analytics_data.region`): it gives the
    /// customer's time zone for passport reminders.
    pub customer_region: Option<String>,
    /// When the posting became "presumably delivered" (opens the 15-minute dispute window).
    pub presumably_delivered_at: Option<DateTime<Utc>>,
    /// When it was delivered (`fact_delivery_date`, or the moment this code delivered it).
    pub delivered_at: Option<DateTime<Utc>>,
    /// Tracking numbers replaced so far, oldest first; the current one is `tracking_number`.
    pub tracking_history: Vec<TrackingChange>,
    /// Who ships it: the seller (FBS, this tool's work) or Ozon from its own warehouse (FBO). Postings
    /// stored before this field existed are FBS.
    #[serde(default)]
    pub scheme: Scheme,
}

/// Who ships a posting.
///
/// Decision: an FBO posting is one that the API's `/v2/posting/fbo/list` or `/v2/posting/fbo/get` returned.
/// The response does not say so in one field, so the importer decides per posting: `delivery_schema`
/// `FBO` (any case) says it outright; otherwise a posting with none of the FBS-only fields
/// (`delivery_method`, `shipment_date`, `barcodes`, `tpl_integration_type`, `tracking_number`,
/// `cancellation`, `substatus`) and at least one FBO field (`created_at`, a top-level
/// `cancel_reason_id`, `additional_data`, `analytics_data.warehouse_name`) is FBO. See `docs/orders.md`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Fulfilled by the seller: packed, labelled and handed over here.
    #[default]
    Fbs,
    /// Fulfilled by Ozon from its warehouse: never labelled here, and kept apart in sales reports.
    Fbo,
}

impl Scheme {
    /// `fbs` or `fbo`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Fbs => "fbs",
            Scheme::Fbo => "fbo",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scheme::Fbs => "FBS",
            Scheme::Fbo => "FBO",
        })
    }
}

/// Most boxes one posting may have (`multi_box_qty`): every box gets a label, and a count beyond this
/// is a data error that the importer refuses, never a silent cap.
pub const MAX_BOXES: u32 = 999;

/// Most units one posting may hold over all its product lines. The importer refuses more, so every
/// sum of quantities fits a `u32` and `orders`, the report and the label count the same number.
pub const MAX_UNITS: u32 = 1_000_000;

/// A tracking number that was replaced, why and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingChange {
    /// The number that was replaced.
    pub old: String,
    /// The number that replaced it.
    pub new: String,
    /// The seller's reason for the change.
    pub reason: String,
    /// When it was changed.
    pub at: DateTime<Utc>,
}

/// One product line of a posting or shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Ozon SKU (the `product_id` of the ship API); beyond 32 bits.
    pub sku: i64,
    /// The seller's article (`offer_id`).
    pub offer_id: String,
    /// The product name, often Cyrillic.
    pub name: String,
    /// Price of one unit.
    pub price: Money,
    /// Units in this line (at least 1).
    pub quantity: u32,
    /// Честный ЗНАК marking codes (DataMatrix contents), verbatim including any GS characters.
    pub marking_codes: Vec<String>,
}

/// A packaged part of a posting: its own products, package number and tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// Identifier, `<posting number>/<package number>`.
    pub id: String,
    /// The package number within the posting, from 1.
    pub package_number: u32,
    /// The products in this package with the quantities packed in it.
    pub products: Vec<Product>,
    /// The package's tracking number, when the carrier gives one per package.
    pub tracking_number: Option<String>,
}

/// Delivery method, warehouse and logistics provider of a posting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryMethod {
    /// Delivery method id.
    pub id: Option<i64>,
    /// Delivery method name, e.g. `Доставка Ozon самостоятельно, Подольск`.
    pub name: Option<String>,
    /// Warehouse id.
    pub warehouse_id: Option<i64>,
    /// Warehouse name, e.g. `Склад Подольск Северный`.
    pub warehouse: Option<String>,
    /// Third-party logistics provider id.
    pub tpl_provider_id: Option<i64>,
    /// Third-party logistics provider name.
    pub tpl_provider: Option<String>,
}

/// Why and by whom a posting was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    /// The reason id (`cancel_reason_id`); `None` for cancellations this code makes without one
    /// (the passport deadline).
    pub reason_id: Option<i64>,
    /// The reason text.
    pub reason: String,
    /// The API's `cancellation_type` (`seller`, `client`, `customer`, `ozon`, `system`, `delivery`).
    pub cancellation_type: Option<String>,
    /// The seller's message, required for reason 402.
    pub message: Option<String>,
    /// Whether it was cancelled after it had been handed over.
    pub cancelled_after_ship: bool,
}

/// Units of one product removed before packing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedUnits {
    /// The product's SKU.
    pub sku: i64,
    /// How many units were removed.
    pub quantity: u32,
    /// The seller's reason.
    pub reason: String,
}

impl Posting {
    /// A posting with only the identifying fields set and everything else empty: the starting point
    /// for importers and tests.
    pub fn new(posting_number: PostingNumber, status: Status) -> Self {
        Posting {
            order_number: posting_number.order_number().to_owned(),
            posting_number,
            order_id: None,
            parent_posting_number: None,
            status,
            substatus: None,
            delivery_method: DeliveryMethod::default(),
            tpl_integration_type: None,
            delivery_schema: None,
            tracking_number: None,
            in_process_at: None,
            shipment_date: None,
            delivering_date: None,
            products: Vec::new(),
            upper_barcode: None,
            lower_barcode: None,
            cancellation: None,
            cross_border: false,
            is_multibox: false,
            multi_box_qty: 1,
            is_express: false,
            mark_required_skus: Vec::new(),
            available_actions: Vec::new(),
            shipments: Vec::new(),
            removed_units: Vec::new(),
            delivery_type: None,
            customer_region: None,
            presumably_delivered_at: None,
            delivered_at: None,
            tracking_history: Vec::new(),
            scheme: Scheme::Fbs,
        }
    }

    /// Total units over all product lines.
    pub fn unit_count(&self) -> u64 {
        self.products.iter().map(|p| u64::from(p.quantity)).sum()
    }

    /// Whether the substatus is the one that asks for passport data.
    pub fn awaiting_passport(&self) -> bool {
        self.substatus == Some(Substatus::PostingAwaitingPassportData)
    }
}

/// Whether a `delivery_schema` value marks a cross-border posting.
pub(crate) fn is_crossborder_schema(schema: Option<&str>) -> bool {
    schema.is_some_and(|s| s.trim().eq_ignore_ascii_case("crossborder"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_number_is_the_first_two_groups() {
        let order_number_of = |n: &str| {
            n.parse::<PostingNumber>()
                .unwrap()
                .order_number()
                .to_owned()
        };
        assert_eq!(order_number_of("0132112277-0101-1"), "0132112277-0101");
        assert_eq!(order_number_of("A-1"), "A-1");
        assert_eq!(order_number_of("plain"), "plain");
    }

    #[test]
    fn crossborder_schema_is_case_insensitive() {
        assert!(is_crossborder_schema(Some("Crossborder")));
        assert!(is_crossborder_schema(Some("CROSSBORDER")));
        assert!(!is_crossborder_schema(Some("FBS")));
        assert!(!is_crossborder_schema(None));
    }
}
