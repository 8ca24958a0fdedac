//! The seller's actions on a posting as methods that either make a legal transition or return an
//! [`OrderError`] and leave the posting untouched. No action is ever a silent no-op.
//!
//! ```text
//! awaiting_packaging ─pack─▶ awaiting_deliver ─hand_over─▶ delivering ─deliver─▶ delivered
//!   │ remove_units             │  │  │
//!   │                          │  │  └─send_by_seller─▶ sent_by_seller ─hand_over─▶ delivering
//!   │                          │  └─not_accepted─▶ not_accepted ─open_dispute─┐
//!   │                          └─open_dispute─▶ arbitration ◀────────────────┘
//!   │                                             └─resolve_dispute─▶ delivered | cancelled | awaiting_deliver
//!   └─cancel (reason allowed in the status) ─▶ cancelled      (also from awaiting_deliver, delivering)
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::deadline::to_be_packed;
use super::error::{Action, OrderError};
use super::model::{Cancellation, Posting, Product, RemovedUnits, Scheme, Shipment};
use super::status::{Status, Substatus};

/// How long a cross-border customer has to give passport data, counted from `in_process_at`.
pub const PASSPORT_WINDOW: Duration = Duration::hours(24);

/// The reason text of the cancellation [`Posting::apply_passport_deadline`] makes.
pub const NO_PASSPORT_REASON: &str = "customer did not provide passport data within 24 hours";

/// The cancel reasons of `/v2/posting/fbs/cancel` that the reference lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// 352: the product ran out at the seller's warehouse.
    OutOfStock,
    /// 400: only defective units are left.
    OnlyDefective,
    /// 401: cancellation from arbitration.
    FromArbitration,
    /// 402: another reason; needs the seller's message.
    Other,
    /// 665: the customer did not pick the order up.
    NotPickedUp,
    /// 666: no delivery to the region (returned by the carrier).
    NoDeliveryToRegion,
    /// 667: lost by the carrier.
    LostByCarrier,
}

impl CancelReason {
    /// Every reason.
    pub const ALL: [CancelReason; 7] = [
        CancelReason::OutOfStock,
        CancelReason::OnlyDefective,
        CancelReason::FromArbitration,
        CancelReason::Other,
        CancelReason::NotPickedUp,
        CancelReason::NoDeliveryToRegion,
        CancelReason::LostByCarrier,
    ];

    /// The API's `cancel_reason_id`.
    pub fn id(self) -> i64 {
        match self {
            CancelReason::OutOfStock => 352,
            CancelReason::OnlyDefective => 400,
            CancelReason::FromArbitration => 401,
            CancelReason::Other => 402,
            CancelReason::NotPickedUp => 665,
            CancelReason::NoDeliveryToRegion => 666,
            CancelReason::LostByCarrier => 667,
        }
    }

    /// The reason for an id, if the reference lists it.
    pub fn from_id(id: i64) -> Option<Self> {
        CancelReason::ALL.into_iter().find(|r| r.id() == id)
    }

    /// A short description.
    pub fn title(self) -> &'static str {
        match self {
            CancelReason::OutOfStock => "product out of stock",
            CancelReason::OnlyDefective => "only defective units left",
            CancelReason::FromArbitration => "cancelled from arbitration",
            CancelReason::Other => "other reason",
            CancelReason::NotPickedUp => "customer did not pick the order up",
            CancelReason::NoDeliveryToRegion => "no delivery to the region",
            CancelReason::LostByCarrier => "lost by the carrier",
        }
    }

    /// Whether the reason applies in `status`. 352 and 400 only before hand-over; 401 only in
    /// arbitration; 402 before hand-over and while delivering; 665–667 only while delivering (the
    /// reference: "the last four only in Доставляется / Курьер в пути", both status `delivering`).
    pub fn allowed_in(self, status: &Status) -> bool {
        let before_handover = to_be_packed(status) || *status == Status::AwaitingDeliver;
        match self {
            CancelReason::OutOfStock | CancelReason::OnlyDefective => before_handover,
            CancelReason::FromArbitration => {
                matches!(status, Status::Arbitration | Status::ClientArbitration)
            }
            CancelReason::Other => before_handover || *status == Status::Delivering,
            CancelReason::NotPickedUp
            | CancelReason::NoDeliveryToRegion
            | CancelReason::LostByCarrier => *status == Status::Delivering,
        }
    }
}

