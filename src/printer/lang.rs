//! The three printer languages, each encoding the same placed 1-bit label.
//!
//! - ESC/POS: `ESC @`, then the framed label as raster `GS v 0` bands (MSB = leftmost dot, 1 = black),
//!   each band within the profile's row limit, 2303 rows and 64 KiB; then an optional `ESC J` feed,
//!   `GS FF` on label media and `GS V` cut.
//! - TSPL: `SIZE`, `GAP`/`BLINE`, `DIRECTION`, `REFERENCE`, `SET CUTTER`, `CLS`, `BITMAP` with raw bytes in TSPL's
//!   polarity (0 = black, 1 = white: the bits are inverted), `PRINT 1,copies`.
//! - ZPL: `^XA ^PW ^LL ^LH ^MN`, the label as `^GFA` in Zebra's ASCII compression (ACS), `^PQ`, `^XZ`.

use std::fmt::Write as _;

use super::error::PrinterError;
use super::place::Placed;
use super::profile::{Cut, Language, Media, Profile};
use crate::barcode::{self, Symbology};

/// A symbol the printer draws itself (ZPL `^B…`, TSPL `BARCODE`) instead of receiving it as raster.
/// Coordinates are the label bitmap's (before placement); the bitmap should leave the area white.
///
/// Symbologies sent as commands (each checked by rendering the job in labelize and reading it back): Code 128,
/// Code 39 and Code 39 with its mod-43 check character (sent as plain Code 39 with our check character; TSPL:
/// without `$ / + %`), EAN-13 in both languages; EAN-8 and UPC-A in ZPL. The others (GS1, ITF-14 with its bearer bars, UPC-E, add-ons, QR, DataMatrix) are
/// refused: send them as raster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeBarcode {
    /// The symbology.
    pub symbology: Symbology,
    /// The data, printable ASCII, as for [`barcode::encode`].
    pub value: String,
    /// Left edge of the symbol (start of the first bar; the quiet zone is the caller's) in dots.
    pub x: u32,
    /// Top edge in dots.
    pub y: u32,
    /// Narrow module width in whole dots (1–10).
    pub module_dots: u32,
    /// Bar height in dots.
    pub height_dots: u32,
}

/// Encodes a placed label plus native barcode commands. ESC/POS is refused: its `GS k` prints in the
/// line flow, not at a position inside a raster. So is a turned label (the barcodes would have to turn).
pub fn encode_with_barcodes(
    placed: &Placed,
    profile: &Profile,
    copies: u32,
    barcodes: &[NativeBarcode],
) -> Result<Vec<u8>, PrinterError> {
    let mut commands = String::new();
    for code in barcodes {
        let fail = |reason: String| PrinterError::NativeBarcode {
            value: code.value.clone(),
            reason,
        };
        if profile.language == Language::Escpos {
            return Err(fail(
                "ESC/POS cannot place a native barcode inside a raster label; send it as raster"
                    .into(),
            ));
        }
        if placed.quarter_turns != 0 {
            return Err(fail(
                "the label was turned to fit the head; native barcodes need an upright label"
                    .into(),
            ));
        }
        // The data and the command first: a value no command can carry is refused as such.
        command(profile.language, code, 0).map_err(fail)?;
        if code.x < placed.source_x || code.x - placed.source_x >= placed.bitmap.width() {
            return Err(fail(format!(
                "x = {} is outside the printable width",
                code.x
            )));
        }
        let x = placed.x + code.x - placed.source_x;
        let command = command(profile.language, code, x).map_err(fail)?;
        match profile.language {
            Language::Zpl => {
                let _ = write!(commands, "\n^FO{x},{}{command}", code.y);
            }
            _ => commands.push_str(&command),
        }
    }
    Ok(encode_inserting(placed, profile, copies, &commands).to_vec())
}

/// Whether `language` has a barcode command that draws `code` as shiplabel would (see
/// [`NativeBarcode`]); the reason when not.
pub(super) fn supports(language: Language, code: &NativeBarcode) -> Result<(), String> {
    if language == Language::Escpos {
        return Err("ESC/POS cannot place a native barcode inside a raster label".into());
    }
    command(language, code, code.x).map(|_| ())
}

