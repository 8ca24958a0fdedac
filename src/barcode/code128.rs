//! Code 128 with optimal code-set selection.
//!
//! The encoder is ours, table included, rather than `barcoders`: that crate wants the code-set sequence
//! spelled out in its own Unicode control syntax, which we would have to generate and then guard against its
//! traps (FNC1 reordering digits in set C, an empty symbol from a lone start character). Choosing the sets
//! ourselves gives symbol values directly, and turning values into bars is one table lookup. The table is
//! checked against zint, symbol for symbol, by the corpus test in `tests/barcode_corpus.rs`.
//!
//! Set selection is a dynamic programme over (position, current set): the cheapest way, in symbols, to
//! encode the rest of the input from each state, counting latches (code A/B/C), shifts and digit pairs. It
//! is exact, so no input gets a longer symbol than the best sequence of sets allows. Among equally short
//! sequences it picks, in order: set C before the others, staying in the current set before changing, and a
//! latch before a shift; see `docs/barcodes.md` for how that compares with zint.

use super::{widths_to_modules, BarcodeError, Symbology};

/// Documented limit on data characters: longer values do not fit a 120 mm label at a readable module size.
pub(crate) const MAX_CHARS: usize = 80;

/// One unit of input: an ASCII character or the FNC1 function character (GS1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Char(u8),
    #[allow(dead_code)] // used by GS1-128, which lands next
    Fnc1,
}

/// Bar and space widths of symbol values 0–105 (six elements, eleven modules each); the stop symbol
/// (106) has seven elements and thirteen modules.
const PATTERNS: [[u8; 6]; 106] = [
    [2, 1, 2, 2, 2, 2],
    [2, 2, 2, 1, 2, 2],
    [2, 2, 2, 2, 2, 1],
    [1, 2, 1, 2, 2, 3],
    [1, 2, 1, 3, 2, 2],
    [1, 3, 1, 2, 2, 2],
    [1, 2, 2, 2, 1, 3],
    [1, 2, 2, 3, 1, 2],
    [1, 3, 2, 2, 1, 2],
    [2, 2, 1, 2, 1, 3],
    [2, 2, 1, 3, 1, 2],
    [2, 3, 1, 2, 1, 2],
    [1, 1, 2, 2, 3, 2],
    [1, 2, 2, 1, 3, 2],
    [1, 2, 2, 2, 3, 1],
    [1, 1, 3, 2, 2, 2],
    [1, 2, 3, 1, 2, 2],
    [1, 2, 3, 2, 2, 1],
    [2, 2, 3, 2, 1, 1],
    [2, 2, 1, 1, 3, 2],
    [2, 2, 1, 2, 3, 1],
    [2, 1, 3, 2, 1, 2],
    [2, 2, 3, 1, 1, 2],
    [3, 1, 2, 1, 3, 1],
    [3, 1, 1, 2, 2, 2],
    [3, 2, 1, 1, 2, 2],
    [3, 2, 1, 2, 2, 1],
    [3, 1, 2, 2, 1, 2],
    [3, 2, 2, 1, 1, 2],
    [3, 2, 2, 2, 1, 1],
    [2, 1, 2, 1, 2, 3],
    [2, 1, 2, 3, 2, 1],
    [2, 3, 2, 1, 2, 1],
    [1, 1, 1, 3, 2, 3],
    [1, 3, 1, 1, 2, 3],
    [1, 3, 1, 3, 2, 1],
    [1, 1, 2, 3, 1, 3],
    [1, 3, 2, 1, 1, 3],
    [1, 3, 2, 3, 1, 1],
    [2, 1, 1, 3, 1, 3],
    [2, 3, 1, 1, 1, 3],
    [2, 3, 1, 3, 1, 1],
    [1, 1, 2, 1, 3, 3],
    [1, 1, 2, 3, 3, 1],
    [1, 3, 2, 1, 3, 1],
    [1, 1, 3, 1, 2, 3],
    [1, 1, 3, 3, 2, 1],
    [1, 3, 3, 1, 2, 1],
    [3, 1, 3, 1, 2, 1],
    [2, 1, 1, 3, 3, 1],
    [2, 3, 1, 1, 3, 1],
    [2, 1, 3, 1, 1, 3],
    [2, 1, 3, 3, 1, 1],
    [2, 1, 3, 1, 3, 1],
    [3, 1, 1, 1, 2, 3],
    [3, 1, 1, 3, 2, 1],
    [3, 3, 1, 1, 2, 1],
    [3, 1, 2, 1, 1, 3],
    [3, 1, 2, 3, 1, 1],
    [3, 3, 2, 1, 1, 1],
    [3, 1, 4, 1, 1, 1],
    [2, 2, 1, 4, 1, 1],
    [4, 3, 1, 1, 1, 1],
    [1, 1, 1, 2, 2, 4],
    [1, 1, 1, 4, 2, 2],
    [1, 2, 1, 1, 2, 4],
    [1, 2, 1, 4, 2, 1],
    [1, 4, 1, 1, 2, 2],
    [1, 4, 1, 2, 2, 1],
    [1, 1, 2, 2, 1, 4],
    [1, 1, 2, 4, 1, 2],
    [1, 2, 2, 1, 1, 4],
    [1, 2, 2, 4, 1, 1],
    [1, 4, 2, 1, 1, 2],
    [1, 4, 2, 2, 1, 1],
    [2, 4, 1, 2, 1, 1],
    [2, 2, 1, 1, 1, 4],
    [4, 1, 3, 1, 1, 1],
    [2, 4, 1, 1, 1, 2],
    [1, 3, 4, 1, 1, 1],
    [1, 1, 1, 2, 4, 2],
    [1, 2, 1, 1, 4, 2],
    [1, 2, 1, 2, 4, 1],
    [1, 1, 4, 2, 1, 2],
    [1, 2, 4, 1, 1, 2],
    [1, 2, 4, 2, 1, 1],
    [4, 1, 1, 2, 1, 2],
    [4, 2, 1, 1, 1, 2],
    [4, 2, 1, 2, 1, 1],
    [2, 1, 2, 1, 4, 1],
    [2, 1, 4, 1, 2, 1],
    [4, 1, 2, 1, 2, 1],
    [1, 1, 1, 1, 4, 3],
    [1, 1, 1, 3, 4, 1],
    [1, 3, 1, 1, 4, 1],
    [1, 1, 4, 1, 1, 3],
    [1, 1, 4, 3, 1, 1],
    [4, 1, 1, 1, 1, 3],
    [4, 1, 1, 3, 1, 1],
    [1, 1, 3, 1, 4, 1],
    [1, 1, 4, 1, 3, 1],
    [3, 1, 1, 1, 4, 1],
    [4, 1, 1, 1, 3, 1],
    [2, 1, 1, 4, 1, 2],
    [2, 1, 1, 2, 1, 4],
    [2, 1, 1, 2, 3, 2],
];
const STOP: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];

