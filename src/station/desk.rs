//! The packing desk's view of the station, for the packer's page (`shiplabel serve`): a posting's card
//! (what goes into the box, its packages, its labels and their journal state), label previews from the
//! bitmaps that go to the printer, the packer's answer about an uncertain label, and raw jobs that web
//! tools send to a configured printer through the journal.
//!
//! Everything here goes through the store's public functions and the station's own print path, so the
//! page and the command line record the same journal rows.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{error_line, Station, StationError};
use crate::label::{LabelUnit, NamedBitmap};
use crate::order::{Package, Posting, PostingNumber};
use crate::printer::{PrintOptions, Printer, PrinterError, PrinterStatus, Profile, SendError};
use crate::store::{JobKind, JobState, Store};

/// What the packer sees of a posting: its items, packages and labels. It carries no customer data
/// (the order model holds no passport data, and no address or name is put here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostingCard {
    /// The posting number.
    pub posting_number: String,
    /// The order number.
    pub order_number: String,
    /// The status (`awaiting_packaging`, `awaiting_deliver`, …).
    pub status: String,
    /// The substatus, when there is one.
    pub substatus: Option<String>,
    /// When it must be handed over (RFC 3339).
    pub shipment_date: Option<String>,
    /// What goes into the box, line by line.
    pub items: Vec<CardItem>,
    /// The packages of a posting packed into several, with their items; empty for one package.
    pub packages: Vec<CardPackage>,
    /// Its labels, one per package or box, with their journal state.
    pub labels: Vec<CardLabel>,
    /// Why no label can be made now (not packed yet, the passport gate, a cancelled posting).
    pub no_label: Option<String>,
    /// Every label has been sent to a printer.
    pub printed: bool,
}

/// One product line of a posting or package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardItem {
    /// The marketplace SKU.
    pub sku: i64,
    /// The seller's offer id (article).
    pub offer_id: String,
    /// The product's name.
    pub name: String,
    /// How many go into the box.
    pub quantity: u32,
    /// The product needs marking codes (Честный знак): one per unit is scanned at packing.
    pub marking_required: bool,
    /// Marking codes already recorded for this line.
    pub marking_codes: usize,
}

/// One package of a split posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardPackage {
    /// The package number, from 1.
    pub number: u32,
    /// The package's tracking number, when known.
    pub tracking_number: Option<String>,
    /// What goes into this package.
    pub items: Vec<CardItem>,
}

/// One label of a posting and where its journal stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardLabel {
    /// The package (or box) number, from 1.
    pub package: u32,
    /// The label's name (`0163799058-0084-1 box 1/2`).
    pub name: String,
    /// The latest journal job of this label, if any.
    pub job: Option<i64>,
    /// That job's state (`queued`, `sent`, `uncertain`, …).
    pub state: Option<String>,
    /// Some job of this label was sent to a printer.
    pub sent: bool,
    /// An uncertain job of this label still waiting for the packer's answer.
    pub uncertain_job: Option<i64>,
}

/// A raw job a web tool sent, as the journal recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawPrinted {
    /// The journal job.
    pub job: i64,
    /// Bytes sent.
    pub bytes: usize,
    /// The printer answered after the job and reported itself ready.
    pub confirmed: bool,
}

fn item(posting: &Posting, p: &crate::order::Product) -> CardItem {
    CardItem {
        sku: p.sku,
        offer_id: p.offer_id.clone(),
        name: p.name.clone(),
        quantity: p.quantity,
        marking_required: posting.mark_required_skus.contains(&p.sku),
        marking_codes: p.marking_codes.len(),
    }
}

