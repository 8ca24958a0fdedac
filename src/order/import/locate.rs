//! Where a value sits in a JSON text: the byte span of the value at a path
//! (`result.postings[3].fact_delivery_date`), and its line and column.
//!
//! The typed parse knows the path of a field it cannot read (or that it leaves unread) but places it
//! where it noticed, which can be the end of the enclosing object. This walker finds the value itself,
//! on demand, on the error and warning paths only, so the parse stays a plain serde parse (whatever
//! deserialiser reads it). On anything malformed it simply stops and finds nothing.

use std::ops::Range;

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// An object member.
    Key(String),
    /// An array element, 0-based.
    Index(usize),
}

/// A path as text: keys joined with `.`, indexes in brackets (`result.postings[3].price`). Control
/// characters in keys (they come from the input) are written as `\u{…}`, never raw to a terminal.
pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                for c in key.chars() {
                    if c.is_control() {
                        out.extend(c.escape_unicode());
                    } else {
                        out.push(c);
                    }
                }
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Deeper than serde_json's own limit (128): text that parsed cannot be deeper.
const MAX_DEPTH: usize = 256;

/// Calls `visit` with the path and byte span of every value, children before their parent; stops when
/// `visit` returns true or the text is malformed.
fn walk(text: &str, visit: &mut dyn FnMut(&[Step], Range<usize>) -> bool) {
    let mut walker = Walker {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        path: Vec::new(),
        visit,
    };
    walker.skip_ws();
    let _ = walker.value(0);
}

/// The byte span of the value at `path`.
pub(super) fn span_of(text: &str, path: &[Step]) -> Option<Range<usize>> {
    let mut found = None;
    walk(text, &mut |p, span| {
        if p == path {
            found = Some(span);
            true
        } else {
            false
        }
    });
    found
}

/// 1-based line and column of byte `offset` (columns count characters).
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

struct Walker<'a, 'v> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    path: Vec<Step>,
    visit: &'v mut dyn FnMut(&[Step], Range<usize>) -> bool,
}

/// Why the walk ended early: found, or malformed.
struct Stop;

impl Walker<'_, '_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Result<(), Stop> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop)
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop);
        }
        self.skip_ws();
        let start = self.pos;
        match self.bytes.get(self.pos).ok_or(Stop)? {
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        let key = self.string()?;
                        let key = serde_json::from_str::<String>(self.text.get(key).ok_or(Stop)?)
                            .map_err(|_| Stop)?;
                        self.eat(b':')?;
                        self.path.push(Step::Key(key));
                        self.value(depth + 1)?;
                        self.path.pop();
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(Stop),
                        }
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    let mut index = 0;
                    loop {
                        self.path.push(Step::Index(index));
                        self.value(depth + 1)?;
                        self.path.pop();
                        index += 1;
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(Stop),
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                // A number or a literal: everything up to the next delimiter.
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(Stop);
                }
            }
        }
        if (self.visit)(&self.path, start..self.pos) {
            return Err(Stop);
        }
        Ok(())
    }

    /// A string starting at the current position; returns its span including the quotes.
    fn string(&mut self) -> Result<Range<usize>, Stop> {
        let start = self.pos;
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(Stop);
        }
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos).ok_or(Stop)? {
                b'"' => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\"result\": {\"postings\": [\n  {\"posting_number\": \"A-1\"},\n  {\"posting_number\": \"B\\\"2\", \"fact_delivery_date\": \"string\"}\n]}}";

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn finds_the_span_of_a_path_and_its_place() {
        let posting = vec![key("result"), key("postings"), Step::Index(1)];
        let mut path = posting.clone();
        path.push(key("fact_delivery_date"));
        assert_eq!(path_text(&path), "result.postings[1].fact_delivery_date");
        let span = span_of(TEXT, &path).unwrap();
        assert_eq!(&TEXT[span.clone()], "\"string\"");
        assert_eq!(line_column(TEXT, span.start), (3, 52));
        let mut number = posting.clone();
        number.push(key("posting_number"));
        assert_eq!(&TEXT[span_of(TEXT, &number).unwrap()], "\"B\\\"2\"");
        assert!(span_of(TEXT, &[key("result"), key("nothing")]).is_none());
    }

    #[test]
    fn malformed_or_deep_text_finds_nothing_and_does_not_overflow() {
        assert_eq!(span_of("{\"a\": [1,", &[key("a")]), None);
        let deep = "[".repeat(100_000);
        assert_eq!(span_of(&deep, &[Step::Index(0)]), None);
        assert_eq!(path_text(&[Step::Index(2), key("x")]), "[2].x");
        assert_eq!(path_text(&[key("a\u{1b}[31m")]), "a\\u{1b}[31m");
    }
}
