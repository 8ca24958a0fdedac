use super::*;
use crate::order::{Money, Posting, Product};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn product(price: &str, currency: &str, quantity: u32) -> Product {
    Product {
        sku: 1,
        offer_id: "X".into(),
        name: "Товар".into(),
        price: Money::parse(price, currency).unwrap(),
        quantity,
        marking_codes: Vec::new(),
    }
}

fn delivered(n: &str, at: &str, lines: Vec<Product>) -> Posting {
    let mut p = Posting::new(n.parse().unwrap(), Status::Delivered);
    p.delivered_at = Some(t(at));
    p.products = lines;
    p
}

fn fixture() -> Vec<Posting> {
    let mut cancelled = Posting::new("C-0001-1".parse().unwrap(), Status::Cancelled);
    cancelled.in_process_at = Some(t("2026-11-20T10:00:00Z"));
    let mut disputed = Posting::new("D-0001-1".parse().unwrap(), Status::ClientArbitration);
    disputed.delivering_date = Some(t("2026-11-21T10:00:00Z"));
    let mut in_transit = Posting::new("T-0001-1".parse().unwrap(), Status::Delivering);
    in_transit.delivering_date = Some(t("2026-11-21T10:00:00Z"));
    in_transit.products = vec![product("100", "RUB", 1)];
    vec![
        // 0.1 × 3 + 0.2 × 3 must be exactly 0.9; 1390.005 keeps its third decimal.
        delivered(
            "A-0001-1",
            "2026-11-20T08:00:00Z",
            vec![product("0.1", "RUB", 3)],
        ),
        delivered(
            "A-0002-1",
            "2026-11-20T20:59:59Z",
            vec![product("0.2", "RUB", 3)],
        ),
        // 21:00Z is already the 21st in Moscow; 1390.005 × 2 + 279.9999 = 3060.0099.
        delivered(
            "A-0003-1",
            "2026-11-20T21:00:00Z",
            vec![product("1390.005", "RUB", 2), product("279.9999", "RUB", 1)],
        ),
        delivered(
            "K-0001-1",
            "2026-11-21T09:00:00Z",
            vec![product("4500", "KZT", 2)],
        ),
        cancelled,
        disputed,
        in_transit,
    ]
}

#[test]
fn totals_per_day_and_currency_are_exact() {
    let r = sales_report(&fixture(), None, None).unwrap();
    assert_eq!(r.delivered, 4);
    assert_eq!(r.items, 3 + 3 + 3 + 2);
    assert_eq!((r.cancelled, r.disputed), (1, 1));
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    type DayRow = (Option<NaiveDate>, u64, Vec<(String, String)>, u64, u64);
    let days: Vec<DayRow> = r
        .days
        .iter()
        .map(|d| {
            (
                d.date,
                d.delivered,
                d.revenue
                    .iter()
                    .map(|a| (a.currency.clone(), a.amount.clone()))
                    .collect(),
                d.cancelled,
                d.disputed,
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            (
                Some(day("2026-11-20")),
                2,
                vec![("RUB".into(), "0.90".into())],
                1,
                0
            ),
            (
                Some(day("2026-11-21")),
                2,
                vec![
                    ("KZT".into(), "9000.00".into()),
                    ("RUB".into(), "3060.0099".into())
                ],
                0,
                1
            ),
        ]
    );
    let totals: Vec<(&str, &str)> = r
        .revenue
        .iter()
        .map(|a| (a.currency.as_str(), a.amount.as_str()))
        .collect();
    assert_eq!(totals, [("KZT", "9000.00"), ("RUB", "3060.9099")]);
}

#[test]
fn range_is_inclusive_and_drops_undated_postings() {
    let mut postings = fixture();
    postings.push(Posting::new("U-0001-1".parse().unwrap(), Status::Cancelled));
    let all = sales_report(&postings, None, None).unwrap();
    assert_eq!(all.cancelled, 2);
    assert_eq!(all.days.last().and_then(|d| d.date), None, "undated last");
    let day = NaiveDate::parse_from_str("2026-11-21", "%Y-%m-%d").unwrap();
    let r = sales_report(&postings, Some(day), Some(day)).unwrap();
    assert_eq!(r.delivered, 2);
    assert_eq!(r.cancelled, 0);
    assert_eq!(r.days.len(), 1);
    let r = sales_report(&postings, None, Some(day.pred_opt().unwrap())).unwrap();
    assert_eq!(r.delivered, 2);
    assert_eq!(r.revenue[0].amount, "0.90");
}

#[test]
fn a_delivered_posting_without_a_cost_is_an_error_naming_it() {
    let mixed = delivered(
        "M-0001-1",
        "2026-11-20T08:00:00Z",
        vec![product("1", "RUB", 1), product("1", "USD", 1)],
    );
    let e = sales_report(&[mixed], None, None).unwrap_err();
    assert!(e.to_string().starts_with("posting M-0001-1: cost:"), "{e}");
}

#[test]
fn csv_has_a_row_per_day_and_currency_and_totals() {
    let r = sales_report(&fixture(), None, None).unwrap();
    assert_eq!(
        r.to_csv(),
        "date,currency,revenue,delivered,items,cancelled,disputed\n\
         2026-11-20,RUB,0.90,2,6,1,0\n\
         2026-11-21,KZT,9000.00,2,5,0,1\n\
         2026-11-21,RUB,3060.0099,2,5,0,1\n\
         total,KZT,9000.00,4,11,1,1\n\
         total,RUB,3060.9099,4,11,1,1\n"
    );
}