/// The barcode command for `code` at column `x` of the frame (TSPL carries the position in the
/// command; ZPL's `^FO` is the caller's), or why there is none.
fn command(language: Language, code: &NativeBarcode, x: u32) -> Result<String, String> {
    if !(1..=10).contains(&code.module_dots) || code.height_dots == 0 {
        return Err(format!(
            "module width {} dots (1–10) and height {} dots (at least 1) are out of range",
            code.module_dots, code.height_dots
        ));
    }
    if code.value.is_empty() {
        return Err("empty data".into());
    }
    if let Some((i, c)) = unsendable_char(&code.value) {
        return Err(format!(
            "character {} at position {} cannot be sent in a {} barcode command",
            barcode::gs1::show_char(c),
            i + 1,
            language
        ));
    }
    // The value must be one our own encoder takes: the printer gets the same data, check digits left
    // for it to compute.
    let symbol = barcode::encode(code.symbology, &code.value).map_err(|e| e.to_string())?;
    let (m, h, y) = (code.module_dots, code.height_dots, code.y);
    // EAN and UPC: the digits without the check digit, which the printer adds.
    let content = symbol.content();
    let body = content
        .get(..content.len().saturating_sub(1))
        .unwrap_or_default();
    let v = code.value.as_str();
    // Code 39: the value, and the mod-43 character when the symbology has it.
    let code39 = symbol.text();
    let command = match (language, code.symbology) {
        // Mode A: the printer picks the code sets (digit runs in set C).
        (Language::Zpl, Symbology::Code128) => format!("^BY{m}^BCN,{h},N,N,N,A^FD{v}^FS"),
        // Code 39 with the mod-43 character: the plain command with our check character appended draws
        // the same bars (and does not depend on the printer computing it).
        (Language::Zpl, Symbology::Code39 | Symbology::Code39Mod43) => {
            format!("^BY{m},3^B3N,N,{h},N,N^FD{code39}^FS")
        }
        (Language::Zpl, Symbology::Ean13) => format!("^BY{m}^BEN,{h},N,N^FD{body}^FS"),
        (Language::Zpl, Symbology::Ean8) => format!("^BY{m}^B8N,{h},N,N^FD{body}^FS"),
        (Language::Zpl, Symbology::UpcA) => format!("^BY{m}^BUN,{h},N,N,Y^FD{body}^FS"),
        (Language::Tspl, Symbology::Code128) => tspl_barcode(x, y, "128", h, m, m, v),
        // TSPL2 printers draw "39" in full ASCII, where $ / + % are shift characters: only values
        // without them come out as standard Code 39.
        (Language::Tspl, Symbology::Code39 | Symbology::Code39Mod43)
            if code39.contains(['$', '/', '+', '%']) =>
        {
            return Err(
                "TSPL's Code 39 command reads $ / + % as full-ASCII shifts; send it as raster"
                    .into(),
            )
        }
        (Language::Tspl, Symbology::Code39 | Symbology::Code39Mod43) => {
            tspl_barcode(x, y, "39", h, m, 3 * m, code39)
        }
        (Language::Tspl, Symbology::Ean13) => tspl_barcode(x, y, "EAN13", h, m, m, body),
        (language, symbology) => {
            return Err(format!(
            "{language} has no barcode command shiplabel uses for {symbology}; send it as raster"
        ))
        }
    };
    if code.value.contains('+') {
        return Err(format!(
            "{} add-ons are not sent as printer barcode commands; send the symbol as raster",
            code.symbology
        ));
    }
    Ok(command)
}

/// One label's job as it goes to the printer: `once`, then `page` sent `repeat` times. ESC/POS has no
/// copy count, so its copies are the page sent again: held once and streamed, never multiplied in
/// memory (999 copies of a large label would be gigabytes). TSPL and ZPL carry the count inside the
/// job (`PRINT 1,N`, `^PQN`), and their `repeat` is 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Sent first, once.
    pub once: Vec<u8>,
    /// Sent `repeat` times after `once`.
    pub page: Vec<u8>,
    /// How many times `page` is sent.
    pub repeat: u32,
}

impl Job {
    /// The bytes of the whole job.
    pub fn len(&self) -> u64 {
        self.once.len() as u64 + self.page.len() as u64 * u64::from(self.repeat)
    }

