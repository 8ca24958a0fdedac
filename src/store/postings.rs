//! Postings in the store: the idempotent import, the lifecycle commands through the order model, the
//! status history, and finding a posting by anything a scanner reads.

use chrono::{DateTime, Utc};

use super::db::{params, Db};
use super::{stamp, Actor, Store, StoreError};
use crate::order::status_rank;
use crate::order::{Package, Posting, Status, Substatus};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Postings new to the store.
    pub inserted: usize,
    /// Postings whose stored data changed (a later status, new details).
    pub updated: usize,
    /// Postings identical to what the store holds.
    pub unchanged: usize,
    /// Postings whose incoming status ranks below the stored one: kept as stored.
    pub older: usize,
    /// Postings cancelled because the passport deadline passed.
    pub cancelled_by_deadline: Vec<String>,
}

/// One status change of a posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When.
    pub at: String,
    /// The status before (`None` when the posting first arrived).
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: String,
    /// The substatus before.
    pub from_substatus: Option<String>,
    /// The substatus after.
    pub to_substatus: Option<String>,
    /// The command that made the change.
    pub command: String,
    /// Who: `user@host`.
    pub actor: String,
    /// Why, when there is more to say (the cancel reason, the file imported).
    pub note: Option<String>,
}

/// What a scanned code found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// One posting.
    One(Box<Posting>),
    /// Several postings match and none is preferable (their numbers).
    Ambiguous(Vec<String>),
    /// Nothing matches.
    Nothing,
}

/// Writes a posting row and its indexes (product codes, shipments). One function for the import,
/// the lifecycle commands and the migration's backfill, so the indexes always agree with the JSON.
pub(crate) fn write_posting(
    tx: &Db,
    posting: &Posting,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let data = serde_json::to_string(posting).map_err(|source| StoreError::Corrupt {
        posting: posting.posting_number.to_string(),
        source: source.into(),
    })?;
    tx.exec(
        "INSERT INTO postings (posting_number, order_number, status, substatus, data, updated_at,
             status_rank, in_process_at, shipment_date, upper_barcode, lower_barcode)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(posting_number) DO UPDATE SET order_number = ?2, status = ?3, substatus = ?4,
             data = ?5, updated_at = ?6, status_rank = ?7, in_process_at = ?8, shipment_date = ?9,
             upper_barcode = ?10, lower_barcode = ?11",
        params![
            &posting.posting_number,
            &posting.order_number,
            posting.status.as_str(),
            posting.substatus.as_ref().map(Substatus::as_str),
            data,
            stamp(now),
            status_rank(&posting.status),
            posting.in_process_at.map(stamp),
            posting.shipment_date.map(stamp),
            posting.upper_barcode.as_deref().filter(|s| !s.is_empty()),
            posting.lower_barcode.as_deref().filter(|s| !s.is_empty()),
        ],
    )?;
    index_codes(tx, posting)?;
    Ok(())
}

fn index_codes(tx: &Db, posting: &Posting) -> Result<(), StoreError> {
    let number = &posting.posting_number;
    tx.exec(
        "DELETE FROM product_codes WHERE posting_number = ?1",
        params![number],
    )?;
    let insert = "INSERT INTO product_codes (code, posting_number) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING";
    for product in &posting.products {
        tx.exec(insert, params![product.sku.to_string(), number])?;
        if !product.offer_id.trim().is_empty() {
            tx.exec(insert, params![product.offer_id.trim(), number])?;
        }
    }
    tx.exec(
        "DELETE FROM shipments WHERE posting_number = ?1",
        params![number],
    )?;
    for s in &posting.shipments {
        let data = serde_json::to_string(s).map_err(|source| StoreError::Corrupt {
            posting: posting.posting_number.to_string(),
            source: source.into(),
        })?;
        tx.exec(
            "INSERT INTO shipments (posting_number, package_number, id, tracking_number, data)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                number,
                s.package_number,
                &s.id,
                s.tracking_number.as_deref(),
                data
            ],
        )?;
    }
    Ok(())
}

/// Recomputes every posting's indexed columns from its JSON (the version-2 migration).
pub(crate) fn reindex_all(tx: &Db) -> Result<(), StoreError> {
    let rows = tx.rows(
        "SELECT posting_number, data, updated_at FROM postings",
        params![],
    )?;
    for row in rows {
        let (number, data, updated) = (row.text(0)?, row.text(1)?, row.text(2)?);
        let posting = parse(&number, &data)?;
        let at = updated.parse().unwrap_or_else(|_| Utc::now());
        write_posting(tx, &posting, at)?;
    }
    Ok(())
}

fn parse(number: &str, data: &str) -> Result<Posting, StoreError> {
    serde_json::from_str(data).map_err(|source| StoreError::Corrupt {
        posting: number.to_owned(),
        source: source.into(),
    })
}

