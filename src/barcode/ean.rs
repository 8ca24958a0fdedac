//! EAN-13 and EAN-8: digits with a GS1 mod-10 check digit, computed when left out and verified when given.

use super::gs1::check_digit;
use super::{BarcodeError, Symbology};

/// Left-half digits with odd parity (set A); set C (right half) is their complement and set B (even
/// parity) the complement reversed.
const SET_A: [&str; 10] = [
    "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
    "0110111", "0001011",
];
/// For EAN-13, the parity pattern of the six left-hand digits encodes the first digit (`true` = set B).
const PARITY: [[bool; 6]; 10] = [
    [false, false, false, false, false, false],
    [false, false, true, false, true, true],
    [false, false, true, true, false, true],
    [false, false, true, true, true, false],
    [false, true, false, false, true, true],
    [false, true, true, false, false, true],
    [false, true, true, true, false, false],
    [false, true, false, true, false, true],
    [false, true, false, true, true, false],
    [false, true, true, false, true, false],
];

/// Validates `data` (all digits; one digit short of `full` gets its check digit appended) and returns
/// the complete digits.
pub(crate) fn complete_digits(
    symbology: Symbology,
    data: &str,
    full: usize,
    expected: &'static str,
) -> Result<Vec<u32>, BarcodeError> {
    let mut digits = Vec::with_capacity(full);
    for (i, c) in data.chars().enumerate() {
        let d = c.to_digit(10).filter(|_| c.is_ascii_digit()).ok_or(
            BarcodeError::InvalidCharacter {
                symbology,
                character: c,
                position: i + 1,
                allowed: "digits only",
            },
        )?;
        digits.push(d);
    }
    if digits.len() == full - 1 {
        digits.push(check_digit(&digits));
    } else if digits.len() == full {
        let (body, last) = digits.split_at(full - 1);
        let want = check_digit(body);
        if last != [want] {
            return Err(BarcodeError::CheckDigit {
                symbology,
                value: data.to_string(),
                found: data.chars().last().unwrap_or('?'),
                expected: char::from_digit(want, 10).unwrap_or('?'),
            });
        }
    } else if digits.len() > full {
        return Err(BarcodeError::TooLong {
            symbology,
            length: digits.len(),
            max: full,
        });
    } else {
        return Err(BarcodeError::WrongLength {
            symbology,
            length: digits.len(),
            expected,
        });
    }
    Ok(digits)
}

fn push_pattern(out: &mut Vec<bool>, pattern: &str, invert: bool, reverse: bool) {
    let bits: Vec<bool> = pattern.bytes().map(|b| (b == b'1') != invert).collect();
    if reverse {
        out.extend(bits.iter().rev());
    } else {
        out.extend(bits);
    }
}

/// Modules for complete EAN-13 (13 digits) or EAN-8 (8 digits), guard bars included.
pub(crate) fn modules(digits: &[u32]) -> Vec<bool> {
    let (parity, left, right): ([bool; 6], &[u32], &[u32]) = if digits.len() == 13 {
        let first = digits[0] as usize;
        (PARITY[first], &digits[1..7], &digits[7..])
    } else {
        let half = digits.len() / 2;
        ([false; 6], &digits[..half], &digits[half..])
    };
    let mut out = Vec::with_capacity(95);
    push_pattern(&mut out, "101", false, false);
    for (i, &d) in left.iter().enumerate() {
        let even = parity.get(i).copied().unwrap_or(false);
        // Set B is set C read backwards, and set C is set A inverted.
        push_pattern(&mut out, SET_A[d as usize], even, even);
    }
    push_pattern(&mut out, "01010", false, false);
    for &d in right {
        push_pattern(&mut out, SET_A[d as usize], true, false);
    }
    push_pattern(&mut out, "101", false, false);
    out
}
