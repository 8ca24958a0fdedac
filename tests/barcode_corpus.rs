//! Corpus tests: at least 1,000 generated values per linear symbology encode, and match zint.
//!
//! zint (`zint --dump`, Debian package `zint`) is the reference: for Code 128 our symbol must never be
//! longer, and where the lengths are equal the bars must be identical.

use crate::common::{bits, tool_available, zint_batch, Gen};
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
    while values.len() < 10000 {
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
    compare_with_zint("code128", &values, &ours, &theirs);
}

/// Check digit (GS1 mod 10) for test data, computed independently of the library.
fn gs1_check(body: &str) -> char {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).unwrap()
}

/// Random GS1 element strings that keep the dictionary's association rules: a GTIN (01) with up to two
/// other AIs that may go with it, or a logistic unit (00) with its CONTENT (02) and COUNT (37); no AI twice.
fn gs1_corpus() -> Vec<String> {
    let mut g = Gen::new(16);
    let cset82 =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'*+,-./:;<=>?_";
    let mut values = vec!["(01)04601234567893(21)ABC123".to_string()];
    while values.len() < 10000 {
        let gtin = {
            let body = g.digits(13);
            format!("{body}{}", gs1_check(&body))
        };
        let mut elements: Vec<(String, String)> = if g.below(5) == 0 {
            let sscc = g.digits(17);
            let n = 1 + g.below(8) as usize;
            vec![
                ("00".to_string(), format!("{sscc}{}", gs1_check(&sscc))),
                ("02".to_string(), gtin),
                ("37".to_string(), g.digits(n)),
            ]
        } else {
            vec![("01".to_string(), gtin)]
        };
        let mut chars: usize = elements.iter().map(|(a, v)| a.len() + v.len()).sum();
        for _ in 0..g.below(3) {
            let (ai, value) = match g.below(7) {
                0 => {
                    let yymmdd = format!(
                        "{:02}{:02}{:02}",
                        g.below(100),
                        1 + g.below(12),
                        g.below(29)
                    );
                    (
                        ["11", "13", "15", "17"][g.below(4) as usize].to_string(),
                        yymmdd,
                    )
                }
                1 => ("3103".to_string(), g.digits(6)),
                2 => (
                    "91".to_string(),
                    (0..1 + g.below(10)).map(|_| g.pick(cset82)).collect(),
                ),
                3 => (
                    "10".to_string(),
                    (0..1 + g.below(12)).map(|_| g.pick(cset82)).collect(),
                ),
                4 if elements[0].0 == "01" => (
                    "21".to_string(),
                    (0..1 + g.below(12)).map(|_| g.pick(cset82)).collect(),
                ),
                5 if elements[0].0 == "01" => {
                    let sscc = g.digits(17);
                    ("00".to_string(), format!("{sscc}{}", gs1_check(&sscc)))
                }
                _ => {
                    let n = 1 + g.below(8) as usize;
                    ("30".to_string(), g.digits(n))
                }
            };
            if elements.iter().any(|(a, _)| *a == ai) || chars + ai.len() + value.len() > 48 {
                continue;
            }
            chars += ai.len() + value.len();
            elements.push((ai, value));
        }
        values.push(elements.iter().map(|(a, v)| format!("({a}){v}")).collect());
    }
    values
}

