//! What a label shows: the values a template binds to by name.
//!
//! Templates never see a posting: they see a [`LabelData`], made from a posting for one box (and, for
//! per-product templates, one product line). That keeps the template language independent of the order
//! model and gives one place that decides, for instance, what "items" counts.

use chrono::{DateTime, FixedOffset};

use crate::order::PostingNumber;

/// The values of one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelData {
    /// Ozon posting number, e.g. `12345678-0001-1`.
    pub posting_number: PostingNumber,
    /// Order number the posting belongs to.
    pub order_number: String,
    /// The warehouse barcode value (Ozon's `upper_barcode`); empty when the posting has none.
    pub upper_barcode: String,
    /// The internal barcode value (Ozon's `lower_barcode`); empty when the posting has none.
    pub lower_barcode: String,
    /// Carrier tracking number; empty when there is none.
    pub tracking_number: String,
    /// Name of the seller's warehouse.
    pub warehouse: String,
    /// Name of the delivery method.
    pub delivery_method: String,
    /// Name of the delivery service (3PL), when known.
    pub delivery_service: String,
    /// Date and time the posting must be handed over.
    pub shipment_date: Option<DateTime<FixedOffset>>,
    /// Units in the posting (quantities summed over product lines).
    pub items: u32,
    /// Distinct product lines in the posting.
    pub products: u32,
    /// This label's box, counting from 1.
    pub box_number: u32,
    /// Boxes the posting ships in (1 for an ordinary posting).
    pub boxes: u32,
    /// The product this label is for: the first line of the posting, or the line a per-product template is
    /// repeated for.
    pub product: ProductData,
}

/// The product fields of a label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductData {
    /// Product name.
    pub name: String,
    /// Seller's article (offer id).
    pub offer_id: String,
    /// Ozon SKU.
    pub sku: String,
    /// Units of this product in the posting.
    pub quantity: u32,
}

/// What kind of value a field holds, which decides the formatting it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A whole number.
    Number,
    /// A date and time (formatted with `strftime` patterns; `%d.%m.%Y` by default).
    Date,
    /// Yes or no (only for an element's `when`).
    Flag,
}

/// A field of [`LabelData`] that a template can bind to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `posting_number`
    PostingNumber,
    /// `order_number`
    OrderNumber,
    /// `upper_barcode`
    UpperBarcode,
    /// `lower_barcode`
    LowerBarcode,
    /// `tracking_number`
    TrackingNumber,
    /// `warehouse`
    Warehouse,
    /// `delivery_method`
    DeliveryMethod,
    /// `delivery_service`
    DeliveryService,
    /// `shipment_date`
    ShipmentDate,
    /// `items`
    Items,
    /// `products`
    Products,
    /// `box`
    Box,
    /// `boxes`
    Boxes,
    /// `multibox`: set when the posting ships in more than one box.
    Multibox,
    /// `product_name`
    ProductName,
    /// `offer_id`
    OfferId,
    /// `sku`
    Sku,
    /// `quantity`
    Quantity,
}

/// A field's value, borrowed from the label data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Text; empty means absent.
    Text(&'a str),
    /// A number.
    Number(u32),
    /// A date, or none.
    Date(Option<DateTime<FixedOffset>>),
    /// A flag.
    Flag(bool),
}

impl Value<'_> {
    /// Whether the value counts as present: non-empty text, a non-zero number, a date, a set flag.
    /// Fallbacks (`{a|b}`) and `when` use it.
    pub fn is_present(&self) -> bool {
        match self {
            Value::Text(s) => !s.trim().is_empty(),
            Value::Number(n) => *n != 0,
            Value::Date(d) => d.is_some(),
            Value::Flag(f) => *f,
        }
    }
}

/// Whether a barcode value stands for "none": empty, blank, or only zeros (Ozon's examples and postings
/// fetched without `with.barcodes` carry `"0"`). A label with such a barcode would send the parcel
/// nowhere, so it counts as absent.
pub fn is_placeholder(value: &str) -> bool {
    value.trim().chars().all(|c| c == '0')
}

impl Field {
    /// Every field, in the order the documentation lists them.
    pub const ALL: [Field; 18] = [
        Field::PostingNumber,
        Field::OrderNumber,
        Field::UpperBarcode,
        Field::LowerBarcode,
        Field::TrackingNumber,
        Field::Warehouse,
        Field::DeliveryMethod,
        Field::DeliveryService,
        Field::ShipmentDate,
        Field::Items,
        Field::Products,
        Field::Box,
        Field::Boxes,
        Field::Multibox,
        Field::ProductName,
        Field::OfferId,
        Field::Sku,
        Field::Quantity,
    ];

