//! Decoders for what a printer receives: ESC/POS, TSPL and ZPL byte streams back to one 1-bit bitmap per label.
//!
//! Written from the languages' manuals for the tests, independently of the encoders in `src/printer/`: a wrong
//! polarity, row width or compression in the encoder shows up here as an unreadable label, not as a matching bug.
//! Status queries mixed into the stream (`DLE EOT n`, `<ESC>!?`, `~HS`) are skipped, as a printer would.

use shiplabel::bitmap::Bitmap;

/// Raster pieces placed on one label, in printer dots.
#[derive(Default)]
struct Canvas {
    pieces: Vec<(u32, u32, Bitmap)>,
}

impl Canvas {
    fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    fn put(&mut self, x: u32, y: u32, piece: Bitmap) {
        self.pieces.push((x, y, piece));
    }

    /// The label as one bitmap, as large as the pieces reach.
    fn flatten(self) -> Bitmap {
        let width = self
            .pieces
            .iter()
            .map(|(x, _, b)| x + b.width())
            .max()
            .unwrap_or(0);
        let height = self
            .pieces
            .iter()
            .map(|(_, y, b)| y + b.height())
            .max()
            .unwrap_or(0);
        let mut out = Bitmap::new(width, height);
        for (x0, y0, piece) in &self.pieces {
            for y in 0..piece.height() {
                for x in 0..piece.width() {
                    if piece.get(x, y) {
                        out.set(x0 + x, y0 + y, true);
                    }
                }
            }
        }
        out
    }
}

/// Reads `n` bytes at `*at`, advancing; an error names the offset.
fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize, what: &str) -> Result<&'a [u8], String> {
    let end = at.checked_add(n).filter(|&end| end <= bytes.len());
    match end {
        Some(end) => {
            let slice = &bytes[*at..end];
            *at = end;
            Ok(slice)
        }
        None => Err(format!(
            "{what} at byte {at}: needs {n} bytes, the stream ends at {}",
            bytes.len()
        )),
    }
}

/// ESC/POS: `GS v 0` raster bands stacked top to bottom; `ESC J n` feeds n dots; a label ends at `GS FF`, at a cut
/// (`GS V`), or at `ESC @` once it has content.
pub fn decode_escpos(bytes: &[u8]) -> Result<Vec<Bitmap>, String> {
    let mut labels = Vec::new();
    let mut canvas = Canvas::default();
    let mut y = 0u32;
    let mut at = 0usize;
    let mut finish = |canvas: &mut Canvas, y: &mut u32| {
        if !canvas.is_empty() {
            labels.push(std::mem::take(canvas).flatten());
        }
        *y = 0;
    };
    while at < bytes.len() {
        let start = at;
        let op = take(bytes, &mut at, 1, "command")?[0];
        match op {
            0x1B => match take(bytes, &mut at, 1, "ESC command")?[0] {
                b'@' => finish(&mut canvas, &mut y),
                b'J' => {
                    let n = take(bytes, &mut at, 1, "ESC J")?[0];
                    if !canvas.is_empty() {
                        y += u32::from(n);
                    }
                }
                b'd' | b'a' | b'3' | b'!' | b'E' | b'M' | b't' | b'-' => {
                    take(bytes, &mut at, 1, "ESC argument")?;
                }
                b'2' => {}
                other => {
                    return Err(format!(
                        "ESC/POS: unknown command ESC 0x{other:02X} at byte {start}"
                    ))
                }
            },
            0x1D => match take(bytes, &mut at, 1, "GS command")?[0] {
                0x76 => {
                    let head = take(bytes, &mut at, 6, "GS v 0 header")?;
                    if head[0] != 0x30 && head[0] != 0 {
                        return Err(format!(
                            "ESC/POS: GS v with function 0x{:02X} at byte {start}",
                            head[0]
                        ));
                    }
                    if head[1] & 0x0F != 0 && head[1] != 0x30 {
                        return Err(format!(
                            "ESC/POS: scaled raster mode {} at byte {start}",
                            head[1]
                        ));
                    }
                    let stride = usize::from(head[2]) | usize::from(head[3]) << 8;
                    let rows = u32::from(head[4]) | u32::from(head[5]) << 8;
                    let data = take(bytes, &mut at, stride * rows as usize, "GS v 0 raster")?;
                    let band = Bitmap::from_packed(stride as u32 * 8, rows, data.to_vec()).ok_or(
                        format!("ESC/POS: raster at byte {start} does not fit its size"),
                    )?;
                    canvas.put(0, y, band);
                    y += rows;
                }
                0x0C => finish(&mut canvas, &mut y),
                0x56 => {
                    let m = take(bytes, &mut at, 1, "GS V")?[0];
                    if m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104 {
                        take(bytes, &mut at, 1, "GS V n")?;
                    }
                    finish(&mut canvas, &mut y);
                }
                b'a' => {
                    take(bytes, &mut at, 1, "GS a")?;
                }
                b'L' | b'W' => {
                    take(bytes, &mut at, 2, "GS L/W")?;
                }
                other => {
                    return Err(format!(
                        "ESC/POS: unknown command GS 0x{other:02X} at byte {start}"
                    ))
                }
            },
            // DLE EOT n: real-time status query, no output.
            0x10 => {
                take(bytes, &mut at, 2, "DLE EOT")?;
            }
            b'\n' | b'\r' => {}
            other => {
                return Err(format!(
                    "ESC/POS: unexpected byte 0x{other:02X} at byte {start}"
                ))
            }
        }
    }
    finish(&mut canvas, &mut y);
    Ok(labels)
}