#[test]
fn gs1_128_corpus_matches_zint() {
    let values = gs1_corpus();
    let ours: Vec<Vec<bool>> = values
        .iter()
        .map(|v| {
            let s = encode(Symbology::Gs1_128, v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(s.text(), v);
            s.modules().expect("linear").to_vec()
        })
        .collect();
    if !tool_available("zint") {
        return;
    }
    let bracketed: Vec<String> = values
        .iter()
        .map(|v| v.replace('(', "[").replace(')', "]"))
        .collect();
    let theirs = zint_batch(&["-b", "16", "--gs1"], &bracketed);
    compare_with_zint("gs1-128", &values, &ours, &theirs);
}

/// Asserts that none of our symbols is longer than zint's and that those of equal length have the
/// same bars; tells how many were shorter.
fn compare_with_zint(corpus: &str, values: &[String], ours: &[Vec<bool>], theirs: &[Vec<bool>]) {
    let (mut shorter, mut equal, mut tie_differs) = (0, 0, Vec::new());
    for ((v, a), b) in values.iter().zip(ours).zip(theirs) {
        assert!(
            a.len() <= b.len(),
            "{v:?}: ours {} modules, zint {}",
            a.len(),
            b.len()
        );
        if a.len() < b.len() {
            shorter += 1;
            if shorter <= 3 {
                eprintln!(
                    "  shorter than zint: {v:?} {} vs {} modules",
                    a.len(),
                    b.len()
                );
            }
        } else if a == b {
            equal += 1;
        } else {
            tie_differs.push(format!("{v:?}\n ours {}\n zint {}", bits(a), bits(b)));
        }
    }
    eprintln!(
        "{corpus} corpus: {} values, {equal} identical to zint, {shorter} shorter than zint, {} same length with other bars",
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

/// Encodes every value with us and with zint and asserts identical bars.
fn assert_identical_to_zint(symbology: Symbology, zint_type: &str, values: &[String]) {
    let ours: Vec<Vec<bool>> = values
        .iter()
        .map(|v| {
            let s = encode(symbology, v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            s.modules().expect("linear").to_vec()
        })
        .collect();
    if !tool_available("zint") {
        return;
    }
    let theirs = zint_batch(&["-b", zint_type], values);
    for ((v, a), b) in values.iter().zip(&ours).zip(&theirs) {
        assert_eq!(bits(a), bits(b), "{symbology} {v:?}");
    }
}

#[test]
fn ean13_ean8_itf14_corpus_identical_to_zint() {
    let mut g = Gen::new(13);
    let ean13: Vec<String> = (0..1000).map(|_| g.digits(12)).collect();
    let ean8: Vec<String> = (0..1000).map(|_| g.digits(7)).collect();
    let itf14: Vec<String> = (0..1000).map(|_| g.digits(13)).collect();
    assert_identical_to_zint(Symbology::Ean13, "13", &ean13);
    assert_identical_to_zint(Symbology::Ean8, "10", &ean8);
    assert_identical_to_zint(Symbology::Itf14, "89", &itf14);
    // With the check digit given, the same symbols.
    for v in ean13.iter().take(100) {
        let full = format!("{v}{}", gs1_check(v));
        let a = encode(Symbology::Ean13, v).unwrap();
        let b = encode(Symbology::Ean13, &full).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.text(), full);
    }
}

/// Element widths of a row of modules.
fn runs(modules: &[bool]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut last = None;
    for &m in modules {
        if Some(m) == last {
            *out.last_mut().unwrap() += 1;
        } else {
            out.push(1);
            last = Some(m);
        }
    }
    out
}

#[test]
fn code39_corpus_matches_zint_element_for_element() {
    // zint draws wide elements 2 modules wide, we draw them 3: compare narrow/wide sequences.
    let mut g = Gen::new(39);
    let set = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
    let values: Vec<String> = (0..1000)
        .map(|_| {
            let n = 1 + g.below(30) as usize;
            let v: String = (0..n).map(|_| g.pick(set)).collect();
            // zint trims nothing, but a leading or trailing space is legal and worth covering; keep as is.
            v
        })
        .collect();
    let ours: Vec<Vec<usize>> = values
        .iter()
        .map(|v| {
            runs(
                encode(Symbology::Code39, v)
                    .unwrap_or_else(|e| panic!("{v:?}: {e}"))
                    .modules()
                    .unwrap(),
            )
        })
        .collect();
    for r in &ours {
        assert!(r.iter().all(|&w| w == 1 || w == 3));
    }
    if !tool_available("zint") {
        return;
    }
    let theirs = zint_batch(&["-b", "8"], &values);
    for ((v, a), b) in values.iter().zip(&ours).zip(&theirs) {
        let wide: Vec<usize> = runs(b)
            .into_iter()
            .map(|w| if w == 2 { 3 } else { w })
            .collect();
        assert_eq!(a, &wide, "{v:?}");
    }
}

/// UPC-A, UPC-E (both number systems) and EAN-13/UPC-A/UPC-E with EAN-2 and EAN-5 add-ons: bit-identical
/// to zint.
#[test]
fn upc_and_addon_corpus_identical_to_zint() {
    let mut g = Gen::new(34);
    let upca: Vec<String> = (0..1000).map(|_| g.digits(11)).collect();
    // Values the zero-suppression rules allow (the others are refused, by zint too).
    let upce: Vec<String> = std::iter::repeat_with(|| format!("{}{}", g.below(2), g.digits(6)))
        .filter(|v| encode(Symbology::UpcE, v).is_ok())
        .take(1000)
        .collect();
    assert_identical_to_zint(Symbology::UpcA, "34", &upca);
    assert_identical_to_zint(Symbology::UpcE, "37", &upce);
    let mut addon = |main: &str| {
        let n = if g.below(2) == 0 { 2 } else { 5 };
        format!("{main}+{}", g.digits(n))
    };
    let ean13: Vec<String> = (0..300)
        .map(|k| addon(&format!("46{:010}", k * 7919)))
        .collect();
    let upca_addon: Vec<String> = upca.iter().take(300).map(|v| addon(v)).collect();
    let upce_addon: Vec<String> = upce.iter().take(300).map(|v| addon(v)).collect();
    assert_identical_to_zint(Symbology::Ean13, "13", &ean13);
    assert_identical_to_zint(Symbology::UpcA, "34", &upca_addon);
    assert_identical_to_zint(Symbology::UpcE, "37", &upce_addon);
}

/// Code 39 with the mod-43 check character: zint's `--vers=1` appends the same character.
#[test]
fn code39_mod43_corpus_matches_zint_element_for_element() {
    let mut g = Gen::new(43);
    let set = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
    let values: Vec<String> = (0..1000)
        .map(|_| {
            let n = 1 + g.below(30) as usize;
            (0..n).map(|_| g.pick(set)).collect()
        })
        .collect();
    let ours: Vec<Vec<usize>> = values
        .iter()
        .map(|v| {
            let s = encode(Symbology::Code39Mod43, v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(s.text().len(), v.len() + 1);
            runs(s.modules().unwrap())
        })
        .collect();
    if !tool_available("zint") {
        return;
    }
    let theirs = zint_batch(&["-b", "8", "--vers=1"], &values);
    for ((v, a), b) in values.iter().zip(&ours).zip(&theirs) {
        let wide: Vec<usize> = runs(b)
            .into_iter()
            .map(|w| if w == 2 { 3 } else { w })
            .collect();
        assert_eq!(a, &wide, "{v:?}");
    }
}

/// Code 128 with ISO 8859-1 characters through FNC4: never longer than zint.
#[test]
fn code128_latin1_corpus_against_zint() {
    let mut g = Gen::new(1252);
    let latin1: Vec<char> = (0xA0u32..=0xFF).filter_map(char::from_u32).collect();
    let ascii = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.";
    let values: Vec<String> = (0..2000)
        .map(|_| {
            let n = 1 + g.below(24) as usize;
            (0..n)
                .map(|_| {
                    if g.below(3) == 0 {
                        latin1[g.below(latin1.len() as u64) as usize]
                    } else {
                        g.pick(ascii)
                    }
                })
                .collect()
        })
        .collect();
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
    // Both use Code 128's extended mode (FNC4 twice) for runs of Latin-1 characters and a single FNC4 for a
    // lone one; ours is never longer.
    let (mut identical, mut shorter, mut other) = (0, 0, Vec::new());
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
            identical += 1;
        } else {
            other.push(v.clone());
        }
    }
    eprintln!(
        "code128 latin-1 corpus: {} values, {identical} identical to zint, {shorter} shorter, {} same length \
         with other bars",
        values.len(),
        other.len()
    );
    // Equal lengths with other bars: equally short choices of where FNC4 and the latches go; rxing reads
    // ours back (`barcode_decode.rs`).
    eprintln!("  e.g. {:?}", other.first());
}
