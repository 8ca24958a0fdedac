//! The GS1 element-string test vectors of the GS1 Barcode Syntax Engine and of zint (tests/data/
//! gs1_peer_vectors.json, sources and licences named there, extracted by scripts/extract_gs1_vectors.py):
//! our verdict on every one, on the same rules the peer applied. Where we differ it is a documented choice
//! (docs/barcodes.md, "Agreement with the peers"); the test pins the exact number of each kind, so a new
//! disagreement fails it.

use std::collections::BTreeMap;

use serde::Deserialize;
use shiplabel::barcode::gs1::{parse, Association, Checks};
use shiplabel::barcode::{BarcodeError, Symbology};

#[derive(Deserialize)]
struct File {
    sources: Vec<Source>,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Source {
    name: String,
    licence: String,
    vectors: usize,
}

#[derive(Deserialize)]
struct Vector {
    source: String,
    #[serde(rename = "where")]
    at: String,
    checks: String,
    valid: bool,
    peer_input: String,
    input: String,
}

fn load() -> File {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gs1_peer_vectors.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn checks(name: &str) -> Checks {
    match name {
        "elements" => Checks::Elements,
        "repeats" => Checks::Only(Association::Repeats),
        "exclusive" => Checks::Only(Association::Exclusive),
        "requisite" => Checks::Only(Association::Requisite),
        "digsig" => Checks::Only(Association::DigitalSignatureSerial),
        other => panic!("unknown checks {other:?}"),
    }
}

const UNKNOWN_AI: &str = "unknown AI refused (the engine's association tests permit unknown AIs)";
const NO_FNC1: &str = "raw element string accepted without a leading FNC1";
const LONE_ZERO: &str = "(8011) \"0\" refused by GS1's nozeroprefix linter";

/// Vectors we cannot compare: the engine's association tests switch on "permit unknown AIs" and use AIs
/// such as (89) that the dictionary does not have; we never guess an AI, so we refuse them whatever the
/// rule under test says.
fn not_comparable(v: &Vector, ours: &Result<(), BarcodeError>) -> bool {
    let message = ours
        .as_ref()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    v.checks != "elements" && message.contains("unknown application identifier")
}

/// Why we differ from a peer on a vector, when it is a documented choice; `None` for a real disagreement.
fn documented_reason(v: &Vector, ours: &Result<(), BarcodeError>) -> Option<&'static str> {
    let message = ours
        .as_ref()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    if v.source == "zint" && message.contains("(8011) CPID SERIAL: must not start with 0") {
        // GS1's reference linter (lint_nozeroprefix.c) and its unit test refuse a lone "0"; zint accepts it.
        return Some(LONE_ZERO);
    }
    if ours.is_ok() && !v.valid && !v.peer_input.starts_with(['(', '[', '^']) {
        // A raw element string without the leading FNC1: what a scanner delivers once the symbology
        // identifier is stripped; the peers ask for FNC1 ("^") or brackets first.
        return Some("raw element string accepted without a leading FNC1");
    }
    None
}

#[test]
fn our_verdicts_agree_with_the_peers_test_vectors() {
    let file = load();
    assert_eq!(file.sources.len(), 2);
    for s in &file.sources {
        assert!(!s.licence.is_empty());
        let n = file.vectors.iter().filter(|v| v.source == s.name).count();
        assert_eq!(n, s.vectors, "{}", s.name);
    }
    let mut agree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut documented: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for v in &file.vectors {
        let ours = parse(Symbology::Gs1_128, &v.input, checks(&v.checks)).map(|_| ());
        if not_comparable(v, &ours) {
            *documented.entry((&v.source, UNKNOWN_AI)).or_default() += 1;
        } else if ours.is_ok() == v.valid {
            *agree.entry(&v.source).or_default() += 1;
        } else if let Some(reason) = documented_reason(v, &ours) {
            *documented.entry((&v.source, reason)).or_default() += 1;
        } else {
            wrong.push(format!(
                "{} {}: {:?} (ours {:?}): peer says {}, we say {}",
                v.source,
                v.at,
                v.peer_input,
                v.input,
                if v.valid { "valid" } else { "invalid" },
                match &ours {
                    Ok(()) => "valid".to_string(),
                    Err(e) => format!("invalid: {e}"),
                }
            ));
        }
    }
    println!("agreement: {agree:?}");
    println!("documented differences: {documented:?}");
    assert!(
        wrong.is_empty(),
        "{} undocumented disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The figures docs/barcodes.md gives.
    let expected: BTreeMap<(&str, &str), usize> = [
        (("gs1-syntax-engine", UNKNOWN_AI), 10),
        (("gs1-syntax-engine", NO_FNC1), 1),
        (("zint", LONE_ZERO), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(documented, expected);
    assert_eq!(agree.get("gs1-syntax-engine"), Some(&273));
    assert_eq!(agree.get("zint"), Some(&1767));
}
