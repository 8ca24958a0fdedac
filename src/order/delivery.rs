//! The last mile: what happens to a posting between hand-over and delivery, by delivery type.
//!
//! ```text
//! courier:       accepted ─▶ courier on the way ─┐
//!                                                ├─▶ presumably delivered ──(15 min, no dispute)──▶ delivered
//! pick-up point: accepted ─▶ at the pick-up point┘          │
//!                    │               │                      └─ customer disputes inside the window ─▶ disputed
//!                    └ customer declines receipt ───────────────────────────────────────────────────▶ disputed
//! disputed ──resolve──▶ delivered | cancelled (reason 401)
//! ```
//!
//! Every stage is a pair of the API's status and substatus, so a posting imported from Ozon is read
//! in the same terms as one moved here:
//!
//! | stage                  | status               | substatus                                  |
//! |------------------------|----------------------|--------------------------------------------|
//! | accepted for delivery  | `delivering`         | `posting_transferred_to_courier_service`, `posting_on_way_to_city`, `posting_on_way_to_pickup_point`, none |
//! | courier on the way     | `delivering`         | `posting_in_courier_service`               |
//! | at the pick-up point   | `delivering`         | `posting_in_pickup_point`                  |
//! | presumably delivered   | `delivering`         | `posting_conditionally_delivered`          |
//! | delivered              | `delivered`          | `posting_delivered` (or any)               |
//! | disputed               | `client_arbitration` | `posting_in_client_arbitration`            |
//!
//! The dispute window is half-open: a dispute at `presumably_delivered_at + 14:59.999…` is in time,
//! one at exactly `+ 15:00` is late and the posting counts as delivered.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::error::{rfc3339, OrderError};
use super::lifecycle::CancelReason;
use super::model::Posting;
use super::status::{Status, Substatus};

/// How long after "presumably delivered" the customer can still dispute receipt.
pub const DISPUTE_WINDOW: Duration = Duration::minutes(15);

/// How the last mile is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A courier brings the parcel to the customer's door.
    Courier,
    /// The customer collects it at a pick-up point (ПВЗ) or parcel locker.
    PickupPoint,
}

impl DeliveryKind {
    /// The kind from `analytics_data.delivery_type`: `PVZ`, `PickPoint`, `Postamat`, … are pick-up
    /// points; `Courier` is a courier. Anything else is unknown.
    pub fn from_delivery_type(delivery_type: &str) -> Option<Self> {
        let t = delivery_type.trim().to_ascii_lowercase();
        if t.contains("courier") || t.contains("курьер") {
            Some(DeliveryKind::Courier)
        } else if ["pvz", "pick", "postamat", "locker", "пвз", "постамат"]
            .iter()
            .any(|k| t.contains(k))
        {
            Some(DeliveryKind::PickupPoint)
        } else {
            None
        }
    }
}

impl fmt::Display for DeliveryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeliveryKind::Courier => "courier delivery",
            DeliveryKind::PickupPoint => "pick-up point delivery",
        })
    }
}

/// Where a posting stands in the last mile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStage {
    /// Handed over, accepted for delivery, travelling.
    Accepted,
    /// A courier is bringing it to the customer.
    CourierOnTheWay,
    /// Waiting at the pick-up point.
    AtPickupPoint,
    /// Handed to the customer, the dispute window is open.
    PresumablyDelivered,
    /// Delivered.
    Delivered,
    /// The customer disputes receipt or declined it (client arbitration).
    Disputed,
}

impl fmt::Display for DeliveryStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeliveryStage::Accepted => "accepted for delivery",
            DeliveryStage::CourierOnTheWay => "courier on the way",
            DeliveryStage::AtPickupPoint => "at the pick-up point",
            DeliveryStage::PresumablyDelivered => "presumably delivered",
            DeliveryStage::Delivered => "delivered",
            DeliveryStage::Disputed => "disputed",
        })
    }
}

/// A last-mile move, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryAction {
    /// Courier takes the parcel out.
    CourierOnTheWay,
    /// Parcel arrives at the pick-up point.
    ArriveAtPickupPoint,
    /// Parcel handed to the customer.
    PresumablyDelivered,
    /// Window passed: delivered.
    ConfirmDelivered,
    /// Customer disputes receipt.
    Dispute,
    /// Customer declines receipt.
    Decline,
    /// Dispute resolved.
    Resolve,
}

impl fmt::Display for DeliveryAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeliveryAction::CourierOnTheWay => "send the courier out",
            DeliveryAction::ArriveAtPickupPoint => "put it at the pick-up point",
            DeliveryAction::PresumablyDelivered => "mark it presumably delivered",
            DeliveryAction::ConfirmDelivered => "confirm delivery",
            DeliveryAction::Dispute => "dispute receipt",
            DeliveryAction::Decline => "record that the customer declined it",
            DeliveryAction::Resolve => "resolve the customer's dispute",
        })
    }
}

