//! Every transition, legal and illegal; the passport gate at its deadline; splitting; labelability;
//! cost.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::order::{Money, NotLabelableReason, Product};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn product(sku: i64, quantity: u32, price: &str) -> Product {
    Product {
        sku,
        offer_id: format!("OFFER-{sku}"),
        name: format!("Товар {sku}"),
        price: Money::parse(price, "RUB").unwrap(),
        quantity,
        marking_codes: Vec::new(),
    }
}

/// A posting with SKU 11 × 2 and SKU 22 × 1, created at 2026-11-22T10:00:00Z.
fn posting(status: Status) -> Posting {
    let mut p = Posting::new("0132112277-0101-1".parse().unwrap(), status);
    p.in_process_at = Some(t("2026-11-22T10:00:00Z"));
    p.products = vec![product(11, 2, "10.50"), product(22, 1, "3.333")];
    p
}

fn passport_posting() -> Posting {
    let mut p = posting(Status::AwaitingPackaging);
    p.substatus = Some(Substatus::PostingAwaitingPassportData);
    p.cross_border = true;
    p
}

fn all_statuses() -> Vec<Status> {
    let mut all = Status::KNOWN.to_vec();
    all.push(Status::Unknown("teleported".into()));
    all
}

/// Runs `action` on a posting in every status: it must succeed exactly in `allowed`, and a refusal
/// must be an `IllegalTransition` naming the posting that leaves the posting unchanged.
fn check_transition(
    name: Action,
    allowed: &[Status],
    target: Status,
    action: impl Fn(&mut Posting) -> Result<(), OrderError>,
) {
    check_transition_of(name, allowed, target, |_| {}, action);
}

/// [`check_transition`] on postings that `prepare` adjusts first.
fn check_transition_of(
    name: Action,
    allowed: &[Status],
    target: Status,
    prepare: impl Fn(&mut Posting),
    action: impl Fn(&mut Posting) -> Result<(), OrderError>,
) {
    for status in all_statuses() {
        let mut p = posting(status.clone());
        prepare(&mut p);
        let before = p.clone();
        match action(&mut p) {
            Ok(()) => {
                assert!(allowed.contains(&status), "{name} allowed from {status}");
                assert_eq!(p.status, target, "{name} from {status}");
            }
            Err(e) => {
                assert!(
                    !allowed.contains(&status),
                    "{name} refused from {status}: {e}"
                );
                assert_eq!(
                    e,
                    OrderError::IllegalTransition {
                        posting: "0132112277-0101-1".into(),
                        action: name,
                        status: status.clone()
                    }
                );
                assert!(e.to_string().contains("0132112277-0101-1"));
                assert_eq!(p, before, "a refused {name} changed the posting");
            }
        }
    }
}

#[test]
fn pack_only_from_awaiting_packaging() {
    check_transition(
        Action::Pack,
        &[Status::AwaitingPackaging],
        Status::AwaitingDeliver,
        |p| p.pack(&[]).map(|_| ()),
    );
}

#[test]
fn hand_over_from_awaiting_deliver_or_sent_by_seller() {
    let at = t("2026-11-23T09:00:00Z");
    check_transition(
        Action::HandOver,
        &[Status::AwaitingDeliver, Status::SentBySeller],
        Status::Delivering,
        |p| p.hand_over(at),
    );
    let mut p = posting(Status::AwaitingDeliver);
    p.hand_over(at).unwrap();
    assert_eq!(p.delivering_date, Some(at));
}

#[test]
fn deliver_from_delivering_or_driver_pickup() {
    check_transition(
        Action::Deliver,
        &[Status::Delivering, Status::DriverPickup],
        Status::Delivered,
        |p| p.deliver(),
    );
}

#[test]
fn dispute_opens_from_awaiting_deliver_or_not_accepted() {
    check_transition(
        Action::OpenDispute,
        &[Status::AwaitingDeliver, Status::NotAccepted],
        Status::Arbitration,
        |p| p.open_dispute(),
    );
}

