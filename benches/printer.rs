//! One 75 × 120 mm label at 203 dpi (600 × 960 dots) → printer bytes, for each language: from the
//! posting (rendered by the label renderer) and from a ready bitmap.
//!
//! Run: `cargo bench --bench printer`. Target: under 5 ms median per label and language.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rxing::oned::{Code128Writer, OneDimensionalCodeWriter};
use shiplabel::bitmap::Bitmap;
use shiplabel::printer::{builtin, encode_label};

fn code128(bitmap: &mut Bitmap, value: &str, x: u32, y: u32) {
    let modules = Code128Writer.encode_oned(value).expect("Code 128");
    for (i, &bar) in modules.iter().enumerate() {
        if bar {
            let left = x + i as u32 * 3;
            bitmap.fill_rect(left, y, left + 3, y + 160);
        }
    }
}

/// Two barcodes and six lines of glyph-like noise, so compression sees text-like rows.
fn label() -> Bitmap {
    let mut b = Bitmap::new(600, 960);
    code128(&mut b, "%101%806044518", 60, 40);
    code128(&mut b, "751420599146000", 80, 700);
    let mut seed = 0x2545_f491_u32;
    for line in 0..6 {
        let top = 240 + line * 70;
        for glyph in 0..40 {
            for stroke in 0..6 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let x = 40 + glyph * 13 + (seed >> 16) % 10;
                let y = top + (seed >> 8) % 20;
                let (w, h) = if stroke % 2 == 0 { (2, 12) } else { (8, 2) };
                b.fill_rect(x, y, x + w, y + h);
            }
        }
    }
    b
}

fn bench(c: &mut Criterion) {
    // From posting to printer bytes: render the Ozon label at 203 dpi, then encode it.
    let postings = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ozon_posting.json");
    let posting = shiplabel::order::load_file(postings.as_ref())
        .expect("test posting")
        .remove(0);
    let template = shiplabel::template::Template::builtin("ozon-fbs").expect("built-in template");
    for name in ["escpos-80mm", "xprinter-xp420b", "zebra-gk420d"] {
        let profile = builtin(name).expect("built-in profile");
        c.bench_function(&format!("posting -> {} ({name})", profile.language), |b| {
            b.iter(|| {
                let bitmap =
                    shiplabel::label_bitmap(black_box(&posting), &template, 203).expect("label");
                encode_label(&bitmap, &profile, 1).expect("label fits")
            })
        });
    }

    // Verify before print: place the posting's label and read its barcodes back from the placed
    // bitmap. Placement is part of every job anyway (the TSPL bitmap row below times it alone with
    // the encoding); the difference is what verification adds.
    let options = shiplabel::RenderOptions {
        now: Some("2026-11-23T10:00:00Z".parse().expect("time")),
        ..shiplabel::RenderOptions::at_dpi(203)
    };
    let shiplabel::BitmapToVerify {
        bitmap, barcodes, ..
    } = shiplabel::named_bitmaps_to_verify(&posting, &template, &options)
        .expect("label")
        .remove(0);
    let profile = builtin("xprinter-xp420b").expect("built-in profile");
    c.bench_function(
        &format!(
            "place + verify {} barcodes (xprinter-xp420b)",
            barcodes.len()
        ),
        |b| {
            b.iter(|| {
                shiplabel::printer::verify_label(black_box(&bitmap), &profile, &barcodes)
                    .expect("barcodes read back")
            })
        },
    );

    let label = label();
    for name in [
        "escpos-80mm",
        "xprinter-xp420b",
        "xprinter-xp365b",
        "zebra-gk420d",
    ] {
        let profile = builtin(name).expect("built-in profile");
        let bytes = encode_label(&label, &profile, 1).expect("label fits").len();
        c.bench_function(
            &format!("label 600x960 -> {} ({name}, {bytes} B)", profile.language),
            |b| b.iter(|| encode_label(black_box(&label), black_box(&profile), 1)),
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
