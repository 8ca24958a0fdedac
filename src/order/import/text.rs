//! Input bytes into text: the bounded read and the encodings that Russian spreadsheet programs save.
//!
//! Decisions:
//! - An input is at most [`MAX_INPUT_BYTES`]; the read stops one byte past it, so `/dev/zero` or an
//!   endless pipe is refused instead of filling memory. A NUL byte ends the read at once: no JSON or CSV
//!   text holds one, and it is the first byte of `/dev/zero` and of most binary files.
//! - UTF-8 (with or without a byte-order mark) is tried first; text that is not UTF-8 is read as
//!   Windows-1251, the code page Excel uses for "CSV" on a Russian Windows. Cyrillic in Windows-1251 is
//!   never valid UTF-8 (its letters are bytes `C0`–`FF` in a row, which UTF-8 does not allow), so the
//!   order of the two tries cannot misread a file. JSON is UTF-8 by its standard and is not re-read.
//! - The one byte Windows-1251 leaves undefined (`98`) is an error naming its offset.
//!
//! Our own 64-entry table (the upper half of the code page past `BF` is the Cyrillic alphabet in
//! order), checked in the tests against `encoding_rs`, an independent implementation.

use std::io::Read;

use super::ImportError;

/// The largest input file: 256 MiB, far above a day's postings (a 10,000-posting list is 16 MB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The encoding a text input was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Windows-1251 (Cyrillic), as a Russian Excel saves "CSV".
    Windows1251,
}

/// Reads at most [`MAX_INPUT_BYTES`] from `reader`, refusing more and refusing a NUL byte.
/// `size_hint` (a file's length) sizes the buffer up front: a 16 MB list read into a growing buffer
/// was copied twice over as it doubled.
pub(super) fn read_bounded(
    name: &str,
    reader: impl Read,
    size_hint: u64,
) -> Result<Vec<u8>, ImportError> {
    read_bounded_to(name, reader, MAX_INPUT_BYTES, size_hint)
}

/// How much is read at a time: a NUL byte or the limit is noticed within this many bytes.
const CHUNK: u64 = 64 * 1024;

pub(super) fn read_bounded_to(
    name: &str,
    mut reader: impl Read,
    limit: u64,
    size_hint: u64,
) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        file: name.to_owned(),
        source,
    };
    // One byte more than the hint: the read that finds the end needs room to return 0.
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint.min(limit) + 1).unwrap_or(0));
    loop {
        let start = bytes.len();
        // Straight into the buffer (no zeroing, no second copy); `read_to_end` retries interrupted reads.
        let n = match (&mut reader).take(CHUNK).read_to_end(&mut bytes) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => return Err(io(e)),
        };
        let got = bytes.get(start..).unwrap_or(&[]);
        // `contains` on bytes is a memchr; the position is looked for only when there is one.
        if let Some(i) = got
            .contains(&0)
            .then(|| got.iter().position(|&b| b == 0))
            .flatten()
        {
            return Err(ImportError::Binary {
                file: name.to_owned(),
                offset: start + i,
            });
        }
        if start as u64 + n as u64 > limit {
            return Err(ImportError::TooLarge {
                file: name.to_owned(),
                limit,
            });
        }
    }
    Ok(bytes)
}

/// The bytes as text: UTF-8 (a byte-order mark removed; the bytes become the string without a copy)
/// or, when `allow_1251`, Windows-1251.
pub(super) fn decode(
    name: &str,
    mut bytes: Vec<u8>,
    allow_1251: bool,
) -> Result<(String, Encoding), ImportError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Encoding::Utf8)),
        Err(e) if !allow_1251 => Err(ImportError::NotUtf8 {
            file: name.to_owned(),
            offset: e.utf8_error().valid_up_to(),
        }),
        Err(e) => decode_1251(e.as_bytes())
            .map(|text| (text, Encoding::Windows1251))
            .map_err(|offset| ImportError::NotText {
                file: name.to_owned(),
                offset,
            }),
    }
}

/// Windows-1251 bytes `80`–`BF`; `C0`–`FF` are `А`–`я` (U+0410–U+044F). `98` is undefined.
const HIGH: [char; 64] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Ќ', 'Ћ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{FFFD}', '™', 'љ', '›', 'њ', 'ќ', 'ћ', 'џ', //
    '\u{A0}', 'Ў', 'ў', 'Ј', '¤', 'Ґ', '¦', '§', 'Ё', '©', 'Є', '«', '¬', '\u{AD}', '®',
    'Ї', //
    '°', '±', 'І', 'і', 'ґ', 'µ', '¶', '·', 'ё', '№', 'є', '»', 'ј', 'Ѕ', 'ѕ', 'ї',
];

/// Decodes Windows-1251; the error is the offset of the undefined byte `98`.
pub(super) fn decode_1251(bytes: &[u8]) -> Result<String, usize> {
    let mut out = String::with_capacity(bytes.len() * 2);
    for (i, &b) in bytes.iter().enumerate() {
        let c = match b {
            0x00..=0x7F => char::from(b),
            0x98 => return Err(i),
            0x80..=0xBF => HIGH[usize::from(b - 0x80)],
            // 0xC0..=0xFF: А (U+0410) onwards, in alphabet order.
            _ => char::from_u32(0x0410 + u32::from(b - 0xC0)).unwrap_or('\u{FFFD}'),
        };
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_encoding_rs_on_every_byte() {
        for b in 0x00u8..=0xFF {
            if b == 0x98 {
                assert_eq!(decode_1251(&[b'a', b]), Err(1));
                continue;
            }
            let ours = decode_1251(&[b]).unwrap();
            let byte = [b];
            let (theirs, _, bad) = encoding_rs::WINDOWS_1251.decode(&byte);
            assert!(!bad, "{b:#x}");
            assert_eq!(ours, theirs, "byte {b:#x}");
        }
    }

    #[test]
    fn utf8_first_then_1251() {
        let (text, enc) = decode("f", "\u{feff}Иван".as_bytes().to_vec(), true).unwrap();
        assert_eq!((text.as_str(), enc), ("Иван", Encoding::Utf8));
        // "Иван" in Windows-1251.
        let (text, enc) = decode("f", vec![0xC8, 0xE2, 0xE0, 0xED], true).unwrap();
        assert_eq!((text.as_str(), enc), ("Иван", Encoding::Windows1251));
        let e = decode("f.json", vec![b'{', 0xC8], false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: not UTF-8 text (invalid byte at offset 1)"
        );
    }

    #[test]
    fn reads_are_bounded_and_nul_stops_them() {
        let e = read_bounded("/dev/zero", std::io::repeat(0), 0).unwrap_err();
        assert!(e.to_string().contains("NUL byte at offset 0"), "{e}");
        let e = read_bounded_to("big", std::io::repeat(b' '), 1000, 0).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
        assert_eq!(read_bounded_to("ok", &b"[]"[..], 2, 2).unwrap(), b"[]");
        // A wrong hint only sizes the buffer.
        assert_eq!(read_bounded_to("ok", &b"[1]"[..], 3, 1).unwrap(), b"[1]");
        assert_eq!(
            read_bounded_to("ok", &b"[1]"[..], 3, 1 << 40).unwrap(),
            b"[1]"
        );
    }
}
