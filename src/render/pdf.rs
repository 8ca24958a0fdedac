//! Scenes to PDF, streamed: one page per label, written as it comes, the fonts written once at the end.
//!
//! Built on `pdf-writer` (typed objects, no document model) plus our own file framing: every object is
//! written straight to the output and only its byte offset is kept, so memory stays flat however many
//! labels a batch has. Fonts are Type 0 / CIDFontType2 with the glyph ids of the bundled font as CIDs, so
//! pages can be prepared in parallel without a shared glyph table; at the end each font is subset to the
//! glyphs used (`subsetter`), and a CIDToGIDMap, a widths array and a ToUnicode CMap are written for it.
//! A linear barcode's bars are glyphs of a small Type 3 "bar font" written by the document (one byte
//! a bar and the gap after it, see `bar_string`), a tenth of the bytes of a rectangle per bar.
//! The output is a deterministic function of the scenes and options: no timestamps or random ids unless a
//! creation date is asked for.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Name, Rect as PdfRect, Ref, Settings, Str};

use crate::bitmap::Bitmap;
use crate::deflate;
use crate::font::FontStyle;
use crate::scene::{Item, Scene};
use crate::units::MM_PER_INCH;

/// Content-stream units per millimetre when a scene has no dot grid (hundredths of a millimetre).
const UNITS_PER_MM_NO_GRID: f64 = 100.0;