#[test]
fn dispute_resolves_only_from_arbitration() {
    check_transition(
        Action::ResolveDispute,
        &[Status::Arbitration],
        Status::Delivered,
        |p| p.resolve_dispute(DisputeResolution::Delivered),
    );
    check_transition(
        Action::ResolveDispute,
        &[Status::Arbitration],
        Status::AwaitingDeliver,
        |p| p.resolve_dispute(DisputeResolution::BackToShipping),
    );
    let mut p = posting(Status::Arbitration);
    p.resolve_dispute(DisputeResolution::Cancelled {
        message: Some("посылка не найдена".into()),
    })
    .unwrap();
    assert_eq!(p.status, Status::Cancelled);
    let c = p.cancellation.unwrap();
    assert_eq!(c.reason_id, Some(401));
    assert_eq!(c.message.as_deref(), Some("посылка не найдена"));
}

#[test]
fn not_accepted_by_sorting_centre() {
    check_transition(
        Action::NotAccepted,
        &[
            Status::AwaitingDeliver,
            Status::AcceptanceInProgress,
            Status::DriverPickup,
        ],
        Status::NotAccepted,
        |p| p.not_accepted(),
    );
}

#[test]
fn send_by_seller_needs_cross_border() {
    let mut p = posting(Status::AwaitingDeliver);
    assert_eq!(
        p.send_by_seller(),
        Err(OrderError::NotCrossBorder {
            posting: p.posting_number.to_string()
        })
    );
    p.cross_border = true;
    p.send_by_seller().unwrap();
    assert_eq!(p.status, Status::SentBySeller);
    check_transition_of(
        Action::SendBySeller,
        &[Status::AwaitingDeliver],
        Status::SentBySeller,
        |p| p.cross_border = true,
        |p| p.send_by_seller(),
    );
}

#[test]
fn a_whole_lifecycle() {
    let mut p = posting(Status::AwaitingPackaging);
    let shipments = p.pack(&[]).unwrap();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].id, "0132112277-0101-1/1");
    assert_eq!(p.status, Status::AwaitingDeliver);
    p.labelable(t("2026-11-22T12:00:00Z")).unwrap();
    p.hand_over(t("2026-11-22T18:00:00Z")).unwrap();
    p.deliver().unwrap();
    assert_eq!(p.status, Status::Delivered);
    assert_eq!(p.substatus, Some(Substatus::PostingDelivered));
}

#[test]
fn cancel_reasons_follow_the_reference() {
    for status in all_statuses() {
        for reason in CancelReason::ALL {
            let mut p = posting(status.clone());
            let before = p.clone();
            let result = p.cancel(reason.id(), Some("причина"));
            if status.is_final() {
                assert!(matches!(result, Err(OrderError::IllegalTransition { .. })));
                assert_eq!(p, before);
            } else if reason.allowed_in(&status) {
                result.unwrap();
                assert_eq!(p.status, Status::Cancelled);
                let c = p.cancellation.as_ref().unwrap();
                assert_eq!(c.reason_id, Some(reason.id()));
                assert_eq!(c.cancelled_after_ship, status == Status::Delivering);
            } else {
                assert_eq!(
                    result,
                    Err(OrderError::CancelReasonNotAllowed {
                        posting: p.posting_number.to_string(),
                        reason_id: reason.id(),
                        status: status.clone()
                    })
                );
                assert_eq!(p, before);
            }
        }
    }
    // Spot checks of the table.
    assert!(CancelReason::OutOfStock.allowed_in(&Status::AwaitingPackaging));
    assert!(CancelReason::OutOfStock.allowed_in(&Status::AwaitingDeliver));
    assert!(!CancelReason::OutOfStock.allowed_in(&Status::Delivering));
    assert!(CancelReason::LostByCarrier.allowed_in(&Status::Delivering));
    assert!(!CancelReason::LostByCarrier.allowed_in(&Status::AwaitingPackaging));
    assert!(CancelReason::FromArbitration.allowed_in(&Status::Arbitration));
}

#[test]
fn cancel_402_needs_a_message_and_unknown_ids_are_refused() {
    let mut p = posting(Status::AwaitingPackaging);
    let err = p.cancel(402, None).unwrap_err();
    assert_eq!(
        err,
        OrderError::MessageRequired {
            posting: p.posting_number.to_string(),
            reason_id: 402
        }
    );
    assert!(p.cancel(402, Some("   ")).is_err());
    let err = p.cancel(999, Some("x")).unwrap_err();
    assert!(
        err.to_string().contains("unknown cancel reason id 999"),
        "{err}"
    );
    assert_eq!(p.status, Status::AwaitingPackaging);
    p.cancel(402, Some("покупатель передумал")).unwrap();
    assert_eq!(
        p.cancellation.unwrap().message.as_deref(),
        Some("покупатель передумал")
    );
    // 352 works without a message.
    let mut p = posting(Status::AwaitingDeliver);
    p.cancel(352, None).unwrap();
    assert_eq!(p.status, Status::Cancelled);
}

