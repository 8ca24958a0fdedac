//! The size limits on what shiplabel reads, in one place, and the capped file read they use: a file
//! (or `/dev/zero`, or a FIFO that never ends) larger than its limit is refused after reading one byte
//! past the limit, never held whole. See docs/failures.md for the list and why each is as large as it
//! is. Posting input files have their own limit (`order::import::MAX_INPUT_BYTES`).

use std::io::Read;
use std::path::Path;

/// A template file: the built-in templates are a few kilobytes.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
/// Elements of one template: the built-in templates have a few dozen.
pub const MAX_TEMPLATE_ELEMENTS: usize = 1000;
/// A printer profile file: a few hundred bytes in practice.
pub const MAX_PROFILE_BYTES: u64 = 64 * 1024;
/// A label PNG given to `print`.
pub const MAX_LABEL_PNG_BYTES: u64 = 32 * 1024 * 1024;
/// A printer job held in memory whole ([`crate::printer::encode_label`]); printing and `--output`
/// stream ESC/POS copies instead.
pub const MAX_JOB_BYTES: u64 = 256 * 1024 * 1024;
/// One scanned line: a scanner types codes of tens of characters.
pub const MAX_SCAN_LINE: usize = 4096;

/// Reads the file at `path`, refusing one larger than `limit` bytes with an error that says the limit.
pub fn read_file_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    read_capped(file, limit)
}

/// Reads `reader` to its end, refusing more than `limit` bytes.
pub fn read_capped(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the limit of {}",
            size_text(limit)
        )));
    }
    Ok(bytes)
}

/// Like [`read_file_capped`], as UTF-8 text.
pub fn read_text_capped(path: &Path, limit: u64) -> std::io::Result<String> {
    let bytes = read_file_capped(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// `1 MiB`, `64 KiB`, `100 bytes`.
pub fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 && b % (1024 * 1024) == 0 => format!("{} MiB", b / (1024 * 1024)),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_file_is_refused_at_the_limit() {
        let err = read_file_capped(Path::new("/dev/zero"), 1000).unwrap_err();
        assert_eq!(err.to_string(), "larger than the limit of 1000 bytes");
        let err = read_capped(std::io::repeat(b'x'), MAX_PROFILE_BYTES).unwrap_err();
        assert!(err.to_string().contains("64 KiB"), "{err}");
        assert_eq!(read_capped(&b"abc"[..], 3).unwrap(), b"abc");
    }
}
