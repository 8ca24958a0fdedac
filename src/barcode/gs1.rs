//! GS1 element strings: application identifiers (AIs) and their values, parsed and validated once for
//! GS1-128 and GS1 DataMatrix.
//!
//! Two input forms are accepted:
//! - AIs in parentheses, as printed under a barcode: `(01)04601234567893(21)ABC123`. A value runs to the
//!   next `(`, so values cannot contain `(`.
//! - The raw element string a scanner returns, with the group separator (GS, 0x1D) ending variable-length
//!   values: `0104601234567893215Ab3dE9fGhIjK<GS>93AbCd` (Честный ЗНАК marking codes). A leading GS (the
//!   way scanners transmit the initial FNC1) is accepted.
//!
//! Only the AIs in [`SPECS`] are known; anything else is an error rather than a guess.

use super::{BarcodeError, Symbology};

/// The group separator that ends a variable-length value in a raw element string.
pub const GS: char = '\u{1d}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Exactly n digits whose last is a GS1 mod-10 check digit.
    Check(usize),
    /// Exactly n digits.
    Digits(usize),
    /// A date, YYMMDD; DD may be 00 (meaning the end of the month).
    Date,
    /// 1 to n digits.
    DigitsUpTo(usize),
    /// 1 to n characters of GS1 character set 82.
    TextUpTo(usize),
}

/// Known AIs: the identifier (or its first three digits, for the four-digit measure AIs 31nn–36nn, where the
/// last digit is the decimal point position), the format, and a short name for messages.
const SPECS: &[(&str, Format, &str)] = &[
    ("00", Format::Check(18), "SSCC"),
    ("01", Format::Check(14), "GTIN"),
    ("02", Format::Check(14), "CONTENT"),
    ("10", Format::TextUpTo(20), "BATCH/LOT"),
    ("11", Format::Date, "PROD DATE"),
    ("12", Format::Date, "DUE DATE"),
    ("13", Format::Date, "PACK DATE"),
    ("15", Format::Date, "BEST BEFORE"),
    ("16", Format::Date, "SELL BY"),
    ("17", Format::Date, "USE BY"),
    ("20", Format::Digits(2), "VARIANT"),
    ("21", Format::TextUpTo(20), "SERIAL"),
    ("22", Format::TextUpTo(20), "CPV"),
    ("240", Format::TextUpTo(30), "ADDITIONAL ID"),
    ("241", Format::TextUpTo(30), "CUST. PART No."),
    ("250", Format::TextUpTo(30), "SECONDARY SERIAL"),
    ("251", Format::TextUpTo(30), "REF. TO SOURCE"),
    ("30", Format::DigitsUpTo(8), "VAR. COUNT"),
    ("310", Format::Digits(6), "NET WEIGHT (kg)"),
    ("311", Format::Digits(6), "LENGTH (m)"),
    ("312", Format::Digits(6), "WIDTH (m)"),
    ("313", Format::Digits(6), "HEIGHT (m)"),
    ("314", Format::Digits(6), "AREA (m²)"),
    ("315", Format::Digits(6), "NET VOLUME (l)"),
    ("316", Format::Digits(6), "NET VOLUME (m³)"),
    ("330", Format::Digits(6), "GROSS WEIGHT (kg)"),
    ("37", Format::DigitsUpTo(8), "COUNT"),
    ("400", Format::TextUpTo(30), "ORDER NUMBER"),
    ("401", Format::TextUpTo(30), "GINC"),
    ("402", Format::Check(17), "GSIN"),
    ("410", Format::Check(13), "SHIP TO LOC"),
    ("411", Format::Check(13), "BILL TO"),
    ("412", Format::Check(13), "PURCHASE FROM"),
    ("413", Format::Check(13), "SHIP FOR LOC"),
    ("414", Format::Check(13), "LOC No."),
    ("415", Format::Check(13), "PAY TO"),
    ("420", Format::TextUpTo(20), "SHIP TO POST"),
    ("90", Format::TextUpTo(30), "INTERNAL"),
    ("91", Format::TextUpTo(90), "INTERNAL"),
    ("92", Format::TextUpTo(90), "INTERNAL"),
    ("93", Format::TextUpTo(90), "INTERNAL"),
    ("94", Format::TextUpTo(90), "INTERNAL"),
    ("95", Format::TextUpTo(90), "INTERNAL"),
    ("96", Format::TextUpTo(90), "INTERNAL"),
    ("97", Format::TextUpTo(90), "INTERNAL"),
    ("98", Format::TextUpTo(90), "INTERNAL"),
    ("99", Format::TextUpTo(90), "INTERNAL"),
];

/// AI prefixes whose length the GS1 General Specifications predefine: no separator follows them.
const PREDEFINED_LENGTH: [&str; 23] = [
    "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "23",
    "31", "32", "33", "34", "35", "36", "41",
];

/// GS1-128 carries at most 48 data characters (AIs and values, separators not counted).
pub(crate) const MAX_GS1_128_CHARS: usize = 48;

const CSET82: &str =
    "GS1 character set 82: A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _";
