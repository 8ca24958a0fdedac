//! A decoder for the printer streams, written for the tests from the language references (not the
//! encoders run backwards): it walks the command stream the way a printer would and paints what it says
//! onto a page.

use shiplabel::bitmap::Bitmap;

/// One thing found at the front of a stream.
#[derive(Debug)]
pub enum Item {
    /// A status query of this many bytes.
    Query(usize),
    /// A finished page (job), and the bytes consumed.
    Page(usize, Bitmap),
    /// A command with nothing to show, and its length.
    Other(usize),
}

/// Which language the stream is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    EscPos,
    Tspl,
    Zpl,
}

/// Decoder state that lives across items (ESC/POS pages are built from many bands).
#[derive(Default)]
pub struct Decoder {
    escpos_rows: Vec<Vec<u8>>,
    escpos_width_bytes: usize,
    tspl_canvas: Option<(u32, u32, Vec<bool>)>,
}

impl Decoder {
    /// Parses the next item of `buf`; `None` if more bytes are needed.
    pub fn next(&mut self, lang: Lang, buf: &[u8]) -> Option<Item> {
        match lang {
            Lang::EscPos => self.escpos(buf),
            Lang::Tspl => self.tspl(buf),
            Lang::Zpl => zpl(buf),
        }
    }

    /// Ends the stream: an ESC/POS page still being built is returned.
    pub fn finish(&mut self) -> Option<Bitmap> {
        self.take_escpos_page()
    }

    fn take_escpos_page(&mut self) -> Option<Bitmap> {
        if self.escpos_rows.is_empty() {
            return None;
        }
        let rows = std::mem::take(&mut self.escpos_rows);
        let width = self.escpos_width_bytes as u32 * 8;
        let mut page = Bitmap::new(width, rows.len() as u32);
        for (y, row) in rows.iter().enumerate() {
            for x in 0..width {
                if row[(x / 8) as usize] & (0x80 >> (x % 8)) != 0 {
                    page.set(x, y as u32, true);
                }
            }
        }
        Some(page)
    }

    fn escpos(&mut self, buf: &[u8]) -> Option<Item> {
        let first = *buf.first()?;
        let need = |n: usize| if buf.len() >= n { Some(()) } else { None };
        match first {
            0x10 => {
                need(3)?;
                assert_eq!(buf[1], 0x04, "DLE without EOT");
                Some(Item::Query(3))
            }
            0x1b => {
                need(2)?;
                match buf[1] {
                    b'@' => Some(match self.take_escpos_page() {
                        // ESC @ starts a job: the previous page is complete.
                        Some(page) => Item::Page(0, page),
                        None => Item::Other(2),
                    }),
                    b'J' => {
                        need(3)?;
                        Some(Item::Other(3))
                    }
                    other => panic!("unexpected ESC {other:#04x}"),
                }
            }
            0x1d => {
                need(2)?;
                match buf[1] {
                    b'v' => {
                        need(8)?;
                        assert_eq!(buf[2], b'0');
                        assert_eq!(buf[3], 0, "normal density");
                        let x = usize::from(buf[4]) | usize::from(buf[5]) << 8;
                        let y = usize::from(buf[6]) | usize::from(buf[7]) << 8;
                        assert!(y <= 2303 && x * y <= 65535, "band of {x} × {y} too big");
                        need(8 + x * y)?;
                        if !self.escpos_rows.is_empty() {
                            assert_eq!(x, self.escpos_width_bytes, "band width changed");
                        }
                        self.escpos_width_bytes = x;
                        for row in buf[8..8 + x * y].chunks(x) {
                            self.escpos_rows.push(row.to_vec());
                        }
                        Some(Item::Other(8 + x * y))
                    }
                    0x0c => Some(Item::Other(2)),
                    b'V' => {
                        need(3)?;
                        if matches!(buf[2], b'A' | b'B') {
                            need(4)?;
                            Some(Item::Other(4))
                        } else {
                            Some(Item::Other(3))
                        }
                    }
                    other => panic!("unexpected GS {other:#04x}"),
                }
            }
            other => panic!("unexpected ESC/POS byte {other:#04x}"),
        }
    }