    /// Whether the job has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The job's pieces in order: `once`, then `page` `repeat` times.
    pub fn parts(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.once.as_slice())
            .chain(std::iter::repeat_n(
                self.page.as_slice(),
                self.repeat as usize,
            ))
            .filter(|part| !part.is_empty())
    }

    /// Writes the whole job to `out`, piece by piece.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.parts().try_for_each(|part| out.write_all(part))
    }

    /// The whole job in one buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(usize::try_from(self.len()).unwrap_or(usize::MAX));
        for part in self.parts() {
            out.extend_from_slice(part);
        }
        out
    }
}

/// A TSPL `BARCODE` command: x, y, code type, height, no human-readable line, no rotation, narrow and wide
/// element widths in dots, data.
fn tspl_barcode(x: u32, y: u32, kind: &str, h: u32, narrow: u32, wide: u32, v: &str) -> String {
    format!("BARCODE {x},{y},\"{kind}\",{h},0,0,{narrow},{wide},\"{v}\"\r\n")
}

/// The first character a barcode command cannot carry: outside printable ASCII, or one the language
/// treats as syntax (`^`, `~` in ZPL, `"` and `\` in TSPL strings).
fn unsendable_char(value: &str) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| !(' '..='~').contains(c) || matches!(c, '^' | '~' | '"' | '\\'))
}

/// Encodes a placed label as one job of `copies` copies in the profile's language.
pub fn encode_job(placed: &Placed, profile: &Profile, copies: u32) -> Job {
    encode_inserting(placed, profile, copies, "")
}

/// [`encode_job`], with `commands` (TSPL or ZPL text) placed after the graphic and before the print
/// command.
fn encode_inserting(placed: &Placed, profile: &Profile, copies: u32, commands: &str) -> Job {
    let copies = copies.max(1);
    let whole = |once| Job {
        once,
        page: Vec::new(),
        repeat: 0,
    };
    match profile.language {
        Language::Escpos => Job {
            // ESC @: initialise.
            once: vec![0x1b, 0x40],
            page: escpos_page(placed, profile),
            repeat: copies,
        },
        Language::Tspl => whole(tspl(placed, profile, copies, commands)),
        Language::Zpl => whole(zpl(placed, profile, copies, commands)),
    }
}

/// One ESC/POS page (after the `ESC @` that starts the job).
fn escpos_page(placed: &Placed, profile: &Profile) -> Vec<u8> {
    let framed = placed.framed();
    let stride = framed.stride();
    let rows_per_band = profile.band_rows_for(stride) as usize;
    let mut page = Vec::with_capacity(framed.packed().len() + 64);
    // A frame narrower than one byte has no rows to send (and `chunks` refuses a size of 0).
    for band in framed.packed().chunks((stride * rows_per_band).max(1)) {
        let rows = band.len() / stride;
        // GS v 0, m = 0 (normal size), x = bytes per row, y = rows, little endian.
        page.extend_from_slice(&[0x1d, 0x76, 0x30, 0x00]);
        page.extend_from_slice(&(stride as u16).to_le_bytes());
        page.extend_from_slice(&(rows as u16).to_le_bytes());
        page.extend_from_slice(band);
    }
    let mut feed = profile.feed_dots;
    while feed > 0 {
        let step = feed.min(255);
        page.extend_from_slice(&[0x1b, 0x4a, step as u8]);
        feed -= step;
    }
    if profile.media != Media::Continuous {
        // GS FF: feed marked or die-cut media to the next print start.
        page.extend_from_slice(&[0x1d, 0x0c]);
    }
    match profile.cut {
        Cut::None => {}
        // GS V 65 0 / GS V 66 0: feed to the cutter, then a full or a partial cut.
        Cut::Full => page.extend_from_slice(&[0x1d, 0x56, 0x41, 0x00]),
        Cut::Partial => page.extend_from_slice(&[0x1d, 0x56, 0x42, 0x00]),
    }
    page
}

