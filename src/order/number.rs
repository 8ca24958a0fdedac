//! The posting number: the key of a posting everywhere (store, journal, labels, scans, the API).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest posting number accepted, in characters. Ozon's are about 20 (`0132112277-0101-1`);
/// the bound keeps a wrong column (an address, a product name) from becoming a key.
pub const MAX_POSTING_NUMBER_LEN: usize = 64;

/// A posting number (номер отправления), e.g. `0132112277-0101-1`: non-empty, at most
/// [`MAX_POSTING_NUMBER_LEN`] characters, no white space and no control characters.
///
/// Ozon's numbers are `digits-digits-digits` (an order number `digits-digits` and the posting's own
/// group), but neutral records may carry a shop's own shipment ids (`SHP-2026-1001`, `A/17`, `№ 5` is
/// refused for its space), so no further shape is required. It is a string, never a number: the first
/// group has leading zeros.
///
/// It reads as a `&str` wherever one is taken (`Deref`, `AsRef<str>`, `Borrow<str>`), compares with
/// strings, and is a plain JSON string in serde (checked when read).
///
/// ```
/// use shiplabel::order::PostingNumber;
///
/// let number: PostingNumber = "0132112277-0101-1".parse()?;
/// assert_eq!(number, "0132112277-0101-1");
/// assert_eq!(number.order_number(), "0132112277-0101");
/// assert!(number.starts_with("0132")); // any `str` method
/// let err = "0132112277 0101".parse::<PostingNumber>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "posting number \"0132112277 0101\": white space (U+0020) at character 11 is not allowed"
/// );
/// # Ok::<(), shiplabel::order::PostingNumberError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostingNumber(String);

/// Why a text is not a posting number. The message quotes the text (control characters escaped) and
/// names the offending character and its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostingNumberError {
    /// The text is empty.
    #[error("posting number is empty")]
    Empty,
    /// The text is longer than [`MAX_POSTING_NUMBER_LEN`] characters.
    #[error("posting number \"{start}…\" is {chars} characters long; at most {MAX_POSTING_NUMBER_LEN} are allowed")]
    TooLong {
        /// The first characters of the text, control characters escaped.
        start: String,
        /// Its length in characters.
        chars: usize,
    },
    /// The text holds white space or a control character.
    #[error("posting number \"{number}\": {} (U+{:04X}) at character {position} is not allowed", kind(*.character), u32::from(*.character))]
    Character {
        /// The text, control characters escaped.
        number: String,
        /// The character.
        character: char,
        /// Its 1-based position in characters.
        position: usize,
    },
}

fn kind(c: char) -> &'static str {
    if c.is_control() {
        "control character"
    } else {
        "white space"
    }
}

/// Input text for a message: control characters (terminal escape sequences) written as `\u{…}`.
pub(in crate::order) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl PostingNumber {
    /// Checks a text and makes it a posting number. Leading and trailing white space is not trimmed:
    /// the caller decides (importers trim what they read).
    pub fn new(text: impl Into<String>) -> Result<PostingNumber, PostingNumberError> {
        let text = text.into();
        if text.is_empty() {
            return Err(PostingNumberError::Empty);
        }
        let chars = text.chars().count();
        if chars > MAX_POSTING_NUMBER_LEN {
            return Err(PostingNumberError::TooLong {
                start: printable(&text.chars().take(24).collect::<String>()),
                chars,
            });
        }
        if let Some((i, c)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_whitespace() || c.is_control())
        {
            return Err(PostingNumberError::Character {
                number: printable(&text),
                character: c,
                position: i + 1,
            });
        }
        Ok(PostingNumber(text))
    }

    /// The number as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The order number: the posting number without its last `-N` group (`0132112277-0101` for
    /// `0132112277-0101-1`); a number with fewer than three groups is its own order number.
    pub fn order_number(&self) -> &str {
        match self.0.rsplit_once('-') {
            Some((head, _)) if head.contains('-') => head,
            _ => &self.0,
        }
    }

    /// The owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl FromStr for PostingNumber {
    type Err = PostingNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PostingNumber::new(s)
    }
}

impl TryFrom<String> for PostingNumber {
    type Error = PostingNumberError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        PostingNumber::new(s)
    }
}

impl TryFrom<&str> for PostingNumber {
    type Error = PostingNumberError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        PostingNumber::new(s)
    }
}

impl From<PostingNumber> for String {
    fn from(n: PostingNumber) -> String {
        n.0
    }
}

impl fmt::Display for PostingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl Deref for PostingNumber {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PostingNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for PostingNumber {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for PostingNumber {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for PostingNumber {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for PostingNumber {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<PostingNumber> for str {
    fn eq(&self, other: &PostingNumber) -> bool {
        self == other.0
    }
}

impl PartialEq<PostingNumber> for &str {
    fn eq(&self, other: &PostingNumber) -> bool {
        *self == other.0
    }
}

impl PartialEq<PostingNumber> for String {
    fn eq(&self, other: &PostingNumber) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ozon_and_neutral_shapes_are_accepted() {
        for ok in [
            "0132112277-0101-1",
            "0132112277-0101",
            "SHP-2026-1001",
            "A/17",
            "№5",
            "1",
        ] {
            assert_eq!(PostingNumber::new(ok).unwrap(), ok);
        }
    }

    #[test]
    fn empty_long_space_and_control_are_refused_by_name() {
        assert_eq!(PostingNumber::new(""), Err(PostingNumberError::Empty));
        let long = "1".repeat(MAX_POSTING_NUMBER_LEN + 1);
        assert_eq!(
            PostingNumber::new(long).unwrap_err().to_string(),
            "posting number \"111111111111111111111111…\" is 65 characters long; at most 64 are allowed"
        );
        assert!(PostingNumber::new("1".repeat(MAX_POSTING_NUMBER_LEN)).is_ok());
        assert_eq!(
            PostingNumber::new("12-3\u{1b}[31m").unwrap_err().to_string(),
            "posting number \"12-3\\u{1b}[31m\": control character (U+001B) at character 5 is not allowed"
        );
        assert_eq!(
            PostingNumber::new(" 1-1-1").unwrap_err().to_string(),
            "posting number \" 1-1-1\": white space (U+0020) at character 1 is not allowed"
        );
        assert!(PostingNumber::new("1\u{a0}1").is_err()); // no-break space
    }

    #[test]
    fn serde_is_a_checked_plain_string() {
        let n: PostingNumber = serde_json::from_str("\"1-2-3\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"1-2-3\"");
        let err = serde_json::from_str::<PostingNumber>("\"1 2\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("white space (U+0020) at character 2"),
            "{err}"
        );
    }

    #[test]
    fn it_passes_where_a_str_is_taken() {
        fn takes(s: &str) -> usize {
            s.len()
        }
        let n: PostingNumber = "1-2-3".parse().unwrap();
        assert_eq!(takes(&n), 5);
        let mut set = std::collections::HashSet::new();
        set.insert(n.clone());
        assert!(set.contains("1-2-3"));
        assert_eq!(format!("[{n:>6}]"), "[ 1-2-3]");
        assert_eq!(n.order_number(), "1-2");
    }
}