/// TSPL: command lines ending in CR LF; `BITMAP x,y,width_bytes,height,mode,` is followed by raw rows where a 0 bit
/// burns a dot; `CLS` clears the buffer and `PRINT` emits a label. `<ESC>!x` status queries are skipped.
pub fn decode_tspl(bytes: &[u8]) -> Result<Vec<Bitmap>, String> {
    let mut labels = Vec::new();
    let mut canvas = Canvas::default();
    let mut at = 0usize;
    while at < bytes.len() {
        if bytes[at] == 0x1B {
            take(bytes, &mut at, 3, "<ESC>! status query")?;
            continue;
        }
        if bytes[at] == b'\r' || bytes[at] == b'\n' {
            at += 1;
            continue;
        }
        let start = at;
        // A command runs to the end of its line, except BITMAP whose raster follows its sixth field's comma.
        if bytes[at..].starts_with(b"BITMAP ") {
            let mut fields = Vec::new();
            let mut field_start = at + 7;
            while fields.len() < 5 {
                let comma = bytes[field_start..]
                    .iter()
                    .position(|&b| b == b',')
                    .ok_or(format!("TSPL: unterminated BITMAP header at byte {start}"))?;
                let text = std::str::from_utf8(&bytes[field_start..field_start + comma])
                    .map_err(|_| format!("TSPL: BITMAP header not ASCII at byte {start}"))?;
                let value: u32 = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("TSPL: BITMAP field {:?} at byte {start}", text))?;
                fields.push(value);
                field_start += comma + 1;
            }
            at = field_start;
            let (x, y, stride, rows, mode) =
                (fields[0], fields[1], fields[2], fields[3], fields[4]);
            if mode != 0 && mode != 1 {
                return Err(format!("TSPL: BITMAP mode {mode} at byte {start}"));
            }
            let data = take(bytes, &mut at, (stride * rows) as usize, "BITMAP raster")?;
            // TSPL polarity: 0 = black; flip to the Bitmap's 1 = black.
            let flipped: Vec<u8> = data.iter().map(|b| !b).collect();
            let piece = Bitmap::from_packed(stride * 8, rows, flipped).ok_or(format!(
                "TSPL: BITMAP at byte {start} does not fit its size"
            ))?;
            canvas.put(x, y, piece);
            continue;
        }
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| at + p);
        let line = String::from_utf8_lossy(&bytes[at..end]).trim().to_string();
        at = end;
        let command = line.split([' ', ',']).next().unwrap_or("");
        match command {
            "CLS" => canvas = Canvas::default(),
            "PRINT" => {
                if canvas.is_empty() {
                    return Err(format!("TSPL: PRINT of an empty buffer at byte {start}"));
                }
                labels.push(std::mem::take(&mut canvas).flatten());
            }
            "SIZE" | "GAP" | "BLINE" | "DIRECTION" | "REFERENCE" | "DENSITY" | "SPEED"
            | "CODEPAGE" | "OFFSET" | "SET" | "SHIFT" | "HOME" | "FEED" | "CUT" => {}
            other => return Err(format!("TSPL: unknown command {other:?} at byte {start}")),
        }
    }
    Ok(labels)
}

