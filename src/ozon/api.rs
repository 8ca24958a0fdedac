//! The Seller API methods shiplabel calls, each a typed function over [`Client::post`].
//!
//! Request and answer shapes follow the reference (`ozon-seller-api-endpoints.md` in the project's
//! shared notes): v4 cursor lists (the v3 lists were switched off in 2026), `/v3/posting/fbs/get`, the
//! v4 ship, the v6/v5 exemplar methods, tracking, cancel and the synchronous label PDF. Postings are read
//! by the importer ([`crate::order::parse_json`]), so a pulled posting is exactly what `import` makes of
//! the same JSON saved to a file.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::OzonError;
use super::http::{Client, Kind, MAX_JSON};
use crate::order::{self, Package, Posting};

/// The most postings one cursor page holds (the v4 lists reject more).
pub const PAGE_LIMIT: u32 = 100;
/// The most postings one label PDF may be asked for.
pub const LABEL_BATCH: usize = 20;
/// The largest label PDF read (20 labels are a few hundred KiB).
const MAX_PDF: u64 = 64 * 1024 * 1024;

/// One cursor page of a v4 list.
#[derive(Debug, Clone)]
pub struct Page {
    /// The postings, as the importer reads them.
    pub postings: Vec<Posting>,
    /// The cursor for the next page.
    pub cursor: String,
    /// Whether Ozon says more pages follow.
    pub has_next: bool,
    /// The unfulfilled list's `count` (total matches), when given.
    pub count: Option<u64>,
}

#[derive(Deserialize, Default)]
struct RawPage {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    has_next: Option<bool>,
    #[serde(default)]
    count: Option<Value>,
    #[serde(default)]
    result: Option<Box<RawPage>>,
}

/// The blocks every posting read asks for: the label needs the barcodes, the station the rest.
fn with_blocks() -> Value {
    json!({"analytics_data": true, "barcodes": true, "financial_data": true})
}

/// RFC 3339 UTC with `Z`, as the API's examples write it.
pub(crate) fn api_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn unexpected(method: &str, message: impl Into<String>) -> OzonError {
    OzonError::Unexpected {
        method: method.to_owned(),
        message: message.into(),
    }
}

