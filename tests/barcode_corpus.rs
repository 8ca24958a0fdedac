//! Corpus tests: at least 1,000 generated values per linear symbology encode, and match zint.
//!
//! zint (`zint --dump`, Debian package `zint`) is the reference: for Code 128 our symbol must never be
//! longer, and where the lengths are equal the bars must be identical.

mod common;

use common::{bits, tool_available, zint_batch, Gen};
use shiplabel::barcode::{encode, Symbology};

const OZON: [&str; 4] = [
    "%101%806044518",
    "0132112277-0101-1",
    "751420599146000",
    "23024930500000",
];

fn code128_corpus() -> Vec<String> {
    let mut g = Gen::new(128);
    let upper = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let lower = b"abcdefghijklmnopqrstuvwxyz";
    let punct = b" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let controls: Vec<u8> = (1u8..32).filter(|&c| c != b'\n' && c != b'\r').collect();
    let mut values: Vec<String> = OZON.iter().map(|s| s.to_string()).collect();
    while values.len() < 5000 {
        let mut v = String::new();
        let segments = 1 + g.below(5);
        for _ in 0..segments {
            let n = 1 + g.below(9) as usize;
            match g.below(10) {
                0..=3 => v.push_str(&g.digits(n)),
                4 | 5 => (0..n).for_each(|_| v.push(g.pick(upper))),
                6 => (0..n).for_each(|_| v.push(g.pick(lower))),
                7 | 8 => (0..n.min(3)).for_each(|_| v.push(g.pick(punct))),
                _ => (0..n.min(2)).for_each(|_| v.push(g.pick(&controls))),
            }
        }
        v.truncate(80);
        values.push(v);
    }
    values
}

#[test]
fn code128_corpus_is_never_longer_than_zint_and_identical_on_equal_length() {
    let values = code128_corpus();
    let ours: Vec<Vec<bool>> = values
        .iter()
        .map(|v| {
            let s = encode(Symbology::Code128, v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            s.modules().expect("linear").to_vec()
        })
        .collect();
    if !tool_available("zint") {
        return;
    }
    let theirs = zint_batch(&["-b", "20"], &values);
    let (mut shorter, mut equal, mut tie_differs) = (0, 0, Vec::new());
    for ((v, a), b) in values.iter().zip(&ours).zip(&theirs) {
        assert!(
            a.len() <= b.len(),
            "{v:?}: ours {} modules, zint {}",
            a.len(),
            b.len()
        );
        if a.len() < b.len() {
            shorter += 1;
        } else if a == b {
            equal += 1;
        } else {
            tie_differs.push(format!("{v:?}\n ours {}\n zint {}", bits(a), bits(b)));
        }
    }
    eprintln!(
        "code128 corpus: {} values, {equal} identical to zint, {shorter} shorter than zint, {} same length with other bars",
        values.len(),
        tie_differs.len()
    );
    assert!(
        tie_differs.is_empty(),
        "{} ties differ from zint, first:\n{}",
        tie_differs.len(),
        tie_differs
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
