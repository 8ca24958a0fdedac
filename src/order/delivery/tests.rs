use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::order::Posting;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const HANDED_TO_CUSTOMER: &str = "2026-11-23T10:00:00Z";

/// A posting at `stage` for `kind` (None: type unknown).
fn at(stage: DeliveryStage, kind: Option<DeliveryKind>) -> Posting {
    let mut p = Posting::new("0132112277-0101-1".parse().unwrap(), Status::Delivering);
    p.delivery_type = kind.map(|k| match k {
        DeliveryKind::Courier => "Courier".to_owned(),
        DeliveryKind::PickupPoint => "PVZ".to_owned(),
    });
    let (status, substatus) = match stage {
        DeliveryStage::Accepted => (
            Status::Delivering,
            Substatus::PostingTransferredToCourierService,
        ),
        DeliveryStage::CourierOnTheWay => (Status::Delivering, Substatus::PostingInCourierService),
        DeliveryStage::AtPickupPoint => (Status::Delivering, Substatus::PostingInPickupPoint),
        DeliveryStage::PresumablyDelivered => {
            p.presumably_delivered_at = Some(t(HANDED_TO_CUSTOMER));
            (Status::Delivering, Substatus::PostingConditionallyDelivered)
        }
        DeliveryStage::Delivered => (Status::Delivered, Substatus::PostingDelivered),
        DeliveryStage::Disputed => (
            Status::ClientArbitration,
            Substatus::PostingInClientArbitration,
        ),
    };
    p.status = status;
    p.substatus = Some(substatus);
    p
}

const ALL_STAGES: [DeliveryStage; 6] = [
    DeliveryStage::Accepted,
    DeliveryStage::CourierOnTheWay,
    DeliveryStage::AtPickupPoint,
    DeliveryStage::PresumablyDelivered,
    DeliveryStage::Delivered,
    DeliveryStage::Disputed,
];

/// Runs `action` on a posting at every stage (type unknown) and checks that exactly `legal` stages
/// accept it, that the refused ones are untouched and that the error names the posting.
fn check_from_stages(
    action: impl Fn(&mut Posting) -> Result<(), DeliveryError>,
    legal: &[DeliveryStage],
    expect_after: Option<DeliveryStage>,
) {
    for stage in ALL_STAGES {
        let mut p = at(stage, None);
        let before = p.clone();
        let result = action(&mut p);
        if legal.contains(&stage) {
            result.unwrap_or_else(|e| panic!("from {stage}: {e}"));
            if let Some(after) = expect_after {
                assert_eq!(p.delivery_stage(), Some(after), "from {stage}");
            }
        } else {
            let e = result.expect_err(&format!("from {stage} must be refused"));
            assert!(e.to_string().contains("0132112277-0101-1"), "{e}");
            assert_eq!(p, before, "a refused move leaves the posting untouched");
        }
    }
}

#[test]
fn courier_on_the_way_only_from_accepted() {
    check_from_stages(
        |p| p.courier_on_the_way(),
        &[DeliveryStage::Accepted],
        Some(DeliveryStage::CourierOnTheWay),
    );
}

#[test]
fn pickup_point_only_from_accepted() {
    check_from_stages(
        |p| p.arrive_at_pickup_point(),
        &[DeliveryStage::Accepted],
        Some(DeliveryStage::AtPickupPoint),
    );
}

#[test]
fn presumably_delivered_from_courier_or_pickup_point() {
    check_from_stages(
        |p| p.presumably_delivered(t(HANDED_TO_CUSTOMER)),
        &[DeliveryStage::CourierOnTheWay, DeliveryStage::AtPickupPoint],
        Some(DeliveryStage::PresumablyDelivered),
    );
}

#[test]
fn confirm_only_from_presumably_delivered() {
    check_from_stages(
        |p| p.confirm_delivered(t("2026-11-23T11:00:00Z")),
        &[DeliveryStage::PresumablyDelivered],
        Some(DeliveryStage::Delivered),
    );
}

#[test]
fn dispute_only_from_presumably_delivered() {
    check_from_stages(
        |p| p.dispute_receipt(t("2026-11-23T10:05:00Z")),
        &[DeliveryStage::PresumablyDelivered],
        Some(DeliveryStage::Disputed),
    );
}