fn parse_page(method: &str, page_no: usize, body: &[u8]) -> Result<Page, OzonError> {
    let text =
        std::str::from_utf8(body).map_err(|_| unexpected(method, "the answer is not UTF-8"))?;
    let raw: RawPage = serde_json::from_str(text)
        .map_err(|e| unexpected(method, format!("page {page_no}: {e}")))?;
    // Documented top-level; a field report saw it wrapped in `result`: take either.
    let raw = match raw.result {
        Some(inner) if raw.cursor.is_none() && raw.has_next.is_none() => *inner,
        _ => raw,
    };
    let name = format!("Ozon {method} page {page_no}");
    let postings = order::parse_json(&name, text).map_err(|e| unexpected(method, e.to_string()))?;
    let count = match raw.count {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    Ok(Page {
        postings,
        cursor: raw.cursor.unwrap_or_default(),
        has_next: raw.has_next.unwrap_or(false),
        count,
    })
}

impl Client {
    /// One page of `/v4/posting/fbs/unfulfilled/list`: postings whose pack-by time (`cutoff`) lies in
    /// `from..to`. `filter` must stay the same for every page of one walk.
    pub fn unfulfilled_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cursor: &str,
        page_no: usize,
    ) -> Result<Page, OzonError> {
        const METHOD: &str = "/v4/posting/fbs/unfulfilled/list";
        let body = json!({
            "cursor": cursor,
            "limit": PAGE_LIMIT,
            "sort_dir": "ASC",
            "filter": {"cutoff_from": api_time(from), "cutoff_to": api_time(to)},
            "with": with_blocks(),
        });
        let reply = self.post(METHOD, None, Kind::Read, &body, MAX_JSON)?;
        parse_page(METHOD, page_no, &reply.body)
    }

    /// One page of `/v4/posting/fbs/list`: postings created in `since..to` whose status changed in
    /// `changed_from..to`.
    pub fn changed_page(
        &self,
        since: DateTime<Utc>,
        changed_from: DateTime<Utc>,
        to: DateTime<Utc>,
        cursor: &str,
        page_no: usize,
    ) -> Result<Page, OzonError> {
        const METHOD: &str = "/v4/posting/fbs/list";
        let body = json!({
            "cursor": cursor,
            "limit": PAGE_LIMIT,
            "sort_dir": "ASC",
            "filter": {
                "since": api_time(since),
                "to": api_time(to),
                "last_changed_status_date": {"from": api_time(changed_from), "to": api_time(to)},
            },
            "with": with_blocks(),
        });
        let reply = self.post(METHOD, None, Kind::Read, &body, MAX_JSON)?;
        parse_page(METHOD, page_no, &reply.body)
    }

    /// `/v3/posting/fbs/get`: one posting in full, with the postings it was split into.
    pub fn posting(&self, number: &str) -> Result<Fetched, OzonError> {
        const METHOD: &str = "/v3/posting/fbs/get";
        let body = json!({
            "posting_number": number,
            "with": {"analytics_data": true, "barcodes": true, "financial_data": true,
                     "related_postings": true},
        });
        let reply = self.post(METHOD, Some(number), Kind::Read, &body, MAX_JSON)?;
        let text = std::str::from_utf8(&reply.body)
            .map_err(|_| unexpected(METHOD, "the answer is not UTF-8"))?;
        let name = format!("Ozon {METHOD} {number}");
        let mut postings =
            order::parse_json(&name, text).map_err(|e| unexpected(METHOD, e.to_string()))?;
        if postings.len() != 1 || postings[0].posting_number != number {
            return Err(unexpected(
                METHOD,
                format!(
                    "asked for posting {number}, got {} posting(s)",
                    postings.len()
                ),
            ));
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Related {
            related_posting_numbers: Vec<String>,
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Extra {
            related_postings: Option<Related>,
        }
        #[derive(Deserialize)]
        struct Envelope {
            result: Extra,
        }
        let related = serde_json::from_str::<Envelope>(text)
            .ok()
            .and_then(|e| e.result.related_postings)
            .map(|r| r.related_posting_numbers)
            .unwrap_or_default();
        Ok(Fetched {
            posting: postings.remove(0),
            related,
        })
    }

    /// `/v4/posting/fbs/ship`: packs the posting in `packages` (one package: the whole posting). A 200
    /// only starts the packing; the numbers returned are the postings it makes.
    pub fn ship(&self, posting: &Posting, packages: &[Package]) -> Result<Vec<String>, OzonError> {
        const METHOD: &str = "/v4/posting/fbs/ship";
        let number = posting.posting_number.as_str();
        let packages: Vec<Vec<(i64, u32)>> = if packages.is_empty() {
            vec![posting
                .products
                .iter()
                .map(|p| (p.sku, p.quantity))
                .collect()]
        } else {
            packages.iter().map(|p| p.items.clone()).collect()
        };
        let packages: Vec<Value> = packages
            .into_iter()
            .map(|items| {
                let mut merged: Vec<(i64, u32)> = Vec::new();
                for (sku, qty) in items {
                    match merged.iter_mut().find(|(s, _)| *s == sku) {
                        Some(m) => m.1 += qty,
                        None => merged.push((sku, qty)),
                    }
                }
                let products: Vec<Value> = merged
                    .into_iter()
                    .map(|(sku, qty)| json!({"product_id": sku, "quantity": qty}))
                    .collect();
                json!({ "products": products })
            })
            .collect();
        let body = json!({"posting_number": number, "packages": packages});
        let reply = self.post(METHOD, Some(number), Kind::Write, &body, MAX_JSON)?;
        #[derive(Deserialize)]
        struct Answer {
            result: Vec<String>,
        }
        let answer: Answer = serde_json::from_slice(&reply.body)
            .map_err(|e| unexpected(METHOD, format!("posting {number}: {e}")))?;
        Ok(answer.result)
    }

    /// `/v6/fbs/posting/product/exemplar/create-or-get`: what each product needs before packing, with
    /// one exemplar id per unit. Repeating it returns the same ids.
    pub fn exemplars(&self, number: &str) -> Result<ExemplarInfo, OzonError> {
        const METHOD: &str = "/v6/fbs/posting/product/exemplar/create-or-get";
        let body = json!({ "posting_number": number });
        let reply = self.post(METHOD, Some(number), Kind::Read, &body, MAX_JSON)?;
        serde_json::from_slice(&reply.body)
            .map_err(|e| unexpected(METHOD, format!("posting {number}: {e}")))
    }

    /// `/v6/fbs/posting/product/exemplar/set`: the complete exemplar data of the posting (every call
    /// replaces the last, so it may be repeated). A 200 only starts Ozon's check.
    pub(crate) fn set_exemplars(&self, number: &str, products: &Value) -> Result<(), OzonError> {
        const METHOD: &str = "/v6/fbs/posting/product/exemplar/set";
        let body = json!({ "posting_number": number, "products": products });
        self.post(METHOD, Some(number), Kind::Read, &body, MAX_JSON)?;
        Ok(())
    }

    /// `/v5/fbs/posting/product/exemplar/status`: the result of Ozon's check of the marks.
    pub fn exemplar_status(&self, number: &str) -> Result<ExemplarStatus, OzonError> {
        const METHOD: &str = "/v5/fbs/posting/product/exemplar/status";
        let body = json!({ "posting_number": number });
        let reply = self.post(METHOD, Some(number), Kind::Read, &body, MAX_JSON)?;
        serde_json::from_slice(&reply.body)
            .map_err(|e| unexpected(METHOD, format!("posting {number}: {e}")))
    }

    /// `/v2/fbs/posting/tracking-number/set` for one posting; Ozon's per-item error becomes an
    /// [`OzonError::Api`].
    pub fn set_tracking(&self, number: &str, tracking: &str) -> Result<(), OzonError> {
        const METHOD: &str = "/v2/fbs/posting/tracking-number/set";
        let body =
            json!({"tracking_numbers": [{"posting_number": number, "tracking_number": tracking}]});
        let reply = self.post(METHOD, Some(number), Kind::Write, &body, MAX_JSON)?;
        #[derive(Deserialize)]
        struct Item {
            #[serde(default)]
            posting_number: String,
            #[serde(default)]
            result: bool,
            #[serde(default)]
            error: Value,
        }
        #[derive(Deserialize)]
        struct Answer {
            result: Vec<Item>,
        }
        let answer: Answer = serde_json::from_slice(&reply.body)
            .map_err(|e| unexpected(METHOD, format!("posting {number}: {e}")))?;
        let item = answer
            .result
            .into_iter()
            .find(|i| i.posting_number == number)
            .ok_or_else(|| unexpected(METHOD, format!("no result for posting {number}")))?;
        // `error` is a string in the schema and an array in the examples.
        let error = match item.error {
            Value::String(s) => s,
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        if item.result && error.is_empty() {
            Ok(())
        } else {
            Err(OzonError::Api(super::error::ApiError {
                method: METHOD.to_owned(),
                posting: Some(number.to_owned()),
                http_status: 200,
                code: None,
                message: super::error::printable(
                    if error.is_empty() {
                        "not set (no reason given)"
                    } else {
                        &error
                    },
                    300,
                ),
            }))
        }
    }

    /// `/v1/posting/fbs/cancel-reason`: the reasons Ozon allows for cancelling this posting.
    pub fn cancel_reasons(&self, number: &str) -> Result<Vec<CancelReason>, OzonError> {
        const METHOD: &str = "/v1/posting/fbs/cancel-reason";
        let body = json!({ "related_posting_numbers": [number] });
        let reply = self.post(METHOD, Some(number), Kind::Read, &body, MAX_JSON)?;
        #[derive(Deserialize)]
        struct Item {
            #[serde(default)]
            posting_number: String,
            #[serde(default)]
            reasons: Vec<CancelReason>,
        }
        #[derive(Deserialize)]
        struct Answer {
            result: Vec<Item>,
        }
        let answer: Answer = serde_json::from_slice(&reply.body)
            .map_err(|e| unexpected(METHOD, format!("posting {number}: {e}")))?;
        Ok(answer
            .result
            .into_iter()
            .filter(|i| i.posting_number == number)
            .flat_map(|i| i.reasons)
            .collect())
    }

    /// `/v2/posting/fbs/cancel`.
    pub fn cancel(
        &self,
        number: &str,
        reason: i64,
        message: Option<&str>,
    ) -> Result<(), OzonError> {
        const METHOD: &str = "/v2/posting/fbs/cancel";
        let mut body = json!({"posting_number": number, "cancel_reason_id": reason});
        if let Some(m) = message {
            body["cancel_reason_message"] = json!(m);
        }
        self.post(METHOD, Some(number), Kind::Write, &body, MAX_JSON)?;
        Ok(())
    }

    /// `/v2/posting/fbs/package-label`: Ozon's label PDF for at most [`LABEL_BATCH`] postings. The body
    /// is raw PDF; a JSON envelope (`file_content`, base64 or raw) is accepted too. An empty answer
    /// means "not ready yet".
    pub fn labels(&self, numbers: &[String]) -> Result<Vec<u8>, OzonError> {
        const METHOD: &str = "/v2/posting/fbs/package-label";
        if numbers.is_empty() || numbers.len() > LABEL_BATCH {
            return Err(unexpected(
                METHOD,
                format!(
                    "{} postings asked for; 1 to {LABEL_BATCH} a call",
                    numbers.len()
                ),
            ));
        }
        let body = json!({ "posting_number": numbers });
        let first = numbers.first().map(String::as_str);
        let reply = self.post(
            METHOD,
            first.filter(|_| numbers.len() == 1),
            Kind::Read,
            &body,
            MAX_PDF,
        )?;
        let pdf = if reply.body.starts_with(b"%PDF")
            || reply.content_type.starts_with("application/pdf")
        {
            reply.body
        } else if reply.body.iter().all(u8::is_ascii_whitespace) {
            return Err(unexpected(
                METHOD,
                "an empty answer: the labels are not ready yet (Ozon makes them 45–60 s after packing); try again in a minute",
            ));
        } else {
            #[derive(Deserialize)]
            struct Envelope {
                file_content: String,
            }
            let envelope: Envelope = serde_json::from_slice(&reply.body)
                .map_err(|_| unexpected(METHOD, "neither a PDF nor the JSON envelope"))?;
            if envelope.file_content.starts_with("%PDF") {
                envelope.file_content.into_bytes()
            } else {
                base64_decode(&envelope.file_content)
                    .ok_or_else(|| unexpected(METHOD, "file_content is neither a PDF nor base64"))?
            }
        };
        if !pdf.starts_with(b"%PDF") {
            return Err(unexpected(METHOD, "the answer is not a PDF"));
        }
        Ok(pdf)
    }
}

/// A posting read with `/v3/posting/fbs/get`.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The posting.
    pub posting: Posting,
    /// The postings it was split into at packing (`related_postings`), empty when none.
    pub related: Vec<String>,
}

/// A cancel reason Ozon offers.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct CancelReason {
    /// The id to send.
    pub id: i64,
    /// Its title (Russian).
    #[serde(default)]
    pub title: String,
    /// `seller` or `buyer`.
    #[serde(default)]
    pub type_id: String,
}

/// What create-or-get says of a posting's products.
#[derive(Debug, Clone, Deserialize)]
pub struct ExemplarInfo {
    /// The products.
    #[serde(default)]
    pub products: Vec<ExemplarProduct>,
}

/// One product's exemplar needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExemplarProduct {
    /// The SKU.
    pub product_id: i64,
    /// Units.
    pub quantity: u32,
    /// A Честный ЗНАК code is needed for every unit.
    pub is_mandatory_mark_needed: bool,
    /// A customs declaration number (or "absent") is needed.
    pub is_gtd_needed: bool,
    /// A batch registration number (RNPT) is needed.
    pub is_rnpt_needed: bool,
    /// A jewellery UIN is needed.
    pub is_jw_uin_needed: bool,
    /// An IMEI is needed.
    pub has_imei: bool,
    /// The actual weight is needed.
    pub is_weight_needed: bool,
    /// One exemplar per unit.
    pub exemplars: Vec<ExemplarId>,
}

