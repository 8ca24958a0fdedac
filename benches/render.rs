//! The label pipeline stage by stage, on 10,000 Ozon postings shaped like `benches/compare/gen_postings.py`
//! makes them (Code 128 upper and lower barcodes, Cyrillic delivery method and warehouse, one to four
//! products), and the whole library path (postings in memory → PDF bytes) the README quotes.
//!
//! Run: `cargo bench --bench render`. Stages (each on one thread unless it says so):
//! - `parse_10000_json`: the Seller API JSON text → postings (`order::parse_json`);
//! - `compose_10000`: postings → composed scenes;
//! - `pdf_10000_scenes`: composed scenes → PDF bytes;
//! - `pdf_10000_ozon_labels`: postings → PDF bytes, the batch function on all cores (the library path);
//! - `png_100_labels_all_cores`: 100 postings to PNG files' bytes, the batch function on all cores;
//! - `bitmap_1_label_203dpi`: one composed label to a 1-bit bitmap (what a printer job starts from);
//! - `png_encode_1_label_203dpi`: that bitmap to PNG bytes.
//!
//! The printer encoders (bitmap → ESC/POS, TSPL, ZPL) are `cargo bench --bench printer`.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shiplabel::render::{rasterize, PdfOptions, PdfWriter};
use shiplabel::template::Template;
use shiplabel::{posting_labels, render_pdf_to, render_png_files, RenderOptions};

/// `n` postings as `/v3/posting/fbs/list` JSON, deterministic.
fn postings_json(n: u64) -> String {
    let mut state: u64 = 20261123;
    let mut next = move |modulo: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % modulo
    };
    let names = [
        "Чехол для смартфона силиконовый",
        "Кабель USB-C 2 м",
        "Термокружка 450 мл",
        "Набор отвёрток 24 в 1",
        "Фонарь налобный светодиодный",
    ];
    let mut out = String::from(r#"{"result":{"postings":["#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let order = 10_000_000 + i * 7919 % 89_999_999;
        let mut products = String::new();
        for k in 0..1 + next(4) {
            if k > 0 {
                products.push(',');
            }
            let _ = write!(
                products,
                r#"{{"price":"{}.00","offer_id":"ART-{}-{k}","name":"{}","sku":{},"quantity":{},"mandatory_mark":[],"currency_code":"RUB"}}"#,
                90 + next(99_000),
                1000 + next(99_000),
                names[next(5) as usize],
                100_000_000 + next(1_900_000_000),
                1 + next(5)
            );
        }
        let _ = write!(
            out,
            r#"{{"posting_number":"{order:08}-{:04}-{}","order_id":{},"order_number":"{order:08}-{:04}","status":"awaiting_deliver","substatus":"posting_created","delivery_method":{{"id":21321684811000,"name":"Ozon Логистика самостоятельно, Москва","warehouse_id":21321684811000,"warehouse":"Склад на Ленина","tpl_provider_id":24,"tpl_provider":"Ozon Логистика"}},"tracking_number":"","tpl_integration_type":"ozon","in_process_at":"2026-11-{:02}T10:{:02}:00Z","shipment_date":"2026-11-{:02}T14:00:00Z","delivering_date":null,"cancellation":{{"cancel_reason_id":0,"cancel_reason":"","cancellation_type":"","cancelled_after_ship":false,"affect_cancellation_rating":false,"cancellation_initiator":""}},"customer":null,"products":[{products}],"addressee":null,"barcodes":{{"upper_barcode":"%101%{}","lower_barcode":"{}"}},"analytics_data":null,"financial_data":null,"is_express":false,"requirements":{{"products_requiring_gtd":[],"products_requiring_country":[],"products_requiring_mandatory_mark":[],"products_requiring_rnpt":[]}},"is_multibox":false,"multi_box_qty":1,"parent_posting_number":""}}"#,
            1 + next(9999),
            1 + i % 3,
            30_000_000_000 + i,
            1 + next(9999),
            1 + i % 28,
            i % 60,
            1 + (i + 1) % 28,
            100_000_000_000 + next(900_000_000_000),
            10_000_000_000_000 + next(90_000_000_000_000),
        );
    }
    out.push_str(r#"],"has_next":false}}"#);
    out
}

fn bench(c: &mut Criterion) {
    let template = Template::builtin("ozon-fbs").expect("built-in template");
    let json = postings_json(10_000);
    let batch =
        shiplabel::order::parse_json("bench.json", &json).expect("the bench postings parse");
    assert_eq!(batch.len(), 10_000);
    // The postings' shipment dates are in November 2026: judge them then (the passport gate).
    let options = RenderOptions {
        now: "2026-11-01T00:00:00Z".parse().ok(),
        ..RenderOptions::default()
    };
    let scenes: Vec<_> = batch
        .iter()
        .flat_map(|p| posting_labels(p, &template, &options).expect("composes"))
        .map(|l| l.composed.scene)
        .collect();
    assert_eq!(scenes.len(), 10_000);

    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    group.bench_function("parse_10000_json", |b| {
        b.iter(|| shiplabel::order::parse_json("bench.json", black_box(&json)).expect("parses"))
    });
    group.bench_function("compose_10000", |b| {
        b.iter(|| {
            for posting in &batch {
                black_box(posting_labels(posting, &template, &options).expect("composes"));
            }
        })
    });
    group.bench_function("pdf_10000_scenes", |b| {
        b.iter(|| {
            let mut pdf = PdfWriter::new(Vec::new(), PdfOptions::default()).expect("in memory");
            for scene in &scenes {
                pdf.add_scene(scene).expect("in memory");
            }
            pdf.finish().expect("in memory")
        })
    });
    group.bench_function("pdf_10000_ozon_labels", |b| {
        b.iter(|| {
            let shiplabel::RenderedPdf { pdf, report } =
                render_pdf_to(black_box(&batch), &template, &options, Vec::new()).expect("renders");
            assert_eq!(report.labels, 10_000);
            pdf
        })
    });
    group.bench_function("png_100_labels_all_cores", |b| {
        b.iter(|| {
            let mut bytes = 0;
            render_png_files(
                black_box(&batch[..100]),
                &template,
                &options,
                &mut |_, label| {
                    bytes += label.png.len();
                    Ok(())
                },
                &mut |_| {},
            )
            .expect("renders");
            bytes
        })
    });
    group.bench_function("bitmap_1_label_203dpi", |b| {
        b.iter(|| rasterize(black_box(&scenes[0]), 203))
    });
    let bitmap = rasterize(&scenes[0], 203);
    group.bench_function("png_encode_1_label_203dpi", |b| {
        b.iter(|| black_box(&bitmap).to_png(Some(203)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
