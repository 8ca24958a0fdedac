//! Ozon Seller API postings (v3/v4 list, v3 get, bare, array) into [`Posting`]s.
//!
//! Only the fields the domain keeps are declared; everything else (`tariffication` in either its
//! array or object form, `financial_data`, `customer`, …) is skipped unread, so new or changed API
//! fields never break an import.

use serde::Deserialize;

use super::lenient::{self, RawPrice};
use super::ImportError;
use crate::order::model::{is_crossborder_schema, Cancellation, DeliveryMethod, Posting, Product};
use crate::order::money::{parse_currency, parse_decimal, Money};
use crate::order::status::{Status, Substatus};

/// The currency assumed when a v3 product has no `currency_code` (older payloads): Ozon's own.
pub const DEFAULT_CURRENCY: &str = "RUB";

/// `/v3/posting/fbs/list`: `{"result": {"postings": [...]}}`.
#[derive(Deserialize)]
pub(super) struct V3List {
    pub result: V3ListResult,
}

#[derive(Deserialize)]
pub(super) struct V3ListResult {
    #[serde(default)]
    pub postings: Option<Vec<RawPosting>>,
}

/// `/v4/posting/fbs/list` and `/v4/posting/fbs/unfulfilled/list`: `{"postings": [...], "cursor": …}`.
#[derive(Deserialize)]
pub(super) struct V4List {
    #[serde(default)]
    pub postings: Option<Vec<RawPosting>>,
}

/// `/v3/posting/fbs/get`: `{"result": {...}}`.
#[derive(Deserialize)]
pub(super) struct V3Get {
    pub result: RawPosting,
}

/// A `{"result": [...]}` envelope of older list endpoints.
#[derive(Deserialize)]
pub(super) struct ResultArray {
    pub result: Vec<RawPosting>,
}

/// One posting as the API writes it; every field optional, as in the spec.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RawPosting {
    #[serde(deserialize_with = "lenient::opt_string")]
    posting_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_i64")]
    order_id: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    order_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    parent_posting_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    status: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    substatus: Option<String>,
    delivery_method: Option<RawDeliveryMethod>,
    #[serde(deserialize_with = "lenient::opt_string")]
    tracking_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    tpl_integration_type: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    delivery_schema: Option<String>,
    #[serde(deserialize_with = "lenient::opt_datetime")]
    in_process_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(deserialize_with = "lenient::opt_datetime")]
    shipment_date: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(deserialize_with = "lenient::opt_datetime")]
    delivering_date: Option<chrono::DateTime<chrono::Utc>>,
    cancellation: Option<RawCancellation>,
    products: Option<Vec<RawProduct>>,
    barcodes: Option<RawBarcodes>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    is_multibox: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_u32")]
    multi_box_qty: Option<u32>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    is_express: Option<bool>,
    requirements: Option<RawRequirements>,
    #[serde(deserialize_with = "lenient::string_list")]
    available_actions: Vec<String>,
    product_exemplars: Option<RawExemplars>,
    #[serde(deserialize_with = "lenient::opt_datetime")]
    fact_delivery_date: Option<chrono::DateTime<chrono::Utc>>,
    analytics_data: Option<RawAnalytics>,
    customer: Option<RawCustomer>,
}

/// The parts of `analytics_data` the seller's day needs: the last-mile type and the region.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAnalytics {
    #[serde(deserialize_with = "lenient::opt_string")]
    delivery_type: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    region: Option<String>,
}