/// ZPL: one label per `^XA … ^XZ`; `^FOx,y` places the next `^GFA` graphic, whose data is ASCII hex with Zebra's
/// compression (ACS). Other commands are skipped; `~` commands (`~HS`, `~SD`) live outside labels.
pub fn decode_zpl(bytes: &[u8]) -> Result<Vec<Bitmap>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("ZPL: not UTF-8: {e}"))?;
    let mut labels = Vec::new();
    let mut canvas: Option<Canvas> = None;
    let mut origin = (0u32, 0u32);
    // Split at command prefixes; each piece is one command with its parameters.
    let mut commands = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c == '^' || c == '~' {
            if let Some(s) = start {
                commands.push((s, &text[s..i]));
            }
            start = Some(i);
        }
    }
    if let Some(s) = start {
        commands.push((s, &text[s..]));
    }
    for (offset, command) in commands {
        let name: String = command
            .chars()
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase();
        let args = command.get(3..).unwrap_or("").trim_end();
        match name.as_str() {
            "^XA" => {
                canvas = Some(Canvas::default());
                origin = (0, 0);
            }
            "^XZ" => {
                let done = canvas
                    .take()
                    .ok_or(format!("ZPL: ^XZ without ^XA at byte {offset}"))?;
                if done.is_empty() {
                    return Err(format!(
                        "ZPL: label without graphics ending at byte {offset}"
                    ));
                }
                labels.push(done.flatten());
            }
            "^FO" => {
                let mut parts = args
                    .split(',')
                    .map(|p| p.trim().parse::<u32>().unwrap_or(0));
                origin = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            }
            "^GF" => {
                let current = canvas
                    .as_mut()
                    .ok_or(format!("ZPL: ^GF outside ^XA at byte {offset}"))?;
                current.put(origin.0, origin.1, graphic_field(args, offset)?);
            }
            _ => {}
        }
    }
    if canvas.is_some() {
        return Err("ZPL: the stream ends inside a label (no ^XZ)".to_string());
    }
    Ok(labels)
}

/// `^GFA,b,c,d,data` (the `^GF` already removed): c total bytes, d bytes per row.
fn graphic_field(args: &str, offset: usize) -> Result<Bitmap, String> {
    let mut parts = args.splitn(5, ',');
    let format = parts.next().unwrap_or("");
    if format != "A" {
        return Err(format!(
            "ZPL: ^GF format {format:?} at byte {offset}, only A (ASCII) is decoded"
        ));
    }
    let number = |p: Option<&str>| p.and_then(|v| v.trim().parse::<usize>().ok());
    let _sent = number(parts.next());
    let total = number(parts.next()).ok_or(format!("ZPL: ^GFA total at byte {offset}"))?;
    let stride = number(parts.next())
        .filter(|&d| d > 0)
        .ok_or(format!("ZPL: ^GFA row bytes at byte {offset}"))?;
    let data: String = parts
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if data.starts_with(":Z64:") || data.starts_with(":B64:") {
        return Err(format!(
            "ZPL: base64 graphic data at byte {offset} is not decoded here"
        ));
    }
    let packed = acs_decode(&data, stride, total / stride)
        .map_err(|e| format!("ZPL: ^GFA at byte {offset}: {e}"))?;
    Bitmap::from_packed(stride as u32 * 8, (total / stride) as u32, packed)
        .ok_or(format!("ZPL: ^GFA at byte {offset} does not fit its size"))
}

