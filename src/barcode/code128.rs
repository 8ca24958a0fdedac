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
//! sequences it picks the one zint (the reference encoder) picks, so that where zint is optimal our bars are
//! identical to its bars: see `start_set` and `next_set` for the rules, and `docs/barcodes.md` for the
//! figures. A value with ISO 8859-1 characters above 127 goes through `values_extended`, the same exact
//! programme over (position, set, extended mode): FNC4 before a lone such character, FNC4 twice to enter or
//! leave the extended mode for a run; it is never longer than zint on the Latin-1 corpus.

use super::{widths_to_modules, BarcodeError, Symbology};

/// Documented limit on data characters: longer values do not fit a 120 mm label at a readable module size.
pub(crate) const MAX_CHARS: usize = 80;

/// One unit of input: an ISO 8859-1 character (ASCII, or 128–255 sent through FNC4) or the FNC1 function
/// character (GS1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Char(u8),
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
/// FNC4 adds 128 to the next data character: value 101 in set A, 100 in set B.
const FNC4: [u8; 2] = [101, 100];
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

/// What plain Code 128 carries, for messages.
pub(crate) const ALLOWED: &str =
    "Code 128 carries ASCII and ISO 8859-1 (Latin-1) characters up to U+00FF only";

/// Validates text for plain Code 128 and encodes it: ISO 8859-1 (Latin-1, characters above 127 through
/// FNC4, as zint and BWIPP do; zbar and ZXing decode them back), at most [`MAX_CHARS`] characters.
pub(crate) fn encode_text(data: &str) -> Result<Vec<bool>, BarcodeError> {
    let mut items = Vec::with_capacity(data.len());
    for (i, ch) in data.chars().enumerate() {
        let Ok(byte) = u8::try_from(u32::from(ch)) else {
            return Err(BarcodeError::InvalidCharacter {
                symbology: Symbology::Code128,
                character: ch,
                position: i + 1,
                allowed: ALLOWED,
            });
        };
        items.push(Item::Char(byte));
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
        // Latin-1 above 127: FNC4, then the character less 128 in the active set. One that set could only take
        // with a shift is left to the other set (a latch), which decoders read without doubt.
        (A, Item::Char(c @ 128..)) => match c - 128 {
            b @ 0..=31 => Some((2, 1, [Some(FNC4[A]), Some(b + 64)])),
            b @ 32..=95 => Some((2, 1, [Some(FNC4[A]), Some(b - 32)])),
            _ => None,
        },
        (B, Item::Char(c @ 128..)) => match c - 128 {
            b @ 32.. => Some((2, 1, [Some(FNC4[B]), Some(b - 32)])),
            _ => None,
        },
        (A, Item::Char(c)) => match c {
            0..=31 => Some((1, 1, [Some(c + 64), None])),
            32..=95 => Some((1, 1, [Some(c - 32), None])),
            _ => Some((2, 1, [Some(SHIFT), Some(c - 32)])),
        },
        (_, Item::Char(c)) => match c {
            128.. => None,
            0..=31 => Some((2, 1, [Some(SHIFT), Some(c + 64)])),
            _ => Some((1, 1, [Some(c - 32), None])),
        },
    }
}

/// Symbol values for `items`: start, data (with latches and shifts), no check symbol and no stop.
/// `items` must be ASCII characters and FNC1 only, and not empty.
pub(crate) fn values(items: &[Item]) -> Vec<u8> {
    if items
        .iter()
        .any(|it| matches!(it, Item::Char(c) if *c >= 128))
    {
        return values_extended(items);
    }
    let n = items.len();
    // consume[i][s]: fewest symbols for items[i..] when set s is active and must take items[i] itself;
    // best[i][s]: the same when a latch may come first. On the stack for the lengths labels carry
    // (two barcodes a label, ten thousand labels a batch), on the heap past that.
    const ON_STACK: usize = 64;
    let (mut consume_stack, mut best_stack) = ([[INF; 3]; ON_STACK], [[INF; 3]; ON_STACK]);
    let (mut consume_heap, mut best_heap) = (Vec::new(), Vec::new());
    let (consume, best): (&mut [[u32; 3]], &mut [[u32; 3]]) = if n < ON_STACK {
        (&mut consume_stack[..=n], &mut best_stack[..=n])
    } else {
        consume_heap.resize(n + 1, [INF; 3]);
        best_heap.resize(n + 1, [INF; 3]);
        (&mut consume_heap, &mut best_heap)
    };
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
    let mut set = start_set(items, consume);
    out.push(START[set]);
    let mut i = 0;
    while i < n {
        let target = next_set(items, i, set, consume, best[i][set]);
        if target != set {
            out.push(latch(set, target));
            set = target;
        }
        let Some((_, used, symbols)) = step(items, i, set) else {
            // Unreachable: `next_set` only returns a set that can take items[i].
            break;
        };
        out.extend(symbols.into_iter().flatten());
        i += used;
    }
    out
}