#[test]
fn decline_from_courier_or_pickup_point() {
    check_from_stages(
        |p| p.decline_receipt(),
        &[DeliveryStage::CourierOnTheWay, DeliveryStage::AtPickupPoint],
        Some(DeliveryStage::Disputed),
    );
}

#[test]
fn resolve_only_from_disputed() {
    let now = t("2026-11-24T09:00:00Z");
    check_from_stages(
        |p| p.resolve_client_dispute(ClientDisputeOutcome::Delivered, now),
        &[DeliveryStage::Disputed],
        Some(DeliveryStage::Delivered),
    );
    check_from_stages(
        |p| {
            p.resolve_client_dispute(
                ClientDisputeOutcome::Cancelled {
                    message: Some("вернули деньги".into()),
                },
                now,
            )
        },
        &[DeliveryStage::Disputed],
        None,
    );
}

#[test]
fn courier_path_end_to_end() {
    let mut p = Posting::new(
        "0132112277-0101-1".parse().unwrap(),
        Status::AwaitingDeliver,
    );
    p.delivery_type = Some("Courier".into());
    p.hand_over(t("2026-11-22T12:00:00Z")).unwrap();
    assert_eq!(p.delivery_stage(), Some(DeliveryStage::Accepted));
    p.courier_on_the_way().unwrap();
    assert_eq!(p.substatus, Some(Substatus::PostingInCourierService));
    p.presumably_delivered(t(HANDED_TO_CUSTOMER)).unwrap();
    assert_eq!(p.substatus, Some(Substatus::PostingConditionallyDelivered));
    p.confirm_delivered(t("2026-11-23T10:15:00Z")).unwrap();
    assert_eq!(p.status, Status::Delivered);
    assert_eq!(p.substatus, Some(Substatus::PostingDelivered));
    assert_eq!(p.delivered_at, Some(t("2026-11-23T10:15:00Z")));
}

#[test]
fn pickup_point_path_end_to_end() {
    let mut p = Posting::new(
        "0132112277-0101-1".parse().unwrap(),
        Status::AwaitingDeliver,
    );
    p.delivery_type = Some("PVZ".into());
    p.hand_over(t("2026-11-22T12:00:00Z")).unwrap();
    p.arrive_at_pickup_point().unwrap();
    assert_eq!(p.substatus, Some(Substatus::PostingInPickupPoint));
    p.presumably_delivered(t(HANDED_TO_CUSTOMER)).unwrap();
    assert!(p.settle_delivery(t("2026-11-23T10:30:00Z")));
    assert_eq!(p.status, Status::Delivered);
}

#[test]
fn a_move_of_the_other_delivery_type_is_refused_with_the_type() {
    let mut courier = at(DeliveryStage::Accepted, Some(DeliveryKind::Courier));
    let e = courier.arrive_at_pickup_point().unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0132112277-0101-1: cannot put it at the pick-up point: it goes by courier delivery"
    );
    let mut pvz = at(DeliveryStage::Accepted, Some(DeliveryKind::PickupPoint));
    let e = pvz.courier_on_the_way().unwrap_err();
    assert!(matches!(
        e,
        DeliveryError::WrongDeliveryKind {
            kind: DeliveryKind::PickupPoint,
            ..
        }
    ));
    assert_eq!(pvz.delivery_stage(), Some(DeliveryStage::Accepted));
}

#[test]
fn illegal_move_message_names_posting_stage_and_status() {
    let mut p = at(DeliveryStage::Delivered, None);
    let e = p.dispute_receipt(t(HANDED_TO_CUSTOMER)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0132112277-0101-1: cannot dispute receipt: it is delivered (status delivered, substatus posting_delivered)"
    );
    let mut p = Posting::new(
        "0132112277-0101-1".parse().unwrap(),
        Status::AwaitingPackaging,
    );
    let e = p.courier_on_the_way().unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0132112277-0101-1: cannot send the courier out: it is not in the last mile (status awaiting_packaging)"
    );
}

