//! Finds the status queries in the byte stream a host sends, per printer language.
//!
//! A real printer does not answer a query that happens to appear inside raster data, so neither may we: each
//! language's binary payloads (ESC/POS `GS v 0` / `GS ( L` / `GS 8 L`, TSPL `BITMAP`) are skipped by length.

/// The printer language the fake printer emulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    EscPos,
    Tspl,
    Zpl,
}

impl Lang {
    pub fn parse(name: &str) -> Option<Lang> {
        match name.to_ascii_lowercase().as_str() {
            "escpos" | "esc/pos" => Some(Lang::EscPos),
            "tspl" => Some(Lang::Tspl),
            "zpl" => Some(Lang::Zpl),
            _ => None,
        }
    }
}

/// A status query found in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    /// ESC/POS `DLE EOT n` (real-time status, n = 1…4).
    EscPosDleEot(u8),
    /// TSPL `<ESC>!?`.
    TsplStatus,
    /// ZPL `~HS` (host status).
    ZplHostStatus,
}

/// Longest TSPL command line we keep while looking for `BITMAP` headers; real lines are far shorter.
const MAX_LINE: usize = 4096;

/// Incremental scanner: feed it bytes in whatever chunks USB delivers them.
pub struct Scanner {
    lang: Lang,
    /// Bytes of binary payload still to skip.
    skip: u64,
    /// The command prefix (ESC/POS) or the current line (TSPL) or the last bytes (ZPL) seen so far.
    head: Vec<u8>,
}

impl Scanner {
    pub fn new(lang: Lang) -> Scanner {
        Scanner {
            lang,
            skip: 0,
            head: Vec::new(),
        }
    }

    /// Scans `bytes` and returns the queries they complete, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Query> {
        let mut found = Vec::new();
        for &b in bytes {
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            let query = match self.lang {
                Lang::EscPos => self.escpos(b),
                Lang::Tspl => self.tspl(b),
                Lang::Zpl => self.zpl(b),
            };
            found.extend(query);
        }
        found
    }

    fn escpos(&mut self, b: u8) -> Option<Query> {
        if self.head.is_empty() && b != 0x10 && b != 0x1D {
            return None;
        }
        self.head.push(b);
        let h = &self.head;
        let (done, query, skip) = match (h[0], h.get(1).copied(), h.len()) {
            (0x10, None, _) => (false, None, 0),
            (0x10, Some(0x04), 2) => (false, None, 0),
            (0x10, Some(0x04), _) => (true, Some(Query::EscPosDleEot(h[2])), 0),
            (0x1D, None, _) => (false, None, 0),
            // GS v 0 m xL xH yL yH: x bytes per row, y rows.
            (0x1D, Some(0x76), n) if n < 8 => (false, None, 0),
            (0x1D, Some(0x76), _) => {
                let x = u64::from(h[4]) | u64::from(h[5]) << 8;
                let y = u64::from(h[6]) | u64::from(h[7]) << 8;
                (true, None, x * y)
            }
            // GS ( L pL pH …: pL + pH·256 bytes follow.
            (0x1D, Some(0x28), n) if n < 5 => (false, None, 0),
            (0x1D, Some(0x28), _) if h[2] == 0x4C => {
                (true, None, u64::from(h[3]) | u64::from(h[4]) << 8)
            }
            // GS 8 L p1 p2 p3 p4 …: a 32-bit length follows.
            (0x1D, Some(0x38), n) if n < 7 => (false, None, 0),
            (0x1D, Some(0x38), _) if h[2] == 0x4C => {
                let len = u32::from_le_bytes([h[3], h[4], h[5], h[6]]);
                (true, None, u64::from(len))
            }
            _ => (true, None, 0),
        };
        if done {
            let rejected = query.is_none() && skip == 0;
            self.head.clear();
            self.skip = skip;
            // Not a sequence we track: its last byte may still start one (`ESC J 0x10` then `DLE EOT n`).
            if rejected && (b == 0x10 || b == 0x1D) {
                self.head.push(b);
            }
        }
        query
    }

    fn tspl(&mut self, b: u8) -> Option<Query> {
        self.head.push(b);
        // `<ESC>!?` is answered wherever it appears outside payloads, even mid-line.
        if self.head.ends_with(&[0x1B, b'!', b'?']) {
            let keep = self.head.len() - 3;
            self.head.truncate(keep);
            return Some(Query::TsplStatus);
        }
        if b == b'\n' || self.head.len() > MAX_LINE {
            self.head.clear();
            return None;
        }
        if b == b',' {
            if let Some(skip) = bitmap_payload(&self.head) {
                self.head.clear();
                self.skip = skip;
            }
        }
        None
    }

    fn zpl(&mut self, b: u8) -> Option<Query> {
        self.head.push(b.to_ascii_uppercase());
        if self.head.len() > 3 {
            self.head.remove(0);
        }
        if self.head == b"~HS" {
            self.head.clear();
            return Some(Query::ZplHostStatus);
        }
        None
    }
}

/// For a TSPL line prefix `BITMAP x,y,width_bytes,height,mode,` returns the raster size that follows.
fn bitmap_payload(line: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(line).ok()?;
    let args = text.trim_start().strip_prefix("BITMAP")?;
    let fields: Vec<&str> = args.split(',').collect();
    // Five arguments and the comma that ends the mode: the raster starts right after it.
    if fields.len() != 6 || !fields[5].is_empty() {
        return None;
    }
    let width: u64 = fields[2].trim().parse().ok()?;
    let height: u64 = fields[3].trim().parse().ok()?;
    Some(width * height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escpos_query_found_but_not_inside_raster() {
        let mut s = Scanner::new(Lang::EscPos);
        let mut stream = vec![0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x02, 0x00];
        stream.extend([0x10, 0x04, 0x01, 0x10, 0x04, 0x02]); // 6 raster bytes that look like queries
        stream.extend([0x1B, 0x4A, 0x10, 0x10, 0x04, 0x04]);
        assert_eq!(s.feed(&stream), vec![Query::EscPosDleEot(4)]);
    }

    #[test]
    fn escpos_query_split_across_reads() {
        let mut s = Scanner::new(Lang::EscPos);
        assert!(s.feed(&[0x10]).is_empty());
        assert!(s.feed(&[0x04]).is_empty());
        assert_eq!(s.feed(&[0x02]), vec![Query::EscPosDleEot(2)]);
    }

    #[test]
    fn tspl_bitmap_payload_skipped() {
        let mut s = Scanner::new(Lang::Tspl);
        let mut stream = b"SIZE 75 mm,120 mm\r\nCLS\r\nBITMAP 0,0,2,2,0,".to_vec();
        stream.extend([0x1B, b'!', b'?', 0xFF]);
        stream.extend(b"\r\nPRINT 1,1\r\n\x1b!?");
        assert_eq!(s.feed(&stream), vec![Query::TsplStatus]);
    }

    #[test]
    fn zpl_host_status_split() {
        let mut s = Scanner::new(Lang::Zpl);
        assert!(s.feed(b"^XA^FO0,0^GFA,1,1,1,FF^FS^XZ~").is_empty());
        assert_eq!(s.feed(b"HS"), vec![Query::ZplHostStatus]);
    }
}
