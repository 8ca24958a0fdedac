//! Scenes to PDF, streamed: one page per label, written as it comes, the fonts written once at the end.
//!
//! Built on `pdf-writer` (typed objects, no document model) plus our own file framing: every object is
//! written straight to the output and only its byte offset is kept, so memory stays flat however many
//! labels a batch has. Fonts are Type 0 / CIDFontType2 with the glyph ids of the bundled font as CIDs, so
//! pages can be prepared in parallel without a shared glyph table; at the end each font is subset to the
//! glyphs used (`subsetter`), and a CIDToGIDMap, a widths array and a ToUnicode CMap are written for it.
//! The output is a deterministic function of the scenes and options: no timestamps or random ids unless a
//! creation date is asked for.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Content, Filter, Name, Rect as PdfRect, Ref, Settings, Str};

use crate::bitmap::Bitmap;
use crate::font::FontStyle;
use crate::scene::{Item, Scene, MM_PER_INCH};

/// Content-stream units per millimetre when a scene has no dot grid (hundredths of a millimetre).
const UNITS_PER_MM_NO_GRID: f64 = 100.0;
/// zlib level: on a 2.6 KB label content stream level 1 takes half the time of level 6 for 20 % more
/// bytes (measured: 38 µs → 797 B against 72 µs → 642 B).
const DEFLATE_LEVEL: u8 = 1;

thread_local! {
    // Making a compressor clears about 300 KB of tables, which costs more than compressing a label;
    // each thread keeps one and resets it.
    static COMPRESSOR: std::cell::RefCell<CompressorOxide> = std::cell::RefCell::new(
        CompressorOxide::new(create_comp_flags_from_zip_params(DEFLATE_LEVEL.into(), 15, 0)),
    );
}

/// zlib-compresses `data` (the PDF FlateDecode filter).
fn deflate(data: &[u8]) -> Vec<u8> {
    COMPRESSOR.with(|cell| {
        let mut comp = cell.borrow_mut();
        comp.reset();
        let mut out = vec![0u8; data.len() / 2 + 64];
        let mut input = data;
        let mut written = 0;
        loop {
            let (status, read, wrote) = compress(
                &mut comp,
                input,
                out.get_mut(written..).unwrap_or(&mut []),
                TDEFLFlush::Finish,
            );
            written += wrote;
            input = input.get(read..).unwrap_or(&[]);
            match status {
                TDEFLStatus::Done => break,
                TDEFLStatus::Okay => {
                    if out.len() - written < 64 {
                        out.resize(out.len() * 2, 0);
                    }
                }
                // Only bad parameters fail, and ours are fixed; fall back to the one-shot encoder.
                _ => return miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL),
            }
        }
        out.truncate(written);
        out
    })
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
    glyphs: Vec<(FontStyle, u16, char)>,
    images: Vec<Arc<Bitmap>>,
}

