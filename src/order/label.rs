//! Whether a posting or one of its shipments may get a label now, and if not, why.
//!
//! Decision: only `awaiting_deliver` is labelable, as the reference says for label download
//! (`/v2/posting/fbs/package-label` accepts only postings in `awaiting_deliver`). A posting still
//! `awaiting_packaging` is *not* labelable: Ozon issues its label only after packing, so it is
//! reported as "not packed yet". A posting waiting for passport data is not labelable even when
//! packed, and neither is one whose packing failed (`ship_failed`). An FBO posting is never
//! labelable: Ozon ships it.

use chrono::{DateTime, Utc};

use super::deadline::to_be_packed;
use super::error::rfc3339;
use super::model::{Posting, Scheme, Shipment};
use super::number::PostingNumber;
use super::status::{Status, Substatus};

/// Why no label can be made now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("posting {posting_number}: {reason}")]
pub struct NotLabelable {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// The reason.
    pub reason: NotLabelableReason,
}

/// The reasons behind [`NotLabelable`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotLabelableReason {
    /// An FBO posting: Ozon ships it from its own warehouse, so the seller prints no label for it.
    #[error("an FBO posting: Ozon ships it from its own warehouse; the seller makes no label")]
    Fbo,
    /// Not packed yet.
    #[error("not packed yet (status {0})")]
    NotPacked(Status),
    /// Cancelled.
    #[error("cancelled{}", .0.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Cancelled(Option<String>),
    /// Already handed over or finished.
    #[error("already handed over (status {0})")]
    HandedOver(Status),
    /// Any other status.
    #[error("status {0} does not allow labels (only awaiting_deliver)")]
    Status(Status),
    /// The passport gate is closed and the deadline has not passed.
    #[error("awaiting the customer's passport data (cross-border){}", .0.map(|d| format!(" until {}", rfc3339(&d))).unwrap_or_default())]
    AwaitingPassport(Option<DateTime<Utc>>),
    /// The passport deadline has passed: the posting is being cancelled.
    #[error("passport data not provided by the deadline {}; the posting is cancelled", rfc3339(.0))]
    PassportDeadlinePassed(DateTime<Utc>),
    /// Packing failed and has to be retried.
    #[error("packing failed (ship_failed); pack it again")]
    ShipFailed,
    /// No shipment with that package number.
    #[error("no shipment {0}")]
    NoSuchShipment(u32),
    /// The shipment holds nothing.
    #[error("shipment {0} is empty")]
    EmptyShipment(u32),
}

impl Posting {
    /// Whether a label can be made for this posting at `now` (the passport deadline is judged
    /// against it).
    pub fn labelable(&self, now: DateTime<Utc>) -> Result<(), NotLabelable> {
        self.label_block(now).map_or(Ok(()), |reason| {
            Err(NotLabelable {
                posting_number: self.posting_number.clone(),
                reason,
            })
        })
    }

    fn label_block(&self, now: DateTime<Utc>) -> Option<NotLabelableReason> {
        // Before any status: an FBO posting's status is Ozon's warehouse's, never a reason to label.
        if self.scheme == Scheme::Fbo {
            return Some(NotLabelableReason::Fbo);
        }
        if matches!(
            self.status,
            Status::Cancelled | Status::CancelledFromSplitPending
        ) {
            let reason = self
                .cancellation
                .as_ref()
                .map(|c| c.reason.clone())
                .filter(|r| !r.is_empty());
            return Some(NotLabelableReason::Cancelled(reason));
        }
        // The passport gate comes before "not packed yet": it is what the seller has to wait for.
        let open = to_be_packed(&self.status) || self.status == Status::AwaitingDeliver;
        if open && self.awaiting_passport() {
            return Some(match self.passport_deadline() {
                Some(deadline) if now >= deadline => {
                    NotLabelableReason::PassportDeadlinePassed(deadline)
                }
                deadline => NotLabelableReason::AwaitingPassport(deadline),
            });
        }
        match &self.status {
            Status::AwaitingDeliver if self.substatus == Some(Substatus::ShipFailed) => {
                Some(NotLabelableReason::ShipFailed)
            }
            Status::AwaitingDeliver => None,
            status if to_be_packed(status) => Some(NotLabelableReason::NotPacked(status.clone())),
            Status::AcceptanceInProgress
            | Status::Delivering
            | Status::DriverPickup
            | Status::Delivered
            | Status::SentBySeller => Some(NotLabelableReason::HandedOver(self.status.clone())),
            other => Some(NotLabelableReason::Status(other.clone())),
        }
    }

    /// Whether a label can be made for the shipment with `package_number` at `now`; returns it.
    pub fn shipment_labelable(
        &self,
        package_number: u32,
        now: DateTime<Utc>,
    ) -> Result<&Shipment, NotLabelable> {
        self.labelable(now)?;
        let fail = |reason| NotLabelable {
            posting_number: self.posting_number.clone(),
            reason,
        };
        let shipment = self
            .shipments
            .iter()
            .find(|s| s.package_number == package_number)
            .ok_or_else(|| fail(NotLabelableReason::NoSuchShipment(package_number)))?;
        if shipment.products.iter().all(|p| p.quantity == 0) {
            return Err(fail(NotLabelableReason::EmptyShipment(package_number)));
        }
        Ok(shipment)
    }
}
