//! The status rank: how far along its life a posting is, so that an older export never moves a posting
//! back. One rule for both places that meet the same posting twice: the store's import (a stored posting
//! against an incoming one) and the importer (the same posting in two inputs, see
//! [`read_files`](crate::order::read_files)).
//!
//! | rank | statuses |
//! |-----:|----------|
//! | 0 | any status this version does not know (`Unknown`) |
//! | 1 | `awaiting_registration` |
//! | 2 | `awaiting_approve`, `awaiting_verification` |
//! | 3 | `awaiting_packaging` |
//! | 4 | `awaiting_deliver` |
//! | 5 | `sent_by_seller` |
//! | 6 | `acceptance_in_progress` |
//! | 7 | `delivering`, `driver_pickup` |
//! | 8 | `arbitration`, `client_arbitration`, `not_accepted` |
//! | 9 | `delivered`, `cancelled`, `cancelled_from_split_pending` (terminal) |
//!
//! An import replaces a stored posting only when the incoming status ranks at least as high; equal
//! ranks take the incoming data (a substatus or a tracking number may have changed). Moves that go
//! down the rank on purpose (a dispute sent back to shipping) are made by the lifecycle commands, never
//! by an import. An unknown status ranks lowest: it is stored when first seen, but it never replaces a
//! known one, since nothing says whether it is newer.

use crate::order::Status;

/// The rank of a status; higher is later. See the module docs for the table.
pub fn status_rank(status: &Status) -> i64 {
    match status {
        Status::Unknown(_) => 0,
        Status::AwaitingRegistration => 1,
        Status::AwaitingApprove | Status::AwaitingVerification => 2,
        Status::AwaitingPackaging => 3,
        Status::AwaitingDeliver => 4,
        Status::SentBySeller => 5,
        Status::AcceptanceInProgress => 6,
        Status::Delivering | Status::DriverPickup => 7,
        Status::Arbitration | Status::ClientArbitration | Status::NotAccepted => 8,
        Status::Delivered | Status::Cancelled | Status::CancelledFromSplitPending => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_only_goes_up_and_final_states_rank_highest() {
        let path = [
            Status::AwaitingRegistration,
            Status::AwaitingPackaging,
            Status::AwaitingDeliver,
            Status::Delivering,
            Status::Delivered,
        ];
        for pair in path.windows(2) {
            assert!(status_rank(&pair[0]) < status_rank(&pair[1]), "{pair:?}");
        }
        for status in Status::KNOWN {
            if status.is_final() {
                assert_eq!(status_rank(status), 9);
            } else {
                assert!(status_rank(status) < 9, "{status}");
            }
        }
        assert_eq!(status_rank(&Status::Unknown("new".into())), 0);
    }
}