/// Zebra ASCII compression: hex digits, each optionally preceded by repeat letters (`G`–`Y` = 1–19,
/// `g`–`z` = 20–400, summed); `,` fills the rest of the row with 0, `!` with 1, `:` repeats the previous row.
fn acs_decode(data: &str, stride: usize, rows: usize) -> Result<Vec<u8>, String> {
    let row_digits = stride * 2;
    let mut out: Vec<u8> = Vec::with_capacity(stride * rows);
    let mut row: Vec<u8> = Vec::with_capacity(row_digits);
    let mut previous: Vec<u8> = vec![0; row_digits];
    let mut count = 0usize;
    let end_row = |row: &mut Vec<u8>, previous: &mut Vec<u8>, out: &mut Vec<u8>| {
        previous.clone_from(row);
        for pair in row.chunks(2) {
            out.push(pair[0] << 4 | pair[1]);
        }
        row.clear();
    };
    for c in data.chars() {
        match c {
            'G'..='Y' => count += c as usize - 'G' as usize + 1,
            'g'..='z' => count += (c as usize - 'g' as usize + 1) * 20,
            '0'..='9' | 'A'..='F' | 'a'..='f' => {
                let digit = c.to_digit(16).unwrap_or(0) as u8;
                for _ in 0..count.max(1) {
                    if row.len() == row_digits {
                        return Err(format!(
                            "row {} runs past {stride} bytes",
                            out.len() / stride
                        ));
                    }
                    row.push(digit);
                }
                count = 0;
            }
            ',' | '!' => {
                let fill = if c == ',' { 0 } else { 0xF };
                row.resize(row_digits, fill);
                end_row(&mut row, &mut previous, &mut out);
                count = 0;
            }
            ':' => {
                if !row.is_empty() {
                    return Err("':' in the middle of a row".to_string());
                }
                row.clone_from(&previous);
                end_row(&mut row, &mut previous, &mut out);
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
        if row.len() == row_digits {
            end_row(&mut row, &mut previous, &mut out);
        }
    }
    if !row.is_empty() || out.len() != stride * rows {
        return Err(format!(
            "{} bytes decoded, {} expected",
            out.len() + row.len() / 2,
            stride * rows
        ));
    }
    Ok(out)
}

/// Every barcode rxing finds on the label, as text. Tries the label as sent and turned a quarter, since the
/// decoders in rxing look along rows first.
pub fn read_barcodes(label: &Bitmap) -> Vec<String> {
    let mut found = Vec::new();
    for image in [label.clone(), label.rotate_cw()] {
        let luma = image.to_luma();
        if let Ok(results) =
            rxing::helpers::detect_multiple_in_luma(luma, image.width(), image.height())
        {
            for result in results {
                let text = result.getText().to_string();
                if !found.contains(&text) {
                    found.push(text);
                }
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16 × 2 label: the first row's left half black.
    fn sample() -> Bitmap {
        Bitmap::from_packed(16, 2, vec![0xFF, 0x00, 0x00, 0x00]).unwrap()
    }

    #[test]
    fn escpos_bands_and_queries() {
        let mut job = vec![0x1B, 0x40, 0x10, 0x04, 0x01];
        job.extend([0x1D, 0x76, 0x30, 0x00, 2, 0, 1, 0, 0xFF, 0x00]);
        job.extend([0x1D, 0x76, 0x30, 0x00, 2, 0, 1, 0, 0x00, 0x00]);
        job.extend([0x1B, 0x4A, 24, 0x1D, 0x0C, 0x1D, 0x56, 0x42, 0x00]);
        let labels = decode_escpos(&job).unwrap();
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].packed(), sample().packed());
    }

    #[test]
    fn tspl_polarity_and_print() {
        let mut job = b"SIZE 2 mm,1 mm\r\nGAP 2 mm,0 mm\r\nCLS\r\nBITMAP 8,0,2,2,0,".to_vec();
        job.extend([0x00, 0xFF, 0xFF, 0xFF]);
        job.extend(b"\r\nPRINT 1,1\r\n\x1b!?");
        let labels = decode_tspl(&job).unwrap();
        assert_eq!(labels.len(), 1);
        assert_eq!((labels[0].width(), labels[0].height()), (24, 2));
        assert!(labels[0].get(8, 0) && !labels[0].get(7, 0) && !labels[0].get(16, 0));
    }

    #[test]
    fn zpl_acs_forms() {
        // Row 1 "FF" then "," fills zeros; row 2 ":" repeats row 1; row 3 "!" is all ones.
        let job = b"~SD15^XA^PW16^LL3\n^FO0,0^GFA,6,6,2,FF,:!^FS^PQ1^XZ~HS";
        let labels = decode_zpl(job).unwrap();
        assert_eq!(labels[0].packed(), &[0xFF, 0x00, 0xFF, 0x00, 0xFF, 0xFF]);
        let counted = b"^XA^FO0,0^GFA,4,4,2,IF0I0F^FS^XZ";
        assert_eq!(
            decode_zpl(counted).unwrap()[0].packed(),
            &[0xFF, 0xF0, 0x00, 0x0F]
        );
    }
}