#[test]
fn split_valid() {
    let mut p = posting(Status::AwaitingPackaging);
    let shipments = p
        .pack(&[
            Package::new([(11, 1)]).with_tracking("RA123456789RU"),
            Package::new([(11, 1), (22, 1)]),
        ])
        .unwrap()
        .to_vec();
    assert_eq!(shipments.len(), 2);
    assert_eq!(shipments[0].package_number, 1);
    assert_eq!(shipments[1].package_number, 2);
    assert_eq!(shipments[0].id, "0132112277-0101-1/1");
    assert_eq!(shipments[1].id, "0132112277-0101-1/2");
    assert_eq!(
        shipments[0].tracking_number.as_deref(),
        Some("RA123456789RU")
    );
    assert_eq!(shipments[1].tracking_number, None);
    assert_eq!(shipments[0].products.len(), 1);
    assert_eq!(shipments[0].products[0].quantity, 1);
    assert_eq!(shipments[1].products.len(), 2);
    assert_eq!(p.status, Status::AwaitingDeliver);
    assert_eq!(p.shipments, shipments);
    // The same SKU twice in one package adds up.
    let mut p = posting(Status::AwaitingPackaging);
    p.pack(&[Package::new([(11, 1), (22, 1), (11, 1)])])
        .unwrap();
    assert_eq!(p.shipments[0].products[0].quantity, 2);
}

#[test]
fn split_errors_name_the_problem_and_change_nothing() {
    let cases: Vec<(Vec<Package>, OrderError)> = vec![
        (
            vec![Package::new([(11, 2), (22, 1)]), Package::new([])],
            OrderError::EmptyShipment {
                posting: "0132112277-0101-1".into(),
                package: 2,
            },
        ),
        (
            vec![Package::new([(11, 2), (22, 1)]), Package::new([(11, 1)])],
            OrderError::UnitInTwoShipments {
                posting: "0132112277-0101-1".into(),
                sku: 11,
                quantity: 2,
                requested: 3,
                packages: vec![1, 2],
            },
        ),
        (
            vec![Package::new([(11, 3), (22, 1)])],
            OrderError::TooManyUnits {
                posting: "0132112277-0101-1".into(),
                sku: 11,
                available: 2,
                requested: 3,
            },
        ),
        (
            vec![Package::new([(11, 1)]), Package::new([(22, 1)])],
            OrderError::MissingUnits {
                posting: "0132112277-0101-1".into(),
                sku: 11,
                quantity: 2,
                packed: 1,
            },
        ),
        (
            vec![Package::new([(11, 2), (22, 1), (99, 1)])],
            OrderError::UnknownSku {
                posting: "0132112277-0101-1".into(),
                sku: 99,
            },
        ),
        (
            vec![Package::new([(11, 2), (22, 0)])],
            OrderError::ZeroQuantity {
                posting: "0132112277-0101-1".into(),
                sku: 22,
                package: Some(1),
            },
        ),
    ];
    for (packages, expected) in cases {
        let mut p = posting(Status::AwaitingPackaging);
        let before = p.clone();
        assert_eq!(p.pack(&packages).unwrap_err(), expected);
        assert_eq!(p, before);
    }
    let msg = OrderError::UnitInTwoShipments {
        posting: "X".into(),
        sku: 11,
        quantity: 2,
        requested: 3,
        packages: vec![1, 2],
    }
    .to_string();
    assert!(msg.contains("shipments 1, 2"), "{msg}");
}

#[test]
fn split_is_only_allowed_before_packing() {
    let mut p = posting(Status::AwaitingDeliver);
    assert!(matches!(
        p.pack(&[Package::new([(11, 2)]), Package::new([(22, 1)])]),
        Err(OrderError::IllegalTransition {
            action: Action::Pack,
            ..
        })
    ));
    let mut p = posting(Status::AwaitingPackaging);
    p.products.clear();
    assert!(matches!(p.pack(&[]), Err(OrderError::NoProducts { .. })));
}