thread_local! {
    // The uncompressed content stream of the page being prepared: one buffer per thread, reused.
    static RAW: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Document-level settings.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// The document title (Info /Title).
    pub title: String,
    /// A creation date to record (Info /CreationDate); `None` keeps the output byte-for-byte reproducible.
    pub creation_date: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// A page turned into PDF content, ready to be written: the heavy part of a page, done without the
/// writer so that pages can be prepared on several threads.
#[derive(Debug)]
pub struct PreparedPage {
    width_pt: f32,
    height_pt: f32,
    content: Vec<u8>,
    used: PageUse,
}

impl PreparedPage {
    /// Builds and compresses the content stream of a scene.
    pub fn new(scene: &Scene) -> PreparedPage {
        RAW.with(|cell| {
            let mut raw = cell.borrow_mut();
            raw.clear();
            let used = content(scene, &mut raw);
            PreparedPage {
                width_pt: mm_to_pt(scene.width_mm),
                height_pt: mm_to_pt(scene.height_mm),
                content: deflate::zlib(&raw),
                used,
            }
        })
    }
}

/// What a page's content stream draws with, for the resources written once at the end.
#[derive(Debug, Default)]
struct PageUse {
    /// The text glyphs it shows (in order of use, with repeats).
    glyphs: Vec<(FontStyle, u16, char)>,
    /// The images it draws.
    images: Vec<Arc<Bitmap>>,
    /// The codes of the bar font it shows.
    bar_codes: BarCodes,
}

/// Writes the content stream of `scene` into `c`; returns what it draws with.
///
/// Coordinates are content units: dots of the scene's grid (or hundredths of a millimetre), y up from
/// a baseline one whole unit below the page's top edge rounded up, so that everything on the grid is a
/// small integer. Other values are written to two decimals.
fn content(scene: &Scene, c: &mut Vec<u8>) -> PageUse {
    let units_per_mm = match scene.grid_dpi {
        Some(dpi) => f64::from(dpi) / MM_PER_INCH,
        None => UNITS_PER_MM_NO_GRID,
    };
    let pt_per_unit = 72.0 / MM_PER_INCH / units_per_mm;
    let page_h = scene.height_mm * units_per_mm;
    // The top of the page in units, rounded up to a whole unit; the transform moves it back down.
    let top = (page_h - 1e-9).ceil();
    let u = |mm: f64| mm * units_per_mm;
    let y_up = |mm: f64| top - mm * units_per_mm;

    c.extend_from_slice(b"q\n");
    num_precise(c, pt_per_unit);
    c.extend_from_slice(b" 0 0 ");
    num_precise(c, pt_per_unit);
    c.extend_from_slice(b" 0 ");
    num_precise(c, (page_h - top) * pt_per_unit);
    c.extend_from_slice(b" cm\n");
    // Lone rectangles first, as one path. A linear barcode's bars share their bottom and height and
    // are whole modules wide: they are drawn as one string of the bar font (one byte a bar, see
    // `bar_string`) in a frame of one module by the bars' height (`q m 0 0 h x y cm … Q`); bars that
    // do not fit the font go in a frame scaled to their height, as `x 0 w 1 re`. Either way the device
    // coordinates are the same products of whole numbers as `x y w h re`.
    let mut any_fill = false;
    for item in &scene.items {
        if let Item::Fill(r) = item {
            op4(c, [u(r.x), y_up(r.bottom()), u(r.w), u(r.h)], b"re");
            any_fill = true;
        }
    }
    if any_fill {
        c.extend_from_slice(b"f\n");
    }
    let mut bar_codes = BarCodes::default();
    for item in &scene.items {
        let Item::Barcode(b) = item else { continue };
        let Some(first) = b.bars.first() else {
            continue;
        };
        let (bottom, height) = (hundredths(y_up(first.bottom())), hundredths(u(first.h)));
        let one_row = height > 0
            && b.bars
                .iter()
                .all(|r| hundredths(y_up(r.bottom())) == bottom && hundredths(u(r.h)) == height);
        if !one_row {
            for r in &b.bars {
                op4(c, [u(r.x), y_up(r.bottom()), u(r.w), u(r.h)], b"re");
            }
            c.extend_from_slice(b"f\n");
            continue;
        }
        let module = hundredths(u(b.module_mm));
        let edges: Vec<(i64, i64)> = b
            .bars
            .iter()
            .map(|r| (hundredths(u(r.x)), hundredths(u(r.w))))
            .collect();
        c.extend_from_slice(b"q\n");
        match bar_string(&edges, module) {
            Some(codes) => {
                // The bars as glyphs of the bar font, in a frame of one module across and the bars'
                // height up: each glyph is a bar and the gap after it, in whole modules.
                num_hundredths(c, module);
                c.extend_from_slice(b" 0 0 ");
                num_hundredths(c, height);
                c.push(b' ');
                num_hundredths(c, edges[0].0);
                c.push(b' ');
                num_hundredths(c, bottom);
                // An empty ActualText: the glyphs are bars, not text to extract or copy.
                c.extend_from_slice(b" cm\n/Span<</ActualText()>>BDC\nBT\n/");
                c.extend_from_slice(BAR_FONT_RESOURCE.as_bytes());
                c.extend_from_slice(b" 1 Tf\n(");
                for code in codes {
                    bar_codes.insert(code);
                    literal_byte(c, code);
                }
                c.extend_from_slice(b") Tj\nET\nEMC\n");
            }
            None => {
                c.extend_from_slice(b"1 0 0 ");
                num_hundredths(c, height);
                c.extend_from_slice(b" 0 ");
                num_hundredths(c, bottom);
                c.extend_from_slice(b" cm\n");
                for r in &b.bars {
                    num(c, u(r.x));
                    c.extend_from_slice(b" 0 ");
                    num(c, u(r.w));
                    c.extend_from_slice(b" 1 re\n");
                }
                c.extend_from_slice(b"f\n");
            }
        }
        c.extend_from_slice(b"Q\n");
    }
    let glyph_count = scene
        .items
        .iter()
        .map(|item| match item {
            Item::Text(run) => run.glyphs.len(),
            _ => 0,
        })
        .sum();
    let mut glyphs = Vec::with_capacity(glyph_count);
    let mut images: Vec<Arc<Bitmap>> = Vec::new();
    for item in &scene.items {
        match item {
            Item::Text(run) => {
                let size_units = run.size_pt / 72.0 * MM_PER_INCH * units_per_mm;
                c.extend_from_slice(b"BT\n/");
                c.extend_from_slice(font_resource(run.style).as_bytes());
                c.push(b' ');
                num(c, size_units);
                c.extend_from_slice(b" Tf\n");
                num(c, u(run.x));
                c.push(b' ');
                num(c, y_up(run.baseline));
                c.extend_from_slice(b" Td\n(");
                for g in &run.glyphs {
                    for byte in g.id.to_be_bytes() {
                        literal_byte(c, byte);
                    }
                    glyphs.push((run.style, g.id, g.ch));
                }
                c.extend_from_slice(b") Tj\nET\n");
            }
            Item::Line(line) => {
                num(c, u(line.thickness));
                c.extend_from_slice(b" w\n");
                num(c, u(line.x1));
                c.push(b' ');
                num(c, y_up(line.y1));
                c.extend_from_slice(b" m\n");
                num(c, u(line.x2));
                c.push(b' ');
                num(c, y_up(line.y2));
                c.extend_from_slice(b" l\nS\n");
            }
            Item::Image { rect, bitmap } => {
                let index = match images.iter().position(|b| Arc::ptr_eq(b, bitmap)) {
                    Some(i) => i,
                    None => {
                        images.push(bitmap.clone());
                        images.len() - 1
                    }
                };
                c.extend_from_slice(b"q\n");
                num(c, u(rect.w));
                c.extend_from_slice(b" 0 0 ");
                num(c, u(rect.h));
                c.push(b' ');
                num(c, u(rect.x));
                c.push(b' ');
                num(c, y_up(rect.bottom()));
                c.extend_from_slice(b" cm\n");
                c.extend_from_slice(format!("/Im{index} Do\nQ\n").as_bytes());
            }
            Item::Fill(_) | Item::Barcode(_) => {}
        }
    }
    c.extend_from_slice(b"Q");
    PageUse {
        glyphs,
        images,
        bar_codes,
    }
}

/// Writes one byte of a literal string: only the delimiters, the escape and CR (read as a line end)
/// need escaping.
fn literal_byte(c: &mut Vec<u8>, byte: u8) {
    match byte {
        b'(' | b')' | b'\\' => c.extend_from_slice(&[b'\\', byte]),
        b'\r' => c.extend_from_slice(b"\\r"),
        _ => c.push(byte),
    }
}

/// The resource name of the bar font.
const BAR_FONT_RESOURCE: &str = "B0";
/// The widest bar the bar font has, in modules.
const MAX_BAR_MODULES: i64 = 16;
/// The widest gap after a bar the bar font has, in modules.
const MAX_GAP_MODULES: i64 = 15;

/// The codes of the bar font for a row of bars given as `(x, width)` in hundredths of a content unit,
/// left to right, or `None` when they do not fit it: a bar not a whole number of `module`s wide, a bar
/// or gap too wide, bars out of order. Code `(b - 1) << 4 | g` is a bar `b` modules wide followed by a
/// gap of `g` modules (the last bar's gap is 0): a Type 3 glyph 11 modules wide for Code 128's
/// `2 1 2 2 2 2`-style patterns is three bytes instead of three `x 0 w 1 re` lines.
fn bar_string(edges: &[(i64, i64)], module: i64) -> Option<Vec<u8>> {
    if module <= 0 {
        return None;
    }
    let whole = |v: i64| (v % module == 0).then_some(v / module);
    let mut codes = Vec::with_capacity(edges.len());
    for (i, &(x, w)) in edges.iter().enumerate() {
        let bar = whole(w)?;
        let gap = match edges.get(i + 1) {
            Some(&(next, _)) => whole(next - x - w)?,
            None => 0,
        };
        if !(1..=MAX_BAR_MODULES).contains(&bar) || !(0..=MAX_GAP_MODULES).contains(&gap) {
            return None;
        }
        codes.push(bar_code(bar, gap));
    }
    Some(codes)
}

/// The bar-font code of a bar `bar` modules wide (1–16) followed by a gap of `gap` (0–15).
fn bar_code(bar: i64, gap: i64) -> u8 {
    ((bar - 1) << 4 | gap) as u8
}

/// A bar-font code's bar and gap, in modules: the inverse of [`bar_code`].
fn bar_and_gap(code: u8) -> (i64, i64) {
    (i64::from(code >> 4) + 1, i64::from(code & 15))
}

/// A set of bar-font codes.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct BarCodes([u64; 4]);

impl BarCodes {
    fn insert(&mut self, code: u8) {
        self.0[usize::from(code >> 6)] |= 1 << (code & 63);
    }

    fn union(&mut self, other: BarCodes) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    fn contains(&self, code: u8) -> bool {
        self.0[usize::from(code >> 6)] & (1 << (code & 63)) != 0
    }

    fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    fn iter(self) -> impl Iterator<Item = u8> {
        (0..=255u8).filter(move |&code| self.contains(code))
    }
}

/// Writes `a b c d op` and a newline.
fn op4(c: &mut Vec<u8>, values: [f64; 4], op: &[u8]) {
    for v in values {
        num(c, v);
        c.push(b' ');
    }
    c.extend_from_slice(op);
    c.push(b'\n');
}

/// `v` in hundredths, rounded half away from zero (without a call to libm's `round`).
fn hundredths(v: f64) -> i64 {
    let x = v * 100.0;
    let magnitude = (x.abs() + 0.5) as i64;
    if x < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Writes `v` rounded to two decimals, without trailing zeros (`12`, `12.5`, `-0.06`).
fn num(c: &mut Vec<u8>, v: f64) {
    num_hundredths(c, hundredths(v));
}

/// Writes a number given in hundredths, without trailing zeros: one copy into the stream.
fn num_hundredths(c: &mut Vec<u8>, hundredths: i64) {
    num_fixed::<2>(c, hundredths);
}

/// Writes `scaled / 10^DECIMALS` (at most 18 decimals) without trailing zeros (`12`, `12.5`,
/// `-0.06`), into a stack buffer and then the stream with one copy.
fn num_fixed<const DECIMALS: u32>(c: &mut Vec<u8>, scaled: i64) {
    let unit = 10u64.pow(DECIMALS);
    let mut buf = [0u8; 48];
    let mut at = buf.len();
    let mut n = scaled.unsigned_abs();
    let mut frac = n % unit;
    n /= unit;
    if frac != 0 {
        let mut digits = DECIMALS;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        for _ in 0..digits {
            at -= 1;
            buf[at] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        at -= 1;
        buf[at] = b'.';
    }
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if scaled < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    c.extend_from_slice(&buf[at..]);
}

/// Writes `v` to seven decimals (the page transform, written once a page).
fn num_precise(c: &mut Vec<u8>, v: f64) {
    let x = v * 1e7;
    let magnitude = (x.abs() + 0.5) as i64;
    num_fixed::<7>(c, if x < 0.0 { -magnitude } else { magnitude });
}

/// Decimal digits of an unsigned integer, without allocating.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn of(mut n: u64) -> Digits {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Digits { buf, start }
    }

    fn digits(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn mm_to_pt(mm: f64) -> f32 {
    (mm * 72.0 / MM_PER_INCH) as f32
}

fn font_resource(style: FontStyle) -> &'static str {
    match style {
        FontStyle::Regular => "F0",
        FontStyle::Bold => "F1",
    }
}

/// Counts the bytes written so that objects know their offsets.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Counting<W> {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// A PDF being written to `W`, page by page.
///
/// ```
/// use shiplabel::compose::compose;
/// use shiplabel::label::LabelData;
/// use shiplabel::render::{PdfOptions, PdfWriter};
/// use shiplabel::template::Template;
///
/// let template = Template::builtin("ozon-fbs")?;
/// let mut pdf = PdfWriter::new(Vec::new(), PdfOptions::default())?;
/// pdf.add_scene(&compose(&template, &LabelData::sample(), Some(203))?.scene)?;
/// let bytes = pdf.finish()?;
/// assert!(bytes.starts_with(b"%PDF-1.7"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PdfWriter<W: Write> {
    out: Counting<W>,
    options: PdfOptions,
    /// Byte offset of every object by id (index 0 is the free-list head).
    offsets: Vec<Option<u64>>,
    catalog: Ref,
    pages: Ref,
    resources: Ref,
    fonts: [Ref; 2],
    page_refs: Vec<Ref>,
    media_box: Option<(f32, f32)>,
    /// The character of every glyph used, by glyph id (allocated on first use: 64 K entries).
    used: [Vec<Option<char>>; 2],
    font_referenced: [bool; 2],
    /// The bar font (written at the end when a page shows it) and the codes the pages show.
    bar_font: Ref,
    bar_codes: BarCodes,
    /// Images already written, by the address of their shared bitmap. The `Arc` is kept so that the
    /// bitmap outlives the document: a freed one's address could be reused by a different image.
    images: HashMap<*const Bitmap, (Ref, Arc<Bitmap>)>,
    image_order: Vec<Ref>,
}

impl<W: Write> PdfWriter<W> {
    /// Starts a document: writes the header.
    pub fn new(out: W, options: PdfOptions) -> io::Result<PdfWriter<W>> {
        let mut writer = PdfWriter {
            out: Counting {
                inner: out,
                written: 0,
            },
            options,
            offsets: vec![None],
            catalog: Ref::new(1),
            pages: Ref::new(1),
            resources: Ref::new(1),
            fonts: [Ref::new(1); 2],
            page_refs: Vec::new(),
            media_box: None,
            used: [Vec::new(), Vec::new()],
            font_referenced: [false; 2],
            bar_font: Ref::new(1),
            bar_codes: BarCodes::default(),
            images: HashMap::new(),
            image_order: Vec::new(),
        };
        writer.catalog = writer.alloc();
        writer.pages = writer.alloc();
        writer.resources = writer.alloc();
        writer.fonts = [writer.alloc(), writer.alloc()];
        writer.bar_font = writer.alloc();
        // The binary comment tells transfer tools the file is not text.
        writer.out.write_all(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        Ok(writer)
    }

    fn alloc(&mut self) -> Ref {
        self.offsets.push(None);
        Ref::new((self.offsets.len() - 1) as i32)
    }

    /// Writes the objects of a chunk that holds exactly the one object `id`.
    fn emit(&mut self, id: Ref, chunk: &Chunk) -> io::Result<()> {
        self.set_offset(id);
        self.out.write_all(chunk.as_bytes())
    }

    /// Records that object `id` starts at the current position.
    fn set_offset(&mut self, id: Ref) {
        if let Some(slot) = self.offsets.get_mut(id.get() as usize) {
            *slot = Some(self.out.written);
        }
    }

    fn chunk() -> Chunk {
        Chunk::with_settings(Settings { pretty: false })
    }

    /// Prepares one scene and writes it as the next page, on this thread. Batches prepare pages in
    /// parallel with [`PreparedPage::new`] and write them with [`PdfWriter::add_prepared`].
    pub fn add_scene(&mut self, scene: &Scene) -> io::Result<()> {
        self.add_prepared(PreparedPage::new(scene))
    }

    /// Writes a prepared page as the next page.
    pub fn add_prepared(&mut self, page: PreparedPage) -> io::Result<()> {
        self.bar_codes.union(page.used.bar_codes);
        for &(style, gid, ch) in &page.used.glyphs {
            let used = &mut self.used[style.index()];
            if used.is_empty() {
                used.resize(usize::from(u16::MAX) + 1, None);
            }
            used[usize::from(gid)].get_or_insert(ch);
            self.font_referenced[style.index()] = true;
        }
        // Images are written the first time a page uses them; a page with images carries its own
        // resources (fonts and its images), the others inherit the shared dictionary.
        let mut page_images = Vec::new();
        for bitmap in &page.used.images {
            let key = Arc::as_ptr(bitmap);
            let id = match self.images.get(&key) {
                Some((id, _)) => *id,
                None => {
                    let id = self.alloc();
                    self.write_image(id, bitmap)?;
                    self.images.insert(key, (id, bitmap.clone()));
                    self.image_order.push(id);
                    id
                }
            };
            page_images.push(id);
        }
        let content_id = self.alloc();
        let page_id = self.alloc();
        let size = (page.width_pt, page.height_pt);
        let first = *self.media_box.get_or_insert(size);
        // The common page (no images, the document's size) is written directly: two small objects,
        // ten thousand times in a batch.
        let mut head = Vec::with_capacity(64);
        write_obj_start(&mut head, content_id);
        head.extend_from_slice(b"<</Length ");
        head.extend_from_slice(Digits::of(page.content.len() as u64).digits());
        head.extend_from_slice(b"/Filter/FlateDecode>>\nstream\n");
        self.set_offset(content_id);
        self.out.write_all(&head)?;
        self.out.write_all(&page.content)?;
        self.out.write_all(b"\nendstream\nendobj\n")?;
        if page_images.is_empty() && size == first {
            let mut obj = Vec::with_capacity(80);
            write_obj_start(&mut obj, page_id);
            obj.extend_from_slice(b"<</Type/Page/Parent ");
            obj.extend_from_slice(Digits::of(self.pages.get() as u64).digits());
            obj.extend_from_slice(b" 0 R/Contents ");
            obj.extend_from_slice(Digits::of(content_id.get() as u64).digits());
            obj.extend_from_slice(b" 0 R>>\nendobj\n");
            self.set_offset(page_id);
            self.out.write_all(&obj)?;
            self.page_refs.push(page_id);
            return Ok(());
        }
        let mut chunk = Self::chunk();
        {
            let mut p = chunk.page(page_id);
            p.parent(self.pages).contents(content_id);
            if size != first {
                p.media_box(PdfRect::new(0.0, 0.0, size.0, size.1));
            }
            if !page_images.is_empty() {
                self.font_referenced = [true; 2];
                let mut res = p.resources();
                {
                    let mut fonts = res.fonts();
                    for style in FontStyle::ALL {
                        fonts.pair(
                            Name(font_resource(style).as_bytes()),
                            self.fonts[style.index()],
                        );
                    }
                    if !page.used.bar_codes.is_empty() {
                        fonts.pair(Name(BAR_FONT_RESOURCE.as_bytes()), self.bar_font);
                    }
                }
                let mut xobjects = res.x_objects();
                for (i, id) in page_images.iter().enumerate() {
                    xobjects.pair(Name(format!("Im{i}").as_bytes()), *id);
                }
            }
        }
        self.emit(page_id, &chunk)?;
        self.page_refs.push(page_id);
        Ok(())
    }

    fn write_image(&mut self, id: Ref, bitmap: &Bitmap) -> io::Result<()> {
        // DeviceGray at 1 bit is 1 = white: the inverse of our rows.
        let inverted: Vec<u8> = bitmap.packed().iter().map(|b| !b).collect();
        let data = deflate::zlib(&inverted);
        let mut chunk = Self::chunk();
        {
            let mut image = chunk.image_xobject(id, &data);
            image.filter(Filter::FlateDecode);
            image.width(bitmap.width() as i32);
            image.height(bitmap.height() as i32);
            image.color_space_name(Name(b"DeviceGray"));
            image.bits_per_component(1);
        }
        self.emit(id, &chunk)
    }

    /// Pages written so far.
    pub fn page_count(&self) -> usize {
        self.page_refs.len()
    }

    /// Writes the fonts, the page tree, the catalog, the cross-reference table and the trailer, and
    /// returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let mut font_entries = Vec::new();
        for style in FontStyle::ALL {
            if self.font_referenced[style.index()] {
                self.write_font(style)?;
                font_entries.push(style);
            }
        }
        if !self.bar_codes.is_empty() {
            self.write_bar_font()?;
        }
        let mut chunk = Self::chunk();
        {
            let mut res = chunk.indirect(self.resources).dict();
            {
                let mut fonts = res.insert(Name(b"Font")).dict();
                for &style in &font_entries {
                    fonts.pair(
                        Name(font_resource(style).as_bytes()),
                        self.fonts[style.index()],
                    );
                }
                if !self.bar_codes.is_empty() {
                    fonts.pair(Name(BAR_FONT_RESOURCE.as_bytes()), self.bar_font);
                }
            }
        }
        self.emit(self.resources, &chunk)?;

        let (w, h) = self.media_box.unwrap_or((mm_to_pt(120.0), mm_to_pt(75.0)));
        let mut chunk = Self::chunk();
        chunk
            .pages(self.pages)
            .kids(self.page_refs.iter().copied())
            .count(self.page_refs.len() as i32)
            .media_box(PdfRect::new(0.0, 0.0, w, h))
            .pair(Name(b"Resources"), self.resources);
        self.emit(self.pages, &chunk)?;

        let mut chunk = Self::chunk();
        chunk
            .indirect(self.catalog)
            .dict()
            .pairs([(Name(b"Type"), Name(b"Catalog"))])
            .pair(Name(b"Pages"), self.pages);
        self.emit(self.catalog, &chunk)?;

        let info = self.alloc();
        let mut chunk = Self::chunk();
        {
            let mut dict = chunk.indirect(info).dict();
            dict.pair(Name(b"Title"), pdf_text(&self.options.title).as_str_ref());
            dict.pair(
                Name(b"Producer"),
                Str(concat!("shiplabel ", env!("CARGO_PKG_VERSION")).as_bytes()),
            );
            if let Some(date) = self.options.creation_date {
                let stamp = date
                    .format("D:%Y%m%d%H%M%S%:z")
                    .to_string()
                    .replace(':', "'");
                dict.pair(Name(b"CreationDate"), Str(stamp.as_bytes()));
            }
        }
        self.emit(info, &chunk)?;

        let xref_at = self.out.written;
        // Twenty bytes an object, two objects a page: written without the formatter.
        let mut xref = Vec::with_capacity(self.offsets.len() * 20 + 128);
        xref.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len()).as_bytes(),
        );
        for offset in self.offsets.iter().skip(1) {
            match offset {
                Some(o) => {
                    let digits = Digits::of(*o);
                    let digits = digits.digits();
                    xref.extend(std::iter::repeat_n(
                        b'0',
                        10usize.saturating_sub(digits.len()),
                    ));
                    xref.extend_from_slice(digits);
                    xref.extend_from_slice(b" 00000 n \n");
                }
                None => xref.extend_from_slice(b"0000000000 65535 f \n"),
            }
        }
        xref.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
                self.offsets.len(),
                self.catalog.get(),
                info.get()
            )
            .as_bytes(),
        );
        self.out.write_all(&xref)?;
        self.out.inner.flush()?;
        Ok(self.out.inner)
    }

    /// Writes the bar font: a Type 3 font whose glyph `(b - 1) << 4 | g` is a bar `b` units wide and
    /// one high at the origin, followed by a gap of `g` units (its advance is `b + g`), for the codes
    /// the pages show. The glyphs are colored (`d0`): a viewer draws each one's path instead of
    /// caching a bitmap of it, so the bars land on the same device pixels as rectangles would. They
    /// carry no text: the ToUnicode map makes each a space.
    fn write_bar_font(&mut self) -> io::Result<()> {
        let codes: Vec<u8> = self.bar_codes.iter().collect();
        let (Some(&first), Some(&last)) = (codes.first(), codes.last()) else {
            return Ok(());
        };
        let procs: Vec<(u8, Ref)> = codes.iter().map(|&code| (code, self.alloc())).collect();
        let cmap_id = self.alloc();
        let name = |code: u8| {
            let (bar, gap) = bar_and_gap(code);
            format!("b{bar}g{gap}")
        };
        let mut chunk = Self::chunk();
        {
            let mut font = chunk.indirect(self.bar_font).dict();
            font.pair(Name(b"Type"), Name(b"Font"));
            font.pair(Name(b"Subtype"), Name(b"Type3"));
            font.insert(Name(b"FontBBox")).array().items([
                0,
                0,
                (MAX_BAR_MODULES + MAX_GAP_MODULES) as i32,
                1,
            ]);
            font.insert(Name(b"FontMatrix"))
                .array()
                .items([1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0]);
            {
                let mut char_procs = font.insert(Name(b"CharProcs")).dict();
                for &(code, id) in &procs {
                    char_procs.pair(Name(name(code).as_bytes()), id);
                }
            }
            {
                let mut encoding = font.insert(Name(b"Encoding")).dict();
                encoding.pair(Name(b"Type"), Name(b"Encoding"));
                let mut differences = encoding.insert(Name(b"Differences")).array();
                for &code in &codes {
                    differences.item(i32::from(code));
                    differences.item(Name(name(code).as_bytes()));
                }
            }
            font.pair(Name(b"FirstChar"), i32::from(first));
            font.pair(Name(b"LastChar"), i32::from(last));
            font.insert(Name(b"Widths"))
                .array()
                .items((first..=last).map(|code| {
                    if self.bar_codes.contains(code) {
                        let (bar, gap) = bar_and_gap(code);
                        (bar + gap) as i32
                    } else {
                        0
                    }
                }));
            font.insert(Name(b"Resources")).dict();
            font.pair(Name(b"ToUnicode"), cmap_id);
        }
        self.emit(self.bar_font, &chunk)?;
        // Bars are blanks to a text extractor: each page also marks them with an empty ActualText,
        // which poppler honours; this map is for the readers that only look here.
        let mut cmap = UnicodeCmap::<u8>::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for &code in &codes {
            cmap.pair(code, ' ');
        }
        let cmap_bytes = cmap.finish();
        let mut chunk = Self::chunk();
        chunk.cmap(cmap_id, cmap_bytes.as_slice());
        self.emit(cmap_id, &chunk)?;
        for (code, id) in procs {
            let (bar, gap) = bar_and_gap(code);
            let glyph = format!("{} 0 d0\n0 0 {bar} 1 re\nf", bar + gap);
            let mut chunk = Self::chunk();
            chunk.stream(id, glyph.as_bytes());
            self.emit(id, &chunk)?;
        }
        Ok(())
    }

    fn write_font(&mut self, style: FontStyle) -> io::Result<()> {
        let font = style.font();
        let used: BTreeMap<u16, char> = std::mem::take(&mut self.used[style.index()])
            .into_iter()
            .enumerate()
            .filter_map(|(gid, ch)| Some((u16::try_from(gid).ok()?, ch?)))
            .collect();
        let gids: Vec<u16> = used.keys().copied().collect();
        let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&gids);
        let subset = subsetter::subset(font.bytes(), 0, &remapper)
            .map_err(|e| io::Error::other(format!("subsetting {}: {e}", font.postscript_name())))?;
        // A deterministic subset tag: six letters from a hash of the glyph set.
        let mut hash: u32 = 2166136261;
        for gid in &gids {
            for b in gid.to_be_bytes() {
                hash = (hash ^ u32::from(b)).wrapping_mul(16777619);
            }
        }
        let tag: String = (0..6)
            .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
            .collect();
        let base_font = format!("{tag}+{}", font.postscript_name());

        let cid_id = self.alloc();
        let descriptor_id = self.alloc();
        let file_id = self.alloc();
        let cmap_id = self.alloc();
        let map_id = self.alloc();
        let type0_id = self.fonts[style.index()];

        let mut chunk = Self::chunk();
        chunk
            .type0_font(type0_id)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);
        self.emit(type0_id, &chunk)?;

        let upem = font.units_per_em();
        let to_1000 = |v: f32| v * 1000.0 / upem;
        let mut chunk = Self::chunk();
        {
            let mut cid = chunk.cid_font(cid_id);
            cid.subtype(CidFontType::Type2)
                .base_font(Name(base_font.as_bytes()))
                .system_info(SystemInfo {
                    registry: Str(b"Adobe"),
                    ordering: Str(b"Identity"),
                    supplement: 0,
                })
                .font_descriptor(descriptor_id)
                .cid_to_gid_map_stream(map_id);
            let mut widths = cid.widths();
            for &gid in &gids {
                widths.consecutive(gid, [to_1000(f32::from(font.advance(gid))).round()]);
            }
        }
        self.emit(cid_id, &chunk)?;

        let face = font.face();
        let bbox = face.global_bounding_box();
        let mut chunk = Self::chunk();
        chunk
            .font_descriptor(descriptor_id)
            .name(Name(base_font.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(PdfRect::new(
                to_1000(f32::from(bbox.x_min)),
                to_1000(f32::from(bbox.y_min)),
                to_1000(f32::from(bbox.x_max)),
                to_1000(f32::from(bbox.y_max)),
            ))
            .italic_angle(face.italic_angle())
            .ascent(to_1000(f32::from(face.ascender())))
            .descent(to_1000(f32::from(face.descender())))
            .cap_height(to_1000(f32::from(
                face.capital_height().unwrap_or(face.ascender()),
            )))
            .stem_v(if style == FontStyle::Bold {
                120.0
            } else {
                80.0
            })
            .font_file2(file_id);
        self.emit(descriptor_id, &chunk)?;

        let compressed = deflate::zlib(&subset);
        let mut chunk = Self::chunk();
        chunk
            .stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
        self.emit(file_id, &chunk)?;

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (&gid, &ch) in &used {
            if gid != 0 {
                cmap.pair(gid, ch);
            }
        }
        let cmap_bytes = cmap.finish();
        let mut chunk = Self::chunk();
        chunk.cmap(cmap_id, cmap_bytes.as_slice());
        self.emit(cmap_id, &chunk)?;

        let max = gids.last().copied().unwrap_or(0);
        let mut map = vec![0u8; (usize::from(max) + 1) * 2];
        for &gid in &gids {
            let new = remapper.get(gid).unwrap_or(0);
            let at = usize::from(gid) * 2;
            if let Some(slot) = map.get_mut(at..at + 2) {
                slot.copy_from_slice(&new.to_be_bytes());
            }
        }
        let compressed = deflate::zlib(&map);
        let mut chunk = Self::chunk();
        chunk
            .stream(map_id, &compressed)
            .filter(Filter::FlateDecode);
        self.emit(map_id, &chunk)
    }
}

