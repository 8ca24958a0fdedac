//! The neutral record format for non-Ozon sources: one record per product line, grouped into
//! postings by `shipment_id`. The same columns in JSON (an array of objects) and CSV (a header row).
//! The format is documented with examples in `docs/records.md`.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::lenient::parse_datetime;
use super::ImportError;
use crate::order::model::{is_crossborder_schema, Posting, Product, Scheme, MAX_BOXES, MAX_UNITS};
use crate::order::money::{parse_currency, parse_decimal, Money};
use crate::order::number::PostingNumber;
use crate::order::status::{Status, Substatus};

/// Every column of the neutral format, required ones first.
pub const RECORD_COLUMNS: &[&str] = &[
    "shipment_id",
    "sku",
    "name",
    "quantity",
    "price",
    "currency",
    "order_number",
    "order_id",
    "status",
    "substatus",
    "offer_id",
    "tracking_number",
    "upper_barcode",
    "lower_barcode",
    "warehouse",
    "warehouse_id",
    "delivery_method",
    "delivery_method_id",
    "tpl_provider",
    "tpl_provider_id",
    "tpl_integration_type",
    "delivery_schema",
    "in_process_at",
    "shipment_date",
    "delivering_date",
    "parent_posting_number",
    "cross_border",
    "multi_box_qty",
    "marking_codes",
];

/// How many of [`RECORD_COLUMNS`], from the first, a record must fill.
const REQUIRED: usize = 6;

/// The status of a record that gives none: records from non-Ozon sources describe packed parcels
/// waiting for their labels.
pub const DEFAULT_STATUS: Status = Status::AwaitingDeliver;

/// The longest CSV line: far above any real record (a line with a thousand marking codes is 40 KB), so
/// a file without line breaks is refused with its line number instead of being read as one record.
pub const MAX_CSV_LINE: usize = 1024 * 1024;

/// Separates several marking codes in one CSV cell (`|` is outside the GS1 character set).
const MARK_SEPARATOR: char = '|';

/// One record: column name → non-empty trimmed text.
struct Record {
    index: usize,
    line: Option<u64>,
    values: HashMap<&'static str, String>,
}

/// Imports an array of JSON record objects (already parsed by the shape detection).
pub(super) fn from_json(name: &str, value: Value) -> Result<Vec<Posting>, ImportError> {
    let Value::Array(items) = value else {
        return Err(ImportError::Shape {
            file: name.to_owned(),
            message: "neutral records must be a JSON array of objects".into(),
        });
    };
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let fail = |field: &str, message: String| ImportError::Record {
            file: name.to_owned(),
            index,
            line: None,
            field: field.to_owned(),
            message,
        };
        let Value::Object(map) = item else {
            return Err(fail("", "expected an object".into()));
        };
        let mut values = HashMap::new();
        for &column in RECORD_COLUMNS {
            let text = match map.get(column) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Array(items)) if column == "marking_codes" => {
                    let mut codes = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::String(s) => codes.push(s.clone()),
                            _ => {
                                return Err(fail(column, "expected a list of strings".into()));
                            }
                        }
                    }
                    codes.join(&MARK_SEPARATOR.to_string())
                }
                Some(_) => return Err(fail(column, "expected a string or number".into())),
            };
            let text = text.trim();
            if !text.is_empty() {
                values.insert(column, text.to_owned());
            }
        }
        records.push(Record {
            index,
            line: None,
            values,
        });
    }
    group(name, records)
}

/// The field separators a CSV may use: a comma, a semicolon (Excel in a locale whose decimal mark is a
/// comma, as the Russian one) or a tab ("Unicode text").
const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];

/// The separator of a CSV: the one that occurs most often, outside quotes, in the header line.
fn separator(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = SEPARATORS.iter().position(|&s| s == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..SEPARATORS.len())
        .max_by_key(|&i| (counts[i], usize::MAX - i))
        .unwrap_or(0);
    SEPARATORS[best]
}

/// How a separator is named in messages.
fn separator_name(sep: u8) -> &'static str {
    match sep {
        b';' => "semicolon",
        b'\t' => "tab",
        _ => "comma",
    }
}