const SHIFT: u8 = 98;
const FNC1: u8 = 102;
const START: [u8; 3] = [103, 104, 105];
/// Latch to set A, B, C from the other sets (the value differs with the set latched from).
const fn latch(from: usize, to: usize) -> u8 {
    match (from, to) {
        (_, C) => 99,
        (A, B) | (C, B) => 100,
        _ => 101, // to A, from B or C
    }
}

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const INF: u32 = u32::MAX / 4;

/// Validates text for plain Code 128 and encodes it: ASCII only, at most [`MAX_CHARS`] characters.
pub(crate) fn encode_text(data: &str) -> Result<Vec<bool>, BarcodeError> {
    let mut items = Vec::with_capacity(data.len());
    for (i, ch) in data.chars().enumerate() {
        if !ch.is_ascii() {
            return Err(BarcodeError::InvalidCharacter {
                symbology: Symbology::Code128,
                character: ch,
                position: i + 1,
                allowed: "Code 128 carries ASCII only",
            });
        }
        items.push(Item::Char(ch as u8));
    }
    if items.len() > MAX_CHARS {
        return Err(BarcodeError::TooLong {
            symbology: Symbology::Code128,
            length: items.len(),
            max: MAX_CHARS,
        });
    }
    Ok(modules(&values(&items)))
}

/// The bars of a complete symbol (start … check, stop) given its symbol values without check and stop.
pub(crate) fn modules(values: &[u8]) -> Vec<bool> {
    let mut out = Vec::with_capacity(values.len() * 11 + 24);
    let mut sum: u32 = 0;
    for (i, &v) in values.iter().enumerate() {
        let weight = (i as u32).max(1);
        sum += weight * u32::from(v);
        widths_to_modules(PATTERNS[usize::from(v)], &mut out);
    }
    widths_to_modules(PATTERNS[(sum % 103) as usize], &mut out);
    widths_to_modules(STOP, &mut out);
    out
}

fn is_digit(items: &[Item], i: usize) -> bool {
    matches!(items.get(i), Some(Item::Char(c)) if c.is_ascii_digit())
}

/// What encoding `items[i..]` can do next without changing set: symbols spent, items consumed, and the
/// symbol values (at most two: a shift and its character). `None` when set `s` cannot take `items[i]`.
fn step(items: &[Item], i: usize, s: usize) -> Option<(u32, usize, [Option<u8>; 2])> {
    let item = *items.get(i)?;
    match (s, item) {
        (_, Item::Fnc1) => Some((1, 1, [Some(FNC1), None])),
        (C, Item::Char(c)) => {
            if c.is_ascii_digit() && is_digit(items, i + 1) {
                let Some(Item::Char(d)) = items.get(i + 1) else {
                    return None;
                };
                Some((1, 2, [Some((c - b'0') * 10 + (d - b'0')), None]))
            } else {
                None
            }
        }
        (A, Item::Char(c)) => match c {
            0..=31 => Some((1, 1, [Some(c + 64), None])),
            32..=95 => Some((1, 1, [Some(c - 32), None])),
            _ => Some((2, 1, [Some(SHIFT), Some(c - 32)])),
        },
        (_, Item::Char(c)) => match c {
            0..=31 => Some((2, 1, [Some(SHIFT), Some(c + 64)])),
            _ => Some((1, 1, [Some(c - 32), None])),
        },
    }
}