    fn tspl(&mut self, buf: &[u8]) -> Option<Item> {
        if buf.starts_with(b"\x1b!?") {
            return Some(Item::Query(3));
        }
        if buf.len() < 3 && b"\x1b!?".starts_with(buf) {
            return None;
        }
        let line_end = buf.windows(2).position(|w| w == b"\r\n");
        if buf.starts_with(b"BITMAP ") {
            // BITMAP x,y,width_bytes,height,mode,<raw data>
            let mut commas = 0;
            let mut header_end = None;
            for (i, &b) in buf.iter().enumerate() {
                if b == b',' {
                    commas += 1;
                    if commas == 5 {
                        header_end = Some(i + 1);
                        break;
                    }
                }
            }
            let header_end = header_end?;
            let header = std::str::from_utf8(&buf[7..header_end - 1]).expect("ASCII header");
            let f: Vec<u32> = header
                .split(',')
                .map(|v| v.trim().parse().expect("number"))
                .collect();
            let (x0, y0, wb, h, mode) = (f[0], f[1], f[2] as usize, f[3] as usize, f[4]);
            assert_eq!(mode, 0, "overwrite mode");
            let end = header_end + wb * h;
            if buf.len() < end + 2 {
                return None;
            }
            assert_eq!(&buf[end..end + 2], b"\r\n", "BITMAP data ends with CRLF");
            let (cw, _, canvas) = self.tspl_canvas.as_mut().expect("CLS before BITMAP");
            let cw = *cw;
            for row in 0..h {
                for col in 0..wb * 8 {
                    let byte = buf[header_end + row * wb + col / 8];
                    // TSPL: a 0 bit burns a dot.
                    let black = byte & (0x80 >> (col % 8)) == 0;
                    let (x, y) = (x0 + col as u32, y0 + row as u32);
                    if x < cw {
                        if let Some(dot) = canvas.get_mut((y * cw + x) as usize) {
                            *dot = black;
                        }
                    }
                }
            }
            return Some(Item::Other(end + 2));
        }
        let end = line_end?;
        let line = std::str::from_utf8(&buf[..end]).expect("ASCII command");
        let (command, args) = line.split_once(' ').unwrap_or((line, ""));
        match command {
            "SIZE" => {
                let mm: Vec<f32> = args
                    .split(',')
                    .map(|a| a.trim().trim_end_matches("mm").trim().parse().expect("mm"))
                    .collect();
                // 203 dpi: 8 dots a millimetre.
                let (w, h) = ((mm[0] * 8.0).round() as u32, (mm[1] * 8.0).round() as u32);
                self.tspl_canvas = Some((w, h, vec![false; (w * h) as usize]));
            }
            "CLS" => {
                let (w, h, canvas) = self.tspl_canvas.as_mut().expect("SIZE before CLS");
                *canvas = vec![false; (*w * *h) as usize];
            }
            "PRINT" => {
                let (w, h, canvas) = self.tspl_canvas.as_ref().expect("SIZE before PRINT");
                let mut page = Bitmap::new(*w, *h);
                for (i, &black) in canvas.iter().enumerate() {
                    if black {
                        page.set(i as u32 % w, i as u32 / w, true);
                    }
                }
                return Some(Item::Page(end + 2, page));
            }
            "GAP" | "BLINE" | "DIRECTION" | "REFERENCE" | "DENSITY" | "SPEED" => {}
            other => panic!("unexpected TSPL command {other:?}"),
        }
        Some(Item::Other(end + 2))
    }
}

fn zpl(buf: &[u8]) -> Option<Item> {
    if buf.is_empty() {
        return None;
    }
    let Some(text_start) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Some(Item::Other(buf.len()));
    };
    let rest = &buf[text_start..];
    if rest.starts_with(b"~HS") {
        return Some(Item::Query(text_start + 3));
    }
    if rest.len() < 3 {
        return None;
    }
    assert!(
        rest.starts_with(b"^XA") || rest.starts_with(b"~SD"),
        "job starts with ^XA"
    );
    let end = rest.windows(3).position(|w| w == b"^XZ")? + 3;
    let format = std::str::from_utf8(&rest[..end]).expect("ZPL is ASCII");
    Some(Item::Page(text_start + end, render_zpl(format)))
}