/// Imports CSV records with a header row. The separator (`,` `;` tab) is detected from the header;
/// line ends may be LF or CRLF; decimal commas are accepted in prices (see [`decimal_text`]).
pub(super) fn from_csv(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    for (i, line) in text.split('\n').enumerate() {
        if line.len() > MAX_CSV_LINE {
            return Err(ImportError::Csv {
                file: name.to_owned(),
                line: i as u64 + 1,
                message: format!(
                    "line longer than {} KiB, the limit for one CSV line",
                    MAX_CSV_LINE / 1024
                ),
            });
        }
    }
    let header_line = text.lines().next().unwrap_or("");
    let sep = separator(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(sep)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = e.position().map(|p| p.line()).unwrap_or(1);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "expected {expected_len} fields like the header, found {len} ({} separated)",
                separator_name(sep)
            ),
            _ => e.to_string(),
        };
        ImportError::Csv {
            file: name.to_owned(),
            line,
            message,
        }
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut columns: Vec<Option<&'static str>> = Vec::with_capacity(headers.len());
    for header in headers.iter() {
        let header = header.trim().to_ascii_lowercase();
        let known = RECORD_COLUMNS.iter().copied().find(|&c| c == header);
        if known.is_some() && columns.contains(&known) {
            return Err(ImportError::Csv {
                file: name.to_owned(),
                line: 1,
                message: format!("column {header:?} appears twice in the header"),
            });
        }
        columns.push(known);
    }
    let missing: Vec<&str> = RECORD_COLUMNS
        .iter()
        .take(REQUIRED)
        .copied()
        .filter(|required| !columns.contains(&Some(required)))
        .collect();
    if !missing.is_empty() {
        let found: Vec<String> = headers.iter().map(|h| format!("{:?}", h.trim())).collect();
        return Err(ImportError::Csv {
            file: name.to_owned(),
            line: 1,
            message: format!(
                "the header lacks the required column(s) {}; found {} column(s) ({} separated): {}; expected at least: {} (all known columns: docs/records.md)",
                missing.join(", "),
                found.len(),
                separator_name(sep),
                found.join(", "),
                RECORD_COLUMNS[..REQUIRED].join(", "),
            ),
        });
    }
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(csv_error)?;
        let line = row.position().map(|p| p.line());
        let mut values = HashMap::new();
        for (column, cell) in columns.iter().zip(row.iter()) {
            if let Some(column) = column {
                let cell = cell.trim();
                if !cell.is_empty() {
                    values.insert(*column, cell.to_owned());
                }
            }
        }
        records.push(Record {
            index,
            line,
            values,
        });
    }
    group(name, records)
}

/// A decimal as spreadsheets write it, made plain: grouping spaces (also no-break ones) removed, and a
/// decimal comma (`459,90`) made a point when the text has no point. Text with both is left as it is,
/// so `1.459,90` is refused rather than guessed.
fn decimal_text(text: &str) -> String {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
        .collect();
    if plain.contains('.') {
        plain
    } else {
        plain.replacen(',', ".", 1)
    }
}

/// A count between 1 and `max`.
fn count(text: &str, max: u32, what: &str) -> Result<u32, String> {
    match text.parse::<u64>() {
        Ok(n) if n >= 1 && n <= u64::from(max) => Ok(n as u32),
        Ok(0) => Err(format!("{text:?} is not a whole number of at least 1")),
        Ok(_) => Err(format!("{text} is above the limit of {max} {what}")),
        Err(_) => Err(format!("{text:?} is not a whole number of at least 1")),
    }
}

/// Posting-level values gathered from the records of one shipment.
#[derive(Default)]
struct Head {
    order_number: Option<String>,
    order_id: Option<i64>,
    status: Option<Status>,
    substatus: Option<Substatus>,
    tracking_number: Option<String>,
    upper_barcode: Option<String>,
    lower_barcode: Option<String>,
    warehouse: Option<String>,
    warehouse_id: Option<i64>,
    delivery_method: Option<String>,
    delivery_method_id: Option<i64>,
    tpl_provider: Option<String>,
    tpl_provider_id: Option<i64>,
    tpl_integration_type: Option<String>,
    delivery_schema: Option<String>,
    in_process_at: Option<DateTime<Utc>>,
    shipment_date: Option<DateTime<Utc>>,
    delivering_date: Option<DateTime<Utc>>,
    parent_posting_number: Option<PostingNumber>,
    cross_border: Option<bool>,
    multi_box_qty: Option<u32>,
}