/// How a dispute (arbitration) ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeResolution {
    /// The parcel is found delivered.
    Delivered,
    /// The posting is cancelled (reason 401, cancellation from arbitration).
    Cancelled {
        /// The seller's note, if any.
        message: Option<String>,
    },
    /// Back to awaiting_deliver, to be shipped again (`/v2/posting/fbs/awaiting-delivery`).
    BackToShipping,
}

/// One package of a split: the units of each SKU it holds, and its tracking number if the carrier
/// gives one per package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    /// `(sku, quantity)` pairs; the same SKU twice adds up.
    pub items: Vec<(i64, u32)>,
    /// The package's own tracking number.
    pub tracking_number: Option<String>,
}

impl Package {
    /// A package holding these `(sku, quantity)` pairs.
    pub fn new(items: impl IntoIterator<Item = (i64, u32)>) -> Self {
        Package {
            items: items.into_iter().collect(),
            tracking_number: None,
        }
    }

    /// The same package with a tracking number.
    pub fn with_tracking(mut self, tracking_number: &str) -> Self {
        self.tracking_number = Some(tracking_number.to_owned());
        self
    }
}

impl Posting {
    /// Moves the posting to `status` with `substatus`: the API reports the two together, so every
    /// transition here and in the last mile sets both.
    pub(super) fn set_stage(&mut self, status: Status, substatus: Substatus) {
        self.status = status;
        self.substatus = Some(substatus);
    }

    fn illegal(&self, action: Action) -> OrderError {
        OrderError::IllegalTransition {
            posting: self.posting_number.to_string(),
            action,
            status: self.status.clone(),
        }
    }