#[test]
fn remove_units_before_packing() {
    let mut p = posting(Status::AwaitingPackaging);
    p.remove_units(11, 1, "брак").unwrap();
    assert_eq!(p.products[0].quantity, 1);
    assert_eq!(p.removed_units.len(), 1);
    assert_eq!(p.removed_units[0].reason, "брак");
    p.remove_units(11, 1, "брак").unwrap();
    assert_eq!(p.products.len(), 1, "a line with no units left is dropped");
    assert_eq!(p.products[0].sku, 22);
    let number = p.posting_number.to_string();
    assert_eq!(
        p.remove_units(22, 1, "брак"),
        Err(OrderError::WouldEmptyPosting {
            posting: number.clone()
        })
    );
    assert_eq!(
        p.remove_units(11, 1, "брак"),
        Err(OrderError::UnknownSku {
            posting: number.clone(),
            sku: 11
        })
    );

    let mut p = posting(Status::AwaitingPackaging);
    assert!(matches!(
        p.remove_units(11, 3, "x"),
        Err(OrderError::TooManyUnits { requested: 3, .. })
    ));
    assert!(matches!(
        p.remove_units(11, 0, "x"),
        Err(OrderError::ZeroQuantity { package: None, .. })
    ));
    assert!(matches!(
        p.remove_units(11, 1, "  "),
        Err(OrderError::ReasonRequired { .. })
    ));
    assert!(p.removed_units.is_empty());

    for status in all_statuses() {
        let mut p = posting(status.clone());
        let allowed = matches!(
            status,
            Status::AwaitingRegistration
                | Status::AwaitingApprove
                | Status::AwaitingPackaging
                | Status::AwaitingVerification
        );
        let result = p.remove_units(11, 1, "нет в наличии");
        assert_eq!(result.is_ok(), allowed, "remove units in {status}");
        if !allowed {
            assert!(matches!(
                result,
                Err(OrderError::IllegalTransition {
                    action: Action::RemoveUnits,
                    ..
                })
            ));
        }
    }
    // Removing and then packing: the split covers what is left.
    let mut p = posting(Status::AwaitingPackaging);
    p.remove_units(11, 1, "брак").unwrap();
    p.pack(&[Package::new([(11, 1)]), Package::new([(22, 1)])])
        .unwrap();
}

