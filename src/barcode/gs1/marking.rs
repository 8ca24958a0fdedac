//! Честный ЗНАК marking codes: the GS1 DataMatrix contents Russia's product-marking system puts on goods,
//! read back the way scanners deliver them.
//!
//! A marking code is a GS1 element string of fixed shape per product group: the GTIN (01), a serial (21),
//! then a verification key and crypto code. Scanners deliver it in several ways: with the group separators
//! (GS, 0x1D) after the variable-length fields, with the separators lost (a keyboard wedge that drops control
//! characters), with a trailing GS or line end, with the `]d2` symbology identifier in front. Because every
//! field of the known structures has a fixed length, the field boundaries can be recovered when the GS is
//! lost; [`MarkingCode::parse`] does that and gives one normal form for storage and one for the Seller API.

use super::{parse, show_char, Checks, Element, GS};
use crate::barcode::Symbology;

/// The structure of a marking code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkingKind {
    /// (01) GTIN, (21) 13-character serial, (91) 4-character verification key, (92) 44-character crypto code:
    /// light industry, shoes, tyres, perfume, cameras, medicines.
    Crypto44,
    /// (01) GTIN, (21) 13-character serial, (93) 4-character crypto tail: water, dietary supplements,
    /// antiseptics and the other groups of the short format.
    Crypto4,
    /// (01) GTIN, (21) 6-character serial, (93) 4-character crypto tail, and for goods sold by weight
    /// (3103) the net weight in grams: dairy.
    Dairy,
    /// (01) GTIN, (21) 7-character serial, (8005) 6-digit maximum retail price, (93) 4-character crypto tail:
    /// a block (carton) of tobacco.
    TobaccoBlock,
    /// 29 characters without application identifiers: 14-digit GTIN, 7-character serial, 4-character
    /// maximum retail price, 4-character crypto tail: a pack of cigarettes.
    TobaccoPack,
    /// Another GS1 element string with (01) and (21), delivered with its separators: a product group whose
    /// structure shiplabel does not know field by field, validated by the GS1 rules only.
    OtherGs1,
}

/// A marking code that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("marking code: {message}")]
pub struct MarkingCodeError {
    /// What is wrong, naming the field and position where known.
    pub message: String,
}

/// A validated Честный ЗНАК marking code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkingCode {
    kind: MarkingKind,
    /// The fields in order; for [`MarkingKind::TobaccoPack`] the whole code as one pseudo-field "".
    elements: Vec<Element>,
    /// The tobacco pack's 29 characters (empty otherwise).
    pack: String,
}

/// A known structure: the AIs in order with the exact length of each value; `optional_tail` fields may be
/// absent.
struct Structure {
    kind: MarkingKind,
    fields: &'static [(&'static str, usize)],
    optional_tail: &'static [(&'static str, usize)],
}

const STRUCTURES: &[Structure] = &[
    Structure {
        kind: MarkingKind::Crypto44,
        fields: &[("01", 14), ("21", 13), ("91", 4), ("92", 44)],
        optional_tail: &[],
    },
    Structure {
        kind: MarkingKind::Crypto4,
        fields: &[("01", 14), ("21", 13), ("93", 4)],
        optional_tail: &[],
    },
    Structure {
        kind: MarkingKind::Dairy,
        fields: &[("01", 14), ("21", 6), ("93", 4)],
        optional_tail: &[("3103", 6)],
    },
    Structure {
        kind: MarkingKind::TobaccoBlock,
        fields: &[("01", 14), ("21", 7), ("8005", 6), ("93", 4)],
        optional_tail: &[],
    },
];

fn err(message: impl Into<String>) -> MarkingCodeError {
    MarkingCodeError {
        message: message.into(),
    }
}

/// Tries to read `chars` as `structure`, a GS allowed (not required) after every field; the normal form
/// (GS after every variable-length field but the last) if it fits.
fn match_structure(structure: &Structure, chars: &[char]) -> Option<String> {
    let mut at = 0;
    let mut out = String::new();
    let mut previous: Option<&str> = None;
    let all = structure.fields.iter().chain(structure.optional_tail);
    for (k, &(ai, len)) in all.enumerate() {
        if at == chars.len() && k >= structure.fields.len() {
            break;
        }
        let ai_chars: Vec<char> = ai.chars().collect();
        if chars.get(at..at + ai_chars.len())? != ai_chars.as_slice() {
            return None;
        }
        at += ai_chars.len();
        let value = chars.get(at..at + len)?;
        if value.contains(&GS) {
            return None;
        }
        at += len;
        if previous.is_some_and(|p| !super::lookup(p).is_some_and(|s| s.predefined_length)) {
            out.push(GS);
        }
        out.push_str(ai);
        out.extend(value);
        previous = Some(ai);
        if chars.get(at) == Some(&GS) {
            at += 1;
        }
    }
    (at == chars.len()).then_some(out)
}