/// Posting numbers in a status, in posting-number order, on a connection or inside a transaction.
pub(crate) fn numbers_in_status(conn: &Db, status: &Status) -> Result<Vec<String>, StoreError> {
    conn.rows(
        "SELECT posting_number FROM postings WHERE status = ?1 ORDER BY posting_number",
        params![status.as_str()],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// A stored posting, or `None` when the store does not hold it; on a connection or inside a
/// transaction.
pub(crate) fn load(tx: &Db, number: &str) -> Result<Option<Posting>, StoreError> {
    let data = tx.row(
        "SELECT data FROM postings WHERE posting_number = ?1",
        params![number],
    )?;
    data.map(|d| parse(number, &d.text(0)?)).transpose()
}

/// Records a status change (nothing when status and substatus stay).
fn record(
    tx: &Db,
    actor: &Actor,
    before: Option<&Posting>,
    after: &Posting,
    now: DateTime<Utc>,
    note: Option<&str>,
) -> Result<(), StoreError> {
    let same = before.is_some_and(|b| b.status == after.status && b.substatus == after.substatus);
    if same {
        return Ok(());
    }
    tx.exec(
        "INSERT INTO status_history (posting_number, at, from_status, to_status, from_substatus,
             to_substatus, command, actor, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &after.posting_number,
            stamp(now),
            before.map(|b| b.status.as_str().to_owned()),
            after.status.as_str(),
            before.and_then(|b| b.substatus.as_ref().map(|s| s.as_str().to_owned())),
            after.substatus.as_ref().map(Substatus::as_str),
            &actor.command,
            &actor.station,
            note,
        ],
    )?;
    Ok(())
}

/// The posting an import keeps: the incoming one when its status ranks at least as high, else the
/// stored one. Shipments made at this station survive an export that does not list them.
fn merge(stored: &Posting, mut incoming: Posting) -> Option<Posting> {
    if status_rank(&incoming.status) < status_rank(&stored.status) {
        return None;
    }
    if incoming.shipments.len() <= 1 && stored.shipments.len() > 1 {
        incoming.shipments = stored.shipments.clone();
    }
    Some(incoming)
}

impl Store {
    /// Upserts postings: new ones are inserted, a status ranking at least as high as the stored one
    /// replaces it, a lower one is ignored; then every posting still waiting for passport data past its
    /// deadline is cancelled. Importing the same postings twice changes nothing, history included.
    pub fn import(
        &mut self,
        postings: Vec<Posting>,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError> {
        self.import_noted(postings, now, None)
    }

    /// [`Store::import`] with a note for the history (the file name).
    pub fn import_noted(
        &mut self,
        postings: Vec<Posting>,
        now: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<ImportReport, StoreError> {
        let tx = self.db.begin()?;
        // On PostgreSQL, other stations' writers of these postings wait (in one order: no deadlock).
        let mut numbers: Vec<&str> = postings.iter().map(|p| p.posting_number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        for number in numbers {
            tx.lock_posting(number)?;
        }
        let mut report = ImportReport::default();
        for incoming in postings {
            let stored = load(&tx, &incoming.posting_number)?;
            let next = match &stored {
                None => {
                    report.inserted += 1;
                    incoming
                }
                Some(stored) => match merge(stored, incoming) {
                    None => {
                        report.older += 1;
                        continue;
                    }
                    Some(next) if &next == stored => {
                        report.unchanged += 1;
                        continue;
                    }
                    Some(next) => {
                        report.updated += 1;
                        next
                    }
                },
            };
            record(&tx, &self.actor, stored.as_ref(), &next, now, note)?;
            write_posting(&tx, &next, now)?;
        }
        report.cancelled_by_deadline = apply_deadlines(&tx, &self.actor, now)?;
        tx.commit()?;
        Ok(report)
    }

    /// A stored posting.
    pub fn posting(&self, number: &str) -> Result<Posting, StoreError> {
        load(&self.db, number)?.ok_or_else(|| StoreError::UnknownPosting(number.to_owned()))
    }

    /// Applies a lifecycle action of the order model to a stored posting and saves the result with a
    /// history entry; the model's error (an illegal transition, the passport gate) leaves the store as
    /// it was.
    pub(crate) fn update_posting<T>(
        &mut self,
        number: &str,
        now: DateTime<Utc>,
        note: Option<&str>,
        action: impl FnOnce(&mut Posting) -> Result<T, crate::order::OrderError>,
    ) -> Result<(Posting, T), StoreError> {
        let tx = self.db.begin()?;
        tx.lock_posting(number)?;
        let before =
            load(&tx, number)?.ok_or_else(|| StoreError::UnknownPosting(number.to_owned()))?;
        let mut after = before.clone();
        let value = action(&mut after)?;
        if after != before {
            record(&tx, &self.actor, Some(&before), &after, now, note)?;
            write_posting(&tx, &after, now)?;
        }
        tx.commit()?;
        Ok((after, value))
    }

    /// Packs a stored posting (one package when `packages` is empty).
    pub fn pack(
        &mut self,
        number: &str,
        packages: &[Package],
        now: DateTime<Utc>,
    ) -> Result<Posting, StoreError> {
        Ok(self
            .update_posting(number, now, None, |p| p.pack(packages).map(|_| ()))?
            .0)
    }

    /// Cancels a stored posting with a reason id (and the message reason 402 needs).
    pub fn cancel(
        &mut self,
        number: &str,
        reason_id: i64,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Posting, StoreError> {
        let note = format!("reason {reason_id}");
        Ok(self
            .update_posting(number, now, Some(&note), |p| p.cancel(reason_id, message))?
            .0)
    }

    /// Hands a stored posting over to delivery at `now`.
    pub fn ship(&mut self, number: &str, now: DateTime<Utc>) -> Result<Posting, StoreError> {
        Ok(self
            .update_posting(number, now, None, |p| p.hand_over(now))?
            .0)
    }

    /// The status history of a posting, oldest first.
    pub fn history(&self, number: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        self.db
            .rows(
                "SELECT at, from_status, to_status, from_substatus, to_substatus, command, actor, note
                 FROM status_history WHERE posting_number = ?1 ORDER BY id",
                params![number],
            )?
            .iter()
            .map(|r| {
                Ok(HistoryEntry {
                    at: r.text(0)?,
                    from_status: r.opt_text(1)?,
                    to_status: r.text(2)?,
                    from_substatus: r.opt_text(3)?,
                    to_substatus: r.opt_text(4)?,
                    command: r.text(5)?,
                    actor: r.text(6)?,
                    note: r.opt_text(7)?,
                })
            })
            .collect()
    }

    /// Finds the posting a scanned code names: a posting number, an upper or lower barcode, an order
    /// number, or a product's SKU or offer id. Codes that match several postings prefer the one
    /// awaiting packaging that came in first; with none awaiting packaging, a single awaiting delivery
    /// (a label to print again).
    pub fn find_by_code(&self, code: &str) -> Result<Found, StoreError> {
        let code = code.trim();
        if code.is_empty() {
            return Ok(Found::Nothing);
        }
        if let Some(p) = load(&self.db, code)? {
            return Ok(Found::One(Box::new(p)));
        }
        let mut candidates: Vec<(String, String, i64)> = Vec::new();
        for sql in [
            "SELECT posting_number, data, status_rank FROM postings WHERE upper_barcode = ?1",
            "SELECT posting_number, data, status_rank FROM postings WHERE lower_barcode = ?1",
            "SELECT posting_number, data, status_rank FROM postings WHERE order_number = ?1
             ORDER BY in_process_at, posting_number",
            "SELECT p.posting_number, p.data, p.status_rank FROM product_codes c
             JOIN postings p ON p.posting_number = c.posting_number
             WHERE c.code = ?1 AND p.status = 'awaiting_packaging'
             ORDER BY p.in_process_at, p.posting_number LIMIT 1",
        ] {
            candidates = self
                .db
                .rows(sql, params![code])?
                .iter()
                .map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)))
                .collect::<Result<_, StoreError>>()?;
            if !candidates.is_empty() {
                break;
            }
        }
        let pick = |rank: i64| candidates.iter().filter(move |c| c.2 == rank);
        let chosen = match candidates.len() {
            0 => return Ok(Found::Nothing),
            1 => candidates.first(),
            _ => pick(status_rank(&Status::AwaitingPackaging))
                .next()
                .or_else(|| {
                    let mut waiting = pick(status_rank(&Status::AwaitingDeliver));
                    match (waiting.next(), waiting.next()) {
                        (Some(one), None) => Some(one),
                        _ => None,
                    }
                }),
        };
        match chosen {
            Some((number, data, _)) => Ok(Found::One(Box::new(parse(number, data)?))),
            None => Ok(Found::Ambiguous(
                candidates.into_iter().map(|c| c.0).collect(),
            )),
        }
    }

    /// Posting numbers in a status, in posting-number order.
    pub fn numbers_in_status(&self, status: &Status) -> Result<Vec<String>, StoreError> {
        numbers_in_status(&self.db, status)
    }
}

/// Cancels every stored posting still waiting for passport data at or after its deadline.
fn apply_deadlines(tx: &Db, who: &Actor, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let waiting: Vec<String> = tx
        .rows(
            "SELECT posting_number FROM postings WHERE substatus = ?1 AND status_rank < 9
             ORDER BY posting_number",
            params![Substatus::PostingAwaitingPassportData.as_str()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    let mut cancelled = Vec::new();
    for number in waiting {
        tx.lock_posting(&number)?;
        let Some(before) = load(tx, &number)? else {
            continue;
        };
        let mut after = before.clone();
        if after.apply_passport_deadline(now) {
            let reason = after
                .cancellation
                .as_ref()
                .map(|c| c.reason.clone())
                .unwrap_or_default();
            record(tx, who, Some(&before), &after, now, Some(&reason))?;
            write_posting(tx, &after, now)?;
            cancelled.push(number);
        }
    }
    Ok(cancelled)
}