/// How a customer's dispute ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientDisputeOutcome {
    /// The parcel is found delivered.
    Delivered,
    /// The posting is cancelled (reason 401, cancellation from arbitration).
    Cancelled {
        /// The seller's note, if any.
        message: Option<String>,
    },
}

/// A refused last-mile move. Every variant names the posting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The move does not start from where the posting is.
    #[error("posting {posting}: cannot {action}: it is {from} (status {status}{})", substatus.as_ref().map(|s| format!(", substatus {s}")).unwrap_or_default())]
    IllegalMove {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: DeliveryAction,
        /// A description of where it is (a stage or "not in the last mile").
        from: String,
        /// The status.
        status: Status,
        /// The substatus.
        substatus: Option<Substatus>,
    },
    /// The move belongs to the other delivery type.
    #[error("posting {posting}: cannot {action}: it goes by {kind}")]
    WrongDeliveryKind {
        /// The posting number.
        posting: String,
        /// What was attempted.
        action: DeliveryAction,
        /// The posting's delivery type.
        kind: DeliveryKind,
    },
    /// Confirming before the dispute window closed.
    #[error("posting {posting}: cannot confirm delivery: the customer may dispute receipt until {}", rfc3339(.until))]
    WindowOpen {
        /// The posting number.
        posting: String,
        /// When the window closes.
        until: DateTime<Utc>,
    },
    /// Disputing after the window closed.
    #[error("posting {posting}: cannot dispute receipt: the 15-minute window closed at {}; the posting is delivered", rfc3339(.closed_at))]
    WindowClosed {
        /// The posting number.
        posting: String,
        /// When the window closed.
        closed_at: DateTime<Utc>,
    },
    /// A presumably delivered posting without the time it became so.
    #[error("posting {posting}: presumably delivered, but when is unknown; the dispute window cannot be judged")]
    WindowUnknown {
        /// The posting number.
        posting: String,
    },
    /// Resolving into a cancellation failed in the order rules.
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl Posting {
    /// The delivery type, from `delivery_type`, else from a substatus only one type has.
    pub fn delivery_kind(&self) -> Option<DeliveryKind> {
        if let Some(kind) = self
            .delivery_type
            .as_deref()
            .and_then(DeliveryKind::from_delivery_type)
        {
            return Some(kind);
        }
        match self.substatus {
            Some(Substatus::PostingInCourierService) => Some(DeliveryKind::Courier),
            Some(Substatus::PostingInPickupPoint | Substatus::PostingOnWayToPickupPoint) => {
                Some(DeliveryKind::PickupPoint)
            }
            _ => None,
        }
    }

    /// The last-mile stage, or `None` before hand-over, when cancelled, or in a status of another
    /// flow (seller arbitration, not accepted, …).
    pub fn delivery_stage(&self) -> Option<DeliveryStage> {
        match (&self.status, &self.substatus) {
            (Status::Delivering, Some(Substatus::PostingInCourierService)) => {
                Some(DeliveryStage::CourierOnTheWay)
            }
            (Status::Delivering, Some(Substatus::PostingInPickupPoint)) => {
                Some(DeliveryStage::AtPickupPoint)
            }
            (Status::Delivering, Some(Substatus::PostingConditionallyDelivered)) => {
                Some(DeliveryStage::PresumablyDelivered)
            }
            (
                Status::Delivering,
                None
                | Some(
                    Substatus::PostingTransferredToCourierService
                    | Substatus::PostingOnWayToCity
                    | Substatus::PostingOnWayToPickupPoint,
                ),
            ) => Some(DeliveryStage::Accepted),
            (Status::Delivered, _) => Some(DeliveryStage::Delivered),
            (Status::ClientArbitration, _) => Some(DeliveryStage::Disputed),
            _ => None,
        }
    }

    /// When the dispute window of a presumably delivered posting closes.
    pub fn dispute_window_end(&self) -> Option<DateTime<Utc>> {
        self.presumably_delivered_at
            .and_then(|t| t.checked_add_signed(DISPUTE_WINDOW))
    }

    fn refuse(&self, action: DeliveryAction) -> DeliveryError {
        DeliveryError::IllegalMove {
            posting: self.posting_number.to_string(),
            action,
            from: self
                .delivery_stage()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "not in the last mile".to_owned()),
            status: self.status.clone(),
            substatus: self.substatus.clone(),
        }
    }

    fn expect_stage(
        &self,
        action: DeliveryAction,
        allowed: &[DeliveryStage],
    ) -> Result<(), DeliveryError> {
        match self.delivery_stage() {
            Some(stage) if allowed.contains(&stage) => Ok(()),
            _ => Err(self.refuse(action)),
        }
    }

    fn expect_kind(
        &self,
        action: DeliveryAction,
        wanted: DeliveryKind,
    ) -> Result<(), DeliveryError> {
        match self.delivery_kind() {
            Some(kind) if kind != wanted => Err(DeliveryError::WrongDeliveryKind {
                posting: self.posting_number.to_string(),
                action,
                kind,
            }),
            _ => Ok(()),
        }
    }

    /// Courier delivery: accepted → courier on the way (`posting_in_courier_service`).
    pub fn courier_on_the_way(&mut self) -> Result<(), DeliveryError> {
        let action = DeliveryAction::CourierOnTheWay;
        self.expect_stage(action, &[DeliveryStage::Accepted])?;
        self.expect_kind(action, DeliveryKind::Courier)?;
        self.set_stage(Status::Delivering, Substatus::PostingInCourierService);
        Ok(())
    }

    /// Pick-up point delivery: accepted → at the pick-up point (`posting_in_pickup_point`).
    pub fn arrive_at_pickup_point(&mut self) -> Result<(), DeliveryError> {
        let action = DeliveryAction::ArriveAtPickupPoint;
        self.expect_stage(action, &[DeliveryStage::Accepted])?;
        self.expect_kind(action, DeliveryKind::PickupPoint)?;
        self.set_stage(Status::Delivering, Substatus::PostingInPickupPoint);
        Ok(())
    }

    /// The customer got the parcel from the courier or the pick-up point at `at`: presumably
    /// delivered (`posting_conditionally_delivered`); the 15-minute dispute window opens.
    pub fn presumably_delivered(&mut self, at: DateTime<Utc>) -> Result<(), DeliveryError> {
        self.expect_stage(
            DeliveryAction::PresumablyDelivered,
            &[DeliveryStage::CourierOnTheWay, DeliveryStage::AtPickupPoint],
        )?;
        self.set_stage(Status::Delivering, Substatus::PostingConditionallyDelivered);
        self.presumably_delivered_at = Some(at);
        Ok(())
    }

    fn window_end(&self) -> Result<DateTime<Utc>, DeliveryError> {
        self.dispute_window_end()
            .ok_or_else(|| DeliveryError::WindowUnknown {
                posting: self.posting_number.to_string(),
            })
    }

    /// The window passed without a dispute: presumably delivered → delivered at the window's end.
    /// Before the window closes it is refused with the time it closes.
    pub fn confirm_delivered(&mut self, now: DateTime<Utc>) -> Result<(), DeliveryError> {
        self.expect_stage(
            DeliveryAction::ConfirmDelivered,
            &[DeliveryStage::PresumablyDelivered],
        )?;
        let end = self.window_end()?;
        if now < end {
            return Err(DeliveryError::WindowOpen {
                posting: self.posting_number.to_string(),
                until: end,
            });
        }
        self.set_stage(Status::Delivered, Substatus::PostingDelivered);
        self.delivered_at = Some(end);
        Ok(())
    }

    /// Confirms delivery when the posting is presumably delivered and its window has closed by
    /// `now`; anything else is left as it is. Returns whether it delivered. For batch use, like
    /// [`Posting::apply_passport_deadline`].
    pub fn settle_delivery(&mut self, now: DateTime<Utc>) -> bool {
        self.delivery_stage() == Some(DeliveryStage::PresumablyDelivered)
            && self.confirm_delivered(now).is_ok()
    }

    /// The customer disputes receipt at `now`: inside the window → disputed
    /// (`client_arbitration`); at or after its end the posting is delivered and the dispute refused.
    pub fn dispute_receipt(&mut self, now: DateTime<Utc>) -> Result<(), DeliveryError> {
        self.expect_stage(
            DeliveryAction::Dispute,
            &[DeliveryStage::PresumablyDelivered],
        )?;
        let end = self.window_end()?;
        if now >= end {
            return Err(DeliveryError::WindowClosed {
                posting: self.posting_number.to_string(),
                closed_at: end,
            });
        }
        self.set_stage(
            Status::ClientArbitration,
            Substatus::PostingInClientArbitration,
        );
        Ok(())
    }

    /// The customer declined the parcel at the door or the pick-up point: → disputed.
    pub fn decline_receipt(&mut self) -> Result<(), DeliveryError> {
        self.expect_stage(
            DeliveryAction::Decline,
            &[DeliveryStage::CourierOnTheWay, DeliveryStage::AtPickupPoint],
        )?;
        self.set_stage(
            Status::ClientArbitration,
            Substatus::PostingInClientArbitration,
        );
        Ok(())
    }

    /// Ends a customer's dispute: delivered, or cancelled from arbitration (reason 401).
    pub fn resolve_client_dispute(
        &mut self,
        outcome: ClientDisputeOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), DeliveryError> {
        self.expect_stage(DeliveryAction::Resolve, &[DeliveryStage::Disputed])?;
        match outcome {
            ClientDisputeOutcome::Delivered => {
                self.set_stage(Status::Delivered, Substatus::PostingDelivered);
                self.delivered_at = Some(now);
            }
            ClientDisputeOutcome::Cancelled { message } => {
                self.cancel(CancelReason::FromArbitration.id(), message.as_deref())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
