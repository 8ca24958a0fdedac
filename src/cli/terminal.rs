//! Text from outside (posting numbers and names from input files, printer status replies, journal
//! errors) on its way to a terminal: control characters are shown escaped, so an input file or a
//! printer cannot move the cursor, clear the screen, retitle the window or hide text with escape
//! sequences. Every line the CLI writes from such text goes through [`escape`].

use std::borrow::Cow;

/// `text` with every control character (C0, DEL, C1) and every bidirectional-override character shown
/// as `\u{…}`; a tab stays a tab and a newline a newline (multi-line messages are ours). Text without
/// any is returned as is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Bidirectional embeddings, overrides and isolates: they reorder the text shown after them.
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(escape("0132112277-0101-1"), "0132112277-0101-1");
        assert_eq!(escape("Иванов"), "Иванов");
        assert_eq!(escape("A\x1b[2JB"), "A\\u{1b}[2JB");
        assert_eq!(escape("bell\x07 \u{9b}31m"), "bell\\u{7} \\u{9b}31m");
        assert_eq!(escape("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert_eq!(escape("two\nlines\ttab"), "two\nlines\ttab");
        assert_eq!(escape("cr\r"), "cr\\u{d}");
    }
}