#[test]
fn dispute_window_boundary() {
    let start = t(HANDED_TO_CUSTOMER);
    let end = start + DISPUTE_WINDOW;
    // One nanosecond before the end: still in time.
    let mut p = at(DeliveryStage::PresumablyDelivered, None);
    p.dispute_receipt(end - Duration::nanoseconds(1)).unwrap();
    assert_eq!(p.status, Status::ClientArbitration);
    assert_eq!(p.substatus, Some(Substatus::PostingInClientArbitration));
    // Exactly at the end: too late, and the posting can be confirmed delivered.
    let mut p = at(DeliveryStage::PresumablyDelivered, None);
    let e = p.dispute_receipt(end).unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0132112277-0101-1: cannot dispute receipt: the 15-minute window closed at 2026-11-23T10:15:00Z; the posting is delivered"
    );
    assert_eq!(p.delivery_stage(), Some(DeliveryStage::PresumablyDelivered));
    // Confirmation: refused a nanosecond before, accepted exactly at the end.
    let e = p
        .confirm_delivered(end - Duration::nanoseconds(1))
        .unwrap_err();
    assert!(matches!(e, DeliveryError::WindowOpen { until, .. } if until == end));
    assert!(!p.settle_delivery(end - Duration::seconds(1)));
    assert!(p.settle_delivery(end));
    assert_eq!(p.status, Status::Delivered);
    // At the very start the window is open.
    let mut p = at(DeliveryStage::PresumablyDelivered, None);
    p.dispute_receipt(start).unwrap();
}

#[test]
fn window_without_a_start_time_is_an_error_not_a_guess() {
    let mut p = at(DeliveryStage::PresumablyDelivered, None);
    p.presumably_delivered_at = None;
    assert!(matches!(
        p.dispute_receipt(t(HANDED_TO_CUSTOMER)),
        Err(DeliveryError::WindowUnknown { .. })
    ));
    assert!(!p.settle_delivery(t("2030-01-01T00:00:00Z")));
}

#[test]
fn dispute_resolves_to_delivered_or_cancelled_with_reason_401() {
    let now = t("2026-11-24T09:00:00Z");
    let mut p = at(DeliveryStage::Disputed, None);
    p.resolve_client_dispute(ClientDisputeOutcome::Delivered, now)
        .unwrap();
    assert_eq!(p.status, Status::Delivered);
    assert_eq!(p.delivered_at, Some(now));
    let mut p = at(DeliveryStage::Disputed, None);
    p.resolve_client_dispute(ClientDisputeOutcome::Cancelled { message: None }, now)
        .unwrap();
    assert_eq!(p.status, Status::Cancelled);
    assert_eq!(p.cancellation.as_ref().and_then(|c| c.reason_id), Some(401));
}

#[test]
fn kind_comes_from_delivery_type_or_a_one_type_substatus() {
    assert_eq!(
        DeliveryKind::from_delivery_type("PVZ"),
        Some(DeliveryKind::PickupPoint)
    );
    assert_eq!(
        DeliveryKind::from_delivery_type("Courier"),
        Some(DeliveryKind::Courier)
    );
    assert_eq!(DeliveryKind::from_delivery_type("Express"), None);
    let p = at(DeliveryStage::AtPickupPoint, None);
    assert_eq!(p.delivery_kind(), Some(DeliveryKind::PickupPoint));
    let p = at(DeliveryStage::Accepted, None);
    assert_eq!(p.delivery_kind(), None);
}

#[test]
fn imported_analytics_delivery_type_and_region_are_kept() {
    let json = r#"{"posting_number": "0132112277-0101-1", "status": "delivering",
        "substatus": "posting_transferred_to_courier_service",
        "analytics_data": {"delivery_type": "PVZ", "region": "Свердловская область"},
        "customer": null, "fact_delivery_date": null}"#;
    let p = &crate::order::parse_json("p.json", json).unwrap()[0];
    assert_eq!(p.delivery_kind(), Some(DeliveryKind::PickupPoint));
    assert_eq!(p.customer_region.as_deref(), Some("Свердловская область"));
}

proptest::proptest! {
    /// At any moment exactly one of "dispute" and "confirm" is accepted, switching at +15:00.
    #[test]
    fn exactly_one_of_dispute_and_confirm_is_accepted(offset_ms in 0i64..(30 * 60 * 1000)) {
        let now = t(HANDED_TO_CUSTOMER) + Duration::milliseconds(offset_ms);
        let in_window = offset_ms < 15 * 60 * 1000;
        let mut a = at(DeliveryStage::PresumablyDelivered, None);
        let mut b = a.clone();
        proptest::prop_assert_eq!(a.dispute_receipt(now).is_ok(), in_window);
        proptest::prop_assert_eq!(b.confirm_delivered(now).is_ok(), !in_window);
    }
}