/// Symbol values for `items`: start, data (with latches and shifts), no check symbol and no stop.
/// `items` must be ASCII characters and FNC1 only, and not empty.
pub(crate) fn values(items: &[Item]) -> Vec<u8> {
    let n = items.len();
    // consume[i][s]: fewest symbols for items[i..] when set s is active and must take items[i] itself;
    // best[i][s]: the same when a latch may come first.
    let mut consume = vec![[INF; 3]; n + 1];
    let mut best = vec![[INF; 3]; n + 1];
    best[n] = [0; 3];
    consume[n] = [0; 3];
    for i in (0..n).rev() {
        for s in [A, B, C] {
            if let Some((cost, used, _)) = step(items, i, s) {
                consume[i][s] = cost + best[i + used][s];
            }
        }
        for s in [A, B, C] {
            let latched = [A, B, C]
                .into_iter()
                .filter(|&t| t != s)
                .map(|t| 1 + consume[i][t])
                .min()
                .unwrap_or(INF);
            best[i][s] = consume[i][s].min(latched);
        }
    }

    let mut out = Vec::with_capacity(n + 4);
    let mut set = [C, B, A]
        .into_iter()
        .min_by_key(|&s| consume[0][s])
        .unwrap_or(B);
    out.push(START[set]);
    let mut i = 0;
    while i < n {
        if best[i][set] < consume[i][set] || consume[i][set] >= INF {
            // A latch is strictly better here (or the only way): pick the cheapest target, C first.
            let target = [C, B, A]
                .into_iter()
                .filter(|&t| t != set)
                .min_by_key(|&t| consume[i][t])
                .unwrap_or(B);
            out.push(latch(set, target));
            set = target;
        } else if let Some(target) = prefer_c(items, i, set, &consume, &best) {
            out.push(latch(set, target));
            set = target;
        }
        let Some((_, used, symbols)) = step(items, i, set) else {
            // Unreachable for valid input: the latch above makes `set` able to take items[i].
            break;
        };
        out.extend(symbols.into_iter().flatten());
        i += used;
    }
    out
}

/// Tie-break: when latching to set C now costs exactly as much as staying, latch (what zint does for
/// digit runs of four in the middle of a value).
fn prefer_c(
    items: &[Item],
    i: usize,
    set: usize,
    consume: &[[u32; 3]],
    best: &[[u32; 3]],
) -> Option<usize> {
    if set != C && is_digit(items, i) && is_digit(items, i + 1) && 1 + consume[i][C] == best[i][set]
    {
        Some(C)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &str) -> Vec<Item> {
        s.bytes().map(Item::Char).collect()
    }

    #[test]
    fn patterns_are_eleven_modules_three_bars_and_distinct() {
        for (v, p) in PATTERNS.iter().enumerate() {
            assert_eq!(
                p.iter().map(|&w| u32::from(w)).sum::<u32>(),
                11,
                "value {v}"
            );
            let bars: u32 = p.iter().step_by(2).map(|&w| u32::from(w)).sum();
            assert_eq!(bars % 2, 0, "even parity of bar modules, value {v}");
        }
        let mut sorted = PATTERNS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 106);
    }

    #[test]
    fn ozon_values_use_set_c_for_digit_runs() {
        // Symbol counts from printers.md §6 (start + data, without check and stop).
        assert_eq!(values(&items("%101%806044518")).len(), 1 + 11);
        assert_eq!(values(&items("751420599146000")).len(), 1 + 9);
        assert_eq!(values(&items("23024930500000")).len(), 1 + 7);
        assert_eq!(values(&items("0132112277-0101-1")).len(), 1 + 13);
    }

    #[test]
    fn length_is_11_per_symbol_plus_35() {
        let m = encode_text("0132112277-0101-1").unwrap();
        assert_eq!(m.len(), 11 * 13 + 35);
    }

    #[test]
    fn rejects_non_ascii_with_position() {
        let e = encode_text("AB-Ж1").unwrap_err();
        assert_eq!(
            e,
            BarcodeError::InvalidCharacter {
                symbology: Symbology::Code128,
                character: 'Ж',
                position: 4,
                allowed: "Code 128 carries ASCII only"
            }
        );
    }

    #[test]
    fn controls_and_lower_case_mix() {
        let v = values(&items("a\tb\x01c"));
        assert_eq!(v[0], START[B]);
        // a, shift TAB, b, shift SOH, c: 7 data symbols (a latch to A would cost the same, never less).
        assert_eq!(v.len(), 1 + 7);
    }
}
