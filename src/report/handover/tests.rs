use super::*;
use crate::order::{Product, Status, Substatus};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn packed(i: usize) -> Posting {
    let mut p = Posting::new(
        format!("01{i:08}-0001-1").parse().unwrap(),
        Status::AwaitingDeliver,
    );
    p.delivery_method.warehouse = Some("Склад Подольск Северный".into());
    p.delivery_method.tpl_provider = Some("Доставка Ozon".into());
    p.products.push(Product {
        sku: 1,
        offer_id: "A".into(),
        name: "Носки".into(),
        price: Money::parse("390.15", "RUB").unwrap(),
        quantity: 2,
        marking_codes: Vec::new(),
    });
    p
}

fn sheet(n: usize) -> HandoverSheet {
    let postings: Vec<Posting> = (0..n).map(packed).collect();
    HandoverSheet::from_postings(
        &postings,
        "ООО «Ромашка»",
        date(),
        t("2026-11-23T08:00:00Z"),
    )
    .unwrap()
    .0
}

#[test]
fn postings_that_cannot_be_handed_over_are_skipped_with_the_reason() {
    let mut unpacked = packed(1);
    unpacked.status = Status::AwaitingPackaging;
    let mut passport = packed(2);
    passport.substatus = Some(Substatus::PostingAwaitingPassportData);
    let mut multi = packed(3);
    multi.is_multibox = true;
    multi.multi_box_qty = 3;
    let (sheet, skipped) = HandoverSheet::from_postings(
        &[packed(0), unpacked, passport, multi],
        "  Seller ",
        date(),
        t("2026-11-23T08:00:00Z"),
    )
    .unwrap();
    let numbers: Vec<&str> = sheet
        .rows
        .iter()
        .map(|r| r.posting_number.as_str())
        .collect();
    assert_eq!(numbers, ["0100000000-0001-1", "0100000003-0001-1"]);
    assert_eq!(sheet.seller, "Seller");
    assert_eq!(sheet.total_boxes(), 4);
    assert_eq!(sheet.total_items(), 4);
    assert_eq!(sheet.warehouse, "Склад Подольск Северный");
    assert_eq!(skipped.len(), 2);
    assert!(
        skipped[0]
            .reason
            .contains("cannot hand over in status awaiting_packaging"),
        "{}",
        skipped[0].reason
    );
    assert!(
        skipped[1].reason.contains("passport"),
        "{}",
        skipped[1].reason
    );
    let e = HandoverSheet::from_postings(&[], "", date(), t("2026-11-23T08:00:00Z")).unwrap_err();
    assert_eq!(e.to_string(), "no posting can be handed over (0 skipped)");
}

#[test]
fn totals_are_exact() {
    let s = sheet(250);
    let totals = s.total_cost().unwrap();
    assert_eq!(totals.len(), 1);
    // 250 × 2 × 390.15
    assert_eq!(totals[0].to_string(), "195075.00 RUB");
    assert_eq!(group("195075.00"), "195 075.00");
    assert_eq!(group("5.10"), "5.10");
    assert_eq!(group("1234567"), "1 234 567");
}

#[test]
fn pages_hold_every_row_once_and_close_on_the_last() {
    for n in [1, 10, 11, 12, 15, 16, 17, 250] {
        let s = sheet(n);
        let pages = s.pages();
        let mut seen = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            assert_eq!(p.number, i + 1);
            seen.extend(p.rows.clone());
            assert_eq!(p.closing, i + 1 == pages.len(), "n={n} page {}", p.number);
        }
        assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n={n}");
        // Everything fits on the page: the last row's bottom above the footer, closing block too.
        let body = PAGE_H - 2.0 * MARGIN - HEAD_H - TABLE_HEAD_H - FOOT_H;
        for p in &pages {
            let used = p.rows.len() as f64 * ROW_H + if p.closing { CLOSING_H } else { 0.0 };
            assert!(
                used <= body + 1e-9,
                "n={n} page {} uses {used} of {body}",
                p.number
            );
        }
    }
    assert!(sheet(250).pages().len() >= 10);
}

#[test]
fn scenes_repeat_the_header_and_carry_a_barcode_per_row() {
    let s = sheet(40);
    let scenes = s.scenes().unwrap();
    let pages = s.pages();
    assert_eq!(scenes.len(), pages.len());
    for (scene, page) in scenes.iter().zip(&pages) {
        let text = scene.text_lines();
        assert!(text.iter().any(|l| l == "Акт приёма-передачи отправлений"));
        assert!(
            text.iter().any(|l| l == "Номер отправления"),
            "table header on page {}",
            page.number
        );
        assert!(text
            .iter()
            .any(|l| l == &format!("Лист {} из {}", page.number, pages.len())));
        let values: Vec<&str> = scene.barcodes().map(|b| b.value.as_str()).collect();
        let expected: Vec<&str> = page
            .rows
            .clone()
            .map(|i| s.rows[i].posting_number.as_str())
            .collect();
        assert_eq!(values, expected);
        for b in scene.barcodes() {
            assert!(
                b.module_dots.unwrap() >= 3,
                "module {} dots",
                b.module_dots.unwrap()
            );
            assert!(b.bounds.right() <= COLUMNS[2].0 + COLUMNS[2].1 + 1e-9);
        }
    }
    let last = scenes.last().unwrap().text_lines();
    assert!(last.contains(&"Всего отправлений: 40".to_owned()));
    assert!(last.contains(&"Общая объявленная стоимость: 31 212.00 RUB".to_owned()));
}