#[test]
fn passport_gate_blocks_pack_and_label_and_names_the_deadline() {
    let mut p = passport_posting();
    let deadline = t("2026-11-23T10:00:00Z");
    assert_eq!(p.passport_deadline(), Some(deadline));
    let err = p.pack(&[]).unwrap_err();
    assert_eq!(
        err,
        OrderError::PassportRequired {
            posting: p.posting_number.to_string(),
            action: Action::Pack,
            deadline: Some(deadline)
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("passport"), "{msg}");
    assert!(msg.contains("2026-11-23T10:00:00Z"), "{msg}");
    assert_eq!(p.status, Status::AwaitingPackaging);

    // Packed but still waiting (the API shows that too): no label, no hand-over.
    let mut packed = passport_posting();
    packed.status = Status::AwaitingDeliver;
    let before = t("2026-11-23T09:59:59Z");
    let reason = packed.labelable(before).unwrap_err().reason;
    assert_eq!(reason, NotLabelableReason::AwaitingPassport(Some(deadline)));
    assert!(matches!(
        packed.hand_over(before),
        Err(OrderError::PassportRequired {
            action: Action::HandOver,
            ..
        })
    ));
    assert_eq!(
        packed.labelable(deadline).unwrap_err().reason,
        NotLabelableReason::PassportDeadlinePassed(deadline)
    );
}

#[test]
fn passport_deadline_boundary() {
    let deadline = t("2026-11-23T10:00:00Z");
    let mut p = passport_posting();
    assert!(!p.apply_passport_deadline(deadline - Duration::seconds(1)));
    assert_eq!(p.status, Status::AwaitingPackaging);
    assert!(p.apply_passport_deadline(deadline));
    assert_eq!(p.status, Status::Cancelled);
    assert_eq!(p.substatus, Some(Substatus::PostingCanceled));
    let c = p.cancellation.as_ref().unwrap();
    assert_eq!(c.reason, NO_PASSPORT_REASON);
    assert_eq!(c.cancellation_type.as_deref(), Some("ozon"));
    // Once cancelled, nothing more happens.
    assert!(!p.apply_passport_deadline(deadline + Duration::seconds(1)));

    let mut p = passport_posting();
    assert!(p.apply_passport_deadline(deadline + Duration::seconds(1)));
    assert_eq!(p.status, Status::Cancelled);

    // Not waiting for a passport: the deadline does nothing.
    let mut p = posting(Status::AwaitingPackaging);
    assert_eq!(p.passport_deadline(), None);
    assert!(!p.apply_passport_deadline(deadline + Duration::days(30)));
    // Waiting without a known creation time: no deadline, gate still closed.
    let mut p = passport_posting();
    p.in_process_at = None;
    assert_eq!(p.passport_deadline(), None);
    assert!(!p.apply_passport_deadline(deadline));
    assert!(matches!(
        p.pack(&[]),
        Err(OrderError::PassportRequired { deadline: None, .. })
    ));
}

#[test]
fn passport_arrival_opens_the_gate() {
    let mut p = passport_posting();
    p.passport_received().unwrap();
    assert_eq!(p.substatus, Some(Substatus::PostingCreated));
    assert!(p.cross_border, "still a cross-border posting");
    assert_eq!(p.passport_deadline(), None);
    p.pack(&[]).unwrap();
    p.labelable(t("2026-12-01T00:00:00Z")).unwrap();
    assert_eq!(
        p.passport_received(),
        Err(OrderError::PassportNotAwaited {
            posting: p.posting_number.to_string()
        })
    );
    let mut p = passport_posting();
    assert!(p.apply_passport_deadline(t("2026-11-24T00:00:00Z")));
    assert!(matches!(
        p.passport_received(),
        Err(OrderError::IllegalTransition {
            action: Action::PassportReceived,
            ..
        })
    ));
}

#[test]
fn labelable_only_when_awaiting_deliver() {
    let now = t("2026-11-22T12:00:00Z");
    for status in all_statuses() {
        let p = posting(status.clone());
        let result = p.labelable(now);
        assert_eq!(
            result.is_ok(),
            status == Status::AwaitingDeliver,
            "{status}"
        );
        if let Err(e) = result {
            assert_eq!(e.posting_number, p.posting_number);
            assert!(
                e.to_string().contains(status.as_str())
                    || matches!(status, Status::CancelledFromSplitPending),
                "{e}"
            );
        }
    }
    let mut p = posting(Status::Cancelled);
    p.cancel(352, None).unwrap_err();
    p.cancellation = Some(Cancellation {
        reason_id: Some(352),
        reason: "Товар закончился".into(),
        cancellation_type: None,
        message: None,
        cancelled_after_ship: false,
    });
    assert_eq!(
        p.labelable(now).unwrap_err().to_string(),
        "posting 0132112277-0101-1: cancelled: Товар закончился"
    );
    let mut p = posting(Status::AwaitingDeliver);
    p.substatus = Some(Substatus::ShipFailed);
    assert_eq!(
        p.labelable(now).unwrap_err().reason,
        NotLabelableReason::ShipFailed
    );
    let p = posting(Status::AwaitingPackaging);
    assert_eq!(
        p.labelable(now).unwrap_err().reason,
        NotLabelableReason::NotPacked(Status::AwaitingPackaging)
    );
}

#[test]
fn shipments_are_labelable_with_their_posting() {
    let now = t("2026-11-22T12:00:00Z");
    let mut p = posting(Status::AwaitingPackaging);
    p.pack(&[Package::new([(11, 2)]), Package::new([(22, 1)])])
        .unwrap();
    assert_eq!(p.shipment_labelable(2, now).unwrap().package_number, 2);
    assert_eq!(
        p.shipment_labelable(3, now).unwrap_err().reason,
        NotLabelableReason::NoSuchShipment(3)
    );
    p.cancel(352, None).unwrap();
    assert!(matches!(
        p.shipment_labelable(1, now).unwrap_err().reason,
        NotLabelableReason::Cancelled(_)
    ));
}

#[test]
fn cost_is_exact_with_many_decimals() {
    let mut p = posting(Status::AwaitingPackaging);
    p.products = vec![
        product(1, 3, "0.1"),
        product(2, 7, "1390.123456789"),
        product(3, 1, "0.0000000001"),
    ];
    let cost = p.cost().unwrap();
    assert_eq!(cost.amount.to_string(), "9731.1641975231");
    assert_eq!(cost.currency, "RUB");
    assert_eq!(
        p.products[1].cost().unwrap().amount_string(),
        "9730.864197523"
    );
    p.pack(&[Package::new([(1, 3), (3, 1)]), Package::new([(2, 7)])])
        .unwrap();
    let parts: Vec<Money> = p
        .shipments
        .iter()
        .map(|s| s.cost().unwrap().unwrap())
        .collect();
    assert_eq!(parts[0].plus(&parts[1]).unwrap(), cost);

    p.products.push(Product {
        price: Money::parse("5", "BYN").unwrap(),
        ..product(4, 1, "5")
    });
    let err = p.cost().unwrap_err();
    assert!(matches!(
        err,
        OrderError::Cost {
            source: crate::order::MoneyError::MixedCurrencies(_, _),
            ..
        }
    ));
    assert_eq!(p.currency(), None);
    p.products.clear();
    assert!(matches!(p.cost(), Err(OrderError::NoProducts { .. })));
}

proptest! {
    /// Any valid split (every unit assigned to one of up to five packages, no package empty) packs,
    /// and the shipments together hold every unit of every SKU exactly once.
    #[test]
    fn any_valid_split_keeps_every_unit_once(
        quantities in prop::collection::vec(1u32..6, 1..5),
        seeds in prop::collection::vec(0usize..5, 30),
    ) {
        let mut p = posting(Status::AwaitingPackaging);
        // SKUs repeat over lines (at most three distinct) with different prices, so a split that
        // took units from the wrong line would change the cost.
        p.products = quantities
            .iter()
            .enumerate()
            .map(|(i, &q)| product(100 + (i % 3) as i64, q, &format!("1.{i}1")))
            .collect();
        // Assign each unit to a package by the seeds, then number the used packages densely.
        let mut assignment: Vec<(i64, usize)> = Vec::new();
        let mut k = 0;
        for pr in &p.products {
            for _ in 0..pr.quantity {
                assignment.push((pr.sku, seeds[k % seeds.len()]));
                k += 1;
            }
        }
        let mut used: Vec<usize> = assignment.iter().map(|&(_, b)| b).collect();
        used.sort_unstable();
        used.dedup();
        let packages: Vec<Package> = used
            .iter()
            .map(|&b| {
                Package::new(assignment.iter().filter(|&&(_, x)| x == b).map(|&(sku, _)| (sku, 1)))
            })
            .collect();
        let cost_before = p.cost().unwrap();
        let before = p.clone();
        let shipments = p.pack(&packages).unwrap().to_vec();
        prop_assert_eq!(shipments.len(), packages.len());
        for pr in &before.products {
            let total: u32 = shipments
                .iter()
                .flat_map(|s| &s.products)
                .filter(|x| x.sku == pr.sku)
                .map(|x| x.quantity)
                .sum();
            let expected: u32 = before.products.iter().filter(|x| x.sku == pr.sku).map(|x| x.quantity).sum();
            prop_assert_eq!(total, expected);
        }
        for s in &shipments {
            prop_assert!(s.products.iter().map(|x| x.quantity).sum::<u32>() > 0);
        }
        let mut sum = Money::zero("RUB").unwrap();
        for s in &shipments {
            sum = sum.plus(&s.cost().unwrap().unwrap()).unwrap();
        }
        prop_assert_eq!(sum, cost_before);
    }

    /// Moving one unit into a second package on top of a valid split is always refused.
    #[test]
    fn an_extra_unit_is_always_refused(q in 1u32..6, extra_sku in 0usize..2) {
        let mut p = posting(Status::AwaitingPackaging);
        p.products = vec![product(11, q, "2"), product(22, 1, "3")];
        let sku = [11, 22][extra_sku];
        let packages = [Package::new([(11, q), (22, 1)]), Package::new([(sku, 1)])];
        let is_overlap = matches!(p.pack(&packages), Err(OrderError::UnitInTwoShipments { .. }));
        prop_assert!(is_overlap);
        prop_assert_eq!(p.status.clone(), Status::AwaitingPackaging);
    }
}

#[test]
fn split_over_repeated_sku_lines_keeps_prices_and_marks_with_their_units() {
    let mut p = posting(Status::AwaitingPackaging);
    let mut cheap = product(11, 1, "10");
    cheap.marking_codes = vec!["MARK-A".into()];
    let mut dear = product(11, 2, "12");
    dear.marking_codes = vec!["MARK-B".into(), "MARK-C".into()];
    p.products = vec![cheap, dear];
    p.pack(&[Package::new([(11, 2)]), Package::new([(11, 1)])])
        .unwrap();
    let first = &p.shipments[0].products;
    assert_eq!(first.len(), 2);
    assert_eq!(
        (first[0].quantity, first[0].price.amount.to_string()),
        (1, "10".into())
    );
    assert_eq!(
        (first[1].quantity, first[1].price.amount.to_string()),
        (1, "12".into())
    );
    assert_eq!(first[0].marking_codes, ["MARK-A"]);
    assert_eq!(first[1].marking_codes, ["MARK-B"]);
    let second = &p.shipments[1].products;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].price.amount.to_string(), "12");
    assert_eq!(second[0].marking_codes, ["MARK-C"]);
    assert_eq!(
        p.shipments[0].cost().unwrap().unwrap().amount_string(),
        "22.00"
    );
    assert_eq!(
        p.shipments[1].cost().unwrap().unwrap().amount_string(),
        "12.00"
    );
}

