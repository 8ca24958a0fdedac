//! `ozon ship`: pack a posting on Ozon, whole or split, and keep the store in step.
//!
//! 1. Read the posting from Ozon (`/v3/posting/fbs/get`) and store it: the local checks run on Ozon's
//!    copy, not on a stale one. Already packed → nothing is sent; the result is stored.
//! 2. Check locally what Ozon would refuse: the status, the passport gate, the split's quantities (the
//!    order model's own `pack`, on a copy).
//! 3. Exemplars: when a product needs marking codes (Честный ЗНАК), a customs declaration (GTD) or a
//!    batch number (RNPT), the data given is sent with `exemplar/set` and Ozon's check followed until it
//!    says `ship_available`; nothing given and nothing on file at Ozon → an error naming each product,
//!    how many codes it needs and the option that gives them.
//! 4. `/v4/posting/fbs/ship`. Its 200 only starts the packing. A lost answer (timeout, 5xx) is never
//!    followed by a second ship: the posting is read again, and only a ship Ozon has started is followed;
//!    otherwise the command stops and says so (running it again re-reads first).
//! 5. Follow the posting until `awaiting_deliver` (or `ship_failed`, an error), then read and store
//!    every posting the ship made (a split gives each package its own number and barcodes), so
//!    `print --pending` prints their labels.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::api::{ExemplarInfo, Fetched};
use super::error::OzonError;
use super::http::Client;
use crate::barcode::gs1::MarkingCode;
use crate::order::{OrderError, Package, Posting, Status};
use crate::store::{Store, StoreError};

/// Data for the exemplar methods, as the seller gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExemplarData {
    /// Marking codes per SKU, one per unit, as scanned (GS as the 0x1D byte).
    pub marks: BTreeMap<i64, Vec<String>>,
    /// Declare every unit that needs a customs declaration as having none (`is_gtd_absent`).
    pub gtd_absent: bool,
    /// Declare every unit that needs a batch registration number as having none (`is_rnpt_absent`).
    pub rnpt_absent: bool,
}

impl ExemplarData {
    fn is_empty(&self) -> bool {
        self.marks.is_empty() && !self.gtd_absent && !self.rnpt_absent
    }
}

/// What a ship did.
#[derive(Debug, Clone)]
pub struct Shipped {
    /// The posting as Ozon shows it after packing.
    pub parent: Posting,
    /// The postings the ship made (the parent's own number when it was not split), as stored.
    pub postings: Vec<Posting>,
    /// The posting was already packed on Ozon: nothing was sent.
    pub already: bool,
}

