use chrono::{DateTime, Utc};

use super::*;
use crate::order::{Posting, Substatus};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn seller_posting(integration: &str, provider: &str) -> Posting {
    let mut p = Posting::new("0249917350-0012-1".parse().unwrap(), Status::Delivering);
    p.substatus = Some(Substatus::PostingTransferredToCourierService);
    p.tpl_integration_type = Some(integration.to_owned());
    p.delivery_method.tpl_provider = Some(provider.to_owned());
    p
}

/// Check digits worked out by hand from the UPU weights (8 6 4 2 3 5 9 7).
#[test]
fn s10_check_digits_match_worked_examples() {
    // 4*8+7*6+3*4+5*2+6*3+2*5+7*9+4*7 = 215; 215 mod 11 = 6; 11-6 = 5.
    assert_eq!(s10_check_digit(b"47356274"), 5);
    // 1*8+2*6+3*4+4*2+5*3+6*5+7*9+8*7 = 204; 204 mod 11 = 6 → 5.
    assert_eq!(s10_check_digit(b"12345678"), 5);
    // 0 everywhere: sum 0 → 11 → 5.
    assert_eq!(s10_check_digit(b"00000000"), 5);
    // 00000001: 7 → 4.
    assert_eq!(s10_check_digit(b"00000001"), 4);
    // 00000010: 9 mod 11 = 9 → 2; 00000003: 21 mod 11 = 10 → 1; 00000004: 28 mod 11 = 6 → 5;
    // 00000100: 5 → 6; 00000020: 18 mod 11 = 7 → 4; 01000000: 6 → 5; 00000002: 14 mod 11 = 3 → 8.
    assert_eq!(s10_check_digit(b"00000010"), 2);
    assert_eq!(s10_check_digit(b"00000003"), 1);
    assert_eq!(s10_check_digit(b"00000002"), 8);
    // 10000000 + 00000001: 8 + 7 = 15 mod 11 = 4 → 7. 20000000+00000004: 16+28 = 44 mod 11 = 0 → 11 → 5.
    assert_eq!(s10_check_digit(b"10000001"), 7);
    assert_eq!(s10_check_digit(b"20000004"), 5);
    // 00000101: 5 + 7 = 12 mod 11 = 1 → 10 → 0.
    assert_eq!(s10_check_digit(b"00000101"), 0);
}

#[test]
fn russian_post_accepts_14_digits_and_valid_s10() {
    let c = Carrier::RussianPost;
    c.validate("80085312345678").unwrap();
    c.validate("RA473562745RU").unwrap();
    c.validate("RA123456785RU").unwrap();
    c.validate("RB000001010RU").unwrap();
    let e = c.validate("RA473562746RU").unwrap_err();
    assert_eq!(e, "S10 check digit is 6, the serial 47356274 needs 5");
    assert!(c.validate("8008531234567").is_err(), "13 digits");
    assert!(c.validate("800853123456789").is_err(), "15 digits");
    assert!(c.validate("ra473562745ru").is_err(), "lower case");
    assert!(c.validate("R4735627455RU").is_err());
}

#[test]
fn cdek_is_numeric_and_others_are_free_text() {
    Carrier::Cdek.validate("1234567890").unwrap();
    assert_eq!(
        Carrier::Cdek.validate("12345A7890").unwrap_err(),
        "CDEK numbers are 6 to 14 digits"
    );
    assert!(Carrier::Cdek.validate("12345").is_err());
    Carrier::Other.validate("DPD-77/AB12").unwrap();
    Carrier::Other.validate("123123123").unwrap();
    assert_eq!(
        Carrier::Other.validate("AB 12").unwrap_err(),
        "character ' ' at position 3 is not allowed"
    );
    assert!(Carrier::Other.validate(&"X".repeat(65)).is_err());
}

#[test]
fn carrier_is_detected_from_integration_and_provider_names() {
    assert_eq!(
        Carrier::of(&seller_posting("hybryd", "")),
        Carrier::RussianPost
    );
    assert_eq!(
        Carrier::of(&seller_posting("3pl_tracking", "Почта России")),
        Carrier::RussianPost
    );
    assert_eq!(
        Carrier::of(&seller_posting("aggregator", "СДЭК")),
        Carrier::Cdek
    );
    assert_eq!(
        Carrier::of(&seller_posting(
            "non_integrated",
            "Собственная служба доставки"
        )),
        Carrier::Other
    );
}

#[test]
fn ozon_delivered_posting_refuses_a_manual_number() {
    let mut p = seller_posting("ozon", "Доставка Ozon");
    let e = p.set_tracking_number("123123123").unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0249917350-0012-1: delivered by Ozon (tpl_integration_type ozon): Ozon assigns the tracking number, a manual one is refused"
    );
    assert_eq!(p.tracking_number, None);
}

#[test]
fn set_then_change_keeps_history_in_order() {
    let mut p = seller_posting("hybryd", "Почта России");
    p.set_tracking_number(" 80085312345678 ").unwrap();
    assert_eq!(p.tracking_number.as_deref(), Some("80085312345678"));
    // A second set must be a change.
    assert!(matches!(
        p.set_tracking_number("RA473562745RU"),
        Err(TrackingError::AlreadySet { .. })
    ));
    // A change needs a reason.
    assert!(matches!(
        p.change_tracking_number("RA473562745RU", "  ", t("2026-11-23T10:00:00Z")),
        Err(TrackingError::ReasonRequired { .. })
    ));
    // Same number is not a change.
    assert!(matches!(
        p.change_tracking_number("80085312345678", "typo", t("2026-11-23T10:00:00Z")),
        Err(TrackingError::Unchanged { .. })
    ));
    // An invalid number is refused with the carrier's rule and changes nothing.
    let e = p
        .change_tracking_number("RA473562746RU", "relabelled", t("2026-11-23T10:00:00Z"))
        .unwrap_err();
    assert!(e.to_string().contains("not valid for Russian Post"), "{e}");
    assert!(p.tracking_history.is_empty());
    p.change_tracking_number(
        "RA473562745RU",
        "parcel relabelled",
        t("2026-11-23T10:00:00Z"),
    )
    .unwrap();
    p.change_tracking_number("80085399999999", "sent again", t("2026-11-23T12:00:00Z"))
        .unwrap();
    assert_eq!(p.tracking_number.as_deref(), Some("80085399999999"));
    let history: Vec<(&str, &str, &str)> = p
        .tracking_history
        .iter()
        .map(|c| (c.old.as_str(), c.new.as_str(), c.reason.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("80085312345678", "RA473562745RU", "parcel relabelled"),
            ("RA473562745RU", "80085399999999", "sent again"),
        ]
    );
}

#[test]
fn change_without_a_number_and_after_delivery_are_refused() {
    let mut p = seller_posting("non_integrated", "Курьер продавца");
    assert!(matches!(
        p.change_tracking_number("X1", "r", t("2026-11-23T10:00:00Z")),
        Err(TrackingError::NotSet { .. })
    ));
    assert!(matches!(
        p.set_tracking_number(""),
        Err(TrackingError::Empty { .. })
    ));
    p.status = Status::Delivered;
    let e = p.set_tracking_number("X1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "posting 0249917350-0012-1: cannot set a tracking number in status delivered"
    );
}
