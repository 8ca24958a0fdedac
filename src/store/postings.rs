//! Postings in the store: the idempotent import, the lifecycle commands through the order model, the
//! status history, and finding a posting by anything a scanner reads.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

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
    tx: &Transaction<'_>,
    posting: &Posting,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let data = serde_json::to_string(posting).map_err(|source| StoreError::Corrupt {
        posting: posting.posting_number.to_string(),
        source: source.into(),
    })?;
    tx.prepare_cached(
        "INSERT INTO postings (posting_number, order_number, status, substatus, data, updated_at,
             status_rank, in_process_at, shipment_date, upper_barcode, lower_barcode)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(posting_number) DO UPDATE SET order_number = ?2, status = ?3, substatus = ?4,
             data = ?5, updated_at = ?6, status_rank = ?7, in_process_at = ?8, shipment_date = ?9,
             upper_barcode = ?10, lower_barcode = ?11",
    )?
    .execute(params![
        posting.posting_number.as_str(),
        posting.order_number,
        posting.status.as_str(),
        posting.substatus.as_ref().map(Substatus::as_str),
        data,
        stamp(now),
        status_rank(&posting.status),
        posting.in_process_at.map(stamp),
        posting.shipment_date.map(stamp),
        posting.upper_barcode.as_deref().filter(|s| !s.is_empty()),
        posting.lower_barcode.as_deref().filter(|s| !s.is_empty()),
    ])?;
    index_codes(tx, posting)?;
    Ok(())
}

fn index_codes(tx: &Transaction<'_>, posting: &Posting) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM product_codes WHERE posting_number = ?1")?
        .execute([posting.posting_number.as_str()])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO product_codes (code, posting_number) VALUES (?1, ?2)",
    )?;
    for product in &posting.products {
        insert.execute(params![
            product.sku.to_string(),
            posting.posting_number.as_str()
        ])?;
        if !product.offer_id.trim().is_empty() {
            insert.execute(params![
                product.offer_id.trim(),
                posting.posting_number.as_str()
            ])?;
        }
    }
    tx.prepare_cached("DELETE FROM shipments WHERE posting_number = ?1")?
        .execute([posting.posting_number.as_str()])?;
    let mut shipment = tx.prepare_cached(
        "INSERT INTO shipments (posting_number, package_number, id, tracking_number, data)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for s in &posting.shipments {
        let data = serde_json::to_string(s).map_err(|source| StoreError::Corrupt {
            posting: posting.posting_number.to_string(),
            source: source.into(),
        })?;
        shipment.execute(params![
            posting.posting_number.as_str(),
            s.package_number,
            s.id,
            s.tracking_number,
            data
        ])?;
    }
    Ok(())
}

/// Recomputes every posting's indexed columns from its JSON (the version-2 migration).
pub(crate) fn reindex_all(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(String, String, String)> = tx
        .prepare("SELECT posting_number, data, updated_at FROM postings")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (number, data, updated) in rows {
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
pub(crate) fn numbers_in_status(
    conn: &rusqlite::Connection,
    status: &Status,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT posting_number FROM postings WHERE status = ?1 ORDER BY posting_number",
    )?;
    let rows = stmt.query_map([status.as_str()], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A stored posting, or `None` when the store does not hold it; on a connection or inside a
/// transaction.
pub(crate) fn load(tx: &rusqlite::Connection, number: &str) -> Result<Option<Posting>, StoreError> {
    let data: Option<String> = tx
        .prepare_cached("SELECT data FROM postings WHERE posting_number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?;
    data.map(|d| parse(number, &d)).transpose()
}

/// Records a status change (nothing when status and substatus stay).
fn record(
    tx: &Transaction<'_>,
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
    tx.prepare_cached(
        "INSERT INTO status_history (posting_number, at, from_status, to_status, from_substatus,
             to_substatus, command, actor, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        after.posting_number.as_str(),
        stamp(now),
        before.map(|b| b.status.as_str().to_owned()),
        after.status.as_str(),
        before.and_then(|b| b.substatus.as_ref().map(|s| s.as_str().to_owned())),
        after.substatus.as_ref().map(Substatus::as_str),
        actor.command,
        actor.station,
        note,
    ])?;
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
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
        load(&self.conn, number)?.ok_or_else(|| StoreError::UnknownPosting(number.to_owned()))
    }

    /// Applies a lifecycle action of the order model to a stored posting and saves the result with a
    /// history entry; the model's error (an illegal transition, the passport gate) leaves the store as
    /// it was.
    pub fn update_posting<T>(
        &mut self,
        number: &str,
        now: DateTime<Utc>,
        note: Option<&str>,
        action: impl FnOnce(&mut Posting) -> Result<T, crate::order::OrderError>,
    ) -> Result<(Posting, T), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
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
        let mut stmt = self.conn.prepare(
            "SELECT at, from_status, to_status, from_substatus, to_substatus, command, actor, note
             FROM status_history WHERE posting_number = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([number], |r| {
            Ok(HistoryEntry {
                at: r.get(0)?,
                from_status: r.get(1)?,
                to_status: r.get(2)?,
                from_substatus: r.get(3)?,
                to_substatus: r.get(4)?,
                command: r.get(5)?,
                actor: r.get(6)?,
                note: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        if let Some(p) = load(&self.conn, code)? {
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
            let mut stmt = self.conn.prepare_cached(sql)?;
            let rows = stmt.query_map([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            candidates = rows.collect::<Result<_, _>>()?;
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
        numbers_in_status(&self.conn, status)
    }
}

/// Cancels every stored posting still waiting for passport data at or after its deadline.
fn apply_deadlines(
    tx: &Transaction<'_>,
    who: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let waiting: Vec<String> = tx
        .prepare_cached(
            "SELECT posting_number FROM postings WHERE substatus = ?1 AND status_rank < 9
             ORDER BY posting_number",
        )?
        .query_map([Substatus::PostingAwaitingPassportData.as_str()], |r| {
            r.get(0)
        })?
        .collect::<Result<_, _>>()?;
    let mut cancelled = Vec::new();
    for number in waiting {
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