/// Only the customer's region is read (for the time zone); names and phones are left unread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCustomer {
    address: Option<RawAddress>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAddress {
    #[serde(deserialize_with = "lenient::opt_string")]
    region: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDeliveryMethod {
    #[serde(deserialize_with = "lenient::opt_i64")]
    id: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_i64")]
    warehouse_id: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    warehouse: Option<String>,
    #[serde(deserialize_with = "lenient::opt_i64")]
    tpl_provider_id: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    tpl_provider: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCancellation {
    #[serde(deserialize_with = "lenient::opt_i64")]
    cancel_reason_id: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_string")]
    cancel_reason: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    cancellation_type: Option<String>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    cancelled_after_ship: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawProduct {
    #[serde(deserialize_with = "lenient::opt_price")]
    price: Option<RawPrice>,
    #[serde(deserialize_with = "lenient::opt_string")]
    currency_code: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    offer_id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_i64")]
    sku: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_u32")]
    quantity: Option<u32>,
    #[serde(deserialize_with = "lenient::string_list")]
    mandatory_mark: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBarcodes {
    #[serde(deserialize_with = "lenient::opt_string")]
    upper_barcode: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    lower_barcode: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRequirements {
    #[serde(deserialize_with = "lenient::id_list")]
    products_requiring_mandatory_mark: Vec<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExemplars {
    products: Option<Vec<RawExemplarProduct>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExemplarProduct {
    #[serde(deserialize_with = "lenient::opt_i64")]
    sku: Option<i64>,
    exemplars: Option<Vec<RawExemplar>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExemplar {
    #[serde(deserialize_with = "lenient::opt_string")]
    mandatory_mark: Option<String>,
}

/// `""` means absent in the API.
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

impl RawPosting {
    /// Converts the `index`-th posting of `file`, naming the posting and field on error.
    pub(super) fn into_posting(self, file: &str, index: usize) -> Result<Posting, ImportError> {
        let posting_number = non_empty(self.posting_number);
        let fail = |field: &str, message: String| ImportError::Posting {
            file: file.to_owned(),
            index,
            posting_number: posting_number.clone(),
            field: field.to_owned(),
            message,
        };
        let Some(number) = posting_number.clone() else {
            return Err(fail("posting_number", "missing".into()));
        };
        let status = match non_empty(self.status) {
            Some(s) => Status::parse(s.trim()),
            None => return Err(fail("status", "missing".into())),
        };
        let mut posting = Posting::new(&number, status);
        posting.order_id = self.order_id;
        // Posting::new already derived the order number from the posting number.
        if let Some(order_number) = non_empty(self.order_number) {
            posting.order_number = order_number;
        }
        posting.parent_posting_number = non_empty(self.parent_posting_number);
        posting.substatus = non_empty(self.substatus).map(|s| Substatus::parse(s.trim()));
        if let Some(dm) = self.delivery_method {
            posting.delivery_method = DeliveryMethod {
                id: dm.id,
                name: non_empty(dm.name),
                warehouse_id: dm.warehouse_id,
                warehouse: non_empty(dm.warehouse),
                tpl_provider_id: dm.tpl_provider_id,
                tpl_provider: non_empty(dm.tpl_provider),
            };
        }
        posting.tracking_number = non_empty(self.tracking_number);
        posting.tpl_integration_type = non_empty(self.tpl_integration_type);
        posting.delivery_schema = non_empty(self.delivery_schema);
        posting.in_process_at = self.in_process_at;
        posting.shipment_date = self.shipment_date;
        posting.delivering_date = self.delivering_date;
        posting.cancellation = self.cancellation.and_then(|c| {
            let reason_id = c.cancel_reason_id.filter(|&id| id != 0);
            let reason = non_empty(c.cancel_reason);
            // The API sends an all-empty cancellation object for postings that were never cancelled.
            if reason_id.is_none() && reason.is_none() {
                return None;
            }
            Some(Cancellation {
                reason_id,
                reason: reason.unwrap_or_default(),
                cancellation_type: non_empty(c.cancellation_type),
                message: None,
                cancelled_after_ship: c.cancelled_after_ship.unwrap_or(false),
            })
        });
        if let Some(b) = self.barcodes {
            posting.upper_barcode = non_empty(b.upper_barcode);
            posting.lower_barcode = non_empty(b.lower_barcode);
        }
        posting.is_multibox = self.is_multibox.unwrap_or(false);
        posting.multi_box_qty = self.multi_box_qty.filter(|&n| n > 0).unwrap_or(1);
        posting.is_express = self.is_express.unwrap_or(false);
        posting.mark_required_skus = self
            .requirements
            .map(|r| r.products_requiring_mandatory_mark)
            .unwrap_or_default();
        posting.available_actions = self.available_actions;
        posting.delivered_at = self.fact_delivery_date;
        let (delivery_type, analytics_region) = self
            .analytics_data
            .map(|a| (non_empty(a.delivery_type), non_empty(a.region)))
            .unwrap_or_default();
        posting.delivery_type = delivery_type;
        posting.customer_region = self
            .customer
            .and_then(|c| c.address)
            .and_then(|a| non_empty(a.region))
            .or(analytics_region);
        posting.cross_border = is_crossborder_schema(posting.delivery_schema.as_deref())
            || posting.awaiting_passport();

        let exemplars: Vec<RawExemplarProduct> = self
            .product_exemplars
            .and_then(|e| e.products)
            .unwrap_or_default();
        let raw_products = self.products.unwrap_or_default();
        let skus: Vec<Option<i64>> = raw_products.iter().map(|p| p.sku).collect();
        for (i, raw) in raw_products.into_iter().enumerate() {
            let field = |name: &str| format!("products[{i}].{name}");
            let sku = raw
                .sku
                .ok_or_else(|| fail(&field("sku"), "missing".into()))?;
            let quantity = raw
                .quantity
                .ok_or_else(|| fail(&field("quantity"), "missing".into()))?;
            if quantity == 0 {
                return Err(fail(&field("quantity"), "must be at least 1".into()));
            }
            let price = raw
                .price
                .ok_or_else(|| fail(&field("price"), "missing".into()))?;
            let amount = price
                .amount
                .ok_or_else(|| fail(&field("price"), "missing amount".into()))?;
            let amount =
                parse_decimal(&amount).map_err(|e| fail(&field("price"), e.to_string()))?;
            let currency = non_empty(price.currency)
                .or(non_empty(raw.currency_code))
                .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
            let currency =
                parse_currency(&currency).map_err(|e| fail(&field("currency"), e.to_string()))?;
            let price =
                Money::new(amount, &currency).map_err(|e| fail(&field("price"), e.to_string()))?;
            // Exemplars are listed per SKU, not per line. When the SKU has another line further
            // on, this one takes only as many marks as it has units and leaves the rest to the
            // later lines; a mark an earlier line took is not taken again. A SKU on one line gets
            // every mark.
            let more_lines = skus
                .get(i + 1..)
                .is_some_and(|rest| rest.contains(&Some(sku)));
            let limit = if more_lines {
                quantity as usize
            } else {
                usize::MAX
            };
            let mut marking_codes = raw.mandatory_mark;
            let marks = exemplars
                .iter()
                .filter(|e| e.sku == Some(sku))
                .flat_map(|e| e.exemplars.iter().flatten())
                .filter_map(|e| e.mandatory_mark.as_ref().filter(|m| !m.is_empty()));
            for mark in marks {
                if marking_codes.len() >= limit {
                    break;
                }
                let taken = marking_codes.contains(mark)
                    || posting
                        .products
                        .iter()
                        .any(|p| p.sku == sku && p.marking_codes.contains(mark));
                if !taken {
                    marking_codes.push(mark.clone());
                }
            }
            posting.products.push(Product {
                sku,
                offer_id: raw.offer_id.unwrap_or_default(),
                name: raw.name.unwrap_or_default(),
                price,
                quantity,
                marking_codes,
            });
        }
        Ok(posting)
    }
}
