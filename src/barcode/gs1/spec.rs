//! The shape of one entry of GS1's Barcode Syntax Dictionary, as `table.rs` (generated) spells it.

use super::lint::Lint;
use super::table::AIS;

/// The character set of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cset {
    /// Digits 0-9 ("N").
    Numeric,
    /// GS1 AI encodable character set 82 ("X").
    Cset82,
    /// GS1 AI encodable character set 39 ("Y"): A-Z 0-9 # - /.
    Cset39,
    /// GS1 AI encodable character set 64 ("Z"): base64url, `=` padding at the end.
    Cset64,
}

impl Cset {
    /// Whether `c` belongs to the set (CSET 64's padding is the `Cset64` linter's business).
    pub fn contains(self, c: char) -> bool {
        match self {
            Cset::Numeric => c.is_ascii_digit(),
            Cset::Cset82 => c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c),
            Cset::Cset39 => c.is_ascii_uppercase() || c.is_ascii_digit() || "#-/".contains(c),
            Cset::Cset64 => c.is_ascii_alphanumeric() || "-_=".contains(c),
        }
    }

    /// What the set accepts, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Cset::Numeric => "digits only",
            Cset::Cset82 => {
                "GS1 character set 82: A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _"
            }
            Cset::Cset39 => "GS1 character set 39: A-Z 0-9 # - /",
            Cset::Cset64 => "GS1 character set 64: A-Z a-z 0-9 - _ and = as padding at the end",
        }
    }
}

/// One component of an AI's value: `N13,csum,gcppos1` or the optional `[X..17]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Its character set.
    pub cset: Cset,
    /// Fewest characters (equal to `max` for a fixed-length component).
    pub min: u8,
    /// Most characters.
    pub max: u8,
    /// Whether the component may be left out (only at the end of the value).
    pub optional: bool,
    /// The dictionary's linters for the component, applied in order.
    pub lints: &'static [Lint],
}

/// One application identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiSpec {
    /// The identifier, 2 to 4 digits.
    pub ai: &'static str,
    /// The dictionary's `*` flag: a predefined length, no separator after the value.
    pub predefined_length: bool,
    /// The components of the value, in order.
    pub parts: &'static [Part],
    /// `req=` rules, all of which must hold; each is a list of alternatives, each a list of AI patterns that must
    /// all be present (`01+21`). A pattern's `n` stands for any digit.
    pub req: &'static [&'static [&'static [&'static str]]],
    /// `ex=`: AI patterns that must not occur together with this AI.
    pub ex: &'static [&'static str],
    /// The data title, e.g. "GTIN".
    pub title: &'static str,
}

impl AiSpec {
    /// The fewest and most characters of the value.
    pub fn length_range(&self) -> (usize, usize) {
        let min = self
            .parts
            .iter()
            .filter(|p| !p.optional)
            .map(|p| usize::from(p.min))
            .sum();
        let max = self.parts.iter().map(|p| usize::from(p.max)).sum();
        (min, max)
    }

    /// Whether every component is digits.
    pub fn is_numeric(&self) -> bool {
        self.parts.iter().all(|p| p.cset == Cset::Numeric)
    }
}

/// The dictionary entry of `ai`, if it has one.
pub fn lookup(ai: &str) -> Option<&'static AiSpec> {
    AIS.binary_search_by(|s| s.ai.cmp(ai))
        .ok()
        .and_then(|i| AIS.get(i))
}

/// Whether `ai` matches a dictionary pattern such as `31nn` or `394n` (`n`: any digit).
pub fn matches_pattern(ai: &str, pattern: &str) -> bool {
    ai.len() == pattern.len()
        && ai
            .bytes()
            .zip(pattern.bytes())
            .all(|(a, p)| a == p || (p == b'n' && a.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_no_ai_is_a_prefix_of_another() {
        for w in AIS.windows(2) {
            assert!(w[0].ai < w[1].ai, "{} {}", w[0].ai, w[1].ai);
            assert!(!w[1].ai.starts_with(w[0].ai), "{} {}", w[0].ai, w[1].ai);
        }
        assert_eq!(lookup("3103").map(|s| s.title), Some("NET WEIGHT (kg)"));
        assert!(lookup("3106").is_none());
        assert!(matches_pattern("3941", "394n"));
        assert!(!matches_pattern("394", "394n"));
    }
}