/// An exemplar (one unit) id.
#[derive(Debug, Clone, Deserialize)]
pub struct ExemplarId {
    /// The id to send back with its data.
    pub exemplar_id: i64,
}

/// The exemplar check's state.
#[derive(Debug, Clone, Deserialize)]
pub struct ExemplarStatus {
    /// `ship_available`, `ship_not_available`, `validation_in_process`, …
    #[serde(default)]
    pub status: String,
    /// Per product and unit.
    #[serde(default)]
    pub products: Vec<StatusProduct>,
}

/// One product in the exemplar status.
#[derive(Debug, Clone, Deserialize)]
pub struct StatusProduct {
    /// The SKU.
    #[serde(default)]
    pub product_id: i64,
    /// Its units.
    #[serde(default)]
    pub exemplars: Vec<StatusExemplar>,
}

/// One unit in the exemplar status.
#[derive(Debug, Clone, Deserialize)]
pub struct StatusExemplar {
    /// The marks and their check results.
    #[serde(default)]
    pub marks: Vec<StatusMark>,
}

/// One mark's check.
#[derive(Debug, Clone, Deserialize)]
pub struct StatusMark {
    /// The mark.
    #[serde(default)]
    pub mark: String,
    /// `passed`, `processing`, `failed`.
    #[serde(default)]
    pub check_status: String,
    /// Ozon's error codes.
    #[serde(default)]
    pub error_codes: Vec<String>,
}

/// Standard base64 (with or without padding); `None` on anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("JVBERi0=").unwrap(), b"%PDF-");
        assert_eq!(base64_decode("JVBERi0xLjQ").unwrap(), b"%PDF-1.4");
        assert!(base64_decode("%%").is_none());
    }

    #[test]
    fn page_in_either_envelope() {
        let top = br#"{"cursor":"abc","has_next":true,"count":3,"postings":[{"posting_number":"1-2-3","status":"awaiting_packaging"}]}"#;
        let p = parse_page("/m", 1, top).unwrap();
        assert_eq!(
            (p.cursor.as_str(), p.has_next, p.count, p.postings.len()),
            ("abc", true, Some(3), 1)
        );
        let wrapped = br#"{"result":{"cursor":"","has_next":false,"postings":[]}}"#;
        let p = parse_page("/m", 2, wrapped).unwrap();
        assert!(!p.has_next && p.postings.is_empty());
    }
}