/// One step in set `s` with extended mode `ext` (ISO 15417: after FNC4 FNC4 every data character counts 128
/// more; a single FNC4 flips that for the next character): symbols spent, items consumed, symbol values.
fn step_extended(
    items: &[Item],
    i: usize,
    s: usize,
    ext: bool,
) -> Option<(u32, usize, [Option<u8>; 3])> {
    let item = *items.get(i)?;
    let Item::Char(c) = item else {
        return Some((1, 1, [Some(FNC1), None, None]));
    };
    if s == C {
        let (one, _, v) = step(items, i, C)?;
        return Some((one, 2, [v[0], None, None]));
    }
    let base = c & 0x7f;
    // The value of `base` in set `t`, if that set has it.
    let in_set = |t: usize| match (t, base) {
        (A, 0..=31) => Some(base + 64),
        (A, 32..=95) | (B, 32..) => Some(base - 32),
        _ => None,
    };
    if (c >= 128) == ext {
        match in_set(s) {
            Some(v) => Some((1, 1, [Some(v), None, None])),
            None => {
                let other = if s == A { B } else { A };
                Some((2, 1, [Some(SHIFT), in_set(other), None]))
            }
        }
    } else {
        // A single FNC4 for this character; one the set could only take with a shift is left to a latch.
        in_set(s).map(|v| (2, 1, [Some(FNC4[s]), Some(v), None]))
    }
}

/// Symbol values for items with ISO 8859-1 characters above 127: the same exact dynamic programme over
/// (position, set, extended mode), where a latch costs 1 and entering or leaving extended mode (FNC4 twice,
/// in set A or B) costs 2. Among equally short sequences: consume before changing anything, latch before
/// toggling.
fn values_extended(items: &[Item]) -> Vec<u8> {
    let n = items.len();
    let state = |s: usize, ext: bool| s * 2 + usize::from(ext);
    let mut consume = vec![[INF; 6]; n + 1];
    let mut best = vec![[INF; 6]; n + 1];
    best[n] = [0; 6];
    for i in (0..n).rev() {
        for s in [A, B, C] {
            for ext in [false, true] {
                if let Some((cost, used, _)) = step_extended(items, i, s, ext) {
                    consume[i][state(s, ext)] = cost + best[i + used][state(s, ext)];
                }
            }
        }
        // Latches and toggles before consuming: relax until nothing improves (6 states, a few rounds).
        best[i] = consume[i];
        for _ in 0..6 {
            for s in [A, B, C] {
                for ext in [false, true] {
                    let from = state(s, ext);
                    let mut cost = best[i][from];
                    for t in [A, B, C] {
                        if t != s {
                            cost = cost.min(1 + best[i][state(t, ext)]);
                        }
                    }
                    if s != C {
                        cost = cost.min(2 + best[i][state(s, !ext)]);
                    }
                    best[i][from] = cost;
                }
            }
        }
    }
    let start = [B, A, C]
        .into_iter()
        .min_by_key(|&s| best[0][state(s, false)])
        .unwrap_or(B);
    let mut out = vec![START[start]];
    let (mut set, mut ext, mut i) = (start, false, 0);
    while i < n {
        let here = best[i][state(set, ext)];
        if consume[i][state(set, ext)] == here {
            let Some((_, used, symbols)) = step_extended(items, i, set, ext) else {
                break;
            };
            out.extend(symbols.into_iter().flatten());
            i += used;
            continue;
        }
        if let Some(t) = [A, B, C]
            .into_iter()
            .find(|&t| t != set && 1 + best[i][state(t, ext)] == here)
        {
            out.push(latch(set, t));
            set = t;
        } else if set != C && 2 + best[i][state(set, !ext)] == here {
            out.extend([FNC4[set], FNC4[set]]);
            ext = !ext;
        } else {
            // Unreachable: `best` is one of the three choices.
            break;
        }
    }
    out
}

/// Digits from `i` up to the next character that is not a digit.
fn digit_run(items: &[Item], i: usize) -> usize {
    (i..items.len()).take_while(|&k| is_digit(items, k)).count()
}

/// Whether `items[i]` belongs to a block of four or more digits and FNC1s (zint's numeric block: FNC1 is
/// part of it in GS1 mode).
fn in_long_digit_block(items: &[Item], i: usize) -> bool {
    // The FNC1 that opens a GS1 symbol is not data: it does not join the block.
    let numeric = |k: usize| (k > 0 && items.get(k) == Some(&Item::Fnc1)) || is_digit(items, k);
    if !numeric(i) {
        return false;
    }
    let before = (0..i).rev().take_while(|&k| numeric(k)).count();
    let after = (i..items.len()).take_while(|&k| numeric(k)).count();
    before + after >= 4
}

/// Whether `items[i]` is the first digit of an odd run of digits (between FNC1s), or an FNC1 right before
/// one: zint encodes that digit (and the FNC1) in set B, so the rest pairs up in set C.
fn odd_head(items: &[Item], i: usize) -> bool {
    let first = (i..items.len())
        .find(|&k| items.get(k) != Some(&Item::Fnc1))
        .unwrap_or(items.len());
    let head = first == i || i > 0;
    head && is_digit(items, first)
        && (first == 0 || !is_digit(items, first - 1))
        && digit_run(items, first) % 2 == 1
}