/// Millimetres as TSPL wants them: a plain decimal without trailing zeros.
fn mm(value: f32) -> String {
    let text = format!("{:.2}", value);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn tspl(placed: &Placed, profile: &Profile, copies: u32, commands: &str) -> Vec<u8> {
    let bitmap = &placed.bitmap;
    let length_mm = match profile.media {
        Media::Continuous => bitmap.height() as f32 / profile.dots_per_mm() as f32,
        _ => profile.label_length_mm,
    };
    let mut head = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        head,
        "SIZE {} mm,{} mm\r\n",
        mm(profile.label_width_mm),
        mm(length_mm)
    );
    let _ = match profile.media {
        Media::Gap => write!(head, "GAP {} mm,0 mm\r\n", mm(profile.gap_mm)),
        Media::BlackMark => write!(head, "BLINE {} mm,0 mm\r\n", mm(profile.gap_mm)),
        Media::Continuous => write!(head, "GAP 0,0\r\n"),
    };
    let _ = write!(
        head,
        "DIRECTION {},{}\r\nREFERENCE 0,0\r\n",
        profile.direction,
        u8::from(profile.mirror)
    );
    match profile.cut {
        Cut::None => {}
        Cut::Full => head.push_str("SET CUTTER 1\r\n"),
        Cut::Partial => head.push_str("SET PARTIAL_CUTTER 1\r\n"),
    }
    if let Some(d) = profile.darkness {
        let _ = write!(head, "DENSITY {d}\r\n");
    }
    if let Some(s) = profile.speed {
        let _ = write!(head, "SPEED {s}\r\n");
    }
    head.push_str("CLS\r\n");
    let _ = write!(
        head,
        "BITMAP {},0,{},{},0,",
        placed.x,
        bitmap.stride(),
        bitmap.height()
    );
    let mut out = Vec::with_capacity(head.len() + bitmap.packed().len() + 32);
    out.extend_from_slice(head.as_bytes());
    // TSPL burns a dot for a 0 bit; padding bits past the width become 1 (blank).
    out.extend(bitmap.packed().iter().map(|b| !b));
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(commands.as_bytes());
    out.extend_from_slice(format!("PRINT 1,{copies}\r\n").as_bytes());
    out
}

fn zpl(placed: &Placed, profile: &Profile, copies: u32, commands: &str) -> Vec<u8> {
    let bitmap = &placed.bitmap;
    let length = match profile.media {
        Media::Continuous => bitmap.height(),
        _ => profile.label_length_dots(),
    };
    let mut out = String::with_capacity(bitmap.packed().len() / 4 + 256);
    if let Some(d) = profile.darkness {
        let _ = write!(out, "~SD{d:02}");
    }
    let _ = write!(
        out,
        "^XA^PW{}^LL{}^LH0,0^MN{}",
        placed.frame_width,
        length,
        match profile.media {
            Media::Gap => 'Y',
            Media::BlackMark => 'M',
            Media::Continuous => 'N',
        }
    );
    if let Some(s) = profile.speed {
        let _ = write!(out, "^PR{s}");
    }
    if profile.cut != Cut::None {
        // Cutter mode: cut after each label (ZPL's only cut is a full one).
        out.push_str("^MMC");
    }
    // ^GF counts are at most 99999 bytes: taller or wider labels go as several graphic fields.
    let stride = bitmap.stride().max(1);
    let rows_per_field = (ZPL_MAX_GRAPHIC_BYTES / stride).max(1);
    for (i, block) in bitmap.packed().chunks(stride * rows_per_field).enumerate() {
        let _ = write!(
            out,
            "\n^FO{},{}^GFA,{},{},{stride},",
            placed.x,
            i * rows_per_field,
            block.len(),
            block.len()
        );
        acs_encode(block, stride, &mut out);
        out.push_str("^FS");
    }
    out.push_str(commands);
    let _ = write!(out, "\n^PQ{copies}\n^XZ\n");
    out.into_bytes()
}