    /// The name a template uses.
    pub fn name(self) -> &'static str {
        match self {
            Field::PostingNumber => "posting_number",
            Field::OrderNumber => "order_number",
            Field::UpperBarcode => "upper_barcode",
            Field::LowerBarcode => "lower_barcode",
            Field::TrackingNumber => "tracking_number",
            Field::Warehouse => "warehouse",
            Field::DeliveryMethod => "delivery_method",
            Field::DeliveryService => "delivery_service",
            Field::ShipmentDate => "shipment_date",
            Field::Items => "items",
            Field::Products => "products",
            Field::Box => "box",
            Field::Boxes => "boxes",
            Field::Multibox => "multibox",
            Field::ProductName => "product_name",
            Field::OfferId => "offer_id",
            Field::Sku => "sku",
            Field::Quantity => "quantity",
        }
    }

    /// The field a template name refers to.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What kind of value the field holds.
    pub fn kind(self) -> FieldKind {
        match self {
            Field::ShipmentDate => FieldKind::Date,
            Field::Items | Field::Products | Field::Box | Field::Boxes | Field::Quantity => {
                FieldKind::Number
            }
            Field::Multibox => FieldKind::Flag,
            _ => FieldKind::Text,
        }
    }

    /// One line for `shiplabel templates --fields` and the documentation.
    pub fn description(self) -> &'static str {
        match self {
            Field::PostingNumber => "posting number, e.g. 12345678-0001-1",
            Field::OrderNumber => "order number",
            Field::UpperBarcode => "warehouse barcode value (empty when the posting has none)",
            Field::LowerBarcode => "internal barcode value (empty when the posting has none)",
            Field::TrackingNumber => "carrier tracking number",
            Field::Warehouse => "seller's warehouse name",
            Field::DeliveryMethod => "delivery method name",
            Field::DeliveryService => "delivery service (3PL) name",
            Field::ShipmentDate => "hand-over date and time (date: default format %d.%m.%Y)",
            Field::Items => "units in the posting",
            Field::Products => "product lines in the posting",
            Field::Box => "this box, from 1",
            Field::Boxes => "boxes in the posting",
            Field::Multibox => "set when the posting has more than one box (for `when`)",
            Field::ProductName => "product name (first line, or the repeated line)",
            Field::OfferId => "seller's article of that product",
            Field::Sku => "Ozon SKU of that product",
            Field::Quantity => "units of that product",
        }
    }
}

/// A barcode value, or empty text when it is a placeholder.
fn code(value: &str) -> &str {
    if is_placeholder(value) {
        ""
    } else {
        value
    }
}

impl LabelData {
    /// The value of a field. A barcode value (`upper_barcode`, `lower_barcode`, `tracking_number`) that
    /// is a placeholder (see [`is_placeholder`]) is absent: empty text.
    pub fn value(&self, field: Field) -> Value<'_> {
        match field {
            Field::PostingNumber => Value::Text(&self.posting_number),
            Field::OrderNumber => Value::Text(&self.order_number),
            Field::UpperBarcode => Value::Text(code(&self.upper_barcode)),
            Field::LowerBarcode => Value::Text(code(&self.lower_barcode)),
            Field::TrackingNumber => Value::Text(code(&self.tracking_number)),
            Field::Warehouse => Value::Text(&self.warehouse),
            Field::DeliveryMethod => Value::Text(&self.delivery_method),
            Field::DeliveryService => Value::Text(&self.delivery_service),
            Field::ShipmentDate => Value::Date(self.shipment_date),
            Field::Items => Value::Number(self.items),
            Field::Products => Value::Number(self.products),
            Field::Box => Value::Number(self.box_number),
            Field::Boxes => Value::Number(self.boxes),
            Field::Multibox => Value::Flag(self.boxes > 1),
            Field::ProductName => Value::Text(&self.product.name),
            Field::OfferId => Value::Text(&self.product.offer_id),
            Field::Sku => Value::Text(&self.product.sku),
            Field::Quantity => Value::Number(self.product.quantity),
        }
    }

    /// A field's text as the posting gave it, before placeholders count as absent (for error messages).
    pub fn raw_text(&self, field: Field) -> Option<&str> {
        match field {
            Field::UpperBarcode => Some(&self.upper_barcode),
            Field::LowerBarcode => Some(&self.lower_barcode),
            Field::TrackingNumber => Some(&self.tracking_number),
            _ => match self.value(field) {
                Value::Text(s) => Some(s),
                _ => None,
            },
        }
    }

    /// A made-up label for previews and tests.
    pub fn sample() -> LabelData {
        LabelData {
            posting_number: "12345678-0001-1".parse().expect("a valid posting number"),
            order_number: "12345678-0001".into(),
            upper_barcode: "%101%806044518".into(),
            lower_barcode: "751420599146000".into(),
            tracking_number: String::new(),
            warehouse: "Склад на Ленина".into(),
            delivery_method: "Ozon Логистика самостоятельно, Москва".into(),
            delivery_service: "Ozon Логистика".into(),
            shipment_date: DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z").ok(),
            items: 3,
            products: 2,
            box_number: 1,
            boxes: 1,
            product: ProductData {
                name: "Термокружка 450 мл".into(),
                offer_id: "ART-1234-0".into(),
                sku: "1234567890".into(),
                quantity: 2,
            },
        }
    }
}