impl MarkingCode {
    /// Reads a marking code as a scanner delivers it: with or without GS separators, with a leading or
    /// trailing GS, a trailing line end, or a `]d2` / `]C1` symbology identifier in front.
    ///
    /// ```
    /// use shiplabel::barcode::gs1::{MarkingCode, MarkingKind};
    ///
    /// let with_gs = "0104601234567893215Ab3dE9fGhIjK\u{1d}93AbCd";
    /// let gs_lost = "0104601234567893215Ab3dE9fGhIjK93AbCd";
    /// let a = MarkingCode::parse(with_gs)?;
    /// let b = MarkingCode::parse(gs_lost)?;
    /// assert_eq!(a, b);
    /// assert_eq!(a.kind(), MarkingKind::Crypto4);
    /// assert_eq!(a.for_storage(), with_gs);
    /// assert_eq!(a.for_seller_api(), "0104601234567893215Ab3dE9fGhIjK");
    /// # Ok::<(), shiplabel::barcode::gs1::MarkingCodeError>(())
    /// ```
    pub fn parse(input: &str) -> Result<MarkingCode, MarkingCodeError> {
        let mut s = input.trim_end_matches(['\r', '\n']);
        for prefix in ["]d2", "]C1", "]Q3"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest;
            }
        }
        let s = s.strip_prefix(GS).unwrap_or(s);
        if s.is_empty() {
            return Err(err("empty"));
        }
        if let Some((k, c)) = s
            .chars()
            .enumerate()
            .find(|&(_, c)| c != GS && !c.is_ascii_graphic())
        {
            return Err(err(format!(
                "character {} at position {} cannot be in a marking code",
                show_char(c),
                k + 1
            )));
        }
        let chars: Vec<char> = s.chars().collect();
        for structure in STRUCTURES {
            if let Some(normal) = match_structure(structure, &chars) {
                return Self::from_gs1(structure.kind, &normal);
            }
        }
        if chars.len() == 29 && !s.contains(GS) && chars[..14].iter().all(char::is_ascii_digit) {
            return Self::tobacco_pack(s);
        }
        if s.contains(GS) {
            let elements = parse(Symbology::Gs1DataMatrix, s, Checks::Elements)
                .map_err(|e| err(e.to_string()))?;
            let has = |ai: &str| elements.iter().any(|e| e.ai == ai);
            if elements.first().is_some_and(|e| e.ai == "01") && has("21") {
                return Ok(MarkingCode {
                    kind: MarkingKind::OtherGs1,
                    elements,
                    pack: String::new(),
                });
            }
            return Err(err(
                "a marking code starts with (01) GTIN and has a (21) serial",
            ));
        }
        Err(err(format!(
            "{} characters without separators match no known structure: (01)(21)(91)(92) with a 13-character serial, \
             (01)(21)(93) with a 13-, 6- (dairy, optionally (3103)) or 7-character serial ((8005) for tobacco blocks), \
             or a 29-character tobacco pack code",
            chars.len()
        )))
    }

    fn from_gs1(kind: MarkingKind, normal: &str) -> Result<MarkingCode, MarkingCodeError> {
        let elements = parse(Symbology::Gs1DataMatrix, normal, Checks::Elements)
            .map_err(|e| err(e.to_string()))?;
        Ok(MarkingCode {
            kind,
            elements,
            pack: String::new(),
        })
    }

    fn tobacco_pack(s: &str) -> Result<MarkingCode, MarkingCodeError> {
        let gtin = &s[..14];
        let digits: Vec<u32> = gtin.chars().filter_map(|c| c.to_digit(10)).collect();
        let expected = super::check_digit(&digits[..13]);
        if digits[13] != expected {
            return Err(err(format!(
                "GTIN {gtin}: check digit {} at position 14 is wrong, expected {expected}",
                digits[13]
            )));
        }
        Ok(MarkingCode {
            kind: MarkingKind::TobaccoPack,
            elements: Vec::new(),
            pack: s.to_string(),
        })
    }

    /// The structure recognised.
    pub fn kind(&self) -> MarkingKind {
        self.kind
    }

    /// The GTIN, 14 digits.
    pub fn gtin(&self) -> &str {
        if self.kind == MarkingKind::TobaccoPack {
            return &self.pack[..14];
        }
        self.value("01").unwrap_or("")
    }

    /// The serial number.
    pub fn serial(&self) -> &str {
        if self.kind == MarkingKind::TobaccoPack {
            return &self.pack[14..21];
        }
        self.value("21").unwrap_or("")
    }

    /// The value of an AI of the code, if present.
    pub fn value(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// The whole code in its normal form, to store and to print again as GS1 DataMatrix: the element string
    /// with a GS after every variable-length field except the last, no leading or trailing GS. A tobacco pack
    /// code as its 29 characters.
    pub fn for_storage(&self) -> String {
        if self.kind == MarkingKind::TobaccoPack {
            return self.pack.clone();
        }
        super::element_string(&self.elements)
    }

    /// The form the Ozon Seller API takes in `mandatory_mark` (as its own examples show): the identification
    /// code, (01) GTIN and (21) serial without the verification key and crypto code, e.g.
    /// `0104601234567893215Ab3dE9fGhIjK`. A tobacco pack code: its GTIN and serial.
    pub fn for_seller_api(&self) -> String {
        if self.kind == MarkingKind::TobaccoPack {
            format!("{}{}", self.gtin(), self.serial())
        } else {
            format!("01{}21{}", self.gtin(), self.serial())
        }
    }

    /// The code with AIs in parentheses, for people: `(01)04601234567893(21)5Ab3dE9fGhIjK(93)AbCd`.
    pub fn human_readable(&self) -> String {
        if self.kind == MarkingKind::TobaccoPack {
            return self.pack.clone();
        }
        super::human_readable(&self.elements)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRYPTO: &str = "dGVzdCBjcnlwdG8gdGFpbCBmb3Igc2hpcGxhYmVsIHg=";

    fn gtin() -> &'static str {
        "04601234567893"
    }

    #[test]
    fn crypto44_with_gs_lost_and_trailing() {
        assert_eq!(CRYPTO.len(), 44);
        let normal = format!("01{}215Ab3dE9fGhIjK{GS}91EE06{GS}92{CRYPTO}", gtin());
        let lost = normal.replace(GS, "");
        for input in [
            normal.clone(),
            lost.clone(),
            format!("{normal}{GS}"),
            format!("{GS}{normal}\r\n"),
            format!("]d2{normal}"),
        ] {
            let m = MarkingCode::parse(&input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(m.kind(), MarkingKind::Crypto44);
            assert_eq!(m.for_storage(), normal);
            assert_eq!(m.serial(), "5Ab3dE9fGhIjK");
            assert_eq!(m.value("91"), Some("EE06"));
            assert_eq!(m.for_seller_api(), "0104601234567893215Ab3dE9fGhIjK");
        }
    }

    #[test]
    fn dairy_tobacco_and_others() {
        let m = MarkingCode::parse("010460123456789321AbC12393x7Yz").unwrap();
        assert_eq!(m.kind(), MarkingKind::Dairy);
        assert_eq!(m.for_storage(), "010460123456789321AbC123\u{1d}93x7Yz");
        let m = MarkingCode::parse("010460123456789321AbC12393x7Yz3103000450").unwrap();
        assert_eq!(m.kind(), MarkingKind::Dairy);
        assert_eq!(m.value("3103"), Some("000450"));
        assert_eq!(
            m.for_storage(),
            "010460123456789321AbC123\u{1d}93x7Yz\u{1d}3103000450"
        );
        let m = MarkingCode::parse("010460123456789321Ab-12_3800501234593Zx9Y").unwrap();
        assert_eq!(m.kind(), MarkingKind::TobaccoBlock);
        assert_eq!(m.value("8005"), Some("012345"));
        let m = MarkingCode::parse("04601234567893Ab-12_3MRP!Cr+t").unwrap();
        assert_eq!(m.kind(), MarkingKind::TobaccoPack);
        assert_eq!(m.gtin(), "04601234567893");
        assert_eq!(m.serial(), "Ab-12_3");
        let m = MarkingCode::parse("0104601234567893211234\u{1d}93AbCd").unwrap();
        assert_eq!(m.kind(), MarkingKind::OtherGs1);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = MarkingCode::parse("0104601234567894215Ab3dE9fGhIjK93AbCd").unwrap_err();
        assert!(e.to_string().contains("check digit"), "{e}");
        let e = MarkingCode::parse("0104601234567893215Ab3dE9fGhIjK93AbC").unwrap_err();
        assert!(e.to_string().contains("match no known structure"), "{e}");
        let e = MarkingCode::parse("01046012345678932\u{7f}5Ab3dE9fGhIjK93AbCd").unwrap_err();
        assert!(e.to_string().contains("U+007F at position 18"), "{e}");
        assert!(MarkingCode::parse("\u{1d}").is_err());
    }
}