const DIGITS: &str = "this AI takes digits only";

/// One application identifier and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    pub ai: String,
    pub value: String,
}

impl Element {
    /// Whether a separator (FNC1 or GS) must follow this element when another one comes after it.
    pub fn needs_separator(&self) -> bool {
        !PREDEFINED_LENGTH.iter().any(|p| self.ai.starts_with(p))
    }
}

/// The human-readable form: `(01)04601234567893(21)ABC`.
pub(crate) fn human_readable(elements: &[Element]) -> String {
    elements
        .iter()
        .map(|e| format!("({}){}", e.ai, e.value))
        .collect()
}

/// The element string with GS separators after variable-length values (not after the last one), as GS1
/// DataMatrix carries it and scanners return it.
pub(crate) fn element_string(elements: &[Element]) -> String {
    let mut out = String::new();
    for (i, e) in elements.iter().enumerate() {
        out.push_str(&e.ai);
        out.push_str(&e.value);
        if e.needs_separator() && i + 1 < elements.len() {
            out.push(GS);
        }
    }
    out
}

fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

fn spec(ai: &str) -> Option<(Format, &'static str)> {
    SPECS.iter().find_map(|&(id, format, name)| {
        let matches = if id.len() == 3 && id.starts_with('3') && id.as_bytes()[1] <= b'6' {
            ai.len() == 4 && ai.starts_with(id)
        } else {
            ai == id
        };
        matches.then_some((format, name))
    })
}

/// The length of the AI at the start of `digits` in a raw element string, if it is one we know.
fn known_ai_len(digits: &[char]) -> Option<usize> {
    (2..=4).find(|&n| {
        digits.len() >= n
            && digits[..n].iter().all(char::is_ascii_digit)
            && spec(&digits[..n].iter().collect::<String>()).is_some()
    })
}

/// Parses and validates GS1 input for `symbology` (either form, see the module docs).
pub(crate) fn parse(symbology: Symbology, data: &str) -> Result<Vec<Element>, BarcodeError> {
    let chars: Vec<char> = data.chars().collect();
    let elements = if chars.first() == Some(&'(') {
        parse_parenthesised(symbology, &chars)?
    } else {
        parse_raw(symbology, &chars)?
    };
    if elements.is_empty() {
        return Err(BarcodeError::Empty { symbology });
    }
    Ok(elements)
}

fn gs1_error(symbology: Symbology, position: usize, message: String) -> BarcodeError {
    BarcodeError::Gs1 {
        symbology,
        message,
        position,
    }
}

fn parse_parenthesised(symbology: Symbology, chars: &[char]) -> Result<Vec<Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '(' {
            return Err(gs1_error(
                symbology,
                i + 1,
                format!(
                    "expected '(' to open an application identifier, found {:?}",
                    chars[i]
                ),
            ));
        }
        let close = chars[i + 1..]
            .iter()
            .position(|&c| c == ')')
            .map(|p| p + i + 1)
            .ok_or_else(|| gs1_error(symbology, i + 1, "'(' without a closing ')'".into()))?;
        let ai: String = chars[i + 1..close].iter().collect();
        let value_start = close + 1;
        let value_end = chars[value_start..]
            .iter()
            .position(|&c| c == '(')
            .map_or(chars.len(), |p| p + value_start);
        let value: String = chars[value_start..value_end].iter().collect();
        elements.push(validate(symbology, &ai, &value, i + 1, value_start + 1)?);
        i = value_end;
    }
    Ok(elements)
}

fn parse_raw(symbology: Symbology, chars: &[char]) -> Result<Vec<Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = usize::from(chars.first() == Some(&GS));
    while i < chars.len() {
        let Some(n) = known_ai_len(&chars[i..]) else {
            let shown: String = chars[i..].iter().take(4).collect();
            return Err(gs1_error(
                symbology,
                i + 1,
                format!("no known application identifier at {shown:?}"),
            ));
        };
        let ai: String = chars[i..i + n].iter().collect();
        let value_start = i + n;
        let (format, _) =
            spec(&ai).ok_or_else(|| gs1_error(symbology, i + 1, "unknown AI".into()))?;
        let value_end = match format {
            Format::Check(len) | Format::Digits(len) => (value_start + len).min(chars.len()),
            Format::Date => (value_start + 6).min(chars.len()),
            Format::DigitsUpTo(_) | Format::TextUpTo(_) => chars[value_start..]
                .iter()
                .position(|&c| c == GS)
                .map_or(chars.len(), |p| p + value_start),
        };
        let value: String = chars[value_start..value_end].iter().collect();
        elements.push(validate(symbology, &ai, &value, i + 1, value_start + 1)?);
        i = value_end;
        if chars.get(i) == Some(&GS) {
            i += 1;
            if i == chars.len() {
                return Err(gs1_error(
                    symbology,
                    i,
                    "a group separator ends the value".into(),
                ));
            }
        }
    }
    Ok(elements)
}