/// Largest byte count a `^GF` field takes.
const ZPL_MAX_GRAPHIC_BYTES: usize = 99_999;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Zebra's ASCII compression of packed rows: runs of a hex digit become a count letter (`G`–`Y` = 1–19,
/// `g`–`z` = 20–400) and the digit, `,` ends a row of trailing zeros, `!` a row of trailing ones, and `:`
/// repeats the previous row.
pub fn acs_encode(packed: &[u8], stride: usize, out: &mut String) {
    let mut hex = Vec::with_capacity(stride * 2);
    let mut previous: Option<&[u8]> = None;
    for row in packed.chunks_exact(stride.max(1)) {
        if previous == Some(row) {
            out.push(':');
            continue;
        }
        previous = Some(row);
        hex.clear();
        for byte in row {
            hex.push(HEX[(byte >> 4) as usize]);
            hex.push(HEX[(byte & 0x0f) as usize]);
        }
        let zeros = hex.iter().rev().take_while(|&&c| c == b'0').count();
        let ones = hex.iter().rev().take_while(|&&c| c == b'F').count();
        let (body, filler) = if zeros > 0 {
            (&hex[..hex.len() - zeros], Some(','))
        } else if ones > 1 {
            (&hex[..hex.len() - ones], Some('!'))
        } else {
            (&hex[..], None)
        };
        let mut i = 0;
        while i < body.len() {
            let digit = body[i];
            let run = body[i..].iter().take_while(|&&c| c == digit).count();
            push_run(out, digit as char, run);
            i += run;
        }
        if let Some(f) = filler {
            out.push(f);
        }
    }
}

