//! From a posting to the label data of each of its labels.

use chrono::FixedOffset;

use super::data::{LabelData, ProductData};
use crate::order::{Posting, Product};

/// What one label stands for (a template's `repeat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// One label per box of a posting (one for an ordinary posting).
    Posting,
    /// One label per product line of a posting.
    Product,
}

/// Most labels one posting may produce: a `multi_box_qty` beyond it is a data error, and printing
/// thousands of labels for it would be worse than printing this many.
pub const MAX_BOXES: u32 = 999;

/// Moscow time: Ozon's dates are UTC, its sellers and warehouses read them in Moscow time.
fn moscow() -> FixedOffset {
    // A fixed, valid offset of three hours; `east_opt` only fails beyond ±24 h.
    FixedOffset::east_opt(3 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

impl LabelData {
    /// The label data of box `box_number` of `boxes` of a posting, for its first product line.
    ///
    /// Absent values become empty text: the template decides what replaces them (`{a|b}`). The shipment
    /// date is shown in Moscow time (UTC+3), as the Ozon seller cabinet shows it.
    pub fn from_posting(posting: &Posting, box_number: u32, boxes: u32) -> LabelData {
        let dm = &posting.delivery_method;
        let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
        let items = posting
            .products
            .iter()
            .fold(0u32, |n, p| n.saturating_add(p.quantity));
        LabelData {
            posting_number: posting.posting_number.clone(),
            order_number: posting.order_number.clone(),
            upper_barcode: text(&posting.upper_barcode),
            lower_barcode: text(&posting.lower_barcode),
            tracking_number: text(&posting.tracking_number),
            warehouse: text(&dm.warehouse),
            delivery_method: text(&dm.name),
            delivery_service: text(&dm.tpl_provider),
            shipment_date: posting.shipment_date.map(|d| d.with_timezone(&moscow())),
            items,
            products: u32::try_from(posting.products.len()).unwrap_or(u32::MAX),
            box_number,
            boxes,
            product: posting.products.first().map(product).unwrap_or_default(),
        }
    }
}

fn product(p: &Product) -> ProductData {
    ProductData {
        name: p.name.clone(),
        offer_id: p.offer_id.clone(),
        sku: if p.sku > 0 {
            p.sku.to_string()
        } else {
            String::new()
        },
        quantity: p.quantity,
    }
}

/// The labels a template with `repeat` makes for a posting: one per box (a multi-box posting has
/// `multi_box_qty`, at most [`MAX_BOXES`]), or for a per-product template one per product line.
pub fn labels_for_posting(posting: &Posting, repeat: Repeat) -> Vec<LabelData> {
    let boxes = if posting.is_multibox {
        posting.multi_box_qty.clamp(1, MAX_BOXES)
    } else {
        1
    };
    match repeat {
        Repeat::Posting => (1..=boxes)
            .map(|n| LabelData::from_posting(posting, n, boxes))
            .collect(),
        Repeat::Product => {
            let base = LabelData::from_posting(posting, 1, boxes);
            posting
                .products
                .iter()
                .map(|p| LabelData {
                    product: product(p),
                    ..base.clone()
                })
                .collect()
        }
    }
}
