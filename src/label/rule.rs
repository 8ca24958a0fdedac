//! The label rule: which labels a posting gets, what each is called and what it shows.

use super::data::{LabelData, ProductData};
use crate::bitmap::Bitmap;
use crate::order::moscow;
use crate::order::{Posting, PostingNumber, Product, Shipment};

/// What one label stands for (a template's `repeat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// One label per box of a posting (one for an ordinary posting).
    Posting,
    /// One label per product line of a posting.
    Product,
}

/// Most packages (boxes) one posting may have labels for: the order's own box limit (one home), which
/// the importer enforces too; a posting beyond it is refused naming the posting, never clamped.
use crate::order::MAX_BOXES;

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

/// A package (box) of a posting that gets its own label(s): the unit the print journal records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelUnit {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// The package number (1 for a posting in one package).
    pub package_number: u32,
    /// How many packages (or boxes) the posting has.
    pub boxes: u32,
}

impl LabelUnit {
    /// The packages of a posting that get labels; see [`labels_of`] for the rule.
    pub fn of(posting: &Posting) -> Result<Vec<LabelUnit>, LabelRuleError> {
        let unit = |package_number, boxes| LabelUnit {
            posting_number: posting.posting_number.clone(),
            package_number,
            boxes,
        };
        let packages = posting.shipments.len();
        if packages > 1 {
            let boxes = u32::try_from(packages).unwrap_or(u32::MAX);
            check_boxes(posting, "packages", boxes)?;
            return Ok(posting
                .shipments
                .iter()
                .map(|s| unit(s.package_number, boxes))
                .collect());
        }
        if posting.is_multibox && posting.multi_box_qty > 1 {
            let boxes = posting.multi_box_qty;
            check_boxes(posting, "multi_box_qty", boxes)?;
            return Ok((1..=boxes).map(|n| unit(n, boxes)).collect());
        }
        let package = posting.shipments.first().map_or(1, |s| s.package_number);
        Ok(vec![unit(package, 1)])
    }

    /// `posting` or `posting box n/m`.
    pub fn name(&self) -> String {
        if self.boxes > 1 {
            format!(
                "{} box {}/{}",
                self.posting_number, self.package_number, self.boxes
            )
        } else {
            self.posting_number.to_string()
        }
    }
}

fn check_boxes(posting: &Posting, what: &'static str, boxes: u32) -> Result<(), LabelRuleError> {
    if boxes > MAX_BOXES {
        return Err(LabelRuleError::TooManyBoxes {
            posting: posting.posting_number.to_string(),
            what,
            boxes,
        });
    }
    Ok(())
}

/// Why the label rule gives a posting no labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LabelRuleError {
    /// More boxes than one posting may have labels for: a data error, not a reason to print thousands.
    #[error("posting {posting}: {what} {boxes} is over the limit of {max} labels per posting; check the posting's boxes", max = MAX_BOXES)]
    TooManyBoxes {
        /// The posting number.
        posting: String,
        /// Where the count came from: `multi_box_qty` or `packages`.
        what: &'static str,
        /// The count.
        boxes: u32,
    },
    /// A per-product template and a package without product lines.
    #[error("{label}: the template makes one label per product line and it has none")]
    NoProducts {
        /// The package's label name.
        label: String,
    },
}

/// One label of a posting, as the label rule decides it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostingLabel {
    /// The package (or box) it goes on.
    pub unit: LabelUnit,
    /// For a per-product template: this product line, from 1, and the lines of the package.
    pub product: Option<(u32, u32)>,
    /// What the label shows.
    pub data: LabelData,
}

impl PostingLabel {
    /// `posting`, `posting box n/m`, and for a per-product template `… product k/K` when the package
    /// has several lines.
    pub fn name(&self) -> String {
        match self.product {
            Some((k, n)) if n > 1 => format!("{} product {k}/{n}", self.unit.name()),
            _ => self.unit.name(),
        }
    }
}

/// The labels of a posting: the one rule every path uses (the library's rendering functions, `render`,
/// `print FILE`, `print --pending`, `reprint`, `scan`, `render --db`).
///
/// - A posting packed here into several packages gets a label per package, showing that package's
///   products and tracking number (`posting box n/m`).
/// - Otherwise an Ozon multi-box posting gets a label per box (`multi_box_qty`); a count over
///   [`MAX_BOXES`] is refused, naming the posting and the limit.
/// - Otherwise one label.
/// - With `repeat = "product"` each of those becomes one label per product line of its package.
pub fn labels_of(posting: &Posting, repeat: Repeat) -> Result<Vec<PostingLabel>, LabelRuleError> {
    let mut labels = Vec::new();
    for unit in LabelUnit::of(posting)? {
        let data = unit_data(posting, &unit);
        match repeat {
            Repeat::Posting => labels.push(PostingLabel {
                unit,
                product: None,
                data,
            }),
            Repeat::Product => {
                let lines = unit_products(posting, &unit);
                if lines.is_empty() {
                    return Err(LabelRuleError::NoProducts { label: unit.name() });
                }
                let n = u32::try_from(lines.len()).unwrap_or(u32::MAX);
                for (k, line) in (1..).zip(lines) {
                    labels.push(PostingLabel {
                        unit: unit.clone(),
                        product: Some((k, n)),
                        data: LabelData {
                            product: product(line),
                            ..data.clone()
                        },
                    });
                }
            }
        }
    }
    Ok(labels)
}

/// The package's own shipment when the posting was packed into several here.
fn own_shipment<'p>(posting: &'p Posting, unit: &LabelUnit) -> Option<&'p Shipment> {
    if posting.shipments.len() < 2 {
        return None;
    }
    posting
        .shipments
        .iter()
        .find(|s| s.package_number == unit.package_number)
}

fn unit_products<'p>(posting: &'p Posting, unit: &LabelUnit) -> &'p [Product] {
    own_shipment(posting, unit).map_or(&posting.products, |s| &s.products)
}

/// The label fields of one package: the posting as this package holds it (its own products and
/// tracking number when the posting was split).
fn unit_data(posting: &Posting, unit: &LabelUnit) -> LabelData {
    match own_shipment(posting, unit) {
        Some(s) => {
            let mut package = posting.clone();
            package.products = s.products.clone();
            if s.tracking_number.is_some() {
                package.tracking_number = s.tracking_number.clone();
            }
            LabelData::from_posting(&package, unit.package_number, unit.boxes)
        }
        None => LabelData::from_posting(posting, unit.package_number, unit.boxes),
    }
}

/// One label as a bitmap, with its name ([`PostingLabel::name`]): what the station prints and the
/// pipeline's `named_bitmaps` returns.
#[derive(Debug, Clone)]
pub struct NamedBitmap {
    /// The label's name, e.g. `0132112277-0101-1` or `0132112277-0101-1 (2 of 3)`.
    pub name: String,
    /// The label.
    pub bitmap: Bitmap,
}
