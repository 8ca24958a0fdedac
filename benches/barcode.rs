//! Encode + size time for typical Ozon values at 203 dpi (the label composer does this twice per label).
//!
//! Run: `cargo bench --bench barcode`.

use criterion::{criterion_group, criterion_main, Criterion};
use shiplabel::barcode::{encode, fit, Symbology};
use std::hint::black_box;

fn encode_and_fit(c: &mut Criterion) {
    for value in ["%101%806044518", "0132112277-0101-1"] {
        c.bench_function(&format!("code128 encode+fit 203dpi {value}"), |b| {
            b.iter(|| {
                let symbol = encode(Symbology::Code128, black_box(value)).expect("encodes");
                let size = fit(&symbol, 75.0, 20.0, Some(203), None).expect("fits");
                black_box(size)
            })
        });
    }
    c.bench_function(
        "code128 encode+fit+to_bitmap 203dpi 0132112277-0101-1",
        |b| {
            b.iter(|| {
                let symbol =
                    encode(Symbology::Code128, black_box("0132112277-0101-1")).expect("encodes");
                let size = fit(&symbol, 75.0, 20.0, Some(203), None).expect("fits");
                black_box(symbol.to_bitmap(size.module_dots.unwrap_or(1), 160, true))
            })
        },
    );
    c.bench_function("gs1-datamatrix encode+fit 203dpi marking code", |b| {
        b.iter(|| {
            let symbol = encode(
                Symbology::Gs1DataMatrix,
                black_box("0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd"),
            )
            .expect("encodes");
            black_box(fit(&symbol, 20.0, 20.0, Some(203), None).expect("fits"))
        })
    });
}

criterion_group!(benches, encode_and_fit);
criterion_main!(benches);