/// Checks one AI and its value; positions are 1-based, of the AI and of the value's first character.
fn validate(
    symbology: Symbology,
    ai: &str,
    value: &str,
    ai_position: usize,
    value_position: usize,
) -> Result<Element, BarcodeError> {
    if ai.is_empty() || !ai.chars().all(|c| c.is_ascii_digit()) || ai.len() > 4 {
        return Err(gs1_error(
            symbology,
            ai_position,
            format!("({ai}) is not an application identifier (2 to 4 digits)"),
        ));
    }
    let (format, name) = spec(ai).ok_or_else(|| {
        gs1_error(
            symbology,
            ai_position,
            format!("unknown application identifier ({ai})"),
        )
    })?;
    let len = value.chars().count();
    let numeric = matches!(
        format,
        Format::Check(_) | Format::Digits(_) | Format::Date | Format::DigitsUpTo(_)
    );
    for (k, c) in value.chars().enumerate() {
        let ok = if numeric {
            c.is_ascii_digit()
        } else {
            is_cset82(c)
        };
        if !ok {
            return Err(BarcodeError::InvalidCharacter {
                symbology,
                character: c,
                position: value_position + k,
                allowed: if numeric { DIGITS } else { CSET82 },
            });
        }
    }
    let wrong_length = |expected: String| {
        gs1_error(
            symbology,
            ai_position,
            format!("AI ({ai}) {name} takes {expected}, got {len}"),
        )
    };
    match format {
        Format::Check(n) | Format::Digits(n) if len != n => {
            return Err(wrong_length(format!("{n} digits")))
        }
        Format::Date if len != 6 => return Err(wrong_length("a date YYMMDD (6 digits)".into())),
        Format::DigitsUpTo(n) | Format::TextUpTo(n) if len == 0 || len > n => {
            return Err(wrong_length(format!("1 to {n} characters")))
        }
        _ => {}
    }
    if let Format::Check(_) = format {
        let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
        let (body, last) = digits.split_at(digits.len() - 1);
        let expected = check_digit(body);
        if last.first() != Some(&expected) {
            return Err(BarcodeError::CheckDigit {
                symbology,
                value: format!("({ai}){value}"),
                found: value.chars().last().unwrap_or('?'),
                expected: char::from_digit(expected, 10).unwrap_or('?'),
            });
        }
    }
    if format == Format::Date {
        let d: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
        let (month, day) = (d[2] * 10 + d[3], d[4] * 10 + d[5]);
        let max_day = match month {
            2 => 29,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=12).contains(&month) || day > max_day {
            return Err(gs1_error(
                symbology,
                value_position,
                format!("AI ({ai}) {name}: {value} is not a date YYMMDD"),
            ));
        }
    }
    Ok(Element {
        ai: ai.to_string(),
        value: value.to_string(),
    })
}

/// The GS1 mod-10 check digit of `body` (weights 3, 1, 3, … from the right): EAN, ITF-14, SSCC, GTIN.
pub(crate) fn check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Symbology = Symbology::Gs1_128;

    #[test]
    fn parenthesised_and_raw_forms_agree() {
        let a = parse(S, "(01)04601234567893(21)5Ab3dE9fGhIjK(93)AbCd").unwrap();
        let b = parse(S, "0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            element_string(&a),
            "0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd"
        );
        assert_eq!(
            human_readable(&a),
            "(01)04601234567893(21)5Ab3dE9fGhIjK(93)AbCd"
        );
    }

    #[test]
    fn check_digits() {
        assert_eq!(check_digit(&[0, 4, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 3);
        let e = parse(S, "(01)04601234567894").unwrap_err();
        assert!(
            matches!(
                e,
                BarcodeError::CheckDigit {
                    expected: '3',
                    found: '4',
                    ..
                }
            ),
            "{e}"
        );
        assert!(parse(S, "(00)346012345000000013").is_ok());
        assert!(matches!(
            parse(S, "(00)346012345000000010"),
            Err(BarcodeError::CheckDigit { expected: '3', .. })
        ));
    }

    #[test]
    fn errors_name_the_ai_and_position() {
        let e = parse(S, "(01)04601234567893(23)X").unwrap_err();
        assert_eq!(
            e,
            BarcodeError::Gs1 {
                symbology: S,
                message: "unknown application identifier (23)".into(),
                position: 19
            }
        );
        let e = parse(S, "(10)AB Ж").unwrap_err();
        assert!(
            matches!(
                e,
                BarcodeError::InvalidCharacter {
                    character: ' ',
                    position: 7,
                    ..
                }
            ),
            "{e}"
        );
        assert!(parse(S, "(17)261332").is_err());
        assert!(parse(S, "(17)261200").is_ok());
        assert!(parse(S, "(21)").is_err());
        assert!(parse(S, "(01)123").is_err());
        assert!(parse(S, "0104601234567893\u{1d}").is_err());
        assert!(parse(S, "(3103)000150").is_ok());
        assert!(parse(S, "(21)ABC").unwrap()[0].needs_separator());
        assert!(!parse(S, "(3103)000150").unwrap()[0].needs_separator());
    }
}