/// The card of the stored posting `number`, its labels' state read from the journal.
pub fn posting_card(
    store: &Store,
    number: &str,
    now: DateTime<Utc>,
) -> Result<PostingCard, StationError> {
    let posting = store.posting(number)?;
    let items = posting.products.iter().map(|p| item(&posting, p)).collect();
    let packages = if posting.shipments.len() > 1 {
        posting
            .shipments
            .iter()
            .map(|s| CardPackage {
                number: s.package_number,
                tracking_number: s.tracking_number.clone(),
                items: s.products.iter().map(|p| item(&posting, p)).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut no_label = posting.labelable(now).err().map(|e| e.to_string());
    let units = match LabelUnit::of(&posting) {
        Ok(units) => units,
        Err(e) => {
            no_label.get_or_insert_with(|| e.to_string());
            Vec::new()
        }
    };
    let jobs = store.jobs(None, Some(number))?;
    let uncertain = store.unsettled_uncertain()?;
    let mut labels = Vec::with_capacity(units.len());
    for unit in &units {
        let last = jobs
            .iter()
            .filter(|j| j.package_number == unit.package_number)
            .max_by_key(|j| j.id);
        labels.push(CardLabel {
            package: unit.package_number,
            name: unit.name(),
            job: last.map(|j| j.id),
            state: last.map(|j| j.state.to_string()),
            sent: store.was_sent(&unit.posting_number, unit.package_number)?,
            uncertain_job: uncertain
                .iter()
                .find(|j| j.posting_number == number && j.package_number == unit.package_number)
                .map(|j| j.id),
        });
    }
    let printed = !labels.is_empty() && labels.iter().all(|l| l.sent);
    Ok(PostingCard {
        posting_number: posting.posting_number.to_string(),
        order_number: posting.order_number.clone(),
        status: posting.status.to_string(),
        substatus: posting.substatus.as_ref().map(|s| s.to_string()),
        shipment_date: posting.shipment_date.map(|t| t.to_rfc3339()),
        items,
        packages,
        labels,
        no_label,
        printed,
    })
}

/// The SKU a product code names in `posting`: a number is the SKU itself, anything else the offer id
/// of one of its products (`pack --split`, `ozon ship --mark` and the page's split read products alike).
pub fn product_sku(posting: &Posting, code: &str) -> Option<i64> {
    match code.trim().parse::<i64>() {
        Ok(sku) => Some(sku),
        Err(_) => posting
            .products
            .iter()
            .find(|p| p.offer_id == code.trim())
            .map(|p| p.sku),
    }
}

/// Package `number` (from 1, for messages) of a split of `posting`: `(product code, quantity)` pairs,
/// a code being a SKU or an offer id. The quantities are checked by packing, as for every split.
pub fn package_of(
    posting: &Posting,
    number: usize,
    items: &[(String, u32)],
) -> Result<Package, StationError> {
    if items.is_empty() {
        return Err(StationError::BadSplit(format!(
            "posting {}: package {number} is empty",
            posting.posting_number
        )));
    }
    let mut pairs = Vec::with_capacity(items.len());
    for (code, quantity) in items {
        let sku = product_sku(posting, code).ok_or_else(|| {
            StationError::BadSplit(format!(
                "posting {}: package {number}: {code:?} is neither a SKU nor an offer id of it",
                posting.posting_number
            ))
        })?;
        pairs.push((sku, *quantity));
    }
    Ok(Package::new(pairs))
}

impl Station<'_> {
    /// The label bitmaps of the stored posting `number`, named, in the order they print: the very
    /// bitmaps a print of it sends to the printer's encoder (same template, resolution and rule).
    pub fn previews(
        &self,
        number: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<NamedBitmap>, StationError> {
        let posting = self.store.posting(number)?;
        posting.labelable(now)?;
        let mut out = Vec::new();
        for unit in LabelUnit::of(&posting)? {
            out.extend(self.maker.bitmaps(&posting, &unit)?);
        }
        Ok(out)
    }

    /// The station printer's status, asked now (connecting if needed). `Ok(None)`: it answered
    /// nothing (many clones do not). An error means it could not be reached; the connection is then
    /// dropped and the next call connects again.
    pub fn printer_status(&mut self) -> Result<Option<PrinterStatus>, PrinterError> {
        let printer = match &mut self.printer {
            Some(printer) => printer,
            slot @ None => slot.insert(Printer::open_with(
                &self.uri,
                self.profile.clone(),
                self.options,
            )?),
        };
        let status = printer.status();
        if status.is_err() {
            self.printer = None;
        }
        status
    }

    /// The packer's answer to "did the label come out?" for the uncertain job `id`: `true` records
    /// that it did (a `seen` job, no bytes sent, which settles the uncertain one); `false` prints that
    /// label again now. Returns the new job's id.
    pub fn answer_uncertain(
        &mut self,
        id: i64,
        came_out: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StationError> {
        let job = self.store.job(id)?;
        let unsettled = self.store.unsettled_uncertain()?.iter().any(|j| j.id == id);
        if job.state != JobState::Uncertain || !unsettled {
            return Err(StationError::JobState {
                id,
                state: job.state,
                expected: JobState::Uncertain,
            });
        }
        if !came_out {
            // `reprint_package` records its own `reprint` job; its sending settles this one.
            let before: Vec<i64> = self
                .store
                .jobs(None, Some(&job.posting_number))?
                .iter()
                .map(|j| j.id)
                .collect();
            self.reprint_package(&job.posting_number, Some(job.package_number), now)?;
            return Ok(self
                .store
                .jobs(None, Some(&job.posting_number))?
                .iter()
                .map(|j| j.id)
                .filter(|j| !before.contains(j))
                .collect());
        }
        let unit = LabelUnit {
            posting_number: job.posting_number.clone(),
            package_number: job.package_number,
            boxes: 1,
        };
        let ids = self
            .store
            .add_jobs(&[unit], JobKind::Seen, true, Utc::now())?;
        let printer = job.printer.unwrap_or_else(|| self.uri.clone());
        for &seen in &ids {
            if self.store.start_sending(seen, &printer, Utc::now())? {
                self.store.mark_sent(seen, 0, false, Utc::now())?;
            }
        }
        Ok(ids)
    }
}

/// Sends `bytes`, a job already in the printer's language (ZPL, TSPL, ESC/POS), to the printer at
/// `uri` through the journal: a `raw` job named `raw:REFERENCE` (the reference's letters, digits and
/// `-_.:/#`, at most 60) is recorded (claimed) before the
/// printer is opened, `sending` before the first byte, then `sent`, `failed` or `uncertain` as for a
/// label. The bytes themselves are not kept, so an uncertain raw job cannot be printed again by
/// `--reprint-uncertain` (it fails there, naming itself): the web tool sends it again.
pub fn print_raw(
    store: &mut Store,
    uri: &str,
    profile: Profile,
    options: PrintOptions,
    reference: &str,
    bytes: &[u8],
) -> Result<RawPrinted, StationError> {
    // The reference is the web tool's own: what fits a journal row's posting column is kept
    // (letters, digits and `-_.:/#`, at most 60 of them).
    let kept: String = reference
        .chars()
        .filter(|c| c.is_alphanumeric() || "-_.:/#".contains(*c))
        .take(60)
        .collect();
    let kept = if kept.is_empty() {
        "web".to_owned()
    } else {
        kept
    };
    let number = PostingNumber::new(format!("raw:{kept}"))
        .map_err(|e| StationError::BadSplit(format!("raw job reference {reference:?}: {e}")))?;
    let unit = LabelUnit {
        posting_number: number,
        package_number: 1,
        boxes: 1,
    };
    let id = store.add_jobs(&[unit], JobKind::Raw, true, Utc::now())?[0];
    let mut printer = match Printer::open_with(uri, profile, options) {
        Ok(printer) => printer,
        Err(source) => {
            let e = StationError::Printer {
                source,
                sent: false,
            };
            store.mark_failed(id, Some(uri), &error_line(&e), Utc::now())?;
            return Err(e);
        }
    };
    if !store.start_sending(id, uri, Utc::now())? {
        let state = store.job(id)?.state;
        return Err(StationError::JobState {
            id,
            state,
            expected: JobState::Claimed,
        });
    }
    match printer.send(bytes) {
        Ok(report) => {
            store.mark_sent(id, report.bytes, report.confirmed, Utc::now())?;
            Ok(RawPrinted {
                job: id,
                bytes: report.bytes,
                confirmed: report.confirmed,
            })
        }
        Err(SendError {
            error: source,
            maybe_printed: sent,
        }) => {
            let why = error_line(&source);
            if sent {
                store.mark_uncertain(id, &why, Utc::now())?;
            } else {
                store.mark_failed(id, None, &why, Utc::now())?;
            }
            Err(StationError::Printer { source, sent })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::parse_csv;
    use crate::station::Rescan;
    use crate::store::Actor;
    use crate::template::Template;

    const POSTINGS: &str = "\
shipment_id,order_number,status,sku,name,quantity,price,currency,upper_barcode,lower_barcode
SHP-1,ORD-1,awaiting_packaging,5100200302,Мёд 500 г,3,380.00,RUB,%101%806044519,23024930500001
SHP-1,ORD-1,awaiting_packaging,5100200303,Варежки,1,690.00,RUB,%101%806044519,23024930500001
";

    /// A stand-in printer on loopback that keeps every byte of every connection.
    fn stand_in() -> (String, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let uri = format!("tcp://{}", listener.local_addr().unwrap());
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = got.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let keep = keep.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n @ 1..) = stream.read(&mut buf) {
                        keep.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                });
            }
        });
        (uri, got)
    }

    #[test]
    fn the_page_s_scan_prints_once_and_the_card_previews_and_answers_follow_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut store = Store::open(&dir.path().join("s.db"), Actor::new("test")).unwrap();
        store
            .import(parse_csv("p.csv", POSTINGS).unwrap(), now)
            .unwrap();
        let (uri, out) = stand_in();
        let len = |out: &std::sync::Arc<std::sync::Mutex<Vec<u8>>>| {
            // The bytes are on their way once the job is sent; wait for them to land.
            std::thread::sleep(std::time::Duration::from_millis(100));
            out.lock().unwrap().len()
        };
        let profile = Profile::resolve("zebra-gk420d").unwrap();
        let options = PrintOptions {
            check_status: false,
            ..PrintOptions::default()
        };
        let template = Template::builtin("ozon-fbs").unwrap();
        let mut station = Station::new(&mut store, template, &uri, profile.clone(), options);

        // A product code packs the posting and prints its label; the card says so.
        let first = station.scan_with("5100200303", now, Rescan::Ask);
        assert!(
            first.ok && first.packed && !first.printed_before,
            "{first:?}"
        );
        assert_eq!(first.posting.as_deref(), Some("SHP-1"));
        let printed = len(&out);
        assert!(printed > 0);
        let previews = station.previews("SHP-1", now).unwrap();
        assert_eq!(previews.len(), 1);
        // Scanned again on the page: nothing sent. `scan` (the terminal) prints it again.
        let second = station.scan_with("SHP-1", now, Rescan::Ask);
        assert!(second.ok && second.printed_before && second.jobs.is_empty());
        assert_eq!(len(&out), printed);
        let third = station.scan("SHP-1", now);
        assert!(third.ok && !third.printed_before && third.jobs.len() == 1);
        assert!(len(&out) > printed);
        let unknown = station.scan_with("NOPE", now, Rescan::Ask);
        assert_eq!(
            unknown.problem,
            Some(crate::station::ScanProblem::UnknownCode)
        );

        let card = posting_card(station.store(), "SHP-1", now).unwrap();
        assert!(card.printed && card.no_label.is_none());
        assert_eq!(card.items.len(), 2);
        assert_eq!(card.items[0].quantity, 3);
        assert_eq!(card.labels.len(), 1);
        assert_eq!(card.labels[0].state.as_deref(), Some("sent"));

        // An uncertain job of the label: "yes" settles it with a `seen` row and sends nothing.
        let unit = LabelUnit::of(&station.store().posting("SHP-1").unwrap()).unwrap();
        let id = station
            .store()
            .add_jobs(&unit, JobKind::Print, true, Utc::now())
            .unwrap()[0];
        assert!(station.store().start_sending(id, &uri, Utc::now()).unwrap());
        station
            .store()
            .mark_uncertain(id, "link broke", Utc::now())
            .unwrap();
        let card = posting_card(station.store(), "SHP-1", now).unwrap();
        assert_eq!(card.labels[0].uncertain_job, Some(id));
        let before = len(&out);
        let seen = station.answer_uncertain(id, true, now).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(station.store().job(seen[0]).unwrap().kind, JobKind::Seen);
        assert_eq!(len(&out), before);
        assert!(station.store().unsettled_uncertain().unwrap().is_empty());
        // Answered: asking again is refused.
        assert!(matches!(
            station.answer_uncertain(id, false, now),
            Err(StationError::JobState { .. })
        ));

        // A raw job: journaled under its reference, its bytes at the printer.
        let done = print_raw(
            station.store(),
            &uri,
            profile,
            options,
            "wms 17\n",
            b"^XA^XZ",
        )
        .unwrap();
        let job = station.store().job(done.job).unwrap();
        assert_eq!(job.kind, JobKind::Raw);
        assert_eq!(&*job.posting_number, "raw:wms17");
        assert_eq!(job.state, JobState::Sent);
        len(&out);
        assert!(out.lock().unwrap().ends_with(b"^XA^XZ"));
    }

    #[test]
    fn a_split_names_its_products_by_sku_or_offer_id() {
        let posting = parse_csv("p.csv", POSTINGS).unwrap().remove(0);
        assert_eq!(product_sku(&posting, " 5100200302 "), Some(5100200302));
        let package = package_of(&posting, 1, &[("5100200303".to_owned(), 1)]).unwrap();
        assert_eq!(package.items, vec![(5100200303, 1)]);
        assert!(matches!(
            package_of(&posting, 2, &[]),
            Err(StationError::BadSplit(m)) if m.contains("package 2 is empty")
        ));
        assert!(package_of(&posting, 1, &[("NOPE".to_owned(), 1)]).is_err());
    }
}