struct Draft {
    shipment_id: PostingNumber,
    head: Head,
    products: Vec<Product>,
}

impl Record {
    fn fail(&self, file: &str, field: &str, message: impl Into<String>) -> ImportError {
        ImportError::Record {
            file: file.to_owned(),
            index: self.index,
            line: self.line,
            field: field.to_owned(),
            message: message.into(),
        }
    }

    fn text(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }

    fn required(&self, file: &str, field: &str) -> Result<String, ImportError> {
        self.text(field)
            .ok_or_else(|| self.fail(file, field, "missing (required)"))
    }

    fn parsed<T>(
        &self,
        file: &str,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ImportError> {
        match self.values.get(field) {
            None => Ok(None),
            Some(text) => parse(text)
                .map(Some)
                .map_err(|message| self.fail(file, field, message)),
        }
    }

    fn int(&self, file: &str, field: &str) -> Result<Option<i64>, ImportError> {
        self.parsed(file, field, |t| {
            t.parse::<i64>()
                .map_err(|_| format!("{t:?} is not a whole number"))
        })
    }

    fn date(&self, file: &str, field: &str) -> Result<Option<DateTime<Utc>>, ImportError> {
        self.parsed(file, field, parse_datetime)
    }
}

/// Puts a record's value into a shipment's slot; a value that differs from an earlier record's is an
/// error, because silently picking one would put the wrong barcode or tracking number on a label.
fn merge<T: PartialEq + fmt::Display>(
    slot: &mut Option<T>,
    value: Option<T>,
    record: &Record,
    file: &str,
    field: &str,
) -> Result<(), ImportError> {
    match (slot.as_ref(), value) {
        (_, None) => Ok(()),
        (None, Some(v)) => {
            *slot = Some(v);
            Ok(())
        }
        (Some(old), Some(v)) if *old == v => Ok(()),
        (Some(old), Some(v)) => Err(record.fail(
            file,
            field,
            format!("{v} conflicts with {old} in an earlier record of the same shipment"),
        )),
    }
}

fn group(file: &str, records: Vec<Record>) -> Result<Vec<Posting>, ImportError> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_id: HashMap<PostingNumber, usize> = HashMap::new();
    for r in &records {
        let shipment_id = PostingNumber::new(r.required(file, "shipment_id")?)
            .map_err(|e| r.fail(file, "shipment_id", e.to_string()))?;
        let sku = r
            .int(file, "sku")?
            .ok_or_else(|| r.fail(file, "sku", "missing (required)"))?;
        let name = r.required(file, "name")?;
        let quantity_text = r.required(file, "quantity")?;
        let quantity = count(&quantity_text, MAX_UNITS, "units per posting")
            .map_err(|message| r.fail(file, "quantity", message))?;
        let amount = parse_decimal(&decimal_text(&r.required(file, "price")?))
            .map_err(|e| r.fail(file, "price", e.to_string()))?;
        let currency = parse_currency(&r.required(file, "currency")?)
            .map_err(|e| r.fail(file, "currency", e.to_string()))?;
        let price =
            Money::new(amount, &currency).map_err(|e| r.fail(file, "price", e.to_string()))?;
        let marking_codes = r
            .text("marking_codes")
            .map(|t| {
                t.split(MARK_SEPARATOR)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let product = Product {
            sku,
            offer_id: r.text("offer_id").unwrap_or_default(),
            name,
            price,
            quantity,
            marking_codes,
        };

        let slot = *by_id.entry(shipment_id).or_insert_with_key(|id| {
            drafts.push(Draft {
                shipment_id: id.clone(),
                head: Head::default(),
                products: Vec::new(),
            });
            drafts.len() - 1
        });
        // Every index in by_id is one that was pushed just above, so this cannot fail.
        let draft = &mut drafts[slot];
        let h = &mut draft.head;
        merge(
            &mut h.order_number,
            r.text("order_number"),
            r,
            file,
            "order_number",
        )?;
        merge(
            &mut h.order_id,
            r.int(file, "order_id")?,
            r,
            file,
            "order_id",
        )?;
        merge(
            &mut h.status,
            r.text("status").map(|s| Status::parse(&s)),
            r,
            file,
            "status",
        )?;
        merge(
            &mut h.substatus,
            r.text("substatus").map(|s| Substatus::parse(&s)),
            r,
            file,
            "substatus",
        )?;
        for (slot, field) in [
            (&mut h.tracking_number, "tracking_number"),
            (&mut h.upper_barcode, "upper_barcode"),
            (&mut h.lower_barcode, "lower_barcode"),
            (&mut h.warehouse, "warehouse"),
            (&mut h.delivery_method, "delivery_method"),
            (&mut h.tpl_provider, "tpl_provider"),
            (&mut h.tpl_integration_type, "tpl_integration_type"),
            (&mut h.delivery_schema, "delivery_schema"),
        ] {
            merge(slot, r.text(field), r, file, field)?;
        }
        let parent = r
            .text("parent_posting_number")
            .map(PostingNumber::new)
            .transpose()
            .map_err(|e| r.fail(file, "parent_posting_number", e.to_string()))?;
        merge(
            &mut h.parent_posting_number,
            parent,
            r,
            file,
            "parent_posting_number",
        )?;
        for (slot, field) in [
            (&mut h.warehouse_id, "warehouse_id"),
            (&mut h.delivery_method_id, "delivery_method_id"),
            (&mut h.tpl_provider_id, "tpl_provider_id"),
        ] {
            merge(slot, r.int(file, field)?, r, file, field)?;
        }
        for (slot, field) in [
            (&mut h.in_process_at, "in_process_at"),
            (&mut h.shipment_date, "shipment_date"),
            (&mut h.delivering_date, "delivering_date"),
        ] {
            merge(slot, r.date(file, field)?, r, file, field)?;
        }
        let cross_border = r.parsed(file, "cross_border", |t| {
            match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" => Ok(false),
                _ => Err(format!("{t:?} is not true or false")),
            }
        })?;
        merge(&mut h.cross_border, cross_border, r, file, "cross_border")?;
        let boxes = r.parsed(file, "multi_box_qty", |t| {
            count(t, MAX_BOXES, "boxes per posting")
        })?;
        merge(&mut h.multi_box_qty, boxes, r, file, "multi_box_qty")?;
        let units: u64 = draft
            .products
            .iter()
            .map(|p| u64::from(p.quantity))
            .sum::<u64>()
            + u64::from(product.quantity);
        if units > u64::from(MAX_UNITS) {
            return Err(r.fail(
                file,
                "quantity",
                format!("brings shipment {} to {units} units, above the limit of {MAX_UNITS} units per posting", draft.shipment_id),
            ));
        }
        draft.products.push(product);
    }
    Ok(drafts.into_iter().map(Draft::into_posting).collect())
}

impl Draft {
    fn into_posting(self) -> Posting {
        let h = self.head;
        let mut p = Posting::new(self.shipment_id, h.status.unwrap_or(DEFAULT_STATUS));
        // Posting::new already derived the order number from the shipment id.
        if let Some(order_number) = h.order_number {
            p.order_number = order_number;
        }
        p.order_id = h.order_id;
        p.substatus = h.substatus;
        p.tracking_number = h.tracking_number;
        p.upper_barcode = h.upper_barcode;
        p.lower_barcode = h.lower_barcode;
        p.delivery_method.warehouse = h.warehouse;
        p.delivery_method.warehouse_id = h.warehouse_id;
        p.delivery_method.name = h.delivery_method;
        p.delivery_method.id = h.delivery_method_id;
        p.delivery_method.tpl_provider = h.tpl_provider;
        p.delivery_method.tpl_provider_id = h.tpl_provider_id;
        p.tpl_integration_type = h.tpl_integration_type;
        p.delivery_schema = h.delivery_schema;
        p.in_process_at = h.in_process_at;
        p.shipment_date = h.shipment_date;
        p.delivering_date = h.delivering_date;
        p.parent_posting_number = h.parent_posting_number;
        p.multi_box_qty = h.multi_box_qty.unwrap_or(1);
        p.is_multibox = p.multi_box_qty > 1;
        p.cross_border = h.cross_border.unwrap_or(false)
            || is_crossborder_schema(p.delivery_schema.as_deref())
            || p.awaiting_passport();
        p.products = self.products;
        if p.delivery_schema
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("fbo"))
        {
            p.scheme = Scheme::Fbo;
        }
        p
    }
}