impl PreparedPage {
    /// Builds and compresses the content stream of a scene.
    pub fn new(scene: &Scene) -> PreparedPage {
        let units_per_mm = match scene.grid_dpi {
            Some(dpi) => f64::from(dpi) / MM_PER_INCH,
            None => UNITS_PER_MM_NO_GRID,
        };
        let pt_per_unit = 72.0 / MM_PER_INCH / units_per_mm;
        let page_h = scene.height_mm * units_per_mm;
        // Coordinates in content units: whole dots on a grid, so bars are small integers.
        let u = |mm: f64| round2(mm * units_per_mm);
        let y_up = |mm: f64| round2(page_h - mm * units_per_mm);

        let mut c = Content::new();
        c.save_state();
        c.transform([pt_per_unit as f32, 0.0, 0.0, pt_per_unit as f32, 0.0, 0.0]);
        let mut any_fill = false;
        for item in &scene.items {
            let rects: &mut dyn Iterator<Item = &crate::scene::Rect> = match item {
                Item::Fill(r) => &mut std::iter::once(r),
                Item::Barcode(b) => &mut b.bars.iter(),
                _ => continue,
            };
            for r in rects {
                c.rect(u(r.x), y_up(r.bottom()), u(r.w), u(r.h));
                any_fill = true;
            }
        }
        if any_fill {
            c.fill_nonzero();
        }
        let mut glyphs = Vec::new();
        let mut images = Vec::new();
        let mut gid_bytes = Vec::new();
        for item in &scene.items {
            match item {
                Item::Text(run) => {
                    let font_name = font_resource(run.style);
                    let size_units = run.size_pt / 72.0 * MM_PER_INCH * units_per_mm;
                    gid_bytes.clear();
                    for g in &run.glyphs {
                        gid_bytes.extend_from_slice(&g.id.to_be_bytes());
                        glyphs.push((run.style, g.id, g.ch));
                    }
                    c.begin_text();
                    c.set_font(Name(font_name.as_bytes()), round2(size_units));
                    c.next_line(u(run.x), y_up(run.baseline));
                    c.show(Str(&gid_bytes));
                    c.end_text();
                }
                Item::Line(line) => {
                    c.set_line_width(u(line.thickness));
                    c.move_to(u(line.x1), y_up(line.y1));
                    c.line_to(u(line.x2), y_up(line.y2));
                    c.stroke();
                }
                Item::Image { rect, bitmap } => {
                    let index = match images.iter().position(|b| Arc::ptr_eq(b, bitmap)) {
                        Some(i) => i,
                        None => {
                            images.push(bitmap.clone());
                            images.len() - 1
                        }
                    };
                    let name = format!("Im{index}");
                    c.save_state();
                    c.transform([
                        u(rect.w),
                        0.0,
                        0.0,
                        u(rect.h),
                        u(rect.x),
                        y_up(rect.bottom()),
                    ]);
                    c.x_object(Name(name.as_bytes()));
                    c.restore_state();
                }
                Item::Fill(_) | Item::Barcode(_) => {}
            }
        }
        c.restore_state();
        // The writer only needs each glyph of the page once.
        glyphs.sort_unstable_by_key(|&(style, gid, _)| (style, gid));
        glyphs.dedup_by_key(|&mut (style, gid, _)| (style, gid));
        let raw = c.finish();
        let content = deflate(raw.as_slice());
        PreparedPage {
            width_pt: mm_to_pt(scene.width_mm),
            height_pt: mm_to_pt(scene.height_mm),
            content,
            glyphs,
            images,
        }
    }
}

fn round2(v: f64) -> f32 {
    ((v * 100.0).round() / 100.0) as f32
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
/// use shiplabel::render::pdf::{PdfOptions, PdfWriter};
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
    used: [BTreeMap<u16, char>; 2],
    font_referenced: [bool; 2],
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
            used: [BTreeMap::new(), BTreeMap::new()],
            font_referenced: [false; 2],
            images: HashMap::new(),
            image_order: Vec::new(),
        };
        writer.catalog = writer.alloc();
        writer.pages = writer.alloc();
        writer.resources = writer.alloc();
        writer.fonts = [writer.alloc(), writer.alloc()];
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
        let index = id.get() as usize;
        if let Some(slot) = self.offsets.get_mut(index) {
            *slot = Some(self.out.written);
        }
        self.out.write_all(chunk.as_bytes())
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
        for &(style, gid, ch) in &page.glyphs {
            self.used[style.index()].entry(gid).or_insert(ch);
            self.font_referenced[style.index()] = true;
        }
        // Images are written the first time a page uses them; a page with images carries its own
        // resources (fonts and its images), the others inherit the shared dictionary.
        let mut page_images = Vec::new();
        for bitmap in &page.images {
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
        let mut chunk = Self::chunk();
        chunk
            .stream(content_id, &page.content)
            .filter(Filter::FlateDecode);
        self.emit(content_id, &chunk)?;

        let page_id = self.alloc();
        let size = (page.width_pt, page.height_pt);
        let first = *self.media_box.get_or_insert(size);
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
        let data = deflate(&inverted);
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
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len());
        for offset in self.offsets.iter().skip(1) {
            match offset {
                Some(o) => xref.push_str(&format!("{o:010} 00000 n \n")),
                None => xref.push_str("0000000000 65535 f \n"),
            }
        }
        xref.push_str(&format!(
            "trailer\n<< /Size {} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.offsets.len(),
            self.catalog.get(),
            info.get()
        ));
        self.out.write_all(xref.as_bytes())?;
        self.out.inner.flush()?;
        Ok(self.out.inner)
    }

    fn write_font(&mut self, style: FontStyle) -> io::Result<()> {
        let font = style.font();
        let used = std::mem::take(&mut self.used[style.index()]);
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

        let compressed = deflate(&subset);
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
        let compressed = deflate(&map);
        let mut chunk = Self::chunk();
        chunk
            .stream(map_id, &compressed)
            .filter(Filter::FlateDecode);
        self.emit(map_id, &chunk)
    }
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