/// Paints a ZPL format holding ^PW, ^LL, ^FO and ^GFA fields.
fn render_zpl(format: &str) -> Bitmap {
    let (mut width, mut length) = (0u32, 0u32);
    let (mut fx, mut fy) = (0u32, 0u32);
    let mut page: Option<Bitmap> = None;
    for command in format.split('^').skip(1) {
        let (name, args) = command.split_at(2.min(command.len()));
        match name {
            "PW" => width = args.trim().parse().expect("^PW"),
            "LL" => length = args.trim().parse().expect("^LL"),
            "FO" => {
                let v: Vec<u32> = args
                    .trim()
                    .split(',')
                    .map(|a| a.trim().parse().expect("^FO"))
                    .collect();
                (fx, fy) = (v[0], v[1]);
            }
            "GF" => {
                let page = page.get_or_insert_with(|| Bitmap::new(width, length));
                let mut parts = args.splitn(5, ',');
                assert_eq!(parts.next(), Some("A"), "ASCII graphic");
                let b: usize = parts.next().unwrap().parse().unwrap();
                let c: usize = parts.next().unwrap().parse().unwrap();
                let d: usize = parts.next().unwrap().parse().unwrap();
                assert_eq!(b, c, "for ASCII data b equals c");
                let data = parts.next().unwrap();
                let rows = acs_decompress(data, d);
                assert_eq!(rows.len() * d, c, "graphic size");
                for (y, row) in rows.iter().enumerate() {
                    for x in 0..d * 8 {
                        if row[x / 8] & (0x80 >> (x % 8)) != 0 {
                            page.set(fx + x as u32, fy + y as u32, true);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    page.unwrap_or_else(|| Bitmap::new(width, length))
}

/// Expands Zebra's ASCII compression: hex digits, repeat counts G–Y (1–19) and g–z (20–400),
/// `,` = rest of row 0, `!` = rest of row 1, `:` = previous row again.
pub fn acs_decompress(data: &str, bytes_per_row: usize) -> Vec<Vec<u8>> {
    let digits_per_row = bytes_per_row * 2;
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let mut row = String::new();
    let mut count = 0usize;
    let finish = |row: &mut String, rows: &mut Vec<Vec<u8>>| {
        let bytes = (0..bytes_per_row)
            .map(|i| u8::from_str_radix(&row[i * 2..i * 2 + 2], 16).expect("hex"))
            .collect();
        rows.push(bytes);
        row.clear();
    };
    for ch in data.chars() {
        match ch {
            'G'..='Y' => count += ch as usize - 'F' as usize,
            'g'..='z' => count += (ch as usize - 'f' as usize) * 20,
            '0'..='9' | 'A'..='F' | 'a'..='f' => {
                for _ in 0..count.max(1) {
                    row.push(ch.to_ascii_uppercase());
                }
                count = 0;
                assert!(row.len() <= digits_per_row, "row overflows");
            }
            ',' | '!' => {
                let fill = if ch == ',' { '0' } else { 'F' };
                while row.len() < digits_per_row {
                    row.push(fill);
                }
            }
            ':' => {
                assert!(row.is_empty(), "':' in the middle of a row");
                let previous = rows.last().expect("':' needs a previous row").clone();
                rows.push(previous);
                continue;
            }
            c if c.is_whitespace() => continue,
            other => panic!("unexpected ACS character {other:?}"),
        }
        if row.len() == digits_per_row {
            finish(&mut row, &mut rows);
        }
    }
    assert!(row.is_empty(), "data ends mid-row");
    rows
}

/// Decodes a whole stream, answering nothing: every page in order.
pub fn decode_all(lang: Lang, stream: &[u8]) -> Vec<Bitmap> {
    let mut decoder = Decoder::default();
    let mut pages = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        match decoder.next(lang, &stream[at..]) {
            Some(Item::Page(n, page)) => {
                pages.push(page);
                at += n;
            }
            Some(Item::Query(n)) | Some(Item::Other(n)) => at += n,
            None => panic!("stream ends inside a command at byte {at}"),
        }
    }
    pages.extend(decoder.finish());
    pages
}
