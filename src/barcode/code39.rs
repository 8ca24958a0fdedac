//! Code 39: 43 characters, start and stop `*`, wide elements three modules, one-module gaps.

use super::{BarcodeError, Symbology};

/// The character set, in table order.
const CHARS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%*";
/// Wide elements (bar, space, bar, … nine in all) of each character, as a 9-bit mask, first element in
/// the highest bit.
const PATTERNS: [u16; 44] = [
    0b000110100,
    0b100100001,
    0b001100001,
    0b101100000,
    0b000110001,
    0b100110000,
    0b001110000,
    0b000100101,
    0b100100100,
    0b001100100,
    0b100001001,
    0b001001001,
    0b101001000,
    0b000011001,
    0b100011000,
    0b001011000,
    0b000001101,
    0b100001100,
    0b001001100,
    0b000011100,
    0b100000011,
    0b001000011,
    0b101000010,
    0b000010011,
    0b100010010,
    0b001010010,
    0b000000111,
    0b100000110,
    0b001000110,
    0b000010110,
    0b110000001,
    0b011000001,
    0b111000000,
    0b010010001,
    0b110010000,
    0b011010000,
    0b010000101,
    0b110000100,
    0b011000100,
    0b010101000,
    0b010100010,
    0b010001010,
    0b000101010,
    0b010010100,
];
/// See `itf.rs`: three modules, the widest ratio the standard allows.
const WIDE: u8 = 3;
/// Documented limit on data characters.
pub(crate) const MAX_CHARS: usize = 80;

/// Validates `data` and encodes it with start and stop characters, and with `check` the modulo-43 check
/// character (the sum of the characters' values modulo 43) before the stop. Returns the modules and the check
/// character appended, if any.
///
/// Lower-case letters are refused, not upper-cased: a scanner would return other text than the value given.
pub(crate) fn encode(
    symbology: Symbology,
    data: &str,
    check: bool,
) -> Result<(Vec<bool>, Option<char>), BarcodeError> {
    let mut indexes = Vec::with_capacity(data.len() + 2);
    let star = CHARS.len() - 1;
    indexes.push(star);
    for (i, c) in data.chars().enumerate() {
        match CHARS.find(c).filter(|&k| k != star) {
            Some(k) => indexes.push(k),
            None => {
                return Err(BarcodeError::InvalidCharacter {
                    symbology,
                    character: c,
                    position: i + 1,
                    allowed: if c.is_ascii_lowercase() {
                        "Code 39 has upper-case letters only; write it in capitals"
                    } else {
                        "Code 39 takes 0-9, A-Z, space and - . $ / + %"
                    },
                });
            }
        }
    }
    let count = indexes.len() - 1;
    if count > MAX_CHARS {
        return Err(BarcodeError::TooLong {
            symbology,
            length: count,
            max: MAX_CHARS,
        });
    }
    let check_char = check.then(|| {
        let k = indexes[1..].iter().sum::<usize>() % 43;
        indexes.push(k);
        CHARS.as_bytes()[k] as char
    });
    indexes.push(star);
    let mut widths = Vec::with_capacity(indexes.len() * 10);
    for (n, &k) in indexes.iter().enumerate() {
        if n > 0 {
            widths.push(1); // inter-character gap, a space
        }
        for e in (0..9).rev() {
            widths.push(if PATTERNS[k] >> e & 1 == 1 { WIDE } else { 1 });
        }
    }
    let mut out = Vec::new();
    super::widths_to_modules(widths, &mut out);
    Ok((out, check_char))
}
