//! Ozon Seller API postings (v3/v4 list, v3 get, FBO list and get, bare, array) into [`Posting`]s.
//!
//! Only the fields the domain keeps are declared; everything else (`tariffication` in either its
//! array or object form, `financial_data`, the customer's name and phone, …) is skipped unread, so new
//! or changed API fields never break an import. Every object is read as an object only ([`Obj`]): an
//! array in its place is a type error, never read field by field.
//!
//! Fields that no label and no gate reads (`fact_delivery_date`, `delivering_date`, `analytics_data`,
//! `customer`, `available_actions`, `is_express`, `order_id`) are [`Soft`]: a value that cannot be read
//! is left out with a warning instead of refusing the file. Everything else is strict.

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::lenient::{self, Obj, RawPrice, Soft};
use super::locate::Step;
use crate::order::model::{
    is_crossborder_schema, Cancellation, DeliveryMethod, Posting, Product, Scheme, MAX_BOXES,
    MAX_UNITS,
};
use crate::order::money::{parse_currency, parse_decimal, Money};
use crate::order::number::PostingNumber;
use crate::order::status::{Status, Substatus};

/// The currency assumed when a v3 product has no `currency_code` (older payloads): Ozon's own.
pub const DEFAULT_CURRENCY: &str = "RUB";

/// `/v3/posting/fbs/list`: `{"result": {"postings": [...]}}`.
#[derive(Deserialize)]
pub(super) struct V3List {
    pub result: Obj<V3ListResult>,
}

#[derive(Deserialize)]
pub(super) struct V3ListResult {
    #[serde(default)]
    pub postings: Option<Vec<ReadPosting>>,
}

/// `/v4/posting/fbs/list` and `/v4/posting/fbs/unfulfilled/list`: `{"postings": [...], "cursor": …}`.
#[derive(Deserialize)]
pub(super) struct V4List {
    #[serde(default)]
    pub postings: Option<Vec<ReadPosting>>,
}

/// `/v3/posting/fbs/get` and `/v2/posting/fbo/get`: `{"result": {...}}`.
#[derive(Deserialize)]
pub(super) struct V3Get {
    pub result: ReadPosting,
}

/// A `{"result": [...]}` envelope: `/v2/posting/fbo/list` and older FBS list endpoints.
#[derive(Deserialize)]
pub(super) struct ResultArray {
    pub result: Vec<ReadPosting>,
}

/// Why a posting could not be converted: the field as a path below the posting, and what is wrong.
pub(super) type Failure = (Vec<Step>, String);

/// One posting of a list, converted as soon as it is read ([`RawPosting::into_posting`]): the raw
/// form of a whole list is never held, which kept 12 MB more for 10,000 postings. The conversion's
/// failure is kept, not raised, so that a JSON error anywhere in the file still comes first and the
/// postings' failures are reported in order, as before.
pub(super) struct ReadPosting(pub Result<(Posting, Vec<Note>), (Option<String>, Failure)>);

impl<'de> Deserialize<'de> for ReadPosting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Obj(raw) = Obj::<RawPosting>::deserialize(d)?;
        Ok(ReadPosting(raw.into_posting()))
    }
}

/// A field left unread: its path below the posting, and why.
pub(super) type Note = (Vec<Step>, String);

fn key(name: &str) -> Step {
    Step::Key(name.to_owned())
}

/// One posting as the API writes it; every field optional, as in the spec.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RawPosting {
    #[serde(deserialize_with = "lenient::opt_string")]
    posting_number: Option<String>,
    #[serde(deserialize_with = "lenient::soft_i64")]
    order_id: Soft<Option<i64>>,
    #[serde(deserialize_with = "lenient::opt_string")]
    order_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    parent_posting_number: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    status: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    substatus: Option<String>,
    delivery_method: Option<Obj<RawDeliveryMethod>>,
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
    #[serde(deserialize_with = "lenient::soft_datetime")]
    delivering_date: Soft<Option<chrono::DateTime<chrono::Utc>>>,
    cancellation: Option<Obj<RawCancellation>>,
    products: Option<Vec<Obj<RawProduct>>>,
    barcodes: Option<Obj<RawBarcodes>>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    is_multibox: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_u32")]
    multi_box_qty: Option<u32>,
    #[serde(deserialize_with = "lenient::soft_bool")]
    is_express: Soft<Option<bool>>,
    requirements: Option<Obj<RawRequirements>>,
    #[serde(deserialize_with = "lenient::soft_string_list")]
    available_actions: Soft<Vec<String>>,
    product_exemplars: Option<Obj<RawExemplars>>,
    #[serde(deserialize_with = "lenient::soft_datetime")]
    fact_delivery_date: Soft<Option<chrono::DateTime<chrono::Utc>>>,
    #[serde(deserialize_with = "lenient::soft_object")]
    analytics_data: Soft<Option<RawAnalytics>>,
    #[serde(deserialize_with = "lenient::soft_object")]
    customer: Soft<Option<RawCustomer>>,
    // Present only in FBO responses (see `Scheme`): looked at, never kept.
    created_at: Option<IgnoredAny>,
    cancel_reason_id: Option<IgnoredAny>,
    additional_data: Option<IgnoredAny>,
}