/// `id 0 obj` and a newline.
fn write_obj_start(out: &mut Vec<u8>, id: Ref) {
    out.extend_from_slice(Digits::of(id.get() as u64).digits());
    out.extend_from_slice(b" 0 obj\n");
}

/// A PDF text string: PDFDocEncoding is ASCII-compatible, anything else goes as UTF-16BE with a BOM.
struct PdfText(Vec<u8>);

impl PdfText {
    fn as_str_ref(&self) -> Str<'_> {
        Str(&self.0)
    }
}

fn pdf_text(text: &str) -> PdfText {
    if text.is_ascii() {
        return PdfText(text.as_bytes().to_vec());
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    PdfText(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_become_one_code_each_in_whole_modules() {
        // Module 3 units (in hundredths: 300). Bars of 2, 1 and 4 modules with gaps of 1 and 3.
        let edges = [(4900, 600), (5800, 300), (7000, 1200)];
        let codes = bar_string(&edges, 300).expect("fits the font");
        assert_eq!(codes, vec![(1 << 4) | 1, 3, 3 << 4]);
        for (&code, bar_gap) in codes.iter().zip([(2, 1), (1, 3), (4, 0)]) {
            assert_eq!(bar_and_gap(code), bar_gap);
        }
    }

    #[test]
    fn bars_the_font_cannot_draw_keep_their_rectangles() {
        // A bar not a whole number of modules, one too wide, a gap too wide, bars out of order.
        assert_eq!(bar_string(&[(0, 450)], 300), None);
        assert_eq!(bar_string(&[(0, 300 * 17)], 300), None);
        assert_eq!(bar_string(&[(0, 300), (300 * 17, 300)], 300), None);
        assert_eq!(bar_string(&[(900, 300), (0, 300)], 300), None);
        assert_eq!(bar_string(&[(0, 300)], 0), None);
        // The widest bar and gap the font has still fit.
        assert_eq!(
            bar_string(&[(0, 300 * 16), (300 * 31, 300)], 300),
            Some(vec![0xFF, 0])
        );
    }

    #[test]
    fn code_sets_hold_each_code_once_in_order() {
        let mut set = BarCodes::default();
        assert!(set.is_empty());
        for code in [200, 0, 63, 64, 200, 255] {
            set.insert(code);
        }
        let mut other = BarCodes::default();
        other.insert(1);
        set.union(other);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 1, 63, 64, 200, 255]);
        assert!(set.contains(64) && !set.contains(65));
    }
}
