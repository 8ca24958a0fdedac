//! 10,000 Ozon labels to one PDF (the batch the README's performance figures are about), and one label
//! to a 203-dpi bitmap (what a printer job needs).
//!
//! The postings are made here, shaped like `gen_postings.py`'s: Code 128 upper and lower barcodes,
//! Cyrillic delivery method and warehouse, one to four products.

use criterion::{criterion_group, criterion_main, Criterion};
use shiplabel::order::{DeliveryMethod, Money, Posting, Product, Status};
use shiplabel::template::Template;

fn postings(n: u64) -> Vec<Posting> {
    let mut state: u64 = 20261123;
    let mut next = move |modulo: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % modulo
    };
    (0..n)
        .map(|i| {
            let order = 10_000_000 + i * 7919 % 89_999_999;
            let number = format!("{order:08}-{:04}-{}", 1 + next(9999), 1 + i % 3);
            let mut p = Posting::new(&number, Status::AwaitingDeliver);
            p.delivery_method = DeliveryMethod {
                name: Some("Ozon Логистика самостоятельно, Москва".into()),
                warehouse: Some("Склад на Ленина".into()),
                tpl_provider: Some("Ozon Логистика".into()),
                ..DeliveryMethod::default()
            };
            p.shipment_date = chrono::DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
                .ok()
                .map(|d| d.to_utc());
            p.upper_barcode = Some(format!("%101%{}", 100_000_000_000 + next(900_000_000_000)));
            p.lower_barcode = Some(format!("{}", 10_000_000_000_000 + next(90_000_000_000_000)));
            for k in 0..1 + next(4) {
                p.products.push(Product {
                    sku: 100_000_000 + next(1_900_000_000) as i64,
                    offer_id: format!("ART-{}-{k}", 1000 + next(99_000)),
                    name: "Термокружка 450 мл".into(),
                    price: Money::zero("RUB").expect("RUB is a currency"),
                    quantity: 1 + next(5) as u32,
                    marking_codes: Vec::new(),
                });
            }
            p
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let template = Template::builtin("ozon-fbs").expect("built-in template");
    let batch = postings(10_000);
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    group.bench_function("pdf_10000_ozon_labels", |b| {
        b.iter(|| {
            let (_, report) =
                shiplabel::render_pdf_to(&batch, &template, &Default::default(), std::io::sink())
                    .expect("renders");
            assert_eq!(report.labels, 10_000);
        })
    });
    group.bench_function("bitmap_1_label_203dpi", |b| {
        b.iter(|| shiplabel::label_bitmap(&batch[0], &template, 203).expect("renders"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