/// Why a ship did not happen or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ShipError {
    /// Ozon refused or failed.
    #[error(transparent)]
    Ozon(#[from] OzonError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The order model refuses the pack (status, passport gate, split quantities).
    #[error(transparent)]
    Order(#[from] OrderError),
    /// Exemplar data is missing or was rejected.
    #[error("posting {posting}: cannot be packed without exemplar data:\n{details}")]
    Exemplars {
        /// The posting.
        posting: String,
        /// One line per product: what it needs and how to give it.
        details: String,
    },
    /// Ozon ended the packing with `ship_failed`.
    #[error("posting {posting}: Ozon could not pack it (substatus ship_failed); check it in the seller's account, then run `shiplabel ozon ship {posting}` again")]
    Failed {
        /// The posting.
        posting: String,
    },
    /// Ozon was still packing when the wait ended.
    #[error("posting {posting}: Ozon is still packing it after {seconds} s; run `shiplabel ozon pull` in a minute to store the result")]
    StillPacking {
        /// The posting.
        posting: String,
        /// How long it was followed.
        seconds: u64,
    },
    /// The ship was sent, its answer lost, and Ozon shows no packing started.
    #[error("posting {posting}: the ship request got no answer ({reason}) and Ozon still shows the posting {status} with no packing under way; nothing was sent again. Run `shiplabel ozon ship {posting}` again to re-check and ship")]
    Unknown {
        /// The posting.
        posting: String,
        /// Why the answer was lost.
        reason: String,
        /// The status Ozon shows.
        status: String,
    },
}

/// Reads a posting from Ozon and stores it (the ship's step 1); the caller parses `--split` against it.
pub fn fetch(
    client: &Client,
    store: &mut Store,
    number: &str,
    now: DateTime<Utc>,
) -> Result<Fetched, ShipError> {
    let fetched = client.posting(number)?;
    store.import_noted(vec![fetched.posting.clone()], now, Some("ozon ship: read"))?;
    Ok(fetched)
}

/// Packs `fetched` on Ozon in `packages` (none: one package) with `data` for the exemplar methods.
/// `progress` gets one line per step.
pub fn ship(
    client: &Client,
    store: &mut Store,
    fetched: Fetched,
    packages: &[Package],
    data: &ExemplarData,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&str),
) -> Result<Shipped, ShipError> {
    let posting = fetched.posting;
    let number = posting.posting_number.to_string();
    if packed(&posting, &fetched.related) {
        let postings = collect(client, store, &posting, &[], &fetched.related, now)?;
        return Ok(Shipped {
            parent: posting,
            postings,
            already: true,
        });
    }
    let in_process = posting
        .available_actions
        .iter()
        .any(|a| a == "ship_async_in_process");
    let mut numbers = Vec::new();
    if in_process {
        progress(&format!("{number}: Ozon is already packing it; following"));
    } else {
        posting.clone().pack(packages)?;
        exemplars(client, &posting, data, &mut progress)?;
        progress(&format!("{number}: packing on Ozon"));
        match client.ship(&posting, packages) {
            Ok(result) => numbers = result,
            Err(OzonError::Uncertain { reason, .. }) => {
                progress(&format!(
                    "{number}: no answer to the ship ({reason}); reading the posting again"
                ));
                let again = client.posting(&number)?;
                let started = packed(&again.posting, &again.related)
                    || again
                        .posting
                        .available_actions
                        .iter()
                        .any(|a| a == "ship_async_in_process");
                if !started {
                    return Err(ShipError::Unknown {
                        posting: number,
                        reason,
                        status: super::error::printable(again.posting.status.as_str(), 80),
                    });
                }
            }
            Err(OzonError::Api(e)) if e.says("POSTING_ALREADY_SHIPPED") => {
                progress(&format!("{number}: Ozon says it is already packed"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (parent, related) = follow(client, &number, &mut progress)?;
    let postings = collect(client, store, &parent, &numbers, &related, now)?;
    Ok(Shipped {
        parent,
        postings,
        already: false,
    })
}

/// Whether the posting is past packing: awaiting delivery (or registration), or split away.
fn packed(posting: &Posting, related: &[String]) -> bool {
    matches!(
        posting.status,
        Status::AwaitingDeliver | Status::AwaitingRegistration
    ) || (posting.status == Status::CancelledFromSplitPending && !related.is_empty())
}

/// Reads the posting every poll interval until Ozon has packed it or failed to.
fn follow(
    client: &Client,
    number: &str,
    progress: &mut impl FnMut(&str),
) -> Result<(Posting, Vec<String>), ShipError> {
    let timing = client.timing().clone();
    let start = std::time::Instant::now();
    loop {
        let fetched = client.posting(number)?;
        let p = &fetched.posting;
        let running = p
            .available_actions
            .iter()
            .any(|a| a == "ship_async_in_process");
        // A posting shipped again after a failure may show the old `ship_failed` while the new ship runs.
        if !running
            && p.substatus
                .as_ref()
                .is_some_and(|s| s.as_str() == "ship_failed")
        {
            return Err(ShipError::Failed {
                posting: number.to_owned(),
            });
        }
        if packed(p, &fetched.related) {
            return Ok((fetched.posting, fetched.related));
        }
        if start.elapsed() >= timing.poll_for {
            return Err(ShipError::StillPacking {
                posting: number.to_owned(),
                seconds: timing.poll_for.as_secs(),
            });
        }
        progress(&format!(
            "{number}: {} — waiting for Ozon to finish packing",
            super::error::printable(p.status.as_str(), 80)
        ));
        std::thread::sleep(timing.poll);
    }
}

/// Reads every posting the ship made and stores them with the parent; returns the made ones.
fn collect(
    client: &Client,
    store: &mut Store,
    parent: &Posting,
    numbers: &[String],
    related: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<Posting>, ShipError> {
    let mut wanted: Vec<String> = Vec::new();
    for n in numbers.iter().chain(related) {
        if !wanted.contains(n) {
            wanted.push(n.clone());
        }
    }
    if wanted.is_empty() {
        wanted.push(parent.posting_number.to_string());
    }
    let mut made = Vec::new();
    for n in &wanted {
        if *n == parent.posting_number {
            made.push(parent.clone());
        } else {
            made.push(client.posting(n)?.posting);
        }
    }
    let mut all = vec![parent.clone()];
    all.extend(
        made.iter()
            .filter(|p| p.posting_number != parent.posting_number)
            .cloned(),
    );
    store.import_noted(all, now, Some("ozon ship"))?;
    let mut stored = Vec::new();
    for p in &made {
        stored.push(store.posting(&p.posting_number)?);
    }
    Ok(stored)
}

/// Step 3: sends the exemplar data the posting needs and waits for Ozon's check.
fn exemplars(
    client: &Client,
    posting: &Posting,
    data: &ExemplarData,
    progress: &mut impl FnMut(&str),
) -> Result<(), ShipError> {
    let number = &posting.posting_number;
    let info = client.exemplars(number)?;
    let needy: Vec<_> = info
        .products
        .iter()
        .filter(|p| {
            p.is_mandatory_mark_needed
                || p.is_gtd_needed
                || p.is_rnpt_needed
                || p.is_jw_uin_needed
                || p.has_imei
                || p.is_weight_needed
        })
        .collect();
    for sku in data.marks.keys() {
        if !info
            .products
            .iter()
            .any(|p| p.product_id == *sku && p.is_mandatory_mark_needed)
        {
            return Err(ShipError::Exemplars {
                posting: number.to_string(),
                details: format!(
                    "  --mark for SKU {sku}: Ozon asks no marking code for it in this posting"
                ),
            });
        }
    }
    if needy.is_empty() {
        return Ok(());
    }
    if data.is_empty() {
        // Perhaps given already (the seller's account, an earlier run).
        if client.exemplar_status(number)?.status == "ship_available" {
            return Ok(());
        }
    }
    let products = exemplar_products(posting, &info, data)?;
    progress(&format!("{number}: sending the marking data to Ozon"));
    client.set_exemplars(number, &products)?;
    let timing = client.timing().clone();
    let start = std::time::Instant::now();
    loop {
        let status = client.exemplar_status(number)?;
        match status.status.as_str() {
            "ship_available" => return Ok(()),
            "validation_in_process" if start.elapsed() < timing.poll_for => {
                progress(&format!("{number}: Ozon is checking the marking codes"));
                std::thread::sleep(timing.poll);
            }
            other => {
                let mut details = Vec::new();
                for p in &status.products {
                    for e in &p.exemplars {
                        for m in e.marks.iter().filter(|m| m.check_status != "passed") {
                            details.push(format!(
                                "  SKU {}: code {} {}{}",
                                p.product_id,
                                super::error::printable(&m.mark, 80),
                                m.check_status,
                                if m.error_codes.is_empty() {
                                    String::new()
                                } else {
                                    format!(" ({})", m.error_codes.join(", "))
                                }
                            ));
                        }
                    }
                }
                if details.is_empty() {
                    details.push(format!("  Ozon's check ended with status {other:?}"));
                }
                return Err(ShipError::Exemplars {
                    posting: number.to_string(),
                    details: details.join("\n"),
                });
            }
        }
    }
}

/// The `products` of an `exemplar/set`: every unit of every product that needs data, or an error that
/// lists all that is missing.
fn exemplar_products(
    posting: &Posting,
    info: &ExemplarInfo,
    data: &ExemplarData,
) -> Result<Value, ShipError> {
    let mut missing = Vec::new();
    let mut products = Vec::new();
    for p in &info.products {
        let name = posting
            .products
            .iter()
            .find(|x| x.sku == p.product_id)
            .map(|x| {
                format!(
                    "SKU {} ({})",
                    p.product_id,
                    super::error::printable(&x.offer_id, 60)
                )
            })
            .unwrap_or_else(|| format!("SKU {}", p.product_id));
        let units = p.exemplars.len();
        let mut unsupported = Vec::new();
        if p.is_jw_uin_needed {
            unsupported.push("a jewellery UIN");
        }
        if p.has_imei {
            unsupported.push("an IMEI");
        }
        if p.is_weight_needed {
            unsupported.push("the actual weight");
        }
        if !unsupported.is_empty() {
            missing.push(format!(
                "  {name}: needs {} per unit, which shiplabel cannot send yet: enter it in the seller's account, then run again",
                unsupported.join(" and ")
            ));
        }
        let codes = data.marks.get(&p.product_id).cloned().unwrap_or_default();
        if p.is_mandatory_mark_needed && codes.len() != units {
            missing.push(format!(
                "  {name}: needs {units} marking code(s) (Честный ЗНАК DataMatrix), {} given: scan each unit's code into --mark {}=CODE",
                codes.len(),
                p.product_id
            ));
        }
        if p.is_gtd_needed && !data.gtd_absent {
            missing.push(format!(
                "  {name}: needs a customs declaration number per unit: give --gtd-absent if the goods have none (sending a GTD is not supported yet)"
            ));
        }
        if p.is_rnpt_needed && !data.rnpt_absent {
            missing.push(format!(
                "  {name}: needs a batch registration number (RNPT) per unit: give --rnpt-absent if it has none (sending an RNPT is not supported yet)"
            ));
        }
        if !(p.is_mandatory_mark_needed || p.is_gtd_needed || p.is_rnpt_needed) {
            continue;
        }
        let exemplars: Vec<Value> = p
            .exemplars
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut x = json!({"exemplar_id": e.exemplar_id});
                if p.is_mandatory_mark_needed {
                    if let Some(code) = codes.get(i) {
                        x["marks"] = json!([{"mark": code, "mark_type": "mandatory_mark"}]);
                    }
                }
                if p.is_gtd_needed {
                    x["is_gtd_absent"] = json!(data.gtd_absent);
                }
                if p.is_rnpt_needed {
                    x["is_rnpt_absent"] = json!(data.rnpt_absent);
                }
                x
            })
            .collect();
        products.push(json!({"product_id": p.product_id, "exemplars": exemplars}));
    }
    if !missing.is_empty() {
        return Err(ShipError::Exemplars {
            posting: posting.posting_number.to_string(),
            details: missing.join("\n"),
        });
    }
    Ok(Value::Array(products))
}

/// Reads a scanned marking code with the GS1 marking-code reader ([`MarkingCode::parse`]: GS separators
/// present or lost, a `]d2` prefix, a line end), after `<GS>` written out (a scanner set to type it, a
/// hand-written code) is made the real separator. Returns the whole code in its normal form, crypto tail
/// included, with real GS bytes: the form the exemplar methods take (the reference: "send the mark with
/// its crypto tail"; a double-escaped `\\u001d` is rejected).
pub fn read_mark(text: &str) -> Result<String, String> {
    MarkingCode::parse(&text.replace("<GS>", "\u{1d}"))
        .map(|code| code.for_storage())
        .map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks() {
        let code = read_mark("0104601234567893215Ab3dE9fGhIjK<GS>93AbCd\n").unwrap();
        assert_eq!(code, "0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd");
        // The separator lost on the way: recovered from the structure.
        assert_eq!(
            read_mark("0104601234567893215Ab3dE9fGhIjK93AbCd").unwrap(),
            code
        );
        assert!(read_mark("0104601234567894215Ab3dE9fGhIjK<GS>93AbCd")
            .unwrap_err()
            .contains("check digit"));
        assert!(read_mark("0204601234567893215Ab3dE9f").is_err());
        assert!(read_mark("01046012345678932").is_err());
        assert!(read_mark("010460123456789321Ab\u{7f}").is_err());
        assert!(read_mark("]d20104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd").is_ok());
    }
}