/// The parts of `analytics_data` the seller's day needs: the last-mile type and the region.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAnalytics {
    #[serde(deserialize_with = "lenient::soft_string")]
    delivery_type: Soft<Option<String>>,
    #[serde(deserialize_with = "lenient::soft_string")]
    region: Soft<Option<String>>,
    /// FBO responses name the Ozon warehouse here (FBS ones say `warehouse`).
    warehouse_name: Option<IgnoredAny>,
}

/// Only the customer's region is read (for the time zone); names and phones are left unread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCustomer {
    #[serde(deserialize_with = "lenient::soft_object")]
    address: Soft<Option<RawAddress>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAddress {
    #[serde(deserialize_with = "lenient::soft_string")]
    region: Soft<Option<String>>,
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
    products: Option<Vec<Obj<RawExemplarProduct>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExemplarProduct {
    #[serde(deserialize_with = "lenient::opt_i64")]
    sku: Option<i64>,
    exemplars: Option<Vec<Obj<RawExemplar>>>,
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

/// Takes a soft value: the value, or the default with a note at `path`.
fn take<T: Default>(soft: Soft<T>, path: &[&str], notes: &mut Vec<Note>) -> T {
    match soft {
        Soft::Read(v) => v,
        Soft::Unreadable(why) => {
            notes.push((path.iter().map(|k| key(k)).collect(), why));
            T::default()
        }
    }
}

impl RawPosting {
    /// FBO or FBS: see [`Scheme`] for the rule.
    fn scheme(&self) -> Scheme {
        if let Some(schema) = self.delivery_schema.as_deref() {
            if schema.trim().eq_ignore_ascii_case("fbo") {
                return Scheme::Fbo;
            }
            return Scheme::Fbs;
        }
        let fbs_only = self.delivery_method.is_some()
            || self.shipment_date.is_some()
            || self.barcodes.is_some()
            || self.tpl_integration_type.is_some()
            || self.tracking_number.is_some()
            || self.cancellation.is_some()
            || self.substatus.is_some();
        let warehouse_name = matches!(
            &self.analytics_data,
            Soft::Read(Some(a)) if a.warehouse_name.is_some()
        );
        let fbo_only = self.created_at.is_some()
            || self.cancel_reason_id.is_some()
            || self.additional_data.is_some()
            || warehouse_name;
        if fbo_only && !fbs_only {
            Scheme::Fbo
        } else {
            Scheme::Fbs
        }
    }

    /// Converts one posting; fields left unread are returned as notes. A failure names the field as a
    /// path below the posting.
    pub(super) fn into_posting(self) -> Result<(Posting, Vec<Note>), (Option<String>, Failure)> {
        let scheme = self.scheme();
        let posting_number = non_empty(self.posting_number);
        let number_for_errors = posting_number.clone();
        let fail = |path: Vec<Step>, message: String| (number_for_errors.clone(), (path, message));
        let Some(number) = posting_number else {
            return Err(fail(vec![key("posting_number")], "missing".into()));
        };
        let number = PostingNumber::new(number.trim())
            .map_err(|e| fail(vec![key("posting_number")], e.to_string()))?;
        let status = match non_empty(self.status) {
            Some(s) => Status::parse(s.trim()),
            None => return Err(fail(vec![key("status")], "missing".into())),
        };
        let mut notes = Vec::new();
        let mut posting = Posting::new(number, status);
        posting.scheme = scheme;
        posting.order_id = take(self.order_id, &["order_id"], &mut notes);
        // Posting::new already derived the order number from the posting number.
        if let Some(order_number) = non_empty(self.order_number) {
            posting.order_number = order_number;
        }
        // No label and no gate reads the parent: one that is not a posting number is left unread.
        posting.parent_posting_number = match non_empty(self.parent_posting_number)
            .map(|n| PostingNumber::new(n.trim()))
            .transpose()
        {
            Ok(parent) => parent,
            Err(e) => {
                notes.push((vec![key("parent_posting_number")], e.to_string()));
                None
            }
        };
        posting.substatus = non_empty(self.substatus).map(|s| Substatus::parse(s.trim()));
        if let Some(Obj(dm)) = self.delivery_method {
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
        posting.delivering_date = take(self.delivering_date, &["delivering_date"], &mut notes);
        posting.cancellation = self.cancellation.and_then(|Obj(c)| {
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
        // Absent stays absent (`barcodes: null`, `""`); any other value, `"0"` included, is kept as
        // given: whether it may go on a label is the label layer's decision, and it must see it.
        if let Some(Obj(b)) = self.barcodes {
            posting.upper_barcode = non_empty(b.upper_barcode);
            posting.lower_barcode = non_empty(b.lower_barcode);
        }
        posting.is_multibox = self.is_multibox.unwrap_or(false);
        posting.multi_box_qty = match self.multi_box_qty {
            None | Some(0) => 1,
            Some(n) if n > MAX_BOXES => {
                return Err(fail(
                    vec![key("multi_box_qty")],
                    format!("{n} boxes is above the limit of {MAX_BOXES} boxes per posting"),
                ))
            }
            Some(n) => n,
        };
        posting.is_express = take(self.is_express, &["is_express"], &mut notes).unwrap_or(false);
        posting.mark_required_skus = self
            .requirements
            .map(|Obj(r)| r.products_requiring_mandatory_mark)
            .unwrap_or_default();
        posting.available_actions =
            take(self.available_actions, &["available_actions"], &mut notes);
        posting.delivered_at = take(self.fact_delivery_date, &["fact_delivery_date"], &mut notes);
        let analytics = take(self.analytics_data, &["analytics_data"], &mut notes);
        let (delivery_type, analytics_region) = match analytics {
            Some(a) => (
                take(
                    a.delivery_type,
                    &["analytics_data", "delivery_type"],
                    &mut notes,
                ),
                take(a.region, &["analytics_data", "region"], &mut notes),
            ),
            None => (None, None),
        };
        posting.delivery_type = non_empty(delivery_type);
        let customer_region = take(self.customer, &["customer"], &mut notes)
            .and_then(|c| take(c.address, &["customer", "address"], &mut notes))
            .and_then(|a| take(a.region, &["customer", "address", "region"], &mut notes));
        posting.customer_region = non_empty(customer_region).or(non_empty(analytics_region));
        posting.cross_border = is_crossborder_schema(posting.delivery_schema.as_deref())
            || posting.awaiting_passport();

        let exemplars: Vec<RawExemplarProduct> = self
            .product_exemplars
            .and_then(|Obj(e)| e.products)
            .unwrap_or_default()
            .into_iter()
            .map(|Obj(p)| p)
            .collect();
        let raw_products: Vec<RawProduct> = self
            .products
            .unwrap_or_default()
            .into_iter()
            .map(|Obj(p)| p)
            .collect();
        let skus: Vec<Option<i64>> = raw_products.iter().map(|p| p.sku).collect();
        let mut units: u64 = 0;
        for (i, raw) in raw_products.into_iter().enumerate() {
            let field = |name: &str| vec![key("products"), Step::Index(i), key(name)];
            let sku = raw
                .sku
                .ok_or_else(|| fail(field("sku"), "missing".into()))?;
            let quantity = raw
                .quantity
                .ok_or_else(|| fail(field("quantity"), "missing".into()))?;
            if quantity == 0 {
                return Err(fail(field("quantity"), "must be at least 1".into()));
            }
            units += u64::from(quantity);
            if units > u64::from(MAX_UNITS) {
                return Err(fail(
                    field("quantity"),
                    format!(
                        "{quantity} brings the posting to {units} units, above the limit of {MAX_UNITS} units per posting"
                    ),
                ));
            }
            let price = raw
                .price
                .ok_or_else(|| fail(field("price"), "missing".into()))?;
            let amount = price
                .amount
                .ok_or_else(|| fail(field("price"), "missing amount".into()))?;
            let amount = parse_decimal(&amount).map_err(|e| fail(field("price"), e.to_string()))?;
            let currency = non_empty(price.currency)
                .or(non_empty(raw.currency_code))
                .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
            let currency =
                parse_currency(&currency).map_err(|e| fail(field("currency"), e.to_string()))?;
            let price =
                Money::new(amount, &currency).map_err(|e| fail(field("price"), e.to_string()))?;
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
                .filter_map(|Obj(e)| e.mandatory_mark.as_ref().filter(|m| !m.is_empty()));
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
        Ok((posting, notes))
    }
}
