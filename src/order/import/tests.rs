//! Importer tests: every shape, the documented traps, and the error positions.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::*;
use crate::order::{Status, Substatus};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn v3_list_sample_imports_every_posting() {
    let postings = load_file(&data("ozon_v3_list.json")).unwrap();
    let numbers: Vec<&str> = postings.iter().map(|p| p.posting_number.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "0132112277-0101-1",
            "0163799058-0084-1",
            "0124861120-0199-1",
            "0187365412-0047-2",
            "0249917350-0012-1",
            "0187365412-0047-3"
        ]
    );
    let p = &postings[0];
    assert_eq!(p.order_id, Some(35566798085));
    assert_eq!(p.order_number, "0132112277-0101");
    assert_eq!(p.status, Status::AwaitingDeliver);
    assert_eq!(p.substatus, Some(Substatus::PostingNotInCarriage));
    assert_eq!(p.upper_barcode.as_deref(), Some("%101%806044518"));
    assert_eq!(p.lower_barcode.as_deref(), Some("23024930500000"));
    assert_eq!(p.tracking_number, None);
    assert_eq!(p.parent_posting_number, None);
    assert_eq!(p.cancellation, None);
    assert_eq!(
        p.delivery_method.warehouse.as_deref(),
        Some("Склад Подольск Северный")
    );
    assert_eq!(p.delivery_method.warehouse_id, Some(1020001234567000));
    assert_eq!(p.tpl_integration_type.as_deref(), Some("ozon"));
    assert_eq!(p.mark_required_skus, [1745203311]);
    assert_eq!(p.products.len(), 2);
    assert_eq!(p.products[0].price.amount, dec("2490.0000"));
    assert_eq!(p.products[0].price.currency, "RUB");
    assert_eq!(
        p.products[0].marking_codes,
        ["0104601234567893215Ab3dE9fGhIjK"]
    );
    assert_eq!(p.products[1].quantity, 2);
    assert_eq!(
        p.in_process_at.unwrap().to_rfc3339(),
        "2026-11-21T08:15:42+00:00"
    );

    // Requirement ids written as strings are read like numbers.
    assert_eq!(postings[1].mark_required_skus, [2009876543]);
    let passport = &postings[2];
    assert!(passport.cross_border);
    assert!(passport.awaiting_passport());
    assert_eq!(passport.upper_barcode, None);
    assert_eq!(passport.products[0].sku, 3012345678901);
    let cancelled = &postings[3];
    let c = cancelled.cancellation.as_ref().unwrap();
    assert_eq!(c.reason_id, Some(352));
    assert_eq!(c.cancellation_type.as_deref(), Some("seller"));
    assert_eq!(
        cancelled.parent_posting_number.as_deref(),
        Some("0187365412-0047-1")
    );
    let multibox = &postings[4];
    assert!(multibox.is_multibox);
    assert_eq!(multibox.multi_box_qty, 3);
    assert_eq!(multibox.tracking_number.as_deref(), Some("ДЛ-5501237788"));
    assert!(postings[5].is_express);
}