fn push_run(out: &mut String, digit: char, mut run: usize) {
    while run > 0 {
        let chunk = run.min(419);
        let twenties = chunk / 20;
        let ones = chunk % 20;
        if chunk > 1 {
            if twenties > 0 {
                out.push((b'f' + twenties as u8) as char);
            }
            if ones > 0 {
                out.push((b'F' + ones as u8) as char);
            }
        }
        out.push(digit);
        run -= chunk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitmap::Bitmap;
    use crate::printer::place::place;
    use crate::printer::profile::builtin;

    /// The whole job in one buffer, as the printer receives it.
    fn encode(placed: &Placed, profile: &Profile, copies: u32) -> Vec<u8> {
        encode_job(placed, profile, copies).to_vec()
    }

    fn acs(rows: &[&[u8]]) -> String {
        let packed: Vec<u8> = rows.concat();
        let mut s = String::new();
        acs_encode(&packed, rows[0].len(), &mut s);
        s
    }

    #[test]
    fn acs_counts_and_row_fillers() {
        assert_eq!(acs(&[&[0x00, 0x00]]), ",");
        assert_eq!(acs(&[&[0xFF, 0xFF]]), "!");
        assert_eq!(acs(&[&[0xF0, 0x00]]), "F,");
        assert_eq!(acs(&[&[0x12, 0x34], &[0x12, 0x34]]), "1234:");
        assert_eq!(acs(&[&[0x0F, 0xFF]]), "0!");
        assert_eq!(acs(&[&[0xAA; 10]]), "gA");
        assert_eq!(acs(&[&[0xAB; 1]]), "AB");
        let mut s = String::new();
        push_run(&mut s, 'B', 327);
        assert_eq!(s, "vMB");
        s.clear();
        push_run(&mut s, 'B', 1000);
        assert_eq!(s, "zYBzYBnHB", "419 + 419 + 162");
    }

    #[test]
    fn tspl_header_and_inverted_data() {
        let mut b = Bitmap::new(16, 2);
        b.fill_rect(0, 0, 8, 1);
        let xp = builtin("xprinter-xp420b").unwrap();
        let placed = place(&b, &xp).unwrap();
        let job = encode_job(&placed, &xp, 2).to_vec();
        let text = String::from_utf8_lossy(&job);
        assert!(text.starts_with("SIZE 75 mm,120 mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1,0\r\n"));
        // The bitmap is as long as the stock: two rows of label, white to 960 rows.
        let marker = b"BITMAP 292,0,2,960,0,";
        let at = job.windows(marker.len()).position(|w| w == marker).unwrap() + marker.len();
        assert_eq!(&job[at..at + 4], &[0x00, 0xFF, 0xFF, 0xFF]);
        assert!(job.ends_with(b"\r\nPRINT 1,2\r\n"));
    }

    #[test]
    fn tspl_bitmap_of_a_120_mm_label_is_960_rows() {
        // 120 mm at 203 dpi renders as 959 rows; the stock is 960 dots long as the firmware counts.
        let mut label = Bitmap::new(599, 959);
        label.fill_rect(10, 0, 20, 959);
        // Rows of 75 bytes (600 dots) on a 4-inch head; trimmed to the 72-mm head of the XP-365B.
        for (name, bytes) in [
            ("xprinter-xp365b", "72"),
            ("xprinter-xp420b", "75"),
            ("tsc-te200", "75"),
        ] {
            let p = builtin(name).unwrap();
            let job = encode(&place(&label, &p).unwrap(), &p, 1);
            let at = job.windows(7).position(|w| w == b"BITMAP ").unwrap();
            let header = String::from_utf8_lossy(&job[at..at + 24]).into_owned();
            let fields: Vec<&str> = header[7..].split(',').collect();
            assert_eq!((fields[2], fields[3]), (bytes, "960"), "{name}: {header}");
        }
    }

    #[test]
    fn cut_and_direction_follow_the_profile() {
        let label = Bitmap::new(64, 8);
        let mut p = builtin("tsc-te200").unwrap();
        p.cut = Cut::Full;
        p.direction = 0;
        p.mirror = true;
        let text =
            String::from_utf8_lossy(&encode(&place(&label, &p).unwrap(), &p, 1)).into_owned();
        assert!(
            text.contains("DIRECTION 0,1\r\nREFERENCE 0,0\r\nSET CUTTER 1\r\n"),
            "{text}"
        );
        p.cut = Cut::Partial;
        let text =
            String::from_utf8_lossy(&encode(&place(&label, &p).unwrap(), &p, 1)).into_owned();
        assert!(text.contains("SET PARTIAL_CUTTER 1\r\n"), "{text}");
        let mut e = builtin("escpos-80mm").unwrap();
        e.cut = Cut::Full;
        assert!(encode(&place(&label, &e).unwrap(), &e, 1).ends_with(&[0x1d, 0x56, 0x41, 0x00]));
        e.cut = Cut::None;
        assert!(!encode(&place(&label, &e).unwrap(), &e, 1)
            .windows(2)
            .any(|w| w == [0x1d, 0x56]));
        let mut z = builtin("zebra-gk420d").unwrap();
        z.cut = Cut::Full;
        let text = String::from_utf8(encode(&place(&label, &z).unwrap(), &z, 1)).unwrap();
        assert!(text.contains("^MMC"), "{text}");
    }

    #[test]
    fn escpos_bands_respect_the_limit() {
        let mut p = builtin("escpos-80mm").unwrap();
        p.band_rows = 100;
        let b = Bitmap::new(576, 250);
        let job = encode_job(&place(&b, &p).unwrap(), &p, 1).to_vec();
        let headers: Vec<usize> = job
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == [0x1d, 0x76, 0x30, 0x00])
            .map(|(i, _)| i)
            .collect();
        assert_eq!(headers.len(), 3);
        assert_eq!(&job[headers[2] + 4..headers[2] + 8], &[72, 0, 50, 0]);
        assert!(job.ends_with(&[0x1b, 0x4a, 24, 0x1d, 0x56, 0x42, 0x00]));
    }

    #[test]
    fn escpos_head_narrower_than_a_dot_sends_no_raster_instead_of_panicking() {
        // A profile built in code skips the TOML validation that refuses this head.
        let mut p = builtin("escpos-80mm").unwrap();
        p.head_width_mm = 0.05;
        let placed = place(&Bitmap::new(600, 960), &p).unwrap();
        assert_eq!(placed.frame_width, 0);
        let job = encode_job(&placed, &p, 1).to_vec();
        assert!(
            !job.windows(3).any(|w| w == [0x1d, 0x76, 0x30]),
            "no GS v 0"
        );
    }

    #[test]
    fn zpl_splits_graphics_above_99999_bytes() {
        let mut p = builtin("zebra-gk420d").unwrap();
        p.media = Media::Continuous;
        let b = Bitmap::new(800, 1100); // 100 bytes a row, 110 000 bytes
        let job = String::from_utf8(encode_job(&place(&b, &p).unwrap(), &p, 1).to_vec()).unwrap();
        assert!(job.contains("^FO16,0^GFA,99900,99900,100,"), "{job}");
        assert!(job.contains("^FO16,999^GFA,10100,10100,100,"), "{job}");
    }

    #[test]
    fn mm_is_plain_decimal() {
        assert_eq!(mm(75.0), "75");
        assert_eq!(mm(2.5), "2.5");
        assert_eq!(mm(0.25), "0.25");
    }
}