/// Whether `items[i]` is a character set `s` can only take with a shift.
fn needs_shift(items: &[Item], i: usize, s: usize) -> bool {
    match (s, items.get(i)) {
        (A, Some(Item::Char(c))) => (96..128).contains(c),
        (B, Some(Item::Char(c))) => *c < 32,
        _ => false,
    }
}

/// The start set: the cheapest, and on a tie the one zint picks: C only for a leading run of four digits or
/// more (two or three leading digits stay in B), A when the first character only one of A and B can take is a control
/// character.
fn start_set(items: &[Item], consume: &[[u32; 3]]) -> usize {
    let Some(first) = consume.first() else {
        return B;
    };
    let min = first.iter().copied().min().unwrap_or(INF);
    let lead = items.iter().take_while(|&&it| it == Item::Fnc1).count();
    if first[C] == min && (in_long_digit_block(items, lead) || first[A].min(first[B]) > min) {
        C
    } else if first[A] == min && (prefer_a(items, 0) || first[B] > min) {
        A
    } else if first[B] == min {
        B
    } else {
        C
    }
}

/// zint's choice between sets A and B when both are equally short: A when the characters from `i` are
/// control characters, or when the block of characters both sets take (or of digits) that starts at `i`
/// is followed right away by a control character.
fn prefer_a(items: &[Item], i: usize) -> bool {
    let class = |k: usize| match items.get(k) {
        Some(Item::Char(c)) if *c >= 128 && *c - 128 < 32 => 0, // set A only (FNC4)
        Some(Item::Char(c)) if *c >= 128 + 96 => 1,             // set B only (FNC4)
        Some(Item::Char(c)) if *c >= 128 => 3,                  // either set
        Some(Item::Char(c)) if *c < 32 => 0,                    // set A only
        Some(Item::Char(c)) if *c >= 96 => 1,                   // set B only
        Some(Item::Char(c)) if c.is_ascii_digit() => 2,
        Some(_) => 3, // either set (FNC1 goes anywhere)
        None => 4,
    };
    let first = class(i);
    if first == 0 {
        return true;
    }
    if first == 1 || first == 4 {
        return false;
    }
    let end = (i..=items.len())
        .find(|&k| class(k) != first)
        .unwrap_or(items.len());
    class(end) == 0
}

/// The set to encode `items[i]` in, given the active set and the optimum `best` from here. Every candidate
/// is optimal; among equals the choice follows zint: latch to C inside a run of four digits or more (FNC1
/// does not break a run; an odd run gives its first digit to the current set), latch rather than shift for two or more characters of
/// the other set, otherwise stay.
fn next_set(items: &[Item], i: usize, set: usize, consume: &[[u32; 3]], best: u32) -> usize {
    let Some(here) = consume.get(i) else {
        return set;
    };
    let optimal_latch = |t: usize| t != set && here[t] < INF && 1 + here[t] == best;
    let odd = odd_head(items, i);
    if set != C && in_long_digit_block(items, i) && !odd && optimal_latch(C) {
        return C;
    }
    if set == C && odd && is_digit(items, i) && optimal_latch(B) {
        return B;
    }
    if needs_shift(items, i, set) && needs_shift(items, i + 1, set) {
        let other = if set == A { B } else { A };
        if optimal_latch(other) {
            return other;
        }
    }
    if here[set] == best {
        return set;
    }
    if optimal_latch(C) {
        C
    } else if optimal_latch(A) && (prefer_a(items, i) || !optimal_latch(B)) {
        A
    } else {
        B
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
                allowed: ALLOWED
            }
        );
    }

    #[test]
    fn latin1_goes_through_fnc4() {
        // "é" (0xE9): FNC4 then 0x69 ('i') in set B.
        let v = values(&items_latin1("é"));
        assert_eq!(v, vec![START[B], FNC4[B], b'i' - 32]);
        // U+0080 (base 0, a control character): set A.
        let v = values(&items_latin1("\u{80}"));
        assert_eq!(v, vec![START[A], FNC4[A], 64]);
        // Mixed ASCII and Latin-1: a lone Latin-1 character costs two symbols.
        let v = values(&items_latin1("Zürich Ø5"));
        assert_eq!(v.len(), 1 + 9 + 2);
        // A run: FNC4 FNC4 into extended mode, then one symbol a character.
        let v = values(&items_latin1("àéîõü"));
        assert_eq!(v, vec![START[B], FNC4[B], FNC4[B], 64, 73, 78, 85, 92]);
    }

    fn items_latin1(s: &str) -> Vec<Item> {
        s.chars()
            .map(|c| Item::Char(u8::try_from(u32::from(c)).unwrap()))
            .collect()
    }

    #[test]
    fn controls_and_lower_case_mix() {
        let v = values(&items("a\tb\x01c"));
        assert_eq!(v[0], START[B]);
        // a, shift TAB, b, shift SOH, c: 7 data symbols (a latch to A would cost the same, never less).
        assert_eq!(v.len(), 1 + 7);
    }
}