fn in_transit(integration: Option<&str>) -> Posting {
    let mut p = posting(Status::Delivering);
    p.substatus = Some(Substatus::PostingTransferredToCourierService);
    p.tpl_integration_type = integration.map(str::to_owned);
    p
}

/// Issue 8: in-transit postings shipped by Ozon cannot be cancelled; those the seller ships itself
/// can, with a reason.
#[test]
fn in_transit_cancellation_depends_on_who_ships() {
    for reason in [402, 665, 666, 667] {
        let mut ozon = in_transit(Some("ozon"));
        let before = ozon.clone();
        let e = ozon.cancel(reason, Some("курьер попал в ДТП")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "posting 0132112277-0101-1: in transit with Ozon's logistics; a posting Ozon ships cannot be cancelled by the seller once handed over"
        );
        assert_eq!(ozon, before);
    }
    // Spelling of the integration type does not matter.
    let mut ozon = in_transit(Some(" OZON "));
    assert!(matches!(
        ozon.cancel(667, None),
        Err(OrderError::OzonInTransit { .. })
    ));
    // Before the handover an Ozon-shipped posting is the seller's to cancel.
    let mut packed = in_transit(Some("ozon"));
    packed.status = Status::AwaitingDeliver;
    packed.cancel(352, None).unwrap();
    assert_eq!(packed.status, Status::Cancelled);

    for integration in [
        None,
        Some("non_integrated"),
        Some("aggregator"),
        Some("hybryd"),
    ] {
        let mut own = in_transit(integration);
        // Reason 402 needs the message; out of stock is not a reason once shipped.
        assert!(matches!(
            own.cancel(402, None),
            Err(OrderError::MessageRequired { .. })
        ));
        assert!(matches!(
            own.cancel(352, None),
            Err(OrderError::CancelReasonNotAllowed { .. })
        ));
        own.cancel(402, Some("курьер попал в ДТП, товар повреждён"))
            .unwrap();
        assert_eq!(own.status, Status::Cancelled);
        let c = own.cancellation.as_ref().unwrap();
        assert!(c.cancelled_after_ship);
        assert_eq!(
            c.message.as_deref(),
            Some("курьер попал в ДТП, товар повреждён")
        );
        let mut lost = in_transit(integration);
        lost.cancel(667, None).unwrap();
        assert_eq!(lost.status, Status::Cancelled);
    }
}

#[test]
fn presumably_delivered_cannot_be_cancelled() {
    for integration in [None, Some("non_integrated"), Some("ozon")] {
        let mut done = in_transit(integration);
        done.substatus = Some(Substatus::PostingConditionallyDelivered);
        let before = done.clone();
        let e = done.cancel(665, None).unwrap_err();
        if integration == Some("ozon") {
            assert!(matches!(e, OrderError::OzonInTransit { .. }));
        } else {
            assert_eq!(
                e.to_string(),
                "posting 0132112277-0101-1: presumably delivered (substatus posting_conditionally_delivered); it can no longer be cancelled"
            );
        }
        assert_eq!(done, before);
    }
}
