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
/// The digits of `data`, or the first character that is not one, with its position.
fn digits_of(symbology: Symbology, data: &str) -> Result<Vec<u32>, BarcodeError> {
    data.chars()
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10)
                .filter(|_| c.is_ascii_digit())
                .ok_or(BarcodeError::InvalidCharacter {
                    symbology,
                    character: c,
                    position: i + 1,
                    allowed: "digits only",
                })
        })
        .collect()
}

pub(crate) fn complete_digits(
    symbology: Symbology,
    data: &str,
    full: usize,
    expected: &'static str,
) -> Result<Vec<u32>, BarcodeError> {
    let mut digits = digits_of(symbology, data)?;
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

/// UPC-E parity of the six digits by check digit, number system 0 (`true` = even parity, set B); number
/// system 1 is the complement.
const UPCE_PARITY: [&str; 10] = [
    "EEEOOO", "EEOEOO", "EEOOEO", "EEOOOE", "EOEEOO", "EOOEEO", "EOOOEE", "EOEOEO", "EOEOOE",
    "EOOEOE",
];

/// The UPC-A a UPC-E stands for (number system, then 10 digits, without the check digit).
pub(crate) fn upce_expand(ns: u32, d: &[u32]) -> Vec<u32> {
    let mut out = vec![ns];
    match d[5] {
        0..=2 => out.extend([d[0], d[1], d[5], 0, 0, 0, 0, d[2], d[3], d[4]]),
        3 => out.extend([d[0], d[1], d[2], 0, 0, 0, 0, 0, d[3], d[4]]),
        4 => out.extend([d[0], d[1], d[2], d[3], 0, 0, 0, 0, 0, d[4]]),
        _ => out.extend([d[0], d[1], d[2], d[3], d[4], 0, 0, 0, 0, d[5]]),
    }
    out
}

/// Validates a UPC-E value (6, 7 or 8 digits, see [`super::Symbology::UpcE`]) and returns its 8 digits:
/// number system, six digits, check digit.
pub(crate) fn upce_digits(data: &str) -> Result<Vec<u32>, BarcodeError> {
    let symbology = Symbology::UpcE;
    let mut digits = digits_of(symbology, data)?;
    if digits.len() > 8 {
        return Err(BarcodeError::TooLong {
            symbology,
            length: digits.len(),
            max: 8,
        });
    }
    if digits.len() < 6 {
        return Err(BarcodeError::WrongLength {
            symbology,
            length: digits.len(),
            expected:
                "6 (number system 0), 7 (number system and 6 digits) or 8 (with the check digit)",
        });
    }
    if digits.len() == 6 {
        digits.insert(0, 0);
    }
    if digits[0] > 1 {
        return Err(BarcodeError::InvalidCharacter {
            symbology,
            character: char::from_digit(digits[0], 10).unwrap_or('?'),
            position: 1,
            allowed: "the UPC-E number system is 0 or 1",
        });
    }
    // GS1's zero-suppression rules: the digit before a suppressed run must not be one the run could have
    // absorbed (else two UPC-E codes would stand for one UPC-A).
    let d = &digits[1..7];
    let offset = data.chars().count() - 6;
    let rule = match d[5] {
        3 if d[2] <= 2 => Some((2, "with last digit 3, the third digit cannot be 0, 1 or 2")),
        4 if d[3] == 0 => Some((3, "with last digit 4, the fourth digit cannot be 0")),
        5..=9 if d[4] == 0 => Some((4, "with last digit 5 to 9, the fifth digit cannot be 0")),
        _ => None,
    };
    if let Some((k, allowed)) = rule {
        return Err(BarcodeError::InvalidCharacter {
            symbology,
            character: char::from_digit(d[k], 10).unwrap_or('?'),
            position: offset + k + 1,
            allowed,
        });
    }
    let want = check_digit(&upce_expand(digits[0], &digits[1..7]));
    if digits.len() == 8 && digits[7] != want {
        return Err(BarcodeError::CheckDigit {
            symbology,
            value: data.to_string(),
            found: data.chars().last().unwrap_or('?'),
            expected: char::from_digit(want, 10).unwrap_or('?'),
        });
    }
    digits.truncate(7);
    digits.push(want);
    Ok(digits)
}

/// Modules of a UPC-E symbol from its 8 digits: start guard, six digits, the six-module end guard.
pub(crate) fn upce_modules(digits: &[u32]) -> Vec<bool> {
    let parity = UPCE_PARITY[digits[7] as usize].as_bytes();
    let mut out = Vec::with_capacity(51);
    push_pattern(&mut out, "101", false, false);
    for (i, &d) in digits[1..7].iter().enumerate() {
        let even = (parity[i] == b'E') != (digits[0] == 1);
        push_pattern(&mut out, SET_A[d as usize], even, even);
    }
    push_pattern(&mut out, "010101", false, false);
    out
}

/// The gap between a main symbol and its add-on, in modules (GS1: 7 to 12): 9 after UPC-A (its own right
/// quiet zone), 7 after EAN-13 and UPC-E, as zint draws them.
pub(crate) fn addon_gap(symbology: Symbology) -> usize {
    if symbology == Symbology::UpcA {
        9
    } else {
        7
    }
}

/// Validates an EAN-2 or EAN-5 add-on (`position` is the 1-based position of its first digit in the value).
pub(crate) fn addon_digits(
    symbology: Symbology,
    data: &str,
    position: usize,
) -> Result<Vec<u32>, BarcodeError> {
    let mut digits = Vec::with_capacity(5);
    for (i, c) in data.chars().enumerate() {
        let d = c.to_digit(10).filter(|_| c.is_ascii_digit()).ok_or(
            BarcodeError::InvalidCharacter {
                symbology,
                character: c,
                position: position + i,
                allowed: "an add-on takes digits only",
            },
        )?;
        digits.push(d);
    }
    if digits.len() != 2 && digits.len() != 5 {
        return Err(BarcodeError::WrongLength {
            symbology,
            length: digits.len(),
            expected: "2 or 5 after the '+' (EAN-2 or EAN-5 add-on)",
        });
    }
    Ok(digits)
}

/// Modules of an EAN-2 or EAN-5 add-on: start 1011, digits separated by 01, parities carrying the value's
/// check (EAN-2: the value modulo 4; EAN-5: a weighted sum modulo 10).
pub(crate) fn addon_modules(digits: &[u32]) -> Vec<bool> {
    const EAN5: [&str; 10] = [
        "BBAAA", "BABAA", "BAABA", "BAAAB", "ABBAA", "AABBA", "AAABB", "ABABA", "ABAAB", "AABAB",
    ];
    const EAN2: [&str; 4] = ["AA", "AB", "BA", "BB"];
    let parity = if digits.len() == 2 {
        EAN2[((digits[0] * 10 + digits[1]) % 4) as usize]
    } else {
        let sum = 3 * (digits[0] + digits[2] + digits[4]) + 9 * (digits[1] + digits[3]);
        EAN5[(sum % 10) as usize]
    };
    let mut out = Vec::new();
    push_pattern(&mut out, "1011", false, false);
    for (i, (&d, p)) in digits.iter().zip(parity.bytes()).enumerate() {
        if i > 0 {
            push_pattern(&mut out, "01", false, false);
        }
        let even = p == b'B';
        push_pattern(&mut out, SET_A[d as usize], even, even);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upce_expands_and_checks() {
        // 0 425261 4 ↔ UPC-A 0 42100 00526 4 (GS1 example family).
        assert_eq!(
            upce_expand(0, &[4, 2, 5, 2, 6, 1]),
            vec![0, 4, 2, 1, 0, 0, 0, 0, 5, 2, 6]
        );
        let d = upce_digits("425261").unwrap();
        assert_eq!(d, vec![0, 4, 2, 5, 2, 6, 1, 4]);
        assert!(upce_digits("04252614").is_ok());
        assert!(matches!(
            upce_digits("04252615"),
            Err(BarcodeError::CheckDigit { expected: '4', .. })
        ));
        assert_eq!(upce_modules(&d).len(), 51);
    }

    #[test]
    fn addons_have_their_widths() {
        assert_eq!(addon_modules(&[1, 2]).len(), 20);
        assert_eq!(addon_modules(&[5, 2, 4, 9, 5]).len(), 47);
    }
}