    fn require(&self, action: Action, allowed: &[Status]) -> Result<(), OrderError> {
        self.seller_ships(action)?;
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(self.illegal(action))
        }
    }

    /// FBO postings are Ozon's to pack, ship and cancel: every seller action on one is refused.
    fn seller_ships(&self, action: Action) -> Result<(), OrderError> {
        if self.scheme == Scheme::Fbo {
            return Err(OrderError::OzonShips {
                posting: self.posting_number.to_string(),
                action,
            });
        }
        Ok(())
    }

    /// The passport gate: closed while the substatus is `posting_awaiting_passport_data`.
    fn passport_gate(&self, action: Action) -> Result<(), OrderError> {
        if self.awaiting_passport() {
            Err(OrderError::PassportRequired {
                posting: self.posting_number.to_string(),
                action,
                deadline: self.passport_deadline(),
            })
        } else {
            Ok(())
        }
    }

    /// When an unanswered passport request cancels the posting: `in_process_at` + 24 h. `None` when
    /// the posting is not waiting for passport data or has no `in_process_at`.
    pub fn passport_deadline(&self) -> Option<DateTime<Utc>> {
        if !self.awaiting_passport() {
            return None;
        }
        self.passport_window_end()
    }

    /// `in_process_at` + 24 h whatever the substatus: a posting already cancelled for want of
    /// passport data no longer waits, yet its reminder still shows when the window closed.
    pub(super) fn passport_window_end(&self) -> Option<DateTime<Utc>> {
        self.in_process_at
            .and_then(|t| t.checked_add_signed(PASSPORT_WINDOW))
    }

    /// Whether [`Posting::apply_passport_deadline`] would cancel the posting at `now`; for readers
    /// that must judge the deadline without changing the posting.
    pub(super) fn passport_lapsed(&self, now: DateTime<Utc>) -> bool {
        !self.status.is_final() && self.passport_deadline().is_some_and(|d| now >= d)
    }

    /// Cancels the posting when it still waits for passport data at or after the deadline
    /// (reason: no passport data, cancelled by Ozon). Returns whether it cancelled.
    pub fn apply_passport_deadline(&mut self, now: DateTime<Utc>) -> bool {
        if !self.passport_lapsed(now) {
            return false;
        }
        self.set_cancelled(Cancellation {
            reason_id: None,
            reason: NO_PASSPORT_REASON.to_owned(),
            cancellation_type: Some("ozon".to_owned()),
            message: None,
            cancelled_after_ship: false,
        });
        true
    }

    /// Records that the customer's passport data arrived: the gate opens (substatus back to
    /// `posting_created`). The data itself never reaches this code.
    pub fn passport_received(&mut self) -> Result<(), OrderError> {
        if self.status.is_final() {
            return Err(self.illegal(Action::PassportReceived));
        }
        if !self.awaiting_passport() {
            return Err(OrderError::PassportNotAwaited {
                posting: self.posting_number.to_string(),
            });
        }
        self.substatus = Some(Substatus::PostingCreated);
        Ok(())
    }

    /// Packs the posting: `awaiting_packaging` → `awaiting_deliver`. With no packages everything goes
    /// into one shipment; otherwise each package becomes a shipment, and every unit of every product
    /// must be in exactly one of them. Returns the shipments.
    pub fn pack(&mut self, packages: &[Package]) -> Result<&[Shipment], OrderError> {
        self.require(Action::Pack, &[Status::AwaitingPackaging])?;
        self.passport_gate(Action::Pack)?;
        if self.products.is_empty() {
            return Err(OrderError::NoProducts {
                posting: self.posting_number.to_string(),
            });
        }
        let shipments = if packages.is_empty() {
            vec![Shipment {
                id: format!("{}/1", self.posting_number),
                package_number: 1,
                products: self.products.clone(),
                tracking_number: self.tracking_number.clone(),
            }]
        } else {
            self.split(packages)?
        };
        self.shipments = shipments;
        self.set_stage(Status::AwaitingDeliver, Substatus::PostingNotInCarriage);
        Ok(&self.shipments)
    }

    /// Validates a split and builds its shipments.
    fn split(&self, packages: &[Package]) -> Result<Vec<Shipment>, OrderError> {
        let posting = || self.posting_number.to_string();
        let mut available: BTreeMap<i64, u32> = BTreeMap::new();
        for p in &self.products {
            let entry = available.entry(p.sku).or_insert(0);
            *entry = entry.saturating_add(p.quantity);
        }
        // Per package, per SKU: the units it holds.
        let mut contents: Vec<BTreeMap<i64, u64>> = Vec::with_capacity(packages.len());
        for (i, package) in packages.iter().enumerate() {
            let number = i + 1;
            if package.items.is_empty() {
                return Err(OrderError::EmptyShipment {
                    posting: posting(),
                    package: number,
                });
            }
            let mut held: BTreeMap<i64, u64> = BTreeMap::new();
            for &(sku, quantity) in &package.items {
                if !available.contains_key(&sku) {
                    return Err(OrderError::UnknownSku {
                        posting: posting(),
                        sku,
                    });
                }
                if quantity == 0 {
                    return Err(OrderError::ZeroQuantity {
                        posting: posting(),
                        sku,
                        package: Some(number),
                    });
                }
                *held.entry(sku).or_insert(0) += u64::from(quantity);
            }
            contents.push(held);
        }
        for (&sku, &quantity) in &available {
            let holders: Vec<usize> = contents
                .iter()
                .enumerate()
                .filter(|(_, held)| held.contains_key(&sku))
                .map(|(i, _)| i + 1)
                .collect();
            let packed: u64 = contents.iter().filter_map(|held| held.get(&sku)).sum();
            if packed > u64::from(quantity) {
                return Err(if holders.len() > 1 {
                    OrderError::UnitInTwoShipments {
                        posting: posting(),
                        sku,
                        quantity,
                        requested: packed,
                        packages: holders,
                    }
                } else {
                    OrderError::TooManyUnits {
                        posting: posting(),
                        sku,
                        available: quantity,
                        requested: packed,
                    }
                });
            }
            if packed < u64::from(quantity) {
                return Err(OrderError::MissingUnits {
                    posting: posting(),
                    sku,
                    quantity,
                    packed,
                });
            }
        }
        // Units of each product line not yet given to a package: a SKU spread over several lines
        // (different prices, say) fills them in order, across all packages.
        let mut unshared: Vec<u32> = self.products.iter().map(|p| p.quantity).collect();
        let mut shipments = Vec::with_capacity(packages.len());
        for (i, (held, package)) in contents.iter().zip(packages).enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            shipments.push(Shipment {
                id: format!("{}/{}", self.posting_number, number),
                package_number: number,
                products: self.share_products(held, &mut unshared),
                tracking_number: package.tracking_number.clone(),
            });
        }
        Ok(shipments)
    }

    /// The product lines a package holds, taken from the units of each line not yet shared out.
    /// Marking codes go with their units: a line's codes are dealt out in order.
    fn share_products(&self, held: &BTreeMap<i64, u64>, unshared: &mut [u32]) -> Vec<Product> {
        let mut wanted = held.clone();
        let mut out = Vec::new();
        for (product, left) in self.products.iter().zip(unshared.iter_mut()) {
            let Some(want) = wanted.get_mut(&product.sku) else {
                continue;
            };
            let take = u32::try_from((*want).min(u64::from(*left))).unwrap_or(0);
            if take == 0 {
                continue;
            }
            let already = (product.quantity - *left) as usize;
            *want -= u64::from(take);
            *left -= take;
            let mut line = product.clone();
            line.quantity = take;
            line.marking_codes = product
                .marking_codes
                .iter()
                .skip(already)
                .take(take as usize)
                .cloned()
                .collect();
            out.push(line);
        }
        out
    }

    /// Removes `quantity` units of `sku` before packing, with the seller's reason
    /// (`/v2/posting/fbs/product/cancel`). Removing every unit of the posting is refused: cancel it.
    pub fn remove_units(
        &mut self,
        sku: i64,
        quantity: u32,
        reason: &str,
    ) -> Result<(), OrderError> {
        self.seller_ships(Action::RemoveUnits)?;
        if !to_be_packed(&self.status) {
            return Err(self.illegal(Action::RemoveUnits));
        }
        if reason.trim().is_empty() {
            return Err(OrderError::ReasonRequired {
                posting: self.posting_number.to_string(),
                action: Action::RemoveUnits,
            });
        }
        if quantity == 0 {
            return Err(OrderError::ZeroQuantity {
                posting: self.posting_number.to_string(),
                sku,
                package: None,
            });
        }
        let available: u64 = self
            .products
            .iter()
            .filter(|p| p.sku == sku)
            .map(|p| u64::from(p.quantity))
            .sum();
        if available == 0 {
            return Err(OrderError::UnknownSku {
                posting: self.posting_number.to_string(),
                sku,
            });
        }
        if u64::from(quantity) > available {
            return Err(OrderError::TooManyUnits {
                posting: self.posting_number.to_string(),
                sku,
                available: u32::try_from(available).unwrap_or(u32::MAX),
                requested: u64::from(quantity),
            });
        }
        if u64::from(quantity) == self.unit_count() {
            return Err(OrderError::WouldEmptyPosting {
                posting: self.posting_number.to_string(),
            });
        }
        // Take from the last lines of the SKU first, dropping lines that run empty.
        let mut left = quantity;
        for product in self.products.iter_mut().rev().filter(|p| p.sku == sku) {
            let take = left.min(product.quantity);
            product.quantity -= take;
            let keep = product.marking_codes.len().min(product.quantity as usize);
            product.marking_codes.truncate(keep);
            left -= take;
        }
        self.products.retain(|p| p.quantity > 0);
        self.removed_units.push(RemovedUnits {
            sku,
            quantity,
            reason: reason.trim().to_owned(),
        });
        Ok(())
    }

    /// Cancels the posting with a reason id from the reference's list; 402 needs a message.
    ///
    /// Every seller cancellation goes through here, so the in-transit rules hold for all callers: a
    /// `delivering` posting Ozon ships cannot be cancelled by the seller, one the seller ships itself
    /// can (reasons 402 with a message, 665, 666, 667), and a presumably delivered one cannot.
    pub fn cancel(&mut self, reason_id: i64, message: Option<&str>) -> Result<(), OrderError> {
        self.seller_ships(Action::Cancel)?;
        if self.status.is_final() {
            return Err(self.illegal(Action::Cancel));
        }
        if self.status == Status::Delivering {
            if self.delivered_by_ozon() {
                return Err(OrderError::OzonInTransit {
                    posting: self.posting_number.to_string(),
                });
            }
            if self.substatus == Some(Substatus::PostingConditionallyDelivered) {
                return Err(OrderError::PresumablyDelivered {
                    posting: self.posting_number.to_string(),
                });
            }
        }
        let reason =
            CancelReason::from_id(reason_id).ok_or_else(|| OrderError::UnknownCancelReason {
                posting: self.posting_number.to_string(),
                reason_id,
            })?;
        if !reason.allowed_in(&self.status) {
            return Err(OrderError::CancelReasonNotAllowed {
                posting: self.posting_number.to_string(),
                reason_id,
                status: self.status.clone(),
            });
        }
        let message = message.map(str::trim).filter(|m| !m.is_empty());
        if reason == CancelReason::Other && message.is_none() {
            return Err(OrderError::MessageRequired {
                posting: self.posting_number.to_string(),
                reason_id,
            });
        }
        let cancelled_after_ship = self.status == Status::Delivering;
        self.set_cancelled(Cancellation {
            reason_id: Some(reason_id),
            reason: reason.title().to_owned(),
            cancellation_type: Some("seller".to_owned()),
            message: message.map(str::to_owned),
            cancelled_after_ship,
        });
        Ok(())
    }

    fn set_cancelled(&mut self, cancellation: Cancellation) {
        self.set_stage(Status::Cancelled, Substatus::PostingCanceled);
        self.cancellation = Some(cancellation);
    }

    /// Hands the parcel over to delivery: `awaiting_deliver` or `sent_by_seller` → `delivering`, at
    /// `at`. Closed by the passport gate like packing.
    pub fn hand_over(&mut self, at: DateTime<Utc>) -> Result<(), OrderError> {
        self.require(
            Action::HandOver,
            &[Status::AwaitingDeliver, Status::SentBySeller],
        )?;
        self.passport_gate(Action::HandOver)?;
        self.set_stage(
            Status::Delivering,
            Substatus::PostingTransferredToCourierService,
        );
        self.delivering_date = Some(at);
        Ok(())
    }

    /// Cross-border first mile: `awaiting_deliver` → `sent_by_seller`.
    pub fn send_by_seller(&mut self) -> Result<(), OrderError> {
        self.require(Action::SendBySeller, &[Status::AwaitingDeliver])?;
        if !self.cross_border {
            return Err(OrderError::NotCrossBorder {
                posting: self.posting_number.to_string(),
            });
        }
        self.passport_gate(Action::SendBySeller)?;
        self.set_stage(Status::SentBySeller, Substatus::SentBySeller);
        Ok(())
    }

    /// `delivering` (or `driver_pickup`) → `delivered`.
    pub fn deliver(&mut self) -> Result<(), OrderError> {
        self.require(Action::Deliver, &[Status::Delivering, Status::DriverPickup])?;
        self.set_stage(Status::Delivered, Substatus::PostingDelivered);
        Ok(())
    }

    /// Opens a dispute for a parcel handed over but not registered by the sorting centre:
    /// `awaiting_deliver` or `not_accepted` → `arbitration`.
    pub fn open_dispute(&mut self) -> Result<(), OrderError> {
        self.require(
            Action::OpenDispute,
            &[Status::AwaitingDeliver, Status::NotAccepted],
        )?;
        self.set_stage(Status::Arbitration, Substatus::PostingInArbitration);
        Ok(())
    }

    /// Ends a dispute: `arbitration` → `delivered`, `cancelled` (reason 401) or back to
    /// `awaiting_deliver`.
    pub fn resolve_dispute(&mut self, resolution: DisputeResolution) -> Result<(), OrderError> {
        self.require(Action::ResolveDispute, &[Status::Arbitration])?;
        match resolution {
            DisputeResolution::Delivered => {
                self.set_stage(Status::Delivered, Substatus::PostingDelivered);
            }
            DisputeResolution::Cancelled { message } => {
                self.cancel(CancelReason::FromArbitration.id(), message.as_deref())?;
            }
            DisputeResolution::BackToShipping => {
                self.set_stage(Status::AwaitingDeliver, Substatus::PostingCreated);
            }
        }
        Ok(())
    }

    /// The sorting centre did not accept the parcel: `awaiting_deliver`, `acceptance_in_progress` or
    /// `driver_pickup` → `not_accepted`.
    pub fn not_accepted(&mut self) -> Result<(), OrderError> {
        self.require(
            Action::NotAccepted,
            &[
                Status::AwaitingDeliver,
                Status::AcceptanceInProgress,
                Status::DriverPickup,
            ],
        )?;
        self.set_stage(Status::NotAccepted, Substatus::PostingNotInSortCenter);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
